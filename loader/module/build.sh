#!/bin/bash
# Builds baton.ko out of the source tree (kbuild writes next to the sources, so they are
# copied to OUT first).   loader/module/build.sh HEADERS_DIR OUT_DIR VERSION
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
headers=${1:?headers}; out=$(realpath -m "${2:?out}"); version=${3:-dev}
mkdir -p "$out"
# The link (link/) is the same code in A's baton.ko and B's baton_link.ko.
for f in "$here"/Kbuild "$here"/*.c "$here"/*.h "$here"/../../link/baton_net.c "$here"/../../link/baton_link.h; do
	cmp -s "$f" "$out/$(basename "$f")" || cp "$f" "$out/"
done
make -s -C "$headers" M="$out" BATON_INCLUDE="$here/../../include" BATON_VERSION="$version" modules
echo "module: $out/baton.ko"
