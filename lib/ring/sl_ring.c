/* SPDX-License-Identifier: BSD-3-Clause
 * Sluice ring: control path (sizing, init, named allocation, lookup). The
 * fast path is inline in sl_ring.h / sl_ring_core.h. */
#include <errno.h>
#include <inttypes.h>
#include <numa.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "sl_log.h"
#include "sl_ring.h"
#include "ring_private.h"

enum {
	SL_RING_ALLOC_CALLER = 0,	/* sl_ring_init in caller memory */
	SL_RING_ALLOC_HEAP,		/* posix_memalign */
	SL_RING_ALLOC_NUMA,		/* numa_alloc_onnode */
};

/* Pairs of lines (adjacent-line prefetch) start on a 128-byte boundary. */
#define SL_RING_ALIGN 128

SL_STATIC_ASSERT(offsetof(struct sl_ring, prod) % SL_RING_ALIGN == 0,
		 "producer's own line pair aligned");
SL_STATIC_ASSERT(offsetof(struct sl_ring_headtail, tail) == SL_RING_ALIGN,
		 "a side's tail on the next 128-byte pair");
SL_STATIC_ASSERT(offsetof(struct sl_ring, cons) - offsetof(struct sl_ring, prod) ==
		 2 * SL_RING_ALIGN, "consumer's pairs after the producer's");
SL_STATIC_ASSERT(offsetof(struct sl_ring, slots) - offsetof(struct sl_ring, cons) ==
		 2 * SL_RING_ALIGN, "slots after the consumer's pairs");

static pthread_mutex_t sl_ring_list_lock = PTHREAD_MUTEX_INITIALIZER;
static struct sl_ring *sl_ring_list;

/* Internal size for (count, flags), or 0 after logging why it is invalid. */
static uint32_t ring_size_for(unsigned count, unsigned flags, const char *who)
{
	if (flags & ~SL_RING_F_MASK) {
		SL_LOG(ERR, RING, "%s: unknown flags 0x%x: use SL_RING_F_SP_ENQ, "
		       "SL_RING_F_SC_DEQ, SL_RING_F_EXACT_SZ", who, flags & ~SL_RING_F_MASK);
		return 0;
	}
	if (flags & SL_RING_F_EXACT_SZ) {
		if (count == 0 || count > SL_RING_SIZE_MAX - 1) {
			SL_LOG(ERR, RING, "%s: count %u out of range: an exact-size ring "
			       "holds 1..%u objects", who, count, SL_RING_SIZE_MAX - 1);
			return 0;
		}
		return sl_align32pow2(count + 1);
	}
	if (count < 2 || count > SL_RING_SIZE_MAX || !sl_is_power_of_2(count)) {
		SL_LOG(ERR, RING, "%s: count %u must be a power of two in 2..%u (the ring "
		       "holds count-1); add SL_RING_F_EXACT_SZ for any other count",
		       who, count, SL_RING_SIZE_MAX);
		return 0;
	}
	return count;
}

/* Slots in the array: at least one whole line, so that the copies in
 * sl_ring_core.h always work on whole, contiguous lines (a 2- or 4-slot ring
 * still uses only `size` distinct indices at a time). */
static uint32_t ring_slots(uint32_t size)
{
	return SL_MAX(size, SL_RING_LINE_SLOTS);
}

static size_t ring_bytes(uint32_t size)
{
	return SL_ALIGN_CEIL(sizeof(struct sl_ring) + (size_t)ring_slots(size) * sizeof(void *),
			     (size_t)SL_CACHE_LINE_SIZE);
}

ssize_t sl_ring_get_memsize_flags(unsigned count, unsigned flags)
{
	uint32_t size = ring_size_for(count, flags, "sl_ring_get_memsize");

	if (size == 0)
		return -EINVAL;
	return (ssize_t)ring_bytes(size);
}

ssize_t sl_ring_get_memsize(unsigned count)
{
	return sl_ring_get_memsize_flags(count, 0);
}

static int check_name(const char *name, const char *who)
{
	if (name == NULL) {
		SL_LOG(ERR, RING, "%s: name is NULL: give the ring a name", who);
		return -EINVAL;
	}
	if (strnlen(name, SL_RING_NAMESIZE) >= SL_RING_NAMESIZE) {
		SL_LOG(ERR, RING, "%s: name \"%.*s...\" is longer than %d characters: "
		       "use a shorter name", who, 16, name, SL_RING_NAMESIZE - 1);
		return -ENAMETOOLONG;
	}
	return 0;
}

