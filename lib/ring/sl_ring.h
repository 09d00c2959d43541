/* SPDX-License-Identifier: BSD-3-Clause
 * Sluice ring: a fixed-size lock-free FIFO of pointers.
 *
 *   struct sl_ring *r = sl_ring_create("rx_to_worker", 1024, SL_SOCKET_ID_ANY,
 *                                      SL_RING_F_SP_ENQ | SL_RING_F_SC_DEQ);
 *   n = sl_ring_enqueue_burst(r, objs, 32, NULL);
 *   n = sl_ring_dequeue_burst(r, objs, 32, NULL);
 *
 * Size. Without SL_RING_F_EXACT_SZ, count must be a power of two and the ring
 * holds count - 1 objects (one slot stays free, as in rte_ring). With
 * SL_RING_F_EXACT_SZ the ring holds exactly count objects and uses the next
 * power of two above count as its internal size.
 *
 * Threads. Each side (enqueue, dequeue) is either single-threaded (SP/SC:
 * plain loads and stores, no atomic read-modify-write) or multi-threaded
 * (MP/MC: compare-and-swap on the head, tails published in order). The
 * flags pick the default used by sl_ring_enqueue_bulk and friends; the
 * sl_ring_sp_/mp_/sc_/mc_ variants force a mode per call. Calling an SP
 * function from two threads at once is a bug; MP and SP calls may alternate
 * on one ring when the caller orders them (e.g. setup, then fast path).
 *
 * Bulk calls move all n objects or none and return n or 0. Burst calls move
 * as many as possible (0..n) and return that number. free_space / available,
 * when not NULL, receive the free slots / remaining objects after the call;
 * passing NULL is slightly faster (the other side's line is read only when
 * needed).
 *
 * A ring in caller memory (sl_ring_get_memsize + sl_ring_init) needs neither
 * sl_eal_init nor any allocation. Fast-path calls are inline and unchecked
 * unless built with -Ddebug_checks=true. Not async-signal-safe, not
 * preemption-safe in MP/MC mode (a producer descheduled between reserve
 * and publish stalls the others: use one thread per CPU).
 */
#ifndef SL_RING_H
#define SL_RING_H

#include <errno.h>
#include <stdio.h>
#include <sys/types.h>

#include "sl_common.h"
#include "sl_ring_core.h"
#ifdef SL_DEBUG_CHECKS
#include "sl_log.h"
#endif

