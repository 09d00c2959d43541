/* SPDX-License-Identifier: BSD-3-Clause
 * Unit tests for lib/mempool. The EAL is set up once per process with
 * --no-huge (locked 4 KiB pages) and two lcores when the machine has two
 * CPUs; when free hugepages exist, a second round runs on hugepages.
 * Check runs in no-fork mode: the EAL's lcore threads do not survive fork. */
#include <check.h>
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sl_eal.h"
#include "sl_mempool.h"
#include "sl_test.h"

static unsigned nb_lcores;

/* ---- helpers ------------------------------------------------------------- */

static int cmp_ptr(const void *a, const void *b)
{
	uintptr_t x = (uintptr_t)*(void *const *)a, y = (uintptr_t)*(void *const *)b;

	return (x > y) - (x < y);
}

/* Takes every object that can be taken from the calling thread. */
static unsigned drain(struct sl_mempool *mp, void **objs, unsigned max)
{
	unsigned got = 0;

	while (got < max && sl_mempool_get(mp, &objs[got]) == 0)
		got++;
	return got;
}

/* ---- creation and errors ------------------------------------------------- */

START_TEST(create_errors)
{
	char long_name[SL_MEMPOOL_NAMESIZE + 8];
	struct sl_mempool *mp;

	errno = 0;
	ck_assert_ptr_null(sl_mempool_create("n0", 0, 64, 0, SL_SOCKET_ID_ANY, 0));
	ck_assert_int_eq(errno, EINVAL);
	errno = 0;
	ck_assert_ptr_null(sl_mempool_create("e0", 100, 0, 0, SL_SOCKET_ID_ANY, 0));
	ck_assert_int_eq(errno, EINVAL);
	errno = 0;
	ck_assert_ptr_null(sl_mempool_create("c513", 4096, 64, SL_MEMPOOL_CACHE_MAX_SIZE + 1,
					     SL_SOCKET_ID_ANY, 0));
	ck_assert_int_eq(errno, EINVAL);
	/* cache_size * 1.5 must not exceed n: 67 * 1.5 = 100.5 > 100 */
	errno = 0;
	ck_assert_ptr_null(sl_mempool_create("c67", 100, 64, 67, SL_SOCKET_ID_ANY, 0));
	ck_assert_int_eq(errno, EINVAL);
	errno = 0;
	ck_assert_ptr_null(sl_mempool_create(NULL, 100, 64, 0, SL_SOCKET_ID_ANY, 0));
	ck_assert_int_eq(errno, EINVAL);
	memset(long_name, 'x', sizeof(long_name) - 1);
	long_name[sizeof(long_name) - 1] = '\0';
	errno = 0;
	ck_assert_ptr_null(sl_mempool_create(long_name, 100, 64, 0, SL_SOCKET_ID_ANY, 0));
	ck_assert_int_eq(errno, EINVAL);
	errno = 0;
	ck_assert_ptr_null(sl_mempool_create("flags", 100, 64, 0, SL_SOCKET_ID_ANY, 0x80));
	ck_assert_int_eq(errno, EINVAL);
	/* an object bigger than a DMA chunk can hold */
	errno = 0;
	ck_assert_ptr_null(sl_mempool_create("huge_elt", 4, 64u << 20, 0, SL_SOCKET_ID_ANY, 0));
	ck_assert_int_eq(errno, EINVAL);

	/* the largest cache allowed for n = 100 */
	mp = sl_mempool_create("c66", 100, 64, 66, SL_SOCKET_ID_ANY, 0);
	ck_assert_ptr_nonnull(mp);
	errno = 0;
	ck_assert_ptr_null(sl_mempool_create("c66", 100, 64, 0, SL_SOCKET_ID_ANY, 0));
	ck_assert_int_eq(errno, EEXIST);
	ck_assert_ptr_eq(sl_mempool_lookup("c66"), mp);
	sl_mempool_free(mp);
	errno = 0;
	ck_assert_ptr_null(sl_mempool_lookup("c66"));
	ck_assert_int_eq(errno, ENOENT);
	sl_mempool_free(NULL);
}
END_TEST

