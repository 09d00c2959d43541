/* SPDX-License-Identifier: BSD-3-Clause
 * sl-pktgen --search results: the table on stdout and the JSON file
 * (schema: app/pktgen/README.md, "JSON of a search"). */
#include <errno.h>
#include <inttypes.h>
#include <string.h>

#include "sl_eal.h"

#include "app_common.h"
#include "pg_app.h"
#include "pg_bench.h"

static double search_seconds(const struct pg_bench *b)
{
	const struct pg_trial *last = b->nb_trials ? &b->trials[b->nb_trials - 1] : NULL;

	return last ? last->start_s + last->duration_s : 0;
}

static void table_latency(const struct pg_bench *b, FILE *out)
{
	bool header = false;

	for (unsigned i = 0; i < b->nb_results; i++) {
		const struct pg_result *r = &b->results[i];

		for (unsigned k = 0; k < r->nb_loads; k++) {
			const struct pg_load_point *lp = &r->loads[k];
			const struct pg_trial *tr = &b->trials[lp->trial - 1];
			const uint64_t v[] = { lp->lat.min, pg_lat_percentile(&lp->lat, 0.5),
					       pg_lat_percentile(&lp->lat, 0.9),
					       pg_lat_percentile(&lp->lat, 0.99),
					       pg_lat_percentile(&lp->lat, 0.999), lp->lat.max };
			char s[6][16];

			if (!header) {
				fprintf(out, "\n%5s %6s %10s %9s %10s %10s %10s %10s %10s %10s\n", "size",
					"load", "Mpps", "loss %", "lat min", "p50", "p90", "p99",
					"p99.9", "max");
				header = true;
			}
			for (unsigned j = 0; j < SL_DIM(v); j++) {
				if (lp->lat.count)
					pg_fmt_ns(s[j], sizeof(s[j]), (double)v[j]);
				else
					snprintf(s[j], sizeof(s[j]), "-");
			}
			fprintf(out, "%5" PRIu32 " %5.0f%% %10.3f %9.4f %10s %10s %10s %10s %10s %10s\n",
				r->size, lp->load_pct, tr->offered_pps / 1e6, tr->loss_pct, s[0], s[1],
				s[2], s[3], s[4], s[5]);
		}
	}
}

void pg_bench_table(const struct pg_bench *b, FILE *out)
{
	const struct pg_search_opts *o = b->opts;

	fprintf(out, "\nsl-pktgen %s search (loss allowed %g %%): %u frame size(s), %u trials in %.1f s%s\n",
		pg_bench_kind_name(o), o->loss_pct, b->nb_results, b->nb_trials, search_seconds(b),
		b->interrupted ? " (interrupted)" : "");
	fprintf(out, "rates per TX port (%u); sizes with FCS; Gbit/s on the wire (L1: + preamble, SFD, gap)\n\n",
		b->nb_tx);
	fprintf(out, "%5s %10s %10s %10s %9s %7s\n", "size", "Mpps", "Gbit/s", "line Mpps",
		"% of line", "trials");
	for (unsigned i = 0; i < b->nb_results; i++) {
		const struct pg_result *r = &b->results[i];
		char line[16] = "-", pct[16] = "-";

		if (r->line_pps > 0) {
			snprintf(line, sizeof(line), "%.3f", r->line_pps / 1e6);
			snprintf(pct, sizeof(pct), "%.1f", 100.0 * r->pps / r->line_pps);
		}
		if (r->found)
			fprintf(out, "%5" PRIu32 " %10.3f %10.3f %10s %9s %7u%s\n", r->size, r->pps / 1e6,
				pg_bench_gbps_l1(r->pps, r->size), line, pct, r->trials,
				r->sender_bound ? "  (the sender's maximum)" : "");
		else
			fprintf(out, "%5" PRIu32 " %10s %10s %10s %9s %7u  (none passed)\n", r->size, "-",
				"-", line, "-", r->trials);
	}
	table_latency(b, out);
	fflush(out);
}

