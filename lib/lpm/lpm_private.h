/* SPDX-License-Identifier: BSD-3-Clause
 * Shared between the files of lib/lpm: the route store (lpm_rules.c),
 * keyed by 16-byte prefixes for both IPv4 and IPv6. */
#ifndef LPM_PRIVATE_H
#define LPM_PRIVATE_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "sl_lpm.h"

/* The netmask of a depth 1..32 */
static inline uint32_t lpm_depth_mask(uint8_t depth)
{
	return (uint32_t)(UINT64_C(0xffffffff) << (32 - depth));
}

/* Route keys: the prefix in network byte order, an IPv4 one zero padded. */
#define LPM_KEY_LEN 16

/* The IPv4 key of a host-order address */
static inline void lpm_key4(uint8_t *key, uint32_t ip)
{
	memset(key, 0, LPM_KEY_LEN);
	key[0] = (uint8_t)(ip >> 24);
	key[1] = (uint8_t)(ip >> 16);
	key[2] = (uint8_t)(ip >> 8);
	key[3] = (uint8_t)ip;
}

struct lpm_rules *lpm_rules_create(uint32_t max);
void lpm_rules_free(struct lpm_rules *r);
/* Zeroes the bits of key after the first depth. */
void lpm_key_mask(uint8_t *key, uint8_t depth);
/* 0 and *next_hop, or -ENOENT. */
int lpm_rules_get(const struct lpm_rules *r, const uint8_t *key, uint8_t depth, uint32_t *next_hop);
/* 1 added, 0 next hop changed, -ENOSPC full. */
int lpm_rules_put(struct lpm_rules *r, const uint8_t *key, uint8_t depth, uint32_t next_hop);
int lpm_rules_del(struct lpm_rules *r, const uint8_t *key, uint8_t depth);
void lpm_rules_clear(struct lpm_rules *r);
/* The longest route shorter than depth covering key: 0, or -ENOENT. */
int lpm_rules_cover(const struct lpm_rules *r, const uint8_t *key, uint8_t depth,
		    uint8_t *cover_depth, uint32_t *next_hop);

/* Anonymous memory, transparent huge pages where the kernel has them: the
 * 64 MB first levels are read at random. NULL when out of memory. */
void *lpm_table_alloc(size_t bytes);
void lpm_table_free(void *p, size_t bytes);
/* A free tbl8 group (marked used), or -ENOSPC. */
int lpm_group_alloc(uint8_t *used, uint32_t *nb_free);

#endif /* LPM_PRIVATE_H */
