#!/bin/bash
# Checks what the builds promise, beyond "it compiled":
# - B's .config is Debian's with kernel/config/b.config applied and nothing else changed;
#   B's modules (its own and baton_link.ko) are signed with its key;
# - baton.ko's vermagic is kernel A's release (the module really is for A), baton_link.ko's
#   kernel B's;
# - the trampoline is a 32-bit ELF container with the multiboot header in its first 8 KiB.
#   qemu/check-builds.sh BUILD_ROOT CMAKE_BINARY_DIR
set -euo pipefail
root=$1; bin=$2; here=$(cd "$(dirname "$0")/.." && pwd)
fail=0
say() { echo "check-builds: $*"; }

obj=$root/kernel-b/obj
if "$here/kernel/check-config.sh" "$obj/.config.debian" "$here/kernel/config/b.config" "$obj/.config"; then
	say "B $(cat "$root/kernel-b/version"): Debian's configuration, the fragment applied, nothing else changed"
else
	fail=1
fi
for ko in "$root"/kernel-b/modules/*.ko "$bin/link/baton_link.ko"; do
	if [ "$(modinfo -F sig_hashalgo "$ko")" = sha256 ]; then say "$(basename "$ko") signed for B"
	else say "$(basename "$ko") is not signed with B's key"; fail=1; fi
done

abi=$(cut -d' ' -f1 "$root/kernel-a/abi")
vermagic=$(modinfo -F vermagic "$bin/module/baton.ko" | cut -d' ' -f1)
if [ "$vermagic" = "$abi" ]; then say "baton.ko vermagic $vermagic matches kernel A"; else say "baton.ko vermagic '$vermagic' != kernel A '$abi'"; fail=1; fi

bver=$(cat "$root/kernel-b/version")
lmagic=$(modinfo -F vermagic "$bin/link/baton_link.ko" | cut -d' ' -f1)
if [ "$lmagic" = "$bver" ]; then say "baton_link.ko vermagic $lmagic matches kernel B"; else say "baton_link.ko vermagic '$lmagic' != kernel B '$bver'"; fail=1; fi

elf=$bin/trampoline/trampoline.elf
if file "$elf" | grep -q "ELF 32-bit LSB executable, Intel 80386"; then say "trampoline is an ELF32 container"; else say "trampoline is not ELF32: $(file "$elf")"; fail=1; fi
off=$(LC_ALL=C grep -obUaP '\x02\xb0\xad\x1b' "$elf" | head -1 | cut -d: -f1)
if [ -n "$off" ] && [ "$off" -lt $((0x1000 + 8192)) ]; then say "multiboot header at file offset $off"; else say "multiboot header not in the first 8 KiB of the image"; fail=1; fi
exit $fail
