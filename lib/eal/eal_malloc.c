/* SPDX-License-Identifier: BSD-3-Clause
 * DMA blocks: first fit inside the segments of a node, a new segment when
 * none has room, and the release that merges free neighbours. */
#include <numa.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "eal_memory.h"

static int node_exists(int node)
{
	if (node < 0 || node >= SL_MAX_NUMA_NODES)
		return 0;
	if (numa_available() < 0)
		return node == 0;
	return node <= numa_max_node() && numa_bitmask_isbitset(numa_all_nodes_ptr, (unsigned)node);
}

/* First fit inside one segment; NULL if nothing fits. */
static void *seg_carve(struct eal_seg *s, size_t size, size_t align, const char *name, int *oom)
{
	uintptr_t base = (uintptr_t)s->ms.va;
	struct extent *e, *prev = NULL;
	size_t start = 0;

	for (e = s->extents; e != NULL; prev = e, e = e->next) {
		if (e->used || e->len < size)
			continue;
		start = SL_ALIGN_CEIL(base + e->off, align) - base;
		while (start + size <= e->off + e->len) {
			size_t brk = eal_iova_break(s, start, size);

			if (brk == 0)
				goto found;
			start = SL_ALIGN_CEIL(base + brk, align) - base;
		}
	}
	return NULL;

found:
	if (start > e->off) {
		struct extent *pad = calloc(1, sizeof(*pad));

		if (pad == NULL) {
			*oom = 1;
			return NULL;
		}
		pad->off = e->off;
		pad->len = start - e->off;
		pad->next = e;
		if (prev != NULL)
			prev->next = pad;
		else
			s->extents = pad;
		e->off = start;
		e->len -= pad->len;
	}
	if (e->len > size) {
		struct extent *rest = calloc(1, sizeof(*rest));

		if (rest == NULL) {
			*oom = 1; /* the pad stays: a free extent like any other */
			return NULL;
		}
		rest->off = e->off + size;
		rest->len = e->len - size;
		rest->next = e->next;
		e->next = rest;
		e->len = size;
	}
	e->used = 1;
	snprintf(e->name, sizeof(e->name), "%s", name != NULL ? name : "");
	s->used += size;
	eal_mem.used_bytes += size;
	return (void *)(base + e->off);
}

void *sl_dma_zalloc(const char *name, size_t size, size_t align, int socket)
{
	struct eal_seg *s;
	void *va = NULL;
	char what[128];
	size_t len;
	int oom = 0;

	if (align == 0)
		align = SL_CACHE_LINE_SIZE;
	if (size == 0 || !sl_is_power_of_2(align) || size > SIZE_MAX / 2 || align > SIZE_MAX / 4) {
		SL_LOG(ERR, EAL, "sl_dma_zalloc(%s): bad size %zu or alignment %zu (a power of two)",
		       name ? name : "", size, align);
		return NULL;
	}
	if (align < SL_CACHE_LINE_SIZE)
		align = SL_CACHE_LINE_SIZE;
	/* Whole cache lines: no two blocks share one (false sharing between
	 * lcores, or a device writing a line the CPU is using). */
	size = SL_ALIGN_CEIL(size, (size_t)SL_CACHE_LINE_SIZE);
	if (socket == SL_SOCKET_ID_ANY)
		socket = sl_socket_id();
	if (!node_exists(socket)) {
		SL_LOG(ERR, EAL, "sl_dma_zalloc(%s): NUMA node %d does not exist here; use "
				 "SL_SOCKET_ID_ANY or a node from 'numactl -H'",
		       name ? name : "", socket);
		return NULL;
	}

	pthread_mutex_lock(&eal_mem.lock);
	if (!eal_mem.initialized) {
		pthread_mutex_unlock(&eal_mem.lock);
		SL_LOG(ERR, EAL, "sl_dma_zalloc(%s): call sl_eal_init first", name ? name : "");
		return NULL;
	}
	/* Physical pages are contiguous only by luck: refuse what would work
	 * on some runs and not on others. */
	if (eal_mem.iova_alloc == NULL && eal_use_pa() && size > eal_mem.page_sz) {
		pthread_mutex_unlock(&eal_mem.lock);
		SL_LOG(ERR, EAL,
		       "sl_dma_zalloc(%s): %zu kB cannot be IOVA-contiguous with physical addresses "
		       "on %zu kB pages: use hugepages (larger ones) or --iova-mode va",
		       name ? name : "", (size + 1023) / 1024, eal_mem.page_sz / 1024);
		return NULL;
	}
	for (unsigned i = 0; va == NULL && !oom && i < eal_mem.nb_segs; i++)
		if (eal_mem.segs[i]->ms.socket == socket)
			va = seg_carve(eal_mem.segs[i], size, align, name, &oom);
	/* With -m everything was reserved at init on the main lcore's node:
	 * any segment beats failing. */
	for (unsigned i = 0; eal_mem.cap != 0 && va == NULL && !oom && i < eal_mem.nb_segs; i++)
		if (eal_mem.segs[i]->ms.socket != socket)
			va = seg_carve(eal_mem.segs[i], size, align, name, &oom);
	if (va == NULL && !oom) {
		snprintf(what, sizeof(what), "a %zu kB block (%s)", (size + 1023) / 1024,
			 name ? name : "");
		len = size + (align > eal_mem.page_sz ? align : 0);
		len = SL_ALIGN_CEIL(SL_MAX(len, eal_mem.granule), eal_mem.page_sz);
		if (eal_seg_create(len, socket, 0, what, &s) == 0) {
			va = seg_carve(s, size, align, name, &oom);
			if (va == NULL && s->used == 0)
				eal_seg_destroy(s);
		}
	}
	pthread_mutex_unlock(&eal_mem.lock);
	if (oom)
		SL_LOG(ERR, EAL, "sl_dma_zalloc(%s): out of heap memory for bookkeeping",
		       name ? name : "");
	return va;
}

void sl_dma_free(void *va)
{
	struct eal_seg *s;
	struct extent *e, *prev = NULL;
	size_t off;

	if (va == NULL)
		return;
	pthread_mutex_lock(&eal_mem.lock);
	s = eal_seg_find(va);
	if (s != NULL) {
		off = (uintptr_t)va - (uintptr_t)s->ms.va;
		for (e = s->extents; e != NULL && e->off < off; prev = e, e = e->next)
			;
		if (e == NULL || e->off != off || !e->used)
			s = NULL;
	}
	if (s == NULL) {
		pthread_mutex_unlock(&eal_mem.lock);
		SL_LOG(ERR, EAL, "sl_dma_free(%p): not a block from sl_dma_zalloc (freed twice?)", va);
		return;
	}
	/* Free memory is kept zeroed, so sl_dma_zalloc never clears. */
	memset(va, 0, e->len);
	e->used = 0;
	e->name[0] = '\0';
	s->used -= e->len;
	eal_mem.used_bytes -= e->len;
	if (e->next != NULL && !e->next->used) {
		struct extent *n = e->next;

		e->len += n->len;
		e->next = n->next;
		free(n);
	}
	if (prev != NULL && !prev->used) {
		prev->len += e->len;
		prev->next = e->next;
		free(e);
	}
	if (s->used == 0 && !s->reserved)
		eal_seg_destroy(s);
	pthread_mutex_unlock(&eal_mem.lock);
}

size_t sl_mem_used_bytes(void)
{
	size_t n;

	pthread_mutex_lock(&eal_mem.lock);
	n = eal_mem.used_bytes;
	pthread_mutex_unlock(&eal_mem.lock);
	return n;
}
