/* SPDX-License-Identifier: BSD-3-Clause
 * EAL unit tests. Check runs every test in its own forked process, so each
 * one may sl_eal_init/sl_eal_cleanup and register hooks freely. DMA memory
 * on --no-huge is in test_eal_memory, allocation from hugepages in
 * test_eal_huge (skips without free hugepages). */
#include <check.h>
#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "eal_test_util.h"
#include "sl_eal.h"
#include "sl_parse.h"
#include "sl_test.h"

/* ---- helpers ------------------------------------------------------------ */

static cpu_set_t allowed_cpus(void)
{
	cpu_set_t set;

	ck_assert_int_eq(sched_getaffinity(0, sizeof(set), &set), 0);
	return set;
}

/* The n-th cpu (0-based) of our affinity mask, -1 if there is none. */
static int nth_allowed_cpu(int n)
{
	cpu_set_t set = allowed_cpus();

	for (int cpu = 0; cpu < CPU_SETSIZE; cpu++)
		if (CPU_ISSET(cpu, &set) && n-- == 0)
			return cpu;
	return -1;
}

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* ---- logging ------------------------------------------------------------ */

START_TEST(log_levels_and_format)
{
	ck_assert_int_eq(sl_log_level_parse("debug"), SL_LOG_DEBUG);
	ck_assert_int_eq(sl_log_level_parse("ERR"), SL_LOG_ERR);
	ck_assert_int_eq(sl_log_level_parse("warning"), SL_LOG_WARNING);
	ck_assert_int_eq(sl_log_level_parse("4"), 4);
	ck_assert_int_eq(sl_log_level_parse("0"), -1);
	ck_assert_int_eq(sl_log_level_parse("9"), -1);
	ck_assert_int_eq(sl_log_level_parse("loud"), -1);
	ck_assert_int_eq(sl_log_level_parse(""), -1);
	ck_assert_int_eq(sl_log_level_parse(" 4"), -1);
	ck_assert_int_eq(sl_log_level_parse("4 "), -1);
	ck_assert_int_eq(sl_log_level_parse("0x4"), -1);
	ck_assert_int_eq(sl_log_level_parse("+4"), -1);

	sl_log_set_level(SL_LOG_NOTICE);
	sl_test_capture_begin(true);
	SL_LOG(ERR, EAL, "one %d", 1);
	SL_LOG(NOTICE, RING, "two\n");
	SL_LOG(INFO, EAL, "filtered out");
	(void)sl_test_capture_end();
	ck_assert_str_eq(sl_test_captured, "EAL: one 1\nRING: two\n");

	/* Longer than any stack buffer: still one whole line. */
	char big[3000];
	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	sl_test_capture_begin(true);
	SL_LOG(ERR, EAL, "%s", big);
	(void)sl_test_capture_end();
	ck_assert_uint_eq(strlen(sl_test_captured), 5 + sizeof(big) - 1 + 1);
	ck_assert_int_eq(sl_test_captured[strlen(sl_test_captured) - 1], '\n');
}
END_TEST

/* ---- the number parser (sl_parse.h) -------------------------------------- */

