/* SPDX-License-Identifier: BSD-3-Clause
 * The virtio-net fast path against a simulated device: the test plays the
 * device side of split virtqueues (spec 2.7) on plain memory, reading the
 * available ring and descriptors the driver wrote and writing used entries
 * the way QEMU's virtio-net does, and, on purpose, the way a broken or
 * hostile device would: used ids outside the ring or not in flight, used
 * indexes that run ahead, lengths larger than the buffer, bad num_buffers.
 * Checks that good frames arrive whole (merged buffers become chains, also
 * across bursts), that TX puts the header in the headroom only when the
 * mbuf is its own, never posts a zero-length descriptor, reclaims in bulk
 * and frees every mbuf exactly once, that doorbells ring only when the
 * device asked (flag and EVENT_IDX suppression), and that every bad device
 * value is counted, stops or drops without touching memory outside the
 * posted buffers. Interrupts: a polled RX ring never asks for one (flag,
 * or EVENT_IDX's used_event kept out of the device's reach over 3 x 65536
 * completions), enable asks for one at the next entry and wakes the
 * queue's eventfd itself when an entry is already there, the INTx demux
 * wakes armed queues only, and too few MSI-X vectors are refused in one
 * line naming QEMU's vectors=. Needs sl_eal_init --no-huge for the mbuf pools: skipped
 * (77) when that cannot work here. */
#include <check.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <time.h>
#include <unistd.h>

#include "sl_eal.h"
#include "virtio_ethdev.h"
#include "sl_test_simdev.h"
#include "virtio_test_dev.h"

#define POOL_SIZE 2048
#define HDR VIRTIO_NET_HDR_LEN

static struct sl_mempool *pool;		/* 2048-byte data room */
static struct sl_mempool *small_pool;	/* 512-byte data room */
static volatile uint16_t doorbell;	/* the notify "register" */

static void setup_once(void)
{
	sl_test_simdev_eal_up("test_virtio", NULL);
	pool = sl_test_simdev_pool("virtio_test", POOL_SIZE, SL_MBUF_DEFAULT_BUF_SIZE);
	small_pool = sl_test_simdev_pool("virtio_test_small", POOL_SIZE, 512 + SL_PKTMBUF_HEADROOM);
}

/* ---- RX ------------------------------------------------------------------------- */

static struct virtio_rx_queue *rxq_new(struct sl_mempool *mp, uint16_t size, int mrg, int scatter,
				       int event_idx, struct dev *d)
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

/* QEMU's virtio_net_receive: takes as many buffers as the frame needs
 * (each one descriptor, device-writable), header in the first with
 * num_buffers, then one used entry per buffer. Returns buffers used, or
 * -1 when the ring has too few (the device would wait). Not published. */
static int dev_rx(struct dev *d, struct virtio_rx_queue *rxq, const uint8_t *frame, uint32_t len)
{
	struct virtio_net_hdr hdr;
	uint32_t off = 0, cap = rxq->buf_len, need;
	uint16_t n = 0, i;
	uint8_t *first = NULL;

	need = (len + HDR + cap - 1) / cap;
	if (!rxq->mrg_rxbuf && need > 1)
		return -1;
	if (dev_avail(d) < need)
		return -1;
	for (i = 0; i < need; i++) {
		uint16_t id = dev_pop(d);
		volatile struct vring_desc *desc = &d->vq->desc[id];
		uint32_t skip = i == 0 ? HDR : 0, chunk = SL_MIN(len - off, desc->len - skip);
		uint8_t *va;

		ck_assert_uint_eq(desc->flags, VRING_DESC_F_WRITE);
		ck_assert_uint_eq(desc->len, cap);
		va = sl_test_dma_va(desc->addr, desc->len);
		/* the frame lands at the mbuf's data offset */
		ck_assert_ptr_eq(va + HDR, sl_pktmbuf_mtod(rxq->sw_ring[id], uint8_t *));
		if (i == 0)
			first = va;
		memcpy(va + skip, frame + off, chunk);
		off += chunk;
		n++;
		dev_used(d, id, chunk + skip);
	}
	memset(&hdr, 0, sizeof(hdr));
	hdr.num_buffers = n;
	memcpy(first, &hdr, HDR);
	return n;
}

static uint16_t drain_rx(struct virtio_rx_queue *rxq, struct sl_mbuf **pkts, uint16_t max)
{
	uint16_t got = 0, n;

	do {
		n = virtio_recv_pkts(rxq, pkts + got, (uint16_t)SL_MIN(32, max - got));
		got = (uint16_t)(got + n);
	} while (n > 0 && got < max);
	return got;
}

START_TEST(rx_frames_all_sizes_and_refill)
{
	struct dev d;
	unsigned before = sl_mempool_avail_count(pool);
	struct virtio_rx_queue *rxq = rxq_new(pool, 64, 1, 0, 0, &d);
	struct sl_mbuf *pkts[64];
	uint8_t frame[2048];
	unsigned total = 0, seq = 0;

	ck_assert_uint_eq(sl_mempool_avail_count(pool), before - 64);
	while (total < 1000) {
		unsigned burst = 1 + (unsigned)rand() % 40, i, got;

		for (i = 0; i < burst && total < 1000; i++) {
			uint32_t len = 60 + (total * 37) % 1455;

			sl_test_fill_pattern(frame, len, total);
			if (dev_rx(&d, rxq, frame, len) < 0)
				break;
			total++;
		}
		dev_publish(&d);
		got = drain_rx(rxq, pkts, 64);
		for (i = 0; i < got; i++, seq++) {
			ck_assert_uint_eq(pkts[i]->nb_segs, 1);
			ck_assert_uint_eq(pkts[i]->port, 7);
			sl_test_check_pkt(pkts[i], 60 + (seq * 37) % 1455, seq);
		}
		sl_pktmbuf_free_bulk(pkts, got);
	}
	ck_assert_uint_eq(seq, total);
	ck_assert_uint_eq(sl_eth_qcnt_read(&rxq->cnt, SL_QCNT_PKTS), total);
	ck_assert_uint_eq(sl_eth_qcnt_read(&rxq->cnt, SL_QCNT_ERRORS) + rxq->bad_len + rxq->bad_id, 0);
	/* the ring stayed full: refills happened in bursts, no buffer lost */
	ck_assert_uint_eq((uint16_t)(rxq->vq.avail->idx - d.last_avail) + rxq->vq.nb_free, 64);
	virtio_rx_queue_destroy(rxq);
	ck_assert_uint_eq(sl_mempool_avail_count(pool), before);
}
END_TEST

