/* SPDX-License-Identifier: BSD-3-Clause
 * net_ring: ports over sl_rings (see sl_eth_ring.h).
 *
 *   --vdev net_ring0                    TX loops back into its own RX
 *   --vdev net_ring1,peer=net_ring0     a cable: each port's TX queue q
 *                                       feeds the other's RX queue q
 *   keys: nb_queues=<1..16> (default 1), size=<ring slots> (default 1024)
 *
 * Rings are grouped in refcounted sets, one per direction per port, so a
 * port whose peer was closed keeps sending into rings that still exist
 * (they fill up and TX returns 0 then: an unplugged cable), and the last
 * port to let go of a set frees the rings it created. */
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sl_ethdev_driver.h"
#include "sl_eth_ring.h"
#include "sl_ring.h"

#define RING_DRIVER_NAME "net_ring"
#define RING_MAX_QUEUES 16
#define RING_DEFAULT_SIZE 1024
#define RING_MAX_SIZE (1u << 20)

struct ring_set {
	unsigned refcnt;
	bool owned;			/* created by the driver: free with the set */
	unsigned nb_rings;
	struct sl_ring *rings[RING_MAX_QUEUES];
};

struct ring_queue {
	struct sl_ring *ring;
	uint16_t port_id;
	uint16_t queue_id;
	struct sl_eth_queue_counters cnt;	/* TX ERRORS: packets that did not fit */
} __sl_cache_aligned;

struct ring_priv {
	struct ring_queue rxq[RING_MAX_QUEUES];
	struct ring_queue txq[RING_MAX_QUEUES];
	struct ring_set *rx_set;
	struct ring_set *tx_set;
} __sl_cache_aligned;

static const struct sl_eth_dev_ops ring_ops;


/* ---- fast path --------------------------------------------------------------- */

static uint16_t ring_rx(void *q, struct sl_mbuf **pkts, uint16_t n)
{
	struct ring_queue *rxq = q;
	uint64_t bytes = 0;
	uint16_t nb = (uint16_t)sl_ring_dequeue_burst(rxq->ring, (void **)pkts, n, NULL);

	for (uint16_t i = 0; i < nb; i++) {
		pkts[i]->port = rxq->port_id;
		bytes += pkts[i]->pkt_len;
	}
	sl_eth_qcnt_burst(&rxq->cnt, nb, bytes);
	return nb;
}

static uint16_t ring_tx(void *q, struct sl_mbuf **pkts, uint16_t n)
{
	struct ring_queue *txq = q;
	uint64_t bytes = 0;
	uint16_t nb;

	/* Lengths are read before the enqueue: afterwards the packets
	 * belong to the consumer, which may already be freeing them. */
	for (uint16_t i = 0; i < n; i++)
		bytes += pkts[i]->pkt_len;
	nb = (uint16_t)sl_ring_enqueue_burst(txq->ring, (void *const *)pkts, n, NULL);
	if (sl_unlikely(nb < n)) {
		for (uint16_t i = nb; i < n; i++)
			bytes -= pkts[i]->pkt_len;
		sl_eth_qcnt_add(&txq->cnt, SL_QCNT_ERRORS, (uint64_t)(n - nb));
	}
	sl_eth_qcnt_burst(&txq->cnt, nb, bytes);
	return nb;
}

/* ---- ring sets ------------------------------------------------------------------ */

static struct ring_set *set_new(bool owned)
{
	struct ring_set *s = calloc(1, sizeof(*s));

	if (s != NULL) {
		s->refcnt = 1;
		s->owned = owned;
	}
	return s;
}

static struct ring_set *set_ref(struct ring_set *s)
{
	s->refcnt++;
	return s;
}

static void set_unref(struct ring_set *s)
{
	if (s == NULL || --s->refcnt > 0)
		return;
	if (s->owned)
		for (unsigned i = 0; i < s->nb_rings; i++)
			sl_ring_free(s->rings[i]);
	free(s);
}

