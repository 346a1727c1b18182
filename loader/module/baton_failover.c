// SPDX-License-Identifier: GPL-2.0
/*
 * A dies while B runs: A's CPUs walk into limbo, and B takes the machine (failover).
 *
 * Armed from the launch until the abort.  A's panic (`baton launch` sets
 * crash_kexec_post_notifiers, so no crash kexec runs before the notifiers) goes:
 * crash_smp_send_stop() calls baton_stop_other_cpus() instead of the NMI shootdown, and every
 * other online CPU walks into limbo from baton's NMI handler; then baton's panic notifier,
 * first of all, masks A's IOAPIC pins, records the panic in the ledger, rings B and walks the
 * panicking CPU into limbo too.  A's clear_IO_APIC(), hpet_disable() and the jump into the
 * crash image never happen.  B can also order A's CPUs into limbo (ledger.a_park) when A's
 * heartbeat stops: the same NMI path.
 *
 * A's heartbeat, for B: a counter in the ledger that a timer on CPU 0 (the CPU A keeps to
 * the end) moves every BATON_A_HEARTBEAT_MS.
 */
#include <linux/atomic.h>
#include <linux/delay.h>
#include <linux/notifier.h>
#include <linux/panic.h>
#include <linux/panic_notifier.h>
#include <linux/smp.h>
#include <linux/timer.h>
#include <asm/apic.h>
#include <asm/smp.h>
#include "baton.h"

#define BATON_PARK_TIMEOUT_US	200000	/* for A's other CPUs to reach limbo */
#define BATON_PARK_POLL_US	10

static struct baton_ioapics failover_io;
static struct timer_list a_beat;
static bool armed;
static int saved_panic_timeout;
static void (*saved_crash_stop)(void);
static atomic_t parking = ATOMIC_INIT(0);	/* baton_stop_other_cpus() ran */
static atomic_t stopper = ATOMIC_INIT(-1);	/* the CPU that stops the others */
static atomic_t parked = ATOMIC_INIT(0);

static void baton_a_beat(struct timer_list *t)
{
	struct baton_ledger *l = baton_ledger();

	WRITE_ONCE(l->a_heartbeat, READ_ONCE(l->a_heartbeat) + 1);
	mod_timer(&a_beat, jiffies + msecs_to_jiffies(BATON_A_HEARTBEAT_MS));
}

/*
 * This CPU's ledger slot for limbo: its own from an earlier release, or a new one.  NMI and
 * panic context: no lock, the slot count is reserved atomically.
 */
static int baton_failover_slot(u32 apic_id, unsigned int cpu)
{
	struct baton_ledger *l = baton_ledger();
	unsigned int i, n = min(READ_ONCE(l->ncpus), BATON_MAX_CPUS);
	struct baton_cpu_slot *slot;
	u32 state;

	for (i = 0; i < n; i++) {
		state = READ_ONCE(l->cpus[i].state);
		if (l->cpus[i].apic_id == apic_id && state != BATON_CPU_B_BOOT &&
		    state != BATON_CPU_B_ONLINE)
			break;
	}
	if (i == n) {
		i = xadd(&l->ncpus, 1);
		if (i >= BATON_MAX_CPUS)
			return -ENOSPC;
	}
	slot = &l->cpus[i];
	slot->apic_id = apic_id;
	slot->a_cpu = cpu + 1;
	slot->mailbox_start = 0;
	/* The slot is whole before its state says a CPU is on its way. */
	smp_wmb();
	WRITE_ONCE(slot->state, BATON_CPU_SIPI_SENT);
	return i;
}

/* This CPU is done with A: into limbo, where B adopts it.  Interrupts are off. */
static void __noreturn baton_park_this_cpu(void)
{
	unsigned int cpu = smp_processor_id();
	u32 apic_id = per_cpu(x86_cpu_to_apicid, cpu);
	int idx = baton_failover_slot(apic_id, cpu);

	baton_ledger_event(BATON_EV_RELEASE, BATON_RES_CPU, apic_id, 0);
	atomic_inc(&parked);
	if (idx < 0)
		for (;;)
			native_halt();	/* no slot left: this CPU stays stopped */
	baton_enter_limbo(idx, BATON_RES_CPU);
}

/*
 * From baton's NMI handler: an NMI parks this CPU once A's panic path stops the others or B
 * ordered A's CPUs into limbo.  Returns whether the NMI was the failover's: the panicking
 * CPU, on its own way to limbo, may get B's NMIs first.
 */
