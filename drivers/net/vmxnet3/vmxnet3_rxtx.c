/* SPDX-License-Identifier: BSD-3-Clause
 * vmxnet3 fast path. Every ring carries generation bits instead of head
 * and tail registers: a descriptor belongs to its reader when its gen bit
 * equals the reader's gen for the current lap, and each side flips its gen
 * when its index wraps. The driver fills the command rings (TX ring, RX
 * rings 0 and 1) with its gen; the device writes the completion rings
 * with its own, starting at 1 on rings the driver zeroed.
 *
 * RX: the device takes ring 0's descriptors in order and writes one
 * completion per buffer (rqID 0: ring 0, rqID 1 = number of RX queues:
 * ring 1, whose body buffers carry the rest of a frame longer than one
 * buffer). Each consumed buffer is replaced right away, so every ring stays
 * full and its fill index is the device's next one. TX: one descriptor per
 * segment, completion requested on the EOP descriptor; QEMU writes one
 * completion per packet (txdIdx = its EOP descriptor).
 *
 * Device-written values are checked before use: a completion naming a
 * ring that does not exist, a descriptor other than the one the device
 * must use next, a length beyond the buffer, a start-of-packet inside a
 * frame, or a TX index outside what is in flight. Such a value is counted
 * (bad_values, reported as ierrors/oerrors), logged once, nothing is read
 * or freed because of it, and the queue stops (bursts return 0) until the
 * port is restarted, which resets the device and every ring.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sl_eal.h"
#include "sl_log.h"
#include "vmxnet3_ethdev.h"

/* ---- RX ------------------------------------------------------------------- */

static __sl_always_inline void rx_arm(struct vmxnet3_rx_ring *r, struct sl_mbuf *m,
				      uint16_t buf_len)
{
	volatile struct vmxnet3_rx_desc *d = &r->desc[r->next];

	r->sw_ring[r->next] = m;
	d->addr = m->buf_iova + SL_PKTMBUF_HEADROOM;
	sl_io_wmb();	/* address before the gen bit that hands it over */
	d->len_btype_gen = buf_len | r->btype | r->gen;
	if (++r->next == r->nb_desc) {
		r->next = 0;
		r->gen ^= VMXNET3_RXD_GEN;
	}
}

static void __attribute__((noinline, cold))
rx_bad_value(struct vmxnet3_rx_queue *rxq, const char *what, unsigned value, unsigned limit)
{
	rxq->bad_values++;
	rxq->stopped = 1;
	sl_pktmbuf_free(rxq->pkt_first);
	rxq->pkt_first = rxq->pkt_last = NULL;
	rxq->discard = 0;
	sl_log(SL_LOG_ERR, VMXNET3_LOG,
	       "port %u RX queue %u: device reported %s %u (expected %u): receive stopped; "
	       "restart the port (sl_eth_dev_stop/start) or replace the device",
	       rxq->port_id, rxq->queue_id, what, value, limit);
}

/* The completion's buffer, replaced by a fresh one; NULL (and counted)
 * when the pool is empty: the old buffer is armed again and the frame
 * dropped. */
static __sl_always_inline struct sl_mbuf *rx_take(struct vmxnet3_rx_queue *rxq,
						  struct vmxnet3_rx_ring *r)
{
	struct sl_mbuf *m = r->sw_ring[r->next];
	struct sl_mbuf *fresh = sl_pktmbuf_alloc(rxq->mp);

	if (sl_unlikely(fresh == NULL)) {
		sl_eth_qcnt_add(&rxq->cnt, SL_QCNT_NOMBUF, 1);
		rx_arm(r, m, rxq->buf_len);
		return NULL;
	}
	rx_arm(r, fresh, rxq->buf_len);
	return m;
}

