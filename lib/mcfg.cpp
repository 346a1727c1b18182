// SPDX-License-Identifier: GPL-2.0
#include "mcfg.h"

#include "zero_page.h"  // load_le

namespace baton {

namespace {

// PCI Firmware Specification 3.2, 4.1.2: the header, 8 reserved bytes, then allocations of
// u64 base, u16 segment, u8 start bus, u8 end bus, u32 reserved.
constexpr size_t kMcfgFixedLen = kSdtHeaderLen + 8;
constexpr size_t kAllocationLen = 16;

Error mcfg_error()
{
    Error e{Errc::acpi, {}};
    e.msg << "MCFG: ";
    return e;
}

}  // namespace

Result<Mcfg> parse_mcfg(const AcpiTable& t)
{
    BATON_TRY(check_acpi_table(t, "MCFG"));
    if (t.len < kMcfgFixedLen || (t.len - kMcfgFixedLen) % kAllocationLen) {
        Error e = mcfg_error();
        e.msg << Dec{t.len} << " bytes is not a whole number of allocations";
        return e;
    }
    Mcfg m{};
    for (size_t off = kMcfgFixedLen; off < t.len; off += kAllocationLen) {
        const uint8_t* a = t.bytes + off;
        if (load_le(a + 8, 2) != 0)
            continue;
        const uint64_t base = load_le(a, 8);
        const uint8_t start = a[10], end = a[11];
        Error e = mcfg_error();
        if (m.base) {
            e.msg << "PCI segment 0 has more than one allocation; B's partition record holds one";
            return e;
        }
        if (base == 0 || end < start || base % (1 * MiB) ||
            base + (uint64_t(end) + 1) * MiB < base) {
            e.msg << "segment 0's allocation (base " << Hex{base} << ", buses " << Dec{start}
                  << "-" << Dec{end} << ") is not a usable ECAM window";
            return e;
        }
        m = {base, start, end};
    }
    return m;
}

}  // namespace baton
