#!/bin/bash
# Build kernel B from Debian's linux-source-6.12 + kernel/patches/series + kernel/config/b.config.
# Incremental: the tree is re-extracted only when the source package version or the patch
# series changes; the object tree (O=) and ccache survive between runs.
#
# usage: kernel/build-b.sh BUILD_DIR        -> BUILD_DIR/kernel-b/{bzImage,vmlinux,System.map,version}
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
out=$(realpath -m "${1:?usage: build-b.sh BUILD_DIR}")/kernel-b
mkdir -p "$out"

tarball=$(ls /usr/src/linux-source-6.12.tar.xz 2>/dev/null || true)
[ -n "$tarball" ] || { echo "build-b: /usr/src/linux-source-6.12.tar.xz missing (apt-get install linux-source-6.12)" >&2; exit 1; }
srcver=$(dpkg-query -W -f='${Version}' linux-source-6.12)

# B's patches include baton's one ABI header; it is copied into the tree, never duplicated.
abi_header=$here/../include/baton/ledger.h

# The stamp names everything the extracted tree depends on.
stamp="$srcver $(cat "$here"/patches/series 2>/dev/null | sha256sum | cut -c1-16)"
for p in $(grep -v '^#' "$here/patches/series" 2>/dev/null || true); do
	stamp="$stamp $(sha256sum < "$here/patches/$p" | cut -c1-16)"
done

src="$out/src"
if [ "$(cat "$out/src.stamp" 2>/dev/null)" != "$stamp" ]; then
	echo "build-b: extracting linux-source-6.12 $srcver"
	rm -rf "$src" "$out/src.stamp"
	mkdir -p "$src"
	tar -xf "$tarball" -C "$src" --strip-components=1
	for p in $(grep -v '^#' "$here/patches/series" 2>/dev/null || true); do
		if ! patch -d "$src" -p1 --forward --quiet < "$here/patches/$p"; then
			echo "build-b: patch kernel/patches/$p does not apply to linux-source-6.12 $srcver" >&2
			exit 1
		fi
		echo "build-b: applied $p"
	done
	echo "$stamp" > "$out/src.stamp"
fi
# Copy only when it changed, so an unchanged header does not rebuild anything.
cmp -s "$abi_header" "$src/arch/x86/include/asm/baton_ledger.h" ||
	cp "$abi_header" "$src/arch/x86/include/asm/baton_ledger.h"
# Its link and boot halves, which it includes by these names.
for h in baton_link_abi.h baton_boot.h; do
	cmp -s "$here/../include/baton/$h" "$src/arch/x86/include/asm/$h" ||
		cp "$here/../include/baton/$h" "$src/arch/x86/include/asm/$h"
done

obj="$out/obj"
mkdir -p "$obj"
export KBUILD_BUILD_USER=baton KBUILD_BUILD_HOST=baton KBUILD_BUILD_TIMESTAMP="$(zcat /usr/share/doc/linux-source-6.12/changelog.Debian.gz | sed -n "s/^ -- .*>  //p" | head -1)"
cc="gcc"
command -v ccache >/dev/null && cc="ccache gcc"
export CCACHE_DIR="${CCACHE_DIR:-$(realpath -m "$out/../ccache")}"
jobs=$(( $(nproc) + 1 ))
mk() { make -s -C "$src" O="$obj" CC="$cc" HOSTCC="$cc" "$@"; }

# Regenerate the config when the fragment changed (or on first build).
fragsum=$(sha256sum < "$here/config/b.config" | cut -c1-16)
if [ "$(cat "$obj/.config.fragment" 2>/dev/null)" != "$fragsum" ] || [ ! -f "$obj/.config" ]; then
	mk tinyconfig >/dev/null
	"$src/scripts/kconfig/merge_config.sh" -m -O "$obj" "$obj/.config" "$here/config/b.config" >/dev/null
	mk olddefconfig >/dev/null
	missing=0
	while read -r line; do
		case "$line" in
		CONFIG_*=*) grep -qxF "$line" "$obj/.config" || { echo "build-b: config wants '$line', got '$(grep "^${line%%=*}=" "$obj/.config" || echo unset)'" >&2; missing=1; } ;;
		"# CONFIG_"*" is not set") grep -q "^${line:2:-11}=[ym]" "$obj/.config" && { echo "build-b: config wants '$line'" >&2; missing=1; } ;;
		esac
	done < "$here/config/b.config"
	[ $missing = 0 ] || exit 1
	echo "$fragsum" > "$obj/.config.fragment"
fi

echo "build-b: make -j$jobs bzImage"
mk -j"$jobs" bzImage
# Modules too: none is configured, but it leaves Module.symvers for baton_link.ko (link/).
mk -j"$jobs" modules
cp "$obj/arch/x86/boot/bzImage" "$out/bzImage"
cp "$obj/vmlinux" "$out/vmlinux"
cp "$obj/System.map" "$out/System.map"
mk -s kernelrelease > "$out/version"
echo "build-b: $(cat "$out/version") -> $out/bzImage"
