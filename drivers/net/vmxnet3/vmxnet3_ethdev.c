/* SPDX-License-Identifier: BSD-3-Clause
 * net_vmxnet3: VMware's paravirtual NIC (15ad:07b0), control path.
 *
 * The device is programmed through memory: a driver shared area (MTU,
 * queue counts, interrupt and receive-filter configuration) and a table of
 * queue descriptors (ring addresses and sizes, per-queue statistics), both
 * in DMA memory, announced with DSAL/DSAH and taken in by ACTIVATE_DEV.
 * BAR1 holds the commands, BAR0 the per-queue doorbells and interrupt
 * masks. Without intr_conf every interrupt stays masked (intrCtrl
 * DISABLE_ALL, IMR) and link changes are read from the event cause word
 * the device sets in the shared area; with it, vmxnet3_intr.c.
 *
 * What QEMU 7.2's model (hw/net/vmxnet3.c) does, and so what this driver
 * offers: revision 1 only; up to 8 TX queues, each processed synchronously
 * when its TXPROD is written; RX into queue 0 alone, whatever numRxQueues
 * says (no RSS), so the driver offers one RX queue; ring 0 takes head
 * buffers, ring 1 body buffers for the rest of a frame longer than one
 * buffer (a Linux-type guest gets such chained frames, maxNumRxSG caps
 * their buffers); RXPROD writes are ignored (updateRxProd never set, so
 * none are made); MTU 60..9000 (it asserts on others: the driver keeps to
 * 68..9000); counters only after GET_STATS, restarting at each activation;
 * link via GET_LINK (1 Gb/s in the model) and ECR.LINK events. The driver
 * does no offloads (uptFeatures 0) and no multicast filter list: a port
 * takes unicast to its address and broadcast, plus all multicast with
 * allmulticast, everything with promiscuous mode.
 *
 * Quiesce (before bus mastering, and after close): QUIESCE_DEV, RESET_DEV
 * and a zero shared-area address, so a device a killed owner left active
 * stops writing into memory the new owner may hand out again.
 */
#include <errno.h>
#include <inttypes.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "sl_eal.h"
#include "sl_log.h"
#include "vmxnet3_ethdev.h"

static struct vmxnet3_adapter *adapter_of(const struct sl_eth_dev *dev)
{
	return dev->data->dev_private;
}

/* A command without a result (GET_STATS): the write, then a read of VRRS
 * that makes sure it reached the device before its effects are looked at. */
static void cmd_post(struct vmxnet3_adapter *ad, uint32_t c)
{
	sl_write32(c, ad->bar1 + VMXNET3_REG_CMD);
	(void)sl_read32(ad->bar1 + VMXNET3_REG_VRRS);
}

static uint32_t cmd(struct vmxnet3_adapter *ad, uint32_t c)
{
	sl_write32(c, ad->bar1 + VMXNET3_REG_CMD);
	return sl_read32(ad->bar1 + VMXNET3_REG_CMD);
}

static void hw_quiesce(volatile uint8_t *bar1)
{
	sl_write32(VMXNET3_CMD_QUIESCE_DEV, bar1 + VMXNET3_REG_CMD);
	sl_write32(VMXNET3_CMD_RESET_DEV, bar1 + VMXNET3_REG_CMD);
	sl_write32(0, bar1 + VMXNET3_REG_DSAL);
	sl_write32(0, bar1 + VMXNET3_REG_DSAH);
}

static struct vmxnet3_tx_queue_desc *tx_qdesc(struct vmxnet3_adapter *ad, uint16_t q)
{
	return SL_PTR_ADD(ad->shared, VMXNET3_QDESC_OFFSET + 256 * q);
}

static struct vmxnet3_rx_queue_desc *rx_qdesc(struct vmxnet3_adapter *ad, uint16_t nb_txq)
{
	return SL_PTR_ADD(ad->shared, VMXNET3_QDESC_OFFSET + 256 * nb_txq);
}

/* ---- configuration, queues ------------------------------------------------------ */

