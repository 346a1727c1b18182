// SPDX-License-Identifier: GPL-2.0
// B's private ACPI root: the MADT filtered to B's CPUs, every other table shared.
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "acpi_fixture.h"
#include "lib/acpi.h"
#include "lib/madt.h"
#include "lib/zero_page.h"
#include "phys_memory.h"

using namespace baton;
using baton::test::PhysMemory;
using baton::test::sdt;

namespace {

std::vector<uint8_t> madt_body(const std::vector<uint8_t>& apic_ids, bool x2apic_extra = false)
{
    std::vector<uint8_t> b(8, 0);
    store_le(b.data(), 4, 0xfee00000);
    store_le(b.data() + 4, 4, 1);  // PCAT_COMPAT
    for (size_t i = 0; i < apic_ids.size(); i++)
        b.insert(b.end(), {0, 8, uint8_t(i), apic_ids[i], 1, 0, 0, 0});
    b.insert(b.end(), {1, 12, 0, 0, 0, 0, 0xc0, 0xfe, 0, 0, 0, 0});  // IOAPIC
    b.insert(b.end(), {2, 10, 0, 0, 2, 0, 0, 0, 0, 0});              // ISO irq0 -> gsi2
    b.insert(b.end(), {2, 10, 0, 9, 9, 0, 0, 0, 0x0d, 0});           // ISO SCI: level, high
    b.insert(b.end(), {4, 6, 0xff, 0, 0, 1});                        // LAPIC NMI
    if (x2apic_extra)
        b.insert(b.end(), {9, 16, 0, 0, 0x00, 0x01, 0, 0, 1, 0, 0, 0, 7, 0, 0, 0});  // x2APIC 256
    return b;
}

struct Firmware {
    PhysMemory mem;
    uint64_t rsdp = 0xf5a00;
    uint64_t madt_at = 0x7ffe1000;

    explicit Firmware(std::vector<uint8_t> madt, bool xsdt = false)
    {
        mem.map_zero(0, 0x1000);  // BDA: no EBDA pointer
        uint8_t* bios = mem.map_zero(0xe0000, 0x20000);
        auto facp_body = std::vector<uint8_t>(80, 0);
        store_le(facp_body.data() + 76 - 36, 4, 0x608);  // PM_TMR_BLK
        store_le(facp_body.data() + 64 - 36, 4, 0x604);  // PM1a_CNT_BLK
        store_le(facp_body.data() + 40 - 36, 4, 0x7ffe4000);  // DSDT
        store_le(facp_body.data() + 46 - 36, 2, 9);           // SCI_INT
        store_le(facp_body.data() + 56 - 36, 4, 0x600);       // PM1a_EVT_BLK
        store_le(facp_body.data() + 80 - 36, 4, 0xafe0);      // GPE0_BLK
        facp_body[88 - 36] = 4;                               // PM1_EVT_LEN
        facp_body[92 - 36] = 4;                               // GPE0_BLK_LEN
        auto facp = sdt("FACP", facp_body);
        // Some AML, then Name(_S5, Package(4){5, 5, 0, 0}) with BytePrefix values.
        mem.map(0x7ffe4000, sdt("DSDT", {0x10, 0x05, '_', 'S', 'B', '_', 0x08, '_', 'S', '5', '_',
                                         0x12, 0x08, 0x04, 0x0a, 0x05, 0x0a, 0x05, 0x00, 0x00}));
        auto hpet = sdt("HPET", std::vector<uint8_t>(20, 0));
        mem.map(0x7ffe0000, facp);
        mem.map(madt_at, madt);
        mem.map(0x7ffe2000, hpet);
        const std::vector<uint64_t> ptrs = {0x7ffe0000, madt_at, 0x7ffe2000};
        std::vector<uint8_t> body;
        for (uint64_t p : ptrs)
            for (int i = 0; i < (xsdt ? 8 : 4); i++)
                body.push_back(uint8_t(p >> (8 * i)));
        mem.map(0x7ffe3000, sdt(xsdt ? "XSDT" : "RSDT", body));

        uint8_t* r = bios + (rsdp - 0xe0000);
        memcpy(r, "RSD PTR ", 8);
        memcpy(r + 9, "BOCHS ", 6);
        r[15] = xsdt ? 2 : 0;
        store_le(r + 16, 4, xsdt ? 0 : 0x7ffe3000);
        if (xsdt) {
            store_le(r + 20, 4, 36);
            store_le(r + 24, 8, 0x7ffe3000);
        }
        r[8] = uint8_t(-acpi_checksum(r, 20));  // v1 checksum first: the v2 one covers it
        if (xsdt)
            r[32] = uint8_t(-acpi_checksum(r, 36));
    }
};

std::vector<uint32_t> madt_cpus(const uint8_t* m)
{
    std::vector<uint32_t> ids;
    const uint32_t len = uint32_t(load_le(m + 4, 4));
    for (uint32_t off = 44; off < len; off += m[off + 1]) {
        if (m[off] == 0)
            ids.push_back(m[off + 3]);
        if (m[off] == 9)
            ids.push_back(uint32_t(load_le(m + off + 4, 4)));
    }
    return ids;
}

}  // namespace

