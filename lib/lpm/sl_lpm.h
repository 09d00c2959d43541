/* SPDX-License-Identifier: BSD-3-Clause
 * Sluice longest-prefix match for IPv4: DIR-24-8 (Gupta, Lin, McKeown,
 * "Routing lookups in hardware at memory access speeds", 1998), the
 * layout DPDK's rte_lpm uses, with the same API shape.
 *
 * tbl24 has one 32-bit entry per /24; a route of depth <= 24 is expanded
 * into the 2^(24-depth) entries it covers. A /24 that holds a longer
 * route points to a tbl8 group of 256 entries, one per address of the
 * /24. A lookup is one load, or two when the first says "extended".
 *
 * Entry: bits 0..23 next hop (or, extended in tbl24, the tbl8 group),
 * bit 24 valid, bit 31 extended, nothing else: a valid entry that is not
 * extended is already the bulk lookup's result. The depth of the route that
 * wrote each entry, which the control path needs (a shorter route never
 * overwrites a longer one's entries, and a delete rewrites exactly the
 * entries the deleted route owns with its covering route), is kept in
 * byte arrays beside the tables that lookups never read.
 *
 * Addresses and next hops are host byte order. One writer (add, delete)
 * at a time; lookups take no lock and may run meanwhile on other threads:
 * every entry is written with one 32-bit store, a tbl8 group is filled
 * before the release store that links it, and a group is only reused after
 * sl_lpm_delete returned (the caller must make sure no reader still holds
 * an old tbl24 entry, e.g. by quiescent-state tracking, before the next
 * add can recycle it).
 */
#ifndef SL_LPM_H
#define SL_LPM_H

#include <errno.h>
#include <stdint.h>
#include <string.h>

#include "sl_common.h"

#ifdef __SSE4_1__
#include <smmintrin.h>
#endif

