/* SPDX-License-Identifier: BSD-3-Clause
 * The vmxnet3 fast path (drivers/net/vmxnet3/vmxnet3_rxtx.c) against a
 * simulated device: the test plays the device on the driver's rings the
 * way QEMU 7.2's model does (ring-0 head buffers, ring-1 body buffers for
 * the rest of a frame, one completion per buffer and per sent frame,
 * generation bits on every ring, TXPROD in a BAR0 of plain memory) and, on
 * purpose, the way a broken one would: completions naming another ring,
 * an index out of order, lengths beyond the buffer, ERR frames, a TX
 * completion outside what is in flight. Also the RX interrupt ops (the
 * IMR in BAR0, the queue's eventfd). Checks that good frames arrive
 * whole (also as chains), every refilled descriptor carries the
 * generation of the device's next lap, a bad value stops the queue with
 * nothing more read or posted, and every mbuf goes back. Needs
 * sl_eal_init --no-huge: skipped (77) when that cannot work here. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "sl_eal.h"
#include "sl_test_simdev.h"
#include "vmxnet3_ethdev.h"

#define POOL_SIZE 4096
#define RING 64
#define BUF_LEN 2048

static struct sl_mempool *pool;
/* what the pool held before the test: every test gives back what it took */
static unsigned pool_before;
/* BAR0 of the simulated device: the driver's doorbell writes land here */
static uint8_t bar0[VMXNET3_BAR0_MIN_LEN] __attribute__((aligned(8)));

static uint32_t txprod(uint16_t q)
{
	return *(volatile uint32_t *)(bar0 + VMXNET3_REG_TXPROD(q));
}

/* ---- the simulated device: RX -------------------------------------------------- */

struct rxdev {
	struct vmxnet3_rx_queue *q;
	uint16_t next[2];
	uint8_t gen[2];
	uint16_t comp_next;
	uint8_t comp_gen;
};

static void rxdev_init(struct rxdev *d, struct vmxnet3_rx_queue *q)
{
	memset(d, 0, sizeof(*d));
	d->q = q;
	d->gen[0] = d->gen[1] = d->comp_gen = 1;
}

/* Whether the next descriptor of ring r is the device's (its gen bit is
 * that of the device's lap). */
static int rxdev_has(const struct rxdev *d, unsigned r)
{
	const volatile struct vmxnet3_rx_desc *desc = &d->q->ring[r].desc[d->next[r]];

	return !!(desc->len_btype_gen & VMXNET3_RXD_GEN) == d->gen[r];
}

/* The next descriptor of ring r, which must be the device's. */
static volatile struct vmxnet3_rx_desc *rxdev_take(struct rxdev *d, unsigned r, uint16_t *idx)
{
	volatile struct vmxnet3_rx_desc *desc = &d->q->ring[r].desc[d->next[r]];

	ck_assert_msg(rxdev_has(d, r), "ring %u descriptor %u: gen %u, the device's lap has %u", r,
		      d->next[r], !!(desc->len_btype_gen & VMXNET3_RXD_GEN), d->gen[r]);
	ck_assert_uint_eq(!!(desc->len_btype_gen & VMXNET3_RXD_BTYPE_BODY), r);
	*idx = d->next[r];
	if (++d->next[r] == d->q->ring[r].nb_desc) {
		d->next[r] = 0;
		d->gen[r] ^= 1;
	}
	return desc;
}

static void rxdev_complete(struct rxdev *d, uint32_t rqid, uint32_t idx, uint32_t len, int sop,
			   int eop, int err)
{
	volatile struct vmxnet3_rx_comp_desc *c = &d->q->comp[d->comp_next];

	c->idx_flags = idx | rqid << VMXNET3_RCD_RQID_SHIFT | (sop ? VMXNET3_RCD_SOP : 0) |
		       (eop ? VMXNET3_RCD_EOP : 0);
	c->len_err = len | (err ? VMXNET3_RCD_ERR : 0);
	c->csum_gen = d->comp_gen ? VMXNET3_RCD_GEN : 0;
	if (++d->comp_next == d->q->comp_size) {
		d->comp_next = 0;
		d->comp_gen ^= 1;
	}
}

/* Receives frame seed of len bytes as QEMU does: ring 0 first, then ring 1
 * (rqID 1: ring 1 of queue 0 with one RX queue). */
