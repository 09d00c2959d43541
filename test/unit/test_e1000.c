/* SPDX-License-Identifier: BSD-3-Clause
 * net_e1000 against a device that reports impossible values (issue 8).
 *
 * The port is probed and driven through the public ethdev API, but its
 * "PCI device" is fake: BAR0 is a plain 128 KiB block of memory and the
 * test plays the 8254x on it, receiving and transmitting through the
 * driver's descriptor rings with the device's own head registers (RDH,
 * TDH) as its state, as QEMU's model does. Then the device lies: an RX
 * length beyond the buffer or of 0, RDH or TDH beyond the ring or outside
 * the descriptors it was given. Each must be detected and counted, logged
 * in one line, answered by a reset of that direction of the device (or,
 * when it keeps happening, by stopping the queue until the port is
 * restarted), and no mbuf may claim more bytes than its buffer holds; none
 * may leak. The ordinary fast-path behaviour is tested in
 * test_e1000_rxtx.c.
 *
 * And the statistics of a started port: sl_eth_stats_reset from the
 * control thread while another thread polls the queues must reset them
 * (the CI runs this suite under ThreadSanitizer as well).
 *
 * Needs sl_eal_init --no-huge (locked memory): skipped (77) without it. */
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sl_eal.h"
#include "sl_ethdev.h"
#include "sl_ethdev_driver.h"
#include "sl_mbuf.h"
#include "sl_pci.h"
#include "pci_private.h"
#include "e1000_ethdev.h"
#include "sl_test_simdev.h"

#define BAR_SIZE (128 * 1024)
#define POOL_SIZE 1024
#define RING 64

static struct sl_mempool *pool;
static uint8_t *bar;
static struct sl_pci_device fake_pci;
static uint16_t port;

static uint32_t reg(uint32_t off)
{
	return *(volatile uint32_t *)(bar + off);
}

static void set_reg(uint32_t off, uint32_t v)
{
	*(volatile uint32_t *)(bar + off) = v;
}

static struct e1000_rx_queue *rxq(void)
{
	return sl_eth_dev_get(port)->data->rx_queues[0];
}

static struct e1000_tx_queue *txq(void)
{
	return sl_eth_dev_get(port)->data->tx_queues[0];
}

/* ---- the device ------------------------------------------------------------------ */

#define HONEST UINT32_MAX

/* Receives one frame of len bytes (pattern seed) as SDM 3.2 and QEMU's
 * e1000_receive_iov do, from RDH up to RDT; a claim_len other than HONEST
 * is the lie written into the descriptor instead of the true length (the
 * data written never exceeds the buffer). -1: no room, or receive off. */
static int dev_receive(uint32_t len, uint32_t seed, uint32_t claim_len)
{
	struct e1000_rx_queue *q = rxq();
	uint32_t n = q->nb_desc, rdh = reg(E1000_RDH), rdt = reg(E1000_RDT), off = 0;
	uint8_t frame[2048];

	if (!(reg(E1000_RCTL) & E1000_RCTL_EN))
		return -1;
	ck_assert_uint_lt(rdh, n);
	ck_assert_uint_lt(rdt, n);
	ck_assert_uint_le(len, sizeof(frame));
	if ((rdt + n - rdh) % n < (len + q->buf_len - 1) / q->buf_len)
		return -1;
	sl_test_fill_pattern(frame, len, seed);
	while (off < len) {
		volatile struct e1000_rx_desc *d = &q->ring[rdh];
		uint32_t chunk = SL_MIN(len - off, (uint32_t)q->buf_len);

		ck_assert_msg(!(d->status & E1000_RXD_STAT_DD), "descriptor %u given with DD set",
			      rdh);
		memcpy(sl_test_dma_va(d->buffer_addr, chunk), frame + off, chunk);
		off += chunk;
		d->length = (uint16_t)(claim_len != HONEST ? claim_len : chunk);
		d->errors = 0;
		sl_compiler_barrier();
		d->status = (uint8_t)(E1000_RXD_STAT_DD | (off == len ? E1000_RXD_STAT_EOP : 0));
		rdh = (rdh + 1) % n;
		set_reg(E1000_RDH, rdh);
	}
	return 0;
}

/* Polls until n frames arrived (or many polls found nothing), checks them
 * against the seeds first_seed.. and frees them. Returns how many came. */
