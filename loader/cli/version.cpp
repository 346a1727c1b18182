// SPDX-License-Identifier: GPL-2.0
// baton's release and its ledger ABI, against baton.ko's.
#include "version.h"

#include "args.h"
#include "include/baton/ledger.h"

#ifndef BATON_VERSION
#define BATON_VERSION "dev"
#endif

namespace baton::cli {

const char* baton_release() { return BATON_VERSION; }

std::string version_line()
{
    return std::string("baton ") + BATON_VERSION + " (ledger ABI " +
           std::to_string(BATON_ABI_VERSION) + ")";
}

std::optional<ModuleVersion> parse_module_version(std::string_view text)
{
    while (!text.empty() && (text.back() == '\n' || text.back() == ' '))
        text.remove_suffix(1);
    const size_t at = text.rfind(" abi ");
    if (at == std::string_view::npos || at == 0)
        return std::nullopt;
    const auto abi = decimal(text.substr(at + 5), 9);
    if (!abi)
        return std::nullopt;
    const std::string_view release = text.substr(0, at);
    if (release.find_first_of(" \n") != std::string_view::npos)
        return std::nullopt;
    return ModuleVersion{std::string(release), unsigned(*abi)};
}

Failure module_mismatch(const std::optional<std::string>& sysfs_version)
{
    if (!sysfs_version)
        return std::nullopt;
    const auto m = parse_module_version(*sysfs_version);
    if (!m)
        return Error("cannot tell which ledger ABI the loaded baton.ko speaks "
                     "(/sys/kernel/baton/version is not \"RELEASE abi N\"): nothing changed");
    if (m->abi == BATON_ABI_VERSION)
        return std::nullopt;
    return Error("the loaded baton.ko " + m->version + " speaks ledger ABI " +
                 std::to_string(m->abi) + ", this baton " + BATON_VERSION + " ABI " +
                 std::to_string(BATON_ABI_VERSION) +
                 ": load the baton.ko of this release (rmmod baton; modprobe baton)");
}

}  // namespace baton::cli
