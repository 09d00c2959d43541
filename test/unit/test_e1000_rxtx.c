/* SPDX-License-Identifier: BSD-3-Clause
 * The e1000 fast path against a simulated device: a plain memory block
 * plays BAR0 (the driver writes RDT/TDT there) and the test plays the
 * 8254x, consuming descriptors the way SDM 3.2/3.3 (and QEMU's model)
 * do. Checks what the hardware would rely on: the device only ever finds
 * armed descriptors, RDT never lands on RDH, frames arrive whole (chained
 * or dropped and counted), RS only on EOP descriptors at the promised
 * spacing, buffers stay alive until their RS descriptor reports DD, and
 * every mbuf goes back to its pool. Needs sl_eal_init (--no-huge) for the
 * mbuf pools: skipped (77) when that cannot work here. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sl_eal.h"
#include "e1000_ethdev.h"
#include "sl_test_simdev.h"

#define POOL_SIZE 2048
#define BAR_SIZE (128 * 1024)

static struct sl_mempool *pool;		/* 2048-byte data room */
static struct sl_mempool *small_pool;	/* 1024-byte data room */
static uint8_t *bar;

static uint32_t reg(uint32_t off)
{
	return *(volatile uint32_t *)(bar + off);
}

static void set_reg(uint32_t off, uint32_t v)
{
	*(volatile uint32_t *)(bar + off) = v;
}

/* ---- setup ------------------------------------------------------------------ */

static void setup_once(void)
{
	sl_test_simdev_eal_up("test_e1000_rxtx", NULL);
	pool = sl_test_simdev_pool("e1000_test", POOL_SIZE, SL_MBUF_DEFAULT_BUF_SIZE);
	small_pool = sl_test_simdev_pool("e1000_test_small", POOL_SIZE,
					 1024 + SL_PKTMBUF_HEADROOM);
	bar = aligned_alloc(4096, BAR_SIZE);
	if (bar == NULL) {
		printf("FAIL: no memory for the simulated BAR\n");
		exit(1);
	}
}

/* ---- RX ----------------------------------------------------------------------- */

struct rx_sim {
	struct e1000_rx_queue *rxq;
	uint32_t rdh;
	uint32_t last_rdt;
	uint64_t missed;
};

/* The queue as rx_queue_setup and dev_start make it, on the simulated
 * BAR. */
static struct e1000_rx_queue *rxq_create(struct sl_mempool *mp, uint16_t nb_desc, uint16_t buf_len,
					 int scatter, struct rx_sim *sim)
{
	struct e1000_rx_queue *rxq = NULL;

	memset(bar, 0, BAR_SIZE);
	ck_assert_int_eq(e1000_rx_queue_create(&(struct e1000_rxq_params){
						       .hw = bar,
						       .mp = mp,
						       .socket = SL_SOCKET_ID_ANY,
						       .nb_desc = nb_desc,
						       .free_thresh = (uint16_t)SL_MIN(32, nb_desc / 4),
						       .buf_len = buf_len,
						       .port_id = 7,
						       .scatter = (uint8_t)scatter,
						       .log_module = "E1000",
						       .max_pkt_len = E1000_MAX_FRAME_LEN,
						       .own_rctl = 1,
					       },
					       &rxq),
			 0);
	ck_assert_int_eq(e1000_rx_queue_init(rxq), 0);
	/* what dev_start writes */
	set_reg(E1000_RDT, nb_desc - 1u);
	set_reg(E1000_RCTL, E1000_RCTL_EN);
	sim->rxq = rxq;
	sim->rdh = 0;
	sim->last_rdt = nb_desc - 1u;
	sim->missed = 0;
	return rxq;
}

/* The device receiving one frame (SDM 3.2; QEMU e1000_receive_iov): it
 * needs enough descriptors in [RDH, RDT) for the whole frame, or counts
 * a miss; status (DD, EOP) is written after the data and length. */