static void ring_setup(struct sl_ring *r, const char *name, uint32_t size,
		       unsigned count, unsigned flags)
{
	/* Zero only the header: slots are written before they are read. */
	memset(r, 0, sizeof(*r));
	memcpy(r->name, name, strlen(name) + 1);
	r->flags = flags;
	r->size = size;
	r->mask = size - 1;
	r->slot_mask = ring_slots(size) - 1;
	r->capacity = (flags & SL_RING_F_EXACT_SZ) ? count : size - 1;
	r->prod.single = !!(flags & SL_RING_F_SP_ENQ);
	r->cons.single = !!(flags & SL_RING_F_SC_DEQ);
	r->socket = SL_SOCKET_ID_ANY;
	/* The producer's cached consumer tail and the consumer's cached
	 * producer tail start equal to the indices: empty ring, all free. */
	ring_reset_indices(r, 0);
}

int sl_ring_init(struct sl_ring *r, const char *name, unsigned count, unsigned flags)
{
	uint32_t size;
	int rc;

	if (r == NULL) {
		SL_LOG(ERR, RING, "sl_ring_init: ring memory is NULL: pass "
		       "sl_ring_get_memsize_flags(count, flags) bytes");
		return -EINVAL;
	}
	/* The struct is declared cache-line aligned (the sides' lines must
	 * not share a line with anything else); less is undefined behaviour. */
	if (((uintptr_t)r & SL_CACHE_LINE_MASK) != 0) {
		SL_LOG(ERR, RING, "sl_ring_init: ring memory at %p is not %d-byte aligned: "
		       "allocate it with aligned_alloc(%d, size) or posix_memalign",
		       (void *)r, SL_CACHE_LINE_SIZE, SL_CACHE_LINE_SIZE);
		return -EINVAL;
	}
	rc = check_name(name, "sl_ring_init");
	if (rc < 0)
		return rc;
	size = ring_size_for(count, flags, "sl_ring_init");
	if (size == 0)
		return -EINVAL;
	ring_setup(r, name, size, count, flags);
	return 0;
}

void ring_reset_indices(struct sl_ring *r, uint32_t start)
{
	/* Relaxed atomic stores: no thread uses the ring now (documented), and
	 * whatever hands the ring to other threads afterwards orders them. */
	__atomic_store_n(&r->prod.head, start, __ATOMIC_RELAXED);
	__atomic_store_n(&r->prod.tail, start, __ATOMIC_RELAXED);
	__atomic_store_n(&r->prod.other_tail, start, __ATOMIC_RELAXED);
	__atomic_store_n(&r->cons.head, start, __ATOMIC_RELAXED);
	__atomic_store_n(&r->cons.tail, start, __ATOMIC_RELAXED);
	__atomic_store_n(&r->cons.other_tail, start, __ATOMIC_RELAXED);
}

void sl_ring_reset(struct sl_ring *r)
{
	ring_reset_indices(r, 0);
}

static struct sl_ring *find_locked(const char *name)
{
	struct sl_ring *r;

	for (r = sl_ring_list; r != NULL; r = r->next)
		if (strcmp(r->name, name) == 0)
			return r;
	return NULL;
}

static void *ring_alloc(size_t len, int socket, uint32_t *kind)
{
	void *p = NULL;

	if (socket != SL_SOCKET_ID_ANY && numa_available() >= 0) {
		/* Page-granular and zeroed; first touch is on `socket`. */
		p = numa_alloc_onnode(len, socket);
		*kind = SL_RING_ALLOC_NUMA;
		return p;
	}
	if (posix_memalign(&p, SL_RING_ALIGN, len) != 0)
		return NULL;
	*kind = SL_RING_ALLOC_HEAP;
	return p;
}

static int check_socket(int socket)
{
	if (socket == SL_SOCKET_ID_ANY)
		return 0;
	if (socket < 0) {
		SL_LOG(ERR, RING, "sl_ring_create: socket %d is invalid: use a NUMA node "
		       "number or SL_SOCKET_ID_ANY", socket);
		return -EINVAL;
	}
	if (numa_available() < 0) {
		if (socket == 0)
			return 0;
		SL_LOG(ERR, RING, "sl_ring_create: socket %d requested but this system "
		       "has no NUMA support: use 0 or SL_SOCKET_ID_ANY", socket);
		return -EINVAL;
	}
	if (socket > numa_max_node() || !numa_bitmask_isbitset(numa_all_nodes_ptr, (unsigned)socket)) {
		SL_LOG(ERR, RING, "sl_ring_create: NUMA node %d is not available (nodes 0..%d): "
		       "use an existing node or SL_SOCKET_ID_ANY", socket, numa_max_node());
		return -EINVAL;
	}
	return 0;
}

