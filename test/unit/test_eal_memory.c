/* SPDX-License-Identifier: BSD-3-Clause
 * EAL DMA memory on --no-huge: sl_dma_zalloc/sl_dma_free, segment growth
 * and its events, the -m limit, IOVA allocators and IOVA-as-PA, and the
 * messages for too few hugepages or too low an RLIMIT_MEMLOCK. Check runs
 * every test in its own forked process. */
#include <check.h>
#include <errno.h>
#include <linux/capability.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "eal_test_util.h"
#include "sl_eal.h"
#include "sl_test.h"

/* ---- helpers ------------------------------------------------------------ */

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
	ck_assert_uint_eq(sl_test_count_lines(sl_test_captured), 1);
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

static Suite *eal_memory_suite(void)
{
	Suite *s = suite_create("eal_memory");
	TCase *tc;

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
	return s;
}

int main(void)
{
	return eal_test_run_forked(eal_memory_suite());
}
