/* SPDX-License-Identifier: BSD-3-Clause
 * sl-pktgen --report FILE.html: the results of a --search as one page a
 * person can look at: what was asked, the rate found per frame size (a
 * bar chart against the line rate and a table), latency at each load
 * (a table, and a histogram per frame size), and every trial (rate and
 * loss over time, and a table). One self-contained file: the style is
 * inline, the charts are SVG written here (pg_report_svg.c), no script
 * and nothing fetched, so any browser shows it offline.
 *
 * Written in C from the same numbers as the JSON rather than by a tool
 * reading the JSON afterwards: the page comes with the binary wherever it
 * runs (a test machine may have no Python), and its numbers are the
 * JSON's by construction.
 */
#include <errno.h>
#include <inttypes.h>
#include <string.h>
#include <time.h>

#include "sl_eal.h"

#include "app_common.h"
#include "pg_app.h"
#include "pg_bench.h"
#include "pg_report.h"

static const char style[] =
	"body{font:14px/1.4 sans-serif;margin:24px;color:#222;max-width:960px}"
	"h1{font-size:22px}h2{font-size:17px;margin-top:28px}"
	"table{border-collapse:collapse;margin:8px 0}"
	"td,th{border:1px solid #ccc;padding:3px 8px;text-align:right}th{background:#f2f2f2}"
	"td:first-child,th:first-child{text-align:left}"
	".chart{display:block;margin:8px 0}.plot{fill:#fafafa;stroke:#999}"
	".grid{stroke:#e2e2e2}.tick{font-size:11px;fill:#555}.axis{font-size:12px;fill:#333}"
	".label{font-size:11px;fill:#222}.bar{fill:#4a7fb5}.bin{fill:#6a9f58}"
	".line-rate{stroke:#c33;stroke-width:2;stroke-dasharray:5 3}"
	".pct{stroke:#c70;stroke-dasharray:3 2}"
	"circle.pass{fill:#3a3}circle.fail{fill:#d33}.step{stroke-width:2}"
	".step.pass{stroke:#3a3}.step.fail{stroke:#d33}"
	".loss.pass{fill:#9c9}.loss.fail{fill:#e88}"
	".note{color:#555;font-size:12px}.title{font-size:13px;font-weight:bold;fill:#333}";

void pg_report_text(FILE *f, const char *s)
{
	for (; *s; s++) {
		switch (*s) {
		case '&': fputs("&amp;", f); break;
		case '<': fputs("&lt;", f); break;
		case '>': fputs("&gt;", f); break;
		case '"': fputs("&quot;", f); break;
		default: fputc(*s, f);
		}
	}
}

static void setup_section(FILE *f, const struct pg_bench *b, const struct pg_app *a)
{
	const struct pg_search_opts *o = b->opts;
	char when[64];
	struct tm tm;

	gmtime_r(&b->wall.tv_sec, &tm);
	strftime(when, sizeof(when), "%Y-%m-%d %H:%M:%S UTC", &tm);
	fprintf(f, "<h1>sl-pktgen %s search</h1>\n<p>Started %s; %u trials in %.1f s%s.</p>\n",
		pg_bench_kind_name(o), when, b->nb_trials,
		b->nb_trials ? b->trials[b->nb_trials - 1].start_s + b->trials[b->nb_trials - 1].duration_s : 0,
		b->interrupted ? " (interrupted: the results are partial)" : "");
	fprintf(f, "<table>\n<tr><th>port</th><th>role</th><th>driver</th><th>link</th></tr>\n");
	for (unsigned p = 0; p < PG_MAX_PORTS; p++) {
		const struct pg_port *pp = &a->ports[p];

		if (!pp->used)
			continue;
		fprintf(f, "<tr><td>%u ", p);
		pg_report_text(f, pp->name);
		fprintf(f, "</td><td>%s%s</td><td>", pp->tx_role ? "TX " : "", pp->rx_role ? "RX" : "");
		pg_report_text(f, pp->driver ? pp->driver : "");
		if (pp->link_mbps)
			fprintf(f, "</td><td>%" PRIu32 " Mbit/s</td></tr>\n", pp->link_mbps);
		else
			fprintf(f, "</td><td>unknown</td></tr>\n");
	}
	fprintf(f, "</table>\n<p class=\"note\">A rate passes when every one of its %u trial(s) of %g s loses at most %g %% of the frames sent (each trial is followed by %u ms for late frames). "
		   "The search stops when the rates that passed and failed are within %g%s. Rates are per TX port (%u); frame sizes include the FCS; Gbit/s count the wire (preamble, SFD and gap included).</p>\n",
		o->reps, o->trial_s, o->loss_pct, a->opts.drain_ms,
		o->precision_rel ? 100 * o->precision : o->precision, o->precision_rel ? " %" : " frames/s",
		b->nb_tx);
}

static void results_table(FILE *f, const struct pg_bench *b)
{
	fprintf(f, "<table>\n<tr><th>frame size</th><th>%s Mpps</th><th>Gbit/s</th><th>line rate Mpps</th><th>%% of line</th><th>trials</th></tr>\n",
		pg_bench_kind_name(b->opts));
	for (unsigned i = 0; i < b->nb_results; i++) {
		const struct pg_result *r = &b->results[i];

		fprintf(f, "<tr data-kind=\"result-row\" data-size=\"%" PRIu32 "\" data-pps=\"%.1f\"><td>%" PRIu32 " B</td>",
			r->size, r->pps, r->size);
		if (r->found)
			fprintf(f, "<td>%.3f%s</td><td>%.3f</td>", r->pps / 1e6,
				r->sender_bound ? " *" : "", pg_bench_gbps_l1(r->pps, r->size));
		else
			fprintf(f, "<td>none passed</td><td>-</td>");
		if (r->line_pps > 0)
			fprintf(f, "<td>%.3f</td><td>%.1f</td>", r->line_pps / 1e6, 100 * r->pps / r->line_pps);
		else
			fprintf(f, "<td>-</td><td>-</td>");
		fprintf(f, "<td>%u</td></tr>\n", r->trials);
	}
	fprintf(f, "</table>\n<p class=\"note\">* the first trial, as fast as the sender goes, lost nothing: the sender, not the device, is the limit.</p>\n");
}

