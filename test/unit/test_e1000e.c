/* SPDX-License-Identifier: BSD-3-Clause
 * net_e1000e (82574L) against a simulated device, through the public
 * ethdev API. The "PCI device" is fake: BAR0 is a plain 128 KiB block of
 * memory and the test plays the 82574 on it as QEMU 7.2's model does
 * (hw/net/e1000e_core.c): it finds each queue's ring through the
 * RDBAL/TDBAL the driver programmed, receives into extended descriptors
 * from RDH(n) up to RDT(n) writing the RSS type, hash, status, errors and
 * length back, spreads frames over the two RX queues with the Toeplitz
 * hash of the key in RSSRK and the redirection table in RETA, and
 * transmits queue n's legacy descriptors from TDH(n) while TCTL.EN and
 * TARC(n).ENABLE allow it.
 *
 * Checked: frames, lengths and bytes as sent; the RSS hash and its flag
 * in the mbuf, equal to the values Microsoft's "Verifying the RSS Hash
 * Calculation" publishes for its key (the driver's default), on the queue
 * the driver's table names; checksum status into ol_flags; jumbo frames
 * chained over descriptors; and the device lying (a length of 0 or beyond
 * the buffer, a frame that never ends, an RDH or TDH out of place): each
 * counted, logged in one line and answered by a reset of that queue alone,
 * through its own head and tail registers (every other page of BAR0 is
 * read-only meanwhile), while the other queue carries on. sl_toeplitz.h
 * is checked against the published vectors first.
 *
 * Needs sl_eal_init --no-huge (locked memory): skipped (77) without it. */
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "sl_eal.h"
#include "sl_ethdev.h"
#include "sl_ethdev_driver.h"
#include "sl_mbuf.h"
#include "sl_net.h"
#include "sl_pci.h"
#include "sl_toeplitz.h"
#include "pci_private.h"
#include "e1000_ethdev.h"
#include "e1000e_regs.h"
#include "sl_test_simdev.h"

#define BAR_SIZE (128 * 1024)
#define PAGE 4096u
#define POOL_SIZE 2048
#define RING 64

static struct sl_mempool *pool;		/* 2048-byte data room */
static uint8_t *bar;
static struct sl_pci_device fake_pci;
static uint16_t port;
static unsigned pool_map_count;		/* DMA map entries of the pool */
static unsigned in_use_stopped;

static const char ms_key_hex[] = "6d5a56da255b0ec24167253d43a38fb0d0ca2bcbae7b30b4"
				 "77cb2da38030f20c6a42b73bbeac01fa";

/* Microsoft's verification table: source, destination, ports, and the
 * hashes of IPv4 alone and of IPv4 with TCP, for the key above. */
static const struct ms_vector {
	uint8_t src[4], dst[4];
	uint16_t sport, dport;
	uint32_t hash_ipv4, hash_tcp;
} ms_vectors[] = {
	{ { 66, 9, 149, 187 }, { 161, 142, 100, 80 }, 2794, 1766, 0x323e8fc2, 0x51ccc178 },
	{ { 199, 92, 111, 2 }, { 65, 69, 140, 83 }, 14230, 4739, 0xd718262a, 0xc626b0ea },
	{ { 24, 19, 198, 95 }, { 12, 22, 207, 184 }, 12898, 38024, 0xd2d0a5de, 0x5c2b394a },
	{ { 38, 27, 205, 30 }, { 209, 142, 163, 6 }, 48228, 2217, 0x82989176, 0xafc7327f },
	{ { 153, 39, 163, 191 }, { 202, 188, 127, 2 }, 44251, 1303, 0x5d1809c5, 0x10e828a2 },
};

static uint32_t reg(uint32_t off)
{
	return *(volatile uint32_t *)(bar + off);
}

static void set_reg(uint32_t off, uint32_t v)
{
	*(volatile uint32_t *)(bar + off) = v;
}

static struct e1000_rx_queue *rxq(uint16_t q)
{
	return sl_eth_dev_get(port)->data->rx_queues[q];
}

static struct e1000_tx_queue *txq(uint16_t q)
{
	return sl_eth_dev_get(port)->data->tx_queues[q];
}

static void ms_key(uint8_t key[40])
{
	for (unsigned i = 0; i < 40; i++)
		ck_assert_int_eq(sscanf(ms_key_hex + 2 * i, "%2hhx", &key[i]), 1);
}

/* ---- BAR0 pages the driver may not write ------------------------------------------ */

static void segv_handler(int sig, siginfo_t *si, void *ctx)
{
	char msg[128];
	int n;

	(void)sig;
	(void)ctx;
	n = snprintf(msg, sizeof(msg),
		     "FAIL: the driver wrote BAR0 + 0x%lx, outside the queue's registers\n",
		     (unsigned long)((uint8_t *)si->si_addr - bar));
	if (write(2, msg, (size_t)n) < 0)
		_exit(2);
	_exit(1);
}

/* Every page of BAR0 read-only but the one at 'keep' (0x2000: the RX ring
 * registers of both queues, 0x3000: the TX ones and TARC); a write
 * elsewhere ends the test with the offset. */
static void bar_protect_except(uint32_t keep)
{
	ck_assert_int_eq(mprotect(bar, BAR_SIZE, PROT_READ), 0);
	ck_assert_int_eq(mprotect(bar + keep, PAGE, PROT_READ | PROT_WRITE), 0);
}

