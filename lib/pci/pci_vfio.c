/* SPDX-License-Identifier: BSD-3-Clause
 * VFIO devices: the device fd from the group (pci_vfio_group.c), its
 * regions (BARs, config space), BAR mmap, reset and bus mastering. */
#include <errno.h>
#include <inttypes.h>
#include <stdint.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <linux/vfio.h>

#include "sl_log.h"
#include "pci_private.h"

/* ---- devices ------------------------------------------------------------------- */

static int map_bar(struct sl_pci_device *dev, int bar, int quiet)
{
	const struct sl_pci_vfio_region *r = &dev->vfio_region[bar];
	void *addr;

	if (dev->mem_resource[bar].addr != NULL)
		return 0;
	if (r->size == 0 || !(r->flags & VFIO_REGION_INFO_FLAG_MMAP)) {
		if (!quiet)
			SL_LOG(ERR, PCI,
			       "%s: BAR%d %s: use sl_pci_bar_read/sl_pci_bar_write for it",
			       dev->name, bar,
			       r->size == 0 ? "does not exist"
					    : "cannot be mmapped (an I/O port BAR, or VFIO maps "
					      "only parts of it)");
		return r->size == 0 ? -ENOENT : -ENOTSUP;
	}
	addr = mmap(NULL, r->size, PROT_READ | PROT_WRITE, MAP_SHARED, dev->vfio_dev_fd,
		    (off_t)r->offset);
	if (addr == MAP_FAILED) {
		int err = errno;

		if (!quiet)
			SL_LOG(ERR, PCI, "%s: mmap of BAR%d (%" PRIu64 " bytes) failed: %s",
			       dev->name, bar, r->size, strerror(err));
		else
			SL_LOG(DEBUG, PCI, "%s: BAR%d not mmapped (%s)", dev->name, bar,
			       strerror(err));
		return -err;
	}
	dev->mem_resource[bar].addr = addr;
	dev->mem_resource[bar].len = r->size;
	return 0;
}

int sl_pci_map_bar(struct sl_pci_device *dev, int bar)
{
	if (dev == NULL || bar < 0 || bar >= SL_PCI_MAX_BARS) {
		SL_LOG(ERR, PCI, "sl_pci_map_bar: BAR index %d out of range 0-5", bar);
		return -EINVAL;
	}
	if (dev->vfio_dev_fd < 0) {
		SL_LOG(ERR, PCI, "%s: device is not open (not probed through VFIO)", dev->name);
		return -ENODEV;
	}
	return map_bar(dev, bar, 0);
}

static int read_device_info(struct sl_pci_device *dev)
{
	struct vfio_device_info info = { .argsz = sizeof(info) };
	unsigned i;

	if (ioctl(dev->vfio_dev_fd, VFIO_DEVICE_GET_INFO, &info) < 0) {
		SL_LOG(ERR, PCI, "%s: VFIO_DEVICE_GET_INFO: %s", dev->name, strerror(errno));
		return -errno;
	}
	if (!(info.flags & VFIO_DEVICE_FLAGS_PCI) ||
	    info.num_regions <= VFIO_PCI_CONFIG_REGION_INDEX) {
		SL_LOG(ERR, PCI, "%s: VFIO does not present it as a PCI device", dev->name);
		return -ENODEV;
	}
	dev->vfio_dev_flags = info.flags;
	dev->vfio_num_regions = info.num_regions;
	for (i = 0; i <= VFIO_PCI_CONFIG_REGION_INDEX; i++) {
		struct vfio_region_info reg = { .argsz = sizeof(reg), .index = i };

		if (ioctl(dev->vfio_dev_fd, VFIO_DEVICE_GET_REGION_INFO, &reg) < 0) {
			/* Absent BARs may be refused: treat as size 0. */
			memset(&dev->vfio_region[i], 0, sizeof(dev->vfio_region[i]));
			continue;
		}
		dev->vfio_region[i].offset = reg.offset;
		dev->vfio_region[i].size = reg.size;
		dev->vfio_region[i].flags = reg.flags;
	}
	if (dev->vfio_region[VFIO_PCI_CONFIG_REGION_INDEX].size == 0) {
		SL_LOG(ERR, PCI, "%s: VFIO reports no config space region", dev->name);
		return -ENODEV;
	}
	for (i = VFIO_PCI_INTX_IRQ_INDEX; i <= VFIO_PCI_MSIX_IRQ_INDEX && i < info.num_irqs; i++) {
		struct vfio_irq_info irq = { .argsz = sizeof(irq), .index = i };

		if (ioctl(dev->vfio_dev_fd, VFIO_DEVICE_GET_IRQ_INFO, &irq) < 0)
			continue;
		if (i == VFIO_PCI_INTX_IRQ_INDEX)
			dev->intr.intx_count = irq.count;
		else if (i == VFIO_PCI_MSI_IRQ_INDEX)
			dev->intr.msi_count = irq.count;
		else
			dev->intr.msix_count = irq.count;
	}
	return 0;
}