/* The inputs the apps used to answer differently: one answer now. */
START_TEST(parse_uint_rule)
{
	static const struct {
		const char *s;
		unsigned flags;
		int ret;
		uint64_t v;
	} cases[] = {
		{ "5", 0, 0, 5 },
		{ "0", 0, 0, 0 },
		{ "010", 0, 0, 10 },		/* no octal */
		{ "18446744073709551615", 0, 0, UINT64_MAX },
		{ " 5", 0, -EINVAL, 0 },
		{ "5 ", 0, -EINVAL, 0 },
		{ "\t5", 0, -EINVAL, 0 },
		{ "0x10", 0, -EINVAL, 0 },	/* hex only for masks */
		{ "-1", 0, -EINVAL, 0 },
		{ "+1", 0, -EINVAL, 0 },
		{ "1e3", 0, -EINVAL, 0 },
		{ "1.0", 0, -EINVAL, 0 },
		{ "", 0, -EINVAL, 0 },
		{ "abc", 0, -EINVAL, 0 },
		{ "18446744073709551616", 0, -ERANGE, 0 },
		{ "99999999999999999999999", 0, -ERANGE, 0 },
		/* masks: hexadecimal, 0x optional */
		{ "0x10", SL_PARSE_MASK, 0, 16 },
		{ "0X10", SL_PARSE_MASK, 0, 16 },
		{ "10", SL_PARSE_MASK, 0, 16 },
		{ "ff", SL_PARSE_MASK, 0, 255 },
		{ "0xffffffffffffffff", SL_PARSE_MASK, 0, UINT64_MAX },
		{ "0x", SL_PARSE_MASK, -EINVAL, 0 },
		{ "0xg", SL_PARSE_MASK, -EINVAL, 0 },
		{ " 0x3", SL_PARSE_MASK, -EINVAL, 0 },
		{ "0x3 ", SL_PARSE_MASK, -EINVAL, 0 },
		{ "-0x3", SL_PARSE_MASK, -EINVAL, 0 },
		{ "0x10000000000000000", SL_PARSE_MASK, -ERANGE, 0 },
		/* sizes: K, M, G are 2^10, 2^20, 2^30, either case */
		{ "4K", SL_PARSE_SIZE, 0, 4ull << 10 },
		{ "4k", SL_PARSE_SIZE, 0, 4ull << 10 },
		{ "3M", SL_PARSE_SIZE, 0, 3ull << 20 },
		{ "3m", SL_PARSE_SIZE, 0, 3ull << 20 },
		{ "2G", SL_PARSE_SIZE, 0, 2ull << 30 },
		{ "2g", SL_PARSE_SIZE, 0, 2ull << 30 },
		{ "7", SL_PARSE_SIZE, 0, 7 },
		{ "4KB", SL_PARSE_SIZE, -EINVAL, 0 },
		{ "4T", SL_PARSE_SIZE, -EINVAL, 0 },
		{ "K", SL_PARSE_SIZE, -EINVAL, 0 },
		{ "4 K", SL_PARSE_SIZE, -EINVAL, 0 },
		{ "4K", 0, -EINVAL, 0 },	/* no suffix where the option takes none */
		{ "17179869184G", SL_PARSE_SIZE, -ERANGE, 0 },	/* 2^34 * 2^30 */
		{ "17179869183G", SL_PARSE_SIZE, 0, 17179869183ull << 30 },
	};

	for (unsigned i = 0; i < SL_DIM(cases); i++) {
		uint64_t v = 12345;
		int ret = sl_parse_uint(cases[i].s, cases[i].flags, 0, UINT64_MAX, &v);

		ck_assert_msg(ret == cases[i].ret, "'%s' (flags %u): %d, want %d", cases[i].s,
			      cases[i].flags, ret, cases[i].ret);
		ck_assert_msg(v == (ret == 0 ? cases[i].v : 12345), "'%s': value %" PRIu64,
			      cases[i].s, v);
	}
	ck_assert_int_eq(sl_parse_uint(NULL, 0, 0, 1, &(uint64_t){ 0 }), -EINVAL);
}
END_TEST

START_TEST(parse_uint_range_and_prefix)
{
	const char *p = "12-34,x";
	uint64_t v = 0;

	ck_assert_int_eq(sl_parse_uint("1", 0, 1, 16, &v), 0);
	ck_assert_uint_eq(v, 1);
	ck_assert_int_eq(sl_parse_uint("16", 0, 1, 16, &v), 0);
	ck_assert_uint_eq(v, 16);
	ck_assert_int_eq(sl_parse_uint("0", 0, 1, 16, &v), -ERANGE);
	ck_assert_int_eq(sl_parse_uint("17", 0, 1, 16, &v), -ERANGE);
	ck_assert_int_eq(sl_parse_uint("2K", SL_PARSE_SIZE, 0, 2047, &v), -ERANGE);
	ck_assert_uint_eq(v, 16);

	ck_assert_int_eq(sl_parse_uint_prefix(&p, 0, &v), 0);
	ck_assert_uint_eq(v, 12);
	ck_assert_str_eq(p, "-34,x");
	p++;
	ck_assert_int_eq(sl_parse_uint_prefix(&p, 0, &v), 0);
	ck_assert_uint_eq(v, 34);
	ck_assert_str_eq(p, ",x");
	p++;
	ck_assert_int_eq(sl_parse_uint_prefix(&p, 0, &v), -EINVAL);
	ck_assert_str_eq(p, "x");	/* not moved on failure */
	p = "99999999999999999999,";
	ck_assert_int_eq(sl_parse_uint_prefix(&p, 0, &v), -ERANGE);
	ck_assert_str_eq(p, "99999999999999999999,");
}
END_TEST

