/* SPDX-License-Identifier: BSD-3-Clause
 * Checksum offloads of the e1000 fast path (both chips share it) against a
 * simulated device. TX: the test plays an 8254x that reads TCP/IP context
 * descriptors (SDM 3.3.6) and data descriptors (3.3.7) and inserts the
 * checksums the way the SDM says and QEMU's e1000 does (hw/net/e1000.c
 * putsum: the ones' complement sum from CSS to CSE, or to the end of the
 * frame with TUCSE 0, stored at CSO; the field holds what the driver
 * left there, the pseudo-header sum). Every frame it sends must equal what
 * sl_net_sw_cksum makes of the same packet, and the descriptors must carry
 * the fields the datasheet gives for each layout, with a context written
 * only when the layout changes. RX: the legacy descriptor's status (IPCS,
 * TCPCS, IXSM) and errors (IPE, TCPE) into ol_flags. Needs sl_eal_init
 * (--no-huge) for the mbuf pools: skipped (77) when that cannot work here.
 */
#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sl_eal.h"
#include "sl_net.h"
#include "e1000_ethdev.h"
#include "sl_test_simdev.h"

#define POOL_SIZE 2048
#define BAR_SIZE (128 * 1024)
#define MAX_FRAME 9000

static struct sl_mempool *pool;
static uint8_t *bar;

static uint32_t reg(uint32_t off)
{
	return *(volatile uint32_t *)(bar + off);
}

static void set_reg(uint32_t off, uint32_t v)
{
	*(volatile uint32_t *)(bar + off) = v;
}

/* ---- test packets ------------------------------------------------------------ */

enum layout { V4_UDP, V4_TCP, V6_TCP, V6_UDP, NB_LAYOUTS };

/* Ethernet, IPv4 or IPv6, UDP or TCP and payload_len bytes of pattern
 * seed, in nb_segs segments (headers whole in the first), every checksum
 * field garbage, the offload request in ol_flags. */
static struct sl_mbuf *make_offload_pkt(enum layout l, uint32_t payload_len, uint32_t seed,
					unsigned nb_segs)
{
	static uint8_t f[MAX_FRAME];
	const bool v6 = l == V6_TCP || l == V6_UDP, udp = l == V4_UDP || l == V6_UDP;
	const uint32_t l3 = v6 ? SL_IPV6_HDR_LEN : SL_IPV4_HDR_LEN;
	const uint32_t l4 = udp ? SL_UDP_HDR_LEN : SL_TCP_MIN_HDR_LEN;
	const uint32_t hdrs = SL_ETHER_HDR_LEN + l3 + l4, len = hdrs + payload_len;
	struct sl_ether_hdr *eth = (struct sl_ether_hdr *)f;
	uint8_t *ip = f + SL_ETHER_HDR_LEN, *l4p = ip + l3;
	struct sl_mbuf *m;
	uint32_t first;

	ck_assert_uint_le(len, sizeof(f));
	sl_test_fill_pattern(f, len, seed);
	eth->ether_type = sl_be16(v6 ? SL_ETHER_TYPE_IPV6 : SL_ETHER_TYPE_IPV4);
	if (v6) {
		struct sl_ipv6_hdr *h = (struct sl_ipv6_hdr *)ip;

		h->vtc_flow = sl_be32(6u << 28);
		h->payload_len = sl_be16((uint16_t)(l4 + payload_len));
		h->proto = udp ? SL_IPPROTO_UDP : SL_IPPROTO_TCP;
		h->hop_limits = 64;
	} else {
		struct sl_ipv4_hdr *h = (struct sl_ipv4_hdr *)ip;

		h->version_ihl = SL_IPV4_VHL_DEF;
		h->total_length = sl_be16((uint16_t)(l3 + l4 + payload_len));
		h->fragment_offset = 0;
		h->time_to_live = 64;
		h->next_proto_id = udp ? SL_IPPROTO_UDP : SL_IPPROTO_TCP;
		h->hdr_checksum = 0xbeef;
	}
	if (udp) {
		((struct sl_udp_hdr *)l4p)->dgram_len = sl_be16((uint16_t)(l4 + payload_len));
		((struct sl_udp_hdr *)l4p)->dgram_cksum = 0xdead;
	} else {
		((struct sl_tcp_hdr *)l4p)->data_off = 5 << 4;
		((struct sl_tcp_hdr *)l4p)->cksum = 0xdead;
	}
	/* headers whole in the first segment, the rest spread evenly */
	first = nb_segs > 1 ? hdrs + (len - hdrs) / nb_segs : len;
	m = sl_pktmbuf_alloc(pool);
	ck_assert_ptr_nonnull(m);
	memcpy(sl_pktmbuf_append(m, (uint16_t)first), f, first);
	for (unsigned i = 1, done = first; i < nb_segs; i++) {
		struct sl_mbuf *s = sl_pktmbuf_alloc(pool);
		uint32_t part = i + 1 == nb_segs ? len - done : (len - hdrs) / nb_segs;

		ck_assert_ptr_nonnull(s);
		memcpy(sl_pktmbuf_append(s, (uint16_t)part), f + done, part);
		done += part;
		ck_assert_int_eq(sl_pktmbuf_chain(m, s), 0);
	}
	m->l2_len = SL_ETHER_HDR_LEN;
	m->l3_len = l3;
	m->ol_flags = (v6 ? SL_MBUF_F_TX_IPV6 : SL_MBUF_F_TX_IPV4 | SL_MBUF_F_TX_IP_CKSUM) |
		      (udp ? SL_MBUF_F_TX_UDP_CKSUM : SL_MBUF_F_TX_TCP_CKSUM);
	return m;
}

