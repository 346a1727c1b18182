// SPDX-License-Identifier: GPL-2.0
// The rendering of an Error: one line for an operator, one JSON object for a script.
#include "outcome.h"

#include "json.h"

namespace baton::cli {

Error Error::in(std::string_view context) const
{
    return Error(std::string(context) + ": " + what, exit, remains);
}

std::string Error::line() const
{
    return remains.empty() ? what : what + "; " + remains;
}

const char* exit_name(Exit e)
{
    switch (e) {
    case Exit::done: return "done";
    case Exit::refused: return "refused";
    case Exit::usage: return "usage";
    case Exit::partway: return "partway";
    case Exit::b_failed: return "b-failed";
    }
    return "refused";
}

std::string error_json(const Error& e)
{
    Json j;
    j.obj().kv("ok", false).kv("exit", int(e.exit)).kv("outcome", exit_name(e.exit))
        .kv("error", e.what);
    if (!e.remains.empty())
        j.kv("remains", e.remains);
    j.end();
    return j.str();
}

}  // namespace baton::cli
