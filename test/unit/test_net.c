/* SPDX-License-Identifier: BSD-3-Clause
 * Unit tests for lib/net: the checksums against RFC 1071's example, known
 * headers and a byte-at-a-time reference; RFC 1624 incremental update
 * against recomputation; packet-type parsing of built frames. (The kernel
 * comparison on real frames is test/net/test_net_cksum.py.) */
#include <check.h>
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

static Suite *net_suite(void)
{
	Suite *s = suite_create("net");
	TCase *tc = tcase_create("cksum");
	TCase *tp = tcase_create("ptype");

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
