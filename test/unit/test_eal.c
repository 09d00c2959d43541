/* SPDX-License-Identifier: BSD-3-Clause
 * EAL unit tests. Check runs every test in its own forked process, so each
 * one may sl_eal_init/sl_eal_cleanup and register hooks freely. Allocation
 * from hugepages is in test_eal_huge (skips without free hugepages). */
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <linux/capability.h>
#include <pthread.h>
#include <sched.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "sl_eal.h"
#include "sl_parse.h"
#include "sl_test.h"

/* ---- helpers ------------------------------------------------------------ */


/* sl_eal_init rewrites argv, so each call gets a fresh copy. */
static char *args[64];
static int nb_args;

static int eal_init_list(const char *const *list)
{
	nb_args = 0;
	args[nb_args++] = (char *)"test_eal";
	for (; *list != NULL; list++) {
		ck_assert_int_lt(nb_args, 62);
		args[nb_args++] = (char *)*list;
	}
	args[nb_args] = NULL;
	return sl_eal_init(nb_args, args);
}

#define EAL_INIT(...) eal_init_list((const char *const[]){ __VA_ARGS__, NULL })

/* Same, with stderr/stdout sl_test_captured into `sl_test_captured`. */
#define EAL_INIT_CAPTURED(ret, ...)                   \
	do {                                          \
		sl_test_capture_begin(true);                      \
		(ret) = EAL_INIT(__VA_ARGS__);        \
		(void)sl_test_capture_end();                        \
	} while (0)

static unsigned count_lines(const char *text)
{
	unsigned lines = 0;

	for (; *text; text++)
		lines += *text == '\n';
	return lines;
}

/* --no-huge memory is locked: without root (CAP_IPC_LOCK) the usual 8 MB
 * RLIMIT_MEMLOCK is too small for the growth tests, which then only say
 * so (Check cannot skip a single test). */
static int can_lock_mb(const char *test, unsigned mb)
{
	struct rlimit rl;

	if (geteuid() == 0)
		return 1;
	if (getrlimit(RLIMIT_MEMLOCK, &rl) == 0 &&
	    (rl.rlim_cur == RLIM_INFINITY || rl.rlim_cur >= (rlim_t)mb << 20))
		return 1;
	printf("%s: skipped, needs %u MB of locked memory (ulimit -l) or root\n", test, mb);
	return 0;
}

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
		lines = count_lines(sl_test_captured);
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

/* ---- DMA memory (--no-huge) --------------------------------------------- */

struct seg_log {
	unsigned allocs, frees;
	const void *last_va;
	size_t last_len;
};

static int seg_event(enum sl_mem_event ev, const struct sl_memseg *ms, void *arg)
{
	struct seg_log *log = arg;

	if (ev == SL_MEM_EVENT_ALLOC)
		log->allocs++;
	else
		log->frees++;
	log->last_va = ms->va;
	log->last_len = ms->len;
	return 0;
}

static int count_segs(const struct sl_memseg *ms, void *arg)
{
	(void)ms;
	(*(unsigned *)arg)++;
	return 0;
}

START_TEST(dma_before_init_fails)
{
	sl_test_capture_begin(true);
	void *p = sl_dma_zalloc("early", 64, 0, SL_SOCKET_ID_ANY);
	(void)sl_test_capture_end();
	ck_assert_ptr_null(p);
	ck_assert_ptr_nonnull(strstr(sl_test_captured, "sl_eal_init"));
	ck_assert_uint_eq(sl_mem_virt2iova(&p), SL_BAD_IOVA);
}
END_TEST

