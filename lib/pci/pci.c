/* SPDX-License-Identifier: BSD-3-Clause
 * Sluice PCI bus: sysfs scan, allow list, driver matching and the EAL hook
 * that opens and probes devices (VFIO details in pci_vfio.c). */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sl_eal.h"
#include "sl_log.h"
#include "pci_private.h"

static struct sl_pci_driver *pci_drivers;
static struct sl_pci_device *pci_devices;	/* sorted by address */

/* ---- addresses --------------------------------------------------------- */

static int parse_hex(const char **p, unsigned max_digits, unsigned long *out)
{
	const char *s = *p;
	unsigned long v = 0;
	unsigned n = 0;

	while (isxdigit((unsigned char)*s) && n < max_digits) {
		v = v * 16 + (unsigned long)(isdigit((unsigned char)*s) ? *s - '0'
								 : tolower((unsigned char)*s) - 'a' + 10);
		s++;
		n++;
	}
	if (n == 0 || isxdigit((unsigned char)*s))
		return -EINVAL;
	*p = s;
	*out = v;
	return 0;
}

int sl_pci_addr_parse(const char *s, struct sl_pci_addr *addr)
{
	unsigned long a, b, dev, fn, domain = 0, bus;
	const char *p = s;

	if (s == NULL || addr == NULL)
		return -EINVAL;
	/* Either "DDDD:BB:DD.F" or "BB:DD.F": count the colons. */
	if (strchr(s, ':') == NULL)
		return -EINVAL;
	if (parse_hex(&p, 8, &a) < 0 || *p++ != ':' || parse_hex(&p, 4, &b) < 0)
		return -EINVAL;
	if (*p == ':') {
		p++;
		domain = a;
		bus = b;
		if (parse_hex(&p, 2, &dev) < 0)
			return -EINVAL;
	} else {
		bus = a;
		dev = b;
	}
	if (*p++ != '.' || parse_hex(&p, 1, &fn) < 0 || *p != '\0')
		return -EINVAL;
	if (bus > 0xff || dev > 0x1f || fn > 7 || domain > 0xffffffffUL)
		return -EINVAL;
	addr->domain = (uint32_t)domain;
	addr->bus = (uint8_t)bus;
	addr->devid = (uint8_t)dev;
	addr->function = (uint8_t)fn;
	return 0;
}

void sl_pci_addr_format(const struct sl_pci_addr *addr, char *buf, size_t size)
{
	snprintf(buf, size, "%04" PRIx32 ":%02x:%02x.%x", addr->domain, addr->bus, addr->devid,
		 addr->function);
}

int sl_pci_addr_cmp(const struct sl_pci_addr *a, const struct sl_pci_addr *b)
{
	uint64_t x = ((uint64_t)a->domain << 24) | ((uint64_t)a->bus << 16) |
		     ((uint64_t)a->devid << 8) | a->function;
	uint64_t y = ((uint64_t)b->domain << 24) | ((uint64_t)b->bus << 16) |
		     ((uint64_t)b->devid << 8) | b->function;

	return x < y ? -1 : x > y;
}

/* ---- drivers ------------------------------------------------------------ */

void sl_pci_register(struct sl_pci_driver *drv)
{
	struct sl_pci_driver **p = &pci_drivers;

	/* Constructors run in link order; keep registration order stable. */
	while (*p != NULL)
		p = &(*p)->next;
	drv->next = NULL;
	*p = drv;
}

const struct sl_pci_driver *sl_pci_match_driver(const struct sl_pci_id *id)
{
	const struct sl_pci_driver *drv;
	const struct sl_pci_id *t;

	for (drv = pci_drivers; drv != NULL; drv = drv->next)
		for (t = drv->id_table; t != NULL && t->vendor != 0; t++)
			if (t->vendor == id->vendor &&
			    (t->device == SL_PCI_ANY_ID || t->device == id->device))
				return drv;
	return NULL;
}

/* ---- sysfs scan ----------------------------------------------------------- */

const char *sl_pci_sysfs_root(void)
{
	const char *root = getenv("SL_SYSFS_ROOT");

	return root != NULL && root[0] != '\0' ? root : "/sys";
}

const char *sl_pci_devfs_root(void)
{
	const char *root = getenv("SL_DEVFS_ROOT");

	return root != NULL && root[0] != '\0' ? root : "/dev";
}

