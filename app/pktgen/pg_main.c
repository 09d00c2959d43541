/* SPDX-License-Identifier: BSD-3-Clause
 * sl-pktgen: the traffic generator and benchmark.
 *
 *   sl-pktgen [EAL options] -- [options]        (-h for the options)
 *
 * One run, described entirely by its options: ports get a TX and/or RX
 * role, TX ports send their streams (built frames or a pcap replay) until
 * --count or --duration or SIGINT, RX ports count what arrives, and a
 * summary table follows on stdout (and --json FILE).
 *
 * Order of events, so that a bad option never leaves a port half set up:
 * EAL init (probes the ports), option parsing (values and files), checks
 * against the ports (ids, MTU, queues), pools, port configuration and
 * start, tasks, launch. After the run: stop sending, drain RX for
 * --drain-ms (or until every frame sent is accounted for), stop the
 * lcores, report, close the ports.
 */
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "sl_eal.h"
#include "sl_ethdev.h"
#include "sl_mbuf.h"

#include "app_common.h"
#include "pg_app.h"

#define EXIT_LOSS 2
#define POOL_CACHE 256
#define MIN_POOL_MBUFS 4096u

static struct pg_app app;
/* ---- ports -------------------------------------------------------------------- */

static void list_ports(char *buf, size_t len)
{
	uint16_t p;
	size_t off = 0;

	buf[0] = '\0';
	SL_ETH_FOREACH_DEV(p) {
		off += (size_t)snprintf(buf + off, off < len ? len - off : 0, "%s%u %s",
					off ? ", " : "", p, sl_eth_dev_name(p));
	}
	if (off == 0)
		snprintf(buf, len, "none: add --vdev net_null0 or a PCI device with -a");
}

static uint32_t existing_ports(void)
{
	uint32_t mask = 0;
	uint16_t p;

	SL_ETH_FOREACH_DEV(p) {
		if (p < PG_MAX_PORTS)
			mask |= 1u << p;
	}
	return mask;
}

static int check_port_list(const char *opt, uint32_t mask, uint32_t exist)
{
	char ports[512];

	for (unsigned p = 0; p < PG_MAX_PORTS; p++) {
		if ((mask & (1u << p)) && !(exist & (1u << p))) {
			list_ports(ports, sizeof(ports));
			SL_LOG(ERR, PKTGEN, "%s names port %u, which does not exist (ports: %s)", opt, p, ports);
			return -EINVAL;
		}
	}
	return 0;
}

static uint32_t stream_max_frame(const struct pg_stream_opts *s)
{
	return s->cap ? s->cap->max_len : pg_size_spec_max(&s->size);
}

/* The ports --tx and --rx name exist and have something to do: their
 * masks in *tx and *rx ("all" resolved). */
static int check_roles(const struct pg_opts *o, uint32_t exist, uint32_t *tx, uint32_t *rx)
{
	if (check_port_list(o->streams_from_config ? "--config" : "--tx", o->tx_mask, exist) < 0 ||
	    check_port_list("--rx", o->rx_mask, exist) < 0)
		return -EINVAL;
	*tx = o->tx_all ? exist : o->tx_mask;
	*rx = o->rx_all ? exist : o->rx_mask;
	if (*tx == 0 && *rx == 0) {
		SL_LOG(ERR, PKTGEN, "--tx none and --rx none: nothing to do");
		return -EINVAL;
	}
	if (o->search.kind != PG_SEARCH_OFF && (*rx == 0 || *tx == 0)) {
		SL_LOG(ERR, PKTGEN, "--search needs a port that sends and one that receives (--tx, --rx)");
		return -EINVAL;
	}
	if (o->expect_no_loss && *rx == 0) {
		SL_LOG(ERR, PKTGEN, "--expect-no-loss needs a port that receives (--rx)");
		return -EINVAL;
	}
	return 0;
}

