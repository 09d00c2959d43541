/* SPDX-License-Identifier: BSD-3-Clause
 * IPv6 LPM control path (sl_lpm6.h). A level is a table and the bit
 * position where its index ends: 24 for tbl24, 32, 40, ... 128 for the
 * tbl8 groups below it; a route of depth d is expanded in the first level
 * whose end is >= d. */
#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "lpm_private.h"
#include "sl_log.h"
#include "sl_lpm6.h"

#define GROUP 256

static uint32_t entry_make(uint8_t depth, uint32_t next_hop)
{
	return SL_LPM6_VALID | (uint32_t)depth << SL_LPM6_DEPTH_SHIFT | next_hop;
}

static uint8_t entry_depth(uint32_t e)
{
	return (uint8_t)(e >> SL_LPM6_DEPTH_SHIFT);
}

static uint32_t *group_of(const struct sl_lpm6 *lpm, uint32_t e)
{
	return lpm->t.tbl8 + (size_t)(e & SL_LPM6_NH_MASK) * GROUP;
}

/* The index of key in the level ending at bit end. */
static uint32_t level_index(const uint8_t *key, unsigned int end)
{
	if (end == 24)
		return (uint32_t)key[0] << 16 | (uint32_t)key[1] << 8 | key[2];
	return key[end / 8 - 1];
}

void sl_lpm6_free(struct sl_lpm6 *lpm)
{
	if (lpm == NULL)
		return;
	lpm_tables_fini(&lpm->t);
	free(lpm);
}

struct sl_lpm6 *sl_lpm6_create(const char *name, int socket_id, const struct sl_lpm6_config *config)
{
	struct sl_lpm6 *lpm;

	(void)socket_id;
	if (name == NULL || strlen(name) >= SL_LPM6_NAMESIZE || config == NULL ||
	    config->max_rules == 0 || config->number_tbl8s > SL_LPM6_MAX_NEXT_HOP + 1 ||
	    config->flags != 0) {
		SL_LOG(ERR, LPM, "sl_lpm6_create: need a name of at most %d characters, max_rules "
		       ">= 1, number_tbl8s <= 2^21 and flags 0", SL_LPM6_NAMESIZE - 1);
		errno = EINVAL;
		return NULL;
	}
	SL_STATIC_ASSERT(offsetof(struct sl_lpm6, t) == 0, "lpm_tables_new's layout");
	lpm = lpm_tables_new(sizeof(*lpm), name, config->max_rules, config->number_tbl8s);
	if (lpm == NULL)
		return NULL;
	strcpy(lpm->name, name);
	return lpm;
}

/* Writes e into slot and, through extended entries, every entry below it
 * that no longer route wrote. */
static void fill_shallower(struct sl_lpm6 *lpm, uint32_t *slot, uint8_t depth, uint32_t e)
{
	uint32_t cur = *slot;

	if (cur & SL_LPM6_EXT) {
		uint32_t *g = group_of(lpm, cur);
		unsigned int j;

		for (j = 0; j < GROUP; j++)
			fill_shallower(lpm, &g[j], depth, e);
	} else if (!(cur & SL_LPM6_VALID) || entry_depth(cur) <= depth) {
		lpm_entry_store(slot, e);
	}
}

/* The same for a delete: what the route of depth wrote becomes repl. */
static void unfill(struct sl_lpm6 *lpm, uint32_t *slot, uint8_t depth, uint32_t repl)
{
	uint32_t cur = *slot;

	if (cur & SL_LPM6_EXT) {
		uint32_t *g = group_of(lpm, cur);
		unsigned int j;

		for (j = 0; j < GROUP; j++)
			unfill(lpm, &g[j], depth, repl);
	} else if ((cur & SL_LPM6_VALID) && entry_depth(cur) == depth) {
		lpm_entry_store(slot, repl);
	}
}

/* Groups a route of depth needs that the path of key does not have yet. */
static uint32_t groups_missing(const struct sl_lpm6 *lpm, const uint8_t *key, uint8_t depth)
{
	const uint32_t *table = lpm->t.tbl24;
	unsigned int end = 24;

	while (depth > end) {
		uint32_t e = table[level_index(key, end)];

		if (!(e & SL_LPM6_EXT))
			return (uint32_t)(depth - end + 7) / 8;
		table = group_of(lpm, e);
		end += 8;
	}
	return 0;
}

