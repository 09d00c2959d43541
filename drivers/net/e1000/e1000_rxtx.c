/* SPDX-License-Identifier: BSD-3-Clause
 * e1000 fast path: legacy descriptors (8254x SDM 3.2 receive, 3.3
 * transmit), one RX and one TX queue.
 *
 * RX ring ownership. next is the first descriptor software has not looked
 * at; the nb_hold descriptors before it were consumed and wait for fresh
 * mbufs; RDT is always written as next - nb_hold - 1. So the device owns
 * [RDH, RDT), the descriptor at RDT holds an mbuf the device may not use
 * yet, and RDT never equals RDH after a write (which the device would read
 * as "no descriptors"): RDH lies in [next, old RDT] and the new RDT inside
 * the refilled range behind next.
 *
 * TX ring. Descriptors [clean, tail) are in flight; one stays unused so
 * TDT never catches up with TDH. Only a packet's last (EOP) descriptor may
 * carry RS, set once rs_thresh descriptors have been filled since the
 * previous RS, and the device writes DD back only for RS descriptors (SDM
 * 3.3.3.2; QEMU's model does the same). The mbuf chain of a packet is
 * remembered at its EOP slot and freed when an RS at or after it reports
 * DD: by then the device has fetched every buffer before it.
 *
 * A device that reports the impossible (an RX length of 0 or beyond the
 * buffer, RDH or TDH outside the ring or outside the range it was given)
 * is not believed: nothing is read or written beyond the buffer or ring
 * because of it, the value is counted (bad_values), one log line names
 * it, and that direction of the device is reset in place: receive or
 * transmit off, in-flight DMA let finish, head and tail rewritten from the
 * driver's own state, on again. RX keeps its buffers (only frames the
 * device had completed but the driver not yet taken are dropped); TX drops
 * what was in flight. After E1000_MAX_QUEUE_RESETS the queue stops for
 * good (bursts return 0) until the port is restarted. The heads are not
 * read on the fast path: only every E1000_HEAD_CHECK_POLLS polls that
 * found nothing to do (RX idle, TX ring full), so a busy queue pays
 * nothing. The resets run on the lcore that polls the queue and touch
 * only that direction's registers (RCTL/RDH/RDT or TCTL/TDH/TDT).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "sl_eal.h"
#include "sl_log.h"
#include "e1000_ethdev.h"

static __sl_always_inline uint16_t ring_next(uint16_t idx, uint16_t nb_desc)
{
	return (uint16_t)(idx + 1 == nb_desc ? 0 : idx + 1);
}

/* ---- RX ------------------------------------------------------------------ */

static __sl_always_inline void rx_desc_arm(volatile struct e1000_rx_desc *d, struct sl_mbuf *m)
{
	d->buffer_addr = sl_pktmbuf_iova(m);
	/* length, csum, status (DD), errors, special: all zero */
	*(volatile uint64_t *)((volatile uint8_t *)d + 8) = 0;
}

/* Gives fresh mbufs to the nb_hold consumed descriptors behind next, in
 * chunks so a nearly empty pool still lets some through, and moves RDT
 * once. Returns how many were refilled. */
static uint16_t rx_refill(struct e1000_rx_queue *rxq)
{
	const uint16_t nb_desc = rxq->nb_desc;
	uint16_t nb_hold = rxq->nb_hold, done = 0;
	uint16_t idx = rxq->next >= nb_hold ? (uint16_t)(rxq->next - nb_hold)
					   : (uint16_t)(rxq->next + nb_desc - nb_hold);

	while (done < nb_hold) {
		uint16_t chunk = (uint16_t)SL_MIN(nb_hold - done, rxq->free_thresh);
		uint16_t i;

		/* stay contiguous in sw_ring */
		chunk = (uint16_t)SL_MIN(chunk, nb_desc - idx);
		if (sl_unlikely(sl_pktmbuf_alloc_bulk(rxq->mp, &rxq->sw_ring[idx], chunk) < 0)) {
			sl_eth_qcnt_add(&rxq->cnt, SL_QCNT_NOMBUF, chunk);
			break;
		}
		for (i = 0; i < chunk; i++)
			rx_desc_arm(&rxq->ring[idx + i], rxq->sw_ring[idx + i]);
		done = (uint16_t)(done + chunk);
		idx = (uint16_t)(idx + chunk == nb_desc ? 0 : idx + chunk);
	}
	if (done > 0) {
		rxq->nb_hold = (uint16_t)(nb_hold - done);
		/* idx is one past the last refilled descriptor: RDT goes to
		 * the last one, which keeps one armed descriptor in hand. */
		sl_write32((uint32_t)(idx == 0 ? nb_desc - 1 : idx - 1), rxq->rdt_reg);
	}
	return done;
}

