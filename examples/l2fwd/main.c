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
 *
 * The parts: l2fwd_args.c (options), l2fwd_fwd.c (the loop), l2fwd_stats.c
 * (statistics), this file (plan, ports, main); l2fwd.h what they share.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app_common.h"
#include "l2fwd.h"

struct lcore_conf *lcore_conf;
struct lcore_stats *lcore_stats;
unsigned nb_lcores;
uint16_t dst_port[SL_MAX_ETHPORTS];
struct sl_ether_addr port_mac[SL_MAX_ETHPORTS];
static struct sl_mempool *pool;

/* ---- checks and the port/lcore plan --------------------------------------- */

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
			app_ports_list(list, sizeof(list));
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

/* RX queue interrupts for --rx-mode interrupt and adaptive, which every
 * port must then have (link changes: app_port_conf_init). 0, or -ENOTSUP
 * after a line. */
static int port_intr_conf(uint16_t p, const struct sl_eth_dev_info *info, struct sl_eth_conf *conf)
{
	if (opts.rx_mode == RX_MODE_POLL)
		return 0;
	if (!(info->intr_capa & SL_ETH_INTR_RXQ) || info->max_rx_intr_queues < opts.nb_queues) {
		SL_LOG(ERR, L2FWD, "--rx-mode %s: port %u (%s, %s) has %s: use --rx-mode poll%s",
		       rx_mode_names[opts.rx_mode], p, info->driver_name, info->device_name,
		       info->intr_capa & SL_ETH_INTR_RXQ ? "too few interrupt vectors for --queues"
							 : "no RX interrupts",
		       info->intr_capa & SL_ETH_INTR_RXQ ? " or fewer --queues" : "");
		return -ENOTSUP;
	}
	conf->intr_conf.rxq = 1;
	return 0;
}

static int port_init(uint16_t p)
{
	struct app_port_setup s = {
		.nb_rxq = (uint16_t)opts.nb_queues, .nb_txq = (uint16_t)opts.nb_queues,
		.nb_rxd = opts.nb_rxd, .nb_txd = opts.nb_txd,
		.pool = pool, .promiscuous = opts.promiscuous,
	};
	struct sl_eth_dev_info info;
	char mac[SL_ETHER_ADDR_FMT_SIZE];
	int ret;

	ret = app_port_conf_init(p, &info, &s.conf);
	if (ret < 0)
		return ret;
	s.conf.rxmode.mtu = opts.mtu;
	ret = port_intr_conf(p, &info, &s.conf);
	if (ret == 0)
		ret = app_port_setup(p, &info, &s, &port_mac[p]);
	if (ret < 0)
		return ret;
	sl_ether_format_addr(mac, sizeof(mac), &port_mac[p]);
	printf("Port %u (%s): %u queue pair(s), %u/%u descriptors, MAC %s, forwards to port %u\n",
	       p, info.device_name, opts.nb_queues, s.nb_rxd, s.nb_txd, mac, dst_port[p]);
	return 0;
}

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

/* ---- main ---------------------------------------------------------------- */

/* Every lcore's slots and counters, zeroed: 0, or -ENOMEM after a line. */
static int alloc_lcores(void)
{
	nb_lcores = sl_lcore_count();
	lcore_conf = app_lcore_array(L2FWD_LOG, sizeof(*lcore_conf));
	lcore_stats = app_lcore_array(L2FWD_LOG, sizeof(*lcore_stats));
	return lcore_conf != NULL && lcore_stats != NULL ? 0 : -ENOMEM;
}

/* Everything a user can get wrong is checked before a port starts: the
 * pairs, the slots of every lcore, what the ports can do. */
static int plan_and_check(void)
{
	if (sl_eth_dev_count_avail() == 0) {
		SL_LOG(ERR, L2FWD, "no ports: create some with --vdev (e.g. --vdev net_null0 --vdev net_null1) or allow PCI devices with -a");
		return -ENODEV;
	}
	if (plan_pairs() < 0 || plan_lcores() < 0 || check_ports() < 0)
		return -EINVAL;
	return 0;
}

/* mbufs room enough for a frame of --mtu: 0, or -ENOMEM after a line. */
static int create_pool(void)
{
	unsigned data_room = SL_MBUF_DEFAULT_BUF_SIZE;

	if (opts.mtu != 0)
		data_room = SL_MAX(data_room, SL_PKTMBUF_HEADROOM + opts.mtu + SL_ETHER_HDR_LEN +
						      SL_ETHER_VLAN_HDR_LEN);
	pool = sl_pktmbuf_pool_create("l2fwd_mbufs", opts.nb_mbufs ? opts.nb_mbufs : default_mbufs(),
				      MEMPOOL_CACHE, 0, (uint16_t)data_room, sl_socket_id());
	if (pool == NULL) {
		SL_LOG(ERR, L2FWD, "cannot create the mbuf pool (see above)");
		return -ENOMEM;
	}
	return 0;
}

/* Each slot's new header: 02:00:00:00:00:<tx port>, then the TX port's MAC. */
static void set_slot_headers(void)
{
	static const uint8_t dst[SL_ETHER_ADDR_LEN] = { 0x02, 0, 0, 0, 0, 0 };

	for (unsigned l = 0; l < nb_lcores; l++)
		for (unsigned i = 0; i < lcore_conf[l].nb_slots; i++) {
			struct fwd_slot *s = &lcore_conf[l].slots[i];

			memcpy(s->mac_hdr, dst, SL_ETHER_ADDR_LEN);
			s->mac_hdr[5] = (uint8_t)s->tx_port;
			memcpy(s->mac_hdr + SL_ETHER_ADDR_LEN, port_mac[s->tx_port].addr_bytes,
			       SL_ETHER_ADDR_LEN);
		}
}

int main(int argc, char **argv)
{
	int exit_code;
	uint64_t start;

	if (!app_start(argc, argv, l2fwd_usage, l2fwd_parse_args, &exit_code))
		return exit_code;
	exit_code = EXIT_FAILURE;
	if (alloc_lcores() < 0 || plan_and_check() < 0 || create_pool() < 0)
		goto out;
	l2fwd_telemetry_init();
	app_catch_quit_signals();
	printf("MAC updating %s\n", opts.mac_updating ? "enabled" : "disabled");
	if (app_start_ports(L2FWD_LOG, opts.portmask, port_init) < 0)
		goto out_ports;
	set_slot_headers();
	app_wait_links(opts.portmask);

	start = sl_tsc();
	l2fwd_control_init(start);
	l2fwd_forward();
	app_report_quit_signal();
	l2fwd_summary(sl_tsc() - start);
	exit_code = EXIT_SUCCESS;
out_ports:
	app_close_ports_check_pool(opts.portmask, pool);
out:
	if (pool != NULL)
		sl_mempool_free(pool);
	/* the telemetry thread reads the counters until cleanup stops it */
	sl_eal_cleanup();
	free(lcore_conf);
	free(lcore_stats);
	if (exit_code == EXIT_SUCCESS)
		printf("Bye...\n");
	return exit_code;
}
