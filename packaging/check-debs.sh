#!/bin/bash
# Checks baton's packages: lintian, then what they install, installed into a scratch root
# with dpkg --root, runs: baton from there (static: it needs nothing of the root), its man
# page renders, the completion completes, the units verify, the GRUB drop-in gives the host
# parameters, the /boot digest hooks keep a manifest sha256sum accepts, and the DKMS source
# builds baton.ko for kernel A's headers through dkms itself.
# Kernel B's linux-image package installs there too: its hooks run baton's, its image is
# B's bzImage, its modules are signed.
#   packaging/check-debs.sh DEB_DIR A_HEADERS_DIR B_BZIMAGE
set -uo pipefail
debs=$(realpath "${1:?deb dir}"); headers=$(realpath "${2:?kernel A headers}")
b_bzimage=$(realpath "${3:?B bzImage}")
fail=0
say() { echo "check-debs: $*"; }
bad() { say "FAIL: $*"; fail=1; }
scratch=$(mktemp -d); trap 'rm -rf "$scratch"' EXIT
kdeb=$(ls "$debs"/linux-image-*.deb 2>/dev/null | head -1)
[ -n "$kdeb" ] || bad "no linux-image package in $debs"

# lintian: no error, no warning (root's warning about itself aside), and its own verdict.
out=$(lintian --fail-on error,warning "$debs"/baton_*.deb "$debs"/baton-dkms_*.deb $kdeb 2>&1)
lint=$?
out=$(echo "$out" | grep -v 'running with root privileges')
if [ $lint -ne 0 ] || [ -n "$out" ]; then bad "lintian (exit $lint): $out"; else say "lintian: clean"; fi

# A scratch root with its own dpkg database; busybox is its /bin/sh for the scripts.
root=$scratch/root
mkdir -p "$root/var/lib/dpkg/info" "$root/var/lib/dpkg/updates" "$root/bin" "$root/usr/bin" \
	"$root/boot" "$root/tmp"
touch "$root/var/lib/dpkg/status" "$root/var/lib/dpkg/available"
cp /bin/busybox "$root/bin/busybox"
for t in sh sed grep awk cp mv rm mktemp chmod cat sha256sum run-parts; do ln -s busybox "$root/bin/$t"; done
printf 'kernel image\n' > "$root/boot/vmlinuz-9.9.9"
printf 'initramfs\n' > "$root/boot/initrd.img-9.9.9"
if ! dpkg --root="$root" --force-not-root -i "$debs"/baton_*.deb > "$scratch/dpkg.log" 2>&1; then
	bad "dpkg --root -i baton: $(tail -3 "$scratch/dpkg.log")"
fi
dpkg --root="$root" --unpack "$debs"/baton-dkms_*.deb > "$scratch/dpkg-dkms.log" 2>&1 ||
	bad "dpkg --root --unpack baton-dkms: $(tail -3 "$scratch/dpkg-dkms.log")"
st=$(dpkg --root="$root" -s baton 2>/dev/null | sed -n 's/^Status: //p')
[ "$st" = "install ok installed" ] || bad "baton is '$st' in the scratch root"

# What baton installed runs.
v=$(chroot "$root" /usr/sbin/baton --version | head -1)
echo "$v" | grep -qE '^baton [^ ]+ \(ledger ABI [0-9]+\)$' || bad "baton --version from the package: $v"
chroot "$root" /usr/sbin/baton upgrade --help | grep -q '^baton upgrade' || bad "baton upgrade --help"
chroot "$root" /usr/sbin/baton bogus > /dev/null 2>&1; [ $? = 2 ] || bad "baton bogus: not exit 2"
(cd "$root/usr/lib/baton" && sha256sum -c --quiet SHA256SUMS) || bad "the trampoline's SHA256SUMS"
man=$(MANWIDTH=80 man -l "$root/usr/share/man/man8/baton.8.gz" 2>&1 | tr -s ' \n' '  ')
for want in "baton upgrade" "EXIT STATUS" "stopped partway" "baton handover" "FILES"; do
	echo "$man" | grep -q "$want" || bad "baton(8) lacks '$want'"
