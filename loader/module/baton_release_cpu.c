// SPDX-License-Identifier: GPL-2.0
/*
 * Releasing one of A's CPUs to B, or taking it back.
 *
 * A CPU goes like this: guarded (A may not online it again), offlined in A, woken into the
 * trampoline's limbo through the SIPI stub's limbo path, adopted by B through its ledger
 * slot's mailbox.  Back to A: INIT (it waits for a SIPI), unguarded, onlined by A's bring-up.
 */
#include <linux/cpu.h>
#include <linux/delay.h>
#include <linux/jiffies.h>
#include "baton.h"

#define BATON_LIMBO_TIMEOUT_MS	1000	/* INIT-SIPI-SIPI to check-in: the SDM's order is ms */

/*
 * A ledger slot for a CPU A lets go of, appended for the trampoline (ap_main,
 * limbo_enter_main) and B, which look CPUs up among ncpus slots.  The caller checked that a
 * slot is free.
 */
struct baton_cpu_slot *baton_add_cpu_slot(u32 apic_id, unsigned int cpu, unsigned int *idx)
{
	struct baton_ledger *l = baton_ledger();
	struct baton_cpu_slot *slot;

	*idx = READ_ONCE(l->ncpus);
	slot = &l->cpus[*idx];
	memset(slot, 0, sizeof(*slot));
	slot->apic_id = apic_id;
	slot->a_cpu = cpu + 1;
	slot->state = BATON_CPU_SIPI_SENT;
	/* The slot is whole before anyone can see it. */
	smp_wmb();
	WRITE_ONCE(l->ncpus, *idx + 1);
	return slot;
}

/* Forgets the slot baton_add_cpu_slot() gave a CPU that stays A's after all. */
void baton_drop_cpu_slot(unsigned int idx)
{
	struct baton_ledger *l = baton_ledger();

	WRITE_ONCE(l->cpus[idx].state, BATON_CPU_UNKNOWN);
	WRITE_ONCE(l->cpus[idx].a_cpu, 0);
	if (idx == READ_ONCE(l->ncpus) - 1)
		WRITE_ONCE(l->ncpus, idx);
}

static int baton_wait_limbo(struct baton_cpu_slot *slot)
{
	unsigned long deadline = jiffies + msecs_to_jiffies(BATON_LIMBO_TIMEOUT_MS);

	while (READ_ONCE(slot->state) != BATON_CPU_LIMBO) {
		if (time_after(jiffies, deadline))
			return -ETIMEDOUT;
		usleep_range(100, 200);
	}
	return 0;
}

/* Takes a released CPU back: stop it, forget its slot if it is the last, online it in A. */
static void baton_return_cpu(struct baton_cpu_slot *slot)
{
	struct baton_ledger *l = baton_ledger();
	unsigned int cpu = slot->a_cpu - 1;
	int ret;

	baton_stop_cpu(slot->apic_id);
	WRITE_ONCE(slot->state, BATON_CPU_UNKNOWN);
	WRITE_ONCE(slot->a_cpu, 0);
	if (slot == &l->cpus[l->ncpus - 1])
		WRITE_ONCE(l->ncpus, l->ncpus - 1);
	baton_guard_drop(cpu);
	baton_ledger_event(BATON_EV_RETURN, BATON_RES_CPU, slot->apic_id, 0);
	ret = add_cpu(cpu);
	if (ret)
		pr_err("baton: CPU %u is back in A but did not come online: %d\n", cpu, ret);
}

int baton_release_cpu(unsigned int cpu, unsigned int timeout_ms)
{
	struct baton_ledger *l = baton_ledger();
	struct baton_cpu_slot *slot;
	unsigned int idx;
	u32 apic_id;
	int ret;

	if (cpu >= nr_cpu_ids || !cpu_present(cpu))
		return -ENODEV;
	/* CPU 0 goes last, when A stops; so does the machine's BSP, which no INIT may reach. */
	if (cpu == 0 || cpu == baton_bsp_cpu())
		return -EPERM;
	if (baton_guard_has(cpu))
		return -EALREADY;
	if (READ_ONCE(l->b_doorbell_apic) == BATON_NO_DOORBELL)
		return -ENOTCONN;
	idx = READ_ONCE(l->ncpus);
	if (idx >= BATON_MAX_CPUS)
		return -ENOSPC;
	apic_id = per_cpu(x86_cpu_to_apicid, cpu);

	/* Guard first: nobody may online it again between the offline and the INIT. */
	baton_guard_add(cpu);
	if (cpu_online(cpu)) {
		ret = remove_cpu(cpu);
		if (ret) {
			baton_guard_drop(cpu);
			return ret;
		}
	}
	slot = baton_add_cpu_slot(apic_id, cpu, &idx);
	baton_ledger_event(BATON_EV_RELEASE, BATON_RES_CPU, apic_id, 0);

	ret = baton_park_cpu(l->partition_base, apic_id, idx);
	if (!ret)
		ret = baton_wait_limbo(slot);
	if (ret) {
		pr_err("baton: CPU %u (APIC %u) did not reach limbo: %d\n", cpu, apic_id, ret);
		baton_return_cpu(slot);
		return -EHOSTUNREACH;
	}
	baton_ledger_event(BATON_EV_LIMBO, BATON_RES_CPU, apic_id, 0);

	ret = baton_request(BATON_RES_CPU, apic_id, 0, timeout_ms);
	if (ret == -EIO) {
		/* B owns the request and may be running the CPU: do not pull it from under B. */
		pr_err("baton: B took CPU %u (APIC %u) and never answered\n", cpu, apic_id);
		return ret;
	}
	if (ret) {
		pr_err("baton: B did not adopt CPU %u (APIC %u): %d; CPU %u is back in A\n",
		       cpu, apic_id, ret, cpu);
		baton_return_cpu(slot);
		return ret;
	}
	pr_info("baton: released CPU %u (APIC %u); B adopted it\n", cpu, apic_id);
	return 0;
}

/* After B is stopped (abort): every CPU A released comes back online in A. */
void baton_return_cpus(void)
{
	struct baton_ledger *l = baton_ledger();
	unsigned int i;

	for (i = READ_ONCE(l->ncpus); i-- > 0;)
		if (i < BATON_MAX_CPUS && l->cpus[i].a_cpu)
			baton_return_cpu(&l->cpus[i]);
}
