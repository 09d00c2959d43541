/* SPDX-License-Identifier: BSD-3-Clause
 * Unit tests for lib/net: the checksums against RFC 1071's example, known
 * headers and a byte-at-a-time reference; RFC 1624 incremental update
 * against recomputation; packet-type parsing of built frames; TX checksum
 * offload: prepare + what the NIC does equals the software checksums. (The kernel
 * comparison on real frames is test/net/test_net_cksum.py.) */
#include <check.h>
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sl_net.h"

/* The RFC 1071 sum the slow, obvious way: big-endian 16-bit words, carries
 * folded after every add. Returned in host order. */
static uint16_t ref_sum_be(const uint8_t *p, size_t len)
{
	uint32_t sum = 0;
	size_t i;

	for (i = 0; i < len; i += 2) {
		sum += (uint32_t)p[i] << 8 | (i + 1 < len ? p[i + 1] : 0);
		sum = (sum & 0xffff) + (sum >> 16);
	}
	return (uint16_t)sum;
}

/* A memory-order 16-bit value as the two bytes it is. */
static uint16_t mem_be(uint16_t v)
{
	uint8_t b[2];

	memcpy(b, &v, 2);
	return (uint16_t)(b[0] << 8 | b[1]);
}

START_TEST(rfc1071_example)
{
	/* RFC 1071 section 3: the bytes 00 01 f2 03 f4 f5 f6 f7 sum to ddf2
	 * (and in swapped order to f2dd, section 2 (B)). */
	static const uint8_t bytes[8] = { 0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5, 0xf6, 0xf7 };
	uint8_t odd[9];

	ck_assert_uint_eq(mem_be(sl_raw_cksum(bytes, sizeof(bytes))), 0xddf2);
	/* An odd byte is the high half of a word padded with zero. */
	memcpy(odd, bytes, 8);
	odd[8] = 0x01;
	ck_assert_uint_eq(mem_be(sl_raw_cksum(odd, 9)), 0xdef2);
	ck_assert_uint_eq(sl_raw_cksum(bytes, 0), 0);
}
END_TEST

START_TEST(ipv4_header_known)
{
	/* A header whose checksum is b861 (RFC 791 layout, worked example
	 * used in many texts): 192.168.0.1 -> 192.168.0.199, UDP, TTL 64. */
	static const uint8_t hdr[20] = { 0x45, 0x00, 0x00, 0x73, 0x00, 0x00, 0x40, 0x00,
					 0x40, 0x11, 0xb8, 0x61, 0xc0, 0xa8, 0x00, 0x01,
					 0xc0, 0xa8, 0x00, 0xc7 };
	struct sl_ipv4_hdr ip;

	memcpy(&ip, hdr, 20);
	ck_assert_uint_eq(mem_be(sl_ipv4_cksum(&ip)), 0xb861);
	ck_assert_uint_eq(sl_raw_cksum(&ip, 20), 0xffff);
	ip.hdr_checksum = 0x1234;	/* sl_ipv4_cksum ignores the field */
	ck_assert_uint_eq(mem_be(sl_ipv4_cksum(&ip)), 0xb861);
}
END_TEST

/* Every length 0..300 at every alignment 0..7 of random bytes. */
START_TEST(raw_matches_reference)
{
	uint8_t buf[320];
	size_t len, align, i;

	srandom(1071);
	for (i = 0; i < sizeof(buf); i++)
		buf[i] = (uint8_t)random();
	for (align = 0; align < 8; align++)
		for (len = 0; len <= 300; len++)
			ck_assert_msg(mem_be(sl_raw_cksum(buf + align, len)) ==
				      ref_sum_be(buf + align, len), "len %zu align %zu", len, align);
	/* All ones everywhere: many carries. */
	memset(buf, 0xff, sizeof(buf));
	ck_assert_uint_eq(sl_raw_cksum(buf, 300), 0xffff);
}
END_TEST

/* A UDP/IPv4 datagram built by hand: its checksum as the reference sums
 * the pseudo-header and the datagram. */