static int vmxnet3_dev_infos_get(struct sl_eth_dev *dev, struct sl_eth_dev_info *info)
{
	info->driver_name = VMXNET3_DRIVER_NAME;
	info->min_mtu = SL_ETHER_MIN_MTU;
	info->max_mtu = VMXNET3_MAX_MTU;
	info->min_rx_bufsize = VMXNET3_RX_MIN_BUF;
	info->max_rx_pktlen = VMXNET3_MAX_MTU + SL_ETHER_HDR_LEN + SL_ETHER_VLAN_HDR_LEN;
	info->max_rx_queues = 1;
	info->max_tx_queues = VMXNET3_MAX_TX_QUEUES;
	info->max_mac_addrs = 1;
	info->rx_offload_capa = SL_ETH_RX_OFFLOAD_SCATTER;
	info->tx_offload_capa = SL_ETH_TX_OFFLOAD_MULTI_SEGS;
	info->rx_desc_lim.nb_min = VMXNET3_RING_MIN;
	info->rx_desc_lim.nb_max = VMXNET3_RING_MAX;
	info->rx_desc_lim.nb_align = VMXNET3_RING_SIZE_ALIGN;
	info->tx_desc_lim.nb_min = VMXNET3_RING_MIN;
	info->tx_desc_lim.nb_max = VMXNET3_RING_MAX;
	info->tx_desc_lim.nb_align = VMXNET3_RING_SIZE_ALIGN;
	info->tx_desc_lim.nb_seg_max = VMXNET3_MAX_TXD_PER_PKT;
	info->tx_desc_lim.nb_mtu_seg_max = VMXNET3_MAX_TXD_PER_PKT;
	info->speed_capa = SL_ETH_LINK_SPEED_1G | SL_ETH_LINK_SPEED_10G;
	info->default_rxportconf.burst_size = VMXNET3_DEFAULT_BURST;
	info->default_rxportconf.ring_size = VMXNET3_DEFAULT_RING_DESC;
	info->default_rxportconf.nb_queues = 1;
	info->default_txportconf.burst_size = VMXNET3_DEFAULT_BURST;
	info->default_txportconf.ring_size = VMXNET3_DEFAULT_RING_DESC;
	info->default_txportconf.nb_queues = 1;
	vmxnet3_intr_info(adapter_of(dev), info);
	return 0;
}

static int queue_failed(uint16_t port, const char *dir, uint16_t nb_desc, int err)
{
	if (err == -EFAULT)
		sl_log(SL_LOG_ERR, VMXNET3_LOG,
		       "port %u: %s ring has no IOVA (EAL memory not DMA-mapped)", port, dir);
	else
		sl_log(SL_LOG_ERR, VMXNET3_LOG,
		       "port %u: no memory for the %s ring of %u descriptors: reserve more DMA "
		       "memory (-m) or use a smaller ring",
		       port, dir, nb_desc);
	return err;
}

static int vmxnet3_rx_queue_setup(struct sl_eth_dev *dev, uint16_t q, uint16_t nb_desc,
				  int socket, const struct sl_eth_rxconf *conf,
				  struct sl_mempool *mp)
{
	uint64_t offloads = dev->data->dev_conf.rxmode.offloads | conf->offloads;
	uint32_t room = sl_pktmbuf_data_room_size(mp);
	struct vmxnet3_rx_queue *rxq;
	int ret;

	room = room > SL_PKTMBUF_HEADROOM ? room - SL_PKTMBUF_HEADROOM : 0;
	if (room < VMXNET3_RX_MIN_BUF) {
		sl_log(SL_LOG_ERR, VMXNET3_LOG,
		       "port %u: mbufs of the RX pool hold %u bytes after the headroom; "
		       "vmxnet3 needs at least %u: create the pool with a bigger data room",
		       dev->data->port_id, room, VMXNET3_RX_MIN_BUF);
		return -EINVAL;
	}
	if (room > VMXNET3_RX_MAX_BUF)
		room = VMXNET3_RX_MAX_BUF;
	ret = vmxnet3_rx_queue_create(dev->data->port_id, q, nb_desc, socket, mp,
				      (uint16_t)room, !!(offloads & SL_ETH_RX_OFFLOAD_SCATTER),
				      adapter_of(dev)->bar0, &rxq);
	if (ret < 0)
		return queue_failed(dev->data->port_id, "RX", nb_desc, ret);
	dev->data->rx_queues[q] = rxq;
	return 0;
}

