/* SPDX-License-Identifier: BSD-3-Clause
 * The telemetry socket: the runtime directory, the listening socket (one
 * process per --file-prefix; a socket left by a killed process is
 * replaced) and the server thread, an EAL control thread that polls the
 * socket and its clients and answers one request per message. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "sl_eal.h"
#include "telemetry_private.h"

#define MAX_CLIENTS 16
#define MAX_REQUEST 16384

static struct {
	char dir[sizeof(((struct sockaddr_un *)0)->sun_path)];
	char path[sizeof(((struct sockaddr_un *)0)->sun_path)];
	int listen_fd;
	int wake_fd;
	int client_fd[MAX_CLIENTS];	/* -1: free; the connection id is the index */
	pthread_t thread;
	int running;
	void (*close_cb)(int conn_id);
	char out[SL_TELEMETRY_MAX_OUTPUT];
	char in[MAX_REQUEST + 1];
} srv = { .listen_fd = -1, .wake_fd = -1 };

void telemetry_set_close_cb(void (*fn)(int conn_id))
{
	srv.close_cb = fn;
}

const char *sl_telemetry_socket_path(void)
{
	return srv.running ? srv.path : NULL;
}

/* DPDK's runtime directory: $RUNTIME_DIRECTORY, else /var/run for root
 * and $XDG_RUNTIME_DIR (or /tmp) for others, then dpdk/<prefix>. Created
 * 0700; an existing one must be ours and closed to others. */
static int make_runtime_dir(const char *prefix)
{
	const char *base = getenv("RUNTIME_DIRECTORY");
	char parent[sizeof(srv.dir) + 8];
	struct stat st;

	if (base == NULL || base[0] == '\0')
		base = getuid() == 0 ? "/var/run" : getenv("XDG_RUNTIME_DIR");
	if (base == NULL || base[0] == '\0')
		base = "/tmp";
	char path[512];

	snprintf(parent, sizeof(parent), "%s/dpdk", base);
	if ((size_t)snprintf(path, sizeof(path), "%s/%s/%s", parent, prefix,
			     SL_TELEMETRY_SOCKET_NAME) >= sizeof(srv.path)) {
		SL_LOG(ERR, TELEMETRY, "runtime directory %s/%s: path too long for a socket; "
		       "use a shorter --file-prefix", parent, prefix);
		return -ENAMETOOLONG;
	}
	memcpy(srv.path, path, sizeof(srv.path));
	memcpy(srv.dir, path, sizeof(srv.dir));
	*strrchr(srv.dir, '/') = '\0';
	if ((mkdir(parent, 0700) < 0 && errno != EEXIST) ||
	    (mkdir(srv.dir, 0700) < 0 && errno != EEXIST)) {
		SL_LOG(ERR, TELEMETRY, "cannot create %s: %s; run with --no-telemetry or give "
		       "RUNTIME_DIRECTORY a writable directory", srv.dir, strerror(errno));
		return -errno;
	}
	if (stat(srv.dir, &st) < 0 || st.st_uid != getuid()) {
		SL_LOG(ERR, TELEMETRY, "%s belongs to uid %u, not to this user (%u): use another "
		       "--file-prefix or --no-telemetry", srv.dir, (unsigned)st.st_uid,
		       (unsigned)getuid());
		return -EPERM;
	}
	if ((st.st_mode & 077) != 0) {
		SL_LOG(ERR, TELEMETRY, "%s is mode %03o: others could reach the telemetry socket; "
		       "chmod 700 it, or use another --file-prefix", srv.dir,
		       (unsigned)(st.st_mode & 0777));
		return -EPERM;
	}
	return 0;
}

/* The pid in the greeting of whoever serves path, or -1. */
static long holder_pid(const struct sockaddr_un *sa)
{
	int fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
	char buf[1024];
	long pid = -1;
	ssize_t n;

	if (fd < 0)
		return -1;
	if (connect(fd, (const struct sockaddr *)sa, sizeof(*sa)) == 0) {
		struct timeval tv = { .tv_sec = 1 };
		const char *p;

		pid = 0;
		setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
		n = recv(fd, buf, sizeof(buf) - 1, 0);
		if (n > 0) {
			buf[n] = '\0';
			p = strstr(buf, "\"pid\":");
			if (p != NULL)
				pid = strtol(p + 6, NULL, 10);
		}
	}
	close(fd);
	return pid;
}

