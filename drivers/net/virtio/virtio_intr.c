/* SPDX-License-Identifier: BSD-3-Clause
 * virtio-net interrupts (virtio 1.x 4.1.4.5, 4.1.5.1.2): RX queues that
 * wake a sleeping lcore and link changes without polling.
 *
 * MSI-X (vfio-pci, when the device has the capability: QEMU gives
 * virtio-net-pci 2 * queue pairs + 2 vectors unless told `vectors=`):
 * vector 0 is the configuration change (msix_config), which the EAL
 * interrupt thread turns into the link event; vector 1 + i belongs to the
 * RX virtqueue of pair i, and its eventfd is the queue's fd: the device
 * wakes the lcore without passing through any thread. TX and control
 * queues get no vector. The device reads a vector back as
 * VIRTIO_MSI_NO_VECTOR when it refuses it, which fails the start.
 *
 * INTx (uio_pci_generic, which has no MSI-X; vfio-pci on a device without
 * the capability): one line for every cause. The interrupt thread reads
 * the ISR status (reading clears it and deasserts the line), wakes every
 * armed RX queue on a used buffer notification and runs the link event on
 * a configuration change, then unmasks the line.
 *
 * A queue's lcore arms and disarms it by the used buffer notification
 * suppression of its ring (virtqueue.h): off while it polls, so a busy
 * port raises nothing; TX and control queues stay off for good. */
#include <errno.h>
#include <string.h>

#include "sl_eal.h"
#include "sl_log.h"
#include "virtio_ethdev.h"

/* How the device can interrupt here: MSI-X if it has the capability, else
 * INTx if it has the line and the ISR status to say why. */
static enum sl_pci_intr_mode intr_mode_of(const struct virtio_adapter *ad)
{
	if (sl_pci_intr_count(ad->pci, SL_PCI_INTR_MSIX) > 0)
		return SL_PCI_INTR_MSIX;
	if (sl_pci_intr_count(ad->pci, SL_PCI_INTR_INTX) > 0 && ad->hw.isr != NULL)
		return SL_PCI_INTR_INTX;
	return SL_PCI_INTR_NONE;
}

void virtio_intr_info(const struct virtio_adapter *ad, struct sl_eth_dev_info *info)
{
	enum sl_pci_intr_mode mode = intr_mode_of(ad);
	unsigned msix = sl_pci_intr_count(ad->pci, SL_PCI_INTR_MSIX);

	if (mode == SL_PCI_INTR_NONE)
		return;
	/* 5.1.4.2: without VIRTIO_NET_F_STATUS the link is always up */
	if (virtio_has(&ad->hw, VIRTIO_NET_F_STATUS))
		info->intr_capa |= SL_ETH_INTR_LSC;
	/* With MSI-X the vectors bound the queues (0 with one vector: the
	 * configure then says how to get more). */
	if (mode == SL_PCI_INTR_MSIX)
		info->max_rx_intr_queues =
			(uint16_t)SL_MIN(SL_MIN(msix, SL_PCI_MAX_VECTORS) - 1, info->max_rx_queues);
	else
		info->max_rx_intr_queues = info->max_rx_queues;
	info->intr_capa |= SL_ETH_INTR_RXQ;
}

int virtio_intr_vectors_check(uint16_t port, const char *pci_name, unsigned msix, uint16_t nb_rxq)
{
	unsigned need = nb_rxq + 1u;

	if (need > SL_PCI_MAX_VECTORS) {
		SL_LOG(ERR, VIRTIO,
		       "port %u (%s): %u RX queues with interrupts need %u MSI-X vectors, Sluice "
		       "wires at most %u: configure at most %u queues",
		       port, pci_name, nb_rxq, need, SL_PCI_MAX_VECTORS, SL_PCI_MAX_VECTORS - 1);
		return -ENOTSUP;
	}
	if (msix >= need)
		return 0;
	SL_LOG(ERR, VIRTIO,
	       "port %u (%s) has %u MSI-X vectors; %u RX queue%s with interrupts and the link "
	       "need %u: give QEMU -device virtio-net-pci,...,vectors=%u (or configure fewer "
	       "queues, or poll)",
	       port, pci_name, msix, nb_rxq, nb_rxq == 1 ? "" : "s", need, need);
	return -ENOTSUP;
}

