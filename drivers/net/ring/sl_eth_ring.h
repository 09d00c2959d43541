/* SPDX-License-Identifier: BSD-3-Clause
 * net_ring: ports backed by sl_rings, for tests and in-process pipelines.
 *
 * A port's RX queue q dequeues from rx_rings[q]; TX queue q enqueues into
 * tx_rings[q]. Two ports whose rings cross (A's tx ring is B's rx ring and
 * the other way round) form a cable; a port whose tx ring is its own rx
 * ring loops back. TX takes as many packets as fit in the ring and leaves
 * the rest with the caller (counted in oerrors); mbufs are passed by
 * pointer, never copied.
 *
 * From the command line: --vdev net_ring0 (TX loops back to its own RX),
 * --vdev net_ring1,peer=net_ring0 (cabled to an existing net_ring port:
 * TX of each lands on the other's RX), keys nb_queues=, size= (ring slots).
 */
#ifndef SL_ETH_RING_H
#define SL_ETH_RING_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

struct sl_ring;

/* A port named name over caller-owned rings (they are not freed at close;
 * free them after closing the port). The rings should be SP/SC matching
 * one lcore per queue, or MP/MC if several lcores share them. Between 1 and
 * 16 rings each way. Returns the port id (>= 0), or -EINVAL / -EEXIST /
 * -ENOSPC after a log line. The port still needs configure (with at most
 * nb_rx_rings / nb_tx_rings queues), queue setup and start. */
int sl_eth_from_rings(const char *name, struct sl_ring *const rx_rings[], unsigned nb_rx_rings,
		      struct sl_ring *const tx_rings[], unsigned nb_tx_rings, int socket);

#ifdef __cplusplus
}
#endif
#endif /* SL_ETH_RING_H */
