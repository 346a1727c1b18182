// SPDX-License-Identifier: GPL-2.0
// SHA256SUMS as `baton load` reads it, and an image checked against it.
#include <catch2/catch.hpp>

#include <string>

#include "manifest.h"

using namespace baton::cli;

namespace {

const std::string kA(64, 'a');
const std::string kB = std::string(63, 'b') + "c";

}  // namespace

TEST_CASE("manifest: sha256sum's format, text and binary, any folder")
{
    auto m = parse_manifest(kA + "  bzImage\n" + kB + " *out/initramfs.cpio.gz\r\n\n",
                            "/usr/lib/baton/SHA256SUMS");
    REQUIRE(m);
    CHECK(m.value->digest.at("bzImage") == kA);
    CHECK(m.value->digest.at("initramfs.cpio.gz") == kB);
    CHECK_FALSE(check_digest(*m.value, "/usr/lib/baton/bzImage", kA));
    // Upper-case hex is the same digest.
    auto upper = parse_manifest(std::string(64, 'A') + "  bzImage\n", "S");
    REQUIRE(upper);
    CHECK_FALSE(check_digest(*upper.value, "bzImage", kA));
    CHECK_FALSE(check_digest(*m.value, "x/bzImage", std::string(64, 'A')));
}

TEST_CASE("manifest: an image it does not vouch for is refused, in one line")
{
    auto m = parse_manifest(kA + "  bzImage\n", "/d/SHA256SUMS");
    REQUIRE(m);
    auto wrong = check_digest(*m.value, "/d/bzImage", kB);
    REQUIRE(wrong);
    CHECK(wrong->what == "/d/bzImage is not the image /d/SHA256SUMS vouches for (its SHA-256 "
                         "bbbbbbbbbbbbbbbb... is not aaaaaaaaaaaaaaaa...): nothing loaded");
    auto absent = check_digest(*m.value, "/d/initramfs.cpio.gz", kA);
    REQUIRE(absent);
    CHECK(absent->what == "/d/initramfs.cpio.gz is not in /d/SHA256SUMS: publish its digest "
                          "there, or load --no-verify");
    CHECK(manifest_of("/usr/lib/baton/bzImage") == "/usr/lib/baton/SHA256SUMS");
    CHECK(manifest_of("bzImage") == "SHA256SUMS");
    CHECK(manifest_of("/bzImage") == "/SHA256SUMS");
}

TEST_CASE("manifest: a file half understood is not a manifest")
{
    const std::pair<std::string, std::string> bad[] = {
        {"", "S lists no file"},
        {"\n\n", "S lists no file"},
        {kA + " bzImage\n", "S line 1 is not \"SHA256  FILE\" (sha256sum's format)"},
        {kA.substr(1) + "  bzImage\n", "S line 1 is not \"SHA256  FILE\" (sha256sum's format)"},
        {std::string(64, 'g') + "  bzImage\n", "S line 1 is not \"SHA256  FILE\" (sha256sum's format)"},
        {kA + "  bzImage\ngarbage\n", "S line 2 is not \"SHA256  FILE\" (sha256sum's format)"},
        {kA + "  dir/\n", "S line 1 names no file"},
        {kA + "  bzImage\n" + kB + "  bzImage\n", "S lists bzImage twice, with two digests"},
        {std::string(100000, 'x'), "S line 1 is not \"SHA256  FILE\" (sha256sum's format)"},
    };
    for (const auto& [text, why] : bad) {
        auto m = parse_manifest(text, "S");
        REQUIRE(!m);
        CHECK(m.error.what == why);
    }
    // The same line twice is one line.
    CHECK(bool(parse_manifest(kA + "  bzImage\n" + kA + "  bzImage\n", "S")));
}
