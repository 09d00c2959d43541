/* SPDX-License-Identifier: BSD-3-Clause
 * Fuzz target: the values a virtio-net device writes, against the RX fast
 * path. The fuzzer plays the device of a simulated split virtqueue (as
 * test/unit/test_virtio.c does): used entries with ids taken properly from
 * the available ring or made up, any lengths, any num_buffers in the
 * headers, used indexes published, held back or jumping, the device's
 * notify suppression (flags, avail_event); between them the driver polls
 * with bursts of any size, and the port restarts (drain and refill).
 *
 * Input: one configuration byte, then operations until the input ends.
 *   config bit 0 MRG_RXBUF, bit 1 scatter, bit 2 EVENT_IDX, bit 3 the
 *   pool of 128-byte buffers, bits 4-5 the ring size (16 << n, n = 0..3:
 *   16, 32, 64, 128)
 *   op % 8: 0 used entry for the next available buffer (len:2, num_buffers:2)
 *           1 used entry, made-up id (id:4, len:4, num_buffers:2)
 *           2 publish the used index
 *           3 publish it moved by a signed delta (delta:1)
 *           4 burst (nb_pkts:1)
 *           5 notify suppression (flags:1, avail_event:2)
 *           6 restart (drain, refill)
 *           7 burst of 32
 *
 * Checked beyond the sanitizers, against a model of what the driver must
 * do with each used entry (spec 2.7, 5.1.6.4, and the stop-or-drop rules
 * in virtio_rxtx.c), before every burst: the frames returned (count,
 * lengths, segments; each a well-formed chain inside its buffers), the
 * counters (every bad length or num_buffers in bad_len, every dropped
 * frame in the errors counter, a bad id or a used index past the buffers
 * in flight stopping the queue and counted once), the notify decision;
 * after every operation no mbuf lost or freed twice (pool + ring + partial
 * frame = the pool's size), and the pool whole after the queue is gone.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sl_eal.h"
#include "sl_mbuf.h"
#include "virtio_ethdev.h"

#include "fuzz_common.h"
#include "fuzz_eal.h"

#define POOL_SIZE 512		/* a 128-entry ring, a burst of 64, and room */
#define MAX_BURST 64
#define HDR VIRTIO_NET_HDR_LEN

static struct sl_mempool *big_pool, *small_pool;
static volatile uint16_t doorbell;

#define FAIL(...)                                                               \
	do {                                                                    \
		fprintf(stderr, "fuzz_virtio_rx: " __VA_ARGS__);                \
		fputc('\n', stderr);                                            \
		abort();                                                        \
	} while (0)

static void teardown(void)
{
	sl_mempool_free(big_pool);
	sl_mempool_free(small_pool);
	sl_eal_cleanup();
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	fuzz_eal_up("fuzz_virtio_rx");
	big_pool = sl_pktmbuf_pool_create("fuzz_vrx_big", POOL_SIZE, 0, 0,
					  SL_PKTMBUF_HEADROOM + 2048, SL_SOCKET_ID_ANY);
	small_pool = sl_pktmbuf_pool_create("fuzz_vrx_small", POOL_SIZE, 0, 0,
					    SL_PKTMBUF_HEADROOM + 128, SL_SOCKET_ID_ANY);
	if (big_pool == NULL || small_pool == NULL) {
		fprintf(stderr, "fuzz_virtio_rx: no mbuf pools\n");
		exit(1);
	}
	atexit(teardown);
	return 0;
}

/* ---- the input ------------------------------------------------------------------ */

struct input {
	const uint8_t *p;
	size_t left;
};

static uint32_t take(struct input *in, unsigned bytes)
{
	uint32_t v = 0;

	for (unsigned i = 0; i < bytes && in->left > 0; i++, in->left--)
		v |= (uint32_t)*in->p++ << (8 * i);
	return v;
}

/* ---- the device --------------------------------------------------------------------- */

struct sim {
	struct virtio_rx_queue *rxq;
	struct virtqueue *vq;
	uint16_t last_avail;	/* next available entry the device takes */
	uint16_t used_idx;	/* next used entry it writes */
	/* the model: a frame across bursts */
	uint16_t segs_left;
	uint8_t discard;
	uint32_t frame_len;
	uint16_t frame_segs;
};

/* The header of buffer id, where the device writes num_buffers: the
 * buffer must be one the driver posted. */
