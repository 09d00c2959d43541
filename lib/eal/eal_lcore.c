/* SPDX-License-Identifier: BSD-3-Clause
 * Lcores: one pinned thread per extra CPU of -l, sleeping on a futex while
 * idle, woken by sl_eal_remote_launch. */
#include <errno.h>
#include <limits.h>
#include <linux/futex.h>
#include <numa.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "eal_private.h"

__thread unsigned sl_per_lcore_id = SL_LCORE_ID_ANY;

/* The lcore's futex word. The launching thread moves IDLE -> RUNNING, the
 * worker RUNNING -> IDLE when the job returns; cleanup IDLE -> STOP. */
enum { LCORE_IDLE = 0, LCORE_RUNNING = 1, LCORE_STOP = 2 };

struct lcore {
	uint32_t state;
	uint32_t waiters;	/* threads asleep in sl_eal_wait_lcore */
	int (*fn)(void *);
	void *arg;
	int ret;
	int cpu;
	int socket;
	int thread_started;
	pthread_t thread;
} __sl_cache_aligned;

static struct lcore lcores[SL_MAX_LCORE];
static unsigned nb_lcores;
static pthread_t main_thread;
static cpu_set_t main_saved_affinity;
static int main_affinity_saved;

/* How long sl_eal_wait_lcore polls before it sleeps: short jobs finish
 * within it and their result is seen without a futex round trip. */
#define WAIT_SPIN_ROUNDS 2000

static void futex_wait(uint32_t *word, uint32_t expected)
{
	/* EAGAIN (the word already changed) and EINTR both mean: look again. */
	syscall(SYS_futex, word, FUTEX_WAIT_PRIVATE, expected, NULL, NULL, 0);
}

static void futex_wake(uint32_t *word)
{
	syscall(SYS_futex, word, FUTEX_WAKE_PRIVATE, INT_MAX, NULL, NULL, 0);
}

static int cpu_to_socket(int cpu)
{
	int node;

	if (numa_available() < 0)
		return 0;
	node = numa_node_of_cpu(cpu);
	return node < 0 || node >= SL_MAX_NUMA_NODES ? 0 : node;
}

static void *worker_main(void *p)
{
	struct lcore *lc = p;

	sl_per_lcore_id = (unsigned)(lc - lcores);
	for (;;) {
		uint32_t st = __atomic_load_n(&lc->state, __ATOMIC_ACQUIRE);

		if (st == LCORE_IDLE) {
			futex_wait(&lc->state, LCORE_IDLE);
			continue;
		}
		if (st == LCORE_STOP)
			break;
		/* The acquire load of RUNNING made fn/arg visible. */
		lc->ret = lc->fn(lc->arg);
		/* seq_cst store then seq_cst load of waiters, against the
		 * waiter's seq_cst increment then futex re-check of state:
		 * either we see the waiter and wake it, or it sees IDLE. */
		__atomic_store_n(&lc->state, LCORE_IDLE, __ATOMIC_SEQ_CST);
		if (__atomic_load_n(&lc->waiters, __ATOMIC_SEQ_CST) != 0)
			futex_wake(&lc->state);
	}
	return NULL;
}

static void stop_workers(void)
{
	for (unsigned i = 1; i < nb_lcores; i++) {
		struct lcore *lc = &lcores[i];

		if (!lc->thread_started)
			continue;
		/* A job still running is waited for: killing a thread mid-job
		 * would leave whatever it holds (ring slots, mbufs) behind. */
		sl_eal_wait_lcore(i);
		__atomic_store_n(&lc->state, LCORE_STOP, __ATOMIC_RELEASE);
		futex_wake(&lc->state);
		pthread_join(lc->thread, NULL);
		lc->thread_started = 0;
	}
}

void eal_lcores_stop(void)
{
	stop_workers();
	if (main_affinity_saved && pthread_equal(main_thread, pthread_self()))
		pthread_setaffinity_np(main_thread, sizeof(main_saved_affinity),
				       &main_saved_affinity);
	main_affinity_saved = 0;
	if (pthread_equal(main_thread, pthread_self()))
		sl_per_lcore_id = SL_LCORE_ID_ANY;
	__atomic_store_n(&nb_lcores, 0, __ATOMIC_RELEASE);
	memset(lcores, 0, sizeof(lcores));
}

