// B's command line: the fixed part, A's mitigation choices, the operator's --append.
#include <catch2/catch.hpp>

#include <string>

#include "b_cmdline.h"

namespace {
const std::string kBase = b_cmdline("", "tsc\n", "");
}

TEST_CASE("b_cmdline: the parameters every B gets")
{
    for (const char* p : {"console=ttyS1,115200", "no_ipi_broadcast=1", "nokaslr", "mce=ignore_ce",
                          "dis_ucode_ldr", "intel_pstate=disable", "intel_idle.max_cstate=0",
                          "split_lock_detect=off", "no5lvl", "tsc=reliable"})
        CHECK(kBase.find(p) != std::string::npos);
    CHECK(kBase.back() != ' ');
}

TEST_CASE("b_cmdline: A's mitigation choices are copied, nothing else of A's")
{
    std::string a = "console=ttyS0,115200 crashkernel=512M@256M mitigations=auto,nosmt "
                    "tsx=off quiet srbds=off gather_data_sampling=force\n";
    CHECK(b_cmdline(a, "tsc", "") == kBase + " mitigations=auto,nosmt tsx=off srbds=off "
                                      "gather_data_sampling=force");
    // A prefix without a value, or a longer name, is not a choice.
    CHECK(b_cmdline("mitigations= tsx_async_abort=off notsx=on", "tsc", "") == kBase);
    CHECK(b_cmdline("  \t ", "tsc", "") == kBase);
}

TEST_CASE("b_cmdline: the operator's --append comes last, so it wins")
{
    CHECK(b_cmdline("tsx=off", "tsc", "tsx=on loglevel=7") == kBase + " tsx=off tsx=on loglevel=7");
}

TEST_CASE("b_cmdline: B takes A's verdict on the TSC")
{
    CHECK(b_cmdline("", "tsc\n", "").find(" tsc=reliable") != std::string::npos);
    for (const char* cs : {"hpet\n", "acpi_pm", "", "tsc-early", "kvm-clock"}) {
        std::string line = b_cmdline("", cs, "");
        CHECK(line.find(" tsc=unstable") != std::string::npos);
        CHECK(line.find("tsc=reliable") == std::string::npos);
    }
}
