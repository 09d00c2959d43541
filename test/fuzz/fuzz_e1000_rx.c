/* SPDX-License-Identifier: BSD-3-Clause
 * Fuzz target: the e1000 RX path against a device that writes whatever
 * the fuzzer says. The queue is made as rx_queue_setup and dev_start make
 * it (e1000_rx_queue_create/_init) on a plain memory block playing BAR0;
 * the fuzzer plays the 8254x: it writes descriptor write-backs (status,
 * errors, length) where it likes and sets RDH to any value, and the
 * driver polls in between.
 *
 * Input: one control byte (bit 0: scatter on, bit 1: 1024-byte buffers
 * instead of 2048, bit 2: checksum offload on), then 4-byte records
 * [op, a, b, c]; op & 3:
 *   0: the device completes the descriptor at its RDH (status a | DD,
 *      errors b, length c << 6 | op >> 2: 0 to 16383, so 0 and lengths
 *      past the buffer come up) and moves RDH on, as a device does;
 *   1: the same at descriptor a (anywhere, even ones the driver holds);
 *   2: RDH := a | b << 8 (any value);
 *   3: poll: one burst of 1 + a % 32, or with b & 1 a run of idle polls
 *      long enough for the driver's periodic RDH check.
 *
 * Checked beyond the sanitizers: every frame RX returns is a well-formed
 * chain (sl_pktmbuf_check) whose segments each hold 1..buf_len bytes, all
 * readable, no longer than the port's max_rx_pktlen in all; every
 * impossible length the driver took off the ring, every frame it had to
 * cut at max_rx_pktlen and every impossible RDH its check saw is counted
 * in bad_values; and once the queue is destroyed every mbuf is back in
 * its pool, none lost and none freed twice (the count would be off).
 */
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sl_eal.h"
#include "sl_mbuf.h"
#include "e1000_ethdev.h"

#include "fuzz_common.h"

#define RING 64
#define POOL 256
#define BAR_SIZE (128 * 1024)

static struct sl_mempool *pool_2k, *pool_1k;
static uint8_t *bar;
/* the longest chain: every descriptor the device may own, full */
static uint8_t flat[RING * 2048];

static uint32_t reg(uint32_t off)
{
	return *(volatile uint32_t *)(bar + off);
}

static void set_reg(uint32_t off, uint32_t v)
{
	*(volatile uint32_t *)(bar + off) = v;
}

/* At exit, so LeakSanitizer sees only what the inputs leaked. */
static void teardown(void)
{
	sl_mempool_free(pool_2k);
	sl_mempool_free(pool_1k);
	free(bar);
	sl_eal_cleanup();
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	char cpu[16];
	char *eal_argv[] = { "fuzz_e1000_rx", "--no-huge", "-m", "32", "--no-pci", "-l", cpu,
			     "--log-level", "crit", NULL };
	cpu_set_t set;
	int cpu0 = 0;

	(void)argc;
	(void)argv;
	if (sched_getaffinity(0, sizeof(set), &set) == 0)
		while (cpu0 < CPU_SETSIZE - 1 && !CPU_ISSET(cpu0, &set))
			cpu0++;
	snprintf(cpu, sizeof(cpu), "%d", cpu0);
	if (sl_eal_init(9, eal_argv) < 0) {
		fprintf(stderr, "fuzz_e1000_rx: sl_eal_init failed (locked memory? see above)\n");
		exit(77);
	}
	pool_2k = sl_pktmbuf_pool_create("fuzz_e1000_2k", POOL, 0, 0,
					 SL_PKTMBUF_HEADROOM + 2048, SL_SOCKET_ID_ANY);
	pool_1k = sl_pktmbuf_pool_create("fuzz_e1000_1k", POOL, 0, 0,
					 SL_PKTMBUF_HEADROOM + 1024, SL_SOCKET_ID_ANY);
	bar = aligned_alloc(4096, BAR_SIZE);
	if (pool_2k == NULL || pool_1k == NULL || bar == NULL) {
		fprintf(stderr, "fuzz_e1000_rx: setup failed\n");
		exit(1);
	}
	atexit(teardown);
	return 0;
}

