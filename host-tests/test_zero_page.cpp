// SPDX-License-Identifier: GPL-2.0
// Reading B's bzImage header and building its zero page (boot protocol 2.12+, 64-bit entry).
#include <catch2/catch.hpp>

#include <cstddef>
#include <fstream>
#include <iterator>
#include <string>

#include "bzimage_fixture.h"
#include "lib/zero_page.h"

using namespace baton;
using baton::test::FakeBzImage;

namespace {

std::string error_of(const Result<KernelImage>& r)
{
    REQUIRE_FALSE(r.ok());
    return r.error().msg.c_str();
}

Result<KernelImage> parse(const std::vector<uint8_t>& img)
{
    return parse_bzimage(img.data(), img.size());
}

// The zero page's fields as Linux declares them (arch/x86/include/uapi/asm/bootparam.h), so
// the offsets in bp:: are checked against an independent description.
#pragma pack(push, 1)
struct SetupHeader {
    uint8_t setup_sects;
    uint16_t root_flags;
    uint32_t syssize;
    uint16_t ram_size, vid_mode, root_dev, boot_flag, jump;
    uint32_t header;
    uint16_t version;
    uint32_t realmode_swtch;
    uint16_t start_sys_seg, kernel_version;
    uint8_t type_of_loader, loadflags;
    uint16_t setup_move_size;
    uint32_t code32_start, ramdisk_image, ramdisk_size, bootsect_kludge;
    uint16_t heap_end_ptr;
    uint8_t ext_loader_ver, ext_loader_type;
    uint32_t cmd_line_ptr, initrd_addr_max, kernel_alignment;
    uint8_t relocatable_kernel, min_alignment;
    uint16_t xloadflags;
    uint32_t cmdline_size, hardware_subarch;
    uint64_t hardware_subarch_data;
    uint32_t payload_offset, payload_length;
    uint64_t setup_data, pref_address;
    uint32_t init_size, handover_offset, kernel_info_offset;
};
struct BootParams {
    uint8_t screen_info[0x40];
    uint8_t apm_bios_info[0x14];
    uint8_t pad2[4];
    uint64_t tboot_addr;
    uint8_t ist_info[0x10];
    uint64_t acpi_rsdp_addr;
    uint8_t pad3[8];
    uint8_t hd0_info[16], hd1_info[16];
    uint8_t sys_desc_table[0x10];
    uint8_t olpc_ofw_header[0x10];
    uint32_t ext_ramdisk_image, ext_ramdisk_size, ext_cmd_line_ptr;
    uint8_t pad4[112];
    uint32_t cc_blob_address;
    uint8_t edid_info[0x80];
    uint8_t efi_info[0x20];
    uint32_t alt_mem_k, scratch;
    uint8_t e820_entries, eddbuf_entries, edd_mbr_sig_buf_entries, kbd_status, secure_boot;
    uint8_t pad5[2];
    uint8_t sentinel;
    uint8_t pad6[1];
    SetupHeader hdr;
    uint8_t pad7[0x290 - 0x1f1 - sizeof(SetupHeader)];
    uint32_t edd_mbr_sig_buffer[16];
    uint8_t e820_table[128 * 20];
};
#pragma pack(pop)

static_assert(offsetof(BootParams, acpi_rsdp_addr) == bp::acpi_rsdp_addr);
static_assert(offsetof(BootParams, ext_ramdisk_image) == bp::ext_ramdisk_image);
static_assert(offsetof(BootParams, ext_ramdisk_size) == bp::ext_ramdisk_size);
static_assert(offsetof(BootParams, ext_cmd_line_ptr) == bp::ext_cmd_line_ptr);
static_assert(offsetof(BootParams, e820_entries) == bp::e820_entries);
static_assert(offsetof(BootParams, sentinel) == bp::sentinel);
static_assert(offsetof(BootParams, hdr) == bp::setup_header);
static_assert(offsetof(BootParams, hdr.boot_flag) == bp::boot_flag);
static_assert(offsetof(BootParams, hdr.header) == bp::header);
static_assert(offsetof(BootParams, hdr.version) == bp::version);
static_assert(offsetof(BootParams, hdr.type_of_loader) == bp::type_of_loader);
static_assert(offsetof(BootParams, hdr.loadflags) == bp::loadflags);
static_assert(offsetof(BootParams, hdr.code32_start) == bp::code32_start);
static_assert(offsetof(BootParams, hdr.ramdisk_image) == bp::ramdisk_image);
static_assert(offsetof(BootParams, hdr.ramdisk_size) == bp::ramdisk_size);
static_assert(offsetof(BootParams, hdr.cmd_line_ptr) == bp::cmd_line_ptr);
static_assert(offsetof(BootParams, hdr.initrd_addr_max) == bp::initrd_addr_max);
static_assert(offsetof(BootParams, hdr.kernel_alignment) == bp::kernel_alignment);
static_assert(offsetof(BootParams, hdr.relocatable_kernel) == bp::relocatable_kernel);
static_assert(offsetof(BootParams, hdr.xloadflags) == bp::xloadflags);
static_assert(offsetof(BootParams, hdr.cmdline_size) == bp::cmdline_size);
static_assert(offsetof(BootParams, hdr.hardware_subarch) == bp::hardware_subarch);
static_assert(offsetof(BootParams, hdr.setup_data) == bp::setup_data);
static_assert(offsetof(BootParams, hdr.pref_address) == bp::pref_address);
static_assert(offsetof(BootParams, hdr.init_size) == bp::init_size);
static_assert(offsetof(BootParams, hdr) + sizeof(SetupHeader) == bp::setup_header_end);
static_assert(offsetof(BootParams, e820_table) == bp::e820_table);

}  // namespace

