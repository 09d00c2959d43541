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
 * bit 24 valid, bit 25 extended, nothing else: a valid entry that is not
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

#include "sl_common.h"

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
#define SL_LPM_EXT 0x02000000u
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

/* next_hops[i] = next hop | SL_LPM_LOOKUP_SUCCESS, or 0 with no route.
 * First the tbl24 entry of every address, four at a time with one test of
 * the extended bit for all four and no other branch, so that the cache
 * misses of a whole burst overlap; then, only if one was extended, a scan
 * for those and their tbl8 entries. */
static inline void sl_lpm_lookup_bulk(const struct sl_lpm *lpm, const uint32_t *ips,
				      uint32_t *next_hops, unsigned int n)
{
	const uint32_t *tbl24 = lpm->t.tbl24;
	unsigned int i = 0;

	while (n - i >= 4) {
		unsigned int b = SL_MIN(n - i, 64u) & ~3u, j, k;
		uint32_t any = 0, quad[16];	/* the four entries of each quad or-ed */

		for (j = i; j < i + b; j += 4) {
			uint32_t e0 = __atomic_load_n(&tbl24[ips[j] >> 8], __ATOMIC_RELAXED);
			uint32_t e1 = __atomic_load_n(&tbl24[ips[j + 1] >> 8], __ATOMIC_RELAXED);
			uint32_t e2 = __atomic_load_n(&tbl24[ips[j + 2] >> 8], __ATOMIC_RELAXED);
			uint32_t e3 = __atomic_load_n(&tbl24[ips[j + 3] >> 8], __ATOMIC_RELAXED);

			/* four plain stores (atomic only so that the compiler
			 * does not assemble them into one vector first) */
			__atomic_store_n(&next_hops[j], e0, __ATOMIC_RELAXED);
			__atomic_store_n(&next_hops[j + 1], e1, __ATOMIC_RELAXED);
			__atomic_store_n(&next_hops[j + 2], e2, __ATOMIC_RELAXED);
			__atomic_store_n(&next_hops[j + 3], e3, __ATOMIC_RELAXED);
			quad[(j - i) / 4] = e0 | e1 | e2 | e3;
			any |= quad[(j - i) / 4];
		}
		/* Only the quads with an extended entry, with 4-byte loads of
		 * what was just stored (a wider load would wait for the
		 * stores to reach the cache instead of taking their data). */
		if (sl_unlikely(any & SL_LPM_EXT))
			for (k = 0; k < b / 4; k++) {
				if (!(quad[k] & SL_LPM_EXT))
					continue;
				for (j = i + 4 * k; j < i + 4 * k + 4; j++) {
					uint32_t e = next_hops[j];

					if (e & SL_LPM_EXT)
						next_hops[j] = __atomic_load_n(
							&lpm->t.tbl8[(e & SL_LPM_NH_MASK) *
								     SL_LPM_TBL8_GROUP_ENTRIES +
								     (ips[j] & 0xff)],
							__ATOMIC_RELAXED);
				}
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