/* ---- JSON ------------------------------------------------------------------------ */

static void json_num_or_null(FILE *f, const char *key, double v, bool known)
{
	if (known)
		fprintf(f, "\"%s\": %.1f", key, v);
	else
		fprintf(f, "\"%s\": null", key);
}

static void json_rate_spec(FILE *f, const char *key, const struct pg_rate_spec *r)
{
	static const char *const unit[] = {
		[PG_RATE_UNLIMITED] = "max", [PG_RATE_PPS] = "pps", [PG_RATE_BPS_L2] = "bps_l2",
		[PG_RATE_BPS_L1] = "bps_l1", [PG_RATE_PERCENT] = "percent",
	};

	fprintf(f, "\"%s\": {\"unit\": \"%s\", \"value\": %g}", key, unit[r->kind], r->value);
}

static void json_params(FILE *f, const struct pg_bench *b, const struct pg_app *a)
{
	const struct pg_search_opts *o = b->opts;

	fprintf(f, "  \"search\": {\"kind\": \"%s\", \"loss_pct\": %g, \"frame_sizes\": [",
		o->kind == PG_SEARCH_NDR ? "ndr" : "pdr", o->loss_pct);
	for (unsigned i = 0; i < o->nb_sizes; i++)
		fprintf(f, "%s%" PRIu32, i ? ", " : "", o->sizes[i]);
	fprintf(f, "],\n             ");
	json_rate_spec(f, "min", &o->min);
	fprintf(f, ", ");
	json_rate_spec(f, "max", &o->max);
	fprintf(f, ",\n             \"precision\": {\"relative\": %s, \"value\": %g}, \"trial_s\": %g, \"repetitions\": %u, \"drain_ms\": %u,\n",
		o->precision_rel ? "true" : "false", o->precision, o->trial_s, o->reps,
		a->opts.drain_ms);
	fprintf(f, "             \"latency_loads_pct\": [");
	for (unsigned i = 0; i < o->nb_loads; i++)
		fprintf(f, "%s%g", i ? ", " : "", o->loads_pct[i]);
	fprintf(f, "], \"tx_ports\": %u, ", b->nb_tx);
	if (b->link_mbps)
		fprintf(f, "\"link_mbps\": %" PRIu32 "},\n", b->link_mbps);
	else
		fprintf(f, "\"link_mbps\": null},\n");
}

static void json_trials(FILE *f, const struct pg_bench *b)
{
	fprintf(f, "  \"trials\": [");
	for (unsigned i = 0; i < b->nb_trials; i++) {
		const struct pg_trial *t = &b->trials[i];

		fprintf(f, "%s\n    {\"trial\": %u, \"frame_size\": %" PRIu32 ", \"phase\": \"%s\", ",
			i ? "," : "", t->n, t->size, t->latency ? "latency" : "search");
		if (t->latency)
			fprintf(f, "\"load_pct\": %g, ", t->load_pct);
		else
			fprintf(f, "\"load_pct\": null, ");
		json_num_or_null(f, "offered_pps", t->offered_pps, t->offered_pps > 0);
		fprintf(f, ", \"tx_pps\": %.1f, \"rx_pps\": %.1f, \"sent\": %" PRIu64 ", \"received\": %" PRIu64
			", \"stale\": %" PRIu64 ", \"loss_pct\": %.6f, \"pass\": %s, \"sender_short\": %s, \"start_s\": %.3f, \"duration_s\": %.3f}",
			t->tx_pps, t->rx_pps, t->sent, t->received, t->stale, t->loss_pct,
			t->pass ? "true" : "false", t->sender_short ? "true" : "false", t->start_s,
			t->duration_s);
	}
	fprintf(f, "\n  ],\n");
}

