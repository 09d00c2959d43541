/* SPDX-License-Identifier: BSD-3-Clause
 * sl-dumpcap's command line: dumpcap's options where they mean the same. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dc_main.h"

#define DEFAULT_SNAPLEN 65535
#define DEFAULT_BUFFER_MB 256

enum { OPT_FILE_PREFIX = 256, OPT_SOCKET, OPT_DIRECTION };

static const struct option long_opts[] = {
	{ "interface", required_argument, NULL, 'i' },
	{ "list-interfaces", no_argument, NULL, 'D' },
	{ "file-prefix", required_argument, NULL, OPT_FILE_PREFIX },
	{ "socket", required_argument, NULL, OPT_SOCKET },
	{ "direction", required_argument, NULL, OPT_DIRECTION },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

static void usage(void)
{
	printf("Usage: sl-dumpcap [options]\n"
	       "Captures frames live from a running Sluice app into pcapng, through the app's\n"
	       "telemetry socket (the app needs no option; not with --no-telemetry).\n\n"
	       "  -i PORT              port id or name (repeatable; default: port 0)\n"
	       "  -D, --list-interfaces  list the app's ports and exit\n"
	       "  -w FILE              pcapng file to write, - for stdout\n"
	       "                       (default: /tmp/sl-dumpcap_PID.pcapng)\n"
	       "  -c COUNT             stop after COUNT frames\n"
	       "  -a duration:S        stop after S seconds\n"
	       "  -s SNAPLEN           bytes kept of each frame (default and max %d)\n"
	       "  -f FILTER            capture filter in libpcap syntax, run in the app\n"
	       "  --direction rx|tx|both  which bursts to capture (default both)\n"
	       "  -B MB                capture buffer shared with the app (default %d; only\n"
	       "                       the pages frames occupy are used)\n"
	       "  -q                   no counts on stderr\n"
	       "  --file-prefix NAME   the app's --file-prefix (default rte)\n"
	       "  --socket PATH        the telemetry socket itself\n\n"
	       "Examples:\n"
	       "  sl-dumpcap -i 0 -w rx.pcapng -c 1000\n"
	       "  sl-dumpcap -i net_af_packet0 -f 'udp port 53' -a duration:10 -w - | tcpdump -r -\n",
	       DEFAULT_SNAPLEN, DEFAULT_BUFFER_MB);
}

static int parse_u64(const char *opt, const char *v, uint64_t min, uint64_t max, uint64_t *out)
{
	char *end;
	unsigned long long n = strtoull(v, &end, 10);

	if (end == v || *end != '\0' || v[0] == '-' || n < min || n > max) {
		fprintf(stderr, "sl-dumpcap: %s %s: give a number from %llu to %llu (see -h)\n", opt,
			v, (unsigned long long)min, (unsigned long long)max);
		return -1;
	}
	*out = n;
	return 0;
}

static int parse_autostop(struct dc_opts *o, const char *v)
{
	char *end;

	if (strncmp(v, "duration:", 9) == 0) {
		o->duration_s = strtod(v + 9, &end);
		if (end != v + 9 && *end == '\0' && o->duration_s > 0)
			return 0;
	}
	fprintf(stderr, "sl-dumpcap: -a %s: only duration:SECONDS is supported, e.g. -a "
		"duration:10\n", v);
	return -1;
}

static int parse_direction(struct dc_opts *o, const char *v)
{
	if (strcmp(v, "rx") == 0 || strcmp(v, "in") == 0)
		o->dirs = SL_CAPTURE_DIR_RX;
	else if (strcmp(v, "tx") == 0 || strcmp(v, "out") == 0)
		o->dirs = SL_CAPTURE_DIR_TX;
	else if (strcmp(v, "both") == 0 || strcmp(v, "inout") == 0)
		o->dirs = SL_CAPTURE_DIR_RX | SL_CAPTURE_DIR_TX;
	else {
		fprintf(stderr, "sl-dumpcap: --direction %s: rx, tx or both\n", v);
		return -1;
	}
	return 0;
}

static int one_opt(struct dc_opts *o, int c, const char *arg)
{
	uint64_t v;

	switch (c) {
	case 'i':
		if (o->nb_ifaces == SL_CAPTURE_MAX_IFACES) {
			fprintf(stderr, "sl-dumpcap: at most %d -i\n", SL_CAPTURE_MAX_IFACES);
			return -1;
		}
		o->iface[o->nb_ifaces++] = arg;
		return 0;
	case 'w':
		o->out_path = arg;
		return 0;
	case 'c':
		return parse_u64("-c", arg, 1, UINT64_MAX, &o->count);
	case 'a':
		return parse_autostop(o, arg);
	case 's':
		if (parse_u64("-s", arg, 0, DEFAULT_SNAPLEN, &v) < 0)
			return -1;
		o->snaplen = v == 0 ? DEFAULT_SNAPLEN : (uint32_t)v;
		return 0;
	case 'B':
		if (parse_u64("-B", arg, 1, 16384, &v) < 0)
			return -1;
		o->buffer_mb = (unsigned)v;
		return 0;
	case 'f':
		o->filter = arg;
		return 0;
	case 'q':
		o->quiet = 1;
		return 0;
	case 'D':
		o->list = 1;
		return 0;
	case OPT_FILE_PREFIX:
		o->file_prefix = arg;
		return 0;
	case OPT_SOCKET:
		o->sock_path = arg;
		return 0;
	case OPT_DIRECTION:
		return parse_direction(o, arg);
	default:
		fprintf(stderr, "sl-dumpcap: see -h for the options\n");
		return -1;
	}
}

int dc_parse_opts(struct dc_opts *o, int argc, char **argv)
{
	int c;

	memset(o, 0, sizeof(*o));
	o->snaplen = DEFAULT_SNAPLEN;
	o->buffer_mb = DEFAULT_BUFFER_MB;
	o->dirs = SL_CAPTURE_DIR_RX | SL_CAPTURE_DIR_TX;
	o->file_prefix = "rte";
	while ((c = getopt_long(argc, argv, "i:w:c:a:s:f:B:qDh", long_opts, NULL)) != -1) {
		if (c == 'h') {
			usage();
			return 1;
		}
		if (one_opt(o, c, optarg) < 0)
			return -1;
	}
	if (optind < argc) {
		fprintf(stderr, "sl-dumpcap: unexpected argument '%s' (a filter goes after -f)\n",
			argv[optind]);
		return -1;
	}
	if (o->nb_ifaces == 0)
		o->iface[o->nb_ifaces++] = "0";
	return 0;
}
