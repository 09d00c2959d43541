/* SPDX-License-Identifier: BSD-3-Clause
 * The control path net_e1000 and net_e1000e share: configure, queue
 * setup, the pieces of a start, stop/close, link, statistics, receive
 * filters, PCI probe; and at the end the two drivers themselves: each
 * chip's description, ops and PCI ids, side by side. What a chip does its
 * own way is in its struct e1000_chip or in its dev_start (e1000_ethdev.c,
 * e1000e_ethdev.c).
 *
 * Init never relies on CTRL.RST: QEMU's 8254x model ignores it, its 82574
 * model only reloads the station address (hw/net/e1000.c set_ctrl,
 * e1000e_core.c), and a device a kernel driver used before keeps whatever
 * that driver programmed. Every register the driver depends on is written
 * at start; interrupts stay masked (poll mode). */
#include <errno.h>
#include <inttypes.h>
#include <stddef.h>
#include <stdlib.h>

#include "sl_eal.h"
#include "sl_log.h"
#include "e1000_ethdev.h"
#include "e1000e_regs.h"

/* What the SDM allows for autonegotiation to finish (about 9 s). */
#define LINK_WAIT_MS 9000
#define LINK_POLL_MS 100

static struct e1000_adapter *adapter_of(struct sl_eth_dev *dev)
{
	return dev->data->dev_private;
}

/* ---- configuration ------------------------------------------------------- */

static int e1000_dev_configure(struct sl_eth_dev *dev)
{
	const struct e1000_chip *chip = adapter_of(dev)->chip;
	const struct sl_eth_conf *conf = &dev->data->dev_conf;

	if (conf->lpbk_mode > chip->lpbk_max) {
		sl_log(SL_LOG_ERR, chip->log_module, "port %u: lpbk_mode %u not supported: %s has %s",
		       dev->data->port_id, conf->lpbk_mode, chip->driver_name, chip->lpbk_modes);
		return -EINVAL;
	}
	if (conf->link_speeds & SL_ETH_LINK_SPEED_FIXED) {
		sl_log(SL_LOG_ERR, chip->log_module,
		       "port %u: fixed link speeds are not supported by %s: use "
		       "autonegotiation (link_speeds 0)",
		       dev->data->port_id, chip->driver_name);
		return -ENOTSUP;
	}
	return 0;
}

