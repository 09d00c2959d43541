/* SPDX-License-Identifier: BSD-3-Clause
 * Unit tests for lib/hash: add/lookup/delete against a model at high load
 * (displacement paths taken), bulk lookup hit masks, iterate, the default
 * CRC32C against its reference value, errors; and readers that take no
 * lock finding every key that stays in the table while one writer adds
 * and deletes others (run under TSan in build-tsan). */
#include <check.h>
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sl_hash.h"

struct key16 {
	uint64_t a, b;
};

static struct key16 key_of(uint64_t i)
{
	struct key16 k = { i * 0x9e3779b97f4a7c15ull, ~i };

	return k;
}

START_TEST(crc32c_reference)
{
	/* RFC 3720 B.4: CRC32C("123456789") = e3069283 (init ~0, final ~) */
	ck_assert_uint_eq(~sl_hash_crc("123456789", 9, 0xffffffffu), 0xe3069283u);
	/* 32 bytes of zeros: aa 36 91 8a on the wire (RFC 3720 B.4) */
	{
		uint8_t z[32] = { 0 };

		ck_assert_uint_eq(~sl_hash_crc(z, 32, 0xffffffffu), 0x8a9136aau);
	}
}
END_TEST

/* Fill to 95 % of entries: every key found with its data, then delete
 * half and check both halves, then iterate. */
START_TEST(model_high_load)
{
	struct sl_hash_parameters p = { .name = "m", .entries = 1 << 16, .key_len = 16 };
	struct sl_hash *h = sl_hash_create(&p);
	uint32_t n = (1 << 16) * 95 / 100, i, next = 0, seen = 0;
	const void *k;
	void *d;

	ck_assert_ptr_nonnull(h);
	for (i = 0; i < n; i++) {
		struct key16 key = key_of(i);

		ck_assert_int_eq(sl_hash_add_key_data(h, &key, (void *)(uintptr_t)(i + 1)), 0);
	}
	ck_assert_int_eq(sl_hash_count(h), (int32_t)n);
	for (i = 0; i < n + 1000; i++) {
		struct key16 key = key_of(i);
		int rc = sl_hash_lookup_data(h, &key, &d);

		if (i < n) {
			ck_assert_int_ge(rc, 0);
			ck_assert_uint_eq((uintptr_t)d, i + 1);
		} else {
			ck_assert_int_eq(rc, -ENOENT);
		}
	}
	/* The bulk path at this load (many keys in their secondary bucket),
	 * in bursts of 37 with the last 1000 keys absent. */
	for (i = 0; i < n + 1000; i += 37) {
		struct key16 keys[37];
		const void *kp[37];
		void *data[37];
		uint64_t mask, want = 0;
		uint32_t j, m = n + 1000 - i;

		if (m > 37)
			m = 37;

		for (j = 0; j < m; j++) {
			keys[j] = key_of(i + j);
			kp[j] = &keys[j];
			if (i + j < n)
				want |= UINT64_C(1) << j;
		}
		ck_assert_int_eq(sl_hash_lookup_bulk_data(h, kp, m, &mask, data),
				 __builtin_popcountll(want));
		ck_assert_uint_eq(mask, want);
		for (j = 0; j < m; j++)
			if (want & (UINT64_C(1) << j))
				ck_assert_uint_eq((uintptr_t)data[j], i + j + 1);
	}
	for (i = 0; i < n; i += 2) {
		struct key16 key = key_of(i);

		ck_assert_int_ge(sl_hash_del_key(h, &key), 0);
		ck_assert_int_eq(sl_hash_del_key(h, &key), -ENOENT);
	}
	for (i = 0; i < n; i++) {
		struct key16 key = key_of(i);

		ck_assert_int_eq(sl_hash_lookup(h, &key) >= 0, i % 2 == 1);
	}
	while (sl_hash_iterate(h, &k, &d, &next) >= 0) {
		struct key16 key;

		memcpy(&key, k, 16);
		ck_assert_uint_eq((uintptr_t)d % 2, 0);	/* i odd: data i + 1 even */
		ck_assert(memcmp(&key, &(struct key16){ key_of((uintptr_t)d - 1).a,
							key_of((uintptr_t)d - 1).b }, 16) == 0);
		seen++;
	}
	ck_assert_uint_eq(seen, n / 2);
	sl_hash_free(h);
}
END_TEST

START_TEST(bulk_hit_mask)
{
	struct sl_hash_parameters p = { .name = "b", .entries = 4096, .key_len = 16 };
	struct sl_hash *h = sl_hash_create(&p);
	struct key16 keys[64];
	const void *kp[64];
	void *data[64];
	uint64_t mask, want = 0;
	unsigned int i;

	ck_assert_ptr_nonnull(h);
	for (i = 0; i < 64; i++) {
		keys[i] = key_of(i * 7);
		kp[i] = &keys[i];
		if (i % 3 != 0) {
			ck_assert_int_eq(sl_hash_add_key_data(h, &keys[i], (void *)(uintptr_t)i), 0);
			want |= UINT64_C(1) << i;
		}
	}
	ck_assert_int_eq(sl_hash_lookup_bulk_data(h, kp, 64, &mask, data), __builtin_popcountll(want));
	ck_assert_uint_eq(mask, want);
	for (i = 0; i < 64; i++)
		if (mask & (UINT64_C(1) << i))
			ck_assert_uint_eq((uintptr_t)data[i], i);
	sl_hash_free(h);
}
END_TEST

