/* SPDX-License-Identifier: BSD-3-Clause
 * sl-pktgen frame sizes: setup and the IMIX table. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "pg_size.h"

uint32_t pg_size_spec_max(const struct pg_size_spec *spec)
{
	uint32_t m = 0;

	switch (spec->mode) {
	case PG_SIZE_FIXED:
		return spec->min;
	case PG_SIZE_STEP:
	case PG_SIZE_RANDOM:
		return spec->max;
	case PG_SIZE_IMIX:
		for (unsigned i = 0; i < spec->nb_imix; i++)
			if (spec->imix_weight[i] > 0 && spec->imix_size[i] > m)
				m = spec->imix_size[i];
		return m;
	}
	return 0;
}

uint32_t pg_size_spec_min(const struct pg_size_spec *spec)
{
	uint32_t m = UINT32_MAX;

	if (spec->mode != PG_SIZE_IMIX)
		return spec->min;
	for (unsigned i = 0; i < spec->nb_imix; i++)
		if (spec->imix_weight[i] > 0 && spec->imix_size[i] < m)
			m = spec->imix_size[i];
	return m;
}

double pg_size_spec_mean(const struct pg_size_spec *spec)
{
	double sum = 0, w = 0;
	uint64_t n;

	switch (spec->mode) {
	case PG_SIZE_FIXED:
		return spec->min;
	case PG_SIZE_RANDOM:
		return ((double)spec->min + spec->max) / 2;
	case PG_SIZE_STEP:
		n = (spec->max - spec->min) / spec->step + 1;
		return spec->min + (double)spec->step * (double)(n - 1) / 2;
	case PG_SIZE_IMIX:
		for (unsigned i = 0; i < spec->nb_imix; i++) {
			sum += (double)spec->imix_size[i] * spec->imix_weight[i];
			w += spec->imix_weight[i];
		}
		return w > 0 ? sum / w : 0;
	}
	return 0;
}

/* Smooth weighted round-robin: every slot, each size gains its weight and
 * the richest one is emitted and pays the total. */
static void imix_fill(uint16_t *table, uint32_t total, const struct pg_size_spec *spec)
{
	int64_t credit[PG_IMIX_MAX_SIZES] = { 0 };

	for (uint32_t slot = 0; slot < total; slot++) {
		unsigned best = 0;

		for (unsigned i = 0; i < spec->nb_imix; i++) {
			credit[i] += spec->imix_weight[i];
			if (credit[i] > credit[best])
				best = i;
		}
		credit[best] -= total;
		table[slot] = (uint16_t)spec->imix_size[best];
	}
}

int pg_sizer_init(struct pg_sizer *s, const struct pg_size_spec *spec, uint64_t seed)
{
	uint32_t total = 0;

	memset(s, 0, sizeof(*s));
	s->mode = spec->mode;
	s->min = spec->min;
	s->max = spec->max;
	s->cur = spec->min;
	s->step = spec->step ? spec->step : 1;
	s->span = (uint64_t)spec->max - spec->min + 1;
	s->rng = seed * UINT64_C(0x9E3779B97F4A7C15) + UINT64_C(0x2545F4914F6CDD1D);
	if (s->rng == 0)
		s->rng = 1;
	if (spec->mode != PG_SIZE_IMIX)
		return 0;
	if (spec->nb_imix == 0 || spec->nb_imix > PG_IMIX_MAX_SIZES)
		return -EINVAL;
	for (unsigned i = 0; i < spec->nb_imix; i++)
		total += spec->imix_weight[i];
	if (total == 0 || total > PG_IMIX_MAX_TABLE)
		return -EINVAL;
	s->table = malloc(total * sizeof(*s->table));
	if (s->table == NULL)
		return -ENOMEM;
	s->table_len = total;
	imix_fill(s->table, total, spec);
	return 0;
}

void pg_sizer_free(struct pg_sizer *s)
{
	free(s->table);
	s->table = NULL;
}
