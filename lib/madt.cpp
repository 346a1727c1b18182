// SPDX-License-Identifier: GPL-2.0
#include "madt.h"

#include "zero_page.h"  // load_le

namespace baton {

namespace {

constexpr uint32_t kCpuUsable = 0x3;  // Enabled | Online Capable (ACPI 6.3 5.2.12.2)

// The shortest entry of each type baton reads (ACPI 6.5 5.2.12); 0: a type it skips.
constexpr uint8_t min_len(uint8_t type)
{
    switch (type) {
    case madt::kLapic: return 8;
    case madt::kIoapic: return 12;
    case madt::kIso: return 10;
    case madt::kNmiSource: return 8;
    case madt::kX2apic: return 16;
    }
    return 0;
}

// The IOAPIC whose GSIs start at or below `gsi` and closest to it; -1 if none.
int ioapic_of(const MadtInfo& m, uint32_t gsi)
{
    int best = -1;
    for (uint32_t i = 0; i < m.nioapics; i++)
        if (m.ioapics[i].gsi_base <= gsi &&
            (best < 0 || m.ioapics[i].gsi_base > m.ioapics[best].gsi_base))
            best = int(i);
    return best;
}

}  // namespace

bool madt_cpu(const uint8_t* e, uint8_t len, MadtCpu* out)
{
    uint32_t id, flags;
    if (e[0] == madt::kLapic && len >= 8) {
        id = e[3];
        flags = uint32_t(load_le(e + 4, 4));
        if (id == 0xff)
            return false;
    } else if (e[0] == madt::kX2apic && len >= 16) {
        id = uint32_t(load_le(e + 4, 4));
        flags = uint32_t(load_le(e + 8, 4));
        if (id == 0xffffffff)
            return false;
    } else {
        return false;
    }
    *out = {id, (flags & kCpuUsable) != 0};
    return true;
}

Result<MadtInfo> parse_madt(const AcpiTable& t)
{
    BATON_TRY(check_acpi_table(t, "APIC"));
    if (t.len < kMadtFixedLen)
        return make_error(Errc::acpi, "the MADT is shorter than its fixed part");
    MadtInfo m{};
    Status walked = for_each_madt_entry(t, [&](size_t off, uint8_t type, uint8_t len) -> Status {
        const uint8_t* e = t.bytes + off;
        if (len < min_len(type)) {
            Error err{Errc::acpi, {}};
            err.msg << "MADT entry at offset " << Dec{off} << " (type " << Dec{type}
                    << ") is shorter than its type";
            return err;
        }
        MadtCpu cpu;
        if (madt_cpu(e, len, &cpu) && cpu.usable && !madt_has_cpu(m, cpu.apic_id)) {
            if (m.ncpus == BATON_MAX_CPUS) {
                Error err{Errc::acpi, {}};
                err.msg << "the MADT lists more than " << Dec{BATON_MAX_CPUS}
                        << " usable CPUs; the ledger holds " << Dec{BATON_MAX_CPUS}
                        << " (BATON_MAX_CPUS)";
                return err;
            }
            m.cpus[m.ncpus++] = cpu.apic_id;
        }
        if (type == madt::kIoapic) {
            if (m.nioapics == BATON_MAX_IOAPICS) {
                Error err{Errc::acpi, {}};
                err.msg << "the MADT lists more than " << Dec{BATON_MAX_IOAPICS}
                        << " IOAPICs; B's partition record holds " << Dec{BATON_MAX_IOAPICS}
                        << " (BATON_MAX_IOAPICS)";
                return err;
            }
            m.ioapics[m.nioapics++] = {uint32_t(load_le(e + 4, 4)), e[2],
                                       uint32_t(load_le(e + 8, 4)), 0};
        }
        return Ok{};
    });
    if (!walked.ok())
        return walked.error();
    // The GSIs the firmware routes, once every IOAPIC is known.
    Status named = for_each_madt_entry(t, [&](size_t off, uint8_t type, uint8_t) -> Status {
        if (type != madt::kIso && type != madt::kNmiSource)
            return Ok{};
        const uint32_t gsi = uint32_t(load_le(t.bytes + off + 4, 4));
        const int i = ioapic_of(m, gsi);
        if (i >= 0 && gsi - m.ioapics[i].gsi_base + 1 > m.pins_named[i])
            m.pins_named[i] = gsi - m.ioapics[i].gsi_base + 1;
        return Ok{};
    });
    if (!named.ok())
        return named.error();
    return m;
}

}  // namespace baton