/* The device said something impossible: reset the receive unit and keep
 * going from the driver's own view of the ring, or stop for good. */
static void __attribute__((noinline, cold))
rx_device_fault(struct e1000_rx_queue *rxq, const char *what, unsigned value, unsigned limit)
{
	volatile uint8_t *hw = rxq->hw;
	const uint16_t nb_desc = rxq->nb_desc;
	uint32_t rctl = e1000_read(hw, E1000_RCTL);
	uint16_t i, rdt;
	unsigned completed = 0;

	rxq->bad_values++;
	e1000_write(hw, E1000_RCTL, rctl & ~E1000_RCTL_EN);
	sl_delay_us(E1000_STOP_DRAIN_US);
	if (rxq->resets >= E1000_MAX_QUEUE_RESETS) {
		rxq->stopped = 1;
		SL_LOG(ERR, E1000,
		       "port %u RX queue %u: device reported %s %u (limit %u) again after %u "
		       "resets: receive stopped; restart the port (sl_eth_dev_stop/start) or "
		       "replace the device",
		       rxq->port_id, rxq->queue_id, what, value, limit, rxq->resets);
		return;
	}
	rxq->resets++;
	sl_pktmbuf_free(rxq->pkt_first);
	rxq->pkt_first = rxq->pkt_last = NULL;
	rxq->discard = 0;
	for (i = 0; i < nb_desc; i++) {
		if (rxq->sw_ring[i] == NULL)
			continue;
		completed += !!(rxq->ring[i].status & E1000_RXD_STAT_DD);
		rx_desc_arm(&rxq->ring[i], rxq->sw_ring[i]);
	}
	/* frames the device finished but nobody took: dropped by the reset */
	sl_eth_qcnt_add(&rxq->cnt, SL_QCNT_ERRORS, completed);
	/* the ring invariant of the comment at the top, from 'next' on */
	rdt = (uint16_t)((rxq->next + 2u * nb_desc - rxq->nb_hold - 1u) % nb_desc);
	e1000_write(hw, E1000_RDH, rxq->next);
	e1000_write(hw, E1000_RDT, rdt);
	e1000_write(hw, E1000_RCTL, rctl);
	SL_LOG(ERR, E1000,
	       "port %u RX queue %u: device reported %s %u (limit %u): receive unit reset "
	       "(%u of %u; %u completed frames dropped)",
	       rxq->port_id, rxq->queue_id, what, value, limit, rxq->resets,
	       E1000_MAX_QUEUE_RESETS, completed);
}

/* RDH must be inside the ring and between next (what the driver has not
 * looked at) and RDT (the device may not go past it). */
static void __attribute__((noinline, cold)) rx_check_head(struct e1000_rx_queue *rxq)
{
	const uint16_t nb_desc = rxq->nb_desc;
	uint32_t rdh = e1000_read(rxq->hw, E1000_RDH);
	uint32_t owned = (uint32_t)(nb_desc - rxq->nb_hold - 1u);

	if (rdh >= nb_desc)
		rx_device_fault(rxq, "RDH", rdh, nb_desc - 1u);
	else if ((rdh + nb_desc - rxq->next) % nb_desc > owned)
		rx_device_fault(rxq, "RDH outside the descriptors it owns", rdh, owned);
}

static __sl_always_inline void rx_set_csum_flags(struct sl_mbuf *m, uint8_t status, uint8_t errors)
{
	if (status & E1000_RXD_STAT_IXSM)
		return;
	if (status & E1000_RXD_STAT_IPCS)
		m->ol_flags |= (errors & E1000_RXD_ERR_IPE) ? SL_MBUF_F_RX_IP_CKSUM_BAD
							   : SL_MBUF_F_RX_IP_CKSUM_GOOD;
	if (status & E1000_RXD_STAT_TCPCS)
		m->ol_flags |= (errors & E1000_RXD_ERR_TCPE) ? SL_MBUF_F_RX_L4_CKSUM_BAD
							    : SL_MBUF_F_RX_L4_CKSUM_GOOD;
}

