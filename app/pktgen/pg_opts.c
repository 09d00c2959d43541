/* SPDX-License-Identifier: BSD-3-Clause
 * sl-pktgen's command line: the option table and usage, the options that
 * are not a stream's, and the parse from argv to the streams (values in
 * pg_values.c, stream options and --config in pg_stream_opts.c). */
#include <errno.h>
#include <getopt.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sl_common.h"
#include "sl_log.h"

#include "app_common.h"
#include "pg_opts_private.h"
#include "pg_pcap.h"

#define PG_OPT_ENTRY(id, name) { name, PG_OPT_HAS_ARG(OPT_##id), NULL, OPT_##id },

static const struct option long_opts[] = {
	PG_STREAM_OPTS(PG_OPT_ENTRY)
	PG_GLOBAL_OPTS(PG_OPT_ENTRY)
	{ NULL, 0, NULL, 0 },
};

static void usage_search(void)
{
	printf(
	       "Throughput search (RFC 2544 26.1; app/pktgen/README.md):\n"
	       "  --search ndr|pdr[=LOSS%%]  per frame size, the highest rate per TX port whose\n"
	       "                       trials lose nothing (ndr) or at most LOSS%% (pdr: 0.1%%),\n"
	       "                       then latency at shares of it; results to stdout, --json\n"
	       "  --search-sizes LIST  frame sizes with FCS (default 64,128,256,512,1024,1280,1518)\n"
	       "  --search-min RATE    lowest rate tried (default 1kpps; pps, bps or %% forms)\n"
	       "  --search-max RATE    first trial (default max: as fast as the sender goes)\n"
	       "  --search-precision P stop when the bracket is within P: 1%% (default) or 1kpps\n"
	       "  --search-trial S     seconds per trial (default 10); --drain-ms waits after each\n"
	       "  --search-reps N      trials per rate, all must pass (default 1)\n"
	       "  --search-latency L   latency trials at these %% of the rate (default 10,50,90,100)\n"
	       "  --report FILE.html   the results as a page with charts (no network needed)\n"
	       "\n");
}

