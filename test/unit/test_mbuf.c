/* SPDX-License-Identifier: BSD-3-Clause
 * Unit tests for lib/mbuf: layout, pool creation, every data helper at its
 * bounds, refcounts, chains, bulk alloc/free, clones. EAL with --no-huge,
 * then again on hugepages when free ones exist. Check runs without fork
 * (the EAL's lcore threads do not survive fork). */
#include <check.h>
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sl_eal.h"
#include "sl_mbuf.h"
#include "sl_test.h"

static struct sl_mempool *pool;		/* 1023 default mbufs, priv 16, cache 32 */
#define POOL_N 1023
#define POOL_PRIV 16

static void pool_setup(void)
{
	pool = sl_pktmbuf_pool_create("mbuf_test", POOL_N, 32, POOL_PRIV,
				      SL_MBUF_DEFAULT_BUF_SIZE, SL_SOCKET_ID_ANY);
	ck_assert_ptr_nonnull(pool);
}

static void pool_teardown(void)
{
	/* every test gives back what it took */
	ck_assert_uint_eq(sl_mempool_in_use_count(pool), 0);
	sl_mempool_free(pool);
	pool = NULL;
}

static struct sl_mbuf *alloc_ok(void)
{
	struct sl_mbuf *m = sl_pktmbuf_alloc(pool);

	ck_assert_ptr_nonnull(m);
	return m;
}

/* ---- layout ---------------------------------------------------------- */

START_TEST(layout)
{
	ck_assert_uint_eq(offsetof(struct sl_mbuf, buf_addr), 0);
	ck_assert_uint_eq(offsetof(struct sl_mbuf, buf_iova), 8);
	ck_assert_uint_eq(offsetof(struct sl_mbuf, data_off), 16);
	ck_assert_uint_eq(offsetof(struct sl_mbuf, refcnt), 18);
	ck_assert_uint_eq(offsetof(struct sl_mbuf, nb_segs), 20);
	ck_assert_uint_eq(offsetof(struct sl_mbuf, port), 22);
	ck_assert_uint_eq(offsetof(struct sl_mbuf, ol_flags), 24);
	ck_assert_uint_eq(offsetof(struct sl_mbuf, pkt_len), 32);
	ck_assert_uint_eq(offsetof(struct sl_mbuf, data_len), 36);
	ck_assert_uint_eq(offsetof(struct sl_mbuf, vlan_tci), 38);
	ck_assert_uint_eq(offsetof(struct sl_mbuf, packet_type), 40);
	ck_assert_uint_eq(offsetof(struct sl_mbuf, hash), 44);
	ck_assert_uint_eq(offsetof(struct sl_mbuf, pool), 48);
	ck_assert_uint_eq(offsetof(struct sl_mbuf, next), 56);
	ck_assert_uint_eq(offsetof(struct sl_mbuf, buf_len), 64);
	ck_assert_uint_eq(offsetof(struct sl_mbuf, priv_size), 66);
	ck_assert_uint_eq(sizeof(struct sl_mbuf), 128);
	ck_assert_uint_eq(SL_MBUF_DEFAULT_BUF_SIZE, 2048 + 128);
	ck_assert_uint_eq(SL_PKTMBUF_HEADROOM, 128);
}
END_TEST

/* ---- pool ------------------------------------------------------------ */

struct init_check {
	unsigned count, bad;
};

static void check_fresh(struct sl_mempool *mp, void *arg, void *obj, unsigned idx)
{
	struct init_check *ic = arg;
	struct sl_mbuf *m = obj;
	char *expect_buf = (char *)m + sizeof(*m) + POOL_PRIV;

	(void)idx;
	ic->count++;
	if (m->buf_addr != expect_buf || m->buf_iova != sl_mem_virt2iova(expect_buf) ||
	    m->buf_len != SL_MBUF_DEFAULT_BUF_SIZE || m->priv_size != POOL_PRIV ||
	    m->pool != mp || m->refcnt != 1 || m->nb_segs != 1 || m->next != NULL ||
	    m->data_off != SL_PKTMBUF_HEADROOM ||
	    sl_mbuf_to_priv(m) != (void *)((char *)m + sizeof(*m)) ||
	    (uintptr_t)m % SL_CACHE_LINE_SIZE != 0 ||
	    /* the whole buffer is IOVA-contiguous */
	    sl_mem_virt2iova(expect_buf + m->buf_len - 1) != m->buf_iova + m->buf_len - 1)
		ic->bad++;
}

