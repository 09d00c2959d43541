/* SPDX-License-Identifier: BSD-3-Clause
 * VFIO DMA mapping: the IOVAs the EAL's memory segments get inside the
 * IOMMU's usable ranges (pci_iova.c keeps the books) and their
 * VFIO_IOMMU_MAP_DMA mappings in the container.
 *
 * Life cycle: once the first group is in the container and the IOMMU type
 * is set, sl_pci_vfio_dma_setup installs the IOVA allocator (so the EAL
 * re-assigns the IOVAs of its existing segments inside the usable ranges)
 * and registers a memory-event callback, which maps the existing segments
 * at once and every later one as it is created. sl_pci_vfio_dma_teardown,
 * before the last group leaves the container, unmaps everything. */
#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/resource.h>

#include <linux/vfio.h>

#include "sl_eal.h"
#include "sl_log.h"
#include "pci_private.h"

#define VFIO_MEM_CB_NAME "pci_vfio"

/* QEMU's intel-iommu default (aw-bits=39) and the x86 MSI window: what is
 * assumed usable when the kernel predates the IOVA-range capability. */
#define FALLBACK_IOVA_END ((UINT64_C(1) << 39) - 1)
#define X86_MSI_WINDOW_START UINT64_C(0xfee00000)
#define X86_MSI_WINDOW_END UINT64_C(0xfeefffff)

struct dma_mapping {
	uint64_t va;
	uint64_t iova;
	uint64_t len;
};

static struct {
	int container_fd;
	int mem_cb_registered;
	int allocator_installed;

	/* The memory-event callback and the IOVA allocator run on whatever
	 * thread allocates memory; this lock covers the two tables below.
	 * It is never held across a call into the EAL. */
	pthread_mutex_t lock;
	struct sl_pci_iova_space iova;
	struct dma_mapping *maps;
	unsigned nb_maps;
	unsigned cap_maps;
} dma = {
	.container_fd = -1,
	.lock = PTHREAD_MUTEX_INITIALIZER,
};

