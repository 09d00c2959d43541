/* SPDX-License-Identifier: BSD-3-Clause
 * sl-pktgen TX: builds bursts of frames and hands them to the port.
 *
 * Per poll a task sends at most one burst: the next stream (round robin)
 * that has frames due. Frames the port does not take stay pending and are
 * retried before anything new is built, so a slow port slows the sender
 * (the rate scheduler then forgives the debt it cannot catch up on) and
 * no sequence number is ever skipped.
 *
 * Generated frames: the mbufs come from the task's own pool, whose buffers
 * were zeroed once; each frame gets the 64-byte template copied over its
 * start and its varying fields written (pg_frame_finish). Replayed frames
 * are copied whole from the capture in memory.
 *
 * The test fault stage (--test-faults) is a second instantiation of the
 * same always-inline poll, chosen once per task: the production poll has
 * no trace of it.
 */
#include <string.h>

#include "sl_eal.h"
#include "pg_app.h"

struct pg_run pg_run;

static __sl_always_inline bool seq_in(const uint64_t *list, unsigned n, uint64_t seq)
{
	for (unsigned i = 0; i < n; i++)
		if (list[i] == seq)
			return true;
	return false;
}

/* Refills the stash up to a burst: false if it is empty and the pool too. */
static __sl_always_inline bool stash_fill(struct pg_tx_task *t)
{
	unsigned want = t->burst - t->nb_stash;

	if (want == 0)
		return true;
	if (sl_pktmbuf_alloc_bulk(t->pool, t->stash + t->nb_stash, want) == 0) {
		t->nb_stash += want;
		return true;
	}
	sl_counter_add(&t->nombuf, 1);
	return t->nb_stash > 0;
}

/* Sends what is pending: true when nothing is left. */
static __sl_always_inline bool flush_pending(struct pg_tx_task *t, uint64_t now)
{
	unsigned left = t->nb_pending - t->pending_pos;
	uint16_t k = sl_eth_tx_burst(t->port, t->queue, t->pending + t->pending_pos, (uint16_t)left);
	uint64_t bytes = 0;

	for (unsigned i = 0; i < k; i++)
		bytes += t->pending_len[t->pending_pos + i];
	if (k) {
		__atomic_store_n(&t->last_tx_tsc, now, __ATOMIC_RELAXED);
		sl_counter_add(&t->tx_frames, k);
		sl_counter_add(&t->tx_bytes, bytes);
		sl_counter_add(&t->pending_stream->tx_frames, k);
		sl_counter_add(&t->pending_stream->tx_bytes, bytes);
	}
	t->pending_pos += k;
	if (t->pending_pos == t->nb_pending) {
		t->nb_pending = 0;
		t->pending_pos = 0;
		return true;
	}
	sl_counter_add(&t->full, 1);
	return false;
}

static __sl_always_inline void pending_push(struct pg_tx_task *t, struct sl_mbuf *m, uint32_t len)
{
	t->pending[t->nb_pending] = m;
	t->pending_len[t->nb_pending] = len;
	t->nb_pending++;
}

/* Test faults on one freshly built frame: dropped (freed, its number used
 * up), sent twice (a copy follows), or held back until the next frame. */
static void fault_stage(struct pg_tx_task *t, struct sl_mbuf *m, uint32_t len, uint64_t seq)
{
	const struct pg_faults *f = t->faults;

	if (seq_in(f->drop, f->nb_drop, seq)) {
		sl_pktmbuf_free(m);
		return;
	}
	if (seq_in(f->reorder, f->nb_reorder, seq) && t->held == NULL) {
		t->held = m;
		t->held_len = len;
		return;
	}
	pending_push(t, m, len);
	if (seq_in(f->dup, f->nb_dup, seq)) {
		struct sl_mbuf *c = sl_pktmbuf_alloc(t->pool);

		if (c != NULL) {
			memcpy(sl_pktmbuf_mtod(c, uint8_t *), sl_pktmbuf_mtod(m, uint8_t *), len);
			c->data_len = (uint16_t)len;
			c->pkt_len = len;
			pending_push(t, c, len);
		}
	}
	if (t->held != NULL) {
		pending_push(t, t->held, t->held_len);
		t->held = NULL;
	}
}

/* How many frames s may build now: the burst, the mbufs at hand, what
 * is left of --count; the rate's tokens are topped up for the caller's
 * pg_rate_due checks. */
static __sl_always_inline unsigned burst_budget(const struct pg_tx_task *t, struct pg_tx_stream *s,
						uint64_t now)
{
	unsigned max = SL_MIN(t->burst, t->nb_stash);

	if (s->limit && s->limit - s->seq < max)
		max = (unsigned)(s->limit - s->seq);
	if (!s->rate.unlimited)
		pg_rate_poll(&s->rate, now);
	return max;
}

