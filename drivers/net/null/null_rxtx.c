/* SPDX-License-Identifier: BSD-3-Clause
 * net_null fast path. */
#include <string.h>

#include "null.h"

static __sl_always_inline uint16_t null_rx_common(struct null_queue *rxq, struct sl_mbuf **pkts,
						  uint16_t n, bool copy)
{
	const uint32_t size = rxq->pkt_size;
	const uint16_t port = rxq->port_id;

	if (sl_unlikely(n == 0))
		return 0;
	if (sl_unlikely(sl_pktmbuf_alloc_bulk(rxq->mp, pkts, n) != 0)) {
		sl_eth_qcnt_add(&rxq->cnt, SL_QCNT_NOMBUF, n);
		return 0;
	}
	for (uint16_t i = 0; i < n; i++) {
		struct sl_mbuf *m = pkts[i];

		m->data_len = (uint16_t)size;
		m->pkt_len = size;
		m->port = port;
		if (copy)
			memcpy(sl_pktmbuf_mtod(m, void *), rxq->copy_buf, size);
	}
	sl_eth_qcnt_burst(&rxq->cnt, n, (uint64_t)n * size);
	return n;
}

uint16_t null_rx(void *q, struct sl_mbuf **pkts, uint16_t n)
{
	return null_rx_common(q, pkts, n, false);
}

uint16_t null_rx_copy(void *q, struct sl_mbuf **pkts, uint16_t n)
{
	return null_rx_common(q, pkts, n, true);
}

uint16_t null_rx_none(void *q, struct sl_mbuf **pkts, uint16_t n)
{
	(void)q;
	(void)pkts;
	(void)n;
	return 0;
}

static __sl_always_inline uint16_t null_tx_common(struct null_queue *txq, struct sl_mbuf **pkts,
						  uint16_t n, bool copy)
{
	uint64_t bytes = 0;

	for (uint16_t i = 0; i < n; i++) {
		bytes += pkts[i]->pkt_len;
		/* Like DPDK's copy mode: read the first segment into a
		 * scratch buffer, so TX costs a read of the data. */
		if (copy)
			memcpy(txq->copy_buf, sl_pktmbuf_mtod(pkts[i], void *),
			       SL_MIN((uint32_t)pkts[i]->data_len, txq->pkt_size));
	}
	sl_pktmbuf_free_bulk(pkts, n);
	sl_eth_qcnt_burst(&txq->cnt, n, bytes);
	return n;
}

uint16_t null_tx(void *q, struct sl_mbuf **pkts, uint16_t n)
{
	return null_tx_common(q, pkts, n, false);
}

uint16_t null_tx_copy(void *q, struct sl_mbuf **pkts, uint16_t n)
{
	return null_tx_common(q, pkts, n, true);
}
