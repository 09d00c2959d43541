/* SPDX-License-Identifier: BSD-3-Clause
 * Sluice ethdev: the port table, allocation and release, the fast-path
 * table and its publication, the EAL hooks.
 *
 * Every check a user can fail is made in lib/ethdev (ethdev_config.c,
 * ethdev_ctrl.c), before the driver's op runs, so the drivers stay short
 * and the messages stay uniform; what drivers would otherwise each write
 * again is in ethdev_driver.c and ethdev_pci.c. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sl_eal.h"
#include "sl_ethdev_driver.h"
#include "ethdev_private.h"

/* Never written: the queue array of a port that has none, so that a
 * poller indexing it reads NULL instead of freed memory. */
static void *eth_dummy_queues[SL_MAX_QUEUES_PER_PORT];

uint16_t sl_eth_dummy_rx_burst(void *rxq, struct sl_mbuf **pkts, uint16_t n)
{
	(void)rxq;
	(void)pkts;
	(void)n;
	return 0;
}

uint16_t sl_eth_dummy_tx_burst(void *txq, struct sl_mbuf **pkts, uint16_t n)
{
	(void)txq;
	(void)pkts;
	(void)n;
	return 0;
}

struct sl_eth_fp_ops sl_eth_fp_ops[SL_MAX_ETHPORTS] = {
	[0 ... SL_MAX_ETHPORTS - 1] = {
		.rx_burst = sl_eth_dummy_rx_burst,
		.rxq = eth_dummy_queues,
		.tx_burst = sl_eth_dummy_tx_burst,
		.txq = eth_dummy_queues,
	},
};

static struct sl_eth_dev_data eth_dev_data[SL_MAX_ETHPORTS];
static struct sl_eth_dev eth_devs[SL_MAX_ETHPORTS];

#ifdef SL_DEBUG_CHECKS
void sl_eth_fp_bad_call_(const char *what, uint16_t port_id, uint16_t queue_id)
{
	if (port_id >= SL_MAX_ETHPORTS)
		SL_LOG(ERR, ETHDEV, "%s: port %u out of range (max %u)", what, port_id,
		       SL_MAX_ETHPORTS - 1);
	else
		SL_LOG(ERR, ETHDEV, "%s: port %u queue %u: not a configured queue (%u rx, %u tx)",
		       what, port_id, queue_id, sl_eth_fp_ops[port_id].nb_rxq,
		       sl_eth_fp_ops[port_id].nb_txq);
}
#endif

/* ---- fast-path publication ------------------------------------------------
 * A poller loads rx_burst and then rxq from the same line. The queue
 * arrays a started port publishes stay allocated (and their queues set
 * up) until the port is reconfigured or closed, and both of those first
 * require it to be stopped; so a poller that raced a stop and still calls
 * the real burst does so on a live queue. Only when the arrays go away do
 * the pointers move to eth_dummy_queues. */

void ethdev_fp_publish(struct sl_eth_dev *dev)
{
	struct sl_eth_fp_ops *fp = &sl_eth_fp_ops[dev->data->port_id];

	__atomic_store_n(&fp->rxq, dev->data->nb_rx_queues ? dev->data->rx_queues : eth_dummy_queues,
			 __ATOMIC_RELAXED);
	__atomic_store_n(&fp->txq, dev->data->nb_tx_queues ? dev->data->tx_queues : eth_dummy_queues,
			 __ATOMIC_RELAXED);
	fp->nb_rxq = dev->data->nb_rx_queues;
	fp->nb_txq = dev->data->nb_tx_queues;
	/* Release: a poller that sees the real burst sees the queue arrays
	 * and everything dev_start wrote into the queues. */
	__atomic_store_n(&fp->tx_prepare, dev->tx_prepare, __ATOMIC_RELEASE);
	__atomic_store_n(&fp->rx_burst,
			 dev->rx_burst ? dev->rx_burst : sl_eth_dummy_rx_burst, __ATOMIC_RELEASE);
	__atomic_store_n(&fp->tx_burst,
			 dev->tx_burst ? dev->tx_burst : sl_eth_dummy_tx_burst, __ATOMIC_RELEASE);
}

void ethdev_fp_stop(uint16_t port_id)
{
	struct sl_eth_fp_ops *fp = &sl_eth_fp_ops[port_id];

	__atomic_store_n(&fp->rx_burst, sl_eth_dummy_rx_burst, __ATOMIC_RELEASE);
	__atomic_store_n(&fp->tx_burst, sl_eth_dummy_tx_burst, __ATOMIC_RELEASE);
	__atomic_store_n(&fp->tx_prepare, NULL, __ATOMIC_RELEASE);
}