/* Creating and freeing gives back every byte, also when creation fails
 * half-way for lack of memory. */
START_TEST(create_free_no_leak)
{
	size_t before = sl_mem_used_bytes();
	struct sl_mempool *mp;

	for (int i = 0; i < 3; i++) {
		mp = sl_mempool_create("leak", 5000, 1000, 128, SL_SOCKET_ID_ANY, 0);
		ck_assert_ptr_nonnull(mp);
		ck_assert_uint_gt(sl_mem_used_bytes(), before + 5000u * 1000u);
		sl_mempool_free(mp);
		ck_assert_uint_eq(sl_mem_used_bytes(), before);
	}
	/* More than the EAL has: fails after some chunks were allocated. */
	errno = 0;
	mp = sl_mempool_create("too_big", 1u << 20, 60000, 0, SL_SOCKET_ID_ANY, 0);
	ck_assert_ptr_null(mp);
	ck_assert_int_eq(errno, ENOMEM);
	ck_assert_uint_eq(sl_mem_used_bytes(), before);
	ck_assert_ptr_null(sl_mempool_lookup("too_big"));
	/* and the name is usable afterwards */
	mp = sl_mempool_create("too_big", 10, 64, 0, SL_SOCKET_ID_ANY, 0);
	ck_assert_ptr_nonnull(mp);
	sl_mempool_free(mp);
}
END_TEST

/* ---- object layout ------------------------------------------------------- */

struct layout_check {
	unsigned calls;
	unsigned char *seen;	/* [n] */
	unsigned bad_align, bad_hdr, bad_iova;
	int pattern_done;	/* second pass: objects hold the pattern already */
};

static void check_obj(struct sl_mempool *mp, void *arg, void *obj, unsigned idx)
{
	struct layout_check *lc = arg;
	sl_iova_t iova = sl_mempool_virt2iova(obj);

	lc->calls++;
	if (idx < mp->size)
		lc->seen[idx]++;
	if ((uintptr_t)obj % SL_CACHE_LINE_SIZE != 0)
		lc->bad_align++;
	if (sl_mempool_from_obj(obj) != mp)
		lc->bad_hdr++;
	if (lc->pattern_done)
		return;
	/* The header's IOVA is the EAL's, and the object does not straddle a
	 * discontinuity: its last byte is elt_size - 1 further in IOVA space. */
	if (iova != sl_mem_virt2iova(obj) ||
	    sl_mem_virt2iova((char *)obj + mp->elt_size - 1) != iova + mp->elt_size - 1)
		lc->bad_iova++;
	/* Objects are zeroed: write a pattern the next check can look for. */
	for (unsigned i = 0; i < mp->elt_size; i++)
		if (((unsigned char *)obj)[i] != 0)
			lc->bad_hdr++;
	memset(obj, 0xa5, mp->elt_size);
	if (mp->elt_size >= sizeof(unsigned))
		memcpy(obj, &idx, sizeof(idx));
}

