// SPDX-License-Identifier: GPL-2.0
// `baton handover`: every resource, one at a time, each adopted by B before the next, then A
// stops (handover_steps.cpp has their order).
#include <sys/file.h>
#include <sys/stat.h>
#include <fcntl.h>
#include <termios.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>

#include "cli.h"
#include "errors.h"
#include "handover_steps.h"
#include "json.h"

namespace baton::cli {

namespace {

// The handover stopped at a step: what moved stays with B, the rest with A.
Error stopped_at(const std::string& step, const std::string& why)
{
    return Error("handover stopped at " + step + ": " + why, Exit::partway,
                 "what moved before is B's, the rest is A's: baton abort returns the CPUs "
                 "and memory to A (not a PCI function B took)");
}

// One handover at a time: a lock file held for the whole command.
const char* const kHandoverLock = "/run/baton/handover.lock";

}  // namespace

// What `baton handover` starts from: this kernel's PCI functions, CPUs, memory blocks, the
// plan's hot ranges and its UARTs.
Expected<HandoverInputs> handover_inputs(const std::string& plan_text)
{
    HandoverInputs in;
    auto fns = pci_functions();
    if (!fns)
        return fns.error;
    for (const PciFunction& f : *fns.value)
        in.pci.push_back({f.id, f.name, f.driver, f.pci_class});
    const long ncpu = sysconf(_SC_NPROCESSORS_CONF);
    for (long cpu = 0; cpu < ncpu; cpu++)
        if (cpu_online(unsigned(cpu)))
            in.online_cpus.push_back(unsigned(cpu));
    if (auto st = read_file("/sys/kernel/baton/status"))
        if (auto h = parse_host_status(*st.value))
            in.bsp = unsigned(h->bsp_cpu);
    auto plan = parse_plan(Str(plan_text.data(), plan_text.size()));
    if (!plan.ok())
        return Error(std::string("saved plan: ") + plan.error().msg.c_str());
    for (size_t i = 0; i < plan.value().nhot; i++)
        in.hot.push_back(plan.value().hot[i]);
    auto blocks = memory_blocks();
    if (!blocks)
        return blocks.error;
    for (const MemoryBlock& b : *blocks.value)
        in.blocks.push_back({b.base, b.size, b.state, b.valid_zones});
    // A's legacy UARTs (its console) go with its last step; B's own is not A's to give.
    if (auto serial = read_file("/proc/tty/driver/serial"))
        in.uarts = legacy_uarts(*serial.value);
    in.uarts &= ~baton_uart_bit(plan.value().console_port);
    return in;
}

// `baton handover`: every resource, one at a time, then A stops.
int cmd_handover(const Args& a)
{
    const auto timeout = release_timeout_ms(a);
    if (!timeout)
        return refuse(timeout.error, a.json);
    const uint32_t t = uint32_t(*timeout.value);
    auto session = open_session();
    if (!session)
        return refuse(session.error, a.json);
    Session& ses = *session.value;
    if (ses.state != BATON_STATE_B_RUNNING && !a.flag("dry-run"))
        return refuse("B is " + state_name(ses.state) + ", not running: launch it first", a.json);
    auto saved = load_state();
    if (!saved)
        return refuse(saved.error, a.json);
    auto inputs = handover_inputs(saved->plan_text);
    if (!inputs)
        return refuse(inputs.error, a.json);
    const std::vector<HandoverStep> steps = handover_steps(*inputs.value);

    // One progress line per step (a JSON object per line with --json).
    const auto t0 = std::chrono::steady_clock::now();
    auto report = [&](const HandoverStep& s, const std::string& result, double ms) {
        if (a.json) {
            Json j;
            j.obj().kv("step", s.name).kv("result", result);
            if (a.flag("dry-run"))
                j.kv("dry_run", true);
            else
                j.kv("ms", ms);
            j.end();
            printf("%s\n", j.str().c_str());
        } else if (a.flag("dry-run")) {
            printf("handover: %-24s %s\n", s.name.c_str(), result.c_str());
        } else {
            printf("handover: %-24s %s (%.1f ms)\n", s.name.c_str(), result.c_str(), ms);
        }
        fflush(stdout);
    };
    if (a.flag("dry-run")) {
        for (const HandoverStep& s : steps)
            report(s, s.note, 0);
        if (!a.json)
            printf("handover: dry run, nothing changed\n");
        return 0;
    }
    ::mkdir("/run/baton", 0700);
    Fd lock(::open(kHandoverLock, O_RDWR | O_CREAT | O_CLOEXEC, 0600));
    if (lock.get() < 0 || ::flock(lock.get(), LOCK_EX | LOCK_NB) != 0)
        return refuse("a handover is already running", a.json);

    for (const HandoverStep& s : steps) {
        const auto s0 = std::chrono::steady_clock::now();
        auto since = [](std::chrono::steady_clock::time_point from) {
            return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() -
                                                             from).count();
        };
        baton_release_args r{};
        r.timeout_ms = t;
        switch (s.kind) {
        case HandoverStep::Kind::pci: {
            auto f = pci_function(s.pci_id);
            if (!f)
                return refuse(stopped_at(s.name, f.error.what), a.json);
            r.resource = BATON_RES_PCI;
            r.arg = s.pci_id;
            std::string back;
            if (int err = release_pci(ses.dev, *f.value, r, &back))
                return refuse(stopped_at(s.name, release_error(r.resource, err, t) + back),
                              a.json);
            report(s, s.note, since(s0));
            break;
        }
        case HandoverStep::Kind::cpu:
            r.resource = BATON_RES_CPU;
            r.arg = s.cpu;
            if (int err = ses.dev.release(r))
                return refuse(stopped_at(s.name, release_error(r.resource, err, t)), a.json);
            report(s, s.note, since(s0));
            break;
        case HandoverStep::Kind::mem: {
            if (!s.moves_now) {
                report(s, s.note, 0);
                break;
            }
            r.resource = BATON_RES_MEM;
            r.arg = s.base;
            r.size = s.size;
            const int err = ses.dev.release(r);
            if (err == EADDRINUSE) {
                // Pages that will not move: B hot-adds the block when A has stopped.
                report(s, "stays with A until it stops", since(s0));
                break;
            }
            if (err) {
                std::string back;
                if (auto e = online_offline_memory())
                    back = " (but: " + e->what + ")";
                return refuse(stopped_at(s.name, release_error(r.resource, err, t) + back),
                              a.json);
            }
            report(s, s.note, since(s0));
            break;
        }
        case HandoverStep::Kind::stop: {
            report(s, s.note, since(t0));
            // The step line must leave the UART before A gives the UART away.
            tcdrain(STDOUT_FILENO);
            const int err = ses.dev.hand_over(inputs.value->uarts);
            return refuse(stopped_at(s.name, "A could not stop: " + hand_over_error(err)),
                          a.json);
        }
        }
    }
    return refuse("the handover has no last step", a.json);
}

}  // namespace baton::cli
