/* SPDX-License-Identifier: BSD-3-Clause
 * Unit tests for lib/ethdev (port API, state machine, vdev bus) and the
 * net_null and net_ring drivers (kvargs and Ethernet addresses:
 * test_kvargs.c). Each test runs in its own process
 * (Check's fork mode) with a fresh EAL: --no-huge, two lcores, and these
 * ports from the command line:
 *
 *   0 net_null0            1 net_null1,size=128
 *   2 net_ring0            3 net_ring1,peer=net_ring0 (cable to 2)
 *   4 net_ring2            (loopback)
 *
 * plus test_lim, a driver defined here with strict limits, to check what
 * ethdev itself enforces. */
#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sl_eal.h"
#include "sl_eth_ring.h"
#include "sl_ethdev_driver.h"
#include "sl_mbuf.h"
#include "sl_ring.h"
#include "sl_test.h"

enum { P_NULL0, P_NULL1, P_RING0, P_RING1, P_RING2, NB_CMDLINE_PORTS };

static char *eal_argv_default[] = {
	"test_ethdev", "--no-huge", "-l", "0-1", "--log-level", "notice",
	"--vdev", "net_null0",
	"--vdev", "net_null1,size=128",
	"--vdev", "net_ring0",
	"--vdev", "net_ring1,peer=net_ring0",
	"--vdev", "net_ring2",
	NULL,
};

/* sl_eal_init may reorder argv (getopt does), so each call gets a fresh
 * copy of the pointer array; the strings are literals and stay put. */
static int eal_init_args(char *const *argv)
{
	static char *copy[32];
	int argc = 0;

	while (argc < (int)SL_DIM(copy) - 1 && argv[argc] != NULL) {
		copy[argc] = argv[argc];
		argc++;
	}
	copy[argc] = NULL;
	return sl_eal_init(argc, copy);
}

static void eal_setup(void)
{
	int ret = eal_init_args(eal_argv_default);

	ck_assert_msg(ret >= 0, "sl_eal_init: %d", ret);
}

static void eal_teardown(void)
{
	sl_eal_cleanup();
}

/* ---- helpers --------------------------------------------------------------- */

static struct sl_mempool *pool_create(const char *name, unsigned n)
{
	struct sl_mempool *mp = sl_pktmbuf_pool_create(name, n, 32, 0, SL_MBUF_DEFAULT_BUF_SIZE,
						      SL_SOCKET_ID_ANY);

	ck_assert_msg(mp != NULL, "pool %s: errno %d", name, errno);
	return mp;
}

/* configure + every queue set up + start */
static void port_up(uint16_t port, uint16_t nb_rxq, uint16_t nb_txq, struct sl_mempool *mp)
{
	ck_assert_int_eq(sl_eth_dev_configure(port, nb_rxq, nb_txq, NULL), 0);
	for (uint16_t q = 0; q < nb_rxq; q++)
		ck_assert_int_eq(sl_eth_rx_queue_setup(port, q, 256, SL_SOCKET_ID_ANY, NULL, mp), 0);
	for (uint16_t q = 0; q < nb_txq; q++)
		ck_assert_int_eq(sl_eth_tx_queue_setup(port, q, 256, SL_SOCKET_ID_ANY, NULL), 0);
	ck_assert_int_eq(sl_eth_dev_start(port), 0);
}

/* n fresh mbufs with len bytes of data, byte 0 = tag + i */
static void make_pkts(struct sl_mempool *mp, struct sl_mbuf **pkts, unsigned n, uint16_t len,
		      uint8_t tag)
{
	ck_assert_int_eq(sl_pktmbuf_alloc_bulk(mp, pkts, n), 0);
	for (unsigned i = 0; i < n; i++) {
		char *d = sl_pktmbuf_append(pkts[i], len);

		ck_assert_ptr_nonnull(d);
		memset(d, 0, len);
		d[0] = (char)(tag + i);
	}
}

/* ---- test_lim: a driver with strict limits ------------------------------------- */

struct lim_queue {
	uint16_t nb_desc;
	struct sl_eth_rxconf rxconf;
	struct sl_eth_txconf txconf;
};

static struct lim_queue lim_rxq[4], lim_txq[4];
static unsigned lim_released;
static unsigned lim_closed;

static int lim_ok(struct sl_eth_dev *dev)
{
	(void)dev;
	return 0;
}

static int lim_infos_get(struct sl_eth_dev *dev, struct sl_eth_dev_info *info)
{
	(void)dev;
	info->max_rx_queues = 4;
	info->max_tx_queues = 2;
	info->min_rx_bufsize = 1024;
	info->min_mtu = 100;
	info->max_mtu = 1500;
	info->rx_offload_capa = SL_ETH_RX_OFFLOAD_VLAN_STRIP | SL_ETH_RX_OFFLOAD_IPV4_CKSUM;
	info->rx_queue_offload_capa = SL_ETH_RX_OFFLOAD_VLAN_STRIP;
	info->flow_type_rss_offloads = SL_ETH_RSS_IP;
	info->rx_desc_lim = (struct sl_eth_desc_lim){ .nb_max = 4096, .nb_min = 64, .nb_align = 32 };
	info->tx_desc_lim = (struct sl_eth_desc_lim){ .nb_max = 1024, .nb_min = 64, .nb_align = 8 };
	info->default_rxportconf.ring_size = 0;	/* let ethdev pick 512 */
	info->default_txportconf.ring_size = 200;	/* rounded up to 200 (a multiple of 8) */
	/* a driver with rings: ethdev fills and checks these thresholds */
	info->default_rxconf.rx_free_thresh = 32;
	info->default_txconf.tx_free_thresh = 32;
	info->default_txconf.tx_rs_thresh = 32;
	return 0;
}

static int lim_rxq_setup(struct sl_eth_dev *dev, uint16_t q, uint16_t nb_desc, int socket,
			 const struct sl_eth_rxconf *conf, struct sl_mempool *mp)
{
	(void)socket;
	(void)mp;
	lim_rxq[q].nb_desc = nb_desc;
	lim_rxq[q].rxconf = *conf;
	dev->data->rx_queues[q] = &lim_rxq[q];
	return 0;
}

static int lim_txq_setup(struct sl_eth_dev *dev, uint16_t q, uint16_t nb_desc, int socket,
			 const struct sl_eth_txconf *conf)
{
	(void)socket;
	lim_txq[q].nb_desc = nb_desc;
	lim_txq[q].txconf = *conf;
	dev->data->tx_queues[q] = &lim_txq[q];
	return 0;
}

static void lim_release(struct sl_eth_dev *dev, uint16_t q)
{
	(void)dev;
	(void)q;
	lim_released++;
}

static int lim_close(struct sl_eth_dev *dev)
{
	(void)dev;
	lim_closed++;
	return 0;
}

static int lim_stats_get(struct sl_eth_dev *dev, struct sl_eth_stats *st)
{
	(void)dev;
	st->ipackets = 7;
	return 0;
}

static const struct sl_eth_dev_ops lim_ops = {
	.dev_configure = lim_ok,
	.dev_start = lim_ok,
	.dev_stop = lim_ok,
	.dev_close = lim_close,
	.dev_infos_get = lim_infos_get,
	.rx_queue_setup = lim_rxq_setup,
	.tx_queue_setup = lim_txq_setup,
	.rx_queue_release = lim_release,
	.tx_queue_release = lim_release,
	.stats_get = lim_stats_get,
	.stats_reset = lim_ok,
};

static int lim_probe(const char *devname, const char *args)
{
	static const char *const keys[] = { "fail", NULL };
	struct sl_kvargs *kv;
	struct sl_eth_dev *dev;
	bool fail = false;
	int ret = sl_kvargs_parse(&kv, devname, args, keys);

	if (ret < 0)
		return ret;
	ret = sl_kvargs_get_bool(kv, "fail", &fail);
	sl_kvargs_free(kv);
	if (ret < 0)
		return ret;
	if (fail) {
		SL_LOG(ERR, TEST, "%s: failing as asked", devname);
		return -EIO;
	}
	dev = sl_eth_dev_allocate(devname);
	if (dev == NULL)
		return -errno;
	dev->dev_ops = &lim_ops;
	dev->rx_burst = sl_eth_dummy_rx_burst;
	dev->tx_burst = sl_eth_dummy_tx_burst;
	dev->data->driver_name = "test_lim";
	dev->data->mac_addr = (struct sl_ether_addr){ { 0x02, 1, 2, 3, 4, 5 } };
	sl_eth_dev_probing_finish(dev);
	return 0;
}

