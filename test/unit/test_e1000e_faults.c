/* SPDX-License-Identifier: BSD-3-Clause
 * net_e1000e (82574L) when the simulated device of e1000e_test_dev.h lies:
 * a length of 0 or beyond the buffer, an RDH or TDH out of place. Each is
 * counted, logged in one line and answered by a reset of that queue alone,
 * through its own head and tail registers (every other page of BAR0 is
 * read-only meanwhile), while the other queue carries on; a TX queue that
 * keeps faulting stops alone until the port restarts. Also the faults that
 * are the wire's, not the device's: frames with errors and a frame that
 * never ends are dropped and counted, without a reset.
 *
 * Needs sl_eal_init --no-huge (locked memory): skipped (77) without it. */
#include <check.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>

#include "sl_eal.h"
#include "sl_ethdev.h"
#include "sl_mbuf.h"
#include "e1000_ethdev.h"
#include "e1000e_regs.h"
#include "sl_test_simdev.h"
#include "e1000e_test_dev.h"

/* Every page of BAR0 read-only but the one at 'keep' (0x2000: the RX ring
 * registers of both queues, 0x3000: the TX ones and TARC); a write
 * elsewhere ends the test with the offset. */
static void bar_protect_except(uint32_t keep)
{
	ck_assert_int_eq(mprotect(bar, BAR_SIZE, PROT_READ), 0);
	ck_assert_int_eq(mprotect(bar + keep, PAGE, PROT_READ | PROT_WRITE), 0);
}

/* Queues n 100-byte packets on TX queue q; returns how many it took. */
static unsigned send_frames(uint16_t q, unsigned n)
{
	struct sl_mbuf *pkts[32];
	unsigned sent = 0;

	while (sent < n) {
		uint16_t k = (uint16_t)SL_MIN(n - sent, 32u), took;

		ck_assert_int_eq(sl_pktmbuf_alloc_bulk(pool, pkts, k), 0);
		for (uint16_t i = 0; i < k; i++)
			sl_test_fill_pattern((uint8_t *)sl_pktmbuf_append(pkts[i], 100), 100, sent + i);
		took = sl_eth_tx_burst(port, q, pkts, k);
		if (took < k)
			sl_pktmbuf_free_bulk(&pkts[took], k - took);
		sent += took;
		if (took < k)
			break;
	}
	return sent;
}

/* ---- RX: the device lies ------------------------------------------------------------ */

/* After a reset of RX queue q: one log line naming what and the reset,
 * the queue's RDH/RDT rewritten from the driver's view, every descriptor
 * armed again. */
static void check_rx_queue_reset(uint16_t q, const char *log, const char *what)
{
	const struct e1000_rx_queue *r = rxq(q);

	ck_assert_logged(log, what);
	ck_assert_logged(log, "RX ring reset");
	ck_assert_ptr_null(strchr(strchr(log, '\n') + 1, '\n'));
	ck_assert_uint_eq(reg(E1000E_RDH(q)), r->next);
	ck_assert_uint_eq(reg(E1000E_RDT(q)), (r->next + 2u * RING - r->nb_hold - 1) % RING);
	for (unsigned i = 0; i < RING; i++)
		if (r->sw_ring[i] != NULL)
			ck_assert_msg(!(r->ext_ring[i].wb.status_error & E1000E_RXD_STAT_DD),
				      "descriptor %u still has DD after the reset", i);
}

/* Frames on both queues (queue 0 keeps three waiting), then queue 1's
 * device does 'lie'; returns the log of queue 1's poll, which ran with
 * every BAR0 page but the RX ring registers' read-only. */
