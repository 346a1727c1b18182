// SPDX-License-Identifier: GPL-2.0
/*
 * /sys/class/net/baton0/baton_link/: the link's counters, its peer's state, control-message
 * round trips (ping), and the hooks the link tests use to play a broken peer.
 */
#include <linux/completion.h>
#include <linux/ktime.h>
#include <linux/netdevice.h>
#include <baton/link_ring.h>
#include "baton_link.h"
#include "baton_net.h"

/* A counter of struct baton_link, read-only. */
struct baton_link_counter {
	struct device_attribute attr;
	size_t offset;
};

static ssize_t baton_link_counter_show(struct device *d, struct device_attribute *attr,
				       char *buf)
{
	struct baton_link *lk = netdev_priv(to_net_dev(d));
	size_t off = container_of(attr, struct baton_link_counter, attr)->offset;

	return sysfs_emit(buf, "%lu\n", READ_ONCE(*(unsigned long *)((char *)lk + off)));
}

static struct baton_link_counter baton_link_counters[] = {
	{ __ATTR(malformed, 0444, baton_link_counter_show, NULL),
	  offsetof(struct baton_link, malformed) },
	{ __ATTR(oversized_rx, 0444, baton_link_counter_show, NULL),
	  offsetof(struct baton_link, oversized_rx) },
	{ __ATTR(oversized_tx, 0444, baton_link_counter_show, NULL),
	  offsetof(struct baton_link, oversized_tx) },
	{ __ATTR(bad_index, 0444, baton_link_counter_show, NULL),
	  offsetof(struct baton_link, bad_index) },
	{ __ATTR(ring_full, 0444, baton_link_counter_show, NULL),
	  offsetof(struct baton_link, ring_full) },
	{ __ATTR(tx_timeouts, 0444, baton_link_counter_show, NULL),
	  offsetof(struct baton_link, tx_timeouts) },
	{ __ATTR(rung, 0444, baton_link_counter_show, NULL),
	  offsetof(struct baton_link, rung) },
	{ __ATTR(doorbells, 0444, baton_link_counter_show, NULL),
	  offsetof(struct baton_link, doorbells) },
	{ __ATTR(hellos, 0444, baton_link_counter_show, NULL),
	  offsetof(struct baton_link, hellos) },
	{ __ATTR(byes, 0444, baton_link_counter_show, NULL),
	  offsetof(struct baton_link, byes) },
};

static ssize_t peer_show(struct device *d, struct device_attribute *attr, char *buf)
{
	struct baton_link *lk = netdev_priv(to_net_dev(d));

	if (lk->dead)
		return sysfs_emit(buf, "gone\n");
	if (lk->stalled)
		return sysfs_emit(buf, "stalled\n");
	return sysfs_emit(buf, "%s\n", netif_carrier_ok(lk->dev) ? "up" : "down");
}
static DEVICE_ATTR_RO(peer);

/* Round trips of the last `echo N > ping`: count min avg max in ns. */
static ssize_t ping_show(struct device *d, struct device_attribute *attr, char *buf)
{
	struct baton_link *lk = netdev_priv(to_net_dev(d));
	ssize_t len;
	u64 avg;

	mutex_lock(&lk->ping_lock);
	avg = lk->rtt_count ? div64_u64(lk->rtt_sum_ns, lk->rtt_count) : 0;
	len = sysfs_emit(buf, "%llu %llu %llu %llu\n", lk->rtt_count, lk->rtt_min_ns, avg,
			 lk->rtt_max_ns);
	mutex_unlock(&lk->ping_lock);
	return len;
}

