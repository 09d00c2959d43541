/* SPDX-License-Identifier: BSD-3-Clause
 * EAL hugepage memory. Exits 77 (skip) when the machine has no free
 * hugepages of the default size: reserve some with
 *   echo 256 > /proc/sys/vm/nr_hugepages
 * Fails if the run leaves hugepages allocated. */
#include <check.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <unistd.h>

#include "sl_eal.h"
#include "sl_test.h"

#define MIN_FREE_PAGES 16

static size_t huge_sz;

static char *args[32];

static int eal_init_list(const char *const *list)
{
	int n = 0;

	args[n++] = (char *)"test_eal_huge";
	for (; *list != NULL; list++)
		args[n++] = (char *)*list;
	args[n] = NULL;
	return sl_eal_init(n, args);
}

#define EAL_INIT(...) eal_init_list((const char *const[]){ __VA_ARGS__, NULL })

static long meminfo(const char *key)
{
	FILE *f = fopen("/proc/meminfo", "r");
	char line[128];
	long v = -1;
	size_t klen = strlen(key);

	if (f == NULL)
		return -1;
	while (fgets(line, sizeof(line), f) != NULL)
		if (strncmp(line, key, klen) == 0 && line[klen] == ':')
			v = strtol(line + klen + 1, NULL, 10);
	fclose(f);
	return v;
}

START_TEST(huge_default_grows_by_pages)
{
	long free0 = meminfo("HugePages_Free");
	size_t chunk = huge_sz - 4096;
	char *small, *c1, *c2;
	const struct sl_memseg *ms;

	ck_assert_int_eq(EAL_INIT("-l", "0"), 2);
	/* One page reserved at init. */
	ck_assert_uint_eq(sl_mem_reserved_bytes(), huge_sz);
	ck_assert_int_eq(meminfo("HugePages_Free"), free0 - 1);
	small = sl_dma_zalloc("small", 100000, 0, SL_SOCKET_ID_ANY);
	ck_assert_ptr_nonnull(small);
	ms = sl_test_seg_of(small);
	ck_assert_uint_eq(ms->page_sz, huge_sz);
	ck_assert_uint_eq((uintptr_t)ms->va % huge_sz, 0);
	/* Default policy: IOVA = VA, even for root (physical addresses only
	 * with --iova-mode pa, see sl_mem_set_iova_allocator). */
	ck_assert_uint_eq(sl_mem_virt2iova(small + 5000), (uintptr_t)small + 5000);

	/* Blocks the size of a mempool chunk: a page each. */
	c1 = sl_dma_zalloc("c1", chunk, 0, SL_SOCKET_ID_ANY);
	c2 = sl_dma_zalloc("c2", chunk, 0, SL_SOCKET_ID_ANY);
	ck_assert_ptr_nonnull(c1);
	ck_assert_ptr_nonnull(c2);
	ck_assert(sl_test_all_zero(c1, chunk));
	memset(c1, 1, chunk);
	memset(c2, 2, chunk);
	ck_assert_uint_eq(sl_mem_reserved_bytes(), 3 * huge_sz);
	ck_assert_int_eq(meminfo("HugePages_Free"), free0 - 3);
	ck_assert_uint_eq(sl_mem_virt2iova(c2 + chunk - 1) - sl_mem_virt2iova(c2), chunk - 1);
	sl_dma_free(c1);
	sl_dma_free(c2);
	ck_assert_int_eq(meminfo("HugePages_Free"), free0 - 1);
	sl_dma_free(small);
	sl_eal_cleanup();
	ck_assert_int_eq(meminfo("HugePages_Free"), free0);
}
END_TEST

START_TEST(huge_reservation_va_mode)
{
	long free0 = meminfo("HugePages_Free");
	char *big;

	ck_assert_int_eq(EAL_INIT("-l", "0", "-m", "16", "--iova-mode", "va"), 6);
	ck_assert_uint_eq(sl_mem_reserved_bytes(), 16u << 20);
	ck_assert_int_eq(meminfo("HugePages_Free"), free0 - (long)((16u << 20) / huge_sz));
	/* In VA mode one block may span many pages. */
	big = sl_dma_zalloc("big", 10u << 20, huge_sz, SL_SOCKET_ID_ANY);
	ck_assert_ptr_nonnull(big);
	ck_assert_uint_eq((uintptr_t)big % huge_sz, 0);
	ck_assert(sl_test_all_zero(big, 10u << 20));
	ck_assert_uint_eq(sl_mem_virt2iova(big + (9u << 20)), (uintptr_t)big + (9u << 20));
	sl_dma_free(big);
	ck_assert_uint_eq(sl_mem_reserved_bytes(), 16u << 20);
	sl_eal_cleanup();
	ck_assert_int_eq(meminfo("HugePages_Free"), free0);
}
END_TEST