struct sl_ring *sl_ring_create(const char *name, unsigned count, int socket, unsigned flags)
{
	struct sl_ring *r;
	uint32_t size, kind = 0;
	size_t len;
	int rc;

	rc = check_name(name, "sl_ring_create");
	if (rc < 0) {
		errno = -rc;
		return NULL;
	}
	size = ring_size_for(count, flags, "sl_ring_create");
	if (size == 0) {
		errno = EINVAL;
		return NULL;
	}
	rc = check_socket(socket);
	if (rc < 0) {
		errno = -rc;
		return NULL;
	}
	len = ring_bytes(size);

	pthread_mutex_lock(&sl_ring_list_lock);
	if (find_locked(name) != NULL) {
		pthread_mutex_unlock(&sl_ring_list_lock);
		SL_LOG(ERR, RING, "sl_ring_create: a ring named \"%s\" already exists: "
		       "pick another name or sl_ring_lookup() it", name);
		errno = EEXIST;
		return NULL;
	}
	r = ring_alloc(len, socket, &kind);
	if (r == NULL) {
		pthread_mutex_unlock(&sl_ring_list_lock);
		SL_LOG(ERR, RING, "sl_ring_create: cannot allocate %zu bytes for ring \"%s\" "
		       "(%u slots)%s: use a smaller count or free memory", len, name, size,
		       socket == SL_SOCKET_ID_ANY ? "" : " on the requested NUMA node");
		errno = ENOMEM;
		return NULL;
	}
	ring_setup(r, name, size, count, flags);
	r->alloc_kind = kind;
	r->alloc_len = len;
	r->socket = socket;
	r->next = sl_ring_list;
	sl_ring_list = r;
	pthread_mutex_unlock(&sl_ring_list_lock);
	return r;
}

void sl_ring_free(struct sl_ring *r)
{
	struct sl_ring **pp;

	if (r == NULL)
		return;
	if (r->alloc_kind == SL_RING_ALLOC_CALLER) {
		SL_LOG(ERR, RING, "sl_ring_free: ring \"%s\" was set up by sl_ring_init in "
		       "caller memory: release that memory instead", r->name);
		return;
	}
	pthread_mutex_lock(&sl_ring_list_lock);
	for (pp = &sl_ring_list; *pp != NULL; pp = &(*pp)->next) {
		if (*pp == r) {
			*pp = r->next;
			break;
		}
	}
	pthread_mutex_unlock(&sl_ring_list_lock);
	if (r->alloc_kind == SL_RING_ALLOC_NUMA)
		numa_free(r, r->alloc_len);
	else
		free(r);
}

struct sl_ring *sl_ring_lookup(const char *name)
{
	struct sl_ring *r;

	if (name == NULL) {
		errno = EINVAL;
		return NULL;
	}
	pthread_mutex_lock(&sl_ring_list_lock);
	r = find_locked(name);
	pthread_mutex_unlock(&sl_ring_list_lock);
	if (r == NULL)
		errno = ENOENT;
	return r;
}

void sl_ring_walk(void (*fn)(struct sl_ring *r, void *arg), void *arg)
{
	pthread_mutex_lock(&sl_ring_list_lock);
	for (struct sl_ring *r = sl_ring_list; r != NULL; r = r->next)
		fn(r, arg);
	pthread_mutex_unlock(&sl_ring_list_lock);
}

void sl_ring_dump(FILE *f, const struct sl_ring *r)
{
	if (f == NULL)
		f = stdout;
	if (r == NULL) {
		fprintf(f, "ring: NULL\n");
		return;
	}
	fprintf(f, "ring \"%s\" at %p: flags 0x%x (%s/%s%s), size %u, capacity %u\n",
		r->name, (const void *)r, r->flags,
		r->prod.single ? "SP" : "MP", r->cons.single ? "SC" : "MC",
		(r->flags & SL_RING_F_EXACT_SZ) ? ", exact size" : "", r->size, r->capacity);
	fprintf(f, "  prod head %" PRIu32 " tail %" PRIu32 " | cons head %" PRIu32
		" tail %" PRIu32 " | used %u free %u\n",
		__atomic_load_n(&r->prod.head, __ATOMIC_RELAXED),
		__atomic_load_n(&r->prod.tail, __ATOMIC_RELAXED),
		__atomic_load_n(&r->cons.head, __ATOMIC_RELAXED),
		__atomic_load_n(&r->cons.tail, __ATOMIC_RELAXED),
		sl_ring_count(r), sl_ring_free_count(r));
}
