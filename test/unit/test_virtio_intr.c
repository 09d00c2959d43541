/* SPDX-License-Identifier: BSD-3-Clause
 * virtio-net RX interrupts against the simulated device of virtio_test_dev.h:
 * a polled RX ring never asks for one (flag, or EVENT_IDX's used_event
 * kept out of the device's reach over 3 x 65536 completions), enable asks
 * for one at the next entry and wakes the queue's eventfd itself when an
 * entry is already there, the INTx demux wakes armed queues only, and too
 * few MSI-X vectors are refused in one line naming QEMU's vectors=. Needs
 * sl_eal_init --no-huge for the mbuf pools: skipped (77) when that cannot
 * work here. */
#include <check.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "sl_eal.h"
#include "virtio_ethdev.h"
#include "sl_test_simdev.h"
#include "virtio_test_dev.h"
#include "virtio_test_queues.h"

/* The device's used buffer notification decision after each publish
 * (2.7.7 without EVENT_IDX: the flag; 2.7.10 with it: whether the entry
 * at used_event was among those written since the last decision), as QEMU
 * makes it (leaving out its first notification after a reset). */
struct intr_dev {
	struct dev d;
	uint16_t signalled;	/* used idx at the last decision */
	unsigned interrupts;
};

static void intr_dev_publish(struct intr_dev *id)
{
	struct virtqueue *vq = id->d.vq;
	int fire;

	dev_publish(&id->d);
	if (vq->event_idx)
		fire = vring_need_event(*vq->used_event, id->d.used_idx, id->signalled);
	else
		fire = !(vq->avail->flags & VRING_AVAIL_F_NO_INTERRUPT);
	id->signalled = id->d.used_idx;
	id->interrupts += (unsigned)fire;
}

/* n 60-byte frames, published at once. */
static void intr_dev_rx(struct intr_dev *id, struct virtio_rx_queue *rxq, unsigned n)
{
	uint8_t frame[60];

	sl_test_fill_pattern(frame, sizeof(frame), 0);
	for (unsigned i = 0; i < n; i++)
		ck_assert_int_eq(dev_rx(&id->d, rxq, frame, sizeof(frame)), 1);
	intr_dev_publish(id);
}

static void rx_take(struct virtio_rx_queue *rxq, unsigned n)
{
	struct sl_mbuf *pkts[64];

	ck_assert_uint_eq(drain_rx(rxq, pkts, 64), n);
	sl_pktmbuf_free_bulk(pkts, n);
}

/* A port made by hand around RX queues, for the interrupt ops: an eventfd
 * per queue, as ethdev gives them at start. */
struct intr_port {
	struct sl_eth_dev dev;
	struct sl_eth_dev_data data;
	void *rxqs[2];
	struct sl_eth_rx_intr intr[2];
};

static int link_updates;

static int count_link_update(struct sl_eth_dev *dev, int wait)
{
	(void)dev;
	(void)wait;
	link_updates++;
	return 0;
}

static const struct sl_eth_dev_ops intr_test_ops = { .link_update = count_link_update };

static void intr_port_init(struct intr_port *p, struct virtio_rx_queue *q0,
			   struct virtio_rx_queue *q1)
{
	memset(p, 0, sizeof(*p));
	p->dev.data = &p->data;
	p->dev.dev_ops = &intr_test_ops;
	p->data.nb_rx_queues = q1 != NULL ? 2 : 1;
	p->data.rx_queues = p->rxqs;
	p->data.rx_intr = p->intr;
	p->data.dev_conf.intr_conf.rxq = 1;
	p->rxqs[0] = q0;
	p->rxqs[1] = q1;
	for (unsigned i = 0; i < 2; i++) {
		p->intr[i].fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
		ck_assert_int_ge(p->intr[i].fd, 0);
	}
}

static void intr_port_close(struct intr_port *p)
{
	close(p->intr[0].fd);
	close(p->intr[1].fd);
}

/* What the fd was signalled since the last look (0: not at all). */
static uint64_t fd_taken(int fd)
{
	uint64_t v;

	return read(fd, &v, sizeof(v)) == sizeof(v) ? v : 0;
}

/* 2.7.7: without EVENT_IDX the flag says it, enable clears it, disable
 * sets it again; the device interrupts exactly while it is clear. */