static void fail(const char *why, unsigned a, unsigned b)
{
	fprintf(stderr, "fuzz_e1000_rx: %s (%u, %u)\n", why, a, b);
	abort();
}

/* A frame from RX: a sound chain, every segment 1..buf_len bytes. */
static void check_frame(const struct e1000_rx_queue *rxq, const struct sl_mbuf *m)
{
	const char *why = NULL;
	const uint8_t *d;
	uint32_t sum = 0;

	if (sl_pktmbuf_check(m, &why) != 0) {
		fprintf(stderr, "fuzz_e1000_rx: bad mbuf from RX: %s\n", why);
		abort();
	}
	for (const struct sl_mbuf *s = m; s != NULL; s = s->next)
		if (s->data_len == 0 || s->data_len > rxq->buf_len)
			fail("segment length outside 1..buf_len", s->data_len, rxq->buf_len);
	if (m->nb_segs > 1 && !rxq->scatter)
		fail("a chain with scatter off", m->nb_segs, 0);
	if (m->pkt_len > rxq->max_pkt_len)
		fail("frame longer than max_rx_pktlen delivered", m->pkt_len, rxq->max_pkt_len);
	d = sl_pktmbuf_read(m, 0, m->pkt_len, flat);
	if (d == NULL)
		fail("frame not readable", m->pkt_len, 0);
	for (uint32_t i = 0; i < m->pkt_len; i++)
		sum += d[i];
	/* keeps the reads from being optimised away */
	__asm__ volatile("" : : "r"(sum));
}

/* Whether the driver, polling from 'next', meets what it must count as
 * the device's fault: a descriptor whose length no buffer can hold (a
 * frame growing past max_pkt_len is dropped with the rest of it, counted
 * as an error, not a fault: check_frame sees none delivered). It walks
 * DD descriptors from next as the driver does (at most nb_desc - 1 -
 * nb_hold of them, until 'burst' frames were delivered), from a copy of
 * the ring taken before the poll. */
static int fault_ahead(const struct e1000_rx_queue *rxq, const struct e1000_rx_desc *ring,
		       uint16_t burst)
{
	uint16_t idx = rxq->next, hold = rxq->nb_hold, frames = 0;
	uint32_t len = rxq->pkt_first != NULL ? rxq->pkt_first->pkt_len : 0;
	int discard = rxq->discard;

	while (frames < burst && hold < rxq->nb_desc - 1 && (ring[idx].status & E1000_RXD_STAT_DD)) {
		const struct e1000_rx_desc *d = &ring[idx];
		int eop = !!(d->status & E1000_RXD_STAT_EOP);

		if (d->length == 0 || d->length > rxq->buf_len)
			return 1;
		hold++;
		idx = (uint16_t)((idx + 1) % rxq->nb_desc);
		if (discard) {
			discard = !eop;
			continue;
		}
		len += d->length;
		if (len > rxq->max_pkt_len) {
			len = 0;
			discard = !eop;
			continue;
		}
		if (!eop) {
			if (!rxq->scatter) {
				len = 0;
				discard = 1;
			}
			continue;
		}
		frames += !(d->errors & E1000_RXD_ERR_FRAME);
		len = 0;
	}
	return 0;
}

static void poll_once(struct e1000_rx_queue *rxq, uint16_t burst)
{
	static struct e1000_rx_desc before[RING];
	struct sl_mbuf *pkts[32];
	uint64_t bad0 = rxq->bad_values;
	int expect_bad, stopped = rxq->stopped;
	uint16_t n;

	memcpy(before, (const void *)(uintptr_t)rxq->ring, sizeof(before));
	expect_bad = !stopped && fault_ahead(rxq, before, burst);
	n = e1000_recv_pkts(rxq, pkts, burst);
	if (n > burst)
		fail("burst returned more than asked", n, burst);
	if (stopped && n != 0)
		fail("a stopped queue delivered", n, 0);
	for (uint16_t i = 0; i < n; i++) {
		check_frame(rxq, pkts[i]);
		sl_pktmbuf_free(pkts[i]);
	}
	/* a frame with a bad length, or longer than the port takes, is never
	 * delivered; a poll that ran into one counts it once */
	if (expect_bad && rxq->bad_values != bad0 + 1)
		fail("impossible RX length or frame taken but not counted",
		     (unsigned)(rxq->bad_values - bad0), 1);
}