static int lim_remove(const char *devname)
{
	uint16_t port;

	if (sl_eth_dev_get_port_by_name(devname, &port) < 0)
		return -ENODEV;
	sl_eth_dev_stop(port);
	return sl_eth_dev_close(port);
}

static struct sl_vdev_driver lim_driver = {
	.name = "test_lim",
	.usage = "fail=<0|1>",
	.probe = lim_probe,
	.remove = lim_remove,
};
SL_VDEV_REGISTER(lim_driver)

/* ---- no EAL ----------------------------------------------------------------------- */

/* No ports: the fast path answers 0, and every call says no such port. */
START_TEST(test_no_eal_no_ports)
{
	struct sl_mbuf *pkts[4];
	struct sl_eth_link link;
	const char *log;

	ck_assert_uint_eq(sl_eth_dev_count_avail(), 0);
	ck_assert_uint_eq(sl_eth_find_next(0), SL_MAX_ETHPORTS);
	ck_assert_uint_eq(sl_eth_rx_burst(0, 0, pkts, 4), 0);
	ck_assert_uint_eq(sl_eth_tx_burst(3, 0, pkts, 4), 0);
	sl_test_capture_begin(false);
	ck_assert_int_eq(sl_eth_link_get_nowait(0, &link), -ENODEV);
	log = sl_test_capture_end();
	ck_assert_logged(log, "no port 0");
}
END_TEST

/* ---- ports from the command line --------------------------------------------------- */

START_TEST(test_ports_from_cmdline)
{
	static const char *const names[] = { "net_null0", "net_null1", "net_ring0", "net_ring1",
					     "net_ring2" };
	struct sl_eth_dev_info info;
	char name[SL_ETH_NAME_MAX_LEN];
	uint16_t p, n = 0, id;

	ck_assert_uint_eq(sl_eth_dev_count_avail(), NB_CMDLINE_PORTS);
	SL_ETH_FOREACH_DEV(p) {
		ck_assert_uint_eq(p, n);
		ck_assert_str_eq(sl_eth_dev_name(p), names[p]);
		ck_assert_int_eq(sl_eth_dev_get_port_by_name(names[p], &id), 0);
		ck_assert_uint_eq(id, p);
		ck_assert_int_eq(sl_eth_dev_get_name_by_port(p, name), 0);
		ck_assert_str_eq(name, names[p]);
		ck_assert_int_eq(sl_eth_dev_info_get(p, &info), 0);
		ck_assert_str_eq(info.driver_name, p < P_RING0 ? "net_null" : "net_ring");
		ck_assert_str_eq(info.device_name, names[p]);
		ck_assert(sl_eth_dev_is_valid_port(p));
		n++;
	}
	ck_assert_uint_eq(n, NB_CMDLINE_PORTS);
	ck_assert(!sl_eth_dev_is_valid_port(NB_CMDLINE_PORTS));
	ck_assert(!sl_eth_dev_is_valid_port(UINT16_MAX));
	ck_assert_ptr_null(sl_eth_dev_name(NB_CMDLINE_PORTS));
	ck_assert_int_eq(sl_eth_dev_get_port_by_name("net_null7", &id), -ENODEV);
	ck_assert_int_eq(sl_eth_dev_socket_id(NB_CMDLINE_PORTS), -EINVAL);

	ck_assert_int_eq(sl_eth_dev_info_get(P_NULL0, &info), 0);
	ck_assert_uint_eq(info.max_rx_queues, 16);
	ck_assert_uint_eq(info.max_tx_queues, 16);
	ck_assert_uint_ge(info.max_mtu, SL_ETHER_MTU);
	ck_assert_uint_eq(info.min_mtu, SL_ETHER_MIN_MTU);
	ck_assert(info.speed_capa & SL_ETH_LINK_SPEED_10G);
	ck_assert_uint_eq(info.nb_rx_queues, 0);
	ck_assert_uint_ge(info.rx_desc_lim.nb_max, info.rx_desc_lim.nb_min);
	ck_assert_int_eq(sl_eth_dev_info_get(P_RING0, &info), 0);
	ck_assert_uint_eq(info.max_rx_queues, 1);	/* nb_queues default */
}
END_TEST

START_TEST(test_state_machine)
{
	struct sl_mempool *mp = pool_create("sm_pool", 1023);
	struct sl_eth_dev_info info;
	const char *log;
	uint16_t p = P_NULL0;

	/* Nothing before configure. */
	sl_test_capture_begin(false);
	ck_assert_int_eq(sl_eth_dev_start(p), -EINVAL);
	log = sl_test_capture_end();
	ck_assert_logged(log, "sl_eth_dev_configure");
	ck_assert_int_eq(sl_eth_rx_queue_setup(p, 0, 256, SL_SOCKET_ID_ANY, NULL, mp), -EINVAL);
	ck_assert_int_eq(sl_eth_tx_queue_setup(p, 0, 256, SL_SOCKET_ID_ANY, NULL), -EINVAL);

	ck_assert_int_eq(sl_eth_dev_configure(p, 2, 2, NULL), 0);
	ck_assert_int_eq(sl_eth_dev_info_get(p, &info), 0);
	ck_assert_uint_eq(info.nb_rx_queues, 2);
	ck_assert_uint_eq(info.nb_tx_queues, 2);
	/* Start needs every queue. */
	sl_test_capture_begin(false);
	ck_assert_int_eq(sl_eth_dev_start(p), -EINVAL);
	log = sl_test_capture_end();
	ck_assert_logged(log, "rx queue 0 not set up (configured 2)");
	ck_assert_int_eq(sl_eth_rx_queue_setup(p, 0, 256, SL_SOCKET_ID_ANY, NULL, mp), 0);
	ck_assert_int_eq(sl_eth_rx_queue_setup(p, 1, 256, SL_SOCKET_ID_ANY, NULL, mp), 0);
	ck_assert_int_eq(sl_eth_tx_queue_setup(p, 0, 256, SL_SOCKET_ID_ANY, NULL), 0);
	sl_test_capture_begin(false);
	ck_assert_int_eq(sl_eth_dev_start(p), -EINVAL);
	log = sl_test_capture_end();
	ck_assert_logged(log, "tx queue 1 not set up (configured 2)");
	ck_assert_int_eq(sl_eth_tx_queue_setup(p, 1, 256, SL_SOCKET_ID_ANY, NULL), 0);
	ck_assert_int_eq(sl_eth_dev_is_started(p), 0);
	ck_assert_int_eq(sl_eth_dev_start(p), 0);
	ck_assert_int_eq(sl_eth_dev_is_started(p), 1);
	/* Double start: nothing happens. */
	ck_assert_int_eq(sl_eth_dev_start(p), 0);
	ck_assert_int_eq(sl_eth_dev_is_started(p), 1);

	/* Not while started. */
	sl_test_capture_begin(false);
	ck_assert_int_eq(sl_eth_dev_configure(p, 1, 1, NULL), -EINVAL);
	log = sl_test_capture_end();
	ck_assert_logged(log, "sl_eth_dev_stop");
	ck_assert_int_eq(sl_eth_rx_queue_setup(p, 0, 256, SL_SOCKET_ID_ANY, NULL, mp), -EINVAL);
	ck_assert_int_eq(sl_eth_tx_queue_setup(p, 0, 256, SL_SOCKET_ID_ANY, NULL), -EINVAL);
	ck_assert_int_eq(sl_eth_dev_close(p), -EINVAL);
	ck_assert(sl_eth_dev_is_valid_port(p));

	ck_assert_int_eq(sl_eth_dev_stop(p), 0);
	ck_assert_int_eq(sl_eth_dev_stop(p), 0);
	ck_assert_int_eq(sl_eth_dev_is_started(p), 0);
	/* Restart without new setup: queues stay set up. */
	ck_assert_int_eq(sl_eth_dev_start(p), 0);
	ck_assert_int_eq(sl_eth_dev_stop(p), 0);
	/* Reconfigure smaller: the surviving queues are still set up. */
	ck_assert_int_eq(sl_eth_dev_configure(p, 1, 1, NULL), 0);
	ck_assert_int_eq(sl_eth_dev_start(p), 0);
	ck_assert_int_eq(sl_eth_dev_stop(p), 0);
	/* Larger: the new queues need setup. */
	ck_assert_int_eq(sl_eth_dev_configure(p, 1, 3, NULL), 0);
	sl_test_capture_begin(false);
	ck_assert_int_eq(sl_eth_dev_start(p), -EINVAL);
	log = sl_test_capture_end();
	ck_assert_logged(log, "tx queue 1 not set up (configured 3)");
	ck_assert_int_eq(sl_eth_tx_queue_setup(p, 1, 0, SL_SOCKET_ID_ANY, NULL), 0);
	ck_assert_int_eq(sl_eth_tx_queue_setup(p, 2, 0, SL_SOCKET_ID_ANY, NULL), 0);
	ck_assert_int_eq(sl_eth_dev_start(p), 0);
	ck_assert_int_eq(sl_eth_dev_stop(p), 0);

	ck_assert_int_eq(sl_eth_dev_close(p), 0);
	ck_assert(!sl_eth_dev_is_valid_port(p));
	ck_assert_uint_eq(sl_eth_dev_count_avail(), NB_CMDLINE_PORTS - 1);
	ck_assert_int_eq(sl_eth_dev_close(p), -ENODEV);
	ck_assert_int_eq(sl_eth_dev_start(p), -ENODEV);
	sl_mempool_free(mp);
}
END_TEST

