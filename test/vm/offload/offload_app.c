/* SPDX-License-Identifier: BSD-3-Clause
 * offload_app: the guest side of the checksum/TSO offload tests (vm-offload),
 * for any NIC driver. One port (port 0), one queue pair, one mode per run.
 *
 *   offload_app EAL-OPTIONS -- --mode tx|rx|tso [--count N] [--out FILE]
 *               [--ctl DIR] [--timeout S] [--mss N] [--pps N]
 *
 *   --count    tx: frames to send (default 10000); rx: IPv4/IPv6 UDP/TCP
 *              frames to receive (default 10000; others are counted as
 *              "other" and do not count); tso: TSO packets (default 1)
 *   --out      JSON results (default stdout), written when the run ends
 *   --ctl      directory of the control files (default .)
 *   --timeout  seconds to wait for "go" and, in rx, for the frames (60)
 *   --mss      tso: tso_segsz (default 1400: fits a 1500 MTU for IPv6 too)
 *   --pps      tx/tso: frames per second to send at most (default 5000)
 *
 * Protocol: once the port is up the app creates CTL/ready_MODE, then waits
 * for CTL/go_MODE (tx, tso) before sending; rx receives from the start
 * and ends after --count frames, when CTL/stop_rx appears, or at the
 * timeout. Exit status 0 when the run did what it was asked (every frame
 * sent / every receive check consistent), 1 otherwise, 2 for bad options.
 *
 * tx frame k (k = 0..count-1), kind k % 4: 0 IPv4/UDP, 1 IPv4/TCP,
 * 2 IPv6/UDP, 3 IPv6/TCP. Ethernet dst 02:00:00:00:00:02, src the port's
 * MAC. IPv4: 198.18.0.1 -> 198.18.0.2, version/IHL 0x45, TOS 0, id k & 0xffff,
 * DF (0x4000), TTL 64. IPv6: fd00::1 -> fd00::2, vtc_flow 0x60000000, hop
 * limit 64. L4 source port 1024 + k, destination port 9000 (UDP) or 9001
 * (TCP); TCP seq k * 1000, ack 0, data offset 5, flags PSH|ACK, window
 * 65535, urgent 0. Payload: 1 + (k * 37) % 1400 bytes, byte i =
 * (k * 7 + i) & 0xff. The checksum fields are garbage (0xbeef ^ k, and
 * 0xdead ^ k for the IPv4 header) unless filled in software: each
 * checksum the port advertises (dev_info tx_offload_capa) is requested in
 * ol_flags (l2_len/l3_len set) and readied by sl_eth_tx_prepare, the rest
 * is done by sl_net_sw_cksum before. The results say which were offloaded.
 *
 * tso packet j: IPv4/TCP for even j, IPv6/TCP for odd j, addresses and
 * MACs as above, ports 4000 + j -> 9002, seq 1000000 * (j + 1), flags
 * PSH|ACK, window 65535, 65495 payload bytes (the most one IPv4 packet
 * holds), byte i = (i * 7 + (i >> 8) + j) & 0xff; sent as a chain of
 * mbufs with SL_MBUF_F_TX_TCP_SEG, tso_segsz --mss, l4_len 20; the IPv4
 * header checksum requested too if the port has it, else filled here.
 *
 * rx: each frame is parsed (sl_net_get_ptype) and its checksums verified
 * in software; SL_MBUF_F_RX_* flags are counted per kind ("ipv4_udp",
 * "ipv4_tcp", "ipv6_udp", "ipv6_tcp", "other") and checked against the
 * software: L4 GOOD must verify, L4 BAD must not, L4 NONE (a partial
 * checksum, virtio) must hold the pseudo-header sum; IP GOOD/BAD alike.
 *
 * Results JSON: {"mode", "port": {driver, tx_offload_capa, rx_offload_capa
 * (hex strings)}, then tx/tso: "sent", "l4_offloaded", "ip_offloaded",
 * "prepare_failed", "tx_dropped"; rx: "received", "mismatches" and
 * "kinds": {KIND: {"frames", "l4_good", "l4_bad", "l4_none",
 * "l4_unknown", "ip_good", "ip_bad", "ip_unknown", "sw_l4_bad" (frames
 * not flagged NONE whose L4 checksum fails), "sw_ip_bad", "partial"
 * (frames whose L4 field holds the pseudo-header sum), "mismatches"}}},
 * then "ports": the counters (fwd_common.h).
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "fwd_common.h"
#include "sl_net.h"

#define PROG "offload_app"
#define BURST 32
#define NB_DESC 256
#define TSO_PAYLOAD 65495u
#define TX_PAYLOAD_MAX 1400u

static const char *mode = NULL, *out_path = NULL, *ctl_dir = ".";
static unsigned count = 0, timeout_s = 60, mss = 1400, pps = 5000;

static const struct sl_ether_addr dst_mac = { { 0x02, 0, 0, 0, 0, 0x02 } };
static const uint8_t ip6_src[16] = { 0xfd, [15] = 1 }, ip6_dst[16] = { 0xfd, [15] = 2 };

static char *ctl_path(const char *what)
{
	static char buf[4096];

	snprintf(buf, sizeof(buf), "%s/%s_%s", ctl_dir, what, mode);
	return buf;
}

/* ---- frames ---------------------------------------------------------------- */

