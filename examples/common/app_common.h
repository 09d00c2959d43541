/* SPDX-License-Identifier: BSD-3-Clause
 * What the applications of this tree (examples/l2fwd, examples/l3fwd,
 * examples/responder, app/pktgen) share: the start of main (the EAL, then the application's own
 * arguments), the error lines of their argument parsers, and the files they
 * write results to. A static library, not installed: a program outside the
 * tree writes its own start (examples/skeleton shows the whole of it).
 */
#ifndef APP_COMMON_H
#define APP_COMMON_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "sl_ethdev.h"

/* Prints an application's usage; prog is argv[0]. */
typedef void app_usage_fn(const char *prog);
/* Parses the arguments after the EAL's (argv[0] is the program): 0, 1 once
 * -h printed the usage, or < 0 after one error line. */
typedef int app_parse_fn(int argc, char **argv);

/* sl_eal_init, then parse on what the EAL left. eal_help prints the
 * application's part after the EAL's own -h text. Returns true when main
 * goes on; false once it is over (help printed, or one line said what
 * failed), the EAL cleaned up if it was up, and *exit_code what main
 * returns. */
bool app_start(int argc, char **argv, app_usage_fn *eal_help, app_parse_fn *parse,
	       int *exit_code);

/* Long options listed once, as X(id, name, has_arg) in a list macro, give
 * both the ids and getopt_long's table:
 *   #define MY_OPTS(X) X(BURST, "burst", required_argument) ...
 *   enum { OPT_BELOW_LONG_ = 255, MY_OPTS(APP_OPT_ID) };    (OPT_BURST, ...)
 *   static const struct option long_opts[] = { MY_OPTS(APP_OPT_ENTRY) ... };
 */
#define APP_OPT_ID(id, name, has_arg) OPT_##id,
#define APP_OPT_ENTRY(id, name, has_arg) { name, has_arg, NULL, OPT_##id },

