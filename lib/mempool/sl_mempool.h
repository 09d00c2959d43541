/* SPDX-License-Identifier: BSD-3-Clause
 * Sluice mempool: a fixed count of fixed-size objects in DMA memory.
 *
 * Every object is cache-line aligned and preceded by a 16-byte header (its
 * pool and its IOVA), so drivers get an object's bus address without a
 * lookup. The free objects live in an MP/MC sl_ring; each lcore has a LIFO
 * cache in front of it, refilled and flushed in bulk, so that the common
 * get/put is a bounds check and a copy of pointers with no atomic operation.
 * Threads that are not lcores (sl_lcore_id() == SL_LCORE_ID_ANY) use the
 * ring directly.
 *
 * get_bulk is all or nothing. The counts are exact when no get/put runs at
 * the same time: avail = objects in the ring + objects in every lcore cache.
 * An lcore cannot take objects that sit in another lcore's cache, so a get
 * may fail while avail_count() is large; size the pool for
 * n >= needed + lcores * cache_size * 1.5.
 */
#ifndef SL_MEMPOOL_H
#define SL_MEMPOOL_H

#include <errno.h>
#include <stdint.h>
#include <string.h>

#include "sl_common.h"
#include "sl_eal.h"

#ifdef __cplusplus
extern "C" {
#endif

#define SL_MEMPOOL_NAMESIZE 32
/* Largest per-lcore cache. A cache holds up to 1.5x its size before it
 * flushes the excess to the ring; a refill may briefly hold 2x. */
#define SL_MEMPOOL_CACHE_MAX_SIZE 512
/* Flush threshold = cache_size * MULT / DIV (1.5x, as in DPDK: a put that
 * overflows a full cache moves a batch of >= cache_size / 2 to the ring, so
 * the ring is touched at most once every cache_size / 2 objects). */
#define SL_MEMPOOL_CACHE_FLUSH_MULT 3
#define SL_MEMPOOL_CACHE_FLUSH_DIV 2

/* create flags */
#define SL_MEMPOOL_F_SP_PUT 0x1u	/* single-producer ring: one thread puts at a time */
#define SL_MEMPOOL_F_SC_GET 0x2u	/* single-consumer ring: one thread gets at a time */

struct sl_ring;
struct sl_mempool_chunk;

/* Header right before every object (at obj - SL_MEMPOOL_OBJHDR_SIZE). */
struct sl_mempool_objhdr {
	struct sl_mempool *mp;
	sl_iova_t iova;		/* IOVA of the object's first byte */
};
#define SL_MEMPOOL_OBJHDR_SIZE ((unsigned)sizeof(struct sl_mempool_objhdr))

struct sl_mempool_cache {
	/* Written only by the owning lcore, read (relaxed) by the count
	 * functions on other threads. */
	uint32_t len;
	uint32_t pad_[15];
	void *objs[SL_MEMPOOL_CACHE_MAX_SIZE * 2] __sl_cache_aligned;
} __sl_cache_aligned;

struct sl_mempool {
	/* Cache line 0: what get/put read on every call. */
	struct sl_mempool_cache *caches;	/* [nb_caches], by lcore id */
	uint32_t nb_caches;		/* 0 when cache_size == 0 */
	uint32_t cache_size;
	uint32_t flush_threshold;	/* cache_size * 1.5 */
	uint32_t flags;
	struct sl_ring *ring;		/* the free objects */
	uint32_t size;			/* number of objects */
	uint32_t elt_size;		/* usable bytes per object */
	uint32_t obj_stride;		/* distance between two objects of a chunk */
	uint32_t priv_size;		/* bytes of pool-private data after this struct */
	int socket;
	uint32_t nb_chunks;

	/* Control path. */
	struct sl_mempool_chunk *chunks;
	struct sl_mempool *next_pool;	/* list for sl_mempool_lookup */
	char name[SL_MEMPOOL_NAMESIZE];
} __sl_cache_aligned;

/* Called once per object at creation (idx: 0 .. n-1), or by obj_iter. */
typedef void (sl_mempool_obj_cb_t)(struct sl_mempool *mp, void *arg, void *obj, unsigned idx);

/* n objects of elt_size bytes each. cache_size 0 (no per-lcore cache) up
 * to SL_MEMPOOL_CACHE_MAX_SIZE and at most n / 1.5. socket: NUMA node or
 * SL_SOCKET_ID_ANY. Needs sl_eal_init first. On failure: NULL with errno
 * set (EINVAL bad argument, EEXIST name in use, ENOMEM no DMA memory) after
 * one log line that says what to do. */
struct sl_mempool *sl_mempool_create(const char *name, unsigned n, unsigned elt_size,
				     unsigned cache_size, int socket, unsigned flags);
/* Same, plus priv_size bytes of zeroed pool-private data (sl_mempool_get_priv)
 * and an optional callback run on every object before the pool is
 * returned (objects are zeroed before it). */
struct sl_mempool *sl_mempool_create_ex(const char *name, unsigned n, unsigned elt_size,
					unsigned cache_size, unsigned priv_size, int socket,
					unsigned flags, sl_mempool_obj_cb_t *obj_init,
					void *obj_init_arg);
/* Frees the pool and its memory; objects still in use become invalid. NULL is a no-op. */
void sl_mempool_free(struct sl_mempool *mp);
/* Pool by name, or NULL (errno ENOENT). */
struct sl_mempool *sl_mempool_lookup(const char *name);
/* Calls fn for every pool, with the list locked: fn must not create or
 * free pools. */
void sl_mempool_walk(void (*fn)(struct sl_mempool *mp, void *arg), void *arg);
/* Calls fn on every object of the pool, free or not; returns the count. */
unsigned sl_mempool_obj_iter(struct sl_mempool *mp, sl_mempool_obj_cb_t *fn, void *arg);
/* Exact when no get/put runs concurrently (see the top of this file). */
unsigned sl_mempool_avail_count(const struct sl_mempool *mp);
unsigned sl_mempool_in_use_count(const struct sl_mempool *mp);
int sl_mempool_full(const struct sl_mempool *mp);
int sl_mempool_empty(const struct sl_mempool *mp);
/* Moves the calling lcore's cached objects back to the ring. */
void sl_mempool_cache_flush(struct sl_mempool *mp);

/* Slow paths of the inline functions below (ring access, cache refill and
 * flush). Not for direct use. */
int sl_mempool_get_slow_(struct sl_mempool *mp, void **objs, unsigned n);
void sl_mempool_put_slow_(struct sl_mempool *mp, void * const *objs, unsigned n);
void sl_mempool_bad_obj_(const struct sl_mempool *mp, const void *obj);

static inline void *sl_mempool_get_priv(struct sl_mempool *mp)
{
	return (void *)(mp + 1);
}

static inline struct sl_mempool_objhdr *sl_mempool_objhdr(const void *obj)
{
	return (struct sl_mempool_objhdr *)((uintptr_t)obj - SL_MEMPOOL_OBJHDR_SIZE);
}

/* The pool an object belongs to. */
static inline struct sl_mempool *sl_mempool_from_obj(const void *obj)
{
	return sl_mempool_objhdr(obj)->mp;
}

/* IOVA of byte 0 of an object: what a device is given. */
static inline sl_iova_t sl_mempool_virt2iova(const void *obj)
{
	return sl_mempool_objhdr(obj)->iova;
}

/* Pointer copy for the cache fast path: 32-byte blocks the compiler turns
 * into vector moves (n is not a constant, so a plain memcpy would be a libc
 * call), then the tail. memcpy, not assignments: callers pass arrays of
 * other pointer types (struct sl_mbuf **) cast to void **. n == 1 first:
 * single-object calls with a run-time n were 20% slower without it. (A
 * tail by the bits of n, or 64-byte blocks, measured slower.)
 * Regions never overlap. */
static __sl_always_inline void sl_mempool_copy_ptrs_(void **dst, void * const *src, unsigned n)
{
	unsigned i = 0;

	if (n == 1) {
		__builtin_memcpy(dst, src, sizeof(void *));
		return;
	}
	for (; i + 4 <= n; i += 4)
		__builtin_memcpy(&dst[i], &src[i], 4 * sizeof(void *));
	switch (n & 3) {
	case 3:
		__builtin_memcpy(&dst[i + 2], &src[i + 2], sizeof(void *));
		/* fall through */
	case 2:
		__builtin_memcpy(&dst[i + 1], &src[i + 1], sizeof(void *));
		/* fall through */
	case 1:
		__builtin_memcpy(&dst[i], &src[i], sizeof(void *));
		/* fall through */
	default:
		break;
	}
}

/* n objects into objs[0..n): 0, or -ENOENT and nothing taken. */
static __sl_always_inline int sl_mempool_get_bulk(struct sl_mempool *mp, void **objs, unsigned n)
{
	unsigned lcore = sl_lcore_id();

	/* One compare covers "not an lcore" (SL_LCORE_ID_ANY) and "no cache"
	 * (nb_caches == 0). */
	if (sl_likely(lcore < mp->nb_caches)) {
		struct sl_mempool_cache *cache = &mp->caches[lcore];
		uint32_t len = cache->len;

		if (sl_likely(n <= len)) {
			len -= n;
			sl_mempool_copy_ptrs_(objs, &cache->objs[len], n);
			__atomic_store_n(&cache->len, len, __ATOMIC_RELAXED);
			return 0;
		}
	}
	return sl_mempool_get_slow_(mp, objs, n);
}

static __sl_always_inline void sl_mempool_put_bulk(struct sl_mempool *mp, void * const *objs,
						   unsigned n)
{
	unsigned lcore = sl_lcore_id();

#ifdef SL_DEBUG_CHECKS
	for (unsigned i = 0; i < n; i++)
		if (sl_unlikely(objs[i] == NULL || sl_mempool_from_obj(objs[i]) != mp))
			sl_mempool_bad_obj_(mp, objs[i]);
#endif
	if (sl_likely(lcore < mp->nb_caches)) {
		struct sl_mempool_cache *cache = &mp->caches[lcore];
		uint32_t len = cache->len;

		if (sl_likely(len + n <= mp->flush_threshold)) {
			sl_mempool_copy_ptrs_(&cache->objs[len], objs, n);
			__atomic_store_n(&cache->len, len + n, __ATOMIC_RELAXED);
			return;
		}
	}
	sl_mempool_put_slow_(mp, objs, n);
}

/* Single objects: the same cache, without the copy loop. */
static __sl_always_inline int sl_mempool_get(struct sl_mempool *mp, void **obj)
{
	unsigned lcore = sl_lcore_id();

	if (sl_likely(lcore < mp->nb_caches)) {
		struct sl_mempool_cache *cache = &mp->caches[lcore];
		uint32_t len = cache->len;

		if (sl_likely(len > 0)) {
			*obj = cache->objs[len - 1];
			__atomic_store_n(&cache->len, len - 1, __ATOMIC_RELAXED);
			return 0;
		}
	}
	return sl_mempool_get_slow_(mp, obj, 1);
}

static __sl_always_inline void sl_mempool_put(struct sl_mempool *mp, void *obj)
{
	unsigned lcore = sl_lcore_id();

#ifdef SL_DEBUG_CHECKS
	if (sl_unlikely(obj == NULL || sl_mempool_from_obj(obj) != mp))
		sl_mempool_bad_obj_(mp, obj);
#endif
	if (sl_likely(lcore < mp->nb_caches)) {
		struct sl_mempool_cache *cache = &mp->caches[lcore];
		uint32_t len = cache->len;

		if (sl_likely(len < mp->flush_threshold)) {
			cache->objs[len] = obj;
			__atomic_store_n(&cache->len, len + 1, __ATOMIC_RELAXED);
			return;
		}
	}
	sl_mempool_put_slow_(mp, &obj, 1);
}

#ifdef __cplusplus
}
#endif
#endif /* SL_MEMPOOL_H */
