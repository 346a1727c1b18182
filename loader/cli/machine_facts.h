// SPDX-License-Identifier: GPL-2.0
// What kernel A tells about the machine, parsed from its text interfaces.  Pure functions of
// the text, so the host tests feed them saved /proc and /sys contents.
#pragma once

#include <cstdint>
#include <optional>
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

// One of A's PCI functions, as far as the handover cares.
struct PciFact {
    uint32_t id;      // bus << 8 | devfn
    bool driver;      // A's driver is bound: the handover hands it to B
    bool bridge;      // class 0x06: stays with the machine
};

struct MachineFacts {
    std::vector<MemoryBlockFact> blocks;
    std::vector<PciFact> pci;
    std::vector<IomemEntry> iomem;
    std::vector<E820Entry> firmware;  // /sys/firmware/memmap: the map before memmap= edits
    std::vector<CpuInfo> cpus;        // A's online CPUs (/proc/cpuinfo)
    size_t present_cpus = 0;          // the machine's CPUs (/sys/devices/system/cpu/present)
    std::string cmdline;              // A's /proc/cmdline
    uint32_t window = 0;              // the low window this kernel hosts through (ledger.h)
    // A kernel baton launched (its platform shows /sys/kernel/baton/ledger) hosts from what
    // its baton.ko shows (baton_firmware.c): the firmware map and tables come from there.
    bool guest = false;
    uint32_t guest_state = 0;         // its own ledger's state: it hosts once handed over
    int bsp_cpu = 0;                  // the machine's BSP (leaves last); -1: offline here
    bool x2apic = false;              // A runs its local APICs in x2APIC mode (a_runs_x2apic)
    // The firmware's tables the trampoline reads (/sys/firmware/acpi/tables/APIC, SRAT and
    // MCFG, whole); nullopt: the firmware has none.
    std::optional<std::string> madt, srat, mcfg;
};

std::vector<IomemEntry> parse_iomem(std::string_view text);
// /sys/kernel/baton/firmware/memmap of a kernel baton launched: "start end type" lines (hex
// start and inclusive end, the e820 type number).  nullopt if a line is not one.
std::optional<std::vector<E820Entry>> parse_firmware_memmap(std::string_view text);
// What baton.ko's /sys/kernel/baton/status says about hosting: the low window (its
// "low_window: BASE-END" line) and the machine's BSP ("bsp: CPU N" or "bsp: offline").
struct HostStatus {
    uint32_t window = 0;
    int bsp_cpu = 0;
};
std::optional<HostStatus> parse_host_status(std::string_view status);
// One /sys/firmware/memmap/N entry: its start, end (inclusive, as sysfs prints) and type.
bool parse_memmap_entry(std::string_view start, std::string_view end, std::string_view type,
                        E820Entry& out);
// "processor : N" / "apicid : N" pairs of /proc/cpuinfo (online CPUs only list there).
std::vector<CpuInfo> parse_cpuinfo(std::string_view text);
// /proc/tty/driver/serial: the legacy UARTs (bit n: UART n of BATON_UART_PORTS) that A's 8250
// driver found ("uart:" not "unknown").
uint32_t legacy_uarts(std::string_view proc_serial);
// Whether A's local APICs are in x2APIC mode: its CPUs have the feature (/proc/cpuinfo's
// first "flags" line) and A's command line does not turn it off (nox2apic).
bool a_runs_x2apic(std::string_view cpuinfo, std::string_view cmdline);
// Whether A's command line has `param` (exact `key=value` or a bare key).
bool cmdline_has(std::string_view cmdline, std::string_view param);
// A sysfs CPU list ("0-3,5\n"): how many CPUs it names; nullopt if it is not one.
std::optional<size_t> count_cpu_list(std::string_view text);
// The integer value of `name` (e.g. CONFIG_NR_CPUS) in a kernel .config; nullopt if it is
// not set, given twice or not a decimal number.
std::optional<uint64_t> kconfig_number(std::string_view config, std::string_view name);
// Whether `name` (e.g. CONFIG_BATON_GUEST) is =y in a kernel .config.
bool kconfig_enabled(std::string_view config, std::string_view name);
// Whether /proc/self/status's CapEff has capability `cap` (CAP_SYS_BOOT = 22); nullopt if
// the text has no readable CapEff line.
std::optional<bool> has_capability(std::string_view proc_status, unsigned cap);
// The active mode of /sys/kernel/security/lockdown ("none [integrity] confidentiality" ->
// "integrity"); "" if the text names none.
std::string lockdown_mode(std::string_view text);

}  // namespace baton::cli