/* What the frame must be on the wire: the checksums done in software. */
static uint32_t reference_frame(const struct sl_mbuf *m, uint8_t *out)
{
	struct sl_mbuf *c = sl_pktmbuf_alloc(pool);
	uint32_t len = m->pkt_len;
	char *p;

	ck_assert_ptr_nonnull(c);
	ck_assert_uint_le(len, SL_MBUF_DEFAULT_DATAROOM);
	p = sl_pktmbuf_append(c, (uint16_t)len);
	memcpy(p, sl_pktmbuf_read(m, 0, len, p), len);
	c->ol_flags = m->ol_flags;
	c->tx_offload = m->tx_offload;
	ck_assert_int_eq(sl_net_sw_cksum(c), 0);
	memcpy(out, sl_pktmbuf_mtod(c, const uint8_t *), len);
	sl_pktmbuf_free(c);
	return len;
}

/* ---- the device: transmit ------------------------------------------------------ */

struct tx_dev {
	struct e1000_tx_queue *txq;
	uint32_t tdh;
	struct e1000_tx_ctx_desc ctx;	/* the last context read */
	bool have_ctx;
	unsigned nb_ctx;		/* context descriptors read */
	/* the frame being gathered */
	uint8_t frame[MAX_FRAME];
	uint32_t len;
	uint32_t popts;			/* of its first descriptor */
	bool dext;
	bool tse;			/* of its first descriptor */
	/* the last frame sent, and the first KEEP of a TSO packet's */
	uint8_t out[MAX_FRAME];
	uint32_t out_len;
	uint32_t out_popts;
	unsigned frames;
	uint8_t kept[64][2048];
	uint32_t kept_len[64];
	unsigned nb_kept;
};

/* Ones' complement sum of data[css, end) stored at cso, end = cse + 1, or
 * the frame's end for cse 0 (SDM 3.3.6; QEMU putsum). */
static void dev_putsum(uint8_t *data, uint32_t len, uint32_t cso, uint32_t css, uint32_t cse)
{
	uint32_t end = cse != 0 && cse < len ? cse + 1 : len;
	uint16_t sum;

	ck_assert_uint_lt(css, end);
	ck_assert_uint_le(cso + 2, end);
	sum = (uint16_t)~sl_cksum_fold(sl_cksum_add(data + css, end - css, 0));
	memcpy(data + cso, &sum, 2);
}

static void dev_send(struct tx_dev *d)
{
	if (d->popts & E1000_TXD_POPTS_TXSM) {
		ck_assert_msg(d->have_ctx, "TXSM before any context descriptor");
		dev_putsum(d->frame, d->len, d->ctx.tucso, d->ctx.tucss, d->ctx.tucse);
	}
	if (d->popts & E1000_TXD_POPTS_IXSM) {
		ck_assert_msg(d->have_ctx, "IXSM before any context descriptor");
		dev_putsum(d->frame, d->len, d->ctx.ipcso, d->ctx.ipcss, d->ctx.ipcse);
	}
	memcpy(d->out, d->frame, d->len);
	if (d->nb_kept < SL_DIM(d->kept) && d->len <= sizeof(d->kept[0])) {
		memcpy(d->kept[d->nb_kept], d->frame, d->len);
		d->kept_len[d->nb_kept++] = d->len;
	}
	d->out_len = d->len;
	d->out_popts = d->popts;
	d->frames++;
	d->len = 0;
}

static uint32_t get_be(const uint8_t *p, unsigned n)
{
	uint32_t v = 0;

	for (unsigned i = 0; i < n; i++)
		v = v << 8 | p[i];
	return v;
}

static void put_be(uint8_t *p, unsigned n, uint32_t v)
{
	for (unsigned i = n; i-- > 0; v >>= 8)
		p[i] = (uint8_t)v;
}