static unsigned take_frames(unsigned n, uint32_t len, uint32_t first_seed)
{
	struct sl_mbuf *pkts[32];
	uint8_t want[2048];
	unsigned got = 0, idle = 0;

	while (got < n && idle < 100) {
		uint16_t k = sl_eth_rx_burst(port, 0, pkts, 32);

		idle = k ? 0 : idle + 1;
		for (uint16_t i = 0; i < k; i++) {
			struct sl_mbuf *m = pkts[i];

			/* never more than the buffer, whatever the device said */
			ck_assert_uint_le(m->data_len, rxq()->buf_len);
			ck_assert_uint_le(m->data_len, m->buf_len - m->data_off);
			ck_assert_uint_eq(m->pkt_len, len);
			sl_test_fill_pattern(want, len, first_seed + got);
			ck_assert_msg(memcmp(sl_pktmbuf_mtod(m, void *), want, len) == 0,
				      "frame %u: wrong bytes", got);
			sl_pktmbuf_free(m);
			got++;
		}
	}
	return got;
}

/* Transmits up to budget descriptors from TDH towards TDT (SDM 3.3);
 * DD only on RS descriptors. Returns the frames completed. */
static unsigned dev_transmit(unsigned budget)
{
	struct e1000_tx_queue *q = txq();
	uint32_t n = q->nb_desc, tdh = reg(E1000_TDH), tdt = reg(E1000_TDT);
	unsigned done = 0, frames = 0;

	if (!(reg(E1000_TCTL) & E1000_TCTL_EN))
		return 0;
	ck_assert_uint_lt(tdh, n);
	while (tdh != tdt && done < budget) {
		volatile struct e1000_tx_desc *d = &q->ring[tdh];
		uint32_t len = d->lower & 0xffff;

		ck_assert_uint_gt(len, 0);
		(void)sl_test_dma_va(d->buffer_addr, len);
		if (d->lower & E1000_TXD_CMD_RS)
			d->upper |= E1000_TXD_STAT_DD;
		frames += !!(d->lower & E1000_TXD_CMD_EOP);
		tdh = (tdh + 1) % n;
		set_reg(E1000_TDH, tdh);
		done++;
	}
	return frames;
}

static unsigned send_frames(unsigned n)
{
	struct sl_mbuf *pkts[32];
	unsigned sent = 0;

	while (sent < n) {
		uint16_t k = (uint16_t)SL_MIN(n - sent, 32u), took;

		ck_assert_int_eq(sl_pktmbuf_alloc_bulk(pool, pkts, k), 0);
		for (uint16_t i = 0; i < k; i++)
			sl_test_fill_pattern((uint8_t *)sl_pktmbuf_append(pkts[i], 100), 100, sent + i);
		took = sl_eth_tx_burst(port, 0, pkts, k);
		if (took < k)
			sl_pktmbuf_free_bulk(&pkts[took], k - took);
		sent += took;
		if (took < k)
			break;
	}
	return sent;
}

/* ---- setup -------------------------------------------------------------------------- */

static void port_start(void)
{
	struct sl_eth_link link;

	ck_assert_int_eq(sl_eth_dev_start(port), 0);
	ck_assert_int_eq(sl_eth_link_get_nowait(port, &link), 0);
	ck_assert_uint_eq(link.link_status, SL_ETH_LINK_UP);
	ck_assert_uint_eq(reg(E1000_RDT), RING - 1);
	ck_assert(reg(E1000_RCTL) & E1000_RCTL_EN);
	ck_assert(reg(E1000_TCTL) & E1000_TCTL_EN);
	ck_assert_int_eq(sl_eth_stats_reset(port), 0);
}

static unsigned in_use_stopped;

static void setup_port(void)
{
	/* a failed test may have left it running */
	if (sl_eth_dev_is_started(port) == 1)
		sl_eth_dev_stop(port);
	ck_assert_int_eq(sl_eth_dev_configure(port, 1, 1, NULL), 0);
	ck_assert_int_eq(sl_eth_rx_queue_setup(port, 0, RING, SL_SOCKET_ID_ANY, NULL, pool), 0);
	ck_assert_int_eq(sl_eth_tx_queue_setup(port, 0, RING, SL_SOCKET_ID_ANY, NULL), 0);
	in_use_stopped = sl_mempool_in_use_count(pool);
	port_start();
}

static void teardown_port(void)
{
	ck_assert_int_eq(sl_eth_dev_stop(port), 0);
	/* stop quiesces the device and every mbuf is back */
	ck_assert(!(reg(E1000_RCTL) & E1000_RCTL_EN));
	ck_assert(!(reg(E1000_TCTL) & E1000_TCTL_EN));
	ck_assert_uint_eq(sl_mempool_in_use_count(pool), in_use_stopped);
}