START_TEST(udp_ipv4_pseudo_header)
{
	uint8_t pkt[20 + 8 + 13];
	struct sl_ipv4_hdr *ip = (struct sl_ipv4_hdr *)pkt;
	struct sl_udp_hdr *udp = (struct sl_udp_hdr *)(pkt + 20);
	uint8_t pseudo[12 + 8 + 13];
	uint16_t want;
	size_t i;

	memset(pkt, 0, sizeof(pkt));
	ip->version_ihl = SL_IPV4_VHL_DEF;
	ip->total_length = sl_be16(sizeof(pkt));
	ip->time_to_live = 64;
	ip->next_proto_id = SL_IPPROTO_UDP;
	ip->src_addr = sl_be32(SL_IPV4(10, 0, 0, 1));
	ip->dst_addr = sl_be32(SL_IPV4(10, 0, 0, 2));
	udp->src_port = sl_be16(1234);
	udp->dst_port = sl_be16(5678);
	udp->dgram_len = sl_be16(8 + 13);
	for (i = 0; i < 13; i++)
		pkt[28 + i] = (uint8_t)(i * 37 + 1);
	memcpy(pseudo, pkt + 12, 8);
	pseudo[8] = 0;
	pseudo[9] = SL_IPPROTO_UDP;
	pseudo[10] = 0;
	pseudo[11] = 8 + 13;
	memcpy(pseudo + 12, pkt + 20, 8 + 13);
	want = (uint16_t)~ref_sum_be(pseudo, sizeof(pseudo));
	ck_assert_uint_eq(mem_be(sl_ipv4_udptcp_cksum(ip, udp)), want);
	udp->dgram_cksum = sl_ipv4_udptcp_cksum(ip, udp);
	ck_assert_int_eq(sl_ipv4_udptcp_cksum_verify(ip, udp), 0);
	pkt[30] ^= 1;
	ck_assert_int_eq(sl_ipv4_udptcp_cksum_verify(ip, udp), -1);
	ck_assert_uint_eq(mem_be(sl_ipv4_phdr_cksum(ip)), ref_sum_be(pseudo, 12));
}
END_TEST

START_TEST(tcp_ipv6_pseudo_header)
{
	uint8_t pkt[40 + 20 + 7];
	struct sl_ipv6_hdr *ip = (struct sl_ipv6_hdr *)pkt;
	struct sl_tcp_hdr *tcp = (struct sl_tcp_hdr *)(pkt + 40);
	uint8_t pseudo[40 + 27];
	size_t i;

	for (i = 0; i < sizeof(pkt); i++)
		pkt[i] = (uint8_t)(i * 91 + 7);
	ip->vtc_flow = sl_be32(6u << 28);
	ip->payload_len = sl_be16(27);
	ip->proto = SL_IPPROTO_TCP;
	tcp->data_off = 5 << 4;
	tcp->cksum = 0;
	memset(pseudo, 0, sizeof(pseudo));
	memcpy(pseudo, pkt + 8, 32);	/* source and destination */
	pseudo[35] = 27;
	pseudo[39] = SL_IPPROTO_TCP;
	memcpy(pseudo + 40, tcp, 27);
	ck_assert_uint_eq(mem_be(sl_ipv6_udptcp_cksum(ip, tcp)),
			  (uint16_t)~ref_sum_be(pseudo, sizeof(pseudo)));
	tcp->cksum = sl_ipv6_udptcp_cksum(ip, tcp);
	ck_assert_int_eq(sl_ipv6_udptcp_cksum_verify(ip, tcp), 0);
	pkt[50] ^= 0x80;
	ck_assert_int_eq(sl_ipv6_udptcp_cksum_verify(ip, tcp), -1);
	ck_assert_uint_eq(mem_be(sl_ipv6_phdr_cksum(ip)), ref_sum_be(pseudo, 40));
}
END_TEST

/* RFC 1624: after changing a 16- or 32-bit field, the incrementally
 * updated checksum equals the one computed afresh, for random headers and
 * for the cases that trip eqn. 2 (data summing to zero). */
START_TEST(incremental_update)
{
	struct sl_ipv4_hdr ip;
	uint16_t ck, old16;
	uint32_t old32;
	int i;

	srandom(1624);
	for (i = 0; i < 100000; i++) {
		uint8_t *b = (uint8_t *)&ip;
		size_t k;

		for (k = 0; k < sizeof(ip); k++)
			b[k] = (i & 1) ? (uint8_t)random() : 0;
		ip.version_ihl = SL_IPV4_VHL_DEF;
		ip.hdr_checksum = sl_ipv4_cksum(&ip);
		old16 = ip.packet_id;
		ip.packet_id = (uint16_t)random();
		ck = sl_cksum_update16(ip.hdr_checksum, old16, ip.packet_id);
		ck_assert_uint_eq(ck, sl_ipv4_cksum(&ip));
		ip.hdr_checksum = ck;
		old32 = ip.dst_addr;
		ip.dst_addr = (i & 2) ? (uint32_t)random() : 0;
		ck = sl_cksum_update32(ip.hdr_checksum, old32, ip.dst_addr);
		ck_assert_uint_eq(ck, sl_ipv4_cksum(&ip));
	}
}
END_TEST

