// SPDX-License-Identifier: GPL-2.0
// `baton`: runs in kernel A and splits off kernel B.
//   baton plan | load | launch | release | handover | status | abort | unload
//   (each with --help and --json)
#include <sys/file.h>
#include <sys/stat.h>
#include <fcntl.h>
#include <termios.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "json.h"
#include "lib/sha256.h"
#include "lib/zero_page.h"
#include "planner.h"
#include "sys.h"

namespace baton::cli {

namespace {

const char* const kStateFile = "/run/baton/state";
const char* const kDefaultDir = "/usr/lib/baton";
// B beats every 100 ms from late boot on (about 1-3 s under TCG); no beat within this long
// after launch means B died on the way.
const int64_t kHeartbeatDeadlineMs = 20000;

struct Args {
    std::string command;
    std::map<std::string, std::string> opts;  // --key value / --flag
    std::vector<std::string> pos;              // positional words after the command
    bool json = false;
    bool help = false;
};

// One line on stderr, exit status 1: every refusal goes through here.
int refuse(const std::string& why, bool json)
{
    if (json) {
        Json j;
        j.obj().kv("ok", false).kv("error", why).end();
        printf("%s\n", j.str().c_str());
    }
    fprintf(stderr, "baton: %s\n", why.c_str());
    return 1;
}

std::string opt(const Args& a, const std::string& k, const std::string& def = "")
{
    auto it = a.opts.find(k);
    return it == a.opts.end() ? def : it->second;
}

std::string state_name(uint32_t s) { return baton_state_name(s); }

// The saved plan: what `plan` decided, for `load`, `launch` and `abort`.
struct SavedState {
    std::string plan_text;
    std::vector<PlannedCpu> cpus;
};

std::optional<std::string> save_state(const LaunchPlan& lp)
{
    ::mkdir("/run", 0755);
    ::mkdir("/run/baton", 0700);
    std::ofstream f(kStateFile);
    f << "plan " << lp.text() << "\n";
    for (const PlannedCpu& c : lp.cpus)
        f << "cpu " << c.a_cpu << " " << c.apic_id << "\n";
    if (!f)
        return std::string(kStateFile) + ": cannot write";
    return std::nullopt;
}

std::optional<SavedState> load_state()
{
    std::ifstream f(kStateFile);
    if (!f)
        return std::nullopt;
    SavedState s;
    std::string line;
    while (std::getline(f, line)) {
        if (line.rfind("plan ", 0) == 0)
            s.plan_text = line.substr(5);
        else if (line.rfind("cpu ", 0) == 0) {
            PlannedCpu c{};
            if (sscanf(line.c_str(), "cpu %u %u", &c.a_cpu, &c.apic_id) == 2)
                s.cpus.push_back(c);
        }
    }
    if (s.plan_text.empty() || s.cpus.empty())
        return std::nullopt;
    return s;
}

std::vector<unsigned> parse_cpu_list(const std::string& s, std::string& err)
{
    std::vector<unsigned> out;
    std::stringstream ss(s);
    std::string item;
    while (std::getline(ss, item, ',')) {
        char* end = nullptr;
        unsigned long v = strtoul(item.c_str(), &end, 10);
        if (item.empty() || *end || v > 4095) {
            err = "--cpus: '" + item + "' is not a CPU number";
            return {};
        }
        out.push_back(unsigned(v));
    }
    return out;
}

Expected<std::vector<uint8_t>> read_bytes(const std::string& path)
{
    auto s = read_file(path);
    if (!s)
        return Error(s.error);
    return std::vector<uint8_t>(s.value->begin(), s.value->end());
}

std::string sha256_of(std::span<const uint8_t> data)
{
    uint8_t d[32];
    char h[65];
    sha256(data.data(), data.size(), d);
    sha256_hex(d, h);
    return h;
}

// Digests published next to B's files (sha256sum format): what the trampoline checks the
// placed segments against.  Without a manifest, the digests of the files as read now.
std::map<std::string, std::string> read_manifest(const std::string& path)
{
    std::map<std::string, std::string> m;
    std::ifstream f(path);
    std::string digest, name;
    while (f >> digest >> name) {
        if (!name.empty() && name[0] == '*')
            name.erase(0, 1);
        m[name.substr(name.rfind('/') + 1)] = digest;
    }
    return m;
}

std::string basename_of(const std::string& p) { return p.substr(p.rfind('/') + 1); }

void print_plan(const LaunchPlan& lp, bool json)
{
    if (json) {
        Json j;
        j.obj().kv("ok", true).kv("plan", lp.text());
        j.key("partition").obj().kv("base", hex(lp.plan.partition.begin()))
            .kv("size", hex(lp.plan.partition.size())).end();
        j.key("b_ram").obj().kv("base", hex(lp.plan.b_ram().begin()))
            .kv("size", hex(lp.plan.b_ram().size())).end();
        j.key("low_window").obj().kv("base", hex(lp.plan.low.begin()))
            .kv("size", hex(lp.plan.low.size())).end();
        j.key("cpus").arr();
        for (const PlannedCpu& c : lp.cpus)
            j.obj().kv("a_cpu", c.a_cpu).kv("apic_id", c.apic_id).end();
        j.end();
        j.key("uarts").arr().val(hex(lp.plan.console_port)).end();
        j.key("pci").arr();
        for (size_t i = 0; i < lp.plan.npci; i++)
            j.val(hex(lp.plan.pci[i]));
        j.end();
        j.key("e820").arr();
        for (size_t i = 0; i < lp.b_e820.count; i++) {
            const E820Entry& e = lp.b_e820.entries[i];
            const Str t = e820_type_name(e.type);
            j.obj().kv("begin", hex(e.range.begin())).kv("end", hex(e.range.end()))
                .kv("type", std::string(t.ptr, t.len)).end();
        }
        j.end().end();
        printf("%s\n", j.str().c_str());
        return;
    }
    printf("partition   %s-%s (%llu MiB), crashkernel region %s-%s\n",
           hex(lp.plan.partition.begin()).c_str(), hex(lp.plan.partition.end() - 1).c_str(),
           static_cast<unsigned long long>(lp.plan.partition.size() >> 20),
           hex(lp.crash_region.begin()).c_str(), hex(lp.crash_region.end() - 1).c_str());
    printf("B's RAM     %s-%s + low window %s-%s\n", hex(lp.plan.b_ram().begin()).c_str(),
           hex(lp.plan.b_ram().end() - 1).c_str(), hex(lp.plan.low.begin()).c_str(),
           hex(lp.plan.low.end() - 1).c_str());
    printf("B's CPUs   ");
    for (const PlannedCpu& c : lp.cpus)
        printf(" cpu%u (APIC ID %u)", c.a_cpu, c.apic_id);
    printf("; B boots on APIC ID %u\n", lp.cpus[0].apic_id);
    printf("B's UART    %s (COM2)\n", hex(lp.plan.console_port).c_str());
    printf("B's PCI     %s\n", lp.plan.npci ? "" : "none");
    for (size_t i = 0; i < lp.plan.npci; i++)
        printf("            %s\n", pci_bdf(lp.plan.pci[i]).c_str());
    printf("B's e820    %zu entries\n", lp.b_e820.count);
    for (size_t i = 0; i < lp.b_e820.count; i++) {
        const E820Entry& e = lp.b_e820.entries[i];
        const Str t = e820_type_name(e.type);
        printf("            %s-%s %.*s\n", hex(e.range.begin()).c_str(),
               hex(e.range.end() - 1).c_str(), int(t.len), t.ptr);
    }
    printf("plan        %s\n", lp.text().c_str());
}

// baton.ko and the ledger's state, which most commands start from.
struct Session {
    Device dev;
    baton_status status;
    uint32_t state;
};

Expected<Session> open_session()
{
    auto dev = Device::open();
    if (!dev)
        return Error(dev.error);
    auto st = dev.value->status();
    if (!st)
        return Error(st.error);
    const baton_ledger& l = st.value->ledger;
    const bool valid = l.magic == BATON_LEDGER_MAGIC && l.version == BATON_ABI_VERSION;
    return Session{std::move(*dev.value), *st.value, valid ? l.state : uint32_t(BATON_STATE_EMPTY)};
}

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

// ---------------------------------------------------------------------------------------
int cmd_plan(const Args& a)
{
    auto facts = read_machine_facts();
    if (!facts)
        return refuse(facts.error, a.json);
    PlanOptions o;
    if (a.opts.count("partition"))
        o.partition = opt(a, "partition");
    if (a.opts.count("cpus")) {
        std::string err;
        o.cpus = parse_cpu_list(opt(a, "cpus"), err);
        if (!err.empty())
            return refuse(err, a.json);
    }
    if (a.opts.count("pci")) {
        std::stringstream ss(opt(a, "pci"));
        std::string item;
        while (std::getline(ss, item, ','))
            o.pci.push_back(item);
    }
    const std::string dir = opt(a, "dir", kDefaultDir);
    const std::string kernel = opt(a, "kernel", dir + "/bzImage");
    const std::string initrd = opt(a, "initrd", dir + "/initramfs.cpio.gz");
    if (auto img = read_bytes(kernel)) {
        auto k = parse_bzimage(img.value->data(), img.value->size());
        if (!k.ok())
            return refuse(kernel + ": " + k.error().msg.c_str(), a.json);
        o.kernel = k.value();
        o.have_kernel = true;
        if (auto rd = read_bytes(initrd))
            o.initrd_size = rd.value->size();
    } else {
        return refuse(img.error, a.json);
    }
    auto r = make_plan(*facts.value, o);
    if (auto* err = std::get_if<std::string>(&r))
        return refuse(*err, a.json);
    const LaunchPlan& lp = std::get<LaunchPlan>(r);
    if (auto err = save_state(lp))
        return refuse(*err, a.json);
    print_plan(lp, a.json);
    return 0;
}

int cmd_load(const Args& a)
{
    auto session = open_session();
    if (!session)
        return refuse(session.error, a.json);
    Session& ses = *session.value;
    const uint32_t state = ses.state;
    if (state != BATON_STATE_EMPTY && state != BATON_STATE_FAILED)
        return refuse("B is already " + state_name(state) + ": baton unload (or abort) first", a.json);
    auto saved = load_state();
    if (!saved)
        return refuse("no plan: run baton plan first", a.json);

    const std::string dir = opt(a, "dir", kDefaultDir);
    const std::string tpath = opt(a, "trampoline", dir + "/trampoline.bin");
    const std::string kpath = opt(a, "kernel", dir + "/bzImage");
    const std::string ipath = opt(a, "initrd", dir + "/initramfs.cpio.gz");
    auto tramp = read_bytes(tpath);
    auto kernel = read_bytes(kpath);
    auto initrd = read_bytes(ipath);
    if (!tramp)
        return refuse(tramp.error, a.json);
    if (!kernel)
        return refuse(kernel.error, a.json);
    if (!initrd)
        return refuse(initrd.error, a.json);

    auto parsed = parse_plan(Str(saved->plan_text.data(), saved->plan_text.size()));
    if (!parsed.ok())
        return refuse(std::string("saved plan: ") + parsed.error().msg.c_str(), a.json);
    const Plan& plan = parsed.value();
    auto k = parse_bzimage(kernel.value->data(), kernel.value->size());
    if (!k.ok())
        return refuse(kpath + ": " + k.error().msg.c_str(), a.json);
    auto placed = place_in_partition(plan, k.value(), initrd.value->size());
    if (!placed.ok())
        return refuse(placed.error().msg.c_str(), a.json);
    const Placement& p = placed.value();

    // The trampoline image and its header.
    baton_image_header hdr{};
    if (tramp.value->size() < BATON_IMAGE_HEADER_OFFSET + sizeof(hdr))
        return refuse(tpath + ": too short for a trampoline image", a.json);
    memcpy(&hdr, tramp.value->data() + BATON_IMAGE_HEADER_OFFSET, sizeof(hdr));
    if (hdr.magic != BATON_IMAGE_MAGIC || hdr.version != BATON_ABI_VERSION)
        return refuse(tpath + ": not a baton trampoline of ABI " + std::to_string(BATON_ABI_VERSION),
                      a.json);
    if (hdr.image_size > BATON_LAUNCH_OFFSET)
        return refuse(tpath + ": image overlaps the launch block", a.json);

    // Digests: the published manifest if there is one, else the files as read now.
    auto manifest = read_manifest(opt(a, "digests", dir + "/SHA256SUMS"));
    std::string kd = manifest.count(basename_of(kpath)) ? manifest[basename_of(kpath)]
                                                         : sha256_of(*kernel.value);
    std::string id = manifest.count(basename_of(ipath)) ? manifest[basename_of(ipath)]
                                                         : sha256_of(*initrd.value);
    // A's refined TSC rate beats anything the trampoline can measure in a few ms.
    std::string plan_text = saved->plan_text + " kernel.sha256=" + kd + " initrd.sha256=" + id;
    if (ses.status.tsc_khz)
        plan_text += " tsc_khz=" + std::to_string(ses.status.tsc_khz);
    if (plan_text.size() >= BATON_PLAN_MAX)
        return refuse("plan text too long for the launch block", a.json);
    std::string cmdline = "console=ttyS1,115200 no_ipi_broadcast=1";
    if (a.opts.count("append"))
        cmdline += " " + opt(a, "append");
    if (cmdline.size() >= BATON_CMDLINE_MAX || cmdline.size() > k.value().cmdline_max)
        return refuse("B's command line is too long", a.json);

    // The resident segment: trampoline image, then the launch block at its fixed offset.
    auto facts = read_machine_facts();
    if (!facts)
        return refuse(facts.error, a.json);
    std::vector<uint8_t> resident(BATON_LAUNCH_OFFSET + sizeof(baton_launch_block), 0);
    memcpy(resident.data(), tramp.value->data(), tramp.value->size());
    auto* blk = reinterpret_cast<baton_launch_block*>(resident.data() + BATON_LAUNCH_OFFSET);
    blk->magic = BATON_LAUNCH_MAGIC;
    blk->version = BATON_ABI_VERSION;
    blk->size = sizeof(*blk);
    blk->kernel_phys = p.kernel_load.value();
    blk->kernel_size = kernel.value->size();
    blk->initrd_phys = p.initrd.begin();
    blk->initrd_size = initrd.value->size();
    if (facts.value->firmware.size() > BATON_LAUNCH_MAX_E820)
        return refuse("firmware memory map longer than the launch block holds", a.json);
    blk->nfirmware = uint32_t(facts.value->firmware.size());
    for (size_t i = 0; i < facts.value->firmware.size(); i++) {
        const E820Entry& e = facts.value->firmware[i];
        blk->firmware[i] = {e.range.begin(), e.range.size(), uint32_t(e.type), 0};
    }
    memcpy(blk->plan, plan_text.c_str(), plan_text.size() + 1);
    memcpy(blk->cmdline, cmdline.c_str(), cmdline.size() + 1);

    auto page_up = [](uint64_t v) { return (v + 4095) & ~uint64_t(4095); };
    const uint64_t base = plan.partition.begin();
    const Segment segs[] = {
        {resident, base, BATON_RESIDENT_SIZE},
        {*kernel.value, p.kernel_load.value(), page_up(kernel.value->size())},
        {*initrd.value, p.initrd.begin(), page_up(initrd.value->size())},
    };
    if (kexec_crash_loaded())
        return refuse("a crash kernel is loaded: B would be overwritten on a panic; "
                      "kexec -p -u first", a.json);
    if (auto err = kexec_load_crash(base, segs))
        return refuse(*err, a.json);

    baton_load_args la{};
    la.partition_base = base;
    la.partition_size = plan.partition.size();
    la.launch_block = base + BATON_LAUNCH_OFFSET;
    la.ncpus = uint32_t(plan.ncpus);
    for (size_t i = 0; i < plan.ncpus; i++)
        la.apic_ids[i] = plan.cpus[i];
    if (auto err = ses.dev.load(la)) {
        kexec_unload_crash();  // no partial load
        return refuse(*err, a.json);
    }
    if (a.json) {
        Json j;
        j.obj().kv("ok", true).kv("kernel_load", hex(p.kernel_load.value()))
            .kv("initrd", hex(p.initrd.begin())).kv("kernel_sha256", kd).kv("initrd_sha256", id).end();
        printf("%s\n", j.str().c_str());
    } else {
        printf("loaded: trampoline at %s, B's kernel at %s (%zu bytes), initramfs at %s (%zu bytes)\n",
               hex(base).c_str(), hex(p.kernel_load.value()).c_str(), kernel.value->size(),
               hex(p.initrd.begin()).c_str(), initrd.value->size());
    }
    return 0;
}

// Brings B's CPUs back to A (after an abort or a failed launch).
std::string online_cpus(const std::vector<PlannedCpu>& cpus)
{
    std::string errs;
    for (const PlannedCpu& c : cpus)
        if (!cpu_online(c.a_cpu))
            if (auto err = set_cpu_online(c.a_cpu, true))
                errs += (errs.empty() ? "" : "; ") + *err;
    return errs;
}

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
        return refuse("no plan: run baton plan first", a.json);