START_TEST(rx_intr_flag_on_off)
{
	struct intr_dev id = { 0 };
	struct virtio_rx_queue *rxq = rxq_new(pool, 64, 1, 0, 0, &id.d);
	struct intr_port p;

	intr_port_init(&p, rxq, NULL);
	ck_assert_uint_eq(rxq->vq.avail->flags, VRING_AVAIL_F_NO_INTERRUPT);
	intr_dev_rx(&id, rxq, 5);
	rx_take(rxq, 5);
	ck_assert_uint_eq(id.interrupts, 0);

	ck_assert_int_eq(virtio_rx_queue_intr_enable(&p.dev, 0), 0);
	ck_assert_uint_eq(rxq->vq.avail->flags, 0);
	ck_assert_uint_eq(rxq->intr_armed, 1);
	ck_assert_uint_eq(fd_taken(p.intr[0].fd), 0);
	intr_dev_rx(&id, rxq, 1);
	ck_assert_uint_eq(id.interrupts, 1);

	ck_assert_int_eq(virtio_rx_queue_intr_disable(&p.dev, 0), 0);
	ck_assert_uint_eq(rxq->vq.avail->flags, VRING_AVAIL_F_NO_INTERRUPT);
	ck_assert_uint_eq(rxq->intr_armed, 0);
	rx_take(rxq, 1);
	intr_dev_rx(&id, rxq, 30);
	rx_take(rxq, 30);
	ck_assert_uint_eq(id.interrupts, 1);
	intr_port_close(&p);
	virtio_rx_queue_destroy(rxq);
}
END_TEST

/* 2.7.10: with EVENT_IDX flags stay 0 and used_event does it. A polled
 * queue never interrupts, also past 16-bit wraps of the indexes (a
 * used_event left where it was would be reached once per 65536); enable
 * asks for the next entry only, disable puts it out of reach again. */
START_TEST(rx_intr_event_idx_never_while_polling)
{
	struct intr_dev id = { 0 };
	struct virtio_rx_queue *rxq = rxq_new(pool, 64, 1, 0, 1, &id.d);
	struct intr_port p;
	unsigned total = 0;

	intr_port_init(&p, rxq, NULL);
	while (total < 3 * 65536 + 100) {
		unsigned n = 1 + (unsigned)rand() % 40;

		intr_dev_rx(&id, rxq, n);
		rx_take(rxq, n);
		total += n;
	}
	ck_assert_uint_eq(id.interrupts, 0);
	ck_assert_uint_eq(rxq->vq.avail->flags, 0);

	ck_assert_int_eq(virtio_rx_queue_intr_enable(&p.dev, 0), 0);
	ck_assert_uint_eq(*rxq->vq.used_event, rxq->vq.used_idx);
	ck_assert_uint_eq(rxq->vq.avail->flags, 0);
	ck_assert_uint_eq(fd_taken(p.intr[0].fd), 0);
	intr_dev_rx(&id, rxq, 3);
	ck_assert_uint_eq(id.interrupts, 1);
	/* more entries before the driver looked: no second interrupt */
	intr_dev_rx(&id, rxq, 2);
	ck_assert_uint_eq(id.interrupts, 1);

	ck_assert_int_eq(virtio_rx_queue_intr_disable(&p.dev, 0), 0);
	ck_assert_uint_eq(*rxq->vq.used_event, (uint16_t)(rxq->vq.used_idx - 1));
	rx_take(rxq, 5);
	for (unsigned i = 0; i < 100; i++) {
		intr_dev_rx(&id, rxq, 40);
		rx_take(rxq, 40);
	}
	ck_assert_uint_eq(id.interrupts, 1);
	intr_port_close(&p);
	virtio_rx_queue_destroy(rxq);
}
END_TEST

/* The lost wake-up: a frame that landed while the queue was polled raised
 * nothing, so enable must find it and signal the queue's fd itself; with
 * nothing there it must not. A stopped queue never wakes its lcore. */
START_TEST(rx_intr_enable_rechecks_the_ring)
{
	for (int event_idx = 0; event_idx < 2; event_idx++) {
		struct intr_dev id = { 0 };
		struct virtio_rx_queue *rxq = rxq_new(pool, 64, 1, 0, event_idx, &id.d);
		struct intr_port p;

		intr_port_init(&p, rxq, NULL);
		intr_dev_rx(&id, rxq, 1);
		ck_assert_uint_eq(id.interrupts, 0);
		ck_assert_int_eq(virtio_rx_queue_intr_enable(&p.dev, 0), 0);
		ck_assert_uint_eq(fd_taken(p.intr[0].fd), 1);
		ck_assert_int_eq(virtio_rx_queue_intr_disable(&p.dev, 0), 0);
		rx_take(rxq, 1);

		ck_assert_int_eq(virtio_rx_queue_intr_enable(&p.dev, 0), 0);
		ck_assert_uint_eq(fd_taken(p.intr[0].fd), 0);
		ck_assert_int_eq(virtio_rx_queue_intr_disable(&p.dev, 0), 0);

		intr_dev_rx(&id, rxq, 1);
		rxq->vq.broken = 1;
		ck_assert_int_eq(virtio_rx_queue_intr_enable(&p.dev, 0), 0);
		ck_assert_uint_eq(fd_taken(p.intr[0].fd), 0);
		rxq->vq.broken = 0;
		ck_assert_int_eq(virtio_rx_queue_intr_disable(&p.dev, 0), 0);
		rx_take(rxq, 1);
		intr_port_close(&p);
		virtio_rx_queue_destroy(rxq);
	}
}
END_TEST

