/* SPDX-License-Identifier: BSD-3-Clause
 * Mempool and mbuf fast-path benchmarks (cases and units: bench_mempool_loops.h,
 * shared with dpdk/bench_dpdk_mempool.c).
 */
#include "sl_eal.h"
#include "sl_mbuf.h"
#include "sl_mempool.h"

#define BM_POOL_T struct sl_mempool
#define BM_MBUF_T struct sl_mbuf
#define BM_GET_BULK(mp, o, n) sl_mempool_get_bulk(mp, o, n)
#define BM_PUT_BULK(mp, o, n) sl_mempool_put_bulk(mp, o, n)
#define BM_ALLOC_BULK(mp, m, n) sl_pktmbuf_alloc_bulk(mp, m, n)
#define BM_FREE_BULK(m, n) sl_pktmbuf_free_bulk(m, n)
#define BM_FOREACH_WORKER(l) SL_LCORE_FOREACH_WORKER(l)
#define BM_REMOTE_LAUNCH(fn, arg, l) sl_eal_remote_launch(fn, arg, l)
#define BM_WAIT_ALL_LCORES() sl_eal_mp_wait_lcore()
#define BM_LCORE_COUNT() sl_lcore_count()
#define BM_PREFIX ""
#define BM_PROG "bench_mempool"
#include "bench_mempool_loops.h"

int main(void)
{
	int huge = bench_hugepages_usable(128);
	char *argv[] = { "bench_mempool", "-l", bench_cpu_count() >= 2 ? "0-1" : "0",
			 "--log-level", "err", "-m", "256", huge ? NULL : "--no-huge", NULL };
	int argc = huge ? 7 : 8;
	struct sl_mempool *mp, *mp1, *nocache, *pkt;

	if (sl_eal_init(argc, argv) < 0) {
		fprintf(stderr, "bench_mempool: sl_eal_init failed\n");
		return 77;
	}
	printf("# memory: %s, lcores: %u\n", huge ? "2 MiB hugepages" : "--no-huge 4 KiB pages",
	       sl_lcore_count());
	mp = sl_mempool_create("bench_mp", POOL_N, OBJ_SIZE, CACHE, SL_SOCKET_ID_ANY, 0);
	mp1 = sl_mempool_create("bench_mp1", POOL_N, OBJ_SIZE, CACHE, SL_SOCKET_ID_ANY, 0);
	nocache = sl_mempool_create("bench_nocache", POOL_N, OBJ_SIZE, 0, SL_SOCKET_ID_ANY, 0);
	pkt = sl_pktmbuf_pool_create("bench_pkt", POOL_N, CACHE, 0, SL_MBUF_DEFAULT_BUF_SIZE,
				     SL_SOCKET_ID_ANY);
	if (mp == NULL || mp1 == NULL || nocache == NULL || pkt == NULL) {
		fprintf(stderr, "bench_mempool: pool creation failed\n");
		return 1;
	}
	bm_run_all(mp, mp1, nocache, pkt);
	sl_mempool_free(pkt);
	sl_mempool_free(nocache);
	sl_mempool_free(mp1);
	sl_mempool_free(mp);
	sl_eal_cleanup();
	return 0;
}
