/* SPDX-License-Identifier: BSD-3-Clause
 * Unit tests for lib/lpm: every lookup flavour against a linear scan of
 * the routes, on random tables built by mixed adds and deletes (clustered
 * so that routes nest, share /24s and cover each other), plus the errors;
 * the same for IPv6. */
#include <check.h>
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sl_lpm.h"

struct ref_route {
	uint32_t ip, hop;
	uint8_t depth;
};

static struct ref_route ref[4096];
static unsigned int nref;

static uint32_t mask_of(uint8_t d)
{
	return (uint32_t)(UINT64_C(0xffffffff) << (32 - d));
}

static int ref_lookup(uint32_t ip, uint32_t *hop)
{
	int best = -1;
	unsigned int i;

	for (i = 0; i < nref; i++)
		if ((ip & mask_of(ref[i].depth)) == ref[i].ip &&
		    (best < 0 || ref[i].depth > ref[best].depth))
			best = (int)i;
	if (best < 0)
		return -ENOENT;
	*hop = ref[best].hop;
	return 0;
}

static int ref_find(uint32_t ip, uint8_t depth)
{
	unsigned int i;

	for (i = 0; i < nref; i++)
		if (ref[i].ip == ip && ref[i].depth == depth)
			return (int)i;
	return -1;
}

/* Addresses in a few clusters: 10.0.0.0/14 and 192.168.0.0/16 and the
 * rest of the space, so that random prefixes overlap often. */
static uint32_t random_addr(void)
{
	uint32_t r = (uint32_t)random() ^ ((uint32_t)random() << 16);

	switch (r & 3) {
	case 0:
		return 0x0a000000u | (r >> 14);
	case 1:
		return 0xc0a80000u | (r >> 16);
	case 2:
		return 0xc0a80100u | (r >> 24);
	default:
		return r;
	}
}

static uint8_t random_depth(void)
{
	static const uint8_t mix[] = { 1, 8, 12, 16, 20, 22, 23, 24, 24, 24, 25, 26, 28, 30, 31, 32 };

	return mix[random() % SL_DIM(mix)];
}

static void check_against_ref(const struct sl_lpm *lpm, unsigned int probes)
{
	uint32_t ips[64], bulk[64], odd[64], x4[4], hop, want;
	unsigned int p, i;

	for (p = 0; p < probes; p += 64) {
		for (i = 0; i < 64; i++) {
			/* half at random, half at or next to a route's edges */
			if (i & 1 || nref == 0) {
				ips[i] = random_addr();
			} else {
				const struct ref_route *r = &ref[random() % nref];

				ips[i] = r->ip + ((i & 2) ? ~mask_of(r->depth) + (uint32_t)(i & 4 ? 1 : 0)
							  : 0);
			}
		}
		sl_lpm_lookup_bulk(lpm, ips, bulk, 64);
		/* a burst that is not a multiple of four, at an odd offset */
		sl_lpm_lookup_bulk(lpm, ips + 1, odd, 61);
		for (i = 0; i < 61; i++)
			ck_assert_uint_eq(odd[i], bulk[i + 1]);
		for (i = 0; i < 64; i++) {
			int rc = ref_lookup(ips[i], &want);

			ck_assert_int_eq(sl_lpm_lookup(lpm, ips[i], &hop), rc);
			if (rc == 0) {
				ck_assert_msg(hop == want, "%08x: hop %u, reference %u", ips[i], hop, want);
				ck_assert_uint_eq(bulk[i], want | SL_LPM_LOOKUP_SUCCESS);
			} else {
				ck_assert_uint_eq(bulk[i], 0);
			}
			if ((i & 3) == 3) {
				sl_lpm_lookupx4(lpm, ips + i - 3, x4, 0xdeadu);
				for (unsigned int k = 0; k < 4; k++)
					ck_assert_uint_eq(x4[k], ref_lookup(ips[i - 3 + k], &want) == 0
								 ? want : 0xdeadu);
			}
		}
	}
}

