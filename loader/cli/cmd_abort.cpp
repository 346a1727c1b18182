// SPDX-License-Identifier: GPL-2.0
// `baton abort`: B stopped (INIT to its CPUs), every CPU and memory block back in A, online,
// B's image unloaded, the partition, the console and A's panic order given back.
#include "cli.h"
#include "errors.h"
#include "set_aside.h"

namespace baton::cli {

int cmd_abort(const Args& a)
{
    auto session = open_session();
    if (!session)
        return refuse(session.error, a.json);
    const Device& dev = session.value->dev;
    auto saved = load_state();
    if (int err = dev.abort())
        return refuse(abort_error(err), a.json);
    std::string back = saved ? return_cpus_to_a(saved->cpus) : "";
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

}  // namespace baton::cli
