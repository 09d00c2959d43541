/* SPDX-License-Identifier: BSD-3-Clause
 * Sluice protocol headers: ARP, IPv4, IPv6, UDP, TCP and ICMP layouts and
 * numbers (Ethernet and 802.1Q are in sl_ether.h, included here), the
 * Internet checksums (sl_net_cksum.h) and packet-type parsing into an mbuf.
 *
 * Every multi-byte field is in network byte order, as on the wire. The
 * structs are 2-byte aligned: after a 14-byte Ethernet header an IPv4
 * address is not 4-byte aligned, so 32-bit fields may only be read through
 * these structs (the compiler then uses loads that work unaligned).
 */
#ifndef SL_NET_H
#define SL_NET_H

#include <stdint.h>

#include "sl_common.h"
#include "sl_ether.h"
#include "sl_mbuf.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---- ARP (RFC 826) for IPv4 over Ethernet -------------------------------- */

#define SL_ARP_HRD_ETHER 1
#define SL_ARP_OP_REQUEST 1
#define SL_ARP_OP_REPLY 2

struct sl_arp_hdr {
	uint16_t arp_hardware;		/* SL_ARP_HRD_ETHER */
	uint16_t arp_protocol;		/* SL_ETHER_TYPE_IPV4 */
	uint8_t arp_hlen;		/* 6 */
	uint8_t arp_plen;		/* 4 */
	uint16_t arp_opcode;
	struct sl_ether_addr arp_sha;	/* sender hardware address */
	uint8_t arp_sip[4];		/* sender IPv4 address: at offset 14, bytes */
	struct sl_ether_addr arp_tha;	/* target hardware address */
	uint8_t arp_tip[4];
} __attribute__((aligned(2)));
SL_STATIC_ASSERT(sizeof(struct sl_arp_hdr) == 28, "ARP for IPv4 over Ethernet is 28 bytes");

/* ---- IP protocol numbers (IANA) ------------------------------------------ */

#define SL_IPPROTO_HOPOPTS 0
#define SL_IPPROTO_ICMP 1
#define SL_IPPROTO_TCP 6
#define SL_IPPROTO_UDP 17
#define SL_IPPROTO_ROUTING 43
#define SL_IPPROTO_FRAGMENT 44
#define SL_IPPROTO_ICMPV6 58
#define SL_IPPROTO_NONE 59
#define SL_IPPROTO_DSTOPTS 60

/* ---- IPv4 (RFC 791) ------------------------------------------------------ */

#define SL_IPV4_VHL_DEF 0x45		/* version 4, 5 words: no options */
#define SL_IPV4_IHL_MULTIPLIER 4
#define SL_IPV4_HDR_LEN 20
#define SL_IPV4_MAX_HDR_LEN 60
#define SL_IPV4_HDR_DF_FLAG 0x4000	/* in fragment_offset, host order */
#define SL_IPV4_HDR_MF_FLAG 0x2000
#define SL_IPV4_HDR_OFFSET_MASK 0x1fff
#define SL_IPV4_DEFAULT_TTL 64

/* a.b.c.d as a host-order uint32_t */
#define SL_IPV4(a, b, c, d) \
	(((uint32_t)(a) & 0xff) << 24 | ((uint32_t)(b) & 0xff) << 16 | \
	 ((uint32_t)(c) & 0xff) << 8 | ((uint32_t)(d) & 0xff))

struct sl_ipv4_hdr {
	uint8_t version_ihl;
	uint8_t type_of_service;
	uint16_t total_length;
	uint16_t packet_id;
	uint16_t fragment_offset;	/* flags (3 bits) and offset (13) */
	uint8_t time_to_live;
	uint8_t next_proto_id;
	uint16_t hdr_checksum;
	uint32_t src_addr;
	uint32_t dst_addr;
} __attribute__((packed, aligned(2)));
SL_STATIC_ASSERT(sizeof(struct sl_ipv4_hdr) == SL_IPV4_HDR_LEN, "IPv4 header is 20 bytes");

static inline uint32_t sl_ipv4_hdr_len(const struct sl_ipv4_hdr *ip)
{
	return (uint32_t)(ip->version_ihl & 0x0f) * SL_IPV4_IHL_MULTIPLIER;
}

/* More-fragments set or a non-zero offset: a piece of a datagram. */
static inline int sl_ipv4_frag_pkt_is_fragmented(const struct sl_ipv4_hdr *ip)
{
	return (ip->fragment_offset & SL_BE16(SL_IPV4_HDR_MF_FLAG | SL_IPV4_HDR_OFFSET_MASK)) != 0;
}

/* ---- IPv6 (RFC 8200) ----------------------------------------------------- */

#define SL_IPV6_HDR_LEN 40
#define SL_IPV6_ADDR_SIZE 16
#define SL_IPV6_FRAG_HDR_LEN 8

