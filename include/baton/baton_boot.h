/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The boot half of baton's ABI: what a CPU, the trampoline and kernel B read to start (the
 * SIPI page's parameters, the trampoline image's header, the launch block, B's partition
 * record).  Part of the ledger ABI: include <baton/ledger.h>, which includes this after its
 * types, limits and BATON_STATIC_ASSERT; the same rules and the same BATON_ABI_VERSION.
 */
#ifndef BATON_BOOT_H
#define BATON_BOOT_H

#ifndef BATON_LEDGER_H
#error "include baton/ledger.h, not baton_boot.h"
#endif

/*
 * The SIPI page's parameter block (BATON_SIPI_PAGE + 8), filled by whoever sends the SIPI:
 * A's module for the launch CPU (which then enters the trampoline's 32-bit entry), the
 * trampoline for the CPUs it parks in limbo (which go on to long mode).
 */
struct baton_sipi_params {
	baton_u16 gdt_limit;
	baton_u32 gdt_base;		/* BATON_SIPI_PAGE + offsetof(gdt) */
	baton_u16 pad0;
	baton_u32 pm32_offset;		/* far pointer to the stub's 32-bit part */
	baton_u16 pm32_selector;	/* BATON_SEL_CODE32 */
	baton_u16 pad1;
	baton_u32 cr3;			/* long-mode page tables (limbo path) */
	baton_u32 entry64;		/* limbo path: 64-bit entry in the trampoline */
	baton_u64 stack;		/* limbo path: stack top */
	baton_u64 gdt[4];		/* null, code32, code64, data */
	baton_u32 entry32;		/* launch path: 32-bit entry; 0 = limbo path */
	baton_u32 entry32_ebx;		/* launch path: EBX for the entry (the ledger) */
} BATON_PACKED;			/* gdt_limit/gdt_base are the LGDT operand */

#define BATON_SIPI_PARAMS_OFFSET 8u
#define BATON_SEL_CODE32	0x08u
#define BATON_SEL_CODE64	0x10u
#define BATON_SEL_DATA		0x18u
#define BATON_GDT_CODE32	0x00cf9a000000ffffull
#define BATON_GDT_CODE64	0x00af9a000000ffffull
#define BATON_GDT_DATA		0x00cf92000000ffffull

/* EAX at the trampoline's 32-bit entry when A's module launched it (multiboot: 0x2badb002). */
#define BATON_LAUNCH_EAX	0x4e4c5442u	/* "BTLN" */

/*
 * The trampoline image starts with a multiboot header and this header right after it, so
 * A's module can find the SIPI stub and the 32-bit entry in the loaded image.
 */
#define BATON_IMAGE_MAGIC	0x474d494e4f544142ull	/* "BATONIMG" */
#define BATON_IMAGE_HEADER_OFFSET 0x10u

struct baton_image_header {
	baton_u64 magic;
	baton_u32 version;		/* BATON_ABI_VERSION */
	baton_u32 entry32;		/* offsets from the image start */
	baton_u32 stub;
	baton_u32 stub_size;
	baton_u32 stub_pm32;		/* offset of the stub's 32-bit part inside the stub */
	baton_u32 image_size;		/* memory the image occupies, .bss included */
	/* Parking a CPU A releases: the stub's limbo path needs these. */
	baton_u32 ap_entry64;		/* 64-bit entry of a CPU coming into limbo */
	baton_u32 page_table;		/* identity-mapping PML4 (0-4 GiB) */
	baton_u32 limbo_stacks;		/* BATON_MAX_CPUS stacks, one per ledger slot */
	baton_u32 limbo_stack_size;
	/* A's last CPU: A's module jumps here on BATON_TRANSITION_PML4's page tables. */
	baton_u32 limbo_enter64;	/* EDI = slot, ESI = resource; identity map, IF=0 */
	/* kexec_load's entry: where A's crash kexec lands (crash_entry.cpp). */
	baton_u32 crash_entry64;
};