static void rxdev_frame(struct rxdev *d, uint32_t len, uint32_t seed)
{
	static uint8_t data[16384];
	uint32_t off = 0;
	unsigned r = 0;

	sl_test_fill_pattern(data, len, seed);
	while (off < len) {
		uint16_t idx;
		volatile struct vmxnet3_rx_desc *desc = rxdev_take(d, r, &idx);
		uint32_t room = desc->len_btype_gen & VMXNET3_RXD_LEN_MASK;
		uint32_t n = len - off < room ? len - off : room;

		memcpy(sl_test_dma_va(desc->addr, n), data + off, n);
		rxdev_complete(d, r, idx, n, off == 0, off + n == len, 0);
		off += n;
		r = 1;
	}
}

/* A started queue of RING descriptors (armed from mp; none: left empty)
 * and the device playing it. */
static struct vmxnet3_rx_queue *rx_start(struct rxdev *d, struct sl_mempool *mp, uint8_t scatter)
{
	struct vmxnet3_rx_queue *q = NULL;

	ck_assert_int_eq(vmxnet3_rx_queue_create(0, 0, RING, SL_SOCKET_ID_ANY, mp, BUF_LEN, scatter,
						 bar0, &q),
			 0);
	ck_assert_int_eq(vmxnet3_rx_queue_init(q), 0);
	rxdev_init(d, q);
	return q;
}

/* The device gave the queue a bad value: nothing (more) received, the
 * value counted once, the queue stopped for good. */
static void rx_expect_stopped(struct vmxnet3_rx_queue *q)
{
	struct sl_mbuf *m[8];
	int i;

	for (i = 0; i < 2; i++) {
		ck_assert_uint_eq(vmxnet3_recv_pkts(q, m, 8), 0);
		ck_assert_uint_eq(q->bad_values, 1);
		ck_assert(q->stopped);
	}
	vmxnet3_rx_queue_destroy(q);
}

static void pool_mark(void)
{
	pool_before = sl_mempool_avail_count(pool);
}

static void pool_check(void)
{
	ck_assert_uint_eq(sl_mempool_avail_count(pool), pool_before);
}

/* ---- RX ------------------------------------------------------------------- */

/* count frames of min_len..max_len bytes (stepping by step) arrive whole,
 * each in ceil(len / BUF_LEN) buffers, with nothing counted as bad. */
static void rx_frames_arrive(uint8_t scatter, uint32_t count, uint32_t min_len, uint32_t max_len,
			     uint32_t step)
{
	struct rxdev d;
	struct vmxnet3_rx_queue *q = rx_start(&d, pool, scatter);
	struct sl_mbuf *m[8];
	uint32_t i;

	for (i = 0; i < count; i++) {
		uint32_t len = min_len + (i * step) % (max_len - min_len + 1);

		rxdev_frame(&d, len, i);
		ck_assert_uint_eq(vmxnet3_recv_pkts(q, m, 8), 1);
		ck_assert_uint_eq(m[0]->nb_segs, (len + BUF_LEN - 1) / BUF_LEN);
		sl_test_check_pkt(m[0], len, i);
		sl_pktmbuf_free(m[0]);
	}
	ck_assert_uint_eq(vmxnet3_recv_pkts(q, m, 8), 0);
	ck_assert_uint_eq(sl_eth_qcnt_read(&q->cnt, SL_QCNT_PKTS), count);
	ck_assert_uint_eq(q->bad_values, 0);
	ck_assert(!q->stopped);
	vmxnet3_rx_queue_destroy(q);
}

/* five times round ring 0 and the completion ring: every generation flip
 * on both sides, each refilled descriptor taken again */
START_TEST(rx_frames_wrap_and_refill)
{
	rx_frames_arrive(0, 5 * RING, 60, 1514, 37);
}
END_TEST

/* heads from ring 0, the rest from ring 1, three laps of ring 0 */
START_TEST(rx_jumbo_frames_become_chains)
{
	rx_frames_arrive(1, 3 * RING, 2049, 9018, 977);
}
END_TEST

