// SPDX-License-Identifier: GPL-2.0
// B's e820: the firmware map restricted to the partition.
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "lib/e820.h"

using namespace baton;

namespace {

struct Row {
    uint64_t begin, end;
    E820Type type;
    bool operator==(const Row& o) const
    {
        return begin == o.begin && end == o.end && type == o.type;
    }
};

std::ostream& operator<<(std::ostream& os, const Row& r)
{
    return os << std::hex << "[0x" << r.begin << "-0x" << r.end << ") "
              << std::string(e820_type_name(r.type).ptr, e820_type_name(r.type).len);
}

FirmwareMap firmware(std::initializer_list<Row> rows)
{
    FirmwareMap m;
    for (const Row& r : rows)
        REQUIRE(m.push({PhysRange::from_to(r.begin, r.end), r.type}));
    return m;
}

std::vector<Row> rows(const BootE820& m)
{
    std::vector<Row> out;
    for (size_t i = 0; i < m.count; i++)
        out.push_back({m.entries[i].range.begin(), m.entries[i].range.end(), m.entries[i].type});
    return out;
}

std::string error_of(const Result<BootE820>& r)
{
    REQUIRE_FALSE(r.ok());
    return std::string(r.error().msg.c_str());
}

constexpr auto RAM = E820Type::ram;
constexpr auto RSV = E820Type::reserved;
constexpr auto ACPI = E820Type::acpi;
constexpr auto NVS = E820Type::nvs;

// SeaBIOS with 2 GiB, as QEMU 7.2 reports it.
FirmwareMap seabios_2g()
{
    return firmware({{0x0, 0x9fc00, RAM},
                     {0x9fc00, 0xa0000, RSV},
                     {0xf0000, 0x100000, RSV},
                     {0x100000, 0x7ffe0000, RAM},
                     {0x7ffe0000, 0x80000000, RSV},
                     {0xfffc0000, 0x100000000, RSV}});
}

const PartitionMemory kPart{PhysRange::from_to(0x40200000, 0x60000000),
                            PhysRange::from_to(0x24000, 0x30000),
                            PhysRange::from_to(0x40000000, 0x40200000)};

}  // namespace

TEST_CASE("e820: reference machine, the partition stays RAM and A's RAM becomes reserved")
{
    auto r = build_partition_e820(seabios_2g(), kPart);
    REQUIRE(r.ok());
    CHECK(rows(r.value()) == std::vector<Row>{
                                 {0x0, 0x24000, RSV},
                                 {0x24000, 0x30000, RAM},
                                 {0x30000, 0xa0000, RSV},
                                 {0xf0000, 0x40200000, RSV},
                                 {0x40200000, 0x60000000, RAM},
                                 {0x60000000, 0x80000000, RSV},
                                 {0xfffc0000, 0x100000000, RSV},
                             });
}

TEST_CASE("e820: ACPI and NVS ranges are copied with their type, holes stay holes")
{
    auto fw = firmware({{0x0, 0x9f000, RAM},
                        {0x100000, 0x3f000000, RAM},
                        {0x3f000000, 0x3f010000, ACPI},
                        {0x3f010000, 0x3f020000, NVS},
                        {0x3f020000, 0x80000000, RAM}});
    PartitionMemory part{PhysRange::from_to(0x40000000, 0x50000000), PhysRange::from_to(0x30000, 0x40000),
                         PhysRange()};
    auto r = build_partition_e820(fw, part);
    REQUIRE(r.ok());
    CHECK(rows(r.value()) == std::vector<Row>{
                                 {0x0, 0x30000, RSV},
                                 {0x30000, 0x40000, RAM},
                                 {0x40000, 0x9f000, RSV},
                                 {0x100000, 0x3f000000, RSV},
                                 {0x3f000000, 0x3f010000, ACPI},
                                 {0x3f010000, 0x3f020000, NVS},
                                 {0x3f020000, 0x40000000, RSV},
                                 {0x40000000, 0x50000000, RAM},
                                 {0x50000000, 0x80000000, RSV},
                             });
}

