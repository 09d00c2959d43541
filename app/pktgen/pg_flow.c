/* SPDX-License-Identifier: BSD-3-Clause
 * sl-pktgen flow variation: setup (the per-packet steps are inline). */
#include "pg_flow.h"

static void field_init(struct pg_flow_field *f, const struct pg_range *r, uint64_t offset)
{
	f->min = r->min;
	f->max = r->max;
	f->span = (uint64_t)r->max - r->min + 1;
	/* Setup only: the per-packet step never divides. */
	f->cur = r->min + (uint32_t)(offset % f->span);
}

void pg_flow_init(struct pg_flow *fl, const struct pg_flow_spec *spec, uint64_t seed,
		  uint64_t offset)
{
	field_init(&fl->f[0], &spec->src_ip, offset);
	field_init(&fl->f[1], &spec->dst_ip, offset);
	field_init(&fl->f[2], &spec->src_port, offset);
	field_init(&fl->f[3], &spec->dst_port, offset);
	fl->mode = spec->mode;
	/* splitmix64 of the seed: xorshift needs a non-zero state, and
	 * neighbouring seeds (one per queue) should give unrelated streams. */
	seed += UINT64_C(0x9E3779B97F4A7C15) * (offset + 1);
	seed = (seed ^ (seed >> 30)) * UINT64_C(0xBF58476D1CE4E5B9);
	seed = (seed ^ (seed >> 27)) * UINT64_C(0x94D049BB133111EB);
	seed ^= seed >> 31;
	fl->rng = seed ? seed : UINT64_C(0x853c49e6748fea9b);
}
