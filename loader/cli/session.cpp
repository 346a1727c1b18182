// SPDX-License-Identifier: GPL-2.0
// What every command shares: the refusal line, the saved plan, the session with baton.ko,
// and who may run baton at all.
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>

#include "cli.h"
#include "errors.h"
#include "json.h"

namespace baton::cli {

namespace {

const char* const kStateFile = "/run/baton/state";
const unsigned kCapSysBoot = 22;  // linux/capability.h

}  // namespace

const char* const kDefaultDir = "/usr/lib/baton";

namespace {

RefusalCapture* capture = nullptr;
volatile sig_atomic_t stop_signal = 0;

void note_stop(int sig) { stop_signal = sig; }

}  // namespace

void catch_stop_signals()
{
    struct sigaction sa {};
    sa.sa_handler = note_stop;
    sigemptyset(&sa.sa_mask);
    for (int sig : {SIGINT, SIGTERM, SIGHUP})
        sigaction(sig, &sa, nullptr);
    signal(SIGPIPE, SIG_IGN);
}

bool stop_requested() { return stop_signal != 0; }

RefusalCapture::RefusalCapture() : outer_(capture) { capture = this; }
RefusalCapture::~RefusalCapture() { capture = outer_; }

Error RefusalCapture::last(const std::string& fallback) const
{
    return last_ ? *last_ : Error(fallback);
}

int refuse(const Error& why, bool json)
{
    if (capture) {
        capture->keep(why);
        return int(why.exit);
    }
    if (json)
        printf("%s\n", error_json(why).c_str());
    fprintf(stderr, "baton: %s\n", why.line().c_str());
    return int(why.exit);
}

std::string state_name(uint32_t s) { return baton_state_name(s); }

void print_ok(const Args& a, const std::string& text)
{
    if (a.json) {
        Json j;
        j.obj().kv("ok", true).end();
        printf("%s\n", j.str().c_str());
    } else {
        printf("%s\n", text.c_str());
    }
}

Failure save_state(const LaunchPlan& lp)
{
    ::mkdir("/run", 0755);
    ::mkdir("/run/baton", 0700);
    if (auto err = replace_file(kStateFile, state_text(lp)))
        return err;
    return std::nullopt;
}

Expected<SavedState> load_state()
{
    auto text = read_file(kStateFile);
    if (!text)
        return Error("no plan: run baton plan first");
    return parse_state(*text.value, kStateFile);
}

std::string return_cpus_to_a(const std::vector<PlannedCpu>& cpus)
{
    std::string errs;
    for (const PlannedCpu& c : cpus)
        if (!cpu_online(c.a_cpu))
            if (auto err = set_cpu_online(c.a_cpu, true))
                errs += (errs.empty() ? "" : "; ") + err->what;
    return errs;
}

Expected<std::vector<uint8_t>> read_bytes(const std::string& path)
{
    auto s = read_file(path);
    if (!s)
        return Error(s.error);
    return std::vector<uint8_t>(s.value->begin(), s.value->end());
}

// With CAP_SYS_BOOT checked before, an EPERM from baton.ko can only be its lockdown check.
Expected<Session> open_session()
{
    auto dev = Device::open();
    if (!dev)
        return Error(dev.error);
    baton_status st;
    if (int err = dev.value->status(st))
        return Error(err == EPERM ? lockdown_refusal("") : status_error(err));
    const baton_ledger& l = st.ledger;
    const bool valid = l.magic == BATON_LEDGER_MAGIC && l.version == BATON_ABI_VERSION;
    return Session{std::move(*dev.value), st, valid ? l.state : uint32_t(BATON_STATE_EMPTY)};
}

Failure privilege_refusal(const std::string& command)
{
    if (auto st = read_file("/proc/self/status"))
        if (has_capability(*st.value, kCapSysBoot) == false)
            return root_refusal(command);
    // securityfs names the mode; without it, baton.ko's answer tells (open_session).
    if (auto lock = read_file("/sys/kernel/security/lockdown")) {
        const std::string mode = lockdown_mode(*lock.value);
        if (!mode.empty() && mode != "none")
            return lockdown_refusal(mode);
    }
    if (::access(BATON_DEVICE, F_OK) == 0) {
        auto s = open_session();
        if (!s && s.error.what == lockdown_refusal(""))
            return s.error;
    }
    return std::nullopt;
}

}  // namespace baton::cli
