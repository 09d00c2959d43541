/* SPDX-License-Identifier: BSD-3-Clause
 * Unit tests for lib/ring. None of them calls sl_eal_init: a ring must work
 * in plain memory. The multi-thread stress tests also run under TSan. */
#include <check.h>
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "sl_ring.h"
#include "ring_private.h"

/* ---- helpers ------------------------------------------------------------- */

#define OBJ(v) ((void *)(uintptr_t)(v))
#define VAL(p) ((uint64_t)(uintptr_t)(p))

typedef unsigned (*enq_fn)(struct sl_ring *, void *const *, unsigned, unsigned *);
typedef unsigned (*deq_fn)(struct sl_ring *, void **, unsigned, unsigned *);
typedef int (*enq1_fn)(struct sl_ring *, void *);
typedef int (*deq1_fn)(struct sl_ring *, void **);

/* Every way of calling the ring: the default mode from the flags, and the
 * forced variants (created with the opposite flags, to show that the
 * forced mode wins). */
struct ring_mode {
	unsigned flags;
	enq_fn enq_bulk, enq_burst;
	deq_fn deq_bulk, deq_burst;
	enq1_fn enq1;
	deq1_fn deq1;
};

static const struct ring_mode modes[] = {
	{ /* default SP/SC */ SL_RING_F_SP_ENQ | SL_RING_F_SC_DEQ,
	  sl_ring_enqueue_bulk, sl_ring_enqueue_burst,
	  sl_ring_dequeue_bulk, sl_ring_dequeue_burst, sl_ring_enqueue, sl_ring_dequeue },
	{ /* default MP/MC */ 0,
	  sl_ring_enqueue_bulk, sl_ring_enqueue_burst,
	  sl_ring_dequeue_bulk, sl_ring_dequeue_burst, sl_ring_enqueue, sl_ring_dequeue },
	{ /* forced sp/sc */ 0,
	  sl_ring_sp_enqueue_bulk, sl_ring_sp_enqueue_burst,
	  sl_ring_sc_dequeue_bulk, sl_ring_sc_dequeue_burst, sl_ring_sp_enqueue, sl_ring_sc_dequeue },
	{ /* forced mp/mc */ SL_RING_F_SP_ENQ | SL_RING_F_SC_DEQ,
	  sl_ring_mp_enqueue_bulk, sl_ring_mp_enqueue_burst,
	  sl_ring_mc_dequeue_bulk, sl_ring_mc_dequeue_burst, sl_ring_mp_enqueue, sl_ring_mc_dequeue },
	{ /* mixed SP/MC */ SL_RING_F_SP_ENQ,
	  sl_ring_enqueue_bulk, sl_ring_enqueue_burst,
	  sl_ring_dequeue_bulk, sl_ring_dequeue_burst, sl_ring_enqueue, sl_ring_dequeue },
	{ /* mixed MP/SC */ SL_RING_F_SC_DEQ,
	  sl_ring_enqueue_bulk, sl_ring_enqueue_burst,
	  sl_ring_dequeue_bulk, sl_ring_dequeue_burst, sl_ring_enqueue, sl_ring_dequeue },
};
#define N_MODES ((int)SL_DIM(modes))

/* A ring in exactly sl_ring_get_memsize_flags() bytes of aligned heap memory, so
 * that ASan catches any access past the end. */
static struct sl_ring *ring_new(unsigned count, unsigned flags)
{
	ssize_t len = sl_ring_get_memsize_flags(count, flags);
	struct sl_ring *r;

	ck_assert_int_gt(len, 0);
	ck_assert_int_eq(len % SL_CACHE_LINE_SIZE, 0);
	r = aligned_alloc(SL_CACHE_LINE_SIZE, (size_t)len);
	ck_assert_ptr_nonnull(r);
	ck_assert_int_eq(sl_ring_init(r, "test", count, flags), 0);
	return r;
}

static uint64_t rng_state = 0x9e3779b97f4a7c15ull;
static uint64_t rng(void)
{
	/* xorshift64*: deterministic, good enough to pick sizes. */
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * 0x2545f4914f6cdd1dull;
}

/* ---- sizing and control path ---------------------------------------------- */

START_TEST(test_memsize)
{
	ssize_t s8 = sl_ring_get_memsize(8), s1024 = sl_ring_get_memsize(1024);

	ck_assert_int_gt(s8, 0);
	ck_assert_int_ge(s1024, (ssize_t)sizeof(struct sl_ring) + 1024 * (ssize_t)sizeof(void *));
	ck_assert_int_eq(s1024 - s8, (1024 - 8) * (ssize_t)sizeof(void *));
	ck_assert_int_eq(s1024 % SL_CACHE_LINE_SIZE, 0);
	ck_assert_int_eq(sl_ring_get_memsize(1000), -EINVAL);
	ck_assert_int_eq(sl_ring_get_memsize(0), -EINVAL);
	ck_assert_int_eq(sl_ring_get_memsize(1), -EINVAL);
	ck_assert_int_eq(sl_ring_get_memsize(SL_RING_SIZE_MAX * 2u), -EINVAL);
	/* exact size: next power of two above count */
	ck_assert_int_eq(sl_ring_get_memsize_flags(1000, SL_RING_F_EXACT_SZ), s1024);
	ck_assert_int_eq(sl_ring_get_memsize_flags(1023, SL_RING_F_EXACT_SZ), s1024);
	ck_assert_int_eq(sl_ring_get_memsize_flags(1024, SL_RING_F_EXACT_SZ),
			 sl_ring_get_memsize(2048));
	ck_assert_int_eq(sl_ring_get_memsize_flags(0, SL_RING_F_EXACT_SZ), -EINVAL);
	ck_assert_int_eq(sl_ring_get_memsize_flags(8, 0x100), -EINVAL);
}
END_TEST

