/* SPDX-License-Identifier: BSD-3-Clause
 * sl-pktgen frame sizes: fixed, a min..max range walked in steps or drawn
 * at random, or an IMIX list of sizes with weights. Sizes are frame
 * lengths without the FCS (60 .. MTU + 14, + 4 with a VLAN tag).
 *
 * An IMIX list is expanded once into a table of sum(weights) entries in
 * smooth weighted round-robin order (each size as evenly spread as its
 * weight allows: 64:7,594:4,1518:1 never sends the 1518 twice in a row),
 * then read in a loop: exact proportions over every sum(weights) frames.
 */
#ifndef PG_SIZE_H
#define PG_SIZE_H

#include <stdint.h>

#include "pg_flow.h"

#define PG_IMIX_MAX_SIZES 16
#define PG_IMIX_MAX_TABLE 4096	/* sum of the weights */

enum pg_size_mode {
	PG_SIZE_FIXED = 0,
	PG_SIZE_STEP,		/* min, min + step, ... <= max, min, ... */
	PG_SIZE_RANDOM,		/* uniform in [min, max] */
	PG_SIZE_IMIX,
};

struct pg_size_spec {
	enum pg_size_mode mode;
	uint32_t min;		/* FIXED: the size */
	uint32_t max;
	uint32_t step;		/* STEP: >= 1 */
	unsigned nb_imix;
	uint32_t imix_size[PG_IMIX_MAX_SIZES];
	uint32_t imix_weight[PG_IMIX_MAX_SIZES];
};

struct pg_sizer {
	enum pg_size_mode mode;
	uint32_t cur;
	uint32_t min;
	uint32_t max;
	uint32_t step;
	uint64_t span;
	uint64_t rng;
	uint32_t idx;
	uint32_t table_len;
	uint16_t *table;	/* IMIX: table_len sizes */
};

/* 0, or -EINVAL (weights summing to 0 or above PG_IMIX_MAX_TABLE) or
 * -ENOMEM. pg_sizer_free releases the IMIX table. */
int pg_sizer_init(struct pg_sizer *s, const struct pg_size_spec *spec, uint64_t seed);
void pg_sizer_free(struct pg_sizer *s);
/* Largest and smallest size the spec can produce. */
uint32_t pg_size_spec_max(const struct pg_size_spec *spec);
uint32_t pg_size_spec_min(const struct pg_size_spec *spec);
/* Mean frame size over a long run (for rate conversions in reports). */
double pg_size_spec_mean(const struct pg_size_spec *spec);

static __sl_always_inline uint32_t pg_size_next(struct pg_sizer *s)
{
	uint32_t v;

	switch (s->mode) {
	case PG_SIZE_FIXED:
		return s->cur;
	case PG_SIZE_STEP:
		v = s->cur;
		s->cur = v + s->step > s->max ? s->min : v + s->step;
		return v;
	case PG_SIZE_RANDOM:
		return s->min + (uint32_t)(((uint64_t)pg_rand32(&s->rng) * s->span) >> 32);
	case PG_SIZE_IMIX:
	default:
		v = s->table[s->idx];
		s->idx = s->idx + 1 == s->table_len ? 0 : s->idx + 1;
		return v;
	}
}

#endif /* PG_SIZE_H */
