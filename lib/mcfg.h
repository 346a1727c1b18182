// SPDX-License-Identifier: GPL-2.0
// The firmware's MCFG: where PCI Express enhanced configuration (ECAM) of segment 0 is, for
// B's partition record.  Pure, like madt.h.
#pragma once

#include "acpi_table.h"

namespace baton {

struct Mcfg {
    uint64_t base;  // ECAM base as the MCFG gives it (bus 0's address); 0: none
    uint8_t start_bus;
    uint8_t end_bus;
};

// Segment 0's allocation.  Other segments are ignored: B's partition record describes
// segment 0 only, and baton hands over PCI functions of segment 0 (the plan's BB:DD.F).
// Refuses a malformed table, a bus range that ends before it starts, and a segment 0
// split over several allocations (the record holds one).
Result<Mcfg> parse_mcfg(const AcpiTable& mcfg);

}  // namespace baton
