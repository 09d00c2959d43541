/* SPDX-License-Identifier: BSD-3-Clause
 * Sluice ethdev: dev_info, configure and queue setup, where a port's
 * configuration is checked against what its driver reports before the
 * driver sees it. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sl_ethdev_driver.h"
#include "ethdev_private.h"

/* ---- dev_info ---------------------------------------------------------------- */

int ethdev_info_fill(struct sl_eth_dev *dev, struct sl_eth_dev_info *info)
{
	static const struct sl_eth_desc_lim lim_default = {
		.nb_max = UINT16_MAX, .nb_min = 0, .nb_align = 1,
	};
	int ret;

	memset(info, 0, sizeof(*info));
	info->driver_name = dev->data->driver_name;
	info->device_name = dev->data->name;
	info->min_mtu = SL_ETHER_MIN_MTU;
	info->max_mtu = SL_ETHER_MTU;
	info->max_rx_pktlen = SL_ETHER_MAX_FRAME;
	info->max_rx_queues = 1;
	info->max_tx_queues = 1;
	info->max_mac_addrs = 1;
	info->rx_desc_lim = lim_default;
	info->tx_desc_lim = lim_default;
	ret = dev->dev_ops->dev_infos_get(dev, info);
	if (ret < 0) {
		SL_LOG(ERR, ETHDEV, "port %u: driver %s failed to report its limits (%s)",
		       dev->data->port_id, dev->data->driver_name, strerror(-ret));
		return ret;
	}
	/* Fields ethdev owns, whatever the driver wrote. */
	info->driver_name = dev->data->driver_name;
	info->device_name = dev->data->name;
	info->nb_rx_queues = dev->data->nb_rx_queues;
	info->nb_tx_queues = dev->data->nb_tx_queues;
	if (info->max_rx_queues > SL_MAX_QUEUES_PER_PORT)
		info->max_rx_queues = SL_MAX_QUEUES_PER_PORT;
	if (info->max_tx_queues > SL_MAX_QUEUES_PER_PORT)
		info->max_tx_queues = SL_MAX_QUEUES_PER_PORT;
	if (info->rx_desc_lim.nb_align == 0)
		info->rx_desc_lim.nb_align = 1;
	if (info->tx_desc_lim.nb_align == 0)
		info->tx_desc_lim.nb_align = 1;
	return 0;
}

int sl_eth_dev_info_get(uint16_t port_id, struct sl_eth_dev_info *info)
{
	ETHDEV_PORT_OR_RETURN(dev, port_id);
	if (info == NULL) {
		SL_LOG(ERR, ETHDEV, "sl_eth_dev_info_get: port %u: info must not be NULL", port_id);
		return -EINVAL;
	}
	return ethdev_info_fill(dev, info);
}

/* ---- configure ------------------------------------------------------------------- */

static void rxq_release(struct sl_eth_dev *dev, uint16_t q)
{
	if (dev->data->rx_queues[q] == NULL)
		return;
	if (dev->dev_ops->rx_queue_release != NULL)
		dev->dev_ops->rx_queue_release(dev, q);
	dev->data->rx_queues[q] = NULL;
}

static void txq_release(struct sl_eth_dev *dev, uint16_t q)
{
	if (dev->data->tx_queues[q] == NULL)
		return;
	if (dev->dev_ops->tx_queue_release != NULL)
		dev->dev_ops->tx_queue_release(dev, q);
	dev->data->tx_queues[q] = NULL;
}

void ethdev_queues_release_all(struct sl_eth_dev *dev)
{
	struct sl_eth_dev_data *d = dev->data;

	ethdev_fp_park(d->port_id, 0, 0);
	for (uint16_t q = 0; q < d->nb_rx_queues; q++)
		rxq_release(dev, q);
	for (uint16_t q = 0; q < d->nb_tx_queues; q++)
		txq_release(dev, q);
	free(d->rx_queues);
	free(d->tx_queues);
	d->rx_queues = NULL;
	d->tx_queues = NULL;
	d->nb_rx_queues = 0;
	d->nb_tx_queues = 0;
	d->dev_configured = 0;
}

/* Resizes a queue array to nb entries (at least one, so it is never NULL
 * for a configured port), keeping the first min(old, nb) queues; the
 * caller has released the rest. */
