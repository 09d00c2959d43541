/* SPDX-License-Identifier: BSD-3-Clause
 * virtio-net fast path: split virtqueues (spec 2.7), one RX and one TX
 * virtqueue per queue pair (5.1.2).
 *
 * RX. Every buffer is one device-writable descriptor covering an mbuf's
 * data room plus the 12 header bytes just before it, in the headroom, so
 * the frame lands at the mbuf's usual data offset. The ring is kept full:
 * once free_thresh descriptors are free they get fresh mbufs in bulk,
 * their ids go into the available ring, and the index is published with
 * one store and at most one doorbell, only if the device asked (a device
 * that still has buffers does not). With VIRTIO_NET_F_MRG_RXBUF a frame
 * may span num_buffers buffers (5.1.6.4): later buffers carry no header,
 * so their data starts 12 bytes earlier, and the frame becomes a chain.
 *
 * TX. One descriptor per segment; the header goes into the first
 * segment's headroom when that mbuf is ours alone, else it takes one more
 * descriptor: the queue's header slot of the chain's head id, or with no
 * offload the slot after the last, which stays zero.
 * The header is zero (num_buffers 0 as 5.1.6.2 wants) unless the packet
 * requests an offload the queue negotiated (ol_mask; virtio_offload.c):
 * then NEEDS_CSUM with csum_start/csum_offset, and for TSO gso_type,
 * gso_size and hdr_len. Chains the device has used are reclaimed in bulk
 * once fewer than free_thresh descriptors are free.
 *
 * RX checksums (with VIRTIO_NET_F_GUEST_CSUM): the header's flags become
 * SL_MBUF_F_RX_L4_CKSUM_NONE (NEEDS_CSUM) or _GOOD (DATA_VALID).
 *
 * Trust. The used ring is written by the device. An id outside the ring or
 * not at the head of a chain in flight, or a used index that claims more
 * completions than there are buffers in flight, leaves the queue's state
 * unknowable: the queue stops (bursts return 0, the rest stays as it was,
 * nothing is freed twice) until the port is stopped and started, which
 * resets the device. A length larger than the buffer, a first buffer with
 * no frame byte after the 12-byte header (a frame of 0 bytes is nothing an
 * application can use) or a num_buffers of 0 drops that frame. Each kind is
 * counted and logged once per queue; no byte outside a posted buffer is
 * ever read or handed up.
 */
#include <errno.h>
#include <inttypes.h>
#include <string.h>

#include "sl_log.h"
#include "sl_net.h"
#include "virtio_ethdev.h"

#define REFILL_CHUNK 64
#define TX_FREE_BATCH 64

/* virtqueue_used_pending, with the device's lie logged once per queue. */
static __sl_always_inline uint16_t vq_used_pending(struct virtqueue *vq, uint8_t *warned,
						   uint16_t port, uint16_t q, const char *dir)
{
	uint16_t claimed = 0, n = virtqueue_used_pending(vq, &claimed);

	if (sl_unlikely(claimed != 0) && !(*warned & VIRTIO_WARN_USED_IDX)) {
		*warned |= VIRTIO_WARN_USED_IDX;
		SL_LOG(ERR, VIRTIO,
		       "port %u %s queue %u: the device reports %u used buffers with only %u in "
		       "flight: queue stopped; stop and start the port to reset the device",
		       port, dir, q, claimed, virtqueue_in_flight(vq));
	}
	return n;
}

static void log_bad_id(uint8_t *warned, uint16_t port, uint16_t q, const char *dir,
		       uint32_t id, uint16_t size)
{
	if (*warned & VIRTIO_WARN_BAD_ID)
		return;
	*warned |= VIRTIO_WARN_BAD_ID;
	SL_LOG(ERR, VIRTIO,
	       "port %u %s queue %u: the device returned used id %" PRIu32 ", %s: queue "
	       "stopped; stop and start the port to reset the device",
	       port, dir, q, id,
	       id >= size ? "outside the ring" : "not a buffer in flight");
}

/* ---- RX ------------------------------------------------------------------ */

static __sl_always_inline void rx_desc_arm(struct virtio_rx_queue *rxq, uint16_t id,
					   struct sl_mbuf *m)
{
	volatile struct vring_desc *d = &rxq->vq.desc[id];

	rxq->sw_ring[id] = m;
	d->addr = m->buf_iova + m->data_off - rxq->hdr_len;
	d->len = rxq->buf_len;
	d->flags = VRING_DESC_F_WRITE;
	virtqueue_avail_add(&rxq->vq, id);
}

