/* SPDX-License-Identifier: BSD-3-Clause
 * sl-pktgen flow variation: the source/destination IPv4 address and UDP
 * port of each packet, each taken from its own range.
 *
 * PG_FLOW_INC: every field steps to its next value on every packet and
 * wraps at the end of its range independently of the others (as
 * pktgen-dpdk's "inc"), so the tuples repeat with a period of the least
 * common multiple of the range sizes. PG_FLOW_RANDOM: every field is drawn
 * uniformly from its range (xorshift64*, scaled by a multiply, not a
 * modulo). A range of one value never changes.
 */
#ifndef PG_FLOW_H
#define PG_FLOW_H

#include <stdint.h>

#include "pg_frame.h"

enum pg_flow_mode {
	PG_FLOW_INC = 0,
	PG_FLOW_RANDOM,
};

struct pg_range {
	uint32_t min;
	uint32_t max;		/* inclusive, >= min */
};

struct pg_flow_spec {
	struct pg_range src_ip;
	struct pg_range dst_ip;
	struct pg_range src_port;
	struct pg_range dst_port;
	enum pg_flow_mode mode;
};

struct pg_flow_field {
	uint32_t cur;
	uint32_t min;
	uint32_t max;
	uint64_t span;		/* max - min + 1 (up to 2^32) */
};

struct pg_flow {
	struct pg_flow_field f[4];	/* src_ip, dst_ip, src_port, dst_port */
	enum pg_flow_mode mode;
	uint64_t rng;
};

/* Ranges must be ordered (the option parser checks). offset starts INC
 * flows that many packets in, so that several TX queues of one stream can
 * cover different tuples; the random generator is seeded from seed and
 * offset. */
void pg_flow_init(struct pg_flow *fl, const struct pg_flow_spec *spec, uint64_t seed,
		  uint64_t offset);

/* xorshift64* (Vigna 2016): the high 32 bits are the good ones. */
static inline uint32_t pg_rand32(uint64_t *state)
{
	uint64_t x = *state;

	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	*state = x;
	return (uint32_t)((x * UINT64_C(0x2545F4914F6CDD1D)) >> 32);
}

static __sl_always_inline uint32_t pg_flow_field_next(struct pg_flow_field *f,
						      enum pg_flow_mode mode, uint64_t *rng)
{
	uint32_t v = f->cur;

	if (mode == PG_FLOW_INC) {
		f->cur = v == f->max ? f->min : v + 1;
		return v;
	}
	/* (r * span) >> 32 maps a uniform 32-bit r onto [0, span). */
	return f->min + (uint32_t)(((uint64_t)pg_rand32(rng) * f->span) >> 32);
}

static __sl_always_inline void pg_flow_next(struct pg_flow *fl, struct pg_flow_tuple *ft)
{
	ft->src_ip = pg_flow_field_next(&fl->f[0], fl->mode, &fl->rng);
	ft->dst_ip = pg_flow_field_next(&fl->f[1], fl->mode, &fl->rng);
	ft->src_port = (uint16_t)pg_flow_field_next(&fl->f[2], fl->mode, &fl->rng);
	ft->dst_port = (uint16_t)pg_flow_field_next(&fl->f[3], fl->mode, &fl->rng);
}

#endif /* PG_FLOW_H */