START_TEST(parse_real_rule)
{
	static const struct {
		const char *s;
		int ret;
		double v;
	} cases[] = {
		{ "2.5", 0, 2.5 },	{ "0.2", 0, 0.2 },    { "7", 0, 7 },
		{ "0.000001", 0, 1e-6 }, { "1000000000", 0, 1e9 },
		{ " 5", -EINVAL, 0 },	{ "5 ", -EINVAL, 0 }, { "0x10", -EINVAL, 0 },
		{ "-1", -EINVAL, 0 },	{ "+1", -EINVAL, 0 }, { "1e3", -EINVAL, 0 },
		{ ".5", -EINVAL, 0 },	{ "5.", -EINVAL, 0 }, { "inf", -EINVAL, 0 },
		{ "nan", -EINVAL, 0 },	{ "", -EINVAL, 0 },   { "1.2.3", -EINVAL, 0 },
		{ "1000000001", -ERANGE, 0 },
	};
	const char *p = "1.5Mpps";
	double v;

	for (unsigned i = 0; i < SL_DIM(cases); i++) {
		int ret;

		v = -1;
		ret = sl_parse_real(cases[i].s, 0, 1e9, &v);
		ck_assert_msg(ret == cases[i].ret, "'%s': %d, want %d", cases[i].s, ret,
			      cases[i].ret);
		ck_assert_msg(v == (ret == 0 ? cases[i].v : -1), "'%s': value %g", cases[i].s, v);
	}
	ck_assert_int_eq(sl_parse_real_prefix(&p, &v), 0);
	ck_assert(v == 1.5);
	ck_assert_str_eq(p, "Mpps");
}
END_TEST

/* One line naming the option, the value and the range to give. */
START_TEST(parse_messages)
{
	char buf[256];

	sl_parse_uint_msg(buf, sizeof(buf), "-q", " 5", -EINVAL, 0, 1, 16);
	ck_assert_str_eq(buf, "-q ' 5': not a number: give decimal digits in 1..16");
	sl_parse_uint_msg(buf, sizeof(buf), "-q", "17", -ERANGE, 0, 1, 16);
	ck_assert_str_eq(buf, "-q 17: out of range: give 1..16");
	sl_parse_uint_msg(buf, sizeof(buf), "-p", "xyz", -EINVAL, SL_PARSE_MASK, 1, 255);
	ck_assert_ptr_nonnull(strstr(buf, "hexadecimal"));
	sl_parse_uint_msg(buf, sizeof(buf), "--pool", "4T", -EINVAL, SL_PARSE_SIZE, 1, 1u << 30);
	ck_assert_ptr_nonnull(strstr(buf, "K, M or G"));
	sl_parse_real_msg(buf, sizeof(buf), "--duration", "soon", -EINVAL, 0, 10);
	ck_assert_ptr_nonnull(strstr(buf, "--duration 'soon': not a number"));
	ck_assert_ptr_nonnull(strstr(buf, "0..10"));
	sl_parse_real_msg(buf, sizeof(buf), "--duration", "11", -ERANGE, 0, 10);
	ck_assert_str_eq(buf, "--duration 11: out of range: give 0..10");
	ck_assert_ptr_null(strchr(buf, '\n'));
}
END_TEST

/* ---- option parsing ----------------------------------------------------- */

