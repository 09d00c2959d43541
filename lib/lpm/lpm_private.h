/* SPDX-License-Identifier: BSD-3-Clause
 * Shared between the files of lib/lpm: the route store (lpm_rules.c). */
#ifndef LPM_PRIVATE_H
#define LPM_PRIVATE_H

#include <stdint.h>

#include "sl_lpm.h"

/* The netmask of a depth 1..32 */
static inline uint32_t lpm_depth_mask(uint8_t depth)
{
	return (uint32_t)(UINT64_C(0xffffffff) << (32 - depth));
}

struct lpm_rules *lpm_rules_create(uint32_t max);
void lpm_rules_free(struct lpm_rules *r);
/* 0 and *next_hop, or -ENOENT. */
int lpm_rules_get(const struct lpm_rules *r, uint32_t ip, uint8_t depth, uint32_t *next_hop);
/* 1 added, 0 next hop changed, -ENOSPC full. */
int lpm_rules_put(struct lpm_rules *r, uint32_t ip, uint8_t depth, uint32_t next_hop);
int lpm_rules_del(struct lpm_rules *r, uint32_t ip, uint8_t depth);
void lpm_rules_clear(struct lpm_rules *r);
/* The longest route shorter than depth covering ip: 0, or -ENOENT. */
int lpm_rules_cover(const struct lpm_rules *r, uint32_t ip, uint8_t depth, uint8_t *cover_depth,
		    uint32_t *next_hop);

#endif /* LPM_PRIVATE_H */
