/* SPDX-License-Identifier: BSD-3-Clause
 * net_pcap bursts.
 *
 * This port moves frames through libpcap, so unlike a NIC driver it does
 * call into stdio (files) or the kernel (live interfaces) on the fast path:
 * it is a tool for feeding and recording traffic, not a fast port (that is
 * net_af_packet for interfaces, net_null/net_ring for synthetic load).
 *
 * RX from a file hands out the records in file order, one mbuf (or chain)
 * each, and returns 0 forever after the last one. Timestamps travel in
 * mbuf->timestamp (ns since the epoch, SL_MBUF_F_RX_TIMESTAMP), and TX to a
 * file writes them back, so rx_pcap -> tx_pcap reproduces the input file
 * byte for byte when it is a microsecond pcap with snaplen 65535.
 *
 * Bad frames (issue 8): a frame is handed out whole or not at all. A
 * record cut by the capture's snaplen (caplen < len) or an empty one is
 * dropped and counted in ierrors, from a file as from a live interface
 * (whose snapshot is sized from its MTU, so a cut live frame is one above
 * the MTU). A file has no MTU of its own: complete records of any length up
 * to 64 KiB arrive, as chains when longer than an mbuf. On TX, a live
 * interface gets runts padded with zeros to 60 bytes, as a NIC pads on the
 * wire (tx_iface); frames the kernel refuses (above the interface MTU) are
 * counted in oerrors. A tx_pcap file records frames as the application
 * sent them, unpadded, as tcpdump on the sending host would.
 */
#include <errno.h>
#include <inttypes.h>
#include <string.h>
#include <time.h>

#include "pcap_private.h"

#define NS_PER_S 1000000000ull

int pcap_copy_to_mbuf(struct sl_mempool *mp, struct sl_mbuf *m, const uint8_t *data, uint32_t len)
{
	uint32_t room = (uint32_t)m->buf_len - m->data_off;
	struct sl_mbuf *seg = m;
	uint32_t left;

	if (sl_likely(len <= room)) {
		memcpy(sl_pktmbuf_mtod(m, uint8_t *), data, len);
		m->data_len = (uint16_t)len;
		m->pkt_len = len;
		return 0;
	}
	/* Larger than one mbuf: a chain, every segment filled up to its end. */
	memcpy(sl_pktmbuf_mtod(m, uint8_t *), data, room);
	m->data_len = (uint16_t)room;
	left = len - room;
	data += room;
	while (left > 0) {
		struct sl_mbuf *n = sl_pktmbuf_alloc(mp);
		uint32_t chunk;

		if (n == NULL || m->nb_segs == SL_MBUF_MAX_NB_SEGS) {
			if (n != NULL)
				sl_pktmbuf_free(n);
			sl_pktmbuf_free(m->next);
			m->next = NULL;
			m->nb_segs = 1;
			m->data_len = 0;
			m->pkt_len = 0;
			return -ENOBUFS;
		}
		chunk = SL_MIN(left, (uint32_t)n->buf_len - n->data_off);
		memcpy(sl_pktmbuf_mtod(n, uint8_t *), data, chunk);
		n->data_len = (uint16_t)chunk;
		seg->next = n;
		seg = n;
		m->nb_segs++;
		left -= chunk;
		data += chunk;
	}
	m->pkt_len = len;
	return 0;
}

static void rx_stamp(struct sl_mbuf *m, uint16_t port_id, uint64_t ts_ns)
{
	m->port = port_id;
	m->timestamp = ts_ns;
	m->ol_flags |= SL_MBUF_F_RX_TIMESTAMP;
}

/* infinite_rx: the preloaded frames, over and over. */
static uint16_t rx_replay(struct pcap_rx_queue *q, struct sl_mbuf **pkts, uint16_t nb_pkts)
{
	const struct pcap_source *src = q->src;
	uint32_t next = q->replay_next;
	uint64_t bytes = 0;
	uint16_t i;

	if (sl_unlikely(sl_pktmbuf_alloc_bulk(q->mp, pkts, nb_pkts) != 0)) {
		sl_eth_qcnt_add(&q->cnt, SL_QCNT_NOMBUF, 1);
		return 0;
	}
	for (i = 0; i < nb_pkts; i++) {
		const struct pcap_replay_frame *f = &src->frames[next];

		if (sl_unlikely(pcap_copy_to_mbuf(q->mp, pkts[i], src->frames_data + f->off,
						  f->len) != 0)) {
			sl_eth_qcnt_add(&q->cnt, SL_QCNT_NOMBUF, 1);
			sl_pktmbuf_free_bulk(&pkts[i], nb_pkts - i);
			break;
		}
		rx_stamp(pkts[i], q->port_id, f->ts_ns);
		bytes += f->len;
		if (++next == src->nb_frames)
			next = 0;
	}
	q->replay_next = next;
	sl_eth_qcnt_burst(&q->cnt, i, bytes);
	return i;
}