/* A TSO packet (SDM 3.5; QEMU xmit_seg): PAYLEN bytes after the HDRLEN
 * of headers cut into MSS-sized segments, each with the headers, the IPv4
 * total length and id + n, the TCP sequence number + offset, FIN and PSH
 * on the last only, the segment's TCP length added to the pseudo-header
 * sum in the field, then the checksums as for any packet. */
static void dev_send_tso(struct tx_dev *d)
{
	static uint8_t whole[MAX_FRAME];
	const struct e1000_tx_ctx_desc *c = &d->ctx;
	const uint32_t hdr = c->hdr_len, mss = c->mss, paylen = c->cmd_and_length & 0xfffff;
	const uint32_t total = d->len;
	uint8_t *f = d->frame;

	ck_assert_msg(c->cmd_and_length & E1000_TXD_CMD_TSE, "TSE data without a TSO context");
	ck_assert_uint_eq(total, hdr + paylen);
	memcpy(whole, f, total);
	for (uint32_t off = 0, i = 0; off < paylen; off += mss, i++) {
		uint32_t n = SL_MIN(mss, paylen - off), len = hdr + n, sum;

		memcpy(f, whole, hdr);
		memcpy(f + hdr, whole + hdr + off, n);
		put_be(f + c->ipcss + 2, 2, len - c->ipcss);
		put_be(f + c->ipcss + 4, 2, get_be(whole + c->ipcss + 4, 2) + i);
		put_be(f + c->tucss + 4, 4, get_be(whole + c->tucss + 4, 4) + off);
		if (off + n < paylen)
			f[c->tucss + 13] &= (uint8_t)~(SL_TCP_FIN_FLAG | SL_TCP_PSH_FLAG);
		sum = get_be(f + c->tucso, 2) + (len - c->tucss);
		put_be(f + c->tucso, 2, (sum & 0xffff) + (sum >> 16));
		d->len = len;
		dev_send(d);
	}
}

/* Consumes [TDH, TDT), writing DD back on RS descriptors. */
static void dev_transmit(struct tx_dev *d)
{
	struct e1000_tx_queue *txq = d->txq;
	uint32_t tdt = reg(E1000_TDT);

	while (d->tdh != tdt) {
		volatile struct e1000_tx_desc *desc = &txq->ring[d->tdh];
		uint32_t lower = desc->lower, len = lower & 0xffff;

		if ((lower & E1000_TXD_CMD_DEXT) && (lower & (0xfu << 20)) == E1000_TXD_DTYP_C) {
			d->ctx = *(volatile struct e1000_tx_ctx_desc *)desc;
			d->have_ctx = true;
			d->nb_ctx++;
			ck_assert_msg(d->len == 0, "context descriptor inside a packet");
		} else {
			ck_assert_msg(!(lower & E1000_TXD_CMD_DEXT) ||
					      (lower & (0xfu << 20)) == E1000_TXD_DTYP_D,
				      "extended descriptor of unknown DTYP 0x%x", lower);
			ck_assert_msg(lower & E1000_TXD_CMD_IFCS, "descriptor without IFCS");
			if (d->len == 0) {
				d->popts = (lower & E1000_TXD_CMD_DEXT) ? desc->upper & 0xff00u : 0;
				d->dext = !!(lower & E1000_TXD_CMD_DEXT);
				d->tse = d->dext && (lower & E1000_TXD_CMD_TSE);
			}
			ck_assert_uint_eq(!!(lower & E1000_TXD_CMD_DEXT), d->dext);
			ck_assert_uint_le(d->len + len, sizeof(d->frame));
			memcpy(d->frame + d->len, sl_test_dma_va(desc->buffer_addr, len), len);
			d->len += len;
			if ((lower & E1000_TXD_CMD_EOP) && d->tse)
				dev_send_tso(d);
			else if (lower & E1000_TXD_CMD_EOP)
				dev_send(d);
		}
		if (lower & E1000_TXD_CMD_RS)
			desc->upper |= E1000_TXD_STAT_DD;
		d->tdh = (d->tdh + 1) % txq->nb_desc;
		set_reg(E1000_TDH, d->tdh);
	}
}

static struct tx_dev *tx_dev_create(uint16_t nb_desc)
{
	struct tx_dev *d = calloc(1, sizeof(*d));

	ck_assert_ptr_nonnull(d);
	memset(bar, 0, BAR_SIZE);
	ck_assert_int_eq(e1000_tx_queue_create(&(struct e1000_txq_params){
						       .hw = bar,
						       .socket = SL_SOCKET_ID_ANY,
						       .nb_desc = nb_desc,
						       .rs_thresh = 8,
						       .free_thresh = 8,
						       .log_module = "E1000",
						       .enable_reg = E1000_TCTL,
						       .enable_bit = E1000_TCTL_EN,
						       .offloads = E1000_TX_OFFLOAD_CKSUM |
								   SL_ETH_TX_OFFLOAD_TCP_TSO,
					       },
					       &d->txq),
			 0);
	e1000_tx_queue_init(d->txq);
	return d;
}

