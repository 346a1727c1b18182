// SPDX-License-Identifier: GPL-2.0
/*
 * B's end of the link (baton_net.c), as a module for B's kernel: the link area is the one A
 * named in the shared ledger, the doorbell is the platform's (asm/baton.h).  When A stops, the
 * platform calls peer_gone before A's memory, the area included, becomes B's.
 */
#include <linux/io.h>
#include <linux/module.h>
#include <asm/baton.h>
#include <baton/link_ring.h>
#include "baton_link.h"

static struct baton_link_area *area;

static void baton_link_b_ring_a(void)
{
	if (READ_ONCE(baton_shared_ledger()->state) != BATON_STATE_HANDED_OVER)
		baton_ring_other(BATON_DOORBELL_LINK);
}

static const struct baton_link_hooks baton_link_b_hooks = {
	.doorbell = baton_link_doorbell,
	.peer_gone = baton_link_peer_gone,
};

static int __init baton_link_b_init(void)
{
	struct baton_ledger *l = baton_shared_ledger();
	struct baton_link_port port = {
		.side = BATON_LINK_B,
		.ring_peer = baton_link_b_ring_a,
	};
	u64 phys;
	int ret;

	if (!l) {
		pr_err("baton_link: not a baton partition: no shared ledger\n");
		return -ENODEV;
	}
	if (READ_ONCE(l->state) == BATON_STATE_HANDED_OVER) {
		pr_err("baton_link: the other kernel has stopped: its link area is this kernel's RAM\n");
		return -ENOLINK;
	}
	phys = READ_ONCE(l->link_phys);
	if (!phys || READ_ONCE(l->link_size) != BATON_LINK_SIZE) {
		pr_err("baton_link: the other kernel offers no link (ledger: %#llx, %u bytes)\n",
		       phys, READ_ONCE(l->link_size));
		return -ENOLINK;
	}
	/* The area must be the other kernel's memory: never this kernel's, never a device's. */
	if (!baton_other_kernel_ram(phys, BATON_LINK_SIZE)) {
		pr_err("baton_link: the link area %#llx+%#x is not the other kernel's memory\n",
		       phys, BATON_LINK_SIZE);
		return -EINVAL;
	}
	area = memremap(phys, BATON_LINK_SIZE, MEMREMAP_WB);
	if (!area)
		return -ENOMEM;
	/* Hooks first: from now on the platform says when the area stops being ours. */
	ret = baton_register_link(&baton_link_b_hooks);
	if (ret)
		goto err_unmap;
	port.area = area;
	ret = baton_link_up(&port);
	if (ret)
		goto err_hooks;
	return 0;

err_hooks:
	baton_unregister_link();
err_unmap:
	memunmap(area);
	return ret;
}

static void __exit baton_link_b_exit(void)
{
	/* Down while the hooks still run: a handover meanwhile still stops the driver first. */
	baton_link_down();
	baton_unregister_link();
	memunmap(area);
}

module_init(baton_link_b_init);
module_exit(baton_link_b_exit);
MODULE_DESCRIPTION("baton: network link to the kernel that shares the machine");
MODULE_LICENSE("GPL");
