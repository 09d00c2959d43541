/* SPDX-License-Identifier: BSD-3-Clause
 * Sluice ethdev, the driver side: what a poll-mode driver implements and
 * the calls it makes to become a port.
 *
 * A driver declares what its ports share once (struct sl_eth_driver: name,
 * ops, bursts, and for virtual ports their address, link and counters),
 * and its probe ends with one call that wires a port up and makes it
 * visible:
 *
 *   PCI:  sl_eth_dev_pci_create(&my_driver, pci, priv, &mac, &eth);
 *         SL_ETH_PCI_DRIVER(my_pci_driver, "net_my", ids, probe, quiesce)
 *   vdev: sl_eth_dev_create(&my_driver, devname, priv, NULL, socket, &eth);
 *         SL_ETH_VDEV_DRIVER(my_vdev_driver, "net_my", usage, probe)
 *
 * and remove is ethdev's (sl_eth_dev_pci_remove, sl_eth_vdev_remove: the
 * macros fill it in). On a failure before the port exists the driver frees
 * its own things; afterwards closing the port does (dev_close).
 *
 * The ethdev layer validates every argument against dev_info and the
 * port's state before calling an op, so ops may assume: queue ids are below
 * the configured counts, nb_desc is within the descriptor limits and
 * aligned (never 0: the default is filled in), conf pointers are non-NULL,
 * the mempool is a pktmbuf pool with a big enough data room, ops that need
 * a stopped port are only called on one, and a queue being set up again
 * has already been released, and ring thresholds the driver reports a
 * default for (dev_info default_rxconf / default_txconf) are filled in and
 * within the ring (see sl_eth_rx_queue_setup); deferred start is refused
 * before any op sees it. Ops return 0 or a negative errno (and log one
 * line if the user can do something about it).
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
 * by the lcore polling it. Ports that keep struct sl_eth_queue_counters
 * there declare it (queue_counters) and ethdev sums them; other drivers'
 * stats_get sums its own into struct sl_eth_stats (zeroed first).
 */
#ifndef SL_ETHDEV_DRIVER_H
#define SL_ETHDEV_DRIVER_H

#include <stdbool.h>
#include <stddef.h>

#include "sl_ethdev.h"
#include "sl_kvargs.h"
#include "sl_vdev.h"

