/* SPDX-License-Identifier: BSD-3-Clause
 * virtio 1.x PCI transport: the structures the vendor capabilities point
 * at (spec 4.1.4) and the common-configuration accessors (4.1.4.3).
 *
 * The PCI bus has opened the device through VFIO and mmapped every BAR it
 * could; the capabilities name a BAR, an offset and a length for each
 * structure, all of which are checked against the BAR before use so a
 * device (or a buggy capability list) cannot point the driver outside its
 * mapping. */
#include <errno.h>
#include <inttypes.h>
#include <string.h>

#include "sl_eal.h"
#include "sl_log.h"
#include "virtio_pci.h"

#define RESET_POLL_US 100
#define RESET_POLL_TRIES 30000	/* 3 s: QEMU resets at once, hardware within ms */
#define CFG_GENERATION_TRIES 16

static const char *cap_name(uint8_t type)
{
	switch (type) {
	case VIRTIO_PCI_CAP_COMMON_CFG:
		return "common configuration";
	case VIRTIO_PCI_CAP_NOTIFY_CFG:
		return "notification";
	case VIRTIO_PCI_CAP_ISR_CFG:
		return "ISR status";
	case VIRTIO_PCI_CAP_DEVICE_CFG:
		return "device configuration";
	default:
		return "unknown";
	}
}

/* The mapped address of [offset, offset + length) inside cap->bar, or NULL
 * (logged unless quiet) when the BAR is not mapped or too small. */
static volatile uint8_t *cap_map(struct sl_pci_device *pci, const struct virtio_pci_cap *cap,
				 int quiet)
{
	uint64_t bar_len;

	if (pci->mem_resource[cap->bar].addr == NULL &&
	    (quiet || sl_pci_map_bar(pci, cap->bar) < 0)) {
		if (quiet)
			return NULL;
		SL_LOG(ERR, VIRTIO,
		       "%s: the virtio %s structure is in BAR%u, which cannot be mapped "
		       "(see the PCI message above)",
		       pci->name, cap_name(cap->cfg_type), cap->bar);
		return NULL;
	}
	bar_len = pci->mem_resource[cap->bar].len;
	if ((uint64_t)cap->offset + cap->length > bar_len) {
		if (quiet)
			return NULL;
		SL_LOG(ERR, VIRTIO,
		       "%s: the virtio %s capability points past the end of BAR%u "
		       "(offset 0x%x + length 0x%x > 0x%" PRIx64 "): broken device",
		       pci->name, cap_name(cap->cfg_type), cap->bar, cap->offset, cap->length,
		       bar_len);
		return NULL;
	}
	return (volatile uint8_t *)pci->mem_resource[cap->bar].addr + cap->offset;
}

