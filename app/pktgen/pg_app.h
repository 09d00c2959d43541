/* SPDX-License-Identifier: BSD-3-Clause
 * sl-pktgen run-time state: TX and RX tasks, the lcores that run them, and
 * the counters the main lcore reads for the status line and the summary.
 *
 * A task is one unit of polling work: a TX task owns one TX queue of a
 * port and sends every stream of that port (each stream's rate divided
 * among the port's queues); an RX task owns one RX queue of a port. Tasks
 * are dealt to lcores; an lcore runs its tasks round robin, so any number
 * of tasks fits any number of lcores (each queue is still polled by one
 * lcore only).
 *
 * Counters are written only by the task's lcore (relaxed atomic stores of
 * its own running sums: plain moves on x86) and read by the main lcore.
 */
#ifndef PG_APP_H
#define PG_APP_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <time.h>

#include "sl_ethdev.h"
#include "sl_mbuf.h"

#include "pg_flow.h"
#include "pg_frame.h"
#include "pg_latency.h"
#include "pg_opts.h"
#include "pg_pcap.h"
#include "pg_rate.h"
#include "pg_seq.h"
#include "pg_size.h"

#define PG_MAX_TASKS_PER_LCORE 64
#define PG_MAX_RX_FLOWS 256
#define PG_RX_HASH_SLOTS 1024	/* power of two, > 2 * PG_MAX_RX_FLOWS */
#define PG_TX_FLUSH_MS 100	/* after stop: how long unsent frames are retried */

/* One stream as sent by one TX queue. */
struct pg_tx_stream {
	struct pg_template tmpl;
	struct pg_flow flow;
	struct pg_sizer sizer;
	struct pg_rate rate;
	const struct pg_stream_opts *opts;
	uint16_t stream_id;
	bool done;
	uint64_t seq;			/* next sequence number (frames built) */
	uint64_t limit;			/* frames to build, 0: no limit */
	/* replay */
	const struct pg_capture *cap;
	bool timed;			/* capture timing (--pcap-speed) */
	uint64_t *due;			/* timed: frame i due due[i] ticks into a loop */
	uint64_t loop_period;		/* timed: ticks per loop */
	uint64_t loop_base;		/* timed: TSC at the start of this loop */
	uint64_t loops_left;		/* 0 with loop_forever */
	bool loop_forever;
	uint32_t cap_idx;
	/* counters (read by main) */
	uint64_t tx_frames;		/* accepted by the port */
	uint64_t tx_bytes;
	uint64_t unsent;		/* built but given up on at stop */
} __sl_cache_aligned;

struct pg_tx_task {
	uint16_t port;
	uint16_t queue;
	unsigned burst;
	unsigned nb_streams;
	struct pg_tx_stream *streams;
	unsigned next_stream;		/* round robin start */
	struct sl_mempool *pool;
	/* frames built but not yet taken by the port (one stream's) */
	struct sl_mbuf *pending[2 * PG_MAX_BURST];	/* 2x: room for test duplicates */
	uint32_t pending_len[2 * PG_MAX_BURST];
	unsigned nb_pending;
	unsigned pending_pos;
	struct pg_tx_stream *pending_stream;
	/* mbufs allocated ahead, so a burst needs one bulk allocation */
	struct sl_mbuf *stash[PG_MAX_BURST];
	unsigned nb_stash;
	uint64_t stop_deadline;		/* TSC, set at the first poll after stop */
	const struct pg_faults *faults;	/* test hook, NULL in production runs */
	struct sl_mbuf *held;		/* faults: a frame sent after its successor */
	uint32_t held_len;
	/* counters */
	uint64_t tx_frames;
	uint64_t tx_bytes;
	uint64_t nombuf;		/* mbuf allocations that failed */
	uint64_t full;			/* bursts the port did not take whole */
	uint64_t last_tx_tsc;		/* when the port last took frames */
	int finished;			/* atomic: all streams done and nothing pending */
} __sl_cache_aligned;

struct pg_rx_flow {
	uint32_t key;			/* port << 16 | stream << 8 | queue */
	bool local;			/* sent by this process: latency and exact loss */
	uint64_t bytes;
	struct pg_seq seq;
	struct pg_lat lat;
};

struct pg_rx_task {
	uint16_t port;
	uint16_t queue;
	unsigned burst;
	struct sl_mempool *pool;
	uint64_t ns_mult;		/* ns = ticks * ns_mult >> 32 */
	/* [port * 256 + stream]: TX queues sending that stream in this
	 * process (0: not ours). A flow is local if its queue is below. */
	const uint8_t *local_txq;
	/* [stream * PG_MAX_TXQ + queue]: the first sequence number of the
	 * current run of a local flow (a --search trial); NULL: 0 */
	const uint64_t *seq_base;
	struct pg_rxcap *cap;		/* --rx-pcap, NULL if off or full */
	/* flows, found by key through an open-addressing table */
	uint32_t slot_key[PG_RX_HASH_SLOTS];	/* key + 1, 0: empty */
	uint16_t slot_flow[PG_RX_HASH_SLOTS];
	struct pg_rx_flow *flows;	/* PG_MAX_RX_FLOWS, ready to use */
	unsigned nb_flows;		/* published with release */
	uint32_t last_key;
	struct pg_rx_flow *last_flow;
	/* counters */
	uint64_t rx_frames;
	uint64_t rx_bytes;
	uint64_t sig_frames;		/* carrying a signature */
	uint64_t untracked;		/* signed but beyond PG_MAX_RX_FLOWS */
} __sl_cache_aligned;

