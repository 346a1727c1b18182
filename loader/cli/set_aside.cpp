// SPDX-License-Identifier: GPL-2.0
#include "set_aside.h"

#include <fcntl.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <termios.h>
#include <unistd.h>

#include <cerrno>
#include <vector>

#include "errors.h"
#include "planner.h"

namespace baton::cli {

namespace {

const char* const kLent = "/run/baton/lent";

}  // namespace

Failure set_aside(const Device& dev, PhysRange partition)
{
    auto blocks = memory_blocks();
    if (!blocks)
        return blocks.error;
    std::vector<MemoryBlock> offlined;
    for (const MemoryBlock& b : *blocks.value) {
        const PhysRange r(PhysAddr(b.base), b.size);
        if (!r.overlaps(partition) || b.state == "offline")
            continue;
        if (auto err = write_file(memory_block_state_path(b), "offline")) {
            online_blocks(offlined);
            return "memory block " + std::to_string(b.index) + " (" + hex(b.base) +
                   ") of the partition would not go offline: " + err->what;
        }
        offlined.push_back(b);
    }
    if (int err = dev.reserve(partition.begin(), partition.size())) {
        online_blocks(offlined);
        return reserve_error(err);
    }
    return std::nullopt;
}

Failure give_back(const Device& dev)
{
    const int err = dev.reserve(0, 0);
    if (err && err != ENOENT)
        return reserve_error(err);
    return online_offline_memory();
}

Failure lend_console(uint16_t port)
{
    constexpr uint16_t ports[] = BATON_UART_PORTS;
    unsigned n = 0;
    while (n < BATON_NR_UARTS && ports[n] != port)
        n++;
    if (n == BATON_NR_UARTS)
        return "console " + hex(port) + " is not a legacy UART";
    const std::string tty = "ttyS" + std::to_string(n);
    ::mkdir("/run", 0755);
    ::mkdir("/run/baton", 0700);
    if (auto err = replace_file(kLent, tty + "\n"))
        return err;
    // Every opener here gets a hangup; a tty this kernel never registered has none.
    Fd fd(::open(("/dev/" + tty).c_str(), O_RDWR | O_NOCTTY | O_NONBLOCK | O_CLOEXEC));
    if (fd.get() >= 0 && ::ioctl(fd.get(), TIOCVHANGUP) != 0 && errno != EIO)
        return "cannot hang up /dev/" + tty + " for the next kernel's console: " +
               errno_phrase(errno);
    return std::nullopt;
}

void unlend_console() { ::unlink(kLent); }

}  // namespace baton::cli
