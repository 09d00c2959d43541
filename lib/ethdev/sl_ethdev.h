/* SPDX-License-Identifier: BSD-3-Clause
 * Sluice ethdev: the port API every application uses.
 *
 * A port is a NIC (PCI) or a virtual device (--vdev). Its life:
 *
 *   probed --configure--> configured --rx/tx_queue_setup (every queue)-->
 *   ready --start--> started --stop--> ready ... --close--> gone
 *
 * configure may be repeated while the port is stopped (queues beyond the
 * new counts are released), and so may queue setup. Ports keep their id
 * for their whole life; close releases every queue (the driver frees its
 * memory), the driver's private state and the port id, which the next
 * port to appear may reuse (the lowest free id is always taken).
 *
 * Control-path functions return 0 (or a count) on success and a negative
 * errno on failure after one log line that names the limit or the step
 * missing ("port 0: rx queue 3 out of range (configured 2)"):
 *   -ENODEV  no such port
 *   -EINVAL  bad argument, or a call in the wrong state (queue setup or
 *            configure while started, start before every queue is set up)
 *   -ENOTSUP the driver cannot do it
 * They are not thread-safe: one thread controls a port at a time.
 *
 * The fast path (sl_eth_rx_burst / sl_eth_tx_burst) is one load of the
 * port's sl_eth_fp_ops line and one call. It checks nothing unless built
 * with SL_DEBUG_CHECKS. A port that is not started answers every burst
 * with 0, so a poller that races a stop never touches a stopped queue's
 * hardware; a queue may be polled by one lcore at a time.
 */
#ifndef SL_ETHDEV_H
#define SL_ETHDEV_H

#include <stdbool.h>
#include <stdint.h>

#include "sl_common.h"
#include "sl_log.h"
#include "sl_mbuf.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---- limits ------------------------------------------------------------ */

#define SL_MAX_ETHPORTS 32
#define SL_MAX_QUEUES_PER_PORT 1024
/* Queues 0 .. SL_ETHDEV_QUEUE_STAT_CNTRS-1 have their own counters in
 * struct sl_eth_stats; higher queues count in the port totals only. */
#define SL_ETHDEV_QUEUE_STAT_CNTRS 16
/* Port names ("net_null0", "0000:00:03.0"), terminating NUL included. */
#define SL_ETH_NAME_MAX_LEN 64

/* ---- Ethernet ------------------------------------------------------------ */

#define SL_ETHER_ADDR_LEN 6
#define SL_ETHER_TYPE_LEN 2
#define SL_ETHER_CRC_LEN 4
#define SL_ETHER_HDR_LEN 14
#define SL_ETHER_VLAN_HDR_LEN 4
/* Frame sizes with the 4-byte FCS (CRC) included, as in IEEE 802.3 and
 * DPDK's RTE_ETHER_*_LEN: 64 .. 1518. */
#define SL_ETHER_MIN_LEN 64
#define SL_ETHER_MAX_LEN 1518
/* What software sees without the FCS: the shortest frame a driver must pad
 * to, and the longest untagged frame with a 1500-byte MTU. */
#define SL_ETHER_MIN_FRAME (SL_ETHER_MIN_LEN - SL_ETHER_CRC_LEN)	/* 60 */
#define SL_ETHER_MAX_FRAME (SL_ETHER_MAX_LEN - SL_ETHER_CRC_LEN)	/* 1514 */
#define SL_ETHER_MAX_VLAN_FRAME_LEN (SL_ETHER_MAX_LEN + SL_ETHER_VLAN_HDR_LEN)	/* 1522 */
#define SL_ETHER_MAX_JUMBO_FRAME_LEN 0x3f00
#define SL_ETHER_MTU 1500
/* RFC 791: every IPv4 host must accept 68-byte datagrams. */
#define SL_ETHER_MIN_MTU 68
/* "xx:xx:xx:xx:xx:xx" plus NUL */
#define SL_ETHER_ADDR_FMT_SIZE 18

