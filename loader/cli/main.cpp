// SPDX-License-Identifier: GPL-2.0
// `baton`: runs in the kernel that owns the machine and splits off the next one.
//   baton upgrade | plan | load | launch | release | handover | status | abort | unload
//   (each with --help and --json; commands.cpp has the table, cmd_*.cpp the commands)
// Here: parse -> --help / --version -> who may run it -> dispatch -> exit status.
#include <cstdio>
#include <string>
#include <string_view>
#include <vector>

#include "cli.h"
#include "commands.h"
#include "json.h"
#include "version.h"

namespace baton::cli {

namespace {

struct Runner {
    std::string_view name;
    int (*run)(const Args&);
};

const Runner kRunners[] = {
    {"plan", cmd_plan},         {"load", cmd_load},         {"launch", cmd_launch},
    {"status", cmd_status},     {"release", cmd_release},   {"handover", cmd_handover},
    {"abort", cmd_abort},       {"unload", cmd_unload},     {"upgrade", cmd_upgrade},
};

const char* const kModuleVersion = "/sys/kernel/baton/version";

std::optional<std::string> module_version_text()
{
    auto v = read_file(kModuleVersion);
    return v ? v.value : std::nullopt;
}

// `baton --version`: this baton, and the baton.ko loaded now (if any).
int print_version(bool json)
{
    const auto text = module_version_text();
    const auto mod = text ? parse_module_version(*text) : std::nullopt;
    if (json) {
        Json j;
        j.obj().kv("ok", true).kv("baton", baton_release()).kv("abi", BATON_ABI_VERSION);
        if (mod)
            j.key("module").obj().kv("version", mod->version).kv("abi", mod->abi).end();
        j.end();
        printf("%s\n", j.str().c_str());
    } else {
        printf("%s\n", version_line().c_str());
        if (mod)
            printf("baton.ko %s (ledger ABI %u)%s\n", mod->version.c_str(), mod->abi,
                   mod->abi == BATON_ABI_VERSION ? "" : ": does not match, no command will act");
        else
            printf("baton.ko not loaded\n");
    }
    return 0;
}

}  // namespace

int run(int argc, char** argv)
{
    std::vector<std::string_view> words(argv + 1, argv + argc);
    if (words.empty()) {
        fprintf(stderr, "%s", overall_usage().c_str());
        return int(Exit::usage);
    }
    bool json = false;
    for (std::string_view w : words)
        json = json || w == "--json";
    auto parsed = parse_args(words, command_specs());
    if (!parsed)
        return refuse(parsed.error, json);
    const Args& a = *parsed.value;
    if (a.help && a.command.empty()) {
        printf("%s", overall_usage().c_str());
        return 0;
    }
    if (a.version && a.command.empty())
        return print_version(a.json);
    if (a.help) {
        printf("%s\n", std::string(find_command(command_specs(), a.command)->usage).c_str());
        return 0;
    }
    for (const Runner& r : kRunners)
        if (a.command == r.name) {
            // A ledger file is only read: that needs nobody's permission (B's, after A), and
            // its own header says its ABI.
            if (!(a.command == "status" && a.has("ledger"))) {
                if (auto why = privilege_refusal(a.command))
                    return refuse(*why, a.json);
                if (auto why = module_mismatch(module_version_text()))
                    return refuse(*why, a.json);
            }
            return r.run(a);
        }
    return refuse(Error("unknown command '" + a.command + "' (see baton --help)", Exit::usage),
                  a.json);
}

}  // namespace baton::cli

int main(int argc, char** argv) { return baton::cli::run(argc, argv); }