static int queue_array_resize(void ***arr, uint16_t old_nb, uint16_t nb)
{
	size_t bytes = SL_ALIGN_CEIL((size_t)SL_MAX(nb, 1) * sizeof(void *), SL_CACHE_LINE_SIZE);
	void **n = aligned_alloc(SL_CACHE_LINE_SIZE, bytes);

	if (n == NULL)
		return -ENOMEM;
	memset(n, 0, bytes);
	if (*arr != NULL)
		memcpy(n, *arr, (size_t)SL_MIN(old_nb, nb) * sizeof(void *));
	free(*arr);
	*arr = n;
	return 0;
}

static int queue_counts_check(const struct sl_eth_dev *dev, const struct sl_eth_dev_info *info,
			      uint16_t nb_rxq, uint16_t nb_txq)
{
	uint16_t port_id = dev->data->port_id;

	if (nb_rxq == 0 && nb_txq == 0) {
		SL_LOG(ERR, ETHDEV, "port %u: configure needs at least one rx or tx queue", port_id);
		return -EINVAL;
	}
	if (nb_rxq > info->max_rx_queues) {
		SL_LOG(ERR, ETHDEV, "port %u: %u rx queues requested, driver %s has at most %u",
		       port_id, nb_rxq, dev->data->driver_name, info->max_rx_queues);
		return -EINVAL;
	}
	if (nb_txq > info->max_tx_queues) {
		SL_LOG(ERR, ETHDEV, "port %u: %u tx queues requested, driver %s has at most %u",
		       port_id, nb_txq, dev->data->driver_name, info->max_tx_queues);
		return -EINVAL;
	}
	return 0;
}

/* what: "rx offloads", "tx offloads", "RSS hash types". */
static int capa_check(const struct sl_eth_dev *dev, const char *what, uint64_t requested,
		      uint64_t capa)
{
	uint64_t bad = requested & ~capa;

	if (bad == 0)
		return 0;
	SL_LOG(ERR, ETHDEV, "port %u: %s 0x%" PRIx64 " not supported by driver %s (supported: 0x%" PRIx64 ")",
	       dev->data->port_id, what, bad, dev->data->driver_name, capa);
	return -EINVAL;
}

static int rss_check(const struct sl_eth_dev *dev, const struct sl_eth_dev_info *info,
		     const struct sl_eth_rss_conf *rss)
{
	if (capa_check(dev, "RSS hash types", rss->rss_hf, info->flow_type_rss_offloads) < 0)
		return -EINVAL;
	if (rss->rss_key != NULL && info->hash_key_size != 0 &&
	    rss->rss_key_len != info->hash_key_size) {
		SL_LOG(ERR, ETHDEV, "port %u: RSS key of %u bytes, driver %s needs %u",
		       dev->data->port_id, rss->rss_key_len, dev->data->driver_name,
		       info->hash_key_size);
		return -EINVAL;
	}
	return 0;
}

/* conf with its MTU filled in, checked against what the driver reports. */
static int intr_conf_check(const struct sl_eth_dev *dev, const struct sl_eth_dev_info *info,
			   const struct sl_eth_conf *conf)
{
	uint16_t port_id = dev->data->port_id;

	if (conf->intr_conf.lsc && !(info->intr_capa & SL_ETH_INTR_LSC)) {
		SL_LOG(ERR, ETHDEV, "port %u (%s) has no link change interrupt: set intr_conf.lsc = 0 "
				    "and poll the link (sl_eth_link_get_nowait)",
		       port_id, dev->data->driver_name);
		return -ENOTSUP;
	}
	if (conf->intr_conf.rxq && !(info->intr_capa & SL_ETH_INTR_RXQ)) {
		SL_LOG(ERR, ETHDEV, "port %u (%s) has no RX queue interrupts: set intr_conf.rxq = 0 "
				    "and poll it",
		       port_id, dev->data->driver_name);
		return -ENOTSUP;
	}
	return 0;
}

static int conf_check(const struct sl_eth_dev *dev, const struct sl_eth_dev_info *info,
		      struct sl_eth_conf *conf)
{
	uint16_t port_id = dev->data->port_id;

