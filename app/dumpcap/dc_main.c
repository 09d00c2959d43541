/* SPDX-License-Identifier: BSD-3-Clause
 * sl-dumpcap: live capture from a running Sluice process into pcapng,
 * with dumpcap's options. It needs no EAL: it compiles the filter with
 * libpcap, lays out a capture ring (sl_capture_ring.h) in a sealed memfd,
 * hands it to the process over the telemetry socket with /capture/start
 * and writes what the process's lcores put in it. Closing the socket (an
 * exit, or being killed) ends the capture in the process. */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <pcap/pcap.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "dc_main.h"
#include "dc_pcapng.h"
#include "dc_telemetry.h"
#include "sl_capture_ring.h"

static volatile sig_atomic_t stop_signal;

static void on_signal(int sig)
{
	stop_signal = sig;
}

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* The filter as the hex text /capture/start takes; "" for none. */
static char *compile_filter(const struct dc_opts *o)
{
	struct bpf_program prog;
	pcap_t *p;
	char *hex;

	if (o->filter == NULL)
		return strdup("");
	p = pcap_open_dead(DLT_EN10MB, (int)o->snaplen);
	if (p == NULL || pcap_compile(p, &prog, o->filter, 1, PCAP_NETMASK_UNKNOWN) < 0) {
		fprintf(stderr, "sl-dumpcap: -f '%s': %s\n", o->filter,
			p != NULL ? pcap_geterr(p) : "libpcap failed");
		if (p != NULL)
			pcap_close(p);
		return NULL;
	}
	hex = malloc(prog.bf_len * 16 + 1);
	if (hex != NULL) {
		for (unsigned i = 0; i < prog.bf_len; i++)
			sprintf(hex + 16 * i, "%04x%02x%02x%08x", prog.bf_insns[i].code,
				prog.bf_insns[i].jt, prog.bf_insns[i].jf, prog.bf_insns[i].k);
		hex[prog.bf_len * 16] = '\0';
	}
	pcap_freecode(&prog);
	pcap_close(p);
	return hex;
}

