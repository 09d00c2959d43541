/* SPDX-License-Identifier: BSD-3-Clause
 * virtio-net control path: PCI probe/remove, device initialisation and
 * feature negotiation (spec 3.1.1), queue setup, start/stop/close, the
 * control virtqueue (promiscuous, all-multicast, MAC address, queue
 * pairs), link status, statistics.
 *
 * Device life. Probe negotiates once to learn what the device offers and
 * reads its configuration (MAC, queue pairs, MTU, queue sizes), then
 * resets it. Every start runs the whole 3.1.1 sequence again from a reset:
 * ACKNOWLEDGE, DRIVER, features, FEATURES_OK (checked), queues (sizes,
 * ring IOVAs, enable), DRIVER_OK, then the control-queue commands that
 * only work on a live device. Stop and close reset the device (it stops
 * all DMA before reading back 0), so whatever state a previous process
 * left, even one killed mid-traffic, and the kernel's virtio-net can take
 * the device back afterwards. Nothing is offered to the device that this
 * driver does not implement.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sl_eal.h"
#include "sl_log.h"
#include "virtio_ethdev.h"

/* What the driver implements (5.1.3, 6). Dependencies (5.1.3.1) are
 * enforced in virtio_negotiate. */
#define VIRTIO_DRIVER_FEATURES                                                          \
	(VIRTIO_BIT(VIRTIO_F_VERSION_1) | VIRTIO_BIT(VIRTIO_F_ACCESS_PLATFORM) |          \
	 VIRTIO_BIT(VIRTIO_F_RING_EVENT_IDX) | VIRTIO_BIT(VIRTIO_NET_F_MAC) |               \
	 VIRTIO_BIT(VIRTIO_NET_F_STATUS) | VIRTIO_BIT(VIRTIO_NET_F_MRG_RXBUF) |             \
	 VIRTIO_BIT(VIRTIO_NET_F_CTRL_VQ) | VIRTIO_BIT(VIRTIO_NET_F_CTRL_RX) |              \
	 VIRTIO_BIT(VIRTIO_NET_F_CTRL_MAC_ADDR) | VIRTIO_BIT(VIRTIO_NET_F_MQ) |             \
	 VIRTIO_BIT(VIRTIO_NET_F_MTU) | VIRTIO_BIT(VIRTIO_NET_F_SPEED_DUPLEX))
#define VIRTIO_CTRL_DEPENDENT                                                          \
	(VIRTIO_BIT(VIRTIO_NET_F_CTRL_RX) | VIRTIO_BIT(VIRTIO_NET_F_CTRL_MAC_ADDR) |        \
	 VIRTIO_BIT(VIRTIO_NET_F_MQ))
/* Control queue: one command at a time needs three descriptors. */
#define VIRTIO_CTRL_RING_SIZE 16
/* After the reset at stop, let a frame in flight finish its DMA before
 * the buffers go back to the pool (QEMU stops synchronously; hardware
 * may not). */
#define STOP_DRAIN_US 100

static struct virtio_adapter *adapter_of(struct sl_eth_dev *dev)
{
	return dev->data->dev_private;
}

/* ---- virtqueues ---------------------------------------------------------------- */

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

	memset(vq, 0, sizeof(*vq));
	vq->mem = sl_dma_zalloc(name, total, 4096, socket);
	vq->desc_next = malloc(sizeof(uint16_t) * size);
	if (vq->mem == NULL || vq->desc_next == NULL) {
		SL_LOG(ERR, VIRTIO,
		       "%s: no memory for a virtqueue of %u entries (%zu bytes of DMA memory): "
		       "reserve more (-m) or use smaller rings",
		       name, size, total);
		virtqueue_free(vq);
		return -ENOMEM;
	}
	iova = sl_mem_virt2iova(vq->mem);
	if (iova == SL_BAD_IOVA) {
		SL_LOG(ERR, VIRTIO, "%s: ring memory has no IOVA (EAL memory not DMA-mapped)", name);
		virtqueue_free(vq);
		return -EFAULT;
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
	/* Poll mode wants no interrupts. Without EVENT_IDX the flag says so
	 * (2.7.7); with it flags must stay 0 and used_event, left at 0,
	 * asks for one interrupt per 65536 completions. */
	vq->avail->flags = vq->event_idx ? 0 : VRING_AVAIL_F_NO_INTERRUPT;
}

/* ---- queue objects ------------------------------------------------------------- */

struct virtio_rx_queue *virtio_rx_queue_create(uint16_t port, uint16_t q, uint16_t size,
					       int socket, struct sl_mempool *mp, int mrg_rxbuf,
					       int scatter, int event_idx, uint16_t free_thresh)
{
	struct virtio_rx_queue *rxq = sl_eth_queue_zalloc(sizeof(*rxq));
	uint32_t room = sl_pktmbuf_data_room_size(mp);
	char name[64];

	if (rxq == NULL) {
		SL_LOG(ERR, VIRTIO, "port %u: out of memory for rx queue %u", port, q);
		return NULL;
	}
	snprintf(name, sizeof(name), "virtio_rx_p%u_q%u", port, q);
	if (virtqueue_alloc(&rxq->vq, name, size, event_idx, socket) < 0) {
		free(rxq);
		return NULL;
	}
	rxq->sw_ring = calloc(size, sizeof(*rxq->sw_ring));
	if (rxq->sw_ring == NULL) {
		SL_LOG(ERR, VIRTIO, "port %u: out of memory for rx queue %u", port, q);
		virtio_rx_queue_destroy(rxq);
		return NULL;
	}
	rxq->mp = mp;
	rxq->hdr_len = VIRTIO_NET_HDR_LEN;
	/* the data room after the headroom, plus the header in the headroom */
	rxq->buf_len = (uint16_t)SL_MIN(room - SL_PKTMBUF_HEADROOM + VIRTIO_NET_HDR_LEN, 65535u);
	rxq->free_thresh = free_thresh;
	rxq->port_id = port;
	rxq->queue_id = q;
	rxq->mrg_rxbuf = (uint8_t)!!mrg_rxbuf;
	rxq->scatter = (uint8_t)!!scatter;
	return rxq;
}