/* Points the TX queues at the rings of set (taking a reference). */
static void priv_set_tx(struct ring_priv *priv, struct ring_set *set)
{
	struct ring_set *old = priv->tx_set;

	priv->tx_set = set_ref(set);
	for (unsigned q = 0; q < RING_MAX_QUEUES; q++)
		priv->txq[q].ring = q < set->nb_rings ? set->rings[q] : NULL;
	set_unref(old);
}

/* ---- control path ---------------------------------------------------------------- */

/* Packets still in the rings belong to nobody once the port is gone; the
 * last user of a driver-created set frees them with the rings. */
static void set_drain_if_last(struct ring_set *s)
{
	void *m[64];
	unsigned n;

	if (s == NULL || s->refcnt != 1 || !s->owned)
		return;
	for (unsigned i = 0; i < s->nb_rings; i++)
		while ((n = sl_ring_dequeue_burst(s->rings[i], m, SL_DIM(m), NULL)) > 0)
			sl_pktmbuf_free_bulk((struct sl_mbuf **)m, n);
}

static int ring_dev_close(struct sl_eth_dev *dev)
{
	struct ring_priv *priv = dev->data->dev_private;

	set_drain_if_last(priv->rx_set);
	set_unref(priv->rx_set);
	set_drain_if_last(priv->tx_set);
	set_unref(priv->tx_set);
	free(priv);
	return 0;
}

static int ring_dev_infos_get(struct sl_eth_dev *dev, struct sl_eth_dev_info *info)
{
	struct ring_priv *priv = dev->data->dev_private;

	/* The rings are sized at creation; the descriptor count is not used. */
	sl_eth_virtual_port_info(info);
	info->max_rx_queues = (uint16_t)priv->rx_set->nb_rings;
	info->max_tx_queues = (uint16_t)priv->tx_set->nb_rings;
	return 0;
}

static int ring_rx_queue_setup(struct sl_eth_dev *dev, uint16_t q, uint16_t nb_desc, int socket,
			       const struct sl_eth_rxconf *conf, struct sl_mempool *mp)
{
	struct ring_priv *priv = dev->data->dev_private;

	(void)nb_desc;
	(void)socket;
	(void)conf;
	(void)mp;
	priv->rxq[q].port_id = dev->data->port_id;
	priv->rxq[q].queue_id = q;
	dev->data->rx_queues[q] = &priv->rxq[q];
	return 0;
}

static int ring_tx_queue_setup(struct sl_eth_dev *dev, uint16_t q, uint16_t nb_desc, int socket,
			       const struct sl_eth_txconf *conf)
{
	struct ring_priv *priv = dev->data->dev_private;

	(void)nb_desc;
	(void)socket;
	(void)conf;
	priv->txq[q].port_id = dev->data->port_id;
	priv->txq[q].queue_id = q;
	dev->data->tx_queues[q] = &priv->txq[q];
	return 0;
}

/* The queue objects are part of the port (nothing to release), the rings
 * outlive queue setup; link, rx modes and counters are ethdev's. */
static const struct sl_eth_dev_ops ring_ops = {
	.dev_close = ring_dev_close,
	.dev_infos_get = ring_dev_infos_get,
	.rx_queue_setup = ring_rx_queue_setup,
	.tx_queue_setup = ring_tx_queue_setup,
};

static const struct sl_eth_driver ring_eth_driver = {
	.name = RING_DRIVER_NAME,
	.ops = &ring_ops,
	.rx_burst = ring_rx,
	.tx_burst = ring_tx,
	.local_mac = { { 0x02, 0x72, 0x6e, 0x67, 0, 0 } },	/* "rng" */
	.fixed_link_speed = SL_ETH_SPEED_NUM_10G,
	.no_rx_filter = true,
	.queue_counters = true,
	.rxq_counters = offsetof(struct ring_queue, cnt),
	.txq_counters = offsetof(struct ring_queue, cnt),
};

/* A port over the two sets (references taken over from the caller on
 * success; on failure the caller still owns them). */
