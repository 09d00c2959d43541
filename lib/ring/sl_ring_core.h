/* SPDX-License-Identifier: BSD-3-Clause
 * Sluice ring: the data structure and the lock-free algorithm. The public
 * API (sl_ring.h) is a set of thin wrappers around sl_ring_do_enqueue() and
 * sl_ring_do_dequeue() below; nothing here is meant to be called directly.
 *
 * Indices. prod.head/tail and cons.head/tail are free-running uint32_t: they
 * are never reduced modulo the ring size, the slot of index i is i & mask.
 * Because size is a power of two it divides 2^32, so the mapping stays right
 * across the 32-bit wrap, and differences such as prod.tail - cons.tail are
 * exact in modular arithmetic as long as they are below 2^32 - capacity.
 *
 * Each side owns one cache line: a producer writes only the prod line and
 * the slots, a consumer writes only the cons line. The line also carries a
 * cached copy of the other side's tail ("other_tail"), so an enqueue reads
 * the consumer's line only when the cached value says the ring is too full
 * (and a dequeue reads the producer's line only when it looks too empty):
 * in steady state the two sides do not ping-pong a control line per call.
 *
 * The cached value is always some value the other tail once had. Tails only
 * move forward, so an old value under-estimates free space (or entries):
 * safe, just conservative; when it says "not enough" we reload the real tail.
 * With several producers, a slow one may store an older value over a newer
 * one; that makes "free" wrap to a value above capacity, which we detect and
 * treat like "not enough" (reload).
 */
#ifndef SL_RING_CORE_H
#define SL_RING_CORE_H

#include <stdint.h>

#include "sl_common.h"

