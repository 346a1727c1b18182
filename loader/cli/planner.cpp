// SPDX-License-Identifier: GPL-2.0
#include "planner.h"

#include <algorithm>
#include <cstdio>

namespace baton::cli {

std::string hex(uint64_t v)
{
    char b[24];
    snprintf(b, sizeof(b), "%#llx", static_cast<unsigned long long>(v));
    return b;
}

namespace {

std::string range_text(PhysRange r) { return hex(r.begin()) + "-" + hex(r.end() - 1); }

std::optional<PhysRange> crash_region(const MachineFacts& f)
{
    for (const IomemEntry& e : f.iomem)
        if (e.name == "Crash kernel")
            return PhysRange::from_to(e.begin, e.end);
    return std::nullopt;
}

bool low_window_reserved(const MachineFacts& f)
{
    const PhysRange window(PhysAddr(BATON_LOW_WINDOW_BASE), BATON_LOW_WINDOW_SIZE);
    for (const IomemEntry& e : f.iomem) {
        const PhysRange r = PhysRange::from_to(e.begin, e.end);
        if (e.name == "System RAM" && r.overlaps(window))
            return false;
        if (e.depth == 0 && e.name == "Reserved" && r.contains(window))
            return true;
    }
    return false;
}

}  // namespace

std::string LaunchPlan::text() const
{
    std::string t = "partition=" + hex(plan.partition.begin()) + "+" + hex(plan.partition.size()) +
                    " cpus=";
    for (size_t i = 0; i < plan.ncpus; i++)
        t += (i ? "," : "") + std::to_string(plan.cpus[i]);
    if (plan.npci) {
        t += " pci=";
        for (size_t i = 0; i < plan.npci; i++) {
            char b[16];
            snprintf(b, sizeof(b), "%s%02x:%02x.%x", i ? "," : "", plan.pci[i] >> 8,
                     (plan.pci[i] >> 3) & 0x1f, plan.pci[i] & 7);
            t += b;
        }
    }
    return t;
}

std::variant<LaunchPlan, std::string> make_plan(const MachineFacts& f, const PlanOptions& opt)
{
    // The reservations A must have been booted with.
    const auto crash = crash_region(f);
    if (!crash)
        return std::string("A has no crashkernel region for B: boot A with crashkernel=512M@256M");
    if (!low_window_reserved(f))
        return std::string("the low window 0x20000-0x2ffff is A's RAM: boot A with "
                           "memmap=64K$0x20000");
    if (!cmdline_has(f.cmdline, "no_ipi_broadcast=1"))
        return std::string("A broadcasts IPIs that would hit B's CPUs: boot A with "
                           "no_ipi_broadcast=1");

    LaunchPlan lp;
    lp.crash_region = *crash;

    // The partition: the crashkernel region, or a part of it.
    std::string part_text = opt.partition.value_or(hex(crash->begin()) + "+" + hex(crash->size()));
    // CPUs: A's numbers -> APIC IDs.  Default: the two highest-numbered CPUs.
    std::vector<unsigned> want = opt.cpus;
    if (want.empty()) {
        std::vector<unsigned> all;
        for (const CpuInfo& c : f.cpus)
            if (c.cpu != 0)
                all.push_back(c.cpu);
        std::sort(all.begin(), all.end());
        if (all.size() < 2)
            return std::string("A has fewer than 3 CPUs: nothing to give B by default (use --cpus)");
        want = {all[all.size() - 2], all[all.size() - 1]};
    }
    std::string cpu_text;
    for (unsigned cpu : want) {
        if (cpu == 0)
            return std::string("CPU 0 stays with A: it is the boot CPU and cannot be offlined");
        auto it = std::find_if(f.cpus.begin(), f.cpus.end(), [&](const CpuInfo& c) { return c.cpu == cpu; });
        if (it == f.cpus.end()) {
            std::string have;
            for (const CpuInfo& c : f.cpus)
                have += (have.empty() ? "" : ",") + std::to_string(c.cpu);
            return "CPU " + std::to_string(cpu) + " does not exist (A has CPUs " + have + ")";
        }
        for (const PlannedCpu& p : lp.cpus)
            if (p.a_cpu == cpu)
                return "CPU " + std::to_string(cpu) + " is listed twice";
        lp.cpus.push_back({cpu, it->apic_id});
        cpu_text += (cpu_text.empty() ? "" : ",") + std::to_string(it->apic_id);
    }
    std::string text = "partition=" + part_text + " cpus=" + cpu_text;
    if (!opt.pci.empty()) {
        text += " pci=";
        for (size_t i = 0; i < opt.pci.size(); i++)
            text += (i ? "," : "") + opt.pci[i];
    }
    auto parsed = parse_plan(Str(text.data(), text.size()));
    if (!parsed.ok())
        return std::string(parsed.error().msg.c_str());
    lp.plan = parsed.value();
    if (!crash->contains(lp.plan.partition))
        return "partition " + range_text(lp.plan.partition) + " is outside the crashkernel region " +
               range_text(*crash);

    // B's memory map, exactly as the trampoline will build it.
    FirmwareMap fw;
    for (const E820Entry& e : f.firmware)
        if (!fw.push(e))
            return std::string("firmware memory map has more than 256 entries");
    auto e820 = build_partition_e820(fw, PartitionMemory{lp.plan.b_ram(), lp.plan.low, lp.plan.resident()});
    if (!e820.ok())
        return std::string(e820.error().msg.c_str());
    lp.b_e820 = e820.value();

    if (opt.have_kernel) {
        auto placed = place_in_partition(lp.plan, opt.kernel, opt.initrd_size);
        if (!placed.ok())
            return std::string(placed.error().msg.c_str());
        lp.placement = placed.value();
        lp.placed = true;
    }
    return lp;
}

}  // namespace baton::cli
