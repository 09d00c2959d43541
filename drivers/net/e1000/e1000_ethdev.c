/* SPDX-License-Identifier: BSD-3-Clause
 * e1000 control path: PCI probe/remove, device init, configure, queue
 * setup, start/stop/close, link, statistics, receive filters. The
 * registers behind them (EEPROM, MAC address, PHY, counters, STATUS) are
 * read and written in e1000_hw.c.
 *
 * Init never relies on CTRL.RST: QEMU's model ignores it (hw/net/e1000.c
 * set_ctrl), and a device a kernel driver used before keeps whatever that
 * driver programmed. Every register the driver depends on is written
 * explicitly; interrupts stay masked (poll mode). */
#include <errno.h>
#include <inttypes.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "sl_eal.h"
#include "sl_log.h"
#include "e1000_ethdev.h"

/* What the SDM allows for autonegotiation to finish (about 9 s). */
#define LINK_WAIT_MS 9000
#define LINK_POLL_MS 100

static struct e1000_adapter *adapter_of(struct sl_eth_dev *dev)
{
	return dev->data->dev_private;
}

static const char *e1000_model_name(uint16_t device_id)
{
	switch (device_id) {
	case E1000_DEV_ID_82540EM:
		return "82540EM";
	case E1000_DEV_ID_82545EM_COPPER:
		return "82545EM";
	case E1000_DEV_ID_82544EI_COPPER:
		return "82544EI";
	case E1000_DEV_ID_82544GC_COPPER:
		return "82544GC";
	default:
		return "8254x";
	}
}

/* ---- station address, statistics ------------------------------------------ */

/* The station address the chip holds, else a random local one. */
static void e1000_perm_addr_load(struct e1000_adapter *ad)
{
	char buf[SL_ETHER_ADDR_FMT_SIZE];

	if (e1000_mac_addr_read(ad->hw, &ad->perm_addr) == 0)
		return;
	sl_eth_random_addr(&ad->perm_addr);
	sl_ether_format_addr(buf, sizeof(buf), &ad->perm_addr);
	SL_LOG(WARNING, E1000,
	       "%s: no valid MAC address in the EEPROM or RAL0/RAH0; using random %s "
	       "(set one with sl_eth_dev_default_mac_addr_set)",
	       ad->pci->name, buf);
}

static int e1000_stats_get(struct sl_eth_dev *dev, struct sl_eth_stats *st)
{
	struct e1000_adapter *ad = adapter_of(dev);
	struct e1000_rx_queue *rxq = dev->data->nb_rx_queues ? dev->data->rx_queues[0] : NULL;
	struct e1000_tx_queue *txq = dev->data->nb_tx_queues ? dev->data->tx_queues[0] : NULL;

	/* The port totals come from the device; the queues add only what
	 * the driver dropped (frames the device accepted but the driver
	 * could not deliver, packets it refused). */
	e1000_hw_stats_get(ad->hw, &ad->stats, st);
	if (rxq != NULL) {
		st->q_ipackets[0] = sl_eth_qcnt_read(&rxq->cnt, SL_QCNT_PKTS);
		st->q_ibytes[0] = sl_eth_qcnt_read(&rxq->cnt, SL_QCNT_BYTES);
		st->q_errors[0] = sl_eth_qcnt_read(&rxq->cnt, SL_QCNT_ERRORS);
		st->ierrors += st->q_errors[0];
		st->rx_nombuf = sl_eth_qcnt_read(&rxq->cnt, SL_QCNT_NOMBUF);
	}
	if (txq != NULL) {
		st->q_opackets[0] = sl_eth_qcnt_read(&txq->cnt, SL_QCNT_PKTS);
		st->q_obytes[0] = sl_eth_qcnt_read(&txq->cnt, SL_QCNT_BYTES);
		st->oerrors += sl_eth_qcnt_read(&txq->cnt, SL_QCNT_ERRORS);
	}
	return 0;
}

/* Allowed on a started port: the queue counters get a new base, never a
 * store under the poller (sl_ethdev_driver.h). */
