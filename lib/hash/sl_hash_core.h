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
#if defined(__SSE2__) && defined(__x86_64__) && !defined(__SANITIZE_THREAD__)
#include <emmintrin.h>
#define SL_HASH_SIG_SSE2 1
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

/* CRC32C of 8 bytes, little-endian order (the crc32q instruction's). */
static __sl_always_inline uint32_t sl_hash_crc_u64_(uint32_t crc, uint64_t w)
{
#if defined(__SSE4_2__)
	return (uint32_t)_mm_crc32_u64(crc, w);
#else
	int k;

	for (k = 0; k < 8; k++)
		crc = sl_hash_crc32c_byte_(crc, (uint8_t)(w >> (8 * k)));
	return crc;
#endif
}

/* CRC32C of len bytes from init_val (SSE4.2 crc32 where the build targets
 * it, x86-64-v2 and up; the same values otherwise). */
static inline uint32_t sl_hash_crc(const void *data, uint32_t len, uint32_t init_val)
{
	const uint8_t *p = data;
	uint32_t crc = init_val;

	for (; len >= 8; len -= 8, p += 8) {
		uint64_t w;

		memcpy(&w, p, 8);
		crc = sl_hash_crc_u64_(crc, w);
	}
#if defined(__SSE4_2__)
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
	if (h->hash_func != NULL)
		return h->hash_func(key, h->key_len, h->hash_func_init_val);
	if (h->key_len == 16) {
		uint64_t w[2];

		memcpy(w, key, 16);
		return sl_hash_crc_u64_(sl_hash_crc_u64_(h->hash_func_init_val, w[0]), w[1]);
	}
	return sl_hash_crc(key, h->key_len, h->hash_func_init_val);
}

static __sl_always_inline uint8_t *sl_hash_rec_(const struct sl_hash *h, uint32_t idx)
{
	return h->key_store + (size_t)idx * h->rec_size;
}

/* Key equality without a libc call: 16 bytes (the common 5-tuple key)
 * in two words, else 8 bytes at a time, then the rest. */
static __sl_always_inline int sl_hash_key_eq_(const struct sl_hash *h, const uint8_t *a,
					      const uint8_t *b)
{
	uint64_t diff = 0, x, y;
	uint32_t len = h->key_len;

	if (len == 16) {
		uint64_t x2, y2;

		memcpy(&x, a, 8);
		memcpy(&y, b, 8);
		memcpy(&x2, a + 8, 8);
		memcpy(&y2, b + 8, 8);
		return ((x ^ y) | (x2 ^ y2)) == 0;
	}
	for (; len >= 8; len -= 8, a += 8, b += 8) {
		memcpy(&x, a, 8);
		memcpy(&y, b, 8);
		diff |= x ^ y;
	}
	for (; len; len--)
		diff |= (uint64_t)(*a++ ^ *b++);
	return diff == 0;
}

/* Bit i set when entry i of b carries sig. With SSE2 one compare does the
 * whole bucket: a plain 16-byte load, which x86 keeps in order with the
 * loads around it as an acquire would, and the compiler fence keeps the
 * compiler from moving later loads above it. TSan cannot see that, so
 * there the atomic loop runs. */
static __sl_always_inline unsigned int sl_hash_sig_match_(const struct sl_hash_bucket *b,
							  uint16_t sig)
{
#if defined(SL_HASH_SIG_SSE2)
	__m128i eq = _mm_cmpeq_epi16(_mm_load_si128((const __m128i *)(const void *)b->sig),
				     _mm_set1_epi16((short)sig));
	unsigned int m = (unsigned int)_mm_movemask_epi8(_mm_packs_epi16(eq, _mm_setzero_si128()));

	__atomic_signal_fence(__ATOMIC_ACQUIRE);
	return m;
#else
	unsigned int m = 0, i;

	for (i = 0; i < SL_HASH_BUCKET_ENTRIES; i++)
		m |= (unsigned int)(__atomic_load_n(&b->sig[i], __ATOMIC_ACQUIRE) == sig) << i;
	return m;
#endif
}

/* The key store index (slot + 1) of key among the entries of b flagged in
 * m, or 0. */
static __sl_always_inline uint32_t sl_hash_search_bkt_(const struct sl_hash *h,
							const struct sl_hash_bucket *b,
							unsigned int m, const void *key)
{
	while (m != 0) {
		uint32_t idx = __atomic_load_n(&b->key_idx[__builtin_ctz(m)], __ATOMIC_ACQUIRE);

		m &= m - 1;
		if (idx != 0 && sl_hash_key_eq_(h, sl_hash_rec_(h, idx) + sizeof(void *), key))
			return idx;
	}
	return 0;
}

/* The other bucket of an entry in bucket b with signature sig: b xor an
 * odd function of sig, so never b itself, anywhere in the table, and the
 * other bucket of that one is b again. */
static __sl_always_inline uint32_t sl_hash_alt_bkt(const struct sl_hash *h, uint32_t b,
						   uint16_t sig)
{
	return (b ^ (((uint32_t)sig * 0x9e3779b1u) | 1u)) & h->bucket_mask;
}

static __sl_always_inline uint32_t sl_hash_sec_bkt_(const struct sl_hash *h, uint32_t hv)
{
	return sl_hash_alt_bkt(h, hv & h->bucket_mask, (uint16_t)(hv >> 16));
}

