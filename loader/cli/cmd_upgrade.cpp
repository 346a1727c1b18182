// SPDX-License-Identifier: GPL-2.0
// `baton upgrade`: the whole upgrade in one command.  plan, load, launch, wait until B is
// ready, hand over.  Until the handover's last step (the point of no return: A stops) every
// failure aborts B and leaves the running kernel as it was.
#include <sys/file.h>
#include <sys/stat.h>
#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <iostream>
#include <string>
#include <thread>

#include "cli.h"
#include "json.h"
#include "ready.h"

namespace baton::cli {

namespace {

const char* const kUpgradeLock = "/run/baton/upgrade.lock";

// A progress line per step ("upgrade: load"), or a JSON event with --json; each step's own
// lines follow it.
void announce(const Args& a, const std::string& step, const std::string& detail = {})
{
    if (a.json) {
        Json j;
        j.obj().kv("event", "step").kv("step", step);
        if (!detail.empty())
            j.kv("detail", detail);
        j.end();
        printf("%s\n", j.str().c_str());
    } else {
        printf("upgrade: %s%s%s\n", step.c_str(), detail.empty() ? "" : ": ", detail.c_str());
    }
    fflush(stdout);
}

// Every failure after load ends here: B aborted, A as it was (or what abort could not give
// back, and then the upgrade stopped partway).  One line: the step, why, and where A stands.
int give_up(const Args& a, const std::string& step, Exit exit, const std::string& why,
            const std::string& still = {})
{
    announce(a, "abort", "B stops, everything returns to A");
    Failure abort_failed;
    {
        RefusalCapture quiet;
        if (cmd_abort(a) != 0)
            abort_failed = quiet.last("abort failed");
    }
    if (abort_failed)
        return refuse(Error("upgrade stopped at " + step + ": " + why, Exit::partway,
                            "and abort could not return everything to A (" +
                                abort_failed->what + "): see baton status"),
                      a.json);
    if (!still.empty())
        return refuse(Error("upgrade stopped at " + step + ": " + why + "; B aborted", Exit::partway,
                            still), a.json);
    return refuse(Error("upgrade stopped at " + step + ": " + why +
                            "; B aborted, the running kernel is as it was", exit),
                  a.json);
}

// The operator said yes: --yes, or "y" on a terminal.
Failure confirmed(const Args& a, const LaunchPlan& lp)
{
    if (a.flag("yes"))
        return std::nullopt;
    if (a.json || !::isatty(STDIN_FILENO))
        return Error("baton upgrade asks before it hands the machine over: give --yes when "
                     "no one is at a terminal", Exit::usage);
    printf("Hand this machine over to %s (%zu CPUs of B to start)? [y/N] ",
           image_paths(a).kernel.c_str(), lp.cpus.size());
    fflush(stdout);
    std::string answer;
    if (!std::getline(std::cin, answer) || (answer != "y" && answer != "Y" && answer != "yes"))
        return Error("not confirmed: nothing changed");
    return std::nullopt;
}

// The digests load will check, checked now (dry run: nothing read twice changes anything).
Failure images_vouched(const Args& a)
{
    const ImagePaths p = image_paths(a);
    for (const std::string& f : {p.trampoline, p.kernel, p.initrd}) {
        auto data = read_bytes(f);
        if (!data)
            return data.error;
        if (auto d = vouched_digest(a, f, *data.value); !d)
            return d.error;
    }
    return std::nullopt;
}

// B's heartbeat, then the operator's check, until --ready-timeout.  B dying meanwhile ends it.
Failure wait_ready(const Args& a, const Device& dev, const ReadyCheck& check, unsigned secs)
{
    const auto t0 = std::chrono::steady_clock::now();
    const auto deadline = t0 + std::chrono::seconds(secs);
    std::string last = "no probe yet";
    for (;;) {
        if (stop_requested())
            return Error("stopped by a signal while waiting for B to be ready", Exit::b_failed);
        baton_status st;
        if (dev.status(st) != 0 || st.ledger.state != BATON_STATE_B_RUNNING)
            return Error("B stopped running while baton waited for it to be ready",
                         Exit::b_failed);
        auto failed = probe_ready(check);
        const double s =
            std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
        if (!failed) {
            if (a.json) {
                Json j;
                j.obj().kv("event", "ready").kv("check", check.text()).kv("seconds", s).end();
                printf("%s\n", j.str().c_str());
            } else {
                printf("upgrade: B is ready (%s) %.2f s after its heartbeat\n",
                       check.text().c_str(), s);
            }
            fflush(stdout);
            return std::nullopt;
        }
        last = failed->what;
        if (std::chrono::steady_clock::now() >= deadline)
            return Error("B was not ready within " + std::to_string(secs) + " s (" +
                             check.text() + ": " + last + ")",
                         Exit::b_failed);
        std::this_thread::sleep_for(std::chrono::milliseconds(200));
    }
}

}  // namespace

int cmd_upgrade(const Args& a)
{
    auto check = parse_ready_check(a.get("ready"));
    if (!check)
        return refuse(check.error, a.json);
    const auto ready_secs = number_option(a, "ready-timeout", 120, 1, 3600);
    if (!ready_secs)
        return refuse(ready_secs.error, a.json);
    for (const char* k : {"timeout", "timeout-ms"})
        if (auto n = number_option(a, k, 1, 1, std::string(k) == "timeout" ? 3600 : 600000); !n)
            return refuse(n.error, a.json);
    auto session = open_session();
    if (!session)
        return refuse(session.error, a.json);
    const uint32_t state = session.value->state;
    const bool held = session.value->status.crash_slot & BATON_SLOT_HELD;
    if ((state != BATON_STATE_EMPTY && state != BATON_STATE_FAILED) || held)
        return refuse("B is " + state_name(state) + (held ? ", its image loaded" : "") +
                          ": an upgrade starts from nothing loaded (baton abort first)", a.json);

    announce(a, "plan");
    auto lp = compute_plan(a);
    if (!lp)
        return refuse(lp.error.in("upgrade stopped at plan"), a.json);
    print_plan(*lp.value, a.json);
    if (a.flag("dry-run")) {
        announce(a, "load", "check the images against their manifest");
        if (auto err = images_vouched(a))
            return refuse(err->in("upgrade stopped at load"), a.json);
        announce(a, "launch", "B's CPUs leave the running kernel, B boots in its partition");
        announce(a, "ready", check.value->text());
        auto in = handover_inputs(lp.value->text());
        if (!in)
            return refuse(in.error.in("upgrade stopped at handover"), a.json);
        // B's own CPUs leave at launch: they are not the handover's.
        std::erase_if(in->online_cpus, [&](unsigned cpu) {
            return std::any_of(lp.value->cpus.begin(), lp.value->cpus.end(),
                               [&](const PlannedCpu& c) { return c.a_cpu == cpu; });
        });
        for (const HandoverStep& s : handover_steps(*in.value))
            announce(a, "handover", s.name + " " + s.note);
        if (a.json)
            printf("{\"ok\":true,\"dry_run\":true}\n");
        else
            printf("upgrade: dry run, nothing changed\n");
        return 0;
    }
    if (!a.flag("no-verify"))
        if (auto err = images_vouched(a))
            return refuse(err->in("upgrade stopped at load"), a.json);
    if (auto no = confirmed(a, *lp.value))
        return refuse(*no, a.json);
    // From here a signal (^C, the SSH session's hangup) ends a wait in an abort.
    catch_stop_signals();
    ::mkdir("/run/baton", 0700);
    Fd lock(::open(kUpgradeLock, O_RDWR | O_CREAT | O_CLOEXEC, 0600));
    if (lock.get() < 0 || ::flock(lock.get(), LOCK_EX | LOCK_NB) != 0)
        return refuse("an upgrade is already running", a.json);
    if (auto err = save_state(*lp.value))
        return refuse(*err, a.json);

    // load: it undoes itself when it fails.  Its --append is the upgrade's --cmdline.
    announce(a, "load");
    Args load_args = a;
    if (a.has("cmdline"))
        load_args.opts["append"] = a.get("cmdline");
    {
        RefusalCapture quiet;
        if (int rc = cmd_load(load_args)) {
            const Error why = quiet.last("load failed");
            if (Exit(rc) == Exit::partway)  // load could not undo itself: abort does
                return give_up(a, "load", Exit::partway, why.what);
            return refuse(why.in("upgrade stopped at load").as(Exit(rc)), a.json);
        }
    }

    announce(a, "launch");
    Failure launch_failed;
    {
        RefusalCapture quiet;
        if (cmd_launch(a) != 0)
            launch_failed = quiet.last("B did not come up");
    }
    if (launch_failed)
        return give_up(a, "launch", Exit::b_failed, launch_failed->what);

    announce(a, "ready", check.value->text());
    if (auto err = wait_ready(a, session.value->dev, *check.value, unsigned(*ready_secs.value)))
        return give_up(a, "ready", err->exit, err->what);

    // The handover returns only when it stopped before A did.
    announce(a, "handover");
    Error stopped;
    {
        RefusalCapture quiet;
        cmd_handover(a);
        stopped = quiet.last("the handover returned");
    }
    // abort returns the CPUs and memory B took; a PCI function B took (a NIC, the
    // handover's first steps) stays fenced from A's drivers: say so, not "as it was".
    return give_up(a, "handover", Exit::b_failed, stopped.what,
                   "CPUs and memory are back in A; a PCI function B had taken stays off A's "
                   "drivers (baton status lists it)");
}

}  // namespace baton::cli
