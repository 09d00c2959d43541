/* SPDX-License-Identifier: BSD-3-Clause
 * e1000 driver internals shared by the control path (e1000_ethdev.c) and
 * the fast path (e1000_rxtx.c). Not installed. */
#ifndef E1000_ETHDEV_H
#define E1000_ETHDEV_H

#include <stdint.h>

#include "sl_ethdev_driver.h"
#include "sl_pci.h"
#include "e1000_hw.h"

#define E1000_DRIVER_NAME "net_e1000"
#define E1000_DEFAULT_RING_DESC 256
#define E1000_DEFAULT_BURST 32
/* Refill RX descriptors in batches of this many (rx_free_thresh). */
#define E1000_DEFAULT_RX_FREE_THRESH 32
/* Reclaim TX descriptors when fewer than this many are free. */
#define E1000_DEFAULT_TX_FREE_THRESH 32
/* Ask for a DD write-back every this many descriptors. */
#define E1000_DEFAULT_TX_RS_THRESH 32
/* Segments per TX packet: the 8254x has no limit of its own; this keeps
 * one packet from needing most of a small ring. */
#define E1000_TX_MAX_SEGS 32
/* After RCTL.EN / TCTL.EN clear, let a frame in flight finish its DMA
 * before the buffers are reused or go back to the pool. */
#define E1000_STOP_DRAIN_US SL_ETH_STOP_DRAIN_US
/* Sanity checks of the head registers: one MMIO read every this many
 * polls that found nothing to do (an idle RX ring, a full TX ring), never
 * on a poll that moves packets. A power of two. */
#define E1000_HEAD_CHECK_POLLS 1024
/* A queue whose device keeps reporting impossible values is reset in
 * place this many times after a start; then it is stopped for good (the
 * application has to restart the port). */
#define E1000_MAX_QUEUE_RESETS 8

struct e1000_rx_queue {
	/* ---- fast path, one lcore ---- */
	volatile struct e1000_rx_desc *ring;
	struct sl_mbuf **sw_ring;	/* the mbuf behind each descriptor */
	volatile uint8_t *rdt_reg;	/* BAR0 + RDT */
	struct sl_mempool *mp;
	uint16_t nb_desc;
	uint16_t next;			/* next descriptor to look at for DD */
	uint16_t nb_hold;		/* processed, waiting for a fresh mbuf */
	uint16_t free_thresh;		/* refill when nb_hold reaches this */
	uint16_t buf_len;		/* bytes the device may write per descriptor */
	uint16_t port_id;
	uint8_t scatter;		/* chain multi-descriptor frames (else drop) */
	uint8_t discard;		/* dropping the rest of a frame until EOP */
	uint8_t csum;			/* RXCSUM on: report checksum status */
	uint8_t stopped;		/* given up on the device: see e1000_rxtx.c */
	uint16_t idle_polls;		/* polls that found no DD, for the RDH check */
	volatile uint8_t *hw;		/* BAR0: RCTL and RDH for a reset */
	/* a frame spanning descriptors, across bursts */
	struct sl_mbuf *pkt_first;
	struct sl_mbuf *pkt_last;
	/* this lcore adds, stats_get reads, stats_reset moves the base;
	 * ERRORS: frames the driver dropped, NOMBUF: refills that found the
	 * pool empty */
	struct sl_eth_queue_counters cnt;
	uint64_t bad_values;		/* impossible lengths or RDH from the device */
	uint32_t resets;		/* receive unit resets since the last start */

	/* ---- control path ---- */
	uint16_t queue_id;
	sl_iova_t ring_iova;
};

