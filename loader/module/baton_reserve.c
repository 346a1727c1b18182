// SPDX-License-Identifier: GPL-2.0
/*
 * The partition of a kernel that boots without a crash region: a kernel baton launched.  A
 * reserves B's partition at boot (crashkernel=); such a kernel sets it aside when an upgrade
 * starts.  `baton load` offlines the partition's memory blocks (their pages migrate; they
 * are movable, B onlines what it adopts as movable), then asks here for them to become the
 * crash region, where kexec_load(KEXEC_ON_CRASH) places the next kernel; unload gives the
 * region back and the CLI onlines the blocks again.  While set aside, the kernel refuses to
 * online them (crash_set_region()).
 */
#include <linux/kexec.h>
#include <linux/memory.h>
#include <linux/uaccess.h>
#include <baton/ioctl.h>
#include "baton.h"

static u64 baton_reserved_base, baton_reserved_size;

#ifdef CONFIG_BATON_GUEST
static int baton_set_region(u64 base, u64 size)
{
	return crash_set_region(base, size);
}
#else
static int baton_set_region(u64 base, u64 size)
{
	return -EOPNOTSUPP;	/* A reserves its crash region at boot */
}
#endif

long baton_reserve(struct baton_reserve_args __user *uarg)
{
	struct baton_reserve_args a;
	int ret;

	if (copy_from_user(&a, uarg, sizeof(a)))
		return -EFAULT;
	if (a.flags)
		return -EINVAL;
	if (!a.size) {
		if (!baton_reserved_size)
			return -ENOENT;
		if (baton_guard_active())
			return -EBUSY;	/* B runs in it */
		ret = baton_set_region(0, 0);
		if (!ret)
			baton_reserved_size = 0;
		return ret;
	}
	ret = baton_host_ready();
	if (ret)
		return ret;
	if (baton_reserved_size)
		return -EALREADY;
	if (!IS_ALIGNED(a.base | a.size, memory_block_size_bytes()))
		return -EINVAL;
	ret = baton_set_region(a.base, a.size);
	if (ret)
		return ret;
	baton_reserved_base = a.base;
	baton_reserved_size = a.size;
	pr_info("baton: %#llx-%#llx set aside as the crash region for the next kernel\n", a.base,
		a.base + a.size - 1);
	return 0;
}

/* At unload: a region still set aside (no crash image in it any more) is given back. */
void baton_reserve_release(void)
{
	if (baton_reserved_size && !baton_set_region(0, 0))
		pr_info("baton: the crash region %#llx-%#llx is given back; its memory blocks are offline\n",
			baton_reserved_base, baton_reserved_base + baton_reserved_size - 1);
	baton_reserved_size = 0;
}
