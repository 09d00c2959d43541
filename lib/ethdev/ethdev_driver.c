/* SPDX-License-Identifier: BSD-3-Clause
 * Sluice ethdev: what drivers would each write again, declared once. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "sl_ethdev_driver.h"
#include "ethdev_private.h"

/* ---- probe and remove ---------------------------------------------------- */

int sl_eth_dev_stop_close(struct sl_eth_dev *dev)
{
	uint16_t port;

	if (dev == NULL)
		return 0;
	port = dev->data->port_id;
	sl_eth_dev_stop(port);
	return sl_eth_dev_close(port);
}

void *sl_eth_queue_zalloc(size_t size)
{
	void *p = aligned_alloc(SL_CACHE_LINE_SIZE, SL_ALIGN_CEIL(size, SL_CACHE_LINE_SIZE));

	if (p != NULL)
		memset(p, 0, size);
	return p;
}

/* ---- software queue counters ---------------------------------------------- */

uint64_t sl_eth_qcnt_read(const struct sl_eth_queue_counters *c, enum sl_eth_qcnt k)
{
	return __atomic_load_n(&c->val[k], __ATOMIC_RELAXED) - c->base[k];
}

void sl_eth_qcnt_reset(struct sl_eth_queue_counters *c)
{
	for (unsigned k = 0; k < SL_QCNT_MAX; k++)
		c->base[k] = __atomic_load_n(&c->val[k], __ATOMIC_RELAXED);
}

void sl_eth_stats_add_rxq(struct sl_eth_stats *st, uint16_t q, const struct sl_eth_queue_counters *c)
{
	uint64_t pkts = sl_eth_qcnt_read(c, SL_QCNT_PKTS);
	uint64_t bytes = sl_eth_qcnt_read(c, SL_QCNT_BYTES);
	uint64_t errors = sl_eth_qcnt_read(c, SL_QCNT_ERRORS);

	st->ipackets += pkts;
	st->ibytes += bytes;
	st->ierrors += errors;
	st->rx_nombuf += sl_eth_qcnt_read(c, SL_QCNT_NOMBUF);
	if (q < SL_ETHDEV_QUEUE_STAT_CNTRS) {
		st->q_ipackets[q] += pkts;
		st->q_ibytes[q] += bytes;
		st->q_errors[q] += errors;
	}
}

void sl_eth_stats_add_txq(struct sl_eth_stats *st, uint16_t q, const struct sl_eth_queue_counters *c)
{
	uint64_t pkts = sl_eth_qcnt_read(c, SL_QCNT_PKTS);
	uint64_t bytes = sl_eth_qcnt_read(c, SL_QCNT_BYTES);

	st->opackets += pkts;
	st->obytes += bytes;
	st->oerrors += sl_eth_qcnt_read(c, SL_QCNT_ERRORS);
	if (q < SL_ETHDEV_QUEUE_STAT_CNTRS) {
		st->q_opackets[q] += pkts;
		st->q_obytes[q] += bytes;
	}
}

static struct sl_eth_queue_counters *queue_counters(void *queue, size_t offset)
{
	return (struct sl_eth_queue_counters *)((char *)queue + offset);
}

void sl_eth_stats_add_queues(struct sl_eth_stats *st, const struct sl_eth_dev_data *d,
			     size_t rxq_cnt_offset, size_t txq_cnt_offset)
{
	for (uint16_t q = 0; q < d->nb_rx_queues; q++)
		if (d->rx_queues[q] != NULL)
			sl_eth_stats_add_rxq(st, q, queue_counters(d->rx_queues[q], rxq_cnt_offset));
	for (uint16_t q = 0; q < d->nb_tx_queues; q++)
		if (d->tx_queues[q] != NULL)
			sl_eth_stats_add_txq(st, q, queue_counters(d->tx_queues[q], txq_cnt_offset));
}

void sl_eth_stats_reset_queues(const struct sl_eth_dev_data *d,
			       size_t rxq_cnt_offset, size_t txq_cnt_offset)
{
	for (uint16_t q = 0; q < d->nb_rx_queues; q++)
		if (d->rx_queues[q] != NULL)
			sl_eth_qcnt_reset(queue_counters(d->rx_queues[q], rxq_cnt_offset));
	for (uint16_t q = 0; q < d->nb_tx_queues; q++)
		if (d->tx_queues[q] != NULL)
			sl_eth_qcnt_reset(queue_counters(d->tx_queues[q], txq_cnt_offset));
}
