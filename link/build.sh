#!/bin/bash
# Builds baton_link.ko for kernel B against B's object tree (kbuild writes next to the
# sources, so they are copied to OUT first).
#   link/build.sh B_BUILD_DIR OUT_DIR      (B_BUILD_DIR: BUILD/kernel-b from kernel/build-b.sh)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
kb=$(realpath -m "${1:?kernel-b build dir}"); out=$(realpath -m "${2:?out}")
[ -f "$kb/obj/Module.symvers" ] || { echo "link: $kb/obj/Module.symvers missing: run kernel/build-b.sh" >&2; exit 1; }
mkdir -p "$out"
for f in "$here"/Kbuild "$here"/*.c "$here"/*.h; do
	cmp -s "$f" "$out/$(basename "$f")" || cp "$f" "$out/"
done
cc="gcc"
command -v ccache >/dev/null && cc="ccache gcc"
make -s -C "$kb/src" O="$kb/obj" CC="$cc" M="$out" BATON_INCLUDE="$here/../include" modules
"$here/../kernel/sign-module.sh" "$kb" "$out/baton_link.ko"
echo "link: $out/baton_link.ko"