int eal_lcores_start(const struct eal_config *cfg)
{
	cpu_set_t set;
	int ret;

	memset(lcores, 0, sizeof(lcores));
	for (unsigned i = 0; i < cfg->nb_lcores; i++) {
		lcores[i].cpu = cfg->lcore_cpu[i];
		lcores[i].socket = cpu_to_socket(cfg->lcore_cpu[i]);
	}
	nb_lcores = cfg->nb_lcores;
	main_thread = pthread_self();

	if (pthread_getaffinity_np(main_thread, sizeof(main_saved_affinity),
				   &main_saved_affinity) == 0)
		main_affinity_saved = 1;
	CPU_ZERO(&set);
	CPU_SET(lcores[0].cpu, &set);
	ret = pthread_setaffinity_np(main_thread, sizeof(set), &set);
	if (ret != 0) {
		SL_LOG(ERR, EAL, "cannot pin the main lcore to cpu %d: %s", lcores[0].cpu,
		       strerror(ret));
		eal_lcores_stop();
		return -ret;
	}
	sl_per_lcore_id = 0;

	for (unsigned i = 1; i < nb_lcores; i++) {
		struct lcore *lc = &lcores[i];
		pthread_attr_t attr;
		char name[24];

		CPU_ZERO(&set);
		CPU_SET(lc->cpu, &set);
		pthread_attr_init(&attr);
		/* Pinned from its first instruction: nothing it touches
		 * first gets allocated on another node. */
		pthread_attr_setaffinity_np(&attr, sizeof(set), &set);
		ret = pthread_create(&lc->thread, &attr, worker_main, lc);
		pthread_attr_destroy(&attr);
		if (ret != 0) {
			SL_LOG(ERR, EAL, "cannot start the thread of lcore %u (cpu %d): %s", i,
			       lc->cpu, strerror(ret));
			eal_lcores_stop();
			return -ret;
		}
		lc->thread_started = 1;
		snprintf(name, sizeof(name), "sl-lcore-%u", i);
		name[15] = '\0'; /* the kernel's limit for thread names */
		pthread_setname_np(lc->thread, name);
	}
	return 0;
}

void eal_control_cpus(cpu_set_t *set)
{
	cpu_set_t spare;

	if (!main_affinity_saved) {
		CPU_ZERO(set);
		for (unsigned i = 0; i < nb_lcores; i++)
			CPU_SET(lcores[i].cpu, set);
		return;
	}
	CPU_ZERO(&spare);
	for (int cpu = 0; cpu < CPU_SETSIZE; cpu++)
		if (CPU_ISSET(cpu, &main_saved_affinity))
			CPU_SET(cpu, &spare);
	for (unsigned i = 0; i < nb_lcores; i++)
		CPU_CLR(lcores[i].cpu, &spare);
	*set = CPU_COUNT(&spare) > 0 ? spare : main_saved_affinity;
}

int sl_eal_ctrl_thread_create(pthread_t *thread, const char *name, void *(*fn)(void *), void *arg)
{
	pthread_attr_t attr;
	cpu_set_t cpus;
	int ret;

	eal_control_cpus(&cpus);
	pthread_attr_init(&attr);
	pthread_attr_setaffinity_np(&attr, sizeof(cpus), &cpus);
	ret = -pthread_create(thread, &attr, fn, arg);
	pthread_attr_destroy(&attr);
	if (ret == 0)
		pthread_setname_np(*thread, name);
	return ret;
}

static sl_lcore_usage_cb_t lcore_usage_cb;

void sl_lcore_register_usage_cb(sl_lcore_usage_cb_t cb)
{
	__atomic_store_n(&lcore_usage_cb, cb, __ATOMIC_RELEASE);
}

int sl_lcore_usage_get(unsigned lcore_id, struct sl_lcore_usage *usage)
{
	sl_lcore_usage_cb_t cb = __atomic_load_n(&lcore_usage_cb, __ATOMIC_ACQUIRE);

	if (cb == NULL)
		return -ENOTSUP;
	return cb(lcore_id, usage);
}

