// SPDX-License-Identifier: GPL-2.0
// `baton plan` on server-scale machines: the firmware's tables checked as the trampoline will
// read them, every limit named in the refusal, and a 256-CPU plan that fits the launch block.
#include <catch2/catch.hpp>

#include <string>

#include "plan_limits.h"
#include "planner_fixture.h"

using namespace baton;
using namespace baton::cli;
using namespace baton::test;

namespace {

// A's /proc/cpuinfo for CPUs 0..n-1 with the given APIC IDs, and the flags line.
std::string cpuinfo(const std::vector<uint32_t>& apic_ids, bool x2apic = true)
{
    std::string t;
    for (size_t i = 0; i < apic_ids.size(); i++)
        t += "processor\t: " + std::to_string(i) + "\napicid\t\t: " + std::to_string(apic_ids[i]) +
             "\nflags\t\t: fpu apic" + (x2apic ? " x2apic" : "") + " hypervisor\n\n";
    return t;
}

// A 2-socket server: 128 threads a socket, socket 1's x2APIC IDs from 256 (no SMT gaps).
std::vector<uint32_t> two_sockets()
{
    std::vector<uint32_t> ids;
    for (uint32_t s = 0; s < 2; s++)
        for (uint32_t t = 0; t < 128; t++)
            ids.push_back(s * 256 + t);
    return ids;
}

MachineFacts server(const std::vector<uint32_t>& ids)
{
    MachineFacts f = reference();
    f.cmdline = "crashkernel=512M@256M memmap=64K$0x20000 no_ipi_broadcast=1";
    const std::string info = cpuinfo(ids);
    f.cpus = parse_cpuinfo(info);
    f.x2apic = a_runs_x2apic(info, f.cmdline);
    f.present_cpus = ids.size();
    Bytes b = madt_fixed();
    for (uint32_t id : ids)
        if (id < 255)
            lapic(b, uint8_t(id), uint8_t(id));
        else
            x2apic(b, id);
    ioapic(b, 8, 0xfec00000, 0);
    ioapic(b, 9, 0xfec01000, 24);
    f.madt = text(sdt("APIC", b));
    return f;
}

PlanOptions debian_b()
{
    PlanOptions o = b8();
    auto limit = b_cpu_limit(std::string("CONFIG_SMP=y\nCONFIG_BATON_GUEST=y\nCONFIG_NR_CPUS=8192\n"),
                             o.b_config);
    REQUIRE(bool(limit));
    o.b_nr_cpus = *limit.value;
    return o;
}

}  // namespace

TEST_CASE("facts: A's local APIC mode")
{
    const std::string x2 = cpuinfo({0, 1}), x1 = cpuinfo({0, 1}, false);
    CHECK(a_runs_x2apic(x2, "quiet"));
    CHECK_FALSE(a_runs_x2apic(x2, "quiet nox2apic"));
    CHECK_FALSE(a_runs_x2apic(x1, "quiet"));
    CHECK_FALSE(a_runs_x2apic("flags\t\t: fpu x2apicx\n", ""));
    CHECK(a_runs_x2apic("flags\t\t: x2apic\n", ""));
    CHECK_FALSE(a_runs_x2apic("", ""));
    // The reference machine: QEMU's TCG has no x2APIC, and A boots with nox2apic.
    CHECK_FALSE(a_runs_x2apic(kCpuinfo, kCmdline));
}

TEST_CASE("plan: a 256-CPU machine with x2APIC IDs above 255, B's NR_CPUS from Debian's 8192")
{
    MachineFacts f = server(two_sockets());
    PlanOptions o = debian_b();
    REQUIRE(o.b_nr_cpus == 8192);
    for (unsigned cpu = 1; cpu < 256; cpu++)
        o.cpus.push_back(cpu);
    const auto r = make_plan(f, o);
    const LaunchPlan& lp = planned(r);
    // 255 IDs in two ranges; the trampoline reads them back in order.
    CHECK(lp.text().find(" cpus=1-127,256-383 ") != std::string::npos);
    REQUIRE(lp.plan.ncpus == 255);
    CHECK(lp.plan.cpus[0] == 1);
    CHECK(lp.plan.cpus[127] == 256);
    CHECK(lp.plan.cpus[254] == 383);
    REQUIRE(lp.cpus.size() == 255);
    CHECK(lp.cpus[200].apic_id == lp.plan.cpus[200]);

    SECTION("the same machine with one more CPU is beyond the ledger")
    {
        f = server([] { auto ids = two_sockets(); ids.push_back(384); return ids; }());
        CHECK(refused(f, o) == "this machine has 257 CPUs; the ledger holds 256 (BATON_MAX_CPUS)");
    }
    SECTION("the runs that are not runs stay single")
    {
        o.cpus = {3, 1, 2, 129, 130};
        const auto r2 = make_plan(f, o);
        CHECK(planned(r2).text().find(" cpus=3,1,2,257,258 ") != std::string::npos);
    }
}

TEST_CASE("plan: a plan that would not fit the launch block is refused up front")
{
    // IDs that are neither small nor consecutive, and every PCI function the record holds.
    std::vector<uint32_t> ids;
    for (uint32_t i = 0; i < 256; i++)
        ids.push_back(i == 0 ? 0 : 1000000 + 3 * i);
    MachineFacts f = server(ids);
    PlanOptions o = debian_b();
    for (unsigned cpu = 1; cpu < 256; cpu++)
        o.cpus.push_back(cpu);
    for (uint32_t i = 0; i < BATON_MAX_PCI; i++)
        o.pci.push_back(pci_bdf(0x100 + i));
    const std::string err = refused(f, o);
    CHECK(err.find("characters with its digests; the launch block holds 4095 (BATON_PLAN_MAX)") !=
          std::string::npos);
}