TEST_CASE("bzImage: a well-formed header")
{
    FakeBzImage f;
    auto r = parse(f.build());
    REQUIRE(r.ok());
    const KernelImage& k = r.value();
    CHECK(k.version == 0x020f);
    CHECK(k.setup_bytes == 28 * 512);
    CHECK(k.payload_size == f.payload);
    CHECK(k.alignment == 0x200000);
    CHECK(k.relocatable);
    CHECK(k.init_size == 0xe14000);
    CHECK(k.header_end == 0x26c);
    CHECK(k.initrd_above_4g);
}

TEST_CASE("bzImage: setup_sects 0 means 4")
{
    FakeBzImage f;
    f.setup_sects = 0;
    auto r = parse(f.build());
    REQUIRE(r.ok());
    CHECK(r.value().setup_bytes == 5 * 512);
}

TEST_CASE("bzImage: refusals")
{
    FakeBzImage f;
    SECTION("too short") { CHECK(error_of(parse(std::vector<uint8_t>(100))) == "B's bzImage: too short for a setup header"); }
    SECTION("no signature")
    {
        auto img = f.build();
        img[bp::header] = 'X';
        CHECK(error_of(parse(img)) == "B's bzImage: no Linux boot signature (0xaa55 / HdrS)");
    }
    SECTION("old protocol")
    {
        f.version = 0x020a;
        CHECK(error_of(parse(f.build())) ==
              "B's bzImage: boot protocol 0x20a too old (need 2.12 for the 64-bit entry)");
    }
    SECTION("32-bit only")
    {
        f.xloadflags = 0;
        CHECK(error_of(parse(f.build())) == "B's bzImage: no 64-bit entry point (XLF_KERNEL_64 clear)");
    }
    SECTION("truncated")
    {
        auto img = f.build();
        img.resize(img.size() - 0x1000);
        CHECK(error_of(parse(img)) == "B's bzImage: shorter than its header's syssize (truncated?)");
    }
    SECTION("bad alignment")
    {
        f.alignment = 0x3000;
        CHECK(error_of(parse(f.build())) == "B's bzImage: kernel_alignment is not a power of two >= 4 KiB");
    }
    SECTION("init_size smaller than payload")
    {
        f.init_size = 0x1000;
        CHECK(error_of(parse(f.build())) == "B's bzImage: init_size smaller than the payload");
    }
}

