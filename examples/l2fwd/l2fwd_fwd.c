/* SPDX-License-Identifier: BSD-3-Clause
 * sl-l2fwd's forwarding loop: every lcore polls its slots (main.c), sends
 * full bursts straight on and buffers the rest of each until the ~100 us
 * drain timer; the main lcore also does the chores of l2fwd_stats.c. */
#include <stdio.h>
#include <string.h>

#include "l2fwd.h"

static uint64_t drain_tsc;

static inline void send_burst(struct lcore_stats *st, uint16_t port, uint16_t queue,
			      struct sl_mbuf **pkts, uint16_t n)
{
	uint16_t sent = sl_eth_tx_burst(port, queue, pkts, n);

	sl_counter_add(&st->port[port].tx, sent);
	if (sl_unlikely(sent < n)) {
		/* the TX ring is full: drop rather than stall RX */
		sl_pktmbuf_free_bulk(&pkts[sent], n - sent);
		sl_counter_add(&st->port[port].dropped, n - sent);
	}
}

static inline void rewrite_macs(struct sl_mbuf **pkts, uint16_t n, const uint8_t *hdr)
{
	for (uint16_t i = 0; i < n && i < 4; i++)
		sl_prefetch_w(sl_pktmbuf_mtod(pkts[i], void *));
	for (uint16_t i = 0; i < n; i++) {
		struct sl_mbuf *m = pkts[i];

		if (i + 4 < n)
			sl_prefetch_w(sl_pktmbuf_mtod(pkts[i + 4], void *));
		if (sl_likely(m->data_len >= 2 * SL_ETHER_ADDR_LEN))
			memcpy(sl_pktmbuf_mtod(m, uint8_t *), hdr, 2 * SL_ETHER_ADDR_LEN);
	}
}

static void slot_flush(struct lcore_stats *st, struct fwd_slot *s)
{
	if (s->nb_buf != 0) {
		send_burst(st, s->tx_port, s->queue, s->buf, s->nb_buf);
		s->nb_buf = 0;
	}
}

/* The drain timer's flush: an empty slot still gets an empty burst, so a
 * driver that left frames waiting (net_af_packet when the kernel refused
 * its kick) sends them though no more traffic comes for that port. */
static void slot_drain(struct lcore_stats *st, struct fwd_slot *s)
{
	if (s->nb_buf != 0)
		slot_flush(st, s);
	else
		sl_eth_tx_burst(s->tx_port, s->queue, s->buf, 0);
}

/* --rx-mode interrupt / adaptive, once the lcore's queues were empty long
 * enough: what is buffered goes out, every queue is armed (a frame that
 * came meanwhile wakes it at once, see sl_eth_dev_rx_intr_enable), the
 * lcore sleeps until one has a frame or SLEEP_TIMEOUT_MS pass, and the
 * queues are disarmed again for polling. */
static void lcore_sleep(struct lcore_conf *lc, struct lcore_stats *st, const int *fds)
{
	uint64_t t0;
	int n;

	for (unsigned i = 0; i < lc->nb_slots; i++) {
		slot_flush(st, &lc->slots[i]);
		sl_eth_dev_rx_intr_enable(lc->slots[i].rx_port, lc->slots[i].queue);
	}
	t0 = sl_tsc();
	n = sl_eal_wait_fds(fds, lc->nb_slots, SLEEP_TIMEOUT_MS);
	st->sleep_tsc += sl_tsc() - t0;
	st->wakeups += n > 0;
	for (unsigned i = 0; i < lc->nb_slots; i++)
		sl_eth_dev_rx_intr_disable(lc->slots[i].rx_port, lc->slots[i].queue);
}

