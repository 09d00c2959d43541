/* SPDX-License-Identifier: BSD-3-Clause
 * Sluice PCI bus internals shared by the lib/pci sources and the unit test
 * (not installed). */
#ifndef SL_PCI_PRIVATE_H
#define SL_PCI_PRIVATE_H

#include <stddef.h>
#include <stdint.h>

#include "sl_pci.h"

/* ---- IOVA space: pure bookkeeping, no VFIO ------------------------------ */

/* One usable IOVA range as VFIO reports it: end is inclusive. */
struct sl_pci_iova_range {
	uint64_t start;
	uint64_t end;
};

#define SL_PCI_IOVA_MAX_RANGES 32
#define SL_PCI_IOVA_MAX_HOLES 128
/* Never hand out IOVA 0..1 MiB: a zero/NULL-ish IOVA in a descriptor is
 * then always a driver bug the IOMMU reports, never silent DMA. */
#define SL_PCI_IOVA_FLOOR (UINT64_C(1) << 20)
/* Blocks of at least this size get this alignment, so the IOMMU can use
 * 2 MiB superpages when the VA side is hugepage-backed too. */
#define SL_PCI_IOVA_HUGE_ALIGN (UINT64_C(2) << 20)
#define SL_PCI_IOVA_MIN_ALIGN UINT64_C(4096)

/* A bump allocator per usable range (in address order), plus a short list
 * of freed extents that later allocations reuse first-fit. Freed space
 * adjacent to a range's bump pointer is given back to the range. When the
 * hole list is full a freed extent is forgotten (leaked), never reused
 * wrongly. */
struct sl_pci_iova_space {
	unsigned nb_ranges;
	struct {
		uint64_t start;
		uint64_t end;	/* inclusive */
		uint64_t next;	/* first never-allocated byte */
	} range[SL_PCI_IOVA_MAX_RANGES];
	unsigned nb_holes;
	struct {
		uint64_t start;
		uint64_t len;
	} hole[SL_PCI_IOVA_MAX_HOLES];
};

/* Takes the usable ranges in any order (overlaps merged), clips them to
 * [floor, ...) and keeps the lowest SL_PCI_IOVA_MAX_RANGES. Returns the
 * number of ranges kept, -EINVAL when none is left. */
int sl_pci_iova_space_init(struct sl_pci_iova_space *s, const struct sl_pci_iova_range *ranges,
			   unsigned nb_ranges, uint64_t floor);
/* len is rounded up to 4 KiB; align (power of two or 0) is raised to 4 KiB,
 * and to 2 MiB for blocks of 2 MiB or more. SL_BAD_IOVA when no range has
 * room. */
uint64_t sl_pci_iova_space_alloc(struct sl_pci_iova_space *s, uint64_t len, uint64_t align);
void sl_pci_iova_space_free(struct sl_pci_iova_space *s, uint64_t iova, uint64_t len);
/* Bytes still allocatable (bump space plus holes), for tests and logs. */
uint64_t sl_pci_iova_space_avail(const struct sl_pci_iova_space *s);

/* ---- device selection ------------------------------------------------ */

enum sl_pci_action {
	SL_PCI_ACTION_SKIP,	/* not ours or not allowed; msg says why if non-empty */
	SL_PCI_ACTION_OPEN,	/* on vfio-pci or uio_pci_generic, driver in *drv */
	SL_PCI_ACTION_FAIL,	/* explicitly allowed but unusable: msg is the error */
};

/* Decides what the bus does with a scanned device given the allow list
 * (nb_allow 0 = everything allowed) and the registered drivers. */
enum sl_pci_action sl_pci_decide(const struct sl_pci_device *dev, const struct sl_pci_addr *allow,
				 unsigned nb_allow, const struct sl_pci_driver **drv, char *msg,
				 size_t msg_size);
const struct sl_pci_driver *sl_pci_match_driver(const struct sl_pci_id *id);

/* The sysfs root used by the scan: $SL_SYSFS_ROOT or "/sys". */
const char *sl_pci_sysfs_root(void);
/* Where device nodes are (/dev/uioN): $SL_DEVFS_ROOT or "/dev", so the
 * unit test can fake them beside its fake sysfs. */
const char *sl_pci_devfs_root(void);
/* Base name of the target of dir/link into buf, "" if there is no such
 * link or the name does not fit. */
void sl_pci_read_link_name(const char *dir, const char *link, char *buf, size_t size);

/* EAL hook bodies, callable directly by tests. */
int sl_pci_bus_init(void);
void sl_pci_bus_fini(void);

/* ---- device state behind sl_pci_device.priv --------------------------- */

/* A device's regions: BARs 0-5, the expansion ROM, config space (VFIO's
 * numbering; the UIO backend follows it). */
#define SL_PCI_REGION_ROM 6
#define SL_PCI_REGION_CONFIG 7
#define SL_PCI_NB_REGIONS 8

#define SL_PCI_REGION_MMAP 0x1	/* mmap(fd, offset) gives the BAR */
#define SL_PCI_REGION_IO 0x2	/* an I/O-port BAR: pread/pwrite only */

/* Where a region is read, written and mapped. */
struct sl_pci_region {
	int fd;			/* -1: absent */
	uint64_t offset;	/* of the region in fd */
	uint64_t size;
	uint32_t flags;		/* SL_PCI_REGION_* */
};

