// SPDX-License-Identifier: GPL-2.0
/*
 * The inter-kernel link: baton0, an Ethernet device whose wire is a pair of rings in memory
 * both kernels map (include/baton/link_ring.h), with doorbell NMIs between them.  The same
 * code (this file, baton_net_rx.c, baton_net_sysfs.c) is built into A's baton.ko (Linux
 * 6.1) and B's baton_link.ko (6.12).
 *
 * Sending copies a frame into the next slot of this side's ring; receiving (NAPI) copies it
 * out of the peer's ring into an skb.  The peer is not trusted: every message is checked
 * before use, malformed ones are dropped and counted, a full ring stops the queue, and a peer
 * that stops reading costs the carrier after BATON_LINK_STALL, never a hang.
 *
 * Control messages share the rings: HELLO/BYE carry the link state (the carrier), PING/PONG
 * measure the round trip without the IP stack (/sys/class/net/baton0/baton_link/ping).
 */
#include <linux/completion.h>
#include <linux/etherdevice.h>
#include <linux/ktime.h>
#include <linux/module.h>
#include <linux/netdevice.h>
#include <linux/rtnetlink.h>
#include <baton/link_ring.h>
#include "baton_link.h"
#include "baton_net.h"

static struct baton_link __rcu *baton_link;
/* peer_gone (the platform, at a handover) and down (unload) may race: one at a time. */
static DEFINE_MUTEX(baton_link_mutex);

static struct baton_link *baton_link_locked(void)
{
	return rcu_dereference_protected(baton_link, lockdep_is_held(&baton_link_mutex));
}

void baton_link_ring_peer(struct baton_link *lk)
{
	lk->rung++;
	lk->port.ring_peer();
}

/* After a message went out, or could not: stop the queue while the ring is full. */
void baton_link_tx_flow(struct baton_link *lk)
{
	if (baton_link_reserve(&lk->tx))
		return;
	netif_stop_queue(lk->dev);
	lk->ring_full++;
	/* The peer freed a slot since: go on, its doorbell may have come before the stop. */
	if (baton_link_wait_space(&lk->tx))
		netif_wake_queue(lk->dev);
	else if (!timer_pending(&lk->stall_timer))
		mod_timer(&lk->stall_timer, jiffies + BATON_LINK_STALL);
}

/*
 * The ring stayed full: the peer stopped reading.  Without carrier the stack drops what this
 * side sends instead of queueing it; the peer's next doorbell (it read again) restores it.
 * Not the netdev watchdog: a silent peer is an expected event here, not a driver bug.
 */
static void baton_link_stall(struct timer_list *t)
{
	struct baton_link *lk = from_timer(lk, t, stall_timer);

	if (!netif_queue_stopped(lk->dev) || baton_link_reserve(&lk->tx) || lk->stalled)
		return;
	lk->tx_timeouts++;
	lk->stalled = true;
	netdev_warn(lk->dev, "the peer has not read its ring for %u ms: carrier off\n",
		    jiffies_to_msecs(BATON_LINK_STALL));
	netif_carrier_off(lk->dev);
}

/* A control message (or a test's raw one); callers hold no lock.  0 or a negative errno. */
int baton_link_send_raw(struct baton_link *lk, u16 type, const void *payload, u32 len,
			u32 claimed_len)
{
	struct netdev_queue *txq = netdev_get_tx_queue(lk->dev, 0);
	struct baton_link_msg *m;
	int ret = 0, ring = 0;

	__netif_tx_lock_bh(txq);
	if (lk->dead) {
		ret = -ENOLINK;
		goto out;
	}
	m = baton_link_reserve(&lk->tx);
	if (!m) {
		ret = -ENOBUFS;
		goto out;
	}
	memcpy(m + 1, payload, min_t(u32, len, BATON_LINK_PAYLOAD_MAX));
	ring = baton_link_publish(&lk->tx, type, claimed_len);
	baton_link_tx_flow(lk);
out:
	__netif_tx_unlock_bh(txq);
	if (ring)
		baton_link_ring_peer(lk);
	return ret;
}

int baton_link_send_ctl(struct baton_link *lk, u16 type, const void *payload, u32 len)
{
	return baton_link_send_raw(lk, type, payload, len, len);
}

void baton_link_hello(struct baton_link *lk, bool want_reply)
{
	struct baton_link_hello h = {
		.version = BATON_ABI_VERSION,
		.mtu = lk->dev->mtu,
		.pad = { want_reply },
	};

	ether_addr_copy(h.mac, lk->dev->dev_addr);
	baton_link_send_ctl(lk, BATON_MSG_HELLO, &h, sizeof(h));
}

static netdev_tx_t baton_link_xmit(struct sk_buff *skb, struct net_device *dev)
{
	struct baton_link *lk = netdev_priv(dev);
	struct baton_link_msg *m;
	int ring;

	if (lk->dead || skb->len > BATON_LINK_PAYLOAD_MAX) {
		if (!lk->dead)
			lk->oversized_tx++;
		dev->stats.tx_dropped++;
		dev_kfree_skb_any(skb);
		return NETDEV_TX_OK;
	}
	m = baton_link_reserve(&lk->tx);
	if (!m) {
		/* A control message took the last slot. */
		baton_link_tx_flow(lk);
		return NETDEV_TX_BUSY;
	}
	skb_copy_bits(skb, 0, m + 1, skb->len);
	ring = baton_link_publish(&lk->tx, BATON_MSG_NET, skb->len);
	dev->stats.tx_packets++;
	dev->stats.tx_bytes += skb->len;
	dev_consume_skb_any(skb);
	baton_link_tx_flow(lk);
	if (ring)
		baton_link_ring_peer(lk);
	return NETDEV_TX_OK;
}

