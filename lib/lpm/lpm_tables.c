/* SPDX-License-Identifier: BSD-3-Clause
 * The memory of an IPv4 or IPv6 LPM table (lpm_private.h): the first
 * level, the tbl8 groups and which of them are in use, the routes. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "lpm_private.h"
#include "sl_eal.h"
#include "sl_log.h"

#define TBL24_BYTES ((size_t)(1u << 24) * sizeof(uint32_t))

static size_t tbl8_bytes(uint32_t groups)
{
	return (size_t)SL_MAX(groups, 1) * SL_LPM_TBL8_GROUP_ENTRIES * sizeof(uint32_t);
}

void *lpm_tables_new(size_t size, const char *name, uint32_t max_rules, uint32_t number_tbl8s)
{
	struct sl_lpm_tables *t = calloc(1, size);

	if (t == NULL) {
		SL_LOG(ERR, LPM, "LPM table %s: out of memory", name);
		errno = ENOMEM;
		return NULL;
	}
	t->number_tbl8s = number_tbl8s;
	t->tbl8_free = number_tbl8s;
	/* huge pages: the first level is read at random */
	t->tbl24 = sl_table_zalloc(TBL24_BYTES);
	t->tbl8 = sl_table_zalloc(tbl8_bytes(number_tbl8s));
	t->tbl8_used = calloc(SL_MAX(number_tbl8s, 1), 1);
	t->rules = lpm_rules_create(max_rules);
	if (t->tbl24 == NULL || t->tbl8 == NULL || t->tbl8_used == NULL || t->rules == NULL) {
		SL_LOG(ERR, LPM, "LPM table %s: out of memory for %u rules and %u tbl8 groups (about "
		       "64 MB + 1 KB per group)", name, max_rules, number_tbl8s);
		lpm_tables_fini(t);
		free(t);
		errno = ENOMEM;
		return NULL;
	}
	return t;
}

void lpm_tables_fini(struct sl_lpm_tables *t)
{
	sl_table_free(t->tbl24, TBL24_BYTES);
	sl_table_free(t->tbl8, tbl8_bytes(t->number_tbl8s));
	free(t->tbl8_used);
	lpm_rules_free(t->rules);
	memset(t, 0, sizeof(*t));
}

void lpm_tables_clear(struct sl_lpm_tables *t)
{
	lpm_rules_clear(t->rules);
	memset(t->tbl24, 0, TBL24_BYTES);
	memset(t->tbl8_used, 0, SL_MAX(t->number_tbl8s, 1));
	t->tbl8_free = t->number_tbl8s;
}

int lpm_group_alloc(struct sl_lpm_tables *t)
{
	uint32_t g;

	if (t->tbl8_free == 0)
		return -ENOSPC;
	for (g = 0; t->tbl8_used[g]; g++)
		;
	t->tbl8_used[g] = 1;
	t->tbl8_free--;
	return (int)g;
}

void lpm_group_release(struct sl_lpm_tables *t, uint32_t g)
{
	t->tbl8_used[g] = 0;
	t->tbl8_free++;
}
