/* SPDX-License-Identifier: BSD-3-Clause
 * sl-l3fwd's forwarding loop. Per RX burst: every frame is checked and
 * sorted (IPv4, IPv6, or dropped with its reason), the destinations of
 * each family are looked up together (sl_lpm_lookup_bulk, sl_lpm6 or
 * sl_hash_lookup_bulk_data, so the table misses of a burst overlap), the
 * TTL is decremented and the Ethernet header rewritten, and each frame
 * joins its TX port's buffer; the buffers go out before the next burst. */
#include <stdio.h>
#include <string.h>

#include "l3fwd.h"

#define PREFETCH_AHEAD 4

/* One RX burst on its way: the frames of each family, those to drop. */
struct burst {
	unsigned n4, n6, nb_drop;
	struct sl_mbuf *m4[MAX_PKT_BURST];
	struct sl_mbuf *m6[MAX_PKT_BURST];
	struct sl_mbuf *drop[MAX_PKT_BURST];
	uint64_t drops[NB_DROPS];
	uint32_t tx_ports;		/* ports with buffered frames */
};

static uint64_t chores_tsc;

static inline void drop(struct burst *b, struct sl_mbuf *m, enum drop_reason why)
{
	b->drop[b->nb_drop++] = m;
	b->drops[why]++;
}

/* DROP_* for a frame to drop, NB_DROPS for one to route. RFC 1812 5.2.2:
 * version 4, a header of 5 words or more inside the frame, a total length
 * that covers the header and fits the frame, a right checksum, and a TTL
 * that survives the decrement. */
static inline enum drop_reason ipv4_verdict(const struct sl_mbuf *m, const struct sl_ipv4_hdr *ip)
{
	uint32_t room = m->data_len - SL_ETHER_HDR_LEN;
	uint32_t hl = sl_ipv4_hdr_len(ip), tot = sl_be16(ip->total_length);
	uint16_t sum;

	if (sl_unlikely(ip->version_ihl >> 4 != 4 || hl < SL_IPV4_HDR_LEN || hl > room ||
			tot < hl || tot > m->pkt_len - SL_ETHER_HDR_LEN))
		return DROP_BAD_HEADER;
	/* a constant length unrolls the common case to five loads */
	sum = sl_likely(hl == SL_IPV4_HDR_LEN) ? sl_raw_cksum(ip, SL_IPV4_HDR_LEN)
					       : sl_raw_cksum(ip, hl);
	if (sl_unlikely(sum != 0xffff))
		return DROP_BAD_CKSUM;
	if (sl_unlikely(ip->time_to_live <= 1))
		return DROP_TTL;
	return NB_DROPS;
}

static inline enum drop_reason ipv6_verdict(const struct sl_mbuf *m, const struct sl_ipv6_hdr *ip)
{
	if (sl_unlikely(m->data_len < SL_ETHER_HDR_LEN + SL_IPV6_HDR_LEN ||
			*(const uint8_t *)ip >> 4 != 6 ||
			sl_be16(ip->payload_len) + (uint32_t)SL_IPV6_HDR_LEN > m->pkt_len - SL_ETHER_HDR_LEN))
		return DROP_BAD_HEADER;
	if (sl_unlikely(ip->hop_limits <= 1))
		return DROP_TTL;
	return NB_DROPS;
}

/* Sorts m into b by its EtherType and the checks above. */
static inline void classify(struct burst *b, struct sl_mbuf *m)
{
	const struct sl_ether_hdr *eth = sl_pktmbuf_mtod(m, const struct sl_ether_hdr *);
	enum drop_reason why = DROP_NOT_IP;

	if (sl_unlikely(m->data_len < SL_ETHER_HDR_LEN + SL_IPV4_HDR_LEN)) {
		/* too short for any IP header: bad if it claims to be IP */
		why = m->data_len >= SL_ETHER_HDR_LEN &&
			      (eth->ether_type == SL_BE16(SL_ETHER_TYPE_IPV4) ||
			       eth->ether_type == SL_BE16(SL_ETHER_TYPE_IPV6))
			      ? DROP_BAD_HEADER : DROP_NOT_IP;
	} else if (sl_likely(eth->ether_type == SL_BE16(SL_ETHER_TYPE_IPV4))) {
		why = ipv4_verdict(m, (const struct sl_ipv4_hdr *)(eth + 1));
		if (sl_likely(why == NB_DROPS)) {
			b->m4[b->n4++] = m;
			return;
		}
	} else if (eth->ether_type == SL_BE16(SL_ETHER_TYPE_IPV6)) {
		why = ipv6_verdict(m, (const struct sl_ipv6_hdr *)(eth + 1));
		if (sl_likely(why == NB_DROPS)) {
			b->m6[b->n6++] = m;
			return;
		}
	}
	drop(b, m, why);
}