START_TEST(pool_create)
{
	struct init_check ic = { 0 };

	ck_assert_uint_eq(sl_mempool_obj_iter(pool, check_fresh, &ic), POOL_N);
	ck_assert_uint_eq(ic.count, POOL_N);
	ck_assert_uint_eq(ic.bad, 0);
	ck_assert_uint_eq(sl_pktmbuf_data_room_size(pool), SL_MBUF_DEFAULT_BUF_SIZE);
	ck_assert_uint_eq(sl_pktmbuf_priv_size(pool), POOL_PRIV);
	ck_assert_uint_eq(sl_mempool_avail_count(pool), POOL_N);
	ck_assert_ptr_eq(sl_mempool_lookup("mbuf_test"), pool);
}
END_TEST

START_TEST(pool_create_errors)
{
	errno = 0;
	ck_assert_ptr_null(sl_pktmbuf_pool_create("bad_priv", 64, 0, 13,
						  SL_MBUF_DEFAULT_BUF_SIZE, SL_SOCKET_ID_ANY));
	ck_assert_int_eq(errno, EINVAL);
	errno = 0;
	ck_assert_ptr_null(sl_pktmbuf_pool_create("bad_n", 0, 0, 0,
						  SL_MBUF_DEFAULT_BUF_SIZE, SL_SOCKET_ID_ANY));
	ck_assert_int_eq(errno, EINVAL);
	errno = 0;
	ck_assert_ptr_null(sl_pktmbuf_pool_create("bad_cache", 64, 100, 0,
						  SL_MBUF_DEFAULT_BUF_SIZE, SL_SOCKET_ID_ANY));
	ck_assert_int_eq(errno, EINVAL);
	errno = 0;
	ck_assert_ptr_null(sl_pktmbuf_pool_create("mbuf_test", 64, 0, 0,
						  SL_MBUF_DEFAULT_BUF_SIZE, SL_SOCKET_ID_ANY));
	ck_assert_int_eq(errno, EEXIST);
}
END_TEST

/* 65536 default mbufs: ~150 MiB over many DMA chunks. */
START_TEST(pool_large)
{
	struct sl_mempool *big = sl_pktmbuf_pool_create("mbuf_big", 65536, 256, 0,
							SL_MBUF_DEFAULT_BUF_SIZE,
							SL_SOCKET_ID_ANY);
	struct sl_mbuf *m[64];
	unsigned rounds = 0;

	ck_assert_ptr_nonnull(big);
	ck_assert_uint_eq(sl_mempool_avail_count(big), 65536);
	/* take everything in bursts, checking each mbuf */
	{
		struct sl_mbuf **all = calloc(65536, sizeof(*all));

		ck_assert_ptr_nonnull(all);
		for (unsigned i = 0; i < 65536; i += 64, rounds++) {
			ck_assert_int_eq(sl_pktmbuf_alloc_bulk(big, &all[i], 64), 0);
			for (unsigned j = i; j < i + 64; j++) {
				ck_assert_uint_eq(sl_pktmbuf_iova(all[j]),
						  sl_mem_virt2iova(sl_pktmbuf_mtod(all[j], void *)));
				ck_assert_uint_eq(sl_pktmbuf_tailroom(all[j]), SL_MBUF_DEFAULT_DATAROOM);
			}
		}
		ck_assert_int_eq(sl_pktmbuf_alloc_bulk(big, m, 1), -ENOENT);
		sl_pktmbuf_free_bulk(all, 65536);
		free(all);
	}
	ck_assert_uint_eq(rounds, 1024);
	ck_assert_uint_eq(sl_mempool_in_use_count(big), 0);
	sl_mempool_free(big);
}
END_TEST

