// SPDX-License-Identifier: GPL-2.0
/*
 * The crash slot: from `baton load` until baton unloads its image, A's crash image is
 * baton's, and B lives in the crashkernel region.  Stock 6.1 frees the old crash image
 * before it even looks at a new one, so any other kexec_load(KEXEC_ON_CRASH),
 * kexec_file_load(KEXEC_FILE_ON_CRASH), crash unload or kexec_crash_size write would undo
 * B's partition.  While baton holds the slot, detours on those entry points
 * (baton_detour.c) send each such call to a stub that fails with EBUSY, and say so in the
 * kernel log.  Calls that do not touch the crash image (a normal kexec -l) go through.
 *
 * Baton's own load and unload get through with a pass: one call of the kind it asked for,
 * by the thread that asked, within BATON_PASS_MS.  kexec_load_disabled would do the
 * refusing too, but it cannot be undone and would also stop baton's reload after an abort.
 */
#include <linux/crc32.h>
#include <linux/ftrace.h>
#include <linux/io.h>
#include <linux/jiffies.h>
#include <linux/kexec.h>
#include <linux/module.h>
#include <linux/sched.h>
#include <linux/spinlock.h>
#include <linux/uaccess.h>
#include <baton/ioctl.h>
#include "baton.h"

#define BATON_PASS_MS	10000

/* Where a target finds the caller's flags: the syscall's user registers. */
enum baton_slot_abi { BATON_ABI_NONE, BATON_ABI_X64, BATON_ABI_IA32, BATON_ABI_FILE };

struct baton_slot_target {
	struct baton_detour detour;	/* to the stub that refuses the call */
	const char *call;		/* what the log line names */
	enum baton_slot_abi abi;
};

/* The syscall wrappers take the user registers; crash_shrink_memory takes the new size. */
static long notrace baton_refuse_syscall(const struct pt_regs *regs)
{
	return -EBUSY;
}

static int notrace baton_refuse_shrink(unsigned long new_size)
{
	return -EBUSY;
}

static bool baton_slot_refused(struct baton_detour *d, const struct pt_regs *regs);

#define BATON_TARGET(f, c, a, stub) \
	{ .detour = BATON_DETOUR(f, stub, baton_slot_refused), .call = c, .abi = a }

static struct baton_slot_target baton_targets[] = {
	BATON_TARGET("__x64_sys_kexec_load", "kexec_load", BATON_ABI_X64, baton_refuse_syscall),
	BATON_TARGET("__ia32_compat_sys_kexec_load", "kexec_load", BATON_ABI_IA32,
		     baton_refuse_syscall),
	BATON_TARGET("__x64_compat_sys_kexec_load", "kexec_load", BATON_ABI_X64,
		     baton_refuse_syscall),
	BATON_TARGET("__x64_sys_kexec_file_load", "kexec_file_load", BATON_ABI_FILE,
		     baton_refuse_syscall),
	BATON_TARGET("crash_shrink_memory", "kexec_crash_size", BATON_ABI_NONE,
		     baton_refuse_shrink),
};

static DEFINE_SPINLOCK(baton_pass_lock);
static pid_t baton_pass_pid;		/* 0: no pass */
static u32 baton_pass_op;		/* BATON_SLOT_LOAD or BATON_SLOT_UNLOAD */
static unsigned long baton_pass_until;
static bool baton_held;
static atomic64_t baton_refused = ATOMIC64_INIT(0);
static u64 baton_seal_phys;		/* the launch block, checksummed at LOAD */
static u32 baton_seal_crc;

/*
 * Whether a call is on the crash image, and whether it unloads: from the flags and the
 * segment count the caller passed (kexec_load(entry, nr, segs, flags) and
 * kexec_file_load(kfd, ifd, len, cmdline, flags)).
 */
static bool baton_crash_call(const struct baton_slot_target *t, const struct pt_regs *regs,
			     bool *unload)
{
	const struct pt_regs *u = (const struct pt_regs *)regs->di;

	switch (t->abi) {
	case BATON_ABI_X64:
		*unload = u->si == 0;
		return u->r10 & KEXEC_ON_CRASH;
	case BATON_ABI_IA32:
		*unload = (u32)u->cx == 0;
		return u->si & KEXEC_ON_CRASH;
	case BATON_ABI_FILE:
		*unload = u->r8 & KEXEC_FILE_UNLOAD;
		return u->r8 & KEXEC_FILE_ON_CRASH;
	case BATON_ABI_NONE:
		break;
	}
	*unload = false;
	return true;
}

/* Baton's own call: its pass is used up by the first crash call of the thread that has it. */
static bool baton_take_pass(const struct baton_slot_target *t, bool unload)
{
	unsigned long flags;
	bool ok = false;

	spin_lock_irqsave(&baton_pass_lock, flags);
	if (baton_pass_pid && baton_pass_pid == current->pid) {
		ok = t->abi != BATON_ABI_NONE && time_before(jiffies, baton_pass_until) &&
		     unload == (baton_pass_op == BATON_SLOT_UNLOAD);
		baton_pass_pid = 0;
	}
	spin_unlock_irqrestore(&baton_pass_lock, flags);
	return ok;
}