START_TEST(random_tables)
{
	struct sl_lpm_config cfg = { .max_rules = 4096, .number_tbl8s = 4096 };
	struct sl_lpm *lpm = sl_lpm_create("t", -1, &cfg);
	unsigned int step;

	ck_assert_ptr_nonnull(lpm);
	srandom(2488 + (unsigned int)_i);
	nref = 0;
	for (step = 0; step < 3000; step++) {
		if (nref > 0 && random() % 3 == 0) {
			unsigned int k = (unsigned int)random() % nref;

			ck_assert_int_eq(sl_lpm_delete(lpm, ref[k].ip, ref[k].depth), 0);
			ref[k] = ref[--nref];
		} else {
			uint8_t d = random_depth();
			uint32_t ip = random_addr() & mask_of(d), hop = (uint32_t)random() & 0xffffff;
			int k = ref_find(ip, d);

			ck_assert_int_eq(sl_lpm_add(lpm, ip, d, hop), 0);
			if (k >= 0)
				ref[k].hop = hop;
			else
				ref[nref++] = (struct ref_route){ ip, hop, d };
		}
		if (step % 100 == 99)
			check_against_ref(lpm, 1024);
	}
	/* Down to nothing: every address unrouted, every group back. */
	while (nref > 0) {
		ck_assert_int_eq(sl_lpm_delete(lpm, ref[nref - 1].ip, ref[nref - 1].depth), 0);
		nref--;
		if (nref % 200 == 0)
			check_against_ref(lpm, 256);
	}
	ck_assert_uint_eq(lpm->t.tbl8_free, cfg.number_tbl8s);
	sl_lpm_free(lpm);
}
END_TEST

START_TEST(errors_and_limits)
{
	struct sl_lpm_config cfg = { .max_rules = 3, .number_tbl8s = 1 };
	struct sl_lpm *lpm = sl_lpm_create("small", -1, &cfg);
	uint32_t hop;

	ck_assert_ptr_nonnull(lpm);
	ck_assert_int_eq(sl_lpm_add(lpm, 0, 0, 1), -EINVAL);
	ck_assert_int_eq(sl_lpm_add(lpm, 0, 33, 1), -EINVAL);
	ck_assert_int_eq(sl_lpm_add(lpm, 0, 8, 1u << 24), -EINVAL);
	ck_assert_int_eq(sl_lpm_add(lpm, 0x0a000001u, 32, 7), 0);
	/* A second /24 with a long route needs a second group: refused, and
	 * the table is as before. */
	ck_assert_int_eq(sl_lpm_add(lpm, 0x0b000001u, 32, 8), -ENOSPC);
	ck_assert_int_eq(sl_lpm_is_rule_present(lpm, 0x0b000001u, 32, &hop), 0);
	ck_assert_int_eq(sl_lpm_lookup(lpm, 0x0b000001u, &hop), -ENOENT);
	ck_assert_int_eq(sl_lpm_add(lpm, 0x0a000000u, 8, 9), 0);
	ck_assert_int_eq(sl_lpm_add(lpm, 0x0c000000u, 8, 10), 0);
	ck_assert_int_eq(sl_lpm_add(lpm, 0x0d000000u, 8, 11), -ENOSPC);	/* max_rules */
	ck_assert_int_eq(sl_lpm_add(lpm, 0x0c000000u, 8, 12), 0);	/* update is fine */
	ck_assert_int_eq(sl_lpm_lookup(lpm, 0x0c0000ffu, &hop), 0);
	ck_assert_uint_eq(hop, 12);
	ck_assert_int_eq(sl_lpm_lookup(lpm, 0x0a000001u, &hop), 0);
	ck_assert_uint_eq(hop, 7);
	ck_assert_int_eq(sl_lpm_delete(lpm, 0x0a000001u, 32), 0);
	ck_assert_int_eq(sl_lpm_lookup(lpm, 0x0a000001u, &hop), 0);
	ck_assert_uint_eq(hop, 9);	/* the covering /8 again */
	ck_assert_int_eq(sl_lpm_delete(lpm, 0x0a000001u, 32), -ENOENT);
	sl_lpm_delete_all(lpm);
	ck_assert_int_eq(sl_lpm_lookup(lpm, 0x0c000001u, &hop), -ENOENT);
	ck_assert_int_eq(sl_lpm_add(lpm, 0x0b000001u, 32, 8), 0);
	sl_lpm_free(lpm);
	cfg.flags = 1;
	ck_assert_ptr_null(sl_lpm_create("bad", -1, &cfg));
	ck_assert_int_eq(errno, EINVAL);
}
END_TEST

