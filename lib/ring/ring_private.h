/* SPDX-License-Identifier: BSD-3-Clause
 * Sluice ring internals (not installed; naming: doc/CONVENTIONS.md). */
#ifndef RING_PRIVATE_H
#define RING_PRIVATE_H

#include <stdint.h>

struct sl_ring;

/* For tests: empties the ring and starts all indices at start (2^32 - 3
 * exercises the 32-bit wrap). No thread may use the ring during the call. */
void ring_reset_indices(struct sl_ring *r, uint32_t start);

#endif /* RING_PRIVATE_H */