struct frame_spec {
	int ipv6, tcp;
	uint16_t sport, dport, ip_id;
	uint32_t seq;
	uint32_t payload_len;
};

/* Ethernet, IP and L4 headers at p (checksums garbage); returns their
 * length. */
static unsigned put_headers(uint8_t *p, const struct sl_ether_addr *src,
			    const struct frame_spec *s, uint16_t garbage)
{
	struct sl_ether_hdr *eth = (struct sl_ether_hdr *)p;
	unsigned l3 = s->ipv6 ? SL_IPV6_HDR_LEN : SL_IPV4_HDR_LEN;
	unsigned l4 = s->tcp ? SL_TCP_MIN_HDR_LEN : SL_UDP_HDR_LEN;
	uint8_t *l4p = p + SL_ETHER_HDR_LEN + l3;

	eth->dst_addr = dst_mac;
	eth->src_addr = *src;
	eth->ether_type = sl_be16(s->ipv6 ? SL_ETHER_TYPE_IPV6 : SL_ETHER_TYPE_IPV4);
	if (s->ipv6) {
		struct sl_ipv6_hdr *ip = (struct sl_ipv6_hdr *)(eth + 1);

		ip->vtc_flow = sl_be32(0x60000000u);
		ip->payload_len = sl_be16((uint16_t)(l4 + s->payload_len));
		ip->proto = s->tcp ? SL_IPPROTO_TCP : SL_IPPROTO_UDP;
		ip->hop_limits = 64;
		memcpy(ip->src_addr, ip6_src, 16);
		memcpy(ip->dst_addr, ip6_dst, 16);
	} else {
		struct sl_ipv4_hdr *ip = (struct sl_ipv4_hdr *)(eth + 1);

		ip->version_ihl = 0x45;
		ip->type_of_service = 0;
		ip->total_length = sl_be16((uint16_t)(l3 + l4 + s->payload_len));
		ip->packet_id = sl_be16(s->ip_id);
		ip->fragment_offset = sl_be16(0x4000);
		ip->time_to_live = 64;
		ip->next_proto_id = s->tcp ? SL_IPPROTO_TCP : SL_IPPROTO_UDP;
		ip->hdr_checksum = (uint16_t)(0xdead ^ garbage);
		ip->src_addr = sl_be32(0xc6120001u);
		ip->dst_addr = sl_be32(0xc6120002u);
	}
	if (s->tcp) {
		struct sl_tcp_hdr *th = (struct sl_tcp_hdr *)l4p;

		th->src_port = sl_be16(s->sport);
		th->dst_port = sl_be16(s->dport);
		th->sent_seq = sl_be32(s->seq);
		th->recv_ack = 0;
		th->data_off = 5 << 4;
		th->tcp_flags = SL_TCP_PSH_FLAG | SL_TCP_ACK_FLAG;
		th->rx_win = sl_be16(65535);
		th->cksum = (uint16_t)(0xbeef ^ garbage);
		th->tcp_urp = 0;
	} else {
		struct sl_udp_hdr *uh = (struct sl_udp_hdr *)l4p;

		uh->src_port = sl_be16(s->sport);
		uh->dst_port = sl_be16(s->dport);
		uh->dgram_len = sl_be16((uint16_t)(l4 + s->payload_len));
		uh->dgram_cksum = (uint16_t)(0xbeef ^ garbage);
	}
	return SL_ETHER_HDR_LEN + l3 + l4;
}

