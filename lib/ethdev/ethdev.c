/* SPDX-License-Identifier: BSD-3-Clause
 * Sluice ethdev: port table, state machine and argument checks. Every
 * check a user can fail happens here, before the driver's op runs, so the
 * drivers stay short and the messages stay uniform. */
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

static void fp_publish(struct sl_eth_dev *dev)
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

static void fp_stop(uint16_t port_id)
{
	struct sl_eth_fp_ops *fp = &sl_eth_fp_ops[port_id];

	__atomic_store_n(&fp->rx_burst, sl_eth_dummy_rx_burst, __ATOMIC_RELEASE);
	__atomic_store_n(&fp->tx_burst, sl_eth_dummy_tx_burst, __ATOMIC_RELEASE);
	__atomic_store_n(&fp->tx_prepare, NULL, __ATOMIC_RELEASE);
}

/* Before the queue arrays are freed or replaced (port stopped). */
static void fp_park(uint16_t port_id, uint16_t nb_rxq, uint16_t nb_txq)
{
	struct sl_eth_fp_ops *fp = &sl_eth_fp_ops[port_id];

	fp_stop(port_id);
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

/* The attached port, or NULL after a log line naming the ports that exist. */
static struct sl_eth_dev *port_lookup(uint16_t port_id, const char *func)
{
	char list[128];

	if (sl_likely(port_id < SL_MAX_ETHPORTS && eth_devs[port_id].state == SL_ETH_DEV_ATTACHED))
		return &eth_devs[port_id];
	SL_LOG(ERR, ETHDEV, "%s: no port %u (existing ports: %s); ports come from -a and --vdev",
	       func, port_id, ports_list(list, sizeof(list)));
	return NULL;
}

#define PORT_OR_RETURN(dev, port_id)                         \
	struct sl_eth_dev *dev = port_lookup(port_id, __func__); \
	if (dev == NULL)                                         \
		return -ENODEV

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
	PORT_OR_RETURN(dev, port_id);
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
	fp_park(p, 0, 0);
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
	fp_park(p, 0, 0);
	free(dev->data->rx_queues);
	free(dev->data->tx_queues);
	memset(&eth_dev_data[p], 0, sizeof(eth_dev_data[p]));
	memset(dev, 0, sizeof(*dev));
	return 0;
}

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

/* ---- dev_info ---------------------------------------------------------------- */

static int dev_info_fill(struct sl_eth_dev *dev, struct sl_eth_dev_info *info)
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
	PORT_OR_RETURN(dev, port_id);
	if (info == NULL) {
		SL_LOG(ERR, ETHDEV, "sl_eth_dev_info_get: port %u: info must not be NULL", port_id);
		return -EINVAL;
	}
	return dev_info_fill(dev, info);
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

