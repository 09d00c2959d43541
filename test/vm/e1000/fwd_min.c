/* SPDX-License-Identifier: BSD-3-Clause
 * fwd_min: the smallest two-port forwarder, for the e1000 guest test. Every
 * frame received on port p is sent unchanged on port p ^ 1. Runs until a
 * stop file appears (the host creates it over the shared results dir) or a
 * timeout, then writes the ports' counters as JSON and exits.
 *
 *   fwd_min EAL-OPTIONS -- [--pool N] [--cache N] [--reverse-fill]
 *           [--ring N] [--ready FILE] [--stop FILE] [--stats FILE] [--timeout S]
 *
 * --reverse-fill: take every mbuf out of the pool and give them back last
 * first, so with --cache 0 the RX rings are filled from the end of the pool
 * (its last memory segment): DMA into every segment, not only the first. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>

#include "fwd_common.h"

#define PROG "fwd_min"
#define BURST 32

static int count_seg(const struct sl_memseg *ms, void *arg)
{
	(void)ms;
	(*(unsigned *)arg)++;
	return 0;
}

static int reverse_fill(struct sl_mempool *mp, unsigned n)
{
	struct sl_mbuf **all = calloc(n, sizeof(*all));
	unsigned got = 0;

	if (all == NULL)
		return -ENOMEM;
	while (got < n && (all[got] = sl_pktmbuf_alloc(mp)) != NULL)
		got++;
	while (got > 0)
		sl_pktmbuf_free(all[--got]);
	free(all);
	return 0;
}

static void write_stats(const char *path, uint16_t nb_ports, const struct fwd_counts *c,
			unsigned segs, size_t reserved)
{
	FILE *f = fwd_json_open(PROG, path);

	if (f == NULL)
		return;
	fprintf(f, "{\"forwarded\": %" PRIu64 ", \"tx_dropped\": %" PRIu64
		   ", \"memsegs\": %u, \"reserved_bytes\": %zu, ",
		c->tx, c->tx_dropped, segs, reserved);
	fwd_json_ports(f, nb_ports);
	fprintf(f, "}\n");
	fwd_json_close(PROG, f, path);
}

int main(int argc, char **argv)
{
	unsigned pool_size = 8191, cache = 256, ring = 256, timeout = 600;
	int reverse = 0;
	const char *ready = NULL, *stop = NULL, *stats = NULL;
	const struct fwd_opt opts[] = {
		FWD_UINT("pool", &pool_size, "N", 1, 1u << 24),
		FWD_UINT("cache", &cache, "N", 0, 65535),
		FWD_FLAG("reverse-fill", &reverse),
		FWD_UINT("ring", &ring, "N", 1, 65535),
		FWD_STRING("ready", &ready, "FILE"),
		FWD_STRING("stop", &stop, "FILE"),
		FWD_STRING("stats", &stats, "FILE"),
		FWD_UINT("timeout", &timeout, "S", 0, 1u << 24),
	};
	struct fwd_port_conf conf = { .nb_queues = 1, .promisc = true };
	struct fwd_counts fwd = { 0, 0 };
	struct sl_mbuf *pkts[BURST];
	struct sl_mempool *mp;
	struct fwd_clock clock;
	unsigned segs = 0;
	uint16_t nb_ports, p;
	int ret;

	ret = fwd_init(PROG, argc, argv, opts, SL_DIM(opts));
	if (ret != 0)
		return ret;
	nb_ports = fwd_ports_available(PROG, 2, 2, false);
	if (nb_ports == 0) {
		sl_eal_cleanup();
		return 1;
	}
	mp = sl_pktmbuf_pool_create("fwd_min_pool", pool_size, cache, 0, SL_MBUF_DEFAULT_BUF_SIZE,
				    SL_SOCKET_ID_ANY);
	if (mp == NULL) {
		sl_eal_cleanup();
		return 1;
	}
	sl_memseg_walk(count_seg, &segs);
	printf(PROG ": pool of %u mbufs, %u memory segments, %zu bytes reserved\n", pool_size, segs,
	       sl_mem_reserved_bytes());
	if (reverse && reverse_fill(mp, pool_size) < 0) {
		sl_eal_cleanup();
		return 1;
	}
	conf.nb_rxd = conf.nb_txd = (uint16_t)ring;
	for (p = 0; p < nb_ports; p++) {
		if (fwd_port_setup(PROG, p, mp, &conf) < 0) {
			sl_eal_cleanup();
			return 1;
		}
	}
	for (p = 0; p < nb_ports; p++) {
		struct sl_eth_link link;
		char text[64];

		sl_eth_link_get(p, &link);
		sl_eth_link_to_str(text, sizeof(text), &link);
		printf(PROG ": port %u (%s): %s\n", p, sl_eth_dev_name(p), text);
	}
	/* QEMU's e1000 receives again about a second after the RCTL write */
	sl_delay_us(1500 * 1000);
	sl_eth_stats_reset(0);
	sl_eth_stats_reset(1);
	fwd_touch(ready);
	printf(PROG ": forwarding\n");
	fflush(stdout);

	fwd_clock_start(&clock, 100, timeout);
	for (;;) {
		for (p = 0; p < nb_ports; p++) {
			uint16_t n = sl_eth_rx_burst(p, 0, pkts, BURST);

			if (n > 0)
				fwd_send(p ^ 1, 0, pkts, n, &fwd);
		}
		if (!fwd_clock_tick(&clock))
			continue;
		if (fwd_file_exists(stop))
			break;
		if (fwd_clock_expired(&clock)) {
			fprintf(stderr, PROG ": timeout after %u s\n", timeout);
			break;
		}
	}
	write_stats(stats, nb_ports, &fwd, segs, sl_mem_reserved_bytes());
	printf(PROG ": forwarded %" PRIu64 ", dropped on TX %" PRIu64 "\n", fwd.tx,
	       fwd.tx_dropped);
	fwd_ports_close(nb_ports);
	sl_mempool_free(mp);
	sl_eal_cleanup();
	return 0;
}
