/* SPDX-License-Identifier: BSD-3-Clause
 * Sluice ethdev: interrupts. RX queue interrupts let an lcore sleep until
 * a frame comes (sl_eth_dev_rx_intr_enable, then sl_eal_wait_fds on the
 * queues' fds); link-change events run the port's callbacks on the EAL
 * interrupt thread, never on an lcore.
 *
 * Every queue's fd is an eventfd: a vector's own (MSI-X, one per queue) or
 * one of ethdev's that the driver's handler signals when the vector is
 * shared (INTx: one line for every cause). Either way a driver may signal
 * it itself (sl_eth_dev_rx_intr_signal): that is how the enable op closes
 * the lost-wake-up race (a frame that landed between the lcore's last
 * empty poll and the arming raised no interrupt, so enable re-checks the
 * ring after arming and wakes the waiter if anything is there). */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "sl_ethdev_driver.h"
#include "ethdev_private.h"

#define MAX_CALLBACKS 8

struct port_callback {
	sl_eth_dev_cb_fn cb;
	void *arg;
	enum sl_eth_event_type event;
};

static pthread_mutex_t cb_lock = PTHREAD_MUTEX_INITIALIZER;
static struct port_callback callbacks[SL_MAX_ETHPORTS][MAX_CALLBACKS];

/* ---- RX queue interrupts ------------------------------------------------ */

int ethdev_rx_intr_prepare(struct sl_eth_dev *dev)
{
	struct sl_eth_dev_data *d = dev->data;

	if (!d->dev_conf.intr_conf.rxq)
		return 0;
	d->rx_intr = calloc(d->nb_rx_queues, sizeof(*d->rx_intr));
	if (d->rx_intr == NULL)
		return -ENOMEM;
	for (uint16_t q = 0; q < d->nb_rx_queues; q++)
		d->rx_intr[q].fd = -1;
	return 0;
}

int ethdev_rx_intr_check(struct sl_eth_dev *dev)
{
	struct sl_eth_dev_data *d = dev->data;

	for (uint16_t q = 0; d->rx_intr != NULL && q < d->nb_rx_queues; q++) {
		if (d->rx_intr[q].fd < 0) {
			SL_LOG(ERR, ETHDEV, "port %u: driver %s started without an interrupt for rx "
					    "queue %u (a driver bug: report it; poll the port meanwhile)",
			       d->port_id, d->driver_name, q);
			return -ENOTSUP;
		}
	}
	return 0;
}

void ethdev_rx_intr_release(struct sl_eth_dev *dev)
{
	struct sl_eth_dev_data *d = dev->data;

	if (d->rx_intr == NULL)
		return;
	for (uint16_t q = 0; q < d->nb_rx_queues; q++)
		if (d->rx_intr[q].owned && d->rx_intr[q].fd >= 0)
			close(d->rx_intr[q].fd);
	free(d->rx_intr);
	d->rx_intr = NULL;
}

void sl_eth_dev_rx_intr_fd_set(struct sl_eth_dev *dev, uint16_t q, int fd)
{
	dev->data->rx_intr[q] = (struct sl_eth_rx_intr){ .fd = fd };
}

int sl_eth_dev_rx_intr_fd_own(struct sl_eth_dev *dev, uint16_t q)
{
	int fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);

	if (fd < 0) {
		SL_LOG(ERR, ETHDEV, "port %u: eventfd for rx queue %u: %s", dev->data->port_id, q,
		       strerror(errno));
		return -errno;
	}
	dev->data->rx_intr[q] = (struct sl_eth_rx_intr){ .fd = fd, .owned = 1 };
	return 0;
}

void sl_eth_dev_rx_intr_signal(struct sl_eth_dev *dev, uint16_t q)
{
	uint64_t one = 1;

	/* Only EAGAIN can fail here (the count at its maximum): the waiter
	 * wakes either way. */
	if (write(dev->data->rx_intr[q].fd, &one, sizeof(one)) < 0)
		return;
}

static struct sl_eth_dev *rx_intr_port(uint16_t port_id, uint16_t q, const char *func)
{
	struct sl_eth_dev *dev = ethdev_port_lookup(port_id, func);

