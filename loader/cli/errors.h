// SPDX-License-Identifier: GPL-2.0
// What each errno the CLI can get means, as words for an operator: the C library's text
// ("No space left on device") names no problem of baton's.  Pure functions of the errno
// and of what was being done, so the host tests check every mapping.
#pragma once

#include <cstdint>
#include <string>

namespace baton::cli {

// A file or directory in /proc or /sys: "does not exist", "needs root", ...
std::string errno_phrase(int err);

// The refusal lines every command shares.
std::string root_refusal(const std::string& command);
// mode: "integrity" / "confidentiality", or "" when only the module said so.
std::string lockdown_refusal(const std::string& mode);

// Opening /dev/baton.
std::string device_error(int err);
// kexec_load(KEXEC_ON_CRASH) of baton's image (unload: its unload).
std::string kexec_error(int err, bool unload);
// BATON_IOC_SLOT (op: enum baton_slot_op).
std::string slot_error(uint32_t op, int err);
// BATON_IOC_LOAD, BATON_IOC_LAUNCH, BATON_IOC_ABORT, BATON_IOC_STATUS.
std::string load_error(int err);
// BATON_IOC_RESERVE: why the partition could not become (or stop being) the crash region.
std::string reserve_error(int err);
std::string launch_error(int err);
std::string abort_error(int err);
std::string status_error(int err);
// BATON_IOC_RELEASE of `resource` (enum baton_resource): why it did not move; the CLI adds
// where the resource is now.
std::string release_error(uint32_t resource, int err, uint32_t timeout_ms);
// BATON_IOC_HAND_OVER: why A could not stop.
std::string hand_over_error(int err);

}  // namespace baton::cli
