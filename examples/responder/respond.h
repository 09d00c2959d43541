/* SPDX-License-Identifier: BSD-3-Clause
 * sl-responder's frame logic: turn an ARP request or an ICMP echo request
 * for our address into its reply in place, or say why the frame is dropped.
 *
 * ARP (RFC 826) over Ethernet for IPv4: a request whose target protocol
 * address is ours, broadcast or sent to our MAC (Linux confirms neighbours
 * with unicast requests), becomes a reply from our MAC.
 * ICMP echo (RFC 792) to our IPv4 address and MAC: both checksums (RFC 1071)
 * are verified on input and computed afresh on output.
 */
#ifndef RESPOND_H
#define RESPOND_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "sl_ethdev.h"
#include "sl_mbuf.h"

/* What happened to one received frame. Counted per port. */
enum resp_verdict {
	RESP_ARP_REPLY,		/* answered an ARP request */
	RESP_ECHO_REPLY,	/* answered an ICMP echo request */
	RESP_NOT_FOR_US,	/* another MAC or IPv4 address, or ARP for someone else */
	RESP_UNSUPPORTED,	/* not ARP/IPv4, VLAN tag, fragment, other protocol or ICMP type */
	RESP_MALFORMED,		/* truncated or inconsistent headers, unanswerable source */
	RESP_BAD_IP_CKSUM,	/* IPv4 header checksum wrong */
	RESP_BAD_ICMP_CKSUM,	/* ICMP checksum wrong */
	RESP_NB_VERDICTS
};

extern const char *const resp_verdict_names[RESP_NB_VERDICTS];

/* The address we answer for and the port's MAC, network byte order. */
struct resp_addr {
	struct sl_ether_addr mac;
	uint32_t ip;
};

#define RESP_ARP_HRD_ETHER 1
#define RESP_ARP_OP_REQUEST 1
#define RESP_ARP_OP_REPLY 2
#define RESP_IPPROTO_ICMP 1
#define RESP_ICMP_ECHO_REPLY 0
#define RESP_ICMP_ECHO_REQUEST 8
#define RESP_IPV4_DEFAULT_TTL 64

struct resp_arp {
	uint16_t hrd, pro;	/* hardware and protocol address spaces */
	uint8_t hln, pln;	/* their lengths: 6 and 4 */
	uint16_t op;
	struct sl_ether_addr sha;
	uint8_t spa[4];		/* not 4-byte aligned in the frame: bytes */
	struct sl_ether_addr tha;
	uint8_t tpa[4];
};	/* natural layout: 2-byte aligned fields at even offsets, no padding */
SL_STATIC_ASSERT(sizeof(struct resp_arp) == 28, "ARP for IPv4 over Ethernet is 28 bytes");

struct resp_ipv4 {
	uint8_t version_ihl;
	uint8_t tos;
	uint16_t total_length;
	uint16_t id;
	uint16_t frag_off;	/* flags (3 bits) and fragment offset (13) */
	uint8_t ttl;
	uint8_t proto;
	uint16_t cksum;
	uint32_t src, dst;
} __attribute__((packed, aligned(2)));	/* at offset 14 of the frame: 2-byte aligned */
SL_STATIC_ASSERT(sizeof(struct resp_ipv4) == 20, "IPv4 header without options");

struct resp_icmp {
	uint8_t type, code;
	uint16_t cksum;
	uint16_t id, seq;
};

/* The 16-bit one's complement sum of len bytes (RFC 1071 4.1), added to
 * sum and folded; in the byte order of the data, like the checksum field.
 * An odd last byte is padded with zero. 32-bit loads: at most 2^32 of them
 * fit a 64-bit accumulator, far beyond any frame. */
static inline uint16_t resp_sum16(const void *data, size_t len, uint64_t sum)
{
	const uint8_t *p = data;

	for (; len >= 4; len -= 4, p += 4) {
		uint32_t w;

		memcpy(&w, p, 4);
		sum += w;
	}
	if (len >= 2) {
		uint16_t w;

		memcpy(&w, p, 2);
		sum += w;
		p += 2;
		len -= 2;
	}
	if (len) {
		/* The word the byte and a zero pad after it would make in
		 * memory, whatever the CPU's byte order. */
		uint16_t w = 0;

		memcpy(&w, p, 1);
		sum += w;
	}
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)sum;
}

/* The Internet checksum to store: the complement of the sum. A block that
 * includes a correct checksum field sums to 0xffff, so this returns 0. */
static inline uint16_t resp_cksum(const void *data, size_t len)
{
	return (uint16_t)~resp_sum16(data, len, 0);
}

/* Examines m (one received frame, data at offset 0) and, for a request we
 * answer, rewrites it into the reply, ready to be sent back out of the port
 * it came in on; returns the verdict. For any other verdict m is left as
 * it was and the caller frees it. */
enum resp_verdict resp_handle(struct sl_mbuf *m, const struct resp_addr *us);

#endif /* RESPOND_H */