/* What a bus driver's remove and queue setup use (sl_ethdev_driver.h). */
START_TEST(test_driver_helpers)
{
	struct sl_mempool *mp = pool_create("dh_pool", 511);
	uint8_t *q = sl_eth_queue_zalloc(100);

	ck_assert_ptr_nonnull(q);
	ck_assert_uint_eq((uintptr_t)q % SL_CACHE_LINE_SIZE, 0);
	for (unsigned i = 0; i < 100; i++)
		ck_assert_uint_eq(q[i], 0);
	free(q);

	ck_assert_int_eq(sl_eth_dev_stop_close(NULL), 0);
	/* started: stopped, then closed; stopped only: closed */
	port_up(P_NULL0, 1, 1, mp);
	ck_assert_int_eq(sl_eth_dev_stop_close(sl_eth_dev_get(P_NULL0)), 0);
	ck_assert(!sl_eth_dev_is_valid_port(P_NULL0));
	port_up(P_RING0, 1, 1, mp);
	ck_assert_int_eq(sl_eth_dev_stop(P_RING0), 0);
	ck_assert_int_eq(sl_eth_dev_stop_close(sl_eth_dev_get(P_RING0)), 0);
	ck_assert(!sl_eth_dev_is_valid_port(P_RING0));
	ck_assert_uint_eq(sl_eth_dev_count_avail(), NB_CMDLINE_PORTS - 2);
	sl_mempool_free(mp);
}
END_TEST

START_TEST(test_out_of_range)
{
	struct sl_mempool *mp = pool_create("oor_pool", 511);
	struct sl_mempool *raw;
	struct sl_eth_conf conf;
	struct sl_eth_rxconf rxconf = { 0 };
	struct sl_eth_stats st;
	struct sl_ether_addr mac;
	const char *log;
	uint16_t mtu;

	/* Ports that do not exist. */
	sl_test_capture_begin(false);
	ck_assert_int_eq(sl_eth_dev_configure(99, 1, 1, NULL), -ENODEV);
	log = sl_test_capture_end();
	ck_assert_logged(log, "no port 99");
	ck_assert_logged(log, "0, 1, 2, 3, 4");
	ck_assert_int_eq(sl_eth_dev_configure(NB_CMDLINE_PORTS, 1, 1, NULL), -ENODEV);
	ck_assert_int_eq(sl_eth_stats_get(SL_MAX_ETHPORTS, &st), -ENODEV);
	ck_assert_int_eq(sl_eth_stats_reset(UINT16_MAX), -ENODEV);
	ck_assert_int_eq(sl_eth_macaddr_get(77, &mac), -ENODEV);
	ck_assert_int_eq(sl_eth_dev_get_mtu(77, &mtu), -ENODEV);
	ck_assert_int_eq(sl_eth_promiscuous_get(77), -ENODEV);
	ck_assert_int_eq(sl_eth_dev_stop(77), -ENODEV);
	ck_assert_int_eq(sl_eth_rx_queue_setup(77, 0, 0, SL_SOCKET_ID_ANY, NULL, mp), -ENODEV);

	/* Queue counts against the driver's maxima. */
	sl_test_capture_begin(false);
	ck_assert_int_eq(sl_eth_dev_configure(P_NULL0, 17, 1, NULL), -EINVAL);
	log = sl_test_capture_end();
	ck_assert_logged(log, "17 rx queues requested, driver net_null has at most 16");
	ck_assert_int_eq(sl_eth_dev_configure(P_NULL0, 1, 17, NULL), -EINVAL);
	ck_assert_int_eq(sl_eth_dev_configure(P_NULL0, 0, 0, NULL), -EINVAL);
	ck_assert_int_eq(sl_eth_dev_configure(P_RING0, 2, 1, NULL), -EINVAL);
	/* TX-only is fine. */
	ck_assert_int_eq(sl_eth_dev_configure(P_NULL1, 0, 1, NULL), 0);

	/* MTU and offloads. */
	memset(&conf, 0, sizeof(conf));
	conf.rxmode.mtu = 9001;
	sl_test_capture_begin(false);
	ck_assert_int_eq(sl_eth_dev_configure(P_NULL0, 1, 1, &conf), -EINVAL);
	log = sl_test_capture_end();
	ck_assert_logged(log, "MTU 9001");
	conf.rxmode.mtu = 0;
	conf.rxmode.offloads = SL_ETH_RX_OFFLOAD_TCP_LRO;
	sl_test_capture_begin(false);
	ck_assert_int_eq(sl_eth_dev_configure(P_NULL0, 1, 1, &conf), -EINVAL);
	log = sl_test_capture_end();
	ck_assert_logged(log, "rx offloads 0x10 not supported");
	conf.rxmode.offloads = 0;
	conf.rxmode.mq_mode = SL_ETH_MQ_RX_RSS;
	conf.rx_adv_conf.rss_conf.rss_hf = SL_ETH_RSS_IP;
	ck_assert_int_eq(sl_eth_dev_configure(P_NULL0, 1, 1, &conf), -EINVAL);

	ck_assert_int_eq(sl_eth_dev_configure(P_NULL0, 2, 2, NULL), 0);
	ck_assert_int_eq(sl_eth_dev_conf_get(P_NULL0, &conf), 0);
	ck_assert_uint_eq(conf.rxmode.mtu, SL_ETHER_MTU);
	sl_test_capture_begin(false);
	ck_assert_int_eq(sl_eth_rx_queue_setup(P_NULL0, 2, 256, SL_SOCKET_ID_ANY, NULL, mp), -EINVAL);
	log = sl_test_capture_end();
	ck_assert_logged(log, "port 0: rx queue 2 out of range (configured 2)");
	ck_assert_int_eq(sl_eth_tx_queue_setup(P_NULL0, 2, 256, SL_SOCKET_ID_ANY, NULL), -EINVAL);
	ck_assert_int_eq(sl_eth_tx_queue_setup(P_NULL0, UINT16_MAX, 256, SL_SOCKET_ID_ANY, NULL), -EINVAL);

	/* The mempool. */
	sl_test_capture_begin(false);
	ck_assert_int_eq(sl_eth_rx_queue_setup(P_NULL0, 0, 256, SL_SOCKET_ID_ANY, NULL, NULL), -EINVAL);
	log = sl_test_capture_end();
	ck_assert_logged(log, "needs a mempool");
	raw = sl_mempool_create("oor_raw", 63, 256, 0, SL_SOCKET_ID_ANY, 0);
	ck_assert_ptr_nonnull(raw);
	sl_test_capture_begin(false);
	ck_assert_int_eq(sl_eth_rx_queue_setup(P_NULL0, 0, 256, SL_SOCKET_ID_ANY, NULL, raw), -EINVAL);
	log = sl_test_capture_end();
	ck_assert_logged(log, "not a packet pool");
	sl_mempool_free(raw);

	rxconf.rx_deferred_start = 1;
	ck_assert_int_eq(sl_eth_rx_queue_setup(P_NULL0, 0, 256, SL_SOCKET_ID_ANY, &rxconf, mp), -EINVAL);
	rxconf.rx_deferred_start = 0;
	rxconf.offloads = SL_ETH_RX_OFFLOAD_VLAN_STRIP;
	ck_assert_int_eq(sl_eth_rx_queue_setup(P_NULL0, 0, 256, SL_SOCKET_ID_ANY, &rxconf, mp), -EINVAL);

	/* MTU at run time. */
	ck_assert_int_eq(sl_eth_dev_set_mtu(P_NULL0, 9000), 0);
	ck_assert_int_eq(sl_eth_dev_get_mtu(P_NULL0, &mtu), 0);
	ck_assert_uint_eq(mtu, 9000);
	ck_assert_int_eq(sl_eth_dev_set_mtu(P_NULL0, 9001), -EINVAL);
	ck_assert_int_eq(sl_eth_dev_set_mtu(P_NULL0, 67), -EINVAL);
	ck_assert_int_eq(sl_eth_dev_get_mtu(P_NULL0, &mtu), 0);
	ck_assert_uint_eq(mtu, 9000);
	sl_mempool_free(mp);
}
END_TEST

