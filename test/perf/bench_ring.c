/* SPDX-License-Identifier: BSD-3-Clause
 * sl_ring benchmarks; the loops and the list of cases are in
 * bench_ring_loops.h, shared with dpdk/bench_dpdk_ring.c (rte_ring).
 * No sl_eal_init: a ring needs none. The main thread is pinned to CPU 0,
 * as DPDK's EAL pins its main lcore in the twin. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sl_ring.h"

#define BR_RING_T struct sl_ring
#define BR_SP_ENQ_BULK(r, o, n) sl_ring_sp_enqueue_bulk(r, o, n, NULL)
#define BR_SC_DEQ_BULK(r, o, n) sl_ring_sc_dequeue_bulk(r, o, n, NULL)
#define BR_MP_ENQ_BULK(r, o, n) sl_ring_mp_enqueue_bulk(r, o, n, NULL)
#define BR_MC_DEQ_BULK(r, o, n) sl_ring_mc_dequeue_bulk(r, o, n, NULL)
#define BR_SP_ENQ_BURST(r, o, n) sl_ring_sp_enqueue_burst(r, o, n, NULL)
#define BR_SC_DEQ_BURST(r, o, n) sl_ring_sc_dequeue_burst(r, o, n, NULL)
#define BR_PREFIX "ring_"
#include "bench_ring_loops.h"

int main(void)
{
	int ncpus = bench_cpu_count();
	struct sl_ring *spsc, *mpmc;
	int rc;

	bench_pin_self(0);
	spsc = sl_ring_create("bench_spsc", BR_RING_COUNT, SL_SOCKET_ID_ANY,
			      SL_RING_F_SP_ENQ | SL_RING_F_SC_DEQ);
	mpmc = sl_ring_create("bench_mpmc", BR_RING_COUNT, SL_SOCKET_ID_ANY, 0);
	if (spsc == NULL || mpmc == NULL) {
		fprintf(stderr, "bench_ring: sl_ring_create failed\n");
		return 1;
	}
	printf("# sluice sl_ring, %d slots, %d CPUs\n", BR_RING_COUNT, ncpus);
	rc = br_run_all(spsc, mpmc, ncpus);
	sl_ring_free(spsc);
	sl_ring_free(mpmc);
	return rc;
}
