/* SPDX-License-Identifier: BSD-3-Clause
 * Unit tests for sl-pktgen's throughput search (app/pktgen/pg_search.c):
 * the decision logic driven by models of a device, the trial boundary in
 * the sequence accounting (stale frames), and the --search option values.
 * No EAL, no ports: test/net/pktgen/test_pktgen_search.py runs the real
 * thing against a policed forwarder. */
#include <check.h>
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>

#include "pg_opts.h"
#include "pg_search.h"
#include "pg_seq.h"

/* A device that forwards at most cap frames/s (and drops drop_share of
 * what it forwards): what one trial at rate (0: the sender's max) sees. */
struct model {
	double cap, drop_share, sender_max, loss_ok;	/* loss_ok: percent */
	bool blind;		/* forwards nothing when overloaded: no guess */
	unsigned trials;
};

static void model_trial(struct model *m, double rate, bool *pass, double *tx, double *rx)
{
	double sent = rate > 0 ? rate : m->sender_max, fwd = fmin(sent, m->cap) * (1 - m->drop_share);
	double loss_pct = 100.0 * (sent - fwd) / sent;

	if (m->blind && sent > m->cap)
		fwd = 0, loss_pct = 100;
	m->trials++;
	*pass = m->loss_ok == 0 ? sent <= m->cap && m->drop_share == 0 : loss_pct <= m->loss_ok;
	*tx = sent;
	*rx = fwd;
}

static struct pg_search run_model(struct model *m, double min, double max, double prec, bool rel)
{
	struct pg_search s;
	double rate;

	pg_search_init(&s, min, max, prec, rel);
	while (pg_search_next(&s, &rate)) {
		bool pass;
		double tx, rx;

		ck_assert_msg(m->trials < 100, "the search does not end");
		ck_assert(rate >= 0);
		ck_assert_msg(rate == 0 || (rate >= min - 1e-9 && (max == 0 || rate <= max + 1e-9)),
			      "rate %g outside [%g, %g]", rate, min, max);
		model_trial(m, rate, &pass, &tx, &rx);
		pg_search_verdict(&s, pass, tx, rx);
	}
	return s;
}

START_TEST(search_finds_capacity)
{
	static const double caps[] = { 1234, 20000, 777777, 9.9e6 };

	for (unsigned i = 0; i < sizeof(caps) / sizeof(caps[0]); i++) {
		struct model m = { .cap = caps[i], .sender_max = 14.88e6 };
		struct pg_search s = run_model(&m, 1000, 0, 0.01, true);

		ck_assert_msg(s.found, "capacity %g not found", caps[i]);
		ck_assert_msg(s.result <= caps[i] && s.result >= caps[i] * 0.99,
			      "capacity %g: found %g, want within 1%% below", caps[i], s.result);
		ck_assert(s.hi - s.lo <= 0.01 * s.hi);
		/* the forwarded rate under overload is the guess: the overload
		 * trial, the guess (just above the cap: it fails) and the one
		 * step down close the bracket */
		ck_assert_msg(m.trials <= 4, "capacity %g: %u trials", caps[i], m.trials);
	}
}
END_TEST

START_TEST(search_bisects_without_a_guess)
{
	struct model m = { .cap = 31337, .sender_max = 1e6, .blind = true };
	struct pg_search s = run_model(&m, 1000, 0, 0.005, true);

	ck_assert(s.found);
	ck_assert(s.result <= 31337 && s.result >= 31337 * 0.995);
	/* bisection from [1000, 1e6] to 0.5%: about log2(999000 / 157) */
	ck_assert_msg(m.trials <= 16, "%u trials", m.trials);
}
END_TEST

START_TEST(search_absolute_precision_and_bounds)
{
	struct model m = { .cap = 50000, .sender_max = 1e6 };
	struct pg_search s = run_model(&m, 10000, 200000, 100, false);

	ck_assert(s.found);
	ck_assert_msg(s.result <= 50000 && s.result >= 50000 - 100, "found %g", s.result);
	ck_assert(s.hi - s.lo <= 100);
	ck_assert(s.hi <= 200000);
}
END_TEST