/* Fresh mbufs for the free descriptors, in chunks so a nearly empty pool
 * still lets some through; returns how many were posted. */
static uint16_t rx_refill(struct virtio_rx_queue *rxq)
{
	struct virtqueue *vq = &rxq->vq;
	struct sl_mbuf *m[REFILL_CHUNK];
	uint16_t done = 0;

	while (vq->nb_free > 0) {
		uint16_t n = (uint16_t)SL_MIN(vq->nb_free, REFILL_CHUNK), i;

		if (sl_unlikely(sl_pktmbuf_alloc_bulk(rxq->mp, m, n) < 0)) {
			sl_eth_qcnt_add(&rxq->cnt, SL_QCNT_NOMBUF, n);
			break;
		}
		for (i = 0; i < n; i++)
			rx_desc_arm(rxq, virtqueue_pop_free(vq), m[i]);
		done = (uint16_t)(done + n);
	}
	return done;
}

static void rx_warn(struct virtio_rx_queue *rxq, uint8_t kind, const char *what, uint32_t value)
{
	if (rxq->warned & kind)
		return;
	rxq->warned |= kind;
	SL_LOG(ERR, VIRTIO,
	       "port %u rx queue %u: the device wrote %s %" PRIu32 " (buffer %u bytes, header %u): "
	       "frame dropped; counted in ierrors, logged once",
	       rxq->port_id, rxq->queue_id, what, value, rxq->buf_len, rxq->hdr_len);
}

/* 5.1.6.4: a checksum left for the driver outranks a validated one. */
static __sl_always_inline uint64_t rx_csum_flags(uint8_t hdr_flags)
{
	if (hdr_flags & VIRTIO_NET_HDR_F_NEEDS_CSUM)
		return SL_MBUF_F_RX_L4_CKSUM_NONE;
	return (hdr_flags & VIRTIO_NET_HDR_F_DATA_VALID) ? SL_MBUF_F_RX_L4_CKSUM_GOOD : 0;
}

/* The first buffer m of a frame (used length len): its header, then data.
 * Starts the frame in pkt_first, or marks the rest of it for discarding;
 * -1 when m was dropped with nothing known of the frame's other buffers
 * (a bad num_buffers). */
static __sl_always_inline int rx_frame_start(struct virtio_rx_queue *rxq, struct sl_mbuf *m,
					     uint32_t len)
{
	const uint16_t hdr_len = rxq->hdr_len;
	const struct virtio_net_hdr *hdr =
		sl_pktmbuf_mtod_offset(m, const struct virtio_net_hdr *, -(int)hdr_len);
	uint16_t nbuf = 1;

	if (rxq->mrg_rxbuf) {
		/* in our buffer whatever the device wrote: read it first, so a
		 * bad length below still skips the frame's other buffers
		 * instead of taking their data for headers */
		nbuf = hdr->num_buffers;
		if (sl_unlikely(nbuf == 0 || nbuf > rxq->vq.size)) {
			rxq->bad_len++;
			rx_warn(rxq, VIRTIO_WARN_BAD_NUM_BUFFERS, "num_buffers", nbuf);
			sl_pktmbuf_free_seg(m);
			return -1;
		}
	}
	rxq->segs_left = (uint16_t)(nbuf - 1);
	if (sl_unlikely(len <= hdr_len || len > rxq->buf_len)) {
		rxq->bad_len++;
		rx_warn(rxq, VIRTIO_WARN_BAD_LEN, "used length", len);
		sl_pktmbuf_free_seg(m);
		rxq->discard = 1;
	} else if (sl_unlikely(nbuf > 1 && !rxq->scatter)) {
		/* longer than one mbuf, and chaining is off */
		sl_pktmbuf_free_seg(m);
		rxq->discard = 1;
	} else {
		m->data_len = (uint16_t)(len - hdr_len);
		m->pkt_len = m->data_len;
		m->port = rxq->port_id;
		if (rxq->csum)
			m->ol_flags = rx_csum_flags(hdr->flags);
		rxq->pkt_first = rxq->pkt_last = m;
	}
	return 0;
}

