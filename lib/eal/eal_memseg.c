/* SPDX-License-Identifier: BSD-3-Clause
 * DMA memory segments: the backing file (memfd or hugetlbfs), the mapping,
 * its NUMA node and IOVA, the table of segments and the events announcing
 * them. Everything here runs with eal_mem.lock held. */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <numaif.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "eal_memory.h"

#ifndef MFD_HUGE_SHIFT
#define MFD_HUGE_SHIFT 26
#endif

/* ---- system facts --------------------------------------------------------- */

size_t eal_default_hugepage_size(void)
{
	FILE *f = fopen("/proc/meminfo", "r");
	char line[128];
	unsigned long kb = 0;

	if (f == NULL)
		return 0;
	while (fgets(line, sizeof(line), f) != NULL)
		if (sscanf(line, "Hugepagesize: %lu kB", &kb) == 1)
			break;
	fclose(f);
	return (size_t)kb * 1024;
}

/* Physical address of the page holding va, from /proc/self/pagemap
 * (Documentation/admin-guide/mm/pagemap.rst: bit 63 present, bits 0-54
 * PFN; the PFN reads as 0 without CAP_SYS_ADMIN). SL_BAD_IOVA if unknown. */
static sl_iova_t pagemap_pa(int fd, const void *va)
{
	size_t small_page = (size_t)sysconf(_SC_PAGESIZE);
	uint64_t entry, pfn;
	off_t off = (off_t)((uintptr_t)va / small_page * sizeof(entry));

	if (pread(fd, &entry, sizeof(entry), off) != (ssize_t)sizeof(entry))
		return SL_BAD_IOVA;
	pfn = entry & ((1ull << 55) - 1);
	if (!(entry & (1ull << 63)) || pfn == 0)
		return SL_BAD_IOVA;
	return pfn * small_page + ((uintptr_t)va & (small_page - 1));
}

