/* SPDX-License-Identifier: BSD-3-Clause
 * sl-pktgen RX: counts frames, finds signatures, and feeds the sequence
 * and latency accounting of each flow.
 *
 * A flow is one (TX port, stream, TX queue) triple, read from the
 * signature. Flows live in a fixed array set up before the run (nothing is
 * allocated on the fast path); an open-addressing table maps a flow key to
 * its slot, and the last flow found is remembered, since frames of one
 * flow tend to arrive together. One TSC read per burst timestamps the
 * whole burst.
 */
#include <stdlib.h>
#include <string.h>

#include "sl_eal.h"
#include "pg_app.h"

int pg_rx_task_init(struct pg_rx_task *t)
{
	t->flows = calloc(PG_MAX_RX_FLOWS, sizeof(*t->flows));
	if (t->flows == NULL)
		return -ENOMEM;
	/* Everything a new flow needs is ready here, so taking one on the
	 * fast path is a few stores (and the pages are touched now). */
	for (unsigned i = 0; i < PG_MAX_RX_FLOWS; i++) {
		pg_seq_init(&t->flows[i].seq, false, 0);
		pg_lat_init(&t->flows[i].lat);
	}
	memset(t->slot_key, 0, sizeof(t->slot_key));
	t->nb_flows = 0;
	t->last_key = UINT32_MAX;
	t->last_flow = NULL;
	return 0;
}

void pg_rx_task_free(struct pg_rx_task *t)
{
	free(t->flows);
	t->flows = NULL;
}

static struct pg_rx_flow *flow_new(struct pg_rx_task *t, uint32_t key, unsigned slot)
{
	struct pg_rx_flow *f;
	unsigned port = key >> 16, stream = (key >> 8) & 0xff, queue = key & 0xff;

	if (t->nb_flows == PG_MAX_RX_FLOWS)
		return NULL;
	f = &t->flows[t->nb_flows];
	f->key = key;
	f->local = t->local_txq != NULL && port < PG_MAX_PORTS &&
		   queue < t->local_txq[port * 256 + stream];
	/* Our own streams number from 0: frames lost before the first one
	 * that arrives still count. */
	if (f->local)
		pg_seq_init(&f->seq, true, t->seq_base ? t->seq_base[stream * PG_MAX_TXQ + queue] : 0);
	t->slot_key[slot] = key + 1;
	t->slot_flow[slot] = (uint16_t)t->nb_flows;
	/* Release: a reader that sees the count sees the flow's fields. */
	__atomic_store_n(&t->nb_flows, t->nb_flows + 1, __ATOMIC_RELEASE);
	return f;
}

static __sl_always_inline struct pg_rx_flow *flow_find(struct pg_rx_task *t, uint32_t key)
{
	unsigned slot;

	if (sl_likely(key == t->last_key))
		return t->last_flow;
	/* Fibonacci hashing: the top bits of key * 2^32/phi. */
	slot = (uint32_t)(key * UINT32_C(0x9E3779B1)) >> (32 - 10);
	SL_STATIC_ASSERT(PG_RX_HASH_SLOTS == 1 << 10, "hash shift matches the table");
	for (;;) {
		uint32_t k = t->slot_key[slot];

		if (k == key + 1) {
			t->last_flow = &t->flows[t->slot_flow[slot]];
			break;
		}
		if (k == 0) {
			t->last_flow = flow_new(t, key, slot);
			if (t->last_flow == NULL) {
				t->last_key = UINT32_MAX;
				return NULL;
			}
			break;
		}
		slot = (slot + 1) & (PG_RX_HASH_SLOTS - 1);
	}
	t->last_key = key;
	return t->last_flow;
}

void pg_rx_poll(struct pg_rx_task *t)
{
	struct sl_mbuf *pkts[PG_MAX_BURST];
	uint64_t bytes = 0, sigs = 0, untracked = 0, now40;
	uint16_t n = sl_eth_rx_burst(t->port, t->queue, pkts, (uint16_t)t->burst);

	if (n == 0)
		return;
	now40 = sl_tsc();
	for (uint16_t i = 0; i < n; i++) {
		struct sl_mbuf *m = pkts[i];
		const uint8_t *p = sl_pktmbuf_mtod(m, const uint8_t *);
		struct pg_rx_flow *f;
		struct pg_sig sig;
		uint32_t len = m->pkt_len;

		if (i + 1 < n)
			sl_prefetch0(sl_pktmbuf_mtod(pkts[i + 1], void *));
		bytes += len;
		if (sl_unlikely(t->cap != NULL) &&
		    !pg_rxcap_add(t->cap, p, m->data_len, len, t->port, now40))
			t->cap = NULL;
		if (!pg_sig_parse(p, m->data_len, &sig))
			continue;
		sigs++;
		f = flow_find(t, (uint32_t)sig.port << 16 | (uint32_t)sig.stream << 8 | sig.queue);
		if (sl_unlikely(f == NULL)) {
			untracked++;
			continue;
		}
		sl_counter_add(&f->bytes, len);
		if (pg_seq_update(&f->seq, pg_seq_extend(&f->seq, sig.seq)) <= PG_SEQ_LATE &&
		    f->local) {
			uint64_t ticks = (now40 - sig.tsc) & PG_TSC_MASK;

			pg_lat_record(&f->lat, (uint64_t)(((unsigned __int128)ticks * t->ns_mult) >> 32));
		}
	}
	sl_pktmbuf_free_bulk(pkts, n);
	sl_counter_add(&t->rx_frames, n);
	sl_counter_add(&t->rx_bytes, bytes);
	sl_counter_add(&t->sig_frames, sigs);
	if (untracked)
		sl_counter_add(&t->untracked, untracked);
}
