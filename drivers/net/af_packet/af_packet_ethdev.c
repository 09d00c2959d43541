/* SPDX-License-Identifier: BSD-3-Clause
 * net_af_packet: a port on a kernel network interface through AF_PACKET
 * sockets with TPACKET_V2 mmap rings.
 *
 *   --vdev 'net_af_packet0,iface=eth0[,qpairs=N][,framesz=2048][,framecnt=1024]
 *           [,blocksz=4096][,qdisc_bypass=1]'
 *
 * Queue pair i is socket i. With qpairs > 1 the RX sockets form a
 * PACKET_FANOUT group (flow hash, defragmenting), so each flow lands on one
 * queue. Each ring has framecnt frames of framesz bytes, framesz-sized
 * slots packed into blocks of blocksz bytes (blocksz a multiple of the page
 * size, framecnt a multiple of blocksz/framesz). The descriptor counts
 * given to queue setup are not used: the rings are framecnt frames.
 *
 * Sockets are opened at start and closed at stop. Each one: TPACKET_V2,
 * PACKET_LOSS (a malformed TX frame is skipped, not a ring stall),
 * PACKET_QDISC_BYPASS (TX straight to the driver, skipping the qdisc and
 * with it tc and the taps: tcpdump on the interface will not show what
 * this port sends), PACKET_IGNORE_OUTGOING (we do not receive frames the
 * host sends on the interface, our own included), bound to the interface
 * for every protocol. Promiscuous and all-multicast modes are socket
 * memberships (PACKET_MR_PROMISC / PACKET_MR_ALLMULTI), dropped by the
 * kernel when the socket closes. MAC address and link come from the
 * interface.
 */
#include <errno.h>
#include <stddef.h>
#include <inttypes.h>
#include <net/if.h>
#include <net/if_arp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <arpa/inet.h>
#include <linux/ethtool.h>
#include <linux/filter.h>
#include <linux/if_ether.h>
#include <linux/sockios.h>

#include "af_packet_private.h"

#define AFP_DEFAULT_FRAMESZ 2048
#define AFP_DEFAULT_FRAMECNT 1024
#define AFP_MAX_FRAMECNT (1u << 20)
/* How long dev_stop waits for requested TX frames to go out. */
#define AFP_STOP_FLUSH_MS 200

static const char *const afp_valid_keys[] = {
	"iface", "qpairs", "blocksz", "framesz", "framecnt", "qdisc_bypass", NULL,
};

#define AFP_USAGE \
	"iface=IFNAME qpairs=<1..16> framesz=<bytes, multiple of 16> framecnt=<frames> " \
	"blocksz=<bytes, multiple of the page size> qdisc_bypass=<0|1>"

/* ---- interface helpers ------------------------------------------------------ */

static uint32_t iface_speed(const char *ifname)
{
	struct ethtool_cmd cmd = { .cmd = ETHTOOL_GSET };
	struct ifreq ifr;
	uint32_t speed;

	memset(&ifr, 0, sizeof(ifr));
	ifr.ifr_data = (void *)&cmd;
	if (sl_eth_kif_ioctl(ifname, SIOCETHTOOL, &ifr) < 0)
		return SL_ETH_SPEED_NUM_UNKNOWN;
	speed = ethtool_cmd_speed(&cmd);
	return speed == 0 || speed == (uint32_t)SPEED_UNKNOWN ? SL_ETH_SPEED_NUM_UNKNOWN : speed;
}

static struct afp_port *port_of(struct sl_eth_dev *dev)
{
	return dev->data->dev_private;
}

/* ---- sockets ---------------------------------------------------------------- */

static int set_filter_reject_all(int fd)
{
	/* "ret #0": accept no packet */
	struct sock_filter reject = { .code = BPF_RET | BPF_K, .k = 0 };
	struct sock_fprog prog = { .len = 1, .filter = &reject };

	return setsockopt(fd, SOL_SOCKET, SO_ATTACH_FILTER, &prog, sizeof(prog));
}

static int membership(const struct afp_port *pp, int fd, unsigned short type, bool add)
{
	struct packet_mreq mr = { .mr_ifindex = pp->ifindex, .mr_type = type };

	return setsockopt(fd, SOL_PACKET, add ? PACKET_ADD_MEMBERSHIP : PACKET_DROP_MEMBERSHIP,
			  &mr, sizeof(mr));
}

