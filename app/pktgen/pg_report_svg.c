/* SPDX-License-Identifier: BSD-3-Clause
 * sl-pktgen --report: the charts, as inline SVG (no script, no external
 * file: the page is read as it is).
 *
 * Every mark that stands for a number carries that number in data-*
 * attributes formatted as in the JSON (data-kind says what it is), so a
 * test can hold the page against the JSON; a <title> inside gives the
 * same on hover.
 */
#include <inttypes.h>
#include <math.h>
#include <stdio.h>

#include "pg_app.h"
#include "pg_bench.h"
#include "pg_report.h"

#define CHART_W 880
#define CHART_H 300
#define PAD_L 70
#define PAD_R 60
#define PAD_T 30
#define PAD_B 50
#define BINS_PER_OCTAVE 8
#define LOSS_FLOOR 1e-4		/* percent: the loss axis' bottom, where 0 is drawn */

struct chart {
	FILE *f;
	double x0, y0, w, h;		/* plot area, px */
	double xmin, xmax, ymin, ymax;
	bool xlog, ylog;
	bool zero_floor;		/* log y: the bottom decade stands for 0 */
};

static double tr_x(const struct chart *c, double v)
{
	double t = c->xlog ? (log10(v) - log10(c->xmin)) / (log10(c->xmax) - log10(c->xmin))
			   : (v - c->xmin) / (c->xmax - c->xmin);

	return c->x0 + t * c->w;
}

static double tr_y(const struct chart *c, double v)
{
	double t = c->ylog ? (log10(v) - log10(c->ymin)) / (log10(c->ymax) - log10(c->ymin))
			   : (v - c->ymin) / (c->ymax - c->ymin);

	return c->y0 + c->h - t * c->h;
}

static void chart_open(struct chart *c, FILE *f, unsigned height, const char *label)
{
	c->f = f;
	c->x0 = PAD_L;
	c->y0 = PAD_T;
	c->w = CHART_W - PAD_L - PAD_R;
	c->h = height - PAD_T - PAD_B;
	fprintf(f, "<svg class=\"chart\" width=\"%d\" height=\"%u\" viewBox=\"0 0 %d %u\" role=\"img\" aria-label=\"",
		CHART_W, height, CHART_W, height);
	pg_report_text(f, label);
	fprintf(f, "\">\n<text class=\"title\" x=\"%.1f\" y=\"18\">", c->x0);
	pg_report_text(f, label);
	fprintf(f, "</text>\n");
}

static void chart_frame(const struct chart *c)
{
	fprintf(c->f, "<rect class=\"plot\" x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\"/>\n",
		c->x0, c->y0, c->w, c->h);
}

static void chart_close(struct chart *c)
{
	fprintf(c->f, "</svg>\n");
}

/* A step of 1, 2 or 5 times a power of ten giving about n ticks. */
static double nice_step(double range, unsigned n)
{
	double raw = range / n, p = pow(10, floor(log10(raw))), m = raw / p;

	return p * (m < 1.5 ? 1 : m < 3.5 ? 2 : m < 7.5 ? 5 : 10);
}

static void fmt_tick(char *buf, size_t len, double v)
{
	if (fabs(v) >= 1e6)
		snprintf(buf, len, "%gM", v / 1e6);
	else if (fabs(v) >= 1e4)
		snprintf(buf, len, "%gk", v / 1e3);
	else
		snprintf(buf, len, "%g", v);
}

/* The frame, ticks and grid lines of the y axis (decades when
 * logarithmic). */
