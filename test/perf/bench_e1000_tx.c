/* SPDX-License-Identifier: BSD-3-Clause
 * What TX checksum offload costs the e1000 fast path (e1000_xmit_pkts,
 * both chips'), on a ring in memory: the "device" after each burst of 32
 * sets DD on the RS descriptors and TDH to TDT, so the driver reclaims
 * and refills as on a NIC that keeps up. Cases, ns per packet, each
 * including what a txonly application does per packet (allocate, copy a
 * 128-byte IPv4 frame in, set the request), which e1000_tx_fill_only
 * measures alone:
 *   e1000_tx_plain       no offload requested (legacy descriptors)
 *   e1000_tx_cksum_same  IP and UDP checksums, one layout: one context
 *                        descriptor in all, data descriptors after it
 *   e1000_tx_cksum_alt   UDP and TCP alternating: a context descriptor
 *                        before every packet
 *   e1000_tx_prep_cksum  e1000_prep_pkts (the pseudo-header sums), then
 *                        the mbufs freed
 *   e1000_tx_fill_only   the mbufs made and freed, nothing else
 * Median of BENCH_RUNS runs (bench_common.h), the cases taking turns.
 */
#include "sl_eal.h"
#include "sl_net.h"
#include "e1000_ethdev.h"
#include "bench_common.h"

#define BURST 32
#define RING 512
#define BAR_SIZE (128 * 1024)

static uint8_t *bar;

/* The device: everything up to TDT sent, DD on the RS descriptors. */
static void device_completes(struct e1000_tx_queue *txq, uint16_t *tdh)
{
	uint32_t tdt = *(volatile uint32_t *)(bar + E1000_TDT);

	while (*tdh != tdt) {
		if (txq->ring[*tdh].lower & E1000_TXD_CMD_RS)
			txq->ring[*tdh].upper |= E1000_TXD_STAT_DD;
		*tdh = (uint16_t)(*tdh + 1 == RING ? 0 : *tdh + 1);
	}
}

/* The frame every packet carries: Ethernet, IPv4, then UDP or TCP. */
static uint8_t frame[2][128];

static void make_frames(void)
{
	for (int tcp = 0; tcp < 2; tcp++) {
		struct sl_ipv4_hdr *ip = (struct sl_ipv4_hdr *)(frame[tcp] + SL_ETHER_HDR_LEN);

		frame[tcp][12] = 0x08;
		ip->version_ihl = SL_IPV4_VHL_DEF;
		ip->total_length = sl_be16(128 - SL_ETHER_HDR_LEN);
		ip->time_to_live = 64;
		ip->next_proto_id = tcp ? SL_IPPROTO_TCP : SL_IPPROTO_UDP;
	}
}

/* A burst as an application makes it: fresh mbufs, the frame copied in,
 * the request set (packet i: flags[i & 1], TCP for odd i). */
static void fill_burst(struct sl_mempool *mp, struct sl_mbuf **pkts, const uint64_t *flags)
{
	if (sl_pktmbuf_alloc_bulk(mp, pkts, BURST) < 0)
		abort();
	for (unsigned i = 0; i < BURST; i++) {
		struct sl_mbuf *m = pkts[i];

		memcpy(sl_pktmbuf_mtod(m, void *), frame[i & 1], sizeof(frame[0]));
		m->data_len = sizeof(frame[0]);
		m->pkt_len = sizeof(frame[0]);
		m->ol_flags = flags[i & 1];
		m->l2_len = SL_ETHER_HDR_LEN;
		m->l3_len = SL_IPV4_HDR_LEN;
	}
}

enum bench_op { OP_XMIT, OP_PREP, OP_NONE };

/* ns per packet over one run: each burst made, then sent (OP_XMIT), or
 * prepared and freed (OP_PREP), or freed (OP_NONE). */
static double run(struct e1000_tx_queue *txq, struct sl_mempool *mp, const uint64_t *flags,
		  enum bench_op op)
{
	struct sl_mbuf *pkts[BURST];
	uint64_t t0, t1, n = 0, budget = bench_run_ns();
	uint16_t tdh = 0;

