/* SPDX-License-Identifier: BSD-3-Clause
 * sl-pktgen sequence accounting: setup and the gap path. */
#include <string.h>

#include "pg_seq.h"

void pg_seq_init(struct pg_seq *s, bool anchored, uint64_t base)
{
	memset(s, 0, sizeof(*s));
	s->anchored = anchored;
	s->base_given = anchored;
	s->base = base;
	s->next = base;
}

void pg_seq_clear_range_(struct pg_seq *s, uint64_t from, uint64_t to)
{
	if (to - from >= PG_SEQ_WINDOW) {
		memset(s->bits, 0, sizeof(s->bits));
		return;
	}
	/* Bit by bit up to a word boundary, then whole words: a gap costs
	 * at most PG_SEQ_WORDS stores however long it is. */
	for (; from < to && (from & 63); from++)
		s->bits[(from / 64) & (PG_SEQ_WORDS - 1)] &= ~(UINT64_C(1) << (from & 63));
	for (; from + 64 <= to; from += 64)
		s->bits[(from / 64) & (PG_SEQ_WORDS - 1)] = 0;
	for (; from < to; from++)
		s->bits[(from / 64) & (PG_SEQ_WORDS - 1)] &= ~(UINT64_C(1) << (from & 63));
}
