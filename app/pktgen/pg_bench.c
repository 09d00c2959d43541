/* SPDX-License-Identifier: BSD-3-Clause
 * sl-pktgen --search: runs the trials the search (pg_search.c) asks for,
 * frame size after frame size, then the latency trials at shares of the
 * rate found, and hands the results to the table, the JSON and the report.
 *
 * A trial is one run (pg_run.c) of the tasks built at start: between two
 * trials every lcore has stopped, so the main lcore resets the counters,
 * sets the frame size and the rate, and moves each flow's first sequence
 * number to where the previous trial stopped. A frame of an earlier trial
 * that arrives during a later one is then recognised by its number (stale,
 * counted apart) instead of being taken for one of the new trial's.
 */
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "sl_eal.h"

#include "app_common.h"
#include "pg_app.h"
#include "pg_bench.h"

/* A trial's sender may fall this far behind before it skips frames
 * rather than bursting them out later: a catch-up burst would hit the
 * device as an overload the rate does not have. */
#define TRIAL_MAX_LAG_MS 2
/* Tries of a trial whose sender fell short of its rate (a busy machine
 * preempted it): the last one's verdict stands. */
#define SHORT_TRIES 3

double pg_bench_gbps_l1(double pps, uint32_t size)
{
	return pps * 8.0 * (size + PG_RATE_L1_OVERHEAD - PG_RATE_L2_OVERHEAD) / 1e9;
}

double pg_bench_gbps_l2(double pps, uint32_t size)
{
	return pps * 8.0 * size / 1e9;
}

const char *pg_bench_kind_name(const struct pg_search_opts *o)
{
	return o->kind == PG_SEARCH_NDR ? "NDR" : "PDR";
}

/* ---- one trial ----------------------------------------------------------------- */

static void prepare_tx(struct pg_app *a, uint32_t size, double pps)
{
	struct pg_size_spec fixed = { .mode = PG_SIZE_FIXED, .step = 1 };

	fixed.min = fixed.max = size - PG_RATE_L2_OVERHEAD;
	a->accounted_base = 0;
	for (unsigned i = 0; i < a->nb_tx_tasks; i++) {
		struct pg_tx_task *t = a->tx_tasks[i];
		unsigned nq = a->ports[t->port].nb_txq;
		struct pg_rate_spec rate = { pps > 0 ? PG_RATE_PPS : PG_RATE_UNLIMITED, pps / nq };

		t->finished = t->nb_streams == 0;
		t->stop_deadline = 0;
		t->tx_frames = t->tx_bytes = t->nombuf = t->full = t->last_tx_tsc = 0;
		for (unsigned k = 0; k < t->nb_streams; k++) {
			struct pg_tx_stream *s = &t->streams[k];

			s->done = false;
			s->limit = 0;
			s->tx_frames = s->tx_bytes = s->unsent = 0;
			pg_sizer_free(&s->sizer);
			pg_sizer_init(&s->sizer, &fixed, 0);	/* fixed: no table, cannot fail */
			pg_rate_init(&s->rate, &rate, a->hz, 0, a->hz / 1000 * TRIAL_MAX_LAG_MS);
			a->seq_base[s->stream_id * PG_MAX_TXQ + t->queue] = s->seq;
			a->accounted_base += s->seq;
		}
	}
}

static void prepare_rx(struct pg_app *a)
{
	for (unsigned i = 0; i < a->nb_rx_tasks; i++) {
		struct pg_rx_task *t = a->rx_tasks[i];

		t->seq_base = a->seq_base;
		t->rx_frames = t->rx_bytes = t->sig_frames = t->untracked = 0;
		for (unsigned f = 0; f < t->nb_flows; f++) {
			struct pg_rx_flow *fl = &t->flows[f];
			unsigned stream = (fl->key >> 8) & 0xff, queue = fl->key & 0xff;

			fl->bytes = 0;
			pg_lat_init(&fl->lat);
			if (fl->local)
				pg_seq_init(&fl->seq, true, a->seq_base[stream * PG_MAX_TXQ + queue]);
			else
				pg_seq_init(&fl->seq, false, 0);
		}
	}
}

/* What the trial that just ended sent and got back; lat (if not NULL)
 * gets every local flow's latency. Returns the sending time in s. */
static double collect(const struct pg_app *a, struct pg_trial *tr, struct pg_lat *lat)
{
	uint64_t end = a->t_start;

	pg_stats_accounted(a, &tr->sent, &tr->received);
	tr->stale = 0;
	for (unsigned i = 0; i < a->nb_rx_tasks; i++) {
		const struct pg_rx_task *t = a->rx_tasks[i];

		for (unsigned f = 0; f < t->nb_flows; f++) {
			if (!t->flows[f].local)
				continue;
			tr->stale += t->flows[f].seq.stale;
			if (lat)
				pg_lat_merge(lat, &t->flows[f].lat);
		}
	}
	for (unsigned i = 0; i < a->nb_tx_tasks; i++)
		if (a->tx_tasks[i]->last_tx_tsc > end)
			end = a->tx_tasks[i]->last_tx_tsc;
	if (end == a->t_start)
		end = a->t_tx_end;
	return end > a->t_start ? (double)(end - a->t_start) / (double)a->hz : a->run_s;
}