static int sim_rx(struct rx_sim *s, const uint8_t *frame, uint32_t len, uint8_t errors,
		  int bogus_len)
{
	struct e1000_rx_queue *rxq = s->rxq;
	uint32_t n = rxq->nb_desc, rdt = reg(E1000_RDT), avail, need, off = 0;

	ck_assert_uint_lt(rdt, n);
	/* the device's state is its register (a reset rewrites it) */
	s->rdh = reg(E1000_RDH);
	avail = (rdt + n - s->rdh) % n;
	need = (len + rxq->buf_len - 1) / rxq->buf_len;
	if (need > avail) {
		s->missed++;
		return -1;
	}
	while (off < len) {
		volatile struct e1000_rx_desc *d = &rxq->ring[s->rdh];
		struct sl_mbuf *m = rxq->sw_ring[s->rdh];
		uint32_t chunk = SL_MIN(len - off, (uint32_t)rxq->buf_len);

		ck_assert_msg(m != NULL, "device given descriptor %u without an mbuf", s->rdh);
		ck_assert_uint_eq(d->buffer_addr, sl_pktmbuf_iova(m));
		ck_assert_msg(!(d->status & E1000_RXD_STAT_DD), "descriptor %u armed with DD set",
			      s->rdh);
		memcpy(sl_test_dma_va(d->buffer_addr, chunk), frame + off, chunk);
		off += chunk;
		d->length = (uint16_t)(bogus_len ? rxq->buf_len + 1u : chunk);
		d->errors = off == len ? errors : 0;
		sl_compiler_barrier();
		d->status = (uint8_t)(E1000_RXD_STAT_DD | E1000_RXD_STAT_IXSM |
				      (off == len ? E1000_RXD_STAT_EOP : 0));
		s->rdh = (s->rdh + 1) % n;
		/* the register too: the driver checks it when idle */
		set_reg(E1000_RDH, s->rdh);
	}
	return 0;
}

static uint16_t recv_checked(struct rx_sim *s, struct sl_mbuf **pkts, uint16_t n)
{
	uint16_t got = e1000_recv_pkts(s->rxq, pkts, n);
	uint32_t rdt = reg(E1000_RDT);

	if (rdt != s->last_rdt) {
		ck_assert_msg(rdt != reg(E1000_RDH), "driver wrote RDT == RDH (%u): ring looks empty",
			      rdt);
		s->last_rdt = rdt;
	}
	return got;
}

START_TEST(rx_basic_and_refill)
{
	struct rx_sim sim;
	struct e1000_rx_queue *rxq = rxq_create(pool, 64, 2048, 0, &sim);
	struct sl_mbuf *pkts[32];
	uint8_t frame[2048];
	unsigned before = sl_mempool_avail_count(pool), i, total = 0, seq = 0, checked = 0;

	ck_assert_uint_eq(sl_mempool_in_use_count(pool), 64);
	/* 1000 frames of all sizes through a 64-descriptor ring */
	while (total < 1000) {
		unsigned burst = 1 + (unsigned)rand() % 40, got;

		for (i = 0; i < burst && total < 1000; i++) {
			uint32_t len = 60 + (uint32_t)((total * 37) % 1455);

			sl_test_fill_pattern(frame, len, total);
			if (sim_rx(&sim, frame, len, 0, 0) < 0)
				break;
			total++;
		}
		do {
			got = recv_checked(&sim, pkts, (uint16_t)(1 + rand() % 32));
			for (i = 0; i < got; i++) {
				uint32_t len = 60 + (uint32_t)((seq * 37) % 1455);

				ck_assert_uint_eq(pkts[i]->nb_segs, 1);
				ck_assert_uint_eq(pkts[i]->port, 7);
				sl_test_check_pkt(pkts[i], len, seq);
				seq++;
				checked++;
				sl_pktmbuf_free(pkts[i]);
			}
		} while (got > 0);
	}
	ck_assert_uint_eq(checked, total);
	ck_assert_uint_eq(sl_eth_qcnt_read(&rxq->cnt, SL_QCNT_PKTS), total);
	ck_assert_uint_eq(sl_eth_qcnt_read(&rxq->cnt, SL_QCNT_ERRORS), 0);
	e1000_rx_queue_destroy(rxq);
	ck_assert_uint_eq(sl_mempool_avail_count(pool), before + 64);
}
END_TEST

