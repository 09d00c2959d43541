/* SPDX-License-Identifier: BSD-3-Clause
 * net_pcap: ports that read and write pcap files or capture and inject on
 * a kernel interface through libpcap.
 *
 *   --vdev 'net_pcap0,rx_pcap=in.pcap,tx_pcap=out.pcap'
 *   --vdev 'net_pcap1,iface=eth0'            (live: rx and tx on eth0)
 *   --vdev 'net_pcap2,rx_iface=eth0,tx_pcap=eth0.pcap'
 *   --vdev 'net_pcap3,rx_pcap=in.pcap,infinite_rx=1'   (replay forever)
 *
 * Every rx_pcap/rx_iface/iface adds an RX queue and every tx_pcap/
 * tx_iface/iface a TX queue, in the order given. A port without any TX
 * sink still has one TX queue, which frees what it is given (a /dev/null);
 * a port without an RX source has one RX queue that never receives.
 *
 * Files are opened at probe so that a bad name or format fails
 * sl_eal_init with the file name and libpcap's reason. Only Ethernet
 * (LINKTYPE_ETHERNET) captures are accepted. Without infinite_rx a file is
 * read once, and RX returns 0 after its last frame; a truncated last
 * record ends the file there with a warning. With infinite_rx=1 the whole
 * file is read into memory at probe and handed out again and again, copied
 * into fresh mbufs (the application owns and frees what RX returns).
 * Frames larger than one mbuf arrive as chains. tx_pcap files are written
 * with pcap_dump (microsecond timestamps, snaplen 65535) and flushed at
 * stop and close. Live interfaces capture promiscuously and only incoming
 * frames (so the port does not see what it sends).
 */
#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <inttypes.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <linux/filter.h>

#include "pcap_private.h"

static const char *const pcap_valid_keys[] = {
	"rx_pcap", "tx_pcap", "rx_iface", "tx_iface", "iface", "infinite_rx", NULL,
};

#define PCAP_USAGE \
	"rx_pcap=FILE tx_pcap=FILE rx_iface=IF tx_iface=IF iface=IF infinite_rx=<0|1> " \
	"(rx_*/tx_*/iface repeatable: one queue each)"

/* ---- interface helpers ------------------------------------------------------ */

/* ---- sources and sinks ------------------------------------------------------ */

/* A tx_pcap file as a stdio stream, created rw-r--r-- at most: fopen (and
 * so pcap_dump_open) would create it 0666 & ~umask, world-writable under
 * umask 000. An existing file keeps its mode. "-" is stdout, as in
 * libpcap. NULL with errno set. */
static FILE *create_output(const char *path)
{
	FILE *f;
	int fd;

	if (strcmp(path, "-") == 0)
		return stdout;
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0)
		return NULL;
	f = fdopen(fd, "wb");
	if (f == NULL) {
		int err = errno;

		close(fd);
		errno = err;
	}
	return f;
}

static int check_ethernet(const char *devname, const char *what, const char *name, pcap_t *p)
{
	int dlt = pcap_datalink(p);
	const char *dlt_name;

	if (dlt == DLT_EN10MB)
		return 0;
	dlt_name = pcap_datalink_val_to_name(dlt);
	SL_LOG(ERR, NET_PCAP, "%s: %s '%s' has link type %s (%d), not Ethernet (EN10MB); only Ethernet captures can feed a port",
	       devname, what, name, dlt_name != NULL ? dlt_name : "unknown", dlt);
	return -EINVAL;
}