/* 0 and a listening socket, 1 when a live process holds the path, or -errno. */
static int open_socket(void)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd, ret;

	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", srv.path);
	fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0)
		return -errno;
	ret = bind(fd, (struct sockaddr *)&sa, sizeof(sa));
	if (ret < 0 && errno == EADDRINUSE) {
		long pid = holder_pid(&sa);

		if (pid >= 0) {
			SL_LOG(WARNING, TELEMETRY, "%s is served by process %ld: this process serves "
			       "no telemetry; give it its own --file-prefix NAME to have one",
			       srv.path, pid);
			close(fd);
			return 1;
		}
		/* nobody answers: left by a process that was killed */
		SL_LOG(INFO, TELEMETRY, "replacing the stale socket %s", srv.path);
		unlink(srv.path);
		ret = bind(fd, (struct sockaddr *)&sa, sizeof(sa));
	}
	/* bind made it 0777 & ~umask: the owner alone may connect */
	if (ret < 0 || chmod(srv.path, 0600) < 0 || listen(fd, MAX_CLIENTS) < 0) {
		int err = errno;

		SL_LOG(ERR, TELEMETRY, "cannot serve telemetry on %s: %s; run with --no-telemetry "
		       "or another --file-prefix", srv.path, strerror(err));
		close(fd);
		return -err;
	}
	srv.listen_fd = fd;
	return 0;
}

static void send_greeting(int fd)
{
	char buf[128];
	int n = snprintf(buf, sizeof(buf),
			 "{\"version\":\"Sluice %s\",\"pid\":%d,\"max_output_len\":%d}",
			 SL_VERSION, (int)getpid(), SL_TELEMETRY_MAX_OUTPUT);

	send(fd, buf, (size_t)n, MSG_NOSIGNAL | MSG_DONTWAIT);
}

static void accept_client(void)
{
	int fd = accept4(srv.listen_fd, NULL, NULL, SOCK_CLOEXEC);

	if (fd < 0)
		return;
	for (int i = 0; i < MAX_CLIENTS; i++)
		if (srv.client_fd[i] < 0) {
			srv.client_fd[i] = fd;
			send_greeting(fd);
			return;
		}
	SL_LOG(WARNING, TELEMETRY, "more than %d telemetry clients: one refused", MAX_CLIENTS);
	close(fd);
}

static void drop_client(int i)
{
	close(srv.client_fd[i]);
	srv.client_fd[i] = -1;
	if (srv.close_cb != NULL)
		srv.close_cb(i);
}

/* One request: its text and the descriptors that came with it. */
static ssize_t recv_request(int fd, struct telemetry_req *req)
{
	union {
		char buf[CMSG_SPACE(TELEMETRY_MAX_FDS * sizeof(int))];
		struct cmsghdr align;
	} ctl;
	struct iovec iov = { .iov_base = srv.in, .iov_len = MAX_REQUEST };
	struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1,
			      .msg_control = ctl.buf, .msg_controllen = sizeof(ctl.buf) };
	ssize_t n = recvmsg(fd, &msg, MSG_CMSG_CLOEXEC | MSG_DONTWAIT);

	req->nb_fds = 0;
	for (struct cmsghdr *c = CMSG_FIRSTHDR(&msg); n >= 0 && c != NULL; c = CMSG_NXTHDR(&msg, c)) {
		size_t nb = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);

		if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS)
			continue;
		for (size_t k = 0; k < nb; k++) {
			int rfd;

			memcpy(&rfd, CMSG_DATA(c) + k * sizeof(int), sizeof(int));
			if (req->nb_fds < TELEMETRY_MAX_FDS)
				req->fds[req->nb_fds++] = rfd;
			else
				close(rfd);
		}
	}
	if (n < 0)
		return errno == EAGAIN || errno == EINTR ? -EAGAIN : -errno;
	if (msg.msg_flags & MSG_TRUNC)
		return -EMSGSIZE;
	srv.in[n] = '\0';
	/* clients may end a line */
	while (n > 0 && (srv.in[n - 1] == '\n' || srv.in[n - 1] == '\r'))
		srv.in[--n] = '\0';
	return n;
}

