/* SPDX-License-Identifier: BSD-3-Clause
 * VFIO for the PCI bus: one type1 container per process, one group fd per
 * IOMMU group, one device fd per device; BAR mmap, config space, reset; and
 * the IOMMU mapping of every EAL memory segment (Documentation/driver-api/
 * vfio.rst in the kernel describes the container/group/device model).
 *
 * Life cycle: the first device opened creates the container, attaches its
 * group, selects the IOMMU type, installs the IOVA allocator (so the EAL
 * re-assigns the IOVAs of its existing segments inside the IOMMU's usable
 * ranges) and registers a memory-event callback, which maps the existing
 * segments at once and every later one as it is created. The last device
 * closed unmaps everything and closes the group(s) and the container. */
#include <dirent.h>
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <fcntl.h>
#include <unistd.h>

#include <linux/vfio.h>

#include "sl_eal.h"
#include "sl_log.h"
#include "pci_private.h"

#define VFIO_CONTAINER_PATH "/dev/vfio/vfio"
#define VFIO_MAX_GROUPS 64
#define VFIO_MEM_CB_NAME "pci_vfio"

/* QEMU's intel-iommu default (aw-bits=39) and the x86 MSI window: what is
 * assumed usable when the kernel predates the IOVA-range capability. */
#define FALLBACK_IOVA_END ((UINT64_C(1) << 39) - 1)
#define X86_MSI_WINDOW_START UINT64_C(0xfee00000)
#define X86_MSI_WINDOW_END UINT64_C(0xfeefffff)

struct vfio_group {
	int id;
	int fd;
	unsigned refs;
};

struct dma_mapping {
	uint64_t va;
	uint64_t iova;
	uint64_t len;
};

static struct {
	int container_fd;
	int iommu_type;			/* VFIO_TYPE1v2_IOMMU or VFIO_TYPE1_IOMMU */
	int iommu_set;
	int mem_cb_registered;
	int allocator_installed;
	unsigned nb_devices;
	unsigned nb_groups;
	struct vfio_group groups[VFIO_MAX_GROUPS];

	/* The memory-event callback and the IOVA allocator run on whatever
	 * thread allocates memory; this lock covers the two tables below.
	 * It is never held across a call into the EAL. */
	pthread_mutex_t lock;
	struct sl_pci_iova_space iova;
	struct dma_mapping *maps;
	unsigned nb_maps;
	unsigned cap_maps;
} vfio = {
	.container_fd = -1,
	.lock = PTHREAD_MUTEX_INITIALIZER,
};

/* ---- DMA mapping ---------------------------------------------------------- */

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

/* Caller holds vfio.lock. */
static int dma_map(uint64_t va, uint64_t iova, uint64_t len)
{
	struct vfio_iommu_type1_dma_map m = {
		.argsz = sizeof(m),
		.flags = VFIO_DMA_MAP_FLAG_READ | VFIO_DMA_MAP_FLAG_WRITE,
		.vaddr = va,
		.iova = iova,
		.size = len,
	};

	if (vfio.nb_maps == vfio.cap_maps) {
		unsigned cap = vfio.cap_maps ? vfio.cap_maps * 2 : 64;
		struct dma_mapping *n = realloc(vfio.maps, cap * sizeof(*n));

		if (n == NULL) {
			SL_LOG(ERR, PCI, "out of memory for the DMA mapping table");
			return -ENOMEM;
		}
		vfio.maps = n;
		vfio.cap_maps = cap;
	}
	if (ioctl(vfio.container_fd, VFIO_IOMMU_MAP_DMA, &m) < 0) {
		int err = errno;

		log_map_error(err, va, iova, len);
		return -err;
	}
	vfio.maps[vfio.nb_maps].va = va;
	vfio.maps[vfio.nb_maps].iova = iova;
	vfio.maps[vfio.nb_maps].len = len;
	vfio.nb_maps++;
	SL_LOG(DEBUG, PCI, "DMA map va 0x%" PRIx64 " -> iova 0x%" PRIx64 " len 0x%" PRIx64, va,
	       iova, len);
	return 0;
}

/* Caller holds vfio.lock. Unmaps every mapping whose VA lies in
 * [va, va + len). */
