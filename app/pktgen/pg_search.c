/* SPDX-License-Identifier: BSD-3-Clause
 * sl-pktgen throughput search: the decision logic (see pg_search.h) and
 * the values of its options. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "sl_common.h"
#include "sl_parse.h"
#include "pg_frame.h"
#include "pg_opts_private.h"
#include "pg_search.h"

/* RFC 2544 section 9.1: the frame sizes of an Ethernet test. */
static const uint32_t rfc2544_sizes[] = { 64, 128, 256, 512, 1024, 1280, 1518 };
static const double default_loads[] = { 10, 50, 90, 100 };

void pg_search_opts_defaults(struct pg_search_opts *s)
{
	memset(s, 0, sizeof(*s));
	s->nb_sizes = SL_DIM(rfc2544_sizes);
	memcpy(s->sizes, rfc2544_sizes, sizeof(rfc2544_sizes));
	s->min = (struct pg_rate_spec){ PG_RATE_PPS, 1000 };
	s->max = (struct pg_rate_spec){ PG_RATE_UNLIMITED, 0 };
	s->precision = 0.01;
	s->precision_rel = true;
	s->trial_s = 10;
	s->reps = 1;
	s->nb_loads = SL_DIM(default_loads);
	memcpy(s->loads_pct, default_loads, sizeof(default_loads));
}

int pg_parse_search(const char *v, struct pg_search_opts *s, char *err, size_t errlen)
{
	const char *hint = "ndr, pdr (0.1% loss allowed) or pdr=LOSS% such as pdr=0.5%";
	char *end;

	if (!strcasecmp(v, "ndr")) {
		s->kind = PG_SEARCH_NDR;
		s->loss_pct = 0;
		return 0;
	}
	if (!strcasecmp(v, "pdr")) {
		s->kind = PG_SEARCH_PDR;
		s->loss_pct = 0.1;
		return 0;
	}
	if (strncasecmp(v, "pdr=", 4) != 0)
		return pg_opts_fail(err, errlen, "--search '%s': expected %s", v, hint);
	if (v[4] == '-')
		return pg_opts_fail(err, errlen, "--search %s: a loss cannot be negative", v);
	s->loss_pct = strtod(v + 4, &end);
	if (end == v + 4 || (*end != '\0' && strcmp(end, "%") != 0))
		return pg_opts_fail(err, errlen, "--search '%s': expected %s", v, hint);
	if (s->loss_pct <= 0 || s->loss_pct >= 100)
		return pg_opts_fail(err, errlen, "--search %s: the loss allowed must be above 0%% and below 100%% (for none, say ndr)", v);
	s->kind = PG_SEARCH_PDR;
	return 0;
}

int pg_parse_search_sizes(const char *v, struct pg_search_opts *s, char *err, size_t errlen)
{
	const char *p = v;

	s->nb_sizes = 0;
	while (*p) {
		uint64_t size;

		if (s->nb_sizes == PG_SEARCH_MAX_SIZES)
			return pg_opts_fail(err, errlen, "--search-sizes %s: at most %d sizes", v, PG_SEARCH_MAX_SIZES);
		if (*p == '-' || sl_parse_uint_prefix(&p, 0, &size) < 0 || (*p != ',' && *p != '\0'))
			return pg_opts_fail(err, errlen, "--search-sizes '%s': expected sizes like 64,128,1518 (FCS included)", v);
		if (size < PG_MIN_FRAME + 4 || size > PG_MAX_FRAME + 4)
			return pg_opts_fail(err, errlen, "--search-sizes %s: %llu is outside %d..%d (frame bytes with the FCS: 64 is the shortest frame)",
					    v, (unsigned long long)size, PG_MIN_FRAME + 4, PG_MAX_FRAME + 4);
		s->sizes[s->nb_sizes++] = (uint32_t)size;
		if (*p == ',')
			p++;
	}
	if (s->nb_sizes == 0)
		return pg_opts_fail(err, errlen, "--search-sizes needs at least one size, e.g. 64,1518");
	return 0;
}

int pg_parse_search_precision(const char *v, struct pg_search_opts *s, char *err, size_t errlen)
{
	struct pg_rate_spec r;
	char why[PG_ERR_LEN];

	if (pg_parse_rate(v, &r, why, sizeof(why)) < 0 ||
	    (r.kind != PG_RATE_PERCENT && r.kind != PG_RATE_PPS))
		return pg_opts_fail(err, errlen, "--search-precision '%s': expected a share of the rate like 0.5%% or a frame rate like 1kpps", v);
	s->precision_rel = r.kind == PG_RATE_PERCENT;
	s->precision = s->precision_rel ? r.value / 100.0 : r.value;
	if (s->precision_rel && s->precision >= 0.5)
		return pg_opts_fail(err, errlen, "--search-precision %s: a share below 50%% (e.g. 1%%)", v);
	return 0;
}

