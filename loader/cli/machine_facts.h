// SPDX-License-Identifier: GPL-2.0
// What kernel A tells about the machine, parsed from its text interfaces.  Pure functions of
// the text, so the host tests feed them saved /proc and /sys contents.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "lib/e820.h"

namespace baton::cli {

struct IomemEntry {
    uint64_t begin, end;  // end exclusive
    std::string name;
    int depth;            // nesting level in /proc/iomem
};

struct CpuInfo {
    unsigned cpu;      // A's CPU number
    uint32_t apic_id;
    bool online;
};

// One of A's memory blocks (/sys/devices/system/memory): movable ones can be handed over
// while A runs.
struct MemoryBlockFact {
    uint64_t base, size;
    bool movable;  // online and in ZONE_MOVABLE
};

struct MachineFacts {
    std::vector<MemoryBlockFact> blocks;
    std::vector<IomemEntry> iomem;
    std::vector<E820Entry> firmware;  // /sys/firmware/memmap: the map before memmap= edits
    std::vector<CpuInfo> cpus;        // every present CPU, online or not
    std::string cmdline;              // A's /proc/cmdline
};

std::vector<IomemEntry> parse_iomem(std::string_view text);
// One /sys/firmware/memmap/N entry: its start, end (inclusive, as sysfs prints) and type.
bool parse_memmap_entry(std::string_view start, std::string_view end, std::string_view type,
                        E820Entry& out);
// "processor : N" / "apicid : N" pairs of /proc/cpuinfo (online CPUs only list there).
std::vector<CpuInfo> parse_cpuinfo(std::string_view text);
// /proc/tty/driver/serial: the legacy UARTs (bit n: UART n of BATON_UART_PORTS) that A's 8250
// driver found ("uart:" not "unknown").
uint32_t legacy_uarts(std::string_view proc_serial);
// Whether A's command line has `param` (exact `key=value` or a bare key).
bool cmdline_has(std::string_view cmdline, std::string_view param);

}  // namespace baton::cli
