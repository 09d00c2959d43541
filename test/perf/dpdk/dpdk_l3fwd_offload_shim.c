/* SPDX-License-Identifier: BSD-3-Clause
 * Linked into DPDK's l3fwd example (dpdk-l3fwd, built from Debian's
 * dpdk-doc copy) with -Wl,--wrap: DPDK 22.11's l3fwd asks every port for
 * RX checksum offload and exits when the port has none, as the pcap PMD
 * has none. These wrappers drop the RX offloads the port cannot do before
 * DPDK sees the request, so the example runs on net_pcap unchanged. Its
 * fast path never looks at checksum results, so it does the same work it
 * would do on a NIC. */
#include <rte_ethdev.h>

int __real_rte_eth_dev_configure(uint16_t port, uint16_t nb_rxq, uint16_t nb_txq,
				 const struct rte_eth_conf *conf);
int __wrap_rte_eth_dev_configure(uint16_t port, uint16_t nb_rxq, uint16_t nb_txq,
				 const struct rte_eth_conf *conf);
int __real_rte_eth_rx_queue_setup(uint16_t port, uint16_t q, uint16_t nb_desc,
				  unsigned int socket, const struct rte_eth_rxconf *rxconf,
				  struct rte_mempool *mp);
int __wrap_rte_eth_rx_queue_setup(uint16_t port, uint16_t q, uint16_t nb_desc,
				  unsigned int socket, const struct rte_eth_rxconf *rxconf,
				  struct rte_mempool *mp);

static uint64_t rx_capa(uint16_t port)
{
	struct rte_eth_dev_info info;

	if (rte_eth_dev_info_get(port, &info) != 0)
		return 0;
	return info.rx_offload_capa;
}

int __wrap_rte_eth_dev_configure(uint16_t port, uint16_t nb_rxq, uint16_t nb_txq,
				 const struct rte_eth_conf *conf)
{
	struct rte_eth_conf c = *conf;

	c.rxmode.offloads &= rx_capa(port);
	return __real_rte_eth_dev_configure(port, nb_rxq, nb_txq, &c);
}

int __wrap_rte_eth_rx_queue_setup(uint16_t port, uint16_t q, uint16_t nb_desc,
				  unsigned int socket, const struct rte_eth_rxconf *rxconf,
				  struct rte_mempool *mp)
{
	struct rte_eth_rxconf c;

	if (rxconf == NULL)
		return __real_rte_eth_rx_queue_setup(port, q, nb_desc, socket, rxconf, mp);
	c = *rxconf;
	c.offloads &= rx_capa(port);
	return __real_rte_eth_rx_queue_setup(port, q, nb_desc, socket, &c, mp);
}
