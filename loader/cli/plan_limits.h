// SPDX-License-Identifier: GPL-2.0
// What the ledger, B's partition record and B itself can hold, checked by `baton plan`
// before anything changes: a machine beyond one of them would fail halfway through the
// handover (a CPU B has no number for, a block the ledger has no slot for).  Pure logic.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "outcome.h"

#include "lib/phys.h"
#include "machine_facts.h"

namespace baton::cli {

// Where B's build configuration is staged for KERNEL: KERNEL.config (baton's staging), then
// Debian's /boot/config-VERSION for /boot/vmlinuz-VERSION (a linux-image package).
std::vector<std::string> b_config_paths(const std::string& kernel);

// B's CONFIG_NR_CPUS from its build's .config (`config`: the text, nullopt if the file is
// missing), or the refusal naming `path`.  A kernel without baton's partition-guest platform
// (CONFIG_BATON_GUEST) is refused: it cannot boot beside a running kernel.
Expected<uint64_t> b_cpu_limit(const std::optional<std::string>& config,
                                                const std::string& path);

// The machine's CPUs, B's PCI allow-list (`pci`: the plan's), A's PCI functions and the
// firmware memory map against the ledger, the record and B's NR_CPUS (`b_config`: where
// b_nr_cpus came from).
Failure check_machine_limits(const MachineFacts& f, size_t pci,
                                                uint64_t b_nr_cpus, const std::string& b_config);

// The firmware's tables as the trampoline reads them (lib/topology.h) for B's CPUs
// `b_apic_ids`: the MADT's CPUs and IOAPICs, the SRAT's ranges, the MCFG; an IOAPIC pin
// beyond B's pin table; CPUs A's xAPIC mode cannot address.
Failure check_firmware_limits(const MachineFacts& f,
                                                 const std::vector<uint32_t>& b_apic_ids);

// A's memory for the handover: `late` and `hot` ranges in the record, `hot_blocks` moves
// in the ledger.
Failure check_memory_limits(const std::vector<PhysRange>& late,
                                               const std::vector<PhysRange>& hot,
                                               size_t hot_blocks);

}  // namespace baton::cli