START_TEST(args_all_options_accepted)
{
	int ret;

	ret = EAL_INIT("--no-huge", "-l", "0", "-m", "8", "--log-level", "info", "--no-pci",
		       "-a", "0000:00:03.0", "--allow", "00:04.0", "--vdev", "net_null0",
		       "--vdev", "net_ring0,nodes=2", "--iova-mode", "va", "--file-prefix", "x",
		       "--", "-p", "3");
	ck_assert_int_eq(ret, 21);
	/* What is left for the application: its own argv[0] and options. */
	ck_assert_int_eq(nb_args - ret, 3);
	ck_assert_str_eq(args[ret], "test_eal");
	ck_assert_str_eq(args[ret + 1], "-p");
	ck_assert_str_eq(args[ret + 2], "3");

	ck_assert_uint_eq(sl_lcore_count(), 1);
	ck_assert_int_eq(sl_eal_no_huge(), 1);
	ck_assert_int_eq(sl_eal_no_pci(), 1);
	ck_assert_int_eq(sl_eal_iova_mode(), SL_IOVA_MODE_VA);
	ck_assert_uint_eq(sl_log_get_level(), SL_LOG_INFO);
	ck_assert_uint_eq(sl_eal_pci_allow_count(), 2);
	ck_assert_str_eq(sl_eal_pci_allow_get(0), "0000:00:03.0");
	ck_assert_str_eq(sl_eal_pci_allow_get(1), "00:04.0");
	ck_assert_ptr_null(sl_eal_pci_allow_get(2));
	ck_assert_uint_eq(sl_eal_vdev_count(), 2);
	ck_assert_str_eq(sl_eal_vdev_get(0), "net_null0");
	ck_assert_str_eq(sl_eal_vdev_get(1), "net_ring0,nodes=2");
	ck_assert_uint_eq(sl_mem_reserved_bytes(), 8u << 20);
	sl_eal_cleanup();
	/* Nothing survives a cleanup. */
	ck_assert_uint_eq(sl_eal_vdev_count(), 0);
	ck_assert_uint_eq(sl_eal_pci_allow_count(), 0);
	ck_assert_uint_eq(sl_lcore_count(), 0);
	ck_assert_uint_eq(sl_log_get_level(), SL_LOG_DEFAULT_LEVEL);
}
END_TEST

START_TEST(args_stop_at_first_non_option)
{
	int ret = EAL_INIT("--no-huge", "-l", "0", "app-arg", "--no-pci");

	ck_assert_int_eq(ret, 3);
	ck_assert_str_eq(args[ret], "test_eal");
	ck_assert_str_eq(args[ret + 1], "app-arg");
	/* --no-pci belonged to the application. */
	ck_assert_int_eq(sl_eal_no_pci(), 0);
	sl_eal_cleanup();

	ck_assert_int_eq(EAL_INIT("--no-huge", "-l", "0", "--"), 4);
	ck_assert_int_eq(nb_args - 4, 1);
	ck_assert_str_eq(args[4], "test_eal");
	sl_eal_cleanup();
}
END_TEST

/* Every malformed or unknown option: -EINVAL and one line naming it. */
START_TEST(args_bad_options_rejected)
{
	static const struct {
		const char *a[4];
		const char *must_mention;
	} bad[] = {
		{ { "-x" }, "-x" },
		{ { "--bogus" }, "--bogus" },
		{ { "--no-huge=1" }, "--no-huge=1" },
		{ { "-l" }, "-l" },
		{ { "-l", "abc" }, "abc" },
		{ { "-l", "0-" }, "0-" },
		{ { "-l", "1-0" }, "1-0" },
		{ { "-l", "0,,1" }, "0,,1" },
		{ { "-l", "0x1" }, "0x1" },
		{ { "-l", "-1" }, "-1" },
		{ { "-l", "4095" }, "cpu 4095" },
		{ { "-l", "99999999999" }, "99999999999" },
		{ { "-l", "0,0" }, "cpu 0" },
		{ { "-m" }, "-m" },
		{ { "-m", "0" }, "-m" },
		{ { "-m", "12x" }, "12x" },
		{ { "-m", "-5" }, "-5" },
		{ { "-m", " 8" }, " 8" },
		{ { "-m", "8 " }, "8 " },
		{ { "-m", "0x8" }, "0x8" },
		{ { "-m", "1e3" }, "1e3" },
		{ { "-m", "512K" }, "512K" },	/* not whole megabytes */
		{ { "-m", "8T" }, "8T" },
		{ { "-m", "18446744073709551616" }, "18446744073709551616" },
		{ { "-l", " 0" }, " 0" },
		{ { "-l", "0 " }, "0 " },
		{ { "--log-level", " 4" }, " 4" },
		{ { "--log-level", "loud" }, "loud" },
		{ { "--log-level" }, "--log-level" },
		{ { "--iova-mode", "xx" }, "xx" },
		{ { "--iova-mode" }, "--iova-mode" },
		{ { "--vdev", "" }, "--vdev" },
		{ { "--vdev", ",a=b" }, "--vdev" },
		{ { "-a", "" }, "-a" },
		{ { "--file-prefix" }, "--file-prefix" },
	};

	for (unsigned i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		const char *list[8] = { "--no-huge" };
		unsigned n = 1, lines;
		int ret;

		for (unsigned j = 0; j < 4 && bad[i].a[j] != NULL; j++)
			list[n++] = bad[i].a[j];
		list[n] = NULL;
		sl_test_capture_begin(true);
		ret = eal_init_list(list);
		(void)sl_test_capture_end();
		ck_assert_msg(ret == -EINVAL, "case %u (%s): got %d", i, bad[i].a[0], ret);
		ck_assert_msg(strstr(sl_test_captured, bad[i].must_mention) != NULL,
			      "case %u: message does not mention '%s': %s", i, bad[i].must_mention,
			      sl_test_captured);
		lines = sl_test_count_lines(sl_test_captured);
		ck_assert_msg(lines == 1, "case %u: %u lines: %s", i, lines, sl_test_captured);
		ck_assert_uint_eq(sl_lcore_count(), 0);
	}
	/* A failed parse leaves nothing behind: a good init still works. */
	ck_assert_int_eq(EAL_INIT("--no-huge", "-l", "0"), 3);
	sl_eal_cleanup();
}
END_TEST