/* Reads the whole file into memory for infinite_rx. */
static int source_preload(const char *devname, struct pcap_source *src)
{
	size_t data_cap = 0, data_len = 0;
	uint32_t frames_cap = 0, cut = 0;
	struct pcap_pkthdr *hdr;
	const u_char *data;
	int ret;

	while ((ret = pcap_next_ex(src->pcap, &hdr, &data)) == 1) {
		struct pcap_replay_frame *f;

		if (hdr->caplen == 0)
			continue;
		if (hdr->caplen < hdr->len) {
			/* part of a frame (snaplen): never replayed, as in
			 * pcap_rx_burst */
			cut++;
			continue;
		}
		if (src->nb_frames == frames_cap) {
			uint32_t ncap = frames_cap ? frames_cap * 2 : 256;
			void *n = realloc(src->frames, (size_t)ncap * sizeof(*src->frames));

			if (n == NULL)
				goto nomem;
			src->frames = n;
			frames_cap = ncap;
		}
		if (data_len + hdr->caplen > data_cap) {
			size_t ncap = data_cap ? data_cap * 2 : 65536;
			void *n;

			while (ncap < data_len + hdr->caplen)
				ncap *= 2;
			if (ncap > UINT32_MAX) {
				SL_LOG(ERR, NET_PCAP, "%s: rx_pcap '%s' holds more than 4 GiB of frames; infinite_rx keeps the file in memory, use a smaller capture",
				       devname, src->name);
				return -EFBIG;
			}
			n = realloc(src->frames_data, ncap);
			if (n == NULL)
				goto nomem;
			src->frames_data = n;
			data_cap = ncap;
		}
		f = &src->frames[src->nb_frames++];
		f->off = (uint32_t)data_len;
		f->len = hdr->caplen;
		f->ts_ns = (uint64_t)hdr->ts.tv_sec * 1000000000ull +
			   (uint64_t)hdr->ts.tv_usec * (src->nsec ? 1u : 1000u);
		memcpy(src->frames_data + data_len, data, hdr->caplen);
		data_len += hdr->caplen;
	}
	if (ret != PCAP_ERROR_BREAK)
		SL_LOG(WARNING, NET_PCAP, "%s: rx_pcap '%s': replaying the first %u frames only: %s (a truncated last record?)",
		       devname, src->name, src->nb_frames, pcap_geterr(src->pcap));
	if (cut != 0)
		SL_LOG(WARNING, NET_PCAP, "%s: rx_pcap '%s': %u frames were captured cut short (snaplen) and are left out of the replay; recapture with tcpdump -s 0",
		       devname, src->name, cut);
	if (src->nb_frames == 0) {
		SL_LOG(ERR, NET_PCAP, "%s: rx_pcap '%s' has no frames to replay; infinite_rx needs at least one",
		       devname, src->name);
		return -EINVAL;
	}
	/* The file has served its purpose. */
	pcap_close(src->pcap);
	src->pcap = NULL;
	return 0;
nomem:
	SL_LOG(ERR, NET_PCAP, "%s: out of memory preloading rx_pcap '%s' for infinite_rx (%u frames so far)",
	       devname, src->name, src->nb_frames);
	return -ENOMEM;
}

static int source_open_file(const char *devname, struct pcap_source *src, bool infinite)
{
	char errbuf[PCAP_ERRBUF_SIZE] = "";
	int ret;

	src->pcap = pcap_open_offline_with_tstamp_precision(src->name, PCAP_TSTAMP_PRECISION_NANO,
							    errbuf);
	if (src->pcap == NULL) {
		SL_LOG(ERR, NET_PCAP, "%s: cannot open rx_pcap '%s': %s", devname, src->name, errbuf);
		return -EINVAL;
	}
	src->nsec = pcap_get_tstamp_precision(src->pcap) == PCAP_TSTAMP_PRECISION_NANO;
	ret = check_ethernet(devname, "rx_pcap", src->name, src->pcap);
	if (ret == 0 && infinite)
		ret = source_preload(devname, src);
	return ret;
}

/* A live handle on ifname: activated, non-blocking, Ethernet.
 *
 * In immediate mode libpcap uses TPACKET_V2, whose ring slots are all as
 * large as the snapshot length: with 65535 a 2 MiB buffer would hold about
 * 30 frames and a burst of 31 would be dropped. So the snapshot is the
 * interface's largest frame (MTU + header + two VLAN tags, which libpcap
 * puts back into the data) and the RX buffer holds thousands of them. */