/* A sealed memfd holding a fresh ring, mapped at *ring. */
static int make_ring(const struct dc_opts *o, struct sl_capture_geom *g, size_t *len)
{
	uint32_t slot = (uint32_t)((sizeof(struct sl_capture_slot) + o->snaplen + 63) / 64 * 64);
	uint64_t want = (uint64_t)o->buffer_mb << 20;
	uint32_t nb = 2;
	struct sl_capture_ring *r;
	int fd;

	/* slots are sized for snaplen but a frame touches only its own
	 * pages of one: the memory used follows the frames held, not -B */
	while ((uint64_t)nb * 2 * slot <= want && nb < (1u << 24))
		nb *= 2;
	*len = (size_t)sl_capture_ring_size(nb, slot);
	fd = memfd_create("sl-dumpcap", MFD_CLOEXEC | MFD_ALLOW_SEALING);
	if (fd < 0 || ftruncate(fd, (off_t)*len) < 0 ||
	    fcntl(fd, F_ADD_SEALS, F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_SEAL) < 0) {
		fprintf(stderr, "sl-dumpcap: a %zu MB capture buffer: %s (try a smaller -B)\n",
			*len >> 20, strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	r = mmap(NULL, *len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (r == MAP_FAILED) {
		fprintf(stderr, "sl-dumpcap: mmap of the capture buffer: %s\n", strerror(errno));
		close(fd);
		return -1;
	}
	sl_capture_ring_init(r, nb, slot, o->snaplen);
	*g = (struct sl_capture_geom){ .ring = r, .slots = (uint8_t *)r + r->data_offset,
				       .mask = nb - 1, .slot_size = slot, .snaplen = o->snaplen };
	return fd;
}

/* Port ids and names for every -i (an id, or a name /ethdev/info gives). */
static int resolve_ports(int sock, struct dc_opts *o)
{
	char reply[DC_REPLY_MAX], cmd[64];

	for (unsigned i = 0; i < o->nb_ifaces; i++) {
		char *end;
		long id = strtol(o->iface[i], &end, 10);
		int found = 0;

		for (long p = (*end == '\0' && end != o->iface[i]) ? id : 0; p < 64 && !found; p++) {
			snprintf(cmd, sizeof(cmd), "/ethdev/info,%ld", p);
			if (dc_ask(sock, cmd, -1, reply, sizeof(reply)) < 0)
				return -1;
			if (dc_json_str(reply, "name", o->name[i], sizeof(o->name[i])) < 0) {
				if (*end == '\0')
					break;
				continue;
			}
			found = (*end == '\0' && end != o->iface[i]) || strcmp(o->name[i], o->iface[i]) == 0;
			if (found)
				o->port[i] = (uint16_t)p;
		}
		if (!found) {
			fprintf(stderr, "sl-dumpcap: -i %s: no such port in that process (sl-dumpcap "
				"-D lists them)\n", o->iface[i]);
			return -1;
		}
	}
	return 0;
}

static int start_capture(int sock, const struct dc_opts *o, int memfd, const char *bpf)
{
	static const char *const dirs[] = { "", "rx", "tx", "both" };
	size_t len = 64 + strlen(bpf);
	char *cmd = malloc(len), reply[DC_REPLY_MAX], err[200];
	long long id = -1;
	int off;

	if (cmd == NULL)
		return -1;
	off = snprintf(cmd, len, "/capture/start,ports=");
	for (unsigned i = 0; i < o->nb_ifaces; i++)
		off += snprintf(cmd + off, len - (size_t)off, "%s%u", i ? ":" : "", o->port[i]);
	snprintf(cmd + off, len - (size_t)off, " dir=%s%s%s", dirs[o->dirs],
		 bpf[0] ? " bpf=" : "", bpf);
	if (dc_ask(sock, cmd, memfd, reply, sizeof(reply)) == 0) {
		if (dc_json_str(reply, "error", err, sizeof(err)) == 0)
			fprintf(stderr, "sl-dumpcap: the app refused the capture: %s\n", err);
		else if (dc_json_int(reply, "id", &id) < 0)
			fprintf(stderr, "sl-dumpcap: this process has no live capture (%.80s)\n",
				reply);
	}
	free(cmd);
	return id >= 0 ? 0 : -1;
}

/* Writes what the ring holds; returns the frames written, -1 on a write error. */
static long drain(const struct sl_capture_geom *g, FILE *out, struct dc_stats *st,
		  uint64_t max_count)
{
	struct sl_capture_slot *s;
	long n = 0;

	while ((max_count == 0 || st->written < max_count) && (s = sl_capture_ring_peek(g)) != NULL) {
		uint32_t cap = s->cap_len <= g->snaplen ? s->cap_len : g->snaplen;
		uint16_t iface = s->iface < SL_CAPTURE_MAX_IFACES ? s->iface : 0;

		if (pcapng_write_epb(out, iface, s->ts_ns, s->data, cap, s->orig_len,
				     s->dir == SL_CAPTURE_DIR_TX ? PCAPNG_DIR_OUT : PCAPNG_DIR_IN) < 0)
			return -1;
		st->per_iface[iface]++;
		st->written++;
		n++;
		sl_capture_ring_release(g, s);
	}
	return n;
}

/* Until -c, -a, a signal, or the app going away. */
static int capture_loop(int sock, const struct dc_opts *o, const struct sl_capture_geom *g,
			FILE *out, struct dc_stats *st)
{
	uint64_t end = o->duration_s > 0 ? st->start_ns + (uint64_t)(o->duration_s * 1e9) : 0;
	uint64_t last_report = 0;

	while (!stop_signal) {
		struct pollfd pfd = { .fd = sock, .events = POLLIN };
		long n = drain(g, out, st, o->count);

		if (n < 0) {
			fprintf(stderr, "sl-dumpcap: writing %s: %s\n", o->out_path, strerror(errno));
			return -1;
		}
		if (o->count != 0 && st->written >= o->count)
			break;
		if (end != 0 && now_ns() >= end)
			break;
		if (!o->quiet && st->written != last_report && isatty(STDERR_FILENO)) {
			fprintf(stderr, "\rPackets: %" PRIu64 " ", st->written);
			last_report = st->written;
		}
		if (n > 0)
			continue;
		if (poll(&pfd, 1, 1) > 0 && (pfd.revents & (POLLHUP | POLLIN | POLLERR))) {
			st->app_gone = 1;
			break;
		}
	}
	if (!st->app_gone)
		drain(g, out, st, o->count);
	return 0;
}

static int write_headers(FILE *out, const struct dc_opts *o)
{
	char descr[96];

	if (pcapng_write_shb(out, "sl-dumpcap (Sluice)") < 0)
		return -1;
	for (unsigned i = 0; i < o->nb_ifaces; i++) {
		snprintf(descr, sizeof(descr), "Sluice port %u", o->port[i]);
		if (pcapng_write_idb(out, o->name[i], descr, o->snaplen) < 0)
			return -1;
	}
	return 0;
}

static int write_trailer(FILE *out, const struct dc_opts *o, const struct sl_capture_geom *g,
			 struct dc_stats *st)
{
	uint64_t t = now_ns();

	for (unsigned i = 0; i < o->nb_ifaces; i++) {
		st->drops[i] = __atomic_load_n(&g->ring->drops[i], __ATOMIC_RELAXED);
		if (pcapng_write_isb(out, i, t, st->start_ns, st->per_iface[i] + st->drops[i],
				     st->drops[i]) < 0)
			return -1;
	}
	return fflush(out) == 0 ? 0 : -1;
}

static void report(const struct dc_opts *o, const struct dc_stats *st)
{
	if (o->quiet)
		return;
	if (isatty(STDERR_FILENO))
		fprintf(stderr, "\r");
	if (st->app_gone)
		fprintf(stderr, "sl-dumpcap: the app closed the connection (it exited)\n");
	fprintf(stderr, "Packets captured: %" PRIu64 "\n", st->written);
	for (unsigned i = 0; i < o->nb_ifaces; i++)
		fprintf(stderr, "Packets received/dropped on interface '%s': %" PRIu64 "/%" PRIu64
			"\n", o->name[i], st->per_iface[i], st->drops[i]);
}

static FILE *open_output(struct dc_opts *o)
{
	FILE *f;
	int fd;

	if (o->out_path == NULL) {
		snprintf(o->tmp_path, sizeof(o->tmp_path), "/tmp/sl-dumpcap_%ld.pcapng",
			 (long)getpid());
		o->out_path = o->tmp_path;
	}
	if (strcmp(o->out_path, "-") == 0)
		return stdout;
	fd = open(o->out_path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	f = fd >= 0 ? fdopen(fd, "wb") : NULL;
	if (f == NULL && fd >= 0)
		close(fd);
	if (f == NULL)
		fprintf(stderr, "sl-dumpcap: -w %s: %s\n", o->out_path, strerror(errno));
	return f;
}

static int list_ports(int sock)
{
	char reply[DC_REPLY_MAX], cmd[64], name[64], drv[64];

	for (int p = 0; p < 64; p++) {
		snprintf(cmd, sizeof(cmd), "/ethdev/info,%d", p);
		if (dc_ask(sock, cmd, -1, reply, sizeof(reply)) < 0)
			return 1;
		if (dc_json_str(reply, "name", name, sizeof(name)) < 0)
			continue;
		if (dc_json_str(reply, "driver_name", drv, sizeof(drv)) < 0)
			drv[0] = '\0';
		printf("%d. %s (%s)\n", p, name, drv);
	}
	return 0;
}

static int run(struct dc_opts *o, int sock)
{
	struct dc_stats st = { 0 };
	struct sl_capture_geom g;
	char *bpf = NULL;
	int memfd = -1, ret = 1;
	FILE *out = NULL;
	size_t len = 0;

	if (resolve_ports(sock, o) < 0 || (bpf = compile_filter(o)) == NULL ||
	    (memfd = make_ring(o, &g, &len)) < 0 || (out = open_output(o)) == NULL)
		goto done;
	st.start_ns = now_ns();
	if (write_headers(out, o) < 0 || start_capture(sock, o, memfd, bpf) < 0)
		goto done;
	if (!o->quiet) {
		for (unsigned i = 0; i < o->nb_ifaces; i++)
			fprintf(stderr, "Capturing on '%s'\n", o->name[i]);
		if (strcmp(o->out_path, "-") != 0)
			fprintf(stderr, "File: %s\n", o->out_path);
	}
	if (capture_loop(sock, o, &g, out, &st) == 0 && write_trailer(out, o, &g, &st) == 0)
		ret = 0;
	report(o, &st);
done:
	if (out != NULL && out != stdout)
		fclose(out);
	if (memfd >= 0) {
		munmap(g.ring, len);
		close(memfd);
	}
	free(bpf);
	return ret;
}

int main(int argc, char **argv)
{
	struct dc_opts o;
	long pid;
	int sock, ret;

	ret = dc_parse_opts(&o, argc, argv);
	if (ret != 0)
		return ret < 0 ? 1 : 0;
	sock = dc_connect(o.file_prefix, o.sock_path, &pid);
	if (sock < 0)
		return 1;
	if (o.list) {
		ret = list_ports(sock);
		close(sock);
		return ret;
	}
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	signal(SIGPIPE, SIG_IGN);
	ret = run(&o, sock);
	close(sock);
	return ret;
}
