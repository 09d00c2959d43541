/* SPDX-License-Identifier: BSD-3-Clause
 * sl-l2fwd: layer-2 forwarding between paired ports, command-line
 * compatible with DPDK's l2fwd example.
 *
 *   sl-l2fwd [EAL options] -- -p PORTMASK [-P] [-q NQ] [--queues N] [-T PERIOD]
 *            [--no-mac-updating] [--portmap "(0,1),(2,3)"] ...   (-h for all)
 *
 * Every frame received on a port leaves through its partner: ports pair up
 * in order (0<->1, 2<->3, ...) or as --portmap says. Unless
 * --no-mac-updating, the destination MAC becomes 02:00:00:00:00:<tx port>
 * and the source MAC the TX port's own address.
 *
 * Work is cut into "slots": one slot is one RX queue (port p, queue q) and
 * the TX queue it forwards to, (partner of p, queue q). Because pairing is
 * a one-to-one map, each TX queue belongs to exactly one slot, so no two
 * lcores ever share a queue and nothing needs a lock. Slots are dealt to
 * lcores in lcore order, -q slots each (queue 0 of every enabled port
 * first, then queue 1, ...), so --queues N with N lcores gives each lcore
 * its own queue pair on every port.
 *
 * Each slot buffers its TX side up to one burst and the buffer is drained
 * when the lcore's ~100 us timer fires, so a trickle of traffic is not held
 * back. Counters are per lcore and per port, each lcore's on cache lines of
 * its own; only that lcore writes them and the main lcore sums them for the
 * statistics every PERIOD seconds and for the summary at the end.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "sl_eal.h"
#include "sl_parse.h"
#include "sl_ethdev.h"
#include "sl_mbuf.h"

#define MAX_BURST 256
#define DEFAULT_BURST 32
#define MAX_SLOTS_PER_LCORE 16
#define MAX_QUEUES_PER_PORT 16
#define DEFAULT_DESC 1024
#define DRAIN_US 100
#define MEMPOOL_CACHE 256
#define MAX_TIMER_PERIOD 86400	/* one day, as DPDK's l2fwd */
#define MIN_MBUFS 8192u

/* ---- configuration --------------------------------------------------------- */

struct port_pair {
	uint16_t a, b;
};

struct app_opts {
	uint32_t portmask;
	unsigned slots_per_lcore;	/* -q */
	unsigned nb_queues;		/* --queues: queue pairs per port */
	unsigned timer_period;		/* -T, seconds, 0 = off */
	bool mac_updating;
	bool promiscuous;
	struct port_pair pairs[SL_MAX_ETHPORTS / 2];	/* --portmap */
	unsigned nb_pairs;
	bool have_portmap;
	uint16_t nb_rxd, nb_txd;
	unsigned burst;
	unsigned nb_mbufs;		/* 0: sized from the configuration */
	uint64_t max_packets;		/* 0: no limit */
	double duration;		/* seconds, 0: no limit */
	unsigned mtu;			/* 0: port default */
};

/* One RX queue and the TX queue its frames go to. */
struct fwd_slot {
	uint16_t rx_port;
	uint16_t queue;
	uint16_t tx_port;
	uint16_t nb_buf;
	uint8_t mac_hdr[2 * SL_ETHER_ADDR_LEN];	/* new dst then src */
	struct sl_mbuf *buf[MAX_BURST];
};

struct lcore_conf {
	unsigned nb_slots;
	struct fwd_slot slots[MAX_SLOTS_PER_LCORE];
} __sl_cache_aligned;

struct port_counters {
	uint64_t rx;
	uint64_t tx;
	uint64_t dropped;
};

/* One lcore's view of every port; the array of these keeps lcores on
 * separate cache lines (the size is a multiple of the line). */
struct lcore_stats {
	struct port_counters port[SL_MAX_ETHPORTS];
} __sl_cache_aligned;
SL_STATIC_ASSERT(sizeof(struct lcore_stats) % SL_CACHE_LINE_SIZE == 0, "stats per lcore on own lines");

static struct app_opts opts;
static struct lcore_conf *lcore_conf;
static struct lcore_stats *lcore_stats;
static unsigned nb_lcores;
static uint16_t dst_port[SL_MAX_ETHPORTS];
static struct sl_ether_addr port_mac[SL_MAX_ETHPORTS];
static struct sl_mempool *pool;
static uint64_t drain_tsc;

/* Set by SIGINT/SIGTERM or by the main lcore's limits; polled by all. */
static int quit;
static int quit_signal;

static inline bool quit_requested(void)
{
	return __atomic_load_n(&quit, __ATOMIC_RELAXED);
}

static void request_quit(void)
{
	__atomic_store_n(&quit, 1, __ATOMIC_RELAXED);
}

