/* SPDX-License-Identifier: BSD-3-Clause
 * sl-l2fwd's statistics: the per-lcore counters summed, printed every -T
 * PERIOD in DPDK l2fwd's layout, the --max-packets / --duration limits the
 * main lcore checks, and the summary at the end. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "app_common.h"
#include "l2fwd.h"
#include "sl_telemetry.h"

static void stats_sum(struct port_counters sum[SL_MAX_ETHPORTS])
{
	memset(sum, 0, sizeof(struct port_counters) * SL_MAX_ETHPORTS);
	for (unsigned l = 0; l < nb_lcores; l++)
		for (uint16_t p = 0; p < SL_MAX_ETHPORTS; p++) {
			const struct port_counters *c = &lcore_stats[l].port[p];

			sum[p].rx += sl_counter_read(&c->rx);
			sum[p].tx += sl_counter_read(&c->tx);
			sum[p].dropped += sl_counter_read(&c->dropped);
		}
}

static uint64_t stats_total_rx(void)
{
	uint64_t rx = 0;

	for (unsigned l = 0; l < nb_lcores; l++)
		for (uint16_t p = 0; p < SL_MAX_ETHPORTS; p++)
			rx += sl_counter_read(&lcore_stats[l].port[p].rx);
	return rx;
}

static void stats_print(const char *title, const struct port_counters *now,
			const struct port_counters *before, double seconds)
{
	struct app_port_totals t[SL_MAX_ETHPORTS], t0[SL_MAX_ETHPORTS];

	for (uint16_t p = 0; p < SL_MAX_ETHPORTS; p++) {
		t[p] = (struct app_port_totals){ now[p].rx, now[p].tx, now[p].dropped };
		t0[p] = (struct app_port_totals){ before[p].rx, before[p].tx, before[p].dropped };
	}
	app_stats_print(title, opts.portmask, t, t0, seconds, NULL);
}

static struct app_run_ctl ctl;
static struct port_counters last[SL_MAX_ETHPORTS];

void l2fwd_control_init(uint64_t start_tsc)
{
	app_run_ctl_init(&ctl, start_tsc, opts.timer_period, opts.duration, opts.max_packets);
}

/* The main lcore's chores, every drain period: periodic statistics and the
 * --max-packets / --duration limits. */
void l2fwd_control_tick(uint64_t now)
{
	double seconds;

	if (app_run_ctl_print_due(&ctl, now, &seconds)) {
		struct port_counters cur[SL_MAX_ETHPORTS];

		stats_sum(cur);
		stats_print("Port statistics", cur, last, seconds);
		memcpy(last, cur, sizeof(cur));
	}
	app_run_ctl_limits(&ctl, now, stats_total_rx());
}

/* --rx-mode interrupt / adaptive: how much of its loop each lcore slept. */
static void sleep_summary(void)
{
	if (opts.rx_mode == RX_MODE_POLL)
		return;
	for (unsigned l = 0; l < nb_lcores; l++) {
		const struct lcore_stats *st = &lcore_stats[l];

		if (lcore_conf[l].nb_slots == 0 || st->loop_tsc == 0)
			continue;
		printf("lcore %u: asleep %.1f%% of %.3f s (--rx-mode %s), %" PRIu64 " wake-ups\n", l,
		       100.0 * (double)st->sleep_tsc / (double)st->loop_tsc,
		       (double)st->loop_tsc / (double)sl_tsc_hz(), rx_mode_names[opts.rx_mode],
		       st->wakeups);
	}
}

void l2fwd_summary(uint64_t elapsed_tsc)
{
	struct port_counters cur[SL_MAX_ETHPORTS], zero[SL_MAX_ETHPORTS];
	double seconds = (double)elapsed_tsc / (double)sl_tsc_hz();
	uint64_t rx = 0;

	memset(zero, 0, sizeof(zero));
	stats_sum(cur);
	stats_print("Final statistics", cur, zero, seconds);
	for (uint16_t p = 0; p < SL_MAX_ETHPORTS; p++) {
		struct sl_eth_stats es;

		if (!(opts.portmask & (1u << p)))
			continue;
		rx += cur[p].rx;
		if (app_print_driver_counters(p, &es) < 0)
			continue;
		/* with several queue pairs: how the port spread the traffic */
		if (opts.nb_queues < 2)
			continue;
		for (unsigned q = 0; q < SL_MIN(opts.nb_queues, SL_ETHDEV_QUEUE_STAT_CNTRS); q++)
			printf("Port %u queue %u: ipackets %" PRIu64 " opackets %" PRIu64 "\n", p, q,
			       es.q_ipackets[q], es.q_opackets[q]);
	}
	printf("Forwarded %" PRIu64 " packets in %.3f s (%.3f Mpps received)\n", rx, seconds,
	       seconds > 0 ? (double)rx / seconds / 1e6 : 0.0);
	sleep_summary();
	fflush(stdout);
}


static void tel_port(struct sl_tel_json *j, uint16_t p, void *arg)
{
	const struct port_counters *sum = arg;

	sl_tel_u64(j, "rx", sum[p].rx);
	sl_tel_u64(j, "tx", sum[p].tx);
	sl_tel_u64(j, "dropped", sum[p].dropped);
	sl_tel_u64(j, "dst_port", dst_port[p]);
}

/* /l2fwd/stats: what the -T printout shows, per port, since the start. */
static int tel_stats(const char *cmd, const char *params, struct sl_tel_json *j)
{
	struct port_counters sum[SL_MAX_ETHPORTS];

	(void)cmd;
	(void)params;
	stats_sum(sum);
	app_tel_ports(j, opts.portmask, tel_port, sum);
	return 0;
}

static int lcore_usage(unsigned lcore, struct sl_lcore_usage *u)
{
	uint64_t start;

	if (lcore >= nb_lcores)
		return -EINVAL;
	start = __atomic_load_n(&lcore_stats[lcore].start_tsc, __ATOMIC_RELAXED);
	if (start == 0)
		return -EINVAL;
	u->total_cycles = sl_tsc() - start;
	u->busy_cycles = sl_counter_read(&lcore_stats[lcore].busy_tsc);
	if (u->busy_cycles > u->total_cycles)
		u->busy_cycles = u->total_cycles;
	return 0;
}

void l2fwd_telemetry_init(void)
{
	sl_telemetry_register_cmd("/l2fwd/stats", tel_stats,
				  "sl-l2fwd's counters per port: rx, tx, dropped. Takes no parameters");
	sl_lcore_register_usage_cb(lcore_usage);
}