static int vmxnet3_tx_queue_setup(struct sl_eth_dev *dev, uint16_t q, uint16_t nb_desc,
				  int socket, const struct sl_eth_txconf *conf)
{
	struct vmxnet3_tx_queue *txq;
	int ret;

	(void)conf;
	ret = vmxnet3_tx_queue_create(dev->data->port_id, q, nb_desc, socket,
				      adapter_of(dev)->bar0, &txq);
	if (ret < 0)
		return queue_failed(dev->data->port_id, "TX", nb_desc, ret);
	dev->data->tx_queues[q] = txq;
	return 0;
}

static void vmxnet3_rx_queue_release(struct sl_eth_dev *dev, uint16_t q)
{
	vmxnet3_rx_queue_destroy(dev->data->rx_queues[q]);
}

static void vmxnet3_tx_queue_release(struct sl_eth_dev *dev, uint16_t q)
{
	vmxnet3_tx_queue_destroy(dev->data->tx_queues[q]);
}

/* ---- start / stop ------------------------------------------------------------------ */

static uint32_t rx_mode(const struct sl_eth_dev *dev)
{
	uint32_t mode = VMXNET3_RXM_UCAST | VMXNET3_RXM_BCAST;

	if (dev->data->promiscuous)
		mode |= VMXNET3_RXM_PROMISC;
	if (dev->data->all_multicast)
		mode |= VMXNET3_RXM_ALL_MULTI;
	return mode;
}

static void shared_setup(struct sl_eth_dev *dev, uint16_t max_sg)
{
	struct vmxnet3_adapter *ad = adapter_of(dev);
	struct vmxnet3_driver_shared *s = ad->shared;
	uint16_t nb_txq = dev->data->nb_tx_queues;

	memset(s, 0, VMXNET3_SHARED_SIZE);
	s->magic = VMXNET3_REV1_MAGIC;
	s->drv_version = 1;
	s->gos = VMXNET3_GOS_BITS_64 | VMXNET3_GOS_TYPE_LINUX;
	s->vmxnet3_rev_spt = VMXNET3_REVISION_1;
	s->upt_ver_spt = VMXNET3_REVISION_1;
	s->queue_desc_pa = ad->shared_iova + VMXNET3_QDESC_OFFSET;
	s->queue_desc_len = 256u * (nb_txq + 1u);
	s->mtu = dev->data->mtu ? dev->data->mtu : SL_ETHER_MTU;
	s->max_num_rx_sg = max_sg;
	s->num_tx_queues = (uint8_t)nb_txq;
	s->num_rx_queues = 1;
	s->auto_mask = 1;
	memset(s->mod_levels, VMXNET3_IML_ADAPTIVE, sizeof(s->mod_levels));
	if (vmxnet3_intr_wanted(dev)) {
		s->num_intrs = VMXNET3_NB_VECTORS;
		s->event_intr_idx = VMXNET3_VEC_EVENT;
	} else {
		s->num_intrs = 1;
		s->intr_ctrl = VMXNET3_IC_DISABLE_ALL;
	}
	s->rx_mode = rx_mode(dev);
	/* every VLAN id passes: the port does no VLAN filtering */
	memset(s->vf_table, 0xff, sizeof(s->vf_table));
}

static void queues_setup(struct sl_eth_dev *dev, const struct vmxnet3_rx_queue *rxq)
{
	struct vmxnet3_adapter *ad = adapter_of(dev);
	uint16_t q, nb_txq = dev->data->nb_tx_queues;
	struct vmxnet3_rx_queue_desc *rd = rx_qdesc(ad, nb_txq);
	int intr = vmxnet3_intr_wanted(dev);

	for (q = 0; q < nb_txq; q++) {
		struct vmxnet3_tx_queue_desc *td = tx_qdesc(ad, q);
		struct vmxnet3_tx_queue *txq = dev->data->tx_queues[q];

		td->tx_ring_pa = txq->ring_iova;
		td->comp_ring_pa = txq->comp_iova;
		td->tx_ring_size = txq->nb_desc;
		td->comp_ring_size = txq->nb_desc;
		td->intr_idx = intr ? VMXNET3_VEC_TX : 0;
	}
	rd->rx_ring_pa[0] = rxq->ring[0].iova;
	rd->rx_ring_pa[1] = rxq->ring[1].iova;
	rd->rx_ring_size[0] = rxq->ring[0].nb_desc;
	rd->rx_ring_size[1] = rxq->ring[1].nb_desc;
	rd->comp_ring_pa = rxq->comp_iova;
	rd->comp_ring_size = rxq->comp_size;
	rd->intr_idx = intr ? VMXNET3_VEC_RX : 0;
}

