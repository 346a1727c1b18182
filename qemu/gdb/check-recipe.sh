#!/bin/bash
# Proves the gdb recipe works: boots the standalone machine stopped at reset, runs
# qemu/gdb/trampoline.gdb in batch mode, and expects to stop in the trampoline, in the AP
# wake-up path and in B's start_kernel.   qemu/gdb/check-recipe.sh BUILD_ROOT
set -euo pipefail
repo=$(cd "$(dirname "$0")/../.." && pwd)
build=${1:-$repo/build}
run=$build/runs/gdb-recipe
mkdir -p "$run"
cd "$repo"
port=$((20000 + RANDOM % 20000))
qemu-system-x86_64 -M pc -accel tcg -smp 2 -m 2048 -display none -monitor none -nodefaults \
	-serial null -serial "file:$run/com2.log" -gdb tcp::$port -S \
	-kernel build/cmake/trampoline/trampoline.elf -append "partition=0x40000000+512M cpus=0,1" \
	-initrd "build/kernel-b/bzImage console=ttyS1,,115200 nokaslr,build/cmake/initramfs-b.cpio.gz" &
qemu=$!
trap 'kill $qemu 2>/dev/null || true' EXIT
sed "s/target remote :1234/target remote :$port/" qemu/gdb/trampoline.gdb > "$run/recipe.gdb"
timeout 120 gdb -batch -nx -x "$run/recipe.gdb" \
	-ex continue -ex 'info symbol $pc' \
	-ex continue -ex 'info symbol $pc' \
	-ex continue -ex 'info symbol $pc' -ex 'bt 1' > "$run/gdb.out" 2>&1 || true
stopped() { grep -qE "^$1( \+ [0-9]+)? in section $2 " "$run/gdb.out"; }
stopped trampoline_main .text && stopped 'baton::wake_into_limbo\(.*\)' .text &&
stopped start_kernel .init.text || {
	echo "check-recipe: gdb did not stop at trampoline_main, wake_into_limbo and start_kernel; see $run/gdb.out" >&2
	exit 1
}
echo "check-recipe: gdb stopped in trampoline_main, wake_into_limbo and B's start_kernel"
