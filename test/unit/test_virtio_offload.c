/* SPDX-License-Identifier: BSD-3-Clause
 * virtio-net checksum offload and TSO in the fast path, against the
 * simulated device of virtio_test_dev.h: the net header TX writes per
 * packet from ol_flags (NEEDS_CSUM, csum_start/csum_offset, gso_type,
 * gso_size, hdr_len), in the headroom and in the queue's header slots, and
 * nothing when the queue negotiated no offload; the device doing what
 * 5.1.6.2 says with that header yields a right checksum; tx_prepare's
 * limits and the TSO pseudo-header with the L4 length; RX's mapping of the
 * header's NEEDS_CSUM/DATA_VALID to mbuf flags, only with GUEST_CSUM. The
 * host side of all this (QEMU, a tap, the host kernel) is vm-offload's. */
#include <check.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "sl_eal.h"
#include "sl_net.h"
#include "virtio_ethdev.h"
#include "sl_test_simdev.h"
#include "virtio_test_dev.h"

#define HDR VIRTIO_NET_HDR_LEN
#define RING 64

static struct sl_mempool *pool;
static volatile uint16_t doorbell;

static const uint8_t ip6_a[16] = { 0xfd, [15] = 1 }, ip6_b[16] = { 0xfd, [15] = 2 };

/* Ethernet/IPv4 or IPv6/UDP or TCP with payload bytes, the checksum fields
 * garbage, the TX offload fields and ol_flags set for request. */
static struct sl_mbuf *make_pkt(int v6, int tcp, uint32_t payload, uint64_t request)
{
	struct sl_mbuf *m = sl_pktmbuf_alloc(pool);
	unsigned l3 = v6 ? SL_IPV6_HDR_LEN : SL_IPV4_HDR_LEN;
	unsigned l4 = tcp ? SL_TCP_MIN_HDR_LEN : SL_UDP_HDR_LEN;
	uint8_t *p;

	ck_assert_ptr_nonnull(m);
	p = (uint8_t *)sl_pktmbuf_append(m, SL_ETHER_HDR_LEN + l3 + l4 + payload);
	ck_assert_ptr_nonnull(p);
	sl_test_fill_pattern(p, m->data_len, payload);
	((struct sl_ether_hdr *)p)->ether_type = sl_be16(v6 ? SL_ETHER_TYPE_IPV6 : SL_ETHER_TYPE_IPV4);
	if (v6) {
		struct sl_ipv6_hdr *ip = (struct sl_ipv6_hdr *)(p + SL_ETHER_HDR_LEN);

		ip->vtc_flow = sl_be32(0x60000000u);
		ip->payload_len = sl_be16((uint16_t)(l4 + payload));
		ip->proto = tcp ? SL_IPPROTO_TCP : SL_IPPROTO_UDP;
		memcpy(ip->src_addr, ip6_a, 16);
		memcpy(ip->dst_addr, ip6_b, 16);
	} else {
		struct sl_ipv4_hdr *ip = (struct sl_ipv4_hdr *)(p + SL_ETHER_HDR_LEN);

		ip->version_ihl = 0x45;
		ip->total_length = sl_be16((uint16_t)(l3 + l4 + payload));
		ip->next_proto_id = tcp ? SL_IPPROTO_TCP : SL_IPPROTO_UDP;
	}
	if (tcp)
		((struct sl_tcp_hdr *)(p + SL_ETHER_HDR_LEN + l3))->data_off = 5 << 4;
	else
		((struct sl_udp_hdr *)(p + SL_ETHER_HDR_LEN + l3))->dgram_len =
			sl_be16((uint16_t)(l4 + payload));
	m->l2_len = SL_ETHER_HDR_LEN;
	m->l3_len = l3;
	m->l4_len = l4;
	m->ol_flags = (v6 ? SL_MBUF_F_TX_IPV6 : SL_MBUF_F_TX_IPV4) | request;
	return m;
}

static struct virtio_tx_queue *txq_new(struct dev *d, uint64_t ol_mask)
{
	struct virtio_tx_queue *txq = virtio_tx_queue_create(7, 0, RING, SL_SOCKET_ID_ANY, 0, 16);