/* First line of a small sysfs file, newline stripped. 0 or -errno. */
static int read_line(const char *dir, const char *file, char *buf, size_t size)
{
	char path[PATH_MAX];
	FILE *f;
	char *nl;

	if ((size_t)snprintf(path, sizeof(path), "%s/%s", dir, file) >= sizeof(path))
		return -ENAMETOOLONG;
	f = fopen(path, "re");
	if (f == NULL)
		return -errno;
	if (fgets(buf, (int)size, f) == NULL) {
		fclose(f);
		return -EIO;
	}
	fclose(f);
	nl = strchr(buf, '\n');
	if (nl != NULL)
		*nl = '\0';
	return 0;
}

static int read_ulong(const char *dir, const char *file, unsigned long *out)
{
	char buf[64], *end;
	int ret = read_line(dir, file, buf, sizeof(buf));

	if (ret < 0)
		return ret;
	errno = 0;
	*out = strtoul(buf, &end, 0);
	if (errno != 0 || end == buf)
		return -EINVAL;
	return 0;
}

void sl_pci_read_link_name(const char *dir, const char *link, char *buf, size_t size)
{
	char path[PATH_MAX], target[PATH_MAX];
	const char *base;
	ssize_t n;

	buf[0] = '\0';
	if ((size_t)snprintf(path, sizeof(path), "%s/%s", dir, link) >= sizeof(path))
		return;
	n = readlink(path, target, sizeof(target) - 1);
	if (n <= 0)
		return;
	target[n] = '\0';
	base = strrchr(target, '/');
	base = base != NULL ? base + 1 : target;
	if (strlen(base) < size)
		memcpy(buf, base, strlen(base) + 1);
}

/* A device and the bus's state of it, freed together. */
struct scanned_device {
	struct sl_pci_device dev;	/* first: free(dev) frees both */
	struct sl_pci_device_private priv;
};

static struct sl_pci_device *device_alloc(const struct sl_pci_addr *addr)
{
	struct scanned_device *s = calloc(1, sizeof(*s));
	unsigned i;

	if (s == NULL)
		return NULL;
	s->dev.priv = &s->priv;
	s->dev.addr = *addr;
	sl_pci_addr_format(addr, s->dev.name, sizeof(s->dev.name));
	s->priv.iommu_group = -1;
	s->priv.vfio.dev_fd = -1;
	s->priv.vfio.group_fd = -1;
	s->priv.uio.uio_fd = -1;
	s->priv.uio.uio_index = -1;
	for (i = 0; i < SL_PCI_NB_REGIONS; i++)
		s->priv.region[i].fd = -1;
	return &s->dev;
}

static int scan_one(const char *devdir, const struct sl_pci_addr *addr, struct sl_pci_device **out)
{
	struct sl_pci_device *dev;
	unsigned long v;
	char group[32];
	long node;
	char buf[32];

	dev = device_alloc(addr);
	if (dev == NULL)
		return -ENOMEM;

	if (read_ulong(devdir, "vendor", &v) < 0 || v > 0xffff)
		goto bad;
	dev->id.vendor = (uint16_t)v;
	if (read_ulong(devdir, "device", &v) < 0 || v > 0xffff)
		goto bad;
	dev->id.device = (uint16_t)v;
	if (read_ulong(devdir, "subsystem_vendor", &v) == 0 && v <= 0xffff)
		dev->subsystem_id.vendor = (uint16_t)v;
	if (read_ulong(devdir, "subsystem_device", &v) == 0 && v <= 0xffff)
		dev->subsystem_id.device = (uint16_t)v;
	if (read_ulong(devdir, "class", &v) == 0)
		dev->class_id = (uint32_t)v;

	dev->numa_node = SL_SOCKET_ID_ANY;
	if (read_line(devdir, "numa_node", buf, sizeof(buf)) == 0) {
		node = strtol(buf, NULL, 10);
		if (node >= 0 && node < SL_MAX_NUMA_NODES)
			dev->numa_node = (int)node;
	}
	sl_pci_read_link_name(devdir, "driver", dev->kdrv, sizeof(dev->kdrv));
	sl_pci_read_link_name(devdir, "iommu_group", group, sizeof(group));
	if (group[0] != '\0' && isdigit((unsigned char)group[0]))
		dev->priv->iommu_group = atoi(group);
	*out = dev;
	return 0;
bad:
	/* A device that vanished mid-scan (hot unplug) or a half-written fake
	 * tree: not worth failing the whole scan. */
	SL_LOG(DEBUG, PCI, "%s: no readable vendor/device id in %s, ignored", dev->name, devdir);
	free(dev);
	*out = NULL;
	return 0;
}