int virtio_pci_init(struct virtio_hw *hw, struct sl_pci_device *pci, int quiet)
{
	struct virtio_pci_cap common = { 0 }, notify = { 0 }, isr = { 0 }, device = { 0 };
	uint32_t multiplier = 0;
	int pos;

	memset(hw, 0, sizeof(*hw));
	hw->pci = pci;
	for (pos = sl_pci_find_capability(pci, SL_PCI_CAP_ID_VNDR, 0); pos > 0;
	     pos = sl_pci_find_capability(pci, SL_PCI_CAP_ID_VNDR, pos)) {
		struct virtio_pci_cap cap;

		if (sl_pci_config_read(pci, &cap, sizeof(cap), pos) != sizeof(cap))
			break;
		/* 4.1.4: ignore what cannot be a virtio structure; the first
		 * usable one of each type is the device's preferred one. */
		if (cap.cap_len < sizeof(cap) || cap.bar >= SL_PCI_MAX_BARS)
			continue;
		switch (cap.cfg_type) {
		case VIRTIO_PCI_CAP_COMMON_CFG:
			if (common.cfg_type == 0 &&
			    cap.length >= sizeof(struct virtio_pci_common_cfg))
				common = cap;
			break;
		case VIRTIO_PCI_CAP_NOTIFY_CFG:
			if (notify.cfg_type == 0 && cap.cap_len >= sizeof(struct virtio_pci_notify_cap) &&
			    sl_pci_config_read(pci, &multiplier, sizeof(multiplier),
					       pos + (int)sizeof(cap)) == sizeof(multiplier))
				notify = cap;
			break;
		case VIRTIO_PCI_CAP_ISR_CFG:
			if (isr.cfg_type == 0 && cap.length >= 1)
				isr = cap;
			break;
		case VIRTIO_PCI_CAP_DEVICE_CFG:
			if (device.cfg_type == 0)
				device = cap;
			break;
		default:
			break;
		}
	}
	if (pos < 0) {
		if (quiet)
			return -ENODEV;
		SL_LOG(ERR, VIRTIO, "%s: reading the PCI capability list failed (%s)", pci->name,
		       strerror(-pos));
		return -ENODEV;
	}
	if (common.cfg_type == 0 || notify.cfg_type == 0 || device.cfg_type == 0) {
		if (quiet)
			return -ENODEV;
		SL_LOG(ERR, VIRTIO,
		       "%s: no virtio 1.x (modern) %s capability: a legacy-only virtio device is "
		       "not supported; give it modern capabilities (QEMU: virtio-net-pci with "
		       "disable-modern=off, or disable-legacy=on)",
		       pci->name,
		       cap_name(common.cfg_type == 0 ? VIRTIO_PCI_CAP_COMMON_CFG
			       : notify.cfg_type == 0 ? VIRTIO_PCI_CAP_NOTIFY_CFG
						       : VIRTIO_PCI_CAP_DEVICE_CFG));
		return -ENODEV;
	}
	hw->common = (volatile struct virtio_pci_common_cfg *)cap_map(pci, &common, quiet);
	hw->notify_base = cap_map(pci, &notify, quiet);
	hw->dev_cfg = cap_map(pci, &device, quiet);
	if (hw->common == NULL || hw->notify_base == NULL || hw->dev_cfg == NULL)
		return -ENODEV;
	hw->notify_len = notify.length;
	hw->notify_off_multiplier = multiplier;
	hw->dev_cfg_len = device.length;
	if (isr.cfg_type != 0)
		hw->isr = cap_map(pci, &isr, quiet);
	hw->common_bar = common.bar;
	hw->common_off = common.offset;
	hw->notify_bar = notify.bar;
	hw->notify_off = notify.offset;
	hw->dev_cfg_bar = device.bar;
	hw->dev_cfg_off = device.offset;
	return 0;
}

uint8_t virtio_pci_get_status(const struct virtio_hw *hw)
{
	return sl_read8(&hw->common->device_status);
}

void virtio_pci_set_status(struct virtio_hw *hw, uint8_t bits)
{
	uint8_t status = virtio_pci_get_status(hw);

	sl_write8((uint8_t)(status | bits), &hw->common->device_status);
}

int virtio_pci_reset(struct virtio_hw *hw)
{
	int i;

	sl_write8(0, &hw->common->device_status);
	for (i = 0; i < RESET_POLL_TRIES; i++) {
		if (virtio_pci_get_status(hw) == 0)
			return 0;
		sl_delay_us(RESET_POLL_US);
	}
	return -ETIMEDOUT;
}

uint64_t virtio_pci_read_device_features(const struct virtio_hw *hw)
{
	volatile struct virtio_pci_common_cfg *c = hw->common;
	uint64_t lo, hi;

	sl_write32(0, &c->device_feature_select);
	lo = sl_read32(&c->device_feature);
	sl_write32(1, &c->device_feature_select);
	hi = sl_read32(&c->device_feature);
	return lo | (hi << 32);
}

void virtio_pci_write_driver_features(struct virtio_hw *hw, uint64_t features)
{
	volatile struct virtio_pci_common_cfg *c = hw->common;

	sl_write32(0, &c->driver_feature_select);
	sl_write32((uint32_t)features, &c->driver_feature);
	sl_write32(1, &c->driver_feature_select);
	sl_write32((uint32_t)(features >> 32), &c->driver_feature);
}