/* Also outside a test (main): no ck_assert. */
static void bar_unprotect(void)
{
	if (mprotect(bar, BAR_SIZE, PROT_READ | PROT_WRITE) != 0)
		abort();
}

/* ---- the device: receive ---------------------------------------------------------- */

#define HONEST UINT32_MAX

/* How the device reports one frame. */
struct dev_rx {
	uint32_t staterr;	/* status and errors of the last descriptor, beyond DD|EOP */
	uint32_t claim_len;	/* HONEST, or the length written instead of the true one */
	bool no_eop;		/* the lie of a frame that never ends */
};

static volatile union e1000e_rx_desc *dev_rx_ring(uint16_t q)
{
	uint64_t iova = reg(E1000E_RDBAL(q)) | (uint64_t)reg(E1000E_RDBAH(q)) << 32;

	ck_assert_uint_eq(reg(E1000E_RDLEN(q)), RING * sizeof(union e1000e_rx_desc));
	return (volatile union e1000e_rx_desc *)sl_test_dma_va(iova, RING * 16);
}

/* The 82574's RSS (QEMU e1000e_rss_get_hash_type, e1000e_rss_calc_hash):
 * IPv4 with TCP or IPv4 alone as MRQC enables them, Toeplitz with the key
 * the driver wrote to RSSRK; the queue is bit 7 of RETA[hash & 127]. */
static uint16_t dev_rss(const uint8_t *f, uint32_t len, uint32_t *hash, uint32_t *type)
{
	uint32_t mrqc = reg(E1000E_MRQC);
	uint8_t key[E1000E_RSS_KEY_LEN], in[12];
	unsigned n;

	*hash = 0;
	*type = 0;
	if ((mrqc & 3) != E1000E_MRQC_RSS || len < 38 || f[12] != 0x08 || f[13] != 0)
		return 0;
	memcpy(in, f + 26, 8);
	if (f[23] == 6 && (mrqc & E1000E_MRQC_TCPIPV4)) {
		memcpy(in + 8, f + 14 + 4 * (f[14] & 15), 4);
		n = 12;
		*type = 1;
	} else if (mrqc & E1000E_MRQC_IPV4) {
		n = 8;
		*type = 2;
	} else {
		return 0;
	}
	memcpy(key, bar + E1000E_RSSRK, sizeof(key));
	*hash = sl_toeplitz_hash(key, sizeof(key), in, n);
	return bar[E1000E_RETA + (*hash & 127)] >> E1000E_RETA_QUEUE_SHIFT;
}

/* Writes frame into queue q's ring from RDH(q) towards RDT(q), as QEMU's
 * e1000e_write_packet_to_guest: buffer after buffer, each descriptor's
 * write-back with DD last; the RSS words and the extra status only in the
 * last one. -1: receive off, or too few descriptors (a miss). */
static int dev_receive_on(uint16_t q, const uint8_t *frame, uint32_t len, const struct dev_rx *how,
			  uint32_t hash, uint32_t type)
{
	volatile union e1000e_rx_desc *ring = dev_rx_ring(q);
	uint32_t rdh = reg(E1000E_RDH(q)), rdt = reg(E1000E_RDT(q)), off = 0;
	uint32_t bsize = rxq(q)->buf_len;

	if (!(reg(E1000_RCTL) & E1000_RCTL_EN) || !(reg(E1000E_RFCTL) & E1000E_RFCTL_EXTEN))
		return -1;
	ck_assert_uint_lt(rdh, RING);
	ck_assert_uint_lt(rdt, RING);
	if ((rdt + RING - rdh) % RING < (len + bsize - 1) / bsize)
		return -1;
	while (off < len) {
		volatile union e1000e_rx_desc *d = &ring[rdh];
		uint32_t chunk = SL_MIN(len - off, bsize), staterr = E1000E_RXD_STAT_DD;
		bool last = off + chunk == len;

		ck_assert_msg(!(d->wb.status_error & E1000E_RXD_STAT_DD),
			      "queue %u descriptor %u given with DD set", q, rdh);
		memcpy(sl_test_dma_va(d->read.buffer_addr, chunk), frame + off, chunk);
		off += chunk;
		d->wb.mrq = last ? type : 0;
		d->wb.rss_hash = last ? hash : 0;
		d->wb.length = (uint16_t)(how->claim_len != HONEST ? how->claim_len : chunk);
		d->wb.vlan = 0;
		if (last)
			staterr |= how->staterr | (how->no_eop ? 0 : E1000E_RXD_STAT_EOP);
		sl_compiler_barrier();
		d->wb.status_error = staterr;
		rdh = (rdh + 1) % RING;
		set_reg(E1000E_RDH(q), rdh);
	}
	return 0;
}

/* A frame spread by RSS as the device does; returns its queue or -1. */
static int dev_receive(const uint8_t *frame, uint32_t len, const struct dev_rx *how)
{
	uint32_t hash, type;
	uint16_t q = dev_rss(frame, len, &hash, &type);

	return dev_receive_on(q, frame, len, how, hash, type) < 0 ? -1 : q;
}

static const struct dev_rx honest = { 0, HONEST, false };

/* Ethernet/IPv4 of len bytes to the port: TCP or UDP from v's source to
 * its destination; the rest pattern seed. */
