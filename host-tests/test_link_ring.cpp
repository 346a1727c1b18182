// SPDX-License-Identifier: GPL-2.0
// The link's rings (include/baton/link_ring.h), hosted: the same inline functions both
// kernels run.  The peer is hostile in some tests: it writes indices and headers at will.
#include <catch2/catch.hpp>

#include <cstdint>
#include <cstring>
#include <memory>
#include <thread>
#include <vector>

#include "../include/baton/link_ring.h"

namespace {

// A link area as A allocates it, with both sides' views.
struct Area {
    std::unique_ptr<uint8_t[]> mem{new uint8_t[BATON_LINK_SIZE]()};
    baton_link_area *area = reinterpret_cast<baton_link_area *>(mem.get());
    baton_link_end a_tx{}, a_rx{}, b_tx{}, b_rx{};

    Area()
    {
        baton_link_area_init(area);
        baton_link_ends(area, BATON_LINK_A, &a_tx, &a_rx);
        baton_link_ends(area, BATON_LINK_B, &b_tx, &b_rx);
    }
};

int send_u32(const baton_link_end &tx, uint32_t v)
{
    int ring = 0;
    return baton_link_send(&tx, BATON_MSG_PING, &v, sizeof(v), &ring);
}

}  // namespace

TEST_CASE("link: both sides see the same two rings, crossed")
{
    Area a;
    REQUIRE(baton_link_area_valid(a.area));
    CHECK(a.a_tx.ring == a.b_rx.ring);
    CHECK(a.b_tx.ring == a.a_rx.ring);
    CHECK(a.a_tx.slots == a.b_rx.slots);
    CHECK(a.b_tx.slots == a.a_rx.slots);
    CHECK(a.a_tx.slots != a.b_tx.slots);
    // The second ring's last slot ends at the end of the area.
    CHECK(a.b_tx.slots + BATON_LINK_SLOTS * BATON_LINK_SLOT_SIZE == a.mem.get() + BATON_LINK_SIZE);
    a.area->version = 2;
    CHECK_FALSE(baton_link_area_valid(a.area));
}

TEST_CASE("link: a message arrives whole and in order")
{
    Area a;
    baton_link_rx rx{};
    CHECK(baton_link_peek(&a.b_rx, &rx) == BATON_LINK_EMPTY);
    const char frame[] = "hello from A";
    int ring = 0;
    REQUIRE(baton_link_send(&a.a_tx, BATON_MSG_NET, frame, sizeof(frame), &ring) == 0);
    REQUIRE(send_u32(a.a_tx, 7) == 0);
    REQUIRE(baton_link_peek(&a.b_rx, &rx) == BATON_LINK_OK);
    CHECK(rx.type == BATON_MSG_NET);
    CHECK(rx.len == sizeof(frame));
    CHECK(std::memcmp(rx.payload, frame, sizeof(frame)) == 0);
    baton_link_consume(&a.b_rx);
    REQUIRE(baton_link_peek(&a.b_rx, &rx) == BATON_LINK_OK);
    CHECK(rx.type == BATON_MSG_PING);
    baton_link_consume(&a.b_rx);
    CHECK(baton_link_peek(&a.b_rx, &rx) == BATON_LINK_EMPTY);
    // B's own ring is untouched.
    CHECK(baton_link_peek(&a.a_rx, &rx) == BATON_LINK_EMPTY);
}

TEST_CASE("link: a full ring refuses, and never overwrites what the consumer holds")
{
    Area a;
    for (uint32_t i = 0; i < BATON_LINK_SLOTS; i++)
        REQUIRE(send_u32(a.a_tx, i) == 0);
    CHECK(baton_link_reserve(&a.a_tx) == nullptr);
    CHECK(send_u32(a.a_tx, 999) == -2);
    baton_link_rx rx{};
    REQUIRE(baton_link_peek(&a.b_rx, &rx) == BATON_LINK_OK);
    uint32_t v;
    std::memcpy(&v, rx.payload, 4);
    CHECK(v == 0);  // the oldest message survived the refused send
    baton_link_consume(&a.b_rx);
    REQUIRE(send_u32(a.a_tx, 1000) == 0);
    for (uint32_t i = 1; i <= BATON_LINK_SLOTS; i++) {
        REQUIRE(baton_link_peek(&a.b_rx, &rx) == BATON_LINK_OK);
        std::memcpy(&v, rx.payload, 4);
        CHECK(v == (i < BATON_LINK_SLOTS ? i : 1000));
        baton_link_consume(&a.b_rx);
    }
    CHECK(baton_link_peek(&a.b_rx, &rx) == BATON_LINK_EMPTY);
}

TEST_CASE("link: indices wrap around 2^32")
{
    Area a;
    a.area->ring[0].head = a.area->ring[0].tail = 0xffffff00u;
    baton_link_rx rx{};
    for (uint32_t i = 0; i < 3 * BATON_LINK_SLOTS; i++) {
        REQUIRE(send_u32(a.a_tx, i) == 0);
        REQUIRE(baton_link_peek(&a.b_rx, &rx) == BATON_LINK_OK);
        uint32_t v;
        std::memcpy(&v, rx.payload, 4);
        REQUIRE(v == i);
        baton_link_consume(&a.b_rx);
    }
    CHECK(a.area->ring[0].head < 0x1000u);
}

