// SPDX-License-Identifier: GPL-2.0
/*
 * The guard: a CPUHP_BP_PREPARE_DYN state whose prepare callback fails for B's CPUs.  It runs
 * on the control CPU before the kick (INIT-SIPI) of any CPU coming up, so sysfs online,
 * add_cpu() and SMT control all stop there, and B's CPU is never reset under B.
 */
#include <linux/cpu.h>
#include <linux/cpuhotplug.h>
#include "baton.h"

static struct cpumask guarded;
static int guard_state = -1;

static int baton_guard_prepare(unsigned int cpu)
{
	if (!cpumask_test_cpu(cpu, &guarded))
		return 0;
	pr_warn("baton: CPU %u belongs to kernel B; not bringing it online in A\n", cpu);
	return -EBUSY;
}

int baton_guard_install(const struct cpumask *b_cpus)
{
	int ret;

	if (guard_state >= 0)
		return -EBUSY;
	cpumask_copy(&guarded, b_cpus);
	ret = cpuhp_setup_state_nocalls(CPUHP_BP_PREPARE_DYN, "baton:guard",
					baton_guard_prepare, NULL);
	if (ret < 0) {
		cpumask_clear(&guarded);
		return ret;
	}
	guard_state = ret;
	return 0;
}

void baton_guard_remove(void)
{
	if (guard_state < 0)
		return;
	cpuhp_remove_state_nocalls(guard_state);
	guard_state = -1;
	cpumask_clear(&guarded);
}

bool baton_guard_active(void)
{
	return guard_state >= 0;
}

/* A CPU A releases during the handover joins the guard before A offlines it. */
void baton_guard_add(unsigned int cpu)
{
	cpus_read_lock();
	cpumask_set_cpu(cpu, &guarded);
	cpus_read_unlock();
}

void baton_guard_drop(unsigned int cpu)
{
	cpus_read_lock();
	cpumask_clear_cpu(cpu, &guarded);
	cpus_read_unlock();
}

bool baton_guard_has(unsigned int cpu)
{
	return guard_state >= 0 && cpumask_test_cpu(cpu, &guarded);
}
