/* SPDX-License-Identifier: BSD-3-Clause
 * net_af_packet bursts over TPACKET_V2 rings.
 *
 * RX never enters the kernel: frames the kernel has filled are copied into
 * mbufs and handed back by flipping their status word.
 *
 * TX copies each mbuf into a free ring frame, marks it SEND_REQUEST, and
 * then makes exactly one sendto(MSG_DONTWAIT) per burst. That system call
 * is the one this port cannot avoid: the TX ring has no doorbell the kernel
 * polls, tpacket_snd() only runs when the socket is kicked, and it then
 * sends every requested frame in ring order without waiting for them to
 * complete. A frame the device refused (ENOBUFS: the veth peer's backlog
 * is full, say) is put back to SEND_REQUEST by the kernel; the queue then
 * remembers to kick again on its next burst, even an empty one.
 *
 * Bad frames (issue 8): a runt (under 60 bytes) is padded with zeros to 60
 * in the ring frame, as a NIC pads on the wire (a veth would otherwise
 * deliver it short, and a bridge to a real segment would pad it anyway).
 * A frame above the interface MTU + header (+ 4 for an 802.1Q tag) or the
 * ring frame is taken, freed and counted in oerrors: the kernel would skip
 * it silently (PACKET_LOSS). On RX the kernel enforces the MTU (a veth drops longer frames before
 * any socket sees them; a NIC does so in hardware), and a frame cut to fit
 * the ring frame is dropped and counted in ierrors: no frame is handed out
 * in part. A VLAN tag the kernel took out of the data is put back.
 */
#include <errno.h>
#include <string.h>
#include <sys/socket.h>

#include "af_packet_private.h"

static inline uint32_t ring_next(uint32_t i, uint32_t nb)
{
	return i + 1 == nb ? 0 : i + 1;
}

/* Appends len bytes at the end of the chain headed by m, taking more mbufs
 * from mp as segments fill: 0 or -ENOBUFS. */
static int chain_put(struct sl_mempool *mp, struct sl_mbuf *m, struct sl_mbuf **tail,
		     const uint8_t *src, uint32_t len)
{
	struct sl_mbuf *seg = *tail;

	while (len > 0) {
		uint32_t room = (uint32_t)seg->buf_len - seg->data_off - seg->data_len;
		uint32_t chunk;

		if (room == 0) {
			struct sl_mbuf *n = sl_pktmbuf_alloc(mp);

			if (n == NULL || m->nb_segs == SL_MBUF_MAX_NB_SEGS) {
				if (n != NULL)
					sl_pktmbuf_free(n);
				return -ENOBUFS;
			}
			seg->next = n;
			seg = n;
			m->nb_segs++;
			continue;
		}
		chunk = SL_MIN(room, len);
		memcpy(sl_pktmbuf_mtod_offset(seg, uint8_t *, seg->data_len), src, chunk);
		seg->data_len = (uint16_t)(seg->data_len + chunk);
		m->pkt_len += chunk;
		src += chunk;
		len -= chunk;
	}
	*tail = seg;
	return 0;
}

/* The slow cases: a frame that needs a chain, or whose VLAN tag the kernel
 * moved into the header (TP_STATUS_VLAN_VALID: the NIC or veth stripped
 * it). The tag goes back into the data so that forwarding is transparent. */
static int rx_copy_slow(struct sl_mempool *mp, struct sl_mbuf *m, const struct tpacket2_hdr *h,
			const uint8_t *data, uint32_t len)
{
	struct sl_mbuf *tail = m;
	int ret;

	if ((h->tp_status & TP_STATUS_VLAN_VALID) && len >= 2 * SL_ETHER_ADDR_LEN) {
		uint16_t tpid = (h->tp_status & TP_STATUS_VLAN_TPID_VALID) ? h->tp_vlan_tpid
									  : SL_ETHER_TYPE_VLAN;
		uint8_t tag[4] = {
			(uint8_t)(tpid >> 8), (uint8_t)tpid,
			(uint8_t)(h->tp_vlan_tci >> 8), (uint8_t)h->tp_vlan_tci,
		};

		ret = chain_put(mp, m, &tail, data, 2 * SL_ETHER_ADDR_LEN);
		if (ret == 0)
			ret = chain_put(mp, m, &tail, tag, sizeof(tag));
		if (ret == 0)
			ret = chain_put(mp, m, &tail, data + 2 * SL_ETHER_ADDR_LEN,
					len - 2 * SL_ETHER_ADDR_LEN);
	} else {
		ret = chain_put(mp, m, &tail, data, len);
	}
	if (ret < 0) {
		sl_pktmbuf_free(m->next);
		m->next = NULL;
		m->nb_segs = 1;
		m->data_len = 0;
		m->pkt_len = 0;
	}
	return ret;
}