static void fwd_loop(struct lcore_conf *lc, struct lcore_stats *st, bool is_main)
{
	const uint16_t burst = (uint16_t)opts.burst;
	const bool mac_updating = opts.mac_updating;
	const unsigned nb_slots = lc->nb_slots;
	const unsigned sleep_after = opts.rx_mode == RX_MODE_POLL	    ? UINT32_MAX
				     : opts.rx_mode == RX_MODE_INTERRUPT ? 1
									 : ADAPTIVE_IDLE_POLLS;
	struct sl_mbuf *pkts[MAX_BURST];
	int fds[MAX_SLOTS_PER_LCORE];
	uint64_t prev_tsc = sl_tsc(), start_tsc = prev_tsc, iter_tsc = prev_tsc, busy = 0;
	unsigned idle = 0;
	bool got = false;

	for (unsigned i = 0; sleep_after != UINT32_MAX && i < nb_slots; i++)
		fds[i] = sl_eth_dev_rx_intr_fd(lc->slots[i].rx_port, lc->slots[i].queue);
	__atomic_store_n(&st->start_tsc, start_tsc, __ATOMIC_RELAXED);
	while (!quit_requested()) {
		uint64_t now = sl_tsc();

		/* busy: the cycles of passes that forwarded something */
		busy += got ? now - iter_tsc : 0;
		iter_tsc = now;
		got = false;
		if (sl_unlikely(now - prev_tsc > drain_tsc)) {
			sl_counter_add(&st->busy_tsc, busy);
			busy = 0;
			for (unsigned i = 0; i < nb_slots; i++)
				slot_drain(st, &lc->slots[i]);
			if (is_main)
				l2fwd_control_tick(now);
			prev_tsc = now;
		}
		for (unsigned i = 0; i < nb_slots; i++) {
			struct fwd_slot *s = &lc->slots[i];
			uint16_t nb = sl_eth_rx_burst(s->rx_port, s->queue, pkts, burst);

			if (nb == 0)
				continue;
			got = true;
			sl_counter_add(&st->port[s->rx_port].rx, nb);
			if (mac_updating)
				rewrite_macs(pkts, nb, s->mac_hdr);
			if (s->nb_buf == 0 && nb == burst) {
				/* a full burst with nothing waiting: straight out */
				send_burst(st, s->tx_port, s->queue, pkts, nb);
				continue;
			}
			for (uint16_t j = 0; j < nb; j++) {
				s->buf[s->nb_buf++] = pkts[j];
				if (s->nb_buf == burst)
					slot_flush(st, s);
			}
		}
		idle = got ? 0 : idle + 1;
		if (sl_unlikely(idle >= sleep_after)) {
			lcore_sleep(lc, st, fds);
			idle = 0;
		}
	}
	st->loop_tsc = sl_tsc() - start_tsc;
	/* what is still buffered goes out before the ports stop */
	for (unsigned i = 0; i < nb_slots; i++)
		slot_flush(st, &lc->slots[i]);
}

static int lcore_main(void *arg)
{
	unsigned lcore = sl_lcore_id();
	struct lcore_conf *lc = &lcore_conf[lcore];
	bool is_main = lcore == sl_get_main_lcore();

	(void)arg;
	if (lc->nb_slots == 0) {
		if (is_main)
			app_control_loop(l2fwd_control_tick);
		else
			printf("lcore %u has nothing to do\n", lcore);
		return 0;
	}
	for (unsigned i = 0; i < lc->nb_slots; i++)
		printf("lcore %u: RX port %u queue %u -> TX port %u queue %u\n", lcore,
		       lc->slots[i].rx_port, lc->slots[i].queue, lc->slots[i].tx_port,
		       lc->slots[i].queue);
	fflush(stdout);
	fwd_loop(lc, &lcore_stats[lcore], is_main);
	return 0;
}


void l2fwd_forward(void)
{
	int ret;

	drain_tsc = (sl_tsc_hz() + 999999) / 1000000 * DRAIN_US;
	if (quit_requested())
		return;
	ret = sl_eal_mp_remote_launch(lcore_main, NULL, 1);
	if (ret < 0) {
		SL_LOG(ERR, L2FWD, "cannot launch the lcores: %s", strerror(-ret));
		request_quit();
	}
	sl_eal_mp_wait_lcore();
}