/* EtherType values, host byte order (compare with sl_be16(hdr->ether_type)). */
#define SL_ETHER_TYPE_IPV4 0x0800
#define SL_ETHER_TYPE_ARP 0x0806
#define SL_ETHER_TYPE_VLAN 0x8100
#define SL_ETHER_TYPE_IPV6 0x86dd
#define SL_ETHER_TYPE_QINQ 0x88a8
#define SL_ETHER_TYPE_LLDP 0x88cc

/* 2-byte aligned so that address compares can use 16-bit loads. */
struct sl_ether_addr {
	uint8_t addr_bytes[SL_ETHER_ADDR_LEN];
} __attribute__((aligned(2)));

struct sl_ether_hdr {
	struct sl_ether_addr dst_addr;
	struct sl_ether_addr src_addr;
	uint16_t ether_type;	/* network byte order */
} __attribute__((aligned(2)));
SL_STATIC_ASSERT(sizeof(struct sl_ether_hdr) == SL_ETHER_HDR_LEN, "ether header is 14 bytes");

struct sl_vlan_hdr {
	uint16_t vlan_tci;	/* network byte order: PCP(3) DEI(1) VID(12) */
	uint16_t eth_proto;	/* network byte order */
} __attribute__((aligned(2)));

/* Network <-> host byte order for 16/32-bit fields (x86 is little endian). */
static inline uint16_t sl_be16(uint16_t v) { return __builtin_bswap16(v); }
static inline uint32_t sl_be32(uint32_t v) { return __builtin_bswap32(v); }
#define SL_BE16(v) ((uint16_t)((((v) & 0xffu) << 8) | (((v) >> 8) & 0xffu)))

static inline bool sl_is_same_ether_addr(const struct sl_ether_addr *a,
					 const struct sl_ether_addr *b)
{
	return __builtin_memcmp(a, b, SL_ETHER_ADDR_LEN) == 0;
}

static inline bool sl_is_zero_ether_addr(const struct sl_ether_addr *a)
{
	static const struct sl_ether_addr zero;

	return sl_is_same_ether_addr(a, &zero);
}

/* Bit 0 of the first octet: group address (IEEE 802-2014 8.2). */
static inline bool sl_is_multicast_ether_addr(const struct sl_ether_addr *a)
{
	return a->addr_bytes[0] & 0x01;
}

static inline bool sl_is_unicast_ether_addr(const struct sl_ether_addr *a)
{
	return !sl_is_multicast_ether_addr(a);
}

static inline bool sl_is_broadcast_ether_addr(const struct sl_ether_addr *a)
{
	static const struct sl_ether_addr bcast = { { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff } };

	return sl_is_same_ether_addr(a, &bcast);
}

/* Bit 1 of the first octet: locally administered. */
static inline bool sl_is_local_admin_ether_addr(const struct sl_ether_addr *a)
{
	return a->addr_bytes[0] & 0x02;
}

/* What a port may use as its own address: unicast and not all zero. */
static inline bool sl_is_valid_assigned_ether_addr(const struct sl_ether_addr *a)
{
	return sl_is_unicast_ether_addr(a) && !sl_is_zero_ether_addr(a);
}

static inline void sl_ether_addr_copy(const struct sl_ether_addr *from, struct sl_ether_addr *to)
{
	*to = *from;
}

/* "02:00:00:00:00:01" into buf (size >= SL_ETHER_ADDR_FMT_SIZE to fit). */
void sl_ether_format_addr(char *buf, uint16_t size, const struct sl_ether_addr *addr);
/* Parses "xx:xx:xx:xx:xx:xx" (also '-' separated): 0 or -EINVAL. */
int sl_ether_unformat_addr(const char *str, struct sl_ether_addr *addr);
/* A random locally administered unicast address. */
void sl_eth_random_addr(struct sl_ether_addr *addr);

/* ---- configuration -------------------------------------------------------- */