TEST_CASE("acpi: finds the RSDP and the PM timer")
{
    Firmware fw(sdt("APIC", madt_body({0, 1, 2, 3})));
    auto r = find_rsdp();
    REQUIRE(r.ok());
    CHECK(r.value().value() == fw.rsdp);
    auto pm = find_pm_timer_port(r.value());
    REQUIRE(pm.ok());
    CHECK(pm.value() == 0x608);
}

TEST_CASE("acpi: B's MADT lists only B's CPUs; other tables are shared")
{
    for (bool xsdt : {false, true}) {
        Firmware fw(sdt("APIC", madt_body({0, 1, 2, 3}, true)), xsdt);
        uint8_t* out = fw.mem.map_zero(0x40104000, 0x10000);
        const uint32_t ids[] = {2, 3};
        auto r = build_partition_acpi(PhysAddr(fw.rsdp), ids, 2, AcpiOutput{out, PhysAddr(0x40104000), 0x10000});
        INFO((xsdt ? "XSDT: " : "RSDT: ") << (r.ok() ? "" : r.error().msg.c_str()));
        REQUIRE(r.ok());
        CHECK(r.value().rsdp.value() == 0x40104000);
        CHECK(r.value().kept_cpus == 2);
        CHECK(r.value().dropped_cpus == 3);

        // The new root is valid and B's ACPI code reaches the filtered MADT through it.
        auto pm = find_pm_timer_port(PhysAddr(0x40104000));
        REQUIRE(pm.ok());
        CHECK(pm.value() == 0x608);
        const size_t rsdp_len = xsdt ? 36 : 20;
        CHECK(acpi_checksum(out, 20) == 0);
        CHECK(acpi_checksum(out, rsdp_len) == 0);
        const uint64_t root = xsdt ? load_le(out + 24, 8) : load_le(out + 16, 4);
        if (xsdt)
            CHECK(load_le(out + 16, 4) == 0);  // no path back to the unfiltered RSDT
        const uint8_t* rt = fw.mem.find(root, 36);
        REQUIRE(rt);
        const uint32_t rlen = uint32_t(load_le(rt + 4, 4));
        CHECK(acpi_checksum(fw.mem.find(root, rlen), rlen) == 0);
        const size_t ptr = xsdt ? 8 : 4;
        CHECK(load_le(rt + 36, ptr) == 0x7ffe0000);     // FACP shared
        CHECK(load_le(rt + 36 + 2 * ptr, ptr) == 0x7ffe2000);  // HPET shared
        const uint64_t madt = load_le(rt + 36 + ptr, ptr);
        CHECK(madt != fw.madt_at);
        const uint8_t* m = fw.mem.find(madt, 44);
        REQUIRE(m);
        const uint32_t mlen = uint32_t(load_le(m + 4, 4));
        m = fw.mem.find(madt, mlen);
        CHECK(acpi_checksum(m, mlen) == 0);
        CHECK(madt_cpus(m) == std::vector<uint32_t>{2, 3});
        CHECK(mlen == 44 + 2 * 8 + 12 + 2 * 10 + 6);  // IOAPIC, ISO and NMI entries kept
    }
}

