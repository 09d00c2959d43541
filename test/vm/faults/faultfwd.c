/* SPDX-License-Identifier: BSD-3-Clause
 * faultfwd: a forwarder with fault injection, for the fault tests
 * (test/net/test_faults.py on veth/net_ring, test/vm/faults in the guest).
 *
 *   faultfwd EAL-OPTIONS -- [options]
 *
 * Forward mode (default): every frame received on port p leaves unchanged
 * through p ^ 1 (ports in pairs 0-1, 2-3, ...), one lcore polls them all.
 * Frames tx_burst does not take are freed and counted (tx_dropped).
 *   --hoard FILE   while FILE exists, hold every mbuf that comes free (taken
 *                  after each poll, so the RX refill never finds one): RX
 *                  uses up its ring, then finds the pool empty (rx_nombuf;
 *                  the device misses or queues frames); the mbufs go back
 *                  when FILE is removed
 * Generator mode (--gen N): port 0 sends N numbered frames into its cable,
 * port 1 receives them and checks that what arrives is exactly what port 0
 * took, once and in order. Frames tx_burst does not take are dropped and
 * counted, never retried.
 *   --rx-pause-at K --rx-pause-drops D   stop polling port 1 once K frames
 *                  were offered, until tx_burst has refused D of them (the
 *                  cable is full and TX pushes back), then poll again
 * Both modes:
 *   --mbufs N --cache N --rxd N --txd N --burst N   pool and rings
 *   --settle-ms MS  wait after start (QEMU's e1000 receives again about a
 *                   second after its RCTL write)
 *   --ready FILE --stop FILE --stats FILE --timeout S
 * Link changes are printed as they are seen ("port 0 link down"); SIGINT
 * and SIGTERM stop the run cleanly. The stats JSON holds the port
 * counters, the app's own counts and the pool's in-use count before the
 * ports start, while they run, after the run and after they stop: the
 * leak checks compare those.
 */
#include <errno.h>
#include <inttypes.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fwd_common.h"

#define MAX_BURST 64
#define MAX_PORTS 8
#define GEN_ETHERTYPE 0x88b5
#define GEN_FRAME_LEN 60
#define GEN_SEQ_OFF 16		/* after the MACs, EtherType and a 2-byte tag */
#define GEN_TAG 0xfa17
#define CONTROL_PERIOD_MS 20	/* file, link and limit checks */

struct opts {
	unsigned mbufs;
	unsigned cache;
	unsigned rxd;
	unsigned txd;
	unsigned burst;
	unsigned settle_ms;
	unsigned timeout;
	const char *ready;
	const char *stop;
	const char *stats;
	const char *hoard;
	uint64_t gen;
	uint64_t rx_pause_at;
	uint64_t rx_pause_drops;
};

static struct opts o = {
	.mbufs = 4095, .cache = 0, .rxd = 256, .txd = 256, .burst = 32, .timeout = 600,
};
static volatile sig_atomic_t quit_signal;

static void on_signal(int sig)
{
	quit_signal = sig;
}

static const struct fwd_opt opts[] = {
	FWD_UINT("mbufs", &o.mbufs, "N", 1, 1u << 24),
	FWD_UINT("cache", &o.cache, "N", 0, 65535),
	FWD_UINT("rxd", &o.rxd, "N", 1, 65535),
	FWD_UINT("txd", &o.txd, "N", 1, 65535),
	FWD_UINT("burst", &o.burst, "N", 1, MAX_BURST),
	FWD_UINT("settle-ms", &o.settle_ms, "MS", 0, 1u << 24),
	FWD_UINT("timeout", &o.timeout, "S", 0, 1u << 24),
	FWD_STRING("ready", &o.ready, "FILE"),
	FWD_STRING("stop", &o.stop, "FILE"),
	FWD_STRING("stats", &o.stats, "FILE"),
	FWD_STRING("hoard", &o.hoard, "FILE"),
	FWD_U64("gen", &o.gen, "N", 1, UINT64_MAX >> 1),
	FWD_U64("rx-pause-at", &o.rx_pause_at, "K", 0, UINT64_MAX >> 1),
	FWD_U64("rx-pause-drops", &o.rx_pause_drops, "D", 1, UINT64_MAX >> 1),
};

