/* SPDX-License-Identifier: BSD-3-Clause
 * sl-l2fwd's options (after the EAL's "--"), DPDK l2fwd's and its own:
 * the usage, --portmap's pairs and the parser. Every bad value gives one
 * line naming the option, the value and what would be valid. */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "sl_parse.h"

#include "app_common.h"
#include "l2fwd.h"

#define ARG_ERROR(...) return app_arg_error(L2FWD_LOG, __VA_ARGS__)

struct l2fwd_opts opts;
const char *const rx_mode_names[3] = { "poll", "interrupt", "adaptive" };

void l2fwd_usage(const char *prog)
{
	printf("Usage: %s [EAL options] -- -p PORTMASK [options]\n"
	       "\n"
	       "Forwards every frame received on a port out of its paired port.\n"
	       "\n"
	       "  -p PORTMASK        hexadecimal mask of the ports to use (an even number of them)\n"
	       "  -P                 put the ports in promiscuous mode\n"
	       "  -q NQ              RX queues (slots) each lcore polls, 1..%d (default 1)\n"
	       "  --queues N         queue pairs per port, 1..%d (default 1); queue q of a port\n"
	       "                     forwards to queue q of its partner\n"
	       "  -T PERIOD          print statistics every PERIOD seconds (0 = never, default 10,\n"
	       "                     at most %d)\n"
	       "  --no-mac-updating  forward frames unchanged; by default the destination MAC\n"
	       "                     becomes 02:00:00:00:00:<TX port> and the source MAC the TX\n"
	       "                     port's address\n"
	       "  --portmap PAIRS    explicit pairs, e.g. \"(0,1),(2,3)\" (default: in port order)\n"
	       "  --rxd N, --txd N   RX/TX descriptors per queue (default %d, fitted to the port)\n"
	       "  --burst N          packets per RX/TX burst, 1..%d (default %d)\n"
	       "  --mbufs N          mbufs in the pool (default: enough for all rings, bursts and\n"
	       "                     lcore caches, at least %u)\n"
	       "  --mtu N            port MTU (mbufs are sized to hold a full frame)\n"
	       "  --max-packets N    stop after N packets were received in total\n"
	       "  --duration S       stop after S seconds (decimals allowed)\n"
	       "  --rx-mode MODE     poll (default: spin on the queues), interrupt (sleep\n"
	       "                     whenever they are empty, wake at the next frame) or\n"
	       "                     adaptive (poll while frames come, sleep after %d empty\n"
	       "                     polls); interrupt and adaptive need ports that interrupt\n"
	       "                     (e1000, e1000e, virtio-net), the summary gives each\n"
	       "                     lcore's share of time asleep\n"
	       "  -h, --help         this text\n"
	       "\n"
	       "SIGINT or SIGTERM stops forwarding; a summary follows and the ports are closed.\n"
	       "\n"
	       "Examples:\n"
	       "  %s -l 0-1 --vdev net_null0 --vdev net_null1 -- -p 0x3 -T 1\n"
	       "  %s -l 0 --vdev net_af_packet0,iface=veth0 --vdev net_af_packet1,iface=veth1 \\\n"
	       "      -- -p 0x3 -q 2 -P\n"
	       "  %s -l 0-1 --vdev net_pcap0,rx_pcap=in.pcap --vdev net_pcap1,tx_pcap=out.pcap \\\n"
	       "      -- -p 0x3 --no-mac-updating --max-packets 1000\n"
	       "  %s -l 0-3 -a 0000:00:03.0 -a 0000:00:04.0 -- -p 0x3 --queues 2 -q 2\n",
	       prog, MAX_SLOTS_PER_LCORE, MAX_QUEUES_PER_PORT, APP_MAX_TIMER_PERIOD, DEFAULT_DESC,
	       MAX_BURST, DEFAULT_BURST, MIN_MBUFS, ADAPTIVE_IDLE_POLLS, prog, prog, prog, prog);
}

/* The rule of sl_parse.h; base 16 is a mask (hexadecimal, 0x optional). */
static int parse_u64(const char *s, int base, uint64_t min, uint64_t max, uint64_t *out)
{
	return sl_parse_uint(s, base == 16 ? SL_PARSE_MASK : 0, min, max, out);
}


/* "(0,1),(2,3)": app_parse_tuples' pairs of ports. */
static int parse_portmap(const char *s)
{
	uint64_t v[SL_DIM(opts.pairs) * 2];
	int n = app_parse_tuples(s, 2, v, SL_DIM(opts.pairs));

	if (n < 0)
		return -EINVAL;
	for (int i = 0; i < n; i++) {
		if (v[2 * i] >= SL_MAX_ETHPORTS || v[2 * i + 1] >= SL_MAX_ETHPORTS) {
			SL_LOG(ERR, L2FWD, "--portmap: port %" PRIu64 " is beyond the last possible port %d",
			       SL_MAX(v[2 * i], v[2 * i + 1]), SL_MAX_ETHPORTS - 1);
			return -ERANGE;
		}
		opts.pairs[i].a = (uint16_t)v[2 * i];
		opts.pairs[i].b = (uint16_t)v[2 * i + 1];
	}
	opts.nb_pairs = (unsigned)n;
	return 0;
}

/* The long options, DPDK l2fwd's then sl-l2fwd's own (APP_OPT_ID). */
#define DPDK_LONG_OPTS(X)                                \
	X(NO_MAC_UPDATING, "no-mac-updating", no_argument) \
	X(PORTMAP, "portmap", required_argument)
