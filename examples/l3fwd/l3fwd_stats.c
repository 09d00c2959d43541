/* SPDX-License-Identifier: BSD-3-Clause
 * sl-l3fwd's statistics: the per-lcore counters summed, printed every -T
 * PERIOD (per port, drops by reason), the --max-packets / --duration
 * limits the main lcore checks, the summary at the end and the telemetry
 * command /l3fwd/stats. */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "sl_telemetry.h"

#include "l3fwd.h"

#define L3FWD_DROP_NAME(id, name) name,
const char *const drop_names[NB_DROPS] = { L3FWD_DROPS(L3FWD_DROP_NAME) };

static uint64_t dropped(const struct port_counters *c)
{
	uint64_t n = 0;

	for (unsigned r = 0; r < NB_DROPS; r++)
		n += c->drop[r];
	return n;
}

static void stats_sum(struct port_counters sum[SL_MAX_ETHPORTS])
{
	memset(sum, 0, sizeof(struct port_counters) * SL_MAX_ETHPORTS);
	for (unsigned l = 0; l < nb_lcores; l++)
		for (uint16_t p = 0; p < SL_MAX_ETHPORTS; p++) {
			const struct port_counters *c = &lcore_stats[l].port[p];

			sum[p].rx += sl_counter_read(&c->rx);
			sum[p].tx += sl_counter_read(&c->tx);
			for (unsigned r = 0; r < NB_DROPS; r++)
				sum[p].drop[r] += sl_counter_read(&c->drop[r]);
		}
}

/* After a port's block: its drops by reason, those that happened. */
static void print_port_reasons(uint16_t p, void *arg)
{
	const struct port_counters *now = arg;
	const char *sep = "\n  by reason:";

	for (unsigned r = 0; r < NB_DROPS; r++) {
		if (now[p].drop[r] == 0)
			continue;
		printf("%s %s %" PRIu64, sep, drop_names[r], now[p].drop[r]);
		sep = ",";
	}
}

/* After the aggregate: the drops of all ports by reason, a line each. */
static void print_reasons(void *arg)
{
	const struct port_counters *now = arg;

	for (unsigned r = 0; r < NB_DROPS; r++) {
		uint64_t n = 0;

		for (uint16_t p = 0; p < SL_MAX_ETHPORTS; p++)
			if (opts.portmask & (1u << p))
				n += now[p].drop[r];
		printf("\n  dropped %-13s %16" PRIu64, drop_names[r], n);
	}
}

/* app_stats_print's layout, with the drops by reason. */
static void stats_print(const char *title, const struct port_counters *now,
			const struct port_counters *before, double seconds)
{
	struct app_port_totals t[SL_MAX_ETHPORTS], t0[SL_MAX_ETHPORTS];
	const struct app_stats_hooks hooks = {
		.port = print_port_reasons, .total = print_reasons, .arg = (void *)now,
	};

	for (uint16_t p = 0; p < SL_MAX_ETHPORTS; p++) {
		t[p] = (struct app_port_totals){ now[p].rx, now[p].tx, dropped(&now[p]) };
		t0[p] = (struct app_port_totals){ before[p].rx, before[p].tx, dropped(&before[p]) };
	}
	app_stats_print(title, opts.portmask, t, t0, seconds, &hooks);
}

static struct app_run_ctl ctl;
static struct port_counters last[SL_MAX_ETHPORTS];

void l3fwd_control_init(uint64_t start_tsc)
{
	app_run_ctl_init(&ctl, start_tsc, opts.timer_period, opts.duration, opts.max_packets);
}

static uint64_t total_rx(void)
{
	uint64_t rx = 0;

	for (unsigned l = 0; l < nb_lcores; l++)
		for (uint16_t p = 0; p < SL_MAX_ETHPORTS; p++)
			rx += sl_counter_read(&lcore_stats[l].port[p].rx);
	return rx;
}

void l3fwd_control_tick(uint64_t now)
{
	double seconds;

	if (app_run_ctl_print_due(&ctl, now, &seconds)) {
		struct port_counters cur[SL_MAX_ETHPORTS];

		stats_sum(cur);
		stats_print("Port statistics", cur, last, seconds);
		memcpy(last, cur, sizeof(cur));
	}
	app_run_ctl_limits(&ctl, now, total_rx());
}

void l3fwd_summary(uint64_t elapsed_tsc)
{
	struct port_counters cur[SL_MAX_ETHPORTS], zero[SL_MAX_ETHPORTS];
	double seconds = (double)elapsed_tsc / (double)sl_tsc_hz();
	uint64_t rx = 0, tx = 0;

	memset(zero, 0, sizeof(zero));
	stats_sum(cur);
	stats_print("Final statistics", cur, zero, seconds);
	for (uint16_t p = 0; p < SL_MAX_ETHPORTS; p++) {
		struct sl_eth_stats es;

		if (!(opts.portmask & (1u << p)))
			continue;
		rx += cur[p].rx;
		tx += cur[p].tx;
		app_print_driver_counters(p, &es);
	}
	printf("Routed %" PRIu64 " of %" PRIu64 " packets in %.3f s (%.3f Mpps received)\n", tx, rx,
	       seconds, seconds > 0 ? (double)rx / seconds / 1e6 : 0.0);
	fflush(stdout);
}

static void tel_port(struct sl_tel_json *j, uint16_t p, void *arg)
{
	const struct port_counters *sum = arg;

	sl_tel_u64(j, "rx", sum[p].rx);
	sl_tel_u64(j, "tx", sum[p].tx);
	sl_tel_u64(j, "dropped", dropped(&sum[p]));
	for (unsigned r = 0; r < NB_DROPS; r++)
		sl_tel_u64(j, drop_names[r], sum[p].drop[r]);
}

/* /l3fwd/stats: per port rx, tx, dropped and the drops by reason. */
static int tel_stats(const char *cmd, const char *params, struct sl_tel_json *j)
{
	struct port_counters sum[SL_MAX_ETHPORTS];

	(void)cmd;
	(void)params;
	stats_sum(sum);
	app_tel_ports(j, opts.portmask, tel_port, sum);
	return 0;
}

void l3fwd_telemetry_init(void)
{
	sl_telemetry_register_cmd("/l3fwd/stats", tel_stats,
				  "sl-l3fwd's counters per port: rx, tx, dropped and the drops by reason. Takes no parameters");
}