static void dev_set_num_buffers(struct sim *s, uint32_t id, uint16_t num_buffers)
{
	struct virtio_net_hdr *hdr;

	if (id >= s->vq->size || s->rxq->sw_ring[id] == NULL)
		return;
	hdr = sl_pktmbuf_mtod_offset(s->rxq->sw_ring[id], struct virtio_net_hdr *, -(int)HDR);
	hdr->num_buffers = num_buffers;
}

static void dev_used(struct sim *s, uint32_t id, uint32_t len)
{
	volatile struct vring_used_elem *e = &s->vq->used->ring[s->used_idx & s->vq->mask];

	e->id = id;
	e->len = len;
	s->used_idx++;
}

static void dev_take_avail(struct sim *s, uint16_t len, uint16_t num_buffers)
{
	uint16_t id;

	if ((uint16_t)(s->vq->avail->idx - s->last_avail) == 0)
		return;
	id = s->vq->avail->ring[s->last_avail & s->vq->mask];
	s->last_avail++;
	if (id >= s->vq->size)
		FAIL("the driver put id %u in a ring of %u", id, s->vq->size);
	dev_set_num_buffers(s, id, num_buffers);
	dev_used(s, id, len);
}

/* ---- the model ---------------------------------------------------------------------- */

struct expect {
	uint16_t nb_rx;
	uint16_t stop_entries;		/* entries consumed */
	uint8_t broken_by_id;
	uint8_t broken_by_idx;
	uint32_t pkt_len[MAX_BURST];
	uint16_t nb_segs[MAX_BURST];
	uint64_t bad_len;
	uint64_t errors;
};

/* What one buffer does to the frame being assembled; 1 when it ends a
 * frame the driver delivers. */
static int model_buffer(struct sim *s, struct expect *x, uint32_t len, uint16_t num_buffers)
{
	const struct virtio_rx_queue *rxq = s->rxq;

	if (s->segs_left == 0) {
		uint16_t nbuf = 1;

		if (rxq->mrg_rxbuf) {
			nbuf = num_buffers;
			if (nbuf == 0 || nbuf > s->vq->size) {
				x->bad_len++;
				x->errors++;
				return 0;
			}
		}
		s->segs_left = (uint16_t)(nbuf - 1);
		if (len <= HDR || len > rxq->buf_len) {
			x->bad_len++;
			s->discard = 1;
		} else if (nbuf > 1 && !rxq->scatter) {
			s->discard = 1;
		} else {
			s->frame_len = len - HDR;
			s->frame_segs = 1;
		}
	} else {
		s->segs_left--;
		if (s->discard) {
		} else if (len > rxq->buf_len) {
			x->bad_len++;
			s->discard = 1;
		} else if (len != 0) {
			s->frame_len += len;
			s->frame_segs++;
		}
	}
	if (s->segs_left != 0)
		return 0;
	if (s->discard) {
		s->discard = 0;
		x->errors++;
		return 0;
	}
	return 1;
}

/* What a burst of nb_pkts must return and count, from the ring as it is
 * now (read before the driver touches it). */
static void model_burst(struct sim *s, struct expect *x, uint16_t nb_pkts)
{
	struct virtqueue *vq = s->vq;
	uint8_t in_flight[VRING_MAX_SIZE];
	uint16_t pending = (uint16_t)(vq->used->idx - vq->used_idx);
	uint16_t idx = vq->used_idx;

	memset(x, 0, sizeof(*x));
	if (pending > (uint16_t)(vq->size - vq->nb_free)) {
		x->broken_by_idx = 1;
		return;
	}
	for (uint16_t i = 0; i < vq->size; i++)
		in_flight[i] = s->rxq->sw_ring[i] != NULL;
	while (pending > 0 && x->nb_rx < nb_pkts) {
		uint32_t id = vq->used->ring[idx & vq->mask].id;
		uint32_t len = vq->used->ring[idx & vq->mask].len;
		uint16_t nbuf;

		if (id >= vq->size || !in_flight[id]) {
			x->broken_by_id = 1;
			break;
		}
		in_flight[id] = 0;
		nbuf = sl_pktmbuf_mtod_offset(s->rxq->sw_ring[id], const struct virtio_net_hdr *,
					      -(int)HDR)->num_buffers;
		idx++;
		pending--;
		x->stop_entries++;
		if (model_buffer(s, x, len, nbuf)) {
			x->pkt_len[x->nb_rx] = s->frame_len;
			x->nb_segs[x->nb_rx] = s->frame_segs;
			x->nb_rx++;
		}
	}
}

