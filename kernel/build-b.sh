#!/bin/bash
# Build kernel B from Debian's linux-source-6.12 + kernel/patches/series, configured as Debian
# configures it (linux-config-6.12) plus kernel/config/b.config.
# Incremental: the tree is extracted once per source package version; when the series
# changes, only the files it touches are rebuilt from pristine copies, and only those whose
# content differs are replaced.  The object tree (O=) and ccache survive between runs.
#
# usage: kernel/build-b.sh BUILD_DIR [VARIANT]
#   -> BUILD_DIR/kernel-b/{bzImage,vmlinux,System.map,version,modules/}
# A VARIANT (e.g. c) is another build of B's patched tree, as a point release would be: B's
# configuration plus kernel/config/VARIANT.config, in BUILD_DIR/kernel-VARIANT, its objects
# seeded from B's so that only what the fragment reaches is rebuilt.  B is built first.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
variant=${2:-}
out=$(realpath -m "${1:?usage: build-b.sh BUILD_DIR [VARIANT]}")/kernel-${variant:-b}
b_out=$(realpath -m "$1")/kernel-b
mkdir -p "$out"
fragments=("$here/config/b.config")
if [ -n "$variant" ]; then
	[ -f "$here/config/$variant.config" ] || { echo "build-b: kernel/config/$variant.config missing" >&2; exit 1; }
	[ -f "$b_out/bzImage" ] || { echo "build-b: variant $variant builds on B: run kernel/build-b.sh $1 first" >&2; exit 1; }
	fragments+=("$here/config/$variant.config")
fi

tarball=$(ls /usr/src/linux-source-6.12.tar.xz 2>/dev/null || true)
[ -n "$tarball" ] || { echo "build-b: /usr/src/linux-source-6.12.tar.xz missing (apt-get install linux-source-6.12)" >&2; exit 1; }
srcver=$(dpkg-query -W -f='${Version}' linux-source-6.12)

# B's patches include baton's one ABI header; it is copied into the tree, never duplicated.
abi_header=$here/../include/baton/ledger.h

series=$(grep -v '^#' "$here/patches/series" 2>/dev/null || true)
# The files the series touches (created ones included).
touched() { for p in "$@"; do sed -n 's|^+++ b/||p; s|^--- a/||p' "$here/patches/$p"; done | sort -u; }
# The stamp names everything the patched tree depends on.
stamp="$srcver $(echo "$series" | sha256sum | cut -c1-16)"
for p in $series; do
	stamp="$stamp $(sha256sum < "$here/patches/$p" | cut -c1-16)"
done

# Apply the series to pristine copies of the files it touches in $1 (a scratch folder).
apply_series() {
	local dir=$1 files=$2
	# shellcheck disable=SC2086 # one member per word; files the tarball lacks are new ones
	tar -xf "$tarball" -C "$dir" --strip-components=1 $(sed 's|^|linux-source-6.12/|' <<< "$files") 2>/dev/null || true
	for p in $series; do
		if ! patch -d "$dir" -p1 --forward --quiet < "$here/patches/$p"; then
			echo "build-b: patch kernel/patches/$p does not apply to linux-source-6.12 $srcver" >&2
			return 1
		fi
		echo "build-b: applied $p"
	done
}

src="$out/src"
if [ -n "$variant" ]; then
	src="$b_out/src"	# B's tree, patched and stamped by B's build
	ln -sfn ../kernel-b/src "$out/src"	# for modules built against this variant
elif [ ! -f "$out/src.stamp" ] || [ "$(head -1 "$out/src.files" 2>/dev/null)" != "$srcver" ]; then
	# First build (or a new source package): the whole tree.
	echo "build-b: extracting linux-source-6.12 $srcver"
	rm -rf "$src" "$out/src.stamp" "$out/src.files"
	mkdir -p "$src"
	tar -xf "$tarball" -C "$src" --strip-components=1
	# shellcheck disable=SC2086
	files=$(touched $series)
	scratch=$(mktemp -d); trap 'rm -rf "$scratch"' EXIT
	apply_series "$scratch" "$files"
	cp -a "$scratch"/. "$src"/
	{ echo "$srcver"; echo "$files"; } > "$out/src.files"
	echo "$stamp" > "$out/src.stamp"
elif [ "$(cat "$out/src.stamp")" != "$stamp" ]; then
	# The series changed: rebuild the files it touches (now or before) from pristine copies
	# and replace only those whose content differs, so make recompiles only what they reach.
	# shellcheck disable=SC2086
	files=$( { tail -n +2 "$out/src.files"; touched $series; } | sort -u)
	scratch=$(mktemp -d); trap 'rm -rf "$scratch"' EXIT
	apply_series "$scratch" "$files"
	rm -f "$out/src.stamp"
	while read -r f; do
		[ -n "$f" ] || continue
		if [ -f "$scratch/$f" ]; then
			cmp -s "$scratch/$f" "$src/$f" || { mkdir -p "$(dirname "$src/$f")"; cp "$scratch/$f" "$src/$f"; echo "build-b: updated $f"; }
		elif [ -e "$src/$f" ]; then
			rm -f "$src/$f"; echo "build-b: removed $f"
		fi
	done <<< "$files"
	# shellcheck disable=SC2086
	{ echo "$srcver"; touched $series; } > "$out/src.files"
	echo "$stamp" > "$out/src.stamp"
