// SPDX-License-Identifier: GPL-2.0
/*
 * The doorbell receiver: B rings A by setting a bit in ledger.doorbell_pending and sending an
 * NMI to ledger.doorbell_apic (A's boot CPU).  NMIs need no vector from A's vector domain and
 * reach A whatever its interrupt state; the handler claims only NMIs with a pending bit, so
 * A's other NMI users are unaffected.  The work is done outside NMI context in irq_work.
 */
#include <linux/atomic.h>
#include <linux/irq_work.h>
#include <asm/nmi.h>
#include "baton.h"
#include "baton_link.h"

static atomic64_t rung;
static atomic_t pending_bits;

static void baton_doorbell_work(struct irq_work *work)
{
	u32 bits = atomic_xchg(&pending_bits, 0);

	if (bits & BATON_DOORBELL_B_RUNNING)
		pr_info("baton: doorbell from B: B is running\n");
	if (bits & BATON_DOORBELL_LINK)
		baton_link_doorbell();
}

static DEFINE_IRQ_WORK(doorbell_work, baton_doorbell_work);

static int baton_doorbell_nmi(unsigned int cmd, struct pt_regs *regs)
{
	struct baton_ledger *l = baton_ledger();
	u32 bits;

	/* A is dying, or B ordered A's CPUs into limbo: this one goes now. */
	if (baton_failover_nmi())
		return NMI_HANDLED;
	bits = xchg(&l->doorbell_pending, 0);
	if (!bits)
		return NMI_DONE;
	atomic64_inc(&rung);
	atomic_or(bits, &pending_bits);
	irq_work_queue(&doorbell_work);
	return NMI_HANDLED;
}

int baton_doorbell_register(void)
{
	return register_nmi_handler(NMI_LOCAL, baton_doorbell_nmi, 0, "baton");
}

void baton_doorbell_unregister(void)
{
	unregister_nmi_handler(NMI_LOCAL, "baton");
	irq_work_sync(&doorbell_work);
}

u64 baton_doorbells(void)
{
	return atomic64_read(&rung);
}