static void queues_release_all(struct sl_eth_dev *dev)
{
	struct sl_eth_dev_data *d = dev->data;

	fp_park(d->port_id, 0, 0);
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

static const char *started_hint(void)
{
	return "stop it first (sl_eth_dev_stop)";
}

int sl_eth_dev_configure(uint16_t port_id, uint16_t nb_rxq, uint16_t nb_txq,
			 const struct sl_eth_conf *user_conf)
{
	struct sl_eth_dev_info info;
	struct sl_eth_conf conf;
	struct sl_eth_dev_data *d;
	uint64_t bad;
	int ret;

	PORT_OR_RETURN(dev, port_id);
	d = dev->data;
	if (d->dev_started) {
		SL_LOG(ERR, ETHDEV, "port %u: cannot configure a started port; %s", port_id,
		       started_hint());
		return -EINVAL;
	}
	ret = dev_info_fill(dev, &info);
	if (ret < 0)
		return ret;
	if (nb_rxq == 0 && nb_txq == 0) {
		SL_LOG(ERR, ETHDEV, "port %u: configure needs at least one rx or tx queue", port_id);
		return -EINVAL;
	}
	if (nb_rxq > info.max_rx_queues) {
		SL_LOG(ERR, ETHDEV, "port %u: %u rx queues requested, driver %s has at most %u",
		       port_id, nb_rxq, d->driver_name, info.max_rx_queues);
		return -EINVAL;
	}
	if (nb_txq > info.max_tx_queues) {
		SL_LOG(ERR, ETHDEV, "port %u: %u tx queues requested, driver %s has at most %u",
		       port_id, nb_txq, d->driver_name, info.max_tx_queues);
		return -EINVAL;
	}
	if (user_conf != NULL)
		conf = *user_conf;
	else
		memset(&conf, 0, sizeof(conf));
	if (conf.rxmode.mtu == 0)
		conf.rxmode.mtu = SL_MIN((uint32_t)SL_ETHER_MTU, (uint32_t)info.max_mtu);
	if (conf.rxmode.mtu < info.min_mtu || conf.rxmode.mtu > info.max_mtu) {
		SL_LOG(ERR, ETHDEV, "port %u: MTU %u outside what driver %s takes (%u..%u)", port_id,
		       conf.rxmode.mtu, d->driver_name, info.min_mtu, info.max_mtu);
		return -EINVAL;
	}
	bad = conf.rxmode.offloads & ~info.rx_offload_capa;
	if (bad) {
		SL_LOG(ERR, ETHDEV, "port %u: rx offloads 0x%" PRIx64 " not supported by driver %s (supported: 0x%" PRIx64 ")",
		       port_id, bad, d->driver_name, info.rx_offload_capa);
		return -EINVAL;
	}
	bad = conf.txmode.offloads & ~info.tx_offload_capa;
	if (bad) {
		SL_LOG(ERR, ETHDEV, "port %u: tx offloads 0x%" PRIx64 " not supported by driver %s (supported: 0x%" PRIx64 ")",
		       port_id, bad, d->driver_name, info.tx_offload_capa);
		return -EINVAL;
	}
	if (conf.rxmode.mq_mode != SL_ETH_MQ_RX_NONE && conf.rxmode.mq_mode != SL_ETH_MQ_RX_RSS) {
		SL_LOG(ERR, ETHDEV, "port %u: unknown rxmode.mq_mode %d (SL_ETH_MQ_RX_NONE or _RSS)",
		       port_id, (int)conf.rxmode.mq_mode);
		return -EINVAL;
	}
	if (conf.rxmode.mq_mode == SL_ETH_MQ_RX_RSS) {
		bad = conf.rx_adv_conf.rss_conf.rss_hf & ~info.flow_type_rss_offloads;
		if (bad) {
			SL_LOG(ERR, ETHDEV, "port %u: RSS hash types 0x%" PRIx64 " not supported by driver %s (supported: 0x%" PRIx64 ")",
			       port_id, bad, d->driver_name, info.flow_type_rss_offloads);
			return -EINVAL;
		}
		if (conf.rx_adv_conf.rss_conf.rss_key != NULL && info.hash_key_size != 0 &&
		    conf.rx_adv_conf.rss_conf.rss_key_len != info.hash_key_size) {
			SL_LOG(ERR, ETHDEV, "port %u: RSS key of %u bytes, driver %s needs %u", port_id,
			       conf.rx_adv_conf.rss_conf.rss_key_len, d->driver_name,
			       info.hash_key_size);
			return -EINVAL;
		}
	}
	if (conf.txmode.mq_mode != SL_ETH_MQ_TX_NONE) {
		SL_LOG(ERR, ETHDEV, "port %u: unknown txmode.mq_mode %d (SL_ETH_MQ_TX_NONE)", port_id,
		       (int)conf.txmode.mq_mode);
		return -EINVAL;
	}

	/* Queues the new counts no longer cover go first: after this the
	 * arrays can be resized without losing a live queue. */
	fp_park(port_id, 0, 0);
	for (uint16_t q = nb_rxq; q < d->nb_rx_queues; q++)
		rxq_release(dev, q);
	for (uint16_t q = nb_txq; q < d->nb_tx_queues; q++)
		txq_release(dev, q);
	if (queue_array_resize(&d->rx_queues, d->nb_rx_queues, nb_rxq) < 0 ||
	    queue_array_resize(&d->tx_queues, d->nb_tx_queues, nb_txq) < 0) {
		SL_LOG(ERR, ETHDEV, "port %u: out of memory for the queue tables", port_id);
		queues_release_all(dev);
		return -ENOMEM;
	}
	d->nb_rx_queues = nb_rxq;
	d->nb_tx_queues = nb_txq;
	d->dev_conf = conf;
	d->mtu = (uint16_t)conf.rxmode.mtu;
	ret = dev->dev_ops->dev_configure(dev);
	if (ret < 0) {
		SL_LOG(ERR, ETHDEV, "port %u: driver %s refused the configuration (%s)", port_id,
		       d->driver_name, strerror(-ret));
		queues_release_all(dev);
		return ret;
	}
	d->dev_configured = 1;
	fp_park(port_id, nb_rxq, nb_txq);
	return 0;
}

int sl_eth_dev_conf_get(uint16_t port_id, struct sl_eth_conf *conf)
{
	PORT_OR_RETURN(dev, port_id);
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
		       port_id, dir, q, started_hint());
		return -EINVAL;
	}
	if (q >= nb_configured) {
		SL_LOG(ERR, ETHDEV, "port %u: %s queue %u out of range (configured %u)", port_id, dir,
		       q, nb_configured);
		return -EINVAL;
	}
	return 0;
}

