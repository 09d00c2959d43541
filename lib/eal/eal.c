/* SPDX-License-Identifier: BSD-3-Clause
 * sl_eal_init / sl_eal_cleanup and the subsystem hooks. */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include "eal_private.h"

#define MAX_HOOKS 32

struct eal_hook {
	const char *name;
	int order;
	int (*init)(void);
	void (*fini)(void);
	int initialized;
};

struct eal_config eal_cfg;

#define MAX_IOVA_QUERIES 4

struct eal_iova_query {
	const char *name;
	sl_eal_iova_query_t query;
};

static struct eal_iova_query iova_queries[MAX_IOVA_QUERIES];
static unsigned nb_iova_queries;

static pthread_mutex_t eal_lock = PTHREAD_MUTEX_INITIALIZER;
static int eal_running;
static unsigned log_level_before_init;
static struct eal_hook hooks[MAX_HOOKS];
static unsigned nb_hooks;

int sl_eal_register_hook(const char *name, int order, int (*init)(void), void (*fini)(void))
{
	unsigned i;

	if (name == NULL || (init == NULL && fini == NULL))
		return -EINVAL;
	pthread_mutex_lock(&eal_lock);
	for (i = 0; i < nb_hooks; i++) {
		if (strcmp(hooks[i].name, name) == 0) {
			pthread_mutex_unlock(&eal_lock);
			return -EEXIST;
		}
	}
	if (nb_hooks == MAX_HOOKS) {
		pthread_mutex_unlock(&eal_lock);
		/* Called from constructors: stderr is all there is. */
		SL_LOG(ERR, EAL, "hook %s: more than %d subsystem hooks", name, MAX_HOOKS);
		return -ENOSPC;
	}
	/* Sorted by order; equal orders keep registration order. */
	for (i = nb_hooks; i > 0 && hooks[i - 1].order > order; i--)
		hooks[i] = hooks[i - 1];
	hooks[i] = (struct eal_hook){ .name = name, .order = order, .init = init, .fini = fini };
	nb_hooks++;
	pthread_mutex_unlock(&eal_lock);
	return 0;
}

int sl_eal_register_iova_query(const char *name, sl_eal_iova_query_t query)
{
	if (name == NULL || query == NULL)
		return -EINVAL;
	pthread_mutex_lock(&eal_lock);
	if (nb_iova_queries == MAX_IOVA_QUERIES) {
		pthread_mutex_unlock(&eal_lock);
		SL_LOG(ERR, EAL, "IOVA query %s: more than %d buses", name, MAX_IOVA_QUERIES);
		return -ENOSPC;
	}
	iova_queries[nb_iova_queries++] = (struct eal_iova_query){ name, query };
	pthread_mutex_unlock(&eal_lock);
	return 0;
}

/* --iova-mode auto: PA as soon as one device has no IOMMU (it can only DMA
 * to physical addresses), VA otherwise (IOMMU-allocated IOVAs, or no device
 * at all). A device behind an IOMMU works in PA mode too (VFIO maps
 * IOVA = PA), so one answer serves a process that mixes both. Whether the
 * memory suits such a device (hugepages that never move) is the bus's
 * check when it opens the device. */
static void eal_iova_mode_choose(struct eal_config *cfg)
{
	char what[128];
	unsigned i;

	if (cfg->iova_mode != SL_IOVA_MODE_DC)
		return;
	cfg->iova_auto = 1;
	cfg->iova_mode = SL_IOVA_MODE_VA;
	for (i = 0; i < nb_iova_queries; i++) {
		what[0] = '\0';
		if (iova_queries[i].query(what, sizeof(what)) != SL_IOVA_MODE_PA)
			continue;
		cfg->iova_mode = SL_IOVA_MODE_PA;
		SL_LOG(WARNING, EAL,
		       "IOVA mode pa: %s has no IOMMU, so devices get physical addresses and their "
		       "DMA is not confined to this process's memory (a vIOMMU, or vfio-pci behind "
		       "an IOMMU, confines it)",
		       what[0] ? what : iova_queries[i].name);
		return;
	}
}

static void hooks_fini(void)
{
	for (unsigned i = nb_hooks; i-- > 0;) {
		if (!hooks[i].initialized)
			continue;
		hooks[i].initialized = 0;
		if (hooks[i].fini != NULL)
			hooks[i].fini();
	}
}