static const char *rx_lie_on_queue1(const struct dev_rx *lie, uint32_t seed)
{
	static uint8_t frame[2048];
	uint32_t rctl = reg(E1000_RCTL), rdh0, rdt0;
	struct sl_mbuf *pkts[8];
	const char *log;

	for (unsigned i = 0; i < 3; i++) {
		sl_test_fill_pattern(frame, 300, seed + i);
		ck_assert_int_eq(dev_receive_on(0, frame, 300, &honest, 0, 0), 0);
	}
	sl_test_fill_pattern(frame, 400, seed + 9);
	ck_assert_int_eq(dev_receive_on(1, frame, 400, lie, 0, 0), 0);
	rdh0 = reg(E1000E_RDH(0));
	rdt0 = reg(E1000E_RDT(0));
	sl_test_capture_begin(false);
	bar_protect_except(0x2000);
	ck_assert_uint_eq(sl_eth_rx_burst(port, 1, pkts, 8), 0);
	bar_unprotect();
	log = sl_test_capture_end();
	/* queue 0 untouched: its registers, RCTL, its frames */
	ck_assert_uint_eq(reg(E1000_RCTL), rctl);
	ck_assert_uint_eq(reg(E1000E_RDH(0)), rdh0);
	ck_assert_uint_eq(reg(E1000E_RDT(0)), rdt0);
	for (unsigned i = 0; i < 3; i++) {
		struct sl_mbuf *m = take_one(0);

		sl_test_fill_pattern(frame, 300, seed + i);
		check_frame(m, frame, 300);
		sl_pktmbuf_free(m);
	}
	return log;
}

/* One frame of 100 + seed % 1000 bytes through queue 1. */
static void check_queue1_one(uint32_t seed)
{
	static uint8_t frame[2048];
	uint32_t len = 100 + seed % 1000;
	struct sl_mbuf *m;

	sl_test_fill_pattern(frame, len, seed);
	ck_assert_int_eq(dev_receive_on(1, frame, len, &honest, 0, 0), 0);
	m = take_one(1);
	check_frame(m, frame, len);
	sl_pktmbuf_free(m);
}

/* Queue 1 carries frames (again). */
static void check_queue1_flows(uint32_t seed)
{
	for (unsigned i = 0; i < 80; i++)
		check_queue1_one(seed + i);
}

START_TEST(rx_bad_lengths_reset_that_queue_only)
{
	static const struct {
		uint32_t claim;
		const char *what;
	} lies[] = {
		{ 0, "RX length of 0 (limit 2048)" },
		{ 2049, "RX length of 2049 (limit 2048)" },
		{ 60000, "RX length of 60000 (limit 2048)" },
	};
	struct sl_eth_stats st;

	port_setup(2, NULL);
	for (unsigned i = 0; i < SL_DIM(lies); i++) {
		struct dev_rx lie = { 0, lies[i].claim, false };
		const char *log = rx_lie_on_queue1(&lie, 100 * i);

		ck_assert_uint_eq(rxq(1)->bad_values, i + 1);
		ck_assert_uint_eq(rxq(1)->resets, i + 1);
		check_rx_queue_reset(1, log, lies[i].what);
		check_queue1_flows(1000 + 100 * i);
	}
	ck_assert_uint_eq(rxq(0)->bad_values, 0);
	ck_assert_uint_eq(rxq(0)->resets, 0);
	ck_assert_int_eq(sl_eth_stats_get(port, &st), 0);
	/* the lying frames, nothing else */
	ck_assert_uint_eq(st.q_errors[1], SL_DIM(lies));
	ck_assert_uint_eq(st.q_errors[0], 0);
	port_teardown();
}
END_TEST