START_TEST(rx_ring_full_counts_miss_and_recovers)
{
	struct rx_sim sim;
	struct e1000_rx_queue *rxq = rxq_create(pool, 32, 2048, 0, &sim);
	struct sl_mbuf *pkts[64];
	uint8_t frame[128];
	unsigned i, got;

	sl_test_fill_pattern(frame, 100, 1);
	/* the device owns nb_desc - 1 descriptors: the 32nd frame is missed */
	for (i = 0; i < 31; i++)
		ck_assert_int_eq(sim_rx(&sim, frame, 100, 0, 0), 0);
	ck_assert_int_eq(sim_rx(&sim, frame, 100, 0, 0), -1);
	ck_assert_uint_eq(sim.missed, 1);
	got = recv_checked(&sim, pkts, 64);
	ck_assert_uint_eq(got, 31);
	sl_pktmbuf_free_bulk(pkts, got);
	/* refilled: room again */
	ck_assert_int_eq(sim_rx(&sim, frame, 100, 0, 0), 0);
	ck_assert_uint_eq(recv_checked(&sim, pkts, 64), 1);
	sl_pktmbuf_free(pkts[0]);
	e1000_rx_queue_destroy(rxq);
}
END_TEST

START_TEST(rx_scatter_chains_across_bursts)
{
	struct rx_sim sim;
	struct e1000_rx_queue *rxq = rxq_create(small_pool, 64, 1024, 1, &sim);
	struct sl_mbuf *pkts[8];
	static uint8_t frame[9000];
	uint32_t d0;

	sl_test_fill_pattern(frame, 3000, 5);
	ck_assert_int_eq(sim_rx(&sim, frame, 3000, 0, 0), 0);
	ck_assert_uint_eq(recv_checked(&sim, pkts, 8), 1);
	ck_assert_uint_eq(pkts[0]->nb_segs, 3);
	ck_assert_uint_eq(pkts[0]->data_len, 1024);
	sl_test_check_pkt(pkts[0], 3000, 5);
	sl_pktmbuf_free(pkts[0]);

	/* the device has written 2 of 3 descriptors when the driver polls:
	 * nothing is delivered, the partial frame is kept */
	sl_test_fill_pattern(frame, 2500, 6);
	d0 = sim.rdh;
	ck_assert_int_eq(sim_rx(&sim, frame, 2500, 0, 0), 0);
	rxq->ring[(d0 + 2) % 64].status = 0;
	ck_assert_uint_eq(recv_checked(&sim, pkts, 8), 0);
	ck_assert_ptr_nonnull(rxq->pkt_first);
	rxq->ring[(d0 + 2) % 64].status = E1000_RXD_STAT_DD | E1000_RXD_STAT_EOP;
	ck_assert_uint_eq(recv_checked(&sim, pkts, 8), 1);
	sl_test_check_pkt(pkts[0], 2500, 6);
	sl_pktmbuf_free(pkts[0]);

	/* a jumbo frame: 9 segments */
	sl_test_fill_pattern(frame, 9000, 7);
	ck_assert_int_eq(sim_rx(&sim, frame, 9000, 0, 0), 0);
	ck_assert_uint_eq(recv_checked(&sim, pkts, 8), 1);
	ck_assert_uint_eq(pkts[0]->nb_segs, 9);
	sl_test_check_pkt(pkts[0], 9000, 7);
	sl_pktmbuf_free(pkts[0]);
	ck_assert_uint_eq(sl_eth_qcnt_read(&rxq->cnt, SL_QCNT_ERRORS), 0);
	e1000_rx_queue_destroy(rxq);
}
END_TEST

/* A device that never sets EOP (or a frame longer than the port takes):
 * the chain stops at max_rx_pktlen (the queue's max_pkt_len, 16380 on the
 * 8254x), is dropped with the rest of the frame and counted as an error;
 * no reset, nothing leaks and frames flow again once EOP comes. */