/* -m takes megabytes, or whole megabytes written with K, M or G. */
START_TEST(args_mem_units)
{
	static const struct {
		const char *m;
		size_t bytes;
	} ok[] = { { "8", 8u << 20 }, { "8M", 8u << 20 }, { "8192K", 8u << 20 },
		   { "16m", 16u << 20 } };

	for (unsigned i = 0; i < SL_DIM(ok); i++) {
		ck_assert_int_eq(EAL_INIT("--no-huge", "-l", "0", "-m", ok[i].m), 5);
		ck_assert_uint_eq(sl_mem_reserved_bytes(), ok[i].bytes);
		sl_eal_cleanup();
	}
}
END_TEST

START_TEST(args_help)
{
	int ret;

	EAL_INIT_CAPTURED(ret, "--no-huge", "-h");
	ck_assert_int_eq(ret, -EINTR);
	ck_assert_ptr_nonnull(strstr(sl_test_captured, "Usage: test_eal"));
	ck_assert_ptr_nonnull(strstr(sl_test_captured, "--no-huge"));
	ck_assert_ptr_nonnull(strstr(sl_test_captured, "e.g. -l 0-3,6"));
	ck_assert_uint_eq(sl_lcore_count(), 0);
	EAL_INIT_CAPTURED(ret, "--help");
	ck_assert_int_eq(ret, -EINTR);
}
END_TEST

START_TEST(args_lcore_lists)
{
	int cpu0 = nth_allowed_cpu(0), cpu1 = nth_allowed_cpu(1);
	cpu_set_t set = allowed_cpus();
	char list[64];

	/* Default: every cpu we may run on, main on the first. */
	ck_assert_int_ge(EAL_INIT("--no-huge"), 0);
	ck_assert_uint_eq(sl_lcore_count(), (unsigned)CPU_COUNT(&set));
	ck_assert_int_eq(sl_lcore_to_cpu(0), cpu0);
	ck_assert_uint_eq(sl_lcore_id(), 0);
	ck_assert_uint_eq(sl_get_main_lcore(), 0);
	ck_assert_int_eq(sched_getcpu(), cpu0);
	sl_eal_cleanup();
	ck_assert_uint_eq(sl_lcore_id(), SL_LCORE_ID_ANY);

	if (cpu1 < 0) {
		printf("args_lcore_lists: one cpu only, order and range checks skipped\n");
		return;
	}
	/* Written order decides lcore ids. */
	snprintf(list, sizeof(list), "%d,%d", cpu1, cpu0);
	ck_assert_int_eq(EAL_INIT("--no-huge", "-l", list), 3);
	ck_assert_uint_eq(sl_lcore_count(), 2);
	ck_assert_int_eq(sl_lcore_to_cpu(0), cpu1);
	ck_assert_int_eq(sl_lcore_to_cpu(1), cpu0);
	ck_assert_int_eq(sl_lcore_to_cpu(2), -EINVAL);
	ck_assert_int_eq(sched_getcpu(), cpu1);
	ck_assert_int_ge(sl_lcore_to_socket(1), 0);
	sl_eal_cleanup();

	if (cpu1 == cpu0 + 1) {
		snprintf(list, sizeof(list), "%d-%d", cpu0, cpu1);
		ck_assert_int_eq(EAL_INIT("--no-huge", "-l", list), 3);
		ck_assert_uint_eq(sl_lcore_count(), 2);
		ck_assert_int_eq(sl_lcore_to_cpu(1), cpu1);
		sl_eal_cleanup();
	}
}
END_TEST

