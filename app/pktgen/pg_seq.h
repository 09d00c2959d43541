/* SPDX-License-Identifier: BSD-3-Clause
 * sl-pktgen sequence accounting of one flow (one sender's numbering) on
 * the RX side: unique frames, duplicates, reordering and the gaps that
 * are still open.
 *
 * The tracker keeps the highest sequence number seen (next = highest + 1)
 * and a bitmap of which of the last PG_SEQ_WINDOW numbers arrived:
 *   seq >= next               new; numbers skipped over are gaps for now
 *   next - W <= seq < next    bit set: duplicate; else late (reordered),
 *                             and the gap it left is closed
 *   seq < next - W            too old to tell a duplicate from a late
 *                             frame: counted as late (and in too_old)
 *   seq < base, base given    stale: sent before this count started (a
 *                             frame of an earlier --search trial)
 * Loss is what never came: frames sent minus unique frames received when
 * the sender is known (same process), or the open gaps (next - base -
 * received) when it is not.
 *
 * Counters are written only by the RX lcore that owns the tracker, with
 * relaxed atomic stores, so that the status printer on another lcore reads
 * whole values.
 */
#ifndef PG_SEQ_H
#define PG_SEQ_H

#include <stdbool.h>
#include <stdint.h>

#include "sl_common.h"

#define PG_SEQ_WINDOW 16384	/* bits; a power of two */
#define PG_SEQ_WORDS (PG_SEQ_WINDOW / 64)

enum pg_seq_verdict {
	PG_SEQ_NEW = 0,		/* in order or ahead (a gap opened) */
	PG_SEQ_LATE,		/* behind the highest, first time seen */
	PG_SEQ_DUP,
	PG_SEQ_STALE,		/* below the base the tracker was given */
};

struct pg_seq {
	uint64_t next;		/* highest seen + 1 */
	uint64_t base;		/* first number expected */
	uint64_t received;	/* unique frames */
	uint64_t dups;
	uint64_t late;		/* reordered: arrived after a higher number */
	uint64_t too_old;	/* of late: beyond the window */
	uint64_t stale;		/* below a given base, not counted otherwise */
	bool anchored;		/* base known (or set by the first frame) */
	bool base_given;	/* by pg_seq_init: numbers below it are stale */
	uint64_t bits[PG_SEQ_WORDS];
};

/* anchored: the sender starts at base (a stream of this process starts
 * at 0, or where the previous trial ended); otherwise the first frame
 * received sets base. */
void pg_seq_init(struct pg_seq *s, bool anchored, uint64_t base);

static inline void pg_seq_store_(uint64_t *c, uint64_t v)
{
	__atomic_store_n(c, v, __ATOMIC_RELAXED);
}

static inline uint64_t pg_seq_load_(const uint64_t *c)
{
	return __atomic_load_n(c, __ATOMIC_RELAXED);
}

/* The 64-bit number closest to next whose low 32 bits are seq32. */
static inline uint64_t pg_seq_extend(const struct pg_seq *s, uint32_t seq32)
{
	int32_t delta = (int32_t)(seq32 - (uint32_t)s->next);
	int64_t v = (int64_t)s->next + delta;

	return v < 0 ? seq32 : (uint64_t)v;
}

static inline void pg_seq_bit_set_(struct pg_seq *s, uint64_t seq)
{
	s->bits[(seq / 64) & (PG_SEQ_WORDS - 1)] |= UINT64_C(1) << (seq & 63);
}

static inline bool pg_seq_bit_test_(const struct pg_seq *s, uint64_t seq)
{
	return (s->bits[(seq / 64) & (PG_SEQ_WORDS - 1)] >> (seq & 63)) & 1;
}

/* Clears the window positions of [from, to) (numbers jumped over). */
void pg_seq_clear_range_(struct pg_seq *s, uint64_t from, uint64_t to);

static __sl_always_inline enum pg_seq_verdict pg_seq_update(struct pg_seq *s, uint64_t seq)
{
	uint64_t age;

	if (sl_unlikely(!s->anchored)) {
		s->anchored = true;
		pg_seq_store_(&s->base, seq);
		pg_seq_store_(&s->next, seq);
	}
	if (sl_likely(seq >= s->next)) {
		if (sl_unlikely(seq != s->next))
			pg_seq_clear_range_(s, s->next, seq);
		pg_seq_bit_set_(s, seq);
		pg_seq_store_(&s->next, seq + 1);
		pg_seq_store_(&s->received, s->received + 1);
		return PG_SEQ_NEW;
	}
	if (sl_unlikely(seq < s->base) && s->base_given) {
		pg_seq_store_(&s->stale, s->stale + 1);
		return PG_SEQ_STALE;
	}
	age = s->next - seq;
	if (sl_unlikely(age > PG_SEQ_WINDOW)) {
		pg_seq_store_(&s->too_old, s->too_old + 1);
	} else if (pg_seq_bit_test_(s, seq)) {
		pg_seq_store_(&s->dups, s->dups + 1);
		return PG_SEQ_DUP;
	} else {
		pg_seq_bit_set_(s, seq);
	}
	if (sl_unlikely(seq < s->base))
		pg_seq_store_(&s->base, seq);
	pg_seq_store_(&s->late, s->late + 1);
	pg_seq_store_(&s->received, s->received + 1);
	return PG_SEQ_LATE;
}

/* Numbers between base and the highest seen that have not arrived (yet). */
static inline uint64_t pg_seq_gaps(const struct pg_seq *s)
{
	uint64_t expected = pg_seq_load_(&s->next) - pg_seq_load_(&s->base);
	uint64_t got = pg_seq_load_(&s->received);

	return expected > got ? expected - got : 0;
}

#endif /* PG_SEQ_H */
