/* SPDX-License-Identifier: BSD-3-Clause
 * DMA memory internals shared by eal_memory.c (state, init, hooks),
 * eal_memseg.c (segments), eal_malloc.c (blocks) and eal_memdiag.c
 * (diagnostics). Not installed. */
#ifndef EAL_MEMORY_H
#define EAL_MEMORY_H

#include <pthread.h>
#include <stddef.h>

#include "eal_private.h"

#define MB (1024 * 1024)
/* Segment growth step for --no-huge: large enough that a mempool chunk
 * (up to 2 MiB) and its neighbours share a segment, small enough to stay
 * inside the usual 8 MiB RLIMIT_MEMLOCK of an unprivileged user. */
#define NOHUGE_GRANULE ((size_t)4 * MB)
#define MAX_MEM_CALLBACKS 16
#define BLOCK_NAME_LEN 32

/* A piece of a segment, free or in use; a segment's extents tile it in
 * address order. */
struct extent {
	struct extent *next;
	size_t off;
	size_t len;
	int used;
	char name[BLOCK_NAME_LEN];
};

struct eal_seg {
	struct sl_memseg ms;		/* what walkers and callbacks see */
	sl_iova_t *iovas;		/* per-page IOVAs when !ms.iova_contig */
	int iova_from_allocator;	/* ms.iova must go back to the allocator */
	int reserved;			/* made at init (-m): kept until cleanup */
	size_t used;
	struct extent *extents;
};

struct mem_callback {
	char name[64];
	sl_mem_event_cb_t cb;
	void *arg;
};

struct eal_mem {
	/* Recursive: an event callback may call sl_mem_virt2iova or
	 * sl_memseg_walk on the segment being announced. */
	pthread_mutex_t lock;
	int initialized;
	int no_huge;
	enum sl_iova_mode iova_mode;	/* as given on the command line */
	int pagemap_ok;			/* /proc/self/pagemap shows PFNs (root) */
	int multi_node;
	size_t page_sz;
	size_t granule;
	size_t cap;			/* -m, 0: not given */
	size_t limit;			/* growth limit: -m, or the --no-huge default */
	struct eal_seg **segs;		/* sorted by va */
	unsigned nb_segs;
	unsigned cap_segs;
	size_t reserved_bytes;
	size_t used_bytes;
	unsigned file_counter;
	struct mem_callback cbs[MAX_MEM_CALLBACKS];
	unsigned nb_cbs;
	sl_iova_alloc_t iova_alloc;
	sl_iova_free_t iova_free;
	void *iova_arg;
};

extern struct eal_mem eal_mem;

/* eal_memseg.c: segments, with eal_mem.lock held. */
size_t eal_default_hugepage_size(void);	/* 0: no hugepages */
int eal_pagemap_works(void);
int eal_use_pa(void);
void eal_seg_release_iova(struct eal_seg *s);
int eal_seg_assign_iova(struct eal_seg *s);
size_t eal_iova_break(const struct eal_seg *s, size_t off, size_t len);
struct eal_seg *eal_seg_find(const void *va);
/* Maps a new segment of len bytes (a page multiple) on socket, assigns its
 * IOVA and announces it. what: the reason, for messages ("-m 512"). */
int eal_seg_create(size_t len, int socket, int reserved, const char *what, struct eal_seg **out);
void eal_seg_destroy(struct eal_seg *s);

/* eal_memdiag.c */
int eal_have_capability(unsigned cap);
size_t eal_mem_available_bytes(void);	/* MemAvailable, 0 if unknown */
void eal_log_no_hugepages(size_t need, int socket, const char *what);
void eal_log_memlock_failure(size_t len, int err);

#endif /* EAL_MEMORY_H */
