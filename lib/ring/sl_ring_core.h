/* SPDX-License-Identifier: BSD-3-Clause
 * Sluice ring: the data structure and the lock-free algorithm. The public
 * API (sl_ring.h) is a set of thin wrappers around sl_ring_do_enqueue() and
 * sl_ring_do_dequeue() below; nothing here is meant to be called directly.
 *
 * Indices. prod.head/tail and cons.head/tail are free-running uint32_t: they
 * are never reduced modulo the ring size; the slot of index i is a fixed
 * function of i modulo the slot count (sl_ring_slot_pos, below). As that count
 * is a power of two it divides 2^32, so the mapping stays right across the
 * 32-bit wrap, and differences such as prod.tail - cons.tail are exact in
 * modular arithmetic as long as they are below 2^32 - capacity.
 *
 * Slot order. Index order is not memory order: each group of 8 indices (one
 * 64-byte line of pointers) keeps its line, but consecutive lines are spread
 * ~5 KB apart (an odd multiplier permutes the lines of every 32 KB window).
 * Why: a consumer close behind its producer reads lines in index order, and
 * its hardware stream prefetcher then pulls the next lines - the very lines
 * the producer is filling - out of the producer's cache; every stolen line
 * is one more cross-core transfer and a stalled producer store. No
 * prefetcher follows a 5 KB stride across pages, and a window of 32 KB (8
 * pages) keeps a burst's TLB footprint small in large rings.
 *
 * Each side owns two line pairs (struct sl_ring_headtail): one only it
 * touches (head, cached tail, mode) and one with its tail, which the other
 * side reads. A producer writes only its own lines and the slots, a consumer
 * only its own lines. The cached copy of the other side's tail
 * ("other_tail") means an enqueue reads the consumer's tail only when the
 * cached value says the ring is too full (and a dequeue reads the producer's
 * tail only when it looks too empty): in steady state the two sides do not
 * ping-pong a control line per call.
 *
 * Measured on this project's AMD EPYC vCPUs (test/perf/bench_ring, SP/SC,
 * bursts of 32, producer and consumer on the two vCPUs, Mobj/s, ranges over
 * alternated runs), with the host placing the vCPUs on one CCD / on two:
 *   slots in index order, head and tail on one line   1700-1850 / 220-290
 *   spread slots, head and tail on one line            2400-2900 / 195-240
 *   spread slots, own line apart from the tail         2600-3300 / 430-560
 *   DPDK 22.11 rte_ring, same loop                     1180-1470 / 150-330
 * Spreading alone pays only when the two cores share an L3; with the lines
 * split it pays in both placements.
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

/* One side's state, on two line pairs. The first is written only by this
 * side: head, the cached tail and the mode flag, read on every call. The
 * second holds the tail, which the other side polls. Why apart: a consumer
 * that finds the ring empty reads prod.tail again and again; each read pulls
 * that line over to its core. With head beside tail, the producer's next
 * call then misses on its own head (measured with perf: 28% of producer
 * cycles on that load, vCPUs on two CCDs); apart, only the one tail store
 * per call pays for the transfer. Two lines (128 bytes) each, as Intel's
 * adjacent-line prefetcher fetches 128-byte pairs. */
struct sl_ring_headtail {
	uint32_t head;		/* next index to reserve */
	uint32_t other_tail;	/* cached copy of the other side's tail */
	uint32_t single;	/* 1: this side is single-threaded by default */
	char pad_own[2 * SL_CACHE_LINE_SIZE - 3 * sizeof(uint32_t)];
	uint32_t tail;		/* every index below it is published */
	char pad_tail[2 * SL_CACHE_LINE_SIZE - sizeof(uint32_t)];
};

struct sl_ring {
	/* Read-only after init: shared by both sides without write traffic. */
	char name[SL_RING_NAMESIZE];
	uint32_t flags;
	uint32_t size;		/* slots, a power of two */
	uint32_t mask;		/* size - 1 */
	uint32_t capacity;	/* usable slots: size - 1, or count with EXACT_SZ */
	uint32_t slot_mask;	/* slots in the array - 1: max(size, 8) - 1 */
	/* Bookkeeping of sl_ring_create/sl_ring_free (cold). */
	uint32_t alloc_kind;
	int socket;
	size_t alloc_len;
	struct sl_ring *next;

	/* Two 128-byte pairs each (sl_ring_create aligns the ring to 128). */
	struct sl_ring_headtail prod __sl_cache_aligned;
	struct sl_ring_headtail cons;

	void *slots[] __sl_cache_aligned;
};

enum sl_ring_behavior {
	SL_RING_QUEUE_FIXED = 0,	/* bulk: all n or nothing */
	SL_RING_QUEUE_VARIABLE,		/* burst: as many as possible */
};