/*
 * The resident segment kexec places covers the image, the launch block and the boot area; the
 * rest of the resident region is left to kexec for its control pages and identity page
 * tables (it takes the first hole at or above the crash region's start), so that a crash
 * kexec that does run writes only there, in memory B never uses.
 */
#define BATON_RESIDENT_SEGMENT	0x180000ull

/*
 * The launch block: what the trampoline reads when A launched it (instead of the multiboot
 * information).  `baton load` places it with kexec at partition base + BATON_LAUNCH_OFFSET.
 */
#define BATON_LAUNCH_MAGIC	0x48434e55414c4254ull	/* "TBLAUNCH" */
#define BATON_LAUNCH_OFFSET	0xf0000ull
#define BATON_LAUNCH_MAX_E820	128u
#define BATON_PLAN_MAX		4096u	/* a plan naming BATON_MAX_CPUS x2APIC IDs */
#define BATON_CMDLINE_MAX	2048u

struct baton_e820_entry {
	baton_u64 addr;
	baton_u64 size;
	baton_u32 type;
	baton_u32 pad;
};

struct baton_launch_block {
	baton_u64 magic;
	baton_u32 version;
	baton_u32 size;
	baton_u64 kernel_phys;		/* B's bzImage, the whole file, as placed */
	baton_u64 kernel_size;
	baton_u64 initrd_phys;
	baton_u64 initrd_size;		/* 0: no initramfs */
	baton_u32 nfirmware;
	baton_u32 pad;
	char plan[BATON_PLAN_MAX];	/* NUL terminated, the trampoline's plan syntax */
	char cmdline[BATON_CMDLINE_MAX];	/* B's command line, NUL terminated */
	struct baton_e820_entry firmware[BATON_LAUNCH_MAX_E820];	/* /sys/firmware/memmap */
};

/*
 * B's setup_data record (boot_params.hdr.setup_data chain).  Describes the partition B owns;
 * B's partition-guest platform keys off its presence.
 */
#define BATON_SETUP_TYPE	0x6e6f7462u	/* "bton"; far from the kernel's SETUP_* numbers */
#define BATON_PARTITION_MAGIC	0x54524150u	/* "PART" */

struct baton_range {
	baton_u64 base;
	baton_u64 size;
};

/* An IOAPIC as the firmware's MADT lists it; B registers each without touching a pin. */
struct baton_ioapic {
	baton_u32 phys;
	baton_u32 id;
	baton_u32 gsi_base;
	baton_u32 pad;
};

/* A range of the machine's memory on one NUMA node, as the firmware's SRAT says. */
struct baton_numa_range {
	baton_u64 base;
	baton_u64 size;
	baton_u32 node;			/* the SRAT's proximity domain */
	baton_u32 hotplug;		/* the SRAT marks it hot-pluggable */
};