START_TEST(args_cpu_outside_affinity)
{
	cpu_set_t one;
	char list[32];
	int ret, cpu1 = nth_allowed_cpu(1);

	if (cpu1 < 0) {
		printf("args_cpu_outside_affinity: needs two cpus, skipped\n");
		return;
	}
	/* As if started under taskset with the first cpu only. */
	CPU_ZERO(&one);
	CPU_SET(nth_allowed_cpu(0), &one);
	ck_assert_int_eq(sched_setaffinity(0, sizeof(one), &one), 0);
	snprintf(list, sizeof(list), "%d", cpu1);
	EAL_INIT_CAPTURED(ret, "--no-huge", "-l", list);
	ck_assert_int_eq(ret, -EINVAL);
	snprintf(list, sizeof(list), "cpu %d", cpu1);
	ck_assert_ptr_nonnull(strstr(sl_test_captured, list));
}
END_TEST

/* ---- lcores ------------------------------------------------------------- */

static int report_lcore(void *arg)
{
	int *cpus = arg;
	unsigned id = sl_lcore_id();

	cpus[id] = sched_getcpu();
	return 1000 + (int)id;
}

START_TEST(launch_on_all_lcores)
{
	int cpus[SL_MAX_LCORE];
	unsigned n, i, seen = 0;

	ck_assert_int_ge(EAL_INIT("--no-huge"), 0);
	n = sl_lcore_count();
	memset(cpus, 0xff, sizeof(cpus));
	ck_assert_int_eq(sl_eal_mp_remote_launch(report_lcore, cpus, 1), 0);
	sl_eal_mp_wait_lcore();
	for (i = 0; i < n; i++) {
		ck_assert_int_eq(sl_eal_wait_lcore(i), 1000 + (int)i);
		/* Each ran pinned, on its own cpu. */
		ck_assert_int_eq(cpus[i], sl_lcore_to_cpu(i));
	}
	SL_LCORE_FOREACH_WORKER(i)
		seen++;
	ck_assert_uint_eq(seen, n - 1);
	ck_assert_uint_eq(sl_get_next_lcore(UINT32_MAX, 0), 0);
	ck_assert_uint_ge(sl_get_next_lcore(n - 1, 0), SL_MAX_LCORE);

	ck_assert_int_eq(sl_eal_remote_launch(report_lcore, cpus, 0), -EINVAL);
	ck_assert_int_eq(sl_eal_remote_launch(report_lcore, cpus, n), -EINVAL);
	ck_assert_int_eq(sl_eal_wait_lcore(n), -EINVAL);
	sl_eal_cleanup();
}
END_TEST

static int count_job(void *arg)
{
	__atomic_fetch_add((unsigned *)arg, 1, __ATOMIC_RELAXED);
	return 7;
}

static int gate_job(void *arg)
{
	volatile int *gate = arg;

	while (!__atomic_load_n(gate, __ATOMIC_ACQUIRE))
		usleep(100);
	return 42;
}

static int tid_job(void *arg)
{
	*(pid_t *)arg = (pid_t)syscall(SYS_gettid);
	return 0;
}

/* 'R' running, 'S' sleeping... from /proc/self/task/<tid>/stat. */
static char thread_state(pid_t tid)
{
	char path[64], buf[256], *p;
	FILE *f;
	size_t n;

	snprintf(path, sizeof(path), "/proc/self/task/%d/stat", (int)tid);
	f = fopen(path, "r");
	ck_assert_ptr_nonnull(f);
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = '\0';
	p = strrchr(buf, ')');
	ck_assert_ptr_nonnull(p);
	return p[2];
}

static long thread_cpu_ticks(pid_t tid)
{
	char path[64], buf[512], *p;
	long utime = 0, stime = 0;
	FILE *f;
	size_t n;

	snprintf(path, sizeof(path), "/proc/self/task/%d/stat", (int)tid);
	f = fopen(path, "r");
	ck_assert_ptr_nonnull(f);
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = '\0';
	p = strrchr(buf, ')');
	/* fields 14 and 15 (utime, stime); p points at the end of field 2 */
	ck_assert_int_eq(sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %ld %ld",
				&utime, &stime), 2);
	return utime + stime;
}

