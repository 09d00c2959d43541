/* SPDX-License-Identifier: BSD-3-Clause
 * The applications' shared start, argument errors and result files. */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sl_eal.h"
#include "sl_ethdev.h"
#include "sl_log.h"
#include "sl_parse.h"

#include "app_common.h"

bool app_start(int argc, char **argv, app_usage_fn *eal_help, app_parse_fn *parse,
	       int *exit_code)
{
	int ret = sl_eal_init(argc, argv);

	if (ret == -EINTR) {		/* the EAL's -h: it printed its part */
		eal_help(argv[0]);
		*exit_code = EXIT_SUCCESS;
		return false;
	}
	if (ret < 0) {
		fprintf(stderr, "%s: EAL initialisation failed (see above; -h for usage)\n", argv[0]);
		*exit_code = EXIT_FAILURE;
		return false;
	}
	ret = parse(argc - ret, argv + ret);
	if (ret != 0) {
		sl_eal_cleanup();
		*exit_code = ret > 0 ? EXIT_SUCCESS : EXIT_FAILURE;
		return false;
	}
	return true;
}

int app_arg_error(const char *module, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	sl_vlog(SL_LOG_ERR, module, fmt, ap);
	va_end(ap);
	return -EINVAL;
}

int app_getopt_error(const char *module, int opt, char *const argv[], const char *hint)
{
	if (opt == ':')
		return app_arg_error(module, "option %s needs a value (see -h)", argv[optind - 1]);
	return app_arg_error(module, "unknown option %s (%s)", argv[optind - 1], hint);
}

int app_check_no_operands(const char *module, int argc, char *const argv[], const char *hint)
{
	if (optind < argc)
		return app_arg_error(module, "unexpected argument '%s' (%s)", argv[optind], hint);
	return 0;
}

int app_print_driver_counters(uint16_t port, struct sl_eth_stats *st)
{
	int ret = sl_eth_stats_get(port, st);

	if (ret < 0)
		return ret;
	printf("Port %u driver counters: ipackets %" PRIu64 " opackets %" PRIu64 " imissed %" PRIu64
	       " ierrors %" PRIu64 " oerrors %" PRIu64 " rx_nombuf %" PRIu64 "\n",
	       port, st->ipackets, st->opackets, st->imissed, st->ierrors, st->oerrors,
	       st->rx_nombuf);
	return 0;
}

FILE *app_create_file(const char *path, const char *mode)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	FILE *f = fd < 0 ? NULL : fdopen(fd, mode);

	if (f == NULL && fd >= 0) {
		int err = errno;

		close(fd);
		errno = err;
	}
	return f;
}

static const char *skip_blanks(const char *p)
{
	while (*p == ' ')
		p++;
	return p;
}

/* " N <end>" at *p, blanks allowed around N: N, and *p moved past end. */
static int tuple_number(const char **p, char end, uint64_t *out)
{
	const char *q = skip_blanks(*p);

	if (sl_parse_uint_prefix(&q, 0, out) < 0)
		return -EINVAL;
	q = skip_blanks(q);
	if (*q != end)
		return -EINVAL;
	*p = q + 1;
	return 0;
}

int app_parse_tuples(const char *s, unsigned width, uint64_t *vals, unsigned max)
{
	const char *p = s;
	unsigned n = 0;

	for (;;) {
		while (*p == ' ' || *p == ',')
			p++;
		if (*p == '\0')
			break;
		if (*p != '(' || n == max)
			return -EINVAL;
		p++;
		for (unsigned k = 0; k < width; k++)
			if (tuple_number(&p, k + 1 < width ? ',' : ')', &vals[n * width + k]) < 0)
				return -EINVAL;
		n++;
	}
	return n > 0 ? (int)n : -EINVAL;
}

void app_run_ctl_init(struct app_run_ctl *c, uint64_t start_tsc, unsigned period_s,
		      double duration_s, uint64_t max_packets)
{
	c->period_tsc = (uint64_t)period_s * sl_tsc_hz();
	c->last_print_tsc = start_tsc;
	c->next_print_tsc = start_tsc + c->period_tsc;
	c->end_tsc = duration_s > 0 ? start_tsc + (uint64_t)(duration_s * (double)sl_tsc_hz()) : 0;
	c->max_packets = max_packets;
}

bool app_run_ctl_print_due(struct app_run_ctl *c, uint64_t now, double *seconds)
{
	if (c->period_tsc == 0 || now < c->next_print_tsc)
		return false;
	*seconds = (double)(now - c->last_print_tsc) / (double)sl_tsc_hz();
	c->last_print_tsc = now;
	c->next_print_tsc = now + c->period_tsc;
	return true;
}

void app_run_ctl_limits(const struct app_run_ctl *c, uint64_t now, uint64_t rx_total)
{
	if ((c->max_packets != 0 && rx_total >= c->max_packets) ||
	    (c->end_tsc != 0 && now >= c->end_tsc))
		app_request_quit();
}