START_TEST(rx_chain_without_eop_capped_at_max_pktlen)
{
	struct rx_sim sim;
	struct e1000_rx_queue *rxq = rxq_create(small_pool, 64, 1024, 1, &sim);
	struct sl_mbuf *pkts[8];
	uint8_t frame[1024];
	unsigned i, steps;

	ck_assert_uint_eq(rxq->max_pkt_len, E1000_MAX_FRAME_LEN);
	/* full 1024-byte buffers without EOP, polled as they come: the 16th
	 * brings the chain to 16384 > 16380, the rest are discarded */
	for (steps = 0; steps < 40; steps++) {
		sl_test_fill_pattern(frame, 1024, steps);
		ck_assert_int_eq(sim_rx(&sim, frame, 1024, 0, 0), 0);
		rxq->ring[(sim.rdh + 63) % 64].status = E1000_RXD_STAT_DD;
		ck_assert_uint_eq(recv_checked(&sim, pkts, 8), 0);
		ck_assert_uint_eq(sl_eth_qcnt_read(&rxq->cnt, SL_QCNT_ERRORS), steps >= 15);
		ck_assert(rxq->pkt_first == NULL || rxq->pkt_first->pkt_len <= rxq->max_pkt_len);
	}
	/* the end of that frame: still discarded */
	ck_assert_int_eq(sim_rx(&sim, frame, 100, 0, 0), 0);
	ck_assert_uint_eq(recv_checked(&sim, pkts, 8), 0);
	ck_assert_uint_eq(rxq->bad_values, 0);
	ck_assert_uint_eq(rxq->resets, 0);
	ck_assert_ptr_null(rxq->pkt_first);
	ck_assert_uint_eq(sl_eth_qcnt_read(&rxq->cnt, SL_QCNT_ERRORS), 1);
	ck_assert_uint_eq(sl_mempool_in_use_count(small_pool), 64 - rxq->nb_hold);
	for (i = 0; i < 100; i++) {
		sl_test_fill_pattern(frame, 500, 100 + i);
		ck_assert_int_eq(sim_rx(&sim, frame, 500, 0, 0), 0);
		ck_assert_uint_eq(recv_checked(&sim, pkts, 8), 1);
		sl_test_check_pkt(pkts[0], 500, 100 + i);
		sl_pktmbuf_free(pkts[0]);
	}
	e1000_rx_queue_destroy(rxq);
	ck_assert_uint_eq(sl_mempool_in_use_count(small_pool), 0);
}
END_TEST