static void insert_sorted(struct sl_pci_device **list, struct sl_pci_device *dev)
{
	struct sl_pci_device **p = list;

	while (*p != NULL && sl_pci_addr_cmp(&(*p)->addr, &dev->addr) < 0)
		p = &(*p)->next;
	dev->next = *p;
	*p = dev;
}

static struct sl_pci_device *list_take(struct sl_pci_device **list, const struct sl_pci_addr *addr)
{
	struct sl_pci_device **p;

	for (p = list; *p != NULL; p = &(*p)->next) {
		if (sl_pci_addr_cmp(&(*p)->addr, addr) == 0) {
			struct sl_pci_device *d = *p;

			*p = d->next;
			d->next = NULL;
			return d;
		}
	}
	return NULL;
}

int sl_pci_scan(void)
{
	struct sl_pci_device *fresh = NULL, *dev, *old;
	char dirpath[PATH_MAX], devdir[PATH_MAX + 256];
	struct sl_pci_addr addr;
	struct dirent *e;
	int count = 0, ret = 0;
	DIR *d;

	if ((size_t)snprintf(dirpath, sizeof(dirpath), "%s/bus/pci/devices", sl_pci_sysfs_root()) >=
	    sizeof(dirpath))
		return -ENAMETOOLONG;
	d = opendir(dirpath);
	if (d == NULL)
		return -errno;
	while ((e = readdir(d)) != NULL) {
		if (sl_pci_addr_parse(e->d_name, &addr) < 0)
			continue;
		if ((size_t)snprintf(devdir, sizeof(devdir), "%s/%s", dirpath, e->d_name) >=
		    sizeof(devdir))
			continue;
		ret = scan_one(devdir, &addr, &dev);
		if (ret < 0)
			break;
		if (dev != NULL)
			insert_sorted(&fresh, dev);
	}
	closedir(d);

	/* Devices in use keep their struct (drivers hold pointers to it);
	 * the rest are replaced by what sysfs says now. */
	while ((old = pci_devices) != NULL) {
		pci_devices = old->next;
		if (sl_pci_device_is_open(old) || old->driver != NULL) {
			free(list_take(&fresh, &old->addr));
			insert_sorted(&fresh, old);
		} else {
			free(old);
		}
	}
	pci_devices = fresh;
	if (ret < 0)
		return ret;
	for (dev = pci_devices; dev != NULL; dev = dev->next)
		count++;
	return count;
}

struct sl_pci_device *sl_pci_device_next(const struct sl_pci_device *prev)
{
	return prev == NULL ? pci_devices : prev->next;
}

struct sl_pci_device *sl_pci_device_find(const struct sl_pci_addr *addr)
{
	struct sl_pci_device *dev;

	for (dev = pci_devices; dev != NULL; dev = dev->next)
		if (sl_pci_addr_cmp(&dev->addr, addr) == 0)
			return dev;
	return NULL;
}

static void free_device_list(void)
{
	struct sl_pci_device *dev;

	while ((dev = pci_devices) != NULL) {
		pci_devices = dev->next;
		free(dev);
	}
}

/* ---- what to do with a device ---------------------------------------------- */

enum sl_pci_action sl_pci_decide(const struct sl_pci_device *dev, const struct sl_pci_addr *allow,
				 unsigned nb_allow, const struct sl_pci_driver **drvp, char *msg,
				 size_t msg_size)
{
	const struct sl_pci_driver *drv;
	int explicit = 0;
	unsigned i;

	msg[0] = '\0';
	*drvp = NULL;
	for (i = 0; i < nb_allow; i++)
		if (sl_pci_addr_cmp(&allow[i], &dev->addr) == 0)
			explicit = 1;
	if (nb_allow > 0 && !explicit)
		return SL_PCI_ACTION_SKIP;

	drv = sl_pci_match_driver(&dev->id);
	if (drv == NULL) {
		if (!explicit)
			return SL_PCI_ACTION_SKIP;
		snprintf(msg, msg_size,
			 "%s (%04x:%04x) was given with -a but no driver linked into this "
			 "program supports that device id: drop the -a or use a program built "
			 "with the right driver",
			 dev->name, dev->id.vendor, dev->id.device);
		return SL_PCI_ACTION_FAIL;
	}
	*drvp = drv;
	if (sl_pci_backend_for(dev->kdrv) != NULL)
		return SL_PCI_ACTION_OPEN;

	if (explicit) {
		if (dev->kdrv[0] != '\0')
			snprintf(msg, msg_size,
				 "%s is bound to %s (kernel driver), not vfio-pci: run "
				 "usertools/sl-devbind --bind vfio-pci %s (without an IOMMU: "
				 "--bind uio_pci_generic %s and --iova-mode pa)",
				 dev->name, dev->kdrv, dev->name, dev->name);
		else
			snprintf(msg, msg_size,
				 "%s is not bound to any driver, not vfio-pci: run "
				 "usertools/sl-devbind --bind vfio-pci %s (without an IOMMU: "
				 "--bind uio_pci_generic %s and --iova-mode pa)",
				 dev->name, dev->name, dev->name);
		return SL_PCI_ACTION_FAIL;
	}
	snprintf(msg, msg_size,
		 "%s (%04x:%04x, %s) skipped: %s%s, not vfio-pci (usertools/sl-devbind --bind "
		 "vfio-pci %s to use it, or uio_pci_generic without an IOMMU)",
		 dev->name, dev->id.vendor, dev->id.device, drv->name,
		 dev->kdrv[0] != '\0' ? "bound to " : "not bound to any driver",
		 dev->kdrv, dev->name);
	return SL_PCI_ACTION_SKIP;
}

