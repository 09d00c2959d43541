/* SPDX-License-Identifier: BSD-3-Clause
 * sl-responder: answers ARP and ICMP echo (ping) for one IPv4 address on
 * every port it drives, so that a kernel on the other end of the wire can
 * ping a NIC driven by Sluice.
 *
 *   sl-responder -l 0 -a 0000:00:04.0 -- --ip 10.0.0.2
 *   sl-responder --no-huge --vdev net_pcap0,rx_pcap=in.pcap,tx_pcap=out.pcap -- --ip 192.0.2.1
 *
 * One lcore polls every port in turn; a reply leaves through the port its
 * request came in on, with that port's MAC. Everything else is dropped and
 * counted by reason (respond.h); the counters are printed at exit
 * (SIGINT/SIGTERM, --duration, --max-replies), and written as JSON with
 * --stats-json.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sl_eal.h"
#include "sl_parse.h"
#include "sl_ethdev.h"
#include "sl_mbuf.h"

#include "app_common.h"
#include "respond.h"
#include "sl_telemetry.h"

#define BURST 32
#define RING_SIZE 512
#define MBUF_CACHE 128
#define MIN_MBUFS 4095u

struct port_state {
	uint16_t port;
	struct resp_addr us;
	uint64_t rx;
	uint64_t tx_failed;
	uint64_t verdicts[RESP_NB_VERDICTS];
};

static struct {
	uint32_t ip;			/* network byte order */
	char ip_text[INET_ADDRSTRLEN];
	uint32_t portmask;		/* 0: every port */
	double duration;		/* seconds, 0: until a signal */
	uint64_t max_replies;		/* 0: no limit */
	const char *stats_json;
	bool verbose;
	/* --rx-mode: -1 auto (interrupt where every port has RX interrupts,
	 * else poll), 0 poll, 1 interrupt */
	int rx_intr;
} opts;

/* A sleeping responder still wakes this often: signals, --duration. */
#define SLEEP_TIMEOUT_MS 100

static struct port_state ports[SL_MAX_ETHPORTS];
static unsigned nb_ports;
static volatile sig_atomic_t quit_signal;

static void on_signal(int sig)
{
	quit_signal = sig;
}

static void usage(const char *prog)
{
	printf("Usage: %s [EAL options] -- --ip ADDR [options]\n"
	       "\n"
	       "Answers ARP requests for the IPv4 address ADDR and ICMP echo requests (ping)\n"
	       "sent to it, on every port (or those in -p). Replies leave through the port\n"
	       "the request came in on, from that port's MAC. IPv4 and ICMP checksums are\n"
	       "verified on input and computed on output; every other frame is dropped and\n"
	       "counted by reason. The counters are printed at exit.\n"
	       "\n"
	       "  --ip ADDR          the IPv4 address to answer for (required)\n"
	       "  -p PORTMASK        hexadecimal mask of the ports to use (default: all)\n"
	       "  --duration S       stop after S seconds (decimals allowed)\n"
	       "  --max-replies N    stop after N replies (ARP and echo) in total\n"
	       "  --stats-json FILE  write the counters to FILE as JSON at exit\n"
	       "  --rx-mode MODE     interrupt: sleep until a frame comes (the default where\n"
	       "                     every port has RX interrupts: e1000, e1000e, virtio-net),\n"
	       "                     poll: spin on the ports (the default for virtual ports)\n"
	       "  -v, --verbose      one line per reply (slow: for demos and debugging)\n"
	       "  -h, --help         this text\n"
	       "\n"
	       "SIGINT or SIGTERM stops it; the counters follow and the ports are closed.\n"
	       "\n"
	       "Examples:\n"
	       "  %s -l 0 -a 0000:00:04.0 -- --ip 10.0.0.2\n"
	       "      then, from the machine cabled to that NIC: ping 10.0.0.2\n"
	       "  %s -l 0 --no-huge --vdev net_af_packet0,iface=veth1 -- --ip 10.9.0.2 -v\n"
	       "  %s --no-huge --vdev net_pcap0,rx_pcap=requests.pcap,tx_pcap=replies.pcap \\\n"
	       "      -- --ip 192.0.2.1 --duration 1\n",
	       prog, prog, prog, prog);
}

/* After the EAL's -h text: a blank line, then ours. */
static void eal_help(const char *prog)
{
	printf("\n");
	usage(prog);
}

