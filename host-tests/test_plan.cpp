// SPDX-License-Identifier: GPL-2.0
// The plan parser: good plans parse, every malformed one is refused with a message naming it.
#include <catch2/catch.hpp>

#include <cstring>

#include <string>

#include "lib/plan.h"

using namespace baton;

namespace {

Plan ok(const std::string& s)
{
    auto r = parse_plan(Str(s.data(), s.size()));
    INFO(s << " -> " << (r.ok() ? "" : r.error().msg.c_str()));
    REQUIRE(r.ok());
    return r.value();
}

std::string refused(const std::string& s)
{
    auto r = parse_plan(Str(s.data(), s.size()));
    INFO(s);
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().code == Errc::plan);
    return r.error().msg.c_str();
}

const std::string kDigest(64, 'a');

}  // namespace

TEST_CASE("plan: the reference plan")
{
    Plan p = ok("partition=0x40000000+512M cpus=2,3");
    CHECK(p.partition.begin() == 0x40000000);
    CHECK(p.partition.size() == 512 * MiB);
    CHECK(p.ncpus == 2);
    CHECK(p.cpus[0] == 2);
    CHECK(p.cpus[1] == 3);
    CHECK(p.low.begin() == window_low_ram(0).begin());
    CHECK(p.low.size() == window_low_ram(0).size());
    CHECK(p.console_port == 0x2f8);
    CHECK_FALSE(p.has_kernel_digest);
    CHECK(p.b_ram().begin() == 0x40200000);
    CHECK(p.b_ram().end() == 0x60000000);
    CHECK(p.resident().end() == 0x40200000);
}

TEST_CASE("plan: every key, extra blanks, decimal and suffixes")
{
    Plan p = ok("  partition=1G+1073741824\tcpus=1 low=0x40000+64K console=0x3e8 tsc_khz=2596096 "
                "kernel.sha256=" + kDigest + " initrd.sha256=" + std::string(64, 'F') + "\n");
    CHECK(p.partition.begin() == 1 * GiB);
    CHECK(p.partition.size() == 1 * GiB);
    CHECK(p.low.begin() == 0x40000);
    CHECK(p.low.size() == 64 * KiB);
    CHECK(p.console_port == 0x3e8);
    CHECK(p.tsc_khz == 2596096);
    CHECK(p.has_kernel_digest);
    CHECK(p.kernel_digest.bytes[0] == 0xaa);
    CHECK(p.initrd_digest.bytes[31] == 0xff);
}

TEST_CASE("plan: the low window names the ledger and B's RAM below 1 MiB")
{
    CHECK(ok("partition=1G+512M cpus=1").window == 0);
    const Plan p = ok("partition=1G+512M cpus=1 window=1");
    CHECK(p.window == 1);
    CHECK(p.low.begin() == 0x36000);
    CHECK(p.low.size() == 0xa000);
    CHECK(window_ledger(1) == 0x31000);
    CHECK(window_of_ledger(0x21000) == 0);
    CHECK(window_of_ledger(0x31000) == 1);
    CHECK(window_of_ledger(0x41000) == BATON_NR_WINDOWS);
    CHECK(window_of_ledger(0x22000) == BATON_NR_WINDOWS);
    // An explicit low= wins over the window's default.
    CHECK(ok("partition=1G+512M cpus=1 window=1 low=0x40000+40K").low.begin() == 0x40000);
    CHECK(refused("partition=1G+512M cpus=1 window=2") ==
          "plan: window=2: not a low window (0 or 1)");
    CHECK(refused("partition=1G+512M cpus=1 window=1 window=1") == "plan: window: given twice");
    CHECK(refused("partition=1G+512M cpus=1 window=-1") ==
          "plan: window=-1: not a low window (0 or 1)");
    // Neither window's SIPI page, ledger or page tables may become B's RAM.
    CHECK(refused("partition=1G+512M cpus=1 window=1 low=0x20000+40K") ==
          "plan: low: overlaps a low window's SIPI page, ledger or page tables");
    CHECK(refused("partition=1G+512M cpus=1 low=0x31000+28K") ==
          "plan: low: overlaps a low window's SIPI page, ledger or page tables");
}