/* Both buckets, again while a displacement may have hidden the key. */
static __sl_always_inline uint32_t sl_hash_find_(const struct sl_hash *h, const void *key,
						 uint32_t hv)
{
	uint16_t sig = (uint16_t)(hv >> 16);
	const struct sl_hash_bucket *prim = &h->buckets[hv & h->bucket_mask];
	const struct sl_hash_bucket *sec = &h->buckets[sl_hash_sec_bkt_(h, hv)];
	uint32_t cnt, idx;

	do {
		cnt = __atomic_load_n(&h->tbl_chng_cnt, __ATOMIC_ACQUIRE);
		idx = sl_hash_search_bkt_(h, prim, sl_hash_sig_match_(prim, sig), key);
		if (idx == 0)
			idx = sl_hash_search_bkt_(h, sec, sl_hash_sig_match_(sec, sig), key);
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

/* Stage 1 of a bulk lookup: the keys' lines first (each is a miss of its
 * own), then hash them and start the loads of both buckets of every key. */
static __sl_always_inline void sl_hash_bulk_buckets_(const struct sl_hash *h, const void **keys,
						     uint32_t n, uint32_t *hv)
{
	uint32_t i;

	for (i = 0; i < n; i++)
		sl_prefetch0(keys[i]);
	for (i = 0; i < n; i++) {
		hv[i] = sl_hash_hash(h, keys[i]);
		sl_prefetch0(&h->buckets[hv[i] & h->bucket_mask]);
		sl_prefetch0(&h->buckets[sl_hash_sec_bkt_(h, hv[i])]);
	}
}

/* Stage 2: signature matches of both buckets, and the load of the record
 * a hit will read (the primary's first match, else the secondary's). */
static __sl_always_inline void sl_hash_bulk_sigs_(const struct sl_hash *h, uint32_t n,
						  const uint32_t *hv, uint8_t *pm, uint8_t *sm)
{
	uint32_t i;

	for (i = 0; i < n; i++) {
		uint16_t sig = (uint16_t)(hv[i] >> 16);
		const struct sl_hash_bucket *p = &h->buckets[hv[i] & h->bucket_mask];
		const struct sl_hash_bucket *s = &h->buckets[sl_hash_sec_bkt_(h, hv[i])];
		unsigned int mp = sl_hash_sig_match_(p, sig), ms = sl_hash_sig_match_(s, sig);

		pm[i] = (uint8_t)mp;
		sm[i] = (uint8_t)ms;
		if (mp != 0)
			sl_prefetch0(sl_hash_rec_(h, __atomic_load_n(&p->key_idx[__builtin_ctz(mp)],
								     __ATOMIC_RELAXED)));
		else if (ms != 0)
			sl_prefetch0(sl_hash_rec_(h, __atomic_load_n(&s->key_idx[__builtin_ctz(ms)],
								     __ATOMIC_RELAXED)));
	}
}

/* n (<= SL_HASH_LOOKUP_BULK_MAX) keys: bit i of *hit_mask and data[i] for
 * each found; returns the number found. In stages over the whole burst
 * (keys, buckets, records) so that the cache misses of its keys overlap;
 * a key that missed while the writer displaced entries is searched again. */
static inline int sl_hash_lookup_bulk_data(const struct sl_hash *h, const void **keys,
					   uint32_t n, uint64_t *hit_mask, void *data[])
{
	uint32_t hv[SL_HASH_LOOKUP_BULK_MAX], cnt, i;
	uint8_t pm[SL_HASH_LOOKUP_BULK_MAX], sm[SL_HASH_LOOKUP_BULK_MAX];
	uint64_t hits = 0;

	if (n > SL_HASH_LOOKUP_BULK_MAX)
		n = SL_HASH_LOOKUP_BULK_MAX;
	sl_hash_bulk_buckets_(h, keys, n, hv);
	cnt = __atomic_load_n(&h->tbl_chng_cnt, __ATOMIC_ACQUIRE);
	sl_hash_bulk_sigs_(h, n, hv, pm, sm);
	for (i = 0; i < n; i++) {
		uint32_t idx = sl_hash_search_bkt_(h, &h->buckets[hv[i] & h->bucket_mask], pm[i],
						   keys[i]);

		if (idx == 0)
			idx = sl_hash_search_bkt_(h, &h->buckets[sl_hash_sec_bkt_(h, hv[i])], sm[i],
						  keys[i]);
		if (idx != 0) {
			data[i] = __atomic_load_n((void **)sl_hash_rec_(h, idx), __ATOMIC_ACQUIRE);
			hits |= UINT64_C(1) << i;
		}
	}
	if (sl_unlikely(hits != (n == 64 ? ~UINT64_C(0) : (UINT64_C(1) << n) - 1)) &&
	    cnt != __atomic_load_n(&h->tbl_chng_cnt, __ATOMIC_ACQUIRE))
		for (i = 0; i < n; i++) {
			uint32_t idx;

			if (hits & (UINT64_C(1) << i))
				continue;
			idx = sl_hash_find_(h, keys[i], hv[i]);
			if (idx != 0) {
				data[i] = __atomic_load_n((void **)sl_hash_rec_(h, idx),
							  __ATOMIC_ACQUIRE);
				hits |= UINT64_C(1) << i;
			}
		}
	*hit_mask = hits;
	return __builtin_popcountll(hits);
}

#ifdef __cplusplus
}
#endif
#endif /* SL_HASH_CORE_H */
