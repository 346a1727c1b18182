#!/bin/bash
# Installs the Debian packages baton needs that are missing (root, Debian 12).  Fast no-op
# when everything is there.
set -euo pipefail
pkgs=(build-essential cmake ninja-build ccache python3 file cpio gzip xz-utils kmod
      bc bison flex libelf-dev libssl-dev rsync dwarves
      qemu-system-x86 qemu-utils gdb socat busybox-static kexec-tools catch2
      linux-source-6.12 linux-config-6.12 linux-headers-amd64
      lintian dkms man-db systemd ansible openssh-client dropbear-bin)
missing=()
for p in "${pkgs[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" != 0 ]; then
	echo "install-deps: missing packages ${missing[*]}; run as root (apt-get install)" >&2
	exit 1
fi
echo "install-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -q >/dev/null
apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null
