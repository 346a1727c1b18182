// SPDX-License-Identifier: GPL-2.0
// The order of the handover, decided before the first step runs.
#include "handover_steps.h"

#include <algorithm>

#include "planner.h"

namespace baton::cli {

std::vector<HandoverStep> handover_steps(const HandoverInputs& in)
{
    std::vector<HandoverStep> steps;
    using Kind = HandoverStep::Kind;
    // The network moves to B first, while A still runs everything else: B serves A's
    // addresses through the rest of the handover.
    for (const auto& f : in.pci) {
        if (f.driver.empty() || (f.pci_class >> 16) == 0x06)
            continue;
        const std::string bdf = f.name.size() > 5 ? f.name.substr(5) : f.name;
        steps.push_back({Kind::pci, "pci " + bdf, "-> B (was " + f.driver + " in A)", true,
                         f.id});
    }
    // CPUs, highest first.  CPU 0 runs the last step; the machine's BSP, which no INIT may
    // reach, goes within it just before CPU 0 (in A they are one; in a kernel baton
    // launched, any of its CPUs).
    std::vector<unsigned> cpus = in.online_cpus;
    std::sort(cpus.rbegin(), cpus.rend());
    cpus.erase(std::unique(cpus.begin(), cpus.end()), cpus.end());
    for (unsigned cpu : cpus)
        if (cpu != 0 && cpu != in.bsp) {
            HandoverStep s{Kind::cpu, "cpu " + std::to_string(cpu), "-> B", true};
            s.cpu = cpu;
            steps.push_back(s);
        }
    // The plan's hot memory, in address order, one whole block at a time.
    std::vector<HandoverInputs::Block> blocks = in.blocks;
    std::sort(blocks.begin(), blocks.end(),
              [](const auto& x, const auto& y) { return x.base < y.base; });
    for (const auto& b : blocks) {
        if (b.size == 0 || b.base + b.size < b.base)
            continue;
        const PhysRange br(PhysAddr(b.base), b.size);
        const bool hot = std::any_of(in.hot.begin(), in.hot.end(),
                                     [&](const PhysRange& h) { return h.contains(br); });
        if (!hot)
            continue;
        HandoverStep s{Kind::mem, "mem " + hex(b.base) + "+" + std::to_string(b.size >> 20) + "M",
                       "-> B", true};
        s.base = b.base;
        s.size = b.size;
        // Nothing of A's is in an offline block; A's kernel allocates in an unmovable one.
        // Either way B hot-adds it when A has stopped, like the others.
        if (b.state != "online") {
            s.note = "stays with A until it stops (offline)";
            s.moves_now = false;
        } else if (b.valid_zones != "Movable") {
            s.note = "stays with A until it stops (not movable)";
            s.moves_now = false;
        }
        steps.push_back(s);
    }
    HandoverStep stop{Kind::stop, "cpu 0", "A stops now, B adopts it", true};
    steps.push_back(stop);
    return steps;
}

}  // namespace baton::cli
