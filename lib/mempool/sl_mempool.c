/* SPDX-License-Identifier: BSD-3-Clause
 * Sluice mempool: creation, the slow paths of get/put (cache refill and
 * flush, ring access), counts, lookup. The fast path is in sl_mempool.h. */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <numa.h>

#include "sl_eal.h"
#include "sl_log.h"
#include "sl_mempool.h"
#include "sl_ring.h"

/* One IOVA-contiguous block of objects. Object i of the chunk is at
 * va + SL_CACHE_LINE_SIZE + i * stride; its header is in the 16 bytes before
 * it, which lie in the tail padding of object i - 1 (or in the first cache
 * line of the chunk for i == 0), so a header costs no extra cache line. */
struct sl_mempool_chunk {
	void *va;
	size_t len;
	sl_iova_t iova;
	unsigned first_idx;
	unsigned nb_objs;
};

/* Largest block asked of sl_dma_zalloc for objects: the EAL serves a block
 * from one memory segment, and a segment may be a single 2 MiB hugepage, so
 * a chunk must fit in one with room for the allocator's own bookkeeping. */
#define MEMPOOL_CHUNK_MAX ((size_t)2 * 1024 * 1024 - 4096)

static pthread_mutex_t pools_lock = PTHREAD_MUTEX_INITIALIZER;
static struct sl_mempool *pools_head;

static struct sl_mempool *lookup_locked(const char *name)
{
	for (struct sl_mempool *mp = pools_head; mp != NULL; mp = mp->next_pool)
		if (strcmp(mp->name, name) == 0)
			return mp;
	return NULL;
}

void sl_mempool_walk(void (*fn)(struct sl_mempool *mp, void *arg), void *arg)
{
	pthread_mutex_lock(&pools_lock);
	for (struct sl_mempool *mp = pools_head; mp != NULL; mp = mp->next_pool)
		fn(mp, arg);
	pthread_mutex_unlock(&pools_lock);
}

struct sl_mempool *sl_mempool_lookup(const char *name)
{
	struct sl_mempool *mp;

	if (name == NULL) {
		errno = EINVAL;
		return NULL;
	}
	pthread_mutex_lock(&pools_lock);
	mp = lookup_locked(name);
	pthread_mutex_unlock(&pools_lock);
	if (mp == NULL)
		errno = ENOENT;
	return mp;
}

/* The ring holds only pointers, so it needs no DMA memory (and a large one
 * would not fit in one DMA block): plain pages, on the pool's NUMA node
 * when one is given. */
static void *ring_mem_alloc(size_t len, int socket)
{
	size_t page = (size_t)sysconf(_SC_PAGESIZE);
	void *p = NULL;

	len = SL_ALIGN_CEIL(len, page);
	if (posix_memalign(&p, page, len) != 0)
		return NULL;
	/* before the first touch, so that the pages land on that node */
	if (socket >= 0 && numa_available() >= 0)
		numa_tonode_memory(p, len, socket);
	memset(p, 0, len);
	return p;
}

static void ring_mem_free(void *p)
{
	free(p);
}

static void *obj_at(const struct sl_mempool *mp, const struct sl_mempool_chunk *c, unsigned i)
{
	return (char *)c->va + SL_CACHE_LINE_SIZE + (size_t)i * mp->obj_stride;
}

unsigned sl_mempool_obj_iter(struct sl_mempool *mp, sl_mempool_obj_cb_t *fn, void *arg)
{
	unsigned count = 0;

	if (mp == NULL || fn == NULL)
		return 0;
	for (unsigned c = 0; c < mp->nb_chunks; c++) {
		const struct sl_mempool_chunk *ch = &mp->chunks[c];

		for (unsigned i = 0; i < ch->nb_objs; i++)
			fn(mp, arg, obj_at(mp, ch, i), ch->first_idx + i);
		count += ch->nb_objs;
	}
	return count;
}

/* Frees whatever a (possibly half-built) pool holds. */
static void mempool_release(struct sl_mempool *mp)
{
	if (mp->chunks != NULL) {
		for (unsigned c = 0; c < mp->nb_chunks; c++)
			if (mp->chunks[c].va != NULL)
				sl_dma_free(mp->chunks[c].va);
		free(mp->chunks);
	}
	if (mp->ring != NULL)
		ring_mem_free(mp->ring);
	sl_dma_free(mp);
}