uint16_t virtio_recv_pkts(void *queue, struct sl_mbuf **pkts, uint16_t nb_pkts)
{
	struct virtio_rx_queue *rxq = queue;
	struct virtqueue *vq = &rxq->vq;
	volatile struct vring_used_elem *ring = vq->used->ring;
	struct sl_mbuf **sw_ring = rxq->sw_ring;
	const uint16_t size = vq->size, mask = vq->mask, hdr_len = rxq->hdr_len;
	const uint32_t buf_len = rxq->buf_len;
	uint16_t pending, nb_rx = 0, drops = 0, used_idx = vq->used_idx;
	uint64_t bytes = 0;

	if (sl_unlikely(vq->broken))
		return 0;
	pending = vq_used_pending(vq, &rxq->warned, rxq->port_id, rxq->queue_id, "rx");

	while (pending > 0 && nb_rx < nb_pkts) {
		volatile struct vring_used_elem *e = &ring[used_idx & mask];
		uint32_t id = e->id, len = e->len;
		struct sl_mbuf *m;

		if (sl_unlikely(id >= size || sw_ring[id] == NULL)) {
			rxq->bad_id++;
			vq->broken = 1;
			log_bad_id(&rxq->warned, rxq->port_id, rxq->queue_id, "rx", id, size);
			break;
		}
		m = sw_ring[id];
		sw_ring[id] = NULL;
		virtqueue_push_free(vq, (uint16_t)id, (uint16_t)id, 1);
		used_idx++;
		pending--;

		if (rxq->segs_left == 0) {
			if (rx_frame_start(rxq, m, len) < 0) {
				drops++;
				continue;
			}
		} else {
			/* a later buffer of a merged frame: no header */
			rxq->segs_left--;
			if (rxq->discard) {
				sl_pktmbuf_free_seg(m);
			} else if (sl_unlikely(len > buf_len)) {
				rxq->bad_len++;
				rx_warn(rxq, VIRTIO_WARN_BAD_LEN, "used length", len);
				sl_pktmbuf_free_seg(m);
				sl_pktmbuf_free(rxq->pkt_first);
				rxq->pkt_first = rxq->pkt_last = NULL;
				rxq->discard = 1;
			} else if (len == 0) {
				sl_pktmbuf_free_seg(m);
			} else {
				m->data_off = (uint16_t)(m->data_off - hdr_len);
				m->data_len = (uint16_t)len;
				rxq->pkt_last->next = m;
				rxq->pkt_last = m;
				rxq->pkt_first->nb_segs++;
				rxq->pkt_first->pkt_len += len;
			}
		}
		if (rxq->segs_left != 0)
			continue;
		if (sl_unlikely(rxq->discard)) {
			rxq->discard = 0;
			drops++;
			continue;
		}
		bytes += rxq->pkt_first->pkt_len;
		pkts[nb_rx++] = rxq->pkt_first;
		rxq->pkt_first = rxq->pkt_last = NULL;
	}
	vq->used_idx = used_idx;
	sl_eth_qcnt_burst(&rxq->cnt, nb_rx, bytes);
	if (sl_unlikely(drops != 0))
		sl_eth_qcnt_add(&rxq->cnt, SL_QCNT_ERRORS, drops);

	if (vq->nb_free >= rxq->free_thresh && !vq->broken && rx_refill(rxq) > 0)
		virtqueue_publish(vq);
	return nb_rx;
}

int virtio_rx_queue_fill(struct virtio_rx_queue *rxq)
{
	struct virtqueue *vq = &rxq->vq;

	virtqueue_reinit(vq);
	rxq->pkt_first = rxq->pkt_last = NULL;
	rxq->segs_left = 0;
	rxq->discard = 0;
	if (rx_refill(rxq) != vq->size) {
		virtio_rx_queue_drain(rxq);
		return -ENOMEM;
	}
	/* the device is not live yet: start notifies after DRIVER_OK */
	virtqueue_publish_quiet(vq);
	return 0;
}

void virtio_rx_queue_drain(struct virtio_rx_queue *rxq)
{
	uint16_t i;

	for (i = 0; i < rxq->vq.size; i++) {
		if (rxq->sw_ring[i] != NULL) {
			sl_pktmbuf_free_seg(rxq->sw_ring[i]);
			rxq->sw_ring[i] = NULL;
		}
	}
	sl_pktmbuf_free(rxq->pkt_first);
	rxq->pkt_first = rxq->pkt_last = NULL;
	rxq->segs_left = 0;
	rxq->discard = 0;
	virtqueue_reinit(&rxq->vq);
}

/* ---- TX ------------------------------------------------------------------ */

