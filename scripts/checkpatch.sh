#!/bin/bash
# Kernel C must be checkpatch-clean: baton.ko, the link, the test's hang module, the ledger
# header, and B's patch series, checked with the checkpatch.pl of the kernel tree we build B
# from.
#   scripts/checkpatch.sh BUILD_ROOT
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
cp=${1:?build root}/kernel-b/src/scripts/checkpatch.pl
[ -x "$cp" ] || { echo "checkpatch: $cp missing (kernel/build-b.sh extracts it)" >&2; exit 1; }
fail=0
for f in "$repo"/loader/module/*.[ch] "$repo"/link/*.[ch] "$repo"/qemu/workload/hang/*.c; do
	"$cp" --no-tree --quiet --strict -f "$f" || fail=1
done
# The ABI header is also compiled as userspace C++: <stdint.h> types and static_assert are
# on purpose there (and __packed is spelled out), so only the other warnings count.
for h in ledger.h baton_link_abi.h baton_boot.h baton_names.h; do
	"$cp" --no-tree --quiet --ignore PREFER_DEFINED_ATTRIBUTE_MACRO -f "$repo/include/baton/$h" || fail=1
done
"$cp" --no-tree --quiet -f "$repo/include/baton/ioctl.h" || fail=1
for p in $(grep -v '^#' "$repo/kernel/patches/series" || true); do
	"$cp" --no-tree --quiet --strict "$repo/kernel/patches/$p" || fail=1
done
[ $fail = 0 ] && echo "checkpatch: module, link, ledger header and B's patches are clean"
exit $fail
