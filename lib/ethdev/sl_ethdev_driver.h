/* SPDX-License-Identifier: BSD-3-Clause
 * Sluice ethdev, the driver side: what a poll-mode driver implements and
 * the calls it makes to become a port.
 *
 * A driver's probe (PCI: from its sl_pci_driver; virtual: from its
 * sl_vdev_driver) does:
 *
 *   struct sl_eth_dev *dev = sl_eth_dev_allocate(name);   // lowest free port id
 *   dev->dev_ops = &my_ops;
 *   dev->rx_burst = my_rx_burst;  dev->tx_burst = my_tx_burst;
 *   dev->data->dev_private = priv;  dev->data->mac_addr = ...;
 *   dev->data->socket_id = node;  dev->device = pci_dev;  (NULL for a vdev)
 *   sl_eth_dev_probing_finish(dev);                         // now visible
 *
 * and on a failure after allocate: free its own things, sl_eth_dev_release(dev).
 *
 * The ethdev layer validates every argument against dev_info and the
 * port's state before calling an op, so ops may assume: queue ids are below
 * the configured counts, nb_desc is within the descriptor limits and
 * aligned (never 0: the default is filled in), conf pointers are non-NULL,
 * the mempool is a pktmbuf pool with a big enough data room, ops that need
 * a stopped port are only called on one, and a queue being set up again
 * has already been released. Ops return 0 or a negative errno (and log
 * one line if the user can do something about it).
 *
 * Who frees what:
 *   - queue memory: rx/tx_queue_release, called by ethdev for every queue
 *     that is set up when it is set up again, when configure shrinks the
 *     queue count, and at close (after dev_stop);
 *   - everything else the driver allocated (dev_private, rings, BAR
 *     mappings it owns): dev_close, called once, after the queues are
 *     released; the port slot is then freed by ethdev (drivers do not call
 *     sl_eth_dev_release from dev_close).
 *
 * Fast path: rx_burst(rxq, ...) gets data->rx_queues[q] as its first
 * argument; per-queue counters live in the queue object and are written only
 * by the lcore polling it. stats_get sums them into struct sl_eth_stats
 * (the ethdev layer zeroes it first).
 */
#ifndef SL_ETHDEV_DRIVER_H
#define SL_ETHDEV_DRIVER_H

#include "sl_ethdev.h"
#include "sl_kvargs.h"
#include "sl_vdev.h"