/* Interrupt capabilities (the drivers poll; this is for the record and for
 * future link-state interrupts). */
struct sl_pci_intr_info {
	uint32_t intx_count;		/* what the backend can wire */
	uint32_t msi_count;
	uint32_t msix_count;
	enum sl_pci_intr_mode mode;	/* SL_PCI_INTR_NONE while off */
	unsigned nb_vectors;
	int fds[SL_PCI_MAX_VECTORS];	/* pci_intr.c */
};

/* How a device bound to one kernel driver is opened. */
struct sl_pci_backend {
	const char *kdrv;	/* "vfio-pci", "uio_pci_generic" */
	/* No IOMMU between the device and memory: its DMA addresses are
	 * physical ones, so --iova-mode auto becomes pa (sl_eal_init). */
	int needs_pa;
	/* Before open: makes the EAL's memory reachable by the device's DMA,
	 * or says in one log line why it cannot be (0 or -errno). UIO: no
	 * IOMMU, nothing to map, but the EAL must be in PA mode. NULL for
	 * VFIO, which maps all memory when the first group joins its
	 * container (open). */
	int (*dma_map)(const struct sl_pci_device *dev);
	/* Fills the region table (BARs not mapped yet, nothing else touched).
	 * 0, or -errno after one log line with nothing left open. */
	int (*open)(struct sl_pci_device *dev);
	/* BARs already unmapped, bus mastering off: closes what open opened. */
	void (*close)(struct sl_pci_device *dev);
	/* A function reset: 0, -ENOTSUP when the device has none, -errno. */
	int (*reset)(struct sl_pci_device *dev);
	/* Interrupts (pci_intr.c): wire nb vectors of mode to fds (nb 0: tear
	 * down); unmask INTx after the cause is cleared. intr_uses_dev_fd:
	 * the vector is the device file itself (UIO), not an eventfd. */
	int (*intr_set)(struct sl_pci_device *dev, enum sl_pci_intr_mode mode, const int *fds,
			unsigned nb);
	int (*intr_unmask)(struct sl_pci_device *dev);
	int intr_uses_dev_fd;
};

int sl_pci_vfio_intr_set(struct sl_pci_device *dev, enum sl_pci_intr_mode mode, const int *fds,
			 unsigned nb);
int sl_pci_vfio_intr_unmask(struct sl_pci_device *dev);
int sl_pci_uio_intr_set(struct sl_pci_device *dev, enum sl_pci_intr_mode mode, const int *fds,
			unsigned nb);
int sl_pci_uio_intr_unmask(struct sl_pci_device *dev);

extern const struct sl_pci_backend sl_pci_vfio_backend;
extern const struct sl_pci_backend sl_pci_uio_backend;
/* The backend for a kernel driver name, NULL when none serves it. */
const struct sl_pci_backend *sl_pci_backend_for(const char *kdrv);

struct sl_pci_device_private {
	int iommu_group;			/* -1 if the device has none */
	const struct sl_pci_backend *backend;	/* NULL while closed */
	struct sl_pci_region region[SL_PCI_NB_REGIONS];
	struct sl_pci_intr_info intr;
	struct {
		int dev_fd;
		int group_fd;
		uint32_t dev_flags;		/* VFIO_DEVICE_FLAGS_* */
		uint32_t num_regions;
	} vfio;
	struct {
		int uio_fd;			/* /dev/uioN, see pci_uio.c */
		int uio_index;
	} uio;
};

static inline int sl_pci_device_is_open(const struct sl_pci_device *dev)
{
	return dev->priv != NULL && dev->priv->backend != NULL;
}

/* pci_device.c. Open: through the backend of dev->kdrv, reset where the
 * device can be, every mmapable BAR mapped, memory decoding on, bus
 * mastering off. 0 or -errno after one log line; on error nothing stays
 * open. Close: bus mastering off, BARs unmapped, reset, backend closed. */
int sl_pci_device_open(struct sl_pci_device *dev);
void sl_pci_device_close(struct sl_pci_device *dev);
/* The backend's dma_map for dev (0 when it has none). */
int sl_pci_device_dma_map(const struct sl_pci_device *dev);
/* Read-modify-write of the command register. 0 or -errno. */
int sl_pci_command_update(const struct sl_pci_device *dev, uint16_t set, uint16_t clear);

/* Re-reads sysfs (sl_pci_sysfs_root()/bus/pci/devices). Devices in use
 * (open or probed) keep their struct. The number of devices, or -errno. */
int sl_pci_scan(void);

/* ---- VFIO internals (pci_vfio_group.c, pci_vfio_dma.c) ----------------- */

/* The group of dev attached to the process's container (opened, with the
 * container, the IOMMU type and the DMA mapping, on first use): its fd in
 * *group_fd, or -errno after one log line with nothing left open. */
int sl_pci_vfio_group_get(const struct sl_pci_device *dev, int *group_fd);
/* One device fewer on the group; the last one unmaps all DMA and closes
 * the group(s) and the container. */
void sl_pci_vfio_group_put(int group_fd);

/* pci_vfio_dma.c: the IOVA allocator (VA mode) and the DMA mapping of all
 * EAL memory in the container, kept up to date through memory events.
 * 0 or -errno after one log line, nothing left behind. */
int sl_pci_vfio_dma_setup(int container_fd);
void sl_pci_vfio_dma_teardown(void);

#endif /* SL_PCI_PRIVATE_H */
