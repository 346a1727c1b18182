// SPDX-License-Identifier: GPL-2.0
// `baton launch`: B's CPUs offline in A, A's panic order set, B's console lent, the trampoline
// started, and B's heartbeat awaited.  A refusal or a failure gives all of it back.
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
    // Everything that can be refused is, before anything changes.
    const auto timeout = number_option(a, "timeout", 120, 1, 3600);
    if (!timeout)
        return refuse(timeout.error, a.json);
    auto plan = parse_plan(Str(saved->plan_text.data(), saved->plan_text.size()));
    if (!plan.ok())
        return refuse(std::string("saved plan: ") + plan.error().msg.c_str(), a.json);
    if (auto err = panic_runs_notifiers_first())
        return refuse(err->what + ": launch refused, nothing changed", a.json);
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
            return_cpus_to_a(offlined);
            unlend_console();
            panic_order_restore();
            return refuse(*err, a.json);
        }
        offlined.push_back(c);
        if (!a.json)
            printf("launch: cpu%u (APIC ID %u) offline in A\n", c.a_cpu, c.apic_id);
    }
    if (int err = ses.dev.launch()) {
        return_cpus_to_a(offlined);
        unlend_console();
        panic_order_restore();
        return refuse(launch_error(err), a.json);
    }
    if (!a.json)
        printf("launch: INIT-SIPI sent to APIC ID %u; waiting for B\n", saved->cpus[0].apic_id);

    // From here B is launched: what ends the wait early leaves it so (partway), but for the
    // trampoline's refusal, after which everything goes back.
    const std::string stays = "B's CPUs stay offline in A: see baton status, baton abort";
    uint32_t last = BATON_STATE_LAUNCHED;
    for (;;) {
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
        baton_status st;
        if (int err = ses.dev.status(st))
            return refuse(Error(status_error(err), Exit::partway, stays), a.json);
        if (stop_requested())
            return refuse(Error("stopped by a signal while B was starting", Exit::partway, stays),
                          a.json);
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
            std::string back = return_cpus_to_a(saved->cpus);
            unlend_console();
            panic_order_restore();
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
                                Exit::partway, stays),
                          a.json);
    }
}

}  // namespace baton::cli
