/* SPDX-License-Identifier: BSD-3-Clause
 * 82574L receive fast path: extended descriptors (datasheet 7.1.4.2), up
 * to two queues, each polled by one lcore. Transmit is e1000_rxtx.c's.
 *
 * Ring ownership is the e1000's (e1000_rxtx.c): next is the first
 * descriptor software has not looked at, the nb_hold before it wait for
 * fresh mbufs, RDT is written as next - nb_hold - 1, so the device owns
 * [RDH, RDT) and RDT never equals RDH after a write. Arming a descriptor
 * writes the buffer address and zeroes the second quadword, which on
 * write-back holds status (DD) and length.
 *
 * A device that reports the impossible (a length of 0 or beyond the
 * buffer, RDH outside the ring or outside what it owns) is not believed,
 * as in the e1000 driver: counted (bad_values), one log line, and that
 * queue's ring reset in place; after E1000_MAX_QUEUE_RESETS the queue
 * stops (bursts return 0) until the port restarts. The reset touches only
 * the queue's own RDH/RDT (RCTL is shared by both queues and their
 * lcores): RDT is set to the device's RDH, which leaves the device no
 * descriptor (QEMU: e1000e_ring_empty), in-flight DMA gets time to end,
 * every descriptor is armed again and RDH/RDT are rewritten from the
 * driver's own state. RDH is read only every E1000_HEAD_CHECK_POLLS idle
 * polls, never on a poll that moves packets.
 */
#include "sl_log.h"
#include "e1000e_ethdev.h"

static __sl_always_inline uint16_t ring_next(uint16_t idx, uint16_t nb_desc)
{
	return (uint16_t)(idx + 1 == nb_desc ? 0 : idx + 1);
}

static __sl_always_inline void rx_desc_arm(volatile union e1000e_rx_desc *d, struct sl_mbuf *m)
{
	d->read.buffer_addr = sl_pktmbuf_iova(m);
	d->read.reserved = 0;
}

/* Fresh mbufs for the nb_hold consumed descriptors behind next, in chunks
 * so a nearly empty pool still lets some through; RDT moves once. */
static uint16_t rx_refill(struct e1000e_rx_queue *rxq)
{
	const uint16_t nb_desc = rxq->nb_desc;
	uint16_t nb_hold = rxq->nb_hold, done = 0;
	uint16_t idx = rxq->next >= nb_hold ? (uint16_t)(rxq->next - nb_hold)
					   : (uint16_t)(rxq->next + nb_desc - nb_hold);

	while (done < nb_hold) {
		uint16_t chunk = (uint16_t)SL_MIN(nb_hold - done, rxq->free_thresh);
		uint16_t i;

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
		/* the last refilled descriptor: one armed one stays in hand */
		sl_write32((uint32_t)(idx == 0 ? nb_desc - 1 : idx - 1), rxq->rdt_reg);
	}
	return done;
}