void pg_opts_usage(const char *prog)
{
	printf("Usage: %s [EAL options] -- [options]\n"
	       "\n"
	       "Sends Ethernet/IPv4/UDP frames (or replays a pcap) and counts what comes back:\n"
	       "loss, duplicates, reordering and latency per stream. Runs until --count or\n"
	       "--duration is reached, or SIGINT; then a summary table goes to stdout.\n"
	       "\n"
	       "Ports and lcores:\n"
	       "  --tx PORTS           ports that send: all (default), none, or a list like 0,2-3\n"
	       "  --rx PORTS           ports that receive and count (default all)\n"
	       "  --tx-queues N        TX queues per TX port, a task each (default 1, max %d)\n"
	       "  --rx-queues N        RX queues per RX port, a task each (default 1, max %d);\n"
	       "                       loss adds up over queues, reordering is seen per queue\n"
	       "  --burst N            frames per burst, 1..%d (default 32)\n"
	       "  --mtu N              port MTU (frames may be MTU + 14 bytes, + 4 with --vlan)\n"
	       "  --mbufs N            mbufs per pool (default: sized from the rings)\n"
	       "\n"
	       "Frames (one stream per TX port; --config for several):\n"
	       "  --size SPEC          frame bytes without FCS: N (default 60), MIN-MAX (step 1),\n"
	       "                       MIN-MAX/STEP, MIN-MAX/random, or imix\n"
	       "  --imix[=LIST]        sizes with weights, SIZE:WEIGHT,... (default 60:7,590:4,1514:1)\n"
	       "  --src-mac MAC        default: the port's address\n"
	       "  --dst-mac MAC        default: ff:ff:ff:ff:ff:ff\n"
	       "  --src-ip RANGE       A.B.C.D, A.B.C.D-E.F.G.H or A.B.C.D/LEN (default 198.18.0.1)\n"
	       "  --dst-ip RANGE       (default 198.19.0.1)\n"
	       "  --sport RANGE        UDP source port N or MIN-MAX (default 1024)\n"
	       "  --dport RANGE        UDP destination port (default 1024)\n"
	       "  --flow-mode MODE     inc (every field steps each frame, default) or random\n"
	       "  --vlan VID[:PCP]     add an 802.1Q tag\n"
	       "  --ttl N, --tos N     IPv4 TTL (default 64) and TOS (default 0)\n"
	       "\n"
	       "Replay:\n"
	       "  --pcap FILE          send the frames of FILE instead (Ethernet captures)\n"
	       "  --loop N             replay N times (default 1, 0 = until stopped)\n"
	       "  --pcap-speed X       keep the capture's timing, X times faster (1 = as captured);\n"
	       "                       without it: as fast as possible, or at --rate\n"
	       "\n"
	       "Rate and length (per stream; TX queues share it):\n"
	       "  --rate R             Npps/kpps/Mpps, Nbps/kbps/Mbps/Gbps (L2: frame + FCS;\n"
	       "                       add /l1 for the wire: + preamble, SFD and gap), N%% of\n"
	       "                       the link speed (on the wire), or max (default)\n"
	       "  --count N            frames to send per stream (per port without --config)\n"
	       "  --duration S         stop sending after S seconds (decimals allowed)\n"
	       "  --drain-ms MS        after sending stops, keep receiving up to MS ms (default\n"
	       "                       1000; ends early once every frame sent is accounted for)\n"
	       "  --start-delay-ms MS  wait MS ms between starting the ports and sending (default\n"
	       "                       0): for devices that hold received frames back for a\n"
	       "                       moment after start (QEMU's e1000: about 1 s)\n"
	       "\n"
	       "Output:\n"
	       "  --quiet              no status line every second on stderr\n"
	       "  --json FILE          write the summary as JSON (schema: app/pktgen/README.md)\n"
	       "  --rx-pcap FILE       write received frames to FILE\n"
	       "  --rx-pcap-count N    at most N frames (default 10000)\n"
	       "  --rx-pcap-snaplen N  bytes kept per frame (default 2048)\n"
	       "  --expect-no-loss     exit status 2 when any frame sent was not received\n"
	       "\n"
	       , prog, PG_MAX_TXQ, PG_MAX_RXQ, PG_MAX_BURST);
	usage_search();
	printf(
	       "Other:\n"
	       "  --config FILE        streams, one per line: port=P [stream options as key=value]\n"
	       "  --seed N             seed of random sizes and flows (default 1)\n"
	       "  --test-faults SPEC   TEST ONLY: drop=N,..;dup=N,..;reorder=N,.. by sequence number\n"
	       "  -h, --help           this text\n"
	       "\n"
	       "Exit status: 0 done, 1 bad options or setup failure, 2 frames lost with\n"
	       "--expect-no-loss.\n"
	       "\n"
	       "Examples:\n"
	       "  %s -l 0-1 --no-huge -m 256 --vdev net_null0 -- --rx none --duration 5\n"
	       "  %s -l 0-2 --vdev net_ring0 --vdev net_ring1,peer=net_ring0 -- --tx 0 --rx 1 \\\n"
	       "      --count 1000000 --expect-no-loss --json out.json\n"
	       "  %s -l 0-1 --vdev net_af_packet0,iface=veth0 -- --rate 20kpps --duration 10 \\\n"
	       "      --src-ip 10.0.0.1-10.0.0.100 --size 60-1514/random\n",
	       prog, prog, prog);
}

/* The options that take a whole number into an unsigned of struct
 * pg_opts, and the range they take. */
static const struct uint_opt {
	int id;
	uint64_t min, max;
	size_t field;		/* offsetof the unsigned */
} uint_opts[] = {
	{ OPT_TX_QUEUES, 1, PG_MAX_TXQ, offsetof(struct pg_opts, tx_queues) },
	{ OPT_RX_QUEUES, 1, PG_MAX_RXQ, offsetof(struct pg_opts, rx_queues) },
	{ OPT_BURST, 1, PG_MAX_BURST, offsetof(struct pg_opts, burst) },
	{ OPT_DRAIN_MS, 0, 3600000, offsetof(struct pg_opts, drain_ms) },
	{ OPT_START_DELAY_MS, 0, 60000, offsetof(struct pg_opts, start_delay_ms) },
	{ OPT_RX_PCAP_SNAPLEN, 14, 65535, offsetof(struct pg_opts, rx_pcap_snaplen) },
	{ OPT_MTU, 68, 16000, offsetof(struct pg_opts, mtu) },
	{ OPT_MBUFS, 64, 1u << 24, offsetof(struct pg_opts, mbufs) },
};

