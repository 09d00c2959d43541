/* SPDX-License-Identifier: BSD-3-Clause
 * Internet checksums (RFC 1071): raw sums, the IPv4 header checksum, the
 * UDP/TCP checksum with the IPv4 or IPv6 pseudo-header, and incremental
 * update (RFC 1624). Included by sl_net.h.
 *
 * Byte order: one's complement addition commutes with swapping the bytes
 * of every word (RFC 1071 section 2 (B)), so sums are taken over the
 * 16-bit words as they lie in memory and come out in memory order: the
 * value to store in a checksum field as it is, and to compare with one
 * read from a frame as it is, on any CPU. Sums are accumulated in 64 bits
 * over 32-bit loads (2^16 = 1 modulo 0xffff, so a 32-bit word adds the same
 * as its two halves) and folded once at the end.
 */
#ifndef SL_NET_CKSUM_H
#define SL_NET_CKSUM_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "sl_net.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Adds len bytes at buf to the unfolded sum; an odd last byte counts as
 * the word it makes with a zero byte after it. Any alignment. len up to
 * 2^34 bytes cannot overflow a sum that starts below 2^63. */
static inline uint64_t sl_cksum_add(const void *buf, size_t len, uint64_t sum)
{
	const uint8_t *p = buf;
	uint32_t w[4];
	uint16_t h = 0;

	for (; len >= 16; len -= 16, p += 16) {
		memcpy(w, p, 16);
		sum += (uint64_t)w[0] + w[1] + w[2] + w[3];
	}
	for (; len >= 4; len -= 4, p += 4) {
		memcpy(w, p, 4);
		sum += w[0];
	}
	if (len >= 2) {
		memcpy(&h, p, 2);
		sum += h;
		p += 2;
		len -= 2;
	}
	if (len) {
		h = 0;
		memcpy(&h, p, 1);	/* the byte first in memory, zero after it */
		sum += h;
	}
	return sum;
}

/* An unfolded sum reduced to 16 bits (end-around carries added back). */
static inline uint16_t sl_cksum_fold(uint64_t sum)
{
	sum = (sum & 0xffffffffu) + (sum >> 32);
	sum = (sum & 0xffffffffu) + (sum >> 32);
	sum = (sum & 0xffff) + (sum >> 16);
	sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)sum;
}

/* The folded one's complement sum of len bytes (not complemented), as
 * DPDK's rte_raw_cksum: ~sl_raw_cksum() is the checksum of a block whose
 * checksum field is zero, and a block with a correct checksum field sums
 * to 0xffff. */
static inline uint16_t sl_raw_cksum(const void *buf, size_t len)
{
	return sl_cksum_fold(sl_cksum_add(buf, len, 0));
}

/* The IPv4 header checksum to store, options included; the header's own
 * hdr_checksum is skipped, so it need not be zeroed first. */
static inline uint16_t sl_ipv4_cksum(const struct sl_ipv4_hdr *ip)
{
	uint64_t sum = sl_cksum_add(ip, sl_ipv4_hdr_len(ip), 0);

	sum += (uint16_t)~ip->hdr_checksum;	/* cancels the field: x + ~x = -0 */
	return (uint16_t)~sl_cksum_fold(sum);
}

/* The unfolded sum of the IPv4 pseudo-header: addresses, protocol and the
 * L4 length. */
static inline uint64_t sl_ipv4_phdr_sum(const struct sl_ipv4_hdr *ip, uint32_t l4_len)
{
	uint32_t src, dst;

	memcpy(&src, &ip->src_addr, 4);
	memcpy(&dst, &ip->dst_addr, 4);
	return (uint64_t)src + dst + sl_be16(ip->next_proto_id) + sl_be16((uint16_t)l4_len);
}

/* The L4 length an IPv4 header announces: total length minus header. */
static inline uint32_t sl_ipv4_l4_len(const struct sl_ipv4_hdr *ip)
{
	return sl_be16(ip->total_length) - sl_ipv4_hdr_len(ip);
}

/* The folded pseudo-header sum, not complemented: what a NIC doing the L4
 * checksum expects in the checksum field beforehand. */
static inline uint16_t sl_ipv4_phdr_cksum(const struct sl_ipv4_hdr *ip)
{
	return sl_cksum_fold(sl_ipv4_phdr_sum(ip, sl_ipv4_l4_len(ip)));
}

/* The UDP or TCP checksum to store for the L4 header l4 following ip, its
 * checksum field zero. A computed UDP zero becomes 0xffff (RFC 768: zero
 * means no checksum). */