static int ring_port_create(const char *name, struct ring_set *rx, struct ring_set *tx, int socket,
			    struct sl_eth_dev **out)
{
	struct ring_priv *priv = aligned_alloc(SL_CACHE_LINE_SIZE, sizeof(*priv));
	int ret;

	if (priv == NULL) {
		SL_LOG(ERR, NET_RING, "%s: out of memory", name);
		return -ENOMEM;
	}
	memset(priv, 0, sizeof(*priv));
	priv->rx_set = rx;
	for (unsigned q = 0; q < rx->nb_rings; q++)
		priv->rxq[q].ring = rx->rings[q];
	priv->tx_set = tx;
	for (unsigned q = 0; q < tx->nb_rings; q++)
		priv->txq[q].ring = tx->rings[q];
	ret = sl_eth_dev_create(&ring_eth_driver, name, priv, NULL, socket, out);
	if (ret < 0)
		free(priv);
	return ret;
}

int sl_eth_from_rings(const char *name, struct sl_ring *const rx_rings[], unsigned nb_rx_rings,
		      struct sl_ring *const tx_rings[], unsigned nb_tx_rings, int socket)
{
	struct ring_set *rx = NULL, *tx = NULL;
	struct sl_eth_dev *dev;
	int ret;

	if (nb_rx_rings < 1 || nb_rx_rings > RING_MAX_QUEUES || nb_tx_rings < 1 ||
	    nb_tx_rings > RING_MAX_QUEUES || rx_rings == NULL || tx_rings == NULL) {
		SL_LOG(ERR, NET_RING, "sl_eth_from_rings(%s): give 1 to %u rings each way (got %u rx, %u tx)",
		       name ? name : "(null)", RING_MAX_QUEUES, nb_rx_rings, nb_tx_rings);
		return -EINVAL;
	}
	for (unsigned i = 0; i < nb_rx_rings; i++)
		if (rx_rings[i] == NULL)
			goto null_ring;
	for (unsigned i = 0; i < nb_tx_rings; i++)
		if (tx_rings[i] == NULL)
			goto null_ring;
	rx = set_new(false);
	tx = set_new(false);
	if (rx == NULL || tx == NULL) {
		SL_LOG(ERR, NET_RING, "sl_eth_from_rings(%s): out of memory", name ? name : "(null)");
		ret = -ENOMEM;
		goto fail;
	}
	rx->nb_rings = nb_rx_rings;
	memcpy(rx->rings, rx_rings, nb_rx_rings * sizeof(rx_rings[0]));
	tx->nb_rings = nb_tx_rings;
	memcpy(tx->rings, tx_rings, nb_tx_rings * sizeof(tx_rings[0]));
	ret = ring_port_create(name, rx, tx, socket, &dev);
	if (ret < 0)
		goto fail;
	return dev->data->port_id;

null_ring:
	SL_LOG(ERR, NET_RING, "sl_eth_from_rings(%s): NULL ring in the arrays", name ? name : "(null)");
	return -EINVAL;
fail:
	set_unref(rx);
	set_unref(tx);
	return ret;
}

/* ---- vdev ------------------------------------------------------------------------- */

static const char *const ring_valid_keys[] = { "nb_queues", "size", "peer", NULL };