static int check_args(const char *name, unsigned n, unsigned elt_size, unsigned cache_size,
		      unsigned flags)
{
	size_t stride;

	if (name == NULL || name[0] == '\0' || strlen(name) >= SL_MEMPOOL_NAMESIZE) {
		SL_LOG(ERR, MEMPOOL, "mempool name must be 1 to %d characters",
		       SL_MEMPOOL_NAMESIZE - 1);
		return -EINVAL;
	}
	if (n == 0 || n > (1u << 30)) {
		SL_LOG(ERR, MEMPOOL, "mempool %s: object count %u must be 1 to %u", name, n,
		       1u << 30);
		return -EINVAL;
	}
	if (elt_size == 0) {
		SL_LOG(ERR, MEMPOOL, "mempool %s: elt_size must be > 0", name);
		return -EINVAL;
	}
	stride = SL_ALIGN_CEIL((size_t)elt_size + SL_MEMPOOL_OBJHDR_SIZE, (size_t)SL_CACHE_LINE_SIZE);
	if (SL_CACHE_LINE_SIZE + stride > MEMPOOL_CHUNK_MAX) {
		SL_LOG(ERR, MEMPOOL,
		       "mempool %s: elt_size %u too big: objects must fit in %zu bytes of one DMA block",
		       name, elt_size, MEMPOOL_CHUNK_MAX - SL_CACHE_LINE_SIZE - SL_MEMPOOL_OBJHDR_SIZE);
		return -EINVAL;
	}
	if (cache_size > SL_MEMPOOL_CACHE_MAX_SIZE ||
	    (uint64_t)cache_size * SL_MEMPOOL_CACHE_FLUSH_MULT > (uint64_t)n * SL_MEMPOOL_CACHE_FLUSH_DIV) {
		SL_LOG(ERR, MEMPOOL,
		       "mempool %s: cache_size %u too big: at most %u and n/1.5 = %u (use a smaller cache or more objects)",
		       name, cache_size, SL_MEMPOOL_CACHE_MAX_SIZE,
		       (unsigned)((uint64_t)n * SL_MEMPOOL_CACHE_FLUSH_DIV / SL_MEMPOOL_CACHE_FLUSH_MULT));
		return -EINVAL;
	}
	if (flags & ~(SL_MEMPOOL_F_SP_PUT | SL_MEMPOOL_F_SC_GET)) {
		SL_LOG(ERR, MEMPOOL, "mempool %s: unknown flags 0x%x (use SL_MEMPOOL_F_*)", name,
		       flags & ~(SL_MEMPOOL_F_SP_PUT | SL_MEMPOOL_F_SC_GET));
		return -EINVAL;
	}
	return 0;
}

/* Allocates the chunks, writes every object header and runs obj_init. */
static int populate(struct sl_mempool *mp, sl_mempool_obj_cb_t *obj_init, void *obj_init_arg)
{
	unsigned per_chunk = (unsigned)((MEMPOOL_CHUNK_MAX - SL_CACHE_LINE_SIZE) / mp->obj_stride);
	unsigned done = 0;
	char blk_name[SL_MEMPOOL_NAMESIZE + 16];

	mp->nb_chunks = (mp->size + per_chunk - 1) / per_chunk;
	mp->chunks = calloc(mp->nb_chunks, sizeof(*mp->chunks));
	if (mp->chunks == NULL) {
		SL_LOG(ERR, MEMPOOL, "mempool %s: out of heap memory for %u chunk records", mp->name,
		       mp->nb_chunks);
		return -ENOMEM;
	}
	for (unsigned c = 0; c < mp->nb_chunks; c++) {
		struct sl_mempool_chunk *ch = &mp->chunks[c];

		ch->first_idx = done;
		ch->nb_objs = SL_MIN(per_chunk, mp->size - done);
		ch->len = SL_CACHE_LINE_SIZE + (size_t)ch->nb_objs * mp->obj_stride;
		snprintf(blk_name, sizeof(blk_name), "mp_%s_%u", mp->name, c);
		ch->va = sl_dma_zalloc(blk_name, ch->len, SL_CACHE_LINE_SIZE, mp->socket);
		if (ch->va == NULL) {
			SL_LOG(ERR, MEMPOOL,
			       "mempool %s: out of DMA memory after %u of %u objects (%u x %u bytes): reserve more hugepages or use -m",
			       mp->name, done, mp->size, mp->size, mp->obj_stride);
			return -ENOMEM;
		}
		ch->iova = sl_mem_virt2iova(ch->va);
		if (ch->iova == SL_BAD_IOVA) {
			SL_LOG(ERR, MEMPOOL, "mempool %s: the EAL has no IOVA for its own DMA block",
			       mp->name);
			return -EFAULT;
		}
		for (unsigned i = 0; i < ch->nb_objs; i++) {
			void *obj = obj_at(mp, ch, i);
			struct sl_mempool_objhdr *hdr = sl_mempool_objhdr(obj);

			hdr->mp = mp;
			hdr->iova = ch->iova + SL_PTR_DIFF(obj, ch->va);
		}
		done += ch->nb_objs;
	}
	if (obj_init != NULL)
		sl_mempool_obj_iter(mp, obj_init, obj_init_arg);
	return 0;
}

