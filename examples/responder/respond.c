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
	struct sl_arp_hdr *arp = (struct sl_arp_hdr *)(eth + 1);
	uint8_t our_ip[4];

	if (m->data_len < SL_ETHER_HDR_LEN + sizeof(*arp))
		return RESP_MALFORMED;
	if (arp->arp_hardware != SL_BE16(SL_ARP_HRD_ETHER) ||
	    arp->arp_protocol != SL_BE16(SL_ETHER_TYPE_IPV4) || arp->arp_hlen != SL_ETHER_ADDR_LEN ||
	    arp->arp_plen != 4)
		return RESP_UNSUPPORTED;
	if (arp->arp_opcode != SL_BE16(SL_ARP_OP_REQUEST))
		return RESP_UNSUPPORTED;	/* we never ask, so replies are not ours */
	memcpy(our_ip, &us->ip, 4);
	if (memcmp(arp->arp_tip, our_ip, 4) != 0)
		return RESP_NOT_FOR_US;
	if (sl_is_multicast_ether_addr(&arp->arp_sha) || sl_is_zero_ether_addr(&arp->arp_sha))
		return RESP_MALFORMED;

	/* RFC 826 "Packet Reception": swap sender and target, fill in our
	 * hardware address, opcode reply, send it to the asker. */
	memcpy(arp->arp_tip, arp->arp_sip, 4);
	arp->arp_tha = arp->arp_sha;
	memcpy(arp->arp_sip, our_ip, 4);
	arp->arp_sha = us->mac;
	arp->arp_opcode = SL_BE16(SL_ARP_OP_REPLY);
	eth->dst_addr = arp->arp_tha;
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
	struct sl_ipv4_hdr *ip = (struct sl_ipv4_hdr *)(eth + 1);
	uint32_t avail = m->data_len - SL_ETHER_HDR_LEN;
	uint32_t hlen, total, icmp_len;
	struct sl_icmp_hdr *icmp;

	if (avail < sizeof(*ip))
		return RESP_MALFORMED;
	hlen = sl_ipv4_hdr_len(ip);
	total = sl_be16(ip->total_length);
	if ((ip->version_ihl >> 4) != 4 || hlen < sizeof(*ip) || hlen > avail || total < hlen ||
	    total > avail)
		return RESP_MALFORMED;
	if (sl_raw_cksum(ip, hlen) != 0xffff)
		return RESP_BAD_IP_CKSUM;
	if (ip->dst_addr != us->ip || !sl_is_same_ether_addr(&eth->dst_addr, &us->mac))
		return RESP_NOT_FOR_US;
	/* More-fragments set or a non-zero offset: reassembly is not our job. */
	if (sl_ipv4_frag_pkt_is_fragmented(ip))
		return RESP_UNSUPPORTED;
	if (ip->next_proto_id != SL_IPPROTO_ICMP)
		return RESP_UNSUPPORTED;
	icmp_len = total - hlen;
	if (icmp_len < sizeof(struct sl_icmp_hdr))
		return RESP_MALFORMED;
	icmp = (struct sl_icmp_hdr *)((uint8_t *)ip + hlen);
	if (icmp->icmp_type != SL_ICMP_ECHO_REQUEST || icmp->icmp_code != 0)
		return RESP_UNSUPPORTED;
	if (sl_raw_cksum(icmp, icmp_len) != 0xffff)
		return RESP_BAD_ICMP_CKSUM;
	if (unanswerable_source(ip->src_addr) || sl_is_multicast_ether_addr(&eth->src_addr))
		return RESP_MALFORMED;

	/* RFC 792: addresses swapped, type 0, the rest (id, sequence, data)
	 * echoed. Both checksums computed over the reply as it leaves. */
	icmp->icmp_type = SL_ICMP_ECHO_REPLY;
	icmp->icmp_cksum = 0;
	icmp->icmp_cksum = (uint16_t)~sl_raw_cksum(icmp, icmp_len);
	ip->dst_addr = ip->src_addr;
	ip->src_addr = us->ip;
	ip->time_to_live = SL_IPV4_DEFAULT_TTL;
	ip->hdr_checksum = sl_ipv4_cksum(ip);
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
