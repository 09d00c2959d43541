/* SPDX-License-Identifier: BSD-3-Clause
 * The loops of ../bench_mempool.c against DPDK 22.11's rte_mempool and
 * rte_mbuf, for side-by-side numbers (same clock, median, pinning, run
 * length and pool geometry: 16384 objects of 64 bytes, cache 256).
 *
 *   dpdk_mempool_cached_bulk32_1lcore, dpdk_mempool_cached_bulk32_2lcore,
 *   dpdk_mempool_cached_bulk1_1lcore, dpdk_mempool_ring_bulk32_1lcore,
 *   dpdk_mbuf_alloc_free_bulk32_1lcore
 *
 * Hugepages when at least 128 free 2 MiB pages exist and a hugetlbfs is
 * mounted (which DPDK needs), else --no-huge: both sides decide alike.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_version.h>
#include <rte_launch.h>
#include <rte_lcore.h>
#include <rte_mbuf.h>
#include <rte_mempool.h>

#include "../bench_common.h"

#define BURST 32
#define POOL_N 16384
#define CACHE 256
#define CHUNK_ITERS 1024

enum bench_kind { K_MEMPOOL, K_MBUF };

struct worker {
	struct rte_mempool *mp;
	enum bench_kind kind;
	unsigned burst;
	uint64_t run_ns;
	struct bench_barrier *start;
	uint64_t objs;
	uint64_t ns;
	int err;
} __rte_cache_aligned;

static int worker_loop(void *p)
{
	struct worker *w = p;
	void *objs[BURST];
	struct rte_mbuf *mbufs[BURST];
	uint64_t iters = 0, t0, t1, deadline;
	const unsigned burst = w->burst;

	for (int i = 0; i < 1000; i++) {
		if (rte_mempool_get_bulk(w->mp, objs, burst) != 0) {
			w->err = 1;
			break;
		}
		rte_mempool_put_bulk(w->mp, objs, burst);
	}
	bench_barrier_wait(w->start);
	t0 = bench_now_ns();
	deadline = t0 + w->run_ns;
	do {
		if (w->kind == K_MEMPOOL) {
			for (unsigned i = 0; i < CHUNK_ITERS; i++) {
				if (unlikely(rte_mempool_get_bulk(w->mp, objs, burst) != 0)) {
					w->err = 1;
					continue;
				}
				rte_mempool_put_bulk(w->mp, objs, burst);
			}
		} else {
			for (unsigned i = 0; i < CHUNK_ITERS; i++) {
				if (unlikely(rte_pktmbuf_alloc_bulk(w->mp, mbufs, burst) != 0)) {
					w->err = 1;
					continue;
				}
				rte_pktmbuf_free_bulk(mbufs, burst);
			}
		}
		iters += CHUNK_ITERS;
		t1 = bench_now_ns();
	} while (t1 < deadline);
	w->objs = iters * burst;
	w->ns = t1 - t0;
	return 0;
}

static double run_once(struct rte_mempool *mp, enum bench_kind kind, unsigned burst,
		       unsigned nb_lcores)
{
	struct worker w[2];
	struct bench_barrier start;
	double total = 0;
	unsigned lcore, used = 1;

	bench_barrier_init(&start, nb_lcores);
	memset(w, 0, sizeof(w));
	for (unsigned i = 0; i < nb_lcores; i++) {
		w[i].mp = mp;
		w[i].kind = kind;
		w[i].burst = burst;
		w[i].run_ns = bench_run_ns();
		w[i].start = &start;
	}
	RTE_LCORE_FOREACH_WORKER(lcore) {
		if (used >= nb_lcores)
			break;
		if (rte_eal_remote_launch(worker_loop, &w[used], lcore) != 0) {
			fprintf(stderr, "bench_dpdk_mempool: cannot launch on lcore %u\n", lcore);
			exit(1);
		}
		used++;
	}
	worker_loop(&w[0]);
	rte_eal_mp_wait_lcore();
	for (unsigned i = 0; i < nb_lcores; i++) {
		if (w[i].err) {
			fprintf(stderr, "bench_dpdk_mempool: a get failed: pool too small\n");
			exit(1);
		}
		total += (double)w[i].objs * 1e3 / (double)w[i].ns;
	}
	return total;
}

static void bench_case(const char *name, struct rte_mempool *mp, enum bench_kind kind,
		       unsigned burst, unsigned nb_lcores)
{
	double v[BENCH_MAX_RUNS];
	unsigned runs = bench_runs();

	if (nb_lcores > rte_lcore_count()) {
		printf("# %s skipped: needs %u lcores\n", name, nb_lcores);
		return;
	}
	for (unsigned r = 0; r < runs; r++)
		v[r] = run_once(mp, kind, burst, nb_lcores);
	bench_print(name, bench_median(v, runs), "Mops/s");
}

/* DPDK needs a mounted hugetlbfs for hugepages (Sluice does not): both
 * benchmarks use hugepages only when DPDK could too, so that the two sides
 * always run on the same kind of memory. */
static int hugetlbfs_mounted(void)
{
	FILE *f = fopen("/proc/mounts", "r");
	char line[512];
	int found = 0;

	if (f == NULL)
		return 0;
	while (!found && fgets(line, sizeof(line), f) != NULL)
		found = strstr(line, " hugetlbfs ") != NULL;
	fclose(f);
	return found;
}

static unsigned long free_hugepages_2m(void)
{
	FILE *f = fopen("/sys/kernel/mm/hugepages/hugepages-2048kB/free_hugepages", "r");
	unsigned long v = 0;

	if (f == NULL)
		return 0;
	if (fscanf(f, "%lu", &v) != 1)
		v = 0;
	fclose(f);
	return v;
}

int main(void)
{
	int huge = free_hugepages_2m() >= 128 && hugetlbfs_mounted();
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
	mp = rte_mempool_create("bench_mp", POOL_N, 64, CACHE, 0, NULL, NULL, NULL, NULL,
				SOCKET_ID_ANY, 0);
	mp1 = rte_mempool_create("bench_mp1", POOL_N, 64, CACHE, 0, NULL, NULL, NULL, NULL,
				 SOCKET_ID_ANY, 0);
	nocache = rte_mempool_create("bench_nocache", POOL_N, 64, 0, 0, NULL, NULL, NULL, NULL,
				     SOCKET_ID_ANY, 0);
	pkt = rte_pktmbuf_pool_create("bench_pkt", POOL_N, CACHE, 0, RTE_MBUF_DEFAULT_BUF_SIZE,
				      SOCKET_ID_ANY);
	if (mp == NULL || mp1 == NULL || nocache == NULL || pkt == NULL) {
		fprintf(stderr, "bench_dpdk_mempool: pool creation failed: %s\n",
			rte_strerror(rte_errno));
		return 1;
	}
	bench_case("dpdk_mempool_cached_bulk32_1lcore", mp, K_MEMPOOL, BURST, 1);
	bench_case("dpdk_mempool_cached_bulk32_2lcore", mp, K_MEMPOOL, BURST, 2);
	bench_case("dpdk_mempool_cached_bulk1_1lcore", mp1, K_MEMPOOL, 1, 1);
	bench_case("dpdk_mempool_ring_bulk32_1lcore", nocache, K_MEMPOOL, BURST, 1);
	bench_case("dpdk_mbuf_alloc_free_bulk32_1lcore", pkt, K_MBUF, BURST, 1);
	rte_mempool_free(pkt);
	rte_mempool_free(nocache);
	rte_mempool_free(mp1);
	rte_mempool_free(mp);
	rte_eal_cleanup();
	return 0;
}