TEST_CASE("plan: the firmware's tables, checked as the trampoline reads them")
{
    MachineFacts f = reference();
    PlanOptions o = b8();
    SECTION("the reference machine passes, and its tables are what the trampoline reads")
    {
        CHECK_FALSE(check_firmware_limits(f, {2, 3}).has_value());
    }
    SECTION("no MADT")
    {
        f.madt.reset();
        CHECK(refused(f, o) == "the firmware has no MADT (/sys/firmware/acpi/tables/APIC): "
                               "baton finds the machine's CPUs and IOAPICs there (A booted "
                               "with acpi=off?)");
    }
    SECTION("more IOAPICs than the record holds")
    {
        Bytes b = qemu_madt_body();
        for (uint8_t i = 1; i <= BATON_MAX_IOAPICS; i++)
            ioapic(b, i, 0xfec00000 + i * 0x1000u, i * 24u);
        f.madt = text(sdt("APIC", b));
        CHECK(refused(f, o) == "the MADT lists more than 16 IOAPICs; B's partition record "
                               "holds 16 (BATON_MAX_IOAPICS)");
    }
    SECTION("an IOAPIC with more pins than B's pin table")
    {
        Bytes b = qemu_madt_body();
        ioapic(b, 1, 0xfec01000, 24);
        const unsigned pins = BATON_MAX_IOAPIC_PINS;
        iso(b, 7, 24 + pins);  // one pin past the table, on the second IOAPIC
        f.madt = text(sdt("APIC", b));
        CHECK(refused(f, o) == "IOAPIC 1 (GSI base 24) has at least " + std::to_string(pins + 1) +
                                   " pins (the MADT routes GSI " + std::to_string(24 + pins) +
                                   " to it); B takes " + std::to_string(pins) +
                                   " of an IOAPIC (BATON_MAX_IOAPIC_PINS)");
        iso(b, 8, 23 + pins);  // the table's last pin: fine
        b.erase(b.end() - 20, b.end() - 10);
        f.madt = text(sdt("APIC", b));
        CHECK(bool(make_plan(f, o)));
    }
    SECTION("a CPU that xAPIC mode cannot address, with A in xAPIC mode")
    {
        Bytes b = qemu_madt_body();
        x2apic(b, 300);
        f.madt = text(sdt("APIC", b));
        o.b_nr_cpus = 8;
        CHECK(refused(f, o) == "the machine has a CPU with APIC ID 300, which xAPIC mode cannot "
                               "address (IDs 0-254), and A runs its local APICs in xAPIC mode: "
                               "boot A without nox2apic");
        f.x2apic = true;
        CHECK(bool(make_plan(f, o)));
    }
    SECTION("more SRAT memory ranges than the record holds")
    {
        Bytes b = srat_fixed();
        for (uint64_t i = 0; i <= BATON_MAX_NUMA_RANGES; i++)
            srat_memory(b, i << 26, 1 << 25, uint32_t(i & 1));
        f.srat = text(sdt("SRAT", b, 3));
        CHECK(refused(f, o) == "SRAT: more than 32 memory ranges; B's partition record holds "
                               "32 (BATON_MAX_NUMA_RANGES)");
    }
    SECTION("a malformed SRAT or MCFG")
    {
        Bytes b = srat_fixed();
        srat_x2apic(b, 2, 0x10000);
        f.srat = text(sdt("SRAT", b, 3));
        CHECK(refused(f, o).find("SRAT: APIC ID 2 is in proximity domain 65536") == 0);
        f.srat.reset();
        Bytes m(8, 0);
        mcfg_allocation(m, 0xb0000000, 0, 0, 255);
        mcfg_allocation(m, 0xc0000000, 0, 0, 255);
        f.mcfg = text(sdt("MCFG", m));
        CHECK(refused(f, o) == "MCFG: PCI segment 0 has more than one allocation; B's "
                               "partition record holds one");
    }
    SECTION("a good SRAT and MCFG")
    {
        Bytes b = srat_fixed();
        for (uint8_t id = 0; id < 4; id++)
            srat_lapic(b, id, id / 2);
        srat_memory(b, 0, 0x40000000, 0);
        srat_memory(b, 0x40000000, 0x40000000, 1);
        f.srat = text(sdt("SRAT", b, 3));
        Bytes m(8, 0);
        mcfg_allocation(m, 0xb0000000, 0, 0, 255);
        f.mcfg = text(sdt("MCFG", m));
        CHECK(bool(make_plan(f, o)));
    }
}

TEST_CASE("plan limits: where B's configuration is staged for its kernel")
{
    using V = std::vector<std::string>;
    CHECK(b_config_paths("/usr/lib/baton/bzImage") == V{"/usr/lib/baton/bzImage.config"});
    CHECK(b_config_paths("/boot/vmlinuz-6.12.117") ==
          V{"/boot/vmlinuz-6.12.117.config", "/boot/config-6.12.117"});
    CHECK(b_config_paths("vmlinuz-6.12") == V{"vmlinuz-6.12.config", "config-6.12"});
    CHECK(b_config_paths("/boot/vmlinuz-") == V{"/boot/vmlinuz-.config"});
    CHECK(b_config_paths("/x/vmlinuz") == V{"/x/vmlinuz.config"});
}
