/* SPDX-License-Identifier: BSD-3-Clause
 * The device side of a split virtqueue for the virtio unit tests
 * (test_virtio.c, test_virtio_offload.c): takes available entries and
 * writes used ones the way QEMU's virtio-net does, on plain memory. */
#ifndef VIRTIO_TEST_DEV_H
#define VIRTIO_TEST_DEV_H

#include <check.h>

#include "virtio_ethdev.h"

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

#endif /* VIRTIO_TEST_DEV_H */