/* RFC 1624: the checksum follows the TTL's 16-bit word (TTL, protocol).
 * The word is changed in a register and stored whole: a byte store to the
 * TTL read back as the word would miss store forwarding (perf annotate
 * showed a quarter of the loop's cycles on that load). TTL >= 2 here, so
 * the subtraction borrows nothing from the protocol byte. */
static inline void ipv4_ttl_dec(struct sl_ipv4_hdr *ip)
{
	uint16_t old, new_;

	memcpy(&old, &ip->time_to_live, 2);
	new_ = (uint16_t)(old - SL_BE16(0x0100));
	memcpy(&ip->time_to_live, &new_, 2);
	ip->hdr_checksum = sl_cksum_update16(ip->hdr_checksum, old, new_);
}

/* m, its TTL or hop limit already decremented, into port's TX buffer
 * with its new Ethernet addresses. */
static inline void enqueue(struct lcore_conf *lc, struct burst *b, struct sl_mbuf *m,
			   uint16_t port)
{
	struct tx_buffer *t = &lc->tx[port];

	memcpy(sl_pktmbuf_mtod(m, uint8_t *), port_hdr[port].bytes, sizeof(port_hdr[port].bytes));
	t->pkts[t->n++] = m;
	b->tx_ports |= 1u << port;
}

static inline struct sl_ipv4_hdr *ipv4_of(struct sl_mbuf *m)
{
	return (struct sl_ipv4_hdr *)(sl_pktmbuf_mtod(m, uint8_t *) + SL_ETHER_HDR_LEN);
}

static inline struct sl_ipv6_hdr *ipv6_of(struct sl_mbuf *m)
{
	return (struct sl_ipv6_hdr *)(sl_pktmbuf_mtod(m, uint8_t *) + SL_ETHER_HDR_LEN);
}

/* Sends or drops the IPv4 frames of b by hop[i]: a port, or >= SL_MAX_ETHPORTS. */
static inline void route4(struct lcore_conf *lc, struct burst *b, const uint32_t *hop)
{
	for (unsigned i = 0; i < b->n4; i++) {
		struct sl_mbuf *m = b->m4[i];

		if (sl_unlikely(hop[i] >= SL_MAX_ETHPORTS)) {
			drop(b, m, DROP_NO_ROUTE);
			continue;
		}
		ipv4_ttl_dec(ipv4_of(m));
		enqueue(lc, b, m, (uint16_t)hop[i]);
	}
}

static inline void route6(struct lcore_conf *lc, struct burst *b, const uint32_t *hop)
{
	for (unsigned i = 0; i < b->n6; i++) {
		struct sl_mbuf *m = b->m6[i];

		if (sl_unlikely(hop[i] >= SL_MAX_ETHPORTS)) {
			drop(b, m, DROP_NO_ROUTE);
			continue;
		}
		ipv6_of(m)->hop_limits--;
		enqueue(lc, b, m, (uint16_t)hop[i]);
	}
}

/* ---- the lookups: hop[i] the port of frame i, or ~0 ------------------------ */

static inline void lookup_lpm(const struct burst *b, uint32_t *hop4, uint32_t *hop6)
{
	uint32_t ip[MAX_PKT_BURST];
	uint8_t ip6[MAX_PKT_BURST][SL_IPV6_ADDR_SIZE];
	int32_t nh6[MAX_PKT_BURST];

	for (unsigned i = 0; i < b->n4; i++)
		ip[i] = sl_be32(ipv4_of(b->m4[i])->dst_addr);
	sl_lpm_lookup_bulk(routes.lpm4, ip, hop4, b->n4);
	for (unsigned i = 0; i < b->n4; i++)
		hop4[i] = (hop4[i] & SL_LPM_LOOKUP_SUCCESS) ? (hop4[i] & SL_LPM_NH_MASK) : UINT32_MAX;
	if (b->n6 == 0)
		return;
	for (unsigned i = 0; i < b->n6; i++)
		memcpy(ip6[i], ipv6_of(b->m6[i])->dst_addr, SL_IPV6_ADDR_SIZE);
	sl_lpm6_lookup_bulk(routes.lpm6, (const uint8_t(*)[SL_IPV6_ADDR_SIZE])ip6, nh6, b->n6);
	for (unsigned i = 0; i < b->n6; i++)
		hop6[i] = (uint32_t)nh6[i];	/* -1: UINT32_MAX */
}

