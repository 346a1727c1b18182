// SPDX-License-Identifier: GPL-2.0
// Firmware ACPI tables built byte by byte for the tests, from the ACPI 6.5 layouts (5.2.12
// MADT, 5.2.16 SRAT) and the PCI Firmware Specification's MCFG.
#pragma once

#include <cstring>
#include <string>
#include <vector>

#include "lib/acpi_table.h"
#include "lib/zero_page.h"

namespace baton::test {

using Bytes = std::vector<uint8_t>;

// A table: header (signature, length, revision, checksum) + body.
inline Bytes sdt(const char* sig, Bytes body, uint8_t rev = 1)
{
    Bytes t(36, 0);
    memcpy(t.data(), sig, 4);
    t[8] = rev;
    memcpy(t.data() + 10, "BOCHS ", 6);
    t.insert(t.end(), body.begin(), body.end());
    store_le(t.data() + 4, 4, t.size());
    t[9] = uint8_t(-acpi_checksum(t.data(), t.size()));
    return t;
}

inline AcpiTable as_table(const Bytes& t) { return AcpiTable{t.data(), t.size()}; }

inline void put_le(Bytes& b, uint64_t v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        b.push_back(uint8_t(v >> (8 * i)));
}

// MADT entries.
inline constexpr uint32_t kEnabled = 1, kOnlineCapable = 2;

inline Bytes madt_fixed()
{
    Bytes b;
    put_le(b, 0xfee00000, 4);
    put_le(b, 1, 4);  // PCAT_COMPAT
    return b;
}
inline void lapic(Bytes& b, uint8_t uid, uint8_t id, uint32_t flags = kEnabled)
{
    b.insert(b.end(), {0, 8, uid, id});
    put_le(b, flags, 4);
}
inline void x2apic(Bytes& b, uint32_t id, uint32_t flags = kEnabled, uint32_t uid = 0)
{
    b.insert(b.end(), {9, 16, 0, 0});
    put_le(b, id, 4);
    put_le(b, flags, 4);
    put_le(b, uid, 4);
}
inline void ioapic(Bytes& b, uint8_t id, uint32_t phys, uint32_t gsi_base)
{
    b.insert(b.end(), {1, 12, id, 0});
    put_le(b, phys, 4);
    put_le(b, gsi_base, 4);
}
inline void iso(Bytes& b, uint8_t source, uint32_t gsi, uint16_t flags = 0)
{
    b.insert(b.end(), {2, 10, 0, source});
    put_le(b, gsi, 4);
    put_le(b, flags, 2);
}
inline void nmi_source(Bytes& b, uint32_t gsi)
{
    b.insert(b.end(), {3, 8});
    put_le(b, 0, 2);
    put_le(b, gsi, 4);
}

// SRAT entries (the table's body starts with a reserved u32 = 1 and a reserved u64).
inline Bytes srat_fixed()
{
    Bytes b;
    put_le(b, 1, 4);
    put_le(b, 0, 8);
    return b;
}
inline void srat_lapic(Bytes& b, uint8_t apic_id, uint32_t pxm, uint32_t flags = kEnabled)
{
    b.insert(b.end(), {0, 16, uint8_t(pxm), apic_id});
    put_le(b, flags, 4);
    b.push_back(0);  // local SAPIC EID
    put_le(b, pxm >> 8, 3);
    put_le(b, 0, 4);  // clock domain
}
inline void srat_x2apic(Bytes& b, uint32_t apic_id, uint32_t pxm, uint32_t flags = kEnabled)
{
    b.insert(b.end(), {2, 24, 0, 0});
    put_le(b, pxm, 4);
    put_le(b, apic_id, 4);
    put_le(b, flags, 4);
    put_le(b, 0, 4);  // clock domain
    put_le(b, 0, 4);
}
inline constexpr uint32_t kMemEnabled = 1, kMemHotPluggable = 2;
inline void srat_memory(Bytes& b, uint64_t base, uint64_t size, uint32_t pxm,
                        uint32_t flags = kMemEnabled)
{
    b.insert(b.end(), {1, 40});
    put_le(b, pxm, 4);
    put_le(b, 0, 2);
    put_le(b, base, 8);
    put_le(b, size, 8);
    put_le(b, 0, 4);
    put_le(b, flags, 4);
    put_le(b, 0, 8);
}

// MCFG: 8 reserved bytes, then allocations.
inline void mcfg_allocation(Bytes& b, uint64_t base, uint16_t segment, uint8_t start, uint8_t end)
{
    put_le(b, base, 8);
    put_le(b, segment, 2);
    b.push_back(start);
    b.push_back(end);
    put_le(b, 0, 4);
}

}  // namespace baton::test
