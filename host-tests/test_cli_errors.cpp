// SPDX-License-Identifier: GPL-2.0
// The CLI's words for what went wrong (errors.h), its limits (plan_limits.h) and the parsers
// of what A tells about privileges and B's build, on good and hostile inputs.
#include <catch2/catch.hpp>

#include <cerrno>
#include <cstring>
#include <string>

#include "errors.h"
#include "machine_facts.h"
#include "plan_limits.h"

extern "C" {
#include "../include/baton/ioctl.h"
}

using namespace baton;
using namespace baton::cli;

namespace {

bool has(const std::string& s, const std::string& part) { return s.find(part) != std::string::npos; }

}  // namespace

TEST_CASE("cpu list: how many CPUs /sys/devices/system/cpu/present names")
{
    CHECK(count_cpu_list("0-3\n") == 4u);
    CHECK(count_cpu_list("0\n") == 1u);
    CHECK(count_cpu_list("0-3,5,7-9") == 8u);
    CHECK(count_cpu_list("0-9\r\n") == 10u);
    CHECK_FALSE(count_cpu_list(""));
    CHECK_FALSE(count_cpu_list("\n"));
    CHECK_FALSE(count_cpu_list("3-1"));
    CHECK_FALSE(count_cpu_list("0-3,2"));  // overlapping or out of order
    CHECK_FALSE(count_cpu_list("0,,1"));
    CHECK_FALSE(count_cpu_list("0-"));
    CHECK_FALSE(count_cpu_list("-3"));
    CHECK_FALSE(count_cpu_list("a-b"));
    CHECK_FALSE(count_cpu_list("0-3 junk"));
    CHECK_FALSE(count_cpu_list("0-99999999999999999999"));
    CHECK_FALSE(count_cpu_list("0-4294967295"));
}

TEST_CASE("kernel config: CONFIG_NR_CPUS from B's .config")
{
    const char* config = "#\n# Automatically generated file; DO NOT EDIT.\n"
                         "CONFIG_NR_CPUS_RANGE_BEGIN=2\nCONFIG_NR_CPUS=8\nCONFIG_SMP=y\n";
    CHECK(kconfig_number(config, "CONFIG_NR_CPUS") == 8u);
    CHECK(kconfig_number(config, "CONFIG_NR_CPUS_RANGE_BEGIN") == 2u);
    CHECK(kconfig_number("CONFIG_NR_CPUS=64\r\n", "CONFIG_NR_CPUS") == 64u);
    CHECK_FALSE(kconfig_number(config, "CONFIG_NR"));
    CHECK_FALSE(kconfig_number("# CONFIG_NR_CPUS is not set\n", "CONFIG_NR_CPUS"));
    CHECK_FALSE(kconfig_number("CONFIG_NR_CPUS=y\n", "CONFIG_NR_CPUS"));
    CHECK_FALSE(kconfig_number("CONFIG_NR_CPUS=\n", "CONFIG_NR_CPUS"));
    CHECK_FALSE(kconfig_number("CONFIG_NR_CPUS=0x10\n", "CONFIG_NR_CPUS"));
    CHECK_FALSE(kconfig_number("CONFIG_NR_CPUS=8\nCONFIG_NR_CPUS=16\n", "CONFIG_NR_CPUS"));
    CHECK_FALSE(kconfig_number("CONFIG_NR_CPUS=99999999999999999999999\n", "CONFIG_NR_CPUS"));
    CHECK_FALSE(kconfig_number(std::string("CONFIG_NR_CPUS=8\0junk", 21), "CONFIG_NR_CPUS"));
    CHECK_FALSE(kconfig_number("", "CONFIG_NR_CPUS"));
}

TEST_CASE("B's CPU limit: a missing or broken config is refused, naming the file")
{
    const std::string path = "/usr/lib/baton/bzImage.config";
    const auto ok = b_cpu_limit(std::string("CONFIG_BATON_GUEST=y\nCONFIG_NR_CPUS=8\n"), path);
    REQUIRE(bool(ok));
    CHECK(*ok.value == 8u);
    const auto missing = b_cpu_limit(std::nullopt, path);
    REQUIRE(!missing);
    CHECK(has(missing.error.what, path + " is missing"));
    for (const char* bad : {"", "CONFIG_NR_CPUS=0\n", "garbage", "CONFIG_NR_CPUS=-1\n"}) {
        const auto r = b_cpu_limit(std::string("CONFIG_BATON_GUEST=y\n") + bad, path);
        REQUIRE(!r);
        CHECK(r.error.what == path + " has no CONFIG_NR_CPUS=N: baton cannot tell "
                                                 "how many CPUs B runs");
    }
}

TEST_CASE("B's kernel: one without the partition-guest platform cannot be a guest")
{
    const std::string path = "/boot/vmlinuz-6.1.0-57-amd64.config";
    // Debian's stock 6.1: a host, never a guest (a "downgrade" along a chain).
    for (const char* cfg : {"CONFIG_NR_CPUS=8192\n", "# CONFIG_BATON_GUEST is not set\nCONFIG_NR_CPUS=8\n",
                            "CONFIG_BATON_GUEST=m\nCONFIG_NR_CPUS=8\n", "CONFIG_BATON_GUEST=yes\n"}) {
        const auto r = b_cpu_limit(std::string(cfg), path);
        REQUIRE(!r);
        CHECK(r.error.what ==
              path + ": this kernel has no partition-guest platform (CONFIG_BATON_GUEST), so it "
                     "cannot boot beside the running kernel; a stock kernel, Debian's 6.1 "
                     "included, can host an upgrade but cannot be one");
    }
    CHECK(kconfig_enabled("A=y\nCONFIG_BATON_GUEST=y\n", "CONFIG_BATON_GUEST"));
    CHECK_FALSE(kconfig_enabled("CONFIG_BATON_GUEST_X=y\n", "CONFIG_BATON_GUEST"));
}