static pcap_t *iface_open(const char *devname, const char *what, const char *ifname, bool rx)
{
	char errbuf[PCAP_ERRBUF_SIZE] = "";
	pcap_t *p = pcap_create(ifname, errbuf);
	int snaplen = PCAP_MAX_FRAME;
	struct ifreq ifr;
	int ret;

	memset(&ifr, 0, sizeof(ifr));
	if (p == NULL) {
		SL_LOG(ERR, NET_PCAP, "%s: %s '%s': %s", devname, what, ifname, errbuf);
		return NULL;
	}
	if (sl_eth_kif_ioctl(ifname, SIOCGIFMTU, &ifr) == 0 && ifr.ifr_mtu > 0)
		snaplen = SL_MIN(ifr.ifr_mtu + SL_ETHER_HDR_LEN + 2 * SL_ETHER_VLAN_HDR_LEN,
				 PCAP_MAX_FRAME);
	pcap_set_snaplen(p, snaplen);
	pcap_set_buffer_size(p, rx ? PCAP_LIVE_RX_BUFFER : PCAP_LIVE_TX_BUFFER);
	pcap_set_promisc(p, 1);
	/* deliver each frame at once instead of batching to a timeout */
	pcap_set_immediate_mode(p, 1);
	pcap_set_tstamp_precision(p, PCAP_TSTAMP_PRECISION_NANO);
	ret = pcap_activate(p);
	if (ret < 0) {
		const char *hint = "";

		if (ret == PCAP_ERROR_NO_SUCH_DEVICE)
			hint = " (no such interface: see 'ip link')";
		else if (ret == PCAP_ERROR_PERM_DENIED)
			hint = " (run as root or give the program CAP_NET_RAW)";
		else if (ret == PCAP_ERROR_IFACE_NOT_UP)
			hint = " (bring it up: ip link set dev IF up)";
		SL_LOG(ERR, NET_PCAP, "%s: cannot open %s '%s': %s%s", devname, what, ifname,
		       pcap_geterr(p)[0] ? pcap_geterr(p) : pcap_statustostr(ret), hint);
		pcap_close(p);
		return NULL;
	}
	if (check_ethernet(devname, what, ifname, p) < 0 || pcap_setnonblock(p, 1, errbuf) < 0) {
		if (errbuf[0])
			SL_LOG(ERR, NET_PCAP, "%s: %s '%s': %s", devname, what, ifname, errbuf);
		pcap_close(p);
		return NULL;
	}
	return p;
}

static int source_open_iface(const char *devname, struct pcap_source *src)
{
	src->pcap = iface_open(devname, "rx_iface", src->name, true);
	if (src->pcap == NULL)
		return -EINVAL;
	src->nsec = pcap_get_tstamp_precision(src->pcap) == PCAP_TSTAMP_PRECISION_NANO;
	/* not what we inject ourselves */
	if (pcap_setdirection(src->pcap, PCAP_D_IN) < 0)
		SL_LOG(WARNING, NET_PCAP, "%s: rx_iface '%s': cannot restrict capture to incoming frames (%s); the port will also see what it sends",
		       devname, src->name, pcap_geterr(src->pcap));
	return 0;
}

static int sink_open(const char *devname, struct pcap_sink *sink)
{
	if (sink->kind == PCAP_KIND_FILE) {
		sink->pcap = pcap_open_dead_with_tstamp_precision(DLT_EN10MB, PCAP_SNAPLEN,
								  PCAP_TSTAMP_PRECISION_MICRO);
		if (sink->pcap == NULL) {
			SL_LOG(ERR, NET_PCAP, "%s: out of memory opening tx_pcap '%s'", devname,
			       sink->name);
			return -ENOMEM;
		}
		FILE *out = create_output(sink->name);

		if (out == NULL) {
			SL_LOG(ERR, NET_PCAP, "%s: cannot create tx_pcap '%s': %s", devname, sink->name,
			       strerror(errno));
			return -EINVAL;
		}
		/* the dumper owns out from here: pcap_dump_close closes it */
		sink->dumper = pcap_dump_fopen(sink->pcap, out);
		if (sink->dumper == NULL) {
			SL_LOG(ERR, NET_PCAP, "%s: cannot write tx_pcap '%s': %s", devname, sink->name,
			       pcap_geterr(sink->pcap));
			if (out != stdout)
				fclose(out);
			return -EINVAL;
		}
		return 0;
	}
	sink->pcap = iface_open(devname, "tx_iface", sink->name, false);
	if (sink->pcap == NULL)
		return -EINVAL;
	/* A TX handle must not queue up captured frames nobody reads: a
	 * kernel filter that accepts nothing ("ret #0"). */
	{
		struct bpf_insn reject = { .code = BPF_RET | BPF_K, .k = 0 };
		struct bpf_program prog = { .bf_len = 1, .bf_insns = &reject };

		if (pcap_setfilter(sink->pcap, &prog) < 0)
			SL_LOG(DEBUG, NET_PCAP, "%s: tx_iface '%s': no reject-all filter: %s",
			       devname, sink->name, pcap_geterr(sink->pcap));
	}
	return 0;
}

