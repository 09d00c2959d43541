/* SPDX-License-Identifier: BSD-3-Clause
 * The loops of ../bench_mempool_loops.h against DPDK 22.11's rte_mempool and
 * rte_mbuf, for side-by-side numbers with ../bench_mempool.c.
 */
#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_launch.h>
#include <rte_lcore.h>
#include <rte_mbuf.h>
#include <rte_mempool.h>
#include <rte_version.h>

#define BM_POOL_T struct rte_mempool
#define BM_MBUF_T struct rte_mbuf
#define BM_GET_BULK(mp, o, n) rte_mempool_get_bulk(mp, o, n)
#define BM_PUT_BULK(mp, o, n) rte_mempool_put_bulk(mp, o, n)
#define BM_ALLOC_BULK(mp, m, n) rte_pktmbuf_alloc_bulk(mp, m, n)
#define BM_FREE_BULK(m, n) rte_pktmbuf_free_bulk(m, n)
#define BM_FOREACH_WORKER(l) RTE_LCORE_FOREACH_WORKER(l)
#define BM_REMOTE_LAUNCH(fn, arg, l) rte_eal_remote_launch(fn, arg, l)
#define BM_WAIT_ALL_LCORES() rte_eal_mp_wait_lcore()
#define BM_LCORE_COUNT() rte_lcore_count()
#define BM_PREFIX "dpdk_"
#define BM_PROG "bench_dpdk_mempool"
#include "../bench_mempool_loops.h"

int main(void)
{
	int huge = bench_hugepages_usable(128);
	char *argv[] = { "bench_dpdk_mempool", "-l", bench_cpu_count() >= 2 ? "0-1" : "0",
			 "--no-pci", "--log-level=1", "-m", "256",
			 "--file-prefix=sl_bench_dpdk_mempool", huge ? NULL : "--no-huge", NULL };
	int argc = huge ? 8 : 9;
	struct rte_mempool *mp, *mp1, *nocache, *pkt;

	if (rte_eal_init(argc, argv) < 0) {
		fprintf(stderr, "bench_dpdk_mempool: rte_eal_init failed\n");
		return 77;
	}
	printf("# %s, memory: %s, lcores: %u\n", rte_version(),
	       huge ? "2 MiB hugepages" : "--no-huge 4 KiB pages", rte_lcore_count());
	mp = rte_mempool_create("bench_mp", POOL_N, OBJ_SIZE, CACHE, 0, NULL, NULL, NULL, NULL,
				SOCKET_ID_ANY, 0);
	mp1 = rte_mempool_create("bench_mp1", POOL_N, OBJ_SIZE, CACHE, 0, NULL, NULL, NULL, NULL,
				 SOCKET_ID_ANY, 0);
	nocache = rte_mempool_create("bench_nocache", POOL_N, OBJ_SIZE, 0, 0, NULL, NULL, NULL,
				     NULL, SOCKET_ID_ANY, 0);
	pkt = rte_pktmbuf_pool_create("bench_pkt", POOL_N, CACHE, 0, RTE_MBUF_DEFAULT_BUF_SIZE,
				      SOCKET_ID_ANY);
	if (mp == NULL || mp1 == NULL || nocache == NULL || pkt == NULL) {
		fprintf(stderr, "bench_dpdk_mempool: pool creation failed: %s\n",
			rte_strerror(rte_errno));
		return 1;
	}
	bm_run_all(mp, mp1, nocache, pkt);
	rte_mempool_free(pkt);
	rte_mempool_free(nocache);
	rte_mempool_free(mp1);
	rte_mempool_free(mp);
	rte_eal_cleanup();
	return 0;
}
