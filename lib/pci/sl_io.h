/* SPDX-License-Identifier: BSD-3-Clause
 * Sluice: device register (MMIO) access and the barriers drivers place
 * between descriptor memory and registers.
 *
 * Memory-ordering argument (x86-64, Intel SDM vol. 3A §9.2 "Memory Ordering"
 * and §12.3 "Methods of Caching Available"):
 *  - Descriptor rings live in write-back (WB) memory that the device reads
 *    and writes by DMA, coherently with the CPU caches. Registers (BARs
 *    mapped through VFIO) are uncacheable (UC).
 *  - Stores are not reordered with older stores, and UC stores are not
 *    merged or speculated. So when a driver fills descriptors (WB stores)
 *    and then writes the tail register (UC store), the descriptor stores
 *    are globally visible, hence visible to the device's snooped DMA
 *    reads, before the tail write reaches the device. Only the compiler
 *    must be stopped from sinking the descriptor stores below the doorbell:
 *    sl_io_wmb() is a compiler barrier.
 *  - Loads are not reordered with older loads. A driver that sees a
 *    descriptor's DD bit set and then reads the length/buffer fields gets
 *    values at least as new as the DD it saw, because the device writes the
 *    status word last (or in the same write-back). sl_io_rmb() is a
 *    compiler barrier too.
 *  - Loads may pass older stores to other addresses (the store buffer).
 *    Where a driver stores and must then observe the device's reaction
 *    through memory, it needs sl_mb() (MFENCE).
 * Other architectures get real fences (conservative, not tuned).
 */
#ifndef SL_IO_H
#define SL_IO_H

#include <stdint.h>

#include "sl_common.h"

#if defined(__x86_64__) || defined(__i386__)
#define sl_io_wmb() sl_compiler_barrier()
#define sl_io_rmb() sl_compiler_barrier()
#define sl_mb() __asm__ volatile("mfence" ::: "memory")
#else
#define sl_io_wmb() __atomic_thread_fence(__ATOMIC_SEQ_CST)
#define sl_io_rmb() __atomic_thread_fence(__ATOMIC_SEQ_CST)
#define sl_mb() __atomic_thread_fence(__ATOMIC_SEQ_CST)
#endif

/* One 32-bit access each: volatile stops the compiler from splitting,
 * merging or caching register accesses; device models such as QEMU's e1000
 * only decode naturally aligned 32-bit accesses. The _relaxed forms carry
 * no barrier; the plain forms order the access after earlier memory
 * stores (writes: doorbell after descriptors) or before later loads
 * (reads: register value before the memory it describes). */
static inline uint32_t sl_read32_relaxed(const volatile void *addr)
{
	return *(const volatile uint32_t *)addr;
}

static inline void sl_write32_relaxed(uint32_t value, volatile void *addr)
{
	*(volatile uint32_t *)addr = value;
}

static inline uint16_t sl_read16_relaxed(const volatile void *addr)
{
	return *(const volatile uint16_t *)addr;
}

static inline void sl_write16_relaxed(uint16_t value, volatile void *addr)
{
	*(volatile uint16_t *)addr = value;
}

static inline uint8_t sl_read8_relaxed(const volatile void *addr)
{
	return *(const volatile uint8_t *)addr;
}

static inline void sl_write8_relaxed(uint8_t value, volatile void *addr)
{
	*(volatile uint8_t *)addr = value;
}

static inline uint32_t sl_read32(const volatile void *addr)
{
	uint32_t v = sl_read32_relaxed(addr);
	sl_io_rmb();
	return v;
}

static inline void sl_write32(uint32_t value, volatile void *addr)
{
	sl_io_wmb();
	sl_write32_relaxed(value, addr);
}

static inline uint16_t sl_read16(const volatile void *addr)
{
	uint16_t v = sl_read16_relaxed(addr);
	sl_io_rmb();
	return v;
}

static inline void sl_write16(uint16_t value, volatile void *addr)
{
	sl_io_wmb();
	sl_write16_relaxed(value, addr);
}

static inline uint8_t sl_read8(const volatile void *addr)
{
	uint8_t v = sl_read8_relaxed(addr);
	sl_io_rmb();
	return v;
}

static inline void sl_write8(uint8_t value, volatile void *addr)
{
	sl_io_wmb();
	sl_write8_relaxed(value, addr);
}

#endif /* SL_IO_H */
