/* SPDX-License-Identifier: BSD-3-Clause
 * What the forwarding applications (sl-l2fwd, sl-l3fwd) do alike around
 * their ports: the quit flag that SIGINT/SIGTERM set, descriptor counts
 * fitted to a port's limits, link reports, and closing. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "sl_eal.h"
#include "sl_ethdev.h"
#include "sl_log.h"
#include "sl_mempool.h"

#include "app_common.h"

int app_quit_;
static int quit_signal;

void app_request_quit(void)
{
	__atomic_store_n(&app_quit_, 1, __ATOMIC_RELAXED);
}

static void on_signal(int sig)
{
	/* lock-free atomics are async-signal-safe */
	__atomic_store_n(&quit_signal, sig, __ATOMIC_RELAXED);
	app_request_quit();
}

void app_catch_quit_signals(void)
{
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
}

void app_report_quit_signal(void)
{
	int sig = __atomic_load_n(&quit_signal, __ATOMIC_RELAXED);

	if (sig != 0)
		printf("\nSignal %d received, stopping\n", sig);
}

void app_ports_list(char *buf, size_t len)
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

uint16_t app_fit_desc(uint16_t n, const struct sl_eth_desc_lim *lim)
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

void app_link_event(uint16_t port, enum sl_eth_event_type event, void *arg)
{
	struct sl_eth_link link;
	char text[64];

	(void)event;
	(void)arg;
	if (sl_eth_link_get_nowait(port, &link) < 0)
		return;
	sl_eth_link_to_str(text, sizeof(text), &link);
	printf("Port %u: %s (link change interrupt)\n", port, text);
	fflush(stdout);
}

void app_wait_links(uint32_t portmask)
{
	/* as DPDK's examples: up to 9 s for autonegotiation, then report */
	for (int tries = 0; tries < 90 && !app_quit_requested(); tries++) {
		bool all_up = true;

		for (uint16_t p = 0; p < SL_MAX_ETHPORTS; p++) {
			struct sl_eth_link link;

			if (!(portmask & (1u << p)))
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

		if (!(portmask & (1u << p)) || sl_eth_link_get_nowait(p, &link) < 0)
			continue;
		sl_eth_link_to_str(text, sizeof(text), &link);
		printf("Port %u: %s\n", p, text);
	}
}

void app_close_ports_check_pool(uint32_t portmask, const struct sl_mempool *pool)
{
	app_close_ports(portmask);
	/* with the rings drained every mbuf is back: a leak shows here */
	printf("Mbufs in use after closing the ports: %u of %u\n", sl_mempool_in_use_count(pool),
	       pool->size);
}

void app_close_ports(uint32_t portmask)
{
	for (uint16_t p = 0; p < SL_MAX_ETHPORTS; p++) {
		if (!(portmask & (1u << p)) || !sl_eth_dev_is_valid_port(p))
			continue;
		printf("Closing port %u...", p);
		sl_eth_dev_stop(p);
		sl_eth_dev_close(p);
		printf(" done\n");
	}
}

void app_control_loop(void (*tick)(uint64_t now))
{
	while (!app_quit_requested()) {
		tick(sl_tsc());
		nanosleep(&(struct timespec){ .tv_nsec = 1000000 }, NULL);
	}
}

int app_port_conf_init(uint16_t port, struct sl_eth_dev_info *info, struct sl_eth_conf *conf)
{
	int ret = sl_eth_dev_info_get(port, info);

	memset(conf, 0, sizeof(*conf));
	if (ret < 0)
		return ret;
	if (info->tx_offload_capa & SL_ETH_TX_OFFLOAD_MBUF_FAST_FREE)
		conf->txmode.offloads |= SL_ETH_TX_OFFLOAD_MBUF_FAST_FREE;
	conf->intr_conf.lsc = !!(info->intr_capa & SL_ETH_INTR_LSC);
	return 0;
}

int app_port_setup(uint16_t port, const struct sl_eth_dev_info *info, struct app_port_setup *s,
		   struct sl_ether_addr *mac)
{
	int socket = sl_eth_dev_socket_id(port);
	int ret;

	if (s->conf.intr_conf.lsc) {
		ret = sl_eth_dev_callback_register(port, SL_ETH_EVENT_INTR_LSC, app_link_event, NULL);
		if (ret < 0)
			return ret;
	}
	ret = sl_eth_dev_configure(port, s->nb_rxq, s->nb_txq, &s->conf);
	if (ret < 0)
		return ret;
	s->nb_rxd = app_fit_desc(s->nb_rxd, &info->rx_desc_lim);
	s->nb_txd = app_fit_desc(s->nb_txd, &info->tx_desc_lim);
	for (uint16_t q = 0; q < s->nb_rxq; q++) {
		ret = sl_eth_rx_queue_setup(port, q, s->nb_rxd, socket, NULL, s->pool);
		if (ret < 0)
			return ret;
	}
	for (uint16_t q = 0; q < s->nb_txq; q++) {
		ret = sl_eth_tx_queue_setup(port, q, s->nb_txd, socket, NULL);
		if (ret < 0)
			return ret;
	}
	ret = sl_eth_macaddr_get(port, mac);
	if (ret == 0)
		ret = sl_eth_dev_start(port);
	if (ret == 0 && s->promiscuous)
		ret = sl_eth_promiscuous_enable(port);
	return ret;
}

int app_start_ports(const char *module, uint32_t portmask, int (*init)(uint16_t port))
{
	for (uint16_t p = 0; p < SL_MAX_ETHPORTS; p++) {
		if (!(portmask & (1u << p)))
			continue;
		if (init(p) < 0) {
			sl_log(SL_LOG_ERR, module, "port %u could not be set up (see above)", p);
			return -EIO;
		}
	}
	return 0;
}
