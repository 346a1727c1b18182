// SPDX-License-Identifier: GPL-2.0
// The MCFG's ECAM window, and the record fields the firmware's MADT, SRAT and MCFG fill.
#include <catch2/catch.hpp>

#include <array>
#include <string>

#include "acpi_fixture.h"
#include "lib/topology.h"

using namespace baton;
using namespace baton::test;

namespace {

Bytes mcfg(std::initializer_list<std::array<uint64_t, 4>> allocations)
{
    Bytes b(8, 0);
    for (const auto& a : allocations)
        mcfg_allocation(b, a[0], uint16_t(a[1]), uint8_t(a[2]), uint8_t(a[3]));
    return sdt("MCFG", b);
}

std::string mcfg_refusal(const Bytes& t)
{
    auto r = parse_mcfg(as_table(t));
    REQUIRE_FALSE(r.ok());
    return r.error().msg.c_str();
}

// QEMU q35's MCFG is one allocation: 0xb0000000, segment 0, buses 0-255.
const Bytes kQ35Mcfg = mcfg({{0xb0000000, 0, 0, 255}});

Bytes server_madt()
{
    Bytes b = madt_fixed();
    lapic(b, 0, 0);
    lapic(b, 1, 1);
    lapic(b, 2, 2, 0);  // disabled: not a CPU B may adopt
    x2apic(b, 256);
    x2apic(b, 300);
    x2apic(b, 4096, kOnlineCapable);
    ioapic(b, 8, 0xfec00000, 0);
    ioapic(b, 9, 0xfec01000, 24);
    return sdt("APIC", b);
}

Bytes server_srat()
{
    Bytes b = srat_fixed();
    srat_lapic(b, 0, 0);
    srat_lapic(b, 1, 0);
    srat_x2apic(b, 256, 1);
    srat_x2apic(b, 300, 1);
    srat_memory(b, 0, 0x80000000, 0);
    srat_memory(b, 0x100000000, 0x380000000, 0);
    srat_memory(b, 0x480000000, 0x400000000, 1, kMemEnabled | kMemHotPluggable);
    return sdt("SRAT", b, 3);
}

}  // namespace

TEST_CASE("mcfg: segment 0's ECAM window; other segments are not B's")
{
    auto r = parse_mcfg(as_table(kQ35Mcfg));
    REQUIRE(r.ok());
    CHECK(r.value().base == 0xb0000000);
    CHECK(r.value().start_bus == 0);
    CHECK(r.value().end_bus == 255);
    auto two = parse_mcfg(as_table(mcfg({{0xe0000000, 1, 0, 63}, {0xf0000000, 0, 0, 63}})));
    REQUIRE(two.ok());
    CHECK(two.value().base == 0xf0000000);
    CHECK(two.value().end_bus == 63);
    auto none = parse_mcfg(as_table(mcfg({{0xe0000000, 1, 0, 255}})));
    REQUIRE(none.ok());
    CHECK(none.value().base == 0);
}

TEST_CASE("mcfg: hostile tables")
{
    CHECK(mcfg_refusal(mcfg({{0xe0000000, 0, 0, 127}, {0xf0000000, 0, 128, 255}})) ==
          "MCFG: PCI segment 0 has more than one allocation; B's partition record holds one");
    CHECK(mcfg_refusal(mcfg({{0xe0000000, 0, 9, 3}})) ==
          "MCFG: segment 0's allocation (base 0xe0000000, buses 9-3) is not a usable ECAM window");
    CHECK(mcfg_refusal(mcfg({{0, 0, 0, 255}})).find("is not a usable ECAM window") != std::string::npos);
    CHECK(mcfg_refusal(mcfg({{0xe0080000, 0, 0, 255}})).find("not a usable") != std::string::npos);
    CHECK(mcfg_refusal(mcfg({{0xfffffffff0000000, 0, 0, 255}})).find("not a usable") !=
          std::string::npos);
    Bytes partial(8, 0);
    mcfg_allocation(partial, 0xb0000000, 0, 0, 255);
    partial.resize(partial.size() - 4);
    CHECK(mcfg_refusal(sdt("MCFG", partial)) == "MCFG: 56 bytes is not a whole number of allocations");
    Bytes t = kQ35Mcfg;
    t[40] ^= 0xff;
    CHECK(mcfg_refusal(t) == "ACPI table MCFG: bad checksum");
}