START_TEST(test_init_bad_args)
{
	struct sl_ring *r = aligned_alloc(SL_CACHE_LINE_SIZE, (size_t)sl_ring_get_memsize(64) + 64);
	char long_name[SL_RING_NAMESIZE + 1];

	ck_assert_int_eq(sl_ring_init((struct sl_ring *)(void *)((char *)r + 16), "r", 8, 0), -EINVAL);

	memset(long_name, 'x', sizeof(long_name) - 1);
	long_name[sizeof(long_name) - 1] = '\0';
	ck_assert_int_eq(sl_ring_init(NULL, "r", 64, 0), -EINVAL);
	ck_assert_int_eq(sl_ring_init(r, NULL, 64, 0), -EINVAL);
	ck_assert_int_eq(sl_ring_init(r, long_name, 64, 0), -ENAMETOOLONG);
	long_name[SL_RING_NAMESIZE - 1] = '\0';	/* 31 characters: fits */
	ck_assert_int_eq(sl_ring_init(r, long_name, 64, 0), 0);
	ck_assert_str_eq(sl_ring_get_name(r), long_name);
	ck_assert_int_eq(sl_ring_init(r, "r", 63, 0), -EINVAL);
	ck_assert_int_eq(sl_ring_init(r, "r", 0, 0), -EINVAL);
	ck_assert_int_eq(sl_ring_init(r, "r", 1, 0), -EINVAL);
	ck_assert_int_eq(sl_ring_init(r, "r", 64, 0x80), -EINVAL);
	ck_assert_int_eq(sl_ring_init(r, "r", 0, SL_RING_F_EXACT_SZ), -EINVAL);
	ck_assert_int_eq(sl_ring_init(r, "r", SL_RING_SIZE_MAX, SL_RING_F_EXACT_SZ), -EINVAL);
	free(r);
}
END_TEST

START_TEST(test_capacity)
{
	static const struct { unsigned count, flags, size, capacity; } cases[] = {
		{ 2, 0, 2, 1 },
		{ 1024, 0, 1024, 1023 },
		{ 1, SL_RING_F_EXACT_SZ, 2, 1 },
		{ 1000, SL_RING_F_EXACT_SZ, 1024, 1000 },
		{ 1023, SL_RING_F_EXACT_SZ, 1024, 1023 },
		{ 1024, SL_RING_F_EXACT_SZ, 2048, 1024 },
		{ 4095, SL_RING_F_EXACT_SZ, 4096, 4095 },
	};
	unsigned i;

	for (i = 0; i < SL_DIM(cases); i++) {
		struct sl_ring *r = ring_new(cases[i].count, cases[i].flags);

		ck_assert_uint_eq(sl_ring_get_size(r), cases[i].size);
		ck_assert_uint_eq(sl_ring_get_capacity(r), cases[i].capacity);
		ck_assert_uint_eq(sl_ring_count(r), 0);
		ck_assert_uint_eq(sl_ring_free_count(r), cases[i].capacity);
		ck_assert(sl_ring_empty(r));
		ck_assert(!sl_ring_full(r));
		free(r);
	}
}
END_TEST