static void make_ipv4(uint8_t *f, uint32_t len, const struct ms_vector *v, bool tcp, uint32_t seed)
{
	struct sl_ether_addr mac;

	sl_test_fill_pattern(f, len, seed);
	ck_assert_int_eq(sl_eth_macaddr_get(port, &mac), 0);
	memcpy(f, mac.addr_bytes, 6);
	f[12] = 0x08;
	f[13] = 0x00;
	f[14] = 0x45;
	f[16] = (uint8_t)((len - 14) >> 8);
	f[17] = (uint8_t)(len - 14);
	f[23] = tcp ? 6 : 17;
	memcpy(f + 26, v->src, 4);
	memcpy(f + 30, v->dst, 4);
	f[34] = (uint8_t)(v->sport >> 8);
	f[35] = (uint8_t)v->sport;
	f[36] = (uint8_t)(v->dport >> 8);
	f[37] = (uint8_t)v->dport;
}

/* One frame from queue q within a few polls (NULL if none). */
static struct sl_mbuf *take_one(uint16_t q)
{
	struct sl_mbuf *m;

	for (int i = 0; i < 100; i++)
		if (sl_eth_rx_burst(port, q, &m, 1) == 1)
			return m;
	return NULL;
}

static void check_frame(struct sl_mbuf *m, const uint8_t *want, uint32_t len)
{
	uint8_t buf[16384];
	const void *p;

	ck_assert_ptr_nonnull(m);
	ck_assert_uint_eq(m->pkt_len, len);
	for (const struct sl_mbuf *s = m; s != NULL; s = s->next) {
		ck_assert_uint_gt(s->data_len, 0);
		ck_assert_uint_le(s->data_len, rxq(0)->buf_len);
	}
	p = sl_pktmbuf_read(m, 0, len, buf);
	ck_assert_ptr_nonnull(p);
	ck_assert_msg(memcmp(p, want, len) == 0, "frame of %u bytes differs", len);
}

/* ---- the device: transmit --------------------------------------------------------- */

/* Sends up to budget descriptors of queue q from TDH(q) towards TDT(q), DD
 * on RS descriptors, as long as TCTL.EN and TARC(q).ENABLE say so (QEMU
 * e1000e_set_tdt, e1000e_start_xmit). Returns the frames completed. */