START_TEST(huge_pa_blocks_stay_contiguous)
{
	size_t blk = huge_sz * 3 / 4;
	char *blocks[8];
	int ret;

	if (geteuid() != 0) {
		/* Without root there are no physical addresses to use. */
		sl_test_capture_begin(false);
		ret = EAL_INIT("-l", "0", "--iova-mode", "pa");
		(void)sl_test_capture_end();
		ck_assert_int_eq(ret, -EPERM);
		ck_assert_ptr_nonnull(strstr(sl_test_captured, "--iova-mode va"));
		return;
	}
	ck_assert_int_ge(EAL_INIT("-l", "0", "-m", "16", "--iova-mode", "pa"), 0);
	ck_assert_int_eq(sl_eal_iova_mode(), SL_IOVA_MODE_PA);
	/* 3/4-page blocks: every other one would straddle two pages that
	 * need not be physically adjacent. */
	for (unsigned i = 0; i < 8; i++) {
		blocks[i] = sl_dma_zalloc("pa", blk, 0, SL_SOCKET_ID_ANY);
		ck_assert_ptr_nonnull(blocks[i]);
		ck_assert_uint_eq(sl_test_pagemap_pa(blocks[i] + blk - 1), sl_test_pagemap_pa(blocks[i]) + blk - 1);
		ck_assert_uint_eq(sl_mem_virt2iova(blocks[i] + blk - 1), sl_test_pagemap_pa(blocks[i] + blk - 1));
	}
	/* More than a page cannot be promised contiguous. */
	sl_test_capture_begin(false);
	ck_assert_ptr_null(sl_dma_zalloc("big", 2 * huge_sz + 4096, 0, SL_SOCKET_ID_ANY));
	(void)sl_test_capture_end();
	ck_assert_ptr_nonnull(strstr(sl_test_captured, "--iova-mode va"));
	for (unsigned i = 0; i < 8; i++)
		sl_dma_free(blocks[i]);
	sl_eal_cleanup();
}
END_TEST

static int hugetlbfs_mounted(void)
{
	FILE *f = fopen("/proc/mounts", "r");
	char line[512];
	int found = 0;

	if (f == NULL)
		return 0;
	while (fgets(line, sizeof(line), f) != NULL)
		if (strstr(line, " hugetlbfs ") != NULL)
			found = 1;
	fclose(f);
	return found;
}

static unsigned dir_entries(const char *path)
{
	DIR *d = opendir(path);
	struct dirent *de;
	unsigned n = 0;

	ck_assert_ptr_nonnull(d);
	while ((de = readdir(d)) != NULL)
		if (strcmp(de->d_name, ".") != 0 && strcmp(de->d_name, "..") != 0)
			n++;
	closedir(d);
	return n;
}

START_TEST(huge_hugetlbfs_fallback)
{
	char dir[] = "/tmp/sl_hugetlbfs_XXXXXX";
	long free0 = meminfo("HugePages_Free");
	void *p;
	int ret, own_mount = 0;

	setenv("SL_EAL_HUGETLBFS_ONLY", "1", 1);
	if (geteuid() == 0 && unshare(CLONE_NEWNS) == 0) {
		/* A private mount namespace: the mount vanishes with this
		 * (forked) test process. */
		ck_assert_int_eq(mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL), 0);
		ck_assert_ptr_nonnull(mkdtemp(dir));
		ck_assert_int_eq(mount("nodev", dir, "hugetlbfs", 0, NULL), 0);
		own_mount = 1;
	} else if (!hugetlbfs_mounted()) {
		/* Nothing to fall back to: the message says how to get one. */
		sl_test_capture_begin(false);
		ret = EAL_INIT("-l", "0");
		(void)sl_test_capture_end();
		ck_assert_int_lt(ret, 0);
		ck_assert_ptr_nonnull(strstr(sl_test_captured, "mount -t hugetlbfs"));
		ck_assert_ptr_nonnull(strstr(sl_test_captured, "--no-huge"));
		return;
	}
	ck_assert_int_ge(EAL_INIT("-l", "0", "-m", "4"), 0);
	ck_assert_int_eq(meminfo("HugePages_Free"), free0 - (long)((4u << 20) / huge_sz));
	p = sl_dma_zalloc("fs", 1u << 20, 0, SL_SOCKET_ID_ANY);
	ck_assert_ptr_nonnull(p);
	ck_assert_uint_eq(sl_test_seg_of(p)->page_sz, huge_sz);
	/* The file was unlinked at once: nothing to leave after a crash. */
	if (own_mount)
		ck_assert_uint_eq(dir_entries(dir), 0);
	sl_dma_free(p);
	sl_eal_cleanup();
	ck_assert_int_eq(meminfo("HugePages_Free"), free0);
	if (own_mount) {
		ck_assert_int_eq(umount(dir), 0);
		rmdir(dir);
	}
}
END_TEST

static Suite *huge_suite(void)
{
	Suite *s = suite_create("eal_huge");
	TCase *tc = tcase_create("huge");

	tcase_add_test(tc, huge_default_grows_by_pages);
	tcase_add_test(tc, huge_reservation_va_mode);
	tcase_add_test(tc, huge_pa_blocks_stay_contiguous);
	tcase_add_test(tc, huge_hugetlbfs_fallback);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	long free_before, free_after, kb = meminfo("Hugepagesize");
	char path[128];
	FILE *f;
	SRunner *sr;
	int failed;

	if (kb <= 0) {
		printf("SKIP: this kernel has no hugepage support\n");
		return 77;
	}
	huge_sz = (size_t)kb * 1024;
	snprintf(path, sizeof(path), "/sys/kernel/mm/hugepages/hugepages-%ldkB/free_hugepages", kb);
	f = fopen(path, "r");
	if (f == NULL || fscanf(f, "%ld", &free_before) != 1)
		free_before = 0;
	if (f != NULL)
		fclose(f);
	if (free_before < MIN_FREE_PAGES) {
		printf("SKIP: needs %d free %ld kB hugepages, %ld free; reserve some with "
		       "'echo 256 > /proc/sys/vm/nr_hugepages'\n",
		       MIN_FREE_PAGES, kb, free_before);
		return 77;
	}
	free_before = meminfo("HugePages_Free");

	sr = srunner_create(huge_suite());
	srunner_set_fork_status(sr, CK_FORK);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);

	free_after = meminfo("HugePages_Free");
	if (free_after != free_before) {
		printf("FAIL: %ld hugepages free before the tests, %ld after: something leaked\n",
		       free_before, free_after);
		failed++;
	}
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