START_TEST(test_limits_enforced)
{
	struct sl_mempool *mp = pool_create("lim_pool", 255);
	struct sl_mempool *small;
	struct sl_eth_rxconf rxconf = { 0 };
	struct sl_eth_conf conf = { 0 };
	struct sl_eth_stats st;
	const char *log;
	uint16_t p;

	ck_assert_int_eq(sl_vdev_create("test_lim0", NULL), 0);
	ck_assert_int_eq(sl_eth_dev_get_port_by_name("test_lim0", &p), 0);
	ck_assert_uint_eq(p, NB_CMDLINE_PORTS);	/* lowest free id */
	conf.rxmode.mtu = 99;
	ck_assert_int_eq(sl_eth_dev_configure(p, 1, 1, &conf), -EINVAL);
	conf.rxmode.mtu = 0;
	ck_assert_int_eq(sl_eth_dev_configure(p, 1, 3, &conf), -EINVAL);
	conf.rxmode.mq_mode = SL_ETH_MQ_RX_RSS;
	conf.rx_adv_conf.rss_conf.rss_hf = SL_ETH_RSS_TCP;
	sl_test_capture_begin(false);
	ck_assert_int_eq(sl_eth_dev_configure(p, 4, 2, &conf), -EINVAL);
	log = sl_test_capture_end();
	ck_assert_logged(log, "RSS hash types");
	conf.rx_adv_conf.rss_conf.rss_hf = SL_ETH_RSS_IPV4;
	conf.rxmode.offloads = SL_ETH_RX_OFFLOAD_IPV4_CKSUM;
	ck_assert_int_eq(sl_eth_dev_configure(p, 4, 2, &conf), 0);

	/* Descriptor counts: 64..4096 in steps of 32 (rx), 64..1024 in 8 (tx). */
	sl_test_capture_begin(false);
	ck_assert_int_eq(sl_eth_rx_queue_setup(p, 0, 32, SL_SOCKET_ID_ANY, NULL, mp), -EINVAL);
	log = sl_test_capture_end();
	ck_assert_logged(log, "32 descriptors not accepted by driver test_lim (64..4096, a multiple of 32)");
	ck_assert_int_eq(sl_eth_rx_queue_setup(p, 0, 4128, SL_SOCKET_ID_ANY, NULL, mp), -EINVAL);
	ck_assert_int_eq(sl_eth_rx_queue_setup(p, 0, 100, SL_SOCKET_ID_ANY, NULL, mp), -EINVAL);
	ck_assert_int_eq(sl_eth_rx_queue_setup(p, 0, 4096, SL_SOCKET_ID_ANY, NULL, mp), 0);
	ck_assert_uint_eq(lim_rxq[0].nb_desc, 4096);
	ck_assert_int_eq(sl_eth_rx_queue_setup(p, 1, 0, SL_SOCKET_ID_ANY, NULL, mp), 0);
	ck_assert_uint_eq(lim_rxq[1].nb_desc, 512);
	ck_assert_int_eq(sl_eth_tx_queue_setup(p, 0, 1032, SL_SOCKET_ID_ANY, NULL), -EINVAL);
	ck_assert_int_eq(sl_eth_tx_queue_setup(p, 0, 0, SL_SOCKET_ID_ANY, NULL), 0);
	ck_assert_uint_eq(lim_txq[0].nb_desc, 200);

	/* Port offloads apply to every queue; per-queue extras must be
	 * per-queue capable. */
	ck_assert_uint_eq(lim_rxq[1].rxconf.offloads, SL_ETH_RX_OFFLOAD_IPV4_CKSUM);
	rxconf.offloads = SL_ETH_RX_OFFLOAD_VLAN_STRIP;
	ck_assert_int_eq(sl_eth_rx_queue_setup(p, 2, 64, SL_SOCKET_ID_ANY, &rxconf, mp), 0);
	ck_assert_uint_eq(lim_rxq[2].rxconf.offloads,
			  SL_ETH_RX_OFFLOAD_VLAN_STRIP | SL_ETH_RX_OFFLOAD_IPV4_CKSUM);

	/* min_rx_bufsize 1024: a pool of 512-byte data rooms is refused. */
	small = sl_pktmbuf_pool_create("lim_small", 63, 0, 0, 512 + SL_PKTMBUF_HEADROOM,
				       SL_SOCKET_ID_ANY);
	ck_assert_ptr_nonnull(small);
	sl_test_capture_begin(false);
	ck_assert_int_eq(sl_eth_rx_queue_setup(p, 3, 64, SL_SOCKET_ID_ANY, NULL, small), -EINVAL);
	log = sl_test_capture_end();
	ck_assert_logged(log, "hold 512 data bytes");
	ck_assert_logged(log, "needs 1024");

	/* Setting a queue up again releases the old one first. */
	lim_released = 0;
	ck_assert_int_eq(sl_eth_rx_queue_setup(p, 0, 64, SL_SOCKET_ID_ANY, NULL, mp), 0);
	ck_assert_uint_eq(lim_released, 1);
	ck_assert_int_eq(sl_eth_stats_get(p, &st), 0);
	ck_assert_uint_eq(st.ipackets, 7);
	ck_assert_int_eq(sl_eth_dev_reset(p), -ENOTSUP);
	ck_assert_int_eq(sl_eth_promiscuous_enable(p), -ENOTSUP);

	/* Close releases every queue that was set up (rx 0,1,2 and tx 0). */
	lim_released = 0;
	lim_closed = 0;
	ck_assert_int_eq(sl_eth_dev_close(p), 0);
	ck_assert_uint_eq(lim_released, 4);
	ck_assert_uint_eq(lim_closed, 1);
	sl_mempool_free(small);
	sl_mempool_free(mp);
}
END_TEST

/* Thresholds a driver reports a default for are ethdev's to fill (0 or
 * a NULL conf: the default, at most a quarter of the ring) and to check;
 * a driver without (net_null) gets whatever was asked. */