uint16_t afp_rx_burst(void *rxq, struct sl_mbuf **pkts, uint16_t nb_pkts)
{
	struct afp_rx_queue *q = rxq;
	const uint32_t nb_frames = q->nb_frames;
	uint32_t next = q->next, idx = next;
	uint16_t ready = 0, n = 0, i;
	uint64_t bytes = 0, cut = 0;

	/* Count what the kernel has handed over; the acquire load orders
	 * our reads of each frame after the kernel's writes to it. */
	while (ready < nb_pkts) {
		const struct tpacket2_hdr *h = (const void *)q->frames[idx];

		if (!(__atomic_load_n(&h->tp_status, __ATOMIC_ACQUIRE) & TP_STATUS_USER))
			break;
		ready++;
		idx = ring_next(idx, nb_frames);
	}
	if (ready == 0)
		return 0;
	if (sl_unlikely(sl_pktmbuf_alloc_bulk(q->mp, pkts, ready) != 0)) {
		sl_eth_qcnt_add(&q->cnt, SL_QCNT_NOMBUF, 1);
		return 0;
	}
	for (i = 0; i < ready; i++) {
		struct tpacket2_hdr *h = (void *)q->frames[next];
		const uint8_t *data = (const uint8_t *)h + h->tp_mac;
		uint32_t len = h->tp_snaplen;
		struct sl_mbuf *m = pkts[n];

		if (sl_unlikely(h->tp_len != len)) {
			/* cut to fit the ring frame: a larger framesz is needed */
			cut++;
		} else if (sl_likely(!(h->tp_status & TP_STATUS_VLAN_VALID) &&
				     len <= (uint32_t)m->buf_len - m->data_off)) {
			memcpy(sl_pktmbuf_mtod(m, uint8_t *), data, len);
			m->data_len = (uint16_t)len;
			m->pkt_len = len;
		} else if (rx_copy_slow(q->mp, m, h, data, len) < 0) {
			/* pool dry: leave this frame with us, try again next burst */
			sl_eth_qcnt_add(&q->cnt, SL_QCNT_NOMBUF, 1);
			break;
		}
		if (sl_likely(h->tp_len == len)) {
			m->port = q->port_id;
			bytes += m->pkt_len;
			n++;
		}
		/* release: the kernel must see our copy finished before the
		 * frame is its own again */
		__atomic_store_n(&h->tp_status, TP_STATUS_KERNEL, __ATOMIC_RELEASE);
		next = ring_next(next, nb_frames);
	}
	if (sl_unlikely(n < ready))
		sl_pktmbuf_free_bulk(&pkts[n], ready - n);
	q->next = next;
	sl_eth_qcnt_burst(&q->cnt, n, bytes);
	if (sl_unlikely(cut != 0))
		sl_eth_qcnt_add(&q->cnt, SL_QCNT_ERRORS, cut);
	return n;
}

static inline void tx_copy(uint8_t *dst, const struct sl_mbuf *m)
{
	if (sl_likely(m->nb_segs == 1)) {
		memcpy(dst, sl_pktmbuf_mtod(m, const uint8_t *), m->data_len);
		return;
	}
	for (const struct sl_mbuf *s = m; s != NULL; s = s->next) {
		memcpy(dst, sl_pktmbuf_mtod(s, const uint8_t *), s->data_len);
		dst += s->data_len;
	}
}

/* An 802.1Q tag in the frame (TPID 0x8100 right after the MACs): the only
 * kind the kernel lets exceed the MTU by its 4 bytes. */
static inline bool tx_is_8021q(const struct sl_mbuf *m)
{
	const uint8_t *d = sl_pktmbuf_mtod(m, const uint8_t *);

	return m->data_len >= SL_ETHER_HDR_LEN && d[12] == (SL_ETHER_TYPE_VLAN >> 8) &&
	       d[13] == (SL_ETHER_TYPE_VLAN & 0xff);
}

static inline void tx_kick(struct afp_tx_queue *q)
{
	if (sendto(q->fd, NULL, 0, MSG_DONTWAIT, NULL, 0) < 0) {
		/* ENOBUFS/EAGAIN: some frames wait in the ring, kick again
		 * later; anything else (ENETDOWN...) holds them until the
		 * interface can send, and the ring filling up stops TX */
		q->kick_pending = true;
		return;
	}
	q->kick_pending = false;
}

uint16_t afp_tx_burst(void *txq, struct sl_mbuf **pkts, uint16_t nb_pkts)
{
	struct afp_tx_queue *q = txq;
	const uint32_t nb_frames = q->nb_frames;
	uint32_t next = q->next;
	uint64_t bytes = 0;
	uint16_t queued = 0, too_long = 0, i;

	for (i = 0; i < nb_pkts; i++) {
		const struct sl_mbuf *m = pkts[i];
		struct tpacket2_hdr *h;

		if (sl_unlikely(m->pkt_len > q->max_len) &&
		    (m->pkt_len > q->max_len_vlan || !tx_is_8021q(m))) {
			too_long++;	/* taken and freed: it can never be sent */
			continue;
		}
		h = (void *)q->frames[next];
		if (__atomic_load_n(&h->tp_status, __ATOMIC_ACQUIRE) != TP_STATUS_AVAILABLE)
			break;	/* ring full: the kernel has not sent these yet */
		tx_copy((uint8_t *)h + AFP_TX_DATA_OFF, m);
		h->tp_len = m->pkt_len;
		if (sl_unlikely(m->pkt_len < SL_ETHER_MIN_FRAME)) {
			/* max_len >= 60: the ring frame and MTU 68 both allow it */
			memset((uint8_t *)h + AFP_TX_DATA_OFF + m->pkt_len, 0,
			       SL_ETHER_MIN_FRAME - m->pkt_len);
			h->tp_len = SL_ETHER_MIN_FRAME;
		}
		__atomic_store_n(&h->tp_status, TP_STATUS_SEND_REQUEST, __ATOMIC_RELEASE);
		next = ring_next(next, nb_frames);
		bytes += m->pkt_len;
		queued++;
	}
	q->next = next;
	if (queued != 0 || q->kick_pending)
		tx_kick(q);
	sl_pktmbuf_free_bulk(pkts, i);
	sl_eth_qcnt_burst(&q->cnt, queued, bytes);
	if (sl_unlikely(too_long != 0))
		sl_eth_qcnt_add(&q->cnt, SL_QCNT_ERRORS, too_long);
	return i;
}