START_TEST(dma_alloc_free_basics)
{
	static const size_t aligns[] = { 0, 64, 128, 4096, 65536, 2 << 20 };
	char *p;

	ck_assert_int_ge(EAL_INIT("--no-huge", "-l", "0"), 0);
	ck_assert_uint_eq(sl_mem_used_bytes(), 0);
	for (unsigned i = 0; i < sizeof(aligns) / sizeof(aligns[0]); i++) {
		size_t a = aligns[i] ? aligns[i] : SL_CACHE_LINE_SIZE;

		p = sl_dma_zalloc("basic", 1000, aligns[i], SL_SOCKET_ID_ANY);
		ck_assert_ptr_nonnull(p);
		ck_assert_uint_eq((uintptr_t)p % a, 0);
		ck_assert(sl_test_all_zero(p, 1000));
		/* Without an IOMMU allocator, --no-huge is IOVA = VA. */
		ck_assert_uint_eq(sl_mem_virt2iova(p), (uintptr_t)p);
		ck_assert_uint_eq(sl_mem_virt2iova(p + 999), (uintptr_t)p + 999);
		ck_assert_uint_eq(sl_mem_used_bytes(), 1024);
		memset(p, 0xab, 1000);
		sl_dma_free(p);
		ck_assert_uint_eq(sl_mem_used_bytes(), 0);
	}
	/* Freed memory comes back zeroed. */
	p = sl_dma_zalloc("again", 1000, 0, 0);
	ck_assert_ptr_nonnull(p);
	ck_assert(sl_test_all_zero(p, 1000));
	sl_dma_free(p);

	ck_assert_uint_eq(sl_mem_virt2iova(&p), SL_BAD_IOVA);

	sl_test_capture_begin(true);
	ck_assert_ptr_null(sl_dma_zalloc("zero", 0, 0, 0));
	ck_assert_ptr_null(sl_dma_zalloc("odd", 64, 48, 0));
	ck_assert_ptr_null(sl_dma_zalloc("node", 64, 0, 7));
	sl_dma_free(p);		/* twice */
	sl_dma_free(&p);	/* not ours */
	(void)sl_test_capture_end();
	ck_assert_ptr_nonnull(strstr(sl_test_captured, "alignment 48"));
	ck_assert_ptr_nonnull(strstr(sl_test_captured, "NUMA node 7"));
	ck_assert_ptr_nonnull(strstr(sl_test_captured, "freed twice"));
	sl_dma_free(NULL);
	sl_eal_cleanup();
}
END_TEST

START_TEST(dma_many_blocks)
{
	enum { N = 3000 };
	static char *blocks[N];
	static size_t sizes[N];
	unsigned seed = 12345;
	size_t total = 0;
	if (!can_lock_mb("dma_many_blocks", 48))
		return;

	ck_assert_int_ge(EAL_INIT("--no-huge", "-l", "0"), 0);
	for (unsigned i = 0; i < N; i++) {
		seed = seed * 1103515245u + 12345u;
		sizes[i] = 1 + (seed >> 8) % 20000;
		blocks[i] = sl_dma_zalloc("many", sizes[i], 0, SL_SOCKET_ID_ANY);
		ck_assert_ptr_nonnull(blocks[i]);
		ck_assert(sl_test_all_zero(blocks[i], sizes[i]));
		memset(blocks[i], (int)(i & 0xff) | 1, sizes[i]);
		total += (sizes[i] + 63) & ~(size_t)63;
	}
	ck_assert_uint_eq(sl_mem_used_bytes(), total);
	/* No two blocks overlap: every pattern survived its neighbours. */
	for (unsigned i = 0; i < N; i++) {
		ck_assert_int_eq((unsigned char)blocks[i][0], (i & 0xff) | 1);
		ck_assert_int_eq((unsigned char)blocks[i][sizes[i] - 1], (i & 0xff) | 1);
		ck_assert_uint_eq(sl_mem_virt2iova(blocks[i] + sizes[i] / 2),
				  (uintptr_t)blocks[i] + sizes[i] / 2);
	}
	/* Free every other one, refill the holes, then free all. */
	for (unsigned i = 0; i < N; i += 2)
		sl_dma_free(blocks[i]);
	for (unsigned i = 0; i < N; i += 2) {
		blocks[i] = sl_dma_zalloc("refill", sizes[i], 0, SL_SOCKET_ID_ANY);
		ck_assert_ptr_nonnull(blocks[i]);
		ck_assert(sl_test_all_zero(blocks[i], sizes[i]));
	}
	ck_assert_uint_eq(sl_mem_used_bytes(), total);
	for (unsigned i = 0; i < N; i++)
		sl_dma_free(blocks[i]);
	ck_assert_uint_eq(sl_mem_used_bytes(), 0);
	/* Only the segment made at init remains: the rest were released. */
	ck_assert_uint_eq(sl_mem_reserved_bytes(), 4u << 20);
	sl_eal_cleanup();
}
END_TEST