START_TEST(rx_drops_whole_frames_never_halves)
{
	struct rx_sim sim;
	struct e1000_rx_queue *rxq = rxq_create(small_pool, 64, 1024, 0, &sim);
	struct sl_mbuf *pkts[8];
	static uint8_t frame[3000];
	unsigned before_in_use;

	/* longer than one buffer without scatter: dropped, counted once */
	sl_test_fill_pattern(frame, 3000, 1);
	ck_assert_int_eq(sim_rx(&sim, frame, 3000, 0, 0), 0);
	sl_test_fill_pattern(frame, 200, 2);
	ck_assert_int_eq(sim_rx(&sim, frame, 200, 0, 0), 0);
	ck_assert_uint_eq(recv_checked(&sim, pkts, 8), 1);
	sl_test_check_pkt(pkts[0], 200, 2);
	sl_pktmbuf_free(pkts[0]);
	ck_assert_uint_eq(sl_eth_qcnt_read(&rxq->cnt, SL_QCNT_ERRORS), 1);

	/* a write-back claiming more bytes than the buffer holds: the
	 * device is broken, its receive unit is reset (test/unit/test_e1000.c
	 * has the details) */
	ck_assert_int_eq(sim_rx(&sim, frame, 200, 0, 1), 0);
	ck_assert_uint_eq(recv_checked(&sim, pkts, 8), 0);
	ck_assert_uint_eq(sl_eth_qcnt_read(&rxq->cnt, SL_QCNT_ERRORS), 2);
	ck_assert_uint_eq(rxq->resets, 1);
	/* a frame with a CRC error */
	ck_assert_int_eq(sim_rx(&sim, frame, 200, E1000_RXD_ERR_CE, 0), 0);
	/* a good one after it */
	sl_test_fill_pattern(frame, 300, 3);
	ck_assert_int_eq(sim_rx(&sim, frame, 300, 0, 0), 0);
	ck_assert_uint_eq(recv_checked(&sim, pkts, 8), 1);
	sl_test_check_pkt(pkts[0], 300, 3);
	sl_pktmbuf_free(pkts[0]);
	ck_assert_uint_eq(sl_eth_qcnt_read(&rxq->cnt, SL_QCNT_ERRORS), 3);
	ck_assert_uint_eq(sl_eth_qcnt_read(&rxq->cnt, SL_QCNT_PKTS), 2);

	/* no mbuf leaked by the drops: only the ring's are in use */
	for (int i = 0; i < 3; i++) {
		sl_test_fill_pattern(frame, 100, 9);
		ck_assert_int_eq(sim_rx(&sim, frame, 100, 0, 0), 0);
	}
	while (recv_checked(&sim, pkts, 1) == 1)
		sl_pktmbuf_free(pkts[0]);
	before_in_use = sl_mempool_in_use_count(small_pool);
	ck_assert_uint_eq(before_in_use, 64 - rxq->nb_hold);
	e1000_rx_queue_destroy(rxq);
	ck_assert_uint_eq(sl_mempool_in_use_count(small_pool), 0);
}
END_TEST

START_TEST(rx_pool_empty_counts_nombuf)
{
	struct rx_sim sim;
	struct e1000_rx_queue *rxq = rxq_create(pool, 64, 2048, 0, &sim);
	struct sl_mbuf *hoard[POOL_SIZE], *pkts[64];
	unsigned nb_hoard = 0, got, i;
	uint8_t frame[100];

	while (nb_hoard < POOL_SIZE && (hoard[nb_hoard] = sl_pktmbuf_alloc(pool)) != NULL)
		nb_hoard++;
	sl_test_fill_pattern(frame, 100, 4);
	for (i = 0; i < 40; i++)
		ck_assert_int_eq(sim_rx(&sim, frame, 100, 0, 0), 0);
	got = recv_checked(&sim, pkts, 64);
	ck_assert_uint_eq(got, 40);
	ck_assert_uint_gt(sl_eth_qcnt_read(&rxq->cnt, SL_QCNT_NOMBUF), 0);
	ck_assert_uint_eq(rxq->nb_hold, 40);
	sl_pktmbuf_free_bulk(pkts, got);
	sl_pktmbuf_free_bulk(hoard, nb_hoard);
	/* mbufs are back: the next burst refills and moves RDT */
	ck_assert_uint_eq(recv_checked(&sim, pkts, 64), 0);
	ck_assert_uint_eq(rxq->nb_hold, 0);
	ck_assert_uint_eq(reg(E1000_RDT), (rxq->next + 63u) % 64);
	e1000_rx_queue_destroy(rxq);
}
END_TEST

START_TEST(rx_ignores_dd_beyond_what_device_owns)
{
	struct rx_sim sim;
	struct e1000_rx_queue *rxq = rxq_create(pool, 32, 2048, 0, &sim);
	struct sl_mbuf *pkts[64], *hoard[POOL_SIZE];
	unsigned nb_hoard = 0, i;
	uint8_t frame[100];

	/* no refill possible, all 31 descriptors used */
	while (nb_hoard < POOL_SIZE && (hoard[nb_hoard] = sl_pktmbuf_alloc(pool)) != NULL)
		nb_hoard++;
	sl_test_fill_pattern(frame, 100, 1);
	for (i = 0; i < 31; i++)
		ck_assert_int_eq(sim_rx(&sim, frame, 100, 0, 0), 0);
	ck_assert_uint_eq(recv_checked(&sim, pkts, 64), 31);
	ck_assert_uint_eq(rxq->nb_hold, 31);
	/* a device bug: DD on the descriptor at RDT, which it does not own */
	rxq->ring[rxq->next].length = 100;
	rxq->ring[rxq->next].status = E1000_RXD_STAT_DD | E1000_RXD_STAT_EOP;
	ck_assert_uint_eq(e1000_recv_pkts(rxq, pkts + 31, 33), 0);
	ck_assert_uint_eq(rxq->nb_hold, 31);
	sl_pktmbuf_free_bulk(pkts, 31);
	sl_pktmbuf_free_bulk(hoard, nb_hoard);
	rxq->ring[rxq->next].status = 0;
	e1000_rx_queue_destroy(rxq);
}
END_TEST