static int setup_once(void)
{
	const struct sl_pci_driver *drv;
	struct sl_eth_dev *dev;

	/* errors only: the tests count the lines a fault logs */
	sl_test_simdev_eal_up("test_e1000", "err");
	pool = sl_test_simdev_pool("e1000_faults", POOL_SIZE, SL_MBUF_DEFAULT_BUF_SIZE);
	bar = aligned_alloc(4096, BAR_SIZE);
	if (bar == NULL) {
		printf("FAIL: no memory for the simulated BAR\n");
		return 1;
	}
	memset(bar, 0, BAR_SIZE);
	/* a device with its link up at 1 Gb/s full duplex and its MAC in
	 * RAL0/RAH0 (the EEPROM never answers: EERD stays without DONE) */
	set_reg(E1000_STATUS, E1000_STATUS_LU | E1000_STATUS_FD | (2u << E1000_STATUS_SPEED_SHIFT));
	set_reg(E1000_RAL(0), 0x00535402);
	set_reg(E1000_RAH(0), 0x0e4c | E1000_RAH_AV);

	/* what the PCI bus hands the driver after opening a device: BAR0
	 * mapped (here: our memory) */
	snprintf(fake_pci.name, sizeof(fake_pci.name), "0000:00:0f.0");
	fake_pci.id.vendor = E1000_VENDOR_INTEL;
	fake_pci.id.device = E1000_DEV_ID_82540EM;
	fake_pci.numa_node = SL_SOCKET_ID_ANY;
	fake_pci.mem_resource[0].addr = bar;
	fake_pci.mem_resource[0].len = BAR_SIZE;
	drv = sl_pci_match_driver(&fake_pci.id);
	if (drv == NULL) {
		printf("FAIL: net_e1000 not registered for 8086:100e\n");
		return 1;
	}
	fake_pci.driver = drv;
	if (drv->probe(&fake_pci) < 0) {
		printf("FAIL: probe of the fake 82540EM failed\n");
		return 1;
	}
	dev = fake_pci.driver_data;
	port = dev->data->port_id;
	return 0;
}

/* ---- RX ------------------------------------------------------------------------------ */

static void check_rx_reset(const char *log, const char *what)
{
	struct e1000_rx_queue *q = rxq();

	ck_assert_logged(log, what);
	ck_assert_logged(log, "receive unit reset");
	/* one line per fault */
	ck_assert_ptr_null(strchr(strchr(log, '\n') + 1, '\n'));
	/* on again, from the driver's own view of the ring */
	ck_assert(reg(E1000_RCTL) & E1000_RCTL_EN);
	ck_assert_uint_eq(reg(E1000_RDH), q->next);
	ck_assert_uint_eq(reg(E1000_RDT), (q->next + 2u * RING - q->nb_hold - 1) % RING);
	for (unsigned i = 0; i < RING; i++)
		if (q->sw_ring[i] != NULL)
			ck_assert_msg(!(q->ring[i].status & E1000_RXD_STAT_DD),
				      "descriptor %u still has DD after the reset", i);
}

