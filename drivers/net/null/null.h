/* SPDX-License-Identifier: BSD-3-Clause
 * net_null: a port that makes packets up (RX) and drops them (TX). It
 * measures the framework's own cost per packet: RX is an mbuf bulk
 * allocation plus three stores per mbuf, TX a length sum and a bulk free,
 * the same work as DPDK's null PMD. */
#ifndef NULL_H
#define NULL_H

#include <stdbool.h>
#include <stdint.h>

#include "sl_ethdev_driver.h"

#define NULL_MAX_QUEUES 16
#define NULL_DEFAULT_SIZE 64

/* One per queue, written only by the lcore polling it (counters: see
 * struct sl_eth_queue_counters). */
struct null_queue {
	struct sl_mempool *mp;		/* RX only */
	/* copy=1: RX copies priv->template from here into each packet; TX
	 * copies each packet into here, the queue's own scratch buffer
	 * (shared by no other queue: lcores never write the same bytes). */
	uint8_t *copy_buf;
	uint32_t pkt_size;
	uint16_t port_id;
	uint16_t queue_id;
	struct sl_eth_queue_counters cnt;	/* NOMBUF: packets not made */
} __sl_cache_aligned;

/* Queues live here rather than in separate allocations so that their
 * counters survive reconfiguration, as a NIC's would (the port totals sum
 * the configured ones: sl_eth_driver.queue_counters). */
struct null_priv {
	struct null_queue rxq[NULL_MAX_QUEUES];
	struct null_queue txq[NULL_MAX_QUEUES];
	uint32_t pkt_size;		/* size= */
	bool copy;			/* copy= */
	bool no_rx;			/* no-rx= */
	uint8_t *template;		/* copy=1: the pkt_size bytes RX hands out */
} __sl_cache_aligned;

uint16_t null_rx(void *q, struct sl_mbuf **pkts, uint16_t n);
uint16_t null_rx_copy(void *q, struct sl_mbuf **pkts, uint16_t n);
uint16_t null_rx_none(void *q, struct sl_mbuf **pkts, uint16_t n);
uint16_t null_tx(void *q, struct sl_mbuf **pkts, uint16_t n);
uint16_t null_tx_copy(void *q, struct sl_mbuf **pkts, uint16_t n);


#endif /* NULL_H */
