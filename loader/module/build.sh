#!/bin/bash
# Builds baton.ko out of the source tree (kbuild writes next to the sources, so they are
# copied to OUT first), for kernel A or for B (which hosts the next kernel of a chain).
#   loader/module/build.sh HEADERS_DIR OUT_DIR VERSION      A: Debian's linux-headers
#   loader/module/build.sh --b B_BUILD_DIR OUT_DIR VERSION  B: BUILD/kernel-b (build-b.sh)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
b=; [ "${1:-}" = --b ] && { b=1; shift; }
tree=$(realpath -m "${1:?headers or B build dir}"); out=$(realpath -m "${2:?out}"); version=${3:-dev}
mkdir -p "$out"
# The link (link/) is the same code in A's baton.ko and B's baton_link.ko.
for f in "$here"/Kbuild "$here"/*.c "$here"/*.h "$here"/../../link/baton_net*.[ch] "$here"/../../link/baton_link.h; do
	cmp -s "$f" "$out/$(basename "$f")" || cp "$f" "$out/"
done
if [ -z "$b" ]; then
	make -s -C "$tree" M="$out" BATON_INCLUDE="$here/../../include" BATON_VERSION="$version" modules
else
	[ -f "$tree/obj/Module.symvers" ] || { echo "module: $tree/obj/Module.symvers missing: run kernel/build-b.sh" >&2; exit 1; }
	cc="gcc"
	command -v ccache >/dev/null && cc="ccache gcc"
	make -s -C "$tree/src" O="$tree/obj" CC="$cc" M="$out" BATON_INCLUDE="$here/../../include" \
		BATON_VERSION="$version" modules
	"$here/../../kernel/sign-module.sh" "$tree" "$out/baton.ko"
fi
echo "module: $out/baton.ko"