START_TEST(rx_frame_errors_drop_without_reset)
{
	static uint8_t frame[512];
	struct sl_eth_stats st;
	struct sl_mbuf *m;
	const uint32_t errs[] = { E1000E_RXD_ERR_CE, E1000E_RXD_ERR_SE, E1000E_RXD_ERR_SEQ,
				  E1000E_RXD_ERR_CXE, E1000E_RXD_ERR_RXE };

	port_setup(1, NULL);
	for (unsigned i = 0; i < SL_DIM(errs); i++) {
		struct dev_rx bad = { errs[i], HONEST, false };

		sl_test_fill_pattern(frame, 500, i);
		ck_assert_int_eq(dev_receive_on(0, frame, 500, &bad, 0, 0), 0);
		sl_test_fill_pattern(frame, 200, 50 + i);
		ck_assert_int_eq(dev_receive_on(0, frame, 200, &honest, 0, 0), 0);
		/* the bad frame is gone, the good one after it arrives */
		m = take_one(0);
		check_frame(m, frame, 200);
		sl_pktmbuf_free(m);
	}
	ck_assert_uint_eq(rxq(0)->bad_values, 0);
	ck_assert_uint_eq(rxq(0)->resets, 0);
	ck_assert_int_eq(sl_eth_stats_get(port, &st), 0);
	ck_assert_uint_eq(st.q_errors[0], SL_DIM(errs));
	ck_assert_uint_eq(st.q_ipackets[0], SL_DIM(errs));
	port_teardown();
}
END_TEST

START_TEST(rx_frame_without_end_capped_at_max_pktlen)
{
	const struct sl_eth_conf jumbo = { .rxmode = { .mtu = 9000,
						       .offloads = SL_ETH_RX_OFFLOAD_SCATTER } };
	struct dev_rx endless = { 0, HONEST, true };
	static uint8_t frame[2048];
	struct sl_eth_dev_info info;
	struct sl_eth_stats st;
	struct sl_mbuf *pkts[8];
	unsigned i;

	port_setup(1, &jumbo);
	ck_assert_int_eq(sl_eth_dev_info_get(port, &info), 0);
	ck_assert_uint_eq(info.max_rx_pktlen, E1000E_MAX_FRAME_LEN);
	/* full 2048-byte buffers, none of them the frame's end: the 5th
	 * takes the chain past max_rx_pktlen (9230); it is dropped, counted,
	 * and the rest of it discarded (QEMU's 82574 takes up to 16 KiB from
	 * the wire: a peer can send it, so it is no device fault) */
	for (i = 0; i < 8; i++) {
		sl_test_fill_pattern(frame, 2048, i);
		ck_assert_int_eq(dev_receive_on(0, frame, 2048, &endless, 0, 0), 0);
		ck_assert_uint_eq(sl_eth_rx_burst(port, 0, pkts, 8), 0);
		ck_assert(rxq(0)->pkt_first == NULL ||
			  rxq(0)->pkt_first->pkt_len <= E1000E_MAX_FRAME_LEN);
	}
	/* its end, discarded with it */
	ck_assert_int_eq(dev_receive_on(0, frame, 500, &honest, 0, 0), 0);
	ck_assert_uint_eq(sl_eth_rx_burst(port, 0, pkts, 8), 0);
	ck_assert_uint_eq(rxq(0)->bad_values, 0);
	ck_assert_uint_eq(rxq(0)->resets, 0);
	ck_assert_ptr_null(rxq(0)->pkt_first);
	/* the chain went back to the pool: only the ring holds mbufs */
	ck_assert_uint_eq(sl_mempool_in_use_count(pool), in_use_stopped + RING - rxq(0)->nb_hold);
	ck_assert_int_eq(sl_eth_stats_get(port, &st), 0);
	ck_assert_uint_eq(st.q_errors[0], 1);
	ck_assert_uint_eq(st.q_ipackets[0], 0);
	for (i = 0; i < 40; i++) {
		struct sl_mbuf *m;

		sl_test_fill_pattern(frame, 1000, 100 + i);
		ck_assert_int_eq(dev_receive_on(0, frame, 1000, &honest, 0, 0), 0);
		m = take_one(0);
		check_frame(m, frame, 1000);
		sl_pktmbuf_free(m);
	}
	port_teardown();
}
END_TEST

/* An idle queue 1 whose RDH jumps to bad_rdh: the periodic check finds it
 * and resets that queue alone. */
