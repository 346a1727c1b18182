/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The link's rings (layout in ledger.h): single producer, single consumer, fixed-size slots,
 * free-running u32 indices.  Both kernels include this as C; the host tests include it as C++.
 *
 * The peer is not trusted: a producer never writes more than BATON_LINK_SLOTS messages ahead
 * of the tail it reads (so it cannot overrun a ring, whatever the peer writes there), and a
 * consumer copies each message header once and checks it before use (a malformed message is
 * dropped and counted, never followed).
 *
 * Doorbells are rung only when needed: the consumer sets `armed` before it sleeps, the
 * producer rings when it finds `armed` set after publishing; the producer sets `want_space`
 * when the ring is full, the consumer rings when it finds it set after consuming.  Each side
 * re-checks after its full barrier, so one of the two always sees the other (Dekker).
 */
#ifndef BATON_LINK_RING_H
#define BATON_LINK_RING_H

#include "ledger.h"

#ifdef __KERNEL__
#include <linux/atomic.h>
#include <linux/compiler.h>
#include <linux/string.h>
#include <asm/barrier.h>
#define baton_read(x)			READ_ONCE(x)
#define baton_write(x, v)		WRITE_ONCE(x, v)
#define baton_load_acquire(p)		smp_load_acquire(p)
#define baton_store_release(p, v)	smp_store_release(p, v)
#define baton_xchg(p, v)		xchg(p, v)
#define baton_full_barrier()		smp_mb()
#else
#include <string.h>
#define baton_read(x)			__atomic_load_n(&(x), __ATOMIC_RELAXED)
#define baton_write(x, v)		__atomic_store_n(&(x), (v), __ATOMIC_RELAXED)
#define baton_load_acquire(p)		__atomic_load_n(p, __ATOMIC_ACQUIRE)
#define baton_store_release(p, v)	__atomic_store_n(p, (v), __ATOMIC_RELEASE)
#define baton_xchg(p, v)		__atomic_exchange_n(p, (v), __ATOMIC_SEQ_CST)
#define baton_full_barrier()		__atomic_thread_fence(__ATOMIC_SEQ_CST)
#endif

/* One end of one ring, as a kernel sees it: the shared indices and the slots. */
struct baton_link_end {
	struct baton_link_ring *ring;
	baton_u8 *slots;		/* BATON_LINK_SLOTS * BATON_LINK_SLOT_SIZE bytes */
};

static inline struct baton_link_msg *baton_link_slot(const struct baton_link_end *e, baton_u32 i)
{
	return (struct baton_link_msg *)(e->slots + (i % BATON_LINK_SLOTS) * BATON_LINK_SLOT_SIZE);
}

/* The two ends of a mapped link area for side `side`: tx is ring[side], rx the other. */
static inline void baton_link_ends(struct baton_link_area *area, baton_u32 side,
				   struct baton_link_end *tx, struct baton_link_end *rx)
{
	baton_u8 *base = (baton_u8 *)area + BATON_LINK_RINGS_OFFSET;
	baton_u32 ring_bytes = BATON_LINK_SLOTS * BATON_LINK_SLOT_SIZE;

	tx->ring = &area->ring[side];
	tx->slots = base + side * ring_bytes;
	rx->ring = &area->ring[!side];
	rx->slots = base + !side * ring_bytes;
}

/* A fresh area: magic, geometry, both rings empty, nobody up. */
static inline void baton_link_area_init(struct baton_link_area *area)
{
	memset(area, 0, BATON_LINK_RINGS_OFFSET);
	area->magic = BATON_LINK_MAGIC;
	area->version = BATON_ABI_VERSION;
	area->size = BATON_LINK_SIZE;
	area->nslots = BATON_LINK_SLOTS;
	area->slot_size = BATON_LINK_SLOT_SIZE;
}

static inline int baton_link_area_valid(const struct baton_link_area *area)
{
	return area->magic == BATON_LINK_MAGIC && area->version == BATON_ABI_VERSION &&
	       area->size == BATON_LINK_SIZE && area->nslots == BATON_LINK_SLOTS &&
	       area->slot_size == BATON_LINK_SLOT_SIZE;
}

/*
 * Producer: the slot for the next message, or 0 if the ring is full.  A tail the peer moved
 * past head (or back by more than a ring) also reads as full: nothing is ever overwritten
 * that the consumer has not released.
 */
static inline struct baton_link_msg *baton_link_reserve(const struct baton_link_end *tx)
{
	baton_u32 head = baton_read(tx->ring->head);
	baton_u32 tail = baton_load_acquire(&tx->ring->tail);

	if (head - tail >= BATON_LINK_SLOTS)
		return 0;
	return baton_link_slot(tx, head);
}

