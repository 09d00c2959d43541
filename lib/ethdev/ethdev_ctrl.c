/* SPDX-License-Identifier: BSD-3-Clause
 * Sluice ethdev: a configured port's life (start, stop, close, reset) and
 * what may change while it lives (link, counters, MAC, MTU, rx modes). */
#include <errno.h>
#include <string.h>

#include "sl_ethdev_driver.h"
#include "ethdev_private.h"

/* ---- start / stop / close ---------------------------------------------------------- */

int sl_eth_dev_start(uint16_t port_id)
{
	struct sl_eth_dev_data *d;
	int ret;

	ETHDEV_PORT_OR_RETURN(dev, port_id);
	d = dev->data;
	if (!d->dev_configured) {
		SL_LOG(ERR, ETHDEV, "port %u: call sl_eth_dev_configure and set up its queues before sl_eth_dev_start",
		       port_id);
		return -EINVAL;
	}
	if (d->dev_started) {
		SL_LOG(INFO, ETHDEV, "port %u: already started", port_id);
		return 0;
	}
	for (uint16_t q = 0; q < d->nb_rx_queues; q++) {
		if (d->rx_queues[q] == NULL) {
			SL_LOG(ERR, ETHDEV, "port %u: rx queue %u not set up (configured %u); call sl_eth_rx_queue_setup for every queue before sl_eth_dev_start",
			       port_id, q, d->nb_rx_queues);
			return -EINVAL;
		}
	}
	for (uint16_t q = 0; q < d->nb_tx_queues; q++) {
		if (d->tx_queues[q] == NULL) {
			SL_LOG(ERR, ETHDEV, "port %u: tx queue %u not set up (configured %u); call sl_eth_tx_queue_setup for every queue before sl_eth_dev_start",
			       port_id, q, d->nb_tx_queues);
			return -EINVAL;
		}
	}
	ret = ethdev_rx_intr_prepare(dev);
	if (ret == 0)
		ret = dev->dev_ops->dev_start != NULL ? dev->dev_ops->dev_start(dev) : 0;
	if (ret < 0) {
		ethdev_rx_intr_release(dev);
		SL_LOG(ERR, ETHDEV, "port %u: driver %s failed to start (%s)", port_id, d->driver_name,
		       strerror(-ret));
		return ret;
	}
	ret = ethdev_rx_intr_check(dev);
	if (ret < 0) {
		if (dev->dev_ops->dev_stop != NULL)
			dev->dev_ops->dev_stop(dev);
		ethdev_rx_intr_release(dev);
		return ret;
	}
	if (dev->driver != NULL && dev->driver->fixed_link_speed != 0)
		ethdev_fixed_link_set(dev, true);
	d->dev_started = 1;
	ethdev_fp_publish(dev);
	return 0;
}

int sl_eth_dev_stop(uint16_t port_id)
{
	int ret;

	ETHDEV_PORT_OR_RETURN(dev, port_id);
	if (!dev->data->dev_started) {
		SL_LOG(INFO, ETHDEV, "port %u: already stopped", port_id);
		return 0;
	}
	ethdev_fp_stop(port_id);
	dev->data->dev_started = 0;
	ret = dev->dev_ops->dev_stop != NULL ? dev->dev_ops->dev_stop(dev) : 0;
	ethdev_rx_intr_release(dev);
	ethdev_link_down(dev);
	if (ret < 0)
		SL_LOG(ERR, ETHDEV, "port %u: driver %s failed to stop cleanly (%s)", port_id,
		       dev->data->driver_name, strerror(-ret));
	return ret;
}

int sl_eth_dev_is_started(uint16_t port_id)
{
	if (!sl_eth_dev_is_valid_port(port_id))
		return -ENODEV;
	return sl_eth_dev_get(port_id)->data->dev_started;
}

int sl_eth_dev_close(uint16_t port_id)
{
	int ret;

	ETHDEV_PORT_OR_RETURN(dev, port_id);
	if (dev->data->dev_started) {
		SL_LOG(ERR, ETHDEV, "port %u: cannot close a started port; %s", port_id,
		       ETHDEV_STARTED_HINT);
		return -EINVAL;
	}
	ethdev_queues_release_all(dev);
	ret = dev->dev_ops->dev_close(dev);
	if (ret < 0)
		SL_LOG(ERR, ETHDEV, "port %u: driver %s failed to close cleanly (%s); the port is gone anyway",
		       port_id, dev->data->driver_name, strerror(-ret));
	sl_eth_dev_release(dev);
	return ret;
}