	if (conf->rxmode.mtu == 0)
		conf->rxmode.mtu = SL_MIN((uint32_t)SL_ETHER_MTU, (uint32_t)info->max_mtu);
	if (conf->rxmode.mtu < info->min_mtu || conf->rxmode.mtu > info->max_mtu) {
		SL_LOG(ERR, ETHDEV, "port %u: MTU %u outside what driver %s takes (%u..%u)", port_id,
		       conf->rxmode.mtu, dev->data->driver_name, info->min_mtu, info->max_mtu);
		return -EINVAL;
	}
	if (capa_check(dev, "rx offloads", conf->rxmode.offloads, info->rx_offload_capa) < 0 ||
	    capa_check(dev, "tx offloads", conf->txmode.offloads, info->tx_offload_capa) < 0)
		return -EINVAL;
	if (conf->rxmode.mq_mode != SL_ETH_MQ_RX_NONE && conf->rxmode.mq_mode != SL_ETH_MQ_RX_RSS) {
		SL_LOG(ERR, ETHDEV, "port %u: unknown rxmode.mq_mode %d (SL_ETH_MQ_RX_NONE or _RSS)",
		       port_id, (int)conf->rxmode.mq_mode);
		return -EINVAL;
	}
	if (conf->rxmode.mq_mode == SL_ETH_MQ_RX_RSS &&
	    rss_check(dev, info, &conf->rx_adv_conf.rss_conf) < 0)
		return -EINVAL;
	if (conf->txmode.mq_mode != SL_ETH_MQ_TX_NONE) {
		SL_LOG(ERR, ETHDEV, "port %u: unknown txmode.mq_mode %d (SL_ETH_MQ_TX_NONE)", port_id,
		       (int)conf->txmode.mq_mode);
		return -EINVAL;
	}
	return intr_conf_check(dev, info, conf);
}

int sl_eth_dev_configure(uint16_t port_id, uint16_t nb_rxq, uint16_t nb_txq,
			 const struct sl_eth_conf *user_conf)
{
	struct sl_eth_conf conf = { 0 };
	struct sl_eth_dev_info info;
	struct sl_eth_dev_data *d;
	int ret;

	ETHDEV_PORT_OR_RETURN(dev, port_id);
	d = dev->data;
	if (d->dev_started) {
		SL_LOG(ERR, ETHDEV, "port %u: cannot configure a started port; " ETHDEV_STARTED_HINT,
		       port_id);
		return -EINVAL;
	}
	if (user_conf != NULL)
		conf = *user_conf;
	ret = ethdev_info_fill(dev, &info);
	if (ret == 0)
		ret = queue_counts_check(dev, &info, nb_rxq, nb_txq);
	if (ret == 0)
		ret = conf_check(dev, &info, &conf);
	if (ret < 0)
		return ret;

	/* Queues the new counts no longer cover go first: after this the
	 * arrays can be resized without losing a live queue. */
	ethdev_fp_park(port_id, 0, 0);
	for (uint16_t q = nb_rxq; q < d->nb_rx_queues; q++)
		rxq_release(dev, q);
	for (uint16_t q = nb_txq; q < d->nb_tx_queues; q++)
		txq_release(dev, q);
	if (queue_array_resize(&d->rx_queues, d->nb_rx_queues, nb_rxq) < 0 ||
	    queue_array_resize(&d->tx_queues, d->nb_tx_queues, nb_txq) < 0) {
		SL_LOG(ERR, ETHDEV, "port %u: out of memory for the queue tables", port_id);
		ret = -ENOMEM;
		goto fail;
	}
	d->nb_rx_queues = nb_rxq;
	d->nb_tx_queues = nb_txq;
	d->dev_conf = conf;
	d->mtu = (uint16_t)conf.rxmode.mtu;
	ret = dev->dev_ops->dev_configure != NULL ? dev->dev_ops->dev_configure(dev) : 0;
	if (ret < 0) {
		SL_LOG(ERR, ETHDEV, "port %u: driver %s refused the configuration (%s)", port_id,
		       d->driver_name, strerror(-ret));
		goto fail;
	}
	d->dev_configured = 1;
	ethdev_fp_park(port_id, nb_rxq, nb_txq);
	return 0;
fail:
	ethdev_queues_release_all(dev);
	return ret;
}

