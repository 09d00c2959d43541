/* SPDX-License-Identifier: BSD-3-Clause
 * virtio_fwd: the virtio guest test's forwarder. With two ports every frame
 * received on port p leaves unchanged on port p ^ 1; with one port it goes
 * back out of the port it came in on. One lcore, every queue of every port.
 *
 *   virtio_fwd EAL-OPTIONS -- [--ctl DIR] [--stats FILE] [--timeout S]
 *              [--mtu N] [--mbuf-size N] [--scatter] [--promisc] [--pool N]
 *
 * The host drives it through files in DIR (the shared results directory):
 *   ready            created once forwarding runs
 *   stop             the host asks it to write --stats and exit
 *   promisc_on|off   the host asks for a receive mode (all ports); the
 *                    forwarder answers with promisc_on.done / promisc_off.done
 *                    (or .failed) once the device took it
 *   link<P>_up|down  created by the forwarder whenever port P's link state
 *                    changes (the first state it sees counts as a change)
 * --mbuf-size is the data room after the headroom (default 2048): with a
 * larger --mtu frames arrive as chains and leave as chains. The statistics
 * JSON holds the ports' counters, the frames forwarded and how many were
 * chains (and the longest chain). */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sl_eal.h"
#include "sl_ethdev.h"
#include "sl_mbuf.h"

#define BURST 32
#define MAX_PORTS 4
#define MAX_QUEUES 8

struct opts {
	const char *ctl;
	const char *stats;
	unsigned timeout;
	unsigned mtu;
	unsigned mbuf_size;
	unsigned pool;
	int scatter;
	int promisc;
};

