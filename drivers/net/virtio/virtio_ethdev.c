/* SPDX-License-Identifier: BSD-3-Clause
 * virtio-net control path: the ethdev ops (configure, info, start/stop/
 * close, link, statistics, receive filters, MAC address) and PCI
 * probe/remove. Negotiation is in virtio_device.c, the control queue in
 * virtio_ctrl.c, queue objects in virtio_queue.c.
 *
 * Device life. Probe negotiates once to learn what the device offers and
 * reads its configuration (MAC, queue pairs, MTU, queue sizes), then
 * resets it. Every start runs the whole 3.1.1 sequence again from a reset:
 * ACKNOWLEDGE, DRIVER, features, FEATURES_OK (checked), interrupt vectors
 * if asked for (virtio_intr.c), queues (sizes, ring IOVAs, MSI-X vector,
 * enable), DRIVER_OK, then the control-queue commands that
 * only work on a live device. Stop and close reset the device (it stops
 * all DMA before reading back 0), so whatever state a previous process
 * left, even one killed mid-traffic, and the kernel's virtio-net can take
 * the device back afterwards.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sl_eal.h"
#include "sl_log.h"
#include "virtio_ethdev.h"

/* ---- link ------------------------------------------------------------------------ */

/* What the live device says (DRIVER_OK set). */
static void link_read_live(struct sl_eth_dev *dev, struct sl_eth_link *link)
{
	struct virtio_adapter *ad = virtio_adapter_of(dev);
	uint8_t status = virtio_pci_get_status(&ad->hw);

	if ((status & VIRTIO_CONFIG_S_DEVICE_NEEDS_RESET) && !ad->warned_reset) {
		ad->warned_reset = 1;
		SL_LOG(ERR, VIRTIO,
		       "port %u (%s): the device reports DEVICE_NEEDS_RESET (status 0x%x): "
		       "stop and start the port",
		       dev->data->port_id, ad->pci->name, status);
	}
	virtio_link_read(ad, link);
}

static int virtio_link_update(struct sl_eth_dev *dev, int wait_to_complete)
{
	struct sl_eth_link link = { .val64 = 0 };

	/* A virtual link has no negotiation to wait for. */
	(void)wait_to_complete;
	if (dev->data->dev_started)
		link_read_live(dev, &link);
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
	virtio_adapter_of(dev)->offload_features = virtio_offload_features(conf);
	return virtio_intr_configure(dev);
}

static int virtio_dev_infos_get(struct sl_eth_dev *dev, struct sl_eth_dev_info *info)
{
	struct virtio_adapter *ad = virtio_adapter_of(dev);
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
	virtio_offload_info(ad, info);
	virtio_intr_info(ad, info);
	return 0;
}

/* ---- start / stop / close ----------------------------------------------------------- */

static int setup_vq(struct virtio_adapter *ad, struct virtqueue *vq, uint16_t index,
		    uint16_t vector)
{
	vq->index = index;
	return virtio_pci_queue_setup(&ad->hw, index, vq->size, vq->desc_iova, vq->avail_iova,
				      vq->used_iova, vector, &vq->notify);
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
	return sl_eth_rx_frame_check(dev, (uint32_t)rxq->buf_len - rxq->hdr_len, rxq->scatter,
				     virtio_has(&ad->hw, VIRTIO_NET_F_MRG_RXBUF)
					     ? NULL
					     : "the device cannot merge buffers (no "
					       "VIRTIO_NET_F_MRG_RXBUF)");
}

/* What only a live device accepts (5.1.6.5): the queue pairs in use, the
 * receive mode, the MAC address. 0 or -errno after a log line. */
static int virtio_live_config(struct sl_eth_dev *dev, struct virtio_adapter *ad, uint16_t pairs)
{
	struct sl_eth_dev_data *data = dev->data;
	int ret;

	if (virtio_has(&ad->hw, VIRTIO_NET_F_MQ)) {
		uint16_t le_pairs = pairs;

		ret = virtio_ctrl_cmd(ad, VIRTIO_NET_CTRL_MQ, VIRTIO_NET_CTRL_MQ_VQ_PAIRS_SET,
				      &le_pairs, sizeof(le_pairs));
		if (ret < 0)
			return ret;
	}
	ad->active_pairs = pairs;
	if (virtio_has(&ad->hw, VIRTIO_NET_F_CTRL_RX)) {
		/* QEMU's device starts promiscuous: always say what we want */
		ret = virtio_ctrl_rx_mode(ad, VIRTIO_NET_CTRL_RX_PROMISC, data->promiscuous);
		if (ret == 0)
			ret = virtio_ctrl_rx_mode(ad, VIRTIO_NET_CTRL_RX_ALLMULTI,
						  data->all_multicast);
		if (ret < 0)
			return ret;
	}
	if (!sl_is_same_ether_addr(&data->mac_addr, &ad->perm_addr)) {
		if (virtio_has(&ad->hw, VIRTIO_NET_F_CTRL_MAC_ADDR)) {
			ret = virtio_ctrl_cmd(ad, VIRTIO_NET_CTRL_MAC, VIRTIO_NET_CTRL_MAC_ADDR_SET,
					      data->mac_addr.addr_bytes, SL_ETHER_ADDR_LEN);
			if (ret < 0)
				return ret;
		} else {
			SL_LOG(WARNING, VIRTIO,
			       "port %u: the device cannot change its MAC address (no "
			       "VIRTIO_NET_F_CTRL_MAC_ADDR): it still filters on its own",
			       data->port_id);
		}
	}
	return 0;
}

