/* SPDX-License-Identifier: BSD-3-Clause
 * Burst hooks (sl_eth_burst_hook_set): what live capture attaches to a
 * port. The fast path only loads the hook pointer; this file is what runs
 * when one is set, and the wait that lets a hook's owner free it.
 *
 * Freeing safely without a lock or an atomic on the fast path: a poller
 * that saw a non-NULL pointer enters sl_eth_burst_hook_run_, which marks
 * its lcore busy (an odd sequence number) before it loads the pointer
 * again, and even after the hook returned. The setter stores the new
 * pointer, then waits until every lcore was seen even or moved past the
 * odd number it had: from then on no poller holds the old hook. Threads
 * that are not lcores share one counter of callers inside. */
#include <errno.h>
#include <pthread.h>
#include <sched.h>

#include "ethdev_private.h"

struct hook_seq {
	uint64_t seq;		/* odd: inside a hook */
} __sl_cache_aligned;

static struct hook_seq lcore_seq[SL_MAX_LCORE];
static struct hook_seq foreign_inside;	/* callers that are not lcores */
static pthread_mutex_t hook_set_lock = PTHREAD_MUTEX_INITIALIZER;

void sl_eth_burst_hook_run_(uint16_t port_id, uint16_t queue_id, struct sl_mbuf *const *pkts,
			    uint16_t nb_pkts, int dir)
{
	struct sl_eth_fp_ops *fp = &sl_eth_fp_ops[port_id];
	unsigned lcore = sl_lcore_id();
	const struct sl_eth_burst_hook *h;
	struct hook_seq *s;

	if (nb_pkts == 0)
		return;
	if (lcore < SL_MAX_LCORE) {
		s = &lcore_seq[lcore];
		/* only this lcore writes its counter: a plain increment */
		__atomic_store_n(&s->seq, s->seq + 1, __ATOMIC_RELAXED);
	} else {
		s = &foreign_inside;
		__atomic_fetch_add(&s->seq, 1, __ATOMIC_RELAXED);
	}
	/* the busy mark is visible before the pointer is read again */
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	h = __atomic_load_n(dir ? &fp->tx_hook : &fp->rx_hook, __ATOMIC_ACQUIRE);
	if (h != NULL)
		h->fn(port_id, queue_id, pkts, nb_pkts, h->arg);
	if (lcore < SL_MAX_LCORE)
		__atomic_store_n(&s->seq, s->seq + 1, __ATOMIC_RELEASE);
	else
		__atomic_fetch_sub(&s->seq, 1, __ATOMIC_RELEASE);
}

/* Returns once no poller can still be running a hook it read before. */
static void hook_quiesce(void)
{
	uint64_t seen[SL_MAX_LCORE];

	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	for (unsigned i = 0; i < SL_MAX_LCORE; i++)
		seen[i] = __atomic_load_n(&lcore_seq[i].seq, __ATOMIC_ACQUIRE);
	for (unsigned i = 0; i < SL_MAX_LCORE; i++)
		while ((seen[i] & 1) && __atomic_load_n(&lcore_seq[i].seq, __ATOMIC_ACQUIRE) == seen[i])
			sched_yield();
	while (__atomic_load_n(&foreign_inside.seq, __ATOMIC_ACQUIRE) != 0)
		sched_yield();
}

int sl_eth_burst_hook_set(uint16_t port_id, enum sl_eth_burst_dir dir,
			  const struct sl_eth_burst_hook *hook)
{
	struct sl_eth_fp_ops *fp;

	if (port_id >= SL_MAX_ETHPORTS || (dir != SL_ETH_BURST_RX && dir != SL_ETH_BURST_TX) ||
	    (hook != NULL && hook->fn == NULL))
		return -EINVAL;
	if (hook != NULL && !sl_eth_dev_is_valid_port(port_id))
		return -ENODEV;
	fp = &sl_eth_fp_ops[port_id];
	pthread_mutex_lock(&hook_set_lock);
	__atomic_store_n(dir == SL_ETH_BURST_TX ? &fp->tx_hook : &fp->rx_hook, hook,
			 __ATOMIC_SEQ_CST);
	hook_quiesce();
	pthread_mutex_unlock(&hook_set_lock);
	return 0;
}

const struct sl_eth_burst_hook *sl_eth_burst_hook_get(uint16_t port_id, enum sl_eth_burst_dir dir)
{
	if (port_id >= SL_MAX_ETHPORTS)
		return NULL;
	return __atomic_load_n(dir == SL_ETH_BURST_TX ? &sl_eth_fp_ops[port_id].tx_hook
						       : &sl_eth_fp_ops[port_id].rx_hook,
			       __ATOMIC_ACQUIRE);
}
