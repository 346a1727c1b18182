// SPDX-License-Identifier: GPL-2.0
// --ready's spec.
#include "ready_check.h"

#include "args.h"

namespace baton::cli {

namespace {

bool ipv4(std::string_view s)
{
    int parts = 0;
    size_t i = 0;
    while (i <= s.size()) {
        size_t dot = s.find('.', i);
        if (dot == std::string_view::npos)
            dot = s.size();
        const std::string_view p = s.substr(i, dot - i);
        const auto v = decimal(p, 3);
        if (!v || *v > 255 || (p.size() > 1 && p[0] == '0'))
            return false;
        parts++;
        i = dot + 1;
    }
    return parts == 4;
}

}  // namespace

std::string ReadyCheck::text() const
{
    switch (kind) {
    case Kind::tcp: return "tcp:" + host + ":" + std::to_string(port);
    case Kind::udp: return "udp:" + host + ":" + std::to_string(port);
    case Kind::command: return "cmd:" + command;
    case Kind::heartbeat: break;
    }
    return "B's heartbeat";
}

Expected<ReadyCheck> parse_ready_check(std::string_view spec)
{
    ReadyCheck c;
    if (spec.empty())
        return c;
    auto bad = [&](const std::string& why) {
        return Error("--ready '" + std::string(spec.substr(0, 80)) + "': " + why, Exit::usage);
    };
    if (spec.rfind("cmd:", 0) == 0) {
        c.kind = ReadyCheck::Kind::command;
        c.command = std::string(spec.substr(4));
        if (c.command.find_first_not_of(" \t") == std::string::npos)
            return bad("no command after cmd:");
        return c;
    }
    const bool tcp = spec.rfind("tcp:", 0) == 0, udp = spec.rfind("udp:", 0) == 0;
    if (!tcp && !udp)
        return bad("is not tcp:ADDR:PORT, udp:ADDR:PORT or cmd:COMMAND");
    c.kind = tcp ? ReadyCheck::Kind::tcp : ReadyCheck::Kind::udp;
    const std::string_view rest = spec.substr(4);
    const size_t colon = rest.rfind(':');
    if (colon == std::string_view::npos)
        return bad("no :PORT");
    c.host = std::string(rest.substr(0, colon));
    if (!ipv4(c.host))
        return bad("'" + c.host + "' is not an IPv4 address");
    const std::string_view port = rest.substr(colon + 1);
    const auto p = decimal(port, 5);
    if (!p || *p == 0 || *p > 65535)
        return bad("'" + std::string(port) + "' is not a port (1-65535)");
    c.port = uint16_t(*p);
    return c;
}

}  // namespace baton::cli
