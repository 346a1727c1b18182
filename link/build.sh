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
# Signed with B's build key when B verifies module signatures (Debian's MODULE_SIG), as
# modules_install would sign it.
# Once: kbuild leaves an up-to-date module as it is, signature included.
if grep -qx CONFIG_MODULE_SIG=y "$kb/obj/.config" && [ -f "$kb/obj/certs/signing_key.pem" ] &&
   ! tail -c 28 "$out/baton_link.ko" | grep -q "Module signature appended"; then
	"$kb/obj/scripts/sign-file" sha256 "$kb/obj/certs/signing_key.pem" \
		"$kb/obj/certs/signing_key.x509" "$out/baton_link.ko"
fi
echo "link: $out/baton_link.ko"
