/* SPDX-License-Identifier: BSD-3-Clause
 * virtio 1.x definitions the net driver uses, with the specification's
 * names ("Virtual I/O Device (VIRTIO) Version 1.1", OASIS; section numbers
 * below are of that document). Everything the device sees is little endian;
 * the driver only builds for little-endian hosts (see virtio_ethdev.h).
 *
 *   4.1.4   PCI capabilities: where the common, notify, ISR and device
 *           configuration structures live inside the BARs
 *   4.1.4.3 common configuration (struct virtio_pci_common_cfg)
 *   2.1     device status field
 *   2.7     split virtqueues (descriptor table, available and used rings)
 *   5.1     network device: feature bits, device configuration, the
 *           12-byte struct virtio_net_hdr, the control virtqueue
 */
#ifndef VIRTIO_REGS_H
#define VIRTIO_REGS_H

#include <stdint.h>

#include "sl_common.h"

#define VIRTIO_PCI_VENDOR_ID 0x1af4
/* 4.1.2: modern devices are 0x1040 + device type (network: 1); the
 * transitional network device keeps the legacy id 0x1000. */
#define VIRTIO_PCI_DEVICE_ID_NET_MODERN 0x1041
#define VIRTIO_PCI_DEVICE_ID_NET_TRANSITIONAL 0x1000

/* ---- 4.1.4 virtio structure PCI capabilities ---------------------------- */

#define VIRTIO_PCI_CAP_COMMON_CFG 1
#define VIRTIO_PCI_CAP_NOTIFY_CFG 2
#define VIRTIO_PCI_CAP_ISR_CFG 3
#define VIRTIO_PCI_CAP_DEVICE_CFG 4
#define VIRTIO_PCI_CAP_PCI_CFG 5

/* A vendor-specific (id 0x09) capability in config space. */
struct virtio_pci_cap {
	uint8_t cap_vndr;	/* SL_PCI_CAP_ID_VNDR */
	uint8_t cap_next;
	uint8_t cap_len;
	uint8_t cfg_type;	/* VIRTIO_PCI_CAP_* */
	uint8_t bar;		/* 0..5 */
	uint8_t padding[3];
	uint32_t offset;	/* within the BAR */
	uint32_t length;
};
SL_STATIC_ASSERT(sizeof(struct virtio_pci_cap) == 16, "4.1.4 capability layout");

/* 4.1.4.4: the notify capability adds the multiplier; a queue's notify
 * address is offset + queue_notify_off * notify_off_multiplier. */
struct virtio_pci_notify_cap {
	struct virtio_pci_cap cap;
	uint32_t notify_off_multiplier;
};

/* ---- 4.1.4.3 common configuration ---------------------------------------
 * Accessed with naturally sized loads/stores; 64-bit fields as two 32-bit
 * halves, low first (4.1.3.1). */
struct virtio_pci_common_cfg {
	/* about the whole device */
	uint32_t device_feature_select;	/* 0x00 RW: which 32 feature bits */
	uint32_t device_feature;	/* 0x04 RO */
	uint32_t driver_feature_select;	/* 0x08 RW */
	uint32_t driver_feature;	/* 0x0c RW */
	uint16_t msix_config;		/* 0x10 RW */
	uint16_t num_queues;		/* 0x12 RO */
	uint8_t device_status;		/* 0x14 RW */
	uint8_t config_generation;	/* 0x15 RO */
	/* about the queue selected by queue_select */
	uint16_t queue_select;		/* 0x16 RW */
	uint16_t queue_size;		/* 0x18 RW: max on read, smaller may be written */
	uint16_t queue_msix_vector;	/* 0x1a RW */
	uint16_t queue_enable;		/* 0x1c RW */
	uint16_t queue_notify_off;	/* 0x1e RO */
	uint32_t queue_desc_lo;		/* 0x20 RW: descriptor table */
	uint32_t queue_desc_hi;
	uint32_t queue_driver_lo;	/* 0x28 RW: available ring */
	uint32_t queue_driver_hi;
	uint32_t queue_device_lo;	/* 0x30 RW: used ring */
	uint32_t queue_device_hi;
};
SL_STATIC_ASSERT(sizeof(struct virtio_pci_common_cfg) == 0x38, "4.1.4.3 layout");

/* 4.1.4.3 / 4.1.5.1.2: msix_config and queue_msix_vector; the device
 * reads back this instead of a vector it cannot use. */
#define VIRTIO_MSI_NO_VECTOR 0xffff

