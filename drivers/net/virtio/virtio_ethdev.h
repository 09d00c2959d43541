/* SPDX-License-Identifier: BSD-3-Clause
 * virtio-net driver internals shared by the control path (virtio_ethdev.c),
 * the fast path (virtio_rxtx.c) and the unit test. Not installed.
 *
 * The split ring itself is virtqueue.h; the queues here wrap it. The
 * device hands chains back through the used ring; every id it writes is
 * checked against the ring size and against the chains actually in flight
 * before anything is touched (see virtio_rxtx.c).
 *
 * Files: virtio_pci.c (transport: capabilities, common configuration,
 * notify), virtqueue.c (ring memory), virtio_device.c (feature
 * negotiation and the device's configuration), virtio_ctrl.c (the control
 * virtqueue), virtio_queue.c (queue objects and their setup),
 * virtio_ethdev.c (ethdev ops: start/stop, link, stats, filters; PCI
 * probe/remove), virtio_intr.c (MSI-X and INTx interrupts), virtio_rxtx.c
 * (the fast path). */
#ifndef VIRTIO_ETHDEV_H
#define VIRTIO_ETHDEV_H

#include <stdint.h>

#include "sl_eal.h"
#include "sl_ethdev_driver.h"
#include "sl_io.h"
#include "sl_pci.h"
#include "virtio_pci.h"
#include "virtio_regs.h"
#include "virtqueue.h"

#if __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "net_virtio writes virtio 1.x (little-endian) rings with native stores"
#endif

#define VIRTIO_DRIVER_NAME "net_virtio"
#define VIRTIO_NET_HDR_LEN ((uint16_t)sizeof(struct virtio_net_hdr))
#define VIRTIO_DEFAULT_BURST 32
#define VIRTIO_MIN_RING_DESC 16
/* Refill RX descriptors once this many are free (rx_free_thresh). */
#define VIRTIO_DEFAULT_RX_FREE_THRESH 32
/* Reclaim sent chains once fewer than this many descriptors are free. */
#define VIRTIO_DEFAULT_TX_FREE_THRESH 32
/* Longest frame without VIRTIO_NET_F_MTU when buffers can be merged (as
 * DPDK's virtio PMD: 9728); one RX buffer bounds it otherwise. */
#define VIRTIO_MAX_RX_PKTLEN 9728
/* Segments per TX packet: a chain of more would crowd out the others. */
#define VIRTIO_TX_MAX_SEGS 64
/* How long a control-queue command may take (QEMU answers at once, in the
 * notify write). */
#define VIRTIO_CTRL_TIMEOUT_US 1000000

/* ---- queues ------------------------------------------------------------------ */

struct virtio_rx_queue {
	struct virtqueue vq;		/* first: the fast path's hottest line */
	struct sl_mbuf **sw_ring;	/* the mbuf behind each descriptor id, NULL if free */
	struct sl_mempool *mp;
	uint16_t buf_len;		/* bytes the device may write per descriptor (header included) */
	uint16_t hdr_len;		/* 12 */
	uint16_t free_thresh;
	uint16_t port_id;
	uint8_t mrg_rxbuf;		/* frames may span buffers (num_buffers) */
	uint8_t scatter;		/* deliver those as chains (else drop them) */
	uint8_t discard;		/* dropping the rest of a frame */
	uint8_t warned;			/* VIRTIO_WARN_* already logged */
	uint8_t csum;			/* VIRTIO_NET_F_GUEST_CSUM: header flags to ol_flags */
	uint8_t intr_armed;		/* its lcore sleeps on it: virtio_intr.c */
	/* a frame spanning buffers, across bursts */
	struct sl_mbuf *pkt_first;
	struct sl_mbuf *pkt_last;
	uint16_t segs_left;		/* buffers of the current frame still to come */
	/* packets, bytes, errors (frames dropped by the driver), nombuf
	 * (refills that found the pool empty): this lcore adds, stats_get and
	 * stats_reset on another thread read (sl_ethdev_driver.h) */
	struct sl_eth_queue_counters cnt;
	/* what the device got wrong (this lcore only; the unit test and the
	 * fuzz target read them once the queue is idle) */
	uint64_t bad_len;		/* used lengths outside the buffer, bad num_buffers */
	uint64_t bad_id;		/* used ids out of range or not in flight */

	/* ---- control path ---- */
	uint16_t queue_id;
};

/* One per descriptor; set at the head of each chain in flight. */
struct virtio_tx_entry {
	struct sl_mbuf *mbuf;		/* NULL: not a chain head in flight */
	uint16_t ndescs;
	uint16_t tail;
};