int sl_eth_dev_conf_get(uint16_t port_id, struct sl_eth_conf *conf)
{
	ETHDEV_PORT_OR_RETURN(dev, port_id);
	if (conf == NULL) {
		SL_LOG(ERR, ETHDEV, "sl_eth_dev_conf_get: port %u: conf must not be NULL", port_id);
		return -EINVAL;
	}
	*conf = dev->data->dev_conf;
	return 0;
}

/* ---- queue setup ----------------------------------------------------------------- */

/* nb_desc within lim (0: the driver's suggestion or 512, fitted into lim). */
static int desc_check(struct sl_eth_dev *dev, const char *dir, uint16_t q, uint16_t *nb_desc,
		      const struct sl_eth_desc_lim *lim, uint16_t suggested)
{
	uint16_t port_id = dev->data->port_id;
	uint32_t n = *nb_desc;

	if (n == 0) {
		n = suggested ? suggested : 512;
		n = SL_MAX(n, (uint32_t)lim->nb_min);
		n = SL_MIN(n, (uint32_t)lim->nb_max);
		n = (n + lim->nb_align - 1) / lim->nb_align * lim->nb_align;
		if (n > lim->nb_max)
			n -= lim->nb_align;
		*nb_desc = (uint16_t)n;
		return 0;
	}
	if (n < lim->nb_min || n > lim->nb_max || n % lim->nb_align != 0) {
		char align[32] = "";

		if (lim->nb_align > 1)
			snprintf(align, sizeof(align), ", a multiple of %u", lim->nb_align);
		SL_LOG(ERR, ETHDEV, "port %u: %s queue %u: %u descriptors not accepted by driver %s (%u..%u%s)",
		       port_id, dir, q, n, dev->data->driver_name, lim->nb_min, lim->nb_max, align);
		return -EINVAL;
	}
	return 0;
}

static int queue_setup_precheck(struct sl_eth_dev *dev, const char *dir, uint16_t q,
				uint16_t nb_configured)
{
	uint16_t port_id = dev->data->port_id;

	if (!dev->data->dev_configured) {
		SL_LOG(ERR, ETHDEV, "port %u: call sl_eth_dev_configure before setting up %s queue %u",
		       port_id, dir, q);
		return -EINVAL;
	}
	if (dev->data->dev_started) {
		SL_LOG(ERR, ETHDEV, "port %u: cannot set up %s queue %u of a started port; %s",
		       port_id, dir, q, ETHDEV_STARTED_HINT);
		return -EINVAL;
	}
	if (q >= nb_configured) {
		SL_LOG(ERR, ETHDEV, "port %u: %s queue %u out of range (configured %u)", port_id, dir,
		       q, nb_configured);
		return -EINVAL;
	}
	return 0;
}

/* mp: a pktmbuf pool whose mbufs hold at least min_rx_bufsize data bytes. */
static int rx_pool_check(const struct sl_eth_dev *dev, uint16_t q, struct sl_mempool *mp,
			 uint32_t min_rx_bufsize)
{
	uint16_t port_id = dev->data->port_id;
	uint32_t room, data_room;

	if (mp == NULL) {
		SL_LOG(ERR, ETHDEV, "port %u: rx queue %u needs a mempool (sl_pktmbuf_pool_create)",
		       port_id, q);
		return -EINVAL;
	}
	/* A pktmbuf pool carries struct sl_pktmbuf_pool_priv; a bare
	 * sl_mempool_create pool has no data room to check. */
	if (mp->priv_size < sizeof(struct sl_pktmbuf_pool_priv)) {
		SL_LOG(ERR, ETHDEV, "port %u: rx queue %u: mempool '%s' is not a packet pool; create it with sl_pktmbuf_pool_create",
		       port_id, q, mp->name);
		return -EINVAL;
	}
	room = sl_pktmbuf_data_room_size(mp);
	data_room = room > SL_PKTMBUF_HEADROOM ? room - SL_PKTMBUF_HEADROOM : 0;
	if (data_room < min_rx_bufsize || data_room == 0) {
		SL_LOG(ERR, ETHDEV, "port %u: rx queue %u: mbufs of pool '%s' hold %u data bytes after the %u-byte headroom, driver %s needs %u; use a data_room_size of at least %u",
		       port_id, q, mp->name, data_room, SL_PKTMBUF_HEADROOM, dev->data->driver_name,
		       min_rx_bufsize, SL_MAX(min_rx_bufsize, 1u) + SL_PKTMBUF_HEADROOM);
		return -EINVAL;
	}
	return 0;
}

