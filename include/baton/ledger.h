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
typedef __s32 baton_s32;
typedef __s64 baton_s64;
#define BATON_PACKED __packed
#else
#include <stdint.h>
typedef uint8_t baton_u8;
typedef uint16_t baton_u16;
typedef uint32_t baton_u32;
typedef uint64_t baton_u64;
typedef int32_t baton_s32;
typedef int64_t baton_s64;
#define BATON_PACKED __attribute__((__packed__))
#endif

#define BATON_ABI_VERSION 6u

/*
 * The low windows (ABI 6): a host launches its guest through one 64 KiB window below 1 MiB,
 * laid out as the offsets below: the SIPI page, the ledger, the transition page tables of the
 * host's last CPU, and the guest's own RAM below 1 MiB (a kernel needs >= 28 KiB there for its
 * real-mode trampoline: Debian's configuration adds the S3 wakeup code).  The guest's e820
 * lists only that RAM as RAM; the rest stays reserved for baton.
 *
 * A kernel that booted on its own (A) hosts in window 0, which it reserves with
 * `memmap=64K$0x20000`.  A kernel baton launched hosts the next one in the other window: its
 * own window stays in use while it runs (its ledger, its real-mode trampoline), and the other
 * one was its host's memory, reserved in its e820 and free once its host has stopped.  So the
 * windows alternate along a chain of upgrades.
 */
#define BATON_NR_WINDOWS	2u
#define BATON_WINDOW_SIZE	0x10000ull
#define BATON_WINDOW0_BASE	0x20000ull
#define BATON_WINDOW_BASE(n)	(BATON_WINDOW0_BASE + (unsigned long long)(n) * BATON_WINDOW_SIZE)
#define BATON_WINDOW_SIPI	0x0000ull	/* 16-bit AP entry; a SIPI vector is page >> 12 */
#define BATON_WINDOW_LEDGER	0x1000ull
#define BATON_LEDGER_SIZE	0x4000ull
/*
 * The host's last CPU's page tables on its way into limbo (low 4 GiB identity mapped, kernel
 * half the host's own).  In the window because kexec maps the partition read-only.
 */
#define BATON_WINDOW_PML4	0x5000ull
#define BATON_WINDOW_LOW_RAM	0x6000ull	/* the guest's RAM below 1 MiB */
#define BATON_WINDOW_LOW_RAM_SIZE 0xa000ull

/*
 * The first 2 MiB of the partition hold the resident trampoline (code, page tables, limbo
 * stacks, B's private ACPI tables).  B's e820 marks it reserved so B never reuses it while a
 * CPU is parked in limbo there.  B's kernel is loaded right above it.
 */
#define BATON_RESIDENT_SIZE	0x200000ull

/*
 * Table sizes: what a machine may have for baton to hand it over.  A plan that exceeds one is
 * refused with the limit named (`baton plan`).  CPUs by APIC ID (x2APIC IDs are 32 bits);
 * PCI functions by segment << 16 | bus << 8 | devfn; IOAPICs as the MADT lists them, each
 * with up to 256 pins (its version register's 8-bit maximum entry); memory ranges as the SRAT.
 */
#define BATON_MAX_CPUS		256u
#define BATON_MAX_PCI		256u
#define BATON_MAX_LATE		8u	/* late and hot memory ranges in the partition record */
#define BATON_MAX_IOAPICS	16u
#define BATON_MAX_IOAPIC_PINS	256u
#define BATON_MAX_NUMA_RANGES	32u
#define BATON_NO_NODE		0xffffu	/* a CPU or range the SRAT does not place */

/* The legacy UARTs by index: bit n of a UART mask (uart_mask, a last-CPU request) is UART n. */
#define BATON_UART_PORTS	{ 0x3f8, 0x2f8, 0x3e8, 0x2e8 }
#define BATON_NR_UARTS		4u

/* The ledger: at BATON_WINDOW_LEDGER in its window, BATON_LEDGER_SIZE bytes. */
#define BATON_LEDGER_MAGIC	0x52454744454c4254ull	/* "TBLEDGER" little endian */

enum baton_state {
	BATON_STATE_EMPTY = 0,
	BATON_STATE_LOADED = 1,		/* segments placed, nothing started */
	BATON_STATE_LAUNCHED = 2,	/* first reserved CPU woken, trampoline running */
	BATON_STATE_B_BOOTING = 3,	/* trampoline jumped into B */
	BATON_STATE_B_RUNNING = 4,	/* B writes its heartbeat */
	BATON_STATE_FAILED = 5,		/* see fail_reason and message */
	BATON_STATE_HANDED_OVER = 6,	/* A has stopped; B owns the machine */
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
	BATON_FAIL_B_DIED = 8,		/* B's heartbeat stopped; A took back what it could */
};

