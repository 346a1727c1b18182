// SPDX-License-Identifier: GPL-2.0
// `baton plan`'s inputs on the reference machine, as saved from Debian's 6.1 in QEMU, for the
// planner's tests.
#pragma once

#include <catch2/catch.hpp>

#include <string>

#include "acpi_fixture.h"
#include "planner.h"

namespace baton::test {

using namespace baton::cli;

// /proc/iomem of Debian's 6.1 on the reference machine (4 vCPUs, 2 GiB, crashkernel=512M@256M
// memmap=64K$0x20000 movablecore=1536M), as read in the a-boots scenario.
inline const char* kIomem = R"(00000000-00000fff : Reserved
00001000-0001ffff : System RAM
00020000-0002ffff : Reserved
00030000-0009fbff : System RAM
0009fc00-0009ffff : Reserved
000a0000-000bffff : PCI Bus 0000:00
000f0000-000fffff : Reserved
  000f0000-000fffff : System ROM
00100000-7ffdffff : System RAM
  01000000-01e02556 : Kernel code
  10000000-2fffffff : Crash kernel
7ffe0000-7fffffff : Reserved
80000000-febfffff : PCI Bus 0000:00
fec00000-fec003ff : IOAPIC 0
fee00000-fee00fff : Local APIC
fffc0000-ffffffff : Reserved
)";

inline const char* kCpuinfo = "processor\t: 0\napicid\t\t: 0\n\nprocessor\t: 1\napicid\t\t: 1\n\n"
                              "processor\t: 2\napicid\t\t: 2\n\nprocessor\t: 3\napicid\t\t: 3\n";

inline const char* kCmdline = "console=ttyS0,115200 crashkernel=512M@256M memmap=64K$0x20000 "
                              "no_ipi_broadcast=1 nox2apic nokaslr panic=0\n";

inline std::string text(const Bytes& b) { return std::string(b.begin(), b.end()); }

// QEMU pc's MADT (/sys/firmware/acpi/tables/APIC): 4 CPUs, one IOAPIC, its overrides.
inline Bytes qemu_madt_body()
{
    Bytes b = madt_fixed();
    for (uint8_t id = 0; id < 4; id++)
        lapic(b, id, id);
    ioapic(b, 0, 0xfec00000, 0);
    iso(b, 0, 2);
    for (uint8_t irq : {5, 9, 10, 11})
        iso(b, irq, irq, 0x0d);
    b.insert(b.end(), {4, 6, 0xff, 0, 0, 1});  // local APIC NMI
    return b;
}

inline MachineFacts reference()
{
    MachineFacts f;
    f.iomem = parse_iomem(kIomem);
    f.cpus = parse_cpuinfo(kCpuinfo);
    f.cmdline = kCmdline;
    const char* memmap[][3] = {{"0x0", "0x9fbff", "System RAM"},
                               {"0x9fc00", "0x9ffff", "Reserved"},
                               {"0xf0000", "0xfffff", "Reserved"},
                               {"0x100000", "0x7ffdffff", "System RAM"},
                               {"0x7ffe0000", "0x7fffffff", "Reserved"},
                               {"0xfffc0000", "0xffffffff", "Reserved"}};
    for (auto& m : memmap) {
        E820Entry e;
        REQUIRE(parse_memmap_entry(m[0], m[1], m[2], e));
        f.firmware.push_back(e);
    }
    // 128 MiB blocks; movablecore=1536M makes blocks 4 and up ZONE_MOVABLE.
    for (uint64_t i = 0; i < 16; i++)
        f.blocks.push_back({i << 27, 1ull << 27, i >= 4});
    f.madt = text(sdt("APIC", qemu_madt_body()));  // no SRAT, no MCFG (i440fx)
    return f;
}

// What `baton plan` passes besides the operator's options: B's CONFIG_NR_CPUS (B's build).
inline PlanOptions b8()
{
    PlanOptions o;
    o.b_nr_cpus = 8;
    o.b_config = "/usr/lib/baton/bzImage.config";
    return o;
}

inline std::string refused(const MachineFacts& f, const PlanOptions& o)
{
    auto r = make_plan(f, o);
    REQUIRE(!r);
    return r.error.what;
}

inline const LaunchPlan& planned(const Expected<LaunchPlan>& r)
{
    if (!r)
        FAIL(r.error.what);
    return *r.value;
}

}  // namespace baton::test
