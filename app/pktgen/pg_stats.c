/* SPDX-License-Identifier: BSD-3-Clause
 * sl-pktgen reports: the status line, the summary table and the JSON file.
 * All of it runs on the main lcore; live numbers are read with relaxed
 * loads from counters the polling lcores keep. */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "sl_eal.h"

#include "app_common.h"
#include "pg_app.h"

/* Our streams, plus other senders' streams seen (merged per port and stream;
 * beyond this many they are left out of the table). */
#define MAX_SUMS (PG_MAX_STREAMS + PG_MAX_RX_FLOWS)

static double seconds(const struct pg_app *app, uint64_t ticks)
{
	return (double)ticks / (double)app->hz;
}

/* Averages are over the sending phase: from the start to the last time a
 * port took frames (a run without TX: the whole run). */
static double rate_window(const struct pg_app *app)
{
	uint64_t end = app->t_start;

	for (unsigned i = 0; i < app->nb_tx_tasks; i++) {
		uint64_t last = __atomic_load_n(&app->tx_tasks[i]->last_tx_tsc, __ATOMIC_RELAXED);

		if (last > end)
			end = last;
	}
	if (end == app->t_start)
		end = app->nb_tx_tasks ? app->t_tx_end : app->t_end;
	double s = seconds(app, end > app->t_start ? end - app->t_start : 0);

	return s > 0 ? s : 1e-9;
}

static double mbps(uint64_t frames, uint64_t bytes, unsigned overhead, double secs)
{
	return ((double)bytes + (double)frames * overhead) * 8.0 / secs / 1e6;
}

static struct pg_stream_sum *find_sum(struct pg_stream_sum *sums, unsigned n, unsigned port,
				      unsigned stream, bool local)
{
	for (unsigned i = 0; i < n; i++)
		if (sums[i].port == port && sums[i].stream == stream && sums[i].local == local)
			return &sums[i];
	return NULL;
}

unsigned pg_stats_streams(const struct pg_app *app, struct pg_stream_sum *sums, unsigned max)
{
	const struct pg_opts *o = &app->opts;
	unsigned n = 0;

	for (unsigned i = 0; i < o->nb_streams && n < max; i++) {
		const struct pg_stream_opts *so = &o->streams[i];
		const struct pg_port *pp = &app->ports[so->port];
		struct pg_stream_sum *s = &sums[n++];

		memset(s, 0, sizeof(*s));
		pg_lat_init(&s->lat);
		s->port = (unsigned)so->port;
		s->stream = so->id;
		s->local = true;
		s->replay = so->cap != NULL;
		for (unsigned q = 0; q < pp->nb_txq; q++) {
			const struct pg_tx_task *t = pp->tx[q];

			if (t == NULL)
				continue;
			for (unsigned k = 0; k < t->nb_streams; k++) {
				const struct pg_tx_stream *ts = &t->streams[k];

				if (ts->stream_id != so->id)
					continue;
				s->tx_frames += sl_counter_read(&ts->tx_frames);
				s->tx_bytes += sl_counter_read(&ts->tx_bytes);
				s->built += sl_counter_read(&ts->seq);
				s->unsent += sl_counter_read(&ts->unsent);
			}
		}
	}
	for (unsigned r = 0; r < app->nb_rx_tasks; r++) {
		const struct pg_rx_task *t = app->rx_tasks[r];
		unsigned nf = __atomic_load_n(&t->nb_flows, __ATOMIC_ACQUIRE);

		for (unsigned f = 0; f < nf; f++) {
			const struct pg_rx_flow *fl = &t->flows[f];
			unsigned port = fl->key >> 16, stream = (fl->key >> 8) & 0xff;
			struct pg_stream_sum *s = find_sum(sums, n, port, stream, fl->local);

			if (s == NULL) {
				if (n == max)
					continue;
				s = &sums[n++];
				memset(s, 0, sizeof(*s));
				pg_lat_init(&s->lat);
				s->port = port;
				s->stream = stream;
				s->local = fl->local;
			}
			s->rx_frames += pg_seq_load_(&fl->seq.received);
			s->rx_bytes += sl_counter_read(&fl->bytes);
			s->dups += pg_seq_load_(&fl->seq.dups);
			s->late += pg_seq_load_(&fl->seq.late);
			if (!fl->local)
				s->lost += (int64_t)pg_seq_gaps(&fl->seq);
			pg_lat_merge(&s->lat, &fl->lat);
		}
	}
	for (unsigned i = 0; i < n; i++) {
		struct pg_stream_sum *s = &sums[i];

		if (!s->local)
			continue;
		if (s->replay || app->nb_rx_tasks == 0) {
			s->lost = -1;
		} else {
			uint64_t sent = s->built - s->unsent;

			s->lost = sent > s->rx_frames ? (int64_t)(sent - s->rx_frames) : 0;
		}
	}
	return n;
}