/* ---- the EAL hook ------------------------------------------------------------- */

void sl_pci_bus_fini(void)
{
	struct sl_pci_device *dev;

	/* Quiesce every device before any of them tears down the shared
	 * container: the last close unmaps all DMA. */
	for (dev = pci_devices; dev != NULL; dev = dev->next) {
		if (dev->driver == NULL)
			continue;
		if (dev->driver->remove != NULL && dev->driver->remove(dev) < 0)
			SL_LOG(WARNING, PCI, "%s: %s remove failed; closing the device anyway",
			       dev->name, dev->driver->name);
		dev->driver = NULL;
		dev->driver_data = NULL;
		if (sl_pci_device_is_open(dev))
			sl_pci_set_bus_master(dev, 0);
	}
	for (dev = pci_devices; dev != NULL; dev = dev->next)
		sl_pci_device_close(dev);
	free_device_list();
}

static int load_allow_list(struct sl_pci_addr **out, unsigned *count, int quiet)
{
	unsigned n = sl_eal_pci_allow_count(), i;
	struct sl_pci_addr *allow;

	*out = NULL;
	*count = 0;
	if (n == 0)
		return 0;
	allow = calloc(n, sizeof(*allow));
	if (allow == NULL)
		return -ENOMEM;
	for (i = 0; i < n; i++) {
		const char *s = sl_eal_pci_allow_get(i);

		if (sl_pci_addr_parse(s, &allow[i]) < 0) {
			if (!quiet)
				SL_LOG(ERR, PCI,
				       "-a '%s' is not a PCI address: use DDDD:BB:DD.F or "
				       "BB:DD.F (hex, as lspci -D prints)",
				       s != NULL ? s : "");
			free(allow);
			return -EINVAL;
		}
	}
	*out = allow;
	*count = n;
	return 0;
}

/* The scan for sl_pci_bus_init: 1 with devices to look at, 0 when there
 * is no PCI bus and nothing asks for one, -errno after a log line. */
static int bus_scan(unsigned nb_allow)
{
	int ret = sl_pci_scan();

	if (ret >= 0)
		return 1;
	if (nb_allow > 0) {
		SL_LOG(ERR, PCI,
		       "cannot read %s/bus/pci/devices (%s), but -a asks for PCI devices: is "
		       "sysfs mounted?",
		       sl_pci_sysfs_root(), strerror(-ret));
		return ret;
	}
	SL_LOG(INFO, PCI, "no PCI bus (%s/bus/pci/devices: %s)", sl_pci_sysfs_root(),
	       strerror(-ret));
	return 0;
}

/* Every -a entry names a scanned device: 0, or -ENODEV after a log line. */
static int check_allow_list(const struct sl_pci_addr *allow, unsigned nb_allow)
{
	char name[SL_PCI_ADDR_STRLEN];
	unsigned i;

	for (i = 0; i < nb_allow; i++) {
		if (sl_pci_device_find(&allow[i]) != NULL)
			continue;
		sl_pci_addr_format(&allow[i], name, sizeof(name));
		SL_LOG(ERR, PCI,
		       "-a %s: no such PCI device (see usertools/sl-devbind --status or lspci -D)",
		       name);
		return -ENODEV;
	}
	return 0;
}

/* Opens dev, lets drv quiesce it, turns bus mastering on and probes. 0, or
 * -errno after a log line with the device closed again. */