static unsigned dev_transmit(uint16_t q, unsigned budget)
{
	uint64_t iova = reg(E1000E_TDBAL(q)) | (uint64_t)reg(E1000E_TDBAH(q)) << 32;
	volatile struct e1000_tx_desc *ring;
	uint32_t tdh = reg(E1000E_TDH(q)), tdt = reg(E1000E_TDT(q));
	unsigned done = 0, frames = 0;

	if (!(reg(E1000_TCTL) & E1000_TCTL_EN) || !(reg(E1000E_TARC(q)) & E1000E_TARC_ENABLE))
		return 0;
	ring = (volatile struct e1000_tx_desc *)sl_test_dma_va(iova, RING * 16);
	ck_assert_uint_lt(tdh, RING);
	while (tdh != tdt && done < budget) {
		volatile struct e1000_tx_desc *d = &ring[tdh];
		uint32_t len = d->lower & 0xffff;
		/* a context descriptor (DEXT, DTYP 0) has no buffer */
		bool ctx = (d->lower & (E1000_TXD_CMD_DEXT | E1000_TXD_DTYP_D)) == E1000_TXD_CMD_DEXT;

		if (!ctx) {
			ck_assert_uint_gt(len, 0);
			(void)sl_test_dma_va(d->buffer_addr, len);
		}
		if (d->lower & E1000_TXD_CMD_RS)
			d->upper |= E1000_TXD_STAT_DD;
		frames += !!(d->lower & E1000_TXD_CMD_EOP);
		tdh = (tdh + 1) % RING;
		set_reg(E1000E_TDH(q), tdh);
		done++;
	}
	return frames;
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

/* ---- the port --------------------------------------------------------------------- */

/* Configures nb_q queue pairs with conf (NULL: all defaults) and starts;
 * the rings go into the device's DMA map. */
static void port_setup(uint16_t nb_q, const struct sl_eth_conf *conf)
{
	struct sl_eth_link link;

	bar_unprotect();
	if (sl_eth_dev_is_started(port) == 1)
		sl_eth_dev_stop(port);
	ck_assert_int_eq(sl_eth_dev_configure(port, nb_q, nb_q, conf), 0);
	sl_test_dma_map_count = pool_map_count;
	for (uint16_t q = 0; q < nb_q; q++) {
		ck_assert_int_eq(sl_eth_rx_queue_setup(port, q, RING, SL_SOCKET_ID_ANY, NULL, pool),
				 0);
		ck_assert_int_eq(sl_eth_tx_queue_setup(port, q, RING, SL_SOCKET_ID_ANY, NULL), 0);
		sl_test_dma_map_add(rxq(q)->ring_iova, (void *)(uintptr_t)rxq(q)->ring, RING * 16);
		sl_test_dma_map_add(txq(q)->ring_iova, (void *)(uintptr_t)txq(q)->ring, RING * 16);
	}
	in_use_stopped = sl_mempool_in_use_count(pool);
	ck_assert_int_eq(sl_eth_dev_start(port), 0);
	ck_assert_int_eq(sl_eth_link_get_nowait(port, &link), 0);
	ck_assert_uint_eq(link.link_status, SL_ETH_LINK_UP);
	ck_assert(reg(E1000_RCTL) & E1000_RCTL_EN);
	ck_assert(reg(E1000_TCTL) & E1000_TCTL_EN);
	ck_assert(reg(E1000E_RFCTL) & E1000E_RFCTL_EXTEN);
	for (uint16_t q = 0; q < nb_q; q++) {
		ck_assert_uint_eq(reg(E1000E_RDT(q)), RING - 1);
		ck_assert(reg(E1000E_TARC(q)) & E1000E_TARC_ENABLE);
	}
	ck_assert_int_eq(sl_eth_stats_reset(port), 0);
}

static void port_teardown(void)
{
	bar_unprotect();
	ck_assert_int_eq(sl_eth_dev_stop(port), 0);
	ck_assert(!(reg(E1000_RCTL) & E1000_RCTL_EN));
	ck_assert(!(reg(E1000_TCTL) & E1000_TCTL_EN));
	ck_assert_uint_eq(reg(E1000E_RDLEN(1)), 0);
	ck_assert_uint_eq(reg(E1000E_TDBAL(1)), 0);
	ck_assert_uint_eq(sl_mempool_in_use_count(pool), in_use_stopped);
}

static int setup_once(void)
{
	const struct sl_pci_driver *drv;
	struct sl_eth_dev *dev;
	struct sigaction sa;

	/* errors only: the tests count the lines a fault logs */
	sl_test_simdev_eal_up("test_e1000e", "err");
	pool = sl_test_simdev_pool("e1000e_test", POOL_SIZE, SL_MBUF_DEFAULT_BUF_SIZE);
	pool_map_count = sl_test_dma_map_count;
	bar = aligned_alloc(PAGE, BAR_SIZE);
	if (bar == NULL) {
		printf("FAIL: no memory for the simulated BAR\n");
		return 1;
	}
	memset(bar, 0, BAR_SIZE);
	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = segv_handler;
	sa.sa_flags = SA_SIGINFO;
	sigaction(SIGSEGV, &sa, NULL);
	/* link up at 1 Gb/s full duplex, the MAC in RAL0/RAH0 (the EEPROM
	 * never answers: EERD stays without DONE) */
	set_reg(E1000_STATUS, E1000_STATUS_LU | E1000_STATUS_FD | (2u << E1000_STATUS_SPEED_SHIFT));
	set_reg(E1000_RAL(0), 0x00535402);
	set_reg(E1000_RAH(0), 0x0e4c | E1000_RAH_AV);
	snprintf(fake_pci.name, sizeof(fake_pci.name), "0000:00:10.0");
	fake_pci.id.vendor = E1000_VENDOR_INTEL;
	fake_pci.id.device = E1000_DEV_ID_82574L;
	fake_pci.numa_node = SL_SOCKET_ID_ANY;
	fake_pci.mem_resource[0].addr = bar;
	fake_pci.mem_resource[0].len = BAR_SIZE;
	drv = sl_pci_match_driver(&fake_pci.id);
	if (drv == NULL || strcmp(drv->name, E1000E_DRIVER_NAME) != 0) {
		printf("FAIL: net_e1000e not registered for 8086:10d3\n");
		return 1;
	}
	fake_pci.driver = drv;
	if (drv->probe(&fake_pci) < 0) {
		printf("FAIL: probe of the fake 82574L failed\n");
		return 1;
	}
	dev = fake_pci.driver_data;
	port = dev->data->port_id;
	return 0;
}

/* ---- Toeplitz ----------------------------------------------------------------------- */

START_TEST(toeplitz_matches_microsoft_vectors)
{
	uint8_t key[40], in[12];

	ms_key(key);
	for (unsigned i = 0; i < SL_DIM(ms_vectors); i++) {
		const struct ms_vector *v = &ms_vectors[i];

		memcpy(in, v->src, 4);
		memcpy(in + 4, v->dst, 4);
		in[8] = (uint8_t)(v->sport >> 8);
		in[9] = (uint8_t)v->sport;
		in[10] = (uint8_t)(v->dport >> 8);
		in[11] = (uint8_t)v->dport;
		ck_assert_uint_eq(sl_toeplitz_hash(key, sizeof(key), in, 8), v->hash_ipv4);
		ck_assert_uint_eq(sl_toeplitz_hash(key, sizeof(key), in, 12), v->hash_tcp);
	}
}
END_TEST

/* ---- RX: frames, RSS, checksums --------------------------------------------------- */

static const struct sl_eth_conf rss_conf = {
	.rxmode = { .mq_mode = SL_ETH_MQ_RX_RSS,
		    .offloads = SL_ETH_RX_OFFLOAD_RSS_HASH | SL_ETH_RX_OFFLOAD_CHECKSUM },
	.rx_adv_conf = { .rss_conf = { .rss_hf = SL_ETH_RSS_IPV4 | SL_ETH_RSS_NONFRAG_IPV4_TCP } },
};

/* What the driver programmed for RSS: the default key is Microsoft's,
 * entry i of the table is queue i % 2, the hash types asked for, the hash
 * (not the IP id) in the write-back. */
static void check_rss_registers(void)
{
	uint8_t key[40];

	ms_key(key);
	ck_assert(memcmp(bar + E1000E_RSSRK, key, sizeof(key)) == 0);
	for (unsigned i = 0; i < E1000E_RETA_ENTRIES; i++)
		ck_assert_uint_eq(bar[E1000E_RETA + i] >> E1000E_RETA_QUEUE_SHIFT, i % 2);
	ck_assert_uint_eq(reg(E1000E_MRQC),
			  E1000E_MRQC_RSS | E1000E_MRQC_IPV4 | E1000E_MRQC_TCPIPV4);
	ck_assert(reg(E1000_RXCSUM) & E1000E_RXCSUM_PCSD);
}

START_TEST(rx_rss_hash_and_queue_as_published)
{
	static uint8_t frame[2048];
	uint64_t per_queue[2] = { 0, 0 };
	struct sl_eth_stats st;
	struct sl_mbuf *m;

	port_setup(2, &rss_conf);
	check_rss_registers();
	for (unsigned round = 0; round < 4; round++) {
		for (unsigned i = 0; i < SL_DIM(ms_vectors); i++) {
			const struct ms_vector *v = &ms_vectors[i];
			bool tcp = round % 2 == 0;
			uint32_t want = tcp ? v->hash_tcp : v->hash_ipv4;
			uint32_t len = 60 + (round * 5 + i) * 97;
			/* the table the driver wrote: entry hash & 127 is
			 * queue (hash & 127) % 2 */
			uint16_t want_q = (uint16_t)(want & 1);

			make_ipv4(frame, len, v, tcp, round * 5 + i);
			ck_assert_int_eq(dev_receive(frame, len, &honest), want_q);
			ck_assert_ptr_null(take_one((uint16_t)(1 - want_q)));
			m = take_one(want_q);
			check_frame(m, frame, len);
			ck_assert_uint_eq(m->nb_segs, 1);
			ck_assert_uint_eq(m->port, port);
			ck_assert(m->ol_flags & SL_MBUF_F_RX_RSS_HASH);
			ck_assert_msg(m->hash == want, "vector %u %s: hash %08x, published %08x", i,
				      tcp ? "TCP" : "IPv4", m->hash, want);
			per_queue[want_q]++;
			sl_pktmbuf_free(m);
		}
	}
	/* not IP: no hash, queue 0, no RSS flag */
	memset(frame, 0x11, 100);
	frame[12] = 0x08;
	frame[13] = 0x06;
	ck_assert_int_eq(dev_receive(frame, 100, &honest), 0);
	m = take_one(0);
	check_frame(m, frame, 100);
	ck_assert(!(m->ol_flags & SL_MBUF_F_RX_RSS_HASH));
	sl_pktmbuf_free(m);
	ck_assert_int_eq(sl_eth_stats_get(port, &st), 0);
	ck_assert_uint_gt(per_queue[0], 0);
	ck_assert_uint_gt(per_queue[1], 0);
	ck_assert_uint_eq(st.q_ipackets[0], per_queue[0] + 1);
	ck_assert_uint_eq(st.q_ipackets[1], per_queue[1]);
	ck_assert_uint_eq(st.q_errors[0] + st.q_errors[1], 0);
	port_teardown();
}
END_TEST

START_TEST(rx_checksum_status_into_ol_flags)
{
	static const struct {
		uint32_t staterr;
		uint64_t flags;
	} cases[] = {
		{ E1000E_RXD_STAT_IPCS | E1000E_RXD_STAT_TCPCS,
		  SL_MBUF_F_RX_IP_CKSUM_GOOD | SL_MBUF_F_RX_L4_CKSUM_GOOD },
		{ E1000E_RXD_STAT_IPCS | E1000E_RXD_STAT_TCPCS | E1000E_RXD_ERR_IPE,
		  SL_MBUF_F_RX_IP_CKSUM_BAD | SL_MBUF_F_RX_L4_CKSUM_GOOD },
		{ E1000E_RXD_STAT_IPCS | E1000E_RXD_STAT_TCPCS | E1000E_RXD_ERR_TCPE,
		  SL_MBUF_F_RX_IP_CKSUM_GOOD | SL_MBUF_F_RX_L4_CKSUM_BAD },
		{ E1000E_RXD_STAT_IPCS, SL_MBUF_F_RX_IP_CKSUM_GOOD },
		/* UDP: TCPCS and UDPCS (QEMU e1000e_verify_csum_in_sw) */
		{ E1000E_RXD_STAT_IPCS | E1000E_RXD_STAT_TCPCS | E1000E_RXD_STAT_UDPCS,
		  SL_MBUF_F_RX_IP_CKSUM_GOOD | SL_MBUF_F_RX_L4_CKSUM_GOOD },
		{ 0, 0 },
	};
	const uint64_t csum_flags = SL_MBUF_F_RX_IP_CKSUM_GOOD | SL_MBUF_F_RX_IP_CKSUM_BAD |
				    SL_MBUF_F_RX_L4_CKSUM_GOOD | SL_MBUF_F_RX_L4_CKSUM_BAD;
	const struct sl_eth_conf csum_on = { .rxmode = { .offloads = SL_ETH_RX_OFFLOAD_CHECKSUM } };
	static uint8_t frame[256];

	for (int on = 1; on >= 0; on--) {
		port_setup(1, on ? &csum_on : NULL);
		ck_assert_uint_eq(reg(E1000_RXCSUM) & (E1000_RXCSUM_IPOFLD | E1000_RXCSUM_TUOFLD),
				  on ? E1000_RXCSUM_IPOFLD | E1000_RXCSUM_TUOFLD : 0);
		/* one queue, no RSS asked for: no hash either */
		ck_assert_uint_eq(reg(E1000E_MRQC), 0);
		for (unsigned i = 0; i < SL_DIM(cases); i++) {
			struct dev_rx how = { cases[i].staterr, HONEST, false };
			struct sl_mbuf *m;

			make_ipv4(frame, 200, &ms_vectors[i % SL_DIM(ms_vectors)], true, i);
			ck_assert_int_eq(dev_receive_on(0, frame, 200, &how, 0, 0), 0);
			m = take_one(0);
			check_frame(m, frame, 200);
			/* checksum errors flag the frame, they do not drop it */
			ck_assert_uint_eq(m->ol_flags & (csum_flags | SL_MBUF_F_RX_RSS_HASH),
					  on ? cases[i].flags : 0);
			sl_pktmbuf_free(m);
		}
		port_teardown();
	}
	/* only the IPv4 header checksum asked for: only IPOFLD */
	port_setup(1, &(struct sl_eth_conf){
			      .rxmode = { .offloads = SL_ETH_RX_OFFLOAD_IPV4_CKSUM } });
	ck_assert_uint_eq(reg(E1000_RXCSUM) & (E1000_RXCSUM_IPOFLD | E1000_RXCSUM_TUOFLD),
			  E1000_RXCSUM_IPOFLD);
	port_teardown();
}
END_TEST

START_TEST(rx_jumbo_frames_chained)
{
	const struct sl_eth_conf jumbo = { .rxmode = { .mtu = 9000,
						       .offloads = SL_ETH_RX_OFFLOAD_SCATTER } };
	static uint8_t frame[9100];
	volatile union e1000e_rx_desc *ring;
	struct sl_mbuf *m;
	uint32_t d0;

	port_setup(1, &jumbo);
	ck_assert(reg(E1000_RCTL) & E1000_RCTL_LPE);
	ck_assert_uint_eq(rxq(0)->buf_len, 2048);
	for (uint32_t len = 1515; len <= 9018; len += 1500) {
		sl_test_fill_pattern(frame, len, len);
		ck_assert_int_eq(dev_receive_on(0, frame, len, &honest, 0, 0), 0);
		m = take_one(0);
		check_frame(m, frame, len);
		ck_assert_uint_eq(m->nb_segs, (len + 2047) / 2048);
		sl_pktmbuf_free(m);
	}
	/* the device has written 3 of the 5 descriptors when the driver polls:
	 * nothing yet, the partial chain is kept, the rest completes it */
	ring = dev_rx_ring(0);
	d0 = reg(E1000E_RDH(0));
	sl_test_fill_pattern(frame, 9000, 77);
	ck_assert_int_eq(dev_receive_on(0, frame, 9000, &honest, 0, 0), 0);
	for (unsigned i = 3; i < 5; i++)
		ring[(d0 + i) % RING].wb.status_error = 0;
	ck_assert_uint_eq(sl_eth_rx_burst(port, 0, &m, 1), 0);
	ck_assert_ptr_nonnull(rxq(0)->pkt_first);
	ring[(d0 + 3) % RING].wb.status_error = E1000E_RXD_STAT_DD;
	ring[(d0 + 4) % RING].wb.status_error = E1000E_RXD_STAT_DD | E1000E_RXD_STAT_EOP;
	m = take_one(0);
	check_frame(m, frame, 9000);
	ck_assert_uint_eq(m->nb_segs, 5);
	sl_pktmbuf_free(m);
	ck_assert_uint_eq(rxq(0)->bad_values, 0);
	ck_assert_uint_eq(sl_eth_qcnt_read(&rxq(0)->cnt, SL_QCNT_ERRORS), 0);
	port_teardown();
}
END_TEST

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

/* ---- interrupts (e1000_intr.c): the arm/disarm state a sleeping lcore
 * relies on, on the simulated 82574 with both queues (the vector itself
 * needs VFIO or UIO: vm-intr covers it). */

static bool fd_signalled(int fd)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };
	uint64_t v;

	if (poll(&p, 1, 0) != 1)
		return false;
	ck_assert_int_eq(read(fd, &v, sizeof(v)), (int)sizeof(v));
	return true;
}

