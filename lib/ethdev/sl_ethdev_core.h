/* SPDX-License-Identifier: BSD-3-Clause
 * Sluice ethdev fast path: the per-port table the bursts read and the
 * inline sl_eth_rx_burst / sl_eth_tx_burst / sl_eth_tx_prepare. Included
 * by sl_ethdev.h (use that); apart from the port API so that a reader sees
 * the whole per-packet cost in one place, as sl_ring_core.h does for the
 * ring.
 */
#ifndef SL_ETHDEV_CORE_H
#define SL_ETHDEV_CORE_H

#include <stdint.h>

#include "sl_common.h"
#include "sl_mbuf.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Ports per process (the size of sl_eth_fp_ops[]) and queues per port and
 * direction (the length of every queue array a poller may index). */
#define SL_MAX_ETHPORTS 32
#define SL_MAX_QUEUES_PER_PORT 1024

typedef uint16_t (*sl_rx_burst_t)(void *rxq, struct sl_mbuf **pkts, uint16_t nb_pkts);
typedef uint16_t (*sl_tx_burst_t)(void *txq, struct sl_mbuf **pkts, uint16_t nb_pkts);
/* Checks/fixes packets for the TX offloads they request (pseudo-header
 * checksums and the like); returns how many leading packets are fine and
 * sets errno for the first bad one. */
typedef uint16_t (*sl_tx_prepare_t)(void *txq, struct sl_mbuf **pkts, uint16_t nb_pkts);

/* A burst hook sees every burst of a port in one direction: RX after the
 * driver filled pkts, TX before the driver takes them (live capture,
 * sl_eth_burst_hook_set). Off, it costs the bursts one load from the line
 * they read anyway and one predictable branch. */
struct sl_eth_burst_hook {
	void (*fn)(uint16_t port_id, uint16_t queue_id, struct sl_mbuf *const *pkts,
		   uint16_t nb_pkts, void *arg);
	void *arg;
};

/* One cache line per port, all the fast path reads. rxq/txq are the
 * driver's queue objects indexed by queue id. A port that is not started
 * has bursts that return 0 and queue arrays that stay valid to index (up
 * to SL_MAX_QUEUES_PER_PORT), so a racing poller cannot crash. Written
 * only by sl_eth_dev_start / stop / close. */
struct sl_eth_fp_ops {
	sl_rx_burst_t rx_burst;
	void **rxq;
	sl_tx_burst_t tx_burst;
	void **txq;
	sl_tx_prepare_t tx_prepare;	/* NULL: nothing to prepare */
	uint16_t nb_rxq;		/* configured queues, for SL_DEBUG_CHECKS */
	uint16_t nb_txq;
	uint32_t reserved_;
	const struct sl_eth_burst_hook *rx_hook;	/* NULL: none (the usual case) */
	const struct sl_eth_burst_hook *tx_hook;
} __sl_cache_aligned;
SL_STATIC_ASSERT(sizeof(struct sl_eth_fp_ops) == SL_CACHE_LINE_SIZE, "fp ops is one cache line");

extern struct sl_eth_fp_ops sl_eth_fp_ops[SL_MAX_ETHPORTS];

#ifdef SL_DEBUG_CHECKS
/* Logs a fast-path misuse (bad port, queue or mbuf). */
void sl_eth_fp_bad_call_(const char *what, uint16_t port_id, uint16_t queue_id);
#endif
/* Runs the port's hook for the direction (0 RX, 1 TX) if one is still set. */
void sl_eth_burst_hook_run_(uint16_t port_id, uint16_t queue_id, struct sl_mbuf *const *pkts,
			    uint16_t nb_pkts, int dir);

/* Receives up to nb_pkts packets (nb_pkts >= 32 lets vector drivers work in
 * full strides). The mbufs belong to the caller afterwards. */