static int parse_app_args(int argc, char **argv, struct opts *o)
{
	static const struct option longopts[] = {
		{ "ctl", required_argument, NULL, 'c' },
		{ "stats", required_argument, NULL, 'S' },
		{ "timeout", required_argument, NULL, 't' },
		{ "mtu", required_argument, NULL, 'm' },
		{ "mbuf-size", required_argument, NULL, 'b' },
		{ "pool", required_argument, NULL, 'p' },
		{ "scatter", no_argument, NULL, 's' },
		{ "promisc", no_argument, NULL, 'P' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	optind = 1;
	while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		switch (c) {
		case 'c':
			o->ctl = optarg;
			break;
		case 'S':
			o->stats = optarg;
			break;
		case 't':
			o->timeout = (unsigned)strtoul(optarg, NULL, 0);
			break;
		case 'm':
			o->mtu = (unsigned)strtoul(optarg, NULL, 0);
			break;
		case 'b':
			o->mbuf_size = (unsigned)strtoul(optarg, NULL, 0);
			break;
		case 'p':
			o->pool = (unsigned)strtoul(optarg, NULL, 0);
			break;
		case 's':
			o->scatter = 1;
			break;
		case 'P':
			o->promisc = 1;
			break;
		default:
			fprintf(stderr, "usage: virtio_fwd EAL-OPTIONS -- [--ctl DIR] [--stats FILE] "
					"[--timeout S] [--mtu N] [--mbuf-size N] [--pool N] [--scatter] "
					"[--promisc]\n");
			return -EINVAL;
		}
	}
	return 0;
}

static const struct opts *g_opts;

static char *ctl_path(const char *name)
{
	static char buf[4096];

	snprintf(buf, sizeof(buf), "%s/%s", g_opts->ctl ? g_opts->ctl : ".", name);
	return buf;
}

static void touch(const char *name)
{
	FILE *f = fopen(ctl_path(name), "w");

	if (f != NULL)
		fclose(f);
}

static int exists(const char *name)
{
	return g_opts->ctl != NULL && access(ctl_path(name), F_OK) == 0;
}

static int port_setup(uint16_t port, struct sl_mempool *mp, const struct opts *o,
		      uint16_t *nb_queues)
{
	struct sl_eth_conf conf;
	struct sl_eth_dev_info info;
	uint16_t q, nq;
	int ret;

	memset(&conf, 0, sizeof(conf));
	ret = sl_eth_dev_info_get(port, &info);
	if (ret < 0)
		return ret;
	nq = (uint16_t)SL_MIN(info.max_rx_queues, MAX_QUEUES);
	conf.rxmode.mtu = o->mtu;
	if (o->scatter)
		conf.rxmode.offloads |= SL_ETH_RX_OFFLOAD_SCATTER;
	ret = sl_eth_dev_configure(port, nq, nq, &conf);
	for (q = 0; ret == 0 && q < nq; q++) {
		ret = sl_eth_rx_queue_setup(port, q, info.rx_desc_lim.nb_max, SL_SOCKET_ID_ANY, NULL,
					    mp);
		if (ret == 0)
			ret = sl_eth_tx_queue_setup(port, q, info.tx_desc_lim.nb_max,
						    SL_SOCKET_ID_ANY, NULL);
	}
	if (ret == 0 && o->promisc)
		ret = sl_eth_promiscuous_enable(port);
	if (ret == 0)
		ret = sl_eth_dev_start(port);
	if (ret < 0)
		fprintf(stderr, "virtio_fwd: port %u setup failed: %s\n", port, strerror(-ret));
	*nb_queues = nq;
	return ret;
}

static void write_stats(const char *path, uint16_t nb_ports, uint64_t forwarded, uint64_t tx_drop,
			uint64_t chained, unsigned max_segs)
{
	char tmp[4096];
	FILE *f;
	uint16_t p;

	/* written whole under another name, then renamed: the host never
	 * reads half a file over 9p */
	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	f = fopen(tmp, "w");
	if (f == NULL) {
		fprintf(stderr, "virtio_fwd: cannot write %s: %s\n", tmp, strerror(errno));
		return;
	}
	fprintf(f, "{\"forwarded\": %" PRIu64 ", \"tx_dropped\": %" PRIu64 ", \"chained\": %" PRIu64
		   ", \"max_segs\": %u, \"ports\": [",
		forwarded, tx_drop, chained, max_segs);
	for (p = 0; p < nb_ports; p++) {
		struct sl_eth_stats st;
		struct sl_ether_addr mac;
		struct sl_eth_link link;
		char macs[SL_ETHER_ADDR_FMT_SIZE];
		uint16_t mtu = 0;

		memset(&st, 0, sizeof(st));
		sl_eth_stats_get(p, &st);
		sl_eth_macaddr_get(p, &mac);
		sl_eth_link_get_nowait(p, &link);
		sl_eth_dev_get_mtu(p, &mtu);
		sl_ether_format_addr(macs, sizeof(macs), &mac);
		fprintf(f,
			"%s{\"port\": %u, \"name\": \"%s\", \"mac\": \"%s\", \"link\": %u, "
			"\"mtu\": %u, \"promisc\": %d, \"ipackets\": %" PRIu64
			", \"opackets\": %" PRIu64 ", \"ibytes\": %" PRIu64 ", \"obytes\": %" PRIu64
			", \"imissed\": %" PRIu64 ", \"ierrors\": %" PRIu64 ", \"oerrors\": %" PRIu64
			", \"rx_nombuf\": %" PRIu64 "}",
			p ? ", " : "", p, sl_eth_dev_name(p), macs, link.link_status, mtu,
			sl_eth_promiscuous_get(p), st.ipackets, st.opackets, st.ibytes, st.obytes,
			st.imissed, st.ierrors, st.oerrors, st.rx_nombuf);
	}
	fprintf(f, "]}\n");
	fclose(f);
	if (rename(tmp, path) < 0)
		fprintf(stderr, "virtio_fwd: cannot rename %s: %s\n", tmp, strerror(errno));
}

/* The host's receive-mode requests: applied to every port, answered. */
static void handle_commands(uint16_t nb_ports)
{
	static const char *const cmds[] = { "promisc_on", "promisc_off" };
	char done[64];
	unsigned i;

	for (i = 0; i < SL_DIM(cmds); i++) {
		int ret = 0;
		uint16_t p;

		if (!exists(cmds[i]))
			continue;
		unlink(ctl_path(cmds[i]));
		for (p = 0; p < nb_ports && ret == 0; p++)
			ret = i == 0 ? sl_eth_promiscuous_enable(p) : sl_eth_promiscuous_disable(p);
		printf("virtio_fwd: %s: %s\n", cmds[i], ret == 0 ? "done" : strerror(-ret));
		fflush(stdout);
		snprintf(done, sizeof(done), "%s.%s", cmds[i], ret == 0 ? "done" : "failed");
		touch(done);
	}
}

static void watch_links(uint16_t nb_ports, int *last)
{
	uint16_t p;

	for (p = 0; p < nb_ports; p++) {
		struct sl_eth_link link;
		char name[32];

		if (sl_eth_link_get_nowait(p, &link) < 0 || (int)link.link_status == last[p])
			continue;
		last[p] = link.link_status;
		printf("virtio_fwd: port %u link %s\n", p, link.link_status ? "up" : "down");
		fflush(stdout);
		snprintf(name, sizeof(name), "link%u_%s", p, link.link_status ? "up" : "down");
		touch(name);
	}
}

int main(int argc, char **argv)
{
	struct opts o = { .timeout = 600, .mbuf_size = 2048, .pool = 8191 };
	struct sl_mbuf *pkts[BURST];
	struct sl_mempool *mp;
	uint64_t forwarded = 0, tx_drop = 0, chained = 0, next_check, deadline;
	uint16_t nb_ports, p, nq[MAX_PORTS];
	unsigned max_segs = 0;
	int last_link[MAX_PORTS], ret;

	ret = sl_eal_init(argc, argv);
	if (ret < 0)
		return 1;
	argc -= ret;
	argv += ret;
	if (parse_app_args(argc, argv, &o) < 0) {
		sl_eal_cleanup();
		return 2;
	}
	g_opts = &o;
	nb_ports = sl_eth_dev_count_avail();
	if (nb_ports < 1 || nb_ports > 2) {
		fprintf(stderr, "virtio_fwd: needs 1 or 2 ports, found %u\n", nb_ports);
		sl_eal_cleanup();
		return 1;
	}
	mp = sl_pktmbuf_pool_create("virtio_fwd_pool", o.pool, 256, 0,
				    (uint16_t)(o.mbuf_size + SL_PKTMBUF_HEADROOM), SL_SOCKET_ID_ANY);
	if (mp == NULL) {
		sl_eal_cleanup();
		return 1;
	}
	for (p = 0; p < nb_ports; p++) {
		if (port_setup(p, mp, &o, &nq[p]) < 0) {
			sl_eal_cleanup();
			return 1;
		}
		last_link[p] = -1;
		printf("virtio_fwd: port %u (%s): %u queue pair(s)\n", p, sl_eth_dev_name(p), nq[p]);
	}
	watch_links(nb_ports, last_link);
	touch("ready");
	printf("virtio_fwd: forwarding\n");
	fflush(stdout);

	next_check = sl_tsc() + sl_tsc_hz() / 20;
	deadline = sl_tsc() + (uint64_t)o.timeout * sl_tsc_hz();
	for (;;) {
		for (p = 0; p < nb_ports; p++) {
			uint16_t out = nb_ports == 2 ? p ^ 1 : p;

			for (uint16_t q = 0; q < nq[p]; q++) {
				uint16_t n = sl_eth_rx_burst(p, q, pkts, BURST), sent, i;

				if (n == 0)
					continue;
				for (i = 0; i < n; i++) {
					if (pkts[i]->nb_segs > 1)
						chained++;
					if (pkts[i]->nb_segs > max_segs)
						max_segs = pkts[i]->nb_segs;
				}
				sent = sl_eth_tx_burst(out, q < nq[out] ? q : 0, pkts, n);
				forwarded += sent;
				if (sent < n) {
					tx_drop += n - sent;
					sl_pktmbuf_free_bulk(pkts + sent, n - sent);
				}
			}
		}
		if (sl_tsc() >= next_check) {
			next_check = sl_tsc() + sl_tsc_hz() / 20;
			if (exists("stop"))
				break;
			handle_commands(nb_ports);
			watch_links(nb_ports, last_link);
			if (sl_tsc() >= deadline) {
				fprintf(stderr, "virtio_fwd: timeout after %u s\n", o.timeout);
				break;
			}
		}
	}
	if (o.stats != NULL)
		write_stats(o.stats, nb_ports, forwarded, tx_drop, chained, max_segs);
	printf("virtio_fwd: forwarded %" PRIu64 " (%" PRIu64 " chained, longest %u segments), "
	       "dropped on TX %" PRIu64 "\n",
	       forwarded, chained, max_segs, tx_drop);
	for (p = 0; p < nb_ports; p++) {
		sl_eth_dev_stop(p);
		sl_eth_dev_close(p);
	}
	sl_mempool_free(mp);
	sl_eal_cleanup();
	return 0;
}