static int command_set(struct sl_pci_device *dev, uint16_t set, uint16_t clear);

/* The device fd from its group: -errno after one log line. */
static int device_fd_get(struct sl_pci_device *dev)
{
	int fd = ioctl(dev->vfio_group_fd, VFIO_GROUP_GET_DEVICE_FD, dev->name);
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

int sl_pci_vfio_open(struct sl_pci_device *dev)
{
	int ret, bar;

	if (dev->vfio_dev_fd >= 0)
		return 0;
	if (dev->iommu_group < 0) {
		SL_LOG(ERR, PCI,
		       "%s has no IOMMU group (no iommu_group link in sysfs): the IOMMU is off; "
		       "boot with intel_iommu=on (AMD: amd_iommu=on), or bind the device to "
		       "uio_pci_generic",
		       dev->name);
		return -ENODEV;
	}
	ret = sl_pci_vfio_group_get(dev, &dev->vfio_group_fd);
	if (ret < 0) {
		dev->vfio_group_fd = -1;
		return ret;
	}
	ret = device_fd_get(dev);
	if (ret < 0)
		goto fail;
	dev->vfio_dev_fd = ret;
	ret = read_device_info(dev);
	if (ret < 0)
		goto fail;
	/* Start from power-on state when the device can be reset (function
	 * level, PM or bus reset, as vfio-pci found). The kernel restores
	 * the config space (BARs) afterwards. */
	if (dev->vfio_dev_flags & VFIO_DEVICE_FLAGS_RESET)
		sl_pci_reset(dev);
	for (bar = 0; bar < SL_PCI_MAX_BARS; bar++) {
		dev->mem_resource[bar].len = dev->vfio_region[bar].size;
		map_bar(dev, bar, 1);
	}
	/* Registers reachable, DMA not yet: a device without a reset keeps
	 * whatever a previous owner (killed mid-traffic) programmed, and the
	 * IOVAs in its rings now map this process's memory. The bus lets the
	 * driver stop it (sl_pci_driver.quiesce) before turning mastering on. */
	ret = command_set(dev, SL_PCI_COMMAND_MEMORY, SL_PCI_COMMAND_MASTER);
	if (ret < 0) {
		SL_LOG(ERR, PCI, "%s: cannot write the PCI command register: %s", dev->name,
		       strerror(-ret));
		goto fail;
	}
	SL_LOG(DEBUG, PCI, "%s: opened through VFIO group %d (%u regions, %u MSI-X vectors)",
	       dev->name, dev->iommu_group, dev->vfio_num_regions, dev->intr.msix_count);
	return 0;
fail:
	sl_pci_vfio_close(dev);
	return ret;
}

void sl_pci_vfio_close(struct sl_pci_device *dev)
{
	int bar;

	if (dev->vfio_group_fd < 0)
		return;
	if (dev->vfio_dev_fd >= 0) {
		/* No DMA from here on, whatever the driver left running. */
		sl_pci_set_bus_master(dev, 0);
		for (bar = 0; bar < SL_PCI_MAX_BARS; bar++) {
			if (dev->mem_resource[bar].addr != NULL)
				munmap(dev->mem_resource[bar].addr, dev->vfio_region[bar].size);
			dev->mem_resource[bar].addr = NULL;
			dev->mem_resource[bar].len = 0;
		}
		if (dev->vfio_dev_flags & VFIO_DEVICE_FLAGS_RESET)
			sl_pci_reset(dev);
		close(dev->vfio_dev_fd);
		dev->vfio_dev_fd = -1;
	}
	sl_pci_vfio_group_put(dev->vfio_group_fd);
	dev->vfio_group_fd = -1;
}

int sl_pci_reset(struct sl_pci_device *dev)
{
	if (dev->vfio_dev_fd < 0)
		return -ENODEV;
	if (!(dev->vfio_dev_flags & VFIO_DEVICE_FLAGS_RESET))
		return -ENOTSUP;
	if (ioctl(dev->vfio_dev_fd, VFIO_DEVICE_RESET) < 0) {
		SL_LOG(DEBUG, PCI, "%s: VFIO_DEVICE_RESET: %s", dev->name, strerror(errno));
		return -errno;
	}
	return 0;
}

/* ---- config space and region access -------------------------------------------- */

static ssize_t region_rw(const struct sl_pci_device *dev, unsigned index, void *buf, size_t len,
			 off_t offset, int write)
{
	const struct sl_pci_vfio_region *r;
	ssize_t n;

	if (dev->vfio_dev_fd < 0)
		return -ENODEV;
	r = &dev->vfio_region[index];
	if (offset < 0 || (uint64_t)offset > r->size || len > r->size - (uint64_t)offset)
		return -EINVAL;
	if (write)
		n = pwrite(dev->vfio_dev_fd, buf, len, (off_t)r->offset + offset);
	else
		n = pread(dev->vfio_dev_fd, buf, len, (off_t)r->offset + offset);
	if (n < 0)
		return -errno;
	return n == (ssize_t)len ? n : -EIO;
}

ssize_t sl_pci_config_read(const struct sl_pci_device *dev, void *buf, size_t len, off_t offset)
{
	return region_rw(dev, VFIO_PCI_CONFIG_REGION_INDEX, buf, len, offset, 0);
}

ssize_t sl_pci_config_write(const struct sl_pci_device *dev, const void *buf, size_t len,
			    off_t offset)
{
	return region_rw(dev, VFIO_PCI_CONFIG_REGION_INDEX, (void *)(uintptr_t)buf, len, offset,
			 1);
}

ssize_t sl_pci_bar_read(const struct sl_pci_device *dev, int bar, void *buf, size_t len,
			off_t offset)
{
	if (bar < 0 || bar >= SL_PCI_MAX_BARS)
		return -EINVAL;
	return region_rw(dev, (unsigned)bar, buf, len, offset, 0);
}

ssize_t sl_pci_bar_write(const struct sl_pci_device *dev, int bar, const void *buf, size_t len,
			 off_t offset)
{
	if (bar < 0 || bar >= SL_PCI_MAX_BARS)
		return -EINVAL;
	return region_rw(dev, (unsigned)bar, (void *)(uintptr_t)buf, len, offset, 1);
}

static int command_set(struct sl_pci_device *dev, uint16_t set, uint16_t clear)
{
	uint16_t cmd, want;
	ssize_t n;

	n = sl_pci_config_read(dev, &cmd, sizeof(cmd), SL_PCI_COMMAND);
	if (n < 0)
		return (int)n;
	want = (uint16_t)((cmd | set) & ~clear);
	if (want == cmd)
		return 0;
	n = sl_pci_config_write(dev, &want, sizeof(want), SL_PCI_COMMAND);
	return n < 0 ? (int)n : 0;
}

int sl_pci_set_bus_master(struct sl_pci_device *dev, int enable)
{
	if (enable)
		return command_set(dev, SL_PCI_COMMAND_MASTER | SL_PCI_COMMAND_MEMORY, 0);
	return command_set(dev, 0, SL_PCI_COMMAND_MASTER);
}

int sl_pci_find_capability(const struct sl_pci_device *dev, uint8_t cap_id, int start)
{
	uint16_t status;
	uint8_t pos, hdr[2];
	int guard;
	ssize_t n;

	n = sl_pci_config_read(dev, &status, sizeof(status), SL_PCI_STATUS);
	if (n < 0)
		return (int)n;
	if (!(status & SL_PCI_STATUS_CAP_LIST))
		return 0;
	if (start == 0) {
		n = sl_pci_config_read(dev, &pos, 1, SL_PCI_CAPABILITY_LIST);
		if (n < 0)
			return (int)n;
	} else {
		n = sl_pci_config_read(dev, hdr, 2, start);
		if (n < 0)
			return (int)n;
		pos = hdr[1];
	}
	/* At most 48 capabilities fit in 192 bytes: bounds a looping list. */
	for (guard = 0; guard < 48 && pos >= 0x40; guard++) {
		pos &= 0xfc;
		n = sl_pci_config_read(dev, hdr, 2, pos);
		if (n < 0)
			return (int)n;
		if (hdr[0] == cap_id)
			return pos;
		pos = hdr[1];
	}
	return 0;
}

int sl_pci_ioport_map(struct sl_pci_device *dev, int bar, struct sl_pci_ioport *p)
{
	uint32_t bar_reg;
	ssize_t n;

	if (dev == NULL || p == NULL || bar < 0 || bar >= SL_PCI_MAX_BARS) {
		SL_LOG(ERR, PCI, "sl_pci_ioport_map: BAR index %d out of range 0-5", bar);
		return -EINVAL;
	}
	if (dev->vfio_dev_fd < 0) {
		SL_LOG(ERR, PCI, "%s: device is not open (not probed through VFIO)", dev->name);
		return -ENODEV;
	}
	n = sl_pci_config_read(dev, &bar_reg, sizeof(bar_reg), 0x10 + 4 * bar);
	if (n < 0 || dev->vfio_region[bar].size == 0 || !(bar_reg & 1)) {
		SL_LOG(ERR, PCI, "%s: BAR%d is not an I/O port BAR", dev->name, bar);
		return -EINVAL;
	}
	p->dev = dev;
	p->bar = bar;
	p->len = dev->vfio_region[bar].size;
	return 0;
}

int sl_pci_ioport_read(const struct sl_pci_ioport *p, void *buf, size_t len, off_t offset)
{
	ssize_t n = sl_pci_bar_read(p->dev, p->bar, buf, len, offset);

	return n < 0 ? (int)n : 0;
}

int sl_pci_ioport_write(const struct sl_pci_ioport *p, const void *buf, size_t len, off_t offset)
{
	ssize_t n = sl_pci_bar_write(p->dev, p->bar, buf, len, offset);

	return n < 0 ? (int)n : 0;
}