static void layout_case(unsigned n, unsigned elt_size, unsigned cache_size)
{
	struct layout_check lc = { 0 };
	struct sl_mempool *mp;
	void **objs = calloc(n + 1, sizeof(void *));
	unsigned got;

	ck_assert_ptr_nonnull(objs);
	lc.seen = calloc(n, 1);
	ck_assert_ptr_nonnull(lc.seen);
	mp = sl_mempool_create_ex("layout", n, elt_size, cache_size, 0, SL_SOCKET_ID_ANY, 0,
				  check_obj, &lc);
	ck_assert_ptr_nonnull(mp);
	ck_assert_uint_eq(lc.calls, n);
	for (unsigned i = 0; i < n; i++)
		ck_assert_uint_eq(lc.seen[i], 1);
	ck_assert_uint_eq(lc.bad_align, 0);
	ck_assert_uint_eq(lc.bad_hdr, 0);
	ck_assert_uint_eq(lc.bad_iova, 0);
	ck_assert_uint_eq(sl_mempool_avail_count(mp), n);

	/* Every object can be taken once, each carries its init pattern, and
	 * no two overlap. */
	got = drain(mp, objs, n + 1);
	ck_assert_uint_eq(got, n);
	ck_assert_uint_eq(sl_mempool_avail_count(mp), 0);
	ck_assert_uint_eq(sl_mempool_in_use_count(mp), n);
	ck_assert(sl_mempool_empty(mp));
	qsort(objs, n, sizeof(void *), cmp_ptr);
	for (unsigned i = 0; i < n; i++) {
		unsigned char *o = objs[i];

		ck_assert_uint_eq((uintptr_t)o % SL_CACHE_LINE_SIZE, 0);
		if (elt_size > sizeof(unsigned)) {
			unsigned idx;

			memcpy(&idx, o, sizeof(idx));
			ck_assert_uint_lt(idx, n);
			ck_assert_uint_eq(o[elt_size - 1], 0xa5);
		} else {
			ck_assert_uint_eq(o[0], 0xa5);
		}
		if (i > 0)
			ck_assert_uint_ge((uintptr_t)objs[i] - (uintptr_t)objs[i - 1],
					  elt_size + SL_MEMPOOL_OBJHDR_SIZE);
	}
	sl_mempool_put_bulk(mp, objs, n);
	ck_assert_uint_eq(sl_mempool_avail_count(mp), n);
	ck_assert(sl_mempool_full(mp));

	/* obj_iter visits the same set again. */
	lc.calls = 0;
	lc.pattern_done = 1;
	memset(lc.seen, 0, n);
	ck_assert_uint_eq(sl_mempool_obj_iter(mp, check_obj, &lc), n);
	ck_assert_uint_eq(lc.calls, n);
	for (unsigned i = 0; i < n; i++)
		ck_assert_uint_eq(lc.seen[i], 1);
	ck_assert_uint_eq(lc.bad_align + lc.bad_hdr + lc.bad_iova, 0);
	sl_mempool_free(mp);
	free(lc.seen);
	free(objs);
}

START_TEST(layout_small)
{
	layout_case(1, 1, 0);
	layout_case(1000, 8, 32);
	layout_case(777, 64, 0);
	layout_case(500, 65, 250);
}
END_TEST

/* Objects spread over many DMA chunks (and, with --no-huge, many pages). */
START_TEST(layout_many_chunks)
{
	layout_case(8192, 2304, 256);
	layout_case(40, 1000000, 0);
}
END_TEST

/* ---- get/put semantics --------------------------------------------------- */

static void exhaustion_case(unsigned cache_size)
{
	enum { N = 200 };
	void *objs[N + 1], *one;
	struct sl_mempool *mp = sl_mempool_create("exhaust", N, 128, cache_size,
						  SL_SOCKET_ID_ANY, 0);

	ck_assert_ptr_nonnull(mp);
	ck_assert_int_eq(sl_mempool_get_bulk(mp, objs, N + 1), -ENOENT);
	ck_assert_uint_eq(sl_mempool_avail_count(mp), N);
	ck_assert_int_eq(sl_mempool_get_bulk(mp, objs, 120), 0);
	ck_assert_uint_eq(sl_mempool_in_use_count(mp), 120);
	ck_assert_int_eq(sl_mempool_get_bulk(mp, &objs[120], 81), -ENOENT);
	ck_assert_uint_eq(sl_mempool_in_use_count(mp), 120);
	ck_assert_int_eq(sl_mempool_get_bulk(mp, &objs[120], 80), 0);
	ck_assert_uint_eq(sl_mempool_avail_count(mp), 0);
	ck_assert_int_eq(sl_mempool_get(mp, &one), -ENOENT);
	/* all distinct */
	qsort(objs, N, sizeof(void *), cmp_ptr);
	for (unsigned i = 1; i < N; i++)
		ck_assert_ptr_ne(objs[i], objs[i - 1]);
	/* back in odd-sized pieces that cross the flush threshold */
	sl_mempool_put_bulk(mp, objs, 1);
	sl_mempool_put_bulk(mp, &objs[1], 99);
	ck_assert_uint_eq(sl_mempool_avail_count(mp), 100);
	sl_mempool_put_bulk(mp, &objs[100], 100);
	ck_assert_uint_eq(sl_mempool_avail_count(mp), N);
	ck_assert_uint_eq(sl_mempool_in_use_count(mp), 0);
	/* one big get (bigger than any cache) takes the cached objects too */
	ck_assert_int_eq(sl_mempool_get_bulk(mp, objs, N), 0);
	ck_assert_uint_eq(sl_mempool_avail_count(mp), 0);
	sl_mempool_put_bulk(mp, objs, N);
	sl_mempool_cache_flush(mp);
	ck_assert_uint_eq(sl_mempool_avail_count(mp), N);
	sl_mempool_free(mp);
}