/* ---- slot positions -----------------------------------------------------
 * See "Slot order" above. The slot array has at least one full line
 * (SL_RING_LINE_SLOTS), so a line-aligned group of 8 indices is always 8
 * contiguous slots in one line, whatever the ring size. Within a window of
 * SL_RING_SPREAD_SLOTS slots, line m of the window goes to line
 * (m * SL_RING_LINE_SPREAD) mod (lines per window): a bijection because the
 * multiplier is odd. The multiplier is 2^32 / golden ratio (Fibonacci
 * hashing): whatever the window size, a line's physical neighbours hold
 * indices far from it (13+ lines for every window of 128+ lines), so a
 * prefetch of the next physical lines never lands where the other side
 * works. */
#define SL_RING_LINE_SLOTS 8u		/* pointers per 64-byte line */
#define SL_RING_SPREAD_SLOTS 4096u	/* 32 KB window */
#define SL_RING_LINE_SPREAD 0x9E3779B1u

static __sl_always_inline uint32_t
sl_ring_slot_pos(uint32_t slot_mask, uint32_t idx)
{
	const uint32_t line = idx & ~(SL_RING_LINE_SLOTS - 1);

	return ((idx & ~(SL_RING_SPREAD_SLOTS - 1)) |
		((line * SL_RING_LINE_SPREAD) & (SL_RING_SPREAD_SLOTS - 1)) |
		(idx & (SL_RING_LINE_SLOTS - 1))) & slot_mask;
}

/* ---- slot copies --------------------------------------------------------
 * A copy never crosses a line of slots (the next index's line is elsewhere):
 * a head piece up to the next line boundary (or a whole first line), whole
 * lines, a tail piece. A whole line is one fixed-size 64-byte memcpy (a few
 * vector moves, no call); pieces go in blocks of 4, 2 and 1.
 * Kept as a plain loop on purpose: an aligned-only fast path with the loop
 * unrolled was faster alone but halved the two-thread SP/SC rate in a
 * side-by-side harness (1500 vs 2900 Mobj/s, one CCD, bursts of 32 from
 * aligned heads): a faster consumer polls an empty ring more often, and
 * every poll costs the producer a line transfer. */
/* A piece within one line: n < 8. */
static __sl_always_inline void
sl_ring_copy_ptrs(void **__restrict dst, void *const *__restrict src, unsigned n)
{
	unsigned i = 0;

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

#define SL_RING_LINE_BYTES (SL_RING_LINE_SLOTS * sizeof(void *))

/* sl_ring_slots_put and _get mirror each other line for line. One body with
 * a constant direction flag was tried: same logic, different register
 * allocation, and the two-thread SP/SC rate with the vCPUs on two CCDs fell
 * from ~600 to ~480 Mobj/s (8 alternated pairs). Keep them twins. */

static __sl_always_inline void
sl_ring_slots_put(struct sl_ring *r, uint32_t head, void *const *objs, unsigned n)
{
	const uint32_t slot_mask = r->slot_mask;
	unsigned done = SL_MIN(SL_RING_LINE_SLOTS - (head & (SL_RING_LINE_SLOTS - 1)), n);

	if (done != SL_RING_LINE_SLOTS)
		sl_ring_copy_ptrs(&r->slots[sl_ring_slot_pos(slot_mask, head)], objs, done);
	else
		__builtin_memcpy(&r->slots[sl_ring_slot_pos(slot_mask, head)], objs,
				 SL_RING_LINE_BYTES);
	for (; done + SL_RING_LINE_SLOTS <= n; done += SL_RING_LINE_SLOTS)
		__builtin_memcpy(&r->slots[sl_ring_slot_pos(slot_mask, head + done)],
				 &objs[done], SL_RING_LINE_BYTES);
	if (done < n)
		sl_ring_copy_ptrs(&r->slots[sl_ring_slot_pos(slot_mask, head + done)],
				  &objs[done], n - done);
}

static __sl_always_inline void
sl_ring_slots_get(const struct sl_ring *r, uint32_t head, void **objs, unsigned n)
{
	const uint32_t slot_mask = r->slot_mask;
	unsigned done = SL_MIN(SL_RING_LINE_SLOTS - (head & (SL_RING_LINE_SLOTS - 1)), n);

	if (done != SL_RING_LINE_SLOTS)
		sl_ring_copy_ptrs(objs, &r->slots[sl_ring_slot_pos(slot_mask, head)], done);
	else
		__builtin_memcpy(objs, &r->slots[sl_ring_slot_pos(slot_mask, head)],
				 SL_RING_LINE_BYTES);
	for (; done + SL_RING_LINE_SLOTS <= n; done += SL_RING_LINE_SLOTS)
		__builtin_memcpy(&objs[done],
				 &r->slots[sl_ring_slot_pos(slot_mask, head + done)],
				 SL_RING_LINE_BYTES);
	if (done < n)
		sl_ring_copy_ptrs(&objs[done],
				  &r->slots[sl_ring_slot_pos(slot_mask, head + done)], n - done);
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
