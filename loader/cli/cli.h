// SPDX-License-Identifier: GPL-2.0
// What the `baton` commands share: their arguments, the one-line refusal, the saved plan and
// the session with baton.ko.  Each command lives in a cmd_*.cpp (or main.cpp).
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "args.h"
#include "handover_steps.h"
#include "outcome.h"
#include "planner.h"
#include "state_file.h"
#include "sys.h"

namespace baton::cli {

// baton upgrade's signals: SIGINT, SIGTERM and SIGHUP (an SSH session that dropped) are
// noted, not fatal, so that the waits for B end in an abort; SIGPIPE is ignored.
void catch_stop_signals();
bool stop_requested();

// One line on stderr (and error_json() on stdout with --json); returns the error's exit
// status: every refusal and failure goes through here.
int refuse(const Error& why, bool json);
// While one lives, refuse() keeps the error here instead of printing it: `baton upgrade`
// runs the other commands as its steps and says their error once, in its own line.
class RefusalCapture {
public:
    RefusalCapture();
    ~RefusalCapture();
    RefusalCapture(const RefusalCapture&) = delete;
    RefusalCapture& operator=(const RefusalCapture&) = delete;
    // The last refusal since it started, or a line that says none was given.
    Error last(const std::string& fallback) const;
    void keep(const Error& e) { last_ = e; }

private:
    std::optional<Error> last_;
    RefusalCapture* outer_;
};
std::string state_name(uint32_t s);
void print_ok(const Args& a, const std::string& text);

// Where `baton plan` and `load` find the trampoline, B's kernel and its initramfs.
extern const char* const kDefaultDir;
Expected<std::vector<uint8_t>> read_bytes(const std::string& path);

// The saved plan (state_file.h) in /run/baton/state.  load_state's error: no plan yet, or a
// file that is not one.
Failure save_state(const LaunchPlan& lp);
Expected<SavedState> load_state();

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

// panic_order.cpp: whether A's panic reaches baton.ko's notifier (its failover to B) before
// any crash kexec: `baton launch` makes it so, abort restores it.
bool panic_runs_notifiers_now();
Failure panic_runs_notifiers_first();
void panic_order_restore();

// B's CPUs back online in A (after an abort or a failed launch): what would not come back.
std::string return_cpus_to_a(const std::vector<PlannedCpu>& cpus);

// release_pci.cpp: --timeout-ms (how long B has to take a request; default 5 s), and one PCI
// function to B: fenced (driver_override), A's driver unbound, adopted by B, or back to A's
// driver.  0 or an errno; *back says what giving it back did.
Expected<unsigned long> release_timeout_ms(const Args& a);
int release_pci(const Device& dev, const PciFunction& f, const baton_release_args& r,
                std::string* back);

// cmd_plan.cpp: the plan from the machine and the options (--cpus, --partition, --pci,
// --dir, --kernel, --initrd), its lines (or JSON) on stdout.
Expected<LaunchPlan> compute_plan(const Args& a);
void print_plan(const LaunchPlan& lp, bool json);
int cmd_plan(const Args& a);
// cmd_status.cpp, cmd_release.cpp
int cmd_status(const Args& a);
// cmd_load.cpp: where the images are (--dir, --trampoline, --kernel, --initrd), the digest
// load hands the trampoline for one of them once its manifest vouches for it, and load.
struct ImagePaths {
    std::string trampoline, kernel, initrd;
};
ImagePaths image_paths(const Args& a);
Expected<std::string> vouched_digest(const Args& a, const std::string& file,
                                     std::span<const uint8_t> data);
int cmd_load(const Args& a);
// cmd_launch.cpp: the partition's life cycle after load.
int cmd_launch(const Args& a);
int cmd_abort(const Args& a);
int cmd_unload(const Args& a);
int cmd_release(const Args& a);
int cmd_handover(const Args& a);
// cmd_upgrade.cpp: plan, load, launch, ready, handover in one.
int cmd_upgrade(const Args& a);
// What the handover's steps are computed from (handover_steps.h), under PLAN_TEXT.
Expected<HandoverInputs> handover_inputs(const std::string& plan_text);

}  // namespace baton::cli
