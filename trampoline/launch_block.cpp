// SPDX-License-Identifier: GPL-2.0
// Reads the launch block: the trampoline's inputs when A's module started it (kexec placed
// the block, B's bzImage and initramfs in the partition; the ledger says where the block is).
#include "../include/baton/ledger.h"
#include "boot_inputs.h"
#include "lib/acpi.h"
#include "lib/plan.h"

namespace baton {

namespace {

Error launch_error(Str what)
{
    Error e{Errc::plan, {}};
    e.msg << "launch block: " << what;
    return e;
}

}  // namespace

Status read_launch_block(uint64_t ledger_phys, BootInputs& out)
{
    const uint8_t* lp = phys_bytes(PhysAddr(ledger_phys), sizeof(baton_ledger));
    if (!lp || window_of_ledger(ledger_phys) == BATON_NR_WINDOWS)
        return launch_error("EBX does not point at the ledger");
    const auto* l = reinterpret_cast<const baton_ledger*>(lp);
    if (l->magic != BATON_LEDGER_MAGIC || l->version != BATON_ABI_VERSION)
        return launch_error("the ledger is not initialised (ABI mismatch with baton.ko?)");
    const uint8_t* bp = phys_bytes(PhysAddr(l->launch_block), sizeof(baton_launch_block));
    if (!bp)
        return launch_error("unreadable");
    const auto* b = reinterpret_cast<const baton_launch_block*>(bp);
    if (b->magic != BATON_LAUNCH_MAGIC || b->version != BATON_ABI_VERSION ||
        b->size != sizeof(baton_launch_block))
        return launch_error("bad magic, version or size (CLI and trampoline disagree)");
    if (b->nfirmware > BATON_LAUNCH_MAX_E820)
        return launch_error("more firmware memory map entries than it holds");

    const Str plan = Str::from_cstr(b->plan, BATON_PLAN_MAX);
    if (plan.len == BATON_PLAN_MAX)
        return launch_error("the plan is not NUL terminated");
    out.plan_text << plan;
    out.b_cmdline << Str::from_cstr(b->cmdline, BATON_CMDLINE_MAX);
    for (uint32_t i = 0; i < b->nfirmware; i++) {
        const baton_e820_entry& e = b->firmware[i];
        if (!out.firmware.push({PhysRange(PhysAddr(e.addr), e.size), E820Type(e.type)}))
            return launch_error("firmware memory map too long");
    }
    out.kernel = PhysRange(PhysAddr(b->kernel_phys), b->kernel_size);
    out.initrd = PhysRange(PhysAddr(b->initrd_phys), b->initrd_size);
    if (out.kernel.empty())
        return launch_error("no kernel");
    return Ok{};
}

}  // namespace baton
