/* SPDX-License-Identifier: BSD-3-Clause
 * Transmit fast path of both drivers: legacy descriptors (8254x SDM
 * 3.3.3; the 82574 has the same ones, datasheet 7.2.10.1), and for
 * packets that ask for checksums or TSO TCP/IP context and data
 * descriptors (3.3.6, 3.3.7, 3.5; see "checksum offload" below), each
 * queue used by one lcore.
 *
 * Descriptors [clean, tail) are in flight; one stays unused so TDT never
 * catches up with TDH. Only a packet's last (EOP) descriptor may carry RS,
 * set once rs_thresh descriptors have been filled since the previous RS,
 * and the device writes DD back only for RS descriptors (SDM 3.3.3.2;
 * QEMU's models do the same). The mbuf chain of a packet is remembered at
 * its EOP slot and freed when an RS at or after it reports DD: by then the
 * device has fetched every buffer before it.
 *
 * A device whose TDH is outside the ring or outside the descriptors it was
 * given is not believed: counted (bad_values), one log line, and that
 * queue is reset in place, dropping what was in flight: its enable bit
 * cleared (TCTL.EN for the 8254x's only queue; TARC(n).ENABLE on the
 * 82574, whose TCTL both queues share: QEMU 7.2 transmits from queue n
 * only while it is set, e1000e_set_tdt), in-flight DMA let finish, the
 * queue's own TDH and TDT rewound to 0, the bit set again. After
 * E1000_MAX_QUEUE_RESETS the queue stops for good (bursts return 0, the
 * bit stays clear) until the port is restarted. TDH is read only every
 * E1000_HEAD_CHECK_POLLS bursts that found the ring full.
 */
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>

#include "sl_eal.h"
#include "sl_log.h"
#include "sl_net.h"
#include "e1000_ethdev.h"

static __sl_always_inline uint16_t ring_next(uint16_t idx, uint16_t nb_desc)
{
	return (uint16_t)(idx + 1 == nb_desc ? 0 : idx + 1);
}

/* An empty ring: nothing in flight, every descriptor but one free. */
static void tx_ring_rewind(struct e1000_tx_queue *txq)
{
	txq->tail = 0;
	txq->clean = 0;
	txq->nb_free = (uint16_t)(txq->nb_desc - 1);
	txq->since_rs = 0;
	txq->rs_head = txq->rs_tail = txq->rs_count = 0;
	txq->full_polls = 0;
	txq->ctx_key = 0;
}

/* The device said something impossible: reset the queue, dropping what
 * was in flight, or stop for good. */
static void __attribute__((noinline, cold))
tx_device_fault(struct e1000_tx_queue *txq, const char *what, unsigned value, unsigned limit)
{
	uint32_t enable = sl_read32(txq->enable_reg);
	unsigned lost;

	txq->bad_values++;
	sl_write32(enable & ~txq->enable_bit, txq->enable_reg);
	sl_delay_us(E1000_STOP_DRAIN_US);
	if (txq->resets >= E1000_MAX_QUEUE_RESETS) {
		txq->stopped = 1;
		sl_log(SL_LOG_ERR, txq->log_module,
		       "port %u TX queue %u: device reported %s %u (limit %u) again after %u "
		       "resets: transmit stopped; restart the port (sl_eth_dev_stop/start) or "
		       "replace the device",
		       txq->port_id, txq->queue_id, what, value, limit, txq->resets);
		return;
	}
	txq->resets++;
	lost = e1000_tx_queue_drain(txq);
	sl_eth_qcnt_add(&txq->cnt, SL_QCNT_ERRORS, lost);
	sl_write32(0, txq->tdh_reg);
	sl_write32(0, txq->tdt_reg);
	sl_write32(enable | txq->enable_bit, txq->enable_reg);
	sl_log(SL_LOG_ERR, txq->log_module,
	       "port %u TX queue %u: device reported %s %u (limit %u): transmit queue reset "
	       "(%u of %u; %u packets in flight dropped)",
	       txq->port_id, txq->queue_id, what, value, limit, txq->resets,
	       E1000_MAX_QUEUE_RESETS, lost);
}