static void rx_bad_length(uint32_t claim)
{
	struct e1000_rx_queue *q;
	struct sl_eth_stats st;
	struct sl_mbuf *pkts[32];
	const char *log;
	unsigned i;

	setup_port();
	q = rxq();
	for (i = 0; i < 10; i++)
		ck_assert_int_eq(dev_receive(200, i, HONEST), 0);
	ck_assert_uint_eq(take_frames(10, 200, 0), 10);

	/* 3 good frames, the lie, 2 good frames the reset will drop */
	for (i = 0; i < 3; i++)
		ck_assert_int_eq(dev_receive(200, 100 + i, HONEST), 0);
	ck_assert_int_eq(dev_receive(200, 999, claim), 0);
	ck_assert_int_eq(dev_receive(200, 998, HONEST), 0);
	ck_assert_int_eq(dev_receive(200, 997, HONEST), 0);
	sl_test_capture_begin(false);
	ck_assert_uint_eq(sl_eth_rx_burst(port, 0, pkts, 32), 3);
	log = sl_test_capture_end();
	for (i = 0; i < 3; i++) {
		ck_assert_uint_eq(pkts[i]->data_len, 200);
		ck_assert_uint_eq(sl_pktmbuf_mtod(pkts[i], uint8_t *)[0], (uint8_t)((100 + i) * 31));
	}
	sl_pktmbuf_free_bulk(pkts, 3);
	ck_assert_uint_eq(q->bad_values, 1);
	ck_assert_uint_eq(q->resets, 1);
	check_rx_reset(log, "RX length of");
	ck_assert_int_eq(sl_eth_stats_get(port, &st), 0);
	/* the lying frame and the two the reset dropped */
	ck_assert_uint_eq(st.ierrors, 3);
	ck_assert_uint_eq(st.q_ipackets[0], 13);

	/* nothing more comes out of the old descriptors; new frames flow */
	ck_assert_uint_eq(sl_eth_rx_burst(port, 0, pkts, 32), 0);
	for (unsigned round = 0; round < 10; round++) {
		for (i = 0; i < 20; i++)
			ck_assert_int_eq(dev_receive(60 + 70 * i, 1000 + 20 * round + i, HONEST), 0);
		for (i = 0; i < 20; i++) {
			struct sl_mbuf *m;
			uint8_t want[2048];

			while (sl_eth_rx_burst(port, 0, &m, 1) == 0)
				;
			sl_test_fill_pattern(want, 60 + 70 * i, 1000 + 20 * round + i);
			ck_assert_uint_eq(m->pkt_len, 60 + 70 * i);
			ck_assert(memcmp(sl_pktmbuf_mtod(m, void *), want, m->pkt_len) == 0);
			sl_pktmbuf_free(m);
		}
	}
	ck_assert_uint_eq(q->resets, 1);
	teardown_port();
}

START_TEST(rx_length_beyond_buffer_resets_receive)
{
	/* the buffers are 2048 bytes (RCTL.BSIZE for a 2048-byte data room) */
	rx_bad_length(2049);
}
END_TEST

START_TEST(rx_length_zero_resets_receive)
{
	rx_bad_length(0);
}
END_TEST

static void rx_bad_head(uint32_t bad_rdh, const char *what)
{
	struct e1000_rx_queue *q;
	struct sl_mbuf *pkts[32];
	const char *log;
	unsigned i;

	setup_port();
	q = rxq();
	/* the device somewhere in the middle of the ring */
	for (i = 0; i < 40; i++)
		ck_assert_int_eq(dev_receive(100, i, HONEST), 0);
	ck_assert_uint_eq(take_frames(40, 100, 0), 40);

	/* an idle ring is checked every E1000_HEAD_CHECK_POLLS polls; a
	 * good RDH never raises anything */
	sl_test_capture_begin(false);
	for (i = 0; i < 4 * E1000_HEAD_CHECK_POLLS; i++)
		ck_assert_uint_eq(sl_eth_rx_burst(port, 0, pkts, 32), 0);
	log = sl_test_capture_end();
	ck_assert_str_eq(log, "");
	ck_assert_uint_eq(q->bad_values, 0);

	set_reg(E1000_RDH, bad_rdh);
	sl_test_capture_begin(false);
	for (i = 0; i < E1000_HEAD_CHECK_POLLS; i++)
		ck_assert_uint_eq(sl_eth_rx_burst(port, 0, pkts, 32), 0);
	log = sl_test_capture_end();
	ck_assert_uint_eq(q->bad_values, 1);
	ck_assert_uint_eq(q->resets, 1);
	check_rx_reset(log, what);

	for (i = 0; i < 100; i++) {
		ck_assert_int_eq(dev_receive(300, 500 + i, HONEST), 0);
		ck_assert_uint_eq(take_frames(1, 300, 500 + i), 1);
	}
	ck_assert_uint_eq(q->resets, 1);
	teardown_port();
}

START_TEST(rx_head_beyond_ring_resets_receive)
{
	rx_bad_head(RING + 3, "RDH 67 (limit 63)");
}
END_TEST

START_TEST(rx_head_beyond_tail_resets_receive)
{
	/* 40 frames taken in bursts of 32 and 8: the first 32 refilled, the
	 * 8 at 32..39 still held by the driver (below rx_free_thresh 16), RDT
	 * at 31, next at 40. RDH 35 is inside the ring but in the driver's
	 * hands: the device owns 40..30 (55 descriptors) */
	rx_bad_head(35, "RDH outside the descriptors it owns 35 (limit 55)");
}
END_TEST