/* ---- IPv6 ------------------------------------------------------------------ */

#include "sl_lpm6.h"

struct ref6_route {
	uint8_t ip[16];
	uint32_t hop;
	uint8_t depth;
};

static struct ref6_route ref6[2048];
static unsigned int nref6;

static int prefix6_match(const uint8_t *a, const uint8_t *prefix, uint8_t depth)
{
	unsigned int full = depth / 8, rest = depth % 8;

	if (memcmp(a, prefix, full) != 0)
		return 0;
	return rest == 0 || ((a[full] ^ prefix[full]) & (0xff00u >> rest)) == 0;
}

static void mask6(uint8_t *ip, uint8_t depth)
{
	unsigned int i;

	for (i = 0; i < 16; i++) {
		unsigned int bits = depth > 8 * i ? depth - 8 * i : 0;

		if (bits < 8)
			ip[i] &= (uint8_t)(0xff00u >> bits);
	}
}

static int ref6_lookup(const uint8_t *ip, uint32_t *hop)
{
	int best = -1;
	unsigned int i;

	for (i = 0; i < nref6; i++)
		if (prefix6_match(ip, ref6[i].ip, ref6[i].depth) &&
		    (best < 0 || ref6[i].depth > ref6[best].depth))
			best = (int)i;
	if (best < 0)
		return -ENOENT;
	*hop = ref6[best].hop;
	return 0;
}

/* 2001:db8::/32 with few distinct bytes after it, so that routes of all
 * lengths share groups down the chain; and anywhere. */
static void random_addr6(uint8_t *ip)
{
	static const uint8_t base[4] = { 0x20, 0x01, 0x0d, 0xb8 };
	unsigned int i;

	for (i = 0; i < 16; i++)
		ip[i] = (uint8_t)random();
	if (random() % 4 != 0) {
		memcpy(ip, base, 4);
		for (i = 4; i < 16; i++)
			ip[i] &= 0x03;
	}
}

static void check6_against_ref(const struct sl_lpm6 *lpm, unsigned int probes)
{
	uint8_t ips[32][16];
	int32_t bulk[32];
	uint32_t hop, want;
	unsigned int p, i;

	for (p = 0; p < probes; p += 32) {
		for (i = 0; i < 32; i++) {
			random_addr6(ips[i]);
			if (i & 1 && nref6 > 0) {
				const struct ref6_route *r = &ref6[random() % nref6];
				uint8_t tail[16];

				random_addr6(tail);
				memcpy(ips[i], r->ip, 16);
				for (unsigned int k = r->depth; k < 128; k++)
					if (tail[k / 8] & (0x80 >> (k % 8)))
						ips[i][k / 8] |= (uint8_t)(0x80 >> (k % 8));
			}
		}
		sl_lpm6_lookup_bulk(lpm, (const uint8_t(*)[16])ips, bulk, 32);
		for (i = 0; i < 32; i++) {
			int rc = ref6_lookup(ips[i], &want);

			ck_assert_int_eq(sl_lpm6_lookup(lpm, ips[i], &hop), rc);
			ck_assert_int_eq(bulk[i], rc == 0 ? (int32_t)want : -1);
			if (rc == 0)
				ck_assert_uint_eq(hop, want);
		}
	}
}