	ck_assert_ptr_nonnull(txq);
	sl_test_dma_map_add(txq->hdr_iova, txq->hdr_mem, (RING + 1) * HDR);
	txq->vq.notify = &doorbell;
	txq->vq.index = 1;
	txq->ol_mask = ol_mask;
	memset(d, 0, sizeof(*d));
	d->vq = &txq->vq;
	return txq;
}

/* The device takes the next chain: its header, and the frame gathered
 * into out (returns its length). */
static uint32_t dev_tx_hdr(struct dev *d, struct virtio_net_hdr *hdr, uint8_t *out)
{
	uint16_t id = dev_pop(d), head = id;
	uint32_t len = 0, hdr_left = HDR;

	for (;;) {
		volatile struct vring_desc *desc = &d->vq->desc[id];
		const uint8_t *va = sl_test_dma_va(desc->addr, desc->len);
		uint32_t skip = SL_MIN(hdr_left, desc->len);

		memcpy((uint8_t *)hdr + (HDR - hdr_left), va, skip);
		hdr_left -= skip;
		memcpy(out + len, va + skip, desc->len - skip);
		len += desc->len - skip;
		if (!(desc->flags & VRING_DESC_F_NEXT))
			break;
		id = desc->next;
	}
	dev_used(d, head, 0);
	return len;
}

/* 5.1.6.2: what a device does with NEEDS_CSUM. */
static void dev_csum(uint8_t *frame, uint32_t len, const struct virtio_net_hdr *hdr)
{
	uint16_t sum;

	sum = (uint16_t)~sl_cksum_fold(sl_cksum_add(frame + hdr->csum_start,
						    len - hdr->csum_start, 0));
	memcpy(frame + hdr->csum_start + hdr->csum_offset, &sum, 2);
}

START_TEST(tx_header_per_packet)
{
	static uint8_t frame[4096];
	struct dev d;
	struct virtio_tx_queue *txq = txq_new(&d, SL_MBUF_F_TX_L4_MASK | SL_MBUF_F_TX_TCP_SEG);
	struct sl_mbuf *pkts[3];
	struct virtio_net_hdr h;
	uint32_t len;

	pkts[0] = make_pkt(0, 0, 300, SL_MBUF_F_TX_UDP_CKSUM);
	pkts[1] = make_pkt(1, 1, 777, SL_MBUF_F_TX_TCP_CKSUM);
	/* shared: its header goes into the queue's slot, not the headroom */
	sl_pktmbuf_refcnt_update(pkts[1], 1);
	pkts[2] = make_pkt(0, 1, 1900, SL_MBUF_F_TX_TCP_SEG);
	pkts[2]->tso_segsz = 1000;
	ck_assert_uint_eq(virtio_xmit_prep(txq, pkts, 3), 3);
	ck_assert_uint_eq(virtio_xmit_pkts(txq, pkts, 3), 3);

	len = dev_tx_hdr(&d, &h, frame);
	ck_assert_uint_eq(h.flags, VIRTIO_NET_HDR_F_NEEDS_CSUM);
	ck_assert_uint_eq(h.gso_type, VIRTIO_NET_HDR_GSO_NONE);
	ck_assert_uint_eq(h.csum_start, 34);
	ck_assert_uint_eq(h.csum_offset, 6);
	dev_csum(frame, len, &h);
	ck_assert_int_eq(sl_ipv4_udptcp_cksum_verify((const struct sl_ipv4_hdr *)(frame + 14),
						     frame + 34), 0);

	len = dev_tx_hdr(&d, &h, frame);
	ck_assert_uint_eq(h.flags, VIRTIO_NET_HDR_F_NEEDS_CSUM);
	ck_assert_uint_eq(h.csum_start, 54);
	ck_assert_uint_eq(h.csum_offset, 16);
	dev_csum(frame, len, &h);
	ck_assert_int_eq(sl_ipv6_udptcp_cksum_verify((const struct sl_ipv6_hdr *)(frame + 14),
						     frame + 54), 0);

	len = dev_tx_hdr(&d, &h, frame);
	ck_assert_uint_eq(h.flags, VIRTIO_NET_HDR_F_NEEDS_CSUM);
	ck_assert_uint_eq(h.gso_type, VIRTIO_NET_HDR_GSO_TCPV4);
	ck_assert_uint_eq(h.gso_size, 1000);
	ck_assert_uint_eq(h.hdr_len, 54);
	ck_assert_uint_eq(h.csum_start, 34);
	ck_assert_uint_eq(h.csum_offset, 16);
	/* the whole packet's checksum, as Linux's segmenter expects */
	dev_csum(frame, len, &h);
	ck_assert_uint_eq(len, 1954);
	ck_assert_int_eq(sl_ipv4_udptcp_cksum_verify((const struct sl_ipv4_hdr *)(frame + 14),
						     frame + 34), 0);

	dev_publish(&d);
	sl_pktmbuf_refcnt_update(pkts[1], -1);
	virtio_tx_queue_destroy(txq);
}
END_TEST

