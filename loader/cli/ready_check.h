// SPDX-License-Identifier: GPL-2.0
// What "B is ready" means to the operator of `baton upgrade`: B's heartbeat alone (no check),
// a TCP port B accepts on, a UDP echo B answers, or a command (run in the running kernel,
// exit status 0) that knows.  Pure: the spec is parsed here, ready.cpp probes it.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "outcome.h"

namespace baton::cli {

struct ReadyCheck {
    enum class Kind { heartbeat, tcp, udp, command };
    Kind kind = Kind::heartbeat;
    std::string host;     // an IPv4 address (tcp, udp)
    uint16_t port = 0;
    std::string command;  // /bin/sh -c COMMAND
    std::string text() const;  // as given: "tcp:10.99.0.2:22"
};

// "tcp:ADDR:PORT" | "udp:ADDR:PORT" | "cmd:COMMAND"; empty: the heartbeat.  Usage errors.
Expected<ReadyCheck> parse_ready_check(std::string_view spec);

}  // namespace baton::cli