static void log_map_error(int err, uint64_t va, uint64_t iova, uint64_t len)
{
	struct rlimit rl;

	switch (err) {
	case ENOMEM:
		if (getrlimit(RLIMIT_MEMLOCK, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY) {
			SL_LOG(ERR, PCI,
			       "VFIO_IOMMU_MAP_DMA of %" PRIu64 " KiB failed: pinning DMA memory "
			       "exceeds the locked-memory limit (RLIMIT_MEMLOCK %llu KiB): run "
			       "`ulimit -l unlimited` (or raise memlock in "
			       "/etc/security/limits.conf), give the program CAP_IPC_LOCK, or run as root",
			       len >> 10, (unsigned long long)(rl.rlim_cur >> 10));
			return;
		}
		SL_LOG(ERR, PCI,
		       "VFIO_IOMMU_MAP_DMA of %" PRIu64 " KiB failed: out of memory for "
		       "pinning or IOMMU page tables: free memory or use less (-m)",
		       len >> 10);
		return;
	case ENOSPC:
		SL_LOG(ERR, PCI,
		       "VFIO_IOMMU_MAP_DMA failed: too many DMA mappings (vfio_iommu_type1 "
		       "dma_entry_limit reached): use hugepages (fewer, larger segments) or "
		       "raise the vfio_iommu_type1 module parameter dma_entry_limit");
		return;
	case EEXIST:
		SL_LOG(ERR, PCI,
		       "VFIO_IOMMU_MAP_DMA: IOVA 0x%" PRIx64 "+0x%" PRIx64 " is already mapped "
		       "(IOVA allocation conflict): this is a Sluice bug, please report it",
		       iova, len);
		return;
	default:
		SL_LOG(ERR, PCI,
		       "VFIO_IOMMU_MAP_DMA va 0x%" PRIx64 " iova 0x%" PRIx64 " len 0x%" PRIx64
		       " failed: %s (is the IOVA beyond the IOMMU's address width? try "
		       "--iova-mode va)",
		       va, iova, len, strerror(err));
	}
}

/* Caller holds dma.lock. */
static int dma_map(uint64_t va, uint64_t iova, uint64_t len)
{
	struct vfio_iommu_type1_dma_map m = {
		.argsz = sizeof(m),
		.flags = VFIO_DMA_MAP_FLAG_READ | VFIO_DMA_MAP_FLAG_WRITE,
		.vaddr = va,
		.iova = iova,
		.size = len,
	};

	if (dma.nb_maps == dma.cap_maps) {
		unsigned cap = dma.cap_maps ? dma.cap_maps * 2 : 64;
		struct dma_mapping *n = realloc(dma.maps, cap * sizeof(*n));

		if (n == NULL) {
			SL_LOG(ERR, PCI, "out of memory for the DMA mapping table");
			return -ENOMEM;
		}
		dma.maps = n;
		dma.cap_maps = cap;
	}
	if (ioctl(dma.container_fd, VFIO_IOMMU_MAP_DMA, &m) < 0) {
		int err = errno;

		log_map_error(err, va, iova, len);
		return -err;
	}
	dma.maps[dma.nb_maps].va = va;
	dma.maps[dma.nb_maps].iova = iova;
	dma.maps[dma.nb_maps].len = len;
	dma.nb_maps++;
	SL_LOG(DEBUG, PCI, "DMA map va 0x%" PRIx64 " -> iova 0x%" PRIx64 " len 0x%" PRIx64, va,
	       iova, len);
	return 0;
}

/* Caller holds dma.lock. Unmaps every mapping whose VA lies in
 * [va, va + len). */
static void dma_unmap_range(uint64_t va, uint64_t len)
{
	unsigned i = 0;

	while (i < dma.nb_maps) {
		struct dma_mapping *m = &dma.maps[i];

		if (m->va < va || m->va - va >= len) {
			i++;
			continue;
		}
		struct vfio_iommu_type1_dma_unmap u = {
			.argsz = sizeof(u),
			.iova = m->iova,
			.size = m->len,
		};
		if (ioctl(dma.container_fd, VFIO_IOMMU_UNMAP_DMA, &u) < 0)
			SL_LOG(WARNING, PCI, "VFIO_IOMMU_UNMAP_DMA iova 0x%" PRIx64 ": %s",
			       m->iova, strerror(errno));
		*m = dma.maps[--dma.nb_maps];
	}
}

static int dma_map_segment(const struct sl_memseg *ms)
{
	uint64_t va = (uintptr_t)ms->va;
	unsigned nb_before;
	int ret = 0;
	size_t i, n;

	pthread_mutex_lock(&dma.lock);
	nb_before = dma.nb_maps;
	if (ms->iova_contig) {
		if (ms->iova == SL_BAD_IOVA) {
			SL_LOG(ERR, PCI,
			       "memory segment at %p (%zu KiB) has no IOVA: the IOMMU's IOVA "
			       "space is exhausted; use less memory (-m)",
			       ms->va, ms->len >> 10);
			ret = -ENOMEM;
		} else {
			ret = dma_map(va, ms->iova, ms->len);
		}
	} else {
		/* PA mode on small pages: map runs of physically contiguous
		 * pages, one ioctl per run. */
		n = ms->len / ms->page_sz;
		for (i = 0; i < n && ret == 0;) {
			size_t j = i + 1;

			while (j < n && ms->iovas[j] == ms->iovas[j - 1] + ms->page_sz)
				j++;
			ret = dma_map(va + i * ms->page_sz, ms->iovas[i], (j - i) * ms->page_sz);
			i = j;
		}
	}
	if (ret < 0 && dma.nb_maps > nb_before)
		dma_unmap_range(va, ms->len);
	pthread_mutex_unlock(&dma.lock);
	return ret;
}

static int vfio_mem_event(enum sl_mem_event ev, const struct sl_memseg *ms, void *arg)
{
	(void)arg;
	if (ev == SL_MEM_EVENT_ALLOC)
		return dma_map_segment(ms);
	pthread_mutex_lock(&dma.lock);
	dma_unmap_range((uintptr_t)ms->va, ms->len);
	pthread_mutex_unlock(&dma.lock);
	return 0;
}

static sl_iova_t vfio_iova_alloc(size_t len, size_t align, void *arg)
{
	uint64_t iova, avail;

	(void)arg;
	pthread_mutex_lock(&dma.lock);
	iova = sl_pci_iova_space_alloc(&dma.iova, len, align);
	avail = sl_pci_iova_space_avail(&dma.iova);
	pthread_mutex_unlock(&dma.lock);
	if (iova == SL_BAD_IOVA)
		SL_LOG(ERR, PCI,
		       "no IOVA range left for %zu KiB (%" PRIu64 " KiB free in the IOMMU's "
		       "usable ranges): use less memory (-m)",
		       len >> 10, avail >> 10);
	return iova;
}

static void vfio_iova_free(sl_iova_t iova, size_t len, void *arg)
{
	(void)arg;
	pthread_mutex_lock(&dma.lock);
	sl_pci_iova_space_free(&dma.iova, iova, len);
	pthread_mutex_unlock(&dma.lock);
}

/* VFIO_IOMMU_GET_INFO with its capability chain. The info struct grows:
 * a call with a short argsz says (in argsz) how big it must be. NULL when
 * the kernel answers nothing usable; *size is what was allocated. */
static struct vfio_iommu_type1_info *iommu_info_get(uint32_t *size)
{
	struct vfio_iommu_type1_info *info = NULL, *bigger;
	uint32_t argsz = sizeof(*info);
	int tries;

	for (tries = 0; tries < 2; tries++) {
		bigger = realloc(info, argsz);
		if (bigger == NULL)
			break;
		info = bigger;
		memset(info, 0, argsz);
		info->argsz = argsz;
		if (ioctl(dma.container_fd, VFIO_IOMMU_GET_INFO, info) < 0)
			break;
		if (info->argsz <= argsz) {
			*size = argsz;
			return info;
		}
		argsz = info->argsz;
	}
	free(info);
	return NULL;
}

/* The IOVA-range capability of info (argsz bytes), every offset checked
 * against what the kernel filled in; NULL if there is none. */
static const struct vfio_iommu_type1_info_cap_iova_range *
find_iova_range_cap(const struct vfio_iommu_type1_info *info, uint32_t argsz)
{
	const struct vfio_iommu_type1_info_cap_iova_range *cap;
	const struct vfio_info_cap_header *hdr;
	uint32_t off;

	if (!(info->flags & VFIO_IOMMU_INFO_CAPS))
		return NULL;
	for (off = info->cap_offset; off != 0; off = hdr->next) {
		if (off < sizeof(*info) || off > argsz - sizeof(*hdr))
			return NULL;
		hdr = (const void *)((const char *)info + off);
		if (hdr->id == VFIO_IOMMU_TYPE1_INFO_CAP_IOVA_RANGE) {
			cap = (const void *)hdr;
			if (off > argsz - sizeof(*cap) ||
			    cap->nr_iovas > (argsz - off - sizeof(*cap)) / sizeof(cap->iova_ranges[0]))
				return NULL;
			return cap;
		}
		if (hdr->next <= off)
			return NULL;
	}
	return NULL;
}

/* Usable IOVA ranges as the IOMMU reports them, or the fallback (39 bits
 * without the MSI window) when the kernel does not say. */
static int get_iova_ranges(struct sl_pci_iova_range **out, unsigned *count)
{
	const struct vfio_iommu_type1_info_cap_iova_range *cap = NULL;
	struct vfio_iommu_type1_info *info;
	struct sl_pci_iova_range *r;
	uint32_t argsz = 0, i, n;

	info = iommu_info_get(&argsz);
	if (info != NULL)
		cap = find_iova_range_cap(info, argsz);
	n = cap != NULL ? cap->nr_iovas : 2;
	r = calloc(n ? n : 1, sizeof(*r));
	if (r == NULL) {
		free(info);
		return -ENOMEM;
	}
	for (i = 0; cap != NULL && i < n; i++) {
		r[i].start = cap->iova_ranges[i].start;
		r[i].end = cap->iova_ranges[i].end;
	}
	if (cap == NULL) {
		SL_LOG(WARNING, PCI,
		       "the kernel does not report the IOMMU's usable IOVA ranges; assuming 39 "
		       "address bits without the MSI window");
		r[0].start = 0;
		r[0].end = X86_MSI_WINDOW_START - 1;
		r[1].start = X86_MSI_WINDOW_END + 1;
		r[1].end = FALLBACK_IOVA_END;
	}
	free(info);
	*out = r;
	*count = n;
	return 0;
}

void sl_pci_vfio_dma_teardown(void)
{
	if (dma.mem_cb_registered) {
		sl_mem_event_callback_unregister(VFIO_MEM_CB_NAME);
		dma.mem_cb_registered = 0;
	}
	pthread_mutex_lock(&dma.lock);
	dma_unmap_range(0, UINT64_MAX);
	free(dma.maps);
	dma.maps = NULL;
	dma.nb_maps = dma.cap_maps = 0;
	pthread_mutex_unlock(&dma.lock);
	if (dma.allocator_installed) {
		/* Back to the EAL's default policy for a later sl_eal_init. */
		sl_mem_set_iova_allocator(NULL, NULL, NULL);
		dma.allocator_installed = 0;
	}
	dma.container_fd = -1;
}

/* VA mode: the IOVA allocator over the IOMMU's usable ranges. */
static int iova_allocator_install(void)
{
	struct sl_pci_iova_range *ranges;
	unsigned nb, i;
	int ret;

	ret = get_iova_ranges(&ranges, &nb);
	if (ret < 0)
		return ret;
	for (i = 0; i < nb; i++)
		SL_LOG(INFO, PCI, "IOMMU usable IOVA range 0x%" PRIx64 "-0x%" PRIx64,
		       ranges[i].start, ranges[i].end);
	pthread_mutex_lock(&dma.lock);
	ret = sl_pci_iova_space_init(&dma.iova, ranges, nb, SL_PCI_IOVA_FLOOR);
	pthread_mutex_unlock(&dma.lock);
	free(ranges);
	if (ret < 0) {
		SL_LOG(ERR, PCI,
		       "the IOMMU reports no usable IOVA range above 1 MiB: check the "
		       "IOMMU setup (dmesg | grep -i -e DMAR -e IOMMU)");
		return ret;
	}
	/* The EAL re-assigns the IOVAs of existing segments here, before
	 * anything is mapped. */
	sl_mem_set_iova_allocator(vfio_iova_alloc, vfio_iova_free, NULL);
	dma.allocator_installed = 1;
	return 0;
}

int sl_pci_vfio_dma_setup(int container_fd)
{
	int ret;

	dma.container_fd = container_fd;
	if (sl_eal_iova_mode() == SL_IOVA_MODE_PA) {
		/* IOVA = PA, mapped 1:1 in the IOMMU: what a device on
		 * uio_pci_generic in the same process needs too. */
		SL_LOG(WARNING, PCI,
		       "--iova-mode pa: devices get physical addresses (IOVA = PA); the IOMMU "
		       "still checks them, but IOVAs now expose host physical layout");
	} else {
		ret = iova_allocator_install();
		if (ret < 0)
			goto fail;
	}
	/* Maps the existing segments at once (ALLOC events), later ones as
	 * they appear. */
	ret = sl_mem_event_callback_register(VFIO_MEM_CB_NAME, vfio_mem_event, NULL);
	if (ret < 0) {
		sl_mem_event_callback_unregister(VFIO_MEM_CB_NAME);
		goto fail;
	}
	dma.mem_cb_registered = 1;
	return 0;
fail:
	sl_pci_vfio_dma_teardown();
	return ret;
}
