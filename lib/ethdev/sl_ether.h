/* SPDX-License-Identifier: BSD-3-Clause
 * Sluice Ethernet: addresses, the header layouts, EtherTypes and frame
 * sizes, and the address text helpers (ether.c). Included by sl_ethdev.h;
 * code that only parses frames may include it alone.
 */
#ifndef SL_ETHER_H
#define SL_ETHER_H

#include <stdbool.h>
#include <stdint.h>

#include "sl_common.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---- Ethernet ------------------------------------------------------------ */

#define SL_ETHER_ADDR_LEN 6
#define SL_ETHER_TYPE_LEN 2
#define SL_ETHER_CRC_LEN 4
#define SL_ETHER_HDR_LEN 14
#define SL_ETHER_VLAN_HDR_LEN 4
/* Frame sizes with the 4-byte FCS (CRC) included, as in IEEE 802.3 and
 * DPDK's RTE_ETHER_*_LEN: 64 .. 1518. */
#define SL_ETHER_MIN_LEN 64
#define SL_ETHER_MAX_LEN 1518
/* What software sees without the FCS: the shortest frame a driver must pad
 * to, and the longest untagged frame with a 1500-byte MTU. */
#define SL_ETHER_MIN_FRAME (SL_ETHER_MIN_LEN - SL_ETHER_CRC_LEN)	/* 60 */
#define SL_ETHER_MAX_FRAME (SL_ETHER_MAX_LEN - SL_ETHER_CRC_LEN)	/* 1514 */
#define SL_ETHER_MAX_VLAN_FRAME_LEN (SL_ETHER_MAX_LEN + SL_ETHER_VLAN_HDR_LEN)	/* 1522 */
#define SL_ETHER_MAX_JUMBO_FRAME_LEN 0x3f00
#define SL_ETHER_MTU 1500
/* RFC 791: every IPv4 host must accept 68-byte datagrams. */
#define SL_ETHER_MIN_MTU 68
/* "xx:xx:xx:xx:xx:xx" plus NUL */
#define SL_ETHER_ADDR_FMT_SIZE 18

/* EtherType values, host byte order (compare with sl_be16(hdr->ether_type)). */
#define SL_ETHER_TYPE_IPV4 0x0800
#define SL_ETHER_TYPE_ARP 0x0806
#define SL_ETHER_TYPE_VLAN 0x8100
#define SL_ETHER_TYPE_IPV6 0x86dd
#define SL_ETHER_TYPE_QINQ 0x88a8
#define SL_ETHER_TYPE_LLDP 0x88cc

/* 2-byte aligned so that address compares can use 16-bit loads. */
struct sl_ether_addr {
	uint8_t addr_bytes[SL_ETHER_ADDR_LEN];
} __attribute__((aligned(2)));

struct sl_ether_hdr {
	struct sl_ether_addr dst_addr;
	struct sl_ether_addr src_addr;
	uint16_t ether_type;	/* network byte order */
} __attribute__((aligned(2)));
SL_STATIC_ASSERT(sizeof(struct sl_ether_hdr) == SL_ETHER_HDR_LEN, "ether header is 14 bytes");

struct sl_vlan_hdr {
	uint16_t vlan_tci;	/* network byte order: PCP(3) DEI(1) VID(12) */
	uint16_t eth_proto;	/* network byte order */
} __attribute__((aligned(2)));

/* Network <-> host byte order for 16/32-bit fields (x86 is little endian). */
static inline uint16_t sl_be16(uint16_t v) { return __builtin_bswap16(v); }
static inline uint32_t sl_be32(uint32_t v) { return __builtin_bswap32(v); }
#define SL_BE16(v) ((uint16_t)((((v) & 0xffu) << 8) | (((v) >> 8) & 0xffu)))

static inline bool sl_is_same_ether_addr(const struct sl_ether_addr *a,
					 const struct sl_ether_addr *b)
{
	return __builtin_memcmp(a, b, SL_ETHER_ADDR_LEN) == 0;
}

static inline bool sl_is_zero_ether_addr(const struct sl_ether_addr *a)
{
	static const struct sl_ether_addr zero;

	return sl_is_same_ether_addr(a, &zero);
}

/* Bit 0 of the first octet: group address (IEEE 802-2014 8.2). */
static inline bool sl_is_multicast_ether_addr(const struct sl_ether_addr *a)
{
	return a->addr_bytes[0] & 0x01;
}

static inline bool sl_is_unicast_ether_addr(const struct sl_ether_addr *a)
{
	return !sl_is_multicast_ether_addr(a);
}

static inline bool sl_is_broadcast_ether_addr(const struct sl_ether_addr *a)
{
	static const struct sl_ether_addr bcast = { { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff } };

	return sl_is_same_ether_addr(a, &bcast);
}

/* Bit 1 of the first octet: locally administered. */
static inline bool sl_is_local_admin_ether_addr(const struct sl_ether_addr *a)
{
	return a->addr_bytes[0] & 0x02;
}

/* What a port may use as its own address: unicast and not all zero. */
static inline bool sl_is_valid_assigned_ether_addr(const struct sl_ether_addr *a)
{
	return sl_is_unicast_ether_addr(a) && !sl_is_zero_ether_addr(a);
}

static inline void sl_ether_addr_copy(const struct sl_ether_addr *from, struct sl_ether_addr *to)
{
	*to = *from;
}

/* "02:00:00:00:00:01" into buf (size >= SL_ETHER_ADDR_FMT_SIZE to fit). */
void sl_ether_format_addr(char *buf, uint16_t size, const struct sl_ether_addr *addr);
/* Parses "xx:xx:xx:xx:xx:xx" (also '-' separated): 0 or -EINVAL. */
int sl_ether_unformat_addr(const char *str, struct sl_ether_addr *addr);
/* A random locally administered unicast address. */
void sl_eth_random_addr(struct sl_ether_addr *addr);

#ifdef __cplusplus
}
#endif
#endif /* SL_ETHER_H */