static void on_signal(int sig)
{
	/* lock-free atomics are async-signal-safe */
	__atomic_store_n(&quit_signal, sig, __ATOMIC_RELAXED);
	request_quit();
}

/* ---- usage and argument parsing ------------------------------------------- */

static void usage(const char *prog)
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
	       prog, MAX_SLOTS_PER_LCORE, MAX_QUEUES_PER_PORT, MAX_TIMER_PERIOD, DEFAULT_DESC,
	       MAX_BURST, DEFAULT_BURST, MIN_MBUFS, prog, prog, prog, prog);
}

/* The rule of sl_parse.h; base 16 is a mask (hexadecimal, 0x optional). */
static int parse_u64(const char *s, int base, uint64_t min, uint64_t max, uint64_t *out)
{
	return sl_parse_uint(s, base == 16 ? SL_PARSE_MASK : 0, min, max, out);
}

static const char *skip_blanks(const char *p)
{
	while (*p == ' ')
		p++;
	return p;
}

/* "(0,1),(2,3)": spaces allowed around numbers and between pairs; the
 * numbers themselves follow sl_parse.h. */
static int parse_portmap(const char *s)
{
	const char *p = s;

	opts.nb_pairs = 0;
	for (;;) {
		uint64_t a, b;

		while (*p == ' ' || *p == ',')
			p++;
		if (*p == '\0')
			break;
		if (*p != '(')
			return -EINVAL;
		p = skip_blanks(p + 1);
		if (sl_parse_uint_prefix(&p, 0, &a) < 0)
			return -EINVAL;
		p = skip_blanks(p);
		if (*p != ',')
			return -EINVAL;
		p = skip_blanks(p + 1);
		if (sl_parse_uint_prefix(&p, 0, &b) < 0)
			return -EINVAL;
		p = skip_blanks(p);
		if (*p != ')')
			return -EINVAL;
		p++;
		if (a >= SL_MAX_ETHPORTS || b >= SL_MAX_ETHPORTS) {
			SL_LOG(ERR, L2FWD, "--portmap: port %" PRIu64 " is beyond the last possible port %d", SL_MAX(a, b),
			       SL_MAX_ETHPORTS - 1);
			return -ERANGE;
		}
		if (opts.nb_pairs == SL_DIM(opts.pairs))
			return -EINVAL;
		opts.pairs[opts.nb_pairs].a = (uint16_t)a;
		opts.pairs[opts.nb_pairs].b = (uint16_t)b;
		opts.nb_pairs++;
	}
	return opts.nb_pairs > 0 ? 0 : -EINVAL;
}

enum {
	OPT_NO_MAC_UPDATING = 256,
	OPT_PORTMAP,
	OPT_QUEUES,
	OPT_RXD,
	OPT_TXD,
	OPT_BURST,
	OPT_MBUFS,
	OPT_MTU,
	OPT_MAX_PACKETS,
	OPT_DURATION,
};