static void __attribute__((noinline, cold))
rx_device_fault(struct e1000e_rx_queue *rxq, const char *what, unsigned value, unsigned limit)
{
	const uint16_t nb_desc = rxq->nb_desc;
	uint32_t rdh = sl_read32(rxq->rdh_reg);
	uint16_t i, rdt;
	unsigned completed = 0;

	rxq->bad_values++;
	/* head == tail: the device owns nothing and stops using the ring */
	sl_write32(rdh < nb_desc ? rdh : 0, rxq->rdt_reg);
	if (rdh >= nb_desc)
		sl_write32(0, rxq->rdh_reg);
	sl_delay_us(E1000_STOP_DRAIN_US);
	if (rxq->resets >= E1000_MAX_QUEUE_RESETS) {
		rxq->stopped = 1;
		SL_LOG(ERR, E1000E,
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
		completed += !!(rxq->ring[i].wb.status_error & E1000E_RXD_STAT_DD);
		rx_desc_arm(&rxq->ring[i], rxq->sw_ring[i]);
	}
	sl_eth_qcnt_add(&rxq->cnt, SL_QCNT_ERRORS, completed);
	rdt = (uint16_t)((rxq->next + 2u * nb_desc - rxq->nb_hold - 1u) % nb_desc);
	sl_write32(rxq->next, rxq->rdh_reg);
	sl_write32(rdt, rxq->rdt_reg);
	SL_LOG(ERR, E1000E,
	       "port %u RX queue %u: device reported %s %u (limit %u): ring reset "
	       "(%u of %u; %u completed frames dropped)",
	       rxq->port_id, rxq->queue_id, what, value, limit, rxq->resets,
	       E1000_MAX_QUEUE_RESETS, completed);
}

/* RDH must be inside the ring and in [next, RDT]. */
static void __attribute__((noinline, cold)) rx_check_head(struct e1000e_rx_queue *rxq)
{
	const uint16_t nb_desc = rxq->nb_desc;
	uint32_t rdh = sl_read32(rxq->rdh_reg);
	uint32_t owned = (uint32_t)(nb_desc - rxq->nb_hold - 1u);

	if (rdh >= nb_desc)
		rx_device_fault(rxq, "RDH", rdh, nb_desc - 1u);
	else if ((rdh + nb_desc - rxq->next) % nb_desc > owned)
		rx_device_fault(rxq, "RDH outside the descriptors it owns", rdh, owned);
}

/* Checksum status and RSS hash of a frame's last descriptor. */
static __sl_always_inline void rx_set_offload_flags(const struct e1000e_rx_queue *rxq,
						    struct sl_mbuf *m, uint32_t staterr,
						    uint32_t mrq, uint32_t hash)
{
	uint64_t flags = 0;

	if (rxq->csum) {
		if (staterr & E1000E_RXD_STAT_IPCS)
			flags |= (staterr & E1000E_RXD_ERR_IPE) ? SL_MBUF_F_RX_IP_CKSUM_BAD
								: SL_MBUF_F_RX_IP_CKSUM_GOOD;
		if (staterr & E1000E_RXD_STAT_TCPCS)
			flags |= (staterr & E1000E_RXD_ERR_TCPE) ? SL_MBUF_F_RX_L4_CKSUM_BAD
								 : SL_MBUF_F_RX_L4_CKSUM_GOOD;
	}
	if (rxq->rss && (mrq & E1000E_MRQ_RSS_TYPE_MASK)) {
		m->hash = hash;
		flags |= SL_MBUF_F_RX_RSS_HASH;
	}
	m->ol_flags |= flags;
}

uint16_t e1000e_recv_pkts(void *queue, struct sl_mbuf **pkts, uint16_t nb_pkts)
{
	struct e1000e_rx_queue *rxq = queue;
	volatile union e1000e_rx_desc *ring = rxq->ring;
	struct sl_mbuf **sw_ring = rxq->sw_ring;
	struct sl_mbuf *first = rxq->pkt_first, *last = rxq->pkt_last;
	const uint16_t nb_desc = rxq->nb_desc, buf_len = rxq->buf_len;
	uint16_t next = rxq->next, nb_rx = 0, nb_hold = rxq->nb_hold;
	uint64_t bytes = 0, dropped = 0;
	uint8_t discard = rxq->discard;

	if (sl_unlikely(rxq->stopped))
		return 0;
	while (nb_rx < nb_pkts) {
		volatile union e1000e_rx_desc *d = &ring[next];
		uint32_t staterr = d->wb.status_error;
		struct sl_mbuf *m;
		uint16_t len;

		/* at most nb_desc - 1 descriptors were given (see e1000_rxtx.c) */
		if (!(staterr & E1000E_RXD_STAT_DD) || sl_unlikely(nb_hold == nb_desc - 1)) {
			if (next == rxq->next && sl_unlikely((++rxq->idle_polls &
							     (E1000_HEAD_CHECK_POLLS - 1)) == 0)) {
				rxq->nb_hold = nb_hold;
				rx_check_head(rxq);
				return 0;
			}
			break;
		}
		/* the rest of the descriptor after DD (see sl_io.h) */
		sl_io_rmb();
		len = d->wb.length;
		m = sw_ring[next];
		sw_ring[next] = NULL;
		next = ring_next(next, nb_desc);
		nb_hold++;

		if (sl_unlikely(len == 0 || len > buf_len)) {
			sl_pktmbuf_free_seg(m);
			dropped++;
			rxq->next = next;
			rxq->nb_hold = nb_hold;
			rxq->pkt_first = first;
			rxq->pkt_last = last;
			rxq->discard = discard;
			rx_device_fault(rxq, "an RX length of", len, buf_len);
			first = rxq->pkt_first;
			last = rxq->pkt_last;
			discard = rxq->discard;
			break;
		}
		if (sl_unlikely(discard)) {
			sl_pktmbuf_free_seg(m);
			discard = !(staterr & E1000E_RXD_STAT_EOP);
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

		if (!(staterr & E1000E_RXD_STAT_EOP)) {
			if (sl_unlikely(!rxq->scatter)) {
				sl_pktmbuf_free(first);
				first = NULL;
				dropped++;
				discard = 1;
			}
			continue;
		}
		if (sl_unlikely(staterr & E1000E_RXD_ERR_FRAME)) {
			sl_pktmbuf_free(first);
			first = NULL;
			dropped++;
			continue;
		}
		first->port = rxq->port_id;
		rx_set_offload_flags(rxq, first, staterr, d->wb.mrq, d->wb.rss_hash);
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
	if (dropped != 0)
		sl_eth_qcnt_add(&rxq->cnt, SL_QCNT_ERRORS, dropped);
	if (nb_hold >= rxq->free_thresh && !rxq->stopped)
		rx_refill(rxq);
	return nb_rx;
}

int e1000e_rx_queue_fill(struct e1000e_rx_queue *rxq)
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

void e1000e_rx_queue_drain(struct e1000e_rx_queue *rxq)
{
	uint16_t i;

	for (i = 0; i < rxq->nb_desc; i++) {
		if (rxq->sw_ring[i] != NULL) {
			sl_pktmbuf_free_seg(rxq->sw_ring[i]);
			rxq->sw_ring[i] = NULL;
		}
		rxq->ring[i].read.buffer_addr = 0;
		rxq->ring[i].read.reserved = 0;
	}
	sl_pktmbuf_free(rxq->pkt_first);
	rxq->pkt_first = rxq->pkt_last = NULL;
	rxq->next = 0;
	rxq->nb_hold = 0;
	rxq->discard = 0;
}
