/* SPDX-License-Identifier: BSD-3-Clause
 * sl-l3fwd: IPv4 and IPv6 routing between ports, command-line compatible
 * with DPDK's l3fwd example (poll mode, LPM and exact match).
 *
 *   sl-l3fwd [EAL options] -- -p PORTMASK [-P] [--mode lpm|em]
 *            [--config "(port,queue,lcore),..."] [--eth-dest=PORT,MAC]
 *            [--route-file FILE] ...   (-h for all)
 *
 * Each RX queue belongs to the lcore --config names; each lcore that polls
 * one owns one TX queue on every port (the lcores' order in the plan gives
 * the queue ids), so no queue is ever shared and nothing takes a lock.
 * A frame that passes the header checks leaves by the port its route
 * names, TTL or hop limit one less, destination MAC from --eth-dest
 * (default 02:00:00:00:00:<port>, as DPDK's), source MAC the port's own.
 * Counters are per lcore and per port, drops by reason; the main lcore
 * sums them for the statistics every -T seconds and the summary.
 *
 * The parts: l3fwd_args.c (options), l3fwd_route.c (route files and
 * tables), l3fwd_fwd.c (the loop), l3fwd_stats.c (statistics), this file
 * (the plan, the ports, main); l3fwd.h what they share.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "l3fwd.h"

/* A mistake in the command line (or in what it asks of the ports). */
#define EXIT_USAGE 2

struct lcore_conf *lcore_conf;
struct lcore_stats *lcore_stats;
unsigned nb_lcores;
struct port_hdr port_hdr[SL_MAX_ETHPORTS];
static struct sl_mempool *pool;
static uint16_t nb_rxq[SL_MAX_ETHPORTS];	/* RX queues each port gets */
static uint16_t nb_txq;				/* TX queues of every port */
static bool args_failed;

/* ---- checks and the plan ---------------------------------------------------- */

static int check_ports_exist(void)
{
	char list[512];

	if (sl_eth_dev_count_avail() == 0) {
		SL_LOG(ERR, L3FWD, "no ports: create some with --vdev (e.g. --vdev net_af_packet0,iface=veth0) or allow PCI devices with -a");
		return -ENODEV;
	}
	for (uint16_t p = 0; p < SL_MAX_ETHPORTS; p++) {
		if ((opts.portmask & (1u << p)) && !sl_eth_dev_is_valid_port(p)) {
			app_ports_list(list, sizeof(list));
			SL_LOG(ERR, L3FWD, "port %u is in the portmask 0x%x but does not exist (ports: %s)",
			       p, opts.portmask, list);
			return -ENODEV;
		}
	}
	return 0;
}

/* Without --config: queue 0 of every port, ports dealt to the lcores in
 * turn (DPDK's l3fwd has a fixed table that needs lcores 1 and 2). */
static void default_config(void)
{
	unsigned k = 0;

	for (uint16_t p = 0; p < SL_MAX_ETHPORTS; p++) {
		struct config_entry *e;

		if (!(opts.portmask & (1u << p)))
			continue;
		e = &opts.config[opts.nb_config++];
		e->port = p;
		e->queue = 0;
		e->lcore = k++ % nb_lcores;
		e->cpu = (unsigned)sl_lcore_to_cpu(e->lcore);
	}
}

/* Every port's queues 0..n-1 named once, every lcore's queues within
 * its limit, then one TX queue per polling lcore. */
static int plan_queues(void)
{
	unsigned count[SL_MAX_ETHPORTS] = { 0 };

	for (unsigned i = 0; i < opts.nb_config; i++) {
		const struct config_entry *e = &opts.config[i];
		struct lcore_conf *lc = &lcore_conf[e->lcore];

		if (lc->nb_rxq == MAX_RXQ_PER_LCORE) {
			SL_LOG(ERR, L3FWD, "--config gives lcore %u more than %d RX queues: spread them over more lcores",
			       e->cpu, MAX_RXQ_PER_LCORE);
			return -EINVAL;
		}
		lc->rxq[lc->nb_rxq].port = e->port;
		lc->rxq[lc->nb_rxq++].queue = e->queue;
		count[e->port]++;
		nb_rxq[e->port] = (uint16_t)SL_MAX(nb_rxq[e->port], e->queue + 1u);
	}
	for (uint16_t p = 0; p < SL_MAX_ETHPORTS; p++) {
		if (!(opts.portmask & (1u << p)))
			continue;
		if (count[p] == 0 || count[p] != nb_rxq[p]) {
			SL_LOG(ERR, L3FWD, "port %u: --config must name its RX queues 0..N-1, each once (it names %u of queues 0..%u): add the missing (%u,queue,lcore) triples",
			       p, count[p], SL_MAX(nb_rxq[p], (uint16_t)1) - 1u, p);
			return -EINVAL;
		}
	}
	for (unsigned l = 0; l < nb_lcores; l++)
		if (lcore_conf[l].nb_rxq != 0)
			lcore_conf[l].tx_queue = nb_txq++;
	return 0;
}

static int check_port_queues(void)
{
	for (uint16_t p = 0; p < SL_MAX_ETHPORTS; p++) {
		struct sl_eth_dev_info info;

		if (!(opts.portmask & (1u << p)))
			continue;
		if (sl_eth_dev_info_get(p, &info) < 0)
			return -ENODEV;
		if (nb_rxq[p] > info.max_rx_queues || nb_txq > info.max_tx_queues) {
			SL_LOG(ERR, L3FWD, "port %u (%s) has at most %u RX / %u TX queues; the plan needs %u RX (--config) and %u TX (one per polling lcore): use fewer queues or lcores",
			       p, info.device_name, info.max_rx_queues, info.max_tx_queues, nb_rxq[p],
			       nb_txq);
			return -EINVAL;
		}
	}
	return 0;
}

