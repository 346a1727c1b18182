/* SPDX-License-Identifier: GPL-2.0 */
/*
 * baton0's own state, shared by the device (baton_net.c) and its sysfs files
 * (baton_net_sysfs.c).  Private to the link; the ports use baton_link.h.
 */
#ifndef BATON_NET_H
#define BATON_NET_H

#include <linux/completion.h>
#include <linux/mutex.h>
#include <linux/netdevice.h>
#include <linux/timer.h>
#include <baton/link_ring.h>
#include "baton_link.h"

/* A full ring this long: the peer stopped reading. */
#define BATON_LINK_STALL	HZ
/* A PONG later than this: the peer does not answer. */
#define BATON_LINK_PING_MS	1000

struct baton_link {
	struct net_device *dev;
	struct napi_struct napi;
	struct baton_link_port port;
	struct baton_link_end tx, rx;
	struct timer_list stall_timer;	/* armed while the queue is stopped */
	bool napi_enabled;		/* under RTNL */
	bool dead;			/* under the tx lock: the area is no longer ours to touch */
	bool deaf;			/* test: stop reading the peer's ring */
	bool stalled;			/* a transmit timeout took the carrier */
	/* Counters; each has one writer (the tx lock, NAPI or the doorbell). */
	unsigned long malformed, oversized_rx, oversized_tx, bad_index, ring_full, tx_timeouts;
	unsigned long rung, doorbells;
	unsigned long hellos, byes;
	/* PING/PONG round trips (ping_lock: one sysfs writer at a time). */
	struct mutex ping_lock;
	struct completion pong;
	u32 ping_seq;
	u64 rtt_last_ns, rtt_min_ns, rtt_max_ns, rtt_sum_ns, rtt_count;
};

struct baton_link_ping {
	u64 sent_ns;
	u32 seq;
	u32 pad;
};

extern const struct attribute_group baton_link_group;
void baton_link_ring_peer(struct baton_link *lk);
/* A control message (or a test's raw one); callers hold no lock.  0 or a negative errno. */
int baton_link_send_raw(struct baton_link *lk, u16 type, const void *payload, u32 len,
			u32 claimed_len);
int baton_link_send_ctl(struct baton_link *lk, u16 type, const void *payload, u32 len);
/* After a message went out, or could not: stop the queue while the ring is full. */
void baton_link_tx_flow(struct baton_link *lk);
void baton_link_hello(struct baton_link *lk, bool want_reply);
/* baton_net_rx.c: NAPI's poll of the peer's ring. */
int baton_link_poll(struct napi_struct *napi, int budget);

#endif