static int e1000_stats_reset(struct sl_eth_dev *dev)
{
	struct e1000_adapter *ad = adapter_of(dev);

	e1000_hw_stats_clear(ad->hw, &ad->stats);
	sl_eth_stats_reset_queues(dev->data, offsetof(struct e1000_rx_queue, cnt),
				  offsetof(struct e1000_tx_queue, cnt));
	return 0;
}

/* ---- link ---------------------------------------------------------------- */

static int e1000_link_update(struct sl_eth_dev *dev, int wait_to_complete)
{
	struct e1000_adapter *ad = adapter_of(dev);
	struct sl_eth_link link;
	int waited = 0;

	for (;;) {
		e1000_link_read(ad->hw, &link);
		if (link.link_status == SL_ETH_LINK_UP || !wait_to_complete ||
		    waited >= LINK_WAIT_MS)
			break;
		sl_delay_us(LINK_POLL_MS * 1000);
		waited += LINK_POLL_MS;
	}
	sl_eth_dev_link_set(dev, &link);
	return 0;
}

/* ---- configuration ------------------------------------------------------- */

static int e1000_dev_configure(struct sl_eth_dev *dev)
{
	const struct sl_eth_conf *conf = &dev->data->dev_conf;

	if (conf->lpbk_mode > 1) {
		SL_LOG(ERR, E1000,
		       "port %u: lpbk_mode %u not supported: net_e1000 has 0 (off) and 1 "
		       "(MAC loopback)",
		       dev->data->port_id, conf->lpbk_mode);
		return -EINVAL;
	}
	if (conf->link_speeds & SL_ETH_LINK_SPEED_FIXED) {
		SL_LOG(ERR, E1000,
		       "port %u: fixed link speeds are not supported by net_e1000: use "
		       "autonegotiation (link_speeds 0)",
		       dev->data->port_id);
		return -ENOTSUP;
	}
	return 0;
}

static int e1000_dev_infos_get(struct sl_eth_dev *dev, struct sl_eth_dev_info *info)
{
	(void)dev;
	info->driver_name = E1000_DRIVER_NAME;
	info->min_mtu = SL_ETHER_MIN_MTU;
	info->max_mtu = E1000_MAX_FRAME_LEN - SL_ETHER_HDR_LEN - SL_ETHER_VLAN_HDR_LEN;
	info->min_rx_bufsize = 256;
	info->max_rx_pktlen = E1000_MAX_FRAME_LEN;
	info->max_rx_queues = 1;
	info->max_tx_queues = 1;
	info->max_mac_addrs = 1;
	info->rx_offload_capa = SL_ETH_RX_OFFLOAD_SCATTER | SL_ETH_RX_OFFLOAD_CHECKSUM;
	info->tx_offload_capa = SL_ETH_TX_OFFLOAD_MULTI_SEGS;
	info->rx_queue_offload_capa = 0;
	info->tx_queue_offload_capa = 0;
	info->rx_desc_lim.nb_min = E1000_MIN_RING_DESC;
	info->rx_desc_lim.nb_max = E1000_MAX_RING_DESC;
	info->rx_desc_lim.nb_align = E1000_DESC_ALIGN;
	info->tx_desc_lim.nb_min = E1000_MIN_RING_DESC;
	info->tx_desc_lim.nb_max = E1000_MAX_RING_DESC;
	info->tx_desc_lim.nb_align = E1000_DESC_ALIGN;
	info->tx_desc_lim.nb_seg_max = E1000_TX_MAX_SEGS;
	info->tx_desc_lim.nb_mtu_seg_max = E1000_TX_MAX_SEGS;
	/* ethdev fits them to small rings (a quarter of the ring at most) */
	info->default_rxconf.rx_free_thresh = E1000_DEFAULT_RX_FREE_THRESH;
	info->default_txconf.tx_free_thresh = E1000_DEFAULT_TX_FREE_THRESH;
	info->default_txconf.tx_rs_thresh = E1000_DEFAULT_TX_RS_THRESH;
	info->speed_capa = SL_ETH_LINK_SPEED_10M_HD | SL_ETH_LINK_SPEED_10M |
			   SL_ETH_LINK_SPEED_100M_HD | SL_ETH_LINK_SPEED_100M |
			   SL_ETH_LINK_SPEED_1G;
	info->default_rxportconf.burst_size = E1000_DEFAULT_BURST;
	info->default_rxportconf.ring_size = E1000_DEFAULT_RING_DESC;
	info->default_rxportconf.nb_queues = 1;
	info->default_txportconf.burst_size = E1000_DEFAULT_BURST;
	info->default_txportconf.ring_size = E1000_DEFAULT_RING_DESC;
	info->default_txportconf.nb_queues = 1;
	return 0;
}

