/* SPDX-License-Identifier: BSD-3-Clause
 * Sluice longest-prefix match for IPv6, in rte_lpm6's shape: a 2^24-entry
 * first level indexed by the first three bytes of the address, then a
 * chain of 256-entry tbl8 groups, one per further byte, as deep as the
 * routes under that prefix need (at most 13). A lookup is one load per
 * level it goes through: one for a /24 or shorter, two for a /32, ...
 *
 * Entry: bits 0..20 next hop (or, extended, the tbl8 group of the next
 * byte), bit 21 valid, bit 22 extended, bits 24..31 the depth of the route
 * that wrote it (same rules as sl_lpm.h: never overwrite a longer route,
 * delete rewrites exactly its own entries with the covering route).
 * Addresses are 16 bytes in network order; next hops fit 21 bits. One
 * writer; readers take no lock (the same store order as sl_lpm.h).
 */
#ifndef SL_LPM6_H
#define SL_LPM6_H

#include <errno.h>
#include <stdint.h>

#include "sl_common.h"
#include "sl_lpm.h"

#ifdef __cplusplus
extern "C" {
#endif

#define SL_LPM6_IPV6_ADDR_SIZE 16
#define SL_LPM6_MAX_DEPTH 128
#define SL_LPM6_NAMESIZE 32
#define SL_LPM6_MAX_NEXT_HOP 0x1fffffu

#define SL_LPM6_NH_MASK 0x001fffffu
#define SL_LPM6_VALID 0x00200000u
#define SL_LPM6_EXT 0x00400000u
#define SL_LPM6_DEPTH_SHIFT 24

struct sl_lpm6_config {
	uint32_t max_rules;
	uint32_t number_tbl8s;
	int flags;		/* 0 */
};

struct sl_lpm6 {
	struct sl_lpm_tables t;
	char name[SL_LPM6_NAMESIZE];
};

struct sl_lpm6 *sl_lpm6_create(const char *name, int socket_id,
			       const struct sl_lpm6_config *config);
void sl_lpm6_free(struct sl_lpm6 *lpm);
/* 0, -EINVAL, or -ENOSPC (rules or tbl8 groups: table unchanged). */
int sl_lpm6_add(struct sl_lpm6 *lpm, const uint8_t *ip, uint8_t depth, uint32_t next_hop);
/* 0, -EINVAL or -ENOENT. */
int sl_lpm6_delete(struct sl_lpm6 *lpm, const uint8_t *ip, uint8_t depth);
void sl_lpm6_delete_all(struct sl_lpm6 *lpm);
int sl_lpm6_is_rule_present(struct sl_lpm6 *lpm, const uint8_t *ip, uint8_t depth,
			    uint32_t *next_hop);

static __sl_always_inline uint32_t sl_lpm6_entry_(const struct sl_lpm6 *lpm, const uint8_t *ip)
{
	uint32_t e = __atomic_load_n(&lpm->t.tbl24[(uint32_t)ip[0] << 16 | (uint32_t)ip[1] << 8 | ip[2]],
				     __ATOMIC_ACQUIRE);
	unsigned int b = 3;

	while (sl_unlikely(e & SL_LPM6_EXT))
		e = __atomic_load_n(&lpm->t.tbl8[(e & SL_LPM6_NH_MASK) * 256 + ip[b++]], __ATOMIC_ACQUIRE);
	return e;
}

/* 0 and *next_hop, or -ENOENT. */
static inline int sl_lpm6_lookup(const struct sl_lpm6 *lpm, const uint8_t *ip, uint32_t *next_hop)
{
	uint32_t e = sl_lpm6_entry_(lpm, ip);

	*next_hop = e & SL_LPM6_NH_MASK;
	return (e & SL_LPM6_VALID) ? 0 : -ENOENT;
}

/* next_hops[i] = next hop, or -1 without a route (rte_lpm6_lookup_bulk_func). */
static inline void sl_lpm6_lookup_bulk(const struct sl_lpm6 *lpm,
				       const uint8_t ips[][SL_LPM6_IPV6_ADDR_SIZE],
				       int32_t *next_hops, unsigned int n)
{
	unsigned int i;

	for (i = 0; i < n; i++) {
		uint32_t e = sl_lpm6_entry_(lpm, ips[i]);

		next_hops[i] = (e & SL_LPM6_VALID) ? (int32_t)(e & SL_LPM6_NH_MASK) : -1;
	}
}

#ifdef __cplusplus
}
#endif
#endif /* SL_LPM6_H */
