/* SPDX-License-Identifier: BSD-3-Clause
 * sl-l3fwd's options (after the EAL's "--"), DPDK l3fwd's spellings
 * included: the usage, --config's triples, --eth-dest and the parser.
 * Every bad value gives one line naming the option, the value and what
 * would be valid. */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "sl_parse.h"

#include "l3fwd.h"

#define ARG_ERROR(...) return app_arg_error(L3FWD_LOG, __VA_ARGS__)

struct l3fwd_opts opts;

void l3fwd_usage(const char *prog)
{
	printf("Usage: %s [EAL options] -- -p PORTMASK [options]\n"
	       "\n"
	       "Routes IPv4 and IPv6: checks the header, decrements the TTL (hop limit),\n"
	       "looks the destination up and sends the frame out of the port the route names,\n"
	       "destination MAC from --eth-dest, source MAC the port's own.\n"
	       "\n"
	       "  -p PORTMASK          hexadecimal mask of the ports to use\n"
	       "  -P                   put the ports in promiscuous mode\n"
	       "  --mode lpm|em        longest-prefix match on the destination (default) or exact\n"
	       "                       match on the 5-tuple; DPDK's --lookup lpm|em, -L and -E too\n"
	       "  --config LIST        \"(port,queue,lcore),...\": which lcore polls which RX queue;\n"
	       "                       lcore is the CPU number given to -l, as in DPDK (default:\n"
	       "                       queue 0 of each port, ports dealt to the lcores in turn)\n"
	       "  --eth-dest=PORT,MAC  destination MAC of frames sent out of PORT (default\n"
	       "                       02:00:00:00:00:<PORT>)\n"
	       "  --route-file FILE    routes, one a line (repeatable; DPDK's --rule_ipv4 and\n"
	       "                       --rule_ipv6 name the same kind of file):\n"
	       "                         R 198.18.0.0/24 0               LPM: prefix -> port\n"
	       "                         R 2001:200::/64 1               (IPv6 likewise)\n"
	       "                         E 10.0.0.1 198.18.0.1 9 9 17 0  EM: src dst sport dport\n"
	       "                                                         proto -> port\n"
	       "                       '#' starts a comment; --mode picks the R or the E lines.\n"
	       "                       Without a file: DPDK l3fwd's table, 198.18.N.0/24 and\n"
	       "                       2001:200:0:N::/64 to port N (N < 16), and its EM flows\n"
	       "  -T PERIOD            print statistics every PERIOD seconds (0 = never, default\n"
	       "                       10, at most %d)\n"
	       "  --rx-queue-size N, --tx-queue-size N\n"
	       "                       descriptors per queue (default %d, fitted to the port)\n"
	       "  --mbufs N            mbufs in the pool (default: enough for every ring)\n"
	       "  --max-packets N      stop after N packets were received in total\n"
	       "  --duration S         stop after S seconds (decimals allowed)\n"
	       "  -h, --help           this text\n"
	       "\n"
	       "Dropped and counted by reason: not IPv4/IPv6, bad header, bad IPv4 checksum,\n"
	       "TTL or hop limit <= 1, no route (or a route to a port outside -p), TX ring full.\n"
	       "\n"
	       "Examples:\n"
	       "  %s -l 0 --vdev net_af_packet0,iface=veth0 --vdev net_af_packet1,iface=veth1 \\\n"
	       "      -- -p 0x3 -P --route-file routes.txt\n"
	       "  %s -l 0-1 -a 0000:00:03.0 -a 0000:00:04.0 -- -p 0x3 --config \"(0,0,0),(1,0,1)\"\n",
	       prog, APP_MAX_TIMER_PERIOD, DEFAULT_DESC, prog, prog);
}

/* The dense lcore id of CPU cpu in -l, or -1. */
static int lcore_of_cpu(uint64_t cpu)
{
	for (unsigned l = 0; l < sl_lcore_count(); l++)
		if ((uint64_t)sl_lcore_to_cpu(l) == cpu)
			return (int)l;
	return -1;
}

