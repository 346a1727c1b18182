// SPDX-License-Identifier: GPL-2.0
// A CPU's APIC ID from CPUID, on machines with more than 255 of them.  The register values
// are built from the SDM's definitions (Vol. 2A, CPUID leaves 01H, 0BH and 1FH) for real
// topologies: leaf 1 EBX[31:24] keeps only the low byte of the ID, the topology leaves' EDX
// all of it; subleaf 0 describes the SMT level (EAX[4:0]: shift to the core level, EBX[15:0]:
// logical processors at this level, ECX[15:8]: level type 1 = SMT, ECX[7:0]: subleaf).
#include <catch2/catch.hpp>

#include "lib/apic_id.h"

using namespace baton;

namespace {

constexpr CpuidRegs leaf1_for(uint32_t apic_id, uint32_t logical_per_package)
{
    // EBX: initial APIC ID[31:24] | logical processors per package[23:16] | CLFLUSH 8 (64 B).
    return {0x000806f8, (apic_id & 0xff) << 24 | logical_per_package << 16 | 0x0800, 0x7ffefbff,
            0xbfebfbff};
}

constexpr CpuidRegs smt_level(uint32_t x2apic_id)
{
    return {1, 2, 1u << 8 | 0, x2apic_id};  // shift 1, 2 threads, type SMT, subleaf 0
}

}  // namespace

TEST_CASE("apic id: 8-socket Sapphire Rapids, socket 3, core 5, thread 1 (x2APIC ID 395)")
{
    // 60 cores x 2 threads: SMT shift 1, core shift 7 (128 IDs a package), package 3 at 384.
    const uint32_t id = 3u << 7 | 5u << 1 | 1;
    REQUIRE(id == 395);
    const ApicIdLeaves c{0x20, leaf1_for(id, 128), smt_level(id), smt_level(id)};
    CHECK(c.leaf1.ebx >> 24 == 139);  // what the trampoline used to take: another CPU's ID
    CHECK(decode_apic_id(c) == 395);
}

TEST_CASE("apic id: 2-socket EPYC 9654 (no leaf 0x1f), socket 1, CCD 11, core 7, thread 1")
{
    // Genoa: thread bit 0, core bits 3:1, CCD bits 7:4, socket bit 8; highest basic leaf 0x10.
    const uint32_t id = 1u << 8 | 11u << 4 | 7u << 1 | 1;
    REQUIRE(id == 447);
    ApicIdLeaves c{0x10, leaf1_for(id, 0x80), smt_level(id), {}};
    CHECK(decode_apic_id(c) == 447);
    // Leaf 0x1f data the CPU would return for an unsupported leaf is never believed.
    c.leaf1f = smt_level(9999);
    CHECK(decode_apic_id(c) == 447);
}

TEST_CASE("apic id: leaf 0x1f reported but empty falls back to leaf 0xb")
{
    const ApicIdLeaves c{0x1f, leaf1_for(300, 128), smt_level(300), {0, 0, 0x1f, 300}};
    CHECK(decode_apic_id(c) == 300);
}

TEST_CASE("apic id: leaf 0x1f wins over 0xb where both are valid")
{
    // A hybrid part's 0xb and 0x1f agree on EDX; a made-up disagreement shows the order.
    const ApicIdLeaves c{0x20, leaf1_for(0x40, 16), smt_level(0x40), smt_level(0x1040)};
    CHECK(decode_apic_id(c) == 0x1040);
}

TEST_CASE("apic id: CPUs without the topology leaves use leaf 1")
{
    SECTION("Core 2 (highest basic leaf 0xa)")
    {
        const ApicIdLeaves c{0xa, leaf1_for(6, 4), {}, {}};
        CHECK(decode_apic_id(c) == 6);
    }
    SECTION("a hypervisor that zeroes leaf 0xb (QEMU cpuid-0xb=off)")
    {
        const ApicIdLeaves c{0xd, leaf1_for(3, 4), {0, 0, 0, 0}, {}};
        CHECK(decode_apic_id(c) == 3);
    }
    SECTION("QEMU's qemu64, 4 vCPUs: leaf 0xb says the same as leaf 1")
    {
        const ApicIdLeaves c{0xd, leaf1_for(3, 4), {0, 1, 1u << 8, 3}, {}};
        CHECK(decode_apic_id(c) == 3);
    }
}

TEST_CASE("apic id: which IDs an IPI can address")
{
    CHECK(apic_id_addressable(0, false));
    CHECK(apic_id_addressable(254, false));
    CHECK_FALSE(apic_id_addressable(255, false));  // xAPIC's physical broadcast
    CHECK_FALSE(apic_id_addressable(256, false));  // would be cut to 0
    CHECK_FALSE(apic_id_addressable(395, false));  // would be cut to 139
    CHECK(apic_id_addressable(255, true));
    CHECK(apic_id_addressable(395, true));
    CHECK(apic_id_addressable(0xfffffffe, true));
    CHECK_FALSE(apic_id_addressable(0xffffffff, true));  // x2APIC's broadcast
}
