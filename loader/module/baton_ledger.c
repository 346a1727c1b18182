// SPDX-License-Identifier: GPL-2.0
/*
 * The ledger as the host sees it: pages in the low window this kernel hosts through, mapped
 * write-back.  The host never allocates there (A's command line reserves window 0 with
 * memmap=64K$0x20000; a kernel baton launched has the other window reserved in its e820),
 * and the guest's e820 marks it reserved, so both kernels and the trampoline can use it as
 * shared control memory.
 */
#include <linux/io.h>
#include <linux/ioport.h>
#include <linux/mm.h>
#include <asm/cmpxchg.h>
#include <asm/msr.h>
#include "baton.h"

static struct baton_ledger *ledger;
static unsigned int window;

/* The window this kernel hosts through, and its parts (ledger.h). */
unsigned int baton_window(void)
{
	return window;
}

u64 baton_window_base(void)
{
	return BATON_WINDOW_BASE(window);
}

bool baton_low_window_reserved(void)
{
	return region_intersects(baton_window_base(), BATON_WINDOW_SIZE, IORESOURCE_SYSTEM_RAM,
				 IORES_DESC_NONE) == REGION_DISJOINT;
}

int baton_ledger_map(void)
{
	window = baton_host_window();
	if (window >= BATON_NR_WINDOWS) {
		pr_err("baton: this kernel's partition record names no low window\n");
		return -EINVAL;
	}
	if (!baton_low_window_reserved()) {
		pr_err("baton: low window %#llx-%#llx is this kernel's RAM: boot it with memmap=64K$0x20000\n",
		       baton_window_base(), baton_window_base() + BATON_WINDOW_SIZE - 1);
		return -EADDRNOTAVAIL;
	}
	ledger = memremap(baton_window_base() + BATON_WINDOW_LEDGER, BATON_LEDGER_SIZE,
			  MEMREMAP_WB);
	if (!ledger)
		return -ENOMEM;
	/*
	 * Nobody else uses the window: what is there without a ledger's magic is what the
	 * memory held before (a kernel's or the firmware's), not a doorbell to answer.  A
	 * handed-over ledger is the end of an earlier hop of the chain, whose host has
	 * stopped: this kernel's host came in through this window.
	 */
	if (ledger->magic != BATON_LEDGER_MAGIC ||
	    READ_ONCE(ledger->state) == BATON_STATE_HANDED_OVER)
		memset(ledger, 0, BATON_LEDGER_SIZE);
	return 0;
}

void baton_ledger_unmap(void)
{
	if (ledger)
		memunmap(ledger);
	ledger = NULL;
}

struct baton_ledger *baton_ledger(void)
{
	return ledger;
}

/* Appends to the timeline (ledger.h): reserve an entry, fill it, the TSC last. */
void baton_ledger_event(u32 kind, u32 resource, u64 arg, u64 size)
{
	struct baton_event *ev;
	u32 i;

	if (!ledger)
		return;
	i = xadd(&ledger->nevents, 1);
	if (i >= BATON_MAX_EVENTS)
		return;
	ev = &ledger->events[i];
	WRITE_ONCE(ev->kind, kind);
	WRITE_ONCE(ev->resource, resource);
	WRITE_ONCE(ev->arg, arg);
	WRITE_ONCE(ev->size, size);
	/* Readers take an entry with a TSC as complete: the fields go first. */
	smp_wmb();
	WRITE_ONCE(ev->tsc, rdtsc_ordered());
}

/*
 * Whether the timeline has A giving B `resource` `arg` (a release that B took or may take)
 * and not taking it back since.  Lock free: panic and NMI context use it too.
 */
bool baton_ledger_gave(u32 resource, u64 arg)
{
	unsigned int i, n;
	bool gave = false;

	if (!ledger)
		return false;
	n = min(READ_ONCE(ledger->nevents), BATON_MAX_EVENTS);
	for (i = 0; i < n; i++) {
		struct baton_event *ev = &ledger->events[i];

		if (READ_ONCE(ev->resource) != resource || READ_ONCE(ev->arg) != arg)
			continue;
		if (READ_ONCE(ev->kind) == BATON_EV_RELEASE)
			gave = true;
		else if (READ_ONCE(ev->kind) == BATON_EV_RETURN)
			gave = false;
	}
	return gave;
}
