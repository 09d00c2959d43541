/* SPDX-License-Identifier: BSD-3-Clause
 * Sluice: small shared definitions every module uses (cache lines, branch
 * hints, alignment helpers, CPU pause/prefetch, single-writer counters).
 * No functions with state. */
#ifndef SL_COMMON_H
#define SL_COMMON_H

#include <stddef.h>
#include <stdint.h>

#define SL_CACHE_LINE_SIZE 64
#define SL_CACHE_LINE_MASK (SL_CACHE_LINE_SIZE - 1)
#define __sl_cache_aligned __attribute__((aligned(SL_CACHE_LINE_SIZE)))
#define __sl_always_inline inline __attribute__((always_inline))
#define __sl_unused __attribute__((unused))

#define sl_likely(x)   __builtin_expect(!!(x), 1)
#define sl_unlikely(x) __builtin_expect(!!(x), 0)

/* Upper bounds of the static tables (lcores, NUMA nodes). */
#define SL_MAX_LCORE 128
#define SL_MAX_NUMA_NODES 8
#define SL_SOCKET_ID_ANY (-1)
#define SL_LCORE_ID_ANY UINT32_MAX

typedef uint64_t sl_iova_t;
#define SL_BAD_IOVA ((sl_iova_t)-1)

#define SL_DIM(a) (sizeof(a) / sizeof((a)[0]))
#define SL_MIN(a, b) ((a) < (b) ? (a) : (b))
#define SL_MAX(a, b) ((a) > (b) ? (a) : (b))
/* a must be a power of two */
#define SL_ALIGN_FLOOR(v, a) ((__typeof__(v))((v) & ~((__typeof__(v))(a) - 1)))
#define SL_ALIGN_CEIL(v, a) SL_ALIGN_FLOOR((v) + ((__typeof__(v))(a) - 1), a)
#define SL_PTR_ADD(p, off) ((void *)((uintptr_t)(p) + (off)))
#define SL_PTR_DIFF(a, b) ((uintptr_t)(a) - (uintptr_t)(b))
#define SL_STATIC_ASSERT(cond, msg) _Static_assert(cond, msg)

#define sl_compiler_barrier() __asm__ volatile("" ::: "memory")

static inline int sl_is_power_of_2(uint64_t n) { return n && !(n & (n - 1)); }

/* Smallest power of two >= x (x > 0, x <= 2^31). */
static inline uint32_t sl_align32pow2(uint32_t x)
{
	if (x <= 1)
		return 1;
	return (uint32_t)1 << (32 - __builtin_clz(x - 1));
}

static inline uint64_t sl_align64pow2(uint64_t x)
{
	if (x <= 1)
		return 1;
	return (uint64_t)1 << (64 - __builtin_clzll(x - 1));
}

/* Spin-wait hint: on x86 PAUSE frees pipeline resources for the sibling
 * hyperthread and avoids the memory-order machine clear on loop exit. */
static inline void sl_pause(void)
{
#if defined(__x86_64__) || defined(__i386__)
	__builtin_ia32_pause();
#elif defined(__aarch64__)
	__asm__ volatile("yield" ::: "memory");
#else
	sl_compiler_barrier();
#endif
}

/* A counter one thread adds to and others read (per-lcore or per-queue
 * statistics). With one writer the sum needs no atomic read-modify-write:
 * a relaxed store of the owner's running sum compiles to a plain add and
 * store, and keeps a reader on another core from seeing a torn value. */
static inline void sl_counter_add(uint64_t *c, uint64_t n)
{
	__atomic_store_n(c, *c + n, __ATOMIC_RELAXED);
}

static inline uint64_t sl_counter_read(const uint64_t *c)
{
	return __atomic_load_n(c, __ATOMIC_RELAXED);
}

static inline void sl_prefetch0(const volatile void *p)
{
	__builtin_prefetch((const void *)(uintptr_t)p, 0, 3);
}

static inline void sl_prefetch_w(const volatile void *p)
{
	__builtin_prefetch((const void *)(uintptr_t)p, 1, 3);
}

#endif /* SL_COMMON_H */
