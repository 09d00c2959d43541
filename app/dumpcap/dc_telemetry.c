/* SPDX-License-Identifier: BSD-3-Clause
 * The telemetry socket for sl-dumpcap (dc_telemetry.h). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "dc_telemetry.h"

/* The runtime directory as DPDK (and lib/telemetry) compute it. */
static void socket_path(const char *prefix, char *out, size_t cap)
{
	const char *base = getenv("RUNTIME_DIRECTORY");

	if (base == NULL || base[0] == '\0')
		base = getuid() == 0 ? "/var/run" : getenv("XDG_RUNTIME_DIR");
	if (base == NULL || base[0] == '\0')
		base = "/tmp";
	snprintf(out, cap, "%s/dpdk/%s/dpdk_telemetry.v2", base, prefix);
}

int dc_connect(const char *prefix, const char *sock_path, long *pid)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	char greeting[1024];
	long long v;
	ssize_t n;
	int fd;

	if (sock_path != NULL)
		snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", sock_path);
	else
		socket_path(prefix, sa.sun_path, sizeof(sa.sun_path));
	fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
	if (fd < 0 || connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		fprintf(stderr, "sl-dumpcap: cannot connect to %s: %s (is the app running, with "
			"this --file-prefix and without --no-telemetry? run as its user)\n",
			sa.sun_path, strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	n = recv(fd, greeting, sizeof(greeting) - 1, 0);
	if (n <= 0) {
		fprintf(stderr, "sl-dumpcap: %s sent no greeting\n", sa.sun_path);
		close(fd);
		return -1;
	}
	greeting[n] = '\0';
	*pid = dc_json_int(greeting, "pid", &v) == 0 ? (long)v : -1;
	return fd;
}

int dc_ask(int sock, const char *cmd, int fd, char *buf, size_t cap)
{
	union {
		char b[CMSG_SPACE(sizeof(int))];
		struct cmsghdr align;
	} ctl;
	struct iovec iov = { .iov_base = (void *)cmd, .iov_len = strlen(cmd) };
	struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1 };
	ssize_t n;

	if (fd >= 0) {
		struct cmsghdr *c;

		memset(&ctl, 0, sizeof(ctl));
		msg.msg_control = ctl.b;
		msg.msg_controllen = sizeof(ctl.b);
		c = CMSG_FIRSTHDR(&msg);
		c->cmsg_level = SOL_SOCKET;
		c->cmsg_type = SCM_RIGHTS;
		c->cmsg_len = CMSG_LEN(sizeof(int));
		memcpy(CMSG_DATA(c), &fd, sizeof(int));
	}
	if (sendmsg(sock, &msg, MSG_NOSIGNAL) < 0) {
		fprintf(stderr, "sl-dumpcap: sending %.40s: %s\n", cmd, strerror(errno));
		return -1;
	}
	n = recv(sock, buf, cap - 1, 0);
	if (n <= 0) {
		fprintf(stderr, "sl-dumpcap: no reply to %.40s (the app went away?)\n", cmd);
		return -1;
	}
	buf[n] = '\0';
	return 0;
}

static const char *value_of(const char *json, const char *key)
{
	char pat[80];
	const char *p;

	snprintf(pat, sizeof(pat), "\"%s\":", key);
	p = strstr(json, pat);
	return p != NULL ? p + strlen(pat) : NULL;
}

int dc_json_str(const char *json, const char *key, char *out, size_t cap)
{
	const char *p = value_of(json, key);
	size_t n = 0;

	if (p == NULL || *p != '"')
		return -1;
	for (p++; *p != '\0' && *p != '"' && n + 1 < cap; p++) {
		if (*p == '\\' && p[1] != '\0')
			p++;
		out[n++] = *p;
	}
	out[n] = '\0';
	return 0;
}

int dc_json_int(const char *json, const char *key, long long *v)
{
	const char *p = value_of(json, key);
	char *end;

	if (p == NULL)
		return -1;
	*v = strtoll(p, &end, 10);
	return end == p ? -1 : 0;
}