static void set_tx_offload(struct sl_mbuf *m, const struct frame_spec *s)
{
	m->l2_len = SL_ETHER_HDR_LEN;
	m->l3_len = s->ipv6 ? SL_IPV6_HDR_LEN : SL_IPV4_HDR_LEN;
	m->l4_len = s->tcp ? SL_TCP_MIN_HDR_LEN : SL_UDP_HDR_LEN;
	m->ol_flags = s->ipv6 ? SL_MBUF_F_TX_IPV6 : SL_MBUF_F_TX_IPV4;
}

/* ---- tx ------------------------------------------------------------------ */

struct tx_counts {
	uint64_t sent, l4_offloaded, ip_offloaded, prepare_failed;
	struct fwd_counts fc;
};

/* Frame k of the tx mode: the checksums the port does requested in
 * ol_flags, the others filled in software. NULL if the pool is empty. */
static struct sl_mbuf *tx_frame(struct sl_mempool *mp, const struct sl_ether_addr *src,
				uint64_t capa, unsigned k, struct tx_counts *c)
{
	struct frame_spec s = {
		.ipv6 = (k % 4) >= 2, .tcp = k % 2, .sport = (uint16_t)(1024 + k),
		.ip_id = (uint16_t)k, .seq = k * 1000u, .payload_len = 1 + (k * 37) % TX_PAYLOAD_MAX,
	};
	struct sl_mbuf *m = sl_pktmbuf_alloc(mp);
	uint64_t l4_capa = s.tcp ? SL_ETH_TX_OFFLOAD_TCP_CKSUM : SL_ETH_TX_OFFLOAD_UDP_CKSUM;
	uint64_t want, hw;
	uint8_t *p;
	unsigned hl, i;

	if (m == NULL)
		return NULL;
	s.dport = s.tcp ? 9001 : 9000;
	p = (uint8_t *)sl_pktmbuf_append(m, (uint16_t)(SL_ETHER_HDR_LEN + SL_IPV6_HDR_LEN +
						       SL_TCP_MIN_HDR_LEN + s.payload_len));
	hl = put_headers(p, src, &s, (uint16_t)k);
	for (i = 0; i < s.payload_len; i++)
		p[hl + i] = (uint8_t)(k * 7 + i);
	sl_pktmbuf_trim(m, (uint16_t)(m->data_len - hl - s.payload_len));
	set_tx_offload(m, &s);
	want = (s.tcp ? SL_MBUF_F_TX_TCP_CKSUM : SL_MBUF_F_TX_UDP_CKSUM) |
	       (s.ipv6 ? 0 : SL_MBUF_F_TX_IP_CKSUM);
	hw = want & (((capa & l4_capa) ? SL_MBUF_F_TX_L4_MASK : 0) |
		     ((capa & SL_ETH_TX_OFFLOAD_IPV4_CKSUM) ? SL_MBUF_F_TX_IP_CKSUM : 0));
	/* what the port cannot do is done here, before tx_prepare */
	m->ol_flags |= want & ~hw;
	sl_net_sw_cksum(m);
	m->ol_flags |= hw;
	c->l4_offloaded += !!(m->ol_flags & SL_MBUF_F_TX_L4_MASK);
	c->ip_offloaded += !!(m->ol_flags & SL_MBUF_F_TX_IP_CKSUM);
	return m;
}

/* Sends n prepared frames, pacing to pps; what tx_prepare refuses is
 * freed and counted. */
static void tx_send(struct sl_mbuf **pkts, uint16_t n, struct tx_counts *c)
{
	uint16_t ok = sl_eth_tx_prepare(0, 0, pkts, n);

	if (ok < n) {
		fprintf(stderr, "%s: sl_eth_tx_prepare refused frame %u of a burst: %s\n", PROG, ok,
			strerror(errno));
		c->prepare_failed += n - ok;
		sl_pktmbuf_free_bulk(pkts + ok, n - ok);
	}
	/* a full ring: wait for the device rather than drop */
	for (uint16_t done = 0; done < ok;)
		done = (uint16_t)(done + sl_eth_tx_burst(0, 0, pkts + done, (uint16_t)(ok - done)));
	c->sent += ok;
	c->fc.tx += ok;
}