struct baton_partition_record {
	baton_u32 magic;
	baton_u16 version;
	baton_u16 size;			/* sizeof(struct baton_partition_record) of the writer */
	baton_u64 ledger_phys;
	baton_u64 ram_base;		/* B's main RAM, inside the partition */
	baton_u64 ram_size;
	baton_u64 low_base;		/* B's RAM below 1 MiB */
	baton_u64 low_size;
	baton_u64 resident_base;	/* the trampoline's resident region */
	baton_u64 resident_size;
	baton_u32 tsc_khz;		/* 0 = unknown, calibrate */
	baton_u32 apic_timer_khz;	/* 0 = unknown, calibrate */
	baton_u32 uart_mask;		/* bit n: UART n (BATON_UART_PORTS) is B's */
	baton_u32 ncpus;
	baton_u32 apic_ids[BATON_MAX_CPUS];
	baton_u16 pm_timer_port;	/* ACPI PM timer, read-only clock; 0 = none */
	baton_u16 npci;
	baton_u32 pci[BATON_MAX_PCI];	/* B's PCI functions: segment << 16 | bus << 8 | devfn */
	baton_u32 nother;		/* the machine's other CPUs: B may adopt them later */
	baton_u32 other_apic_ids[BATON_MAX_CPUS];
	/*
	 * The other kernel's RAM.  late: RAM in B's e820 that B reserves at boot and frees when
	 * the other kernel has stopped.  hot: memory blocks it hot-removes while running; B
	 * hot-adds each when asked, and any it never got when the other kernel stops.
	 */
	baton_u32 nlate;
	baton_u32 nhot;
	struct baton_range late[BATON_MAX_LATE];
	struct baton_range hot[BATON_MAX_LATE];
	/* The IOAPICs B registers at boot without touching a pin (ABI 5: every one). */
	baton_u32 nioapics;
	struct baton_ioapic ioapics[BATON_MAX_IOAPICS];
	baton_u16 pm1a_cnt;		/* soft-off once B owns the machine: PM1a_CNT port, */
	baton_u16 s5_slp_typ;		/* and SLP_TYP for S5 (0xffff: unknown) */
	/*
	 * The power button once B owns the machine: the SCI's GSI and trigger (after the MADT's
	 * override), the PM1a event block and GPE0 block (ports; 0 = none) and their lengths.
	 */
	baton_u32 sci_gsi;
	baton_u16 sci_flags;		/* BATON_IRQ_LEVEL | BATON_IRQ_ACTIVE_LOW */
	baton_u16 pm1a_evt;
	baton_u16 gpe0_blk;
	baton_u8 pm1_evt_len;
	baton_u8 gpe0_blk_len;
	baton_u32 pad_power;
	/*
	 * NUMA (ABI 5), from the firmware's SRAT: the node of every CPU (apic_ids[] and
	 * other_apic_ids[] order, BATON_NO_NODE: unknown) and every memory range.  nnuma = 0: the
	 * machine has one node.  B boots with every node, so memory it adopts later lands on its
	 * own node.
	 */
	baton_u32 nnuma;
	baton_u32 numa_pad;
	struct baton_numa_range numa[BATON_MAX_NUMA_RANGES];
	baton_u16 cpu_nodes[BATON_MAX_CPUS];
	baton_u16 other_cpu_nodes[BATON_MAX_CPUS];
	/*
	 * PCI Express enhanced configuration (ECAM) of segment 0, from the firmware's MCFG: B
	 * uses it for every config cycle, never 0xcf8/0xcfc, which A uses too.  0 = none.
	 */
	baton_u64 mmcfg_base;
	baton_u8 mmcfg_start_bus;
	baton_u8 mmcfg_end_bus;
	baton_u16 mmcfg_pad0;
	baton_u32 mmcfg_pad1;
	/*
	 * The firmware's own RSDP (ABI 6): B boots without ACPI, on a private copy, and hosts the
	 * next kernel from the firmware's tables.
	 */
	baton_u64 firmware_rsdp;
};

/* An interrupt pin's trigger and polarity (BATON_RES_IRQ's size, the SCI's sci_flags). */
#define BATON_IRQ_LEVEL		(1u << 0)
#define BATON_IRQ_ACTIVE_LOW	(1u << 1)

BATON_STATIC_ASSERT(offsetof(struct baton_sipi_params, gdt_base) == 2, "sipi layout");
BATON_STATIC_ASSERT(offsetof(struct baton_sipi_params, pm32_offset) == 8, "sipi layout");
BATON_STATIC_ASSERT(offsetof(struct baton_sipi_params, cr3) == 16, "sipi layout");
BATON_STATIC_ASSERT(offsetof(struct baton_sipi_params, entry64) == 20, "sipi layout");
BATON_STATIC_ASSERT(offsetof(struct baton_sipi_params, stack) == 24, "sipi layout");
BATON_STATIC_ASSERT(offsetof(struct baton_sipi_params, gdt) == 32, "sipi layout");
BATON_STATIC_ASSERT(offsetof(struct baton_sipi_params, entry32) == 64, "sipi layout");
BATON_STATIC_ASSERT(sizeof(struct baton_sipi_params) == 72, "sipi layout");
BATON_STATIC_ASSERT(sizeof(struct baton_image_header) == 56, "image header layout");
BATON_STATIC_ASSERT(offsetof(struct baton_image_header, ap_entry64) == 32, "image header layout");
BATON_STATIC_ASSERT(offsetof(struct baton_launch_block, plan) == 56, "launch block layout");
BATON_STATIC_ASSERT(offsetof(struct baton_launch_block, firmware) ==
		    56 + BATON_PLAN_MAX + BATON_CMDLINE_MAX, "launch block layout");
