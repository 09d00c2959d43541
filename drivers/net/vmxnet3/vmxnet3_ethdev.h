/* SPDX-License-Identifier: BSD-3-Clause
 * net_vmxnet3 internals: the queue objects and adapter shared by
 * vmxnet3_ethdev.c (control path) and vmxnet3_rxtx.c (fast path). Not
 * installed. */
#ifndef VMXNET3_ETHDEV_H
#define VMXNET3_ETHDEV_H

#include <stdint.h>

#include "sl_ethdev_driver.h"
#include "sl_pci.h"
#include "vmxnet3_regs.h"

#define VMXNET3_DRIVER_NAME "net_vmxnet3"
#define VMXNET3_LOG "VMXNET3"
#define VMXNET3_DEFAULT_RING_DESC 512
#define VMXNET3_DEFAULT_BURST 32

/* The driver's interrupt vectors (vmxnet3_intr.c) */
#define VMXNET3_VEC_EVENT 0	/* ECR events: link changes */
#define VMXNET3_VEC_RX 1	/* RX queue 0 */
#define VMXNET3_VEC_TX 2	/* TX completions: masked for good */
#define VMXNET3_NB_VECTORS 3

/* One RX ring of a queue: ring 0 holds head buffers, ring 1 body buffers
 * (the rest of a frame longer than one buffer, filled only with scatter). */
struct vmxnet3_rx_ring {
	volatile struct vmxnet3_rx_desc *desc;
	struct sl_mbuf **sw_ring;
	uint16_t nb_desc;
	uint16_t next;			/* the descriptor the device uses next */
	uint32_t gen;			/* VMXNET3_RXD_GEN or 0: of the lap being filled */
	uint32_t btype;			/* 0 or VMXNET3_RXD_BTYPE_BODY */
	sl_iova_t iova;
};

struct vmxnet3_rx_queue {
	/* ---- fast path, one lcore ---- */
	volatile struct vmxnet3_rx_comp_desc *comp;
	struct vmxnet3_rx_ring ring[2];
	struct sl_mempool *mp;
	uint16_t comp_size;
	uint16_t comp_next;
	uint32_t comp_gen;		/* VMXNET3_RCD_GEN or 0 */
	uint16_t buf_len;
	uint16_t port_id;
	uint8_t scatter;
	uint8_t stopped;		/* the device said the impossible: see vmxnet3_rxtx.c */
	uint8_t update_prod;		/* the device asked for RXPROD writes */
	uint8_t discard;		/* dropping the rest of a frame until EOP */
	volatile uint8_t *prod_reg[2];	/* BAR0 RXPROD, RXPROD2 */
	struct sl_mbuf *pkt_first;	/* a frame spanning descriptors */
	struct sl_mbuf *pkt_last;
	struct sl_eth_queue_counters cnt;
	uint64_t bad_values;
	/* ---- control path ---- */
	void *mem;			/* the DMA block holding rings and completions */
	sl_iova_t comp_iova;
	uint16_t queue_id;
};

struct vmxnet3_tx_queue {
	/* ---- fast path, one lcore ---- */
	volatile struct vmxnet3_tx_desc *desc;
	volatile struct vmxnet3_tx_comp_desc *comp;
	struct sl_mbuf **sw_ring;	/* the segment behind each descriptor */
	volatile uint8_t *prod_reg;	/* BAR0 TXPROD(q) */
	uint16_t nb_desc;
	uint16_t tail;			/* next descriptor to fill */
	uint16_t clean;			/* oldest descriptor not yet completed */
	uint16_t nb_free;
	uint32_t gen;			/* VMXNET3_TXD_GEN or 0: of the lap being filled */
	uint16_t comp_next;
	uint32_t comp_gen;		/* VMXNET3_TCD_GEN or 0 */
	uint8_t stopped;
	uint16_t port_id;
	struct sl_eth_queue_counters cnt;
	uint64_t bad_values;
	/* ---- control path ---- */
	void *mem;
	sl_iova_t ring_iova;
	sl_iova_t comp_iova;
	uint16_t queue_id;
};