struct virtio_tx_queue {
	struct virtqueue vq;
	struct virtio_tx_entry *sw_ring;
	/* Net headers in DMA memory, one per descriptor id, for packets
	 * whose headroom cannot take one (shared, short or indirect mbufs):
	 * the chain's head id picks the slot, so it is free when the id is.
	 * Slot [size] stays zero: every such packet without an offload
	 * points there, and nothing is written for it. */
	sl_iova_t hdr_iova;
	struct virtio_net_hdr *hdr_mem;
	/* SL_MBUF_F_TX_* requests the device carries out: the L4 checksum
	 * with VIRTIO_NET_F_CSUM, TCP_SEG with HOST_TSO4/6; 0 when the port
	 * was configured without TX offloads, so no header is ever filled */
	uint64_t ol_mask;
	uint16_t hdr_len;
	uint16_t free_thresh;
	uint16_t port_id;
	uint8_t warned;
	/* packets, bytes, errors (packets refused: never sendable) */
	struct sl_eth_queue_counters cnt;
	uint64_t bad_id;

	/* ---- control path ---- */
	uint16_t queue_id;
};

/* warned bits: each kind of device misbehaviour is logged once per queue */
#define VIRTIO_WARN_BAD_ID 1
#define VIRTIO_WARN_BAD_LEN 2
#define VIRTIO_WARN_BAD_NUM_BUFFERS 4
#define VIRTIO_WARN_USED_IDX 8

/* ---- the port ------------------------------------------------------------------ */

struct virtio_ctrl {
	struct virtqueue vq;
	/* DMA: header, data, ack of the one command in flight */
	struct virtio_ctrl_cmd {
		struct virtio_net_ctrl_hdr hdr;
		uint8_t data[64];
		uint8_t ack;
	} *cmd;
	sl_iova_t cmd_iova;
};

struct virtio_adapter {
	struct virtio_hw hw;
	struct sl_pci_device *pci;
	struct sl_eth_dev *eth;
	struct sl_ether_addr perm_addr;	/* from the device (VIRTIO_NET_F_MAC) */
	uint16_t max_pairs;		/* the device's queue pairs (1 without MQ) */
	uint16_t rx_size_max;		/* queue sizes the device offers */
	uint16_t tx_size_max;
	uint16_t ctrl_size;
	uint16_t max_mtu;
	uint16_t active_pairs;		/* told to the device at start */
	/* VIRTIO_NET_F_CSUM, GUEST_CSUM, HOST_TSO4/6 bits for the offloads
	 * the port is configured with: negotiated at start if offered */
	uint64_t offload_features;
	uint8_t warned_reset;		/* DEVICE_NEEDS_RESET logged */
	struct virtio_ctrl *ctrl;	/* NULL without VIRTIO_NET_F_CTRL_VQ */
	/* while started with interrupts: virtio_intr.c */
	enum sl_pci_intr_mode intr_mode;	/* the vectors wired, NONE if none */
	uint8_t intr_handler_on;	/* vector 0 is the EAL interrupt thread's */
};

static inline struct virtio_adapter *virtio_adapter_of(struct sl_eth_dev *dev)
{
	return dev->data->dev_private;
}

/* virtio_device.c: reset, ACKNOWLEDGE, DRIVER, features, FEATURES_OK (the
 * device is ready for queue setup); 0 or -errno after one log line
 * (status FAILED). */
int virtio_negotiate(struct virtio_adapter *ad);
/* Sets FAILED (3.1.1: the driver gave up on the device); returns err. */
int virtio_fail(struct virtio_adapter *ad, int err);
void virtio_log_features(const struct virtio_adapter *ad);
/* After negotiation: the device's MAC, queue pairs, MTU, queue sizes;
 * 0 or -EIO after a log line. */
int virtio_read_device(struct virtio_adapter *ad);
void virtio_link_read(struct virtio_adapter *ad, struct sl_eth_link *link);

/* virtio_ctrl.c: the control virtqueue (5.1.6.5); without
 * VIRTIO_NET_F_CTRL_VQ ad->ctrl stays NULL and commands return -ENOTSUP. */
int virtio_ctrl_alloc(struct virtio_adapter *ad, int socket);
void virtio_ctrl_free(struct virtio_adapter *ad);
/* One command, synchronously: 0, or -EIO (refused, or a used entry that
 * is not ours) / -ETIMEDOUT after a log line. */
int virtio_ctrl_cmd(struct virtio_adapter *ad, uint8_t class, uint8_t cmd, const void *data,
		    uint16_t len);
int virtio_ctrl_rx_mode(struct virtio_adapter *ad, uint8_t cmd, int on);

/* virtio_queue.c: the ethdev queue ops */
int virtio_rx_queue_setup(struct sl_eth_dev *dev, uint16_t q, uint16_t nb_desc, int socket,
			  const struct sl_eth_rxconf *conf, struct sl_mempool *mp);
