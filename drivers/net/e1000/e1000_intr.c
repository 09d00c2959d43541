/* SPDX-License-Identifier: BSD-3-Clause
 * Interrupts of both chips. The 82574 with MSI-X (VFIO; QEMU offers five
 * vectors) takes one vector per RX queue, whose eventfd its lcore sleeps
 * on directly, and one for link and the other causes, on the EAL
 * interrupt thread (e1000e_regs.h has how QEMU routes them). Otherwise one
 * vector serves every cause: QEMU's 82540EM has INTx only (no MSI
 * capability), as most 8254x parts; the 82574 has MSI too. The ICR says which causes fired and
 * reading it clears them (SDM 13.4.17; 82574 datasheet 10.2.4.1: cleared
 * on read while INT_ASSERTED). Outside MSI-X the 82574 reports a frame on
 * either queue as RXT0, so every armed queue is woken.
 *
 * The vector belongs to the EAL interrupt thread: its handler reads ICR,
 * wakes the armed RX queues' lcores through ethdev's eventfds and runs
 * the link-change event, then unmasks the line. A queue's lcore only sets
 * or clears the RX causes in IMS / IMC, write-1-to-set/clear registers: no
 * read-modify-write that could race the handler or the other queue.
 *
 * Wake latency: RDTR = RADV = 0 (no receive delay timer, RXT0 at every
 * write-back) and ITR = 0 (no throttling), as dev_start leaves them: a
 * sleeping lcore is woken by the first frame, not by a batch. */
#include <errno.h>

#include "sl_eal.h"
#include "sl_log.h"
#include "e1000_ethdev.h"
#include "e1000_regs.h"
#include "e1000e_regs.h"

/* What wakes RX: a frame written back (RXT0), the ring running low
 * (RXDMT0) or out (RXO), so a queue left armed never sleeps on a full ring. */
#define E1000_ICR_RX_WAKE (E1000_ICR_RXT0 | E1000_ICR_RXDMT0 | E1000_ICR_RXO)

static struct e1000_adapter *adapter_of(struct sl_eth_dev *dev)
{
	return dev->data->dev_private;
}

void e1000_intr_causes(struct sl_eth_dev *dev, uint32_t icr)
{
	if (icr & E1000_ICR_RX_WAKE) {
		for (uint16_t q = 0; q < dev->data->nb_rx_queues; q++) {
			struct e1000_rx_queue *rxq = dev->data->rx_queues[q];

			if (__atomic_load_n(&rxq->intr_armed, __ATOMIC_ACQUIRE))
				sl_eth_dev_rx_intr_signal(dev, q);
		}
	}
	if (icr & E1000_ICR_LSC)
		sl_eth_dev_lsc_event(dev);
}

static void intr_handler(int fd, void *arg)
{
	struct sl_eth_dev *dev = arg;
	struct e1000_adapter *ad = adapter_of(dev);

	(void)fd;
	sl_pci_intr_clear(ad->pci, 0);
	/* The cause is cleared before the unmask: INTx is a level, and an
	 * ICR still set would raise it again at once. */
	e1000_intr_causes(dev, e1000_read(ad->hw, E1000_ICR));
	sl_pci_intr_unmask(ad->pci);
}

/* The link (other) vector under MSI-X: nothing to demultiplex. */
static void msix_other_handler(int fd, void *arg)
{
	struct sl_eth_dev *dev = arg;
	struct e1000_adapter *ad = adapter_of(dev);
	uint32_t icr;

	(void)fd;
	sl_pci_intr_clear(ad->pci, dev->data->nb_rx_queues);
	/* Under MSI-X with causes unmasked a read does not clear ICR (QEMU:
	 * e1000e_mac_icr_read; ICR is write-1-to-clear): cleared here, or
	 * LSC and OTHER stay set and the next link change raises nothing. */
	icr = e1000_read(ad->hw, E1000_ICR);
	e1000_write(ad->hw, E1000_ICR, icr & ~(E1000E_ICR_RXQ(0) | E1000E_ICR_RXQ(1)));
	if (icr & E1000_ICR_LSC)
		sl_eth_dev_lsc_event(dev);
}

/* 82574 MSI-X: vector q for RX queue q, vector nb_rx for the rest. */
static int msix_start(struct sl_eth_dev *dev)
{
	struct e1000_adapter *ad = adapter_of(dev);
	const struct sl_eth_conf *conf = &dev->data->dev_conf;
	uint16_t nb_rx = dev->data->nb_rx_queues, q;
	uint32_t ivar = (E1000E_IVAR_VALID | nb_rx) << E1000E_IVAR_OTHER_SHIFT, eiac = 0;
	int ret;

	ret = sl_pci_intr_enable(ad->pci, SL_PCI_INTR_MSIX, nb_rx + 1u);
	if (ret < 0)
		return ret;
	for (q = 0; q < nb_rx; q++) {
		ivar |= (E1000E_IVAR_VALID | q) << E1000E_IVAR_RXQ_SHIFT(q);
		eiac |= E1000E_ICR_RXQ(q);
		if (conf->intr_conf.rxq)
			sl_eth_dev_rx_intr_fd_set(dev, q, sl_pci_intr_fd(ad->pci, q));
	}
	ret = sl_eal_intr_callback_register(sl_pci_intr_fd(ad->pci, nb_rx), msix_other_handler, dev);
	if (ret < 0) {
		sl_pci_intr_disable(ad->pci);
		return ret;
	}
	for (q = 0; q <= nb_rx; q++)
		e1000_write(ad->hw, E1000E_EITR(q), 0);
	e1000_write(ad->hw, E1000E_IVAR, ivar);
	e1000_write(ad->hw, E1000E_EIAC, eiac);
	ad->intr_on = 1;
	ad->intr_msix = 1;
	(void)e1000_read(ad->hw, E1000_ICR);
	if (conf->intr_conf.lsc)
		e1000_write(ad->hw, E1000_IMS, E1000E_ICR_OTHER | E1000_ICR_LSC);
	SL_LOG(DEBUG, E1000, "port %u: MSI-X, %u RX vector(s) and one for link changes",
	       dev->data->port_id, nb_rx);
	return 0;
}