/* --search-min/--search-max RATE: a rate as --rate takes it ("max" only
 * for the upper bound). */
static int parse_search_bound(struct pg_rate_spec *r, const char *name, const char *arg,
			      bool max_ok, char *err, size_t errlen)
{
	char why[PG_ERR_LEN];

	if (pg_parse_rate(arg, r, why, sizeof(why)) < 0)
		return pg_opts_fail(err, errlen, "%s %s: %s", name, arg,
				    "expected a rate such as 10kpps, 1.5Mpps, 1Gbps, 1Gbps/l1 or 50%");
	if (r->kind == PG_RATE_UNLIMITED && !max_ok)
		return pg_opts_fail(err, errlen, "%s %s: the lowest rate must be a number, e.g. 1kpps", name, arg);
	return 0;
}

static int apply_search_opt(struct pg_search_opts *s, int opt, const char *name, char *arg,
			    char *err, size_t errlen);

/* One option that is not a stream's; name is "--tx" etc. 0, or -EINVAL
 * with the reason in err. */
static int apply_global_opt(struct pg_opts *o, int opt, const char *name, char *arg, char *err,
			    size_t errlen)
{
	uint64_t u;
	int ret;

	for (size_t i = 0; i < SL_DIM(uint_opts); i++) {
		if (uint_opts[i].id != opt)
			continue;
		ret = pg_opts_parse_uint(name, arg, uint_opts[i].min, uint_opts[i].max, &u, err, errlen);
		if (ret == 0)
			*(unsigned *)((char *)o + uint_opts[i].field) = (unsigned)u;
		return ret;
	}
	switch (opt) {
	case OPT_TX:
		o->tx_given = true;
		return pg_parse_ports(arg, &o->tx_mask, &o->tx_all, err, errlen);
	case OPT_RX:
		return pg_parse_ports(arg, &o->rx_mask, &o->rx_all, err, errlen);
	case OPT_DURATION:
		ret = pg_opts_parse_real(name, arg, 0, 1e9, &o->duration, err, errlen);
		if (ret == 0 && o->duration == 0)
			ret = pg_opts_fail(err, errlen, "--duration 0: must be above 0 (leave it out to run until --count or SIGINT)");
		return ret;
	case OPT_QUIET:
		o->quiet = true;
		return 0;
	case OPT_JSON:
		o->json = arg;
		return 0;
	case OPT_RX_PCAP:
		o->rx_pcap = arg;
		return 0;
	case OPT_RX_PCAP_COUNT:
		return pg_opts_parse_uint(name, arg, 1, UINT64_C(1) << 32, &o->rx_pcap_count, err, errlen);
	case OPT_EXPECT_NO_LOSS:
		o->expect_no_loss = true;
		return 0;
	case OPT_CONFIG:
		o->config = arg;
		return 0;
	case OPT_SEED:
		return pg_opts_parse_uint(name, arg, 0, UINT64_MAX, &o->seed, err, errlen);
	case OPT_TEST_FAULTS:
		o->faults_on = true;
		return pg_parse_faults(arg, &o->faults, err, errlen);
	default:
		return apply_search_opt(&o->search, opt, name, arg, err, errlen);
	}
}