static void mac_write(struct vmxnet3_adapter *ad, const struct sl_ether_addr *mac)
{
	const uint8_t *b = mac->addr_bytes;

	sl_write32((uint32_t)b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 |
			   (uint32_t)b[3] << 24,
		   ad->bar1 + VMXNET3_REG_MACL);
	sl_write32((uint32_t)b[4] | (uint32_t)b[5] << 8, ad->bar1 + VMXNET3_REG_MACH);
}

static void queues_drain(struct sl_eth_dev *dev)
{
	uint16_t q;

	for (q = 0; q < dev->data->nb_rx_queues; q++)
		if (dev->data->rx_queues[q] != NULL)
			vmxnet3_rx_queue_drain(dev->data->rx_queues[q]);
	for (q = 0; q < dev->data->nb_tx_queues; q++)
		if (dev->data->tx_queues[q] != NULL)
			vmxnet3_tx_queue_drain(dev->data->tx_queues[q]);
}

static int vmxnet3_link_update(struct sl_eth_dev *dev, int wait_to_complete);

/* The RX queue the device is given: the app's, or with none configured
 * (a TX-only port) the driver's sink, made once and kept until close: a
 * minimal ring that never holds a buffer. QEMU's model reads receive
 * descriptors of queue 0 whatever numRxQueues says, so the device needs
 * one; finding no buffer it drops the frame, writes nothing and counts it
 * (pkts_out_of_buf, the port's imissed). */
static int rx_queue_of_device(struct sl_eth_dev *dev, struct vmxnet3_rx_queue **out)
{
	struct vmxnet3_adapter *ad = adapter_of(dev);
	int ret;

	if (dev->data->nb_rx_queues > 0) {
		*out = dev->data->rx_queues[0];
		return sl_eth_rx_frame_check(dev, (*out)->buf_len, (*out)->scatter, NULL) < 0
			       ? -EINVAL
			       : 0;
	}
	if (ad->rx_sink == NULL) {
		ret = vmxnet3_rx_queue_create(dev->data->port_id, 0, VMXNET3_RING_MIN,
					      ad->pci->numa_node, NULL, 0, 0, ad->bar0,
					      &ad->rx_sink);
		if (ret < 0)
			return queue_failed(dev->data->port_id, "RX (receive off)",
					    VMXNET3_RING_MIN, ret);
	}
	*out = ad->rx_sink;
	return 0;
}