START_TEST(test_thresholds_filled)
{
	struct sl_mempool *mp = pool_create("thr_pool", 255);
	struct sl_eth_rxconf rxconf = { 0 };
	struct sl_eth_txconf txconf = { 0 };
	const char *log;
	uint16_t p;

	ck_assert_int_eq(sl_vdev_create("test_lim1", NULL), 0);
	ck_assert_int_eq(sl_eth_dev_get_port_by_name("test_lim1", &p), 0);
	ck_assert_int_eq(sl_eth_dev_configure(p, 2, 1, NULL), 0);
	ck_assert_int_eq(sl_eth_rx_queue_setup(p, 0, 64, SL_SOCKET_ID_ANY, NULL, mp), 0);
	ck_assert_uint_eq(lim_rxq[0].rxconf.rx_free_thresh, 16);
	ck_assert_int_eq(sl_eth_rx_queue_setup(p, 1, 4096, SL_SOCKET_ID_ANY, &rxconf, mp), 0);
	ck_assert_uint_eq(lim_rxq[1].rxconf.rx_free_thresh, 32);
	rxconf.rx_free_thresh = 10;
	ck_assert_int_eq(sl_eth_rx_queue_setup(p, 1, 64, SL_SOCKET_ID_ANY, &rxconf, mp), 0);
	ck_assert_uint_eq(lim_rxq[1].rxconf.rx_free_thresh, 10);
	rxconf.rx_free_thresh = 64;
	sl_test_capture_begin(false);
	ck_assert_int_eq(sl_eth_rx_queue_setup(p, 1, 64, SL_SOCKET_ID_ANY, &rxconf, mp), -EINVAL);
	log = sl_test_capture_end();
	ck_assert_logged(log, "rx_free_thresh 64 out of range for a ring of 64 descriptors: use 1..63");

	ck_assert_int_eq(sl_eth_tx_queue_setup(p, 0, 200, SL_SOCKET_ID_ANY, NULL), 0);
	ck_assert_uint_eq(lim_txq[0].txconf.tx_free_thresh, 32);
	ck_assert_uint_eq(lim_txq[0].txconf.tx_rs_thresh, 32);
	ck_assert_int_eq(sl_eth_tx_queue_setup(p, 0, 64, SL_SOCKET_ID_ANY, &txconf), 0);
	ck_assert_uint_eq(lim_txq[0].txconf.tx_free_thresh, 16);
	ck_assert_uint_eq(lim_txq[0].txconf.tx_rs_thresh, 16);
	txconf.tx_rs_thresh = 51;
	sl_test_capture_begin(false);
	ck_assert_int_eq(sl_eth_tx_queue_setup(p, 0, 200, SL_SOCKET_ID_ANY, &txconf), -EINVAL);
	log = sl_test_capture_end();
	ck_assert_logged(log, "tx_rs_thresh 51 out of range for a ring of 200 descriptors: use 1..50");
	txconf.tx_rs_thresh = 50;
	ck_assert_int_eq(sl_eth_tx_queue_setup(p, 0, 200, SL_SOCKET_ID_ANY, &txconf), 0);
	ck_assert_uint_eq(lim_txq[0].txconf.tx_rs_thresh, 50);
	ck_assert_int_eq(sl_eth_dev_close(p), 0);

	/* net_null has no rings: nothing to fill or refuse */
	rxconf.rx_free_thresh = 5000;
	ck_assert_int_eq(sl_eth_dev_configure(P_NULL0, 1, 1, NULL), 0);
	ck_assert_int_eq(sl_eth_rx_queue_setup(P_NULL0, 0, 256, SL_SOCKET_ID_ANY, &rxconf, mp), 0);
	sl_mempool_free(mp);
}
END_TEST

/* The messages both PCI drivers give at start, and the vdev remove. */
START_TEST(test_shared_driver_messages)
{
	struct sl_eth_dev *dev = sl_eth_dev_get(P_NULL0);
	struct sl_mempool *mp = pool_create("msg_pool", 63);
	const char *log;

	ck_assert_int_eq(sl_eth_rx_frame_check(dev, 1518, false, NULL), 0);
	ck_assert_int_eq(sl_eth_rx_frame_check(dev, 1024, true, NULL), 0);
	sl_test_capture_begin(false);
	ck_assert_int_eq(sl_eth_rx_frame_check(dev, 1024, false, NULL), -EINVAL);
	log = sl_test_capture_end();
	ck_assert_logged(log, "port 0: frames of up to 1518 bytes (MTU 1500) do not fit the 1024-byte RX buffers: enable SL_ETH_RX_OFFLOAD_SCATTER");
	sl_test_capture_begin(false);
	ck_assert_int_eq(sl_eth_rx_frame_check(dev, 1024, true, "it cannot merge"), -EINVAL);
	log = sl_test_capture_end();
	ck_assert_logged(log, "RX buffers and it cannot merge: use mbufs with a bigger data room");
	sl_test_capture_begin(false);
	ck_assert_int_eq(sl_eth_rx_pool_short(dev, 3, mp, 512), -ENOMEM);
	log = sl_test_capture_end();
	ck_assert_logged(log, "the RX pool has 63 free mbufs, rx queue 3 needs 512");

	ck_assert_int_eq(sl_eth_vdev_remove("net_null9"), -ENODEV);
	ck_assert_int_eq(sl_eth_vdev_remove("net_ring2"), 0);
	ck_assert(!sl_eth_dev_is_valid_port(P_RING2));
	sl_mempool_free(mp);
}
END_TEST

START_TEST(test_null_rx_tx)
{
	struct sl_mempool *mp = pool_create("null_pool", 1023);
	struct sl_mbuf *pkts[64], *more[64];
	struct sl_eth_stats st;
	uint16_t p = P_NULL1, n;

	port_up(p, 2, 2, mp);
	ck_assert_uint_eq(sl_mempool_in_use_count(mp), 0);
	n = sl_eth_rx_burst(p, 0, pkts, 32);
	ck_assert_uint_eq(n, 32);
	ck_assert_uint_eq(sl_mempool_in_use_count(mp), 32);
	for (unsigned i = 0; i < n; i++) {
		ck_assert_ptr_eq(pkts[i]->pool, mp);
		ck_assert_uint_eq(pkts[i]->data_len, 128);	/* size=128 */
		ck_assert_uint_eq(pkts[i]->pkt_len, 128);
		ck_assert_uint_eq(pkts[i]->port, p);
		ck_assert_uint_eq(pkts[i]->nb_segs, 1);
		for (unsigned j = 0; j < i; j++)
			ck_assert_ptr_ne(pkts[i], pkts[j]);
	}
	ck_assert_uint_eq(sl_eth_rx_burst(p, 1, more, 5), 5);
	ck_assert_uint_eq(sl_eth_tx_burst(p, 1, pkts, 32), 32);
	ck_assert_uint_eq(sl_eth_tx_burst(p, 0, more, 5), 5);
	ck_assert_uint_eq(sl_mempool_in_use_count(mp), 0);

	ck_assert_int_eq(sl_eth_stats_get(p, &st), 0);
	ck_assert_uint_eq(st.ipackets, 37);
	ck_assert_uint_eq(st.ibytes, 37 * 128);
	ck_assert_uint_eq(st.opackets, 37);
	ck_assert_uint_eq(st.obytes, 37 * 128);
	ck_assert_uint_eq(st.q_ipackets[0], 32);
	ck_assert_uint_eq(st.q_ipackets[1], 5);
	ck_assert_uint_eq(st.q_opackets[0], 5);
	ck_assert_uint_eq(st.q_opackets[1], 32);
	ck_assert_uint_eq(st.q_obytes[1], 32 * 128);
	ck_assert_uint_eq(st.rx_nombuf, 0);
	ck_assert_uint_eq(st.ierrors + st.oerrors + st.imissed, 0);

	ck_assert_int_eq(sl_eth_stats_reset(p), 0);
	ck_assert_int_eq(sl_eth_stats_get(p, &st), 0);
	ck_assert_uint_eq(st.ipackets + st.opackets + st.ibytes + st.obytes, 0);
	ck_assert_uint_eq(st.q_ipackets[0], 0);

	/* TX of other sizes counts their real length; default size is 64. */
	make_pkts(mp, pkts, 3, 100, 0);
	ck_assert_uint_eq(sl_eth_tx_burst(p, 0, pkts, 3), 3);
	ck_assert_int_eq(sl_eth_stats_get(p, &st), 0);
	ck_assert_uint_eq(st.obytes, 300);
	port_up(P_NULL0, 1, 1, mp);
	ck_assert_uint_eq(sl_eth_rx_burst(P_NULL0, 0, pkts, 1), 1);
	ck_assert_uint_eq(pkts[0]->data_len, 64);
	ck_assert_uint_eq(pkts[0]->port, P_NULL0);
	sl_pktmbuf_free(pkts[0]);

	/* A stopped port makes nothing and takes nothing. */
	ck_assert_int_eq(sl_eth_dev_stop(p), 0);
	ck_assert_uint_eq(sl_eth_rx_burst(p, 0, pkts, 32), 0);
	make_pkts(mp, pkts, 2, 60, 0);
	ck_assert_uint_eq(sl_eth_tx_burst(p, 0, pkts, 2), 0);
	sl_pktmbuf_free_bulk(pkts, 2);
	ck_assert_uint_eq(sl_mempool_in_use_count(mp), 0);
	sl_mempool_free(mp);
}
END_TEST