/* A queue that negotiated nothing writes zero headers whatever ol_flags
 * say, in the headroom and in its slots. */
START_TEST(tx_no_offload_zero_header)
{
	static uint8_t frame[2048];
	static const struct virtio_net_hdr zero;
	struct dev d;
	struct virtio_tx_queue *txq = txq_new(&d, 0);
	struct sl_mbuf *pkts[2];
	struct virtio_net_hdr h;

	pkts[0] = make_pkt(0, 1, 100, SL_MBUF_F_TX_TCP_CKSUM);
	pkts[1] = make_pkt(1, 0, 100, SL_MBUF_F_TX_UDP_CKSUM);
	sl_pktmbuf_refcnt_update(pkts[1], 1);
	/* slots offloaded packets used before (not the zero one after them) */
	memset(txq->hdr_mem, 0xa5, RING * HDR);
	ck_assert_uint_eq(virtio_xmit_pkts(txq, pkts, 2), 2);
	for (int i = 0; i < 2; i++) {
		dev_tx_hdr(&d, &h, frame);
		ck_assert(memcmp(&h, &zero, HDR) == 0);
	}
	dev_publish(&d);
	sl_pktmbuf_refcnt_update(pkts[1], -1);
	virtio_tx_queue_destroy(txq);
}
END_TEST

START_TEST(tx_prepare_limits)
{
	struct dev d;
	struct virtio_tx_queue *txq = txq_new(&d, SL_MBUF_F_TX_L4_MASK);
	struct sl_mbuf *m, *seg;
	uint16_t want;

	/* virtio has no IPv4 header checksum offload */
	m = make_pkt(0, 0, 10, SL_MBUF_F_TX_IP_CKSUM | SL_MBUF_F_TX_UDP_CKSUM);
	errno = 0;
	ck_assert_uint_eq(virtio_xmit_prep(txq, &m, 1), 0);
	ck_assert_int_eq(errno, ENOTSUP);
	/* TSO not negotiated on this queue */
	m->ol_flags = SL_MBUF_F_TX_IPV4 | SL_MBUF_F_TX_TCP_SEG;
	errno = 0;
	ck_assert_uint_eq(virtio_xmit_prep(txq, &m, 1), 0);
	ck_assert_int_eq(errno, ENOTSUP);
	/* a request lib/net refuses: no L3 type */
	m->ol_flags = SL_MBUF_F_TX_UDP_CKSUM;
	errno = 0;
	ck_assert_uint_eq(virtio_xmit_prep(txq, &m, 1), 0);
	ck_assert_int_eq(errno, EINVAL);
	/* more segments than a chain may have */
	m->ol_flags = SL_MBUF_F_TX_IPV4 | SL_MBUF_F_TX_UDP_CKSUM;
	for (unsigned i = 0; i < VIRTIO_TX_MAX_SEGS; i++) {
		seg = sl_pktmbuf_alloc(pool);
		ck_assert_ptr_nonnull(seg);
		ck_assert_int_eq(sl_pktmbuf_chain(m, seg), 0);
	}
	errno = 0;
	ck_assert_uint_eq(virtio_xmit_prep(txq, &m, 1), 0);
	ck_assert_int_eq(errno, EINVAL);
	sl_pktmbuf_free(m);

	/* good ones: the pseudo-header with the L4 length in the field */
	m = make_pkt(1, 0, 333, SL_MBUF_F_TX_UDP_CKSUM);
	ck_assert_uint_eq(virtio_xmit_prep(txq, &m, 1), 1);
	want = sl_ipv6_phdr_cksum(sl_pktmbuf_mtod_offset(m, const struct sl_ipv6_hdr *, 14));
	ck_assert_uint_eq(*sl_pktmbuf_mtod_offset(m, uint16_t *, 14 + 40 + 6), want);
	sl_pktmbuf_free(m);
	txq->ol_mask |= SL_MBUF_F_TX_TCP_SEG;
	m = make_pkt(0, 1, 1900, SL_MBUF_F_TX_TCP_SEG);
	m->tso_segsz = 1448;
	ck_assert_uint_eq(virtio_xmit_prep(txq, &m, 1), 1);
	want = sl_ipv4_phdr_cksum(sl_pktmbuf_mtod_offset(m, const struct sl_ipv4_hdr *, 14));
	ck_assert_uint_eq(*sl_pktmbuf_mtod_offset(m, uint16_t *, 14 + 20 + 16), want);
	sl_pktmbuf_free(m);
	virtio_tx_queue_destroy(txq);
}
END_TEST