/* Returns the chains the device has used, their mbufs in bulk. */
static void tx_reclaim(struct virtio_tx_queue *txq)
{
	struct virtqueue *vq = &txq->vq;
	volatile struct vring_used_elem *ring = vq->used->ring;
	struct virtio_tx_entry *sw_ring = txq->sw_ring;
	struct sl_mbuf *done[TX_FREE_BATCH];
	const uint16_t size = vq->size, mask = vq->mask;
	uint16_t pending, used_idx = vq->used_idx;
	unsigned nb_done = 0;

	/* stopped: the bad entry that stopped it is not counted again */
	if (sl_unlikely(vq->broken))
		return;
	pending = vq_used_pending(vq, &txq->warned, txq->port_id, txq->queue_id, "tx");
	while (pending > 0) {
		uint32_t id = ring[used_idx & mask].id;
		struct virtio_tx_entry *te;

		if (sl_unlikely(id >= size || sw_ring[id].mbuf == NULL)) {
			txq->bad_id++;
			vq->broken = 1;
			log_bad_id(&txq->warned, txq->port_id, txq->queue_id, "tx", id, size);
			break;
		}
		te = &sw_ring[id];
		done[nb_done++] = te->mbuf;
		te->mbuf = NULL;
		virtqueue_push_free(vq, (uint16_t)id, te->tail, te->ndescs);
		used_idx++;
		pending--;
		if (nb_done == TX_FREE_BATCH) {
			sl_pktmbuf_free_bulk(done, nb_done);
			nb_done = 0;
		}
	}
	vq->used_idx = used_idx;
	if (nb_done > 0)
		sl_pktmbuf_free_bulk(done, nb_done);
}

/* The header can go in the headroom only if the bytes there are this
 * packet's alone: a direct mbuf nobody else references. */
static __sl_always_inline int tx_can_push(const struct sl_mbuf *m, uint16_t hdr_len)
{
	return m->data_off >= hdr_len && sl_pktmbuf_refcnt_read(m) == 1 &&
	       !(m->ol_flags & SL_MBUF_F_INDIRECT);
}

/* The header for m: zero, or what the offloads it requests (and the
 * queue does) need. */
static __sl_always_inline void tx_hdr_fill(struct virtio_net_hdr *hdr, const struct sl_mbuf *m,
					   uint64_t ol_mask)
{
	uint64_t f = m->ol_flags & ol_mask;

	*hdr = (struct virtio_net_hdr){ .flags = 0 };
	if (f == 0)
		return;
	hdr->flags = VIRTIO_NET_HDR_F_NEEDS_CSUM;
	hdr->csum_start = (uint16_t)(m->l2_len + m->l3_len);
	hdr->csum_offset = (f & SL_MBUF_F_TX_UDP_CKSUM) ? SL_UDP_CKSUM_OFFSET : SL_TCP_CKSUM_OFFSET;
	if (f & SL_MBUF_F_TX_TCP_SEG) {
		hdr->gso_type = (m->ol_flags & SL_MBUF_F_TX_IPV6) ? VIRTIO_NET_HDR_GSO_TCPV6
								   : VIRTIO_NET_HDR_GSO_TCPV4;
		hdr->gso_size = (uint16_t)m->tso_segsz;
		hdr->hdr_len = (uint16_t)(m->l2_len + m->l3_len + m->l4_len);
	}
}

/* Points d (the chain's head descriptor) at m's header: in the headroom,
 * with the first segment's data, when pushed; else in a header slot.
 * Returns the first segment still to describe. */
static __sl_always_inline struct sl_mbuf *tx_hdr_desc(struct virtio_tx_queue *txq,
						      volatile struct vring_desc *d, uint16_t head,
						      struct sl_mbuf *m, int push, sl_iova_t hdr_zero)
{
	const uint16_t hdr_len = txq->hdr_len;

	if (push) {
		tx_hdr_fill(sl_pktmbuf_mtod_offset(m, struct virtio_net_hdr *, -(int)hdr_len), m,
			    txq->ol_mask);
		d->addr = sl_pktmbuf_iova(m) - hdr_len;
		d->len = (uint32_t)m->data_len + hdr_len;
		return m->next;
	}
	if (m->ol_flags & txq->ol_mask) {
		tx_hdr_fill(&txq->hdr_mem[head], m, txq->ol_mask);
		d->addr = txq->hdr_iova + (sl_iova_t)head * hdr_len;
	} else {
		d->addr = hdr_zero;
	}
	d->len = hdr_len;
	return m;
}