START_TEST(test_create_lookup_free)
{
	struct sl_ring *a, *b;
	char long_name[40];

	errno = 0;
	ck_assert_ptr_null(sl_ring_lookup("test_a"));
	ck_assert_int_eq(errno, ENOENT);
	a = sl_ring_create("test_a", 256, SL_SOCKET_ID_ANY, SL_RING_F_SP_ENQ);
	ck_assert_ptr_nonnull(a);
	ck_assert_uint_eq((uintptr_t)a % SL_CACHE_LINE_SIZE, 0);
	ck_assert_uint_eq(sl_ring_get_capacity(a), 255);
	b = sl_ring_create("test_b", 100, 0, SL_RING_F_EXACT_SZ);
	ck_assert_ptr_nonnull(b);
	ck_assert_uint_eq(sl_ring_get_capacity(b), 100);
	ck_assert_ptr_eq(sl_ring_lookup("test_a"), a);
	ck_assert_ptr_eq(sl_ring_lookup("test_b"), b);

	errno = 0;
	ck_assert_ptr_null(sl_ring_create("test_a", 64, SL_SOCKET_ID_ANY, 0));
	ck_assert_int_eq(errno, EEXIST);
	errno = 0;
	ck_assert_ptr_null(sl_ring_create("test_c", 100, SL_SOCKET_ID_ANY, 0));
	ck_assert_int_eq(errno, EINVAL);
	errno = 0;
	ck_assert_ptr_null(sl_ring_create("test_c", 64, 4096, 0));
	ck_assert_int_eq(errno, EINVAL);
	errno = 0;
	ck_assert_ptr_null(sl_ring_create("test_c", 64, -7, 0));
	ck_assert_int_eq(errno, EINVAL);
	memset(long_name, 'n', sizeof(long_name) - 1);
	long_name[sizeof(long_name) - 1] = '\0';
	errno = 0;
	ck_assert_ptr_null(sl_ring_create(long_name, 64, SL_SOCKET_ID_ANY, 0));
	ck_assert_int_eq(errno, ENAMETOOLONG);
	errno = 0;
	ck_assert_ptr_null(sl_ring_create(NULL, 64, SL_SOCKET_ID_ANY, 0));
	ck_assert_int_eq(errno, EINVAL);

	/* the rings work */
	ck_assert_int_eq(sl_ring_enqueue(a, OBJ(7)), 0);
	ck_assert_int_eq(sl_ring_enqueue(b, OBJ(8)), 0);
	{
		void *o;
		ck_assert_int_eq(sl_ring_dequeue(a, &o), 0);
		ck_assert_ptr_eq(o, OBJ(7));
		ck_assert_int_eq(sl_ring_dequeue(b, &o), 0);
		ck_assert_ptr_eq(o, OBJ(8));
	}

	sl_ring_free(a);
	ck_assert_ptr_null(sl_ring_lookup("test_a"));
	ck_assert_ptr_eq(sl_ring_lookup("test_b"), b);
	/* the name is free again */
	a = sl_ring_create("test_a", 64, SL_SOCKET_ID_ANY, 0);
	ck_assert_ptr_nonnull(a);
	sl_ring_free(a);
	sl_ring_free(b);
	ck_assert_ptr_null(sl_ring_lookup("test_b"));
	sl_ring_free(NULL);

	/* a ring in caller memory is not freed by sl_ring_free */
	a = ring_new(16, 0);
	sl_ring_free(a);
	ck_assert_int_eq(sl_ring_enqueue(a, OBJ(1)), 0);
	ck_assert_uint_eq(sl_ring_count(a), 1);
	free(a);
}
END_TEST

START_TEST(test_dump)
{
	struct sl_ring *r = ring_new(1000, SL_RING_F_EXACT_SZ | SL_RING_F_SC_DEQ);
	char buf[512] = "";
	FILE *f = fmemopen(buf, sizeof(buf) - 1, "w");

	ck_assert_ptr_nonnull(f);
	ck_assert_int_eq(sl_ring_enqueue(r, OBJ(1)), 0);
	ck_assert_int_eq(sl_ring_enqueue(r, OBJ(2)), 0);
	sl_ring_dump(f, r);
	fclose(f);
	ck_assert_msg(strstr(buf, "ring \"test\"") != NULL, "%s", buf);
	ck_assert_msg(strstr(buf, "(MP/SC, exact size), size 1024, capacity 1000") != NULL, "%s", buf);
	ck_assert_msg(strstr(buf, "prod head 2 tail 2 | cons head 0 tail 0 | used 2 free 998") != NULL,
		      "%s", buf);
	free(r);
}
END_TEST

#ifdef SL_DEBUG_CHECKS
/* With -Ddebug_checks=true the fast path rejects NULL with a log line. */
START_TEST(test_debug_checks)
{
	void *objs[4] = { NULL };
	struct sl_ring *r = ring_new(8, 0);

	ck_assert_uint_eq(sl_ring_enqueue_bulk(NULL, objs, 4, NULL), 0);
	ck_assert_uint_eq(sl_ring_dequeue_burst(NULL, objs, 4, NULL), 0);
	ck_assert_uint_eq(sl_ring_mp_enqueue_burst(r, NULL, 4, NULL), 0);
	ck_assert_uint_eq(sl_ring_sc_dequeue_bulk(r, NULL, 4, NULL), 0);
	ck_assert_uint_eq(sl_ring_count(r), 0);
	free(r);
}
END_TEST
#endif

/* ---- every API x mode x bulk/burst, single thread --------------------------- */