TEST_CASE("topology: B's record on a 2-socket machine with x2APIC IDs")
{
    const Bytes madt = server_madt(), srat = server_srat();
    const uint32_t b_cpus[] = {300, 1};
    auto r = read_topology({as_table(madt), as_table(srat), as_table(kQ35Mcfg)}, b_cpus, 2);
    INFO((r.ok() ? "" : r.error().msg.c_str()));
    REQUIRE(r.ok());
    const Topology& t = r.value();
    // The others: usable and not B's, in table order; the disabled APIC ID 2 is none.
    REQUIRE(t.nother == 3);
    CHECK(t.other_apic_ids[0] == 0);
    CHECK(t.other_apic_ids[1] == 256);
    CHECK(t.other_apic_ids[2] == 4096);

    baton_partition_record rec{};
    rec.ncpus = 2;
    topology_to_record(t, rec);
    CHECK(rec.nother == 3);
    CHECK(rec.other_apic_ids[2] == 4096);
    REQUIRE(rec.nioapics == 2);
    CHECK(rec.ioapics[1].gsi_base == 24);
    CHECK(rec.cpu_nodes[0] == 1);  // APIC ID 300
    CHECK(rec.cpu_nodes[1] == 0);  // APIC ID 1
    CHECK(rec.cpu_nodes[2] == BATON_NO_NODE);  // unused slot
    CHECK(rec.other_cpu_nodes[0] == 0);
    CHECK(rec.other_cpu_nodes[1] == 1);
    CHECK(rec.other_cpu_nodes[2] == BATON_NO_NODE);  // 4096: the SRAT does not place it
    CHECK(rec.other_cpu_nodes[BATON_MAX_CPUS - 1] == BATON_NO_NODE);
    REQUIRE(rec.nnuma == 3);
    CHECK(rec.numa[2].base == 0x480000000);
    CHECK(rec.numa[2].size == 0x400000000);
    CHECK(rec.numa[2].node == 1);
    CHECK(rec.numa[2].hotplug == 1);
    CHECK(rec.mmcfg_base == 0xb0000000);
    CHECK(rec.mmcfg_start_bus == 0);
    CHECK(rec.mmcfg_end_bus == 255);
}

TEST_CASE("topology: without SRAT and MCFG, one node and no ECAM")
{
    const Bytes madt = server_madt();
    const uint32_t b_cpus[] = {1};
    auto r = read_topology({as_table(madt), {}, {}}, b_cpus, 1);
    REQUIRE(r.ok());
    baton_partition_record rec{};
    topology_to_record(r.value(), rec);
    CHECK(rec.nnuma == 0);
    CHECK(rec.cpu_nodes[0] == BATON_NO_NODE);
    CHECK(rec.other_cpu_nodes[0] == BATON_NO_NODE);
    CHECK(rec.mmcfg_base == 0);
}

TEST_CASE("topology: refusals")
{
    const Bytes madt = server_madt(), srat = server_srat();
    SECTION("a CPU of the plan the MADT does not have, or has disabled")
    {
        for (uint32_t id : {9u, 2u}) {
            const uint32_t b_cpus[] = {1, id};
            auto r = read_topology({as_table(madt), as_table(srat), {}}, b_cpus, 2);
            REQUIRE_FALSE(r.ok());
            CHECK(std::string(r.error().msg.c_str()) ==
                  "APIC ID " + std::to_string(id) +
                      " is not a CPU of this machine (not enabled in the MADT)");
        }
    }
    SECTION("no MADT")
    {
        const uint32_t b_cpus[] = {1};
        auto r = read_topology({{}, as_table(srat), {}}, b_cpus, 1);
        REQUIRE_FALSE(r.ok());
        CHECK(std::string(r.error().msg.c_str()) == "the firmware has no usable MADT");
    }
    SECTION("a bad SRAT or MCFG stops it")
    {
        Bytes bad = srat;
        bad[60] ^= 1;
        const uint32_t b_cpus[] = {1};
        CHECK_FALSE(read_topology({as_table(madt), as_table(bad), {}}, b_cpus, 1).ok());
        Bytes bad_mcfg = kQ35Mcfg;
        bad_mcfg[50] ^= 1;
        CHECK_FALSE(read_topology({as_table(madt), {}, as_table(bad_mcfg)}, b_cpus, 1).ok());
    }
}