static void rx_head_jump(uint32_t bad_rdh, const char *what, uint32_t seed)
{
	struct sl_mbuf *pkts[8];
	const char *log;

	set_reg(E1000E_RDH(1), bad_rdh);
	sl_test_capture_begin(false);
	bar_protect_except(0x2000);
	for (unsigned i = 0; i < E1000_HEAD_CHECK_POLLS; i++)
		ck_assert_uint_eq(sl_eth_rx_burst(port, 1, pkts, 8), 0);
	bar_unprotect();
	log = sl_test_capture_end();
	check_rx_queue_reset(1, log, what);
	check_queue1_flows(seed + 500);
}

START_TEST(rx_head_jumps_reset_that_queue_only)
{
	uint64_t bad0;
	char what[96];

	port_setup(2, NULL);
	bad0 = rxq(1)->bad_values;
	check_queue1_flows(0);
	rx_head_jump(RING + 5, "RDH 69 (limit 63)", 100);
	ck_assert_uint_eq(rxq(1)->bad_values, bad0 + 1);
	/* into what the driver holds: taken descriptors wait for a refill
	 * (every rx_free_thresh of them), the one before next among them */
	check_queue1_flows(2000);
	while (rxq(1)->nb_hold < 2)
		check_queue1_one(2100 + rxq(1)->nb_hold);
	snprintf(what, sizeof(what), "RDH outside the descriptors it owns %u",
		 (rxq(1)->next + RING - 1u) % RING);
	rx_head_jump((rxq(1)->next + RING - 1u) % RING, what, 3000);
	ck_assert_uint_eq(rxq(1)->bad_values, bad0 + 2);
	ck_assert_uint_eq(rxq(1)->resets, 2);
	ck_assert_uint_eq(rxq(0)->bad_values, 0);
	port_teardown();
}
END_TEST

/* ---- TX: a fault resets only its queue ------------------------------------------------ */

/* Both TX queues with packets in flight, queue 1's TDH set to bad_tdh;
 * bursts on queue 1 until its check runs (every BAR0 page but the TX
 * registers' read-only meanwhile). Returns the log. */
static const char *tx_fault_on_queue1(uint32_t bad_tdh)
{
	uint32_t tctl, tarc0, tdh0, tdt0;
	struct sl_mbuf *m;
	const char *log;
	uint64_t bad0 = txq(1)->bad_values;

	/* queue 1 full (63 in flight), queue 0 with 10 waiting */
	ck_assert_uint_eq(send_frames(1, 1000), RING - 1);
	ck_assert_uint_eq(send_frames(0, 10), 10);
	tctl = reg(E1000_TCTL);
	tarc0 = reg(E1000E_TARC(0));
	tdh0 = reg(E1000E_TDH(0));
	tdt0 = reg(E1000E_TDT(0));
	set_reg(E1000E_TDH(1), bad_tdh);
	ck_assert_int_eq(sl_pktmbuf_alloc_bulk(pool, &m, 1), 0);
	sl_pktmbuf_append(m, 60);
	sl_test_capture_begin(false);
	bar_protect_except(0x3000);
	for (unsigned i = 0; i < E1000_HEAD_CHECK_POLLS && txq(1)->bad_values == bad0; i++)
		ck_assert_uint_eq(sl_eth_tx_burst(port, 1, &m, 1), 0);
	bar_unprotect();
	log = sl_test_capture_end();
	sl_pktmbuf_free(m);
	ck_assert_uint_eq(txq(1)->bad_values, bad0 + 1);
	/* the shared TCTL and queue 0 as they were */
	ck_assert_uint_eq(reg(E1000_TCTL), tctl);
	ck_assert_uint_eq(reg(E1000E_TARC(0)), tarc0);
	ck_assert_uint_eq(reg(E1000E_TDH(0)), tdh0);
	ck_assert_uint_eq(reg(E1000E_TDT(0)), tdt0);
	ck_assert_uint_eq(dev_transmit(0, 1000), 10);
	return log;
}