/* Fill with bulk calls up to full, check outputs, then drain. _i: mode. */
START_TEST(test_bulk_full_empty)
{
	const struct ring_mode *m = &modes[_i];
	struct sl_ring *r = ring_new(64, m->flags);	/* capacity 63 */
	void *in[64], *out[64];
	unsigned i, fs = 12345, av = 12345, next_out = 0;

	for (i = 0; i < SL_DIM(in); i++)
		in[i] = OBJ(0x1000 + i);

	/* empty: bulk dequeue fails and says 0 available */
	ck_assert_uint_eq(m->deq_bulk(r, out, 1, &av), 0);
	ck_assert_uint_eq(av, 0);
	ck_assert_uint_eq(m->deq_bulk(r, out, 0, &av), 0);

	/* 10 + 20 + 30 = 60, then 3 more = 63 = capacity */
	ck_assert_uint_eq(m->enq_bulk(r, in, 10, &fs), 10);
	ck_assert_uint_eq(fs, 53);
	ck_assert_uint_eq(m->enq_bulk(r, in + 10, 20, NULL), 20);
	ck_assert_uint_eq(m->enq_bulk(r, in + 30, 30, &fs), 30);
	ck_assert_uint_eq(fs, 3);
	ck_assert_uint_eq(sl_ring_count(r), 60);
	/* all or nothing: 4 do not fit, nothing moves */
	ck_assert_uint_eq(m->enq_bulk(r, in + 60, 4, &fs), 0);
	ck_assert_uint_eq(fs, 3);
	ck_assert_uint_eq(sl_ring_count(r), 60);
	ck_assert_uint_eq(m->enq_bulk(r, in + 60, 3, &fs), 3);
	ck_assert_uint_eq(fs, 0);
	ck_assert(sl_ring_full(r));
	ck_assert_uint_eq(sl_ring_free_count(r), 0);
	ck_assert_uint_eq(m->enq_bulk(r, in, 1, &fs), 0);
	ck_assert_int_eq(m->enq1(r, in[0]), -ENOBUFS);

	/* drain: more than available fails; then in order */
	ck_assert_uint_eq(m->deq_bulk(r, out, 64, &av), 0);
	ck_assert_uint_eq(av, 63);
	ck_assert_uint_eq(m->deq_bulk(r, out, 7, &av), 7);
	ck_assert_uint_eq(av, 56);
	ck_assert_uint_eq(m->deq_bulk(r, out + 7, 50, NULL), 50);
	ck_assert_uint_eq(m->deq_bulk(r, out + 57, 6, &av), 6);
	ck_assert_uint_eq(av, 0);
	for (i = 0; i < 63; i++)
		ck_assert_ptr_eq(out[i], in[next_out++]);
	ck_assert(sl_ring_empty(r));
	ck_assert_uint_eq(sl_ring_free_count(r), 63);
	ck_assert_int_eq(m->deq1(r, &out[0]), -ENOENT);
	free(r);
}
END_TEST

START_TEST(test_burst_partial)
{
	const struct ring_mode *m = &modes[_i];
	struct sl_ring *r = ring_new(16, m->flags);	/* capacity 15 */
	void *in[40], *out[40];
	unsigned i, fs, av;

	for (i = 0; i < SL_DIM(in); i++)
		in[i] = OBJ(0xabc0000 + i);

	ck_assert_uint_eq(m->deq_burst(r, out, 8, &av), 0);
	ck_assert_uint_eq(av, 0);
	ck_assert_uint_eq(m->enq_burst(r, in, 10, &fs), 10);
	ck_assert_uint_eq(fs, 5);
	/* only 5 fit */
	ck_assert_uint_eq(m->enq_burst(r, in + 10, 8, &fs), 5);
	ck_assert_uint_eq(fs, 0);
	ck_assert_uint_eq(m->enq_burst(r, in + 15, 8, &fs), 0);
	ck_assert_uint_eq(fs, 0);
	ck_assert_uint_eq(sl_ring_count(r), 15);
	/* burst larger than the whole ring */
	ck_assert_uint_eq(m->deq_burst(r, out, 40, &av), 15);
	ck_assert_uint_eq(av, 0);
	for (i = 0; i < 15; i++)
		ck_assert_ptr_eq(out[i], in[i]);
	ck_assert_uint_eq(m->enq_burst(r, in, 40, &fs), 15);
	ck_assert_uint_eq(fs, 0);
	ck_assert_uint_eq(m->deq_burst(r, out, 4, &av), 4);
	ck_assert_uint_eq(av, 11);
	ck_assert_uint_eq(m->deq_burst(r, out + 4, 0, &av), 0);
	ck_assert_uint_eq(av, 11);
	ck_assert_uint_eq(m->deq_burst(r, out + 4, 40, NULL), 11);
	for (i = 0; i < 15; i++)
		ck_assert_ptr_eq(out[i], in[i]);
	free(r);
}
END_TEST

START_TEST(test_single_object)
{
	const struct ring_mode *m = &modes[_i];
	struct sl_ring *r = ring_new(4, m->flags);	/* capacity 3 */
	void *o = NULL;

	ck_assert_int_eq(m->deq1(r, &o), -ENOENT);
	ck_assert_int_eq(m->enq1(r, OBJ(1)), 0);
	ck_assert_int_eq(m->enq1(r, NULL), 0);	/* NULL is a valid object */
	ck_assert_int_eq(m->enq1(r, OBJ(3)), 0);
	ck_assert_int_eq(m->enq1(r, OBJ(4)), -ENOBUFS);
	ck_assert_int_eq(m->deq1(r, &o), 0);
	ck_assert_ptr_eq(o, OBJ(1));
	ck_assert_int_eq(m->enq1(r, OBJ(4)), 0);
	ck_assert_int_eq(m->deq1(r, &o), 0);
	ck_assert_ptr_null(o);
	ck_assert_int_eq(m->deq1(r, &o), 0);
	ck_assert_ptr_eq(o, OBJ(3));
	ck_assert_int_eq(m->deq1(r, &o), 0);
	ck_assert_ptr_eq(o, OBJ(4));
	ck_assert_int_eq(m->deq1(r, &o), -ENOENT);
	free(r);
}
END_TEST

/* Random bulk/burst sizes against a model FIFO, crossing both the end of
 * the slot array and the 32-bit index wrap. Half of the calls pass NULL for
 * free_space/available (the path through the cached tails), half ask for
 * it (the exact path). m == NULL: a random mode per call, SP and MP calls
 * alternating on one ring (allowed when the caller orders them). */
