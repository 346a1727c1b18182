// SPDX-License-Identifier: GPL-2.0
// `baton load`: the trampoline, B's kernel and its initramfs, checked against their manifest,
// placed with kexec_load(KEXEC_ON_CRASH) in the partition, and the plan in the ledger.
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include "b_cmdline.h"
#include "cli.h"
#include "errors.h"
#include "json.h"
#include "lib/sha256.h"
#include "lib/zero_page.h"
#include "manifest.h"
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

}  // namespace

ImagePaths image_paths(const Args& a)
{
    const std::string dir = a.get("dir", kDefaultDir);
    return {a.get("trampoline", dir + "/trampoline.bin"), a.get("kernel", dir + "/bzImage"),
            a.get("initrd", dir + "/initramfs.cpio.gz")};
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
        const std::string* listed = listed_digest(*m.value, file);
        return listed ? *listed : actual;
    }
    if (auto err = check_digest(*m.value, file, actual))
        return *err;
    return actual;
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
        return refuse(saved.error, a.json);

    const ImagePaths paths = image_paths(a);
    const std::string& tpath = paths.trampoline;
    const std::string& kpath = paths.kernel;
    const std::string& ipath = paths.initrd;
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
    if (hdr.image_size > BATON_LAUNCH_OFFSET || tramp.value->size() > BATON_LAUNCH_OFFSET)
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
    if (ses.status.crash_slot & BATON_SLOT_HELD)
        return refuse("baton's own image of an earlier B is still loaded: baton abort (or "
                      "unload) first", a.json);
    if (kexec_crash_loaded())
        return refuse("a crash kernel (kdump's?) is loaded: B would be overwritten on a panic; "
                      "kexec -p -u first", a.json);
    // A kernel without a crash region from boot sets the partition aside now.
    if (saved->set_aside)
        if (auto err = set_aside(ses.dev, plan.partition))
            return refuse(*err, a.json);
    // Whatever fails from here leaves the memory as it was.
    // What cannot be undone is said, and the load stopped partway (baton abort cleans up).
    auto undo = [&](const std::string& why, const std::string& left = {}) {
        std::string back = left;
        if (saved->set_aside)
            if (auto err = give_back(ses.dev))
                back += (back.empty() ? "" : "; ") + err->what;
        if (!back.empty())
            return refuse(Error(why, Exit::partway, "and: " + back + " (baton abort)"), a.json);
        return refuse(why, a.json);
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
        return undo(load_error(err), unloaded ? unloaded->what : "");
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

}  // namespace baton::cli