START_TEST(random_tables6)
{
	static const uint8_t mix[] = { 1, 16, 24, 28, 32, 33, 40, 47, 48, 56, 64, 64, 65, 80, 96, 127, 128 };
	struct sl_lpm6_config cfg = { .max_rules = 2048, .number_tbl8s = 1 << 16 };
	struct sl_lpm6 *lpm = sl_lpm6_create("t6", -1, &cfg);
	unsigned int step;

	ck_assert_ptr_nonnull(lpm);
	srandom(8200 + (unsigned int)_i);
	nref6 = 0;
	for (step = 0; step < 1500; step++) {
		if (nref6 > 0 && random() % 3 == 0) {
			unsigned int k = (unsigned int)random() % nref6;

			ck_assert_int_eq(sl_lpm6_delete(lpm, ref6[k].ip, ref6[k].depth), 0);
			ref6[k] = ref6[--nref6];
		} else {
			struct ref6_route r;
			unsigned int k;

			r.depth = mix[random() % SL_DIM(mix)];
			random_addr6(r.ip);
			mask6(r.ip, r.depth);
			r.hop = (uint32_t)random() & SL_LPM6_MAX_NEXT_HOP;
			ck_assert_int_eq(sl_lpm6_add(lpm, r.ip, r.depth, r.hop), 0);
			for (k = 0; k < nref6; k++)
				if (ref6[k].depth == r.depth && memcmp(ref6[k].ip, r.ip, 16) == 0)
					break;
			ref6[k] = r;
			if (k == nref6)
				nref6++;
		}
		if (step % 100 == 99)
			check6_against_ref(lpm, 512);
	}
	while (nref6 > 0) {
		nref6--;
		ck_assert_int_eq(sl_lpm6_delete(lpm, ref6[nref6].ip, ref6[nref6].depth), 0);
		if (nref6 % 200 == 0)
			check6_against_ref(lpm, 128);
	}
	ck_assert_uint_eq(lpm->t.tbl8_free, cfg.number_tbl8s);
	sl_lpm6_free(lpm);
}
END_TEST

START_TEST(errors6)
{
	struct sl_lpm6_config cfg = { .max_rules = 8, .number_tbl8s = 13 };
	struct sl_lpm6 *lpm = sl_lpm6_create("small6", -1, &cfg);
	uint8_t a[16] = { 0x20, 0x01, 0x0d, 0xb8, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12 };
	uint8_t b[16] = { 0x20, 0x01, 0x0e, 0xb9 };	/* another /24: needs a group */
	uint32_t hop;

	ck_assert_ptr_nonnull(lpm);
	ck_assert_int_eq(sl_lpm6_add(lpm, a, 0, 1), -EINVAL);
	ck_assert_int_eq(sl_lpm6_add(lpm, a, 129, 1), -EINVAL);
	ck_assert_int_eq(sl_lpm6_add(lpm, a, 64, SL_LPM6_MAX_NEXT_HOP + 1), -EINVAL);
	ck_assert_int_eq(sl_lpm6_add(lpm, a, 128, 5), 0);	/* all 13 groups */
	ck_assert_uint_eq(lpm->t.tbl8_free, 0);
	ck_assert_int_eq(sl_lpm6_add(lpm, b, 32, 6), -ENOSPC);
	ck_assert_int_eq(sl_lpm6_is_rule_present(lpm, b, 32, &hop), 0);
	ck_assert_int_eq(sl_lpm6_add(lpm, a, 16, 7), 0);	/* no group needed */
	ck_assert_int_eq(sl_lpm6_lookup(lpm, b, &hop), 0);
	ck_assert_uint_eq(hop, 7);
	ck_assert_int_eq(sl_lpm6_lookup(lpm, a, &hop), 0);
	ck_assert_uint_eq(hop, 5);
	ck_assert_int_eq(sl_lpm6_delete(lpm, a, 128), 0);
	ck_assert_uint_eq(lpm->t.tbl8_free, 13);
	ck_assert_int_eq(sl_lpm6_lookup(lpm, a, &hop), 0);
	ck_assert_uint_eq(hop, 7);
	ck_assert_int_eq(sl_lpm6_delete(lpm, a, 128), -ENOENT);
	sl_lpm6_delete_all(lpm);
	ck_assert_int_eq(sl_lpm6_lookup(lpm, a, &hop), -ENOENT);
	sl_lpm6_free(lpm);
}
END_TEST

static Suite *lpm_suite(void)
{
	Suite *s = suite_create("lpm");
	TCase *tc = tcase_create("ipv4");

	tcase_set_timeout(tc, 300);
	tcase_add_loop_test(tc, random_tables, 0, 3);
	tcase_add_test(tc, errors_and_limits);
	tcase_add_loop_test(tc, random_tables6, 0, 2);
	tcase_add_test(tc, errors6);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(lpm_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