/* ---- alloc ----------------------------------------------------------- */

static void dirty(struct sl_mbuf *m)
{
	m->data_off = 7;
	m->data_len = 99;
	m->pkt_len = 1234;
	m->port = 3;
	m->ol_flags = SL_MBUF_F_RX_VLAN | SL_MBUF_F_TX_IP_CKSUM;
	m->vlan_tci = 42;
	m->packet_type = SL_PTYPE_L3_IPV4;
	m->hash = 0xdeadbeef;
}

static void assert_fresh(const struct sl_mbuf *m)
{
	ck_assert_uint_eq(m->data_off, SL_PKTMBUF_HEADROOM);
	ck_assert_uint_eq(m->refcnt, 1);
	ck_assert_uint_eq(m->nb_segs, 1);
	ck_assert_uint_eq(m->port, SL_MBUF_PORT_INVALID);
	ck_assert_uint_eq(m->ol_flags, 0);
	ck_assert_uint_eq(m->pkt_len, 0);
	ck_assert_uint_eq(m->data_len, 0);
	ck_assert_uint_eq(m->vlan_tci, 0);
	ck_assert_uint_eq(m->packet_type, 0);
	ck_assert_uint_eq(m->hash, 0);
	ck_assert_ptr_null(m->next);
	ck_assert_ptr_eq(m->pool, pool);
	ck_assert_uint_eq(m->buf_len, SL_MBUF_DEFAULT_BUF_SIZE);
}

START_TEST(alloc_resets)
{
	struct sl_mbuf *m = alloc_ok(), *again;

	assert_fresh(m);
	dirty(m);
	sl_pktmbuf_free(m);
	/* LIFO cache: the same mbuf comes back, fully reset */
	again = alloc_ok();
	ck_assert_ptr_eq(again, m);
	assert_fresh(again);
	ck_assert_uint_eq(sl_mempool_in_use_count(pool), 1);
	sl_pktmbuf_free(again);

	/* reset restores the same state by hand */
	m = alloc_ok();
	dirty(m);
	m->tx_offload = 77;
	sl_pktmbuf_reset(m);
	assert_fresh(m);
	ck_assert_uint_eq(m->tx_offload, 0);
	sl_pktmbuf_free(m);
}
END_TEST

START_TEST(alloc_bulk_all_or_nothing)
{
	struct sl_mbuf *m[POOL_N + 1];

	/* every remainder of the 4-way unrolled loop, from dirty mbufs */
	for (unsigned n = 1; n <= 9; n++) {
		ck_assert_int_eq(sl_pktmbuf_alloc_bulk(pool, m, n), 0);
		for (unsigned i = 0; i < n; i++)
			dirty(m[i]);
		sl_pktmbuf_free_bulk(m, n);
		ck_assert_int_eq(sl_pktmbuf_alloc_bulk(pool, m, n), 0);
		for (unsigned i = 0; i < n; i++)
			assert_fresh(m[i]);
		sl_pktmbuf_free_bulk(m, n);
	}
	ck_assert_int_eq(sl_pktmbuf_alloc_bulk(pool, m, POOL_N + 1), -ENOENT);
	ck_assert_uint_eq(sl_mempool_in_use_count(pool), 0);
	ck_assert_int_eq(sl_pktmbuf_alloc_bulk(pool, m, POOL_N - 10), 0);
	ck_assert_int_eq(sl_pktmbuf_alloc_bulk(pool, &m[POOL_N - 10], 11), -ENOENT);
	ck_assert_uint_eq(sl_mempool_in_use_count(pool), POOL_N - 10);
	ck_assert_int_eq(sl_pktmbuf_alloc_bulk(pool, &m[POOL_N - 10], 10), 0);
	ck_assert_ptr_null(sl_pktmbuf_alloc(pool));
	ck_assert_uint_eq(sl_mempool_in_use_count(pool), POOL_N);
	sl_pktmbuf_free_bulk(m, POOL_N);
}
END_TEST