static int lsc_calls;

static void count_lsc(uint16_t p, enum sl_eth_event_type event, void *arg)
{
	ck_assert_uint_eq(p, port);
	ck_assert_int_eq(event, SL_ETH_EVENT_INTR_LSC);
	(void)arg;
	lsc_calls++;
}

START_TEST(intr_arm_disarm_and_wake)
{
	const uint32_t rx_wake = E1000_ICR_RXT0 | E1000_ICR_RXDMT0 | E1000_ICR_RXO;
	struct sl_eth_dev *dev;
	struct sl_mbuf *m;
	static uint8_t frame[200];
	int fd0, fd1;

	port_setup(2, NULL);
	dev = sl_eth_dev_get(port);
	/* what ethdev sets up at start with intr_conf.rxq */
	dev->data->rx_intr = calloc(2, sizeof(*dev->data->rx_intr));
	ck_assert_int_eq(sl_eth_dev_rx_intr_fd_own(dev, 0), 0);
	ck_assert_int_eq(sl_eth_dev_rx_intr_fd_own(dev, 1), 0);
	fd0 = dev->data->rx_intr[0].fd;
	fd1 = dev->data->rx_intr[1].fd;

	/* armed on an empty ring: RX causes unmasked, nobody woken */
	set_reg(E1000_IMS, 0);
	ck_assert_int_eq(e1000_rx_queue_intr_enable(dev, 0), 0);
	ck_assert_uint_eq(reg(E1000_IMS), rx_wake);
	ck_assert_uint_eq(rxq(0)->intr_armed, 1);
	ck_assert(!fd_signalled(fd0));
	/* a cause: the armed queue wakes, the other does not */
	e1000_intr_causes(dev, E1000_ICR_RXT0);
	ck_assert(fd_signalled(fd0));
	ck_assert(!fd_signalled(fd1));
	/* a frame written back before the arming wakes at once (the re-check) */
	ck_assert_int_eq(e1000_rx_queue_intr_disable(dev, 0), 0);
	ck_assert_int_eq(dev_receive_on(0, frame, sizeof(frame), &honest, 0, 0), 0);
	ck_assert_int_eq(e1000_rx_queue_intr_enable(dev, 0), 0);
	ck_assert(fd_signalled(fd0));
	/* disarming one queue while the other sleeps keeps the causes on */
	ck_assert_int_eq(e1000_rx_queue_intr_enable(dev, 1), 0);
	set_reg(E1000_IMC, 0);
	ck_assert_int_eq(e1000_rx_queue_intr_disable(dev, 0), 0);
	ck_assert_uint_eq(reg(E1000_IMC), 0);
	e1000_intr_causes(dev, E1000_ICR_RXDMT0);
	ck_assert(fd_signalled(fd1));
	ck_assert(!fd_signalled(fd0));
	/* the last one disarmed masks them */
	ck_assert_int_eq(e1000_rx_queue_intr_disable(dev, 1), 0);
	ck_assert_uint_eq(reg(E1000_IMC), rx_wake);
	e1000_intr_causes(dev, E1000_ICR_RXT0);
	ck_assert(!fd_signalled(fd0) && !fd_signalled(fd1));
	m = take_one(0);
	check_frame(m, frame, sizeof(frame));
	sl_pktmbuf_free(m);

	/* link: the callback runs when the link changed, not at every LSC */
	lsc_calls = 0;
	ck_assert_int_eq(sl_eth_dev_callback_register(port, SL_ETH_EVENT_INTR_LSC, count_lsc, NULL), 0);
	e1000_intr_causes(dev, E1000_ICR_LSC);
	ck_assert_int_eq(lsc_calls, 0);
	set_reg(E1000_STATUS, reg(E1000_STATUS) & ~E1000_STATUS_LU);
	e1000_intr_causes(dev, E1000_ICR_LSC);
	ck_assert_int_eq(lsc_calls, 1);
	set_reg(E1000_STATUS, reg(E1000_STATUS) | E1000_STATUS_LU);
	e1000_intr_causes(dev, E1000_ICR_LSC | E1000_ICR_RXT0);
	ck_assert_int_eq(lsc_calls, 2);
	ck_assert_int_eq(sl_eth_dev_callback_unregister(port, SL_ETH_EVENT_INTR_LSC, count_lsc, NULL),
			 0);
	e1000_intr_causes(dev, E1000_ICR_LSC);
	ck_assert_int_eq(lsc_calls, 2);
	/* ethdev closes its eventfds at stop */
	port_teardown();
	ck_assert_ptr_null(dev->data->rx_intr);
	ck_assert_int_eq(fcntl(fd0, F_GETFD), -1);
}
END_TEST

