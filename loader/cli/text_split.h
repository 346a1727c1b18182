// SPDX-License-Identifier: GPL-2.0
// The two ways the CLI splits what the kernel shows: lines of a sysfs or procfs file, and the
// words of a command line.
#pragma once

#include <string_view>

namespace baton::cli {

// Each piece of `text` between the characters of `delims` (empty pieces included).
template <typename F>
void for_each_piece(std::string_view text, std::string_view delims, F f)
{
    size_t pos = 0;
    while (pos < text.size()) {
        size_t end = text.find_first_of(delims, pos);
        if (end == std::string_view::npos)
            end = text.size();
        f(text.substr(pos, end - pos));
        pos = end + 1;
    }
}

// Each line of `text`, without its newline (and a carriage return).
template <typename F>
void for_each_line(std::string_view text, F f)
{
    for_each_piece(text, "\n", [&](std::string_view line) {
        if (!line.empty() && line.back() == '\r')
            line.remove_suffix(1);
        f(line);
    });
}

// Each word of a kernel command line (/proc/cmdline ends in a newline).
template <typename F>
void for_each_word(std::string_view cmdline, F f)
{
    for_each_piece(cmdline, " \t\n", [&](std::string_view w) {
        if (!w.empty())
            f(w);
    });
}

}  // namespace baton::cli