static void dev_cfg_copy(const struct virtio_hw *hw, uint32_t offset, uint8_t *buf, uint32_t len)
{
	volatile uint8_t *src = hw->dev_cfg + offset;
	uint32_t i;

	/* Natural widths where the field allows (4.1.3.1). */
	if (len == 4 && (offset & 3) == 0) {
		uint32_t v = sl_read32(src);

		memcpy(buf, &v, 4);
	} else if (len == 2 && (offset & 1) == 0) {
		uint16_t v = sl_read16(src);

		memcpy(buf, &v, 2);
	} else {
		for (i = 0; i < len; i++)
			buf[i] = sl_read8(src + i);
	}
}

int virtio_pci_read_dev_cfg(const struct virtio_hw *hw, uint32_t offset, void *buf, uint32_t len)
{
	int i;

	if ((uint64_t)offset + len > hw->dev_cfg_len)
		return -EIO;
	for (i = 0; i < CFG_GENERATION_TRIES; i++) {
		uint8_t gen = sl_read8(&hw->common->config_generation);

		dev_cfg_copy(hw, offset, buf, len);
		if (sl_read8(&hw->common->config_generation) == gen)
			return 0;
	}
	return -EIO;
}

uint16_t virtio_pci_num_queues(const struct virtio_hw *hw)
{
	return sl_read16(&hw->common->num_queues);
}

uint16_t virtio_pci_queue_max_size(struct virtio_hw *hw, uint16_t idx)
{
	sl_write16(idx, &hw->common->queue_select);
	return sl_read16(&hw->common->queue_size);
}

static void write64_split(volatile uint32_t *lo, volatile uint32_t *hi, uint64_t v)
{
	sl_write32((uint32_t)v, lo);
	sl_write32((uint32_t)(v >> 32), hi);
}

uint16_t virtio_pci_config_vector_set(struct virtio_hw *hw, uint16_t vector)
{
	sl_write16(vector, &hw->common->msix_config);
	return sl_read16(&hw->common->msix_config);
}

int virtio_pci_queue_setup(struct virtio_hw *hw, uint16_t idx, uint16_t size, sl_iova_t desc,
			   sl_iova_t avail, sl_iova_t used, uint16_t vector,
			   volatile uint16_t **notify)
{
	volatile struct virtio_pci_common_cfg *c = hw->common;
	uint16_t got;
	uint64_t off;

	sl_write16(idx, &c->queue_select);
	sl_write16(size, &c->queue_size);
	/* 4.1.5.1.2: a vector the device cannot map reads back as none */
	sl_write16(vector, &c->queue_msix_vector);
	got = sl_read16(&c->queue_msix_vector);
	if (got != vector) {
		SL_LOG(ERR, VIRTIO,
		       "%s: queue %u refused MSI-X vector %u (reads back 0x%x): the device has "
		       "fewer vectors than it said, or MSI-X is off",
		       hw->pci->name, idx, vector, got);
		return -EIO;
	}
	write64_split(&c->queue_desc_lo, &c->queue_desc_hi, desc);
	write64_split(&c->queue_driver_lo, &c->queue_driver_hi, avail);
	write64_split(&c->queue_device_lo, &c->queue_device_hi, used);
	off = (uint64_t)sl_read16(&c->queue_notify_off) * hw->notify_off_multiplier;
	if (off + sizeof(uint16_t) > hw->notify_len) {
		SL_LOG(ERR, VIRTIO,
		       "%s: queue %u notify offset 0x%" PRIx64 " lies outside the %u-byte notify "
		       "structure: broken device",
		       hw->pci->name, idx, off, hw->notify_len);
		return -EINVAL;
	}
	*notify = (volatile uint16_t *)(hw->notify_base + off);
	sl_write16(1, &c->queue_enable);
	return 0;
}