static void dma_unmap_range(uint64_t va, uint64_t len)
{
	unsigned i = 0;

	while (i < vfio.nb_maps) {
		struct dma_mapping *m = &vfio.maps[i];

		if (m->va < va || m->va - va >= len) {
			i++;
			continue;
		}
		struct vfio_iommu_type1_dma_unmap u = {
			.argsz = sizeof(u),
			.iova = m->iova,
			.size = m->len,
		};
		if (ioctl(vfio.container_fd, VFIO_IOMMU_UNMAP_DMA, &u) < 0)
			SL_LOG(WARNING, PCI, "VFIO_IOMMU_UNMAP_DMA iova 0x%" PRIx64 ": %s",
			       m->iova, strerror(errno));
		*m = vfio.maps[--vfio.nb_maps];
	}
}

static int dma_map_segment(const struct sl_memseg *ms)
{
	uint64_t va = (uintptr_t)ms->va;
	unsigned nb_before;
	int ret = 0;
	size_t i, n;

	pthread_mutex_lock(&vfio.lock);
	nb_before = vfio.nb_maps;
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
	if (ret < 0 && vfio.nb_maps > nb_before)
		dma_unmap_range(va, ms->len);
	pthread_mutex_unlock(&vfio.lock);
	return ret;
}

static int vfio_mem_event(enum sl_mem_event ev, const struct sl_memseg *ms, void *arg)
{
	(void)arg;
	if (ev == SL_MEM_EVENT_ALLOC)
		return dma_map_segment(ms);
	pthread_mutex_lock(&vfio.lock);
	dma_unmap_range((uintptr_t)ms->va, ms->len);
	pthread_mutex_unlock(&vfio.lock);
	return 0;
}

static sl_iova_t vfio_iova_alloc(size_t len, size_t align, void *arg)
{
	uint64_t iova, avail;

	(void)arg;
	pthread_mutex_lock(&vfio.lock);
	iova = sl_pci_iova_space_alloc(&vfio.iova, len, align);
	avail = sl_pci_iova_space_avail(&vfio.iova);
	pthread_mutex_unlock(&vfio.lock);
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
	pthread_mutex_lock(&vfio.lock);
	sl_pci_iova_space_free(&vfio.iova, iova, len);
	pthread_mutex_unlock(&vfio.lock);
}

/* Usable IOVA ranges from VFIO_IOMMU_GET_INFO's capability chain. The info
 * struct grows: the first call says (in argsz) how big it must be. */
static int get_iova_ranges(struct sl_pci_iova_range **out, unsigned *count)
{
	struct vfio_iommu_type1_info *info;
	struct sl_pci_iova_range *r = NULL;
	uint32_t argsz = sizeof(*info), off;
	unsigned i, n = 0;

	info = calloc(1, argsz);
	if (info == NULL)
		return -ENOMEM;
	info->argsz = argsz;
	if (ioctl(vfio.container_fd, VFIO_IOMMU_GET_INFO, info) < 0)
		goto fallback;
	if (info->argsz > argsz) {
		argsz = info->argsz;
		free(info);
		info = calloc(1, argsz);
		if (info == NULL)
			return -ENOMEM;
		info->argsz = argsz;
		if (ioctl(vfio.container_fd, VFIO_IOMMU_GET_INFO, info) < 0)
			goto fallback;
	}
	if (!(info->flags & VFIO_IOMMU_INFO_CAPS))
		goto fallback;
	/* Walk the chain; every offset is checked against what the kernel
	 * actually filled in. */
	for (off = info->cap_offset; off != 0;) {
		const struct vfio_info_cap_header *hdr;

		if (off < sizeof(*info) || off > argsz - sizeof(*hdr))
			break;
		hdr = (const void *)((const char *)info + off);
		if (hdr->id == VFIO_IOMMU_TYPE1_INFO_CAP_IOVA_RANGE) {
			const struct vfio_iommu_type1_info_cap_iova_range *cap = (const void *)hdr;

			if (off > argsz - sizeof(*cap) ||
			    cap->nr_iovas > (argsz - off - sizeof(*cap)) / sizeof(cap->iova_ranges[0]))
				break;
			r = calloc(cap->nr_iovas ? cap->nr_iovas : 1, sizeof(*r));
			if (r == NULL) {
				free(info);
				return -ENOMEM;
			}
			for (i = 0; i < cap->nr_iovas; i++) {
				r[i].start = cap->iova_ranges[i].start;
				r[i].end = cap->iova_ranges[i].end;
			}
			n = cap->nr_iovas;
			break;
		}
		if (hdr->next <= off)
			break;
		off = hdr->next;
	}
	if (r == NULL)
		goto fallback;
	free(info);
	*out = r;
	*count = n;
	return 0;

fallback:
	free(info);
	SL_LOG(WARNING, PCI,
	       "the kernel does not report the IOMMU's usable IOVA ranges; assuming 39 "
	       "address bits without the MSI window");
	r = calloc(2, sizeof(*r));
	if (r == NULL)
		return -ENOMEM;
	r[0].start = 0;
	r[0].end = X86_MSI_WINDOW_START - 1;
	r[1].start = X86_MSI_WINDOW_END + 1;
	r[1].end = FALLBACK_IOVA_END;
	*out = r;
	*count = 2;
	return 0;
}