static void axis_y(const struct chart *c, const char *title)
{
	double step = c->ylog ? 10 : nice_step(c->ymax - c->ymin, 5);
	char t[32];

	chart_frame(c);
	for (double v = c->ylog ? c->ymin : ceil(c->ymin / step) * step; v <= c->ymax * 1.0001;
	     v = c->ylog ? v * step : v + step) {
		double y = tr_y(c, v);

		fprintf(c->f, "<line class=\"grid\" x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\"/>\n",
			c->x0, y, c->x0 + c->w, y);
		fmt_tick(t, sizeof(t), v);
		fprintf(c->f, "<text class=\"tick\" x=\"%.1f\" y=\"%.1f\" text-anchor=\"end\">%s</text>\n",
			c->x0 - 6, y + 4, c->zero_floor && v <= c->ymin * 1.0001 ? "0" : t);
	}
	fprintf(c->f, "<text class=\"axis\" transform=\"translate(%.1f,%.1f) rotate(-90)\" text-anchor=\"middle\">%s</text>\n",
		c->x0 - 52, c->y0 + c->h / 2, title);
}

static void axis_x_title(const struct chart *c, const char *title)
{
	fprintf(c->f, "<text class=\"axis\" x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">%s</text>\n",
		c->x0 + c->w / 2, c->y0 + c->h + 40, title);
}

/* ---- throughput per frame size --------------------------------------------------- */

static double max_rate(const struct pg_bench *b, bool with_line)
{
	double m = 0;

	for (unsigned i = 0; i < b->nb_results; i++) {
		m = fmax(m, b->results[i].pps);
		if (with_line)
			m = fmax(m, b->results[i].line_pps);
	}
	return m;
}

static void throughput_bar(const struct chart *c, const struct pg_bench *b, unsigned i, double slot)
{
	const struct pg_result *r = &b->results[i];
	double x = c->x0 + slot * i + slot * 0.2, y = tr_y(c, r->pps / 1e6);
	char rate[32];

	fprintf(c->f, "<text class=\"tick\" x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">%" PRIu32 " B</text>\n",
		x + slot * 0.3, c->y0 + c->h + 18, r->size);
	if (!r->found)
		return;
	pg_fmt_pps(rate, sizeof(rate), r->pps);
	fprintf(c->f, "<rect class=\"bar\" data-kind=\"result\" data-size=\"%" PRIu32 "\" data-pps=\"%.1f\" data-gbps=\"%.6f\" x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\"><title>%" PRIu32 " B: %s, %.3f Gbit/s</title></rect>\n",
		r->size, r->pps, pg_bench_gbps_l1(r->pps, r->size), x, y, slot * 0.6,
		c->y0 + c->h - y, r->size, rate, pg_bench_gbps_l1(r->pps, r->size));
	fprintf(c->f, "<text class=\"label\" x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">%s</text>\n",
		x + slot * 0.3, y - 18, rate);
	fprintf(c->f, "<text class=\"label\" x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">%.3f Gbit/s%s</text>\n",
		x + slot * 0.3, y - 5, pg_bench_gbps_l1(r->pps, r->size), r->sender_bound ? " *" : "");
	if (r->line_pps > 0 && r->line_pps / 1e6 <= c->ymax)
		fprintf(c->f, "<line class=\"line-rate\" data-kind=\"line-rate\" data-size=\"%" PRIu32 "\" data-pps=\"%.1f\" x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\"><title>line rate %.3f Mpps</title></line>\n",
			r->size, r->line_pps, x - slot * 0.1, tr_y(c, r->line_pps / 1e6),
			x + slot * 0.7, tr_y(c, r->line_pps / 1e6), r->line_pps / 1e6);
}

void pg_report_svg_throughput(FILE *f, const struct pg_bench *b)
{
	double found = max_rate(b, false), all = max_rate(b, true);
	struct chart c = { 0 };
	double slot;

	chart_open(&c, f, CHART_H, "throughput per frame size");
	c.xmin = 0;
	c.xmax = 1;
	c.ymin = 0;
	/* the line rate on the scale unless it would flatten the bars */
	c.ymax = (all <= 2.5 * found ? all : found) * 1.2 / 1e6;
	if (c.ymax <= 0)
		c.ymax = 1;
	axis_y(&c, "Mpps per TX port");
	slot = c.w / (b->nb_results ? b->nb_results : 1);
	for (unsigned i = 0; i < b->nb_results; i++)
		throughput_bar(&c, b, i, slot);
	axis_x_title(&c, "frame size (FCS included)");
	chart_close(&c);
}

/* ---- latency histogram ------------------------------------------------------------ */

