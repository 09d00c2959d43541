/* SPDX-License-Identifier: BSD-3-Clause
 * virtio-net checksum and segmentation offloads, the control path: what
 * dev_info advertises (from the features the device offers), which
 * feature bits a configuration's offloads need (negotiated at start,
 * virtio_device.c), and what each queue then does per packet (the fast
 * path is virtio_rxtx.c).
 *
 * TX (5.1.6.2). With VIRTIO_NET_F_CSUM the device fills one L4 checksum:
 * it sums from csum_start to the end and stores the result at csum_start +
 * csum_offset, so the field must hold the pseudo-header sum
 * (sl_net_tx_cksum_prepare). virtio has no IPv4 header checksum offload.
 * With HOST_TSO4/6 (both, or TSO is not advertised: one capability bit
 * covers both families) the device cuts TCP packets into gso_size
 * payloads. Unlike Intel's NICs, the pseudo-header of a TSO packet keeps
 * the L4 length: Linux's tcp_gso_segment, which segments what QEMU hands
 * a tap, adjusts the field by (segment length - whole length), so the
 * driver's tx_prepare puts the length back in.
 *
 * RX (5.1.6.4). With VIRTIO_NET_F_GUEST_CSUM the device may hand over a
 * packet whose checksum it left undone (NEEDS_CSUM: a partial checksum of
 * a packet made on the host; the data is intact) -> SL_MBUF_F_RX_L4_CKSUM_NONE,
 * or one it checked (DATA_VALID) -> SL_MBUF_F_RX_L4_CKSUM_GOOD. It never
 * reports a bad checksum: those packets carry no flag, and so do all
 * packets without GUEST_CSUM.
 *
 * QEMU offers CSUM, GUEST_CSUM and HOST_TSO4/6 only when its netdev
 * backend takes a vnet header: a tap opened with IFF_VNET_HDR (or vhost),
 * not the socket/dgram backends.
 */
#include "sl_log.h"
#include "virtio_ethdev.h"

#define F_CSUM VIRTIO_BIT(VIRTIO_NET_F_CSUM)
#define F_GUEST_CSUM VIRTIO_BIT(VIRTIO_NET_F_GUEST_CSUM)
#define F_TSO (VIRTIO_BIT(VIRTIO_NET_F_HOST_TSO4) | VIRTIO_BIT(VIRTIO_NET_F_HOST_TSO6))

#define TX_L4_CKSUM (SL_ETH_TX_OFFLOAD_TCP_CKSUM | SL_ETH_TX_OFFLOAD_UDP_CKSUM)
#define RX_L4_CKSUM (SL_ETH_RX_OFFLOAD_TCP_CKSUM | SL_ETH_RX_OFFLOAD_UDP_CKSUM)

void virtio_offload_info(const struct virtio_adapter *ad, struct sl_eth_dev_info *info)
{
	uint64_t offered = ad->hw.device_features;

	if (offered & F_CSUM) {
		info->tx_offload_capa |= TX_L4_CKSUM;
		if ((offered & F_TSO) == F_TSO)
			info->tx_offload_capa |= SL_ETH_TX_OFFLOAD_TCP_TSO;
	}
	if (offered & F_GUEST_CSUM)
		info->rx_offload_capa |= RX_L4_CKSUM;
}

void virtio_offload_probe_note(const struct virtio_adapter *ad)
{
	if (ad->hw.device_features & (F_CSUM | F_GUEST_CSUM))
		return;
	/* configure will refuse checksum offloads: say why once, here */
	SL_LOG(INFO, VIRTIO,
	       "%s: no checksum offloads (the device offers neither VIRTIO_NET_F_CSUM nor "
	       "GUEST_CSUM; QEMU offers them only with a tap netdev that has a vnet header, "
	       "or vhost)",
	       ad->pci->name);
}

uint64_t virtio_offload_features(const struct sl_eth_conf *conf)
{
	uint64_t tx = conf->txmode.offloads, f = 0;

	/* 5.1.3.1: HOST_TSO4/6 need CSUM */
	if (tx & (TX_L4_CKSUM | SL_ETH_TX_OFFLOAD_TCP_TSO))
		f |= F_CSUM;
	if (tx & SL_ETH_TX_OFFLOAD_TCP_TSO)
		f |= F_TSO;
	if (conf->rxmode.offloads & RX_L4_CKSUM)
		f |= F_GUEST_CSUM;
	return f;
}

/* After negotiation: what each queue does per packet. */
void virtio_offload_queues(struct sl_eth_dev *dev)
{
	struct virtio_adapter *ad = virtio_adapter_of(dev);
	uint64_t tx_mask = 0;
	uint16_t q;

	if (virtio_has(&ad->hw, VIRTIO_NET_F_CSUM))
		tx_mask |= SL_MBUF_F_TX_L4_MASK;
	if (virtio_has(&ad->hw, VIRTIO_NET_F_HOST_TSO4) &&
	    virtio_has(&ad->hw, VIRTIO_NET_F_HOST_TSO6))
		tx_mask |= SL_MBUF_F_TX_TCP_SEG;
	/* probe's line shows the features without offloads: say what they got */
	if (ad->offload_features != 0)
		virtio_log_features(ad);
	for (q = 0; q < dev->data->nb_tx_queues; q++)
		((struct virtio_tx_queue *)dev->data->tx_queues[q])->ol_mask = tx_mask;
	for (q = 0; q < dev->data->nb_rx_queues; q++)
		((struct virtio_rx_queue *)dev->data->rx_queues[q])->csum =
			(uint8_t)virtio_has(&ad->hw, VIRTIO_NET_F_GUEST_CSUM);
}