/* ---- packet type ---------------------------------------------------------- */

static uint8_t frame[256];

static uint32_t ptype_of(size_t len, struct sl_net_hdr_lens *lens)
{
	struct sl_mbuf m;

	memset(&m, 0, sizeof(m));
	m.buf_addr = frame;
	m.data_len = (uint16_t)len;
	m.pkt_len = (uint32_t)len;
	m.nb_segs = 1;
	return sl_net_get_ptype(&m, lens);
}

/* Ethernet with ntags VLAN tags, then EtherType type; returns the L3 offset. */
static size_t put_l2(int ntags, uint16_t type)
{
	size_t off = 12;
	int t;

	memset(frame, 0, sizeof(frame));
	for (t = 0; t < ntags; t++) {
		frame[off] = t == 0 && ntags == 2 ? 0x88 : 0x81;
		frame[off + 1] = t == 0 && ntags == 2 ? 0xa8 : 0x00;
		off += 4;
	}
	frame[off] = (uint8_t)(type >> 8);
	frame[off + 1] = (uint8_t)type;
	return off + 2;
}

START_TEST(ptype_ipv4)
{
	struct sl_net_hdr_lens lens;
	size_t l3 = put_l2(1, SL_ETHER_TYPE_IPV4);

	frame[l3] = 0x46;	/* one option word */
	frame[l3 + 9] = SL_IPPROTO_TCP;
	frame[l3 + 24 + 12] = 8 << 4;	/* TCP with 12 bytes of options */
	ck_assert_uint_eq(ptype_of(l3 + 24 + 32, &lens),
			  SL_PTYPE_L2_ETHER_VLAN | SL_PTYPE_L3_IPV4_EXT | SL_PTYPE_L4_TCP);
	ck_assert_uint_eq(lens.l2_len, 18);
	ck_assert_uint_eq(lens.l3_len, 24);
	ck_assert_uint_eq(lens.l4_len, 32);
	/* TCP options cut off: L3 only. */
	ck_assert_uint_eq(ptype_of(l3 + 24 + 31, &lens),
			  SL_PTYPE_L2_ETHER_VLAN | SL_PTYPE_L3_IPV4_EXT);
	ck_assert_uint_eq(lens.l4_len, 0);
	/* A later fragment. */
	frame[l3] = 0x45;
	frame[l3 + 9] = SL_IPPROTO_UDP;
	frame[l3 + 7] = 0x10;
	ck_assert_uint_eq(ptype_of(l3 + 28, &lens),
			  SL_PTYPE_L2_ETHER_VLAN | SL_PTYPE_L3_IPV4 | SL_PTYPE_L4_FRAG);
	frame[l3 + 7] = 0;
	ck_assert_uint_eq(ptype_of(l3 + 28, &lens),
			  SL_PTYPE_L2_ETHER_VLAN | SL_PTYPE_L3_IPV4 | SL_PTYPE_L4_UDP);
	ck_assert_uint_eq(lens.l4_len, 8);
	/* Version 6 in an IPv4 EtherType: L2 only. */
	frame[l3] = 0x65;
	ck_assert_uint_eq(ptype_of(l3 + 28, &lens), SL_PTYPE_L2_ETHER_VLAN);
}
END_TEST