/* Before the queue arrays are freed or replaced (port stopped). */
void ethdev_fp_park(uint16_t port_id, uint16_t nb_rxq, uint16_t nb_txq)
{
	struct sl_eth_fp_ops *fp = &sl_eth_fp_ops[port_id];

	ethdev_fp_stop(port_id);
	__atomic_store_n(&fp->rxq, eth_dummy_queues, __ATOMIC_RELAXED);
	__atomic_store_n(&fp->txq, eth_dummy_queues, __ATOMIC_RELAXED);
	fp->nb_rxq = nb_rxq;
	fp->nb_txq = nb_txq;
}

/* ---- port table ----------------------------------------------------------- */

/* "0, 1, 3" or "none" */
static const char *ports_list(char *buf, size_t len)
{
	size_t off = 0;

	buf[0] = '\0';
	for (uint16_t p = 0; p < SL_MAX_ETHPORTS; p++) {
		if (eth_devs[p].state != SL_ETH_DEV_ATTACHED)
			continue;
		int n = snprintf(buf + off, len - off, "%s%u", off ? ", " : "", p);

		if (n < 0 || (size_t)n >= len - off)
			break;
		off += (size_t)n;
	}
	return off ? buf : "none";
}

struct sl_eth_dev *ethdev_port_lookup(uint16_t port_id, const char *func)
{
	char list[128];

	if (sl_likely(port_id < SL_MAX_ETHPORTS && eth_devs[port_id].state == SL_ETH_DEV_ATTACHED))
		return &eth_devs[port_id];
	SL_LOG(ERR, ETHDEV, "%s: no port %u (existing ports: %s); ports come from -a and --vdev",
	       func, port_id, ports_list(list, sizeof(list)));
	return NULL;
}

uint16_t sl_eth_dev_count_avail(void)
{
	uint16_t n = 0;

	for (uint16_t p = 0; p < SL_MAX_ETHPORTS; p++)
		n += eth_devs[p].state == SL_ETH_DEV_ATTACHED;
	return n;
}

uint16_t sl_eth_dev_count_total(void)
{
	return SL_MAX_ETHPORTS;
}

uint16_t sl_eth_find_next(uint16_t port_id)
{
	while (port_id < SL_MAX_ETHPORTS && eth_devs[port_id].state != SL_ETH_DEV_ATTACHED)
		port_id++;
	return port_id < SL_MAX_ETHPORTS ? port_id : SL_MAX_ETHPORTS;
}

bool sl_eth_dev_is_valid_port(uint16_t port_id)
{
	return port_id < SL_MAX_ETHPORTS && eth_devs[port_id].state == SL_ETH_DEV_ATTACHED;
}

int sl_eth_dev_get_port_by_name(const char *name, uint16_t *port_id)
{
	if (name == NULL || port_id == NULL) {
		SL_LOG(ERR, ETHDEV, "sl_eth_dev_get_port_by_name: name and port_id must not be NULL");
		return -EINVAL;
	}
	for (uint16_t p = 0; p < SL_MAX_ETHPORTS; p++) {
		if (eth_devs[p].state == SL_ETH_DEV_ATTACHED &&
		    strcmp(eth_dev_data[p].name, name) == 0) {
			*port_id = p;
			return 0;
		}
	}
	SL_LOG(DEBUG, ETHDEV, "no port named '%s'", name);
	return -ENODEV;
}

const char *sl_eth_dev_name(uint16_t port_id)
{
	if (!sl_eth_dev_is_valid_port(port_id))
		return NULL;
	return eth_dev_data[port_id].name;
}

int sl_eth_dev_get_name_by_port(uint16_t port_id, char *name)
{
	ETHDEV_PORT_OR_RETURN(dev, port_id);
	if (name == NULL) {
		SL_LOG(ERR, ETHDEV, "sl_eth_dev_get_name_by_port: name must not be NULL");
		return -EINVAL;
	}
	memcpy(name, dev->data->name, SL_ETH_NAME_MAX_LEN);
	return 0;
}

int sl_eth_dev_socket_id(uint16_t port_id)
{
	if (!sl_eth_dev_is_valid_port(port_id))
		return -EINVAL;
	return eth_dev_data[port_id].socket_id;
}

struct sl_eth_dev *sl_eth_dev_get(uint16_t port_id)
{
	if (port_id >= SL_MAX_ETHPORTS || eth_devs[port_id].state == SL_ETH_DEV_UNUSED)
		return NULL;
	return &eth_devs[port_id];
}

