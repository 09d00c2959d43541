/* SPDX-License-Identifier: BSD-3-Clause
 * pg_dut: a device under test whose capacity the test sets, for the
 * sl-pktgen --search tests (test_pktgen_search.py).
 *
 *   pg_dut EAL-OPTIONS -- --rate PPS [--depth-ms MS] [--drop-ppm N] [--seed N]
 *                         [--ready FILE] [--timeout S]
 *
 * Frames received on port 0 leave through port 1, at most --rate frames
 * per second: a token bucket of --depth-ms worth of frames polices them,
 * and what finds it empty is dropped (a policer, not a shaper: nothing is
 * queued, so a rate above the capacity loses frames however short the
 * trial). --drop-ppm drops that many frames per million at random on top
 * (a lossy device: its PDR is above its NDR).
 *
 * The bucket runs on the sender's clock: it refills by the TX timestamp
 * sl-pktgen writes into each frame (the same TSC on one machine), not by
 * when this process got to the frame. Preempted on a busy machine, it
 * finds the frames queued in its RX ring and judges them as they were
 * sent, so the capacity the search should find is the same however the
 * two processes are scheduled. Frames without sl-pktgen's signature
 * (the kernel's own) are dropped uncounted.
 *
 * Ends on SIGINT/SIGTERM or --timeout; prints its counts.
 */
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>

#include "fwd_common.h"
#include "pg_frame.h"

#define BURST 64
#define CONTROL_PERIOD_MS 20

static struct {
	uint64_t rate;
	unsigned depth_ms;
	unsigned drop_ppm;
	uint64_t seed;
	const char *ready;
	unsigned timeout;
} o = { .rate = 10000, .depth_ms = 10, .seed = 1, .timeout = 600 };

static const struct fwd_opt opts[] = {
	FWD_U64("rate", &o.rate, "PPS", 1, UINT64_C(1) << 32),
	FWD_UINT("depth-ms", &o.depth_ms, "MS", 1, 10000),
	FWD_UINT("drop-ppm", &o.drop_ppm, "N", 0, 1000000),
	FWD_U64("seed", &o.seed, "N", 1, UINT64_MAX),
	FWD_STRING("ready", &o.ready, "FILE"),
	FWD_UINT("timeout", &o.timeout, "S", 1, 86400),
};

static volatile sig_atomic_t quit;

static void on_signal(int sig)
{
	quit = sig;
}

/* Token bucket in units of frames * ticks: a frame costs hz, time adds
 * rate per tick, at most depth frames' worth is kept. */
struct bucket {
	uint64_t level, cost, cap, rate;
	uint64_t fill_ticks;	/* cap / rate: from empty to full */
	uint64_t last_tsc;	/* sender's TSC (40 bits) of the latest frame */
	bool started;
};

struct counts {
	uint64_t rx, unsigned_frames, policed, dropped;
	struct fwd_counts out;
};

static bool bucket_take(struct bucket *b, uint64_t tsc)
{
	uint64_t dt = (tsc - b->last_tsc) & PG_TSC_MASK;

	if (!b->started) {
		b->started = true;
		b->level = b->cap;
		b->last_tsc = tsc;
	} else if (dt < PG_TSC_MASK / 2) {
		/* (a frame stamped before the latest one adds no time) */
		b->last_tsc = tsc;
		b->level = dt >= b->fill_ticks ? b->cap : SL_MIN(b->cap, b->level + dt * b->rate);
	}
	if (b->level < b->cost)
		return false;
	b->level -= b->cost;
	return true;
}

static uint32_t xorshift32(uint32_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 17;
	*s ^= *s << 5;
	return *s;
}

static void poll_once(struct bucket *b, struct counts *c, uint32_t *rng, uint32_t drop_below)
{
	struct sl_mbuf *in[BURST], *out[BURST], *gone[BURST];
	uint16_t n = sl_eth_rx_burst(0, 0, in, BURST), k = 0, g = 0;

	for (uint16_t i = 0; i < n; i++) {
		struct pg_sig sig;

		if (!pg_sig_parse(sl_pktmbuf_mtod(in[i], const uint8_t *), in[i]->data_len, &sig)) {
			c->unsigned_frames++;
			gone[g++] = in[i];
		} else if (!bucket_take(b, sig.tsc)) {
			c->policed++;
			gone[g++] = in[i];
		} else if (drop_below && xorshift32(rng) < drop_below) {
			c->dropped++;
			gone[g++] = in[i];
		} else {
			out[k++] = in[i];
		}
	}
	c->rx += n;
	if (g)
		sl_pktmbuf_free_bulk(gone, g);
	if (k)
		fwd_send(1, 0, out, k, &c->out);
}

int main(int argc, char **argv)
{
	struct fwd_port_conf conf = { .nb_queues = 1, .promisc = true };
	struct counts c = { 0 };
	struct bucket b = { 0 };
	struct sl_mempool *mp;
	struct fwd_clock clock;
	uint32_t rng;
	int ret = fwd_init("pg_dut", argc, argv, opts, SL_DIM(opts));

	if (ret != 0)
		return ret;
	if (fwd_ports_available("pg_dut", 2, 2, true) == 0) {
		sl_eal_cleanup();
		return 1;
	}
	mp = sl_pktmbuf_pool_create("pg_dut_pool", 8192, 256, 0, SL_MBUF_DEFAULT_BUF_SIZE,
				    SL_SOCKET_ID_ANY);
	if (mp == NULL) {
		fprintf(stderr, "pg_dut: no memory for a pool of 8192 mbufs\n");
		sl_eal_cleanup();
		return 1;
	}
	ret = 1;
	if (fwd_port_setup("pg_dut", 0, mp, &conf) < 0 || fwd_port_setup("pg_dut", 1, mp, &conf) < 0)
		goto out;
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	b.rate = o.rate;
	b.cost = sl_tsc_hz();
	b.cap = b.cost * SL_MAX(UINT64_C(1), o.rate * o.depth_ms / 1000);
	b.fill_ticks = b.cap / b.rate;
	rng = (uint32_t)(o.seed | 1);
	printf("pg_dut: forwarding port 0 -> 1 at most %" PRIu64 " frames/s (bucket %" PRIu64
	       " frames), %u per million dropped at random\n", o.rate, b.cap / b.cost, o.drop_ppm);
	fflush(stdout);
	fwd_touch(o.ready);
	fwd_clock_start(&clock, CONTROL_PERIOD_MS, o.timeout);
	while (!quit) {
		poll_once(&b, &c, &rng, (uint32_t)((uint64_t)o.drop_ppm * UINT32_MAX / 1000000));
		if (fwd_clock_tick(&clock) && fwd_clock_expired(&clock))
			break;
	}
	printf("pg_dut: received %" PRIu64 ", forwarded %" PRIu64 ", policed %" PRIu64
	       ", dropped at random %" PRIu64 ", not taken by TX %" PRIu64 ", unsigned %" PRIu64 "\n",
	       c.rx, c.out.tx, c.policed, c.dropped, c.out.tx_dropped, c.unsigned_frames);
	ret = 0;
out:
	fwd_ports_close(2);
	sl_mempool_free(mp);
	sl_eal_cleanup();
	return ret;
}