static int hooks_init(void)
{
	for (unsigned i = 0; i < nb_hooks; i++) {
		int ret = hooks[i].init != NULL ? hooks[i].init() : 0;

		if (ret < 0) {
			/* The hook logged what went wrong; say where. */
			SL_LOG(DEBUG, EAL, "init of %s failed: %s", hooks[i].name, strerror(-ret));
			hooks_fini();
			return ret;
		}
		hooks[i].initialized = 1;
	}
	return 0;
}

int sl_eal_init(int argc, char **argv)
{
	struct eal_config cfg;
	int consumed, ret;

	pthread_mutex_lock(&eal_lock);
	if (eal_running) {
		pthread_mutex_unlock(&eal_lock);
		SL_LOG(ERR, EAL, "sl_eal_init called twice: call sl_eal_cleanup before a new init");
		return -EALREADY;
	}
	memset(&cfg, 0, sizeof(cfg));
	consumed = eal_parse_args(&cfg, argc, argv);
	if (consumed < 0) {
		eal_config_free(&cfg);
		pthread_mutex_unlock(&eal_lock);
		return consumed;
	}
	log_level_before_init = sl_log_get_level();
	if (cfg.log_level > 0)
		sl_log_set_level((unsigned)cfg.log_level);
	eal_cfg = cfg;
	eal_timer_init();

	/* Lcores first: the main thread is pinned before memory is touched,
	 * so the first segment lands on the main lcore's node. */
	eal_iova_mode_choose(&eal_cfg);
	ret = eal_lcores_start(&eal_cfg);
	if (ret < 0)
		goto fail_cfg;
	ret = eal_memory_init(&eal_cfg, sl_lcore_to_socket(0));
	if (ret < 0)
		goto fail_lcores;
	/* eal_lock is not held while hooks run: a hook may register
	 * another one. */
	eal_running = 1;
	pthread_mutex_unlock(&eal_lock);
	ret = hooks_init();
	pthread_mutex_lock(&eal_lock);
	if (ret < 0) {
		eal_running = 0;
		goto fail_memory;
	}
	pthread_mutex_unlock(&eal_lock);
	SL_LOG(DEBUG, EAL, "%u lcores, main on cpu %d, %zu MB of %s memory", sl_lcore_count(),
	       sl_lcore_to_cpu(0), sl_mem_reserved_bytes() >> 20,
	       eal_cfg.no_huge ? "locked 4 KiB" : "hugepage");
	return consumed;

fail_memory:
	eal_memory_fini();
fail_lcores:
	eal_lcores_stop();
fail_cfg:
	eal_config_free(&eal_cfg);
	sl_log_set_level(log_level_before_init);
	pthread_mutex_unlock(&eal_lock);
	return ret;
}

void sl_eal_cleanup(void)
{
	pthread_mutex_lock(&eal_lock);
	if (!eal_running) {
		pthread_mutex_unlock(&eal_lock);
		return;
	}
	pthread_mutex_unlock(&eal_lock);
	/* Jobs first: they may be polling devices the hooks are about to
	 * close. */
	sl_eal_mp_wait_lcore();
	hooks_fini();
	eal_intr_fini();
	pthread_mutex_lock(&eal_lock);
	eal_lcores_stop();
	eal_memory_fini();
	eal_config_free(&eal_cfg);
	sl_log_set_level(log_level_before_init);
	eal_running = 0;
	pthread_mutex_unlock(&eal_lock);
}

unsigned sl_eal_vdev_count(void)
{
	return eal_cfg.nb_vdevs;
}

const char *sl_eal_vdev_get(unsigned i)
{
	return i < eal_cfg.nb_vdevs ? eal_cfg.vdevs[i] : NULL;
}

unsigned sl_eal_pci_allow_count(void)
{
	return eal_cfg.nb_pci_allow;
}

const char *sl_eal_pci_allow_get(unsigned i)
{
	return i < eal_cfg.nb_pci_allow ? eal_cfg.pci_allow[i] : NULL;
}

int sl_eal_no_pci(void)
{
	return eal_cfg.no_pci;
}

int sl_eal_no_huge(void)
{
	return eal_cfg.no_huge;
}

enum sl_iova_mode sl_eal_iova_mode(void)
{
	return eal_cfg.iova_mode;
}

const char *sl_eal_file_prefix(void)
{
	return eal_cfg.file_prefix != NULL ? eal_cfg.file_prefix : "rte";
}

int sl_eal_no_telemetry(void)
{
	return eal_cfg.no_telemetry;
}