/* ---- ports ---------------------------------------------------------------------- */

static int port_init(uint16_t p)
{
	struct app_port_setup s = {
		.nb_rxq = nb_rxq[p], .nb_txq = nb_txq, .nb_rxd = opts.nb_rxd, .nb_txd = opts.nb_txd,
		.pool = pool, .promiscuous = opts.promiscuous,
	};
	struct sl_ether_addr *mac = (struct sl_ether_addr *)&port_hdr[p].bytes[SL_ETHER_ADDR_LEN];
	struct sl_eth_dev_info info;
	char text[SL_ETHER_ADDR_FMT_SIZE];
	int ret;

	ret = app_port_conf_init(p, &info, &s.conf);
	if (ret == 0)
		ret = app_port_setup(p, &info, &s, mac);
	if (ret < 0)
		return ret;
	sl_ether_format_addr(text, sizeof(text), mac);
	printf("Port %u (%s): %u RX / %u TX queues, %u/%u descriptors, MAC %s\n", p,
	       info.device_name, nb_rxq[p], nb_txq, s.nb_rxd, s.nb_txd, text);
	return 0;
}

/* Each port's destination MAC: --eth-dest, else 02:00:00:00:00:<port>. */
static void set_dest_macs(void)
{
	for (uint16_t p = 0; p < SL_MAX_ETHPORTS; p++) {
		uint8_t *dst = port_hdr[p].bytes;
		char text[SL_ETHER_ADDR_FMT_SIZE];

		if (opts.eth_dest_set & (1u << p)) {
			memcpy(dst, opts.eth_dest[p].addr_bytes, SL_ETHER_ADDR_LEN);
		} else {
			memset(dst, 0, SL_ETHER_ADDR_LEN);
			dst[0] = 0x02;
			dst[5] = (uint8_t)p;
		}
		if (!(opts.portmask & (1u << p)))
			continue;
		sl_ether_format_addr(text, sizeof(text), (const struct sl_ether_addr *)dst);
		printf("Port %u: frames leave for %s\n", p, text);
	}
}

/* ---- main ----------------------------------------------------------------------- */

static int alloc_lcores(void)
{
	nb_lcores = sl_lcore_count();
	lcore_conf = app_lcore_array(L3FWD_LOG, sizeof(*lcore_conf));
	lcore_stats = app_lcore_array(L3FWD_LOG, sizeof(*lcore_stats));
	return lcore_conf != NULL && lcore_stats != NULL ? 0 : -ENOMEM;
}

static int create_pool(void)
{
	uint64_t n = opts.nb_mbufs;

	if (n == 0) {
		/* every ring full, every burst in flight and every lcore cache */
		for (uint16_t p = 0; p < SL_MAX_ETHPORTS; p++)
			if (opts.portmask & (1u << p))
				n += (uint64_t)nb_rxq[p] * opts.nb_rxd + (uint64_t)nb_txq * opts.nb_txd;
		n += (uint64_t)nb_lcores * (MEMPOOL_CACHE + 2 * MAX_PKT_BURST);
		n = SL_MAX(n, (uint64_t)MIN_MBUFS);
	}
	pool = sl_pktmbuf_pool_create("l3fwd_mbufs", (unsigned)SL_MIN(n, (uint64_t)UINT32_MAX),
				      MEMPOOL_CACHE, 0, SL_MBUF_DEFAULT_BUF_SIZE, sl_socket_id());
	if (pool == NULL) {
		SL_LOG(ERR, L3FWD, "cannot create the mbuf pool (see above)");
		return -ENOMEM;
	}
	return 0;
}

static int parse_args(int argc, char **argv)
{
	int ret = l3fwd_parse_args(argc, argv);

	args_failed = ret < 0;
	return ret;
}

/* What the user can get wrong, checked before a port starts. */
static int plan_and_check(void)
{
	if (check_ports_exist() < 0)
		return -EINVAL;
	if (opts.nb_config == 0)
		default_config();
	if (plan_queues() < 0 || check_port_queues() < 0)
		return -EINVAL;
	return 0;
}

int main(int argc, char **argv)
{
	int exit_code;
	uint64_t start;

	if (!app_start(argc, argv, l3fwd_usage, parse_args, &exit_code))
		return args_failed ? EXIT_USAGE : exit_code;
	exit_code = EXIT_FAILURE;
	if (alloc_lcores() < 0)
		goto out;
	if (plan_and_check() < 0) {
		exit_code = EXIT_USAGE;
		goto out;
	}
	if (routes_load() < 0) {
		exit_code = EXIT_USAGE;
		goto out;
	}
	if (create_pool() < 0)
		goto out;
	l3fwd_telemetry_init();
	app_catch_quit_signals();
	printf("Lookup: %s\n", opts.mode == LOOKUP_LPM ? "LPM (longest-prefix match)" : "EM (exact match)");
	set_dest_macs();
	if (app_start_ports(L3FWD_LOG, opts.portmask, port_init) < 0)
		goto out_ports;
	app_wait_links(opts.portmask);

	start = sl_tsc();
	l3fwd_control_init(start);
	l3fwd_forward();
	app_report_quit_signal();
	l3fwd_summary(sl_tsc() - start);
	exit_code = EXIT_SUCCESS;
out_ports:
	app_close_ports_check_pool(opts.portmask, pool);
out:
	if (pool != NULL)
		sl_mempool_free(pool);
	routes_free();
	/* the telemetry thread reads the counters until cleanup stops it */
	sl_eal_cleanup();
	free(lcore_conf);
	free(lcore_stats);
	if (exit_code == EXIT_SUCCESS)
		printf("Bye...\n");
	return exit_code;
}
