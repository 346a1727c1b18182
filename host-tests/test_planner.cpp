// SPDX-License-Identifier: GPL-2.0
// `baton plan` on saved machine facts: the reference machine, and every refusal.
#include <catch2/catch.hpp>

#include <string>

#include "planner_fixture.h"

using namespace baton;
using namespace baton::cli;
using namespace baton::test;

TEST_CASE("facts: /proc/iomem nesting and names")
{
    auto io = parse_iomem(kIomem);
    REQUIRE(io.size() == 16);
    CHECK(io[2].begin == 0x20000);
    CHECK(io[2].end == 0x30000);
    CHECK(io[2].name == "Reserved");
    CHECK(io[10].name == "Crash kernel");
    CHECK(io[10].depth == 1);
}

TEST_CASE("facts: cpuinfo, cmdline, memmap types")
{
    auto cpus = parse_cpuinfo(kCpuinfo);
    REQUIRE(cpus.size() == 4);
    CHECK(cpus[3].cpu == 3);
    CHECK(cpus[3].apic_id == 3);
    CHECK(cmdline_has(kCmdline, "no_ipi_broadcast=1"));
    CHECK_FALSE(cmdline_has(kCmdline, "no_ipi_broadcast"));
    CHECK_FALSE(cmdline_has("no_ipi_broadcast=10", "no_ipi_broadcast=1"));
    E820Entry e;
    REQUIRE(parse_memmap_entry("0x3f000000", "0x3f00ffff\n", "ACPI Tables\n", e));
    CHECK(e.type == E820Type::acpi);
    CHECK(e.range.size() == 0x10000u);
    REQUIRE(parse_memmap_entry("0x0", "0xfff", "Soft Reserved", e));
    CHECK(e.type == E820Type::reserved);
    CHECK_FALSE(parse_memmap_entry("0x2000", "0x1000", "System RAM", e));
    CHECK_FALSE(parse_memmap_entry("zz", "0x1000", "System RAM", e));
}

TEST_CASE("plan: the reference machine's default plan")
{
    const auto r = make_plan(reference(), b8());
    const LaunchPlan& lp = planned(r);
    // late: A's RAM above 1 MiB in partial blocks (the first; the last, which has the
    // firmware's ACPI area in it); hot: the whole blocks outside the partition, movable or
    // not (0x8000000+128M has A's kernel in it: B hot-adds it when A stops).
    CHECK(lp.text() == "partition=0x10000000+0x20000000 cpus=2,3 "
                       "late=0x100000+0x7f00000,0x78000000+0x7fe0000 "
                       "hot=0x8000000+0x8000000,0x30000000+0x48000000");
    REQUIRE(lp.cpus.size() == 2);
    CHECK(lp.cpus[0].a_cpu == 2);
    CHECK(lp.cpus[0].apic_id == 2);
    CHECK(lp.plan.b_ram().begin() == 0x10200000);
    REQUIRE(lp.b_e820.count == 11);
    CHECK(lp.b_e820.entries[1].range.begin() == window_low_ram(0).begin());
    CHECK(lp.b_e820.entries[1].range.end() == 0x30000);
    // Late RAM is RAM in B's map (B reserves it until A stops); hot blocks are reserved.
    CHECK(lp.b_e820.entries[4].range.begin() == 0x100000);
    CHECK(lp.b_e820.entries[4].type == E820Type::ram);
    CHECK(lp.b_e820.entries[7].range.begin() == 0x30000000);
    CHECK(lp.b_e820.entries[7].type == E820Type::reserved);
    CHECK(lp.b_e820.entries[8].range.end() == 0x7ffe0000);
    CHECK(lp.b_e820.entries[8].type == E820Type::ram);
}

TEST_CASE("plan: without memory hotplug all of A's RAM is late")
{
    MachineFacts f = reference();
    f.blocks.clear();
    const auto r = make_plan(f, b8());
    const LaunchPlan& lp = planned(r);
    CHECK(lp.text() == "partition=0x10000000+0x20000000 cpus=2,3 "
                       "late=0x100000+0xff00000,0x30000000+0x4ffe0000");
}

