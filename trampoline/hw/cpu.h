// SPDX-License-Identifier: GPL-2.0
// Every raw CPU access of the trampoline, behind a named function.
#pragma once

#include <stdint.h>

#include "../arch/x86_defs.h"
#include "../lib/apic_id.h"

namespace baton::cpu {

inline uint8_t inb(uint16_t port)
{
    uint8_t v;
    asm volatile("inb %1, %0" : "=a"(v) : "Nd"(port));
    return v;
}
inline void outb(uint16_t port, uint8_t v) { asm volatile("outb %0, %1" : : "a"(v), "Nd"(port)); }
inline uint32_t inl(uint16_t port)
{
    uint32_t v;
    asm volatile("inl %1, %0" : "=a"(v) : "Nd"(port));
    return v;
}
inline uint64_t rdmsr(uint32_t msr)
{
    uint32_t lo, hi;
    asm volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(msr));
    return uint64_t(hi) << 32 | lo;
}
inline void wrmsr(uint32_t msr, uint64_t v)
{
    asm volatile("wrmsr" : : "c"(msr), "a"(uint32_t(v)), "d"(uint32_t(v >> 32)) : "memory");
}
inline uint64_t rdtsc()
{
    uint32_t lo, hi;
    asm volatile("rdtsc" : "=a"(lo), "=d"(hi));
    return uint64_t(hi) << 32 | lo;
}
inline CpuidRegs cpuid(uint32_t leaf, uint32_t subleaf = 0)
{
    CpuidRegs r;
    asm volatile("cpuid" : "=a"(r.eax), "=b"(r.ebx), "=c"(r.ecx), "=d"(r.edx)
                 : "a"(leaf), "c"(subleaf));
    return r;
}
inline void pause() { asm volatile("pause" ::: "memory"); }
inline void halt() { asm volatile("hlt" ::: "memory"); }
inline void disable_interrupts() { asm volatile("cli" ::: "memory"); }
[[noreturn]] inline void halt_forever()
{
    for (;;)
        asm volatile("cli; hlt" ::: "memory");
}
inline void barrier() { asm volatile("mfence" ::: "memory"); }
// Before a WRMSR to the x2APIC ICR: WRMSR to it is not serialising, so earlier stores (the
// ledger a doorbell announces) could become visible after the IPI (Linux's weak_wrmsr_fence).
inline void wrmsr_fence() { asm volatile("mfence; lfence" ::: "memory"); }

inline uint32_t mmio_read32(uint64_t phys)
{
    return *reinterpret_cast<volatile uint32_t*>(phys);  // identity mapped below 4 GiB
}
inline void mmio_write32(uint64_t phys, uint32_t v)
{
    *reinterpret_cast<volatile uint32_t*>(phys) = v;
}

struct DescriptorPointer {
    uint16_t limit;
    uint64_t base;
} __attribute__((packed));

inline void load_idt(const DescriptorPointer& p) { asm volatile("lidt %0" : : "m"(p)); }
inline uint64_t read_cr3()
{
    uint64_t v;
    asm volatile("mov %%cr3, %0" : "=r"(v));
    return v;
}

}  // namespace baton::cpu