BATON_STATIC_ASSERT(sizeof(struct baton_launch_block) <= 0x10000, "launch block fits");

BATON_STATIC_ASSERT(offsetof(struct baton_partition_record, ledger_phys) == 8, "record layout");
BATON_STATIC_ASSERT(offsetof(struct baton_partition_record, ram_base) == 16, "record layout");
BATON_STATIC_ASSERT(offsetof(struct baton_partition_record, low_base) == 32, "record layout");
BATON_STATIC_ASSERT(offsetof(struct baton_partition_record, resident_base) == 48,
		    "record layout");
BATON_STATIC_ASSERT(offsetof(struct baton_partition_record, tsc_khz) == 64, "record layout");
BATON_STATIC_ASSERT(offsetof(struct baton_partition_record, ncpus) == 76, "record layout");
BATON_STATIC_ASSERT(offsetof(struct baton_partition_record, apic_ids) == 80, "record layout");
BATON_STATIC_ASSERT(offsetof(struct baton_partition_record, pm_timer_port) ==
		    80 + 4 * BATON_MAX_CPUS, "record layout");
BATON_STATIC_ASSERT(offsetof(struct baton_partition_record, pci) == 84 + 4 * BATON_MAX_CPUS,
		    "record layout");
BATON_STATIC_ASSERT(offsetof(struct baton_partition_record, nother) ==
		    84 + 4 * BATON_MAX_CPUS + 4 * BATON_MAX_PCI, "record layout");
BATON_STATIC_ASSERT(offsetof(struct baton_partition_record, nlate) ==
		    88 + 8 * BATON_MAX_CPUS + 4 * BATON_MAX_PCI, "record layout");
BATON_STATIC_ASSERT(sizeof(struct baton_ioapic) == 16, "ioapic layout");
BATON_STATIC_ASSERT(sizeof(struct baton_numa_range) == 24, "numa range layout");
#define BATON_RECORD_IOAPICS_END \
	(100 + 8 * BATON_MAX_CPUS + 4 * BATON_MAX_PCI + 32 * BATON_MAX_LATE + \
	 16 * BATON_MAX_IOAPICS)
BATON_STATIC_ASSERT(offsetof(struct baton_partition_record, ioapics) ==
		    BATON_RECORD_IOAPICS_END - 16 * BATON_MAX_IOAPICS, "record layout");
BATON_STATIC_ASSERT(offsetof(struct baton_partition_record, sci_gsi) ==
		    BATON_RECORD_IOAPICS_END + 4, "record layout");
BATON_STATIC_ASSERT(offsetof(struct baton_partition_record, nnuma) ==
		    BATON_RECORD_IOAPICS_END + 20, "record layout");
BATON_STATIC_ASSERT(offsetof(struct baton_partition_record, cpu_nodes) ==
		    BATON_RECORD_IOAPICS_END + 28 + 24 * BATON_MAX_NUMA_RANGES, "record layout");
BATON_STATIC_ASSERT(offsetof(struct baton_partition_record, mmcfg_base) ==
		    BATON_RECORD_IOAPICS_END + 28 + 24 * BATON_MAX_NUMA_RANGES +
		    4 * BATON_MAX_CPUS, "record layout");
BATON_STATIC_ASSERT(offsetof(struct baton_partition_record, firmware_rsdp) ==
		    BATON_RECORD_IOAPICS_END + 44 + 24 * BATON_MAX_NUMA_RANGES +
		    4 * BATON_MAX_CPUS, "record layout");
BATON_STATIC_ASSERT(sizeof(struct baton_partition_record) ==
		    BATON_RECORD_IOAPICS_END + 52 + 24 * BATON_MAX_NUMA_RANGES +
		    4 * BATON_MAX_CPUS, "record layout");

#endif /* BATON_BOOT_H */
