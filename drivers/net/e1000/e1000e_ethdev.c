/* SPDX-License-Identifier: BSD-3-Clause
 * net_e1000e: the Intel 82574L (QEMU's "e1000e", q35's default NIC), two
 * RX and two TX queues, extended RX descriptors, RSS. What is the 82574's
 * own: the queue 1 and RSS registers a quiesce clears, RSS (key,
 * redirection table, hash types), its start (DRV_LOAD, TARC, RFCTL.EXTEN,
 * RXCSUM.PCSD); its PCI id and its struct e1000_chip are in
 * e1000_common.c. Everything else is shared with net_e1000
 * (e1000_common.c, e1000_rx.c, e1000_tx.c, e1000_hw.c). Interrupts stay
 * masked and IVAR routes nothing (poll mode). */
#include <stdbool.h>

#include "e1000_ethdev.h"
#include "e1000e_regs.h"

/* The default RSS key: the one of Microsoft's RSS verification suite, so
 * that published Toeplitz test vectors apply. */
static const uint8_t e1000e_default_rss_key[E1000E_RSS_KEY_LEN] = {
	0x6d, 0x5a, 0x56, 0xda, 0x25, 0x5b, 0x0e, 0xc2, 0x41, 0x67, 0x25, 0x3d, 0x43, 0xa3,
	0x8f, 0xb0, 0xd0, 0xca, 0x2b, 0xcb, 0xae, 0x7b, 0x30, 0xb4, 0x77, 0xcb, 0x2d, 0xa3,
	0x80, 0x30, 0xf2, 0x0c, 0x6a, 0x42, 0xb7, 0x3b, 0xbe, 0xac, 0x01, 0xfa,
};

const char *e1000e_model_name(uint16_t device_id)
{
	(void)device_id;
	return "82574L";
}

/* Both queues' rings, RSS, and the driver-loaded flag: nothing left that
 * points the device at memory, and firmware told no driver runs it. */
void e1000e_hw_quiesce(volatile uint8_t *hw)
{
	e1000_hw_quiesce(hw, E1000E_NB_QUEUES);
	e1000_write(hw, E1000E_MRQC, 0);
	e1000_write(hw, E1000_CTRL_EXT, 0);
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

int e1000e_dev_start(struct sl_eth_dev *dev)
{
	const struct sl_eth_conf *conf = &dev->data->dev_conf;
	volatile uint8_t *hw = ((struct e1000_adapter *)dev->data->dev_private)->hw;
	bool hash = conf->rxmode.mq_mode == SL_ETH_MQ_RX_RSS ||
		    (conf->rxmode.offloads & SL_ETH_RX_OFFLOAD_RSS_HASH);
	bool rss = hash || dev->data->nb_rx_queues > 1;
	uint32_t rctl, rxcsum;
	uint16_t q;
	int ret;

	e1000e_hw_quiesce(hw);
	e1000_hw_mac_setup(hw, &dev->data->mac_addr);
	e1000_write(hw, E1000_CTRL_EXT, E1000E_CTRL_EXT_DRV_LOAD);
	e1000_write(hw, E1000E_IVAR, 0);
	e1000_tx_queues_start(dev, E1000E_TIPG_IPGT);
	ret = e1000_rx_queues_start(dev, &rctl, &rxcsum);
	if (ret < 0)
		return e1000_start_failed(dev, ret);
	for (q = 0; q < dev->data->nb_rx_queues; q++)
		((struct e1000_rx_queue *)dev->data->rx_queues[q])->rss = hash;
	e1000_write(hw, E1000E_RFCTL, E1000E_RFCTL_EXTEN);
	/* PCSD: dword 1 of the write-back carries the hash, not the IP id;
	 * the checksum status bits stay */
	e1000_write(hw, E1000_RXCSUM, rxcsum | (rss ? E1000E_RXCSUM_PCSD : 0));
	e1000e_rss_start(dev, hw, rss);
	e1000_write(hw, E1000_RCTL, rctl);
	return e1000_start_finish(dev);
}