static void sock_close(struct afp_sock *s)
{
	if (s->map != NULL)
		munmap(s->map, s->map_len);
	if (s->fd >= 0)
		close(s->fd);
	free(s->rx_frames);
	free(s->tx_frames);
	memset(s, 0, sizeof(*s));
	s->fd = -1;
}

static uint8_t **frame_table(const struct afp_port *pp, uint8_t *ring)
{
	uint32_t per_block = pp->blocksz / pp->framesz;
	uint8_t **t = malloc((size_t)pp->framecnt * sizeof(*t));

	if (t == NULL)
		return NULL;
	for (uint32_t i = 0; i < pp->framecnt; i++)
		t[i] = ring + (size_t)(i / per_block) * pp->blocksz +
		       (size_t)(i % per_block) * pp->framesz;
	return t;
}

#define SOCK_FAIL(what)                                                         \
	do {                                                                    \
		err = errno;                                                    \
		step = (what);                                                  \
		goto fail;                                                      \
	} while (0)

/* Opens queue pair i's socket with the rings it needs, bound to the
 * interface but with a reject-all filter: it receives nothing until
 * dev_start has it in the fanout group and lifts the filter, so no frame
 * is seen twice (a bound socket outside the group gets a copy of all). */
static int sock_open(struct sl_eth_dev *dev, struct afp_sock *s, bool rx, bool tx)
{
	struct afp_port *pp = port_of(dev);
	struct tpacket_req req = {
		.tp_block_size = pp->blocksz,
		.tp_block_nr = pp->framecnt / (pp->blocksz / pp->framesz),
		.tp_frame_size = pp->framesz,
		.tp_frame_nr = pp->framecnt,
	};
	size_t ring_len = (size_t)req.tp_block_size * req.tp_block_nr;
	struct sockaddr_ll sll = {
		.sll_family = AF_PACKET,
		.sll_protocol = htons(ETH_P_ALL),
		.sll_ifindex = pp->ifindex,
	};
	int one = 1, version = TPACKET_V2, err;
	const char *step;

	memset(s, 0, sizeof(*s));
	/* protocol 0: nothing arrives before bind */
	s->fd = socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, 0);
	if (s->fd < 0)
		SOCK_FAIL("socket(AF_PACKET)");
	if (setsockopt(s->fd, SOL_PACKET, PACKET_VERSION, &version, sizeof(version)) < 0)
		SOCK_FAIL("PACKET_VERSION TPACKET_V2");
	/* must precede the rings */
	if (tx && setsockopt(s->fd, SOL_PACKET, PACKET_LOSS, &one, sizeof(one)) < 0)
		SOCK_FAIL("PACKET_LOSS");
	if (rx && setsockopt(s->fd, SOL_PACKET, PACKET_RX_RING, &req, sizeof(req)) < 0)
		SOCK_FAIL("PACKET_RX_RING");
	if (tx && setsockopt(s->fd, SOL_PACKET, PACKET_TX_RING, &req, sizeof(req)) < 0)
		SOCK_FAIL("PACKET_TX_RING");
	/* one mapping: the RX ring first, then the TX ring */
	s->map_len = ring_len * ((rx ? 1 : 0) + (tx ? 1 : 0));
	s->map = mmap(NULL, s->map_len, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_POPULATE, s->fd, 0);
	if (s->map == MAP_FAILED) {
		s->map = NULL;
		SOCK_FAIL("mmap of the rings");
	}
	if (rx && (s->rx_frames = frame_table(pp, s->map)) == NULL)
		SOCK_FAIL("frame table");
	if (tx && (s->tx_frames = frame_table(pp, s->map + (rx ? ring_len : 0))) == NULL)
		SOCK_FAIL("frame table");
	if (pp->qdisc_bypass &&
	    setsockopt(s->fd, SOL_PACKET, PACKET_QDISC_BYPASS, &one, sizeof(one)) < 0)
		SL_LOG(DEBUG, NET_AF_PACKET, "%s: no PACKET_QDISC_BYPASS (%s): TX goes through the qdisc",
		       dev->data->name, strerror(errno));
	if (setsockopt(s->fd, SOL_PACKET, PACKET_IGNORE_OUTGOING, &one, sizeof(one)) < 0)
		SL_LOG(WARNING, NET_AF_PACKET, "%s: no PACKET_IGNORE_OUTGOING (%s; Linux >= 4.20 has it): the port also receives what the host sends on %s",
		       dev->data->name, strerror(errno), pp->ifname);
	if (set_filter_reject_all(s->fd) < 0)
		SOCK_FAIL("SO_ATTACH_FILTER");
	if (bind(s->fd, (struct sockaddr *)&sll, sizeof(sll)) < 0)
		SOCK_FAIL("bind to the interface");
	return 0;