bool baton_failover_nmi(void)
{
	struct baton_ledger *l = baton_ledger();

	if (!READ_ONCE(armed))
		return false;
	if (atomic_read(&stopper) == smp_processor_id())
		return true;
	if (atomic_read(&parking) || READ_ONCE(l->a_park))
		baton_park_this_cpu();
	return false;
}

/* smp_ops.crash_stop_other_cpus while armed: A's other CPUs go to limbo, not to a halt. */
static void baton_stop_other_cpus(void)
{
	unsigned int cpu, me = smp_processor_id(), want = 0, us;

	/* The stopper first: from `parking` on, an NMI parks every CPU but this one. */
	if (atomic_cmpxchg(&stopper, -1, me) != -1)
		return;
	atomic_set(&parking, 1);
	for_each_online_cpu(cpu) {
		if (cpu == me)
			continue;
		if (!baton_send_nmi(per_cpu(x86_cpu_to_apicid, cpu)))
			want++;
	}
	/* Interrupts are off: count time by the delay loop. */
	for (us = 0; atomic_read(&parked) < want && us < BATON_PARK_TIMEOUT_US;
	     us += BATON_PARK_POLL_US)
		udelay(BATON_PARK_POLL_US);
	if (atomic_read(&parked) < want)
		pr_emerg("baton: %u of A's CPUs did not reach limbo\n",
			 want - atomic_read(&parked));
}

static int baton_panic(struct notifier_block *nb, unsigned long event, void *msg)
{
	struct baton_ledger *l = baton_ledger();
	unsigned int cpu = smp_processor_id();

	/* Another stop method than ours ran (or none): stop the others now. */
	baton_stop_other_cpus();
	WRITE_ONCE(l->a_pins_masked, baton_mask_ioapic_pins(&failover_io));
	if (cmpxchg(&l->a_fate, BATON_A_ALIVE, BATON_A_PANICKED) == BATON_A_ALIVE) {
		WRITE_ONCE(l->a_fate_apic, per_cpu(x86_cpu_to_apicid, cpu));
		WRITE_ONCE(l->a_fate_tsc, rdtsc_ordered());
		baton_ledger_event(BATON_EV_RELEASE, BATON_RES_FAILOVER, BATON_A_PANICKED, 0);
	}
	pr_emerg("baton: A panicked: its CPUs go to limbo, B takes the machine\n");
	baton_ring_b(BATON_DOORBELL_FAILOVER);
	baton_park_this_cpu();
}

/* First of all: the other notifiers assume a machine that stops, B needs one that goes on. */
static struct notifier_block baton_panic_nb = {
	.notifier_call = baton_panic,
	.priority = INT_MAX,
};

/* Launch: B may come up, so A's death must not take it down from now on. */
int baton_failover_arm(void)
{
	struct baton_ledger *l = baton_ledger();
	int ret;

	if (armed)
		return 0;
	ret = baton_limbo_prepare();
	if (ret)
		return ret;
	baton_map_ioapics(&failover_io);
	WRITE_ONCE(l->a_fate, BATON_A_ALIVE);
	WRITE_ONCE(l->a_park, 0);
	WRITE_ONCE(l->a_uarts, baton_a_uarts());
	baton_publish_a_pci();
	timer_setup(&a_beat, baton_a_beat, TIMER_PINNED);
	a_beat.expires = jiffies + msecs_to_jiffies(BATON_A_HEARTBEAT_MS);
	add_timer_on(&a_beat, cpumask_first(cpu_online_mask));
	/* A reset after the panic would take B down: A stops instead. */
	saved_panic_timeout = panic_timeout;
	panic_timeout = 0;
	saved_crash_stop = smp_ops.crash_stop_other_cpus;
	smp_ops.crash_stop_other_cpus = baton_stop_other_cpus;
	atomic_notifier_chain_register(&panic_notifier_list, &baton_panic_nb);
	WRITE_ONCE(armed, true);
	return 0;
}

/* Abort: B is gone, A's panic is A's own again. */
void baton_failover_disarm(void)
{
	if (!armed)
		return;
	WRITE_ONCE(armed, false);
	/* An NMI that saw `armed` may still walk into limbo on the tables: let it finish. */
	synchronize_rcu();
	atomic_notifier_chain_unregister(&panic_notifier_list, &baton_panic_nb);
	smp_ops.crash_stop_other_cpus = saved_crash_stop;
	panic_timeout = saved_panic_timeout;
	del_timer_sync(&a_beat);
	baton_unmap_ioapics(&failover_io);
	baton_limbo_release();
}

bool baton_failover_armed(void)
{
	return READ_ONCE(armed);
}
