/* SPDX-License-Identifier: BSD-3-Clause
 * Small helpers shared by the Sluice benchmarks and by their DPDK
 * side-by-side twins in test/perf/dpdk/ (so this header must not include
 * any Sluice or DPDK header: both sides measure with the same clock, the
 * same pinning and the same median).
 *
 * Output format (DESIGN.md): one line per result, "BENCH <name> <value> <unit>".
 *
 * Environment knobs, read by every benchmark:
 *   BENCH_RUNS=n      runs per case, the median is reported (default 5)
 *   BENCH_SECONDS=x   target length of one run in seconds (default 0.4)
 *   BENCH_FILTER=s    run only the cases whose name contains s (benchmarks
 *                     that check bench_selected())
 */
#ifndef SL_BENCH_COMMON_H
#define SL_BENCH_COMMON_H

#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define BENCH_MAX_RUNS 64

static inline uint64_t bench_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static inline unsigned bench_runs(void)
{
	const char *s = getenv("BENCH_RUNS");
	long v = s ? strtol(s, NULL, 10) : 5;

	if (v < 1)
		v = 1;
	if (v > BENCH_MAX_RUNS)
		v = BENCH_MAX_RUNS;
	return (unsigned)v;
}

/* Target duration of one run in nanoseconds. */
static inline uint64_t bench_run_ns(void)
{
	const char *s = getenv("BENCH_SECONDS");
	double v = s ? strtod(s, NULL) : 0.4;

	if (!(v > 0.001))
		v = 0.001;
	if (v > 10.0)
		v = 10.0;
	return (uint64_t)(v * 1e9);
}

static int bench_cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/* Median of v[0..n-1]; sorts v in place. n >= 1. */
static inline double bench_median(double *v, unsigned n)
{
	qsort(v, n, sizeof(*v), bench_cmp_double);
	if (n & 1)
		return v[n / 2];
	return (v[n / 2 - 1] + v[n / 2]) / 2.0;
}

/* Whether the case `name` should run (BENCH_FILTER unset, or a substring
 * of name). */
static inline int bench_selected(const char *name)
{
	const char *f = getenv("BENCH_FILTER");

	return f == NULL || *f == '\0' || strstr(name, f) != NULL;
}

static inline void bench_print(const char *name, double value, const char *unit)
{
	printf("BENCH %s %.2f %s\n", name, value, unit);
	fflush(stdout);
}

/* Pins thread t to one CPU. Returns 0, or a positive errno (as pthread
 * functions do) after printing why: a benchmark that cannot pin still runs,
 * its numbers are just noisier. */
static inline int bench_pin_thread(pthread_t t, int cpu)
{
	cpu_set_t set;
	int rc;

	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	rc = pthread_setaffinity_np(t, sizeof(set), &set);
	if (rc != 0)
		fprintf(stderr, "bench: cannot pin a thread to CPU %d: %s\n", cpu, strerror(rc));
	return rc;
}

static inline int bench_pin_self(int cpu)
{
	return bench_pin_thread(pthread_self(), cpu);
}

/* Number of CPUs this process may run on. */
/* hugetlbfs is mounted and at least min_pages 2 MiB pages are free: a
 * DPDK side can then run on hugepages, as DPDK applications do. */
static inline int bench_hugepages_usable(unsigned long min_pages)
{
	FILE *f = fopen("/proc/mounts", "r");
	char line[512];
	int mounted = 0;
	unsigned long free_pages = 0;

	if (f == NULL)
		return 0;
	while (!mounted && fgets(line, sizeof(line), f) != NULL)
		mounted = strstr(line, " hugetlbfs ") != NULL;
	fclose(f);
	f = fopen("/sys/kernel/mm/hugepages/hugepages-2048kB/free_hugepages", "r");
	if (f == NULL)
		return 0;
	if (fscanf(f, "%lu", &free_pages) != 1)
		free_pages = 0;
	fclose(f);
	return mounted && free_pages >= min_pages;
}

static inline int bench_cpu_count(void)
{
	cpu_set_t set;

	if (sched_getaffinity(0, sizeof(set), &set) != 0)
		return 1;
	return CPU_COUNT(&set);
}

/* Spin barrier for threads that start a timed section together (a
 * pthread_barrier sleeps in the kernel, and waking takes tens of us). */
struct bench_barrier {
	unsigned nthreads;
	unsigned arrived;	/* __atomic */
	unsigned generation;	/* __atomic */
};

static inline void bench_barrier_init(struct bench_barrier *b, unsigned nthreads)
{
	b->nthreads = nthreads;
	b->arrived = 0;
	b->generation = 0;
}

static inline void bench_barrier_wait(struct bench_barrier *b)
{
	unsigned gen = __atomic_load_n(&b->generation, __ATOMIC_ACQUIRE);

	if (__atomic_add_fetch(&b->arrived, 1, __ATOMIC_ACQ_REL) == b->nthreads) {
		__atomic_store_n(&b->arrived, 0, __ATOMIC_RELAXED);
		__atomic_store_n(&b->generation, gen + 1, __ATOMIC_RELEASE);
		return;
	}
	while (__atomic_load_n(&b->generation, __ATOMIC_ACQUIRE) == gen) {
#if defined(__x86_64__) || defined(__i386__)
		__builtin_ia32_pause();
#endif
	}
}

#endif /* SL_BENCH_COMMON_H */
