#!/bin/bash
# Builds a busybox-static initramfs for kernel A or B.
#   qemu/initramfs/build.sh a|b OUT.cpio.gz [FILE:DEST ...]
# Extra FILE:DEST pairs are copied in (e.g. baton.ko for A).  Output is reproducible: fixed
# mtimes and owner, sorted entries.
set -euo pipefail
role=${1:?role a|b}; out=$(realpath -m "${2:?output}"); shift 2
here=$(cd "$(dirname "$0")" && pwd)
busybox=/bin/busybox
[ -x "$busybox" ] && file -L "$busybox" | grep -q "statically linked" || {
	echo "initramfs: $busybox is not busybox-static (apt-get install busybox-static)" >&2; exit 1; }

root=$(mktemp -d)
trap 'rm -rf "$root"' EXIT
# mktemp's 0700 would become /'s mode: nobody but root could run anything.
chmod 755 "$root"
mkdir -p "$root"/{bin,sbin,etc,proc,sys,dev,tmp,run,root,lib/modules,usr/bin,usr/sbin}
cp "$busybox" "$root/bin/busybox"
for applet in $("$busybox" --list); do
	[ "$applet" = busybox ] || ln -sf busybox "$root/bin/$applet"
done
# Scripts (the kernel's selftests among them) call the module tools by their /sbin path.
for applet in modprobe insmod rmmod lsmod; do
	ln -sf ../bin/busybox "$root/sbin/$applet"
done
cp "$here/init-$role" "$root/init"
chmod 755 "$root/init"
cp "$here/common.sh" "$root/etc/baton-common.sh"
cp "$here/start-health" "$root/usr/bin/start-health"
cp "$here/net-$role" "$root/usr/bin/net-$role"
# The kernel's own modules the init loads, in this order: A's NIC and bridge drivers
# (kernel/fetch-a.sh, loaded by net-a), B's NIC driver (kernel/build-b.sh, loaded by init-b).
if [ -n "${BATON_MODULES:-}" ]; then
	mkdir -p "$root/lib/modules/$role"
	cp "$BATON_MODULES"/*.ko "$BATON_MODULES/order" "$root/lib/modules/$role/"
fi
# A host program with the shared libraries it links: add_program PATH DEST PACKAGE
add_program() {
	[ -x "$1" ] || { echo "initramfs: $1 missing (apt-get install $3)" >&2; exit 1; }
	rm -f "$root/$2"  # a busybox applet's link would be followed: busybox overwritten
	cp "$1" "$root/$2"
	for lib in $(ldd "$1" | awk '$2 == "=>" && $3 ~ /^\// {print $3} $1 ~ /^\// {print $1}'); do
		mkdir -p "$root$(dirname "$lib")"
		cp -L "$lib" "$root$lib"
	done
}
# Every host carries kexec-tools: `make bench` times the classic kexec -e in A, and the
# scenarios check that no kexec -p replaces the next kernel's crash image, in A and in B.
add_program /usr/sbin/kexec sbin/kexec kexec-tools
# Every kernel serves SSH (the fleet's orchestration logs in with a key; host key and
# authorized key come as FILE:DEST pairs): one host identity for every kernel of a machine.
add_program /usr/sbin/dropbear usr/sbin/dropbear dropbear-bin
# B runs the kernel's own hotplug selftests (bash scripts; busybox has their other tools),
# and they modprobe their error-injection module: modules.dep under B's release.
if [ "$role" = b ]; then
	add_program /usr/bin/bash bin/bash bash
	if [ -n "${BATON_MODULES:-}" ]; then
		release=$(modinfo -F vermagic "$(ls "$BATON_MODULES"/*.ko | head -1)" | cut -d' ' -f1)
		ln -s b "$root/lib/modules/$release"
		cp "$BATON_MODULES"/modules.builtin* "$root/lib/modules/b/"
		(cd "$root/lib/modules/b" && ls ./*.ko | sed 's|^\./||') > "$root/lib/modules/b/modules.order"
		depmod -b "$root" "$release"
	fi
fi
for pair in "$@"; do
	src=${pair%%:*}; dst=${pair#*:}
	mkdir -p "$root/$(dirname "$dst")"
	cp "$src" "$root/$dst"
done
# The documented test login on both consoles: root / baton (README).  A fixed salt keeps the
# image reproducible.
# `nobody` (no login) is the unprivileged user the scenarios run commands as (su from root).
printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/sh\n' \
	> "$root/etc/passwd"
printf 'root:%s:19000:0:99999:7:::\nnobody:!:19000:0:99999:7:::\n' \
	"$("$busybox" mkpasswd -m sha512 baton batonsalt)" > "$root/etc/shadow"
chmod 600 "$root/etc/shadow"
printf 'root:x:0:\nnogroup:x:65534:\n' > "$root/etc/group"
echo "/bin/sh" > "$root/etc/shells"
printf 'PS1="%s:\\w# "\nexport PATH=/usr/bin:/bin:/sbin:/usr/sbin\n' "$role" > "$root/etc/profile"

mkdir -p "$(dirname "$out")"
(cd "$root" && find . -print0 | LC_ALL=C sort -z |
	cpio --null -o -H newc --reproducible --owner=0:0 --quiet) | gzip -9n > "$out.tmp"
mv "$out.tmp" "$out"
