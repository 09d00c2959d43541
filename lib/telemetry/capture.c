/* SPDX-License-Identifier: BSD-3-Clause
 * Live capture for sl-dumpcap: "/capture/start" with a memfd (the ring of
 * sl_capture_ring.h) attaches a session to ports through ethdev's burst
 * hooks; the lcores filter each frame (the classic BPF program the tool
 * compiled with libpcap) and copy it into the ring. A session ends with
 * "/capture/stop" or when its connection closes (the tool exited or was
 * killed); the last session of a port removes the hook, and the burst
 * path is back to one untaken branch.
 *
 * Each port and direction has an immutable set of sessions, published as
 * the port's hook; adding or removing a session publishes a new set and
 * frees the old one once sl_eth_burst_hook_set says no lcore uses it.
 * Sets are changed only on the telemetry thread. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#ifdef SL_HAVE_PCAP
#include <pcap/bpf.h>
#endif

#include "sl_capture_ring.h"
#include "sl_eal.h"
#include "sl_ethdev.h"
#include "telemetry_private.h"

#define MAX_SESSIONS 8		/* at once, per process */
#define MAX_BPF_INSNS 4096
#define MIN_SLOTS 2
#define MAX_RING_BYTES ((uint64_t)1 << 32)

struct capture_session {
	int id;
	int conn_id;
	unsigned dirs;		/* SL_CAPTURE_DIR_* */
	uint16_t ports[SL_CAPTURE_MAX_IFACES];
	uint16_t iface_of[SL_MAX_ETHPORTS];	/* port -> index in ports[] */
	unsigned nb_ports;
	struct sl_capture_geom g;
	void *map;
	size_t map_len;
#ifdef SL_HAVE_PCAP
	struct bpf_insn *prog;	/* NULL: every frame */
#endif
	unsigned prog_len;
	/* CLOCK_REALTIME at a TSC reading, and ns per TSC tick as 32.32 */
	uint64_t base_ns;
	uint64_t base_tsc;
	uint64_t ns_mult;
};

struct capture_set {
	struct sl_eth_burst_hook hook;
	uint8_t dir;
	unsigned nb;
	struct capture_session *s[MAX_SESSIONS];
};

static struct capture_session *sessions[MAX_SESSIONS];
static struct capture_set *sets[SL_MAX_ETHPORTS][2];	/* [port][0 RX, 1 TX] */
static int next_id = 1;

static uint64_t burst_ns(const struct capture_session *s, uint64_t tsc)
{
	return s->base_ns + (uint64_t)(((unsigned __int128)(tsc - s->base_tsc) * s->ns_mult) >> 32);
}

/* Frame bytes from the mbuf chain into dst, up to len. */
static void copy_frame(uint8_t *dst, const struct sl_mbuf *m, uint32_t len)
{
	while (m != NULL && len > 0) {
		uint32_t n = m->data_len < len ? m->data_len : len;

		memcpy(dst, sl_pktmbuf_mtod(m, const uint8_t *), n);
		dst += n;
		len -= n;
		m = m->next;
	}
}

/* How many bytes of m the session keeps: 0 when its filter refuses it. The
 * filter sees the first segment, where every driver puts the headers. */
static uint32_t keep_len(const struct capture_session *s, const struct sl_mbuf *m)
{
	uint32_t len = m->pkt_len < s->g.snaplen ? m->pkt_len : s->g.snaplen;

#ifdef SL_HAVE_PCAP
	if (s->prog != NULL) {
		u_int r = bpf_filter(s->prog, sl_pktmbuf_mtod(m, const u_char *), m->pkt_len,
				     m->data_len);

		if (r < len)
			len = r;
	}
#endif
	return len;
}

static void session_burst(const struct capture_session *s, uint16_t port, uint16_t queue,
			  struct sl_mbuf *const *pkts, uint16_t nb, uint8_t dir, uint64_t ts)
{
	uint16_t iface = s->iface_of[port];