static void serve_client(int i)
{
	struct telemetry_req req = { .conn_id = i };
	ssize_t n = recv_request(srv.client_fd[i], &req);
	int len;

	if (n == -EAGAIN)
		return;
	if (n > 0) {
		len = telemetry_dispatch(srv.in, &req, srv.out, sizeof(srv.out));
		if (send(srv.client_fd[i], srv.out, (size_t)len, MSG_NOSIGNAL) < 0)
			n = -errno;
	}
	for (unsigned k = 0; k < req.nb_fds; k++)
		if (req.fds[k] >= 0)
			close(req.fds[k]);
	if (n <= 0)
		drop_client(i);
}

static void *server_thread(void *unused)
{
	struct pollfd pfd[MAX_CLIENTS + 2];

	(void)unused;
	for (;;) {
		int map[MAX_CLIENTS], nb = 2;

		pfd[0] = (struct pollfd){ .fd = srv.wake_fd, .events = POLLIN };
		pfd[1] = (struct pollfd){ .fd = srv.listen_fd, .events = POLLIN };
		for (int i = 0; i < MAX_CLIENTS; i++)
			if (srv.client_fd[i] >= 0) {
				map[nb - 2] = i;
				pfd[nb++] = (struct pollfd){ .fd = srv.client_fd[i], .events = POLLIN };
			}
		if (poll(pfd, (nfds_t)nb, -1) < 0) {
			if (errno == EINTR)
				continue;
			SL_LOG(ERR, TELEMETRY, "poll: %s; telemetry stops", strerror(errno));
			return NULL;
		}
		if (pfd[0].revents)
			return NULL;
		for (int k = 2; k < nb; k++)
			if (pfd[k].revents)
				serve_client(map[k - 2]);
		if (pfd[1].revents & POLLIN)
			accept_client();
	}
}

static void server_close(void)
{
	if (srv.listen_fd >= 0) {
		close(srv.listen_fd);
		unlink(srv.path);
	}
	if (srv.wake_fd >= 0)
		close(srv.wake_fd);
	srv.listen_fd = srv.wake_fd = -1;
}

static int telemetry_start(void)
{
	int ret;

	for (int i = 0; i < MAX_CLIENTS; i++)
		srv.client_fd[i] = -1;
	if (sl_eal_no_telemetry())
		return 0;
	ret = make_runtime_dir(sl_eal_file_prefix());
	if (ret == 0)
		ret = open_socket();
	if (ret != 0)
		return ret > 0 ? 0 : ret;
	srv.wake_fd = eventfd(0, EFD_CLOEXEC);
	ret = srv.wake_fd < 0 ? -errno
			      : sl_eal_ctrl_thread_create(&srv.thread, "sl-telemetry", server_thread, NULL);
	if (ret < 0) {
		SL_LOG(ERR, TELEMETRY, "cannot start the telemetry thread: %s; run with "
		       "--no-telemetry", strerror(-ret));
		server_close();
		return ret;
	}
	srv.running = 1;
	SL_LOG(DEBUG, TELEMETRY, "serving %s", srv.path);
	return 0;
}

static void telemetry_stop(void)
{
	if (!srv.running)
		return;
	eventfd_write(srv.wake_fd, 1);
	pthread_join(srv.thread, NULL);
	srv.running = 0;
	for (int i = 0; i < MAX_CLIENTS; i++)
		if (srv.client_fd[i] >= 0)
			drop_client(i);
	capture_stop_all();
	server_close();
}

static void __attribute__((constructor)) telemetry_register(void)
{
	telemetry_register_eal_cmds();
	telemetry_register_ethdev_cmds();
	telemetry_register_capture_cmds();
	sl_eal_register_hook("telemetry", SL_EAL_HOOK_TELEMETRY, telemetry_start, telemetry_stop);
}
