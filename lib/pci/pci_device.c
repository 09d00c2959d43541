/* SPDX-License-Identifier: BSD-3-Clause
 * An open PCI device, whichever backend opened it: the region table the
 * backend filled (a file descriptor and offset per BAR and for config
 * space) is all the rest needs for BAR mmap, region and config access,
 * the command register and the capability list. The backend follows the
 * kernel driver the device is bound to: vfio-pci (pci_vfio.c) or
 * uio_pci_generic (pci_uio.c).
 *
 * Open: backend open, a reset where the device has one, every mmapable BAR
 * mapped, memory decoding on and bus mastering off; the bus then lets the
 * driver quiesce the device before it turns mastering on. Close: bus
 * mastering off first, whatever the driver left running, then BARs
 * unmapped, a reset, the backend's close. */
#include <errno.h>
#include <inttypes.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "sl_log.h"
#include "pci_private.h"

static const struct sl_pci_backend *const backends[] = {
	&sl_pci_vfio_backend,
	&sl_pci_uio_backend,
};

const struct sl_pci_backend *sl_pci_backend_for(const char *kdrv)
{
	unsigned i;

	for (i = 0; i < SL_DIM(backends); i++)
		if (strcmp(backends[i]->kdrv, kdrv) == 0)
			return backends[i];
	return NULL;
}

int sl_pci_device_dma_map(const struct sl_pci_device *dev)
{
	const struct sl_pci_backend *backend = sl_pci_backend_for(dev->kdrv);

	return backend != NULL && backend->dma_map != NULL ? backend->dma_map(dev) : 0;
}

static void regions_clear(struct sl_pci_device_private *p)
{
	unsigned i;

	for (i = 0; i < SL_PCI_NB_REGIONS; i++)
		p->region[i] = (struct sl_pci_region){ .fd = -1 };
}

/* ---- BARs ---------------------------------------------------------------- */

static int map_bar(struct sl_pci_device *dev, int bar, int quiet)
{
	const struct sl_pci_region *r = &dev->priv->region[bar];
	void *addr;

	if (r->size == 0 || !(r->flags & SL_PCI_REGION_MMAP)) {
		if (!quiet)
			SL_LOG(ERR, PCI,
			       "%s: BAR%d %s: use sl_pci_bar_read/sl_pci_bar_write for it",
			       dev->name, bar,
			       r->size == 0 ? "does not exist"
					    : "cannot be mmapped (an I/O port BAR, or the kernel "
					      "maps only parts of it)");
		return r->size == 0 ? -ENOENT : -ENOTSUP;
	}
	addr = mmap(NULL, r->size, PROT_READ | PROT_WRITE, MAP_SHARED, r->fd, (off_t)r->offset);
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
	if (dev->mem_resource[bar].addr != NULL)
		return 0;
	if (!sl_pci_device_is_open(dev)) {
		SL_LOG(ERR, PCI, "%s: device is not open (not probed by the PCI bus)", dev->name);
		return -ENODEV;
	}
	return map_bar(dev, bar, 0);
}

static void unmap_bars(struct sl_pci_device *dev)
{
	int bar;

	for (bar = 0; bar < SL_PCI_MAX_BARS; bar++) {
		if (dev->mem_resource[bar].addr != NULL)
			munmap(dev->mem_resource[bar].addr, dev->priv->region[bar].size);
		dev->mem_resource[bar].addr = NULL;
		dev->mem_resource[bar].len = 0;
	}
}

/* ---- region and config access ------------------------------------------------- */

static ssize_t region_rw(const struct sl_pci_device *dev, unsigned index, void *buf, size_t len,
			 off_t offset, int write)
{
	const struct sl_pci_region *r;
	ssize_t n;

	if (!sl_pci_device_is_open(dev))
		return -ENODEV;
	r = &dev->priv->region[index];
	if (r->fd < 0 || offset < 0 || (uint64_t)offset > r->size ||
	    len > r->size - (uint64_t)offset)
		return -EINVAL;
	if (write)
		n = pwrite(r->fd, buf, len, (off_t)r->offset + offset);
	else
		n = pread(r->fd, buf, len, (off_t)r->offset + offset);
	if (n < 0)
		return -errno;
	return n == (ssize_t)len ? n : -EIO;
}