	for (uint16_t i = 0; i < nb; i++) {
		const struct sl_mbuf *m = pkts[i];
		uint32_t len = keep_len(s, m);
		struct sl_capture_slot *slot;
		uint64_t pos;

		if (len == 0)
			continue;
		slot = sl_capture_ring_claim(&s->g, iface, &pos);
		if (slot == NULL)
			continue;
		slot->ts_ns = ts;
		slot->orig_len = m->pkt_len;
		slot->cap_len = len;
		slot->iface = iface;
		slot->dir = dir;
		slot->queue = queue;
		copy_frame(slot->data, m, len);
		sl_capture_ring_commit(slot, pos);
	}
}

/* The hook: on the polling lcore, for every burst of a port in capture. */
static void capture_burst(uint16_t port, uint16_t queue, struct sl_mbuf *const *pkts, uint16_t nb,
			  void *arg)
{
	const struct capture_set *set = arg;
	uint64_t tsc = sl_tsc();

	for (unsigned k = 0; k < set->nb; k++)
		session_burst(set->s[k], port, queue, pkts, nb, set->dir,
			      burst_ns(set->s[k], tsc));
}

/* Publishes port/dir's sessions again, with add (or without drop). */
static int set_rebuild(uint16_t port, unsigned d, struct capture_session *add,
		       const struct capture_session *drop)
{
	struct capture_set *old = sets[port][d], *set = NULL;
	unsigned nb = 0;
	int ret;

	set = calloc(1, sizeof(*set));
	if (set == NULL)
		return -ENOMEM;
	for (unsigned k = 0; old != NULL && k < old->nb; k++)
		if (old->s[k] != drop)
			set->s[nb++] = old->s[k];
	if (add != NULL)
		set->s[nb++] = add;
	set->nb = nb;
	set->dir = d == 0 ? SL_CAPTURE_DIR_RX : SL_CAPTURE_DIR_TX;
	set->hook = (struct sl_eth_burst_hook){ .fn = capture_burst, .arg = set };
	ret = sl_eth_burst_hook_set(port, d == 0 ? SL_ETH_BURST_RX : SL_ETH_BURST_TX,
				    nb != 0 ? &set->hook : NULL);
	if (ret < 0 && add != NULL) {
		free(set);
		return ret;
	}
	/* removing always succeeds; no lcore holds old any more */
	free(old);
	if (nb == 0) {
		free(set);
		set = NULL;
	}
	sets[port][d] = set;
	return 0;
}

static void session_free(struct capture_session *s)
{
	if (s->map != NULL)
		munmap(s->map, s->map_len);
#ifdef SL_HAVE_PCAP
	free(s->prog);
#endif
	free(s);
}

static void session_detach(struct capture_session *s)
{
	for (unsigned i = 0; i < s->nb_ports; i++)
		for (unsigned d = 0; d < 2; d++)
			if (s->dirs & (d == 0 ? SL_CAPTURE_DIR_RX : SL_CAPTURE_DIR_TX))
				set_rebuild(s->ports[i], d, NULL, s);
	for (unsigned k = 0; k < MAX_SESSIONS; k++)
		if (sessions[k] == s)
			sessions[k] = NULL;
	session_free(s);
}

static int session_attach(struct capture_session *s, char *err, size_t errlen)
{
	unsigned i, d;
	int ret = 0;

	for (i = 0; i < s->nb_ports && ret == 0; i++)
		for (d = 0; d < 2 && ret == 0; d++) {
			if (!(s->dirs & (d == 0 ? SL_CAPTURE_DIR_RX : SL_CAPTURE_DIR_TX)))
				continue;
			if (sets[s->ports[i]][d] != NULL && sets[s->ports[i]][d]->nb == MAX_SESSIONS)
				ret = -EBUSY;
			else
				ret = set_rebuild(s->ports[i], d, s, NULL);
		}
	if (ret < 0) {
		snprintf(err, errlen, "cannot attach to port %u: %s", s->ports[i - 1],
			 strerror(-ret));
		s->nb_ports = i;	/* detach undoes what was attached */
		session_detach(s);
	}
	return ret;
}

