// SPDX-License-Identifier: GPL-2.0
#include "planner.h"

#include <algorithm>
#include <cstdio>

#include "plan_limits.h"
#include "text_split.h"

namespace baton::cli {

std::string hex(uint64_t v)
{
    char b[24];
    snprintf(b, sizeof(b), "%#llx", static_cast<unsigned long long>(v));
    return b;
}

std::string pci_bdf(uint32_t id)
{
    char b[16];
    snprintf(b, sizeof(b), "%02x:%02x.%x", (id >> 8) & 0xff, (id >> 3) & 0x1f, id & 7);
    return b;
}

namespace {

std::string range_text(PhysRange r) { return hex(r.begin()) + "-" + hex(r.end() - 1); }

// The plan's cpus= list in order, each run of three or more consecutive IDs as FIRST-LAST:
// a machine's 256 CPUs fit the launch block's plan (BATON_PLAN_MAX) that way.
std::string cpu_list_text(const uint32_t* ids, size_t n)
{
    std::string t;
    for (size_t i = 0; i < n;) {
        size_t j = i;
        while (j + 1 < n && ids[j + 1] == ids[j] + 1)
            j++;
        t += (t.empty() ? "" : ",") + std::to_string(ids[i]);
        if (j - i >= 2)
            t += "-" + std::to_string(ids[j]);
        else
            j = i;
        i = j + 1;
    }
    return t;
}

}  // namespace

uint16_t guest_console(std::string_view host_cmdline)
{
    bool com2 = false;
    for_each_word(host_cmdline, [&](std::string_view w) {
        com2 = com2 || w == "console=ttyS1" || w.starts_with("console=ttyS1,");
    });
    return com2 ? 0x3f8 : 0x2f8;
}

namespace {

std::optional<PhysRange> crash_region(const MachineFacts& f)
{
    for (const IomemEntry& e : f.iomem)
        if (e.name == "Crash kernel")
            return PhysRange::from_to(e.begin, e.end);
    return std::nullopt;
}

bool low_window_reserved(const MachineFacts& f)
{
    const PhysRange window(PhysAddr(window_base(f.window)), BATON_WINDOW_SIZE);
    for (const IomemEntry& e : f.iomem) {
        const PhysRange r = PhysRange::from_to(e.begin, e.end);
        if (e.name == "System RAM" && r.overlaps(window))
            return false;
        if (e.depth == 0 && e.name == "Reserved" && r.contains(window))
            return true;
    }
    return false;
}

// In a kernel without a crash region from boot: memory blocks it can take offline and make
// its crash region (online, movable, whole firmware RAM, below 4 GiB where the trampoline
// runs).  `want` "BASE+SIZE" must be made of them; by default the lowest run of
// kDefaultPartition.
Expected<PhysRange> set_aside_partition(const MachineFacts& f,
                                                         const std::optional<std::string>& want)
{
    auto usable = [&](PhysRange r) {
        if (r.end() > 4 * GiB)
            return false;
        return std::any_of(f.firmware.begin(), f.firmware.end(), [&](const E820Entry& e) {
            return e.type == E820Type::ram && e.range.contains(r);
        });
    };
    std::vector<PhysRange> blocks;
    for (const MemoryBlockFact& b : f.blocks)
        if (b.movable && usable(PhysRange(PhysAddr(b.base), b.size)))
            blocks.push_back(PhysRange(PhysAddr(b.base), b.size));
    std::sort(blocks.begin(), blocks.end(),
              [](PhysRange a, PhysRange b) { return a.begin() < b.begin(); });
    auto covered = [&](PhysRange r) {
        uint64_t at = r.begin();
        for (PhysRange b : blocks)
            if (b.begin() == at && at < r.end())
                at = b.end();
        return at >= r.end() && std::all_of(blocks.begin(), blocks.end(), [&](PhysRange b) {
                   return !b.overlaps(r) || r.contains(b);
               });
    };
    if (want) {
        const size_t plus = want->find('+');
        auto base = parse_size(Str(want->data(), plus == std::string::npos ? 0 : plus));
        auto size = plus == std::string::npos
                        ? Result<uint64_t>(baton::Error{Errc::plan, {}})
                        : parse_size(Str(want->data() + plus + 1, want->size() - plus - 1));
        if (!base.ok() || !size.ok() || !size.value())
            return "--partition " + *want + ": expected BASE+SIZE";
        const PhysRange r(PhysAddr(base.value()), size.value());
        if (!covered(r))
            return "--partition " + *want + ": this kernel can set aside only whole memory "
                   "blocks that are online, movable and RAM below 4 GiB (see "
                   "/sys/devices/system/memory)";
        return r;
    }
    for (size_t i = 0; i < blocks.size(); i++) {
        const PhysRange r(blocks[i].base(), kDefaultPartition);
        if (covered(r))
            return r;
    }
    return "this kernel has no " + std::to_string(kDefaultPartition >> 20) +
           " MiB run of movable memory below 4 GiB to set aside for the next kernel (its "
           "movable blocks: /sys/devices/system/memory; --partition BASE+SIZE picks others)";
}

}  // namespace

std::string LaunchPlan::text() const
{
    std::string t = "partition=" + hex(plan.partition.begin()) + "+" + hex(plan.partition.size()) +
                    " cpus=" + cpu_list_text(plan.cpus, plan.ncpus);
    if (plan.window)
        t += " window=" + std::to_string(plan.window);
    if (plan.console_port != 0x2f8)
        t += " console=" + hex(plan.console_port);
    if (plan.npci) {
        t += " pci=";
        for (size_t i = 0; i < plan.npci; i++)
            t += (i ? "," : "") + pci_bdf(plan.pci[i]);
    }
    auto ranges = [&](const char* key, const PhysRange* rs, size_t n) {
        for (size_t i = 0; i < n; i++)
            t += (i ? "," : std::string(" ") + key + "=") + hex(rs[i].begin()) + "+" +
                 hex(rs[i].size());
    };
    ranges("late", plan.late, plan.nlate);
    ranges("hot", plan.hot, plan.nhot);
    return t;
}

namespace {

using Ranges = std::vector<PhysRange>;

Ranges subtract(const Ranges& from, PhysRange cut)
{
    Ranges out;
    for (PhysRange r : from) {
        if (!r.overlaps(cut)) {
            out.push_back(r);
            continue;
        }
        if (r.begin() < cut.begin())
            out.push_back(PhysRange::from_to(r.begin(), cut.begin()));
        if (cut.end() < r.end())
            out.push_back(PhysRange::from_to(cut.end(), r.end()));
    }
    return out;
}

// Sorted, adjacent ranges joined.
Ranges merged(Ranges rs)
{
    std::sort(rs.begin(), rs.end(), [](PhysRange a, PhysRange b) { return a.begin() < b.begin(); });
    Ranges out;
    for (PhysRange r : rs) {
        if (!out.empty() && out.back().end() >= r.begin())
            out.back() = PhysRange::from_to(out.back().begin(), std::max(out.back().end(), r.end()));
        else
            out.push_back(r);
    }
    return out;
}

std::string ranges_text(const Ranges& rs)
{
    std::string t;
    for (PhysRange r : rs)
        t += (t.empty() ? "" : ",") + hex(r.begin()) + "+" + hex(r.size());
    return t;
}

// A's RAM that B gets in the handover.  `hot` = A's whole memory blocks: the movable ones are
// handed over while A runs, the others (A's kernel is in them) B hot-adds when A stops; either
// way B onlines them movable, so that B can hand them over while it runs when it hosts the
// next kernel.  `late` = the rest of A's RAM above 1 MiB (B reserves the first MiB anyway):
// the partial blocks, RAM in B's map that B frees when A stops.
struct HandoverMemory {
    Ranges late, hot;
    size_t hot_blocks = 0;  // movable ones: one ledger slot each in the handover