START_TEST(test_null_nombuf)
{
	struct sl_mempool *mp = sl_pktmbuf_pool_create("nombuf_pool", 40, 0, 0,
						       SL_MBUF_DEFAULT_BUF_SIZE, SL_SOCKET_ID_ANY);
	struct sl_mbuf *pkts[64];
	struct sl_eth_stats st;

	ck_assert_ptr_nonnull(mp);
	port_up(P_NULL0, 1, 1, mp);
	ck_assert_uint_eq(sl_eth_rx_burst(P_NULL0, 0, pkts, 32), 32);
	/* 8 left: a burst of 32 gets none (bulk allocation is all or nothing). */
	ck_assert_uint_eq(sl_eth_rx_burst(P_NULL0, 0, pkts + 32, 32), 0);
	ck_assert_int_eq(sl_eth_stats_get(P_NULL0, &st), 0);
	ck_assert_uint_eq(st.rx_nombuf, 32);
	ck_assert_uint_eq(st.ipackets, 32);
	ck_assert_uint_eq(sl_eth_tx_burst(P_NULL0, 0, pkts, 32), 32);
	ck_assert_uint_eq(sl_mempool_in_use_count(mp), 0);
	sl_mempool_free(mp);
}
END_TEST

START_TEST(test_null_copy_and_no_rx)
{
	struct sl_mempool *mp = pool_create("copy_pool", 511);
	struct sl_mbuf *pkts[8];
	uint16_t pc, pn;
	const char *log;

	ck_assert_int_eq(sl_vdev_create("net_null5", "copy=1,size=60"), 0);
	ck_assert_int_eq(sl_vdev_create_spec("net_null6,no-rx=1"), 0);
	ck_assert_int_eq(sl_eth_dev_get_port_by_name("net_null5", &pc), 0);
	ck_assert_int_eq(sl_eth_dev_get_port_by_name("net_null6", &pn), 0);
	port_up(pc, 1, 1, mp);
	port_up(pn, 1, 1, mp);
	ck_assert_uint_eq(sl_eth_rx_burst(pc, 0, pkts, 8), 8);
	for (unsigned i = 0; i < 8; i++) {
		const uint8_t *d = sl_pktmbuf_mtod(pkts[i], const uint8_t *);

		ck_assert_uint_eq(pkts[i]->data_len, 60);
		for (unsigned j = 0; j < 60; j++)
			ck_assert_uint_eq(d[j], 0);	/* the zeroed template */
	}
	ck_assert_uint_eq(sl_eth_tx_burst(pc, 0, pkts, 8), 8);
	ck_assert_uint_eq(sl_eth_rx_burst(pn, 0, pkts, 8), 0);
	ck_assert_uint_eq(sl_mempool_in_use_count(mp), 0);

	/* A size the pool's mbufs cannot hold is refused at queue setup. */
	ck_assert_int_eq(sl_vdev_create("net_null8", "size=4000"), 0);
	ck_assert_int_eq(sl_eth_dev_get_port_by_name("net_null8", &pn), 0);
	ck_assert_int_eq(sl_eth_dev_configure(pn, 1, 1, NULL), 0);
	sl_test_capture_begin(false);
	ck_assert_int_eq(sl_eth_rx_queue_setup(pn, 0, 0, SL_SOCKET_ID_ANY, NULL, mp), -EINVAL);
	log = sl_test_capture_end();
	ck_assert_logged(log, "size=4000");

	/* Removal through the bus. */
	ck_assert_int_eq(sl_vdev_remove("net_null5"), 0);
	ck_assert(!sl_eth_dev_is_valid_port(pc));
	ck_assert_int_eq(sl_vdev_remove("net_null5"), -ENODEV);
	sl_mempool_free(mp);
}
END_TEST

START_TEST(test_ring_cable)
{
	struct sl_mempool *mp = pool_create("cable_pool", 1023);
	struct sl_mbuf *tx[16], *rx[32];
	struct sl_eth_stats st;

	port_up(P_RING0, 1, 1, mp);
	port_up(P_RING1, 1, 1, mp);
	make_pkts(mp, tx, 16, 70, 1);
	ck_assert_uint_eq(sl_eth_tx_burst(P_RING0, 0, tx, 16), 16);
	ck_assert_uint_eq(sl_eth_rx_burst(P_RING0, 0, rx, 32), 0);	/* not a loopback */
	ck_assert_uint_eq(sl_eth_rx_burst(P_RING1, 0, rx, 32), 16);
	for (unsigned i = 0; i < 16; i++) {
		ck_assert_ptr_eq(rx[i], tx[i]);
		ck_assert_uint_eq(rx[i]->port, P_RING1);
		ck_assert_uint_eq(*sl_pktmbuf_mtod(rx[i], uint8_t *), 1 + i);
	}
	/* And back. */
	ck_assert_uint_eq(sl_eth_tx_burst(P_RING1, 0, rx, 16), 16);
	ck_assert_uint_eq(sl_eth_rx_burst(P_RING1, 0, tx, 16), 0);
	ck_assert_uint_eq(sl_eth_rx_burst(P_RING0, 0, tx, 16), 16);
	ck_assert_uint_eq(tx[0]->port, P_RING0);

	ck_assert_int_eq(sl_eth_stats_get(P_RING0, &st), 0);
	ck_assert_uint_eq(st.opackets, 16);
	ck_assert_uint_eq(st.obytes, 16 * 70);
	ck_assert_uint_eq(st.ipackets, 16);
	ck_assert_uint_eq(st.ibytes, 16 * 70);
	ck_assert_uint_eq(st.q_opackets[0], 16);
	ck_assert_int_eq(sl_eth_stats_get(P_RING1, &st), 0);
	ck_assert_uint_eq(st.ipackets, 16);
	ck_assert_uint_eq(st.opackets, 16);
	sl_pktmbuf_free_bulk(tx, 16);

	/* Loopback port. */
	port_up(P_RING2, 1, 1, mp);
	make_pkts(mp, tx, 4, 64, 9);
	ck_assert_uint_eq(sl_eth_tx_burst(P_RING2, 0, tx, 4), 4);
	ck_assert_uint_eq(sl_eth_rx_burst(P_RING2, 0, rx, 32), 4);
	ck_assert_ptr_eq(rx[3], tx[3]);
	sl_pktmbuf_free_bulk(rx, 4);
	ck_assert_uint_eq(sl_mempool_in_use_count(mp), 0);
	sl_mempool_free(mp);
}
END_TEST

