/* SPDX-License-Identifier: BSD-3-Clause
 * 82574L control path: PCI probe/remove, configure, queue setup, RSS,
 * start/stop/close, link, statistics, receive filters. Chip access shared
 * with the 8254x (quiesce of queue 0, station address, link, counters)
 * is e1000_hw.c's; transmit is e1000_rxtx.c's legacy-descriptor path.
 *
 * As for the e1000, init never relies on CTRL.RST (QEMU 7.2 only reloads
 * the station address on it, see e1000e_regs.h): every register the
 * driver depends on is written at start. Interrupts stay masked and IVAR
 * routes nothing (poll mode). */
#include <errno.h>
#include <stddef.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sl_eal.h"
#include "sl_log.h"
#include "e1000e_ethdev.h"

#define EERD_POLL_US 5
#define EERD_POLL_TRIES 2000
#define LINK_WAIT_MS 9000
#define LINK_POLL_MS 100
/* BAR0 must reach the RSS key (0x5ca8) and the statistics; the 82574's
 * is 128 KiB. */
#define E1000E_BAR0_MIN_LEN 0x6000

/* The default RSS key: the one of Microsoft's RSS verification suite, so
 * that published Toeplitz test vectors apply. */
static const uint8_t e1000e_default_rss_key[E1000E_RSS_KEY_LEN] = {
	0x6d, 0x5a, 0x56, 0xda, 0x25, 0x5b, 0x0e, 0xc2, 0x41, 0x67, 0x25, 0x3d, 0x43, 0xa3,
	0x8f, 0xb0, 0xd0, 0xca, 0x2b, 0xcb, 0xae, 0x7b, 0x30, 0xb4, 0x77, 0xcb, 0x2d, 0xa3,
	0x80, 0x30, 0xf2, 0x0c, 0x6a, 0x42, 0xb7, 0x3b, 0xbe, 0xac, 0x01, 0xfa,
};

static struct e1000e_adapter *adapter_of(struct sl_eth_dev *dev)
{
	return dev->data->dev_private;
}

/* ---- device helpers ---------------------------------------------------- */

/* e1000_hw_quiesce (interrupts, RCTL, TCTL, queue 0's rings) and queue
 * 1's rings and RSS: nothing left that points the device at memory. */
static void e1000e_hw_quiesce(volatile uint8_t *hw)
{
	e1000_hw_quiesce(hw);
	e1000_write(hw, E1000E_MRQC, 0);
	e1000_write(hw, E1000E_RDLEN(1), 0);
	e1000_write(hw, E1000E_RDBAL(1), 0);
	e1000_write(hw, E1000E_RDBAH(1), 0);
	e1000_write(hw, E1000E_RDH(1), 0);
	e1000_write(hw, E1000E_RDT(1), 0);
	e1000_write(hw, E1000E_TDLEN(1), 0);
	e1000_write(hw, E1000E_TDBAL(1), 0);
	e1000_write(hw, E1000E_TDBAH(1), 0);
	e1000_write(hw, E1000E_TDH(1), 0);
	e1000_write(hw, E1000E_TDT(1), 0);
}

static int e1000e_eeprom_read(volatile uint8_t *hw, uint16_t word, uint16_t *value)
{
	int i;

	e1000_write(hw, E1000_EERD,
		    ((uint32_t)word << E1000E_EERD_ADDR_SHIFT) | E1000E_EERD_START);
	for (i = 0; i < EERD_POLL_TRIES; i++) {
		uint32_t v = e1000_read(hw, E1000_EERD);

		if (v & E1000E_EERD_DONE) {
			*value = (uint16_t)(v >> E1000E_EERD_DATA_SHIFT);
			return 0;
		}
		sl_delay_us(EERD_POLL_US);
	}
	return -ETIMEDOUT;
}

/* EEPROM words 0-2 through the 82574's EERD; else e1000_mac_addr_read,
 * whose RAL0/RAH0 fallback applies as is (its 8254x EERD attempt just
 * times out here); else a random local address. */
static void e1000e_read_mac(struct e1000e_adapter *ad)
{
	struct sl_ether_addr mac;
	char buf[SL_ETHER_ADDR_FMT_SIZE];
	uint16_t w[3];
	unsigned i;

	for (i = 0; i < 3; i++)
		if (e1000e_eeprom_read(ad->hw, (uint16_t)(E1000_EEPROM_MAC_WORD0 + i), &w[i]) < 0)
			break;
	if (i == 3) {
		for (i = 0; i < 3; i++) {
			mac.addr_bytes[2 * i] = (uint8_t)w[i];
			mac.addr_bytes[2 * i + 1] = (uint8_t)(w[i] >> 8);
		}
		if (sl_is_valid_assigned_ether_addr(&mac)) {
			ad->perm_addr = mac;
			return;
		}
	}
	if (e1000_mac_addr_read(ad->hw, &ad->perm_addr) == 0)
		return;
	sl_eth_random_addr(&ad->perm_addr);
	sl_ether_format_addr(buf, sizeof(buf), &ad->perm_addr);
	SL_LOG(WARNING, E1000E,
	       "%s: no valid MAC address in the EEPROM or RAL0/RAH0; using random %s "
	       "(set one with sl_eth_dev_default_mac_addr_set)",
	       ad->pci->name, buf);
}

