/* SPDX-License-Identifier: BSD-3-Clause
 * IPv4 LPM control path (sl_lpm.h): table memory, add and delete. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "lpm_private.h"
#include "sl_log.h"

#define TBL24_ENTRIES (1u << 24)

static uint32_t entry_make(uint8_t depth, uint32_t next_hop)
{
	return SL_LPM_VALID | (uint32_t)depth << SL_LPM_DEPTH_SHIFT | next_hop;
}

static uint8_t entry_depth(uint32_t e)
{
	return (uint8_t)(e >> SL_LPM_DEPTH_SHIFT);
}

static void entry_store(uint32_t *slot, uint32_t e)
{
	__atomic_store_n(slot, e, __ATOMIC_RELEASE);
}

void *lpm_table_alloc(size_t bytes)
{
	void *p = mmap(NULL, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED)
		return NULL;
	madvise(p, bytes, MADV_HUGEPAGE);
	return p;
}

void lpm_table_free(void *p, size_t bytes)
{
	if (p != NULL)
		munmap(p, bytes);
}

void sl_lpm_free(struct sl_lpm *lpm)
{
	if (lpm == NULL)
		return;
	lpm_table_free(lpm->tbl24, TBL24_ENTRIES * sizeof(uint32_t));
	lpm_table_free(lpm->tbl8, (size_t)SL_MAX(lpm->number_tbl8s, 1) * SL_LPM_TBL8_GROUP_ENTRIES *
			       sizeof(uint32_t));
	free(lpm->tbl8_used);
	lpm_rules_free(lpm->rules);
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
	lpm = calloc(1, sizeof(*lpm));
	if (lpm == NULL)
		goto nomem;
	strcpy(lpm->name, name);
	lpm->number_tbl8s = config->number_tbl8s;
	lpm->tbl8_free = config->number_tbl8s;
	lpm->tbl24 = lpm_table_alloc(TBL24_ENTRIES * sizeof(uint32_t));
	lpm->tbl8 = lpm_table_alloc((size_t)SL_MAX(config->number_tbl8s, 1) *
				SL_LPM_TBL8_GROUP_ENTRIES * sizeof(uint32_t));
	lpm->tbl8_used = calloc(SL_MAX(config->number_tbl8s, 1), 1);
	lpm->rules = lpm_rules_create(config->max_rules);
	if (lpm->tbl24 == NULL || lpm->tbl8 == NULL || lpm->tbl8_used == NULL || lpm->rules == NULL)
		goto nomem;
	return lpm;
nomem:
	SL_LOG(ERR, LPM, "sl_lpm_create %s: out of memory for %u rules and %u tbl8 groups "
	       "(about 64 MB + 1 KB per group)", name, config->max_rules, config->number_tbl8s);
	sl_lpm_free(lpm);
	errno = ENOMEM;
	return NULL;
}

int lpm_group_alloc(uint8_t *used, uint32_t *nb_free)
{
	uint32_t g;

	if (*nb_free == 0)
		return -ENOSPC;
	for (g = 0; used[g]; g++)
		;
	used[g] = 1;
	(*nb_free)--;
	return (int)g;
}

/* Writes e into the entries of group g from first, count of them, that a
 * route of depth owns or may take: those no longer route wrote. */
static void group_fill(struct sl_lpm *lpm, uint32_t g, uint32_t first, uint32_t count,
		       uint8_t depth, uint32_t e)
{
	uint32_t *t = lpm->tbl8 + (size_t)g * SL_LPM_TBL8_GROUP_ENTRIES;
	uint32_t j;

	for (j = first; j < first + count; j++)
		if (!(t[j] & SL_LPM_VALID) || entry_depth(t[j]) <= depth)
			entry_store(&t[j], e);
}

static void add_short(struct sl_lpm *lpm, uint32_t ip, uint8_t depth, uint32_t next_hop)
{
	uint32_t e = entry_make(depth, next_hop);
	uint32_t i, first = ip >> 8, last = first + (1u << (24 - depth));

	for (i = first; i < last; i++) {
		uint32_t cur = lpm->tbl24[i];

		if (cur & SL_LPM_EXT)
			group_fill(lpm, cur & SL_LPM_NH_MASK, 0, SL_LPM_TBL8_GROUP_ENTRIES, depth, e);
		else if (!(cur & SL_LPM_VALID) || entry_depth(cur) <= depth)
			entry_store(&lpm->tbl24[i], e);
	}
}