#ifdef __cplusplus
extern "C" {
#endif

/* ---- control path (sl_ring.c) ------------------------------------------ */

/* Bytes needed for a ring of count slots; count must be a power of two
 * (for SL_RING_F_EXACT_SZ use sl_ring_get_memsize_flags). -EINVAL if not. */
ssize_t sl_ring_get_memsize(unsigned count);
/* Bytes needed by sl_ring_init(r, name, count, flags) with these flags. */
ssize_t sl_ring_get_memsize_flags(unsigned count, unsigned flags);

/* Initialises a ring in caller memory of at least
 * sl_ring_get_memsize_flags(count, flags) bytes, aligned to 64 bytes
 * (SL_CACHE_LINE_SIZE: aligned_alloc, posix_memalign). 0, or -EINVAL
 * (alignment, count, flags), -ENAMETOOLONG. */
int sl_ring_init(struct sl_ring *r, const char *name, unsigned count, unsigned flags);

/* Allocates (plain memory, no hugepages: on `socket` through libnuma, or
 * anywhere for SL_SOCKET_ID_ANY), initialises and registers a named ring.
 * NULL with errno set (EINVAL, ENAMETOOLONG, EEXIST, ENOMEM) after a log
 * line. Thread-safe. */
struct sl_ring *sl_ring_create(const char *name, unsigned count, int socket, unsigned flags);
/* Frees a ring from sl_ring_create (NULL is ignored). A ring from
 * sl_ring_init lives in caller memory: it is left alone, with a log line. */
void sl_ring_free(struct sl_ring *r);
/* Ring created with that name, or NULL with errno = ENOENT. */
struct sl_ring *sl_ring_lookup(const char *name);
/* Calls fn for every ring sl_ring_create made, with the list locked: fn
 * must not create or free rings. */
void sl_ring_walk(void (*fn)(struct sl_ring *r, void *arg), void *arg);
void sl_ring_dump(FILE *f, const struct sl_ring *r);

/* Empties the ring (indices back to 0). No thread may use the ring during
 * the call. */
void sl_ring_reset(struct sl_ring *r);

/* ---- queries ------------------------------------------------------------ */

/* A snapshot; exact when no thread is moving objects. */
static inline unsigned sl_ring_count(const struct sl_ring *r)
{
	/* Relaxed: no slot is read on the strength of these values (a
	 * dequeue acquires the tail itself), they only feed a number. */
	uint32_t prod_tail = __atomic_load_n(&r->prod.tail, __ATOMIC_RELAXED);
	uint32_t cons_tail = __atomic_load_n(&r->cons.tail, __ATOMIC_RELAXED);
	uint32_t count = (prod_tail - cons_tail) & r->mask;

	/* The two loads are not one snapshot: clamp what cannot be. */
	return count > r->capacity ? r->capacity : count;
}

static inline unsigned sl_ring_free_count(const struct sl_ring *r)
{
	return r->capacity - sl_ring_count(r);
}

static inline unsigned sl_ring_get_capacity(const struct sl_ring *r) { return r->capacity; }
static inline unsigned sl_ring_get_size(const struct sl_ring *r) { return r->size; }
static inline const char *sl_ring_get_name(const struct sl_ring *r) { return r->name; }
static inline int sl_ring_full(const struct sl_ring *r) { return sl_ring_free_count(r) == 0; }
static inline int sl_ring_empty(const struct sl_ring *r) { return sl_ring_count(r) == 0; }

/* ---- fast path ----------------------------------------------------------- */

#ifdef SL_DEBUG_CHECKS
#define SL_RING_CHECK_ARGS(r, objs, n)                                        \
	do {                                                                  \
		if ((r) == NULL || ((objs) == NULL && (n) != 0)) {            \
			SL_LOG(ERR, RING, "%s: NULL %s: pass a ring from "    \
			       "sl_ring_create/sl_ring_init and an object "   \
			       "array", __func__, (r) == NULL ? "ring" : "objs"); \
			return 0;                                             \
		}                                                             \
	} while (0)
#else
#define SL_RING_CHECK_ARGS(r, objs, n) do { } while (0)
#endif

#define SL_RING_ENQ_FN(fname, behavior, single_expr)                           \
	static inline unsigned fname(struct sl_ring *r, void *const *objs,        \
				     unsigned n, unsigned *free_space)        \
	{                                                                     \
		SL_RING_CHECK_ARGS(r, objs, n);                               \
		return sl_ring_do_enqueue(r, objs, n, behavior, single_expr,  \
					  free_space);                        \
	}
#define SL_RING_DEQ_FN(fname, behavior, single_expr)                           \
	static inline unsigned fname(struct sl_ring *r, void **objs,              \
				     unsigned n, unsigned *available)         \
	{                                                                     \
		SL_RING_CHECK_ARGS(r, objs, n);                               \
		return sl_ring_do_dequeue(r, objs, n, behavior, single_expr,  \
					  available);                         \
	}

/* Mode from the ring's flags. */
SL_RING_ENQ_FN(sl_ring_enqueue_bulk, SL_RING_QUEUE_FIXED, (int)r->prod.single)
SL_RING_ENQ_FN(sl_ring_enqueue_burst, SL_RING_QUEUE_VARIABLE, (int)r->prod.single)
SL_RING_DEQ_FN(sl_ring_dequeue_bulk, SL_RING_QUEUE_FIXED, (int)r->cons.single)
SL_RING_DEQ_FN(sl_ring_dequeue_burst, SL_RING_QUEUE_VARIABLE, (int)r->cons.single)
/* Forced single-thread side. */
SL_RING_ENQ_FN(sl_ring_sp_enqueue_bulk, SL_RING_QUEUE_FIXED, 1)
SL_RING_ENQ_FN(sl_ring_sp_enqueue_burst, SL_RING_QUEUE_VARIABLE, 1)
SL_RING_DEQ_FN(sl_ring_sc_dequeue_bulk, SL_RING_QUEUE_FIXED, 1)
SL_RING_DEQ_FN(sl_ring_sc_dequeue_burst, SL_RING_QUEUE_VARIABLE, 1)
/* Forced multi-thread side. */
SL_RING_ENQ_FN(sl_ring_mp_enqueue_bulk, SL_RING_QUEUE_FIXED, 0)
SL_RING_ENQ_FN(sl_ring_mp_enqueue_burst, SL_RING_QUEUE_VARIABLE, 0)
SL_RING_DEQ_FN(sl_ring_mc_dequeue_bulk, SL_RING_QUEUE_FIXED, 0)
SL_RING_DEQ_FN(sl_ring_mc_dequeue_burst, SL_RING_QUEUE_VARIABLE, 0)

#undef SL_RING_ENQ_FN
#undef SL_RING_DEQ_FN

/* Single objects: 0, or -ENOBUFS (ring full) / -ENOENT (ring empty). */
static inline int sl_ring_enqueue(struct sl_ring *r, void *obj)
{
	return sl_ring_enqueue_bulk(r, &obj, 1, NULL) ? 0 : -ENOBUFS;
}
static inline int sl_ring_sp_enqueue(struct sl_ring *r, void *obj)
{
	return sl_ring_sp_enqueue_bulk(r, &obj, 1, NULL) ? 0 : -ENOBUFS;
}
static inline int sl_ring_mp_enqueue(struct sl_ring *r, void *obj)
{
	return sl_ring_mp_enqueue_bulk(r, &obj, 1, NULL) ? 0 : -ENOBUFS;
}
static inline int sl_ring_dequeue(struct sl_ring *r, void **obj)
{
	return sl_ring_dequeue_bulk(r, obj, 1, NULL) ? 0 : -ENOENT;
}
static inline int sl_ring_sc_dequeue(struct sl_ring *r, void **obj)
{
	return sl_ring_sc_dequeue_bulk(r, obj, 1, NULL) ? 0 : -ENOENT;
}
static inline int sl_ring_mc_dequeue(struct sl_ring *r, void **obj)
{
	return sl_ring_mc_dequeue_bulk(r, obj, 1, NULL) ? 0 : -ENOENT;
}

#ifdef __cplusplus
}
#endif
#endif /* SL_RING_H */
