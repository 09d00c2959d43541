/* SPDX-License-Identifier: BSD-3-Clause
 * Fuzz target: the EAL command line (eal_parse_args, the pure part of
 * sl_eal_init: no memory, no threads, callable again and again).
 *
 * Beyond "no crash, no leak, no undefined behaviour" (the sanitizers), a
 * parse that succeeds must describe a runnable configuration: at least one
 * lcore, every CPU once and inside our affinity, consumed arguments within
 * argc, the program name copied to argv[consumed], and the lists holding
 * exactly what was given.
 */
#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "eal_private.h"
#include "fuzz_common.h"

static cpu_set_t allowed;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	if (sched_getaffinity(0, sizeof(allowed), &allowed) < 0)
		abort();
	return 0;
}

static void check_config(const struct eal_config *cfg, int consumed, const struct fuzz_argv *a)
{
	cpu_set_t seen;

	if (consumed < 0 || consumed > a->argc - 1 || consumed > FUZZ_MAX_ARGS)
		abort();
	if (consumed > 0 && a->argv[consumed] != a->argv[0])
		abort();
	if (cfg->nb_lcores == 0 || cfg->nb_lcores > SL_MAX_LCORE)
		abort();
	CPU_ZERO(&seen);
	for (unsigned i = 0; i < cfg->nb_lcores; i++) {
		int cpu = cfg->lcore_cpu[i];

		if (cpu < 0 || cpu >= CPU_SETSIZE || !CPU_ISSET(cpu, &allowed) || CPU_ISSET(cpu, &seen))
			abort();
		CPU_SET(cpu, &seen);
	}
	for (unsigned i = 0; i < cfg->nb_vdevs; i++)
		if (cfg->vdevs[i] == NULL || cfg->vdevs[i][0] == '\0' || cfg->vdevs[i][0] == ',')
			abort();
	for (unsigned i = 0; i < cfg->nb_pci_allow; i++)
		if (cfg->pci_allow[i] == NULL || cfg->pci_allow[i][0] == '\0')
			abort();
	if (cfg->log_level != -1 && (cfg->log_level < SL_LOG_EMERG || cfg->log_level > SL_LOG_DEBUG))
		abort();
	if (cfg->iova_mode != SL_IOVA_MODE_DC && cfg->iova_mode != SL_IOVA_MODE_PA &&
	    cfg->iova_mode != SL_IOVA_MODE_VA)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_argv a, again;
	struct eal_config cfg, again_cfg;
	int ret;

	if (fuzz_argv_make(&a, "fuzz_eal", data, size) < 0)
		return 0;
	memset(&cfg, 0, sizeof(cfg));
	ret = eal_parse_args(&cfg, a.argc, a.argv);
	/* the same answer from a fresh copy, whatever state the first left */
	memset(&again_cfg, 0, sizeof(again_cfg));
	if (fuzz_argv_make(&again, "fuzz_eal", data, size) < 0 ||
	    eal_parse_args(&again_cfg, again.argc, again.argv) != ret)
		abort();
	eal_config_free(&again_cfg);
	fuzz_argv_free(&again);
	if (ret >= 0)
		check_config(&cfg, ret, &a);
	else if (ret != -EINVAL && ret != -EINTR && ret != -ENOMEM)
		abort();	/* the documented results only */
	eal_config_free(&cfg);
	fuzz_argv_free(&a);
	return 0;
}