int eal_pagemap_works(void)
{
	size_t pg = (size_t)sysconf(_SC_PAGESIZE);
	int fd = open("/proc/self/pagemap", O_RDONLY | O_CLOEXEC);
	volatile char *probe;
	sl_iova_t pa;

	if (fd < 0)
		return 0;
	probe = mmap(NULL, pg, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (probe == MAP_FAILED) {
		close(fd);
		return 0;
	}
	probe[0] = 1;
	pa = pagemap_pa(fd, (const void *)probe);
	munmap((void *)probe, pg);
	close(fd);
	return pa != SL_BAD_IOVA;
}

/* ---- IOVA: the one place they are chosen -------------------------------- */

/* Physical addresses only when --iova-mode pa asks for them. The default
 * is VA: with VFIO devices the PCI layer installs an allocator whose IOVAs
 * lie inside the IOMMU's apertures and only the pages we mapped are
 * reachable by the device; with virtual ports only, no device DMAs at all
 * and IOVA = VA is as good as any. Physical addresses as a default would
 * need root (pagemap), put host physical layout into every mbuf, and on
 * 4 KiB pages break every block above one page. */
int eal_use_pa(void)
{
	return eal_mem.iova_mode == SL_IOVA_MODE_PA;
}

void eal_seg_release_iova(struct eal_seg *s)
{
	if (s->iova_from_allocator && eal_mem.iova_free != NULL)
		eal_mem.iova_free(s->ms.iova, s->ms.len, eal_mem.iova_arg);
	s->iova_from_allocator = 0;
	free(s->iovas);
	s->iovas = NULL;
	s->ms.iovas = NULL;
	s->ms.iova_contig = 1;
	s->ms.iova = SL_BAD_IOVA;
}

int eal_seg_assign_iova(struct eal_seg *s)
{
	size_t nb_pages = s->ms.len / s->ms.page_sz;
	int fd, contig = 1;

	eal_seg_release_iova(s);
	if (eal_mem.iova_alloc != NULL) {
		/* Aligned to the page size so the IOMMU can map whole large
		 * pages. */
		sl_iova_t iova = eal_mem.iova_alloc(s->ms.len, s->ms.page_sz, eal_mem.iova_arg);

		if (iova == SL_BAD_IOVA)
			return -ENOMEM; /* the allocator said why */
		s->ms.iova = iova;
		s->iova_from_allocator = 1;
		return 0;
	}
	if (!eal_use_pa()) {
		s->ms.iova = (sl_iova_t)(uintptr_t)s->ms.va;
		return 0;
	}
	s->iovas = malloc(nb_pages * sizeof(*s->iovas));
	fd = open("/proc/self/pagemap", O_RDONLY | O_CLOEXEC);
	if (s->iovas == NULL || fd < 0) {
		SL_LOG(ERR, EAL, "cannot read physical addresses for --iova-mode pa: %s",
		       fd < 0 ? strerror(errno) : "out of memory");
		if (fd >= 0)
			close(fd);
		free(s->iovas);
		s->iovas = NULL;
		return -ENOMEM;
	}
	for (size_t p = 0; p < nb_pages; p++) {
		s->iovas[p] = pagemap_pa(fd, (char *)s->ms.va + p * s->ms.page_sz);
		if (s->iovas[p] == SL_BAD_IOVA) {
			SL_LOG(ERR, EAL,
			       "no physical address for DMA memory in /proc/self/pagemap: "
			       "--iova-mode pa needs root (CAP_SYS_ADMIN); use --iova-mode va");
			close(fd);
			free(s->iovas);
			s->iovas = NULL;
			return -EPERM;
		}
		if (p > 0 && s->iovas[p] != s->iovas[p - 1] + s->ms.page_sz)
			contig = 0;
	}
	close(fd);
	s->ms.iova = s->iovas[0];
	if (contig) {
		free(s->iovas);
		s->iovas = NULL;
	} else {
		s->ms.iova_contig = 0;
		s->ms.iovas = s->iovas;
	}
	return 0;
}

/* 0 if [off, off + len) of the segment is one IOVA-contiguous range, else
 * the offset of the first page that breaks the run (a block can start
 * there at the earliest). */
size_t eal_iova_break(const struct eal_seg *s, size_t off, size_t len)
{
	size_t pg = s->ms.page_sz;
	size_t first = off / pg, last = (off + len - 1) / pg;

	if (s->ms.iova_contig)
		return 0;
	for (size_t p = first + 1; p <= last; p++)
		if (s->iovas[p] != s->iovas[p - 1] + pg)
			return p * pg;
	return 0;
}

/* ---- the segment table ---------------------------------------------------- */

struct eal_seg *eal_seg_find(const void *va)
{
	uintptr_t a = (uintptr_t)va;
	unsigned lo = 0, hi = eal_mem.nb_segs;

	while (lo < hi) {
		unsigned mid = lo + (hi - lo) / 2;
		struct eal_seg *s = eal_mem.segs[mid];
		uintptr_t base = (uintptr_t)s->ms.va;

		if (a < base)
			hi = mid;
		else if (a >= base + s->ms.len)
			lo = mid + 1;
		else
			return s;
	}
	return NULL;
}

static int table_insert(struct eal_seg *s)
{
	unsigned i;

	if (eal_mem.nb_segs == eal_mem.cap_segs) {
		unsigned n = eal_mem.cap_segs ? eal_mem.cap_segs * 2 : 16;
		struct eal_seg **grown = realloc(eal_mem.segs, n * sizeof(*grown));

		if (grown == NULL)
			return -ENOMEM;
		eal_mem.segs = grown;
		eal_mem.cap_segs = n;
	}
	for (i = eal_mem.nb_segs; i > 0 && eal_mem.segs[i - 1]->ms.va > s->ms.va; i--)
		eal_mem.segs[i] = eal_mem.segs[i - 1];
	eal_mem.segs[i] = s;
	eal_mem.nb_segs++;
	return 0;
}

static void table_remove(const struct eal_seg *s)
{
	unsigned i;

	for (i = 0; i < eal_mem.nb_segs && eal_mem.segs[i] != s; i++)
		;
	if (i == eal_mem.nb_segs)
		return;
	memmove(&eal_mem.segs[i], &eal_mem.segs[i + 1], (eal_mem.nb_segs - i - 1) * sizeof(eal_mem.segs[0]));
	eal_mem.nb_segs--;
}

static void notify_free(struct eal_seg *s, unsigned nb_cbs)
{
	while (nb_cbs-- > 0)
		eal_mem.cbs[nb_cbs].cb(SL_MEM_EVENT_FREE, &s->ms, eal_mem.cbs[nb_cbs].arg);
}

static void seg_unmap(struct eal_seg *s)
{
	struct extent *e, *next;

	eal_seg_release_iova(s);
	if (s->ms.va != NULL)
		munmap(s->ms.va, s->ms.len);
	for (e = s->extents; e != NULL; e = next) {
		next = e->next;
		free(e);
	}
	free(s);
}

void eal_seg_destroy(struct eal_seg *s)
{
	notify_free(s, eal_mem.nb_cbs);
	table_remove(s);
	eal_mem.reserved_bytes -= s->ms.len;
	eal_mem.used_bytes -= s->used;
	seg_unmap(s);
}

/* ---- making a segment ----------------------------------------------------- */

/* A hugetlbfs mount for our page size, from /proc/mounts. */
static int find_hugetlbfs(char *dir, size_t cap)
{
	FILE *f = fopen("/proc/mounts", "r");
	char line[512], mnt[256], type[64], opts[256];
	size_t def = eal_default_hugepage_size();
	int found = 0;

	if (f == NULL)
		return 0;
	while (!found && fgets(line, sizeof(line), f) != NULL) {
		const char *ps;
		size_t sz = def;

		if (sscanf(line, "%*s %255s %63s %255s", mnt, type, opts) != 3 ||
		    strcmp(type, "hugetlbfs") != 0)
			continue;
		ps = strstr(opts, "pagesize=");
		if (ps != NULL) {
			char unit = 0;
			unsigned long v = 0;

			if (sscanf(ps + 9, "%lu%c", &v, &unit) >= 1) {
				sz = v;
				if (unit == 'K' || unit == 'k')
					sz <<= 10;
				else if (unit == 'M' || unit == 'm')
					sz <<= 20;
				else if (unit == 'G' || unit == 'g')
					sz <<= 30;
			}
		}
		if (sz == eal_mem.page_sz && access(mnt, W_OK) == 0) {
			snprintf(dir, cap, "%s", mnt);
			found = 1;
		}
	}
	fclose(f);
	return found;
}

static int open_backing_file(void)
{
	unsigned shift = (unsigned)__builtin_ctzll(eal_mem.page_sz);
	const char *env = getenv(EAL_ENV_HUGETLBFS_ONLY);
	char dir[256], path[320];
	int fd;

	if (eal_mem.no_huge)
		return memfd_create("sluice-dma", MFD_CLOEXEC);
	if (env == NULL || strcmp(env, "1") != 0) {
		/* A memfd has no name in any filesystem: nothing to clean up
		 * after a crash. */
		fd = memfd_create("sluice-dma", MFD_CLOEXEC | MFD_HUGETLB | (shift << MFD_HUGE_SHIFT));
		if (fd >= 0 || (errno != EINVAL && errno != ENOSYS))
			return fd;
	}
	if (!find_hugetlbfs(dir, sizeof(dir))) {
		SL_LOG(ERR, EAL,
		       "no way to get hugepages: memfd_create(MFD_HUGETLB) %s and no hugetlbfs for "
		       "%zukB pages is mounted writable for this user; mount one (mount -t hugetlbfs "
		       "-o uid=$(id -u) nodev /dev/hugepages) or run with --no-huge",
		       env != NULL && strcmp(env, "1") == 0 ? "is off (" EAL_ENV_HUGETLBFS_ONLY "=1)"
							    : "is not supported",
		       eal_mem.page_sz / 1024);
		errno = ENOTSUP;
		return -1;
	}
	snprintf(path, sizeof(path), "%s/sluice-%d-%u", dir, (int)getpid(), eal_mem.file_counter++);
	fd = open(path, O_CREAT | O_EXCL | O_RDWR | O_CLOEXEC, 0600);
	if (fd < 0) {
		SL_LOG(ERR, EAL, "cannot create %s: %s", path, strerror(errno));
		errno = ENOTSUP;
		return -1;
	}
	/* Gone from the directory at once: the open file keeps the pages,
	 * and a crash leaves nothing behind. */
	unlink(path);
	return fd;
}

static int bind_to_node(void *va, size_t len, int socket)
{
	unsigned long mask[(SL_MAX_NUMA_NODES + 63) / 64 + 1] = { 0 };

	if (!eal_mem.multi_node)
		return 0;
	mask[socket / 64] |= 1ul << (socket % 64);
	/* Before the first touch: pages are placed at fault/fallocate time
	 * by the (shared) policy of the file. */
	if (mbind(va, len, MPOL_BIND, mask, sizeof(mask) * 8, 0) < 0) {
		SL_LOG(ERR, EAL, "cannot bind DMA memory to NUMA node %d: %s", socket, strerror(errno));
		return -errno;
	}
	return 0;
}

/* -ENOMEM after a line naming the limit when len would pass it. */
static int seg_check_limit(size_t len, const char *what)
{
	if (eal_mem.limit == 0 || eal_mem.reserved_bytes + len <= eal_mem.limit)
		return 0;
	if (eal_mem.cap != 0)
		SL_LOG(ERR, EAL,
		       "DMA memory limit reached for %s: -m %zu MB (%zu MB in use); give a "
		       "larger -m",
		       what, eal_mem.cap / MB, (eal_mem.used_bytes + MB - 1) / MB);
	else
		SL_LOG(ERR, EAL,
		       "DMA memory limit reached for %s: --no-huge stops at half of RAM, "
		       "%zu MB (%zu MB in use); give -m to set the limit",
		       what, eal_mem.limit / MB, (eal_mem.used_bytes + MB - 1) / MB);
	return -ENOMEM;
}

/* The answer to a failed mmap or fallocate of the backing file: hugetlb
 * says ENOMEM/ENOSPC when the pool is short, which has its own remedy. */
static int seg_map_failure(const char *step, size_t len, int socket, const char *what, int err)
{
	if (!eal_mem.no_huge && (err == ENOMEM || err == ENOSPC)) {
		eal_log_no_hugepages(len, socket, what);
		return -ENOMEM;
	}
	SL_LOG(ERR, EAL, "cannot %s %zu MB of %s memory: %s", step, (len + MB - 1) / MB,
	       eal_mem.no_huge ? "--no-huge" : "hugepage", strerror(err));
	return -err;
}

/* Backs s->ms.len bytes with a file, maps it (s->ms.va) on its node and
 * takes the pages. The mapping keeps the file alive: no fd per segment. */
static int seg_map(struct eal_seg *s, const char *what)
{
	size_t len = s->ms.len;
	int fd = open_backing_file(), ret = 0;

	if (fd < 0) {
		ret = -errno;
		if (ret != -ENOTSUP)
			SL_LOG(ERR, EAL, "memfd_create for DMA memory failed: %s", strerror(-ret));
		return ret;
	}
	if (ftruncate(fd, (off_t)len) < 0) {
		ret = -errno;
		SL_LOG(ERR, EAL, "cannot size a %zu MB DMA segment: %s", len / MB, strerror(-ret));
		goto out;
	}
	/* MAP_SHARED: no copy-on-write after fork(), which would move the
	 * parent's next write to a fresh page while a device keeps DMAing
	 * to the old one. hugetlb reserves the pages at mmap of a shared
	 * mapping. */
	s->ms.va = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (s->ms.va == MAP_FAILED) {
		s->ms.va = NULL;
		ret = seg_map_failure("map", len, s->ms.socket, what, errno);
		goto out;
	}
	ret = bind_to_node(s->ms.va, len, s->ms.socket);
	if (ret < 0)
		goto out;
	/* fallocate takes the pages now and fails cleanly (ENOSPC/ENOMEM)
	 * when there are not enough; a plain touch would SIGBUS instead. */
	if (fallocate(fd, 0, 0, (off_t)len) < 0)
		ret = seg_map_failure("allocate", len, s->ms.socket, what, errno);
out:
	close(fd);
	return ret;
}

/* Every page present before the first DMA or fast-path access. */
static int seg_populate(struct eal_seg *s)
{
	if (eal_mem.no_huge) {
		/* Locked so the pages neither swap nor move while a device
		 * DMAs to them; also maps every page now. The raw system call:
		 * sanitizer runtimes replace mlock() with a no-op. */
		if (syscall(SYS_mlock, s->ms.va, s->ms.len) < 0) {
			eal_log_memlock_failure(s->ms.len, errno);
			return -ENOMEM;
		}
		return 0;
	}
	/* pagemap needs the pages present, and the fast path must never
	 * take a fault. */
	for (size_t off = 0; off < s->ms.len; off += eal_mem.page_sz)
		(void)*(volatile char *)((char *)s->ms.va + off);
	return 0;
}

/* Tells every event callback; when one refuses, the ones told before it
 * hear the segment go again. */
static int seg_announce(struct eal_seg *s)
{
	for (unsigned i = 0; i < eal_mem.nb_cbs; i++) {
		int ret = eal_mem.cbs[i].cb(SL_MEM_EVENT_ALLOC, &s->ms, eal_mem.cbs[i].arg);

		if (ret < 0) {
			SL_LOG(ERR, EAL, "new DMA segment refused by %s: %s", eal_mem.cbs[i].name,
			       strerror(-ret));
			notify_free(s, i);
			return ret;
		}
	}
	return 0;
}

int eal_seg_create(size_t len, int socket, int reserved, const char *what, struct eal_seg **out)
{
	struct eal_seg *s;
	int ret = seg_check_limit(len, what);

	if (ret < 0)
		return ret;
	s = calloc(1, sizeof(*s));
	if (s == NULL)
		return -ENOMEM;
	s->ms.len = len;
	s->ms.page_sz = eal_mem.page_sz;
	s->ms.socket = socket;
	s->ms.iova_contig = 1;
	s->ms.iova = SL_BAD_IOVA;
	s->reserved = reserved;
	ret = seg_map(s, what);
	if (ret == 0)
		ret = seg_populate(s);
	if (ret == 0) {
		s->extents = calloc(1, sizeof(*s->extents));
		ret = s->extents == NULL ? -ENOMEM : eal_seg_assign_iova(s);
	}
	if (ret == 0)
		ret = table_insert(s);
	if (ret < 0)
		goto unmap;
	s->extents->len = len;
	eal_mem.reserved_bytes += len;
	ret = seg_announce(s);
	if (ret < 0)
		goto unlist;
	SL_LOG(DEBUG, EAL, "segment %p: %zu kB of %zu kB pages on node %d, IOVA 0x%" PRIx64 "%s",
	       s->ms.va, len / 1024, eal_mem.page_sz / 1024, socket, s->ms.iova,
	       s->ms.iova_contig ? "" : " (per page)");
	*out = s;
	return 0;
unlist:
	table_remove(s);
	eal_mem.reserved_bytes -= len;
unmap:
	seg_unmap(s);
	return ret;
}
