// SPDX-License-Identifier: GPL-2.0
#include "srat.h"

#include "zero_page.h"  // load_le

namespace baton {

namespace {

// ACPI 6.5 5.2.16: the header, a reserved u32 (1) and u64, then the entries.
constexpr size_t kSratFixedLen = kSdtHeaderLen + 12;
constexpr uint8_t kCpuAffinity = 0, kMemoryAffinity = 1, kX2apicAffinity = 2;
constexpr uint32_t kEnabled = 1u << 0, kHotPluggable = 1u << 1;

constexpr uint8_t min_len(uint8_t type)
{
    switch (type) {
    case kCpuAffinity: return 16;
    case kMemoryAffinity: return 40;
    case kX2apicAffinity: return 24;
    }
    return 2;  // a type baton skips (GICC, ITS, generic initiator and port)
}

Error srat_error()
{
    Error e{Errc::acpi, {}};
    e.msg << "SRAT: ";
    return e;
}

Status place_cpu(uint32_t apic_id, uint32_t pxm, const SratCpus* lists, size_t nlists)
{
    for (size_t l = 0; l < nlists; l++)
        for (size_t i = 0; i < lists[l].n; i++) {
            if (lists[l].apic_ids[i] != apic_id)
                continue;
            uint16_t& node = lists[l].nodes[i];
            Error e = srat_error();
            if (pxm >= BATON_NO_NODE) {
                e.msg << "APIC ID " << Dec{apic_id} << " is in proximity domain " << Dec{pxm}
                      << "; B's partition record has 16-bit CPU nodes, below "
                      << Dec{BATON_NO_NODE} << " (BATON_NO_NODE)";
                return e;
            }
            if (node != BATON_NO_NODE && node != pxm) {
                e.msg << "APIC ID " << Dec{apic_id} << " is in proximity domains "
                      << Dec{node} << " and " << Dec{pxm};
                return e;
            }
            node = uint16_t(pxm);
        }
    return Ok{};
}

Status add_range(SratMemory& m, uint64_t base, uint64_t size, uint32_t pxm, bool hotplug)
{
    const PhysRange r(PhysAddr(base), size);
    Error e = srat_error();
    if (r.wraps()) {
        e.msg << "memory range at " << Hex{base} << " wraps past 2^64";
        return e;
    }
    for (uint32_t i = 0; i < m.nranges; i++) {
        const PhysRange o(PhysAddr(m.ranges[i].base), m.ranges[i].size);
        if (o.overlaps(r)) {
            e.msg << "memory ranges " << o << " and " << r << " overlap";
            return e;
        }
    }
    if (m.nranges == BATON_MAX_NUMA_RANGES) {
        e.msg << "more than " << Dec{BATON_MAX_NUMA_RANGES}
              << " memory ranges; B's partition record holds " << Dec{BATON_MAX_NUMA_RANGES}
              << " (BATON_MAX_NUMA_RANGES)";
        return e;
    }
    m.ranges[m.nranges++] = {base, size, pxm, hotplug ? 1u : 0u};
    return Ok{};
}

}  // namespace

Result<SratMemory> parse_srat(const AcpiTable& t, const SratCpus* lists, size_t nlists)
{
    BATON_TRY(check_acpi_table(t, "SRAT"));
    for (size_t l = 0; l < nlists; l++)
        for (size_t i = 0; i < lists[l].n; i++)
            lists[l].nodes[i] = BATON_NO_NODE;
    if (t.len < kSratFixedLen) {
        Error e = srat_error();
        e.msg << "shorter than its fixed part";
        return e;
    }
    // Revision 1 (ACPI 2.0) had 8-bit proximity domains; the upper bytes were reserved.
    const bool wide_pxm = t.bytes[8] >= 2;
    SratMemory m{};
    for (size_t off = kSratFixedLen; off + 2 <= t.len;) {  // a last byte alone is padding
        const uint8_t* e = t.bytes + off;
        const uint8_t type = e[0], len = e[1];
        if (len < 2 || off + len > t.len) {
            Error err = srat_error();
            err.msg << "entry at offset " << Dec{off} << " has a bad length";
            return err;
        }
        if (len < min_len(type)) {
            Error err = srat_error();
            err.msg << "entry at offset " << Dec{off} << " (type " << Dec{type}
                    << ") is shorter than its type";
            return err;
        }
        off += len;
        if (type == kCpuAffinity && (load_le(e + 4, 4) & kEnabled)) {
            uint32_t pxm = e[2];
            if (wide_pxm)
                pxm |= uint32_t(load_le(e + 9, 3)) << 8;
            BATON_TRY(place_cpu(e[3], pxm, lists, nlists));
        } else if (type == kX2apicAffinity && (load_le(e + 12, 4) & kEnabled)) {
            BATON_TRY(place_cpu(uint32_t(load_le(e + 8, 4)), uint32_t(load_le(e + 4, 4)), lists,
                                nlists));
        } else if (type == kMemoryAffinity) {
            const uint32_t flags = uint32_t(load_le(e + 28, 4));
            const uint64_t size = load_le(e + 16, 8);
            if (!(flags & kEnabled) || size == 0)
                continue;
            uint32_t pxm = uint32_t(load_le(e + 2, 4));
            if (!wide_pxm)
                pxm &= 0xff;
            BATON_TRY(add_range(m, load_le(e + 8, 8), size, pxm, flags & kHotPluggable));
        }
    }
    return m;
}

}  // namespace baton