uint16_t e1000_recv_pkts(void *queue, struct sl_mbuf **pkts, uint16_t nb_pkts)
{
	struct e1000_rx_queue *rxq = queue;
	volatile struct e1000_rx_desc *ring = rxq->ring;
	struct sl_mbuf **sw_ring = rxq->sw_ring;
	struct sl_mbuf *first = rxq->pkt_first, *last = rxq->pkt_last;
	const uint16_t nb_desc = rxq->nb_desc, buf_len = rxq->buf_len;
	uint16_t next = rxq->next, nb_rx = 0, nb_hold = rxq->nb_hold;
	uint64_t bytes = 0, dropped = 0;
	uint32_t bad_len = UINT32_MAX;	/* the length that stopped the loop */
	uint8_t discard = rxq->discard;

	if (sl_unlikely(rxq->stopped))
		return 0;
	while (nb_rx < nb_pkts) {
		volatile struct e1000_rx_desc *d = &ring[next];
		uint8_t status = d->status, errors;
		struct sl_mbuf *m;
		uint16_t len;

		/* A device cannot complete more than the nb_desc - 1
		 * descriptors it was given; one that says otherwise is not
		 * believed (the descriptor at RDT has no DD to report). */
		if (!(status & E1000_RXD_STAT_DD) || sl_unlikely(nb_hold == nb_desc - 1)) {
			/* nothing taken in this burst: rxq holds the state */
			if (next == rxq->next && sl_unlikely((++rxq->idle_polls &
							     (E1000_HEAD_CHECK_POLLS - 1)) == 0)) {
				rx_check_head(rxq);
				return 0;
			}
			break;
		}
		/* the rest of the descriptor after DD (see sl_io.h) */
		sl_io_rmb();
		len = d->length;
		errors = d->errors;
		m = sw_ring[next];
		sw_ring[next] = NULL;
		next = ring_next(next, nb_desc);
		nb_hold++;

		/* A length the buffer cannot hold (or none at all) cannot
		 * come from a working device: the frame is dropped whole and
		 * the receive unit reset (nothing after it is believed). */
		if (sl_unlikely(len == 0 || len > buf_len)) {
			sl_pktmbuf_free_seg(m);
			dropped++;
			bad_len = len;
			break;
		}
		/* the rest of a frame being dropped */
		if (sl_unlikely(discard)) {
			sl_pktmbuf_free_seg(m);
			discard = !(status & E1000_RXD_STAT_EOP);
			continue;
		}
		m->data_len = len;
		if (first == NULL) {
			first = m;
			first->pkt_len = len;
		} else {
			last->next = m;
			first->pkt_len += len;
			first->nb_segs++;
		}
		last = m;

		if (!(status & E1000_RXD_STAT_EOP)) {
			if (sl_unlikely(!rxq->scatter)) {
				/* longer than one buffer, and chaining is off */
				sl_pktmbuf_free(first);
				first = NULL;
				dropped++;
				discard = 1;
			}
			continue;
		}
		if (sl_unlikely(errors & E1000_RXD_ERR_FRAME)) {
			sl_pktmbuf_free(first);
			first = NULL;
			dropped++;
			continue;
		}
		first->port = rxq->port_id;
		if (rxq->csum)
			rx_set_csum_flags(first, status, errors);
		bytes += first->pkt_len;
		pkts[nb_rx++] = first;
		first = NULL;
	}

	rxq->next = next;
	rxq->nb_hold = nb_hold;
	rxq->pkt_first = first;
	rxq->pkt_last = last;
	rxq->discard = discard;
	sl_eth_qcnt_burst(&rxq->cnt, nb_rx, bytes);
	if (sl_unlikely(dropped > 0)) {
		sl_eth_qcnt_add(&rxq->cnt, SL_QCNT_ERRORS, dropped);
		if (bad_len != UINT32_MAX)
			rx_device_fault(rxq, "an RX length of", bad_len, buf_len);
	}
	if (nb_hold >= rxq->free_thresh && !rxq->stopped)
		rx_refill(rxq);
	return nb_rx;
}

int e1000_rx_queue_init(struct e1000_rx_queue *rxq)
{
	uint16_t i;

	if (sl_pktmbuf_alloc_bulk(rxq->mp, rxq->sw_ring, rxq->nb_desc) < 0)
		return -ENOMEM;
	for (i = 0; i < rxq->nb_desc; i++)
		rx_desc_arm(&rxq->ring[i], rxq->sw_ring[i]);
	rxq->next = 0;
	rxq->nb_hold = 0;
	rxq->discard = 0;
	rxq->pkt_first = rxq->pkt_last = NULL;
	rxq->stopped = 0;
	rxq->resets = 0;
	rxq->idle_polls = 0;
	return 0;
}

