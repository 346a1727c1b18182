// SPDX-License-Identifier: GPL-2.0
// The saved plan (/run/baton/state): what `plan` decided, for load, launch, handover, abort
// and status.  One line per fact: "plan TEXT", "cpu A_CPU APIC_ID", "set_aside".  Pure:
// written and read back here, the host tests feed it hostile files.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "outcome.h"
#include "planner.h"

namespace baton::cli {

struct SavedState {
    std::string plan_text;
    std::vector<PlannedCpu> cpus;
    bool set_aside = false;  // the partition becomes the crash region at load (LaunchPlan)
};

std::string state_text(const LaunchPlan& lp);
// A file that is not one, line by line: the error names the line (PATH line N: ...).
Expected<SavedState> parse_state(std::string_view text, std::string_view path);

}  // namespace baton::cli