START_TEST(rx_merged_buffers_become_chains)
{
	struct dev d;
	unsigned before = sl_mempool_avail_count(small_pool);
	struct virtio_rx_queue *rxq = rxq_new(small_pool, 64, 1, 1, 0, &d);
	struct sl_mbuf *pkts[8];
	static uint8_t frame[9100];
	int n;

	/* 9014 bytes in 524-byte buffers: 18 of them */
	sl_test_fill_pattern(frame, 9014, 3);
	n = dev_rx(&d, rxq, frame, 9014);
	ck_assert_int_eq(n, 18);
	dev_publish(&d);
	ck_assert_uint_eq(drain_rx(rxq, pkts, 8), 1);
	ck_assert_uint_eq(pkts[0]->nb_segs, 18);
	ck_assert_uint_eq(pkts[0]->data_len, 512);
	sl_test_check_pkt(pkts[0], 9014, 3);
	sl_pktmbuf_free(pkts[0]);

	/* the device has published 2 of a frame's 4 buffers when the driver
	 * polls: nothing yet, the partial chain is kept for the next burst */
	sl_test_fill_pattern(frame, 1800, 4);
	ck_assert_int_eq(dev_rx(&d, rxq, frame, 1800), 4);
	d.vq->used->idx = (uint16_t)(d.used_idx - 2);
	ck_assert_uint_eq(virtio_recv_pkts(rxq, pkts, 8), 0);
	ck_assert_ptr_nonnull(rxq->pkt_first);
	dev_publish(&d);
	ck_assert_uint_eq(virtio_recv_pkts(rxq, pkts, 8), 1);
	sl_test_check_pkt(pkts[0], 1800, 4);
	sl_pktmbuf_free(pkts[0]);
	ck_assert_uint_eq(sl_eth_qcnt_read(&rxq->cnt, SL_QCNT_ERRORS), 0);
	virtio_rx_queue_destroy(rxq);
	ck_assert_uint_eq(sl_mempool_avail_count(small_pool), before);
}
END_TEST

START_TEST(rx_merged_frame_dropped_without_scatter)
{
	struct dev d;
	unsigned before = sl_mempool_avail_count(small_pool);
	struct virtio_rx_queue *rxq = rxq_new(small_pool, 64, 1, 0, 0, &d);
	struct sl_mbuf *pkts[8];
	uint8_t frame[2000];

	sl_test_fill_pattern(frame, 2000, 1);
	ck_assert_int_eq(dev_rx(&d, rxq, frame, 2000), 4);
	sl_test_fill_pattern(frame, 300, 2);
	ck_assert_int_eq(dev_rx(&d, rxq, frame, 300), 1);
	dev_publish(&d);
	ck_assert_uint_eq(drain_rx(rxq, pkts, 8), 1);
	sl_test_check_pkt(pkts[0], 300, 2);
	sl_pktmbuf_free(pkts[0]);
	ck_assert_uint_eq(sl_eth_qcnt_read(&rxq->cnt, SL_QCNT_ERRORS), 1);
	virtio_rx_queue_destroy(rxq);
	ck_assert_uint_eq(sl_mempool_avail_count(small_pool), before);
}
END_TEST

/* A used id outside the ring, or one that is not in flight (a second
 * completion of the same buffer): the queue stops, nothing is freed twice,
 * frames before the bad entry are delivered. */
START_TEST(rx_bad_used_id_stops_queue)
{
	static const uint32_t bad_ids[] = { 64, 65535, 0xffffffffu, 1000 };
	unsigned before = sl_mempool_avail_count(pool), k;

	for (k = 0; k < SL_DIM(bad_ids) + 1; k++) {
		struct dev d;
		struct virtio_rx_queue *rxq = rxq_new(pool, 64, 1, 0, 0, &d);
		struct sl_mbuf *pkts[8];
		uint8_t frame[100];
		uint16_t id;

		sl_test_fill_pattern(frame, 100, 9);
		ck_assert_int_eq(dev_rx(&d, rxq, frame, 100), 1);
		if (k < SL_DIM(bad_ids)) {
			dev_pop(&d);
			dev_used(&d, bad_ids[k], 100);
		} else {
			/* the buffer just completed, completed again */
			id = (uint16_t)d.vq->used->ring[0].id;
			dev_used(&d, id, 100);
		}
		ck_assert_int_eq(dev_rx(&d, rxq, frame, 100), 1);
		dev_publish(&d);
		ck_assert_uint_eq(virtio_recv_pkts(rxq, pkts, 8), 1);
		sl_test_check_pkt(pkts[0], 100, 9);
		sl_pktmbuf_free(pkts[0]);
		ck_assert_uint_eq(rxq->bad_id, 1);
		ck_assert(rxq->vq.broken);
		ck_assert(rxq->warned & VIRTIO_WARN_BAD_ID);
		/* stopped: later bursts take nothing, touch nothing */
		ck_assert_uint_eq(virtio_recv_pkts(rxq, pkts, 8), 0);
		ck_assert_uint_eq(rxq->bad_id, 1);
		/* a restart (drain after the reset) brings it back */
		virtio_rx_queue_drain(rxq);
		ck_assert(!rxq->vq.broken);
		virtio_rx_queue_destroy(rxq);
		ck_assert_uint_eq(sl_mempool_avail_count(pool), before);
	}
}
END_TEST

START_TEST(rx_used_idx_running_ahead_stops_queue)
{
	struct dev d;
	unsigned before = sl_mempool_avail_count(pool);
	struct virtio_rx_queue *rxq = rxq_new(pool, 64, 1, 0, 0, &d);
	struct sl_mbuf *pkts[8];

	/* 65 completions claimed, 64 buffers in flight */
	d.vq->used->idx = 65;
	ck_assert_uint_eq(virtio_recv_pkts(rxq, pkts, 8), 0);
	ck_assert(rxq->vq.broken);
	ck_assert(rxq->warned & VIRTIO_WARN_USED_IDX);
	ck_assert_uint_eq(rxq->vq.used_idx, 0);
	virtio_rx_queue_destroy(rxq);
	ck_assert_uint_eq(sl_mempool_avail_count(pool), before);
}
END_TEST

/* Lengths the buffer cannot hold, first buffers with no byte after the
 * 12-byte header, and num_buffers of 0 or beyond the ring drop the frame (counted, logged
 * once) and the queue goes on. */
