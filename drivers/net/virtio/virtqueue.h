/* SPDX-License-Identifier: BSD-3-Clause
 * The split virtqueue (spec 2.7) alone: its memory, the driver's free list
 * of descriptors, the used entries that are new, publishing the available
 * index and the notify decision. Nothing here knows about queues of
 * packets; virtio_rxtx.c (RX, TX) and the control queue are wrappers
 * around it. Not installed.
 *
 * Free list. Descriptors that software owns form a list linked through
 * desc_next[], a software shadow: the driver never reads a link (or
 * anything else it wrote) back from ring memory the device can see. A
 * buffer chain is taken from the head of that list in list order, so the
 * chain's own links are already in desc_next[] when it comes back and
 * returning it is one splice (tail -> old head). size - nb_free is what
 * the device holds: the bound on any used index it writes.
 *
 * Indexes. avail_idx, used_idx and kick_idx run free over 16 bits (2.7.6:
 * the ring position is the index modulo size, a power of two, so & mask);
 * differences are taken modulo 2^16 and a ring never holds more than
 * size <= 32768 entries, so they are exact.
 *
 * Memory ordering, driver to device. The device may read an available
 * entry, and the descriptors it names, as soon as it sees avail->idx cover
 * it, and not before: the entries and descriptors must be visible before
 * the index. On x86 stores are not reordered with older stores (sl_io.h),
 * so sl_io_wmb() only stops the compiler sinking them below the index
 * store; other architectures get a fence. The notify decision then reads
 * what the device last asked for (used->flags, or avail_event with
 * EVENT_IDX) after the index store: a load after a store to another
 * address, which x86 may satisfy from before the store is visible. Were
 * it so, the device could read the old index, decide to sleep and ask for
 * a notification while we read its old "no notification" and skip the
 * doorbell: both would wait. A full fence (sl_mb) orders the two.
 *
 * Memory ordering, device to driver. The device writes a used entry (id,
 * len) and the buffer before it moves used->idx past it. The driver reads
 * used->idx once per burst, then only the entries below it: loads are not
 * reordered with older loads on x86, so sl_io_rmb() (a compiler barrier
 * there) is enough for them to be at least as new as the index; buffers
 * the entries name are read after the entries, so the same holds.
 *
 * Used buffer notifications (2.7.7, 2.7.10): the interrupts a queue asks
 * for. Off is every queue's normal state (polling, TX, the control queue).
 * Without EVENT_IDX the VRING_AVAIL_F_NO_INTERRUPT flag says so. With it
 * the flag must stay 0 and the device interrupts when it writes the used
 * entry at index used_event; off puts used_event just behind the driver,
 * at used_idx - 1. The device only writes entries for buffers made
 * available, all below used_idx + size, so that index is 65535 - size
 * entries beyond its reach, and virtqueue_publish moves it along before
 * the driver has read 32768 more: for any size up to 32768 the device
 * never gets there (left at a fixed value it would, once per 65536
 * completions). On asks for an interrupt at the next used entry: the flag
 * cleared, or used_event = used_idx. The device may have written that
 * entry already, before it could see the request: virtqueue_intr_on says
 * whether it did, after a full fence (the device reads our request after
 * its used->idx store, we read used->idx after our request; either one
 * of us sees the other's store, or both would wait).
 *
 * Trust. Everything in used memory comes from the device. used->idx is
 * checked against the buffers in flight before any entry is read; ids are
 * the wrapper's to check (it knows which are chain heads).
 */
#ifndef VIRTQUEUE_H
#define VIRTQUEUE_H

#include <stdint.h>

#include "sl_io.h"
#include "virtio_regs.h"

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
	uint16_t quiet_from;		/* used_idx when used_event was last put behind it */
	uint8_t event_idx;		/* VIRTIO_F_EVENT_IDX negotiated */
	uint8_t intr_on;		/* used buffer notifications asked for */
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

/* ---- free list ---- */

/* The next free descriptor; the caller has checked nb_free. */
static __sl_always_inline uint16_t virtqueue_pop_free(struct virtqueue *vq)
{
	uint16_t id = vq->free_head;

	vq->free_head = vq->desc_next[id];
	vq->nb_free--;
	return id;
}