TEST_CASE("acpi: refusals")
{
    SECTION("corrupt MADT (bad checksum) counts as missing")
    {
        auto madt = sdt("APIC", madt_body({0, 1}));
        madt[40] ^= 0xff;
        Firmware fw(madt);
        uint8_t* out = fw.mem.map_zero(0x40104000, 0x10000);
        const uint32_t ids[] = {1};
        auto r = build_partition_acpi(PhysAddr(fw.rsdp), ids, 1, AcpiOutput{out, PhysAddr(0x40104000), 0x10000});
        REQUIRE_FALSE(r.ok());
        CHECK(std::string(r.error().msg.c_str()) == "the firmware has no usable MADT");
    }
    SECTION("MADT entry with a bad length")
    {
        auto body = madt_body({0, 1});
        body[8 + 1] = 0;  // first LAPIC entry claims length 0
        Firmware fw(sdt("APIC", body));
        uint8_t* out = fw.mem.map_zero(0x40104000, 0x10000);
        const uint32_t ids[] = {1};
        auto r = build_partition_acpi(PhysAddr(fw.rsdp), ids, 1, AcpiOutput{out, PhysAddr(0x40104000), 0x10000});
        REQUIRE_FALSE(r.ok());
        CHECK(std::string(r.error().msg.c_str()) == "MADT entry at offset 44 has a bad length");
    }
    SECTION("output buffer too small")
    {
        Firmware fw(sdt("APIC", madt_body({0, 1})));
        uint8_t* out = fw.mem.map_zero(0x40104000, 64);
        const uint32_t ids[] = {1};
        auto r = build_partition_acpi(PhysAddr(fw.rsdp), ids, 1, AcpiOutput{out, PhysAddr(0x40104000), 64});
        REQUIRE_FALSE(r.ok());
        CHECK(std::string(r.error().msg.c_str()).find("B's ACPI tables need") == 0);
    }
    SECTION("no RSDP anywhere")
    {
        PhysMemory mem;
        mem.map_zero(0, 0x1000);
        mem.map_zero(0xe0000, 0x20000);
        auto r = find_rsdp();
        REQUIRE_FALSE(r.ok());
        CHECK(std::string(r.error().msg.c_str()) == "no ACPI RSDP found in the EBDA or 0xe0000-0xfffff");
    }
}

TEST_CASE("acpi: B's MADT on a machine with x2APIC IDs above 255")
{
    using namespace baton::test;
    // IDs 0-3 as type 0, a placeholder 0xff, CPU 2 again as type 9, then 255, 256, 300.
    Bytes b = madt_fixed();
    for (uint8_t id = 0; id < 4; id++)
        lapic(b, id, id);
    lapic(b, 0xfe, 0xff);
    x2apic(b, 2);
    x2apic(b, 255);
    x2apic(b, 256);
    x2apic(b, 300);
    ioapic(b, 8, 0xfec00000, 0);
    Firmware fw(sdt("APIC", b));
    uint8_t* out = fw.mem.map_zero(0x40104000, 0x10000);
    const uint32_t ids[] = {300, 2, 255};
    auto r = build_partition_acpi(PhysAddr(fw.rsdp), ids, 3,
                                  AcpiOutput{out, PhysAddr(0x40104000), 0x10000});
    INFO((r.ok() ? "" : r.error().msg.c_str()));
    REQUIRE(r.ok());
    // CPU 2's two entries stay, both of its kind; the placeholder is no CPU and stays too.
    CHECK(r.value().kept_cpus == 4);
    CHECK(r.value().dropped_cpus == 4);
    const uint8_t* rt = fw.mem.find(load_le(out + 16, 4), 36);
    REQUIRE(rt);
    const uint64_t madt = load_le(rt + 36 + 4, 4);
    const uint8_t* m = fw.mem.find(madt, 44);
    REQUIRE(m);
    const uint32_t mlen = uint32_t(load_le(m + 4, 4));
    m = fw.mem.find(madt, mlen);
    CHECK(acpi_checksum(m, mlen) == 0);
    CHECK(madt_cpus(m) == std::vector<uint32_t>{2, 0xff, 2, 255, 300});
    CHECK(mlen == 44 + 2 * 8 + 3 * 16 + 12);
}

