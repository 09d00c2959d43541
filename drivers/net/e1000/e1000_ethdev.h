/* SPDX-License-Identifier: BSD-3-Clause
 * Internals of the two drivers of this directory: net_e1000 (8254x,
 * legacy descriptors, one queue) and net_e1000e (82574L, extended RX
 * descriptors, two queues with RSS). What the chips share is written once:
 * the queue objects and the fast paths (e1000_rx.c for both RX descriptor
 * formats, e1000_tx.c: the 82574's legacy TX descriptor is the 8254x's),
 * the ethdev ops that do not depend on the chip and the PCI probe
 * (e1000_common.c), the register sequences (e1000_hw.c). Each chip's own
 * file (e1000_ethdev.c, e1000e_ethdev.c) starts its port and registers its
 * PCI driver. Not installed. */
#ifndef E1000_ETHDEV_H
#define E1000_ETHDEV_H

#include <stdint.h>

#include "sl_ethdev_driver.h"
#include "sl_pci.h"
#include "e1000_hw.h"

#define E1000_DRIVER_NAME "net_e1000"
#define E1000E_DRIVER_NAME "net_e1000e"
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
/* A TSO packet's: 64 KiB in 2 KiB mbufs and its headers' segment. */
#define E1000_TX_MAX_TSO_SEGS 64
/* After a queue is told to stop, let a frame in flight finish its DMA
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
/* Registers up to the RSS key (0x5ca8) and the statistics must be inside
 * BAR0; both chips have 128 KiB. */
#define E1000_BAR0_MIN_LEN 0x6000

union e1000e_rx_desc;

struct e1000_rx_queue {
	/* ---- fast path, one lcore ---- */
	union {
		volatile struct e1000_rx_desc *ring;		/* legacy (8254x) */
		volatile union e1000e_rx_desc *ext_ring;	/* extended (82574) */
	};
	struct sl_mbuf **sw_ring;	/* the mbuf behind each descriptor */
	volatile uint8_t *rdt_reg;	/* BAR0 + RDT(n) */
	struct sl_mempool *mp;
	uint16_t nb_desc;
	uint16_t next;			/* next descriptor to look at for DD */
	uint16_t nb_hold;		/* processed, waiting for a fresh mbuf */
	uint16_t free_thresh;		/* refill when nb_hold reaches this */
	uint16_t buf_len;		/* bytes the device may write per descriptor */
	uint16_t port_id;
	uint32_t max_pkt_len;		/* longer frames are the device's fault */
	uint8_t scatter;		/* chain multi-descriptor frames (else drop) */
	uint8_t discard;		/* dropping the rest of a frame until EOP */
	uint8_t csum;			/* SL_ETH_RX_OFFLOAD_*_CKSUM asked: report the status */
	uint8_t rss;			/* RSS on (extended only): deliver the hash */
	uint8_t stopped;		/* given up on the device: see e1000_rx.c */
	uint8_t intr_armed;		/* its lcore sleeps on it: e1000_intr.c */
	uint16_t idle_polls;		/* polls that found no DD, for the RDH check */
	/* a frame spanning descriptors, across bursts */
	struct sl_mbuf *pkt_first;
	struct sl_mbuf *pkt_last;
	/* this lcore adds, stats_get reads, stats_reset moves the base;
	 * ERRORS: frames the driver dropped, NOMBUF: refills that found the
	 * pool empty */
	struct sl_eth_queue_counters cnt;
	uint64_t bad_values;		/* impossible values from the device */
	uint32_t resets;		/* ring resets since the last start */

	/* ---- fault path and control path ---- */
	volatile uint8_t *rdh_reg;	/* BAR0 + RDH(n) */
	/* BAR0 + RCTL where the queue is the chip's only one: a reset turns
	 * the receive unit off and on; NULL where RCTL serves several queues
	 * (a reset then works through RDH/RDT alone) */
	volatile uint8_t *rctl_reg;
	const char *log_module;		/* E1000, E1000E */
	uint16_t queue_id;
	uint8_t ext_desc;		/* extended descriptors (RFCTL.EXTEN) */
	sl_iova_t ring_iova;
};

struct e1000_tx_queue {
	/* ---- fast path, one lcore ---- */
	volatile struct e1000_tx_desc *ring;
	/* the packet whose EOP descriptor this is (NULL for others) */
	struct sl_mbuf **sw_ring;
	/* descriptors with RS set, oldest first (a FIFO of indexes) */
	uint16_t *rs_fifo;
	volatile uint8_t *tdt_reg;	/* BAR0 + TDT(n) */
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
	uint16_t max_tso_segs;		/* the same for TSO packets */
	/* the SL_MBUF_F_TX_* requests the queue was configured for (prepare
	 * refuses others); TSO only with TCP_SEG among them */
	uint64_t ol_allowed;
	uint8_t stopped;		/* given up on the device: see e1000_tx.c */
	uint16_t full_polls;		/* bursts that found no room, for the TDH check */
	/* the checksum layout of the last context descriptor written (see
	 * e1000_tx.c), 0: none since the ring was emptied */
	uint64_t ctx_key;
	/* as RX; ERRORS: packets refused, or dropped by a reset */
	struct sl_eth_queue_counters cnt;
	uint64_t bad_values;		/* impossible TDH from the device */
	uint32_t resets;		/* ring resets since the last start */