static void tx_dev_destroy(struct tx_dev *d)
{
	e1000_tx_queue_destroy(d->txq);
	ck_assert_uint_eq(sl_mempool_in_use_count(pool), 0);
	free(d);
}

/* Prepares and sends m, lets the device send it, and checks the frame
 * against the software checksums and the verifiers of lib/net. */
static void send_checked(struct tx_dev *d, struct sl_mbuf *m)
{
	static uint8_t want[MAX_FRAME];
	uint32_t len = reference_frame(m, want);
	unsigned before = d->frames;

	ck_assert_uint_eq(e1000_prep_pkts(d->txq, &m, 1), 1);
	ck_assert_uint_eq(e1000_xmit_pkts(d->txq, &m, 1), 1);
	dev_transmit(d);
	ck_assert_uint_eq(d->frames, before + 1);
	ck_assert_uint_eq(d->out_len, len);
	ck_assert_msg(memcmp(d->out, want, len) == 0, "frame %u differs from the software checksums",
		      before);
}

/* The descriptor at idx as a context, and as a data descriptor. */
static struct e1000_tx_ctx_desc ring_ctx(const struct tx_dev *d, uint16_t idx)
{
	return *(volatile struct e1000_tx_ctx_desc *)&d->txq->ring[idx];
}

static void check_data_desc(const struct tx_dev *d, uint16_t idx, uint32_t popts)
{
	uint32_t lower = d->txq->ring[idx].lower;

	ck_assert_uint_eq(lower & (E1000_TXD_CMD_DEXT | (0xfu << 20)),
			  E1000_TXD_CMD_DEXT | E1000_TXD_DTYP_D);
	ck_assert_uint_eq(d->txq->ring[idx].upper & 0xff00u, popts);
}

/* The context fields of SDM 3.3.6 for each layout, as numbers: Ethernet
 * 14 bytes, IPv4 20 (checksum at 10), IPv6 40, UDP checksum at 6, TCP at
 * 16. */
static const struct {
	uint8_t ipcss, ipcso;
	uint16_t ipcse;
	uint8_t tucss, tucso;
	uint32_t tucmd;
	uint32_t popts;
} ctx_want[NB_LAYOUTS] = {
	[V4_UDP] = { 14, 24, 33, 34, 40, E1000_TXD_CMD_IP,
		     E1000_TXD_POPTS_IXSM | E1000_TXD_POPTS_TXSM },
	[V4_TCP] = { 14, 24, 33, 34, 50, E1000_TXD_CMD_IP | E1000_TXD_CMD_TCP,
		     E1000_TXD_POPTS_IXSM | E1000_TXD_POPTS_TXSM },
	[V6_TCP] = { 0, 0, 0, 54, 70, E1000_TXD_CMD_TCP, E1000_TXD_POPTS_TXSM },
	[V6_UDP] = { 0, 0, 0, 54, 60, 0, E1000_TXD_POPTS_TXSM },
};

START_TEST(tx_context_fields_per_layout)
{
	const enum layout l = (enum layout)_i;
	struct tx_dev *d = tx_dev_create(64);
	struct e1000_tx_ctx_desc c;

	send_checked(d, make_offload_pkt(l, 333, 1, 1));
	c = ring_ctx(d, 0);
	ck_assert_uint_eq(c.ipcss, ctx_want[l].ipcss);
	ck_assert_uint_eq(c.ipcso, ctx_want[l].ipcso);
	ck_assert_uint_eq(c.ipcse, ctx_want[l].ipcse);
	ck_assert_uint_eq(c.tucss, ctx_want[l].tucss);
	ck_assert_uint_eq(c.tucso, ctx_want[l].tucso);
	ck_assert_uint_eq(c.tucse, 0);
	/* DEXT, DTYP context, TUCMD; no PAYLEN, no RS (DD comes from the data) */
	ck_assert_uint_eq(c.cmd_and_length, E1000_TXD_CMD_DEXT | ctx_want[l].tucmd);
	ck_assert_uint_eq(c.hdr_len, 0);
	ck_assert_uint_eq(c.mss, 0);
	check_data_desc(d, 1, ctx_want[l].popts);
	ck_assert_uint_eq(d->txq->ring[1].lower & 0xffff, d->out_len);
	ck_assert_uint_eq(d->nb_ctx, 1);
	ck_assert_uint_eq(d->out_popts, ctx_want[l].popts);
	tx_dev_destroy(d);
}
END_TEST

