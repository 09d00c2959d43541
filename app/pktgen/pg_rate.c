/* SPDX-License-Identifier: BSD-3-Clause
 * sl-pktgen rate scheduler: costs from the requested rate. */
#include <math.h>

#include "pg_rate.h"

static uint64_t fixed_point(double ticks)
{
	double v = ticks * (double)(1u << PG_RATE_FRAC_BITS);

	if (v >= 18446744073709549568.0)	/* largest double below 2^64 */
		return UINT64_MAX / 2;
	return (uint64_t)llround(v);
}

void pg_rate_init(struct pg_rate *r, const struct pg_rate_spec *spec, uint64_t hz,
		  uint64_t now, uint64_t max_lag_ticks)
{
	r->unlimited = false;
	r->pkt_cost = 0;
	r->byte_cost = 0;
	r->overhead = 0;
	r->base = now;
	r->next = 0;
	r->stalls = 0;
	r->max_lag = fixed_point((double)(max_lag_ticks ? max_lag_ticks : hz / 10));
	switch (spec->kind) {
	case PG_RATE_PPS:
		r->pkt_cost = fixed_point((double)hz / spec->value);
		break;
	case PG_RATE_BPS_L2:
		r->byte_cost = fixed_point((double)hz * 8.0 / spec->value);
		r->overhead = PG_RATE_L2_OVERHEAD;
		break;
	case PG_RATE_BPS_L1:
	case PG_RATE_PERCENT:
		r->byte_cost = fixed_point((double)hz * 8.0 / spec->value);
		r->overhead = PG_RATE_L1_OVERHEAD;
		break;
	case PG_RATE_UNLIMITED:
	default:
		r->unlimited = true;
		break;
	}
}