START_TEST(test_ring_full_and_close_frees)
{
	struct sl_mempool *mp = pool_create("full_pool", 1023);
	struct sl_mbuf *tx[64];
	struct sl_eth_stats st;
	uint16_t p, id;

	ck_assert_int_eq(sl_vdev_create("net_ring7", "size=40,nb_queues=2"), 0);
	ck_assert_int_eq(sl_eth_dev_get_port_by_name("net_ring7", &p), 0);
	port_up(p, 2, 2, mp);
	make_pkts(mp, tx, 64, 60, 0);
	/* 40 slots: the rest stays with the caller. */
	ck_assert_uint_eq(sl_eth_tx_burst(p, 1, tx, 64), 40);
	ck_assert_int_eq(sl_eth_stats_get(p, &st), 0);
	ck_assert_uint_eq(st.opackets, 40);
	ck_assert_uint_eq(st.obytes, 40 * 60);
	ck_assert_uint_eq(st.oerrors, 24);
	ck_assert_uint_eq(st.q_opackets[1], 40);
	sl_pktmbuf_free_bulk(tx + 40, 24);
	ck_assert_uint_eq(sl_mempool_in_use_count(mp), 40);
	/* Close with 40 packets in the loopback ring: they go back. */
	ck_assert_int_eq(sl_eth_dev_stop(p), 0);
	ck_assert_int_eq(sl_eth_dev_close(p), 0);
	ck_assert_uint_eq(sl_mempool_in_use_count(mp), 0);
	/* The id is free and the next port takes it. */
	ck_assert_int_eq(sl_vdev_create("net_null9", NULL), 0);
	ck_assert_int_eq(sl_eth_dev_get_port_by_name("net_null9", &id), 0);
	ck_assert_uint_eq(id, p);
	sl_mempool_free(mp);
}
END_TEST

START_TEST(test_ring_peer_closed)
{
	struct sl_mempool *mp = pool_create("peer_pool", 1023);
	struct sl_mbuf *tx[8];

	port_up(P_RING0, 1, 1, mp);
	port_up(P_RING1, 1, 1, mp);
	make_pkts(mp, tx, 8, 60, 0);
	ck_assert_uint_eq(sl_eth_tx_burst(P_RING1, 0, tx, 4), 4);
	/* Unplug: closing ring0 leaves ring1 sending into rings nobody reads. */
	ck_assert_int_eq(sl_eth_dev_stop(P_RING0), 0);
	ck_assert_int_eq(sl_eth_dev_close(P_RING0), 0);
	ck_assert_uint_eq(sl_eth_tx_burst(P_RING1, 0, tx + 4, 4), 4);
	ck_assert_uint_eq(sl_mempool_in_use_count(mp), 8);
	/* The last port to let go frees what is left in the rings. */
	ck_assert_int_eq(sl_eth_dev_stop(P_RING1), 0);
	ck_assert_int_eq(sl_eth_dev_close(P_RING1), 0);
	ck_assert_uint_eq(sl_mempool_in_use_count(mp), 0);
	sl_mempool_free(mp);
}
END_TEST

START_TEST(test_from_rings)
{
	struct sl_mempool *mp = pool_create("fr_pool", 511);
	struct sl_ring *a2b = sl_ring_create("fr_a2b", 64, SL_SOCKET_ID_ANY, 0);
	struct sl_ring *b2a = sl_ring_create("fr_b2a", 64, SL_SOCKET_ID_ANY, 0);
	struct sl_mbuf *tx[4], *rx[8];
	int a, b;

	ck_assert_ptr_nonnull(a2b);
	ck_assert_ptr_nonnull(b2a);
	a = sl_eth_from_rings("fr_a", &b2a, 1, &a2b, 1, SL_SOCKET_ID_ANY);
	b = sl_eth_from_rings("fr_b", &a2b, 1, &b2a, 1, SL_SOCKET_ID_ANY);
	ck_assert_int_ge(a, 0);
	ck_assert_int_ge(b, 0);
	ck_assert_int_eq(sl_eth_from_rings("fr_a", &b2a, 1, &a2b, 1, SL_SOCKET_ID_ANY), -EEXIST);
	ck_assert_int_eq(sl_eth_from_rings("fr_c", &b2a, 0, &a2b, 1, SL_SOCKET_ID_ANY), -EINVAL);
	port_up((uint16_t)a, 1, 1, mp);
	port_up((uint16_t)b, 1, 1, mp);
	make_pkts(mp, tx, 4, 64, 3);
	ck_assert_uint_eq(sl_eth_tx_burst((uint16_t)a, 0, tx, 4), 4);
	ck_assert_uint_eq(sl_ring_count(a2b), 4);
	ck_assert_uint_eq(sl_eth_rx_burst((uint16_t)b, 0, rx, 8), 4);
	ck_assert_ptr_eq(rx[0], tx[0]);
	sl_pktmbuf_free_bulk(rx, 4);
	ck_assert_int_eq(sl_eth_dev_stop((uint16_t)a), 0);
	ck_assert_int_eq(sl_eth_dev_close((uint16_t)a), 0);
	ck_assert_int_eq(sl_eth_dev_stop((uint16_t)b), 0);
	ck_assert_int_eq(sl_eth_dev_close((uint16_t)b), 0);
	/* Caller-owned rings survive the ports. */
	ck_assert_uint_eq(sl_ring_count(a2b), 0);
	sl_ring_free(a2b);
	sl_ring_free(b2a);
	sl_mempool_free(mp);
}
END_TEST

START_TEST(test_mac_link_promisc)
{
	struct sl_mempool *mp = pool_create("mlp_pool", 511);
	struct sl_ether_addr mac, bad = { { 0x01, 0, 0x5e, 0, 0, 1 } }, good = { { 0x02, 9, 9, 9, 9, 9 } };
	struct sl_eth_link link;
	char buf[64];
	const char *log;

	ck_assert_int_eq(sl_eth_macaddr_get(P_NULL1, &mac), 0);
	ck_assert(sl_is_valid_assigned_ether_addr(&mac));
	ck_assert(sl_is_local_admin_ether_addr(&mac));
	ck_assert_uint_eq(mac.addr_bytes[5], P_NULL1);
	sl_test_capture_begin(false);
	ck_assert_int_eq(sl_eth_dev_default_mac_addr_set(P_NULL1, &bad), -EINVAL);
	log = sl_test_capture_end();
	ck_assert_logged(log, "01:00:5e:00:00:01");
	ck_assert_int_eq(sl_eth_dev_default_mac_addr_set(P_NULL1, &good), 0);
	ck_assert_int_eq(sl_eth_macaddr_get(P_NULL1, &mac), 0);
	ck_assert(sl_is_same_ether_addr(&mac, &good));

	ck_assert_int_eq(sl_eth_link_get_nowait(P_NULL1, &link), 0);
	ck_assert_uint_eq(link.link_status, SL_ETH_LINK_DOWN);
	port_up(P_NULL1, 1, 1, mp);
	ck_assert_int_eq(sl_eth_link_get(P_NULL1, &link), 0);
	ck_assert_uint_eq(link.link_status, SL_ETH_LINK_UP);
	ck_assert_uint_eq(link.link_speed, SL_ETH_SPEED_NUM_10G);
	ck_assert_uint_eq(link.link_duplex, SL_ETH_LINK_FULL_DUPLEX);
	sl_eth_link_to_str(buf, sizeof(buf), &link);
	ck_assert_str_eq(buf, "Link up at 10 Gbps full duplex fixed");
	ck_assert_int_eq(sl_eth_dev_stop(P_NULL1), 0);
	ck_assert_int_eq(sl_eth_link_get_nowait(P_NULL1, &link), 0);
	ck_assert_uint_eq(link.link_status, SL_ETH_LINK_DOWN);

	ck_assert_int_eq(sl_eth_promiscuous_get(P_RING0), 1);
	ck_assert_int_eq(sl_eth_promiscuous_disable(P_RING0), 0);
	ck_assert_int_eq(sl_eth_promiscuous_get(P_RING0), 0);
	ck_assert_int_eq(sl_eth_promiscuous_enable(P_RING0), 0);
	ck_assert_int_eq(sl_eth_promiscuous_get(P_RING0), 1);
	ck_assert_int_eq(sl_eth_allmulticast_disable(P_NULL0), 0);
	ck_assert_int_eq(sl_eth_allmulticast_get(P_NULL0), 0);
	ck_assert_int_eq(sl_eth_allmulticast_enable(P_NULL0), 0);
	ck_assert_int_eq(sl_eth_allmulticast_get(P_NULL0), 1);
	sl_mempool_free(mp);
}
END_TEST

