// SPDX-License-Identifier: GPL-2.0
// The command line against the real command table, and how a command's end is rendered.
#include <catch2/catch.hpp>

#include <string>
#include <string_view>
#include <vector>

#include "args.h"
#include "commands.h"
#include "outcome.h"
#include "ready_check.h"
#include "version.h"
#include "include/baton/ledger.h"

using namespace baton::cli;

namespace {

Expected<Args> parse(std::vector<std::string_view> words)
{
    return parse_args(words, command_specs());
}

std::string usage_error(std::vector<std::string_view> words)
{
    auto r = parse(std::move(words));
    REQUIRE(!r);
    CHECK(r.error.exit == Exit::usage);
    CHECK(r.error.what.find('\n') == std::string::npos);
    return r.error.what;
}

}  // namespace

TEST_CASE("args: options take --opt value and --opt=value")
{
    auto a = parse({"release", "cpu", "3", "--timeout-ms=250", "--json"});
    REQUIRE(a);
    CHECK(a.value->command == "release");
    CHECK(a.value->pos == std::vector<std::string>{"cpu", "3"});
    CHECK(a.value->get("timeout-ms") == "250");
    CHECK(a.value->json);
    auto b = parse({"plan", "--cpus", "2,3", "--kernel=/x=y/bzImage"});
    REQUIRE(b);
    CHECK(b.value->get("cpus") == "2,3");
    CHECK(b.value->get("kernel") == "/x=y/bzImage");  // only the first '=' splits
    CHECK(b.value->get("dir", "/usr/lib/baton") == "/usr/lib/baton");
    // An empty value is a value (the command decides whether it is a good one).
    auto c = parse({"plan", "--cpus="});
    REQUIRE(c);
    CHECK(c.value->has("cpus"));
    CHECK(c.value->get("cpus").empty());
}

TEST_CASE("args: help, version, and no command")
{
    auto h = parse({"--help"});
    REQUIRE(h);
    CHECK(h.value->help);
    CHECK(h.value->command.empty());
    auto hc = parse({"load", "--help"});
    REQUIRE(hc);
    CHECK(hc.value->help);
    CHECK(hc.value->command == "load");
    auto v = parse({"--version", "--json"});
    REQUIRE(v);
    CHECK(v.value->version);
    CHECK(v.value->json);
    // --help wins over what else is wrong with the words (but not over an unknown option).
    CHECK(bool(parse({"release", "--help"})));
    CHECK(usage_error({}) == "no command given (see baton --help)");
    CHECK(usage_error({"--frob"}) == "unknown option '--frob' (see baton --help)");
}

TEST_CASE("args: what a command does not take is a usage error, one line")
{
    CHECK(usage_error({"bogus"}) == "unknown command 'bogus' (see baton --help)");
    CHECK(usage_error({"plan", "--frobnicate", "1"}) ==
          "baton plan takes no --frobnicate (see baton plan --help)");
    CHECK(usage_error({"plan", "--frobnicate=1"}) ==
          "baton plan takes no --frobnicate (see baton plan --help)");
    CHECK(usage_error({"status", "stray"}) ==
          "baton status takes no arguments, got 'stray' (see baton status --help)");
    CHECK(usage_error({"release", "cpu"}) ==
          "baton release takes 2 arguments, got 'cpu' (see baton release --help)");
    CHECK(usage_error({"release", "cpu", "1", "2"}) ==
          "baton release takes 2 arguments, got 'cpu' ... (see baton release --help)");
    CHECK(usage_error({"launch", "--timeout"}) == "--timeout needs a value (see baton launch --help)");
    CHECK(usage_error({"launch", "--timeout", "1", "--timeout", "2"}) ==
          "--timeout given twice (see baton launch --help)");
    CHECK(usage_error({"status", "--json=yes"}) == "--json takes no value (see baton status --help)");
    CHECK(usage_error({"status", "-x"}) == "unexpected argument '-x' (see baton status --help)");
    CHECK(bool(parse({"status", "--"})));  // "--" ends the options, no word follows
    // A name that is a prefix or a suffix of a real option is not that option.
    CHECK(usage_error({"plan", "--cpu", "2"}).find("takes no --cpu ") != std::string::npos);
    CHECK(usage_error({"plan", "--pus", "2"}).find("takes no --pus ") != std::string::npos);
    CHECK(usage_error({"plan", "--", "x"}).find("takes no arguments, got 'x'") != std::string::npos);
}