START_TEST(rx_bad_lengths_drop_frames)
{
	struct dev d;
	unsigned before = sl_mempool_avail_count(small_pool);
	struct virtio_rx_queue *rxq = rxq_new(small_pool, 64, 1, 1, 0, &d);
	struct sl_mbuf *pkts[16];
	uint8_t frame[1200];
	struct virtio_net_hdr *hdr;
	uint16_t id;

	sl_test_fill_pattern(frame, 200, 1);
	/* 1: length one past the buffer */
	ck_assert_int_eq(dev_rx(&d, rxq, frame, 200), 1);
	d.vq->used->ring[(d.used_idx - 1) & d.vq->mask].len = rxq->buf_len + 1u;
	/* 2: a huge length */
	ck_assert_int_eq(dev_rx(&d, rxq, frame, 200), 1);
	d.vq->used->ring[(d.used_idx - 1) & d.vq->mask].len = 0xffffffffu;
	/* 3: shorter than the header */
	ck_assert_int_eq(dev_rx(&d, rxq, frame, 200), 1);
	d.vq->used->ring[(d.used_idx - 1) & d.vq->mask].len = HDR - 1;
	/* 4: num_buffers 0 */
	ck_assert_int_eq(dev_rx(&d, rxq, frame, 200), 1);
	id = (uint16_t)d.vq->used->ring[(d.used_idx - 1) & d.vq->mask].id;
	hdr = sl_pktmbuf_mtod_offset(rxq->sw_ring[id], struct virtio_net_hdr *, -(int)HDR);
	hdr->num_buffers = 0;
	/* 5: num_buffers beyond the ring */
	ck_assert_int_eq(dev_rx(&d, rxq, frame, 200), 1);
	id = (uint16_t)d.vq->used->ring[(d.used_idx - 1) & d.vq->mask].id;
	hdr = sl_pktmbuf_mtod_offset(rxq->sw_ring[id], struct virtio_net_hdr *, -(int)HDR);
	hdr->num_buffers = 65;
	/* 6: a later buffer of a merged frame longer than the buffer */
	sl_test_fill_pattern(frame, 1200, 2);
	ck_assert_int_eq(dev_rx(&d, rxq, frame, 1200), 3);
	d.vq->used->ring[(d.used_idx - 2) & d.vq->mask].len = rxq->buf_len + 100u;
	/* 7: the first buffer of a merged frame longer than the buffer: its
	 * num_buffers still says how many buffers to skip */
	sl_test_fill_pattern(frame, 1200, 3);
	ck_assert_int_eq(dev_rx(&d, rxq, frame, 1200), 3);
	d.vq->used->ring[(d.used_idx - 3) & d.vq->mask].len = rxq->buf_len + 1u;
	/* then a good frame */
	sl_test_fill_pattern(frame, 300, 7);
	ck_assert_int_eq(dev_rx(&d, rxq, frame, 300), 1);
	dev_publish(&d);

	ck_assert_uint_eq(drain_rx(rxq, pkts, 16), 1);
	sl_test_check_pkt(pkts[0], 300, 7);
	sl_pktmbuf_free(pkts[0]);
	ck_assert_uint_eq(sl_eth_qcnt_read(&rxq->cnt, SL_QCNT_ERRORS), 7);
	ck_assert_uint_eq(rxq->bad_len, 7);
	/* 8: the header alone, no frame byte: dropped, not a 0-byte frame */
	ck_assert_int_eq(dev_rx(&d, rxq, frame, 200), 1);
	d.vq->used->ring[(d.used_idx - 1) & d.vq->mask].len = HDR;
	dev_publish(&d);
	ck_assert_uint_eq(drain_rx(rxq, pkts, 16), 0);
	ck_assert_uint_eq(sl_eth_qcnt_read(&rxq->cnt, SL_QCNT_ERRORS), 8);
	ck_assert_uint_eq(rxq->bad_len, 8);
	ck_assert(!rxq->vq.broken);
	ck_assert(rxq->warned & VIRTIO_WARN_BAD_LEN);
	ck_assert(rxq->warned & VIRTIO_WARN_BAD_NUM_BUFFERS);
	ck_assert_uint_eq(sl_eth_qcnt_read(&rxq->cnt, SL_QCNT_PKTS), 1);
	virtio_rx_queue_destroy(rxq);
	ck_assert_uint_eq(sl_mempool_avail_count(small_pool), before);
}
END_TEST

/* The device receives 40 64-byte frames and publishes them at once; the
 * driver takes all 40 in one burst (and refills). */
static void rx_40_frames(struct dev *d, struct virtio_rx_queue *rxq)
{
	struct sl_mbuf *pkts[64];
	uint8_t frame[64];

	sl_test_fill_pattern(frame, 64, 0);
	for (unsigned i = 0; i < 40; i++)
		ck_assert_int_eq(dev_rx(d, rxq, frame, 64), 1);
	dev_publish(d);
	ck_assert_uint_eq(virtio_recv_pkts(rxq, pkts, 64), 40);
	sl_pktmbuf_free_bulk(pkts, 40);
}

/* 2.7.7.2: without EVENT_IDX, a refill rings only when the device has not
 * set VRING_USED_F_NO_NOTIFY; at most once per burst either way. */
START_TEST(rx_notify_flag_suppression)
{
	struct dev d;
	struct virtio_rx_queue *rxq = rxq_new(pool, 64, 1, 0, 0, &d);

	ck_assert_uint_eq(rxq->vq.avail->flags, VRING_AVAIL_F_NO_INTERRUPT);
	d.vq->used->flags = VRING_USED_F_NO_NOTIFY;
	rx_40_frames(&d, rxq);
	ck_assert_uint_eq(rxq->vq.publishes, 1);
	ck_assert_uint_eq(rxq->vq.notifications, 0);

	d.vq->used->flags = 0;
	doorbell = 0xffff;
	rx_40_frames(&d, rxq);
	ck_assert_uint_eq(rxq->vq.publishes, 2);
	ck_assert_uint_eq(rxq->vq.notifications, 1);
	ck_assert_uint_eq(doorbell, 0);
	virtio_rx_queue_destroy(rxq);
}
END_TEST

/* 2.7.10: with EVENT_IDX the doorbell rings only when the new available
 * index passes avail_event, and flags stay 0. */
START_TEST(rx_notify_event_idx)
{
	struct dev d;
	struct virtio_rx_queue *rxq = rxq_new(pool, 64, 1, 0, 1, &d);

	ck_assert_uint_eq(rxq->vq.avail->flags, 0);
	/* the device wants a kick once index 200 is passed: not yet */
	*rxq->vq.avail_event = 200;
	rx_40_frames(&d, rxq);
	ck_assert_uint_eq(rxq->vq.avail->idx, 104);
	ck_assert_uint_eq(rxq->vq.notifications, 0);
	/* it ran dry at index 104 and asks to hear about entry 104 */
	*rxq->vq.avail_event = 104;
	rx_40_frames(&d, rxq);
	ck_assert_uint_eq(rxq->vq.notifications, 1);
	/* the same event again is in the past: no second kick */
	rx_40_frames(&d, rxq);
	ck_assert_uint_eq(rxq->vq.notifications, 1);
	virtio_rx_queue_destroy(rxq);
}
END_TEST

