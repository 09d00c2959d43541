/* SPDX-License-Identifier: BSD-3-Clause
 * lib/telemetry without a socket: the JSON writer, the dispatch of one
 * request ({"/cmd": value}, null for unknown or failed commands), command
 * registration rules, and the live-capture ring (claim, commit, read in
 * order, a full ring drops and counts). */
#include <errno.h>
#include <stdlib.h>

#include "sl_capture_ring.h"
#include "sl_test.h"
#include "telemetry_private.h"

static char out[SL_TELEMETRY_MAX_OUTPUT];

static const char *dispatch(const char *req)
{
	struct telemetry_req r = { .conn_id = 0 };

	telemetry_dispatch(req, &r, out, sizeof(out));
	return out;
}

START_TEST(json_nesting_and_escapes)
{
	char buf[256];
	struct sl_tel_json j = { .buf = buf, .cap = sizeof(buf) };

	sl_tel_obj_begin(&j, NULL);
	sl_tel_str(&j, "s", "a\"b\\c\n");
	sl_tel_arr_begin(&j, "a");
	sl_tel_u64(&j, NULL, 1);
	sl_tel_i64(&j, NULL, -2);
	sl_tel_obj_begin(&j, NULL);
	sl_tel_bool(&j, "t", 1);
	sl_tel_obj_end(&j);
	sl_tel_arr_end(&j);
	sl_tel_obj_end(&j);
	ck_assert_int_eq(j.overflow, 0);
	buf[j.len] = '\0';
	ck_assert_str_eq(buf, "{\"s\":\"a\\\"b\\\\c\\u000a\",\"a\":[1,-2,{\"t\":true}]}");
}
END_TEST

START_TEST(json_overflow_is_marked)
{
	char buf[8];
	struct sl_tel_json j = { .buf = buf, .cap = sizeof(buf) };

	sl_tel_arr_begin(&j, NULL);
	sl_tel_str(&j, NULL, "longer than eight");
	ck_assert_int_eq(j.overflow, 1);
}
END_TEST

static int echo_cmd(const char *cmd, const char *params, struct sl_tel_json *j)
{
	(void)cmd;
	if (strcmp(params, "fail") == 0)
		return -EINVAL;
	sl_tel_str(j, NULL, params);
	return 0;
}

static int big_cmd(const char *cmd, const char *params, struct sl_tel_json *j)
{
	(void)cmd;
	(void)params;
	sl_tel_arr_begin(j, NULL);
	for (int i = 0; i < 10000; i++)
		sl_tel_u64(j, NULL, 1000000 + i);
	sl_tel_arr_end(j);
	return 0;
}

START_TEST(dispatch_replies_keyed_by_command)
{
	ck_assert_int_eq(sl_telemetry_register_cmd("/test/echo", echo_cmd, "echoes"), 0);
	ck_assert_int_eq(sl_telemetry_register_cmd("/test/big", big_cmd, "too big"), 0);
	ck_assert_str_eq(dispatch("/test/echo,hello"), "{\"/test/echo\":\"hello\"}");
	ck_assert_str_eq(dispatch("/test/echo"), "{\"/test/echo\":\"\"}");
	ck_assert_str_eq(dispatch("/test/echo,fail"), "{\"/test/echo\":null}");
	ck_assert_str_eq(dispatch("/nope,1"), "{\"/nope\":null}");
	ck_assert_str_eq(dispatch("/test/big"), "{\"/test/big\":null}");
	ck_assert_str_eq(dispatch("/help,/test/echo"), "{\"/help\":{\"/test/echo\":\"echoes\"}}");
	ck_assert_ptr_nonnull(strstr(dispatch("/"), "\"/ethdev/stats\""));
	ck_assert_ptr_nonnull(strstr(dispatch("/"), "\"/test/echo\""));
}
END_TEST

START_TEST(register_rules)
{
	ck_assert_int_eq(sl_telemetry_register_cmd("/test/dup", echo_cmd, ""), 0);
	ck_assert_int_eq(sl_telemetry_register_cmd("/test/dup", echo_cmd, ""), -EEXIST);
	sl_test_capture_begin(false);
	ck_assert_int_eq(sl_telemetry_register_cmd("no/slash", echo_cmd, ""), -EINVAL);
	ck_assert_int_eq(sl_telemetry_register_cmd("/bad name", echo_cmd, ""), -EINVAL);
	ck_assert_int_eq(sl_telemetry_register_cmd("/test/" "0123456789012345678901234567890123456789"
						   "0123456789x", echo_cmd, ""), -EINVAL);
	sl_test_capture_end();
}
END_TEST

START_TEST(capture_ring_order_and_full)
{
	const uint32_t nb = 4, slot = 128;
	struct sl_capture_ring *r = calloc(1, sl_capture_ring_size(nb, slot));
	struct sl_capture_geom g;
	struct sl_capture_slot *s[5];
	uint64_t pos[5];

	ck_assert_ptr_nonnull(r);
	sl_capture_ring_init(r, nb, slot, 64);
	g = (struct sl_capture_geom){ .ring = r, .slots = (uint8_t *)r + r->data_offset,
				      .mask = nb - 1, .slot_size = slot, .snaplen = 64 };
	for (int i = 0; i < 4; i++) {
		s[i] = sl_capture_ring_claim(&g, 1, &pos[i]);
		ck_assert_ptr_nonnull(s[i]);
		ck_assert_uint_eq(pos[i], (uint64_t)i);
		s[i]->orig_len = 100 + i;
	}
	ck_assert_ptr_null(sl_capture_ring_claim(&g, 1, &pos[4]));
	ck_assert_uint_eq(r->drops[1], 1);
	/* a claimed slot not yet committed is not readable, nor those after */
	sl_capture_ring_commit(s[1], pos[1]);
	ck_assert_ptr_null(sl_capture_ring_peek(&g));
	sl_capture_ring_commit(s[0], pos[0]);
	for (int i = 0; i < 2; i++) {
		struct sl_capture_slot *got = sl_capture_ring_peek(&g);

		ck_assert_ptr_nonnull(got);
		ck_assert_uint_eq(got->orig_len, 100u + i);
		sl_capture_ring_release(&g, got);
	}
	ck_assert_ptr_null(sl_capture_ring_peek(&g));
	/* released slots are claimable again, at the next positions */
	s[4] = sl_capture_ring_claim(&g, 0, &pos[4]);
	ck_assert_ptr_nonnull(s[4]);
	ck_assert_uint_eq(pos[4], 4);
	ck_assert_ptr_eq(s[4], s[0]);
	free(r);
}
END_TEST

static Suite *telemetry_suite(void)
{
	Suite *s = suite_create("telemetry");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, json_nesting_and_escapes);
	tcase_add_test(tc, json_overflow_is_marked);
	tcase_add_test(tc, dispatch_replies_keyed_by_command);
	tcase_add_test(tc, register_rules);
	tcase_add_test(tc, capture_ring_order_and_full);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return sl_test_run_suite(telemetry_suite()) == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