/* RCTL.BSIZE/BSEX for the largest buffer size the mbufs can hold. */
static uint32_t e1000_rctl_bsize(uint32_t room, uint16_t *buf_len)
{
	static const struct {
		uint32_t size;
		uint32_t bits;
	} sizes[] = {
		{ 16384, E1000_RCTL_BSEX | E1000_RCTL_BSIZE_16384 },
		{ 8192, E1000_RCTL_BSEX | E1000_RCTL_BSIZE_8192 },
		{ 4096, E1000_RCTL_BSEX | E1000_RCTL_BSIZE_4096 },
		{ 2048, E1000_RCTL_BSIZE_2048 },
		{ 1024, E1000_RCTL_BSIZE_1024 },
		{ 512, E1000_RCTL_BSIZE_512 },
		{ 256, E1000_RCTL_BSIZE_256 },
	};
	unsigned i;

	for (i = 0; i < SL_DIM(sizes); i++) {
		/* buf_len is 16 bits: 16384 fits */
		if (sizes[i].size <= room) {
			*buf_len = (uint16_t)sizes[i].size;
			return sizes[i].bits;
		}
	}
	*buf_len = 0;
	return 0;
}

/* The one line for a queue e1000_*_queue_create could not make; returns
 * its error. */
static int e1000_queue_create_failed(uint16_t port, const char *dir, const char *a_dir,
				     uint16_t nb_desc, int err)
{
	if (err == -EFAULT)
		SL_LOG(ERR, E1000, "port %u: %s ring has no IOVA (EAL memory not DMA-mapped)", port,
		       dir);
	else
		SL_LOG(ERR, E1000,
		       "port %u: no memory for %s ring of %u descriptors: reserve more DMA "
		       "memory (-m) or use a smaller ring",
		       port, a_dir, nb_desc);
	return err;
}

static int e1000_rx_queue_setup(struct sl_eth_dev *dev, uint16_t q, uint16_t nb_desc, int socket,
				const struct sl_eth_rxconf *conf, struct sl_mempool *mp)
{
	struct e1000_adapter *ad = adapter_of(dev);
	uint16_t port = dev->data->port_id, buf_len;
	uint64_t offloads = dev->data->dev_conf.rxmode.offloads | conf->offloads;
	uint32_t room = sl_pktmbuf_data_room_size(mp);
	struct e1000_rx_queue *rxq;
	int ret;

	room = room > SL_PKTMBUF_HEADROOM ? room - SL_PKTMBUF_HEADROOM : 0;
	e1000_rctl_bsize(room, &buf_len);
	if (buf_len == 0) {
		SL_LOG(ERR, E1000,
		       "port %u: mbufs of the RX pool hold %u bytes after the headroom; "
		       "net_e1000 needs at least 256: create the pool with a bigger data room",
		       port, room);
		return -EINVAL;
	}
	ret = e1000_rx_queue_create(&(struct e1000_rxq_params){
					    .hw = ad->hw,
					    .mp = mp,
					    .socket = socket,
					    .nb_desc = nb_desc,
					    .free_thresh = conf->rx_free_thresh,
					    .buf_len = buf_len,
					    .port_id = port,
					    .queue_id = q,
					    .scatter = !!(offloads & SL_ETH_RX_OFFLOAD_SCATTER),
					    .csum = !!(offloads & SL_ETH_RX_OFFLOAD_CHECKSUM),
				    },
				    &rxq);
	if (ret < 0)
		return e1000_queue_create_failed(port, "RX", "an RX", nb_desc, ret);
	dev->data->rx_queues[q] = rxq;
	return 0;
}

