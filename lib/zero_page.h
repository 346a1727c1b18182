// SPDX-License-Identifier: GPL-2.0
// The Linux x86 boot protocol (Documentation/arch/x86/boot.rst): reading B's bzImage header
// and building B's zero page (struct boot_params) for the 64-bit entry.
#pragma once

#include "e820.h"

namespace baton {

// Field offsets inside the bzImage and inside boot_params (the setup header sits at 0x1f1 in
// both).  Pinned against the boot protocol; the static_asserts below keep them honest.
namespace bp {
inline constexpr size_t acpi_rsdp_addr = 0x070;
inline constexpr size_t ext_ramdisk_image = 0x0c0;
inline constexpr size_t ext_ramdisk_size = 0x0c4;
inline constexpr size_t ext_cmd_line_ptr = 0x0c8;
inline constexpr size_t e820_entries = 0x1e8;
inline constexpr size_t sentinel = 0x1ef;
inline constexpr size_t setup_header = 0x1f1;
inline constexpr size_t setup_sects = 0x1f1;
inline constexpr size_t boot_flag = 0x1fe;
inline constexpr size_t jump = 0x200;
inline constexpr size_t header = 0x202;
inline constexpr size_t version = 0x206;
inline constexpr size_t type_of_loader = 0x210;
inline constexpr size_t loadflags = 0x211;
inline constexpr size_t code32_start = 0x214;
inline constexpr size_t ramdisk_image = 0x218;
inline constexpr size_t ramdisk_size = 0x21c;
inline constexpr size_t cmd_line_ptr = 0x228;
inline constexpr size_t initrd_addr_max = 0x22c;
inline constexpr size_t kernel_alignment = 0x230;
inline constexpr size_t relocatable_kernel = 0x234;
inline constexpr size_t xloadflags = 0x236;
inline constexpr size_t cmdline_size = 0x238;
inline constexpr size_t hardware_subarch = 0x23c;
inline constexpr size_t setup_data = 0x250;
inline constexpr size_t pref_address = 0x258;
inline constexpr size_t init_size = 0x260;
inline constexpr size_t setup_header_end = 0x26c;  // end of kernel_info_offset (2.15)
inline constexpr size_t e820_table = 0x2d0;
inline constexpr size_t e820_entry_size = 20;
inline constexpr size_t size = 0x1000;

inline constexpr uint32_t kHdrS = 0x53726448;  // "HdrS"
inline constexpr uint16_t kBootFlag = 0xaa55;
inline constexpr uint8_t kLoadedHigh = 1 << 0;
inline constexpr uint8_t kKeepSegments = 1 << 6;
inline constexpr uint8_t kCanUseHeap = 1 << 7;
inline constexpr uint16_t kXlfKernel64 = 1 << 0;
inline constexpr uint16_t kXlfCanBeLoadedAbove4G = 1 << 1;
inline constexpr uint16_t kMinVersion = 0x020c;  // xloadflags, 64-bit entry
inline constexpr uint64_t kEntry64Offset = 0x200;

static_assert(e820_table + kZeroPageE820Max * e820_entry_size == 0xcd0, "e820 table ends at _pad8");
static_assert(setup_header + 0x11 == header, "setup header layout");
}  // namespace bp

// What the trampoline needs to know about B's bzImage, derived from its setup header.
struct KernelImage {
    uint16_t version;        // boot protocol version
    uint32_t setup_bytes;    // real-mode part to skip: (setup_sects + 1) * 512
    uint64_t payload_size;   // the protected-mode kernel copied to the load address
    uint32_t alignment;      // kernel_alignment
    bool relocatable;
    uint64_t pref_address;   // where a non-relocatable kernel must run; lower bound otherwise
    uint32_t init_size;      // memory the kernel needs at its load address while decompressing
    uint32_t cmdline_max;    // cmdline_size, without the NUL
    uint32_t initrd_max;     // highest address the initrd may end at (initrd_addr_max)
    bool initrd_above_4g;
    uint32_t header_end;     // bytes of setup header to copy into the zero page
};

// Refuses anything that is not a 64-bit-capable, relocatable bzImage of boot protocol >= 2.12.
Result<KernelImage> parse_bzimage(const uint8_t* image, size_t len);

struct ZeroPageInputs {
    const uint8_t* bzimage;  // its setup header is copied verbatim
    const KernelImage* kernel;
    PhysAddr load_addr;
    PhysRange initrd;        // empty: no initrd
    PhysAddr cmdline;        // physical address of the NUL-terminated cmdline
    PhysAddr setup_data;     // head of the setup_data chain, 0 = none
    PhysAddr acpi_rsdp;      // 0 = let B scan for it
    const BootE820* e820;
};

// Fills `page` (bp::size bytes, caller-owned) with B's boot_params.
void build_zero_page(uint8_t* page, const ZeroPageInputs& in);

// Little-endian helpers used on byte images.
inline uint64_t load_le(const uint8_t* p, size_t n)
{
    uint64_t v = 0;
    for (size_t i = 0; i < n; i++)
        v |= uint64_t(p[i]) << (8 * i);
    return v;
}
inline void store_le(uint8_t* p, size_t n, uint64_t v)
{
    for (size_t i = 0; i < n; i++)
        p[i] = uint8_t(v >> (8 * i));
}

}  // namespace baton