    const auto t0 = std::chrono::steady_clock::now();
    std::vector<PlannedCpu> offlined;
    for (const PlannedCpu& c : saved->cpus) {
        if (!cpu_online(c.a_cpu))
            continue;
        if (auto err = set_cpu_online(c.a_cpu, false)) {
            online_cpus(offlined);
            return refuse(*err, a.json);
        }
        offlined.push_back(c);
        if (!a.json)
            printf("launch: cpu%u (APIC ID %u) offline in A\n", c.a_cpu, c.apic_id);
    }
    if (auto err = ses.dev.launch()) {
        online_cpus(offlined);
        return refuse(*err, a.json);
    }
    if (!a.json)
        printf("launch: INIT-SIPI sent to APIC ID %u; waiting for B\n", saved->cpus[0].apic_id);

    const double timeout = atof(opt(a, "timeout", "120").c_str());
    uint32_t last = BATON_STATE_LAUNCHED;
    for (;;) {
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
        auto s = ses.dev.status();
        if (!s)
            return refuse(s.error, a.json);
        const uint32_t now = s.value->ledger.state;
        const double secs =
            std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
        if (now != last && !a.json)
            printf("launch: %s after %.2f s\n", state_name(now).c_str(), secs);
        last = now;
        if (now == BATON_STATE_FAILED) {
            std::string why(s.value->ledger.message,
                            strnlen(s.value->ledger.message, sizeof(s.value->ledger.message)));
            ses.dev.abort();
            std::string back = online_cpus(saved->cpus);
            return refuse("the trampoline refused: " + why + "; B's CPUs are back in A" +
                              (back.empty() ? "" : " (but: " + back + ")"),
                          a.json);
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
        if (secs > timeout)
            return refuse("B did not start its heartbeat within " + opt(a, "timeout", "120") +
                              " s (state " + state_name(now) + "): see baton status, baton abort",
                          a.json);
    }
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

// The ledger as a file (B's /sys/kernel/baton/ledger, or a saved copy): what `status` shows
// when A's module is not there to ask, e.g. in B after the handover.
Expected<baton_status> status_from_file(const std::string& path)
{
    auto bytes = read_file(path);
    if (!bytes)
        return Error(bytes.error);
    baton_status st{};
    if (bytes.value->size() < sizeof(st.ledger))
        return Error(path + ": " + std::to_string(bytes.value->size()) +
                     " bytes, not a ledger of ABI " + std::to_string(BATON_ABI_VERSION));
    memcpy(&st.ledger, bytes.value->data(), sizeof(st.ledger));
    if (st.ledger.magic != BATON_LEDGER_MAGIC || st.ledger.version != BATON_ABI_VERSION)
        return Error(path + ": not a ledger of ABI " + std::to_string(BATON_ABI_VERSION));
    st.tsc_khz = st.ledger.tsc_khz;
    st.guard = st.ledger.state >= BATON_STATE_LAUNCHED && st.ledger.state != BATON_STATE_FAILED;
    st.heartbeat_age_ms = -1;
    st.since_launch_ms = -1;
    return st;
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

int cmd_status(const Args& a)
{
    baton_status from_file{};
    std::optional<Session> session_storage;
    const bool file = a.opts.count("ledger") != 0;
    if (file) {
        auto st = status_from_file(opt(a, "ledger"));
        if (!st)
            return refuse(st.error, a.json);
        from_file = *st.value;
    } else {
        auto session = open_session();
        if (!session)
            return refuse(session.error, a.json);
        session_storage.emplace(std::move(*session.value));
    }
    const baton_status& s = file ? from_file : session_storage->status;
    const baton_ledger& l = s.ledger;
    const uint32_t state = file ? l.state : session_storage->state;
    const bool valid = state != BATON_STATE_EMPTY;
    // B is alive while its heartbeat moves; dead when it stopped, or never started in time.
    std::string health = "-";
    if (file) {
        health = "(from " + opt(a, "ledger") + ")";
    } else if (state == BATON_STATE_B_RUNNING || state == BATON_STATE_B_BOOTING ||
               state == BATON_STATE_LAUNCHED) {
        if (s.heartbeat_age_ms >= 0)
            health = s.heartbeat_age_ms < 1000 ? "alive" : "dead (heartbeat stopped)";
        else
            health = s.since_launch_ms > kHeartbeatDeadlineMs ? "dead (no heartbeat since launch)"
                                                              : "starting";
    }
    std::string message(l.message, strnlen(l.message, sizeof(l.message)));
    auto saved = load_state();
    auto a_cpu_of = [&](const baton_cpu_slot& c) {
        if (c.a_cpu)
            return int(c.a_cpu) - 1;
        if (saved)
            for (const PlannedCpu& p : saved->cpus)
                if (p.apic_id == c.apic_id)
                    return int(p.a_cpu);
        return -1;
    };
    const uint32_t ncpus = valid ? std::min(l.ncpus, BATON_MAX_CPUS) : 0;
    const uint32_t nevents = valid ? std::min(l.nevents, BATON_MAX_EVENTS) : 0;
    // Timeline times: ms since the trampoline started (same TSC in both kernels).
    auto ms_of = [&](uint64_t tsc) {
        return s.tsc_khz && l.launch_tsc && tsc >= l.launch_tsc
                   ? double(tsc - l.launch_tsc) / s.tsc_khz : 0.0;
    };
    if (a.json) {
        Json j;
        j.obj().kv("ok", true).kv("state", state_name(state)).kv("b", health)
            .kv("heartbeat", valid ? l.b_heartbeat : 0).kv("heartbeat_age_ms", s.heartbeat_age_ms)
            .kv("since_launch_ms", s.since_launch_ms).kv("guard", s.guard != 0)
            .kv("doorbells", s.doorbells).kv("tsc_khz", s.tsc_khz);
        if (state == BATON_STATE_FAILED)
            j.kv("failure", message);
        if (valid) {
            j.key("partition").obj().kv("base", hex(l.partition_base)).kv("size", hex(l.partition_size)).end();
            j.key("cpus").arr();
            for (uint32_t i = 0; i < ncpus; i++)
                j.obj().kv("apic_id", l.cpus[i].apic_id).kv("a_cpu", a_cpu_of(l.cpus[i]))
                    .kv("released_by_a", l.cpus[i].a_cpu != 0)
                    .kv("state", baton_cpu_state_name(l.cpus[i].state))
                    .kv("owner", cpu_owner(l.cpus[i], s.guard)).end();
            j.end();
            j.key("mem").arr();
            for (uint32_t i = 0; i < std::min(l.nmem, BATON_MAX_MEM); i++)
                if (l.mem[i].state != BATON_MEM_EMPTY)
                    j.obj().kv("base", hex(l.mem[i].base)).kv("size", hex(l.mem[i].size))
                        .kv("owner", mem_owner(l.mem[i], s.guard)).end();
            j.end();
            j.key("devices").arr();
            for (const MovedThing& t : moved_things(l, nevents))
                j.obj().kv("resource", baton_resource_name(t.resource))
                    .kv("id", thing_name(t.resource, t.arg)).kv("owner", t.owner).end();
            j.end();
            j.kv("launch_tsc", l.launch_tsc);
            j.key("timeline").arr();
            for (uint32_t i = 0; i < nevents; i++) {
                const baton_event& e = l.events[i];
                if (!e.tsc)
                    continue;
                j.obj().kv("tsc", e.tsc).kv("ms", ms_of(e.tsc))
                    .kv("event", baton_event_name(e.kind))
                    .kv("resource", baton_resource_name(e.resource)).kv("arg", e.arg)
                    .kv("size", e.size).end();
            }
            j.end();
            j.kv("timeline_dropped", valid && l.nevents > BATON_MAX_EVENTS
                                         ? l.nevents - BATON_MAX_EVENTS : 0);
        }
        j.end();
        printf("%s\n", j.str().c_str());
        return 0;
    }
    printf("state       %s\n", state_name(state).c_str());
    if (state == BATON_STATE_FAILED)
        printf("failure     %s\n", message.c_str());
    if (!valid)
        return 0;
    printf("B           %s, heartbeat %llu, age %lld ms, %llu doorbell(s) to A\n", health.c_str(),
           static_cast<unsigned long long>(l.b_heartbeat), static_cast<long long>(s.heartbeat_age_ms),
           static_cast<unsigned long long>(s.doorbells));
    printf("partition   %s-%s (owner B%s)\n", hex(l.partition_base).c_str(),
           hex(l.partition_base + l.partition_size - 1).c_str(),
           state >= BATON_STATE_LAUNCHED ? "" : ", loaded, not started");
    printf("guard       %s\n", s.guard ? "on (A cannot online B's CPUs)" : "off");
    for (uint32_t i = 0; i < ncpus; i++) {
        const int ac = a_cpu_of(l.cpus[i]);
        printf("cpu         %s (APIC ID %u): %s%s\n",
               ac >= 0 ? ("cpu" + std::to_string(ac)).c_str() : "?", l.cpus[i].apic_id,
               cpu_owner(l.cpus[i], s.guard).c_str(),
               l.cpus[i].a_cpu ? ", released by A" : "");
    }
    for (uint32_t i = 0; i < std::min(l.nmem, BATON_MAX_MEM); i++)
        if (l.mem[i].state != BATON_MEM_EMPTY)
            printf("mem         %s-%s (%llu MiB): %s\n", hex(l.mem[i].base).c_str(),
                   hex(l.mem[i].base + l.mem[i].size - 1).c_str(),
                   static_cast<unsigned long long>(l.mem[i].size >> 20),
                   mem_owner(l.mem[i], s.guard).c_str());
    for (const MovedThing& t : moved_things(l, nevents))
        printf("%-11s %s: %s\n", baton_resource_name(t.resource),
               thing_name(t.resource, t.arg).c_str(), t.owner.c_str());
    for (uint32_t i = 0; i < nevents; i++) {
        const baton_event& e = l.events[i];
        if (e.tsc)
            printf("timeline    %10.3f ms  %-7s %s %s\n", ms_of(e.tsc), baton_event_name(e.kind),
                   baton_resource_name(e.resource),
                   e.resource == BATON_RES_MEM
                       ? (hex(e.arg) + "+" + std::to_string(e.size >> 20) + "M").c_str()
                       : thing_name(e.resource, e.arg).c_str());
    }
    return 0;
}

// --timeout-ms of release and handover: how long B has to take a request (default 5 s).
std::optional<uint32_t> timeout_ms(const Args& a)
{
    const std::string v = opt(a, "timeout-ms", "5000");
    char* end = nullptr;
    const unsigned long t = strtoul(v.c_str(), &end, 10);
    if (v.empty() || *end || t == 0 || t > 600000)
        return std::nullopt;
    return uint32_t(t);
}

std::string bad_timeout(const Args& a)
{
    return "--timeout-ms: '" + opt(a, "timeout-ms") + "' is not 1..600000";
}

// A PCI function is fenced (driver_override) so nothing in A binds it again, baton.ko unbinds
// A's driver and B adopts it.  If B does not, it goes back to A's driver.  0 or an errno.
int release_pci(const Device& dev, const PciFunction& f, const baton_release_args& r,
                std::string* back)
{
    if (auto e = pci_fence_for_b(f)) {
        *back = " (" + *e + ")";
        return EBUSY;
    }
    const ExpeditedRcu fast_teardown;
    const int err = dev.release(r);
    if (err && err != EIO)
        if (auto e = pci_give_back(f))
            *back = " (but: " + *e + ")";
    return err;
}

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
            return refuse("release cpu: '" + id + "' is not a CPU number", a.json);
        r.resource = BATON_RES_CPU;
        r.arg = n;
    } else if (what == "mem") {
        // BASE+SIZE, e.g. 0x8000000+128M: whole memory blocks of A's RAM.
        const size_t plus = id.find('+');
        const std::string bad = "release mem: '" + id + "' is not BASE+SIZE (e.g. 0x8000000+128M)";
        if (plus == std::string::npos)
            return refuse(bad, a.json);
        auto base = parse_size(Str(id.data(), plus));
        auto size = parse_size(Str(id.data() + plus + 1, id.size() - plus - 1));
        if (!base.ok() || !size.ok() || size.value() == 0)
            return refuse(bad, a.json);
        r.resource = BATON_RES_MEM;
        r.arg = base.value();
        r.size = size.value();
    } else if (what == "pci") {
        auto bdf = parse_bdf(Str(id.data(), id.size()));
        if (!bdf.ok())
            return refuse("release pci: '" + id + "' is not a PCI address BB:DD.F", a.json);
        r.resource = BATON_RES_PCI;
        r.arg = bdf.value();
    } else if (what == "irq") {
        if (id.empty() || *end || n > 255)
            return refuse("release irq: '" + id + "' is not an IOAPIC pin's GSI (0-255)", a.json);
        r.resource = BATON_RES_IRQ;
        r.arg = n;
    } else {
        return refuse("release: unknown resource '" + what +
                          "' (baton release cpu N | mem BASE+SIZE | pci BB:DD.F | irq GSI)",
                      a.json);
    }
    const auto t = timeout_ms(a);
    if (!t)
        return refuse(bad_timeout(a), a.json);
    r.timeout_ms = *t;

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
            return refuse("release " + name + ": " + f.error, a.json);
        if ((f.value->pci_class >> 16) == 0x06)
            return refuse("release " + name + ": a bridge stays with the machine", a.json);
        pci = *f.value;
    }
    const auto t0 = std::chrono::steady_clock::now();
    const int err = pci ? release_pci(ses.dev, *pci, r, &back) : ses.dev.release(r);
    // Memory that came back to A (B refused it, or did not take it) is added to A offline.
    if (r.resource == BATON_RES_MEM && err && err != EIO)
        if (auto e = online_offline_memory())
            back = " (but: " + *e + ")";
    switch (err) {
    case 0:
        break;
    case EINVAL:
        return refuse("release " + name + ": not whole memory blocks (see "
                      "/sys/devices/system/memory/block_size_bytes)", a.json);
    case ENXIO:
        return refuse("release " + name + ": not all of it is A's RAM", a.json);
    case EADDRINUSE:
        return refuse("release " + name + ": A cannot offline it (pages that cannot move; "
                      "boot A with movablecore=)", a.json);
    case EPERM:
        return refuse("release " + name + ": CPU 0 leaves A last, with baton handover", a.json);
    case EALREADY:
        return refuse("release " + name + (r.resource == BATON_RES_MEM
                                               ? ": it is in B's partition or baton's low window"
                                               : ": it already belongs to B"), a.json);
    case ENODEV:
        return refuse("release " + name + (r.resource == BATON_RES_PCI
                                               ? ": B's bus scan does not find it; it is back in A"
                                           : r.resource == BATON_RES_IRQ
                                               ? ": no IOAPIC pin has that GSI"
                                               : ": A has no such CPU"), a.json);
    case ENOSPC:
        return refuse("release " + name + ": the ledger has no room for another one", a.json);
    case ENOTCONN:
        return refuse("release " + name + ": B has not opened its doorbell yet", a.json);
    case ETIMEDOUT:
        return refuse("release " + name + ": B did not take it within " + std::to_string(*t) +
                          " ms; it is back in A" + back, a.json);
    case EHOSTUNREACH:
        return refuse("release " + name + ": the CPU did not reach limbo; it is back in A",
                      a.json);
    case EIO:
        return refuse("release " + name + ": B took it and never answered; B is stuck "
                      "(baton abort returns everything to A)", a.json);
    case EBUSY:
        if (r.resource == BATON_RES_IRQ)
            return refuse("release " + name + ": A has a handler on it: it goes with its "
                          "device", a.json);
        return refuse("release " + name + ": another baton command is running, or A cannot "
                      "offline it", a.json);
    default:
        return refuse("release " + name + ": B refused it: " + strerror(err) +
                          "; it is back in A" + back, a.json);
    }
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

// One handover at a time: a lock file held for the whole command.
const char* const kHandoverLock = "/run/baton/handover.lock";

// `baton handover`: every resource, one at a time, then A stops.
int cmd_handover(const Args& a)
{
    const auto t = timeout_ms(a);
    if (!t)
        return refuse(bad_timeout(a), a.json);
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
        r.timeout_ms = *t;
        std::string back;
        const auto s = std::chrono::steady_clock::now();
        const int err = release_pci(ses.dev, f, r, &back);
        const double ms = std::chrono::duration<double, std::milli>(
                              std::chrono::steady_clock::now() - s).count();
        if (err)
            return refuse("handover stopped at pci " + f.name.substr(5) + ": " + strerror(err) +
                              back + " (it is back in A; baton abort returns the rest)", a.json);
        step("pci " + f.name.substr(5), "-> B (was " + f.driver + " in A)", ms);
    }