static int bin_of(uint64_t ns)
{
	return (int)floor(log2((double)(ns ? ns : 1)) * BINS_PER_OCTAVE);
}

static double bin_lo(int bin)
{
	return exp2((double)bin / BINS_PER_OCTAVE);
}

/* Counts of h re-binned to BINS_PER_OCTAVE per power of two, from bin
 * *first on; returns how many bins. */
static unsigned rebin(const struct pg_lat *h, uint64_t *counts, unsigned max, int *first)
{
	unsigned n = 0;

	*first = bin_of(h->min);
	for (unsigned i = 0; i < PG_LAT_BUCKETS; i++) {
		uint64_t lo = pg_lat_bucket_lo(i);
		int k;

		if (h->buckets[i] == 0)
			continue;
		k = bin_of(SL_MAX(lo, h->min)) - *first;
		if (k < 0)
			k = 0;
		if ((unsigned)k >= max)
			k = (int)max - 1;
		counts[k] += h->buckets[i];
		n = SL_MAX(n, (unsigned)k + 1);
	}
	return n;
}

static void percentile_mark(const struct chart *c, const char *name, uint64_t ns, unsigned row)
{
	double x = tr_x(c, SL_MAX((double)ns, c->xmin));
	char v[32];

	pg_fmt_ns(v, sizeof(v), (double)ns);
	fprintf(c->f, "<line class=\"pct\" data-kind=\"percentile\" data-name=\"%s\" data-ns=\"%" PRIu64 "\" x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\"/>\n",
		name, ns, x, c->y0, x, c->y0 + c->h);
	fprintf(c->f, "<text class=\"label\" x=\"%.1f\" y=\"%.1f\">%s %s</text>\n", x + 3,
		c->y0 + 12 + 12 * row, name, v);
}

void pg_report_svg_latency(FILE *f, const struct pg_result *r)
{
	const struct pg_load_point *lp = &r->loads[r->nb_loads - 1];
	uint64_t counts[64 * BINS_PER_OCTAVE] = { 0 }, top = 0;
	int first;
	unsigned n = rebin(&lp->lat, counts, SL_DIM(counts), &first);
	struct chart c = { 0 };
	char label[128];

	snprintf(label, sizeof(label), "latency of %" PRIu32 "-byte frames at %g%% of the rate found (%.3f Mpps)",
		 r->size, lp->load_pct, r->pps * lp->load_pct / 100 / 1e6);
	chart_open(&c, f, CHART_H, label);
	for (unsigned k = 0; k < n; k++)
		top = SL_MAX(top, counts[k]);
	c.xlog = true;
	c.xmin = bin_lo(first);
	c.xmax = bin_lo(first + (int)n);
	c.ymin = 0;
	c.ymax = (double)top * 1.1;
	axis_y(&c, "frames");
	for (double d = pow(10, ceil(log10(c.xmin))); d <= c.xmax; d *= 10) {
		char t[32];

		pg_fmt_ns(t, sizeof(t), d);
		fprintf(f, "<text class=\"tick\" x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">%s</text>\n",
			tr_x(&c, d), c.y0 + c.h + 18, t);
	}
	for (unsigned k = 0; k < n; k++) {
		double x1 = tr_x(&c, bin_lo(first + (int)k)), x2 = tr_x(&c, bin_lo(first + (int)k + 1));

		if (counts[k] == 0)
			continue;
		fprintf(f, "<rect class=\"bin\" data-kind=\"histogram-bin\" data-size=\"%" PRIu32 "\" data-lo=\"%.0f\" data-count=\"%" PRIu64 "\" x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\"><title>%.0f ns and up: %" PRIu64 " frames</title></rect>\n",
			r->size, bin_lo(first + (int)k), counts[k], x1, tr_y(&c, (double)counts[k]),
			x2 - x1, c.y0 + c.h - tr_y(&c, (double)counts[k]), bin_lo(first + (int)k),
			counts[k]);
	}
	percentile_mark(&c, "p50", pg_lat_percentile(&lp->lat, 0.5), 0);
	percentile_mark(&c, "p99", pg_lat_percentile(&lp->lat, 0.99), 1);
	percentile_mark(&c, "p99.9", pg_lat_percentile(&lp->lat, 0.999), 2);
	axis_x_title(&c, "latency (log scale)");
	chart_close(&c);
}