/*
 * Doorbells: the ringer sets a bit in doorbell_pending, then sends an NMI (physical
 * destination) to doorbell_apic; the receiver claims the NMI only if a bit is pending.
 */
#define BATON_DOORBELL_B_RUNNING	(1u << 0)	/* to A: B's first heartbeat */
#define BATON_DOORBELL_REQUEST		(1u << 0)	/* to B: a request is posted */
#define BATON_DOORBELL_LINK		(1u << 1)	/* either way: the link has work (link.h) */
#define BATON_DOORBELL_FAILOVER		(1u << 2)	/* to B: A died (ledger.a_fate) */
#define BATON_NO_DOORBELL		0xffffffffu	/* b_doorbell_apic until B sets it */

/* Where a CPU is, as far as the ledger knows. */
enum baton_cpu_state {
	BATON_CPU_UNKNOWN = 0,
	BATON_CPU_SIPI_SENT = 1,	/* INIT-SIPI-SIPI sent, not yet checked in */
	BATON_CPU_LIMBO = 2,		/* checked in, parked in the trampoline's limbo loop */
	BATON_CPU_B_BOOT = 3,		/* runs B's boot path (adopted from limbo, or B's boot CPU) */
	BATON_CPU_B_ONLINE = 4,		/* online in B (a CPU A released, adopted by B) */
};

struct baton_cpu_slot {
	baton_u32 apic_id;
	baton_u32 state;		/* enum baton_cpu_state */
	baton_u64 checkin_tsc;		/* TSC when the CPU reached limbo */
	baton_u64 mailbox_start;	/* adopt: 64-bit entry (identity mapped), 0 = stay */
	baton_u32 a_cpu;		/* A's CPU number + 1 if A released it; 0: B's from launch */
	/*
	 * adopt: RDI at mailbox_start (RSI = BATON_RES_CPU).  A CPU that moves from one limbo
	 * into the next one's limbo_enter64 (a chain's host hands on the machine's BSP, which no
	 * INIT may reach) takes its slot in the next ledger this way.
	 */
	baton_u32 mailbox_arg;
};

/*
 * A's memory, as the handover moves it: whole memory blocks A hot-removes and B hot-adds.
 * A appends a slot when it lets go of a range; B marks it adopted.
 */
enum baton_mem_state {
	BATON_MEM_EMPTY = 0,
	BATON_MEM_RELEASED = 1,		/* removed from A, not yet B's */
	BATON_MEM_B_ONLINE = 2,		/* hot-added and online in B */
};

struct baton_mem_slot {
	baton_u64 base;
	baton_u64 size;
	baton_u32 state;		/* enum baton_mem_state */
	baton_u32 pad;
};

#define BATON_MAX_MEM		64u

/*
 * The handover moves one resource at a time.  A posts a request, rings B's doorbell and
 * waits; B claims the request (POSTED -> TAKEN), adopts the resource and answers (DONE).
 * A gives up on a request B has not claimed by cancelling it (POSTED -> CANCELLED), so a
 * late B never adopts what A took back.  Both sides change `state` with cmpxchg only.
 */
enum baton_resource {
	BATON_RES_NONE = 0,
	BATON_RES_CPU = 1,		/* arg: APIC ID; the CPU waits in limbo */
	BATON_RES_MEM = 2,		/* arg, size: memory blocks A hot-removed */
	BATON_RES_LAST_CPU = 3,		/* arg: APIC ID of A's last CPU (A has stopped),
					 * size: its legacy UARTs, bit n: UART n
					 */
	BATON_RES_UART = 4,		/* timeline only: arg: I/O port, size: B's IRQ */
	BATON_RES_PCI = 5,		/* arg: segment << 16 | bus << 8 | devfn; A unbound
					 * its driver and cleared bus mastering
					 */
	BATON_RES_IRQ = 6,		/* arg: an IOAPIC pin's GSI, A masked it and will not
					 * request it again; size: BATON_IRQ_* flags
					 */
	BATON_RES_PREPARE_CPU = 7,	/* arg: APIC ID of a CPU A will hand over (its last):
					 * B registers it and runs its bringup's preparation
					 */
	BATON_RES_FAILOVER = 8,		/* timeline only: A died, B takes the machine;
					 * arg: enum baton_a_fate, size: ms without A's beat
					 */
};

