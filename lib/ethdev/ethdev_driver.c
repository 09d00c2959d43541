/* SPDX-License-Identifier: BSD-3-Clause
 * Sluice ethdev: what drivers would each write again, declared once. */
#include <errno.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include "sl_eal.h"
#include "sl_ethdev_driver.h"
#include "ethdev_private.h"

/* ---- probe and remove ---------------------------------------------------- */

int sl_eth_dev_stop_close(struct sl_eth_dev *dev)
{
	uint16_t port;

	if (dev == NULL)
		return 0;
	port = dev->data->port_id;
	sl_eth_dev_stop(port);
	return sl_eth_dev_close(port);
}

void *sl_eth_queue_zalloc(size_t size)
{
	void *p = aligned_alloc(SL_CACHE_LINE_SIZE, SL_ALIGN_CEIL(size, SL_CACHE_LINE_SIZE));

	if (p != NULL)
		memset(p, 0, size);
	return p;
}

int sl_eth_dev_create(const struct sl_eth_driver *drv, const char *name, void *priv,
		      const struct sl_ether_addr *mac, int socket, struct sl_eth_dev **out)
{
	struct sl_eth_dev *dev = sl_eth_dev_allocate(name);
	struct sl_eth_dev_data *d;

	if (dev == NULL)
		return errno ? -errno : -ENOSPC;
	d = dev->data;
	dev->driver = drv;
	dev->dev_ops = drv->ops;
	dev->rx_burst = drv->rx_burst;
	dev->tx_burst = drv->tx_burst;
	d->driver_name = drv->name;
	d->dev_private = priv;
	d->socket_id = socket;
	if (mac != NULL) {
		d->mac_addr = *mac;
	} else {
		d->mac_addr = drv->local_mac;
		d->mac_addr.addr_bytes[SL_ETHER_ADDR_LEN - 1] = (uint8_t)d->port_id;
	}
	if (drv->no_rx_filter)
		d->promiscuous = d->all_multicast = 1;
	if (drv->fixed_link_speed != 0)
		ethdev_fixed_link_set(dev, false);
	sl_eth_dev_probing_finish(dev);
	*out = dev;
	return 0;
}

int sl_eth_vdev_remove(const char *devname)
{
	struct sl_eth_dev *dev = sl_eth_dev_allocated(devname);

	if (dev == NULL || dev->state != SL_ETH_DEV_ATTACHED || dev->device != NULL)
		return -ENODEV;
	return sl_eth_dev_stop_close(dev);
}

/* ---- ports on a kernel interface ------------------------------------------ */

int sl_eth_kif_ioctl(const char *ifname, unsigned long req, struct ifreq *ifr)
{
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	int ret;

	if (fd < 0)
		return -errno;
	snprintf(ifr->ifr_name, sizeof(ifr->ifr_name), "%s", ifname);
	ret = ioctl(fd, req, ifr) < 0 ? -errno : 0;
	close(fd);
	return ret;
}

bool sl_eth_kif_running(const char *ifname)
{
	struct ifreq ifr;

	memset(&ifr, 0, sizeof(ifr));
	if (sl_eth_kif_ioctl(ifname, SIOCGIFFLAGS, &ifr) < 0)
		return false;
	return (ifr.ifr_flags & IFF_UP) && (ifr.ifr_flags & IFF_RUNNING);
}

void sl_eth_virtual_port_info(struct sl_eth_dev_info *info)
{
	info->max_mtu = 9000;
	info->max_rx_pktlen = UINT16_MAX;
	info->min_rx_bufsize = 0;
	info->speed_capa = SL_ETH_LINK_SPEED_10G | SL_ETH_LINK_SPEED_FIXED;
	info->tx_offload_capa = SL_ETH_TX_OFFLOAD_MULTI_SEGS | SL_ETH_TX_OFFLOAD_MBUF_FAST_FREE;
	info->default_rxportconf.burst_size = 32;
	info->default_txportconf.burst_size = 32;
	info->rx_desc_lim = (struct sl_eth_desc_lim){ .nb_max = UINT16_MAX, .nb_min = 1, .nb_align = 1 };
	info->tx_desc_lim = info->rx_desc_lim;
}

void sl_eth_rx_queue_free(struct sl_eth_dev *dev, uint16_t q)
{
	free(dev->data->rx_queues[q]);
}

void sl_eth_tx_queue_free(struct sl_eth_dev *dev, uint16_t q)
{
	free(dev->data->tx_queues[q]);
}

/* ---- dev_start / dev_stop helpers ----------------------------------------- */

int sl_eth_rx_frame_check(const struct sl_eth_dev *dev, uint32_t buf_len, bool scatter,
			  const char *no_scatter)
{
	uint32_t mtu = dev->data->mtu ? dev->data->mtu : SL_ETHER_MTU;
	uint32_t max_frame = mtu + SL_ETHER_HDR_LEN + SL_ETHER_VLAN_HDR_LEN;

	if (max_frame <= buf_len || (scatter && no_scatter == NULL))
		return 0;
	if (no_scatter != NULL)
		SL_LOG(ERR, ETHDEV, "port %u: frames of up to %u bytes (MTU %u) do not fit the %u-byte RX buffers and %s: use mbufs with a bigger data room",
		       dev->data->port_id, max_frame, mtu, buf_len, no_scatter);
	else
		SL_LOG(ERR, ETHDEV, "port %u: frames of up to %u bytes (MTU %u) do not fit the %u-byte RX buffers: enable SL_ETH_RX_OFFLOAD_SCATTER or use mbufs with a bigger data room",
		       dev->data->port_id, max_frame, mtu, buf_len);
	return -EINVAL;
}