#ifdef __cplusplus
extern "C" {
#endif

struct sl_eth_dev;

struct sl_eth_dev_ops {
	/* Optional (nothing to check or program). dev->data->dev_conf,
	 * nb_rx_queues and nb_tx_queues hold the new (validated)
	 * configuration; the queue arrays are sized. */
	int (*dev_configure)(struct sl_eth_dev *dev);
	/* Optional (a port with nothing to start). Every configured queue is set up. Program the device
	 * (data->mac_addr, mtu, promiscuous, all_multicast are what the user
	 * set while stopped), fill RX rings, enable RX/TX. dev->rx_burst /
	 * tx_burst may be chosen here: ethdev publishes them to the fast
	 * path after dev_start returns 0. */
	int (*dev_start)(struct sl_eth_dev *dev);
	/* Optional, as dev_start. The fast path already returns 0 for this port. Stop the
	 * device and give back the mbufs held by RX/TX rings (queues stay
	 * set up and must be startable again). ethdev then stores the link
	 * as down. */
	int (*dev_stop)(struct sl_eth_dev *dev);
	/* Required. Queues are released. Free dev_private and all else
	 * (ethdev forgets the pointer and the port afterwards). */
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
	/* Optional (queue objects the driver keeps in dev_private). Free the
	 * queue (and any mbufs it still holds); ethdev sets the array slot to
	 * NULL afterwards. Port is stopped. */
	void (*rx_queue_release)(struct sl_eth_dev *dev, uint16_t q);
	void (*tx_queue_release)(struct sl_eth_dev *dev, uint16_t q);

	/* Optional. Refresh dev->data->dev_link (publish with
	 * sl_eth_dev_link_set); wait_to_complete: block until autonegotiation
	 * ends or times out. Without it the stored link is reported. */
	int (*link_update)(struct sl_eth_dev *dev, int wait_to_complete);
	int (*dev_set_link_up)(struct sl_eth_dev *dev);	/* optional */
	int (*dev_set_link_down)(struct sl_eth_dev *dev);	/* optional */

	/* Required unless struct sl_eth_driver declares queue_counters,
	 * which ethdev sums first: then optional, for what else the port
	 * counts. stats is zeroed (or holds those sums); add totals and q_*
	 * for queues below SL_ETHDEV_QUEUE_STAT_CNTRS. */
	int (*stats_get)(struct sl_eth_dev *dev, struct sl_eth_stats *stats);
	int (*stats_reset)(struct sl_eth_dev *dev);

	/* Optional: -ENOTSUP without (unless the driver declares
	 * no_rx_filter). ethdev updates data->promiscuous / all_multicast
	 * after success. */
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

	/* Required with SL_ETH_INTR_RXQ in dev_info intr_capa. The queue's
	 * lcore arms / disarms its interrupt. enable must, after arming,
	 * look at the ring once more and sl_eth_dev_rx_intr_signal if a frame
	 * is there: it may have landed after the lcore's last empty poll and
	 * before the arming, and raised nothing. */
	int (*rx_queue_intr_enable)(struct sl_eth_dev *dev, uint16_t q);
	int (*rx_queue_intr_disable)(struct sl_eth_dev *dev, uint16_t q);
};

/* A queue's wake-up: an eventfd, the vector's own or ethdev's (owned). */
struct sl_eth_rx_intr {
	int fd;
	uint8_t owned;
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
	/* [nb_rx_queues] while started with intr_conf.rxq (fd -1 until the
	 * driver's dev_start gives each queue one, see ethdev_intr.c) */
	struct sl_eth_rx_intr *rx_intr;
	const char *driver_name;	/* static string: "net_null" */
	void *dev_private;		/* the driver's */
};

struct sl_eth_driver;

struct sl_eth_dev {
	sl_rx_burst_t rx_burst;		/* published to sl_eth_fp_ops at start */
	sl_tx_burst_t tx_burst;
	sl_tx_prepare_t tx_prepare;	/* optional */
	struct sl_eth_dev_data *data;
	const struct sl_eth_dev_ops *dev_ops;
	void *device;			/* bus device (struct sl_pci_device *), NULL for vdevs */
	const struct sl_eth_driver *driver;	/* NULL for ports made by hand */
	enum sl_eth_dev_state state;
};

/* What every port of a driver shares, declared once (static const). */
struct sl_eth_driver {
	const char *name;			/* "net_e1000": driver_name of its ports */
	const struct sl_eth_dev_ops *ops;
	sl_rx_burst_t rx_burst;			/* a port's bursts until it picks others */
	sl_tx_burst_t tx_burst;
	/* Virtual ports. The address of a port whose probe has none of its
	 * own: this one with the port id in the last octet (make it locally
	 * administered: first octet 0x02). */
	struct sl_ether_addr local_mac;
	/* A link ethdev keeps: up at this speed (SL_ETH_SPEED_NUM_*, full
	 * duplex, fixed) while the port is started, down otherwise. 0: the
	 * driver reports its own (dev_start, link_update). */
	uint32_t fixed_link_speed;
	/* No receive filter, every frame arrives: ports start promiscuous and
	 * all-multicast, and ethdev records either mode without an op. */
	bool no_rx_filter;
	/* Queue objects hold struct sl_eth_queue_counters at these offsets
	 * (offsetof(struct my_rxq, cnt)): ethdev sums and resets them. */
	bool queue_counters;
	size_t rxq_counters;
	size_t txq_counters;
};

/* ---- interrupts (ethdev_intr.c), from dev_start with intr_conf.rxq ---- */

/* Queue q wakes through fd, a vector's eventfd the driver keeps. */
void sl_eth_dev_rx_intr_fd_set(struct sl_eth_dev *dev, uint16_t q, int fd);
/* Queue q wakes through an eventfd of ethdev's (closed at stop), which the
 * driver signals from its handler of a shared vector. 0 or -errno. */
int sl_eth_dev_rx_intr_fd_own(struct sl_eth_dev *dev, uint16_t q);
/* Wakes whoever sleeps on queue q (any thread). */
void sl_eth_dev_rx_intr_signal(struct sl_eth_dev *dev, uint16_t q);
/* From the driver's link-change interrupt handler (EAL interrupt thread):
 * refreshes the link (link_update) and runs the SL_ETH_EVENT_INTR_LSC
 * callbacks if it changed. */
void sl_eth_dev_lsc_event(struct sl_eth_dev *dev);

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

/* ---- probe tail and remove ---------------------------------------------- */

/* The end of every probe: a port named name at the lowest free id, wired
 * to drv (ops, bursts, driver_name), with priv as dev_private, mac as its
 * address (NULL: drv->local_mac with the port id), on NUMA node socket,
 * made visible to applications. 0 and *out, or -EINVAL / -EEXIST / -ENOSPC
 * after sl_eth_dev_allocate's log line; priv stays the caller's then. */
int sl_eth_dev_create(const struct sl_eth_driver *drv, const char *name, void *priv,
		      const struct sl_ether_addr *mac, int socket, struct sl_eth_dev **out);

struct sl_pci_device;
/* The same for a PCI device: named after it, on its node, dev->device and
 * pci->driver_data set (ethdev_pci.c). */
int sl_eth_dev_pci_create(const struct sl_eth_driver *drv, struct sl_pci_device *pci, void *priv,
			  const struct sl_ether_addr *mac, struct sl_eth_dev **out);
/* A PCI net driver's remove: stop and close the port (dev_close), then the
 * driver's quiesce again, whatever closing did, so the bus unmaps a quiet
 * device and a kernel driver can take it; driver_data cleared. */
int sl_eth_dev_pci_remove(struct sl_pci_device *pci);
/* A vdev net driver's remove: stop and close the port named devname;
 * -ENODEV if there is no such virtual port. */
int sl_eth_vdev_remove(const char *devname);

/* A PCI net driver registered with the bus (needs sl_pci.h). */
#define SL_ETH_PCI_DRIVER(var, drv_name, ids, probe_fn, quiesce_fn)                     \
	static struct sl_pci_driver var = { .name = (drv_name), .id_table = (ids),         \
					    .probe = (probe_fn), .quiesce = (quiesce_fn),  \
					    .remove = sl_eth_dev_pci_remove };             \
	SL_PCI_REGISTER(var)

/* A vdev net driver registered with the vdev bus. */
#define SL_ETH_VDEV_DRIVER(var, drv_name, usage_text, probe_fn)                         \
	static struct sl_vdev_driver var = { .name = (drv_name), .usage = (usage_text),    \
					     .probe = (probe_fn),                          \
					     .remove = sl_eth_vdev_remove };               \
	SL_VDEV_REGISTER(var)

/* ---- ports on a kernel interface (net_pcap, net_af_packet) -------------- */

struct ifreq;
/* ioctl req (SIOCGIFFLAGS, SIOCGIFHWADDR, SIOCETHTOOL...) on interface
 * ifname through a socket of its own; the rest of ifr is the caller's
 * (zero it, or point ifr_data somewhere). 0 or -errno. */
int sl_eth_kif_ioctl(const char *ifname, unsigned long req, struct ifreq *ifr);
/* The interface is up and its carrier is on (IFF_UP and IFF_RUNNING). */
bool sl_eth_kif_running(const char *ifname);

/* The limits of a port with no descriptors and no wire (net_null,
 * net_ring): any ring size, 9000-byte MTU, frames up to 64 KB, a fixed
 * 10G link, multi-segment and fast-free TX, bursts of 32. dev_infos_get
 * calls it and adds its queue counts. */
void sl_eth_virtual_port_info(struct sl_eth_dev_info *info);

/* Queue release ops for queue objects that are one sl_eth_queue_zalloc
 * (or malloc) block. */
void sl_eth_rx_queue_free(struct sl_eth_dev *dev, uint16_t q);
void sl_eth_tx_queue_free(struct sl_eth_dev *dev, uint16_t q);

/* ---- dev_start / dev_stop helpers --------------------------------------- */

/* dev_start's RX buffer check: a frame of the port's MTU (with the
 * Ethernet header and one VLAN tag) must fit one buf_len-byte buffer
 * unless the queue scatters. no_scatter: NULL when the driver can scatter
 * (the remedy then names SL_ETH_RX_OFFLOAD_SCATTER), else why it cannot.
 * 0, or -EINVAL after the message. */
int sl_eth_rx_frame_check(const struct sl_eth_dev *dev, uint32_t buf_len, bool scatter,
			  const char *no_scatter);
/* dev_start found too few mbufs in mp to fill RX queue q's needed
 * descriptors: -ENOMEM after the message that says how to size the pool. */
int sl_eth_rx_pool_short(const struct sl_eth_dev *dev, uint16_t q, struct sl_mempool *mp,
			 uint32_t needed);

/* dev_stop, once the device was told to stop DMA and before its buffers go
 * back to the pool: a frame already in flight finishes. 200 us covers the
 * longest e1000 frame (16 KB) at 1 Gb/s, 131 us on the wire, plus its
 * write-back; virtio's reset is synchronous in QEMU, not on all devices. */
#define SL_ETH_STOP_DRAIN_US 200
void sl_eth_stop_drain(void);

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