START_TEST(search_sender_is_the_limit)
{
	struct model m = { .cap = 2e6, .sender_max = 1e6 };
	struct pg_search s = run_model(&m, 1000, 0, 0.01, true);

	ck_assert(s.found);
	ck_assert(s.result == 1e6);
	ck_assert_uint_eq(m.trials, 1);
	/* an upper bound that passes is the answer */
	m = (struct model){ .cap = 2e6, .sender_max = 1e6 };
	s = run_model(&m, 1000, 5e5, 0.01, true);
	ck_assert(s.found && s.result == 5e5 && m.trials == 1);
}
END_TEST

START_TEST(search_nothing_passes)
{
	struct model m = { .cap = 500, .sender_max = 1e6 };
	struct pg_search s = run_model(&m, 1000, 0, 0.01, true);

	ck_assert(!s.found);
	ck_assert(s.result == 0);
	/* the floor itself was tried, and failed */
	ck_assert(s.lo == 1000 && !s.lo_passed);
}
END_TEST

START_TEST(search_pdr_above_ndr)
{
	struct model ndr = { .cap = 40000, .drop_share = 0.002, .sender_max = 1e6 };
	struct model pdr = { .cap = 40000, .drop_share = 0.002, .sender_max = 1e6, .loss_ok = 0.5 };
	struct pg_search n = run_model(&ndr, 1000, 0, 0.01, true);
	struct pg_search p = run_model(&pdr, 1000, 0, 0.01, true);

	/* every rate loses 0.2 %: no NDR; 0.5 % allowed: the capacity */
	ck_assert(!n.found);
	ck_assert(p.found);
	ck_assert_msg(p.result <= 40000 * 1.003 && p.result >= 40000 * 0.99, "PDR %g", p.result);
}
END_TEST

START_TEST(seq_stale_below_trial_base)
{
	static struct pg_seq s;

	/* a trial whose first number is 5000 */
	pg_seq_init(&s, true, 5000);
	ck_assert_int_eq(pg_seq_update(&s, 4999), PG_SEQ_STALE);
	ck_assert_int_eq(pg_seq_update(&s, 100), PG_SEQ_STALE);
	ck_assert_uint_eq(s.stale, 2);
	ck_assert_uint_eq(s.received, 0);
	ck_assert_int_eq(pg_seq_update(&s, 5000), PG_SEQ_NEW);
	ck_assert_int_eq(pg_seq_update(&s, 5002), PG_SEQ_NEW);
	ck_assert_int_eq(pg_seq_update(&s, 5001), PG_SEQ_LATE);
	ck_assert_int_eq(pg_seq_update(&s, 4000), PG_SEQ_STALE);
	ck_assert_uint_eq(s.received, 3);
	ck_assert_uint_eq(s.stale, 3);
	ck_assert_uint_eq(s.base, 5000);
	/* another sender's flow (no base given): lower numbers are late */
	pg_seq_init(&s, false, 0);
	ck_assert_int_eq(pg_seq_update(&s, 70), PG_SEQ_NEW);
	ck_assert_int_eq(pg_seq_update(&s, 60), PG_SEQ_LATE);
	ck_assert_uint_eq(s.stale, 0);
}
END_TEST

