# Debug the trampoline and B under QEMU's gdbstub.  See qemu/gdb/README.md.
#   qemu/run-scenario standalone-boot --gdb      (QEMU waits at reset with -s -S)
#   gdb -x qemu/gdb/trampoline.gdb               (from the repository root)
set pagination off
set confirm off
set architecture i386:x86-64
# The ELF64 image carries the symbols; QEMU loaded its ELF32 copy at the same addresses.
file build/cmake/trampoline/trampoline.elf64
# B's symbols: virtual addresses do not depend on where the trampoline placed B (no KASLR).
add-symbol-file build/kernel-b/vmlinux
target remote :1234
# Software breakpoints are fine in the trampoline (identity mapped, never moves).
break trampoline_main
break baton::wake_into_limbo
# B changes page tables early: use hardware breakpoints there.
hbreak start_kernel
