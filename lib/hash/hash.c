/* SPDX-License-Identifier: BSD-3-Clause
 * Sluice hash table control path (sl_hash.h): create, the single writer's
 * add (with cuckoo displacement) and delete, iteration. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "sl_eal.h"
#include "sl_hash.h"
#include "sl_log.h"

/* Breadth-first search for a displacement path: buckets it may visit. */
#define HASH_BFS_MAX 1024

struct bfs_node {
	uint32_t bkt;
	int32_t parent;		/* node index, -1 for a root */
	uint8_t slot;		/* entry of the parent's bucket that moves here */
};

void sl_hash_free(struct sl_hash *h)
{
	if (h == NULL)
		return;
	sl_table_free(h->buckets, h->buckets_bytes);
	sl_table_free(h->key_store, h->key_store_bytes);
	free(h->free_slots);
	free(h);
}

void sl_hash_reset(struct sl_hash *h)
{
	uint32_t i;

	memset(h->buckets, 0, ((size_t)h->bucket_mask + 1) * sizeof(*h->buckets));
	/* slot 0 is "empty": records 1..entries are the keys */
	for (i = 0; i < h->entries; i++)
		h->free_slots[i] = h->entries - i;
	h->nb_free = h->entries;
	__atomic_fetch_add(&h->tbl_chng_cnt, 1, __ATOMIC_RELEASE);
}

struct sl_hash *sl_hash_create(const struct sl_hash_parameters *p)
{
	struct sl_hash *h;
	uint32_t nb_buckets;

	if (p == NULL || p->name == NULL || strlen(p->name) >= SL_HASH_NAMESIZE ||
	    p->entries == 0 || p->entries > (1u << 30) || p->key_len == 0 ||
	    p->key_len > SL_HASH_MAX_KEY_LEN ||
	    (p->extra_flag & ~SL_HASH_EXTRA_FLAGS_NO_FREE_ON_DEL) != 0) {
		SL_LOG(ERR, HASH, "sl_hash_create: need a name of at most %d characters, entries "
		       "1..2^30, key_len 1..%d and only SL_HASH_EXTRA_FLAGS_NO_FREE_ON_DEL",
		       SL_HASH_NAMESIZE - 1, SL_HASH_MAX_KEY_LEN);
		errno = EINVAL;
		return NULL;
	}
	h = calloc(1, sizeof(*h));
	if (h == NULL)
		goto nomem;
	/* As rte_hash: 8-entry buckets for the next power of two of entries,
	 * which cuckoo displacement fills to well over 90 %. */
	nb_buckets = SL_MAX(sl_align32pow2(p->entries) / SL_HASH_BUCKET_ENTRIES, 2u);
	strcpy(h->name, p->name);
	h->bucket_mask = nb_buckets - 1;
	h->key_len = p->key_len;
	/* A record never straddles two cache lines: a hit reads its bucket's
	 * line and its record's, no more. */
	h->rec_size = (uint32_t)sizeof(void *) + p->key_len;
	h->rec_size = h->rec_size <= SL_CACHE_LINE_SIZE ? sl_align32pow2(h->rec_size)
							: SL_ALIGN_CEIL(h->rec_size, SL_CACHE_LINE_SIZE);
	h->entries = p->entries;
	h->extra_flag = p->extra_flag;
	h->hash_func = p->hash_func;
	h->hash_func_init_val = p->hash_func_init_val;
	h->buckets_bytes = (size_t)nb_buckets * sizeof(*h->buckets);
	h->key_store_bytes = ((size_t)p->entries + 1) * h->rec_size;
	h->buckets = sl_table_zalloc(h->buckets_bytes);
	h->key_store = sl_table_zalloc(h->key_store_bytes);
	h->free_slots = malloc((size_t)p->entries * sizeof(uint32_t));
	if (h->buckets == NULL || h->key_store == NULL || h->free_slots == NULL)
		goto nomem;
	sl_hash_reset(h);
	return h;
nomem:
	SL_LOG(ERR, HASH, "sl_hash_create %s: out of memory for %u keys of %u bytes", p->name,
	       p->entries, p->key_len);
	sl_hash_free(h);
	errno = ENOMEM;
	return NULL;
}

int32_t sl_hash_count(const struct sl_hash *h)
{
	return (int32_t)(h->entries - h->nb_free);
}

static int free_slot_in(const struct sl_hash_bucket *b)
{
	int i;

	for (i = 0; i < SL_HASH_BUCKET_ENTRIES; i++)
		if (b->key_idx[i] == 0)
			return i;
	return -1;
}

/* Moves entries along the path ending at node n (whose bucket has free
 * slot free_at) one step each, last first, so that every move lands in a
 * free slot; returns the root's bucket slot that is free at the end. */
static int displace_along(struct sl_hash *h, const struct bfs_node *q, int32_t n, int free_at)
{
	while (q[n].parent >= 0) {
		struct sl_hash_bucket *from = &h->buckets[q[q[n].parent].bkt];
		struct sl_hash_bucket *to = &h->buckets[q[n].bkt];
		uint8_t s = q[n].slot;

		__atomic_store_n(&to->sig[free_at], from->sig[s], __ATOMIC_RELAXED);
		__atomic_store_n(&to->key_idx[free_at], from->key_idx[s], __ATOMIC_RELEASE);
		__atomic_fetch_add(&h->tbl_chng_cnt, 1, __ATOMIC_RELEASE);
		__atomic_store_n(&from->key_idx[s], 0, __ATOMIC_RELEASE);
		free_at = s;
		n = q[n].parent;
	}
	return free_at;
}