/* Port p's roles, MTU and queues against what its driver can do. */
static int check_port(struct pg_app *a, unsigned p, uint32_t tx, uint32_t rx)
{
	const struct pg_opts *o = &a->opts;
	struct pg_port *pp = &a->ports[p];
	struct sl_eth_dev_info info;
	int ret;

	pp->tx_role = tx & (1u << p);
	pp->rx_role = rx & (1u << p);
	pp->used = pp->tx_role || pp->rx_role;
	if (!pp->used)
		return 0;
	ret = sl_eth_dev_info_get((uint16_t)p, &info);
	if (ret < 0)
		return ret;
	snprintf(pp->name, sizeof(pp->name), "%s", sl_eth_dev_name((uint16_t)p));
	pp->driver = info.driver_name;
	pp->mtu = o->mtu ? (uint16_t)o->mtu : (uint16_t)SL_MIN((unsigned)SL_ETHER_MTU, (unsigned)info.max_mtu);
	if (pp->mtu < info.min_mtu || pp->mtu > info.max_mtu) {
		SL_LOG(ERR, PKTGEN, "--mtu %u: port %u (%s) takes %u..%u", pp->mtu, p, pp->name,
		       info.min_mtu, info.max_mtu);
		return -EINVAL;
	}
	pp->max_frame = pp->mtu + SL_ETHER_HDR_LEN;
	pp->nb_txq = pp->tx_role ? o->tx_queues : 0;
	pp->nb_rxq = pp->rx_role ? o->rx_queues : 0;
	if (pp->rx_role && o->rx_queues > info.max_rx_queues && info.max_rx_queues > 0) {
		SL_LOG(ERR, PKTGEN, "--rx-queues %u: port %u (%s, driver %s) has at most %u RX queues",
		       o->rx_queues, p, pp->name, info.driver_name, info.max_rx_queues);
		return -EINVAL;
	}
	if (pp->tx_role && o->tx_queues > info.max_tx_queues) {
		SL_LOG(ERR, PKTGEN, "--tx-queues %u: port %u (%s, driver %s) has at most %u TX queues",
		       o->tx_queues, p, pp->name, info.driver_name, info.max_tx_queues);
		return -EINVAL;
	}
	if (pp->rx_role && info.max_rx_queues == 0) {
		SL_LOG(ERR, PKTGEN, "port %u (%s) cannot receive (driver %s has no RX queue); leave it out of --rx",
		       p, pp->name, info.driver_name);
		return -EINVAL;
	}
	return 0;
}

/* Every stream's longest frame against its TX port's MTU. */
static int check_stream_frames(const struct pg_app *a)
{
	const struct pg_opts *o = &a->opts;

	for (unsigned i = 0; i < o->nb_streams; i++) {
		const struct pg_stream_opts *s = &o->streams[i];
		const struct pg_port *pp = &a->ports[s->port];
		uint32_t max = pp->max_frame + (s->vlan || s->cap ? SL_ETHER_VLAN_HDR_LEN : 0);
		uint32_t want = stream_max_frame(s);
		char where[64];

		if (s->line)
			snprintf(where, sizeof(where), "%s:%u", o->config, s->line);
		else
			snprintf(where, sizeof(where), "port %d", s->port);
		if (want > max) {
			if (o->search.kind != PG_SEARCH_OFF)
				SL_LOG(ERR, PKTGEN, "--search-sizes: %u-byte frames (FCS included) are above the %u bytes port %d's MTU %u allows; raise --mtu or leave that size out",
				       want + PG_RATE_L2_OVERHEAD, max + PG_RATE_L2_OVERHEAD, s->port, pp->mtu);
			else if (s->cap)
				SL_LOG(ERR, PKTGEN, "%s: --pcap %s has a %u-byte frame, above the %u bytes port %d's MTU %u allows; raise --mtu",
				       where, s->pcap, want, max, s->port, pp->mtu);
			else
				SL_LOG(ERR, PKTGEN, "%s: frames of %u bytes are above the %u bytes port %d's MTU %u allows%s; lower --size or raise --mtu",
				       where, want, max, s->port, pp->mtu, s->vlan ? " with a VLAN tag" : "");
			return -EINVAL;
		}
		if (s->cap && s->loop == 0 && s->count == 0 && o->duration == 0)
			SL_LOG(NOTICE, PKTGEN, "%s: --loop 0 replays until SIGINT", where);
	}
	return 0;
}

/* Everything that can be checked before touching a port's configuration. */
static int check_against_ports(struct pg_app *a)
{
	struct pg_opts *o = &a->opts;
	uint32_t exist = existing_ports();
	uint32_t tx, rx;
	int ret;

	if (exist == 0) {
		SL_LOG(ERR, PKTGEN, "no ports: add --vdev (e.g. --vdev net_null0) or a PCI device (-a BDF) before --");
		return -ENODEV;
	}
	ret = check_roles(o, exist, &tx, &rx);
	if (ret < 0)
		return ret;
	if (!o->streams_from_config && pg_opts_streams_from_ports(o, tx) < 0) {
		SL_LOG(ERR, PKTGEN, "out of memory for %u streams", __builtin_popcount(tx));
		return -ENOMEM;
	}
	for (unsigned p = 0; p < PG_MAX_PORTS; p++) {
		ret = check_port(a, p, tx, rx);
		if (ret < 0)
			return ret;
	}
	return check_stream_frames(a);
}