static __sl_always_inline uint16_t sl_eth_rx_burst(uint16_t port_id, uint16_t queue_id,
						   struct sl_mbuf **rx_pkts, uint16_t nb_pkts)
{
	struct sl_eth_fp_ops *fp;
	sl_rx_burst_t rx;
	void **rxq;

#ifdef SL_DEBUG_CHECKS
	if (sl_unlikely(port_id >= SL_MAX_ETHPORTS)) {
		sl_eth_fp_bad_call_("rx_burst", port_id, queue_id);
		return 0;
	}
	if (sl_unlikely(queue_id >= sl_eth_fp_ops[port_id].nb_rxq)) {
		sl_eth_fp_bad_call_("rx_burst", port_id, queue_id);
		return 0;
	}
#endif
	fp = &sl_eth_fp_ops[port_id];
	/* Acquire pairs with sl_eth_dev_start's release: whoever sees the
	 * real burst sees the queues it runs on. Both loads are plain movs
	 * on x86; the atomics only keep the compiler (and TSan) honest. */
	rx = __atomic_load_n(&fp->rx_burst, __ATOMIC_ACQUIRE);
	rxq = __atomic_load_n(&fp->rxq, __ATOMIC_RELAXED);
	nb_pkts = rx(rxq[queue_id], rx_pkts, nb_pkts);
	if (sl_unlikely(__atomic_load_n(&fp->rx_hook, __ATOMIC_RELAXED) != NULL))
		sl_eth_burst_hook_run_(port_id, queue_id, rx_pkts, nb_pkts, 0);
	return nb_pkts;
}

/* Queues up to nb_pkts packets for sending; returns how many were taken
 * (their mbufs now belong to the driver, which frees them once sent). The
 * rest still belong to the caller: retry or free them. */
static __sl_always_inline uint16_t sl_eth_tx_burst(uint16_t port_id, uint16_t queue_id,
						   struct sl_mbuf **tx_pkts, uint16_t nb_pkts)
{
	struct sl_eth_fp_ops *fp;
	sl_tx_burst_t tx;
	void **txq;

#ifdef SL_DEBUG_CHECKS
	if (sl_unlikely(port_id >= SL_MAX_ETHPORTS)) {
		sl_eth_fp_bad_call_("tx_burst", port_id, queue_id);
		return 0;
	}
	if (sl_unlikely(queue_id >= sl_eth_fp_ops[port_id].nb_txq)) {
		sl_eth_fp_bad_call_("tx_burst", port_id, queue_id);
		return 0;
	}
	for (uint16_t i = 0; i < nb_pkts; i++)
		if (sl_unlikely(tx_pkts[i] == NULL)) {
			sl_eth_fp_bad_call_("tx_burst (NULL mbuf)", port_id, queue_id);
			return 0;
		}
#endif
	fp = &sl_eth_fp_ops[port_id];
	tx = __atomic_load_n(&fp->tx_burst, __ATOMIC_ACQUIRE);
	txq = __atomic_load_n(&fp->txq, __ATOMIC_RELAXED);
	/* before the driver: a sent mbuf may be freed and reused at once */
	if (sl_unlikely(__atomic_load_n(&fp->tx_hook, __ATOMIC_RELAXED) != NULL))
		sl_eth_burst_hook_run_(port_id, queue_id, tx_pkts, nb_pkts, 1);
	return tx(txq[queue_id], tx_pkts, nb_pkts);
}

/* Call before sl_eth_tx_burst on packets that request TX offloads. */
static inline uint16_t sl_eth_tx_prepare(uint16_t port_id, uint16_t queue_id,
					 struct sl_mbuf **tx_pkts, uint16_t nb_pkts)
{
	struct sl_eth_fp_ops *fp;
	sl_tx_prepare_t prep;

#ifdef SL_DEBUG_CHECKS
	if (sl_unlikely(port_id >= SL_MAX_ETHPORTS || queue_id >= sl_eth_fp_ops[port_id].nb_txq)) {
		sl_eth_fp_bad_call_("tx_prepare", port_id, queue_id);
		return 0;
	}
#endif
	fp = &sl_eth_fp_ops[port_id];
	prep = __atomic_load_n(&fp->tx_prepare, __ATOMIC_ACQUIRE);
	if (prep == NULL)
		return nb_pkts;
	return prep(__atomic_load_n(&fp->txq, __ATOMIC_RELAXED)[queue_id], tx_pkts, nb_pkts);
}

#ifdef __cplusplus
}
#endif
#endif /* SL_ETHDEV_CORE_H */