int sl_eth_rx_queue_setup(uint16_t port_id, uint16_t q, uint16_t nb_desc, int socket,
			  const struct sl_eth_rxconf *user_conf, struct sl_mempool *mp)
{
	struct sl_eth_dev_info info;
	struct sl_eth_rxconf conf;
	struct sl_eth_dev_data *d;
	uint64_t extra;
	int ret;

	PORT_OR_RETURN(dev, port_id);
	d = dev->data;
	ret = queue_setup_precheck(dev, "rx", q, d->nb_rx_queues);
	if (ret < 0)
		return ret;
	if (dev->dev_ops->rx_queue_setup == NULL) {
		SL_LOG(ERR, ETHDEV, "port %u: driver %s has no rx queues", port_id, d->driver_name);
		return -ENOTSUP;
	}
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
	ret = dev_info_fill(dev, &info);
	if (ret < 0)
		return ret;
	{
		uint32_t room = sl_pktmbuf_data_room_size(mp);
		uint32_t data_room = room > SL_PKTMBUF_HEADROOM ? room - SL_PKTMBUF_HEADROOM : 0;

		if (data_room < info.min_rx_bufsize || data_room == 0) {
			SL_LOG(ERR, ETHDEV, "port %u: rx queue %u: mbufs of pool '%s' hold %u data bytes after the %u-byte headroom, driver %s needs %u; use a data_room_size of at least %u",
			       port_id, q, mp->name, data_room, SL_PKTMBUF_HEADROOM, d->driver_name,
			       info.min_rx_bufsize,
			       SL_MAX(info.min_rx_bufsize, 1u) + SL_PKTMBUF_HEADROOM);
			return -EINVAL;
		}
	}
	ret = desc_check(dev, "rx", q, &nb_desc, &info.rx_desc_lim, info.default_rxportconf.ring_size);
	if (ret < 0)
		return ret;
	conf = user_conf != NULL ? *user_conf : info.default_rxconf;
	if (conf.rx_deferred_start) {
		SL_LOG(ERR, ETHDEV, "port %u: rx queue %u: deferred start is not supported; set rx_deferred_start to 0",
		       port_id, q);
		return -EINVAL;
	}
	extra = conf.offloads & ~d->dev_conf.rxmode.offloads;
	if (extra & ~info.rx_queue_offload_capa) {
		SL_LOG(ERR, ETHDEV, "port %u: rx queue %u: per-queue offloads 0x%" PRIx64 " not supported by driver %s (per-queue: 0x%" PRIx64 "; port-wide ones go in sl_eth_conf.rxmode.offloads)",
		       port_id, q, extra & ~info.rx_queue_offload_capa, d->driver_name,
		       info.rx_queue_offload_capa);
		return -EINVAL;
	}
	conf.offloads |= d->dev_conf.rxmode.offloads;
	if (socket == SL_SOCKET_ID_ANY)
		socket = d->socket_id;
	rxq_release(dev, q);
	ret = dev->dev_ops->rx_queue_setup(dev, q, nb_desc, socket, &conf, mp);
	if (ret < 0)
		return ret;
	if (d->rx_queues[q] == NULL) {
		SL_LOG(ERR, ETHDEV, "port %u: driver %s set up rx queue %u without a queue object (driver bug)",
		       port_id, d->driver_name, q);
		return -EIO;
	}
	return 0;
}

