/* SPDX-License-Identifier: BSD-3-Clause
 * Split virtqueue memory (spec 2.7): one DMA block per ring, descriptors,
 * then the available ring, then the used ring on cache lines of its own.
 * The algorithm is in virtqueue.h.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "sl_eal.h"
#include "sl_log.h"
#include "virtqueue.h"

int virtqueue_alloc(struct virtqueue *vq, const char *name, uint16_t size, int event_idx,
		    int socket)
{
	size_t desc_sz = sizeof(struct vring_desc) * size;
	size_t avail_off = desc_sz;
	/* The used ring on its own cache lines: the device writes it while
	 * the driver writes the available ring. */
	size_t used_off = SL_ALIGN_CEIL(avail_off + vring_avail_size(size, 1), SL_CACHE_LINE_SIZE);
	size_t total = used_off + vring_used_size(size, 1);
	sl_iova_t iova;
	int ret = -ENOMEM;

	memset(vq, 0, sizeof(*vq));
	vq->mem = sl_dma_zalloc(name, total, 4096, socket);
	vq->desc_next = malloc(sizeof(uint16_t) * size);
	if (vq->mem == NULL || vq->desc_next == NULL) {
		SL_LOG(ERR, VIRTIO,
		       "%s: no memory for a virtqueue of %u entries (%zu bytes of DMA memory): "
		       "reserve more (-m) or use smaller rings",
		       name, size, total);
		goto fail;
	}
	iova = sl_mem_virt2iova(vq->mem);
	if (iova == SL_BAD_IOVA) {
		SL_LOG(ERR, VIRTIO, "%s: ring memory has no IOVA (EAL memory not DMA-mapped)", name);
		ret = -EFAULT;
		goto fail;
	}
	vq->desc = vq->mem;
	vq->avail = SL_PTR_ADD(vq->mem, avail_off);
	vq->used = SL_PTR_ADD(vq->mem, used_off);
	vq->used_event = &vq->avail->ring[size];
	vq->avail_event = (volatile uint16_t *)&vq->used->ring[size];
	vq->desc_iova = iova;
	vq->avail_iova = iova + avail_off;
	vq->used_iova = iova + used_off;
	vq->size = size;
	vq->mask = (uint16_t)(size - 1);
	vq->event_idx = (uint8_t)!!event_idx;
	virtqueue_reinit(vq);
	return 0;
fail:
	virtqueue_free(vq);
	return ret;
}

void virtqueue_free(struct virtqueue *vq)
{
	if (vq->mem != NULL)
		sl_dma_free(vq->mem);
	free(vq->desc_next);
	vq->mem = NULL;
	vq->desc_next = NULL;
}

void virtqueue_reinit(struct virtqueue *vq)
{
	uint16_t i;

	memset((void *)(uintptr_t)vq->desc, 0, sizeof(struct vring_desc) * vq->size);
	memset((void *)(uintptr_t)vq->avail, 0, vring_avail_size(vq->size, 1));
	memset((void *)(uintptr_t)vq->used, 0, vring_used_size(vq->size, 1));
	for (i = 0; i < vq->size; i++)
		vq->desc_next[i] = (uint16_t)(i + 1);
	vq->free_head = 0;
	vq->nb_free = vq->size;
	vq->avail_idx = vq->kick_idx = vq->used_idx = 0;
	vq->broken = 0;
	/* polling until an RX queue's lcore asks for interrupts */
	virtqueue_intr_off(vq);
}
