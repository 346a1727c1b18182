#!/bin/bash
# Builds baton's Debian packages from this tree's build (make deb):
#   baton       the CLI, the trampoline (and its SHA256SUMS), baton(8), bash completion,
#               systemd units, the GRUB drop-in, the /boot digest hooks
#   baton-dkms  baton.ko's source for DKMS (the running kernel's module)
#   packaging/build-debs.sh OUT_DIR BATON TRAMPOLINE_BIN VERSION
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd); top=$here/..
out=$(realpath -m "${1:?out dir}"); baton=${2:?baton}; trampoline=${3:?trampoline.bin}
version=${4:?version}
# One date for everything a build writes: the newest commit's (reproducible), else now.
epoch=$(git -C "$top" log -1 --format=%ct 2>/dev/null || date +%s)
export SOURCE_DATE_EPOCH=$epoch
rfc_date=$(date -u -R -d "@$epoch")
stage=$out/stage
rm -rf "$stage"; mkdir -p "$stage" "$out"
rm -f "$out"/baton_*.deb "$out"/baton-dkms_*.deb  # no stale one beside the new ones

# fill TEMPLATE: @VERSION@, @DATE@, @PACKAGE@, @SIZE@ (KiB of the package's tree).
fill() { sed -e "s/@VERSION@/$version/g" -e "s/@DATE@/$rfc_date/g" -e "s/@PACKAGE@/$2/g" \
	-e "s/@SIZE@/${3:-0}/g" "$1"; }
doc() {
	local pkg=$1 root=$2
	install -d "$root/usr/share/doc/$pkg"
	install -m 644 "$here/$pkg/copyright" "$root/usr/share/doc/$pkg/copyright"
	# A native package (no Debian revision): changelog.gz.
	fill "$here/changelog.in" "$pkg" | gzip -9n > "$root/usr/share/doc/$pkg/changelog.gz"
}
control() {
	local pkg=$1 root=$2
	install -d "$root/DEBIAN"
	local size; size=$(du -sk --exclude=DEBIAN "$root" | cut -f1)
	fill "$here/$pkg/control.in" "$pkg" "$size" > "$root/DEBIAN/control"
	(cd "$root" && find . -path ./DEBIAN -prune -o -type f -printf '%P\0' | sort -z |
		xargs -0 md5sum) > "$root/DEBIAN/md5sums"
}
build() {
	local root=$1
	find "$root" -exec touch -h -d "@$epoch" {} +
	dpkg-deb --root-owner-group -Zxz --build "$root" "$out" >/dev/null
}

# --- baton ---------------------------------------------------------------------------------
r=$stage/baton
install -D -m 755 "$baton" "$r/usr/sbin/baton"
strip --strip-unneeded "$r/usr/sbin/baton"
install -D -m 644 "$here/baton/lintian-overrides" "$r/usr/share/lintian/overrides/baton"
install -D -m 644 "$trampoline" "$r/usr/lib/baton/trampoline.bin"
(cd "$r/usr/lib/baton" && sha256sum trampoline.bin > SHA256SUMS)
install -m 755 "$here/baton/publish-digests" "$r/usr/lib/baton/publish-digests"
install -D -m 755 "$here/baton/kernel-postinst" "$r/etc/kernel/postinst.d/zz-baton"
install -D -m 755 "$here/baton/kernel-postrm" "$r/etc/kernel/postrm.d/zz-baton"
install -D -m 755 "$here/baton/initramfs-post-update" "$r/etc/initramfs/post-update.d/baton"
install -D -m 644 "$here/baton/grub.cfg" "$r/etc/default/grub.d/baton.cfg"
install -D -m 644 "$here/baton/default" "$r/etc/default/baton"
install -D -m 644 "$here/baton/baton-status.service" "$r/lib/systemd/system/baton-status.service"
install -D -m 644 "$here/baton/baton-upgrade.service" "$r/lib/systemd/system/baton-upgrade.service"
install -D -m 644 "$here/baton/bash-completion" "$r/usr/share/bash-completion/completions/baton"
install -d "$r/usr/share/man/man8"
"$here/make-manpage.py" "$baton" "$here/baton/baton.8.in" "$stage/baton.8" "$version" \
	"$(date -u -d "@$epoch" +%Y-%m-%d)"
gzip -9n < "$stage/baton.8" > "$r/usr/share/man/man8/baton.8.gz"
doc baton "$r"
control baton "$r"
install -m 755 "$here/baton/postinst" "$here/baton/postrm" "$r/DEBIAN/"
printf '%s\n' /etc/default/baton /etc/default/grub.d/baton.cfg /etc/kernel/postinst.d/zz-baton \
	/etc/kernel/postrm.d/zz-baton /etc/initramfs/post-update.d/baton > "$r/DEBIAN/conffiles"
build "$r"

# --- baton-dkms ----------------------------------------------------------------------------
r=$stage/baton-dkms
src=$r/usr/src/baton-$version
install -d "$src/include/baton"
install -m 644 "$top"/loader/module/Kbuild "$top"/loader/module/*.c "$top"/loader/module/*.h \
	"$top"/link/baton_net*.[ch] "$top"/link/baton_link.h "$src/"
install -m 644 "$top"/include/baton/*.h "$src/include/baton/"
fill "$here/baton-dkms/dkms.conf.in" baton-dkms > "$src/dkms.conf"
chmod 644 "$src/dkms.conf"
doc baton-dkms "$r"
control baton-dkms "$r"
for s in postinst prerm; do
	fill "$here/baton-dkms/$s" baton-dkms > "$r/DEBIAN/$s"
	chmod 755 "$r/DEBIAN/$s"
done
build "$r"
rm -rf "$stage"
ls "$out"/*.deb
