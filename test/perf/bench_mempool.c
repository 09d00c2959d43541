/* SPDX-License-Identifier: BSD-3-Clause
 * Mempool and mbuf fast-path benchmarks. The same loops against DPDK's
 * rte_mempool are in dpdk/bench_dpdk_mempool.c.
 *
 *   mempool_cached_bulk32_1lcore   get_bulk 32 + put_bulk 32, cache 256, one lcore
 *   mempool_cached_bulk32_2lcore   the same on two lcores at once, one pool (sum)
 *   mempool_cached_bulk1_1lcore    get + put of single objects
 *   mempool_ring_bulk32_1lcore     no cache: every call is an MP/MC ring operation
 *   mbuf_alloc_free_bulk32_1lcore  sl_pktmbuf_alloc_bulk 32 + sl_pktmbuf_free_bulk 32
 *
 * Unit: millions of objects (or mbufs) taken and given back per second.
 * Hugepages when at least 128 free 2 MiB pages exist and a hugetlbfs is
 * mounted (which DPDK needs), else --no-huge: both sides decide alike.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench_common.h"
#include "sl_eal.h"
#include "sl_mbuf.h"
#include "sl_mempool.h"

#define BURST 32
#define POOL_N 16384
#define CACHE 256
/* iterations between two clock reads */
#define CHUNK_ITERS 1024

enum bench_kind { K_MEMPOOL, K_MBUF };

struct worker {
	struct sl_mempool *mp;
	enum bench_kind kind;
	unsigned burst;
	uint64_t run_ns;
	struct bench_barrier *start;
	uint64_t objs;		/* out */
	uint64_t ns;		/* out */
	int err;		/* out */
} __sl_cache_aligned;

static int worker_loop(void *p)
{
	struct worker *w = p;
	void *objs[BURST];
	struct sl_mbuf *mbufs[BURST];
	uint64_t iters = 0, t0, t1, deadline;
	const unsigned burst = w->burst;

	/* warm the cache and the code */
	for (int i = 0; i < 1000; i++) {
		if (sl_mempool_get_bulk(w->mp, objs, burst) != 0) {
			w->err = 1;
			break;
		}
		sl_mempool_put_bulk(w->mp, objs, burst);
	}
	bench_barrier_wait(w->start);
	t0 = bench_now_ns();
	deadline = t0 + w->run_ns;
	do {
		if (w->kind == K_MEMPOOL) {
			for (unsigned i = 0; i < CHUNK_ITERS; i++) {
				if (sl_unlikely(sl_mempool_get_bulk(w->mp, objs, burst) != 0)) {
					w->err = 1;
					continue;
				}
				sl_mempool_put_bulk(w->mp, objs, burst);
			}
		} else {
			for (unsigned i = 0; i < CHUNK_ITERS; i++) {
				if (sl_unlikely(sl_pktmbuf_alloc_bulk(w->mp, mbufs, burst) != 0)) {
					w->err = 1;
					continue;
				}
				sl_pktmbuf_free_bulk(mbufs, burst);
			}
		}
		iters += CHUNK_ITERS;
		t1 = bench_now_ns();
	} while (t1 < deadline);
	w->objs = iters * burst;
	w->ns = t1 - t0;
	return 0;
}

/* One timed run on nb_lcores lcores (main first); returns Mobjs/s summed. */
static double run_once(struct sl_mempool *mp, enum bench_kind kind, unsigned burst,
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
	SL_LCORE_FOREACH_WORKER(lcore) {
		if (used >= nb_lcores)
			break;
		if (sl_eal_remote_launch(worker_loop, &w[used], lcore) != 0) {
			fprintf(stderr, "bench_mempool: cannot launch on lcore %u\n", lcore);
			exit(1);
		}
		used++;
	}
	worker_loop(&w[0]);
	sl_eal_mp_wait_lcore();
	for (unsigned i = 0; i < nb_lcores; i++) {
		if (w[i].err) {
			fprintf(stderr, "bench_mempool: a get failed: pool too small\n");
			exit(1);
		}
		total += (double)w[i].objs * 1e3 / (double)w[i].ns;
	}
	return total;
}

static void bench_case(const char *name, struct sl_mempool *mp, enum bench_kind kind,
		       unsigned burst, unsigned nb_lcores)
{
	double v[BENCH_MAX_RUNS];
	unsigned runs = bench_runs();

	if (nb_lcores > sl_lcore_count()) {
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
	mp = sl_mempool_create("bench_mp", POOL_N, 64, CACHE, SL_SOCKET_ID_ANY, 0);
	mp1 = sl_mempool_create("bench_mp1", POOL_N, 64, CACHE, SL_SOCKET_ID_ANY, 0);
	nocache = sl_mempool_create("bench_nocache", POOL_N, 64, 0, SL_SOCKET_ID_ANY, 0);
	pkt = sl_pktmbuf_pool_create("bench_pkt", POOL_N, CACHE, 0, SL_MBUF_DEFAULT_BUF_SIZE,
				     SL_SOCKET_ID_ANY);
	if (mp == NULL || mp1 == NULL || nocache == NULL || pkt == NULL) {
		fprintf(stderr, "bench_mempool: pool creation failed\n");
		return 1;
	}
	bench_case("mempool_cached_bulk32_1lcore", mp, K_MEMPOOL, BURST, 1);
	bench_case("mempool_cached_bulk32_2lcore", mp, K_MEMPOOL, BURST, 2);
	bench_case("mempool_cached_bulk1_1lcore", mp1, K_MEMPOOL, 1, 1);
	bench_case("mempool_ring_bulk32_1lcore", nocache, K_MEMPOOL, BURST, 1);
	bench_case("mbuf_alloc_free_bulk32_1lcore", pkt, K_MBUF, BURST, 1);
	sl_mempool_free(pkt);
	sl_mempool_free(nocache);
	sl_mempool_free(mp1);
	sl_mempool_free(mp);
	sl_eal_cleanup();
	return 0;
}
