/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The handover ledger ABI: the one description of memory shared between kernel A, the
 * trampoline ("handover microkernel") and kernel B.  Included as C by baton.ko and B's
 * patches, as C++ by the trampoline, the CLI and the host tests.
 *
 * Rules: fixed-width types only, no pointers (physical addresses are u64), every field's
 * offset pinned by a static assertion at the bottom, magic + version + size at the front of
 * every record.  Bump BATON_ABI_VERSION on any layout change; readers refuse other versions.
 */
#ifndef BATON_LEDGER_H
#define BATON_LEDGER_H

#ifdef __KERNEL__
#include <linux/types.h>
typedef __u8 baton_u8;
typedef __u16 baton_u16;
typedef __u32 baton_u32;
typedef __u64 baton_u64;
#else
#include <stdint.h>
typedef uint8_t baton_u8;
typedef uint16_t baton_u16;
typedef uint32_t baton_u32;
typedef uint64_t baton_u64;
#endif

#define BATON_ABI_VERSION 1u

/*
 * Fixed physical layout of the low window.  A reserves it with `memmap=64K$0x20000`; B's e820
 * lists only [BATON_B_LOW_RAM_BASE, +SIZE) of it as RAM (B needs >= 24 KiB below 1 MiB for its
 * own real-mode trampoline), the rest stays reserved for baton.
 */
#define BATON_LOW_WINDOW_BASE	0x20000ull
#define BATON_LOW_WINDOW_SIZE	0x10000ull
#define BATON_SIPI_PAGE		0x20000ull	/* 16-bit AP entry; a SIPI vector is page >> 12 */
#define BATON_LEDGER_PHYS	0x21000ull
#define BATON_LEDGER_SIZE	0x2000ull
#define BATON_B_LOW_RAM_BASE	0x24000ull
#define BATON_B_LOW_RAM_SIZE	0xc000ull

/*
 * The first 2 MiB of the partition hold the resident trampoline (code, page tables, limbo
 * stacks, B's private ACPI tables).  B's e820 marks it reserved so B never reuses it while a
 * CPU is parked in limbo there.  B's kernel is loaded right above it.
 */
#define BATON_RESIDENT_SIZE	0x200000ull

#define BATON_MAX_CPUS		64u

/* The ledger: BATON_LEDGER_PHYS, BATON_LEDGER_SIZE bytes. */
#define BATON_LEDGER_MAGIC	0x52454744454c4254ull	/* "TBLEDGER" little endian */

enum baton_state {
	BATON_STATE_EMPTY = 0,
	BATON_STATE_LOADED = 1,		/* segments placed, nothing started */
	BATON_STATE_LAUNCHED = 2,	/* first reserved CPU woken, trampoline running */
	BATON_STATE_B_BOOTING = 3,	/* trampoline jumped into B */
	BATON_STATE_B_RUNNING = 4,	/* B writes its heartbeat */
	BATON_STATE_FAILED = 5,		/* see fail_reason and message */
};

enum baton_fail {
	BATON_FAIL_NONE = 0,
	BATON_FAIL_PLAN = 1,		/* the plan did not parse or is impossible */
	BATON_FAIL_DIGEST = 2,		/* a segment's sha256 differs from the plan */
	BATON_FAIL_IMAGE = 3,		/* B's bzImage is not a usable 64-bit kernel */
	BATON_FAIL_PLACEMENT = 4,	/* B does not fit its partition */
	BATON_FAIL_E820 = 5,		/* B's memory map cannot be built */
	BATON_FAIL_AP = 6,		/* an AP did not check in */
	BATON_FAIL_ACPI = 7,		/* B's private ACPI tables cannot be built */
};

/* Where a CPU is, as far as the ledger knows. */
enum baton_cpu_state {
	BATON_CPU_UNKNOWN = 0,
	BATON_CPU_SIPI_SENT = 1,	/* INIT-SIPI-SIPI sent, not yet checked in */
	BATON_CPU_LIMBO = 2,		/* checked in, parked in the trampoline's limbo loop */
	BATON_CPU_B_BOOT = 3,		/* runs B's boot path */
};

struct baton_cpu_slot {
	baton_u32 apic_id;
	baton_u32 state;		/* enum baton_cpu_state */
	baton_u64 checkin_tsc;		/* TSC when the CPU reached limbo */
	baton_u64 mailbox_start;	/* adopt: physical entry written by the adopter, 0 = stay */
	baton_u64 reserved;
};