TEST_CASE("args: hostile words do not crash the parser")
{
    const std::string long_word(100000, 'x');
    const std::string long_opt = "--" + long_word;
    const std::vector<std::vector<std::string_view>> hostile = {
        {"--"}, {"-"}, {""}, {"", ""}, {"plan", "--"}, {"plan", "--="}, {"plan", "---"},
        {"plan", long_opt}, {long_word}, {"release", "", ""}, {"plan", "--=x"},
        {"status", "--ledger"}, {"status", "--ledger="},
    };
    for (const auto& w : hostile) {
        auto r = parse(w);
        if (!r)
            CHECK(r.error.exit == Exit::usage);
    }
}

TEST_CASE("args: whole numbers in a range")
{
    auto num = [](std::string_view v) {
        Args a;
        a.opts["timeout-ms"] = std::string(v);
        return number_option(a, "timeout-ms", 5000, 1, 600000);
    };
    CHECK(*num("1").value == 1);
    CHECK(*num("600000").value == 600000);
    for (std::string_view bad : {"0", "600001", "-1", "1e3", " 5", "5 ", "", "0x10",
                                 "99999999999999999999"}) {
        auto r = num(bad);
        REQUIRE(!r);
        CHECK(r.error.exit == Exit::usage);
        CHECK(r.error.what == "--timeout-ms: '" + std::string(bad) + "' is not 1..600000");
    }
    CHECK(*number_option(Args{}, "timeout-ms", 5000, 1, 600000).value == 5000);
}

TEST_CASE("outcome: the line and the JSON of an error")
{
    const Error e("handover stopped at cpu 2: B did not take it", Exit::partway,
                  "baton abort returns the rest");
    CHECK(e.line() == "handover stopped at cpu 2: B did not take it; baton abort returns the rest");
    CHECK(error_json(e) == "{\"ok\":false,\"exit\":3,\"outcome\":\"partway\",\"error\":\"handover "
                           "stopped at cpu 2: B did not take it\",\"remains\":\"baton abort "
                           "returns the rest\"}");
    const Error plain = Error("cannot read /x").in("saved plan");
    CHECK(plain.what == "saved plan: cannot read /x");
    CHECK(plain.exit == Exit::refused);
    CHECK(error_json(plain) ==
          "{\"ok\":false,\"exit\":1,\"outcome\":\"refused\",\"error\":\"saved plan: cannot read /x\"}");
    CHECK(plain.as(Exit::b_failed).exit == Exit::b_failed);
    CHECK(std::string(exit_name(Exit::b_failed)) == "b-failed");
    // Every command's --help starts with its own usage line; the overall help lists them.
    for (const CommandSpec& c : command_specs()) {
        CHECK(c.usage.rfind("baton " + std::string(c.name), 0) == 0);
        CHECK(overall_usage().find(std::string(c.usage)) != std::string::npos);
    }
}

TEST_CASE("version: baton.ko's ABI against this baton's")
{
    const std::string abi = std::to_string(BATON_ABI_VERSION);
    CHECK(version_line() == std::string("baton ") + baton_release() + " (ledger ABI " + abi + ")");
    auto m = parse_module_version("0.1.0 abi " + abi + "\n");
    REQUIRE(m);
    CHECK(m->version == "0.1.0");
    CHECK(m->abi == BATON_ABI_VERSION);
    CHECK_FALSE(module_mismatch(std::nullopt));  // not loaded: the command says so itself
    CHECK_FALSE(module_mismatch("0.1.0 abi " + abi + "\n"));
    CHECK_FALSE(module_mismatch("0.2.0 abi " + abi));  // another release of the same ABI
    const auto old = module_mismatch("0.0.9 abi 5\n");
    REQUIRE(old);
    CHECK(old->what == std::string("the loaded baton.ko 0.0.9 speaks ledger ABI 5, this baton ") +
                           baton_release() + " ABI " + abi +
                           ": load the baton.ko of this release (rmmod baton; modprobe baton)");
    // An answer that is not "RELEASE abi N" is not guessed at.
    for (std::string_view bad : {"", "\n", "0.1.0", "abi 6", " abi 6", "0.1.0 abi", "0.1.0 abi x",
                                 "0.1.0 abi 6x", "0.1.0 abi -6", "a b abi 6",
                                 "0.1.0 abi 99999999999"}) {
        INFO("'" << bad << "'");
        CHECK_FALSE(parse_module_version(bad));
        const auto f = module_mismatch(std::string(bad));
        REQUIRE(f);
        CHECK(f->what.find("cannot tell which ledger ABI") == 0);
    }
}