    std::string text() const
    {
        std::string t;
        if (!late.empty())
            t += " late=" + ranges_text(late);
        if (!hot.empty())
            t += " hot=" + ranges_text(hot);
        return t;
    }
};

HandoverMemory handover_memory(const MachineFacts& f, PhysRange partition, PhysRange low)
{
    HandoverMemory m;
    Ranges ram;
    for (const E820Entry& e : f.firmware)
        if (e.type == E820Type::ram && !e.range.empty())
            ram.push_back(e.range);
    ram = subtract(subtract(subtract(merged(ram), partition), low),
                   PhysRange::from_to(0, 1 * MiB));
    Ranges hot;
    for (const MemoryBlockFact& b : f.blocks) {
        const PhysRange r(PhysAddr(b.base), b.size);
        const bool all_ram = std::any_of(ram.begin(), ram.end(),
                                         [&](PhysRange x) { return x.contains(r); });
        if (all_ram) {
            hot.push_back(r);
            m.hot_blocks += b.movable;
        }
    }
    hot = merged(hot);
    Ranges late = ram;
    for (PhysRange h : hot)
        late = subtract(late, h);
    late = merged(late);
    // Page granularity for B's e820 and memblock.
    for (PhysRange r : late) {
        const uint64_t b = (r.begin() + kPageSize - 1) & ~(kPageSize - 1);
        const uint64_t e = r.end() & ~(kPageSize - 1);
        if (e > b)
            m.late.push_back(PhysRange::from_to(b, e));
    }
    m.hot = hot;
    return m;
}

}  // namespace

Expected<LaunchPlan> make_plan(const MachineFacts& f, const PlanOptions& opt)
{
    // The reservations A must have been booted with.  A kernel baton launched has none: it
    // sets B's partition aside from its movable memory, once the machine is its own.
    auto crash = crash_region(f);
    LaunchPlan lp;
    if (!crash && f.guest) {
        if (f.guest_state != BATON_STATE_HANDED_OVER)
            return std::string("this kernel still shares the machine with the kernel that "
                               "launched it: it hosts the next one once the handover is done");
        auto r = set_aside_partition(f, opt.partition);
        if (!r)
            return r.error;
        crash = *r.value;
        lp.set_aside = true;
    }
    if (!crash)
        return std::string("A has no crashkernel region for B: boot A with crashkernel=512M@256M");
    if (!low_window_reserved(f))
        return "the low window " + range_text(PhysRange(PhysAddr(window_base(f.window)),
                                                        BATON_WINDOW_SIZE)) +
               " is this kernel's RAM: boot it with memmap=64K$0x20000";
    if (f.bsp_cpu < 0)
        return std::string("the machine's boot CPU (BSP) is offline in this kernel: bring it "
                           "online first (it leaves last, in the handover's last step)");
    if (!cmdline_has(f.cmdline, "no_ipi_broadcast=1"))
        return std::string("A broadcasts IPIs that would hit B's CPUs: boot A with "
                           "no_ipi_broadcast=1");

    if (auto err = check_machine_limits(f, opt.pci.size(), opt.b_nr_cpus, opt.b_config))
        return *err;

    lp.crash_region = *crash;

    // The partition: the crashkernel region, or a part of it.
    std::string part_text = opt.partition.value_or(hex(crash->begin()) + "+" + hex(crash->size()));
    // CPUs: A's numbers -> APIC IDs.  Default: the two highest-numbered CPUs.
    std::vector<unsigned> want = opt.cpus;
    if (want.empty()) {
        std::vector<unsigned> all;
        for (const CpuInfo& c : f.cpus)
            if (c.cpu != 0 && int(c.cpu) != f.bsp_cpu)
                all.push_back(c.cpu);
        std::sort(all.begin(), all.end());
        if (all.size() < 2)
            return std::string("A has fewer than 3 CPUs: nothing to give B by default (use --cpus)");
        want = {all[all.size() - 2], all[all.size() - 1]};
    }
    std::vector<uint32_t> b_apic_ids;
    for (unsigned cpu : want) {
        if (cpu == 0)
            return std::string("CPU 0 stays with A: it is the boot CPU and cannot be offlined");
        if (int(cpu) == f.bsp_cpu)
            return "CPU " + std::to_string(cpu) + " is the machine's boot CPU (BSP), which no "
                   "INIT may reach: it leaves last, in the handover's last step";
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
        b_apic_ids.push_back(it->apic_id);
    }
    if (auto err = check_firmware_limits(f, b_apic_ids))
        return *err;
    std::string text = "partition=" + part_text + " cpus=" +
                       cpu_list_text(b_apic_ids.data(), b_apic_ids.size());
    if (f.window)
        text += " window=" + std::to_string(f.window);
    if (const uint16_t port = guest_console(f.cmdline); port != 0x2f8)
        text += " console=" + hex(port);
    if (!opt.pci.empty()) {
        text += " pci=";
        for (size_t i = 0; i < opt.pci.size(); i++)
            text += (i ? "," : "") + opt.pci[i];
    }
    auto parsed = parse_plan(Str(text.data(), text.size()));
    if (!parsed.ok())
        return std::string(parsed.error().msg.c_str());
    if (!crash->contains(parsed.value().partition))
        return "partition " + range_text(parsed.value().partition) +
               " is outside the crashkernel region " + range_text(*crash);
    // A's memory for the handover, now that the partition is known.
    const HandoverMemory mem = handover_memory(f, parsed.value().partition, parsed.value().low);
    if (auto err = check_memory_limits(mem.late, mem.hot, mem.hot_blocks))
        return *err;
    text += mem.text();
    parsed = parse_plan(Str(text.data(), text.size()));
    if (!parsed.ok())
        return std::string(parsed.error().msg.c_str());
    lp.plan = parsed.value();
    // `baton launch` adds both digests and the TSC rate; the plan must still fit.
    const size_t launch_extra = 2 * (sizeof(" kernel.sha256=") - 1 + 64) +
                                sizeof(" tsc_khz=4294967295") - 1;
    if (text.size() + launch_extra >= BATON_PLAN_MAX)
        return "the plan takes " + std::to_string(text.size() + launch_extra) +
               " characters with its digests; the launch block holds " +
               std::to_string(BATON_PLAN_MAX - 1) + " (BATON_PLAN_MAX)";

    // B's memory map, exactly as the trampoline will build it.
    FirmwareMap fw;
    for (const E820Entry& e : f.firmware)
        if (!fw.push(e))
            return std::string("firmware memory map has more than 256 entries");
    auto e820 = build_partition_e820(fw, partition_memory(lp.plan));
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