/* ---- port state ------------------------------------------------------------- */

static void port_free(struct pcap_port *pp)
{
	if (pp == NULL)
		return;
	for (unsigned i = 0; i < pp->nb_src; i++) {
		struct pcap_source *s = &pp->src[i];

		if (s->pcap != NULL)
			pcap_close(s->pcap);
		free(s->frames);
		free(s->frames_data);
		free(s->name);
	}
	for (unsigned i = 0; i < pp->nb_sink; i++) {
		struct pcap_sink *s = &pp->sink[i];

		if (s->dumper != NULL)
			pcap_dump_close(s->dumper);	/* flushes */
		if (s->pcap != NULL)
			pcap_close(s->pcap);
		free(s->name);
	}
	free(pp);
}

struct parse_ctx {
	const char *devname;
	struct pcap_port *pp;
};

static int add_source(struct parse_ctx *c, enum pcap_kind kind, const char *name)
{
	struct pcap_source *s;

	if (c->pp->nb_src == PCAP_MAX_QUEUES) {
		SL_LOG(ERR, NET_PCAP, "%s: more than %u RX sources (rx_pcap/rx_iface/iface)",
		       c->devname, PCAP_MAX_QUEUES);
		return -EINVAL;
	}
	s = &c->pp->src[c->pp->nb_src++];
	s->kind = kind;
	s->name = strdup(name);
	return s->name != NULL ? 0 : -ENOMEM;
}

static int add_sink(struct parse_ctx *c, enum pcap_kind kind, const char *name)
{
	struct pcap_sink *s;

	if (c->pp->nb_sink == PCAP_MAX_QUEUES) {
		SL_LOG(ERR, NET_PCAP, "%s: more than %u TX sinks (tx_pcap/tx_iface/iface)",
		       c->devname, PCAP_MAX_QUEUES);
		return -EINVAL;
	}
	s = &c->pp->sink[c->pp->nb_sink++];
	s->kind = kind;
	s->name = strdup(name);
	return s->name != NULL ? 0 : -ENOMEM;
}

static int remember_iface(struct parse_ctx *c, const char *ifname)
{
	if (c->pp->ifname[0] == '\0')
		snprintf(c->pp->ifname, sizeof(c->pp->ifname), "%s", ifname);
	return 0;
}

