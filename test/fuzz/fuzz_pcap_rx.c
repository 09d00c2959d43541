/* SPDX-License-Identifier: BSD-3-Clause
 * Fuzz target: net_pcap on a fuzzed capture file, the way an application
 * meets it: --vdev net_pcapN,rx_pcap=FILE probe (libpcap's header checks
 * and ours), configure, start, RX until the end of the file, every frame
 * sent back out through the port's TX (tx_pcap=/dev/null: the file TX path,
 * chains flattened), stop, close.
 *
 * Input: one control byte, then the file. Control bit 0: infinite_rx=1
 * (the whole file preloaded and replayed); bit 1: a pool of 128-byte
 * mbufs, so frames arrive as long chains and the pool runs dry mid-file.
 *
 * Checked beyond the sanitizers: every mbuf RX returns is a well-formed
 * chain (sl_pktmbuf_check) whose bytes can all be read; the port's counters
 * match what the application saw; and every mbuf is back in its pool
 * afterwards.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "sl_eal.h"
#include "sl_ethdev.h"
#include "sl_ethdev_driver.h"
#include "sl_mbuf.h"
#include "sl_vdev.h"

#include "fuzz_common.h"
#include "fuzz_eal.h"

#define BURST 32
#define MAX_BURSTS 4096		/* a file of at most FUZZ_MAX_INPUT bytes has fewer records */
#define REPLAY_BURSTS 8
#define BIG_POOL 512
#define SMALL_POOL 48		/* fewer than BURST chains of 128-byte mbufs */

static struct sl_mempool *big_pool, *small_pool;
static int file_fd = -1;
static char file_path[64];
static uint8_t flat[65536];

/* At exit, so LeakSanitizer sees only what the inputs leaked. */
static void teardown(void)
{
	sl_mempool_free(big_pool);
	sl_mempool_free(small_pool);
	if (file_fd >= 0)
		close(file_fd);
	sl_eal_cleanup();
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	fuzz_eal_up("fuzz_pcap_rx");
	big_pool = sl_pktmbuf_pool_create("fuzz_big", BIG_POOL, 0, 0,
					  SL_PKTMBUF_HEADROOM + 2048, SL_SOCKET_ID_ANY);
	small_pool = sl_pktmbuf_pool_create("fuzz_small", SMALL_POOL, 0, 0,
					    SL_PKTMBUF_HEADROOM + 128, SL_SOCKET_ID_ANY);
	/* The capture lives in a memfd that libpcap opens by its /proc path:
	 * no file on disk, one per process. */
	file_fd = memfd_create("fuzz.pcap", MFD_CLOEXEC);
	if (big_pool == NULL || small_pool == NULL || file_fd < 0) {
		fprintf(stderr, "fuzz_pcap_rx: setup failed\n");
		exit(1);
	}
	snprintf(file_path, sizeof(file_path), "/proc/self/fd/%d", file_fd);
	atexit(teardown);
	return 0;
}

static int set_file(const uint8_t *data, size_t size)
{
	if (ftruncate(file_fd, 0) < 0)
		return -1;
	return pwrite(file_fd, data, size, 0) == (ssize_t)size ? 0 : -1;
}

/* Every byte of the chain readable, lengths consistent: abort otherwise. */
static void check_mbuf(const struct sl_mbuf *m)
{
	const char *why = NULL;
	const uint8_t *d;
	uint32_t sum = 0;

	if (sl_pktmbuf_check(m, &why) != 0) {
		fprintf(stderr, "fuzz_pcap_rx: bad mbuf from RX: %s\n", why);
		abort();
	}
	if (m->pkt_len == 0 || m->pkt_len > sizeof(flat))
		abort();
	d = sl_pktmbuf_read(m, 0, m->pkt_len, flat);
	if (d == NULL)
		abort();
	for (uint32_t i = 0; i < m->pkt_len; i++)
		sum += d[i];
	/* keeps the reads from being optimised away */
	__asm__ volatile("" : : "r"(sum));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static unsigned counter;
	struct sl_mbuf *pkts[BURST];
	struct sl_eth_stats st;
	struct sl_mempool *mp;
	char name[32], args[160];
	uint64_t rx = 0, rx_bytes = 0;
	unsigned avail0, bursts;
	bool infinite;
	uint16_t port;

	if (size < 1 || size > FUZZ_MAX_INPUT)
		return 0;
	infinite = data[0] & 1;
	mp = (data[0] & 2) ? small_pool : big_pool;
	if (set_file(data + 1, size - 1) < 0)
		abort();
	avail0 = sl_mempool_avail_count(mp);
	/* a fresh name each time: a failed or leaked port cannot hide behind
	 * the next input's */
	snprintf(name, sizeof(name), "net_pcap_fz%u", counter++);
	snprintf(args, sizeof(args), "rx_pcap=%s,tx_pcap=/dev/null%s", file_path,
		 infinite ? ",infinite_rx=1" : "");
	if (sl_vdev_create(name, args) < 0) {
		if (sl_eth_dev_allocated(name) != NULL)
			abort();	/* a failed probe leaves nothing behind */
		return 0;
	}
	if (sl_eth_dev_get_port_by_name(name, &port) != 0 ||
	    sl_eth_dev_configure(port, 1, 1, NULL) != 0 ||
	    sl_eth_rx_queue_setup(port, 0, 64, SL_SOCKET_ID_ANY, NULL, mp) != 0 ||
	    sl_eth_tx_queue_setup(port, 0, 64, SL_SOCKET_ID_ANY, NULL) != 0 ||
	    sl_eth_dev_start(port) != 0)
		abort();
	for (bursts = 0; bursts < (infinite ? REPLAY_BURSTS : MAX_BURSTS); bursts++) {
		uint16_t n = sl_eth_rx_burst(port, 0, pkts, BURST), sent;

		if (n > BURST)
			abort();
		if (n == 0 && sl_mempool_avail_count(mp) == avail0)
			break;	/* nothing more, and not for want of mbufs */
		for (uint16_t i = 0; i < n; i++) {
			check_mbuf(pkts[i]);
			rx_bytes += pkts[i]->pkt_len;
		}
		rx += n;
		sent = sl_eth_tx_burst(port, 0, pkts, n);
		if (sent != n)	/* a file sink takes everything */
			abort();
	}
	if (sl_eth_stats_get(port, &st) != 0 || st.ipackets != rx || st.ibytes != rx_bytes ||
	    st.opackets != rx)
		abort();
	if (sl_eth_dev_stop(port) != 0 || sl_eth_dev_close(port) != 0)
		abort();
	if (sl_eth_dev_allocated(name) != NULL)
		sl_vdev_remove(name);
	if (sl_mempool_avail_count(mp) != avail0) {
		fprintf(stderr, "fuzz_pcap_rx: %u mbufs missing from the pool\n",
			avail0 - sl_mempool_avail_count(mp));
		abort();
	}
	return 0;
}