static void say(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void say(const char *fmt, ...)
{
	va_list ap;

	printf("faultfwd: ");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	fflush(stdout);
}

/* ---- what the run counts -------------------------------------------------- */

struct run {
	struct sl_mempool *mp;
	uint16_t nb_ports;
	uint64_t rx[MAX_PORTS];
	struct fwd_counts out[MAX_PORTS];	/* what was sent on each port */
	unsigned link_changes[MAX_PORTS];
	uint8_t link_up[MAX_PORTS];
	/* hoard */
	struct sl_mbuf **hoarded;
	unsigned nb_hoarded, hoards;
	int hoarding;
	/* generator */
	uint64_t gen_offered, gen_taken, gen_dropped, gen_received, gen_bad;
	uint64_t gen_next_expected;	/* lowest sequence number still acceptable */
	uint8_t *gen_taken_map;		/* one bit per sequence number */
	unsigned rx_pauses;
	/* pool in use */
	unsigned in_use_before_start, in_use_started, in_use_after_run, in_use_after_stop;
	int stopped_by;			/* signal number, 0 */
	const char *end_reason;
};

static struct run run;

/* Takes whatever the pool has free; one failed get when it has none. */
static void hoard_more(void)
{
	unsigned n = run.nb_hoarded;

	while (n < run.mp->size && (run.hoarded[n] = sl_pktmbuf_alloc(run.mp)) != NULL)
		n++;
	run.nb_hoarded = n;
}

static void hoard_take(void)
{
	run.hoarding = 1;
	run.hoards++;
	hoard_more();
	say("hoard on: holding %u mbufs (pool in use %u of %u)", run.nb_hoarded,
	    sl_mempool_in_use_count(run.mp), run.mp->size);
}

static void hoard_release(void)
{
	unsigned n = run.nb_hoarded;

	sl_pktmbuf_free_bulk(run.hoarded, n);
	run.nb_hoarded = 0;
	run.hoarding = 0;
	say("hoard off: %u mbufs back (pool in use %u of %u)", n, sl_mempool_in_use_count(run.mp),
	    run.mp->size);
}

static void links_check(int print)
{
	for (uint16_t p = 0; p < run.nb_ports; p++) {
		struct sl_eth_link link;

		if (sl_eth_link_get_nowait(p, &link) < 0)
			continue;
		if (link.link_status == run.link_up[p])
			continue;
		run.link_up[p] = (uint8_t)link.link_status;
		run.link_changes[p]++;
		if (print)
			say("port %u link %s", p, link.link_status ? "up" : "down");
	}
}

/* ---- forward mode ----------------------------------------------------------- */

static void forward_poll(struct sl_mbuf **pkts)
{
	for (uint16_t p = 0; p < run.nb_ports; p++) {
		uint16_t n = sl_eth_rx_burst(p, 0, pkts, (uint16_t)o.burst);

		if (n == 0)
			continue;
		run.rx[p] += n;
		fwd_send(p ^ 1, 0, pkts, n, &run.out[p ^ 1]);
	}
}

/* ---- generator mode ----------------------------------------------------------- */

static void gen_fill(struct sl_mbuf *m, uint64_t seq)
{
	uint8_t *d = (uint8_t *)sl_pktmbuf_append(m, GEN_FRAME_LEN);

	if (d == NULL)		/* a default-size mbuf always has the room */
		abort();
	memset(d, 0, GEN_FRAME_LEN);
	memset(d, 0xff, 6);				/* broadcast */
	d[6] = 0x02;					/* locally administered source */
	d[11] = 0x01;
	d[12] = GEN_ETHERTYPE >> 8;
	d[13] = GEN_ETHERTYPE & 0xff;
	d[14] = GEN_TAG >> 8;
	d[15] = GEN_TAG & 0xff;
	memcpy(d + GEN_SEQ_OFF, &seq, sizeof(seq));
}

/* Sends up to one burst of the next sequence numbers; what the port does
 * not take is dropped and counted (the app's policy under back-pressure). */
static void gen_send(struct sl_mbuf **pkts)
{
	uint64_t left = o.gen - run.gen_offered;
	uint16_t n = (uint16_t)SL_MIN(left, (uint64_t)o.burst), sent, i;

	if (n == 0 || sl_pktmbuf_alloc_bulk(run.mp, pkts, n) != 0)
		return;
	for (i = 0; i < n; i++)
		gen_fill(pkts[i], run.gen_offered + i);
	sent = fwd_send(0, 0, pkts, n, &run.out[0]);
	for (i = 0; i < sent; i++) {
		uint64_t seq = run.gen_offered + i;

		run.gen_taken_map[seq >> 3] |= (uint8_t)(1u << (seq & 7));
	}
	run.gen_offered += n;
	run.gen_taken += sent;
	run.gen_dropped += n - sent;
}

static void gen_receive(struct sl_mbuf **pkts)
{
	uint16_t n = sl_eth_rx_burst(1, 0, pkts, (uint16_t)o.burst);

	for (uint16_t i = 0; i < n; i++) {
		const uint8_t *d = sl_pktmbuf_mtod(pkts[i], const uint8_t *);
		uint64_t seq;

		memcpy(&seq, d + GEN_SEQ_OFF, sizeof(seq));
		/* exactly the frames port 0 took, each once, in order */
		if (pkts[i]->pkt_len != GEN_FRAME_LEN || d[14] != (GEN_TAG >> 8) ||
		    seq >= run.gen_offered || seq < run.gen_next_expected ||
		    !(run.gen_taken_map[seq >> 3] & (1u << (seq & 7)))) {
			if (run.gen_bad++ < 5)
				say("unexpected frame: seq %" PRIu64 " (next acceptable %" PRIu64
				    ", offered %" PRIu64 ")",
				    seq, run.gen_next_expected, run.gen_offered);
		} else {
			run.gen_next_expected = seq + 1;
			run.gen_received++;
		}
	}
	if (n > 0)
		sl_pktmbuf_free_bulk(pkts, n);
	run.rx[1] += n;
}

/* ---- stats ---------------------------------------------------------------------- */

static struct fwd_port_state port_state[MAX_PORTS];

/* Before the ports stop (stop takes the link down). */
static void snapshot_ports(void)
{
	for (uint16_t p = 0; p < run.nb_ports; p++)
		fwd_port_state_get(p, &port_state[p]);
}

static void write_stats(void)
{
	FILE *f = o.stats != NULL ? fwd_json_open("faultfwd", o.stats) : NULL;

	if (f == NULL)
		return;
	fprintf(f, "{\"end\": \"%s\", \"signal\": %d, \"hoards\": %u,\n", run.end_reason,
		run.stopped_by, run.hoards);
	fprintf(f,
		" \"pool\": {\"size\": %u, \"in_use_before_start\": %u, \"in_use_started\": %u, "
		"\"in_use_after_run\": %u, \"in_use_after_stop\": %u},\n",
		run.mp->size, run.in_use_before_start, run.in_use_started, run.in_use_after_run,
		run.in_use_after_stop);
	fprintf(f,
		" \"gen\": {\"offered\": %" PRIu64 ", \"taken\": %" PRIu64 ", \"dropped\": %" PRIu64
		", \"received\": %" PRIu64 ", \"bad\": %" PRIu64 ", \"rx_pauses\": %u},\n",
		run.gen_offered, run.gen_taken, run.gen_dropped, run.gen_received, run.gen_bad,
		run.rx_pauses);
	fprintf(f, " \"ports\": [");
	for (uint16_t p = 0; p < run.nb_ports; p++) {
		fprintf(f,
			"%s\n  {\"link_changes\": %u, \"rx\": %" PRIu64 ", \"tx\": %" PRIu64
			", \"tx_dropped\": %" PRIu64 ", ",
			p ? "," : "", run.link_changes[p], run.rx[p], run.out[p].tx,
			run.out[p].tx_dropped);
		fwd_json_port(f, &port_state[p]);
		fprintf(f, "}");
	}
	fprintf(f, "]}\n");
	fwd_json_close("faultfwd", f, o.stats);
}

/* ---- main -------------------------------------------------------------------------- */

static int run_loop(void)
{
	struct sl_mbuf *pkts[MAX_BURST];
	const uint64_t hz = sl_tsc_hz();
	uint64_t pause_drops = 0, gen_last_tsc = 0;
	int paused = 0, pause_done = 0;
	struct fwd_clock clock;

	fwd_clock_start(&clock, CONTROL_PERIOD_MS, o.timeout);

	for (;;) {
		if (o.gen == 0) {
			forward_poll(pkts);
			if (run.hoarding)
				hoard_more();
		} else {
			gen_send(pkts);
			if (!paused && !pause_done && o.rx_pause_drops > 0 &&
			    run.gen_offered >= o.rx_pause_at) {
				paused = 1;
				run.rx_pauses++;
				pause_drops = run.gen_dropped + o.rx_pause_drops;
				say("rx pause: port 1 not polled after %" PRIu64 " frames",
				    run.gen_offered);
			}
			if (paused && (run.gen_dropped >= pause_drops || run.gen_offered == o.gen)) {
				paused = 0;
				pause_done = 1;
				say("rx pause over: %" PRIu64 " frames dropped on TX so far",
				    run.gen_dropped);
			}
			if (!paused)
				gen_receive(pkts);
			if (run.gen_offered == o.gen && !paused) {
				/* the cable delivers in order: once what was
				 * taken has arrived, or a second after the last
				 * frame went out, the run is over */
				if (gen_last_tsc == 0)
					gen_last_tsc = sl_tsc();
				if (run.gen_received + run.gen_bad >= run.gen_taken ||
				    sl_tsc() - gen_last_tsc > hz) {
					run.end_reason = "generated";
					return 0;
				}
			}
		}
		if (!fwd_clock_tick(&clock))
			continue;
		if (quit_signal != 0) {
			run.stopped_by = quit_signal;
			say("signal %d, stopping", quit_signal);
			run.end_reason = "signal";
			return 0;
		}
		if (fwd_file_exists(o.stop)) {
			run.end_reason = "stop file";
			return 0;
		}
		if (fwd_clock_expired(&clock)) {
			say("timeout after %u s", o.timeout);
			run.end_reason = "timeout";
			return o.gen ? -ETIMEDOUT : 0;
		}
		if (o.hoard != NULL) {
			bool want = fwd_file_exists(o.hoard);

			if (want && !run.hoarding)
				hoard_take();
			else if (!want && run.hoarding)
				hoard_release();
		}
		links_check(1);
	}
}

int main(int argc, char **argv)
{
	struct fwd_port_conf conf = { .nb_queues = 1, .promisc = true };
	int ret, rc = 1, ran = 0;
	uint16_t p;

	ret = fwd_init("faultfwd", argc, argv, opts, SL_DIM(opts));
	if (ret != 0)
		return ret;
	conf.nb_rxd = (uint16_t)o.rxd;
	conf.nb_txd = (uint16_t)o.txd;
	run.end_reason = "setup";
	run.nb_ports = fwd_ports_available("faultfwd", 2, MAX_PORTS, true);
	if (run.nb_ports == 0) {
		sl_eal_cleanup();
		return 1;
	}
	run.mp = sl_pktmbuf_pool_create("faultfwd_pool", o.mbufs, o.cache, 0,
					SL_MBUF_DEFAULT_BUF_SIZE, SL_SOCKET_ID_ANY);
	run.hoarded = calloc(o.mbufs, sizeof(*run.hoarded));
	if (o.gen)
		run.gen_taken_map = calloc(o.gen / 8 + 1, 1);
	if (run.mp == NULL || run.hoarded == NULL || (o.gen && run.gen_taken_map == NULL)) {
		fprintf(stderr, "faultfwd: no memory for a pool of %u mbufs\n", o.mbufs);
		goto out;
	}
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	run.in_use_before_start = sl_mempool_in_use_count(run.mp);
	for (p = 0; p < run.nb_ports; p++)
		if (fwd_port_setup("faultfwd", p, run.mp, &conf) < 0)
			goto out_ports;
	if (o.settle_ms)
		sl_delay_us(o.settle_ms * 1000u);
	links_check(0);
	for (p = 0; p < run.nb_ports; p++) {
		sl_eth_stats_reset(p);
		say("port %u (%s) link %s", p, sl_eth_dev_name(p), run.link_up[p] ? "up" : "down");
	}
	run.in_use_started = sl_mempool_in_use_count(run.mp);
	say("%s, pool %u mbufs, %u in use", o.gen ? "generating" : "forwarding", run.mp->size,
	    run.in_use_started);
	fwd_touch(o.ready);

	ret = run_loop();
	ran = 1;
	if (run.hoarding)
		hoard_release();
	run.in_use_after_run = sl_mempool_in_use_count(run.mp);
	snapshot_ports();
	for (p = 0; p < run.nb_ports; p++)
		say("port %u: rx %" PRIu64 " tx %" PRIu64 " tx_dropped %" PRIu64, p, run.rx[p],
		    run.out[p].tx, run.out[p].tx_dropped);
	if (o.gen)
		say("generated: offered %" PRIu64 " taken %" PRIu64 " dropped %" PRIu64
		    " received %" PRIu64 " bad %" PRIu64,
		    run.gen_offered, run.gen_taken, run.gen_dropped, run.gen_received, run.gen_bad);
	rc = ret < 0 ? 1 : 0;
out_ports:
	fwd_ports_close(run.nb_ports);
	run.in_use_after_stop = sl_mempool_in_use_count(run.mp);
	if (ran)
		write_stats();
	/* every mbuf is back once the rings are drained */
	say("pool in use: %u before start, %u running, %u after the run, %u after stop",
	    run.in_use_before_start, run.in_use_started, run.in_use_after_run,
	    run.in_use_after_stop);
	if (run.in_use_after_stop != run.in_use_before_start) {
		say("LEAK: %u mbufs not back in the pool", run.in_use_after_stop -
							   run.in_use_before_start);
		rc = 1;
	}
out:
	if (run.mp != NULL)
		sl_mempool_free(run.mp);
	free(run.hoarded);
	free(run.gen_taken_map);
	sl_eal_cleanup();
	say("exit %d", rc);
	return rc;
}