static int parse_args(struct parse_ctx *c, const struct sl_kvargs *kv)
{
	unsigned n = sl_kvargs_count(kv);
	int ret;

	for (unsigned i = 0; i < n; i++) {
		const char *key, *val;

		sl_kvargs_pair(kv, i, &key, &val);
		if (strcmp(key, "infinite_rx") == 0)
			continue;
		if (val == NULL || val[0] == '\0') {
			SL_LOG(ERR, NET_PCAP, "%s: %s needs a value (%s=%s)", c->devname, key, key,
			       strstr(key, "pcap") ? "FILE" : "IFNAME");
			return -EINVAL;
		}
		if (strcmp(key, "rx_pcap") == 0) {
			ret = add_source(c, PCAP_KIND_FILE, val);
		} else if (strcmp(key, "tx_pcap") == 0) {
			ret = add_sink(c, PCAP_KIND_FILE, val);
		} else if (strcmp(key, "rx_iface") == 0) {
			ret = add_source(c, PCAP_KIND_IFACE, val);
			remember_iface(c, val);
		} else if (strcmp(key, "tx_iface") == 0) {
			ret = add_sink(c, PCAP_KIND_IFACE, val);
			remember_iface(c, val);
		} else {	/* iface */
			ret = add_source(c, PCAP_KIND_IFACE, val);
			if (ret == 0)
				ret = add_sink(c, PCAP_KIND_IFACE, val);
			remember_iface(c, val);
		}
		if (ret < 0)
			return ret;
	}
	ret = sl_kvargs_get_bool(kv, "infinite_rx", &c->pp->infinite_rx);
	if (ret < 0)
		return ret;
	if (c->pp->nb_src == 0 && c->pp->nb_sink == 0) {
		SL_LOG(ERR, NET_PCAP, "%s: nothing to read or write; give rx_pcap=FILE, tx_pcap=FILE, iface=IF, rx_iface=IF or tx_iface=IF",
		       c->devname);
		return -EINVAL;
	}
	if (c->pp->infinite_rx) {
		for (unsigned i = 0; i < c->pp->nb_src; i++)
			if (c->pp->src[i].kind != PCAP_KIND_FILE) {
				SL_LOG(ERR, NET_PCAP, "%s: infinite_rx replays files; '%s' is an interface (drop infinite_rx or use rx_pcap=FILE)",
				       c->devname, c->pp->src[i].name);
				return -EINVAL;
			}
		if (c->pp->nb_src == 0) {
			SL_LOG(ERR, NET_PCAP, "%s: infinite_rx=1 needs rx_pcap=FILE", c->devname);
			return -EINVAL;
		}
	}
	return 0;
}

/* ---- dev_ops ---------------------------------------------------------------- */

static struct pcap_port *port_of(struct sl_eth_dev *dev)
{
	return dev->data->dev_private;
}

static void link_set(struct sl_eth_dev *dev, bool up)
{
	struct sl_eth_link link = { .val64 = 0 };

	link.link_speed = up ? SL_ETH_SPEED_NUM_10G : SL_ETH_SPEED_NUM_NONE;
	link.link_duplex = SL_ETH_LINK_FULL_DUPLEX;
	link.link_autoneg = SL_ETH_LINK_FIXED;
	link.link_status = up ? SL_ETH_LINK_UP : SL_ETH_LINK_DOWN;
	sl_eth_dev_link_set(dev, &link);
}

/* A started port's link is up; a live one's only while its interface is. */
static void link_refresh(struct sl_eth_dev *dev, bool started)
{
	struct pcap_port *pp = port_of(dev);

	link_set(dev, started && (pp->ifname[0] == '\0' || sl_eth_kif_running(pp->ifname)));
}

static int pcap_link_update(struct sl_eth_dev *dev, int wait_to_complete)
{
	(void)wait_to_complete;
	link_refresh(dev, dev->data->dev_started);
	return 0;
}

static int pcap_dev_start(struct sl_eth_dev *dev)
{
	link_refresh(dev, true);
	return 0;
}

static int pcap_dev_stop(struct sl_eth_dev *dev)
{
	struct pcap_port *pp = port_of(dev);

	for (unsigned i = 0; i < pp->nb_sink; i++)
		if (pp->sink[i].dumper != NULL && pcap_dump_flush(pp->sink[i].dumper) < 0)
			SL_LOG(ERR, NET_PCAP, "port %u: writing tx_pcap '%s' failed (disk full?)",
			       dev->data->port_id, pp->sink[i].name);
	return 0;
}

static int pcap_dev_close(struct sl_eth_dev *dev)
{
	port_free(port_of(dev));
	return 0;
}

