// SPDX-License-Identifier: GPL-2.0
// Limbo: where a CPU waits while no kernel owns it, until a kernel adopts it through its
// ledger slot's mailbox.  It runs with interrupts off and its
// local APIC as INIT left it (software-disabled: only NMI, INIT and SIPI reach it), halts,
// and lives in the resident region that B's e820 marks reserved, so B cannot overwrite it.
#include "arch/x86_defs.h"
#include "hw/cpu.h"
#include "trampoline.h"

extern "C" {
void limbo_nmi_entry();
void limbo_fault_entry();
void limbo_nmi();
}

namespace baton {

namespace {

struct IdtGate {
    uint16_t offset_low;
    uint16_t selector;
    uint8_t ist;
    uint8_t type_attr;
    uint16_t offset_mid;
    uint32_t offset_high;
    uint32_t reserved;
};
static_assert(sizeof(IdtGate) == 16, "long-mode IDT gate");

constexpr uint8_t kInterruptGate = 0x8e;  // present, DPL 0, 64-bit interrupt gate
constexpr int kNmiVector = 2;

alignas(16) IdtGate limbo_idt[256];

IdtGate gate(void (*fn)())
{
    const uint64_t a = reinterpret_cast<uint64_t>(fn);
    return IdtGate{uint16_t(a), SEL_CODE64, 0, kInterruptGate, uint16_t(a >> 16),
                   uint32_t(a >> 32), 0};
}

}  // namespace

// The whole x2APIC ID where the CPU has one (apic_id.h); a leaf above the highest basic leaf
// is never read, a CPU answers it with another leaf's data.
uint32_t initial_apic_id()
{
    ApicIdLeaves c{};
    c.max_leaf = cpu::cpuid(0).eax;
    c.leaf1 = cpu::cpuid(1);
    if (c.max_leaf >= kCpuidTopology)
        c.leaf0b = cpu::cpuid(kCpuidTopology, 0);
    if (c.max_leaf >= kCpuidTopologyV2)
        c.leaf1f = cpu::cpuid(kCpuidTopologyV2, 0);
    return decode_apic_id(c);
}

namespace {

// Leaves limbo for the kernel that adopted this CPU: it wrote a 64-bit start address into
// the mailbox (the ACPI MP-wakeup contract: long mode, identity mapped, interrupts off), and
// the slot's mailbox_arg goes in RDI (the next limbo's limbo_enter64 takes its slot there).
[[noreturn]] void leave_limbo(baton_cpu_slot& slot, uint64_t start)
{
    // Its page tables may carry NX bits, which fault unless EFER.NXE is on.
    cpu::wrmsr(MSR_EFER, cpu::rdmsr(MSR_EFER) | EFER_NXE);
    const uint64_t arg = slot.mailbox_arg;
    slot.state = BATON_CPU_B_BOOT;
    cpu::barrier();
    asm volatile("jmp *%0" : : "r"(start), "D"(arg), "S"(uint64_t(BATON_RES_CPU)) : "memory");
    __builtin_unreachable();
}

void check_in(baton_cpu_slot& s)
{
    s.checkin_tsc = cpu::rdtsc();
    s.mailbox_start = 0;
    s.mailbox_arg = 0;
    cpu::barrier();
    s.state = BATON_CPU_LIMBO;
    cpu::barrier();
}

}  // namespace

// The ledger's timeline (ledger.h: reserve an entry, fill it, the TSC last).
void stamp(baton_ledger& l, uint32_t kind, uint32_t resource, uint64_t arg)
{
    const uint32_t i = __atomic_fetch_add(&l.nevents, 1, __ATOMIC_RELAXED);
    if (i >= BATON_MAX_EVENTS)
        return;
    baton_event& e = l.events[i];
    e.kind = kind;
    e.resource = resource;
    e.arg = arg;
    e.size = 0;
    cpu::barrier();
    e.tsc = cpu::rdtsc();
}

// Checks the CPU in (if it has a slot) and waits.  Limbo's IDT goes first: the adopter rings
// with NMIs as soon as it sees the CPU in limbo.
[[noreturn]] void park(baton_cpu_slot* slot)
{
    limbo_load_idt();
    if (slot)
        check_in(*slot);
    for (;;)
        cpu::halt();  // IF=0: only an NMI (limbo_nmi), INIT or SIPI ends this
}

// An NMI in limbo: the adopter's ring, after it wrote the mailbox.  The CPU leaves from here,
// inside the NMI: NMIs stay blocked until the adopting kernel's first IRET, by which time its
// IDT is loaded, so no NMI - a later ring still in flight - reaches the CPU in between, when
// no IDT would map.  The adopter rings until the CPU is gone: a ring before the mailbox was
// visible only ends one HLT.
extern "C" void limbo_nmi()
{
    baton_ledger& l = ledger();
    const uint32_t id = initial_apic_id();
    for (uint32_t i = 0; i < l.ncpus && i < BATON_MAX_CPUS; i++) {
        baton_cpu_slot& s = l.cpus[i];
        if (s.apic_id != id || s.state != BATON_CPU_LIMBO)
            continue;
        const uint64_t start = *reinterpret_cast<volatile uint64_t*>(&s.mailbox_start);
        if (start)
            leave_limbo(s, start);
    }
}

void build_limbo_idt()
{
    for (int v = 0; v < 256; v++)
        limbo_idt[v] = gate(v == kNmiVector ? limbo_nmi_entry : limbo_fault_entry);
}

extern "C" void limbo_load_idt()
{
    const cpu::DescriptorPointer idtr{sizeof(limbo_idt) - 1,
                                      reinterpret_cast<uint64_t>(&limbo_idt[0])};
    cpu::load_idt(idtr);
}

// A kernel's CPU handed over without INIT (from limbo_enter64): its last CPU at the end of a
// handover, or any of its CPUs when it died.  Its slot is given.
extern "C" [[noreturn]] void limbo_enter_main(uint32_t slot_index, uint32_t resource)
{
    baton_ledger& l = ledger();
    baton_cpu_slot* mine = nullptr;
    if (slot_index < l.ncpus && slot_index < BATON_MAX_CPUS &&
        l.cpus[slot_index].apic_id == initial_apic_id()) {
        mine = &l.cpus[slot_index];
        // A cannot stamp this one: it has stopped.  The timeline splits the critical path here.
        stamp(l, BATON_EV_LIMBO, resource, mine->apic_id);
    }
    park(mine);
}

// First C++ on a freshly woken AP (from ap_start64).
extern "C" [[noreturn]] void ap_main()
{
    const uint32_t id = initial_apic_id();
    baton_ledger& l = ledger();
    baton_cpu_slot* mine = nullptr;
    for (uint32_t i = 0; i < l.ncpus && i < BATON_MAX_CPUS; i++) {
        baton_cpu_slot& s = l.cpus[i];
        if (s.apic_id == id && s.state == BATON_CPU_SIPI_SENT) {
            mine = &s;
            break;
        }
    }
    park(mine);
}

}  // namespace baton
