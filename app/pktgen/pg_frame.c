/* SPDX-License-Identifier: BSD-3-Clause
 * sl-pktgen frame builder: the template and its constant checksum sums. */
#include <string.h>

#include "pg_frame.h"

void pg_template_init(struct pg_template *t, const struct pg_frame_spec *spec)
{
	uint8_t *b = t->bytes;
	struct sl_ipv4_hdr *ip;
	uint8_t *sig;
	uint8_t pseudo_proto[2] = { 0, SL_IPPROTO_UDP };

	memset(t, 0, sizeof(*t));
	memcpy(b, spec->dst_mac, 6);
	memcpy(b + 6, spec->src_mac, 6);
	t->l3_off = SL_ETHER_HDR_LEN;
	if (spec->vlan) {
		pg_store16(b + 12, SL_BE16(SL_ETHER_TYPE_VLAN));
		pg_store16(b + 14, pg_be16(spec->vlan_tci));
		t->l3_off += SL_ETHER_VLAN_HDR_LEN;
	}
	pg_store16(b + t->l3_off - 2, SL_BE16(SL_ETHER_TYPE_IPV4));
	t->l4_off = (uint16_t)(t->l3_off + SL_IPV4_HDR_LEN);
	t->sig_off = (uint16_t)(t->l4_off + SL_UDP_HDR_LEN);
	t->hdr_len = (uint16_t)(t->sig_off + PG_SIG_LEN);
	t->sig_queue = spec->sig_queue;

	/* IPv4 (RFC 791): version 4, IHL 5, DF set (never fragmented: a
	 * generator's frames should arrive whole or not at all), id 0. Total
	 * length, addresses and checksum are per packet. */
	ip = (struct sl_ipv4_hdr *)(b + t->l3_off);
	ip->version_ihl = SL_IPV4_VHL_DEF;
	ip->type_of_service = spec->tos;
	ip->fragment_offset = SL_BE16(SL_IPV4_HDR_DF_FLAG);
	ip->time_to_live = spec->ttl;
	ip->next_proto_id = SL_IPPROTO_UDP;
	t->ip_sum = sl_cksum_add(ip, SL_IPV4_HDR_LEN, 0);

	/* UDP: everything is per packet except the signature's constant
	 * part (magic, port, stream) and the pseudo header's protocol. */
	sig = b + t->sig_off;
	sig[0] = PG_SIG_MAGIC0;
	sig[1] = PG_SIG_MAGIC1;
	sig[2] = spec->sig_port;
	sig[3] = spec->sig_stream;
	t->udp_sum = sl_cksum_add(pseudo_proto, 2, 0) + sl_cksum_add(sig, 4, 0);
	/* sig[4] (queue) goes in with the per-packet tsc_hi byte of its word. */

	/* Fill in the first tuple so that the template alone is a valid frame. */
	{
		struct pg_flow_tuple ft = { spec->src_ip, spec->dst_ip, spec->src_port,
					    spec->dst_port };
		uint8_t tmp[PG_TEMPLATE_SPAN];

		memcpy(tmp, b, sizeof(tmp));
		pg_frame_finish(t, tmp, PG_MIN_FRAME, &ft, 0, 0);
		memcpy(b, tmp, t->hdr_len);
		/* The per-packet fields are rewritten anyway; what matters is
		 * that the sums above were taken with them at zero. */
	}
}
