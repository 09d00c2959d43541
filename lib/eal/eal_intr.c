/* SPDX-License-Identifier: BSD-3-Clause
 * The interrupt thread: one EAL control thread that sleeps in epoll_wait on
 * every fd registered with sl_eal_intr_callback_register and runs the
 * fd's callback when it becomes readable, never on an lcore. Drivers put
 * their link-change and shared (INTx) vectors here; lcores wait on their
 * own queues' fds with sl_eal_wait_fds and never meet this thread.
 *
 * The thread starts with the first callback and runs on CPUs no lcore is
 * pinned to (eal_control_cpus), so a callback never steals a polling
 * core's time. Unregistering waits for a running callback of that source
 * to return, so its argument may be freed afterwards (unless called from
 * the callback itself). */
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <stdint.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "sl_log.h"
#include "eal_private.h"

#define MAX_SOURCES 64

struct intr_source {
	int fd;			/* -1: free */
	sl_intr_cb_t cb;
	void *arg;
};

static struct {
	pthread_mutex_t lock;
	pthread_cond_t idle;		/* a callback returned */
	struct intr_source src[MAX_SOURCES];
	int running;			/* index of the callback running, -1 */
	int epfd, wakefd;
	pthread_t thread;
	int started;
	int stopping;
} intr = {
	.lock = PTHREAD_MUTEX_INITIALIZER,
	.idle = PTHREAD_COND_INITIALIZER,
	.running = -1,
	.epfd = -1,
	.wakefd = -1,
};

static void run_ready(const struct epoll_event *ev)
{
	struct intr_source s;
	int i = (int)ev->data.u32;

	pthread_mutex_lock(&intr.lock);
	s = intr.src[i];
	if (s.fd < 0) {
		pthread_mutex_unlock(&intr.lock);
		return;
	}
	intr.running = i;
	pthread_mutex_unlock(&intr.lock);
	s.cb(s.fd, s.arg);
	pthread_mutex_lock(&intr.lock);
	intr.running = -1;
	pthread_cond_broadcast(&intr.idle);
	pthread_mutex_unlock(&intr.lock);
}

static void *intr_thread(void *unused)
{
	struct epoll_event ev[8];

	(void)unused;
	for (;;) {
		int n = epoll_wait(intr.epfd, ev, SL_DIM(ev), -1);

		if (n < 0 && errno != EINTR) {
			SL_LOG(ERR, EAL, "interrupt thread: epoll_wait: %s; interrupts stop",
			       strerror(errno));
			return NULL;
		}
		for (int k = 0; k < n; k++) {
			if (ev[k].data.u32 == UINT32_MAX) {
				uint64_t v;

				if (read(intr.wakefd, &v, sizeof(v)) < 0 && errno != EAGAIN)
					return NULL;
				if (__atomic_load_n(&intr.stopping, __ATOMIC_ACQUIRE))
					return NULL;
				continue;
			}
			run_ready(&ev[k]);
		}
	}
}

/* With intr.lock held. */
static int thread_start(void)
{
	struct epoll_event ev = { .events = EPOLLIN, .data.u32 = UINT32_MAX };
	int ret;

	intr.epfd = epoll_create1(EPOLL_CLOEXEC);
	intr.wakefd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	if (intr.epfd < 0 || intr.wakefd < 0 ||
	    epoll_ctl(intr.epfd, EPOLL_CTL_ADD, intr.wakefd, &ev) < 0) {
		ret = -errno;
		goto fail;
	}
	ret = sl_eal_ctrl_thread_create(&intr.thread, "sl-intr", intr_thread, NULL);
	if (ret < 0)
		goto fail;
	intr.started = 1;
	intr.stopping = 0;
	return 0;
fail:
	SL_LOG(ERR, EAL, "cannot start the interrupt thread: %s", strerror(-ret));
	if (intr.epfd >= 0)
		close(intr.epfd);
	if (intr.wakefd >= 0)
		close(intr.wakefd);
	intr.epfd = intr.wakefd = -1;
	return ret;
}