TEST_CASE("acpi: soft-off from the FADT and the DSDT's _S5 package")
{
    Firmware fw(sdt("APIC", madt_body({0, 1})));
    auto off = find_acpi_power(PhysAddr(fw.rsdp));
    REQUIRE(off.ok());
    CHECK(off.value().pm1a_cnt == 0x604);
    CHECK(off.value().s5_slp_typ == 5);
    // The power button: the SCI through QEMU's override (level, active high), the blocks.
    CHECK(off.value().sci_gsi == 9);
    CHECK(off.value().sci_flags == BATON_IRQ_LEVEL);
    CHECK(off.value().pm1a_evt == 0x600);
    CHECK(off.value().pm1_evt_len == 4);
    CHECK(off.value().gpe0_blk == 0xafe0);
    CHECK(off.value().gpe0_blk_len == 4);

    SECTION("QEMU's package: ZeroOp values")
    {
        fw.mem.map(0x7ffe4000, sdt("DSDT", {0x08, '_', 'S', '5', '_', 0x12, 0x06, 0x04, 0x00,
                                            0x00, 0x00, 0x00}));
        CHECK(find_acpi_power(PhysAddr(fw.rsdp)).value().s5_slp_typ == 0);
    }
    SECTION("no override: the SCI is level, active low, on its ISA number")
    {
        auto m = madt_body({0, 1});
        m.erase(m.end() - 16, m.end() - 6);  // drop the SCI's override
        fw.mem.map(fw.madt_at, sdt("APIC", m));
        auto p = find_acpi_power(PhysAddr(fw.rsdp));
        REQUIRE(p.ok());
        CHECK(p.value().sci_gsi == 9);
        CHECK(p.value().sci_flags == (BATON_IRQ_LEVEL | BATON_IRQ_ACTIVE_LOW));
    }
    SECTION("no _S5: unknown")
    {
        fw.mem.map(0x7ffe4000, sdt("DSDT", {0x10, 0x05, '_', 'S', 'B', '_'}));
        CHECK(find_acpi_power(PhysAddr(fw.rsdp)).value().s5_slp_typ == -1);
    }
}

TEST_CASE("acpi: find_acpi_table gives a table as the root lists it, or none")
{
    const auto body = madt_body({0, 1});
    Firmware fw(sdt("APIC", body));
    auto madt = find_acpi_table(PhysAddr(fw.rsdp), "APIC");
    REQUIRE(madt.ok());
    CHECK(madt.value().bytes == fw.mem.find(fw.madt_at, 36));
    CHECK(madt.value().len == 36 + body.size());
    auto srat = find_acpi_table(PhysAddr(fw.rsdp), "SRAT");
    REQUIRE(srat.ok());
    CHECK_FALSE(srat.value().present());
    // A corrupt table is found all the same: its parser names the problem, as in `baton plan`.
    auto bad = sdt("APIC", body);
    bad[40] ^= 0xff;
    fw.mem.map(fw.madt_at, bad);
    auto found = find_acpi_table(PhysAddr(fw.rsdp), "APIC");
    REQUIRE(found.ok());
    REQUIRE(found.value().present());
    auto parsed = parse_madt(found.value());
    REQUIRE_FALSE(parsed.ok());
    CHECK(std::string(parsed.error().msg.c_str()) == "ACPI table APIC: bad checksum");
}