static int vmxnet3_dev_start(struct sl_eth_dev *dev)
{
	struct vmxnet3_adapter *ad = adapter_of(dev);
	struct vmxnet3_rx_queue *rxq;
	uint32_t frame = (dev->data->mtu ? dev->data->mtu : SL_ETHER_MTU) + SL_ETHER_HDR_LEN +
			 SL_ETHER_VLAN_HDR_LEN;
	uint16_t q, max_sg;
	int i, ret;

	if (dev->data->nb_tx_queues == 0) {
		sl_log(SL_LOG_ERR, VMXNET3_LOG,
		       "port %u: vmxnet3 needs at least one TX queue: configure one",
		       dev->data->port_id);
		return -EINVAL;
	}
	ret = rx_queue_of_device(dev, &rxq);
	if (ret < 0)
		return ret;
	hw_quiesce(ad->bar1);
	ad->active = 0;
	if (vmxnet3_rx_queue_init(rxq) < 0)
		return sl_eth_rx_pool_short(dev, 0, rxq->mp,
					    (uint32_t)rxq->ring[0].nb_desc * (rxq->scatter ? 2 : 1));
	for (q = 0; q < dev->data->nb_tx_queues; q++)
		vmxnet3_tx_queue_init(dev->data->tx_queues[q]);
	max_sg = rxq->scatter ? (uint16_t)((frame + rxq->buf_len - 1) / rxq->buf_len) : 1;
	shared_setup(dev, max_sg);
	queues_setup(dev, rxq);
	sl_io_wmb();
	sl_write32((uint32_t)ad->shared_iova, ad->bar1 + VMXNET3_REG_DSAL);
	sl_write32((uint32_t)(ad->shared_iova >> 32), ad->bar1 + VMXNET3_REG_DSAH);
	if (cmd(ad, VMXNET3_CMD_ACTIVATE_DEV) != 0) {
		sl_log(SL_LOG_ERR, VMXNET3_LOG,
		       "port %u: the device refused ACTIVATE_DEV (shared area or queue "
		       "configuration rejected): check the ring sizes and queue counts",
		       dev->data->port_id);
		hw_quiesce(ad->bar1);
		queues_drain(dev);
		return -EIO;
	}
	ad->active = 1;
	for (i = 0; i < VMXNET3_MAX_INTRS; i++)
		sl_write32(1, ad->bar0 + VMXNET3_REG_IMR(i));
	/* activation reloads the permanent address: the port's goes in after */
	mac_write(ad, &dev->data->mac_addr);
	ret = vmxnet3_intr_start(dev);
	if (ret < 0) {
		hw_quiesce(ad->bar1);
		ad->active = 0;
		queues_drain(dev);
		return ret;
	}
	rxq->update_prod = rx_qdesc(ad, dev->data->nb_tx_queues)->update_rx_prod;
	if (rxq->update_prod) {
		sl_write32(rxq->ring[0].next, rxq->prod_reg[0]);
		sl_write32(rxq->ring[1].next, rxq->prod_reg[1]);
	}
	vmxnet3_link_update(dev, 0);
	return 0;
}

/* The device counters of this activation. */
static void hw_counters_read(struct sl_eth_dev *dev, struct vmxnet3_hw_counters *c)
{
	struct vmxnet3_adapter *ad = adapter_of(dev);
	const struct vmxnet3_rx_stats *rs;
	uint16_t q;

	memset(c, 0, sizeof(*c));
	if (!ad->active)
		return;
	cmd_post(ad, VMXNET3_CMD_GET_STATS);
	for (q = 0; q < dev->data->nb_tx_queues; q++) {
		const struct vmxnet3_tx_stats *ts = &tx_qdesc(ad, q)->stats;

		c->opackets += ts->ucast_pkts + ts->mcast_pkts + ts->bcast_pkts;
		c->obytes += ts->ucast_bytes + ts->mcast_bytes + ts->bcast_bytes;
		c->oerrors += ts->pkts_error + ts->pkts_discard;
	}
	rs = &rx_qdesc(ad, dev->data->nb_tx_queues)->stats;
	c->ipackets = rs->ucast_pkts + rs->mcast_pkts + rs->bcast_pkts;
	c->ibytes = rs->ucast_bytes + rs->mcast_bytes + rs->bcast_bytes;
	c->imissed = rs->pkts_out_of_buf;
	c->ierrors = rs->pkts_error;
}

static void counters_add(struct vmxnet3_hw_counters *a, const struct vmxnet3_hw_counters *b)
{
	a->ipackets += b->ipackets;
	a->ibytes += b->ibytes;
	a->imissed += b->imissed;
	a->ierrors += b->ierrors;
	a->opackets += b->opackets;
	a->obytes += b->obytes;
	a->oerrors += b->oerrors;
}

static int vmxnet3_dev_stop(struct sl_eth_dev *dev)
{
	struct vmxnet3_adapter *ad = adapter_of(dev);
	struct vmxnet3_hw_counters now;

	hw_counters_read(dev, &now);
	counters_add(&ad->acc, &now);
	vmxnet3_intr_stop(dev);
	hw_quiesce(ad->bar1);
	ad->active = 0;
	sl_eth_stop_drain();
	queues_drain(dev);
	return 0;
}

static int vmxnet3_dev_close(struct sl_eth_dev *dev)
{
	struct vmxnet3_adapter *ad = adapter_of(dev);

	hw_quiesce(ad->bar1);
	vmxnet3_rx_queue_destroy(ad->rx_sink);
	sl_dma_free(ad->shared);
	free(ad);
	return 0;
}

