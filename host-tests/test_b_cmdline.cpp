// B's command line: the fixed part, A's mitigation choices, the operator's --append.
#include <catch2/catch.hpp>

#include <string>

#include "b_cmdline.h"

namespace {
const std::string kBase = b_cmdline("", "tsc\n", 0x2f8, "");
}

TEST_CASE("b_cmdline: the parameters every B gets")
{
    for (const char* p : {"console=ttyS1,115200", "no_ipi_broadcast=1", "nokaslr",
                          "memhp_default_state=online_movable", "mce=ignore_ce",
                          "dis_ucode_ldr", "intel_pstate=disable", "intel_idle.max_cstate=0",
                          "split_lock_detect=off", "no5lvl", "tsc=reliable"})
        CHECK(kBase.find(p) != std::string::npos);
    CHECK(kBase.back() != ' ');
}

TEST_CASE("b_cmdline: A's mitigation choices are copied, nothing else of A's")
{
    std::string a = "console=ttyS0,115200 crashkernel=512M@256M mitigations=auto,nosmt "
                    "tsx=off quiet srbds=off gather_data_sampling=force\n";
    CHECK(b_cmdline(a, "tsc", 0x2f8, "") == kBase + " mitigations=auto,nosmt tsx=off srbds=off "
                                      "gather_data_sampling=force");
    // A prefix without a value, or a longer name, is not a choice.
    CHECK(b_cmdline("mitigations= tsx_async_abort=off notsx=on", "tsc", 0x2f8, "") == kBase);
    CHECK(b_cmdline("  \t ", "tsc", 0x2f8, "") == kBase);
}

TEST_CASE("b_cmdline: the operator's --append comes last, so it wins")
{
    CHECK(b_cmdline("tsx=off", "tsc", 0x2f8, "tsx=on loglevel=7") == kBase + " tsx=off tsx=on loglevel=7");
}

TEST_CASE("b_cmdline: B takes A's verdict on the TSC")
{
    CHECK(b_cmdline("", "tsc\n", 0x2f8, "").find(" tsc=reliable") != std::string::npos);
    for (const char* cs : {"hpet\n", "acpi_pm", "", "tsc-early", "kvm-clock"}) {
        std::string line = b_cmdline("", cs, 0x2f8, "");
        CHECK(line.find(" tsc=unstable") != std::string::npos);
        CHECK(line.find("tsc=reliable") == std::string::npos);
    }
}

TEST_CASE("b_cmdline: B's console is the UART the plan gives it")
{
    CHECK(b_cmdline("", "tsc", 0x3f8, "").starts_with("console=ttyS0,115200 "));
    CHECK(b_cmdline("", "tsc", 0x2f8, "").starts_with("console=ttyS1,115200 "));
    CHECK(b_cmdline("", "tsc", 0x2e8, "").starts_with("console=ttyS3,115200 "));
}