static int probe_one(struct sl_pci_device *dev, const struct sl_pci_driver *drv)
{
	int ret = sl_pci_device_dma_map(dev);

	if (ret == 0)
		ret = sl_pci_device_open(dev);
	if (ret < 0)
		return ret;
	/* bus mastering is still off: see sl_pci_driver.quiesce */
	if (drv->quiesce != NULL)
		drv->quiesce(dev);
	ret = sl_pci_set_bus_master(dev, 1);
	if (ret < 0) {
		SL_LOG(ERR, PCI, "%s: cannot enable bus mastering: %s", dev->name, strerror(-ret));
		goto fail;
	}
	dev->driver = drv;
	SL_LOG(INFO, PCI, "%s (%04x:%04x) numa %d, %s: probing with %s", dev->name,
	       dev->id.vendor, dev->id.device, dev->numa_node, dev->kdrv, drv->name);
	ret = drv->probe(dev);
	if (ret < 0) {
		SL_LOG(ERR, PCI, "%s: %s probe failed (%s)", dev->name, drv->name, strerror(-ret));
		goto fail;
	}
	return 0;
fail:
	dev->driver = NULL;
	dev->driver_data = NULL;
	sl_pci_device_close(dev);
	return ret;
}

int sl_pci_bus_init(void)
{
	const struct sl_pci_driver *drv;
	struct sl_pci_device *dev;
	struct sl_pci_addr *allow;
	unsigned nb_allow, probed = 0;
	char msg[512];
	int ret;

	if (sl_eal_no_pci()) {
		if (sl_eal_pci_allow_count() > 0) {
			SL_LOG(ERR, PCI, "-a and --no-pci contradict each other: drop one of them");
			return -EINVAL;
		}
		SL_LOG(INFO, PCI, "--no-pci: PCI bus not scanned");
		return 0;
	}
	ret = load_allow_list(&allow, &nb_allow, 0);
	if (ret < 0)
		return ret;
	ret = bus_scan(nb_allow);
	if (ret <= 0)
		goto out;
	ret = check_allow_list(allow, nb_allow);
	if (ret < 0)
		goto fail;
	for (dev = pci_devices; dev != NULL; dev = dev->next) {
		switch (sl_pci_decide(dev, allow, nb_allow, &drv, msg, sizeof(msg))) {
		case SL_PCI_ACTION_SKIP:
			if (msg[0] != '\0')
				SL_LOG(NOTICE, PCI, "%s", msg);
			continue;
		case SL_PCI_ACTION_FAIL:
			SL_LOG(ERR, PCI, "%s", msg);
			ret = drv == NULL ? -ENODEV : -EBUSY;
			goto fail;
		case SL_PCI_ACTION_OPEN:
			break;
		}
		ret = probe_one(dev, drv);
		if (ret < 0)
			goto fail;
		probed++;
	}
	SL_LOG(INFO, PCI, "%u PCI device(s) probed", probed);
	ret = 0;
	goto out;
fail:
	sl_pci_bus_fini();
out:
	free(allow);
	return ret;
}

/* For --iova-mode auto, before the EAL sets up memory: the devices
 * sl_pci_bus_init would open, and whether one of them has no IOMMU. Quiet:
 * whatever is wrong with -a or the devices, sl_pci_bus_init says it. */
static enum sl_iova_mode pci_iova_query(char *what, size_t what_size)
{
	enum sl_iova_mode mode = SL_IOVA_MODE_DC;
	const struct sl_pci_backend *backend;
	const struct sl_pci_driver *drv;
	struct sl_pci_device *dev;
	struct sl_pci_addr *allow;
	unsigned nb_allow;
	char msg[512];

	if (sl_eal_no_pci() || load_allow_list(&allow, &nb_allow, 1) < 0)
		return SL_IOVA_MODE_DC;
	if (sl_pci_scan() < 0)
		goto out;
	for (dev = pci_devices; dev != NULL; dev = dev->next) {
		if (sl_pci_decide(dev, allow, nb_allow, &drv, msg, sizeof(msg)) !=
		    SL_PCI_ACTION_OPEN)
			continue;
		backend = sl_pci_backend_for(dev->kdrv);
		if (backend->needs_pa) {
			snprintf(what, what_size, "%s on %s", dev->name, dev->kdrv);
			mode = SL_IOVA_MODE_PA;
			break;
		}
		mode = SL_IOVA_MODE_VA;
	}
out:
	free(allow);
	return mode;
}

static void __attribute__((constructor)) pci_bus_register_hook(void)
{
	sl_eal_register_hook("pci", SL_EAL_HOOK_PCI, sl_pci_bus_init, sl_pci_bus_fini);
	sl_eal_register_iova_query("pci", pci_iova_query);
}