int app_getopt(int argc, char **argv, const char *shortopts, const struct option *longopts,
	       const char *module, app_usage_fn *usage, int (*apply)(int opt, const char *arg))
{
	int opt, ret;

	optind = 0;	/* a fresh scan: the EAL used getopt before us */
	opterr = 0;
	while ((opt = getopt_long(argc, argv, shortopts, longopts, NULL)) != -1) {
		switch (opt) {
		case 'h':
			usage(argv[0]);
			return 1;
		case ':':
		case '?':
			return app_getopt_error(module, opt, argv, "see -h");
		default:
			ret = apply(opt, optarg);
			if (ret < 0)
				return ret;
		}
	}
	return app_check_no_operands(module, argc, argv, "see -h");
}

int app_opt_portmask(const char *module, const char *arg, uint32_t *mask)
{
	uint64_t v;

	if (sl_parse_uint(arg, SL_PARSE_MASK, 1, UINT32_MAX, &v) < 0)
		return app_arg_error(module, "bad portmask '%s': give a non-zero hexadecimal mask of ports, e.g. -p 0x3 for ports 0 and 1",
				     arg);
	*mask = (uint32_t)v;
	return 0;
}

int app_opt_period(const char *module, const char *arg, unsigned *seconds)
{
	uint64_t v;

	if (sl_parse_uint(arg, 0, 0, APP_MAX_TIMER_PERIOD, &v) < 0)
		return app_arg_error(module, "bad -T '%s': the statistics period is 0..%d seconds (0 turns them off)",
				     arg, APP_MAX_TIMER_PERIOD);
	*seconds = (unsigned)v;
	return 0;
}

int app_opt_mbufs(const char *module, const char *arg, unsigned *n)
{
	uint64_t v;

	if (sl_parse_uint(arg, 0, 1, UINT32_MAX, &v) < 0)
		return app_arg_error(module, "bad --mbufs '%s': the number of mbufs is 1..%u", arg,
				     UINT32_MAX);
	*n = (unsigned)v;
	return 0;
}

int app_opt_max_packets(const char *module, const char *arg, uint64_t *n)
{
	if (sl_parse_uint(arg, 0, 1, UINT64_MAX, n) < 0)
		return app_arg_error(module, "bad --max-packets '%s': a count in 1..%" PRIu64, arg,
				     UINT64_MAX);
	return 0;
}

int app_opt_duration(const char *module, const char *arg, double *seconds)
{
	if (sl_parse_real(arg, 0, 1e9, seconds) < 0 || !(*seconds > 0))
		return app_arg_error(module, "bad --duration '%s': a positive number of seconds up to 1e9, e.g. --duration 2.5",
				     arg);
	return 0;
}

void app_stats_print(const char *title, uint32_t portmask, const struct app_port_totals *now,
		     const struct app_port_totals *before, double seconds,
		     const struct app_stats_hooks *hooks)
{
	struct app_port_totals sum = { 0 }, sum0 = { 0 };

	if (isatty(STDOUT_FILENO))
		printf("\033[2J\033[1;1H");	/* clear screen, cursor home */
	printf("\n%s ====================================", title);
	for (uint16_t p = 0; p < SL_MAX_ETHPORTS; p++) {
		if (!(portmask & (1u << p)))
			continue;
		printf("\nStatistics for port %u ------------------------------"
		       "\nPackets sent: %24" PRIu64 "\nPackets received: %20" PRIu64
		       "\nPackets dropped: %21" PRIu64,
		       p, now[p].tx, now[p].rx, now[p].dropped);
		if (hooks != NULL && hooks->port != NULL)
			hooks->port(p, hooks->arg);
		sum.rx += now[p].rx;
		sum.tx += now[p].tx;
		sum.dropped += now[p].dropped;
		sum0.rx += before[p].rx;
		sum0.tx += before[p].tx;
	}
	printf("\nAggregate statistics ==============================="
	       "\nTotal packets sent: %18" PRIu64 "\nTotal packets received: %14" PRIu64
	       "\nTotal packets dropped: %15" PRIu64,
	       sum.tx, sum.rx, sum.dropped);
	if (hooks != NULL && hooks->total != NULL)
		hooks->total(hooks->arg);
	if (seconds > 0)
		printf("\nRate over %.3f s: received %.3f Mpps, sent %.3f Mpps", seconds,
		       (double)(sum.rx - sum0.rx) / seconds / 1e6,
		       (double)(sum.tx - sum0.tx) / seconds / 1e6);
	printf("\n====================================================\n");
	fflush(stdout);
}

void *app_lcore_array(const char *module, size_t elem_size)
{
	size_t n = sl_lcore_count();
	void *a = aligned_alloc(SL_CACHE_LINE_SIZE, n * elem_size);

	if (a == NULL) {
		sl_log(SL_LOG_ERR, module, "out of memory for %zu lcores", n);
		return NULL;
	}
	memset(a, 0, n * elem_size);
	return a;
}
