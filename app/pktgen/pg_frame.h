/* SPDX-License-Identifier: BSD-3-Clause
 * sl-pktgen frame builder: Ethernet [+ 802.1Q] / IPv4 / UDP frames with a
 * signature at the start of the UDP payload.
 *
 * A stream's frame is built once into a 64-byte template (struct
 * pg_template). Per packet the TX loop copies the template over the start
 * of an mbuf and pg_frame_finish() writes the fields that change: lengths,
 * addresses and ports of the flow, sequence number and TX timestamp, and
 * both checksums. The checksums are not recomputed over the frame: the
 * template carries the one's complement partial sums (RFC 1071 section 2)
 * of everything that stays constant, and each packet adds the 16-bit words
 * of its varying fields (RFC 1624 style incremental update).
 *
 * That only works if the bytes after the signature are the same in every
 * frame: they are zero. The template's tail is zero and the TX mbuf pools
 * are zeroed once at creation and never written past PG_TEMPLATE_SPAN (see
 * pg_main.c), so the zero padding contributes nothing to the UDP sum
 * whatever the frame size.
 *
 * Signature (14 bytes, so that it fits a 60-byte frame with a VLAN tag:
 * 18 + 20 + 8 + 14 = 60), every word at an even offset of the frame:
 *
 *   0  magic   2 bytes  0xc5 0x1e
 *   2  port    1 byte   TX port id
 *   3  stream  1 byte   stream id
 *   4  queue   1 byte   TX queue of the port (each queue numbers its own
 *                       frames: a (port, stream, queue) triple is one
 *                       sequence space, a "flow" in the RX accounting)
 *   5  tsc_hi  1 byte   bits 32..39 of the TX TSC
 *   6  seq     4 bytes  sequence number, big endian (RX extends to 64 bits)
 *   10 tsc_lo  4 bytes  bits 0..31 of the TX TSC, big endian
 *
 * 40 bits of TSC wrap after 2^40 ticks (6 minutes at 3 GHz); a latency is
 * computed modulo 2^40, so it is right as long as it is shorter than that.
 */
#ifndef PG_FRAME_H
#define PG_FRAME_H

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "sl_common.h"
#include "sl_net.h"

#define PG_SIG_LEN 14
#define PG_SIG_MAGIC0 0xc5
#define PG_SIG_MAGIC1 0x1e
/* Shortest frame without FCS (IEEE 802.3 minimum of 64 bytes minus the FCS). */
#define PG_MIN_FRAME 60
/* Longest frame the builder makes (the mbuf data room limits it too). */
#define PG_MAX_FRAME 16000
/* Bytes of the template copied into every frame: header, signature and
 * zeros up to a whole cache line. */
#define PG_TEMPLATE_SPAN 64
#define PG_TSC_BITS 40
#define PG_TSC_MASK ((UINT64_C(1) << PG_TSC_BITS) - 1)

/* What a stream's frames look like (addresses and ports are the first
 * values of their flow ranges; host byte order). */
struct pg_frame_spec {
	uint8_t dst_mac[6];
	uint8_t src_mac[6];
	bool vlan;
	uint16_t vlan_tci;	/* PCP(3) DEI(1) VID(12) */
	uint8_t ttl;
	uint8_t tos;
	uint32_t src_ip;
	uint32_t dst_ip;
	uint16_t src_port;
	uint16_t dst_port;
	uint8_t sig_port;
	uint8_t sig_stream;
	uint8_t sig_queue;
};

struct pg_template {
	uint8_t bytes[PG_TEMPLATE_SPAN] __sl_cache_aligned;
	uint16_t l3_off;	/* 14, or 18 with a VLAN tag */
	uint16_t l4_off;
	uint16_t sig_off;
	uint16_t hdr_len;	/* sig_off + PG_SIG_LEN */
	/* Unfolded one's complement sums of the constant words, in memory
	 * (network) word order, with every varying field taken as zero. */
	uint64_t ip_sum;
	uint64_t udp_sum;
	uint8_t sig_queue;
};

/* The flow fields of one packet, host byte order. */
struct pg_flow_tuple {
	uint32_t src_ip;
	uint32_t dst_ip;
	uint16_t src_port;
	uint16_t dst_port;
};

/* The decoded signature of a received frame. */
struct pg_sig {
	uint8_t port;
	uint8_t stream;
	uint8_t queue;
	uint32_t seq;
	uint64_t tsc;		/* 40 bits */
};

void pg_template_init(struct pg_template *t, const struct pg_frame_spec *spec);

/* The two 16-bit memory words of a 32-bit big-endian field, summed. */
static inline uint64_t pg_csum_be32(uint32_t be)
{
	return (uint64_t)(be & 0xffff) + (be >> 16);
}