START_TEST(tx_context_reused_while_layout_stays)
{
	struct tx_dev *d = tx_dev_create(64);
	struct sl_mbuf *m;

	/* three TCP/IPv4 packets of different lengths: one context */
	for (unsigned i = 0; i < 3; i++)
		send_checked(d, make_offload_pkt(V4_TCP, 100 + 500 * i, i, 1));
	ck_assert_uint_eq(d->nb_ctx, 1);
	ck_assert_uint_eq(d->txq->tail, 4);
	for (uint16_t i = 1; i < 4; i++)
		check_data_desc(d, i, ctx_want[V4_TCP].popts);
	/* a packet without offloads: a legacy descriptor, the context stays */
	m = sl_test_make_pkt(pool, 200, 9, 1);
	ck_assert_uint_eq(e1000_xmit_pkts(d->txq, &m, 1), 1);
	dev_transmit(d);
	ck_assert_uint_eq(d->txq->ring[4].lower & E1000_TXD_CMD_DEXT, 0);
	send_checked(d, make_offload_pkt(V4_TCP, 60, 10, 1));
	ck_assert_uint_eq(d->nb_ctx, 1);
	/* another layout: a new context, then back: another one */
	send_checked(d, make_offload_pkt(V4_UDP, 60, 11, 1));
	ck_assert_uint_eq(d->nb_ctx, 2);
	ck_assert_uint_eq(ring_ctx(d, 6).tucso, ctx_want[V4_UDP].tucso);
	send_checked(d, make_offload_pkt(V4_TCP, 60, 12, 1));
	ck_assert_uint_eq(d->nb_ctx, 3);
	/* the same request bits, another l3_len (IPv4 options): new context */
	m = make_offload_pkt(V4_TCP, 60, 13, 1);
	m->l3_len = 24;
	ck_assert_uint_eq(e1000_xmit_pkts(d->txq, &m, 1), 1);
	dev_transmit(d);
	ck_assert_uint_eq(d->nb_ctx, 4);
	ck_assert_uint_eq(d->ctx.ipcse, 14 + 24 - 1);
	tx_dev_destroy(d);
}
END_TEST

START_TEST(tx_context_written_again_after_ring_reset)
{
	struct tx_dev *d = tx_dev_create(64);

	send_checked(d, make_offload_pkt(V6_TCP, 100, 1, 1));
	ck_assert_uint_eq(e1000_tx_queue_drain(d->txq), 1);
	d->tdh = 0;
	set_reg(E1000_TDT, 0);
	/* the driver no longer knows what the device holds: it says again */
	send_checked(d, make_offload_pkt(V6_TCP, 100, 2, 1));
	ck_assert_uint_eq(d->nb_ctx, 2);
	tx_dev_destroy(d);
}
END_TEST

START_TEST(tx_offload_chains_and_mixed_traffic)
{
	struct tx_dev *d = tx_dev_create(64);
	unsigned with_ctx = 0;
	uint64_t last_key = 0;

	/* random layouts, lengths and chains, one in eight without offloads:
	 * every frame exactly as software makes it */
	for (unsigned i = 0; i < 2000; i++) {
		enum layout l = (enum layout)(rand() % NB_LAYOUTS);
		unsigned segs = 1 + (unsigned)rand() % 4;
		uint32_t payload = (uint32_t)rand() % 1400;
		struct sl_mbuf *m = make_offload_pkt(l, payload, i, segs);
		uint64_t key = l + 1;

		if (rand() % 8 == 0) {
			m->ol_flags = 0;
			key = last_key;
		}
		with_ctx += key != last_key;
		last_key = key;
		send_checked(d, m);
	}
	ck_assert_uint_eq(d->nb_ctx, with_ctx);
	ck_assert_uint_eq(sl_eth_qcnt_read(&d->txq->cnt, SL_QCNT_PKTS), 2000);
	ck_assert_uint_eq(sl_eth_qcnt_read(&d->txq->cnt, SL_QCNT_ERRORS), 0);
	tx_dev_destroy(d);
}
END_TEST

/* What segment i of the TSO packet whole (pkt_len bytes, Ethernet, IPv4
 * and TCP without options, as the application made it) must be: the
 * headers with the segment's lengths, id and sequence number, the
 * checksums done in software. */