void virtio_rx_queue_destroy(struct virtio_rx_queue *rxq)
{
	if (rxq == NULL)
		return;
	if (rxq->sw_ring != NULL && rxq->vq.mem != NULL)
		virtio_rx_queue_drain(rxq);
	free(rxq->sw_ring);
	virtqueue_free(&rxq->vq);
	free(rxq);
}

struct virtio_tx_queue *virtio_tx_queue_create(uint16_t port, uint16_t q, uint16_t size,
					       int socket, int event_idx, uint16_t free_thresh)
{
	struct virtio_tx_queue *txq = sl_eth_queue_zalloc(sizeof(*txq));
	char name[64];

	if (txq == NULL) {
		SL_LOG(ERR, VIRTIO, "port %u: out of memory for tx queue %u", port, q);
		return NULL;
	}
	snprintf(name, sizeof(name), "virtio_tx_p%u_q%u", port, q);
	if (virtqueue_alloc(&txq->vq, name, size, event_idx, socket) < 0) {
		free(txq);
		return NULL;
	}
	snprintf(name, sizeof(name), "virtio_txhdr_p%u_q%u", port, q);
	txq->hdr_mem = sl_dma_zalloc(name, SL_CACHE_LINE_SIZE, SL_CACHE_LINE_SIZE, socket);
	txq->sw_ring = calloc(size, sizeof(*txq->sw_ring));
	if (txq->hdr_mem == NULL || txq->sw_ring == NULL) {
		SL_LOG(ERR, VIRTIO, "port %u: out of memory for tx queue %u", port, q);
		virtio_tx_queue_destroy(txq);
		return NULL;
	}
	txq->hdr_iova = sl_mem_virt2iova(txq->hdr_mem);
	txq->hdr_len = VIRTIO_NET_HDR_LEN;
	txq->free_thresh = free_thresh;
	txq->port_id = port;
	txq->queue_id = q;
	return txq;
}

void virtio_tx_queue_destroy(struct virtio_tx_queue *txq)
{
	if (txq == NULL)
		return;
	if (txq->sw_ring != NULL && txq->vq.mem != NULL)
		virtio_tx_queue_drain(txq);
	free(txq->sw_ring);
	if (txq->hdr_mem != NULL)
		sl_dma_free(txq->hdr_mem);
	virtqueue_free(&txq->vq);
	free(txq);
}

/* ---- device initialisation (3.1.1) ------------------------------------------- */

static void log_features(const struct virtio_adapter *ad)
{
	static const struct {
		unsigned bit;
		const char *name;
	} names[] = {
		{ VIRTIO_F_VERSION_1, "VERSION_1" },
		{ VIRTIO_F_ACCESS_PLATFORM, "ACCESS_PLATFORM" },
		{ VIRTIO_F_RING_EVENT_IDX, "EVENT_IDX" },
		{ VIRTIO_NET_F_MAC, "MAC" },
		{ VIRTIO_NET_F_STATUS, "STATUS" },
		{ VIRTIO_NET_F_MRG_RXBUF, "MRG_RXBUF" },
		{ VIRTIO_NET_F_CTRL_VQ, "CTRL_VQ" },
		{ VIRTIO_NET_F_CTRL_RX, "CTRL_RX" },
		{ VIRTIO_NET_F_CTRL_MAC_ADDR, "CTRL_MAC_ADDR" },
		{ VIRTIO_NET_F_MQ, "MQ" },
		{ VIRTIO_NET_F_MTU, "MTU" },
		{ VIRTIO_NET_F_SPEED_DUPLEX, "SPEED_DUPLEX" },
	};
	char buf[256];
	size_t off = 0;
	unsigned i;

	buf[0] = '\0';
	for (i = 0; i < SL_DIM(names) && off < sizeof(buf); i++)
		if (virtio_has(&ad->hw, names[i].bit))
			off += (size_t)snprintf(buf + off, sizeof(buf) - off, "%s%s", off ? " " : "",
						names[i].name);
	SL_LOG(INFO, VIRTIO, "%s: features offered 0x%" PRIx64 ", negotiated 0x%" PRIx64 " (%s)",
	       ad->pci->name, ad->hw.device_features, ad->hw.features, buf);
}

static int virtio_fail(struct virtio_adapter *ad, int err)
{
	virtio_pci_set_status(&ad->hw, VIRTIO_CONFIG_S_FAILED);
	return err;
}

/* Reset, ACKNOWLEDGE, DRIVER, features, FEATURES_OK: the device is ready
 * for queue setup. 0 or -errno after one log line (status FAILED). */
