/* SPDX-License-Identifier: BSD-3-Clause
 * DMA memory: its state, init and cleanup, the lookups (IOVA of an address,
 * walking the segments) and the hooks others register (events, the IOVA
 * allocator). Segments are made in eal_memseg.c, blocks carved in
 * eal_malloc.c, failures explained by eal_memdiag.c. */
#include <errno.h>
#include <linux/capability.h>
#include <numa.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "eal_memory.h"

struct eal_mem eal_mem = {
	.lock = PTHREAD_RECURSIVE_MUTEX_INITIALIZER_NP,
};

sl_iova_t sl_mem_virt2iova(const void *va)
{
	struct eal_seg *s;
	sl_iova_t iova = SL_BAD_IOVA;

	pthread_mutex_lock(&eal_mem.lock);
	s = eal_seg_find(va);
	if (s != NULL) {
		size_t off = (uintptr_t)va - (uintptr_t)s->ms.va;

		if (s->ms.iova_contig)
			iova = s->ms.iova == SL_BAD_IOVA ? SL_BAD_IOVA : s->ms.iova + off;
		else
			iova = s->iovas[off / s->ms.page_sz] + off % s->ms.page_sz;
	}
	pthread_mutex_unlock(&eal_mem.lock);
	return iova;
}

int sl_memseg_walk(int (*fn)(const struct sl_memseg *ms, void *arg), void *arg)
{
	int ret = 0;

	pthread_mutex_lock(&eal_mem.lock);
	for (unsigned i = 0; ret == 0 && i < eal_mem.nb_segs; i++)
		ret = fn(&eal_mem.segs[i]->ms, arg);
	pthread_mutex_unlock(&eal_mem.lock);
	return ret;
}

size_t sl_mem_reserved_bytes(void)
{
	size_t n;

	pthread_mutex_lock(&eal_mem.lock);
	n = eal_mem.reserved_bytes;
	pthread_mutex_unlock(&eal_mem.lock);
	return n;
}

/* ---- events and the IOVA allocator hook ---------------------------------- */

int sl_mem_event_callback_register(const char *name, sl_mem_event_cb_t cb, void *arg)
{
	struct mem_callback *c;
	int ret = 0;

	if (name == NULL || cb == NULL || strlen(name) >= sizeof(c->name)) {
		SL_LOG(ERR, EAL, "memory event callback: a name (under 64 chars) and a function are "
				 "needed");
		return -EINVAL;
	}
	pthread_mutex_lock(&eal_mem.lock);
	for (unsigned i = 0; i < eal_mem.nb_cbs; i++) {
		if (strcmp(eal_mem.cbs[i].name, name) == 0) {
			pthread_mutex_unlock(&eal_mem.lock);
			SL_LOG(ERR, EAL, "memory event callback %s is already registered", name);
			return -EEXIST;
		}
	}
	if (eal_mem.nb_cbs == MAX_MEM_CALLBACKS) {
		pthread_mutex_unlock(&eal_mem.lock);
		SL_LOG(ERR, EAL, "more than %d memory event callbacks", MAX_MEM_CALLBACKS);
		return -ENOSPC;
	}
	c = &eal_mem.cbs[eal_mem.nb_cbs];
	snprintf(c->name, sizeof(c->name), "%s", name);
	c->cb = cb;
	c->arg = arg;
	/* The segments that already exist, as if they had just appeared; on
	 * failure the ones announced are taken back and nothing stays
	 * registered. */
	for (unsigned i = 0; i < eal_mem.nb_segs; i++) {
		ret = cb(SL_MEM_EVENT_ALLOC, &eal_mem.segs[i]->ms, arg);
		if (ret < 0) {
			while (i-- > 0)
				cb(SL_MEM_EVENT_FREE, &eal_mem.segs[i]->ms, arg);
			break;
		}
	}
	if (ret == 0)
		eal_mem.nb_cbs++;
	pthread_mutex_unlock(&eal_mem.lock);
	return ret < 0 ? ret : 0;
}

