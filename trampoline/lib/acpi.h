// SPDX-License-Identifier: GPL-2.0
// B's private ACPI root: a copy of the firmware's RSDP and RSDT/XSDT whose MADT lists only
// B's CPUs, so B neither counts nor INIT-SIPIs A's CPUs.  Every other table is shared as is.
#pragma once

#include "../../include/baton/ledger.h"
#include "phys.h"

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
    // The enabled CPUs the MADT hides from B: the other kernel's, which B may adopt later.
    uint32_t other_apic_ids[BATON_MAX_CPUS];
    uint32_t nother;
    // The machine's IOAPICs, as the MADT lists them.
    uint32_t nioapics;
    baton_ioapic ioapics[BATON_MAX_IOAPICS];
};

// Builds B's root: new RSDP + RSDT/XSDT + filtered MADT in `out`.  Refuses a firmware
// without MADT and a plan CPU the MADT does not list.
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

// Segment 0's ECAM from the MCFG (base 0: none).  Stand-in until the trampoline's own MCFG
// reader lands (issue 11): B's config space without 0xcf8/0xcfc.
struct AcpiEcam {
    uint64_t base;  // bus 0's, as the MCFG has it
    uint8_t start_bus;
    uint8_t end_bus;
};
Result<AcpiEcam> find_ecam(PhysAddr firmware_rsdp);

uint8_t acpi_checksum(const uint8_t* p, size_t len);

}  // namespace baton