START_TEST(rx_stops_after_repeated_faults_until_restart)
{
	struct e1000_rx_queue *q;
	const char *log;
	unsigned i;

	setup_port();
	q = rxq();
	sl_test_capture_begin(false);
	for (i = 0; i < E1000_MAX_QUEUE_RESETS; i++) {
		ck_assert_int_eq(dev_receive(100, i, 3000), 0);
		ck_assert_uint_eq(take_frames(1, 100, 0), 0);
	}
	log = sl_test_capture_end();
	ck_assert_uint_eq(q->resets, E1000_MAX_QUEUE_RESETS);
	ck_assert_uint_eq(q->stopped, 0);
	ck_assert_logged(log, "(8 of 8;");

	/* once more: the queue gives up, receive stays off */
	ck_assert_int_eq(dev_receive(100, 50, 3000), 0);
	sl_test_capture_begin(false);
	ck_assert_uint_eq(take_frames(1, 100, 0), 0);
	log = sl_test_capture_end();
	ck_assert_uint_eq(q->stopped, 1);
	ck_assert_uint_eq(q->bad_values, E1000_MAX_QUEUE_RESETS + 1);
	ck_assert_logged(log, "receive stopped; restart the port");
	ck_assert(!(reg(E1000_RCTL) & E1000_RCTL_EN));
	ck_assert_int_eq(dev_receive(100, 51, HONEST), -1);

	/* a restart brings it back */
	teardown_port();
	port_start();
	ck_assert_uint_eq(q->stopped, 0);
	ck_assert_uint_eq(q->resets, 0);
	for (i = 0; i < 30; i++)
		ck_assert_int_eq(dev_receive(100, 60 + i, HONEST), 0);
	ck_assert_uint_eq(take_frames(30, 100, 60), 30);
	teardown_port();
}
END_TEST

/* ---- TX ------------------------------------------------------------------------------- */

/* A packet of nb_segs 30-byte segments. */
static struct sl_mbuf *make_chain(unsigned nb_segs)
{
	struct sl_mbuf *head = NULL;

	for (unsigned i = 0; i < nb_segs; i++) {
		struct sl_mbuf *m = sl_pktmbuf_alloc(pool);

		ck_assert_ptr_nonnull(m);
		ck_assert_ptr_nonnull(sl_pktmbuf_append(m, 30));
		if (head == NULL)
			head = m;
		else
			ck_assert_int_eq(sl_pktmbuf_chain(head, m), 0);
	}
	return head;
}

/* The device sends 80 frames, then stops: 'fill' packets wait in the
 * ring, and a packet of probe_segs segments finds no room. Then TDH
 * becomes bad_tdh, or tail + past_tail when bad_tdh is UINT32_MAX. */
static void tx_bad_head(unsigned fill, unsigned probe_segs, uint32_t bad_tdh, uint32_t past_tail,
			const char *what)
{
	struct e1000_tx_queue *q;
	struct sl_eth_stats st;
	struct sl_mbuf *m;
	const char *log;
	char lost[64];
	unsigned i, in_use;

	setup_port();
	q = txq();
	/* 80 frames: the last of them carries an RS (every 16 descriptors),
	 * so all of them can be reclaimed */
	for (i = 0; i < 4; i++) {
		ck_assert_uint_eq(send_frames(20), 20);
		ck_assert_uint_eq(dev_transmit(1000), 20);
	}
	ck_assert_uint_eq(send_frames(fill), fill);
	in_use = sl_mempool_in_use_count(pool);

	/* a ring without room is checked every E1000_HEAD_CHECK_POLLS bursts
	 * that could not place anything; a sane TDH raises nothing */
	m = make_chain(probe_segs);
	sl_test_capture_begin(false);
	for (i = 0; i < 2 * E1000_HEAD_CHECK_POLLS; i++)
		ck_assert_uint_eq(sl_eth_tx_burst(port, 0, &m, 1), 0);
	log = sl_test_capture_end();
	ck_assert_str_eq(log, "");
	ck_assert_uint_eq(q->bad_values, 0);

	set_reg(E1000_TDH, bad_tdh != UINT32_MAX ? bad_tdh : (q->tail + past_tail) % RING);
	sl_test_capture_begin(false);
	for (i = 0; i < E1000_HEAD_CHECK_POLLS && q->resets == 0; i++)
		ck_assert_uint_eq(sl_eth_tx_burst(port, 0, &m, 1), 0);
	log = sl_test_capture_end();
	sl_pktmbuf_free(m);
	ck_assert_uint_eq(q->bad_values, 1);
	ck_assert_uint_eq(q->resets, 1);
	ck_assert_logged(log, what);
	ck_assert_logged(log, "transmit queue reset");
	snprintf(lost, sizeof(lost), "; %u packets in flight dropped", fill);
	ck_assert_logged(log, lost);
	/* the packets the device held are freed and counted */
	ck_assert_uint_eq(sl_mempool_in_use_count(pool), in_use - fill);
	ck_assert_int_eq(sl_eth_stats_get(port, &st), 0);
	ck_assert_uint_eq(st.oerrors, fill);
	ck_assert(reg(E1000_TCTL) & E1000_TCTL_EN);
	ck_assert_uint_eq(reg(E1000_TDH), 0);
	ck_assert_uint_eq(reg(E1000_TDT), 0);

	/* transmit works again */
	for (i = 0; i < 10; i++) {
		ck_assert_uint_eq(send_frames(40), 40);
		ck_assert_uint_eq(dev_transmit(1000), 40);
	}
	ck_assert_uint_eq(q->resets, 1);
	teardown_port();
}

