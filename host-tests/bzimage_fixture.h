// SPDX-License-Identifier: GPL-2.0
// A synthetic bzImage header, field by field, for the zero-page and placement tests.
#pragma once

#include <cstdint>
#include <vector>

#include "lib/zero_page.h"

namespace baton::test {

struct FakeBzImage {
    uint8_t setup_sects = 27;
    uint16_t version = 0x020f;
    uint16_t xloadflags = 0x7f;  // 64-bit entry, above 4G, EFI bits as a 6.12 build sets them
    uint32_t alignment = 0x200000;
    uint8_t relocatable = 1;
    uint64_t pref_address = 0x1000000;
    uint32_t init_size = 0xe14000;
    uint32_t cmdline_size = 2047;
    uint32_t initrd_max = 0x7fffffff;
    size_t payload = 0x2d0000;

    std::vector<uint8_t> build() const
    {
        const size_t sects = setup_sects ? setup_sects : 4;  // boot protocol: 0 means 4
        std::vector<uint8_t> img((sects + 1) * 512 + payload, 0);
        img[bp::setup_sects] = setup_sects;
        store_le(&img[bp::boot_flag], 2, bp::kBootFlag);
        img[bp::jump] = 0xeb;
        img[bp::jump + 1] = 0x6a;  // header ends at 0x26c
        store_le(&img[bp::header], 4, bp::kHdrS);
        store_le(&img[bp::version], 2, version);
        store_le(&img[0x1f4], 4, uint32_t(payload / 16));  // syssize
        img[bp::loadflags] = bp::kLoadedHigh;
        store_le(&img[bp::kernel_alignment], 4, alignment);
        img[bp::relocatable_kernel] = relocatable;
        store_le(&img[bp::xloadflags], 2, xloadflags);
        store_le(&img[bp::cmdline_size], 4, cmdline_size);
        store_le(&img[bp::initrd_addr_max], 4, initrd_max);
        store_le(&img[bp::pref_address], 8, pref_address);
        store_le(&img[bp::init_size], 4, init_size);
        return img;
    }
};

}  // namespace baton::test
