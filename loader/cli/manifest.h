// SPDX-License-Identifier: GPL-2.0
// The digests published next to the images (SHA256SUMS, sha256sum's format): `baton load`
// checks each image against the manifest of its own folder before anything changes, and
// hands the digests to the trampoline, which checks the placed copies again.  Pure.
#pragma once

#include <map>
#include <string>
#include <string_view>

#include "outcome.h"

namespace baton::cli {

struct Manifest {
    std::string path;                           // where it was read, for the messages
    std::map<std::string, std::string> digest;  // file name (no folder) -> 64 hex digits
};

// "DIGEST  NAME" or "DIGEST *NAME" per line; a line of anything else is an error (a
// manifest half understood is not a manifest).
Expected<Manifest> parse_manifest(std::string_view text, std::string_view path);
// The manifest's digest for FILE (by its name, any folder), if it lists it.
const std::string* listed_digest(const Manifest& m, std::string_view file);
// FILE's digest `actual` (hex) against the manifest's line for its name.
Failure check_digest(const Manifest& m, std::string_view file, std::string_view actual);
// The manifest that vouches for FILE: SHA256SUMS in FILE's folder.
std::string manifest_of(std::string_view file);

}  // namespace baton::cli
