/* SPDX-License-Identifier: BSD-3-Clause
 * The ring benchmark loops, written once and compiled twice: by
 * bench_ring.c against sl_ring and by dpdk/bench_dpdk_ring.c against
 * rte_ring, so the two sides run the very same code around the ring calls.
 *
 * The includer defines, then includes this file:
 *   BR_RING_T                      ring type
 *   BR_SP_ENQ_BULK(r, objs, n)     and BR_SC_DEQ_BULK, BR_MP_ENQ_BULK,
 *   BR_MC_DEQ_BULK, BR_SP_ENQ_BURST, BR_SC_DEQ_BURST: return the count moved
 *   BR_PREFIX                      "ring_" or "dpdk_ring_"
 * and calls br_run_all(spsc_ring, mpmc_ring, ncpus) with two empty rings of
 * BR_RING_COUNT slots, created with SP/SC and with MP/MC flags.
 *
 * Every result is in millions of objects per second (Mops/s), an object
 * counted once when it has gone in and come out of the ring:
 *   <prefix>spsc_bulk8_1thr   one thread: SP enqueue 8, SC dequeue 8
 *   <prefix>spsc_bulk32_1thr  ... 32
 *   <prefix>mpmc_bulk8_1thr   one thread, MP/MC calls (CAS path, uncontended)
 *   <prefix>mpmc_bulk32_1thr
 *   <prefix>spsc_burst32_2thr producer pinned to CPU 1 enqueues bursts of 32,
 *                             consumer pinned to CPU 0 dequeues bursts of 32;
 *                             objects the consumer received per second
 *   <prefix>mpmc_bulk32_2thr  threads on CPU 0 and 1, each MP-enqueues 32 then
 *                             MC-dequeues 32 on the same ring; both summed
 * and one result in nanoseconds, run just before the two-thread cases:
 *   <prefix>xcore_latency_2thr one-way latency of a cache line between CPU 0
 *                             and CPU 1 (a counter bounced between them, no
 *                             ring involved). It tells where the host put the
 *                             two vCPUs: ~50 ns on one CCD of this project's
 *                             EPYC machine, ~200-270 ns on two, where every
 *                             two-thread figure is several times lower.
 *                             Compare two-thread runs only at like latencies.
 */
#ifndef SL_BENCH_RING_LOOPS_H
#define SL_BENCH_RING_LOOPS_H

#include "bench_common.h"

#define BR_RING_COUNT 4096
#define BR_CHUNK 256		/* iterations between clock reads */
#define BR_MAX_BURST 32

#if defined(__x86_64__) || defined(__i386__)
#define BR_PAUSE() __builtin_ia32_pause()
#else
#define BR_PAUSE() __asm__ volatile("" ::: "memory")
#endif

static void *br_objs_in[BR_MAX_BURST];

static void br_fill_objs(void)
{
	unsigned i;

	for (i = 0; i < BR_MAX_BURST; i++)
		br_objs_in[i] = (void *)(uintptr_t)(0x100000 + 64 * i);
}

static void br_drain(BR_RING_T *r)
{
	void *out[BR_MAX_BURST];

	while (BR_MC_DEQ_BULK(r, out, 1) != 0)
		;
}

static unsigned br_failures;

/* ---- one thread ----------------------------------------------------------- */

static inline __attribute__((always_inline)) double
br_1thr_loop(BR_RING_T *r, const unsigned n, const int mp, uint64_t run_ns)
{
	void *out[BR_MAX_BURST];
	uint64_t iters = 0, t0, t1, deadline;
	unsigned i, bad = 0;

	t0 = bench_now_ns();
	deadline = t0 + run_ns;
	do {
		for (i = 0; i < BR_CHUNK; i++) {
			if (mp) {
				bad += BR_MP_ENQ_BULK(r, br_objs_in, n) != n;
				bad += BR_MC_DEQ_BULK(r, out, n) != n;
			} else {
				bad += BR_SP_ENQ_BULK(r, br_objs_in, n) != n;
				bad += BR_SC_DEQ_BULK(r, out, n) != n;
			}
		}
		iters += BR_CHUNK;
		t1 = bench_now_ns();
	} while (t1 < deadline);
	/* the dequeued objects must be the enqueued ones */
	for (i = 0; i < n; i++)
		bad += out[i] != br_objs_in[i];
	br_failures += bad;
	return (double)(iters * n) * 1e3 / (double)(t1 - t0);
}

/* Constant sizes, as an application would write them: both rings' inline
 * copies see the same constant n. */
