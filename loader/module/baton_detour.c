// SPDX-License-Identifier: GPL-2.0
/*
 * Detours: the calls of a function of A's kernel go to one of baton's instead, with the same
 * arguments, through an ftrace ops that moves the instruction pointer (A's kernel is Debian's,
 * unmodified, and these functions are not exported).  The crash slot refuses kexec calls this
 * way (baton_crash_slot.c); the type 1 config cycles take the ledger's lock this way
 * (baton_conf1.c).
 *
 * A detour takes effect on every CPU at one instant, under stop_machine(): no CPU is inside a
 * critical section of the function when the first call goes to baton's, or the last.
 */
#include <linux/ftrace.h>
#include <linux/kallsyms.h>
#include <linux/stop_machine.h>
#include "baton.h"

/* The same macro of x86's asm/ftrace.h, renamed in 6.7. */
#ifndef ftrace_instruction_pointer_set
#define ftrace_instruction_pointer_set ftrace_regs_set_instruction_pointer
#endif

void notrace baton_detour_handler(unsigned long ip, unsigned long parent_ip,
				  struct ftrace_ops *op, struct ftrace_regs *fregs)
{
	struct baton_detour *d = container_of(op, struct baton_detour, ops);
	struct pt_regs *regs = ftrace_get_regs(fregs);

	if (!READ_ONCE(d->armed) || !regs || (d->divert && !d->divert(d, regs)))
		return;
	ftrace_instruction_pointer_set(fregs, d->to);
}

struct baton_detour_set {
	struct baton_detour *const *d;
	unsigned int n;
	bool armed;
};

static int baton_detours_arm(void *data)
{
	struct baton_detour_set *set = data;
	unsigned int i;

	for (i = 0; i < set->n; i++)
		WRITE_ONCE(set->d[i]->armed, set->armed);
	return 0;
}

static void baton_detours_unregister(struct baton_detour *const *d, unsigned int n)
{
	while (n-- > 0)
		unregister_ftrace_function(&d[n]->ops);
}

/* Every detour of @d, or none (with a line naming the function that cannot be traced). */
int baton_detours_on(struct baton_detour *const *d, unsigned int n, const char *why)
{
	struct baton_detour_set set = { d, n, true };
	char name[KSYM_NAME_LEN];
	unsigned int i;
	int ret;

	for (i = 0; i < n; i++) {
		WRITE_ONCE(d[i]->armed, false);
		strscpy(name, d[i]->func, sizeof(name));
		ret = ftrace_set_filter(&d[i]->ops, name, strlen(name), 1);
		if (!ret)
			ret = register_ftrace_function(&d[i]->ops);
		if (ret) {
			pr_err("baton: cannot %s: %s cannot be traced (%d)\n", why, d[i]->func,
			       ret);
			baton_detours_unregister(d, i);
			return ret;
		}
	}
	return stop_machine(baton_detours_arm, &set, NULL);
}

void baton_detours_off(struct baton_detour *const *d, unsigned int n)
{
	struct baton_detour_set set = { d, n, false };

	stop_machine(baton_detours_arm, &set, NULL);
	baton_detours_unregister(d, n);
}