START_TEST(rx_empty_pool_counts_and_recovers)
{
	struct dev d;
	unsigned before = sl_mempool_avail_count(pool);
	struct virtio_rx_queue *rxq = rxq_new(pool, 64, 1, 0, 0, &d);
	struct sl_mbuf *pkts[64], **hold;
	uint8_t frame[64];
	unsigned n = sl_mempool_avail_count(pool), i;

	hold = calloc(n, sizeof(*hold));
	ck_assert_int_eq(sl_pktmbuf_alloc_bulk(pool, hold, n), 0);
	sl_test_fill_pattern(frame, 64, 0);
	for (i = 0; i < 40; i++)
		dev_rx(&d, rxq, frame, 64);
	dev_publish(&d);
	ck_assert_uint_eq(virtio_recv_pkts(rxq, pkts, 64), 40);
	ck_assert_uint_gt(sl_eth_qcnt_read(&rxq->cnt, SL_QCNT_NOMBUF), 0);
	ck_assert_uint_eq(rxq->vq.nb_free, 40);
	sl_pktmbuf_free_bulk(pkts, 40);
	sl_pktmbuf_free_bulk(hold, n);
	free(hold);
	/* the next burst refills */
	ck_assert_uint_eq(virtio_recv_pkts(rxq, pkts, 64), 0);
	ck_assert_uint_eq(rxq->vq.nb_free, 0);
	virtio_rx_queue_destroy(rxq);
	ck_assert_uint_eq(sl_mempool_avail_count(pool), before);
}
END_TEST

/* ---- TX ------------------------------------------------------------------------- */

/* free_thresh 0: the driver's default; size: reclaim before every burst */
static struct virtio_tx_queue *txq_new(uint16_t size, int event_idx, uint16_t free_thresh,
				       struct dev *d)
{
	struct virtio_tx_queue *txq =
		virtio_tx_queue_create(7, 0, size, SL_SOCKET_ID_ANY, event_idx,
				       free_thresh ? free_thresh : (uint16_t)SL_MIN(32, size / 4));

	ck_assert_ptr_nonnull(txq);
	sl_test_dma_map_add(txq->hdr_iova, txq->hdr_mem, ((size_t)size + 1) * HDR);
	txq->vq.notify = &doorbell;
	txq->vq.index = 1;
	memset(d, 0, sizeof(*d));
	d->vq = &txq->vq;
	return txq;
}

/* QEMU's virtio_net_flush_tx: walks one chain (device-readable only, no
 * zero-length descriptor), strips the 12-byte header, returns the frame.
 * Leaves the used entry to the caller. */
static uint32_t dev_tx(struct dev *d, uint16_t *head, uint8_t *out, unsigned *ndesc)
{
	uint32_t total = 0, hdr_left = HDR, len = 0;
	uint16_t id = dev_pop(d), n = 0;

	*head = id;
	for (;;) {
		volatile struct vring_desc *desc = &d->vq->desc[id];
		const uint8_t *va;
		uint32_t skip;

		ck_assert_msg(!(desc->flags & VRING_DESC_F_WRITE), "TX descriptor is writable");
		ck_assert_msg(desc->len > 0, "zero-length TX descriptor %u", id);
		va = sl_test_dma_va(desc->addr, desc->len);
		skip = SL_MIN(hdr_left, desc->len);
		for (uint32_t i = 0; i < skip; i++)
			ck_assert_msg(va[i] == 0, "net header byte not zero");
		hdr_left -= skip;
		memcpy(out + len, va + skip, desc->len - skip);
		len += desc->len - skip;
		total += desc->len;
		n++;
		ck_assert_uint_le(n, d->vq->size);
		if (!(desc->flags & VRING_DESC_F_NEXT))
			break;
		id = desc->next;
		ck_assert_uint_lt(id, d->vq->size);
	}
	ck_assert_uint_eq(hdr_left, 0);
	*ndesc = n;
	(void)total;
	return len;
}

/* The device sends the next chain: nb_desc descriptors carrying frame
 * 'seed' of len bytes; its used entry written, not published. */
static void dev_tx_expect(struct dev *d, unsigned nb_desc, uint32_t len, uint32_t seed)
{
	static uint8_t got[16384], want[16384];
	uint16_t head;
	unsigned nd;

	ck_assert_uint_eq(dev_tx(d, &head, got, &nd), len);
	ck_assert_uint_eq(nd, nb_desc);
	sl_test_fill_pattern(want, len, seed);
	ck_assert(memcmp(got, want, len) == 0);
	dev_used(d, head, 0);
}

START_TEST(tx_frames_header_in_headroom)
{
	struct dev d;
	unsigned before = sl_mempool_avail_count(pool);
	struct virtio_tx_queue *txq = txq_new(64, 0, 0, &d);
	struct sl_mbuf *pkts[32];
	unsigned sent = 0, checked = 0;

	while (sent < 500) {
		unsigned n = 1 + (unsigned)rand() % 32, i, taken;

		for (i = 0; i < n; i++)
			pkts[i] = sl_test_make_pkt(pool, 60 + ((sent + i) * 101) % 1455, sent + i, 1);
		taken = virtio_xmit_pkts(txq, pkts, (uint16_t)n);
		sl_pktmbuf_free_bulk(pkts + taken, n - taken);
		sent += taken;
		/* the device sends everything available */
		while (dev_avail(&d) > 0) {
			/* one descriptor: the header went into the headroom */
			dev_tx_expect(&d, 1, 60 + (checked * 101) % 1455, checked);
			checked++;
		}
		dev_publish(&d);
	}
	ck_assert_uint_eq(checked, sent);
	ck_assert_uint_eq(sl_eth_qcnt_read(&txq->cnt, SL_QCNT_PKTS), sent);
	ck_assert_uint_eq(sl_eth_qcnt_read(&txq->cnt, SL_QCNT_ERRORS) + txq->bad_id, 0);
	virtio_tx_queue_destroy(txq);
	ck_assert_uint_eq(sl_mempool_avail_count(pool), before);
}
END_TEST

/* Chains: one descriptor per non-empty segment; a shared (refcnt 2) or
 * headroom-less mbuf gets the separate header, its headroom untouched. */
