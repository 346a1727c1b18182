// SPDX-License-Identifier: GPL-2.0
// The trampoline's own pieces, as the boot CPU uses them in order: report, wake APs into
// limbo, build B's boot data, enter B.
#pragma once

#include "../include/baton/ledger.h"
#include "hw/lapic.h"
#include "hw/pm_timer.h"
#include "lib/acpi.h"
#include "lib/plan.h"
#include "lib/topology.h"

namespace baton {

// The low window this launch goes through (ledger.h), and its ledger.  The address lives
// in .bss, where the crash entry finds it (zero until the trampoline ran).
extern "C" uint64_t trampoline_ledger_phys;
uint32_t trampoline_window();
baton_ledger& ledger();

// Marks the ledger failed, says why on the console, stops this CPU.  Before the jump into B
// nothing has been touched that A or a retry depends on.
[[noreturn]] void refuse(const Error& e);

// limbo.cpp: the IDT every parked CPU uses (an NMI only ends HLT); built once.
void build_limbo_idt();
extern "C" void limbo_load_idt();
uint32_t initial_apic_id();
// Appends to the ledger's timeline (the TSC last: it marks the entry complete).
void stamp(baton_ledger& l, uint32_t kind, uint32_t resource, uint64_t arg);
// Checks the CPU into its slot (if any) and waits there until a kernel adopts it.
[[noreturn]] void park(baton_cpu_slot* slot);

// ap_wakeup.cpp: INIT-SIPI-SIPI `apic_id` into the 16-bit stub; returns when it checked in.
Status wake_into_limbo(LocalApic& apic, const PmTimer& clock, uint32_t apic_id,
                       baton_cpu_slot& slot, size_t stack_index);

// partition_record.cpp: what B's boot reads about its partition (setup_data), from the
// plan, the clocks the trampoline measured and the firmware's topology.
struct Calibration {
    uint32_t tsc_khz;
    uint32_t apic_timer_khz;
    uint16_t pm_timer_port;
    AcpiPower power;
};
void write_setup_data(uint8_t* at, const Plan& plan, const Calibration& cal,
                      const Topology& topology, PhysAddr firmware_rsdp);

// enter_b.cpp
[[noreturn]] void enter_b(PhysAddr entry64, PhysAddr zero_page);

}  // namespace baton
