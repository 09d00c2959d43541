/* SPDX-License-Identifier: BSD-3-Clause
 * virtio-net control virtqueue (5.1.6.5): promiscuous and all-multicast
 * (VIRTIO_NET_F_CTRL_RX), the MAC address (CTRL_MAC_ADDR) and the number
 * of queue pairs (MQ). One command at a time, synchronously: QEMU answers
 * within the notify write. A device that answers late or with a used
 * entry that is not ours stops the queue until the port is restarted.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sl_eal.h"
#include "sl_log.h"
#include "virtio_ethdev.h"

/* Control queue: one command at a time needs three descriptors. */
#define VIRTIO_CTRL_RING_SIZE 16

int virtio_ctrl_alloc(struct virtio_adapter *ad, int socket)
{
	uint16_t size = (uint16_t)SL_MIN(ad->ctrl_size, VIRTIO_CTRL_RING_SIZE);
	char name[64];

	ad->ctrl = calloc(1, sizeof(*ad->ctrl));
	if (ad->ctrl == NULL)
		goto nomem;
	snprintf(name, sizeof(name), "virtio_ctrl_%s", ad->pci->name);
	/* logs what it could not get */
	if (virtqueue_alloc(&ad->ctrl->vq, name, size,
			    virtio_has(&ad->hw, VIRTIO_F_RING_EVENT_IDX), socket) < 0)
		goto fail;
	snprintf(name, sizeof(name), "virtio_ctrl_cmd_%s", ad->pci->name);
	ad->ctrl->cmd = sl_dma_zalloc(name, sizeof(*ad->ctrl->cmd), SL_CACHE_LINE_SIZE, socket);
	if (ad->ctrl->cmd == NULL)
		goto nomem;
	ad->ctrl->cmd_iova = sl_mem_virt2iova(ad->ctrl->cmd);
	return 0;
nomem:
	SL_LOG(ERR, VIRTIO, "%s: no memory for the control queue: reserve more DMA memory (-m)",
	       ad->pci->name);
fail:
	virtio_ctrl_free(ad);
	return -ENOMEM;
}

void virtio_ctrl_free(struct virtio_adapter *ad)
{
	if (ad->ctrl == NULL)
		return;
	if (ad->ctrl->cmd != NULL)
		sl_dma_free(ad->ctrl->cmd);
	virtqueue_free(&ad->ctrl->vq);
	free(ad->ctrl);
	ad->ctrl = NULL;
}

static const char *ctrl_cmd_name(uint8_t class, uint8_t cmd)
{
	if (class == VIRTIO_NET_CTRL_RX)
		return cmd == VIRTIO_NET_CTRL_RX_PROMISC ? "RX_PROMISC" : "RX_ALLMULTI";
	if (class == VIRTIO_NET_CTRL_MAC)
		return "MAC_ADDR_SET";
	if (class == VIRTIO_NET_CTRL_MQ)
		return "MQ_VQ_PAIRS_SET";
	return "?";
}

/* One command, synchronously: header and data device-readable, the ack
 * byte device-writable (5.1.6.5). 0, or -EIO (refused, or a used entry
 * that is not ours) / -ETIMEDOUT after a log line. */
int virtio_ctrl_cmd(struct virtio_adapter *ad, uint8_t class, uint8_t cmd,
			   const void *data, uint16_t len)
{
	struct virtio_ctrl *c = ad->ctrl;
	struct virtqueue *vq;
	volatile struct vring_desc *d;
	sl_iova_t base;
	uint16_t n = 0;
	uint32_t waited;
	uint32_t id;

	if (c == NULL)
		return -ENOTSUP;
	vq = &c->vq;
	d = vq->desc;
	if (vq->broken) {
		SL_LOG(ERR, VIRTIO,
		       "%s: control queue stopped after an earlier failure: stop and start the "
		       "port to reset the device",
		       ad->pci->name);
		return -EIO;
	}
	c->cmd->hdr.class = class;
	c->cmd->hdr.cmd = cmd;
	memcpy(c->cmd->data, data, len);
	c->cmd->ack = 0xff;
	base = c->cmd_iova;
	/* descriptors 0..2, always: one command at a time */
	d[n].addr = base + offsetof(struct virtio_ctrl_cmd, hdr);
	d[n].len = sizeof(struct virtio_net_ctrl_hdr);
	d[n].flags = VRING_DESC_F_NEXT;
	d[n].next = (uint16_t)(n + 1);
	n++;
	if (len > 0) {
		d[n].addr = base + offsetof(struct virtio_ctrl_cmd, data);
		d[n].len = len;
		d[n].flags = VRING_DESC_F_NEXT;
		d[n].next = (uint16_t)(n + 1);
		n++;
	}
	d[n].addr = base + offsetof(struct virtio_ctrl_cmd, ack);
	d[n].len = 1;
	d[n].flags = VRING_DESC_F_WRITE;
	d[n].next = 0;
	virtqueue_avail_add(vq, 0);
	virtqueue_publish(vq);

	for (waited = 0; vq->used->idx == vq->used_idx; waited += 10) {
		if (waited >= VIRTIO_CTRL_TIMEOUT_US) {
			vq->broken = 1;
			SL_LOG(ERR, VIRTIO,
			       "%s: control command %s not answered within %u ms: device hung? "
			       "stop and start the port to reset it",
			       ad->pci->name, ctrl_cmd_name(class, cmd),
			       VIRTIO_CTRL_TIMEOUT_US / 1000);
			return -ETIMEDOUT;
		}
		sl_delay_us(10);
	}
	/* the entry after the index (virtqueue.h) */
	sl_io_rmb();
	id = vq->used->ring[vq->used_idx & vq->mask].id;
	if (id != 0 || (uint16_t)(vq->used->idx - vq->used_idx) != 1) {
		vq->broken = 1;
		SL_LOG(ERR, VIRTIO,
		       "%s: control queue: the device returned used id %" PRIu32 " (only 0 is in "
		       "flight): control queue stopped; stop and start the port to reset the device",
		       ad->pci->name, id);
		return -EIO;
	}
	vq->used_idx++;
	if (c->cmd->ack != VIRTIO_NET_OK) {
		SL_LOG(ERR, VIRTIO, "%s: the device refused control command %s (ack %u)",
		       ad->pci->name, ctrl_cmd_name(class, cmd), c->cmd->ack);
		return -EIO;
	}
	return 0;
}

int virtio_ctrl_rx_mode(struct virtio_adapter *ad, uint8_t cmd, int on)
{
	uint8_t v = (uint8_t)!!on;

	return virtio_ctrl_cmd(ad, VIRTIO_NET_CTRL_RX, cmd, &v, 1);
}
