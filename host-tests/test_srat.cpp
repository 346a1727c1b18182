// SPDX-License-Identifier: GPL-2.0
// The SRAT's NUMA nodes for B's partition record: CPUs by (x2)APIC ID, memory ranges, and
// every hostile table refused with a message.
#include <catch2/catch.hpp>

#include <string>

#include "acpi_fixture.h"
#include "lib/srat.h"

using namespace baton;
using namespace baton::test;

namespace {

// A 2-socket machine: node 0 has APIC IDs 0-1 and the RAM below 34 GiB, node 1 (socket 1,
// IDs from 256, as x2APIC entries) the RAM above, hot-pluggable in part.  Entries the SRAT
// has besides: a disabled CPU and a disabled memory range, a zero-length range, a GICC entry.
Bytes two_socket_srat(uint8_t rev = 3)
{
    Bytes b = srat_fixed();
    srat_lapic(b, 0, 0);
    srat_lapic(b, 1, 0);
    srat_x2apic(b, 256, 1);
    srat_x2apic(b, 300, 1);
    srat_x2apic(b, 302, 7, 0);  // disabled
    srat_memory(b, 0, 0xa0000, 0);
    srat_memory(b, 0x100000, 0x7ff00000, 0);
    srat_memory(b, 0x100000000, 0x780000000, 0);
    srat_memory(b, 0x880000000, 0x400000000, 1);
    srat_memory(b, 0xc80000000, 0x400000000, 1, kMemEnabled | kMemHotPluggable);
    srat_memory(b, 0x1080000000, 0x400000000, 1, 0);  // disabled: not memory of this machine
    srat_memory(b, 0x2000000000, 0, 1);                // empty
    b.insert(b.end(), 18, 0);
    b[b.size() - 18] = 3;  // GICC affinity (arm64): skipped
    b[b.size() - 17] = 18;
    return sdt("SRAT", b, rev);
}

struct Cpus {
    uint32_t ids[4] = {300, 1, 256, 5};
    uint16_t nodes[4] = {};
    SratCpus list() { return {ids, 4, nodes}; }
};

std::string refusal(const Bytes& t)
{
    Cpus c;
    const SratCpus l = c.list();
    auto r = parse_srat(as_table(t), &l, 1);
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().code == Errc::acpi);
    return r.error().msg.c_str();
}

}  // namespace

TEST_CASE("srat: the nodes of CPUs and memory")
{
    const Bytes t = two_socket_srat();
    Cpus b, other;
    other.ids[0] = 0;
    other.ids[1] = 302;  // disabled in the SRAT: unknown
    const SratCpus lists[] = {b.list(), {other.ids, 2, other.nodes}};
    auto r = parse_srat(as_table(t), lists, 2);
    INFO((r.ok() ? "" : r.error().msg.c_str()));
    REQUIRE(r.ok());
    CHECK(b.nodes[0] == 1);
    CHECK(b.nodes[1] == 0);
    CHECK(b.nodes[2] == 1);
    CHECK(b.nodes[3] == BATON_NO_NODE);  // APIC ID 5: the SRAT does not say
    CHECK(other.nodes[0] == 0);
    CHECK(other.nodes[1] == BATON_NO_NODE);
    CHECK(other.nodes[2] == 0);  // beyond the list's n: untouched
    const SratMemory& m = r.value();
    REQUIRE(m.nranges == 5);
    CHECK(m.ranges[0].base == 0);
    CHECK(m.ranges[0].size == 0xa0000);
    CHECK(m.ranges[3].base == 0x880000000);
    CHECK(m.ranges[3].node == 1);
    CHECK(m.ranges[3].hotplug == 0);
    CHECK(m.ranges[4].hotplug == 1);
}

TEST_CASE("srat: proximity domains wider than 8 bits, by table revision")
{
    Bytes b = srat_fixed();
    srat_lapic(b, 4, 0x201);  // domain bits 31:8 in bytes 9-11 since ACPI 3.0
    srat_x2apic(b, 4096, 0x1234);
    srat_memory(b, 0x100000000, 0x40000000, 0x105);
    uint32_t ids[] = {4, 4096};
    uint16_t nodes[2];
    const SratCpus l{ids, 2, nodes};
    SECTION("revision 3: all 32 bits")
    {
        auto r = parse_srat(as_table(sdt("SRAT", b, 3)), &l, 1);
        REQUIRE(r.ok());
        CHECK(nodes[0] == 0x201);
        CHECK(nodes[1] == 0x1234);
        CHECK(r.value().ranges[0].node == 0x105);
    }
    SECTION("revision 1: the upper bytes were reserved")
    {
        auto r = parse_srat(as_table(sdt("SRAT", b, 1)), &l, 1);
        REQUIRE(r.ok());
        CHECK(nodes[0] == 1);
        CHECK(r.value().ranges[0].node == 5);
    }
}

