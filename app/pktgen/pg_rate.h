/* SPDX-License-Identifier: BSD-3-Clause
 * sl-pktgen rate scheduler: when the next frame is due, in clock ticks.
 *
 * The clock is injected: every call takes "now" (the TX loop passes
 * sl_tsc(), the unit test a fake clock) and the tick rate is given at init.
 * Each frame sent moves a deadline forward by its cost: a fixed number of
 * ticks per packet (pps), or ticks per byte times its bytes on the wire
 * (bit rates; FCS, and for L1 preamble, SFD and inter-frame gap added).
 * The TX loop builds frames while the deadline is not in the future, so a
 * burst is exactly the backlog since the last poll: bursts are sized to
 * the rate and the poll speed, and the long-run rate is exact whatever the
 * burst sizes.
 *
 * Costs are fixed point with 16 fraction bits (error below 1e-4 at 100
 * Gbit/s on a 3 GHz TSC); the deadline is kept relative to a base that
 * moves forward, so it never overflows.
 *
 * A sender that falls behind (preempted, or a port that cannot keep up)
 * may catch up at full speed by up to max_lag ticks of traffic; debt older
 * than that is forgiven, and the achieved rate then shows the shortfall.
 */
#ifndef PG_RATE_H
#define PG_RATE_H

#include <stdbool.h>
#include <stdint.h>

#include "sl_common.h"

#define PG_RATE_FRAC_BITS 16
/* Bytes added to a frame (no FCS) for bit rates. */
#define PG_RATE_L2_OVERHEAD 4		/* FCS */
#define PG_RATE_L1_OVERHEAD 24		/* FCS + preamble/SFD 8 + inter-frame gap 12 */

enum pg_rate_kind {
	PG_RATE_UNLIMITED = 0,
	PG_RATE_PPS,
	PG_RATE_BPS_L2,		/* bits of frame + FCS */
	PG_RATE_BPS_L1,		/* bits on the wire: + preamble, SFD, IFG */
	PG_RATE_PERCENT,	/* of the link speed, on the wire (L1) */
};

struct pg_rate_spec {
	enum pg_rate_kind kind;
	double value;		/* pps, bit/s or percent */
};

struct pg_rate {
	bool unlimited;
	uint64_t pkt_cost;	/* ticks per packet << 16 */
	uint64_t byte_cost;	/* ticks per byte << 16 */
	uint32_t overhead;	/* bytes added to each frame's length */
	uint64_t base;		/* ticks */
	uint64_t next;		/* deadline - base, << 16 */
	uint64_t max_lag;	/* << 16 */
	uint64_t stalls;	/* times debt was forgiven (the sender fell behind) */
};

/* kind PERCENT must have been resolved to BPS_L1 (value * link bit/s / 100)
 * by the caller. value > 0 for limited kinds. max_lag_ticks 0: hz / 10. */
void pg_rate_init(struct pg_rate *r, const struct pg_rate_spec *spec, uint64_t hz,
		  uint64_t now, uint64_t max_lag_ticks);

/* Call once per poll before pg_rate_due: forgives debt beyond max_lag and
 * rebases the deadline. */
static __sl_always_inline void pg_rate_poll(struct pg_rate *r, uint64_t now)
{
	uint64_t elapsed = (now - r->base) << PG_RATE_FRAC_BITS;

	if (sl_unlikely(elapsed > r->next + r->max_lag)) {
		r->next = elapsed - r->max_lag;
		sl_counter_add(&r->stalls, 1);
	}
	/* Keep (now - base) << 16 far from overflow: move base up to the
	 * deadline's whole ticks once it is past 2^40 ticks. */
	if (sl_unlikely(r->next >> (PG_RATE_FRAC_BITS + 40))) {
		uint64_t whole = r->next >> PG_RATE_FRAC_BITS;

		r->base += whole;
		r->next -= whole << PG_RATE_FRAC_BITS;
	}
}

static __sl_always_inline bool pg_rate_due(const struct pg_rate *r, uint64_t now)
{
	return ((now - r->base) << PG_RATE_FRAC_BITS) >= r->next;
}

/* Accounts one frame of len bytes (without FCS). */
static __sl_always_inline void pg_rate_charge(struct pg_rate *r, uint32_t len)
{
	r->next += r->pkt_cost + (uint64_t)(len + r->overhead) * r->byte_cost;
}

/* Ticks until the deadline (0 if due): for sleeping at low rates. */
static inline uint64_t pg_rate_wait_ticks(const struct pg_rate *r, uint64_t now)
{
	uint64_t elapsed = (now - r->base) << PG_RATE_FRAC_BITS;

	return elapsed >= r->next ? 0 : (r->next - elapsed) >> PG_RATE_FRAC_BITS;
}

#endif /* PG_RATE_H */
