// SPDX-License-Identifier: GPL-2.0
/*
 * baton.ko: kernel A's side of the handover.  For now: maps the ledger and reports in
 * /sys/kernel/baton/{version,status}.  Launch (guard, INIT-SIPI) and the doorbell follow.
 */
#include <linux/kobject.h>
#include <linux/module.h>
#include <linux/sysfs.h>
#include "baton.h"

#ifndef BATON_VERSION
#define BATON_VERSION "dev"
#endif

static struct kobject *baton_kobj;

static ssize_t version_show(struct kobject *kobj, struct kobj_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "%s abi %u\n", BATON_VERSION, BATON_ABI_VERSION);
}

static ssize_t status_show(struct kobject *kobj, struct kobj_attribute *attr, char *buf)
{
	struct baton_ledger *l = baton_ledger();
	int n = 0;

	n += sysfs_emit_at(buf, n, "low_window: %#llx-%#llx reserved\n", BATON_LOW_WINDOW_BASE,
			   BATON_LOW_WINDOW_BASE + BATON_LOW_WINDOW_SIZE - 1);
	if (l->magic != BATON_LEDGER_MAGIC || l->version != BATON_ABI_VERSION) {
		n += sysfs_emit_at(buf, n, "state: empty\n");
		return n;
	}
	n += sysfs_emit_at(buf, n, "state: %s\n", baton_state_name(READ_ONCE(l->state)));
	n += sysfs_emit_at(buf, n, "partition: %#llx-%#llx\n", l->partition_base,
			   l->partition_base + l->partition_size - 1);
	if (READ_ONCE(l->state) == BATON_STATE_FAILED)
		n += sysfs_emit_at(buf, n, "failure: %.*s\n", (int)sizeof(l->message), l->message);
	return n;
}

static struct kobj_attribute version_attr = __ATTR_RO(version);
static struct kobj_attribute status_attr = __ATTR_RO(status);

static struct attribute *baton_attrs[] = {
	&version_attr.attr,
	&status_attr.attr,
	NULL,
};

static const struct attribute_group baton_group = {
	.attrs = baton_attrs,
};

static int __init baton_init(void)
{
	int err;

	err = baton_ledger_map();
	if (err)
		return err;
	baton_kobj = kobject_create_and_add("baton", kernel_kobj);
	if (!baton_kobj) {
		err = -ENOMEM;
		goto err_unmap;
	}
	err = sysfs_create_group(baton_kobj, &baton_group);
	if (err)
		goto err_put;
	pr_info("baton: version %s (ledger ABI %u), ledger at %#llx\n", BATON_VERSION,
		BATON_ABI_VERSION, BATON_LEDGER_PHYS);
	return 0;

err_put:
	kobject_put(baton_kobj);
err_unmap:
	baton_ledger_unmap();
	return err;
}

static void __exit baton_exit(void)
{
	kobject_put(baton_kobj);
	baton_ledger_unmap();
}

module_init(baton_init);
module_exit(baton_exit);
MODULE_DESCRIPTION("baton: hand a running machine from kernel A to kernel B");
MODULE_LICENSE("GPL");