static const struct option long_opts[] = {
	{ "no-mac-updating", no_argument, NULL, OPT_NO_MAC_UPDATING },
	{ "portmap", required_argument, NULL, OPT_PORTMAP },
	{ "queues", required_argument, NULL, OPT_QUEUES },
	{ "rxd", required_argument, NULL, OPT_RXD },
	{ "txd", required_argument, NULL, OPT_TXD },
	{ "burst", required_argument, NULL, OPT_BURST },
	{ "mbufs", required_argument, NULL, OPT_MBUFS },
	{ "mtu", required_argument, NULL, OPT_MTU },
	{ "max-packets", required_argument, NULL, OPT_MAX_PACKETS },
	{ "duration", required_argument, NULL, OPT_DURATION },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

#define ARG_ERROR(...)                          \
	do {                                    \
		SL_LOG(ERR, L2FWD, __VA_ARGS__); \
		return -EINVAL;                 \
	} while (0)

/* 0, 1 for -h (usage printed), or -EINVAL after a message. */
static int parse_args(int argc, char **argv)
{
	uint64_t v;
	int opt;

	opts = (struct app_opts){
		.slots_per_lcore = 1,
		.nb_queues = 1,
		.timer_period = 10,
		.mac_updating = true,
		.nb_rxd = DEFAULT_DESC,
		.nb_txd = DEFAULT_DESC,
		.burst = DEFAULT_BURST,
	};
	optind = 0;	/* a fresh scan: the EAL used getopt before us */
	opterr = 0;
	while ((opt = getopt_long(argc, argv, ":p:Pq:T:h", long_opts, NULL)) != -1) {
		switch (opt) {
		case 'p':
			if (parse_u64(optarg, 16, 1, UINT32_MAX, &v) < 0)
				ARG_ERROR("bad portmask '%s': give a non-zero hexadecimal mask of ports, e.g. -p 0x3 for ports 0 and 1",
					  optarg);
			opts.portmask = (uint32_t)v;
			break;
		case 'P':
			opts.promiscuous = true;
			break;
		case 'q':
			if (parse_u64(optarg, 10, 1, MAX_SLOTS_PER_LCORE, &v) < 0)
				ARG_ERROR("bad -q '%s': the number of RX queues per lcore is 1..%d",
					  optarg, MAX_SLOTS_PER_LCORE);
			opts.slots_per_lcore = (unsigned)v;
			break;
		case 'T':
			if (parse_u64(optarg, 10, 0, MAX_TIMER_PERIOD, &v) < 0)
				ARG_ERROR("bad -T '%s': the statistics period is 0..%d seconds (0 turns them off)",
					  optarg, MAX_TIMER_PERIOD);
			opts.timer_period = (unsigned)v;
			break;
		case OPT_NO_MAC_UPDATING:
			opts.mac_updating = false;
			break;
		case OPT_PORTMAP:
			if (parse_portmap(optarg) < 0)
				ARG_ERROR("bad --portmap '%s': give pairs of port ids, e.g. --portmap \"(0,1),(2,3)\"",
					  optarg);
			opts.have_portmap = true;
			break;
		case OPT_QUEUES:
			if (parse_u64(optarg, 10, 1, MAX_QUEUES_PER_PORT, &v) < 0)
				ARG_ERROR("bad --queues '%s': queue pairs per port are 1..%d", optarg,
					  MAX_QUEUES_PER_PORT);
			opts.nb_queues = (unsigned)v;
			break;
		case OPT_RXD:
		case OPT_TXD:
			if (parse_u64(optarg, 10, 1, UINT16_MAX, &v) < 0)
				ARG_ERROR("bad --%s '%s': descriptors per queue are 1..%u",
					  opt == OPT_RXD ? "rxd" : "txd", optarg, UINT16_MAX);
			if (opt == OPT_RXD)
				opts.nb_rxd = (uint16_t)v;
			else
				opts.nb_txd = (uint16_t)v;
			break;
		case OPT_BURST:
			if (parse_u64(optarg, 10, 1, MAX_BURST, &v) < 0)
				ARG_ERROR("bad --burst '%s': 1..%d packets", optarg, MAX_BURST);
			opts.burst = (unsigned)v;
			break;
		case OPT_MBUFS:
			if (parse_u64(optarg, 10, 1, UINT32_MAX, &v) < 0)
				ARG_ERROR("bad --mbufs '%s': the number of mbufs is 1..%u", optarg, UINT32_MAX);
			opts.nb_mbufs = (unsigned)v;
			break;
		case OPT_MTU:
			if (parse_u64(optarg, 10, SL_ETHER_MIN_MTU,
				      UINT16_MAX - SL_PKTMBUF_HEADROOM - SL_ETHER_HDR_LEN - SL_ETHER_VLAN_HDR_LEN,
				      &v) < 0)
				ARG_ERROR("bad --mtu '%s': %d..%d", optarg, SL_ETHER_MIN_MTU,
					  UINT16_MAX - SL_PKTMBUF_HEADROOM - SL_ETHER_HDR_LEN -
						  SL_ETHER_VLAN_HDR_LEN);
			opts.mtu = (unsigned)v;
			break;
		case OPT_MAX_PACKETS:
			if (parse_u64(optarg, 10, 1, UINT64_MAX, &v) < 0)
				ARG_ERROR("bad --max-packets '%s': a count in 1..%" PRIu64, optarg, UINT64_MAX);
			opts.max_packets = v;
			break;
		case OPT_DURATION:
			if (sl_parse_real(optarg, 0, 1e9, &opts.duration) < 0 || !(opts.duration > 0))
				ARG_ERROR("bad --duration '%s': a positive number of seconds up to 1e9, e.g. --duration 2.5",
					  optarg);
			break;
		case 'h':
			usage(argv[0]);
			return 1;
		case ':':
			ARG_ERROR("option %s needs a value (see -h)", argv[optind - 1]);
		default:
			ARG_ERROR("unknown option %s (see -h)", argv[optind - 1]);
		}
	}
	if (optind < argc)
		ARG_ERROR("unexpected argument '%s' (see -h)", argv[optind]);
	if (opts.portmask == 0)
		ARG_ERROR("-p PORTMASK is required, e.g. -p 0x3 for ports 0 and 1");
	return 0;
}

/* ---- checks and the port/lcore plan --------------------------------------- */

static void ports_list(char *buf, size_t len)
{
	uint16_t p;
	size_t off = 0;

	buf[0] = '\0';
	SL_ETH_FOREACH_DEV(p) {
		int n = snprintf(buf + off, len - off, "%s%u (%s)", off ? ", " : "", p,
				 sl_eth_dev_name(p));

		if (n < 0 || (size_t)n >= len - off)
			break;
		off += (size_t)n;
	}
	if (off == 0)
		snprintf(buf, len, "none; add --vdev or -a");
}

static int plan_pairs(void)
{
	char list[512];
	uint32_t paired = 0;
	uint16_t p, last = 0;
	unsigned n = 0;

	for (p = 0; p < SL_MAX_ETHPORTS; p++) {
		if (!(opts.portmask & (1u << p)))
			continue;
		if (!sl_eth_dev_is_valid_port(p)) {
			ports_list(list, sizeof(list));
			SL_LOG(ERR, L2FWD, "port %u is in the portmask 0x%x but does not exist (ports: %s)",
			       p, opts.portmask, list);
			return -ENODEV;
		}
		n++;
	}
	if (opts.have_portmap) {
		for (unsigned i = 0; i < opts.nb_pairs; i++) {
			uint16_t a = opts.pairs[i].a, b = opts.pairs[i].b;
			uint16_t both[2] = { a, b };

			if (a == b) {
				SL_LOG(ERR, L2FWD, "--portmap pair (%u,%u) pairs a port with itself", a, b);
				return -EINVAL;
			}
			for (unsigned k = 0; k < 2; k++) {
				if (!(opts.portmask & (1u << both[k]))) {
					SL_LOG(ERR, L2FWD, "--portmap uses port %u, which is not in the portmask 0x%x",
					       both[k], opts.portmask);
					return -EINVAL;
				}
				if (paired & (1u << both[k])) {
					SL_LOG(ERR, L2FWD, "--portmap names port %u in two pairs", both[k]);
					return -EINVAL;
				}
				paired |= 1u << both[k];
			}
			dst_port[a] = b;
			dst_port[b] = a;
		}
		if (paired != opts.portmask) {
			p = (uint16_t)__builtin_ctz(opts.portmask & ~paired);
			SL_LOG(ERR, L2FWD, "port %u is in the portmask but in no --portmap pair; pair it or drop it from -p",
			       p);
			return -EINVAL;
		}
		return 0;
	}
	if (n % 2 != 0) {
		SL_LOG(ERR, L2FWD, "the portmask 0x%x enables %u ports, an odd number: ports forward in pairs, enable one more or one less",
		       opts.portmask, n);
		return -EINVAL;
	}
	n = 0;
	for (p = 0; p < SL_MAX_ETHPORTS; p++) {
		if (!(opts.portmask & (1u << p)))
			continue;
		if (n++ % 2 == 0) {
			last = p;
		} else {
			dst_port[p] = last;
			dst_port[last] = p;
		}
	}
	return 0;
}

/* Deals the slots (queue-major: every port's queue 0, then queue 1, ...)
 * to lcores in order, opts.slots_per_lcore each. */
static int plan_lcores(void)
{
	unsigned lcore = 0;

	for (unsigned q = 0; q < opts.nb_queues; q++) {
		for (uint16_t p = 0; p < SL_MAX_ETHPORTS; p++) {
			struct fwd_slot *s;

			if (!(opts.portmask & (1u << p)))
				continue;
			if (lcore < nb_lcores && lcore_conf[lcore].nb_slots == opts.slots_per_lcore)
				lcore++;
			if (lcore >= nb_lcores) {
				SL_LOG(ERR, L2FWD, "no lcore left for port %u queue %u: %u ports x %u queues need %u lcores at -q %u, there are %u; add lcores with -l or raise -q",
				       p, q, __builtin_popcount(opts.portmask), opts.nb_queues,
				       (__builtin_popcount(opts.portmask) * opts.nb_queues +
					opts.slots_per_lcore - 1) / opts.slots_per_lcore,
				       opts.slots_per_lcore, nb_lcores);
				return -EINVAL;
			}
			s = &lcore_conf[lcore].slots[lcore_conf[lcore].nb_slots++];
			s->rx_port = p;
			s->queue = (uint16_t)q;
			s->tx_port = dst_port[p];
		}
	}
	return 0;
}

/* What the ports can do, checked for all of them before any is touched. */
static int check_ports(void)
{
	for (uint16_t p = 0; p < SL_MAX_ETHPORTS; p++) {
		struct sl_eth_dev_info info;

		if (!(opts.portmask & (1u << p)))
			continue;
		if (sl_eth_dev_info_get(p, &info) < 0)
			return -ENODEV;
		if (opts.nb_queues > info.max_rx_queues || opts.nb_queues > info.max_tx_queues) {
			SL_LOG(ERR, L2FWD, "port %u (%s) has at most %u RX / %u TX queues, --queues asks for %u",
			       p, info.device_name, info.max_rx_queues, info.max_tx_queues,
			       opts.nb_queues);
			return -EINVAL;
		}
	}
	return 0;
}

/* ---- ports ---------------------------------------------------------------- */

static uint16_t fit_desc(uint16_t n, const struct sl_eth_desc_lim *lim)
{
	uint32_t v = n;

	if (lim->nb_max != 0 && v > lim->nb_max)
		v = lim->nb_max;
	if (v < lim->nb_min)
		v = lim->nb_min;
	if (lim->nb_align > 1)
		v = (v + lim->nb_align - 1) / lim->nb_align * lim->nb_align;
	if (lim->nb_max != 0 && v > lim->nb_max)
		v = lim->nb_max / SL_MAX(lim->nb_align, (uint16_t)1) * SL_MAX(lim->nb_align, (uint16_t)1);
	return (uint16_t)v;
}

static int port_init(uint16_t p)
{
	struct sl_eth_conf conf;
	struct sl_eth_dev_info info;
	uint16_t nb_rxd, nb_txd;
	char mac[SL_ETHER_ADDR_FMT_SIZE];
	int ret;

	memset(&conf, 0, sizeof(conf));
	ret = sl_eth_dev_info_get(p, &info);
	if (ret < 0)
		return ret;
	if (info.tx_offload_capa & SL_ETH_TX_OFFLOAD_MBUF_FAST_FREE)
		conf.txmode.offloads |= SL_ETH_TX_OFFLOAD_MBUF_FAST_FREE;
	conf.rxmode.mtu = opts.mtu;
	ret = sl_eth_dev_configure(p, (uint16_t)opts.nb_queues, (uint16_t)opts.nb_queues, &conf);
	if (ret < 0)
		return ret;
	nb_rxd = fit_desc(opts.nb_rxd, &info.rx_desc_lim);
	nb_txd = fit_desc(opts.nb_txd, &info.tx_desc_lim);
	for (uint16_t q = 0; q < opts.nb_queues; q++) {
		ret = sl_eth_rx_queue_setup(p, q, nb_rxd, sl_eth_dev_socket_id(p), NULL, pool);
		if (ret < 0)
			return ret;
		ret = sl_eth_tx_queue_setup(p, q, nb_txd, sl_eth_dev_socket_id(p), NULL);
		if (ret < 0)
			return ret;
	}
	ret = sl_eth_macaddr_get(p, &port_mac[p]);
	if (ret < 0)
		return ret;
	ret = sl_eth_dev_start(p);
	if (ret < 0)
		return ret;
	if (opts.promiscuous) {
		ret = sl_eth_promiscuous_enable(p);
		if (ret < 0)
			return ret;
	}
	sl_ether_format_addr(mac, sizeof(mac), &port_mac[p]);
	printf("Port %u (%s): %u queue pair(s), %u/%u descriptors, MAC %s, forwards to port %u\n",
	       p, info.device_name, opts.nb_queues, nb_rxd, nb_txd, mac, dst_port[p]);
	return 0;
}

static void wait_links(void)
{
	/* as DPDK's l2fwd: up to 9 s for autonegotiation, then report */
	for (int tries = 0; tries < 90 && !quit_requested(); tries++) {
		bool all_up = true;

		for (uint16_t p = 0; p < SL_MAX_ETHPORTS; p++) {
			struct sl_eth_link link;

			if (!(opts.portmask & (1u << p)))
				continue;
			if (sl_eth_link_get_nowait(p, &link) < 0 || link.link_status != SL_ETH_LINK_UP)
				all_up = false;
		}
		if (all_up)
			break;
		sl_delay_us(100000);
	}
	for (uint16_t p = 0; p < SL_MAX_ETHPORTS; p++) {
		struct sl_eth_link link;
		char text[64];

		if (!(opts.portmask & (1u << p)) || sl_eth_link_get_nowait(p, &link) < 0)
			continue;
		sl_eth_link_to_str(text, sizeof(text), &link);
		printf("Port %u: %s\n", p, text);
	}
}

/* ---- statistics ------------------------------------------------------------ */

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

/* DPDK l2fwd's layout (scripts that read its output read ours), plus
 * rates over the last interval. */
static void stats_print(const char *title, const struct port_counters *now,
			const struct port_counters *before, double seconds)
{
	uint64_t rx = 0, tx = 0, dropped = 0, rx0 = 0, tx0 = 0;

	if (isatty(STDOUT_FILENO))
		printf("\033[2J\033[1;1H");	/* clear screen, cursor home */
	printf("\n%s ====================================", title);
	for (uint16_t p = 0; p < SL_MAX_ETHPORTS; p++) {
		if (!(opts.portmask & (1u << p)))
			continue;
		printf("\nStatistics for port %u ------------------------------"
		       "\nPackets sent: %24" PRIu64 "\nPackets received: %20" PRIu64
		       "\nPackets dropped: %21" PRIu64,
		       p, now[p].tx, now[p].rx, now[p].dropped);
		rx += now[p].rx;
		tx += now[p].tx;
		dropped += now[p].dropped;
		rx0 += before[p].rx;
		tx0 += before[p].tx;
	}
	printf("\nAggregate statistics ==============================="
	       "\nTotal packets sent: %18" PRIu64 "\nTotal packets received: %14" PRIu64
	       "\nTotal packets dropped: %15" PRIu64,
	       tx, rx, dropped);
	if (seconds > 0)
		printf("\nRate over %.3f s: received %.3f Mpps, sent %.3f Mpps", seconds,
		       (double)(rx - rx0) / seconds / 1e6, (double)(tx - tx0) / seconds / 1e6);
	printf("\n====================================================\n");
	fflush(stdout);
}

struct control_state {
	uint64_t start_tsc;
	uint64_t next_print_tsc;
	uint64_t last_print_tsc;
	uint64_t end_tsc;		/* 0: no --duration */
	struct port_counters last[SL_MAX_ETHPORTS];
};

static struct control_state ctl;

/* The main lcore's chores, every drain period: periodic statistics and the
 * --max-packets / --duration limits. */
static void control_tick(uint64_t now)
{
	if (opts.timer_period != 0 && now >= ctl.next_print_tsc) {
		struct port_counters cur[SL_MAX_ETHPORTS];

		stats_sum(cur);
		stats_print("Port statistics", cur, ctl.last,
			    (double)(now - ctl.last_print_tsc) / (double)sl_tsc_hz());
		memcpy(ctl.last, cur, sizeof(cur));
		ctl.last_print_tsc = now;
		ctl.next_print_tsc = now + (uint64_t)opts.timer_period * sl_tsc_hz();
	}
	if (opts.max_packets != 0 && stats_total_rx() >= opts.max_packets)
		request_quit();
	if (ctl.end_tsc != 0 && now >= ctl.end_tsc)
		request_quit();
}

/* ---- the forwarding loop -------------------------------------------------- */

static inline void send_burst(struct lcore_stats *st, uint16_t port, uint16_t queue,
			      struct sl_mbuf **pkts, uint16_t n)
{
	uint16_t sent = sl_eth_tx_burst(port, queue, pkts, n);

	sl_counter_add(&st->port[port].tx, sent);
	if (sl_unlikely(sent < n)) {
		/* the TX ring is full: drop rather than stall RX */
		sl_pktmbuf_free_bulk(&pkts[sent], n - sent);
		sl_counter_add(&st->port[port].dropped, n - sent);
	}
}

static inline void rewrite_macs(struct sl_mbuf **pkts, uint16_t n, const uint8_t *hdr)
{
	for (uint16_t i = 0; i < n && i < 4; i++)
		sl_prefetch_w(sl_pktmbuf_mtod(pkts[i], void *));
	for (uint16_t i = 0; i < n; i++) {
		struct sl_mbuf *m = pkts[i];

		if (i + 4 < n)
			sl_prefetch_w(sl_pktmbuf_mtod(pkts[i + 4], void *));
		if (sl_likely(m->data_len >= 2 * SL_ETHER_ADDR_LEN))
			memcpy(sl_pktmbuf_mtod(m, uint8_t *), hdr, 2 * SL_ETHER_ADDR_LEN);
	}
}

static void slot_flush(struct lcore_stats *st, struct fwd_slot *s)
{
	if (s->nb_buf != 0) {
		send_burst(st, s->tx_port, s->queue, s->buf, s->nb_buf);
		s->nb_buf = 0;
	}
}

static void fwd_loop(struct lcore_conf *lc, struct lcore_stats *st, bool is_main)
{
	const uint16_t burst = (uint16_t)opts.burst;
	const bool mac_updating = opts.mac_updating;
	const unsigned nb_slots = lc->nb_slots;
	struct sl_mbuf *pkts[MAX_BURST];
	uint64_t prev_tsc = sl_tsc();

	while (!quit_requested()) {
		uint64_t now = sl_tsc();

		if (sl_unlikely(now - prev_tsc > drain_tsc)) {
			for (unsigned i = 0; i < nb_slots; i++)
				slot_flush(st, &lc->slots[i]);
			if (is_main)
				control_tick(now);
			prev_tsc = now;
		}
		for (unsigned i = 0; i < nb_slots; i++) {
			struct fwd_slot *s = &lc->slots[i];
			uint16_t nb = sl_eth_rx_burst(s->rx_port, s->queue, pkts, burst);

			if (nb == 0)
				continue;
			sl_counter_add(&st->port[s->rx_port].rx, nb);
			if (mac_updating)
				rewrite_macs(pkts, nb, s->mac_hdr);
			if (s->nb_buf == 0 && nb == burst) {
				/* a full burst with nothing waiting: straight out */
				send_burst(st, s->tx_port, s->queue, pkts, nb);
				continue;
			}
			for (uint16_t j = 0; j < nb; j++) {
				s->buf[s->nb_buf++] = pkts[j];
				if (s->nb_buf == burst)
					slot_flush(st, s);
			}
		}
	}
	/* what is still buffered goes out before the ports stop */
	for (unsigned i = 0; i < nb_slots; i++)
		slot_flush(st, &lc->slots[i]);
}

/* The main lcore when it polls nothing: chores only, without spinning. */
static void control_loop(void)
{
	while (!quit_requested()) {
		control_tick(sl_tsc());
		nanosleep(&(struct timespec){ .tv_nsec = 1000000 }, NULL);
	}
}

static int lcore_main(void *arg)
{
	unsigned lcore = sl_lcore_id();
	struct lcore_conf *lc = &lcore_conf[lcore];
	bool is_main = lcore == sl_get_main_lcore();

	(void)arg;
	if (lc->nb_slots == 0) {
		if (is_main)
			control_loop();
		else
			printf("lcore %u has nothing to do\n", lcore);
		return 0;
	}
	for (unsigned i = 0; i < lc->nb_slots; i++)
		printf("lcore %u: RX port %u queue %u -> TX port %u queue %u\n", lcore,
		       lc->slots[i].rx_port, lc->slots[i].queue, lc->slots[i].tx_port,
		       lc->slots[i].queue);
	fflush(stdout);
	fwd_loop(lc, &lcore_stats[lcore], is_main);
	return 0;
}

/* ---- main ---------------------------------------------------------------- */

static unsigned default_mbufs(void)
{
	unsigned nb_ports = (unsigned)__builtin_popcount(opts.portmask);
	uint64_t n;

	/* every RX and TX ring full, every slot's TX buffer and RX array
	 * full, and every lcore cache full, as DPDK's l2fwd reckons */
	n = (uint64_t)nb_ports * opts.nb_queues * (opts.nb_rxd + opts.nb_txd + 2u * opts.burst) +
	    (uint64_t)nb_lcores * MEMPOOL_CACHE;
	return (unsigned)SL_MAX(n, (uint64_t)MIN_MBUFS);
}

static void summary(uint64_t elapsed_tsc)
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
		if (sl_eth_stats_get(p, &es) < 0)
			continue;
		printf("Port %u driver counters: ipackets %" PRIu64 " opackets %" PRIu64
		       " imissed %" PRIu64 " ierrors %" PRIu64 " oerrors %" PRIu64
		       " rx_nombuf %" PRIu64 "\n",
		       p, es.ipackets, es.opackets, es.imissed, es.ierrors, es.oerrors, es.rx_nombuf);
		/* with several queue pairs: how the port spread the traffic */
		if (opts.nb_queues < 2)
			continue;
		for (unsigned q = 0; q < SL_MIN(opts.nb_queues, SL_ETHDEV_QUEUE_STAT_CNTRS); q++)
			printf("Port %u queue %u: ipackets %" PRIu64 " opackets %" PRIu64 "\n", p, q,
			       es.q_ipackets[q], es.q_opackets[q]);
	}
	printf("Forwarded %" PRIu64 " packets in %.3f s (%.3f Mpps received)\n", rx, seconds,
	       seconds > 0 ? (double)rx / seconds / 1e6 : 0.0);
	fflush(stdout);
}