/* A chain of n descriptors, head..tail in desc_next order, back on the list. */
static __sl_always_inline void virtqueue_push_free(struct virtqueue *vq, uint16_t head,
						   uint16_t tail, uint16_t n)
{
	vq->desc_next[tail] = vq->free_head;
	vq->free_head = head;
	vq->nb_free = (uint16_t)(vq->nb_free + n);
}

/* ---- used buffer notifications (above) ---- */

/* The driver reads this many used entries at most before used_event is
 * moved behind it again (while off, with EVENT_IDX). */
#define VIRTQUEUE_QUIET_RENEW 0x8000

/* Off: no interrupt for any used entry. */
static inline void virtqueue_intr_off(struct virtqueue *vq)
{
	vq->intr_on = 0;
	if (vq->event_idx) {
		*vq->used_event = (uint16_t)(vq->used_idx - 1);
		vq->quiet_from = vq->used_idx;
	} else {
		vq->avail->flags = VRING_AVAIL_F_NO_INTERRUPT;
	}
}

/* On: an interrupt at the next used entry. Returns whether one is there
 * already (the device may have raised nothing for it): the caller wakes
 * its waiter itself then. */
static inline int virtqueue_intr_on(struct virtqueue *vq)
{
	vq->intr_on = 1;
	if (vq->event_idx)
		*vq->used_event = vq->used_idx;
	else
		vq->avail->flags = 0;
	sl_mb();
	return vq->used->idx != vq->used_idx;
}

/* While off with EVENT_IDX: used_event moved behind the driver again
 * before the device's reach catches up with it (one compare per publish,
 * a store once per 32768 entries). */
static __sl_always_inline void virtqueue_intr_keep_off(struct virtqueue *vq)
{
	if (vq->event_idx && !vq->intr_on &&
	    sl_unlikely((uint16_t)(vq->used_idx - vq->quiet_from) >= VIRTQUEUE_QUIET_RENEW))
		virtqueue_intr_off(vq);
}

/* ---- driver to device ---- */

/* Chain head into the next available entry; the device sees it at the
 * next publish. */
static __sl_always_inline void virtqueue_avail_add(struct virtqueue *vq, uint16_t head)
{
	vq->avail->ring[vq->avail_idx & vq->mask] = head;
	vq->avail_idx++;
}

/* Makes avail_idx visible to the device and notifies it only if it asked
 * (2.7.7.2 without EVENT_IDX: VRING_USED_F_NO_NOTIFY clear; 2.7.10 with
 * it: avail_event passed since the last decision). Ordering: above; a
 * used_event moved here is visible before the buffers that extend the
 * device's reach. */
static __sl_always_inline void virtqueue_publish(struct virtqueue *vq)
{
	int notify;

	virtqueue_intr_keep_off(vq);
	sl_io_wmb();
	vq->avail->idx = vq->avail_idx;
	vq->publishes++;
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

/* The index alone, no notify decision: for buffers added before the
 * device is live (DRIVER_OK), when no doorbell may ring; virtqueue_notify
 * follows once it is. */
static inline void virtqueue_publish_quiet(struct virtqueue *vq)
{
	sl_io_wmb();
	vq->avail->idx = vq->avail_idx;
	vq->kick_idx = vq->avail_idx;
}

/* Unconditional doorbell (after DRIVER_OK, for buffers added before). */
static inline void virtqueue_notify(struct virtqueue *vq)
{
	vq->kick_idx = vq->avail_idx;
	sl_mb();
	sl_write16_relaxed(vq->index, vq->notify);
	vq->notifications++;
}

/* ---- device to driver ---- */

/* Buffers the device holds. */
static __sl_always_inline uint16_t virtqueue_in_flight(const struct virtqueue *vq)
{
	return (uint16_t)(vq->size - vq->nb_free);
}

/* How many used entries are new, from one read of used->idx; the entries
 * below it may be read after this. More than the buffers in flight is a
 * lie that leaves the ring's state unknowable: the queue is marked broken,
 * *claimed gets what the device said (for the caller's log line) and 0 is
 * returned. */
static __sl_always_inline uint16_t virtqueue_used_pending(struct virtqueue *vq, uint16_t *claimed)
{
	uint16_t n = (uint16_t)(vq->used->idx - vq->used_idx);

	sl_io_rmb();
	if (sl_unlikely(n > virtqueue_in_flight(vq))) {
		vq->broken = 1;
		*claimed = n;
		return 0;
	}
	return n;
}

#endif /* VIRTQUEUE_H */