/* ---- data helpers at their bounds ------------------------------------- */

START_TEST(iova_and_mtod)
{
	struct sl_mbuf *m = alloc_ok();

	ck_assert_ptr_eq(sl_pktmbuf_mtod(m, char *), (char *)m->buf_addr + SL_PKTMBUF_HEADROOM);
	ck_assert_uint_eq(sl_pktmbuf_iova(m), m->buf_iova + m->data_off);
	ck_assert_uint_eq(sl_pktmbuf_iova(m), sl_mem_virt2iova(sl_pktmbuf_mtod(m, void *)));
	ck_assert_uint_eq(sl_pktmbuf_iova_offset(m, 100), m->buf_iova + m->data_off + 100);
	ck_assert_ptr_eq(sl_pktmbuf_mtod_offset(m, char *, 100),
			 sl_pktmbuf_mtod(m, char *) + 100);
	ck_assert_ptr_nonnull(sl_pktmbuf_prepend(m, 14));
	ck_assert_uint_eq(sl_pktmbuf_iova(m), m->buf_iova + SL_PKTMBUF_HEADROOM - 14);
	ck_assert_uint_eq(sl_pktmbuf_iova(m), sl_mem_virt2iova(sl_pktmbuf_mtod(m, void *)));
	sl_pktmbuf_free(m);
}
END_TEST

START_TEST(append_bounds)
{
	struct sl_mbuf *m = alloc_ok();
	uint16_t room = sl_pktmbuf_tailroom(m);
	char *p;

	ck_assert_uint_eq(room, SL_MBUF_DEFAULT_DATAROOM);
	ck_assert_uint_eq(sl_pktmbuf_headroom(m), SL_PKTMBUF_HEADROOM);
	/* one byte too many: refused, nothing changes */
	ck_assert_ptr_null(sl_pktmbuf_append(m, room + 1u));
	ck_assert_ptr_null(sl_pktmbuf_append(m, 70000));
	ck_assert_uint_eq(m->data_len, 0);
	ck_assert_uint_eq(m->pkt_len, 0);
	p = sl_pktmbuf_append(m, 0);
	ck_assert_ptr_eq(p, sl_pktmbuf_mtod(m, char *));
	p = sl_pktmbuf_append(m, 100);
	ck_assert_ptr_eq(p, sl_pktmbuf_mtod(m, char *));
	memset(p, 1, 100);
	p = sl_pktmbuf_append(m, room - 100u);	/* exactly the rest */
	ck_assert_ptr_eq(p, sl_pktmbuf_mtod(m, char *) + 100);
	memset(p, 2, room - 100u);	/* ASan: the buffer really is that long */
	ck_assert_uint_eq(sl_pktmbuf_tailroom(m), 0);
	ck_assert_uint_eq(m->data_len, room);
	ck_assert_uint_eq(m->pkt_len, room);
	ck_assert_ptr_null(sl_pktmbuf_append(m, 1));
	ck_assert_uint_eq(m->data_len, room);
	ck_assert_uint_eq(m->pkt_len, room);
	sl_pktmbuf_free(m);
}
END_TEST

START_TEST(prepend_bounds)
{
	struct sl_mbuf *m = alloc_ok();
	char *p;

	ck_assert_ptr_nonnull(sl_pktmbuf_append(m, 10));
	ck_assert_ptr_null(sl_pktmbuf_prepend(m, SL_PKTMBUF_HEADROOM + 1));
	ck_assert_uint_eq(m->data_off, SL_PKTMBUF_HEADROOM);
	ck_assert_uint_eq(m->data_len, 10);
	p = sl_pktmbuf_prepend(m, SL_PKTMBUF_HEADROOM);
	ck_assert_ptr_eq(p, (char *)m->buf_addr);
	memset(p, 3, SL_PKTMBUF_HEADROOM);
	ck_assert_uint_eq(sl_pktmbuf_headroom(m), 0);
	ck_assert_uint_eq(m->data_len, 10 + SL_PKTMBUF_HEADROOM);
	ck_assert_uint_eq(m->pkt_len, 10 + SL_PKTMBUF_HEADROOM);
	ck_assert_ptr_null(sl_pktmbuf_prepend(m, 1));
	ck_assert_uint_eq(m->data_len, 10 + SL_PKTMBUF_HEADROOM);
	sl_pktmbuf_free(m);
}
END_TEST

