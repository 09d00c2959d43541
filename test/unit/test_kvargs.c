/* SPDX-License-Identifier: BSD-3-Clause
 * Unit tests for lib/ethdev's pure helpers, which need no EAL: the
 * key=value parser drivers use for their --vdev arguments (sl_kvargs.h)
 * and the Ethernet address helpers (sl_ethdev.h).
 */
#include <check.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "sl_ethdev.h"
#include "sl_kvargs.h"
#include "sl_test.h"

START_TEST(test_kvargs_parse)
{
	static const char *const keys[] = { "size", "copy", "name", "flag", NULL };
	struct sl_kvargs *kv;
	const char *k, *v, *s = NULL;
	uint64_t u = 5;
	bool b = false;

	ck_assert_int_eq(sl_kvargs_parse(&kv, "dev0", "size=64,copy=yes,name=abc,flag", keys), 0);
	ck_assert_uint_eq(sl_kvargs_count(kv), 4);
	ck_assert_int_eq(sl_kvargs_pair(kv, 3, &k, &v), 0);
	ck_assert_str_eq(k, "flag");
	ck_assert_ptr_null(v);
	ck_assert_int_eq(sl_kvargs_pair(kv, 4, &k, &v), -ENOENT);
	ck_assert_int_eq(sl_kvargs_get_uint(kv, "size", 1, 100, &u), 0);
	ck_assert_uint_eq(u, 64);
	ck_assert_int_eq(sl_kvargs_get_bool(kv, "copy", &b), 0);
	ck_assert(b);
	b = false;
	ck_assert_int_eq(sl_kvargs_get_bool(kv, "flag", &b), 0);	/* bare key: true */
	ck_assert(b);
	ck_assert_int_eq(sl_kvargs_get_string(kv, "name", &s), 0);
	ck_assert_str_eq(s, "abc");
	sl_kvargs_free(kv);
	/* absent key: value untouched, success */
	u = 77;
	ck_assert_int_eq(sl_kvargs_parse(&kv, "dev0", "", keys), 0);
	ck_assert_int_eq(sl_kvargs_get_uint(kv, "size", 1, 100, &u), 0);
	ck_assert_uint_eq(u, 77);
	ck_assert_uint_eq(sl_kvargs_count(kv), 0);
	sl_kvargs_free(kv);
}
END_TEST

START_TEST(test_kvargs_errors)
{
	static const char *const keys[] = { "size", "copy", NULL };
	struct sl_kvargs *kv = (struct sl_kvargs *)1;
	uint64_t u = 9;
	bool b = false;
	const char *log;

	sl_test_capture_begin(false);
	ck_assert_int_eq(sl_kvargs_parse(&kv, "dev0", "size=1,sise=2", keys), -EINVAL);
	log = sl_test_capture_end();
	ck_assert_ptr_null(kv);
	ck_assert_logged(log, "dev0");
	ck_assert_logged(log, "'sise'");
	ck_assert_logged(log, "size, copy");

	ck_assert_int_eq(sl_kvargs_parse(&kv, "dev0", "=3", keys), -EINVAL);

	ck_assert_int_eq(sl_kvargs_parse(&kv, "dev0", "size=abc,copy=maybe", keys), 0);
	sl_test_capture_begin(false);
	ck_assert_int_eq(sl_kvargs_get_uint(kv, "size", 1, 100, &u), -EINVAL);
	log = sl_test_capture_end();
	ck_assert_logged(log, "size=abc");
	ck_assert_logged(log, "1..100");
	ck_assert_uint_eq(u, 9);
	sl_test_capture_begin(false);
	ck_assert_int_eq(sl_kvargs_get_bool(kv, "copy", &b), -EINVAL);
	log = sl_test_capture_end();
	ck_assert_logged(log, "copy=maybe");
	sl_kvargs_free(kv);

	ck_assert_int_eq(sl_kvargs_parse(&kv, "dev0", "size=101", keys), 0);
	sl_test_capture_begin(false);
	ck_assert_int_eq(sl_kvargs_get_uint(kv, "size", 1, 100, &u), -EINVAL);
	log = sl_test_capture_end();
	ck_assert_logged(log, "out of range");
	sl_kvargs_free(kv);

	ck_assert_int_eq(sl_kvargs_parse(&kv, "dev0", "size=-1", keys), 0);
	ck_assert_int_eq(sl_kvargs_get_uint(kv, "size", 0, UINT64_MAX, &u), -EINVAL);
	sl_kvargs_free(kv);

	/* The rule of sl_parse.h: decimal only, no blanks, no exponent. */
	static const char *const not_numbers[] = { "size=0x40", "size= 5", "size=5 ", "size=1e3",
						   "size=+5" };
	for (unsigned i = 0; i < SL_DIM(not_numbers); i++) {
		ck_assert_int_eq(sl_kvargs_parse(&kv, "dev0", not_numbers[i], keys), 0);
		sl_test_capture_begin(false);
		ck_assert_int_eq(sl_kvargs_get_uint(kv, "size", 0, UINT64_MAX, &u), -EINVAL);
		log = sl_test_capture_end();
		ck_assert_logged(log, "is not a number");
		ck_assert_uint_eq(u, 9);
		sl_kvargs_free(kv);
	}
	ck_assert_int_eq(sl_kvargs_parse(&kv, "dev0", "size=18446744073709551616", keys), 0);
	sl_test_capture_begin(false);
	ck_assert_int_eq(sl_kvargs_get_uint(kv, "size", 0, UINT64_MAX, &u), -EINVAL);
	log = sl_test_capture_end();
	ck_assert_logged(log, "out of range");
	sl_kvargs_free(kv);

	ck_assert_int_eq(sl_kvargs_parse(&kv, "dev0", "size=1,size=2", keys), 0);
	ck_assert_uint_eq(sl_kvargs_count_key(kv, "size"), 2);
	sl_test_capture_begin(false);
	ck_assert_int_eq(sl_kvargs_get_uint(kv, "size", 1, 100, &u), -EINVAL);
	log = sl_test_capture_end();
	ck_assert_logged(log, "2 times");
	sl_kvargs_free(kv);

	ck_assert_int_eq(sl_kvargs_parse(&kv, "dev0", "size", keys), 0);
	ck_assert_int_eq(sl_kvargs_get_uint(kv, "size", 1, 100, &u), -EINVAL);
	sl_kvargs_free(kv);
}
END_TEST