static void progress(const struct pg_trial *tr)
{
	char off[32], tx[32], rx[32];

	if (tr->offered_pps > 0)
		pg_fmt_pps(off, sizeof(off), tr->offered_pps);
	else
		snprintf(off, sizeof(off), "max");
	pg_fmt_pps(tx, sizeof(tx), tr->tx_pps);
	pg_fmt_pps(rx, sizeof(rx), tr->rx_pps);
	fprintf(stderr, "[%7.1fs] trial %-3u %5" PRIu32 " B %s %-13s sent %12" PRIu64 " (%s)  received %12" PRIu64 " (%s)  loss %8.4f %%  %s%s\n",
		tr->start_s, tr->n, tr->size, tr->latency ? "latency at" : "rate", off, tr->sent, tx,
		tr->received, rx, tr->loss_pct, tr->pass ? "pass" : "FAIL",
		tr->sender_short ? "  (the sender fell short of the rate)" : "");
}

static struct pg_trial *new_trial(struct pg_bench *b)
{
	if (b->nb_trials == b->cap_trials) {
		unsigned cap = b->cap_trials ? 2 * b->cap_trials : 64;
		struct pg_trial *t = realloc(b->trials, cap * sizeof(*t));

		if (t == NULL)
			return NULL;
		b->trials = t;
		b->cap_trials = cap;
	}
	memset(&b->trials[b->nb_trials], 0, sizeof(b->trials[0]));
	return &b->trials[b->nb_trials++];
}

/* How far below its rate a trial's sender may stay: half the precision. */
static double short_share(const struct pg_search_opts *so, double pps)
{
	return (so->precision_rel ? so->precision : so->precision / pps) / 2;
}

/* Runs one trial at pps (0: unlimited) and records it: a copy in *out.
 * -ENOMEM, -EINTR (a signal ended it: not recorded), or 0. */
static int run_trial(struct pg_app *a, struct pg_bench *b, uint32_t size, double pps,
		     struct pg_trial *out, struct pg_lat *lat)
{
	const struct pg_search_opts *so = b->opts;
	struct pg_trial *tr;
	uint64_t lost;

	prepare_tx(a, size, pps);
	prepare_rx(a);
	if (b->nb_trials == 0) {
		b->t0 = sl_tsc();
		clock_gettime(CLOCK_REALTIME, &b->wall);
	}
	out->start_s = (double)(sl_tsc() - b->t0) / (double)b->hz;
	pg_run_traffic(a);
	if (a->interrupted) {
		b->interrupted = true;
		return -EINTR;
	}
	out->size = size;
	out->offered_pps = pps;
	out->duration_s = collect(a, out, lat);
	lost = out->sent > out->received ? out->sent - out->received : 0;
	out->loss_pct = out->sent ? 100.0 * (double)lost / (double)out->sent : 0;
	out->pass = out->sent > 0 &&
		    (so->kind == PG_SEARCH_NDR ? lost == 0 : out->loss_pct <= so->loss_pct);
	out->tx_pps = (double)out->sent / out->duration_s / b->nb_tx;
	out->rx_pps = (double)out->received / out->duration_s / b->nb_tx;
	out->sender_short = pps > 0 && out->tx_pps < pps * (1 - short_share(so, pps));
	tr = new_trial(b);
	if (tr == NULL) {
		SL_LOG(ERR, PKTGEN, "--search: out of memory for the trial records");
		return -ENOMEM;
	}
	out->n = b->nb_trials;
	*tr = *out;
	if (!a->opts.quiet)
		progress(tr);
	return 0;
}

/* ---- one frame size -------------------------------------------------------------- */

/* The search at one size: r->found, r->pps and the bracket. */
static int search_size(struct pg_app *a, struct pg_bench *b, struct pg_result *r)
{
	const struct pg_search_opts *so = b->opts;
	double min = pg_search_spec_pps(&so->min, r->size, b->link_mbps);
	double max = pg_search_spec_pps(&so->max, r->size, b->link_mbps), pps;
	struct pg_search s;
	int ret;

	pg_search_init(&s, min, max, so->precision, so->precision_rel);
	while (pg_search_next(&s, &pps)) {
		struct pg_trial tr = { 0 };
		bool pass = true;

		for (unsigned rep = 0; rep < so->reps && pass; rep++) {
			for (unsigned try = 0; try == 0 || (tr.sender_short && try < SHORT_TRIES); try++) {
				ret = run_trial(a, b, r->size, pps, &tr, NULL);
				if (ret < 0)
					return ret;
				r->trials++;
			}
			pass = tr.pass;
		}
		if (s.phase == PG_SEARCH_FIRST && pass && pps == 0)
			r->sender_bound = true;
		pg_search_verdict(&s, pass, tr.tx_pps, tr.rx_pps);
	}
	r->found = s.found;
	r->pps = s.result;
	r->lo = s.lo;
	r->hi = s.hi;
	return 0;
}