static struct sl_mempool *make_pool(const char *kind, unsigned port, unsigned q, unsigned n,
				    uint32_t max_frame)
{
	char name[64];
	uint32_t room = SL_MAX((uint32_t)SL_MBUF_DEFAULT_BUF_SIZE,
			       (uint32_t)SL_ALIGN_CEIL(max_frame, 64u) + SL_PKTMBUF_HEADROOM + 64);

	snprintf(name, sizeof(name), "pg_%s_p%u_q%u", kind, port, q);
	if (room > UINT16_MAX)
		room = UINT16_MAX;
	return sl_pktmbuf_pool_create(name, n, POOL_CACHE, 0, (uint16_t)room, SL_SOCKET_ID_ANY);
}

/* TX buffers start zeroed and only their first PG_TEMPLATE_SPAN bytes are
 * ever written for generated frames: see pg_frame.h. */
static void zero_mbuf(struct sl_mempool *mp, void *arg, void *obj, unsigned idx)
{
	struct sl_mbuf *m = obj;

	(void)mp;
	(void)arg;
	(void)idx;
	memset(m->buf_addr, 0, m->buf_len);
}

static unsigned pool_size(const struct pg_opts *o, unsigned ring)
{
	if (o->mbufs)
		return o->mbufs;
	/* the ring full, a burst in each of stash/pending/driver hands,
	 * and the per-lcore caches */
	return SL_MAX(MIN_POOL_MBUFS, 2u * ring + 4u * o->burst + 2u * POOL_CACHE);
}

static int setup_port(struct pg_app *a, unsigned p)
{
	struct pg_port *pp = &a->ports[p];
	struct pg_opts *o = &a->opts;
	struct sl_eth_dev_info info;
	struct sl_eth_conf conf;
	uint32_t tx_max = PG_MIN_FRAME;
	int ret;

	sl_eth_dev_info_get((uint16_t)p, &info);
	memset(&conf, 0, sizeof(conf));
	conf.rxmode.mtu = pp->mtu;
	ret = sl_eth_dev_configure((uint16_t)p, (uint16_t)pp->nb_rxq, (uint16_t)pp->nb_txq, &conf);
	if (ret < 0)
		return ret;
	pp->configured = true;
	if (pp->rx_role) {
		pp->rx_pool = make_pool("rx", p, 0, pool_size(o, (pp->nb_rxq *
				(info.default_rxportconf.ring_size ? info.default_rxportconf.ring_size : 1024))),
					pp->max_frame + SL_ETHER_VLAN_HDR_LEN);
		if (pp->rx_pool == NULL)
			return -ENOMEM;
		for (unsigned q = 0; q < pp->nb_rxq; q++) {
			ret = sl_eth_rx_queue_setup((uint16_t)p, (uint16_t)q, 0, SL_SOCKET_ID_ANY, NULL,
						    pp->rx_pool);
			if (ret < 0)
				return ret;
		}
	}
	for (unsigned i = 0; i < o->nb_streams; i++)
		if (o->streams[i].port == (int)p)
			tx_max = SL_MAX(tx_max, stream_max_frame(&o->streams[i]));
	for (unsigned q = 0; q < pp->nb_txq; q++) {
		pp->tx_pool[q] = make_pool("tx", p, q, pool_size(o, info.default_txportconf.ring_size ?
								  info.default_txportconf.ring_size : 1024),
					   tx_max);
		if (pp->tx_pool[q] == NULL)
			return -ENOMEM;
		sl_mempool_obj_iter(pp->tx_pool[q], zero_mbuf, NULL);
		ret = sl_eth_tx_queue_setup((uint16_t)p, (uint16_t)q, 0, SL_SOCKET_ID_ANY, NULL);
		if (ret < 0)
			return ret;
	}
	ret = sl_eth_dev_start((uint16_t)p);
	if (ret < 0)
		return ret;
	pp->started = true;
	if (pp->rx_role) {
		ret = sl_eth_promiscuous_enable((uint16_t)p);
		if (ret < 0 && ret != -ENOTSUP)
			SL_LOG(WARNING, PKTGEN, "port %u: promiscuous mode refused (%s): only frames to its own address are counted",
			       p, strerror(-ret));
	}
	sl_eth_macaddr_get((uint16_t)p, &pp->mac);
	return 0;
}

