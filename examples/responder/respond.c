/* SPDX-License-Identifier: BSD-3-Clause
 * sl-responder's frame logic (respond.h). */
#include "respond.h"

const char *const resp_verdict_names[RESP_NB_VERDICTS] = {
	[RESP_ARP_REPLY] = "arp_replies",
	[RESP_ECHO_REPLY] = "echo_replies",
	[RESP_NOT_FOR_US] = "not_for_us",
	[RESP_UNSUPPORTED] = "unsupported",
	[RESP_MALFORMED] = "malformed",
	[RESP_BAD_IP_CKSUM] = "bad_ip_cksum",
	[RESP_BAD_ICMP_CKSUM] = "bad_icmp_cksum",
};

/* Short frames are padded to the Ethernet minimum: not every device does it
 * (virtio leaves it to the host, and a peer may discard runts). */
static void pad_to_min(struct sl_mbuf *m)
{
	if (m->pkt_len < SL_ETHER_MIN_FRAME) {
		uint32_t pad = SL_ETHER_MIN_FRAME - m->pkt_len;
		char *tail = sl_pktmbuf_append(m, pad);

		if (tail != NULL)
			memset(tail, 0, pad);
	}
}

static void swap_macs(struct sl_ether_hdr *eth, const struct resp_addr *us)
{
	eth->dst_addr = eth->src_addr;
	eth->src_addr = us->mac;
}

static enum resp_verdict handle_arp(struct sl_mbuf *m, struct sl_ether_hdr *eth,
				    const struct resp_addr *us)
{
	struct resp_arp *arp = (struct resp_arp *)(eth + 1);
	uint8_t our_ip[4];

	if (m->data_len < SL_ETHER_HDR_LEN + sizeof(*arp))
		return RESP_MALFORMED;
	if (arp->hrd != SL_BE16(RESP_ARP_HRD_ETHER) || arp->pro != SL_BE16(SL_ETHER_TYPE_IPV4) ||
	    arp->hln != SL_ETHER_ADDR_LEN || arp->pln != 4)
		return RESP_UNSUPPORTED;
	if (arp->op != SL_BE16(RESP_ARP_OP_REQUEST))
		return RESP_UNSUPPORTED;	/* we never ask, so replies are not ours */
	memcpy(our_ip, &us->ip, 4);
	if (memcmp(arp->tpa, our_ip, 4) != 0)
		return RESP_NOT_FOR_US;
	if (sl_is_multicast_ether_addr(&arp->sha) || sl_is_zero_ether_addr(&arp->sha))
		return RESP_MALFORMED;

	/* RFC 826 "Packet Reception": swap sender and target, fill in our
	 * hardware address, opcode reply, send it to the asker. */
	memcpy(arp->tpa, arp->spa, 4);
	arp->tha = arp->sha;
	memcpy(arp->spa, our_ip, 4);
	arp->sha = us->mac;
	arp->op = SL_BE16(RESP_ARP_OP_REPLY);
	eth->dst_addr = arp->tha;
	eth->src_addr = us->mac;
	/* Drop the request's padding, then pad the reply afresh. */
	sl_pktmbuf_trim(m, m->pkt_len - (SL_ETHER_HDR_LEN + sizeof(*arp)));
	pad_to_min(m);
	return RESP_ARP_REPLY;
}

/* 0.0.0.0/8, 127/8, class D and E (multicast, 240/4 and broadcast): no echo
 * reply may go there (RFC 1122 3.2.2.6 and 3.2.1.3). */
static int unanswerable_source(uint32_t src_be)
{
	uint8_t first = (uint8_t)(sl_be32(src_be) >> 24);

	return first == 0 || first == 127 || first >= 224;
}

static enum resp_verdict handle_ipv4(struct sl_mbuf *m, struct sl_ether_hdr *eth,
				     const struct resp_addr *us)
{
	struct resp_ipv4 *ip = (struct resp_ipv4 *)(eth + 1);
	uint32_t avail = m->data_len - SL_ETHER_HDR_LEN;
	uint32_t hlen, total, icmp_len;
	struct resp_icmp *icmp;

	if (avail < sizeof(*ip))
		return RESP_MALFORMED;
	hlen = (uint32_t)(ip->version_ihl & 0x0f) * 4;
	total = sl_be16(ip->total_length);
	if ((ip->version_ihl >> 4) != 4 || hlen < sizeof(*ip) || hlen > avail || total < hlen ||
	    total > avail)
		return RESP_MALFORMED;
	if (resp_sum16(ip, hlen, 0) != 0xffff)
		return RESP_BAD_IP_CKSUM;
	if (ip->dst != us->ip || !sl_is_same_ether_addr(&eth->dst_addr, &us->mac))
		return RESP_NOT_FOR_US;
	/* More-fragments set or a non-zero offset: reassembly is not our job. */
	if (ip->frag_off & SL_BE16(0x3fff))
		return RESP_UNSUPPORTED;
	if (ip->proto != RESP_IPPROTO_ICMP)
		return RESP_UNSUPPORTED;
	icmp_len = total - hlen;
	if (icmp_len < sizeof(struct resp_icmp))
		return RESP_MALFORMED;
	icmp = (struct resp_icmp *)((uint8_t *)ip + hlen);
	if (icmp->type != RESP_ICMP_ECHO_REQUEST || icmp->code != 0)
		return RESP_UNSUPPORTED;
	if (resp_sum16(icmp, icmp_len, 0) != 0xffff)
		return RESP_BAD_ICMP_CKSUM;
	if (unanswerable_source(ip->src) || sl_is_multicast_ether_addr(&eth->src_addr))
		return RESP_MALFORMED;

	/* RFC 792: addresses swapped, type 0, the rest (id, sequence, data)
	 * echoed. Both checksums computed over the reply as it leaves. */
	icmp->type = RESP_ICMP_ECHO_REPLY;
	icmp->cksum = 0;
	icmp->cksum = resp_cksum(icmp, icmp_len);
	ip->dst = ip->src;
	ip->src = us->ip;
	ip->ttl = RESP_IPV4_DEFAULT_TTL;
	ip->cksum = 0;
	ip->cksum = resp_cksum(ip, hlen);
	swap_macs(eth, us);
	sl_pktmbuf_trim(m, m->pkt_len - (SL_ETHER_HDR_LEN + total));
	pad_to_min(m);
	return RESP_ECHO_REPLY;
}

enum resp_verdict resp_handle(struct sl_mbuf *m, const struct resp_addr *us)
{
	struct sl_ether_hdr *eth = sl_pktmbuf_mtod(m, struct sl_ether_hdr *);

	/* Everything we answer fits the first segment of a standard mbuf;
	 * a chained frame is a jumbo we would only have to copy. */
	if (m->nb_segs != 1)
		return RESP_UNSUPPORTED;
	if (m->data_len < SL_ETHER_HDR_LEN)
		return RESP_MALFORMED;
	if (!sl_is_same_ether_addr(&eth->dst_addr, &us->mac) &&
	    !sl_is_broadcast_ether_addr(&eth->dst_addr))
		return RESP_NOT_FOR_US;
	if (eth->ether_type == SL_BE16(SL_ETHER_TYPE_ARP))
		return handle_arp(m, eth, us);
	if (eth->ether_type == SL_BE16(SL_ETHER_TYPE_IPV4))
		return handle_ipv4(m, eth, us);
	return RESP_UNSUPPORTED;
}
