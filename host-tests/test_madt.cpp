// SPDX-License-Identifier: GPL-2.0
// The MADT as baton reads it: CPUs (x2APIC IDs above 255 included), IOAPICs, the limits.
#include <catch2/catch.hpp>

#include <string>

#include "acpi_fixture.h"
#include "lib/madt.h"

using namespace baton;
using namespace baton::test;

namespace {

// A 2-socket server with 384 threads as its firmware lists them: type 0 for the IDs below
// 255, type 9 for the rest (socket 1 starts at 256), a type-0 placeholder with ID 0xff, and
// one CPU listed twice (type 0 and type 9, as some firmware does).
Bytes server_madt()
{
    Bytes b = madt_fixed();
    for (uint8_t id = 0; id < 4; id++)
        lapic(b, id, id);
    lapic(b, 0xfe, 0xff, kEnabled);  // placeholder: not a CPU
    x2apic(b, 2);                     // CPU 2 again
    x2apic(b, 255);                   // a real CPU in x2APIC mode
    x2apic(b, 256);
    x2apic(b, 300);
    x2apic(b, 4096, kOnlineCapable);  // hot-pluggable: may come later
    x2apic(b, 5000, 0);               // disabled: not a CPU of this machine
    x2apic(b, 0xffffffff);            // placeholder
    ioapic(b, 8, 0xfec00000, 0);
    ioapic(b, 9, 0xfec01000, 24);
    iso(b, 0, 2);
    iso(b, 9, 9, 0x0d);
    nmi_source(b, 40);  // pin 16 of the second IOAPIC
    return sdt("APIC", b, 5);
}

std::string refusal(const Bytes& t)
{
    auto r = parse_madt(as_table(t));
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().code == Errc::acpi);
    return r.error().msg.c_str();
}

}  // namespace

TEST_CASE("madt: CPUs by x2APIC ID, each once; placeholders and disabled ones are not CPUs")
{
    const Bytes t = server_madt();
    auto r = parse_madt(as_table(t));
    INFO((r.ok() ? "" : r.error().msg.c_str()));
    REQUIRE(r.ok());
    const MadtInfo& m = r.value();
    REQUIRE(m.ncpus == 8);
    const uint32_t want[] = {0, 1, 2, 3, 255, 256, 300, 4096};
    for (size_t i = 0; i < 8; i++)
        CHECK(m.cpus[i] == want[i]);
    CHECK(madt_has_cpu(m, 300));
    CHECK_FALSE(madt_has_cpu(m, 5000));
    REQUIRE(m.nioapics == 2);
    CHECK(m.ioapics[1].phys == 0xfec01000);
    CHECK(m.ioapics[1].id == 9);
    CHECK(m.ioapics[1].gsi_base == 24);
    // The GSIs the MADT routes prove pins: GSI 9 on the first, GSI 40 (pin 16) on the second.
    CHECK(m.pins_named[0] == 10);
    CHECK(m.pins_named[1] == 17);
}

TEST_CASE("madt: a machine beyond the tables is refused with the limit named")
{
    SECTION("17 IOAPICs")
    {
        Bytes b = madt_fixed();
        lapic(b, 0, 0);
        for (uint8_t i = 0; i <= BATON_MAX_IOAPICS; i++)
            ioapic(b, i, 0xfec00000 + i * 0x1000u, i * 24u);
        CHECK(refusal(sdt("APIC", b)) == "the MADT lists more than 16 IOAPICs; B's partition "
                                         "record holds 16 (BATON_MAX_IOAPICS)");
    }
    SECTION("257 usable CPUs; disabled entries do not count")
    {
        Bytes b = madt_fixed();
        for (uint32_t id = 0; id < BATON_MAX_CPUS; id++)
            x2apic(b, 1000 + id);
        x2apic(b, 7, 0);
        CHECK(parse_madt(as_table(sdt("APIC", b))).ok());
        x2apic(b, 7, kOnlineCapable);
        CHECK(refusal(sdt("APIC", b)) == "the MADT lists more than 256 usable CPUs; the ledger "
                                         "holds 256 (BATON_MAX_CPUS)");
    }
}

TEST_CASE("madt: hostile tables")
{
    SECTION("an entry with length 0")
    {
        Bytes b = madt_fixed();
        lapic(b, 0, 0);
        b.insert(b.end(), {9, 0});
        CHECK(refusal(sdt("APIC", b)) == "MADT entry at offset 52 has a bad length");
    }
    SECTION("an entry that runs past the table")
    {
        Bytes b = madt_fixed();
        x2apic(b, 300);
        b[8 + 1] = 40;
        CHECK(refusal(sdt("APIC", b)) == "MADT entry at offset 44 has a bad length");
    }
    SECTION("an x2APIC entry shorter than its type")
    {
        Bytes b = madt_fixed();
        b.insert(b.end(), {9, 12, 0, 0, 0x2c, 1, 0, 0, 1, 0, 0, 0});
        CHECK(refusal(sdt("APIC", b)) == "MADT entry at offset 44 (type 9) is shorter than its type");
    }
    SECTION("a header longer than what was read (a truncated table)")
    {
        Bytes t = server_madt();
        t.resize(t.size() - 10);
        CHECK(refusal(t).find("ACPI table APIC: its header gives") == 0);
    }
    SECTION("a bad checksum")
    {
        Bytes t = server_madt();
        t[50] ^= 1;
        CHECK(refusal(t) == "ACPI table APIC: bad checksum");
    }
    SECTION("shorter than its fixed part")
    {
        CHECK(refusal(sdt("APIC", {1, 2, 3})) == "the MADT is shorter than its fixed part");
    }
}

TEST_CASE("madt: a byte after the last entry is padding, as for Linux")
{
    Bytes b = madt_fixed();
    lapic(b, 0, 0);
    b.push_back(0);
    auto r = parse_madt(as_table(sdt("APIC", b)));
    REQUIRE(r.ok());
    CHECK(r.value().ncpus == 1);
}