START_TEST(dma_segments_grow_and_notify)
{
	struct seg_log log = { 0 };
	unsigned nb_segs = 0;
	size_t reserved0;
	char *small, *big, *big2;
	const struct sl_memseg *ms;
	if (!can_lock_mb("dma_segments_grow_and_notify", 24))
		return;

	ck_assert_int_ge(EAL_INIT("--no-huge", "-l", "0"), 0);
	reserved0 = sl_mem_reserved_bytes();
	ck_assert_uint_gt(reserved0, 0);
	/* A late callback hears about the existing segment at once. */
	ck_assert_int_eq(sl_mem_event_callback_register("test", seg_event, &log), 0);
	ck_assert_uint_eq(log.allocs, 1);
	ck_assert_int_eq(sl_mem_event_callback_register("test", seg_event, &log), -EEXIST);

	small = sl_dma_zalloc("small", 100, 0, SL_SOCKET_ID_ANY);
	ck_assert_ptr_nonnull(small);
	ck_assert_uint_eq(log.allocs, 1);

	/* Larger than the growth step: a segment of its own size. */
	big = sl_dma_zalloc("big", (9u << 20) + 5, 4096, SL_SOCKET_ID_ANY);
	ck_assert_ptr_nonnull(big);
	ck_assert_uint_eq(log.allocs, 2);
	ms = sl_test_seg_of(big);
	ck_assert_ptr_eq(log.last_va, ms->va);
	ck_assert_uint_ge(ms->len, (9u << 20) + 5);
	ck_assert_uint_eq(ms->len % ms->page_sz, 0);
	ck_assert_uint_eq(ms->page_sz, (size_t)sysconf(_SC_PAGESIZE));
	ck_assert_int_eq(ms->iova_contig, 1);
	ck_assert_uint_eq(ms->iova, (uintptr_t)ms->va);
	ck_assert(sl_test_all_zero(big, (9u << 20) + 5));
	/* Fits neither the init segment nor the rest of big's. */
	big2 = sl_dma_zalloc("big2", 5u << 20, 0, SL_SOCKET_ID_ANY);
	ck_assert_ptr_nonnull(big2);
	ck_assert_uint_eq(log.allocs, 3);
	ck_assert_int_eq(sl_memseg_walk(count_segs, &nb_segs), 0);
	ck_assert_uint_eq(nb_segs, 3);
	ck_assert_uint_eq(sl_mem_reserved_bytes(), reserved0 + ms->len + sl_test_seg_of(big2)->len);

	/* A fully free segment goes away, with an event. */
	sl_dma_free(big);
	ck_assert_uint_eq(log.frees, 1);
	ck_assert_uint_eq(sl_mem_virt2iova(big), SL_BAD_IOVA);
	ck_assert_int_eq(sl_mem_event_callback_unregister("test"), 0);
	ck_assert_int_eq(sl_mem_event_callback_unregister("test"), -ENOENT);
	sl_dma_free(big2);
	ck_assert_uint_eq(log.frees, 1);
	sl_dma_free(small);
	ck_assert_uint_eq(sl_mem_reserved_bytes(), reserved0);
	sl_eal_cleanup();
	ck_assert_uint_eq(sl_mem_reserved_bytes(), 0);
}
END_TEST

static int refuse_event(enum sl_mem_event ev, const struct sl_memseg *ms, void *arg)
{
	(void)ms;
	if (ev == SL_MEM_EVENT_ALLOC && (*(int *)arg)-- <= 0)
		return -EIO;
	return 0;
}