START_TEST(rx_bad_index_stops_queue)
{
	struct rxdev d;
	struct vmxnet3_rx_queue *q = rx_start(&d, pool, 0);
	struct sl_mbuf *m[8];

	rxdev_frame(&d, 100, 1);
	/* a completion for descriptor 5 while 1 is the next */
	rxdev_complete(&d, 0, 5, 100, 1, 1, 0);
	rxdev_frame(&d, 100, 2);
	/* the frame before it arrives, nothing after */
	ck_assert_uint_eq(vmxnet3_recv_pkts(q, m, 8), 1);
	sl_test_check_pkt(m[0], 100, 1);
	sl_pktmbuf_free(m[0]);
	rx_expect_stopped(q);
}
END_TEST

START_TEST(rx_other_ring_id_stops_queue)
{
	struct rxdev d;

	/* ring 1 of a queue that does not scatter */
	rx_start(&d, pool, 0);
	rxdev_complete(&d, 1, 0, 100, 1, 1, 0);
	rx_expect_stopped(d.q);
	/* a ring of another queue */
	rx_start(&d, pool, 1);
	rxdev_complete(&d, 7, 0, 100, 1, 1, 0);
	rx_expect_stopped(d.q);
}
END_TEST

START_TEST(rx_bad_length_stops_queue)
{
	struct rxdev d;
	struct vmxnet3_rx_queue *q = rx_start(&d, pool, 1);
	uint16_t idx;

	rxdev_take(&d, 0, &idx);
	rxdev_complete(&d, 0, idx, BUF_LEN + 1u, 1, 1, 0);
	rx_expect_stopped(q);
}
END_TEST

START_TEST(rx_err_frame_dropped)
{
	struct vmxnet3_rx_queue *q;
	struct sl_mbuf *m[8];
	struct rxdev d;
	uint16_t idx;

	q = rx_start(&d, pool, 1);
	/* a two-buffer frame the device cut short (ERR on the last) */
	rxdev_take(&d, 0, &idx);
	rxdev_complete(&d, 0, idx, BUF_LEN, 1, 0, 0);
	rxdev_take(&d, 1, &idx);
	rxdev_complete(&d, 1, idx, 10, 0, 1, 1);
	rxdev_frame(&d, 300, 9);
	ck_assert_uint_eq(vmxnet3_recv_pkts(q, m, 8), 1);
	sl_test_check_pkt(m[0], 300, 9);
	sl_pktmbuf_free(m[0]);
	ck_assert_uint_eq(sl_eth_qcnt_read(&q->cnt, SL_QCNT_ERRORS), 1);
	ck_assert_uint_eq(q->bad_values, 0);
	ck_assert(!q->stopped);
	vmxnet3_rx_queue_destroy(q);
}
END_TEST

/* The driver's queue of a port without RX queues: the device finds no
 * buffer on either ring, the driver reads nothing. */
START_TEST(rx_queue_without_pool_posts_nothing)
{
	struct vmxnet3_rx_queue *q;
	struct rxdev d;
	unsigned r, i;

	q = rx_start(&d, NULL, 0);
	for (r = 0; r < 2; r++)
		for (i = 0; i < RING; i++) {
			d.next[r] = (uint16_t)i;
			ck_assert(!rxdev_has(&d, r));
			ck_assert_uint_eq(q->ring[r].desc[i].addr, 0);
		}
	vmxnet3_rx_queue_destroy(q);
}
END_TEST

/* ---- RX interrupts ------------------------------------------------------- */

/* Queue 0 of a port made by hand for the interrupt ops, with the eventfd
 * ethdev gives it at start and the adapter whose BAR0 is the test's. */
struct intr_port {
	struct sl_eth_dev dev;
	struct sl_eth_dev_data data;
	struct vmxnet3_adapter ad;
	void *rxq;
	struct sl_eth_rx_intr intr;
};

static void intr_port_init(struct intr_port *p, struct vmxnet3_rx_queue *q)
{
	memset(p, 0, sizeof(*p));
	p->ad.bar0 = bar0;
	p->dev.data = &p->data;
	p->data.dev_private = &p->ad;
	p->data.nb_rx_queues = 1;
	p->data.rx_queues = &p->rxq;
	p->data.rx_intr = &p->intr;
	p->data.dev_conf.intr_conf.rxq = 1;
	p->rxq = q;
	p->intr.fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	ck_assert_int_ge(p->intr.fd, 0);
}

/* Whether the queue's fd was signalled since the last look. */
static int woken(const struct intr_port *p)
{
	uint64_t v;

	return read(p->intr.fd, &v, sizeof(v)) == sizeof(v);
}

