/* SPDX-License-Identifier: BSD-3-Clause
 * virtio-net TX with and without checksum offload, host only: one TX queue
 * of 256 descriptors whose device side is this loop (it takes every
 * available chain and returns it used at once, like a device that never
 * waits), 32-packet bursts of IPv4/UDP frames. Per packet, in ns:
 *
 *   virtio_tx_plain_<len>     no checksum (the queue negotiated no offload)
 *   virtio_tx_offload_<len>   UDP checksum requested: sl_eth_tx_prepare's
 *                             driver hook (virtio_xmit_prep) + the header fill
 *   virtio_tx_sw_cksum_<len>  the checksum in software (sl_net_sw_cksum),
 *                             what an application does without the offload
 *
 * Each includes the mbuf alloc and free. The device's own work (the host
 * kernel's checksum, under QEMU) is not in it: this is the guest's cost.
 */
#include "sl_eal.h"
#include "sl_net.h"
#include "virtio_ethdev.h"
#include "bench_common.h"

#define RING 256
#define BURST 32
#define POOL_N 2047

static volatile uint16_t doorbell;

/* The device: every available chain back as used, at once. */
static void device_take_all(struct virtqueue *vq, uint16_t *last_avail)
{
	uint16_t avail = vq->avail->idx, used = vq->used->idx;

	for (; *last_avail != avail; (*last_avail)++, used++) {
		vq->used->ring[used & vq->mask].id = vq->avail->ring[*last_avail & vq->mask];
		vq->used->ring[used & vq->mask].len = 0;
	}
	sl_compiler_barrier();
	vq->used->idx = used;
}

/* Writes an IPv4/UDP frame of len bytes into every mbuf of the pool once:
 * the buffers keep it, the loops only set lengths and flags. */
static void fill_pool(struct sl_mempool *mp, uint16_t len)
{
	struct sl_mbuf *m[POOL_N];

	if (sl_pktmbuf_alloc_bulk(mp, m, POOL_N) < 0) {
		fprintf(stderr, "bench_virtio_tx: mbufs missing from the pool\n");
		exit(1);
	}
	for (unsigned i = 0; i < POOL_N; i++) {
		uint8_t *p = (uint8_t *)sl_pktmbuf_append(m[i], len);
		struct sl_ipv4_hdr *ip = (struct sl_ipv4_hdr *)(p + SL_ETHER_HDR_LEN);
		struct sl_udp_hdr *uh = (struct sl_udp_hdr *)(ip + 1);

		for (uint16_t b = 0; b < len; b++)
			p[b] = (uint8_t)(b * 7 + i);
		((struct sl_ether_hdr *)p)->ether_type = sl_be16(SL_ETHER_TYPE_IPV4);
		ip->version_ihl = 0x45;
		ip->total_length = sl_be16((uint16_t)(len - SL_ETHER_HDR_LEN));
		ip->next_proto_id = SL_IPPROTO_UDP;
		uh->dgram_len = sl_be16((uint16_t)(len - SL_ETHER_HDR_LEN - SL_IPV4_HDR_LEN));
	}
	sl_pktmbuf_free_bulk(m, POOL_N);
}

enum mode { PLAIN, OFFLOAD, SW_CKSUM };

/* One run: ns per packet. */
static double run(struct virtio_tx_queue *txq, struct sl_mempool *mp, enum mode mode,
		  uint16_t len)
{
	struct sl_mbuf *m[BURST];
	uint16_t last_avail = txq->vq.avail->idx;
	uint64_t n = 0, t0 = bench_now_ns(), t, budget = bench_run_ns();

	do {
		for (unsigned rep = 0; rep < 64; rep++) {
			uint16_t i;

			if (sl_pktmbuf_alloc_bulk(mp, m, BURST) < 0)
				exit(1);
			for (i = 0; i < BURST; i++) {
				m[i]->data_len = len;
				m[i]->pkt_len = len;
				if (mode == PLAIN)
					continue;
				m[i]->l2_len = SL_ETHER_HDR_LEN;
				m[i]->l3_len = SL_IPV4_HDR_LEN;
				m[i]->ol_flags = SL_MBUF_F_TX_IPV4 | SL_MBUF_F_TX_UDP_CKSUM;
				if (mode == SW_CKSUM)
					sl_net_sw_cksum(m[i]);
			}
			if (mode == OFFLOAD && virtio_xmit_prep(txq, m, BURST) != BURST)
				exit(1);
			if (virtio_xmit_pkts(txq, m, BURST) != BURST)
				exit(1);
			device_take_all(&txq->vq, &last_avail);
			n += BURST;
		}
		t = bench_now_ns() - t0;
	} while (t < budget);
	return (double)t / (double)n;
}

int main(void)
{
	static const char *const names[] = { "plain", "offload", "sw_cksum" };
	static const uint16_t lens[] = { 128, 1514 };
	char *argv[] = { "bench_virtio_tx", "-l", "0", "--log-level", "err", "-m", "64",
			 "--no-huge", "--no-pci", "--no-telemetry", NULL };
	struct sl_mempool *mp;
	struct virtio_tx_queue *txq;
	double v[BENCH_MAX_RUNS];
	char name[64];

	if (sl_eal_init(10, argv) < 0) {
		fprintf(stderr, "bench_virtio_tx: sl_eal_init failed\n");
		return 77;
	}
	bench_pin_self(0);
	mp = sl_pktmbuf_pool_create("bench_vtx", POOL_N, 256, 0, SL_MBUF_DEFAULT_BUF_SIZE,
				    SL_SOCKET_ID_ANY);
	txq = virtio_tx_queue_create(0, 0, RING, SL_SOCKET_ID_ANY, 0, BURST);
	if (mp == NULL || txq == NULL) {
		fprintf(stderr, "bench_virtio_tx: pool or queue creation failed\n");
		return 1;
	}
	txq->vq.notify = &doorbell;
	txq->vq.index = 1;
	for (unsigned l = 0; l < SL_DIM(lens); l++) {
		virtio_tx_queue_drain(txq);	/* the chains in flight back to the pool */
		fill_pool(mp, lens[l]);
		for (unsigned mode = PLAIN; mode <= SW_CKSUM; mode++) {
			snprintf(name, sizeof(name), "virtio_tx_%s_%u", names[mode], lens[l]);
			if (!bench_selected(name))
				continue;
			txq->ol_mask = mode == OFFLOAD ? SL_MBUF_F_TX_L4_MASK : 0;
			for (unsigned r = 0; r < bench_runs(); r++)
				v[r] = run(txq, mp, (enum mode)mode, lens[l]);
			bench_print(name, bench_median(v, bench_runs()), "ns/pkt");
		}
	}
	virtio_tx_queue_destroy(txq);
	sl_mempool_free(mp);
	sl_eal_cleanup();
	return 0;
}
