/* SPDX-License-Identifier: BSD-3-Clause
 * vmxnet3 interrupts: an RX queue that wakes a sleeping lcore, and link
 * changes without polling. MSI-X only (vfio-pci; QEMU gives the device 25
 * vectors): INTx would need the ICR read on every cause, and uio has no
 * MSI-X, so without the capability the port offers no interrupts.
 *
 * Each interrupt source of the device names a vector in the shared area
 * and the queue descriptors: vector 0 (VMXNET3_VEC_EVENT) for events (ECR:
 * link, queue errors), on the EAL interrupt thread; vector 1
 * (VMXNET3_VEC_RX) for RX queue 0, whose eventfd its lcore sleeps on
 * directly; vector 2 (VMXNET3_VEC_TX) for the TX completions, masked for
 * good (QEMU raises it on every sent frame).
 *
 * A vector fires when it is pending and unmasked in its IMR (BAR0, one
 * register per vector, 1 = masked). With intrConf.autoMask QEMU masks a
 * vector as it fires: every interrupt is one-shot, and the lcore unmasks
 * RX again when it goes back to sleep (rx_queue_intr_enable). QEMU marks
 * the vector pending on every frame, masked or not: the first unmask
 * after a busy spell fires at once, one early wake-up that finds the ring
 * empty and sleeps again. Writing an IMR traps to QEMU: done only on the
 * way to sleep and back, never per burst. */
#include <errno.h>
#include <string.h>

#include "sl_eal.h"
#include "sl_log.h"
#include "vmxnet3_ethdev.h"

static struct vmxnet3_adapter *adapter_of(const struct sl_eth_dev *dev)
{
	return dev->data->dev_private;
}

static void imr_write(const struct vmxnet3_adapter *ad, unsigned vector, uint32_t masked)
{
	sl_write32(masked, ad->bar0 + VMXNET3_REG_IMR(vector));
}

void vmxnet3_intr_info(const struct vmxnet3_adapter *ad, struct sl_eth_dev_info *info)
{
	if (sl_pci_intr_count(ad->pci, SL_PCI_INTR_MSIX) < VMXNET3_NB_VECTORS)
		return;
	info->intr_capa = SL_ETH_INTR_RXQ | SL_ETH_INTR_LSC;
	info->max_rx_intr_queues = 1;
}

int vmxnet3_intr_wanted(const struct sl_eth_dev *dev)
{
	const struct sl_eth_conf *conf = &dev->data->dev_conf;

	return conf->intr_conf.rxq || conf->intr_conf.lsc;
}

/* Vector 0: the events. Link changes go to ethdev (whose link_update
 * acknowledges ECR); the vector was masked as it fired. */
static void event_handler(int fd, void *arg)
{
	struct sl_eth_dev *dev = arg;
	struct vmxnet3_adapter *ad = adapter_of(dev);

	(void)fd;
	sl_pci_intr_clear(ad->pci, VMXNET3_VEC_EVENT);
	sl_eth_dev_lsc_event(dev);
	imr_write(ad, VMXNET3_VEC_EVENT, 0);
}

int vmxnet3_intr_start(struct sl_eth_dev *dev)
{
	struct vmxnet3_adapter *ad = adapter_of(dev);
	const struct sl_eth_conf *conf = &dev->data->dev_conf;
	int ret;

	if (!vmxnet3_intr_wanted(dev))
		return 0;
	ret = sl_pci_intr_enable(ad->pci, SL_PCI_INTR_MSIX, VMXNET3_NB_VECTORS - 1);
	if (ret < 0)
		return ret;
	ad->intr_on = 1;
	if (conf->intr_conf.rxq)
		sl_eth_dev_rx_intr_fd_set(dev, 0, sl_pci_intr_fd(ad->pci, VMXNET3_VEC_RX));
	if (conf->intr_conf.lsc) {
		ret = sl_eal_intr_callback_register(sl_pci_intr_fd(ad->pci, VMXNET3_VEC_EVENT),
						    event_handler, dev);
		if (ret < 0) {
			sl_log(SL_LOG_ERR, VMXNET3_LOG, "port %u (%s): no room on the interrupt thread (%s)",
			       dev->data->port_id, ad->pci->name, strerror(-ret));
			vmxnet3_intr_stop(dev);
			return ret;
		}
		ad->event_handler_on = 1;
		imr_write(ad, VMXNET3_VEC_EVENT, 0);
	}
	sl_log(SL_LOG_DEBUG, VMXNET3_LOG, "port %u: MSI-X interrupts for%s%s", dev->data->port_id,
	       conf->intr_conf.rxq ? " RX" : "", conf->intr_conf.lsc ? " link changes" : "");
	return 0;
}

void vmxnet3_intr_stop(struct sl_eth_dev *dev)
{
	struct vmxnet3_adapter *ad = adapter_of(dev);
	unsigned v;

	if (!ad->intr_on)
		return;
	if (ad->active)
		for (v = 0; v < VMXNET3_NB_VECTORS; v++)
			imr_write(ad, v, 1);
	/* returns once a running handler is done */
	if (ad->event_handler_on)
		sl_eal_intr_callback_unregister(sl_pci_intr_fd(ad->pci, VMXNET3_VEC_EVENT),
						event_handler, dev);
	ad->event_handler_on = 0;
	sl_pci_intr_disable(ad->pci);
	ad->intr_on = 0;
}

/* ---- the queue's lcore ---------------------------------------------------------- */

int vmxnet3_rx_queue_intr_enable(struct sl_eth_dev *dev, uint16_t q)
{
	struct vmxnet3_rx_queue *rxq = dev->data->rx_queues[q];

	imr_write(adapter_of(dev), VMXNET3_VEC_RX, 0);
	/* The IMR write traps to the device before the ring is read again:
	 * a frame completed before it is seen here, a later one fires. A
	 * stopped queue (the device wrote nonsense) has nothing to wake for. */
	if (vmxnet3_rx_frame_ready(rxq) && !rxq->stopped)
		sl_eth_dev_rx_intr_signal(dev, q);
	return 0;
}

int vmxnet3_rx_queue_intr_disable(struct sl_eth_dev *dev, uint16_t q)
{
	(void)q;
	imr_write(adapter_of(dev), VMXNET3_VEC_RX, 1);
	return 0;
}
