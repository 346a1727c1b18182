// SPDX-License-Identifier: GPL-2.0
// B's private ACPI root: a copy of the firmware's RSDP and RSDT/XSDT whose MADT lists only
// B's CPUs, so B neither counts nor INIT-SIPIs A's CPUs.  Every other table is shared as is.
#pragma once

#include "../include/baton/ledger.h"
#include "acpi_table.h"

namespace baton {

// Physical memory access, provided by the world the code runs in (identity map in the
// trampoline, buffers in the host tests).  nullptr if [addr, addr + len) is not readable.
const uint8_t* phys_bytes(PhysAddr addr, size_t len);

// Finds the RSDP the way a BIOS OS does: EBDA first KiB, then 0xe0000-0xfffff.
Result<PhysAddr> find_rsdp();

struct AcpiOutput {
    uint8_t* buf;   // where the new tables are written
    PhysAddr phys;  // and where that buffer is in physical memory
    size_t cap;
};

struct AcpiResult {
    PhysAddr rsdp;      // for boot_params.acpi_rsdp_addr
    size_t bytes;       // used in the output buffer
    uint32_t kept_cpus; // LAPIC/x2APIC entries left in the MADT
    uint32_t dropped_cpus;
};

// The firmware's table with signature `sig` ("SRAT") as the root lists it, checksum not yet
// checked (the table's parser does); absent (bytes nullptr) if the root lists none.
Result<AcpiTable> find_acpi_table(PhysAddr firmware_rsdp, const char* sig);

// Builds B's root: new RSDP + RSDT/XSDT + a MADT without the CPUs that are not B's in
// `out`.  Refuses a firmware without MADT and a malformed one; which CPUs the machine has,
// and whether B's are among them, is read_topology's (topology.h).
Result<AcpiResult> build_partition_acpi(PhysAddr firmware_rsdp, const uint32_t* apic_ids,
                                        size_t n, const AcpiOutput& out);

// The ACPI PM timer's I/O port from the FADT (0 if there is none).  Read-only for us: a
// clock both kernels can read without disturbing the other.
Result<uint16_t> find_pm_timer_port(PhysAddr firmware_rsdp);

// Power without an ACPI interpreter.  Off: write SLP_TYP (from the DSDT's \_S5 package) and
// SLP_EN to PM1a_CNT (from the FADT).  The button: the SCI (the FADT's SCI_INT, through the
// MADT's override: GSI and trigger) and the PM1a event and GPE0 blocks whose status the SCI
// handler clears.  Ports 0 / slp_typ -1: unknown.
struct AcpiPower {
    uint16_t pm1a_cnt;
    int s5_slp_typ;
    uint32_t sci_gsi;
    uint16_t sci_flags;  // BATON_IRQ_LEVEL | BATON_IRQ_ACTIVE_LOW
    uint16_t pm1a_evt;
    uint8_t pm1_evt_len;
    uint16_t gpe0_blk;
    uint8_t gpe0_blk_len;
};
Result<AcpiPower> find_acpi_power(PhysAddr firmware_rsdp);

}  // namespace baton
