/* SPDX-License-Identifier: BSD-3-Clause
 * Sluice ethdev internals shared between the files of lib/ethdev (not
 * installed; naming: doc/CONVENTIONS.md).
 *
 *   ethdev.c         port table, allocation, fast-path publication, EAL hooks
 *   ethdev_config.c  dev_info, configure, queue setup (the argument checks)
 *   ethdev_ctrl.c    start/stop/close/reset, link, stats, MAC, MTU, rx modes
 *   ethdev_driver.c  what drivers share: probe tail, vdev remove, queue
 *                    counters, the RX buffer and pool checks, stop drain
 *   ethdev_pci.c     the same for PCI drivers (probe tail, remove)
 *   ethdev_intr.c    RX queue interrupts, event callbacks
 *   vdev.c           the vdev bus
 */
#ifndef ETHDEV_PRIVATE_H
#define ETHDEV_PRIVATE_H

#include <stdbool.h>
#include <stdint.h>

#include "sl_ethdev_driver.h"

/* The remedy every "not while started" refusal gives. */
#define ETHDEV_STARTED_HINT "stop it first (sl_eth_dev_stop)"

/* The attached port, or NULL after a log line (in func's name) naming the
 * ports that exist. */
struct sl_eth_dev *ethdev_port_lookup(uint16_t port_id, const char *func);

#define ETHDEV_PORT_OR_RETURN(dev, port_id)                         \
	struct sl_eth_dev *dev = ethdev_port_lookup(port_id, __func__); \
	if (dev == NULL)                                                \
		return -ENODEV

/* Fast-path publication (ethdev.c). publish: the port's bursts and queue
 * arrays, after dev_start; stop: bursts back to the dummies, arrays kept;
 * park: arrays to the dummy array too, before they are freed or resized. */
void ethdev_fp_publish(struct sl_eth_dev *dev);
void ethdev_fp_stop(uint16_t port_id);
void ethdev_fp_park(uint16_t port_id, uint16_t nb_rxq, uint16_t nb_txq);

/* dev_info with ethdev's defaults under the driver's values and the fields
 * ethdev owns on top: 0, or the op's error after a log line. */
int ethdev_info_fill(struct sl_eth_dev *dev, struct sl_eth_dev_info *info);
/* Releases every queue and the queue arrays; the port needs configure
 * again (close, reset, a failed configure). */
void ethdev_queues_release_all(struct sl_eth_dev *dev);

/* The link of a port whose driver declares fixed_link_speed. */
void ethdev_fixed_link_set(struct sl_eth_dev *dev, bool up);
/* What every port reports once stopped (link_update may refresh it). */
void ethdev_link_down(struct sl_eth_dev *dev);

/* Interrupts (ethdev_intr.c). prepare: before dev_start, the rx_intr
 * array when intr_conf.rxq; check: after it, every queue got its fd;
 * release: after dev_stop or a failed start. clear: at close. */
int ethdev_rx_intr_prepare(struct sl_eth_dev *dev);
int ethdev_rx_intr_check(struct sl_eth_dev *dev);
void ethdev_rx_intr_release(struct sl_eth_dev *dev);
void ethdev_callbacks_clear(uint16_t port_id);

/* vdev bus EAL hooks (vdev.c), registered by ethdev.c. */
int ethdev_vdev_bus_init(void);
void ethdev_vdev_bus_fini(void);

#endif /* ETHDEV_PRIVATE_H */