static uint32_t tso_reference(const uint8_t *whole, uint32_t pkt_len, uint32_t mss, uint32_t i,
			      uint8_t *out)
{
	const uint32_t ip = SL_ETHER_HDR_LEN, tcp = ip + SL_IPV4_HDR_LEN;
	const uint32_t hdr = tcp + SL_TCP_MIN_HDR_LEN, off = i * mss, paylen = pkt_len - hdr;
	const uint32_t n = SL_MIN(mss, paylen - off), len = hdr + n;
	struct sl_mbuf *c = sl_pktmbuf_alloc(pool);
	uint8_t *f;

	ck_assert_ptr_nonnull(c);
	f = (uint8_t *)sl_pktmbuf_append(c, (uint16_t)len);
	memcpy(f, whole, hdr);
	memcpy(f + hdr, whole + hdr + off, n);
	put_be(f + ip + 2, 2, len - ip);
	put_be(f + ip + 4, 2, get_be(whole + ip + 4, 2) + i);
	put_be(f + tcp + 4, 4, get_be(whole + tcp + 4, 4) + off);
	if (off + n < paylen)
		f[tcp + 13] &= (uint8_t)~(SL_TCP_FIN_FLAG | SL_TCP_PSH_FLAG);
	c->ol_flags = SL_MBUF_F_TX_IPV4 | SL_MBUF_F_TX_IP_CKSUM | SL_MBUF_F_TX_TCP_CKSUM;
	c->l2_len = ip;
	c->l3_len = SL_IPV4_HDR_LEN;
	ck_assert_int_eq(sl_net_sw_cksum(c), 0);
	memcpy(out, f, len);
	sl_pktmbuf_free(c);
	return len;
}

START_TEST(tx_tso_segments_as_the_sdm_says)
{
	static uint8_t want[MAX_FRAME], orig[MAX_FRAME];
	struct tx_dev *d = tx_dev_create(64);
	struct sl_mbuf *m = make_offload_pkt(V4_TCP, 4500, 7, 4);
	const uint32_t pkt_len = m->pkt_len;
	struct e1000_tx_ctx_desc c;
	uint8_t *f = sl_pktmbuf_mtod(m, uint8_t *);

	/* FIN and PSH: kept on the last segment only; the IP id moves on */
	f[14 + 20 + 13] = SL_TCP_ACK_FLAG | SL_TCP_PSH_FLAG | SL_TCP_FIN_FLAG;
	put_be(f + 14 + 4, 2, 0xfffe);
	put_be(f + 14 + 20 + 4, 4, 0xfffffc00u);
	m->ol_flags = SL_MBUF_F_TX_IPV4 | SL_MBUF_F_TX_IP_CKSUM | SL_MBUF_F_TX_TCP_SEG;
	m->l4_len = 20;
	m->tso_segsz = 1000;
	/* the reference from the frame as the application left it */
	memcpy(orig, sl_pktmbuf_read(m, 0, pkt_len, orig), pkt_len);
	/* a checksum packet first: its context is not TSO's */
	send_checked(d, make_offload_pkt(V4_TCP, 100, 6, 1));
	d->nb_kept = 0;
	ck_assert_uint_eq(e1000_prep_pkts(d->txq, &m, 1), 1);
	ck_assert_uint_eq(e1000_xmit_pkts(d->txq, &m, 1), 1);
	c = ring_ctx(d, 2);
	ck_assert_uint_eq(c.hdr_len, 54);
	ck_assert_uint_eq(c.mss, 1000);
	ck_assert_uint_eq(c.cmd_and_length, E1000_TXD_CMD_DEXT | E1000_TXD_CMD_TSE |
						    E1000_TXD_CMD_IP | E1000_TXD_CMD_TCP | 4500);
	ck_assert_uint_eq(c.tucso, 50);
	ck_assert_uint_eq(d->txq->ring[3].lower & E1000_TXD_CMD_TSE, E1000_TXD_CMD_TSE);
	check_data_desc(d, 3, E1000_TXD_POPTS_IXSM | E1000_TXD_POPTS_TXSM);
	dev_transmit(d);
	ck_assert_uint_eq(d->nb_kept, 5);
	for (uint32_t i = 0; i < 5; i++) {
		uint32_t len = tso_reference(orig, pkt_len, 1000, i, want);

		ck_assert_uint_eq(d->kept_len[i], len);
		ck_assert_msg(memcmp(d->kept[i], want, len) == 0, "TSO segment %u differs", i);
	}
	/* the device's one context is TSO's now: the first layout again
	 * writes its own */
	send_checked(d, make_offload_pkt(V4_TCP, 100, 8, 1));
	ck_assert_uint_eq(d->nb_ctx, 3);
	tx_dev_destroy(d);
}
END_TEST