/* Port-wide RX offloads (sl_eth_conf.rxmode.offloads, dev_info rx_offload_capa). */
#define SL_ETH_RX_OFFLOAD_VLAN_STRIP	(1ull << 0)
#define SL_ETH_RX_OFFLOAD_IPV4_CKSUM	(1ull << 1)
#define SL_ETH_RX_OFFLOAD_UDP_CKSUM	(1ull << 2)
#define SL_ETH_RX_OFFLOAD_TCP_CKSUM	(1ull << 3)
#define SL_ETH_RX_OFFLOAD_TCP_LRO	(1ull << 4)
#define SL_ETH_RX_OFFLOAD_VLAN_FILTER	(1ull << 9)
#define SL_ETH_RX_OFFLOAD_SCATTER	(1ull << 13)	/* frames larger than one mbuf */
#define SL_ETH_RX_OFFLOAD_TIMESTAMP	(1ull << 14)
#define SL_ETH_RX_OFFLOAD_KEEP_CRC	(1ull << 16)
#define SL_ETH_RX_OFFLOAD_RSS_HASH	(1ull << 19)
#define SL_ETH_RX_OFFLOAD_CHECKSUM \
	(SL_ETH_RX_OFFLOAD_IPV4_CKSUM | SL_ETH_RX_OFFLOAD_UDP_CKSUM | SL_ETH_RX_OFFLOAD_TCP_CKSUM)

/* TX offloads (sl_eth_conf.txmode.offloads, dev_info tx_offload_capa). */
#define SL_ETH_TX_OFFLOAD_VLAN_INSERT	(1ull << 0)
#define SL_ETH_TX_OFFLOAD_IPV4_CKSUM	(1ull << 1)
#define SL_ETH_TX_OFFLOAD_UDP_CKSUM	(1ull << 2)
#define SL_ETH_TX_OFFLOAD_TCP_CKSUM	(1ull << 3)
#define SL_ETH_TX_OFFLOAD_TCP_TSO	(1ull << 5)
/* The application promises that all mbufs of a queue come from one pool
 * and have refcnt 1, so the driver may return them to the pool in bulk. */
#define SL_ETH_TX_OFFLOAD_MBUF_FAST_FREE (1ull << 16)
#define SL_ETH_TX_OFFLOAD_MULTI_SEGS	(1ull << 15)

/* RSS hash functions (rx_adv_conf.rss_conf.rss_hf, dev_info flow_type_rss_offloads). */
#define SL_ETH_RSS_IPV4			(1ull << 2)
#define SL_ETH_RSS_NONFRAG_IPV4_TCP	(1ull << 4)
#define SL_ETH_RSS_NONFRAG_IPV4_UDP	(1ull << 5)
#define SL_ETH_RSS_IPV6			(1ull << 8)
#define SL_ETH_RSS_NONFRAG_IPV6_TCP	(1ull << 10)
#define SL_ETH_RSS_NONFRAG_IPV6_UDP	(1ull << 11)
#define SL_ETH_RSS_IP (SL_ETH_RSS_IPV4 | SL_ETH_RSS_IPV6)
#define SL_ETH_RSS_TCP (SL_ETH_RSS_NONFRAG_IPV4_TCP | SL_ETH_RSS_NONFRAG_IPV6_TCP)
#define SL_ETH_RSS_UDP (SL_ETH_RSS_NONFRAG_IPV4_UDP | SL_ETH_RSS_NONFRAG_IPV6_UDP)

/* Speed capabilities (dev_info speed_capa) and requests (conf link_speeds). */
#define SL_ETH_LINK_SPEED_AUTONEG	0u		/* link_speeds: negotiate */
#define SL_ETH_LINK_SPEED_FIXED		(1u << 0)	/* link_speeds: no negotiation */
#define SL_ETH_LINK_SPEED_10M_HD	(1u << 1)
#define SL_ETH_LINK_SPEED_10M		(1u << 2)
#define SL_ETH_LINK_SPEED_100M_HD	(1u << 3)
#define SL_ETH_LINK_SPEED_100M		(1u << 4)
#define SL_ETH_LINK_SPEED_1G		(1u << 5)
#define SL_ETH_LINK_SPEED_2_5G		(1u << 6)
#define SL_ETH_LINK_SPEED_5G		(1u << 7)
#define SL_ETH_LINK_SPEED_10G		(1u << 8)
#define SL_ETH_LINK_SPEED_25G		(1u << 10)
#define SL_ETH_LINK_SPEED_40G		(1u << 11)
#define SL_ETH_LINK_SPEED_100G		(1u << 14)

