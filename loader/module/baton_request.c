// SPDX-License-Identifier: GPL-2.0
/*
 * Requests to B: A posts one in the ledger (struct baton_request), rings B's doorbell (an NMI
 * to ledger.b_doorbell_apic) and waits for B's answer.  If B does not take the request in
 * time, A cancels it (POSTED -> CANCELLED, a cmpxchg B also races for), so a late B never
 * adopts what A is about to take back.
 */
#include <linux/delay.h>
#include <linux/jiffies.h>
#include "baton.h"

#define BATON_TAKEN_GRACE_MS	10000	/* B took the request: it may still be bringing it up */

/*
 * Only the ringer that finds no bit pending sends the NMI: B's handler takes all bits at
 * once, and a second NMI would find none and be reported as unknown.
 */
void baton_ring_b(u32 bit)
{
	struct baton_ledger *l = baton_ledger();
	unsigned long flags;
	u32 apic_id;

	/* Interrupts off from the read to the send: baton_silence_b() waits for such rings. */
	local_irq_save(flags);
	if (atomic_fetch_or(bit, (atomic_t *)&l->b_doorbell_pending))
		goto out;
	/*
	 * The ID after the bit (the fetch_or is a full barrier): B moves its doorbell off a CPU
	 * that goes offline, then takes the bits already set.
	 * No doorbell (B still boots, or is being stopped): 0xffffffff would be a broadcast.
	 * B wrote the ID: one A's APIC mode cannot address is never rung (the request times out).
	 */
	apic_id = READ_ONCE(l->b_doorbell_apic);
	if (apic_id != BATON_NO_DOORBELL && baton_send_nmi(apic_id))
		pr_warn_once("baton: B's doorbell APIC ID %u is beyond this APIC mode\n", apic_id);
out:
	local_irq_restore(flags);
}

/*
 * Before B's CPUs are stopped with INIT: no ring may reach them afterwards.  An NMI wakes a
 * CPU that waits for a SIPI under QEMU's TCG (hardware ignores it there), which then runs
 * the firmware's reset code and resets the machine.  Rings read the doorbell with
 * interrupts off, so an RCU grace period waits for any ring already under way.
 */
void baton_silence_b(void)
{
	WRITE_ONCE(baton_ledger()->b_doorbell_apic, BATON_NO_DOORBELL);
	synchronize_rcu();
}

/* Posts a request and rings B; the caller waits for the answer, or (A's last CPU) cannot. */
void baton_post_request(u32 resource, u64 arg, u64 size)
{
	struct baton_request *rq = &baton_ledger()->request;

	WRITE_ONCE(rq->resource, resource);
	WRITE_ONCE(rq->arg, arg);
	WRITE_ONCE(rq->size, size);
	WRITE_ONCE(rq->result, 0);
	WRITE_ONCE(rq->seq, READ_ONCE(rq->seq) + 1);
	/* B reads the request once it sees POSTED. */
	smp_wmb();
	WRITE_ONCE(rq->state, BATON_REQ_POSTED);
	baton_ring_b(BATON_DOORBELL_REQUEST);
}

/*
 * Posts one request and waits for B's answer.  Returns B's result, -ETIMEDOUT if B did not
 * take it within timeout_ms (it is cancelled: B will never act on it), or -EIO if B took it
 * and never finished (B is stuck; only an abort recovers).
 */
int baton_request(u32 resource, u64 arg, u64 size, unsigned int timeout_ms)
{
	struct baton_request *rq = &baton_ledger()->request;
	unsigned long deadline = jiffies + msecs_to_jiffies(timeout_ms);
	u32 state;

	/* B still works on an earlier one (it never answered): posting would overwrite it. */
	if (READ_ONCE(rq->state) == BATON_REQ_TAKEN)
		return -EBUSY;
	baton_post_request(resource, arg, size);
	for (;;) {
		state = READ_ONCE(rq->state);
		if (state == BATON_REQ_DONE) {
			int result;

			/* B wrote the result before DONE. */
			smp_rmb();
			result = READ_ONCE(rq->result);
			WRITE_ONCE(rq->state, BATON_REQ_IDLE);
			return result;
		}
		if (state == BATON_REQ_POSTED && time_after(jiffies, deadline) &&
		    cmpxchg(&rq->state, BATON_REQ_POSTED, BATON_REQ_CANCELLED) ==
		    BATON_REQ_POSTED)
			return -ETIMEDOUT;
		if (state == BATON_REQ_TAKEN &&
		    time_after(jiffies, deadline + msecs_to_jiffies(BATON_TAKEN_GRACE_MS)))
			return -EIO;
		usleep_range(50, 100);
	}
}

