// SPDX-License-Identifier: GPL-2.0
// The command table: what each `baton` command accepts and its --help text.  Pure (the host
// tests parse against it); main.cpp maps each name to the code that runs it.
#pragma once

#include <span>

#include "args.h"

namespace baton::cli {

std::span<const CommandSpec> command_specs();
// `baton --help`: the usage line, every command, the exit statuses.
std::string overall_usage();

}  // namespace baton::cli