int sl_eth_rx_pool_short(const struct sl_eth_dev *dev, uint16_t q, struct sl_mempool *mp,
			 uint32_t needed)
{
	SL_LOG(ERR, ETHDEV, "port %u: the RX pool has %u free mbufs, rx queue %u needs %u: create the pool with more mbufs (ring sizes + bursts in flight + caches)",
	       dev->data->port_id, sl_mempool_avail_count(mp), q, needed);
	return -ENOMEM;
}

void sl_eth_stop_drain(void)
{
	sl_delay_us(SL_ETH_STOP_DRAIN_US);
}

void ethdev_link_down(struct sl_eth_dev *dev)
{
	struct sl_eth_link down = { .val64 = 0 };

	if (dev->driver != NULL && dev->driver->fixed_link_speed != 0)
		ethdev_fixed_link_set(dev, false);
	else
		sl_eth_dev_link_set(dev, &down);
}

void ethdev_fixed_link_set(struct sl_eth_dev *dev, bool up)
{
	struct sl_eth_link link = { .val64 = 0 };

	link.link_speed = up ? dev->driver->fixed_link_speed : SL_ETH_SPEED_NUM_NONE;
	link.link_duplex = SL_ETH_LINK_FULL_DUPLEX;
	link.link_autoneg = SL_ETH_LINK_FIXED;
	link.link_status = up ? SL_ETH_LINK_UP : SL_ETH_LINK_DOWN;
	sl_eth_dev_link_set(dev, &link);
}

/* ---- software queue counters ---------------------------------------------- */

uint64_t sl_eth_qcnt_read(const struct sl_eth_queue_counters *c, enum sl_eth_qcnt k)
{
	return __atomic_load_n(&c->val[k], __ATOMIC_RELAXED) - c->base[k];
}

void sl_eth_qcnt_reset(struct sl_eth_queue_counters *c)
{
	for (unsigned k = 0; k < SL_QCNT_MAX; k++)
		c->base[k] = __atomic_load_n(&c->val[k], __ATOMIC_RELAXED);
}

void sl_eth_stats_add_rxq(struct sl_eth_stats *st, uint16_t q, const struct sl_eth_queue_counters *c)
{
	uint64_t pkts = sl_eth_qcnt_read(c, SL_QCNT_PKTS);
	uint64_t bytes = sl_eth_qcnt_read(c, SL_QCNT_BYTES);
	uint64_t errors = sl_eth_qcnt_read(c, SL_QCNT_ERRORS);

	st->ipackets += pkts;
	st->ibytes += bytes;
	st->ierrors += errors;
	st->rx_nombuf += sl_eth_qcnt_read(c, SL_QCNT_NOMBUF);
	if (q < SL_ETHDEV_QUEUE_STAT_CNTRS) {
		st->q_ipackets[q] += pkts;
		st->q_ibytes[q] += bytes;
		st->q_errors[q] += errors;
	}
}

void sl_eth_stats_add_txq(struct sl_eth_stats *st, uint16_t q, const struct sl_eth_queue_counters *c)
{
	uint64_t pkts = sl_eth_qcnt_read(c, SL_QCNT_PKTS);
	uint64_t bytes = sl_eth_qcnt_read(c, SL_QCNT_BYTES);

	st->opackets += pkts;
	st->obytes += bytes;
	st->oerrors += sl_eth_qcnt_read(c, SL_QCNT_ERRORS);
	if (q < SL_ETHDEV_QUEUE_STAT_CNTRS) {
		st->q_opackets[q] += pkts;
		st->q_obytes[q] += bytes;
	}
}

static struct sl_eth_queue_counters *queue_counters(void *queue, size_t offset)
{
	return (struct sl_eth_queue_counters *)((char *)queue + offset);
}

void sl_eth_stats_add_queues(struct sl_eth_stats *st, const struct sl_eth_dev_data *d,
			     size_t rxq_cnt_offset, size_t txq_cnt_offset)
{
	for (uint16_t q = 0; q < d->nb_rx_queues; q++)
		if (d->rx_queues[q] != NULL)
			sl_eth_stats_add_rxq(st, q, queue_counters(d->rx_queues[q], rxq_cnt_offset));
	for (uint16_t q = 0; q < d->nb_tx_queues; q++)
		if (d->tx_queues[q] != NULL)
			sl_eth_stats_add_txq(st, q, queue_counters(d->tx_queues[q], txq_cnt_offset));
}

void sl_eth_stats_reset_queues(const struct sl_eth_dev_data *d,
			       size_t rxq_cnt_offset, size_t txq_cnt_offset)
{
	for (uint16_t q = 0; q < d->nb_rx_queues; q++)
		if (d->rx_queues[q] != NULL)
			sl_eth_qcnt_reset(queue_counters(d->rx_queues[q], rxq_cnt_offset));
	for (uint16_t q = 0; q < d->nb_tx_queues; q++)
		if (d->tx_queues[q] != NULL)
			sl_eth_qcnt_reset(queue_counters(d->tx_queues[q], txq_cnt_offset));
}
