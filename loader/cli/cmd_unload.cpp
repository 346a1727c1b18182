// SPDX-License-Identifier: GPL-2.0
// `baton unload`: a loaded, not launched B out of the crashkernel region; the crash slot free.
#include "cli.h"
#include "errors.h"
#include "set_aside.h"

namespace baton::cli {

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

}  // namespace baton::cli