enum pg_task_kind { PG_TASK_TX, PG_TASK_RX };

struct pg_task {
	enum pg_task_kind kind;
	void *task;
};

struct pg_lcore {
	unsigned lcore;
	unsigned nb_tasks;
	struct pg_task tasks[PG_MAX_TASKS_PER_LCORE];
};

/* Run-wide state shared by all lcores. */
struct pg_run {
	int tx_stop;			/* atomic: stop building frames */
	int rx_stop;			/* atomic: every lcore returns */
	uint64_t tx_deadline;		/* TSC at which sending stops (--duration), 0: none */
	uint64_t hz;
};

extern struct pg_run pg_run;

/* One port as the run uses it. */
struct pg_port {
	bool used, tx_role, rx_role;
	char name[SL_ETH_NAME_MAX_LEN];
	const char *driver;
	struct sl_ether_addr mac;
	uint16_t mtu;
	uint32_t max_frame;		/* mtu + 14 (+ 4 for a VLAN tag) */
	uint32_t link_mbps;		/* 0: unknown */
	unsigned nb_txq;
	struct sl_mempool *rx_pool;
	struct sl_mempool *tx_pool[PG_MAX_TXQ];
	struct pg_tx_task *tx[PG_MAX_TXQ];
	unsigned nb_rxq;
	struct pg_rx_task *rx[PG_MAX_RXQ];
	bool configured, started;
	/* status line: values at the previous line */
	uint64_t st_tx_frames, st_tx_bytes, st_rx_frames, st_rx_bytes;
};

struct pg_app {
	struct pg_opts opts;
	struct pg_port ports[PG_MAX_PORTS];
	uint8_t local_txq[PG_MAX_PORTS * 256];
	unsigned nb_tx_tasks, nb_rx_tasks;
	struct pg_tx_task *tx_tasks[PG_MAX_PORTS * PG_MAX_TXQ];
	struct pg_rx_task *rx_tasks[PG_MAX_PORTS * PG_MAX_RXQ];
	struct pg_lcore *lcores;	/* indexed by lcore id */
	bool rxcap_on;
	struct pg_rxcap rxcap;
	uint64_t hz;
	uint64_t t_start, t_tx_end, t_end, t_status;
	struct timespec wall_start;
	bool interrupted;
	/* one run (pg_run.c): a plain run, or a trial of a --search */
	double run_s;			/* sending time, 0: until the limits or SIGINT */
	bool status_lines;		/* the line per second on stderr */
	bool ran;			/* --start-delay-ms is waited once */
	/* --search trials number every flow on from the previous trial:
	 * frames numbered below seq_base are stale (pg_bench.c) */
	uint64_t seq_base[PG_MAX_STREAMS * PG_MAX_TXQ];
	uint64_t accounted_base;	/* sum of seq_base over the local flows */
};

/* ---- reports (pg_stats.c) ---- */

/* One line of the stream table: a stream of this process (all its TX
 * queues), or frames of another sender's stream received here. */
struct pg_stream_sum {
	unsigned port, stream;
	bool local;			/* sent by this process */
	bool replay;			/* a pcap replay: no signatures */
	uint64_t tx_frames, tx_bytes;	/* taken by the port */
	uint64_t built, unsent;
	uint64_t rx_frames, rx_bytes;	/* unique frames received */
	uint64_t dups, late;
	int64_t lost;			/* -1: cannot be known (no RX port) */
	struct pg_lat lat;
};

/* Fills sums (up to max) and returns their count. */
unsigned pg_stats_streams(const struct pg_app *app, struct pg_stream_sum *sums, unsigned max);
/* Frames lost over all streams whose loss is known. */
uint64_t pg_stats_total_lost(const struct pg_app *app);
/* Frames of local streams sent and received so far: the drain is over
 * when they match. */
void pg_stats_accounted(const struct pg_app *app, uint64_t *sent, uint64_t *received);
void pg_stats_status(struct pg_app *app, uint64_t now);
void pg_stats_summary(const struct pg_app *app, FILE *out);
int pg_stats_json(const struct pg_app *app, const char *path);
/* Pieces of the JSON and the tables that pg_bench_out.c shares. */
void pg_stats_json_lat(FILE *f, const struct pg_lat *l);	/* null when empty */
void pg_stats_json_str(FILE *f, const char *s);
void pg_fmt_pps(char *buf, size_t len, double pps);		/* "1.488 Mpps" */
void pg_fmt_ns(char *buf, size_t len, double ns);		/* "3.2 us" */

/* ---- runs (pg_run.c) ---- */

/* SIGINT and SIGTERM end a run (a second one ends the drain). */
void pg_run_catch_signals(void);
int pg_run_signals(void);
/* Sends for run_s (or to the limits), drains, and stops every lcore. */
void pg_run_traffic(struct pg_app *a);

/* ---- --search (pg_bench.c) ---- */

/* Runs the search over every frame size, prints and writes the results:
 * 0, or -errno after one error line (a file that cannot be written). */
int pg_bench_run(struct pg_app *a);

/* One poll of a task. */
void pg_tx_poll(struct pg_tx_task *t);
void pg_rx_poll(struct pg_rx_task *t);
/* Sets up the flow table of an RX task: 0 or -ENOMEM. */
int pg_rx_task_init(struct pg_rx_task *t);
void pg_rx_task_free(struct pg_rx_task *t);
/* Frees what a TX task still holds (after its lcore stopped). */
void pg_tx_task_release(struct pg_tx_task *t);

#endif /* PG_APP_H */
