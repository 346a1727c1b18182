// SPDX-License-Identifier: GPL-2.0
// baton status's view: a ledger file read back, the lines and the JSON, hostile ledgers.
#include <catch2/catch.hpp>

#include <cstring>
#include <random>
#include <string>
#include <vector>

#include "status_view.h"

using namespace baton::cli;

namespace {

std::vector<uint8_t> bytes_of(const baton_ledger& l)
{
    std::vector<uint8_t> b(sizeof(l));
    memcpy(b.data(), &l, sizeof(l));
    return b;
}

baton_ledger handed_over()
{
    baton_ledger l{};
    l.magic = BATON_LEDGER_MAGIC;
    l.version = BATON_ABI_VERSION;
    l.state = BATON_STATE_HANDED_OVER;
    l.partition_base = 0x10000000;
    l.partition_size = 0x20000000;
    l.ncpus = 2;
    l.cpus[0] = {};
    l.cpus[0].apic_id = 2;
    l.cpus[0].state = BATON_CPU_B_ONLINE;
    l.cpus[1] = {};
    l.cpus[1].apic_id = 0;
    l.cpus[1].a_cpu = 1;  // A's CPU 0, released by A
    l.cpus[1].state = BATON_CPU_B_ONLINE;
    l.nmem = 1;
    l.mem[0].base = 0x40000000;
    l.mem[0].size = 0x8000000;
    l.mem[0].state = BATON_MEM_B_ONLINE;
    l.tsc_khz = 1000;
    l.launch_tsc = 1000000;
    l.nevents = 2;
    l.events[0] = {};
    l.events[0].tsc = 1000000 + 1500;  // 1.5 ms after launch
    l.events[0].kind = BATON_EV_RELEASE;
    l.events[0].resource = BATON_RES_PCI;
    l.events[0].arg = 0x20;
    l.events[1] = l.events[0];
    l.events[1].tsc += 500;
    l.events[1].kind = BATON_EV_ADOPT;
    return l;
}

}  // namespace

TEST_CASE("status view: a ledger file, as B reads its own after the handover")
{
    const baton_ledger l = handed_over();
    auto st = status_from_ledger(bytes_of(l), "/sys/kernel/baton/ledger");
    REQUIRE(st);
    StatusView v;
    v.status = &*st.value;
    v.state = st.value->ledger.state;
    v.ledger_file = "/sys/kernel/baton/ledger";
    v.planned = {{3, 2}};
    const std::string text = status_text(v);
    CHECK(text.find("state       handed-over\n") == 0);
    CHECK(text.find("B           (from /sys/kernel/baton/ledger)") != std::string::npos);
    CHECK(text.find("cpu         cpu3 (APIC ID 2): B\n") != std::string::npos);
    CHECK(text.find("cpu         cpu0 (APIC ID 0): B, released by A\n") != std::string::npos);
    CHECK(text.find("mem         0x40000000-0x47ffffff (128 MiB): B\n") != std::string::npos);
    CHECK(text.find("pci         00:04.0: B\n") != std::string::npos);
    CHECK(text.find("timeline         1.500 ms  release pci 00:04.0\n") != std::string::npos);
    CHECK(text.find("crash slot") == std::string::npos);  // not baton.ko's answer
    const std::string json = status_json(v);
    CHECK(json.find("{\"ok\":true,\"state\":\"handed-over\"") == 0);
    CHECK(json.find("\"devices\":[{\"resource\":\"pci\",\"id\":\"00:04.0\",\"owner\":\"B\"}]") !=
          std::string::npos);
    CHECK(json.find("\"crash_slot\"") == std::string::npos);
    CHECK(json.find("\"timeline_dropped\":0}") != std::string::npos);
}

TEST_CASE("status view: what is not a ledger of this ABI is refused")
{
    baton_ledger l = handed_over();
    std::vector<uint8_t> b = bytes_of(l);
    b.resize(100);
    auto shortf = status_from_ledger(b, "f");
    REQUIRE(!shortf);
    CHECK(shortf.error.what == "f: 100 bytes, not a ledger of ABI " + std::to_string(BATON_ABI_VERSION));
    l.version = BATON_ABI_VERSION - 1;
    auto old = status_from_ledger(bytes_of(l), "f");
    REQUIRE(!old);
    CHECK(old.error.what == "f: not a ledger of ABI " + std::to_string(BATON_ABI_VERSION));
}

TEST_CASE("status view: hostile ledgers render without reading past them")
{
    std::mt19937_64 rng(135);
    for (int round = 0; round < 300; round++) {
        baton_ledger l;
        auto* raw = reinterpret_cast<uint8_t*>(&l);
        for (size_t i = 0; i < sizeof(l); i++)
            raw[i] = uint8_t(rng());
        l.magic = BATON_LEDGER_MAGIC;
        l.version = BATON_ABI_VERSION;
        auto st = status_from_ledger(bytes_of(l), "x");
        REQUIRE(st);
        st.value->heartbeat_age_ms = int64_t(rng());
        st.value->since_launch_ms = int64_t(rng());
        st.value->crash_slot = uint32_t(rng());
        for (bool file : {false, true}) {
            StatusView v;
            v.status = &*st.value;
            v.state = l.state;
            v.ledger_file = file ? "x" : "";
            const std::string text = status_text(v);
            CHECK(text.rfind("state       ", 0) == 0);
            const std::string json = status_json(v);
            CHECK(json.front() == '{');
            CHECK(json.back() == '}');
        }
    }
}
