/* SPDX-License-Identifier: BSD-3-Clause
 * EAL internals shared by the eal_*.c files. Not installed. */
#ifndef EAL_PRIVATE_H
#define EAL_PRIVATE_H

#include <sched.h>
#include <stddef.h>

#include "sl_eal.h"

/* Everything the command line decides. Filled by eal_parse_args, read by
 * the rest of sl_eal_init and by the sl_eal_* accessors. */
struct eal_config {
	unsigned nb_lcores;
	int lcore_cpu[SL_MAX_LCORE];	/* lcore id -> cpu, in -l order */
	int no_huge;
	int no_pci;
	size_t mem_bytes;		/* -m, 0 when not given */
	int log_level;			/* -1 when not given */
	enum sl_iova_mode iova_mode;	/* DC (auto) until sl_eal_init chooses */
	int iova_auto;			/* the mode was chosen, not given */
	char *file_prefix;		/* NULL: "rte" */
	int no_telemetry;
	char **vdevs;
	unsigned nb_vdevs;
	char **pci_allow;
	unsigned nb_pci_allow;
	int help;
};

extern struct eal_config eal_cfg;

/* eal_args.c: fills cfg (which must be zeroed), returns argv entries consumed
 * (see sl_eal_init) or -EINVAL after one log line naming the option. */
int eal_parse_args(struct eal_config *cfg, int argc, char **argv);
void eal_config_free(struct eal_config *cfg);

/* eal_lcore.c */
int eal_lcores_start(const struct eal_config *cfg);
void eal_lcores_stop(void);
/* Where a control thread (the interrupt thread) runs: the CPUs the process
 * may use that no lcore is pinned to, or all of them when every one is. */
void eal_control_cpus(cpu_set_t *set);

/* eal_intr.c: the interrupt thread stops (callbacks stay registered for
 * the next sl_eal_init only if their owners register them again). */
void eal_intr_fini(void);

/* eal_timer.c: calibrates once; later calls return at once. */
void eal_timer_init(void);

/* eal_memory.c */
int eal_memory_init(const struct eal_config *cfg, int socket);
void eal_memory_fini(void);

/* Test knob: when the environment variable is set to 1, hugepage segments
 * skip memfd_create(MFD_HUGETLB) and use a file in a mounted hugetlbfs, so
 * the fallback path can be tested on kernels that have both. */
#define EAL_ENV_HUGETLBFS_ONLY "SL_EAL_HUGETLBFS_ONLY"

#endif /* EAL_PRIVATE_H */
