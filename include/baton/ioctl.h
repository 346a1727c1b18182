/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The boundary between the `baton` CLI and baton.ko: ioctls on /dev/baton.  Included as C by
 * the module and as C++ by the CLI.
 */
#ifndef BATON_IOCTL_H
#define BATON_IOCTL_H

#include <linux/ioctl.h>
#include "ledger.h"

#define BATON_DEVICE "/dev/baton"

/*
 * Every ioctl needs CAP_SYS_BOOT (EPERM) and a kernel that is not locked down: under
 * lockdown A cannot kexec_load baton's unsigned image, so every ioctl fails with EPERM.
 */

/* After kexec_load(KEXEC_ON_CRASH) placed the segments: record the plan in the ledger. */
struct baton_load_args {
	baton_u64 partition_base;
	baton_u64 partition_size;
	baton_u64 launch_block;		/* physical address of the launch block segment */
	baton_u32 ncpus;
	baton_u32 apic_ids[BATON_MAX_CPUS];	/* apic_ids[0] boots B */
};

/* B's CPUs are offline in A: guard them, INIT-SIPI the first into the trampoline. */
struct baton_launch_args {
	baton_u32 flags;		/* none defined yet, must be 0 */
};

struct baton_status {
	baton_u32 guard;		/* 1: A cannot bring B's CPUs back online */
	baton_u32 tsc_khz;		/* A's calibrated TSC rate, for the plan */
	baton_s64 heartbeat_age_ms;	/* since B's heartbeat last moved; -1: never seen */
	baton_s64 since_launch_ms;	/* since LAUNCH; -1: not launched */
	baton_u64 doorbells;		/* doorbell NMIs from B that A's module took */
	baton_u32 crash_slot;		/* BATON_SLOT_* bits */
	baton_u32 pad;
	baton_u64 crash_refusals;	/* other crash kexec calls refused while baton held it */
	struct baton_ledger ledger;	/* a snapshot */
};

#define BATON_SLOT_HELD		(1u << 0)	/* baton holds the crash slot: the guard is armed */
#define BATON_SLOT_LOADED	(1u << 1)	/* a crash image is loaded (kexec_crash_loaded) */
#define BATON_SLOT_INTACT	(1u << 2)	/* the launch block is as LOAD found it */

#define BATON_IOC_LOAD		_IOW('B', 1, struct baton_load_args)
#define BATON_IOC_LAUNCH	_IOW('B', 2, struct baton_launch_args)
/*
 * INIT B's CPUs, drop the guard, forget B.  A failure the trampoline recorded stays in the
 * ledger (state "failed") for `baton status`; LOAD accepts that state.
 */
#define BATON_IOC_ABORT		_IO('B', 3)
#define BATON_IOC_STATUS	_IOR('B', 4, struct baton_status)

/*
 * The handover, one resource at a time: A lets go of it, B adopts it, or (B refused, or did
 * not take it within timeout_ms) A takes it back and the ioctl fails.
 */
struct baton_release_args {
	baton_u32 resource;		/* enum baton_resource */
	baton_u32 timeout_ms;		/* for B to take the request; 0: the default, 5000 */
	baton_u64 arg;			/* CPU: A's CPU number; MEM: base; PCI: seg << 16 | bus << 8 | devfn */
	baton_u64 size;
};

#define BATON_IOC_RELEASE	_IOW('B', 5, struct baton_release_args)

/*
 * The last step: A gives up its legacy UARTs (unregistered: their interrupts freed), stops,
 * and its CPU 0 goes to B, which takes the UARTs' pins.  Returns only if A cannot stop yet
 * (another CPU still online in A: EBUSY; B not listening: ENOTCONN; a UART A does not
 * drive: ENXIO).
 */
struct baton_hand_over_args {
	baton_u32 uarts;		/* bit n: legacy UART n (0x3f8 0x2f8 0x3e8 0x2e8) to B */
	baton_u32 flags;		/* none defined yet, must be 0 */
};

#define BATON_IOC_HAND_OVER	_IOW('B', 6, struct baton_hand_over_args)

/*
 * The crash slot (A's crash image is baton's from `baton load` until baton unloads it).
 * While baton holds it, every other kexec_load(KEXEC_ON_CRASH), kexec_file_load
 * (KEXEC_FILE_ON_CRASH), crash unload and write to /sys/kernel/kexec_crash_size fails with
 * EBUSY.  LOAD: hold it (EEXIST if a crash image is loaded already) and let the caller's
 * next crash load through.  UNLOAD: let the caller's next crash unload through (ENOENT if
 * baton does not hold the slot; EBUSY while B runs on its CPUs).  A pass is good for one
 * call within 10 s.  FREE: the slot is empty again, stop holding it (EBUSY while an image is
 * loaded).  LOAD (BATON_IOC_LOAD) needs the slot held with an image in it.
 */
enum baton_slot_op {
	BATON_SLOT_LOAD = 1,
	BATON_SLOT_UNLOAD = 2,
	BATON_SLOT_FREE = 3,
};

struct baton_slot_args {
	baton_u32 op;			/* enum baton_slot_op */
	baton_u32 flags;		/* none defined yet, must be 0 */
};

#define BATON_IOC_SLOT		_IOW('B', 7, struct baton_slot_args)

/*
 * A kernel without a crash region from boot (one baton launched) sets B's partition aside:
 * memory blocks the CLI took offline become the crash region.  size 0: give it back.
 */
struct baton_reserve_args {
	baton_u64 base;
	baton_u64 size;
	baton_u32 flags;		/* none defined yet, must be 0 */
	baton_u32 pad;
};

#define BATON_IOC_RESERVE	_IOW('B', 8, struct baton_reserve_args)

#endif /* BATON_IOCTL_H */
