/* SPDX-License-Identifier: BSD-3-Clause
 * VFIO container and groups: one type1 container per process, one group
 * fd per IOMMU group, shared by the devices of that group (the kernel's
 * Documentation/driver-api/vfio.rst describes the container/group/device
 * model). The first group attached selects the IOMMU type and sets up the
 * DMA mapping (pci_vfio_dma.c); the last one released unmaps it, then the
 * groups and the container are closed. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <linux/vfio.h>

#include "sl_log.h"
#include "pci_private.h"

#define VFIO_CONTAINER_PATH "/dev/vfio/vfio"
#define VFIO_MAX_GROUPS 64

struct vfio_group {
	int id;
	int fd;
	unsigned refs;		/* devices of this process using it */
};

static struct {
	int container_fd;
	int iommu_type;			/* VFIO_TYPE1v2_IOMMU or VFIO_TYPE1_IOMMU */
	int iommu_set;
	unsigned nb_groups;
	struct vfio_group groups[VFIO_MAX_GROUPS];
} vfio = {
	.container_fd = -1,
};

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
			       "modprobe vfio-pci, or bind the device to uio_pci_generic",
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
		if (e->d_name[0] == '.' || strcmp(e->d_name, dev->name) == 0)
			continue;
		if ((size_t)snprintf(devdir, sizeof(devdir), "%s/%s", path, e->d_name) >=
		    sizeof(devdir))
			continue;
		sl_pci_read_link_name(devdir, "driver", drv, sizeof(drv));
		if (drv[0] == '\0' || strcmp(drv, "vfio-pci") == 0 || strcmp(drv, "pci-stub") == 0 ||
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
	pid_t pid = find_group_holder(dev->priv->iommu_group, comm, sizeof(comm));

	if (pid != 0)
		SL_LOG(ERR, PCI,
		       "%s: device in use: process %ld (%s) has its IOMMU group %d (%s) open; "
		       "stop that program first or use another device",
		       dev->name, (long)pid, comm[0] ? comm : "?", dev->priv->iommu_group, path);
	else
		SL_LOG(ERR, PCI,
		       "%s: device in use: its IOMMU group %d (%s) is open in another process "
		       "(a Sluice/DPDK program or a VM); stop it first or use another device",
		       dev->name, dev->priv->iommu_group, path);
}
/* /dev/vfio/<group>, or -errno after the line that says what to do. */
static int group_fd_open(const struct sl_pci_device *dev)
{
	char path[64], noiommu[64];
	int fd, err;

	snprintf(path, sizeof(path), "/dev/vfio/%d", dev->priv->iommu_group);
	fd = open(path, O_RDWR | O_CLOEXEC);
	if (fd >= 0)
		return fd;
	err = errno;
	snprintf(noiommu, sizeof(noiommu), "/dev/vfio/noiommu-%d", dev->priv->iommu_group);
	if (err == ENOENT && access(noiommu, F_OK) == 0)
		SL_LOG(ERR, PCI,
		       "%s: IOMMU group %d is a no-IOMMU group (%s): Sluice needs a real "
		       "IOMMU for vfio-pci, boot with intel_iommu=on (AMD: amd_iommu=on); "
		       "without one, bind the device to uio_pci_generic",
		       dev->name, dev->priv->iommu_group, noiommu);
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

/* The group must be viable (all its devices on vfio-pci or unbound) and
 * in our container. 0 or -errno after one log line. */
static int group_attach(const struct sl_pci_device *dev, int fd)
{
	struct vfio_group_status status = { .argsz = sizeof(status) };
	int err;

	if (ioctl(fd, VFIO_GROUP_GET_STATUS, &status) < 0) {
		err = errno;
		SL_LOG(ERR, PCI, "%s: VFIO_GROUP_GET_STATUS on /dev/vfio/%d: %s", dev->name,
		       dev->priv->iommu_group, strerror(err));
		return -err;
	}
	if (!(status.flags & VFIO_GROUP_FLAGS_VIABLE)) {
		log_group_not_viable(dev, dev->priv->iommu_group);
		return -EPERM;
	}
	if (!(status.flags & VFIO_GROUP_FLAGS_CONTAINER_SET) &&
	    ioctl(fd, VFIO_GROUP_SET_CONTAINER, &vfio.container_fd) < 0) {
		err = errno;
		SL_LOG(ERR, PCI, "%s: VFIO_GROUP_SET_CONTAINER for group %d: %s", dev->name,
		       dev->priv->iommu_group, strerror(err));
		return -err;
	}
	return 0;
}

/* The IOMMU type can only be chosen once a group is in the container; it
 * then applies to every later group. Then the DMA mapping. */
static int iommu_setup(const struct sl_pci_device *dev)
{
	int ret;

	if (ioctl(vfio.container_fd, VFIO_SET_IOMMU, vfio.iommu_type) < 0) {
		ret = -errno;
		SL_LOG(ERR, PCI, "%s: VFIO_SET_IOMMU (type1) failed: %s: check dmesg for IOMMU errors",
		       dev->name, strerror(-ret));
		return ret;
	}
	vfio.iommu_set = 1;
	return sl_pci_vfio_dma_setup(vfio.container_fd);
}

static int group_open(const struct sl_pci_device *dev, int *group_fd)
{
	struct vfio_group *g;
	unsigned i;
	int fd, ret;

	for (i = 0; i < vfio.nb_groups; i++) {
		if (vfio.groups[i].id == dev->priv->iommu_group) {
			vfio.groups[i].refs++;
			*group_fd = vfio.groups[i].fd;
			return 0;
		}
	}
	if (vfio.nb_groups == VFIO_MAX_GROUPS) {
		SL_LOG(ERR, PCI, "%s: more than %d IOMMU groups in use: use fewer devices",
		       dev->name, VFIO_MAX_GROUPS);
		return -ENOSPC;
	}
	fd = group_fd_open(dev);
	if (fd < 0)
		return fd;
	ret = group_attach(dev, fd);
	if (ret < 0)
		goto fail_fd;
	g = &vfio.groups[vfio.nb_groups++];
	*g = (struct vfio_group){ .id = dev->priv->iommu_group, .fd = fd, .refs = 1 };
	if (!vfio.iommu_set) {
		ret = iommu_setup(dev);
		if (ret < 0)
			goto fail_group;
	}
	*group_fd = fd;
	return 0;
fail_group:
	vfio.nb_groups--;
fail_fd:
	close(fd);
	return ret;
}

/* Closes groups nobody uses; with no device left, unmaps all DMA first
 * (unmapping needs a group attached) and closes the container. */
static void release_unused(void)
{
	unsigned i, refs = 0;

	for (i = 0; i < vfio.nb_groups; i++)
		refs += vfio.groups[i].refs;
	if (refs == 0 && vfio.iommu_set)
		sl_pci_vfio_dma_teardown();
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

int sl_pci_vfio_group_get(const struct sl_pci_device *dev, int *group_fd)
{
	int ret = 0;

	if (vfio.container_fd < 0)
		ret = container_open();
	if (ret == 0)
		ret = group_open(dev, group_fd);
	if (ret < 0)
		release_unused();
	return ret;
}

void sl_pci_vfio_group_put(int group_fd)
{
	unsigned i;

	for (i = 0; i < vfio.nb_groups; i++)
		if (vfio.groups[i].fd == group_fd && vfio.groups[i].refs > 0)
			vfio.groups[i].refs--;
	release_unused();
}