START_TEST(ptype_ipv6_ext)
{
	struct sl_net_hdr_lens lens;
	size_t l3 = put_l2(2, SL_ETHER_TYPE_IPV6);

	frame[l3] = 0x60;
	frame[l3 + 6] = SL_IPPROTO_HOPOPTS;
	frame[l3 + 40] = SL_IPPROTO_FRAGMENT;	/* hop-by-hop, 16 bytes */
	frame[l3 + 41] = 1;
	frame[l3 + 56] = SL_IPPROTO_ICMPV6;	/* fragment header, first piece */
	ck_assert_uint_eq(ptype_of(l3 + 64 + 8, &lens),
			  SL_PTYPE_L2_ETHER_QINQ | SL_PTYPE_L3_IPV6_EXT | SL_PTYPE_L4_ICMP);
	ck_assert_uint_eq(lens.l2_len, 22);
	ck_assert_uint_eq(lens.l3_len, 64);
	ck_assert_uint_eq(lens.l4_len, 8);
	frame[l3 + 58] = 0x01;	/* offset 32: not the first piece */
	ck_assert_uint_eq(ptype_of(l3 + 64 + 8, &lens),
			  SL_PTYPE_L2_ETHER_QINQ | SL_PTYPE_L3_IPV6_EXT | SL_PTYPE_L4_FRAG);
	/* Extension header cut off. */
	ck_assert_uint_eq(ptype_of(l3 + 50, &lens), SL_PTYPE_L2_ETHER_QINQ);
}
END_TEST

START_TEST(ptype_arp_and_short)
{
	struct sl_net_hdr_lens lens;
	struct sl_mbuf m;
	size_t l3 = put_l2(0, SL_ETHER_TYPE_ARP);

	ck_assert_uint_eq(ptype_of(l3 + 28, &lens), SL_PTYPE_L2_ETHER_ARP);
	ck_assert_uint_eq(lens.l2_len, 14);
	ck_assert_uint_eq(ptype_of(13, &lens), SL_PTYPE_UNKNOWN);
	/* sl_net_parse_ptype stores into the mbuf. */
	l3 = put_l2(0, SL_ETHER_TYPE_IPV4);
	frame[l3] = 0x45;
	frame[l3 + 9] = SL_IPPROTO_ICMP;
	memset(&m, 0, sizeof(m));
	m.buf_addr = frame;
	m.data_len = 60;
	ck_assert_uint_eq(sl_net_parse_ptype(&m),
			  SL_PTYPE_L2_ETHER | SL_PTYPE_L3_IPV4 | SL_PTYPE_L4_ICMP);
	ck_assert_uint_eq(m.packet_type, SL_PTYPE_L2_ETHER | SL_PTYPE_L3_IPV4 | SL_PTYPE_L4_ICMP);
	ck_assert_uint_eq(m.l2_len, 14);
	ck_assert_uint_eq(m.l3_len, 20);
	ck_assert_uint_eq(m.l4_len, 8);
}
END_TEST

/* ---- TX checksum offload (sl_net_offload.h) ------------------------------ */

/* One frame of each kind the offloads take: Ethernet, then IPv4 (with 4
 * bytes of Ethernet padding after it) or IPv6 with an 8-byte destination
 * options header, then UDP or TCP and 37 bytes of payload. */
static size_t offload_frame(uint8_t *f, struct sl_mbuf *m, int v6, int udp)
{
	size_t l3 = 14, l3_len = v6 ? 48 : 20, l4 = l3 + l3_len, l4_len = udp ? 8 : 20;
	size_t ip_end = l4 + l4_len + 37, i;

	memset(f, 0, 256);
	memset(m, 0, sizeof(*m));
	f[12] = v6 ? 0x86 : 0x08;
	f[13] = v6 ? 0xdd : 0x00;
	for (i = l4; i < ip_end; i++)
		f[i] = (uint8_t)(i * 29 + 7);
	if (v6) {
		f[l3] = 0x60;
		f[l3 + 4] = 0;
		f[l3 + 5] = (uint8_t)(ip_end - l3 - 40);
		f[l3 + 6] = SL_IPPROTO_DSTOPTS;
		f[l3 + 7] = 64;
		for (i = 8; i < 40; i++)
			f[l3 + i] = (uint8_t)(i * 11);
		f[l3 + 40] = udp ? SL_IPPROTO_UDP : SL_IPPROTO_TCP;
		memset(f + l3 + 41, 0, 7);
	} else {
		f[l3] = SL_IPV4_VHL_DEF;
		f[l3 + 3] = (uint8_t)(ip_end - l3);
		f[l3 + 8] = 64;
		f[l3 + 9] = udp ? SL_IPPROTO_UDP : SL_IPPROTO_TCP;
		f[l3 + 10] = 0x5a;	/* stale checksum bytes: must be replaced */
		for (i = 12; i < 20; i++)
			f[l3 + i] = (uint8_t)(i * 13);
	}
	if (udp) {
		f[l4 + 4] = 0;
		f[l4 + 5] = (uint8_t)(ip_end - l4);
	} else {
		f[l4 + 12] = 5 << 4;
	}
	m->buf_addr = f;
	m->data_len = (uint16_t)(ip_end + (v6 ? 0 : 4));
	m->pkt_len = m->data_len;
	m->nb_segs = 1;
	m->l2_len = 14;
	m->l3_len = l3_len;
	m->ol_flags = (v6 ? SL_MBUF_F_TX_IPV6 : SL_MBUF_F_TX_IPV4 | SL_MBUF_F_TX_IP_CKSUM) |
		      (udp ? SL_MBUF_F_TX_UDP_CKSUM : SL_MBUF_F_TX_TCP_CKSUM);
	return ip_end;
}

