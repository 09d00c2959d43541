/* SPDX-License-Identifier: BSD-3-Clause
 * virtio 1.x PCI transport (spec 4.1): the capability walk that finds the
 * common, notify, ISR and device configuration structures, their BAR
 * mappings (through VFIO, mapped by the PCI bus), and the accessors of the
 * common configuration used by the control path. Not installed. */
#ifndef VIRTIO_PCI_H
#define VIRTIO_PCI_H

#include <stdint.h>

#include "sl_io.h"
#include "sl_pci.h"
#include "virtio_regs.h"

struct virtio_hw {
	struct sl_pci_device *pci;
	volatile struct virtio_pci_common_cfg *common;
	volatile uint8_t *notify_base;
	uint32_t notify_len;
	uint32_t notify_off_multiplier;
	volatile uint8_t *isr;
	volatile uint8_t *dev_cfg;	/* struct virtio_net_config */
	uint32_t dev_cfg_len;
	/* where the structures are, for the log */
	uint8_t common_bar, notify_bar, dev_cfg_bar;
	uint32_t common_off, notify_off, dev_cfg_off;
	uint64_t device_features;	/* offered */
	uint64_t features;		/* negotiated */
};

static inline int virtio_has(const struct virtio_hw *hw, unsigned bit)
{
	return (hw->features & VIRTIO_BIT(bit)) != 0;
}

/* Walks the vendor capabilities and fills hw's pointers: 0, or -ENODEV
 * (not a modern device: no common/notify/device capability, or a BAR that
 * cannot be mapped) after one log line unless quiet. */
int virtio_pci_init(struct virtio_hw *hw, struct sl_pci_device *pci, int quiet);

/* 4.1.4.3.2: writes 0 to device_status and waits until it reads back 0
 * (the device has stopped using every queue). 0 or -ETIMEDOUT. */
int virtio_pci_reset(struct virtio_hw *hw);
uint8_t virtio_pci_get_status(const struct virtio_hw *hw);
/* ORs bits into device_status. */
void virtio_pci_set_status(struct virtio_hw *hw, uint8_t bits);

uint64_t virtio_pci_read_device_features(const struct virtio_hw *hw);
void virtio_pci_write_driver_features(struct virtio_hw *hw, uint64_t features);

/* Reads len bytes of the device configuration at offset, retried until
 * config_generation is the same before and after (4.1.4.3.1), so a
 * multi-byte field is never torn. 0 or -EIO (offset outside the structure,
 * or the generation never settles). */
int virtio_pci_read_dev_cfg(const struct virtio_hw *hw, uint32_t offset, void *buf, uint32_t len);

uint16_t virtio_pci_num_queues(const struct virtio_hw *hw);
/* The maximum size the device offers for queue idx (0: queue absent). */
uint16_t virtio_pci_queue_max_size(struct virtio_hw *hw, uint16_t idx);
/* Programs queue idx (size, ring addresses, MSI-X vector or
 * VIRTIO_MSI_NO_VECTOR) and enables it; *notify receives the queue's
 * doorbell. 0, -EINVAL when the device's notify offset falls outside the
 * notify structure, -EIO when it refused the vector (both logged). */
int virtio_pci_queue_setup(struct virtio_hw *hw, uint16_t idx, uint16_t size, sl_iova_t desc,
			   sl_iova_t avail, sl_iova_t used, uint16_t vector,
			   volatile uint16_t **notify);
/* The MSI-X vector of configuration changes (or VIRTIO_MSI_NO_VECTOR):
 * what the device reads back, VIRTIO_MSI_NO_VECTOR if it refused. */
uint16_t virtio_pci_config_vector_set(struct virtio_hw *hw, uint16_t vector);
/* Reads (and so clears) the ISR status, VIRTIO_PCI_ISR_* bits. */
static inline uint8_t virtio_pci_isr_read(const struct virtio_hw *hw)
{
	return sl_read8(hw->isr);
}

#endif /* VIRTIO_PCI_H */
