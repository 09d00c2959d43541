/* SPDX-License-Identifier: BSD-3-Clause
 * e1000 control path: PCI probe/remove, device init, configure, queue
 * setup, start/stop/close, link, statistics, receive filters.
 *
 * Init never relies on CTRL.RST: QEMU's model ignores it (hw/net/e1000.c
 * set_ctrl), and a device a kernel driver used before keeps whatever that
 * driver programmed. Every register the driver depends on is written
 * explicitly; interrupts stay masked (poll mode). */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sl_eal.h"
#include "sl_log.h"
#include "e1000_ethdev.h"

/* SDM 13.4.4: an EERD read completes in microseconds; a device without
 * EERD (82544GC) never sets DONE. */
#define EERD_POLL_US 5
#define EERD_POLL_TRIES 2000
#define MDIC_POLL_US 10
#define MDIC_POLL_TRIES 1000
/* What the SDM allows for autonegotiation to finish (about 9 s). */
#define LINK_WAIT_MS 9000
#define LINK_POLL_MS 100

static const uint32_t e1000_counter_regs[E1000_CNT_NB32] = {
	[E1000_CNT_CRCERRS] = E1000_CRCERRS,
	[E1000_CNT_ALGNERRC] = E1000_ALGNERRC,
	[E1000_CNT_SYMERRS] = E1000_SYMERRS,
	[E1000_CNT_RXERRC] = E1000_RXERRC,
	[E1000_CNT_MPC] = E1000_MPC,
	[E1000_CNT_ECOL] = E1000_ECOL,
	[E1000_CNT_LATECOL] = E1000_LATECOL,
	[E1000_CNT_RLEC] = E1000_RLEC,
	[E1000_CNT_RUC] = E1000_RUC,
	[E1000_CNT_ROC] = E1000_ROC,
	[E1000_CNT_GPRC] = E1000_GPRC,
	[E1000_CNT_GPTC] = E1000_GPTC,
	[E1000_CNT_TPR] = E1000_TPR,
	[E1000_CNT_TPT] = E1000_TPT,
};

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

/* ---- device helpers ---------------------------------------------------- */

/* RX and TX off, interrupts masked and acknowledged, no ring addresses
 * left in the device: the state a stopped port and a kernel driver about
 * to take over expect. */
static void e1000_hw_quiesce(volatile uint8_t *hw)
{
	e1000_write(hw, E1000_IMC, E1000_IMC_ALL);
	e1000_write(hw, E1000_RCTL, 0);
	e1000_write(hw, E1000_TCTL, 0);
	(void)e1000_read(hw, E1000_ICR);
	e1000_write(hw, E1000_RDLEN, 0);
	e1000_write(hw, E1000_RDBAL, 0);
	e1000_write(hw, E1000_RDBAH, 0);
	e1000_write(hw, E1000_RDH, 0);
	e1000_write(hw, E1000_RDT, 0);
	e1000_write(hw, E1000_TDLEN, 0);
	e1000_write(hw, E1000_TDBAL, 0);
	e1000_write(hw, E1000_TDBAH, 0);
	e1000_write(hw, E1000_TDH, 0);
	e1000_write(hw, E1000_TDT, 0);
}

static int e1000_eeprom_read(volatile uint8_t *hw, uint16_t word, uint16_t *value)
{
	int i;

	e1000_write(hw, E1000_EERD, ((uint32_t)word << E1000_EERD_ADDR_SHIFT) | E1000_EERD_START);
	for (i = 0; i < EERD_POLL_TRIES; i++) {
		uint32_t v = e1000_read(hw, E1000_EERD);

		if (v & E1000_EERD_DONE) {
			*value = (uint16_t)(v >> E1000_EERD_DATA_SHIFT);
			return 0;
		}
		sl_delay_us(EERD_POLL_US);
	}
	return -ETIMEDOUT;
}

/* The station address: EEPROM words 0-2 (SDM 5.6.1), else what the
 * device loaded into RAL0/RAH0 at power-up, else a random local one. */