/* What the NIC does after prepare: the IPv4 header checksum, and the
 * complement of the sum from the L4 header to the end of the IP packet,
 * the field (holding the pseudo-header sum) included. */
static void nic_fill(uint8_t *f, const struct sl_mbuf *m, size_t ip_end)
{
	size_t l4 = m->l2_len + m->l3_len;
	uint16_t *field = (uint16_t *)(f + l4 + ((m->ol_flags & SL_MBUF_F_TX_UDP_CKSUM) ? 6 : 16));
	struct sl_ipv4_hdr *ip = (struct sl_ipv4_hdr *)(f + m->l2_len);

	if (m->ol_flags & SL_MBUF_F_TX_IP_CKSUM)
		ip->hdr_checksum = sl_ipv4_cksum(ip);
	*field = (uint16_t)~sl_cksum_fold(sl_cksum_add(f + l4, ip_end - l4, 0));
}

START_TEST(offload_prepare_matches_software)
{
	static uint8_t sw[256], hw[256];
	struct sl_mbuf ms, mh;
	size_t end;
	int v6 = _i >> 1, udp = _i & 1;
	uint16_t l4 = (uint16_t)(14 + (v6 ? 48 : 20));

	end = offload_frame(sw, &ms, v6, udp);
	offload_frame(hw, &mh, v6, udp);
	ck_assert_int_eq(sl_net_sw_cksum(&ms), 0);
	ck_assert_uint_eq(ms.ol_flags & SL_MBUF_F_TX_CKSUM_REQUEST, 0);
	ck_assert_int_eq(sl_net_tx_cksum_prepare(&mh), 0);
	nic_fill(hw, &mh, end);
	ck_assert_mem_eq(sw, hw, sizeof(sw));
	/* and the software result is the right checksum */
	if (v6) {
		/* the sum over pseudo-header and data, field included, is -0 */
		ck_assert_uint_eq(sl_cksum_fold(sl_cksum_add(sw + l4, end - l4,
				sl_ipv6_phdr_sum((struct sl_ipv6_hdr *)(sw + 14),
						 (uint32_t)(end - l4), udp ? 17 : 6))), 0xffff);
	} else {
		ck_assert_int_eq(sl_ipv4_udptcp_cksum_verify((struct sl_ipv4_hdr *)(sw + 14), sw + l4), 0);
		ck_assert_uint_eq(sl_ipv4_cksum((struct sl_ipv4_hdr *)(sw + 14)),
				  ((struct sl_ipv4_hdr *)(sw + 14))->hdr_checksum);
	}
}
END_TEST

START_TEST(offload_sw_chain_odd_segments)
{
	static uint8_t flat[256], chain[256];
	struct sl_mbuf mf, seg[3];
	uint16_t cut1 = 14 + 20 + 20 + 3, cut2 = cut1 + 13;	/* odd lengths */

	offload_frame(flat, &mf, 0, 0);
	offload_frame(chain, &seg[0], 0, 0);
	seg[1] = seg[0];
	seg[2] = seg[0];
	seg[0].data_len = cut1;
	seg[0].next = &seg[1];
	seg[0].nb_segs = 3;
	seg[1].data_off = cut1;
	seg[1].data_len = (uint16_t)(cut2 - cut1);
	seg[1].next = &seg[2];
	seg[2].data_off = cut2;
	seg[2].data_len = (uint16_t)(mf.pkt_len - cut2);
	seg[2].next = NULL;
	ck_assert_int_eq(sl_net_sw_cksum(&mf), 0);
	ck_assert_int_eq(sl_net_sw_cksum(&seg[0]), 0);
	ck_assert_mem_eq(flat, chain, sizeof(flat));
}
END_TEST