START_TEST(tx_chains_and_shared_mbufs)
{
	struct dev d;
	unsigned before = sl_mempool_avail_count(small_pool);
	struct virtio_tx_queue *txq = txq_new(64, 0, 64, &d);
	struct sl_mbuf *pkts[4], *empty, *shared, *noroom;
	static uint8_t got[16384];
	uint16_t head;
	unsigned nd;
	uint32_t len;
	uint8_t *canary;

	pkts[0] = sl_test_make_pkt(small_pool, 3000, 1, 6);
	empty = sl_pktmbuf_alloc(small_pool);			/* a zero-length middle segment */
	pkts[1] = sl_test_make_pkt(small_pool, 1000, 2, 2);
	empty->next = pkts[1]->next;
	pkts[1]->next = empty;
	pkts[1]->nb_segs++;
	shared = sl_test_make_pkt(small_pool, 200, 3, 1);
	sl_pktmbuf_refcnt_update(shared, 1);
	canary = sl_pktmbuf_mtod_offset(shared, uint8_t *, -(int)HDR);
	memset(canary, 0xa5, HDR);
	pkts[2] = shared;
	noroom = sl_test_make_pkt(small_pool, 100, 4, 1);
	sl_pktmbuf_prepend(noroom, noroom->data_off);		/* no headroom left */
	memset(sl_pktmbuf_mtod(noroom, uint8_t *), 0xee, SL_PKTMBUF_HEADROOM);
	pkts[3] = noroom;

	ck_assert_uint_eq(virtio_xmit_pkts(txq, pkts, 4), 4);
	ck_assert_uint_eq(txq->vq.nb_free, 64 - 6 - 2 - 2 - 2);

	dev_tx_expect(&d, 6, 3000, 1);

	dev_tx_expect(&d, 2, 1000, 2);			/* the empty segment skipped */

	dev_tx_expect(&d, 2, 200, 3);				/* separate header */
	for (unsigned i = 0; i < HDR; i++)
		ck_assert_uint_eq(canary[i], 0xa5);

	len = dev_tx(&d, &head, got, &nd);
	ck_assert_uint_eq(nd, 2);
	ck_assert_uint_eq(len, 100 + SL_PKTMBUF_HEADROOM);
	dev_used(&d, head, 0);
	dev_publish(&d);

	/* reclaim: every descriptor back, each mbuf freed once (shared: one
	 * reference left, ours) */
	ck_assert_uint_eq(virtio_xmit_pkts(txq, pkts, 0), 0);
	ck_assert_uint_eq(txq->vq.nb_free, 64);
	ck_assert_uint_eq(sl_pktmbuf_refcnt_read(shared), 1);
	sl_pktmbuf_free(shared);
	virtio_tx_queue_destroy(txq);
	ck_assert_uint_eq(sl_mempool_avail_count(small_pool), before);
}
END_TEST

START_TEST(tx_ring_full_then_reclaim)
{
	struct dev d;
	unsigned before = sl_mempool_avail_count(pool);
	struct virtio_tx_queue *txq = txq_new(32, 0, 0, &d);
	struct sl_mbuf *pkts[48];
	static uint8_t got[4096];
	uint16_t head, heads[48];
	unsigned i, nd, n;

	for (i = 0; i < 48; i++)
		pkts[i] = sl_test_make_pkt(pool, 100, i, 1);
	ck_assert_uint_eq(virtio_xmit_pkts(txq, pkts, 48), 32);
	ck_assert_uint_eq(virtio_xmit_pkts(txq, pkts + 32, 16), 0);
	/* the device finishes 10 (out of order: a device may) */
	for (n = 0; n < 10; n++) {
		dev_tx(&d, &heads[n], got, &nd);
	}
	for (i = 0; i < 10; i++)
		dev_used(&d, heads[9 - i], 0);
	dev_publish(&d);
	ck_assert_uint_eq(virtio_xmit_pkts(txq, pkts + 32, 16), 10);
	while (dev_avail(&d) > 0) {
		dev_tx(&d, &head, got, &nd);
		dev_used(&d, head, 0);
	}
	dev_publish(&d);
	ck_assert_uint_eq(virtio_xmit_pkts(txq, pkts + 42, 6), 6);
	virtio_tx_queue_destroy(txq);
	ck_assert_uint_eq(sl_mempool_avail_count(pool), before);
}
END_TEST

/* A used id out of the ring, in the middle of a chain, or already
 * reclaimed: the queue stops; drain frees what is in flight once. */
START_TEST(tx_bad_used_id_stops_queue)
{
	unsigned before = sl_mempool_avail_count(small_pool), k;

	for (k = 0; k < 4; k++) {
		struct dev d;
		struct virtio_tx_queue *txq = txq_new(64, 0, 64, &d);
		struct sl_mbuf *pkts[40];
		static uint8_t got[4096];
		uint16_t head;
		unsigned nd, i;

		for (i = 0; i < 40; i++)
			pkts[i] = sl_test_make_pkt(small_pool, 1000, i, 2);	/* 2 descriptors each */
		ck_assert_uint_eq(virtio_xmit_pkts(txq, pkts, 20), 20);
		dev_tx(&d, &head, got, &nd);
		dev_used(&d, head, 0);
		switch (k) {
		case 0:
			dev_used(&d, 64, 0);
			break;
		case 1:
			dev_used(&d, 0xffffffffu, 0);
			break;
		case 2:
			/* the second descriptor of the first chain */
			dev_used(&d, txq->vq.desc[head].next, 0);
			break;
		default:
			dev_used(&d, head, 0);
			break;
		}
		dev_publish(&d);
		ck_assert_uint_eq(virtio_xmit_pkts(txq, pkts + 20, 20), 0);
		ck_assert(txq->vq.broken);
		ck_assert_uint_eq(txq->bad_id, 1);
		ck_assert(txq->warned & VIRTIO_WARN_BAD_ID);
		ck_assert_uint_eq(virtio_xmit_pkts(txq, pkts + 20, 20), 0);
		/* the bad entry is counted once, not at every later burst */
		ck_assert_uint_eq(txq->bad_id, 1);
		sl_pktmbuf_free_bulk(pkts + 20, 20);
		virtio_tx_queue_destroy(txq);
		ck_assert_uint_eq(sl_mempool_avail_count(small_pool), before);
	}
}
END_TEST