struct e1000_tx_queue {
	/* ---- fast path, one lcore ---- */
	volatile struct e1000_tx_desc *ring;
	/* the packet whose EOP descriptor this is (NULL for others) */
	struct sl_mbuf **sw_ring;
	/* descriptors with RS set, oldest first (a FIFO of indexes) */
	uint16_t *rs_fifo;
	volatile uint8_t *tdt_reg;
	uint16_t nb_desc;
	uint16_t tail;			/* next descriptor to fill */
	uint16_t clean;			/* oldest descriptor not yet reclaimed */
	uint16_t nb_free;		/* descriptors software may fill */
	uint16_t since_rs;		/* descriptors filled since the last RS */
	uint16_t rs_thresh;
	uint16_t free_thresh;
	uint16_t rs_head;		/* rs_fifo read index */
	uint16_t rs_tail;		/* rs_fifo write index */
	uint16_t rs_count;
	uint16_t max_segs;		/* longer chains are dropped (never fit) */
	uint8_t stopped;		/* given up on the device: see e1000_rxtx.c */
	uint16_t full_polls;		/* bursts that found no room, for the TDH check */
	volatile uint8_t *hw;		/* BAR0: TCTL and TDH for a reset */
	/* as RX; ERRORS: packets refused, or dropped by a reset */
	struct sl_eth_queue_counters cnt;
	uint64_t bad_values;		/* impossible TDH from the device */
	uint32_t resets;		/* transmit unit resets since the last start */

	/* ---- control path ---- */
	uint16_t port_id;
	uint16_t queue_id;
	sl_iova_t ring_iova;
};

struct e1000_adapter {
	struct sl_pci_device *pci;
	struct sl_eth_dev *eth;
	volatile uint8_t *hw;		/* BAR0 */
	uint16_t device_id;
	uint8_t phy_loopback;		/* PHY left in loopback by the last start */
	struct sl_ether_addr perm_addr;	/* from the EEPROM (or RAL/RAH) */
	struct e1000_hw_stats stats;
};

/* e1000_rxtx.c */
uint16_t e1000_recv_pkts(void *rxq, struct sl_mbuf **pkts, uint16_t nb_pkts);
uint16_t e1000_xmit_pkts(void *txq, struct sl_mbuf **pkts, uint16_t nb_pkts);

/* What a queue is made of; everything else in it starts zero. */
struct e1000_rxq_params {
	volatile uint8_t *hw;		/* BAR0 */
	struct sl_mempool *mp;
	int socket;			/* NUMA node of the ring */
	uint16_t nb_desc;
	uint16_t free_thresh;
	uint16_t buf_len;		/* what RCTL.BSIZE says */
	uint16_t port_id;
	uint16_t queue_id;
	uint8_t scatter;
	uint8_t csum;
};

struct e1000_txq_params {
	volatile uint8_t *hw;		/* BAR0 */
	int socket;
	uint16_t nb_desc;
	uint16_t rs_thresh;
	uint16_t free_thresh;
	uint16_t port_id;
	uint16_t queue_id;
};

/* A queue with its descriptor ring in DMA memory, not yet started: 0,
 * -ENOMEM, or -EFAULT when the ring has no IOVA. */
int e1000_rx_queue_create(const struct e1000_rxq_params *p, struct e1000_rx_queue **rxq);
int e1000_tx_queue_create(const struct e1000_txq_params *p, struct e1000_tx_queue **txq);
/* Frees what the rings hold and the queue (NULL: nothing). */
void e1000_rx_queue_destroy(struct e1000_rx_queue *rxq);
void e1000_tx_queue_destroy(struct e1000_tx_queue *txq);
/* Initialises a queue for a start: every RX descriptor armed with a
 * fresh mbuf (0, or -ENOMEM with nothing kept), the TX ring emptied, and
 * the indexes and the fault state (stopped, resets) cleared. */
int e1000_rx_queue_init(struct e1000_rx_queue *rxq);
void e1000_tx_queue_init(struct e1000_tx_queue *txq);
/* Frees the mbufs the rings hold and rewinds the indexes (port stopped,
 * device no longer doing DMA). TX returns how many packets were still in
 * the ring. */
void e1000_rx_queue_drain(struct e1000_rx_queue *rxq);
unsigned e1000_tx_queue_drain(struct e1000_tx_queue *txq);

#endif /* E1000_ETHDEV_H */
