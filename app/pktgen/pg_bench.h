/* SPDX-License-Identifier: BSD-3-Clause
 * sl-pktgen --search: what the trials measured and what was found, shared
 * by the trial runner (pg_bench.c), the table and JSON (pg_bench_out.c)
 * and the HTML report (pg_report.c, pg_report_svg.c).
 *
 * Rates are per TX port (each TX port sends one stream at the trial's
 * rate); frame sizes are RFC 2544's, FCS included (64 is --size 60).
 */
#ifndef PG_BENCH_H
#define PG_BENCH_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <time.h>

#include "pg_latency.h"
#include "pg_search.h"

struct pg_app;

/* One trial: a rate held for --search-trial seconds, then --drain-ms. */
struct pg_trial {
	unsigned n;			/* 1, 2, ... over the whole run */
	uint32_t size;
	bool latency;			/* a latency trial (else one of the search) */
	double load_pct;		/* latency trial: share of the rate found */
	double offered_pps;		/* 0: as fast as the sender goes */
	double tx_pps, rx_pps;		/* achieved over the sending time */
	uint64_t sent, received;	/* distinct frames of this trial */
	uint64_t stale;			/* frames of an earlier trial that came late */
	double loss_pct;
	bool pass;			/* loss within what --search allows */
	bool sender_short;		/* sent below the rate: the trial is run again */
	double start_s;			/* since the first trial */
	double duration_s;		/* sending time */
};

/* Latency at one share of the rate found. */
struct pg_load_point {
	double load_pct;
	unsigned trial;			/* its trial's n */
	struct pg_lat lat;		/* every local flow merged */
};

struct pg_result {
	uint32_t size;
	bool found;
	bool sender_bound;		/* the unlimited first trial passed */
	double pps;			/* the highest rate that passed */
	double lo, hi;			/* the final bracket (hi: lowest failing) */
	double line_pps;		/* 0: link speed unknown */
	unsigned trials;		/* search trials (repetitions included) */
	unsigned nb_loads;
	struct pg_load_point *loads;	/* nb_loads, NULL without latency trials */
};

struct pg_bench {
	const struct pg_search_opts *opts;
	unsigned nb_tx;			/* TX ports */
	uint32_t link_mbps;		/* slowest used port's, 0: unknown */
	uint64_t hz;
	uint64_t t0;			/* TSC at the first trial */
	struct timespec wall;		/* when the search started */
	bool interrupted;
	unsigned nb_trials, cap_trials;
	struct pg_trial *trials;
	unsigned nb_results;
	struct pg_result results[PG_SEARCH_MAX_SIZES];
};

/* Gbit/s of pps frames of size bytes (FCS included): on the wire (L1,
 * with preamble, SFD and gap) or of the frames alone (L2). */
double pg_bench_gbps_l1(double pps, uint32_t size);
double pg_bench_gbps_l2(double pps, uint32_t size);
const char *pg_bench_kind_name(const struct pg_search_opts *o);	/* "NDR" / "PDR" */

/* pg_bench_out.c: the results table and the JSON file. */
void pg_bench_table(const struct pg_bench *b, FILE *out);
int pg_bench_json(const struct pg_bench *b, const struct pg_app *a, const char *path);

/* pg_report.c: the HTML page (-errno after one error line). */
int pg_report_write(const struct pg_bench *b, const struct pg_app *a, const char *path);

#endif /* PG_BENCH_H */
