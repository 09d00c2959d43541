/* SPDX-License-Identifier: BSD-3-Clause
 * Receive fast path of both drivers: the 8254x's legacy descriptors (SDM
 * 3.2.3) and the 82574's extended ones (datasheet 7.1.4.2), one loop
 * (rx_burst) compiled once per format. Each queue is polled by one lcore.
 *
 * Ring ownership. next is the first descriptor software has not looked
 * at; the nb_hold descriptors before it were consumed and wait for fresh
 * mbufs; RDT is always written as next - nb_hold - 1. So the device owns
 * [RDH, RDT), the descriptor at RDT holds an mbuf the device may not use
 * yet, and RDT never equals RDH after a write (which the device would read
 * as "no descriptors"): RDH lies in [next, old RDT] and the new RDT inside
 * the refilled range behind next. Arming a descriptor writes the buffer
 * address and zeroes the second quadword, which holds DD on write-back in
 * both formats.
 *
 * A frame longer than the port's max_rx_pktlen, however many descriptors
 * it spans, is dropped and counted (ierrors). A device that reports the
 * impossible (a length of 0 or beyond the buffer, RDH outside the ring or
 * outside what it owns) is
 * not believed: nothing is read or written beyond a buffer or the ring
 * because of it, the value is counted (bad_values), one log line names it,
 * and the queue is reset in place: the device is made to stop using the
 * ring, in-flight DMA gets time to end, every descriptor is armed again
 * and head and tail are rewritten from the driver's own state. Frames the
 * device had completed but the driver not yet taken are dropped; the
 * buffers are kept. How the device is stopped depends on who else uses
 * RCTL: the 8254x's only queue turns the receive unit off (RCTL.EN) and on
 * again; an 82574 queue shares RCTL with the other one and writes RDT :=
 * RDH instead, which leaves the device no descriptor (QEMU:
 * e1000e_ring_empty), touching only its own RDH/RDT. After
 * E1000_MAX_QUEUE_RESETS the queue stops for good (bursts return 0) until
 * the port is restarted. RDH is read only every E1000_HEAD_CHECK_POLLS
 * polls that found nothing, so a busy queue pays nothing for the check.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "sl_eal.h"
#include "sl_log.h"
#include "e1000_ethdev.h"
#include "e1000e_regs.h"

static __sl_always_inline uint16_t ring_next(uint16_t idx, uint16_t nb_desc)
{
	return (uint16_t)(idx + 1 == nb_desc ? 0 : idx + 1);
}

/* Status and errors of a write-back in the extended layout (status in
 * bits 19:0, errors in 31:24, E1000E_RXD_*): the legacy status byte has
 * the same bits in the same places, and its errors byte is the extended
 * errors shifted down by 24. */
static __sl_always_inline uint32_t rx_legacy_staterr(const volatile struct e1000_rx_desc *d)
{
	return d->status | (uint32_t)d->errors << 24;
}

SL_STATIC_ASSERT(E1000_RXD_STAT_DD == E1000E_RXD_STAT_DD &&
			 E1000_RXD_STAT_EOP == E1000E_RXD_STAT_EOP &&
			 E1000_RXD_STAT_TCPCS == E1000E_RXD_STAT_TCPCS &&
			 E1000_RXD_STAT_IPCS == E1000E_RXD_STAT_IPCS &&
			 (uint32_t)E1000_RXD_ERR_FRAME << 24 == E1000E_RXD_ERR_FRAME &&
			 (uint32_t)E1000_RXD_ERR_TCPE << 24 == E1000E_RXD_ERR_TCPE &&
			 (uint32_t)E1000_RXD_ERR_IPE << 24 == E1000E_RXD_ERR_IPE,
		 "legacy status and errors map onto the extended layout");

/* The quadword that holds DD on write-back, in either format. */
static __sl_always_inline volatile uint64_t *rx_desc_wb(struct e1000_rx_queue *rxq, uint16_t i)
{
	return (volatile uint64_t *)((volatile uint8_t *)rxq->ring + 16u * i + 8);
}

