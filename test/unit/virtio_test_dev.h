/* SPDX-License-Identifier: BSD-3-Clause
 * The device side of a split virtqueue for the virtio unit tests
 * (test_virtio.c, test_virtio_intr.c, test_virtio_offload.c): takes
 * available entries and writes used ones the way QEMU's virtio-net does,
 * on plain memory, and receives frames into an RX queue's buffers. */
#ifndef VIRTIO_TEST_DEV_H
#define VIRTIO_TEST_DEV_H

#include <check.h>
#include <string.h>

#include "virtio_ethdev.h"
#include "sl_test_simdev.h"

struct dev {
	struct virtqueue *vq;
	uint16_t last_avail;	/* next avail entry the device will take */
	uint16_t used_idx;	/* next used entry it writes (published with publish) */
};

static inline uint16_t dev_avail(const struct dev *d)
{
	return (uint16_t)(d->vq->avail->idx - d->last_avail);
}

static inline uint16_t dev_pop(struct dev *d)
{
	uint16_t head;

	ck_assert_uint_gt(dev_avail(d), 0);
	head = d->vq->avail->ring[d->last_avail & d->vq->mask];
	ck_assert_uint_lt(head, d->vq->size);
	d->last_avail++;
	return head;
}

static inline void dev_used(struct dev *d, uint32_t id, uint32_t len)
{
	volatile struct vring_used_elem *e = &d->vq->used->ring[d->used_idx & d->vq->mask];

	e->id = id;
	e->len = len;
	d->used_idx++;
}

static inline void dev_publish(struct dev *d)
{
	sl_compiler_barrier();
	d->vq->used->idx = d->used_idx;
}

/* QEMU's virtio_net_receive: takes as many buffers as the frame needs
 * (each one descriptor, device-writable), header in the first with
 * num_buffers, then one used entry per buffer. Returns buffers used, or
 * -1 when the ring has too few (the device would wait). Not published. */
static inline int dev_rx(struct dev *d, struct virtio_rx_queue *rxq, const uint8_t *frame,
			 uint32_t len)
{
	struct virtio_net_hdr hdr;
	uint32_t off = 0, cap = rxq->buf_len, need;
	uint16_t n = 0, i;
	uint8_t *first = NULL;

	need = (len + VIRTIO_NET_HDR_LEN + cap - 1) / cap;
	if (!rxq->mrg_rxbuf && need > 1)
		return -1;
	if (dev_avail(d) < need)
		return -1;
	for (i = 0; i < need; i++) {
		uint16_t id = dev_pop(d);
		volatile struct vring_desc *desc = &d->vq->desc[id];
		uint32_t skip = i == 0 ? VIRTIO_NET_HDR_LEN : 0;
		uint32_t chunk = SL_MIN(len - off, desc->len - skip);
		uint8_t *va;

		ck_assert_uint_eq(desc->flags, VRING_DESC_F_WRITE);
		ck_assert_uint_eq(desc->len, cap);
		va = sl_test_dma_va(desc->addr, desc->len);
		/* the frame lands at the mbuf's data offset */
		ck_assert_ptr_eq(va + VIRTIO_NET_HDR_LEN,
				 sl_pktmbuf_mtod(rxq->sw_ring[id], uint8_t *));
		if (i == 0)
			first = va;
		memcpy(va + skip, frame + off, chunk);
		off += chunk;
		n++;
		dev_used(d, id, chunk + skip);
	}
	memset(&hdr, 0, sizeof(hdr));
	hdr.num_buffers = n;
	memcpy(first, &hdr, VIRTIO_NET_HDR_LEN);
	return n;
}

#endif /* VIRTIO_TEST_DEV_H */