/* The non-empty buckets of h: [lo, hi, count] in nanoseconds. */
static void json_histogram(FILE *f, const struct pg_lat *h)
{
	bool first = true;

	fprintf(f, "[");
	for (unsigned i = 0; i < PG_LAT_BUCKETS; i++) {
		if (h->buckets[i] == 0)
			continue;
		fprintf(f, "%s[%" PRIu64 ", %" PRIu64 ", %" PRIu64 "]", first ? "" : ", ",
			pg_lat_bucket_lo(i), i == PG_LAT_BUCKETS - 1 ? h->max : pg_lat_bucket_hi(i),
			h->buckets[i]);
		first = false;
	}
	fprintf(f, "]");
}

static void json_result(FILE *f, const struct pg_bench *b, const struct pg_result *r)
{
	fprintf(f, "    {\"frame_size\": %" PRIu32 ", \"found\": %s, ", r->size, r->found ? "true" : "false");
	json_num_or_null(f, "rate_pps", r->pps, r->found);
	fprintf(f, ", \"gbps_l1\": %.6f, \"gbps_l2\": %.6f, ", pg_bench_gbps_l1(r->pps, r->size),
		pg_bench_gbps_l2(r->pps, r->size));
	json_num_or_null(f, "line_pps", r->line_pps, r->line_pps > 0);
	if (r->line_pps > 0)
		fprintf(f, ", \"line_pct\": %.3f", 100.0 * r->pps / r->line_pps);
	else
		fprintf(f, ", \"line_pct\": null");
	fprintf(f, ", \"sender_bound\": %s, \"bracket_pps\": [%.1f, %.1f], \"trials\": %u,\n     \"latency\": [",
		r->sender_bound ? "true" : "false", r->lo, r->hi, r->trials);
	for (unsigned k = 0; k < r->nb_loads; k++) {
		const struct pg_load_point *lp = &r->loads[k];
		const struct pg_trial *t = &b->trials[lp->trial - 1];

		fprintf(f, "%s\n       {\"load_pct\": %g, \"trial\": %u, \"rate_pps\": %.1f, \"loss_pct\": %.6f, \"latency_ns\": ",
			k ? "," : "", lp->load_pct, lp->trial, t->offered_pps, t->loss_pct);
		pg_stats_json_lat(f, &lp->lat);
		fprintf(f, "}");
	}
	fprintf(f, "%s],\n     \"histogram_ns\": ", r->nb_loads ? "\n     " : "");
	if (r->nb_loads)
		json_histogram(f, &r->loads[r->nb_loads - 1].lat);
	else
		fprintf(f, "null");
	fprintf(f, "}");
}

int pg_bench_json(const struct pg_bench *b, const struct pg_app *a, const char *path)
{
	FILE *f = app_create_file(path, "w");
	bool ok = !b->interrupted;

	if (f == NULL) {
		SL_LOG(ERR, PKTGEN, "--json %s: %s; check the directory exists and is writable", path,
		       strerror(errno));
		return -errno;
	}
	fprintf(f, "{\n  \"version\": 1,\n  \"mode\": \"search\",\n  \"tsc_hz\": %" PRIu64 ",\n", b->hz);
	fprintf(f, "  \"started_unix_s\": %lld,\n  \"duration_s\": %.3f,\n  \"interrupted\": %s,\n",
		(long long)b->wall.tv_sec, search_seconds(b), b->interrupted ? "true" : "false");
	json_params(f, b, a);
	json_trials(f, b);
	fprintf(f, "  \"results\": [");
	for (unsigned i = 0; i < b->nb_results; i++) {
		fprintf(f, "%s\n", i ? "," : "");
		json_result(f, b, &b->results[i]);
		ok &= b->results[i].found;
	}
	fprintf(f, "\n  ],\n  \"ok\": %s\n}\n", ok ? "true" : "false");
	if (fclose(f) != 0) {
		SL_LOG(ERR, PKTGEN, "--json %s: write failed: %s", path, strerror(errno));
		return -EIO;
	}
	return 0;
}