static uint32_t port_link_mbps(unsigned p)
{
	struct sl_eth_link link;

	if (sl_eth_link_get((uint16_t)p, &link) < 0 || !link.link_status ||
	    link.link_speed == SL_ETH_SPEED_NUM_NONE || link.link_speed == SL_ETH_SPEED_NUM_UNKNOWN)
		return 0;
	return link.link_speed;
}

/* ---- tasks ---------------------------------------------------------------------- */

static int init_tx_stream(struct pg_app *a, struct pg_tx_stream *ts, const struct pg_stream_opts *so,
			  unsigned q, unsigned nq)
{
	struct pg_port *pp = &a->ports[so->port];
	struct pg_frame_spec fs;
	struct pg_rate_spec rate = so->rate;
	uint64_t seed = a->opts.seed * 1000003u + so->id * 131u + q;
	int ret;

	memset(ts, 0, sizeof(*ts));
	ts->opts = so;
	ts->stream_id = (uint16_t)so->id;
	memset(&fs, 0, sizeof(fs));
	memcpy(fs.dst_mac, so->dst_mac, 6);
	memcpy(fs.src_mac, so->src_mac_set ? so->src_mac : pp->mac.addr_bytes, 6);
	fs.vlan = so->vlan;
	fs.vlan_tci = so->vlan_tci;
	fs.ttl = so->ttl;
	fs.tos = so->tos;
	fs.src_ip = so->flow.src_ip.min;
	fs.dst_ip = so->flow.dst_ip.min;
	fs.src_port = (uint16_t)so->flow.src_port.min;
	fs.dst_port = (uint16_t)so->flow.dst_port.min;
	fs.sig_port = (uint8_t)so->port;
	fs.sig_stream = (uint8_t)so->id;
	fs.sig_queue = (uint8_t)q;
	pg_template_init(&ts->tmpl, &fs);
	pg_flow_init(&ts->flow, &so->flow, seed, q);
	ret = pg_sizer_init(&ts->sizer, &so->size, seed);
	if (ret < 0) {
		SL_LOG(ERR, PKTGEN, "stream %u: no memory for its IMIX table", so->id);
		return ret;
	}
	if (so->count) {
		ts->limit = so->count / nq + (q < so->count % nq);
		/* fewer frames than queues: this queue has none to send */
		ts->done = ts->limit == 0;
	}
	if (rate.kind == PG_RATE_PERCENT) {
		if (pp->link_mbps == 0) {
			SL_LOG(ERR, PKTGEN, "--rate %g%%: port %d's link speed is unknown (link down?); give the rate in pps or bps",
			       rate.value, so->port);
			return -EINVAL;
		}
		rate.kind = PG_RATE_BPS_L1;
		rate.value = rate.value / 100.0 * pp->link_mbps * 1e6;
	}
	if (rate.kind != PG_RATE_UNLIMITED)
		rate.value /= nq;
	pg_rate_init(&ts->rate, &rate, a->hz, 0, 0);
	if (so->cap) {
		const struct pg_capture *cap = so->cap;

		ts->cap = cap;
		ts->loop_forever = so->loop == 0;
		ts->loops_left = so->loop;
		if (so->pcap_speed > 0) {
			double scale = (double)a->hz / 1e9 / so->pcap_speed;

			ts->timed = true;
			ts->due = malloc(cap->nb * sizeof(*ts->due));
			if (ts->due == NULL)
				return -ENOMEM;
			for (uint32_t i = 0; i < cap->nb; i++)
				ts->due[i] = (uint64_t)llround((double)cap->ts_ns[i] * scale);
			/* One more mean gap after the last frame before the
			 * next loop starts over. */
			ts->loop_period = cap->nb > 1 ? ts->due[cap->nb - 1] +
							ts->due[cap->nb - 1] / (cap->nb - 1) : 0;
		}
	}
	return 0;
}