static int fill_ring(struct sl_mempool *mp)
{
	enum { BATCH = 64 };
	void *batch[BATCH];

	for (unsigned c = 0; c < mp->nb_chunks; c++) {
		const struct sl_mempool_chunk *ch = &mp->chunks[c];

		for (unsigned i = 0; i < ch->nb_objs; i += BATCH) {
			unsigned k = SL_MIN((unsigned)BATCH, ch->nb_objs - i);

			for (unsigned j = 0; j < k; j++)
				batch[j] = obj_at(mp, ch, i + j);
			if (sl_ring_enqueue_bulk(mp->ring, batch, k, NULL) != k) {
				SL_LOG(ERR, MEMPOOL, "mempool %s: its ring holds fewer than %u objects",
				       mp->name, mp->size);
				return -ENOSPC;
			}
		}
	}
	return 0;
}

/* The ring is set up in memory of the pool's own, outside the ring
 * registry, so pool names never collide with ring names. */
static int pool_ring_create(struct sl_mempool *mp, const char *name, unsigned n, unsigned flags,
			    int socket)
{
	unsigned ring_flags = SL_RING_F_EXACT_SZ;
	ssize_t ring_bytes;
	int rc;

	if (flags & SL_MEMPOOL_F_SP_PUT)
		ring_flags |= SL_RING_F_SP_ENQ;
	if (flags & SL_MEMPOOL_F_SC_GET)
		ring_flags |= SL_RING_F_SC_DEQ;
	ring_bytes = sl_ring_get_memsize_flags(n, ring_flags);
	if (ring_bytes < 0) {
		SL_LOG(ERR, MEMPOOL, "mempool %s: no ring can hold %u objects", name, n);
		return (int)ring_bytes;
	}
	mp->ring = ring_mem_alloc((size_t)ring_bytes, socket);
	if (mp->ring == NULL) {
		SL_LOG(ERR, MEMPOOL, "mempool %s: out of memory for a ring of %zd bytes: use fewer objects",
		       name, ring_bytes);
		return -ENOMEM;
	}
	rc = sl_ring_init(mp->ring, name, n, ring_flags);
	if (rc < 0)
		SL_LOG(ERR, MEMPOOL, "mempool %s: ring setup failed: %s", name, strerror(-rc));
	return rc;
}