static void model_run(const struct ring_mode *m_fixed, unsigned count, unsigned flags,
		      uint32_t start, unsigned steps)
{
	struct sl_ring *r = ring_new(count, (m_fixed ? m_fixed->flags : 0) | flags);
	unsigned cap = sl_ring_get_capacity(r), maxn = cap + 2;
	void **buf = malloc(sizeof(void *) * maxn);
	uint64_t next_in = 1, next_out = 1;	/* the model: [next_out, next_in) */
	unsigned s, i;

	ck_assert_ptr_nonnull(buf);
	ring_reset_indices(r, start);
	for (s = 0; s < steps; s++) {
		const struct ring_mode *m = m_fixed ? m_fixed : &modes[rng() % N_MODES];
		unsigned used = (unsigned)(next_in - next_out), n, got, extra = 0;
		unsigned *extrap = (rng() & 1) ? &extra : NULL;
		int burst = rng() & 1;
		/* sizes around the interesting edges: small, and up to the
		 * whole ring plus one */
		n = (rng() & 3) ? (unsigned)(rng() % 9) : (unsigned)(rng() % maxn);
		n = SL_MIN(n, maxn);

		if (rng() & 1) {
			unsigned want = burst ? SL_MIN(n, cap - used) : (n <= cap - used ? n : 0);

			for (i = 0; i < n; i++)
				buf[i] = OBJ(next_in + i);
			got = burst ? m->enq_burst(r, buf, n, extrap) : m->enq_bulk(r, buf, n, extrap);
			ck_assert_uint_eq(got, want);
			if (extrap != NULL)
				ck_assert_uint_eq(extra, cap - used - got);
			next_in += got;
		} else {
			unsigned want = burst ? SL_MIN(n, used) : (n <= used ? n : 0);

			got = burst ? m->deq_burst(r, buf, n, extrap) : m->deq_bulk(r, buf, n, extrap);
			ck_assert_uint_eq(got, want);
			if (extrap != NULL)
				ck_assert_uint_eq(extra, used - got);
			for (i = 0; i < got; i++)
				if (VAL(buf[i]) != next_out + i)
					ck_abort_msg("step %u: object %u is %llu, want %llu", s, i,
						     (unsigned long long)VAL(buf[i]),
						     (unsigned long long)(next_out + i));
			next_out += got;
		}
		ck_assert_uint_eq(sl_ring_count(r), next_in - next_out);
		ck_assert_uint_eq(sl_ring_free_count(r), cap - (next_in - next_out));
	}
	free(buf);
	free(r);
}

static const struct { unsigned count, flags; uint32_t start; } model_shapes[] = {
	{ 8, 0, UINT32_MAX - 2 },		/* 2^32 - 3 */
	{ 5, SL_RING_F_EXACT_SZ, UINT32_MAX - 2 },
	{ 1000, SL_RING_F_EXACT_SZ, UINT32_MAX - 600 },
	{ 4095, SL_RING_F_EXACT_SZ, UINT32_MAX - 3000 },
	{ 64, 0, 0 },
	{ 2, 0, UINT32_MAX },			/* fewer slots than a line */
	{ 4, 0, UINT32_MAX - 1 },
	{ 16384, 0, UINT32_MAX - 9000 },	/* several spread windows */
};
#define N_SHAPES ((int)SL_DIM(model_shapes))

/* The slot order (sl_ring_core.h, "Slot order"): every index of a lap has
 * its own slot, whole lines stay whole, and the lines physically next to a
 * line hold indices far from it, so that a prefetcher reading ahead of the
 * consumer does not fetch the lines the producer is writing. */
START_TEST(test_slot_order)
{
	unsigned count;

	for (count = 2; count <= 65536; count *= 2) {
		struct sl_ring *r = ring_new(count, 0);
		uint32_t slots = r->slot_mask + 1, i;
		uint32_t *index_at = malloc(sizeof(*index_at) * slots);
		uint8_t *seen = calloc(slots, 1);

		ck_assert_ptr_nonnull(index_at);
		ck_assert_ptr_nonnull(seen);
		ck_assert_uint_eq(slots, count < 8 ? 8 : count);
		for (i = 0; i < slots; i++) {
			/* Same position a lap later and across the 2^32 wrap. */
			uint32_t pos = sl_ring_slot_pos(r->slot_mask, i);

			ck_assert_uint_lt(pos, slots);
			ck_assert_uint_eq(sl_ring_slot_pos(r->slot_mask, i + slots), pos);
			ck_assert_uint_eq(sl_ring_slot_pos(r->slot_mask, i - slots), pos);
			if (seen[pos])
				ck_abort_msg("ring of %u: two indices share slot %u", count, pos);
			seen[pos] = 1;
			index_at[pos] = i;
			/* lines stay whole */
			ck_assert_uint_eq(pos & 7, i & 7);
		}
		/* In a ring of 128 lines or more, the next 4 physical lines of
		 * the same 32 KB window belong to indices at least 13 lines
		 * away (either direction, modulo the window). */
		if (slots >= 1024) {
			uint32_t window = SL_MIN(slots, SL_RING_SPREAD_SLOTS) / 8, pos, j;

			for (pos = 0; pos < slots; pos += 8) {
				for (j = 1; j <= 4 && (pos / 8) % window + j < window; j++) {
					uint32_t a = index_at[pos] / 8 % window;
					uint32_t b = index_at[pos + 8 * j] / 8 % window;
					uint32_t d = (a - b + window) % window;

					d = SL_MIN(d, window - d);
					if (d < 13)
						ck_abort_msg("ring of %u: lines %u and %u hold indices "
							     "%u lines apart", count, pos / 8,
							     pos / 8 + j, d);
				}
			}
		}
		free(seen);
		free(index_at);
		free(r);
	}
}
END_TEST

