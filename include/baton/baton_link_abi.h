/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The link half of baton's ABI: the inter-kernel link's area and messages.  Part of the
 * ledger ABI: include <baton/ledger.h>, which includes this after its types and
 * BATON_STATIC_ASSERT; the same rules and the same BATON_ABI_VERSION.
 */
#ifndef BATON_LINK_ABI_H
#define BATON_LINK_ABI_H

#ifndef BATON_LEDGER_H
#error "include baton/ledger.h, not baton_link_abi.h"
#endif

/*
 * The inter-kernel link: two rings of fixed-size slots in memory A allocates (ledger.link_phys),
 * one per direction.  Ring s is written by side s (0: A, 1: B) and read by the other side; a
 * reader trusts nothing it reads there (include/baton/link_ring.h checks every index and
 * message).  Doorbells: BATON_DOORBELL_LINK.
 */
#define BATON_LINK_MAGIC	0x31304b4e494c4254ull	/* "TBLINK01" */
#define BATON_LINK_A		0u
#define BATON_LINK_B		1u
#define BATON_LINK_SLOTS	256u		/* per ring, a power of two */
#define BATON_LINK_SLOT_SIZE	2048u
#define BATON_LINK_RINGS_OFFSET	0x1000u		/* slots of ring 0, then of ring 1 */
#define BATON_LINK_SIZE		(BATON_LINK_RINGS_OFFSET + 2 * BATON_LINK_SLOTS * BATON_LINK_SLOT_SIZE)

/* One direction's indices: free running u32 counters, producer and consumer lines apart. */
struct baton_link_ring {
	baton_u32 head;			/* producer: messages published */
	baton_u32 want_space;		/* producer: the ring was full, ring me when slots free */
	baton_u8 pad0[56];
	baton_u32 tail;			/* consumer: messages consumed */
	baton_u32 armed;		/* consumer: idle, ring me on the next message */
	baton_u8 pad1[56];
};

enum baton_link_msg_type {
	BATON_MSG_NET = 1,		/* an Ethernet frame for the peer's baton0 */
	BATON_MSG_HELLO = 2,		/* the sender's link is up: struct baton_link_hello */
	BATON_MSG_BYE = 3,		/* the sender's link goes down; it reads no more */
	BATON_MSG_PING = 4,		/* control: answer with PONG, same payload */
	BATON_MSG_PONG = 5,
	BATON_MSG_MAX = 5,
};

/* Every slot starts with this header; the payload follows. */
struct baton_link_msg {
	baton_u32 len;			/* payload bytes, <= BATON_LINK_PAYLOAD_MAX */
	baton_u16 type;			/* enum baton_link_msg_type */
	baton_u16 flags;		/* 0 */
	baton_u32 seq;			/* the producer's message number (== head when posted) */
	baton_u32 pad;
};

#define BATON_LINK_PAYLOAD_MAX	(BATON_LINK_SLOT_SIZE - 16u)

struct baton_link_hello {
	baton_u32 version;		/* BATON_ABI_VERSION */
	baton_u32 mtu;
	baton_u8 mac[6];
	baton_u8 pad[2];
};

/* The link area's first page. */
struct baton_link_area {
	baton_u64 magic;
	baton_u32 version;
	baton_u32 size;			/* BATON_LINK_SIZE */
	baton_u32 nslots;
	baton_u32 slot_size;
	baton_u32 up[2];		/* side s: 1 while its end of the link is up */
	baton_u8 pad[32];
	struct baton_link_ring ring[2];	/* ring[s]: side s produces */
};

BATON_STATIC_ASSERT(sizeof(struct baton_link_ring) == 128, "link ring layout");
BATON_STATIC_ASSERT(offsetof(struct baton_link_ring, tail) == 64, "link ring layout");
BATON_STATIC_ASSERT(sizeof(struct baton_link_msg) == 16, "link message layout");
BATON_STATIC_ASSERT(sizeof(struct baton_link_hello) == 16, "link hello layout");
BATON_STATIC_ASSERT(offsetof(struct baton_link_area, ring) == 64, "link area layout");
BATON_STATIC_ASSERT(sizeof(struct baton_link_area) <= BATON_LINK_RINGS_OFFSET, "link area layout");
BATON_STATIC_ASSERT((BATON_LINK_SLOTS & (BATON_LINK_SLOTS - 1)) == 0, "ring slots power of two");

#endif /* BATON_LINK_ABI_H */
