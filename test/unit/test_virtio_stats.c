/* SPDX-License-Identifier: BSD-3-Clause
 * virtio-net's statistics while a poller thread moves frames through the
 * simulated device of virtio_test_dev.h: sl_eth_stats_reset on a started
 * port, checked against what moved after it. The concurrency test of the
 * virtio driver, run under ThreadSanitizer in CI. Needs sl_eal_init
 * --no-huge for the mbuf pools: skipped (77) when that cannot work here. */
#include <check.h>
#include <pthread.h>
#include <sched.h>
#include <string.h>
#include <time.h>

#include "sl_eal.h"
#include "virtio_ethdev.h"
#include "sl_test_simdev.h"
#include "virtio_test_dev.h"
#include "virtio_test_queues.h"

/* A poller thread plays driver and device at once: the device fills
 * received 60-byte frames into what the RX ring offers, the driver takes
 * them and sends them back out through TX, the device consumes TX. The
 * counts of frames moved are relaxed atomics, so TSan sees no
 * happens-before between the poller and the thread resetting the stats:
 * a plain store racing the poller's adds is reported, not hidden. No
 * ck_assert here (the suite runs without fork: one process, one jump
 * buffer); the main thread checks p->error. */
#define POLL_FRAME_LEN 60
#define POLL_BURST 32

struct poller {
	struct virtio_rx_queue *rxq;
	struct virtio_tx_queue *txq;
	struct dev rxd, txd;
	uint64_t moved_rx;	/* frames RX returned, after the burst */
	uint64_t moved_tx;	/* frames TX took, after the burst */
	int stop;
	int error;		/* the device saw a descriptor it should not have */
};

static uint16_t poller_step(struct poller *p)
{
	struct sl_mbuf *pkts[POLL_BURST];
	uint16_t n, sent, k;

	for (k = 0; k < POLL_BURST && dev_avail(&p->rxd) > 0; k++) {
		uint16_t id = p->rxq->vq.avail->ring[p->rxd.last_avail & p->rxq->vq.mask];

		p->rxd.last_avail++;
		if (id >= p->rxq->vq.size || p->rxq->sw_ring[id] == NULL) {
			p->error = 1;
			return 0;
		}
		dev_used(&p->rxd, id, VIRTIO_NET_HDR_LEN + POLL_FRAME_LEN);
	}
	dev_publish(&p->rxd);
	n = virtio_recv_pkts(p->rxq, pkts, POLL_BURST);
	sent = virtio_xmit_pkts(p->txq, pkts, n);
	sl_pktmbuf_free_bulk(pkts + sent, n - sent);
	while (dev_avail(&p->txd) > 0) {
		uint16_t head = p->txq->vq.avail->ring[p->txd.last_avail & p->txq->vq.mask];

		p->txd.last_avail++;
		dev_used(&p->txd, head, 0);
	}
	dev_publish(&p->txd);
	__atomic_store_n(&p->moved_rx, p->moved_rx + n, __ATOMIC_RELAXED);
	__atomic_store_n(&p->moved_tx, p->moved_tx + sent, __ATOMIC_RELAXED);
	return n;
}

static void *poller_run(void *arg)
{
	struct poller *p = arg;

	while (!__atomic_load_n(&p->stop, __ATOMIC_RELAXED) && !p->error)
		poller_step(p);
	return NULL;
}

static uint64_t moved(struct poller *p, int tx)
{
	return __atomic_load_n(tx ? &p->moved_tx : &p->moved_rx, __ATOMIC_RELAXED);
}

/* Until the poller has moved frame number target (both ways); fails after
 * 20 s (a poller that stopped moving). */
static void wait_moved(struct poller *p, uint64_t target)
{
	struct timespec t0, now;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	while (moved(p, 0) < target || moved(p, 1) < target) {
		ck_assert_msg(!__atomic_load_n(&p->error, __ATOMIC_RELAXED),
			      "the simulated device saw a bad descriptor");
		clock_gettime(CLOCK_MONOTONIC, &now);
		ck_assert_msg(now.tv_sec - t0.tv_sec < 20, "poller stuck at %llu/%llu frames",
			      (unsigned long long)moved(p, 0), (unsigned long long)moved(p, 1));
		sched_yield();
	}
}

/* ethdev allows stats_reset on a started port, so under a running poller:
 * after each reset the counters hold what moved after it and nothing from
 * before, within the one burst in flight at the reset and at the read.
 * Each reset follows 1000 frames, so a reset the poller's next add undoes
 * shows up as 1000 too many. Then, with the poller stopped, exact values. */