void baton_link_doorbell(void)
{
	struct baton_link *lk;

	rcu_read_lock();
	lk = rcu_dereference(baton_link);
	if (lk) {
		lk->doorbells++;
		napi_schedule(&lk->napi);
	}
	rcu_read_unlock();
}

static int baton_link_open(struct net_device *dev)
{
	struct baton_link *lk = netdev_priv(dev);

	if (!lk->dead) {
		napi_enable(&lk->napi);
		lk->napi_enabled = true;
		WRITE_ONCE(lk->port.area->up[lk->port.side], 1);
		baton_link_hello(lk, true);
		/* Whatever the peer sent while this end was down (BH off: the softirq runs now). */
		local_bh_disable();
		napi_schedule(&lk->napi);
		local_bh_enable();
	}
	netif_start_queue(dev);
	return 0;
}

static int baton_link_stop(struct net_device *dev)
{
	struct baton_link *lk = netdev_priv(dev);

	netif_stop_queue(dev);
	netif_carrier_off(dev);
	if (!lk->dead) {
		baton_link_send_ctl(lk, BATON_MSG_BYE, NULL, 0);
		WRITE_ONCE(lk->port.area->up[lk->port.side], 0);
	}
	if (lk->napi_enabled) {
		napi_disable(&lk->napi);
		lk->napi_enabled = false;
	}
	del_timer_sync(&lk->stall_timer);
	return 0;
}

static const struct net_device_ops baton_link_ops = {
	.ndo_open		= baton_link_open,
	.ndo_stop		= baton_link_stop,
	.ndo_start_xmit		= baton_link_xmit,
	.ndo_set_mac_address	= eth_mac_addr,
	.ndo_validate_addr	= eth_validate_addr,
};

int baton_link_up(const struct baton_link_port *port)
{
	static const u8 mac[ETH_ALEN] = { 0x02, 0xba, 0x70, 0x00, 0x00, 0x0a };
	struct net_device *dev;
	struct baton_link *lk;
	u8 addr[ETH_ALEN];
	int ret;

	if (!baton_link_area_valid(port->area)) {
		pr_err("baton: link area has magic %#llx, version %u: not a baton ABI %u link\n",
		       port->area->magic, port->area->version, BATON_ABI_VERSION);
		return -EPROTO;
	}
	dev = alloc_etherdev(sizeof(*lk));
	if (!dev)
		return -ENOMEM;
	strscpy(dev->name, "baton%d", sizeof(dev->name));
	lk = netdev_priv(dev);
	lk->dev = dev;
	lk->port = *port;
	baton_link_ends(port->area, port->side, &lk->tx, &lk->rx);
	mutex_init(&lk->ping_lock);
	init_completion(&lk->pong);
	ether_addr_copy(addr, mac);
	addr[ETH_ALEN - 1] += port->side;	/* A ...:0a, B ...:0b */
	eth_hw_addr_set(dev, addr);
	dev->netdev_ops = &baton_link_ops;
	timer_setup(&lk->stall_timer, baton_link_stall, 0);
	dev->max_mtu = BATON_LINK_PAYLOAD_MAX - ETH_HLEN;
	dev->sysfs_groups[0] = &baton_link_group;
	netif_napi_add(dev, &lk->napi, baton_link_poll);
	netif_carrier_off(dev);
	/* Before it can be opened: a doorbell the open's poll asked for must find it. */
	rcu_assign_pointer(baton_link, lk);
	ret = register_netdev(dev);
	if (ret) {
		RCU_INIT_POINTER(baton_link, NULL);
		synchronize_rcu();
		netif_napi_del(&lk->napi);
		free_netdev(dev);
		return ret;
	}
	netdev_info(dev, "link to %s, %u slots of %u bytes each way\n",
		    port->side == BATON_LINK_A ? "B" : "A", BATON_LINK_SLOTS, BATON_LINK_SLOT_SIZE);
	return 0;
}

void baton_link_peer_gone(void)
{
	struct netdev_queue *txq;
	struct baton_link *lk;

	mutex_lock(&baton_link_mutex);
	lk = baton_link_locked();
	if (!lk)
		goto out;
	txq = netdev_get_tx_queue(lk->dev, 0);
	rtnl_lock();
	__netif_tx_lock_bh(txq);
	lk->dead = true;
	__netif_tx_unlock_bh(txq);
	if (lk->napi_enabled) {
		napi_disable(&lk->napi);
		lk->napi_enabled = false;
	}
	netif_carrier_off(lk->dev);
	rtnl_unlock();
	del_timer_sync(&lk->stall_timer);
	netdev_info(lk->dev, "the peer is gone: link down for good\n");
out:
	mutex_unlock(&baton_link_mutex);
}

void baton_link_down(void)
{
	struct baton_link *lk;

	mutex_lock(&baton_link_mutex);
	lk = baton_link_locked();
	if (!lk)
		goto out;
	/* No doorbell reaches lk after this; ndo_stop says goodbye while the area is ours. */
	RCU_INIT_POINTER(baton_link, NULL);
	synchronize_rcu();
	unregister_netdev(lk->dev);
	/* A sysfs write may have armed it while baton0 was down. */
	del_timer_sync(&lk->stall_timer);
	netif_napi_del(&lk->napi);
	free_netdev(lk->dev);
out:
	mutex_unlock(&baton_link_mutex);
}
