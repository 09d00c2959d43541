/* SPDX-License-Identifier: BSD-3-Clause
 * The UIO backend, for devices bound to uio_pci_generic (machines without
 * an IOMMU, most VMs): /dev/uioN held open, BARs through sysfs resourceN
 * (mmap for memory BARs; pread/pwrite for I/O-port BARs, which the kernel
 * turns into in/out of 1, 2 or 4 bytes), config space through sysfs
 * config, a function reset through sysfs reset. Everything else an open
 * device does is generic (pci_device.c).
 *
 * What uio_pci_generic does (drivers/uio/uio_pci_generic.c): its probe
 * enables the device (memory and I/O decoding, not bus mastering), checks
 * that INTx can be masked and registers /dev/uioN (recent kernels also
 * list the memory BARs as UIO maps). It has no open hook: opening
 * /dev/uioN resets nothing and stops nothing. Its release hook, on
 * kernels since 2019, calls pci_clear_master() on every close of a
 * /dev/uioN file, among them the close the kernel does for a process that
 * dies: that is why the fd stays open as long as the device is. Neither
 * stops the device itself: rings and enables a killed owner programmed
 * stay, and whoever sets bus mastering next lets the device DMA to the
 * physical pages of the dead process, which the kernel has handed to
 * someone else; older kernels leave mastering on and the device keeps
 * writing. (Another program opening and closing /dev/uioN also clears our
 * bus mastering.) So Sluice stops it itself: mastering off at open, the
 * driver's quiesce before mastering goes on (pci.c), mastering off at
 * every close (sl_eal_cleanup, a failed init), and an atexit handler for a
 * program that exits without sl_eal_cleanup.
 *
 * DMA: without an IOMMU the device sees physical addresses, so IOVA = PA
 * and there is nothing to map; the EAL must hand out physical addresses
 * (--iova-mode pa) of pages that never move (hugepages). A device on
 * uio_pci_generic and another on vfio-pci in one process are allowed: PA
 * mode holds for both, and VFIO then maps every segment at IOVA = PA
 * (pci_vfio_dma.c), so one address is right for either device. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sl_eal.h"
#include "sl_log.h"
#include "pci_private.h"

/* include/linux/ioport.h: the flags column of sysfs "resource" */
#define IORESOURCE_IO 0x00000100
#define IORESOURCE_MEM 0x00000200

/* path of a file in the device's sysfs directory; 0 or -ENAMETOOLONG */
static int dev_path(const struct sl_pci_device *dev, const char *file, char *buf, size_t size)
{
	if ((size_t)snprintf(buf, size, "%s/bus/pci/devices/%s/%s", sl_pci_sysfs_root(),
			     dev->name, file) >= size)
		return -ENAMETOOLONG;
	return 0;
}

static void log_open_error(const struct sl_pci_device *dev, const char *path, int err)
{
	if (err == EACCES || err == EPERM)
		SL_LOG(ERR, PCI,
		       "%s: cannot open %s: %s: a device on uio_pci_generic needs root (its "
		       "sysfs resource and config files are root's)",
		       dev->name, path, strerror(err));
	else
		SL_LOG(ERR, PCI, "%s: cannot open %s: %s", dev->name, path, strerror(err));
}

/* Opens dev's sysfs file: the fd, or -errno after one log line. */
static int dev_file_open(const struct sl_pci_device *dev, const char *file, int flags)
{
	char path[PATH_MAX];
	int fd, err;

	if (dev_path(dev, file, path, sizeof(path)) < 0)
		return -ENAMETOOLONG;
	fd = open(path, flags | O_CLOEXEC);
	if (fd >= 0)
		return fd;
	err = errno;
	log_open_error(dev, path, err);
	return -err;
}

/* N of the device's uio/uioN entry, -ENODEV after a log line if none. */
static int find_uio_index(const struct sl_pci_device *dev)
{
	char path[PATH_MAX];
	struct dirent *e;
	int index = -1;
	DIR *d;

	if (dev_path(dev, "uio", path, sizeof(path)) < 0)
		return -ENAMETOOLONG;
	d = opendir(path);
	while (d != NULL && index < 0 && (e = readdir(d)) != NULL)
		if (sscanf(e->d_name, "uio%d", &index) != 1)
			index = -1;
	if (d != NULL)
		closedir(d);
	if (index < 0) {
		SL_LOG(ERR, PCI,
		       "%s is bound to uio_pci_generic but has no UIO device (%s is missing or "
		       "empty): rebind it with usertools/sl-devbind --bind uio_pci_generic %s",
		       dev->name, path, dev->name);
		return -ENODEV;
	}
	return index;
}