/* ---- TX ----------------------------------------------------------------------- */

struct tx_sim {
	struct e1000_tx_queue *txq;
	uint32_t tdh;
	/* frame being gathered */
	uint8_t frame[16384];
	uint32_t len;
	unsigned frames;
	unsigned descs_since_rs;
	unsigned max_descs_between_rs;
	/* completed frames: lengths and seeds, compared by the test */
	uint32_t out_len[4096];
	uint8_t out_first[4096];
	unsigned nb_out;
};

static struct e1000_tx_queue *txq_create(uint16_t nb_desc, uint16_t rs_thresh, uint16_t free_thresh,
					 struct tx_sim *sim)
{
	struct e1000_tx_queue *txq = NULL;

	memset(bar, 0, BAR_SIZE);
	ck_assert_int_eq(e1000_tx_queue_create(&(struct e1000_txq_params){
						       .hw = bar,
						       .socket = SL_SOCKET_ID_ANY,
						       .nb_desc = nb_desc,
						       .rs_thresh = rs_thresh,
						       .free_thresh = free_thresh,
						       .log_module = "E1000",
						       .enable_reg = E1000_TCTL,
						       .enable_bit = E1000_TCTL_EN,
					       },
					       &txq),
			 0);
	e1000_tx_queue_init(txq);
	memset(sim, 0, sizeof(*sim));
	sim->txq = txq;
	return txq;
}

/* The device transmitting up to 'budget' descriptors of [TDH, TDT) (SDM
 * 3.3; QEMU start_xmit). DD is written back only for RS descriptors, and
 * only if write_dd: otherwise the test writes it later. */
static unsigned sim_tx(struct tx_sim *s, unsigned budget, int write_dd)
{
	struct e1000_tx_queue *txq = s->txq;
	uint32_t tdt = reg(E1000_TDT), n = txq->nb_desc;
	unsigned done = 0;

	ck_assert_uint_lt(tdt, n);
	while (s->tdh != tdt && done < budget) {
		volatile struct e1000_tx_desc *d = &txq->ring[s->tdh];
		uint32_t lower = d->lower, len = lower & 0xffff;

		ck_assert_msg(lower & E1000_TXD_CMD_IFCS, "descriptor without IFCS");
		ck_assert_msg(!(lower & E1000_TXD_CMD_DEXT), "not a legacy descriptor");
		ck_assert_uint_gt(len, 0);
		ck_assert_uint_le(s->len + len, sizeof(s->frame));
		memcpy(s->frame + s->len, sl_test_dma_va(d->buffer_addr, len), len);
		s->len += len;
		s->descs_since_rs++;
		if (lower & E1000_TXD_CMD_RS) {
			ck_assert_msg(lower & E1000_TXD_CMD_EOP, "RS on a non-EOP descriptor");
			if (s->descs_since_rs > s->max_descs_between_rs)
				s->max_descs_between_rs = s->descs_since_rs;
			s->descs_since_rs = 0;
			if (write_dd)
				d->upper |= E1000_TXD_STAT_DD;
		}
		if (lower & E1000_TXD_CMD_EOP) {
			/* the first frames are kept for comparison */
			if (s->nb_out < SL_DIM(s->out_len)) {
				s->out_len[s->nb_out] = s->len;
				s->out_first[s->nb_out] = s->frame[0];
				s->nb_out++;
			}
			s->frames++;
			s->len = 0;
		}
		s->tdh = (s->tdh + 1) % n;
		set_reg(E1000_TDH, s->tdh);
		done++;
	}
	return done;
}

