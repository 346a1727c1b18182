// SPDX-License-Identifier: GPL-2.0
// The partition's life cycle after load (cmd_load.cpp): launch (B's CPUs offline, A's panic
// order set, the trampoline started), abort (B stopped, everything back to A) and unload.
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstring>
#include <string>
#include <thread>
#include <vector>

#include "cli.h"
#include "errors.h"
#include "json.h"
#include "set_aside.h"

namespace baton::cli {

namespace {

// Brings B's CPUs back to A (after an abort or a failed launch).
std::string online_cpus(const std::vector<PlannedCpu>& cpus)
{
    std::string errs;
    for (const PlannedCpu& c : cpus)
        if (!cpu_online(c.a_cpu))
            if (auto err = set_cpu_online(c.a_cpu, true))
                errs += (errs.empty() ? "" : "; ") + err->what;
    return errs;
}

// A's panic must reach baton.ko's panic notifier before any crash kexec: the notifier and
// baton's stop method walk A's CPUs into limbo for B.  A crash kexec first would stop them
// where B cannot adopt A's CPU 0 (an INIT restarts its firmware).  Restored by abort.
const char* const kPostNotifiers = "/sys/module/kernel/parameters/crash_kexec_post_notifiers";
const char* const kPostNotifiersSet = "/run/baton/post-notifiers-set";

Failure panic_runs_notifiers_first()
{
    auto now = read_file(kPostNotifiers);
    if (!now)
        return "cannot read A's panic order (" + std::string(kPostNotifiers) + ")";
    if (now.value->rfind('Y', 0) == 0)
        return std::nullopt;
    ::mkdir("/run/baton", 0700);
    if (write_file(kPostNotifiers, "Y"))
        return "cannot make A's panic run its notifiers first (" + std::string(kPostNotifiers) + ")";
    write_file(kPostNotifiersSet, "Y\n");
    return std::nullopt;
}

void panic_order_restore()
{
    if (::access(kPostNotifiersSet, F_OK) != 0)
        return;
    write_file(kPostNotifiers, "N");
    ::unlink(kPostNotifiersSet);
}

}  // namespace

int cmd_launch(const Args& a)
{
    auto session = open_session();
    if (!session)
        return refuse(session.error, a.json);
    Session& ses = *session.value;
    const uint32_t state = ses.state;
    if (state == BATON_STATE_EMPTY || state == BATON_STATE_FAILED)
        return refuse("nothing is loaded: run baton load first", a.json);
    if (state != BATON_STATE_LOADED)
        return refuse("B is already " + state_name(state) + ": launch refused", a.json);
    auto saved = load_state();
    if (!saved)
        return refuse(saved.error, a.json);

    if (auto err = panic_runs_notifiers_first())
        return refuse(err->what + ": launch refused, nothing changed", a.json);
    auto plan = parse_plan(Str(saved->plan_text.data(), saved->plan_text.size()));
    if (!plan.ok())
        return refuse(std::string("saved plan: ") + plan.error().msg.c_str(), a.json);
    // B's console: nothing of ours may read or write it from now on.
    if (auto err = lend_console(plan.value().console_port)) {
        unlend_console();
        panic_order_restore();
        return refuse(err->what + ": launch refused, nothing changed", a.json);
    }
    const auto t0 = std::chrono::steady_clock::now();
    std::vector<PlannedCpu> offlined;
    for (const PlannedCpu& c : saved->cpus) {
        if (!cpu_online(c.a_cpu))
            continue;
        if (auto err = set_cpu_online(c.a_cpu, false)) {
            online_cpus(offlined);
            unlend_console();
            panic_order_restore();
            return refuse(*err, a.json);
        }
        offlined.push_back(c);
        if (!a.json)
            printf("launch: cpu%u (APIC ID %u) offline in A\n", c.a_cpu, c.apic_id);
    }
    if (int err = ses.dev.launch()) {
        online_cpus(offlined);
        unlend_console();
        panic_order_restore();
        return refuse(launch_error(err), a.json);
    }
    if (!a.json)
        printf("launch: INIT-SIPI sent to APIC ID %u; waiting for B\n", saved->cpus[0].apic_id);

    const auto timeout = number_option(a, "timeout", 120, 1, 3600);
    if (!timeout)
        return refuse(timeout.error, a.json);
    uint32_t last = BATON_STATE_LAUNCHED;
    for (;;) {
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
        baton_status st;
        if (int err = ses.dev.status(st))
            return refuse(status_error(err), a.json);
        const baton_status* s = &st;
        const uint32_t now = s->ledger.state;
        const double secs =
            std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
        if (now != last && !a.json)
            printf("launch: %s after %.2f s\n", state_name(now).c_str(), secs);
        last = now;
        if (now == BATON_STATE_FAILED) {
            std::string why(s->ledger.message, strnlen(s->ledger.message, sizeof(s->ledger.message)));
            ses.dev.abort();
            std::string back = online_cpus(saved->cpus);
            return refuse(Error("the trampoline refused: " + why + "; B's CPUs are back in A" +
                                    (back.empty() ? "" : " (but: " + back + ")"),
                                Exit::b_failed), a.json);
        }
        if (now == BATON_STATE_B_RUNNING) {
            if (a.json) {
                Json j;
                j.obj().kv("ok", true).kv("state", state_name(now)).kv("seconds", secs).end();
                printf("%s\n", j.str().c_str());
            } else {
                printf("launch: B is running (heartbeat) %.2f s after launch\n", secs);
            }
            return 0;
        }
        if (secs > double(*timeout.value))
            return refuse(Error("B did not start its heartbeat within " +
                                    std::to_string(*timeout.value) + " s (state " +
                                    state_name(now) + ")",
                                Exit::b_failed,
                                "B's CPUs stay offline in A: see baton status, baton abort"),
                          a.json);
    }
}

int cmd_abort(const Args& a)
{
    auto session = open_session();
    if (!session)
        return refuse(session.error, a.json);
    const Device& dev = session.value->dev;
    auto saved = load_state();
    if (int err = dev.abort())
        return refuse(abort_error(err), a.json);
    std::string back = saved ? online_cpus(saved->cpus) : "";
    // Only baton's own image: a crash kernel someone else loaded is not abort's to remove.
    if (session.value->status.crash_slot & BATON_SLOT_HELD)
        if (auto err = dev.unload_own_image())
            back += (back.empty() ? "" : "; ") + err->what;
    // The partition, if set aside, and A's memory blocks B had, online again.
    if (auto err = give_back(dev))
        back += (back.empty() ? "" : "; ") + err->what;
    unlend_console();
    panic_order_restore();
    if (!back.empty())
        return refuse(Error("B stopped, but " + back, Exit::partway), a.json);
    print_ok(a, "abort: B stopped, its CPUs and memory are online in A again, its image is unloaded");
    return 0;
}

int cmd_unload(const Args& a)
{
    auto session = open_session();
    if (!session)
        return refuse(session.error, a.json);
    Session& ses = *session.value;
    const uint32_t state = ses.state;
    if (ses.status.guard)
        return refuse("B is " + state_name(state) + " on its CPUs: baton abort stops it first", a.json);
    const bool held = ses.status.crash_slot & BATON_SLOT_HELD;
    if (!held && kexec_crash_loaded())
        return refuse("the crash kernel loaded is not baton's (kdump's?): kexec -p -u unloads it",
                      a.json);
    if (state == BATON_STATE_EMPTY && !held)
        return refuse("nothing is loaded", a.json);
    if (held)
        if (auto err = ses.dev.unload_own_image())
            return refuse(*err, a.json);
    if (state != BATON_STATE_EMPTY)
        ses.dev.abort();
    if (auto err = give_back(ses.dev))
        return refuse("B's image is unloaded, but " + err->what, a.json);
    unlend_console();
    print_ok(a, "unload: B's image is gone from the crashkernel region");
    return 0;
}

bool panic_runs_notifiers_now()
{
    auto now = read_file(kPostNotifiers);
    return now && now.value->rfind('Y', 0) == 0;
}

}  // namespace baton::cli