#ifdef __cplusplus
extern "C" {
#endif

struct sl_eth_dev;

struct sl_eth_dev_ops {
	/* Required. dev->data->dev_conf, nb_rx_queues and nb_tx_queues hold
	 * the new (validated) configuration; the queue arrays are sized. */
	int (*dev_configure)(struct sl_eth_dev *dev);
	/* Required. Every configured queue is set up. Program the device
	 * (data->mac_addr, mtu, promiscuous, all_multicast are what the user
	 * set while stopped), fill RX rings, enable RX/TX. dev->rx_burst /
	 * tx_burst may be chosen here: ethdev publishes them to the fast
	 * path after dev_start returns 0. */
	int (*dev_start)(struct sl_eth_dev *dev);
	/* Required. The fast path already returns 0 for this port. Stop the
	 * device and give back the mbufs held by RX/TX rings (queues stay
	 * set up and must be startable again). */
	int (*dev_stop)(struct sl_eth_dev *dev);
	/* Required. Queues are released. Free dev_private and all else. */
	int (*dev_close)(struct sl_eth_dev *dev);
	/* Optional. Device reset after a fatal error; the port is stopped and
	 * will be configured again. */
	int (*dev_reset)(struct sl_eth_dev *dev);
	/* Required. ethdev pre-fills driver_name, device_name, nb_*_queues,
	 * min_mtu 68, max_mtu 1500, descriptor limits {nb_max 65535, nb_min 0,
	 * nb_align 1}, max_rx_pktlen 1514 and 1 queue each way; the op
	 * overrides what differs. */
	int (*dev_infos_get)(struct sl_eth_dev *dev, struct sl_eth_dev_info *info);

	/* Required (for every direction the driver has queues). Store the
	 * queue object in dev->data->rx_queues[q] / tx_queues[q]. */
	int (*rx_queue_setup)(struct sl_eth_dev *dev, uint16_t q, uint16_t nb_desc, int socket,
			      const struct sl_eth_rxconf *conf, struct sl_mempool *mp);
	int (*tx_queue_setup)(struct sl_eth_dev *dev, uint16_t q, uint16_t nb_desc, int socket,
			      const struct sl_eth_txconf *conf);
	/* Required with setup. Free the queue (and any mbufs it still holds);
	 * ethdev sets the array slot to NULL afterwards. Port is stopped. */
	void (*rx_queue_release)(struct sl_eth_dev *dev, uint16_t q);
	void (*tx_queue_release)(struct sl_eth_dev *dev, uint16_t q);

	/* Optional. Refresh dev->data->dev_link (publish with
	 * sl_eth_dev_link_set); wait_to_complete: block until autonegotiation
	 * ends or times out. Without it the stored link is reported. */
	int (*link_update)(struct sl_eth_dev *dev, int wait_to_complete);
	int (*dev_set_link_up)(struct sl_eth_dev *dev);	/* optional */
	int (*dev_set_link_down)(struct sl_eth_dev *dev);	/* optional */

	/* Required. stats is zeroed; fill totals and q_* for queues below
	 * SL_ETHDEV_QUEUE_STAT_CNTRS. */
	int (*stats_get)(struct sl_eth_dev *dev, struct sl_eth_stats *stats);
	int (*stats_reset)(struct sl_eth_dev *dev);	/* required */

	/* Optional: -ENOTSUP without. ethdev updates data->promiscuous /
	 * all_multicast after success. */
	int (*promiscuous_enable)(struct sl_eth_dev *dev);
	int (*promiscuous_disable)(struct sl_eth_dev *dev);
	int (*allmulticast_enable)(struct sl_eth_dev *dev);
	int (*allmulticast_disable)(struct sl_eth_dev *dev);

	/* Optional: without it ethdev accepts any MTU within dev_info limits
	 * while the port is stopped (the driver reads data->mtu at start).
	 * With it, called in any state; ethdev stores data->mtu after success. */
	int (*mtu_set)(struct sl_eth_dev *dev, uint16_t mtu);
	/* Optional: without it ethdev stores data->mac_addr (a virtual port
	 * has no filter to program). ethdev stores it after success. */
	int (*mac_addr_set)(struct sl_eth_dev *dev, struct sl_ether_addr *mac);
};

enum sl_eth_dev_state {
	SL_ETH_DEV_UNUSED = 0,	/* free slot */
	SL_ETH_DEV_ALLOCATED,	/* being probed: invisible to applications */
	SL_ETH_DEV_ATTACHED,	/* a port */
};

/* Port state shared by ethdev and the driver. */
struct sl_eth_dev_data {
	char name[SL_ETH_NAME_MAX_LEN];
	uint16_t port_id;
	uint16_t nb_rx_queues;		/* configured */
	uint16_t nb_tx_queues;
	void **rx_queues;		/* [nb_rx_queues]: the driver's queue objects */
	void **tx_queues;
	struct sl_eth_conf dev_conf;	/* as configured, rxmode.mtu filled in */
	uint16_t mtu;
	struct sl_ether_addr mac_addr;
	struct sl_eth_link dev_link;	/* read/written with sl_eth_dev_link_get/set */
	uint8_t promiscuous;
	uint8_t all_multicast;
	uint8_t dev_configured;
	uint8_t dev_started;
	int socket_id;			/* SL_SOCKET_ID_ANY if unknown */
	const char *driver_name;	/* static string: "net_null" */
	void *dev_private;		/* the driver's */
};

struct sl_eth_dev {
	sl_rx_burst_t rx_burst;		/* published to sl_eth_fp_ops at start */
	sl_tx_burst_t tx_burst;
	sl_tx_prepare_t tx_prepare;	/* optional */
	struct sl_eth_dev_data *data;
	const struct sl_eth_dev_ops *dev_ops;
	void *device;			/* bus device (struct sl_pci_device *), NULL for vdevs */
	enum sl_eth_dev_state state;
};

/* A new port named name at the lowest free port id, state ALLOCATED, data
 * zeroed except name, port_id, socket_id (ANY) and mtu (1500); NULL with
 * errno EEXIST (name in use) or ENOSPC (all SL_MAX_ETHPORTS taken) after a
 * log line. */
struct sl_eth_dev *sl_eth_dev_allocate(const char *name);
/* Makes an ALLOCATED port visible to applications. */
void sl_eth_dev_probing_finish(struct sl_eth_dev *dev);
/* Frees a port slot without calling any op (probe failure path). Queue
 * arrays ethdev allocated are freed; the driver's memory is its own. */
int sl_eth_dev_release(struct sl_eth_dev *dev);
/* The port by id or name (any state but UNUSED), or NULL. */
struct sl_eth_dev *sl_eth_dev_get(uint16_t port_id);
struct sl_eth_dev *sl_eth_dev_allocated(const char *name);
/* What a bus driver's remove does first: stop (if started) and close the
 * port it probed, which calls the driver's dev_close. dev NULL (probe
 * failed, nothing to close): 0. Returns sl_eth_dev_close's result. */
int sl_eth_dev_stop_close(struct sl_eth_dev *dev);

/* Zeroed memory for a driver's queue object, aligned to a cache line so
 * that the fast-path fields of two queues polled by different lcores never
 * share one; free() releases it. NULL when out of memory. */
void *sl_eth_queue_zalloc(size_t size);

/* Link word accessors: one 64-bit atomic load/store, so a reader on another
 * thread never sees a speed from one update and a status from another. */
static inline void sl_eth_dev_link_set(struct sl_eth_dev *dev, const struct sl_eth_link *link)
{
	__atomic_store_n(&dev->data->dev_link.val64, link->val64, __ATOMIC_RELEASE);
}

static inline void sl_eth_dev_link_get(const struct sl_eth_dev *dev, struct sl_eth_link *link)
{
	link->val64 = __atomic_load_n(&dev->data->dev_link.val64, __ATOMIC_ACQUIRE);
}

/* Burst functions for a port that is not started (return 0), for drivers
 * that want to park a queue. */
uint16_t sl_eth_dummy_rx_burst(void *rxq, struct sl_mbuf **pkts, uint16_t n);
uint16_t sl_eth_dummy_tx_burst(void *txq, struct sl_mbuf **pkts, uint16_t n);

/* ---- software queue counters ---------------------------------------------
 * For ports with no hardware counters (the virtual ports). Each queue's
 * counters are written only by the lcore that polls the queue and read by
 * stats_get on another thread: a relaxed load and store of the poller's own
 * sum is a plain add on x86 (no locked read-modify-write on the fast path)
 * and never tears. A reset cannot store zero under a running poller (its
 * next store would bring the old sum back), so it records a base instead. */
enum sl_eth_qcnt {
	SL_QCNT_PKTS,
	SL_QCNT_BYTES,
	SL_QCNT_ERRORS,		/* RX: bad frames (ierrors); TX: not sent (oerrors) */
	SL_QCNT_NOMBUF,		/* RX: mbuf allocation failures (rx_nombuf) */
	SL_QCNT_MAX
};

struct sl_eth_queue_counters {
	uint64_t val[SL_QCNT_MAX];
	uint64_t base[SL_QCNT_MAX];
};

static inline void sl_eth_qcnt_add(struct sl_eth_queue_counters *c, enum sl_eth_qcnt k, uint64_t n)
{
	sl_counter_add(&c->val[k], n);
}

/* One burst's worth: packets and their bytes. */
static inline void sl_eth_qcnt_burst(struct sl_eth_queue_counters *c, uint64_t pkts, uint64_t bytes)
{
	sl_eth_qcnt_add(c, SL_QCNT_PKTS, pkts);
	sl_eth_qcnt_add(c, SL_QCNT_BYTES, bytes);
}

/* Counter k since the last reset. */
uint64_t sl_eth_qcnt_read(const struct sl_eth_queue_counters *c, enum sl_eth_qcnt k);
void sl_eth_qcnt_reset(struct sl_eth_queue_counters *c);
/* Add RX (TX) queue q's counters to st: the port totals, and the per-queue
 * entries when q < SL_ETHDEV_QUEUE_STAT_CNTRS. */
void sl_eth_stats_add_rxq(struct sl_eth_stats *st, uint16_t q, const struct sl_eth_queue_counters *c);
void sl_eth_stats_add_txq(struct sl_eth_stats *st, uint16_t q, const struct sl_eth_queue_counters *c);
/* The same over every configured queue, for drivers whose queues are
 * data->rx_queues[q] / data->tx_queues[q] (NULL ones skipped) holding their
 * counters at the given offsets (offsetof(struct my_rxq, cnt)). */
void sl_eth_stats_add_queues(struct sl_eth_stats *st, const struct sl_eth_dev_data *d,
			     size_t rxq_cnt_offset, size_t txq_cnt_offset);
void sl_eth_stats_reset_queues(const struct sl_eth_dev_data *d,
			       size_t rxq_cnt_offset, size_t txq_cnt_offset);

#ifdef __cplusplus
}
#endif
#endif /* SL_ETHDEV_DRIVER_H */