static int e1000_tx_queue_setup(struct sl_eth_dev *dev, uint16_t q, uint16_t nb_desc, int socket,
				const struct sl_eth_txconf *conf)
{
	struct e1000_adapter *ad = adapter_of(dev);
	uint16_t port = dev->data->port_id;
	struct e1000_tx_queue *txq;
	int ret;

	/* ethdev keeps tx_rs_thresh within a quarter of the ring and packets
	 * stay within half of it: a packet always fits once the device has
	 * finished what it reported, so TX cannot stall waiting on itself. */
	ret = e1000_tx_queue_create(&(struct e1000_txq_params){
					    .hw = ad->hw,
					    .socket = socket,
					    .nb_desc = nb_desc,
					    .rs_thresh = conf->tx_rs_thresh,
					    .free_thresh = conf->tx_free_thresh,
					    .port_id = port,
					    .queue_id = q,
				    },
				    &txq);
	if (ret < 0)
		return e1000_queue_create_failed(port, "TX", "a TX", nb_desc, ret);
	dev->data->tx_queues[q] = txq;
	return 0;
}

static void e1000_rx_queue_release(struct sl_eth_dev *dev, uint16_t q)
{
	e1000_rx_queue_destroy(dev->data->rx_queues[q]);
}

static void e1000_tx_queue_release(struct sl_eth_dev *dev, uint16_t q)
{
	e1000_tx_queue_destroy(dev->data->tx_queues[q]);
}

/* ---- start / stop / close -------------------------------------------------- */

static uint32_t e1000_rctl_filters(const struct sl_eth_dev *dev)
{
	uint32_t rctl = E1000_RCTL_BAM;

	if (dev->data->promiscuous)
		rctl |= E1000_RCTL_UPE | E1000_RCTL_MPE;
	if (dev->data->all_multicast)
		rctl |= E1000_RCTL_MPE;
	return rctl;
}

static void e1000_tx_start(struct e1000_adapter *ad, struct e1000_tx_queue *txq)
{
	volatile uint8_t *hw = ad->hw;

	e1000_tx_queue_init(txq);
	e1000_write(hw, E1000_TDBAL, (uint32_t)txq->ring_iova);
	e1000_write(hw, E1000_TDBAH, (uint32_t)(txq->ring_iova >> 32));
	e1000_write(hw, E1000_TDLEN, (uint32_t)txq->nb_desc * sizeof(struct e1000_tx_desc));
	e1000_write(hw, E1000_TDH, 0);
	e1000_write(hw, E1000_TDT, 0);
	e1000_write(hw, E1000_TIDV, 0);
	e1000_write(hw, E1000_TADV, 0);
	e1000_write(hw, E1000_TIPG,
		    E1000_TIPG_IPGT_COPPER | (E1000_TIPG_IPGR1_DEFAULT << E1000_TIPG_IPGR1_SHIFT) |
			    (E1000_TIPG_IPGR2_DEFAULT << E1000_TIPG_IPGR2_SHIFT));
	e1000_write(hw, E1000_TCTL,
		    E1000_TCTL_EN | E1000_TCTL_PSP | E1000_TCTL_RTLC |
			    (E1000_TCTL_CT_DEFAULT << E1000_TCTL_CT_SHIFT) |
			    (E1000_TCTL_COLD_FULL_DUPLEX << E1000_TCTL_COLD_SHIFT));
}

static int e1000_rx_start(struct sl_eth_dev *dev, struct e1000_adapter *ad,
			  struct e1000_rx_queue *rxq)
{
	volatile uint8_t *hw = ad->hw;
	uint32_t mtu = dev->data->mtu ? dev->data->mtu : SL_ETHER_MTU;
	uint32_t max_frame = mtu + SL_ETHER_HDR_LEN + SL_ETHER_VLAN_HDR_LEN;
	uint32_t rctl, room;
	uint16_t buf_len;