static void pace(uint64_t start, uint64_t sent)
{
	uint64_t due = start + sent * sl_tsc_hz() / pps;

	while (sl_tsc() < due)
		;
}

static int run_tx(struct sl_mempool *mp, uint64_t capa, struct tx_counts *c)
{
	struct sl_ether_addr src;
	struct sl_mbuf *pkts[BURST];
	uint64_t start = sl_tsc();
	unsigned k = 0;

	sl_eth_macaddr_get(0, &src);
	while (k < count) {
		uint16_t n = 0;

		while (n < BURST && k < count) {
			pkts[n] = tx_frame(mp, &src, capa, k, c);
			if (pkts[n] == NULL)
				break;
			n++;
			k++;
		}
		tx_send(pkts, n, c);
		pace(start, c->sent);
	}
	return c->sent == count && c->prepare_failed == 0 ? 0 : 1;
}

/* ---- tso ------------------------------------------------------------------ */

/* TSO packet j as a chain of mbufs, or NULL (pool empty). */
static struct sl_mbuf *tso_packet(struct sl_mempool *mp, const struct sl_ether_addr *src,
				  uint64_t capa, unsigned j)
{
	struct frame_spec s = {
		.ipv6 = j & 1, .tcp = 1, .sport = (uint16_t)(4000 + j), .dport = 9002,
		.ip_id = (uint16_t)(0x1000 + j), .seq = 1000000u * (j + 1), .payload_len = TSO_PAYLOAD,
	};
	struct sl_mbuf *head = sl_pktmbuf_alloc(mp), *last = head;
	uint32_t i = 0;
	uint8_t *p;

	if (head == NULL)
		return NULL;
	p = (uint8_t *)sl_pktmbuf_append(head, SL_ETHER_HDR_LEN + SL_IPV6_HDR_LEN +
						       SL_TCP_MIN_HDR_LEN);
	sl_pktmbuf_trim(head, (uint16_t)(head->data_len - put_headers(p, src, &s, 0)));
	while (i < TSO_PAYLOAD) {
		uint16_t room = sl_pktmbuf_tailroom(last), n;
		struct sl_mbuf *seg;

		if (room == 0) {
			seg = sl_pktmbuf_alloc(mp);
			if (seg == NULL) {
				sl_pktmbuf_free(head);
				return NULL;
			}
			last->next = seg;
			last = seg;
			head->nb_segs++;
			continue;
		}
		n = (uint16_t)SL_MIN(room, TSO_PAYLOAD - i);
		p = (uint8_t *)sl_pktmbuf_append(head, n);
		for (uint16_t b = 0; b < n; b++, i++)
			p[b] = (uint8_t)(i * 7 + (i >> 8) + j);
	}
	set_tx_offload(head, &s);
	head->ol_flags |= SL_MBUF_F_TX_TCP_SEG;
	head->tso_segsz = mss;
	/* The segmenter writes each segment's IPv4 header checksum, but the
	 * whole packet's must be right too where the port has no IPv4 checksum
	 * offload: a host that bridges virtio's GSO packets may check it
	 * first (br_netfilter drops a bad one). */
	if (!s.ipv6) {
		struct sl_ipv4_hdr *ip =
			sl_pktmbuf_mtod_offset(head, struct sl_ipv4_hdr *, SL_ETHER_HDR_LEN);

		ip->hdr_checksum = 0;
		if (capa & SL_ETH_TX_OFFLOAD_IPV4_CKSUM)
			head->ol_flags |= SL_MBUF_F_TX_IP_CKSUM;
		else
			ip->hdr_checksum = sl_ipv4_cksum(ip);
	}
	return head;
}

static int run_tso(struct sl_mempool *mp, uint64_t capa, struct tx_counts *c)
{
	struct sl_ether_addr src;
	uint64_t start = sl_tsc();

	if (!(capa & SL_ETH_TX_OFFLOAD_TCP_TSO)) {
		fprintf(stderr, "%s: port 0 has no TSO (tx_offload_capa 0x%" PRIx64 ")\n", PROG,
			capa);
		return 1;
	}
	sl_eth_macaddr_get(0, &src);
	for (unsigned j = 0; j < count; j++) {
		struct sl_mbuf *m = tso_packet(mp, &src, capa, j);

		if (m == NULL) {
			fprintf(stderr, "%s: mbuf pool too small for a TSO packet\n", PROG);
			return 1;
		}
		c->l4_offloaded++;
		tx_send(&m, 1, c);
		/* one TSO packet is TSO_PAYLOAD / mss frames on the wire */
		pace(start, c->sent * (TSO_PAYLOAD / mss + 1));
	}
	return c->sent == count && c->prepare_failed == 0 ? 0 : 1;
}

