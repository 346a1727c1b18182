/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The inter-kernel link, as both kernels build it (baton_net.c): the rings of
 * include/baton/link_ring.h, a network device baton0 on top, and control messages.  What
 * differs between A and B is only how the link area is found and how the peer is rung: the
 * port, baton_link_a.c in A's baton.ko, baton_link_b.c in B's baton_link.ko.
 */
#ifndef BATON_LINK_KERNEL_H
#define BATON_LINK_KERNEL_H

#include <linux/types.h>
#include <baton/ledger.h>

struct baton_link_port {
	u32 side;				/* BATON_LINK_A or BATON_LINK_B */
	struct baton_link_area *area;		/* mapped, BATON_LINK_SIZE bytes */
	void (*ring_peer)(void);		/* BATON_DOORBELL_LINK to the other kernel */
};

/* Creates baton0 on the area and says hello to the peer. */
int baton_link_up(const struct baton_link_port *port);
/* Says goodbye, stops touching the area and removes baton0 (process context). */
void baton_link_down(void);
/*
 * The peer is gone without a goodbye (stopped by an abort, or it handed the machine over):
 * stop touching the area now; baton0 stays, without carrier, until baton_link_down().
 */
void baton_link_peer_gone(void);
/* The peer rang BATON_DOORBELL_LINK: hard-IRQ context (the doorbell's irq_work). */
void baton_link_doorbell(void);

#endif
