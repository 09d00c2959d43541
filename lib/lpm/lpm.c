/* SPDX-License-Identifier: BSD-3-Clause
 * IPv4 LPM control path (sl_lpm.h): table memory, add and delete. */
#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "lpm_private.h"
#include "sl_eal.h"
#include "sl_log.h"

#define TBL24_ENTRIES (1u << 24)
#define GROUP SL_LPM_TBL8_GROUP_ENTRIES

/* An entry is what a lookup returns (valid | next hop, or extended |
 * group); the depth of the route that wrote it lives beside it, in
 * tbl24_depth and tbl8_depth, which only the writer reads. */
static void entry_set(uint32_t *slot, uint8_t *depth_slot, uint8_t depth, uint32_t e)
{
	*depth_slot = depth;
	lpm_entry_store(slot, e);
}

static size_t tbl8_depth_bytes(uint32_t groups)
{
	return (size_t)SL_MAX(groups, 1) * GROUP;
}

void sl_lpm_free(struct sl_lpm *lpm)
{
	if (lpm == NULL)
		return;
	lpm_tables_fini(&lpm->t);
	sl_table_free(lpm->tbl24_depth, TBL24_ENTRIES);
	sl_table_free(lpm->tbl8_depth, tbl8_depth_bytes(lpm->t.number_tbl8s));
	free(lpm);
}

struct sl_lpm *sl_lpm_create(const char *name, int socket_id, const struct sl_lpm_config *config)
{
	struct sl_lpm *lpm;

	(void)socket_id;
	if (name == NULL || strlen(name) >= SL_LPM_NAMESIZE || config == NULL ||
	    config->max_rules == 0 || config->number_tbl8s > SL_LPM_MAX_NEXT_HOP + 1 ||
	    config->flags != 0) {
		SL_LOG(ERR, LPM, "sl_lpm_create: need a name of at most %d characters, max_rules "
		       ">= 1, number_tbl8s <= 2^24 and flags 0", SL_LPM_NAMESIZE - 1);
		errno = EINVAL;
		return NULL;
	}
	SL_STATIC_ASSERT(offsetof(struct sl_lpm, t) == 0, "lpm_tables_new's layout");
	lpm = lpm_tables_new(sizeof(*lpm), name, config->max_rules, config->number_tbl8s);
	if (lpm == NULL)
		return NULL;
	lpm->tbl24_depth = sl_table_zalloc(TBL24_ENTRIES);
	lpm->tbl8_depth = sl_table_zalloc(tbl8_depth_bytes(config->number_tbl8s));
	if (lpm->tbl24_depth == NULL || lpm->tbl8_depth == NULL) {
		SL_LOG(ERR, LPM, "sl_lpm_create %s: out of memory for the route depths (16 MB + "
		       "256 bytes per tbl8 group)", name);
		sl_lpm_free(lpm);
		errno = ENOMEM;
		return NULL;
	}
	strcpy(lpm->name, name);
	return lpm;
}

/* Writes e into the entries of group g from first, count of them, that a
 * route of depth owns or may take: those no longer route wrote. */
static void group_fill(struct sl_lpm *lpm, uint32_t g, uint32_t first, uint32_t count,
		       uint8_t depth, uint32_t e)
{
	uint32_t *t = lpm->t.tbl8 + (size_t)g * GROUP;
	uint8_t *d = lpm->tbl8_depth + (size_t)g * GROUP;
	uint32_t j;

	for (j = first; j < first + count; j++)
		if (!(t[j] & SL_LPM_VALID) || d[j] <= depth)
			entry_set(&t[j], &d[j], depth, e);
}

static void add_short(struct sl_lpm *lpm, uint32_t ip, uint8_t depth, uint32_t next_hop)
{
	uint32_t e = SL_LPM_VALID | next_hop;
	uint32_t i, first = ip >> 8, last = first + (1u << (24 - depth));

	for (i = first; i < last; i++) {
		uint32_t cur = lpm->t.tbl24[i];

		if (cur & SL_LPM_EXT)
			group_fill(lpm, cur & SL_LPM_NH_MASK, 0, GROUP, depth, e);
		else if (!(cur & SL_LPM_VALID) || lpm->tbl24_depth[i] <= depth)
			entry_set(&lpm->t.tbl24[i], &lpm->tbl24_depth[i], depth, e);
	}
}

static int add_long(struct sl_lpm *lpm, uint32_t ip, uint8_t depth, uint32_t next_hop)
{
	uint32_t i = ip >> 8, cur = lpm->t.tbl24[i];
	int g;

	if (cur & SL_LPM_EXT) {
		g = (int)(cur & SL_LPM_NH_MASK);
	} else {
		uint32_t *t;
		uint32_t j;

		g = lpm_group_alloc(&lpm->t);
		if (g < 0)
			return g;
		/* The group starts as the /24 was, then goes live. */
		t = lpm->t.tbl8 + (size_t)g * GROUP;
		for (j = 0; j < GROUP; j++)
			entry_set(&t[j], &lpm->tbl8_depth[(size_t)g * GROUP + j], lpm->tbl24_depth[i],
				  cur);
		lpm_entry_store(&lpm->t.tbl24[i], SL_LPM_VALID | SL_LPM_EXT | (uint32_t)g);
	}
	group_fill(lpm, (uint32_t)g, ip & 0xff, 1u << (32 - depth), depth, SL_LPM_VALID | next_hop);
	return 0;
}

