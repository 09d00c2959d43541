/* SPDX-License-Identifier: BSD-3-Clause
 * The driver side the virtio unit tests share (test_virtio.c,
 * test_virtio_intr.c, test_virtio_stats.c): the EAL and the mbuf pools, an RX queue created,
 * filled and wired to a doorbell in plain memory with its simulated device
 * (virtio_test_dev.h) beside it, a TX queue likewise, and polling RX dry. */
#ifndef VIRTIO_TEST_QUEUES_H
#define VIRTIO_TEST_QUEUES_H

#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "sl_eal.h"
#include "virtio_ethdev.h"
#include "sl_test_simdev.h"
#include "virtio_test_dev.h"

#define POOL_SIZE 2048

static struct sl_mempool *pool;		/* 2048-byte data room */
static struct sl_mempool *small_pool;	/* 512-byte data room */
static volatile uint16_t doorbell;	/* the notify "register" */

static inline void setup_once(void)
{
	sl_test_simdev_eal_up("test_virtio", NULL);
	pool = sl_test_simdev_pool("virtio_test", POOL_SIZE, SL_MBUF_DEFAULT_BUF_SIZE);
	small_pool = sl_test_simdev_pool("virtio_test_small", POOL_SIZE, 512 + SL_PKTMBUF_HEADROOM);
}

static inline struct virtio_rx_queue *rxq_new(struct sl_mempool *mp, uint16_t size, int mrg,
					      int scatter, int event_idx, struct dev *d)
{
	struct virtio_rx_queue *rxq = virtio_rx_queue_create(7, 0, size, SL_SOCKET_ID_ANY, mp, mrg,
							     scatter, event_idx,
							     (uint16_t)SL_MIN(32, size / 4));

	ck_assert_ptr_nonnull(rxq);
	rxq->vq.notify = &doorbell;
	rxq->vq.index = 0;
	ck_assert_int_eq(virtio_rx_queue_fill(rxq), 0);
	ck_assert_uint_eq(rxq->vq.avail->idx, size);
	ck_assert_uint_eq(rxq->vq.nb_free, 0);
	memset(d, 0, sizeof(*d));
	d->vq = &rxq->vq;
	return rxq;
}

/* free_thresh 0: the driver's default; size: reclaim before every burst */
static inline struct virtio_tx_queue *txq_new(uint16_t size, int event_idx, uint16_t free_thresh,
				       struct dev *d)
{
	struct virtio_tx_queue *txq =
		virtio_tx_queue_create(7, 0, size, SL_SOCKET_ID_ANY, event_idx,
				       free_thresh ? free_thresh : (uint16_t)SL_MIN(32, size / 4));

	ck_assert_ptr_nonnull(txq);
	sl_test_dma_map_add(txq->hdr_iova, txq->hdr_mem, ((size_t)size + 1) * VIRTIO_NET_HDR_LEN);
	txq->vq.notify = &doorbell;
	txq->vq.index = 1;
	memset(d, 0, sizeof(*d));
	d->vq = &txq->vq;
	return txq;
}

static inline uint16_t drain_rx(struct virtio_rx_queue *rxq, struct sl_mbuf **pkts, uint16_t max)
{
	uint16_t got = 0, n;

	do {
		n = virtio_recv_pkts(rxq, pkts + got, (uint16_t)SL_MIN(32, max - got));
		got = (uint16_t)(got + n);
	} while (n > 0 && got < max);
	return got;
}

/* A test binary's main: one process, the EAL and the pools set up once,
 * the suite make() returns run, then torn down. */
static inline int virtio_test_main(Suite *(*make)(void))
{
	int failed;

	srand(42);
	setup_once();
	failed = sl_test_run_suite(make());
	sl_mempool_free(pool);
	sl_mempool_free(small_pool);
	sl_eal_cleanup();
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}

#endif /* VIRTIO_TEST_QUEUES_H */