struct sl_eth_dev *sl_eth_dev_allocated(const char *name)
{
	if (name == NULL)
		return NULL;
	for (uint16_t p = 0; p < SL_MAX_ETHPORTS; p++)
		if (eth_devs[p].state != SL_ETH_DEV_UNUSED && strcmp(eth_dev_data[p].name, name) == 0)
			return &eth_devs[p];
	return NULL;
}

struct sl_eth_dev *sl_eth_dev_allocate(const char *name)
{
	struct sl_eth_dev *dev;
	struct sl_eth_dev_data *data;
	uint16_t p;

	if (name == NULL || name[0] == '\0' || strlen(name) >= SL_ETH_NAME_MAX_LEN) {
		SL_LOG(ERR, ETHDEV, "port name '%s' must have 1 to %u characters", name ? name : "(null)",
		       SL_ETH_NAME_MAX_LEN - 1);
		errno = EINVAL;
		return NULL;
	}
	if (sl_eth_dev_allocated(name) != NULL) {
		SL_LOG(ERR, ETHDEV, "a port named '%s' exists already (port %u): give each device a unique name",
		       name, sl_eth_dev_allocated(name)->data->port_id);
		errno = EEXIST;
		return NULL;
	}
	for (p = 0; p < SL_MAX_ETHPORTS; p++)
		if (eth_devs[p].state == SL_ETH_DEV_UNUSED)
			break;
	if (p == SL_MAX_ETHPORTS) {
		SL_LOG(ERR, ETHDEV, "cannot create port '%s': all %u ports are in use; close one or raise SL_MAX_ETHPORTS",
		       name, SL_MAX_ETHPORTS);
		errno = ENOSPC;
		return NULL;
	}
	dev = &eth_devs[p];
	data = &eth_dev_data[p];
	memset(dev, 0, sizeof(*dev));
	memset(data, 0, sizeof(*data));
	snprintf(data->name, sizeof(data->name), "%s", name);
	data->port_id = p;
	data->socket_id = SL_SOCKET_ID_ANY;
	data->mtu = SL_ETHER_MTU;
	dev->data = data;
	dev->state = SL_ETH_DEV_ALLOCATED;
	ethdev_fp_park(p, 0, 0);
	return dev;
}

void sl_eth_dev_probing_finish(struct sl_eth_dev *dev)
{
	if (dev != NULL && dev->state == SL_ETH_DEV_ALLOCATED)
		dev->state = SL_ETH_DEV_ATTACHED;
}

int sl_eth_dev_release(struct sl_eth_dev *dev)
{
	uint16_t p;

	if (dev == NULL || dev < eth_devs || dev >= eth_devs + SL_MAX_ETHPORTS ||
	    dev->state == SL_ETH_DEV_UNUSED)
		return -EINVAL;
	p = dev->data->port_id;
	ethdev_fp_park(p, 0, 0);
	ethdev_rx_intr_release(dev);
	ethdev_callbacks_clear(p);
	free(dev->data->rx_queues);
	free(dev->data->tx_queues);
	memset(&eth_dev_data[p], 0, sizeof(eth_dev_data[p]));
	memset(dev, 0, sizeof(*dev));
	return 0;
}

/* ---- EAL hooks ------------------------------------------------------------------ */

/* sl_eal_cleanup: every port still open is stopped and closed, newest
 * (highest id) first, the reverse of how command-line devices appear. */
static void ethdev_fini(void)
{
	for (int p = SL_MAX_ETHPORTS - 1; p >= 0; p--) {
		if (eth_devs[p].state == SL_ETH_DEV_UNUSED)
			continue;
		if (eth_devs[p].state == SL_ETH_DEV_ALLOCATED) {
			sl_eth_dev_release(&eth_devs[p]);
			continue;
		}
		if (eth_dev_data[p].dev_started)
			sl_eth_dev_stop((uint16_t)p);
		sl_eth_dev_close((uint16_t)p);
	}
}

static int ethdev_init(void)
{
	return 0;
}

/* Both hooks from one constructor in this file: any program that uses
 * ports links this object, and with it the vdev bus, even from the static
 * library. */
static void __attribute__((constructor)) ethdev_register_hooks(void)
{
	sl_eal_register_hook("vdev", SL_EAL_HOOK_VDEV, ethdev_vdev_bus_init, ethdev_vdev_bus_fini);
	sl_eal_register_hook("ethdev", SL_EAL_HOOK_ETHDEV, ethdev_init, ethdev_fini);
}