static int uio_fd_open(struct sl_pci_device *dev)
{
	char path[PATH_MAX];
	int index, fd, err;

	index = find_uio_index(dev);
	if (index < 0)
		return index;
	snprintf(path, sizeof(path), "%s/uio%d", sl_pci_devfs_root(), index);
	fd = open(path, O_RDWR | O_CLOEXEC);
	if (fd < 0) {
		err = errno;
		if (err == ENOENT)
			SL_LOG(ERR, PCI,
			       "%s: %s is missing although sysfs lists uio%d: is udev running "
			       "(or create it: mknod from /sys/class/uio/uio%d/dev)?",
			       dev->name, path, index, index);
		else
			log_open_error(dev, path, err);
		return -err;
	}
	dev->priv->uio.uio_index = index;
	dev->priv->uio.uio_fd = fd;
	return 0;
}

/* BARs from sysfs "resource" (one "start end flags" line per resource,
 * BARs first) and their resourceN files. Absent BARs stay size 0. */
static int bars_open(struct sl_pci_device *dev)
{
	unsigned long long start, end, flags;
	char file[16];
	int bar, fd, ret = 0;
	FILE *f;

	fd = dev_file_open(dev, "resource", O_RDONLY);
	if (fd < 0)
		return fd;
	f = fdopen(fd, "r");
	if (f == NULL) {
		close(fd);
		return -ENOMEM;
	}
	for (bar = 0; bar < SL_PCI_MAX_BARS && ret == 0; bar++) {
		struct sl_pci_region *r = &dev->priv->region[bar];

		if (fscanf(f, "%llx %llx %llx", &start, &end, &flags) != 3)
			break;
		if (end <= start || !(flags & (IORESOURCE_IO | IORESOURCE_MEM)))
			continue;
		snprintf(file, sizeof(file), "resource%d", bar);
		fd = dev_file_open(dev, file, O_RDWR);
		if (fd < 0) {
			ret = fd;
			break;
		}
		r->fd = fd;
		r->size = end - start + 1;
		r->flags = (flags & IORESOURCE_IO) ? SL_PCI_REGION_IO : SL_PCI_REGION_MMAP;
	}
	fclose(f);
	return ret;
}

static int config_open(struct sl_pci_device *dev)
{
	struct sl_pci_region *r = &dev->priv->region[SL_PCI_REGION_CONFIG];
	struct stat st;
	int fd = dev_file_open(dev, "config", O_RDWR);

	if (fd < 0)
		return fd;
	/* sysfs gives the file the size of the config space: 256 bytes, or
	 * 4096 for PCI Express extended space */
	if (fstat(fd, &st) < 0 || st.st_size < 64) {
		SL_LOG(ERR, PCI, "%s: its sysfs config file is not a config space", dev->name);
		close(fd);
		return -ENODEV;
	}
	r->fd = fd;
	r->size = (uint64_t)st.st_size;
	return 0;
}

static void uio_close(struct sl_pci_device *dev)
{
	struct sl_pci_device_private *p = dev->priv;
	unsigned i;

	for (i = 0; i < SL_PCI_NB_REGIONS; i++) {
		if (p->region[i].fd >= 0)
			close(p->region[i].fd);
		p->region[i].fd = -1;
	}
	if (p->uio.uio_fd >= 0)
		close(p->uio.uio_fd);
	p->uio.uio_fd = -1;
	p->uio.uio_index = -1;
}

/* Bus mastering off for every UIO device still open, when the program
 * exits without sl_eal_cleanup: its memory is freed right after. */
static void uio_atexit(void)
{
	struct sl_pci_device *dev;

	SL_PCI_FOREACH_DEVICE(dev)
		if (sl_pci_device_is_open(dev) && dev->priv->backend == &sl_pci_uio_backend)
			sl_pci_set_bus_master(dev, 0);
}

/* A device with an IOMMU group on uio_pci_generic: the kernel's DMA API
 * owns its IOMMU domain. Only an identity domain (iommu=pt, or the group's
 * type set to identity) lets physical addresses through; any translating
 * domain (DMA, DMA-FQ) turns every descriptor into an IOMMU fault. */