START_TEST(adj_trim_bounds)
{
	struct sl_mbuf *m = alloc_ok();
	char *p = sl_pktmbuf_append(m, 100);

	ck_assert_ptr_nonnull(p);
	for (int i = 0; i < 100; i++)
		p[i] = (char)i;
	ck_assert_ptr_null(sl_pktmbuf_adj(m, 101));
	ck_assert_uint_eq(m->data_len, 100);
	ck_assert_int_eq(sl_pktmbuf_trim(m, 101), -1);
	ck_assert_uint_eq(m->data_len, 100);
	ck_assert_uint_eq(m->pkt_len, 100);

	p = sl_pktmbuf_adj(m, 10);
	ck_assert_ptr_nonnull(p);
	ck_assert_int_eq(p[0], 10);
	ck_assert_uint_eq(m->data_len, 90);
	ck_assert_uint_eq(m->pkt_len, 90);
	ck_assert_uint_eq(sl_pktmbuf_headroom(m), SL_PKTMBUF_HEADROOM + 10);
	ck_assert_int_eq(sl_pktmbuf_trim(m, 20), 0);
	ck_assert_uint_eq(m->data_len, 70);
	ck_assert_int_eq(sl_pktmbuf_mtod(m, char *)[69], 79);
	/* exactly everything */
	ck_assert_ptr_nonnull(sl_pktmbuf_adj(m, 30));
	ck_assert_int_eq(sl_pktmbuf_trim(m, 40), 0);
	ck_assert_uint_eq(m->data_len, 0);
	ck_assert_uint_eq(m->pkt_len, 0);
	ck_assert_ptr_null(sl_pktmbuf_adj(m, 1));
	ck_assert_int_eq(sl_pktmbuf_trim(m, 1), -1);
	sl_pktmbuf_free(m);
}
END_TEST

/* ---- refcnt ---------------------------------------------------------- */

START_TEST(refcnt)
{
	struct sl_mbuf *m = alloc_ok();

	ck_assert_uint_eq(sl_pktmbuf_refcnt_read(m), 1);
	ck_assert_uint_eq(sl_pktmbuf_refcnt_update(m, 1), 2);
	ck_assert_uint_eq(sl_pktmbuf_refcnt_update(m, 1), 3);
	ck_assert_uint_eq(sl_pktmbuf_refcnt_update(m, -1), 2);
	sl_pktmbuf_free(m);	/* refcnt 2: only a decrement */
	ck_assert_uint_eq(sl_mempool_in_use_count(pool), 1);
	ck_assert_uint_eq(sl_pktmbuf_refcnt_read(m), 1);
	sl_pktmbuf_free(m);
	ck_assert_uint_eq(sl_mempool_in_use_count(pool), 0);

	m = alloc_ok();
	sl_pktmbuf_refcnt_set(m, 4);
	for (int i = 0; i < 3; i++) {
		struct sl_mbuf *one[1] = { m };

		sl_pktmbuf_free_bulk(one, 1);
		ck_assert_uint_eq(sl_mempool_in_use_count(pool), 1);
	}
	ck_assert_uint_eq(sl_pktmbuf_refcnt_read(m), 1);
	sl_pktmbuf_free(m);
	/* back in the pool with refcnt 1 */
	m = alloc_ok();
	ck_assert_uint_eq(sl_pktmbuf_refcnt_read(m), 1);
	sl_pktmbuf_free(m);
}
END_TEST

/* ---- chains ---------------------------------------------------------- */