fi
# Copy only when it changed, so an unchanged header does not rebuild anything.
cmp -s "$abi_header" "$src/arch/x86/include/asm/baton_ledger.h" ||
	cp "$abi_header" "$src/arch/x86/include/asm/baton_ledger.h"
# Its link and boot halves, which it includes by these names.
for h in baton_link_abi.h baton_boot.h baton_names.h; do
	cmp -s "$here/../include/baton/$h" "$src/arch/x86/include/asm/$h" ||
		cp "$here/../include/baton/$h" "$src/arch/x86/include/asm/$h"
done

obj="$out/obj"
# A variant starts from B's objects: make rebuilds what its fragment changes.
[ -z "$variant" ] || [ -f "$obj/.config" ] || cp -a "$b_out/obj" "$obj"
mkdir -p "$obj"
export KBUILD_BUILD_USER=baton KBUILD_BUILD_HOST=baton KBUILD_BUILD_TIMESTAMP="$(zcat /usr/share/doc/linux-source-6.12/changelog.Debian.gz | sed -n "s/^ -- .*>  //p" | head -1)"
cc="gcc"
command -v ccache >/dev/null && cc="ccache gcc"
# The cache lives outside the clone (README: "Build cache"), so a fresh clone reuses it.
# base_dir makes its keys relative (../src from obj/), so clones in other folders hit too.
export CCACHE_DIR="${CCACHE_DIR:-${BATON_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/baton}/ccache}"
export CCACHE_BASEDIR="${CCACHE_BASEDIR:-$(realpath -m "$out/..")}" CCACHE_NOHASHDIR=1
export CCACHE_MAXSIZE="${CCACHE_MAXSIZE:-8G}"
jobs=$(( $(nproc) + 1 ))
mk() { make -s -C "$src" O="$obj" CC="$cc" HOSTCC="$cc" "$@"; }

# The configuration: Debian's own, plus baton's fragment.  Regenerated when either changed.
seed=/usr/src/linux-config-6.12/config.amd64_none_amd64.xz
[ -f "$seed" ] || { echo "build-b: $seed missing (apt-get install linux-config-6.12)" >&2; exit 1; }
fragsum="$(dpkg-query -W -f='${Version}' linux-config-6.12) $(cat "${fragments[@]}" | sha256sum | cut -c1-16)"
if [ "$(cat "$obj/.config.fragment" 2>/dev/null)" != "$fragsum" ] || [ ! -f "$obj/.config" ]; then
	rm -f "$obj/.config.fragment"
	xzcat "$seed" > "$obj/.config.debian"
	cp "$obj/.config.debian" "$obj/.config"
	cat "${fragments[@]}" > "$obj/.config.baton"
	"$src/scripts/kconfig/merge_config.sh" -m -O "$obj" "$obj/.config" "$obj/.config.baton" >/dev/null
	mk olddefconfig >/dev/null
	"$here/check-config.sh" "$obj/.config.debian" "$obj/.config.baton" "$obj/.config"
	echo "$fragsum" > "$obj/.config.fragment"
fi

echo "build-b: make -j$jobs bzImage"
mk -j"$jobs" bzImage
# Only the modules B's initramfs carries (kernel/config/b-modules), each as a single target;
# `order` lists those its init loads, not those marked "test" (the selftests load them).
mods=$(grep -v '^#' "$here/config/b-modules" | awk 'NF {print $1}')
mk -j"$jobs" $(for m in $mods; do echo "$m.ko"; done)
# baton_link.ko (link/) is built with M= against vmlinux's exports only.
cmp -s "$obj/vmlinux.symvers" "$obj/Module.symvers" || cp "$obj/vmlinux.symvers" "$obj/Module.symvers"
rm -rf "$out/modules.new"
mkdir -p "$out/modules.new"
for m in $mods; do
	cp "$obj/$m.ko" "$out/modules.new/"
	# Signed with the build's own key, as modules_install would (Debian sets MODULE_SIG).
	"$obj/scripts/sign-file" sha256 "$obj/certs/signing_key.pem" "$obj/certs/signing_key.x509" \
		"$out/modules.new/$(basename "$m").ko"
done
grep -v '^#' "$here/config/b-modules" | awk 'NF && $2 != "test" {n = split($1, p, "/"); print p[n] ".ko"}' \
	> "$out/modules.new/order"
# What depmod needs besides the modules: the list of those built in.
cp "$obj/modules.builtin" "$obj/modules.builtin.modinfo" "$out/modules.new/"
rm -rf "$out/modules"
mv "$out/modules.new" "$out/modules"
cp "$obj/arch/x86/boot/bzImage" "$out/bzImage"
cp "$obj/vmlinux" "$out/vmlinux"
cp "$obj/System.map" "$out/System.map"
mk -s kernelrelease > "$out/version"
echo "build-b: $(cat "$out/version") -> $out/bzImage"