void e1000_rx_queue_drain(struct e1000_rx_queue *rxq)
{
	uint16_t i;

	for (i = 0; i < rxq->nb_desc; i++) {
		if (rxq->sw_ring[i] != NULL) {
			sl_pktmbuf_free_seg(rxq->sw_ring[i]);
			rxq->sw_ring[i] = NULL;
		}
		rxq->ring[i].buffer_addr = 0;
		*(volatile uint64_t *)((volatile uint8_t *)&rxq->ring[i] + 8) = 0;
	}
	sl_pktmbuf_free(rxq->pkt_first);
	rxq->pkt_first = rxq->pkt_last = NULL;
	rxq->next = 0;
	rxq->nb_hold = 0;
	rxq->discard = 0;
}

/* ---- TX ------------------------------------------------------------------ */

/* An empty ring: nothing in flight, every descriptor but one free. */
static void tx_ring_rewind(struct e1000_tx_queue *txq)
{
	txq->tail = 0;
	txq->clean = 0;
	txq->nb_free = (uint16_t)(txq->nb_desc - 1);
	txq->since_rs = 0;
	txq->rs_head = txq->rs_tail = txq->rs_count = 0;
	txq->full_polls = 0;
}

/* The device said something impossible: reset the transmit unit, dropping
 * what was in flight, or stop for good. */
static void __attribute__((noinline, cold))
tx_device_fault(struct e1000_tx_queue *txq, const char *what, unsigned value, unsigned limit)
{
	volatile uint8_t *hw = txq->hw;
	uint32_t tctl = e1000_read(hw, E1000_TCTL);
	unsigned lost;

	txq->bad_values++;
	e1000_write(hw, E1000_TCTL, tctl & ~E1000_TCTL_EN);
	sl_delay_us(E1000_STOP_DRAIN_US);
	if (txq->resets >= E1000_MAX_QUEUE_RESETS) {
		txq->stopped = 1;
		SL_LOG(ERR, E1000,
		       "port %u TX queue %u: device reported %s %u (limit %u) again after %u "
		       "resets: transmit stopped; restart the port (sl_eth_dev_stop/start) or "
		       "replace the device",
		       txq->port_id, txq->queue_id, what, value, limit, txq->resets);
		return;
	}
	txq->resets++;
	lost = e1000_tx_queue_drain(txq);
	sl_eth_qcnt_add(&txq->cnt, SL_QCNT_ERRORS, lost);
	e1000_write(hw, E1000_TDH, 0);
	e1000_write(hw, E1000_TDT, 0);
	e1000_write(hw, E1000_TCTL, tctl);
	SL_LOG(ERR, E1000,
	       "port %u TX queue %u: device reported %s %u (limit %u): transmit unit reset "
	       "(%u of %u; %u packets in flight dropped)",
	       txq->port_id, txq->queue_id, what, value, limit, txq->resets,
	       E1000_MAX_QUEUE_RESETS, lost);
}

/* TDH must be inside the ring and between clean (the oldest descriptor
 * not reclaimed) and tail (TDT: the device may not go past it). */
static void __attribute__((noinline, cold)) tx_check_head(struct e1000_tx_queue *txq)
{
	const uint16_t nb_desc = txq->nb_desc;
	uint32_t tdh = e1000_read(txq->hw, E1000_TDH);
	uint32_t in_flight = (uint32_t)(txq->tail + nb_desc - txq->clean) % nb_desc;

	if (tdh >= nb_desc)
		tx_device_fault(txq, "TDH", tdh, nb_desc - 1u);
	else if ((tdh + nb_desc - txq->clean) % nb_desc > in_flight)
		tx_device_fault(txq, "TDH outside the descriptors it was given", tdh, in_flight);
}