int virtio_intr_configure(struct sl_eth_dev *dev)
{
	struct virtio_adapter *ad = virtio_adapter_of(dev);

	/* INTx (no MSI-X) serves any number of queues */
	if (!dev->data->dev_conf.intr_conf.rxq || intr_mode_of(ad) != SL_PCI_INTR_MSIX)
		return 0;
	return virtio_intr_vectors_check(dev->data->port_id, ad->pci->name,
					 sl_pci_intr_count(ad->pci, SL_PCI_INTR_MSIX),
					 dev->data->nb_rx_queues);
}

/* ---- start / stop ------------------------------------------------------------ */

int virtio_intr_setup(struct sl_eth_dev *dev)
{
	struct virtio_adapter *ad = virtio_adapter_of(dev);
	const struct sl_eth_conf *conf = &dev->data->dev_conf;
	enum sl_pci_intr_mode mode;
	uint16_t want, got;
	int ret;

	ad->intr_mode = SL_PCI_INTR_NONE;
	if (!conf->intr_conf.rxq && !conf->intr_conf.lsc)
		return 0;
	mode = intr_mode_of(ad);
	ret = sl_pci_intr_enable(ad->pci, mode,
				 mode == SL_PCI_INTR_MSIX && conf->intr_conf.rxq
					 ? dev->data->nb_rx_queues + 1u
					 : 1u);
	if (ret < 0)
		return ret;
	ad->intr_mode = mode;
	if (mode != SL_PCI_INTR_MSIX)
		return 0;
	want = conf->intr_conf.lsc ? 0 : VIRTIO_MSI_NO_VECTOR;
	got = virtio_pci_config_vector_set(&ad->hw, want);
	if (got != want) {
		SL_LOG(ERR, VIRTIO,
		       "port %u (%s): the device refused MSI-X vector 0 for configuration changes "
		       "(reads back 0x%x): set intr_conf.lsc = 0 and poll the link",
		       dev->data->port_id, ad->pci->name, got);
		return -EIO;
	}
	return 0;
}

uint16_t virtio_intr_rx_vector(const struct sl_eth_dev *dev, uint16_t q)
{
	const struct virtio_adapter *ad = dev->data->dev_private;

	return ad->intr_mode == SL_PCI_INTR_MSIX && dev->data->dev_conf.intr_conf.rxq
		       ? (uint16_t)(q + 1)
		       : VIRTIO_MSI_NO_VECTOR;
}

/* The ISR status does not say which queue: every armed one looks. */
static void wake_armed_queues(struct sl_eth_dev *dev)
{
	void *const *rxqs = dev->data->rx_queues;

	for (uint16_t q = 0; q < dev->data->nb_rx_queues; q++)
		if (__atomic_load_n(&((struct virtio_rx_queue *)rxqs[q])->intr_armed,
				    __ATOMIC_ACQUIRE))
			sl_eth_dev_rx_intr_signal(dev, q);
}

void virtio_intr_causes(struct sl_eth_dev *dev, uint8_t isr)
{
	if ((isr & VIRTIO_PCI_ISR_QUEUE) && dev->data->dev_conf.intr_conf.rxq)
		wake_armed_queues(dev);
	if ((isr & VIRTIO_PCI_ISR_CONFIG) && dev->data->dev_conf.intr_conf.lsc)
		sl_eth_dev_lsc_event(dev);
}

/* Vector 0: configuration changes alone with MSI-X, every cause with
 * INTx. */