static void e1000_read_mac(struct e1000_adapter *ad)
{
	struct sl_ether_addr mac;
	uint16_t w[3];
	unsigned i;
	char buf[SL_ETHER_ADDR_FMT_SIZE];

	for (i = 0; i < 3; i++)
		if (e1000_eeprom_read(ad->hw, (uint16_t)(E1000_EEPROM_MAC_WORD0 + i), &w[i]) < 0)
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
	if (e1000_read(ad->hw, E1000_RAH(0)) & E1000_RAH_AV) {
		uint32_t ral = e1000_read(ad->hw, E1000_RAL(0));
		uint32_t rah = e1000_read(ad->hw, E1000_RAH(0));

		for (i = 0; i < 4; i++)
			mac.addr_bytes[i] = (uint8_t)(ral >> (8 * i));
		mac.addr_bytes[4] = (uint8_t)rah;
		mac.addr_bytes[5] = (uint8_t)(rah >> 8);
		if (sl_is_valid_assigned_ether_addr(&mac)) {
			ad->perm_addr = mac;
			return;
		}
	}
	sl_eth_random_addr(&ad->perm_addr);
	sl_ether_format_addr(buf, sizeof(buf), &ad->perm_addr);
	SL_LOG(WARNING, E1000,
	       "%s: no valid MAC address in the EEPROM or RAL0/RAH0; using random %s "
	       "(set one with sl_eth_dev_default_mac_addr_set)",
	       ad->pci->name, buf);
}

static void e1000_write_mac(volatile uint8_t *hw, const struct sl_ether_addr *mac)
{
	const uint8_t *b = mac->addr_bytes;

	e1000_write(hw, E1000_RAL(0),
		    (uint32_t)b[0] | ((uint32_t)b[1] << 8) | ((uint32_t)b[2] << 16) |
			    ((uint32_t)b[3] << 24));
	e1000_write(hw, E1000_RAH(0), (uint32_t)b[4] | ((uint32_t)b[5] << 8) | E1000_RAH_AV);
}

static int e1000_phy_write(struct e1000_adapter *ad, uint32_t reg, uint16_t value)
{
	int i;

	e1000_write(ad->hw, E1000_MDIC,
		    value | (reg << E1000_MDIC_REG_SHIFT) |
			    ((uint32_t)E1000_PHY_ADDR << E1000_MDIC_PHY_SHIFT) | E1000_MDIC_OP_WRITE);
	for (i = 0; i < MDIC_POLL_TRIES; i++) {
		uint32_t v = e1000_read(ad->hw, E1000_MDIC);

		if (v & E1000_MDIC_READY)
			return (v & E1000_MDIC_ERROR) ? -EIO : 0;
		sl_delay_us(MDIC_POLL_US);
	}
	return -ETIMEDOUT;
}

/* ---- statistics ---------------------------------------------------------- */

/* Adds what happened since the last read to c->total. A counter that is
 * non-zero and reads lower right after is clearing on read (the silicon);
 * one that does not drop is running (QEMU's CRCERRS..MPC, RNBC, RLEC). A
 * clearing counter only gains in the microseconds between the two reads
 * what it gained since the previous poll, so the test holds in practice. */
static void counter_update(volatile uint8_t *hw, struct e1000_counter *c)
{
	uint32_t v = e1000_read(hw, c->reg), v2;

	switch (c->mode) {
	case E1000_CNT_CLEARS:
		c->total += v;
		return;
	case E1000_CNT_RUNNING:
		c->total += (uint32_t)(v - c->last);
		c->last = v;
		return;
	default:
		if (v == 0)
			return;
		v2 = e1000_read(hw, c->reg);
		if (v2 < v) {
			c->mode = E1000_CNT_CLEARS;
			c->total += (uint64_t)v + v2;
		} else {
			c->mode = E1000_CNT_RUNNING;
			c->total += v2 - c->last;
			c->last = v2;
		}
	}
}

