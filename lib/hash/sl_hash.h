/* SPDX-License-Identifier: BSD-3-Clause
 * Sluice hash table: cuckoo hashing in rte_hash's shape.
 *
 * A key hashes (CRC32C by default) to a primary bucket, h & mask, and a
 * 16-bit short signature, h >> 16; its secondary bucket is primary xor an
 * odd multiple of sig, so either bucket and the signature give the other. A bucket is one cache
 * line: 8 signatures and 8 key-store indices (0: empty). Keys and data
 * pointers live in the key store. An insert whose buckets are both full
 * moves entries to their other bucket along the shortest path (breadth
 * first, depth <= 4) that ends in a free slot.
 *
 * Concurrency: one writer (add, delete) at a time, any number of readers
 * without locks. The memory-ordering argument, once:
 *  - A new entry's key and data are written to a free key-store slot, then
 *    the bucket's signature, then its index with a release store. A reader
 *    loads the index with acquire, so it sees the key and data behind it.
 *  - A displacement copies the entry to its free slot in the other bucket
 *    (release), increments tbl_chng_cnt (release), and only then clears
 *    the old slot (release). A reader loads the counter (acquire) before
 *    searching and again when it missed; every signature and index load of
 *    the search is an acquire, so the second counter load cannot be
 *    performed before them (x86: plain loads). If it missed because the
 *    entry left a bucket it had not read yet for one it had already read,
 *    the clear (or later write) it saw was ordered after the increment, so
 *    the second load sees a new count and the reader searches again.
 *  - A delete clears the index (release). Its key-store slot may be taken
 *    by the next add at once, which a reader still comparing the old key
 *    could see half written: with concurrent readers create the table with
 *    SL_HASH_EXTRA_FLAGS_NO_FREE_ON_DEL and hand the position back with
 *    sl_hash_free_key_with_position once no reader can hold it (after a
 *    grace period: every reader has finished the lookups it had started).
 */
#ifndef SL_HASH_H
#define SL_HASH_H

#include <errno.h>
#include <stdint.h>
#include <string.h>

#include "sl_common.h"

#ifdef __cplusplus
extern "C" {
#endif

#define SL_HASH_NAMESIZE 32
#define SL_HASH_BUCKET_ENTRIES 8
#define SL_HASH_LOOKUP_BULK_MAX 64
/* A deleted key's store slot is reused only after sl_hash_free_key_with_position. */
#define SL_HASH_EXTRA_FLAGS_NO_FREE_ON_DEL 0x10

typedef uint32_t (*sl_hash_function)(const void *key, uint32_t key_len, uint32_t init_val);

struct sl_hash_parameters {
	const char *name;
	uint32_t entries;		/* keys it must hold */
	uint32_t key_len;		/* bytes, 1..SL_HASH_MAX_KEY_LEN */
	sl_hash_function hash_func;	/* NULL: sl_hash_crc */
	uint32_t hash_func_init_val;
	int socket_id;			/* accepted for rte_hash's shape */
	uint8_t extra_flag;		/* SL_HASH_EXTRA_FLAGS_* */
};

#define SL_HASH_MAX_KEY_LEN 128

struct sl_hash_bucket {
	uint16_t sig[SL_HASH_BUCKET_ENTRIES];
	uint32_t key_idx[SL_HASH_BUCKET_ENTRIES];	/* 0: empty, else key store slot + 1 */
	uint8_t pad_[SL_CACHE_LINE_SIZE - 6 * SL_HASH_BUCKET_ENTRIES];
} __sl_cache_aligned;

struct sl_hash {
	/* read by every lookup */
	struct sl_hash_bucket *buckets;
	uint8_t *key_store;		/* record i at i * rec_size: data pointer, key */
	uint32_t bucket_mask;
	uint32_t key_len;
	uint32_t rec_size;		/* a power of two up to a cache line: one line a record */
	uint32_t hash_func_init_val;
	sl_hash_function hash_func;	/* NULL: the inline CRC32C */
	/* bumped by the writer on each displacement (see above) */
	uint32_t tbl_chng_cnt __sl_cache_aligned;
	/* the writer's */
	uint32_t entries __sl_cache_aligned;
	uint8_t extra_flag;
	uint32_t *free_slots;		/* stack of free key store slots */
	uint32_t nb_free;
	size_t buckets_bytes, key_store_bytes;
	char name[SL_HASH_NAMESIZE];
};

/* NULL with errno EINVAL or ENOMEM and one error line. */
struct sl_hash *sl_hash_create(const struct sl_hash_parameters *params);
void sl_hash_free(struct sl_hash *h);
void sl_hash_reset(struct sl_hash *h);
int32_t sl_hash_count(const struct sl_hash *h);

/* The key's position (>= 0, stable while it is in the table), -EINVAL or
 * -ENOSPC. An existing key keeps its position and gets the new data. */
int32_t sl_hash_add_key(struct sl_hash *h, const void *key);
int sl_hash_add_key_data(struct sl_hash *h, const void *key, void *data);
/* The position the key had, or -ENOENT. */
int32_t sl_hash_del_key(struct sl_hash *h, const void *key);
/* With SL_HASH_EXTRA_FLAGS_NO_FREE_ON_DEL: position becomes reusable. */
int sl_hash_free_key_with_position(struct sl_hash *h, int32_t position);
/* The next key from *next on (start at 0): its position, or -ENOENT at the end. */
int32_t sl_hash_iterate(const struct sl_hash *h, const void **key, void **data, uint32_t *next);

#ifdef __cplusplus
}
#endif

#include "sl_hash_core.h"

#endif /* SL_HASH_H */
