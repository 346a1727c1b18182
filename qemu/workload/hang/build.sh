#!/bin/bash
# Builds baton_test_hang.ko for kernel A out of the source tree (kbuild writes next to the
# sources).   qemu/workload/hang/build.sh HEADERS_DIR OUT_DIR
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
headers=${1:?headers}; out=$(realpath -m "${2:?out}")
mkdir -p "$out"
for f in "$here"/Kbuild "$here"/*.c; do
	cmp -s "$f" "$out/$(basename "$f")" || cp "$f" "$out/"
done
make -s -C "$headers" M="$out" modules