static uint64_t read_counter64(volatile uint8_t *hw, uint32_t reg_low)
{
	/* Low first: reading the high half clears both (SDM 13.7). */
	uint64_t low = e1000_read(hw, reg_low);

	return low | ((uint64_t)e1000_read(hw, reg_low + 4) << 32);
}

static void e1000_stats_update(struct e1000_adapter *ad)
{
	unsigned i;

	for (i = 0; i < E1000_CNT_NB32; i++)
		counter_update(ad->hw, &ad->cnt[i]);
	ad->gorc += read_counter64(ad->hw, E1000_GORCL);
	ad->gotc += read_counter64(ad->hw, E1000_GOTCL);
	/* QEMU 7.2 sets GPRC/GORC (GPTC/GOTC) equal to TPR/TOR (TPT/TOT)
	 * after each frame instead of counting them separately; reading the
	 * totals as well (TPR/TPT above) clears them in the same pass so the
	 * copies stay deltas. */
	(void)read_counter64(ad->hw, E1000_TORL);
	(void)read_counter64(ad->hw, E1000_TOTL);
}

static void e1000_stats_clear(struct e1000_adapter *ad)
{
	unsigned i;

	e1000_stats_update(ad);
	for (i = 0; i < E1000_CNT_NB32; i++)
		ad->cnt[i].total = 0;
	ad->gorc = ad->gotc = 0;
}

static int e1000_stats_get(struct sl_eth_dev *dev, struct sl_eth_stats *st)
{
	struct e1000_adapter *ad = adapter_of(dev);
	struct e1000_rx_queue *rxq = dev->data->nb_rx_queues ? dev->data->rx_queues[0] : NULL;
	struct e1000_tx_queue *txq = dev->data->nb_tx_queues ? dev->data->tx_queues[0] : NULL;
	const struct e1000_counter *c = ad->cnt;
	uint64_t fcs;

	e1000_stats_update(ad);
	st->ipackets = c[E1000_CNT_GPRC].total;
	st->opackets = c[E1000_CNT_GPTC].total;
	/* The octet counters include the 4-byte FCS of every frame; the
	 * application sees frames without it. */
	fcs = (uint64_t)SL_ETHER_CRC_LEN * st->ipackets;
	st->ibytes = ad->gorc > fcs ? ad->gorc - fcs : 0;
	fcs = (uint64_t)SL_ETHER_CRC_LEN * st->opackets;
	st->obytes = ad->gotc > fcs ? ad->gotc - fcs : 0;
	st->imissed = c[E1000_CNT_MPC].total;
	st->ierrors = c[E1000_CNT_CRCERRS].total + c[E1000_CNT_ALGNERRC].total +
		      c[E1000_CNT_SYMERRS].total + c[E1000_CNT_RXERRC].total +
		      c[E1000_CNT_RLEC].total + c[E1000_CNT_RUC].total + c[E1000_CNT_ROC].total;
	st->oerrors = c[E1000_CNT_ECOL].total + c[E1000_CNT_LATECOL].total;
	if (rxq != NULL) {
		/* frames the device accepted but the driver could not deliver */
		st->ierrors += rxq->errors;
		st->rx_nombuf = rxq->nombuf;
		st->q_ipackets[0] = rxq->packets;
		st->q_ibytes[0] = rxq->bytes;
		st->q_errors[0] = rxq->errors;
	}
	if (txq != NULL) {
		st->oerrors += txq->errors;
		st->q_opackets[0] = txq->packets;
		st->q_obytes[0] = txq->bytes;
	}
	return 0;
}

static int e1000_stats_reset(struct sl_eth_dev *dev)
{
	struct e1000_rx_queue *rxq = dev->data->nb_rx_queues ? dev->data->rx_queues[0] : NULL;
	struct e1000_tx_queue *txq = dev->data->nb_tx_queues ? dev->data->tx_queues[0] : NULL;

	e1000_stats_clear(adapter_of(dev));
	if (rxq != NULL)
		rxq->packets = rxq->bytes = rxq->errors = rxq->nombuf = 0;
	if (txq != NULL)
		txq->packets = txq->bytes = txq->errors = 0;
	return 0;
}