/* sl_eth_link.link_speed, in Mb/s. */
#define SL_ETH_SPEED_NUM_NONE	0u
#define SL_ETH_SPEED_NUM_10M	10u
#define SL_ETH_SPEED_NUM_100M	100u
#define SL_ETH_SPEED_NUM_1G	1000u
#define SL_ETH_SPEED_NUM_10G	10000u
#define SL_ETH_SPEED_NUM_25G	25000u
#define SL_ETH_SPEED_NUM_40G	40000u
#define SL_ETH_SPEED_NUM_100G	100000u
#define SL_ETH_SPEED_NUM_UNKNOWN UINT32_MAX

#define SL_ETH_LINK_HALF_DUPLEX 0
#define SL_ETH_LINK_FULL_DUPLEX 1
#define SL_ETH_LINK_DOWN 0
#define SL_ETH_LINK_UP 1
#define SL_ETH_LINK_FIXED 0
#define SL_ETH_LINK_AUTONEG 1

/* 8 bytes so that drivers publish it with one atomic store (val64). */
struct sl_eth_link {
	union {
		uint64_t val64;
		struct {
			uint32_t link_speed;		/* SL_ETH_SPEED_NUM_* (Mb/s) */
			uint16_t link_duplex : 1;	/* SL_ETH_LINK_*_DUPLEX */
			uint16_t link_autoneg : 1;	/* SL_ETH_LINK_FIXED / _AUTONEG */
			uint16_t link_status : 1;	/* SL_ETH_LINK_DOWN / _UP */
		};
	};
};
SL_STATIC_ASSERT(sizeof(struct sl_eth_link) == 8, "link fits one atomic store");

/* "Link up at 10 Gbps full duplex" / "Link down" into buf. */
int sl_eth_link_to_str(char *buf, size_t len, const struct sl_eth_link *link);

enum sl_eth_rx_mq_mode {
	SL_ETH_MQ_RX_NONE = 0,	/* one queue gets everything (or the driver's default spread) */
	SL_ETH_MQ_RX_RSS,	/* spread by hash of rx_adv_conf.rss_conf.rss_hf */
};

enum sl_eth_tx_mq_mode {
	SL_ETH_MQ_TX_NONE = 0,
};

struct sl_eth_rxmode {
	enum sl_eth_rx_mq_mode mq_mode;
	uint32_t mtu;		/* 0: SL_ETHER_MTU (1500) */
	uint32_t max_lro_pkt_size;
	uint64_t offloads;	/* SL_ETH_RX_OFFLOAD_* on every queue */
};

struct sl_eth_txmode {
	enum sl_eth_tx_mq_mode mq_mode;
	uint64_t offloads;	/* SL_ETH_TX_OFFLOAD_* on every queue */
};

struct sl_eth_rss_conf {
	uint8_t *rss_key;	/* NULL: the driver's default key */
	uint8_t rss_key_len;
	uint64_t rss_hf;	/* SL_ETH_RSS_* */
};

/* Everything zero is a valid configuration: 1500 MTU, no offloads, no RSS,
 * link negotiated, no loopback. */
struct sl_eth_conf {
	uint32_t link_speeds;	/* SL_ETH_LINK_SPEED_*; 0 = autonegotiate */
	struct sl_eth_rxmode rxmode;
	struct sl_eth_txmode txmode;
	/* Driver-specific loopback mode (0: none): e1000 MAC loopback,
	 * for tests without a cable. */
	uint32_t lpbk_mode;
	struct {
		struct sl_eth_rss_conf rss_conf;
	} rx_adv_conf;
	struct {
		uint32_t lsc;	/* link status change interrupts (unused by poll-mode apps) */
		uint32_t rxq;
	} intr_conf;
};

