/* SPDX-License-Identifier: BSD-3-Clause
 * sl-pktgen's run: the lcores poll their tasks while the main lcore
 * watches the clock, the limits and the signals, stops sending, drains
 * RX (for --drain-ms, or until every frame sent is accounted for) and
 * stops the lcores. One run is the whole of a plain sl-pktgen, or one
 * trial of a --search (pg_bench.c), which runs it again and again.
 */
#include <signal.h>
#include <string.h>
#include <unistd.h>

#include "sl_eal.h"

#include "pg_app.h"

#define CONTROL_PERIOD_US 1000

static int signals_seen;

static void on_signal(int sig)
{
	(void)sig;
	/* lock-free atomics are async-signal-safe */
	__atomic_add_fetch(&signals_seen, 1, __ATOMIC_RELAXED);
}

int pg_run_signals(void)
{
	return __atomic_load_n(&signals_seen, __ATOMIC_RELAXED);
}

static __sl_always_inline void poll_tasks(struct pg_lcore *l)
{
	for (unsigned i = 0; i < l->nb_tasks; i++) {
		if (l->tasks[i].kind == PG_TASK_TX)
			pg_tx_poll(l->tasks[i].task);
		else
			pg_rx_poll(l->tasks[i].task);
	}
}

static int lcore_loop(void *arg)
{
	struct pg_lcore *l = arg;

	while (!__atomic_load_n(&pg_run.rx_stop, __ATOMIC_RELAXED))
		poll_tasks(l);
	return 0;
}

static bool all_tx_finished(const struct pg_app *a)
{
	for (unsigned i = 0; i < a->nb_tx_tasks; i++)
		if (!__atomic_load_n(&a->tx_tasks[i]->finished, __ATOMIC_ACQUIRE))
			return false;
	return true;
}

enum phase { PHASE_SEND, PHASE_STOPPING, PHASE_DRAIN, PHASE_DONE };

/* The main lcore's checks, every CONTROL_PERIOD_US: limits, signals,
 * phase changes and the status line. Returns the phase. */
static enum phase control(struct pg_app *a, enum phase ph, uint64_t now, uint64_t *drain_end)
{
	const struct pg_opts *o = &a->opts;
	int sigs = pg_run_signals();

	if (a->status_lines && now - a->t_status >= a->hz)
		pg_stats_status(a, now);
	if (sigs)
		a->interrupted = true;
	switch (ph) {
	case PHASE_SEND:
		if (sigs || (a->run_s > 0 && (int64_t)(now - pg_run.tx_deadline) >= 0) ||
		    (a->nb_tx_tasks && all_tx_finished(a))) {
			__atomic_store_n(&pg_run.tx_stop, 1, __ATOMIC_RELAXED);
			return PHASE_STOPPING;
		}
		return ph;
	case PHASE_STOPPING:
		if (!all_tx_finished(a))
			return ph;
		a->t_tx_end = now;
		if (a->nb_rx_tasks == 0 || a->nb_tx_tasks == 0)
			return PHASE_DONE;
		*drain_end = now + a->hz / 1000 * o->drain_ms;
		return PHASE_DRAIN;
	case PHASE_DRAIN: {
		uint64_t sent, got;

		if (sigs > 1 || (int64_t)(now - *drain_end) >= 0)
			return PHASE_DONE;
		pg_stats_accounted(a, &sent, &got);
		return got >= sent ? PHASE_DONE : ph;
	}
	case PHASE_DONE:
	default:
		return PHASE_DONE;
	}
}

/* --start-delay-ms: QEMU's e1000 model, for one, holds received frames
 * back for about a second after every RCTL write (set_rx_control's flush
 * timer); frames sent into that window reach the RX port late (latency
 * samples of a second) or overflow whatever queues them. A signal cuts the
 * wait short; control() then stops at once. */
static void start_delay(const struct pg_app *a)
{
	uint64_t end = sl_tsc() + a->hz / 1000 * a->opts.start_delay_ms;

	while ((int64_t)(sl_tsc() - end) < 0 && pg_run_signals() == 0)
		usleep(CONTROL_PERIOD_US);
}

void pg_run_catch_signals(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
}

void pg_run_traffic(struct pg_app *a)
{
	unsigned main_lcore = sl_get_main_lcore(), i;
	struct pg_lcore *ml = &a->lcores[main_lcore];
	uint64_t period = a->hz / 1000000 * CONTROL_PERIOD_US, next, drain_end = 0;
	enum phase ph = PHASE_SEND;

	if (a->opts.start_delay_ms > 0 && !a->ran)
		start_delay(a);
	a->ran = true;
	pg_run.tx_stop = 0;
	pg_run.rx_stop = 0;
	a->t_tx_end = 0;
	a->t_start = sl_tsc();
	a->t_status = a->t_start;
	pg_run.tx_deadline = 0;
	if (a->run_s > 0)
		pg_run.tx_deadline = a->t_start + (uint64_t)(a->run_s * (double)a->hz);
	clock_gettime(CLOCK_REALTIME, &a->wall_start);
	for (unsigned t = 0; t < a->nb_tx_tasks; t++) {
		struct pg_tx_task *tt = a->tx_tasks[t];

		for (unsigned k = 0; k < tt->nb_streams; k++) {
			tt->streams[k].rate.base = a->t_start;
			tt->streams[k].loop_base = a->t_start;
		}
	}
	SL_LCORE_FOREACH_WORKER(i) {
		if (a->lcores[i].nb_tasks)
			sl_eal_remote_launch(lcore_loop, &a->lcores[i], i);
	}
	next = sl_tsc() + period;
	while (ph != PHASE_DONE) {
		uint64_t now;

		if (ml->nb_tasks) {
			poll_tasks(ml);
			now = sl_tsc();
			if ((int64_t)(now - next) < 0)
				continue;
		} else {
			usleep(CONTROL_PERIOD_US);
			now = sl_tsc();
		}
		next = now + period;
		ph = control(a, ph, now, &drain_end);
	}
	a->t_end = sl_tsc();
	if (a->t_tx_end == 0)
		a->t_tx_end = a->t_end;
	__atomic_store_n(&pg_run.tx_stop, 1, __ATOMIC_RELAXED);
	__atomic_store_n(&pg_run.rx_stop, 1, __ATOMIC_RELAXED);
	sl_eal_mp_wait_lcore();
	if (a->status_lines)
		pg_stats_status(a, a->t_end);
}

