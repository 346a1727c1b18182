// SPDX-License-Identifier: GPL-2.0
/*
 * Releasing A's memory to B, whole memory blocks at a time, or taking it back.
 *
 * A boots with movablecore= so that most of its RAM is ZONE_MOVABLE: A can offline such a
 * block at any time (its pages migrate elsewhere) and hot-remove it.  B then hot-adds the
 * same range and onlines it.  Back to A (B refused, timed out, or the handover was aborted):
 * A hot-adds the range again; A's memory hotplug policy or `baton` onlines it.
 */
#include <linux/ioport.h>
#include <linux/memory.h>
#include <linux/memory_hotplug.h>
#include "baton.h"

static bool baton_overlaps(u64 base, u64 size, u64 other, u64 other_size)
{
	return base < other + other_size && other < base + size;
}

struct baton_ram_walk {
	u64 next;	/* first byte not yet counted */
	u64 covered;	/* bytes of System RAM in the range */
};

/* Resources come in address order, a parent before its children: count their union. */
static int baton_count_ram(struct resource *res, void *arg)
{
	struct baton_ram_walk *w = arg;
	u64 start = max_t(u64, res->start, w->next);

	if (res->end >= start) {
		w->covered += res->end - start + 1;
		w->next = res->end + 1;
	}
	return 0;
}

static bool baton_all_ram(u64 base, u64 size)
{
	struct baton_ram_walk w = { .next = base };

	walk_iomem_res_desc(IORES_DESC_NONE, IORESOURCE_SYSTEM_RAM | IORESOURCE_BUSY,
			    base, base + size - 1, &w, baton_count_ram);
	return w.covered == size;
}

static void baton_return_mem(struct baton_mem_slot *slot)
{
	struct baton_ledger *l = baton_ledger();
	u64 base = slot->base, size = slot->size;
	int ret;

	WRITE_ONCE(slot->state, BATON_MEM_EMPTY);
	if (slot == &l->mem[l->nmem - 1])
		WRITE_ONCE(l->nmem, l->nmem - 1);
	baton_ledger_event(BATON_EV_RETURN, BATON_RES_MEM, base, size);
	ret = add_memory(memory_add_physaddr_to_nid(base), base, size, MHP_NONE);
	if (ret)
		pr_err("baton: memory %#llx-%#llx is back in A but cannot be added: %d\n",
		       base, base + size - 1, ret);
}

int baton_release_mem(u64 base, u64 size, unsigned int timeout_ms)
{
	struct baton_ledger *l = baton_ledger();
	u64 block = memory_block_size_bytes();
	struct baton_mem_slot *slot;
	unsigned int idx;
	int ret;

	if (!size || base + size < base || !IS_ALIGNED(base, block) || !IS_ALIGNED(size, block))
		return -EINVAL;
	if (baton_overlaps(base, size, l->partition_base, l->partition_size) ||
	    baton_overlaps(base, size, BATON_WINDOW_BASE(0),
			   BATON_NR_WINDOWS * BATON_WINDOW_SIZE))
		return -EALREADY;
	/* Every byte must be A's RAM now: no hole, nothing released before. */
	if (!baton_all_ram(base, size))
		return -ENXIO;
	if (READ_ONCE(l->b_doorbell_apic) == BATON_NO_DOORBELL)
		return -ENOTCONN;
	idx = READ_ONCE(l->nmem);
	if (idx >= BATON_MAX_MEM)
		return -ENOSPC;

	/* Migrates what A has there; fails (-EBUSY) on pages that cannot move. */
	ret = offline_and_remove_memory(base, size);
	if (ret)
		return -EADDRINUSE;
	slot = &l->mem[idx];
	slot->base = base;
	slot->size = size;
	slot->state = BATON_MEM_RELEASED;
	/* B looks the range up among nmem slots. */
	smp_wmb();
	WRITE_ONCE(l->nmem, idx + 1);
	baton_ledger_event(BATON_EV_RELEASE, BATON_RES_MEM, base, size);

	ret = baton_request(BATON_RES_MEM, base, size, timeout_ms);
	if (ret == -EIO) {
		pr_err("baton: B took memory %#llx-%#llx and never answered\n",
		       base, base + size - 1);
		return ret;
	}
	if (ret) {
		pr_err("baton: B did not adopt memory %#llx-%#llx: %d; it is back in A\n",
		       base, base + size - 1, ret);
		baton_return_mem(slot);
		return ret;
	}
	pr_info("baton: released memory %#llx-%#llx; B adopted it\n", base, base + size - 1);
	return 0;
}

/* After B is stopped (abort): every block A released is hot-added to A again. */
void baton_return_mems(void)
{
	struct baton_ledger *l = baton_ledger();
	unsigned int i;

	for (i = min(READ_ONCE(l->nmem), BATON_MAX_MEM); i-- > 0;)
		if (l->mem[i].state != BATON_MEM_EMPTY)
			baton_return_mem(&l->mem[i]);
}