	e1000_tx_queue_init(txq);
	*(volatile uint32_t *)(bar + E1000_TDT) = 0;
	t0 = bench_now_ns();
	do {
		for (unsigned k = 0; k < 1024; k++) {
			fill_burst(mp, pkts, flags);
			if (op == OP_XMIT) {
				if (e1000_xmit_pkts(txq, pkts, BURST) != BURST)
					abort();
				device_completes(txq, &tdh);
				continue;
			}
			if (op == OP_PREP && e1000_prep_pkts(txq, pkts, BURST) != BURST)
				abort();
			sl_pktmbuf_free_bulk(pkts, BURST);
		}
		n += 1024u * BURST;
		t1 = bench_now_ns();
	} while (t1 - t0 < budget);
	return (double)(t1 - t0) / (double)n;
}

static const struct bench_case {
	const char *name;
	uint64_t flags[2];	/* even, odd packets */
	enum bench_op op;
} cases[] = {
#define V4_UDP (SL_MBUF_F_TX_IPV4 | SL_MBUF_F_TX_IP_CKSUM | SL_MBUF_F_TX_UDP_CKSUM)
#define V4_TCP (SL_MBUF_F_TX_IPV4 | SL_MBUF_F_TX_IP_CKSUM | SL_MBUF_F_TX_TCP_CKSUM)
	{ "e1000_tx_plain", { 0, 0 }, OP_XMIT },
	{ "e1000_tx_cksum_same", { V4_UDP, V4_UDP }, OP_XMIT },
	{ "e1000_tx_cksum_alt", { V4_UDP, V4_TCP }, OP_XMIT },
	{ "e1000_tx_prep_cksum", { V4_UDP, V4_TCP }, OP_PREP },
	{ "e1000_tx_fill_only", { 0, 0 }, OP_NONE },
};

/* The cases take turns run by run (load from elsewhere hits them alike),
 * the median of each is printed. */
static void bench_all(struct e1000_tx_queue *txq, struct sl_mempool *mp)
{
	static double v[SL_DIM(cases)][BENCH_MAX_RUNS];
	unsigned runs = bench_runs();

	for (unsigned r = 0; r < runs; r++)
		for (unsigned c = 0; c < SL_DIM(cases); c++)
			if (bench_selected(cases[c].name))
				v[c][r] = run(txq, mp, cases[c].flags, cases[c].op);
	for (unsigned c = 0; c < SL_DIM(cases); c++)
		if (bench_selected(cases[c].name))
			bench_print(cases[c].name, bench_median(v[c], runs), "ns/pkt");
}

int main(void)
{
	char *argv[] = { "bench_e1000_tx", "-l", "0", "--log-level", "err", "-m", "64",
			 "--no-huge", "--no-pci", NULL };
	struct e1000_tx_queue *txq = NULL;
	struct sl_mempool *mp;

	if (sl_eal_init((int)SL_DIM(argv) - 1, argv) < 0) {
		fprintf(stderr, "bench_e1000_tx: sl_eal_init --no-huge failed (locked memory)\n");
		return 77;
	}
	bar = aligned_alloc(4096, BAR_SIZE);
	mp = sl_pktmbuf_pool_create("bench_e1000_tx", 1023, 0, 0, SL_MBUF_DEFAULT_BUF_SIZE,
				    SL_SOCKET_ID_ANY);
	if (bar == NULL || mp == NULL ||
	    e1000_tx_queue_create(&(struct e1000_txq_params){
					  .hw = bar,
					  .socket = SL_SOCKET_ID_ANY,
					  .nb_desc = RING,
					  .rs_thresh = 32,
					  .free_thresh = 32,
					  .log_module = "E1000",
					  .enable_reg = E1000_TCTL,
					  .enable_bit = E1000_TCTL_EN,
					  .offloads = E1000_TX_OFFLOAD_CKSUM,
				  },
				  &txq) < 0) {
		fprintf(stderr, "bench_e1000_tx: no memory for the pool or the ring\n");
		return 1;
	}
	memset(bar, 0, BAR_SIZE);
	make_frames();
	bench_all(txq, mp);
	e1000_tx_queue_destroy(txq);
	sl_mempool_free(mp);
	free(bar);
	sl_eal_cleanup();
	return 0;
}