static int virtio_negotiate(struct virtio_adapter *ad)
{
	struct virtio_hw *hw = &ad->hw;
	uint64_t offered, want;

	if (virtio_pci_reset(hw) < 0) {
		SL_LOG(ERR, VIRTIO,
		       "%s: device did not finish its reset (device_status stays non-zero): "
		       "broken device, or its BAR is not the virtio common configuration",
		       ad->pci->name);
		return -ETIMEDOUT;
	}
	virtio_pci_set_status(hw, VIRTIO_CONFIG_S_ACKNOWLEDGE);
	virtio_pci_set_status(hw, VIRTIO_CONFIG_S_DRIVER);
	offered = virtio_pci_read_device_features(hw);
	hw->device_features = offered;
	if (!(offered & VIRTIO_BIT(VIRTIO_F_VERSION_1))) {
		SL_LOG(ERR, VIRTIO,
		       "%s: the device does not offer VIRTIO_F_VERSION_1: legacy-only virtio "
		       "devices are not supported (QEMU: disable-legacy=on or disable-modern=off)",
		       ad->pci->name);
		return virtio_fail(ad, -ENOTSUP);
	}
	if (!(offered & VIRTIO_BIT(VIRTIO_F_ACCESS_PLATFORM)) &&
	    sl_eal_iova_mode() != SL_IOVA_MODE_PA) {
		/* 6.1: without it the device uses physical addresses and
		 * bypasses the IOMMU, but our buffers have IOMMU addresses. */
		SL_LOG(ERR, VIRTIO,
		       "%s: the device does not offer VIRTIO_F_ACCESS_PLATFORM, so its DMA would "
		       "bypass the IOMMU and miss the IOVAs of our buffers: give the device "
		       "iommu_platform=on (QEMU), or run with --iova-mode pa",
		       ad->pci->name);
		return virtio_fail(ad, -ENOTSUP);
	}
	want = offered & VIRTIO_DRIVER_FEATURES;
	if (!(want & VIRTIO_BIT(VIRTIO_NET_F_CTRL_VQ)))
		want &= ~VIRTIO_CTRL_DEPENDENT;
	virtio_pci_write_driver_features(hw, want);
	virtio_pci_set_status(hw, VIRTIO_CONFIG_S_FEATURES_OK);
	/* 3.1.1 step 6: the device may refuse the subset */
	if (!(virtio_pci_get_status(hw) & VIRTIO_CONFIG_S_FEATURES_OK)) {
		SL_LOG(ERR, VIRTIO,
		       "%s: the device refused the features 0x%" PRIx64 " (FEATURES_OK not "
		       "kept); it needs a feature this driver does not implement (offered 0x%" PRIx64
		       ")",
		       ad->pci->name, want, offered);
		return virtio_fail(ad, -ENOTSUP);
	}
	hw->features = want;
	return 0;
}

/* ---- control virtqueue (5.1.6.5) ---------------------------------------------- */

static int virtio_ctrl_alloc(struct virtio_adapter *ad, int socket)
{
	struct virtio_ctrl *c = calloc(1, sizeof(*c));
	uint16_t size = (uint16_t)SL_MIN(ad->ctrl_size, VIRTIO_CTRL_RING_SIZE);
	char name[64];

	if (c == NULL)
		goto nomem;
	snprintf(name, sizeof(name), "virtio_ctrl_%s", ad->pci->name);
	if (virtqueue_alloc(&c->vq, name, size, virtio_has(&ad->hw, VIRTIO_F_RING_EVENT_IDX),
			    socket) < 0) {
		free(c);
		return -ENOMEM;
	}
	snprintf(name, sizeof(name), "virtio_ctrl_cmd_%s", ad->pci->name);
	c->cmd = sl_dma_zalloc(name, sizeof(*c->cmd), SL_CACHE_LINE_SIZE, socket);
	if (c->cmd == NULL) {
		virtqueue_free(&c->vq);
		free(c);
		goto nomem;
	}
	c->cmd_iova = sl_mem_virt2iova(c->cmd);
	ad->ctrl = c;
	return 0;
nomem:
	SL_LOG(ERR, VIRTIO, "%s: no memory for the control queue: reserve more DMA memory (-m)",
	       ad->pci->name);
	return -ENOMEM;
}