START_TEST(tx_never_sendable_dropped)
{
	struct dev d;
	unsigned before = sl_mempool_avail_count(small_pool);
	struct virtio_tx_queue *txq = txq_new(64, 0, 0, &d);
	struct sl_mbuf *pkts[3];

	pkts[0] = sl_pktmbuf_alloc(small_pool);			/* empty */
	pkts[1] = sl_test_make_pkt(small_pool, 65 * 100, 1, 65);
	pkts[2] = sl_test_make_pkt(small_pool, 100, 2, 1);
	ck_assert_uint_eq(virtio_xmit_pkts(txq, pkts, 3), 3);
	ck_assert_uint_eq(sl_eth_qcnt_read(&txq->cnt, SL_QCNT_ERRORS), 2);
	ck_assert_uint_eq(sl_eth_qcnt_read(&txq->cnt, SL_QCNT_PKTS), 1);
	ck_assert_uint_eq(dev_avail(&d), 1);
	virtio_tx_queue_destroy(txq);
	ck_assert_uint_eq(sl_mempool_avail_count(small_pool), before);
}
END_TEST

/* Eight 100-byte frames, all taken by one burst. */
static void xmit_8_frames(struct virtio_tx_queue *txq)
{
	struct sl_mbuf *pkts[8];

	for (unsigned i = 0; i < 8; i++)
		pkts[i] = sl_test_make_pkt(pool, 100, i, 1);
	ck_assert_uint_eq(virtio_xmit_pkts(txq, pkts, 8), 8);
}

START_TEST(tx_notify_suppression)
{
	struct dev d;
	struct virtio_tx_queue *txq = txq_new(64, 0, 0, &d);
	struct virtio_tx_queue *txe;
	struct dev de;

	/* flags: NO_NOTIFY set (the device is busy sending) */
	d.vq->used->flags = VRING_USED_F_NO_NOTIFY;
	xmit_8_frames(txq);
	ck_assert_uint_eq(txq->vq.notifications, 0);
	d.vq->used->flags = 0;
	xmit_8_frames(txq);
	ck_assert_uint_eq(txq->vq.notifications, 1);
	ck_assert_uint_eq(doorbell, 1);
	ck_assert_uint_eq(txq->vq.publishes, 2);
	virtio_tx_queue_destroy(txq);

	/* EVENT_IDX: the device asks about index 10 */
	txe = txq_new(64, 1, 0, &de);
	*txe->vq.avail_event = 10;
	xmit_8_frames(txe);	/* 0 -> 8 */
	ck_assert_uint_eq(txe->vq.notifications, 0);
	xmit_8_frames(txe);	/* 8 -> 16 passes 10 */
	ck_assert_uint_eq(txe->vq.notifications, 1);
	xmit_8_frames(txe);	/* 16 -> 24: no */
	ck_assert_uint_eq(txe->vq.notifications, 1);
	virtio_tx_queue_destroy(txe);
}
END_TEST

/* ---- statistics ------------------------------------------------------------------ */

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
		dev_used(&p->rxd, id, HDR + POLL_FRAME_LEN);
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

/* ---- interrupts -------------------------------------------------------------------- */

/* The device's used buffer notification decision after each publish
 * (2.7.7 without EVENT_IDX: the flag; 2.7.10 with it: whether the entry
 * at used_event was among those written since the last decision), as QEMU
 * makes it (leaving out its first notification after a reset). */
struct intr_dev {
	struct dev d;
	uint16_t signalled;	/* used idx at the last decision */
	unsigned interrupts;
};

static void intr_dev_publish(struct intr_dev *id)
{
	struct virtqueue *vq = id->d.vq;
	int fire;

	dev_publish(&id->d);
	if (vq->event_idx)
		fire = vring_need_event(*vq->used_event, id->d.used_idx, id->signalled);
	else
		fire = !(vq->avail->flags & VRING_AVAIL_F_NO_INTERRUPT);
	id->signalled = id->d.used_idx;
	id->interrupts += (unsigned)fire;
}

/* n 60-byte frames, published at once. */
static void intr_dev_rx(struct intr_dev *id, struct virtio_rx_queue *rxq, unsigned n)
{
	uint8_t frame[60];

	sl_test_fill_pattern(frame, sizeof(frame), 0);
	for (unsigned i = 0; i < n; i++)
		ck_assert_int_eq(dev_rx(&id->d, rxq, frame, sizeof(frame)), 1);
	intr_dev_publish(id);
}

static void rx_take(struct virtio_rx_queue *rxq, unsigned n)
{
	struct sl_mbuf *pkts[64];

	ck_assert_uint_eq(drain_rx(rxq, pkts, 64), n);
	sl_pktmbuf_free_bulk(pkts, n);
}

/* A port made by hand around RX queues, for the interrupt ops: an eventfd
 * per queue, as ethdev gives them at start. */
struct intr_port {
	struct sl_eth_dev dev;
	struct sl_eth_dev_data data;
	void *rxqs[2];
	struct sl_eth_rx_intr intr[2];
};

static int link_updates;

static int count_link_update(struct sl_eth_dev *dev, int wait)
{
	(void)dev;
	(void)wait;
	link_updates++;
	return 0;
}

static const struct sl_eth_dev_ops intr_test_ops = { .link_update = count_link_update };

static void intr_port_init(struct intr_port *p, struct virtio_rx_queue *q0,
			   struct virtio_rx_queue *q1)
{
	memset(p, 0, sizeof(*p));
	p->dev.data = &p->data;
	p->dev.dev_ops = &intr_test_ops;
	p->data.nb_rx_queues = q1 != NULL ? 2 : 1;
	p->data.rx_queues = p->rxqs;
	p->data.rx_intr = p->intr;
	p->data.dev_conf.intr_conf.rxq = 1;
	p->rxqs[0] = q0;
	p->rxqs[1] = q1;
	for (unsigned i = 0; i < 2; i++) {
		p->intr[i].fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
		ck_assert_int_ge(p->intr[i].fd, 0);
	}
}

static void intr_port_close(struct intr_port *p)
{
	close(p->intr[0].fd);
	close(p->intr[1].fd);
}

/* What the fd was signalled since the last look (0: not at all). */
static uint64_t fd_taken(int fd)
{
	uint64_t v;

	return read(fd, &v, sizeof(v)) == sizeof(v) ? v : 0;
}

/* 2.7.7: without EVENT_IDX the flag says it, enable clears it, disable
 * sets it again; the device interrupts exactly while it is clear. */