int sl_eth_dev_reset(uint16_t port_id)
{
	int ret;

	ETHDEV_PORT_OR_RETURN(dev, port_id);
	if (dev->dev_ops->dev_reset == NULL) {
		SL_LOG(ERR, ETHDEV, "port %u: driver %s cannot reset the device", port_id,
		       dev->data->driver_name);
		return -ENOTSUP;
	}
	if (dev->data->dev_started) {
		ret = sl_eth_dev_stop(port_id);
		if (ret < 0)
			return ret;
	}
	ethdev_queues_release_all(dev);
	ret = dev->dev_ops->dev_reset(dev);
	if (ret < 0)
		SL_LOG(ERR, ETHDEV, "port %u: driver %s failed to reset the device (%s)", port_id,
		       dev->data->driver_name, strerror(-ret));
	return ret;
}

/* ---- link ----------------------------------------------------------------------- */

int sl_eth_dev_set_link_up(uint16_t port_id)
{
	ETHDEV_PORT_OR_RETURN(dev, port_id);
	if (dev->dev_ops->dev_set_link_up == NULL) {
		SL_LOG(ERR, ETHDEV, "port %u: driver %s cannot set the link up", port_id,
		       dev->data->driver_name);
		return -ENOTSUP;
	}
	return dev->dev_ops->dev_set_link_up(dev);
}

int sl_eth_dev_set_link_down(uint16_t port_id)
{
	ETHDEV_PORT_OR_RETURN(dev, port_id);
	if (dev->dev_ops->dev_set_link_down == NULL) {
		SL_LOG(ERR, ETHDEV, "port %u: driver %s cannot set the link down", port_id,
		       dev->data->driver_name);
		return -ENOTSUP;
	}
	return dev->dev_ops->dev_set_link_down(dev);
}

static int link_get(uint16_t port_id, struct sl_eth_link *link, int wait, const char *func)
{
	struct sl_eth_dev *dev = ethdev_port_lookup(port_id, func);
	int ret;

	if (dev == NULL)
		return -ENODEV;
	if (link == NULL) {
		SL_LOG(ERR, ETHDEV, "%s: port %u: link must not be NULL", func, port_id);
		return -EINVAL;
	}
	if (dev->dev_ops->link_update != NULL) {
		ret = dev->dev_ops->link_update(dev, wait);
		if (ret < 0)
			return ret;
	}
	sl_eth_dev_link_get(dev, link);
	return 0;
}

int sl_eth_link_get(uint16_t port_id, struct sl_eth_link *link)
{
	return link_get(port_id, link, 1, __func__);
}

int sl_eth_link_get_nowait(uint16_t port_id, struct sl_eth_link *link)
{
	return link_get(port_id, link, 0, __func__);
}

/* ---- stats ------------------------------------------------------------------------ */

int sl_eth_stats_get(uint16_t port_id, struct sl_eth_stats *stats)
{
	ETHDEV_PORT_OR_RETURN(dev, port_id);
	if (stats == NULL) {
		SL_LOG(ERR, ETHDEV, "sl_eth_stats_get: port %u: stats must not be NULL", port_id);
		return -EINVAL;
	}
	memset(stats, 0, sizeof(*stats));
	if (dev->driver != NULL && dev->driver->queue_counters)
		sl_eth_stats_add_queues(stats, dev->data, dev->driver->rxq_counters,
					dev->driver->txq_counters);
	return dev->dev_ops->stats_get != NULL ? dev->dev_ops->stats_get(dev, stats) : 0;
}

int sl_eth_stats_reset(uint16_t port_id)
{
	ETHDEV_PORT_OR_RETURN(dev, port_id);
	if (dev->driver != NULL && dev->driver->queue_counters)
		sl_eth_stats_reset_queues(dev->data, dev->driver->rxq_counters,
					  dev->driver->txq_counters);
	return dev->dev_ops->stats_reset != NULL ? dev->dev_ops->stats_reset(dev) : 0;
}

/* ---- MAC / MTU / rx modes ---------------------------------------------------------- */

int sl_eth_macaddr_get(uint16_t port_id, struct sl_ether_addr *mac)
{
	ETHDEV_PORT_OR_RETURN(dev, port_id);
	if (mac == NULL) {
		SL_LOG(ERR, ETHDEV, "sl_eth_macaddr_get: port %u: mac must not be NULL", port_id);
		return -EINVAL;
	}
	*mac = dev->data->mac_addr;
	return 0;
}