/* ---- the checks --------------------------------------------------------------------- */

static unsigned mbufs_held(const struct sim *s)
{
	unsigned n = 0;

	for (uint16_t i = 0; i < s->vq->size; i++)
		n += s->rxq->sw_ring[i] != NULL;
	if (s->rxq->pkt_first != NULL)
		n += s->rxq->pkt_first->nb_segs;
	return n;
}

static void check_pool(const struct sim *s, unsigned total)
{
	unsigned avail = sl_mempool_avail_count(s->rxq->mp), held = mbufs_held(s);

	if (avail + held != total)
		FAIL("%u mbufs in the pool + %u held by the queue != %u: %s", avail, held, total,
		     avail + held < total ? "lost" : "freed twice");
}

static void check_frame(const struct sl_mbuf *m, uint32_t len, uint16_t segs)
{
	static uint8_t flat[65536 * 2];
	const char *why = NULL;
	const uint8_t *d;
	uint32_t sum = 0;

	if (sl_pktmbuf_check(m, &why) != 0)
		FAIL("bad mbuf from RX: %s", why);
	if (m->pkt_len != len || m->nb_segs != segs)
		FAIL("frame of %u bytes in %u segments, the device wrote %u in %u", m->pkt_len,
		     m->nb_segs, len, segs);
	if (m->pkt_len == 0 || m->pkt_len > sizeof(flat))
		FAIL("frame of %u bytes", m->pkt_len);
	d = sl_pktmbuf_read(m, 0, m->pkt_len, flat);
	if (d == NULL)
		FAIL("frame unreadable");
	for (uint32_t i = 0; i < m->pkt_len; i++)
		sum += d[i];
	__asm__ volatile("" : : "r"(sum));
}

/* The doorbell rang exactly when the device asked (2.7.7.2, 2.7.10). */
static void check_notify(const struct sim *s, uint64_t publishes, uint64_t notifications,
			 uint16_t old_kick)
{
	const struct virtqueue *vq = s->vq;
	uint64_t rang = vq->notifications - notifications;
	int want;

	if (vq->publishes == publishes) {
		if (rang != 0)
			FAIL("a doorbell without a publish");
		return;
	}
	if (vq->publishes != publishes + 1)
		FAIL("%llu publishes in one burst", (unsigned long long)(vq->publishes - publishes));
	want = vq->event_idx ? vring_need_event(*vq->avail_event, vq->avail_idx, old_kick)
			     : !(vq->used->flags & VRING_USED_F_NO_NOTIFY);
	if (rang != (uint64_t)want)
		FAIL("doorbell %s, the device asked %s", rang ? "rang" : "silent",
		     want ? "for one" : "for none");
}