static int virtio_dev_start(struct sl_eth_dev *dev)
{
	struct virtio_adapter *ad = virtio_adapter_of(dev);
	struct sl_eth_dev_data *data = dev->data;
	uint16_t q, pairs = (uint16_t)SL_MAX(data->nb_rx_queues, data->nb_tx_queues);
	struct sl_eth_link link;
	int ret;

	for (q = 0; q < data->nb_rx_queues; q++) {
		ret = rx_check_frame_fits(dev, ad, data->rx_queues[q]);
		if (ret < 0)
			return ret;
	}
	ret = virtio_negotiate(ad);
	if (ret == 0)
		ret = virtio_intr_setup(dev);
	if (ret < 0)
		goto fail;
	virtio_offload_queues(dev);
	for (q = 0; q < data->nb_rx_queues; q++) {
		struct virtio_rx_queue *rxq = data->rx_queues[q];

		if (virtio_rx_queue_fill(rxq) < 0) {
			ret = sl_eth_rx_pool_short(dev, q, rxq->mp, rxq->vq.size);
			goto fail;
		}
		ret = setup_vq(ad, &rxq->vq, (uint16_t)(2 * q), virtio_intr_rx_vector(dev, q));
		if (ret < 0)
			goto fail;
	}
	for (q = 0; q < data->nb_tx_queues; q++) {
		struct virtio_tx_queue *txq = data->tx_queues[q];

		virtio_tx_queue_drain(txq);
		ret = setup_vq(ad, &txq->vq, (uint16_t)(2 * q + 1), VIRTIO_MSI_NO_VECTOR);
		if (ret < 0)
			goto fail;
	}
	if (ad->ctrl != NULL) {
		virtqueue_reinit(&ad->ctrl->vq);
		/* 5.1.2: the control queue follows the device's last pair */
		ret = setup_vq(ad, &ad->ctrl->vq, (uint16_t)(2 * ad->max_pairs),
			       VIRTIO_MSI_NO_VECTOR);
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

	ret = virtio_live_config(dev, ad, pairs);
	if (ret == 0)
		ret = virtio_intr_start(dev);
	if (ret < 0)
		goto fail;
	/* The rings were filled before DRIVER_OK, when no doorbell may ring. */
	for (q = 0; q < data->nb_rx_queues; q++)
		virtqueue_notify(&((struct virtio_rx_queue *)data->rx_queues[q])->vq);
	/* the state a link-change event compares with (dev_started is not
	 * set yet, so not through virtio_link_update) */
	link_read_live(dev, &link);
	sl_eth_dev_link_set(dev, &link);
	return 0;
fail:
	virtio_intr_stop(dev);
	virtio_pci_reset(&ad->hw);
	virtio_intr_teardown(dev);
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
	struct virtio_adapter *ad = virtio_adapter_of(dev);

	/* the interrupt thread leaves the port alone first */
	virtio_intr_stop(dev);
	/* 4.1.4.3.2: once status reads back 0 the device uses no queue and
	 * has no vector left to signal */
	if (virtio_pci_reset(&ad->hw) < 0)
		SL_LOG(WARNING, VIRTIO, "port %u (%s): the device did not finish its reset",
		       dev->data->port_id, ad->pci->name);
	virtio_intr_teardown(dev);
	sl_eth_stop_drain();
	log_queue_counters(dev);
	drain_all(dev);
	return 0;
}

static int virtio_dev_close(struct sl_eth_dev *dev)
{
	struct virtio_adapter *ad = virtio_adapter_of(dev);

	virtio_pci_reset(&ad->hw);
	virtio_ctrl_free(ad);
	free(ad);
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
	struct virtio_adapter *ad = virtio_adapter_of(dev);

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
	struct virtio_adapter *ad = virtio_adapter_of(dev);

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
	.rx_queue_intr_enable = virtio_rx_queue_intr_enable,
	.rx_queue_intr_disable = virtio_rx_queue_intr_disable,
};

static const struct sl_eth_driver virtio_eth_driver = {
	.name = VIRTIO_DRIVER_NAME,
	.ops = &virtio_ops,
	.rx_burst = virtio_recv_pkts,
	.tx_burst = virtio_xmit_pkts,
};

/* ---- PCI ----------------------------------------------------------------------------- */

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
	virtio_log_features(ad);
	virtio_offload_probe_note(ad);
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

	ret = sl_eth_dev_pci_create(&virtio_eth_driver, pci, ad, &ad->perm_addr, &eth);
	if (ret < 0)
		goto fail;
	ad->eth = eth;
	eth->tx_prepare = virtio_xmit_prep;

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

/* Before bus mastering: a previous owner killed mid-traffic left the
 * device running on its rings, whose IOVAs now map this process's memory.
 * A virtio reset (4.1.4.3.2) stops every queue; VFIO's own reset may
 * already have, but not every device has one. Probe reports devices that
 * are not virtio 1.x. Again at remove, after the port is closed: the
 * device is left reset (no DMA) for the bus to unmap and for the kernel's
 * driver to take. */
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

SL_ETH_PCI_DRIVER(virtio_pci_driver, VIRTIO_DRIVER_NAME, virtio_pci_ids, virtio_pci_probe,
		  virtio_pci_quiesce)