struct vmxnet3_hw_counters {
	uint64_t ipackets, ibytes, imissed, ierrors, opackets, obytes, oerrors;
};

struct vmxnet3_adapter {
	struct sl_pci_device *pci;
	volatile uint8_t *bar0;
	volatile uint8_t *bar1;
	/* DMA: the shared area, then (at VMXNET3_QDESC_OFFSET) the queue
	 * descriptors, TX queues' first */
	struct vmxnet3_driver_shared *shared;
	sl_iova_t shared_iova;
	struct sl_ether_addr perm_addr;
	/* the device needs an RX queue: with none configured, the driver's
	 * own, which posts no buffer (see vmxnet3_dev_start) */
	struct vmxnet3_rx_queue *rx_sink;
	uint8_t active;			/* ACTIVATE_DEV succeeded */
	uint8_t intr_on;		/* MSI-X enabled (vmxnet3_intr.c) */
	uint8_t event_handler_on;
	uint8_t events_logged;
	/* device counters restart at every activation: what earlier ones
	 * counted, and the point of the last stats_reset */
	struct vmxnet3_hw_counters acc;
	struct vmxnet3_hw_counters base;
};

#define VMXNET3_QDESC_OFFSET 1024
#define VMXNET3_SHARED_SIZE (VMXNET3_QDESC_OFFSET + (VMXNET3_MAX_TX_QUEUES + 1) * 256)

uint16_t vmxnet3_recv_pkts(void *rxq, struct sl_mbuf **pkts, uint16_t nb_pkts);
uint16_t vmxnet3_xmit_pkts(void *txq, struct sl_mbuf **pkts, uint16_t nb_pkts);

/* Whether the device completed a buffer the driver has not taken yet. */
static inline int vmxnet3_rx_frame_ready(const struct vmxnet3_rx_queue *rxq)
{
	return (rxq->comp[rxq->comp_next].csum_gen & VMXNET3_RCD_GEN) == rxq->comp_gen;
}

/* Interrupts (vmxnet3_intr.c): what dev_info offers, whether the port's
 * configuration asks for any, MSI-X on after ACTIVATE_DEV (0 or -errno,
 * nothing left on) and off at stop; the queue's lcore arms and disarms. */
void vmxnet3_intr_info(const struct vmxnet3_adapter *ad, struct sl_eth_dev_info *info);
int vmxnet3_intr_wanted(const struct sl_eth_dev *dev);
int vmxnet3_intr_start(struct sl_eth_dev *dev);
void vmxnet3_intr_stop(struct sl_eth_dev *dev);
int vmxnet3_rx_queue_intr_enable(struct sl_eth_dev *dev, uint16_t q);
int vmxnet3_rx_queue_intr_disable(struct sl_eth_dev *dev, uint16_t q);

/* Queue objects: rings in DMA memory (0, -ENOMEM, -EFAULT without IOVA). */
int vmxnet3_rx_queue_create(uint16_t port, uint16_t q, uint16_t nb_desc, int socket,
			    struct sl_mempool *mp, uint16_t buf_len, uint8_t scatter,
			    volatile uint8_t *bar0, struct vmxnet3_rx_queue **out);
int vmxnet3_tx_queue_create(uint16_t port, uint16_t q, uint16_t nb_desc, int socket,
			    volatile uint8_t *bar0, struct vmxnet3_tx_queue **out);
void vmxnet3_rx_queue_destroy(struct vmxnet3_rx_queue *rxq);
void vmxnet3_tx_queue_destroy(struct vmxnet3_tx_queue *txq);
/* For a start: RX rings armed (0, or -ENOMEM with nothing kept; a queue
 * without a pool stays empty), TX emptied, completion rings zeroed,
 * generations back to 1. */
int vmxnet3_rx_queue_init(struct vmxnet3_rx_queue *rxq);
void vmxnet3_tx_queue_init(struct vmxnet3_tx_queue *txq);
/* After the device stopped: every mbuf back to its pool. */
void vmxnet3_rx_queue_drain(struct vmxnet3_rx_queue *rxq);
void vmxnet3_tx_queue_drain(struct vmxnet3_tx_queue *txq);

#endif /* VMXNET3_ETHDEV_H */
