/* SPDX-License-Identifier: BSD-3-Clause
 * net_af_packet internals shared by af_packet_ethdev.c (control path) and
 * af_packet_rxtx.c (bursts).
 *
 * Each queue pair is one AF_PACKET socket with a TPACKET_V2 RX ring and TX
 * ring mapped into the process (Documentation/networking/packet_mmap.rst).
 * The sockets exist while the port is started: dev_start opens, binds and
 * joins them to a fanout group; dev_stop closes them. A TPACKET_V2 frame
 * is a struct tpacket2_hdr whose tp_status says who owns it:
 *   RX: TP_STATUS_KERNEL (free for the kernel) -> TP_STATUS_USER (ours)
 *   TX: TP_STATUS_AVAILABLE (ours) -> TP_STATUS_SEND_REQUEST (kernel's)
 *       -> TP_STATUS_SENDING -> TP_STATUS_AVAILABLE once the skb is freed.
 * The status word is the hand-off: we read it with acquire before touching
 * the frame and write it with release after we are done, the kernel does
 * the mirror image (smp_wmb/smp_rmb around __packet_{get,set}_status).
 */
#ifndef AF_PACKET_PRIVATE_H
#define AF_PACKET_PRIVATE_H

#include <stdbool.h>
#include <stdint.h>

#include <net/if.h>

#include <linux/if_packet.h>

#include "sl_ethdev_driver.h"

#define AFP_DRIVER_NAME "net_af_packet"
#define AFP_MAX_QPAIRS 16

/* Where TX frame data starts without PACKET_TX_HAS_OFF: right after the
 * aligned header, the kernel's tp_hdrlen - sizeof(struct sockaddr_ll). */
#define AFP_TX_DATA_OFF TPACKET_ALIGN(sizeof(struct tpacket2_hdr))
/* Where the kernel puts an Ethernet frame in an RX frame (tpacket_rcv:
 * netoff = TPACKET_ALIGN(tp_hdrlen + 16), macoff = netoff - 14): the room
 * a frame has is framesz minus this. */
#define AFP_RX_MAC_OFF \
	(TPACKET_ALIGN(TPACKET2_HDRLEN + 16) - SL_ETHER_HDR_LEN)

struct afp_rx_queue {
	uint8_t **frames;	/* NULL while stopped */
	uint32_t nb_frames;
	uint32_t next;
	struct sl_mempool *mp;
	uint16_t port_id;
	/* ERRORS: frames cut by the kernel (larger than framesz allows) */
	struct sl_eth_queue_counters cnt;
} __sl_cache_aligned;

struct afp_tx_queue {
	uint8_t **frames;
	uint32_t nb_frames;
	uint32_t next;
	int fd;
	uint32_t max_len;	/* longest untagged frame the ring frame and the MTU allow */
	uint32_t max_len_vlan;	/* the same for an 802.1Q-tagged frame (4 more) */
	bool kick_pending;	/* the last sendto() left frames in the ring */
	/* ERRORS: frames too long to send, or refused by the kernel */
	struct sl_eth_queue_counters cnt;
} __sl_cache_aligned;

/* One socket of a started port: queue pair i. */
struct afp_sock {
	int fd;
	uint8_t *map;		/* RX ring then TX ring, one mmap */
	size_t map_len;
	uint8_t **rx_frames;	/* frame addresses, so the fast path has no division */
	uint8_t **tx_frames;
};

struct afp_port {
	char ifname[IFNAMSIZ];
	int ifindex;
	unsigned qpairs;
	uint32_t blocksz;
	uint32_t framesz;
	uint32_t framecnt;
	bool qdisc_bypass;
	unsigned nb_socks;	/* open sockets (started) */
	struct afp_sock socks[AFP_MAX_QPAIRS];
	/* kernel drops (PACKET_STATISTICS reads and clears them) */
	uint64_t drops;
	uint64_t drops_base;
};

uint16_t afp_rx_burst(void *rxq, struct sl_mbuf **pkts, uint16_t nb_pkts);
uint16_t afp_tx_burst(void *txq, struct sl_mbuf **pkts, uint16_t nb_pkts);

#endif /* AF_PACKET_PRIVATE_H */