	room = sl_pktmbuf_data_room_size(rxq->mp) - SL_PKTMBUF_HEADROOM;
	rctl = e1000_rctl_bsize(room, &buf_len);
	if (sl_eth_rx_frame_check(dev, buf_len, rxq->scatter, NULL) < 0)
		return -EINVAL;
	if (e1000_rx_queue_init(rxq) < 0)
		return sl_eth_rx_pool_short(dev, rxq->queue_id, rxq->mp, rxq->nb_desc);
	e1000_write(hw, E1000_RDBAL, (uint32_t)rxq->ring_iova);
	e1000_write(hw, E1000_RDBAH, (uint32_t)(rxq->ring_iova >> 32));
	e1000_write(hw, E1000_RDLEN, (uint32_t)rxq->nb_desc * sizeof(struct e1000_rx_desc));
	e1000_write(hw, E1000_RDH, 0);
	/* every descriptor but the one at RDT: see e1000_rxtx.c */
	e1000_write(hw, E1000_RDT, (uint32_t)rxq->nb_desc - 1);
	e1000_write(hw, E1000_RDTR, 0);
	e1000_write(hw, E1000_RADV, 0);
	e1000_write(hw, E1000_RXCSUM, rxq->csum ? E1000_RXCSUM_IPOFLD | E1000_RXCSUM_TUOFLD : 0);

	rctl |= E1000_RCTL_EN | E1000_RCTL_SECRC | E1000_RCTL_RDMTS_HALF | e1000_rctl_filters(dev);
	if (max_frame > E1000_MAX_STD_FRAME_LEN)
		rctl |= E1000_RCTL_LPE;
	if (dev->data->dev_conf.lpbk_mode == 1)
		rctl |= E1000_RCTL_LBM_MAC;
	/* Last: QEMU's model pauses receive for about a second after any
	 * RCTL write (set_rx_control's flush timer), so frames arriving just
	 * after start wait in the backend, they are not lost. */
	e1000_write(hw, E1000_RCTL, rctl);
	return 0;
}

static int e1000_dev_start(struct sl_eth_dev *dev)
{
	struct e1000_adapter *ad = adapter_of(dev);
	struct e1000_rx_queue *rxq = dev->data->nb_rx_queues ? dev->data->rx_queues[0] : NULL;
	struct e1000_tx_queue *txq = dev->data->nb_tx_queues ? dev->data->tx_queues[0] : NULL;
	volatile uint8_t *hw = ad->hw;
	uint32_t ctrl;
	unsigned i;
	int ret;

	e1000_hw_quiesce(hw);

	ctrl = e1000_read(hw, E1000_CTRL);
	ctrl &= ~(E1000_CTRL_LRST | E1000_CTRL_PHY_RST | E1000_CTRL_ILOS | E1000_CTRL_FRCSPD |
		  E1000_CTRL_FRCDPLX | E1000_CTRL_VME | E1000_CTRL_RST);
	ctrl |= E1000_CTRL_SLU | E1000_CTRL_ASDE;
	e1000_write(hw, E1000_CTRL, ctrl);

	/* QEMU models loopback in the PHY (BMCR), the silicon in RCTL.LBM:
	 * ask both. Restore a normal PHY when loopback was on before. */
	if (dev->data->dev_conf.lpbk_mode == 1 || ad->phy_loopback) {
		uint16_t bmcr = E1000_PHY_CTRL_SPEED_1000 | E1000_PHY_CTRL_FULL_DUPLEX;

		bmcr |= dev->data->dev_conf.lpbk_mode == 1 ? E1000_PHY_CTRL_LOOPBACK
							    : E1000_PHY_CTRL_AUTONEG_EN;
		ret = e1000_phy_write(hw, E1000_PHY_CTRL, bmcr);
		if (ret < 0)
			SL_LOG(WARNING, E1000, "port %u: PHY control write failed (%s)",
			       dev->data->port_id, strerror(-ret));
		ad->phy_loopback = dev->data->dev_conf.lpbk_mode == 1;
	}

	e1000_mac_addr_write(hw, &dev->data->mac_addr);
	for (i = 1; i < 16; i++) {
		e1000_write(hw, E1000_RAL(i), 0);
		e1000_write(hw, E1000_RAH(i), 0);
	}
	for (i = 0; i < E1000_MTA_ENTRIES; i++)
		e1000_write(hw, E1000_MTA + 4 * i, 0);
	e1000_write(hw, E1000_ITR, 0);

	if (txq != NULL)
		e1000_tx_start(ad, txq);
	if (rxq != NULL) {
		ret = e1000_rx_start(dev, ad, rxq);
		if (ret < 0) {
			e1000_hw_quiesce(hw);
			if (txq != NULL)
				e1000_tx_queue_drain(txq);
			return ret;
		}
	}
	e1000_write(hw, E1000_IMC, E1000_IMC_ALL);
	(void)e1000_read(hw, E1000_ICR);
	e1000_link_update(dev, 0);
	return 0;
}