START_TEST(launch_busy_wait_and_sleep)
{
	int gate = 0;
	unsigned counter = 0;
	pid_t tid = 0;
	long ticks0, ticks1;

	if (nth_allowed_cpu(1) < 0) {
		printf("launch_busy_wait_and_sleep: needs two cpus, skipped\n");
		return;
	}
	ck_assert_int_eq(EAL_INIT("--no-huge", "-l", "0-1"), 3);

	ck_assert_int_eq(sl_eal_remote_launch(gate_job, &gate, 1), 0);
	ck_assert_int_eq(sl_eal_remote_launch(count_job, &counter, 1), -EBUSY);
	ck_assert_int_eq(sl_eal_mp_remote_launch(count_job, &counter, 0), -EBUSY);
	__atomic_store_n(&gate, 1, __ATOMIC_RELEASE);
	ck_assert_int_eq(sl_eal_wait_lcore(1), 42);

	/* Back-to-back jobs: each wakes the sleeping worker. */
	for (int i = 0; i < 2000; i++) {
		ck_assert_int_eq(sl_eal_remote_launch(count_job, &counter, 1), 0);
		ck_assert_int_eq(sl_eal_wait_lcore(1), 7);
	}
	ck_assert_uint_eq(counter, 2000);

	/* Idle workers sleep: no cpu time while idle. */
	ck_assert_int_eq(sl_eal_remote_launch(tid_job, &tid, 1), 0);
	sl_eal_wait_lcore(1);
	usleep(20000);
	ticks0 = thread_cpu_ticks(tid);
	usleep(300000);
	ticks1 = thread_cpu_ticks(tid);
	ck_assert_int_eq(thread_state(tid), 'S');
	ck_assert_int_le(ticks1 - ticks0, 2);
	sl_eal_cleanup();
}
END_TEST

static void *foreign_thread(void *arg)
{
	*(unsigned *)arg = sl_lcore_id();
	return NULL;
}

START_TEST(foreign_thread_has_no_lcore_id)
{
	pthread_t t;
	unsigned id = 0;

	ck_assert_uint_eq(sl_lcore_id(), SL_LCORE_ID_ANY);
	ck_assert_int_ge(EAL_INIT("--no-huge", "-l", "0"), 0);
	ck_assert_uint_eq(sl_lcore_id(), 0);
	ck_assert_int_eq(pthread_create(&t, NULL, foreign_thread, &id), 0);
	pthread_join(t, NULL);
	ck_assert_uint_eq(id, SL_LCORE_ID_ANY);
	ck_assert_int_eq(sl_socket_id(), sl_lcore_to_socket(0));
	sl_eal_cleanup();
}
END_TEST

/* ---- init / cleanup / hooks --------------------------------------------- */

static char hook_trace[64];

static void trace(char c)
{
	size_t n = strlen(hook_trace);

	hook_trace[n] = c;
	hook_trace[n + 1] = '\0';
}

static int hook_a_init(void) { trace('a'); return 0; }
static void hook_a_fini(void) { trace('A'); }
static int hook_b_init(void)
{
	/* Hooks run after memory is up. */
	void *p = sl_dma_zalloc("hook", 64, 0, SL_SOCKET_ID_ANY);

	trace(p != NULL ? 'b' : '!');
	sl_dma_free(p);
	return 0;
}
static void hook_b_fini(void) { trace('B'); }
static int hook_fail;
static int hook_c_init(void) { trace('c'); return hook_fail ? -ENODEV : 0; }
static void hook_c_fini(void) { trace('C'); }

START_TEST(hooks_order_and_failure)
{
	/* Registered out of order; run by order. */
	ck_assert_int_eq(sl_eal_register_hook("c", 30, hook_c_init, hook_c_fini), 0);
	ck_assert_int_eq(sl_eal_register_hook("a", 10, hook_a_init, hook_a_fini), 0);
	ck_assert_int_eq(sl_eal_register_hook("b", 20, hook_b_init, hook_b_fini), 0);
	ck_assert_int_eq(sl_eal_register_hook("b", 20, hook_b_init, hook_b_fini), -EEXIST);

	ck_assert_int_ge(EAL_INIT("--no-huge", "-l", "0"), 0);
	ck_assert_str_eq(hook_trace, "abc");
	sl_eal_cleanup();
	ck_assert_str_eq(hook_trace, "abcCBA");

	/* A failing hook fails init; the ones before it are undone. */
	hook_trace[0] = '\0';
	hook_fail = 1;
	ck_assert_int_eq(EAL_INIT("--no-huge", "-l", "0"), -ENODEV);
	ck_assert_str_eq(hook_trace, "abcBA");
	ck_assert_uint_eq(sl_lcore_count(), 0);
	ck_assert_uint_eq(sl_mem_reserved_bytes(), 0);
	hook_fail = 0;
	ck_assert_int_ge(EAL_INIT("--no-huge", "-l", "0"), 0);
	sl_eal_cleanup();
}
END_TEST