fail:
	SL_LOG(ERR, NET_AF_PACKET, "%s: %s on %s failed: %s%s", dev->data->name, step, pp->ifname,
	       strerror(err),
	       err == ENOMEM ? " (lower framecnt= or framesz=)" :
	       err == EPERM ? " (run as root or give the program CAP_NET_RAW)" :
	       err == ENODEV || err == ENXIO ? " (the interface is gone)" : "");
	sock_close(s);
	return -err;
}

/* All RX sockets into one hash fanout group: the first creates it with a
 * kernel-chosen unique id, the others join that id. */
static int fanout_join(struct sl_eth_dev *dev, unsigned nb_rx)
{
	struct afp_port *pp = port_of(dev);
	int mode = PACKET_FANOUT_HASH | PACKET_FANOUT_FLAG_DEFRAG;
	/* The option value is (mode << 16) | id; DEFRAG (0x8000) shifted into
	 * bit 31 overflows int, so build it unsigned. */
	int val = (int)((unsigned)(mode | PACKET_FANOUT_FLAG_UNIQUEID) << 16);
	socklen_t len = sizeof(val);
	uint16_t id;

	if (setsockopt(pp->socks[0].fd, SOL_PACKET, PACKET_FANOUT, &val, sizeof(val)) < 0 ||
	    getsockopt(pp->socks[0].fd, SOL_PACKET, PACKET_FANOUT, &val, &len) < 0)
		goto fail;
	id = (uint16_t)val;
	val = (int)(((unsigned)mode << 16) | id);
	for (unsigned i = 1; i < nb_rx; i++)
		if (setsockopt(pp->socks[i].fd, SOL_PACKET, PACKET_FANOUT, &val, sizeof(val)) < 0)
			goto fail;
	return 0;
fail:
	SL_LOG(ERR, NET_AF_PACKET, "%s: cannot spread %u RX queues with PACKET_FANOUT on %s: %s (use qpairs=1)",
	       dev->data->name, nb_rx, pp->ifname, strerror(errno));
	return -errno;
}

/* Waits (briefly) until the kernel has sent what TX queued. */
static void tx_flush(struct afp_port *pp, unsigned nb_tx)
{
	for (int ms = 0; ms < AFP_STOP_FLUSH_MS; ms++) {
		bool busy = false;

		for (unsigned i = 0; i < nb_tx; i++) {
			struct afp_sock *s = &pp->socks[i];

			for (uint32_t f = 0; f < pp->framecnt && !busy; f++) {
				const struct tpacket2_hdr *h = (const void *)s->tx_frames[f];

				busy = __atomic_load_n(&h->tp_status, __ATOMIC_ACQUIRE) !=
				       TP_STATUS_AVAILABLE;
			}
			if (busy)
				break;
		}
		if (!busy)
			return;
		for (unsigned i = 0; i < nb_tx; i++)
			sendto(pp->socks[i].fd, NULL, 0, MSG_DONTWAIT, NULL, 0);
		nanosleep(&(struct timespec){ .tv_nsec = 1000000 }, NULL);
	}
}

static void drops_collect(struct afp_port *pp)
{
	for (unsigned i = 0; i < pp->nb_socks; i++) {
		struct tpacket_stats st;
		socklen_t len = sizeof(st);

		/* reading clears the kernel's counters, so accumulate */
		if (getsockopt(pp->socks[i].fd, SOL_PACKET, PACKET_STATISTICS, &st, &len) == 0)
			pp->drops += st.tp_drops;
	}
}

/* ---- dev_ops ---------------------------------------------------------------- */