static void vector0_handler(int fd, void *arg)
{
	struct sl_eth_dev *dev = arg;
	struct virtio_adapter *ad = virtio_adapter_of(dev);

	(void)fd;
	sl_pci_intr_clear(ad->pci, 0);
	if (ad->intr_mode == SL_PCI_INTR_MSIX) {
		sl_eth_dev_lsc_event(dev);
		return;
	}
	/* The read deasserts the line, before the unmask: a level still
	 * high would fire again at once. */
	virtio_intr_causes(dev, virtio_pci_isr_read(&ad->hw));
	sl_pci_intr_unmask(ad->pci);
}

int virtio_intr_start(struct sl_eth_dev *dev)
{
	struct virtio_adapter *ad = virtio_adapter_of(dev);
	const struct sl_eth_conf *conf = &dev->data->dev_conf;
	int ret = 0;

	for (uint16_t q = 0; q < dev->data->nb_rx_queues; q++)
		((struct virtio_rx_queue *)dev->data->rx_queues[q])->intr_armed = 0;
	if (ad->intr_mode == SL_PCI_INTR_NONE)
		return 0;
	for (uint16_t q = 0; conf->intr_conf.rxq && ret == 0 && q < dev->data->nb_rx_queues; q++) {
		if (ad->intr_mode == SL_PCI_INTR_MSIX)
			sl_eth_dev_rx_intr_fd_set(dev, q, sl_pci_intr_fd(ad->pci, q + 1u));
		else
			ret = sl_eth_dev_rx_intr_fd_own(dev, q);
	}
	if (ret < 0)
		return ret;
	/* MSI-X without link events leaves vector 0 unused */
	if (ad->intr_mode == SL_PCI_INTR_INTX || conf->intr_conf.lsc) {
		ret = sl_eal_intr_callback_register(sl_pci_intr_fd(ad->pci, 0), vector0_handler,
						    dev);
		if (ret < 0) {
			SL_LOG(ERR, VIRTIO, "port %u (%s): no room on the interrupt thread (%s)",
			       dev->data->port_id, ad->pci->name, strerror(-ret));
			return ret;
		}
		ad->intr_handler_on = 1;
	}
	SL_LOG(DEBUG, VIRTIO, "port %u: %s interrupts for%s%s", dev->data->port_id,
	       sl_pci_intr_mode_name(ad->intr_mode), conf->intr_conf.rxq ? " RX" : "",
	       conf->intr_conf.lsc ? " link changes" : "");
	return 0;
}

void virtio_intr_stop(struct sl_eth_dev *dev)
{
	struct virtio_adapter *ad = virtio_adapter_of(dev);

	if (!ad->intr_handler_on)
		return;
	/* returns once a running handler is done */
	sl_eal_intr_callback_unregister(sl_pci_intr_fd(ad->pci, 0), vector0_handler, dev);
	ad->intr_handler_on = 0;
}

void virtio_intr_teardown(struct sl_eth_dev *dev)
{
	struct virtio_adapter *ad = virtio_adapter_of(dev);

	if (ad->intr_mode == SL_PCI_INTR_NONE)
		return;
	sl_pci_intr_disable(ad->pci);
	ad->intr_mode = SL_PCI_INTR_NONE;
}

/* ---- the queues' lcores ------------------------------------------------------ */

int virtio_rx_queue_intr_enable(struct sl_eth_dev *dev, uint16_t q)
{
	struct virtio_rx_queue *rxq = dev->data->rx_queues[q];

	/* armed before the ring asks: an INTx handler that sees the cause
	 * sees the queue armed */
	__atomic_store_n(&rxq->intr_armed, 1, __ATOMIC_SEQ_CST);
	/* A stopped queue (the device wrote nonsense) has nothing to wake for. */
	if (virtqueue_intr_on(&rxq->vq) && !rxq->vq.broken)
		sl_eth_dev_rx_intr_signal(dev, q);
	return 0;
}

int virtio_rx_queue_intr_disable(struct sl_eth_dev *dev, uint16_t q)
{
	struct virtio_rx_queue *rxq = dev->data->rx_queues[q];

	virtqueue_intr_off(&rxq->vq);
	__atomic_store_n(&rxq->intr_armed, 0, __ATOMIC_RELEASE);
	return 0;
}