/* Per-queue offloads beyond the port's: only what the driver can vary per
 * queue. dir "rx"/"tx". */
static int queue_offloads_check(const struct sl_eth_dev *dev, const char *dir, uint16_t q,
				uint64_t requested, uint64_t port_wide, uint64_t queue_capa)
{
	uint64_t bad = requested & ~port_wide & ~queue_capa;

	if (bad == 0)
		return 0;
	SL_LOG(ERR, ETHDEV, "port %u: %s queue %u: per-queue offloads 0x%" PRIx64 " not supported by driver %s (per-queue: 0x%" PRIx64 "; port-wide ones go in sl_eth_conf.%smode.offloads)",
	       dev->data->port_id, dir, q, bad, dev->data->driver_name, queue_capa, dir);
	return -EINVAL;
}

static int deferred_start_check(const struct sl_eth_dev *dev, const char *dir, uint16_t q,
				uint8_t deferred)
{
	if (!deferred)
		return 0;
	/* No driver can leave a queue stopped while its port runs. */
	SL_LOG(ERR, ETHDEV, "port %u: %s queue %u: deferred start is not supported; set %s_deferred_start to 0",
	       dev->data->port_id, dir, q, dir);
	return -EINVAL;
}

/* A ring threshold the driver uses, which it says by reporting a default
 * for it in dev_info (drivers without rings report 0 and get the value
 * untouched). 0 asks for that default, capped to a quarter of the ring so
 * that small rings work; the value must then be 1..max. */
static int thresh_fill(const struct sl_eth_dev *dev, const char *dir, uint16_t q,
		       const char *name, uint16_t *val, uint16_t dflt, uint16_t nb_desc,
		       uint16_t max)
{
	if (dflt == 0)
		return 0;
	if (*val == 0)
		*val = SL_MIN(dflt, (uint16_t)(nb_desc / 4));
	if (*val >= 1 && *val <= max)
		return 0;
	SL_LOG(ERR, ETHDEV, "port %u: %s queue %u: %s %u out of range for a ring of %u descriptors: use 1..%u (0: driver %s's default)",
	       dev->data->port_id, dir, q, name, *val, nb_desc, max, dev->data->driver_name);
	return -EINVAL;
}

/* After the driver's setup op returned 0. */
static int queue_object_check(const struct sl_eth_dev *dev, const char *dir, uint16_t q,
			      const void *queue)
{
	if (queue != NULL)
		return 0;
	SL_LOG(ERR, ETHDEV, "port %u: driver %s set up %s queue %u without a queue object (driver bug)",
	       dev->data->port_id, dev->data->driver_name, dir, q);
	return -EIO;
}

static int rxconf_fill(const struct sl_eth_dev *dev, uint16_t q, uint16_t nb_desc,
		       const struct sl_eth_dev_info *info, const struct sl_eth_rxconf *user_conf,
		       struct sl_eth_rxconf *conf)
{
	uint64_t port_wide = dev->data->dev_conf.rxmode.offloads;
	int ret;

	*conf = user_conf != NULL ? *user_conf : info->default_rxconf;
	/* NULL conf: the driver's defaults, fitted to this ring */
	if (user_conf == NULL)
		conf->rx_free_thresh = 0;
	ret = deferred_start_check(dev, "rx", q, conf->rx_deferred_start);
	if (ret == 0)
		ret = queue_offloads_check(dev, "rx", q, conf->offloads, port_wide,
					   info->rx_queue_offload_capa);
	if (ret == 0)
		ret = thresh_fill(dev, "rx", q, "rx_free_thresh", &conf->rx_free_thresh,
				  info->default_rxconf.rx_free_thresh, nb_desc, nb_desc - 1);
	conf->offloads |= port_wide;
	return ret;
}

static int txconf_fill(const struct sl_eth_dev *dev, uint16_t q, uint16_t nb_desc,
		       const struct sl_eth_dev_info *info, const struct sl_eth_txconf *user_conf,
		       struct sl_eth_txconf *conf)
{
	uint64_t port_wide = dev->data->dev_conf.txmode.offloads;
	int ret;

