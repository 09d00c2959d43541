/* SPDX-License-Identifier: BSD-3-Clause
 * 82574L driver internals shared by its control path (e1000e_ethdev.c)
 * and its receive fast path (e1000e_rxtx.c). Transmit uses the e1000
 * driver's legacy-descriptor path (e1000_rxtx.c): the 82574's legacy TX
 * descriptor and its TDH/TDT semantics are the 8254x's. Not installed. */
#ifndef E1000E_ETHDEV_H
#define E1000E_ETHDEV_H

#include <stdint.h>

#include "e1000_ethdev.h"
#include "e1000_hw.h"
#include "e1000e_regs.h"

#define E1000E_DRIVER_NAME "net_e1000e"

struct e1000e_rx_queue {
	/* ---- fast path, one lcore ---- */
	volatile union e1000e_rx_desc *ring;
	struct sl_mbuf **sw_ring;	/* the mbuf behind each descriptor */
	volatile uint8_t *rdt_reg;	/* BAR0 + RDT(n) */
	volatile uint8_t *rdh_reg;	/* BAR0 + RDH(n), for checks and resets */
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
	uint8_t rss;			/* RSS on: deliver the hash */
	uint8_t stopped;		/* given up on the device: see e1000e_rxtx.c */
	uint16_t idle_polls;		/* polls that found no DD, for the RDH check */
	struct sl_mbuf *pkt_first;	/* a frame spanning descriptors, across bursts */
	struct sl_mbuf *pkt_last;
	/* PKTS, BYTES, ERRORS (frames the driver dropped), NOMBUF (refills
	 * that found the pool empty): written by the poller only */
	struct sl_eth_queue_counters cnt;
	uint64_t bad_values;		/* impossible lengths or RDH from the device */
	uint32_t resets;		/* ring resets since the last start */

	/* ---- control path ---- */
	uint16_t queue_id;
	sl_iova_t ring_iova;
};

struct e1000e_adapter {
	struct sl_pci_device *pci;
	struct sl_eth_dev *eth;
	volatile uint8_t *hw;		/* BAR0 */
	struct sl_ether_addr perm_addr;
	struct e1000_hw_stats stats;
};

/* e1000e_rxtx.c */
uint16_t e1000e_recv_pkts(void *rxq, struct sl_mbuf **pkts, uint16_t nb_pkts);
/* Gives every RX descriptor an mbuf and clears the fault state: 0 or
 * -ENOMEM (nothing kept). */
int e1000e_rx_queue_fill(struct e1000e_rx_queue *rxq);
/* Frees the mbufs the ring holds and rewinds the indexes (device not
 * doing DMA into this ring any more). */
void e1000e_rx_queue_drain(struct e1000e_rx_queue *rxq);

#endif /* E1000E_ETHDEV_H */