START_TEST(errors)
{
	struct sl_hash_parameters p = { .name = "e", .entries = 16, .key_len = 16 };
	struct sl_hash *h;
	struct key16 key;
	uint32_t i;
	int full = 0;

	p.key_len = 0;
	ck_assert_ptr_null(sl_hash_create(&p));
	ck_assert_int_eq(errno, EINVAL);
	p.key_len = 16;
	h = sl_hash_create(&p);
	ck_assert_ptr_nonnull(h);
	for (i = 0; i < 17; i++) {
		key = key_of(i);
		if (sl_hash_add_key(h, &key) == -ENOSPC)
			full = 1;
	}
	ck_assert(full);
	ck_assert_int_le(sl_hash_count(h), 16);
	ck_assert_int_eq(sl_hash_free_key_with_position(h, 0), -EINVAL);	/* flag not set */
	sl_hash_free(h);
}
END_TEST

/* ---- one writer, lock-free readers ------------------------------------------- */

#define STABLE 20000	/* keys that stay: readers must always find them */
#define CHURN 40000	/* keys the writer adds and deletes, causing displacements */

struct rw_ctx {
	struct sl_hash *h;
	int stop;
	uint64_t quiescent;	/* bursts finished: the writer's grace period */
	uint64_t misses, wrong, lookups;
};

/* Returns once every reader has finished the burst it was in: then none
 * can still be reading a record deleted before the call (a reader
 * compares any record whose 16-bit signature matches). */
static void wait_grace_period(struct rw_ctx *ctx, unsigned int n)
{
	uint64_t seen[8];
	unsigned int i;

	for (i = 0; i < n; i++)
		seen[i] = __atomic_load_n(&ctx[i].quiescent, __ATOMIC_ACQUIRE);
	for (i = 0; i < n; i++)
		while (__atomic_load_n(&ctx[i].quiescent, __ATOMIC_ACQUIRE) == seen[i])
			sched_yield();
}

static void *reader(void *arg)
{
	struct rw_ctx *c = arg;
	uint64_t i = 0;

	while (!__atomic_load_n(&c->stop, __ATOMIC_ACQUIRE)) {
		struct key16 keys[32];
		const void *kp[32];
		void *data[32];
		uint64_t mask;
		unsigned int j;

		for (j = 0; j < 32; j++, i++) {
			keys[j] = key_of(i % STABLE);
			kp[j] = &keys[j];
		}
		sl_hash_lookup_bulk_data(c->h, kp, 32, &mask, data);
		for (j = 0; j < 32; j++) {
			uint64_t want = (i - 32 + j) % STABLE + 1;

			if (!(mask & (UINT64_C(1) << j)))
				c->misses++;
			else if ((uintptr_t)data[j] != want)
				c->wrong++;
		}
		c->lookups += 32;
		__atomic_store_n(&c->quiescent, c->quiescent + 1, __ATOMIC_RELEASE);
	}
	return NULL;
}

START_TEST(concurrent_readers)
{
	struct sl_hash_parameters p = { .name = "rw", .entries = STABLE + CHURN, .key_len = 16,
					.extra_flag = SL_HASH_EXTRA_FLAGS_NO_FREE_ON_DEL };
	struct rw_ctx ctx[2];
	pthread_t th[2];
	struct sl_hash *h = sl_hash_create(&p);
	uint32_t i, round;
	int32_t pos[CHURN];

	ck_assert_ptr_nonnull(h);
	for (i = 0; i < STABLE; i++) {
		struct key16 key = key_of(i);

		ck_assert_int_eq(sl_hash_add_key_data(h, &key, (void *)(uintptr_t)(i + 1)), 0);
	}
	for (i = 0; i < 2; i++) {
		ctx[i] = (struct rw_ctx){ .h = h };
		ck_assert_int_eq(pthread_create(&th[i], NULL, reader, &ctx[i]), 0);
	}
	for (round = 0; round < 4; round++) {
		for (i = 0; i < CHURN; i++) {
			struct key16 key = key_of(1000000 + round * CHURN + i);

			pos[i] = sl_hash_add_key(h, &key);
			ck_assert_int_ge(pos[i], 0);
		}
		for (i = 0; i < CHURN; i++) {
			struct key16 key = key_of(1000000 + round * CHURN + i);

			ck_assert_int_eq(sl_hash_del_key(h, &key), pos[i]);
		}
		wait_grace_period(ctx, 2);
		for (i = 0; i < CHURN; i++)
			ck_assert_int_eq(sl_hash_free_key_with_position(h, pos[i]), 0);
	}
	for (i = 0; i < 2; i++) {
		__atomic_store_n(&ctx[i].stop, 1, __ATOMIC_RELEASE);
		pthread_join(th[i], NULL);
		ck_assert_msg(ctx[i].misses == 0 && ctx[i].wrong == 0,
			      "reader %u: %lu misses, %lu wrong of %lu", i,
			      (unsigned long)ctx[i].misses, (unsigned long)ctx[i].wrong,
			      (unsigned long)ctx[i].lookups);
		ck_assert_uint_gt(ctx[i].lookups, 0);
	}
	sl_hash_free(h);
}
END_TEST

static Suite *hash_suite(void)
{
	Suite *s = suite_create("hash");
	TCase *tc = tcase_create("hash");

	tcase_set_timeout(tc, 300);
	tcase_add_test(tc, crc32c_reference);
	tcase_add_test(tc, model_high_load);
	tcase_add_test(tc, bulk_hit_mask);
	tcase_add_test(tc, errors);
	tcase_add_test(tc, concurrent_readers);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(hash_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
