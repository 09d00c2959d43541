/* SPDX-License-Identifier: BSD-3-Clause
 * The mempool and mbuf benchmark loops, written once and compiled twice: by
 * bench_mempool.c against sl_mempool/sl_mbuf and by
 * dpdk/bench_dpdk_mempool.c against rte_mempool/rte_mbuf, so both sides run
 * the very same code around the pool calls (same clock, median, pinning, run
 * length and pool geometry: 16384 objects of 64 bytes, cache 256).
 *
 * The includer defines, then includes this file:
 *   BM_POOL_T, BM_MBUF_T           pool and mbuf types
 *   BM_GET_BULK(mp, objs, n)       0 on success; BM_PUT_BULK(mp, objs, n)
 *   BM_ALLOC_BULK(mp, mbufs, n)    0 on success; BM_FREE_BULK(mbufs, n)
 *   BM_FOREACH_WORKER(l), BM_REMOTE_LAUNCH(fn, arg, l), BM_WAIT_ALL_LCORES(),
 *   BM_LCORE_COUNT()               the EAL's lcore calls
 *   BM_PREFIX                      "" or "dpdk_"; BM_PROG the program name
 * and calls bm_run_all(cached, cached_bulk1, uncached, pktmbuf_pool).
 *
 * Cases, in millions of objects (or mbufs) taken and given back per second:
 *   <prefix>mempool_cached_bulk32_1lcore   get_bulk 32 + put_bulk 32, one lcore
 *   <prefix>mempool_cached_bulk32_2lcore   the same on two lcores at once, one pool (sum)
 *   <prefix>mempool_cached_bulk1_1lcore    get + put of single objects
 *   <prefix>mempool_ring_bulk32_1lcore     no cache: every call is an MP/MC ring operation
 *   <prefix>mbuf_alloc_free_bulk32_1lcore  mbuf alloc_bulk 32 + free_bulk 32
 */
#ifndef SL_BENCH_MEMPOOL_LOOPS_H
#define SL_BENCH_MEMPOOL_LOOPS_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench_common.h"

#define BURST 32
#define POOL_N 16384
#define OBJ_SIZE 64
#define CACHE 256
/* iterations between two clock reads */
#define CHUNK_ITERS 1024

enum bench_kind { K_MEMPOOL, K_MBUF };

struct worker {
	BM_POOL_T *mp;
	enum bench_kind kind;
	unsigned burst;
	uint64_t run_ns;
	struct bench_barrier *start;
	uint64_t objs;		/* out */
	uint64_t ns;		/* out */
	int err;		/* out */
} __attribute__((aligned(64)));

static int worker_loop(void *p)
{
	struct worker *w = p;
	void *objs[BURST];
	BM_MBUF_T *mbufs[BURST];
	uint64_t iters = 0, t0, t1, deadline;
	const unsigned burst = w->burst;

	/* warm the cache and the code */
	for (int i = 0; i < 1000; i++) {
		if (BM_GET_BULK(w->mp, objs, burst) != 0) {
			w->err = 1;
			break;
		}
		BM_PUT_BULK(w->mp, objs, burst);
	}
	bench_barrier_wait(w->start);
	t0 = bench_now_ns();
	deadline = t0 + w->run_ns;
	do {
		if (w->kind == K_MEMPOOL) {
			for (unsigned i = 0; i < CHUNK_ITERS; i++) {
				if (__builtin_expect(BM_GET_BULK(w->mp, objs, burst) != 0, 0)) {
					w->err = 1;
					continue;
				}
				BM_PUT_BULK(w->mp, objs, burst);
			}
		} else {
			for (unsigned i = 0; i < CHUNK_ITERS; i++) {
				if (__builtin_expect(BM_ALLOC_BULK(w->mp, mbufs, burst) != 0, 0)) {
					w->err = 1;
					continue;
				}
				BM_FREE_BULK(mbufs, burst);
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
static double run_once(BM_POOL_T *mp, enum bench_kind kind, unsigned burst,
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
	BM_FOREACH_WORKER(lcore) {
		if (used >= nb_lcores)
			break;
		if (BM_REMOTE_LAUNCH(worker_loop, &w[used], lcore) != 0) {
			fprintf(stderr, BM_PROG ": cannot launch on lcore %u\n", lcore);
			exit(1);
		}
		used++;
	}
	worker_loop(&w[0]);
	BM_WAIT_ALL_LCORES();
	for (unsigned i = 0; i < nb_lcores; i++) {
		if (w[i].err) {
			fprintf(stderr, BM_PROG ": a get failed: pool too small\n");
			exit(1);
		}
		total += (double)w[i].objs * 1e3 / (double)w[i].ns;
	}
	return total;
}

static void bm_case(const char *name, BM_POOL_T *mp, enum bench_kind kind,
		       unsigned burst, unsigned nb_lcores)
{
	double v[BENCH_MAX_RUNS];
	unsigned runs = bench_runs();

	if (nb_lcores > BM_LCORE_COUNT()) {
		printf("# %s%s skipped: needs %u lcores\n", BM_PREFIX, name, nb_lcores);
		return;
	}
	char full[96];

	for (unsigned r = 0; r < runs; r++)
		v[r] = run_once(mp, kind, burst, nb_lcores);
	snprintf(full, sizeof(full), "%s%s", BM_PREFIX, name);
	bench_print(full, bench_median(v, runs), "Mops/s");
}

/* DPDK needs a mounted hugetlbfs for hugepages (Sluice does not): both
 * benchmarks use hugepages only when DPDK could too, so that the two sides
 * always run on the same kind of memory. */
static void bm_run_all(BM_POOL_T *cached, BM_POOL_T *cached_bulk1, BM_POOL_T *uncached,
		       BM_POOL_T *pktmbuf_pool)
{
	bm_case("mempool_cached_bulk32_1lcore", cached, K_MEMPOOL, BURST, 1);
	bm_case("mempool_cached_bulk32_2lcore", cached, K_MEMPOOL, BURST, 2);
	bm_case("mempool_cached_bulk1_1lcore", cached_bulk1, K_MEMPOOL, 1, 1);
	bm_case("mempool_ring_bulk32_1lcore", uncached, K_MEMPOOL, BURST, 1);
	bm_case("mbuf_alloc_free_bulk32_1lcore", pktmbuf_pool, K_MBUF, BURST, 1);
}

#endif /* SL_BENCH_MEMPOOL_LOOPS_H */