/* One triple's values checked: 0, or -EINVAL after a line. */
static int config_entry_set(const char *s, uint64_t port, uint64_t queue, uint64_t cpu)
{
	struct config_entry *e = &opts.config[opts.nb_config];
	int lcore = lcore_of_cpu(cpu);

	if (port >= SL_MAX_ETHPORTS)
		ARG_ERROR("bad --config '%s': port %" PRIu64 " is beyond the last possible port %d",
			  s, port, SL_MAX_ETHPORTS - 1);
	if (queue >= SL_MAX_QUEUES_PER_PORT)
		ARG_ERROR("bad --config '%s': queue %" PRIu64 " is beyond %d", s, queue,
			  SL_MAX_QUEUES_PER_PORT - 1);
	if (lcore < 0)
		ARG_ERROR("bad --config '%s': lcore %" PRIu64 " is not one of the CPUs given to -l; add it there (e.g. -l %" PRIu64 ") or pick one of those",
			  s, cpu, cpu);
	for (unsigned i = 0; i < opts.nb_config; i++)
		if (opts.config[i].port == port && opts.config[i].queue == queue)
			ARG_ERROR("bad --config '%s': port %" PRIu64 " queue %" PRIu64 " is named twice",
				  s, port, queue);
	e->port = (uint16_t)port;
	e->queue = (uint16_t)queue;
	e->lcore = (unsigned)lcore;
	e->cpu = (unsigned)cpu;
	opts.nb_config++;
	return 0;
}

/* "(0,0,1),(1,0,2)": app_parse_tuples' triples. */
static int parse_config(const char *s)
{
	uint64_t v[MAX_CONFIG * 3];
	int n = app_parse_tuples(s, 3, v, MAX_CONFIG);

	opts.nb_config = 0;
	if (n < 0)
		ARG_ERROR("bad --config '%s': give up to %d (port,queue,lcore) triples, e.g. --config \"(0,0,0),(1,0,0)\"",
			  s, MAX_CONFIG);
	for (int i = 0; i < n; i++)
		if (config_entry_set(s, v[3 * i], v[3 * i + 1], v[3 * i + 2]) < 0)
			return -EINVAL;
	return 0;
}

/* "PORT,MAC" */
static int parse_eth_dest(const char *s)
{
	const char *comma = strchr(s, ',');
	char num[16];
	uint64_t port;

	if (comma == NULL || (size_t)(comma - s) >= sizeof(num))
		goto bad;
	memcpy(num, s, (size_t)(comma - s));
	num[comma - s] = '\0';
	if (sl_parse_uint(num, 0, 0, SL_MAX_ETHPORTS - 1, &port) < 0 ||
	    sl_ether_unformat_addr(comma + 1, &opts.eth_dest[port]) < 0)
		goto bad;
	opts.eth_dest_set |= 1u << port;
	return 0;
bad:
	ARG_ERROR("bad --eth-dest '%s': give PORT,MAC with PORT 0..%d, e.g. --eth-dest=0,02:00:00:00:00:10",
		  s, SL_MAX_ETHPORTS - 1);
}

static int parse_mode(const char *opt, const char *s)
{
	if (strcmp(s, "lpm") == 0)
		opts.mode = LOOKUP_LPM;
	else if (strcmp(s, "em") == 0)
		opts.mode = LOOKUP_EM;
	else if (strcmp(opt, "mode") == 0 && strcmp(s, "poll") == 0)
		return 0;	/* DPDK's --mode poll: the only I/O mode there is */
	else
		ARG_ERROR("bad --%s '%s': give lpm (longest-prefix match) or em (exact match)%s", opt,
			  s, strcmp(opt, "mode") == 0 ? "; sl-l3fwd has no eventdev mode" : "");
	return 0;
}

static int add_route_file(const char *s)
{
	if (opts.nb_route_files == MAX_ROUTE_FILES)
		ARG_ERROR("too many route files (at most %d): put the routes of '%s' into one of the others",
			  MAX_ROUTE_FILES, s);
	opts.route_files[opts.nb_route_files++] = s;
	return 0;
}