#ifdef __cplusplus
extern "C" {
#endif

#define SL_RING_NAMESIZE 32	/* name incl. the terminating NUL */

#define SL_RING_F_SP_ENQ   0x0001u	/* default enqueue is single-producer */
#define SL_RING_F_SC_DEQ   0x0002u	/* default dequeue is single-consumer */
#define SL_RING_F_EXACT_SZ 0x0004u	/* capacity = count (not a power of 2 - 1) */
#define SL_RING_F_MASK (SL_RING_F_SP_ENQ | SL_RING_F_SC_DEQ | SL_RING_F_EXACT_SZ)

/* Largest internal size (slots). Keeps capacity below 2^31 so that a stale
 * cached tail is always told apart from a valid one (see above). */
#define SL_RING_SIZE_MAX (1u << 30)

struct sl_ring_headtail {
	uint32_t head;		/* next index to reserve */
	uint32_t tail;		/* every index below it is published */
	uint32_t other_tail;	/* cached copy of the other side's tail */
	uint32_t single;	/* 1: this side is single-threaded by default */
};

struct sl_ring {
	/* Read-only after init: shared by both sides without write traffic. */
	char name[SL_RING_NAMESIZE];
	uint32_t flags;
	uint32_t size;		/* slots, a power of two */
	uint32_t mask;		/* size - 1 */
	uint32_t capacity;	/* usable slots: size - 1, or count with EXACT_SZ */
	/* Bookkeeping of sl_ring_create/sl_ring_free (cold). */
	uint32_t alloc_kind;
	int socket;
	size_t alloc_len;
	struct sl_ring *next;

	/* An empty line before and after each side's line: Intel's adjacent
	 * line prefetcher fetches 128-byte pairs, so two sides on neighbouring
	 * 64-byte lines would still steal each other's line. */
	char pad0 __sl_cache_aligned;
	struct sl_ring_headtail prod __sl_cache_aligned;
	char pad1 __sl_cache_aligned;
	struct sl_ring_headtail cons __sl_cache_aligned;
	char pad2 __sl_cache_aligned;

	void *slots[] __sl_cache_aligned;
};

enum sl_ring_behavior {
	SL_RING_QUEUE_FIXED = 0,	/* bulk: all n or nothing */
	SL_RING_QUEUE_VARIABLE,		/* burst: as many as possible */
};

/* ---- slot copies --------------------------------------------------------
 * Blocks of 8, then one block of 4, 2 and 1: each block is a fixed-size
 * memcpy, which the compiler emits as a few vector moves (no call), with no
 * loop-carried counter for the remainder. The caller splits at the end of
 * the slot array once, so these never wrap. */
static __sl_always_inline void
sl_ring_copy_ptrs(void **__restrict dst, void *const *__restrict src, unsigned n)
{
	unsigned i = 0;

	for (; i + 8 <= n; i += 8)
		__builtin_memcpy(&dst[i], &src[i], 8 * sizeof(void *));
	if (n & 4) {
		__builtin_memcpy(&dst[i], &src[i], 4 * sizeof(void *));
		i += 4;
	}
	if (n & 2) {
		__builtin_memcpy(&dst[i], &src[i], 2 * sizeof(void *));
		i += 2;
	}
	if (n & 1)
		dst[i] = src[i];
}

/* Once per lap the copy crosses the end of the slot array: copy element by
 * element there. (Block copies with counts the compiler cannot bound would
 * also trip GCC's -Warray-bounds on callers' small arrays.) */
static inline void
sl_ring_slots_put_wrap(struct sl_ring *r, uint32_t idx, void *const *objs, unsigned n)
{
	unsigned i;

	for (i = 0; i < n; i++)
		r->slots[(idx + i) & r->mask] = objs[i];
}

static inline void
sl_ring_slots_get_wrap(const struct sl_ring *r, uint32_t idx, void **objs, unsigned n)
{
	unsigned i;

	for (i = 0; i < n; i++)
		objs[i] = r->slots[(idx + i) & r->mask];
}

static __sl_always_inline void
sl_ring_slots_put(struct sl_ring *r, uint32_t head, void *const *objs, unsigned n)
{
	const uint32_t idx = head & r->mask;

	/* idx < size and n <= capacity < size: the sum cannot overflow. */
	if (sl_likely(idx + n <= r->size))
		sl_ring_copy_ptrs(&r->slots[idx], objs, n);
	else
		sl_ring_slots_put_wrap(r, idx, objs, n);
}

static __sl_always_inline void
sl_ring_slots_get(const struct sl_ring *r, uint32_t head, void **objs, unsigned n)
{
	const uint32_t idx = head & r->mask;

	if (sl_likely(idx + n <= r->size))
		sl_ring_copy_ptrs(objs, &r->slots[idx], n);
	else
		sl_ring_slots_get_wrap(r, idx, objs, n);
}

/* ---- head reservation ---------------------------------------------------
 * Reserves up to n indices on side `self`, whose progress is limited by the
 * tail of side `other`:
 *   enqueue: limit = other_tail + capacity (cons.tail + capacity)
 *   dequeue: limit = other_tail            (prod.tail)
 * room(limit, head) = limit - head, valid when <= capacity.
 * Returns the number reserved (0 or n for FIXED), *old_head and the room seen
 * before the reservation in *room_out.
 *
 * Memory ordering:
 *  - own head: relaxed. In single mode nobody else writes it. In multi mode
 *    the CAS decides; a stale head only makes the CAS fail.
 *  - other side's tail: acquire. It pairs with that side's release store of
 *    its tail, so the slots it freed (consumer reads done) or filled
 *    (producer writes done) happen-before our write or read of them.
 *  - cached other tail: stored with release after our acquire of the real
 *    tail and loaded with acquire, so a producer that uses a value another
 *    producer cached is still ordered after the consumer's reads (the
 *    happens-before chain consumer -> caching producer -> us). Plain MOVs
 *    on x86.
 *  - CAS on head: relaxed on success and failure. The head only hands out
 *    index ranges; the slots' contents are ordered by the tails.
 * `exact` (the caller wants the free/available count) skips the cache so the
 * returned count is the one at the time of the call, as callers expect. */
static __sl_always_inline unsigned
sl_ring_reserve(struct sl_ring_headtail *self, const struct sl_ring_headtail *other,
		uint32_t capacity, uint32_t limit_add, unsigned n,
		enum sl_ring_behavior behavior, int single, int exact,
		uint32_t *old_head, uint32_t *room_out)
{
	uint32_t head, other_tail, room = 0;
	unsigned k;

	head = __atomic_load_n(&self->head, __ATOMIC_RELAXED);
	for (;;) {
		if (!exact) {
			other_tail = __atomic_load_n(&self->other_tail, __ATOMIC_ACQUIRE);
			room = limit_add + other_tail - head;
		}
		if (sl_unlikely(exact || room < n || room > capacity)) {
			other_tail = __atomic_load_n(&other->tail, __ATOMIC_ACQUIRE);
			__atomic_store_n(&self->other_tail, other_tail, __ATOMIC_RELEASE);
			room = limit_add + other_tail - head;
			if (sl_unlikely(room > capacity)) {
				/* Only possible with several threads on this
				 * side: our head is older than the other tail
				 * we just read. Look again. */
				head = __atomic_load_n(&self->head, __ATOMIC_RELAXED);
				continue;
			}
		}
		k = n;
		if (sl_unlikely(room < n)) {
			/* written as a min so the compiler knows k <= n */
			k = behavior == SL_RING_QUEUE_FIXED ? 0 : SL_MIN(room, n);
			if (k == 0) {
				*room_out = room;
				return 0;
			}
		}
		if (single) {
			__atomic_store_n(&self->head, head + k, __ATOMIC_RELAXED);
			break;
		}
		if (__atomic_compare_exchange_n(&self->head, &head, head + k, 1,
						__ATOMIC_RELAXED, __ATOMIC_RELAXED))
			break;
		/* head now holds the current value: recompute the room. */
	}
	*old_head = head;
	*room_out = room;
	return k;
}

/* Publishes [old_tail, new_tail). With several threads on one side, tails
 * are published in reservation order: wait until every earlier reservation
 * is published. The wait's acquire pairs with the earlier thread's release,
 * so our release store also publishes its slots (C11 release sequences do
 * not extend through a plain store by another thread). */
static __sl_always_inline void
sl_ring_publish(struct sl_ring_headtail *self, uint32_t old_tail, uint32_t new_tail, int single)
{
	if (!single) {
		while (__atomic_load_n(&self->tail, __ATOMIC_ACQUIRE) != old_tail)
			sl_pause();
	}
	/* Release: our slot writes (enqueue) or slot reads (dequeue) happen
	 * before the other side can see the new tail. */
	__atomic_store_n(&self->tail, new_tail, __ATOMIC_RELEASE);
}

static __sl_always_inline unsigned
sl_ring_do_enqueue(struct sl_ring *r, void *const *objs, unsigned n,
		   enum sl_ring_behavior behavior, int single, unsigned *free_space)
{
	uint32_t head, room;
	unsigned k;

	k = sl_ring_reserve(&r->prod, &r->cons, r->capacity, r->capacity, n,
			    behavior, single, free_space != NULL, &head, &room);
	if (k != 0) {
		sl_ring_slots_put(r, head, objs, k);
		sl_ring_publish(&r->prod, head, head + k, single);
	}
	if (free_space != NULL)
		*free_space = room - k;
	return k;
}

static __sl_always_inline unsigned
sl_ring_do_dequeue(struct sl_ring *r, void **objs, unsigned n,
		   enum sl_ring_behavior behavior, int single, unsigned *available)
{
	uint32_t head, room;
	unsigned k;

	k = sl_ring_reserve(&r->cons, &r->prod, r->capacity, 0, n,
			    behavior, single, available != NULL, &head, &room);
	if (k != 0) {
		sl_ring_slots_get(r, head, objs, k);
		sl_ring_publish(&r->cons, head, head + k, single);
	}
	if (available != NULL)
		*available = room - k;
	return k;
}

#ifdef __cplusplus
}
#endif
#endif /* SL_RING_CORE_H */