/* An argument error: one ERR line from module (e.g. "L2FWD"); -EINVAL. */
int app_arg_error(const char *module, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* The line for what getopt_long returned as ':' (an option without its
 * value) or anything else unknown; -EINVAL. hint is what the line for an
 * unknown option ends with in parentheses, e.g. "see -h". */
int app_getopt_error(const char *module, int opt, char *const argv[], const char *hint);

/* After getopt_long: -EINVAL after one line (hint as above) when an
 * argument that is no option is left, else 0. */
int app_check_no_operands(const char *module, int argc, char *const argv[], const char *hint);

/* The scan of an application's options (after the EAL's) with
 * getopt_long: -h prints usage and gives 1; a missing value or unknown
 * option, or an operand left over, is one line and -EINVAL; everything
 * else goes to apply (0, or < 0 after one line, which ends the scan). */
struct option;
int app_getopt(int argc, char **argv, const char *shortopts, const struct option *longopts,
	       const char *module, app_usage_fn *usage, int (*apply)(int opt, const char *arg));

/* The options the forwarding apps share, with the same words: 0, or
 * -EINVAL after one line from module. */
#define APP_MAX_TIMER_PERIOD 86400	/* -T: one day, as DPDK's examples */
int app_opt_portmask(const char *module, const char *arg, uint32_t *mask);	/* -p */
int app_opt_period(const char *module, const char *arg, unsigned *seconds);	/* -T */
int app_opt_mbufs(const char *module, const char *arg, unsigned *n);
int app_opt_max_packets(const char *module, const char *arg, uint64_t *n);
int app_opt_duration(const char *module, const char *arg, double *seconds);

/* "(a,b,c),(d,e,f)": up to max tuples of width numbers each (sl_parse.h's
 * decimal rule; blanks allowed around numbers and between tuples) into
 * vals[i * width + k]. The number of tuples (> 0), or -EINVAL. */
int app_parse_tuples(const char *s, unsigned width, uint64_t *vals, unsigned max);

/* The main lcore's schedule: statistics every -T period, the
 * --duration and --max-packets limits. */
struct app_run_ctl {
	uint64_t period_tsc;		/* 0: no periodic statistics */
	uint64_t next_print_tsc;
	uint64_t last_print_tsc;
	uint64_t end_tsc;		/* 0: no --duration */
	uint64_t max_packets;		/* 0: no limit */
};

void app_run_ctl_init(struct app_run_ctl *c, uint64_t start_tsc, unsigned period_s,
		      double duration_s, uint64_t max_packets);
/* true (and the seconds since the last print) when the statistics are
 * due at now; the next print is then one period on. */
bool app_run_ctl_print_due(struct app_run_ctl *c, uint64_t now, double *seconds);
/* app_request_quit once --duration is over or rx_total reached --max-packets. */
void app_run_ctl_limits(const struct app_run_ctl *c, uint64_t now, uint64_t rx_total);

/* One port's counters as the statistics show them. */
struct app_port_totals {
	uint64_t rx;
	uint64_t tx;
	uint64_t dropped;
};

/* What an application adds to app_stats_print's lines (either may be
 * NULL): after each port's block, after the aggregate. */
struct app_stats_hooks {
	void (*port)(uint16_t port, void *arg);
	void (*total)(void *arg);
	void *arg;
};

/* The statistics in DPDK l2fwd's layout (scripts that read its output
 * read ours): title, a block per port of portmask, the aggregate, with
 * hooks' lines (hooks may be NULL), then the rates since before over
 * seconds (if > 0) and the closing line. */
void app_stats_print(const char *title, uint32_t portmask, const struct app_port_totals *now,
		     const struct app_port_totals *before, double seconds,
		     const struct app_stats_hooks *hooks);

/* An array of elem_size bytes per lcore, cache-line aligned and zeroed;
 * NULL after one line from module. */
void *app_lcore_array(const char *module, size_t elem_size);

/* port's driver counters into *st and as one line on stdout ("Port 0
 * driver counters: ipackets ..."); the error of sl_eth_stats_get, nothing
 * printed, when the port has none. */
int app_print_driver_counters(uint16_t port, struct sl_eth_stats *st);

/* path opened for writing (mode as fopen's: "w", "wb"), created 0644 at
 * most: fopen would create it world-writable under umask 000. NULL with
 * errno set when it cannot be. */
FILE *app_create_file(const char *path, const char *mode);

/* ---- around the ports of a forwarding application (app_ports.c) ---- */

/* Set once the application is to stop: by SIGINT/SIGTERM after
 * app_catch_quit_signals, or by app_request_quit; every lcore polls it. */
extern int app_quit_;

static inline bool app_quit_requested(void)
{
	return __atomic_load_n(&app_quit_, __ATOMIC_RELAXED);
}

void app_request_quit(void);
void app_catch_quit_signals(void);
/* "Signal N received, stopping" if a signal asked to quit. */
void app_report_quit_signal(void);

/* The ports there are, "0 (net_null0), 1 (...)", for error lines. */
void app_ports_list(char *buf, size_t len);
/* n descriptors fitted to a queue's limits (minimum, maximum, alignment). */
uint16_t app_fit_desc(uint16_t n, const struct sl_eth_desc_lim *lim);
/* An SL_ETH_EVENT_INTR_LSC callback: prints the port's new link. */
void app_link_event(uint16_t port, enum sl_eth_event_type event, void *arg);
/* Waits up to 9 s for the links of portmask's ports, then prints each. */
void app_wait_links(uint32_t portmask);
/* Stops and closes portmask's ports that exist, a line each. */
void app_close_ports(uint32_t portmask);
/* app_close_ports, then the line with the mbufs of pool still in use
 * (0 unless something leaked). */
void app_close_ports_check_pool(uint32_t portmask, const struct sl_mempool *pool);
/* *info of the port, and *conf zeroed but for what every port that has
 * it gets: MBUF_FAST_FREE and the link-change interrupt. 0 or the error
 * of sl_eth_dev_info_get. */
int app_port_conf_init(uint16_t port, struct sl_eth_dev_info *info, struct sl_eth_conf *conf);

/* What app_port_setup makes of a port; nb_rxd/nb_txd come back fitted. */
struct app_port_setup {
	struct sl_eth_conf conf;
	uint16_t nb_rxq, nb_txq;
	uint16_t nb_rxd, nb_txd;
	struct sl_mempool *pool;	/* of every RX queue */
	bool promiscuous;
};

/* Link changes printed (app_link_event) if conf asks for them, the port
 * configured, its queues set up, *mac read, the port started and made
 * promiscuous if asked: 0 or the first error. */
int app_port_setup(uint16_t port, const struct sl_eth_dev_info *info, struct app_port_setup *s,
		   struct sl_ether_addr *mac);

/* init(port) for each port of portmask in order: 0, or -EIO after a
 * line from module naming the first port that failed. */
int app_start_ports(const char *module, uint32_t portmask, int (*init)(uint16_t port));

/* A telemetry reply with an object per port of portmask that exists,
 * keyed by its number, holding what fields(j, port, arg) adds. */
struct sl_tel_json;
void app_tel_ports(struct sl_tel_json *j, uint32_t portmask,
		   void (*fields)(struct sl_tel_json *j, uint16_t port, void *arg), void *arg);

/* The main lcore when it polls no queue: tick(now) about every
 * millisecond until quit. */
void app_control_loop(void (*tick)(uint64_t now));

#endif /* APP_COMMON_H */
