/* SPDX-License-Identifier: BSD-3-Clause
 * The VFIO backend, for devices bound to vfio-pci: the device fd from the
 * group (pci_vfio_group.c, which also sets up the DMA mapping), its
 * regions (BARs and config space at offsets in the device fd) and
 * VFIO_DEVICE_RESET. Everything else an open device does is generic
 * (pci_device.c). */
#include <errno.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <linux/vfio.h>

#include "sl_log.h"
#include "pci_private.h"

SL_STATIC_ASSERT(SL_PCI_REGION_CONFIG == VFIO_PCI_CONFIG_REGION_INDEX,
		 "the region table follows VFIO's numbering");

static void read_irq_info(struct sl_pci_device_private *p, uint32_t num_irqs)
{
	unsigned i;

	for (i = VFIO_PCI_INTX_IRQ_INDEX; i <= VFIO_PCI_MSIX_IRQ_INDEX && i < num_irqs; i++) {
		struct vfio_irq_info irq = { .argsz = sizeof(irq), .index = i };

		if (ioctl(p->vfio.dev_fd, VFIO_DEVICE_GET_IRQ_INFO, &irq) < 0)
			continue;
		if (i == VFIO_PCI_INTX_IRQ_INDEX)
			p->intr.intx_count = irq.count;
		else if (i == VFIO_PCI_MSI_IRQ_INDEX)
			p->intr.msi_count = irq.count;
		else
			p->intr.msix_count = irq.count;
	}
}

static int read_device_info(struct sl_pci_device *dev)
{
	struct sl_pci_device_private *p = dev->priv;
	struct vfio_device_info info = { .argsz = sizeof(info) };
	unsigned i;

	if (ioctl(p->vfio.dev_fd, VFIO_DEVICE_GET_INFO, &info) < 0) {
		SL_LOG(ERR, PCI, "%s: VFIO_DEVICE_GET_INFO: %s", dev->name, strerror(errno));
		return -errno;
	}
	if (!(info.flags & VFIO_DEVICE_FLAGS_PCI) || info.num_regions <= SL_PCI_REGION_CONFIG) {
		SL_LOG(ERR, PCI, "%s: VFIO does not present it as a PCI device", dev->name);
		return -ENODEV;
	}
	p->vfio.dev_flags = info.flags;
	p->vfio.num_regions = info.num_regions;
	for (i = 0; i <= SL_PCI_REGION_CONFIG; i++) {
		struct vfio_region_info reg = { .argsz = sizeof(reg), .index = i };

		/* Absent BARs may be refused: they stay size 0. */
		if (ioctl(p->vfio.dev_fd, VFIO_DEVICE_GET_REGION_INFO, &reg) < 0)
			continue;
		p->region[i].fd = p->vfio.dev_fd;
		p->region[i].offset = reg.offset;
		p->region[i].size = reg.size;
		p->region[i].flags = (reg.flags & VFIO_REGION_INFO_FLAG_MMAP) ? SL_PCI_REGION_MMAP : 0;
	}
	if (p->region[SL_PCI_REGION_CONFIG].size == 0) {
		SL_LOG(ERR, PCI, "%s: VFIO reports no config space region", dev->name);
		return -ENODEV;
	}
	read_irq_info(p, info.num_irqs);
	return 0;
}

/* The device fd from its group: -errno after one log line. */
static int device_fd_get(const struct sl_pci_device *dev)
{
	int fd = ioctl(dev->priv->vfio.group_fd, VFIO_GROUP_GET_DEVICE_FD, dev->name);
	int err = errno;

	if (fd >= 0)
		return fd;
	if (err == EBUSY)
		SL_LOG(ERR, PCI,
		       "%s: device in use: VFIO has it open already (another device fd: "
		       "a second open in this process, or another program sharing the "
		       "group); stop the other user first",
		       dev->name);
	else
		SL_LOG(ERR, PCI, "%s: VFIO_GROUP_GET_DEVICE_FD: %s", dev->name, strerror(err));
	return -err;
}

static void vfio_close(struct sl_pci_device *dev)
{
	struct sl_pci_device_private *p = dev->priv;

	if (p->vfio.dev_fd >= 0)
		close(p->vfio.dev_fd);
	p->vfio.dev_fd = -1;
	if (p->vfio.group_fd >= 0)
		sl_pci_vfio_group_put(p->vfio.group_fd);
	p->vfio.group_fd = -1;
}

static int vfio_open(struct sl_pci_device *dev)
{
	struct sl_pci_device_private *p = dev->priv;
	int ret;

	if (p->iommu_group < 0) {
		SL_LOG(ERR, PCI,
		       "%s has no IOMMU group (no iommu_group link in sysfs): the IOMMU is off; "
		       "boot with intel_iommu=on (AMD: amd_iommu=on), or bind the device to "
		       "uio_pci_generic",
		       dev->name);
		return -ENODEV;
	}
	p->vfio.dev_fd = -1;
	ret = sl_pci_vfio_group_get(dev, &p->vfio.group_fd);
	if (ret < 0) {
		p->vfio.group_fd = -1;
		return ret;
	}
	ret = device_fd_get(dev);
	if (ret < 0)
		goto fail;
	p->vfio.dev_fd = ret;
	ret = read_device_info(dev);
	if (ret < 0)
		goto fail;
	SL_LOG(DEBUG, PCI, "%s: opened through VFIO group %d (%u regions, %u MSI-X vectors)",
	       dev->name, p->iommu_group, p->vfio.num_regions, p->intr.msix_count);
	return 0;
fail:
	vfio_close(dev);
	return ret;
}

static int vfio_reset(struct sl_pci_device *dev)
{
	if (!(dev->priv->vfio.dev_flags & VFIO_DEVICE_FLAGS_RESET))
		return -ENOTSUP;
	if (ioctl(dev->priv->vfio.dev_fd, VFIO_DEVICE_RESET) < 0) {
		SL_LOG(DEBUG, PCI, "%s: VFIO_DEVICE_RESET: %s", dev->name, strerror(errno));
		return -errno;
	}
	return 0;
}

const struct sl_pci_backend sl_pci_vfio_backend = {
	.kdrv = "vfio-pci",
	.open = vfio_open,
	.close = vfio_close,
	.reset = vfio_reset,
	.intr_set = sl_pci_vfio_intr_set,
	.intr_unmask = sl_pci_vfio_intr_unmask,
};