/* 4.1.4.5: the ISR status byte (INTx). Reading it clears it and deasserts
 * the line. */
#define VIRTIO_PCI_ISR_QUEUE 0x1	/* a used buffer notification */
#define VIRTIO_PCI_ISR_CONFIG 0x2	/* the device configuration changed */

/* ---- 2.1 device status -------------------------------------------------- */

#define VIRTIO_CONFIG_S_ACKNOWLEDGE 1
#define VIRTIO_CONFIG_S_DRIVER 2
#define VIRTIO_CONFIG_S_DRIVER_OK 4
#define VIRTIO_CONFIG_S_FEATURES_OK 8
#define VIRTIO_CONFIG_S_DEVICE_NEEDS_RESET 0x40
#define VIRTIO_CONFIG_S_FAILED 0x80

/* ---- 6 reserved (transport-independent) feature bits -------------------- */

#define VIRTIO_F_RING_INDIRECT_DESC 28
#define VIRTIO_F_RING_EVENT_IDX 29
#define VIRTIO_F_VERSION_1 32
#define VIRTIO_F_ACCESS_PLATFORM 33
#define VIRTIO_F_RING_PACKED 34
#define VIRTIO_F_IN_ORDER 35

/* ---- 5.1.3 network device feature bits ---------------------------------- */

#define VIRTIO_NET_F_CSUM 0		/* device takes packets with a partial checksum */
#define VIRTIO_NET_F_GUEST_CSUM 1	/* driver takes them (and DATA_VALID) */
#define VIRTIO_NET_F_MTU 3
#define VIRTIO_NET_F_MAC 5
#define VIRTIO_NET_F_HOST_TSO4 11	/* device segments TCP over IPv4; needs CSUM */
#define VIRTIO_NET_F_HOST_TSO6 12	/* and over IPv6 */
#define VIRTIO_NET_F_MRG_RXBUF 15
#define VIRTIO_NET_F_STATUS 16
#define VIRTIO_NET_F_CTRL_VQ 17
#define VIRTIO_NET_F_CTRL_RX 18
#define VIRTIO_NET_F_CTRL_VLAN 19
#define VIRTIO_NET_F_GUEST_ANNOUNCE 21
#define VIRTIO_NET_F_MQ 22
#define VIRTIO_NET_F_CTRL_MAC_ADDR 23
#define VIRTIO_NET_F_SPEED_DUPLEX 63

#define VIRTIO_BIT(b) (UINT64_C(1) << (b))

/* ---- 5.1.4 network device configuration (the DEVICE_CFG structure) ------ */

struct virtio_net_config {
	uint8_t mac[6];			/* 0x00, with VIRTIO_NET_F_MAC */
	uint16_t status;		/* 0x06, with VIRTIO_NET_F_STATUS */
	uint16_t max_virtqueue_pairs;	/* 0x08, with VIRTIO_NET_F_MQ */
	uint16_t mtu;			/* 0x0a, with VIRTIO_NET_F_MTU */
	uint32_t speed;			/* 0x0c, Mb/s, with VIRTIO_NET_F_SPEED_DUPLEX */
	uint8_t duplex;			/* 0x10 */
} __attribute__((packed));

#define VIRTIO_NET_S_LINK_UP 1
#define VIRTIO_NET_S_ANNOUNCE 2
#define VIRTIO_NET_SPEED_UNKNOWN 0xffffffffu
#define VIRTIO_NET_DUPLEX_HALF 0
#define VIRTIO_NET_DUPLEX_FULL 1
/* 5.1.4.1: 1..0x8000 queue pairs */
#define VIRTIO_NET_CTRL_MQ_VQ_PAIRS_MIN 1
#define VIRTIO_NET_CTRL_MQ_VQ_PAIRS_MAX 0x8000

/* ---- 5.1.6 the per-packet header ------------------------------------------
 * With VIRTIO_F_VERSION_1 it is always 12 bytes, num_buffers included
 * (5.1.6.1), whether or not MRG_RXBUF is negotiated. */
struct virtio_net_hdr {
	uint8_t flags;
	uint8_t gso_type;
	uint16_t hdr_len;
	uint16_t gso_size;
	uint16_t csum_start;
	uint16_t csum_offset;
	uint16_t num_buffers;	/* RX: buffers this packet spans (MRG_RXBUF) */
};
SL_STATIC_ASSERT(sizeof(struct virtio_net_hdr) == 12, "5.1.6 header is 12 bytes");