/* A port whose device cannot interrupt (here: no vector behind the fake
 * PCI device) refuses intr_conf in one line, and the RX calls refuse a
 * port configured without it. */
START_TEST(intr_conf_refused_without_vectors)
{
	const struct sl_eth_conf want_rxq = { .intr_conf.rxq = 1 };
	const struct sl_eth_conf want_lsc = { .intr_conf.lsc = 1 };
	const char *log;

	sl_test_capture_begin(false);
	ck_assert_int_eq(sl_eth_dev_configure(port, 1, 1, &want_rxq), -ENOTSUP);
	ck_assert_int_eq(sl_eth_dev_configure(port, 1, 1, &want_lsc), -ENOTSUP);
	log = sl_test_capture_end();
	ck_assert_msg(strstr(log, "has no RX queue interrupts: set intr_conf.rxq = 0 and poll it") &&
			      strstr(log, "has no link change interrupt: set intr_conf.lsc = 0"),
		      "%s", log);
	port_setup(1, NULL);
	sl_test_capture_begin(false);
	ck_assert_int_lt(sl_eth_dev_rx_intr_enable(port, 0), 0);
	ck_assert_int_lt(sl_eth_dev_rx_intr_fd(port, 0), 0);
	log = sl_test_capture_end();
	ck_assert_msg(strstr(log, "was configured without RX interrupts: set intr_conf.rxq = 1") != NULL,
		      "%s", log);
	port_teardown();
}
END_TEST