int sl_eth_tx_queue_setup(uint16_t port_id, uint16_t q, uint16_t nb_desc, int socket,
			  const struct sl_eth_txconf *user_conf)
{
	struct sl_eth_dev_info info;
	struct sl_eth_txconf conf;
	struct sl_eth_dev_data *d;
	uint64_t extra;
	int ret;

	PORT_OR_RETURN(dev, port_id);
	d = dev->data;
	ret = queue_setup_precheck(dev, "tx", q, d->nb_tx_queues);
	if (ret < 0)
		return ret;
	if (dev->dev_ops->tx_queue_setup == NULL) {
		SL_LOG(ERR, ETHDEV, "port %u: driver %s has no tx queues", port_id, d->driver_name);
		return -ENOTSUP;
	}
	ret = dev_info_fill(dev, &info);
	if (ret < 0)
		return ret;
	ret = desc_check(dev, "tx", q, &nb_desc, &info.tx_desc_lim, info.default_txportconf.ring_size);
	if (ret < 0)
		return ret;
	conf = user_conf != NULL ? *user_conf : info.default_txconf;
	if (conf.tx_deferred_start) {
		SL_LOG(ERR, ETHDEV, "port %u: tx queue %u: deferred start is not supported; set tx_deferred_start to 0",
		       port_id, q);
		return -EINVAL;
	}
	extra = conf.offloads & ~d->dev_conf.txmode.offloads;
	if (extra & ~info.tx_queue_offload_capa) {
		SL_LOG(ERR, ETHDEV, "port %u: tx queue %u: per-queue offloads 0x%" PRIx64 " not supported by driver %s (per-queue: 0x%" PRIx64 "; port-wide ones go in sl_eth_conf.txmode.offloads)",
		       port_id, q, extra & ~info.tx_queue_offload_capa, d->driver_name,
		       info.tx_queue_offload_capa);
		return -EINVAL;
	}
	conf.offloads |= d->dev_conf.txmode.offloads;
	if (socket == SL_SOCKET_ID_ANY)
		socket = d->socket_id;
	txq_release(dev, q);
	ret = dev->dev_ops->tx_queue_setup(dev, q, nb_desc, socket, &conf);
	if (ret < 0)
		return ret;
	if (d->tx_queues[q] == NULL) {
		SL_LOG(ERR, ETHDEV, "port %u: driver %s set up tx queue %u without a queue object (driver bug)",
		       port_id, d->driver_name, q);
		return -EIO;
	}
	return 0;
}

/* ---- start / stop / close ---------------------------------------------------------- */

int sl_eth_dev_start(uint16_t port_id)
{
	struct sl_eth_dev_data *d;
	int ret;

	PORT_OR_RETURN(dev, port_id);
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
	ret = dev->dev_ops->dev_start(dev);
	if (ret < 0) {
		SL_LOG(ERR, ETHDEV, "port %u: driver %s failed to start (%s)", port_id, d->driver_name,
		       strerror(-ret));
		return ret;
	}
	d->dev_started = 1;
	fp_publish(dev);
	return 0;
}

int sl_eth_dev_stop(uint16_t port_id)
{
	int ret;

	PORT_OR_RETURN(dev, port_id);
	if (!dev->data->dev_started) {
		SL_LOG(INFO, ETHDEV, "port %u: already stopped", port_id);
		return 0;
	}
	fp_stop(port_id);
	dev->data->dev_started = 0;
	ret = dev->dev_ops->dev_stop(dev);
	if (ret < 0)
		SL_LOG(ERR, ETHDEV, "port %u: driver %s failed to stop cleanly (%s)", port_id,
		       dev->data->driver_name, strerror(-ret));
	return ret;
}

int sl_eth_dev_is_started(uint16_t port_id)
{
	if (!sl_eth_dev_is_valid_port(port_id))
		return -ENODEV;
	return eth_dev_data[port_id].dev_started;
}

int sl_eth_dev_close(uint16_t port_id)
{
	int ret;

	PORT_OR_RETURN(dev, port_id);
	if (dev->data->dev_started) {
		SL_LOG(ERR, ETHDEV, "port %u: cannot close a started port; %s", port_id,
		       started_hint());
		return -EINVAL;
	}
	queues_release_all(dev);
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

	PORT_OR_RETURN(dev, port_id);
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
	queues_release_all(dev);
	ret = dev->dev_ops->dev_reset(dev);
	if (ret < 0)
		SL_LOG(ERR, ETHDEV, "port %u: driver %s failed to reset the device (%s)", port_id,
		       dev->data->driver_name, strerror(-ret));
	return ret;
}

