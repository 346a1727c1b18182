// SPDX-License-Identifier: GPL-2.0
// The command line: which command, its options and its words, checked against the command's
// spec before anything is read or changed.  `--opt value` and `--opt=value` both; a flag
// takes no value.  Pure: the host tests run hostile command lines through it.
#pragma once

#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "outcome.h"

namespace baton::cli {

// What a command accepts (commands.cpp holds the table).
struct CommandSpec {
    std::string_view name;
    size_t npos;                 // positional words it takes
    std::string_view options;    // " name name ": options that take a value
    std::string_view flags;      // " name name ": options without one (beyond --json, --help)
    std::string_view usage;      // the --help text, starting "baton NAME"
};

struct Args {
    std::string command;
    std::map<std::string, std::string> opts;  // --key value, --key=value
    std::vector<std::string> flags;           // --yes, --dry-run, ...
    std::vector<std::string> pos;             // positional words after the command
    bool json = false;
    bool help = false;
    bool version = false;                     // `baton --version`

    bool has(std::string_view k) const { return opts.count(std::string(k)) != 0; }
    std::string get(std::string_view k, std::string_view def = {}) const;
    bool flag(std::string_view f) const;
};

// argv without the program name.  An Error here is always Exit::usage.  No command (and
// neither --help nor --version) is a usage error too; `baton --help` leaves command empty.
Expected<Args> parse_args(std::span<const std::string_view> argv,
                          std::span<const CommandSpec> commands);
const CommandSpec* find_command(std::span<const CommandSpec> commands, std::string_view name);

// A whole decimal number of at most MAX_DIGITS digits, nothing else (no sign, no space).
std::optional<unsigned long> decimal(std::string_view s, size_t max_digits = 12);

// Option values: a whole decimal number in [lo, hi], or the line that says it is not.
Expected<unsigned long> number_option(const Args& a, std::string_view k, unsigned long def,
                                      unsigned long lo, unsigned long hi);

}  // namespace baton::cli