ssize_t sl_pci_config_read(const struct sl_pci_device *dev, void *buf, size_t len, off_t offset)
{
	return region_rw(dev, SL_PCI_REGION_CONFIG, buf, len, offset, 0);
}

ssize_t sl_pci_config_write(const struct sl_pci_device *dev, const void *buf, size_t len,
			    off_t offset)
{
	return region_rw(dev, SL_PCI_REGION_CONFIG, (void *)(uintptr_t)buf, len, offset, 1);
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

int sl_pci_command_update(const struct sl_pci_device *dev, uint16_t set, uint16_t clear)
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
		return sl_pci_command_update(dev, SL_PCI_COMMAND_MASTER | SL_PCI_COMMAND_MEMORY, 0);
	return sl_pci_command_update(dev, 0, SL_PCI_COMMAND_MASTER);
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
	if (!sl_pci_device_is_open(dev)) {
		SL_LOG(ERR, PCI, "%s: device is not open (not probed by the PCI bus)", dev->name);
		return -ENODEV;
	}
	n = sl_pci_config_read(dev, &bar_reg, sizeof(bar_reg), 0x10 + 4 * bar);
	if (n < 0 || dev->priv->region[bar].size == 0 || !(bar_reg & 1)) {
		SL_LOG(ERR, PCI, "%s: BAR%d is not an I/O port BAR", dev->name, bar);
		return -EINVAL;
	}
	p->dev = dev;
	p->bar = bar;
	p->len = dev->priv->region[bar].size;
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

/* ---- open and close ------------------------------------------------------------- */

int sl_pci_reset(struct sl_pci_device *dev)
{
	if (!sl_pci_device_is_open(dev))
		return -ENODEV;
	return dev->priv->backend->reset(dev);
}

int sl_pci_device_open(struct sl_pci_device *dev)
{
	const struct sl_pci_backend *backend = sl_pci_backend_for(dev->kdrv);
	int ret, bar;

	if (sl_pci_device_is_open(dev))
		return 0;
	if (backend == NULL) {
		SL_LOG(ERR, PCI, "%s: bound to %s, which no PCI backend serves", dev->name,
		       dev->kdrv[0] ? dev->kdrv : "no driver");
		return -ENODEV;
	}
	regions_clear(dev->priv);
	ret = backend->open(dev);
	if (ret < 0)
		return ret;
	dev->priv->backend = backend;
	/* Start from power-on state when the device can be reset (function
	 * level, PM or bus reset, as the kernel found); the kernel restores
	 * the config space (BARs) afterwards. */
	sl_pci_reset(dev);
	for (bar = 0; bar < SL_PCI_MAX_BARS; bar++) {
		map_bar(dev, bar, 1);
		dev->mem_resource[bar].len = dev->priv->region[bar].size;
	}
	/* Registers reachable, DMA not yet: a device without a reset keeps
	 * whatever a previous owner (killed mid-traffic) programmed, and the
	 * addresses in its rings now reach this process's memory. The bus
	 * lets the driver stop it (sl_pci_driver.quiesce) before turning
	 * mastering on. */
	ret = sl_pci_command_update(dev, SL_PCI_COMMAND_MEMORY, SL_PCI_COMMAND_MASTER);
	if (ret < 0) {
		SL_LOG(ERR, PCI, "%s: cannot write the PCI command register: %s", dev->name,
		       strerror(-ret));
		sl_pci_device_close(dev);
	}
	return ret;
}

void sl_pci_device_close(struct sl_pci_device *dev)
{
	if (!sl_pci_device_is_open(dev))
		return;
	/* No DMA from here on, whatever the driver left running. */
	sl_pci_set_bus_master(dev, 0);
	sl_pci_intr_disable(dev);
	unmap_bars(dev);
	sl_pci_reset(dev);
	dev->priv->backend->close(dev);
	dev->priv->backend = NULL;
	regions_clear(dev->priv);
}