/* The --search options. */
static int apply_search_opt(struct pg_search_opts *s, int opt, const char *name, char *arg,
			    char *err, size_t errlen)
{
	uint64_t u;
	int ret;

	switch (opt) {
	case OPT_SEARCH:
		return pg_parse_search(arg, s, err, errlen);
	case OPT_SEARCH_SIZES:
		return pg_parse_search_sizes(arg, s, err, errlen);
	case OPT_SEARCH_MIN:
	case OPT_SEARCH_MAX:
		return parse_search_bound(opt == OPT_SEARCH_MIN ? &s->min : &s->max, name, arg,
					  opt == OPT_SEARCH_MAX, err, errlen);
	case OPT_SEARCH_PRECISION:
		return pg_parse_search_precision(arg, s, err, errlen);
	case OPT_SEARCH_TRIAL:
		ret = pg_opts_parse_real(name, arg, 0, 86400, &s->trial_s, err, errlen);
		if (ret == 0 && s->trial_s < 0.01)
			ret = pg_opts_fail(err, errlen, "%s %s: at least 0.01 s", name, arg);
		return ret;
	case OPT_SEARCH_REPS:
		ret = pg_opts_parse_uint(name, arg, 1, 1000, &u, err, errlen);
		s->reps = (unsigned)u;
		return ret;
	case OPT_SEARCH_LATENCY:
		return pg_parse_search_loads(arg, s, err, errlen);
	case OPT_REPORT:
		s->report = arg;
		return 0;
	default:
		return pg_opts_fail(err, errlen, "option %s not handled", name);
	}
}

/* One option from getopt_long (long_opts[idx]): 0, or -EINVAL after its line. */
static int apply_opt(struct pg_opts *o, int opt, int idx, char *arg)
{
	char err[PG_ERR_LEN];
	char name[48];
	int ret;

	snprintf(name, sizeof(name), "--%s", long_opts[idx].name);
	if (opt == OPT_PORT) {
		SL_LOG(ERR, PKTGEN, "--port is a --config key; on the command line use --tx PORTS");
		return -EINVAL;
	}
	if (opt == OPT_SIZE || opt == OPT_IMIX)
		o->size_given = true;
	if (opt < OPT_STREAM_LAST_)
		ret = pg_stream_apply(&o->defaults, opt, name, arg, err, sizeof(err));
	else
		ret = apply_global_opt(o, opt, name, arg, err, sizeof(err));
	if (ret < 0) {
		SL_LOG(ERR, PKTGEN, "%s", err);
		return -EINVAL;
	}
	return 0;
}

/* --search chooses rates, sizes and lengths itself: the options that
 * would set them are refused, and --report needs it. The stream is sized
 * for the largest frame so that the pools and the MTU check cover it. */
static int check_search(struct pg_opts *o)
{
	const struct pg_search_opts *s = &o->search;
	const char *bad = NULL;
	uint32_t max = 0;

	if (s->kind == PG_SEARCH_OFF) {
		if (s->report) {
			SL_LOG(ERR, PKTGEN, "--report shows the results of a --search; add --search ndr (or pdr)");
			return -EINVAL;
		}
		return 0;
	}
	if (o->defaults.rate.kind != PG_RATE_UNLIMITED)
		bad = "--rate (bound the search with --search-min/--search-max)";
	else if (o->size_given)
		bad = "--size (give the frame sizes with --search-sizes)";
	else if (o->defaults.count || o->duration > 0)
		bad = o->duration > 0 ? "--duration (a trial lasts --search-trial)" :
					"--count (a trial lasts --search-trial)";
	else if (o->config || o->defaults.pcap)
		bad = o->config ? "--config (the search sends one stream per TX port)" :
				  "--pcap (the search sends built frames)";
	else if (o->expect_no_loss)
		bad = "--expect-no-loss (the search looks for the loss it allows)";
	if (bad) {
		SL_LOG(ERR, PKTGEN, "--search does not go with %s", bad);
		return -EINVAL;
	}
	for (unsigned i = 0; i < s->nb_sizes; i++)
		max = SL_MAX(max, s->sizes[i]);
	o->defaults.size.min = o->defaults.size.max = max - PG_RATE_L2_OVERHEAD;
	return 0;
}