START_TEST(cleanup_and_reinit)
{
	unsigned counter = 0;
	int ret;
	void *p;

	for (int round = 0; round < 3; round++) {
		ck_assert_int_ge(EAL_INIT("--no-huge"), 0);
		EAL_INIT_CAPTURED(ret, "--no-huge");
		ck_assert_int_eq(ret, -EALREADY);
		p = sl_dma_zalloc("round", 100000, 0, SL_SOCKET_ID_ANY);
		ck_assert_ptr_nonnull(p);
		ck_assert_int_eq(sl_eal_mp_remote_launch(count_job, &counter, 0), 0);
		/* Not freed, job maybe running: cleanup copes with both. */
		sl_eal_cleanup();
		ck_assert_uint_eq(sl_mem_reserved_bytes(), 0);
		ck_assert_uint_eq(sl_lcore_count(), 0);
		sl_eal_cleanup(); /* twice is harmless */
	}
	sl_test_capture_begin(true);
	p = sl_dma_zalloc("after", 64, 0, SL_SOCKET_ID_ANY);
	(void)sl_test_capture_end();
	ck_assert_ptr_null(p);
}
END_TEST

/* ---- time --------------------------------------------------------------- */

START_TEST(tsc_frequency_sane)
{
	uint64_t hz, t0, n0, t1, n1, measured, start;

	hz = sl_tsc_hz();
	ck_assert_uint_gt(hz, 100000000ull);
	ck_assert_uint_eq(sl_tsc_hz(), hz);
	n0 = now_ns();
	t0 = sl_tsc();
	usleep(200000);
	t1 = sl_tsc();
	n1 = now_ns();
	measured = (uint64_t)((double)(t1 - t0) * 1e9 / (double)(n1 - n0));
	ck_assert_msg(measured > hz * 8 / 10 && measured < hz * 12 / 10,
		      "sl_tsc_hz %llu vs measured %llu", (unsigned long long)hz,
		      (unsigned long long)measured);

	start = now_ns();
	sl_delay_us(20000);
	ck_assert_uint_ge(now_ns() - start, 20000000ull * 8 / 10);
	ck_assert_uint_lt(now_ns() - start, 20000000ull * 10);
}
END_TEST

static Suite *eal_suite(void)
{
	Suite *s = suite_create("eal");
	TCase *tc;

	tc = tcase_create("log");
	tcase_add_test(tc, log_levels_and_format);
	suite_add_tcase(s, tc);

	tc = tcase_create("parse");
	tcase_add_test(tc, parse_uint_rule);
	tcase_add_test(tc, parse_uint_range_and_prefix);
	tcase_add_test(tc, parse_real_rule);
	tcase_add_test(tc, parse_messages);
	suite_add_tcase(s, tc);

	tc = tcase_create("args");
	tcase_add_test(tc, args_all_options_accepted);
	tcase_add_test(tc, args_stop_at_first_non_option);
	tcase_add_test(tc, args_bad_options_rejected);
	tcase_add_test(tc, args_mem_units);
	tcase_add_test(tc, args_help);
	tcase_add_test(tc, args_lcore_lists);
	tcase_add_test(tc, args_cpu_outside_affinity);
	suite_add_tcase(s, tc);

	tc = tcase_create("lcore");
	tcase_add_test(tc, launch_on_all_lcores);
	tcase_add_test(tc, launch_busy_wait_and_sleep);
	tcase_add_test(tc, foreign_thread_has_no_lcore_id);
	suite_add_tcase(s, tc);

	tc = tcase_create("lifecycle");
	tcase_add_test(tc, hooks_order_and_failure);
	tcase_add_test(tc, cleanup_and_reinit);
	tcase_add_test(tc, tsc_frequency_sane);
	tcase_set_timeout(tc, 60);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return eal_test_run_forked(eal_suite());
}
