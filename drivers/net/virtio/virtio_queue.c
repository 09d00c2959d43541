/* SPDX-License-Identifier: BSD-3-Clause
 * virtio-net queue objects: an RX or TX virtqueue with the mbufs behind
 * its descriptors, created without a device (the unit test drives them
 * too), and the ethdev queue ops that check a configuration and make one.
 * Each queue gets its virtqueue number and doorbell at start
 * (virtio_ethdev.c).
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sl_eal.h"
#include "sl_log.h"
#include "virtio_ethdev.h"

struct virtio_rx_queue *virtio_rx_queue_create(uint16_t port, uint16_t q, uint16_t size,
					       int socket, struct sl_mempool *mp, int mrg_rxbuf,
					       int scatter, int event_idx, uint16_t free_thresh)
{
	struct virtio_rx_queue *rxq = sl_eth_queue_zalloc(sizeof(*rxq));
	uint32_t room = sl_pktmbuf_data_room_size(mp);
	char name[64];

	if (rxq == NULL)
		goto nomem;
	snprintf(name, sizeof(name), "virtio_rx_p%u_q%u", port, q);
	/* logs what it could not get */
	if (virtqueue_alloc(&rxq->vq, name, size, event_idx, socket) < 0)
		goto fail;
	rxq->sw_ring = calloc(size, sizeof(*rxq->sw_ring));
	if (rxq->sw_ring == NULL)
		goto nomem;
	rxq->mp = mp;
	rxq->hdr_len = VIRTIO_NET_HDR_LEN;
	/* the data room after the headroom, plus the header in the headroom */
	rxq->buf_len = (uint16_t)SL_MIN(room - SL_PKTMBUF_HEADROOM + VIRTIO_NET_HDR_LEN, 65535u);
	rxq->free_thresh = free_thresh;
	rxq->port_id = port;
	rxq->queue_id = q;
	rxq->mrg_rxbuf = (uint8_t)!!mrg_rxbuf;
	rxq->scatter = (uint8_t)!!scatter;
	return rxq;
nomem:
	SL_LOG(ERR, VIRTIO, "port %u: out of memory for rx queue %u", port, q);
fail:
	virtio_rx_queue_destroy(rxq);
	return NULL;
}

void virtio_rx_queue_destroy(struct virtio_rx_queue *rxq)
{
	if (rxq == NULL)
		return;
	if (rxq->sw_ring != NULL && rxq->vq.mem != NULL)
		virtio_rx_queue_drain(rxq);
	free(rxq->sw_ring);
	virtqueue_free(&rxq->vq);
	free(rxq);
}

struct virtio_tx_queue *virtio_tx_queue_create(uint16_t port, uint16_t q, uint16_t size,
					       int socket, int event_idx, uint16_t free_thresh)
{
	struct virtio_tx_queue *txq = sl_eth_queue_zalloc(sizeof(*txq));
	char name[64];

	if (txq == NULL)
		goto nomem;
	snprintf(name, sizeof(name), "virtio_tx_p%u_q%u", port, q);
	/* logs what it could not get */
	if (virtqueue_alloc(&txq->vq, name, size, event_idx, socket) < 0)
		goto fail;
	snprintf(name, sizeof(name), "virtio_txhdr_p%u_q%u", port, q);
	txq->hdr_mem = sl_dma_zalloc(name, ((size_t)size + 1) * VIRTIO_NET_HDR_LEN, SL_CACHE_LINE_SIZE,
				     socket);
	txq->sw_ring = calloc(size, sizeof(*txq->sw_ring));
	if (txq->hdr_mem == NULL || txq->sw_ring == NULL)
		goto nomem;
	txq->hdr_iova = sl_mem_virt2iova(txq->hdr_mem);
	txq->hdr_len = VIRTIO_NET_HDR_LEN;
	txq->free_thresh = free_thresh;
	txq->port_id = port;
	txq->queue_id = q;
	return txq;
nomem:
	SL_LOG(ERR, VIRTIO, "port %u: out of memory for tx queue %u", port, q);
fail:
	virtio_tx_queue_destroy(txq);
	return NULL;
}

void virtio_tx_queue_destroy(struct virtio_tx_queue *txq)
{
	if (txq == NULL)
		return;
	if (txq->sw_ring != NULL && txq->vq.mem != NULL)
		virtio_tx_queue_drain(txq);
	free(txq->sw_ring);
	if (txq->hdr_mem != NULL)
		sl_dma_free(txq->hdr_mem);
	virtqueue_free(&txq->vq);
	free(txq);
}

/* ---- ethdev queue ops ---------------------------------------------------------- */

static int check_ring_size(uint16_t port, const char *dir, uint16_t nb_desc, uint16_t max)
{
	if (!sl_is_power_of_2(nb_desc) || nb_desc > max) {
		SL_LOG(ERR, VIRTIO,
		       "port %u: %s ring of %u descriptors: virtio split rings need a power of two "
		       "between %u and %u (the device's queue size)",
		       port, dir, nb_desc, VIRTIO_MIN_RING_DESC, max);
		return -EINVAL;
	}
	return 0;
}

int virtio_rx_queue_setup(struct sl_eth_dev *dev, uint16_t q, uint16_t nb_desc, int socket,
				 const struct sl_eth_rxconf *conf, struct sl_mempool *mp)
{
	struct virtio_adapter *ad = virtio_adapter_of(dev);
	uint16_t port = dev->data->port_id;
	uint64_t offloads = dev->data->dev_conf.rxmode.offloads | conf->offloads;
	struct virtio_rx_queue *rxq;

	if (check_ring_size(port, "rx", nb_desc, ad->rx_size_max) < 0)
		return -EINVAL;
	rxq = virtio_rx_queue_create(port, q, nb_desc, socket, mp,
				     virtio_has(&ad->hw, VIRTIO_NET_F_MRG_RXBUF),
				     !!(offloads & SL_ETH_RX_OFFLOAD_SCATTER),
				     virtio_has(&ad->hw, VIRTIO_F_RING_EVENT_IDX),
				     conf->rx_free_thresh);
	if (rxq == NULL)
		return -ENOMEM;
	dev->data->rx_queues[q] = rxq;
	return 0;
}

int virtio_tx_queue_setup(struct sl_eth_dev *dev, uint16_t q, uint16_t nb_desc, int socket,
				 const struct sl_eth_txconf *conf)
{
	struct virtio_adapter *ad = virtio_adapter_of(dev);
	uint16_t port = dev->data->port_id;
	struct virtio_tx_queue *txq;

	if (check_ring_size(port, "tx", nb_desc, ad->tx_size_max) < 0)
		return -EINVAL;
	txq = virtio_tx_queue_create(port, q, nb_desc, socket,
				     virtio_has(&ad->hw, VIRTIO_F_RING_EVENT_IDX),
				     conf->tx_free_thresh);
	if (txq == NULL)
		return -ENOMEM;
	dev->data->tx_queues[q] = txq;
	return 0;
}

void virtio_rx_queue_release(struct sl_eth_dev *dev, uint16_t q)
{
	virtio_rx_queue_destroy(dev->data->rx_queues[q]);
}

void virtio_tx_queue_release(struct sl_eth_dev *dev, uint16_t q)
{
	virtio_tx_queue_destroy(dev->data->tx_queues[q]);
}