static __attribute__((noinline)) double br_spsc_8(BR_RING_T *r, uint64_t ns)
{ return br_1thr_loop(r, 8, 0, ns); }
static __attribute__((noinline)) double br_spsc_32(BR_RING_T *r, uint64_t ns)
{ return br_1thr_loop(r, 32, 0, ns); }
static __attribute__((noinline)) double br_mpmc_8(BR_RING_T *r, uint64_t ns)
{ return br_1thr_loop(r, 8, 1, ns); }
static __attribute__((noinline)) double br_mpmc_32(BR_RING_T *r, uint64_t ns)
{ return br_1thr_loop(r, 32, 1, ns); }

/* ---- two threads ---------------------------------------------------------- */

struct br_shared {
	BR_RING_T *r;
	uint64_t run_ns;
	struct bench_barrier start;
	/* written once by the consumer: its own line, read by the producer */
	unsigned stop __attribute__((aligned(128)));
};

struct br_thread {
	struct br_shared *sh;
	int cpu;
	uint64_t objs, ns;
} __attribute__((aligned(128)));

static void *br_spsc_producer(void *arg)
{
	struct br_thread *t = arg;
	BR_RING_T *r = t->sh->r;
	uint64_t objs = 0;

	bench_barrier_wait(&t->sh->start);
	while (!__atomic_load_n(&t->sh->stop, __ATOMIC_RELAXED)) {
		unsigned k = BR_SP_ENQ_BURST(r, br_objs_in, 32);

		objs += k;
		if (k == 0)
			BR_PAUSE();
	}
	t->objs = objs;
	return NULL;
}

static void *br_spsc_consumer(void *arg)
{
	struct br_thread *t = arg;
	BR_RING_T *r = t->sh->r;
	void *out[BR_MAX_BURST];
	uint64_t objs = 0, t0, t1, deadline;
	unsigned i;

	bench_barrier_wait(&t->sh->start);
	t0 = bench_now_ns();
	deadline = t0 + t->sh->run_ns;
	do {
		for (i = 0; i < BR_CHUNK; i++) {
			unsigned k = BR_SC_DEQ_BURST(r, out, 32);

			objs += k;
			if (k == 0)
				BR_PAUSE();
		}
		t1 = bench_now_ns();
	} while (t1 < deadline);
	__atomic_store_n(&t->sh->stop, 1, __ATOMIC_RELAXED);
	t->objs = objs;
	t->ns = t1 - t0;
	return NULL;
}

static void *br_mpmc_worker(void *arg)
{
	struct br_thread *t = arg;
	BR_RING_T *r = t->sh->r;
	void *out[BR_MAX_BURST];
	uint64_t iters = 0, t0, t1, deadline;
	unsigned i;

	bench_barrier_wait(&t->sh->start);
	t0 = bench_now_ns();
	deadline = t0 + t->sh->run_ns;
	do {
		for (i = 0; i < BR_CHUNK; i++) {
			/* The enqueue cannot fail (at most 64 objects in a
			 * ring of 4095); a dequeue can, briefly, while the
			 * other thread's enqueue is reserved but unpublished. */
			while (BR_MP_ENQ_BULK(r, br_objs_in, 32) == 0)
				BR_PAUSE();
			while (BR_MC_DEQ_BULK(r, out, 32) == 0)
				BR_PAUSE();
		}
		iters += BR_CHUNK;
		t1 = bench_now_ns();
	} while (t1 < deadline);
	t->objs = iters * 32;
	t->ns = t1 - t0;
	return NULL;
}

/* Runs fn on CPU 0 and CPU 1 (spsc: consumer on 0, producer on 1).
 * Returns Mops/s, or a negative value if threads cannot be started. */
static double br_2thr(BR_RING_T *r, uint64_t run_ns, int spsc)
{
	struct br_shared sh;
	struct br_thread th[2];
	pthread_t tid[2];
	double mops;
	int i;

	memset(&sh, 0, sizeof(sh));
	memset(th, 0, sizeof(th));
	sh.r = r;
	sh.run_ns = run_ns;
	bench_barrier_init(&sh.start, 2);
	for (i = 0; i < 2; i++) {
		th[i].sh = &sh;
		th[i].cpu = i;
		if (pthread_create(&tid[i], NULL,
				   spsc ? (i == 0 ? br_spsc_consumer : br_spsc_producer)
					: br_mpmc_worker, &th[i]) != 0) {
			fprintf(stderr, "bench: pthread_create failed\n");
			exit(1);
		}
		bench_pin_thread(tid[i], i);
	}
	for (i = 0; i < 2; i++)
		pthread_join(tid[i], NULL);
	if (spsc)
		mops = (double)th[0].objs * 1e3 / (double)th[0].ns;
	else
		mops = (double)(th[0].objs + th[1].objs) * 1e3 /
		       (double)(th[0].ns > th[1].ns ? th[0].ns : th[1].ns);
	br_drain(r);
	return mops;
}