static int e1000_dev_infos_get(struct sl_eth_dev *dev, struct sl_eth_dev_info *info)
{
	const struct e1000_chip *chip = adapter_of(dev)->chip;

	info->driver_name = chip->driver_name;
	info->min_mtu = SL_ETHER_MIN_MTU;
	info->max_mtu = chip->max_frame_len - SL_ETHER_HDR_LEN - SL_ETHER_VLAN_HDR_LEN;
	info->min_rx_bufsize = 256;
	info->max_rx_pktlen = chip->max_frame_len;
	info->max_rx_queues = chip->nb_queues;
	info->max_tx_queues = chip->nb_queues;
	info->max_mac_addrs = 1;
	info->rx_offload_capa = chip->rx_offload_capa;
	info->tx_offload_capa = chip->tx_offload_capa;
	info->rx_queue_offload_capa = 0;
	info->tx_queue_offload_capa = 0;
	if (adapter_of(dev)->pci != NULL &&
	    (sl_pci_intr_count(adapter_of(dev)->pci, SL_PCI_INTR_INTX) > 0 ||
	     sl_pci_intr_count(adapter_of(dev)->pci, SL_PCI_INTR_MSI) > 0)) {
		info->intr_capa = SL_ETH_INTR_RXQ | SL_ETH_INTR_LSC;
		info->max_rx_intr_queues = chip->nb_queues;
	}
	if (chip->rss_offloads != 0) {
		info->reta_size = E1000E_RETA_ENTRIES;
		info->hash_key_size = E1000E_RSS_KEY_LEN;
		info->flow_type_rss_offloads = chip->rss_offloads;
	}
	info->rx_desc_lim.nb_min = E1000_MIN_RING_DESC;
	info->rx_desc_lim.nb_max = E1000_MAX_RING_DESC;
	info->rx_desc_lim.nb_align = E1000_DESC_ALIGN;
	info->tx_desc_lim.nb_min = E1000_MIN_RING_DESC;
	info->tx_desc_lim.nb_max = E1000_MAX_RING_DESC;
	info->tx_desc_lim.nb_align = E1000_DESC_ALIGN;
	info->tx_desc_lim.nb_seg_max = E1000_TX_MAX_TSO_SEGS;	/* TSO packets */
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

/* ---- queues -------------------------------------------------------------- */

/* The one line for a queue e1000_*_queue_create could not make; returns
 * its error. */
static int queue_create_failed(const struct e1000_chip *chip, uint16_t port, const char *dir,
			       uint16_t nb_desc, int err)
{
	if (err == -EFAULT)
		sl_log(SL_LOG_ERR, chip->log_module,
		       "port %u: %s ring has no IOVA (EAL memory not DMA-mapped)", port, dir);
	else
		sl_log(SL_LOG_ERR, chip->log_module,
		       "port %u: no memory for the %s ring of %u descriptors: reserve more DMA "
		       "memory (-m) or use a smaller ring",
		       port, dir, nb_desc);
	return err;
}

static int e1000_rx_queue_setup(struct sl_eth_dev *dev, uint16_t q, uint16_t nb_desc, int socket,
			 const struct sl_eth_rxconf *conf, struct sl_mempool *mp)
{
	struct e1000_adapter *ad = adapter_of(dev);
	const struct e1000_chip *chip = ad->chip;
	uint16_t port = dev->data->port_id, buf_len;
	uint64_t offloads = dev->data->dev_conf.rxmode.offloads | conf->offloads;
	uint32_t room = sl_pktmbuf_data_room_size(mp);
	struct e1000_rx_queue *rxq;
	int ret;

	room = room > SL_PKTMBUF_HEADROOM ? room - SL_PKTMBUF_HEADROOM : 0;
	e1000_rctl_bsize(room, &buf_len);
	if (buf_len == 0) {
		sl_log(SL_LOG_ERR, chip->log_module,
		       "port %u: mbufs of the RX pool hold %u bytes after the headroom; "
		       "%s needs at least 256: create the pool with a bigger data room",
		       port, room, chip->driver_name);
		return -EINVAL;
	}
	ret = e1000_rx_queue_create(&(struct e1000_rxq_params){
					    .hw = ad->hw,
					    .mp = mp,
					    .log_module = chip->log_module,
					    .socket = socket,
					    .max_pkt_len = chip->max_frame_len,
					    .nb_desc = nb_desc,
					    .free_thresh = conf->rx_free_thresh,
					    .buf_len = buf_len,
					    .port_id = port,
					    .queue_id = q,
					    .scatter = !!(offloads & SL_ETH_RX_OFFLOAD_SCATTER),
					    .csum = (uint8_t)(offloads & SL_ETH_RX_OFFLOAD_CHECKSUM),
					    .ext_desc = chip->ext_rx_desc,
					    .own_rctl = chip->nb_queues == 1,
				    },
				    &rxq);
	if (ret < 0)
		return queue_create_failed(chip, port, "RX", nb_desc, ret);
	dev->data->rx_queues[q] = rxq;
	return 0;
}

static int e1000_tx_queue_setup(struct sl_eth_dev *dev, uint16_t q, uint16_t nb_desc, int socket,
			 const struct sl_eth_txconf *conf)
{
	struct e1000_adapter *ad = adapter_of(dev);
	const struct e1000_chip *chip = ad->chip;
	struct e1000_tx_queue *txq;
	int ret;

	/* ethdev keeps tx_rs_thresh within a quarter of the ring and packets
	 * stay within half of it: a packet always fits once the device has
	 * finished what it reported, so TX cannot stall waiting on itself. */
	ret = e1000_tx_queue_create(&(struct e1000_txq_params){
					    .hw = ad->hw,
					    .log_module = chip->log_module,
					    .socket = socket,
					    .enable_reg = E1000_QUEUE_REG(chip->tx_enable_reg, q),
					    .enable_bit = chip->tx_enable_bit,
					    .nb_desc = nb_desc,
					    .rs_thresh = conf->tx_rs_thresh,
					    .free_thresh = conf->tx_free_thresh,
					    .port_id = dev->data->port_id,
					    .queue_id = q,
					    .offloads = conf->offloads,
				    },
				    &txq);
	if (ret < 0)
		return queue_create_failed(chip, dev->data->port_id, "TX", nb_desc, ret);
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

static uint32_t rctl_filters(const struct sl_eth_dev *dev)
{
	uint32_t rctl = E1000_RCTL_BAM;

	if (dev->data->promiscuous)
		rctl |= E1000_RCTL_UPE | E1000_RCTL_MPE;
	if (dev->data->all_multicast)
		rctl |= E1000_RCTL_MPE;
	return rctl;
}

void e1000_tx_queues_start(struct sl_eth_dev *dev, uint32_t ipgt)
{
	volatile uint8_t *hw = adapter_of(dev)->hw;
	uint16_t q;

	/* no TX queue: transmit stays off (quiesced) */
	if (dev->data->nb_tx_queues == 0)
		return;
	for (q = 0; q < dev->data->nb_tx_queues; q++) {
		struct e1000_tx_queue *txq = dev->data->tx_queues[q];

		e1000_tx_queue_init(txq);
		e1000_hw_tx_ring_setup(hw, q, txq->ring_iova, txq->nb_desc);
		/* the queue's own enable: TCTL.EN again on the 8254x (written
		 * whole below), TARC(q).ENABLE on the 82574 */
		sl_write32(sl_read32(txq->enable_reg) | txq->enable_bit, txq->enable_reg);
	}
	e1000_hw_tx_enable(hw, ipgt);
}

int e1000_rx_queues_start(struct sl_eth_dev *dev, uint32_t *rctl, uint32_t *rxcsum)
{
	volatile uint8_t *hw = adapter_of(dev)->hw;
	uint32_t mtu = dev->data->mtu ? dev->data->mtu : SL_ETHER_MTU;
	uint32_t max_frame = mtu + SL_ETHER_HDR_LEN + SL_ETHER_VLAN_HDR_LEN;
	uint32_t bsize = 0;
	uint16_t q, buf_len = 0;

	*rxcsum = 0;
	/* no RX queue: receive stays off (RCTL 0) */
	*rctl = 0;
	if (dev->data->nb_rx_queues == 0)
		return 0;
	for (q = 0; q < dev->data->nb_rx_queues; q++) {
		const struct e1000_rx_queue *rxq = dev->data->rx_queues[q];
		uint32_t room = sl_pktmbuf_data_room_size(rxq->mp) - SL_PKTMBUF_HEADROOM, bits;
		uint16_t len;

		/* one RCTL.BSIZE for all queues: the smallest pool decides */
		bits = e1000_rctl_bsize(room, &len);
		if (q == 0 || len < buf_len) {
			bsize = bits;
			buf_len = len;
		}
	}
	for (q = 0; q < dev->data->nb_rx_queues; q++) {
		struct e1000_rx_queue *rxq = dev->data->rx_queues[q];

		rxq->buf_len = buf_len;
		if (sl_eth_rx_frame_check(dev, buf_len, rxq->scatter, NULL) < 0)
			return -EINVAL;
		if (e1000_rx_queue_init(rxq) < 0)
			return sl_eth_rx_pool_short(dev, q, rxq->mp, rxq->nb_desc);
		e1000_hw_rx_ring_setup(hw, q, rxq->ring_iova, rxq->nb_desc);
		/* one RXCSUM for all queues: what any of them asks for */
		if (rxq->csum & SL_ETH_RX_OFFLOAD_IPV4_CKSUM)
			*rxcsum |= E1000_RXCSUM_IPOFLD;
		if (rxq->csum & (SL_ETH_RX_OFFLOAD_UDP_CKSUM | SL_ETH_RX_OFFLOAD_TCP_CKSUM))
			*rxcsum |= E1000_RXCSUM_TUOFLD;
	}
	e1000_write(hw, E1000_RDTR, 0);
	e1000_write(hw, E1000_RADV, 0);
	*rctl = bsize | E1000_RCTL_EN | E1000_RCTL_SECRC | E1000_RCTL_RDMTS_HALF |
		rctl_filters(dev);
	if (max_frame > E1000_MAX_STD_FRAME_LEN)
		*rctl |= E1000_RCTL_LPE;
	return 0;
}

static void queues_drain(struct sl_eth_dev *dev)
{
	uint16_t q;

	for (q = 0; q < dev->data->nb_rx_queues; q++)
		if (dev->data->rx_queues[q] != NULL)
			e1000_rx_queue_drain(dev->data->rx_queues[q]);
	for (q = 0; q < dev->data->nb_tx_queues; q++)
		if (dev->data->tx_queues[q] != NULL)
			e1000_tx_queue_drain(dev->data->tx_queues[q]);
}

int e1000_start_finish(struct sl_eth_dev *dev)
{
	int ret;

	e1000_hw_irq_mask(adapter_of(dev)->hw);
	e1000_link_update(dev, 0);
	ret = e1000_intr_start(dev);
	return ret < 0 ? e1000_start_failed(dev, ret) : 0;
}

int e1000_start_failed(struct sl_eth_dev *dev, int err)
{
	struct e1000_adapter *ad = adapter_of(dev);

	ad->chip->quiesce(ad->hw);
	queues_drain(dev);
	return err;
}

static int e1000_dev_stop(struct sl_eth_dev *dev)
{
	struct e1000_adapter *ad = adapter_of(dev);

	e1000_intr_stop(dev);
	ad->chip->quiesce(ad->hw);
	sl_eth_stop_drain();
	queues_drain(dev);
	return 0;
}

static int e1000_dev_close(struct sl_eth_dev *dev)
{
	struct e1000_adapter *ad = adapter_of(dev);

	ad->chip->quiesce(ad->hw);
	free(ad);
	return 0;
}

/* ---- link, statistics -------------------------------------------------------- */

int e1000_link_update(struct sl_eth_dev *dev, int wait_to_complete)
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

/* The port totals come from the device; the queues add what the driver
 * dropped (frames the device accepted but the driver could not deliver,
 * packets it refused) and the per-queue figures. */
int e1000_stats_get(struct sl_eth_dev *dev, struct sl_eth_stats *st)
{
	struct e1000_adapter *ad = adapter_of(dev);
	uint64_t obytes = 0;
	uint16_t q;

	e1000_hw_stats_get(ad->hw, &ad->stats, st);
	for (q = 0; q < dev->data->nb_rx_queues; q++) {
		const struct e1000_rx_queue *rxq = dev->data->rx_queues[q];
		uint64_t errors;

		if (rxq == NULL)
			continue;
		errors = sl_eth_qcnt_read(&rxq->cnt, SL_QCNT_ERRORS);
		st->ierrors += errors;
		st->rx_nombuf += sl_eth_qcnt_read(&rxq->cnt, SL_QCNT_NOMBUF);
		if (q < SL_ETHDEV_QUEUE_STAT_CNTRS) {
			st->q_ipackets[q] = sl_eth_qcnt_read(&rxq->cnt, SL_QCNT_PKTS);
			st->q_ibytes[q] = sl_eth_qcnt_read(&rxq->cnt, SL_QCNT_BYTES);
			st->q_errors[q] = errors;
		}
	}
	for (q = 0; q < dev->data->nb_tx_queues; q++) {
		const struct e1000_tx_queue *txq = dev->data->tx_queues[q];
		uint64_t bytes;

		if (txq == NULL)
			continue;
		bytes = sl_eth_qcnt_read(&txq->cnt, SL_QCNT_BYTES);
		obytes += bytes;
		st->oerrors += sl_eth_qcnt_read(&txq->cnt, SL_QCNT_ERRORS);
		if (q < SL_ETHDEV_QUEUE_STAT_CNTRS) {
			st->q_opackets[q] = sl_eth_qcnt_read(&txq->cnt, SL_QCNT_PKTS);
			st->q_obytes[q] = bytes;
		}
	}
	if (ad->chip->obytes_from_queues)
		st->obytes = obytes;
	return 0;
}

/* Allowed on a started port: the queue counters get a new base, never a
 * store under the poller (sl_ethdev_driver.h). */
int e1000_stats_reset(struct sl_eth_dev *dev)
{
	struct e1000_adapter *ad = adapter_of(dev);

	e1000_hw_stats_clear(ad->hw, &ad->stats);
	sl_eth_stats_reset_queues(dev->data, offsetof(struct e1000_rx_queue, cnt),
				  offsetof(struct e1000_tx_queue, cnt));
	return 0;
}

/* ---- receive filters, address ----------------------------------------------- */

static int rctl_update(struct sl_eth_dev *dev, uint32_t set, uint32_t clear)
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

int e1000_promiscuous_enable(struct sl_eth_dev *dev)
{
	return rctl_update(dev, E1000_RCTL_UPE | E1000_RCTL_MPE, 0);
}

int e1000_promiscuous_disable(struct sl_eth_dev *dev)
{
	return rctl_update(dev, 0, E1000_RCTL_UPE | (dev->data->all_multicast ? 0 : E1000_RCTL_MPE));
}

int e1000_allmulticast_enable(struct sl_eth_dev *dev)
{
	return rctl_update(dev, E1000_RCTL_MPE, 0);
}

int e1000_allmulticast_disable(struct sl_eth_dev *dev)
{
	/* promiscuous mode keeps multicast too */
	return rctl_update(dev, 0, dev->data->promiscuous ? 0 : E1000_RCTL_MPE);
}

int e1000_mac_addr_set(struct sl_eth_dev *dev, struct sl_ether_addr *mac)
{
	e1000_mac_addr_write(adapter_of(dev)->hw, mac);
	return 0;
}

/* ---- PCI ------------------------------------------------------------------- */

/* Both PCI drivers' id tables keep the chips apart; this tells which
 * one a matched device is. */
static const struct e1000_chip *chip_of(const struct sl_pci_device *pci)
{
	return pci->id.device == E1000_DEV_ID_82574L ? &e1000_chip_82574 : &e1000_chip_8254x;
}

/* The station address the chip holds, else a random local one. */
static void perm_addr_load(struct e1000_adapter *ad)
{
	char buf[SL_ETHER_ADDR_FMT_SIZE];

	if (e1000_mac_addr_read(ad->hw, ad->chip->eerd, &ad->perm_addr) == 0)
		return;
	sl_eth_random_addr(&ad->perm_addr);
	sl_ether_format_addr(buf, sizeof(buf), &ad->perm_addr);
	sl_log(SL_LOG_WARNING, ad->chip->log_module,
	       "%s: no valid MAC address in the EEPROM or RAL0/RAH0; using random %s "
	       "(set one with sl_eth_dev_default_mac_addr_set)",
	       ad->pci->name, buf);
}

int e1000_pci_probe(struct sl_pci_device *pci)
{
	const struct e1000_chip *chip = chip_of(pci);
	struct e1000_adapter *ad;
	struct sl_eth_dev *eth;
	char mac[SL_ETHER_ADDR_FMT_SIZE];
	int ret;

	ret = sl_pci_map_bar(pci, 0);
	if (ret < 0)
		return ret;
	if (pci->mem_resource[0].len < E1000_BAR0_MIN_LEN) {
		sl_log(SL_LOG_ERR, chip->log_module,
		       "%s: BAR0 is %" PRIu64 " bytes, %s has 128 KiB: not a %s register "
		       "window (wrong device id in the table?)",
		       pci->name, pci->mem_resource[0].len, chip->family, chip->driver_name);
		return -ENODEV;
	}
	ad = calloc(1, sizeof(*ad));
	if (ad == NULL) {
		sl_log(SL_LOG_ERR, chip->log_module, "%s: out of memory", pci->name);
		return -ENOMEM;
	}
	ad->pci = pci;
	ad->chip = chip;
	ad->hw = pci->mem_resource[0].addr;
	ad->device_id = pci->id.device;
	e1000_hw_stats_init(&ad->stats);

	chip->quiesce(ad->hw);
	perm_addr_load(ad);
	e1000_hw_stats_clear(ad->hw, &ad->stats);

	ret = sl_eth_dev_pci_create(chip->eth_driver, pci, ad, &ad->perm_addr, &eth);
	if (ret < 0) {
		free(ad);
		return ret;
	}
	ad->eth = eth;
	eth->tx_prepare = e1000_prep_pkts;

	sl_ether_format_addr(mac, sizeof(mac), &ad->perm_addr);
	sl_log(SL_LOG_INFO, chip->log_module, "%s: port %u, %s, MAC %s", pci->name,
	       eth->data->port_id, chip->model_name(ad->device_id), mac);
	return 0;
}

/* Before bus mastering: RX/TX off and no ring addresses, whatever a
 * killed previous owner left programmed (QEMU's models have no reset VFIO
 * can use, and CTRL.RST does not clear the rings). Again at remove, after
 * the port is closed, so the bus unmaps BAR0 of a quiet device and the
 * kernel's driver finds it so. */
void e1000_pci_quiesce(struct sl_pci_device *pci)
{
	if (pci->mem_resource[0].addr != NULL &&
	    pci->mem_resource[0].len >= E1000_BAR0_MIN_LEN)
		chip_of(pci)->quiesce(pci->mem_resource[0].addr);
}

/* ---- the two drivers -------------------------------------------------------- */

const struct e1000_chip e1000_chip_8254x = {
	.driver_name = E1000_DRIVER_NAME,
	.log_module = "E1000",
	.family = "an 8254x",
	.eth_driver = &e1000_eth_driver,
	.eerd = &e1000_eerd_8254x,
	.quiesce = e1000_8254x_quiesce,
	.model_name = e1000_8254x_model_name,
	.max_frame_len = E1000_MAX_FRAME_LEN,
	.nb_queues = 1,
	.ext_rx_desc = 0,
	.lpbk_max = 1,
	.lpbk_modes = "0 (off) and 1 (MAC loopback)",
	.rx_offload_capa = SL_ETH_RX_OFFLOAD_SCATTER | SL_ETH_RX_OFFLOAD_CHECKSUM,
	.tx_offload_capa = E1000_TX_OFFLOAD_CKSUM | SL_ETH_TX_OFFLOAD_TCP_TSO,
	.rss_offloads = 0,
	.tx_enable_reg = E1000_TCTL,
	.tx_enable_bit = E1000_TCTL_EN,
	.obytes_from_queues = 0,
};

const struct e1000_chip e1000_chip_82574 = {
	.driver_name = E1000E_DRIVER_NAME,
	.log_module = "E1000E",
	.family = "an 82574",
	.eth_driver = &e1000e_eth_driver,
	.eerd = &e1000_eerd_82574,
	.quiesce = e1000e_hw_quiesce,
	.model_name = e1000e_model_name,
	.max_frame_len = E1000E_MAX_FRAME_LEN,
	.nb_queues = E1000E_NB_QUEUES,
	.ext_rx_desc = 1,
	.lpbk_max = 0,
	.lpbk_modes = "no loopback mode (use 0)",
	.rx_offload_capa = SL_ETH_RX_OFFLOAD_SCATTER | SL_ETH_RX_OFFLOAD_CHECKSUM |
			   SL_ETH_RX_OFFLOAD_RSS_HASH,
	/* The 82574 does TSO (datasheet 7.3.6), but QEMU 7.2's model sends a
	 * TSO packet as IPv4 fragments with the TCP checksum unfinished when
	 * its backend takes no virtio-net header (net_tx_pkt): not offered. */
	.tx_offload_capa = E1000_TX_OFFLOAD_CKSUM,
	.rss_offloads = SL_ETH_RSS_IPV4 | SL_ETH_RSS_NONFRAG_IPV4_TCP | SL_ETH_RSS_IPV6 |
			SL_ETH_RSS_NONFRAG_IPV6_TCP,
	.tx_enable_reg = E1000E_TARC(0),
	.tx_enable_bit = E1000E_TARC_ENABLE,
	.obytes_from_queues = 1,
};

#define E1000_SHARED_OPS                                                              \
	.dev_configure = e1000_dev_configure, .dev_stop = e1000_dev_stop,             \
	.dev_close = e1000_dev_close, .dev_infos_get = e1000_dev_infos_get,           \
	.rx_queue_setup = e1000_rx_queue_setup, .tx_queue_setup = e1000_tx_queue_setup, \
	.rx_queue_release = e1000_rx_queue_release,                                   \
	.tx_queue_release = e1000_tx_queue_release, .link_update = e1000_link_update, \
	.stats_get = e1000_stats_get, .stats_reset = e1000_stats_reset,               \
	.promiscuous_enable = e1000_promiscuous_enable,                               \
	.promiscuous_disable = e1000_promiscuous_disable,                             \
	.allmulticast_enable = e1000_allmulticast_enable,                             \
	.allmulticast_disable = e1000_allmulticast_disable,                           \
	.mac_addr_set = e1000_mac_addr_set,                                           \
	.rx_queue_intr_enable = e1000_rx_queue_intr_enable,                           \
	.rx_queue_intr_disable = e1000_rx_queue_intr_disable

static const struct sl_eth_dev_ops e1000_ops = {
	E1000_SHARED_OPS,
	.dev_start = e1000_8254x_dev_start,
};

static const struct sl_eth_dev_ops e1000e_ops = {
	E1000_SHARED_OPS,
	.dev_start = e1000e_dev_start,
};

const struct sl_eth_driver e1000_eth_driver = {
	.name = E1000_DRIVER_NAME,
	.ops = &e1000_ops,
	.rx_burst = e1000_recv_pkts,
	.tx_burst = e1000_xmit_pkts,
};

const struct sl_eth_driver e1000e_eth_driver = {
	.name = E1000E_DRIVER_NAME,
	.ops = &e1000e_ops,
	.rx_burst = e1000e_recv_pkts,
	.tx_burst = e1000_xmit_pkts,
};

static const struct sl_pci_id e1000_pci_ids[] = {
	{ E1000_VENDOR_INTEL, E1000_DEV_ID_82540EM },
	{ E1000_VENDOR_INTEL, E1000_DEV_ID_82545EM_COPPER },
	{ E1000_VENDOR_INTEL, E1000_DEV_ID_82544EI_COPPER },
	{ E1000_VENDOR_INTEL, E1000_DEV_ID_82544GC_COPPER },
	{ 0, 0 },
};

static const struct sl_pci_id e1000e_pci_ids[] = {
	{ E1000_VENDOR_INTEL, E1000_DEV_ID_82574L },
	{ 0, 0 },
};

SL_ETH_PCI_DRIVER(e1000_pci_driver, E1000_DRIVER_NAME, e1000_pci_ids, e1000_pci_probe,
		  e1000_pci_quiesce)
SL_ETH_PCI_DRIVER(e1000e_pci_driver, E1000E_DRIVER_NAME, e1000e_pci_ids, e1000_pci_probe,
		  e1000_pci_quiesce)