static int add_long(struct sl_lpm *lpm, uint32_t ip, uint8_t depth, uint32_t next_hop)
{
	uint32_t *slot = &lpm->tbl24[ip >> 8];
	uint32_t cur = *slot;
	int g;

	if (cur & SL_LPM_EXT) {
		g = (int)(cur & SL_LPM_NH_MASK);
	} else {
		uint32_t *t;
		uint32_t j;

		g = lpm_group_alloc(lpm->tbl8_used, &lpm->tbl8_free);
		if (g < 0)
			return g;
		/* The group starts as the /24 was, then goes live. */
		t = lpm->tbl8 + (size_t)g * SL_LPM_TBL8_GROUP_ENTRIES;
		for (j = 0; j < SL_LPM_TBL8_GROUP_ENTRIES; j++)
			entry_store(&t[j], cur);
		entry_store(slot, SL_LPM_VALID | SL_LPM_EXT | (uint32_t)g);
	}
	group_fill(lpm, (uint32_t)g, ip & 0xff, 1u << (32 - depth), depth, entry_make(depth, next_hop));
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
	added = lpm_rules_get(lpm->rules, key, depth, &old_hop) != 0;
	if (added && lpm_rules_put(lpm->rules, key, depth, next_hop) < 0)
		return -ENOSPC;
	if (depth <= 24)
		add_short(lpm, ip, depth, next_hop);
	else
		rc = add_long(lpm, ip, depth, next_hop);
	if (rc != 0) {
		lpm_rules_del(lpm->rules, key, depth);
		return rc;
	}
	if (!added)
		lpm_rules_put(lpm->rules, key, depth, next_hop);
	return 0;
}

/* Entries of group g from first, count of them, written by the route of
 * depth being deleted, get repl (the covering route's, or invalid). */
static void group_unfill(struct sl_lpm *lpm, uint32_t g, uint32_t first, uint32_t count,
			 uint8_t depth, uint32_t repl)
{
	uint32_t *t = lpm->tbl8 + (size_t)g * SL_LPM_TBL8_GROUP_ENTRIES;
	uint32_t j;

	for (j = first; j < first + count; j++)
		if ((t[j] & SL_LPM_VALID) && entry_depth(t[j]) == depth)
			entry_store(&t[j], repl);
}

/* A group whose entries all came from routes of depth <= 24 holds one
 * value (such routes cover the whole /24): put it back into tbl24. */
static void group_try_collapse(struct sl_lpm *lpm, uint32_t *slot)
{
	uint32_t g = *slot & SL_LPM_NH_MASK;
	const uint32_t *t = lpm->tbl8 + (size_t)g * SL_LPM_TBL8_GROUP_ENTRIES;
	uint32_t j;

	for (j = 0; j < SL_LPM_TBL8_GROUP_ENTRIES; j++)
		if ((t[j] & SL_LPM_VALID) && entry_depth(t[j]) > 24)
			return;
	entry_store(slot, t[0]);
	lpm->tbl8_used[g] = 0;
	lpm->tbl8_free++;
}

int sl_lpm_delete(struct sl_lpm *lpm, uint32_t ip, uint8_t depth)
{
	uint32_t repl = 0, cover_hop, i, first, last;
	uint8_t key[LPM_KEY_LEN], cover_depth;

	if (lpm == NULL || depth < 1 || depth > SL_LPM_MAX_DEPTH)
		return -EINVAL;
	ip &= lpm_depth_mask(depth);
	lpm_key4(key, ip);
	if (lpm_rules_del(lpm->rules, key, depth) != 0)
		return -ENOENT;
	if (lpm_rules_cover(lpm->rules, key, depth, &cover_depth, &cover_hop) == 0)
		repl = entry_make(cover_depth, cover_hop);
	if (depth > 24) {
		uint32_t *slot = &lpm->tbl24[ip >> 8];

		group_unfill(lpm, *slot & SL_LPM_NH_MASK, ip & 0xff, 1u << (32 - depth), depth, repl);
		group_try_collapse(lpm, slot);
		return 0;
	}
	first = ip >> 8;
	last = first + (1u << (24 - depth));
	for (i = first; i < last; i++) {
		uint32_t cur = lpm->tbl24[i];

		if (cur & SL_LPM_EXT)
			group_unfill(lpm, cur & SL_LPM_NH_MASK, 0, SL_LPM_TBL8_GROUP_ENTRIES, depth, repl);
		else if ((cur & SL_LPM_VALID) && entry_depth(cur) == depth)
			entry_store(&lpm->tbl24[i], repl);
	}
	return 0;
}

void sl_lpm_delete_all(struct sl_lpm *lpm)
{
	lpm_rules_clear(lpm->rules);
	memset(lpm->tbl24, 0, TBL24_ENTRIES * sizeof(uint32_t));
	memset(lpm->tbl8_used, 0, SL_MAX(lpm->number_tbl8s, 1));
	lpm->tbl8_free = lpm->number_tbl8s;
}

int sl_lpm_is_rule_present(struct sl_lpm *lpm, uint32_t ip, uint8_t depth, uint32_t *next_hop)
{
	uint8_t key[LPM_KEY_LEN];

	if (lpm == NULL || depth < 1 || depth > SL_LPM_MAX_DEPTH)
		return -EINVAL;
	lpm_key4(key, ip & lpm_depth_mask(depth));
	return lpm_rules_get(lpm->rules, key, depth, next_hop) == 0;
}