START_TEST(tx_fault_resets_that_queue_only)
{
	struct sl_eth_stats st;
	const char *log;

	port_setup(2, NULL);
	log = tx_fault_on_queue1(1000);
	ck_assert_uint_eq(txq(1)->resets, 1);
	ck_assert_logged(log, "TX queue 1: device reported TDH 1000 (limit 63)");
	ck_assert_logged(log, "transmit queue reset (1 of 8; 63 packets in flight dropped)");
	ck_assert_ptr_null(strchr(strchr(log, '\n') + 1, '\n'));
	/* queue 1 rewound through its own registers, enabled again */
	ck_assert_uint_eq(reg(E1000E_TDH(1)), 0);
	ck_assert_uint_eq(reg(E1000E_TDT(1)), 0);
	ck_assert(reg(E1000E_TARC(1)) & E1000E_TARC_ENABLE);
	ck_assert_int_eq(sl_eth_stats_get(port, &st), 0);
	ck_assert_uint_eq(st.oerrors, RING - 1);
	ck_assert_uint_eq(txq(0)->bad_values, 0);
	ck_assert_uint_eq(txq(0)->resets, 0);
	/* both queues transmit again */
	for (unsigned k = 0; k < 5; k++) {
		for (uint16_t q = 0; q < 2; q++) {
			ck_assert_uint_eq(send_frames(q, 40), 40);
			ck_assert_uint_eq(dev_transmit(q, 1000), 40);
		}
	}
	port_teardown();
}
END_TEST

START_TEST(tx_queue_stops_alone_after_repeated_faults)
{
	unsigned k;

	port_setup(2, NULL);
	for (k = 0; k <= E1000_MAX_QUEUE_RESETS; k++) {
		tx_fault_on_queue1(5000);
		set_reg(E1000E_TDH(1), 0);
		if (txq(1)->stopped)
			break;
		ck_assert_uint_eq(txq(1)->resets, k + 1);
	}
	ck_assert_uint_eq(k, E1000_MAX_QUEUE_RESETS);
	ck_assert_uint_eq(txq(1)->stopped, 1);
	/* queue 1 stays disabled, takes nothing; queue 0 and TCTL go on */
	ck_assert(!(reg(E1000E_TARC(1)) & E1000E_TARC_ENABLE));
	ck_assert(reg(E1000_TCTL) & E1000_TCTL_EN);
	ck_assert_uint_eq(send_frames(1, 1), 0);
	ck_assert_uint_eq(send_frames(0, 40), 40);
	ck_assert_uint_eq(dev_transmit(0, 1000), 40);
	/* a restart brings queue 1 back */
	port_teardown();
	ck_assert_int_eq(sl_eth_dev_start(port), 0);
	ck_assert_uint_eq(txq(1)->stopped, 0);
	ck_assert(reg(E1000E_TARC(1)) & E1000E_TARC_ENABLE);
	ck_assert_uint_eq(send_frames(1, 40), 40);
	ck_assert_uint_eq(dev_transmit(1, 1000), 40);
	port_teardown();
}
END_TEST

static Suite *e1000e_faults_suite(void)
{
	Suite *s = suite_create("e1000e_faults");
	TCase *tc = tcase_create("rx_faults");

	tcase_add_test(tc, rx_bad_lengths_reset_that_queue_only);
	tcase_add_test(tc, rx_frame_errors_drop_without_reset);
	tcase_add_test(tc, rx_frame_without_end_capped_at_max_pktlen);
	tcase_add_test(tc, rx_head_jumps_reset_that_queue_only);
	suite_add_tcase(s, tc);
	tc = tcase_create("tx_faults");
	tcase_add_test(tc, tx_fault_resets_that_queue_only);
	tcase_add_test(tc, tx_queue_stops_alone_after_repeated_faults);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return e1000e_test_main(e1000e_faults_suite);
}