TEST_CASE("plan: malformed input is refused with a clear message")
{
    CHECK(refused("") == "plan: partition: missing (e.g. partition=0x40000000+512M)");
    CHECK(refused("partition=0x40000000+512M") ==
          "plan: cpus: missing (APIC IDs of B's CPUs, e.g. cpus=0,1)");
    CHECK(refused("cpus=1 partition") == "plan: partition: expected key=value");
    CHECK(refused("=5 cpus=1") == "plan: =5: expected key=value");
    CHECK(refused("partition= cpus=1") == "plan: partition: empty value");
    CHECK(refused("bogus=1 partition=1G+512M cpus=1") == "plan: bogus: unknown key");
    CHECK(refused("partition=1G+512M partition=1G+512M cpus=1") == "plan: partition: given twice");
    CHECK(refused("partition=1G cpus=1") == "plan: partition=1G: expected BASE+SIZE");
    CHECK(refused("partition=1X+512M cpus=1") == "plan: partition=1X+512M: bad number '1X'");
    CHECK(refused("partition=0x+512M cpus=1") == "plan: partition=0x+512M: bad number '0x'");
    CHECK(refused("partition=1G+99999999999999999999 cpus=1") ==
          "plan: partition=1G+99999999999999999999: bad number '99999999999999999999'");
    CHECK(refused("partition=0xfffffffffe000000+64M cpus=1") ==
          "plan: partition=0xfffffffffe000000+64M: range wraps past 2^64");
    CHECK(refused("partition=0x40100000+512M cpus=1") ==
          "plan: partition=0x40100000+512M: base and size must be 2 MiB aligned");
    CHECK(refused("partition=1G+16M cpus=1") ==
          "plan: partition=1G+16M: smaller than the 32 MiB minimum");
    CHECK(refused("partition=0+64M cpus=1") == "plan: partition=0+64M: must start above 1 MiB");
    CHECK(refused("partition=0xf0000000+512M cpus=1") ==
          "plan: partition=0xf0000000+512M: must end below 4 GiB, where the trampoline runs");
    CHECK(ok("partition=0xe0000000+512M cpus=1").partition.end() == 4 * GiB);
    CHECK(refused("partition=1G+512M cpus=") == "plan: cpus: empty value");
    CHECK(refused("partition=1G+512M cpus=1,,2") == "plan: cpus=1,,2: APIC IDs are numbers 0-4294967294");
    CHECK(refused("partition=1G+512M cpus=1,") == "plan: cpus=1,: APIC IDs are numbers 0-4294967294");
    CHECK(refused("partition=1G+512M cpus=4294967295") ==
          "plan: cpus=4294967295: APIC IDs are numbers 0-4294967294");
    CHECK(ok("partition=1G+512M cpus=255,4096").cpus[1] == 4096);  // x2APIC IDs
    CHECK(refused("partition=1G+512M cpus=1K") == "plan: cpus=1K: APIC IDs are numbers 0-4294967294");
    CHECK(refused("partition=1G+512M cpus=1,2,1") == "plan: cpus=1,2,1: APIC ID listed twice");
    CHECK(refused("partition=1G+512M cpus=1 low=0x90000+0x80000") ==
          "plan: low=0x90000+0x80000: needs >= 28K of whole pages below 1 MiB");
    CHECK(refused("partition=1G+512M cpus=1 low=0x30000+16K") ==
          "plan: low=0x30000+16K: needs >= 28K of whole pages below 1 MiB");
    CHECK(refused("partition=1G+512M cpus=1 console=0x3f9") ==
          "plan: console=0x3f9: not a legacy UART port (0x3f8 0x2f8 0x3e8 0x2e8)");
    CHECK(refused("partition=1G+512M cpus=1 kernel.sha256=abc") ==
          "plan: kernel.sha256: sha256 must be 64 hex digits, got 'abc'");
    CHECK(refused("partition=1G+512M cpus=1 initrd.sha256=" + std::string(63, 'a') + "g") ==
          "plan: initrd.sha256: sha256 must be 64 hex digits, got '" + std::string(63, 'a') +
              "g'");
    CHECK(refused("partition=1G+512M cpus=1 tsc_khz=-5") == "plan: tsc_khz=-5: not a number in range");
}

TEST_CASE("plan: more CPUs than the ledger holds")
{
    std::string cpus;
    for (int i = 0; i <= int(BATON_MAX_CPUS); i++)
        cpus += (i ? "," : "") + std::to_string(i);
    CHECK(refused("partition=1G+512M cpus=" + cpus).find("more CPUs than the ledger holds") !=
          std::string::npos);
}

TEST_CASE("plan: parse_size")
{
    CHECK(parse_size("0x10").value() == 16);
    CHECK(parse_size("10k").value() == 10 * KiB);
    CHECK(parse_size("3G").value() == 3 * GiB);
    CHECK(parse_size("18446744073709551615").value() == UINT64_MAX);
    CHECK_FALSE(parse_size("18446744073709551616").ok());
    CHECK_FALSE(parse_size("17179869184G").ok());  // overflows after the multiplier
    CHECK_FALSE(parse_size("").ok());
    CHECK_FALSE(parse_size("M").ok());
}