/* Frees what the device has finished with, one RS block at a time. */
static void tx_reclaim(struct e1000_tx_queue *txq)
{
	enum { BATCH = 64 };
	struct sl_mbuf *done[BATCH];
	const uint16_t nb_desc = txq->nb_desc;

	while (txq->rs_count > 0) {
		uint16_t rs_idx = txq->rs_fifo[txq->rs_head], idx = txq->clean, n = 0;
		unsigned nb_done = 0;

		if (!(txq->ring[rs_idx].upper & E1000_TXD_STAT_DD))
			break;
		for (;;) {
			struct sl_mbuf *m = txq->sw_ring[idx];

			if (m != NULL) {
				txq->sw_ring[idx] = NULL;
				done[nb_done++] = m;
				if (nb_done == BATCH) {
					sl_pktmbuf_free_bulk(done, nb_done);
					nb_done = 0;
				}
			}
			n++;
			if (idx == rs_idx)
				break;
			idx = ring_next(idx, nb_desc);
		}
		if (nb_done > 0)
			sl_pktmbuf_free_bulk(done, nb_done);
		txq->clean = ring_next(rs_idx, nb_desc);
		txq->nb_free = (uint16_t)(txq->nb_free + n);
		txq->rs_head = ring_next(txq->rs_head, nb_desc);
		txq->rs_count--;
	}
}

uint16_t e1000_xmit_pkts(void *queue, struct sl_mbuf **pkts, uint16_t nb_pkts)
{
	struct e1000_tx_queue *txq = queue;
	volatile struct e1000_tx_desc *ring = txq->ring;
	const uint16_t nb_desc = txq->nb_desc;
	uint16_t tail = txq->tail, nb_tx, sent = 0;
	uint64_t bytes = 0;

	if (sl_unlikely(txq->stopped))
		return 0;
	if (txq->nb_free < txq->free_thresh)
		tx_reclaim(txq);

	for (nb_tx = 0; nb_tx < nb_pkts; nb_tx++) {
		struct sl_mbuf *m = pkts[nb_tx], *seg;
		uint16_t last = tail, used = 0;
		uint32_t lower;

		if (sl_unlikely(m->nb_segs > txq->max_segs || m->pkt_len == 0 ||
				m->pkt_len > E1000_MAX_TX_PKT_LEN)) {
			/* never sendable: taken and dropped, counted */
			sl_pktmbuf_free(m);
			sl_eth_qcnt_add(&txq->cnt, SL_QCNT_ERRORS, 1);
			continue;
		}
		if (m->nb_segs > txq->nb_free) {
			tx_reclaim(txq);
			if (m->nb_segs > txq->nb_free) {
				if (sent == 0 && sl_unlikely((++txq->full_polls &
							      (E1000_HEAD_CHECK_POLLS - 1)) == 0))
					tx_check_head(txq);
				break;
			}
		}
		for (seg = m; seg != NULL; seg = seg->next) {
			if (sl_unlikely(seg->data_len == 0))
				continue;
			ring[tail].buffer_addr = sl_pktmbuf_iova(seg);
			ring[tail].lower = seg->data_len | E1000_TXD_CMD_IFCS;
			ring[tail].upper = 0;
			last = tail;
			tail = ring_next(tail, nb_desc);
			used++;
		}
		if (sl_unlikely(used == 0)) {
			/* pkt_len said otherwise: a broken chain */
			sl_pktmbuf_free(m);
			sl_eth_qcnt_add(&txq->cnt, SL_QCNT_ERRORS, 1);
			continue;
		}
		lower = ring[last].lower | E1000_TXD_CMD_EOP;
		txq->since_rs = (uint16_t)(txq->since_rs + used);
		if (txq->since_rs >= txq->rs_thresh) {
			lower |= E1000_TXD_CMD_RS;
			txq->rs_fifo[txq->rs_tail] = last;
			txq->rs_tail = ring_next(txq->rs_tail, nb_desc);
			txq->rs_count++;
			txq->since_rs = 0;
		}
		ring[last].lower = lower;
		txq->sw_ring[last] = m;
		txq->nb_free = (uint16_t)(txq->nb_free - used);
		bytes += m->pkt_len;
		sent++;
	}
	if (sent > 0) {
		txq->tail = tail;
		/* descriptors before doorbell: sl_write32 orders them (sl_io.h) */
		sl_write32(tail, txq->tdt_reg);
	}
	sl_eth_qcnt_burst(&txq->cnt, sent, bytes);
	return nb_tx;
}

unsigned e1000_tx_queue_drain(struct e1000_tx_queue *txq)
{
	unsigned freed = 0;
	uint16_t i;

	for (i = 0; i < txq->nb_desc; i++) {
		if (txq->sw_ring[i] != NULL) {
			sl_pktmbuf_free(txq->sw_ring[i]);
			txq->sw_ring[i] = NULL;
			freed++;
		}
		txq->ring[i].buffer_addr = 0;
		txq->ring[i].lower = 0;
		txq->ring[i].upper = 0;
	}
	tx_ring_rewind(txq);
	return freed;
}

