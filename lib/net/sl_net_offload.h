/* SPDX-License-Identifier: BSD-3-Clause
 * TX checksum offload, the application's half of the contract: what a NIC
 * that fills checksums expects a frame to hold before it is sent
 * (sl_net_tx_cksum_prepare, which drivers' tx_prepare calls), and the same
 * checksums done in software (sl_net_sw_cksum), for ports that cannot and
 * as the reference that offload tests compare the NIC's work with.
 * Included by sl_net.h.
 *
 * A request is ol_flags SL_MBUF_F_TX_IPV4 or SL_MBUF_F_TX_IPV6, then
 * SL_MBUF_F_TX_IP_CKSUM (IPv4 only) and/or one of SL_MBUF_F_TX_TCP_CKSUM,
 * SL_MBUF_F_TX_UDP_CKSUM or SL_MBUF_F_TX_TCP_SEG (TSO, which implies the
 * TCP checksum). m->l2_len and m->l3_len give the header lengths (TSO also
 * l4_len and tso_segsz); the headers must lie whole in the first segment.
 *
 * Why the pseudo-header goes into the checksum field: the NICs sum the L4
 * bytes from the L4 header to the end, the field included, and store the
 * complement (8254x SDM 3.3.5 TUCSS/TUCSO; virtio 1.1 5.1.6.2 csum_start/
 * csum_offset). So the field must hold the folded pseudo-header sum, not
 * complemented. For TSO the length is left out of it, since every segment
 * the NIC cuts has its own (SDM 3.5.1 "the pseudo-header checksum ... does
 * not include the TCP length"); virtio's devices want it in (Linux's
 * tcp_gso_segment adjusts the field by each segment's length change), so
 * net_virtio's tx_prepare puts it back. The IPv4 header checksum field
 * must be zero for the NIC's sum.
 */
#ifndef SL_NET_OFFLOAD_H
#define SL_NET_OFFLOAD_H

#include <errno.h>
#include <stdint.h>

#include "sl_net.h"
#include "sl_net_cksum.h"