/* _i: mode x shape */
START_TEST(test_model_wrap)
{
	unsigned sh = (unsigned)_i / N_MODES;

	rng_state = 0x9e3779b97f4a7c15ull + (uint64_t)_i;
	model_run(&modes[_i % N_MODES], model_shapes[sh].count, model_shapes[sh].flags,
		  model_shapes[sh].start, model_shapes[sh].count > 100 ? 5000 : 4000);
}
END_TEST

/* _i: shape; every call in a random mode */
START_TEST(test_model_mixed_modes)
{
	rng_state = 0x51ced0c0ffeeull + (uint64_t)_i;
	model_run(NULL, model_shapes[_i].count, model_shapes[_i].flags,
		  model_shapes[_i].start, 8000);
}
END_TEST

/* Explicit walk over the 32-bit wrap: indices 2^32-3 .. 2^32+N, with the
 * wrap of the slot array at a different place from the index wrap. */
START_TEST(test_wrap_explicit)
{
	const struct ring_mode *m = &modes[_i];
	struct sl_ring *r = ring_new(8, m->flags);	/* capacity 7 */
	void *in[7], *out[7];
	unsigned i, round, fs, av;

	ring_reset_indices(r, UINT32_MAX - 2);
	for (round = 0; round < 20; round++) {
		for (i = 0; i < 7; i++)
			in[i] = OBJ(100 * round + i + 1);
		ck_assert_uint_eq(m->enq_bulk(r, in, 5, &fs), 5);
		ck_assert_uint_eq(fs, 2);
		ck_assert_uint_eq(m->enq_burst(r, in + 5, 7, &fs), 2);
		ck_assert_uint_eq(fs, 0);
		ck_assert_uint_eq(sl_ring_count(r), 7);
		ck_assert(sl_ring_full(r));
		ck_assert_uint_eq(m->deq_bulk(r, out, 3, &av), 3);
		ck_assert_uint_eq(av, 4);
		ck_assert_uint_eq(m->deq_burst(r, out + 3, 9, &av), 4);
		ck_assert_uint_eq(av, 0);
		for (i = 0; i < 7; i++)
			ck_assert_ptr_eq(out[i], in[i]);
		/* shift the start by 3 each round so every slot offset is hit */
		ck_assert_uint_eq(m->enq_bulk(r, in, 3, NULL), 3);
		ck_assert_uint_eq(m->deq_bulk(r, out, 3, NULL), 3);
	}
	ck_assert(sl_ring_empty(r));
	ck_assert_uint_eq(r->prod.tail, (uint32_t)(UINT32_MAX - 2 + 20 * 10));
	free(r);
}
END_TEST

/* ---- multi-thread stress ------------------------------------------------- */

#define STRESS_PRODUCER_SHIFT 56
#define STRESS_SEQ_MASK ((1ull << STRESS_PRODUCER_SHIFT) - 1)

struct stress {
	struct sl_ring *r;
	unsigned n_prod, n_cons;
	uint64_t per_producer;
	uint64_t total_consumed;	/* __atomic */
	uint8_t *seen[4];		/* [producer][seq], __atomic */
	int strict_order;		/* 1+1: every object in sequence */
	int use_single_api;		/* forced sp/sc calls */
	unsigned max_n;			/* objects per call: 1..max_n */
};

struct stress_thread {
	struct stress *s;
	unsigned id;
	int failed;
	char why[160];
};

static void backoff(unsigned *spins)
{
	/* Four threads share two CPUs: give a preempted peer the CPU now and
	 * then rather than spinning out our time slice. */
	if (++*spins % 64 == 0)
		sched_yield();
	else
		sl_pause();
}

static void *stress_producer(void *arg)
{
	struct stress_thread *t = arg;
	struct stress *s = t->s;
	uint64_t seq = 0, tag = (uint64_t)(t->id + 1) << STRESS_PRODUCER_SHIFT;
	uint64_t x = 0x12345 + t->id;
	void *buf[32];
	unsigned spins = 0, free_space, *fsp;
	const unsigned cap = sl_ring_get_capacity(s->r);

	while (seq < s->per_producer) {
		unsigned n, i, done;

		x = x * 6364136223846793005ull + 1442695040888963407ull;
		n = (unsigned)(x >> 58) % s->max_n + 1;
		if (n > s->per_producer - seq)
			n = (unsigned)(s->per_producer - seq);
		for (i = 0; i < n; i++)
			buf[i] = OBJ(tag | (seq + i));
		/* every 4th call asks for the free space (the uncached path) */
		fsp = (x >> 41) & 3 ? NULL : &free_space;
		free_space = UINT32_MAX;
		if (s->use_single_api)
			done = (x >> 40) & 1 ? sl_ring_sp_enqueue_burst(s->r, buf, n, fsp)
					     : sl_ring_sp_enqueue_bulk(s->r, buf, n, fsp);
		else
			done = (x >> 40) & 1 ? sl_ring_enqueue_burst(s->r, buf, n, fsp)
					     : sl_ring_enqueue_bulk(s->r, buf, n, fsp);
		if (fsp != NULL && free_space > cap - done) {
			snprintf(t->why, sizeof(t->why), "free_space %u after %u of cap %u",
				 free_space, done, cap);
			t->failed = 1;
			return NULL;
		}
		if (done == 0)
			backoff(&spins);
		seq += done;
	}
	return NULL;
}