/* Whether bkt is node n's bucket or an ancestor's: a path through a
 * bucket twice could move an entry it moved earlier to the wrong place. */
static int on_path(const struct bfs_node *q, int32_t n, uint32_t bkt)
{
	for (; n >= 0; n = q[n].parent)
		if (q[n].bkt == bkt)
			return 1;
	return 0;
}

/* A free slot in bucket prim or sec, making one by displacement if need
 * be: *bkt and the slot, or -ENOSPC. */
static int make_room(struct sl_hash *h, uint32_t prim, uint32_t sec, uint32_t *bkt)
{
	static __thread struct bfs_node q[HASH_BFS_MAX];
	int32_t head = 0, tail = 0;

	q[tail++] = (struct bfs_node){ prim, -1, 0 };
	q[tail++] = (struct bfs_node){ sec, -1, 0 };
	while (head < tail) {
		const struct sl_hash_bucket *b = &h->buckets[q[head].bkt];
		int free_at = free_slot_in(b);
		unsigned int s;

		if (free_at >= 0) {
			int32_t root = head;

			while (q[root].parent >= 0)
				root = q[root].parent;
			*bkt = q[root].bkt;
			return displace_along(h, q, head, free_at);
		}
		for (s = 0; s < SL_HASH_BUCKET_ENTRIES && tail < HASH_BFS_MAX; s++) {
			uint32_t alt = sl_hash_alt_bkt(h, q[head].bkt, b->sig[s]);

			if (!on_path(q, head, alt))
				q[tail++] = (struct bfs_node){ alt, head, (uint8_t)s };
		}
		head++;
	}
	return -ENOSPC;
}

static int32_t add_key(struct sl_hash *h, const void *key, void *data)
{
	uint32_t hv = sl_hash_hash(h, key), idx, bkt;
	uint16_t sig = (uint16_t)(hv >> 16);
	uint32_t prim = hv & h->bucket_mask, sec = sl_hash_alt_bkt(h, prim, sig);
	uint8_t *rec;
	int slot;

	idx = sl_hash_find_(h, key, hv);
	if (idx != 0) {
		__atomic_store_n((void **)sl_hash_rec_(h, idx), data, __ATOMIC_RELEASE);
		return (int32_t)(idx - 1);
	}
	if (h->nb_free == 0)
		return -ENOSPC;
	slot = make_room(h, prim, sec, &bkt);
	if (slot < 0)
		return slot;
	idx = h->free_slots[--h->nb_free];
	rec = sl_hash_rec_(h, idx);
	__atomic_store_n((void **)rec, data, __ATOMIC_RELAXED);
	memcpy(rec + sizeof(void *), key, h->key_len);
	__atomic_store_n(&h->buckets[bkt].sig[slot], sig, __ATOMIC_RELAXED);
	__atomic_store_n(&h->buckets[bkt].key_idx[slot], idx, __ATOMIC_RELEASE);
	return (int32_t)(idx - 1);
}

int32_t sl_hash_add_key(struct sl_hash *h, const void *key)
{
	if (h == NULL || key == NULL)
		return -EINVAL;
	return add_key(h, key, NULL);
}

int sl_hash_add_key_data(struct sl_hash *h, const void *key, void *data)
{
	int32_t pos;

	if (h == NULL || key == NULL)
		return -EINVAL;
	pos = add_key(h, key, data);
	return pos < 0 ? pos : 0;
}

int32_t sl_hash_del_key(struct sl_hash *h, const void *key)
{
	uint32_t hv, b, bkts[2];
	uint16_t sig;
	int i;

	if (h == NULL || key == NULL)
		return -EINVAL;
	hv = sl_hash_hash(h, key);
	sig = (uint16_t)(hv >> 16);
	bkts[0] = hv & h->bucket_mask;
	bkts[1] = sl_hash_alt_bkt(h, bkts[0], sig);
	for (b = 0; b < 2; b++) {
		struct sl_hash_bucket *bk = &h->buckets[bkts[b]];
		uint32_t idx = sl_hash_search_bkt_(h, bk, sl_hash_sig_match_(bk, sig), key);

		if (idx == 0)
			continue;
		for (i = 0; bk->key_idx[i] != idx; i++)
			;
		__atomic_store_n(&bk->key_idx[i], 0, __ATOMIC_RELEASE);
		if (!(h->extra_flag & SL_HASH_EXTRA_FLAGS_NO_FREE_ON_DEL))
			h->free_slots[h->nb_free++] = idx;
		return (int32_t)(idx - 1);
	}
	return -ENOENT;
}

int sl_hash_free_key_with_position(struct sl_hash *h, int32_t position)
{
	if (h == NULL || position < 0 || (uint32_t)position >= h->entries ||
	    !(h->extra_flag & SL_HASH_EXTRA_FLAGS_NO_FREE_ON_DEL))
		return -EINVAL;
	h->free_slots[h->nb_free++] = (uint32_t)position + 1;
	return 0;
}

int32_t sl_hash_iterate(const struct sl_hash *h, const void **key, void **data, uint32_t *next)
{
	uint32_t total = (h->bucket_mask + 1) * SL_HASH_BUCKET_ENTRIES;

	for (; *next < total; (*next)++) {
		uint32_t idx = h->buckets[*next / SL_HASH_BUCKET_ENTRIES]
				       .key_idx[*next % SL_HASH_BUCKET_ENTRIES];

		if (idx != 0) {
			const uint8_t *rec = sl_hash_rec_(h, idx);

			*key = rec + sizeof(void *);
			*data = __atomic_load_n((void *const *)rec, __ATOMIC_ACQUIRE);
			(*next)++;
			return (int32_t)(idx - 1);
		}
	}
	return -ENOENT;
}
