/* SPDX-License-Identifier: BSD-3-Clause
 * IOVA space bookkeeping for the VFIO layer: which device addresses the
 * EAL's memory segments get. Pure functions over a struct, so the unit test
 * can drive them without an IOMMU.
 *
 * Why not IOVA = VA: user virtual addresses on x86-64 go up to 2^47, while
 * an IOMMU may translate fewer bits (QEMU's intel-iommu: 39 bits by default)
 * and reserves windows of its own (the x86 MSI window 0xfee00000, PCI
 * apertures). VFIO reports the usable ranges; everything is allocated
 * inside them. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "pci_private.h"

/* Keeps every sum below 2^64: no IOMMU translates 63-bit IOVAs, and VFIO
 * reports "no limit" as an end of 2^64-1. */
#define IOVA_TOP ((UINT64_C(1) << 63) - 1)

static int range_cmp(const void *a, const void *b)
{
	const struct sl_pci_iova_range *x = a, *y = b;

	return x->start < y->start ? -1 : x->start > y->start;
}

int sl_pci_iova_space_init(struct sl_pci_iova_space *s, const struct sl_pci_iova_range *ranges,
			   unsigned nb_ranges, uint64_t floor)
{
	struct sl_pci_iova_range *sorted;
	unsigned i;

	memset(s, 0, sizeof(*s));
	if (nb_ranges == 0)
		return -EINVAL;
	sorted = malloc(nb_ranges * sizeof(*sorted));
	if (sorted == NULL)
		return -ENOMEM;
	memcpy(sorted, ranges, nb_ranges * sizeof(*sorted));
	qsort(sorted, nb_ranges, sizeof(*sorted), range_cmp);

	for (i = 0; i < nb_ranges; i++) {
		uint64_t start = sorted[i].start, end = sorted[i].end;

		if (end > IOVA_TOP)
			end = IOVA_TOP;
		start = SL_MAX(start, floor);
		if (start > end)
			continue;
		/* Ranges are used in whole 4 KiB pages. */
		start = SL_ALIGN_CEIL(start, SL_PCI_IOVA_MIN_ALIGN);
		if (end < start || end - start + 1 < SL_PCI_IOVA_MIN_ALIGN)
			continue;
		end = SL_ALIGN_FLOOR(end + 1, SL_PCI_IOVA_MIN_ALIGN) - 1;
		if (s->nb_ranges > 0 && start <= s->range[s->nb_ranges - 1].end + 1) {
			/* overlapping or adjacent: one range */
			if (end > s->range[s->nb_ranges - 1].end)
				s->range[s->nb_ranges - 1].end = end;
			continue;
		}
		if (s->nb_ranges == SL_PCI_IOVA_MAX_RANGES)
			break;
		s->range[s->nb_ranges].start = start;
		s->range[s->nb_ranges].end = end;
		s->range[s->nb_ranges].next = start;
		s->nb_ranges++;
	}
	free(sorted);
	return s->nb_ranges > 0 ? (int)s->nb_ranges : -EINVAL;
}

static void hole_remove(struct sl_pci_iova_space *s, unsigned i)
{
	s->hole[i] = s->hole[--s->nb_holes];
}

/* Records [start, start+len) as free, merging with neighbouring holes. */
static void hole_add(struct sl_pci_iova_space *s, uint64_t start, uint64_t len)
{
	unsigned i;

	if (len == 0)
		return;
	for (i = 0; i < s->nb_holes;) {
		if (s->hole[i].start + s->hole[i].len == start) {
			start = s->hole[i].start;
			len += s->hole[i].len;
			hole_remove(s, i);
			continue;
		}
		if (start + len == s->hole[i].start) {
			len += s->hole[i].len;
			hole_remove(s, i);
			continue;
		}
		i++;
	}
	if (s->nb_holes == SL_PCI_IOVA_MAX_HOLES)
		return;	/* forgotten: never reused, never handed out twice */
	s->hole[s->nb_holes].start = start;
	s->hole[s->nb_holes].len = len;
	s->nb_holes++;
}

uint64_t sl_pci_iova_space_alloc(struct sl_pci_iova_space *s, uint64_t len, uint64_t align)
{
	unsigned i;

	if (len == 0 || len > IOVA_TOP || (align != 0 && !sl_is_power_of_2(align)) ||
	    align > (UINT64_C(1) << 62))
		return SL_BAD_IOVA;
	len = SL_ALIGN_CEIL(len, SL_PCI_IOVA_MIN_ALIGN);
	align = SL_MAX(align, SL_PCI_IOVA_MIN_ALIGN);
	if (len >= SL_PCI_IOVA_HUGE_ALIGN)
		align = SL_MAX(align, SL_PCI_IOVA_HUGE_ALIGN);

	for (i = 0; i < s->nb_holes; i++) {
		uint64_t hstart = s->hole[i].start, hend = hstart + s->hole[i].len;
		uint64_t a = SL_ALIGN_CEIL(hstart, align);

		if (a >= hend || hend - a < len)
			continue;
		hole_remove(s, i);
		hole_add(s, hstart, a - hstart);
		hole_add(s, a + len, hend - (a + len));
		return a;
	}

	for (i = 0; i < s->nb_ranges; i++) {
		uint64_t next = s->range[i].next, end = s->range[i].end;
		uint64_t a = SL_ALIGN_CEIL(next, align);

		if (next > end || a > end || len - 1 > end - a)
			continue;
		s->range[i].next = a + len;
		hole_add(s, next, a - next);
		return a;
	}
	return SL_BAD_IOVA;
}

void sl_pci_iova_space_free(struct sl_pci_iova_space *s, uint64_t iova, uint64_t len)
{
	unsigned i, j;

	if (len == 0)
		return;
	len = SL_ALIGN_CEIL(len, SL_PCI_IOVA_MIN_ALIGN);
	for (i = 0; i < s->nb_ranges; i++) {
		if (iova < s->range[i].start || iova >= s->range[i].next ||
		    len > s->range[i].next - iova)
			continue;
		if (iova + len != s->range[i].next) {
			hole_add(s, iova, len);
			return;
		}
		/* The top of the range: give it back to the bump pointer, and
		 * with it any holes that now touch the top. */
		s->range[i].next = iova;
		for (j = 0; j < s->nb_holes;) {
			if (s->hole[j].start + s->hole[j].len == s->range[i].next) {
				s->range[i].next = s->hole[j].start;
				hole_remove(s, j);
				j = 0;
				continue;
			}
			j++;
		}
		return;
	}
}

uint64_t sl_pci_iova_space_avail(const struct sl_pci_iova_space *s)
{
	uint64_t total = 0;
	unsigned i;

	for (i = 0; i < s->nb_ranges; i++)
		if (s->range[i].next <= s->range[i].end)
			total += s->range[i].end - s->range[i].next + 1;
	for (i = 0; i < s->nb_holes; i++)
		total += s->hole[i].len;
	return total;
}