static int e1000_dev_stop(struct sl_eth_dev *dev)
{
	struct e1000_adapter *ad = adapter_of(dev);
	struct e1000_rx_queue *rxq = dev->data->nb_rx_queues ? dev->data->rx_queues[0] : NULL;
	struct e1000_tx_queue *txq = dev->data->nb_tx_queues ? dev->data->tx_queues[0] : NULL;

	e1000_hw_quiesce(ad->hw);
	sl_eth_stop_drain();
	if (rxq != NULL)
		e1000_rx_queue_drain(rxq);
	if (txq != NULL)
		e1000_tx_queue_drain(txq);
	return 0;
}

static int e1000_dev_close(struct sl_eth_dev *dev)
{
	struct e1000_adapter *ad = adapter_of(dev);

	e1000_hw_quiesce(ad->hw);
	free(ad);
	return 0;
}

/* ---- receive filters, address ----------------------------------------------- */

static int e1000_rctl_update(struct sl_eth_dev *dev, uint32_t set, uint32_t clear)
{
	struct e1000_adapter *ad = adapter_of(dev);
	uint32_t rctl;

	/* Stopped: dev_start programs RCTL from data->promiscuous etc. */
	if (!dev->data->dev_started)
		return 0;
	rctl = e1000_read(ad->hw, E1000_RCTL);
	e1000_write(ad->hw, E1000_RCTL, (rctl | set) & ~clear);
	return 0;
}

static int e1000_promiscuous_enable(struct sl_eth_dev *dev)
{
	return e1000_rctl_update(dev, E1000_RCTL_UPE | E1000_RCTL_MPE, 0);
}

static int e1000_promiscuous_disable(struct sl_eth_dev *dev)
{
	return e1000_rctl_update(dev, 0,
				 E1000_RCTL_UPE | (dev->data->all_multicast ? 0 : E1000_RCTL_MPE));
}

static int e1000_allmulticast_enable(struct sl_eth_dev *dev)
{
	return e1000_rctl_update(dev, E1000_RCTL_MPE, 0);
}

static int e1000_allmulticast_disable(struct sl_eth_dev *dev)
{
	/* promiscuous mode keeps multicast too */
	return e1000_rctl_update(dev, 0, dev->data->promiscuous ? 0 : E1000_RCTL_MPE);
}

static int e1000_mac_addr_set(struct sl_eth_dev *dev, struct sl_ether_addr *mac)
{
	e1000_mac_addr_write(adapter_of(dev)->hw, mac);
	return 0;
}