static inline uint16_t sl_ipv4_udptcp_cksum(const struct sl_ipv4_hdr *ip, const void *l4)
{
	uint32_t len = sl_ipv4_l4_len(ip);
	uint16_t sum = sl_cksum_fold(sl_cksum_add(l4, len, sl_ipv4_phdr_sum(ip, len)));

	/* the sum is 0xffff exactly when the checksum would be 0 */
	if (sum == 0xffff && ip->next_proto_id == SL_IPPROTO_UDP)
		return 0xffff;
	return (uint16_t)~sum;
}

/* 0 if the UDP/TCP checksum in l4 is right (or a UDP checksum is absent),
 * -1 if not. */
static inline int sl_ipv4_udptcp_cksum_verify(const struct sl_ipv4_hdr *ip, const void *l4)
{
	uint32_t len = sl_ipv4_l4_len(ip);

	if (ip->next_proto_id == SL_IPPROTO_UDP &&
	    ((const struct sl_udp_hdr *)l4)->dgram_cksum == 0)
		return 0;
	return sl_cksum_fold(sl_cksum_add(l4, len, sl_ipv4_phdr_sum(ip, len))) == 0xffff ? 0 : -1;
}

/* The unfolded sum of the IPv6 pseudo-header (RFC 8200 8.1): addresses,
 * upper-layer length and next header, both as 32-bit fields. */
static inline uint64_t sl_ipv6_phdr_sum(const struct sl_ipv6_hdr *ip, uint32_t l4_len,
					uint8_t proto)
{
	return sl_cksum_add(ip->src_addr, SL_IPV6_ADDR_SIZE,
			    sl_cksum_add(ip->dst_addr, SL_IPV6_ADDR_SIZE, 0)) +
	       sl_be32(l4_len) + sl_be32(proto);
}

/* As sl_ipv4_phdr_cksum, for a header without extension headers. */
static inline uint16_t sl_ipv6_phdr_cksum(const struct sl_ipv6_hdr *ip)
{
	return sl_cksum_fold(sl_ipv6_phdr_sum(ip, sl_be16(ip->payload_len), ip->proto));
}

/* The UDP, TCP or ICMPv6 checksum to store for l4 of l4_len bytes with
 * upper-layer protocol proto (after any extension headers), checksum field
 * zero. IPv6 has no "no checksum": a computed zero is sent as 0xffff for
 * UDP (RFC 8200 8.1). */
static inline uint16_t sl_ipv6_l4_cksum(const struct sl_ipv6_hdr *ip, const void *l4,
					uint32_t l4_len, uint8_t proto)
{
	uint16_t sum = sl_cksum_fold(sl_cksum_add(l4, l4_len, sl_ipv6_phdr_sum(ip, l4_len, proto)));

	if (sum == 0xffff && proto == SL_IPPROTO_UDP)
		return 0xffff;
	return (uint16_t)~sum;
}

/* sl_ipv6_l4_cksum for l4 right after the fixed header (DPDK's
 * rte_ipv6_udptcp_cksum). */
static inline uint16_t sl_ipv6_udptcp_cksum(const struct sl_ipv6_hdr *ip, const void *l4)
{
	return sl_ipv6_l4_cksum(ip, l4, sl_be16(ip->payload_len), ip->proto);
}

/* 0 if the checksum in l4 (right after the fixed header) is right, else -1. */
static inline int sl_ipv6_udptcp_cksum_verify(const struct sl_ipv6_hdr *ip, const void *l4)
{
	uint32_t len = sl_be16(ip->payload_len);
	uint64_t sum = sl_cksum_add(l4, len, sl_ipv6_phdr_sum(ip, len, ip->proto));

	return sl_cksum_fold(sum) == 0xffff ? 0 : -1;
}

/* RFC 1624 eqn. 3, HC' = ~(~HC + ~m + m'): the checksum cksum after the
 * 16-bit word old (memory order) of the covered data became new. Unlike
 * eqn. 2 it never yields -0 (0xffff) for data that sums to +0. */
static inline uint16_t sl_cksum_update16(uint16_t cksum, uint16_t old, uint16_t new_)
{
	uint64_t sum = (uint16_t)~cksum + (uint64_t)(uint16_t)~old + new_;

	return (uint16_t)~sl_cksum_fold(sum);
}

/* The same for a 32-bit field (an IPv4 address, a TCP sequence number). */
static inline uint16_t sl_cksum_update32(uint16_t cksum, uint32_t old, uint32_t new_)
{
	uint64_t sum = (uint16_t)~cksum + (uint64_t)(uint32_t)~old + new_;

	return (uint16_t)~sl_cksum_fold(sum);
}

#ifdef __cplusplus
}
#endif

/* needs the functions above (see sl_net.h) */
#include "sl_net_offload.h"

#endif /* SL_NET_CKSUM_H */
