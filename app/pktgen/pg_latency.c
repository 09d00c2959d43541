/* SPDX-License-Identifier: BSD-3-Clause
 * sl-pktgen latency histogram: merge and percentiles (report time only). */
#include <math.h>
#include <string.h>

#include "pg_latency.h"

void pg_lat_init(struct pg_lat *h)
{
	memset(h, 0, sizeof(*h));
	h->min = UINT64_MAX;
}

static uint64_t load(const uint64_t *c)
{
	return __atomic_load_n(c, __ATOMIC_RELAXED);
}

void pg_lat_merge(struct pg_lat *dst, const struct pg_lat *src)
{
	uint64_t mn = load(&src->min), mx = load(&src->max);

	/* Live copies: a sample being recorded may be half in, which only
	 * skews a status line, never the final summary (taken when the RX
	 * lcores have stopped). */
	dst->count += load(&src->count);
	dst->sum += load(&src->sum);
	dst->jitter_sum += load(&src->jitter_sum);
	dst->jitter_n += load(&src->jitter_n);
	if (mn < dst->min)
		dst->min = mn;
	if (mx > dst->max)
		dst->max = mx;
	for (unsigned i = 0; i < PG_LAT_BUCKETS; i++)
		dst->buckets[i] += load(&src->buckets[i]);
}

uint64_t pg_lat_bucket_lo(unsigned i)
{
	unsigned k, shift;
	uint64_t m;

	if (i < PG_LAT_LINEAR)
		return i;
	if (i >= PG_LAT_BUCKETS - 1)
		return UINT64_C(1) << PG_LAT_MAX_EXP;
	k = (i - PG_LAT_LINEAR) / 64;
	shift = k + 1;
	m = 64 + (i - PG_LAT_LINEAR) % 64;
	return m << shift;
}

uint64_t pg_lat_bucket_hi(unsigned i)
{
	if (i < PG_LAT_LINEAR)
		return i;
	if (i >= PG_LAT_BUCKETS - 1)
		return UINT64_MAX;
	return pg_lat_bucket_lo(i + 1) - 1;
}

uint64_t pg_lat_percentile(const struct pg_lat *h, double p)
{
	uint64_t rank, seen = 0;

	if (h->count == 0)
		return 0;
	if (p <= 0)
		return h->min;
	if (p > 1)
		p = 1;
	/* The smallest sample with at least p of all samples at or below it. */
	rank = (uint64_t)ceil(p * (double)h->count - 1e-9);
	if (rank == 0)
		rank = 1;
	if (rank >= h->count)
		return h->max;	/* the largest sample is known exactly */
	for (unsigned i = 0; i < PG_LAT_BUCKETS; i++) {
		seen += h->buckets[i];
		if (seen >= rank) {
			uint64_t lo = pg_lat_bucket_lo(i), hi = pg_lat_bucket_hi(i);
			uint64_t mid = i >= PG_LAT_BUCKETS - 1 ? h->max : lo + (hi - lo) / 2;

			if (mid < h->min)
				mid = h->min;
			if (mid > h->max)
				mid = h->max;
			return mid;
		}
	}
	return h->max;
}

double pg_lat_mean(const struct pg_lat *h)
{
	return h->count ? (double)h->sum / (double)h->count : 0.0;
}

double pg_lat_jitter(const struct pg_lat *h)
{
	return h->jitter_n ? (double)h->jitter_sum / (double)h->jitter_n : 0.0;
}
