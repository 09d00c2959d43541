/* SPDX-License-Identifier: BSD-3-Clause
 * Interrupts of an open device: its vectors, each a file descriptor that
 * becomes readable when the vector fires, for an lcore's poll() or the
 * EAL's interrupt thread. The kernel does none of the device's work: it
 * turns the interrupt into a wake-up.
 *
 * VFIO (vfio-pci): one eventfd per vector, handed to the kernel with
 * VFIO_DEVICE_SET_IRQS (ACTION_TRIGGER). MSI and MSI-X are edge-like: each
 * message is one count on the eventfd. INTx is level-triggered, so VFIO
 * masks the line when it fires (VFIO_IRQ_INFO_AUTOMASKED) until the driver
 * has cleared the device's cause and unmasks it (ACTION_UNMASK).
 *
 * UIO (uio_pci_generic): INTx only. /dev/uioN is the vector: read() gives
 * the interrupt count, poll() says when it changed. The kernel's handler
 * masks INTx by setting Interrupt Disable in the command register
 * (pci_check_and_mask_intx) and uio_pci_generic has no irqcontrol (a
 * write to /dev/uioN fails with ENOSYS): the driver unmasks by clearing
 * the bit through config space, and sets it again when it is done.
 *
 * An eventfd can also be written from user space: a driver that sees work
 * already waiting when it arms a queue wakes the waiter itself (the
 * lost-wake-up re-check, see sl_ethdev_driver.h). */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <linux/vfio.h>

#include "sl_log.h"
#include "pci_private.h"

static const char *const mode_names[] = {
	[SL_PCI_INTR_NONE] = "none", [SL_PCI_INTR_INTX] = "INTx",
	[SL_PCI_INTR_MSI] = "MSI", [SL_PCI_INTR_MSIX] = "MSI-X",
};

const char *sl_pci_intr_mode_name(enum sl_pci_intr_mode mode)
{
	return (unsigned)mode < SL_DIM(mode_names) ? mode_names[mode] : "?";
}

unsigned sl_pci_intr_count(const struct sl_pci_device *dev, enum sl_pci_intr_mode mode)
{
	const struct sl_pci_intr_info *i;

	if (!sl_pci_device_is_open(dev))
		return 0;
	i = &dev->priv->intr;
	switch (mode) {
	case SL_PCI_INTR_INTX:
		return i->intx_count;
	case SL_PCI_INTR_MSI:
		return i->msi_count;
	case SL_PCI_INTR_MSIX:
		return i->msix_count;
	default:
		return 0;
	}
}

static void close_fds(struct sl_pci_intr_info *i, int own)
{
	for (unsigned v = 0; v < i->nb_vectors; v++) {
		if (own && i->fds[v] >= 0)
			close(i->fds[v]);
		i->fds[v] = -1;
	}
	i->nb_vectors = 0;
	i->mode = SL_PCI_INTR_NONE;
}

int sl_pci_intr_enable(struct sl_pci_device *dev, enum sl_pci_intr_mode mode, unsigned nb)
{
	struct sl_pci_device_private *p = dev->priv;
	struct sl_pci_intr_info *i;
	unsigned v, have;
	int ret;

	if (!sl_pci_device_is_open(dev))
		return -ENODEV;
	i = &p->intr;
	have = sl_pci_intr_count(dev, mode);
	if (i->mode != SL_PCI_INTR_NONE) {
		SL_LOG(ERR, PCI, "%s: interrupts are on already (%s): disable them first", dev->name,
		       sl_pci_intr_mode_name(i->mode));
		return -EBUSY;
	}
	if (nb == 0 || nb > have || nb > SL_PCI_MAX_VECTORS || (mode == SL_PCI_INTR_INTX && nb != 1)) {
		SL_LOG(ERR, PCI, "%s: %u %s vector(s) asked, the device offers %u through %s%s",
		       dev->name, nb, sl_pci_intr_mode_name(mode), have, p->backend->kdrv,
		       have == 0 && p->backend->intr_uses_dev_fd ? " (uio_pci_generic has INTx only)"
								 : "");
		return -ENOTSUP;
	}
	for (v = 0; v < nb; v++) {
		i->fds[v] = p->backend->intr_uses_dev_fd ? p->uio.uio_fd
							  : eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
		if (i->fds[v] < 0) {
			ret = -errno;
			SL_LOG(ERR, PCI, "%s: eventfd for interrupt vector %u: %s", dev->name, v,
			       strerror(errno));
			i->nb_vectors = v;
			close_fds(i, 1);
			return ret;
		}
	}
	i->nb_vectors = nb;
	ret = p->backend->intr_set(dev, mode, i->fds, nb);
	if (ret < 0) {
		close_fds(i, !p->backend->intr_uses_dev_fd);
		return ret;
	}
	i->mode = mode;
	SL_LOG(DEBUG, PCI, "%s: %u %s vector(s) on", dev->name, nb, sl_pci_intr_mode_name(mode));
	return 0;
}

void sl_pci_intr_disable(struct sl_pci_device *dev)
{
	struct sl_pci_device_private *p;

	if (!sl_pci_device_is_open(dev) || dev->priv->intr.mode == SL_PCI_INTR_NONE)
		return;
	p = dev->priv;
	p->backend->intr_set(dev, p->intr.mode, NULL, 0);
	close_fds(&p->intr, !p->backend->intr_uses_dev_fd);
}