/* ---- driver ----------------------------------------------------------------- */

static void br_case(const char *suffix, double (*fn)(BR_RING_T *, uint64_t), BR_RING_T *r)
{
	double v[BENCH_MAX_RUNS];
	unsigned runs = bench_runs(), i;
	char name[96];

	snprintf(name, sizeof(name), "%s%s", BR_PREFIX, suffix);
	if (!bench_selected(name))
		return;
	fn(r, bench_run_ns() / 10);	/* warm caches, TLB, branch predictors */
	for (i = 0; i < runs; i++)
		v[i] = fn(r, bench_run_ns());
	bench_print(name, bench_median(v, runs), "Mops/s");
}

/* ---- cross-core latency ------------------------------------------------------ */

#define BR_BOUNCES 100000u

struct br_bounce {
	struct bench_barrier start;
	unsigned counter __attribute__((aligned(128)));
};

/* One side of the bounce: waits for each value of its parity, answers with
 * the next. CPU 0 plays the even values, CPU 1 the odd ones. */
static void br_bounce(struct br_bounce *b, unsigned first)
{
	unsigned i;

	for (i = first; i < 2 * BR_BOUNCES; i += 2) {
		while (__atomic_load_n(&b->counter, __ATOMIC_ACQUIRE) != i)
			;
		__atomic_store_n(&b->counter, i + 1, __ATOMIC_RELEASE);
	}
}

static void *br_bounce_peer(void *arg)
{
	struct br_bounce *b = arg;

	bench_barrier_wait(&b->start);
	br_bounce(b, 1);
	return NULL;
}

/* Nanoseconds for one transfer of the counter's line from one CPU to the
 * other. This thread is on CPU 0, the peer on CPU 1. */
static double br_xcore_latency(void)
{
	struct br_bounce b;
	pthread_t peer;
	uint64_t t0, t1;

	memset(&b, 0, sizeof(b));
	bench_barrier_init(&b.start, 2);
	if (pthread_create(&peer, NULL, br_bounce_peer, &b) != 0) {
		fprintf(stderr, "bench: pthread_create failed\n");
		exit(1);
	}
	bench_pin_thread(peer, 1);
	bench_barrier_wait(&b.start);
	t0 = bench_now_ns();
	br_bounce(&b, 0);
	while (__atomic_load_n(&b.counter, __ATOMIC_ACQUIRE) != 2 * BR_BOUNCES)
		;
	t1 = bench_now_ns();
	pthread_join(peer, NULL);
	return (double)(t1 - t0) / (2.0 * BR_BOUNCES);
}

static void br_xcore_case(void)
{
	double v[BENCH_MAX_RUNS];
	unsigned runs = bench_runs(), i;
	char name[96];

	snprintf(name, sizeof(name), "%sxcore_latency_2thr", BR_PREFIX);
	if (!bench_selected(name))
		return;
	for (i = 0; i < runs; i++)
		v[i] = br_xcore_latency();
	bench_print(name, bench_median(v, runs), "ns");
}

static double br_spsc_2thr(BR_RING_T *r, uint64_t ns) { return br_2thr(r, ns, 1); }
static double br_mpmc_2thr(BR_RING_T *r, uint64_t ns) { return br_2thr(r, ns, 0); }

/* Returns the process exit status. The calling thread must be pinned to
 * CPU 0 already (DPDK's EAL does it for the main lcore; bench_ring.c
 * does it by hand); ncpus is bench_cpu_count() from before that pinning. */
static int br_run_all(BR_RING_T *spsc, BR_RING_T *mpmc, int ncpus)
{
	br_fill_objs();
	br_case("spsc_bulk8_1thr", br_spsc_8, spsc);
	br_case("spsc_bulk32_1thr", br_spsc_32, spsc);
	br_case("mpmc_bulk8_1thr", br_mpmc_8, mpmc);
	br_case("mpmc_bulk32_1thr", br_mpmc_32, mpmc);
	if (ncpus < 2) {
		printf("# fewer than 2 CPUs: two-thread cases skipped\n");
	} else {
		br_xcore_case();
		br_case("spsc_burst32_2thr", br_spsc_2thr, spsc);
		br_case("mpmc_bulk32_2thr", br_mpmc_2thr, mpmc);
	}
	if (br_failures != 0) {
		fprintf(stderr, "bench: %u ring calls moved the wrong objects or count\n",
			br_failures);
		return 1;
	}
	return 0;
}

#endif /* SL_BENCH_RING_LOOPS_H */