START_TEST(search_option_values)
{
	struct pg_search_opts o;
	char err[256];

	pg_search_opts_defaults(&o);
	ck_assert_uint_eq(o.nb_sizes, 7);
	ck_assert_uint_eq(o.sizes[0], 64);
	ck_assert_uint_eq(o.sizes[6], 1518);
	ck_assert_int_eq(pg_parse_search("ndr", &o, err, sizeof(err)), 0);
	ck_assert(o.kind == PG_SEARCH_NDR && o.loss_pct == 0);
	ck_assert_int_eq(pg_parse_search("pdr", &o, err, sizeof(err)), 0);
	ck_assert(o.kind == PG_SEARCH_PDR && o.loss_pct == 0.1);
	ck_assert_int_eq(pg_parse_search("pdr=0.5%", &o, err, sizeof(err)), 0);
	ck_assert(o.loss_pct == 0.5);
	ck_assert_int_eq(pg_parse_search("pdr=2", &o, err, sizeof(err)), 0);
	ck_assert(o.loss_pct == 2);
	ck_assert_int_eq(pg_parse_search("pdr=0", &o, err, sizeof(err)), -EINVAL);
	ck_assert_int_eq(pg_parse_search("pdr=-1%", &o, err, sizeof(err)), -EINVAL);
	ck_assert_int_eq(pg_parse_search("pdr=5x", &o, err, sizeof(err)), -EINVAL);
	ck_assert_int_eq(pg_parse_search("fast", &o, err, sizeof(err)), -EINVAL);
	ck_assert_int_eq(pg_parse_search_sizes("64,1518,9018", &o, err, sizeof(err)), 0);
	ck_assert_uint_eq(o.nb_sizes, 3);
	ck_assert_uint_eq(o.sizes[2], 9018);
	ck_assert_int_eq(pg_parse_search_sizes("60", &o, err, sizeof(err)), -EINVAL);
	ck_assert_int_eq(pg_parse_search_sizes("64,,128", &o, err, sizeof(err)), -EINVAL);
	ck_assert_int_eq(pg_parse_search_sizes("", &o, err, sizeof(err)), -EINVAL);
	ck_assert_int_eq(pg_parse_search_precision("0.5%", &o, err, sizeof(err)), 0);
	ck_assert(o.precision_rel && fabs(o.precision - 0.005) < 1e-12);
	ck_assert_int_eq(pg_parse_search_precision("2kpps", &o, err, sizeof(err)), 0);
	ck_assert(!o.precision_rel && o.precision == 2000);
	ck_assert_int_eq(pg_parse_search_precision("1Gbps", &o, err, sizeof(err)), -EINVAL);
	ck_assert_int_eq(pg_parse_search_loads("10,50,90,100", &o, err, sizeof(err)), 0);
	ck_assert_uint_eq(o.nb_loads, 4);
	ck_assert_int_eq(pg_parse_search_loads("none", &o, err, sizeof(err)), 0);
	ck_assert_uint_eq(o.nb_loads, 0);
	ck_assert_int_eq(pg_parse_search_loads("0,50", &o, err, sizeof(err)), -EINVAL);
	ck_assert_int_eq(pg_parse_search_loads("150", &o, err, sizeof(err)), -EINVAL);
}
END_TEST

START_TEST(search_rate_conversions)
{
	struct pg_rate_spec pct = { PG_RATE_PERCENT, 50 }, l1 = { PG_RATE_BPS_L1, 1e9 };
	struct pg_rate_spec l2 = { PG_RATE_BPS_L2, 512e6 };

	/* 10 Gbit/s carries 14880952 64-byte frames per second */
	ck_assert(fabs(pg_search_line_pps(64, 10000) - 14880952.38) < 0.01);
	ck_assert(fabs(pg_search_spec_pps(&pct, 64, 10000) - 7440476.19) < 0.01);
	ck_assert(pg_search_spec_pps(&pct, 64, 0) == 0);
	ck_assert(fabs(pg_search_spec_pps(&l1, 1518, 0) - 1e9 / (8 * 1538.0)) < 1e-6);
	ck_assert(fabs(pg_search_spec_pps(&l2, 64, 0) - 1e6) < 1e-6);
}
END_TEST

static Suite *search_suite(void)
{
	Suite *s = suite_create("pktgen_search");
	TCase *tc = tcase_create("search");

	tcase_add_test(tc, search_finds_capacity);
	tcase_add_test(tc, search_bisects_without_a_guess);
	tcase_add_test(tc, search_absolute_precision_and_bounds);
	tcase_add_test(tc, search_sender_is_the_limit);
	tcase_add_test(tc, search_nothing_passes);
	tcase_add_test(tc, search_pdr_above_ndr);
	tcase_add_test(tc, seq_stale_below_trial_base);
	tcase_add_test(tc, search_option_values);
	tcase_add_test(tc, search_rate_conversions);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(search_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
