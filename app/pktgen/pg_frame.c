/* SPDX-License-Identifier: BSD-3-Clause
 * sl-pktgen frame builder: the template and its constant checksum sums. */
#include <string.h>

#include "pg_frame.h"

uint64_t pg_csum_partial(const void *buf, size_t len, uint64_t sum)
{
	const uint8_t *p = buf;
	uint16_t w;

	for (; len >= 2; len -= 2, p += 2) {
		memcpy(&w, p, 2);
		sum += w;
	}
	/* RFC 1071: an odd last byte is padded with a zero byte after it. */
	if (len) {
		uint8_t last[2] = { p[0], 0 };

		memcpy(&w, last, 2);
		sum += w;
	}
	return sum;
}

void pg_template_init(struct pg_template *t, const struct pg_frame_spec *spec)
{
	uint8_t *b = t->bytes;
	uint8_t *ip, *sig;
	uint8_t pseudo_proto[2] = { 0, 17 };

	memset(t, 0, sizeof(*t));
	memcpy(b, spec->dst_mac, 6);
	memcpy(b + 6, spec->src_mac, 6);
	t->l3_off = PG_ETH_HDR_LEN;
	if (spec->vlan) {
		b[12] = 0x81;
		b[13] = 0x00;
		pg_store16(b + 14, pg_be16(spec->vlan_tci));
		t->l3_off += PG_VLAN_TAG_LEN;
	}
	b[t->l3_off - 2] = 0x08;	/* EtherType IPv4 */
	b[t->l3_off - 1] = 0x00;
	t->l4_off = (uint16_t)(t->l3_off + PG_IPV4_HDR_LEN);
	t->sig_off = (uint16_t)(t->l4_off + PG_UDP_HDR_LEN);
	t->hdr_len = (uint16_t)(t->sig_off + PG_SIG_LEN);
	t->sig_queue = spec->sig_queue;

	/* IPv4 (RFC 791): version 4, IHL 5, DF set (never fragmented: a
	 * generator's frames should arrive whole or not at all), id 0. Total
	 * length, addresses and checksum are per packet. */
	ip = b + t->l3_off;
	ip[0] = 0x45;
	ip[1] = spec->tos;
	ip[6] = 0x40;
	ip[8] = spec->ttl;
	ip[9] = 17;
	t->ip_sum = pg_csum_partial(ip, PG_IPV4_HDR_LEN, 0);

	/* UDP: everything is per packet except the signature's constant
	 * part (magic, port, stream) and the pseudo header's protocol. */
	sig = b + t->sig_off;
	sig[0] = PG_SIG_MAGIC0;
	sig[1] = PG_SIG_MAGIC1;
	sig[2] = spec->sig_port;
	sig[3] = spec->sig_stream;
	t->udp_sum = pg_csum_partial(pseudo_proto, 2, 0) + pg_csum_partial(sig, 4, 0);
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