	*conf = user_conf != NULL ? *user_conf : info->default_txconf;
	if (user_conf == NULL)
		conf->tx_free_thresh = conf->tx_rs_thresh = 0;
	ret = deferred_start_check(dev, "tx", q, conf->tx_deferred_start);
	if (ret == 0)
		ret = queue_offloads_check(dev, "tx", q, conf->offloads, port_wide,
					   info->tx_queue_offload_capa);
	if (ret == 0)
		ret = thresh_fill(dev, "tx", q, "tx_free_thresh", &conf->tx_free_thresh,
				  info->default_txconf.tx_free_thresh, nb_desc, nb_desc - 1);
	/* A completion report at least every quarter ring: see drivers/net/e1000/e1000_tx.c,
	 * a packet always finds room once the device caught up. */
	if (ret == 0)
		ret = thresh_fill(dev, "tx", q, "tx_rs_thresh", &conf->tx_rs_thresh,
				  info->default_txconf.tx_rs_thresh, nb_desc, nb_desc / 4);
	conf->offloads |= port_wide;
	return ret;
}

int sl_eth_rx_queue_setup(uint16_t port_id, uint16_t q, uint16_t nb_desc, int socket,
			  const struct sl_eth_rxconf *user_conf, struct sl_mempool *mp)
{
	struct sl_eth_dev_info info;
	struct sl_eth_rxconf conf;
	struct sl_eth_dev_data *d;
	int ret;

	ETHDEV_PORT_OR_RETURN(dev, port_id);
	d = dev->data;
	ret = queue_setup_precheck(dev, "rx", q, d->nb_rx_queues);
	if (ret < 0)
		return ret;
	if (dev->dev_ops->rx_queue_setup == NULL) {
		SL_LOG(ERR, ETHDEV, "port %u: driver %s has no rx queues", port_id, d->driver_name);
		return -ENOTSUP;
	}
	ret = ethdev_info_fill(dev, &info);
	if (ret == 0)
		ret = rx_pool_check(dev, q, mp, info.min_rx_bufsize);
	if (ret == 0)
		ret = desc_check(dev, "rx", q, &nb_desc, &info.rx_desc_lim,
				 info.default_rxportconf.ring_size);
	if (ret == 0)
		ret = rxconf_fill(dev, q, nb_desc, &info, user_conf, &conf);
	if (ret < 0)
		return ret;
	if (socket == SL_SOCKET_ID_ANY)
		socket = d->socket_id;
	rxq_release(dev, q);
	ret = dev->dev_ops->rx_queue_setup(dev, q, nb_desc, socket, &conf, mp);
	return ret < 0 ? ret : queue_object_check(dev, "rx", q, d->rx_queues[q]);
}

int sl_eth_tx_queue_setup(uint16_t port_id, uint16_t q, uint16_t nb_desc, int socket,
			  const struct sl_eth_txconf *user_conf)
{
	struct sl_eth_dev_info info;
	struct sl_eth_txconf conf;
	struct sl_eth_dev_data *d;
	int ret;

	ETHDEV_PORT_OR_RETURN(dev, port_id);
	d = dev->data;
	ret = queue_setup_precheck(dev, "tx", q, d->nb_tx_queues);
	if (ret < 0)
		return ret;
	if (dev->dev_ops->tx_queue_setup == NULL) {
		SL_LOG(ERR, ETHDEV, "port %u: driver %s has no tx queues", port_id, d->driver_name);
		return -ENOTSUP;
	}
	ret = ethdev_info_fill(dev, &info);
	if (ret == 0)
		ret = desc_check(dev, "tx", q, &nb_desc, &info.tx_desc_lim,
				 info.default_txportconf.ring_size);
	if (ret == 0)
		ret = txconf_fill(dev, q, nb_desc, &info, user_conf, &conf);
	if (ret < 0)
		return ret;
	if (socket == SL_SOCKET_ID_ANY)
		socket = d->socket_id;
	txq_release(dev, q);
	ret = dev->dev_ops->tx_queue_setup(dev, q, nb_desc, socket, &conf);
	return ret < 0 ? ret : queue_object_check(dev, "tx", q, d->tx_queues[q]);
}
