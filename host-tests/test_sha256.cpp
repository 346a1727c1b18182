// SPDX-License-Identifier: GPL-2.0
// SHA-256 against the published FIPS 180-4 / NIST CAVP examples.
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "lib/sha256.h"

namespace {

std::string hex(const uint8_t* d)
{
    char h[65];
    baton::sha256_hex(d, h);
    return h;
}

std::string digest(const std::string& m)
{
    uint8_t out[32];
    baton::sha256(m.data(), m.size(), out);
    return hex(out);
}

}  // namespace

TEST_CASE("sha256: FIPS 180-4 examples")
{
    CHECK(digest("") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    CHECK(digest("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    CHECK(digest("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq") ==
          "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
    CHECK(digest("abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopq"
                 "klmnopqrlmnopqrsmnopqrstnopqrstu") ==
          "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1");
}

TEST_CASE("sha256: one million 'a'")
{
    CHECK(digest(std::string(1000000, 'a')) ==
          "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

TEST_CASE("sha256: streaming in odd pieces equals one shot")
{
    std::vector<uint8_t> data(10007);
    for (size_t i = 0; i < data.size(); i++)
        data[i] = uint8_t(i * 131 + 7);
    uint8_t one[32], pieces[32];
    baton::sha256(data.data(), data.size(), one);
    baton::Sha256 s;
    size_t off = 0, step = 1;
    while (off < data.size()) {
        size_t n = std::min(step, data.size() - off);
        s.update(data.data() + off, n);
        off += n;
        step = step * 3 + 1;
    }
    s.finish(pieces);
    CHECK(hex(one) == hex(pieces));
}

TEST_CASE("sha256: padding boundaries 55, 56, 64 bytes")
{
    // Known digests of 'a' repeated n times (computed with coreutils sha256sum).
    CHECK(digest(std::string(55, 'a')) ==
          "9f4390f8d30c2dd92ec9f095b65e2b9ae9b0a925a5258e241c9f1e910f734318");
    CHECK(digest(std::string(56, 'a')) ==
          "b35439a4ac6f0948b6d6f9e3c6af0f5f590ce20f1bde7090ef7970686ec6738a");
    CHECK(digest(std::string(64, 'a')) ==
          "ffe054fe7ae0cb6dc65c3af9b61d5209f439851db43d0ba5997337df154668eb");
}
