/* SPDX-License-Identifier: BSD-3-Clause
 * An out-of-tree program built against an installed Sluice with nothing
 * but `pkg-config --cflags --libs sluice` (test_install.sh compiles it).
 *
 * It inits the EAL on 4 KiB pages, creates a ring and an mbuf pool, and
 * moves packets: net_null0 RX -> the ring -> net_ring0 TX, which loops back
 * into net_ring0 RX -> net_null0 TX. Both ports exist only if the drivers'
 * registration constructors survived the link. Prints one line and exits 0
 * when every packet made the whole trip with its stamp intact.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <sl_eal.h>
#include <sl_ethdev.h>
#include <sl_mbuf.h>
#include <sl_mempool.h>
#include <sl_ring.h>

#define BURST 32
#define ROUNDS 200

static int fail(const char *what)
{
	fprintf(stderr, "install_prog: FAIL: %s\n", what);
	sl_eal_cleanup();
	return 1;
}

static int port_up(uint16_t port, struct sl_mempool *pool)
{
	if (sl_eth_dev_configure(port, 1, 1, NULL) < 0 ||
	    sl_eth_rx_queue_setup(port, 0, 256, SL_SOCKET_ID_ANY, NULL, pool) < 0 ||
	    sl_eth_tx_queue_setup(port, 0, 256, SL_SOCKET_ID_ANY, NULL) < 0)
		return -1;
	return sl_eth_dev_start(port);
}

int main(void)
{
	char *eal_args[] = { "install_prog", "-l", "0", "--no-huge", "-m", "64", "--no-pci",
			     "--vdev", "net_null0,size=64", "--vdev", "net_ring0", NULL };
	struct sl_mbuf *pkts[BURST];
	struct sl_eth_stats st;
	uint64_t moved = 0, stamp = 0, checked = 0;
	uint16_t null_port, ring_port;
	struct sl_mempool *pool;
	struct sl_ring *ring;

	if (sl_eal_init((int)(sizeof(eal_args) / sizeof(eal_args[0])) - 1, eal_args) < 0)
		return fail("sl_eal_init");
	if (sl_eth_dev_get_port_by_name("net_null0", &null_port) < 0 ||
	    sl_eth_dev_get_port_by_name("net_ring0", &ring_port) < 0)
		return fail("net_null0 or net_ring0 missing: a driver constructor was dropped by the link");
	ring = sl_ring_create("install_ring", 1024, SL_SOCKET_ID_ANY,
			      SL_RING_F_SP_ENQ | SL_RING_F_SC_DEQ);
	pool = sl_pktmbuf_pool_create("install_pool", 2047, 32, 0, SL_MBUF_DEFAULT_BUF_SIZE,
				      SL_SOCKET_ID_ANY);
	if (ring == NULL || pool == NULL)
		return fail("ring or mempool creation");
	if (port_up(null_port, pool) < 0 || port_up(ring_port, pool) < 0)
		return fail("port setup");

	for (int round = 0; round < ROUNDS; round++) {
		uint16_t n = sl_eth_rx_burst(null_port, 0, pkts, BURST), sent, back;
		unsigned deq;

		for (uint16_t i = 0; i < n; i++) {
			uint64_t s = stamp++;

			memcpy(sl_pktmbuf_mtod(pkts[i], char *), &s, sizeof(s));
		}
		if (sl_ring_enqueue_bulk(ring, (void *const *)pkts, n, NULL) != n)
			return fail("ring enqueue");
		deq = sl_ring_dequeue_burst(ring, (void **)pkts, BURST, NULL);
		sent = sl_eth_tx_burst(ring_port, 0, pkts, (uint16_t)deq);
		if (sent != deq)
			return fail("net_ring0 TX");
		back = sl_eth_rx_burst(ring_port, 0, pkts, BURST);
		for (uint16_t i = 0; i < back; i++) {
			uint64_t s;

			memcpy(&s, sl_pktmbuf_mtod(pkts[i], char *), sizeof(s));
			if (s != checked++)
				return fail("a packet came back out of order or changed");
		}
		moved += sl_eth_tx_burst(null_port, 0, pkts, back);
	}
	if (moved == 0 || moved != checked || moved != stamp)
		return fail("not every packet made the trip");
	if (sl_eth_stats_get(null_port, &st) < 0 || st.ipackets != moved || st.opackets != moved)
		return fail("net_null0 counters disagree");
	printf("install_prog: OK: %llu packets net_null0 -> ring -> net_ring0 -> net_null0, "
	       "%u mbufs back in the pool\n", (unsigned long long)moved, sl_mempool_avail_count(pool));
	sl_eth_dev_stop(null_port);
	sl_eth_dev_stop(ring_port);
	sl_eth_dev_close(null_port);
	sl_eth_dev_close(ring_port);
	sl_ring_free(ring);
	sl_mempool_free(pool);
	sl_eal_cleanup();
	return 0;
}