/* One completion of a frame: 1 when a whole frame is in pkt_first. */
static __sl_always_inline int rx_segment(struct vmxnet3_rx_queue *rxq, uint32_t w0, uint32_t w2)
{
	unsigned rqid = (w0 >> VMXNET3_RCD_RQID_SHIFT) & VMXNET3_RCD_RQID_MASK;
	unsigned idx = w0 & VMXNET3_RCD_RXDIDX_MASK, len = w2 & VMXNET3_RCD_LEN_MASK;
	struct vmxnet3_rx_ring *r;
	struct sl_mbuf *m;

	if (sl_unlikely(rqid > 1 || (rqid == 1 && !rxq->scatter))) {
		rx_bad_value(rxq, "RX ring id", rqid, 0);
		return -1;
	}
	r = &rxq->ring[rqid];
	if (sl_unlikely(idx != r->next)) {
		rx_bad_value(rxq, "descriptor index", idx, r->next);
		return -1;
	}
	if (sl_unlikely(len > rxq->buf_len)) {
		rx_bad_value(rxq, "length", len, rxq->buf_len);
		return -1;
	}
	if (sl_unlikely(!!(w0 & VMXNET3_RCD_SOP) != (rxq->pkt_first == NULL && !rxq->discard) ||
			(rqid == 1 && (w0 & VMXNET3_RCD_SOP)))) {
		rx_bad_value(rxq, "start-of-packet", !!(w0 & VMXNET3_RCD_SOP),
			     rxq->pkt_first == NULL && !rxq->discard);
		return -1;
	}
	m = rx_take(rxq, r);
	if (sl_unlikely(m == NULL || rxq->discard)) {
		/* the pool ran dry inside this frame: drop it to its EOP */
		if (m != NULL)
			sl_pktmbuf_free(m);
		sl_pktmbuf_free(rxq->pkt_first);
		rxq->pkt_first = rxq->pkt_last = NULL;
		rxq->discard = !(w0 & VMXNET3_RCD_EOP);
		return 0;
	}
	m->data_off = SL_PKTMBUF_HEADROOM;
	m->data_len = (uint16_t)len;
	m->next = NULL;
	if (rxq->pkt_first == NULL) {
		m->pkt_len = len;
		m->nb_segs = 1;
		m->port = rxq->port_id;
		m->ol_flags = 0;
		m->packet_type = 0;
		rxq->pkt_first = m;
	} else {
		rxq->pkt_last->next = m;
		rxq->pkt_first->pkt_len += len;
		rxq->pkt_first->nb_segs++;
	}
	rxq->pkt_last = m;
	if (!(w0 & VMXNET3_RCD_EOP))
		return 0;
	if (sl_unlikely(w2 & VMXNET3_RCD_ERR)) {
		/* truncated: no buffer or completion left, or beyond maxNumRxSG */
		sl_pktmbuf_free(rxq->pkt_first);
		rxq->pkt_first = rxq->pkt_last = NULL;
		sl_eth_qcnt_add(&rxq->cnt, SL_QCNT_ERRORS, 1);
		return 0;
	}
	return 1;
}

uint16_t vmxnet3_recv_pkts(void *queue, struct sl_mbuf **pkts, uint16_t nb_pkts)
{
	struct vmxnet3_rx_queue *rxq = queue;
	uint16_t nb_rx = 0;
	uint64_t bytes = 0;

	if (sl_unlikely(rxq->stopped))
		return 0;
	while (nb_rx < nb_pkts) {
		volatile struct vmxnet3_rx_comp_desc *c = &rxq->comp[rxq->comp_next];
		uint32_t w3 = c->csum_gen, w0, w2;
		int done;

		if ((w3 & VMXNET3_RCD_GEN) != rxq->comp_gen)
			break;
		sl_io_rmb();	/* the rest of the completion after its gen bit */
		w0 = c->idx_flags;
		w2 = c->len_err;
		if (++rxq->comp_next == rxq->comp_size) {
			rxq->comp_next = 0;
			rxq->comp_gen ^= VMXNET3_RCD_GEN;
		}
		done = rx_segment(rxq, w0, w2);
		if (sl_unlikely(done < 0))
			break;
		if (done) {
			bytes += rxq->pkt_first->pkt_len;
			pkts[nb_rx++] = rxq->pkt_first;
			rxq->pkt_first = rxq->pkt_last = NULL;
		}
	}
	if (sl_unlikely(rxq->update_prod) && nb_rx > 0) {
		sl_write32(rxq->ring[0].next, rxq->prod_reg[0]);
		if (rxq->scatter)
			sl_write32(rxq->ring[1].next, rxq->prod_reg[1]);
	}
	sl_eth_qcnt_burst(&rxq->cnt, nb_rx, bytes);
	return nb_rx;
}