/* ---- statistics ---------------------------------------------------------- */

static int e1000e_stats_get(struct sl_eth_dev *dev, struct sl_eth_stats *st)
{
	struct e1000e_adapter *ad = adapter_of(dev);
	uint16_t q;

	e1000_hw_stats_get(ad->hw, &ad->stats, st);
	for (q = 0; q < dev->data->nb_rx_queues; q++) {
		const struct e1000e_rx_queue *rxq = dev->data->rx_queues[q];
		uint64_t errors;

		if (rxq == NULL)
			continue;
		/* frames the device accepted but the driver could not deliver */
		errors = sl_eth_qcnt_read(&rxq->cnt, SL_QCNT_ERRORS);
		st->ierrors += errors;
		st->rx_nombuf += sl_eth_qcnt_read(&rxq->cnt, SL_QCNT_NOMBUF);
		if (q < SL_ETHDEV_QUEUE_STAT_CNTRS) {
			st->q_ipackets[q] = sl_eth_qcnt_read(&rxq->cnt, SL_QCNT_PKTS);
			st->q_ibytes[q] = sl_eth_qcnt_read(&rxq->cnt, SL_QCNT_BYTES);
			st->q_errors[q] = errors;
		}
	}
	/* Transmitted octets from the queues, not GOTC: QEMU 7.2 counts TX
	 * octets without the FCS (e1000e_on_tx_done_update_stats) where the
	 * silicon and QEMU's 8254x include it, so no FCS correction is right
	 * for both; the frames the driver handed over are. */
	st->obytes = 0;
	for (q = 0; q < dev->data->nb_tx_queues; q++) {
		const struct e1000_tx_queue *txq = dev->data->tx_queues[q];
		uint64_t bytes;

		if (txq == NULL)
			continue;
		bytes = sl_eth_qcnt_read(&txq->cnt, SL_QCNT_BYTES);
		st->obytes += bytes;
		st->oerrors += sl_eth_qcnt_read(&txq->cnt, SL_QCNT_ERRORS);
		if (q < SL_ETHDEV_QUEUE_STAT_CNTRS) {
			st->q_opackets[q] = sl_eth_qcnt_read(&txq->cnt, SL_QCNT_PKTS);
			st->q_obytes[q] = bytes;
		}
	}
	return 0;
}

static int e1000e_stats_reset(struct sl_eth_dev *dev)
{
	e1000_hw_stats_clear(adapter_of(dev)->hw, &adapter_of(dev)->stats);
	sl_eth_stats_reset_queues(dev->data, offsetof(struct e1000e_rx_queue, cnt),
				  offsetof(struct e1000_tx_queue, cnt));
	return 0;
}

/* ---- link ---------------------------------------------------------------- */