enum baton_request_state {
	BATON_REQ_IDLE = 0,
	BATON_REQ_POSTED = 1,		/* A: waiting for B */
	BATON_REQ_TAKEN = 2,		/* B: working on it; A must wait for DONE */
	BATON_REQ_DONE = 3,		/* B: result is final */
	BATON_REQ_CANCELLED = 4,	/* A: gave up before B took it */
};

struct baton_request {
	baton_u32 seq;			/* A: one more for every request */
	baton_u32 state;		/* enum baton_request_state */
	baton_u32 resource;		/* enum baton_resource */
	baton_s32 result;		/* B: 0 or a negative errno */
	baton_u64 arg;
	baton_u64 size;
};

/*
 * The timeline: every release (A), adoption (B) and return (A, on abort) with the TSC, for
 * `baton status --json` and the timeline picture.  Writers reserve an entry by atomically
 * incrementing nevents, fill it, and write tsc last; readers skip entries whose tsc is 0.
 */
enum baton_event_kind {	/* release, limbo, return: A (limbo also the trampoline); take, adopt: B */
	BATON_EV_RELEASE = 1,		/* A let go of it */
	BATON_EV_LIMBO = 2,		/* a released CPU checked into limbo */
	BATON_EV_ADOPT = 3,		/* B owns it */
	BATON_EV_RETURN = 4,		/* back in A (abort or a refused request) */
	BATON_EV_TAKE = 5,		/* B took the request and starts adopting */
};

struct baton_event {
	baton_u64 tsc;
	baton_u32 kind;			/* enum baton_event_kind */
	baton_u32 resource;		/* enum baton_resource */
	baton_u64 arg;
	baton_u64 size;
};

#define BATON_MAX_EVENTS	128u

/*
 * Failover: B watches A (A's heartbeat in the ledger, A's fate).  A's panic path parks A's
 * CPUs in limbo and says so; B notices a hang itself.  Either way B may take the machine.
 */
#define BATON_A_HEARTBEAT_MS	10u

enum baton_a_fate {
	BATON_A_ALIVE = 0,
	BATON_A_PANICKED = 1,		/* A: its panic path parked its CPUs in limbo */
	BATON_A_CRASH_KEXEC = 2,	/* the trampoline: A's crash kexec jumped into baton */
	BATON_A_HUNG = 3,		/* B: A's heartbeat stood still too long */
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
	baton_u64 launch_block;		/* physical address of struct baton_launch_block */
	baton_u32 doorbell_apic;	/* A's CPU that takes B's doorbell NMIs */
	baton_u32 doorbell_pending;	/* BATON_DOORBELL_* bits set before ringing */
	struct baton_cpu_slot cpus[BATON_MAX_CPUS];
	char message[256];		/* last failure, NUL terminated, for `baton status` */
	baton_u32 b_doorbell_apic;	/* B's CPU that takes A's doorbell NMIs */
	baton_u32 b_doorbell_pending;	/* BATON_DOORBELL_REQUEST */
	struct baton_request request;
	baton_u32 nevents;		/* entries reserved; may exceed BATON_MAX_EVENTS */
	baton_u32 nmem;
	struct baton_event events[BATON_MAX_EVENTS];
	baton_u32 a_pins_masked;	/* IOAPIC pins A masked when it stopped */
	baton_u32 tsc_khz;		/* A's TSC rate: the timeline's clock (same TSC in B) */
	struct baton_mem_slot mem[BATON_MAX_MEM];
	baton_u64 link_phys;		/* A's struct baton_link_area, 0 = no link */
	baton_u32 link_size;
	baton_u32 link_pad;
	/* Failover (ABI 4). */
	baton_u64 a_heartbeat;		/* A: moves every BATON_A_HEARTBEAT_MS while A lives */
	baton_u32 a_fate;		/* enum baton_a_fate */
	baton_u32 a_fate_apic;		/* the CPU that found A dead (A's panicking CPU) */
	baton_u64 a_fate_tsc;		/* when it did */
	baton_u32 a_uarts;		/* A: the legacy UARTs it drives, bit n: UART n */
	baton_u32 a_npci;
	baton_u32 a_pci[BATON_MAX_PCI];	/* A: its PCI functions with a driver (id as in pci[]) */
	baton_u32 a_park;		/* B: A's CPUs walk into limbo on their next NMI */
	baton_u32 failover_pad;
	/*
	 * PCI configuration mechanism #1 (ABI 5): 0xcf8/0xcfc is one index/data pair for the
	 * whole machine, so both kernels take this lock around each access (cmpxchg 0 -> the
	 * taker's BATON_CONF1_A/B).  A machine with ECAM (the record's mmcfg_base) never needs it
	 * from B.
	 */
	baton_u32 conf1_lock;
	baton_u32 conf1_pad;
};