struct baton_ledger {
	baton_u64 magic;
	baton_u32 version;
	baton_u32 size;			/* sizeof(struct baton_ledger) of the writer */
	baton_u32 state;		/* enum baton_state */
	baton_u32 fail_reason;		/* enum baton_fail */
	baton_u64 partition_base;
	baton_u64 partition_size;
	baton_u64 launch_tsc;		/* the trampoline's first instruction in long mode */
	baton_u64 b_entry_tsc;		/* just before the jump into B */
	baton_u64 b_heartbeat;		/* B's heartbeat counter (issue: launch) */
	baton_u32 ncpus;
	baton_u32 boot_apic_id;		/* the CPU that runs the trampoline and boots B */
	struct baton_cpu_slot cpus[BATON_MAX_CPUS];
	char message[256];		/* last failure, NUL terminated, for `baton status` */
};

/*
 * B's setup_data record (boot_params.hdr.setup_data chain).  Describes the partition B owns;
 * B's partition-guest platform keys off its presence.
 */
#define BATON_SETUP_TYPE	0x6e6f7462u	/* "bton"; far from the kernel's SETUP_* numbers */
#define BATON_PARTITION_MAGIC	0x54524150u	/* "PART" */

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
	baton_u32 uart_mask;		/* bit n: UART n (0x3f8 0x2f8 0x3e8 0x2e8) is B's */
	baton_u32 ncpus;
	baton_u32 apic_ids[BATON_MAX_CPUS];
};

#ifdef __cplusplus
#define BATON_STATIC_ASSERT(c, m) static_assert(c, m)
#else
#define BATON_STATIC_ASSERT(c, m) _Static_assert(c, m)
#endif
#ifndef offsetof
#define offsetof(t, m) __builtin_offsetof(t, m)
#endif

BATON_STATIC_ASSERT(sizeof(struct baton_cpu_slot) == 32, "cpu slot layout");
BATON_STATIC_ASSERT(offsetof(struct baton_ledger, magic) == 0, "ledger layout");
BATON_STATIC_ASSERT(offsetof(struct baton_ledger, version) == 8, "ledger layout");
BATON_STATIC_ASSERT(offsetof(struct baton_ledger, size) == 12, "ledger layout");
BATON_STATIC_ASSERT(offsetof(struct baton_ledger, state) == 16, "ledger layout");
BATON_STATIC_ASSERT(offsetof(struct baton_ledger, fail_reason) == 20, "ledger layout");
BATON_STATIC_ASSERT(offsetof(struct baton_ledger, partition_base) == 24, "ledger layout");
BATON_STATIC_ASSERT(offsetof(struct baton_ledger, partition_size) == 32, "ledger layout");
BATON_STATIC_ASSERT(offsetof(struct baton_ledger, launch_tsc) == 40, "ledger layout");
BATON_STATIC_ASSERT(offsetof(struct baton_ledger, b_entry_tsc) == 48, "ledger layout");
BATON_STATIC_ASSERT(offsetof(struct baton_ledger, b_heartbeat) == 56, "ledger layout");
BATON_STATIC_ASSERT(offsetof(struct baton_ledger, ncpus) == 64, "ledger layout");
BATON_STATIC_ASSERT(offsetof(struct baton_ledger, boot_apic_id) == 68, "ledger layout");
BATON_STATIC_ASSERT(offsetof(struct baton_ledger, cpus) == 72, "ledger layout");
BATON_STATIC_ASSERT(offsetof(struct baton_ledger, message) == 72 + 32 * BATON_MAX_CPUS,
		    "ledger layout");
BATON_STATIC_ASSERT(sizeof(struct baton_ledger) <= BATON_LEDGER_SIZE, "ledger fits its page");

BATON_STATIC_ASSERT(offsetof(struct baton_partition_record, ledger_phys) == 8, "record layout");
BATON_STATIC_ASSERT(offsetof(struct baton_partition_record, ram_base) == 16, "record layout");
BATON_STATIC_ASSERT(offsetof(struct baton_partition_record, low_base) == 32, "record layout");
BATON_STATIC_ASSERT(offsetof(struct baton_partition_record, resident_base) == 48,
		    "record layout");
BATON_STATIC_ASSERT(offsetof(struct baton_partition_record, tsc_khz) == 64, "record layout");
BATON_STATIC_ASSERT(offsetof(struct baton_partition_record, ncpus) == 76, "record layout");
BATON_STATIC_ASSERT(offsetof(struct baton_partition_record, apic_ids) == 80, "record layout");
BATON_STATIC_ASSERT(sizeof(struct baton_partition_record) == 80 + 4 * BATON_MAX_CPUS,
		    "record layout");

#endif /* BATON_LEDGER_H */