/* The TX offloads through the port on queue 1: advertised (no TSO),
 * configured, prepared (sl_eth_tx_prepare reaches the driver's), then a
 * context and a data descriptor on that queue's ring (the encoding itself
 * is test_e1000_offload's). */
START_TEST(tx_checksum_offload_through_the_port)
{
	const uint64_t cksum = SL_ETH_TX_OFFLOAD_IPV4_CKSUM | SL_ETH_TX_OFFLOAD_UDP_CKSUM |
			       SL_ETH_TX_OFFLOAD_TCP_CKSUM;
	const struct sl_eth_conf offl = { .txmode = { .offloads = cksum } };
	const struct sl_eth_conf tso = { .txmode = { .offloads = SL_ETH_TX_OFFLOAD_TCP_TSO } };
	volatile struct e1000_tx_desc *ring;
	const struct e1000_tx_ctx_desc *ctx;
	struct sl_eth_dev_info info;
	struct sl_mbuf *m;
	uint8_t *f;

	ck_assert_int_eq(sl_eth_dev_info_get(port, &info), 0);
	/* no TSO: QEMU 7.2's 82574 would cut IP fragments (e1000_common.c) */
	ck_assert_uint_eq(info.tx_offload_capa & (cksum | SL_ETH_TX_OFFLOAD_TCP_TSO), cksum);
	bar_unprotect();
	if (sl_eth_dev_is_started(port) == 1)
		sl_eth_dev_stop(port);
	ck_assert_int_lt(sl_eth_dev_configure(port, 2, 2, &tso), 0);
	port_setup(2, &offl);
	m = sl_pktmbuf_alloc(pool);
	f = (uint8_t *)sl_pktmbuf_append(m, 200);
	make_ipv4(f, 200, &ms_vectors[0], false, 1);
	m->l2_len = 14;
	m->l3_len = 20;
	m->ol_flags = SL_MBUF_F_TX_IPV4 | SL_MBUF_F_TX_IP_CKSUM | SL_MBUF_F_TX_UDP_CKSUM;
	ck_assert_uint_eq(sl_eth_tx_prepare(port, 1, &m, 1), 1);
	/* what the device needs in the frame: the pseudo-header sum, IP 0 */
	ck_assert_uint_eq(*(uint16_t *)(f + 40),
			  sl_cksum_fold(sl_ipv4_phdr_sum((struct sl_ipv4_hdr *)(f + 14), 200 - 34)));
	ck_assert_uint_eq(*(uint16_t *)(f + 24), 0);
	/* and a TSO request is refused by the prepare */
	m->ol_flags |= SL_MBUF_F_TX_TCP_SEG;
	m->l4_len = 20;
	m->tso_segsz = 100;
	errno = 0;
	ck_assert_uint_eq(sl_eth_tx_prepare(port, 1, &m, 1), 0);
	ck_assert_int_eq(errno, ENOTSUP);
	m->ol_flags &= ~SL_MBUF_F_TX_TCP_SEG;
	ck_assert_uint_eq(sl_eth_tx_burst(port, 1, &m, 1), 1);
	ring = txq(1)->ring;
	ctx = (const struct e1000_tx_ctx_desc *)(uintptr_t)&ring[0];
	ck_assert_uint_eq(ctx->cmd_and_length, E1000_TXD_CMD_DEXT | E1000_TXD_CMD_IP);
	ck_assert_uint_eq(ctx->tucso, 40);
	ck_assert_uint_eq(ring[1].lower & ~0xffffu, E1000_TXD_CMD_DEXT | E1000_TXD_DTYP_D |
							   E1000_TXD_CMD_IFCS | E1000_TXD_CMD_EOP);
	ck_assert_uint_eq(ring[1].upper, E1000_TXD_POPTS_IXSM | E1000_TXD_POPTS_TXSM);
	ck_assert_uint_eq(dev_transmit(1, 1000), 1);
	ck_assert_uint_eq(reg(E1000E_TDT(0)), 0);
	port_teardown();
}
END_TEST

