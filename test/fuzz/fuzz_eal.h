/* SPDX-License-Identifier: BSD-3-Clause
 * Shared by the fuzz targets that need the EAL (net_pcap, net_virtio):
 * sl_eal_init the way a fuzzer process can always have it, on 4 KiB
 * locked pages (--no-huge, 32 MB), no PCI scan, logs only when critical
 * (every bad input would log a line), on the first CPU this process may
 * use (a fuzzer pinned by taskset or a CI cgroup may not have CPU 0).
 * Exits 77 (skip) when the EAL cannot come up here.
 */
#ifndef FUZZ_EAL_H
#define FUZZ_EAL_H

#include <sched.h>
#include <stdio.h>
#include <stdlib.h>

#include "sl_eal.h"

static inline void fuzz_eal_up(const char *prog)
{
	char cpu[16];
	char *eal_argv[] = { (char *)prog, "--no-huge", "-m", "32", "--no-pci", "-l", cpu,
			     "--log-level", "crit", NULL };
	cpu_set_t set;
	int cpu0 = 0;

	if (sched_getaffinity(0, sizeof(set), &set) == 0)
		while (cpu0 < CPU_SETSIZE - 1 && !CPU_ISSET(cpu0, &set))
			cpu0++;
	snprintf(cpu, sizeof(cpu), "%d", cpu0);
	if (sl_eal_init(9, eal_argv) < 0) {
		fprintf(stderr, "%s: sl_eal_init failed (locked memory? see above)\n", prog);
		exit(77);
	}
}

#endif /* FUZZ_EAL_H */