/* flags. TX (5.1.6.2): the device sums from csum_start to the end and
 * stores the result at csum_start + csum_offset. RX (5.1.6.4): the same
 * left undone for the driver, or DATA_VALID: the device checked it. */
#define VIRTIO_NET_HDR_F_NEEDS_CSUM 1
#define VIRTIO_NET_HDR_F_DATA_VALID 2
/* gso_type */
#define VIRTIO_NET_HDR_GSO_NONE 0
#define VIRTIO_NET_HDR_GSO_TCPV4 1
#define VIRTIO_NET_HDR_GSO_TCPV6 4

/* ---- 5.1.6.5 control virtqueue --------------------------------------------
 * Each command: a device-readable class/command header, device-readable
 * data, one device-writable ack byte. */
struct virtio_net_ctrl_hdr {
	uint8_t class;
	uint8_t cmd;
};

#define VIRTIO_NET_OK 0
#define VIRTIO_NET_ERR 1

#define VIRTIO_NET_CTRL_RX 0		/* needs VIRTIO_NET_F_CTRL_RX */
#define VIRTIO_NET_CTRL_RX_PROMISC 0	/* data: u8 on/off */
#define VIRTIO_NET_CTRL_RX_ALLMULTI 1	/* data: u8 on/off */
#define VIRTIO_NET_CTRL_MAC 1
#define VIRTIO_NET_CTRL_MAC_ADDR_SET 1	/* data: 6 bytes, needs CTRL_MAC_ADDR */
#define VIRTIO_NET_CTRL_MQ 4
#define VIRTIO_NET_CTRL_MQ_VQ_PAIRS_SET 0	/* data: le16 pairs */

/* ---- 2.7 split virtqueues -------------------------------------------------- */

/* 2.7.5 */
struct vring_desc {
	uint64_t addr;		/* IOVA of the buffer */
	uint32_t len;
	uint16_t flags;		/* VRING_DESC_F_* */
	uint16_t next;		/* with VRING_DESC_F_NEXT */
};
SL_STATIC_ASSERT(sizeof(struct vring_desc) == 16, "2.7.5 descriptor is 16 bytes");

#define VRING_DESC_F_NEXT 1
#define VRING_DESC_F_WRITE 2
#define VRING_DESC_F_INDIRECT 4

/* 2.7.6: written by the driver. ring[queue size], then used_event (with
 * VIRTIO_F_EVENT_IDX): the used index at which the device should interrupt. */
struct vring_avail {
	uint16_t flags;		/* VRING_AVAIL_F_NO_INTERRUPT (without EVENT_IDX only) */
	uint16_t idx;		/* where the driver puts the next entry (free running) */
	uint16_t ring[];
};

#define VRING_AVAIL_F_NO_INTERRUPT 1

/* 2.7.8: written by the device. ring[queue size], then avail_event (with
 * VIRTIO_F_EVENT_IDX): the driver notifies once avail idx passes it. */
struct vring_used_elem {
	uint32_t id;		/* head of the descriptor chain that was used */
	uint32_t len;		/* bytes written into the chain's writable part */
};

struct vring_used {
	uint16_t flags;		/* VRING_USED_F_NO_NOTIFY (without EVENT_IDX only) */
	uint16_t idx;
	struct vring_used_elem ring[];
};

#define VRING_USED_F_NO_NOTIFY 1

/* 2.7 alignment: descriptor table 16, available ring 2, used ring 4. */
#define VRING_DESC_ALIGN 16
#define VRING_AVAIL_ALIGN 2
#define VRING_USED_ALIGN 4
/* 2.7: split queue sizes are powers of two, at most 32768. */
#define VRING_MAX_SIZE 32768

static inline size_t vring_avail_size(uint16_t num, int event_idx)
{
	return sizeof(struct vring_avail) + sizeof(uint16_t) * ((size_t)num + (event_idx ? 1 : 0));
}

static inline size_t vring_used_size(uint16_t num, int event_idx)
{
	return sizeof(struct vring_used) + sizeof(struct vring_used_elem) * num +
	       (event_idx ? sizeof(uint16_t) : 0);
}

/* 2.7.7.2 / 2.7.10: with EVENT_IDX, whether moving an index from old to
 * new passed event (all free-running 16-bit counters): true when event
 * lies in [old, new). */
static inline int vring_need_event(uint16_t event, uint16_t new_idx, uint16_t old_idx)
{
	return (uint16_t)(new_idx - event - 1) < (uint16_t)(new_idx - old_idx);
}

#endif /* VIRTIO_REGS_H */
