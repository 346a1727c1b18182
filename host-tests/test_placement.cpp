// SPDX-License-Identifier: GPL-2.0
// Placing B inside its partition, and ordering the module moves.
#include <catch2/catch.hpp>

#include <string>

#include "bzimage_fixture.h"
#include "lib/placement.h"

using namespace baton;
using baton::test::FakeBzImage;

namespace {

Plan plan_of(uint64_t base, uint64_t size)
{
    Plan p;
    p.partition = PhysRange(PhysAddr(base), size);
    p.cpus[0] = 1;
    p.ncpus = 1;
    return p;
}

KernelImage kernel_of(const FakeBzImage& f)
{
    auto img = f.build();
    auto k = parse_bzimage(img.data(), img.size());
    REQUIRE(k.ok());
    return k.value();
}

std::string error_of(const Result<Placement>& r)
{
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().code == Errc::placement);
    return r.error().msg.c_str();
}

}  // namespace

TEST_CASE("placement: reference partition")
{
    auto r = place_in_partition(plan_of(0x40000000, 512 * MiB), kernel_of(FakeBzImage{}), 0x100000);
    REQUIRE(r.ok());
    const Placement& p = r.value();
    CHECK(p.kernel_load.value() == 0x40200000);
    CHECK(p.kernel_region.end() == 0x40200000 + 0xe14000);
    CHECK(p.initrd.begin() == 0x5ff00000);
    CHECK(p.initrd.end() == 0x60000000);
    CHECK(p.boot_area.value() == 0x40100000);
}

TEST_CASE("placement: initrd respects initrd_addr_max when it cannot go above 4 GiB")
{
    FakeBzImage f;
    f.xloadflags = 0x1;  // no XLF_CAN_BE_LOADED_ABOVE_4G
    auto r = place_in_partition(plan_of(0x60000000, 0x40000000), kernel_of(f), 0x1001);
    REQUIRE(r.ok());
    CHECK(r.value().initrd.end() == 0x7ffff001);
    CHECK(r.value().initrd.begin() == 0x7fffe000);
}

TEST_CASE("placement: refusals")
{
    SECTION("partition too small for the kernel")
    {
        FakeBzImage f;
        f.init_size = 0x3000000;
        CHECK(error_of(place_in_partition(plan_of(0x40000000, 32 * MiB), kernel_of(f), 0)) ==
              "partition 0x40000000-0x42000000 cannot hold B's kernel (needs 49152 KiB from 0x40200000)");
    }
    SECTION("no room for the initrd")
    {
        CHECK(error_of(place_in_partition(plan_of(0x40000000, 32 * MiB), kernel_of(FakeBzImage{}),
                                          20 * MiB)) ==
              "partition 0x40000000-0x42000000 cannot hold B's kernel (14416 KiB) and initrd (20480 KiB)");
    }
    SECTION("fits, but leaves B nothing to run in")
    {
        CHECK(error_of(place_in_partition(plan_of(0x40000000, 64 * MiB), kernel_of(FakeBzImage{}),
                                          4 * MiB)) ==
              "partition 0x40000000-0x44000000 leaves B less than 48 MiB after its kernel and initrd (18 MiB)");
    }
    SECTION("below LOAD_PHYSICAL_ADDR")
    {
        CHECK(error_of(place_in_partition(plan_of(0x200000, 512 * MiB), kernel_of(FakeBzImage{}), 0)) ==
              "partition 0x200000-0x20200000 starts below B's LOAD_PHYSICAL_ADDR 0x1000000");
    }
    SECTION("not relocatable, and its fixed address is elsewhere")
    {
        FakeBzImage f;
        f.relocatable = 0;
        CHECK(error_of(place_in_partition(plan_of(0x40000000, 512 * MiB), kernel_of(f), 0)) ==
              "B is not relocatable and must run at 0x1000000-0x1e14000, outside its RAM 0x40200000-0x60000000");
    }
}

TEST_CASE("moves: ordered so no move clobbers a later source")
{
    const PhysRange keep[] = {PhysRange::from_to(0x40000000, 0x40040000)};
    SECTION("QEMU multiboot layout: the initrd moves out before the kernel lands on its source")
    {
        // kernel module at 0x40047000 (3 MiB) must go to 0x40200000, overlapping the initrd
        // module's source right behind it; the initrd goes to the top.
        Move m[2] = {{PhysRange(PhysAddr(0x40047000), 0x300000), PhysRange(PhysAddr(0x40200000), 0x300000)},
                     {PhysRange(PhysAddr(0x40347000), 0x100000), PhysRange(PhysAddr(0x5ff00000), 0x100000)}};
        REQUIRE(order_moves(m, 2, keep, 1).ok());
        CHECK(m[0].dst.begin() == 0x5ff00000);
        CHECK(m[1].dst.begin() == 0x40200000);
    }
    SECTION("a move may overlap its own source")
    {
        Move m[1] = {{PhysRange(PhysAddr(0x40100000), 0x300000), PhysRange(PhysAddr(0x40200000), 0x300000)}};
        CHECK(order_moves(m, 1, keep, 1).ok());
    }
    SECTION("a cycle is refused")
    {
        Move m[2] = {{PhysRange(PhysAddr(0x41000000), 0x100000), PhysRange(PhysAddr(0x42000000), 0x100000)},
                     {PhysRange(PhysAddr(0x42000000), 0x100000), PhysRange(PhysAddr(0x41000000), 0x100000)}};
        auto r = order_moves(m, 2, keep, 1);
        REQUIRE_FALSE(r.ok());
        CHECK(std::string(r.error().msg.c_str()) ==
              "modules overlap their destinations in a cycle; load them elsewhere");
    }
    SECTION("a move into the trampoline image is refused")
    {
        Move m[1] = {{PhysRange(PhysAddr(0x41000000), 0x100000), PhysRange(PhysAddr(0x40030000), 0x100000)}};
        auto r = order_moves(m, 1, keep, 1);
        REQUIRE_FALSE(r.ok());
        CHECK(std::string(r.error().msg.c_str()) ==
              "destination 0x40030000-0x40130000 overlaps 0x40000000-0x40040000");
    }
}