static void link_refresh(struct sl_eth_dev *dev, bool started)
{
	struct afp_port *pp = port_of(dev);
	struct sl_eth_link link = { .val64 = 0 };
	bool up = started && sl_eth_kif_running(pp->ifname);

	link.link_status = up ? SL_ETH_LINK_UP : SL_ETH_LINK_DOWN;
	link.link_speed = up ? iface_speed(pp->ifname) : SL_ETH_SPEED_NUM_NONE;
	link.link_duplex = SL_ETH_LINK_FULL_DUPLEX;
	link.link_autoneg = SL_ETH_LINK_AUTONEG;
	sl_eth_dev_link_set(dev, &link);
}

static int afp_link_update(struct sl_eth_dev *dev, int wait_to_complete)
{
	(void)wait_to_complete;
	link_refresh(dev, dev->data->dev_started);
	return 0;
}

static void socks_close_all(struct afp_port *pp)
{
	for (unsigned i = 0; i < pp->nb_socks; i++)
		sock_close(&pp->socks[i]);
	pp->nb_socks = 0;
}

static int afp_dev_start(struct sl_eth_dev *dev)
{
	struct afp_port *pp = port_of(dev);
	struct sl_eth_dev_data *d = dev->data;
	unsigned nb = SL_MAX(d->nb_rx_queues, d->nb_tx_queues);
	uint32_t tx_max = pp->framesz - AFP_TX_DATA_OFF, tx_max_vlan = tx_max;
	struct ifreq ifr;
	int ret;

	memset(&ifr, 0, sizeof(ifr));
	/* The kernel refuses TX frames above MTU + header, and 4 bytes more
	 * only for an 802.1Q frame (packet_extra_vlan_len_allowed); with
	 * PACKET_LOSS it skips them silently, so they must be caught here. */
	if (sl_eth_kif_ioctl(pp->ifname, SIOCGIFMTU, &ifr) == 0) {
		tx_max = SL_MIN(tx_max, (uint32_t)ifr.ifr_mtu + SL_ETHER_HDR_LEN);
		tx_max_vlan = SL_MIN(tx_max_vlan, (uint32_t)ifr.ifr_mtu + SL_ETHER_HDR_LEN +
						      SL_ETHER_VLAN_HDR_LEN);
	}
	for (unsigned i = 0; i < nb; i++) {
		ret = sock_open(dev, &pp->socks[i], i < d->nb_rx_queues, i < d->nb_tx_queues);
		if (ret < 0)
			goto fail;
		pp->nb_socks = i + 1;
	}
	if (d->nb_rx_queues > 1 && (ret = fanout_join(dev, d->nb_rx_queues)) < 0)
		goto fail;
	if (d->promiscuous && membership(pp, pp->socks[0].fd, PACKET_MR_PROMISC, true) < 0)
		SL_LOG(WARNING, NET_AF_PACKET, "%s: cannot make %s promiscuous: %s", d->name,
		       pp->ifname, strerror(errno));
	if (d->all_multicast && membership(pp, pp->socks[0].fd, PACKET_MR_ALLMULTI, true) < 0)
		SL_LOG(WARNING, NET_AF_PACKET, "%s: cannot enable all-multicast on %s: %s", d->name,
		       pp->ifname, strerror(errno));
	for (uint16_t q = 0; q < d->nb_tx_queues; q++) {
		struct afp_tx_queue *txq = d->tx_queues[q];

		txq->frames = pp->socks[q].tx_frames;
		txq->nb_frames = pp->framecnt;
		txq->next = 0;
		txq->fd = pp->socks[q].fd;
		txq->max_len = tx_max;
		txq->max_len_vlan = tx_max_vlan;
		txq->kick_pending = false;
	}
	for (uint16_t q = 0; q < d->nb_rx_queues; q++) {
		struct afp_rx_queue *rxq = d->rx_queues[q];
		int unused = 0;

		rxq->frames = pp->socks[q].rx_frames;
		rxq->nb_frames = pp->framecnt;
		rxq->next = 0;
		/* open the tap: everything is in place (the kernel wants an
		 * int-sized argument it then ignores) */
		if (setsockopt(pp->socks[q].fd, SOL_SOCKET, SO_DETACH_FILTER, &unused,
			       sizeof(unused)) < 0) {
			SL_LOG(ERR, NET_AF_PACKET, "%s: SO_DETACH_FILTER failed: %s", d->name,
			       strerror(errno));
			ret = -errno;
			goto fail;
		}
	}
	link_refresh(dev, true);
	return 0;
fail:
	socks_close_all(pp);
	return ret;
}