static int build_tasks(struct pg_app *a)
{
	struct pg_opts *o = &a->opts;

	for (unsigned p = 0; p < PG_MAX_PORTS; p++) {
		struct pg_port *pp = &a->ports[p];

		if (!pp->used)
			continue;
		for (unsigned q = 0; q < pp->nb_txq; q++) {
			struct pg_tx_task *t = aligned_alloc(SL_CACHE_LINE_SIZE, SL_ALIGN_CEIL(sizeof(*t), SL_CACHE_LINE_SIZE));
			unsigned ns = 0;

			if (t == NULL)
				return -ENOMEM;
			memset(t, 0, sizeof(*t));
			pp->tx[q] = t;
			a->tx_tasks[a->nb_tx_tasks++] = t;
			t->port = (uint16_t)p;
			t->queue = (uint16_t)q;
			t->burst = o->burst;
			t->pool = pp->tx_pool[q];
			t->faults = o->faults_on ? &o->faults : NULL;
			for (unsigned i = 0; i < o->nb_streams; i++)
				if (o->streams[i].port == (int)p && (q == 0 || o->streams[i].cap == NULL))
					ns++;
			t->streams = aligned_alloc(SL_CACHE_LINE_SIZE,
						   SL_ALIGN_CEIL(SL_MAX(ns, 1u) * sizeof(*t->streams), SL_CACHE_LINE_SIZE));
			if (t->streams == NULL)
				return -ENOMEM;
			for (unsigned i = 0; i < o->nb_streams; i++) {
				const struct pg_stream_opts *so = &o->streams[i];
				int ret;

				if (so->port != (int)p || (q > 0 && so->cap != NULL))
					continue;
				ret = init_tx_stream(a, &t->streams[t->nb_streams], so, q,
						     so->cap ? 1 : pp->nb_txq);
				t->nb_streams++;
				if (ret < 0)
					return ret;
				if (so->cap == NULL)
					a->local_txq[p * 256 + so->id] = (uint8_t)pp->nb_txq;
			}
			if (t->nb_streams == 0)
				t->finished = 1;
		}
	}
	if (o->rx_pcap) {
		if (pg_rxcap_init(&a->rxcap, o->rx_pcap_count, o->rx_pcap_snaplen) < 0)
			return -ENOMEM;
		a->rxcap_on = true;
	}
	for (unsigned p = 0; p < PG_MAX_PORTS; p++) {
		struct pg_port *pp = &a->ports[p];

		for (unsigned q = 0; q < pp->nb_rxq; q++) {
			struct pg_rx_task *t = aligned_alloc(SL_CACHE_LINE_SIZE,
							     SL_ALIGN_CEIL(sizeof(*t), SL_CACHE_LINE_SIZE));

			if (t == NULL)
				return -ENOMEM;
			memset(t, 0, sizeof(*t));
			pp->rx[q] = t;
			a->rx_tasks[a->nb_rx_tasks++] = t;
			t->port = (uint16_t)p;
			t->queue = (uint16_t)q;
			t->burst = o->burst;
			t->pool = pp->rx_pool;
			t->local_txq = a->local_txq;
			t->cap = a->rxcap_on ? &a->rxcap : NULL;
			/* ns = ticks * 1e9 / hz, as a 32.32 fixed-point multiplier */
			t->ns_mult = (uint64_t)((1e9 * 4294967296.0) / (double)a->hz);
			if (pg_rx_task_init(t) < 0) {
				SL_LOG(ERR, PKTGEN, "no memory for the flow table of RX port %u", p);
				return -ENOMEM;
			}
		}
	}
	return 0;
}

/* Tasks to lcores: one task per worker while there are enough workers;
 * otherwise round robin over the workers and the main lcore too. */
static int assign_lcores(struct pg_app *a)
{
	unsigned workers[SL_MAX_LCORE], nw = 0, main_lcore = sl_get_main_lcore(), i;
	unsigned nb_tasks = a->nb_tx_tasks + a->nb_rx_tasks, k = 0;
	unsigned slots;

	a->lcores = calloc(SL_MAX_LCORE, sizeof(*a->lcores));
	if (a->lcores == NULL)
		return -ENOMEM;
	SL_LCORE_FOREACH_WORKER(i)
		workers[nw++] = i;
	slots = nb_tasks > nw ? nw + 1 : nw;
	if (slots > 0 && (nb_tasks + slots - 1) / slots > PG_MAX_TASKS_PER_LCORE) {
		SL_LOG(ERR, PKTGEN, "%u tasks on %u lcores: more than %d per lcore; add lcores with -l",
		       nb_tasks, slots, PG_MAX_TASKS_PER_LCORE);
		return -EINVAL;
	}
	for (unsigned t = 0; t < nb_tasks; t++) {
		unsigned lc = k < nw ? workers[k] : main_lcore;
		struct pg_lcore *l = &a->lcores[lc];

		l->lcore = lc;
		if (t < a->nb_tx_tasks)
			l->tasks[l->nb_tasks++] = (struct pg_task){ PG_TASK_TX, a->tx_tasks[t] };
		else
			l->tasks[l->nb_tasks++] = (struct pg_task){ PG_TASK_RX,
								    a->rx_tasks[t - a->nb_tx_tasks] };
		k = k + 1 == slots ? 0 : k + 1;
	}
	return 0;
}

