#!/bin/bash
# Proves the trampoline is position independent: with --emit-relocs every relocation the
# linker resolved is still listed; only PC-relative ones and the __off_* link-time constants
# may remain.  Anything absolute would be wrong once kexec loads the image elsewhere.
set -euo pipefail
elf=$1
bad=$(readelf -rW "$elf" | awk '
	/^Relocation section/ { sec = $3; next }
	/R_X86_64_/ {
		type = $3; sym = $5
		if (type ~ /PC32|PLT32|PC64|GOTPCREL/) next
		if (sym ~ /^__off_/) next
		print sec ": " type " " sym
	}')
if [ -n "$bad" ]; then
	echo "check-relocs: $elf has absolute relocations (not position independent):" >&2
	echo "$bad" | head -20 >&2
	exit 1
fi
