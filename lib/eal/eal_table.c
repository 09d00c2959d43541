/* SPDX-License-Identifier: BSD-3-Clause
 * Lookup-table memory (sl_eal.h): anonymous, 2 MiB aligned, backed by
 * transparent huge pages where the kernel gives them. */
#include <stdint.h>
#include <sys/mman.h>

#include "sl_eal.h"

#define TABLE_PAGE (2u << 20)

static size_t table_len(size_t bytes)
{
	return SL_ALIGN_CEIL(bytes, (size_t)TABLE_PAGE);
}

void *sl_table_zalloc(size_t bytes)
{
	size_t len = table_len(bytes);
	uint8_t *p, *a;

	if (bytes == 0 || len < bytes)
		return NULL;
	/* One huge page more than needed, then the unaligned ends go back:
	 * a huge page can only map a 2 MiB aligned range. */
	p = mmap(NULL, len + TABLE_PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		return NULL;
	a = (uint8_t *)SL_ALIGN_CEIL((uintptr_t)p, (uintptr_t)TABLE_PAGE);
	if (a > p)
		munmap(p, (size_t)(a - p));
	munmap(a + len, (size_t)(p + TABLE_PAGE - a));
	madvise(a, len, MADV_HUGEPAGE);
	return a;
}

void sl_table_free(void *p, size_t bytes)
{
	if (p != NULL)
		munmap(p, table_len(bytes));
}