/* ---- TX ------------------------------------------------------------------- */

static void __attribute__((noinline, cold))
tx_bad_value(struct vmxnet3_tx_queue *txq, unsigned idx)
{
	txq->bad_values++;
	txq->stopped = 1;
	sl_log(SL_LOG_ERR, VMXNET3_LOG,
	       "port %u TX queue %u: device completed descriptor %u, outside the %u in flight "
	       "from %u: transmit stopped; restart the port (sl_eth_dev_stop/start)",
	       txq->port_id, txq->queue_id, idx, (unsigned)(txq->nb_desc - txq->nb_free),
	       txq->clean);
}

/* Frees what the device completed. */
static __sl_always_inline void tx_reclaim(struct vmxnet3_tx_queue *txq)
{
	const uint16_t nb_desc = txq->nb_desc;

	for (;;) {
		volatile struct vmxnet3_tx_comp_desc *c = &txq->comp[txq->comp_next];
		unsigned idx, in_flight = nb_desc - txq->nb_free, dist;

		if ((c->type_gen & VMXNET3_TCD_GEN) != txq->comp_gen)
			return;
		sl_io_rmb();
		idx = c->txd_idx & VMXNET3_TCD_TXIDX_MASK;
		dist = idx >= txq->clean ? idx - txq->clean : idx + nb_desc - txq->clean;
		if (sl_unlikely(idx >= nb_desc || dist >= in_flight)) {
			tx_bad_value(txq, idx);
			return;
		}
		if (++txq->comp_next == nb_desc) {
			txq->comp_next = 0;
			txq->comp_gen ^= VMXNET3_TCD_GEN;
		}
		for (dist++; dist > 0; dist--) {
			sl_pktmbuf_free_seg(txq->sw_ring[txq->clean]);
			txq->sw_ring[txq->clean] = NULL;
			txq->nb_free++;
			if (++txq->clean == nb_desc)
				txq->clean = 0;
		}
	}
}

/* A packet the device cannot take: a segment of 0 or more than 16383
 * bytes, more than VMXNET3_MAX_TXD_PER_PKT segments. */
static __sl_always_inline int tx_pkt_ok(const struct sl_mbuf *m)
{
	if (sl_unlikely(m->nb_segs > VMXNET3_MAX_TXD_PER_PKT))
		return 0;
	for (; m != NULL; m = m->next)
		if (sl_unlikely(m->data_len == 0 || m->data_len > VMXNET3_TX_MAX_BUF))
			return 0;
	return 1;
}

static __sl_always_inline void tx_fill(struct vmxnet3_tx_queue *txq, struct sl_mbuf *pkt)
{
	volatile struct vmxnet3_tx_desc *sop = &txq->desc[txq->tail];
	uint32_t sop_word = 0;
	struct sl_mbuf *m;

	for (m = pkt; m != NULL; m = m->next) {
		volatile struct vmxnet3_tx_desc *d = &txq->desc[txq->tail];
		uint32_t word = m->data_len | txq->gen;

		d->addr = sl_pktmbuf_iova(m);
		d->flags = m->next == NULL ? VMXNET3_TXD_EOP | VMXNET3_TXD_CQ : 0;
		/* the SOP descriptor goes to the device last, whole packet behind it */
		if (m == pkt)
			sop_word = word;
		else
			d->len_gen = word;
		txq->sw_ring[txq->tail] = m;
		if (++txq->tail == txq->nb_desc) {
			txq->tail = 0;
			txq->gen ^= VMXNET3_TXD_GEN;
		}
	}
	txq->nb_free -= pkt->nb_segs;
	sl_io_wmb();
	sop->len_gen = sop_word;
}