START_TEST(tx_prepare_refuses_what_the_device_cannot)
{
	struct tx_dev *d = tx_dev_create(64);
	struct sl_mbuf *pkts[3];

	/* TSO over IPv6 is not offered; over IPv4 not beyond half the ring */
	pkts[0] = make_offload_pkt(V6_TCP, 100, 1, 1);
	pkts[0]->ol_flags = SL_MBUF_F_TX_IPV6 | SL_MBUF_F_TX_TCP_SEG;
	pkts[0]->l4_len = 20;
	pkts[0]->tso_segsz = 50;
	errno = 0;
	ck_assert_uint_eq(e1000_prep_pkts(d->txq, pkts, 1), 0);
	ck_assert_int_eq(errno, ENOTSUP);
	sl_pktmbuf_free(pkts[0]);
	pkts[0] = make_offload_pkt(V4_TCP, 4000, 1, 32);
	pkts[0]->ol_flags = SL_MBUF_F_TX_IPV4 | SL_MBUF_F_TX_TCP_SEG;
	pkts[0]->l4_len = 20;
	pkts[0]->tso_segsz = 50;
	ck_assert_uint_eq(e1000_prep_pkts(d->txq, pkts, 1), 0);
	ck_assert_int_eq(errno, EINVAL);
	/* a queue not configured for TSO (the 82574 has none): refused,
	 * and dropped when sent anyway */
	d->txq->ol_allowed &= ~SL_MBUF_F_TX_TCP_SEG;
	pkts[0]->ol_flags = SL_MBUF_F_TX_IPV4 | SL_MBUF_F_TX_TCP_SEG;
	ck_assert_uint_eq(e1000_prep_pkts(d->txq, pkts, 1), 0);
	ck_assert_int_eq(errno, ENOTSUP);
	ck_assert_uint_eq(e1000_xmit_pkts(d->txq, pkts, 1), 1);
	ck_assert_uint_eq(sl_eth_qcnt_read(&d->txq->cnt, SL_QCNT_ERRORS), 1);
	d->txq->ol_allowed |= SL_MBUF_F_TX_TCP_SEG;
	/* a good one, then an L4 checksum field beyond byte 255 (IPv6 with
	 * 200 bytes of extension headers): the burst stops there */
	pkts[0] = make_offload_pkt(V4_UDP, 100, 2, 1);
	pkts[1] = make_offload_pkt(V6_TCP, 400, 3, 1);
	pkts[1]->l3_len = 240;
	pkts[2] = make_offload_pkt(V4_UDP, 100, 4, 1);
	errno = 0;
	ck_assert_uint_eq(e1000_prep_pkts(d->txq, pkts, 3), 1);
	ck_assert_int_eq(errno, EINVAL);
	/* an IP checksum asked for IPv6 (lib/net's check) */
	pkts[2]->ol_flags = SL_MBUF_F_TX_IPV6 | SL_MBUF_F_TX_IP_CKSUM;
	ck_assert_uint_eq(e1000_prep_pkts(d->txq, &pkts[2], 1), 0);
	ck_assert_int_eq(errno, EINVAL);
	/* sent without prepare: the one the context cannot describe is
	 * dropped and counted, the others go */
	pkts[2]->ol_flags = 0;
	ck_assert_uint_eq(e1000_xmit_pkts(d->txq, pkts, 3), 3);
	dev_transmit(d);
	ck_assert_uint_eq(d->frames, 2);
	ck_assert_uint_eq(sl_eth_qcnt_read(&d->txq->cnt, SL_QCNT_ERRORS), 2);
	tx_dev_destroy(d);
}
END_TEST

/* ---- the device: receive (legacy descriptors) ------------------------------------ */

/* One frame into the next descriptor with this status and these errors
 * (DD and EOP added), then the burst: the ol_flags it got. */
static uint64_t rx_flags(struct e1000_rx_queue *rxq, uint8_t status, uint8_t errors)
{
	static uint8_t frame[128];
	uint32_t rdh = reg(E1000_RDH);
	volatile struct e1000_rx_desc *desc = &rxq->ring[rdh];
	struct sl_mbuf *m;
	uint64_t flags;

	sl_test_fill_pattern(frame, sizeof(frame), rdh);
	memcpy(sl_test_dma_va(desc->buffer_addr, sizeof(frame)), frame, sizeof(frame));
	desc->length = sizeof(frame);
	desc->errors = errors;
	sl_compiler_barrier();
	desc->status = (uint8_t)(E1000_RXD_STAT_DD | E1000_RXD_STAT_EOP | status);
	set_reg(E1000_RDH, (rdh + 1) % rxq->nb_desc);
	ck_assert_uint_eq(e1000_recv_pkts(rxq, &m, 1), 1);
	/* a checksum error flags the frame, it does not drop it */
	sl_test_check_pkt(m, sizeof(frame), rdh);
	flags = m->ol_flags;
	sl_pktmbuf_free(m);
	return flags;
}

