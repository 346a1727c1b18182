// SPDX-License-Identifier: GPL-2.0
// Which baton this is, and whether the loaded baton.ko speaks its ledger ABI: a CLI and a
// module of different ABIs read each other's structures wrong, so no command acts across
// them.  Pure: the module's answer is passed in.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "outcome.h"

namespace baton::cli {

struct ModuleVersion {
    std::string version;  // baton.ko's release, e.g. 0.1.0
    unsigned abi = 0;     // its BATON_ABI_VERSION
};

// "baton 0.1.0 (ledger ABI 6)"
std::string version_line();
const char* baton_release();
// /sys/kernel/baton/version: "0.1.0 abi 6\n".
std::optional<ModuleVersion> parse_module_version(std::string_view text);
// Why no command may act with this module (its sysfs answer, nullopt when it is not loaded).
Failure module_mismatch(const std::optional<std::string>& sysfs_version);

}  // namespace baton::cli