/* ---- rx ------------------------------------------------------------------ */

enum { K_IPV4_UDP, K_IPV4_TCP, K_IPV6_UDP, K_IPV6_TCP, K_OTHER, NB_KINDS };
static const char *const kind_names[NB_KINDS] = { "ipv4_udp", "ipv4_tcp", "ipv6_udp",
						  "ipv6_tcp", "other" };

struct rx_kind {
	uint64_t frames, l4_good, l4_bad, l4_none, l4_unknown, ip_good, ip_bad, ip_unknown;
	uint64_t sw_l4_bad, sw_ip_bad, partial, mismatches;
};

struct rx_counts {
	uint64_t received, mismatches;
	struct rx_kind kind[NB_KINDS];
};

/* What software says of m's checksums: *l4_ok, *ip_ok (IPv4), *partial
 * (the L4 field holds the pseudo-header sum). The kind, or K_OTHER. */
static int rx_verify(const struct sl_mbuf *m, int *l4_ok, int *ip_ok, int *partial)
{
	struct sl_net_hdr_lens lens;
	uint32_t pt = sl_net_get_ptype(m, &lens);
	uint32_t l3 = pt & SL_PTYPE_L3_MASK, l4 = pt & SL_PTYPE_L4_MASK;
	const void *l3h = sl_pktmbuf_mtod_offset(m, const char *, lens.l2_len);
	const uint8_t *l4h = (const uint8_t *)l3h + lens.l3_len;
	int v6 = l3 == SL_PTYPE_L3_IPV6, tcp = l4 == SL_PTYPE_L4_TCP;
	uint16_t field, phdr;

	if ((l3 != SL_PTYPE_L3_IPV4 && !v6) || (!tcp && l4 != SL_PTYPE_L4_UDP) ||
	    m->nb_segs != 1)
		return K_OTHER;
	memcpy(&field, l4h + (tcp ? SL_TCP_CKSUM_OFFSET : SL_UDP_CKSUM_OFFSET), 2);
	if (v6) {
		const struct sl_ipv6_hdr *ip = l3h;

		*ip_ok = 1;
		*l4_ok = sl_ipv6_udptcp_cksum_verify(ip, l4h) == 0;
		phdr = sl_ipv6_phdr_cksum(ip);
	} else {
		const struct sl_ipv4_hdr *ip = l3h;

		*ip_ok = sl_ipv4_cksum(ip) == ip->hdr_checksum;
		*l4_ok = sl_ipv4_udptcp_cksum_verify(ip, l4h) == 0;
		phdr = sl_ipv4_phdr_cksum(ip);
	}
	*partial = field == phdr;
	return v6 ? (tcp ? K_IPV6_TCP : K_IPV6_UDP) : (tcp ? K_IPV4_TCP : K_IPV4_UDP);
}

static void rx_count(const struct sl_mbuf *m, struct rx_counts *c)
{
	uint64_t f = m->ol_flags;
	int l4_ok = 0, ip_ok = 0, partial = 0, bad = 0;
	struct rx_kind *k = &c->kind[rx_verify(m, &l4_ok, &ip_ok, &partial)];
	int none = !!(f & SL_MBUF_F_RX_L4_CKSUM_NONE);

	c->received++;
	k->frames++;
	if (k == &c->kind[K_OTHER])
		return;
	k->l4_good += !!(f & SL_MBUF_F_RX_L4_CKSUM_GOOD);
	k->l4_bad += !!(f & SL_MBUF_F_RX_L4_CKSUM_BAD);
	k->l4_none += none;
	k->l4_unknown += !(f & (SL_MBUF_F_RX_L4_CKSUM_GOOD | SL_MBUF_F_RX_L4_CKSUM_BAD |
				SL_MBUF_F_RX_L4_CKSUM_NONE));
	k->ip_good += !!(f & SL_MBUF_F_RX_IP_CKSUM_GOOD);
	k->ip_bad += !!(f & SL_MBUF_F_RX_IP_CKSUM_BAD);
	k->ip_unknown += !(f & (SL_MBUF_F_RX_IP_CKSUM_GOOD | SL_MBUF_F_RX_IP_CKSUM_BAD));
	k->sw_l4_bad += !none && !l4_ok;
	k->sw_ip_bad += !ip_ok;
	k->partial += partial;
	bad |= (f & SL_MBUF_F_RX_L4_CKSUM_GOOD) && !l4_ok;
	bad |= (f & SL_MBUF_F_RX_L4_CKSUM_BAD) && l4_ok;
	bad |= none && !partial;
	bad |= (f & SL_MBUF_F_RX_IP_CKSUM_GOOD) && !ip_ok;
	bad |= (f & SL_MBUF_F_RX_IP_CKSUM_BAD) && ip_ok;
	k->mismatches += bad;
	c->mismatches += bad;
}

