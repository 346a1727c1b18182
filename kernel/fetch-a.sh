#!/bin/bash
# Resolve kernel A: Debian's unmodified linux-image-<abi>-amd64 matching the installed
# linux-headers-amd64 (never a hard-coded ABI).  Extracts vmlinuz and the modules A's
# initramfs loads (its NICs: virtio-net; the bridge that shares one with B) from the .deb.
#   kernel/fetch-a.sh BUILD_DIR  ->  BUILD_DIR/kernel-a/{vmlinuz,abi,headers,modules/}
set -euo pipefail
out=$(realpath -m "${1:?usage: fetch-a.sh BUILD_DIR}")/kernel-a
mkdir -p "$out"

hdr_pkg=$(dpkg-query -W -f='${Depends}' linux-headers-amd64 2>/dev/null | tr ',' '\n' |
	grep -o 'linux-headers-[0-9][^ ]*-amd64' | head -1) || true
[ -n "$hdr_pkg" ] || { echo "fetch-a: linux-headers-amd64 is not installed (apt-get install linux-headers-amd64)" >&2; exit 1; }
abi=${hdr_pkg#linux-headers-}			# e.g. 6.1.0-56-amd64
headers=/usr/src/linux-headers-$abi
[ -d "$headers" ] || { echo "fetch-a: $headers missing" >&2; exit 1; }
img_pkg=linux-image-$abi
ver=$(apt-cache policy "$hdr_pkg" | awk '/Installed:/ {print $2}')

# In load order: each needs only those before it.
modules="drivers/virtio/virtio_ring drivers/virtio/virtio drivers/virtio/virtio_pci_legacy_dev
	drivers/virtio/virtio_pci_modern_dev drivers/virtio/virtio_pci net/core/failover
	drivers/net/net_failover drivers/net/virtio_net net/llc/llc net/802/stp net/bridge/bridge"

if [ "$(cat "$out/abi" 2>/dev/null)" != "$abi $ver" ] || [ ! -f "$out/vmlinuz" ] ||
   [ ! -f "$out/modules/order" ]; then
	echo "fetch-a: downloading $img_pkg ($ver)"
	tmp=$(mktemp -d)
	trap 'rm -rf "$tmp"' EXIT
	# Prefer the unsigned image (same kernel, no shim signature); fall back to the signed one.
	(cd "$tmp" && { apt-get download -q "$img_pkg-unsigned=$ver" 2>/dev/null ||
			apt-get download -q "$img_pkg=$ver" 2>/dev/null ||
			apt-get download -q "$img_pkg"; }) >/dev/null
	deb=$(ls "$tmp"/*.deb)
	dpkg-deb -x "$deb" "$tmp/x"
	cp "$tmp"/x/boot/vmlinuz-* "$out/vmlinuz"
	rm -rf "$out/modules"
	mkdir -p "$out/modules"
	for m in $modules; do
		cp "$tmp/x/lib/modules/$abi/kernel/$m.ko" "$out/modules/"
		basename "$m.ko" >> "$out/modules/order"
	done
	echo "$abi $ver" > "$out/abi"
fi
echo "$headers" > "$out/headers"
echo "fetch-a: kernel A $abi ($ver), headers $headers"
