// SPDX-License-Identifier: GPL-2.0
#include "zero_page.h"

namespace baton {

namespace {

Error image_error(Str what)
{
    Error e{Errc::image, {}};
    e.msg << "B's bzImage: " << what;
    return e;
}

}  // namespace

Result<KernelImage> parse_bzimage(const uint8_t* img, size_t len)
{
    if (len < 0x400)
        return image_error("too short for a setup header");
    if (load_le(img + bp::boot_flag, 2) != bp::kBootFlag || load_le(img + bp::header, 4) != bp::kHdrS)
        return image_error("no Linux boot signature (0xaa55 / HdrS)");
    KernelImage k{};
    k.version = uint16_t(load_le(img + bp::version, 2));
    if (k.version < bp::kMinVersion) {
        Error e = image_error("boot protocol ");
        e.msg << Hex{k.version} << " too old (need 2.12 for the 64-bit entry)";
        return e;
    }
    const uint16_t xlf = uint16_t(load_le(img + bp::xloadflags, 2));
    if (!(xlf & bp::kXlfKernel64))
        return image_error("no 64-bit entry point (XLF_KERNEL_64 clear)");
    uint32_t sects = img[bp::setup_sects];
    if (sects == 0)
        sects = 4;
    k.setup_bytes = (sects + 1) * 512;
    if (k.setup_bytes >= len)
        return image_error("setup sectors run past the end of the file (truncated?)");
    k.payload_size = len - k.setup_bytes;
    const uint32_t syssize = uint32_t(load_le(img + 0x1f4, 4));
    if (uint64_t(syssize) * 16 > k.payload_size)
        return image_error("shorter than its header's syssize (truncated?)");
    k.alignment = uint32_t(load_le(img + bp::kernel_alignment, 4));
    if (k.alignment == 0 || (k.alignment & (k.alignment - 1)) || k.alignment < kPageSize)
        return image_error("kernel_alignment is not a power of two >= 4 KiB");
    k.relocatable = img[bp::relocatable_kernel] != 0;
    k.pref_address = load_le(img + bp::pref_address, 8);
    k.init_size = uint32_t(load_le(img + bp::init_size, 4));
    if (k.init_size < k.payload_size)
        return image_error("init_size smaller than the payload");
    k.cmdline_max = uint32_t(load_le(img + bp::cmdline_size, 4));
    k.initrd_max = uint32_t(load_le(img + bp::initrd_addr_max, 4));
    k.initrd_above_4g = xlf & bp::kXlfCanBeLoadedAbove4G;
    uint32_t end = bp::header + img[bp::jump + 1];
    if (end > bp::setup_header_end)
        end = bp::setup_header_end;
    k.header_end = end;
    return k;
}

void build_zero_page(uint8_t* page, const ZeroPageInputs& in)
{
    memset(page, 0, bp::size);  // also zeroes screen_info: B finds no VGA text console
    memcpy(page + bp::setup_header, in.bzimage + bp::setup_header,
           in.kernel->header_end - bp::setup_header);

    page[bp::type_of_loader] = 0xff;  // "undefined" boot loader
    page[bp::loadflags] = uint8_t((page[bp::loadflags] | bp::kLoadedHigh) & ~bp::kCanUseHeap);
    store_le(page + bp::code32_start, 4, in.load_addr.value());
    store_le(page + bp::hardware_subarch, 4, 0);  // PC: B's BIOS-area reservations apply

    const uint64_t cmd = in.cmdline.value();
    store_le(page + bp::cmd_line_ptr, 4, cmd & 0xffffffff);
    store_le(page + bp::ext_cmd_line_ptr, 4, cmd >> 32);

    const uint64_t rd = in.initrd.empty() ? 0 : in.initrd.begin();
    const uint64_t rd_size = in.initrd.size();
    store_le(page + bp::ramdisk_image, 4, rd & 0xffffffff);
    store_le(page + bp::ext_ramdisk_image, 4, rd >> 32);
    store_le(page + bp::ramdisk_size, 4, rd_size & 0xffffffff);
    store_le(page + bp::ext_ramdisk_size, 4, rd_size >> 32);

    store_le(page + bp::setup_data, 8, in.setup_data.value());
    store_le(page + bp::acpi_rsdp_addr, 8, in.acpi_rsdp.value());

    page[bp::e820_entries] = uint8_t(in.e820->count);
    for (size_t i = 0; i < in.e820->count; i++) {
        uint8_t* e = page + bp::e820_table + i * bp::e820_entry_size;
        store_le(e, 8, in.e820->entries[i].range.begin());
        store_le(e + 8, 8, in.e820->entries[i].range.size());
        store_le(e + 16, 4, uint32_t(in.e820->entries[i].type));
    }
}

}  // namespace baton
