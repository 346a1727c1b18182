// SPDX-License-Identifier: GPL-2.0
// `baton plan` in a kernel baton launched (B hosting the next kernel of a chain): the facts
// its baton.ko shows, the partition set aside from its movable memory, the other low window,
// the other UART, and the machine's BSP kept for the last step.
#include <catch2/catch.hpp>

#include "planner_fixture.h"

using namespace baton;
using namespace baton::test;

namespace {

// B after the handover on the reference machine: its e820 reserved what was A's below 1 MiB
// (window 1 among it), no crash region; A's movable blocks (6-14) are B's, online movable;
// B numbers its CPUs in the order it got them (APIC 2 and 3 at launch, 1, then A's BSP).
MachineFacts b_host()
{
    MachineFacts f = reference();
    f.iomem = parse_iomem(R"(00000000-00025fff : Reserved
00026000-0002ffff : System RAM
00030000-0009fbff : Reserved
0009fc00-0009ffff : Reserved
000a0000-000bffff : PCI Bus 0000:00
000f0000-000fffff : Reserved
00100000-7ffdffff : System RAM
  11000000-11e02556 : Kernel code
7ffe0000-7fffffff : Reserved
80000000-febfffff : PCI Bus 0000:00
fee00000-fee00fff : Local APIC
fffc0000-ffffffff : Reserved
)");
    f.cpus = parse_cpuinfo("processor\t: 0\napicid\t\t: 2\n\nprocessor\t: 1\napicid\t\t: 3\n\n"
                           "processor\t: 2\napicid\t\t: 1\n\nprocessor\t: 3\napicid\t\t: 0\n");
    f.cmdline = "console=ttyS1,115200 no_ipi_broadcast=1 nokaslr "
                "memhp_default_state=online_movable tsc=unstable\n";
    f.blocks.clear();
    for (uint64_t i = 0; i < 16; i++)
        f.blocks.push_back({i << 27, 1ull << 27, i >= 6 && i <= 14});
    f.guest = true;
    f.guest_state = BATON_STATE_HANDED_OVER;
    f.window = 1;
    f.bsp_cpu = 3;
    return f;
}

}  // namespace

TEST_CASE("plan in a kernel baton launched: the next kernel's partition is set aside")
{
    const auto r = make_plan(b_host(), b8());
    const LaunchPlan& lp = planned(r);
    // The lowest 512 MiB of movable blocks (6-9); the other window; COM1, B's console being
    // COM2; CPUs 1 and 2 (APIC 3 and 1): CPU 0 and the BSP (CPU 3) leave last.
    CHECK(lp.text() == "partition=0x30000000+0x20000000 cpus=3,1 window=1 console=0x3f8 "
                       "late=0x100000+0x7f00000,0x78000000+0x7fe0000 "
                       "hot=0x8000000+0x28000000,0x50000000+0x28000000");
    CHECK(lp.set_aside);
    CHECK(lp.crash_region.begin() == 0x30000000);
    CHECK(lp.plan.low.begin() == 0x36000);
    CHECK(lp.plan.console_port == 0x3f8);
    // An explicit partition of movable blocks is taken as asked.
    PlanOptions o = b8();
    o.partition = "0x58000000+0x20000000";
    const auto asked = make_plan(b_host(), o);
    CHECK(planned(asked).plan.partition.begin() == 0x58000000);
}

TEST_CASE("plan in a kernel baton launched: refusals")
{
    MachineFacts f = b_host();
    f.guest_state = BATON_STATE_B_RUNNING;
    CHECK(refused(f, b8()) == "this kernel still shares the machine with the kernel that "
                              "launched it: it hosts the next one once the handover is done");
    f = b_host();
    f.bsp_cpu = -1;
    CHECK(refused(f, b8()).starts_with("the machine's boot CPU (BSP) is offline in this kernel"));
    PlanOptions o = b8();
    o.cpus = {3};
    CHECK(refused(b_host(), o) == "CPU 3 is the machine's boot CPU (BSP), which no INIT may "
                                  "reach: it leaves last, in the handover's last step");
    // B's own partition (blocks 2-5) is not movable; neither is a range past block 14.
    o = b8();
    o.partition = "0x10000000+0x20000000";
    CHECK(refused(b_host(), o).starts_with("--partition 0x10000000+0x20000000: this kernel can "
                                           "set aside only whole memory blocks"));
    o.partition = "0x68000000+0x20000000";
    CHECK(refused(b_host(), o).starts_with("--partition 0x68000000+0x20000000:"));
    o.partition = "0x30000000";
    CHECK(refused(b_host(), o) == "--partition 0x30000000: expected BASE+SIZE");
    f = b_host();
    for (MemoryBlockFact& b : f.blocks)
        b.movable = b.movable && (b.base >> 27) % 3 == 0;  // no four in a row
    CHECK(refused(f, b8()).starts_with("this kernel has no 512 MiB run of movable memory"));
}

TEST_CASE("facts: what baton.ko shows in a kernel baton launched")
{
    auto map = parse_firmware_memmap("0x0 0x9fbff 1\n0x9fc00 0x9ffff 2\n0x100000 0x7ffdffff 1\n");
    REQUIRE(map);
    REQUIRE(map->size() == 3);
    CHECK((*map)[0].range.end() == 0x9fc00);
    CHECK((*map)[1].type == E820Type::reserved);
    CHECK((*map)[2].type == E820Type::ram);
    CHECK(parse_firmware_memmap("")->empty());
    for (const char* bad : {"0x0 0x9fbff", "0x0 0x9fbff x", "0x10 0x0 1", "0x0 0x9fbff 0",
                            "zz 0x9fbff 1", "0x0 0xffffffffffffffff 1"})
        CHECK_FALSE(parse_firmware_memmap(bad));

    auto h = parse_host_status("low_window: 0x30000-0x3ffff reserved\nbsp: CPU 3\nstate: empty\n");
    REQUIRE(h);
    CHECK(h->window == 1);
    CHECK(h->bsp_cpu == 3);
    h = parse_host_status("low_window: 0x20000-0x2ffff reserved\nbsp: offline\n");
    REQUIRE(h);
    CHECK(h->window == 0);
    CHECK(h->bsp_cpu == -1);
    CHECK_FALSE(parse_host_status("state: empty\n"));
    CHECK_FALSE(parse_host_status("low_window: 0x40000-0x4ffff reserved\n"));
    CHECK_FALSE(parse_host_status("low_window: 0x20000-0x2ffff reserved\nbsp: CPU x\n"));
}

TEST_CASE("guest_console: the UARTs alternate along a chain")
{
    CHECK(guest_console("console=ttyS0,115200 crashkernel=512M@256M") == 0x2f8);
    CHECK(guest_console("console=ttyS1,115200 no_ipi_broadcast=1") == 0x3f8);
    CHECK(guest_console("console=ttyS1") == 0x3f8);
    CHECK(guest_console("") == 0x2f8);
    CHECK(guest_console("console=ttyS10") == 0x2f8);
    // As /proc/cmdline shows it: a newline at the end, and any run of blanks between words.
    CHECK(guest_console("nokaslr\tconsole=ttyS1,115200\n") == 0x3f8);
    CHECK(guest_console("  console=ttyS0   console=ttyS1\n") == 0x3f8);
    CHECK(cmdline_has("a  no_ipi_broadcast=1\n", "no_ipi_broadcast=1"));
    CHECK_FALSE(cmdline_has("  \n", ""));
}
