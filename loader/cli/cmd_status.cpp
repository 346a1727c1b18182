// SPDX-License-Identifier: GPL-2.0
// `baton status`: the ledger as baton.ko (or a ledger file) shows it, and the crash slot
// (status_view.cpp renders it).
#include <cstdio>

#include "cli.h"
#include "status_view.h"

namespace baton::cli {

int cmd_status(const Args& a)
{
    baton_status from_file{};
    std::optional<Session> session;
    StatusView v;
    if (a.has("ledger")) {
        v.ledger_file = a.get("ledger");
        auto bytes = read_bytes(v.ledger_file);
        if (!bytes)
            return refuse(bytes.error, a.json);
        auto st = status_from_ledger(*bytes.value, v.ledger_file);
        if (!st)
            return refuse(st.error, a.json);
        from_file = *st.value;
        v.status = &from_file;
        v.state = from_file.ledger.state;
    } else {
        auto s = open_session();
        if (!s)
            return refuse(s.error, a.json);
        session.emplace(std::move(*s.value));
        v.status = &session->status;
        v.state = session->state;
        // B takes the machine if A dies: from the launch on, with A's panic order set.
        v.failover_armed = session->status.guard && panic_runs_notifiers_now();
    }
    if (auto saved = load_state())
        v.planned = saved->cpus;
    printf("%s", a.json ? (status_json(v) + "\n").c_str() : status_text(v).c_str());
    return 0;
}

}  // namespace baton::cli
