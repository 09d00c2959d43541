/* SPDX-License-Identifier: BSD-3-Clause
 * Sluice vdev bus: matches --vdev names to the registered virtual drivers. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sl_eal.h"
#include "sl_ethdev_driver.h"
#include "ethdev_private.h"

/* Filled by constructors before main, read afterwards: no lock needed. */
static struct sl_vdev_driver *vdev_drivers;

void sl_vdev_driver_register(struct sl_vdev_driver *drv)
{
	struct sl_vdev_driver **pp = &vdev_drivers;

	/* Appended, so listings show drivers in link order. */
	while (*pp != NULL) {
		if (*pp == drv)
			return;
		pp = &(*pp)->next_;
	}
	drv->next_ = NULL;
	*pp = drv;
}

void sl_vdev_driver_unregister(struct sl_vdev_driver *drv)
{
	for (struct sl_vdev_driver **pp = &vdev_drivers; *pp != NULL; pp = &(*pp)->next_) {
		if (*pp == drv) {
			*pp = drv->next_;
			drv->next_ = NULL;
			return;
		}
	}
}

const struct sl_vdev_driver *sl_vdev_find_driver(const char *devname)
{
	const struct sl_vdev_driver *best = NULL;
	size_t best_len = 0;

	if (devname == NULL)
		return NULL;
	/* Longest prefix wins, so "net_ring_x" could coexist with "net_ring". */
	for (const struct sl_vdev_driver *d = vdev_drivers; d != NULL; d = d->next_) {
		size_t len = strlen(d->name);

		if (len > best_len && strncmp(devname, d->name, len) == 0) {
			best = d;
			best_len = len;
		}
	}
	return best;
}

static const char *drivers_list(char *buf, size_t len)
{
	size_t off = 0;

	buf[0] = '\0';
	for (const struct sl_vdev_driver *d = vdev_drivers; d != NULL; d = d->next_) {
		int n = snprintf(buf + off, len - off, "%s%s", off ? ", " : "", d->name);

		if (n < 0 || (size_t)n >= len - off)
			break;
		off += (size_t)n;
	}
	return off ? buf : "none: link a driver (e.g. the net_null dependency)";
}

int sl_vdev_create(const char *name, const char *args)
{
	const struct sl_vdev_driver *drv;
	char list[256];

	if (name == NULL || name[0] == '\0' || strlen(name) >= SL_ETH_NAME_MAX_LEN) {
		SL_LOG(ERR, VDEV, "vdev name '%s' must have 1 to %u characters", name ? name : "(null)",
		       SL_ETH_NAME_MAX_LEN - 1);
		return -EINVAL;
	}
	drv = sl_vdev_find_driver(name);
	if (drv == NULL) {
		SL_LOG(ERR, VDEV, "no driver for vdev '%s'; its name must start with a driver name (registered: %s)",
		       name, drivers_list(list, sizeof(list)));
		return -ENOENT;
	}
	if (sl_eth_dev_allocated(name) != NULL) {
		SL_LOG(ERR, VDEV, "vdev '%s' exists already; give each --vdev a unique name (net_null0, net_null1, ...)",
		       name);
		return -EEXIST;
	}
	return drv->probe(name, args != NULL ? args : "");
}

int sl_vdev_create_spec(const char *spec)
{
	char name[SL_ETH_NAME_MAX_LEN];
	const char *comma;
	size_t len;

	if (spec == NULL) {
		SL_LOG(ERR, VDEV, "sl_vdev_create_spec: spec must not be NULL");
		return -EINVAL;
	}
	comma = strchr(spec, ',');
	len = comma != NULL ? (size_t)(comma - spec) : strlen(spec);
	if (len == 0 || len >= sizeof(name)) {
		SL_LOG(ERR, VDEV, "--vdev '%s': the device name before the first ',' must have 1 to %zu characters",
		       spec, sizeof(name) - 1);
		return -EINVAL;
	}
	memcpy(name, spec, len);
	name[len] = '\0';
	return sl_vdev_create(name, comma != NULL ? comma + 1 : "");
}

int sl_vdev_remove(const char *name)
{
	const struct sl_vdev_driver *drv = sl_vdev_find_driver(name);
	char list[256];

	if (drv == NULL) {
		SL_LOG(ERR, VDEV, "no driver for vdev '%s' (registered: %s)", name ? name : "(null)",
		       drivers_list(list, sizeof(list)));
		return -ENOENT;
	}
	return drv->remove(name);
}

/* ---- EAL hook ---------------------------------------------------------------- */

/* Names of the devices created by the init hook, for the rollback. */
static char (*vdev_created)[SL_ETH_NAME_MAX_LEN];
static unsigned vdev_nb_created;

static void vdev_remove_created(void)
{
	while (vdev_nb_created > 0) {
		const char *name = vdev_created[--vdev_nb_created];

		/* The application may have closed the port already. */
		if (sl_eth_dev_allocated(name) != NULL)
			sl_vdev_remove(name);
	}
	free(vdev_created);
	vdev_created = NULL;
}

int ethdev_vdev_bus_init(void)
{
	unsigned n = sl_eal_vdev_count();

	vdev_nb_created = 0;
	if (n == 0)
		return 0;
	vdev_created = calloc(n, sizeof(*vdev_created));
	if (vdev_created == NULL) {
		SL_LOG(ERR, VDEV, "out of memory creating %u vdevs", n);
		return -ENOMEM;
	}
	for (unsigned i = 0; i < n; i++) {
		const char *spec = sl_eal_vdev_get(i);
		int ret = sl_vdev_create_spec(spec);

		if (ret < 0) {
			vdev_remove_created();
			return ret;
		}
		snprintf(vdev_created[vdev_nb_created++], SL_ETH_NAME_MAX_LEN, "%.*s",
			 (int)strcspn(spec, ","), spec);
	}
	return 0;
}

void ethdev_vdev_bus_fini(void)
{
	vdev_remove_created();
}