done
comp=$(PATH="$root/usr/sbin:$PATH" bash -c '. "$1"; COMP_WORDS=(baton up); COMP_CWORD=1; _baton;
	echo "${COMPREPLY[*]}"; COMP_WORDS=(baton upgrade --re); COMP_CWORD=2; _baton;
	echo "${COMPREPLY[*]}"' _ "$root/usr/share/bash-completion/completions/baton")
[ "$comp" = "upgrade
--ready --ready-timeout" ] || bad "bash completion: '$comp'"
# The units, against this machine's systemd: only what this build host lacks may be said
# (baton itself, its man page: they are in the scratch root, not here).
for u in baton-status baton-upgrade; do
	systemd-analyze verify "$root/lib/systemd/system/$u.service" > "$scratch/$u.log" 2>&1
	grep -v "/usr/sbin/baton\|man baton(8)\|/etc/default/baton" "$scratch/$u.log" | grep -q . &&
		bad "systemd-analyze verify $u: $(cat "$scratch/$u.log")"
done
params=$(sh -c '. "$1"; echo "$GRUB_CMDLINE_LINUX"' _ "$root/etc/default/grub.d/baton.cfg")
case "$params" in
" crashkernel=512M@256M memmap=64K\\\$0x20000 movablecore=1536M"*"no_ipi_broadcast=1"*) ;;
*) bad "the GRUB drop-in gives '$params'" ;;
esac
# The digest hooks: the package's postinst covered the kernel already in /boot; a new one
# and its initramfs join, a removed one leaves.
(cd "$root/boot" && sha256sum -c --quiet SHA256SUMS) || bad "/boot/SHA256SUMS after install"
grep -q ' vmlinuz-9.9.9$' "$root/boot/SHA256SUMS" || bad "postinst did not publish vmlinuz-9.9.9"
printf 'new\n' > "$root/boot/vmlinuz-9.9.10"; printf 'rd\n' > "$root/boot/initrd.img-9.9.10"
chroot "$root" /etc/kernel/postinst.d/zz-baton 9.9.10 /boot/vmlinuz-9.9.10 || bad "kernel postinst hook"
printf 'rd2\n' > "$root/boot/initrd.img-9.9.10"
chroot "$root" /etc/initramfs/post-update.d/baton 9.9.10 /boot/initrd.img-9.9.10 || bad "initramfs hook"
(cd "$root/boot" && sha256sum -c --quiet SHA256SUMS) || bad "/boot/SHA256SUMS after the hooks"
rm "$root/boot/vmlinuz-9.9.9" "$root/boot/initrd.img-9.9.9"
chroot "$root" /etc/kernel/postrm.d/zz-baton 9.9.9 /boot/vmlinuz-9.9.9 || bad "kernel postrm hook"
[ "$(wc -l < "$root/boot/SHA256SUMS")" = 2 ] && ! grep -q '9\.9\.9$' "$root/boot/SHA256SUMS" ||
	bad "after the postrm hook: $(cat "$root/boot/SHA256SUMS")"

# Kernel B's package: its postinst runs the kernel hooks (baton's publishes its digest), its
# image is the bzImage baton boots, with baton's platform, and its modules are signed.  Its
# dependencies (kmod, linux-base, initramfs-tools) are a real system's, not this root's.
if [ -n "$kdeb" ]; then
	release=$(dpkg-deb -f "$kdeb" Package | sed 's/^linux-image-//')
	dpkg --root="$root" --force-not-root --force-depends -i "$kdeb" > "$scratch/dpkg-k.log" 2>&1 ||
		bad "dpkg --root -i $(basename "$kdeb"): $(tail -3 "$scratch/dpkg-k.log")"
	cmp -s "$root/boot/vmlinuz-$release" "$b_bzimage" || bad "/boot/vmlinuz-$release is not B's bzImage"
	grep -q '^CONFIG_BATON_GUEST=y' "$root/boot/config-$release" ||
		bad "/boot/config-$release has no CONFIG_BATON_GUEST=y"
	grep -q " vmlinuz-$release\$" "$root/boot/SHA256SUMS" ||
		bad "the kernel package's postinst did not publish vmlinuz-$release"
	(cd "$root/boot" && sha256sum -c --quiet SHA256SUMS) || bad "/boot/SHA256SUMS after the kernel"
	ko=$(find "$root/lib/modules/$release" -name 'virtio_net.ko*' | head -1)
	[ -n "$ko" ] && [ -f "$root/lib/modules/$release/modules.dep" ] || bad "no virtio_net or modules.dep"
	[ -n "$ko" ] && modinfo -F signer "$ko" | grep -q . || bad "virtio_net is not signed"
	[ $fail = 0 ] && say "linux-image-$release: B's bzImage, its config, signed modules, hooks run"
fi

# baton-dkms: dkms builds its source, as unpacked, for kernel A.
kver=$(sed -n 's/^#define UTS_RELEASE "\(.*\)"/\1/p' "$headers/include/generated/utsrelease.h")
src=$(ls -d "$root"/usr/src/baton-*)
mkdir -p "$scratch/dkms"
if dkms --dkmstree "$scratch/dkms" --sourcetree "$root/usr/src" add -m baton -v "${src##*-}" \
	> "$scratch/dkms.log" 2>&1 &&
	dkms --dkmstree "$scratch/dkms" --sourcetree "$root/usr/src" build -m baton -v "${src##*-}" \
	-k "$kver" --kernelsourcedir "$headers" >> "$scratch/dkms.log" 2>&1; then
	ko=$(find "$scratch/dkms" -name 'baton.ko*' | head -1)
	vm=$(modinfo -F vermagic "$ko" 2>/dev/null)
	case "$vm" in "$kver "*) say "dkms built baton.ko for $kver" ;; *) bad "baton.ko's vermagic '$vm'" ;; esac
	[ "$(modinfo -F version "$ko" 2>/dev/null)" != "" ] || true
else
	bad "dkms build for $kver: $(tail -5 "$scratch/dkms.log")"
fi
[ $fail = 0 ] && say "installed into a scratch root, runs, baton.ko builds with DKMS"
exit $fail