int sl_mem_event_callback_unregister(const char *name)
{
	int ret = -ENOENT;

	if (name == NULL)
		return -EINVAL;
	pthread_mutex_lock(&eal_mem.lock);
	for (unsigned i = 0; i < eal_mem.nb_cbs; i++) {
		if (strcmp(eal_mem.cbs[i].name, name) == 0) {
			memmove(&eal_mem.cbs[i], &eal_mem.cbs[i + 1], (eal_mem.nb_cbs - i - 1) * sizeof(eal_mem.cbs[0]));
			eal_mem.nb_cbs--;
			ret = 0;
			break;
		}
	}
	pthread_mutex_unlock(&eal_mem.lock);
	return ret;
}

void sl_mem_set_iova_allocator(sl_iova_alloc_t alloc, sl_iova_free_t free_fn, void *arg)
{
	pthread_mutex_lock(&eal_mem.lock);
	/* Existing segments move to the new policy. Nobody may have captured
	 * their IOVAs yet: this is meant for init hooks, before pools exist. */
	for (unsigned i = 0; i < eal_mem.nb_segs; i++)
		eal_seg_release_iova(eal_mem.segs[i]);
	eal_mem.iova_alloc = alloc;
	eal_mem.iova_free = alloc != NULL ? free_fn : NULL;
	eal_mem.iova_arg = arg;
	for (unsigned i = 0; i < eal_mem.nb_segs; i++)
		if (eal_seg_assign_iova(eal_mem.segs[i]) < 0)
			SL_LOG(ERR, EAL, "segment %p (%zu kB) has no IOVA now: devices cannot reach it",
			       eal_mem.segs[i]->ms.va, eal_mem.segs[i]->ms.len / 1024);
	pthread_mutex_unlock(&eal_mem.lock);
}

/* ---- init / fini --------------------------------------------------------- */

/* Page size and address mode; called with eal_mem.lock held. */
static int mem_mode_check(const struct eal_config *cfg)
{
	if (eal_mem.no_huge) {
		eal_mem.page_sz = (size_t)sysconf(_SC_PAGESIZE);
		eal_mem.granule = NOHUGE_GRANULE;
	} else {
		eal_mem.page_sz = eal_default_hugepage_size();
		eal_mem.granule = eal_mem.page_sz;
		if (eal_mem.page_sz == 0) {
			SL_LOG(ERR, EAL, "this kernel has no hugepage support (no Hugepagesize in "
					 "/proc/meminfo): run with --no-huge");
			return -ENOTSUP;
		}
	}
	if (eal_mem.iova_mode == SL_IOVA_MODE_PA && !eal_mem.pagemap_ok) {
		if (cfg->iova_auto)
			SL_LOG(ERR, EAL, "a device without an IOMMU needs physical addresses, from "
					 "/proc/self/pagemap, which only root (CAP_SYS_ADMIN) can read: "
					 "run as root, or bind the device to vfio-pci behind an IOMMU");
		else
			SL_LOG(ERR, EAL, "--iova-mode pa needs physical addresses from "
					 "/proc/self/pagemap, which only root (CAP_SYS_ADMIN) can read: "
					 "run as root or use --iova-mode va");
		return -EPERM;
	}
	/* auto already said why, naming the device (eal.c) */
	if (eal_mem.iova_mode == SL_IOVA_MODE_PA && !cfg->iova_auto)
		SL_LOG(WARNING, EAL, "--iova-mode pa: DMA addresses are host physical addresses; the "
				     "default (va: IOMMU-allocated IOVAs) needs no pagemap access and "
				     "keeps the physical layout out of every packet buffer");
	return 0;
}

/* --no-huge memory is bounded by RAM and RLIMIT_MEMLOCK, not by
 * nr_hugepages; called with eal_mem.lock held. */