/* TDH must be inside the ring and between clean (the oldest descriptor
 * not reclaimed) and tail (TDT: the device may not go past it). */
static void __attribute__((noinline, cold)) tx_check_head(struct e1000_tx_queue *txq)
{
	const uint16_t nb_desc = txq->nb_desc;
	uint32_t tdh = sl_read32(txq->tdh_reg);
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

/* ---- checksum offload (SDM 3.3.5 - 3.3.7) -------------------------------------
 * A packet that asks for checksums (ol_flags IP_CKSUM, TCP_CKSUM or
 * UDP_CKSUM, prepared by e1000_prep_pkts) goes out as data descriptors
 * (DEXT, DTYP_D) whose POPTS say which checksums to insert, after a context
 * descriptor saying where they are. The device keeps the last context it
 * read, so one is written only when a packet's layout differs from the one
 * before it on this queue: the key (request bits, l2_len, l3_len) is
 * compared in one go. Packets that ask for nothing stay legacy descriptors
 * and pay one test of ol_flags.
 *
 * TUCSE is 0 (the L4 sum runs to the end of the frame), so one context
 * serves every payload length: bytes after the L4 data, if any, must be
 * zero (Ethernet padding is). QEMU's 8254x (hw/net/e1000.c) does what the
 * SDM says with the context, the L4 field's pseudo-header included; its
 * 82574 ignores the offsets (e1000e_regs.h). */
#define TX_CKSUM_FLAGS (SL_MBUF_F_TX_IP_CKSUM | SL_MBUF_F_TX_L4_MASK)
#define TX_OFFLOAD_FLAGS (TX_CKSUM_FLAGS | SL_MBUF_F_TX_TCP_SEG)
#define TX_CTX_FLAGS (TX_CKSUM_FLAGS | SL_MBUF_F_TX_IPV4 | SL_MBUF_F_TX_IPV6)
/* l2_len and l3_len: the low 16 bits of tx_offload */
#define TX_CTX_LENS_MASK 0xffffull

SL_STATIC_ASSERT((TX_CTX_FLAGS & TX_CTX_LENS_MASK) == 0, "key fields do not overlap");

static __sl_always_inline uint64_t tx_ctx_key(const struct sl_mbuf *m)
{
	return (m->ol_flags & TX_CTX_FLAGS) | (m->tx_offload & TX_CTX_LENS_MASK);
}

static __sl_always_inline uint32_t tx_popts(uint64_t ol_flags)
{
	return ((ol_flags & SL_MBUF_F_TX_IP_CKSUM) ? E1000_TXD_POPTS_IXSM : 0) |
	       ((ol_flags & SL_MBUF_F_TX_L4_MASK) ? E1000_TXD_POPTS_TXSM : 0);
}

/* Where the L4 checksum field lies from the start of the frame. */
static __sl_always_inline uint32_t tx_l4_cso(const struct sl_mbuf *m)
{
	return (uint32_t)m->l2_len + m->l3_len +
	       ((m->ol_flags & SL_MBUF_F_TX_UDP_CKSUM) ? SL_UDP_CKSUM_OFFSET : SL_TCP_CKSUM_OFFSET);
}

/* Whether the context offsets (8 bits) reach m's checksum fields. */
static __sl_always_inline bool tx_ctx_fits(const struct sl_mbuf *m)
{
	return !(m->ol_flags & SL_MBUF_F_TX_L4_MASK) ||
	       tx_l4_cso(m) + 1 <= E1000_TX_CTX_MAX_OFFSET;
}

/* The headers a TSO packet repeats in every segment: HDRLEN. */
static __sl_always_inline uint32_t tx_tso_hdr_len(const struct sl_mbuf *m)
{
	return (uint32_t)m->l2_len + m->l3_len + m->l4_len;
}

/* Whether the TSO context can describe m (8-bit HDRLEN and offsets, a
 * 20-bit PAYLEN) and the ring hold it. IPv4 only: the 8254x SDM (3.5)
 * cuts IPv4 packets, and QEMU's 8254x would give IPv6 segments a payload
 * length 40 bytes too long (hw/net/e1000.c xmit_seg). */
static bool tx_tso_fits(const struct e1000_tx_queue *txq, const struct sl_mbuf *m)
{
	const uint32_t hdr_len = tx_tso_hdr_len(m);

	return (txq->ol_allowed & SL_MBUF_F_TX_TCP_SEG) && (m->ol_flags & SL_MBUF_F_TX_IPV4) &&
	       m->l4_len >= SL_TCP_MIN_HDR_LEN &&
	       m->tso_segsz > 0 &&
	       hdr_len <= E1000_TX_CTX_MAX_OFFSET && tx_l4_cso(m) + 1 <= E1000_TX_CTX_MAX_OFFSET &&
	       m->pkt_len > hdr_len && m->pkt_len - hdr_len <= E1000_TXD_PAYLEN_MAX &&
	       m->nb_segs <= txq->max_tso_segs;
}

/* The context descriptor for m's layout. IPv4: the IP checksum over the
 * header (IPCSE its last byte); IPv6 has none. L4: from the L4 header to
 * the end of the frame. TSO (SDM 3.5): also HDRLEN, MSS and PAYLEN, the
 * bytes after the headers, which the device cuts into MSS-sized
 * segments, each with the headers, lengths, sequence number and
 * checksums of its own. */
static void tx_ctx_write(volatile struct e1000_tx_desc *d, const struct sl_mbuf *m)
{
	const uint64_t ol = m->ol_flags;
	const uint32_t l4_off = (uint32_t)m->l2_len + m->l3_len;
	union {
		struct e1000_tx_ctx_desc c;
		uint64_t q[2];
	} u = { .c = { .cmd_and_length = E1000_TXD_CMD_DEXT | E1000_TXD_DTYP_C } };
	struct e1000_tx_ctx_desc *c = &u.c;

	if (ol & SL_MBUF_F_TX_IPV4) {
		c->ipcss = (uint8_t)m->l2_len;
		c->ipcso = (uint8_t)(m->l2_len + offsetof(struct sl_ipv4_hdr, hdr_checksum));
		c->ipcse = (uint16_t)(l4_off - 1);
		c->cmd_and_length |= E1000_TXD_CMD_IP;
	}
	if (ol & (SL_MBUF_F_TX_L4_MASK | SL_MBUF_F_TX_TCP_SEG)) {
		c->tucss = (uint8_t)l4_off;
		c->tucso = (uint8_t)tx_l4_cso(m);
		c->tucse = 0;
		if (ol & (SL_MBUF_F_TX_TCP_CKSUM | SL_MBUF_F_TX_TCP_SEG))
			c->cmd_and_length |= E1000_TXD_CMD_TCP;
	}
	if (ol & SL_MBUF_F_TX_TCP_SEG) {
		c->hdr_len = (uint8_t)tx_tso_hdr_len(m);
		c->mss = m->tso_segsz;
		c->cmd_and_length |= E1000_TXD_CMD_TSE | (m->pkt_len - c->hdr_len);
	}
	/* two stores, as the ring is written elsewhere */
	((volatile uint64_t *)d)[0] = u.q[0];
	((volatile uint64_t *)d)[1] = u.q[1];
}

/* What m asks of the device: the data descriptors' extra DCMD bits and
 * POPTS, the context key; returns 1 when a context descriptor must go
 * first, 0 when the device holds the right one, -1 when no context can
 * describe m. TSO: a context every time (PAYLEN is the packet's), the
 * IPv4 header checksum always (the device rewrites the header), and none
 * left to reuse after it (key 0: the 8254x keeps one context, TSO's or
 * not). */
static __sl_always_inline int tx_offload_setup(const struct e1000_tx_queue *txq,
					       const struct sl_mbuf *m, uint32_t *dcmd,
					       uint32_t *popts, uint64_t *key)
{
	const uint64_t ol = m->ol_flags;

	*dcmd |= E1000_TXD_CMD_DEXT | E1000_TXD_DTYP_D;
	if (sl_unlikely(ol & SL_MBUF_F_TX_TCP_SEG)) {
		*dcmd |= E1000_TXD_CMD_TSE;
		*popts = E1000_TXD_POPTS_TXSM | ((ol & SL_MBUF_F_TX_IPV4) ? E1000_TXD_POPTS_IXSM : 0);
		*key = 0;
		return tx_tso_fits(txq, m) ? 1 : -1;
	}
	*popts = tx_popts(ol);
	*key = tx_ctx_key(m);
	if (*key == txq->ctx_key)
		return 0;
	return tx_ctx_fits(m) ? 1 : -1;
}

/* A packet that can never be sent: taken, freed and counted. */
static __sl_always_inline void tx_refuse(struct e1000_tx_queue *txq, struct sl_mbuf *m)
{
	sl_pktmbuf_free(m);
	sl_eth_qcnt_add(&txq->cnt, SL_QCNT_ERRORS, 1);
}

/* One data descriptor per non-empty segment of m from *tail on, CMD dcmd
 * and POPTS popts; *tail moves past them, *last is the final one. Returns
 * how many were written. */
static __sl_always_inline uint16_t tx_put_segs(volatile struct e1000_tx_desc *ring,
					       uint16_t nb_desc, uint16_t *tail,
					       const struct sl_mbuf *m, uint32_t dcmd,
					       uint32_t popts, uint16_t *last)
{
	const struct sl_mbuf *seg;
	uint16_t idx = *tail, used = 0;

	for (seg = m; seg != NULL; seg = seg->next) {
		if (sl_unlikely(seg->data_len == 0))
			continue;
		ring[idx].buffer_addr = sl_pktmbuf_iova(seg);
		ring[idx].lower = seg->data_len | dcmd;
		ring[idx].upper = popts;
		*last = idx;
		idx = ring_next(idx, nb_desc);
		used++;
	}
	*tail = idx;
	return used;
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
		struct sl_mbuf *m = pkts[nb_tx];
		uint16_t first = tail, last = tail, used;
		uint32_t dcmd = E1000_TXD_CMD_IFCS, popts = 0, lower;
		uint64_t key = 0;
		int ctx = 0;

		if (m->ol_flags & TX_OFFLOAD_FLAGS)
			ctx = tx_offload_setup(txq, m, &dcmd, &popts, &key);
		/* TSO packets have limits of their own (tx_tso_fits) */
		if (sl_unlikely(ctx < 0 || m->pkt_len == 0 ||
				((m->nb_segs > txq->max_segs || m->pkt_len > E1000_MAX_TX_PKT_LEN) &&
				 !(m->ol_flags & SL_MBUF_F_TX_TCP_SEG)))) {
			tx_refuse(txq, m);
			continue;
		}
		if (m->nb_segs + ctx > txq->nb_free) {
			tx_reclaim(txq);
			if (m->nb_segs + ctx > txq->nb_free) {
				if (sent == 0 && sl_unlikely((++txq->full_polls &
							      (E1000_HEAD_CHECK_POLLS - 1)) == 0))
					tx_check_head(txq);
				break;
			}
		}
		if (ctx) {
			tx_ctx_write(&ring[tail], m);
			tail = ring_next(tail, nb_desc);
		}
		used = tx_put_segs(ring, nb_desc, &tail, m, dcmd, popts, &last);
		if (sl_unlikely(used == 0)) {
			/* pkt_len said otherwise: a broken chain (and no
			 * context given to the device either) */
			tail = first;
			tx_refuse(txq, m);
			continue;
		}
		if (ctx)
			txq->ctx_key = key;
		used = (uint16_t)(used + (uint16_t)ctx);
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

/* What the queue was configured for (ENOTSUP), the device's limits (what
 * a context descriptor can say: EINVAL), then what the NIC expects in the
 * frame (sl_net_tx_prepare_burst: for TSO the
 * pseudo-header without the length, which the device adds per segment,
 * SDM 3.5.1). */
uint16_t e1000_prep_pkts(void *queue, struct sl_mbuf **pkts, uint16_t nb_pkts)
{
	const struct e1000_tx_queue *txq = queue;
	uint16_t i, n;

	for (i = 0; i < nb_pkts; i++) {
		const struct sl_mbuf *m = pkts[i];

		if (sl_unlikely(m->ol_flags & TX_OFFLOAD_FLAGS & ~txq->ol_allowed)) {
			errno = ENOTSUP;
			break;
		}
		if (sl_unlikely(m->ol_flags & SL_MBUF_F_TX_TCP_SEG)) {
			if (!(m->ol_flags & SL_MBUF_F_TX_IPV4)) {
				errno = ENOTSUP;
				break;
			}
			if (!tx_tso_fits(txq, m)) {
				errno = EINVAL;
				break;
			}
		} else if (sl_unlikely(!tx_ctx_fits(m))) {
			errno = EINVAL;
			break;
		}
	}
	n = sl_net_tx_prepare_burst(pkts, i);
	/* TSO over IPv4: the device sums every segment's header, the
	 * checksum field included (tx_offload_setup asks for IXSM) */
	for (i = 0; i < n; i++)
		if (sl_unlikely((pkts[i]->ol_flags & (SL_MBUF_F_TX_TCP_SEG | SL_MBUF_F_TX_IPV4)) ==
				(SL_MBUF_F_TX_TCP_SEG | SL_MBUF_F_TX_IPV4)))
			sl_pktmbuf_mtod_offset(pkts[i], struct sl_ipv4_hdr *, pkts[i]->l2_len)
				->hdr_checksum = 0;
	return n;
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

int e1000_tx_queue_create(const struct e1000_txq_params *p, struct e1000_tx_queue **out)
{
	struct e1000_tx_queue *txq = sl_eth_queue_zalloc(sizeof(*txq));
	char name[64];
	int ret = -ENOMEM;

	if (txq == NULL)
		goto fail;
	/* port ids are unique across drivers: so is the name */
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
	/* and the context descriptor before them */
	txq->max_tso_segs = (uint16_t)SL_MIN(E1000_TX_MAX_TSO_SEGS, p->nb_desc / 2 - 1);
	txq->ol_allowed = ((p->offloads & SL_ETH_TX_OFFLOAD_IPV4_CKSUM) ? SL_MBUF_F_TX_IP_CKSUM : 0) |
			  ((p->offloads & SL_ETH_TX_OFFLOAD_UDP_CKSUM) ? SL_MBUF_F_TX_UDP_CKSUM : 0) |
			  ((p->offloads & SL_ETH_TX_OFFLOAD_TCP_CKSUM) ? SL_MBUF_F_TX_TCP_CKSUM : 0) |
			  ((p->offloads & SL_ETH_TX_OFFLOAD_TCP_TSO) ? SL_MBUF_F_TX_TCP_SEG : 0);
	txq->port_id = p->port_id;
	txq->queue_id = p->queue_id;
	txq->log_module = p->log_module;
	txq->tdt_reg = p->hw + E1000_QUEUE_REG(E1000_TDT, p->queue_id);
	txq->tdh_reg = p->hw + E1000_QUEUE_REG(E1000_TDH, p->queue_id);
	txq->enable_reg = p->hw + p->enable_reg;
	txq->enable_bit = p->enable_bit;
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