static void *stress_consumer(void *arg)
{
	struct stress_thread *t = arg;
	struct stress *s = t->s;
	const uint64_t total = s->per_producer * s->n_prod;
	uint64_t last[4], x = 0x777 + t->id, expect = 0;
	void *buf[32];
	unsigned p, spins = 0, available, *avp;
	const unsigned cap = sl_ring_get_capacity(s->r);

	for (p = 0; p < 4; p++)
		last[p] = UINT64_MAX;
	while (__atomic_load_n(&s->total_consumed, __ATOMIC_RELAXED) < total) {
		unsigned n, i, got;

		x = x * 6364136223846793005ull + 1442695040888963407ull;
		n = (unsigned)(x >> 58) % s->max_n + 1;
		avp = (x >> 41) & 3 ? NULL : &available;
		available = UINT32_MAX;
		if (s->use_single_api)
			got = (x >> 40) & 1 ? sl_ring_sc_dequeue_burst(s->r, buf, n, avp)
					    : sl_ring_sc_dequeue_bulk(s->r, buf, n, avp);
		else
			got = (x >> 40) & 1 ? sl_ring_dequeue_burst(s->r, buf, n, avp)
					    : sl_ring_dequeue_bulk(s->r, buf, n, avp);
		if (avp != NULL && available > cap - got) {
			snprintf(t->why, sizeof(t->why), "available %u after %u of cap %u",
				 available, got, cap);
			t->failed = 1;
			return NULL;
		}
		if (got == 0) {
			backoff(&spins);
			continue;
		}
		for (i = 0; i < got; i++) {
			uint64_t v = VAL(buf[i]), seq = v & STRESS_SEQ_MASK;
			unsigned prod = (unsigned)(v >> STRESS_PRODUCER_SHIFT);

			if (prod < 1 || prod > s->n_prod || seq >= s->per_producer) {
				snprintf(t->why, sizeof(t->why), "garbage object 0x%llx",
					 (unsigned long long)v);
				t->failed = 1;
				return NULL;
			}
			prod--;
			/* A consumer's dequeues take increasing ring positions,
			 * and one producer's objects sit at increasing
			 * positions: per producer, seqs seen by one consumer
			 * only grow. */
			if (last[prod] != UINT64_MAX && seq <= last[prod]) {
				snprintf(t->why, sizeof(t->why), "producer %u seq %llu after %llu",
					 prod, (unsigned long long)seq,
					 (unsigned long long)last[prod]);
				t->failed = 1;
				return NULL;
			}
			last[prod] = seq;
			if (s->strict_order && seq != expect++) {
				snprintf(t->why, sizeof(t->why), "SP/SC order: got %llu want %llu",
					 (unsigned long long)seq, (unsigned long long)(expect - 1));
				t->failed = 1;
				return NULL;
			}
			__atomic_fetch_add(&s->seen[prod][seq], 1, __ATOMIC_RELAXED);
		}
		__atomic_fetch_add(&s->total_consumed, got, __ATOMIC_RELAXED);
	}
	return NULL;
}

/* CPUs this process may use, at most max; at least one entry. */
static unsigned allowed_cpus(unsigned *cpus, unsigned max)
{
	cpu_set_t set;
	unsigned c, n = 0;

	if (sched_getaffinity(0, sizeof(set), &set) == 0)
		for (c = 0; c < CPU_SETSIZE && n < max; c++)
			if (CPU_ISSET(c, &set))
				cpus[n++] = c;
	if (n == 0)
		cpus[n++] = 0;
	return n;
}

