/* SPDX-License-Identifier: BSD-3-Clause
 * sl-skeleton: the smallest complete Sluice forwarding application.
 *
 * Whatever arrives on port 0 leaves on port 1 and the other way round,
 * unchanged, on one lcore, until Ctrl-C. Read this first: it is the whole
 * life of a Sluice program in order.
 *
 *   sl-skeleton --no-huge --vdev net_null0 --vdev net_null1
 *   sl-skeleton -a 0000:00:03.0 -a 0000:00:04.0
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>

#include "sl_eal.h"
#include "sl_ethdev.h"
#include "sl_mbuf.h"

#define NB_MBUFS 8191		/* enough for both ports' rings and a few bursts */
#define MBUF_CACHE 250
#define RING_SIZE 1024
#define BURST 32

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

/* One RX and one TX queue, default settings, started. */
static int port_init(uint16_t port, struct sl_mempool *pool)
{
	struct sl_ether_addr mac;
	char text[SL_ETHER_ADDR_FMT_SIZE];
	int ret;

	ret = sl_eth_dev_configure(port, 1, 1, NULL);
	if (ret < 0)
		return ret;
	ret = sl_eth_rx_queue_setup(port, 0, RING_SIZE, sl_eth_dev_socket_id(port), NULL, pool);
	if (ret < 0)
		return ret;
	ret = sl_eth_tx_queue_setup(port, 0, RING_SIZE, sl_eth_dev_socket_id(port), NULL);
	if (ret < 0)
		return ret;
	ret = sl_eth_dev_start(port);
	if (ret < 0)
		return ret;
	/* A forwarder must see frames addressed to anyone. Drivers that
	 * cannot switch it off or on say so; that is fine here. */
	sl_eth_promiscuous_enable(port);
	sl_eth_macaddr_get(port, &mac);
	sl_ether_format_addr(text, sizeof(text), &mac);
	printf("Port %u (%s) MAC %s\n", port, sl_eth_dev_name(port), text);
	return 0;
}

/* The run-to-completion loop: poll, forward, repeat. No locks, no system
 * calls: sl_eth_rx_burst and sl_eth_tx_burst read and write the rings. */
static void forward_loop(void)
{
	uint64_t forwarded = 0, dropped = 0;

	printf("Forwarding 0 <-> 1 on lcore %u. Ctrl-C to stop.\n", sl_lcore_id());
	while (!stop) {
		for (uint16_t in = 0; in < 2; in++) {
			uint16_t out = in ^ 1;
			struct sl_mbuf *pkts[BURST];
			uint16_t nb_rx, nb_tx;

			nb_rx = sl_eth_rx_burst(in, 0, pkts, BURST);
			if (nb_rx == 0)
				continue;
			nb_tx = sl_eth_tx_burst(out, 0, pkts, nb_rx);
			/* What TX did not take still belongs to us: free it. */
			if (nb_tx < nb_rx)
				sl_pktmbuf_free_bulk(&pkts[nb_tx], nb_rx - nb_tx);
			forwarded += nb_tx;
			dropped += (uint64_t)(nb_rx - nb_tx);
		}
	}
	printf("\nForwarded %llu packets, dropped %llu\n", (unsigned long long)forwarded,
	       (unsigned long long)dropped);
}

int main(int argc, char **argv)
{
	struct sl_mempool *pool;
	int ret;

	/* 1. The EAL: lcores, memory, and the ports named on the command line. */
	ret = sl_eal_init(argc, argv);
	if (ret == -EINTR) {	/* -h: the EAL printed its options */
		printf("\nsl-skeleton: forwards everything from port 0 to port 1 and back, unchanged,\n"
		       "on one lcore, until Ctrl-C; prints the counts at exit. EAL options only.\n"
		       "Examples:\n"
		       "  sl-skeleton --no-huge --vdev net_null0 --vdev net_null1\n"
		       "  sl-skeleton --vdev net_af_packet0,iface=veth0 --vdev net_af_packet1,iface=veth1\n"
		       "  sl-skeleton -a 0000:00:03.0 -a 0000:00:04.0   (NICs bound with sl-devbind)\n");
		return EXIT_SUCCESS;
	}
	if (ret < 0)
		return EXIT_FAILURE;
	/* argv[ret] is the program name again; anything after it was meant
	 * for an application option this program does not have. */
	if (ret + 1 < argc) {
		fprintf(stderr, "sl-skeleton takes no application options: remove '%s' (EAL options only, see -h)\n",
			argv[ret + 1]);
		sl_eal_cleanup();
		return EXIT_FAILURE;
	}
	if (sl_eth_dev_count_avail() != 2 || !sl_eth_dev_is_valid_port(0) ||
	    !sl_eth_dev_is_valid_port(1)) {
		fprintf(stderr, "sl-skeleton forwards between ports 0 and 1 and needs exactly those two, e.g. --vdev net_null0 --vdev net_null1\n");
		sl_eal_cleanup();
		return EXIT_FAILURE;
	}

	/* 2. The packet buffers every port receives into. */
	pool = sl_pktmbuf_pool_create("skeleton_mbufs", NB_MBUFS, MBUF_CACHE, 0,
				      SL_MBUF_DEFAULT_BUF_SIZE, sl_socket_id());
	if (pool == NULL) {
		sl_eal_cleanup();
		return EXIT_FAILURE;
	}

	/* 3. The ports: configure, set up queues, start. */
	ret = port_init(0, pool);
	if (ret == 0)
		ret = port_init(1, pool);
	if (ret < 0) {
		fprintf(stderr, "cannot initialise the ports (see above)\n");
	} else {
		if (sl_lcore_count() > 1)
			printf("Note: only the main lcore forwards; the others stay idle.\n");
		/* 4. Work until Ctrl-C. */
		signal(SIGINT, on_signal);
		signal(SIGTERM, on_signal);
		forward_loop();
	}

	/* 5. Stop and close the ports before the pool their rings use goes,
	 * then give everything back to the system. */
	for (uint16_t port = 0; port < 2; port++) {
		sl_eth_dev_stop(port);
		sl_eth_dev_close(port);
	}
	sl_mempool_free(pool);
	sl_eal_cleanup();
	return ret < 0 ? EXIT_FAILURE : EXIT_SUCCESS;
}