static struct sl_mbuf *make_chain(unsigned segs, uint16_t seg_len, unsigned char first)
{
	struct sl_mbuf *head = NULL;

	for (unsigned s = 0; s < segs; s++) {
		struct sl_mbuf *m = alloc_ok();
		char *p = sl_pktmbuf_append(m, seg_len);

		ck_assert_ptr_nonnull(p);
		for (unsigned i = 0; i < seg_len; i++)
			p[i] = (char)(first + s * seg_len + i);
		if (head == NULL)
			head = m;
		else
			ck_assert_int_eq(sl_pktmbuf_chain(head, m), 0);
	}
	return head;
}

START_TEST(chain_ops)
{
	struct sl_mbuf *m = make_chain(3, 100, 0), *tail;
	unsigned char buf[300];
	const unsigned char *p;
	const char *why = NULL;

	ck_assert_uint_eq(m->nb_segs, 3);
	ck_assert_uint_eq(m->pkt_len, 300);
	ck_assert(!sl_pktmbuf_is_contiguous(m));
	ck_assert_int_eq(sl_pktmbuf_check(m, &why), 0);
	tail = sl_pktmbuf_lastseg(m);
	ck_assert_ptr_eq(tail, m->next->next);

	/* reads: inside the first segment, a pointer into it; across
	 * segments, a copy; past the end, NULL */
	p = sl_pktmbuf_read(m, 10, 20, buf);
	ck_assert_ptr_eq(p, sl_pktmbuf_mtod_offset(m, unsigned char *, 10));
	p = sl_pktmbuf_read(m, 90, 150, buf);
	ck_assert_ptr_eq(p, buf);
	for (unsigned i = 0; i < 150; i++)
		ck_assert_uint_eq(p[i], (unsigned char)(90 + i));
	p = sl_pktmbuf_read(m, 0, 300, buf);
	ck_assert_ptr_eq(p, buf);
	ck_assert_uint_eq(p[299], (unsigned char)299);
	ck_assert_ptr_null(sl_pktmbuf_read(m, 250, 51, buf));
	ck_assert_ptr_null(sl_pktmbuf_read(m, 301, 0, buf));

	/* append and trim work on the last segment */
	ck_assert_ptr_eq(sl_pktmbuf_append(m, 5), sl_pktmbuf_mtod_offset(tail, char *, 100));
	ck_assert_uint_eq(tail->data_len, 105);
	ck_assert_uint_eq(m->pkt_len, 305);
	ck_assert_int_eq(sl_pktmbuf_trim(m, 106), -1);
	ck_assert_int_eq(sl_pktmbuf_trim(m, 105), 0);
	ck_assert_uint_eq(tail->data_len, 0);
	ck_assert_uint_eq(m->pkt_len, 200);
	ck_assert_int_eq(sl_pktmbuf_check(m, &why), 0);

	/* a corrupted chain is reported */
	m->pkt_len++;
	ck_assert_int_eq(sl_pktmbuf_check(m, &why), -EINVAL);
	ck_assert_ptr_nonnull(why);
	m->pkt_len--;

	ck_assert_uint_eq(sl_mempool_in_use_count(pool), 3);
	sl_pktmbuf_free(m);
	ck_assert_uint_eq(sl_mempool_in_use_count(pool), 0);
	/* segments come back unchained */
	for (int i = 0; i < 3; i++) {
		struct sl_mbuf *f = alloc_ok();

		ck_assert_ptr_null(f->next);
		ck_assert_uint_eq(f->nb_segs, 1);
		sl_pktmbuf_free(f);
	}
}
END_TEST

START_TEST(chain_overflow)
{
	struct sl_mbuf *a = alloc_ok(), *b = alloc_ok();

	a->nb_segs = SL_MBUF_MAX_NB_SEGS;	/* pretend */
	ck_assert_int_eq(sl_pktmbuf_chain(a, b), -EOVERFLOW);
	ck_assert_ptr_null(a->next);
	a->nb_segs = SL_MBUF_MAX_NB_SEGS - 1;
	ck_assert_int_eq(sl_pktmbuf_chain(a, b), 0);
	ck_assert_ptr_eq(a->next, b);
	a->nb_segs = 2;
	sl_pktmbuf_free(a);
}
END_TEST