    // A's CPUs other than 0, highest first.
    const long ncpu = sysconf(_SC_NPROCESSORS_CONF);
    for (long cpu = ncpu - 1; cpu > 0; cpu--) {
        if (!cpu_online(unsigned(cpu)))
            continue;
        baton_release_args r{};
        r.resource = BATON_RES_CPU;
        r.arg = uint64_t(cpu);
        r.timeout_ms = *t;
        auto [err, ms] = timed(r);
        if (err)
            return refuse("handover stopped at cpu " + std::to_string(cpu) + ": " + strerror(err) +
                              " (it is back in A; baton abort returns the rest)", a.json);
        step("cpu " + std::to_string(cpu), "-> B", ms);
    }

    // The plan's hot memory (A's movable blocks), one block at a time.
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
        if (!hot || b.state != "online")
            continue;
        baton_release_args r{};
        r.resource = BATON_RES_MEM;
        r.arg = b.base;
        r.size = b.size;
        r.timeout_ms = *t;
        auto [err, ms] = timed(r);
        const std::string name = "mem " + hex(b.base) + "+" + std::to_string(b.size >> 20) + "M";
        if (err == EADDRINUSE) {
            // Pages that will not move: B hot-adds the block when A has stopped.
            step(name, "stays with A until it stops", ms);
            continue;
        }
        if (err) {
            online_offline_memory();
            return refuse("handover stopped at " + name + ": " + strerror(err) +
                              " (it is back in A; baton abort returns the rest)", a.json);
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
    return refuse(std::string("A could not stop: ") + strerror(err) +
                      (err == EBUSY ? " (a CPU came back online in A)" : ""), a.json);
}

int cmd_abort(const Args& a)
{
    auto dev = Device::open();
    if (!dev)
        return refuse(dev.error, a.json);
    auto saved = load_state();
    if (auto err = dev.value->abort())
        return refuse(*err + " (nothing to abort?)", a.json);
    std::string back = saved ? online_cpus(saved->cpus) : "";
    if (auto err = online_offline_memory())
        back += (back.empty() ? "" : "; ") + *err;
    if (kexec_crash_loaded())
        kexec_unload_crash();
    if (!back.empty())
        return refuse("B stopped, but " + back, a.json);
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
    if (state == BATON_STATE_EMPTY && !kexec_crash_loaded())
        return refuse("nothing is loaded", a.json);
    if (kexec_crash_loaded())
        if (auto err = kexec_unload_crash())
            return refuse(*err, a.json);
    if (state != BATON_STATE_EMPTY)
        ses.dev.abort();
    print_ok(a, "unload: B's image is gone from the crashkernel region");
    return 0;
}

struct Command {
    const char* name;
    int (*run)(const Args&);
    size_t npos;          // positional arguments it takes
    const char* options;  // the --options it takes, space separated
    const char* usage;
};

const Command kCommands[] = {
    {"plan", cmd_plan, 0, " cpus partition pci dir kernel initrd ",
     "baton plan [--cpus N,N] [--partition BASE+SIZE] [--pci BB:DD.F,...] [--dir DIR]\n"
     "           [--kernel FILE] [--initrd FILE] [--json]\n"
     "  Computes B's partition from /proc/iomem, /sys/firmware/memmap and the CPU list:\n"
     "  B's CPUs (A's numbers; default the last two, never 0), B's RAM (default the whole\n"
     "  crashkernel region), the low window, B's UART and PCI allow-list, B's e820.\n"
     "  Saves it in /run/baton/state for load and launch."},
    {"load", cmd_load, 0, " dir trampoline kernel initrd digests append ",
     "baton load [--dir DIR] [--trampoline FILE] [--kernel FILE] [--initrd FILE]\n"
     "           [--digests SHA256SUMS] [--append \"B cmdline\"] [--json]\n"
     "  Places the trampoline, B's bzImage and initramfs and the launch block with\n"
     "  kexec_load(KEXEC_ON_CRASH) at their final addresses in the partition, and records\n"
     "  the plan in the ledger.  DIR defaults to /usr/lib/baton."},
    {"launch", cmd_launch, 0, " timeout ",
     "baton launch [--timeout SECONDS] [--json]\n"
     "  Offlines B's CPUs in A, guards them, INIT-SIPIs the first into the trampoline and\n"
     "  waits for B's heartbeat.  If the trampoline refuses, B's CPUs return to A."},
    {"status", cmd_status, 0, " ledger ",
     "baton status [--ledger FILE] [--json]\n"
     "  The ledger: loaded / launched / B running / failed (with the reason), B's\n"
     "  heartbeat and its age, who owns each CPU, memory range and the partition, and the\n"
     "  timeline of the handover.  --ledger reads a ledger file instead of asking baton.ko:\n"
     "  in B after the handover, /sys/kernel/baton/ledger."},
    {"release", cmd_release, 2, " timeout-ms ",
     "baton release cpu N | mem BASE+SIZE | pci BB:DD.F | irq GSI [--timeout-ms MS] [--json]\n"
     "  One step of the handover.  cpu: A offlines its CPU N and parks it in limbo, B adopts\n"
     "  it through its ledger mailbox and brings it online.  mem: A offlines and hot-removes\n"
     "  whole memory blocks, B hot-adds and onlines them.  pci: A unbinds its driver (and\n"
     "  fences the function with driver_override), clears bus mastering, B rescans and binds\n"
     "  its own.  irq: an IOAPIC pin no handler of A uses; A masks it and never requests it\n"
     "  again, B owns it with A's trigger and polarity.  If B does not take it within MS\n"
     "  (default 5000), A takes it back.  CPU 0 leaves last, with the handover."},
    {"handover", cmd_handover, 0, " timeout-ms ",
     "baton handover [--timeout-ms MS] [--json]\n"
     "  The whole handover, one resource at a time, each adopted by B before the next: A's\n"
     "  PCI functions with a driver (NICs; bridges stay), its CPUs other than 0, its movable memory blocks, then A stops: it gives up its UARTs\n"
     "  (COM1 becomes B's, with its interrupt), CPU 0 masks A's IOAPIC pins and walks into\n"
     "  limbo, B adopts it.  One line per step; A does not return from the last one."},
    {"abort", cmd_abort, 0, " ",
     "baton abort [--json]\n"
     "  Stops B (INIT to its CPUs), returns every CPU and memory block to A (online again),\n"
     "  unloads B."},
    {"unload", cmd_unload, 0, " ",
     "baton unload [--json]\n"
     "  Removes a loaded, not launched B from the crashkernel region."},
};

void usage(FILE* f)
{
    fprintf(f, "usage: baton COMMAND [options]   (baton COMMAND --help)\n\n");
    for (const Command& c : kCommands)
        fprintf(f, "%s\n\n", c.usage);
}

}  // namespace

int run(int argc, char** argv)
{
    Args a;
    if (argc < 2) {
        usage(stderr);
        return 2;
    }
    a.command = argv[1];
    if (a.command == "--help" || a.command == "-h" || a.command == "help") {
        usage(stdout);
        return 0;
    }
    for (int i = 2; i < argc; i++) {
        std::string s = argv[i];
        if (s == "--json")
            a.json = true;
        else if (s == "--help" || s == "-h")
            a.help = true;
        else if (s.rfind("--", 0) == 0 && i + 1 < argc)
            a.opts[s.substr(2)] = argv[++i];
        else if (s.rfind("--", 0) != 0)
            a.pos.push_back(s);
        else
            return refuse("unexpected argument '" + s + "' (see baton " + a.command + " --help)", a.json);
    }
    for (const Command& c : kCommands)
        if (a.command == c.name) {
            if (a.help) {
                printf("%s\n", c.usage);
                return 0;
            }
            for (const auto& [k, v] : a.opts)
                if (!strstr(c.options, (" " + k + " ").c_str()))
                    return refuse("baton " + a.command + " takes no --" + k + " (see --help)",
                                  a.json);
            if (a.pos.size() != c.npos)
                return refuse("baton " + a.command + " takes " +
                                  (c.npos ? std::to_string(c.npos) : std::string("no")) +
                                  " argument" + (c.npos == 1 ? "" : "s") + ", got '" +
                                  (a.pos.empty() ? std::string() : a.pos[0]) + "'" +
                                  (a.pos.size() > 1 ? " ..." : "") + " (see --help)",
                              a.json);
            return c.run(a);
        }
    return refuse("unknown command '" + a.command + "' (see baton --help)", a.json);
}

}  // namespace baton::cli

int main(int argc, char** argv) { return baton::cli::run(argc, argv); }