static const struct sl_eth_dev_ops e1000_ops = {
	.dev_configure = e1000_dev_configure,
	.dev_start = e1000_dev_start,
	.dev_stop = e1000_dev_stop,
	.dev_close = e1000_dev_close,
	.dev_infos_get = e1000_dev_infos_get,
	.rx_queue_setup = e1000_rx_queue_setup,
	.tx_queue_setup = e1000_tx_queue_setup,
	.rx_queue_release = e1000_rx_queue_release,
	.tx_queue_release = e1000_tx_queue_release,
	.link_update = e1000_link_update,
	.stats_get = e1000_stats_get,
	.stats_reset = e1000_stats_reset,
	.promiscuous_enable = e1000_promiscuous_enable,
	.promiscuous_disable = e1000_promiscuous_disable,
	.allmulticast_enable = e1000_allmulticast_enable,
	.allmulticast_disable = e1000_allmulticast_disable,
	.mac_addr_set = e1000_mac_addr_set,
};

static const struct sl_eth_driver e1000_eth_driver = {
	.name = E1000_DRIVER_NAME,
	.ops = &e1000_ops,
	.rx_burst = e1000_recv_pkts,
	.tx_burst = e1000_xmit_pkts,
};

/* ---- PCI ------------------------------------------------------------------- */

/* Registers up to the VFTA end (0x5800) must be inside BAR0. */
#define E1000_BAR0_MIN_LEN 0x6000

static int e1000_pci_probe(struct sl_pci_device *pci)
{
	struct e1000_adapter *ad;
	struct sl_eth_dev *eth;
	char mac[SL_ETHER_ADDR_FMT_SIZE];
	int ret;

	ret = sl_pci_map_bar(pci, 0);
	if (ret < 0)
		return ret;
	if (pci->mem_resource[0].len < E1000_BAR0_MIN_LEN) {
		SL_LOG(ERR, E1000,
		       "%s: BAR0 is %" PRIu64 " bytes, an 8254x has 128 KiB: not an e1000 "
		       "register window (wrong device id in the table?)",
		       pci->name, pci->mem_resource[0].len);
		return -ENODEV;
	}
	ad = calloc(1, sizeof(*ad));
	if (ad == NULL) {
		SL_LOG(ERR, E1000, "%s: out of memory", pci->name);
		return -ENOMEM;
	}
	ad->pci = pci;
	ad->hw = pci->mem_resource[0].addr;
	ad->device_id = pci->id.device;
	e1000_hw_stats_init(&ad->stats);

	e1000_hw_quiesce(ad->hw);
	e1000_perm_addr_load(ad);
	e1000_hw_stats_clear(ad->hw, &ad->stats);

	ret = sl_eth_dev_pci_create(&e1000_eth_driver, pci, ad, &ad->perm_addr, &eth);
	if (ret < 0) {
		free(ad);
		return ret;
	}
	ad->eth = eth;

	sl_ether_format_addr(mac, sizeof(mac), &ad->perm_addr);
	SL_LOG(INFO, E1000, "%s: port %u, %s, MAC %s", pci->name, eth->data->port_id,
	       e1000_model_name(ad->device_id), mac);
	return 0;
}

/* Before bus mastering: RX/TX off and no ring addresses, whatever a
 * killed previous owner left programmed (QEMU's model has no reset VFIO
 * can use, and CTRL.RST does nothing there). Again at remove, after the
 * port is closed, so the bus unmaps BAR0 of a quiet device. */
static void e1000_pci_quiesce(struct sl_pci_device *pci)
{
	if (pci->mem_resource[0].addr != NULL &&
	    pci->mem_resource[0].len >= E1000_BAR0_MIN_LEN)
		e1000_hw_quiesce(pci->mem_resource[0].addr);
}

static const struct sl_pci_id e1000_pci_ids[] = {
	{ E1000_VENDOR_INTEL, E1000_DEV_ID_82540EM },
	{ E1000_VENDOR_INTEL, E1000_DEV_ID_82545EM_COPPER },
	{ E1000_VENDOR_INTEL, E1000_DEV_ID_82544EI_COPPER },
	{ E1000_VENDOR_INTEL, E1000_DEV_ID_82544GC_COPPER },
	{ 0, 0 },
};

SL_ETH_PCI_DRIVER(e1000_pci_driver, E1000_DRIVER_NAME, e1000_pci_ids, e1000_pci_probe,
		  e1000_pci_quiesce)
