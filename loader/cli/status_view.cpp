// SPDX-License-Identifier: GPL-2.0
// `baton status`'s view of a status: lines for an operator, one JSON object for a script.
#include "status_view.h"

#include <algorithm>
#include <cstdio>
#include <cstring>

#include "json.h"

namespace baton::cli {

namespace {


// B beats every 100 ms from late boot on (about 1-3 s under TCG); no beat within this long
// after launch means B died on the way.
const int64_t kHeartbeatDeadlineMs = 20000;

// Whose image A would kexec on a panic, and whether anything else may replace it.
std::string crash_slot_text(const baton_status& s)
{
    const bool held = s.crash_slot & BATON_SLOT_HELD, loaded = s.crash_slot & BATON_SLOT_LOADED;
    const std::string refused = std::to_string(s.crash_refusals) + " other crash kexec call(s) "
                                "refused so far";
    if (held)
        return std::string("held by baton, guard armed (other kexec crash loads, unloads and "
                           "kexec_crash_size writes are refused); ") +
               (loaded ? (s.crash_slot & BATON_SLOT_INTACT ? "B's image is intact"
                                                            : "B's image is loaded")
                       : "no image yet") + "; " + refused;
    return loaded ? "a crash kernel that is not baton's is loaded (kdump?); " + refused
                  : "free; " + refused;
}

// Who owns a ledger slot's CPU: B from the moment it runs B's code, "limbo" in between.
std::string cpu_owner(const baton_cpu_slot& c, bool guard)
{
    if (!guard)
        return "A";
    switch (c.state) {
    case BATON_CPU_B_BOOT:
    case BATON_CPU_B_ONLINE:
        return "B";
    case BATON_CPU_LIMBO:
        return "limbo";
    case BATON_CPU_SIPI_SENT:
        return "moving";
    }
    return "B (reserved)";
}

std::string mem_owner(const baton_mem_slot& m, bool guard)
{
    if (!guard)
        return "A";
    return m.state == BATON_MEM_B_ONLINE ? "B" : "moving";
}

// A device or pin the handover moved (PCI functions, IOAPIC pins, UARTs), as the timeline
// tells: its last event names the owner.
struct MovedThing {
    uint32_t resource;
    uint64_t arg;
    std::string owner;  // B, A (returned), moving (released, not adopted yet)
};

std::string thing_name(uint32_t resource, uint64_t arg)
{
    if (resource == BATON_RES_PCI)
        return pci_bdf(uint32_t(arg));
    if (resource == BATON_RES_UART)
        return hex(arg);
    return std::to_string(arg);
}

std::vector<MovedThing> moved_things(const baton_ledger& l, uint32_t nevents)
{
    std::vector<MovedThing> out;
    for (uint32_t i = 0; i < nevents; i++) {
        const baton_event& e = l.events[i];
        if (!e.tsc || (e.resource != BATON_RES_PCI && e.resource != BATON_RES_IRQ &&
                       e.resource != BATON_RES_UART))
            continue;
        auto it = std::find_if(out.begin(), out.end(), [&](const MovedThing& t) {
            return t.resource == e.resource && t.arg == e.arg;
        });
        if (it == out.end())
            it = out.insert(out.end(), {e.resource, e.arg, "A"});
        if (e.kind == BATON_EV_ADOPT)
            it->owner = "B";
        else if (e.kind == BATON_EV_RETURN)
            it->owner = "A";
        else if (e.kind == BATON_EV_RELEASE)
            it->owner = "moving";
    }
    return out;
}

// printf into a string: the view is text, the caller prints it.
template <typename... T>
void add(std::string& out, const char* fmt, T... args)
{
    char buf[512];
    snprintf(buf, sizeof(buf), fmt, args...);
    out += buf;
}

}  // namespace

// The ledger as a file (B's /sys/kernel/baton/ledger, or a saved copy): what `status` shows
// when A's module is not there to ask, e.g. in B after the handover.
Expected<baton_status> status_from_ledger(std::span<const uint8_t> bytes, const std::string& path)
{
    baton_status st{};
    if (bytes.size() < sizeof(st.ledger))
        return Error(path + ": " + std::to_string(bytes.size()) + " bytes, not a ledger of ABI " +
                     std::to_string(BATON_ABI_VERSION));
    memcpy(&st.ledger, bytes.data(), sizeof(st.ledger));
    if (st.ledger.magic != BATON_LEDGER_MAGIC || st.ledger.version != BATON_ABI_VERSION)
        return Error(path + ": not a ledger of ABI " + std::to_string(BATON_ABI_VERSION));
    st.tsc_khz = st.ledger.tsc_khz;
    st.guard = st.ledger.state >= BATON_STATE_LAUNCHED && st.ledger.state != BATON_STATE_FAILED;
    st.heartbeat_age_ms = -1;
    st.since_launch_ms = -1;
    return st;
}


namespace {

// What both renderings start from.
struct Seen {
    const baton_status& s;
    const baton_ledger& l;
    uint32_t state;
    bool file, valid;
    std::string health, message;
    uint32_t ncpus, nevents, nmem;
    const StatusView& v;