uint16_t vmxnet3_xmit_pkts(void *queue, struct sl_mbuf **pkts, uint16_t nb_pkts)
{
	struct vmxnet3_tx_queue *txq = queue;
	uint16_t nb_tx = 0, refused = 0;
	uint64_t bytes = 0;

	if (sl_unlikely(txq->stopped))
		return 0;
	tx_reclaim(txq);
	/* a bad completion stops the queue before anything more is posted */
	if (sl_unlikely(txq->stopped))
		return 0;
	for (; nb_tx < nb_pkts; nb_tx++) {
		struct sl_mbuf *pkt = pkts[nb_tx];

		if (pkt->nb_segs > txq->nb_free)
			break;
		if (sl_unlikely(!tx_pkt_ok(pkt))) {
			sl_pktmbuf_free(pkt);
			refused++;
			continue;
		}
		bytes += pkt->pkt_len;
		tx_fill(txq, pkt);
	}
	if (nb_tx > refused) {
		sl_io_wmb();
		sl_write32_relaxed(txq->tail, txq->prod_reg);
	}
	sl_eth_qcnt_burst(&txq->cnt, nb_tx - refused, bytes);
	if (sl_unlikely(refused))
		sl_eth_qcnt_add(&txq->cnt, SL_QCNT_ERRORS, refused);
	return nb_tx;
}

/* ---- queue objects ----------------------------------------------------------- */

static size_t ring_bytes(uint16_t n)
{
	return SL_ALIGN_CEIL((size_t)n * 16, VMXNET3_RING_ALIGN);
}

int vmxnet3_rx_queue_create(uint16_t port, uint16_t q, uint16_t nb_desc, int socket,
			    struct sl_mempool *mp, uint16_t buf_len, uint8_t scatter,
			    volatile uint8_t *bar0, struct vmxnet3_rx_queue **out)
{
	struct vmxnet3_rx_queue *rxq = sl_eth_queue_zalloc(sizeof(*rxq));
	size_t rb = ring_bytes(nb_desc);
	sl_iova_t iova;
	char name[64];
	int i;

	if (rxq == NULL)
		return -ENOMEM;
	snprintf(name, sizeof(name), "vmxnet3_rx_p%u_q%u", port, q);
	/* ring 0, ring 1, completions for both */
	rxq->mem = sl_dma_zalloc(name, 4 * rb, VMXNET3_RING_ALIGN, socket);
	for (i = 0; i < 2; i++)
		rxq->ring[i].sw_ring = calloc(nb_desc, sizeof(struct sl_mbuf *));
	if (rxq->mem == NULL || rxq->ring[0].sw_ring == NULL || rxq->ring[1].sw_ring == NULL) {
		vmxnet3_rx_queue_destroy(rxq);
		return -ENOMEM;
	}
	iova = sl_mem_virt2iova(rxq->mem);
	if (iova == SL_BAD_IOVA) {
		vmxnet3_rx_queue_destroy(rxq);
		return -EFAULT;
	}
	for (i = 0; i < 2; i++) {
		rxq->ring[i].desc = SL_PTR_ADD(rxq->mem, i * rb);
		rxq->ring[i].iova = iova + i * rb;
		rxq->ring[i].nb_desc = nb_desc;
	}
	rxq->ring[1].btype = VMXNET3_RXD_BTYPE_BODY;
	rxq->comp = SL_PTR_ADD(rxq->mem, 2 * rb);
	rxq->comp_iova = iova + 2 * rb;
	rxq->comp_size = (uint16_t)(2 * nb_desc);
	rxq->mp = mp;
	rxq->buf_len = buf_len;
	rxq->scatter = scatter;
	rxq->port_id = port;
	rxq->queue_id = q;
	rxq->prod_reg[0] = bar0 + VMXNET3_REG_RXPROD(q);
	rxq->prod_reg[1] = bar0 + VMXNET3_REG_RXPROD2(q);
	*out = rxq;
	return 0;
}

int vmxnet3_tx_queue_create(uint16_t port, uint16_t q, uint16_t nb_desc, int socket,
			    volatile uint8_t *bar0, struct vmxnet3_tx_queue **out)
{
	struct vmxnet3_tx_queue *txq = sl_eth_queue_zalloc(sizeof(*txq));
	size_t rb = ring_bytes(nb_desc);
	sl_iova_t iova;
	char name[64];

	if (txq == NULL)
		return -ENOMEM;
	snprintf(name, sizeof(name), "vmxnet3_tx_p%u_q%u", port, q);
	txq->mem = sl_dma_zalloc(name, 2 * rb, VMXNET3_RING_ALIGN, socket);
	txq->sw_ring = calloc(nb_desc, sizeof(*txq->sw_ring));
	if (txq->mem == NULL || txq->sw_ring == NULL) {
		vmxnet3_tx_queue_destroy(txq);
		return -ENOMEM;
	}
	iova = sl_mem_virt2iova(txq->mem);
	if (iova == SL_BAD_IOVA) {
		vmxnet3_tx_queue_destroy(txq);
		return -EFAULT;
	}
	txq->desc = txq->mem;
	txq->ring_iova = iova;
	txq->comp = SL_PTR_ADD(txq->mem, rb);
	txq->comp_iova = iova + rb;
	txq->nb_desc = nb_desc;
	txq->port_id = port;
	txq->queue_id = q;
	txq->prod_reg = bar0 + VMXNET3_REG_TXPROD(q);
	*out = txq;
	return 0;
}