#define LONG_OPTS(X)                                      \
	X(CONFIG, "config", required_argument)            \
	X(ETH_DEST, "eth-dest", required_argument)        \
	X(MODE, "mode", required_argument)                \
	X(LOOKUP, "lookup", required_argument)            \
	X(ROUTE_FILE, "route-file", required_argument)    \
	X(RULE_IPV4, "rule_ipv4", required_argument)      \
	X(RULE_IPV6, "rule_ipv6", required_argument)      \
	X(RXD, "rx-queue-size", required_argument)        \
	X(TXD, "tx-queue-size", required_argument)        \
	X(MBUFS, "mbufs", required_argument)              \
	X(MAX_PACKETS, "max-packets", required_argument)  \
	X(DURATION, "duration", required_argument)

enum {
	OPT_BELOW_LONG_ = 255,	/* the ids follow every short option's character */
	LONG_OPTS(APP_OPT_ID)
};

static const struct option long_opts[] = {
	LONG_OPTS(APP_OPT_ENTRY)
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

/* Options with a number: 0, or -EINVAL after a line. */
static int apply_number_option(int opt, const char *arg)
{
	uint64_t v;

	switch (opt) {
	case 'p':
		return app_opt_portmask(L3FWD_LOG, arg, &opts.portmask);
	case 'T':
		return app_opt_period(L3FWD_LOG, arg, &opts.timer_period);
	case OPT_RXD:
	case OPT_TXD:
		if (sl_parse_uint(arg, 0, 1, UINT16_MAX, &v) < 0)
			ARG_ERROR("bad --%s '%s': descriptors per queue are 1..%u",
				  opt == OPT_RXD ? "rx-queue-size" : "tx-queue-size", arg, UINT16_MAX);
		*(opt == OPT_RXD ? &opts.nb_rxd : &opts.nb_txd) = (uint16_t)v;
		return 0;
	case OPT_MBUFS:
		return app_opt_mbufs(L3FWD_LOG, arg, &opts.nb_mbufs);
	case OPT_MAX_PACKETS:
		return app_opt_max_packets(L3FWD_LOG, arg, &opts.max_packets);
	case OPT_DURATION:
		return app_opt_duration(L3FWD_LOG, arg, &opts.duration);
	default:
		ARG_ERROR("option %d not handled", opt);
	}
}

static int apply_option(int opt, const char *arg)
{
	switch (opt) {
	case 'P':
		opts.promiscuous = true;
		return 0;
	case 'L':
	case 'E':
		opts.mode = opt == 'L' ? LOOKUP_LPM : LOOKUP_EM;
		return 0;
	case OPT_MODE:
	case OPT_LOOKUP:
		return parse_mode(opt == OPT_MODE ? "mode" : "lookup", arg);
	case OPT_CONFIG:
		return parse_config(arg);
	case OPT_ETH_DEST:
		return parse_eth_dest(arg);
	case OPT_ROUTE_FILE:
	case OPT_RULE_IPV4:
	case OPT_RULE_IPV6:
		return add_route_file(arg);
	default:
		return apply_number_option(opt, arg);
	}
}

/* 0, 1 for -h (usage printed), or -EINVAL after a message. */
int l3fwd_parse_args(int argc, char **argv)
{
	int ret;

	opts = (struct l3fwd_opts){
		.mode = LOOKUP_LPM,
		.timer_period = 10,
		.nb_rxd = DEFAULT_DESC,
		.nb_txd = DEFAULT_DESC,
	};
	ret = app_getopt(argc, argv, ":p:PLET:h", long_opts, L3FWD_LOG, l3fwd_usage, apply_option);
	if (ret != 0)
		return ret;
	if (opts.portmask == 0)
		ARG_ERROR("-p PORTMASK is required, e.g. -p 0x3 for ports 0 and 1");
	for (unsigned i = 0; i < opts.nb_config; i++)
		if (!(opts.portmask & (1u << opts.config[i].port)))
			ARG_ERROR("--config names port %u, which is not in the portmask 0x%x: add it to -p or drop it from --config",
				  opts.config[i].port, opts.portmask);
	return 0;
}