/* ---- link ----------------------------------------------------------------------- */

int sl_eth_dev_set_link_up(uint16_t port_id)
{
	PORT_OR_RETURN(dev, port_id);
	if (dev->dev_ops->dev_set_link_up == NULL) {
		SL_LOG(ERR, ETHDEV, "port %u: driver %s cannot set the link up", port_id,
		       dev->data->driver_name);
		return -ENOTSUP;
	}
	return dev->dev_ops->dev_set_link_up(dev);
}

int sl_eth_dev_set_link_down(uint16_t port_id)
{
	PORT_OR_RETURN(dev, port_id);
	if (dev->dev_ops->dev_set_link_down == NULL) {
		SL_LOG(ERR, ETHDEV, "port %u: driver %s cannot set the link down", port_id,
		       dev->data->driver_name);
		return -ENOTSUP;
	}
	return dev->dev_ops->dev_set_link_down(dev);
}

static int link_get(uint16_t port_id, struct sl_eth_link *link, int wait, const char *func)
{
	struct sl_eth_dev *dev = port_lookup(port_id, func);
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
	PORT_OR_RETURN(dev, port_id);
	if (stats == NULL) {
		SL_LOG(ERR, ETHDEV, "sl_eth_stats_get: port %u: stats must not be NULL", port_id);
		return -EINVAL;
	}
	memset(stats, 0, sizeof(*stats));
	return dev->dev_ops->stats_get(dev, stats);
}

int sl_eth_stats_reset(uint16_t port_id)
{
	PORT_OR_RETURN(dev, port_id);
	return dev->dev_ops->stats_reset(dev);
}

/* ---- MAC / MTU / rx modes ---------------------------------------------------------- */

int sl_eth_macaddr_get(uint16_t port_id, struct sl_ether_addr *mac)
{
	PORT_OR_RETURN(dev, port_id);
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

	PORT_OR_RETURN(dev, port_id);
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

	PORT_OR_RETURN(dev, port_id);
	ret = dev_info_fill(dev, &info);
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
		       port_id, dev->data->driver_name, started_hint());
		return -EINVAL;
	}
	dev->data->mtu = mtu;
	dev->data->dev_conf.rxmode.mtu = mtu;
	return 0;
}

int sl_eth_dev_get_mtu(uint16_t port_id, uint16_t *mtu)
{
	PORT_OR_RETURN(dev, port_id);
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
	PORT_OR_RETURN(dev, port_id);
	return rx_mode_apply(dev, dev->dev_ops->promiscuous_enable, &dev->data->promiscuous, 1,
			     "promiscuous");
}

int sl_eth_promiscuous_disable(uint16_t port_id)
{
	PORT_OR_RETURN(dev, port_id);
	return rx_mode_apply(dev, dev->dev_ops->promiscuous_disable, &dev->data->promiscuous, 0,
			     "promiscuous");
}

int sl_eth_promiscuous_get(uint16_t port_id)
{
	PORT_OR_RETURN(dev, port_id);
	return dev->data->promiscuous;
}

int sl_eth_allmulticast_enable(uint16_t port_id)
{
	PORT_OR_RETURN(dev, port_id);
	return rx_mode_apply(dev, dev->dev_ops->allmulticast_enable, &dev->data->all_multicast, 1,
			     "all-multicast");
}

int sl_eth_allmulticast_disable(uint16_t port_id)
{
	PORT_OR_RETURN(dev, port_id);
	return rx_mode_apply(dev, dev->dev_ops->allmulticast_disable, &dev->data->all_multicast,
			     0, "all-multicast");
}

int sl_eth_allmulticast_get(uint16_t port_id)
{
	PORT_OR_RETURN(dev, port_id);
	return dev->data->all_multicast;
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
	sl_eal_register_hook("vdev", SL_EAL_HOOK_VDEV, sl_vdev_bus_init_, sl_vdev_bus_fini_);
	sl_eal_register_hook("ethdev", SL_EAL_HOOK_ETHDEV, ethdev_init, ethdev_fini);
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