TEST_CASE("e820: unsorted and overlapping firmware entries; the restrictive type wins")
{
    auto fw = firmware({{0x100000, 0x80000000, RAM},
                        {0x0, 0x9fc00, RAM},
                        {0x7f000000, 0x7f100000, RSV},  // inside RAM: reserved wins
                        {0x7f080000, 0x7f200000, ACPI}, // overlaps both: ACPI (3) beats 2
                        {0x50000000, 0x50000000, RAM}}); // zero-size: ignored
    auto r = build_partition_e820(fw, kPart);
    REQUIRE(r.ok());
    CHECK(rows(r.value()) == std::vector<Row>{
                                 {0x0, 0x24000, RSV},
                                 {0x24000, 0x30000, RAM},
                                 {0x30000, 0x9fc00, RSV},
                                 {0x100000, 0x40200000, RSV},
                                 {0x40200000, 0x60000000, RAM},
                                 {0x60000000, 0x7f080000, RSV},
                                 {0x7f080000, 0x7f200000, ACPI},
                                 {0x7f200000, 0x80000000, RSV},
                             });
}

TEST_CASE("e820: unaligned firmware RAM is kept as given around the partition")
{
    auto fw = firmware({{0x0, 0x9fc00, RAM}, {0x100400, 0x7fffff00, RAM}});
    auto r = build_partition_e820(fw, kPart);
    REQUIRE(r.ok());
    auto v = rows(r.value());
    CHECK(v[2] == Row{0x30000, 0x9fc00, RSV});
    CHECK(v[3] == Row{0x100400, 0x40200000, RSV});
    CHECK(v.back() == Row{0x60000000, 0x7fffff00, RSV});
}

TEST_CASE("e820: refuses a partition that is not RAM in the firmware map")
{
    SECTION("partly a hole")
    {
        auto fw = firmware({{0x0, 0x9fc00, RAM}, {0x100000, 0x50000000, RAM}});
        CHECK(error_of(build_partition_e820(fw, kPart)) ==
              "B's RAM 0x40200000-0x60000000 is not RAM in the firmware map");
    }
    SECTION("partly firmware-reserved")
    {
        auto fw = seabios_2g();
        REQUIRE(fw.push({PhysRange::from_to(0x41000000, 0x41001000), RSV}));
        CHECK(error_of(build_partition_e820(fw, kPart)) ==
              "B's RAM 0x40200000-0x60000000 is not RAM in the firmware map");
    }
    SECTION("low RAM in the EBDA")
    {
        PartitionMemory p = kPart;
        p.low = PhysRange::from_to(0x9f000, 0xa0000);
        CHECK(error_of(build_partition_e820(seabios_2g(), p)) ==
              "B's low RAM 0x9f000-0xa0000 is not RAM in the firmware map");
    }
}

TEST_CASE("e820: refuses malformed partitions")
{
    PartitionMemory p = kPart;
    SECTION("unaligned RAM")
    {
        p.ram = PhysRange::from_to(0x40200800, 0x60000000);
        CHECK(error_of(build_partition_e820(seabios_2g(), p)) ==
              "B's RAM range 0x40200800-0x60000000 is not page aligned");
    }
    SECTION("empty RAM")
    {
        p.ram = PhysRange();
        CHECK(error_of(build_partition_e820(seabios_2g(), p)) == "B's RAM range is empty");
    }
    SECTION("low RAM above 1 MiB")
    {
        p.low = PhysRange::from_to(0x100000, 0x110000);
        CHECK(error_of(build_partition_e820(seabios_2g(), p)) ==
              "B's low RAM 0x100000-0x110000 is not below 1 MiB");
    }
    SECTION("overlapping ranges")
    {
        p.resident = PhysRange::from_to(0x40000000, 0x40400000);
        CHECK(error_of(build_partition_e820(seabios_2g(), p)) ==
              "partition ranges 0x40200000-0x60000000 and 0x40000000-0x40400000 overlap");
    }
    SECTION("range wrapping past 2^64")
    {
        p.ram = PhysRange(PhysAddr(0xfffffffffffff000), 0x2000);
        CHECK(error_of(build_partition_e820(seabios_2g(), p)) ==
              "B's RAM range 0xfffffffffffff000-0xffffffffffffffff is not page aligned");
    }
}

