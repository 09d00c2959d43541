/* SPDX-License-Identifier: BSD-3-Clause
 * net_e1000: the 8254x (82540EM, 82545EM, 82544), one queue, legacy
 * descriptors. What is the 8254x's own: its start (MAC loopback through
 * the PHY and RCTL.LBM) and its model names; its PCI ids and its struct
 * e1000_chip are in e1000_common.c. Everything else is shared with net_e1000e (e1000_common.c, e1000_rx.c, e1000_tx.c,
 * e1000_hw.c). */
#include <string.h>

#include "sl_log.h"
#include "e1000_ethdev.h"

const char *e1000_8254x_model_name(uint16_t device_id)
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

void e1000_8254x_quiesce(volatile uint8_t *hw)
{
	e1000_hw_quiesce(hw, 1);
}

/* QEMU models loopback in the PHY (BMCR), the silicon in RCTL.LBM: ask
 * both. Restore a normal PHY when loopback was on before. */
static void e1000_phy_loopback(struct sl_eth_dev *dev, struct e1000_adapter *ad)
{
	bool on = dev->data->dev_conf.lpbk_mode == 1;
	uint16_t bmcr = E1000_PHY_CTRL_SPEED_1000 | E1000_PHY_CTRL_FULL_DUPLEX;
	int ret;

	if (!on && !ad->phy_loopback)
		return;
	bmcr |= on ? E1000_PHY_CTRL_LOOPBACK : E1000_PHY_CTRL_AUTONEG_EN;
	ret = e1000_phy_write(ad->hw, E1000_PHY_CTRL, bmcr);
	if (ret < 0)
		SL_LOG(WARNING, E1000, "port %u: PHY control write failed (%s)", dev->data->port_id,
		       strerror(-ret));
	ad->phy_loopback = on;
}

int e1000_8254x_dev_start(struct sl_eth_dev *dev)
{
	struct e1000_adapter *ad = dev->data->dev_private;
	uint32_t rctl, rxcsum;
	int ret;

	e1000_hw_quiesce(ad->hw, 1);
	e1000_hw_mac_setup(ad->hw, &dev->data->mac_addr);
	e1000_phy_loopback(dev, ad);
	e1000_tx_queues_start(dev, E1000_TIPG_IPGT_COPPER);
	ret = e1000_rx_queues_start(dev, &rctl, &rxcsum);
	if (ret < 0)
		return e1000_start_failed(dev, ret);
	e1000_write(ad->hw, E1000_RXCSUM, rxcsum);
	if (dev->data->dev_conf.lpbk_mode == 1)
		rctl |= E1000_RCTL_LBM_MAC;
	/* Last: QEMU's model pauses receive for about a second after any
	 * RCTL write (set_rx_control's flush timer), so frames arriving just
	 * after start wait in the backend, they are not lost. */
	e1000_write(ad->hw, E1000_RCTL, rctl);
	return e1000_start_finish(dev);
}
