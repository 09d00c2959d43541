/* SPDX-License-Identifier: BSD-3-Clause
 * sl-l3fwd's parts (main.c describes the whole): the options
 * (l3fwd_args.c), the routes (l3fwd_route.c), the forwarding loop
 * (l3fwd_fwd.c), the statistics (l3fwd_stats.c) and the ports with main
 * (main.c), and the state they share.
 */
#ifndef L3FWD_H
#define L3FWD_H

#include <stdbool.h>
#include <stdint.h>

#include "sl_eal.h"
#include "sl_ethdev.h"
#include "sl_hash.h"
#include "sl_lpm.h"
#include "sl_lpm6.h"
#include "sl_mbuf.h"
#include "sl_net.h"

#include "app_common.h"

#define L3FWD_LOG "L3FWD"	/* the module of its log lines */

#define MAX_PKT_BURST 32
#define MAX_RXQ_PER_LCORE 16
#define MAX_CONFIG 128		/* (port,queue,lcore) entries */
#define MAX_ROUTE_FILES 4
#define DEFAULT_DESC 1024
#define MEMPOOL_CACHE 256
#define MIN_MBUFS 8192u
#define CHORES_US 100		/* how often an lcore nudges its TX queues, the main one its chores */

/* Routes without --route-file: DPDK l3fwd's, one per port 0..15. */
#define DEFAULT_ROUTES 16

enum lookup_mode { LOOKUP_LPM, LOOKUP_EM };

struct config_entry {
	uint16_t port;
	uint16_t queue;
	unsigned lcore;		/* the dense lcore id (sl_lcore_id) */
	unsigned cpu;		/* as given: the CPU of -l, as DPDK's lcore id */
};

struct l3fwd_opts {
	uint32_t portmask;
	bool promiscuous;
	enum lookup_mode mode;
	struct config_entry config[MAX_CONFIG];
	unsigned nb_config;		/* 0: the default plan (main.c) */
	struct sl_ether_addr eth_dest[SL_MAX_ETHPORTS];
	uint32_t eth_dest_set;		/* ports with --eth-dest */
	const char *route_files[MAX_ROUTE_FILES];
	unsigned nb_route_files;
	unsigned timer_period;		/* -T seconds, 0 = off */
	uint16_t nb_rxd, nb_txd;
	unsigned nb_mbufs;		/* 0: sized from the configuration */
	uint64_t max_packets;		/* 0: no limit */
	double duration;		/* seconds, 0: no limit */
};

/* Why a frame was dropped: X(id, name in the statistics and telemetry). */
#define L3FWD_DROPS(X)                   \
	X(NOT_IP, "not_ip")              \
	X(BAD_HEADER, "bad_header")      \
	X(BAD_CKSUM, "bad_checksum")     \
	X(TTL, "ttl_exceeded")           \
	X(NO_ROUTE, "no_route")          \
	X(TX_FULL, "tx_full")
#define L3FWD_DROP_ID(id, name) DROP_##id,
enum drop_reason { L3FWD_DROPS(L3FWD_DROP_ID) NB_DROPS };
extern const char *const drop_names[NB_DROPS];

/* One lcore's counters for one port: RX drops count against the port a
 * frame came in on, tx_full against the port it was to leave by. */
struct port_counters {
	uint64_t rx;
	uint64_t tx;
	uint64_t drop[NB_DROPS];
};

/* One lcore's view of every port, on cache lines of its own. */
struct lcore_stats {
	struct port_counters port[SL_MAX_ETHPORTS];
} __sl_cache_aligned;

struct rx_queue {
	uint16_t port;
	uint16_t queue;
};

/* Frames of one burst on their way out of one port. */
struct tx_buffer {
	uint16_t n;
	struct sl_mbuf *pkts[MAX_PKT_BURST];
};

struct lcore_conf {
	unsigned nb_rxq;
	struct rx_queue rxq[MAX_RXQ_PER_LCORE];
	uint16_t tx_queue;		/* this lcore's TX queue on every port */
	struct tx_buffer tx[SL_MAX_ETHPORTS];
} __sl_cache_aligned;

/* A port's new Ethernet header start: destination, then source. */
struct port_hdr {
	uint8_t bytes[2 * SL_ETHER_ADDR_LEN];
};

/* IPv4 and IPv6 exact-match keys as they lie in the headers (network
 * order); ports are 0 for protocols other than TCP and UDP. */
struct em_key4 {
	uint32_t ip_src;
	uint32_t ip_dst;
	uint16_t port_src;
	uint16_t port_dst;
	uint8_t proto;
	uint8_t pad[3];
};

struct em_key6 {
	uint8_t ip_src[16];
	uint8_t ip_dst[16];
	uint16_t port_src;
	uint16_t port_dst;
	uint8_t proto;
	uint8_t pad[3];
};

SL_STATIC_ASSERT(sizeof(struct em_key4) == 16, "no padding the compiler could leave unset");
SL_STATIC_ASSERT(sizeof(struct em_key6) == 40, "no padding the compiler could leave unset");

/* The routing tables (l3fwd_route.c), read-only while forwarding. */
struct route_tables {
	struct sl_lpm *lpm4;
	struct sl_lpm6 *lpm6;
	struct sl_hash *em4;
	struct sl_hash *em6;
};

extern struct l3fwd_opts opts;
extern struct route_tables routes;
extern struct lcore_conf *lcore_conf;
extern struct lcore_stats *lcore_stats;
extern unsigned nb_lcores;
extern struct port_hdr port_hdr[SL_MAX_ETHPORTS];

/* l3fwd_args.c: the options after the EAL's, as app_parse_fn (0, 1 after
 * -h, or -EINVAL after one line), and the usage. */
int l3fwd_parse_args(int argc, char **argv);
void l3fwd_usage(const char *prog);

/* l3fwd_route.c: the tables of opts.mode from the route files or DPDK
 * l3fwd's defaults, routes to ports outside the portmask left out; 0, or
 * < 0 after one line naming the file and line. */
int routes_load(void);
void routes_free(void);

/* l3fwd_fwd.c: every lcore's work until quit; returns once all are back. */
void l3fwd_forward(void);

/* l3fwd_stats.c */
void l3fwd_control_init(uint64_t start_tsc);
void l3fwd_control_tick(uint64_t now);
void l3fwd_summary(uint64_t elapsed_tsc);
void l3fwd_telemetry_init(void);

#endif /* L3FWD_H */
