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
 * posted buffers. The interrupt tests are in test_virtio_intr.c, the
 * statistics under a running poller in test_virtio_stats.c. Needs
 * sl_eal_init --no-huge for the mbuf pools: skipped (77) when that cannot
 * work here. */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "sl_eal.h"
#include "virtio_ethdev.h"
#include "sl_test_simdev.h"
#include "virtio_test_dev.h"
#include "virtio_test_queues.h"

#define HDR VIRTIO_NET_HDR_LEN

/* ---- RX ------------------------------------------------------------------------- */

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
	return s;
}

int main(void)
{
	return virtio_test_main(virtio_suite);
}