#ifdef __cplusplus
extern "C" {
#endif

#define SL_MBUF_F_TX_CKSUM_REQUEST \
	(SL_MBUF_F_TX_IP_CKSUM | SL_MBUF_F_TX_L4_MASK | SL_MBUF_F_TX_TCP_SEG)

/* Where the L4 checksum field lies, counted from the L4 header. */
#define SL_TCP_CKSUM_OFFSET 16
#define SL_UDP_CKSUM_OFFSET 6

/* 0 if m's request is one a NIC can act on: one L3 type, IP_CKSUM only
 * with IPv4, at most one L4 request, headers whole in the first segment,
 * TSO with l4_len and tso_segsz. -EINVAL if not. */
static inline int sl_net_tx_offload_check(const struct sl_mbuf *m)
{
	uint64_t f = m->ol_flags;
	uint64_t l3 = f & (SL_MBUF_F_TX_IPV4 | SL_MBUF_F_TX_IPV6);
	uint64_t l4 = f & (SL_MBUF_F_TX_L4_MASK | SL_MBUF_F_TX_TCP_SEG);
	uint32_t hdrs = (uint32_t)m->l2_len + m->l3_len;

	if (l3 != SL_MBUF_F_TX_IPV4 && l3 != SL_MBUF_F_TX_IPV6)
		return -EINVAL;
	if ((f & SL_MBUF_F_TX_IP_CKSUM) && l3 != SL_MBUF_F_TX_IPV4)
		return -EINVAL;
	if (l4 & (l4 - 1))	/* more than one of TCP, UDP, TCP_SEG */
		return -EINVAL;
	if (m->l3_len < (l3 == SL_MBUF_F_TX_IPV4 ? SL_IPV4_HDR_LEN : SL_IPV6_HDR_LEN))
		return -EINVAL;
	if (l4 == SL_MBUF_F_TX_TCP_SEG) {
		if (m->l4_len < SL_TCP_MIN_HDR_LEN || m->tso_segsz == 0)
			return -EINVAL;
		hdrs += m->l4_len;
	} else if (l4 != 0) {
		hdrs += l4 == SL_MBUF_F_TX_UDP_CKSUM ? SL_UDP_HDR_LEN : SL_TCP_MIN_HDR_LEN;
	}
	return hdrs <= m->data_len && hdrs <= m->pkt_len ? 0 : -EINVAL;
}

/* The L4 bytes the L3 header announces: IPv4 total length, or IPv6
 * payload length less the extension headers counted in l3_len. Ethernet
 * padding after them is not L4 data. */
static inline uint32_t sl_net_tx_l4_len(const struct sl_mbuf *m)
{
	const void *l3 = sl_pktmbuf_mtod_offset(m, const char *, m->l2_len);

	if (m->ol_flags & SL_MBUF_F_TX_IPV4)
		return sl_be16(((const struct sl_ipv4_hdr *)l3)->total_length) - m->l3_len;
	return sl_be16(((const struct sl_ipv6_hdr *)l3)->payload_len) -
	       (m->l3_len - SL_IPV6_HDR_LEN);
}

/* The unfolded pseudo-header sum for m's L4 header; with_len false leaves
 * the length out (TSO). */
static inline uint64_t sl_net_tx_phdr_sum(const struct sl_mbuf *m, int with_len)
{
	const void *l3 = sl_pktmbuf_mtod_offset(m, const char *, m->l2_len);
	uint8_t proto = (m->ol_flags & SL_MBUF_F_TX_UDP_CKSUM) ? SL_IPPROTO_UDP : SL_IPPROTO_TCP;
	uint32_t l4_len = with_len ? sl_net_tx_l4_len(m) : 0;

	if (m->ol_flags & SL_MBUF_F_TX_IPV4)
		return sl_ipv4_phdr_sum((const struct sl_ipv4_hdr *)l3, l4_len);
	return sl_ipv6_phdr_sum((const struct sl_ipv6_hdr *)l3, l4_len, proto);
}

static inline uint16_t *sl_net_tx_l4_cksum_field(struct sl_mbuf *m)
{
	uint32_t off = (uint32_t)m->l2_len + m->l3_len +
		       ((m->ol_flags & SL_MBUF_F_TX_UDP_CKSUM) ? SL_UDP_CKSUM_OFFSET
							       : SL_TCP_CKSUM_OFFSET);

	return sl_pktmbuf_mtod_offset(m, uint16_t *, off);
}

/* Readies m for a NIC that does what m requests (see the top of the file).
 * 0, or -EINVAL (sl_net_tx_offload_check) with m untouched. */
static inline int sl_net_tx_cksum_prepare(struct sl_mbuf *m)
{
	uint64_t f = m->ol_flags;

	if (!(f & SL_MBUF_F_TX_CKSUM_REQUEST))
		return 0;
	if (sl_net_tx_offload_check(m) != 0)
		return -EINVAL;
	if (f & SL_MBUF_F_TX_IP_CKSUM)
		sl_pktmbuf_mtod_offset(m, struct sl_ipv4_hdr *, m->l2_len)->hdr_checksum = 0;
	if (f & (SL_MBUF_F_TX_L4_MASK | SL_MBUF_F_TX_TCP_SEG))
		*sl_net_tx_l4_cksum_field(m) =
			sl_cksum_fold(sl_net_tx_phdr_sum(m, !(f & SL_MBUF_F_TX_TCP_SEG)));
	return 0;
}

/* A driver's tx_prepare for NICs with no limits of their own: prepares
 * pkts in order and returns how many are ready; errno says why the next
 * one is not (EINVAL). */
static inline uint16_t sl_net_tx_prepare_burst(struct sl_mbuf **pkts, uint16_t nb_pkts)
{
	uint16_t i;

	for (i = 0; i < nb_pkts; i++) {
		if (sl_unlikely(sl_net_tx_cksum_prepare(pkts[i]) != 0)) {
			errno = EINVAL;
			break;
		}
	}
	return i;
}

/* The unfolded sum of len bytes of m's chain from offset off. A segment
 * that starts at an odd byte of the range adds its sum byte-swapped
 * (RFC 1071 section 2 (B)). */
static inline uint64_t sl_net_mbuf_cksum_add(const struct sl_mbuf *m, uint32_t off, uint32_t len)
{
	uint64_t sum = 0;
	uint32_t done = 0, n;
	uint16_t s;

	for (; m != NULL && len > 0; m = m->next) {
		if (off >= m->data_len) {
			off -= m->data_len;
			continue;
		}
		n = SL_MIN((uint32_t)m->data_len - off, len);
		s = sl_cksum_fold(sl_cksum_add(sl_pktmbuf_mtod_offset(m, const char *, off), n, 0));
		sum += (done & 1) ? (uint16_t)(s << 8 | s >> 8) : s;
		done += n;
		len -= n;
		off = 0;
	}
	return sum;
}

/* Fills in software the checksums m requests and clears the request bits
 * it did: what the NIC would have written. The L4 checksum covers the
 * whole chain. 0; -EINVAL for a bad request; -ENOTSUP for TSO, which is
 * segmentation and not a checksum. */
static inline int sl_net_sw_cksum(struct sl_mbuf *m)
{
	uint64_t f = m->ol_flags;
	struct sl_ipv4_hdr *ip4;
	uint16_t *field, sum;
	uint32_t l4_off;

	if (!(f & SL_MBUF_F_TX_CKSUM_REQUEST))
		return 0;
	if (sl_net_tx_offload_check(m) != 0)
		return -EINVAL;
	if (f & SL_MBUF_F_TX_TCP_SEG)
		return -ENOTSUP;
	if (f & SL_MBUF_F_TX_IP_CKSUM) {
		ip4 = sl_pktmbuf_mtod_offset(m, struct sl_ipv4_hdr *, m->l2_len);
		ip4->hdr_checksum = 0;
		ip4->hdr_checksum = sl_ipv4_cksum(ip4);
	}
	if (f & SL_MBUF_F_TX_L4_MASK) {
		l4_off = (uint32_t)m->l2_len + m->l3_len;
		field = sl_net_tx_l4_cksum_field(m);
		*field = 0;
		sum = sl_cksum_fold(sl_net_mbuf_cksum_add(m, l4_off, sl_net_tx_l4_len(m)) +
				    sl_net_tx_phdr_sum(m, 1));
		/* a UDP sum of zero is sent as 0xffff (RFC 768, RFC 8200 8.1) */
		*field = (sum == 0xffff && (f & SL_MBUF_F_TX_UDP_CKSUM)) ? 0xffff : (uint16_t)~sum;
	}
	m->ol_flags &= ~SL_MBUF_F_TX_CKSUM_REQUEST;
	return 0;
}

#ifdef __cplusplus
}
#endif
#endif /* SL_NET_OFFLOAD_H */
