/* SPDX-License-Identifier: BSD-3-Clause
 * sl-pktgen latency histogram: log-linear buckets (the HdrHistogram idea)
 * over nanoseconds, exact min/max/sum, and jitter.
 *
 * Values below 128 ns have a bucket each. Above, every power of two
 * [2^e, 2^(e+1)) is cut into 64 equal buckets, so a bucket is at most
 * 1/64 of its value wide and the middle of a bucket is within 0.8% of any
 * value in it. Values from 2^PG_LAT_MAX_EXP ns (~37 minutes) up share the
 * last bucket; min and max stay exact.
 *
 * Jitter is the mean absolute difference between the latencies of
 * consecutive frames of one flow (the quantity RFC 3550 smooths into its
 * interarrival jitter, here averaged without smoothing), so a histogram
 * belongs to one flow while it is recorded into; merged histograms add
 * their difference sums.
 *
 * Recording is a few integer operations, no division; only the owning RX
 * lcore records, with relaxed atomic stores so that the status printer
 * can merge a live copy.
 */
#ifndef PG_LATENCY_H
#define PG_LATENCY_H

#include <stdint.h>

#include "sl_common.h"

#define PG_LAT_SUB_BITS 6		/* 64 buckets per power of two */
#define PG_LAT_LINEAR 128		/* 2 * 2^SUB_BITS: one bucket per ns below */
#define PG_LAT_MAX_EXP 41
/* 128 linear buckets, 64 for each power of two 2^7 .. 2^(MAX_EXP-1), and
 * one for everything above. */
#define PG_LAT_BUCKETS ((PG_LAT_MAX_EXP - 7) * 64 + PG_LAT_LINEAR + 1)

struct pg_lat {
	uint64_t count;
	uint64_t sum;			/* ns */
	uint64_t min;			/* UINT64_MAX when empty */
	uint64_t max;
	uint64_t jitter_sum;		/* sum of |l(i) - l(i-1)|, ns */
	uint64_t jitter_n;
	uint64_t last;			/* previous sample (for jitter) */
	uint64_t buckets[PG_LAT_BUCKETS];
};

void pg_lat_init(struct pg_lat *h);
/* Adds src's samples into dst (jitter sums included). */
void pg_lat_merge(struct pg_lat *dst, const struct pg_lat *src);
/* The value below which a fraction p (0 < p <= 1) of the samples lie, as
 * the middle of its bucket clamped to [min, max]; 0 when empty. */
uint64_t pg_lat_percentile(const struct pg_lat *h, double p);
double pg_lat_mean(const struct pg_lat *h);
double pg_lat_jitter(const struct pg_lat *h);
/* Bucket bounds [lo, hi] of bucket i (for tests and reports). */
uint64_t pg_lat_bucket_lo(unsigned i);
uint64_t pg_lat_bucket_hi(unsigned i);

static __sl_always_inline unsigned pg_lat_bucket(uint64_t ns)
{
	unsigned e, shift;

	if (ns < PG_LAT_LINEAR)
		return (unsigned)ns;
	e = 63 - (unsigned)__builtin_clzll(ns);	/* 2^e <= ns < 2^(e+1), e >= 7 */
	if (sl_unlikely(e >= PG_LAT_MAX_EXP))
		return PG_LAT_BUCKETS - 1;
	shift = e - PG_LAT_SUB_BITS;
	/* ns >> shift is in [64, 128): the top 7 bits of ns. */
	return (shift - 1) * 64 + 64 + (unsigned)(ns >> shift);
}

static inline void pg_lat_store_(uint64_t *c, uint64_t v)
{
	__atomic_store_n(c, v, __ATOMIC_RELAXED);
}

static __sl_always_inline void pg_lat_record(struct pg_lat *h, uint64_t ns)
{
	unsigned b = pg_lat_bucket(ns);

	if (sl_likely(h->count != 0)) {
		uint64_t d = ns > h->last ? ns - h->last : h->last - ns;

		pg_lat_store_(&h->jitter_sum, h->jitter_sum + d);
		pg_lat_store_(&h->jitter_n, h->jitter_n + 1);
	}
	h->last = ns;
	pg_lat_store_(&h->buckets[b], h->buckets[b] + 1);
	pg_lat_store_(&h->sum, h->sum + ns);
	if (sl_unlikely(ns < h->min))
		pg_lat_store_(&h->min, ns);
	if (sl_unlikely(ns > h->max))
		pg_lat_store_(&h->max, ns);
	pg_lat_store_(&h->count, h->count + 1);
}

#endif /* PG_LATENCY_H */