static int afp_dev_stop(struct sl_eth_dev *dev)
{
	struct afp_port *pp = port_of(dev);

	tx_flush(pp, SL_MIN((unsigned)dev->data->nb_tx_queues, pp->nb_socks));
	drops_collect(pp);
	socks_close_all(pp);
	for (uint16_t q = 0; q < dev->data->nb_rx_queues; q++)
		((struct afp_rx_queue *)dev->data->rx_queues[q])->frames = NULL;
	for (uint16_t q = 0; q < dev->data->nb_tx_queues; q++)
		((struct afp_tx_queue *)dev->data->tx_queues[q])->frames = NULL;
	return 0;
}

static int afp_dev_close(struct sl_eth_dev *dev)
{
	struct afp_port *pp = port_of(dev);

	socks_close_all(pp);
	free(pp);
	return 0;
}

static int afp_dev_infos_get(struct sl_eth_dev *dev, struct sl_eth_dev_info *info)
{
	struct afp_port *pp = port_of(dev);
	uint32_t max_frame = pp->framesz - AFP_RX_MAC_OFF;

	info->if_index = (unsigned)pp->ifindex;
	info->max_rx_queues = (uint16_t)pp->qpairs;
	info->max_tx_queues = (uint16_t)pp->qpairs;
	info->max_rx_pktlen = max_frame;
	info->max_mtu = (uint16_t)SL_MIN(max_frame - SL_ETHER_HDR_LEN, (uint32_t)UINT16_MAX);
	info->rx_offload_capa = SL_ETH_RX_OFFLOAD_SCATTER;
	info->tx_offload_capa = SL_ETH_TX_OFFLOAD_MULTI_SEGS | SL_ETH_TX_OFFLOAD_MBUF_FAST_FREE;
	info->default_rxportconf.ring_size = (uint16_t)SL_MIN(pp->framecnt, 65535u);
	info->default_txportconf.ring_size = (uint16_t)SL_MIN(pp->framecnt, 65535u);
	info->default_rxportconf.nb_queues = (uint16_t)pp->qpairs;
	info->default_txportconf.nb_queues = (uint16_t)pp->qpairs;
	return 0;
}

static int afp_rx_queue_setup(struct sl_eth_dev *dev, uint16_t q, uint16_t nb_desc, int socket,
			      const struct sl_eth_rxconf *conf, struct sl_mempool *mp)
{
	struct afp_rx_queue *rxq = sl_eth_queue_zalloc(sizeof(*rxq));

	(void)nb_desc;
	(void)socket;
	(void)conf;
	if (rxq == NULL) {
		SL_LOG(ERR, NET_AF_PACKET, "%s: out of memory for rx queue %u", dev->data->name, q);
		return -ENOMEM;
	}
	rxq->mp = mp;
	rxq->port_id = dev->data->port_id;
	dev->data->rx_queues[q] = rxq;
	return 0;
}

static int afp_tx_queue_setup(struct sl_eth_dev *dev, uint16_t q, uint16_t nb_desc, int socket,
			      const struct sl_eth_txconf *conf)
{
	struct afp_tx_queue *txq = sl_eth_queue_zalloc(sizeof(*txq));

	(void)nb_desc;
	(void)socket;
	(void)conf;
	if (txq == NULL) {
		SL_LOG(ERR, NET_AF_PACKET, "%s: out of memory for tx queue %u", dev->data->name, q);
		return -ENOMEM;
	}
	txq->fd = -1;
	dev->data->tx_queues[q] = txq;
	return 0;
}

static int afp_stats_get(struct sl_eth_dev *dev, struct sl_eth_stats *st)
{
	struct afp_port *pp = port_of(dev);

	/* the queue counters are summed already (queue_counters) */
	drops_collect(pp);
	st->imissed = pp->drops - pp->drops_base;
	return 0;
}

static int afp_stats_reset(struct sl_eth_dev *dev)
{
	struct afp_port *pp = port_of(dev);

	drops_collect(pp);
	pp->drops_base = pp->drops;
	return 0;
}

/* Memberships live on socket 0 while started; when stopped ethdev records
 * the wish and dev_start applies it. */