static __sl_always_inline void rx_desc_arm(struct e1000_rx_queue *rxq, uint16_t i,
					   struct sl_mbuf *m)
{
	*(volatile uint64_t *)((volatile uint8_t *)rxq->ring + 16u * i) = sl_pktmbuf_iova(m);
	*rx_desc_wb(rxq, i) = 0;
}

static __sl_always_inline bool rx_desc_done(struct e1000_rx_queue *rxq, uint16_t i)
{
	/* DD is bit 0 of the status, byte 12 (legacy) or 8 (extended) */
	return rxq->ext_desc ? rxq->ext_ring[i].wb.status_error & E1000E_RXD_STAT_DD
			     : rxq->ring[i].status & E1000_RXD_STAT_DD;
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
			rx_desc_arm(rxq, (uint16_t)(idx + i), rxq->sw_ring[idx + i]);
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

/* Makes the device stop using the ring (see the top); returns the RCTL
 * value to restore, for a queue that owns RCTL. */
static uint32_t rx_ring_silence(struct e1000_rx_queue *rxq)
{
	uint32_t rctl = 0, rdh;

	if (rxq->rctl_reg != NULL) {
		rctl = sl_read32(rxq->rctl_reg);
		sl_write32(rctl & ~E1000_RCTL_EN, rxq->rctl_reg);
	} else {
		rdh = sl_read32(rxq->rdh_reg);
		if (rdh >= rxq->nb_desc) {
			rdh = 0;
			sl_write32(0, rxq->rdh_reg);
		}
		sl_write32(rdh, rxq->rdt_reg);
	}
	sl_delay_us(E1000_STOP_DRAIN_US);
	return rctl;
}

/* The device said something impossible: reset the queue and keep going
 * from the driver's own view of the ring, or stop for good. */
static void __attribute__((noinline, cold))
rx_device_fault(struct e1000_rx_queue *rxq, const char *what, unsigned value, unsigned limit)
{
	const uint16_t nb_desc = rxq->nb_desc;
	const char *unit = rxq->rctl_reg != NULL ? "receive unit" : "RX ring";
	uint32_t rctl;
	uint16_t i, rdt;
	unsigned completed = 0;

	rxq->bad_values++;
	rctl = rx_ring_silence(rxq);
	if (rxq->resets >= E1000_MAX_QUEUE_RESETS) {
		rxq->stopped = 1;
		sl_log(SL_LOG_ERR, rxq->log_module,
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
		completed += rx_desc_done(rxq, i);
		rx_desc_arm(rxq, i, rxq->sw_ring[i]);
	}
	/* frames the device finished but nobody took: dropped by the reset */
	sl_eth_qcnt_add(&rxq->cnt, SL_QCNT_ERRORS, completed);
	/* the ring invariant of the comment at the top, from 'next' on */
	rdt = (uint16_t)((rxq->next + 2u * nb_desc - rxq->nb_hold - 1u) % nb_desc);
	sl_write32(rxq->next, rxq->rdh_reg);
	sl_write32(rdt, rxq->rdt_reg);
	if (rxq->rctl_reg != NULL)
		sl_write32(rctl, rxq->rctl_reg);
	sl_log(SL_LOG_ERR, rxq->log_module,
	       "port %u RX queue %u: device reported %s %u (limit %u): %s reset "
	       "(%u of %u; %u completed frames dropped)",
	       rxq->port_id, rxq->queue_id, what, value, limit, unit, rxq->resets,
	       E1000_MAX_QUEUE_RESETS, completed);
}

/* RDH must be inside the ring and between next (what the driver has not
 * looked at) and RDT (the device may not go past it). */
static void __attribute__((noinline, cold)) rx_check_head(struct e1000_rx_queue *rxq)
{
	const uint16_t nb_desc = rxq->nb_desc;
	uint32_t rdh = sl_read32(rxq->rdh_reg);
	uint32_t owned = (uint32_t)(nb_desc - rxq->nb_hold - 1u);

	if (rdh >= nb_desc)
		rx_device_fault(rxq, "RDH", rdh, nb_desc - 1u);
	else if ((rdh + nb_desc - rxq->next) % nb_desc > owned)
		rx_device_fault(rxq, "RDH outside the descriptors it owns", rdh, owned);
}

/* Checksum status (both formats; the legacy IXSM says there is none:
 * QEMU's 8254x sets it on every frame, it checks no checksum) and the RSS
 * hash (extended with RSS on) of a frame's last descriptor. */
static __sl_always_inline void rx_offload_flags(const struct e1000_rx_queue *rxq,
						struct sl_mbuf *m, uint32_t staterr,
						volatile union e1000e_rx_desc *ext, const bool ext_desc)
{
	uint64_t flags = 0;

	if (rxq->csum && (ext_desc || !(staterr & E1000_RXD_STAT_IXSM))) {
		if (staterr & E1000E_RXD_STAT_IPCS)
			flags |= (staterr & E1000E_RXD_ERR_IPE) ? SL_MBUF_F_RX_IP_CKSUM_BAD
								: SL_MBUF_F_RX_IP_CKSUM_GOOD;
		if (staterr & E1000E_RXD_STAT_TCPCS)
			flags |= (staterr & E1000E_RXD_ERR_TCPE) ? SL_MBUF_F_RX_L4_CKSUM_BAD
								 : SL_MBUF_F_RX_L4_CKSUM_GOOD;
	}
	if (ext_desc && rxq->rss && (ext->wb.mrq & E1000E_MRQ_RSS_TYPE_MASK)) {
		m->hash = ext->wb.rss_hash;
		flags |= SL_MBUF_F_RX_RSS_HASH;
	}
	m->ol_flags |= flags;
}

/* The device's account of why a burst stopped early. */
struct rx_fault {
	const char *what;
	unsigned value;
	unsigned limit;
};

static __sl_always_inline uint16_t rx_burst(struct e1000_rx_queue *rxq, struct sl_mbuf **pkts,
					    uint16_t nb_pkts, const bool ext_desc)
{
	struct sl_mbuf **sw_ring = rxq->sw_ring;
	struct sl_mbuf *first = rxq->pkt_first, *last = rxq->pkt_last;
	const uint16_t nb_desc = rxq->nb_desc, buf_len = rxq->buf_len;
	const uint32_t max_pkt_len = rxq->max_pkt_len;
	uint16_t next = rxq->next, nb_rx = 0, nb_hold = rxq->nb_hold;
	uint64_t bytes = 0, dropped = 0;
	struct rx_fault fault = { NULL, 0, 0 };
	uint8_t discard = rxq->discard;

	if (sl_unlikely(rxq->stopped))
		return 0;
	while (nb_rx < nb_pkts) {
		volatile union e1000e_rx_desc *ext = &rxq->ext_ring[next];
		volatile struct e1000_rx_desc *leg = &rxq->ring[next];
		uint32_t staterr = ext_desc ? ext->wb.status_error : leg->status;
		struct sl_mbuf *m;
		uint16_t len;

		/* A device cannot complete more than the nb_desc - 1
		 * descriptors it was given; one that says otherwise is not
		 * believed (the descriptor at RDT has no DD to report). */
		if (!(staterr & E1000_RXD_STAT_DD) || sl_unlikely(nb_hold == nb_desc - 1)) {
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
		if (ext_desc) {
			len = ext->wb.length;
		} else {
			len = leg->length;
			staterr = rx_legacy_staterr(leg);
		}
		m = sw_ring[next];
		sw_ring[next] = NULL;
		next = ring_next(next, nb_desc);
		nb_hold++;

		/* A length the buffer cannot hold (or none at all) cannot
		 * come from a working device: the frame is dropped whole and
		 * the queue reset (nothing after it is believed). */
		if (sl_unlikely(len == 0 || len > buf_len)) {
			sl_pktmbuf_free_seg(m);
			dropped++;
			fault = (struct rx_fault){ "an RX length of", len, buf_len };
			break;
		}
		/* the rest of a frame being dropped */
		if (sl_unlikely(discard)) {
			sl_pktmbuf_free_seg(m);
			discard = !(staterr & E1000_RXD_STAT_EOP);
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
		/* A frame longer than the port receives is dropped, the rest
		 * of it too: a chain never grows past max_pkt_len, even from a
		 * device that never sets EOP. Not a fault: QEMU's 82574 takes
		 * frames up to 16 KiB from the wire, so a peer could make it. */
		if (sl_unlikely(first->pkt_len > max_pkt_len)) {
			sl_pktmbuf_free(first);
			first = NULL;
			dropped++;
			discard = !(staterr & E1000_RXD_STAT_EOP);
			continue;
		}
		if (!(staterr & E1000_RXD_STAT_EOP)) {
			if (sl_unlikely(!rxq->scatter)) {
				/* longer than one buffer, and chaining is off */
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
		rx_offload_flags(rxq, first, staterr, ext, ext_desc);
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
		if (fault.what != NULL)
			rx_device_fault(rxq, fault.what, fault.value, fault.limit);
	}
	if (nb_hold >= rxq->free_thresh && !rxq->stopped)
		rx_refill(rxq);
	return nb_rx;
}

uint16_t e1000_recv_pkts(void *queue, struct sl_mbuf **pkts, uint16_t nb_pkts)
{
	return rx_burst(queue, pkts, nb_pkts, false);
}

uint16_t e1000e_recv_pkts(void *queue, struct sl_mbuf **pkts, uint16_t nb_pkts)
{
	return rx_burst(queue, pkts, nb_pkts, true);
}

/* ---- queue objects (control path) ------------------------------------------ */

int e1000_rx_queue_init(struct e1000_rx_queue *rxq)
{
	uint16_t i;

	if (sl_pktmbuf_alloc_bulk(rxq->mp, rxq->sw_ring, rxq->nb_desc) < 0)
		return -ENOMEM;
	for (i = 0; i < rxq->nb_desc; i++)
		rx_desc_arm(rxq, i, rxq->sw_ring[i]);
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

	/* the frame being gathered, then what the descriptors hold */
	sl_pktmbuf_free(rxq->pkt_first);
	rxq->pkt_first = rxq->pkt_last = NULL;
	for (i = 0; i < rxq->nb_desc; i++) {
		struct sl_mbuf *m = rxq->sw_ring[i];

		rxq->sw_ring[i] = NULL;
		if (m != NULL)
			sl_pktmbuf_free_seg(m);
		*(volatile uint64_t *)((volatile uint8_t *)rxq->ring + 16u * i) = 0;
		*rx_desc_wb(rxq, i) = 0;
	}
	rxq->next = 0;
	rxq->nb_hold = 0;
	rxq->discard = 0;
}

SL_STATIC_ASSERT(sizeof(struct e1000_rx_desc) == sizeof(union e1000e_rx_desc),
		 "one ring size for both formats");

int e1000_rx_queue_create(const struct e1000_rxq_params *p, struct e1000_rx_queue **out)
{
	struct e1000_rx_queue *rxq = sl_eth_queue_zalloc(sizeof(*rxq));
	char name[64];
	int ret = -ENOMEM;

	if (rxq == NULL)
		goto fail;
	/* port ids are unique across drivers: so is the name */
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
	rxq->max_pkt_len = p->max_pkt_len;
	rxq->port_id = p->port_id;
	rxq->queue_id = p->queue_id;
	rxq->scatter = p->scatter;
	rxq->csum = p->csum;
	rxq->ext_desc = p->ext_desc;
	rxq->log_module = p->log_module;
	rxq->rdt_reg = p->hw + E1000_QUEUE_REG(E1000_RDT, p->queue_id);
	rxq->rdh_reg = p->hw + E1000_QUEUE_REG(E1000_RDH, p->queue_id);
	rxq->rctl_reg = p->own_rctl ? p->hw + E1000_RCTL : NULL;
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

int e1000_rx_queue_frame_ready(const struct e1000_rx_queue *rxq)
{
	uint32_t staterr = rxq->ext_desc ? rxq->ext_ring[rxq->next].wb.status_error
					 : rxq->ring[rxq->next].status;

	return !!(staterr & E1000_RXD_STAT_DD);
}