static void rx_drop_cut(struct pcap_rx_queue *q, const struct pcap_pkthdr *hdr, uint16_t in_burst)
{
	sl_eth_qcnt_add(&q->cnt, SL_QCNT_ERRORS, 1);
	if (q->src->kind == PCAP_KIND_FILE && !q->warned_cut && hdr->caplen != 0) {
		q->warned_cut = true;
		SL_LOG(WARNING, NET_PCAP, "port %u: rx_pcap '%s': a frame was captured with only %u of its %u bytes (snaplen) after %" PRIu64 " good ones: dropped, like every cut frame (counted in ierrors); recapture with tcpdump -s 0",
		       q->port_id, q->src->name, hdr->caplen, hdr->len,
		       q->cnt.val[SL_QCNT_PKTS] + in_burst);
	}
}

/* The next record, or NULL (nothing now, end of file, or an error). */
/* (in_burst: records already taken by the current burst, for messages) */
static const uint8_t *rx_next_record(struct pcap_rx_queue *q, struct pcap_pkthdr **hdr,
				     uint16_t in_burst)
{
	const uint8_t *data;
	int ret;

	if (q->pending_hdr != NULL) {
		*hdr = q->pending_hdr;
		data = q->pending_data;
		q->pending_hdr = NULL;
		return data;
	}
	for (;;) {
		ret = pcap_next_ex(q->src->pcap, hdr, &data);
		if (sl_likely(ret == 1)) {
			/* an empty record, or a frame cut by the snapshot
			 * length (a live frame above the MTU, a file
			 * captured with a small -s): drop and count, never
			 * hand out part of a frame */
			if (sl_unlikely((*hdr)->caplen == 0 || (*hdr)->caplen < (*hdr)->len)) {
				rx_drop_cut(q, *hdr, in_burst);
				continue;
			}
			return data;
		}
		if (ret == 0)	/* live capture: nothing yet */
			return NULL;
		if (q->src->kind == PCAP_KIND_FILE) {
			if (ret == PCAP_ERROR_BREAK)
				SL_LOG(INFO, NET_PCAP, "port %u: rx_pcap '%s': end of file after %" PRIu64 " frames; RX returns 0 from now on",
				       q->port_id, q->src->name, q->cnt.val[SL_QCNT_PKTS] + in_burst);
			else
				SL_LOG(WARNING, NET_PCAP, "port %u: rx_pcap '%s': stopping after %" PRIu64 " frames: %s (a truncated last record?)",
				       q->port_id, q->src->name, q->cnt.val[SL_QCNT_PKTS] + in_burst,
				       pcap_geterr(q->src->pcap));
			q->eof = true;
			return NULL;
		}
		/* A live capture error (interface gone down): count and retry
		 * on the next burst rather than spin here. */
		sl_eth_qcnt_add(&q->cnt, SL_QCNT_ERRORS, 1);
		return NULL;
	}
}

uint16_t pcap_rx_burst(void *rxq, struct sl_mbuf **pkts, uint16_t nb_pkts)
{
	struct pcap_rx_queue *q = rxq;
	uint64_t bytes = 0;
	uint16_t n = 0;

	if (q->infinite)
		return rx_replay(q, pkts, nb_pkts);
	if (q->src == NULL || q->eof)
		return 0;
	while (n < nb_pkts) {
		struct pcap_pkthdr *hdr;
		const uint8_t *data = rx_next_record(q, &hdr, n);
		struct sl_mbuf *m;
		uint64_t ts;

		if (data == NULL)
			break;
		m = sl_pktmbuf_alloc(q->mp);
		if (sl_unlikely(m == NULL || pcap_copy_to_mbuf(q->mp, m, data, hdr->caplen) != 0)) {
			/* keep the record for the next burst: a file loses
			 * nothing to a momentarily empty pool */
			if (m != NULL)
				sl_pktmbuf_free(m);
			sl_eth_qcnt_add(&q->cnt, SL_QCNT_NOMBUF, 1);
			q->pending_hdr = hdr;
			q->pending_data = data;
			break;
		}
		ts = (uint64_t)hdr->ts.tv_sec * NS_PER_S +
		     (uint64_t)hdr->ts.tv_usec * (q->src->nsec ? 1u : 1000u);
		rx_stamp(m, q->port_id, ts);
		bytes += hdr->caplen;
		pkts[n++] = m;
	}
	sl_eth_qcnt_burst(&q->cnt, n, bytes);
	return n;
}

/* The frame as one flat buffer: the mbuf's data when it has one segment,
 * else a copy into the queue's scratch buffer (at most max bytes). */