struct sl_mempool *sl_mempool_create_ex(const char *name, unsigned n, unsigned elt_size,
					unsigned cache_size, unsigned priv_size, int socket,
					unsigned flags, sl_mempool_obj_cb_t *obj_init,
					void *obj_init_arg)
{
	struct sl_mempool *mp;
	size_t priv_bytes = SL_ALIGN_CEIL((size_t)priv_size, (size_t)SL_CACHE_LINE_SIZE);
	unsigned nb_caches;
	int rc;

	rc = check_args(name, n, elt_size, cache_size, flags);
	if (rc < 0) {
		errno = -rc;
		return NULL;
	}
	/* Lcore ids are dense (0 .. count-1): one cache each. */
	nb_caches = cache_size > 0 ? sl_lcore_count() : 0;

	pthread_mutex_lock(&pools_lock);
	if (lookup_locked(name) != NULL) {
		pthread_mutex_unlock(&pools_lock);
		SL_LOG(ERR, MEMPOOL, "mempool %s exists already: pick another name or free it first",
		       name);
		errno = EEXIST;
		return NULL;
	}
	mp = sl_dma_zalloc(name, sizeof(*mp) + priv_bytes +
				 (size_t)nb_caches * sizeof(struct sl_mempool_cache),
			   SL_CACHE_LINE_SIZE, socket);
	if (mp == NULL) {
		pthread_mutex_unlock(&pools_lock);
		errno = ENOMEM;
		return NULL;
	}
	snprintf(mp->name, sizeof(mp->name), "%s", name);
	mp->caches = nb_caches > 0 ? SL_PTR_ADD(mp, sizeof(*mp) + priv_bytes) : NULL;
	mp->nb_caches = nb_caches;
	mp->cache_size = cache_size;
	mp->flush_threshold = cache_size * SL_MEMPOOL_CACHE_FLUSH_MULT / SL_MEMPOOL_CACHE_FLUSH_DIV;
	mp->flags = flags;
	mp->size = n;
	mp->elt_size = elt_size;
	mp->obj_stride = (uint32_t)SL_ALIGN_CEIL((size_t)elt_size + SL_MEMPOOL_OBJHDR_SIZE,
						 (size_t)SL_CACHE_LINE_SIZE);
	mp->priv_size = priv_size;
	mp->socket = socket;

	rc = pool_ring_create(mp, name, n, flags, socket);
	if (rc < 0)
		goto fail;
	rc = populate(mp, obj_init, obj_init_arg);
	if (rc == 0)
		rc = fill_ring(mp);
	if (rc < 0)
		goto fail;

	mp->next_pool = pools_head;
	pools_head = mp;
	pthread_mutex_unlock(&pools_lock);
	return mp;

fail:
	mempool_release(mp);
	pthread_mutex_unlock(&pools_lock);
	errno = -rc;
	return NULL;
}

struct sl_mempool *sl_mempool_create(const char *name, unsigned n, unsigned elt_size,
				     unsigned cache_size, int socket, unsigned flags)
{
	return sl_mempool_create_ex(name, n, elt_size, cache_size, 0, socket, flags, NULL, NULL);
}

void sl_mempool_free(struct sl_mempool *mp)
{
	if (mp == NULL)
		return;
	pthread_mutex_lock(&pools_lock);
	for (struct sl_mempool **pp = &pools_head; *pp != NULL; pp = &(*pp)->next_pool) {
		if (*pp == mp) {
			*pp = mp->next_pool;
			break;
		}
	}
	mempool_release(mp);
	pthread_mutex_unlock(&pools_lock);
}

/* The EAL unmaps all DMA memory at cleanup: free the pools first so that
 * the registry never points into unmapped memory and a later sl_eal_init
 * can reuse the names. */
static int mempool_hook_init(void)
{
	return 0;
}

static void mempool_hook_fini(void)
{
	pthread_mutex_lock(&pools_lock);
	while (pools_head != NULL) {
		struct sl_mempool *mp = pools_head;

		pools_head = mp->next_pool;
		mempool_release(mp);
	}
	pthread_mutex_unlock(&pools_lock);
}

__attribute__((constructor)) static void mempool_register_hook(void)
{
	/* Lower order than every device layer: their fini (which may still
	 * return mbufs to pools) runs before ours. */
	sl_eal_register_hook("mempool", 5, mempool_hook_init, mempool_hook_fini);
}

unsigned sl_mempool_avail_count(const struct sl_mempool *mp)
{
	unsigned count = sl_ring_count(mp->ring);

	for (unsigned i = 0; i < mp->nb_caches; i++)
		count += __atomic_load_n(&mp->caches[i].len, __ATOMIC_RELAXED);
	/* Only while objects are moving between a cache and the ring can the
	 * sum count one twice. */
	return SL_MIN(count, mp->size);
}