uint64_t pg_stats_total_lost(const struct pg_app *app)
{
	struct pg_stream_sum *sums = malloc(MAX_SUMS * sizeof(*sums));
	uint64_t lost = 0;
	unsigned n;

	if (sums == NULL)
		return UINT64_MAX;
	n = pg_stats_streams(app, sums, MAX_SUMS);
	for (unsigned i = 0; i < n; i++)
		if (sums[i].lost > 0)
			lost += (uint64_t)sums[i].lost;
	free(sums);
	return lost;
}

void pg_stats_accounted(const struct pg_app *app, uint64_t *sent, uint64_t *received)
{
	*sent = 0;
	*received = 0;
	for (unsigned i = 0; i < app->nb_tx_tasks; i++) {
		const struct pg_tx_task *t = app->tx_tasks[i];

		for (unsigned k = 0; k < t->nb_streams; k++) {
			const struct pg_tx_stream *s = &t->streams[k];

			if (s->cap == NULL)
				*sent += sl_counter_read(&s->seq) - sl_counter_read(&s->unsent);
		}
	}
	for (unsigned r = 0; r < app->nb_rx_tasks; r++) {
		const struct pg_rx_task *t = app->rx_tasks[r];
		unsigned nf = __atomic_load_n(&t->nb_flows, __ATOMIC_ACQUIRE);

		for (unsigned f = 0; f < nf; f++)
			if (t->flows[f].local)
				*received += pg_seq_load_(&t->flows[f].seq.received);
	}
	*sent -= app->accounted_base;
}

void pg_fmt_pps(char *buf, size_t len, double pps)
{
	if (pps >= 1e6)
		snprintf(buf, len, "%.3f Mpps", pps / 1e6);
	else if (pps >= 1e3)
		snprintf(buf, len, "%.2f kpps", pps / 1e3);
	else
		snprintf(buf, len, "%.0f pps", pps);
}

void pg_fmt_ns(char *buf, size_t len, double ns)
{
	if (ns >= 1e6)
		snprintf(buf, len, "%.2f ms", ns / 1e6);
	else if (ns >= 1e3)
		snprintf(buf, len, "%.1f us", ns / 1e3);
	else
		snprintf(buf, len, "%.0f ns", ns);
}

static void port_tx_totals(const struct pg_port *p, uint64_t *frames, uint64_t *bytes)
{
	*frames = *bytes = 0;
	for (unsigned q = 0; q < p->nb_txq; q++)
		if (p->tx[q]) {
			*frames += sl_counter_read(&p->tx[q]->tx_frames);
			*bytes += sl_counter_read(&p->tx[q]->tx_bytes);
		}
}

/* Times a rate-limited sender of the port fell more than the catch-up
 * limit behind (preempted, or the port pushed back). */
static uint64_t port_tx_stalls(const struct pg_port *p)
{
	uint64_t n = 0;

	for (unsigned q = 0; q < p->nb_txq; q++)
		if (p->tx[q])
			for (unsigned k = 0; k < p->tx[q]->nb_streams; k++)
				n += sl_counter_read(&p->tx[q]->streams[k].rate.stalls);
	return n;
}

static void port_rx_totals(const struct pg_port *p, uint64_t *frames, uint64_t *bytes,
			   uint64_t *sig, uint64_t *untracked)
{
	*frames = *bytes = *sig = *untracked = 0;
	for (unsigned q = 0; q < p->nb_rxq; q++) {
		*frames += sl_counter_read(&p->rx[q]->rx_frames);
		*bytes += sl_counter_read(&p->rx[q]->rx_bytes);
		*sig += sl_counter_read(&p->rx[q]->sig_frames);
		*untracked += sl_counter_read(&p->rx[q]->untracked);
	}
}