int pg_parse_search_loads(const char *v, struct pg_search_opts *s, char *err, size_t errlen)
{
	const char *p = v;

	s->nb_loads = 0;
	if (!strcasecmp(v, "none"))
		return 0;
	while (*p) {
		char *end;
		double pct;

		if (s->nb_loads == PG_SEARCH_MAX_LOADS)
			return pg_opts_fail(err, errlen, "--search-latency %s: at most %d loads", v, PG_SEARCH_MAX_LOADS);
		pct = strtod(p, &end);
		if (end == p || *p == '-' || (*end != ',' && *end != '\0') || pct <= 0 || pct > 100)
			return pg_opts_fail(err, errlen, "--search-latency '%s': expected percentages of the rate found, each in (0, 100], like 10,50,90,100 (or none)", v);
		s->loads_pct[s->nb_loads++] = pct;
		p = *end == ',' ? end + 1 : end;
	}
	return 0;
}

double pg_search_spec_pps(const struct pg_rate_spec *r, uint32_t size, uint32_t link_mbps)
{
	switch (r->kind) {
	case PG_RATE_PPS:
		return r->value;
	case PG_RATE_BPS_L2:
		return r->value / (8.0 * size);
	case PG_RATE_BPS_L1:
		return r->value / (8.0 * (size + PG_RATE_L1_OVERHEAD - PG_RATE_L2_OVERHEAD));
	case PG_RATE_PERCENT:
		return r->value / 100.0 * pg_search_line_pps(size, link_mbps);
	case PG_RATE_UNLIMITED:
	default:
		return 0;
	}
}

double pg_search_line_pps(uint32_t size, uint32_t link_mbps)
{
	return (double)link_mbps * 1e6 / (8.0 * (size + PG_RATE_L1_OVERHEAD - PG_RATE_L2_OVERHEAD));
}

/* ---- the search ------------------------------------------------------------- */

static double width_at(const struct pg_search *s, double rate)
{
	return s->precision_rel ? s->precision * rate : s->precision;
}

bool pg_search_converged(const struct pg_search *s)
{
	return s->hi - s->lo <= width_at(s, s->hi);
}

void pg_search_init(struct pg_search *s, double min_pps, double max_pps, double precision,
		    bool precision_rel)
{
	memset(s, 0, sizeof(*s));
	s->min_pps = min_pps;
	s->max_pps = max_pps;
	s->precision = precision;
	s->precision_rel = precision_rel;
	s->lo = min_pps;
	s->hi = max_pps;
	s->phase = PG_SEARCH_FIRST;
	s->next = max_pps;
}

bool pg_search_next(const struct pg_search *s, double *pps)
{
	if (s->phase == PG_SEARCH_DONE)
		return false;
	*pps = s->next;
	return true;
}

static void finish(struct pg_search *s, bool found, double rate)
{
	s->found = found;
	s->result = found ? rate : 0;
	s->phase = PG_SEARCH_DONE;
}

/* After the overload trial: where the gallop starts. */
static void start_gallop(struct pg_search *s, double rx_pps)
{
	double guess = SL_MIN(rx_pps, s->hi - width_at(s, s->hi));

	if (guess <= s->lo) {
		s->phase = PG_SEARCH_BISECT;
		return;
	}
	s->phase = PG_SEARCH_GALLOP;
	s->dir = 0;
	s->step = width_at(s, guess);
	s->next = guess;
}

/* One gallop step from rate r: further the same way, or bisect once the
 * verdict changed or the step left the bracket. */
static void gallop(struct pg_search *s, double r, bool pass)
{
	int dir = pass ? 1 : -1;
	double n;

	if (s->dir != 0 && s->dir != dir) {
		s->phase = PG_SEARCH_BISECT;
		return;
	}
	s->dir = dir;
	n = r + dir * s->step;
	s->step *= 2;
	if (n <= s->lo || n >= s->hi)
		s->phase = PG_SEARCH_BISECT;
	else
		s->next = n;
}

void pg_search_verdict(struct pg_search *s, bool pass, double tx_pps, double rx_pps)
{
	double r = s->next;

	switch (s->phase) {
	case PG_SEARCH_FIRST:
		if (pass) {
			finish(s, true, s->max_pps > 0 ? s->max_pps : tx_pps);
			return;
		}
		s->hi = s->max_pps > 0 && s->max_pps < tx_pps ? s->max_pps : tx_pps;
		if (s->hi <= s->lo) {
			s->phase = PG_SEARCH_FLOOR;
			s->next = s->lo;
			return;
		}
		start_gallop(s, rx_pps);
		break;
	case PG_SEARCH_FLOOR:
		finish(s, pass, s->lo);
		return;
	case PG_SEARCH_GALLOP:
	case PG_SEARCH_BISECT:
		if (pass) {
			s->lo = r;
			s->lo_passed = true;
		} else {
			s->hi = r;
		}
		if (s->phase == PG_SEARCH_GALLOP)
			gallop(s, r, pass);
		break;
	case PG_SEARCH_DONE:
	default:
		return;
	}
	if (pg_search_converged(s)) {
		if (s->lo_passed) {
			finish(s, true, s->lo);
		} else {
			s->phase = PG_SEARCH_FLOOR;
			s->next = s->lo;
		}
	} else if (s->phase == PG_SEARCH_BISECT) {
		s->next = (s->lo + s->hi) / 2;
	}
}
