/* SPDX-License-Identifier: BSD-3-Clause
 * Sluice ethdev: the probe tail and remove every PCI net driver shares.
 * Only struct sl_pci_device's fields are used, so lib/ethdev needs
 * lib/pci's header, not the library. */
#include <errno.h>

#include "sl_ethdev_driver.h"
#include "sl_pci.h"

int sl_eth_dev_pci_create(const struct sl_eth_driver *drv, struct sl_pci_device *pci, void *priv,
			  const struct sl_ether_addr *mac, struct sl_eth_dev **out)
{
	int ret = sl_eth_dev_create(drv, pci->name, priv, mac, pci->numa_node, out);

	if (ret < 0)
		return ret;
	(*out)->device = pci;
	pci->driver_data = *out;
	return 0;
}

int sl_eth_dev_pci_remove(struct sl_pci_device *pci)
{
	struct sl_eth_dev *dev = pci->driver_data;
	int ret = 0;

	/* A port the application closed already leaves its slot unused (or
	 * taken by another device): only ours is closed here. */
	if (dev != NULL && dev->state == SL_ETH_DEV_ATTACHED && dev->device == pci)
		ret = sl_eth_dev_stop_close(dev);
	if (pci->driver != NULL && pci->driver->quiesce != NULL)
		pci->driver->quiesce(pci);
	pci->driver_data = NULL;
	return ret;
}