/* TCP and UDP ports at l4 if the frame holds them (else they stay 0). */
static inline void em_l4_ports(const struct sl_mbuf *m, const uint8_t *l4, uint8_t proto,
			       uint16_t *src, uint16_t *dst)
{
	const uint8_t *end = sl_pktmbuf_mtod(m, const uint8_t *) + m->data_len;

	if ((proto == SL_IPPROTO_TCP || proto == SL_IPPROTO_UDP) && l4 + 4 <= end) {
		memcpy(src, l4, 2);
		memcpy(dst, l4 + 2, 2);
	}
}

static inline void em_hops(const struct sl_hash *h, const void **keys, unsigned n, uint32_t *hop)
{
	void *data[MAX_PKT_BURST];
	uint64_t hits = 0;

	if (n != 0)
		sl_hash_lookup_bulk_data(h, keys, n, &hits, data);
	for (unsigned i = 0; i < n; i++)
		hop[i] = (hits >> i & 1) ? (uint32_t)(uintptr_t)data[i] : UINT32_MAX;
}

static inline void lookup_em(const struct burst *b, uint32_t *hop4, uint32_t *hop6)
{
	struct em_key4 k4[MAX_PKT_BURST];
	struct em_key6 k6[MAX_PKT_BURST];
	const void *keys[MAX_PKT_BURST];

	for (unsigned i = 0; i < b->n4; i++) {
		const struct sl_ipv4_hdr *ip = ipv4_of(b->m4[i]);

		memset(&k4[i], 0, sizeof(k4[i]));
		k4[i].ip_src = ip->src_addr;
		k4[i].ip_dst = ip->dst_addr;
		k4[i].proto = ip->next_proto_id;
		/* a fragment after the first has no L4 header: ports 0 */
		if ((ip->fragment_offset & SL_BE16(SL_IPV4_HDR_OFFSET_MASK)) == 0)
			em_l4_ports(b->m4[i], (const uint8_t *)ip + sl_ipv4_hdr_len(ip), ip->next_proto_id,
				    &k4[i].port_src, &k4[i].port_dst);
		keys[i] = &k4[i];
	}
	em_hops(routes.em4, keys, b->n4, hop4);
	for (unsigned i = 0; i < b->n6; i++) {
		const struct sl_ipv6_hdr *ip = ipv6_of(b->m6[i]);

		memset(&k6[i], 0, sizeof(k6[i]));
		memcpy(k6[i].ip_src, ip->src_addr, SL_IPV6_ADDR_SIZE);
		memcpy(k6[i].ip_dst, ip->dst_addr, SL_IPV6_ADDR_SIZE);
		k6[i].proto = ip->proto;
		em_l4_ports(b->m6[i], (const uint8_t *)(ip + 1), ip->proto, &k6[i].port_src,
			    &k6[i].port_dst);
		keys[i] = &k6[i];
	}
	em_hops(routes.em6, keys, b->n6, hop6);
}

/* ---- one burst --------------------------------------------------------------- */

static inline void flush(struct lcore_conf *lc, struct lcore_stats *st, uint32_t ports)
{
	while (ports != 0) {
		uint16_t p = (uint16_t)__builtin_ctz(ports);
		struct tx_buffer *t = &lc->tx[p];
		uint16_t sent = sl_eth_tx_burst(p, lc->tx_queue, t->pkts, t->n);

		ports &= ports - 1;
		sl_counter_add(&st->port[p].tx, sent);
		if (sl_unlikely(sent < t->n)) {
			/* the TX ring is full: drop rather than stall RX */
			sl_pktmbuf_free_bulk(&t->pkts[sent], t->n - sent);
			sl_counter_add(&st->port[p].drop[DROP_TX_FULL], t->n - sent);
		}
		t->n = 0;
	}
}

