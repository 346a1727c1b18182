// SPDX-License-Identifier: GPL-2.0
// The launch plan as the trampoline receives it on its command line, e.g.
//   partition=0x40000000+512M cpus=0,1 kernel.sha256=<64 hex> initrd.sha256=<64 hex>
// (cpus= takes ranges too: cpus=2,4-7 is 2,4,5,6,7; the first listed boots B)
// optional: window=N low=BASE+SIZE console=PORT tsc_khz=N pci=BB:DD.F,BB:DD.F
//           late=BASE+SIZE,... hot=BASE+SIZE,...   (the other kernel's RAM B takes later)
// Produced by `baton plan` (or a person, for the standalone boot); parsed here.
#pragma once

#include "e820.h"
#include "phys.h"
#include "../include/baton/ledger.h"

namespace baton {

struct Digest {
    uint8_t bytes[32];
};

// A low window's parts (ledger.h): its base, its ledger, B's RAM below 1 MiB in it.
constexpr uint64_t window_base(uint32_t n) { return BATON_WINDOW_BASE(n); }
constexpr uint64_t window_ledger(uint32_t n) { return window_base(n) + BATON_WINDOW_LEDGER; }
constexpr PhysRange window_low_ram(uint32_t n)
{
    return PhysRange(PhysAddr(window_base(n) + BATON_WINDOW_LOW_RAM), BATON_WINDOW_LOW_RAM_SIZE);
}
// The window whose ledger is at `ledger_phys`; BATON_NR_WINDOWS if none is.
constexpr uint32_t window_of_ledger(uint64_t ledger_phys)
{
    for (uint32_t n = 0; n < BATON_NR_WINDOWS; n++)
        if (window_ledger(n) == ledger_phys)
            return n;
    return BATON_NR_WINDOWS;
}

struct Plan {
    PhysRange partition;  // B's memory; the first BATON_RESIDENT_SIZE bytes are the trampoline's
    // The low window the launch goes through (ledger.h): its ledger, its SIPI page, and by
    // default B's RAM below 1 MiB.
    uint32_t window = 0;
    PhysRange low = window_low_ram(0);
    uint32_t cpus[BATON_MAX_CPUS] = {};  // B's CPUs by APIC ID
    size_t ncpus = 0;
    uint16_t console_port = 0x2f8;  // B's UART: the trampoline reports there
    bool has_kernel_digest = false;
    Digest kernel_digest{};
    bool has_initrd_digest = false;
    Digest initrd_digest{};
    uint32_t tsc_khz = 0;
    uint32_t pci[BATON_MAX_PCI] = {};  // B's PCI functions, bus << 8 | devfn (segment 0)
    size_t npci = 0;
    // The other kernel's RAM: `late` stays its own until it stops (RAM in B's e820, reserved
    // by B meanwhile); `hot` are memory blocks it hands over while running (not in B's e820).
    PhysRange late[BATON_MAX_LATE] = {};
    size_t nlate = 0;
    PhysRange hot[BATON_MAX_LATE] = {};
    size_t nhot = 0;

    [[nodiscard]] bool owns_cpu(uint32_t apic_id) const
    {
        for (size_t i = 0; i < ncpus; i++)
            if (cpus[i] == apic_id)
                return true;
        return false;
    }
    // The part of the partition that B gets as RAM.
    [[nodiscard]] PhysRange b_ram() const
    {
        return PhysRange(PhysAddr(partition.begin() + BATON_RESIDENT_SIZE),
                         partition.size() - BATON_RESIDENT_SIZE);
    }
    [[nodiscard]] PhysRange resident() const
    {
        return PhysRange(partition.base(), BATON_RESIDENT_SIZE);
    }
};

// Smallest partition that can be planned at all (resident part + room for a kernel).
inline constexpr uint64_t kMinPartition = 32 * MiB;

Result<Plan> parse_plan(Str text);

// What of the machine's memory is B's, for B's e820.
PartitionMemory partition_memory(const Plan& plan);

// Number parsing shared with the CLI: decimal or 0x hex, optional K/M/G suffix.
Result<uint64_t> parse_size(Str s);
Result<Digest> parse_digest(Str hex);
Result<uint32_t> parse_bdf(Str bdf);  // "BB:DD.F" -> bus << 8 | devfn

}  // namespace baton