START_TEST(tx_basic_rs_spacing_and_reclaim)
{
	struct tx_sim *sim = calloc(1, sizeof(*sim));
	struct e1000_tx_queue *txq = txq_create(128, 16, 32, sim);
	struct sl_mbuf *pkts[32];
	unsigned sent = 0, i, k, seed = 0;

	for (k = 0; k < 200; k++) {
		unsigned n = 1 + (unsigned)rand() % 32;
		uint16_t took;

		for (i = 0; i < n; i++) {
			uint32_t len = 60 + (uint32_t)(seed + i) * 13 % 1455;

			pkts[i] = sl_test_make_pkt(pool, len, seed + i, 1 + (seed + i) % 4);
		}
		took = e1000_xmit_pkts(txq, pkts, (uint16_t)n);
		/* TDT moved to the driver's tail (one write per burst) */
		ck_assert_uint_eq(reg(E1000_TDT), txq->tail);
		for (i = took; i < n; i++)
			sl_pktmbuf_free(pkts[i]);
		seed += took;
		sent += took;
		sim_tx(sim, 1000, 1);
	}
	ck_assert_uint_eq(sim->frames, sent);
	ck_assert_uint_le(sim->max_descs_between_rs, 16 + 3);
	for (i = 0; i < sim->nb_out; i++) {
		uint8_t want[1];

		sl_test_fill_pattern(want, 1, i);
		ck_assert_uint_eq(sim->out_len[i], 60 + i * 13 % 1455);
		ck_assert_uint_eq(sim->out_first[i], want[0]);
	}
	ck_assert_uint_eq(sl_eth_qcnt_read(&txq->cnt, SL_QCNT_PKTS), sent);
	e1000_tx_queue_destroy(txq);
	ck_assert_uint_eq(sl_mempool_in_use_count(pool), 0);
	free(sim);
}
END_TEST

START_TEST(tx_buffers_live_until_dd)
{
	struct tx_sim *sim = calloc(1, sizeof(*sim));
	struct e1000_tx_queue *txq = txq_create(64, 8, 32, sim);
	struct sl_mbuf *pkts[64];
	unsigned i, in_use;
	uint16_t took;

	/* fill the ring: 63 one-segment packets fit, not 64 */
	for (i = 0; i < 64; i++)
		pkts[i] = sl_test_make_pkt(pool, 100, i, 1);
	took = e1000_xmit_pkts(txq, pkts, 64);
	ck_assert_uint_eq(took, 63);
	ck_assert_uint_eq(txq->nb_free, 0);
	/* the device sends everything but reports nothing yet */
	ck_assert_uint_eq(sim_tx(sim, 1000, 0), 63);
	in_use = sl_mempool_in_use_count(pool);
	ck_assert_uint_eq(e1000_xmit_pkts(txq, &pkts[63], 1), 0);
	ck_assert_uint_eq(sl_mempool_in_use_count(pool), in_use);
	/* DD on the first RS descriptor only: exactly its block is freed */
	txq->ring[txq->rs_fifo[txq->rs_head]].upper |= E1000_TXD_STAT_DD;
	ck_assert_uint_eq(e1000_xmit_pkts(txq, &pkts[63], 1), 1);
	ck_assert_uint_eq(sl_mempool_in_use_count(pool), in_use - 8);
	e1000_tx_queue_destroy(txq);
	ck_assert_uint_eq(sl_mempool_in_use_count(pool), 0);
	free(sim);
}
END_TEST

