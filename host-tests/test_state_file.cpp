// SPDX-License-Identifier: GPL-2.0
// The saved plan: written, read back, and a file that is not one.
#include <catch2/catch.hpp>

#include <string>

#include "planner_fixture.h"
#include "state_file.h"

using namespace baton::cli;
using namespace baton::test;

TEST_CASE("state file: what plan saves, load reads back")
{
    auto s = parse_state("plan partition=0x10000000+0x20000000 cpus=2,3\ncpu 2 2\ncpu 3 3\n"
                         "set_aside\n", "/run/baton/state");
    REQUIRE(s);
    CHECK(s->plan_text == "partition=0x10000000+0x20000000 cpus=2,3");
    REQUIRE(s->cpus.size() == 2);
    CHECK(s->cpus[1].a_cpu == 3);
    CHECK(s->cpus[1].apic_id == 3);
    CHECK(s->set_aside);
    auto plain = parse_state("plan p\ncpu 5 12\r\n", "S");
    REQUIRE(plain);
    CHECK_FALSE(plain->set_aside);
    CHECK(plain->cpus[0].apic_id == 12);
}

TEST_CASE("state file: a file that is not a saved plan names its line")
{
    const std::pair<std::string, std::string> bad[] = {
        {"", "S has no plan or no CPU for B: run baton plan again"},
        {"plan p\n", "S has no plan or no CPU for B: run baton plan again"},
        {"cpu 2 2\n", "S has no plan or no CPU for B: run baton plan again"},
        {"plan p\ncpu 2\n", "S line 2: not \"cpu A_CPU APIC_ID\": run baton plan again"},
        {"plan p\ncpu x 2\n", "S line 2: not \"cpu A_CPU APIC_ID\": run baton plan again"},
        {"plan p\ncpu 2 -1\n", "S line 2: not \"cpu A_CPU APIC_ID\": run baton plan again"},
        {"plan p\ncpu 9999 1\n", "S line 2: not \"cpu A_CPU APIC_ID\": run baton plan again"},
        {"plan p\ncpu 2 99999999999\n", "S line 2: not \"cpu A_CPU APIC_ID\": run baton plan again"},
        {"plan p\nplan q\ncpu 2 2\n", "S line 2: a second plan: run baton plan again"},
        {"plan p\ncpu 2 2\nbogus\n", "S line 3: not a line of a saved plan: run baton plan again"},
        {std::string(10000, '\xff'), "S line 1: not a line of a saved plan: run baton plan again"},
    };
    for (const auto& [text, why] : bad) {
        auto s = parse_state(text, "S");
        REQUIRE(!s);
        CHECK(s.error.what == why);
    }
}

TEST_CASE("state file: the reference machine's plan, saved and read back")
{
    const auto r = make_plan(reference(), b8());
    const LaunchPlan& lp = planned(r);
    auto s = parse_state(state_text(lp), "S");
    REQUIRE(s);
    CHECK(s->plan_text == lp.text());
    REQUIRE(s->cpus.size() == lp.cpus.size());
    for (size_t i = 0; i < lp.cpus.size(); i++) {
        CHECK(s->cpus[i].a_cpu == lp.cpus[i].a_cpu);
        CHECK(s->cpus[i].apic_id == lp.cpus[i].apic_id);
    }
    CHECK(s->set_aside == lp.set_aside);
}
