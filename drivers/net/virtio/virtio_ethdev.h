/* SPDX-License-Identifier: BSD-3-Clause
 * virtio-net driver internals shared by the control path (virtio_ethdev.c),
 * the fast path (virtio_rxtx.c) and the unit test. Not installed.
 *
 * Virtqueue bookkeeping. Descriptors that software owns form a free list
 * linked through desc_next[], a software shadow: the driver never reads a
 * link (or anything else it wrote) back from ring memory the device can
 * see. A buffer chain is taken from the head of that list in list order,
 * so the chain's own links are already in desc_next[] when it comes back
 * and returning it is one splice (tail -> old head). The device hands
 * chains back through the used ring; every id it writes is checked against
 * the ring size and against the chains actually in flight before anything
 * is touched (see virtio_rxtx.c). */
#ifndef VIRTIO_ETHDEV_H
#define VIRTIO_ETHDEV_H

#include <stdint.h>

#include "sl_ethdev_driver.h"
#include "sl_io.h"
#include "sl_pci.h"
#include "virtio_pci.h"
#include "virtio_regs.h"

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

/* ---- virtqueue ------------------------------------------------------------- */

struct virtqueue {
	volatile struct vring_desc *desc;
	volatile struct vring_avail *avail;
	volatile struct vring_used *used;
	volatile uint16_t *notify;	/* doorbell in the notify BAR */
	volatile uint16_t *used_event;	/* after avail->ring (EVENT_IDX) */
	volatile uint16_t *avail_event;	/* after used->ring (EVENT_IDX) */
	uint16_t *desc_next;		/* free-list and chain links (software) */
	uint16_t size;			/* power of two */
	uint16_t mask;
	uint16_t avail_idx;		/* next avail->idx (free running) */
	uint16_t kick_idx;		/* avail->idx at the last notify decision */
	uint16_t used_idx;		/* next used entry to look at (free running) */
	uint16_t free_head;
	uint16_t nb_free;
	uint16_t index;			/* the virtqueue's number: written to notify */
	uint8_t event_idx;		/* VIRTIO_F_EVENT_IDX negotiated */
	uint8_t broken;			/* the device wrote nonsense: queue stopped */
	uint64_t notifications;		/* doorbell writes */
	uint64_t publishes;		/* avail index updates */

	/* ---- control path ---- */
	void *mem;			/* the DMA block holding the three rings */
	sl_iova_t desc_iova, avail_iova, used_iova;
};

/* Lays out a ring of size entries (power of two) in DMA memory and links
 * every descriptor into the free list; 0 or -ENOMEM/-EFAULT (logged with
 * what for). desc_next comes from malloc. */
int virtqueue_alloc(struct virtqueue *vq, const char *name, uint16_t size, int event_idx,
		    int socket);
void virtqueue_free(struct virtqueue *vq);
/* Back to the state of a fresh ring: indexes 0, rings zeroed, every
 * descriptor free. The device must not be using it (reset). */
void virtqueue_reinit(struct virtqueue *vq);

/* Makes avail_idx visible to the device and notifies it only if it asked
 * (2.7.7.2 without EVENT_IDX: VRING_USED_F_NO_NOTIFY clear; 2.7.10 with
 * it: avail_event passed since the last decision). */
static __sl_always_inline void virtqueue_publish(struct virtqueue *vq)
{
	int notify;

	/* Ring entries and descriptors before the index: x86 keeps stores
	 * in order, so only the compiler must not sink them (sl_io.h). */
	sl_io_wmb();
	vq->avail->idx = vq->avail_idx;
	vq->publishes++;
	/* The index store must be visible before we read what the device
	 * last asked for; otherwise the device could suppress notifications
	 * after reading the old index while we see the old suppression and
	 * skip the doorbell: a store-load ordering, so a full fence. */
	sl_mb();
	if (vq->event_idx)
		notify = vring_need_event(*vq->avail_event, vq->avail_idx, vq->kick_idx);
	else
		notify = !(vq->used->flags & VRING_USED_F_NO_NOTIFY);
	vq->kick_idx = vq->avail_idx;
	if (notify) {
		sl_write16_relaxed(vq->index, vq->notify);
		vq->notifications++;
	}
}

/* Unconditional doorbell (after DRIVER_OK, for buffers added before). */
static inline void virtqueue_notify(struct virtqueue *vq)
{
	vq->kick_idx = vq->avail_idx;
	sl_mb();
	sl_write16_relaxed(vq->index, vq->notify);
	vq->notifications++;
}

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
	/* A zeroed net header in DMA memory for packets whose headroom
	 * cannot take one (shared, short or indirect mbufs): the device only
	 * reads it, so every such packet points at the same 12 bytes. */
	sl_iova_t hdr_iova;
	void *hdr_mem;
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
	uint8_t warned_reset;		/* DEVICE_NEEDS_RESET logged */
	struct virtio_ctrl *ctrl;	/* NULL without VIRTIO_NET_F_CTRL_VQ */
};

/* virtio_ethdev.c: the port's counters are its queues' (the device keeps
 * none); the unit test calls these on queues it drives. */
int virtio_stats_get(struct sl_eth_dev *dev, struct sl_eth_stats *st);
int virtio_stats_reset(struct sl_eth_dev *dev);

/* virtio_rxtx.c */
uint16_t virtio_recv_pkts(void *rxq, struct sl_mbuf **pkts, uint16_t nb_pkts);
uint16_t virtio_xmit_pkts(void *txq, struct sl_mbuf **pkts, uint16_t nb_pkts);
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
