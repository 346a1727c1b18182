#!/bin/bash
# Builds kernel B as a linux-image package with the kernel's own scripts/package/builddeb
# (what `make bindeb-pkg` runs per package), over what baton built of B: its bzImage and the
# modules of kernel/config/b-modules.  `bindeb-pkg` itself would first build every module of
# Debian's configuration (4051 options set to m: hours on two cores).
#   packaging/build-kernel-deb.sh KERNEL_B_DIR OUT_DIR BATON_VERSION
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd); top=$here/..
kdir=$(realpath "${1:?BUILD/kernel-b}"); out=$(realpath -m "${2:?out dir}"); version=${3:?version}
src=$kdir/src; obj=$kdir/obj
release=$(cat "$kdir/version")
pkg=linux-image-$release
epoch=$(git -C "$top" log -1 --format=%ct 2>/dev/null || date +%s)
export SOURCE_DATE_EPOCH=$epoch
mkdir -p "$out"
rm -f "$out"/linux-image-*.deb  # no stale one beside the new one
# modules_install installs what modules.order lists: the modules build-b.sh built.  The file
# is ours for this command only (B's build never runs `make modules`, which writes it).
order=$obj/modules.order
trap 'rm -f "$order"; rm -rf "$obj/debian"' EXIT
grep -v '^#' "$top/kernel/config/b-modules" | awk 'NF {print $1 ".o"}' > "$order"
rm -rf "$obj/debian"
export KBUILD_BUILD_USER=baton KBUILD_BUILD_HOST=baton
make -s -C "$src" O="$obj" run-command \
	KBUILD_RUN_COMMAND="$src/scripts/package/builddeb $pkg" > "$kdir/builddeb.log" 2>&1 || {
	echo "build-kernel-deb: builddeb failed: $(tail -3 "$kdir/builddeb.log")" >&2; exit 1; }
root=$obj/debian/$pkg
[ -f "$root/boot/vmlinuz-$release" ] || { echo "build-kernel-deb: builddeb made no $pkg" >&2; exit 1; }
# What debian/rules adds after builddeb (dh_installdocs, dh_gencontrol, dh_md5sums).
install -d "$root/usr/share/doc/$pkg"
sed -e "s/@PACKAGE@/$pkg/" -e "s/@VERSION@/$release-1/" \
	-e "s/@DATE@/$(date -u -R -d "@$epoch")/" "$here/changelog.in" |
	sed 's/Packaged from the baton tree (make deb)/Built from linux-source-6.12 with baton'"'"'s patches (make deb)/' |
	gzip -9n > "$root/usr/share/doc/$pkg/changelog.Debian.gz"
cat "$here/baton/copyright" > "$root/usr/share/doc/$pkg/copyright"
cat >> "$root/usr/share/doc/$pkg/copyright" <<COPY

Files: boot/* lib/modules/*
Copyright: Linus Torvalds and many others
License: GPL-2
COPY
install -d "$root/usr/share/lintian/overrides"
sed "s/@RELEASE@/$release/" "$here/linux-image/lintian-overrides.in" > "$root/usr/share/lintian/overrides/$pkg"
size=$(du -sk --exclude=DEBIAN "$root" | cut -f1)
sed -e "s/@RELEASE@/$release/g" -e "s/@VERSION@/$version/g" -e "s/@SIZE@/$size/" \
	"$here/linux-image/control.in" > "$root/DEBIAN/control"
(cd "$root" && find . -path ./DEBIAN -prune -o -type f -printf '%P\0' | sort -z | xargs -0 md5sum) \
	> "$root/DEBIAN/md5sums"
find "$root" -exec touch -h -d "@$epoch" {} +
dpkg-deb --root-owner-group -Zxz --build "$root" "$out" >/dev/null
ls "$out/${pkg}_$release-1_amd64.deb"