static inline void route_burst(struct lcore_conf *lc, struct lcore_stats *st, uint16_t rx_port,
			       struct sl_mbuf **pkts, uint16_t n)
{
	struct burst b;
	uint32_t hop4[MAX_PKT_BURST], hop6[MAX_PKT_BURST];
	struct port_counters *pc = &st->port[rx_port];

	b.n4 = b.n6 = b.nb_drop = 0;
	b.tx_ports = 0;
	memset(b.drops, 0, sizeof(b.drops));
	for (unsigned i = 0; i < n && i < PREFETCH_AHEAD; i++)
		sl_prefetch_w(sl_pktmbuf_mtod(pkts[i], void *));
	for (unsigned i = 0; i < n; i++) {
		if (i + PREFETCH_AHEAD < n)
			sl_prefetch_w(sl_pktmbuf_mtod(pkts[i + PREFETCH_AHEAD], void *));
		classify(&b, pkts[i]);
	}
	if (opts.mode == LOOKUP_LPM)
		lookup_lpm(&b, hop4, hop6);
	else
		lookup_em(&b, hop4, hop6);
	route4(lc, &b, hop4);
	route6(lc, &b, hop6);
	flush(lc, st, b.tx_ports);
	sl_counter_add(&pc->rx, n);
	if (b.nb_drop != 0) {
		sl_pktmbuf_free_bulk(b.drop, b.nb_drop);
		for (unsigned r = 0; r < NB_DROPS; r++)
			if (b.drops[r] != 0)
				sl_counter_add(&pc->drop[r], b.drops[r]);
	}
}

/* An empty burst on this lcore's TX queue of every port: a driver that
 * left frames waiting (net_af_packet when the kernel refused its kick)
 * sends them now, though no more traffic comes for that port. */
static void tx_nudge(struct lcore_conf *lc)
{
	for (uint32_t ports = opts.portmask; ports != 0; ports &= ports - 1) {
		uint16_t p = (uint16_t)__builtin_ctz(ports);

		sl_eth_tx_burst(p, lc->tx_queue, lc->tx[p].pkts, 0);
	}
}

static void fwd_loop(struct lcore_conf *lc, struct lcore_stats *st, bool is_main)
{
	struct sl_mbuf *pkts[MAX_PKT_BURST];
	uint64_t prev = sl_tsc();

	while (!app_quit_requested()) {
		uint64_t now = sl_tsc();

		if (sl_unlikely(now - prev > chores_tsc)) {
			tx_nudge(lc);
			if (is_main)
				l3fwd_control_tick(now);
			prev = now;
		}
		for (unsigned i = 0; i < lc->nb_rxq; i++) {
			uint16_t port = lc->rxq[i].port;
			uint16_t nb = sl_eth_rx_burst(port, lc->rxq[i].queue, pkts, MAX_PKT_BURST);

			if (nb != 0)
				route_burst(lc, st, port, pkts, nb);
		}
	}
}

static int lcore_main(void *arg)
{
	unsigned lcore = sl_lcore_id();
	struct lcore_conf *lc = &lcore_conf[lcore];
	bool is_main = lcore == sl_get_main_lcore();

	(void)arg;
	if (lc->nb_rxq == 0) {
		if (is_main)
			app_control_loop(l3fwd_control_tick);
		return 0;
	}
	for (unsigned i = 0; i < lc->nb_rxq; i++)
		printf("lcore %u (CPU %d): RX port %u queue %u, TX queue %u on every port\n", lcore,
		       sl_lcore_to_cpu(lcore), lc->rxq[i].port, lc->rxq[i].queue, lc->tx_queue);
	fflush(stdout);
	fwd_loop(lc, &lcore_stats[lcore], is_main);
	return 0;
}

void l3fwd_forward(void)
{
	int ret;

	chores_tsc = (sl_tsc_hz() + 999999) / 1000000 * CHORES_US;
	if (app_quit_requested())
		return;
	ret = sl_eal_mp_remote_launch(lcore_main, NULL, 1);
	if (ret < 0) {
		SL_LOG(ERR, L3FWD, "cannot launch the lcores: %s", strerror(-ret));
		app_request_quit();
	}
	sl_eal_mp_wait_lcore();
}