static uint32_t rx_imr(void)
{
	return *(volatile uint32_t *)(bar0 + VMXNET3_REG_IMR(VMXNET3_VEC_RX));
}

/* Enable unmasks the RX vector and, a frame completed meanwhile (which
 * raised nothing while masked), wakes the lcore itself; disable masks it
 * again. A stopped queue never wakes it. */
START_TEST(rx_intr_enable_unmasks_and_rechecks)
{
	struct rxdev d;
	struct vmxnet3_rx_queue *q = rx_start(&d, pool, 0);
	struct sl_mbuf *m[8];
	struct intr_port p;

	intr_port_init(&p, q);
	ck_assert_int_eq(vmxnet3_rx_queue_intr_enable(&p.dev, 0), 0);
	ck_assert_uint_eq(rx_imr(), 0);
	ck_assert(!woken(&p));
	ck_assert_int_eq(vmxnet3_rx_queue_intr_disable(&p.dev, 0), 0);
	ck_assert_uint_eq(rx_imr(), 1);

	rxdev_frame(&d, 100, 1);
	ck_assert_int_eq(vmxnet3_rx_queue_intr_enable(&p.dev, 0), 0);
	ck_assert_uint_eq(rx_imr(), 0);
	ck_assert(woken(&p));
	ck_assert_int_eq(vmxnet3_rx_queue_intr_disable(&p.dev, 0), 0);
	ck_assert_uint_eq(vmxnet3_recv_pkts(q, m, 8), 1);
	sl_pktmbuf_free(m[0]);
	ck_assert_int_eq(vmxnet3_rx_queue_intr_enable(&p.dev, 0), 0);
	ck_assert(!woken(&p));

	rxdev_frame(&d, 100, 2);
	q->stopped = 1;
	ck_assert_int_eq(vmxnet3_rx_queue_intr_enable(&p.dev, 0), 0);
	ck_assert(!woken(&p));
	close(p.intr.fd);
	vmxnet3_rx_queue_destroy(q);
}
END_TEST

/* ---- the simulated device: TX ---------------------------------------------------- */

struct txdev {
	struct vmxnet3_tx_queue *q;
	uint16_t next, comp_next;
	uint8_t gen, comp_gen;
};

/* Sends what the driver posted, as QEMU does on the TXPROD write: checks
 * each frame against pattern seed + n (len bytes); returns the frames. */
static unsigned txdev_run(struct txdev *d, uint32_t seed, uint32_t len)
{
	static uint8_t buf[16384], want[16384];
	unsigned frames = 0;
	uint32_t off = 0;

	for (;;) {
		volatile struct vmxnet3_tx_desc *desc = &d->q->desc[d->next];
		uint16_t idx = d->next;
		uint32_t n;

		if (!!(desc->len_gen & VMXNET3_TXD_GEN) != d->gen)
			return frames;
		n = desc->len_gen & VMXNET3_TXD_LEN_MASK;
		ck_assert_uint_le(off + n, sizeof(buf));
		memcpy(buf + off, sl_test_dma_va(desc->addr, n), n);
		off += n;
		if (++d->next == d->q->nb_desc) {
			d->next = 0;
			d->gen ^= 1;
		}
		if (desc->flags & VMXNET3_TXD_EOP) {
			volatile struct vmxnet3_tx_comp_desc *c = &d->q->comp[d->comp_next];

			ck_assert(desc->flags & VMXNET3_TXD_CQ);
			sl_test_fill_pattern(want, len, seed + frames);
			ck_assert_uint_eq(off, len);
			ck_assert(memcmp(buf, want, len) == 0);
			c->txd_idx = idx;
			c->type_gen = d->comp_gen ? VMXNET3_TCD_GEN : 0;
			if (++d->comp_next == d->q->nb_desc) {
				d->comp_next = 0;
				d->comp_gen ^= 1;
			}
			frames++;
			off = 0;
		}
	}
}

static struct vmxnet3_tx_queue *txq_new(void)
{
	struct vmxnet3_tx_queue *q = NULL;

	ck_assert_int_eq(vmxnet3_tx_queue_create(0, 0, RING, SL_SOCKET_ID_ANY, bar0, &q), 0);
	vmxnet3_tx_queue_init(q);
	memset(bar0, 0, sizeof(bar0));
	return q;
}

/* ---- TX ------------------------------------------------------------------- */