void capture_stop_all(void)
{
	for (unsigned k = 0; k < MAX_SESSIONS; k++)
		if (sessions[k] != NULL)
			session_detach(sessions[k]);
}

static void conn_closed(int conn_id)
{
	for (unsigned k = 0; k < MAX_SESSIONS; k++)
		if (sessions[k] != NULL && (conn_id < 0 || sessions[k]->conn_id == conn_id))
			session_detach(sessions[k]);
}

/* ---- /capture/start ---------------------------------------------------------- */

/* Maps the memfd and checks the ring the tool laid out in it. */
static int map_ring(struct capture_session *s, int fd, char *err, size_t errlen)
{
	struct sl_capture_ring *r;
	struct stat st;
	int seals = fcntl(fd, F_GET_SEALS);

	if (fstat(fd, &st) < 0 || st.st_size < (off_t)sizeof(*r) ||
	    (uint64_t)st.st_size > MAX_RING_BYTES) {
		snprintf(err, errlen, "the descriptor is not a capture ring (size)");
		return -EINVAL;
	}
	/* a ring that could shrink under the lcores would kill them (SIGBUS) */
	if (seals < 0 || !(seals & F_SEAL_SHRINK)) {
		snprintf(err, errlen, "the memfd must be sealed with F_SEAL_SHRINK");
		return -EINVAL;
	}
	s->map_len = (size_t)st.st_size;
	s->map = mmap(NULL, s->map_len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (s->map == MAP_FAILED) {
		s->map = NULL;
		snprintf(err, errlen, "mmap of the capture ring: %s", strerror(errno));
		return -errno;
	}
	r = s->map;
	s->g = (struct sl_capture_geom){ .ring = r, .mask = r->nb_slots - 1,
					 .slot_size = r->slot_size, .snaplen = r->snaplen };
	if (r->magic != SL_CAPTURE_MAGIC || r->version != SL_CAPTURE_VERSION ||
	    r->nb_slots < MIN_SLOTS || (r->nb_slots & (r->nb_slots - 1)) != 0 ||
	    r->slot_size % 64 != 0 || r->snaplen == 0 ||
	    r->slot_size < sizeof(struct sl_capture_slot) + (uint64_t)r->snaplen ||
	    r->data_offset != sizeof(*r) ||
	    sl_capture_ring_size(r->nb_slots, r->slot_size) > s->map_len) {
		snprintf(err, errlen, "capture ring header is not version %d or does not fit its "
			 "memfd", SL_CAPTURE_VERSION);
		return -EINVAL;
	}
	s->g.slots = (uint8_t *)s->map + r->data_offset;
	return 0;
}

static int parse_ports(struct capture_session *s, const char *v, char *err, size_t errlen)
{
	char buf[256], *save = NULL;

	snprintf(buf, sizeof(buf), "%s", v);
	for (char *t = strtok_r(buf, ":", &save); t != NULL; t = strtok_r(NULL, ":", &save)) {
		uint16_t p;

		if (telemetry_parse_u16(t, &p) < 0 || !sl_eth_dev_is_valid_port(p)) {
			snprintf(err, errlen, "no port %s (see /ethdev/list)", t);
			return -EINVAL;
		}
		for (unsigned i = 0; i < s->nb_ports; i++)
			if (s->ports[i] == p) {
				snprintf(err, errlen, "port %u named twice", p);
				return -EINVAL;
			}
		if (s->nb_ports == SL_CAPTURE_MAX_IFACES) {
			snprintf(err, errlen, "more than %d ports", SL_CAPTURE_MAX_IFACES);
			return -EINVAL;
		}
		s->iface_of[p] = (uint16_t)s->nb_ports;
		s->ports[s->nb_ports++] = p;
	}
	if (s->nb_ports == 0) {
		snprintf(err, errlen, "ports= names no port");
		return -EINVAL;
	}
	return 0;
}

/* bpf=: the program as 16 hex digits per instruction (code, jt, jf, k
 * in that order: 4, 2, 2, 8 digits). */
static int parse_bpf(struct capture_session *s, const char *v, char *err, size_t errlen)
{
	size_t n = strlen(v);

	if (n == 0)
		return 0;
#ifdef SL_HAVE_PCAP
	if (n % 16 != 0 || n / 16 > MAX_BPF_INSNS || strspn(v, "0123456789abcdef") != n) {
		snprintf(err, errlen, "bpf= is not a program (16 hex digits an instruction)");
		return -EINVAL;
	}
	s->prog_len = (unsigned)(n / 16);
	s->prog = calloc(s->prog_len, sizeof(*s->prog));
	if (s->prog == NULL)
		return -ENOMEM;
	for (unsigned i = 0; i < s->prog_len; i++) {
		unsigned code, jt, jf, k;

		if (sscanf(v + 16 * i, "%4x%2x%2x%8x", &code, &jt, &jf, &k) != 4)
			return -EINVAL;
		s->prog[i] = (struct bpf_insn){ .code = (u_short)code, .jt = (u_char)jt,
						.jf = (u_char)jf, .k = k };
	}
	if (!bpf_validate(s->prog, (int)s->prog_len)) {
		snprintf(err, errlen, "the BPF program does not pass bpf_validate");
		return -EINVAL;
	}
	return 0;
#else
	snprintf(err, errlen, "this build has no libpcap: capture filters are not available");
	return -ENOTSUP;
#endif
}

static int parse_dir(struct capture_session *s, const char *v, char *err, size_t errlen)
{
	if (strcmp(v, "rx") == 0 || strcmp(v, "in") == 0)
		s->dirs = SL_CAPTURE_DIR_RX;
	else if (strcmp(v, "tx") == 0 || strcmp(v, "out") == 0)
		s->dirs = SL_CAPTURE_DIR_TX;
	else if (strcmp(v, "both") == 0 || strcmp(v, "inout") == 0)
		s->dirs = SL_CAPTURE_DIR_RX | SL_CAPTURE_DIR_TX;
	else {
		snprintf(err, errlen, "dir=%s: rx, tx or both", v);
		return -EINVAL;
	}
	return 0;
}

/* "ports=0:1 dir=both bpf=HEX" */
static int parse_params(struct capture_session *s, const char *params, char *err, size_t errlen)
{
	char *buf = strdup(params), *save = NULL;
	int ret = 0;

	if (buf == NULL)
		return -ENOMEM;
	s->dirs = SL_CAPTURE_DIR_RX | SL_CAPTURE_DIR_TX;
	for (char *t = strtok_r(buf, " ", &save); t != NULL && ret == 0;
	     t = strtok_r(NULL, " ", &save)) {
		if (strncmp(t, "ports=", 6) == 0)
			ret = parse_ports(s, t + 6, err, errlen);
		else if (strncmp(t, "dir=", 4) == 0)
			ret = parse_dir(s, t + 4, err, errlen);
		else if (strncmp(t, "bpf=", 4) == 0)
			ret = parse_bpf(s, t + 4, err, errlen);
		else {
			snprintf(err, errlen, "unknown parameter '%.32s' (ports= dir= bpf=)", t);
			ret = -EINVAL;
		}
	}
	if (ret == 0 && s->nb_ports == 0) {
		snprintf(err, errlen, "ports= is missing");
		ret = -EINVAL;
	}
	free(buf);
	return ret;
}

static void clock_base(struct capture_session *s)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	s->base_tsc = sl_tsc();
	s->base_ns = (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
	s->ns_mult = (uint64_t)(((unsigned __int128)1000000000ull << 32) / sl_tsc_hz());
}

static void reply_error(struct sl_tel_json *j, const char *err)
{
	sl_tel_obj_begin(j, NULL);
	sl_tel_str(j, "error", err);
	sl_tel_obj_end(j);
}

static int cmd_start(const char *cmd, const char *params, struct telemetry_req *req,
		     struct sl_tel_json *j)
{
	struct capture_session *s = NULL;
	char err[160] = "";
	int slot = -1, ret;

	(void)cmd;
	for (int k = 0; k < MAX_SESSIONS && slot < 0; k++)
		if (sessions[k] == NULL)
			slot = k;
	if (req->nb_fds != 1) {
		reply_error(j, "send one memfd (SCM_RIGHTS) with /capture/start");
		return 0;
	}
	if (slot < 0) {
		reply_error(j, "too many captures at once; stop one first");
		return 0;
	}
	s = calloc(1, sizeof(*s));
	if (s == NULL)
		return -ENOMEM;
	ret = parse_params(s, params, err, sizeof(err));
	if (ret == 0)
		ret = map_ring(s, req->fds[0], err, sizeof(err));
	if (ret < 0) {
		session_free(s);
		reply_error(j, err[0] ? err : strerror(-ret));
		return 0;
	}
	s->id = next_id++;
	s->conn_id = req->conn_id;
	clock_base(s);
	if (session_attach(s, err, sizeof(err)) < 0) {
		reply_error(j, err);
		return 0;
	}
	sessions[slot] = s;
	sl_tel_obj_begin(j, NULL);
	sl_tel_i64(j, "id", s->id);
	sl_tel_arr_begin(j, "ports");
	for (unsigned i = 0; i < s->nb_ports; i++)
		sl_tel_u64(j, NULL, s->ports[i]);
	sl_tel_arr_end(j);
	sl_tel_obj_end(j);
	return 0;
}

static int cmd_stop(const char *cmd, const char *params, struct telemetry_req *req,
		    struct sl_tel_json *j)
{
	uint16_t id;

	(void)cmd;
	if (telemetry_parse_u16(params, &id) < 0)
		return -EINVAL;
	for (unsigned k = 0; k < MAX_SESSIONS; k++)
		if (sessions[k] != NULL && sessions[k]->id == id &&
		    sessions[k]->conn_id == req->conn_id) {
			session_detach(sessions[k]);
			sl_tel_i64(j, NULL, id);
			return 0;
		}
	return -ENOENT;
}

static int cmd_list(const char *cmd, const char *params, struct sl_tel_json *j)
{
	(void)cmd;
	(void)params;
	sl_tel_arr_begin(j, NULL);
	for (unsigned k = 0; k < MAX_SESSIONS; k++) {
		const struct capture_session *s = sessions[k];
		uint64_t drops = 0;

		if (s == NULL)
			continue;
		for (unsigned i = 0; i < SL_CAPTURE_MAX_IFACES; i++)
			drops += __atomic_load_n(&s->g.ring->drops[i], __ATOMIC_RELAXED);
		sl_tel_obj_begin(j, NULL);
		sl_tel_i64(j, "id", s->id);
		sl_tel_arr_begin(j, "ports");
		for (unsigned i = 0; i < s->nb_ports; i++)
			sl_tel_u64(j, NULL, s->ports[i]);
		sl_tel_arr_end(j);
		sl_tel_str(j, "dir", s->dirs == SL_CAPTURE_DIR_RX   ? "rx"
				     : s->dirs == SL_CAPTURE_DIR_TX ? "tx"
								    : "both");
		sl_tel_bool(j, "filter", s->prog_len != 0);
		sl_tel_u64(j, "snaplen", s->g.snaplen);
		sl_tel_u64(j, "slots", s->g.mask + 1ull);
		sl_tel_u64(j, "captured", __atomic_load_n(&s->g.ring->head, __ATOMIC_RELAXED));
		sl_tel_u64(j, "dropped", drops);
		sl_tel_obj_end(j);
	}
	sl_tel_arr_end(j);
	return 0;
}

void telemetry_register_capture_cmds(void)
{
	telemetry_set_close_cb(conn_closed);
	telemetry_register_conn_cmd("/capture/start", cmd_start,
				    "Starts a live capture into the memfd sent with it (sl-dumpcap). "
				    "Parameters: ports=P[:P...] dir=rx|tx|both bpf=HEX");
	telemetry_register_conn_cmd("/capture/stop", cmd_stop,
				    "Stops a capture this connection started. Parameters: int id");
	sl_telemetry_register_cmd("/capture/list", cmd_list,
				  "The live captures: ports, direction, frames captured and dropped");
}