TEST_CASE("zero page: every field the 64-bit entry reads")
{
    FakeBzImage f;
    auto img = f.build();
    auto k = parse(img);
    REQUIRE(k.ok());
    BootE820 map;
    REQUIRE(map.push({PhysRange::from_to(0x24000, 0x30000), E820Type::ram}));
    REQUIRE(map.push({PhysRange::from_to(0x40200000, 0x60000000), E820Type::ram}));
    REQUIRE(map.push({PhysRange::from_to(0x60000000, 0x180000000), E820Type::reserved}));

    std::vector<uint8_t> page(bp::size, 0xcc);  // garbage must not survive
    ZeroPageInputs in{img.data(), &k.value(), PhysAddr(0x40200000),
                      PhysRange(PhysAddr(0x15ff00000), 0x123456), PhysAddr(0x140101000),
                      PhysAddr(0x40102000), PhysAddr(0x40104000), &map};
    build_zero_page(page.data(), in);
    BootParams zp;
    static_assert(sizeof(BootParams) <= bp::size);
    memcpy(&zp, page.data(), sizeof(zp));

    for (uint8_t b : zp.screen_info)
        CHECK(b == 0);
    CHECK(+zp.sentinel == 0);
    CHECK(+zp.hdr.boot_flag == 0xaa55);
    CHECK(+zp.hdr.header == bp::kHdrS);
    CHECK(+zp.hdr.type_of_loader == 0xff);
    CHECK((zp.hdr.loadflags & bp::kLoadedHigh));
    CHECK_FALSE((zp.hdr.loadflags & bp::kCanUseHeap));
    CHECK(+zp.hdr.code32_start == 0x40200000);
    CHECK(+zp.hdr.hardware_subarch == 0);
    CHECK(+zp.hdr.cmd_line_ptr == 0x40101000);
    CHECK(+zp.ext_cmd_line_ptr == 0x1);
    CHECK(+zp.hdr.ramdisk_image == 0x5ff00000);
    CHECK(+zp.ext_ramdisk_image == 0x1);
    CHECK(+zp.hdr.ramdisk_size == 0x123456);
    CHECK(+zp.ext_ramdisk_size == 0);
    CHECK(+zp.hdr.setup_data == 0x40102000);
    CHECK(+zp.acpi_rsdp_addr == 0x40104000);
    CHECK(+zp.hdr.init_size == f.init_size);
    CHECK(+zp.e820_entries == 3);
    CHECK(load_le(zp.e820_table + 20, 8) == 0x40200000);
    CHECK(load_le(zp.e820_table + 28, 8) == 0x1fe00000);
    CHECK(load_le(zp.e820_table + 36, 4) == 1);
    CHECK(load_le(zp.e820_table + 56, 4) == 2);
    CHECK(load_le(zp.e820_table + 48, 8) == 0x120000000);
    // Nothing past the e820 table was written.
    CHECK(page[0xcd0] == 0);
}

#ifdef BATON_B_BZIMAGE
TEST_CASE("bzImage: the B kernel this tree builds")
{
    std::ifstream in(BATON_B_BZIMAGE, std::ios::binary);
    INFO("reading " BATON_B_BZIMAGE " (make builds it before the tests)");
    REQUIRE(in.good());
    std::vector<uint8_t> img((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    auto r = parse(img);
    REQUIRE(r.ok());
    const KernelImage& k = r.value();
    // What kernel/config/b.config promises: relocatable, 2 MiB aligned, 64-bit entry,
    // LOAD_PHYSICAL_ADDR 16 MiB, and a boot protocol with xloadflags.
    CHECK(k.relocatable);
    CHECK(k.alignment == 0x200000);
    CHECK(k.pref_address == 0x1000000);
    CHECK(k.version >= 0x020c);
    CHECK(k.setup_bytes + k.payload_size == img.size());
    CHECK(k.init_size >= k.payload_size);
    CHECK(k.cmdline_max >= 2047);
    CHECK(k.header_end == bp::setup_header_end);
    // The zero page copies B's own header bytes verbatim.
    std::vector<uint8_t> page(bp::size);
    BootE820 map;
    REQUIRE(map.push({PhysRange::from_to(0x40200000, 0x60000000), E820Type::ram}));
    ZeroPageInputs zin{img.data(), &k, PhysAddr(0x40200000), PhysRange(), PhysAddr(0x40101000),
                       PhysAddr(), PhysAddr(), &map};
    build_zero_page(page.data(), zin);
    CHECK(memcmp(&page[bp::xloadflags], &img[bp::xloadflags], 2) == 0);
    CHECK(memcmp(&page[bp::init_size], &img[bp::init_size], 4) == 0);
    CHECK(load_le(&page[bp::ramdisk_image], 4) == 0);
}
#endif