START_TEST(exhaustion)
{
	exhaustion_case(0);
	exhaustion_case(8);
	exhaustion_case(32);
	exhaustion_case(133);	/* the largest for 200 */
}
END_TEST

/* The per-lcore cache is LIFO: the object put last comes back first. */
START_TEST(cache_lifo)
{
	struct sl_mempool *mp = sl_mempool_create("lifo", 1024, 64, 64, SL_SOCKET_ID_ANY, 0);
	void *a, *b, *c;

	ck_assert_ptr_nonnull(mp);
	ck_assert_int_eq(sl_mempool_get(mp, &a), 0);
	ck_assert_int_eq(sl_mempool_get(mp, &b), 0);
	sl_mempool_put(mp, a);
	sl_mempool_put(mp, b);
	ck_assert_int_eq(sl_mempool_get(mp, &c), 0);
	ck_assert_ptr_eq(c, b);
	ck_assert_int_eq(sl_mempool_get(mp, &c), 0);
	ck_assert_ptr_eq(c, a);
	sl_mempool_put(mp, a);
	sl_mempool_put(mp, b);
	sl_mempool_free(mp);
}
END_TEST

/* Single-producer/consumer ring modes: same semantics from one thread. */
START_TEST(sp_sc_flags)
{
	const unsigned flag_sets[] = { SL_MEMPOOL_F_SP_PUT, SL_MEMPOOL_F_SC_GET,
				       SL_MEMPOOL_F_SP_PUT | SL_MEMPOOL_F_SC_GET };

	for (unsigned f = 0; f < SL_DIM(flag_sets); f++) {
		for (unsigned cache = 0; cache <= 16; cache += 16) {
			struct sl_mempool *mp = sl_mempool_create("spsc", 100, 32, cache,
								  SL_SOCKET_ID_ANY, flag_sets[f]);
			void *objs[100];

			ck_assert_ptr_nonnull(mp);
			ck_assert_uint_eq(mp->flags, flag_sets[f]);
			ck_assert_int_eq(sl_mempool_get_bulk(mp, objs, 100), 0);
			ck_assert_int_eq(sl_mempool_get(mp, &objs[0]), -ENOENT);
			sl_mempool_put_bulk(mp, objs, 100);
			ck_assert_uint_eq(sl_mempool_avail_count(mp), 100);
			sl_mempool_free(mp);
		}
	}
}
END_TEST

/* ---- counts with caches on several lcores -------------------------------- */

struct count_job {
	struct sl_mempool *mp;
	unsigned get, put;	/* the worker takes get objects and returns put */
	void *objs[512];
	int rc;
};

static int count_worker(void *arg)
{
	struct count_job *j = arg;

	j->rc = sl_mempool_get_bulk(j->mp, j->objs, j->get);
	if (j->rc == 0)
		sl_mempool_put_bulk(j->mp, j->objs, j->put);
	return 0;
}

static void *count_foreign(void *arg)
{
	struct count_job *j = arg;

	j->rc = sl_lcore_id() == SL_LCORE_ID_ANY ? 0 : -1;
	if (j->rc == 0)
		j->rc = sl_mempool_get_bulk(j->mp, j->objs, j->get);
	if (j->rc == 0)
		sl_mempool_put_bulk(j->mp, j->objs, j->put);
	return NULL;
}

