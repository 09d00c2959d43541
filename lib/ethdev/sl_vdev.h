/* SPDX-License-Identifier: BSD-3-Clause
 * Sluice vdev bus: virtual devices named on the command line.
 *
 *   --vdev 'net_null0,size=128'   -> driver "net_null", device "net_null0",
 *                                    args "size=128"
 *
 * A device belongs to the registered driver whose name is the longest
 * prefix of the device name. sl_eal_init creates every --vdev device (in
 * command-line order) through the vdev init hook; a failure there fails
 * sl_eal_init, after the devices already created are removed again.
 * Applications and tests may create and remove devices later too.
 */
#ifndef SL_VDEV_H
#define SL_VDEV_H

#ifdef __cplusplus
extern "C" {
#endif

struct sl_vdev_driver {
	const char *name;	/* device-name prefix: "net_null" */
	/* Shown after an argument error: "size=<1..9000> copy=<0|1>". */
	const char *usage;
	/* Creates the device: for a net driver, allocates and fills a port
	 * named devname (sl_eth_dev_allocate). args is the text after the
	 * first ',' ("" if none). 0, or a negative errno after a log line;
	 * a failing probe leaves nothing behind. */
	int (*probe)(const char *devname, const char *args);
	/* Destroys the device (closing its port if still open): 0 or -errno;
	 * -ENODEV if there is no such device. */
	int (*remove)(const char *devname);
	struct sl_vdev_driver *next_;	/* the bus's list */
};

/* Called from constructors (SL_VDEV_REGISTER): before main, no logging. */
void sl_vdev_driver_register(struct sl_vdev_driver *drv);
void sl_vdev_driver_unregister(struct sl_vdev_driver *drv);

#define SL_VDEV_REGISTER(drv)                                                  \
	static void __attribute__((constructor, used)) sl_vdev_register_##drv(void) \
	{                                                                      \
		sl_vdev_driver_register(&(drv));                               \
	}

/* The driver that would take devname, or NULL. */
const struct sl_vdev_driver *sl_vdev_find_driver(const char *devname);

/* Creates device name with args (NULL or "" for none): 0, or -errno:
 * -ENOENT no driver matches (the message lists the registered drivers),
 * -EEXIST a port of that name exists, or what the driver's probe returned. */
int sl_vdev_create(const char *name, const char *args);
/* Same from one --vdev string: "net_null0,size=128". */
int sl_vdev_create_spec(const char *spec);
/* Removes a device created earlier: 0 or -errno (-ENOENT no driver). */
int sl_vdev_remove(const char *name);

#ifdef __cplusplus
}
#endif
#endif /* SL_VDEV_H */