int sl_eth_dev_default_mac_addr_set(uint16_t port_id, struct sl_ether_addr *mac)
{
	char buf[SL_ETHER_ADDR_FMT_SIZE];
	int ret;

	ETHDEV_PORT_OR_RETURN(dev, port_id);
	if (mac == NULL) {
		SL_LOG(ERR, ETHDEV, "sl_eth_dev_default_mac_addr_set: port %u: mac must not be NULL",
		       port_id);
		return -EINVAL;
	}
	if (!sl_is_valid_assigned_ether_addr(mac)) {
		sl_ether_format_addr(buf, sizeof(buf), mac);
		SL_LOG(ERR, ETHDEV, "port %u: %s cannot be a port address: it must be unicast (first octet even) and not zero",
		       port_id, buf);
		return -EINVAL;
	}
	if (dev->dev_ops->mac_addr_set != NULL) {
		ret = dev->dev_ops->mac_addr_set(dev, mac);
		if (ret < 0)
			return ret;
	}
	dev->data->mac_addr = *mac;
	return 0;
}

int sl_eth_dev_set_mtu(uint16_t port_id, uint16_t mtu)
{
	struct sl_eth_dev_info info;
	int ret;

	ETHDEV_PORT_OR_RETURN(dev, port_id);
	ret = ethdev_info_fill(dev, &info);
	if (ret < 0)
		return ret;
	if (mtu < info.min_mtu || mtu > info.max_mtu) {
		SL_LOG(ERR, ETHDEV, "port %u: MTU %u outside what driver %s takes (%u..%u)", port_id,
		       mtu, dev->data->driver_name, info.min_mtu, info.max_mtu);
		return -EINVAL;
	}
	if (dev->dev_ops->mtu_set != NULL) {
		ret = dev->dev_ops->mtu_set(dev, mtu);
		if (ret < 0)
			return ret;
	} else if (dev->data->dev_started) {
		SL_LOG(ERR, ETHDEV, "port %u: driver %s changes the MTU only while stopped; %s",
		       port_id, dev->data->driver_name, ETHDEV_STARTED_HINT);
		return -EINVAL;
	}
	dev->data->mtu = mtu;
	dev->data->dev_conf.rxmode.mtu = mtu;
	return 0;
}

int sl_eth_dev_get_mtu(uint16_t port_id, uint16_t *mtu)
{
	ETHDEV_PORT_OR_RETURN(dev, port_id);
	if (mtu == NULL) {
		SL_LOG(ERR, ETHDEV, "sl_eth_dev_get_mtu: port %u: mtu must not be NULL", port_id);
		return -EINVAL;
	}
	*mtu = dev->data->mtu;
	return 0;
}

/* Calls op (if the driver has one) and records the new mode. */
static int rx_mode_apply(struct sl_eth_dev *dev, int (*op)(struct sl_eth_dev *), uint8_t *flag,
			 uint8_t on, const char *what)
{
	int ret;

	if (*flag == on)
		return 0;
	if (op == NULL && dev->driver != NULL && dev->driver->no_rx_filter) {
		*flag = on;
		return 0;
	}
	if (op == NULL) {
		SL_LOG(ERR, ETHDEV, "port %u: driver %s cannot %s %s mode", dev->data->port_id,
		       dev->data->driver_name, on ? "enable" : "disable", what);
		return -ENOTSUP;
	}
	ret = op(dev);
	if (ret < 0) {
		SL_LOG(ERR, ETHDEV, "port %u: driver %s failed to %s %s mode (%s)", dev->data->port_id,
		       dev->data->driver_name, on ? "enable" : "disable", what, strerror(-ret));
		return ret;
	}
	*flag = on;
	return 0;
}

int sl_eth_promiscuous_enable(uint16_t port_id)
{
	ETHDEV_PORT_OR_RETURN(dev, port_id);
	return rx_mode_apply(dev, dev->dev_ops->promiscuous_enable, &dev->data->promiscuous, 1,
			     "promiscuous");
}

int sl_eth_promiscuous_disable(uint16_t port_id)
{
	ETHDEV_PORT_OR_RETURN(dev, port_id);
	return rx_mode_apply(dev, dev->dev_ops->promiscuous_disable, &dev->data->promiscuous, 0,
			     "promiscuous");
}

int sl_eth_promiscuous_get(uint16_t port_id)
{
	ETHDEV_PORT_OR_RETURN(dev, port_id);
	return dev->data->promiscuous;
}

int sl_eth_allmulticast_enable(uint16_t port_id)
{
	ETHDEV_PORT_OR_RETURN(dev, port_id);
	return rx_mode_apply(dev, dev->dev_ops->allmulticast_enable, &dev->data->all_multicast, 1,
			     "all-multicast");
}

int sl_eth_allmulticast_disable(uint16_t port_id)
{
	ETHDEV_PORT_OR_RETURN(dev, port_id);
	return rx_mode_apply(dev, dev->dev_ops->allmulticast_disable, &dev->data->all_multicast,
			     0, "all-multicast");
}

int sl_eth_allmulticast_get(uint16_t port_id)
{
	ETHDEV_PORT_OR_RETURN(dev, port_id);
	return dev->data->all_multicast;
}