struct sl_eth_rxconf {
	/* Refill the ring in batches of this many descriptors (0: driver default). */
	uint16_t rx_free_thresh;
	/* Drop frames when no descriptor is free instead of back-pressuring. */
	uint8_t rx_drop_en;
	uint8_t rx_deferred_start;	/* not supported: must be 0 */
	uint64_t offloads;		/* per-queue extras on top of rxmode.offloads */
};

struct sl_eth_txconf {
	/* Reclaim sent descriptors when fewer than this many are free (0: default). */
	uint16_t tx_free_thresh;
	/* Ask for a completion report every tx_rs_thresh descriptors (0: default). */
	uint16_t tx_rs_thresh;
	uint8_t tx_deferred_start;	/* not supported: must be 0 */
	uint64_t offloads;		/* per-queue extras on top of txmode.offloads */
};

/* Descriptor counts a queue accepts: nb_min <= n <= nb_max, n % nb_align == 0. */
struct sl_eth_desc_lim {
	uint16_t nb_max;
	uint16_t nb_min;
	uint16_t nb_align;
	uint16_t nb_seg_max;		/* segments per packet (0: no limit) */
	uint16_t nb_mtu_seg_max;	/* segments per MTU-sized packet (0: no limit) */
};

/* What the driver suggests when the application passes 0. */
struct sl_eth_dev_portconf {
	uint16_t burst_size;
	uint16_t ring_size;
	uint16_t nb_queues;
};

struct sl_eth_dev_info {
	const char *driver_name;	/* "net_null", "net_e1000" */
	const char *device_name;	/* the port's name */
	unsigned int if_index;		/* kernel interface index, 0 if none */
	uint16_t min_mtu;
	uint16_t max_mtu;
	uint32_t min_rx_bufsize;	/* smallest mbuf data room (headroom excluded) */
	uint32_t max_rx_pktlen;		/* longest frame the port receives (no FCS) */
	uint32_t max_lro_pkt_size;
	uint16_t max_rx_queues;
	uint16_t max_tx_queues;
	uint32_t max_mac_addrs;
	uint64_t rx_offload_capa;	/* SL_ETH_RX_OFFLOAD_*, port or queue */
	uint64_t tx_offload_capa;
	uint64_t rx_queue_offload_capa;	/* the subset that can differ per queue */
	uint64_t tx_queue_offload_capa;
	uint16_t reta_size;
	uint8_t hash_key_size;
	uint64_t flow_type_rss_offloads;	/* SL_ETH_RSS_* */
	struct sl_eth_rxconf default_rxconf;	/* used when rx_queue_setup gets NULL */
	struct sl_eth_txconf default_txconf;
	struct sl_eth_desc_lim rx_desc_lim;
	struct sl_eth_desc_lim tx_desc_lim;
	uint32_t speed_capa;		/* SL_ETH_LINK_SPEED_* */
	uint16_t nb_rx_queues;		/* configured now */
	uint16_t nb_tx_queues;
	struct sl_eth_dev_portconf default_rxportconf;
	struct sl_eth_dev_portconf default_txportconf;
	uint64_t dev_capa;		/* reserved */
};

/* Counters since the port was probed or last reset. Queue counters are kept
 * by the queue's own lcore; reading them from another thread is racy only
 * in that a burst in flight may or may not be counted. */