enum sl_pci_intr_mode sl_pci_intr_mode(const struct sl_pci_device *dev)
{
	return sl_pci_device_is_open(dev) ? dev->priv->intr.mode : SL_PCI_INTR_NONE;
}

int sl_pci_intr_fd(const struct sl_pci_device *dev, unsigned vector)
{
	if (!sl_pci_device_is_open(dev) || vector >= dev->priv->intr.nb_vectors)
		return -1;
	return dev->priv->intr.fds[vector];
}

int sl_pci_intr_clear(const struct sl_pci_device *dev, unsigned vector)
{
	int fd = sl_pci_intr_fd(dev, vector);
	uint64_t count;
	int32_t uio_count;
	ssize_t n;

	if (fd < 0)
		return -EINVAL;
	/* A UIO read must be exactly 4 bytes; an eventfd's 8. */
	if (dev->priv->backend->intr_uses_dev_fd)
		n = read(fd, &uio_count, sizeof(uio_count));
	else
		n = read(fd, &count, sizeof(count));
	if (n < 0)
		return errno == EAGAIN ? 0 : -errno;
	return 1;
}

int sl_pci_intr_unmask(const struct sl_pci_device *dev)
{
	if (!sl_pci_device_is_open(dev) || dev->priv->intr.mode != SL_PCI_INTR_INTX)
		return 0;
	return dev->priv->backend->intr_unmask(dev);
}

/* ---- VFIO ---------------------------------------------------------------- */

static unsigned vfio_index(enum sl_pci_intr_mode mode)
{
	return mode == SL_PCI_INTR_MSIX  ? VFIO_PCI_MSIX_IRQ_INDEX
	       : mode == SL_PCI_INTR_MSI ? VFIO_PCI_MSI_IRQ_INDEX
					 : VFIO_PCI_INTX_IRQ_INDEX;
}

int sl_pci_vfio_intr_set(struct sl_pci_device *dev, enum sl_pci_intr_mode mode, const int *fds,
			 unsigned nb)
{
	size_t size = sizeof(struct vfio_irq_set) + nb * sizeof(int32_t);
	struct vfio_irq_set *set = calloc(1, size);
	int ret = 0;

	if (set == NULL)
		return -ENOMEM;
	set->argsz = (uint32_t)size;
	set->index = vfio_index(mode);
	set->start = 0;
	set->count = nb;
	/* count 0 with DATA_NONE tears the vectors down */
	set->flags = VFIO_IRQ_SET_ACTION_TRIGGER |
		     (nb > 0 ? VFIO_IRQ_SET_DATA_EVENTFD : VFIO_IRQ_SET_DATA_NONE);
	for (unsigned v = 0; v < nb; v++)
		memcpy(set->data + v * sizeof(int32_t), &fds[v], sizeof(int32_t));
	if (ioctl(dev->priv->vfio.dev_fd, VFIO_DEVICE_SET_IRQS, set) < 0) {
		ret = -errno;
		if (nb > 0)
			SL_LOG(ERR, PCI, "%s: VFIO_DEVICE_SET_IRQS (%u %s vectors): %s", dev->name, nb,
			       sl_pci_intr_mode_name(mode), strerror(errno));
	}
	free(set);
	return ret;
}

int sl_pci_vfio_intr_unmask(const struct sl_pci_device *dev)
{
	struct vfio_irq_set set = {
		.argsz = sizeof(set),
		.flags = VFIO_IRQ_SET_DATA_NONE | VFIO_IRQ_SET_ACTION_UNMASK,
		.index = VFIO_PCI_INTX_IRQ_INDEX,
		.start = 0,
		.count = 1,
	};

	return ioctl(dev->priv->vfio.dev_fd, VFIO_DEVICE_SET_IRQS, &set) < 0 ? -errno : 0;
}

/* ---- UIO ----------------------------------------------------------------- */

static int uio_irqcontrol(const struct sl_pci_device *dev, int on)
{
	return on ? sl_pci_command_update(dev, 0, SL_PCI_COMMAND_INTX_DISABLE)
		  : sl_pci_command_update(dev, SL_PCI_COMMAND_INTX_DISABLE, 0);
}

int sl_pci_uio_intr_set(struct sl_pci_device *dev, enum sl_pci_intr_mode mode, const int *fds,
			unsigned nb)
{
	int fd = dev->priv->uio.uio_fd, flags, ret;

	(void)mode;
	(void)fds;
	flags = fcntl(fd, F_GETFL);
	if (flags < 0 || fcntl(fd, F_SETFL, nb > 0 ? flags | O_NONBLOCK : flags & ~O_NONBLOCK) < 0)
		return -errno;
	ret = uio_irqcontrol(dev, nb > 0);
	if (ret < 0 && nb > 0)
		SL_LOG(ERR, PCI, "%s: cannot unmask INTx in the command register (sysfs config): %s",
		       dev->name, strerror(-ret));
	return ret;
}

int sl_pci_uio_intr_unmask(const struct sl_pci_device *dev)
{
	return uio_irqcontrol(dev, 1);
}