int e1000_intr_start(struct sl_eth_dev *dev)
{
	struct e1000_adapter *ad = adapter_of(dev);
	const struct sl_eth_conf *conf = &dev->data->dev_conf;
	enum sl_pci_intr_mode mode;
	int ret = 0;

	for (uint16_t q = 0; q < dev->data->nb_rx_queues; q++)
		((struct e1000_rx_queue *)dev->data->rx_queues[q])->intr_armed = 0;
	ad->intr_msix = 0;
	if (!conf->intr_conf.rxq && !conf->intr_conf.lsc)
		return 0;
	if (ad->chip->ext_rx_desc &&
	    sl_pci_intr_count(ad->pci, SL_PCI_INTR_MSIX) > dev->data->nb_rx_queues)
		return msix_start(dev);
	mode = sl_pci_intr_count(ad->pci, SL_PCI_INTR_MSI) > 0 ? SL_PCI_INTR_MSI : SL_PCI_INTR_INTX;
	ret = sl_pci_intr_enable(ad->pci, mode, 1);
	if (ret < 0)
		return ret;
	for (uint16_t q = 0; conf->intr_conf.rxq && ret == 0 && q < dev->data->nb_rx_queues; q++)
		ret = sl_eth_dev_rx_intr_fd_own(dev, q);
	if (ret == 0)
		ret = sl_eal_intr_callback_register(sl_pci_intr_fd(ad->pci, 0), intr_handler, dev);
	if (ret < 0) {
		sl_pci_intr_disable(ad->pci);
		return ret;
	}
	ad->intr_on = 1;
	(void)e1000_read(ad->hw, E1000_ICR);
	if (conf->intr_conf.lsc)
		e1000_write(ad->hw, E1000_IMS, E1000_ICR_LSC);
	SL_LOG(DEBUG, E1000, "port %u: %s interrupts for%s%s", dev->data->port_id,
	       sl_pci_intr_mode_name(mode), conf->intr_conf.rxq ? " RX" : "",
	       conf->intr_conf.lsc ? " link changes" : "");
	return 0;
}

void e1000_intr_stop(struct sl_eth_dev *dev)
{
	struct e1000_adapter *ad = adapter_of(dev);

	e1000_write(ad->hw, E1000_IMC, E1000_IMC_ALL);
	if (!ad->intr_on)
		return;
	/* returns once a running handler is done: nothing touches the
	 * queues' eventfds after this */
	if (ad->intr_msix) {
		sl_eal_intr_callback_unregister(sl_pci_intr_fd(ad->pci, dev->data->nb_rx_queues),
						msix_other_handler, dev);
		e1000_write(ad->hw, E1000E_IVAR, 0);
		e1000_write(ad->hw, E1000E_EIAC, 0);
	} else {
		sl_eal_intr_callback_unregister(sl_pci_intr_fd(ad->pci, 0), intr_handler, dev);
	}
	sl_pci_intr_disable(ad->pci);
	ad->intr_on = 0;
	ad->intr_msix = 0;
}

int e1000_rx_queue_intr_enable(struct sl_eth_dev *dev, uint16_t q)
{
	struct e1000_rx_queue *rxq = dev->data->rx_queues[q];

	__atomic_store_n(&rxq->intr_armed, 1, __ATOMIC_SEQ_CST);
	/* MSI-X: the queue's own cause, one shot (EIAC) */
	e1000_write(adapter_of(dev)->hw, E1000_IMS,
		    adapter_of(dev)->intr_msix ? E1000E_ICR_RXQ(q) : E1000_ICR_RX_WAKE);
	/* The IMS write is an uncached store, ordered before the ring is
	 * read again: a frame written back before the arming is seen here,
	 * any later one raises RXT0. */
	if (e1000_rx_queue_frame_ready(rxq))
		sl_eth_dev_rx_intr_signal(dev, q);
	return 0;
}

static int any_armed(const struct sl_eth_dev *dev)
{
	for (uint16_t i = 0; i < dev->data->nb_rx_queues; i++)
		if (__atomic_load_n(&((struct e1000_rx_queue *)dev->data->rx_queues[i])->intr_armed,
				    __ATOMIC_SEQ_CST))
			return 1;
	return 0;
}

int e1000_rx_queue_intr_disable(struct sl_eth_dev *dev, uint16_t q)
{
	struct e1000_rx_queue *rxq = dev->data->rx_queues[q];
	volatile uint8_t *hw = adapter_of(dev)->hw;

	__atomic_store_n(&rxq->intr_armed, 0, __ATOMIC_SEQ_CST);
	if (adapter_of(dev)->intr_msix) {
		e1000_write(hw, E1000_IMC, E1000E_ICR_RXQ(q));
		return 0;
	}
	/* The causes are shared by the queues: masked when none is armed, so
	 * a busy port raises no interrupt per frame. The other queue may arm
	 * between the look and the IMC: looking again and unmasking then
	 * gives it back its interrupt (a cause latched meanwhile in ICR fires
	 * at the IMS write). */
	if (!any_armed(dev)) {
		e1000_write(hw, E1000_IMC, E1000_ICR_RX_WAKE);
		if (any_armed(dev))
			e1000_write(hw, E1000_IMS, E1000_ICR_RX_WAKE);
	}
	return 0;
}