static void teardown(struct pg_app *a)
{
	for (unsigned i = 0; i < a->nb_tx_tasks; i++) {
		struct pg_tx_task *t = a->tx_tasks[i];

		pg_tx_task_release(t);
		for (unsigned k = 0; k < t->nb_streams; k++) {
			pg_sizer_free(&t->streams[k].sizer);
			free(t->streams[k].due);
		}
		free(t->streams);
		free(t);
	}
	for (unsigned i = 0; i < a->nb_rx_tasks; i++) {
		pg_rx_task_free(a->rx_tasks[i]);
		free(a->rx_tasks[i]);
	}
	for (unsigned p = 0; p < PG_MAX_PORTS; p++) {
		struct pg_port *pp = &a->ports[p];

		if (pp->started)
			sl_eth_dev_stop((uint16_t)p);
		if (pp->configured)
			sl_eth_dev_close((uint16_t)p);
		/* Frames still in a ring between ports belong to these pools:
		 * the pools go after the ports. */
		sl_mempool_free(pp->rx_pool);
		for (unsigned q = 0; q < PG_MAX_TXQ; q++)
			sl_mempool_free(pp->tx_pool[q]);
	}
	if (a->rxcap_on)
		pg_rxcap_free(&a->rxcap);
	free(a->lcores);
	pg_opts_free(&a->opts);
}

/* The options into app.opts (app_parse_fn): what failed is freed. */
static int parse_opts(int argc, char **argv)
{
	int ret = pg_opts_parse(&app.opts, argc, argv);

	if (ret != 0)
		pg_opts_free(&app.opts);
	return ret;
}

int main(int argc, char **argv)
{
	int status;

	if (!app_start(argc, argv, pg_opts_usage, parse_opts, &status))
		return status;
	status = EXIT_FAILURE;
	app.hz = sl_tsc_hz();
	pg_run.hz = app.hz;
	if (check_against_ports(&app) < 0)
		goto out;
	for (unsigned p = 0; p < PG_MAX_PORTS; p++) {
		if (!app.ports[p].used)
			continue;
		if (setup_port(&app, p) < 0) {
			SL_LOG(ERR, PKTGEN, "port %u (%s): setup failed (see above)", p, app.ports[p].name);
			goto out;
		}
	}
	for (unsigned i = 0; i < app.opts.nb_streams; i++) {
		struct pg_stream_opts *s = &app.opts.streams[i];

		if (s->rate.kind == PG_RATE_PERCENT && app.ports[s->port].link_mbps == 0)
			app.ports[s->port].link_mbps = port_link_mbps((unsigned)s->port);
	}
	for (unsigned p = 0; p < PG_MAX_PORTS; p++)
		if (app.ports[p].used && app.opts.search.kind != PG_SEARCH_OFF)
			app.ports[p].link_mbps = port_link_mbps(p);
	if (build_tasks(&app) < 0 || assign_lcores(&app) < 0)
		goto out;

	pg_run_catch_signals();
	if (app.opts.search.kind != PG_SEARCH_OFF) {
		status = pg_bench_run(&app) < 0 ? EXIT_FAILURE : EXIT_SUCCESS;
		goto out;
	}
	app.run_s = app.opts.duration;
	app.status_lines = !app.opts.quiet;
	pg_run_traffic(&app);

	pg_stats_summary(&app, stdout);
	status = EXIT_SUCCESS;
	if (app.opts.json && pg_stats_json(&app, app.opts.json) < 0)
		status = EXIT_FAILURE;
	if (app.rxcap_on && pg_rxcap_write(&app.rxcap, app.opts.rx_pcap, app.t_start,
					   &app.wall_start, app.hz) < 0)
		status = EXIT_FAILURE;
	if (status == EXIT_SUCCESS && app.opts.expect_no_loss) {
		uint64_t lost = pg_stats_total_lost(&app);

		if (lost > 0) {
			fprintf(stderr, "sl-pktgen: %" PRIu64 " frame(s) lost (--expect-no-loss)\n", lost);
			status = EXIT_LOSS;
		}
	}
out:
	teardown(&app);
	sl_eal_cleanup();
	return status;
}