void pg_stats_status(struct pg_app *app, uint64_t now)
{
	double dt = seconds(app, now - app->t_status), t = seconds(app, now - app->t_start);
	static struct pg_lat merged;	/* 18 KiB: not on the stack */

	if (dt <= 0)
		return;
	for (unsigned p = 0; p < PG_MAX_PORTS; p++) {
		struct pg_port *pp = &app->ports[p];
		uint64_t txf, txb, rxf = 0, rxb = 0, gaps = 0;
		char tx_pps[32], rx_pps[32], p99[32] = "-";

		if (!pp->used)
			continue;
		port_tx_totals(pp, &txf, &txb);
		pg_lat_init(&merged);
		for (unsigned q = 0; q < pp->nb_rxq; q++) {
			const struct pg_rx_task *r = pp->rx[q];
			unsigned nf = __atomic_load_n(&r->nb_flows, __ATOMIC_ACQUIRE);

			rxf += sl_counter_read(&r->rx_frames);
			rxb += sl_counter_read(&r->rx_bytes);
			for (unsigned f = 0; f < nf; f++) {
				gaps += pg_seq_gaps(&r->flows[f].seq);
				pg_lat_merge(&merged, &r->flows[f].lat);
			}
		}
		if (merged.count)
			pg_fmt_ns(p99, sizeof(p99), (double)pg_lat_percentile(&merged, 0.99));
		pg_fmt_pps(tx_pps, sizeof(tx_pps), (double)(txf - pp->st_tx_frames) / dt);
		pg_fmt_pps(rx_pps, sizeof(rx_pps), (double)(rxf - pp->st_rx_frames) / dt);
		fprintf(stderr,
			"[%6.1fs] port %u %-12s TX %12s %9.1f Mbit/s | RX %12s %9.1f Mbit/s | lost %" PRIu64 " | p99 %s\n",
			t, p, pp->name, pp->tx_role ? tx_pps : "-",
			mbps(txf - pp->st_tx_frames, txb - pp->st_tx_bytes, PG_RATE_L2_OVERHEAD, dt),
			pp->rx_role ? rx_pps : "-",
			mbps(rxf - pp->st_rx_frames, rxb - pp->st_rx_bytes, PG_RATE_L2_OVERHEAD, dt),
			gaps, p99);
		pp->st_tx_frames = txf;
		pp->st_tx_bytes = txb;
		pp->st_rx_frames = rxf;
		pp->st_rx_bytes = rxb;
	}
	app->t_status = now;
}

void pg_stats_summary(const struct pg_app *app, FILE *out)
{
	struct pg_stream_sum *sums = malloc(MAX_SUMS * sizeof(*sums));
	double win = rate_window(app);
	unsigned n;

	fprintf(out, "\nsl-pktgen summary: sent for %.3f s, ran %.3f s%s\n", win,
		seconds(app, app->t_end - app->t_start), app->interrupted ? " (interrupted)" : "");
	fprintf(out, "Mbit/s count frame + FCS (L2); rates are averages over the sending phase\n\n");
	fprintf(out, "%-4s %-16s %14s %10s %10s %14s %10s %10s %12s\n", "port", "name", "tx frames",
		"tx Mpps", "tx Mbit/s", "rx frames", "rx Mpps", "rx Mbit/s", "rx signed");
	for (unsigned p = 0; p < PG_MAX_PORTS; p++) {
		const struct pg_port *pp = &app->ports[p];
		uint64_t txf, txb, rxf, rxb, sig, untracked;

		if (!pp->used)
			continue;
		port_tx_totals(pp, &txf, &txb);
		port_rx_totals(pp, &rxf, &rxb, &sig, &untracked);
		fprintf(out, "%-4u %-16s %14" PRIu64 " %10.3f %10.1f %14" PRIu64 " %10.3f %10.1f %12" PRIu64 "\n",
			p, pp->name, txf, (double)txf / win / 1e6,
			mbps(txf, txb, PG_RATE_L2_OVERHEAD, win), rxf, (double)rxf / win / 1e6,
			mbps(rxf, rxb, PG_RATE_L2_OVERHEAD, win), sig);
	}
	if (sums == NULL)
		return;
	n = pg_stats_streams(app, sums, MAX_SUMS);
	if (n == 0) {
		free(sums);
		return;
	}
	fprintf(out, "\n%-6s %-4s %-6s %14s %14s %10s %8s %8s %10s %10s %10s %10s %10s %10s\n",
		"stream", "port", "from", "tx frames", "rx frames", "lost", "dup", "reorder",
		"lat min", "lat avg", "lat max", "p50", "p99", "p99.9");
	for (unsigned i = 0; i < n; i++) {
		const struct pg_stream_sum *s = &sums[i];
		char lost[24], v[6][16];

		if (s->lost < 0)
			snprintf(lost, sizeof(lost), "-");
		else
			snprintf(lost, sizeof(lost), "%" PRId64, s->lost);
		for (int k = 0; k < 6; k++)
			strcpy(v[k], "-");
		if (s->lat.count) {
			pg_fmt_ns(v[0], sizeof(v[0]), (double)s->lat.min);
			pg_fmt_ns(v[1], sizeof(v[1]), pg_lat_mean(&s->lat));
			pg_fmt_ns(v[2], sizeof(v[2]), (double)s->lat.max);
			pg_fmt_ns(v[3], sizeof(v[3]), (double)pg_lat_percentile(&s->lat, 0.5));
			pg_fmt_ns(v[4], sizeof(v[4]), (double)pg_lat_percentile(&s->lat, 0.99));
			pg_fmt_ns(v[5], sizeof(v[5]), (double)pg_lat_percentile(&s->lat, 0.999));
		}
		fprintf(out, "%-6u %-4u %-6s %14" PRIu64 " %14" PRIu64 " %10s %8" PRIu64 " %8" PRIu64
			" %10s %10s %10s %10s %10s %10s\n",
			s->stream, s->port, s->local ? (s->replay ? "replay" : "here") : "remote",
			s->tx_frames, s->rx_frames, lost, s->dups, s->late, v[0], v[1], v[2], v[3],
			v[4], v[5]);
		if (s->lat.jitter_n) {
			char jit[16];

			pg_fmt_ns(jit, sizeof(jit), pg_lat_jitter(&s->lat));
			fprintf(out, "       jitter %s over %" PRIu64 " latency samples\n", jit, s->lat.count);
		}
	}
	fflush(out);
	free(sums);
}

