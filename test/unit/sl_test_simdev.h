/* SPDX-License-Identifier: BSD-3-Clause
 * Helpers for the driver tests that play the device themselves
 * (test_e1000, test_e1000_rxtx, test_virtio): the EAL and mbuf pools they
 * need, the simulated device's DMA (IOVA -> VA, only inside buffers the
 * driver may hand out), and frames with a checkable byte pattern. A header
 * of its own because it needs lib/mbuf, which sl_test.h's users (eal, ring)
 * do not link.
 */
#ifndef SL_TEST_SIMDEV_H
#define SL_TEST_SIMDEV_H

#include <stdlib.h>

#include "sl_mbuf.h"
#include "sl_test.h"

/* ---- EAL and pools ------------------------------------------------------------ */

/* sl_eal_init for a simulated device: locked 4 KiB pages (--no-huge), 64 MB,
 * lcore 0, no PCI scan. log_level NULL keeps the default (the drivers'
 * one-time warnings stay in the test log). Exits 77 (skip) with the
 * reason when locked memory is not to be had here. */
static inline void sl_test_simdev_eal_up(const char *prog, const char *log_level)
{
	char *argv[] = { (char *)prog, (char *)"--no-huge", (char *)"-m", (char *)"64",
			 (char *)"-l", (char *)"0", (char *)"--no-pci", (char *)"--log-level",
			 (char *)log_level, NULL };
	int argc = log_level != NULL ? 9 : 7;

	if (sl_eal_init(argc, argv) < 0) {
		printf("SKIP: sl_eal_init --no-huge failed (needs locked memory: root or "
		       "ulimit -l)\n");
		exit(77);
	}
}

/* ---- the device's DMA ----------------------------------------------------------- */

/* Every buffer the device may read or write: IOVA ranges and where the test
 * sees them. */
static struct {
	sl_iova_t iova;
	uint8_t *va;
	uint32_t len;
} sl_test_dma_map[8192];
static unsigned sl_test_dma_map_count;

/* Also called outside any test (setup): no ck_assert here. */
static inline void sl_test_dma_map_add(sl_iova_t iova, void *va, uint32_t len)
{
	if (sl_test_dma_map_count == SL_DIM(sl_test_dma_map)) {
		fprintf(stderr, "sl_test_dma_map_add: the map is full (%u buffers)\n",
			sl_test_dma_map_count);
		abort();
	}
	sl_test_dma_map[sl_test_dma_map_count].iova = iova;
	sl_test_dma_map[sl_test_dma_map_count].va = va;
	sl_test_dma_map[sl_test_dma_map_count].len = len;
	sl_test_dma_map_count++;
}

static inline void sl_test_dma_map_mbuf(struct sl_mempool *mp, void *arg, void *obj, unsigned idx)
{
	struct sl_mbuf *m = obj;

	(void)mp;
	(void)arg;
	(void)idx;
	sl_test_dma_map_add(m->buf_iova, m->buf_addr, m->buf_len);
}

/* The device's view of [iova, iova + len): inside one buffer the driver
 * mapped, or the test fails (a device writing elsewhere is the bug). */
static inline uint8_t *sl_test_dma_va(sl_iova_t iova, uint32_t len)
{
	for (unsigned i = 0; i < sl_test_dma_map_count; i++)
		if (iova >= sl_test_dma_map[i].iova &&
		    iova + len <= sl_test_dma_map[i].iova + sl_test_dma_map[i].len)
			return sl_test_dma_map[i].va + (iova - sl_test_dma_map[i].iova);
	ck_abort_msg("device DMA to iova 0x%llx+%u: not inside a driver buffer",
		     (unsigned long long)iova, len);
	return NULL;
}

/* A pktmbuf pool without per-lcore cache (the tests count what is in use)
 * whose every buffer the device may reach; exits 77 (skip) when the EAL
 * cannot give the DMA memory. */
static inline struct sl_mempool *sl_test_simdev_pool(const char *name, unsigned n,
						     uint16_t data_room)
{
	struct sl_mempool *mp = sl_pktmbuf_pool_create(name, n, 0, 0, data_room,
						       SL_SOCKET_ID_ANY);

	if (mp == NULL) {
		printf("SKIP: cannot create the mbuf pool %s (DMA memory)\n", name);
		exit(77);
	}
	sl_mempool_obj_iter(mp, sl_test_dma_map_mbuf, NULL);
	return mp;
}

/* ---- frames ------------------------------------------------------------------------ */

/* The bytes of test frame 'seed': no two frames of one test alike. */
static inline void sl_test_fill_pattern(uint8_t *buf, uint32_t len, uint32_t seed)
{
	for (uint32_t i = 0; i < len; i++)
		buf[i] = (uint8_t)(seed * 31 + i * 7 + (i >> 8));
}

/* A frame of len bytes with pattern seed in nb_segs segments (len / nb_segs
 * each, the rest in the last one) from mp. */
static inline struct sl_mbuf *sl_test_make_pkt(struct sl_mempool *mp, uint32_t len, uint32_t seed,
					       unsigned nb_segs)
{
	static uint8_t data[16384];
	struct sl_mbuf *head = NULL;
	uint32_t off = 0;

	ck_assert_uint_le(len, sizeof(data));
	sl_test_fill_pattern(data, len, seed);
	for (unsigned i = 0; i < nb_segs; i++) {
		uint32_t part = i + 1 == nb_segs ? len - off : len / nb_segs;
		struct sl_mbuf *m = sl_pktmbuf_alloc(mp);
		char *p;

		ck_assert_ptr_nonnull(m);
		p = sl_pktmbuf_append(m, part);
		ck_assert_ptr_nonnull(p);
		memcpy(p, data + off, part);
		off += part;
		if (head == NULL)
			head = m;
		else
			ck_assert_int_eq(sl_pktmbuf_chain(head, m), 0);
	}
	return head;
}

/* m (a chain or not) holds exactly frame 'seed' of len bytes, each segment
 * inside its own buffer. */
static inline void sl_test_check_pkt(const struct sl_mbuf *m, uint32_t len, uint32_t seed)
{
	static uint8_t want[16384];
	uint32_t off = 0;
	uint16_t segs = 0;

	ck_assert_uint_le(len, sizeof(want));
	sl_test_fill_pattern(want, len, seed);
	ck_assert_uint_eq(m->pkt_len, len);
	for (const struct sl_mbuf *s = m; s != NULL; s = s->next) {
		ck_assert_uint_le(off + s->data_len, len);
		ck_assert_uint_le((uint32_t)s->data_off + s->data_len, s->buf_len);
		ck_assert(memcmp(sl_pktmbuf_mtod(s, const uint8_t *), want + off, s->data_len) == 0);
		off += s->data_len;
		segs++;
	}
	ck_assert_uint_eq(off, len);
	ck_assert_uint_eq(segs, m->nb_segs);
}

#endif /* SL_TEST_SIMDEV_H */
