// SPDX-License-Identifier: GPL-2.0
// What the trampoline was given, whoever started it: the plan text, the firmware memory map,
// where B's bzImage and initramfs are now, and B's command line.  Copied out of the loader's
// structures first, because moving the modules may overwrite them.
#pragma once

#include "../include/baton/ledger.h"
#include "lib/e820.h"

namespace baton {

struct BootInputs {
    Text<BATON_PLAN_MAX> plan_text;  // the launch block's size, NUL included
    FirmwareMap firmware;
    PhysRange kernel;
    PhysRange initrd;  // empty: no initramfs
    Text<4096> b_cmdline;
};

// Multiboot v1 (QEMU -kernel, GRUB): cmdline = plan; module 0 = "bzImage <B's cmdline>",
// module 1 = initramfs.
Status read_multiboot(uint32_t magic, uint64_t info, BootInputs& out);

// Launched by A's module (EAX = BATON_LAUNCH_EAX, EBX = ledger): the launch block.
Status read_launch_block(uint64_t ledger_phys, BootInputs& out);

}  // namespace baton