static int run_rx(struct rx_counts *c)
{
	struct sl_mbuf *pkts[BURST];
	struct fwd_clock clk;

	fwd_clock_start(&clk, 100, timeout_s);
	while (c->received - c->kind[K_OTHER].frames < count) {
		uint16_t n = sl_eth_rx_burst(0, 0, pkts, BURST);

		for (uint16_t i = 0; i < n; i++)
			rx_count(pkts[i], c);
		sl_pktmbuf_free_bulk(pkts, n);
		if (fwd_clock_tick(&clk) &&
		    (fwd_file_exists(ctl_path("stop")) || fwd_clock_expired(&clk)))
			break;
	}
	return c->mismatches == 0 ? 0 : 1;
}

/* ---- results ------------------------------------------------------------------ */

static void json_rx(FILE *f, const struct rx_counts *c)
{
	fprintf(f, "\"received\": %" PRIu64 ", \"mismatches\": %" PRIu64 ", \"kinds\": {",
		c->received, c->mismatches);
	for (int i = 0; i < NB_KINDS; i++) {
		const struct rx_kind *k = &c->kind[i];

		fprintf(f,
			"%s\"%s\": {\"frames\": %" PRIu64 ", \"l4_good\": %" PRIu64
			", \"l4_bad\": %" PRIu64 ", \"l4_none\": %" PRIu64 ", \"l4_unknown\": %" PRIu64
			", \"ip_good\": %" PRIu64 ", \"ip_bad\": %" PRIu64 ", \"ip_unknown\": %" PRIu64
			", \"sw_l4_bad\": %" PRIu64 ", \"sw_ip_bad\": %" PRIu64 ", \"partial\": %" PRIu64
			", \"mismatches\": %" PRIu64 "}",
			i ? ", " : "", kind_names[i], k->frames, k->l4_good, k->l4_bad, k->l4_none,
			k->l4_unknown, k->ip_good, k->ip_bad, k->ip_unknown, k->sw_l4_bad, k->sw_ip_bad,
			k->partial, k->mismatches);
	}
	fprintf(f, "}, ");
}

static void write_results(const struct sl_eth_dev_info *info, const struct tx_counts *tc,
			  const struct rx_counts *rc)
{
	FILE *f = fwd_json_open(PROG, out_path);

	if (f == NULL)
		return;
	fprintf(f,
		"{\"mode\": \"%s\", \"port\": {\"driver\": \"%s\", \"tx_offload_capa\": \"0x%" PRIx64
		"\", \"rx_offload_capa\": \"0x%" PRIx64 "\"}, ",
		mode, info->driver_name, info->tx_offload_capa, info->rx_offload_capa);
	if (rc != NULL)
		json_rx(f, rc);
	else
		fprintf(f,
			"\"sent\": %" PRIu64 ", \"l4_offloaded\": %" PRIu64 ", \"ip_offloaded\": %" PRIu64
			", \"prepare_failed\": %" PRIu64 ", \"tx_dropped\": %" PRIu64 ", ",
			tc->sent, tc->l4_offloaded, tc->ip_offloaded, tc->prepare_failed,
			tc->fc.tx_dropped);
	fwd_json_ports(f, 1);
	fprintf(f, "}\n");
	fwd_json_close(PROG, f, out_path);
}