static int e1000e_link_update(struct sl_eth_dev *dev, int wait_to_complete)
{
	struct e1000e_adapter *ad = adapter_of(dev);
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

static int e1000e_dev_configure(struct sl_eth_dev *dev)
{
	const struct sl_eth_conf *conf = &dev->data->dev_conf;

	if (conf->lpbk_mode != 0) {
		SL_LOG(ERR, E1000E,
		       "port %u: lpbk_mode %u not supported: net_e1000e has no loopback mode (use 0)",
		       dev->data->port_id, conf->lpbk_mode);
		return -EINVAL;
	}
	if (conf->link_speeds & SL_ETH_LINK_SPEED_FIXED) {
		SL_LOG(ERR, E1000E,
		       "port %u: fixed link speeds are not supported by net_e1000e: use "
		       "autonegotiation (link_speeds 0)",
		       dev->data->port_id);
		return -ENOTSUP;
	}
	return 0;
}

static int e1000e_dev_infos_get(struct sl_eth_dev *dev, struct sl_eth_dev_info *info)
{
	(void)dev;
	info->driver_name = E1000E_DRIVER_NAME;
	info->min_mtu = SL_ETHER_MIN_MTU;
	info->max_mtu = E1000E_MAX_FRAME_LEN - SL_ETHER_HDR_LEN - SL_ETHER_VLAN_HDR_LEN;
	info->min_rx_bufsize = 256;
	info->max_rx_pktlen = E1000E_MAX_FRAME_LEN;
	info->max_rx_queues = E1000E_NB_QUEUES;
	info->max_tx_queues = E1000E_NB_QUEUES;
	info->max_mac_addrs = 1;
	info->rx_offload_capa = SL_ETH_RX_OFFLOAD_SCATTER | SL_ETH_RX_OFFLOAD_CHECKSUM |
				SL_ETH_RX_OFFLOAD_RSS_HASH;
	info->tx_offload_capa = SL_ETH_TX_OFFLOAD_MULTI_SEGS;
	info->reta_size = E1000E_RETA_ENTRIES;
	info->hash_key_size = E1000E_RSS_KEY_LEN;
	info->flow_type_rss_offloads = SL_ETH_RSS_IPV4 | SL_ETH_RSS_NONFRAG_IPV4_TCP |
				       SL_ETH_RSS_IPV6 | SL_ETH_RSS_NONFRAG_IPV6_TCP;
	info->rx_desc_lim.nb_min = E1000_MIN_RING_DESC;
	info->rx_desc_lim.nb_max = E1000_MAX_RING_DESC;
	info->rx_desc_lim.nb_align = E1000_DESC_ALIGN;
	info->tx_desc_lim.nb_min = E1000_MIN_RING_DESC;
	info->tx_desc_lim.nb_max = E1000_MAX_RING_DESC;
	info->tx_desc_lim.nb_align = E1000_DESC_ALIGN;
	info->tx_desc_lim.nb_seg_max = E1000_TX_MAX_SEGS;
	info->tx_desc_lim.nb_mtu_seg_max = E1000_TX_MAX_SEGS;
	info->speed_capa = SL_ETH_LINK_SPEED_10M_HD | SL_ETH_LINK_SPEED_10M |
			   SL_ETH_LINK_SPEED_100M_HD | SL_ETH_LINK_SPEED_100M |
			   SL_ETH_LINK_SPEED_1G;
	/* ethdev fits these to the ring and checks what the user gives */
	info->default_rxconf.rx_free_thresh = E1000_DEFAULT_RX_FREE_THRESH;
	info->default_txconf.tx_free_thresh = E1000_DEFAULT_TX_FREE_THRESH;
	info->default_txconf.tx_rs_thresh = E1000_DEFAULT_TX_RS_THRESH;
	info->default_rxportconf.burst_size = E1000_DEFAULT_BURST;
	info->default_rxportconf.ring_size = E1000_DEFAULT_RING_DESC;
	info->default_rxportconf.nb_queues = 1;
	info->default_txportconf.burst_size = E1000_DEFAULT_BURST;
	info->default_txportconf.ring_size = E1000_DEFAULT_RING_DESC;
	info->default_txportconf.nb_queues = 1;
	return 0;
}

/* The largest RCTL.BSIZE/BSEX buffer (256 .. 16384 bytes, powers of two)
 * that fits room; 0 in *buf_len when none does. */
static uint32_t e1000e_rctl_bsize(uint32_t room, uint16_t *buf_len)
{
	static const uint32_t bits[] = {
		E1000_RCTL_BSIZE_256, E1000_RCTL_BSIZE_512, E1000_RCTL_BSIZE_1024,
		E1000_RCTL_BSIZE_2048, E1000_RCTL_BSEX | E1000_RCTL_BSIZE_4096,
		E1000_RCTL_BSEX | E1000_RCTL_BSIZE_8192, E1000_RCTL_BSEX | E1000_RCTL_BSIZE_16384,
	};
	int i;

	for (i = (int)SL_DIM(bits) - 1; i >= 0; i--) {
		if ((256u << i) <= room) {
			*buf_len = (uint16_t)(256u << i);
			return bits[i];
		}
	}
	*buf_len = 0;
	return 0;
}

static void e1000e_rx_queue_free(struct e1000e_rx_queue *rxq)
{
	if (rxq == NULL)
		return;
	if (rxq->sw_ring != NULL && rxq->ring != NULL)
		e1000e_rx_queue_drain(rxq);
	free(rxq->sw_ring);
	sl_dma_free((void *)(uintptr_t)rxq->ring);
	free(rxq);
}

static void e1000e_tx_queue_free(struct e1000_tx_queue *txq)
{
	if (txq == NULL)
		return;
	if (txq->sw_ring != NULL && txq->ring != NULL)
		e1000_tx_queue_drain(txq);
	free(txq->sw_ring);
	free(txq->rs_fifo);
	sl_dma_free((void *)(uintptr_t)txq->ring);
	free(txq);
}

static int e1000e_rx_queue_setup(struct sl_eth_dev *dev, uint16_t q, uint16_t nb_desc, int socket,
				 const struct sl_eth_rxconf *conf, struct sl_mempool *mp)
{
	struct e1000e_adapter *ad = adapter_of(dev);
	const struct sl_eth_conf *dconf = &dev->data->dev_conf;
	uint16_t port = dev->data->port_id, buf_len;
	uint64_t offloads = dconf->rxmode.offloads | conf->offloads;
	uint32_t room = sl_pktmbuf_data_room_size(mp);
	struct e1000e_rx_queue *rxq;
	char name[64];

	room = room > SL_PKTMBUF_HEADROOM ? room - SL_PKTMBUF_HEADROOM : 0;
	e1000e_rctl_bsize(room, &buf_len);
	if (buf_len == 0) {
		SL_LOG(ERR, E1000E,
		       "port %u: mbufs of the RX pool hold %u bytes after the headroom; "
		       "net_e1000e needs at least 256: create the pool with a bigger data room",
		       port, room);
		return -EINVAL;
	}
	rxq = sl_eth_queue_zalloc(sizeof(*rxq));
	if (rxq == NULL)
		goto nomem;
	snprintf(name, sizeof(name), "e1000e_rx_ring_p%u_q%u", port, q);
	rxq->ring = sl_dma_zalloc(name, (size_t)nb_desc * sizeof(union e1000e_rx_desc), 128,
				  socket);
	rxq->sw_ring = calloc(nb_desc, sizeof(*rxq->sw_ring));
	if (rxq->ring == NULL || rxq->sw_ring == NULL)
		goto nomem;
	rxq->ring_iova = sl_mem_virt2iova((const void *)(uintptr_t)rxq->ring);
	if (rxq->ring_iova == SL_BAD_IOVA) {
		SL_LOG(ERR, E1000E, "port %u: RX ring has no IOVA (EAL memory not DMA-mapped)", port);
		e1000e_rx_queue_free(rxq);
		return -EFAULT;
	}
	rxq->mp = mp;
	rxq->nb_desc = nb_desc;
	rxq->free_thresh = conf->rx_free_thresh;
	rxq->buf_len = buf_len;
	rxq->port_id = port;
	rxq->queue_id = q;
	rxq->scatter = !!(offloads & SL_ETH_RX_OFFLOAD_SCATTER);
	rxq->csum = !!(offloads & SL_ETH_RX_OFFLOAD_CHECKSUM);
	rxq->rdt_reg = ad->hw + E1000E_RDT(q);
	rxq->rdh_reg = ad->hw + E1000E_RDH(q);
	dev->data->rx_queues[q] = rxq;
	return 0;
nomem:
	SL_LOG(ERR, E1000E,
	       "port %u: no memory for an RX ring of %u descriptors: reserve more DMA "
	       "memory (-m) or use a smaller ring",
	       port, nb_desc);
	e1000e_rx_queue_free(rxq);
	return -ENOMEM;
}

static int e1000e_tx_queue_setup(struct sl_eth_dev *dev, uint16_t q, uint16_t nb_desc, int socket,
				 const struct sl_eth_txconf *conf)
{
	struct e1000e_adapter *ad = adapter_of(dev);
	uint16_t port = dev->data->port_id;
	struct e1000_tx_queue *txq;
	char name[64];

	txq = sl_eth_queue_zalloc(sizeof(*txq));
	if (txq == NULL)
		goto nomem;
	snprintf(name, sizeof(name), "e1000e_tx_ring_p%u_q%u", port, q);
	txq->ring = sl_dma_zalloc(name, (size_t)nb_desc * sizeof(struct e1000_tx_desc), 128,
				  socket);
	txq->sw_ring = calloc(nb_desc, sizeof(*txq->sw_ring));
	txq->rs_fifo = calloc(nb_desc, sizeof(*txq->rs_fifo));
	if (txq->ring == NULL || txq->sw_ring == NULL || txq->rs_fifo == NULL)
		goto nomem;
	txq->ring_iova = sl_mem_virt2iova((const void *)(uintptr_t)txq->ring);
	if (txq->ring_iova == SL_BAD_IOVA) {
		SL_LOG(ERR, E1000E, "port %u: TX ring has no IOVA (EAL memory not DMA-mapped)", port);
		e1000e_tx_queue_free(txq);
		return -EFAULT;
	}
	txq->nb_desc = nb_desc;
	txq->rs_thresh = conf->tx_rs_thresh;
	txq->free_thresh = conf->tx_free_thresh;
	txq->max_segs = (uint16_t)SL_MIN(E1000_TX_MAX_SEGS, nb_desc / 2);
	txq->queue_id = q;
	txq->tdt_reg = ad->hw + E1000E_TDT(q);
	/* e1000_rxtx.c reaches TDH/TDT as hw + E1000_TDH/E1000_TDT, so
	 * queue n's window starts n strides into BAR0. Its fault reset also
	 * toggles TCTL at hw + E1000_TCTL: for queue 1 that lands on 0x500,
	 * which neither the 82574 nor QEMU decodes (the reset then rewinds
	 * TDH1/TDT1 only, which QEMU's synchronous transmit allows). */
	txq->hw = ad->hw + E1000E_QUEUE_STRIDE * q;
	txq->port_id = port;
	e1000_tx_queue_drain(txq);
	dev->data->tx_queues[q] = txq;
	return 0;
nomem:
	SL_LOG(ERR, E1000E,
	       "port %u: no memory for a TX ring of %u descriptors: reserve more DMA "
	       "memory (-m) or use a smaller ring",
	       port, nb_desc);
	e1000e_tx_queue_free(txq);
	return -ENOMEM;
}

static void e1000e_rx_queue_release(struct sl_eth_dev *dev, uint16_t q)
{
	e1000e_rx_queue_free(dev->data->rx_queues[q]);
}

static void e1000e_tx_queue_release(struct sl_eth_dev *dev, uint16_t q)
{
	e1000e_tx_queue_free(dev->data->tx_queues[q]);
}

/* ---- start / stop / close -------------------------------------------------- */

static uint32_t e1000e_rctl_filters(const struct sl_eth_dev *dev)
{
	uint32_t rctl = E1000_RCTL_BAM;

	if (dev->data->promiscuous)
		rctl |= E1000_RCTL_UPE | E1000_RCTL_MPE;
	if (dev->data->all_multicast)
		rctl |= E1000_RCTL_MPE;
	return rctl;
}

static void e1000e_tx_start(volatile uint8_t *hw, struct e1000_tx_queue *txq)
{
	uint16_t q = txq->queue_id;

	e1000_tx_queue_drain(txq);
	txq->stopped = 0;
	txq->resets = 0;
	e1000_write(hw, E1000E_TDBAL(q), (uint32_t)txq->ring_iova);
	e1000_write(hw, E1000E_TDBAH(q), (uint32_t)(txq->ring_iova >> 32));
	e1000_write(hw, E1000E_TDLEN(q), (uint32_t)txq->nb_desc * sizeof(struct e1000_tx_desc));
	e1000_write(hw, E1000E_TDH(q), 0);
	e1000_write(hw, E1000E_TDT(q), 0);
	/* QEMU transmits from queue n only with TARC(n).ENABLE */
	e1000_write(hw, E1000E_TARC(q), e1000_read(hw, E1000E_TARC(q)) | E1000E_TARC_ENABLE);
}

/* MRQC, the redirection table (entry i to queue i % nb_rxq) and the key.
 * With mq_mode RSS: the hash types asked for. With more than one queue
 * and mq_mode NONE: the driver's default spread (every type, default or
 * given key), so that a queue per lcore carries traffic. With one queue
 * and only RSS_HASH asked for: the hash without spreading. */
static void e1000e_rss_start(struct sl_eth_dev *dev, volatile uint8_t *hw, bool rss)
{
	const struct sl_eth_rss_conf *rc = &dev->data->dev_conf.rx_adv_conf.rss_conf;
	const uint8_t *key = rc->rss_key != NULL ? rc->rss_key : e1000e_default_rss_key;
	uint16_t nb_rxq = dev->data->nb_rx_queues ? dev->data->nb_rx_queues : 1;
	uint32_t mrqc = E1000E_MRQC_RSS;
	uint64_t hf = dev->data->dev_conf.rxmode.mq_mode == SL_ETH_MQ_RX_RSS
			      ? rc->rss_hf
			      : SL_ETH_RSS_IP | SL_ETH_RSS_NONFRAG_IPV4_TCP |
					SL_ETH_RSS_NONFRAG_IPV6_TCP;
	unsigned i, j;

	if (!rss) {
		e1000_write(hw, E1000E_MRQC, 0);
		return;
	}
	for (i = 0; i < E1000E_RSS_KEY_LEN / 4; i++)
		e1000_write(hw, E1000E_RSSRK + 4 * i,
			    (uint32_t)key[4 * i] | ((uint32_t)key[4 * i + 1] << 8) |
				    ((uint32_t)key[4 * i + 2] << 16) |
				    ((uint32_t)key[4 * i + 3] << 24));
	for (i = 0; i < E1000E_RETA_ENTRIES / 4; i++) {
		uint32_t v = 0;

		for (j = 0; j < 4; j++)
			v |= (uint32_t)(((4 * i + j) % nb_rxq) << E1000E_RETA_QUEUE_SHIFT) << (8 * j);
		e1000_write(hw, E1000E_RETA + 4 * i, v);
	}
	if (hf & SL_ETH_RSS_IPV4)
		mrqc |= E1000E_MRQC_IPV4;
	if (hf & SL_ETH_RSS_NONFRAG_IPV4_TCP)
		mrqc |= E1000E_MRQC_TCPIPV4;
	if (hf & SL_ETH_RSS_IPV6)
		mrqc |= E1000E_MRQC_IPV6 | E1000E_MRQC_IPV6EX;
	if (hf & SL_ETH_RSS_NONFRAG_IPV6_TCP)
		mrqc |= E1000E_MRQC_TCPIPV6;
	e1000_write(hw, E1000E_MRQC, mrqc);
}

static void e1000e_rx_ring_start(volatile uint8_t *hw, struct e1000e_rx_queue *rxq)
{
	uint16_t q = rxq->queue_id;

	e1000_write(hw, E1000E_RDBAL(q), (uint32_t)rxq->ring_iova);
	e1000_write(hw, E1000E_RDBAH(q), (uint32_t)(rxq->ring_iova >> 32));
	e1000_write(hw, E1000E_RDLEN(q), (uint32_t)rxq->nb_desc * sizeof(union e1000e_rx_desc));
	e1000_write(hw, E1000E_RDH(q), 0);
	/* every descriptor but the one at RDT: see e1000e_rxtx.c */
	e1000_write(hw, E1000E_RDT(q), (uint32_t)rxq->nb_desc - 1);
}

static int e1000e_rx_start(struct sl_eth_dev *dev, volatile uint8_t *hw)
{
	const struct sl_eth_conf *conf = &dev->data->dev_conf;
	uint32_t mtu = dev->data->mtu ? dev->data->mtu : SL_ETHER_MTU;
	uint32_t max_frame = mtu + SL_ETHER_HDR_LEN + SL_ETHER_VLAN_HDR_LEN;
	bool hash = conf->rxmode.mq_mode == SL_ETH_MQ_RX_RSS ||
		    (conf->rxmode.offloads & SL_ETH_RX_OFFLOAD_RSS_HASH);
	bool rss = hash || dev->data->nb_rx_queues > 1;
	uint32_t rctl = 0, rxcsum = 0;
	uint16_t q, buf_len = 0;

	for (q = 0; q < dev->data->nb_rx_queues; q++) {
		struct e1000e_rx_queue *rxq = dev->data->rx_queues[q];
		uint32_t room = sl_pktmbuf_data_room_size(rxq->mp) - SL_PKTMBUF_HEADROOM;
		uint32_t bits;
		uint16_t len;

		/* one RCTL.BSIZE for all queues: the smallest pool decides */
		bits = e1000e_rctl_bsize(room, &len);
		if (q == 0 || len < buf_len) {
			rctl = bits;
			buf_len = len;
		}
	}
	for (q = 0; q < dev->data->nb_rx_queues; q++) {
		struct e1000e_rx_queue *rxq = dev->data->rx_queues[q];

		rxq->buf_len = buf_len;
		rxq->rss = hash;
		if (sl_eth_rx_frame_check(dev, buf_len, rxq->scatter, NULL) < 0)
			return -EINVAL;
		if (e1000e_rx_queue_fill(rxq) < 0)
			return sl_eth_rx_pool_short(dev, q, rxq->mp, rxq->nb_desc);
		e1000e_rx_ring_start(hw, rxq);
		if (rxq->csum)
			rxcsum = E1000_RXCSUM_IPOFLD | E1000_RXCSUM_TUOFLD;
	}
	e1000_write(hw, E1000_RDTR, 0);
	e1000_write(hw, E1000_RADV, 0);
	e1000_write(hw, E1000E_RFCTL, E1000E_RFCTL_EXTEN);
	/* PCSD: dword 1 of the write-back carries the hash, not the IP id;
	 * the checksum status bits stay */
	e1000_write(hw, E1000_RXCSUM, rxcsum | (rss ? E1000E_RXCSUM_PCSD : 0));
	e1000e_rss_start(dev, hw, rss);

	rctl |= E1000_RCTL_EN | E1000_RCTL_SECRC | E1000_RCTL_RDMTS_HALF | e1000e_rctl_filters(dev);
	if (max_frame > E1000_MAX_STD_FRAME_LEN)
		rctl |= E1000_RCTL_LPE;
	e1000_write(hw, E1000_RCTL, rctl);
	return 0;
}

static void e1000e_queues_drain(struct sl_eth_dev *dev)
{
	uint16_t q;

	for (q = 0; q < dev->data->nb_rx_queues; q++)
		if (dev->data->rx_queues[q] != NULL)
			e1000e_rx_queue_drain(dev->data->rx_queues[q]);
	for (q = 0; q < dev->data->nb_tx_queues; q++)
		if (dev->data->tx_queues[q] != NULL)
			e1000_tx_queue_drain(dev->data->tx_queues[q]);
}

static int e1000e_dev_start(struct sl_eth_dev *dev)
{
	struct e1000e_adapter *ad = adapter_of(dev);
	volatile uint8_t *hw = ad->hw;
	uint32_t ctrl;
	unsigned i;
	uint16_t q;
	int ret;

	e1000e_hw_quiesce(hw);
	ctrl = e1000_read(hw, E1000_CTRL);
	ctrl &= ~(E1000_CTRL_LRST | E1000_CTRL_PHY_RST | E1000_CTRL_ILOS | E1000_CTRL_FRCSPD |
		  E1000_CTRL_FRCDPLX | E1000_CTRL_VME | E1000_CTRL_RST);
	ctrl |= E1000_CTRL_SLU | E1000_CTRL_ASDE;
	e1000_write(hw, E1000_CTRL, ctrl);
	e1000_write(hw, E1000_CTRL_EXT, E1000E_CTRL_EXT_DRV_LOAD);
	e1000_write(hw, E1000E_IVAR, 0);

	e1000_mac_addr_write(hw, &dev->data->mac_addr);
	for (i = 1; i < 16; i++) {
		e1000_write(hw, E1000_RAL(i), 0);
		e1000_write(hw, E1000_RAH(i), 0);
	}
	for (i = 0; i < E1000_MTA_ENTRIES; i++)
		e1000_write(hw, E1000_MTA + 4 * i, 0);
	e1000_write(hw, E1000_ITR, 0);

	for (q = 0; q < dev->data->nb_tx_queues; q++)
		e1000e_tx_start(hw, dev->data->tx_queues[q]);
	e1000_write(hw, E1000_TIDV, 0);
	e1000_write(hw, E1000_TADV, 0);
	e1000_write(hw, E1000_TIPG,
		    E1000E_TIPG_IPGT | (E1000_TIPG_IPGR1_DEFAULT << E1000_TIPG_IPGR1_SHIFT) |
			    (E1000_TIPG_IPGR2_DEFAULT << E1000_TIPG_IPGR2_SHIFT));
	e1000_write(hw, E1000_TCTL,
		    E1000_TCTL_EN | E1000_TCTL_PSP | E1000_TCTL_RTLC |
			    (E1000_TCTL_CT_DEFAULT << E1000_TCTL_CT_SHIFT) |
			    (E1000_TCTL_COLD_FULL_DUPLEX << E1000_TCTL_COLD_SHIFT));
	ret = e1000e_rx_start(dev, hw);
	if (ret < 0) {
		e1000e_hw_quiesce(hw);
		e1000e_queues_drain(dev);
		return ret;
	}
	e1000_write(hw, E1000_IMC, E1000_IMC_ALL);
	(void)e1000_read(hw, E1000_ICR);
	e1000e_link_update(dev, 0);
	return 0;
}

static int e1000e_dev_stop(struct sl_eth_dev *dev)
{
	e1000e_hw_quiesce(adapter_of(dev)->hw);
	sl_eth_stop_drain();
	e1000e_queues_drain(dev);
	return 0;
}

static int e1000e_dev_close(struct sl_eth_dev *dev)
{
	struct e1000e_adapter *ad = adapter_of(dev);

	e1000e_hw_quiesce(ad->hw);
	e1000_write(ad->hw, E1000_CTRL_EXT, 0);
	free(ad);
	return 0;
}

/* ---- receive filters, address ----------------------------------------------- */

static int e1000e_rctl_update(struct sl_eth_dev *dev, uint32_t set, uint32_t clear)
{
	struct e1000e_adapter *ad = adapter_of(dev);
	uint32_t rctl;

	/* Stopped: dev_start programs RCTL from data->promiscuous etc. */
	if (!dev->data->dev_started)
		return 0;
	rctl = e1000_read(ad->hw, E1000_RCTL);
	e1000_write(ad->hw, E1000_RCTL, (rctl | set) & ~clear);
	return 0;
}

static int e1000e_promiscuous_enable(struct sl_eth_dev *dev)
{
	return e1000e_rctl_update(dev, E1000_RCTL_UPE | E1000_RCTL_MPE, 0);
}

static int e1000e_promiscuous_disable(struct sl_eth_dev *dev)
{
	return e1000e_rctl_update(dev, 0,
				  E1000_RCTL_UPE | (dev->data->all_multicast ? 0 : E1000_RCTL_MPE));
}

static int e1000e_allmulticast_enable(struct sl_eth_dev *dev)
{
	return e1000e_rctl_update(dev, E1000_RCTL_MPE, 0);
}

static int e1000e_allmulticast_disable(struct sl_eth_dev *dev)
{
	/* promiscuous mode keeps multicast too */
	return e1000e_rctl_update(dev, 0, dev->data->promiscuous ? 0 : E1000_RCTL_MPE);
}

static int e1000e_mac_addr_set(struct sl_eth_dev *dev, struct sl_ether_addr *mac)
{
	e1000_mac_addr_write(adapter_of(dev)->hw, mac);
	return 0;
}

static const struct sl_eth_dev_ops e1000e_ops = {
	.dev_configure = e1000e_dev_configure,
	.dev_start = e1000e_dev_start,
	.dev_stop = e1000e_dev_stop,
	.dev_close = e1000e_dev_close,
	.dev_infos_get = e1000e_dev_infos_get,
	.rx_queue_setup = e1000e_rx_queue_setup,
	.tx_queue_setup = e1000e_tx_queue_setup,
	.rx_queue_release = e1000e_rx_queue_release,
	.tx_queue_release = e1000e_tx_queue_release,
	.link_update = e1000e_link_update,
	.stats_get = e1000e_stats_get,
	.stats_reset = e1000e_stats_reset,
	.promiscuous_enable = e1000e_promiscuous_enable,
	.promiscuous_disable = e1000e_promiscuous_disable,
	.allmulticast_enable = e1000e_allmulticast_enable,
	.allmulticast_disable = e1000e_allmulticast_disable,
	.mac_addr_set = e1000e_mac_addr_set,
};

static const struct sl_eth_driver e1000e_eth_driver = {
	.name = E1000E_DRIVER_NAME,
	.ops = &e1000e_ops,
	.rx_burst = e1000e_recv_pkts,
	.tx_burst = e1000_xmit_pkts,
};

/* ---- PCI ------------------------------------------------------------------- */

static int e1000e_pci_probe(struct sl_pci_device *pci)
{
	struct e1000e_adapter *ad;
	struct sl_eth_dev *eth;
	char mac[SL_ETHER_ADDR_FMT_SIZE];
	int ret;

	ret = sl_pci_map_bar(pci, 0);
	if (ret < 0)
		return ret;
	if (pci->mem_resource[0].len < E1000E_BAR0_MIN_LEN) {
		SL_LOG(ERR, E1000E,
		       "%s: BAR0 is %" PRIu64 " bytes, an 82574 has 128 KiB: not an e1000e "
		       "register window (wrong device id in the table?)",
		       pci->name, pci->mem_resource[0].len);
		return -ENODEV;
	}
	ad = calloc(1, sizeof(*ad));
	if (ad == NULL) {
		SL_LOG(ERR, E1000E, "%s: out of memory", pci->name);
		return -ENOMEM;
	}
	ad->pci = pci;
	ad->hw = pci->mem_resource[0].addr;
	e1000_hw_stats_init(&ad->stats);

	e1000e_hw_quiesce(ad->hw);
	e1000e_read_mac(ad);
	e1000_hw_stats_clear(ad->hw, &ad->stats);

	ret = sl_eth_dev_pci_create(&e1000e_eth_driver, pci, ad, &ad->perm_addr, &eth);
	if (ret < 0) {
		free(ad);
		return ret;
	}
	ad->eth = eth;

	sl_ether_format_addr(mac, sizeof(mac), &ad->perm_addr);
	SL_LOG(INFO, E1000E, "%s: port %u, 82574L, MAC %s", pci->name, eth->data->port_id, mac);
	return 0;
}

/* Before bus mastering: RX/TX off and no ring addresses, whatever a
 * killed previous owner left programmed (QEMU's model has no reset VFIO
 * can use, and CTRL.RST does not clear the rings); again at remove, after
 * the port is closed, for the bus to unmap and the kernel to take. */
static void e1000e_pci_quiesce(struct sl_pci_device *pci)
{
	if (pci->mem_resource[0].addr != NULL &&
	    pci->mem_resource[0].len >= E1000E_BAR0_MIN_LEN)
		e1000e_hw_quiesce(pci->mem_resource[0].addr);
}

static const struct sl_pci_id e1000e_pci_ids[] = {
	{ E1000_VENDOR_INTEL, E1000_DEV_ID_82574L },
	{ 0, 0 },
};

SL_ETH_PCI_DRIVER(e1000e_pci_driver, E1000E_DRIVER_NAME, e1000e_pci_ids, e1000e_pci_probe,
		  e1000e_pci_quiesce)
