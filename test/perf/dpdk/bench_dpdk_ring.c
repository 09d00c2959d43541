/* SPDX-License-Identifier: BSD-3-Clause
 * The loops of ../bench_ring.c (../bench_ring_loops.h, compiled here a
 * second time) against DPDK 22.11's rte_ring: same ring size, same calls,
 * same pinning (main thread on CPU 0 by the EAL, our own pthreads on CPU 0
 * and 1), same clock and median. Prints BENCH dpdk_ring_<case> lines. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_lcore.h>
#include <rte_ring.h>
#include <rte_version.h>

#include "../bench_common.h"

#define BR_RING_T struct rte_ring
#define BR_SP_ENQ_BULK(r, o, n) rte_ring_sp_enqueue_bulk(r, o, n, NULL)
#define BR_SC_DEQ_BULK(r, o, n) rte_ring_sc_dequeue_bulk(r, o, n, NULL)
#define BR_MP_ENQ_BULK(r, o, n) rte_ring_mp_enqueue_bulk(r, o, n, NULL)
#define BR_MC_DEQ_BULK(r, o, n) rte_ring_mc_dequeue_bulk(r, o, n, NULL)
#define BR_SP_ENQ_BURST(r, o, n) rte_ring_sp_enqueue_burst(r, o, n, NULL)
#define BR_SC_DEQ_BURST(r, o, n) rte_ring_sc_dequeue_burst(r, o, n, NULL)
#define BR_PREFIX "dpdk_ring_"
#include "../bench_ring_loops.h"

int main(void)
{
	int ncpus = bench_cpu_count();
	/* --no-huge: a ring needs no hugepages, and Sluice's side uses none
	 * either. The EAL pins this (main) thread to CPU 0. */
	char *argv[] = { "bench_dpdk_ring", "-l", ncpus >= 2 ? "0-1" : "0", "--no-huge",
			 "--no-pci", "--no-telemetry", "--log-level=1", "-m", "64",
			 "--file-prefix=sl_bench_dpdk_ring", NULL };
	int argc = (int)(sizeof(argv) / sizeof(argv[0])) - 1;
	struct rte_ring *spsc, *mpmc;
	int rc;

	if (rte_eal_init(argc, argv) < 0) {
		fprintf(stderr, "bench_dpdk_ring: rte_eal_init failed: %s\n",
			rte_strerror(rte_errno));
		return 77;
	}
	spsc = rte_ring_create("bench_spsc", BR_RING_COUNT, SOCKET_ID_ANY,
			       RING_F_SP_ENQ | RING_F_SC_DEQ);
	mpmc = rte_ring_create("bench_mpmc", BR_RING_COUNT, SOCKET_ID_ANY, 0);
	if (spsc == NULL || mpmc == NULL) {
		fprintf(stderr, "bench_dpdk_ring: rte_ring_create failed: %s\n",
			rte_strerror(rte_errno));
		return 1;
	}
	printf("# %s rte_ring, %d slots, %d CPUs\n", rte_version(), BR_RING_COUNT, ncpus);
	rc = br_run_all(spsc, mpmc, ncpus);
	rte_ring_free(spsc);
	rte_ring_free(mpmc);
	rte_eal_cleanup();
	return rc;
}