int virtio_tx_queue_setup(struct sl_eth_dev *dev, uint16_t q, uint16_t nb_desc, int socket,
			  const struct sl_eth_txconf *conf);
void virtio_rx_queue_release(struct sl_eth_dev *dev, uint16_t q);
void virtio_tx_queue_release(struct sl_eth_dev *dev, uint16_t q);

/* virtio_ethdev.c: the port's counters are its queues' (the device keeps
 * none); the unit test calls these on queues it drives. */
int virtio_stats_get(struct sl_eth_dev *dev, struct sl_eth_stats *st);
int virtio_stats_reset(struct sl_eth_dev *dev);

/* virtio_intr.c. info: intr_capa and max_rx_intr_queues. configure: the
 * MSI-X vectors are enough for the RX queues (vectors_check: one line
 * naming QEMU's vectors= property when they are not). A start wires the
 * vectors after negotiation (setup; msix_config checked), gives each RX
 * virtqueue its vector (rx_vector, for virtio_pci_queue_setup), then the
 * queues' fds and the handler (start). A stop takes the handler off before
 * the reset (stop) and the vectors after it (teardown). All 0 or -errno
 * after one log line. */
void virtio_intr_info(const struct virtio_adapter *ad, struct sl_eth_dev_info *info);
int virtio_intr_vectors_check(uint16_t port, const char *pci_name, unsigned msix,
			      uint16_t nb_rxq);
int virtio_intr_configure(struct sl_eth_dev *dev);
int virtio_intr_setup(struct sl_eth_dev *dev);
uint16_t virtio_intr_rx_vector(const struct sl_eth_dev *dev, uint16_t q);
int virtio_intr_start(struct sl_eth_dev *dev);
void virtio_intr_stop(struct sl_eth_dev *dev);
void virtio_intr_teardown(struct sl_eth_dev *dev);
/* What the INTx handler does with an ISR status value (tests call it). */
void virtio_intr_causes(struct sl_eth_dev *dev, uint8_t isr);
int virtio_rx_queue_intr_enable(struct sl_eth_dev *dev, uint16_t q);
int virtio_rx_queue_intr_disable(struct sl_eth_dev *dev, uint16_t q);

/* virtio_offload.c: dev_info capabilities from the features offered, the
 * feature bits a configuration's offloads need, each queue's share. */
void virtio_offload_info(const struct virtio_adapter *ad, struct sl_eth_dev_info *info);
/* At probe: one INFO line when the device offers no checksum offload. */
void virtio_offload_probe_note(const struct virtio_adapter *ad);
uint64_t virtio_offload_features(const struct sl_eth_conf *conf);
void virtio_offload_queues(struct sl_eth_dev *dev);

/* virtio_rxtx.c */
uint16_t virtio_recv_pkts(void *rxq, struct sl_mbuf **pkts, uint16_t nb_pkts);
uint16_t virtio_xmit_pkts(void *txq, struct sl_mbuf **pkts, uint16_t nb_pkts);
/* tx_prepare: sl_net_tx_prepare_burst, within what the queue's device
 * does (ol_mask, VIRTIO_TX_MAX_SEGS), and for TSO the pseudo-header with
 * the L4 length that virtio's devices expect (see virtio_offload.c). */
uint16_t virtio_xmit_prep(void *txq, struct sl_mbuf **pkts, uint16_t nb_pkts);
/* Queue objects without a device (the unit test drives them too): every
 * field set up, rings allocated and empty; the notify pointer is left to
 * the caller (virtio_pci_queue_setup, or test memory). NULL after a log line. */
struct virtio_rx_queue *virtio_rx_queue_create(uint16_t port, uint16_t q, uint16_t size,
					       int socket, struct sl_mempool *mp, int mrg_rxbuf,
					       int scatter, int event_idx, uint16_t free_thresh);
struct virtio_tx_queue *virtio_tx_queue_create(uint16_t port, uint16_t q, uint16_t size,
					       int socket, int event_idx, uint16_t free_thresh);
void virtio_rx_queue_destroy(struct virtio_rx_queue *rxq);
void virtio_tx_queue_destroy(struct virtio_tx_queue *txq);
/* Gives every descriptor an mbuf and publishes them without a notify
 * (before DRIVER_OK): 0 or -ENOMEM (nothing kept). */
int virtio_rx_queue_fill(struct virtio_rx_queue *rxq);
/* Frees every mbuf the queue holds and rewinds it to a fresh ring (device
 * reset, no DMA in progress). */
void virtio_rx_queue_drain(struct virtio_rx_queue *rxq);
void virtio_tx_queue_drain(struct virtio_tx_queue *txq);

#endif /* VIRTIO_ETHDEV_H */
