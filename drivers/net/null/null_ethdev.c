/* SPDX-License-Identifier: BSD-3-Clause
 * net_null control path: --vdev net_null0[,size=64][,copy=0][,no-rx=0] */
#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "null.h"

#define NULL_DRIVER_NAME "net_null"

static const char *const null_valid_keys[] = { "size", "copy", "no-rx", NULL };

static int null_dev_close(struct sl_eth_dev *dev)
{
	struct null_priv *priv = dev->data->dev_private;

	free(priv->template);
	free(priv);
	return 0;
}

static int null_dev_infos_get(struct sl_eth_dev *dev, struct sl_eth_dev_info *info)
{
	(void)dev;
	/* No descriptors: any count is as good as another. */
	sl_eth_virtual_port_info(info);
	info->max_rx_queues = NULL_MAX_QUEUES;
	info->max_tx_queues = NULL_MAX_QUEUES;
	info->default_rxportconf.ring_size = 512;
	info->default_txportconf.ring_size = 512;
	return 0;
}

static int null_rx_queue_setup(struct sl_eth_dev *dev, uint16_t q, uint16_t nb_desc, int socket,
			       const struct sl_eth_rxconf *conf, struct sl_mempool *mp)
{
	struct null_priv *priv = dev->data->dev_private;
	struct null_queue *rxq = &priv->rxq[q];
	uint32_t data_room = sl_pktmbuf_data_room_size(mp) - SL_PKTMBUF_HEADROOM;

	(void)nb_desc;
	(void)socket;
	(void)conf;
	/* The packets claim pkt_size bytes of data; they must have them. */
	if (priv->pkt_size > data_room) {
		SL_LOG(ERR, NET_NULL, "%s: size=%u does not fit the %u data bytes of pool '%s'; use a smaller size= or a pool with data_room_size >= %u",
		       dev->data->name, priv->pkt_size, data_room, mp->name,
		       priv->pkt_size + SL_PKTMBUF_HEADROOM);
		return -EINVAL;
	}
	rxq->mp = mp;
	rxq->copy_buf = priv->template;
	rxq->pkt_size = priv->pkt_size;
	rxq->port_id = dev->data->port_id;
	rxq->queue_id = q;
	dev->data->rx_queues[q] = rxq;
	return 0;
}

static int null_tx_queue_setup(struct sl_eth_dev *dev, uint16_t q, uint16_t nb_desc, int socket,
			       const struct sl_eth_txconf *conf)
{
	struct null_priv *priv = dev->data->dev_private;
	struct null_queue *txq = &priv->txq[q];

	(void)nb_desc;
	(void)socket;
	(void)conf;
	if (priv->copy) {
		txq->copy_buf = malloc(priv->pkt_size);
		if (txq->copy_buf == NULL) {
			SL_LOG(ERR, NET_NULL, "%s: out of memory for tx queue %u", dev->data->name, q);
			return -ENOMEM;
		}
	}
	txq->pkt_size = priv->pkt_size;
	txq->port_id = dev->data->port_id;
	txq->queue_id = q;
	dev->data->tx_queues[q] = txq;
	return 0;
}

static void null_rx_queue_release(struct sl_eth_dev *dev, uint16_t q)
{
	struct null_priv *priv = dev->data->dev_private;

	priv->rxq[q].mp = NULL;
}

static void null_tx_queue_release(struct sl_eth_dev *dev, uint16_t q)
{
	struct null_priv *priv = dev->data->dev_private;

	free(priv->txq[q].copy_buf);
	priv->txq[q].copy_buf = NULL;
}

/* Link, rx modes and counters: ethdev's, as declared below. */
static const struct sl_eth_dev_ops null_ops = {
	.dev_close = null_dev_close,
	.dev_infos_get = null_dev_infos_get,
	.rx_queue_setup = null_rx_queue_setup,
	.tx_queue_setup = null_tx_queue_setup,
	.rx_queue_release = null_rx_queue_release,
	.tx_queue_release = null_tx_queue_release,
};

static const struct sl_eth_driver null_eth_driver = {
	.name = NULL_DRIVER_NAME,
	.ops = &null_ops,
	.rx_burst = null_rx,
	.tx_burst = null_tx,
	.local_mac = { { 0x02, 0, 0, 0, 0, 0 } },
	.fixed_link_speed = SL_ETH_SPEED_NUM_10G,
	.no_rx_filter = true,
	.queue_counters = true,
	.rxq_counters = offsetof(struct null_queue, cnt),
	.txq_counters = offsetof(struct null_queue, cnt),
};

static int null_probe(const char *devname, const char *args)
{
	struct sl_kvargs *kv;
	struct null_priv *priv;
	struct sl_eth_dev *dev;
	uint64_t size = NULL_DEFAULT_SIZE;
	bool copy = false, no_rx = false;
	int ret;

	ret = sl_kvargs_parse(&kv, devname, args, null_valid_keys);
	if (ret < 0)
		return ret;
	/* data_len is 16 bits; a size that fits no pool is caught at rx
	 * queue setup, where the pool is known. */
	ret = sl_kvargs_get_uint(kv, "size", 1, UINT16_MAX, &size);
	if (ret == 0)
		ret = sl_kvargs_get_bool(kv, "copy", &copy);
	if (ret == 0)
		ret = sl_kvargs_get_bool(kv, "no-rx", &no_rx);
	sl_kvargs_free(kv);
	if (ret < 0)
		return ret;

	priv = aligned_alloc(SL_CACHE_LINE_SIZE, sizeof(*priv));
	if (priv == NULL)
		goto nomem;
	memset(priv, 0, sizeof(*priv));
	priv->pkt_size = (uint32_t)size;
	priv->copy = copy;
	priv->no_rx = no_rx;
	if (copy) {
		priv->template = calloc(1, size);
		if (priv->template == NULL)
			goto nomem;
	}
	ret = sl_eth_dev_create(&null_eth_driver, devname, priv, NULL, SL_SOCKET_ID_ANY, &dev);
	if (ret < 0) {
		free(priv->template);
		free(priv);
		return ret;
	}
	/* read at start: the port is not started yet */
	dev->rx_burst = no_rx ? null_rx_none : copy ? null_rx_copy : null_rx;
	dev->tx_burst = copy ? null_tx_copy : null_tx;
	return 0;

nomem:
	SL_LOG(ERR, NET_NULL, "%s: out of memory", devname);
	if (priv != NULL)
		free(priv->template);
	free(priv);
	return -ENOMEM;
}

SL_ETH_VDEV_DRIVER(null_vdev_driver, NULL_DRIVER_NAME,
		   "size=<1..65535 bytes, default 64> copy=<0|1> no-rx=<0|1>", null_probe)
