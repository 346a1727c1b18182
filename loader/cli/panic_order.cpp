// SPDX-License-Identifier: GPL-2.0
// A's panic order while B runs: baton.ko's panic notifier first, then any crash kexec.
// launch sets it, abort restores it, status reports it.
#include <sys/stat.h>
#include <unistd.h>

#include <string>

#include "cli.h"

namespace baton::cli {

namespace {

// A's panic must reach baton.ko's panic notifier before any crash kexec: the notifier and
// baton's stop method walk A's CPUs into limbo for B.  A crash kexec first would stop them
// where B cannot adopt A's CPU 0 (an INIT restarts its firmware).  Restored by abort.
const char* const kPostNotifiers = "/sys/module/kernel/parameters/crash_kexec_post_notifiers";
const char* const kPostNotifiersSet = "/run/baton/post-notifiers-set";

}  // namespace

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
    // The mark that abort restores N by: without it, A would keep what launch set.
    if (auto err = replace_file(kPostNotifiersSet, "Y\n")) {
        write_file(kPostNotifiers, "N");
        return err->in("cannot remember A's panic order for abort");
    }
    return std::nullopt;
}

void panic_order_restore()
{
    if (::access(kPostNotifiersSet, F_OK) != 0)
        return;
    write_file(kPostNotifiers, "N");
    ::unlink(kPostNotifiersSet);
}

bool panic_runs_notifiers_now()
{
    auto now = read_file(kPostNotifiers);
    return now && now.value->rfind('Y', 0) == 0;
}

}  // namespace baton::cli
