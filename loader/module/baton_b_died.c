// SPDX-License-Identifier: GPL-2.0
/*
 * B died while A runs: A takes back what it gave B, as `baton abort` does, and says what it
 * cannot.  The heartbeat sampler (baton_heartbeat.c) calls baton_b_silent() while B's
 * heartbeat stands still.
 */
#include <linux/cpu.h>
#include <linux/cpumask.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/workqueue.h>
#include "baton.h"

/* A later release of the same thing: report that one instead. */
static bool baton_released_again(struct baton_ledger *l, unsigned int from,
				 const struct baton_event *ev)
{
	unsigned int i, n = min(READ_ONCE(l->nevents), BATON_MAX_EVENTS);

	for (i = from + 1; i < n; i++)
		if (l->events[i].kind == BATON_EV_RELEASE &&
		    l->events[i].resource == ev->resource && l->events[i].arg == ev->arg)
			return true;
	return false;
}

/* What A gave B and cannot take back from a dead B by itself: said, not hidden. */
static void baton_report_kept(void)
{
	struct baton_ledger *l = baton_ledger();
	unsigned int i, n = min(READ_ONCE(l->nevents), BATON_MAX_EVENTS);
	struct baton_event *ev;

	for (i = 0; i < n; i++) {
		ev = &l->events[i];
		/* Each thing once: at its release, if it is still B's. */
		if (ev->kind != BATON_EV_RELEASE || !baton_ledger_gave(ev->resource, ev->arg) ||
		    baton_released_again(l, i, ev))
			continue;
		if (ev->resource == BATON_RES_PCI)
			pr_warn("baton: PCI %04llx:%02llx:%02llx.%llu stays with the dead B: rescan the bus to use it in A\n",
				ev->arg >> 16, (ev->arg >> 8) & 0xff, (ev->arg >> 3) & 0x1f,
				ev->arg & 7);
		else if (ev->resource == BATON_RES_IRQ)
			pr_warn("baton: IOAPIC pin GSI %llu stays with the dead B\n", ev->arg);
	}
}

/*
 * B died while A runs (its heartbeat stood still for b_timeout_ms): A takes back what it can,
 * as an abort does - B's CPUs (INIT, then A's own bring-up), the memory it released - and
 * says what it cannot.  The ledger keeps the reason for `baton status`; `baton abort`
 * unloads B's image afterwards.
 */
#define BATON_B_TIMEOUT_MIN_MS	1000	/* B beats every 100 ms: never call a live B dead */

static unsigned int b_timeout_ms = 10000;
module_param(b_timeout_ms, uint, 0644);
MODULE_PARM_DESC(b_timeout_ms, "B is dead when its heartbeat stands still this long (ms, >= 1000)");

static unsigned int baton_b_timeout_ms(void)
{
	return max_t(unsigned int, READ_ONCE(b_timeout_ms), BATON_B_TIMEOUT_MIN_MS);
}

static void baton_b_died(struct work_struct *work)
{
	struct baton_ledger *l = baton_ledger();
	struct cpumask b_cpus;
	unsigned int i;
	int cpu;
	s64 age;

	mutex_lock(&baton_lock);
	age = baton_heartbeat_age_ms();
	if (baton_state() != BATON_STATE_B_RUNNING || !baton_guard_active() ||
	    age < baton_b_timeout_ms()) {
		mutex_unlock(&baton_lock);
		return;
	}
	pr_err("baton: B's heartbeat stopped %lld ms ago: B is dead; A takes back its CPUs and memory\n",
	       age);
	snprintf(l->message, sizeof(l->message),
		 "B's heartbeat stopped %lld ms ago; A took back its CPUs and memory", age);
	WRITE_ONCE(l->fail_reason, BATON_FAIL_B_DIED);
	WRITE_ONCE(l->state, BATON_STATE_FAILED);
	/* B's own CPUs: an abort leaves them offline for the CLI; nobody else will online them. */
	cpumask_clear(&b_cpus);
	for (i = 0; i < min(READ_ONCE(l->ncpus), BATON_MAX_CPUS); i++) {
		cpu = baton_cpu_of_apicid(l->cpus[i].apic_id);
		if (!l->cpus[i].a_cpu && cpu >= 0 && !cpu_online(cpu))
			cpumask_set_cpu(cpu, &b_cpus);
	}
	baton_abort();
	for_each_cpu(cpu, &b_cpus)
		if (add_cpu(cpu))
			pr_err("baton: CPU %d stays offline in A after B's death\n", cpu);
	baton_report_kept();
	mutex_unlock(&baton_lock);
}

static DECLARE_WORK(b_died_work, baton_b_died);

/* From the heartbeat sampler: B has been silent for a while. */
void baton_b_silent(s64 age_ms)
{
	if (age_ms >= baton_b_timeout_ms() && baton_state() == BATON_STATE_B_RUNNING)
		schedule_work(&b_died_work);
}

void baton_b_died_cancel(void)
{
	cancel_work_sync(&b_died_work);
}
