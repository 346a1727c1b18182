// SPDX-License-Identifier: GPL-2.0
/*
 * B's heartbeat as A sees it: B increments a counter in the ledger every 100 ms; A samples
 * it with its own clock and remembers when it last moved.
 */
#include <linux/jiffies.h>
#include <linux/timer.h>
#include "baton.h"

#define BATON_SAMPLE_MS 50

static struct timer_list sampler;
static u64 last_count;
static unsigned long last_change;
static bool seen, running;

static void baton_sample(struct timer_list *t)
{
	u64 now = READ_ONCE(baton_ledger()->b_heartbeat);

	if (now != last_count) {
		last_count = now;
		last_change = jiffies;
		seen = true;
	} else if (seen) {
		baton_b_silent(jiffies_to_msecs(jiffies - last_change));
	}
	mod_timer(&sampler, jiffies + msecs_to_jiffies(BATON_SAMPLE_MS));
}

void baton_heartbeat_start(void)
{
	if (running)
		return;
	last_count = READ_ONCE(baton_ledger()->b_heartbeat);
	seen = false;
	running = true;
	timer_setup(&sampler, baton_sample, 0);
	mod_timer(&sampler, jiffies + msecs_to_jiffies(BATON_SAMPLE_MS));
}

void baton_heartbeat_stop(void)
{
	if (!running)
		return;
	del_timer_sync(&sampler);
	running = false;
}

s64 baton_heartbeat_age_ms(void)
{
	if (!seen)
		return -1;
	return jiffies_to_msecs(jiffies - READ_ONCE(last_change));
}