static int count_cb(const char *key, const char *value, void *arg)
{
	(void)key;
	*(unsigned *)arg += (unsigned)atoi(value);
	return 0;
}

START_TEST(test_kvargs_process)
{
	struct sl_kvargs *kv;
	unsigned sum = 0;

	ck_assert_int_eq(sl_kvargs_parse(&kv, "dev0", "iface=1,other=5,iface=2,", NULL), 0);
	ck_assert_int_eq(sl_kvargs_process(kv, "iface", count_cb, &sum), 0);
	ck_assert_uint_eq(sum, 3);
	sl_kvargs_free(kv);
}
END_TEST

START_TEST(test_ether_addr)
{
	struct sl_ether_addr a, b;
	char buf[SL_ETHER_ADDR_FMT_SIZE];

	ck_assert_int_eq(sl_ether_unformat_addr("02:aB:00:11:fe:09", &a), 0);
	sl_ether_format_addr(buf, sizeof(buf), &a);
	ck_assert_str_eq(buf, "02:ab:00:11:fe:09");
	ck_assert_int_eq(sl_ether_unformat_addr("02-ab-00-11-fe-09", &b), 0);
	ck_assert(sl_is_same_ether_addr(&a, &b));
	ck_assert_int_eq(sl_ether_unformat_addr("02:ab:00:11:fe", &b), -EINVAL);
	ck_assert_int_eq(sl_ether_unformat_addr("02:ab:00:11:fe:0g", &b), -EINVAL);
	ck_assert_int_eq(sl_ether_unformat_addr("02:ab-00:11:fe:09", &b), -EINVAL);
	ck_assert(sl_is_local_admin_ether_addr(&a));
	ck_assert(sl_is_valid_assigned_ether_addr(&a));
	a.addr_bytes[0] = 0x01;
	ck_assert(sl_is_multicast_ether_addr(&a));
	ck_assert(!sl_is_valid_assigned_ether_addr(&a));
	memset(&a, 0xff, sizeof(a));
	ck_assert(sl_is_broadcast_ether_addr(&a));
	memset(&a, 0, sizeof(a));
	ck_assert(sl_is_zero_ether_addr(&a));
	for (int i = 0; i < 16; i++) {
		sl_eth_random_addr(&a);
		ck_assert(sl_is_valid_assigned_ether_addr(&a));
		ck_assert(sl_is_local_admin_ether_addr(&a));
	}
	ck_assert_uint_eq(sizeof(struct sl_ether_hdr), 14);
	ck_assert_uint_eq(SL_ETHER_MIN_LEN, 64);
	ck_assert_uint_eq(SL_ETHER_MIN_FRAME, 60);
	ck_assert_uint_eq(SL_ETHER_MAX_LEN, 1518);
}
END_TEST

static Suite *kvargs_suite(void)
{
	Suite *s = suite_create("kvargs");
	TCase *tc = tcase_create("no_eal");

	tcase_add_test(tc, test_kvargs_parse);
	tcase_add_test(tc, test_kvargs_errors);
	tcase_add_test(tc, test_kvargs_process);
	tcase_add_test(tc, test_ether_addr);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return sl_test_run_suite(kvargs_suite()) == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