static void dma_teardown(void)
{
	if (vfio.mem_cb_registered) {
		sl_mem_event_callback_unregister(VFIO_MEM_CB_NAME);
		vfio.mem_cb_registered = 0;
	}
	pthread_mutex_lock(&vfio.lock);
	dma_unmap_range(0, UINT64_MAX);
	free(vfio.maps);
	vfio.maps = NULL;
	vfio.nb_maps = vfio.cap_maps = 0;
	pthread_mutex_unlock(&vfio.lock);
	if (vfio.allocator_installed) {
		/* Back to the EAL's default policy for a later sl_eal_init. */
		sl_mem_set_iova_allocator(NULL, NULL, NULL);
		vfio.allocator_installed = 0;
	}
}

/* After the IOMMU type is set: choose IOVAs, then map all memory. */
static int dma_setup(void)
{
	struct sl_pci_iova_range *ranges;
	unsigned nb, i;
	int ret;

	if (sl_eal_iova_mode() == SL_IOVA_MODE_PA) {
		SL_LOG(WARNING, PCI,
		       "--iova-mode pa: devices get physical addresses (IOVA = PA); the IOMMU "
		       "still checks them, but IOVAs now expose host physical layout");
	} else {
		ret = get_iova_ranges(&ranges, &nb);
		if (ret < 0)
			return ret;
		for (i = 0; i < nb; i++)
			SL_LOG(INFO, PCI, "IOMMU usable IOVA range 0x%" PRIx64 "-0x%" PRIx64,
			       ranges[i].start, ranges[i].end);
		pthread_mutex_lock(&vfio.lock);
		ret = sl_pci_iova_space_init(&vfio.iova, ranges, nb, SL_PCI_IOVA_FLOOR);
		pthread_mutex_unlock(&vfio.lock);
		free(ranges);
		if (ret < 0) {
			SL_LOG(ERR, PCI,
			       "the IOMMU reports no usable IOVA range above 1 MiB: check the "
			       "IOMMU setup (dmesg | grep -i -e DMAR -e IOMMU)");
			return ret;
		}
		/* The EAL re-assigns the IOVAs of existing segments here,
		 * before anything is mapped. */
		sl_mem_set_iova_allocator(vfio_iova_alloc, vfio_iova_free, NULL);
		vfio.allocator_installed = 1;
	}
	/* Maps the existing segments at once (ALLOC events), later ones as
	 * they appear. */
	ret = sl_mem_event_callback_register(VFIO_MEM_CB_NAME, vfio_mem_event, NULL);
	if (ret < 0) {
		sl_mem_event_callback_unregister(VFIO_MEM_CB_NAME);
		dma_teardown();
		return ret;
	}
	vfio.mem_cb_registered = 1;
	return 0;
}

/* ---- container and groups ------------------------------------------------- */

static int dir_has_entries(const char *path)
{
	struct dirent *e;
	int found = 0;
	DIR *d = opendir(path);

	if (d == NULL)
		return 0;
	while (!found && (e = readdir(d)) != NULL)
		found = e->d_name[0] != '.';
	closedir(d);
	return found;
}

