// SPDX-License-Identifier: GPL-2.0
/*
 * baton0's receive path: NAPI reads the peer's ring, checks every message before use (the
 * peer is not trusted), passes frames to the stack and answers control messages.
 */
#include <linux/etherdevice.h>
#include <linux/ktime.h>
#include <linux/netdevice.h>
#include <baton/link_ring.h>
#include "baton_link.h"
#include "baton_net.h"

static void baton_link_rx_net(struct baton_link *lk, const struct baton_link_rx *m)
{
	struct net_device *dev = lk->dev;
	struct sk_buff *skb;

	if (m->len < ETH_HLEN) {
		lk->malformed++;
		dev->stats.rx_length_errors++;
		return;
	}
	skb = napi_alloc_skb(&lk->napi, m->len);
	if (!skb) {
		dev->stats.rx_dropped++;
		return;
	}
	skb_put_data(skb, m->payload, m->len);
	skb->protocol = eth_type_trans(skb, dev);
	dev->stats.rx_packets++;
	dev->stats.rx_bytes += m->len;
	napi_gro_receive(&lk->napi, skb);
}

static void baton_link_rx_ctl(struct baton_link *lk, const struct baton_link_rx *m)
{
	struct baton_link_hello h;
	struct baton_link_ping p;

	switch (m->type) {
	case BATON_MSG_HELLO:
		if (m->len != sizeof(h))
			goto malformed;
		memcpy(&h, m->payload, sizeof(h));
		lk->hellos++;
		netif_carrier_on(lk->dev);
		if (h.pad[0])
			baton_link_hello(lk, false);
		return;
	case BATON_MSG_BYE:
		lk->byes++;
		netif_carrier_off(lk->dev);
		return;
	case BATON_MSG_PING:
		if (m->len != sizeof(p))
			goto malformed;
		memcpy(&p, m->payload, sizeof(p));
		baton_link_send_ctl(lk, BATON_MSG_PONG, &p, sizeof(p));
		return;
	case BATON_MSG_PONG:
		if (m->len != sizeof(p))
			goto malformed;
		memcpy(&p, m->payload, sizeof(p));
		if (p.seq != READ_ONCE(lk->ping_seq))
			return;		/* a PONG that came after its ping timed out */
		WRITE_ONCE(lk->rtt_last_ns, ktime_get_ns() - p.sent_ns);
		complete(&lk->pong);
		return;
	}
malformed:
	lk->malformed++;
	lk->dev->stats.rx_frame_errors++;
}

int baton_link_poll(struct napi_struct *napi, int budget)
{
	struct baton_link *lk = container_of(napi, struct baton_link, napi);
	struct baton_link_rx m;
	int done = 0, ring = 0;

	if (READ_ONCE(lk->deaf)) {
		napi_complete_done(napi, 0);
		return 0;
	}
	while (done < budget) {
		switch (baton_link_peek(&lk->rx, &m)) {
		case BATON_LINK_EMPTY:
			goto empty;
		case BATON_LINK_BAD_INDEX:
			lk->bad_index++;
			lk->dev->stats.rx_fifo_errors++;
			ring |= baton_link_resync(&lk->rx);
			done++;
			continue;
		case BATON_LINK_MALFORMED:
			if (m.len > BATON_LINK_PAYLOAD_MAX)
				lk->oversized_rx++;
			else
				lk->malformed++;
			lk->dev->stats.rx_errors++;
			break;
		case BATON_LINK_OK:
			if (m.type == BATON_MSG_NET)
				baton_link_rx_net(lk, &m);
			else
				baton_link_rx_ctl(lk, &m);
			break;
		}
		ring |= baton_link_consume(&lk->rx);
		done++;
	}
empty:
	if (ring)
		baton_link_ring_peer(lk);
	/* The peer's doorbell also means "slots are free again". */
	if (netif_queue_stopped(lk->dev) && baton_link_reserve(&lk->tx)) {
		if (lk->stalled) {
			lk->stalled = false;
			netif_carrier_on(lk->dev);
		}
		netif_wake_queue(lk->dev);
	}
	if (done < budget && napi_complete_done(napi, done) && baton_link_arm(&lk->rx))
		napi_schedule(napi);
	return done;
}