START_TEST(counts_across_lcores)
{
	enum { N = 2000 };
	struct sl_mempool *mp = sl_mempool_create("counts", N, 64, 256, SL_SOCKET_ID_ANY, 0);
	struct count_job job = { 0 };
	void *mine[100];
	pthread_t t;

	ck_assert_ptr_nonnull(mp);
	if (nb_lcores < 2) {
		sl_mempool_free(mp);
		printf("counts_across_lcores: one lcore only, cross-lcore part skipped\n");
		return;
	}
	/* Worker lcore: takes 300 (refills its cache from the ring), returns
	 * 250: its cache ends up holding objects, in_use is 50. */
	job.mp = mp;
	job.get = 300;
	job.put = 250;
	ck_assert_int_eq(sl_eal_remote_launch(count_worker, &job, 1), 0);
	ck_assert_int_eq(sl_eal_wait_lcore(1), 0);
	ck_assert_int_eq(job.rc, 0);
	ck_assert_uint_eq(sl_mempool_in_use_count(mp), 50);
	ck_assert_uint_eq(sl_mempool_avail_count(mp), N - 50);

	/* Main lcore takes 100 through its own cache. */
	ck_assert_int_eq(sl_mempool_get_bulk(mp, mine, 100), 0);
	ck_assert_uint_eq(sl_mempool_in_use_count(mp), 150);
	/* A thread that is not an lcore goes to the ring directly. */
	job.get = 40;
	job.put = 10;
	ck_assert_int_eq(pthread_create(&t, NULL, count_foreign, &job), 0);
	ck_assert_int_eq(pthread_join(t, NULL), 0);
	ck_assert_int_eq(job.rc, 0);
	ck_assert_uint_eq(sl_mempool_in_use_count(mp), 180);

	/* Everything back. The worker's 50 (objs[250..300), untouched by the
	 * foreign thread) go back through the main lcore's cache. */
	sl_mempool_put_bulk(mp, &job.objs[10], 30);
	sl_mempool_put_bulk(mp, mine, 100);
	ck_assert_uint_eq(sl_mempool_in_use_count(mp), 50);
	sl_mempool_put_bulk(mp, &job.objs[250], 50);
	ck_assert_uint_eq(sl_mempool_in_use_count(mp), 0);
	ck_assert_uint_eq(sl_mempool_avail_count(mp), N);
	/* flushing the main cache moves objects, it does not change counts */
	sl_mempool_cache_flush(mp);
	ck_assert_uint_eq(sl_mempool_avail_count(mp), N);
	sl_mempool_free(mp);
}
END_TEST

/* ---- no object handed out twice under concurrency ------------------------ */

struct hammer_arg {
	struct sl_mempool *mp;
	uint64_t stop_tsc;
	unsigned id;		/* tag written into objects: id + 1 */
	unsigned long ops, fails, double_gets, bad_puts;
};