static void latency_row(FILE *f, const struct pg_result *r, const struct pg_load_point *lp,
			const struct pg_trial *t)
{
	const struct pg_lat *l = &lp->lat;
	const uint64_t v[] = { l->min, pg_lat_percentile(l, 0.5), pg_lat_percentile(l, 0.9),
			       pg_lat_percentile(l, 0.99), pg_lat_percentile(l, 0.999), l->max };

	fprintf(f, "<tr data-kind=\"latency-row\" data-size=\"%" PRIu32 "\" data-load=\"%g\" data-p99=\"%" PRIu64 "\"><td>%" PRIu32 " B</td><td>%g %%</td><td>%.3f</td><td>%.4f</td>",
		r->size, lp->load_pct, pg_lat_percentile(l, 0.99), r->size, lp->load_pct,
		t->offered_pps / 1e6, t->loss_pct);
	for (unsigned k = 0; k < SL_DIM(v); k++) {
		char s[32] = "-";

		if (l->count)
			pg_fmt_ns(s, sizeof(s), (double)v[k]);
		fprintf(f, "<td>%s</td>", s);
	}
	fprintf(f, "<td>%" PRIu64 "</td></tr>\n", l->count);
}

static void latency_section(FILE *f, const struct pg_bench *b)
{
	bool any = false;

	for (unsigned i = 0; i < b->nb_results; i++)
		any |= b->results[i].nb_loads > 0;
	if (!any)
		return;
	fprintf(f, "<h2>Latency at shares of the rate found (RFC 2544 26.2)</h2>\n<table>\n"
		   "<tr><th>frame size</th><th>load</th><th>Mpps</th><th>loss %%</th><th>min</th><th>p50</th><th>p90</th><th>p99</th><th>p99.9</th><th>max</th><th>samples</th></tr>\n");
	for (unsigned i = 0; i < b->nb_results; i++)
		for (unsigned k = 0; k < b->results[i].nb_loads; k++)
			latency_row(f, &b->results[i], &b->results[i].loads[k],
				    &b->trials[b->results[i].loads[k].trial - 1]);
	fprintf(f, "</table>\n<p class=\"note\">Latency is from the TX timestamp of a frame's burst to the RX burst that took it, over every frame of the trial; percentiles are histogram bucket middles (within 0.8 %%).</p>\n");
	for (unsigned i = 0; i < b->nb_results; i++)
		if (b->results[i].nb_loads > 0 && b->results[i].loads[b->results[i].nb_loads - 1].lat.count)
			pg_report_svg_latency(f, &b->results[i]);
}

static void trials_table(FILE *f, const struct pg_bench *b)
{
	fprintf(f, "<details><summary>All %u trials</summary>\n<table>\n<tr><th>trial</th><th>frame size</th><th>kind</th><th>offered Mpps</th><th>sent</th><th>received</th><th>stale</th><th>loss %%</th><th>verdict</th></tr>\n",
		b->nb_trials);
	for (unsigned i = 0; i < b->nb_trials; i++) {
		const struct pg_trial *t = &b->trials[i];
		char off[32] = "max";

		if (t->offered_pps > 0)
			snprintf(off, sizeof(off), "%.4f", t->offered_pps / 1e6);
		fprintf(f, "<tr><td>%u</td><td>%" PRIu32 " B</td><td>%s</td><td>%s</td><td>%" PRIu64 "</td><td>%" PRIu64 "</td><td>%" PRIu64 "</td><td>%.4f</td><td>%s</td></tr>\n",
			t->n, t->size, t->latency ? "latency" : "search", off, t->sent, t->received,
			t->stale, t->loss_pct, t->pass ? "pass" : "fail");
	}
	fprintf(f, "</table>\n</details>\n");
}

int pg_report_write(const struct pg_bench *b, const struct pg_app *a, const char *path)
{
	FILE *f = app_create_file(path, "w");

	if (f == NULL) {
		SL_LOG(ERR, PKTGEN, "--report %s: %s; check the directory exists and is writable", path,
		       strerror(errno));
		return -errno;
	}
	fprintf(f, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>sl-pktgen %s search</title>\n<style>%s</style>\n</head>\n<body>\n",
		pg_bench_kind_name(b->opts), style);
	setup_section(f, b, a);
	fprintf(f, "<h2>Throughput per frame size</h2>\n");
	pg_report_svg_throughput(f, b);
	fprintf(f, "<p class=\"note\">Bars: the highest rate that passed; dashed red: the line rate (when the link speed is known and on the scale).</p>\n");
	results_table(f, b);
	latency_section(f, b);
	if (b->nb_trials) {
		fprintf(f, "<h2>Rate and loss of every trial</h2>\n");
		pg_report_svg_trials(f, b);
		trials_table(f, b);
	}
	fprintf(f, "</body>\n</html>\n");
	if (fclose(f) != 0) {
		SL_LOG(ERR, PKTGEN, "--report %s: write failed: %s", path, strerror(errno));
		return -EIO;
	}
	return 0;
}
