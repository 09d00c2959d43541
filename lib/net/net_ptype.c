/* SPDX-License-Identifier: BSD-3-Clause
 * Packet-type parsing (sl_net.h): which headers a frame starts with and
 * how long each is, from the first segment only. */
#include "sl_net.h"

/* Walks IPv6 extension headers from the fixed header at off: returns the
 * L3 length (fixed header and extensions) and sets *proto to the upper
 * layer, *frag when a fragment header says this is not the first piece;
 * 0 when a header does not fit in len. */
static uint32_t ipv6_l3_len(const uint8_t *p, uint32_t off, uint32_t len, uint8_t *proto,
			    int *frag)
{
	const struct sl_ipv6_hdr *ip = (const struct sl_ipv6_hdr *)(p + off);
	uint32_t l3 = SL_IPV6_HDR_LEN;
	unsigned int hops;

	*proto = ip->proto;
	*frag = 0;
	/* RFC 8200 4.1 allows each at most once or twice: a bound, not a walk
	 * a crafted frame can make long. */
	for (hops = 0; hops < 8; hops++) {
		const struct sl_ipv6_ext_hdr *ext = (const struct sl_ipv6_ext_hdr *)(p + off + l3);

		if (*proto != SL_IPPROTO_HOPOPTS && *proto != SL_IPPROTO_ROUTING &&
		    *proto != SL_IPPROTO_DSTOPTS && *proto != SL_IPPROTO_FRAGMENT)
			return l3;
		if (off + l3 + SL_IPV6_FRAG_HDR_LEN > len)
			return 0;
		if (*proto == SL_IPPROTO_FRAGMENT) {
			const struct sl_ipv6_frag_hdr *fh = (const void *)ext;

			/* offset is the top 13 bits of frag_data */
			if (sl_be16(fh->frag_data) & 0xfff8)
				*frag = 1;
			*proto = fh->next_header;
			l3 += SL_IPV6_FRAG_HDR_LEN;
		} else {
			*proto = ext->next_hdr;
			l3 += ((uint32_t)ext->hdr_ext_len + 1) * 8;
		}
	}
	return 0;
}

/* The L4 part: type bits and l4_len of the header at off, 0 if it does
 * not fit. */
static uint32_t l4_ptype(const uint8_t *p, uint32_t off, uint32_t len, uint8_t proto,
			 struct sl_net_hdr_lens *lens)
{
	uint32_t l4;

	switch (proto) {
	case SL_IPPROTO_TCP:
		if (off + SL_TCP_MIN_HDR_LEN > len)
			return 0;
		l4 = (uint32_t)(((const struct sl_tcp_hdr *)(p + off))->data_off >> 4) * 4;
		if (l4 < SL_TCP_MIN_HDR_LEN || off + l4 > len)
			return 0;
		lens->l4_len = (uint8_t)l4;
		return SL_PTYPE_L4_TCP;
	case SL_IPPROTO_UDP:
		if (off + SL_UDP_HDR_LEN > len)
			return 0;
		lens->l4_len = SL_UDP_HDR_LEN;
		return SL_PTYPE_L4_UDP;
	case SL_IPPROTO_ICMP:
	case SL_IPPROTO_ICMPV6:
		if (off + SL_ICMP_HDR_LEN > len)
			return 0;
		lens->l4_len = SL_ICMP_HDR_LEN;
		return SL_PTYPE_L4_ICMP;
	default:
		return 0;
	}
}

/* The L3 and L4 part for EtherType type at off. */
static uint32_t l3_ptype(const uint8_t *p, uint32_t off, uint32_t len, uint16_t type,
			 struct sl_net_hdr_lens *lens)
{
	uint32_t ptype, l3;
	uint8_t proto;
	int frag;

	if (type == SL_ETHER_TYPE_IPV4) {
		const struct sl_ipv4_hdr *ip = (const struct sl_ipv4_hdr *)(p + off);

		if (off + SL_IPV4_HDR_LEN > len || (ip->version_ihl >> 4) != 4)
			return 0;
		l3 = sl_ipv4_hdr_len(ip);
		if (l3 < SL_IPV4_HDR_LEN || off + l3 > len)
			return 0;
		ptype = l3 == SL_IPV4_HDR_LEN ? SL_PTYPE_L3_IPV4 : SL_PTYPE_L3_IPV4_EXT;
		proto = ip->next_proto_id;
		frag = sl_ipv4_frag_pkt_is_fragmented(ip);
	} else if (type == SL_ETHER_TYPE_IPV6) {
		if (off + SL_IPV6_HDR_LEN > len)
			return 0;
		l3 = ipv6_l3_len(p, off, len, &proto, &frag);
		if (l3 == 0)
			return 0;
		ptype = l3 == SL_IPV6_HDR_LEN ? SL_PTYPE_L3_IPV6 : SL_PTYPE_L3_IPV6_EXT;
	} else {
		return 0;
	}
	lens->l3_len = (uint16_t)l3;
	/* A fragment's L4 header is only in the first piece; DPDK reports
	 * every fragment as L4_FRAG, and so do we. */
	if (frag)
		return ptype | SL_PTYPE_L4_FRAG;
	return ptype | l4_ptype(p, off + l3, len, proto, lens);
}

uint32_t sl_net_get_ptype(const struct sl_mbuf *m, struct sl_net_hdr_lens *lens)
{
	const uint8_t *p = sl_pktmbuf_mtod(m, const uint8_t *);
	struct sl_net_hdr_lens scratch;
	uint32_t len = m->data_len, off = SL_ETHER_HDR_LEN, ptype = SL_PTYPE_L2_ETHER;
	uint16_t type;

	if (lens == NULL)
		lens = &scratch;
	memset(lens, 0, sizeof(*lens));
	if (len < SL_ETHER_HDR_LEN)
		return SL_PTYPE_UNKNOWN;
	type = sl_be16(((const struct sl_ether_hdr *)p)->ether_type);
	while (type == SL_ETHER_TYPE_VLAN || type == SL_ETHER_TYPE_QINQ) {
		if (ptype == SL_PTYPE_L2_ETHER_QINQ || off + SL_ETHER_VLAN_HDR_LEN > len)
			break;
		ptype = ptype == SL_PTYPE_L2_ETHER ? SL_PTYPE_L2_ETHER_VLAN : SL_PTYPE_L2_ETHER_QINQ;
		type = sl_be16(((const struct sl_vlan_hdr *)(p + off))->eth_proto);
		off += SL_ETHER_VLAN_HDR_LEN;
	}
	lens->l2_len = (uint8_t)off;
	if (type == SL_ETHER_TYPE_ARP)
		return ptype == SL_PTYPE_L2_ETHER ? SL_PTYPE_L2_ETHER_ARP : ptype;
	return ptype | l3_ptype(p, off, len, type, lens);
}

uint32_t sl_net_parse_ptype(struct sl_mbuf *m)
{
	struct sl_net_hdr_lens lens;

	m->packet_type = sl_net_get_ptype(m, &lens);
	m->l2_len = lens.l2_len;
	m->l3_len = lens.l3_len;
	m->l4_len = lens.l4_len;
	return m->packet_type;
}