START_TEST(dma_refused_segment_fails_allocation)
{
	int budget = 1; /* accept the init segment only */
	void *p;
	if (!can_lock_mb("dma_refused_segment_fails_allocation", 16))
		return;

	ck_assert_int_ge(EAL_INIT("--no-huge", "-l", "0"), 0);
	ck_assert_int_eq(sl_mem_event_callback_register("refuse", refuse_event, &budget), 0);
	sl_test_capture_begin(true);
	p = sl_dma_zalloc("refused", 8u << 20, 0, SL_SOCKET_ID_ANY);
	(void)sl_test_capture_end();
	ck_assert_ptr_null(p);
	ck_assert_ptr_nonnull(strstr(sl_test_captured, "refuse"));
	ck_assert_uint_eq(sl_mem_reserved_bytes(), 4u << 20);
	/* Small ones still fit in the existing segment. */
	p = sl_dma_zalloc("fits", 4096, 0, SL_SOCKET_ID_ANY);
	ck_assert_ptr_nonnull(p);
	sl_dma_free(p);
	/* A callback that fails for an existing segment is not registered. */
	budget = 0;
	ck_assert_int_eq(sl_mem_event_callback_unregister("refuse"), 0);
	ck_assert_int_eq(sl_mem_event_callback_register("refuse", refuse_event, &budget), -EIO);
	ck_assert_int_eq(sl_mem_event_callback_unregister("refuse"), -ENOENT);
	sl_eal_cleanup();
}
END_TEST

START_TEST(dma_memory_limit)
{
	void *a, *b;

	ck_assert_int_ge(EAL_INIT("--no-huge", "-l", "0", "-m", "6"), 0);
	ck_assert_uint_eq(sl_mem_reserved_bytes(), 6u << 20);
	a = sl_dma_zalloc("a", 5u << 20, 0, SL_SOCKET_ID_ANY);
	ck_assert_ptr_nonnull(a);
	sl_test_capture_begin(true);
	b = sl_dma_zalloc("b", 2u << 20, 0, SL_SOCKET_ID_ANY);
	(void)sl_test_capture_end();
	ck_assert_ptr_null(b);
	ck_assert_ptr_nonnull(strstr(sl_test_captured, "-m 6"));
	sl_dma_free(a);
	/* The -m reservation stays while the EAL runs. */
	ck_assert_uint_eq(sl_mem_reserved_bytes(), 6u << 20);
	b = sl_dma_zalloc("b", 2u << 20, 0, SL_SOCKET_ID_ANY);
	ck_assert_ptr_nonnull(b);
	sl_eal_cleanup();
}
END_TEST

/* ---- IOVA allocator hook ------------------------------------------------ */

struct fake_iommu {
	sl_iova_t next;
	unsigned allocs, frees;
	size_t outstanding;
	int fail;
};

static sl_iova_t fake_alloc(size_t len, size_t align, void *arg)
{
	struct fake_iommu *f = arg;
	sl_iova_t iova;

	if (f->fail)
		return SL_BAD_IOVA;
	iova = (f->next + align - 1) & ~(sl_iova_t)(align - 1);
	f->next = iova + len;
	f->allocs++;
	f->outstanding += len;
	return iova;
}

static void fake_free(sl_iova_t iova, size_t len, void *arg)
{
	struct fake_iommu *f = arg;

	(void)iova;
	f->frees++;
	f->outstanding -= len;
}

