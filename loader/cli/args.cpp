// SPDX-License-Identifier: GPL-2.0
// The command line checked against the command table.
#include "args.h"

#include <algorithm>

namespace baton::cli {

namespace {

bool listed(std::string_view list, std::string_view name)
{
    // Lists are " a b c ": a name is listed when " name " is in it.
    for (size_t at = list.find(name); at != std::string_view::npos; at = list.find(name, at + 1))
        if (at > 0 && list[at - 1] == ' ' && at + name.size() < list.size() &&
            list[at + name.size()] == ' ')
            return true;
    return false;
}

Error usage_error(std::string what) { return Error(std::move(what), Exit::usage); }

std::string see_help(const std::string& command)
{
    return command.empty() ? " (see baton --help)" : " (see baton " + command + " --help)";
}

}  // namespace

std::string Args::get(std::string_view k, std::string_view def) const
{
    auto it = opts.find(std::string(k));
    return it == opts.end() ? std::string(def) : it->second;
}

bool Args::flag(std::string_view f) const
{
    return std::find(flags.begin(), flags.end(), f) != flags.end();
}

const CommandSpec* find_command(std::span<const CommandSpec> commands, std::string_view name)
{
    for (const CommandSpec& c : commands)
        if (c.name == name)
            return &c;
    return nullptr;
}

Expected<Args> parse_args(std::span<const std::string_view> argv,
                          std::span<const CommandSpec> commands)
{
    Args a;
    size_t i = 0;
    // Before the command only the program's own options.
    for (; i < argv.size() && argv[i].rfind("--", 0) == 0; i++) {
        if (argv[i] == "--help")
            a.help = true;
        else if (argv[i] == "--version")
            a.version = true;
        else if (argv[i] == "--json")
            a.json = true;
        else
            return usage_error("unknown option '" + std::string(argv[i]) + "'" + see_help(""));
    }
    if (i == argv.size()) {
        if (a.help || a.version)
            return a;
        return usage_error("no command given" + see_help(""));
    }
    a.command = std::string(argv[i++]);
    if (a.command == "help" && i + 1 >= argv.size()) {
        // `baton help` and `baton help COMMAND`, as `--help` does.
        a.command = i < argv.size() ? std::string(argv[i]) : std::string();
        if (!a.command.empty() && !find_command(commands, a.command))
            return usage_error("unknown command '" + a.command + "'" + see_help(""));
        a.help = true;
        return a;
    }
    const CommandSpec* c = find_command(commands, a.command);
    if (!c)
        return usage_error("unknown command '" + a.command + "'" + see_help(""));
    bool words_only = false;  // after "--" every word is positional
    for (; i < argv.size(); i++) {
        const std::string_view s = argv[i];
        if (words_only || s.rfind("-", 0) != 0 || s == "-") {
            a.pos.emplace_back(s);
            continue;
        }
        if (s == "--") {
            words_only = true;
            continue;
        }
        if (s == "-h" || s == "--help") {
            a.help = true;
            continue;
        }
        if (s.rfind("--", 0) != 0)
            return usage_error("unexpected argument '" + std::string(s) + "'" + see_help(a.command));
        const size_t eq = s.find('=');
        const std::string name(s.substr(2, eq == std::string_view::npos ? s.npos : eq - 2));
        if (name.find_first_of(" \t\n") != std::string::npos)
            return usage_error("unexpected argument '" + std::string(s.substr(0, 40)) + "'" +
                               see_help(a.command));
        if (name == "json" || listed(c->flags, name)) {
            if (eq != std::string_view::npos)
                return usage_error("--" + name + " takes no value" + see_help(a.command));
            if (name == "json")
                a.json = true;
            else if (!a.flag(name))
                a.flags.push_back(name);
            continue;
        }
        if (name.empty() || !listed(c->options, name))
            return usage_error("baton " + a.command + " takes no --" + name + see_help(a.command));
        if (a.has(name))
            return usage_error("--" + name + " given twice" + see_help(a.command));
        if (eq != std::string_view::npos) {
            a.opts[name] = std::string(s.substr(eq + 1));
        } else if (i + 1 < argv.size() && argv[i + 1].rfind("--", 0) != 0) {
            a.opts[name] = std::string(argv[++i]);
        } else if (i + 1 < argv.size()) {
            // "--x --y": a forgotten value, not a value; one that starts so takes --x=--y.
            return usage_error("--" + name + " needs a value (give --" + name + "=" +
                               std::string(argv[i + 1].substr(0, 20)) + " if that is it)" +
                               see_help(a.command));
        } else {
            return usage_error("--" + name + " needs a value" + see_help(a.command));
        }
    }
    if (a.help)
        return a;
    if (a.pos.size() != c->npos) {
        std::string got = a.pos.empty() ? "" : ", got '" + a.pos[0] + "'" +
                                                   (a.pos.size() > 1 ? " ..." : "");
        return usage_error("baton " + a.command + " takes " +
                           (c->npos ? std::to_string(c->npos) : std::string("no")) + " argument" +
                           (c->npos == 1 ? "" : "s") + got + see_help(a.command));
    }
    return a;
}

std::optional<unsigned long> decimal(std::string_view s, size_t max_digits)
{
    if (s.empty() || s.size() > max_digits)
        return std::nullopt;
    unsigned long n = 0;
    for (char c : s) {
        if (c < '0' || c > '9')
            return std::nullopt;
        n = n * 10 + unsigned(c - '0');
    }
    return n;
}

Expected<unsigned long> number_option(const Args& a, std::string_view k, unsigned long def,
                                      unsigned long lo, unsigned long hi)
{
    if (!a.has(k))
        return def;
    const std::string v = a.get(k);
    const auto n = decimal(v);
    if (!n || *n < lo || *n > hi)
        return Error("--" + std::string(k) + ": '" + v + "' is not " + std::to_string(lo) + ".." +
                         std::to_string(hi),
                     Exit::usage);
    return *n;
}

}  // namespace baton::cli
