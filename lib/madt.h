// SPDX-License-Identifier: GPL-2.0
// The firmware's MADT as far as baton reads it: the machine's CPUs and its IOAPICs.  Pure;
// the trampoline parses the table it found through the ACPI root, the CLI the one in
// /sys/firmware/acpi/tables/APIC, and both refuse a machine beyond the ledger's tables alike.
#pragma once

#include "../include/baton/ledger.h"
#include "acpi_table.h"

namespace baton {

inline constexpr size_t kMadtFixedLen = kSdtHeaderLen + 8;

namespace madt {
inline constexpr uint8_t kLapic = 0;
inline constexpr uint8_t kIoapic = 1;
inline constexpr uint8_t kIso = 2;        // interrupt source override
inline constexpr uint8_t kNmiSource = 3;
inline constexpr uint8_t kX2apic = 9;
}  // namespace madt

// Calls f(offset, type, length) for every entry after the fixed part; refuses an entry whose
// length is below 2 or runs past the table (the walk could not go on).  Less than an entry
// header at the end is padding, as for Linux.
template <typename F>
Status for_each_madt_entry(const AcpiTable& t, F&& f)
{
    for (size_t off = kMadtFixedLen; off + 2 <= t.len;) {
        const uint8_t len = t.bytes[off + 1];
        if (len < 2 || off + len > t.len) {
            Error e{Errc::acpi, {}};
            e.msg << "MADT entry at offset " << Dec{off} << " has a bad length";
            return e;
        }
        Status s = f(off, t.bytes[off], len);
        if (!s.ok())
            return s;
        off += len;
    }
    return Ok{};
}

// A CPU of the MADT: a processor local APIC (type 0: 8-bit ID) or local x2APIC (type 9).
struct MadtCpu {
    uint32_t apic_id;
    bool usable;  // enabled or online capable: it exists and may be handed over
};

// Whether the entry at `e` (its type and length already checked to fit) is a CPU.  The IDs
// 0xff of type 0 and 0xffffffff of type 9 are placeholders, not CPUs (as for Linux).
bool madt_cpu(const uint8_t* e, uint8_t len, MadtCpu* out);

struct MadtInfo {
    uint32_t ncpus;                  // usable CPUs, each ID once (some firmware lists a CPU
    uint32_t cpus[BATON_MAX_CPUS];   // as type 0 and type 9), in table order
    uint32_t nioapics;
    baton_ioapic ioapics[BATON_MAX_IOAPICS];
    // Per IOAPIC: the pins the MADT proves it has (1 + the highest pin a GSI of an override
    // or NMI source falls on); the pin count itself is in the IOAPIC's version register.
    uint32_t pins_named[BATON_MAX_IOAPICS];
};

// Checks the table and every entry of a type baton reads; refuses more usable CPUs than
// BATON_MAX_CPUS and more IOAPICs than BATON_MAX_IOAPICS.
Result<MadtInfo> parse_madt(const AcpiTable& madt);

[[nodiscard]] inline bool madt_has_cpu(const MadtInfo& m, uint32_t apic_id)
{
    for (uint32_t i = 0; i < m.ncpus; i++)
        if (m.cpus[i] == apic_id)
            return true;
    return false;
}

}  // namespace baton