/* INTx: the ISR status says a queue or the configuration; a queue cause
 * wakes the armed queues and no other, a configuration change refreshes
 * the link only when the port asked for link events. */
START_TEST(intx_isr_causes)
{
	struct dev d0, d1;
	struct virtio_rx_queue *q0 = rxq_new(pool, 16, 1, 0, 1, &d0);
	struct virtio_rx_queue *q1 = rxq_new(pool, 16, 1, 0, 1, &d1);
	struct intr_port p;

	intr_port_init(&p, q0, q1);
	ck_assert_int_eq(virtio_rx_queue_intr_enable(&p.dev, 1), 0);
	ck_assert_uint_eq(fd_taken(p.intr[1].fd), 0);
	virtio_intr_causes(&p.dev, 0);
	ck_assert_uint_eq(fd_taken(p.intr[0].fd) + fd_taken(p.intr[1].fd), 0);
	virtio_intr_causes(&p.dev, VIRTIO_PCI_ISR_QUEUE);
	ck_assert_uint_eq(fd_taken(p.intr[0].fd), 0);
	ck_assert_uint_eq(fd_taken(p.intr[1].fd), 1);

	link_updates = 0;
	virtio_intr_causes(&p.dev, VIRTIO_PCI_ISR_CONFIG);
	ck_assert_int_eq(link_updates, 0);
	p.data.dev_conf.intr_conf.lsc = 1;
	virtio_intr_causes(&p.dev, VIRTIO_PCI_ISR_CONFIG);
	ck_assert_int_eq(link_updates, 1);
	ck_assert_uint_eq(fd_taken(p.intr[0].fd) + fd_taken(p.intr[1].fd), 0);

	ck_assert_int_eq(virtio_rx_queue_intr_disable(&p.dev, 1), 0);
	virtio_intr_causes(&p.dev, VIRTIO_PCI_ISR_QUEUE | VIRTIO_PCI_ISR_CONFIG);
	ck_assert_uint_eq(fd_taken(p.intr[0].fd) + fd_taken(p.intr[1].fd), 0);
	ck_assert_int_eq(link_updates, 2);
	intr_port_close(&p);
	virtio_rx_queue_destroy(q0);
	virtio_rx_queue_destroy(q1);
}
END_TEST

/* MSI-X: vector 0 for the link, one per RX queue; fewer is refused in one
 * line that says how many are needed and how QEMU gives them. */
START_TEST(msix_too_few_vectors_refused)
{
	const char *log;

	sl_test_capture_begin(false);
	ck_assert_int_eq(virtio_intr_vectors_check(0, "0000:00:04.0", 2, 2), -ENOTSUP);
	log = sl_test_capture_end();
	ck_assert_logged(log, "port 0 (0000:00:04.0) has 2 MSI-X vectors; 2 RX queues with "
			      "interrupts and the link need 3: give QEMU -device "
			      "virtio-net-pci,...,vectors=3");
	ck_assert_uint_eq(sl_test_count_lines(log), 1);

	sl_test_capture_begin(false);
	ck_assert_int_eq(virtio_intr_vectors_check(1, "0000:00:05.0", 3, 2), 0);
	ck_assert_int_eq(virtio_intr_vectors_check(1, "0000:00:05.0", 4, 1), 0);
	log = sl_test_capture_end();
	ck_assert_str_eq(log, "");

	sl_test_capture_begin(false);
	ck_assert_int_eq(virtio_intr_vectors_check(1, "0000:00:05.0", 64, 40), -ENOTSUP);
	log = sl_test_capture_end();
	ck_assert_logged(log, "40 RX queues with interrupts need 41 MSI-X vectors");
	ck_assert_logged(log, "configure at most 32 queues");
	ck_assert_uint_eq(sl_test_count_lines(log), 1);
}
END_TEST

static Suite *virtio_intr_suite(void)
{
	Suite *s = suite_create("virtio_intr");
	TCase *intr = tcase_create("intr");

	tcase_add_test(intr, rx_intr_flag_on_off);
	tcase_add_test(intr, rx_intr_event_idx_never_while_polling);
	tcase_add_test(intr, rx_intr_enable_rechecks_the_ring);
	tcase_add_test(intr, intx_isr_causes);
	tcase_add_test(intr, msix_too_few_vectors_refused);
	suite_add_tcase(s, intr);
	return s;
}

int main(void)
{
	return virtio_test_main(virtio_intr_suite);
}
