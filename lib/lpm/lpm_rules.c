/* SPDX-License-Identifier: BSD-3-Clause
 * The routes of an LPM table, IPv4 or IPv6 (lpm_private.h): an
 * open-addressing hash of (prefix, depth) with linear probing and backward-shift deletion, so a
 * delete leaves no tombstones behind and a lookup stops at the first
 * empty slot. Control path only. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "lpm_private.h"

struct lpm_rule {
	uint8_t key[LPM_KEY_LEN];	/* the prefix, network byte order, zero padded */
	uint32_t next_hop;
	uint8_t depth;			/* 0: slot empty */
};

struct lpm_rules {
	struct lpm_rule *slots;
	uint32_t mask;		/* slots - 1 */
	uint32_t count, max;
};

static uint32_t rule_slot(const struct lpm_rules *r, const uint8_t *key, uint8_t depth)
{
	uint64_t a, b, k;

	/* Fibonacci hashing: prefixes share their low zero bits */
	memcpy(&a, key, 8);
	memcpy(&b, key + 8, 8);
	k = (a * 0x9e3779b97f4a7c15ull) ^ (b + depth) * 0xc2b2ae3d27d4eb4full;
	k ^= k >> 29;
	k *= 0x9e3779b97f4a7c15ull;
	return (uint32_t)(k >> 32) & r->mask;
}

struct lpm_rules *lpm_rules_create(uint32_t max)
{
	struct lpm_rules *r = calloc(1, sizeof(*r));
	uint32_t n = 16;

	if (r == NULL)
		return NULL;
	while (n < 2 * max)
		n <<= 1;
	r->slots = calloc(n, sizeof(*r->slots));
	if (r->slots == NULL) {
		free(r);
		return NULL;
	}
	r->mask = n - 1;
	r->max = max;
	return r;
}

void lpm_rules_free(struct lpm_rules *r)
{
	if (r != NULL)
		free(r->slots);
	free(r);
}

static struct lpm_rule *rule_find(const struct lpm_rules *r, const uint8_t *key, uint8_t depth)
{
	uint32_t i = rule_slot(r, key, depth);

	for (; r->slots[i].depth != 0; i = (i + 1) & r->mask)
		if (r->slots[i].depth == depth && memcmp(r->slots[i].key, key, LPM_KEY_LEN) == 0)
			return &r->slots[i];
	return NULL;
}

int lpm_rules_get(const struct lpm_rules *r, const uint8_t *key, uint8_t depth, uint32_t *next_hop)
{
	const struct lpm_rule *rule = rule_find(r, key, depth);

	if (rule == NULL)
		return -ENOENT;
	*next_hop = rule->next_hop;
	return 0;
}

int lpm_rules_put(struct lpm_rules *r, const uint8_t *key, uint8_t depth, uint32_t next_hop)
{
	struct lpm_rule *rule = rule_find(r, key, depth);
	uint32_t i;

	if (rule != NULL) {
		rule->next_hop = next_hop;
		return 0;
	}
	if (r->count == r->max)
		return -ENOSPC;
	for (i = rule_slot(r, key, depth); r->slots[i].depth != 0; i = (i + 1) & r->mask)
		;
	memcpy(r->slots[i].key, key, LPM_KEY_LEN);
	r->slots[i].next_hop = next_hop;
	r->slots[i].depth = depth;
	r->count++;
	return 1;
}

int lpm_rules_del(struct lpm_rules *r, const uint8_t *key, uint8_t depth)
{
	struct lpm_rule *rule = rule_find(r, key, depth);
	uint32_t hole, i;

	if (rule == NULL)
		return -ENOENT;
	hole = (uint32_t)(rule - r->slots);
	/* Backward shift: move up every later entry of the run whose home
	 * slot is not between the hole and itself (cyclically). */
	for (i = (hole + 1) & r->mask; r->slots[i].depth != 0; i = (i + 1) & r->mask) {
		uint32_t home = rule_slot(r, r->slots[i].key, r->slots[i].depth);

		if (((i - home) & r->mask) >= ((i - hole) & r->mask)) {
			r->slots[hole] = r->slots[i];
			hole = i;
		}
	}
	r->slots[hole].depth = 0;
	r->count--;
	return 0;
}

void lpm_rules_clear(struct lpm_rules *r)
{
	uint32_t i;

	for (i = 0; i <= r->mask; i++)
		r->slots[i].depth = 0;
	r->count = 0;
}

void lpm_key_mask(uint8_t *key, uint8_t depth)
{
	unsigned int i;

	for (i = 0; i < LPM_KEY_LEN; i++) {
		unsigned int bits = depth > 8 * i ? depth - 8 * i : 0;

		if (bits < 8)
			key[i] &= (uint8_t)(0xff00u >> bits);
	}
}

int lpm_rules_cover(const struct lpm_rules *r, const uint8_t *key, uint8_t depth,
		    uint8_t *cover_depth, uint32_t *next_hop)
{
	uint8_t prefix[LPM_KEY_LEN];
	uint8_t d;

	memcpy(prefix, key, LPM_KEY_LEN);
	for (d = (uint8_t)(depth - 1); d >= 1; d--) {
		lpm_key_mask(prefix, d);
		if (lpm_rules_get(r, prefix, d, next_hop) == 0) {
			*cover_depth = d;
			return 0;
		}
	}
	return -ENOENT;
}