/* ---- main -------------------------------------------------------------------------- */

/* The port's offloads for this mode: everything it has that the mode uses. */
static void port_conf(const struct sl_eth_dev_info *info, int rx, struct sl_eth_conf *conf)
{
	memset(conf, 0, sizeof(*conf));
	if (rx) {
		conf->rxmode.offloads = info->rx_offload_capa & SL_ETH_RX_OFFLOAD_CHECKSUM;
	} else {
		conf->txmode.offloads =
			info->tx_offload_capa &
			(SL_ETH_TX_OFFLOAD_IPV4_CKSUM | SL_ETH_TX_OFFLOAD_UDP_CKSUM |
			 SL_ETH_TX_OFFLOAD_TCP_CKSUM | SL_ETH_TX_OFFLOAD_TCP_TSO |
			 SL_ETH_TX_OFFLOAD_MULTI_SEGS);
	}
}

static int wait_go(void)
{
	struct fwd_clock clk;

	fwd_clock_start(&clk, 20, timeout_s);
	while (!fwd_file_exists(ctl_path("go"))) {
		if (fwd_clock_expired(&clk)) {
			fprintf(stderr, "%s: no %s within %u s\n", PROG, ctl_path("go"), timeout_s);
			return -1;
		}
		usleep(20000);
	}
	return 0;
}

static int run(struct sl_mempool *mp, const struct sl_eth_dev_info *info)
{
	static struct rx_counts rc;
	struct tx_counts tc = { 0 };
	int rx = strcmp(mode, "rx") == 0, ret;

	fwd_touch(ctl_path("ready"));
	if (rx) {
		ret = run_rx(&rc);
	} else if (wait_go() < 0) {
		ret = 1;
	} else {
		ret = strcmp(mode, "tx") == 0 ? run_tx(mp, info->tx_offload_capa, &tc)
					      : run_tso(mp, info->tx_offload_capa, &tc);
		/* the last chains leave before the port stops */
		usleep(500000);
	}
	write_results(info, &tc, rx ? &rc : NULL);
	printf("%s: mode %s done, status %d\n", PROG, mode, ret);
	return ret;
}

int main(int argc, char **argv)
{
	static const struct fwd_opt opts[] = {
		FWD_STRING("mode", &mode, "tx|rx|tso"),
		FWD_UINT("count", &count, "N", 1, 1000000),
		FWD_STRING("out", &out_path, "FILE"),
		FWD_STRING("ctl", &ctl_dir, "DIR"),
		FWD_UINT("timeout", &timeout_s, "S", 1, 3600),
		FWD_UINT("mss", &mss, "N", 64, 9000),
		FWD_UINT("pps", &pps, "N", 1, 10000000),
	};
	struct fwd_port_conf pc = { .nb_queues = 1, .nb_rxd = NB_DESC, .nb_txd = NB_DESC };
	struct sl_eth_dev_info info;
	struct sl_eth_conf conf;
	struct sl_mempool *mp;
	int ret = fwd_init(PROG, argc, argv, opts, SL_DIM(opts));

	if (ret != 0)
		return ret;
	if (mode == NULL || (strcmp(mode, "tx") && strcmp(mode, "rx") && strcmp(mode, "tso"))) {
		fprintf(stderr, "%s: --mode tx, rx or tso is needed\n", PROG);
		sl_eal_cleanup();
		return 2;
	}
	if (count == 0)
		count = strcmp(mode, "tso") == 0 ? 1 : 10000;
	mp = sl_pktmbuf_pool_create("offload_pool", 4095, 64, 0, SL_MBUF_DEFAULT_BUF_SIZE,
				    SL_SOCKET_ID_ANY);
	if (fwd_ports_available(PROG, 1, 1, false) == 0 || mp == NULL ||
	    sl_eth_dev_info_get(0, &info) < 0) {
		fprintf(stderr, "%s: needs exactly one port and an mbuf pool\n", PROG);
		sl_eal_cleanup();
		return 1;
	}
	port_conf(&info, strcmp(mode, "rx") == 0, &conf);
	pc.conf = &conf;
	ret = fwd_port_setup(PROG, 0, mp, &pc) < 0 ? 1 : run(mp, &info);
	fwd_ports_close(1);
	sl_mempool_free(mp);
	sl_eal_cleanup();
	return ret;
}