static int pcap_dev_infos_get(struct sl_eth_dev *dev, struct sl_eth_dev_info *info)
{
	struct pcap_port *pp = port_of(dev);

	info->max_rx_queues = (uint16_t)SL_MAX(pp->nb_src, 1u);
	info->max_tx_queues = (uint16_t)SL_MAX(pp->nb_sink, 1u);
	info->max_rx_pktlen = PCAP_MAX_FRAME;
	info->max_mtu = PCAP_MAX_FRAME - SL_ETHER_HDR_LEN;
	info->rx_offload_capa = SL_ETH_RX_OFFLOAD_SCATTER | SL_ETH_RX_OFFLOAD_TIMESTAMP;
	info->tx_offload_capa = SL_ETH_TX_OFFLOAD_MULTI_SEGS | SL_ETH_TX_OFFLOAD_MBUF_FAST_FREE;
	info->speed_capa = SL_ETH_LINK_SPEED_10G;
	if (pp->ifname[0] != '\0')
		info->if_index = if_nametoindex(pp->ifname);
	return 0;
}

static int pcap_rx_queue_setup(struct sl_eth_dev *dev, uint16_t q, uint16_t nb_desc, int socket,
			       const struct sl_eth_rxconf *conf, struct sl_mempool *mp)
{
	struct pcap_port *pp = port_of(dev);
	struct pcap_rx_queue *rxq;

	(void)nb_desc;
	(void)socket;
	(void)conf;
	rxq = sl_eth_queue_zalloc(sizeof(*rxq));
	if (rxq == NULL) {
		SL_LOG(ERR, NET_PCAP, "port %u: out of memory for rx queue %u", dev->data->port_id, q);
		return -ENOMEM;
	}
	rxq->mp = mp;
	rxq->port_id = dev->data->port_id;
	if (q < pp->nb_src) {
		rxq->src = &pp->src[q];
		rxq->infinite = pp->infinite_rx;
	}
	dev->data->rx_queues[q] = rxq;
	return 0;
}

static int pcap_tx_queue_setup(struct sl_eth_dev *dev, uint16_t q, uint16_t nb_desc, int socket,
			       const struct sl_eth_txconf *conf)
{
	struct pcap_port *pp = port_of(dev);
	struct pcap_tx_queue *txq;

	(void)nb_desc;
	(void)socket;
	(void)conf;
	txq = sl_eth_queue_zalloc(sizeof(*txq));
	if (txq == NULL)
		goto nomem;
	txq->linear = malloc(PCAP_MAX_FRAME);
	if (txq->linear == NULL) {
		free(txq);
		goto nomem;
	}
	if (q < pp->nb_sink)
		txq->sink = &pp->sink[q];
	dev->data->tx_queues[q] = txq;
	return 0;
nomem:
	SL_LOG(ERR, NET_PCAP, "port %u: out of memory for tx queue %u", dev->data->port_id, q);
	return -ENOMEM;
}

static void pcap_tx_queue_release(struct sl_eth_dev *dev, uint16_t q)
{
	struct pcap_tx_queue *txq = dev->data->tx_queues[q];

	if (txq != NULL)
		free(txq->linear);
	free(txq);
}

static uint64_t source_drops(const struct pcap_source *src)
{
	struct pcap_stat ps;

	if (src->kind != PCAP_KIND_IFACE || src->pcap == NULL || pcap_stats(src->pcap, &ps) < 0)
		return 0;
	return ps.ps_drop;
}

static int pcap_stats_get(struct sl_eth_dev *dev, struct sl_eth_stats *st)
{
	struct pcap_port *pp = port_of(dev);

	/* the queue counters are summed already (queue_counters) */
	for (unsigned i = 0; i < pp->nb_src; i++) {
		uint64_t drops = source_drops(&pp->src[i]);

		if (drops > pp->src[i].drop_base)
			st->imissed += drops - pp->src[i].drop_base;
	}
	return 0;
}

static int pcap_stats_reset(struct sl_eth_dev *dev)
{
	struct pcap_port *pp = port_of(dev);

	for (unsigned i = 0; i < pp->nb_src; i++)
		pp->src[i].drop_base = source_drops(&pp->src[i]);
	return 0;
}

/* Live handles are opened promiscuous (libpcap cannot switch an active
 * handle), and a file has no address filter: on is the only state. */