/* One frame of len bytes into the next RX buffer, its header flags set. */
static void dev_rx_flags(struct dev *d, uint32_t len, uint8_t flags)
{
	uint16_t id = dev_pop(d);
	volatile struct vring_desc *desc = &d->vq->desc[id];
	uint8_t *va = sl_test_dma_va(desc->addr, desc->len);
	struct virtio_net_hdr h = { .flags = flags, .num_buffers = 1 };

	memcpy(va, &h, HDR);
	sl_test_fill_pattern(va + HDR, len, len);
	dev_used(d, id, HDR + len);
}

START_TEST(rx_header_flags)
{
	static const struct {
		uint8_t csum, flags;
		uint64_t want;
	} cases[] = {
		{ 1, 0, 0 },
		{ 1, VIRTIO_NET_HDR_F_NEEDS_CSUM, SL_MBUF_F_RX_L4_CKSUM_NONE },
		{ 1, VIRTIO_NET_HDR_F_DATA_VALID, SL_MBUF_F_RX_L4_CKSUM_GOOD },
		{ 1, VIRTIO_NET_HDR_F_NEEDS_CSUM | VIRTIO_NET_HDR_F_DATA_VALID,
		  SL_MBUF_F_RX_L4_CKSUM_NONE },
		/* without GUEST_CSUM the flags are not looked at */
		{ 0, VIRTIO_NET_HDR_F_DATA_VALID, 0 },
	};
	struct virtio_rx_queue *rxq =
		virtio_rx_queue_create(7, 0, RING, SL_SOCKET_ID_ANY, pool, 1, 0, 0, 16);
	struct sl_mbuf *m;
	struct dev d = { 0 };

	ck_assert_ptr_nonnull(rxq);
	rxq->vq.notify = &doorbell;
	ck_assert_int_eq(virtio_rx_queue_fill(rxq), 0);
	d.vq = &rxq->vq;
	for (unsigned i = 0; i < SL_DIM(cases); i++) {
		rxq->csum = cases[i].csum;
		dev_rx_flags(&d, 60 + i, cases[i].flags);
		dev_publish(&d);
		ck_assert_uint_eq(virtio_recv_pkts(rxq, &m, 1), 1);
		ck_assert_msg(m->ol_flags == cases[i].want, "case %u: ol_flags 0x%llx, want 0x%llx",
			      i, (unsigned long long)m->ol_flags, (unsigned long long)cases[i].want);
		sl_test_check_pkt(m, 60 + i, 60 + i);
		sl_pktmbuf_free(m);
	}
	virtio_rx_queue_destroy(rxq);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("virtio_offload");
	TCase *tc = tcase_create("offload");
	int failed;

	sl_test_simdev_eal_up("test_virtio_offload", NULL);
	pool = sl_test_simdev_pool("virtio_offload", 512, SL_MBUF_DEFAULT_BUF_SIZE);
	tcase_add_test(tc, tx_header_per_packet);
	tcase_add_test(tc, tx_no_offload_zero_header);
	tcase_add_test(tc, tx_prepare_limits);
	tcase_add_test(tc, rx_header_flags);
	suite_add_tcase(s, tc);
	failed = sl_test_run_suite(s);
	sl_mempool_free(pool);
	sl_eal_cleanup();
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