unsigned sl_lcore_count(void)
{
	return __atomic_load_n(&nb_lcores, __ATOMIC_ACQUIRE);
}

unsigned sl_get_main_lcore(void)
{
	return 0;
}

int sl_lcore_to_cpu(unsigned lcore)
{
	return lcore < sl_lcore_count() ? lcores[lcore].cpu : -EINVAL;
}

int sl_lcore_to_socket(unsigned lcore)
{
	return lcore < sl_lcore_count() ? lcores[lcore].socket : -EINVAL;
}

int sl_socket_id(void)
{
	unsigned id = sl_lcore_id();

	return id < sl_lcore_count() ? lcores[id].socket : 0;
}

unsigned sl_get_next_lcore(unsigned i, int skip_main)
{
	unsigned n = sl_lcore_count();

	i++; /* UINT32_MAX wraps to 0: the first call */
	if (skip_main && i == 0)
		i = 1;
	return i < n ? i : SL_MAX_LCORE;
}

int sl_eal_remote_launch(int (*fn)(void *), void *arg, unsigned lcore)
{
	struct lcore *lc;

	if (lcore == 0 || lcore >= sl_lcore_count() || fn == NULL) {
		SL_LOG(ERR, EAL,
		       "remote launch on lcore %u: %s", lcore,
		       fn == NULL ? "no function given" :
		       lcore == 0 ? "that is the main lcore: call the function directly" :
				    "no such lcore (see -l)");
		return -EINVAL;
	}
	lc = &lcores[lcore];
	if (__atomic_load_n(&lc->state, __ATOMIC_ACQUIRE) != LCORE_IDLE)
		return -EBUSY;
	lc->fn = fn;
	lc->arg = arg;
	/* Release: the worker that sees RUNNING sees fn and arg. */
	__atomic_store_n(&lc->state, LCORE_RUNNING, __ATOMIC_RELEASE);
	futex_wake(&lc->state);
	return 0;
}

int sl_eal_mp_remote_launch(int (*fn)(void *), void *arg, int call_main)
{
	unsigned i, n = sl_lcore_count();
	int ret;

	if (fn == NULL || n == 0) {
		SL_LOG(ERR, EAL, "remote launch: %s",
		       fn == NULL ? "no function given" : "the EAL is not initialized (sl_eal_init)");
		return -EINVAL;
	}
	/* All or none: a job on a busy lcore would leave the others running
	 * a job the caller thinks was never started. */
	for (i = 1; i < n; i++)
		if (__atomic_load_n(&lcores[i].state, __ATOMIC_ACQUIRE) != LCORE_IDLE)
			return -EBUSY;
	for (i = 1; i < n; i++) {
		ret = sl_eal_remote_launch(fn, arg, i);
		if (ret < 0)
			return ret;
	}
	if (call_main)
		lcores[0].ret = fn(arg);
	return 0;
}

int sl_eal_wait_lcore(unsigned lcore)
{
	struct lcore *lc;

	if (lcore >= sl_lcore_count())
		return -EINVAL;
	lc = &lcores[lcore];
	for (unsigned spin = 0; spin < WAIT_SPIN_ROUNDS; spin++) {
		if (__atomic_load_n(&lc->state, __ATOMIC_ACQUIRE) != LCORE_RUNNING)
			return lc->ret;
		sl_pause();
	}
	while (__atomic_load_n(&lc->state, __ATOMIC_ACQUIRE) == LCORE_RUNNING) {
		__atomic_fetch_add(&lc->waiters, 1, __ATOMIC_SEQ_CST);
		futex_wait(&lc->state, LCORE_RUNNING);
		__atomic_fetch_sub(&lc->waiters, 1, __ATOMIC_SEQ_CST);
	}
	return lc->ret;
}

void sl_eal_mp_wait_lcore(void)
{
	unsigned i, n = sl_lcore_count();

	for (i = 1; i < n; i++)
		sl_eal_wait_lcore(i);
}