/* ---- rate and loss over time -------------------------------------------------------- */

static double trial_rate(const struct pg_trial *t)
{
	return (t->offered_pps > 0 ? t->offered_pps : t->tx_pps) / 1e6;
}

static void trial_marks(const struct chart *rate, const struct chart *loss, const struct pg_trial *t)
{
	double x1 = tr_x(rate, t->start_s), x2 = tr_x(rate, t->start_s + t->duration_s);
	double ly = tr_y(loss, SL_MAX(t->loss_pct, LOSS_FLOOR));
	const char *cls = t->pass ? "pass" : "fail";
	double ry = tr_y(rate, trial_rate(t));

	fprintf(rate->f, "<line class=\"step %s\" x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\"/>\n",
		cls, x1, ry, x2, ry);
	fprintf(rate->f, "<circle class=\"%s\" data-kind=\"trial\" data-trial=\"%u\" data-size=\"%" PRIu32 "\" data-sent=\"%" PRIu64 "\" data-received=\"%" PRIu64 "\" data-loss=\"%.6f\" cx=\"%.1f\" cy=\"%.1f\" r=\"4\"><title>trial %u, %" PRIu32 " B%s: %.3f Mpps, sent %" PRIu64 ", received %" PRIu64 ", loss %.4f%%</title></circle>\n",
		cls, t->n, t->size, t->sent, t->received, t->loss_pct, (x1 + x2) / 2, ry, t->n, t->size, t->latency ? " (latency)" : "",
		trial_rate(t), t->sent, t->received, t->loss_pct);
	fprintf(loss->f, "<rect class=\"loss %s\" x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\"/>\n",
		cls, x1, ly, SL_MAX(x2 - x1, 1.0), loss->y0 + loss->h - ly);
}

void pg_report_svg_trials(FILE *f, const struct pg_bench *b)
{
	const struct pg_trial *last = &b->trials[b->nb_trials - 1];
	struct chart rate = { 0 }, loss;
	double top = 0, bottom = INFINITY;

	for (unsigned i = 0; i < b->nb_trials; i++) {
		top = fmax(top, trial_rate(&b->trials[i]));
		bottom = fmin(bottom, trial_rate(&b->trials[i]));
	}
	if (!(bottom > 0))
		bottom = top > 0 ? top / 10 : 0.1;
	chart_open(&rate, f, CHART_H + 160, "rate and loss of every trial over time");
	rate.h = CHART_H - PAD_T - PAD_B;
	rate.xmin = 0;
	rate.xmax = last->start_s + last->duration_s;
	/* log: the search's trials close in on one rate, the overload
	 * trial can be far above it */
	rate.ylog = true;
	rate.ymin = pow(10, floor(log10(bottom)));
	rate.ymax = pow(10, ceil(log10(top * 1.01)));
	axis_y(&rate, "Mpps offered");
	loss = rate;
	loss.y0 = rate.y0 + rate.h + 40;
	loss.h = 150;
	loss.ylog = true;
	loss.zero_floor = true;
	loss.ymin = LOSS_FLOOR;
	loss.ymax = 100;
	axis_y(&loss, "loss %");
	for (double s = 0, st = nice_step(rate.xmax, 8); s <= rate.xmax; s += st)
		fprintf(f, "<text class=\"tick\" x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">%g</text>\n",
			tr_x(&loss, s), loss.y0 + loss.h + 18, s);
	for (unsigned i = 0; i < b->nb_trials; i++)
		trial_marks(&rate, &loss, &b->trials[i]);
	fprintf(f, "<text class=\"axis\" x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">seconds since the first trial (green: passed, red: failed)</text>\n",
		loss.x0 + loss.w / 2, loss.y0 + loss.h + 40);
	chart_close(&rate);
}