static uint64_t xorshift(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

/* Gets bursts of 1..48 objects, marks each as ours (the mark must have
 * been 0: nobody else holds it), and puts them back after checking the
 * mark is still ours. */
static int hammer(void *p)
{
	struct hammer_arg *a = p;
	uint64_t seed = 0x1234567ull + a->id * 0x9e3779b97f4a7c15ull;
	void *objs[48];
	const uint64_t me = a->id + 1;

	while (sl_tsc() < a->stop_tsc) {
		unsigned n = 1 + (unsigned)(xorshift(&seed) % 48);

		if (sl_mempool_get_bulk(a->mp, objs, n) != 0) {
			a->fails++;
			continue;
		}
		for (unsigned i = 0; i < n; i++) {
			uint64_t prev = __atomic_exchange_n((uint64_t *)objs[i], me, __ATOMIC_RELAXED);

			if (prev != 0)
				a->double_gets++;
		}
		for (unsigned i = 0; i < n; i++) {
			uint64_t prev = __atomic_exchange_n((uint64_t *)objs[i], 0, __ATOMIC_RELAXED);

			if (prev != me)
				a->bad_puts++;
		}
		sl_mempool_put_bulk(a->mp, objs, n);
		a->ops++;
	}
	return 0;
}

static void *hammer_thread(void *p)
{
	hammer(p);
	return NULL;
}

static void hammer_case(unsigned n, unsigned cache_size, double seconds)
{
	struct sl_mempool *mp = sl_mempool_create("hammer", n, 64, cache_size,
						  SL_SOCKET_ID_ANY, 0);
	struct hammer_arg args[SL_MAX_LCORE + 1];
	unsigned nb = nb_lcores, lcore;
	uint64_t stop = sl_tsc() + (uint64_t)(seconds * (double)sl_tsc_hz());
	pthread_t foreign;
	unsigned long total_ops = 0, total_fails = 0;

	ck_assert_ptr_nonnull(mp);
	memset(args, 0, sizeof(args));
	for (unsigned i = 0; i <= nb; i++) {
		args[i].mp = mp;
		args[i].id = i;
		args[i].stop_tsc = stop;
	}
	/* every lcore plus one foreign thread (ring path) */
	SL_LCORE_FOREACH_WORKER(lcore)
		ck_assert_int_eq(sl_eal_remote_launch(hammer, &args[lcore], lcore), 0);
	ck_assert_int_eq(pthread_create(&foreign, NULL, hammer_thread, &args[nb]), 0);
	hammer(&args[sl_lcore_id()]);
	sl_eal_mp_wait_lcore();
	ck_assert_int_eq(pthread_join(foreign, NULL), 0);

	for (unsigned i = 0; i <= nb; i++) {
		ck_assert_uint_eq(args[i].double_gets, 0);
		ck_assert_uint_eq(args[i].bad_puts, 0);
		total_ops += args[i].ops;
		total_fails += args[i].fails;
	}
	ck_assert_uint_gt(total_ops, 100);
	(void)total_fails;
	ck_assert_uint_eq(sl_mempool_avail_count(mp), n);
	ck_assert_uint_eq(sl_mempool_in_use_count(mp), 0);
	sl_mempool_free(mp);
}

START_TEST(no_double_handout)
{
	/* plenty of objects: mostly cache hits, with refills and flushes */
	hammer_case(4096, 64, 0.5);
	/* scarce objects: gets fail now and then, caches drain each other */
	hammer_case(120, 16, 0.5);
	/* no cache: every call is an MP/MC ring operation */
	hammer_case(256, 0, 0.3);
}
END_TEST

/* ---- main ---------------------------------------------------------------- */

static Suite *mempool_suite(const char *name, int huge)
{
	Suite *s = suite_create(name);
	TCase *tc = tcase_create("core");

	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, create_errors);
	tcase_add_test(tc, layout_small);
	tcase_add_test(tc, layout_many_chunks);
	tcase_add_test(tc, exhaustion);
	tcase_add_test(tc, cache_lifo);
	tcase_add_test(tc, sp_sc_flags);
	tcase_add_test(tc, counts_across_lcores);
	tcase_add_test(tc, no_double_handout);
	if (!huge)
		tcase_add_test(tc, create_free_no_leak);
	suite_add_tcase(s, tc);
	return s;
}

/* -m 256 is a cap, so that the out-of-memory case fails fast instead of
 * locking all of the machine's RAM. */
static int eal_up(bool huge)
{
	if (sl_test_eal_up("test_mempool", huge, "256") < 0)
		return -1;
	nb_lcores = sl_lcore_count();
	return 0;
}

int main(void)
{
	int failed;

	if (eal_up(false) < 0) {
		printf("SKIP: sl_eal_init --no-huge failed (see the EAL message above)\n");
		return 77;
	}
	failed = sl_test_run_suite(mempool_suite("mempool (--no-huge)", 0));
	sl_eal_cleanup();

	/* -m 256 reserves 128 2 MiB pages at init. */
	if (sl_test_free_hugepages_2m() >= 128) {
		if (eal_up(true) < 0) {
			printf("hugepage round: sl_eal_init failed\n");
			failed++;
		} else {
			failed += sl_test_run_suite(mempool_suite("mempool (hugepages)", 1));
			sl_eal_cleanup();
		}
	} else {
		printf("hugepage round skipped: fewer than 128 free 2 MiB hugepages "
		       "(echo 512 > /proc/sys/vm/nr_hugepages)\n");
	}
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