static const uint8_t *tx_flat(struct pcap_tx_queue *q, const struct sl_mbuf *m, uint32_t max)
{
	uint32_t off = 0;

	if (sl_likely(m->nb_segs == 1))
		return sl_pktmbuf_mtod(m, const uint8_t *);
	for (const struct sl_mbuf *s = m; s != NULL && off < max; s = s->next) {
		uint32_t chunk = SL_MIN((uint32_t)s->data_len, max - off);

		memcpy(q->linear + off, sl_pktmbuf_mtod(s, const uint8_t *), chunk);
		off += chunk;
	}
	return q->linear;
}

static uint64_t realtime_ns(void)
{
	struct timespec ts;

	/* vDSO: no system call */
	clock_gettime(CLOCK_REALTIME, &ts);
	return (uint64_t)ts.tv_sec * NS_PER_S + (uint64_t)ts.tv_nsec;
}

static uint16_t tx_file(struct pcap_tx_queue *q, struct sl_mbuf **pkts, uint16_t nb_pkts)
{
	uint64_t now = 0, bytes = 0;

	for (uint16_t i = 0; i < nb_pkts; i++) {
		const struct sl_mbuf *m = pkts[i];
		struct pcap_pkthdr hdr;
		uint64_t ts;

		hdr.len = m->pkt_len;
		hdr.caplen = SL_MIN(m->pkt_len, (uint32_t)PCAP_SNAPLEN);
		if (m->ol_flags & SL_MBUF_F_RX_TIMESTAMP) {
			ts = m->timestamp;
		} else {
			if (now == 0)
				now = realtime_ns();
			ts = now;
		}
		hdr.ts.tv_sec = (time_t)(ts / NS_PER_S);
		hdr.ts.tv_usec = (suseconds_t)((ts % NS_PER_S) / 1000u);
		pcap_dump((u_char *)q->sink->dumper, &hdr, tx_flat(q, m, hdr.caplen));
		bytes += m->pkt_len;
	}
	sl_eth_qcnt_burst(&q->cnt, nb_pkts, bytes);
	sl_pktmbuf_free_bulk(pkts, nb_pkts);
	return nb_pkts;
}

/* A runt in the scratch buffer, zero-padded to the 60 bytes a NIC puts on
 * the wire (IEEE 802.3 minimum frame, FCS not counted). */
static const uint8_t *tx_padded(struct pcap_tx_queue *q, const struct sl_mbuf *m)
{
	uint32_t off = 0;

	for (const struct sl_mbuf *s = m; s != NULL; s = s->next) {
		memcpy(q->linear + off, sl_pktmbuf_mtod(s, const uint8_t *), s->data_len);
		off += s->data_len;
	}
	memset(q->linear + off, 0, SL_ETHER_MIN_FRAME - off);
	return q->linear;
}

static uint16_t tx_iface(struct pcap_tx_queue *q, struct sl_mbuf **pkts, uint16_t nb_pkts)
{
	uint64_t bytes = 0, sent = 0;
	uint16_t i;

	for (i = 0; i < nb_pkts; i++) {
		const struct sl_mbuf *m = pkts[i];
		const uint8_t *frame;
		uint32_t len = m->pkt_len;

		if (sl_unlikely(m->pkt_len > PCAP_MAX_FRAME)) {
			sl_eth_qcnt_add(&q->cnt, SL_QCNT_ERRORS, 1);
			continue;
		}
		if (sl_unlikely(len < SL_ETHER_MIN_FRAME)) {
			frame = tx_padded(q, m);
			len = SL_ETHER_MIN_FRAME;
		} else {
			frame = tx_flat(q, m, len);
		}
		errno = 0;
		if (sl_unlikely(pcap_sendpacket(q->sink->pcap, frame, (int)len) != 0)) {
			/* a full socket buffer: leave the rest to the caller */
			if (errno == ENOBUFS || errno == EAGAIN)
				break;
			sl_eth_qcnt_add(&q->cnt, SL_QCNT_ERRORS, 1);	/* a frame the interface refuses */
			continue;
		}
		sent++;
		bytes += m->pkt_len;
	}
	sl_eth_qcnt_burst(&q->cnt, sent, bytes);
	sl_pktmbuf_free_bulk(pkts, i);
	return i;
}

uint16_t pcap_tx_burst(void *txq, struct sl_mbuf **pkts, uint16_t nb_pkts)
{
	struct pcap_tx_queue *q = txq;

	if (q->sink == NULL) {
		/* no tx_pcap/tx_iface for this queue: a sink, like net_null */
		uint64_t bytes = 0;

		for (uint16_t i = 0; i < nb_pkts; i++)
			bytes += pkts[i]->pkt_len;
		sl_eth_qcnt_burst(&q->cnt, nb_pkts, bytes);
		sl_pktmbuf_free_bulk(pkts, nb_pkts);
		return nb_pkts;
	}
	if (q->sink->kind == PCAP_KIND_FILE)
		return tx_file(q, pkts, nb_pkts);
	return tx_iface(q, pkts, nb_pkts);
}