struct sl_eth_stats {
	uint64_t ipackets;	/* received */
	uint64_t opackets;	/* sent */
	uint64_t ibytes;	/* received bytes (no FCS) */
	uint64_t obytes;
	uint64_t imissed;	/* dropped by the NIC: no RX descriptor free */
	uint64_t ierrors;	/* bad frames received */
	uint64_t oerrors;	/* frames the port failed to send */
	uint64_t rx_nombuf;	/* RX mbuf allocation failures */
	uint64_t q_ipackets[SL_ETHDEV_QUEUE_STAT_CNTRS];
	uint64_t q_opackets[SL_ETHDEV_QUEUE_STAT_CNTRS];
	uint64_t q_ibytes[SL_ETHDEV_QUEUE_STAT_CNTRS];
	uint64_t q_obytes[SL_ETHDEV_QUEUE_STAT_CNTRS];
	uint64_t q_errors[SL_ETHDEV_QUEUE_STAT_CNTRS];	/* RX errors of the queue */
};

/* ---- ports ------------------------------------------------------------------ */

/* Ports that exist (probed, not closed). */
uint16_t sl_eth_dev_count_avail(void);
/* Total ports ever usable: SL_MAX_ETHPORTS. */
uint16_t sl_eth_dev_count_total(void);
/* First existing port >= port_id, or SL_MAX_ETHPORTS. */
uint16_t sl_eth_find_next(uint16_t port_id);
#define SL_ETH_FOREACH_DEV(p) \
	for ((p) = sl_eth_find_next(0); (p) < SL_MAX_ETHPORTS; (p) = sl_eth_find_next((p) + 1))

bool sl_eth_dev_is_valid_port(uint16_t port_id);
/* 0 and *port_id, or -ENODEV (logged at debug level only: a lookup miss is
 * not necessarily an error). */
int sl_eth_dev_get_port_by_name(const char *name, uint16_t *port_id);
/* The port's name, or NULL for a port that does not exist. */
const char *sl_eth_dev_name(uint16_t port_id);
/* Copies the name into name[SL_ETH_NAME_MAX_LEN]: 0 or -ENODEV. */
int sl_eth_dev_get_name_by_port(uint16_t port_id, char *name);
/* NUMA node of the device (SL_SOCKET_ID_ANY when unknown), or -EINVAL. */
int sl_eth_dev_socket_id(uint16_t port_id);

int sl_eth_dev_info_get(uint16_t port_id, struct sl_eth_dev_info *info);

/* nb_rxq / nb_txq up to dev_info max_rx_queues / max_tx_queues (one of them
 * may be 0: a TX-only or RX-only port). conf may be NULL (all defaults).
 * Only while stopped. Requested offloads, RSS hash functions and the MTU
 * are checked against dev_info; a refusal names the bits or the limit. */
int sl_eth_dev_configure(uint16_t port_id, uint16_t nb_rxq, uint16_t nb_txq,
			 const struct sl_eth_conf *conf);
/* The configuration in force (what configure was given, defaults filled). */
int sl_eth_dev_conf_get(uint16_t port_id, struct sl_eth_conf *conf);

/* queue < configured count; nb_desc within dev_info rx_desc_lim (0: the
 * driver's default ring size); socket SL_SOCKET_ID_ANY means the port's;
 * conf NULL means dev_info default_rxconf. mp must be a pktmbuf pool whose
 * data room (headroom excluded) is at least dev_info min_rx_bufsize.
 * Setting up a queue again replaces it. Only while stopped. */
int sl_eth_rx_queue_setup(uint16_t port_id, uint16_t rx_queue_id, uint16_t nb_desc, int socket,
			  const struct sl_eth_rxconf *conf, struct sl_mempool *mp);
int sl_eth_tx_queue_setup(uint16_t port_id, uint16_t tx_queue_id, uint16_t nb_desc, int socket,
			  const struct sl_eth_txconf *conf);

/* Needs configure and every configured queue set up. Starting a started
 * port does nothing and returns 0; so does stopping a stopped one. */
int sl_eth_dev_start(uint16_t port_id);
int sl_eth_dev_stop(uint16_t port_id);
/* Stop first. Releases the queues and the port; the id becomes free. */
int sl_eth_dev_close(uint16_t port_id);
/* Stops the port and asks the driver to reinitialise the device; the port
 * then needs configure and queue setup again. -ENOTSUP if the driver has
 * no reset. */