TEST_CASE("link: an oversized message is refused by the sender")
{
    Area a;
    std::vector<uint8_t> big(BATON_LINK_PAYLOAD_MAX + 1);
    int ring = 0;
    CHECK(baton_link_send(&a.a_tx, BATON_MSG_NET, big.data(), uint32_t(big.size()), &ring) == -1);
    CHECK(baton_link_send(&a.a_tx, BATON_MSG_NET, big.data(), BATON_LINK_PAYLOAD_MAX, &ring) == 0);
    CHECK(a.area->ring[0].head == 1);
}

TEST_CASE("link: the consumer drops malformed messages a hostile producer writes")
{
    Area a;
    baton_link_rx rx{};
    SECTION("length beyond the slot")
    {
        REQUIRE(send_u32(a.a_tx, 1) == 0);
        baton_link_slot(&a.a_tx, 0)->len = BATON_LINK_PAYLOAD_MAX + 1;
    }
    SECTION("unknown type")
    {
        REQUIRE(send_u32(a.a_tx, 1) == 0);
        baton_link_slot(&a.a_tx, 0)->type = BATON_MSG_MAX + 1;
    }
    SECTION("type zero")
    {
        REQUIRE(send_u32(a.a_tx, 1) == 0);
        baton_link_slot(&a.a_tx, 0)->type = 0;
    }
    CHECK(baton_link_peek(&a.b_rx, &rx) == BATON_LINK_MALFORMED);
    baton_link_consume(&a.b_rx);
    REQUIRE(send_u32(a.a_tx, 2) == 0);
    CHECK(baton_link_peek(&a.b_rx, &rx) == BATON_LINK_OK);
}

TEST_CASE("link: a head more than a ring ahead is caught and resynced")
{
    Area a;
    REQUIRE(send_u32(a.a_tx, 1) == 0);
    a.area->ring[0].head = BATON_LINK_SLOTS + 5;
    baton_link_rx rx{};
    CHECK(baton_link_peek(&a.b_rx, &rx) == BATON_LINK_BAD_INDEX);
    baton_link_resync(&a.b_rx);
    CHECK(baton_link_peek(&a.b_rx, &rx) == BATON_LINK_EMPTY);
}

TEST_CASE("link: a tail the peer moves past head cannot open the ring to overwrites")
{
    Area a;
    REQUIRE(send_u32(a.a_tx, 1) == 0);
    a.area->ring[0].tail = 100;  // "consumed" 99 messages that were never sent
    CHECK(baton_link_reserve(&a.a_tx) == nullptr);
    CHECK(send_u32(a.a_tx, 2) == -2);
    a.area->ring[0].tail = 0xffffffffu - BATON_LINK_SLOTS;  // far behind
    CHECK(send_u32(a.a_tx, 2) == -2);
}

TEST_CASE("link: doorbells only when the other side sleeps")
{
    Area a;
    int ring = 0;
    uint32_t v = 0;
    // The consumer is awake (not armed): no doorbell.
    REQUIRE(baton_link_send(&a.a_tx, BATON_MSG_PING, &v, 4, &ring) == 0);
    CHECK(ring == 0);
    baton_link_rx rx{};
    // Not empty: arming reports work instead of sleeping.
    CHECK(baton_link_arm(&a.b_rx) == 1);
    CHECK(a.area->ring[0].armed == 0);
    REQUIRE(baton_link_peek(&a.b_rx, &rx) == BATON_LINK_OK);
    baton_link_consume(&a.b_rx);
    CHECK(baton_link_arm(&a.b_rx) == 0);
    REQUIRE(baton_link_send(&a.a_tx, BATON_MSG_PING, &v, 4, &ring) == 0);
    CHECK(ring == 1);  // exactly one doorbell per sleep
    REQUIRE(baton_link_send(&a.a_tx, BATON_MSG_PING, &v, 4, &ring) == 0);
    CHECK(ring == 0);

    // want_space: the producer waits, the consumer's next release rings it once.
    Area f;
    for (uint32_t i = 0; i < BATON_LINK_SLOTS; i++)
        REQUIRE(send_u32(f.a_tx, i) == 0);
    CHECK(baton_link_wait_space(&f.a_tx) == 0);
    REQUIRE(baton_link_peek(&f.b_rx, &rx) == BATON_LINK_OK);
    CHECK(baton_link_consume(&f.b_rx) == 1);
    REQUIRE(baton_link_peek(&f.b_rx, &rx) == BATON_LINK_OK);
    CHECK(baton_link_consume(&f.b_rx) == 0);
    CHECK(baton_link_wait_space(&f.a_tx) == 1);
}

TEST_CASE("link: a producer and a consumer thread pass a million messages in order")
{
    Area a;
    constexpr uint32_t n = 1000000;
    std::thread producer([&] {
        for (uint32_t i = 0; i < n;) {
            if (send_u32(a.a_tx, i) == 0)
                i++;
        }
    });
    uint32_t expect = 0, bad = 0;
    baton_link_rx rx{};
    while (expect < n) {
        int r = baton_link_peek(&a.b_rx, &rx);
        if (r == BATON_LINK_EMPTY)
            continue;
        uint32_t v;
        std::memcpy(&v, rx.payload, 4);
        bad += r != BATON_LINK_OK || v != expect;
        expect++;
        baton_link_consume(&a.b_rx);
    }
    producer.join();
    CHECK(bad == 0);
}