static void stress_run(unsigned n_prod, unsigned n_cons, unsigned count, unsigned flags,
		       uint32_t start, uint64_t total, int use_single_api)
{
	struct stress s;
	struct stress_thread th[8];
	pthread_t tid[8];
	unsigned i, p, nt = n_prod + n_cons, ncpu, cpus[64];
	uint64_t q;
	struct timespec t0, t1;

	memset(&s, 0, sizeof(s));
	memset(th, 0, sizeof(th));
	s.r = ring_new(count, flags);
	ring_reset_indices(s.r, start);
	s.n_prod = n_prod;
	s.n_cons = n_cons;
	s.per_producer = total / n_prod;
	s.strict_order = (n_prod == 1 && n_cons == 1);
	s.use_single_api = use_single_api;
	s.max_n = SL_MIN(32u, sl_ring_get_capacity(s.r));
	for (p = 0; p < n_prod; p++) {
		s.seen[p] = calloc(s.per_producer, 1);
		ck_assert_ptr_nonnull(s.seen[p]);
	}
	ncpu = allowed_cpus(cpus, SL_DIM(cpus));
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (i = 0; i < nt; i++) {
		pthread_attr_t attr;
		cpu_set_t set;
		unsigned slot;

		th[i].s = &s;
		th[i].id = i < n_prod ? i : i - n_prod;
		/* Producer k and consumer k share a CPU (with 2+2 threads on
		 * 2 CPUs). An MP/MC thread preempted between reserving and
		 * publishing makes its peers spin; with a fixed partner on its
		 * CPU, that partner soon finds the ring full/empty, backs off
		 * with sched_yield and hands the CPU back. With 1+1, one CPU
		 * each. */
		slot = th[i].id + (i >= n_prod && n_cons == 1 ? 1 : 0);
		CPU_ZERO(&set);
		CPU_SET(cpus[slot % ncpu], &set);
		pthread_attr_init(&attr);
		pthread_attr_setaffinity_np(&attr, sizeof(set), &set);
		ck_assert_int_eq(pthread_create(&tid[i], &attr,
						i < n_prod ? stress_producer : stress_consumer,
						&th[i]), 0);
		pthread_attr_destroy(&attr);
	}
	for (i = 0; i < nt; i++)
		pthread_join(tid[i], NULL);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	printf("stress %uP/%uC ring %u%s: %llu objects in %.2f s\n", n_prod, n_cons,
	       count, (flags & SL_RING_F_EXACT_SZ) ? " exact" : "",
	       (unsigned long long)(s.per_producer * n_prod),
	       (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) * 1e-9);

	for (i = 0; i < nt; i++)
		ck_assert_msg(!th[i].failed, "%s %u: %s", i < n_prod ? "producer" : "consumer",
			      th[i].id, th[i].why);
	ck_assert_uint_eq(s.total_consumed, s.per_producer * n_prod);
	for (p = 0; p < n_prod; p++) {
		/* A plain loop: every ck_assert records a checkpoint, too slow
		 * for 10^7 objects. */
		for (q = 0; q < s.per_producer; q++)
			if (s.seen[p][q] != 1)
				ck_abort_msg("producer %u seq %llu seen %u times", p,
					     (unsigned long long)q, s.seen[p][q]);
		free(s.seen[p]);
	}
	ck_assert(sl_ring_empty(s.r));
	ck_assert_uint_eq(s.r->prod.tail, (uint32_t)(start + s.per_producer * n_prod));
	free(s.r);
}

START_TEST(test_stress_mpmc)
{
	stress_run(2, 2, 1024, 0, 0, 10000000, 0);
}
END_TEST

START_TEST(test_stress_mpmc_exact_wrap)
{
	/* exact size, indices crossing 2^32 early in the run */
	stress_run(2, 2, 1000, SL_RING_F_EXACT_SZ, UINT32_MAX - 5000, 2000000, 0);
}
END_TEST

START_TEST(test_stress_spsc_order)
{
	stress_run(1, 1, 1024, SL_RING_F_SP_ENQ | SL_RING_F_SC_DEQ, UINT32_MAX - 100,
		   10000000, 0);
}
END_TEST

START_TEST(test_stress_spsc_forced_small)
{
	/* tiny ring: the full/empty edges and the cached tails all the time */
	stress_run(1, 1, 4, 0, UINT32_MAX - 1, 1000000, 1);
}
END_TEST

START_TEST(test_stress_mpmc_small)
{
	stress_run(2, 2, 3, SL_RING_F_EXACT_SZ, UINT32_MAX - 7, 500000, 0);
}
END_TEST

static Suite *ring_suite(void)
{
	Suite *s = suite_create("ring");
	TCase *tc = tcase_create("api");
	TCase *tm = tcase_create("modes");
	TCase *ts = tcase_create("stress");

	tcase_add_test(tc, test_memsize);
	tcase_add_test(tc, test_init_bad_args);
	tcase_add_test(tc, test_capacity);
	tcase_add_test(tc, test_create_lookup_free);
	tcase_add_test(tc, test_dump);
	tcase_add_test(tc, test_slot_order);
#ifdef SL_DEBUG_CHECKS
	tcase_add_test(tc, test_debug_checks);
#endif
	suite_add_tcase(s, tc);

	tcase_add_loop_test(tm, test_bulk_full_empty, 0, N_MODES);
	tcase_add_loop_test(tm, test_burst_partial, 0, N_MODES);
	tcase_add_loop_test(tm, test_single_object, 0, N_MODES);
	tcase_add_loop_test(tm, test_wrap_explicit, 0, N_MODES);
	tcase_add_loop_test(tm, test_model_wrap, 0, N_MODES * N_SHAPES);
	tcase_add_loop_test(tm, test_model_mixed_modes, 0, N_SHAPES);
	suite_add_tcase(s, tm);

	tcase_set_timeout(ts, 300);
	tcase_add_test(ts, test_stress_mpmc);
	tcase_add_test(ts, test_stress_mpmc_exact_wrap);
	tcase_add_test(ts, test_stress_spsc_order);
	tcase_add_test(ts, test_stress_spsc_forced_small);
	tcase_add_test(ts, test_stress_mpmc_small);
	suite_add_tcase(s, ts);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(ring_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
