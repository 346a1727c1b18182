// SPDX-License-Identifier: GPL-2.0
// Probing B's readiness (ready_check.h): one probe, a bounded wait.
#pragma once

#include <string>

#include "ready_check.h"

namespace baton::cli {

// One probe.  nullopt when B answered; else what happened ("connection refused").
Failure probe_ready(const ReadyCheck& c);

}  // namespace baton::cli