#define OWN_LONG_OPTS(X)                            \
	X(QUEUES, "queues", required_argument)        \
	X(RXD, "rxd", required_argument)              \
	X(TXD, "txd", required_argument)              \
	X(BURST, "burst", required_argument)          \
	X(MBUFS, "mbufs", required_argument)          \
	X(MTU, "mtu", required_argument)              \
	X(MAX_PACKETS, "max-packets", required_argument) \
	X(DURATION, "duration", required_argument)      \
	X(RX_MODE, "rx-mode", required_argument)

enum {
	OPT_BELOW_LONG_ = 255,	/* the ids follow every short option's character */
	DPDK_LONG_OPTS(APP_OPT_ID)
	OPT_OWN_BELOW_,		/* below the ids of apply_own_option */
	OWN_LONG_OPTS(APP_OPT_ID)
};

static const struct option long_opts[] = {
	DPDK_LONG_OPTS(APP_OPT_ENTRY)
	OWN_LONG_OPTS(APP_OPT_ENTRY)
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

/* The largest MTU whose frame, VLAN tag included, fits an mbuf's room. */
#define MAX_MTU (UINT16_MAX - SL_PKTMBUF_HEADROOM - SL_ETHER_HDR_LEN - SL_ETHER_VLAN_HDR_LEN)

/* The options DPDK's l2fwd has too: 0, or -EINVAL after a line. */
static int apply_dpdk_option(int opt, const char *arg)
{
	uint64_t v;

	switch (opt) {
	case 'p':
		return app_opt_portmask(L2FWD_LOG, arg, &opts.portmask);
	case 'P':
		opts.promiscuous = true;
		return 0;
	case 'q':
		if (parse_u64(arg, 10, 1, MAX_SLOTS_PER_LCORE, &v) < 0)
			ARG_ERROR("bad -q '%s': the number of RX queues per lcore is 1..%d",
				  arg, MAX_SLOTS_PER_LCORE);
		opts.slots_per_lcore = (unsigned)v;
		return 0;
	case 'T':
		return app_opt_period(L2FWD_LOG, arg, &opts.timer_period);
	case OPT_NO_MAC_UPDATING:
		opts.mac_updating = false;
		return 0;
	case OPT_PORTMAP:
		if (parse_portmap(arg) < 0)
			ARG_ERROR("bad --portmap '%s': give pairs of port ids, e.g. --portmap \"(0,1),(2,3)\"",
				  arg);
		opts.have_portmap = true;
		return 0;
	default:
		ARG_ERROR("option %d not handled", opt);
	}
}

/* sl-l2fwd's own options: 0, or -EINVAL after a line. */
static int apply_own_option(int opt, const char *arg)
{
	uint64_t v;

	switch (opt) {
	case OPT_QUEUES:
		if (parse_u64(arg, 10, 1, MAX_QUEUES_PER_PORT, &v) < 0)
			ARG_ERROR("bad --queues '%s': queue pairs per port are 1..%d", arg,
				  MAX_QUEUES_PER_PORT);
		opts.nb_queues = (unsigned)v;
		return 0;
	case OPT_RXD:
	case OPT_TXD:
		if (parse_u64(arg, 10, 1, UINT16_MAX, &v) < 0)
			ARG_ERROR("bad --%s '%s': descriptors per queue are 1..%u",
				  opt == OPT_RXD ? "rxd" : "txd", arg, UINT16_MAX);
		if (opt == OPT_RXD)
			opts.nb_rxd = (uint16_t)v;
		else
			opts.nb_txd = (uint16_t)v;
		return 0;
	case OPT_BURST:
		if (parse_u64(arg, 10, 1, MAX_BURST, &v) < 0)
			ARG_ERROR("bad --burst '%s': 1..%d packets", arg, MAX_BURST);
		opts.burst = (unsigned)v;
		return 0;
	case OPT_MBUFS:
		return app_opt_mbufs(L2FWD_LOG, arg, &opts.nb_mbufs);
	case OPT_MTU:
		if (parse_u64(arg, 10, SL_ETHER_MIN_MTU, MAX_MTU, &v) < 0)
			ARG_ERROR("bad --mtu '%s': %d..%d", arg, SL_ETHER_MIN_MTU, MAX_MTU);
		opts.mtu = (unsigned)v;
		return 0;
	case OPT_MAX_PACKETS:
		return app_opt_max_packets(L2FWD_LOG, arg, &opts.max_packets);
	case OPT_DURATION:
		return app_opt_duration(L2FWD_LOG, arg, &opts.duration);
	case OPT_RX_MODE:
		for (unsigned m = 0; m < SL_DIM(rx_mode_names); m++) {
			if (strcmp(arg, rx_mode_names[m]) == 0) {
				opts.rx_mode = (enum rx_mode)m;
				return 0;
			}
		}
		ARG_ERROR("bad --rx-mode '%s': poll, interrupt or adaptive", arg);
	default:
		ARG_ERROR("option %d not handled", opt);
	}
}

static int apply_option(int opt, const char *arg)
{
	return opt < OPT_OWN_BELOW_ ? apply_dpdk_option(opt, arg) : apply_own_option(opt, arg);
}

/* 0, 1 for -h (usage printed), or -EINVAL after a message. */
int l2fwd_parse_args(int argc, char **argv)
{
	int ret;

	opts = (struct l2fwd_opts){
		.slots_per_lcore = 1,
		.nb_queues = 1,
		.timer_period = 10,
		.mac_updating = true,
		.nb_rxd = DEFAULT_DESC,
		.nb_txd = DEFAULT_DESC,
		.burst = DEFAULT_BURST,
	};
	ret = app_getopt(argc, argv, ":p:Pq:T:h", long_opts, L2FWD_LOG, l2fwd_usage, apply_option);
	if (ret != 0)
		return ret;
	if (opts.portmask == 0)
		ARG_ERROR("-p PORTMASK is required, e.g. -p 0x3 for ports 0 and 1");
	return 0;
}