	/* ---- fault path and control path ---- */
	volatile uint8_t *tdh_reg;	/* BAR0 + TDH(n) */
	/* the bit that lets this queue transmit and the register holding it:
	 * TCTL.EN on the 8254x (its only queue), TARC(n).ENABLE on the 82574
	 * (TCTL is both queues') */
	volatile uint8_t *enable_reg;
	uint32_t enable_bit;
	const char *log_module;
	uint16_t port_id;
	uint16_t queue_id;
	sl_iova_t ring_iova;
};

struct e1000_chip;

struct e1000_adapter {
	struct sl_pci_device *pci;
	struct sl_eth_dev *eth;
	const struct e1000_chip *chip;
	volatile uint8_t *hw;		/* BAR0 */
	uint16_t device_id;
	uint8_t phy_loopback;		/* PHY left in loopback by the last start */
	struct sl_ether_addr perm_addr;	/* from the EEPROM (or RAL/RAH) */
	struct e1000_hw_stats stats;
	uint8_t intr_on;		/* the (other) vector is the interrupt thread's */
	uint8_t intr_msix;		/* MSI-X: a vector per RX queue (82574) */
};

/* What differs between the chips where the shared code runs (the two are
 * side by side in e1000_common.c). */
struct e1000_chip {
	const char *driver_name;	/* E1000_DRIVER_NAME, E1000E_DRIVER_NAME */
	const char *log_module;		/* the SL_LOG module of its messages */
	const char *family;		/* "an 8254x", "an 82574", for messages */
	const struct sl_eth_driver *eth_driver;
	const struct e1000_eerd_layout *eerd;
	/* RX/TX off and every ring address cleared (e1000_hw_quiesce and
	 * what else the chip has) */
	void (*quiesce)(volatile uint8_t *hw);
	const char *(*model_name)(uint16_t device_id);
	uint32_t max_frame_len;		/* dev_info max_rx_pktlen */
	uint16_t nb_queues;		/* RX and TX each */
	uint8_t ext_rx_desc;		/* extended RX descriptors */
	uint8_t lpbk_max;		/* highest lpbk_mode, and what the modes are: */
	const char *lpbk_modes;
	uint64_t rx_offload_capa;
	uint64_t tx_offload_capa;
	uint64_t rss_offloads;		/* dev_info flow_type_rss_offloads; 0: no RSS */
	/* TX: the queue-enable register of queue 0 (queue n's at + 0x100 n)
	 * and its bit */
	uint32_t tx_enable_reg;
	uint32_t tx_enable_bit;
	/* TX octets from the queue counters, not GOTC (QEMU 7.2's 82574 counts
	 * them without the FCS, see e1000e_regs.h) */
	uint8_t obytes_from_queues;
};

extern const struct e1000_chip e1000_chip_8254x;
extern const struct e1000_chip e1000_chip_82574;

extern const struct sl_eth_driver e1000_eth_driver;
extern const struct sl_eth_driver e1000e_eth_driver;

/* What each chip's file provides: e1000_ethdev.c (8254x), e1000e_ethdev.c
 * (82574). */
int e1000_8254x_dev_start(struct sl_eth_dev *dev);
void e1000_8254x_quiesce(volatile uint8_t *hw);
const char *e1000_8254x_model_name(uint16_t device_id);
int e1000e_dev_start(struct sl_eth_dev *dev);
void e1000e_hw_quiesce(volatile uint8_t *hw);
const char *e1000e_model_name(uint16_t device_id);

/* ---- fast path: e1000_rx.c, e1000_tx.c ------------------------------------- */

uint16_t e1000_recv_pkts(void *rxq, struct sl_mbuf **pkts, uint16_t nb_pkts);
uint16_t e1000e_recv_pkts(void *rxq, struct sl_mbuf **pkts, uint16_t nb_pkts);
uint16_t e1000_xmit_pkts(void *txq, struct sl_mbuf **pkts, uint16_t nb_pkts);
/* tx_prepare of both chips: the offloads the queue was configured for,
 * within what a context descriptor can say, then sl_net_tx_prepare_burst. */
