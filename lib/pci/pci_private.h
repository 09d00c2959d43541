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
	SL_PCI_ACTION_OPEN,	/* bound to vfio-pci, matching driver in *drv */
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
/* Base name of the target of dir/link into buf, "" if there is no such
 * link or the name does not fit. */
void sl_pci_read_link_name(const char *dir, const char *link, char *buf, size_t size);

/* EAL hook bodies, callable directly by tests. */
int sl_pci_bus_init(void);
void sl_pci_bus_fini(void);

/* ---- VFIO (pci_vfio.c) ------------------------------------------------- */

/* Opens the device (container and group on first use, DMA mapping of all
 * EAL memory), fills the region table, maps mmapable BARs. 0 or -errno
 * after one log line; on error nothing stays open. */
int sl_pci_vfio_open(struct sl_pci_device *dev);
/* Bus mastering off, BARs unmapped, device fd closed; the last device also
 * unmaps all DMA and closes the group(s) and the container. */
void sl_pci_vfio_close(struct sl_pci_device *dev);

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