/*
 * Producer: publishes the reserved slot with `len` payload bytes already written.  Returns 1
 * if the consumer sleeps and must be rung.
 */
static inline int baton_link_publish(const struct baton_link_end *tx, baton_u16 type,
				     baton_u32 len)
{
	baton_u32 head = baton_read(tx->ring->head);
	struct baton_link_msg *m = baton_link_slot(tx, head);

	m->len = len;
	m->type = type;
	m->flags = 0;
	m->seq = head;
	m->pad = 0;
	baton_store_release(&tx->ring->head, head + 1);
	baton_full_barrier();
	return baton_read(tx->ring->armed) && baton_xchg(&tx->ring->armed, 0u);
}

/* Producer: copies one message into the ring.  0, -1: too long, -2: ring full. */
static inline int baton_link_send(const struct baton_link_end *tx, baton_u16 type,
				  const void *payload, baton_u32 len, int *ring_peer)
{
	struct baton_link_msg *m;

	if (len > BATON_LINK_PAYLOAD_MAX)
		return -1;
	m = baton_link_reserve(tx);
	if (!m)
		return -2;
	memcpy(m + 1, payload, len);
	*ring_peer = baton_link_publish(tx, type, len);
	return 0;
}

/*
 * Producer, ring full: asks the consumer for a doorbell when it frees a slot.  Returns 1 if
 * a slot freed meanwhile (go on sending), 0 to wait for the doorbell.
 */
static inline int baton_link_wait_space(const struct baton_link_end *tx)
{
	baton_write(tx->ring->want_space, 1u);
	baton_full_barrier();
	if (!baton_link_reserve(tx))
		return 0;
	baton_write(tx->ring->want_space, 0u);
	return 1;
}

enum baton_link_peek_result {
	BATON_LINK_EMPTY = 0,
	BATON_LINK_OK = 1,
	BATON_LINK_MALFORMED = 2,	/* bad length or type: consume and count it */
	BATON_LINK_BAD_INDEX = 3,	/* head is more than a ring ahead: resync and count */
};

/* What the consumer may use of a message: copied once from the slot, then checked. */
struct baton_link_rx {
	baton_u32 len;
	baton_u16 type;
	const baton_u8 *payload;
};

static inline int baton_link_peek(const struct baton_link_end *rx, struct baton_link_rx *out)
{
	baton_u32 tail = baton_read(rx->ring->tail);
	baton_u32 head = baton_load_acquire(&rx->ring->head);
	const struct baton_link_msg *m;

	if (head == tail)
		return BATON_LINK_EMPTY;
	if (head - tail > BATON_LINK_SLOTS)
		return BATON_LINK_BAD_INDEX;
	m = baton_link_slot(rx, tail);
	out->len = baton_read(m->len);
	out->type = baton_read(m->type);
	out->payload = (const baton_u8 *)(m + 1);
	if (out->len > BATON_LINK_PAYLOAD_MAX || out->type == 0 || out->type > BATON_MSG_MAX)
		return BATON_LINK_MALFORMED;
	return BATON_LINK_OK;
}

/* Consumer: releases the message peek returned.  Returns 1 if the producer waits for space. */
static inline int baton_link_consume(const struct baton_link_end *rx)
{
	baton_store_release(&rx->ring->tail, baton_read(rx->ring->tail) + 1);
	baton_full_barrier();
	return baton_read(rx->ring->want_space) && baton_xchg(&rx->ring->want_space, 0u);
}

/*
 * Consumer, BATON_LINK_BAD_INDEX: drops everything up to the producer's head.  Returns 1 if
 * the producer waits for space.
 */
static inline int baton_link_resync(const struct baton_link_end *rx)
{
	baton_store_release(&rx->ring->tail, baton_load_acquire(&rx->ring->head));
	baton_full_barrier();
	return baton_read(rx->ring->want_space) && baton_xchg(&rx->ring->want_space, 0u);
}

/*
 * Consumer, ring empty: asks for a doorbell on the next message.  Returns 1 if a message
 * arrived meanwhile (keep polling), 0 to sleep.
 */
static inline int baton_link_arm(const struct baton_link_end *rx)
{
	baton_write(rx->ring->armed, 1u);
	baton_full_barrier();
	if (baton_load_acquire(&rx->ring->head) == baton_read(rx->ring->tail))
		return 0;
	baton_write(rx->ring->armed, 0u);
	return 1;
}

#endif /* BATON_LINK_RING_H */
