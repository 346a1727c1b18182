// SPDX-License-Identifier: GPL-2.0
// `baton plan`: the partition for B, computed from what A reports and the operator's options.
// Pure logic (no I/O): the host tests run it on saved machine facts.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "lib/e820.h"
#include "lib/placement.h"
#include "lib/plan.h"
#include "machine_facts.h"
#include "outcome.h"

namespace baton::cli {

struct PlanOptions {
    // "BASE+SIZE"; default: the whole crashkernel region, or in a kernel without one (a kernel
    // baton launched) kDefaultPartition of its movable memory, set aside at `baton load`
    std::optional<std::string> partition;
    std::vector<unsigned> cpus;            // A's CPU numbers for B; default: the last two
    std::vector<std::string> pci;          // "BB:DD.F" functions B may see; default none
    uint64_t kernel_init_size = 0;         // from B's bzImage, to check that B fits
    KernelImage kernel{};
    bool have_kernel = false;
    uint64_t initrd_size = 0;
    uint64_t b_nr_cpus = 0;                // B's CONFIG_NR_CPUS (b_cpu_limit, plan_limits.h)
    std::string b_config;                  // the .config it came from
};

struct PlannedCpu {
    unsigned a_cpu;    // A's CPU number (what sysfs offlines)
    uint32_t apic_id;  // what the ledger, the trampoline and B use
};

// The partition a kernel without a crash region sets aside when none is asked for.
inline constexpr uint64_t kDefaultPartition = 512 * MiB;

struct LaunchPlan {
    Plan plan;                       // what the trampoline will parse
    std::vector<PlannedCpu> cpus;    // plan.cpus in order; [0] boots B
    PhysRange crash_region;
    bool set_aside = false;          // the partition becomes the crash region at `baton load`
    BootE820 b_e820;                 // B's memory map, as the trampoline will build it
    Placement placement{};
    bool placed = false;
    std::string text() const;        // the plan in the trampoline's syntax (no digests)
};

// "0x..." as the CLI prints addresses and sizes.
std::string hex(uint64_t v);
// "BB:DD.F" of a PCI function (bus << 8 | devfn, segment 0): the plan's form, parse_bdf's input.
std::string pci_bdf(uint32_t id);

// The legacy UART B's console gets: COM2, unless the host's own console is there (a kernel
// baton launched on COM2 hosts the next one on COM1): the UARTs alternate along a chain.
uint16_t guest_console(std::string_view host_cmdline);

// Refuses (one line, naming the fix) when A lacks a reservation, a CPU is CPU 0 or absent,
// the partition is outside the crashkernel region or cannot hold B, or the machine is beyond
// what the ledger, the record or B can hold (plan_limits.h).
Expected<LaunchPlan> make_plan(const MachineFacts& facts, const PlanOptions& opt);

}  // namespace baton::cli
