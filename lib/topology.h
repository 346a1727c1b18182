// SPDX-License-Identifier: GPL-2.0
// What B's partition record says about the machine beyond B's own share: the other kernel's
// CPUs (B may adopt them), every IOAPIC, the NUMA nodes and PCI segment 0's ECAM, from the
// firmware's MADT, SRAT and MCFG.  Pure: the trampoline reads the tables through the ACPI
// root, `baton plan` from /sys/firmware/acpi/tables, and both refuse the same machines.
#pragma once

#include "madt.h"
#include "mcfg.h"
#include "srat.h"

namespace baton {

struct FirmwareTables {
    AcpiTable madt;
    AcpiTable srat;  // absent: one node
    AcpiTable mcfg;  // absent: no ECAM
};

struct Topology {
    uint32_t nother;  // the MADT's usable CPUs that are not B's, in table order
    uint32_t other_apic_ids[BATON_MAX_CPUS];
    uint32_t nioapics;
    baton_ioapic ioapics[BATON_MAX_IOAPICS];
    SratMemory numa;
    uint16_t cpu_nodes[BATON_MAX_CPUS];  // B's CPUs, in the plan's order
    uint16_t other_cpu_nodes[BATON_MAX_CPUS];
    Mcfg mmcfg;
};

// B's CPUs by APIC ID (the plan's); refuses one that is not a usable CPU of the MADT, and
// whatever the tables' parsers refuse.
Result<Topology> read_topology(const FirmwareTables& t, const uint32_t* b_cpus, size_t n);

// The record's other_apic_ids, ioapics, NUMA and ECAM fields; the nodes of the record's
// unused CPU slots are BATON_NO_NODE.
void topology_to_record(const Topology& t, baton_partition_record& rec);

}  // namespace baton
