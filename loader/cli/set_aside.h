// SPDX-License-Identifier: GPL-2.0
// What a host lends its guest for the guest's life and takes back when the guest goes: the
// partition of a kernel without a crash region from boot (a kernel baton launched), and the
// UART that becomes the guest's console.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "lib/phys.h"
#include "sys.h"

namespace baton::cli {

// `baton load`: the partition's memory blocks go offline (their pages migrate) and become
// the crash region.  On any failure what was done is undone; nullopt on success.
Failure set_aside(const Device& dev, PhysRange partition);
// unload, abort, a failed load: the crash region given back (if one was set aside), then
// every offline block online again.  nullopt on success.
Failure give_back(const Device& dev);

// `baton launch`: the guest's console UART (port) is lent: its openers in this kernel are
// hung up, and /run/baton/lent names it, so that a login service there waits (the initramfs'
// init does).  unlend_console() ends the loan (abort, unload).
Failure lend_console(uint16_t port);
void unlend_console();

}  // namespace baton::cli
