// SPDX-License-Identifier: GPL-2.0
// The handover's order: NICs, CPUs highest first, hot memory in address order, CPU 0 last.
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "handover_steps.h"

using namespace baton;
using namespace baton::cli;

namespace {

constexpr uint64_t M = 1ull << 20;

HandoverInputs reference()
{
    HandoverInputs in;
    in.pci = {{0x0000, "0000:00:00.0", "", 0x060000},        // host bridge, no driver
              {0x0008, "0000:00:01.0", "", 0x060100},        // ISA bridge
              {0x0020, "0000:00:04.0", "virtio-pci", 0x020000},
              {0x0028, "0000:00:05.0", "", 0x020000},        // B's NIC: no driver of A's
              {0x0030, "0000:00:06.0", "pcieport", 0x060400}};  // a bridge with a driver
    in.online_cpus = {0, 1};
    in.blocks = {{0x48000000, 128 * M, "online", "Movable"},
                 {0x08000000, 128 * M, "online", "Normal"},
                 {0x30000000, 128 * M, "online", "DMA32 Normal Movable"},
                 {0x38000000, 128 * M, "offline", "none"},
                 {0x40000000, 128 * M, "online", "Movable"},
                 {0x00000000, 128 * M, "online", "DMA"}};
    in.hot = {PhysRange(PhysAddr(0x30000000), 0x20000000)};
    return in;
}

std::vector<std::string> lines(const std::vector<HandoverStep>& steps)
{
    std::vector<std::string> out;
    for (const auto& s : steps)
        out.push_back(s.name + ": " + s.note);
    return out;
}

}  // namespace

TEST_CASE("handover steps: the reference machine")
{
    const auto steps = handover_steps(reference());
    CHECK(lines(steps) == std::vector<std::string>{
                              "pci 00:04.0: -> B (was virtio-pci in A)",
                              "cpu 1: -> B",
                              "mem 0x30000000+128M: stays with A until it stops (not movable)",
                              "mem 0x38000000+128M: stays with A until it stops (offline)",
                              "mem 0x40000000+128M: -> B",
                              "mem 0x48000000+128M: -> B",
                              "cpu 0: A stops now, B adopts it",
                          });
    CHECK(steps[0].pci_id == 0x20);
    CHECK(steps[1].cpu == 1);
    CHECK_FALSE(steps[2].moves_now);
    CHECK(steps[4].moves_now);
    CHECK(steps[4].base == 0x40000000);
    CHECK(steps[4].size == 128 * M);
    CHECK(steps.back().kind == HandoverStep::Kind::stop);
}

TEST_CASE("handover steps: in a kernel baton launched the BSP goes with the last step")
{
    HandoverInputs in = reference();
    in.pci.clear();
    in.blocks.clear();
    in.online_cpus = {3, 0, 2, 5, 2};  // any order, a duplicate
    in.bsp = 2;
    const auto steps = handover_steps(in);
    CHECK(lines(steps) == std::vector<std::string>{"cpu 5: -> B", "cpu 3: -> B",
                                                   "cpu 0: A stops now, B adopts it"});
}

TEST_CASE("handover steps: nothing to move but the last step; hostile blocks are skipped")
{
    HandoverInputs in;
    in.online_cpus = {0};
    in.blocks = {{0, 0, "online", "Movable"}, {~0ull - 10, 128 * M, "online", "Movable"}};
    in.hot = {PhysRange(PhysAddr(0), ~0ull)};
    const auto steps = handover_steps(in);
    REQUIRE(steps.size() == 1);
    CHECK(steps[0].name == "cpu 0");
    // A block only partly inside a hot range stays out of the handover.
    HandoverInputs part = reference();
    part.hot = {PhysRange(PhysAddr(0x30000000), 64 * M)};
    for (const auto& s : handover_steps(part))
        CHECK(s.kind != HandoverStep::Kind::mem);
}