uint16_t e1000_prep_pkts(void *txq, struct sl_mbuf **pkts, uint16_t nb_pkts);
#define E1000_TX_OFFLOAD_CKSUM                                                  \
	(SL_ETH_TX_OFFLOAD_MULTI_SEGS | SL_ETH_TX_OFFLOAD_IPV4_CKSUM |          \
	 SL_ETH_TX_OFFLOAD_UDP_CKSUM | SL_ETH_TX_OFFLOAD_TCP_CKSUM)

/* ---- queue objects: e1000_rx.c, e1000_tx.c ----------------------------------- */

/* What a queue is made of; everything else in it starts zero. Its
 * registers are queue_id's (E1000_QUEUE_REG). */
struct e1000_rxq_params {
	volatile uint8_t *hw;		/* BAR0 */
	struct sl_mempool *mp;
	const char *log_module;
	int socket;			/* NUMA node of the ring */
	uint32_t max_pkt_len;		/* the port's max_rx_pktlen */
	uint16_t nb_desc;
	uint16_t free_thresh;
	uint16_t buf_len;		/* what RCTL.BSIZE says */
	uint16_t port_id;
	uint16_t queue_id;
	uint8_t scatter;
	uint8_t csum;			/* the SL_ETH_RX_OFFLOAD_*_CKSUM bits asked for */
	uint8_t ext_desc;		/* extended descriptors */
	uint8_t own_rctl;		/* the chip's only RX queue: resets may use RCTL */
};

struct e1000_txq_params {
	volatile uint8_t *hw;		/* BAR0 */
	const char *log_module;
	int socket;
	uint32_t enable_reg;		/* this queue's enable register (offset) */
	uint32_t enable_bit;
	uint16_t nb_desc;
	uint16_t rs_thresh;
	uint16_t free_thresh;
	uint16_t port_id;
	uint16_t queue_id;
	uint64_t offloads;		/* SL_ETH_TX_OFFLOAD_* configured (port and queue) */
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

/* ---- shared control path: e1000_common.c ------------------------------------- */

int e1000_link_update(struct sl_eth_dev *dev, int wait_to_complete);
int e1000_stats_get(struct sl_eth_dev *dev, struct sl_eth_stats *st);
int e1000_stats_reset(struct sl_eth_dev *dev);
int e1000_promiscuous_enable(struct sl_eth_dev *dev);
int e1000_promiscuous_disable(struct sl_eth_dev *dev);
int e1000_allmulticast_enable(struct sl_eth_dev *dev);
int e1000_allmulticast_disable(struct sl_eth_dev *dev);
int e1000_mac_addr_set(struct sl_eth_dev *dev, struct sl_ether_addr *mac);

/* Every op but dev_start, which each chip has of its own. */
/* e1000_intr.c: one vector (MSI where the device has it, else INTx) for
 * every cause, on the EAL interrupt thread. */
int e1000_intr_start(struct sl_eth_dev *dev);
void e1000_intr_stop(struct sl_eth_dev *dev);
/* What the handler does with an ICR value (tests call it directly). */
void e1000_intr_causes(struct sl_eth_dev *dev, uint32_t icr);
int e1000_rx_queue_intr_enable(struct sl_eth_dev *dev, uint16_t q);
int e1000_rx_queue_intr_disable(struct sl_eth_dev *dev, uint16_t q);
/* e1000_rx.c: whether the descriptor software looks at next is done. */
int e1000_rx_queue_frame_ready(const struct e1000_rx_queue *rxq);


/* The pieces of a dev_start: every TX queue's ring programmed and enabled
 * and the transmit unit on (inter-packet gap ipgt); then every RX queue
 * armed and its ring programmed (RCTL.BSIZE from the smallest pool), the
 * RCTL value that turns receive on in *rctl (the caller adds its bits and
 * writes it last; 0 without RX queues: receive stays off), the RXCSUM
 * offload bits in *rxcsum. 0, or an error already logged. */
void e1000_tx_queues_start(struct sl_eth_dev *dev, uint32_t ipgt);
int e1000_rx_queues_start(struct sl_eth_dev *dev, uint32_t *rctl, uint32_t *rxcsum);
/* After the rings: interrupts masked, the link read, then the vector
 * wired if intr_conf asks (e1000_intr_start). 0, or an error already
 * logged with the device quiesced (return e1000_start_failed's). */
int e1000_start_finish(struct sl_eth_dev *dev);
/* A start that failed after e1000_tx_queues_start: the device quiesced and
 * the rings emptied. Returns err. */
int e1000_start_failed(struct sl_eth_dev *dev, int err);

/* PCI probe and quiesce of both drivers: the chip from the device id. */
int e1000_pci_probe(struct sl_pci_device *pci);
void e1000_pci_quiesce(struct sl_pci_device *pci);

#endif /* E1000_ETHDEV_H */
