// SPDX-License-Identifier: GPL-2.0
// What the `baton` commands share: their arguments, the one-line refusal, the saved plan and
// the session with baton.ko.  Each command lives in a cmd_*.cpp (or main.cpp).
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "args.h"
#include "handover_steps.h"
#include "outcome.h"
#include "planner.h"
#include "sys.h"

namespace baton::cli {

// One line on stderr (and error_json() on stdout with --json); returns the error's exit
// status: every refusal and failure goes through here.
int refuse(const Error& why, bool json);
std::string state_name(uint32_t s);
void print_ok(const Args& a, const std::string& text);

// Where `baton plan` and `load` find the trampoline, B's kernel and its initramfs.
extern const char* const kDefaultDir;
Expected<std::vector<uint8_t>> read_bytes(const std::string& path);

// The saved plan: what `plan` decided, for `load`, `launch`, `handover` and `abort`.
struct SavedState {
    std::string plan_text;
    std::vector<PlannedCpu> cpus;
    bool set_aside = false;  // the partition becomes the crash region at load (LaunchPlan)
};
Failure save_state(const LaunchPlan& lp);
std::optional<SavedState> load_state();

// baton.ko and the ledger's state, which most commands start from.
struct Session {
    Device dev;
    baton_status status;
    uint32_t state;
};
Expected<Session> open_session();

// Before a command reads or changes anything: the line that refuses a caller without
// CAP_SYS_BOOT, or a kernel A that is locked down.
Failure privilege_refusal(const std::string& command);

// main.cpp: whether A's panic reaches baton.ko's notifier (its failover to B) before any
// crash kexec: `baton launch` makes it so, abort restores it.
bool panic_runs_notifiers_now();

// cmd_plan.cpp, cmd_status.cpp, cmd_release.cpp
int cmd_plan(const Args& a);
int cmd_status(const Args& a);
// cmd_launch.cpp: the partition's life cycle.
int cmd_load(const Args& a);
int cmd_launch(const Args& a);
int cmd_abort(const Args& a);
int cmd_unload(const Args& a);
int cmd_release(const Args& a);
int cmd_handover(const Args& a);
// What the handover's steps are computed from (handover_steps.h), under PLAN_TEXT.
Expected<HandoverInputs> handover_inputs(const std::string& plan_text);

}  // namespace baton::cli