START_TEST(free_bulk_mixed)
{
	struct sl_mempool *other = sl_pktmbuf_pool_create("mbuf_other", 256, 0, 0, 512,
							  SL_SOCKET_ID_ANY);
	struct sl_mbuf *pkts[40];

	ck_assert_ptr_nonnull(other);
	for (unsigned i = 0; i < 40; i++) {
		switch (i % 4) {
		case 0:
			pkts[i] = make_chain(1 + i % 5, 10, 0);
			break;
		case 1:
			pkts[i] = sl_pktmbuf_alloc(other);
			ck_assert_ptr_nonnull(pkts[i]);
			break;
		case 2:
			pkts[i] = NULL;
			break;
		default:
			/* a chain mixing both pools */
			pkts[i] = sl_pktmbuf_alloc(other);
			ck_assert_ptr_nonnull(pkts[i]);
			ck_assert_int_eq(sl_pktmbuf_chain(pkts[i], make_chain(2, 10, 0)), 0);
			break;
		}
	}
	ck_assert_uint_gt(sl_mempool_in_use_count(pool), 0);
	ck_assert_uint_eq(sl_mempool_in_use_count(other), 20);
	sl_pktmbuf_free_bulk(pkts, 40);
	ck_assert_uint_eq(sl_mempool_in_use_count(pool), 0);
	ck_assert_uint_eq(sl_mempool_in_use_count(other), 0);
	/* the small pool's mbufs have their own geometry */
	pkts[0] = sl_pktmbuf_alloc(other);
	ck_assert_uint_eq(pkts[0]->buf_len, 512);
	ck_assert_uint_eq(sl_pktmbuf_tailroom(pkts[0]), 512 - SL_PKTMBUF_HEADROOM);
	sl_pktmbuf_free(pkts[0]);
	sl_mempool_free(other);
}
END_TEST

/* ---- clone ----------------------------------------------------------- */

START_TEST(clone_shares_data)
{
	struct sl_mempool *ind = sl_pktmbuf_pool_create("mbuf_ind", 64, 0, 0, 0, SL_SOCKET_ID_ANY);
	struct sl_mbuf *m = make_chain(2, 50, 7), *c, *c2;
	unsigned char buf[100];

	ck_assert_ptr_nonnull(ind);
	c = sl_pktmbuf_clone(m, ind);
	ck_assert_ptr_nonnull(c);
	ck_assert_uint_eq(c->nb_segs, 2);
	ck_assert_uint_eq(c->pkt_len, 100);
	ck_assert(c->ol_flags & SL_MBUF_F_INDIRECT);
	ck_assert_ptr_eq(sl_pktmbuf_mtod(c, void *), sl_pktmbuf_mtod(m, void *));
	ck_assert_uint_eq(sl_pktmbuf_iova(c), sl_pktmbuf_iova(m));
	ck_assert_ptr_eq(sl_pktmbuf_mtod(c->next, void *), sl_pktmbuf_mtod(m->next, void *));
	ck_assert_uint_eq(sl_pktmbuf_refcnt_read(m), 2);
	ck_assert_uint_eq(sl_pktmbuf_refcnt_read(m->next), 2);
	ck_assert_ptr_eq(sl_pktmbuf_read(c, 40, 20, buf), buf);
	ck_assert_uint_eq(buf[0], 47);
	/* a clone of a clone points at the same direct mbufs */
	c2 = sl_pktmbuf_clone(c, ind);
	ck_assert_ptr_nonnull(c2);
	ck_assert_uint_eq(sl_pktmbuf_refcnt_read(m), 3);

	/* the original goes first: its buffers stay while clones exist */
	sl_pktmbuf_free(m);
	ck_assert_uint_eq(sl_mempool_in_use_count(pool), 2);
	ck_assert_uint_eq(sl_pktmbuf_mtod(c2, unsigned char *)[0], 7);
	sl_pktmbuf_free(c);
	ck_assert_uint_eq(sl_mempool_in_use_count(pool), 2);
	ck_assert_uint_eq(sl_mempool_in_use_count(ind), 2);
	sl_pktmbuf_free(c2);
	ck_assert_uint_eq(sl_mempool_in_use_count(pool), 0);
	ck_assert_uint_eq(sl_mempool_in_use_count(ind), 0);
	/* the indirect mbufs got their own (empty) buffer back */
	c = sl_pktmbuf_alloc(ind);
	ck_assert_ptr_nonnull(c);
	ck_assert_uint_eq(c->buf_len, 0);
	ck_assert_ptr_eq(c->buf_addr, (char *)c + sizeof(*c));
	ck_assert(!(c->ol_flags & SL_MBUF_F_INDIRECT));
	sl_pktmbuf_free(c);

	/* clone pool exhausted: nothing leaks, the original is untouched */
	{
		struct sl_mbuf *hold[64];

		ck_assert_int_eq(sl_pktmbuf_alloc_bulk(ind, hold, 63), 0);
		m = make_chain(2, 10, 0);
		errno = 0;
		ck_assert_ptr_null(sl_pktmbuf_clone(m, ind));
		ck_assert_int_eq(errno, ENOENT);
		ck_assert_uint_eq(sl_pktmbuf_refcnt_read(m), 1);
		ck_assert_uint_eq(sl_pktmbuf_refcnt_read(m->next), 1);
		ck_assert_uint_eq(sl_mempool_in_use_count(ind), 63);
		sl_pktmbuf_free_bulk(hold, 63);
		sl_pktmbuf_free(m);
	}
	sl_mempool_free(ind);
}
END_TEST