TEST_CASE("privileges: CapEff and the lockdown mode")
{
    const char* root = "Name:\tbaton\nCapInh:\t0000000000000000\nCapEff:\t000001ffffffffff\n";
    const char* user = "Name:\tbaton\nCapEff:\t0000000000000000\n";
    const char* boot_only = "CapEff:\t0000000000400000\n";
    CHECK(has_capability(root, 22) == true);
    CHECK(has_capability(user, 22) == false);
    CHECK(has_capability(boot_only, 22) == true);
    CHECK(has_capability(boot_only, 21) == false);
    CHECK_FALSE(has_capability("Name:\tbaton\n", 22));
    CHECK_FALSE(has_capability("CapEff:\tzz\n", 22));
    CHECK_FALSE(has_capability("CapEff:\t1ffffffffffffffffff\n", 22));
    CHECK_FALSE(has_capability(root, 64));
    CHECK(lockdown_mode("[none] integrity confidentiality\n") == "none");
    CHECK(lockdown_mode("none [integrity] confidentiality\n") == "integrity");
    CHECK(lockdown_mode("none integrity [confidentiality]\n") == "confidentiality");
    CHECK(lockdown_mode("") == "");
    CHECK(lockdown_mode("] none [") == "");
    CHECK(lockdown_mode("[unterminated") == "");
}

TEST_CASE("memory limits: late and hot ranges in the record, moves in the ledger")
{
    std::vector<PhysRange> eight(BATON_MAX_LATE, PhysRange(PhysAddr(0), 4096)), nine(9, eight[0]);
    CHECK_FALSE(check_memory_limits(eight, eight, BATON_MAX_MEM));
    CHECK(check_memory_limits(nine, eight, 1)->what ==
          "A's RAM that B takes when A stops is in 9 pieces; B's partition record holds 8 "
          "(BATON_MAX_LATE)");
    CHECK(check_memory_limits(eight, nine, 1)->what ==
          "A's whole memory blocks outside the partition are in 9 separate ranges; B's "
          "partition record holds 8 (BATON_MAX_LATE)");
    CHECK(has(check_memory_limits({}, {}, BATON_MAX_MEM + 1)->what, "65 memory blocks"));
}

TEST_CASE("errors: no errno reaches an operator as the C library's text")
{
    // Every mapping, over every errno the kernel has: a sentence of baton's, never strerror().
    for (int e = 1; e < 134; e++) {
        const std::string lib = strerror(e);
        const std::string texts[] = {
            errno_phrase(e), device_error(e), kexec_error(e, false), kexec_error(e, true),
            slot_error(BATON_SLOT_LOAD, e), slot_error(BATON_SLOT_UNLOAD, e),
            slot_error(BATON_SLOT_FREE, e), load_error(e), launch_error(e), abort_error(e),
            status_error(e), release_error(BATON_RES_CPU, e, 5000),
            release_error(BATON_RES_MEM, e, 5000), release_error(BATON_RES_PCI, e, 5000),
            release_error(BATON_RES_IRQ, e, 5000), hand_over_error(e)};
        for (const std::string& t : texts) {
            INFO("errno " << e << ": " << t);
            CHECK_FALSE(t.empty());
            CHECK_FALSE(has(t, lib));
            CHECK(t.find('\n') == std::string::npos);
        }
    }
}

TEST_CASE("errors: what each command's errno means")
{
    CHECK(has(release_error(BATON_RES_CPU, ENOSPC, 5000), "CONFIG_NR_CPUS"));
    CHECK(has(release_error(BATON_RES_PCI, ENOSPC, 5000), "BATON_MAX_PCI"));
    CHECK(has(release_error(BATON_RES_MEM, ENOSPC, 5000), "BATON_MAX_MEM"));
    CHECK(release_error(BATON_RES_CPU, ETIMEDOUT, 2000) ==
          "B did not take it within 2000 ms; it is back in A");
    CHECK(has(release_error(BATON_RES_IRQ, EBUSY, 5000), "A has a handler on it"));
    CHECK(has(release_error(BATON_RES_CPU, EPERM, 5000), "CPU 0 leaves A last"));
    CHECK(has(release_error(BATON_RES_CPU, 200, 5000), "(200)"));
    CHECK(has(device_error(ENOENT), "baton.ko is not loaded"));
    CHECK(has(device_error(EACCES), "needs root"));
    CHECK(has(kexec_error(EPERM, false), "kexec_load_disabled"));
    CHECK(has(kexec_error(EBUSY, true), "could not unload"));
    CHECK(has(slot_error(BATON_SLOT_LOAD, EEXIST), "kexec -p -u"));
    CHECK(has(slot_error(BATON_SLOT_UNLOAD, EBUSY), "baton abort"));
    CHECK(has(load_error(ENOEXEC), "not baton's"));
    CHECK(has(errno_phrase(ENOENT), "does not exist"));
    CHECK(root_refusal("plan") == "plan needs root (CAP_SYS_BOOT, as kexec does): run baton as root");
    CHECK(has(lockdown_refusal("integrity"), "kernel A is locked down (integrity)"));
    CHECK(has(lockdown_refusal(""), "kernel A is locked down:"));
}