static int container_open(void)
{
	char path[PATH_MAX];
	int fd, version;

	fd = open(VFIO_CONTAINER_PATH, O_RDWR | O_CLOEXEC);
	if (fd < 0) {
		int err = errno;

		snprintf(path, sizeof(path), "%s/class/iommu", sl_pci_sysfs_root());
		if (err == ENOENT && !dir_has_entries(path))
			SL_LOG(ERR, PCI,
			       VFIO_CONTAINER_PATH " is missing and no IOMMU is active (%s is "
			       "empty): boot with intel_iommu=on (AMD: amd_iommu=on) and "
			       "modprobe vfio-pci",
			       path);
		else if (err == ENOENT)
			SL_LOG(ERR, PCI,
			       VFIO_CONTAINER_PATH " is missing: load VFIO with modprobe vfio-pci");
		else if (err == EACCES || err == EPERM)
			SL_LOG(ERR, PCI,
			       "cannot open " VFIO_CONTAINER_PATH ": %s: run as root or give "
			       "your user access to /dev/vfio",
			       strerror(err));
		else
			SL_LOG(ERR, PCI, "cannot open " VFIO_CONTAINER_PATH ": %s", strerror(err));
		return -err;
	}
	version = ioctl(fd, VFIO_GET_API_VERSION);
	if (version != VFIO_API_VERSION) {
		SL_LOG(ERR, PCI,
		       "VFIO API version %d, Sluice needs %d: the kernel's VFIO is not "
		       "supported",
		       version, VFIO_API_VERSION);
		close(fd);
		return -ENOTSUP;
	}
	/* v2 type1 semantics: unmaps of partial mappings fail instead of
	 * silently unmapping more. Plain type1 still works for us because we
	 * always unmap exactly what we mapped. */
	if (ioctl(fd, VFIO_CHECK_EXTENSION, VFIO_TYPE1v2_IOMMU) == 1) {
		vfio.iommu_type = VFIO_TYPE1v2_IOMMU;
	} else if (ioctl(fd, VFIO_CHECK_EXTENSION, VFIO_TYPE1_IOMMU) == 1) {
		vfio.iommu_type = VFIO_TYPE1_IOMMU;
	} else {
		SL_LOG(ERR, PCI,
		       "VFIO has no type1 IOMMU backend: modprobe vfio_iommu_type1 (and boot "
		       "with intel_iommu=on / amd_iommu=on)");
		close(fd);
		return -ENOTSUP;
	}
	vfio.container_fd = fd;
	vfio.iommu_set = 0;
	return 0;
}

static void log_group_not_viable(const struct sl_pci_device *dev, int group)
{
	char path[PATH_MAX], devdir[PATH_MAX + 256], drv[64], list[768];
	struct dirent *e;
	size_t used = 0;
	DIR *d;

	list[0] = '\0';
	snprintf(path, sizeof(path), "%s/kernel/iommu_groups/%d/devices", sl_pci_sysfs_root(),
		 group);
	d = opendir(path);
	while (d != NULL && (e = readdir(d)) != NULL) {
		char target[PATH_MAX];
		ssize_t n;
		const char *base;

		if (e->d_name[0] == '.' || strcmp(e->d_name, dev->name) == 0)
			continue;
		if ((size_t)snprintf(devdir, sizeof(devdir), "%s/%s/driver", path, e->d_name) >=
		    sizeof(devdir))
			continue;
		n = readlink(devdir, target, sizeof(target) - 1);
		if (n <= 0)
			continue;
		target[n] = '\0';
		base = strrchr(target, '/');
		base = base != NULL ? base + 1 : target;
		if (strlen(base) >= sizeof(drv))
			continue;
		memcpy(drv, base, strlen(base) + 1);
		if (strcmp(drv, "vfio-pci") == 0 || strcmp(drv, "pci-stub") == 0 ||
		    strcmp(drv, "pcieport") == 0)
			continue;
		if (used < sizeof(list))
			used += (size_t)snprintf(list + used, sizeof(list) - used, "%s%s is on %s",
						 used ? ", " : "", e->d_name, drv);
	}
	if (d != NULL)
		closedir(d);
	SL_LOG(ERR, PCI,
	       "%s: IOMMU group %d is not viable: every device in it must be bound to "
	       "vfio-pci or to no driver (%s): bind them with usertools/sl-devbind --bind "
	       "vfio-pci, or move the NIC to a slot with its own group",
	       dev->name, group, list[0] ? list : "see " "/sys/kernel/iommu_groups");
}

/* The process that has /dev/vfio/<group> open, for the "in use" message:
 * its pid and name, or 0 when it cannot be found (another user's process
 * without the right to look, or it just exited). */