void pg_stats_json_lat(FILE *f, const struct pg_lat *l)
{
	if (l->count == 0) {
		fprintf(f, "null");
		return;
	}
	fprintf(f, "{\"samples\": %" PRIu64 ", \"min\": %" PRIu64 ", \"avg\": %.1f, \"max\": %" PRIu64
		", \"p50\": %" PRIu64 ", \"p90\": %" PRIu64 ", \"p99\": %" PRIu64 ", \"p999\": %" PRIu64
		", \"jitter\": %.1f}",
		l->count, l->min, pg_lat_mean(l), l->max, pg_lat_percentile(l, 0.5),
		pg_lat_percentile(l, 0.9), pg_lat_percentile(l, 0.99), pg_lat_percentile(l, 0.999),
		pg_lat_jitter(l));
}

void pg_stats_json_str(FILE *f, const char *s)
{
	fputc('"', f);
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			fprintf(f, "\\%c", *s);
		else if ((unsigned char)*s < 0x20)
			fprintf(f, "\\u%04x", *s);
		else
			fputc(*s, f);
	}
	fputc('"', f);
}

/* The "ports" array: each used port's roles, totals and driver counters. */
static void json_ports(FILE *f, const struct pg_app *app, double win)
{
	bool first = true;

	fprintf(f, "  \"ports\": [");
	for (unsigned p = 0; p < PG_MAX_PORTS; p++) {
		const struct pg_port *pp = &app->ports[p];
		uint64_t txf, txb, rxf, rxb, sig, untracked;
		struct sl_eth_stats es;

		if (!pp->used)
			continue;
		port_tx_totals(pp, &txf, &txb);
		port_rx_totals(pp, &rxf, &rxb, &sig, &untracked);
		memset(&es, 0, sizeof(es));
		sl_eth_stats_get((uint16_t)p, &es);
		fprintf(f, "%s\n    {\"port\": %u, \"name\": ", first ? "" : ",", p);
		pg_stats_json_str(f, pp->name);
		fprintf(f, ", \"driver\": ");
		pg_stats_json_str(f, pp->driver ? pp->driver : "");
		fprintf(f, ", \"tx_role\": %s, \"rx_role\": %s, \"tx_queues\": %u,\n",
			pp->tx_role ? "true" : "false", pp->rx_role ? "true" : "false", pp->nb_txq);
		fprintf(f, "     \"tx\": {\"frames\": %" PRIu64 ", \"bytes\": %" PRIu64 ", \"pps\": %.1f, \"mbps_l2\": %.3f, \"mbps_l1\": %.3f, \"rate_stalls\": %" PRIu64 "},\n",
			txf, txb, (double)txf / win, mbps(txf, txb, PG_RATE_L2_OVERHEAD, win),
			mbps(txf, txb, PG_RATE_L1_OVERHEAD, win), port_tx_stalls(pp));
		fprintf(f, "     \"rx\": {\"frames\": %" PRIu64 ", \"bytes\": %" PRIu64 ", \"pps\": %.1f, \"mbps_l2\": %.3f, \"mbps_l1\": %.3f, \"signed_frames\": %" PRIu64 ", \"untracked_frames\": %" PRIu64 "},\n",
			rxf, rxb, (double)rxf / win, mbps(rxf, rxb, PG_RATE_L2_OVERHEAD, win),
			mbps(rxf, rxb, PG_RATE_L1_OVERHEAD, win), sig,
			untracked);
		fprintf(f, "     \"eth_stats\": {\"ipackets\": %" PRIu64 ", \"opackets\": %" PRIu64 ", \"ibytes\": %" PRIu64 ", \"obytes\": %" PRIu64 ", \"imissed\": %" PRIu64 ", \"ierrors\": %" PRIu64 ", \"oerrors\": %" PRIu64 ", \"rx_nombuf\": %" PRIu64 "}}",
			es.ipackets, es.opackets, es.ibytes, es.obytes, es.imissed, es.ierrors,
			es.oerrors, es.rx_nombuf);
		first = false;
	}
	fprintf(f, "\n  ],\n");
}

