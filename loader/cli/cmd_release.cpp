// SPDX-License-Identifier: GPL-2.0
// `baton release` (one resource to B) and `baton handover` (all of them, then A stops).
#include <sys/file.h>
#include <sys/stat.h>
#include <fcntl.h>
#include <termios.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>

#include "cli.h"
#include "errors.h"
#include "json.h"

namespace baton::cli {

namespace {

// --timeout-ms of release and handover: how long B has to take a request (default 5 s).
Expected<unsigned long> timeout_ms(const Args& a)
{
    return number_option(a, "timeout-ms", 5000, 1, 600000);
}

// The handover stopped at a step: what moved stays with B, the rest with A.
Error stopped_at(const std::string& step, const std::string& why)
{
    return Error("handover stopped at " + step + ": " + why, Exit::partway,
                 "what moved before is B's, the rest is A's: baton abort returns it all to A");
}

// A PCI function is fenced (driver_override) so nothing in A binds it again, baton.ko unbinds
// A's driver and B adopts it.  If B does not, it goes back to A's driver.  0 or an errno.
int release_pci(const Device& dev, const PciFunction& f, const baton_release_args& r,
                std::string* back)
{
    if (auto e = pci_fence_for_b(f)) {
        *back = " (" + e->what + ")";
        return EBUSY;
    }
    const ExpeditedRcu fast_teardown;
    const int err = dev.release(r);
    if (err && err != EIO)
        if (auto e = pci_give_back(f))
            *back = " (but: " + e->what + ")";
    return err;
}

}  // namespace

// The handover's step command: one resource from A to B, acknowledged by B.
int cmd_release(const Args& a)
{
    const std::string what = a.pos[0];
    const std::string id = a.pos[1];
    baton_release_args r{};
    char* end = nullptr;
    const unsigned long n = strtoul(id.c_str(), &end, 0);
    if (what == "cpu") {
        if (id.empty() || *end || n > 4095)
            return refuse(Error("release cpu: '" + id + "' is not a CPU number", Exit::usage),
                          a.json);
        r.resource = BATON_RES_CPU;
        r.arg = n;
    } else if (what == "mem") {
        // BASE+SIZE, e.g. 0x8000000+128M: whole memory blocks of A's RAM.
        const size_t plus = id.find('+');
        const std::string bad = "release mem: '" + id + "' is not BASE+SIZE (e.g. 0x8000000+128M)";
        if (plus == std::string::npos)
            return refuse(Error(bad, Exit::usage), a.json);
        auto base = parse_size(Str(id.data(), plus));
        auto size = parse_size(Str(id.data() + plus + 1, id.size() - plus - 1));
        if (!base.ok() || !size.ok() || size.value() == 0)
            return refuse(Error(bad, Exit::usage), a.json);
        r.resource = BATON_RES_MEM;
        r.arg = base.value();
        r.size = size.value();
    } else if (what == "pci") {
        auto bdf = parse_bdf(Str(id.data(), id.size()));
        if (!bdf.ok())
            return refuse(Error("release pci: '" + id + "' is not a PCI address BB:DD.F",
                                Exit::usage), a.json);
        r.resource = BATON_RES_PCI;
        r.arg = bdf.value();
    } else if (what == "irq") {
        if (id.empty() || *end || n > 255)
            return refuse(Error("release irq: '" + id + "' is not an IOAPIC pin's GSI (0-255)",
                                Exit::usage), a.json);
        r.resource = BATON_RES_IRQ;
        r.arg = n;
    } else {
        return refuse(Error("release: unknown resource '" + what +
                                "' (baton release cpu N | mem BASE+SIZE | pci BB:DD.F | irq GSI)",
                            Exit::usage), a.json);
    }
    const auto t = timeout_ms(a);
    if (!t)
        return refuse(t.error, a.json);
    r.timeout_ms = uint32_t(*t.value);

    auto session = open_session();
    if (!session)
        return refuse(session.error, a.json);
    Session& ses = *session.value;
    if (ses.state != BATON_STATE_B_RUNNING)
        return refuse("B is " + state_name(ses.state) + ", not running: nothing to release to",
                      a.json);
    const std::string name = what + " " + id;
    std::string back;
    std::optional<PciFunction> pci;
    if (r.resource == BATON_RES_PCI) {
        auto f = pci_function(uint32_t(r.arg));
        if (!f)
            return refuse("release " + name + ": " + f.error.what, a.json);
        if ((f.value->pci_class >> 16) == 0x06)
            return refuse("release " + name + ": a bridge stays with the machine", a.json);
        pci = *f.value;
    }
    const auto t0 = std::chrono::steady_clock::now();
    const int err = pci ? release_pci(ses.dev, *pci, r, &back) : ses.dev.release(r);
    // Memory that came back to A (B refused it, or did not take it) is added to A offline.
    if (r.resource == BATON_RES_MEM && err && err != EIO)
        if (auto e = online_offline_memory())
            back = " (but: " + e->what + ")";
    if (err)
        return refuse("release " + name + ": " + release_error(r.resource, err, r.timeout_ms) + back,
                      a.json);
    const double ms =
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
    if (a.json) {
        Json j;
        j.obj().kv("ok", true).kv("released", name).kv("ms", ms).end();
        printf("%s\n", j.str().c_str());
    } else {
        printf("release: %s now belongs to B (%.1f ms)\n", name.c_str(), ms);
    }
    return 0;
}

namespace {

// One handover at a time: a lock file held for the whole command.
const char* const kHandoverLock = "/run/baton/handover.lock";

}  // namespace

// `baton handover`: every resource, one at a time, then A stops.
int cmd_handover(const Args& a)
{
    const auto timeout = timeout_ms(a);
    if (!timeout)
        return refuse(timeout.error, a.json);
    const uint32_t t = uint32_t(*timeout.value);
    auto session = open_session();
    if (!session)
        return refuse(session.error, a.json);
    Session& ses = *session.value;
    if (ses.state != BATON_STATE_B_RUNNING)
        return refuse("B is " + state_name(ses.state) + ", not running: launch it first", a.json);
    ::mkdir("/run/baton", 0700);
    Fd lock(::open(kHandoverLock, O_RDWR | O_CREAT | O_CLOEXEC, 0600));
    if (lock.get() < 0 || ::flock(lock.get(), LOCK_EX | LOCK_NB) != 0)
        return refuse("a handover is already running", a.json);

    // One progress line per step (a JSON object per line with --json).
    const auto t0 = std::chrono::steady_clock::now();
    auto step = [&](const std::string& what, const std::string& result, double ms) {
        if (a.json) {
            Json j;
            j.obj().kv("step", what).kv("result", result).kv("ms", ms).end();
            printf("%s\n", j.str().c_str());
        } else {
            printf("handover: %-24s %s (%.1f ms)\n", what.c_str(), result.c_str(), ms);
        }
        fflush(stdout);
    };
    auto timed = [&](const baton_release_args& r) {
        const auto s = std::chrono::steady_clock::now();
        const int err = ses.dev.release(r);
        return std::make_pair(err, std::chrono::duration<double, std::milli>(
                                       std::chrono::steady_clock::now() - s).count());
    };

    // A's PCI functions with a driver (its NICs) first: the network moves to B while A still
    // runs everything else, so B serves A's addresses through the rest.  Bridges stay.
    auto fns = pci_functions();
    if (!fns)
        return refuse(fns.error, a.json);
    for (const PciFunction& f : *fns.value) {
        if (f.driver.empty() || (f.pci_class >> 16) == 0x06)
            continue;
        baton_release_args r{};
        r.resource = BATON_RES_PCI;
        r.arg = f.id;
        r.timeout_ms = t;
        std::string back;
        const auto s = std::chrono::steady_clock::now();
        const int err = release_pci(ses.dev, f, r, &back);
        const double ms = std::chrono::duration<double, std::milli>(
                              std::chrono::steady_clock::now() - s).count();
        if (err)
            return refuse(stopped_at("pci " + f.name.substr(5),
                                     release_error(r.resource, err, t) + back), a.json);
        step("pci " + f.name.substr(5), "-> B (was " + f.driver + " in A)", ms);
    }

    // A's CPUs other than 0, highest first.  The machine's BSP, which no INIT may reach,
    // goes with the last step (in A it is CPU 0; in a kernel baton launched, any).
    int bsp = 0;
    if (auto st = read_file("/sys/kernel/baton/status"))
        if (auto h = parse_host_status(*st.value))
            bsp = h->bsp_cpu;
    const long ncpu = sysconf(_SC_NPROCESSORS_CONF);
    for (long cpu = ncpu - 1; cpu > 0; cpu--) {
        if (!cpu_online(unsigned(cpu)) || cpu == bsp)
            continue;
        baton_release_args r{};
        r.resource = BATON_RES_CPU;
        r.arg = uint64_t(cpu);
        r.timeout_ms = t;
        auto [err, ms] = timed(r);
        if (err)
            return refuse(stopped_at("cpu " + std::to_string(cpu),
                                     release_error(r.resource, err, t)), a.json);
        step("cpu " + std::to_string(cpu), "-> B", ms);
    }

    // The plan's hot memory, one movable block at a time.
    auto saved = load_state();
    if (!saved)
        return refuse("no plan: run baton plan first", a.json);
    auto plan = parse_plan(Str(saved->plan_text.data(), saved->plan_text.size()));
    if (!plan.ok())
        return refuse(std::string("saved plan: ") + plan.error().msg.c_str(), a.json);
    auto blocks = memory_blocks();
    if (!blocks)
        return refuse(blocks.error, a.json);
    for (const MemoryBlock& b : *blocks.value) {
        const PhysRange br(PhysAddr(b.base), b.size);
        bool hot = false;
        for (size_t i = 0; i < plan.value().nhot; i++)
            hot = hot || plan.value().hot[i].contains(br);
        if (!hot)
            continue;
        const std::string name = "mem " + hex(b.base) + "+" + std::to_string(b.size >> 20) + "M";
        if (b.state != "online") {
            // Nothing of A's is there: B hot-adds it when A has stopped, like the others.
            step(name, "stays with A until it stops (offline)", 0);
            continue;
        }
        if (b.valid_zones != "Movable") {
            // A's kernel allocates there: B hot-adds the block when A has stopped.
            step(name, "stays with A until it stops (not movable)", 0);
            continue;
        }
        baton_release_args r{};
        r.resource = BATON_RES_MEM;
        r.arg = b.base;
        r.size = b.size;
        r.timeout_ms = t;
        auto [err, ms] = timed(r);
        if (err == EADDRINUSE) {
            // Pages that will not move: B hot-adds the block when A has stopped.
            step(name, "stays with A until it stops", ms);
            continue;
        }
        if (err) {
            std::string back;
            if (auto e = online_offline_memory())
                back = " (but: " + e->what + ")";
            return refuse(stopped_at(name, release_error(r.resource, err, t) + back), a.json);
        }
        step(name, "-> B", ms);
    }

    // A's legacy UARTs (its console) go with its last step; B's own is not A's to give.
    uint32_t uarts = 0;
    if (auto serial = read_file("/proc/tty/driver/serial"))
        uarts = legacy_uarts(*serial.value);
    uarts &= ~baton_uart_bit(plan.value().console_port);
    const double so_far =
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
    step("cpu 0", "A stops now, B adopts it", so_far);
    // The step line must leave the UART before A gives the UART away.
    tcdrain(STDOUT_FILENO);
    const int err = ses.dev.hand_over(uarts);
    return refuse(stopped_at("cpu 0", "A could not stop: " + hand_over_error(err)), a.json);
}

}  // namespace baton::cli