TEST_CASE("plan: the other kernel's memory, late and hot")
{
    auto p = parse_plan("partition=0x10000000+512M cpus=2 late=0x100000+0xff00000,0x78000000+0x7fe0000 "
                        "hot=0x30000000+0x48000000");
    INFO((p.ok() ? "" : p.error().msg.c_str()));
    REQUIRE(p.ok());
    REQUIRE(p.value().nlate == 2);
    CHECK(p.value().late[1].begin() == 0x78000000);
    CHECK(p.value().late[1].end() == 0x7ffe0000);
    REQUIRE(p.value().nhot == 1);
    CHECK(p.value().hot[0].size() == 0x48000000);
    // B's e820 gets the late ranges as RAM.
    const PartitionMemory m = partition_memory(p.value());
    CHECK(m.nlate == 2);

    auto refused = [](const char* text) {
        auto r = parse_plan(Str(text, strlen(text)));
        return r.ok() ? std::string("accepted") : std::string(r.error().msg.c_str());
    };
    CHECK(refused("partition=0x10000000+512M cpus=2 late=0x20000000+1M") ==
          "plan: late: overlaps B's partition or low RAM");
    CHECK(refused("partition=0x10000000+512M cpus=2 late=0x100000+1M,0x180000+1M") ==
          "plan: late=0x100000+1M,0x180000+1M: ranges overlap");
    CHECK(refused("partition=0x10000000+512M cpus=2 late=0x100800+4K") ==
          "plan: late=0x100800+4K: ranges must be whole pages");
    CHECK(refused("partition=0x10000000+512M cpus=2 late=0x100000+1M hot=0x100000+128M") ==
          "plan: late: a late range overlaps a hot one");
    CHECK(refused("partition=0x10000000+512M cpus=2 hot=0x30000000") ==
          "plan: hot=0x30000000: expected BASE+SIZE");
    CHECK(refused("partition=0x10000000+512M cpus=2 hot=1M+1M hot=8M+1M") == "plan: hot: given twice");
    CHECK(refused("partition=0x10000000+512M cpus=2 "
                  "late=1M+4K,2M+4K,3M+4K,4M+4K,5M+4K,6M+4K,7M+4K,8M+4K,9M+4K")
              .find("more ranges than the record holds") != std::string::npos);
}

TEST_CASE("plan: cpus= ranges FIRST-LAST, for machines with hundreds of CPUs")
{
    Plan p = ok("partition=1G+512M cpus=5,1-3,256-259");
    REQUIRE(p.ncpus == 8);
    const uint32_t want[] = {5, 1, 2, 3, 256, 257, 258, 259};
    for (size_t i = 0; i < 8; i++)
        CHECK(p.cpus[i] == want[i]);
    CHECK(p.cpus[0] == 5);  // the first listed still boots B
    CHECK(ok("partition=1G+512M cpus=7-7").ncpus == 1);
    // 256 CPUs: the whole ledger in a dozen characters.
    Plan all = ok("partition=1G+512M cpus=0-127,256-383");
    CHECK(all.ncpus == BATON_MAX_CPUS);
    CHECK(all.cpus[255] == 383);
    CHECK(ok("partition=1G+512M cpus=0x100-0x101").cpus[1] == 0x101);

    CHECK(refused("partition=1G+512M cpus=3-1") == "plan: cpus=3-1: a range FIRST-LAST must not go down");
    CHECK(refused("partition=1G+512M cpus=1-") == "plan: cpus=1-: APIC IDs are numbers 0-4294967294");
    CHECK(refused("partition=1G+512M cpus=-4") == "plan: cpus=-4: APIC IDs are numbers 0-4294967294");
    CHECK(refused("partition=1G+512M cpus=1-2-3") == "plan: cpus=1-2-3: APIC IDs are numbers 0-4294967294");
    CHECK(refused("partition=1G+512M cpus=1-4294967295") ==
          "plan: cpus=1-4294967295: APIC IDs are numbers 0-4294967294");
    CHECK(refused("partition=1G+512M cpus=2,1-3") == "plan: cpus=2,1-3: APIC ID listed twice");
    CHECK(refused("partition=1G+512M cpus=0-256") == "plan: cpus=0-256: more CPUs than the ledger holds");
    // A range up to the last ID stops at the ledger's size, not after 4 billion steps.
    CHECK(refused("partition=1G+512M cpus=0-4294967294") ==
          "plan: cpus=0-4294967294: more CPUs than the ledger holds");
}
