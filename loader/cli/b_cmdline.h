// B's kernel command line, as `baton load` writes it.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

// What every B gets (its console on console_port, one of BATON_UART_PORTS; IPIs by mask;
// its placement; memory it adopts online movable; the bare-metal state it must leave to A);
// A's verdict on the TSC (a_clocksource: A's current clocksource); A's CPU-wide mitigation
// choices copied from a_cmdline (core- and package-scoped MSRs stay consistent only if both
// kernels choose the same modes); then append.
std::string b_cmdline(std::string_view a_cmdline, std::string_view a_clocksource,
                      uint16_t console_port, std::string_view append);
