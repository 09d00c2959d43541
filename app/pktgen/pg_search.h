/* SPDX-License-Identifier: BSD-3-Clause
 * sl-pktgen throughput search (--search ndr|pdr): the highest rate whose
 * trials lose at most a given share of the frames (RFC 2544 section 26.1;
 * NDR: none, PDR: a partial drop rate), found per frame size.
 *
 * This file is the decision logic only, with no clock and no port: it says
 * which rate to try next and takes each verdict back, so the unit test
 * drives it with a model of a device. pg_bench.c runs the trials.
 *
 * How it searches (fewer trials than plain bisection when the device has a
 * clear capacity):
 *   1. one trial at the upper bound (--search-max, default: as fast as the
 *      sender can). If it passes, that is the result (the device keeps up
 *      with the sender, or with the bound).
 *   2. otherwise the rate the device forwarded during that overload trial
 *      (frames received per second) is a guess of its capacity: the next
 *      trial runs there.
 *   3. gallop from the guess: while trials keep failing (passing), step down
 *      (up) by a step that doubles each time, starting at the precision;
 *      the first change of verdict gives a bracket [pass, fail].
 *   4. bisect the bracket until it is no wider than the precision.
 * A rate passes only when all its repetitions pass (the caller runs them).
 * The lower bound (--search-min) is tried if the search reaches it without
 * a pass; if it fails too, no rate is found.
 */
#ifndef PG_SEARCH_H
#define PG_SEARCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "pg_rate.h"

#define PG_SEARCH_MAX_SIZES 32
#define PG_SEARCH_MAX_LOADS 16

enum pg_search_kind { PG_SEARCH_OFF = 0, PG_SEARCH_NDR, PG_SEARCH_PDR };

/* What --search and its companions ask for (pg_opts). */
struct pg_search_opts {
	enum pg_search_kind kind;
	double loss_pct;		/* allowed loss, percent of frames sent (0: NDR) */
	unsigned nb_sizes;
	uint32_t sizes[PG_SEARCH_MAX_SIZES];	/* RFC 2544 frame sizes: FCS included */
	struct pg_rate_spec min, max;	/* per TX port; max UNLIMITED: the sender's */
	double precision;		/* fraction of the rate if precision_rel, else pps */
	bool precision_rel;
	double trial_s;
	unsigned reps;
	unsigned nb_loads;
	double loads_pct[PG_SEARCH_MAX_LOADS];	/* latency at these shares of the rate found */
	char *report;			/* --report FILE.html */
};

void pg_search_opts_defaults(struct pg_search_opts *s);

/* Value parsers: 0, or -EINVAL with the reason in err. */
int pg_parse_search(const char *v, struct pg_search_opts *s, char *err, size_t errlen);
int pg_parse_search_sizes(const char *v, struct pg_search_opts *s, char *err, size_t errlen);
int pg_parse_search_precision(const char *v, struct pg_search_opts *s, char *err, size_t errlen);
int pg_parse_search_loads(const char *v, struct pg_search_opts *s, char *err, size_t errlen);

/* Frames per second of rate spec r for frames of size bytes (FCS included)
 * on a link of link_mbps (0: unknown; a percentage then gives 0). An
 * UNLIMITED spec gives 0. */
double pg_search_spec_pps(const struct pg_rate_spec *r, uint32_t size, uint32_t link_mbps);
/* Frames per second a link of link_mbps carries at most (size with FCS):
 * preamble, SFD and inter-frame gap counted. 0 when unknown. */
double pg_search_line_pps(uint32_t size, uint32_t link_mbps);

enum pg_search_phase { PG_SEARCH_FIRST, PG_SEARCH_GALLOP, PG_SEARCH_BISECT, PG_SEARCH_FLOOR,
		       PG_SEARCH_DONE };

struct pg_search {
	double min_pps, max_pps;	/* bounds; max 0: unlimited */
	double precision;
	bool precision_rel;
	enum pg_search_phase phase;
	double lo;			/* highest rate that passed, or the floor */
	bool lo_passed;
	double hi;			/* lowest rate that failed (or the ceiling) */
	double step;			/* gallop step */
	int dir;			/* gallop: -1 down, +1 up, 0 not yet */
	double next;			/* rate of the next trial, 0: unlimited */
	bool found;
	double result;			/* highest passing rate when found */
};

/* max_pps 0: the first trial is unlimited. */
void pg_search_init(struct pg_search *s, double min_pps, double max_pps, double precision,
		    bool precision_rel);
/* false when the search is over; else *pps is the next rate (0: unlimited). */
bool pg_search_next(const struct pg_search *s, double *pps);
/* The verdict of the rate pg_search_next gave: tx_pps and rx_pps are what
 * the sender achieved and what came back (per second of the trial). */
void pg_search_verdict(struct pg_search *s, bool pass, double tx_pps, double rx_pps);
/* Whether the bracket [lo, hi] is within the precision. */
bool pg_search_converged(const struct pg_search *s);

#endif /* PG_SEARCH_H */