/* A worker polls (rx then tx back) while the main lcore stops and starts
 * the port over and over: bursts on a stopped port return 0, nothing
 * crashes, and no mbuf is lost. */
static int poll_stop;
static uint64_t poll_got;

static int poller(void *arg)
{
	struct sl_mbuf *pkts[32];

	(void)arg;
	while (!__atomic_load_n(&poll_stop, __ATOMIC_RELAXED)) {
		uint16_t n = sl_eth_rx_burst(P_NULL0, 0, pkts, 32);
		uint16_t sent = sl_eth_tx_burst(P_NULL0, 0, pkts, n);

		if (sent < n)
			sl_pktmbuf_free_bulk(pkts + sent, n - sent);
		__atomic_store_n(&poll_got, poll_got + n, __ATOMIC_RELAXED);
	}
	return 0;
}

START_TEST(test_stop_while_polling)
{
	struct sl_mempool *mp = pool_create("poll_pool", 2047);
	unsigned worker = sl_get_next_lcore(UINT32_MAX, 1);
	uint64_t deadline;
	unsigned cycles = 0;

	ck_assert_msg(worker < SL_MAX_LCORE, "no worker lcore with -l 0-1");
	port_up(P_NULL0, 1, 1, mp);
	__atomic_store_n(&poll_stop, 0, __ATOMIC_RELAXED);
	__atomic_store_n(&poll_got, 0, __ATOMIC_RELAXED);
	ck_assert_int_eq(sl_eal_remote_launch(poller, NULL, worker), 0);
	/* At least 300 cycles, and on until the worker has really been
	 * receiving in between (it may start late on a busy machine). */
	deadline = sl_tsc() + 10 * sl_tsc_hz();
	while ((cycles < 300 || __atomic_load_n(&poll_got, __ATOMIC_RELAXED) < 10000) &&
	       sl_tsc() < deadline) {
		ck_assert_int_eq(sl_eth_dev_stop(P_NULL0), 0);
		ck_assert_int_eq(sl_eth_dev_start(P_NULL0), 0);
		cycles++;
	}
	__atomic_store_n(&poll_stop, 1, __ATOMIC_RELAXED);
	ck_assert_int_eq(sl_eal_wait_lcore(worker), 0);
	ck_assert_uint_ge(__atomic_load_n(&poll_got, __ATOMIC_RELAXED), 10000);
	ck_assert_int_eq(sl_eth_dev_stop(P_NULL0), 0);
	ck_assert_uint_eq(sl_mempool_in_use_count(mp), 0);
	sl_mempool_free(mp);
}
END_TEST

/* ---- vdev arguments on the command line -------------------------------------------- */

static const char *eal_init_expect_fail(const char *vdev)
{
	char *argv[] = { "test_ethdev", "--no-huge", "-l", "0-1", "--vdev", "net_null0",
			 "--vdev", (char *)vdev, NULL };
	const char *log;
	int ret;

	sl_test_capture_begin(false);
	ret = eal_init_args(argv);
	log = sl_test_capture_end();
	ck_assert_msg(ret < 0, "sl_eal_init accepted --vdev %s", vdev);
	/* Nothing left behind by the rollback. */
	ck_assert_uint_eq(sl_eth_dev_count_avail(), 0);
	return log;
}

START_TEST(test_vdev_unknown_key)
{
	const char *log = eal_init_expect_fail("net_null1,sise=128");

	ck_assert_logged(log, "net_null1");
	ck_assert_logged(log, "unknown key 'sise'");
	ck_assert_logged(log, "size, copy, no-rx");
}
END_TEST

START_TEST(test_vdev_bad_value)
{
	const char *log = eal_init_expect_fail("net_null1,size=abc");

	ck_assert_logged(log, "size=abc");
	log = eal_init_expect_fail("net_null1,size=0");
	ck_assert_logged(log, "size=0 out of range");
	log = eal_init_expect_fail("net_ring1,peer=net_ring9");
	ck_assert_logged(log, "peer=net_ring9");
	log = eal_init_expect_fail("net_null0");
	ck_assert_logged(log, "exists already");
	log = eal_init_expect_fail("test_lim0,fail=1");
	ck_assert_logged(log, "failing as asked");
}
END_TEST

START_TEST(test_vdev_unknown_driver)
{
	const char *log = eal_init_expect_fail("net_bogus0,x=1");

	ck_assert_logged(log, "no driver for vdev 'net_bogus0'");
	ck_assert_logged(log, "net_null");
	ck_assert_logged(log, "net_ring");
	ck_assert_logged(log, "test_lim");
	/* After a failed init, a good one works and sees its ports. */
	eal_setup();
	ck_assert_uint_eq(sl_eth_dev_count_avail(), NB_CMDLINE_PORTS);
	eal_teardown();
}
END_TEST

/* sl_eal_cleanup closes every port (started or not); a new init starts over. */
START_TEST(test_cleanup_closes_ports)
{
	struct sl_mempool *mp;

	eal_setup();
	mp = pool_create("cl_pool", 511);
	port_up(P_NULL0, 1, 1, mp);
	ck_assert_int_eq(sl_vdev_create("net_null9", NULL), 0);
	ck_assert_uint_eq(sl_eth_dev_count_avail(), NB_CMDLINE_PORTS + 1);
	sl_mempool_free(mp);
	eal_teardown();
	ck_assert_uint_eq(sl_eth_dev_count_avail(), 0);
	eal_setup();
	ck_assert_uint_eq(sl_eth_dev_count_avail(), NB_CMDLINE_PORTS);
	ck_assert_str_eq(sl_eth_dev_name(0), "net_null0");
	eal_teardown();
}
END_TEST

static Suite *ethdev_suite(void)
{
	Suite *s = suite_create("ethdev");
	TCase *tc;

	tc = tcase_create("no_eal");
	tcase_add_test(tc, test_no_eal_no_ports);
	suite_add_tcase(s, tc);

	tc = tcase_create("ports");
	tcase_add_checked_fixture(tc, eal_setup, eal_teardown);
	tcase_add_test(tc, test_ports_from_cmdline);
	tcase_add_test(tc, test_state_machine);
	tcase_add_test(tc, test_driver_helpers);
	tcase_add_test(tc, test_out_of_range);
	tcase_add_test(tc, test_limits_enforced);
	tcase_add_test(tc, test_thresholds_filled);
	tcase_add_test(tc, test_shared_driver_messages);
	tcase_add_test(tc, test_null_rx_tx);
	tcase_add_test(tc, test_null_nombuf);
	tcase_add_test(tc, test_null_copy_and_no_rx);
	tcase_add_test(tc, test_ring_cable);
	tcase_add_test(tc, test_ring_full_and_close_frees);
	tcase_add_test(tc, test_ring_peer_closed);
	tcase_add_test(tc, test_from_rings);
	tcase_add_test(tc, test_mac_link_promisc);
	tcase_add_test(tc, test_stop_while_polling);
	suite_add_tcase(s, tc);

	tc = tcase_create("eal_cmdline");
	tcase_add_test(tc, test_vdev_unknown_key);
	tcase_add_test(tc, test_vdev_bad_value);
	tcase_add_test(tc, test_vdev_unknown_driver);
	tcase_add_test(tc, test_cleanup_closes_ports);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr;
	int failed;

	/* Every test forks; make sure the EAL itself can come up here (no
	 * --vdev: a vdev failure must fail the tests, not skip them). */
	char *probe_argv[] = { "test_ethdev", "--no-huge", "-l", "0-1", NULL };

	if (eal_init_args(probe_argv) < 0) {
		printf("SKIP: sl_eal_init --no-huge -l 0-1 failed (see the message above): cannot test ports here\n");
		return 77;
	}
	sl_eal_cleanup();
	if (sl_eth_dev_count_avail() != 0) {
		printf("FAIL: sl_eal_cleanup left %u ports\n", sl_eth_dev_count_avail());
		return 1;
	}
	sr = srunner_create(ethdev_suite());
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? 0 : 1;
}