/* ---- main ------------------------------------------------------------ */

static Suite *mbuf_suite(const char *name)
{
	Suite *s = suite_create(name);
	TCase *tc = tcase_create("core");
	TCase *big = tcase_create("large");

	tcase_add_checked_fixture(tc, pool_setup, pool_teardown);
	tcase_add_test(tc, layout);
	tcase_add_test(tc, pool_create);
	tcase_add_test(tc, pool_create_errors);
	tcase_add_test(tc, alloc_resets);
	tcase_add_test(tc, alloc_bulk_all_or_nothing);
	tcase_add_test(tc, iova_and_mtod);
	tcase_add_test(tc, append_bounds);
	tcase_add_test(tc, prepend_bounds);
	tcase_add_test(tc, adj_trim_bounds);
	tcase_add_test(tc, refcnt);
	tcase_add_test(tc, chain_ops);
	tcase_add_test(tc, chain_overflow);
	tcase_add_test(tc, free_bulk_mixed);
	tcase_add_test(tc, clone_shares_data);
	suite_add_tcase(s, tc);
	tcase_set_timeout(big, 300);
	tcase_add_test(big, pool_large);
	suite_add_tcase(s, big);
	return s;
}

int main(void)
{
	int failed;

	if (sl_test_eal_up("test_mbuf", false, "512") < 0) {
		printf("SKIP: sl_eal_init --no-huge failed (see the EAL message above)\n");
		return 77;
	}
	failed = sl_test_run_suite(mbuf_suite("mbuf (--no-huge)"));
	sl_eal_cleanup();

	/* -m 512 reserves 256 2 MiB pages at init (the large pool needs ~160 MiB) */
	if (sl_test_free_hugepages_2m() >= 256) {
		if (sl_test_eal_up("test_mbuf", true, "512") < 0) {
			printf("hugepage round: sl_eal_init failed\n");
			failed++;
		} else {
			failed += sl_test_run_suite(mbuf_suite("mbuf (hugepages)"));
			sl_eal_cleanup();
		}
	} else {
		printf("hugepage round skipped: fewer than 256 free 2 MiB hugepages "
		       "(echo 512 > /proc/sys/vm/nr_hugepages)\n");
	}
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