TEST_CASE("srat: hostile tables are refused, naming the problem")
{
    SECTION("an entry with length 0")
    {
        Bytes b = srat_fixed();
        srat_lapic(b, 0, 0);
        b.insert(b.end(), {1, 0});
        CHECK(refusal(sdt("SRAT", b, 3)) == "SRAT: entry at offset 64 has a bad length");
    }
    SECTION("an entry that runs past the table")
    {
        Bytes b = srat_fixed();
        srat_memory(b, 0, 1 << 20, 0);
        b.resize(b.size() - 8);
        CHECK(refusal(sdt("SRAT", b, 3)) == "SRAT: entry at offset 48 has a bad length");
    }
    SECTION("a memory entry shorter than its type")
    {
        Bytes b = srat_fixed();
        b.insert(b.end(), {1, 24});
        b.insert(b.end(), 22, 0);
        CHECK(refusal(sdt("SRAT", b, 3)) == "SRAT: entry at offset 48 (type 1) is shorter than its type");
    }
    SECTION("truncated: the header says more than there is")
    {
        Bytes t = two_socket_srat();
        t.resize(t.size() - 40);
        CHECK(refusal(t).find("ACPI table SRAT: its header gives") == 0);
    }
    SECTION("shorter than its fixed part")
    {
        CHECK(refusal(sdt("SRAT", {1, 0, 0, 0}, 3)) == "SRAT: shorter than its fixed part");
    }
    SECTION("overlapping memory ranges")
    {
        Bytes b = srat_fixed();
        srat_memory(b, 0x100000000, 0x80000000, 0);
        srat_memory(b, 0x170000000, 0x80000000, 1);
        CHECK(refusal(sdt("SRAT", b, 3)) ==
              "SRAT: memory ranges 0x100000000-0x180000000 and 0x170000000-0x1f0000000 overlap");
    }
    SECTION("a range that wraps past 2^64")
    {
        Bytes b = srat_fixed();
        srat_memory(b, 0xfffffffff0000000, 0x20000000, 0);
        CHECK(refusal(sdt("SRAT", b, 3)) == "SRAT: memory range at 0xfffffffff0000000 wraps past 2^64");
    }
    SECTION("more ranges than the record holds")
    {
        Bytes b = srat_fixed();
        for (uint64_t i = 0; i <= BATON_MAX_NUMA_RANGES; i++)
            srat_memory(b, i << 30, 1 << 29, uint32_t(i % 4));
        CHECK(refusal(sdt("SRAT", b, 3)) == "SRAT: more than 32 memory ranges; B's partition "
                                            "record holds 32 (BATON_MAX_NUMA_RANGES)");
    }
    SECTION("a CPU in two proximity domains")
    {
        Bytes b = srat_fixed();
        srat_lapic(b, 1, 0);
        srat_x2apic(b, 1, 2);
        CHECK(refusal(sdt("SRAT", b, 3)) == "SRAT: APIC ID 1 is in proximity domains 0 and 2");
    }
    SECTION("a CPU's domain beyond the record's 16-bit nodes")
    {
        Bytes b = srat_fixed();
        srat_x2apic(b, 300, 0x10000);
        CHECK(refusal(sdt("SRAT", b, 3)) ==
              "SRAT: APIC ID 300 is in proximity domain 65536; B's partition record has 16-bit "
              "CPU nodes, below 65535 (BATON_NO_NODE)");
    }
}

TEST_CASE("srat: the same CPU twice in one domain, and CPUs nobody asked about, are fine")
{
    Bytes b = srat_fixed();
    srat_lapic(b, 1, 3);
    srat_x2apic(b, 1, 3);
    srat_x2apic(b, 7777, 0x10000);  // not one of ours: never checked
    Cpus c;
    const SratCpus l = c.list();
    auto r = parse_srat(as_table(sdt("SRAT", b, 3)), &l, 1);
    REQUIRE(r.ok());
    CHECK(c.nodes[1] == 3);
    CHECK(r.value().nranges == 0);
}