START_TEST(tx_head_beyond_ring_resets_transmit)
{
	/* a full ring (63 of 64), TDH 1000 */
	tx_bad_head(RING - 1, 1, 1000, 0, "TDH 1000 (limit 63)");
}
END_TEST

START_TEST(tx_head_beyond_tail_resets_transmit)
{
	/* 58 packets in flight, 5 descriptors free, a 10-segment packet
	 * waits: TDH two past TDT, in the free part of the ring */
	tx_bad_head(58, 10, UINT32_MAX, 2, "TDH outside the descriptors it was given");
}
END_TEST

START_TEST(tx_stops_after_repeated_faults_until_restart)
{
	struct e1000_tx_queue *q;
	struct sl_mbuf *m;
	const char *log = NULL;
	unsigned k, i;

	setup_port();
	q = txq();
	ck_assert_int_eq(sl_pktmbuf_alloc_bulk(pool, &m, 1), 0);
	sl_pktmbuf_append(m, 60);
	sl_test_capture_begin(false);
	for (k = 0; k <= E1000_MAX_QUEUE_RESETS; k++) {
		ck_assert_uint_eq(send_frames(1000), RING - 1);
		set_reg(E1000_TDH, 5000);
		for (i = 0; i < E1000_HEAD_CHECK_POLLS && q->bad_values == k; i++)
			ck_assert_uint_eq(sl_eth_tx_burst(port, 0, &m, 1), 0);
		ck_assert_uint_eq(q->bad_values, k + 1);
		set_reg(E1000_TDH, 0);
		if (q->stopped)
			break;
	}
	log = sl_test_capture_end();
	ck_assert_uint_eq(k, E1000_MAX_QUEUE_RESETS);
	ck_assert_uint_eq(q->stopped, 1);
	ck_assert_logged(log, "transmit stopped; restart the port");
	ck_assert(!(reg(E1000_TCTL) & E1000_TCTL_EN));
	/* a stopped queue takes nothing */
	ck_assert_uint_eq(sl_eth_tx_burst(port, 0, &m, 1), 0);
	sl_pktmbuf_free(m);

	teardown_port();
	port_start();
	ck_assert_uint_eq(q->stopped, 0);
	ck_assert_uint_eq(send_frames(40), 40);
	ck_assert_uint_eq(dev_transmit(1000), 40);
	teardown_port();
}
END_TEST

/* ---- statistics ------------------------------------------------------------------------- */

/* The poller: the device receives one frame, the poller takes it with a
 * one-packet burst, then sends one which the device transmits. After each
 * burst it publishes how many frames that direction has moved, so a burst
 * changes the count by at most one while the control thread reads it. */
static struct {
	int stop;
	int pause;
	int paused;
	uint64_t rx_moved;
	uint64_t tx_moved;
} poller;

static void poller_step(uint32_t *seed)
{
	struct sl_mbuf *m;

	if (dev_receive(100, *seed, HONEST) == 0)
		(*seed)++;
	if (sl_eth_rx_burst(port, 0, &m, 1) == 1) {
		sl_pktmbuf_free(m);
		__atomic_store_n(&poller.rx_moved, poller.rx_moved + 1, __ATOMIC_RELEASE);
	}
	m = sl_pktmbuf_alloc(pool);
	if (m == NULL)
		return;
	memset(sl_pktmbuf_append(m, 100), 0x5a, 100);
	if (sl_eth_tx_burst(port, 0, &m, 1) == 1)
		__atomic_store_n(&poller.tx_moved, poller.tx_moved + 1, __ATOMIC_RELEASE);
	else
		sl_pktmbuf_free(m);
	dev_transmit(1000);
}