/* ---- link ---------------------------------------------------------------- */

static void e1000_link_read(struct e1000_adapter *ad, struct sl_eth_link *link)
{
	uint32_t status = e1000_read(ad->hw, E1000_STATUS);

	link->val64 = 0;
	link->link_autoneg = SL_ETH_LINK_AUTONEG;
	if (!(status & E1000_STATUS_LU))
		return;
	link->link_status = SL_ETH_LINK_UP;
	link->link_duplex = (status & E1000_STATUS_FD) ? SL_ETH_LINK_FULL_DUPLEX
						       : SL_ETH_LINK_HALF_DUPLEX;
	switch ((status & E1000_STATUS_SPEED_MASK) >> E1000_STATUS_SPEED_SHIFT) {
	case 0:
		link->link_speed = SL_ETH_SPEED_NUM_10M;
		break;
	case 1:
		link->link_speed = SL_ETH_SPEED_NUM_100M;
		break;
	default:
		link->link_speed = SL_ETH_SPEED_NUM_1G;
	}
}

static int e1000_link_update(struct sl_eth_dev *dev, int wait_to_complete)
{
	struct e1000_adapter *ad = adapter_of(dev);
	struct sl_eth_link link;
	int waited = 0;

	for (;;) {
		e1000_link_read(ad, &link);
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

static void e1000_rx_queue_free(struct e1000_rx_queue *rxq)
{
	if (rxq == NULL)
		return;
	if (rxq->sw_ring != NULL && rxq->ring != NULL)
		e1000_rx_queue_drain(rxq);
	free(rxq->sw_ring);
	sl_dma_free((void *)(uintptr_t)rxq->ring);
	free(rxq);
}

static void e1000_tx_queue_free(struct e1000_tx_queue *txq)
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

static int e1000_rx_queue_setup(struct sl_eth_dev *dev, uint16_t q, uint16_t nb_desc, int socket,
				const struct sl_eth_rxconf *conf, struct sl_mempool *mp)
{
	struct e1000_adapter *ad = adapter_of(dev);
	uint16_t port = dev->data->port_id, buf_len;
	uint64_t offloads = dev->data->dev_conf.rxmode.offloads | conf->offloads;
	uint32_t room = sl_pktmbuf_data_room_size(mp);
	struct e1000_rx_queue *rxq;
	char name[64];

	room = room > SL_PKTMBUF_HEADROOM ? room - SL_PKTMBUF_HEADROOM : 0;
	e1000_rctl_bsize(room, &buf_len);
	if (buf_len == 0) {
		SL_LOG(ERR, E1000,
		       "port %u: mbufs of the RX pool hold %u bytes after the headroom; "
		       "net_e1000 needs at least 256: create the pool with a bigger data room",
		       port, room);
		return -EINVAL;
	}

	rxq = sl_eth_queue_zalloc(sizeof(*rxq));
	if (rxq == NULL)
		goto nomem;
	snprintf(name, sizeof(name), "e1000_rx_ring_p%u_q%u", port, q);
	rxq->ring = sl_dma_zalloc(name, (size_t)nb_desc * sizeof(struct e1000_rx_desc), 128,
				  socket);
	rxq->sw_ring = calloc(nb_desc, sizeof(*rxq->sw_ring));
	if (rxq->ring == NULL || rxq->sw_ring == NULL)
		goto nomem;
	rxq->ring_iova = sl_mem_virt2iova((const void *)(uintptr_t)rxq->ring);
	if (rxq->ring_iova == SL_BAD_IOVA) {
		SL_LOG(ERR, E1000, "port %u: RX ring has no IOVA (EAL memory not DMA-mapped)", port);
		e1000_rx_queue_free(rxq);
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
	rxq->rdt_reg = ad->hw + E1000_RDT;
	rxq->hw = ad->hw;
	dev->data->rx_queues[q] = rxq;
	return 0;
nomem:
	SL_LOG(ERR, E1000,
	       "port %u: no memory for an RX ring of %u descriptors: reserve more DMA "
	       "memory (-m) or use a smaller ring",
	       port, nb_desc);
	e1000_rx_queue_free(rxq);
	return -ENOMEM;
}

static int e1000_tx_queue_setup(struct sl_eth_dev *dev, uint16_t q, uint16_t nb_desc, int socket,
				const struct sl_eth_txconf *conf)
{
	struct e1000_adapter *ad = adapter_of(dev);
	uint16_t port = dev->data->port_id;
	struct e1000_tx_queue *txq;
	char name[64];


	txq = sl_eth_queue_zalloc(sizeof(*txq));
	if (txq == NULL)
		goto nomem;
	snprintf(name, sizeof(name), "e1000_tx_ring_p%u_q%u", port, q);
	txq->ring = sl_dma_zalloc(name, (size_t)nb_desc * sizeof(struct e1000_tx_desc), 128,
				  socket);
	txq->sw_ring = calloc(nb_desc, sizeof(*txq->sw_ring));
	txq->rs_fifo = calloc(nb_desc, sizeof(*txq->rs_fifo));
	if (txq->ring == NULL || txq->sw_ring == NULL || txq->rs_fifo == NULL)
		goto nomem;
	txq->ring_iova = sl_mem_virt2iova((const void *)(uintptr_t)txq->ring);
	if (txq->ring_iova == SL_BAD_IOVA) {
		SL_LOG(ERR, E1000, "port %u: TX ring has no IOVA (EAL memory not DMA-mapped)", port);
		e1000_tx_queue_free(txq);
		return -EFAULT;
	}
	txq->nb_desc = nb_desc;
	/* ethdev keeps tx_rs_thresh within a quarter of the ring and packets
	 * stay within half of it: a packet always fits once the device has
	 * finished what it reported, so TX cannot stall waiting on itself. */
	txq->rs_thresh = conf->tx_rs_thresh;
	txq->free_thresh = conf->tx_free_thresh;
	txq->max_segs = (uint16_t)SL_MIN(E1000_TX_MAX_SEGS, nb_desc / 2);
	txq->queue_id = q;
	txq->tdt_reg = ad->hw + E1000_TDT;
	txq->hw = ad->hw;
	txq->port_id = port;
	e1000_tx_queue_drain(txq);
	dev->data->tx_queues[q] = txq;
	return 0;
nomem:
	SL_LOG(ERR, E1000,
	       "port %u: no memory for a TX ring of %u descriptors: reserve more DMA "
	       "memory (-m) or use a smaller ring",
	       port, nb_desc);
	e1000_tx_queue_free(txq);
	return -ENOMEM;
}

static void e1000_rx_queue_release(struct sl_eth_dev *dev, uint16_t q)
{
	e1000_rx_queue_free(dev->data->rx_queues[q]);
}

static void e1000_tx_queue_release(struct sl_eth_dev *dev, uint16_t q)
{
	e1000_tx_queue_free(dev->data->tx_queues[q]);
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

	e1000_tx_queue_drain(txq);
	txq->stopped = 0;
	txq->resets = 0;
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
	if (e1000_rx_queue_fill(rxq) < 0)
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
		ret = e1000_phy_write(ad, E1000_PHY_CTRL, bmcr);
		if (ret < 0)
			SL_LOG(WARNING, E1000, "port %u: PHY control write failed (%s)",
			       dev->data->port_id, strerror(-ret));
		ad->phy_loopback = dev->data->dev_conf.lpbk_mode == 1;
	}

	e1000_write_mac(hw, &dev->data->mac_addr);
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
	e1000_write_mac(adapter_of(dev)->hw, mac);
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
	unsigned i;
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
	for (i = 0; i < E1000_CNT_NB32; i++)
		ad->cnt[i].reg = e1000_counter_regs[i];

	e1000_hw_quiesce(ad->hw);
	e1000_read_mac(ad);
	e1000_stats_clear(ad);

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