/* The latency trials at the shares of the rate found. */
static int latency_loads(struct pg_app *a, struct pg_bench *b, struct pg_result *r)
{
	const struct pg_search_opts *so = b->opts;

	if (!r->found || so->nb_loads == 0)
		return 0;
	r->loads = calloc(so->nb_loads, sizeof(*r->loads));
	if (r->loads == NULL) {
		SL_LOG(ERR, PKTGEN, "--search: out of memory for the latency histograms");
		return -ENOMEM;
	}
	for (unsigned i = 0; i < so->nb_loads; i++) {
		struct pg_load_point *lp = &r->loads[i];
		struct pg_trial tr = { .latency = true, .load_pct = so->loads_pct[i] };
		int ret;

		lp->load_pct = so->loads_pct[i];
		pg_lat_init(&lp->lat);
		ret = run_trial(a, b, r->size, r->pps * lp->load_pct / 100.0, &tr, &lp->lat);
		if (ret < 0)
			return ret;
		lp->trial = tr.n;
		r->nb_loads++;
	}
	return 0;
}

static void announce(const struct pg_app *a, const struct pg_bench *b, const struct pg_result *r)
{
	char rate[32];

	if (a->opts.quiet)
		return;
	if (!r->found) {
		fprintf(stderr, "%" PRIu32 " B: no rate passed, not even --search-min (%u trials)\n",
			r->size, r->trials);
		return;
	}
	pg_fmt_pps(rate, sizeof(rate), r->pps);
	fprintf(stderr, "%" PRIu32 " B: %s %s per TX port, %.3f Gbit/s on the wire%s (%u trials)\n",
		r->size, pg_bench_kind_name(b->opts), rate, pg_bench_gbps_l1(r->pps, r->size),
		r->sender_bound ? ", as fast as the sender goes" : "", r->trials);
}

static uint32_t slowest_link(const struct pg_app *a)
{
	uint32_t link = 0;

	for (unsigned p = 0; p < PG_MAX_PORTS; p++) {
		const struct pg_port *pp = &a->ports[p];

		if (!pp->used)
			continue;
		if (pp->link_mbps == 0)
			return 0;
		link = link == 0 ? pp->link_mbps : SL_MIN(link, pp->link_mbps);
	}
	return link;
}

static int check_link(const struct pg_bench *b)
{
	const struct pg_search_opts *so = b->opts;

	if (b->link_mbps == 0 && (so->min.kind == PG_RATE_PERCENT || so->max.kind == PG_RATE_PERCENT)) {
		SL_LOG(ERR, PKTGEN, "--search-%s %g%%: the link speed is unknown (link down, or a virtual port); give the rate in pps or bps",
		       so->min.kind == PG_RATE_PERCENT ? "min" : "max",
		       so->min.kind == PG_RATE_PERCENT ? so->min.value : so->max.value);
		return -EINVAL;
	}
	return 0;
}

static int write_outputs(const struct pg_app *a, const struct pg_bench *b)
{
	int ret = 0;

	pg_bench_table(b, stdout);
	if (a->opts.json && pg_bench_json(b, a, a->opts.json) < 0)
		ret = -EIO;
	if (b->opts->report && pg_report_write(b, a, b->opts->report) < 0)
		ret = -EIO;
	return ret;
}

int pg_bench_run(struct pg_app *a)
{
	struct pg_bench *b = calloc(1, sizeof(*b));
	int ret = 0;

	if (b == NULL) {
		SL_LOG(ERR, PKTGEN, "--search: out of memory");
		return -ENOMEM;
	}
	b->opts = &a->opts.search;
	b->hz = a->hz;
	b->link_mbps = slowest_link(a);
	for (unsigned p = 0; p < PG_MAX_PORTS; p++)
		b->nb_tx += a->ports[p].tx_role;
	a->run_s = b->opts->trial_s;
	a->status_lines = false;
	ret = check_link(b);
	for (unsigned i = 0; ret == 0 && i < b->opts->nb_sizes; i++) {
		struct pg_result *r = &b->results[b->nb_results++];

		r->size = b->opts->sizes[i];
		r->line_pps = pg_search_line_pps(r->size, b->link_mbps);
		ret = search_size(a, b, r);
		if (ret == 0)
			ret = latency_loads(a, b, r);
		if (ret == 0)
			announce(a, b, r);
		else if (ret == -EINTR && !r->found)
			b->nb_results--;	/* interrupted before its result */
	}
	if (ret == 0 || ret == -EINTR)
		ret = write_outputs(a, b);
	for (unsigned i = 0; i < b->nb_results; i++)
		free(b->results[i].loads);
	free(b->trials);
	free(b);
	return ret;
}