START_TEST(iova_allocator_reassigns)
{
	struct fake_iommu f = { .next = 1ull << 32 };
	char *p, *big;
	const struct sl_memseg *ms;
	sl_iova_t base;
	if (!can_lock_mb("iova_allocator_reassigns", 16))
		return;

	ck_assert_int_ge(EAL_INIT("--no-huge", "-l", "0"), 0);
	p = sl_dma_zalloc("p", 256, 0, SL_SOCKET_ID_ANY);
	ck_assert_uint_eq(sl_mem_virt2iova(p), (uintptr_t)p);

	sl_mem_set_iova_allocator(fake_alloc, fake_free, &f);
	ck_assert_uint_eq(f.allocs, 1);
	ms = sl_test_seg_of(p);
	ck_assert_int_eq(ms->iova_contig, 1);
	ck_assert_uint_eq(ms->iova, 1ull << 32);
	ck_assert_uint_eq(sl_mem_virt2iova(p + 10), ms->iova + (uintptr_t)(p + 10) - (uintptr_t)ms->va);

	/* New segments get their IOVA from it too, aligned to their pages. */
	big = sl_dma_zalloc("big", 6u << 20, 0, SL_SOCKET_ID_ANY);
	ck_assert_ptr_nonnull(big);
	ck_assert_uint_eq(f.allocs, 2);
	base = sl_test_seg_of(big)->iova;
	ck_assert_uint_ge(base, (1ull << 32) + (4u << 20));
	ck_assert_uint_eq(sl_mem_virt2iova(big), base + (uintptr_t)big - (uintptr_t)sl_test_seg_of(big)->va);
	sl_dma_free(big);
	ck_assert_uint_eq(f.frees, 1);

	/* An exhausted allocator fails the allocation. */
	f.fail = 1;
	sl_test_capture_begin(true);
	ck_assert_ptr_null(sl_dma_zalloc("big", 6u << 20, 0, SL_SOCKET_ID_ANY));
	(void)sl_test_capture_end();
	f.fail = 0;

	/* Back to the default policy: ranges returned, IOVA = VA again. */
	sl_mem_set_iova_allocator(NULL, NULL, NULL);
	ck_assert_uint_eq(f.outstanding, 0);
	ck_assert_uint_eq(sl_mem_virt2iova(p), (uintptr_t)p);

	/* Cleanup returns the ranges of an installed allocator too. */
	sl_mem_set_iova_allocator(fake_alloc, fake_free, &f);
	ck_assert_uint_eq(f.outstanding, 4u << 20);
	sl_eal_cleanup();
	ck_assert_uint_eq(f.outstanding, 0);
}
END_TEST

/* ---- physical addresses on 4 KiB pages ---------------------------------- */

START_TEST(iova_pa_on_small_pages)
{
	size_t pg = (size_t)sysconf(_SC_PAGESIZE);
	char *blocks[64];
	int ret;

	EAL_INIT_CAPTURED(ret, "--no-huge", "-l", "0", "--iova-mode", "pa");
	if (geteuid() != 0) {
		/* Physical addresses need root: the error says what to do. */
		ck_assert_int_eq(ret, -EPERM);
		ck_assert_ptr_nonnull(strstr(sl_test_captured, "--iova-mode va"));
		return;
	}
	ck_assert_int_ge(ret, 0);
	for (unsigned i = 0; i < 64; i++) {
		/* 3000 bytes at cache-line alignment: some straddle a page
		 * boundary, which is only allowed where the two physical
		 * pages happen to be adjacent. */
		blocks[i] = sl_dma_zalloc("pa", 3000, 0, SL_SOCKET_ID_ANY);
		ck_assert_ptr_nonnull(blocks[i]);
		ck_assert_uint_eq(sl_mem_virt2iova(blocks[i] + 17), sl_test_pagemap_pa(blocks[i] + 17));
		ck_assert_uint_eq(sl_mem_virt2iova(blocks[i] + 2999), sl_test_pagemap_pa(blocks[i] + 2999));
		ck_assert_uint_eq(sl_test_pagemap_pa(blocks[i] + 2999), sl_test_pagemap_pa(blocks[i]) + 2999);
	}
	ck_assert_int_eq(sl_test_seg_of(blocks[0])->iova_contig, 0);
	ck_assert_ptr_nonnull(sl_test_seg_of(blocks[0])->iovas);
	sl_test_capture_begin(true);
	ck_assert_ptr_null(sl_dma_zalloc("too big", 3 * pg, 0, SL_SOCKET_ID_ANY));
	(void)sl_test_capture_end();
	ck_assert_ptr_nonnull(strstr(sl_test_captured, "--iova-mode va"));
	for (unsigned i = 0; i < 64; i++)
		sl_dma_free(blocks[i]);
	sl_eal_cleanup();
}
END_TEST

/* ---- memory failures with a remedy -------------------------------------- */