static int mode_set(struct sl_eth_dev *dev, unsigned short type, bool on, const char *what)
{
	struct afp_port *pp = port_of(dev);

	if (pp->nb_socks == 0)
		return 0;
	if (membership(pp, pp->socks[0].fd, type, on) < 0) {
		SL_LOG(ERR, NET_AF_PACKET, "%s: cannot turn %s %s on %s: %s", dev->data->name, what,
		       on ? "on" : "off", pp->ifname, strerror(errno));
		return -errno;
	}
	return 0;
}

static int afp_promiscuous_enable(struct sl_eth_dev *dev)
{
	return dev->data->promiscuous ? 0 : mode_set(dev, PACKET_MR_PROMISC, true, "promiscuous mode");
}

static int afp_promiscuous_disable(struct sl_eth_dev *dev)
{
	return !dev->data->promiscuous ? 0 : mode_set(dev, PACKET_MR_PROMISC, false, "promiscuous mode");
}

static int afp_allmulticast_enable(struct sl_eth_dev *dev)
{
	return dev->data->all_multicast ? 0 : mode_set(dev, PACKET_MR_ALLMULTI, true, "all-multicast");
}

static int afp_allmulticast_disable(struct sl_eth_dev *dev)
{
	return !dev->data->all_multicast ? 0 : mode_set(dev, PACKET_MR_ALLMULTI, false, "all-multicast");
}

static const struct sl_eth_dev_ops afp_ops = {
	.dev_start = afp_dev_start,
	.dev_stop = afp_dev_stop,
	.dev_close = afp_dev_close,
	.dev_infos_get = afp_dev_infos_get,
	.rx_queue_setup = afp_rx_queue_setup,
	.tx_queue_setup = afp_tx_queue_setup,
	.rx_queue_release = sl_eth_rx_queue_free,
	.tx_queue_release = sl_eth_tx_queue_free,
	.link_update = afp_link_update,
	.stats_get = afp_stats_get,
	.stats_reset = afp_stats_reset,
	.promiscuous_enable = afp_promiscuous_enable,
	.promiscuous_disable = afp_promiscuous_disable,
	.allmulticast_enable = afp_allmulticast_enable,
	.allmulticast_disable = afp_allmulticast_disable,
};

static const struct sl_eth_driver afp_eth_driver = {
	.name = AFP_DRIVER_NAME,
	.ops = &afp_ops,
	.rx_burst = afp_rx_burst,
	.tx_burst = afp_tx_burst,
	.queue_counters = true,
	.rxq_counters = offsetof(struct afp_rx_queue, cnt),
	.txq_counters = offsetof(struct afp_tx_queue, cnt),
};

/* ---- vdev driver ------------------------------------------------------------ */

static int parse_args(const char *devname, const char *args, struct afp_port *pp)
{
	long page = sysconf(_SC_PAGESIZE);
	uint64_t qpairs = 1, blocksz = (uint64_t)page, framesz = AFP_DEFAULT_FRAMESZ;
	uint64_t framecnt = AFP_DEFAULT_FRAMECNT;
	struct sl_kvargs *kv = NULL;
	const char *iface = NULL;
	bool bypass = true;
	uint64_t per_block;
	int ret;

	ret = sl_kvargs_parse(&kv, devname, args, afp_valid_keys);
	if (ret == 0)
		ret = sl_kvargs_get_string(kv, "iface", &iface);
	if (ret == 0)
		ret = sl_kvargs_get_uint(kv, "qpairs", 1, AFP_MAX_QPAIRS, &qpairs);
	if (ret == 0)
		ret = sl_kvargs_get_uint(kv, "blocksz", (uint64_t)page, 1u << 30, &blocksz);
	if (ret == 0)
		ret = sl_kvargs_get_uint(kv, "framesz", AFP_RX_MAC_OFF + SL_ETHER_MIN_LEN, 1u << 30,
					 &framesz);
	if (ret == 0)
		ret = sl_kvargs_get_uint(kv, "framecnt", 1, AFP_MAX_FRAMECNT, &framecnt);
	if (ret == 0)
		ret = sl_kvargs_get_bool(kv, "qdisc_bypass", &bypass);
	if (ret == 0 && iface == NULL) {
		SL_LOG(ERR, NET_AF_PACKET, "%s: iface=IFNAME is required (the kernel interface to attach to, see 'ip link')",
		       devname);
		ret = -EINVAL;
	}
	if (ret == 0 && strlen(iface) >= IFNAMSIZ) {
		SL_LOG(ERR, NET_AF_PACKET, "%s: iface '%s' is longer than an interface name can be (%d)",
		       devname, iface, IFNAMSIZ - 1);
		ret = -EINVAL;
	}
	if (ret == 0)
		snprintf(pp->ifname, sizeof(pp->ifname), "%s", iface);
	sl_kvargs_free(kv);
	if (ret < 0)
		return ret;

	if (blocksz % (uint64_t)page != 0) {
		SL_LOG(ERR, NET_AF_PACKET, "%s: blocksz=%" PRIu64 " must be a multiple of the page size (%ld)",
		       devname, blocksz, page);
		return -EINVAL;
	}
	if (framesz % TPACKET_ALIGNMENT != 0 || framesz > blocksz) {
		SL_LOG(ERR, NET_AF_PACKET, "%s: framesz=%" PRIu64 " must be a multiple of %d and at most blocksz (%" PRIu64 ")",
		       devname, framesz, TPACKET_ALIGNMENT, blocksz);
		return -EINVAL;
	}
	per_block = blocksz / framesz;
	if (framecnt % per_block != 0) {
		SL_LOG(ERR, NET_AF_PACKET, "%s: framecnt=%" PRIu64 " must be a multiple of blocksz/framesz = %" PRIu64 " (frames per block), e.g. %" PRIu64,
		       devname, framecnt, per_block, (framecnt / per_block + 1) * per_block);
		return -EINVAL;
	}
	pp->qpairs = (unsigned)qpairs;
	pp->blocksz = (uint32_t)blocksz;
	pp->framesz = (uint32_t)framesz;
	pp->framecnt = (uint32_t)framecnt;
	pp->qdisc_bypass = bypass;
	return 0;
}