/* ---- link, statistics, filters --------------------------------------------------------- */

static int vmxnet3_link_update(struct sl_eth_dev *dev, int wait_to_complete)
{
	struct vmxnet3_adapter *ad = adapter_of(dev);
	struct sl_eth_link link = { 0 };
	uint32_t ecr = __atomic_load_n(&ad->shared->ecr, __ATOMIC_ACQUIRE), v;

	(void)wait_to_complete;	/* the device answers at once */
	if (ecr != 0) {
		sl_write32(ecr, ad->bar1 + VMXNET3_REG_ECR);
		if ((ecr & (VMXNET3_ECR_RQERR | VMXNET3_ECR_TQERR)) && !ad->events_logged) {
			ad->events_logged = 1;
			sl_log(SL_LOG_ERR, VMXNET3_LOG,
			       "port %u: the device reports a queue error (ECR 0x%x): restart "
			       "the port",
			       dev->data->port_id, ecr);
		}
	}
	if (dev->data->dev_started || ad->active) {
		v = cmd(ad, VMXNET3_CMD_GET_LINK);
		if (v & VMXNET3_LINK_UP_BIT) {
			link.link_status = SL_ETH_LINK_UP;
			link.link_speed = v >> VMXNET3_LINK_SPEED_SHIFT;
			link.link_duplex = SL_ETH_LINK_FULL_DUPLEX;
		}
	}
	sl_eth_dev_link_set(dev, &link);
	return 0;
}

static int vmxnet3_stats_get(struct sl_eth_dev *dev, struct sl_eth_stats *st)
{
	struct vmxnet3_adapter *ad = adapter_of(dev);
	struct vmxnet3_hw_counters c = ad->acc, now;
	uint64_t bad = 0;
	uint16_t q;

	hw_counters_read(dev, &now);
	counters_add(&c, &now);
	st->ipackets = c.ipackets - ad->base.ipackets;
	st->ibytes = c.ibytes - ad->base.ibytes;
	st->imissed = c.imissed - ad->base.imissed;
	st->ierrors += c.ierrors - ad->base.ierrors;
	st->opackets = c.opackets - ad->base.opackets;
	st->obytes = c.obytes - ad->base.obytes;
	st->oerrors += c.oerrors - ad->base.oerrors;
	/* the driver's own drops and refusals, and the per-queue figures */
	for (q = 0; q < dev->data->nb_rx_queues; q++) {
		const struct vmxnet3_rx_queue *rxq = dev->data->rx_queues[q];

		if (rxq == NULL)
			continue;
		bad += rxq->bad_values + sl_eth_qcnt_read(&rxq->cnt, SL_QCNT_ERRORS);
		st->rx_nombuf += sl_eth_qcnt_read(&rxq->cnt, SL_QCNT_NOMBUF);
		st->q_ipackets[q] = sl_eth_qcnt_read(&rxq->cnt, SL_QCNT_PKTS);
		st->q_ibytes[q] = sl_eth_qcnt_read(&rxq->cnt, SL_QCNT_BYTES);
	}
	st->ierrors += bad;
	bad = 0;
	for (q = 0; q < dev->data->nb_tx_queues; q++) {
		const struct vmxnet3_tx_queue *txq = dev->data->tx_queues[q];

		if (txq == NULL)
			continue;
		bad += txq->bad_values + sl_eth_qcnt_read(&txq->cnt, SL_QCNT_ERRORS);
		if (q < SL_ETHDEV_QUEUE_STAT_CNTRS) {
			st->q_opackets[q] = sl_eth_qcnt_read(&txq->cnt, SL_QCNT_PKTS);
			st->q_obytes[q] = sl_eth_qcnt_read(&txq->cnt, SL_QCNT_BYTES);
		}
	}
	st->oerrors += bad;
	return 0;
}

static int vmxnet3_stats_reset(struct sl_eth_dev *dev)
{
	struct vmxnet3_adapter *ad = adapter_of(dev);
	struct vmxnet3_hw_counters now;

	hw_counters_read(dev, &now);
	ad->base = ad->acc;
	counters_add(&ad->base, &now);
	sl_eth_stats_reset_queues(dev->data, offsetof(struct vmxnet3_rx_queue, cnt),
				  offsetof(struct vmxnet3_tx_queue, cnt));
	return 0;
}