START_TEST(tx_refuses_unsendable_packets)
{
	struct tx_sim *sim = calloc(1, sizeof(*sim));
	struct e1000_tx_queue *txq = txq_create(64, 8, 32, sim);
	struct sl_mbuf *pkts[3], *empty_tail;

	/* 33 segments (more than max_segs = 32): taken, dropped, counted */
	pkts[0] = sl_test_make_pkt(pool, 3300, 1, 33);
	/* an empty packet */
	pkts[1] = sl_pktmbuf_alloc(pool);
	/* a good packet with an empty segment at its end */
	pkts[2] = sl_test_make_pkt(pool, 500, 2, 2);
	empty_tail = sl_pktmbuf_alloc(pool);
	ck_assert_int_eq(sl_pktmbuf_chain(pkts[2], empty_tail), 0);
	ck_assert_uint_eq(e1000_xmit_pkts(txq, pkts, 3), 3);
	ck_assert_uint_eq(sl_eth_qcnt_read(&txq->cnt, SL_QCNT_ERRORS), 2);
	ck_assert_uint_eq(sl_eth_qcnt_read(&txq->cnt, SL_QCNT_PKTS), 1);
	ck_assert_uint_eq(sim_tx(sim, 1000, 1), 2);
	ck_assert_uint_eq(sim->frames, 1);
	ck_assert_uint_eq(sim->out_len[0], 500);
	e1000_tx_queue_destroy(txq);
	ck_assert_uint_eq(sl_mempool_in_use_count(pool), 0);
	free(sim);
}
END_TEST

START_TEST(tx_stress_never_stalls)
{
	struct tx_sim *sim = calloc(1, sizeof(*sim));
	struct e1000_tx_queue *txq = txq_create(32, 8, 8, sim);
	struct sl_mbuf *pkts[16];
	unsigned sent = 0, k, i;

	/* a small ring, chains up to max_segs (16) and a device that sends
	 * at random speeds: every burst eventually gets through */
	for (k = 0; k < 3000; k++) {
		unsigned n = 1 + (unsigned)rand() % 16, took;

		for (i = 0; i < n; i++)
			pkts[i] = sl_test_make_pkt(pool, 64 + (unsigned)rand() % 1400, sent + i,
						   1 + (unsigned)rand() % 16);
		took = e1000_xmit_pkts(txq, pkts, (uint16_t)n);
		for (i = took; i < n; i++)
			sl_pktmbuf_free(pkts[i]);
		sent += took;
		sim_tx(sim, (unsigned)rand() % 40, 1);
		if (k % 100 == 99) {
			/* the device drains; then a full-size chain must fit */
			sim_tx(sim, 1000, 1);
			pkts[0] = sl_test_make_pkt(pool, 1400, 0, 16);
			ck_assert_uint_eq(e1000_xmit_pkts(txq, pkts, 1), 1);
			sent++;
		}
	}
	sim_tx(sim, 100000, 1);
	ck_assert_uint_eq(sim->frames, sent);
	e1000_tx_queue_destroy(txq);
	ck_assert_uint_eq(sl_mempool_in_use_count(pool), 0);
	free(sim);
}
END_TEST

static Suite *e1000_suite(void)
{
	Suite *s = suite_create("e1000_rxtx");
	TCase *tc = tcase_create("rx");

	tcase_add_test(tc, rx_basic_and_refill);
	tcase_add_test(tc, rx_ring_full_counts_miss_and_recovers);
	tcase_add_test(tc, rx_scatter_chains_across_bursts);
	tcase_add_test(tc, rx_drops_whole_frames_never_halves);
	tcase_add_test(tc, rx_chain_without_eop_capped_at_max_pktlen);
	tcase_add_test(tc, rx_pool_empty_counts_nombuf);
	tcase_add_test(tc, rx_ignores_dd_beyond_what_device_owns);
	suite_add_tcase(s, tc);
	tc = tcase_create("tx");
	tcase_add_test(tc, tx_basic_rs_spacing_and_reclaim);
	tcase_add_test(tc, tx_buffers_live_until_dd);
	tcase_add_test(tc, tx_refuses_unsendable_packets);
	tcase_add_test(tc, tx_stress_never_stalls);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	int failed;

	srand(42);
	setup_once();
	/* one process: the EAL and the pools are set up once above */
	failed = sl_test_run_suite(e1000_suite());
	sl_mempool_free(pool);
	sl_mempool_free(small_pool);
	free(bar);
	sl_eal_cleanup();
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
