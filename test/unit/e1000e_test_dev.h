/* SPDX-License-Identifier: BSD-3-Clause
 * The simulated 82574 and the port on it, for the e1000e unit tests
 * (test_e1000e.c, test_e1000e_faults.c). The "PCI device" is fake: BAR0 is
 * a plain 128 KiB block of memory and the test plays the 82574 on it as
 * QEMU 7.2's model does (hw/net/e1000e_core.c): it finds each queue's ring
 * through the RDBAL/TDBAL the driver programmed, receives into extended
 * descriptors from RDH(n) up to RDT(n) writing the RSS type, hash, status,
 * errors and length back, and transmits queue n's legacy descriptors from
 * TDH(n) while TCTL.EN and TARC(n).ENABLE allow it. setup_once probes
 * net_e1000e on it, port_setup and port_teardown start and stop the port;
 * a write of the driver to a page of BAR0 made read-only ends the test
 * with its offset. */
#ifndef E1000E_TEST_DEV_H
#define E1000E_TEST_DEV_H

#include <check.h>
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
#include "sl_pci.h"
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

static inline uint32_t reg(uint32_t off)
{
	return *(volatile uint32_t *)(bar + off);
}

static inline void set_reg(uint32_t off, uint32_t v)
{
	*(volatile uint32_t *)(bar + off) = v;
}

static inline struct e1000_rx_queue *rxq(uint16_t q)
{
	return sl_eth_dev_get(port)->data->rx_queues[q];
}

static inline struct e1000_tx_queue *txq(uint16_t q)
{
	return sl_eth_dev_get(port)->data->tx_queues[q];
}

/* ---- BAR0 pages the driver may not write ------------------------------------------ */

static inline void segv_handler(int sig, siginfo_t *si, void *ctx)
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

/* Also outside a test (main): no ck_assert. */
static inline void bar_unprotect(void)
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

static inline volatile union e1000e_rx_desc *dev_rx_ring(uint16_t q)
{
	uint64_t iova = reg(E1000E_RDBAL(q)) | (uint64_t)reg(E1000E_RDBAH(q)) << 32;

	ck_assert_uint_eq(reg(E1000E_RDLEN(q)), RING * sizeof(union e1000e_rx_desc));
	return (volatile union e1000e_rx_desc *)sl_test_dma_va(iova, RING * 16);
}

/* Writes frame into queue q's ring from RDH(q) towards RDT(q), as QEMU's
 * e1000e_write_packet_to_guest: buffer after buffer, each descriptor's
 * write-back with DD last; the RSS words and the extra status only in the
 * last one. -1: receive off, or too few descriptors (a miss). */
static inline int dev_receive_on(uint16_t q, const uint8_t *frame, uint32_t len,
				 const struct dev_rx *how, uint32_t hash, uint32_t type)
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

static const struct dev_rx honest = { 0, HONEST, false };

/* One frame from queue q within a few polls (NULL if none). */
static inline struct sl_mbuf *take_one(uint16_t q)
{
	struct sl_mbuf *m;

	for (int i = 0; i < 100; i++)
		if (sl_eth_rx_burst(port, q, &m, 1) == 1)
			return m;
	return NULL;
}

static inline void check_frame(struct sl_mbuf *m, const uint8_t *want, uint32_t len)
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
static inline unsigned dev_transmit(uint16_t q, unsigned budget)
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

/* ---- the port --------------------------------------------------------------------- */

/* Configures nb_q queue pairs with conf (NULL: all defaults) and starts;
 * the rings go into the device's DMA map. */
static inline void port_setup(uint16_t nb_q, const struct sl_eth_conf *conf)
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

static inline void port_teardown(void)
{
	bar_unprotect();
	ck_assert_int_eq(sl_eth_dev_stop(port), 0);
	ck_assert(!(reg(E1000_RCTL) & E1000_RCTL_EN));
	ck_assert(!(reg(E1000_TCTL) & E1000_TCTL_EN));
	ck_assert_uint_eq(reg(E1000E_RDLEN(1)), 0);
	ck_assert_uint_eq(reg(E1000E_TDBAL(1)), 0);
	ck_assert_uint_eq(sl_mempool_in_use_count(pool), in_use_stopped);
}

static inline int setup_once(void)
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

/* A test binary's main: the device and port up once, the suite make()
 * returns run in this one process, then everything torn down. */
static inline int e1000e_test_main(Suite *(*make)(void))
{
	int ret = setup_once(), failed;

	if (ret != 0)
		return ret;
	failed = sl_test_run_suite(make());
	bar_unprotect();
	if (sl_eth_dev_is_valid_port(port))
		sl_eth_dev_close(port);
	sl_mempool_free(pool);
	sl_eal_cleanup();
	free(bar);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}

#endif /* E1000E_TEST_DEV_H */