void e1000_tx_queue_init(struct e1000_tx_queue *txq)
{
	e1000_tx_queue_drain(txq);
	txq->stopped = 0;
	txq->resets = 0;
}

/* ---- queue objects (control path) ------------------------------------------ */

int e1000_rx_queue_create(const struct e1000_rxq_params *p, struct e1000_rx_queue **out)
{
	struct e1000_rx_queue *rxq = sl_eth_queue_zalloc(sizeof(*rxq));
	char name[64];
	int ret = -ENOMEM;

	if (rxq == NULL)
		goto fail;
	snprintf(name, sizeof(name), "e1000_rx_ring_p%u_q%u", p->port_id, p->queue_id);
	rxq->ring = sl_dma_zalloc(name, (size_t)p->nb_desc * sizeof(struct e1000_rx_desc), 128,
				  p->socket);
	rxq->sw_ring = calloc(p->nb_desc, sizeof(*rxq->sw_ring));
	if (rxq->ring == NULL || rxq->sw_ring == NULL)
		goto fail;
	rxq->ring_iova = sl_mem_virt2iova((const void *)(uintptr_t)rxq->ring);
	if (rxq->ring_iova == SL_BAD_IOVA) {
		ret = -EFAULT;
		goto fail;
	}
	rxq->mp = p->mp;
	rxq->nb_desc = p->nb_desc;
	rxq->free_thresh = p->free_thresh;
	rxq->buf_len = p->buf_len;
	rxq->port_id = p->port_id;
	rxq->queue_id = p->queue_id;
	rxq->scatter = p->scatter;
	rxq->csum = p->csum;
	rxq->rdt_reg = p->hw + E1000_RDT;
	rxq->hw = p->hw;
	*out = rxq;
	return 0;
fail:
	e1000_rx_queue_destroy(rxq);
	return ret;
}

void e1000_rx_queue_destroy(struct e1000_rx_queue *rxq)
{
	if (rxq == NULL)
		return;
	if (rxq->sw_ring != NULL && rxq->ring != NULL)
		e1000_rx_queue_drain(rxq);
	free(rxq->sw_ring);
	sl_dma_free((void *)(uintptr_t)rxq->ring);
	free(rxq);
}

int e1000_tx_queue_create(const struct e1000_txq_params *p, struct e1000_tx_queue **out)
{
	struct e1000_tx_queue *txq = sl_eth_queue_zalloc(sizeof(*txq));
	char name[64];
	int ret = -ENOMEM;

	if (txq == NULL)
		goto fail;
	snprintf(name, sizeof(name), "e1000_tx_ring_p%u_q%u", p->port_id, p->queue_id);
	txq->ring = sl_dma_zalloc(name, (size_t)p->nb_desc * sizeof(struct e1000_tx_desc), 128,
				  p->socket);
	txq->sw_ring = calloc(p->nb_desc, sizeof(*txq->sw_ring));
	txq->rs_fifo = calloc(p->nb_desc, sizeof(*txq->rs_fifo));
	if (txq->ring == NULL || txq->sw_ring == NULL || txq->rs_fifo == NULL)
		goto fail;
	txq->ring_iova = sl_mem_virt2iova((const void *)(uintptr_t)txq->ring);
	if (txq->ring_iova == SL_BAD_IOVA) {
		ret = -EFAULT;
		goto fail;
	}
	txq->nb_desc = p->nb_desc;
	txq->rs_thresh = p->rs_thresh;
	txq->free_thresh = p->free_thresh;
	txq->max_segs = (uint16_t)SL_MIN(E1000_TX_MAX_SEGS, p->nb_desc / 2);
	txq->port_id = p->port_id;
	txq->queue_id = p->queue_id;
	txq->tdt_reg = p->hw + E1000_TDT;
	txq->hw = p->hw;
	tx_ring_rewind(txq);
	*out = txq;
	return 0;
fail:
	e1000_tx_queue_destroy(txq);
	return ret;
}

void e1000_tx_queue_destroy(struct e1000_tx_queue *txq)
{
	if (txq == NULL)
		return;
	if (txq->sw_ring != NULL && txq->ring != NULL)
		e1000_tx_queue_drain(txq);
	free(txq->sw_ring);
	free(txq->rs_fifo);
	sl_dma_free((void *)(uintptr_t)txq->ring);
	free(txq);
}