#define LONG_OPTS(X)                                 \
	X(IP, "ip", required_argument)                 \
	X(DURATION, "duration", required_argument)     \
	X(MAX_REPLIES, "max-replies", required_argument) \
	X(STATS_JSON, "stats-json", required_argument) \
	X(RX_MODE, "rx-mode", required_argument)

enum { OPT_BELOW_LONG_ = 255, LONG_OPTS(APP_OPT_ID) };

static const struct option long_opts[] = {
	LONG_OPTS(APP_OPT_ENTRY)
	{ "verbose", no_argument, NULL, 'v' },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

#define ARG_ERROR(...) return app_arg_error("RESPONDER", __VA_ARGS__)

/* 0, 1 after -h, or -EINVAL after one message. */
static int parse_args(int argc, char **argv)
{
	struct in_addr addr;
	uint64_t v;
	int opt;

	optind = 0;	/* a fresh scan: the EAL used getopt before us */
	opts.rx_intr = -1;
	while ((opt = getopt_long(argc, argv, "+:p:vh", long_opts, NULL)) != -1) {
		switch (opt) {
		case OPT_IP:
			if (inet_pton(AF_INET, optarg, &addr) != 1)
				ARG_ERROR("--ip '%s' is not an IPv4 address: write it like --ip 10.0.0.2",
					  optarg);
			opts.ip = addr.s_addr;
			break;
		case 'p':
			if (sl_parse_uint(optarg, SL_PARSE_MASK, 1, UINT32_MAX, &v) < 0)
				ARG_ERROR("-p '%s' is not a port mask: give hexadecimal with at least one "
					  "bit set, up to 0xffffffff, e.g. -p 0x1", optarg);
			opts.portmask = (uint32_t)v;
			break;
		case OPT_DURATION:
			if (sl_parse_real(optarg, 0, 1e9, &opts.duration) < 0 || !(opts.duration > 0) ||
			    opts.duration >= 1e9)
				ARG_ERROR("--duration '%s' is not a number of seconds above 0 and below 1e9, "
					  "e.g. --duration 2.5", optarg);
			break;
		case OPT_MAX_REPLIES:
			if (sl_parse_uint(optarg, 0, 1, UINT64_MAX, &opts.max_replies) < 0)
				ARG_ERROR("--max-replies '%s' is not a count in 1..%" PRIu64
					  ", e.g. --max-replies 20", optarg, UINT64_MAX);
			break;
		case OPT_STATS_JSON:
			opts.stats_json = optarg;
			break;
		case OPT_RX_MODE:
			if (strcmp(optarg, "poll") != 0 && strcmp(optarg, "interrupt") != 0)
				ARG_ERROR("--rx-mode '%s': poll or interrupt (default: interrupt where "
					  "the ports have it)", optarg);
			opts.rx_intr = strcmp(optarg, "interrupt") == 0;
			break;
		case 'v':
			opts.verbose = true;
			break;
		case 'h':
			usage(argv[0]);
			return 1;
		default:
			return app_getopt_error("RESPONDER", opt, argv,
						"see -h; EAL options go before --");
		}
	}
	if (app_check_no_operands("RESPONDER", argc, argv, "see -h") < 0)
		return -EINVAL;
	if (opts.ip == 0)
		ARG_ERROR("no address to answer for: give one with --ip, e.g. -- --ip 10.0.0.2");
	inet_ntop(AF_INET, &opts.ip, opts.ip_text, sizeof(opts.ip_text));
	return 0;
}

static int port_init(struct port_state *ps, struct sl_mempool *pool)
{
	uint16_t port = ps->port;
	char mac[SL_ETHER_ADDR_FMT_SIZE];
	int ret;

	ret = sl_eth_dev_configure(port, 1, 1, &(struct sl_eth_conf){
						       .intr_conf.rxq = opts.rx_intr == 1 });
	if (ret == 0)
		ret = sl_eth_rx_queue_setup(port, 0, RING_SIZE, sl_eth_dev_socket_id(port), NULL, pool);
	if (ret == 0)
		ret = sl_eth_tx_queue_setup(port, 0, RING_SIZE, sl_eth_dev_socket_id(port), NULL);
	if (ret == 0)
		ret = sl_eth_dev_start(port);
	if (ret < 0) {
		SL_LOG(ERR, RESPONDER, "port %u (%s) did not start (see above)", port,
		       sl_eth_dev_name(port));
		return ret;
	}
	ps->us.ip = opts.ip;
	sl_eth_macaddr_get(port, &ps->us.mac);
	sl_ether_format_addr(mac, sizeof(mac), &ps->us.mac);
	printf("Port %u (%s): %s is at %s\n", port, sl_eth_dev_name(port), opts.ip_text, mac);
	return 0;
}

static void log_reply(const struct port_state *ps, const struct sl_mbuf *m, enum resp_verdict v)
{
	const struct sl_ether_hdr *eth = sl_pktmbuf_mtod(m, const struct sl_ether_hdr *);
	char peer[INET_ADDRSTRLEN], mac[SL_ETHER_ADDR_FMT_SIZE];

	sl_ether_format_addr(mac, sizeof(mac), &eth->dst_addr);
	if (v == RESP_ARP_REPLY) {
		const struct sl_arp_hdr *arp = (const struct sl_arp_hdr *)(eth + 1);

		inet_ntop(AF_INET, arp->arp_tip, peer, sizeof(peer));
		printf("port %u: ARP reply to %s (%s)\n", ps->port, peer, mac);
	} else {
		const struct sl_ipv4_hdr *ip = (const struct sl_ipv4_hdr *)(eth + 1);
		const struct sl_icmp_hdr *icmp =
			(const struct sl_icmp_hdr *)((const uint8_t *)ip + sl_ipv4_hdr_len(ip));
		uint32_t dst = ip->dst_addr;

		inet_ntop(AF_INET, &dst, peer, sizeof(peer));
		printf("port %u: echo reply to %s id %u seq %u, %u bytes\n", ps->port, peer,
		       sl_be16(icmp->icmp_ident), sl_be16(icmp->icmp_seq_nb), sl_be16(ip->total_length));
	}
	fflush(stdout);
}

/* One pass over one port: receive a burst, answer what is ours in place,
 * send the replies back out of the same port. Returns replies sent. */
static unsigned poll_port(struct port_state *ps)
{
	struct sl_mbuf *pkts[BURST], *replies[BURST];
	uint16_t nb_rx, nb_replies = 0, nb_tx;

	nb_rx = sl_eth_rx_burst(ps->port, 0, pkts, BURST);
	if (nb_rx == 0)
		return 0;
	ps->rx += nb_rx;
	for (uint16_t i = 0; i < nb_rx; i++) {
		enum resp_verdict v = resp_handle(pkts[i], &ps->us);

		ps->verdicts[v]++;
		if (v == RESP_ARP_REPLY || v == RESP_ECHO_REPLY) {
			if (opts.verbose)
				log_reply(ps, pkts[i], v);
			replies[nb_replies++] = pkts[i];
		} else {
			sl_pktmbuf_free(pkts[i]);
		}
	}
	if (nb_replies == 0)
		return 0;
	nb_tx = sl_eth_tx_burst(ps->port, 0, replies, nb_replies);
	if (nb_tx < nb_replies) {
		/* A full TX ring: the asker will retry (ping and ARP both do). */
		sl_pktmbuf_free_bulk(&replies[nb_tx], nb_replies - nb_tx);
		ps->tx_failed += (uint64_t)(nb_replies - nb_tx);
	}
	return nb_tx;
}

/* --rx-mode: what auto becomes, checked against every port. 0, or
 * -ENOTSUP after one line. */
static int rx_mode_choose(void)
{
	bool all = true;

	for (unsigned i = 0; i < nb_ports; i++) {
		struct sl_eth_dev_info info;

		if (sl_eth_dev_info_get(ports[i].port, &info) < 0 ||
		    !(info.intr_capa & SL_ETH_INTR_RXQ)) {
			all = false;
			if (opts.rx_intr == 1) {
				SL_LOG(ERR, RESPONDER, "--rx-mode interrupt: port %u (%s) has no RX "
						       "interrupts: use --rx-mode poll",
				       ports[i].port, sl_eth_dev_name(ports[i].port));
				return -ENOTSUP;
			}
		}
	}
	if (opts.rx_intr == -1)
		opts.rx_intr = all;
	return 0;
}

/* Every port's queue armed, asleep until one has a frame (or the timeout),
 * disarmed again. */
static void ports_sleep(int timeout_ms)
{
	int fds[SL_MAX_ETHPORTS];

	for (unsigned i = 0; i < nb_ports; i++) {
		sl_eth_dev_rx_intr_enable(ports[i].port, 0);
		fds[i] = sl_eth_dev_rx_intr_fd(ports[i].port, 0);
	}
	sl_eal_wait_fds(fds, nb_ports, timeout_ms);
	for (unsigned i = 0; i < nb_ports; i++)
		sl_eth_dev_rx_intr_disable(ports[i].port, 0);
}

static void respond_loop(void)
{
	uint64_t hz = sl_tsc_hz(), start = sl_tsc();
	uint64_t deadline = opts.duration > 0 ? start + (uint64_t)(opts.duration * (double)hz) : 0;
	uint64_t replies = 0, rx_before;
	unsigned idle = 0;

	while (!quit_signal) {
		unsigned sent = 0;

		rx_before = 0;
		for (unsigned i = 0; opts.rx_intr == 1 && i < nb_ports; i++)
			rx_before += ports[i].rx;
		for (unsigned i = 0; i < nb_ports; i++)
			sent += poll_port(&ports[i]);
		replies += sent;
		if (opts.max_replies != 0 && replies >= opts.max_replies)
			break;
		if (opts.rx_intr == 1) {
			uint64_t rx_after = 0, now;

			for (unsigned i = 0; i < nb_ports; i++)
				rx_after += ports[i].rx;
			if (rx_after != rx_before)
				continue;
			now = sl_tsc();
			if (deadline != 0 && now >= deadline)
				break;
			ports_sleep(deadline == 0 ? SLEEP_TIMEOUT_MS
				    : (int)SL_MIN((uint64_t)SLEEP_TIMEOUT_MS,
						  (deadline - now) * 1000 / hz + 1));
			continue;
		}
		/* Reading the TSC on every empty pass costs nothing worth
		 * saving; checking every 1024th keeps the loop tight anyway. */
		if (deadline != 0 && (sent != 0 || (++idle & 1023) == 0) && sl_tsc() >= deadline)
			break;
	}
}

static void print_stats(void)
{
	printf("\nsl-responder statistics for %s\n", opts.ip_text);
	for (unsigned i = 0; i < nb_ports; i++) {
		const struct port_state *ps = &ports[i];
		struct sl_eth_stats st;
		uint64_t dropped = 0;

		for (int v = RESP_NOT_FOR_US; v < RESP_NB_VERDICTS; v++)
			dropped += ps->verdicts[v];
		printf("Port %u (%s): received %" PRIu64 ", answered %" PRIu64 " ARP + %" PRIu64
		       " echo, dropped %" PRIu64 " (not for us %" PRIu64 ", unsupported %" PRIu64
		       ", malformed %" PRIu64 ", bad IP checksum %" PRIu64 ", bad ICMP checksum %" PRIu64
		       "), replies lost to a full TX ring %" PRIu64 "\n",
		       ps->port, sl_eth_dev_name(ps->port), ps->rx, ps->verdicts[RESP_ARP_REPLY],
		       ps->verdicts[RESP_ECHO_REPLY], dropped, ps->verdicts[RESP_NOT_FOR_US],
		       ps->verdicts[RESP_UNSUPPORTED], ps->verdicts[RESP_MALFORMED],
		       ps->verdicts[RESP_BAD_IP_CKSUM], ps->verdicts[RESP_BAD_ICMP_CKSUM], ps->tx_failed);
		app_print_driver_counters(ps->port, &st);
	}
	fflush(stdout);
}

static int write_stats_json(const char *path)
{
	FILE *f = app_create_file(path, "w");

	if (f == NULL) {
		SL_LOG(ERR, RESPONDER, "cannot write --stats-json %s: %s; give a writable path", path,
		       strerror(errno));
		return -errno;
	}
	fprintf(f, "{\"ip\": \"%s\", \"ports\": [", opts.ip_text);
	for (unsigned i = 0; i < nb_ports; i++) {
		const struct port_state *ps = &ports[i];
		char mac[SL_ETHER_ADDR_FMT_SIZE];
		struct sl_eth_stats st = { 0 };

		sl_ether_format_addr(mac, sizeof(mac), &ps->us.mac);
		sl_eth_stats_get(ps->port, &st);
		fprintf(f, "%s\n  {\"port\": %u, \"name\": \"%s\", \"mac\": \"%s\", \"rx\": %" PRIu64
			", \"tx_failed\": %" PRIu64 ", \"ipackets\": %" PRIu64 ", \"opackets\": %" PRIu64,
			i ? "," : "", ps->port, sl_eth_dev_name(ps->port), mac, ps->rx, ps->tx_failed,
			st.ipackets, st.opackets);
		for (int v = 0; v < RESP_NB_VERDICTS; v++)
			fprintf(f, ", \"%s\": %" PRIu64, resp_verdict_names[v], ps->verdicts[v]);
		fprintf(f, "}");
	}
	fprintf(f, "\n]}\n");
	if (fclose(f) != 0) {
		SL_LOG(ERR, RESPONDER, "cannot write --stats-json %s: %s", path, strerror(errno));
		return -EIO;
	}
	return 0;
}

/* The ports -p names (every port without -p); -ENODEV after one message. */
static int select_ports(void)
{
	uint32_t existing = 0;
	uint16_t p;

	SL_ETH_FOREACH_DEV(p) {
		if (p < 32)
			existing |= 1u << p;
		if (opts.portmask == 0 || (p < 32 && (opts.portmask & (1u << p))))
			ports[nb_ports++].port = p;
	}
	if (existing == 0) {
		SL_LOG(ERR, RESPONDER, "no port to answer on: give a NIC bound to vfio-pci with "
		       "-a <PCI address>, or a virtual port, e.g. --vdev net_af_packet0,iface=eth1");
		return -ENODEV;
	}
	if (opts.portmask & ~existing) {
		SL_LOG(ERR, RESPONDER, "-p 0x%x names port %d, which does not exist (ports here: "
		       "0x%x): fix -p or add the device with -a/--vdev", opts.portmask,
		       __builtin_ctz(opts.portmask & ~existing), existing);
		return -ENODEV;
	}
	return 0;
}

/* /responder/stats: per port what print_stats shows at the end. */
static int tel_stats(const char *cmd, const char *params, struct sl_tel_json *j)
{
	char key[16];

	(void)cmd;
	(void)params;
	sl_tel_obj_begin(j, NULL);
	for (unsigned i = 0; i < nb_ports; i++) {
		const struct port_state *ps = &ports[i];

		snprintf(key, sizeof(key), "%u", ps->port);
		sl_tel_obj_begin(j, key);
		sl_tel_u64(j, "rx", __atomic_load_n(&ps->rx, __ATOMIC_RELAXED));
		sl_tel_u64(j, "tx_failed", __atomic_load_n(&ps->tx_failed, __ATOMIC_RELAXED));
		for (unsigned v = 0; v < RESP_NB_VERDICTS; v++)
			sl_tel_u64(j, resp_verdict_names[v],
				   __atomic_load_n(&ps->verdicts[v], __ATOMIC_RELAXED));
		sl_tel_obj_end(j);
	}
	sl_tel_obj_end(j);
	return 0;
}

int main(int argc, char **argv)
{
	struct sl_mempool *pool = NULL;
	unsigned nb_mbufs;
	int ret;

	if (!app_start(argc, argv, eal_help, parse_args, &ret))
		return ret;	/* the exit code */
	if (select_ports() < 0) {
		sl_eal_cleanup();
		return EXIT_FAILURE;
	}
	sl_telemetry_register_cmd("/responder/stats", tel_stats,
				  "sl-responder's counters per port: rx, replies by kind, drops by "
				  "reason. Takes no parameters");

	/* Each port's RX ring full, a burst in flight and the lcore cache. */
	nb_mbufs = SL_MAX(MIN_MBUFS, nb_ports * (RING_SIZE + BURST) + MBUF_CACHE);
	pool = sl_pktmbuf_pool_create("responder_mbufs", nb_mbufs, MBUF_CACHE, 0,
				      SL_MBUF_DEFAULT_BUF_SIZE, sl_socket_id());
	ret = pool == NULL ? -ENOMEM : rx_mode_choose();
	for (unsigned i = 0; i < nb_ports && ret == 0; i++)
		ret = port_init(&ports[i], pool);
	if (ret == 0) {
		signal(SIGINT, on_signal);
		signal(SIGTERM, on_signal);
		printf("Answering ARP and ICMP echo for %s on %u port%s on lcore %u (%s). Ctrl-C to "
		       "stop.\n",
		       opts.ip_text, nb_ports, nb_ports == 1 ? "" : "s", sl_lcore_id(),
		       opts.rx_intr ? "RX on interrupts: asleep while no frame comes" : "polling");
		if (sl_lcore_count() > 1)
			printf("Note: only the main lcore works; the others stay idle.\n");
		fflush(stdout);
		respond_loop();
		if (quit_signal)
			printf("\nSignal %d received, stopping\n", (int)quit_signal);
		print_stats();
		if (opts.stats_json != NULL && write_stats_json(opts.stats_json) < 0)
			ret = -EIO;
	}

	for (unsigned i = 0; i < nb_ports; i++) {
		sl_eth_dev_stop(ports[i].port);
		sl_eth_dev_close(ports[i].port);
	}
	sl_mempool_free(pool);
	sl_eal_cleanup();
	return ret < 0 ? EXIT_FAILURE : EXIT_SUCCESS;
}