static int nohuge_limits_check(void)
{
	struct rlimit rl;
	size_t avail;
	long pages;

	if (eal_mem.cap == 0) {
		/* Locked 4 KiB pages are bounded only by RAM (root ignores
		 * RLIMIT_MEMLOCK): a runaway allocation must fail, not
		 * summon the OOM killer. */
		pages = sysconf(_SC_PHYS_PAGES);
		if (pages > 0)
			eal_mem.limit = SL_ALIGN_FLOOR((size_t)pages * (size_t)sysconf(_SC_PAGESIZE) / 2,
						   eal_mem.page_sz);
		return 0;
	}
	/* fallocate of a memfd has no limit but RAM: a -m beyond what the
	 * machine has would summon the OOM killer, not an error. */
	avail = eal_mem_available_bytes();
	if (avail != 0 && eal_mem.cap > avail) {
		SL_LOG(ERR, EAL, "--no-huge -m %zu: only %zu MB of RAM are available "
				 "(MemAvailable in /proc/meminfo): give a smaller -m",
		       eal_mem.cap / MB, avail / MB);
		return -ENOMEM;
	}
	/* Without CAP_IPC_LOCK mlock stops at RLIMIT_MEMLOCK: say so before
	 * the pages are allocated rather than after. */
	if (!eal_have_capability(CAP_IPC_LOCK) && getrlimit(RLIMIT_MEMLOCK, &rl) == 0 &&
	    rl.rlim_cur != RLIM_INFINITY && eal_mem.cap > rl.rlim_cur) {
		eal_log_memlock_failure(eal_mem.cap, ENOMEM);
		return -ENOMEM;
	}
	return 0;
}

int eal_memory_init(const struct eal_config *cfg, int socket)
{
	struct eal_seg *s;
	char what[64];
	int ret;

	pthread_mutex_lock(&eal_mem.lock);
	eal_mem.no_huge = cfg->no_huge;
	eal_mem.iova_mode = cfg->iova_mode;
	eal_mem.cap = cfg->mem_bytes;
	eal_mem.limit = 0;
	/* pagemap is only read for --iova-mode pa (see use_pa). */
	eal_mem.pagemap_ok = eal_mem.iova_mode == SL_IOVA_MODE_PA && eal_pagemap_works();
	eal_mem.multi_node = numa_available() >= 0 && numa_num_configured_nodes() > 1;
	ret = mem_mode_check(cfg);
	if (ret == 0 && eal_mem.no_huge)
		ret = nohuge_limits_check();
	if (ret < 0)
		goto out;
	if (eal_mem.cap != 0) {
		eal_mem.cap = SL_ALIGN_CEIL(eal_mem.cap, eal_mem.page_sz);
		eal_mem.limit = eal_mem.cap;
		snprintf(what, sizeof(what), "-m %zu", cfg->mem_bytes / MB);
	} else {
		snprintf(what, sizeof(what), "the first DMA segment");
	}
	eal_mem.initialized = 1;
	/* Reserve now, so a machine without (enough) hugepages or locked
	 * memory fails here with the remedy, not at the first pool. */
	ret = eal_seg_create(eal_mem.cap != 0 ? eal_mem.cap : eal_mem.granule, socket, 1, what, &s);
	if (ret < 0)
		eal_mem.initialized = 0;
out:
	pthread_mutex_unlock(&eal_mem.lock);
	return ret;
}

void eal_memory_fini(void)
{
	size_t leaked = 0;

	pthread_mutex_lock(&eal_mem.lock);
	while (eal_mem.nb_segs > 0) {
		leaked += eal_mem.segs[eal_mem.nb_segs - 1]->used;
		eal_seg_destroy(eal_mem.segs[eal_mem.nb_segs - 1]);
	}
	if (leaked != 0)
		SL_LOG(DEBUG, EAL, "cleanup released %zu kB of DMA blocks still in use", leaked / 1024);
	free(eal_mem.segs);
	eal_mem.segs = NULL;
	eal_mem.cap_segs = 0;
	eal_mem.reserved_bytes = 0;
	eal_mem.used_bytes = 0;
	/* The allocator belonged to this run's VFIO container. */
	eal_mem.iova_alloc = NULL;
	eal_mem.iova_free = NULL;
	eal_mem.iova_arg = NULL;
	eal_mem.initialized = 0;
	pthread_mutex_unlock(&eal_mem.lock);
}
