# Freestanding x86_64 toolchain for the trampoline ("handover microkernel"): the host's GCC
# with no OS, no libc, no exceptions, no RTTI, no SSE (nothing saves vector state), no red
# zone, position-independent code.
set(CMAKE_SYSTEM_NAME Generic)
set(CMAKE_SYSTEM_PROCESSOR x86_64)
set(CMAKE_C_COMPILER gcc)
set(CMAKE_CXX_COMPILER g++)
set(CMAKE_ASM_COMPILER gcc)
set(CMAKE_TRY_COMPILE_TARGET_TYPE STATIC_LIBRARY)

set(BATON_FREESTANDING_FLAGS
    "-ffreestanding -fno-stack-protector -fno-stack-clash-protection -fcf-protection=none \
-mno-red-zone -mgeneral-regs-only -mno-sse -mno-mmx -fpie -fno-plt -mcmodel=small \
-fno-asynchronous-unwind-tables -fno-unwind-tables -fno-omit-frame-pointer \
-fno-delete-null-pointer-checks -include ${CMAKE_CURRENT_LIST_DIR}/trampoline/arch/hidden.h")
set(CMAKE_C_FLAGS_INIT "${BATON_FREESTANDING_FLAGS}")
set(CMAKE_CXX_FLAGS_INIT
    "${BATON_FREESTANDING_FLAGS} -fno-exceptions -fno-rtti -fno-threadsafe-statics -nostdinc++")
set(CMAKE_ASM_FLAGS_INIT "-fpie")
set(CMAKE_EXE_LINKER_FLAGS_INIT "-nostdlib -static -Wl,--no-dynamic-linker -Wl,--build-id=none -Wl,-z,noexecstack -Wl,--emit-relocs -Wl,-z,max-page-size=4096 -Wl,--no-warn-rwx-segments")
