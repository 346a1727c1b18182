// SPDX-License-Identifier: GPL-2.0
// The firmware's SRAT (System Resource Affinity Table): which NUMA node, by proximity
// domain, each CPU and memory range is on, for B's partition record.  Pure, like madt.h.
#pragma once

#include "../include/baton/ledger.h"
#include "acpi_table.h"

namespace baton {

// CPUs whose nodes are wanted: nodes[i] gets the proximity domain of apic_ids[i], or
// BATON_NO_NODE if the SRAT does not place it.
struct SratCpus {
    const uint32_t* apic_ids;
    size_t n;
    uint16_t* nodes;
};

struct SratMemory {
    uint32_t nranges;
    baton_numa_range ranges[BATON_MAX_NUMA_RANGES];
};

// The enabled entries of the three x86 types: processor local APIC (0), memory (1) and
// processor local x2APIC (2) affinity.  Refuses a malformed table, more memory ranges than
// BATON_MAX_NUMA_RANGES, ranges that wrap or overlap, a CPU in two domains and a CPU's
// domain that does not fit the record's 16-bit nodes.
Result<SratMemory> parse_srat(const AcpiTable& srat, const SratCpus* cpus, size_t nlists);

}  // namespace baton
