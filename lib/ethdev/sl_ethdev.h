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
#include "sl_ethdev_core.h"
#include "sl_ether.h"
#include "sl_log.h"
#include "sl_mbuf.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---- limits ------------------------------------------------------------ */

/* SL_MAX_ETHPORTS and SL_MAX_QUEUES_PER_PORT: sl_ethdev_core.h */
/* Queues 0 .. SL_ETHDEV_QUEUE_STAT_CNTRS-1 have their own counters in
 * struct sl_eth_stats; higher queues count in the port totals only. */
#define SL_ETHDEV_QUEUE_STAT_CNTRS 16
/* Port names ("net_null0", "0000:00:03.0"), terminating NUL included. */
#define SL_ETH_NAME_MAX_LEN 64

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
		/* link changes run SL_ETH_EVENT_INTR_LSC callbacks
		 * (sl_eth_dev_callback_register) on the EAL interrupt thread */
		uint32_t lsc;
		/* RX queues can wake a sleeping lcore (sl_eth_dev_rx_intr_*) */
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
	/* SL_ETH_INTR_*: what intr_conf may ask of this port. A queue's
	 * interrupts take a vector each where the device has them (MSI-X);
	 * max_rx_intr_queues says how many queues can interrupt at most. */
	uint32_t intr_capa;
	uint16_t max_rx_intr_queues;
};
#define SL_ETH_INTR_RXQ 0x1	/* intr_conf.rxq: RX queue interrupts */
#define SL_ETH_INTR_LSC 0x2	/* intr_conf.lsc: link change events */

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
 * conf NULL means dev_info default_rxconf. A threshold the driver has a
 * default for (non-zero in default_rxconf / default_txconf) is, when 0 or
 * conf is NULL, that default capped to a quarter of the ring; the free
 * thresholds must then be below nb_desc, tx_rs_thresh at most nb_desc / 4.
 * mp must be a pktmbuf pool whose data room (headroom excluded) is at
 * least dev_info min_rx_bufsize. Setting up a queue again replaces it.
 * Only while stopped. */
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

/* ---- interrupts (port configured with intr_conf.rxq / .lsc, dev_info
 * intr_capa says which a port has) ------------------------------------- */

/* Arm / disarm the queue's interrupt (started port): after enable, the
 * queue's fd becomes readable at the next frame, or at once if frames are
 * already waiting. A poll loop disables while it polls, enables, then
 * sleeps in sl_eal_wait_fds on the fds of its queues. 0 or -errno after a
 * log line. Called by the queue's own lcore only. */
int sl_eth_dev_rx_intr_enable(uint16_t port_id, uint16_t queue_id);
int sl_eth_dev_rx_intr_disable(uint16_t port_id, uint16_t queue_id);
/* The queue's eventfd, for sl_eal_wait_fds or an application's own
 * epoll (read it to reset it), or -errno. */
int sl_eth_dev_rx_intr_fd(uint16_t port_id, uint16_t queue_id);

enum sl_eth_event_type {
	SL_ETH_EVENT_INTR_LSC = 0,	/* the link went up or down, or changed speed */
	SL_ETH_EVENT_MAX,
};
/* Runs on the EAL interrupt thread: keep it short, never block on an lcore. */
typedef void (*sl_eth_dev_cb_fn)(uint16_t port_id, enum sl_eth_event_type event, void *cb_arg);
/* 0 (also when registered already), -EINVAL, -ENODEV, -ENOSPC. */
int sl_eth_dev_callback_register(uint16_t port_id, enum sl_eth_event_type event,
				 sl_eth_dev_cb_fn cb, void *cb_arg);
int sl_eth_dev_callback_unregister(uint16_t port_id, enum sl_eth_event_type event,
				   sl_eth_dev_cb_fn cb, const void *cb_arg);

/* ---- burst hooks (live capture) ------------------------------------------ */

enum sl_eth_burst_dir { SL_ETH_BURST_RX = 0, SL_ETH_BURST_TX = 1 };
/* Sets (or with NULL removes) the hook every burst of the port in that
 * direction runs: RX after the driver returned frames, TX before the
 * driver takes them (so it sees frames a full TX ring then refuses). One
 * hook per port and direction; it replaces the one before. Returns once
 * no lcore can still be inside the previous hook, which may then be
 * freed. The hook runs on the polling lcore: it must not block. Not from
 * a hook itself. 0, -EINVAL, -ENODEV (setting a hook on a port that does
 * not exist; removing one always works). */
int sl_eth_burst_hook_set(uint16_t port_id, enum sl_eth_burst_dir dir,
			  const struct sl_eth_burst_hook *hook);
/* The hook set now, or NULL. */
const struct sl_eth_burst_hook *sl_eth_burst_hook_get(uint16_t port_id, enum sl_eth_burst_dir dir);

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

#ifdef __cplusplus
}
#endif

#endif /* SL_ETHDEV_H */
