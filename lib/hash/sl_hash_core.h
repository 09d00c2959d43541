/* SPDX-License-Identifier: BSD-3-Clause
 * Sluice hash table fast path (included by sl_hash.h): the default hash
 * and the lock-free lookups. The ordering argument is in sl_hash.h. */
#ifndef SL_HASH_CORE_H
#define SL_HASH_CORE_H

#include <stdint.h>
#include <string.h>
#if defined(__SSE4_2__)
#include <nmmintrin.h>
#endif

#include "sl_hash.h"

#ifdef __cplusplus
extern "C" {
#endif

#if !defined(__SSE4_2__)
/* Castagnoli polynomial, reflected; one bit at a time where the CPU has no
 * crc32 instruction. */
static inline uint32_t sl_hash_crc32c_byte_(uint32_t crc, uint8_t b)
{
	int k;

	crc ^= b;
	for (k = 0; k < 8; k++)
		crc = (crc >> 1) ^ (0x82f63b78u & (0u - (crc & 1)));
	return crc;
}
#endif

/* CRC32C of len bytes from init_val (SSE4.2 crc32 where the build targets
 * it, x86-64-v2 and up; the same values otherwise). */
static inline uint32_t sl_hash_crc(const void *data, uint32_t len, uint32_t init_val)
{
	const uint8_t *p = data;
	uint32_t crc = init_val;

#if defined(__SSE4_2__)
	uint64_t c = crc;

	for (; len >= 8; len -= 8, p += 8) {
		uint64_t w;

		memcpy(&w, p, 8);
		c = _mm_crc32_u64(c, w);
	}
	crc = (uint32_t)c;
	for (; len; len--, p++)
		crc = _mm_crc32_u8(crc, *p);
#else
	for (; len; len--, p++)
		crc = sl_hash_crc32c_byte_(crc, *p);
#endif
	return crc;
}

static __sl_always_inline uint32_t sl_hash_hash(const struct sl_hash *h, const void *key)
{
	if (h->hash_func == NULL)
		return sl_hash_crc(key, h->key_len, h->hash_func_init_val);
	return h->hash_func(key, h->key_len, h->hash_func_init_val);
}

static __sl_always_inline uint8_t *sl_hash_rec_(const struct sl_hash *h, uint32_t idx)
{
	return h->key_store + (size_t)idx * h->rec_size;
}

/* Key equality without a libc call: 8 bytes at a time, then the rest. */
static __sl_always_inline int sl_hash_key_eq_(const uint8_t *a, const uint8_t *b, uint32_t len)
{
	uint64_t diff = 0;

	for (; len >= 8; len -= 8, a += 8, b += 8) {
		uint64_t x, y;

		memcpy(&x, a, 8);
		memcpy(&y, b, 8);
		diff |= x ^ y;
	}
	for (; len; len--)
		diff |= (uint64_t)(*a++ ^ *b++);
	return diff == 0;
}

/* Searches one bucket: the key store index (slot + 1) or 0. */
static __sl_always_inline uint32_t sl_hash_search_bkt_(const struct sl_hash *h,
							const struct sl_hash_bucket *b,
							uint16_t sig, const void *key)
{
	unsigned int i;

	for (i = 0; i < SL_HASH_BUCKET_ENTRIES; i++) {
		if (__atomic_load_n(&b->sig[i], __ATOMIC_ACQUIRE) == sig) {
			uint32_t idx = __atomic_load_n(&b->key_idx[i], __ATOMIC_ACQUIRE);

			if (idx != 0 &&
			    sl_hash_key_eq_(sl_hash_rec_(h, idx) + sizeof(void *), key, h->key_len))
				return idx;
		}
	}
	return 0;
}

/* Both buckets, again while a displacement may have hidden the key. */
static __sl_always_inline uint32_t sl_hash_find_(const struct sl_hash *h, const void *key,
						 uint32_t hv)
{
	uint16_t sig = (uint16_t)(hv >> 16);
	const struct sl_hash_bucket *prim = &h->buckets[hv & h->bucket_mask];
	const struct sl_hash_bucket *sec = &h->buckets[(hv ^ sig) & h->bucket_mask];
	uint32_t cnt, idx;

	do {
		cnt = __atomic_load_n(&h->tbl_chng_cnt, __ATOMIC_ACQUIRE);
		idx = sl_hash_search_bkt_(h, prim, sig, key);
		if (idx == 0)
			idx = sl_hash_search_bkt_(h, sec, sig, key);
		if (idx != 0)
			return idx;
		/* every load of the search was an acquire: this one comes after */
	} while (cnt != __atomic_load_n(&h->tbl_chng_cnt, __ATOMIC_ACQUIRE));
	return 0;
}

/* The key's position, or -ENOENT. */
static inline int32_t sl_hash_lookup(const struct sl_hash *h, const void *key)
{
	uint32_t idx = sl_hash_find_(h, key, sl_hash_hash(h, key));

	return idx ? (int32_t)(idx - 1) : -ENOENT;
}

/* As sl_hash_lookup, and *data. */
static inline int sl_hash_lookup_data(const struct sl_hash *h, const void *key, void **data)
{
	uint32_t idx = sl_hash_find_(h, key, sl_hash_hash(h, key));

	if (idx == 0)
		return -ENOENT;
	*data = __atomic_load_n((void **)sl_hash_rec_(h, idx), __ATOMIC_ACQUIRE);
	return (int)(idx - 1);
}

/* n (<= SL_HASH_LOOKUP_BULK_MAX) keys: bit i of *hit_mask and data[i] for
 * each found; returns the number found. Hashes all keys and prefetches
 * both buckets of each first, then prefetches the key records of matching
 * signatures, then compares: the misses of a burst overlap. */
static inline int sl_hash_lookup_bulk_data(const struct sl_hash *h, const void **keys,
					   uint32_t n, uint64_t *hit_mask, void *data[])
{
	uint32_t hv[SL_HASH_LOOKUP_BULK_MAX];
	uint64_t hits = 0;
	uint32_t i;
	int found = 0;

	if (n > SL_HASH_LOOKUP_BULK_MAX)
		n = SL_HASH_LOOKUP_BULK_MAX;
	for (i = 0; i < n; i++) {
		uint16_t sig;

		hv[i] = sl_hash_hash(h, keys[i]);
		sig = (uint16_t)(hv[i] >> 16);
		sl_prefetch0(&h->buckets[hv[i] & h->bucket_mask]);
		sl_prefetch0(&h->buckets[(hv[i] ^ sig) & h->bucket_mask]);
	}
	for (i = 0; i < n; i++) {
		uint16_t sig = (uint16_t)(hv[i] >> 16);
		const struct sl_hash_bucket *b = &h->buckets[hv[i] & h->bucket_mask];
		unsigned int j;

		for (j = 0; j < SL_HASH_BUCKET_ENTRIES; j++)
			if (__atomic_load_n(&b->sig[j], __ATOMIC_RELAXED) == sig)
				sl_prefetch0(sl_hash_rec_(h, __atomic_load_n(&b->key_idx[j],
									      __ATOMIC_RELAXED)));
	}
	for (i = 0; i < n; i++) {
		uint32_t idx = sl_hash_find_(h, keys[i], hv[i]);

		if (idx != 0) {
			data[i] = __atomic_load_n((void **)sl_hash_rec_(h, idx), __ATOMIC_ACQUIRE);
			hits |= UINT64_C(1) << i;
			found++;
		}
	}
	*hit_mask = hits;
	return found;
}

#ifdef __cplusplus
}
#endif
#endif /* SL_HASH_CORE_H */
