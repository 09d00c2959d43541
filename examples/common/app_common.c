/* SPDX-License-Identifier: BSD-3-Clause
 * The applications' shared start, argument errors and result files. */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <unistd.h>

#include "sl_eal.h"
#include "sl_ethdev.h"
#include "sl_log.h"

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