static long read_long(const char *path)
{
	FILE *f = fopen(path, "r");
	long v = -1;

	if (f != NULL) {
		if (fscanf(f, "%ld", &v) != 1)
			v = -1;
		fclose(f);
	}
	return v;
}

START_TEST(not_enough_hugepages_message)
{
	long nfree = read_long("/sys/kernel/mm/hugepages/hugepages-2048kB/free_hugepages");
	char mb[32];
	int ret;

	/* More than every free 2 MiB page (and than any 1 GiB page could make
	 * up for, since only the default size is used). */
	snprintf(mb, sizeof(mb), "%ld", (nfree < 0 ? 0 : nfree) * 2 + 64);
	EAL_INIT_CAPTURED(ret, "-l", "0", "-m", mb);
	if (nfree < 0) {
		ck_assert_int_lt(ret, 0);
		ck_assert_ptr_nonnull(strstr(sl_test_captured, "--no-huge"));
		return;
	}
	ck_assert_int_eq(ret, -ENOMEM);
	ck_assert_ptr_nonnull(strstr(sl_test_captured, "MB"));
	ck_assert_ptr_nonnull(strstr(sl_test_captured, "nr_hugepages"));
	ck_assert_ptr_nonnull(strstr(sl_test_captured, "--no-huge"));
	ck_assert_ptr_nonnull(strstr(sl_test_captured, mb));
	ck_assert_uint_eq(count_lines(sl_test_captured), 1);
	/* Nothing kept: lcores stopped, no memory. */
	ck_assert_uint_eq(sl_lcore_count(), 0);
	ck_assert_uint_eq(sl_mem_reserved_bytes(), 0);
	ck_assert_uint_eq(sl_lcore_id(), SL_LCORE_ID_ANY);
}
END_TEST

/* Drops CAP_IPC_LOCK (root ignores RLIMIT_MEMLOCK with it). */
static void drop_ipc_lock(void)
{
	struct __user_cap_header_struct hdr = { .version = _LINUX_CAPABILITY_VERSION_3 };
	struct __user_cap_data_struct data[2];

	ck_assert_int_eq(syscall(SYS_capget, &hdr, data), 0);
	data[CAP_IPC_LOCK / 32].effective &= ~(1u << (CAP_IPC_LOCK % 32));
	data[CAP_IPC_LOCK / 32].permitted &= ~(1u << (CAP_IPC_LOCK % 32));
	ck_assert_int_eq(syscall(SYS_capset, &hdr, data), 0);
}

START_TEST(memlock_limit_message)
{
	struct rlimit rl = { .rlim_cur = 1 << 20, .rlim_max = 1 << 20 };
	int ret;

	drop_ipc_lock();
	ck_assert_int_eq(setrlimit(RLIMIT_MEMLOCK, &rl), 0);
	EAL_INIT_CAPTURED(ret, "--no-huge", "-l", "0", "-m", "16");
	ck_assert_int_eq(ret, -ENOMEM);
	ck_assert_ptr_nonnull(strstr(sl_test_captured, "RLIMIT_MEMLOCK is 1024 kB"));
	ck_assert_ptr_nonnull(strstr(sl_test_captured, "ulimit -l"));
	ck_assert_uint_eq(sl_lcore_count(), 0);
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

	tc = tcase_create("memory");
	tcase_add_test(tc, dma_before_init_fails);
	tcase_add_test(tc, dma_alloc_free_basics);
	tcase_add_test(tc, dma_many_blocks);
	tcase_add_test(tc, dma_segments_grow_and_notify);
	tcase_add_test(tc, dma_refused_segment_fails_allocation);
	tcase_add_test(tc, dma_memory_limit);
	tcase_add_test(tc, iova_allocator_reassigns);
	tcase_add_test(tc, iova_pa_on_small_pages);
	tcase_add_test(tc, not_enough_hugepages_message);
	tcase_add_test(tc, memlock_limit_message);
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
	SRunner *sr = srunner_create(eal_suite());
	int failed;

	/* Each test inits and cleans up the EAL in its own process. */
	srunner_set_fork_status(sr, CK_FORK);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