START_TEST(offload_bad_requests)
{
	static uint8_t f[256];
	struct sl_mbuf m, *burst[3];
	struct sl_mbuf good1, good2;
	uint16_t *field;

	offload_frame(f, &m, 0, 0);
	m.ol_flags &= ~SL_MBUF_F_TX_IPV4;
	ck_assert_int_eq(sl_net_tx_cksum_prepare(&m), -EINVAL);
	ck_assert_uint_eq(f[14 + 10], 0x5a);	/* untouched */
	m.ol_flags |= SL_MBUF_F_TX_IPV4 | SL_MBUF_F_TX_IPV6;
	ck_assert_int_eq(sl_net_tx_cksum_prepare(&m), -EINVAL);
	m.ol_flags = SL_MBUF_F_TX_IPV6 | SL_MBUF_F_TX_IP_CKSUM;
	ck_assert_int_eq(sl_net_tx_cksum_prepare(&m), -EINVAL);
	m.ol_flags = SL_MBUF_F_TX_IPV4 | SL_MBUF_F_TX_TCP_CKSUM | SL_MBUF_F_TX_UDP_CKSUM;
	ck_assert_int_eq(sl_net_sw_cksum(&m), -EINVAL);
	m.ol_flags = SL_MBUF_F_TX_IPV4 | SL_MBUF_F_TX_TCP_CKSUM;
	m.data_len = 14 + 20 + 19;	/* TCP header not whole in the segment */
	ck_assert_int_eq(sl_net_tx_cksum_prepare(&m), -EINVAL);
	m.data_len = (uint16_t)m.pkt_len;
	m.l3_len = 19;
	ck_assert_int_eq(sl_net_tx_cksum_prepare(&m), -EINVAL);
	m.l3_len = 20;
	m.ol_flags = SL_MBUF_F_TX_IPV4 | SL_MBUF_F_TX_TCP_SEG;
	m.l4_len = 20;
	ck_assert_int_eq(sl_net_tx_cksum_prepare(&m), -EINVAL);	/* no tso_segsz */
	m.tso_segsz = 8;
	ck_assert_int_eq(sl_net_sw_cksum(&m), -ENOTSUP);
	/* TSO: the pseudo-header without the length */
	ck_assert_int_eq(sl_net_tx_cksum_prepare(&m), 0);
	field = (uint16_t *)(f + 14 + 20 + 16);
	ck_assert_uint_eq(*field, sl_cksum_fold(sl_ipv4_phdr_sum((struct sl_ipv4_hdr *)(f + 14), 0)));
	/* a burst stops at the first bad request */
	offload_frame(f, &good1, 0, 1);
	good2 = good1;
	m.ol_flags = SL_MBUF_F_TX_UDP_CKSUM;
	burst[0] = &good1;
	burst[1] = &m;
	burst[2] = &good2;
	errno = 0;
	ck_assert_uint_eq(sl_net_tx_prepare_burst(burst, 3), 1);
	ck_assert_int_eq(errno, EINVAL);
}
END_TEST

static Suite *net_suite(void)
{
	Suite *s = suite_create("net");
	TCase *tc = tcase_create("cksum");
	TCase *tp = tcase_create("ptype");
	TCase *to = tcase_create("offload");

	tcase_add_test(tc, rfc1071_example);
	tcase_add_test(tc, ipv4_header_known);
	tcase_add_test(tc, raw_matches_reference);
	tcase_add_test(tc, udp_ipv4_pseudo_header);
	tcase_add_test(tc, tcp_ipv6_pseudo_header);
	tcase_add_test(tc, incremental_update);
	suite_add_tcase(s, tc);
	tcase_add_test(tp, ptype_ipv4);
	tcase_add_test(tp, ptype_ipv6_ext);
	tcase_add_test(tp, ptype_arp_and_short);
	suite_add_tcase(s, tp);
	/* _i: bit 1 IPv6, bit 0 UDP */
	tcase_add_loop_test(to, offload_prepare_matches_software, 0, 4);
	tcase_add_test(to, offload_sw_chain_odd_segments);
	tcase_add_test(to, offload_bad_requests);
	suite_add_tcase(s, to);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(net_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