struct json_totals {
	uint64_t tx, rx, lost, dup, late;
	bool lost_known;	/* some stream's loss is known */
};

/* The "streams" array, adding each into *t. */
static void json_streams(FILE *f, const struct pg_stream_sum *sums, unsigned n,
			 struct json_totals *t)
{
	fprintf(f, "  \"streams\": [");
	for (unsigned i = 0; i < n; i++) {
		const struct pg_stream_sum *s = &sums[i];

		fprintf(f, "%s\n    {\"stream\": %u, \"port\": %u, \"origin\": \"%s\", ", i ? "," : "",
			s->stream, s->port, s->local ? (s->replay ? "replay" : "local") : "remote");
		fprintf(f, "\"tx_frames\": %" PRIu64 ", \"tx_bytes\": %" PRIu64 ", \"rx_frames\": %" PRIu64
			", \"rx_bytes\": %" PRIu64 ", ", s->tx_frames, s->tx_bytes, s->rx_frames, s->rx_bytes);
		if (s->lost < 0)
			fprintf(f, "\"lost\": null, ");
		else
			fprintf(f, "\"lost\": %" PRId64 ", ", s->lost);
		fprintf(f, "\"duplicates\": %" PRIu64 ", \"reordered\": %" PRIu64 ",\n     \"latency_ns\": ",
			s->dups, s->late);
		pg_stats_json_lat(f, &s->lat);
		fprintf(f, "}");
		t->tx += s->tx_frames;
		t->rx += s->rx_frames;
		if (s->lost >= 0) {
			t->lost += (uint64_t)s->lost;
			t->lost_known = true;
		}
		t->dup += s->dups;
		t->late += s->late;
	}
	fprintf(f, "\n  ],\n");
}

int pg_stats_json(const struct pg_app *app, const char *path)
{
	struct pg_stream_sum *sums = malloc(MAX_SUMS * sizeof(*sums));
	double win = rate_window(app);
	struct json_totals t = { 0 };
	unsigned n;
	FILE *f;

	if (sums == NULL) {
		SL_LOG(ERR, PKTGEN, "--json %s: out of memory", path);
		return -ENOMEM;
	}
	f = app_create_file(path, "w");
	if (f == NULL) {
		SL_LOG(ERR, PKTGEN, "--json %s: %s; check the directory exists and is writable", path,
		       strerror(errno));
		free(sums);
		return -errno;
	}
	n = pg_stats_streams(app, sums, MAX_SUMS);
	fprintf(f, "{\n  \"version\": 1,\n  \"tsc_hz\": %" PRIu64 ",\n", app->hz);
	fprintf(f, "  \"duration_s\": %.6f,\n  \"tx_duration_s\": %.6f,\n  \"interrupted\": %s,\n",
		seconds(app, app->t_end - app->t_start), win, app->interrupted ? "true" : "false");
	json_ports(f, app, win);
	json_streams(f, sums, n, &t);
	fprintf(f, "  \"totals\": {\"tx_frames\": %" PRIu64 ", \"rx_frames\": %" PRIu64 ", ", t.tx, t.rx);
	if (t.lost_known)
		fprintf(f, "\"lost\": %" PRIu64 ", ", t.lost);
	else
		fprintf(f, "\"lost\": null, ");
	fprintf(f, "\"duplicates\": %" PRIu64 ", \"reordered\": %" PRIu64 "},\n", t.dup, t.late);
	fprintf(f, "  \"expect_no_loss\": %s,\n  \"ok\": %s\n}\n",
		app->opts.expect_no_loss ? "true" : "false",
		app->opts.expect_no_loss && t.lost > 0 ? "false" : "true");
	free(sums);
	if (fclose(f) != 0) {
		SL_LOG(ERR, PKTGEN, "--json %s: write failed: %s", path, strerror(errno));
		return -EIO;
	}
	return 0;
}
