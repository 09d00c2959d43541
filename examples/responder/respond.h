/* SPDX-License-Identifier: BSD-3-Clause
 * sl-responder's frame logic: turn an ARP request or an ICMP echo request
 * for our address into its reply in place, or say why the frame is dropped.
 *
 * ARP (RFC 826) over Ethernet for IPv4: a request whose target protocol
 * address is ours, broadcast or sent to our MAC (Linux confirms neighbours
 * with unicast requests), becomes a reply from our MAC.
 * ICMP echo (RFC 792) to our IPv4 address and MAC: both checksums (RFC 1071,
 * lib/net) are verified on input and computed afresh on output.
 */
#ifndef RESPOND_H
#define RESPOND_H

#include <stdint.h>

#include "sl_ethdev.h"
#include "sl_mbuf.h"
#include "sl_net.h"

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

/* Examines m (one received frame, data at offset 0) and, for a request we
 * answer, rewrites it into the reply, ready to be sent back out of the port
 * it came in on; returns the verdict. For any other verdict m is left as
 * it was and the caller frees it. */
enum resp_verdict resp_handle(struct sl_mbuf *m, const struct resp_addr *us);

#endif /* RESPOND_H */