static Suite *e1000e_suite(void)
{
	Suite *s = suite_create("e1000e");
	TCase *tc = tcase_create("toeplitz");

	tcase_add_test(tc, toeplitz_matches_microsoft_vectors);
	suite_add_tcase(s, tc);
	tc = tcase_create("rx");
	tcase_add_test(tc, rx_rss_hash_and_queue_as_published);
	tcase_add_test(tc, rx_checksum_status_into_ol_flags);
	tcase_add_test(tc, rx_jumbo_frames_chained);
	suite_add_tcase(s, tc);
	tc = tcase_create("rx_faults");
	tcase_add_test(tc, rx_bad_lengths_reset_that_queue_only);
	tcase_add_test(tc, rx_frame_errors_drop_without_reset);
	tcase_add_test(tc, rx_frame_without_end_capped_at_max_pktlen);
	tcase_add_test(tc, rx_head_jumps_reset_that_queue_only);
	suite_add_tcase(s, tc);
	tc = tcase_create("tx");
	tcase_add_test(tc, tx_checksum_offload_through_the_port);
	suite_add_tcase(s, tc);
	tc = tcase_create("tx_faults");
	tcase_add_test(tc, tx_fault_resets_that_queue_only);
	tcase_add_test(tc, tx_queue_stops_alone_after_repeated_faults);
	suite_add_tcase(s, tc);
	tc = tcase_create("intr");
	tcase_add_test(tc, intr_arm_disarm_and_wake);
	tcase_add_test(tc, intr_conf_refused_without_vectors);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	int ret = setup_once(), failed;

	if (ret != 0)
		return ret;
	failed = sl_test_run_suite(e1000e_suite());
	bar_unprotect();
	if (sl_eth_dev_is_valid_port(port))
		sl_eth_dev_close(port);
	sl_mempool_free(pool);
	sl_eal_cleanup();
	free(bar);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
