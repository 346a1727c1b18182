// SPDX-License-Identifier: GPL-2.0
// Reads the multiboot v1 information structure (Multiboot Specification 0.6.96, §3.3).
#include "arch/x86_defs.h"
#include "boot_inputs.h"
#include "lib/acpi.h"
#include "lib/zero_page.h"

namespace baton {

namespace {

constexpr uint32_t kFlagCmdline = 1 << 2;
constexpr uint32_t kFlagMods = 1 << 3;
constexpr uint32_t kFlagMmap = 1 << 6;
constexpr size_t kInfoSize = 88, kModSize = 16;

Error boot_error(Str what)
{
    Error e{Errc::plan, {}};
    e.msg << "multiboot: " << what;
    return e;
}

Str cstr_at(uint64_t phys, size_t max)
{
    const uint8_t* p = phys_bytes(PhysAddr(phys), 1);
    if (!p)
        return Str();
    return Str::from_cstr(reinterpret_cast<const char*>(p), max);
}

}  // namespace

Status read_multiboot(uint32_t magic, uint64_t info_at, BootInputs& out)
{
    if (magic != MULTIBOOT_BOOT_MAGIC)
        return boot_error("not started by a multiboot loader (bad magic in EAX)");
    const uint8_t* info = phys_bytes(PhysAddr(info_at), kInfoSize);
    if (!info)
        return boot_error("no information structure");
    const uint32_t flags = uint32_t(load_le(info, 4));

    // Loaders put the image's own path first ("trampoline.elf partition=... cpus=...").
    if (flags & kFlagCmdline) {
        const Str s = cstr_at(load_le(info + 16, 4), 2 * BATON_PLAN_MAX);
        const size_t space = s.find(' ');
        const Str plan = space != SIZE_MAX ? s.sub(space + 1) : Str();
        if (plan.len >= BATON_PLAN_MAX)
            return boot_error("the plan is longer than a launch block holds (BATON_PLAN_MAX)");
        out.plan_text << plan;
    }

    if (!(flags & kFlagMmap))
        return boot_error("the loader gave no memory map");
    const uint64_t mmap = load_le(info + 48, 4), mmap_len = load_le(info + 44, 4);
    for (uint64_t off = 0; off + 24 <= mmap_len;) {
        const uint8_t* e = phys_bytes(PhysAddr(mmap + off), 24);
        const uint32_t size = uint32_t(load_le(e, 4));
        const E820Entry entry{PhysRange(PhysAddr(load_le(e + 4, 8)), load_le(e + 12, 8)),
                              E820Type(load_le(e + 20, 4))};
        if (!out.firmware.push(entry))
            return boot_error("memory map has more than 256 entries");
        off += size + 4;
    }

    if (!(flags & kFlagMods))
        return boot_error("no modules: expected B's bzImage (and its initramfs)");
    const uint32_t count = uint32_t(load_le(info + 20, 4));
    const uint64_t mods = load_le(info + 24, 4);
    if (count < 1 || count > 2) {
        Error e = boot_error("expected 1 or 2 modules (bzImage, initramfs), got ");
        e.msg << Dec{count};
        return e;
    }
    for (uint32_t i = 0; i < count; i++) {
        const uint8_t* m = phys_bytes(PhysAddr(mods + i * kModSize), kModSize);
        const uint64_t start = load_le(m, 4), end = load_le(m + 4, 4);
        const PhysRange r = PhysRange::from_to(start, end);
        if (r.empty())
            return boot_error("an empty module");
        if (i == 0) {
            out.kernel = r;
            // "path/to/bzImage arg arg ...": B's command line is what follows the first word.
            const Str s = cstr_at(load_le(m + 8, 4), 4095);
            const size_t space = s.find(' ');
            if (space != SIZE_MAX)
                out.b_cmdline << s.sub(space + 1);
        } else {
            out.initrd = r;
        }
    }
    return Ok{};
}

}  // namespace baton
