// SPDX-License-Identifier: GPL-2.0
/*
 * LOAD: the CLI has placed the trampoline, B and its initramfs with
 * kexec_load(KEXEC_ON_CRASH) into the crash region; baton.ko checks the partition and B's
 * CPUs against the machine, starts a fresh ledger for them and seals the crash slot
 * (baton_crash_slot.c).  Nothing of A changes here: the CPUs go at LAUNCH.
 */
#include <linux/ioport.h>
#include <linux/kexec.h>
#include <linux/overflow.h>
#include <linux/string.h>
#include <linux/uaccess.h>
#include <asm/apic.h>
#include <asm/tsc.h>
#include <baton/ioctl.h>
#include "baton.h"

static int baton_first_crash_region(struct resource *res, void *arg)
{
	*(struct resource *)arg = *res;
	return 1;
}

static int baton_find_crash_region(u64 *start, u64 *end)
{
	struct resource res = {};

	if (walk_iomem_res_desc(IORES_DESC_CRASH_KERNEL, IORESOURCE_SYSTEM_RAM | IORESOURCE_BUSY,
				0, -1, &res, baton_first_crash_region) != 1)
		return -ENOENT;
	*start = res.start;
	*end = res.end;
	return 0;
}

long baton_load(struct baton_load_args __user *uarg)
{
	struct baton_ledger *l = baton_ledger();
	struct baton_load_args args;
	u64 crash_start, crash_end, part_end, block_end;
	unsigned int i, j;
	int ret;

	if (copy_from_user(&args, uarg, sizeof(args)))
		return -EFAULT;
	if ((baton_state() != BATON_STATE_EMPTY && baton_state() != BATON_STATE_FAILED) ||
	    baton_guard_active())
		return -EBUSY;
	if (args.ncpus == 0 || args.ncpus > BATON_MAX_CPUS)
		return -EINVAL;
	if (baton_find_crash_region(&crash_start, &crash_end))
		return -ENOENT;
	/* The CLI's numbers: no sum may wrap around. */
	if (check_add_overflow(args.partition_base, args.partition_size, &part_end) ||
	    check_add_overflow(args.launch_block, (u64)sizeof(struct baton_launch_block),
			       &block_end))
		return -ERANGE;
	if (args.partition_base < crash_start || args.partition_size == 0 ||
	    part_end - 1 > crash_end || args.launch_block < args.partition_base ||
	    block_end > part_end)
		return -ERANGE;
	/* The image must be baton's: placed with the slot's pass, and nobody else's since. */
	if (!kexec_crash_loaded() || !baton_slot_held())
		return -ENOEXEC;
	for (i = 0; i < args.ncpus; i++) {
		int cpu = baton_cpu_of_apicid(args.apic_ids[i]);

		if (cpu < 0)
			return -ENODEV;
		if (cpu == 0 || args.apic_ids[i] == boot_cpu_physical_apicid ||
		    !baton_apic_id_reachable(args.apic_ids[i]))
			return -EINVAL;
		for (j = 0; j < i; j++)
			if (args.apic_ids[j] == args.apic_ids[i])
				return -EINVAL;
	}

	memset(l, 0, sizeof(*l));
	l->magic = BATON_LEDGER_MAGIC;
	l->version = BATON_ABI_VERSION;
	l->size = sizeof(*l);
	l->partition_base = args.partition_base;
	l->partition_size = args.partition_size;
	l->launch_block = args.launch_block;
	l->ncpus = args.ncpus;
	l->boot_apic_id = args.apic_ids[0];
	l->doorbell_apic = boot_cpu_physical_apicid;
	l->b_doorbell_apic = BATON_NO_DOORBELL;
	l->tsc_khz = tsc_khz;
	for (i = 0; i < args.ncpus; i++)
		l->cpus[i].apic_id = args.apic_ids[i];
	ret = baton_slot_seal(args.launch_block);
	if (!ret)
		ret = baton_link_a_start();
	if (ret) {
		memset(l, 0, sizeof(*l));
		return ret;
	}
	/* Readers key off the state: publish the contents first. */
	wmb();
	WRITE_ONCE(l->state, BATON_STATE_LOADED);
	pr_info("baton: loaded: partition %#llx-%#llx, %u CPUs, B boots on APIC ID %u\n",
		args.partition_base, args.partition_base + args.partition_size - 1, args.ncpus,
		args.apic_ids[0]);
	return 0;
}