static pid_t find_group_holder(int group, char *comm, size_t comm_size)
{
	char want[32], path[300], target[64];
	struct dirent *p;
	DIR *proc;
	pid_t found = 0;

	snprintf(want, sizeof(want), "/dev/vfio/%d", group);
	proc = opendir("/proc");
	if (proc == NULL)
		return 0;
	while (found == 0 && (p = readdir(proc)) != NULL) {
		struct dirent *f;
		DIR *fds;
		long pid = strtol(p->d_name, NULL, 10);

		if (pid <= 0 || pid == (long)getpid())
			continue;
		snprintf(path, sizeof(path), "/proc/%ld/fd", pid);
		fds = opendir(path);
		if (fds == NULL)
			continue;
		while ((f = readdir(fds)) != NULL) {
			ssize_t n;

			snprintf(path, sizeof(path), "/proc/%ld/fd/%s", pid, f->d_name);
			n = readlink(path, target, sizeof(target) - 1);
			if (n <= 0)
				continue;
			target[n] = '\0';
			if (strcmp(target, want) == 0) {
				found = (pid_t)pid;
				break;
			}
		}
		closedir(fds);
	}
	closedir(proc);
	comm[0] = '\0';
	if (found != 0) {
		FILE *f;

		snprintf(path, sizeof(path), "/proc/%ld/comm", (long)found);
		f = fopen(path, "r");
		if (f != NULL) {
			if (fgets(comm, (int)comm_size, f) != NULL)
				comm[strcspn(comm, "\n")] = '\0';
			fclose(f);
		}
	}
	return found;
}

static void log_device_in_use(const struct sl_pci_device *dev, const char *path)
{
	char comm[64];
	pid_t pid = find_group_holder(dev->iommu_group, comm, sizeof(comm));

	if (pid != 0)
		SL_LOG(ERR, PCI,
		       "%s: device in use: process %ld (%s) has its IOMMU group %d (%s) open; "
		       "stop that program first or use another device",
		       dev->name, (long)pid, comm[0] ? comm : "?", dev->iommu_group, path);
	else
		SL_LOG(ERR, PCI,
		       "%s: device in use: its IOMMU group %d (%s) is open in another process "
		       "(a Sluice/DPDK program or a VM); stop it first or use another device",
		       dev->name, dev->iommu_group, path);
}

static int group_open(const struct sl_pci_device *dev, struct vfio_group **out)
{
	struct vfio_group_status status = { .argsz = sizeof(status) };
	char path[64];
	unsigned i;
	int fd, ret;

	for (i = 0; i < vfio.nb_groups; i++) {
		if (vfio.groups[i].id == dev->iommu_group && vfio.groups[i].fd >= 0) {
			vfio.groups[i].refs++;
			*out = &vfio.groups[i];
			return 0;
		}
	}
	if (vfio.nb_groups == VFIO_MAX_GROUPS) {
		SL_LOG(ERR, PCI, "%s: more than %d IOMMU groups in use: use fewer devices",
		       dev->name, VFIO_MAX_GROUPS);
		return -ENOSPC;
	}

	snprintf(path, sizeof(path), "/dev/vfio/%d", dev->iommu_group);
	fd = open(path, O_RDWR | O_CLOEXEC);
	if (fd < 0) {
		int err = errno;
		char noiommu[64];

		snprintf(noiommu, sizeof(noiommu), "/dev/vfio/noiommu-%d", dev->iommu_group);
		if (err == ENOENT && access(noiommu, F_OK) == 0)
			SL_LOG(ERR, PCI,
			       "%s: IOMMU group %d is a no-IOMMU group (%s): Sluice needs a real "
			       "IOMMU, boot with intel_iommu=on (AMD: amd_iommu=on)",
			       dev->name, dev->iommu_group, noiommu);
		else if (err == ENOENT)
			SL_LOG(ERR, PCI,
			       "%s: %s is missing: is the device still bound to vfio-pci? "
			       "(usertools/sl-devbind --status)",
			       dev->name, path);
		else if (err == EACCES || err == EPERM)
			SL_LOG(ERR, PCI,
			       "%s: cannot open %s: %s: run as root or give your user the "
			       "group (chown $USER %s) and raise ulimit -l",
			       dev->name, path, strerror(err), path);
		else if (err == EBUSY)
			log_device_in_use(dev, path);
		else
			SL_LOG(ERR, PCI, "%s: cannot open %s: %s", dev->name, path, strerror(err));
		return -err;
	}
	if (ioctl(fd, VFIO_GROUP_GET_STATUS, &status) < 0) {
		ret = -errno;
		SL_LOG(ERR, PCI, "%s: VFIO_GROUP_GET_STATUS on %s: %s", dev->name, path,
		       strerror(errno));
		close(fd);
		return ret;
	}
	if (!(status.flags & VFIO_GROUP_FLAGS_VIABLE)) {
		log_group_not_viable(dev, dev->iommu_group);
		close(fd);
		return -EPERM;
	}
	if (!(status.flags & VFIO_GROUP_FLAGS_CONTAINER_SET) &&
	    ioctl(fd, VFIO_GROUP_SET_CONTAINER, &vfio.container_fd) < 0) {
		ret = -errno;
		SL_LOG(ERR, PCI, "%s: VFIO_GROUP_SET_CONTAINER for group %d: %s", dev->name,
		       dev->iommu_group, strerror(errno));
		close(fd);
		return ret;
	}
	if (!vfio.iommu_set) {
		/* The IOMMU type can only be chosen once a group is in the
		 * container; it then applies to every later group. */
		if (ioctl(vfio.container_fd, VFIO_SET_IOMMU, vfio.iommu_type) < 0) {
			ret = -errno;
			SL_LOG(ERR, PCI,
			       "%s: VFIO_SET_IOMMU (type1) failed: %s: check dmesg for IOMMU "
			       "errors",
			       dev->name, strerror(errno));
			close(fd);
			return ret;
		}
		vfio.iommu_set = 1;
		/* Counted now so that dma_setup's failure path sees a group. */
		vfio.groups[vfio.nb_groups].id = dev->iommu_group;
		vfio.groups[vfio.nb_groups].fd = fd;
		vfio.groups[vfio.nb_groups].refs = 1;
		vfio.nb_groups++;
		ret = dma_setup();
		if (ret < 0) {
			vfio.nb_groups--;
			close(fd);
			return ret;
		}
		*out = &vfio.groups[vfio.nb_groups - 1];
		return 0;
	}
	vfio.groups[vfio.nb_groups].id = dev->iommu_group;
	vfio.groups[vfio.nb_groups].fd = fd;
	vfio.groups[vfio.nb_groups].refs = 1;
	*out = &vfio.groups[vfio.nb_groups++];
	return 0;
}