void vmxnet3_rx_queue_destroy(struct vmxnet3_rx_queue *rxq)
{
	if (rxq == NULL)
		return;
	if (rxq->ring[0].sw_ring != NULL && rxq->ring[1].sw_ring != NULL)
		vmxnet3_rx_queue_drain(rxq);
	free(rxq->ring[0].sw_ring);
	free(rxq->ring[1].sw_ring);
	if (rxq->mem != NULL)
		sl_dma_free(rxq->mem);
	free(rxq);
}

void vmxnet3_tx_queue_destroy(struct vmxnet3_tx_queue *txq)
{
	if (txq == NULL)
		return;
	if (txq->sw_ring != NULL)
		vmxnet3_tx_queue_drain(txq);
	free(txq->sw_ring);
	if (txq->mem != NULL)
		sl_dma_free(txq->mem);
	free(txq);
}

int vmxnet3_rx_queue_init(struct vmxnet3_rx_queue *rxq)
{
	uint16_t n = rxq->ring[0].nb_desc, i;
	int r, rings = rxq->scatter ? 2 : 1;

	memset((void *)(uintptr_t)rxq->mem, 0, 4 * ring_bytes(n));
	for (r = 0; r < 2; r++) {
		rxq->ring[r].next = 0;
		rxq->ring[r].gen = VMXNET3_RXD_GEN;
	}
	rxq->comp_next = 0;
	rxq->comp_gen = VMXNET3_RCD_GEN;
	rxq->stopped = 0;
	if (rxq->mp == NULL)
		return 0;
	for (r = 0; r < rings; r++)
		for (i = 0; i < n; i++) {
			struct sl_mbuf *m = sl_pktmbuf_alloc(rxq->mp);

			if (m == NULL) {
				vmxnet3_rx_queue_drain(rxq);
				return -ENOMEM;
			}
			rx_arm(&rxq->ring[r], m, rxq->buf_len);
		}
	return 0;
}

void vmxnet3_tx_queue_init(struct vmxnet3_tx_queue *txq)
{
	memset((void *)(uintptr_t)txq->mem, 0, 2 * ring_bytes(txq->nb_desc));
	txq->tail = txq->clean = txq->comp_next = 0;
	txq->nb_free = txq->nb_desc;
	txq->gen = VMXNET3_TXD_GEN;
	txq->comp_gen = VMXNET3_TCD_GEN;
	txq->stopped = 0;
}

void vmxnet3_rx_queue_drain(struct vmxnet3_rx_queue *rxq)
{
	int r;
	uint16_t i;

	for (r = 0; r < 2; r++) {
		for (i = 0; i < rxq->ring[r].nb_desc; i++) {
			if (rxq->ring[r].sw_ring[i] != NULL)
				sl_pktmbuf_free(rxq->ring[r].sw_ring[i]);
			rxq->ring[r].sw_ring[i] = NULL;
		}
		rxq->ring[r].next = 0;
	}
	sl_pktmbuf_free(rxq->pkt_first);
	rxq->pkt_first = rxq->pkt_last = NULL;
	rxq->discard = 0;
}

void vmxnet3_tx_queue_drain(struct vmxnet3_tx_queue *txq)
{
	uint16_t i;

	for (i = 0; i < txq->nb_desc; i++) {
		if (txq->sw_ring[i] != NULL)
			sl_pktmbuf_free_seg(txq->sw_ring[i]);
		txq->sw_ring[i] = NULL;
	}
	txq->tail = txq->clean = 0;
	txq->nb_free = txq->nb_desc;
}