START_TEST(rx_intr_flag_on_off)
{
	struct intr_dev id = { 0 };
	struct virtio_rx_queue *rxq = rxq_new(pool, 64, 1, 0, 0, &id.d);
	struct intr_port p;

	intr_port_init(&p, rxq, NULL);
	ck_assert_uint_eq(rxq->vq.avail->flags, VRING_AVAIL_F_NO_INTERRUPT);
	intr_dev_rx(&id, rxq, 5);
	rx_take(rxq, 5);
	ck_assert_uint_eq(id.interrupts, 0);

	ck_assert_int_eq(virtio_rx_queue_intr_enable(&p.dev, 0), 0);
	ck_assert_uint_eq(rxq->vq.avail->flags, 0);
	ck_assert_uint_eq(rxq->intr_armed, 1);
	ck_assert_uint_eq(fd_taken(p.intr[0].fd), 0);
	intr_dev_rx(&id, rxq, 1);
	ck_assert_uint_eq(id.interrupts, 1);

	ck_assert_int_eq(virtio_rx_queue_intr_disable(&p.dev, 0), 0);
	ck_assert_uint_eq(rxq->vq.avail->flags, VRING_AVAIL_F_NO_INTERRUPT);
	ck_assert_uint_eq(rxq->intr_armed, 0);
	rx_take(rxq, 1);
	intr_dev_rx(&id, rxq, 30);
	rx_take(rxq, 30);
	ck_assert_uint_eq(id.interrupts, 1);
	intr_port_close(&p);
	virtio_rx_queue_destroy(rxq);
}
END_TEST

/* 2.7.10: with EVENT_IDX flags stay 0 and used_event does it. A polled
 * queue never interrupts, also past 16-bit wraps of the indexes (a
 * used_event left where it was would be reached once per 65536); enable
 * asks for the next entry only, disable puts it out of reach again. */
START_TEST(rx_intr_event_idx_never_while_polling)
{
	struct intr_dev id = { 0 };
	struct virtio_rx_queue *rxq = rxq_new(pool, 64, 1, 0, 1, &id.d);
	struct intr_port p;
	unsigned total = 0;

	intr_port_init(&p, rxq, NULL);
	while (total < 3 * 65536 + 100) {
		unsigned n = 1 + (unsigned)rand() % 40;

		intr_dev_rx(&id, rxq, n);
		rx_take(rxq, n);
		total += n;
	}
	ck_assert_uint_eq(id.interrupts, 0);
	ck_assert_uint_eq(rxq->vq.avail->flags, 0);

	ck_assert_int_eq(virtio_rx_queue_intr_enable(&p.dev, 0), 0);
	ck_assert_uint_eq(*rxq->vq.used_event, rxq->vq.used_idx);
	ck_assert_uint_eq(rxq->vq.avail->flags, 0);
	ck_assert_uint_eq(fd_taken(p.intr[0].fd), 0);
	intr_dev_rx(&id, rxq, 3);
	ck_assert_uint_eq(id.interrupts, 1);
	/* more entries before the driver looked: no second interrupt */
	intr_dev_rx(&id, rxq, 2);
	ck_assert_uint_eq(id.interrupts, 1);

	ck_assert_int_eq(virtio_rx_queue_intr_disable(&p.dev, 0), 0);
	ck_assert_uint_eq(*rxq->vq.used_event, (uint16_t)(rxq->vq.used_idx - 1));
	rx_take(rxq, 5);
	for (unsigned i = 0; i < 100; i++) {
		intr_dev_rx(&id, rxq, 40);
		rx_take(rxq, 40);
	}
	ck_assert_uint_eq(id.interrupts, 1);
	intr_port_close(&p);
	virtio_rx_queue_destroy(rxq);
}
END_TEST

/* The lost wake-up: a frame that landed while the queue was polled raised
 * nothing, so enable must find it and signal the queue's fd itself; with
 * nothing there it must not. A stopped queue never wakes its lcore. */
START_TEST(rx_intr_enable_rechecks_the_ring)
{
	for (int event_idx = 0; event_idx < 2; event_idx++) {
		struct intr_dev id = { 0 };
		struct virtio_rx_queue *rxq = rxq_new(pool, 64, 1, 0, event_idx, &id.d);
		struct intr_port p;

		intr_port_init(&p, rxq, NULL);
		intr_dev_rx(&id, rxq, 1);
		ck_assert_uint_eq(id.interrupts, 0);
		ck_assert_int_eq(virtio_rx_queue_intr_enable(&p.dev, 0), 0);
		ck_assert_uint_eq(fd_taken(p.intr[0].fd), 1);
		ck_assert_int_eq(virtio_rx_queue_intr_disable(&p.dev, 0), 0);
		rx_take(rxq, 1);

		ck_assert_int_eq(virtio_rx_queue_intr_enable(&p.dev, 0), 0);
		ck_assert_uint_eq(fd_taken(p.intr[0].fd), 0);
		ck_assert_int_eq(virtio_rx_queue_intr_disable(&p.dev, 0), 0);

		intr_dev_rx(&id, rxq, 1);
		rxq->vq.broken = 1;
		ck_assert_int_eq(virtio_rx_queue_intr_enable(&p.dev, 0), 0);
		ck_assert_uint_eq(fd_taken(p.intr[0].fd), 0);
		rxq->vq.broken = 0;
		ck_assert_int_eq(virtio_rx_queue_intr_disable(&p.dev, 0), 0);
		rx_take(rxq, 1);
		intr_port_close(&p);
		virtio_rx_queue_destroy(rxq);
	}
}
END_TEST

/* INTx: the ISR status says a queue or the configuration; a queue cause
 * wakes the armed queues and no other, a configuration change refreshes
 * the link only when the port asked for link events. */
START_TEST(intx_isr_causes)
{
	struct dev d0, d1;
	struct virtio_rx_queue *q0 = rxq_new(pool, 16, 1, 0, 1, &d0);
	struct virtio_rx_queue *q1 = rxq_new(pool, 16, 1, 0, 1, &d1);
	struct intr_port p;

	intr_port_init(&p, q0, q1);
	ck_assert_int_eq(virtio_rx_queue_intr_enable(&p.dev, 1), 0);
	ck_assert_uint_eq(fd_taken(p.intr[1].fd), 0);
	virtio_intr_causes(&p.dev, 0);
	ck_assert_uint_eq(fd_taken(p.intr[0].fd) + fd_taken(p.intr[1].fd), 0);
	virtio_intr_causes(&p.dev, VIRTIO_PCI_ISR_QUEUE);
	ck_assert_uint_eq(fd_taken(p.intr[0].fd), 0);
	ck_assert_uint_eq(fd_taken(p.intr[1].fd), 1);

	link_updates = 0;
	virtio_intr_causes(&p.dev, VIRTIO_PCI_ISR_CONFIG);
	ck_assert_int_eq(link_updates, 0);
	p.data.dev_conf.intr_conf.lsc = 1;
	virtio_intr_causes(&p.dev, VIRTIO_PCI_ISR_CONFIG);
	ck_assert_int_eq(link_updates, 1);
	ck_assert_uint_eq(fd_taken(p.intr[0].fd) + fd_taken(p.intr[1].fd), 0);

	ck_assert_int_eq(virtio_rx_queue_intr_disable(&p.dev, 1), 0);
	virtio_intr_causes(&p.dev, VIRTIO_PCI_ISR_QUEUE | VIRTIO_PCI_ISR_CONFIG);
	ck_assert_uint_eq(fd_taken(p.intr[0].fd) + fd_taken(p.intr[1].fd), 0);
	ck_assert_int_eq(link_updates, 2);
	intr_port_close(&p);
	virtio_rx_queue_destroy(q0);
	virtio_rx_queue_destroy(q1);
}
END_TEST