static int afp_probe(const char *devname, const char *args)
{
	struct afp_port *pp = calloc(1, sizeof(*pp));
	struct sl_ether_addr mac;
	struct sl_eth_dev *dev;
	struct ifreq ifr;
	int ret, fd;

	if (pp == NULL) {
		SL_LOG(ERR, NET_AF_PACKET, "%s: out of memory", devname);
		return -ENOMEM;
	}
	for (unsigned i = 0; i < AFP_MAX_QPAIRS; i++)
		pp->socks[i].fd = -1;
	ret = parse_args(devname, args, pp);
	if (ret < 0)
		goto fail;
	pp->ifindex = (int)if_nametoindex(pp->ifname);
	if (pp->ifindex == 0) {
		SL_LOG(ERR, NET_AF_PACKET, "%s: no interface '%s' in this network namespace (see 'ip link')",
		       devname, pp->ifname);
		ret = -ENODEV;
		goto fail;
	}
	memset(&ifr, 0, sizeof(ifr));
	ret = sl_eth_kif_ioctl(pp->ifname, SIOCGIFHWADDR, &ifr);
	if (ret == 0 && ifr.ifr_hwaddr.sa_family != ARPHRD_ETHER) {
		SL_LOG(ERR, NET_AF_PACKET, "%s: '%s' is not an Ethernet interface (ARPHRD type %u)",
		       devname, pp->ifname, ifr.ifr_hwaddr.sa_family);
		ret = -EINVAL;
		goto fail;
	}
	if (ret < 0) {
		SL_LOG(ERR, NET_AF_PACKET, "%s: cannot read the address of '%s': %s", devname,
		       pp->ifname, strerror(-ret));
		goto fail;
	}
	/* fail at probe, not at start, when we may not open packet sockets */
	fd = socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		ret = -errno;
		SL_LOG(ERR, NET_AF_PACKET, "%s: cannot open an AF_PACKET socket: %s%s", devname,
		       strerror(errno),
		       errno == EPERM ? " (run as root or give the program CAP_NET_RAW)" : "");
		goto fail;
	}
	close(fd);

	memcpy(mac.addr_bytes, ifr.ifr_hwaddr.sa_data, SL_ETHER_ADDR_LEN);
	ret = sl_eth_dev_create(&afp_eth_driver, devname, pp, &mac, SL_SOCKET_ID_ANY, &dev);
	if (ret < 0)
		goto fail;
	return 0;
fail:
	free(pp);
	return ret;
}

SL_ETH_VDEV_DRIVER(afp_vdev_driver, AFP_DRIVER_NAME, AFP_USAGE, afp_probe)