/* N control-message round trips, one after the other; -ETIMEDOUT if the peer does not answer. */
static ssize_t ping_store(struct device *d, struct device_attribute *attr, const char *buf,
			  size_t count)
{
	struct baton_link *lk = netdev_priv(to_net_dev(d));
	struct baton_link_ping p = {};
	const unsigned long timeout = msecs_to_jiffies(BATON_LINK_PING_MS);
	unsigned int n, i;
	long left;
	int ret;

	ret = kstrtouint(buf, 0, &n);
	if (ret)
		return ret;
	if (!n || n > 100000)
		return -EINVAL;
	mutex_lock(&lk->ping_lock);
	lk->rtt_count = 0;
	lk->rtt_sum_ns = 0;
	lk->rtt_max_ns = 0;
	lk->rtt_min_ns = U64_MAX;
	for (i = 0; i < n; i++) {
		reinit_completion(&lk->pong);
		p.seq = ++lk->ping_seq;
		p.sent_ns = ktime_get_ns();
		ret = baton_link_send_ctl(lk, BATON_MSG_PING, &p, sizeof(p));
		if (ret)
			break;
		left = wait_for_completion_interruptible_timeout(&lk->pong, timeout);
		if (left <= 0) {
			ret = left ? left : -ETIMEDOUT;
			break;
		}
		lk->rtt_count++;
		lk->rtt_sum_ns += lk->rtt_last_ns;
		lk->rtt_min_ns = min(lk->rtt_min_ns, lk->rtt_last_ns);
		lk->rtt_max_ns = max(lk->rtt_max_ns, lk->rtt_last_ns);
	}
	if (!lk->rtt_count)
		lk->rtt_min_ns = 0;
	mutex_unlock(&lk->ping_lock);
	return ret ? ret : count;
}
static DEVICE_ATTR_RW(ping);

/*
 * Test hooks for the link tests: "deaf"/"hear" stop and resume reading the peer's ring;
 * "malformed", "oversized" and "bad-index" send the peer what a broken kernel would.
 */
static ssize_t test_store(struct device *d, struct device_attribute *attr, const char *buf,
			  size_t count)
{
	struct baton_link *lk = netdev_priv(to_net_dev(d));
	struct netdev_queue *txq = netdev_get_tx_queue(lk->dev, 0);
	u8 junk[ETH_ZLEN] = {};
	int ret = 0;

	if (sysfs_streq(buf, "deaf")) {
		WRITE_ONCE(lk->deaf, true);
	} else if (sysfs_streq(buf, "hear")) {
		WRITE_ONCE(lk->deaf, false);
		local_bh_disable();
		napi_schedule(&lk->napi);
		local_bh_enable();
	} else if (sysfs_streq(buf, "malformed")) {
		ret = baton_link_send_raw(lk, BATON_MSG_MAX + 1, junk, sizeof(junk), sizeof(junk));
	} else if (sysfs_streq(buf, "oversized")) {
		ret = baton_link_send_raw(lk, BATON_MSG_NET, junk, sizeof(junk),
					  BATON_LINK_SLOT_SIZE);
	} else if (sysfs_streq(buf, "bad-index")) {
		__netif_tx_lock_bh(txq);
		if (!lk->dead)
			WRITE_ONCE(lk->tx.ring->head, lk->tx.ring->head + 2 * BATON_LINK_SLOTS);
		__netif_tx_unlock_bh(txq);
		baton_link_ring_peer(lk);
	} else {
		return -EINVAL;
	}
	return ret ? ret : count;
}
static DEVICE_ATTR_WO(test);

static struct attribute *baton_link_attrs[] = {
	&dev_attr_peer.attr,
	&baton_link_counters[0].attr.attr,
	&baton_link_counters[1].attr.attr,
	&baton_link_counters[2].attr.attr,
	&baton_link_counters[3].attr.attr,
	&baton_link_counters[4].attr.attr,
	&baton_link_counters[5].attr.attr,
	&baton_link_counters[6].attr.attr,
	&baton_link_counters[7].attr.attr,
	&baton_link_counters[8].attr.attr,
	&baton_link_counters[9].attr.attr,
	&dev_attr_ping.attr,
	&dev_attr_test.attr,
	NULL,
};

static_assert(ARRAY_SIZE(baton_link_attrs) == ARRAY_SIZE(baton_link_counters) + 4);

const struct attribute_group baton_link_group = {
	.name = "baton_link",
	.attrs = baton_link_attrs,
};