static void *poller_main(void *arg)
{
	uint32_t seed = 0;

	(void)arg;
	while (!__atomic_load_n(&poller.stop, __ATOMIC_ACQUIRE)) {
		if (__atomic_load_n(&poller.pause, __ATOMIC_ACQUIRE)) {
			__atomic_store_n(&poller.paused, 1, __ATOMIC_RELEASE);
			while (__atomic_load_n(&poller.pause, __ATOMIC_ACQUIRE))
				usleep(10);
			__atomic_store_n(&poller.paused, 0, __ATOMIC_RELEASE);
			continue;
		}
		poller_step(&seed);
	}
	return NULL;
}

static uint64_t moved(const uint64_t *counter)
{
	return __atomic_load_n(counter, __ATOMIC_ACQUIRE);
}

static void wait_moved(const uint64_t *counter, uint64_t at_least)
{
	while (moved(counter) < at_least)
		usleep(20);
}

/* A counter of what a direction moved since the reset: the frames moved
 * before the reset began (before), once it had returned (after), and
 * now. The reset takes each counter's base in turn, so each may start
 * anywhere in [before, after], and the one burst running across that
 * point may count on either side of it. */
static void check_since_reset(uint64_t counted, uint64_t before, uint64_t after, uint64_t now,
			      const char *what)
{
	ck_assert_msg(counted + 1 >= now - after && counted <= now - before,
		      "%s: %llu counted after the reset, %llu..%llu moved since", what,
		      (unsigned long long)counted, (unsigned long long)(now - after),
		      (unsigned long long)(now - before));
}

START_TEST(stats_reset_while_polling)
{
	enum { ROUNDS = 300, WARMUP = 2000, PER_ROUND = 20 };
	pthread_t thread;
	unsigned round;

	setup_port();
	memset(&poller, 0, sizeof(poller));
	ck_assert_int_eq(pthread_create(&thread, NULL, poller_main, NULL), 0);
	/* sums large enough that one brought back by a lost reset shows */
	wait_moved(&poller.rx_moved, WARMUP);
	wait_moved(&poller.tx_moved, WARMUP);
	for (round = 0; round < ROUNDS; round++) {
		uint64_t rx0 = moved(&poller.rx_moved), tx0 = moved(&poller.tx_moved);
		uint64_t rx1, tx1, rx2, tx2;
		struct sl_eth_stats st;

		ck_assert_int_eq(sl_eth_stats_reset(port), 0);
		rx1 = moved(&poller.rx_moved);
		tx1 = moved(&poller.tx_moved);
		wait_moved(&poller.rx_moved, rx1 + PER_ROUND);
		wait_moved(&poller.tx_moved, tx1 + PER_ROUND);
		__atomic_store_n(&poller.pause, 1, __ATOMIC_RELEASE);
		while (!__atomic_load_n(&poller.paused, __ATOMIC_ACQUIRE))
			usleep(10);
		rx2 = moved(&poller.rx_moved);
		tx2 = moved(&poller.tx_moved);
		ck_assert_int_eq(sl_eth_stats_get(port, &st), 0);
		/* every frame is 100 bytes */
		ck_assert_uint_eq(st.q_ibytes[0] % 100, 0);
		ck_assert_uint_eq(st.q_obytes[0] % 100, 0);
		check_since_reset(st.q_ipackets[0], rx0, rx1, rx2, "RX packets");
		check_since_reset(st.q_ibytes[0] / 100, rx0, rx1, rx2, "RX bytes / 100");
		check_since_reset(st.q_opackets[0], tx0, tx1, tx2, "TX packets");
		check_since_reset(st.q_obytes[0] / 100, tx0, tx1, tx2, "TX bytes / 100");
		ck_assert_uint_eq(st.q_errors[0], 0);
		ck_assert_uint_eq(st.rx_nombuf, 0);
		__atomic_store_n(&poller.pause, 0, __ATOMIC_RELEASE);
	}
	__atomic_store_n(&poller.stop, 1, __ATOMIC_RELEASE);
	ck_assert_int_eq(pthread_join(thread, NULL), 0);
	teardown_port();
}
END_TEST