static inline uint16_t pg_be16(uint32_t v)
{
	return __builtin_bswap16((uint16_t)v);
}

static inline void pg_store16(uint8_t *p, uint16_t v)
{
	memcpy(p, &v, sizeof(v));
}

static inline void pg_store32(uint8_t *p, uint32_t v)
{
	memcpy(p, &v, sizeof(v));
}

/* Writes the per-packet fields into a frame that starts with a copy of
 * t->bytes: size is the frame length without FCS (>= PG_MIN_FRAME). */
static __sl_always_inline void pg_frame_finish(const struct pg_template *t, uint8_t *frame,
					       uint32_t size, const struct pg_flow_tuple *ft,
					       uint32_t seq, uint64_t tsc)
{
	struct sl_ipv4_hdr *ip = (struct sl_ipv4_hdr *)(frame + t->l3_off);
	struct sl_udp_hdr *udp = (struct sl_udp_hdr *)(frame + t->l4_off);
	uint8_t *sig = frame + t->sig_off;
	uint16_t ip_len = pg_be16(size - t->l3_off);
	uint16_t udp_len = pg_be16(size - t->l4_off);
	uint32_t src = __builtin_bswap32(ft->src_ip);
	uint32_t dst = __builtin_bswap32(ft->dst_ip);
	uint16_t sport = pg_be16(ft->src_port);
	uint16_t dport = pg_be16(ft->dst_port);
	uint16_t qword = (uint16_t)(t->sig_queue | (((tsc >> 32) & 0xff) << 8));
	uint32_t seq_be = __builtin_bswap32(seq);
	uint32_t tsc_be = __builtin_bswap32((uint32_t)tsc);
	uint64_t addr_sum = pg_csum_be32(src) + pg_csum_be32(dst);
	uint64_t sum;
	uint16_t csum;

	ip->total_length = ip_len;
	ip->src_addr = src;
	ip->dst_addr = dst;
	sum = t->ip_sum + ip_len + addr_sum;
	ip->hdr_checksum = (uint16_t)~sl_cksum_fold(sum);

	udp->src_port = sport;
	udp->dst_port = dport;
	udp->dgram_len = udp_len;
	pg_store16(sig + 4, qword);
	pg_store32(sig + 6, seq_be);
	pg_store32(sig + 10, tsc_be);
	/* udp_len twice: once in the pseudo header, once in the UDP header. */
	sum = t->udp_sum + addr_sum + 2 * (uint64_t)udp_len + sport + dport + qword +
	      pg_csum_be32(seq_be) + pg_csum_be32(tsc_be);
	csum = (uint16_t)~sl_cksum_fold(sum);
	/* RFC 768: a computed zero is sent as all ones (zero means "none"). */
	udp->dgram_cksum = csum == 0 ? 0xffff : csum;
}

/* Finds the signature of a received frame (Ethernet or one 802.1Q tag,
 * IPv4 without options, UDP, magic): true and *sig filled, or false. */
static __sl_always_inline bool pg_sig_parse(const uint8_t *frame, uint32_t len, struct pg_sig *sig)
{
	uint32_t l3 = SL_ETHER_HDR_LEN;
	const uint8_t *s;
	uint32_t seq_be, tsc_be;

	if (sl_unlikely(len < SL_ETHER_HDR_LEN + SL_IPV4_HDR_LEN + SL_UDP_HDR_LEN + PG_SIG_LEN))
		return false;
	if (frame[12] == (SL_ETHER_TYPE_VLAN >> 8) && frame[13] == (SL_ETHER_TYPE_VLAN & 0xff)) {
		l3 += SL_ETHER_VLAN_HDR_LEN;
		if (len < l3 + SL_IPV4_HDR_LEN + SL_UDP_HDR_LEN + PG_SIG_LEN)
			return false;
	}
	if (frame[l3 - 2] != (SL_ETHER_TYPE_IPV4 >> 8) || frame[l3 - 1] != (SL_ETHER_TYPE_IPV4 & 0xff))
		return false;
	/* no options, UDP */
	if (frame[l3] != SL_IPV4_VHL_DEF || frame[l3 + 9] != SL_IPPROTO_UDP)
		return false;
	s = frame + l3 + SL_IPV4_HDR_LEN + SL_UDP_HDR_LEN;
	if (s[0] != PG_SIG_MAGIC0 || s[1] != PG_SIG_MAGIC1)
		return false;
	sig->port = s[2];
	sig->stream = s[3];
	sig->queue = s[4];
	memcpy(&seq_be, s + 6, 4);
	memcpy(&tsc_be, s + 10, 4);
	sig->seq = __builtin_bswap32(seq_be);
	sig->tsc = ((uint64_t)s[5] << 32) | __builtin_bswap32(tsc_be);
	return true;
}

#endif /* PG_FRAME_H */