/* Whether the call goes to its refusing stub (the detour's predicate). */
static bool notrace baton_slot_refused(struct baton_detour *d, const struct pt_regs *regs)
{
	struct baton_slot_target *t = container_of(d, struct baton_slot_target, detour);
	bool unload;

	if (!READ_ONCE(baton_held) || !baton_crash_call(t, regs, &unload))
		return false;
	if (baton_take_pass(t, unload))
		return false;
	atomic64_inc(&baton_refused);
	pr_warn_ratelimited("baton: %s by %s[%d] refused: kernel B %s the crash region (baton holds the crash slot)\n",
			    t->call, current->comm, task_pid_nr(current),
			    baton_guard_active() ? "runs in" : "is loaded in");
	return true;
}

/* The targets' detours, for baton_detours_on/off(). */
static struct baton_detour *baton_slot_detours[ARRAY_SIZE(baton_targets)];

/* Hold the slot: refuse every other crash kexec call until baton_slot_free(). */
static int baton_slot_hold(void)
{
	unsigned int i;
	int ret;

	if (baton_held)
		return 0;
	if (!try_module_get(THIS_MODULE))
		return -ENODEV;
	for (i = 0; i < ARRAY_SIZE(baton_targets); i++)
		baton_slot_detours[i] = &baton_targets[i].detour;
	ret = baton_detours_on(baton_slot_detours, ARRAY_SIZE(baton_slot_detours),
			       "guard the crash slot");
	if (ret) {
		module_put(THIS_MODULE);
		return ret;
	}
	WRITE_ONCE(baton_held, true);
	pr_info("baton: holding the crash slot: other kexec crash loads, unloads and kexec_crash_size writes are refused\n");
	return 0;
}

static int baton_slot_pass(u32 op)
{
	unsigned long flags;
	int ret = baton_slot_hold();

	if (ret)
		return ret;
	spin_lock_irqsave(&baton_pass_lock, flags);
	baton_pass_pid = current->pid;
	baton_pass_op = op;
	baton_pass_until = jiffies + msecs_to_jiffies(BATON_PASS_MS);
	spin_unlock_irqrestore(&baton_pass_lock, flags);
	return 0;
}

static void baton_slot_free(void)
{
	unsigned long flags;

	spin_lock_irqsave(&baton_pass_lock, flags);
	baton_pass_pid = 0;
	spin_unlock_irqrestore(&baton_pass_lock, flags);
	baton_seal_phys = 0;
	if (!baton_held)
		return;
	WRITE_ONCE(baton_held, false);
	baton_detours_off(baton_slot_detours, ARRAY_SIZE(baton_slot_detours));
	module_put(THIS_MODULE);
	pr_info("baton: the crash slot is free again\n");
}

bool baton_slot_held(void)
{
	return READ_ONCE(baton_held);
}

u64 baton_slot_refusals(void)
{
	return atomic64_read(&baton_refused);
}

static int baton_launch_block_crc(u64 phys, u32 *crc)
{
	void *p = memremap(phys, sizeof(struct baton_launch_block), MEMREMAP_WB);

	if (!p)
		return -ENOMEM;
	*crc = crc32_le(~0, p, sizeof(struct baton_launch_block));
	memunmap(p);
	return 0;
}

/*
 * The launch block is written once by kexec and only read afterwards: another image in the
 * slot would overwrite it, since kexec places crash kernels from the region's start.
 */
int baton_slot_seal(u64 launch_block)
{
	int ret = baton_launch_block_crc(launch_block, &baton_seal_crc);

	baton_seal_phys = ret ? 0 : launch_block;
	return ret;
}

static bool baton_slot_intact(void)
{
	u32 crc;

	return baton_seal_phys && kexec_crash_loaded() &&
	       !baton_launch_block_crc(baton_seal_phys, &crc) && crc == baton_seal_crc;
}

u32 baton_slot_bits(void)
{
	return (baton_slot_held() ? BATON_SLOT_HELD : 0) |
	       (kexec_crash_loaded() ? BATON_SLOT_LOADED : 0) |
	       (baton_slot_intact() ? BATON_SLOT_INTACT : 0);
}

/* BATON_IOC_SLOT (include/baton/ioctl.h), under baton_main.c's lock. */
long baton_slot_ioctl(struct baton_slot_args __user *uarg)
{
	struct baton_slot_args args;

	if (copy_from_user(&args, uarg, sizeof(args)))
		return -EFAULT;
	if (args.flags)
		return -EINVAL;
	switch (args.op) {
	case BATON_SLOT_LOAD:
		return kexec_crash_loaded() ? -EEXIST : baton_slot_pass(args.op);
	case BATON_SLOT_UNLOAD:
		if (!baton_slot_held())
			return -ENOENT;
		/* B runs in the region: only an abort, which stops it first, may unload. */
		return baton_guard_active() ? -EBUSY : baton_slot_pass(args.op);
	case BATON_SLOT_FREE:
		if (kexec_crash_loaded() && baton_slot_held())
			return -EBUSY;
		baton_slot_free();
		return 0;
	default:
		return -EINVAL;
	}
}