/* Joins dev with the port named peer_name: each one's TX into the other's RX. */
static int ring_cable(struct sl_eth_dev *dev, const char *peer_name)
{
	struct sl_eth_dev *peer = sl_eth_dev_allocated(peer_name);
	struct ring_priv *priv = dev->data->dev_private, *ppriv;

	if (peer == NULL || peer->dev_ops != &ring_ops) {
		SL_LOG(ERR, NET_RING, "%s: peer=%s: no net_ring port of that name; create the peer first (earlier --vdev)",
		       dev->data->name, peer_name);
		return -EINVAL;
	}
	ppriv = peer->data->dev_private;
	if (ppriv->tx_set != ppriv->rx_set) {
		SL_LOG(ERR, NET_RING, "%s: peer=%s: that port is cabled already; a port has one peer",
		       dev->data->name, peer_name);
		return -EINVAL;
	}
	if (ppriv->rx_set->nb_rings != priv->rx_set->nb_rings) {
		SL_LOG(ERR, NET_RING, "%s: peer=%s has %u queues, this port %u; give both the same nb_queues=",
		       dev->data->name, peer_name, ppriv->rx_set->nb_rings, priv->rx_set->nb_rings);
		return -EINVAL;
	}
	if (peer->data->dev_started) {
		SL_LOG(ERR, NET_RING, "%s: peer=%s is started; stop it before cabling", dev->data->name,
		       peer_name);
		return -EINVAL;
	}
	priv_set_tx(priv, ppriv->rx_set);
	priv_set_tx(ppriv, priv->rx_set);
	return 0;
}

static int ring_probe(const char *devname, const char *args)
{
	struct sl_kvargs *kv;
	struct ring_set *rx;
	struct sl_eth_dev *dev;
	uint64_t nb_queues = 1, size = RING_DEFAULT_SIZE;
	const char *peer = NULL;
	int ret;

	ret = sl_kvargs_parse(&kv, devname, args, ring_valid_keys);
	if (ret < 0)
		return ret;
	ret = sl_kvargs_get_uint(kv, "nb_queues", 1, RING_MAX_QUEUES, &nb_queues);
	if (ret == 0)
		ret = sl_kvargs_get_uint(kv, "size", 1, RING_MAX_SIZE, &size);
	if (ret == 0)
		ret = sl_kvargs_get_string(kv, "peer", &peer);
	if (ret == 0 && peer != NULL && strcmp(peer, devname) == 0) {
		SL_LOG(ERR, NET_RING, "%s: peer=%s is the port itself; leave peer= out for a loopback",
		       devname, peer);
		ret = -EINVAL;
	}
	if (ret < 0)
		goto out;

	rx = set_new(true);
	if (rx == NULL) {
		SL_LOG(ERR, NET_RING, "%s: out of memory", devname);
		ret = -ENOMEM;
		goto out;
	}
	for (unsigned q = 0; q < nb_queues; q++) {
		char name[SL_RING_NAMESIZE];
		int n = snprintf(name, sizeof(name), "%s_rxq%u", devname, q);

		/* Long port names: a shorter, still unique, ring name. */
		if (n < 0 || (size_t)n >= sizeof(name))
			snprintf(name, sizeof(name), "netring%p_%u", (void *)rx, q);
		/* One lcore per queue on each side: SP/SC. EXACT_SZ so
		 * size= is what the ring holds. */
		rx->rings[q] = sl_ring_create(name, (unsigned)size, SL_SOCKET_ID_ANY,
					      SL_RING_F_SP_ENQ | SL_RING_F_SC_DEQ | SL_RING_F_EXACT_SZ);
		if (rx->rings[q] == NULL) {
			SL_LOG(ERR, NET_RING, "%s: cannot create ring %s of %u slots", devname, name,
			       (unsigned)size);
			ret = -ENOMEM;
			set_unref(rx);
			goto out;
		}
		rx->nb_rings = q + 1;
	}
	/* Loopback until cabled: TX feeds this port's own RX rings. */
	ret = ring_port_create(devname, rx, set_ref(rx), SL_SOCKET_ID_ANY, &dev);
	if (ret < 0) {
		/* Both references (rx and tx) are still ours. */
		rx->refcnt = 1;
		set_unref(rx);
		goto out;
	}
	if (peer != NULL) {
		ret = ring_cable(dev, peer);
		if (ret < 0)
			sl_eth_dev_close(dev->data->port_id);
	}
out:
	sl_kvargs_free(kv);
	return ret;
}

SL_ETH_VDEV_DRIVER(ring_vdev_driver, RING_DRIVER_NAME,
		   "nb_queues=<1..16> size=<ring slots> peer=<net_ring port>", ring_probe)