/* The 8254x port offers the checksum offloads and TSO, and its
 * tx_prepare is the driver's: a TSO request on a port not configured for
 * it stops the burst (ENOTSUP). */
START_TEST(tx_offloads_advertised_and_prepared)
{
	const uint64_t cksum = SL_ETH_TX_OFFLOAD_IPV4_CKSUM | SL_ETH_TX_OFFLOAD_UDP_CKSUM |
			       SL_ETH_TX_OFFLOAD_TCP_CKSUM | SL_ETH_TX_OFFLOAD_TCP_TSO;
	struct sl_eth_dev_info info;
	struct sl_mbuf *m;

	setup_port();
	ck_assert_int_eq(sl_eth_dev_info_get(port, &info), 0);
	ck_assert_uint_eq(info.tx_offload_capa & cksum, cksum);
	m = sl_test_make_pkt(pool, 200, 1, 1);
	m->ol_flags = SL_MBUF_F_TX_IPV4 | SL_MBUF_F_TX_TCP_SEG;
	m->l4_len = 20;
	m->tso_segsz = 50;
	errno = 0;
	ck_assert_uint_eq(sl_eth_tx_prepare(port, 0, &m, 1), 0);
	ck_assert_int_eq(errno, ENOTSUP);
	m->ol_flags = 0;
	ck_assert_uint_eq(sl_eth_tx_prepare(port, 0, &m, 1), 1);
	sl_pktmbuf_free(m);
	teardown_port();
}
END_TEST

/* Last (the tests run in order, in this process): the bus's remove is
 * lib/ethdev's, which closes the port and runs the driver's quiesce after
 * it, leaving RX/TX off and no ring address in the device. */
START_TEST(pci_remove_closes_and_quiesces)
{
	setup_port();
	ck_assert(reg(E1000_RCTL) & E1000_RCTL_EN);
	ck_assert_uint_ne(reg(E1000_RDLEN), 0);
	ck_assert_ptr_eq(fake_pci.driver->remove, sl_eth_dev_pci_remove);
	ck_assert_int_eq(fake_pci.driver->remove(&fake_pci), 0);
	ck_assert(!sl_eth_dev_is_valid_port(port));
	ck_assert_ptr_null(fake_pci.driver_data);
	ck_assert_uint_eq(reg(E1000_RCTL), 0);
	ck_assert_uint_eq(reg(E1000_TCTL), 0);
	ck_assert_uint_eq(reg(E1000_RDLEN), 0);
	ck_assert_uint_eq(reg(E1000_TDBAL), 0);
	ck_assert_uint_eq(sl_mempool_in_use_count(pool), 0);
	/* again: nothing left to close, the device is quiesced once more */
	set_reg(E1000_RCTL, E1000_RCTL_EN);
	ck_assert_int_eq(fake_pci.driver->remove(&fake_pci), 0);
	ck_assert_uint_eq(reg(E1000_RCTL), 0);
}
END_TEST

static Suite *e1000_suite(void)
{
	Suite *s = suite_create("e1000_faults");
	TCase *tc = tcase_create("rx");

	tcase_add_test(tc, rx_length_beyond_buffer_resets_receive);
	tcase_add_test(tc, rx_length_zero_resets_receive);
	tcase_add_test(tc, rx_head_beyond_ring_resets_receive);
	tcase_add_test(tc, rx_head_beyond_tail_resets_receive);
	tcase_add_test(tc, rx_stops_after_repeated_faults_until_restart);
	suite_add_tcase(s, tc);
	tc = tcase_create("tx");
	tcase_add_test(tc, tx_head_beyond_ring_resets_transmit);
	tcase_add_test(tc, tx_head_beyond_tail_resets_transmit);
	tcase_add_test(tc, tx_stops_after_repeated_faults_until_restart);
	tcase_add_test(tc, tx_offloads_advertised_and_prepared);
	suite_add_tcase(s, tc);
	tc = tcase_create("stats");
	tcase_add_test(tc, stats_reset_while_polling);
	suite_add_tcase(s, tc);
	tc = tcase_create("remove");
	tcase_add_test(tc, pci_remove_closes_and_quiesces);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	int ret = setup_once(), failed;

	if (ret != 0)
		return ret;
	failed = sl_test_run_suite(e1000_suite());
	if (sl_eth_dev_is_valid_port(port))
		sl_eth_dev_close(port);
	sl_mempool_free(pool);
	sl_eal_cleanup();
	free(bar);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
