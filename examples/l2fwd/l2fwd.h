/* SPDX-License-Identifier: BSD-3-Clause
 * sl-l2fwd's parts (main.c describes the whole): the options
 * (l2fwd_args.c), the forwarding loop (l2fwd_fwd.c), the statistics
 * (l2fwd_stats.c) and the port/lcore plan with main (main.c), and the state
 * they share.
 */
#ifndef L2FWD_H
#define L2FWD_H

#include <stdbool.h>
#include <stdint.h>

#include "sl_eal.h"
#include "sl_ethdev.h"
#include "sl_mbuf.h"

#include "app_common.h"

#define L2FWD_LOG "L2FWD"	/* the module of its log lines */

#define MAX_BURST 256
#define DEFAULT_BURST 32
#define MAX_SLOTS_PER_LCORE 16
#define MAX_QUEUES_PER_PORT 16
#define DEFAULT_DESC 1024
#define DRAIN_US 100
#define MEMPOOL_CACHE 256
#define MIN_MBUFS 8192u

/* --rx-mode: when an lcore sleeps on its queues' interrupts */
enum rx_mode { RX_MODE_POLL, RX_MODE_INTERRUPT, RX_MODE_ADAPTIVE };
extern const char *const rx_mode_names[3];
/* adaptive: empty polls of all of an lcore's queues before it sleeps
 * (about 30 us of a 2 GHz core's polling: short enough to save the CPU
 * between bursts, long enough that a steady stream never sleeps) */
#define ADAPTIVE_IDLE_POLLS 300
/* a sleeping lcore still wakes this often: quit and the main lcore's
 * statistics and limits */
#define SLEEP_TIMEOUT_MS 100

struct port_pair {
	uint16_t a, b;
};

struct l2fwd_opts {
	uint32_t portmask;
	unsigned slots_per_lcore;	/* -q */
	unsigned nb_queues;		/* --queues: queue pairs per port */
	unsigned timer_period;		/* -T, seconds, 0 = off */
	bool mac_updating;
	bool promiscuous;
	struct port_pair pairs[SL_MAX_ETHPORTS / 2];	/* --portmap */
	unsigned nb_pairs;
	bool have_portmap;
	uint16_t nb_rxd, nb_txd;
	unsigned burst;
	unsigned nb_mbufs;		/* 0: sized from the configuration */
	uint64_t max_packets;		/* 0: no limit */
	double duration;		/* seconds, 0: no limit */
	unsigned mtu;			/* 0: port default */
	enum rx_mode rx_mode;
};

/* One RX queue and the TX queue its frames go to. */
struct fwd_slot {
	uint16_t rx_port;
	uint16_t queue;
	uint16_t tx_port;
	uint16_t nb_buf;
	uint8_t mac_hdr[2 * SL_ETHER_ADDR_LEN];	/* new dst then src */
	struct sl_mbuf *buf[MAX_BURST];
};

struct lcore_conf {
	unsigned nb_slots;
	struct fwd_slot slots[MAX_SLOTS_PER_LCORE];
} __sl_cache_aligned;

struct port_counters {
	uint64_t rx;
	uint64_t tx;
	uint64_t dropped;
};

/* One lcore's view of every port; the array of these keeps lcores on
 * separate cache lines (the size is a multiple of the line). */
struct lcore_stats {
	struct port_counters port[SL_MAX_ETHPORTS];
	uint64_t sleep_tsc;		/* TSC cycles spent asleep (--rx-mode) */
	uint64_t wakeups;
	uint64_t loop_tsc;		/* TSC cycles in the forwarding loop */
	uint64_t start_tsc;		/* when the loop started, 0 before */
	uint64_t busy_tsc;		/* cycles of passes that got frames (~100 us late) */
} __sl_cache_aligned;
SL_STATIC_ASSERT(sizeof(struct lcore_stats) % SL_CACHE_LINE_SIZE == 0, "stats per lcore on own lines");

/* The options (l2fwd_args.c). */
extern struct l2fwd_opts opts;

/* The plan and the ports (main.c). */
extern struct lcore_conf *lcore_conf;
extern struct lcore_stats *lcore_stats;
extern unsigned nb_lcores;
extern uint16_t dst_port[SL_MAX_ETHPORTS];
extern struct sl_ether_addr port_mac[SL_MAX_ETHPORTS];

/* The quit flag is app_common.h's (app_quit_requested): SIGINT/SIGTERM
 * and the main lcore's limits set it. */
static inline bool quit_requested(void)
{
	return app_quit_requested();
}

static inline void request_quit(void)
{
	app_request_quit();
}

/* l2fwd_args.c: the options after the EAL's, as app_parse_fn (0, 1 after
 * -h, or -EINVAL after one line), and the usage. */
int l2fwd_parse_args(int argc, char **argv);
void l2fwd_usage(const char *prog);

/* l2fwd_fwd.c: every lcore's work (forwarding, the main lcore's chores
 * too) until quit is requested; returns once all lcores are back. */
void l2fwd_forward(void);

/* l2fwd_stats.c: the main lcore's chores (statistics every -T PERIOD,
 * --max-packets and --duration) from start_tsc on, and the summary. */
void l2fwd_control_init(uint64_t start_tsc);
void l2fwd_control_tick(uint64_t now);
void l2fwd_summary(uint64_t elapsed_tsc);
/* The telemetry command /l2fwd/stats and the lcores' busy cycles. */
void l2fwd_telemetry_init(void);

#endif /* L2FWD_H */