/* Polls an idle ring until the driver's RDH check has run once; then an
 * RDH outside what the device owns must have been counted, and a good one
 * not. */
static void poll_idle(struct e1000_rx_queue *rxq)
{
	uint32_t rdh = reg(E1000_RDH), rdt = reg(E1000_RDT), n = rxq->nb_desc;
	uint64_t bad0 = rxq->bad_values;
	struct sl_mbuf *m;
	int expect_bad;

	if (rxq->stopped || (rxq->ring[rxq->next].status & E1000_RXD_STAT_DD))
		return;
	/* the device owns [next, RDT]: see drivers/net/e1000/e1000_rx.c */
	expect_bad = rdh >= n || (rdh + n - rxq->next) % n > (rdt + n - rxq->next) % n;
	for (unsigned i = 0; i < E1000_HEAD_CHECK_POLLS; i++)
		if (e1000_recv_pkts(rxq, &m, 1) != 0)
			fail("an idle ring delivered", i, 0);
	if (rxq->bad_values != bad0 + (uint64_t)expect_bad)
		fail("RDH check counted wrong (counted, expected)", (unsigned)(rxq->bad_values - bad0),
		     (unsigned)expect_bad);
}

static void device_write(struct e1000_rx_queue *rxq, uint16_t idx, const uint8_t *rec)
{
	volatile struct e1000_rx_desc *d = &rxq->ring[idx % rxq->nb_desc];

	d->length = (uint16_t)((uint32_t)rec[3] << 6 | rec[0] >> 2);
	d->errors = rec[2];
	d->csum = 0;
	sl_compiler_barrier();
	d->status = (uint8_t)(rec[1] | E1000_RXD_STAT_DD);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sl_mempool *mp;
	struct e1000_rx_queue *rxq = NULL;
	unsigned avail0;
	size_t off;

	if (size < 1 || size > FUZZ_MAX_INPUT)
		return 0;
	mp = (data[0] & 2) ? pool_1k : pool_2k;
	avail0 = sl_mempool_avail_count(mp);
	memset(bar, 0, BAR_SIZE);
	if (e1000_rx_queue_create(&(struct e1000_rxq_params){
					  .hw = bar,
					  .mp = mp,
					  .socket = SL_SOCKET_ID_ANY,
					  .nb_desc = RING,
					  .free_thresh = 16,
					  .buf_len = (data[0] & 2) ? 1024 : 2048,
					  .scatter = data[0] & 1,
					  .csum = !!(data[0] & 4),
					  .log_module = "E1000",
					  .max_pkt_len = E1000_MAX_FRAME_LEN,
					  .own_rctl = 1,
				  },
				  &rxq) != 0 ||
	    e1000_rx_queue_init(rxq) != 0)
		fail("queue setup failed", 0, 0);
	/* what dev_start writes */
	set_reg(E1000_RDT, RING - 1);
	set_reg(E1000_RCTL, E1000_RCTL_EN);

	for (off = 1; off + 4 <= size; off += 4) {
		const uint8_t *rec = data + off;
		uint32_t rdh = reg(E1000_RDH);

		switch (rec[0] & 3) {
		case 0:
			device_write(rxq, (uint16_t)(rdh % RING), rec);
			set_reg(E1000_RDH, (rdh + 1) % RING);
			break;
		case 1:
			device_write(rxq, rec[1], rec);
			break;
		case 2:
			set_reg(E1000_RDH, rec[1] | (uint32_t)rec[2] << 8);
			break;
		default:
			if (rec[2] & 1)
				poll_idle(rxq);
			else
				poll_once(rxq, (uint16_t)(1 + rec[1] % 32));
		}
	}
	/* what is left, then what dev_stop does */
	poll_once(rxq, 32);
	e1000_rx_queue_destroy(rxq);
	if (sl_mempool_avail_count(mp) != avail0)
		fail("mbufs not back in the pool (now, before)", sl_mempool_avail_count(mp), avail0);
	return 0;
}