static unsigned count_lines(const char *s)
{
	unsigned n = 0;

	for (; *s != '\0'; s++)
		n += *s == '\n';
	return n;
}

/* MSI-X: vector 0 for the link, one per RX queue; fewer is refused in one
 * line that says how many are needed and how QEMU gives them. */
START_TEST(msix_too_few_vectors_refused)
{
	const char *log;

	sl_test_capture_begin(false);
	ck_assert_int_eq(virtio_intr_vectors_check(0, "0000:00:04.0", 2, 2), -ENOTSUP);
	log = sl_test_capture_end();
	ck_assert_logged(log, "port 0 (0000:00:04.0) has 2 MSI-X vectors; 2 RX queues with "
			      "interrupts and the link need 3: give QEMU -device "
			      "virtio-net-pci,...,vectors=3");
	ck_assert_uint_eq(count_lines(log), 1);

	sl_test_capture_begin(false);
	ck_assert_int_eq(virtio_intr_vectors_check(1, "0000:00:05.0", 3, 2), 0);
	ck_assert_int_eq(virtio_intr_vectors_check(1, "0000:00:05.0", 4, 1), 0);
	log = sl_test_capture_end();
	ck_assert_str_eq(log, "");

	sl_test_capture_begin(false);
	ck_assert_int_eq(virtio_intr_vectors_check(1, "0000:00:05.0", 64, 40), -ENOTSUP);
	log = sl_test_capture_end();
	ck_assert_logged(log, "40 RX queues with interrupts need 41 MSI-X vectors");
	ck_assert_logged(log, "configure at most 32 queues");
	ck_assert_uint_eq(count_lines(log), 1);
}
END_TEST

/* ---- the ring layout ------------------------------------------------------------ */

START_TEST(ring_layout_and_event_helpers)
{
	struct virtqueue vq;

	ck_assert_int_eq(virtqueue_alloc(&vq, "layout", 256, 1, SL_SOCKET_ID_ANY), 0);
	/* 2.7: alignment 16 / 2 / 4, used ring on its own line */
	ck_assert_uint_eq(vq.desc_iova % 16, 0);
	ck_assert_uint_eq(vq.avail_iova % 2, 0);
	ck_assert_uint_eq(vq.used_iova % SL_CACHE_LINE_SIZE, 0);
	ck_assert_uint_eq(vq.avail_iova - vq.desc_iova, 16 * 256);
	ck_assert_uint_ge(vq.used_iova - vq.avail_iova, vring_avail_size(256, 1));
	ck_assert_ptr_eq((const void *)vq.used_event,
			 (const void *)((const uint8_t *)vq.avail + 4 + 2 * 256));
	ck_assert_ptr_eq((const void *)vq.avail_event,
			 (const void *)((const uint8_t *)vq.used + 4 + 8 * 256));
	ck_assert_uint_eq(vq.nb_free, 256);
	virtqueue_free(&vq);

	/* event index passed between old and new, with 16-bit wrap */
	ck_assert(vring_need_event(5, 10, 0));
	ck_assert(!vring_need_event(10, 10, 0));
	ck_assert(vring_need_event(9, 10, 9));
	ck_assert(vring_need_event(0xffff, 3, 0xfffe));
	ck_assert(!vring_need_event(3, 3, 0xfffe));
}
END_TEST

static Suite *virtio_suite(void)
{
	Suite *s = suite_create("virtio");
	TCase *rx = tcase_create("rx");
	TCase *tx = tcase_create("tx");
	TCase *ring = tcase_create("ring");
	TCase *stats = tcase_create("stats");
	TCase *intr = tcase_create("intr");

	tcase_add_test(rx, rx_frames_all_sizes_and_refill);
	tcase_add_test(rx, rx_merged_buffers_become_chains);
	tcase_add_test(rx, rx_merged_frame_dropped_without_scatter);
	tcase_add_test(rx, rx_bad_used_id_stops_queue);
	tcase_add_test(rx, rx_used_idx_running_ahead_stops_queue);
	tcase_add_test(rx, rx_bad_lengths_drop_frames);
	tcase_add_test(rx, rx_notify_flag_suppression);
	tcase_add_test(rx, rx_notify_event_idx);
	tcase_add_test(rx, rx_empty_pool_counts_and_recovers);
	suite_add_tcase(s, rx);

	tcase_add_test(tx, tx_frames_header_in_headroom);
	tcase_add_test(tx, tx_chains_and_shared_mbufs);
	tcase_add_test(tx, tx_ring_full_then_reclaim);
	tcase_add_test(tx, tx_bad_used_id_stops_queue);
	tcase_add_test(tx, tx_never_sendable_dropped);
	tcase_add_test(tx, tx_notify_suppression);
	suite_add_tcase(s, tx);

	tcase_add_test(ring, ring_layout_and_event_helpers);
	suite_add_tcase(s, ring);

	tcase_add_test(intr, rx_intr_flag_on_off);
	tcase_add_test(intr, rx_intr_event_idx_never_while_polling);
	tcase_add_test(intr, rx_intr_enable_rechecks_the_ring);
	tcase_add_test(intr, intx_isr_causes);
	tcase_add_test(intr, msix_too_few_vectors_refused);
	suite_add_tcase(s, intr);

	tcase_add_test(stats, stats_reset_under_running_poller);
	suite_add_tcase(s, stats);
	return s;
}

int main(void)
{
	int failed;

	srand(42);
	setup_once();
	/* one process: the EAL and the pools are set up once above */
	failed = sl_test_run_suite(virtio_suite());
	sl_mempool_free(pool);
	sl_mempool_free(small_pool);
	sl_eal_cleanup();
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