#ifdef __cplusplus
extern "C" {
#endif

#define SL_LPM_MAX_DEPTH 32
#define SL_LPM_NAMESIZE 32
#define SL_LPM_MAX_NEXT_HOP 0xffffffu
/* Set in a bulk/x4 result when a route matched (as RTE_LPM_LOOKUP_SUCCESS). */
#define SL_LPM_LOOKUP_SUCCESS 0x01000000u

#define SL_LPM_NH_MASK 0x00ffffffu
#define SL_LPM_VALID 0x01000000u
#define SL_LPM_EXT 0x80000000u
#define SL_LPM_TBL8_GROUP_ENTRIES 256

struct sl_lpm_config {
	uint32_t max_rules;	/* routes it can hold */
	uint32_t number_tbl8s;	/* tbl8 groups: /24s that can hold routes longer than /24 */
	int flags;		/* none yet: 0 */
};

struct lpm_rules;

/* What an IPv4 and an IPv6 table both have: the first level, the tbl8
 * groups and the routes (sl_lpm6.h uses the same). */
struct sl_lpm_tables {
	uint32_t *tbl24;		/* 2^24 entries */
	uint32_t *tbl8;			/* number_tbl8s * 256 entries */
	struct lpm_rules *rules;
	uint32_t number_tbl8s;
	uint32_t tbl8_free;		/* groups not in use */
	uint8_t *tbl8_used;		/* per group */
};

struct sl_lpm {
	struct sl_lpm_tables t;
	uint8_t *tbl24_depth;		/* the writer's: depth of each entry's route */
	uint8_t *tbl8_depth;
	char name[SL_LPM_NAMESIZE];
};

/* A table; NULL with errno EINVAL (bad name or config) or ENOMEM, and
 * one error line saying which. socket_id is accepted for DPDK's shape:
 * the tables come from the calling thread's node (first touch). */
struct sl_lpm *sl_lpm_create(const char *name, int socket_id, const struct sl_lpm_config *config);
void sl_lpm_free(struct sl_lpm *lpm);

/* Adds ip/depth (1..32) -> next_hop (<= SL_LPM_MAX_NEXT_HOP), or changes
 * the next hop of that route. 0, -EINVAL, or -ENOSPC (max_rules routes or
 * no free tbl8 group: the table is unchanged). */
int sl_lpm_add(struct sl_lpm *lpm, uint32_t ip, uint8_t depth, uint32_t next_hop);
/* Removes ip/depth: its addresses fall back to the longest shorter route
 * covering them, if any. 0, -EINVAL, or -ENOENT. */
int sl_lpm_delete(struct sl_lpm *lpm, uint32_t ip, uint8_t depth);
void sl_lpm_delete_all(struct sl_lpm *lpm);
/* 1 and *next_hop if ip/depth is a route, else 0. */
int sl_lpm_is_rule_present(struct sl_lpm *lpm, uint32_t ip, uint8_t depth, uint32_t *next_hop);

/* The entry that decides ip: a tbl24 entry, or the tbl8 one it points to.
 * Relaxed loads: the tbl8 load depends on the tbl24 value for its address,
 * which orders it after that load on every CPU this runs on, and the
 * writer fills a group before the release store that links it. */
static __sl_always_inline uint32_t sl_lpm_entry_(const struct sl_lpm *lpm, uint32_t ip)
{
	uint32_t e = __atomic_load_n(&lpm->t.tbl24[ip >> 8], __ATOMIC_RELAXED);

	if (sl_unlikely(e & SL_LPM_EXT))
		e = __atomic_load_n(&lpm->t.tbl8[(e & SL_LPM_NH_MASK) * SL_LPM_TBL8_GROUP_ENTRIES +
					       (ip & 0xff)], __ATOMIC_RELAXED);
	return e;
}

/* 0 and *next_hop, or -ENOENT when no route covers ip. */
static inline int sl_lpm_lookup(const struct sl_lpm *lpm, uint32_t ip, uint32_t *next_hop)
{
	uint32_t e = sl_lpm_entry_(lpm, ip);

	*next_hop = e & SL_LPM_NH_MASK;
	return (e & SL_LPM_VALID) ? 0 : -ENOENT;
}

#ifdef __SSE4_1__
/* The tbl24 entries of ips[0..3] as one vector, stored to hops[0..3] with
 * one 16-byte store (a wider load of hops by the caller then takes the data
 * from that store instead of waiting for four narrow ones to reach the
 * cache). Its 32-bit loads are single-copy atomic like the scalar path's
 * relaxed ones. The addresses are read two per 8-byte load (x86 is
 * little-endian): with every tbl24 load a cache miss, how many bursts'
 * misses overlap is bounded by the loads and instructions in flight, and
 * this makes six loads of four addresses' eight. */
static __sl_always_inline __m128i sl_lpm_quad_v_(const uint32_t *tbl24, const uint32_t *ips,
						 uint32_t *hops)
{
	uint64_t ip01, ip23;
	__m128i v;

	memcpy(&ip01, ips, sizeof(ip01));
	memcpy(&ip23, ips + 2, sizeof(ip23));
	v = _mm_cvtsi32_si128((int)tbl24[(uint32_t)ip01 >> 8]);
	v = _mm_insert_epi32(v, (int)tbl24[ip01 >> 40], 1);
	v = _mm_insert_epi32(v, (int)tbl24[(uint32_t)ip23 >> 8], 2);
	v = _mm_insert_epi32(v, (int)tbl24[ip23 >> 40], 3);
	_mm_storeu_si128((__m128i *)(void *)hops, v);
	return v;
}
#endif

/* The tbl24 entries of ips[0..3] stored to hops[0..3]; returns bit k set
 * when entry k is extended (the sign: movmskps collects four at once). */
static __sl_always_inline uint32_t sl_lpm_quad_(const uint32_t *tbl24, const uint32_t *ips,
						uint32_t *hops)
{
#ifdef __SSE4_1__
	return (uint32_t)_mm_movemask_ps(_mm_castsi128_ps(sl_lpm_quad_v_(tbl24, ips, hops)));
#else
	uint32_t ext = 0;
	unsigned int k;

	for (k = 0; k < 4; k++) {
		uint32_t e = __atomic_load_n(&tbl24[ips[k] >> 8], __ATOMIC_RELAXED);

		hops[k] = e;
		ext |= (e >> 31) << k;
	}
	return ext;
#endif
}

/* The same for ips[0..15]. Two saturating packs keep each entry's sign and
 * one pmovmskb collects all sixteen: three instructions where four movmskps
 * and their shifts and ors take ten, in a loop bounded by the instructions
 * in flight. */
static __sl_always_inline uint32_t sl_lpm_sixteen_(const uint32_t *tbl24, const uint32_t *ips,
						   uint32_t *hops)
{
#ifdef __SSE4_1__
	__m128i a = sl_lpm_quad_v_(tbl24, ips, hops);
	__m128i b = sl_lpm_quad_v_(tbl24, ips + 4, hops + 4);
	__m128i c = sl_lpm_quad_v_(tbl24, ips + 8, hops + 8);
	__m128i d = sl_lpm_quad_v_(tbl24, ips + 12, hops + 12);

	return (uint32_t)_mm_movemask_epi8(
		_mm_packs_epi16(_mm_packs_epi32(a, b), _mm_packs_epi32(c, d)));
#else
	return sl_lpm_quad_(tbl24, ips, hops) | sl_lpm_quad_(tbl24, ips + 4, hops + 4) << 4 |
	       sl_lpm_quad_(tbl24, ips + 8, hops + 8) << 8 |
	       sl_lpm_quad_(tbl24, ips + 12, hops + 12) << 12;
#endif
}

/* Fixes up the lowest extended entry of a chunk, *ext's lowest set bit,
 * without a branch: with none left it rewrites entry last (not extended)
 * with itself. Two of these per chunk before the loop for the rest: with
 * random addresses a burst of 32 has one or two extended entries more often
 * than none, and a loop test on that count mispredicts. */
static __sl_always_inline void sl_lpm_fix_one_(const uint32_t *tbl8, const uint32_t *ips,
					      uint32_t *hops, uint64_t *ext, unsigned int last)
{
	unsigned int j = (unsigned int)__builtin_ctzll(*ext | UINT64_C(1) << last);
	uint32_t e = hops[j];
	uint32_t m = 0u - (e >> 31);	/* all ones when extended */
	uint32_t idx = ((e & SL_LPM_NH_MASK) * SL_LPM_TBL8_GROUP_ENTRIES + (ips[j] & 0xff)) & m;
	uint32_t t = __atomic_load_n(&tbl8[idx], __ATOMIC_RELAXED);

	hops[j] = (t & m) | (e & ~m);
	*ext &= *ext - 1;
}

/* next_hops[i] = next hop | SL_LPM_LOOKUP_SUCCESS, or 0 with no route.
 * First the tbl24 entry of every address of up to 64, with no branch, so
 * that the cache misses of a whole burst overlap, and a bit mask of the
 * extended ones; then their tbl8 entries, one per set bit, the first two
 * without a branch (a test per address or per quad mispredicts with
 * random addresses). */
static inline void sl_lpm_lookup_bulk(const struct sl_lpm *lpm, const uint32_t *ips,
				      uint32_t *next_hops, unsigned int n)
{
	const uint32_t *tbl24 = lpm->t.tbl24, *tbl8 = lpm->t.tbl8;
	unsigned int i = 0;

	while (n - i >= 4) {
		unsigned int b = SL_MIN(n - i, 64u) & ~3u, j;
		uint64_t ext = 0;

		for (j = 0; j + 16 <= b; j += 16)
			ext |= (uint64_t)sl_lpm_sixteen_(tbl24, ips + i + j, next_hops + i + j) << j;
		for (; j < b; j += 4)
			ext |= (uint64_t)sl_lpm_quad_(tbl24, ips + i + j, next_hops + i + j) << j;
		sl_lpm_fix_one_(tbl8, ips + i, next_hops + i, &ext, b - 1);
		sl_lpm_fix_one_(tbl8, ips + i, next_hops + i, &ext, b - 1);
		while (sl_unlikely(ext != 0)) {
			j = i + (unsigned int)__builtin_ctzll(ext);
			ext &= ext - 1;
			next_hops[j] = __atomic_load_n(&tbl8[(next_hops[j] & SL_LPM_NH_MASK) *
							     SL_LPM_TBL8_GROUP_ENTRIES + (ips[j] & 0xff)],
						       __ATOMIC_RELAXED);
		}
		i += b;
	}
	for (; i < n; i++)
		next_hops[i] = sl_lpm_entry_(lpm, ips[i]);
}

/* Four addresses: hops[i] = next hop, or defv with no route. */
static inline void sl_lpm_lookupx4(const struct sl_lpm *lpm, const uint32_t ips[4],
				   uint32_t hops[4], uint32_t defv)
{
	uint32_t e[4];
	unsigned int i;

	for (i = 0; i < 4; i++)
		e[i] = sl_lpm_entry_(lpm, ips[i]);
	for (i = 0; i < 4; i++)
		hops[i] = (e[i] & SL_LPM_VALID) ? (e[i] & SL_LPM_NH_MASK) : defv;
}

#ifdef __cplusplus
}
#endif
#endif /* SL_LPM_H */