int sl_eth_dev_reset(uint16_t port_id);
/* 1 if started, 0 if not, -ENODEV. */
int sl_eth_dev_is_started(uint16_t port_id);

int sl_eth_dev_set_link_up(uint16_t port_id);
int sl_eth_dev_set_link_down(uint16_t port_id);
/* Waits (up to the driver's timeout, ~9 s for autonegotiation) for the link
 * to be known; the _nowait variant reports what the driver knows now. */
int sl_eth_link_get(uint16_t port_id, struct sl_eth_link *link);
int sl_eth_link_get_nowait(uint16_t port_id, struct sl_eth_link *link);

int sl_eth_stats_get(uint16_t port_id, struct sl_eth_stats *stats);
int sl_eth_stats_reset(uint16_t port_id);

int sl_eth_macaddr_get(uint16_t port_id, struct sl_ether_addr *mac);
/* A unicast, non-zero address. */
int sl_eth_dev_default_mac_addr_set(uint16_t port_id, struct sl_ether_addr *mac);

/* dev_info min_mtu .. max_mtu. Allowed while started only if the driver
 * can change it on the fly. */
int sl_eth_dev_set_mtu(uint16_t port_id, uint16_t mtu);
int sl_eth_dev_get_mtu(uint16_t port_id, uint16_t *mtu);

int sl_eth_promiscuous_enable(uint16_t port_id);
int sl_eth_promiscuous_disable(uint16_t port_id);
/* 1 on, 0 off, -ENODEV. */
int sl_eth_promiscuous_get(uint16_t port_id);
int sl_eth_allmulticast_enable(uint16_t port_id);
int sl_eth_allmulticast_disable(uint16_t port_id);
int sl_eth_allmulticast_get(uint16_t port_id);

/* ---- fast path ------------------------------------------------------------- */

typedef uint16_t (*sl_rx_burst_t)(void *rxq, struct sl_mbuf **pkts, uint16_t nb_pkts);
typedef uint16_t (*sl_tx_burst_t)(void *txq, struct sl_mbuf **pkts, uint16_t nb_pkts);
/* Checks/fixes packets for the TX offloads they request (pseudo-header
 * checksums and the like); returns how many leading packets are fine and
 * sets errno for the first bad one. */
typedef uint16_t (*sl_tx_prepare_t)(void *txq, struct sl_mbuf **pkts, uint16_t nb_pkts);

/* One cache line per port, all the fast path reads. rxq/txq are the
 * driver's queue objects indexed by queue id. A port that is not started
 * has bursts that return 0 and queue arrays that stay valid to index (up
 * to SL_MAX_QUEUES_PER_PORT), so a racing poller cannot crash. Written
 * only by sl_eth_dev_start / stop / close. */
struct sl_eth_fp_ops {
	sl_rx_burst_t rx_burst;
	void **rxq;
	sl_tx_burst_t tx_burst;
	void **txq;
	sl_tx_prepare_t tx_prepare;	/* NULL: nothing to prepare */
	uint16_t nb_rxq;		/* configured queues, for SL_DEBUG_CHECKS */
	uint16_t nb_txq;
	uint32_t reserved_;
	uintptr_t reserved2_[2];
} __sl_cache_aligned;
SL_STATIC_ASSERT(sizeof(struct sl_eth_fp_ops) == SL_CACHE_LINE_SIZE, "fp ops is one cache line");

extern struct sl_eth_fp_ops sl_eth_fp_ops[SL_MAX_ETHPORTS];

#ifdef SL_DEBUG_CHECKS
/* Logs a fast-path misuse (bad port, queue or mbuf). */
void sl_eth_fp_bad_call_(const char *what, uint16_t port_id, uint16_t queue_id);
#endif

/* Receives up to nb_pkts packets (nb_pkts >= 32 lets vector drivers work in
 * full strides). The mbufs belong to the caller afterwards. */
