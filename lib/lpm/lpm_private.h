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

/* Every table entry is written with one release store: a reader sees an
 * old or a new entry, never half of one, and a group linked by a store is
 * filled before it. */
static inline void lpm_entry_store(uint32_t *slot, uint32_t e)
{
	__atomic_store_n(slot, e, __ATOMIC_RELEASE);
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

/* A zeroed table struct of size bytes that starts with its struct
 * sl_lpm_tables, those allocated; NULL with errno ENOMEM after one error
 * line (naming name), nothing left allocated. */
void *lpm_tables_new(size_t size, const char *name, uint32_t max_rules, uint32_t number_tbl8s);
void lpm_tables_fini(struct sl_lpm_tables *t);
/* No routes, every group free. */
void lpm_tables_clear(struct sl_lpm_tables *t);
/* A free tbl8 group (marked used), or -ENOSPC. */
int lpm_group_alloc(struct sl_lpm_tables *t);
void lpm_group_release(struct sl_lpm_tables *t, uint32_t g);

#endif /* LPM_PRIVATE_H */