static int rx_mode_update(struct sl_eth_dev *dev, uint32_t set, uint32_t clear)
{
	struct vmxnet3_adapter *ad = adapter_of(dev);

	if (!ad->active)
		return 0;	/* dev_start writes it */
	ad->shared->rx_mode = (ad->shared->rx_mode | set) & ~clear;
	sl_io_wmb();
	cmd_post(ad, VMXNET3_CMD_UPDATE_RX_MODE);
	return 0;
}

static int vmxnet3_promiscuous_enable(struct sl_eth_dev *dev)
{
	return rx_mode_update(dev, VMXNET3_RXM_PROMISC, 0);
}

static int vmxnet3_promiscuous_disable(struct sl_eth_dev *dev)
{
	return rx_mode_update(dev, 0, VMXNET3_RXM_PROMISC);
}

static int vmxnet3_allmulticast_enable(struct sl_eth_dev *dev)
{
	return rx_mode_update(dev, VMXNET3_RXM_ALL_MULTI, 0);
}

static int vmxnet3_allmulticast_disable(struct sl_eth_dev *dev)
{
	return rx_mode_update(dev, 0, VMXNET3_RXM_ALL_MULTI);
}

static int vmxnet3_mac_addr_set(struct sl_eth_dev *dev, struct sl_ether_addr *mac)
{
	mac_write(adapter_of(dev), mac);
	return 0;
}

/* ---- PCI ------------------------------------------------------------------------------ */

static const struct sl_eth_dev_ops vmxnet3_ops = {
	.dev_start = vmxnet3_dev_start,
	.dev_stop = vmxnet3_dev_stop,
	.dev_close = vmxnet3_dev_close,
	.dev_infos_get = vmxnet3_dev_infos_get,
	.rx_queue_setup = vmxnet3_rx_queue_setup,
	.tx_queue_setup = vmxnet3_tx_queue_setup,
	.rx_queue_release = vmxnet3_rx_queue_release,
	.tx_queue_release = vmxnet3_tx_queue_release,
	.link_update = vmxnet3_link_update,
	.stats_get = vmxnet3_stats_get,
	.stats_reset = vmxnet3_stats_reset,
	.promiscuous_enable = vmxnet3_promiscuous_enable,
	.promiscuous_disable = vmxnet3_promiscuous_disable,
	.allmulticast_enable = vmxnet3_allmulticast_enable,
	.allmulticast_disable = vmxnet3_allmulticast_disable,
	.mac_addr_set = vmxnet3_mac_addr_set,
	.rx_queue_intr_enable = vmxnet3_rx_queue_intr_enable,
	.rx_queue_intr_disable = vmxnet3_rx_queue_intr_disable,
};

static const struct sl_eth_driver vmxnet3_eth_driver = {
	.name = VMXNET3_DRIVER_NAME,
	.ops = &vmxnet3_ops,
	.rx_burst = vmxnet3_recv_pkts,
	.tx_burst = vmxnet3_xmit_pkts,
};

static int bars_ok(const struct sl_pci_device *pci)
{
	return pci->mem_resource[0].addr != NULL &&
	       pci->mem_resource[0].len >= VMXNET3_BAR0_MIN_LEN &&
	       pci->mem_resource[1].addr != NULL &&
	       pci->mem_resource[1].len >= VMXNET3_BAR1_MIN_LEN;
}

/* Revision 1 and UPT version 1, the only ones this driver speaks. */
static int version_select(struct vmxnet3_adapter *ad)
{
	if (!(sl_read32(ad->bar1 + VMXNET3_REG_VRRS) & VMXNET3_REVISION_1) ||
	    !(sl_read32(ad->bar1 + VMXNET3_REG_UVRS) & VMXNET3_REVISION_1)) {
		sl_log(SL_LOG_ERR, VMXNET3_LOG,
		       "%s: the device offers no vmxnet3 revision 1 / UPT version 1 "
		       "(VRRS 0x%x, UVRS 0x%x): not supported by this driver",
		       ad->pci->name, sl_read32(ad->bar1 + VMXNET3_REG_VRRS),
		       sl_read32(ad->bar1 + VMXNET3_REG_UVRS));
		return -ENODEV;
	}
	sl_write32(VMXNET3_REVISION_1, ad->bar1 + VMXNET3_REG_VRRS);
	sl_write32(VMXNET3_REVISION_1, ad->bar1 + VMXNET3_REG_UVRS);
	return 0;
}