static __sl_always_inline uint16_t sl_eth_rx_burst(uint16_t port_id, uint16_t queue_id,
						   struct sl_mbuf **rx_pkts, uint16_t nb_pkts)
{
	struct sl_eth_fp_ops *fp;
	sl_rx_burst_t rx;
	void **rxq;

#ifdef SL_DEBUG_CHECKS
	if (sl_unlikely(port_id >= SL_MAX_ETHPORTS)) {
		sl_eth_fp_bad_call_("rx_burst", port_id, queue_id);
		return 0;
	}
	if (sl_unlikely(queue_id >= sl_eth_fp_ops[port_id].nb_rxq)) {
		sl_eth_fp_bad_call_("rx_burst", port_id, queue_id);
		return 0;
	}
#endif
	fp = &sl_eth_fp_ops[port_id];
	/* Acquire pairs with sl_eth_dev_start's release: whoever sees the
	 * real burst sees the queues it runs on. Both loads are plain movs
	 * on x86; the atomics only keep the compiler (and TSan) honest. */
	rx = __atomic_load_n(&fp->rx_burst, __ATOMIC_ACQUIRE);
	rxq = __atomic_load_n(&fp->rxq, __ATOMIC_RELAXED);
	return rx(rxq[queue_id], rx_pkts, nb_pkts);
}

/* Queues up to nb_pkts packets for sending; returns how many were taken
 * (their mbufs now belong to the driver, which frees them once sent). The
 * rest still belong to the caller: retry or free them. */
static __sl_always_inline uint16_t sl_eth_tx_burst(uint16_t port_id, uint16_t queue_id,
						   struct sl_mbuf **tx_pkts, uint16_t nb_pkts)
{
	struct sl_eth_fp_ops *fp;
	sl_tx_burst_t tx;
	void **txq;

#ifdef SL_DEBUG_CHECKS
	if (sl_unlikely(port_id >= SL_MAX_ETHPORTS)) {
		sl_eth_fp_bad_call_("tx_burst", port_id, queue_id);
		return 0;
	}
	if (sl_unlikely(queue_id >= sl_eth_fp_ops[port_id].nb_txq)) {
		sl_eth_fp_bad_call_("tx_burst", port_id, queue_id);
		return 0;
	}
	for (uint16_t i = 0; i < nb_pkts; i++)
		if (sl_unlikely(tx_pkts[i] == NULL)) {
			sl_eth_fp_bad_call_("tx_burst (NULL mbuf)", port_id, queue_id);
			return 0;
		}
#endif
	fp = &sl_eth_fp_ops[port_id];
	tx = __atomic_load_n(&fp->tx_burst, __ATOMIC_ACQUIRE);
	txq = __atomic_load_n(&fp->txq, __ATOMIC_RELAXED);
	return tx(txq[queue_id], tx_pkts, nb_pkts);
}

/* Call before sl_eth_tx_burst on packets that request TX offloads. */
static inline uint16_t sl_eth_tx_prepare(uint16_t port_id, uint16_t queue_id,
					 struct sl_mbuf **tx_pkts, uint16_t nb_pkts)
{
	struct sl_eth_fp_ops *fp;
	sl_tx_prepare_t prep;

#ifdef SL_DEBUG_CHECKS
	if (sl_unlikely(port_id >= SL_MAX_ETHPORTS || queue_id >= sl_eth_fp_ops[port_id].nb_txq)) {
		sl_eth_fp_bad_call_("tx_prepare", port_id, queue_id);
		return 0;
	}
#endif
	fp = &sl_eth_fp_ops[port_id];
	prep = __atomic_load_n(&fp->tx_prepare, __ATOMIC_ACQUIRE);
	if (prep == NULL)
		return nb_pkts;
	return prep(__atomic_load_n(&fp->txq, __ATOMIC_RELAXED)[queue_id], tx_pkts, nb_pkts);
}

#ifdef __cplusplus
}
#endif
#endif /* SL_ETHDEV_H */