static void virtio_ctrl_free(struct virtio_adapter *ad)
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
static int virtio_ctrl_cmd(struct virtio_adapter *ad, uint8_t class, uint8_t cmd,
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
	vq->avail->ring[vq->avail_idx & vq->mask] = 0;
	vq->avail_idx++;
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

static int virtio_ctrl_rx_mode(struct virtio_adapter *ad, uint8_t cmd, int on)
{
	uint8_t v = (uint8_t)!!on;

	return virtio_ctrl_cmd(ad, VIRTIO_NET_CTRL_RX, cmd, &v, 1);
}

/* ---- link ------------------------------------------------------------------------ */

static void virtio_link_read(struct virtio_adapter *ad, struct sl_eth_link *link)
{
	struct virtio_hw *hw = &ad->hw;
	uint16_t status = VIRTIO_NET_S_LINK_UP;
	uint32_t speed = VIRTIO_NET_SPEED_UNKNOWN;
	uint8_t duplex = VIRTIO_NET_DUPLEX_FULL;

	link->val64 = 0;
	link->link_autoneg = SL_ETH_LINK_FIXED;
	/* 5.1.4.2: without VIRTIO_NET_F_STATUS the link is always up */
	if (virtio_has(hw, VIRTIO_NET_F_STATUS) &&
	    virtio_pci_read_dev_cfg(hw, offsetof(struct virtio_net_config, status), &status,
				    sizeof(status)) < 0)
		return;
	if (!(status & VIRTIO_NET_S_LINK_UP))
		return;
	if (virtio_has(hw, VIRTIO_NET_F_SPEED_DUPLEX)) {
		virtio_pci_read_dev_cfg(hw, offsetof(struct virtio_net_config, speed), &speed,
					sizeof(speed));
		virtio_pci_read_dev_cfg(hw, offsetof(struct virtio_net_config, duplex), &duplex,
					sizeof(duplex));
	}
	link->link_status = SL_ETH_LINK_UP;
	link->link_speed = (speed == VIRTIO_NET_SPEED_UNKNOWN || speed == 0) ? SL_ETH_SPEED_NUM_UNKNOWN
									      : speed;
	link->link_duplex = duplex == VIRTIO_NET_DUPLEX_HALF ? SL_ETH_LINK_HALF_DUPLEX
							     : SL_ETH_LINK_FULL_DUPLEX;
}

static int virtio_link_update(struct sl_eth_dev *dev, int wait_to_complete)
{
	struct virtio_adapter *ad = adapter_of(dev);
	struct sl_eth_link link;

	/* A virtual link has no negotiation to wait for. */
	(void)wait_to_complete;
	if (dev->data->dev_started) {
		uint8_t status = virtio_pci_get_status(&ad->hw);

		if ((status & VIRTIO_CONFIG_S_DEVICE_NEEDS_RESET) && !ad->warned_reset) {
			ad->warned_reset = 1;
			SL_LOG(ERR, VIRTIO,
			       "port %u (%s): the device reports DEVICE_NEEDS_RESET (status 0x%x): "
			       "stop and start the port",
			       dev->data->port_id, ad->pci->name, status);
		}
		virtio_link_read(ad, &link);
	} else {
		link.val64 = 0;
	}
	sl_eth_dev_link_set(dev, &link);
	return 0;
}

/* ---- configuration ---------------------------------------------------------------- */

static int virtio_dev_configure(struct sl_eth_dev *dev)
{
	const struct sl_eth_conf *conf = &dev->data->dev_conf;

	if (conf->lpbk_mode != 0) {
		SL_LOG(ERR, VIRTIO, "port %u: net_virtio has no loopback mode (lpbk_mode %u): use 0",
		       dev->data->port_id, conf->lpbk_mode);
		return -EINVAL;
	}
	if (conf->link_speeds & SL_ETH_LINK_SPEED_FIXED) {
		SL_LOG(ERR, VIRTIO,
		       "port %u: a virtio link has no speed to set: use link_speeds 0 (autonegotiate)",
		       dev->data->port_id);
		return -ENOTSUP;
	}
	return 0;
}

static int virtio_dev_infos_get(struct sl_eth_dev *dev, struct sl_eth_dev_info *info)
{
	struct virtio_adapter *ad = adapter_of(dev);
	int mrg = virtio_has(&ad->hw, VIRTIO_NET_F_MRG_RXBUF);

	info->driver_name = VIRTIO_DRIVER_NAME;
	info->min_mtu = SL_ETHER_MIN_MTU;
	info->max_mtu = ad->max_mtu;
	info->max_rx_pktlen = (uint32_t)ad->max_mtu + SL_ETHER_HDR_LEN + SL_ETHER_VLAN_HDR_LEN;
	info->min_rx_bufsize = 64;
	info->max_rx_queues = (uint16_t)SL_MIN(ad->max_pairs, SL_MAX_QUEUES_PER_PORT);
	info->max_tx_queues = info->max_rx_queues;
	info->max_mac_addrs = 1;
	info->rx_offload_capa = mrg ? SL_ETH_RX_OFFLOAD_SCATTER : 0;
	info->tx_offload_capa = SL_ETH_TX_OFFLOAD_MULTI_SEGS;
	info->rx_desc_lim.nb_min = VIRTIO_MIN_RING_DESC;
	info->rx_desc_lim.nb_max = ad->rx_size_max;
	info->rx_desc_lim.nb_align = 1;
	info->tx_desc_lim.nb_min = VIRTIO_MIN_RING_DESC;
	info->tx_desc_lim.nb_max = ad->tx_size_max;
	info->tx_desc_lim.nb_align = 1;
	info->tx_desc_lim.nb_seg_max = VIRTIO_TX_MAX_SEGS;
	info->tx_desc_lim.nb_mtu_seg_max = VIRTIO_TX_MAX_SEGS;
	info->default_rxconf.rx_free_thresh = VIRTIO_DEFAULT_RX_FREE_THRESH;
	info->default_txconf.tx_free_thresh = VIRTIO_DEFAULT_TX_FREE_THRESH;
	info->speed_capa = 0;
	info->default_rxportconf.burst_size = VIRTIO_DEFAULT_BURST;
	info->default_rxportconf.ring_size = ad->rx_size_max;
	info->default_rxportconf.nb_queues = 1;
	info->default_txportconf.burst_size = VIRTIO_DEFAULT_BURST;
	info->default_txportconf.ring_size = ad->tx_size_max;
	info->default_txportconf.nb_queues = 1;
	return 0;
}

static int check_ring_size(uint16_t port, const char *dir, uint16_t nb_desc, uint16_t max)
{
	if (!sl_is_power_of_2(nb_desc) || nb_desc > max) {
		SL_LOG(ERR, VIRTIO,
		       "port %u: %s ring of %u descriptors: virtio split rings need a power of two "
		       "between %u and %u (the device's queue size)",
		       port, dir, nb_desc, VIRTIO_MIN_RING_DESC, max);
		return -EINVAL;
	}
	return 0;
}

static int virtio_rx_queue_setup(struct sl_eth_dev *dev, uint16_t q, uint16_t nb_desc, int socket,
				 const struct sl_eth_rxconf *conf, struct sl_mempool *mp)
{
	struct virtio_adapter *ad = adapter_of(dev);
	uint16_t port = dev->data->port_id, free_thresh;
	uint64_t offloads = dev->data->dev_conf.rxmode.offloads | conf->offloads;
	struct virtio_rx_queue *rxq;

	if (check_ring_size(port, "rx", nb_desc, ad->rx_size_max) < 0)
		return -EINVAL;
	free_thresh = conf->rx_free_thresh
			      ? conf->rx_free_thresh
			      : (uint16_t)SL_MIN(VIRTIO_DEFAULT_RX_FREE_THRESH, nb_desc / 4);
	if (free_thresh == 0 || free_thresh >= nb_desc) {
		SL_LOG(ERR, VIRTIO, "port %u: rx_free_thresh %u must be 1..%u (below the ring size)",
		       port, free_thresh, nb_desc - 1);
		return -EINVAL;
	}
	if (conf->rx_deferred_start) {
		SL_LOG(ERR, VIRTIO, "port %u: rx_deferred_start is not supported by net_virtio",
		       port);
		return -ENOTSUP;
	}
	rxq = virtio_rx_queue_create(port, q, nb_desc, socket, mp,
				     virtio_has(&ad->hw, VIRTIO_NET_F_MRG_RXBUF),
				     !!(offloads & SL_ETH_RX_OFFLOAD_SCATTER),
				     virtio_has(&ad->hw, VIRTIO_F_RING_EVENT_IDX), free_thresh);
	if (rxq == NULL)
		return -ENOMEM;
	dev->data->rx_queues[q] = rxq;
	return 0;
}

static int virtio_tx_queue_setup(struct sl_eth_dev *dev, uint16_t q, uint16_t nb_desc, int socket,
				 const struct sl_eth_txconf *conf)
{
	struct virtio_adapter *ad = adapter_of(dev);
	uint16_t port = dev->data->port_id, free_thresh;
	struct virtio_tx_queue *txq;

	if (check_ring_size(port, "tx", nb_desc, ad->tx_size_max) < 0)
		return -EINVAL;
	free_thresh = conf->tx_free_thresh
			      ? conf->tx_free_thresh
			      : (uint16_t)SL_MIN(VIRTIO_DEFAULT_TX_FREE_THRESH, nb_desc / 4);
	if (free_thresh >= nb_desc) {
		SL_LOG(ERR, VIRTIO, "port %u: tx_free_thresh %u must be below the ring size %u",
		       port, free_thresh, nb_desc);
		return -EINVAL;
	}
	if (conf->tx_deferred_start) {
		SL_LOG(ERR, VIRTIO, "port %u: tx_deferred_start is not supported by net_virtio",
		       port);
		return -ENOTSUP;
	}
	txq = virtio_tx_queue_create(port, q, nb_desc, socket,
				     virtio_has(&ad->hw, VIRTIO_F_RING_EVENT_IDX), free_thresh);
	if (txq == NULL)
		return -ENOMEM;
	dev->data->tx_queues[q] = txq;
	return 0;
}

static void virtio_rx_queue_release(struct sl_eth_dev *dev, uint16_t q)
{
	virtio_rx_queue_destroy(dev->data->rx_queues[q]);
}

static void virtio_tx_queue_release(struct sl_eth_dev *dev, uint16_t q)
{
	virtio_tx_queue_destroy(dev->data->tx_queues[q]);
}

/* ---- start / stop / close ----------------------------------------------------------- */

static int setup_vq(struct virtio_adapter *ad, struct virtqueue *vq, uint16_t index)
{
	vq->index = index;
	return virtio_pci_queue_setup(&ad->hw, index, vq->size, vq->desc_iova, vq->avail_iova,
				      vq->used_iova, &vq->notify);
}

static void drain_all(struct sl_eth_dev *dev)
{
	uint16_t q;

	for (q = 0; q < dev->data->nb_rx_queues; q++)
		if (dev->data->rx_queues[q] != NULL)
			virtio_rx_queue_drain(dev->data->rx_queues[q]);
	for (q = 0; q < dev->data->nb_tx_queues; q++)
		if (dev->data->tx_queues[q] != NULL)
			virtio_tx_queue_drain(dev->data->tx_queues[q]);
}

static int rx_check_frame_fits(struct sl_eth_dev *dev, struct virtio_adapter *ad,
			       const struct virtio_rx_queue *rxq)
{
	uint32_t mtu = dev->data->mtu ? dev->data->mtu : SL_ETHER_MTU;
	uint32_t max_frame = mtu + SL_ETHER_HDR_LEN + SL_ETHER_VLAN_HDR_LEN;
	uint32_t room = (uint32_t)rxq->buf_len - rxq->hdr_len;

	if (max_frame <= room)
		return 0;
	if (!virtio_has(&ad->hw, VIRTIO_NET_F_MRG_RXBUF)) {
		SL_LOG(ERR, VIRTIO,
		       "port %u: frames of up to %u bytes (MTU %u) do not fit the %u-byte RX "
		       "buffers and the device cannot merge buffers (no VIRTIO_NET_F_MRG_RXBUF): "
		       "use mbufs with a bigger data room",
		       dev->data->port_id, max_frame, mtu, room);
		return -EINVAL;
	}
	if (!rxq->scatter) {
		SL_LOG(ERR, VIRTIO,
		       "port %u: frames of up to %u bytes (MTU %u) do not fit the %u-byte RX "
		       "buffers: enable SL_ETH_RX_OFFLOAD_SCATTER or use mbufs with a bigger "
		       "data room",
		       dev->data->port_id, max_frame, mtu, room);
		return -EINVAL;
	}
	return 0;
}

static int virtio_dev_start(struct sl_eth_dev *dev)
{
	struct virtio_adapter *ad = adapter_of(dev);
	struct sl_eth_dev_data *data = dev->data;
	uint16_t q, pairs = (uint16_t)SL_MAX(data->nb_rx_queues, data->nb_tx_queues);
	int ret;

	for (q = 0; q < data->nb_rx_queues; q++) {
		ret = rx_check_frame_fits(dev, ad, data->rx_queues[q]);
		if (ret < 0)
			return ret;
	}
	ret = virtio_negotiate(ad);
	if (ret < 0)
		goto fail;
	for (q = 0; q < data->nb_rx_queues; q++) {
		struct virtio_rx_queue *rxq = data->rx_queues[q];

		if (virtio_rx_queue_fill(rxq) < 0) {
			SL_LOG(ERR, VIRTIO,
			       "port %u: the RX pool has %u free mbufs, rx queue %u needs %u: "
			       "create the pool with more mbufs (rings + bursts in flight + caches)",
			       data->port_id, sl_mempool_avail_count(rxq->mp), q, rxq->vq.size);
			ret = -ENOMEM;
			goto fail;
		}
		ret = setup_vq(ad, &rxq->vq, (uint16_t)(2 * q));
		if (ret < 0)
			goto fail;
	}
	for (q = 0; q < data->nb_tx_queues; q++) {
		struct virtio_tx_queue *txq = data->tx_queues[q];

		virtio_tx_queue_drain(txq);
		ret = setup_vq(ad, &txq->vq, (uint16_t)(2 * q + 1));
		if (ret < 0)
			goto fail;
	}
	if (ad->ctrl != NULL) {
		virtqueue_reinit(&ad->ctrl->vq);
		/* 5.1.2: the control queue follows the device's last pair */
		ret = setup_vq(ad, &ad->ctrl->vq, (uint16_t)(2 * ad->max_pairs));
		if (ret < 0)
			goto fail;
	}
	virtio_pci_set_status(&ad->hw, VIRTIO_CONFIG_S_DRIVER_OK);
	if (virtio_pci_get_status(&ad->hw) &
	    (VIRTIO_CONFIG_S_DEVICE_NEEDS_RESET | VIRTIO_CONFIG_S_FAILED)) {
		SL_LOG(ERR, VIRTIO, "port %u (%s): the device rejected the setup (status 0x%x)",
		       data->port_id, ad->pci->name, virtio_pci_get_status(&ad->hw));
		ret = -EIO;
		goto fail;
	}

	/* What only a live device accepts (5.1.6.5). */
	if (virtio_has(&ad->hw, VIRTIO_NET_F_MQ)) {
		uint16_t le_pairs = pairs;

		ret = virtio_ctrl_cmd(ad, VIRTIO_NET_CTRL_MQ, VIRTIO_NET_CTRL_MQ_VQ_PAIRS_SET,
				      &le_pairs, sizeof(le_pairs));
		if (ret < 0)
			goto fail;
	}
	ad->active_pairs = pairs;
	if (virtio_has(&ad->hw, VIRTIO_NET_F_CTRL_RX)) {
		/* QEMU's device starts promiscuous: always say what we want */
		ret = virtio_ctrl_rx_mode(ad, VIRTIO_NET_CTRL_RX_PROMISC, data->promiscuous);
		if (ret == 0)
			ret = virtio_ctrl_rx_mode(ad, VIRTIO_NET_CTRL_RX_ALLMULTI,
						  data->all_multicast);
		if (ret < 0)
			goto fail;
	}
	if (!sl_is_same_ether_addr(&data->mac_addr, &ad->perm_addr)) {
		if (virtio_has(&ad->hw, VIRTIO_NET_F_CTRL_MAC_ADDR)) {
			ret = virtio_ctrl_cmd(ad, VIRTIO_NET_CTRL_MAC, VIRTIO_NET_CTRL_MAC_ADDR_SET,
					      data->mac_addr.addr_bytes, SL_ETHER_ADDR_LEN);
			if (ret < 0)
				goto fail;
		} else {
			SL_LOG(WARNING, VIRTIO,
			       "port %u: the device cannot change its MAC address (no "
			       "VIRTIO_NET_F_CTRL_MAC_ADDR): it still filters on its own",
			       data->port_id);
		}
	}
	/* The rings were filled before DRIVER_OK, when no doorbell may ring. */
	for (q = 0; q < data->nb_rx_queues; q++)
		virtqueue_notify(&((struct virtio_rx_queue *)data->rx_queues[q])->vq);
	virtio_link_update(dev, 0);
	return 0;
fail:
	virtio_pci_reset(&ad->hw);
	drain_all(dev);
	return ret;
}

static void log_vq_counters(uint16_t port, const char *dir, uint16_t q,
			    const struct sl_eth_queue_counters *cnt, const struct virtqueue *vq)
{
	SL_LOG(DEBUG, VIRTIO,
	       "port %u %s queue %u: %" PRIu64 " frames, %" PRIu64 " ring updates, %" PRIu64
	       " notifications",
	       port, dir, q, sl_eth_qcnt_read(cnt, SL_QCNT_PKTS), vq->publishes, vq->notifications);
}

static void log_queue_counters(struct sl_eth_dev *dev)
{
	uint16_t q;

	for (q = 0; q < dev->data->nb_rx_queues; q++) {
		const struct virtio_rx_queue *rxq = dev->data->rx_queues[q];

		log_vq_counters(dev->data->port_id, "rx", q, &rxq->cnt, &rxq->vq);
	}
	for (q = 0; q < dev->data->nb_tx_queues; q++) {
		const struct virtio_tx_queue *txq = dev->data->tx_queues[q];

		log_vq_counters(dev->data->port_id, "tx", q, &txq->cnt, &txq->vq);
	}
}

static int virtio_dev_stop(struct sl_eth_dev *dev)
{
	struct virtio_adapter *ad = adapter_of(dev);
	struct sl_eth_link down = { .val64 = 0 };

	/* 4.1.4.3.2: once status reads back 0 the device uses no queue */
	if (virtio_pci_reset(&ad->hw) < 0)
		SL_LOG(WARNING, VIRTIO, "port %u (%s): the device did not finish its reset",
		       dev->data->port_id, ad->pci->name);
	sl_delay_us(STOP_DRAIN_US);
	log_queue_counters(dev);
	drain_all(dev);
	sl_eth_dev_link_set(dev, &down);
	return 0;
}

static int virtio_dev_close(struct sl_eth_dev *dev)
{
	struct virtio_adapter *ad = adapter_of(dev);

	if (ad == NULL)
		return 0;
	virtio_pci_reset(&ad->hw);
	virtio_ctrl_free(ad);
	ad->pci->driver_data = NULL;
	free(ad);
	dev->data->dev_private = NULL;
	return 0;
}

/* ---- statistics ------------------------------------------------------------------- */

int virtio_stats_get(struct sl_eth_dev *dev, struct sl_eth_stats *st)
{
	sl_eth_stats_add_queues(st, dev->data, offsetof(struct virtio_rx_queue, cnt),
				offsetof(struct virtio_tx_queue, cnt));
	return 0;
}

int virtio_stats_reset(struct sl_eth_dev *dev)
{
	sl_eth_stats_reset_queues(dev->data, offsetof(struct virtio_rx_queue, cnt),
				  offsetof(struct virtio_tx_queue, cnt));
	return 0;
}

/* ---- receive filters, address ------------------------------------------------------- */

static int rx_mode_set(struct sl_eth_dev *dev, uint8_t cmd, int on)
{
	struct virtio_adapter *ad = adapter_of(dev);

	if (!virtio_has(&ad->hw, VIRTIO_NET_F_CTRL_RX)) {
		/* Without the command the device receives everything. */
		if (on)
			return 0;
		SL_LOG(ERR, VIRTIO,
		       "port %u: the device has no receive filter control (no "
		       "VIRTIO_NET_F_CTRL_RX): it is always promiscuous",
		       dev->data->port_id);
		return -ENOTSUP;
	}
	/* Stopped: dev_start sends what data->promiscuous etc. say. */
	if (!dev->data->dev_started)
		return 0;
	return virtio_ctrl_rx_mode(ad, cmd, on);
}

static int virtio_promiscuous_enable(struct sl_eth_dev *dev)
{
	return rx_mode_set(dev, VIRTIO_NET_CTRL_RX_PROMISC, 1);
}

static int virtio_promiscuous_disable(struct sl_eth_dev *dev)
{
	return rx_mode_set(dev, VIRTIO_NET_CTRL_RX_PROMISC, 0);
}

static int virtio_allmulticast_enable(struct sl_eth_dev *dev)
{
	return rx_mode_set(dev, VIRTIO_NET_CTRL_RX_ALLMULTI, 1);
}

static int virtio_allmulticast_disable(struct sl_eth_dev *dev)
{
	return rx_mode_set(dev, VIRTIO_NET_CTRL_RX_ALLMULTI, 0);
}

static int virtio_mac_addr_set(struct sl_eth_dev *dev, struct sl_ether_addr *mac)
{
	struct virtio_adapter *ad = adapter_of(dev);

	if (!virtio_has(&ad->hw, VIRTIO_NET_F_CTRL_MAC_ADDR)) {
		SL_LOG(ERR, VIRTIO,
		       "port %u: the device cannot change its MAC address (no "
		       "VIRTIO_NET_F_CTRL_MAC_ADDR)",
		       dev->data->port_id);
		return -ENOTSUP;
	}
	if (!dev->data->dev_started)
		return 0;
	return virtio_ctrl_cmd(ad, VIRTIO_NET_CTRL_MAC, VIRTIO_NET_CTRL_MAC_ADDR_SET,
			       mac->addr_bytes, SL_ETHER_ADDR_LEN);
}

static const struct sl_eth_dev_ops virtio_ops = {
	.dev_configure = virtio_dev_configure,
	.dev_start = virtio_dev_start,
	.dev_stop = virtio_dev_stop,
	.dev_close = virtio_dev_close,
	.dev_infos_get = virtio_dev_infos_get,
	.rx_queue_setup = virtio_rx_queue_setup,
	.tx_queue_setup = virtio_tx_queue_setup,
	.rx_queue_release = virtio_rx_queue_release,
	.tx_queue_release = virtio_tx_queue_release,
	.link_update = virtio_link_update,
	.stats_get = virtio_stats_get,
	.stats_reset = virtio_stats_reset,
	.promiscuous_enable = virtio_promiscuous_enable,
	.promiscuous_disable = virtio_promiscuous_disable,
	.allmulticast_enable = virtio_allmulticast_enable,
	.allmulticast_disable = virtio_allmulticast_disable,
	.mac_addr_set = virtio_mac_addr_set,
};

/* ---- PCI ----------------------------------------------------------------------------- */

/* The largest power of two not above n (split rings, 2.7). */
static uint16_t pow2_floor(uint16_t n)
{
	return n == 0 ? 0 : (uint16_t)(1u << (31 - __builtin_clz(n)));
}

/* After negotiation: the device's MAC, queue pairs, MTU, queue sizes. */
static int virtio_read_device(struct virtio_adapter *ad)
{
	struct virtio_hw *hw = &ad->hw;
	const char *name = ad->pci->name;
	uint16_t nq = virtio_pci_num_queues(hw), need;
	char buf[SL_ETHER_ADDR_FMT_SIZE];

	if (!virtio_has(hw, VIRTIO_NET_F_MAC) ||
	    virtio_pci_read_dev_cfg(hw, offsetof(struct virtio_net_config, mac),
				    ad->perm_addr.addr_bytes, SL_ETHER_ADDR_LEN) < 0 ||
	    !sl_is_valid_assigned_ether_addr(&ad->perm_addr)) {
		sl_eth_random_addr(&ad->perm_addr);
		sl_ether_format_addr(buf, sizeof(buf), &ad->perm_addr);
		SL_LOG(WARNING, VIRTIO,
		       "%s: the device has no MAC address of its own; using random %s", name, buf);
	}
	ad->max_pairs = 1;
	if (virtio_has(hw, VIRTIO_NET_F_MQ)) {
		uint16_t pairs = 0;

		virtio_pci_read_dev_cfg(hw, offsetof(struct virtio_net_config, max_virtqueue_pairs),
					&pairs, sizeof(pairs));
		if (pairs < VIRTIO_NET_CTRL_MQ_VQ_PAIRS_MIN || pairs > VIRTIO_NET_CTRL_MQ_VQ_PAIRS_MAX) {
			SL_LOG(ERR, VIRTIO,
			       "%s: the device reports max_virtqueue_pairs %u (spec: 1..32768): "
			       "broken device",
			       name, pairs);
			return -EIO;
		}
		ad->max_pairs = pairs;
	}
	ad->max_mtu = virtio_has(hw, VIRTIO_NET_F_MRG_RXBUF)
			      ? VIRTIO_MAX_RX_PKTLEN - SL_ETHER_HDR_LEN - SL_ETHER_VLAN_HDR_LEN
			      : SL_ETHER_MTU;
	if (virtio_has(hw, VIRTIO_NET_F_MTU)) {
		uint16_t mtu = 0;

		virtio_pci_read_dev_cfg(hw, offsetof(struct virtio_net_config, mtu), &mtu,
					sizeof(mtu));
		/* 5.1.4.1: the device's limit; the driver must not exceed it */
		if (mtu >= SL_ETHER_MIN_MTU)
			ad->max_mtu = mtu;
	}
	need = (uint16_t)(2 * ad->max_pairs + (virtio_has(hw, VIRTIO_NET_F_CTRL_VQ) ? 1 : 0));
	if (nq < need) {
		SL_LOG(ERR, VIRTIO, "%s: the device has %u virtqueues, its features need %u: broken "
		       "device", name, nq, need);
		return -EIO;
	}
	ad->rx_size_max = pow2_floor((uint16_t)SL_MIN(virtio_pci_queue_max_size(hw, 0), VRING_MAX_SIZE));
	ad->tx_size_max = pow2_floor((uint16_t)SL_MIN(virtio_pci_queue_max_size(hw, 1), VRING_MAX_SIZE));
	if (virtio_has(hw, VIRTIO_NET_F_CTRL_VQ))
		ad->ctrl_size = pow2_floor((uint16_t)SL_MIN(
			virtio_pci_queue_max_size(hw, (uint16_t)(2 * ad->max_pairs)), VRING_MAX_SIZE));
	if (ad->rx_size_max < VIRTIO_MIN_RING_DESC || ad->tx_size_max < VIRTIO_MIN_RING_DESC ||
	    (virtio_has(hw, VIRTIO_NET_F_CTRL_VQ) && ad->ctrl_size < 4)) {
		SL_LOG(ERR, VIRTIO,
		       "%s: queue sizes rx %u, tx %u, control %u are too small (at least %u, %u, 4)",
		       name, ad->rx_size_max, ad->tx_size_max, ad->ctrl_size, VIRTIO_MIN_RING_DESC,
		       VIRTIO_MIN_RING_DESC);
		return -EIO;
	}
	return 0;
}

static int virtio_pci_probe(struct sl_pci_device *pci)
{
	struct virtio_adapter *ad;
	struct sl_eth_dev *eth;
	char mac[SL_ETHER_ADDR_FMT_SIZE];
	int ret;

	ad = calloc(1, sizeof(*ad));
	if (ad == NULL) {
		SL_LOG(ERR, VIRTIO, "%s: out of memory", pci->name);
		return -ENOMEM;
	}
	ad->pci = pci;
	ret = virtio_pci_init(&ad->hw, pci, 0);
	if (ret < 0)
		goto fail;
	SL_LOG(DEBUG, VIRTIO,
	       "%s: common cfg BAR%u+0x%x, notify BAR%u+0x%x (x%u), device cfg BAR%u+0x%x "
	       "(%u bytes)",
	       pci->name, ad->hw.common_bar, ad->hw.common_off, ad->hw.notify_bar,
	       ad->hw.notify_off, ad->hw.notify_off_multiplier, ad->hw.dev_cfg_bar,
	       ad->hw.dev_cfg_off, ad->hw.dev_cfg_len);
	/* Whatever a previous owner left running stops here. */
	ret = virtio_negotiate(ad);
	if (ret < 0)
		goto fail;
	log_features(ad);
	ret = virtio_read_device(ad);
	if (ret < 0) {
		virtio_fail(ad, ret);
		goto fail;
	}
	if (virtio_has(&ad->hw, VIRTIO_NET_F_CTRL_VQ)) {
		ret = virtio_ctrl_alloc(ad, pci->numa_node);
		if (ret < 0)
			goto fail;
	}
	virtio_pci_reset(&ad->hw);

	eth = sl_eth_dev_allocate(pci->name);
	if (eth == NULL) {
		ret = errno ? -errno : -ENOSPC;
		goto fail;
	}
	eth->dev_ops = &virtio_ops;
	eth->rx_burst = virtio_recv_pkts;
	eth->tx_burst = virtio_xmit_pkts;
	eth->device = pci;
	eth->data->dev_private = ad;
	eth->data->mac_addr = ad->perm_addr;
	eth->data->socket_id = pci->numa_node;
	eth->data->driver_name = VIRTIO_DRIVER_NAME;
	ad->eth = eth;
	pci->driver_data = eth;
	sl_eth_dev_probing_finish(eth);

	sl_ether_format_addr(mac, sizeof(mac), &ad->perm_addr);
	SL_LOG(INFO, VIRTIO,
	       "%s: port %u, virtio-net %s, MAC %s, %u queue pair(s), queue sizes %u/%u, "
	       "max MTU %u",
	       pci->name, eth->data->port_id,
	       pci->id.device == VIRTIO_PCI_DEVICE_ID_NET_MODERN ? "(modern)" : "(transitional)",
	       mac, ad->max_pairs, ad->rx_size_max, ad->tx_size_max, ad->max_mtu);
	return 0;
fail:
	if (ad->hw.common != NULL)
		virtio_pci_reset(&ad->hw);
	virtio_ctrl_free(ad);
	free(ad);
	return ret;
}

static int virtio_pci_remove(struct sl_pci_device *pci)
{
	int ret = sl_eth_dev_stop_close(pci->driver_data);
	struct virtio_hw hw;

	/* Whatever happened above, the device is left reset (no DMA) for the
	 * bus to unmap and for the kernel's driver to take. */
	if (virtio_pci_init(&hw, pci, 1) == 0)
		virtio_pci_reset(&hw);
	pci->driver_data = NULL;
	return ret;
}

/* Before bus mastering: a previous owner killed mid-traffic left the
 * device running on its rings, whose IOVAs now map this process's memory.
 * A virtio reset (4.1.4.3.2) stops every queue; VFIO's own reset may
 * already have, but not every device has one. Probe reports devices that
 * are not virtio 1.x. */
static void virtio_pci_quiesce(struct sl_pci_device *pci)
{
	struct virtio_hw hw;

	if (virtio_pci_init(&hw, pci, 1) == 0 && virtio_pci_reset(&hw) < 0)
		SL_LOG(WARNING, VIRTIO, "%s: the device did not finish its reset", pci->name);
}

static const struct sl_pci_id virtio_pci_ids[] = {
	{ VIRTIO_PCI_VENDOR_ID, VIRTIO_PCI_DEVICE_ID_NET_MODERN },
	{ VIRTIO_PCI_VENDOR_ID, VIRTIO_PCI_DEVICE_ID_NET_TRANSITIONAL },
	{ 0, 0 },
};

static struct sl_pci_driver virtio_pci_driver = {
	.name = VIRTIO_DRIVER_NAME,
	.id_table = virtio_pci_ids,
	.probe = virtio_pci_probe,
	.remove = virtio_pci_remove,
	.quiesce = virtio_pci_quiesce,
};

SL_PCI_REGISTER(virtio_pci_driver)
