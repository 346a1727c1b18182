// SPDX-License-Identifier: GPL-2.0
// The saved plan, written and read.
#include "state_file.h"

#include "args.h"
#include "text_split.h"

namespace baton::cli {

std::string state_text(const LaunchPlan& lp)
{
    std::string out = "plan " + lp.text() + "\n";
    for (const PlannedCpu& c : lp.cpus)
        out += "cpu " + std::to_string(c.a_cpu) + " " + std::to_string(c.apic_id) + "\n";
    if (lp.set_aside)
        out += "set_aside\n";
    return out;
}

Expected<SavedState> parse_state(std::string_view text, std::string_view path)
{
    SavedState s;
    size_t n = 0;
    Failure bad;
    for_each_line(text, [&](std::string_view line) {
        n++;
        if (bad || line.empty())
            return;
        auto why = [&](const std::string& w) {
            bad = Error(std::string(path) + " line " + std::to_string(n) + ": " + w +
                        ": run baton plan again");
        };
        if (line.rfind("plan ", 0) == 0) {
            if (!s.plan_text.empty())
                return why("a second plan");
            s.plan_text = std::string(line.substr(5));
        } else if (line.rfind("cpu ", 0) == 0) {
            const std::string_view rest = line.substr(4);
            const size_t sp = rest.find(' ');
            const auto cpu = decimal(rest.substr(0, sp), 4);
            const auto apic = sp == std::string_view::npos ? std::nullopt
                                                           : decimal(rest.substr(sp + 1), 10);
            if (!cpu || !apic || *cpu > 4095 || *apic > 0xffffffffu)
                return why("not \"cpu A_CPU APIC_ID\"");
            s.cpus.push_back({unsigned(*cpu), uint32_t(*apic)});
        } else if (line == "set_aside") {
            s.set_aside = true;
        } else {
            why("not a line of a saved plan");
        }
    });
    if (bad)
        return *bad;
    if (s.plan_text.empty() || s.cpus.empty())
        return Error(std::string(path) + " has no plan or no CPU for B: run baton plan again");
    return s;
}

}  // namespace baton::cli