uint16_t virtio_xmit_pkts(void *queue, struct sl_mbuf **pkts, uint16_t nb_pkts)
{
	struct virtio_tx_queue *txq = queue;
	struct virtqueue *vq = &txq->vq;
	volatile struct vring_desc *desc = vq->desc;
	const uint16_t hdr_len = txq->hdr_len;
	const sl_iova_t hdr_zero = txq->hdr_iova + (sl_iova_t)vq->size * hdr_len;
	uint16_t nb_tx, sent = 0;
	uint64_t bytes = 0;

	if (vq->nb_free < txq->free_thresh)
		tx_reclaim(txq);
	if (sl_unlikely(vq->broken))
		return 0;

	for (nb_tx = 0; nb_tx < nb_pkts; nb_tx++) {
		struct sl_mbuf *m = pkts[nb_tx], *seg;
		int push = tx_can_push(m, hdr_len);
		uint16_t need, head, idx, prev;

		/* One descriptor for the header (with the first segment's data
		 * when pushed into its headroom), one for every other segment
		 * that holds data: a zero-length descriptor is an error for
		 * some devices (QEMU marks the device broken). */
		need = (uint16_t)(1 + (!push && m->data_len != 0));
		for (seg = m->next; seg != NULL; seg = seg->next)
			need = (uint16_t)(need + (seg->data_len != 0));
		if (sl_unlikely(m->pkt_len == 0 || need > VIRTIO_TX_MAX_SEGS + 1 ||
				need > vq->size)) {
			/* never sendable: taken and dropped, counted */
			sl_pktmbuf_free(m);
			sl_eth_qcnt_add(&txq->cnt, SL_QCNT_ERRORS, 1);
			continue;
		}
		if (need > vq->nb_free) {
			tx_reclaim(txq);
			if (need > vq->nb_free || vq->broken)
				break;
		}

		head = virtqueue_pop_free(vq);
		seg = tx_hdr_desc(txq, &desc[head], head, m, push, hdr_zero);
		prev = head;
		for (; seg != NULL; seg = seg->next) {
			if (seg->data_len == 0)
				continue;
			idx = virtqueue_pop_free(vq);
			desc[prev].flags = VRING_DESC_F_NEXT;
			desc[prev].next = idx;
			desc[idx].addr = sl_pktmbuf_iova(seg);
			desc[idx].len = seg->data_len;
			prev = idx;
		}
		desc[prev].flags = 0;
		txq->sw_ring[head].mbuf = m;
		txq->sw_ring[head].ndescs = need;
		txq->sw_ring[head].tail = prev;
		virtqueue_avail_add(vq, head);
		bytes += m->pkt_len;
		sent++;
	}
	if (sent > 0)
		virtqueue_publish(vq);
	sl_eth_qcnt_burst(&txq->cnt, sent, bytes);
	return nb_tx;
}

uint16_t virtio_xmit_prep(void *queue, struct sl_mbuf **pkts, uint16_t nb_pkts)
{
	const struct virtio_tx_queue *txq = queue;
	uint16_t i, n;

	for (i = 0; i < nb_pkts; i++) {
		const struct sl_mbuf *m = pkts[i];

		if (sl_unlikely(m->ol_flags & SL_MBUF_F_TX_CKSUM_REQUEST & ~txq->ol_mask)) {
			errno = ENOTSUP;	/* IP_CKSUM, or one the port was not configured for */
			break;
		}
		if (sl_unlikely(m->nb_segs > VIRTIO_TX_MAX_SEGS)) {
			errno = EINVAL;
			break;
		}
	}
	n = sl_net_tx_prepare_burst(pkts, i);
	for (i = 0; i < n; i++) {
		struct sl_mbuf *m = pkts[i];

		if (m->ol_flags & SL_MBUF_F_TX_TCP_SEG)
			*sl_net_tx_l4_cksum_field(m) = sl_cksum_fold(sl_net_tx_phdr_sum(m, 1));
	}
	return n;
}

void virtio_tx_queue_drain(struct virtio_tx_queue *txq)
{
	uint16_t i;

	for (i = 0; i < txq->vq.size; i++) {
		if (txq->sw_ring[i].mbuf != NULL) {
			sl_pktmbuf_free(txq->sw_ring[i].mbuf);
			txq->sw_ring[i].mbuf = NULL;
		}
	}
	virtqueue_reinit(&txq->vq);
}