START_TEST(tx_frames_chains_and_reclaim)
{
	struct vmxnet3_tx_queue *q = txq_new();
	struct txdev d = { .q = q, .gen = 1, .comp_gen = 1 };
	struct sl_mbuf *m[4];
	uint32_t i, k;

	/* chains of 1 to 3 segments, four laps of the ring */
	for (i = 0; i < 4 * RING; i += 4) {
		for (k = 0; k < 4; k++)
			m[k] = sl_test_make_pkt(pool, 1500, i + k, 1 + (i + k) % 3);
		ck_assert_uint_eq(vmxnet3_xmit_pkts(q, m, 4), 4);
		ck_assert_uint_eq(txprod(0), q->tail);
		ck_assert_uint_eq(txdev_run(&d, i, 1500), 4);
	}
	ck_assert_uint_eq(vmxnet3_xmit_pkts(q, m, 0), 0);	/* reclaims */
	ck_assert_uint_eq(q->nb_free, RING);
	ck_assert_uint_eq(sl_eth_qcnt_read(&q->cnt, SL_QCNT_PKTS), 4 * RING);
	ck_assert_uint_eq(q->bad_values, 0);
	vmxnet3_tx_queue_destroy(q);
}
END_TEST

START_TEST(tx_bad_completion_stops_queue)
{
	struct vmxnet3_tx_queue *q = txq_new();
	struct sl_mbuf *m[2];
	uint32_t prod;

	m[0] = sl_test_make_pkt(pool, 100, 1, 1);
	m[1] = sl_test_make_pkt(pool, 100, 2, 1);
	ck_assert_uint_eq(vmxnet3_xmit_pkts(q, m, 2), 2);
	prod = txprod(0);
	ck_assert_uint_eq(prod, 2);
	/* frame 0 ends at descriptor 0; the device names 2, not in flight */
	q->comp[0].txd_idx = 2;
	q->comp[0].type_gen = VMXNET3_TCD_GEN;
	m[0] = sl_test_make_pkt(pool, 100, 3, 1);
	/* the burst that finds it posts nothing: no descriptor handed over,
	 * no doorbell, the packet stays the caller's */
	ck_assert_uint_eq(vmxnet3_xmit_pkts(q, m, 1), 0);
	ck_assert_uint_eq(q->bad_values, 1);
	ck_assert(q->stopped);
	ck_assert(!(q->desc[2].len_gen & VMXNET3_TXD_GEN));
	ck_assert_uint_eq(txprod(0), prod);
	ck_assert_uint_eq(q->nb_free, RING - 2);
	ck_assert_uint_eq(vmxnet3_xmit_pkts(q, m, 1), 0);
	ck_assert_uint_eq(q->bad_values, 1);
	sl_pktmbuf_free(m[0]);
	vmxnet3_tx_queue_destroy(q);
}
END_TEST

static Suite *vmxnet3_suite(void)
{
	Suite *s = suite_create("vmxnet3");
	TCase *rx = tcase_create("rx");
	TCase *tx = tcase_create("tx");

	tcase_add_checked_fixture(rx, pool_mark, pool_check);
	tcase_add_checked_fixture(tx, pool_mark, pool_check);
	tcase_add_test(rx, rx_frames_wrap_and_refill);
	tcase_add_test(rx, rx_jumbo_frames_become_chains);
	tcase_add_test(rx, rx_bad_index_stops_queue);
	tcase_add_test(rx, rx_other_ring_id_stops_queue);
	tcase_add_test(rx, rx_bad_length_stops_queue);
	tcase_add_test(rx, rx_err_frame_dropped);
	tcase_add_test(rx, rx_queue_without_pool_posts_nothing);
	tcase_add_test(rx, rx_intr_enable_unmasks_and_rechecks);
	suite_add_tcase(s, rx);
	tcase_add_test(tx, tx_frames_chains_and_reclaim);
	tcase_add_test(tx, tx_bad_completion_stops_queue);
	suite_add_tcase(s, tx);
	return s;
}

int main(void)
{
	int failed;

	sl_test_simdev_eal_up("test_vmxnet3", NULL);
	pool = sl_test_simdev_pool("vmxnet3_test", POOL_SIZE, SL_MBUF_DEFAULT_BUF_SIZE);
	failed = sl_test_run_suite(vmxnet3_suite());
	sl_mempool_free(pool);
	sl_eal_cleanup();
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
