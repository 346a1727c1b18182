// SPDX-License-Identifier: GPL-2.0
// SHA-256 (FIPS 180-4), shared by the trampoline (segment digests) and the CLI.
#pragma once

#include "base.h"

namespace baton {

class Sha256 {
public:
    Sha256();
    void update(const void* data, size_t len);
    void finish(uint8_t out[32]);

private:
    void block(const uint8_t* p);
    uint32_t h_[8];
    uint8_t buf_[64];
    size_t buf_len_ = 0;
    uint64_t total_ = 0;
};

void sha256(const void* data, size_t len, uint8_t out[32]);

// Lower-case hex, as sha256sum prints it: 64 digits and a NUL.
void sha256_hex(const uint8_t digest[32], char out[65]);

}  // namespace baton