TEST_CASE("plan: options")
{
    PlanOptions o = b8();
    o.cpus = {1};
    o.partition = "0x18000000+256M";
    o.pci = {"00:05.0"};
    const auto r = make_plan(reference(), o);
    const LaunchPlan& lp = planned(r);
    // The crash region outside the partition is A's (reserved) RAM: late or hot like the rest.
    CHECK(lp.text() == "partition=0x18000000+0x10000000 cpus=1 pci=00:05.0 "
                       "late=0x100000+0x7f00000,0x78000000+0x7fe0000 "
                       "hot=0x8000000+0x10000000,0x28000000+0x50000000");
}

TEST_CASE("plan: refusals name the fix")
{
    MachineFacts f = reference();
    PlanOptions o = b8();
    SECTION("CPU 0")
    {
        o.cpus = {0, 1};
        CHECK(refused(f, o) == "CPU 0 stays with A: it is the boot CPU and cannot be offlined");
    }
    SECTION("a CPU that does not exist")
    {
        o.cpus = {7};
        CHECK(refused(f, o) == "CPU 7 does not exist (A has CPUs 0,1,2,3)");
    }
    SECTION("a CPU twice")
    {
        o.cpus = {2, 2};
        CHECK(refused(f, o) == "CPU 2 is listed twice");
    }
    SECTION("partition outside the crashkernel region")
    {
        o.partition = "0x40000000+512M";
        CHECK(refused(f, o) == "partition 0x40000000-0x5fffffff is outside the crashkernel "
                               "region 0x10000000-0x2fffffff");
    }
    SECTION("partition smaller than B needs")
    {
        o.partition = "0x10000000+32M";
        o.have_kernel = true;
        o.kernel.init_size = 0xe14000;
        o.kernel.alignment = 0x200000;
        o.kernel.relocatable = true;
        o.kernel.pref_address = 0x1000000;
        o.kernel.initrd_max = 0x7fffffff;
        o.initrd_size = 1 << 20;
        CHECK(refused(f, o).find("leaves B less than 48 MiB") != std::string::npos);
    }
    SECTION("A without crashkernel=")
    {
        f.iomem = parse_iomem("00100000-7ffdffff : System RAM\n00020000-0002ffff : Reserved\n");
        CHECK(refused(f, o) == "A has no crashkernel region for B: boot A with crashkernel=512M@256M");
    }
    SECTION("A without the low window")
    {
        f.iomem = parse_iomem("00001000-0009fbff : System RAM\n  40000000-5fffffff : Crash kernel\n");
        CHECK(refused(f, o) == "the low window 0x20000-0x2ffff is this kernel's RAM: boot it with memmap=64K$0x20000");
    }
    SECTION("A without no_ipi_broadcast=1")
    {
        f.cmdline = "console=ttyS0 crashkernel=512M@1G memmap=64K$0x20000";
        CHECK(refused(f, o) == "A broadcasts IPIs that would hit B's CPUs: boot A with no_ipi_broadcast=1");
    }
    SECTION("a malformed PCI function")
    {
        o.pci = {"0:5.0"};
        CHECK(refused(f, o) == "plan: pci=0:5.0: expected BB:DD.F (hex bus, device, function)");
    }
}

TEST_CASE("facts: the legacy UARTs A's 8250 driver found")
{
    const char* serial = "serinfo:1.0 driver revision:\n"
                         "0: uart:16550A port:000003F8 irq:4 tx:3054 rx:119 RTS|DTR\n"
                         "1: uart:16550A port:000002F8 irq:3 tx:0 rx:0\n"
                         "2: uart:unknown port:000003E8 irq:4\n"
                         "3: uart:unknown port:000002E8 irq:3\n";
    CHECK(legacy_uarts(serial) == 0x3);
    CHECK(legacy_uarts("") == 0);
    CHECK(legacy_uarts("0: uart:16550A port:00001000 irq:9\n") == 0);
}

TEST_CASE("pci_bdf names a function the way the plan spells it")
{
    CHECK(pci_bdf(0x20) == "00:04.0");
    CHECK(pci_bdf(0xff << 8 | 0x1f << 3 | 7) == "ff:1f.7");
    auto back = baton::parse_bdf(baton::Str("00:05.0", 7));
    REQUIRE(back.ok());
    CHECK(pci_bdf(back.value()) == "00:05.0");
}

