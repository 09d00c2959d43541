/* SPDX-License-Identifier: BSD-3-Clause
 * Sluice PCI bus: sysfs scan, driver matching, devices opened through VFIO
 * or UIO (BARs mapped into the process, config space, bus mastering) and,
 * with VFIO, the DMA mapping of all EAL memory in the IOMMU.
 *
 * A driver registers with SL_PCI_REGISTER(drv). During sl_eal_init the PCI
 * hook scans /sys/bus/pci/devices; each device that matches a driver's id
 * table, is allowed (-a, or every device when no -a is given) and is bound
 * to vfio-pci or uio_pci_generic is opened, reset when it can be, its
 * memory BARs are mapped, drv->quiesce(dev) stops what it may still be doing, bus mastering is
 * enabled and drv->probe(dev) is called. sl_eal_cleanup calls remove(dev)
 * and releases everything. */
#ifndef SL_PCI_H
#define SL_PCI_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "sl_common.h"
#include "sl_io.h"

#ifdef __cplusplus
extern "C" {
#endif

#define SL_PCI_MAX_BARS 6
#define SL_PCI_ANY_ID 0xffff
/* "0000:00:03.0" and its NUL, room for 32-bit domains (VMD: 10000:...) */
#define SL_PCI_ADDR_STRLEN 18

/* Domain:bus:device.function */
struct sl_pci_addr {
	uint32_t domain;
	uint8_t bus;
	uint8_t devid;
	uint8_t function;
};

/* Parses "DDDD:BB:DD.F" or the short "BB:DD.F" (domain 0), hex digits.
 * 0, or -EINVAL (no log: callers say in which context it was wrong). */
int sl_pci_addr_parse(const char *s, struct sl_pci_addr *addr);
/* Writes "DDDD:BB:DD.F" into buf (at least SL_PCI_ADDR_STRLEN bytes). */
void sl_pci_addr_format(const struct sl_pci_addr *addr, char *buf, size_t size);
/* <0, 0, >0 like memcmp, in bus order. */
int sl_pci_addr_cmp(const struct sl_pci_addr *a, const struct sl_pci_addr *b);

struct sl_pci_id {
	uint16_t vendor;	/* 0 ends an id table */
	uint16_t device;	/* SL_PCI_ANY_ID matches any */
};

/* A BAR as the driver sees it: addr is NULL when the BAR is not memory,
 * absent, or could not be mmapped (then use sl_pci_bar_read/write). */
struct sl_pci_resource {
	void *addr;
	uint64_t len;
};

struct sl_pci_driver;

/* The bus's own state of a device (backend, file descriptors, regions):
 * lib/pci's, not part of the API. */
struct sl_pci_device_private;

struct sl_pci_device {
	struct sl_pci_device *next;		/* scan order (bus order) */
	struct sl_pci_addr addr;
	char name[SL_PCI_ADDR_STRLEN];		/* "0000:00:03.0" */
	struct sl_pci_id id;
	struct sl_pci_id subsystem_id;
	uint32_t class_id;			/* 0x020000 = Ethernet */
	int numa_node;				/* SL_SOCKET_ID_ANY if unknown */
	char kdrv[32];				/* kernel driver, "" if unbound */

	struct sl_pci_resource mem_resource[SL_PCI_MAX_BARS];

	const struct sl_pci_driver *driver;	/* set while probed */
	void *driver_data;			/* the driver's own (e.g. port) */

	struct sl_pci_device_private *priv;	/* NULL: not scanned by the bus */
};

struct sl_pci_driver {
	struct sl_pci_driver *next;		/* registration list */
	const char *name;			/* "net_e1000" */
	const struct sl_pci_id *id_table;
	/* Called with BARs mapped and bus mastering on. < 0 fails the init
	 * (the driver logs why); the device is then closed again. */
	int (*probe)(struct sl_pci_device *dev);
	/* Called from sl_eal_cleanup: must leave the device quiet (no DMA,
	 * no interrupts) so the bus can unmap memory and a kernel driver can
	 * take the device back. */
	int (*remove)(struct sl_pci_device *dev);
	/* Optional, before probe: BARs mapped, bus mastering still off. Must
	 * stop any DMA the device was left set up for, from whatever state a
	 * previous owner left it in (killed mid-traffic: rings and enables
	 * still programmed, and a device without a reset keeps them).
	 * Once mastering is on, the IOVAs in those rings would reach this
	 * process's memory, mapped at the same IOVAs for other uses. */
	void (*quiesce)(struct sl_pci_device *dev);
};

void sl_pci_register(struct sl_pci_driver *drv);

#define SL_PCI_REGISTER(drv)                                           \
	static void __attribute__((constructor, used)) sl_pci_reg_##drv(void) \
	{                                                              \
		sl_pci_register(&(drv));                               \
	}

/* ---- scanned devices ------------------------------------------------- */

/* The EAL hook scans SL_SYSFS_ROOT/bus/pci/devices (root "/sys" unless
 * that environment variable says otherwise). */
/* Iterates the scanned devices in bus order: first with prev NULL. */
struct sl_pci_device *sl_pci_device_next(const struct sl_pci_device *prev);
#define SL_PCI_FOREACH_DEVICE(d) \
	for ((d) = sl_pci_device_next(NULL); (d) != NULL; (d) = sl_pci_device_next(d))
struct sl_pci_device *sl_pci_device_find(const struct sl_pci_addr *addr);

/* ---- config space --------------------------------------------------------- */

/* Return len, or -errno. The device must be open. */
ssize_t sl_pci_config_read(const struct sl_pci_device *dev, void *buf, size_t len, off_t offset);
ssize_t sl_pci_config_write(const struct sl_pci_device *dev, const void *buf, size_t len, off_t offset);

#define SL_PCI_COMMAND 0x04
#define SL_PCI_COMMAND_IO 0x1
#define SL_PCI_COMMAND_MEMORY 0x2
#define SL_PCI_COMMAND_MASTER 0x4
#define SL_PCI_COMMAND_INTX_DISABLE 0x400
#define SL_PCI_STATUS 0x06
#define SL_PCI_STATUS_CAP_LIST 0x10
#define SL_PCI_CAPABILITY_LIST 0x34
#define SL_PCI_CAP_ID_VNDR 0x09
#define SL_PCI_CAP_ID_MSIX 0x11

/* Sets (enable) or clears the bus-master bit; enabling also turns on
 * memory decoding. 0 or -errno. */
int sl_pci_set_bus_master(struct sl_pci_device *dev, int enable);
/* Offset of the first capability with this id at or after 'start' in the
 * capability list (start 0 = from the list head), 0 if none, -errno. */
int sl_pci_find_capability(const struct sl_pci_device *dev, uint8_t cap_id, int start);

/* ---- BARs ------------------------------------------------------------ */

/* Maps a memory BAR (the bus maps every mmapable one before probe; this
 * tells the driver whether its BAR is usable). 0 with
 * dev->mem_resource[bar].addr set, or -errno after a log line. */
int sl_pci_map_bar(struct sl_pci_device *dev, int bar);

/* Register access through the mapping: 'off' is a byte offset in the BAR.
 * The drivers' fast paths use sl_io.h on their own saved pointers. */
static inline uint32_t sl_pci_read32(const struct sl_pci_device *dev, int bar, uint32_t off)
{
	return sl_read32(SL_PTR_ADD(dev->mem_resource[bar].addr, off));
}

static inline void sl_pci_write32(const struct sl_pci_device *dev, int bar, uint32_t off, uint32_t value)
{
	sl_write32(value, SL_PTR_ADD(dev->mem_resource[bar].addr, off));
}

/* Region access by pread/pwrite (the VFIO device fd, or sysfs resourceN
 * on UIO): works for BARs that cannot be mmapped and for I/O-port BARs.
 * len or -errno. */
ssize_t sl_pci_bar_read(const struct sl_pci_device *dev, int bar, void *buf, size_t len, off_t offset);
ssize_t sl_pci_bar_write(const struct sl_pci_device *dev, int bar, const void *buf, size_t len, off_t offset);

/* An I/O-port BAR (virtio legacy), accessed with sl_pci_bar_read/write. */
struct sl_pci_ioport {
	struct sl_pci_device *dev;
	int bar;
	uint64_t len;
};
/* 0, or -errno after a log line (not an I/O BAR, device not open). */
int sl_pci_ioport_map(struct sl_pci_device *dev, int bar, struct sl_pci_ioport *p);
/* 0 or -errno; one pread/pwrite each, so keep to 1, 2 or 4 bytes where
 * the device decodes the access width (virtio legacy registers). */
int sl_pci_ioport_read(const struct sl_pci_ioport *p, void *buf, size_t len, off_t offset);
int sl_pci_ioport_write(const struct sl_pci_ioport *p, const void *buf, size_t len, off_t offset);

/* ---- interrupts (pci_intr.c) ----------------------------------------- */

enum sl_pci_intr_mode {
	SL_PCI_INTR_NONE = 0,
	SL_PCI_INTR_INTX,	/* one level-triggered line, shared by every cause */
	SL_PCI_INTR_MSI,
	SL_PCI_INTR_MSIX,	/* a vector per queue, one for the rest */
};
#define SL_PCI_MAX_VECTORS 33	/* 32 queues and one for link/config changes */

const char *sl_pci_intr_mode_name(enum sl_pci_intr_mode mode);
/* Vectors of mode the device offers through its kernel driver (vfio-pci:
 * what VFIO_DEVICE_GET_IRQ_INFO says; uio_pci_generic: INTx only). */
unsigned sl_pci_intr_count(const struct sl_pci_device *dev, enum sl_pci_intr_mode mode);
/* Wires nb vectors of mode, each to an fd that becomes readable when it
 * fires (sl_pci_intr_fd). 0, or -errno after one log line. */
int sl_pci_intr_enable(struct sl_pci_device *dev, enum sl_pci_intr_mode mode, unsigned nb);
/* Every vector off; closing the device does it too. */
void sl_pci_intr_disable(struct sl_pci_device *dev);
enum sl_pci_intr_mode sl_pci_intr_mode(const struct sl_pci_device *dev);
/* The vector's fd (poll for POLLIN), -1 when it has none. */
int sl_pci_intr_fd(const struct sl_pci_device *dev, unsigned vector);
/* Consumes what the vector signalled: 1 if it had fired, 0 if not, -errno. */
int sl_pci_intr_clear(const struct sl_pci_device *dev, unsigned vector);
/* INTx: lets the line fire again. Clear the device's cause first, or the
 * still-asserted line fires at once. No-op for MSI and MSI-X. */
int sl_pci_intr_unmask(struct sl_pci_device *dev);

/* A function reset (VFIO_DEVICE_RESET; on UIO the sysfs reset file) when
 * the device has one: 0, -ENOTSUP or -errno. */
int sl_pci_reset(struct sl_pci_device *dev);

#ifdef __cplusplus
}
#endif
#endif /* SL_PCI_H */
