/* SPDX-License-Identifier: BSD-3-Clause
 * Helper of test_net_cksum.py: reads frames, one hex string a line, and
 * checks every checksum in them with lib/net: the IPv4 header checksum and
 * the UDP, TCP, ICMP or ICMPv6 checksum, each recomputed with its field
 * zeroed and compared with the one in the frame (the kernel's). Prints one
 * "MISMATCH" line per wrong checksum, then "COUNT <class> <n>" per class of
 * frame checked; exits 1 on any mismatch or unreadable input. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sl_net.h"

enum { C_IPV4_UDP, C_IPV4_TCP, C_IPV4_ICMP, C_IPV6_UDP, C_IPV6_TCP, C_IPV6_ICMP, C_OTHER, C_NB };
static const char *const class_names[C_NB] = {
	"ipv4-udp", "ipv4-tcp", "ipv4-icmp", "ipv6-udp", "ipv6-tcp", "ipv6-icmp", "other",
};

static int hex_decode(const char *s, uint8_t *out, size_t cap, size_t *len)
{
	size_t n = strcspn(s, "\r\n"), i;

	if (n % 2 || n / 2 > cap)
		return -1;
	for (i = 0; i < n / 2; i++) {
		unsigned int b;

		if (sscanf(s + 2 * i, "%2x", &b) != 1)
			return -1;
		out[i] = (uint8_t)b;
	}
	*len = n / 2;
	return 0;
}

/* Recomputes the 16-bit checksum at field with the field zeroed. */
static int check_field(unsigned long frame_no, const char *what, uint16_t *field,
		       uint16_t (*compute)(const void *ctx, const void *l4), const void *ctx,
		       const void *l4)
{
	uint16_t kernel = *field, ours;

	*field = 0;
	ours = compute(ctx, l4);
	*field = kernel;
	if (ours == kernel)
		return 0;
	printf("MISMATCH frame %lu %s: frame has %04x, lib/net computes %04x\n", frame_no, what,
	       sl_be16(kernel), sl_be16(ours));
	return 1;
}

static uint16_t v4_l4(const void *ip, const void *l4)
{
	return sl_ipv4_udptcp_cksum(ip, l4);
}

static uint16_t v4_icmp(const void *ip, const void *l4)
{
	return (uint16_t)~sl_raw_cksum(l4, sl_ipv4_l4_len(ip));
}

static uint16_t v6_l4(const void *ip, const void *l4)
{
	return sl_ipv6_udptcp_cksum(ip, l4);
}

/* Checks one frame; returns the number of mismatches, counts its class. */
static int check_frame(unsigned long no, uint8_t *data, size_t len, unsigned long *counts)
{
	struct sl_mbuf m;
	uint32_t pt, l4t;
	uint8_t *l3, *l4;
	int bad = 0;

	memset(&m, 0, sizeof(m));
	m.buf_addr = data;
	m.data_len = (uint16_t)len;
	m.pkt_len = (uint32_t)len;
	pt = sl_net_parse_ptype(&m);
	l3 = data + m.l2_len;
	l4 = l3 + m.l3_len;
	l4t = pt & SL_PTYPE_L4_MASK;
	if ((pt & SL_PTYPE_L3_MASK) == SL_PTYPE_L3_IPV4 || (pt & SL_PTYPE_L3_MASK) == SL_PTYPE_L3_IPV4_EXT) {
		struct sl_ipv4_hdr *ip = (struct sl_ipv4_hdr *)l3;

		if (sl_ipv4_cksum(ip) != ip->hdr_checksum) {
			printf("MISMATCH frame %lu ipv4 header\n", no);
			bad++;
		}
		if (l4t == SL_PTYPE_L4_UDP) {
			bad += check_field(no, "udp", &((struct sl_udp_hdr *)l4)->dgram_cksum, v4_l4, ip, l4);
			counts[C_IPV4_UDP]++;
		} else if (l4t == SL_PTYPE_L4_TCP) {
			bad += check_field(no, "tcp", &((struct sl_tcp_hdr *)l4)->cksum, v4_l4, ip, l4);
			counts[C_IPV4_TCP]++;
		} else if (l4t == SL_PTYPE_L4_ICMP) {
			bad += check_field(no, "icmp", &((struct sl_icmp_hdr *)l4)->icmp_cksum, v4_icmp, ip, l4);
			counts[C_IPV4_ICMP]++;
		} else {
			counts[C_OTHER]++;
		}
	} else if ((pt & SL_PTYPE_L3_MASK) == SL_PTYPE_L3_IPV6) {
		struct sl_ipv6_hdr *ip = (struct sl_ipv6_hdr *)l3;

		if (l4t == SL_PTYPE_L4_UDP) {
			bad += check_field(no, "udp6", &((struct sl_udp_hdr *)l4)->dgram_cksum, v6_l4, ip, l4);
			counts[C_IPV6_UDP]++;
		} else if (l4t == SL_PTYPE_L4_TCP) {
			bad += check_field(no, "tcp6", &((struct sl_tcp_hdr *)l4)->cksum, v6_l4, ip, l4);
			counts[C_IPV6_TCP]++;
		} else if (l4t == SL_PTYPE_L4_ICMP) {
			bad += check_field(no, "icmp6", &((struct sl_icmp_hdr *)l4)->icmp_cksum, v6_l4, ip, l4);
			counts[C_IPV6_ICMP]++;
		} else {
			counts[C_OTHER]++;
		}
	} else {
		counts[C_OTHER]++;
	}
	return bad;
}

int main(void)
{
	static uint8_t data[65536];
	unsigned long counts[C_NB] = { 0 }, no = 0;
	char *line = NULL;
	size_t cap = 0, len;
	int bad = 0, c;

	while (getline(&line, &cap, stdin) > 0) {
		if (hex_decode(line, data, sizeof(data), &len) != 0) {
			printf("ERROR line %lu is not a hex frame\n", no + 1);
			free(line);
			return 1;
		}
		bad += check_frame(++no, data, len, counts);
	}
	free(line);
	for (c = 0; c < C_NB; c++)
		printf("COUNT %s %lu\n", class_names[c], counts[c]);
	return bad ? 1 : 0;
}