static void add_route(struct sl_lpm6 *lpm, const uint8_t *key, uint8_t depth, uint32_t e)
{
	uint32_t *table = lpm->t.tbl24;
	unsigned int end = 24;
	uint32_t first, i;

	while (depth > end) {
		uint32_t *slot = &table[level_index(key, end)];

		if (!(*slot & SL_LPM6_EXT)) {
			/* groups_missing said there is one: filled, then linked */
			int g = lpm_group_alloc(&lpm->t);
			uint32_t *t = lpm->t.tbl8 + (size_t)g * GROUP;
			unsigned int j;

			for (j = 0; j < GROUP; j++)
				lpm_entry_store(&t[j], *slot);
			lpm_entry_store(slot, SL_LPM6_VALID | SL_LPM6_EXT | (uint32_t)g);
		}
		table = group_of(lpm, *slot);
		end += 8;
	}
	first = level_index(key, end);
	for (i = first; i < first + (1u << (end - depth)); i++)
		fill_shallower(lpm, &table[i], depth, e);
}

int sl_lpm6_add(struct sl_lpm6 *lpm, const uint8_t *ip, uint8_t depth, uint32_t next_hop)
{
	uint8_t key[LPM_KEY_LEN];
	uint32_t old_hop;
	int added;

	if (lpm == NULL || ip == NULL || depth < 1 || depth > SL_LPM6_MAX_DEPTH ||
	    next_hop > SL_LPM6_MAX_NEXT_HOP)
		return -EINVAL;
	memcpy(key, ip, LPM_KEY_LEN);
	lpm_key_mask(key, depth);
	added = lpm_rules_get(lpm->t.rules, key, depth, &old_hop) != 0;
	if (added && groups_missing(lpm, key, depth) > lpm->t.tbl8_free)
		return -ENOSPC;
	if (lpm_rules_put(lpm->t.rules, key, depth, next_hop) < 0)
		return -ENOSPC;
	add_route(lpm, key, depth, entry_make(depth, next_hop));
	return 0;
}

/* A group whose entries all came from routes no longer than its parent
 * level (end) holds one value: put it back into the parent slot. */
static void try_collapse(struct sl_lpm6 *lpm, uint32_t *slot, unsigned int end)
{
	const uint32_t *t = group_of(lpm, *slot);
	uint32_t g = *slot & SL_LPM6_NH_MASK;
	unsigned int j;

	for (j = 0; j < GROUP; j++)
		if ((t[j] & SL_LPM6_EXT) || ((t[j] & SL_LPM6_VALID) && entry_depth(t[j]) > end))
			return;
	lpm_entry_store(slot, t[0]);
	lpm_group_release(&lpm->t, g);
}

/* Removes the route from the level ending at end downwards, collapsing
 * the groups on its path that it alone needed. */
static void del_route(struct sl_lpm6 *lpm, uint32_t *table, unsigned int end, const uint8_t *key,
		      uint8_t depth, uint32_t repl)
{
	uint32_t first = level_index(key, end), i;

	if (depth > end) {
		uint32_t *slot = &table[first];

		del_route(lpm, group_of(lpm, *slot), end + 8, key, depth, repl);
		try_collapse(lpm, slot, end);
		return;
	}
	for (i = first; i < first + (1u << (end - depth)); i++)
		unfill(lpm, &table[i], depth, repl);
}

int sl_lpm6_delete(struct sl_lpm6 *lpm, const uint8_t *ip, uint8_t depth)
{
	uint8_t key[LPM_KEY_LEN], cover_depth;
	uint32_t repl = 0, cover_hop;

	if (lpm == NULL || ip == NULL || depth < 1 || depth > SL_LPM6_MAX_DEPTH)
		return -EINVAL;
	memcpy(key, ip, LPM_KEY_LEN);
	lpm_key_mask(key, depth);
	if (lpm_rules_del(lpm->t.rules, key, depth) != 0)
		return -ENOENT;
	if (lpm_rules_cover(lpm->t.rules, key, depth, &cover_depth, &cover_hop) == 0)
		repl = entry_make(cover_depth, cover_hop);
	del_route(lpm, lpm->t.tbl24, 24, key, depth, repl);
	return 0;
}

void sl_lpm6_delete_all(struct sl_lpm6 *lpm)
{
	lpm_tables_clear(&lpm->t);
}

int sl_lpm6_is_rule_present(struct sl_lpm6 *lpm, const uint8_t *ip, uint8_t depth,
			    uint32_t *next_hop)
{
	uint8_t key[LPM_KEY_LEN];

	if (lpm == NULL || ip == NULL || depth < 1 || depth > SL_LPM6_MAX_DEPTH)
		return -EINVAL;
	memcpy(key, ip, LPM_KEY_LEN);
	lpm_key_mask(key, depth);
	return lpm_rules_get(lpm->t.rules, key, depth, next_hop) == 0;
}
