// SPDX-License-Identifier: GPL-2.0
#include "plan_limits.h"

#include <algorithm>

#include "../../include/baton/ledger.h"

namespace baton::cli {

namespace {

std::string n(uint64_t v) { return std::to_string(v); }

}  // namespace

std::variant<uint64_t, std::string> b_cpu_limit(const std::optional<std::string>& config,
                                                const std::string& path)
{
    if (!config)
        return "B's kernel config " + path + " is missing: baton cannot tell how many CPUs B "
               "runs (it is staged next to B's bzImage)";
    const auto v = kconfig_number(*config, "CONFIG_NR_CPUS");
    if (!v || *v == 0)
        return path + " has no CONFIG_NR_CPUS=N: baton cannot tell how many CPUs B runs";
    return *v;
}

std::optional<std::string> check_machine_limits(const MachineFacts& f, size_t pci,
                                                uint64_t b_nr_cpus, const std::string& b_config)
{
    // After the handover B runs every CPU of the machine, and each passes a ledger slot.
    const size_t cpus = std::max(f.present_cpus, f.cpus.size());
    if (cpus > BATON_MAX_CPUS)
        return "this machine has " + n(cpus) + " CPUs; the ledger holds " + n(BATON_MAX_CPUS) +
               " (BATON_MAX_CPUS)";
    if (cpus > b_nr_cpus)
        return "this machine has " + n(cpus) + " CPUs but B's kernel runs at most " +
               n(b_nr_cpus) + " (CONFIG_NR_CPUS in " + b_config + "): build B with "
               "CONFIG_NR_CPUS=" + n(cpus) + " or more";
    if (pci > BATON_MAX_PCI)
        return "--pci names " + n(pci) + " PCI functions; B's partition record holds " +
               n(BATON_MAX_PCI) + " (BATON_MAX_PCI)";
    // The handover gives B every function A drives, bridges excepted.
    const size_t driven = size_t(std::count_if(f.pci.begin(), f.pci.end(),
                                               [](const PciFact& p) { return p.driver && !p.bridge; }));
    if (driven > BATON_MAX_PCI)
        return "A drives " + n(driven) + " PCI functions; B adopts at most " + n(BATON_MAX_PCI) +
               " in the handover (BATON_MAX_PCI)";
    if (f.firmware.size() > BATON_LAUNCH_MAX_E820)
        return "the firmware memory map has " + n(f.firmware.size()) + " entries; the launch "
               "block holds " + n(BATON_LAUNCH_MAX_E820) + " (BATON_LAUNCH_MAX_E820)";
    return std::nullopt;
}

std::optional<std::string> check_memory_limits(const std::vector<PhysRange>& late,
                                               const std::vector<PhysRange>& hot,
                                               size_t hot_blocks)
{
    if (late.size() > BATON_MAX_LATE)
        return "A's RAM that B takes when A stops is in " + n(late.size()) + " pieces; B's "
               "partition record holds " + n(BATON_MAX_LATE) + " (BATON_MAX_LATE)";
    if (hot.size() > BATON_MAX_LATE)
        return "A's movable memory is in " + n(hot.size()) + " separate ranges; B's partition "
               "record holds " + n(BATON_MAX_LATE) + " (BATON_MAX_LATE)";
    if (hot_blocks > BATON_MAX_MEM)
        return "A's movable memory is " + n(hot_blocks) + " memory blocks; the ledger tracks " +
               n(BATON_MAX_MEM) + " memory moves (BATON_MAX_MEM)";
    return std::nullopt;
}

}  // namespace baton::cli
