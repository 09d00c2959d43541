/* SPDX-License-Identifier: BSD-3-Clause
 * Sluice ethdev internals shared between the files of lib/ethdev. */
#ifndef SL_ETHDEV_PRIVATE_H
#define SL_ETHDEV_PRIVATE_H

/* vdev bus EAL hooks (vdev.c), registered by ethdev.c. */
int sl_vdev_bus_init_(void);
void sl_vdev_bus_fini_(void);

#endif /* SL_ETHDEV_PRIVATE_H */