static void burst(struct sim *s, uint16_t nb_pkts)
{
	struct virtio_rx_queue *rxq = s->rxq;
	struct virtqueue *vq = s->vq;
	struct sl_mbuf *pkts[MAX_BURST];
	struct expect x;
	uint64_t bad_len = rxq->bad_len, bad_id = rxq->bad_id;
	uint64_t errors = sl_eth_qcnt_read(&rxq->cnt, SL_QCNT_ERRORS);
	uint64_t publishes = vq->publishes, notifications = vq->notifications;
	uint16_t used_idx = vq->used_idx, old_kick = vq->kick_idx, n;
	int was_broken = vq->broken;

	if (!was_broken)
		model_burst(s, &x, nb_pkts);
	n = virtio_recv_pkts(rxq, pkts, nb_pkts);
	if (was_broken) {
		/* stopped: nothing taken, nothing counted again */
		if (n != 0 || vq->used_idx != used_idx || rxq->bad_id != bad_id ||
		    rxq->bad_len != bad_len || vq->publishes != publishes)
			FAIL("a stopped queue moved");
		return;
	}
	if (n != x.nb_rx)
		FAIL("burst returned %u frames, the device completed %u", n, x.nb_rx);
	for (uint16_t i = 0; i < n; i++) {
		check_frame(pkts[i], x.pkt_len[i], x.nb_segs[i]);
		if (pkts[i]->port != rxq->port_id)
			FAIL("frame for port %u", pkts[i]->port);
	}
	sl_pktmbuf_free_bulk(pkts, n);
	if ((uint16_t)(vq->used_idx - used_idx) != x.stop_entries)
		FAIL("the driver took %u used entries, %u were good",
		     (uint16_t)(vq->used_idx - used_idx), x.stop_entries);
	if (rxq->bad_len - bad_len != x.bad_len)
		FAIL("bad_len +%llu, the device wrote %llu bad values",
		     (unsigned long long)(rxq->bad_len - bad_len), (unsigned long long)x.bad_len);
	if (sl_eth_qcnt_read(&rxq->cnt, SL_QCNT_ERRORS) - errors != x.errors)
		FAIL("errors +%llu, %llu frames to drop",
		     (unsigned long long)(sl_eth_qcnt_read(&rxq->cnt, SL_QCNT_ERRORS) - errors),
		     (unsigned long long)x.errors);
	if (rxq->bad_id - bad_id != x.broken_by_id)
		FAIL("bad_id +%llu, expected +%u", (unsigned long long)(rxq->bad_id - bad_id),
		     x.broken_by_id);
	if (vq->broken != (x.broken_by_id | x.broken_by_idx))
		FAIL("queue %s, expected %s", vq->broken ? "stopped" : "running",
		     x.broken_by_id || x.broken_by_idx ? "stopped" : "running");
	if (x.broken_by_idx && !(rxq->warned & VIRTIO_WARN_USED_IDX))
		FAIL("a used index past the buffers in flight, not reported");
	check_notify(s, publishes, notifications, old_kick);
}

/* Stop and start: what dev_stop and dev_start do to the queue after the
 * device reset. */
static int restart(struct sim *s)
{
	virtio_rx_queue_drain(s->rxq);
	if (virtio_rx_queue_fill(s->rxq) < 0)
		return -1;
	s->last_avail = s->used_idx = 0;
	s->segs_left = 0;
	s->discard = 0;
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct input in = { data, size };
	struct sim s;
	struct sl_mempool *mp;
	unsigned total;
	uint8_t config;

	if (size < 1 || size > FUZZ_MAX_INPUT)
		return 0;
	config = (uint8_t)take(&in, 1);
	mp = (config & 8) ? small_pool : big_pool;
	total = sl_mempool_avail_count(mp);
	memset(&s, 0, sizeof(s));
	s.rxq = virtio_rx_queue_create(0, 0, (uint16_t)(16u << ((config >> 4) & 3)),
				       SL_SOCKET_ID_ANY, mp, config & 1, config & 2, config & 4, 8);
	if (s.rxq == NULL)
		FAIL("no queue");
	s.vq = &s.rxq->vq;
	s.vq->notify = &doorbell;
	if (restart(&s) < 0)
		FAIL("cannot fill the ring from a full pool");
	virtqueue_notify(s.vq);

	while (in.left > 0) {
		uint8_t op = (uint8_t)take(&in, 1);

		switch (op % 8) {
		case 0: {
			uint16_t len = (uint16_t)take(&in, 2);

			dev_take_avail(&s, len, (uint16_t)take(&in, 2));
			break;
		}
		case 1: {
			uint32_t id = take(&in, 4), len = take(&in, 4);

			dev_set_num_buffers(&s, id, (uint16_t)take(&in, 2));
			dev_used(&s, id, len);
			break;
		}
		case 2:
			s.vq->used->idx = s.used_idx;
			break;
		case 3:
			s.vq->used->idx = (uint16_t)(s.used_idx + (int8_t)take(&in, 1));
			break;
		case 4:
			burst(&s, (uint16_t)(1 + take(&in, 1) % MAX_BURST));
			break;
		case 5:
			s.vq->used->flags = (uint16_t)(take(&in, 1) & VRING_USED_F_NO_NOTIFY);
			*s.vq->avail_event = (uint16_t)take(&in, 2);
			break;
		case 6:
			if (restart(&s) < 0)
				FAIL("cannot refill the ring after a drain: mbufs lost");
			break;
		default:
			burst(&s, 32);
			break;
		}
		check_pool(&s, total);
	}
	virtio_rx_queue_destroy(s.rxq);
	if (sl_mempool_avail_count(mp) != total)
		FAIL("%u mbufs missing from the pool after the queue is gone",
		     total - sl_mempool_avail_count(mp));
	return 0;
}