unsigned sl_mempool_in_use_count(const struct sl_mempool *mp)
{
	return mp->size - sl_mempool_avail_count(mp);
}

int sl_mempool_full(const struct sl_mempool *mp)
{
	return sl_mempool_avail_count(mp) == mp->size;
}

int sl_mempool_empty(const struct sl_mempool *mp)
{
	return sl_mempool_avail_count(mp) == 0;
}

static void ring_put(struct sl_mempool *mp, void * const *objs, unsigned n)
{
	/* The ring holds all mp->size objects, so this fails only if objects
	 * were put back twice (or belong to another pool). */
	if (sl_unlikely(sl_ring_enqueue_bulk(mp->ring, objs, n, NULL) != n))
		SL_LOG(ERR, MEMPOOL,
		       "mempool %s: more objects put back than it holds (double free?); %u objects dropped",
		       mp->name, n);
}

void sl_mempool_put_slow_(struct sl_mempool *mp, void * const *objs, unsigned n)
{
	unsigned lcore = sl_lcore_id();
	struct sl_mempool_cache *cache;
	unsigned len, excess;

	if (lcore >= mp->nb_caches || n > mp->cache_size) {
		ring_put(mp, objs, n);
		return;
	}
	/* len + n > flush_threshold: move the oldest (coldest) objects at the
	 * bottom of the stack to the ring so that cache_size remain after
	 * this put; n <= cache_size keeps excess <= len. */
	cache = &mp->caches[lcore];
	len = cache->len;
	excess = len + n - mp->cache_size;
	ring_put(mp, cache->objs, excess);
	memmove(cache->objs, &cache->objs[excess], (size_t)(len - excess) * sizeof(void *));
	memcpy(&cache->objs[len - excess], objs, (size_t)n * sizeof(void *));
	__atomic_store_n(&cache->len, mp->cache_size, __ATOMIC_RELAXED);
}

int sl_mempool_get_slow_(struct sl_mempool *mp, void **objs, unsigned n)
{
	unsigned lcore = sl_lcore_id();
	struct sl_mempool_cache *cache;
	unsigned len, need;

	if (lcore >= mp->nb_caches)
		return sl_ring_dequeue_bulk(mp->ring, objs, n, NULL) == n ? 0 : -ENOENT;

	cache = &mp->caches[lcore];
	len = cache->len;	/* < n, or we would not be here */
	need = n - len;
	if (n <= mp->cache_size) {
		/* Refill so that cache_size remain after handing out n: one
		 * ring access per cache_size objects in steady state. The
		 * cache holds up to 2 * SL_MEMPOOL_CACHE_MAX_SIZE entries. */
		unsigned want = mp->cache_size + need;

		if (sl_ring_dequeue_bulk(mp->ring, &cache->objs[len], want, NULL) == want) {
			len += want;
			len -= n;
			memcpy(objs, &cache->objs[len], (size_t)n * sizeof(void *));
			__atomic_store_n(&cache->len, len, __ATOMIC_RELAXED);
			return 0;
		}
	}
	/* Short of objects (or a request bigger than the cache): take what
	 * the cache lacks straight from the ring, all or nothing. */
	if (sl_ring_dequeue_bulk(mp->ring, objs, need, NULL) != need)
		return -ENOENT;
	memcpy(&objs[need], cache->objs, (size_t)len * sizeof(void *));
	__atomic_store_n(&cache->len, 0, __ATOMIC_RELAXED);
	return 0;
}

void sl_mempool_cache_flush(struct sl_mempool *mp)
{
	unsigned lcore = sl_lcore_id();
	struct sl_mempool_cache *cache;

	if (mp == NULL || lcore >= mp->nb_caches)
		return;
	cache = &mp->caches[lcore];
	if (cache->len > 0)
		ring_put(mp, cache->objs, cache->len);
	__atomic_store_n(&cache->len, 0, __ATOMIC_RELAXED);
}

void sl_mempool_bad_obj_(const struct sl_mempool *mp, const void *obj)
{
	SL_LOG(CRIT, MEMPOOL, "mempool %s: put of %p, which is %s", mp->name, obj,
	       obj == NULL ? "NULL" : "not an object of this pool");
	abort();
}