TEST_CASE("e820: more entries than the zero page holds is refused")
{
    FirmwareMap fw;
    // 200 alternating RAM/NVS slivers: 200 output entries after merging.
    for (uint64_t i = 0; i < 200; i++)
        REQUIRE(fw.push({PhysRange(PhysAddr(0x100000 + i * 0x1000), 0x1000), i % 2 ? NVS : RAM}));
    REQUIRE(fw.push({PhysRange::from_to(0x40000000, 0x60000000), RAM}));
    REQUIRE(fw.push({PhysRange::from_to(0x0, 0x9f000), RAM}));
    CHECK(error_of(build_partition_e820(fw, kPart)) ==
          "B's memory map needs more than 128 entries (the zero page limit)");
}

TEST_CASE("e820: exactly 128 entries still fits")
{
    FirmwareMap fw;
    REQUIRE(fw.push({PhysRange::from_to(0x0, 0x9f000), RAM}));  // -> RSV, RAM(low), RSV
    // 122 alternating slivers between 1 MiB and the partition -> 122 entries.
    for (uint64_t i = 0; i < 122; i++)
        REQUIRE(fw.push({PhysRange(PhysAddr(0x100000 + i * 0x1000), 0x1000), i % 2 ? NVS : RAM}));
    REQUIRE(fw.push({PhysRange::from_to(0x40000000, 0x60000000), RAM}));  // RSV, RAM
    // + one trailing reserved range = 3 + 122 + 2 + 1 = 128
    REQUIRE(fw.push({PhysRange::from_to(0xfffc0000, 0x100000000), RSV}));
    auto r = build_partition_e820(fw, kPart);
    REQUIRE(r.ok());
    CHECK(r.value().count == 128);
}

TEST_CASE("e820: late ranges are RAM in B's map and must be firmware RAM")
{
    FirmwareMap fw;
    REQUIRE(fw.push({PhysRange::from_to(0, 0x9fc00), E820Type::ram}));
    REQUIRE(fw.push({PhysRange::from_to(0x100000, 0x7ffe0000), E820Type::ram}));
    REQUIRE(fw.push({PhysRange::from_to(0x7ffe0000, 0x80000000), E820Type::reserved}));
    PartitionMemory part{PhysRange::from_to(0x10200000, 0x30000000), PhysRange::from_to(0x24000, 0x30000),
                         PhysRange::from_to(0x10000000, 0x10200000)};
    part.late[0] = PhysRange::from_to(0x100000, 0x10000000);
    part.late[1] = PhysRange::from_to(0x78000000, 0x7ffe0000);
    part.nlate = 2;
    auto r = build_partition_e820(fw, part);
    INFO((r.ok() ? "" : r.error().msg.c_str()));
    REQUIRE(r.ok());
    const BootE820& m = r.value();
    auto type_at = [&](uint64_t a) {
        for (size_t i = 0; i < m.count; i++)
            if (m.entries[i].range.begin() <= a && a < m.entries[i].range.end())
                return int(m.entries[i].type);
        return 0;
    };
    CHECK(type_at(0x100000) == int(E820Type::ram));
    CHECK(type_at(0x0fffffff) == int(E820Type::ram));
    CHECK(type_at(0x10000000) == int(E820Type::reserved));  // the resident region
    CHECK(type_at(0x30000000) == int(E820Type::reserved));  // A's hot blocks
    CHECK(type_at(0x78000000) == int(E820Type::ram));
    CHECK(type_at(0x7ffe0000) == int(E820Type::reserved));

    SECTION("a late range that is not firmware RAM")
    {
        part.late[1] = PhysRange::from_to(0x78000000, 0x80000000);
        auto bad = build_partition_e820(fw, part);
        REQUIRE_FALSE(bad.ok());
        CHECK(std::string(bad.error().msg.c_str()) ==
              "B's late RAM 0x78000000-0x80000000 is not RAM in the firmware map");
    }
    SECTION("a late range over B's RAM")
    {
        part.late[1] = PhysRange::from_to(0x2ff00000, 0x30100000);
        CHECK_FALSE(build_partition_e820(fw, part).ok());
    }
}