int sl_lpm_add(struct sl_lpm *lpm, uint32_t ip, uint8_t depth, uint32_t next_hop)
{
	uint8_t key[LPM_KEY_LEN];
	uint32_t old_hop;
	int added, rc = 0;

	if (lpm == NULL || depth < 1 || depth > SL_LPM_MAX_DEPTH || next_hop > SL_LPM_MAX_NEXT_HOP)
		return -EINVAL;
	ip &= lpm_depth_mask(depth);
	lpm_key4(key, ip);
	added = lpm_rules_get(lpm->t.rules, key, depth, &old_hop) != 0;
	if (added && lpm_rules_put(lpm->t.rules, key, depth, next_hop) < 0)
		return -ENOSPC;
	if (depth <= 24)
		add_short(lpm, ip, depth, next_hop);
	else
		rc = add_long(lpm, ip, depth, next_hop);
	if (rc != 0) {
		lpm_rules_del(lpm->t.rules, key, depth);
		return rc;
	}
	if (!added)
		lpm_rules_put(lpm->t.rules, key, depth, next_hop);
	return 0;
}

/* Entries of group g from first, count of them, written by the route of
 * depth being deleted, get repl of repl_depth (the covering route's, or
 * invalid). */
static void group_unfill(struct sl_lpm *lpm, uint32_t g, uint32_t first, uint32_t count,
			 uint8_t depth, uint32_t repl, uint8_t repl_depth)
{
	uint32_t *t = lpm->t.tbl8 + (size_t)g * GROUP;
	uint8_t *d = lpm->tbl8_depth + (size_t)g * GROUP;
	uint32_t j;

	for (j = first; j < first + count; j++)
		if ((t[j] & SL_LPM_VALID) && d[j] == depth)
			entry_set(&t[j], &d[j], repl_depth, repl);
}

/* A group whose entries all came from routes of depth <= 24 holds one
 * value (such routes cover the whole /24): put it back into tbl24. */
static void group_try_collapse(struct sl_lpm *lpm, uint32_t i)
{
	uint32_t g = lpm->t.tbl24[i] & SL_LPM_NH_MASK;
	const uint32_t *t = lpm->t.tbl8 + (size_t)g * GROUP;
	const uint8_t *d = lpm->tbl8_depth + (size_t)g * GROUP;
	uint32_t j;

	for (j = 0; j < GROUP; j++)
		if ((t[j] & SL_LPM_VALID) && d[j] > 24)
			return;
	entry_set(&lpm->t.tbl24[i], &lpm->tbl24_depth[i], d[0], t[0]);
	lpm_group_release(&lpm->t, g);
}

int sl_lpm_delete(struct sl_lpm *lpm, uint32_t ip, uint8_t depth)
{
	uint32_t repl = 0, cover_hop, i, first, last;
	uint8_t key[LPM_KEY_LEN], cover_depth = 0;

	if (lpm == NULL || depth < 1 || depth > SL_LPM_MAX_DEPTH)
		return -EINVAL;
	ip &= lpm_depth_mask(depth);
	lpm_key4(key, ip);
	if (lpm_rules_del(lpm->t.rules, key, depth) != 0)
		return -ENOENT;
	if (lpm_rules_cover(lpm->t.rules, key, depth, &cover_depth, &cover_hop) == 0)
		repl = SL_LPM_VALID | cover_hop;
	else
		cover_depth = 0;
	if (depth > 24) {
		i = ip >> 8;
		group_unfill(lpm, lpm->t.tbl24[i] & SL_LPM_NH_MASK, ip & 0xff, 1u << (32 - depth),
			     depth, repl, cover_depth);
		group_try_collapse(lpm, i);
		return 0;
	}
	first = ip >> 8;
	last = first + (1u << (24 - depth));
	for (i = first; i < last; i++) {
		uint32_t cur = lpm->t.tbl24[i];

		if (cur & SL_LPM_EXT)
			group_unfill(lpm, cur & SL_LPM_NH_MASK, 0, GROUP, depth, repl, cover_depth);
		else if ((cur & SL_LPM_VALID) && lpm->tbl24_depth[i] == depth)
			entry_set(&lpm->t.tbl24[i], &lpm->tbl24_depth[i], cover_depth, repl);
	}
	return 0;
}

void sl_lpm_delete_all(struct sl_lpm *lpm)
{
	lpm_tables_clear(&lpm->t);
}

int sl_lpm_is_rule_present(struct sl_lpm *lpm, uint32_t ip, uint8_t depth, uint32_t *next_hop)
{
	uint8_t key[LPM_KEY_LEN];

	if (lpm == NULL || depth < 1 || depth > SL_LPM_MAX_DEPTH)
		return -EINVAL;
	lpm_key4(key, ip & lpm_depth_mask(depth));
	return lpm_rules_get(lpm->t.rules, key, depth, next_hop) == 0;
}