TEST_CASE("ready: what --ready takes, and the usage error for what it does not")
{
    auto none = parse_ready_check("");
    REQUIRE(none);
    CHECK(none.value->kind == ReadyCheck::Kind::heartbeat);
    auto tcp = parse_ready_check("tcp:10.99.0.2:22");
    REQUIRE(tcp);
    CHECK(tcp.value->kind == ReadyCheck::Kind::tcp);
    CHECK(tcp.value->host == "10.99.0.2");
    CHECK(tcp.value->port == 22);
    CHECK(tcp.value->text() == "tcp:10.99.0.2:22");
    auto udp = parse_ready_check("udp:127.0.0.1:7");
    REQUIRE(udp);
    CHECK(udp.value->kind == ReadyCheck::Kind::udp);
    auto cmd = parse_ready_check("cmd:ssh b true && curl -sf http://b/health");
    REQUIRE(cmd);
    CHECK(cmd.value->command == "ssh b true && curl -sf http://b/health");
    const std::pair<const char*, const char*> bad[] = {
        {"http://b", "is not tcp:ADDR:PORT, udp:ADDR:PORT or cmd:COMMAND"},
        {"tcp:10.99.0.2", "no :PORT"},
        {"tcp:10.99.0.2:0", "'0' is not a port (1-65535)"},
        {"tcp:10.99.0.2:65536", "'65536' is not a port (1-65535)"},
        {"tcp:10.99.0.2:22x", "'22x' is not a port (1-65535)"},
        {"tcp:10.99.0.2:", "'' is not a port (1-65535)"},
        {"tcp:b.example:22", "'b.example' is not an IPv4 address"},
        {"udp:10.99.0:7", "'10.99.0' is not an IPv4 address"},
        {"udp:10.99.0.256:7", "'10.99.0.256' is not an IPv4 address"},
        {"udp:10.099.0.2:7", "'10.099.0.2' is not an IPv4 address"},
        {"udp:10..0.2:7", "'10..0.2' is not an IPv4 address"},
        {"udp::7", "'' is not an IPv4 address"},
        {"cmd:", "no command after cmd:"},
        {"cmd:   ", "no command after cmd:"},
    };
    for (const auto& [spec, why] : bad) {
        auto r = parse_ready_check(spec);
        REQUIRE(!r);
        CHECK(r.error.exit == Exit::usage);
        CHECK(r.error.what == "--ready '" + std::string(spec) + "': " + why);
    }
}

TEST_CASE("args: a forgotten value is not the next option; odd names; baton help COMMAND")
{
    CHECK(usage_error({"upgrade", "--cmdline", "--dry-run", "--yes"}) ==
          "--cmdline needs a value (give --cmdline=--dry-run if that is it) (see baton upgrade "
          "--help)");
    auto eq = parse({"upgrade", "--cmdline=--dry-run"});
    REQUIRE(eq);
    CHECK(eq->get("cmdline") == "--dry-run");
    CHECK_FALSE(eq->flag("dry-run"));
    CHECK(usage_error({"upgrade", "--dry-run yes"}) ==
          "unexpected argument '--dry-run yes' (see baton upgrade --help)");
    auto h = parse({"help", "upgrade"});
    REQUIRE(h);
    CHECK(h->help);
    CHECK(h->command == "upgrade");
    CHECK(usage_error({"help", "bogus"}) == "unknown command 'bogus' (see baton --help)");
    CHECK(usage_error({"release", "cpu", "1", "--timeout-ms", "--json"}).find("needs a value") !=
          std::string::npos);
}
