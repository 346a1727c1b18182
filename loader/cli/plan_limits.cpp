// SPDX-License-Identifier: GPL-2.0
#include "plan_limits.h"

#include <algorithm>

#include "../../include/baton/ledger.h"
#include "lib/apic_id.h"
#include "lib/topology.h"

namespace baton::cli {

namespace {

std::string n(uint64_t v) { return std::to_string(v); }

AcpiTable table(const std::optional<std::string>& bytes)
{
    if (!bytes)
        return {};
    return {reinterpret_cast<const uint8_t*>(bytes->data()), bytes->size()};
}

}  // namespace

std::vector<std::string> b_config_paths(const std::string& kernel)
{
    std::vector<std::string> paths{kernel + ".config"};
    const size_t slash = kernel.rfind('/');
    const std::string dir = slash == std::string::npos ? "" : kernel.substr(0, slash + 1);
    const std::string name = kernel.substr(slash == std::string::npos ? 0 : slash + 1);
    if (name.rfind("vmlinuz-", 0) == 0 && name.size() > 8)
        paths.push_back(dir + "config-" + name.substr(8));
    return paths;
}

Expected<uint64_t> b_cpu_limit(const std::optional<std::string>& config,
                                                const std::string& path)
{
    if (!config)
        return "B's kernel config " + path + " is missing: baton cannot tell how many CPUs B "
               "runs (it is staged next to B's bzImage)";
    if (!kconfig_enabled(*config, "CONFIG_BATON_GUEST"))
        return path + ": this kernel has no partition-guest platform (CONFIG_BATON_GUEST), so "
               "it cannot boot beside the running kernel; a stock kernel, Debian's 6.1 "
               "included, can host an upgrade but cannot be one";
    const auto v = kconfig_number(*config, "CONFIG_NR_CPUS");
    if (!v || *v == 0)
        return path + " has no CONFIG_NR_CPUS=N: baton cannot tell how many CPUs B runs";
    return *v;
}

Failure check_machine_limits(const MachineFacts& f, size_t pci,
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

Failure check_firmware_limits(const MachineFacts& f,
                                                 const std::vector<uint32_t>& b_apic_ids)
{
    if (!f.madt)
        return std::string("the firmware has no MADT (/sys/firmware/acpi/tables/APIC): baton "
                           "finds the machine's CPUs and IOAPICs there (A booted with acpi=off?)");
    auto madt = parse_madt(table(f.madt));
    if (!madt.ok())
        return std::string(madt.error().msg.c_str());
    const MadtInfo& m = madt.value();
    for (uint32_t i = 0; i < m.nioapics; i++)
        if (m.pins_named[i] > BATON_MAX_IOAPIC_PINS)
            return "IOAPIC " + n(m.ioapics[i].id) + " (GSI base " + n(m.ioapics[i].gsi_base) +
                   ") has at least " + n(m.pins_named[i]) + " pins (the MADT routes GSI " +
                   n(m.ioapics[i].gsi_base + m.pins_named[i] - 1) + " to it); B takes " +
                   n(BATON_MAX_IOAPIC_PINS) + " of an IOAPIC (BATON_MAX_IOAPIC_PINS)";
    // The trampoline and baton.ko send INIT, SIPI and NMIs in the mode A left the APICs in.
    if (!f.x2apic) {
        std::vector<uint32_t> ids(m.cpus, m.cpus + m.ncpus);
        ids.insert(ids.end(), b_apic_ids.begin(), b_apic_ids.end());
        for (uint32_t id : ids)
            if (!apic_id_addressable(id, false))
                return "the machine has a CPU with APIC ID " + n(id) + ", which xAPIC mode "
                       "cannot address (IDs 0-254), and A runs its local APICs in xAPIC mode: "
                       "boot A without nox2apic";
    }
    const FirmwareTables tables{table(f.madt), table(f.srat), table(f.mcfg)};
    auto topology = read_topology(tables, b_apic_ids.data(), b_apic_ids.size());
    if (!topology.ok())
        return std::string(topology.error().msg.c_str());
    return std::nullopt;
}

Failure check_memory_limits(const std::vector<PhysRange>& late,
                                               const std::vector<PhysRange>& hot,
                                               size_t hot_blocks)
{
    if (late.size() > BATON_MAX_LATE)
        return "A's RAM that B takes when A stops is in " + n(late.size()) + " pieces; B's "
               "partition record holds " + n(BATON_MAX_LATE) + " (BATON_MAX_LATE)";
    if (hot.size() > BATON_MAX_LATE)
        return "A's whole memory blocks outside the partition are in " + n(hot.size()) +
               " separate ranges; B's partition record holds " + n(BATON_MAX_LATE) +
               " (BATON_MAX_LATE)";
    if (hot_blocks > BATON_MAX_MEM)
        return "A's movable memory is " + n(hot_blocks) + " memory blocks; the ledger tracks " +
               n(BATON_MAX_MEM) + " memory moves (BATON_MAX_MEM)";
    return std::nullopt;
}

}  // namespace baton::cli