/* After the command line: --config's streams, and every capture loaded. */
static int finish(struct pg_opts *o)
{
	if (check_search(o) < 0)
		return -EINVAL;
	if (o->defaults.pcap_speed > 0 && o->defaults.rate.kind != PG_RATE_UNLIMITED) {
		SL_LOG(ERR, PKTGEN, "--pcap-speed and --rate both set the replay pace; give one");
		return -EINVAL;
	}
	if (pg_opts_load_captures(o) < 0)
		return -EINVAL;
	if (o->config) {
		if (o->tx_given) {
			SL_LOG(ERR, PKTGEN, "--tx and --config both choose the TX ports; the stream lines' port= keys do, drop --tx");
			return -EINVAL;
		}
		if (pg_opts_parse_config(o, o->config) < 0)
			return -EINVAL;
		o->streams_from_config = true;
		o->tx_all = false;
		o->tx_mask = 0;
		for (unsigned i = 0; i < o->nb_streams; i++) {
			const struct pg_stream_opts *s = &o->streams[i];

			o->tx_mask |= 1u << s->port;
			if (s->pcap_speed > 0 && s->rate.kind != PG_RATE_UNLIMITED) {
				SL_LOG(ERR, PKTGEN, "%s:%u: pcap-speed and rate both set the replay pace; give one",
				       o->config, s->line);
				return -EINVAL;
			}
		}
	}
	return pg_opts_load_captures(o);
}

int pg_opts_parse(struct pg_opts *o, int argc, char **argv)
{
	int opt, idx = 0;

	*o = (struct pg_opts){
		.tx_all = true,
		.rx_all = true,
		.tx_queues = 1,
		.rx_queues = 1,
		.burst = 32,
		.drain_ms = 1000,
		.rx_pcap_count = 10000,
		.rx_pcap_snaplen = 2048,
		.seed = 1,
	};
	pg_stream_defaults(&o->defaults);
	pg_search_opts_defaults(&o->search);

	/* 0, not 1: glibc then also forgets the rest of a cluster an earlier
	 * scan stopped in ("-hz" returns at 'h'), which it would otherwise
	 * go on reading from that scan's argv (found by test/fuzz). */
	optind = 0;
	opterr = 0;
	while ((opt = getopt_long(argc, argv, ":h", long_opts, &idx)) != -1) {
		if (opt == '?' || opt == ':')
			return app_getopt_error("PKTGEN", opt, argv, "see -h");
		if (opt == 'h' || opt == OPT_HELP) {
			pg_opts_usage(argv[0]);
			return 1;
		}
		if (apply_opt(o, opt, idx, optarg) < 0)
			return -EINVAL;
	}
	if (app_check_no_operands("PKTGEN", argc, argv, "options are --name value; see -h") < 0)
		return -EINVAL;
	return finish(o);
}

int pg_opts_streams_from_ports(struct pg_opts *o, uint32_t tx_mask)
{
	for (unsigned p = 0; p < PG_MAX_PORTS; p++) {
		struct pg_stream_opts *s;

		if (!(tx_mask & (1u << p)))
			continue;
		if (o->nb_streams == PG_MAX_STREAMS)
			return -ENOSPC;
		s = &o->streams[o->nb_streams];
		if (pg_stream_copy(s, &o->defaults) < 0)
			return -ENOMEM;
		s->port = (int)p;
		s->id = o->nb_streams++;
	}
	return 0;
}

void pg_opts_free(struct pg_opts *o)
{
	struct pg_capture *freed[PG_MAX_STREAMS + 1];
	unsigned nb_freed = 0;

	for (unsigned i = 0; i < o->nb_streams; i++) {
		struct pg_stream_opts *s = &o->streams[i];
		bool seen = false;

		for (unsigned j = 0; j < nb_freed; j++)
			seen |= freed[j] == s->cap;
		if (s->cap && !seen) {
			freed[nb_freed++] = s->cap;
			pg_capture_free(s->cap);
		}
		free(s->pcap);
	}
	if (o->defaults.cap) {
		bool seen = false;

		for (unsigned j = 0; j < nb_freed; j++)
			seen |= freed[j] == o->defaults.cap;
		if (!seen)
			pg_capture_free(o->defaults.cap);
	}
	free(o->defaults.pcap);
	memset(o, 0, sizeof(*o));
}
