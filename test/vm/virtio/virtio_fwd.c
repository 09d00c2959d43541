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
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "fwd_common.h"

#define PROG "virtio_fwd"
#define BURST 32
#define MAX_PORTS 2
#define MAX_QUEUES 8

static const char *ctl_dir = ".";

static char *ctl_path(const char *name)
{
	static char buf[4096];

	snprintf(buf, sizeof(buf), "%s/%s", ctl_dir, name);
	return buf;
}

static void write_stats(const char *path, uint16_t nb_ports, const struct fwd_counts *c,
			uint64_t chained, unsigned max_segs)
{
	FILE *f = fwd_json_open(PROG, path);

	if (f == NULL)
		return;
	fprintf(f, "{\"forwarded\": %" PRIu64 ", \"tx_dropped\": %" PRIu64 ", \"chained\": %" PRIu64
		   ", \"max_segs\": %u, ",
		c->tx, c->tx_dropped, chained, max_segs);
	fwd_json_ports(f, nb_ports);
	fprintf(f, "}\n");
	fwd_json_close(PROG, f, path);
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

		if (!fwd_file_exists(ctl_path(cmds[i])))
			continue;
		unlink(ctl_path(cmds[i]));
		for (p = 0; p < nb_ports && ret == 0; p++)
			ret = i == 0 ? sl_eth_promiscuous_enable(p) : sl_eth_promiscuous_disable(p);
		printf(PROG ": %s: %s\n", cmds[i], ret == 0 ? "done" : strerror(-ret));
		fflush(stdout);
		snprintf(done, sizeof(done), "%s.%s", cmds[i], ret == 0 ? "done" : "failed");
		fwd_touch(ctl_path(done));
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
		printf(PROG ": port %u link %s\n", p, link.link_status ? "up" : "down");
		fflush(stdout);
		snprintf(name, sizeof(name), "link%u_%s", p, link.link_status ? "up" : "down");
		fwd_touch(ctl_path(name));
	}
}

int main(int argc, char **argv)
{
	unsigned timeout = 600, mtu = 0, mbuf_size = 2048, pool_size = 8191;
	int scatter = 0, promisc = 0;
	const char *ctl = NULL, *stats = NULL;
	const struct fwd_opt opts[] = {
		FWD_STRING("ctl", &ctl, "DIR"),
		FWD_STRING("stats", &stats, "FILE"),
		FWD_UINT("timeout", &timeout, "S", 0, 1u << 24),
		FWD_UINT("mtu", &mtu, "N", 0, 65535),
		FWD_UINT("mbuf-size", &mbuf_size, "N", 64, 65535 - SL_PKTMBUF_HEADROOM),
		FWD_UINT("pool", &pool_size, "N", 1, 1u << 24),
		FWD_FLAG("scatter", &scatter),
		FWD_FLAG("promisc", &promisc),
	};
	struct fwd_port_conf pconf[MAX_PORTS];
	struct sl_eth_conf conf;
	struct fwd_counts fwd = { 0, 0 };
	struct sl_mbuf *pkts[BURST];
	struct sl_mempool *mp;
	struct fwd_clock clock;
	uint64_t chained = 0;
	uint16_t nb_ports, p;
	unsigned max_segs = 0;
	int last_link[MAX_PORTS], ret;

	ret = fwd_init(PROG, argc, argv, opts, SL_DIM(opts));
	if (ret != 0)
		return ret;
	if (ctl != NULL)
		ctl_dir = ctl;
	nb_ports = fwd_ports_available(PROG, 1, MAX_PORTS, false);
	if (nb_ports == 0) {
		sl_eal_cleanup();
		return 1;
	}
	mp = sl_pktmbuf_pool_create("virtio_fwd_pool", pool_size, 256, 0,
				    (uint16_t)(mbuf_size + SL_PKTMBUF_HEADROOM), SL_SOCKET_ID_ANY);
	if (mp == NULL) {
		sl_eal_cleanup();
		return 1;
	}
	memset(&conf, 0, sizeof(conf));
	conf.rxmode.mtu = mtu;
	if (scatter)
		conf.rxmode.offloads |= SL_ETH_RX_OFFLOAD_SCATTER;
	for (p = 0; p < nb_ports; p++) {
		struct sl_eth_dev_info info;

		/* every queue the device has (up to 8), rings as long as it takes */
		if (sl_eth_dev_info_get(p, &info) < 0) {
			sl_eal_cleanup();
			return 1;
		}
		pconf[p] = (struct fwd_port_conf){
			.nb_queues = (uint16_t)SL_MIN(info.max_rx_queues, MAX_QUEUES),
			.nb_rxd = info.rx_desc_lim.nb_max,
			.nb_txd = info.tx_desc_lim.nb_max,
			.conf = &conf,
			.promisc = promisc != 0,
		};
		if (fwd_port_setup(PROG, p, mp, &pconf[p]) < 0) {
			sl_eal_cleanup();
			return 1;
		}
		last_link[p] = -1;
		printf(PROG ": port %u (%s): %u queue pair(s)\n", p, sl_eth_dev_name(p),
		       pconf[p].nb_queues);
	}
	watch_links(nb_ports, last_link);
	fwd_touch(ctl_path("ready"));
	printf(PROG ": forwarding\n");
	fflush(stdout);

	fwd_clock_start(&clock, 50, timeout);
	for (;;) {
		for (p = 0; p < nb_ports; p++) {
			uint16_t out = nb_ports == 2 ? p ^ 1 : p;

			for (uint16_t q = 0; q < pconf[p].nb_queues; q++) {
				uint16_t n = sl_eth_rx_burst(p, q, pkts, BURST), i;

				if (n == 0)
					continue;
				for (i = 0; i < n; i++) {
					if (pkts[i]->nb_segs > 1)
						chained++;
					if (pkts[i]->nb_segs > max_segs)
						max_segs = pkts[i]->nb_segs;
				}
				fwd_send(out, q < pconf[out].nb_queues ? q : 0, pkts, n, &fwd);
			}
		}
		if (!fwd_clock_tick(&clock))
			continue;
		if (ctl != NULL && fwd_file_exists(ctl_path("stop")))
			break;
		if (ctl != NULL)
			handle_commands(nb_ports);
		watch_links(nb_ports, last_link);
		if (fwd_clock_expired(&clock)) {
			fprintf(stderr, PROG ": timeout after %u s\n", timeout);
			break;
		}
	}
	if (stats != NULL)
		write_stats(stats, nb_ports, &fwd, chained, max_segs);
	printf(PROG ": forwarded %" PRIu64 " (%" PRIu64 " chained, longest %u segments), "
	       "dropped on TX %" PRIu64 "\n",
	       fwd.tx, chained, max_segs, fwd.tx_dropped);
	fwd_ports_close(nb_ports);
	sl_mempool_free(mp);
	sl_eal_cleanup();
	return 0;
}
