// SPDX-License-Identifier: GPL-2.0
// How a command ends: its exit status (documented in baton(8)) and the one error type every
// part of the CLI returns.  An Error is one line that names the problem; a command that
// stopped partway also says what remains where.  Pure: the host tests check the rendering.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>

namespace baton::cli {

enum class Exit : int {
    done = 0,     // what was asked is done
    refused = 1,  // refused or failed before changing anything (or undone to the last bit)
    usage = 2,    // the command line is wrong: nothing was read or changed
    partway = 3,  // stopped partway: Error::remains says where each resource is now
    b_failed = 4, // B did not come up (or not ready): A runs as before
};

struct Error {
    std::string what;  // one line, no errno text
    Exit exit = Exit::refused;
    std::string remains;  // partway: what moved and what stays

    Error() = default;
    Error(std::string w, Exit e = Exit::refused, std::string r = {})  // NOLINT: from a line
        : what(std::move(w)), exit(e), remains(std::move(r)) {}
    Error(const char* w) : what(w) {}  // NOLINT

    // The same error, said of CONTEXT ("saved plan: ...").
    Error in(std::string_view context) const;
    // The same words, ending the command differently.
    Error as(Exit e) const { return Error(what, e, remains); }
    // The line an operator reads: what, then where things stand.
    std::string line() const;
};

// Nothing, or why not.
using Failure = std::optional<Error>;

template <typename T>
struct Expected {
    std::optional<T> value;
    Error error;
    Expected(T v) : value(std::move(v)) {}  // NOLINT
    Expected(Error e) : error(std::move(e)) {}  // NOLINT
    // A refusal's line, for an Expected of anything but text.
    template <typename S>
        requires(!std::is_convertible_v<S, T> && std::is_convertible_v<S, std::string>)
    Expected(S&& why) : error(std::string(std::forward<S>(why))) {}  // NOLINT
    explicit operator bool() const { return value.has_value(); }
    // The value; only after checking there is one.
    T* operator->() { return &*value; }
    const T* operator->() const { return &*value; }
};

// The JSON object that ends a failed command: {"ok":false,"exit":N,"error":...[,"remains"]}.
std::string error_json(const Error& e);
const char* exit_name(Exit e);

}  // namespace baton::cli
