// SPDX-License-Identifier: GPL-2.0
/*
 * A's end of the link (link/baton_net.c): A allocates the link area from its own RAM when B
 * is loaded, names it in the ledger (link_phys) for B, and rings B through the ledger's
 * doorbell.  After the handover the area is B's RAM like the rest of A's: B stops using it
 * before it frees A's memory.
 */
#include <linux/gfp.h>
#include <linux/io.h>
#include "baton.h"
#include <baton/link_ring.h>
#include "baton_link.h"

static void *link_area;

static void baton_link_a_ring_b(void)
{
	struct baton_ledger *l = baton_ledger();
	u32 state = READ_ONCE(l->state);

	/* Only a running B listens; a B that was stopped must not get NMIs. */
	if (state == BATON_STATE_B_RUNNING)
		baton_ring_b(BATON_DOORBELL_LINK);
}

/* On load: a fresh area and baton0.  The ledger was just reset. */
int baton_link_a_start(void)
{
	struct baton_ledger *l = baton_ledger();
	struct baton_link_port port = {
		.side = BATON_LINK_A,
		.ring_peer = baton_link_a_ring_b,
	};
	int ret;

	baton_link_a_stop(true);
	/* Not movable: B maps it by physical address while A runs. */
	link_area = alloc_pages_exact(BATON_LINK_SIZE, GFP_KERNEL | __GFP_ZERO);
	if (!link_area)
		return -ENOMEM;
	baton_link_area_init(link_area);
	port.area = link_area;
	ret = baton_link_up(&port);
	if (ret) {
		free_pages_exact(link_area, BATON_LINK_SIZE);
		link_area = NULL;
		return ret;
	}
	l->link_phys = virt_to_phys(link_area);
	l->link_size = BATON_LINK_SIZE;
	return 0;
}

/*
 * B is stopped (abort, unload): baton0 goes, the area is freed.  With free_area false (A
 * hands over) the area stays: it is B's now, B frees it with the rest of A's RAM.
 */
void baton_link_a_stop(bool free_area)
{
	struct baton_ledger *l = baton_ledger();

	if (!link_area)
		return;
	if (free_area)
		baton_link_peer_gone();
	baton_link_down();
	if (free_area) {
		WRITE_ONCE(l->link_phys, 0);
		free_pages_exact(link_area, BATON_LINK_SIZE);
	}
	link_area = NULL;
}
