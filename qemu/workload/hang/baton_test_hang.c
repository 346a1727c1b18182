// SPDX-License-Identifier: GPL-2.0
/*
 * A fault for kernel A, for the faults scenario only: loading this module hangs A the way a
 * kernel bug does.  CPU 0 - where A's heartbeat for B runs - spins with interrupts off from
 * then on; NMIs still reach it.  Nothing else of A is touched.
 */
#include <linux/module.h>
#include <linux/smp.h>

static void baton_test_spin(void *unused)
{
	for (;;)
		cpu_relax();
}

static int __init baton_test_hang_init(void)
{
	pr_emerg("baton_test_hang: CPU 0 spins with interrupts off from now on\n");
	/* From CPU 0 itself this runs right here, interrupts off, and never returns. */
	smp_call_function_single(0, baton_test_spin, NULL, 0);
	return 0;
}
module_init(baton_test_hang_init);

MODULE_DESCRIPTION("baton test: hang kernel A (CPU 0 spins with interrupts off)");
MODULE_LICENSE("GPL");