static void perm_addr_load(struct vmxnet3_adapter *ad)
{
	uint32_t lo = cmd(ad, VMXNET3_CMD_GET_PERM_MAC_LO), hi = cmd(ad, VMXNET3_CMD_GET_PERM_MAC_HI);
	uint8_t *b = ad->perm_addr.addr_bytes;
	int i;

	for (i = 0; i < 4; i++)
		b[i] = (uint8_t)(lo >> (8 * i));
	b[4] = (uint8_t)hi;
	b[5] = (uint8_t)(hi >> 8);
	if (sl_is_valid_assigned_ether_addr(&ad->perm_addr))
		return;
	sl_eth_random_addr(&ad->perm_addr);
	sl_log(SL_LOG_WARNING, VMXNET3_LOG,
	       "%s: the device has no valid permanent MAC address; using a random one "
	       "(set one with sl_eth_dev_default_mac_addr_set)",
	       ad->pci->name);
}

static int vmxnet3_pci_probe(struct sl_pci_device *pci)
{
	struct vmxnet3_adapter *ad;
	struct sl_eth_dev *eth;
	char mac[SL_ETHER_ADDR_FMT_SIZE];
	int ret;

	if (!bars_ok(pci)) {
		sl_log(SL_LOG_ERR, VMXNET3_LOG,
		       "%s: BAR0/BAR1 missing or too small for vmxnet3 registers (wrong device "
		       "id in the table?)",
		       pci->name);
		return -ENODEV;
	}
	ad = calloc(1, sizeof(*ad));
	if (ad == NULL) {
		sl_log(SL_LOG_ERR, VMXNET3_LOG, "%s: out of memory", pci->name);
		return -ENOMEM;
	}
	ad->pci = pci;
	ad->bar0 = pci->mem_resource[0].addr;
	ad->bar1 = pci->mem_resource[1].addr;
	ret = version_select(ad);
	if (ret < 0)
		goto fail;
	ad->shared = sl_dma_zalloc("vmxnet3_shared", VMXNET3_SHARED_SIZE, VMXNET3_RING_ALIGN,
				   pci->numa_node);
	ret = -ENOMEM;
	if (ad->shared == NULL) {
		sl_log(SL_LOG_ERR, VMXNET3_LOG,
		       "%s: no DMA memory for the shared area: reserve more (-m)", pci->name);
		goto fail;
	}
	ad->shared_iova = sl_mem_virt2iova(ad->shared);
	ret = -EFAULT;
	if (ad->shared_iova == SL_BAD_IOVA) {
		sl_log(SL_LOG_ERR, VMXNET3_LOG,
		       "%s: shared area has no IOVA (EAL memory not DMA-mapped)", pci->name);
		goto fail;
	}
	perm_addr_load(ad);
	ret = sl_eth_dev_pci_create(&vmxnet3_eth_driver, pci, ad, &ad->perm_addr, &eth);
	if (ret < 0)
		goto fail;
	sl_ether_format_addr(mac, sizeof(mac), &ad->perm_addr);
	sl_log(SL_LOG_INFO, VMXNET3_LOG, "%s: port %u, vmxnet3 rev 1, MAC %s", pci->name,
	       eth->data->port_id, mac);
	return 0;
fail:
	if (ad->shared != NULL)
		sl_dma_free(ad->shared);
	free(ad);
	return ret;
}

static void vmxnet3_pci_quiesce(struct sl_pci_device *pci)
{
	if (bars_ok(pci))
		hw_quiesce(pci->mem_resource[1].addr);
}

static const struct sl_pci_id vmxnet3_pci_ids[] = {
	{ VMXNET3_VENDOR_VMWARE, VMXNET3_DEV_ID },
	{ 0, 0 },
};

SL_ETH_PCI_DRIVER(vmxnet3_pci_driver, VMXNET3_DRIVER_NAME, vmxnet3_pci_ids, vmxnet3_pci_probe,
		  vmxnet3_pci_quiesce)