static void ports_close(void)
{
	for (uint16_t p = 0; p < SL_MAX_ETHPORTS; p++) {
		if (!(opts.portmask & (1u << p)) || !sl_eth_dev_is_valid_port(p))
			continue;
		printf("Closing port %u...", p);
		sl_eth_dev_stop(p);
		sl_eth_dev_close(p);
		printf(" done\n");
	}
}

int main(int argc, char **argv)
{
	unsigned data_room = SL_MBUF_DEFAULT_BUF_SIZE;
	int ret, exit_code = EXIT_FAILURE;
	uint64_t start;

	ret = sl_eal_init(argc, argv);
	if (ret == -EINTR) {		/* EAL -h: it printed its part */
		usage(argv[0]);
		return EXIT_SUCCESS;
	}
	if (ret < 0) {
		fprintf(stderr, "%s: EAL initialisation failed (see above; -h for usage)\n", argv[0]);
		return EXIT_FAILURE;
	}
	argc -= ret;
	argv += ret;
	ret = parse_args(argc, argv);
	if (ret != 0) {
		sl_eal_cleanup();
		return ret > 0 ? EXIT_SUCCESS : EXIT_FAILURE;
	}
	nb_lcores = sl_lcore_count();
	lcore_conf = aligned_alloc(SL_CACHE_LINE_SIZE, nb_lcores * sizeof(*lcore_conf));
	lcore_stats = aligned_alloc(SL_CACHE_LINE_SIZE, nb_lcores * sizeof(*lcore_stats));
	if (lcore_conf == NULL || lcore_stats == NULL) {
		SL_LOG(ERR, L2FWD, "out of memory for %u lcores", nb_lcores);
		goto out;
	}
	memset(lcore_conf, 0, nb_lcores * sizeof(*lcore_conf));
	memset(lcore_stats, 0, nb_lcores * sizeof(*lcore_stats));

	/* Everything a user can get wrong is checked before a port starts. */
	if (sl_eth_dev_count_avail() == 0) {
		SL_LOG(ERR, L2FWD, "no ports: create some with --vdev (e.g. --vdev net_null0 --vdev net_null1) or allow PCI devices with -a");
		goto out;
	}
	if (plan_pairs() < 0 || plan_lcores() < 0 || check_ports() < 0)
		goto out;
	if (opts.mtu != 0)
		data_room = SL_MAX(data_room, SL_PKTMBUF_HEADROOM + opts.mtu + SL_ETHER_HDR_LEN +
						      SL_ETHER_VLAN_HDR_LEN);
	pool = sl_pktmbuf_pool_create("l2fwd_mbufs", opts.nb_mbufs ? opts.nb_mbufs : default_mbufs(),
				      MEMPOOL_CACHE, 0, (uint16_t)data_room, sl_socket_id());
	if (pool == NULL) {
		SL_LOG(ERR, L2FWD, "cannot create the mbuf pool (see above)");
		goto out;
	}
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	printf("MAC updating %s\n", opts.mac_updating ? "enabled" : "disabled");
	for (uint16_t p = 0; p < SL_MAX_ETHPORTS; p++) {
		if (!(opts.portmask & (1u << p)))
			continue;
		if (port_init(p) < 0) {
			SL_LOG(ERR, L2FWD, "port %u could not be set up (see above)", p);
			goto out_ports;
		}
	}
	/* each slot's new header: 02:00:00:00:00:<tx port>, then the TX port's MAC */
	for (unsigned l = 0; l < nb_lcores; l++)
		for (unsigned i = 0; i < lcore_conf[l].nb_slots; i++) {
			struct fwd_slot *s = &lcore_conf[l].slots[i];
			static const uint8_t dst[SL_ETHER_ADDR_LEN] = { 0x02, 0, 0, 0, 0, 0 };

			memcpy(s->mac_hdr, dst, SL_ETHER_ADDR_LEN);
			s->mac_hdr[5] = (uint8_t)s->tx_port;
			memcpy(s->mac_hdr + SL_ETHER_ADDR_LEN, port_mac[s->tx_port].addr_bytes,
			       SL_ETHER_ADDR_LEN);
		}
	wait_links();

	drain_tsc = (sl_tsc_hz() + 999999) / 1000000 * DRAIN_US;
	start = sl_tsc();
	ctl.start_tsc = start;
	ctl.last_print_tsc = start;
	ctl.next_print_tsc = start + (uint64_t)opts.timer_period * sl_tsc_hz();
	if (opts.duration > 0)
		ctl.end_tsc = start + (uint64_t)(opts.duration * (double)sl_tsc_hz());
	if (!quit_requested()) {
		ret = sl_eal_mp_remote_launch(lcore_main, NULL, 1);
		if (ret < 0) {
			SL_LOG(ERR, L2FWD, "cannot launch the lcores: %s", strerror(-ret));
			request_quit();
		}
		sl_eal_mp_wait_lcore();
	}
	ret = __atomic_load_n(&quit_signal, __ATOMIC_RELAXED);
	if (ret != 0)
		printf("\nSignal %d received, stopping\n", ret);
	summary(sl_tsc() - start);
	exit_code = EXIT_SUCCESS;
out_ports:
	ports_close();
	/* with the rings drained every mbuf is back: a leak shows here */
	if (pool != NULL)
		printf("Mbufs in use after closing the ports: %u of %u\n",
		       sl_mempool_in_use_count(pool), pool->size);
out:
	if (pool != NULL)
		sl_mempool_free(pool);
	free(lcore_conf);
	free(lcore_stats);
	sl_eal_cleanup();
	if (exit_code == EXIT_SUCCESS)
		printf("Bye...\n");
	return exit_code;
}