static int uio_iommu_check(const struct sl_pci_device *dev)
{
	int group = dev->priv->iommu_group;
	char path[PATH_MAX], type[32] = "";
	FILE *f;

	if (group < 0)
		return 0;
	snprintf(path, sizeof(path), "%s/kernel/iommu_groups/%d/type", sl_pci_sysfs_root(), group);
	f = fopen(path, "re");
	if (f != NULL) {
		if (fgets(type, sizeof(type), f) == NULL)
			type[0] = '\0';
		fclose(f);
		type[strcspn(type, "\n")] = '\0';
	}
	if (strcmp(type, "identity") == 0)
		return 0;
	SL_LOG(ERR, PCI,
	       "%s is on uio_pci_generic but its IOMMU group %d translates DMA (type %s), so "
	       "physical addresses would fault: bind it to vfio-pci (usertools/sl-devbind --bind "
	       "vfio-pci %s), or make the group pass DMA through (kernel option iommu=pt, or "
	       "'identity' into %s while no driver is bound)",
	       dev->name, group, type[0] ? type : "unknown", dev->name, path);
	return -EPERM;
}

static int uio_open(struct sl_pci_device *dev)
{
	static int atexit_registered;
	int ret;

	ret = uio_iommu_check(dev);
	if (ret < 0)
		return ret;
	ret = uio_fd_open(dev);
	if (ret == 0)
		ret = bars_open(dev);
	if (ret == 0)
		ret = config_open(dev);
	if (ret < 0) {
		uio_close(dev);
		return ret;
	}
	/* uio_pci_generic refuses a device without an INTx pin or masking,
	 * so an open one has its line; MSI and MSI-X it cannot wire. */
	dev->priv->intr.intx_count = 1;
	if (!atexit_registered && atexit(uio_atexit) == 0)
		atexit_registered = 1;
	SL_LOG(DEBUG, PCI, "%s: opened through uio%d", dev->name, dev->priv->uio.uio_index);
	return 0;
}

/* A function reset by the kernel (pci_reset_function: FLR, PM or bus
 * reset, config space saved and restored around it). */
static int uio_reset(struct sl_pci_device *dev)
{
	char path[PATH_MAX];
	int fd, ret = 0;

	if (dev_path(dev, "reset", path, sizeof(path)) < 0)
		return -ENAMETOOLONG;
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return errno == ENOENT ? -ENOTSUP : -errno;
	if (write(fd, "1", 1) != 1) {
		ret = -errno;
		SL_LOG(DEBUG, PCI, "%s: reset through %s: %s", dev->name, path, strerror(errno));
	}
	close(fd);
	return ret;
}

/* Nothing to map: the device DMAs to physical addresses. What must hold
 * is that the EAL gives those, of pages that stay where they are. */
static int uio_dma_map(const struct sl_pci_device *dev)
{
	if (sl_eal_iova_mode() != SL_IOVA_MODE_PA) {
		SL_LOG(ERR, PCI,
		       "%s is on uio_pci_generic (no IOMMU): its DMA addresses are physical, but "
		       "--iova-mode va was given: drop it (the default, auto, picks pa), or bind "
		       "the device to vfio-pci on a machine with an IOMMU",
		       dev->name);
		return -EINVAL;
	}
	if (sl_eal_no_huge()) {
		/* mlock keeps 4 KiB pages in memory but not in place:
		 * compaction may migrate them while the device still writes
		 * to the old physical page. VFIO pins them; nothing does here. */
		SL_LOG(ERR, PCI,
		       "%s is on uio_pci_generic (no IOMMU): --no-huge memory can be moved by "
		       "the kernel under the device's DMA; use hugepages (drop --no-huge, see "
		       "usertools/sl-hugepages) or vfio-pci",
		       dev->name);
		return -EINVAL;
	}
	return 0;
}

const struct sl_pci_backend sl_pci_uio_backend = {
	.kdrv = "uio_pci_generic",
	.needs_pa = 1,
	.dma_map = uio_dma_map,
	.open = uio_open,
	.close = uio_close,
	.reset = uio_reset,
	.intr_set = sl_pci_uio_intr_set,
	.intr_unmask = sl_pci_uio_intr_unmask,
	.intr_uses_dev_fd = 1,
};
