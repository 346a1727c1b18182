// SPDX-License-Identifier: GPL-2.0
#include "acpi_table.h"

#include "zero_page.h"  // load_le

namespace baton {

uint8_t acpi_checksum(const uint8_t* p, size_t len)
{
    uint8_t sum = 0;
    for (size_t i = 0; i < len; i++)
        sum = uint8_t(sum + p[i]);
    return sum;
}

Status check_acpi_table(const AcpiTable& t, const char* sig)
{
    Error e{Errc::acpi, {}};
    e.msg << "ACPI table " << Str(sig, 4) << ": ";
    if (!t.bytes || t.len < kSdtHeaderLen) {
        e.msg << "shorter than its header";
        return e;
    }
    if (memcmp(t.bytes, sig, 4) != 0) {
        e.msg << "wrong signature";
        return e;
    }
    const uint64_t len = load_le(t.bytes + 4, 4);
    if (len != t.len) {
        e.msg << "its header gives " << Dec{len} << " bytes, there are " << Dec{t.len};
        return e;
    }
    if (acpi_checksum(t.bytes, t.len) != 0) {
        e.msg << "bad checksum";
        return e;
    }
    return Ok{};
}

}  // namespace baton
