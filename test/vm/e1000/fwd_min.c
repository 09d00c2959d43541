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

struct opts {
	unsigned pool;
	unsigned cache;
	unsigned ring;
	int reverse_fill;
	const char *ready;
	const char *stop;
	const char *stats;
	unsigned timeout;
};

static int parse_app_args(int argc, char **argv, struct opts *o)
{
	static const struct option longopts[] = {
		{ "pool", required_argument, NULL, 'p' },
		{ "cache", required_argument, NULL, 'c' },
		{ "ring", required_argument, NULL, 'r' },
		{ "reverse-fill", no_argument, NULL, 'R' },
		{ "ready", required_argument, NULL, 'y' },
		{ "stop", required_argument, NULL, 's' },
		{ "stats", required_argument, NULL, 'S' },
		{ "timeout", required_argument, NULL, 't' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	optind = 1;
	while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		switch (c) {
		case 'p':
			o->pool = (unsigned)strtoul(optarg, NULL, 0);
			break;
		case 'c':
			o->cache = (unsigned)strtoul(optarg, NULL, 0);
			break;
		case 'r':
			o->ring = (unsigned)strtoul(optarg, NULL, 0);
			break;
		case 'R':
			o->reverse_fill = 1;
			break;
		case 'y':
			o->ready = optarg;
			break;
		case 's':
			o->stop = optarg;
			break;
		case 'S':
			o->stats = optarg;
			break;
		case 't':
			o->timeout = (unsigned)strtoul(optarg, NULL, 0);
			break;
		default:
			fprintf(stderr, "usage: fwd_min EAL-OPTIONS -- [--pool N] [--cache N] "
					"[--reverse-fill] [--ring N] [--ready FILE] [--stop FILE] "
					"[--stats FILE] [--timeout S]\n");
			return -EINVAL;
		}
	}
	return 0;
}

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

static int port_setup(uint16_t port, struct sl_mempool *mp, unsigned ring)
{
	int ret;

	ret = sl_eth_dev_configure(port, 1, 1, NULL);
	if (ret == 0)
		ret = sl_eth_rx_queue_setup(port, 0, (uint16_t)ring, SL_SOCKET_ID_ANY, NULL, mp);
	if (ret == 0)
		ret = sl_eth_tx_queue_setup(port, 0, (uint16_t)ring, SL_SOCKET_ID_ANY, NULL);
	/* before start: the filter goes into the one RCTL write of start
	 * (QEMU pauses receive for a second after each RCTL write) */
	if (ret == 0)
		ret = sl_eth_promiscuous_enable(port);
	if (ret == 0)
		ret = sl_eth_dev_start(port);
	if (ret < 0)
		fprintf(stderr, "fwd_min: port %u setup failed: %s\n", port, strerror(-ret));
	return ret;
}

static void touch(const char *path)
{
	FILE *f;

	if (path == NULL)
		return;
	f = fopen(path, "w");
	if (f != NULL)
		fclose(f);
}

static void write_stats(const char *path, uint16_t nb_ports, uint64_t forwarded, uint64_t tx_drop,
			unsigned segs, size_t reserved)
{
	FILE *f = path ? fopen(path, "w") : stdout;
	uint16_t p;

	if (f == NULL) {
		fprintf(stderr, "fwd_min: cannot write %s: %s\n", path, strerror(errno));
		return;
	}
	fprintf(f, "{\"forwarded\": %" PRIu64 ", \"tx_dropped\": %" PRIu64
		   ", \"memsegs\": %u, \"reserved_bytes\": %zu, \"ports\": [",
		forwarded, tx_drop, segs, reserved);
	for (p = 0; p < nb_ports; p++) {
		struct sl_eth_stats st;
		struct sl_ether_addr mac;
		struct sl_eth_link link;
		char macs[SL_ETHER_ADDR_FMT_SIZE];

		memset(&st, 0, sizeof(st));
		sl_eth_stats_get(p, &st);
		sl_eth_macaddr_get(p, &mac);
		sl_eth_link_get_nowait(p, &link);
		sl_ether_format_addr(macs, sizeof(macs), &mac);
		fprintf(f,
			"%s{\"port\": %u, \"name\": \"%s\", \"mac\": \"%s\", \"link\": %u, "
			"\"speed\": %u, \"ipackets\": %" PRIu64 ", \"opackets\": %" PRIu64
			", \"ibytes\": %" PRIu64 ", \"obytes\": %" PRIu64 ", \"imissed\": %" PRIu64
			", \"ierrors\": %" PRIu64 ", \"oerrors\": %" PRIu64 ", \"rx_nombuf\": %" PRIu64
			", \"q_ipackets\": %" PRIu64 ", \"q_opackets\": %" PRIu64 "}",
			p ? ", " : "", p, sl_eth_dev_name(p), macs, link.link_status, link.link_speed,
			st.ipackets, st.opackets, st.ibytes, st.obytes, st.imissed, st.ierrors,
			st.oerrors, st.rx_nombuf, st.q_ipackets[0], st.q_opackets[0]);
	}
	fprintf(f, "]}\n");
	if (f != stdout)
		fclose(f);
}

int main(int argc, char **argv)
{
	struct opts o = { .pool = 8191, .cache = 256, .ring = 256, .timeout = 600 };
	struct sl_mbuf *pkts[BURST];
	struct sl_mempool *mp;
	uint64_t forwarded = 0, tx_drop = 0, next_check, deadline;
	unsigned segs = 0;
	uint16_t nb_ports, p;
	int ret;

	ret = sl_eal_init(argc, argv);
	if (ret < 0)
		return 1;
	/* like DPDK: argv[0] is the program name again, the app's options follow */
	argc -= ret;
	argv += ret;
	if (parse_app_args(argc, argv, &o) < 0) {
		sl_eal_cleanup();
		return 2;
	}

	nb_ports = sl_eth_dev_count_avail();
	if (nb_ports != 2) {
		fprintf(stderr, "fwd_min: needs exactly 2 ports, found %u\n", nb_ports);
		sl_eal_cleanup();
		return 1;
	}
	mp = sl_pktmbuf_pool_create("fwd_min_pool", o.pool, o.cache, 0, SL_MBUF_DEFAULT_BUF_SIZE,
				    SL_SOCKET_ID_ANY);
	if (mp == NULL) {
		sl_eal_cleanup();
		return 1;
	}
	sl_memseg_walk(count_seg, &segs);
	printf("fwd_min: pool of %u mbufs, %u memory segments, %zu bytes reserved\n", o.pool,
	       segs, sl_mem_reserved_bytes());
	if (o.reverse_fill && reverse_fill(mp, o.pool) < 0) {
		sl_eal_cleanup();
		return 1;
	}
	for (p = 0; p < nb_ports; p++) {
		if (port_setup(p, mp, o.ring) < 0) {
			sl_eal_cleanup();
			return 1;
		}
	}
	for (p = 0; p < nb_ports; p++) {
		struct sl_eth_link link;
		char text[64];

		sl_eth_link_get(p, &link);
		sl_eth_link_to_str(text, sizeof(text), &link);
		printf("fwd_min: port %u (%s): %s\n", p, sl_eth_dev_name(p), text);
	}
	/* QEMU's e1000 receives again about a second after the RCTL write */
	sl_delay_us(1500 * 1000);
	sl_eth_stats_reset(0);
	sl_eth_stats_reset(1);
	touch(o.ready);
	printf("fwd_min: forwarding\n");
	fflush(stdout);

	next_check = sl_tsc() + sl_tsc_hz() / 10;
	deadline = sl_tsc() + (uint64_t)o.timeout * sl_tsc_hz();
	for (;;) {
		for (p = 0; p < nb_ports; p++) {
			uint16_t n = sl_eth_rx_burst(p, 0, pkts, BURST), sent;

			if (n == 0)
				continue;
			sent = sl_eth_tx_burst(p ^ 1, 0, pkts, n);
			forwarded += sent;
			if (sent < n) {
				tx_drop += n - sent;
				sl_pktmbuf_free_bulk(pkts + sent, n - sent);
			}
		}
		if (sl_tsc() >= next_check) {
			next_check = sl_tsc() + sl_tsc_hz() / 10;
			if (o.stop != NULL && access(o.stop, F_OK) == 0)
				break;
			if (sl_tsc() >= deadline) {
				fprintf(stderr, "fwd_min: timeout after %u s\n", o.timeout);
				break;
			}
		}
	}
	write_stats(o.stats, nb_ports, forwarded, tx_drop, segs, sl_mem_reserved_bytes());
	printf("fwd_min: forwarded %" PRIu64 ", dropped on TX %" PRIu64 "\n", forwarded, tx_drop);
	for (p = 0; p < nb_ports; p++) {
		sl_eth_dev_stop(p);
		sl_eth_dev_close(p);
	}
	sl_mempool_free(mp);
	sl_eal_cleanup();
	return 0;
}
