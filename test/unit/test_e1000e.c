/* SPDX-License-Identifier: BSD-3-Clause
 * net_e1000e (82574L) against the simulated device of e1000e_test_dev.h,
 * through the public ethdev API; here the device also spreads frames over
 * the two RX queues with the Toeplitz hash of the key in RSSRK and the
 * redirection table in RETA.
 *
 * Checked: frames, lengths and bytes as sent; the RSS hash and its flag
 * in the mbuf, equal to the values Microsoft's "Verifying the RSS Hash
 * Calculation" publishes for its key (the driver's default), on the queue
 * the driver's table names; checksum status into ol_flags; jumbo frames
 * chained over descriptors; the TX checksum offloads through the port; the
 * RX interrupts' arm/disarm state and the link change callback.
 * sl_toeplitz.h is checked against the published vectors first. The
 * device lying, and the queue resets that answer it, are
 * test_e1000e_faults.c's.
 *
 * Needs sl_eal_init --no-huge (locked memory): skipped (77) without it. */
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sl_eal.h"
#include "sl_ethdev.h"
#include "sl_ethdev_driver.h"
#include "sl_mbuf.h"
#include "sl_net.h"
#include "sl_toeplitz.h"
#include "e1000_ethdev.h"
#include "e1000e_regs.h"
#include "sl_test_simdev.h"
#include "e1000e_test_dev.h"

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

static void ms_key(uint8_t key[40])
{
	for (unsigned i = 0; i < 40; i++)
		ck_assert_int_eq(sscanf(ms_key_hex + 2 * i, "%2hhx", &key[i]), 1);
}

/* ---- the device: RSS -------------------------------------------------------------- */

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

/* A frame spread by RSS as the device does; returns its queue or -1. */
static int dev_receive(const uint8_t *frame, uint32_t len, const struct dev_rx *how)
{
	uint32_t hash, type;
	uint16_t q = dev_rss(frame, len, &hash, &type);

	return dev_receive_on(q, frame, len, how, hash, type) < 0 ? -1 : q;
}

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
	tc = tcase_create("tx");
	tcase_add_test(tc, tx_checksum_offload_through_the_port);
	suite_add_tcase(s, tc);
	tc = tcase_create("intr");
	tcase_add_test(tc, intr_arm_disarm_and_wake);
	tcase_add_test(tc, intr_conf_refused_without_vectors);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return e1000e_test_main(e1000e_suite);
}
