// SPDX-License-Identifier: GPL-2.0
// The partition's life cycle: load (kexec_load of the trampoline, B and its initramfs),
// launch (B's CPUs offline, A's panic order set, the trampoline started), abort (B stopped,
// everything back to A) and unload.
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <map>
#include <string>
#include <thread>
#include <vector>

#include "b_cmdline.h"
#include "cli.h"
#include "errors.h"
#include "json.h"
#include "manifest.h"
#include "lib/sha256.h"
#include "lib/zero_page.h"
#include "set_aside.h"

namespace baton::cli {

namespace {

std::string sha256_of(std::span<const uint8_t> data)
{
    uint8_t d[32];
    char h[65];
    sha256(data.data(), data.size(), d);
    sha256_hex(d, h);
    return h;
}

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

// The digest the trampoline checks FILE's placed copy against: the manifest's, once the
// file as read matches it.  --no-verify skips the check here (the manifest's digest if it
// lists the file, else the file's own): the trampoline's check is then the only one.
Expected<std::string> vouched_digest(const Args& a, const std::string& file,
                                     std::span<const uint8_t> data)
{
    const std::string path = a.has("digests") ? a.get("digests") : manifest_of(file);
    const std::string actual = sha256_of(data);
    auto text = read_file(path);
    if (!text) {
        if (a.flag("no-verify"))
            return actual;
        return Error("no manifest vouches for " + file + " (" + text.error.what +
                     "): publish SHA256SUMS next to it, or load --no-verify");
    }
    auto m = parse_manifest(*text.value, path);
    if (!m)
        return m.error;
    if (a.flag("no-verify")) {
        auto it = m.value->digest.find(file.substr(file.rfind('/') + 1));
        return it == m.value->digest.end() ? actual : it->second;
    }
    if (auto err = check_digest(*m.value, file, actual))
        return *err;
    return actual;
}

}  // namespace

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

    const std::string dir = a.get("dir", kDefaultDir);
    const std::string tpath = a.get("trampoline", dir + "/trampoline.bin");
    const std::string kpath = a.get("kernel", dir + "/bzImage");
    const std::string ipath = a.get("initrd", dir + "/initramfs.cpio.gz");
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
    if (hdr.crash_entry64 == 0 || hdr.crash_entry64 >= hdr.image_size)
        return refuse(tpath + ": the trampoline has no crash entry", a.json);

    // Each image against the manifest of its own folder (or --digests), before anything
    // changes; the trampoline checks the placed copies against the same digests.
    auto kd = vouched_digest(a, kpath, *kernel.value);
    if (!kd)
        return refuse(kd.error, a.json);
    auto id = vouched_digest(a, ipath, *initrd.value);
    if (!id)
        return refuse(id.error, a.json);
    auto td = vouched_digest(a, tpath, *tramp.value);
    if (!td)
        return refuse(td.error, a.json);
    // A's refined TSC rate beats anything the trampoline can measure in a few ms.
    std::string plan_text =
        saved->plan_text + " kernel.sha256=" + *kd.value + " initrd.sha256=" + *id.value;
    if (ses.status.tsc_khz)
        plan_text += " tsc_khz=" + std::to_string(ses.status.tsc_khz);
    if (plan_text.size() >= BATON_PLAN_MAX)
        return refuse("plan text too long for the launch block", a.json);
    // A's mitigation choices come from its command line, its verdict on the TSC from its
    // clocksource; without /proc and /sys none are copied and B does not trust the TSC.
    auto a_cmdline = read_file("/proc/cmdline");
    auto a_clock = read_file("/sys/devices/system/clocksource/clocksource0/current_clocksource");
    std::string cmdline = b_cmdline(a_cmdline ? *a_cmdline.value : std::string(),
                                    a_clock ? *a_clock.value : std::string(), plan.console_port,
                                    a.has("append") ? a.get("append") : std::string());
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
    // The resident segment stops short of the resident region's end: kexec puts its control
    // pages in the first hole, there, where B never writes (ledger.h).
    const Segment segs[] = {
        {resident, base, BATON_RESIDENT_SEGMENT},
        {*kernel.value, p.kernel_load.value(), page_up(kernel.value->size())},
        {*initrd.value, p.initrd.begin(), page_up(initrd.value->size())},
    };
    if (kexec_crash_loaded())
        return refuse("a crash kernel (kdump's?) is loaded: B would be overwritten on a panic; "
                      "kexec -p -u first", a.json);
    // A kernel without a crash region from boot sets the partition aside now.
    if (saved->set_aside)
        if (auto err = set_aside(ses.dev, plan.partition))
            return refuse(*err, a.json);
    // Whatever fails from here leaves the memory as it was.
    auto undo = [&](const std::string& why) {
        std::string back;
        if (saved->set_aside)
            if (auto err = give_back(ses.dev))
                back = " (and: " + err->what + ")";
        return refuse(why + back, a.json);
    };
    // From here the crash slot is baton's: nothing else loads, unloads or shrinks it.
    if (int err = ses.dev.slot(BATON_SLOT_LOAD))
        return undo(slot_error(BATON_SLOT_LOAD, err));
    // A crash kexec lands in the trampoline's crash entry, which hands A's CPU to a running
    // B instead of booting anything over it.
    if (int err = kexec_load_crash(base + hdr.crash_entry64, segs)) {
        ses.dev.slot(BATON_SLOT_FREE);
        return undo(kexec_error(err, false));
    }

    baton_load_args la{};
    la.partition_base = base;
    la.partition_size = plan.partition.size();
    la.launch_block = base + BATON_LAUNCH_OFFSET;
    la.ncpus = uint32_t(plan.ncpus);
    for (size_t i = 0; i < plan.ncpus; i++)
        la.apic_ids[i] = plan.cpus[i];
    if (int err = ses.dev.load(la)) {
        const auto unloaded = ses.dev.unload_own_image();  // no partial load
        return undo(load_error(err) + (unloaded ? " (and: " + unloaded->what + ")" : ""));
    }
    if (a.json) {
        Json j;
        j.obj().kv("ok", true).kv("kernel_load", hex(p.kernel_load.value()))
            .kv("initrd", hex(p.initrd.begin())).kv("kernel_sha256", *kd.value).kv("initrd_sha256", *id.value)
            .kv("verified", !a.flag("no-verify")).end();
        printf("%s\n", j.str().c_str());
    } else {
        printf("loaded: trampoline at %s, B's kernel at %s (%zu bytes), initramfs at %s (%zu bytes)\n",
               hex(base).c_str(), hex(p.kernel_load.value()).c_str(), kernel.value->size(),
               hex(p.initrd.begin()).c_str(), initrd.value->size());
    }
    return 0;
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