static int pcap_promiscuous_enable(struct sl_eth_dev *dev)
{
	(void)dev;
	return 0;
}

static int pcap_promiscuous_disable(struct sl_eth_dev *dev)
{
	SL_LOG(ERR, NET_PCAP, "port %u: net_pcap always captures promiscuously; use net_af_packet for a port that can turn it off",
	       dev->data->port_id);
	return -ENOTSUP;
}

static const struct sl_eth_dev_ops pcap_ops = {
	.dev_start = pcap_dev_start,
	.dev_stop = pcap_dev_stop,
	.dev_close = pcap_dev_close,
	.dev_infos_get = pcap_dev_infos_get,
	.rx_queue_setup = pcap_rx_queue_setup,
	.tx_queue_setup = pcap_tx_queue_setup,
	.rx_queue_release = sl_eth_rx_queue_free,
	.tx_queue_release = pcap_tx_queue_release,
	.link_update = pcap_link_update,
	.stats_get = pcap_stats_get,
	.stats_reset = pcap_stats_reset,
	.promiscuous_enable = pcap_promiscuous_enable,
	.promiscuous_disable = pcap_promiscuous_disable,
};

static const struct sl_eth_driver pcap_eth_driver = {
	.name = PCAP_DRIVER_NAME,
	.ops = &pcap_ops,
	.rx_burst = pcap_rx_burst,
	.tx_burst = pcap_tx_burst,
	/* files: a fixed address per port id, so runs are reproducible */
	.local_mac = { { 0x02, 0x53, 0x4c, 0x50, 0x00, 0x00 } },
	.queue_counters = true,
	.rxq_counters = offsetof(struct pcap_rx_queue, cnt),
	.txq_counters = offsetof(struct pcap_tx_queue, cnt),
};

/* ---- vdev driver ------------------------------------------------------------ */

static int pcap_probe(const char *devname, const char *args)
{
	struct parse_ctx ctx = { .devname = devname };
	struct sl_kvargs *kv = NULL;
	struct sl_ether_addr iface_mac, *mac = &iface_mac;
	struct sl_eth_dev *dev;
	struct ifreq ifr;
	int ret;

	ctx.pp = calloc(1, sizeof(*ctx.pp));
	if (ctx.pp == NULL) {
		SL_LOG(ERR, NET_PCAP, "%s: out of memory", devname);
		return -ENOMEM;
	}
	ret = sl_kvargs_parse(&kv, devname, args, pcap_valid_keys);
	if (ret == 0)
		ret = parse_args(&ctx, kv);
	sl_kvargs_free(kv);
	for (unsigned i = 0; ret == 0 && i < ctx.pp->nb_src; i++) {
		struct pcap_source *s = &ctx.pp->src[i];

		if (s->kind == PCAP_KIND_FILE)
			ret = source_open_file(devname, s, ctx.pp->infinite_rx);
		else
			ret = source_open_iface(devname, s);
	}
	for (unsigned i = 0; ret == 0 && i < ctx.pp->nb_sink; i++)
		ret = sink_open(devname, &ctx.pp->sink[i]);
	if (ret < 0)
		goto fail;

	/* a live port has its interface's address */
	memset(&ifr, 0, sizeof(ifr));
	if (ctx.pp->ifname[0] != '\0' && sl_eth_kif_ioctl(ctx.pp->ifname, SIOCGIFHWADDR, &ifr) == 0)
		memcpy(iface_mac.addr_bytes, ifr.ifr_hwaddr.sa_data, SL_ETHER_ADDR_LEN);
	else
		mac = NULL;
	ret = sl_eth_dev_create(&pcap_eth_driver, devname, ctx.pp, mac, SL_SOCKET_ID_ANY, &dev);
	if (ret < 0)
		goto fail;
	return 0;
fail:
	port_free(ctx.pp);
	return ret;
}

SL_ETH_VDEV_DRIVER(pcap_vdev_driver, PCAP_DRIVER_NAME, PCAP_USAGE, pcap_probe)