int sl_eal_intr_callback_register(int fd, sl_intr_cb_t cb, void *arg)
{
	struct epoll_event ev = { .events = EPOLLIN };
	int i, free_slot = -1, ret = 0;

	if (fd < 0 || cb == NULL)
		return -EINVAL;
	pthread_mutex_lock(&intr.lock);
	for (i = 0; i < MAX_SOURCES; i++) {
		if (intr.src[i].cb != NULL && intr.src[i].fd == fd) {
			ret = -EEXIST;
			goto out;
		}
		if (intr.src[i].cb == NULL && free_slot < 0)
			free_slot = i;
	}
	if (free_slot < 0) {
		SL_LOG(ERR, EAL, "more than %d interrupt sources: close some ports", MAX_SOURCES);
		ret = -ENOSPC;
		goto out;
	}
	if (!intr.started && (ret = thread_start()) < 0)
		goto out;
	intr.src[free_slot] = (struct intr_source){ .fd = fd, .cb = cb, .arg = arg };
	ev.data.u32 = (uint32_t)free_slot;
	if (epoll_ctl(intr.epfd, EPOLL_CTL_ADD, fd, &ev) < 0) {
		ret = -errno;
		SL_LOG(ERR, EAL, "interrupt fd %d: epoll_ctl: %s", fd, strerror(errno));
		intr.src[free_slot] = (struct intr_source){ .fd = -1 };
	}
out:
	pthread_mutex_unlock(&intr.lock);
	return ret;
}

int sl_eal_intr_callback_unregister(int fd, sl_intr_cb_t cb, const void *arg)
{
	int self, ret = -ENOENT;

	pthread_mutex_lock(&intr.lock);
	self = intr.started && pthread_equal(pthread_self(), intr.thread);
	for (int i = 0; i < MAX_SOURCES; i++) {
		struct intr_source *s = &intr.src[i];

		if (s->cb != cb || s->fd != fd || s->arg != arg)
			continue;
		epoll_ctl(intr.epfd, EPOLL_CTL_DEL, fd, NULL);
		*s = (struct intr_source){ .fd = -1 };
		while (intr.running == i && !self)
			pthread_cond_wait(&intr.idle, &intr.lock);
		ret = 0;
		break;
	}
	pthread_mutex_unlock(&intr.lock);
	return ret;
}

void eal_intr_fini(void)
{
	uint64_t one = 1;

	pthread_mutex_lock(&intr.lock);
	if (!intr.started) {
		pthread_mutex_unlock(&intr.lock);
		return;
	}
	__atomic_store_n(&intr.stopping, 1, __ATOMIC_RELEASE);
	pthread_mutex_unlock(&intr.lock);
	if (write(intr.wakefd, &one, sizeof(one)) != sizeof(one))
		SL_LOG(WARNING, EAL, "cannot wake the interrupt thread: %s", strerror(errno));
	pthread_join(intr.thread, NULL);
	pthread_mutex_lock(&intr.lock);
	close(intr.epfd);
	close(intr.wakefd);
	intr.epfd = intr.wakefd = -1;
	intr.started = 0;
	for (int i = 0; i < MAX_SOURCES; i++)
		intr.src[i] = (struct intr_source){ .fd = -1 };
	pthread_mutex_unlock(&intr.lock);
}

int sl_eal_wait_fds(const int *fds, unsigned nb, int timeout_ms)
{
	struct pollfd pfd[SL_EAL_WAIT_MAX_FDS];
	unsigned i;
	int n;

	if (nb > SL_EAL_WAIT_MAX_FDS)
		return -EINVAL;
	for (i = 0; i < nb; i++)
		pfd[i] = (struct pollfd){ .fd = fds[i], .events = POLLIN };
	n = poll(pfd, nb, timeout_ms);
	if (n < 0)
		return errno == EINTR ? 0 : -errno;
	/* Each fd is an eventfd (sl_eth_dev_rx_intr_fd): reading it resets
	 * its count, so the next wait sleeps until the next event. */
	for (i = 0; i < nb; i++) {
		uint64_t v;

		if ((pfd[i].revents & POLLIN) && read(fds[i], &v, sizeof(v)) < 0 && errno != EAGAIN)
			return -errno;
	}
	return n;
}