START_TEST(stats_reset_under_running_poller)
{
	const uint64_t slack = 2 * POLL_BURST;
	unsigned before = sl_mempool_avail_count(pool), round;
	struct poller p;
	struct sl_eth_dev_data data;
	struct sl_eth_dev dev;
	struct sl_eth_stats st;
	void *rxqs[1], *txqs[1];
	pthread_t t;
	uint64_t rx_sum = 0;

	memset(&p, 0, sizeof(p));
	p.rxq = rxq_new(pool, 256, 0, 0, 0, &p.rxd);
	p.txq = txq_new(256, 0, 0, &p.txd);
	memset(&data, 0, sizeof(data));
	memset(&dev, 0, sizeof(dev));
	rxqs[0] = p.rxq;
	txqs[0] = p.txq;
	data.nb_rx_queues = data.nb_tx_queues = 1;
	data.rx_queues = rxqs;
	data.tx_queues = txqs;
	dev.data = &data;

	ck_assert_int_eq(pthread_create(&t, NULL, poller_run, &p), 0);
	for (round = 0; round < 300; round++) {
		uint64_t rx_before, tx_before, rx_after, tx_after, rx_r1, tx_r1, rx_r2, tx_r2;

		wait_moved(&p, SL_MAX(moved(&p, 0), moved(&p, 1)) + 1000);
		rx_before = moved(&p, 0);
		tx_before = moved(&p, 1);
		ck_assert_int_eq(virtio_stats_reset(&dev), 0);
		rx_after = moved(&p, 0);
		tx_after = moved(&p, 1);
		wait_moved(&p, SL_MAX(rx_after, tx_after) + 200);
		memset(&st, 0, sizeof(st));
		rx_r1 = moved(&p, 0);
		tx_r1 = moved(&p, 1);
		ck_assert_int_eq(virtio_stats_get(&dev, &st), 0);
		rx_r2 = moved(&p, 0);
		tx_r2 = moved(&p, 1);
		ck_assert_msg(st.ipackets <= rx_r2 - rx_before + slack,
			      "round %u: ipackets %llu after a reset, but only %llu frames since",
			      round, (unsigned long long)st.ipackets,
			      (unsigned long long)(rx_r2 - rx_before));
		ck_assert_uint_ge(st.ipackets + slack, rx_r1 - rx_after);
		ck_assert_msg(st.opackets <= tx_r2 - tx_before + slack,
			      "round %u: opackets %llu after a reset, but only %llu frames since",
			      round, (unsigned long long)st.opackets,
			      (unsigned long long)(tx_r2 - tx_before));
		ck_assert_uint_ge(st.opackets + slack, tx_r1 - tx_after);
		ck_assert_uint_eq(st.q_ipackets[0], st.ipackets);
		ck_assert_uint_eq(st.q_opackets[0], st.opackets);
		ck_assert_uint_eq(st.ierrors + st.oerrors + st.rx_nombuf, 0);
	}
	__atomic_store_n(&p.stop, 1, __ATOMIC_RELAXED);
	ck_assert_int_eq(pthread_join(t, NULL), 0);
	ck_assert(!p.error);

	/* stopped: a reset, then exactly what moves */
	ck_assert_int_eq(virtio_stats_reset(&dev), 0);
	memset(&st, 0, sizeof(st));
	ck_assert_int_eq(virtio_stats_get(&dev, &st), 0);
	ck_assert_uint_eq(st.ipackets + st.ibytes + st.opackets + st.obytes, 0);
	for (round = 0; round < 10; round++)
		rx_sum += poller_step(&p);
	ck_assert_uint_gt(rx_sum, 0);
	memset(&st, 0, sizeof(st));
	ck_assert_int_eq(virtio_stats_get(&dev, &st), 0);
	ck_assert_uint_eq(st.ipackets, rx_sum);
	ck_assert_uint_eq(st.ibytes, rx_sum * POLL_FRAME_LEN);
	ck_assert_uint_eq(st.opackets, rx_sum);
	ck_assert_uint_eq(st.obytes, rx_sum * POLL_FRAME_LEN);
	ck_assert_uint_eq(st.q_ibytes[0], st.ibytes);
	ck_assert_uint_eq(st.q_obytes[0], st.obytes);

	virtio_rx_queue_destroy(p.rxq);
	virtio_tx_queue_destroy(p.txq);
	ck_assert_uint_eq(sl_mempool_avail_count(pool), before);
}
END_TEST

static Suite *virtio_stats_suite(void)
{
	Suite *s = suite_create("virtio_stats");
	TCase *stats = tcase_create("stats");

	tcase_add_test(stats, stats_reset_under_running_poller);
	suite_add_tcase(s, stats);
	return s;
}

int main(void)
{
	return virtio_test_main(virtio_stats_suite);
}