/* Closes groups nobody uses; with no device left, unmaps all DMA first
 * (unmapping needs a group attached) and closes the container. */
static void release_unused(void)
{
	unsigned i;

	if (vfio.nb_devices == 0 && vfio.iommu_set)
		dma_teardown();
	for (i = 0; i < vfio.nb_groups;) {
		if (vfio.groups[i].refs == 0) {
			close(vfio.groups[i].fd);
			vfio.groups[i] = vfio.groups[--vfio.nb_groups];
			continue;
		}
		i++;
	}
	if (vfio.nb_groups == 0 && vfio.container_fd >= 0) {
		close(vfio.container_fd);
		vfio.container_fd = -1;
		vfio.iommu_set = 0;
	}
}

static void group_put(int fd)
{
	unsigned i;

	for (i = 0; i < vfio.nb_groups; i++)
		if (vfio.groups[i].fd == fd && vfio.groups[i].refs > 0)
			vfio.groups[i].refs--;
}

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

int sl_pci_vfio_open(struct sl_pci_device *dev)
{
	struct vfio_group *group = NULL;
	int fd, ret, bar;

	if (dev->vfio_dev_fd >= 0)
		return 0;
	if (dev->iommu_group < 0) {
		SL_LOG(ERR, PCI,
		       "%s has no IOMMU group (no iommu_group link in sysfs): the IOMMU is off; "
		       "boot with intel_iommu=on (AMD: amd_iommu=on)",
		       dev->name);
		return -ENODEV;
	}
	if (vfio.container_fd < 0) {
		ret = container_open();
		if (ret < 0)
			return ret;
	}
	ret = group_open(dev, &group);
	if (ret < 0) {
		release_unused();
		return ret;
	}
	dev->vfio_group_fd = group->fd;

	fd = ioctl(group->fd, VFIO_GROUP_GET_DEVICE_FD, dev->name);
	if (fd < 0) {
		int err = errno;

		if (err == EBUSY)
			SL_LOG(ERR, PCI,
			       "%s: device in use: VFIO has it open already (another device fd: "
			       "a second open in this process, or another program sharing the "
			       "group); stop the other user first",
			       dev->name);
		else
			SL_LOG(ERR, PCI, "%s: VFIO_GROUP_GET_DEVICE_FD: %s", dev->name,
			       strerror(err));
		group_put(dev->vfio_group_fd);
		dev->vfio_group_fd = -1;
		release_unused();
		return -err;
	}
	dev->vfio_dev_fd = fd;
	vfio.nb_devices++;

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

	if (dev->vfio_dev_fd < 0)
		return;
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
	group_put(dev->vfio_group_fd);
	dev->vfio_group_fd = -1;
	if (vfio.nb_devices > 0)
		vfio.nb_devices--;
	release_unused();
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