START_TEST(rx_legacy_checksum_status_into_ol_flags)
{
	static const struct {
		uint8_t status, errors;
		uint64_t flags;
	} cases[] = {
		{ E1000_RXD_STAT_IPCS | E1000_RXD_STAT_TCPCS, 0,
		  SL_MBUF_F_RX_IP_CKSUM_GOOD | SL_MBUF_F_RX_L4_CKSUM_GOOD },
		{ E1000_RXD_STAT_IPCS | E1000_RXD_STAT_TCPCS, E1000_RXD_ERR_IPE,
		  SL_MBUF_F_RX_IP_CKSUM_BAD | SL_MBUF_F_RX_L4_CKSUM_GOOD },
		{ E1000_RXD_STAT_IPCS | E1000_RXD_STAT_TCPCS, E1000_RXD_ERR_TCPE,
		  SL_MBUF_F_RX_IP_CKSUM_GOOD | SL_MBUF_F_RX_L4_CKSUM_BAD },
		{ E1000_RXD_STAT_IPCS | E1000_RXD_STAT_TCPCS, E1000_RXD_ERR_IPE | E1000_RXD_ERR_TCPE,
		  SL_MBUF_F_RX_IP_CKSUM_BAD | SL_MBUF_F_RX_L4_CKSUM_BAD },
		/* IPv6: no IP checksum to check */
		{ E1000_RXD_STAT_TCPCS, 0, SL_MBUF_F_RX_L4_CKSUM_GOOD },
		/* not IP, or not checked */
		{ 0, 0, 0 },
		/* IXSM: ignore the checksum bits (what QEMU's 8254x always says) */
		{ E1000_RXD_STAT_IXSM | E1000_RXD_STAT_IPCS | E1000_RXD_STAT_TCPCS,
		  E1000_RXD_ERR_TCPE, 0 },
		{ E1000_RXD_STAT_IXSM, 0, 0 },
	};
	const uint64_t csum_flags = SL_MBUF_F_RX_IP_CKSUM_GOOD | SL_MBUF_F_RX_IP_CKSUM_BAD |
				    SL_MBUF_F_RX_L4_CKSUM_GOOD | SL_MBUF_F_RX_L4_CKSUM_BAD |
				    SL_MBUF_F_RX_L4_CKSUM_NONE;

	for (int on = 1; on >= 0; on--) {
		struct e1000_rx_queue *rxq = NULL;

		memset(bar, 0, BAR_SIZE);
		ck_assert_int_eq(e1000_rx_queue_create(&(struct e1000_rxq_params){
							       .hw = bar,
							       .mp = pool,
							       .socket = SL_SOCKET_ID_ANY,
							       .nb_desc = 32,
							       .free_thresh = 8,
							       .buf_len = 2048,
							       .log_module = "E1000",
							       .max_pkt_len = E1000_MAX_FRAME_LEN,
							       .csum = on ? SL_ETH_RX_OFFLOAD_CHECKSUM : 0,
							       .own_rctl = 1,
						       },
						       &rxq),
				 0);
		ck_assert_int_eq(e1000_rx_queue_init(rxq), 0);
		set_reg(E1000_RDT, 31);
		for (unsigned i = 0; i < SL_DIM(cases); i++)
			ck_assert_msg((rx_flags(rxq, cases[i].status, cases[i].errors) & csum_flags) ==
					      (on ? cases[i].flags : 0),
				      "case %u with RX checksum %s", i, on ? "on" : "off");
		e1000_rx_queue_destroy(rxq);
	}
	ck_assert_uint_eq(sl_mempool_in_use_count(pool), 0);
}
END_TEST

static Suite *offload_suite(void)
{
	Suite *s = suite_create("e1000_offload");
	TCase *tc = tcase_create("tx");

	tcase_add_loop_test(tc, tx_context_fields_per_layout, 0, NB_LAYOUTS);
	tcase_add_test(tc, tx_context_reused_while_layout_stays);
	tcase_add_test(tc, tx_context_written_again_after_ring_reset);
	tcase_add_test(tc, tx_offload_chains_and_mixed_traffic);
	tcase_add_test(tc, tx_tso_segments_as_the_sdm_says);
	tcase_add_test(tc, tx_prepare_refuses_what_the_device_cannot);
	suite_add_tcase(s, tc);
	tc = tcase_create("rx");
	tcase_add_test(tc, rx_legacy_checksum_status_into_ol_flags);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	int failed;

	srand(42);
	sl_test_simdev_eal_up("test_e1000_offload", NULL);
	pool = sl_test_simdev_pool("e1000_offload", POOL_SIZE, SL_MBUF_DEFAULT_BUF_SIZE);
	bar = aligned_alloc(4096, BAR_SIZE);
	if (bar == NULL) {
		printf("FAIL: no memory for the simulated BAR\n");
		return EXIT_FAILURE;
	}
	failed = sl_test_run_suite(offload_suite());
	sl_mempool_free(pool);
	free(bar);
	sl_eal_cleanup();
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
