/* SPDX-License-Identifier: BSD-3-Clause
 * virtio-net device initialisation: feature negotiation (3.1.1, 5.1.3)
 * and what the device's configuration space says (5.1.4): MAC, queue
 * pairs, MTU, queue sizes, link status. Nothing is offered to the device
 * that this driver does not implement.
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

/* ---- device initialisation (3.1.1) ------------------------------------------- */

void virtio_log_features(const struct virtio_adapter *ad)
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
		{ VIRTIO_NET_F_CSUM, "CSUM" },
		{ VIRTIO_NET_F_GUEST_CSUM, "GUEST_CSUM" },
		{ VIRTIO_NET_F_HOST_TSO4, "HOST_TSO4" },
		{ VIRTIO_NET_F_HOST_TSO6, "HOST_TSO6" },
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

int virtio_fail(struct virtio_adapter *ad, int err)
{
	virtio_pci_set_status(&ad->hw, VIRTIO_CONFIG_S_FAILED);
	return err;
}

int virtio_negotiate(struct virtio_adapter *ad)
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
	/* offloads only when the port is configured with them: a device
	 * told CSUM may hand over packets with unfinished checksums */
	want = offered & (VIRTIO_DRIVER_FEATURES | ad->offload_features);
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

/* ---- the device's configuration (5.1.4) ------------------------------------ */

/* The largest power of two not above n (split rings, 2.7). */
static uint16_t pow2_floor(uint16_t n)
{
	return n == 0 ? 0 : (uint16_t)(1u << (31 - __builtin_clz(n)));
}

int virtio_read_device(struct virtio_adapter *ad)
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

void virtio_link_read(struct virtio_adapter *ad, struct sl_eth_link *link)
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