#define BATON_CONF1_FREE	0u
#define BATON_CONF1_A		1u
#define BATON_CONF1_B		2u


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
BATON_STATIC_ASSERT(offsetof(struct baton_ledger, launch_block) == 72, "ledger layout");
BATON_STATIC_ASSERT(offsetof(struct baton_ledger, doorbell_apic) == 80, "ledger layout");
BATON_STATIC_ASSERT(offsetof(struct baton_ledger, doorbell_pending) == 84, "ledger layout");
BATON_STATIC_ASSERT(offsetof(struct baton_ledger, cpus) == 88, "ledger layout");
BATON_STATIC_ASSERT(offsetof(struct baton_ledger, message) == 88 + 32 * BATON_MAX_CPUS,
		    "ledger layout");
BATON_STATIC_ASSERT(offsetof(struct baton_ledger, b_doorbell_apic) == 88 + 32 * BATON_MAX_CPUS + 256,
		    "ledger layout");
BATON_STATIC_ASSERT(offsetof(struct baton_ledger, request) == 96 + 32 * BATON_MAX_CPUS + 256,
		    "ledger layout");
BATON_STATIC_ASSERT(offsetof(struct baton_ledger, events) == 136 + 32 * BATON_MAX_CPUS + 256,
		    "ledger layout");
BATON_STATIC_ASSERT(offsetof(struct baton_ledger, mem) ==
		    144 + 32 * BATON_MAX_CPUS + 256 + 32 * BATON_MAX_EVENTS, "ledger layout");
BATON_STATIC_ASSERT(sizeof(struct baton_request) == 32, "request layout");
BATON_STATIC_ASSERT(sizeof(struct baton_mem_slot) == 24, "memory slot layout");
BATON_STATIC_ASSERT(sizeof(struct baton_event) == 32, "event layout");
BATON_STATIC_ASSERT(offsetof(struct baton_ledger, link_phys) ==
		    144 + 32 * BATON_MAX_CPUS + 256 + 32 * BATON_MAX_EVENTS + 24 * BATON_MAX_MEM,
		    "ledger layout");
BATON_STATIC_ASSERT(offsetof(struct baton_ledger, a_heartbeat) ==
		    160 + 32 * BATON_MAX_CPUS + 256 + 32 * BATON_MAX_EVENTS + 24 * BATON_MAX_MEM,
		    "ledger layout");
BATON_STATIC_ASSERT(offsetof(struct baton_ledger, a_pci) ==
		    192 + 32 * BATON_MAX_CPUS + 256 + 32 * BATON_MAX_EVENTS + 24 * BATON_MAX_MEM,
		    "ledger layout");
BATON_STATIC_ASSERT(offsetof(struct baton_ledger, conf1_lock) ==
		    200 + 32 * BATON_MAX_CPUS + 256 + 32 * BATON_MAX_EVENTS + 24 * BATON_MAX_MEM +
		    4 * BATON_MAX_PCI, "ledger layout");
BATON_STATIC_ASSERT(sizeof(struct baton_ledger) ==
		    208 + 32 * BATON_MAX_CPUS + 256 + 32 * BATON_MAX_EVENTS + 24 * BATON_MAX_MEM +
		    4 * BATON_MAX_PCI, "ledger layout");
BATON_STATIC_ASSERT(sizeof(struct baton_ledger) <= BATON_LEDGER_SIZE, "ledger fits its pages");
BATON_STATIC_ASSERT(BATON_WINDOW_LEDGER + BATON_LEDGER_SIZE <= BATON_WINDOW_PML4 &&
		    BATON_WINDOW_PML4 + 0x1000 <= BATON_WINDOW_LOW_RAM &&
		    BATON_WINDOW_LOW_RAM + BATON_WINDOW_LOW_RAM_SIZE == BATON_WINDOW_SIZE &&
		    BATON_WINDOW_BASE(BATON_NR_WINDOWS) <= 0x100000, "low window layout");

/* The inter-kernel link's memory (link_phys), and what the trampoline and B's boot read. */
#include "baton_link_abi.h"
#include "baton_boot.h"
#include "baton_names.h"

#endif /* BATON_LEDGER_H */