	if (dev == NULL)
		return NULL;
	if (!dev->data->dev_conf.intr_conf.rxq) {
		SL_LOG(ERR, ETHDEV, "%s: port %u was configured without RX interrupts: set "
				    "intr_conf.rxq = 1 in sl_eth_dev_configure", func, port_id);
		return NULL;
	}
	if (q >= dev->data->nb_rx_queues || !dev->data->dev_started) {
		SL_LOG(ERR, ETHDEV, "%s: port %u %s", func, port_id,
		       !dev->data->dev_started ? "is not started (sl_eth_dev_start first)"
					       : "has no such rx queue");
		return NULL;
	}
	return dev;
}

int sl_eth_dev_rx_intr_enable(uint16_t port_id, uint16_t queue_id)
{
	struct sl_eth_dev *dev = rx_intr_port(port_id, queue_id, __func__);

	if (dev == NULL)
		return -EINVAL;
	return dev->dev_ops->rx_queue_intr_enable(dev, queue_id);
}

int sl_eth_dev_rx_intr_disable(uint16_t port_id, uint16_t queue_id)
{
	struct sl_eth_dev *dev = rx_intr_port(port_id, queue_id, __func__);

	if (dev == NULL)
		return -EINVAL;
	return dev->dev_ops->rx_queue_intr_disable(dev, queue_id);
}

int sl_eth_dev_rx_intr_fd(uint16_t port_id, uint16_t queue_id)
{
	struct sl_eth_dev *dev = rx_intr_port(port_id, queue_id, __func__);

	return dev == NULL ? -EINVAL : dev->data->rx_intr[queue_id].fd;
}

/* ---- events -------------------------------------------------------------- */

int sl_eth_dev_callback_register(uint16_t port_id, enum sl_eth_event_type event,
				 sl_eth_dev_cb_fn cb, void *cb_arg)
{
	int ret = -ENOSPC;

	ETHDEV_PORT_OR_RETURN(dev, port_id);
	if (cb == NULL || event >= SL_ETH_EVENT_MAX)
		return -EINVAL;
	(void)dev;
	pthread_mutex_lock(&cb_lock);
	for (unsigned i = 0; i < MAX_CALLBACKS; i++) {
		struct port_callback *c = &callbacks[port_id][i];

		if (c->cb == cb && c->arg == cb_arg && c->event == event) {
			ret = 0;
			break;
		}
		if (c->cb == NULL) {
			*c = (struct port_callback){ .cb = cb, .arg = cb_arg, .event = event };
			ret = 0;
			break;
		}
	}
	pthread_mutex_unlock(&cb_lock);
	if (ret < 0)
		SL_LOG(ERR, ETHDEV, "port %u: more than %d event callbacks", port_id, MAX_CALLBACKS);
	return ret;
}

int sl_eth_dev_callback_unregister(uint16_t port_id, enum sl_eth_event_type event,
				   sl_eth_dev_cb_fn cb, const void *cb_arg)
{
	int ret = -ENOENT;

	if (port_id >= SL_MAX_ETHPORTS)
		return -ENODEV;
	pthread_mutex_lock(&cb_lock);
	for (unsigned i = 0; i < MAX_CALLBACKS; i++) {
		struct port_callback *c = &callbacks[port_id][i];

		if (c->cb == cb && c->arg == cb_arg && c->event == event) {
			*c = (struct port_callback){ 0 };
			ret = 0;
		}
	}
	pthread_mutex_unlock(&cb_lock);
	return ret;
}

void ethdev_callbacks_clear(uint16_t port_id)
{
	pthread_mutex_lock(&cb_lock);
	memset(callbacks[port_id], 0, sizeof(callbacks[port_id]));
	pthread_mutex_unlock(&cb_lock);
}

static void callbacks_run(uint16_t port_id, enum sl_eth_event_type event)
{
	struct port_callback run[MAX_CALLBACKS];

	/* A copy: a callback may register or unregister callbacks. */
	pthread_mutex_lock(&cb_lock);
	memcpy(run, callbacks[port_id], sizeof(run));
	pthread_mutex_unlock(&cb_lock);
	for (unsigned i = 0; i < MAX_CALLBACKS; i++)
		if (run[i].cb != NULL && run[i].event == event)
			run[i].cb(port_id, event, run[i].arg);
}

void sl_eth_dev_lsc_event(struct sl_eth_dev *dev)
{
	struct sl_eth_link before, after;

	sl_eth_dev_link_get(dev, &before);
	if (dev->dev_ops->link_update != NULL)
		dev->dev_ops->link_update(dev, 0);
	sl_eth_dev_link_get(dev, &after);
	if (before.link_status != after.link_status || before.link_speed != after.link_speed)
		callbacks_run(dev->data->port_id, SL_ETH_EVENT_INTR_LSC);
}
