// SPDX-License-Identifier: GPL-2.0
// SHA256SUMS: read, and an image checked against it.
#include "manifest.h"

#include "text_split.h"

namespace baton::cli {

namespace {

std::string_view base_name(std::string_view p)
{
    const size_t slash = p.rfind('/');
    return slash == std::string_view::npos ? p : p.substr(slash + 1);
}

bool is_hex_digest(std::string_view d)
{
    if (d.size() != 64)
        return false;
    for (char c : d)
        if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F')))
            return false;
    return true;
}

std::string lower(std::string_view s)
{
    std::string out(s);
    for (char& c : out)
        if (c >= 'A' && c <= 'F')
            c = char(c - 'A' + 'a');
    return out;
}

}  // namespace

Expected<Manifest> parse_manifest(std::string_view text, std::string_view path)
{
    Manifest m;
    m.path = std::string(path);
    size_t lineno = 0;
    Failure bad;
    for_each_line(text, [&](std::string_view line) {
        lineno++;
        if (bad || line.empty())
            return;
        // sha256sum: 64 hex digits, a space, then ' ' (text) or '*' (binary), then the name.
        const std::string_view digest = line.substr(0, 64);
        if (line.size() < 67 || !is_hex_digest(digest) || line[64] != ' ' ||
            (line[65] != ' ' && line[65] != '*')) {
            bad = Error(m.path + " line " + std::to_string(lineno) +
                        " is not \"SHA256  FILE\" (sha256sum's format)");
            return;
        }
        const std::string name(base_name(line.substr(66)));
        if (name.empty()) {
            bad = Error(m.path + " line " + std::to_string(lineno) + " names no file");
            return;
        }
        auto [it, fresh] = m.digest.emplace(name, lower(digest));
        if (!fresh && it->second != lower(digest))
            bad = Error(m.path + " lists " + name + " twice, with two digests");
    });
    if (bad)
        return *bad;
    if (m.digest.empty())
        return Error(m.path + " lists no file");
    return m;
}

const std::string* listed_digest(const Manifest& m, std::string_view file)
{
    auto it = m.digest.find(std::string(base_name(file)));
    return it == m.digest.end() ? nullptr : &it->second;
}

Failure check_digest(const Manifest& m, std::string_view file, std::string_view actual)
{
    const std::string* listed = listed_digest(m, file);
    if (!listed)
        return Error(std::string(file) + " is not in " + m.path +
                     ": publish its digest there, or load --no-verify");
    if (*listed != lower(actual))
        return Error(std::string(file) + " is not the image " + m.path + " vouches for (its SHA-256 " +
                     std::string(actual.substr(0, 16)) + "... is not " + listed->substr(0, 16) +
                     "...): nothing loaded");
    return std::nullopt;
}

std::string manifest_of(std::string_view file)
{
    const size_t slash = file.rfind('/');
    if (slash == std::string_view::npos)
        return "SHA256SUMS";
    return std::string(file.substr(0, slash + 1)) + "SHA256SUMS";
}

}  // namespace baton::cli
