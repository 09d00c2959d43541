/* SPDX-License-Identifier: BSD-3-Clause
 * Helpers shared by the Check unit tests: capturing what a call logs (the
 * error-message tests assert on it), bringing the EAL up for a test round,
 * running a suite in-process, and looking up a physical address.
 */
#ifndef SL_TEST_H
#define SL_TEST_H

#include <check.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "sl_eal.h"

/* The physical address of va from /proc/self/pagemap (root sees the
 * frame numbers): what the EAL's IOVA-as-PA mode must agree with. */
static inline sl_iova_t sl_test_pagemap_pa(const void *va)
{
	uint64_t entry = 0;
	long pg = sysconf(_SC_PAGESIZE);
	int fd = open("/proc/self/pagemap", O_RDONLY);

	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(pread(fd, &entry, 8, (off_t)((uintptr_t)va / (uintptr_t)pg * 8)), 8);
	close(fd);
	return (entry & ((1ull << 55) - 1)) * (uint64_t)pg + (uintptr_t)va % (uintptr_t)pg;
}

/* What the last capture saw (NUL-terminated). */
static char sl_test_captured[16384];
static FILE *sl_test_cap_file;
static int sl_test_cap_saved_err = -1, sl_test_cap_saved_out = -1;

/* stderr (and stdout too with with_stdout) go to a temporary file, not a
 * pipe that could fill up and block the test, until sl_test_capture_end. */
static inline void sl_test_capture_begin(bool with_stdout)
{
	fflush(stdout);
	fflush(stderr);
	sl_test_cap_file = tmpfile();
	ck_assert_ptr_nonnull(sl_test_cap_file);
	sl_test_cap_saved_err = dup(STDERR_FILENO);
	ck_assert_int_ge(sl_test_cap_saved_err, 0);
	ck_assert_int_ge(dup2(fileno(sl_test_cap_file), STDERR_FILENO), 0);
	sl_test_cap_saved_out = -1;
	if (with_stdout) {
		sl_test_cap_saved_out = dup(STDOUT_FILENO);
		ck_assert_int_ge(sl_test_cap_saved_out, 0);
		ck_assert_int_ge(dup2(fileno(sl_test_cap_file), STDOUT_FILENO), 0);
	}
}

/* Restores the streams and returns what was written, which is also echoed
 * to the real stderr so that it stays visible in the test log. */
static inline const char *sl_test_capture_end(void)
{
	size_t n;

	fflush(stdout);
	fflush(stderr);
	dup2(sl_test_cap_saved_err, STDERR_FILENO);
	close(sl_test_cap_saved_err);
	if (sl_test_cap_saved_out >= 0) {
		dup2(sl_test_cap_saved_out, STDOUT_FILENO);
		close(sl_test_cap_saved_out);
	}
	rewind(sl_test_cap_file);
	n = fread(sl_test_captured, 1, sizeof(sl_test_captured) - 1, sl_test_cap_file);
	sl_test_captured[n] = '\0';
	fclose(sl_test_cap_file);
	fputs(sl_test_captured, stderr);
	return sl_test_captured;
}

#define ck_assert_logged(log, needle) \
	ck_assert_msg(strstr((log), (needle)) != NULL, "log lacks \"%s\": %s", (needle), (log))

static inline unsigned long sl_test_free_hugepages_2m(void)
{
	FILE *f = fopen("/sys/kernel/mm/hugepages/hugepages-2048kB/free_hugepages", "r");
	unsigned long v = 0;

	if (f == NULL)
		return 0;
	if (fscanf(f, "%lu", &v) != 1)
		v = 0;
	fclose(f);
	return v;
}

/* The memseg holding va (the test fails when none does). */
static inline int sl_test_find_seg_of(const struct sl_memseg *ms, void *arg)
{
	const void **va = arg;

	if ((const char *)*va >= (const char *)ms->va &&
	    (const char *)*va < (const char *)ms->va + ms->len) {
		*va = ms;
		return 1;
	}
	return 0;
}

static inline const struct sl_memseg *sl_test_seg_of(const void *va)
{
	const void *p = va;

	ck_assert_int_eq(sl_memseg_walk(sl_test_find_seg_of, &p), 1);
	return p;
}

static inline int sl_test_all_zero(const void *p, size_t n)
{
	const unsigned char *c = p;

	for (size_t i = 0; i < n; i++)
		if (c[i] != 0)
			return 0;
	return 1;
}

/* Lines in a captured log: an error is one line. */
static inline unsigned sl_test_count_lines(const char *text)
{
	unsigned lines = 0;

	for (; *text != '\0'; text++)
		lines += *text == '\n';
	return lines;
}

/* sl_eal_init for a test round: lcores 0-1 (0 on a one-CPU machine),
 * errors-only logging, a memory cap of mem_mb (so that out-of-memory cases
 * fail fast instead of locking the machine's RAM), hugepages or not. */
static inline int sl_test_eal_up(const char *prog, bool huge, const char *mem_mb)
{
	char *argv[10];
	int argc = 0;

	argv[argc++] = (char *)prog;
	if (!huge)
		argv[argc++] = (char *)"--no-huge";
	argv[argc++] = (char *)"-m";
	argv[argc++] = (char *)mem_mb;
	argv[argc++] = (char *)"-l";
	argv[argc++] = (char *)(sysconf(_SC_NPROCESSORS_ONLN) >= 2 ? "0-1" : "0");
	argv[argc++] = (char *)"--log-level";
	argv[argc++] = (char *)"err";
	argv[argc] = NULL;
	return sl_eal_init(argc, argv) < 0 ? -1 : 0;
}

/* Runs s in this process (the EAL is up here, not in a forked child);
 * returns the number of failed tests. */
static inline int sl_test_run_suite(Suite *s)
{
	SRunner *sr = srunner_create(s);
	int failed;

	srunner_set_fork_status(sr, CK_NOFORK);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed;
}

#endif /* SL_TEST_H */
