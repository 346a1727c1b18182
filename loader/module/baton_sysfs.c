// SPDX-License-Identifier: GPL-2.0
/*
 * /sys/kernel/baton/ for people (the CLI asks /dev/baton): version for anyone, status for
 * root only, since it has the partition's physical addresses (as /proc/iomem hides them).
 */
#include <linux/kobject.h>
#include <linux/sysfs.h>
#include "baton.h"

static struct kobject *baton_kobj;

static ssize_t version_show(struct kobject *kobj, struct kobj_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "%s abi %u\n", BATON_VERSION, BATON_ABI_VERSION);
}

static ssize_t status_show(struct kobject *kobj, struct kobj_attribute *attr, char *buf)
{
	struct baton_ledger *l = baton_ledger();
	u32 state = baton_state();
	int n = 0;

	n += sysfs_emit_at(buf, n, "low_window: %#llx-%#llx reserved\n", baton_window_base(),
			   baton_window_base() + BATON_WINDOW_SIZE - 1);
	if (baton_bsp_cpu() >= 0)
		n += sysfs_emit_at(buf, n, "bsp: CPU %d\n", baton_bsp_cpu());
	else
		n += sysfs_emit_at(buf, n, "bsp: offline\n");
	n += sysfs_emit_at(buf, n, "state: %s\n", baton_state_name(state));
	n += sysfs_emit_at(buf, n, "crash slot: %s, %llu refused\n",
			   baton_slot_held() ? "held by baton" : "free", baton_slot_refusals());
	if (state == BATON_STATE_EMPTY)
		return n;
	n += sysfs_emit_at(buf, n, "partition: %#llx-%#llx\n", l->partition_base,
			   l->partition_base + l->partition_size - 1);
	n += sysfs_emit_at(buf, n, "guard: %s\n", baton_guard_active() ? "on" : "off");
	n += sysfs_emit_at(buf, n, "heartbeat: %llu, age %lld ms\n", READ_ONCE(l->b_heartbeat),
			   baton_heartbeat_age_ms());
	n += sysfs_emit_at(buf, n, "doorbells: %llu\n", baton_doorbells());
	if (state == BATON_STATE_FAILED)
		n += sysfs_emit_at(buf, n, "failure: %.*s\n", (int)sizeof(l->message), l->message);
	return n;
}

static struct kobj_attribute version_attr = __ATTR_RO(version);
static struct kobj_attribute status_attr = __ATTR(status, 0400, status_show, NULL);

static struct attribute *baton_attrs[] = {
	&version_attr.attr,
	&status_attr.attr,
	NULL,
};

static const struct attribute_group baton_group = {
	.attrs = baton_attrs,
};

/*
 * /sys/kernel/baton.  In a kernel baton launched the platform made it already (it shows the
 * ledger this kernel came in through): the host's files join it, with the machine's
 * firmware facts.
 */
int baton_sysfs_init(void)
{
	struct kobject *dir = baton_guest_sysfs_dir();
	int err;

	baton_kobj = dir ? kobject_get(dir) : kobject_create_and_add("baton", kernel_kobj);
	if (!baton_kobj)
		return -ENOMEM;
	err = sysfs_create_group(baton_kobj, &baton_group);
	if (err)
		goto put;
	err = baton_firmware_init(baton_kobj);
	if (!err)
		return 0;
	sysfs_remove_group(baton_kobj, &baton_group);
put:
	kobject_put(baton_kobj);
	return err;
}

void baton_sysfs_exit(void)
{
	baton_firmware_exit();
	sysfs_remove_group(baton_kobj, &baton_group);
	kobject_put(baton_kobj);
}