TEST_CASE("plan: a machine beyond the ledger, the record or B is refused up front")
{
    MachineFacts f = reference();
    PlanOptions o = b8();
    SECTION("more CPUs than B's NR_CPUS: the 10-vCPU machine whose handover stopped at cpu 7")
    {
        f.present_cpus = 10;
        CHECK(refused(f, o) == "this machine has 10 CPUs but B's kernel runs at most 8 "
                               "(CONFIG_NR_CPUS in /usr/lib/baton/bzImage.config): build B "
                               "with CONFIG_NR_CPUS=10 or more");
    }
    SECTION("offline CPUs count: B gets every CPU of the machine in the end")
    {
        f.present_cpus = 9;  // /proc/cpuinfo lists only the 4 online ones
        CHECK(refused(f, o).find("has 9 CPUs") != std::string::npos);
    }
    SECTION("more CPUs than the ledger holds")
    {
        f.present_cpus = BATON_MAX_CPUS + 1;
        o.b_nr_cpus = 8192;
        CHECK(refused(f, o) == "this machine has " + std::to_string(BATON_MAX_CPUS + 1) +
                                   " CPUs; the ledger holds " + std::to_string(BATON_MAX_CPUS) +
                                   " (BATON_MAX_CPUS)");
    }
    SECTION("exactly what B runs is fine")
    {
        f.present_cpus = 8;
        CHECK(bool(make_plan(f, o)));
    }
    SECTION("more --pci functions than the record holds")
    {
        for (unsigned i = 0; i <= BATON_MAX_PCI; i++)
            o.pci.push_back(pci_bdf(0x100 + (i << 3)));
        CHECK(refused(f, o) == "--pci names " + std::to_string(BATON_MAX_PCI + 1) +
                                   " PCI functions; B's partition record holds " +
                                   std::to_string(BATON_MAX_PCI) + " (BATON_MAX_PCI)");
    }
    SECTION("more driven PCI functions than B adopts in the handover; bridges do not count")
    {
        for (uint32_t i = 0; i < BATON_MAX_PCI; i++)
            f.pci.push_back({0x100 + (i << 3), true, false});
        f.pci.push_back({0x0, true, true});    // the host bridge stays
        f.pci.push_back({0x8, false, false});  // no driver in A: nothing to hand over
        CHECK(bool(make_plan(f, o)));
        f.pci.push_back({0x200, true, false});
        CHECK(refused(f, o) == "A drives " + std::to_string(BATON_MAX_PCI + 1) +
                                   " PCI functions; B adopts at most " +
                                   std::to_string(BATON_MAX_PCI) + " in the handover (BATON_MAX_PCI)");
    }
    SECTION("a firmware memory map longer than the launch block holds")
    {
        while (f.firmware.size() <= BATON_LAUNCH_MAX_E820)
            f.firmware.push_back({PhysRange(PhysAddr(0x100000000ull + f.firmware.size() * 0x2000),
                                            0x1000), E820Type::reserved});
        CHECK(refused(f, o).find("has 129 entries; the launch block holds 128") !=
              std::string::npos);
    }
    SECTION("more movable blocks than the ledger tracks")
    {
        // 70 more movable 128 MiB blocks above 4 GiB, with the 9 below: 79 moves.
        f.firmware.push_back({PhysRange(PhysAddr(0x100000000ull), 70ull << 27), E820Type::ram});
        for (uint64_t i = 32; i < 32 + 70; i++)
            f.blocks.push_back({i << 27, 1ull << 27, true});
        CHECK(refused(f, o) == "A's movable memory is 79 memory blocks; the ledger tracks 64 "
                               "memory moves (BATON_MAX_MEM)");
    }
    SECTION("unmovable blocks take no ledger slot: B hot-adds them when A stops")
    {
        // 70 more 128 MiB blocks above 4 GiB in ZONE_NORMAL: hot, but never released.
        f.firmware.push_back({PhysRange(PhysAddr(0x100000000ull), 70ull << 27), E820Type::ram});
        for (uint64_t i = 32; i < 32 + 70; i++)
            f.blocks.push_back({i << 27, 1ull << 27, false});
        CHECK(planned(make_plan(f, o)).text().ends_with(",0x100000000+0x230000000"));
    }
}