    explicit Seen(const StatusView& view)
        : s(*view.status), l(view.status->ledger), state(view.state),
          file(!view.ledger_file.empty()), valid(view.state != BATON_STATE_EMPTY), v(view)
    {
        // B is alive while its heartbeat moves; dead when it stopped, or never started in time.
        health = "-";
        if (file) {
            health = "(from " + view.ledger_file + ")";
        } else if (state == BATON_STATE_B_RUNNING || state == BATON_STATE_B_BOOTING ||
                   state == BATON_STATE_LAUNCHED) {
            if (s.heartbeat_age_ms >= 0)
                health = s.heartbeat_age_ms < 1000 ? "alive" : "dead (heartbeat stopped)";
            else
                health = s.since_launch_ms > kHeartbeatDeadlineMs
                             ? "dead (no heartbeat since launch)" : "starting";
        }
        message.assign(l.message, strnlen(l.message, sizeof(l.message)));
        ncpus = valid ? std::min(l.ncpus, BATON_MAX_CPUS) : 0;
        nevents = valid ? std::min(l.nevents, BATON_MAX_EVENTS) : 0;
        nmem = valid ? std::min(l.nmem, BATON_MAX_MEM) : 0;
    }
    int a_cpu_of(const baton_cpu_slot& c) const
    {
        if (c.a_cpu)
            return int(c.a_cpu) - 1;
        for (const PlannedCpu& p : v.planned)
            if (p.apic_id == c.apic_id)
                return int(p.a_cpu);
        return -1;
    }
    // Timeline times: ms since the trampoline started (same TSC in both kernels).
    double ms_of(uint64_t tsc) const
    {
        return s.tsc_khz && l.launch_tsc && tsc >= l.launch_tsc
                   ? double(tsc - l.launch_tsc) / s.tsc_khz : 0.0;
    }
};

}  // namespace

std::string status_json(const StatusView& v)
{
    const Seen z(v);
    const baton_status& s = z.s;
    const baton_ledger& l = z.l;
    Json j;
    j.obj().kv("ok", true).kv("state", baton_state_name(z.state)).kv("b", z.health)
        .kv("heartbeat", z.valid ? l.b_heartbeat : 0).kv("heartbeat_age_ms", s.heartbeat_age_ms)
        .kv("since_launch_ms", s.since_launch_ms).kv("guard", s.guard != 0)
        .kv("doorbells", s.doorbells).kv("tsc_khz", s.tsc_khz);
    if (!z.file) {
        j.key("crash_slot").obj().kv("held", (s.crash_slot & BATON_SLOT_HELD) != 0)
            .kv("guard_armed", (s.crash_slot & BATON_SLOT_HELD) != 0)
            .kv("loaded", (s.crash_slot & BATON_SLOT_LOADED) != 0)
            .kv("intact", (s.crash_slot & BATON_SLOT_INTACT) != 0)
            .kv("refused", s.crash_refusals).end();
    }
    if (z.state == BATON_STATE_FAILED)
        j.kv("failure", z.message);
    if (!z.file)
        j.kv("failover_armed", v.failover_armed);
    if (z.valid) {
        j.kv("a_fate", baton_a_fate_name(l.a_fate));
        j.key("partition").obj().kv("base", hex(l.partition_base))
            .kv("size", hex(l.partition_size)).end();
        j.key("cpus").arr();
        for (uint32_t i = 0; i < z.ncpus; i++)
            j.obj().kv("apic_id", l.cpus[i].apic_id).kv("a_cpu", z.a_cpu_of(l.cpus[i]))
                .kv("released_by_a", l.cpus[i].a_cpu != 0)
                .kv("state", baton_cpu_state_name(l.cpus[i].state))
                .kv("owner", cpu_owner(l.cpus[i], s.guard)).end();
        j.end();
        j.key("mem").arr();
        for (uint32_t i = 0; i < z.nmem; i++)
            if (l.mem[i].state != BATON_MEM_EMPTY)
                j.obj().kv("base", hex(l.mem[i].base)).kv("size", hex(l.mem[i].size))
                    .kv("owner", mem_owner(l.mem[i], s.guard)).end();
        j.end();
        j.key("devices").arr();
        for (const MovedThing& t : moved_things(l, z.nevents))
            j.obj().kv("resource", baton_resource_name(t.resource))
                .kv("id", thing_name(t.resource, t.arg)).kv("owner", t.owner).end();
        j.end();
        j.kv("launch_tsc", l.launch_tsc);
        j.key("timeline").arr();
        for (uint32_t i = 0; i < z.nevents; i++) {
            const baton_event& e = l.events[i];
            if (!e.tsc)
                continue;
            j.obj().kv("tsc", e.tsc).kv("ms", z.ms_of(e.tsc))
                .kv("event", baton_event_name(e.kind))
                .kv("resource", baton_resource_name(e.resource)).kv("arg", e.arg)
                .kv("size", e.size).end();
        }
        j.end();
        j.kv("timeline_dropped", l.nevents > BATON_MAX_EVENTS ? l.nevents - BATON_MAX_EVENTS : 0);
    }
    j.end();
    return j.str();
}

std::string status_text(const StatusView& v)
{
    const Seen z(v);
    const baton_status& s = z.s;
    const baton_ledger& l = z.l;
    std::string out;
    add(out, "state       %s\n", baton_state_name(z.state));
    if (z.state == BATON_STATE_FAILED)
        add(out, "failure     %s\n", z.message.c_str());
    if (!z.file)
        out += "crash slot  " + crash_slot_text(s) + "\n";
    if (!z.file && s.guard)
        add(out, "failover    %s\n", v.failover_armed
                                         ? "armed: if A dies, B takes the machine"
                                         : "off: A's panic would not reach baton "
                                           "(crash_kexec_post_notifiers is N)");
    if (!z.valid)
        return out;
    if (l.a_fate != BATON_A_ALIVE)
        add(out, "A           %s\n", baton_a_fate_name(l.a_fate));
    add(out, "B           %s, heartbeat %llu, age %lld ms, %llu doorbell(s) to A\n",
        z.health.c_str(), static_cast<unsigned long long>(l.b_heartbeat),
        static_cast<long long>(s.heartbeat_age_ms), static_cast<unsigned long long>(s.doorbells));
    add(out, "partition   %s-%s (owner B%s)\n", hex(l.partition_base).c_str(),
        hex(l.partition_base + l.partition_size - 1).c_str(),
        z.state >= BATON_STATE_LAUNCHED ? "" : ", loaded, not started");
    add(out, "guard       %s\n", s.guard ? "on (A cannot online B's CPUs)" : "off");
    for (uint32_t i = 0; i < z.ncpus; i++) {
        const int ac = z.a_cpu_of(l.cpus[i]);
        add(out, "cpu         %s (APIC ID %u): %s%s\n",
            ac >= 0 ? ("cpu" + std::to_string(ac)).c_str() : "?", l.cpus[i].apic_id,
            cpu_owner(l.cpus[i], s.guard).c_str(), l.cpus[i].a_cpu ? ", released by A" : "");
    }
    for (uint32_t i = 0; i < z.nmem; i++)
        if (l.mem[i].state != BATON_MEM_EMPTY)
            add(out, "mem         %s-%s (%llu MiB): %s\n", hex(l.mem[i].base).c_str(),
                hex(l.mem[i].base + l.mem[i].size - 1).c_str(),
                static_cast<unsigned long long>(l.mem[i].size >> 20),
                mem_owner(l.mem[i], s.guard).c_str());
    for (const MovedThing& t : moved_things(l, z.nevents))
        add(out, "%-11s %s: %s\n", baton_resource_name(t.resource),
            thing_name(t.resource, t.arg).c_str(), t.owner.c_str());
    for (uint32_t i = 0; i < z.nevents; i++) {
        const baton_event& e = l.events[i];
        if (e.tsc)
            add(out, "timeline    %10.3f ms  %-7s %s %s\n", z.ms_of(e.tsc),
                baton_event_name(e.kind), baton_resource_name(e.resource),
                e.resource == BATON_RES_MEM
                    ? (hex(e.arg) + "+" + std::to_string(e.size >> 20) + "M").c_str()
                    : thing_name(e.resource, e.arg).c_str());
    }
    return out;
}

}  // namespace baton::cli