struct sl_ipv6_hdr {
	uint32_t vtc_flow;		/* version (4), traffic class (8), flow label (20) */
	uint16_t payload_len;		/* bytes after this header */
	uint8_t proto;			/* next header */
	uint8_t hop_limits;
	uint8_t src_addr[SL_IPV6_ADDR_SIZE];
	uint8_t dst_addr[SL_IPV6_ADDR_SIZE];
} __attribute__((packed, aligned(2)));
SL_STATIC_ASSERT(sizeof(struct sl_ipv6_hdr) == SL_IPV6_HDR_LEN, "IPv6 header is 40 bytes");

/* Hop-by-hop, routing and destination options share this start; their
 * length is (hdr_ext_len + 1) * 8 bytes. */
struct sl_ipv6_ext_hdr {
	uint8_t next_hdr;
	uint8_t hdr_ext_len;
} __attribute__((aligned(1)));

struct sl_ipv6_frag_hdr {
	uint8_t next_header;
	uint8_t reserved;
	uint16_t frag_data;		/* offset (13 bits), 2 reserved, M flag */
	uint32_t id;
} __attribute__((packed, aligned(2)));
SL_STATIC_ASSERT(sizeof(struct sl_ipv6_frag_hdr) == SL_IPV6_FRAG_HDR_LEN, "IPv6 fragment header");

/* ---- UDP (RFC 768), TCP (RFC 9293), ICMP (RFC 792, RFC 4443) -------------- */

#define SL_UDP_HDR_LEN 8
#define SL_TCP_MIN_HDR_LEN 20
#define SL_ICMP_HDR_LEN 8

struct sl_udp_hdr {
	uint16_t src_port;
	uint16_t dst_port;
	uint16_t dgram_len;		/* header and data */
	uint16_t dgram_cksum;		/* 0 over IPv4: none */
} __attribute__((aligned(2)));
SL_STATIC_ASSERT(sizeof(struct sl_udp_hdr) == SL_UDP_HDR_LEN, "UDP header is 8 bytes");

#define SL_TCP_FIN_FLAG 0x01
#define SL_TCP_SYN_FLAG 0x02
#define SL_TCP_RST_FLAG 0x04
#define SL_TCP_PSH_FLAG 0x08
#define SL_TCP_ACK_FLAG 0x10
#define SL_TCP_URG_FLAG 0x20

struct sl_tcp_hdr {
	uint16_t src_port;
	uint16_t dst_port;
	uint32_t sent_seq;
	uint32_t recv_ack;
	uint8_t data_off;		/* header length in 32-bit words, high nibble */
	uint8_t tcp_flags;
	uint16_t rx_win;
	uint16_t cksum;
	uint16_t tcp_urp;
} __attribute__((packed, aligned(2)));
SL_STATIC_ASSERT(sizeof(struct sl_tcp_hdr) == SL_TCP_MIN_HDR_LEN, "TCP header is 20 bytes");

#define SL_ICMP_ECHO_REPLY 0
#define SL_ICMP_DEST_UNREACH 3
#define SL_ICMP_ECHO_REQUEST 8
#define SL_ICMP_TIME_EXCEEDED 11
#define SL_ICMP6_ECHO_REQUEST 128
#define SL_ICMP6_ECHO_REPLY 129

/* ICMP and ICMPv6 echo; the first 4 bytes are every ICMP message's. */
struct sl_icmp_hdr {
	uint8_t icmp_type;
	uint8_t icmp_code;
	uint16_t icmp_cksum;
	uint16_t icmp_ident;
	uint16_t icmp_seq_nb;
} __attribute__((aligned(2)));
SL_STATIC_ASSERT(sizeof(struct sl_icmp_hdr) == SL_ICMP_HDR_LEN, "ICMP echo header is 8 bytes");

/* ---- packet type --------------------------------------------------------- */

/* Header lengths found by sl_net_get_ptype (bytes; 0 where not found). */
struct sl_net_hdr_lens {
	uint8_t l2_len;		/* Ethernet and its VLAN tags */
	uint16_t l3_len;	/* IPv4 with options, IPv6 with extension headers */
	uint8_t l4_len;		/* UDP 8, TCP with options, ICMP 8 */
};

/* Parses the first segment of m: Ethernet, up to two VLAN tags (802.1Q or
 * 802.1ad outer), ARP, IPv4 (options), IPv6 (hop-by-hop, routing,
 * destination options and fragment headers), TCP, UDP, ICMP/ICMPv6.
 * Returns the SL_PTYPE_* bits of the layers it could read whole and fills
 * *lens (may be NULL). A fragment other than the first has no L4 header:
 * L4_FRAG and l4_len 0. Never reads past data_len. */
uint32_t sl_net_get_ptype(const struct sl_mbuf *m, struct sl_net_hdr_lens *lens);

/* sl_net_get_ptype, then stores the result in m->packet_type and the
 * lengths in m->l2_len/l3_len/l4_len (what TX offloads read). */
uint32_t sl_net_parse_ptype(struct sl_mbuf *m);

#ifdef __cplusplus
}
#endif

/* sl_net_cksum.h includes sl_net_offload.h once its own functions are
 * declared, whichever of the three a program includes first. */
#include "sl_net_cksum.h"

#endif /* SL_NET_H */