static __sl_always_inline unsigned build_generated(struct pg_tx_task *t, struct pg_tx_stream *s,
						   uint64_t now, const bool faulty)
{
	unsigned max = burst_budget(t, s, now);
	const bool limited = !s->rate.unlimited;
	unsigned n = 0;

	while (n < max) {
		struct pg_flow_tuple ft;
		struct sl_mbuf *m;
		uint8_t *p;
		uint32_t size;

		if (limited && !pg_rate_due(&s->rate, now))
			break;
		m = t->stash[--t->nb_stash];
		size = pg_size_next(&s->sizer);
		pg_flow_next(&s->flow, &ft);
		p = sl_pktmbuf_mtod(m, uint8_t *);
		memcpy(p, s->tmpl.bytes, PG_TEMPLATE_SPAN);
		pg_frame_finish(&s->tmpl, p, size, &ft, (uint32_t)s->seq, now);
		m->data_len = (uint16_t)size;
		m->pkt_len = size;
		if (faulty)
			fault_stage(t, m, size, s->seq);
		else
			pending_push(t, m, size);
		/* the main lcore reads seq for the drain and the reports */
		sl_counter_add(&s->seq, 1);
		n++;
		if (limited)
			pg_rate_charge(&s->rate, size);
	}
	if (s->limit && s->seq == s->limit) {
		s->done = true;
		if (faulty && t->held != NULL) {
			pending_push(t, t->held, t->held_len);
			t->held = NULL;
		}
	}
	return n;
}

static unsigned build_replay(struct pg_tx_task *t, struct pg_tx_stream *s, uint64_t now)
{
	const struct pg_capture *cap = s->cap;
	unsigned max = burst_budget(t, s, now);
	const bool limited = !s->rate.unlimited;
	unsigned n = 0;

	while (n < max && !s->done) {
		uint32_t i = s->cap_idx, len = cap->len[i];
		struct sl_mbuf *m;

		if (s->timed ? (int64_t)(now - (s->loop_base + s->due[i])) < 0
			     : limited && !pg_rate_due(&s->rate, now))
			break;
		m = t->stash[--t->nb_stash];
		memcpy(sl_pktmbuf_mtod(m, uint8_t *), cap->data[i], len);
		m->data_len = (uint16_t)len;
		m->pkt_len = len;
		pending_push(t, m, len);
		sl_counter_add(&s->seq, 1);
		n++;
		if (limited)
			pg_rate_charge(&s->rate, len);
		if (++i == cap->nb) {
			i = 0;
			s->loop_base += s->loop_period;
			if (!s->loop_forever && --s->loops_left == 0)
				s->done = true;
		}
		s->cap_idx = i;
		if (s->limit && s->seq == s->limit)
			s->done = true;
	}
	return n;
}

static void give_up_pending(struct pg_tx_task *t)
{
	unsigned left = t->nb_pending - t->pending_pos;

	if (left) {
		sl_pktmbuf_free_bulk(t->pending + t->pending_pos, left);
		sl_counter_add(&t->pending_stream->unsent, left);
	}
	t->nb_pending = 0;
	t->pending_pos = 0;
}

static void stop_poll(struct pg_tx_task *t)
{
	uint64_t now = sl_tsc();

	if (t->stop_deadline == 0)
		t->stop_deadline = now + pg_run.hz / 1000 * PG_TX_FLUSH_MS;
	if (t->held != NULL && t->nb_pending < SL_DIM(t->pending)) {
		if (t->nb_pending == 0)
			t->pending_stream = &t->streams[0];
		pending_push(t, t->held, t->held_len);
		t->held = NULL;
	}
	if (t->nb_pending && !flush_pending(t, now) && (int64_t)(now - t->stop_deadline) < 0)
		return;
	give_up_pending(t);
	__atomic_store_n(&t->finished, 1, __ATOMIC_RELEASE);
}

static __sl_always_inline void tx_poll(struct pg_tx_task *t, const bool faulty)
{
	unsigned idx = t->next_stream, all_done = 1;
	uint64_t now = sl_tsc();

	/* --duration is checked here, not by the main lcore, so that the
	 * sending phase ends on time whatever the main lcore is doing. */
	if (sl_unlikely(__atomic_load_n(&pg_run.tx_stop, __ATOMIC_RELAXED) ||
			(pg_run.tx_deadline && (int64_t)(now - pg_run.tx_deadline) >= 0))) {
		if (!t->finished)
			stop_poll(t);
		return;
	}
	if (t->nb_pending && !flush_pending(t, now))
		return;
	if (sl_unlikely(!stash_fill(t)))
		return;
	for (unsigned k = 0; k < t->nb_streams; k++) {
		struct pg_tx_stream *s = &t->streams[idx];
		unsigned n;

		idx = idx + 1 == t->nb_streams ? 0 : idx + 1;
		if (s->done)
			continue;
		all_done = 0;
		t->pending_stream = s;
		n = s->cap ? build_replay(t, s, now) : build_generated(t, s, now, faulty);
		if (t->nb_pending) {
			t->next_stream = idx;
			flush_pending(t, now);
			return;
		}
		(void)n;
	}
	if (all_done && t->nb_pending == 0 && t->held == NULL && !t->finished)
		__atomic_store_n(&t->finished, 1, __ATOMIC_RELEASE);
}

static void tx_poll_faulty(struct pg_tx_task *t)
{
	tx_poll(t, true);
}

void pg_tx_poll(struct pg_tx_task *t)
{
	if (sl_unlikely(t->faults != NULL)) {
		tx_poll_faulty(t);
		return;
	}
	tx_poll(t, false);
}

void pg_tx_task_release(struct pg_tx_task *t)
{
	if (t->nb_stash)
		sl_pktmbuf_free_bulk(t->stash, t->nb_stash);
	t->nb_stash = 0;
	give_up_pending(t);
	if (t->held) {
		sl_pktmbuf_free(t->held);
		t->held = NULL;
	}
}
