/* SPDX-License-Identifier: BSD-3-Clause
 * sl-pktgen options: command line and --config file. */
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "sl_log.h"
#include "sl_parse.h"
#include "pg_opts.h"
#include "pg_pcap.h"

#define ERR_LEN 256

static int fail(char *err, size_t len, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static int fail(char *err, size_t len, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, len, fmt, ap);
	va_end(ap);
	return -EINVAL;
}

/* ---- numbers ------------------------------------------------------------- */

/* The rule of sl_parse.h, any size. */
static int parse_u64(const char *s, uint64_t *out)
{
	return sl_parse_uint(s, 0, 0, UINT64_MAX, out);
}

static int parse_uint_opt(const char *name, const char *s, uint64_t min, uint64_t max,
			  uint64_t *out, char *err, size_t len)
{
	int ret = sl_parse_uint(s, 0, min, max, out);

	if (ret == 0)
		return 0;
	if (s != NULL && s[0] == '-')
		return fail(err, len, "%s %s: cannot be negative (%" PRIu64 "..%" PRIu64 ")", name,
			    s, min, max);
	sl_parse_uint_msg(err, len, name, s, ret, 0, min, max);
	return -EINVAL;
}

/* ---- value parsers ----------------------------------------------------------- */

int pg_parse_rate(const char *s, struct pg_rate_spec *r, char *err, size_t errlen)
{
	static const struct {
		const char *unit;
		double mult;
		enum pg_rate_kind kind;
	} units[] = {
		{ "pps", 1, PG_RATE_PPS },	{ "kpps", 1e3, PG_RATE_PPS },
		{ "mpps", 1e6, PG_RATE_PPS },	{ "gpps", 1e9, PG_RATE_PPS },
		{ "bps", 1, PG_RATE_BPS_L2 },	{ "kbps", 1e3, PG_RATE_BPS_L2 },
		{ "mbps", 1e6, PG_RATE_BPS_L2 }, { "gbps", 1e9, PG_RATE_BPS_L2 },
		{ "%", 1, PG_RATE_PERCENT },
	};
	const char *hint = "e.g. 20kpps, 1.5Mpps, 100Mbps, 1Gbps/l1, 50%, or 'max'";
	char unit[16];
	const char *end = s;
	double v;
	size_t ulen;
	const char *layer;

	if (s == NULL || s[0] == '\0')
		return fail(err, errlen, "--rate needs a value (%s)", hint);
	if (!strcasecmp(s, "max") || !strcasecmp(s, "unlimited")) {
		r->kind = PG_RATE_UNLIMITED;
		r->value = 0;
		return 0;
	}
	if (s[0] == '-')
		return fail(err, errlen, "--rate %s: a rate cannot be negative (%s)", s, hint);
	if (sl_parse_real_prefix(&end, &v) < 0)
		return fail(err, errlen, "--rate '%s': not a number with a unit (%s)", s, hint);
	if (v <= 0)
		return fail(err, errlen, "--rate %s: must be above 0 (leave --rate out, or say 'max', for no limit)", s);
	layer = strchr(end, '/');
	ulen = layer ? (size_t)(layer - end) : strlen(end);
	if (ulen == 0 || ulen >= sizeof(unit))
		return fail(err, errlen, "--rate %s: missing or unknown unit (%s)", s, hint);
	memcpy(unit, end, ulen);
	unit[ulen] = '\0';
	for (size_t i = 0; i < SL_DIM(units); i++) {
		if (strcasecmp(unit, units[i].unit) != 0)
			continue;
		r->kind = units[i].kind;
		r->value = v * units[i].mult;
		if (layer != NULL) {
			if (r->kind != PG_RATE_BPS_L2)
				return fail(err, errlen, "--rate %s: /l1 or /l2 only go with bit rates (bps, kbps, Mbps, Gbps)", s);
			if (!strcasecmp(layer, "/l1"))
				r->kind = PG_RATE_BPS_L1;
			else if (strcasecmp(layer, "/l2") != 0)
				return fail(err, errlen, "--rate %s: '%s' is neither /l1 (on the wire) nor /l2 (frame + FCS)", s, layer);
		}
		if (r->kind == PG_RATE_PERCENT && v > 100)
			return fail(err, errlen, "--rate %s: a share of the link speed is at most 100%%", s);
		return 0;
	}
	return fail(err, errlen, "--rate %s: unknown unit '%s' (%s)", s, unit, hint);
}

static int check_frame_size(const char *what, uint64_t v, char *err, size_t errlen)
{
	if (v < PG_MIN_FRAME)
		return fail(err, errlen, "%s %" PRIu64 ": below %d bytes, the shortest Ethernet frame without FCS",
			    what, v, PG_MIN_FRAME);
	if (v > PG_MAX_FRAME)
		return fail(err, errlen, "%s %" PRIu64 ": above %d bytes, the longest frame sl-pktgen builds",
			    what, v, PG_MAX_FRAME);
	return 0;
}

int pg_parse_imix(const char *s, struct pg_size_spec *sz, char *err, size_t errlen)
{
	const char *p = s;
	unsigned total = 0;

	if (s == NULL || !strcasecmp(s, "simple") || !strcasecmp(s, "default")) {
		/* "Simple IMIX" 7:4:1 of 64, 594 (576-byte IP) and 1518-byte
		 * frames (FCS included; 60, 590 and 1514 here). */
		s = "60:7,590:4,1514:1";
		p = s;
	}
	memset(sz, 0, sizeof(*sz));
	sz->mode = PG_SIZE_IMIX;
	while (*p) {
		uint64_t size, weight = 1;

		if (sz->nb_imix == PG_IMIX_MAX_SIZES)
			return fail(err, errlen, "--imix %s: at most %d sizes", s, PG_IMIX_MAX_SIZES);
		if (*p == '-')
			return fail(err, errlen, "--imix %s: sizes and weights cannot be negative", s);
		if (sl_parse_uint_prefix(&p, 0, &size) < 0)
			return fail(err, errlen, "--imix '%s': expected SIZE[:WEIGHT],... e.g. 60:7,590:4,1514:1", s);
		if (check_frame_size("--imix size", size, err, errlen))
			return -EINVAL;
		if (*p == ':') {
			p++;
			if (*p == '-')
				return fail(err, errlen, "--imix %s: sizes and weights cannot be negative", s);
			if (sl_parse_uint_prefix(&p, 0, &weight) < 0)
				return fail(err, errlen, "--imix '%s': expected SIZE[:WEIGHT],... e.g. 60:7,590:4,1514:1", s);
		}
		if (*p == ',')
			p++;
		else if (*p != '\0')
			return fail(err, errlen, "--imix '%s': expected SIZE[:WEIGHT],... e.g. 60:7,590:4,1514:1", s);
		if (weight > PG_IMIX_MAX_TABLE)
			return fail(err, errlen, "--imix %s: weights add up to at most %d", s, PG_IMIX_MAX_TABLE);
		sz->imix_size[sz->nb_imix] = (uint32_t)size;
		sz->imix_weight[sz->nb_imix] = (uint32_t)weight;
		sz->nb_imix++;
		total += (unsigned)weight;
	}
	if (total == 0)
		return fail(err, errlen, "--imix '%s': weights add up to 0, nothing would be sent", s);
	if (total > PG_IMIX_MAX_TABLE)
		return fail(err, errlen, "--imix %s: weights add up to %u, at most %d", s, total, PG_IMIX_MAX_TABLE);
	return 0;
}

int pg_parse_size(const char *s, struct pg_size_spec *sz, char *err, size_t errlen)
{
	uint64_t a, b = 0, step = 1;
	char buf[64];
	char *dash, *slash;

	if (s == NULL || s[0] == '\0')
		return fail(err, errlen, "--size needs a value: N, MIN-MAX, MIN-MAX/STEP, MIN-MAX/random or imix");
	if (!strcasecmp(s, "imix"))
		return pg_parse_imix(NULL, sz, err, errlen);
	if (s[0] == '-')
		return fail(err, errlen, "--size %s: cannot be negative", s);
	if (strlen(s) >= sizeof(buf))
		return fail(err, errlen, "--size '%s': too long", s);
	strcpy(buf, s);
	memset(sz, 0, sizeof(*sz));
	slash = strchr(buf, '/');
	if (slash)
		*slash++ = '\0';
	dash = strchr(buf, '-');
	if (dash)
		*dash++ = '\0';
	if (parse_u64(buf, &a) < 0 || (dash && parse_u64(dash, &b) < 0))
		return fail(err, errlen, "--size '%s': expected N, MIN-MAX, MIN-MAX/STEP, MIN-MAX/random or imix", s);
	if (check_frame_size("--size", a, err, errlen) ||
	    (dash && check_frame_size("--size", b, err, errlen)))
		return -EINVAL;
	if (!dash) {
		if (slash)
			return fail(err, errlen, "--size %s: a step or 'random' needs a range MIN-MAX", s);
		sz->mode = PG_SIZE_FIXED;
		sz->min = sz->max = (uint32_t)a;
		return 0;
	}
	if (a > b)
		return fail(err, errlen, "--size %s: range reversed (write %" PRIu64 "-%" PRIu64 ")", s, b, a);
	sz->min = (uint32_t)a;
	sz->max = (uint32_t)b;
	sz->mode = PG_SIZE_STEP;
	if (slash && !strcasecmp(slash, "random")) {
		sz->mode = PG_SIZE_RANDOM;
	} else if (slash) {
		if (parse_u64(slash, &step) < 0 || step == 0)
			return fail(err, errlen, "--size %s: step '%s' must be a whole number >= 1 (or 'random')", s, slash);
		if (step > b - a && a != b)
			return fail(err, errlen, "--size %s: step %" PRIu64 " is larger than the range", s, step);
	}
	sz->step = (uint32_t)step;
	return 0;
}

static int parse_ipv4(const char *s, uint32_t *out)
{
	struct in_addr a;

	if (inet_pton(AF_INET, s, &a) != 1)
		return -EINVAL;
	*out = ntohl(a.s_addr);
	return 0;
}

int pg_parse_ip_range(const char *s, struct pg_range *r, char *err, size_t errlen)
{
	char buf[64];
	char *sep;
	uint32_t a, b;

	if (s == NULL || strlen(s) >= sizeof(buf))
		return fail(err, errlen, "IPv4 address '%s': expected A.B.C.D, A.B.C.D-E.F.G.H or A.B.C.D/LEN", s ? s : "");
	strcpy(buf, s);
	if ((sep = strchr(buf, '/')) != NULL) {
		uint64_t len;
		uint32_t mask;

		*sep++ = '\0';
		if (parse_ipv4(buf, &a) < 0 || parse_u64(sep, &len) < 0 || len > 32)
			return fail(err, errlen, "IPv4 prefix '%s': expected A.B.C.D/LEN with LEN 0..32", s);
		mask = len == 0 ? 0 : ~(uint32_t)0 << (32 - len);
		r->min = a & mask;
		r->max = r->min | ~mask;
		return 0;
	}
	if ((sep = strchr(buf, '-')) != NULL)
		*sep++ = '\0';
	if (parse_ipv4(buf, &a) < 0 || (sep && parse_ipv4(sep, &b) < 0))
		return fail(err, errlen, "IPv4 address '%s': expected A.B.C.D, A.B.C.D-E.F.G.H or A.B.C.D/LEN", s);
	if (!sep)
		b = a;
	if (a > b)
		return fail(err, errlen, "IPv4 range %s: reversed (the first address must be the lower)", s);
	r->min = a;
	r->max = b;
	return 0;
}

int pg_parse_port_range(const char *s, struct pg_range *r, char *err, size_t errlen)
{
	char buf[32];
	char *sep;
	uint64_t a, b;

	if (s == NULL || strlen(s) >= sizeof(buf) || s[0] == '-')
		return fail(err, errlen, "UDP port '%s': expected N or MIN-MAX within 0..65535", s ? s : "");
	strcpy(buf, s);
	if ((sep = strchr(buf, '-')) != NULL)
		*sep++ = '\0';
	if (parse_u64(buf, &a) < 0 || (sep && parse_u64(sep, &b) < 0))
		return fail(err, errlen, "UDP port '%s': expected N or MIN-MAX within 0..65535", s);
	if (!sep)
		b = a;
	if (a > 65535 || b > 65535)
		return fail(err, errlen, "UDP port %s: beyond 65535", s);
	if (a > b)
		return fail(err, errlen, "UDP port range %s: reversed (write %" PRIu64 "-%" PRIu64 ")", s, b, a);
	r->min = (uint32_t)a;
	r->max = (uint32_t)b;
	return 0;
}

int pg_parse_ports(const char *s, uint32_t *mask, bool *all, char *err, size_t errlen)
{
	char buf[128];
	char *tok, *save;

	*mask = 0;
	*all = false;
	if (s == NULL || strlen(s) >= sizeof(buf))
		return fail(err, errlen, "port list '%s': expected all, none or e.g. 0,2-3", s ? s : "");
	if (!strcasecmp(s, "all")) {
		*all = true;
		return 0;
	}
	if (!strcasecmp(s, "none"))
		return 0;
	strcpy(buf, s);
	for (tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		char *dash = strchr(tok, '-');
		uint64_t a, b;

		if (dash == tok)
			return fail(err, errlen, "port list '%s': port ids cannot be negative", s);
		if (dash)
			*dash++ = '\0';
		if (parse_u64(tok, &a) < 0 || (dash && parse_u64(dash, &b) < 0))
			return fail(err, errlen, "port list '%s': expected all, none or e.g. 0,2-3", s);
		if (!dash)
			b = a;
		if (a > b)
			return fail(err, errlen, "port list '%s': range %" PRIu64 "-%" PRIu64 " reversed", s, a, b);
		if (b >= PG_MAX_PORTS)
			return fail(err, errlen, "port list '%s': port %" PRIu64 " beyond the last possible port %d", s, b, PG_MAX_PORTS - 1);
		for (uint64_t p = a; p <= b; p++)
			*mask |= 1u << p;
	}
	return 0;
}

static int parse_seq_list(const char *what, const char *s, uint64_t *arr, unsigned *n,
			  char *err, size_t errlen)
{
	char buf[1024];
	char *tok, *save;

	if (strlen(s) >= sizeof(buf))
		return fail(err, errlen, "--test-faults %s: list too long", what);
	strcpy(buf, s);
	for (tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		if (*n == PG_MAX_FAULTS)
			return fail(err, errlen, "--test-faults %s: at most %d numbers", what, PG_MAX_FAULTS);
		if (parse_u64(tok, &arr[*n]) < 0)
			return fail(err, errlen, "--test-faults %s: '%s' is not a sequence number", what, tok);
		(*n)++;
	}
	return 0;
}

int pg_parse_faults(const char *s, struct pg_faults *f, char *err, size_t errlen)
{
	char buf[4096];
	char *tok, *save;

	memset(f, 0, sizeof(*f));
	if (s == NULL || strlen(s) >= sizeof(buf))
		return fail(err, errlen, "--test-faults: expected drop=N,...;dup=N,...;reorder=N,...");
	strcpy(buf, s);
	for (tok = strtok_r(buf, ";", &save); tok; tok = strtok_r(NULL, ";", &save)) {
		char *eq = strchr(tok, '=');
		int ret;

		if (eq == NULL)
			return fail(err, errlen, "--test-faults '%s': expected drop=N,...;dup=N,...;reorder=N,...", tok);
		*eq++ = '\0';
		if (!strcmp(tok, "drop"))
			ret = parse_seq_list("drop", eq, f->drop, &f->nb_drop, err, errlen);
		else if (!strcmp(tok, "dup"))
			ret = parse_seq_list("dup", eq, f->dup, &f->nb_dup, err, errlen);
		else if (!strcmp(tok, "reorder"))
			ret = parse_seq_list("reorder", eq, f->reorder, &f->nb_reorder, err, errlen);
		else
			return fail(err, errlen, "--test-faults: unknown fault '%s' (drop, dup, reorder)", tok);
		if (ret < 0)
			return ret;
	}
	return 0;
}

static int parse_mac(const char *s, uint8_t mac[6])
{
	unsigned v[6];
	char tail;

	if (s == NULL || strlen(s) != 17 ||
	    sscanf(s, "%2x:%2x:%2x:%2x:%2x:%2x%c", &v[0], &v[1], &v[2], &v[3], &v[4], &v[5],
		   &tail) != 6)
		return -EINVAL;
	for (int i = 0; i < 6; i++)
		mac[i] = (uint8_t)v[i];
	return 0;
}

static int parse_double_opt(const char *name, const char *s, double min, double max, double *out,
			    char *err, size_t errlen)
{
	int ret;

	if (s == NULL || s[0] == '\0')
		return fail(err, errlen, "%s needs a value", name);
	if (s[0] == '-')
		return fail(err, errlen, "%s %s: cannot be negative", name, s);
	ret = sl_parse_real(s, min, max, out);
	if (ret == -ERANGE)
		return fail(err, errlen, "%s %s: out of range %g..%g", name, s, min, max);
	if (ret < 0)
		return fail(err, errlen, "%s '%s': not a number (digits, optionally with a fraction like 2.5)",
			    name, s);
	return 0;
}

/* ---- option table -------------------------------------------------------------- */

enum opt_id {
	/* stream options (also keys of --config stream lines) */
	OPT_PORT = 256, OPT_SIZE, OPT_IMIX, OPT_SRC_MAC, OPT_DST_MAC, OPT_SRC_IP, OPT_DST_IP,
	OPT_SPORT, OPT_DPORT, OPT_FLOW_MODE, OPT_VLAN, OPT_TTL, OPT_TOS, OPT_RATE, OPT_COUNT,
	OPT_PCAP, OPT_LOOP, OPT_PCAP_SPEED,
	OPT_STREAM_LAST_,
	/* global options */
	OPT_TX, OPT_RX, OPT_TX_QUEUES, OPT_RX_QUEUES, OPT_BURST, OPT_DURATION, OPT_DRAIN_MS, OPT_START_DELAY_MS,
	OPT_QUIET,
	OPT_JSON, OPT_RX_PCAP, OPT_RX_PCAP_COUNT, OPT_RX_PCAP_SNAPLEN, OPT_EXPECT_NO_LOSS,
	OPT_CONFIG, OPT_MTU, OPT_MBUFS, OPT_SEED, OPT_TEST_FAULTS, OPT_HELP,
};

static const struct option long_opts[] = {
	{ "port", required_argument, NULL, OPT_PORT },
	{ "size", required_argument, NULL, OPT_SIZE },
	{ "imix", optional_argument, NULL, OPT_IMIX },
	{ "src-mac", required_argument, NULL, OPT_SRC_MAC },
	{ "dst-mac", required_argument, NULL, OPT_DST_MAC },
	{ "src-ip", required_argument, NULL, OPT_SRC_IP },
	{ "dst-ip", required_argument, NULL, OPT_DST_IP },
	{ "sport", required_argument, NULL, OPT_SPORT },
	{ "dport", required_argument, NULL, OPT_DPORT },
	{ "flow-mode", required_argument, NULL, OPT_FLOW_MODE },
	{ "vlan", required_argument, NULL, OPT_VLAN },
	{ "ttl", required_argument, NULL, OPT_TTL },
	{ "tos", required_argument, NULL, OPT_TOS },
	{ "rate", required_argument, NULL, OPT_RATE },
	{ "count", required_argument, NULL, OPT_COUNT },
	{ "pcap", required_argument, NULL, OPT_PCAP },
	{ "loop", required_argument, NULL, OPT_LOOP },
	{ "pcap-speed", required_argument, NULL, OPT_PCAP_SPEED },
	{ "tx", required_argument, NULL, OPT_TX },
	{ "rx", required_argument, NULL, OPT_RX },
	{ "tx-queues", required_argument, NULL, OPT_TX_QUEUES },
	{ "rx-queues", required_argument, NULL, OPT_RX_QUEUES },
	{ "burst", required_argument, NULL, OPT_BURST },
	{ "duration", required_argument, NULL, OPT_DURATION },
	{ "drain-ms", required_argument, NULL, OPT_DRAIN_MS },
	{ "start-delay-ms", required_argument, NULL, OPT_START_DELAY_MS },
	{ "quiet", no_argument, NULL, OPT_QUIET },
	{ "json", required_argument, NULL, OPT_JSON },
	{ "rx-pcap", required_argument, NULL, OPT_RX_PCAP },
	{ "rx-pcap-count", required_argument, NULL, OPT_RX_PCAP_COUNT },
	{ "rx-pcap-snaplen", required_argument, NULL, OPT_RX_PCAP_SNAPLEN },
	{ "expect-no-loss", no_argument, NULL, OPT_EXPECT_NO_LOSS },
	{ "config", required_argument, NULL, OPT_CONFIG },
	{ "mtu", required_argument, NULL, OPT_MTU },
	{ "mbufs", required_argument, NULL, OPT_MBUFS },
	{ "seed", required_argument, NULL, OPT_SEED },
	{ "test-faults", required_argument, NULL, OPT_TEST_FAULTS },
	{ "help", no_argument, NULL, OPT_HELP },
	{ NULL, 0, NULL, 0 },
};

void pg_opts_usage(const char *prog)
{
	printf("Usage: %s [EAL options] -- [options]\n"
	       "\n"
	       "Sends Ethernet/IPv4/UDP frames (or replays a pcap) and counts what comes back:\n"
	       "loss, duplicates, reordering and latency per stream. Runs until --count or\n"
	       "--duration is reached, or SIGINT; then a summary table goes to stdout.\n"
	       "\n"
	       "Ports and lcores:\n"
	       "  --tx PORTS           ports that send: all (default), none, or a list like 0,2-3\n"
	       "  --rx PORTS           ports that receive and count (default all)\n"
	       "  --tx-queues N        TX queues per TX port, a task each (default 1, max %d)\n"
	       "  --rx-queues N        RX queues per RX port, a task each (default 1, max %d);\n"
	       "                       loss adds up over queues, reordering is seen per queue\n"
	       "  --burst N            frames per burst, 1..%d (default 32)\n"
	       "  --mtu N              port MTU (frames may be MTU + 14 bytes, + 4 with --vlan)\n"
	       "  --mbufs N            mbufs per pool (default: sized from the rings)\n"
	       "\n"
	       "Frames (one stream per TX port; --config for several):\n"
	       "  --size SPEC          frame bytes without FCS: N (default 60), MIN-MAX (step 1),\n"
	       "                       MIN-MAX/STEP, MIN-MAX/random, or imix\n"
	       "  --imix[=LIST]        sizes with weights, SIZE:WEIGHT,... (default 60:7,590:4,1514:1)\n"
	       "  --src-mac MAC        default: the port's address\n"
	       "  --dst-mac MAC        default: ff:ff:ff:ff:ff:ff\n"
	       "  --src-ip RANGE       A.B.C.D, A.B.C.D-E.F.G.H or A.B.C.D/LEN (default 198.18.0.1)\n"
	       "  --dst-ip RANGE       (default 198.19.0.1)\n"
	       "  --sport RANGE        UDP source port N or MIN-MAX (default 1024)\n"
	       "  --dport RANGE        UDP destination port (default 1024)\n"
	       "  --flow-mode MODE     inc (every field steps each frame, default) or random\n"
	       "  --vlan VID[:PCP]     add an 802.1Q tag\n"
	       "  --ttl N, --tos N     IPv4 TTL (default 64) and TOS (default 0)\n"
	       "\n"
	       "Replay:\n"
	       "  --pcap FILE          send the frames of FILE instead (Ethernet captures)\n"
	       "  --loop N             replay N times (default 1, 0 = until stopped)\n"
	       "  --pcap-speed X       keep the capture's timing, X times faster (1 = as captured);\n"
	       "                       without it: as fast as possible, or at --rate\n"
	       "\n"
	       "Rate and length (per stream; TX queues share it):\n"
	       "  --rate R             Npps/kpps/Mpps, Nbps/kbps/Mbps/Gbps (L2: frame + FCS;\n"
	       "                       add /l1 for the wire: + preamble, SFD and gap), N%% of\n"
	       "                       the link speed (on the wire), or max (default)\n"
	       "  --count N            frames to send per stream (per port without --config)\n"
	       "  --duration S         stop sending after S seconds (decimals allowed)\n"
	       "  --drain-ms MS        after sending stops, keep receiving up to MS ms (default\n"
	       "                       1000; ends early once every frame sent is accounted for)\n"
	       "  --start-delay-ms MS  wait MS ms between starting the ports and sending (default\n"
	       "                       0): for devices that hold received frames back for a\n"
	       "                       moment after start (QEMU's e1000: about 1 s)\n"
	       "\n"
	       "Output:\n"
	       "  --quiet              no status line every second on stderr\n"
	       "  --json FILE          write the summary as JSON (schema: app/pktgen/README.md)\n"
	       "  --rx-pcap FILE       write received frames to FILE\n"
	       "  --rx-pcap-count N    at most N frames (default 10000)\n"
	       "  --rx-pcap-snaplen N  bytes kept per frame (default 2048)\n"
	       "  --expect-no-loss     exit status 2 when any frame sent was not received\n"
	       "\n"
	       "Other:\n"
	       "  --config FILE        streams, one per line: port=P [stream options as key=value]\n"
	       "  --seed N             seed of random sizes and flows (default 1)\n"
	       "  --test-faults SPEC   TEST ONLY: drop=N,..;dup=N,..;reorder=N,.. by sequence number\n"
	       "  -h, --help           this text\n"
	       "\n"
	       "Exit status: 0 done, 1 bad options or setup failure, 2 frames lost with\n"
	       "--expect-no-loss.\n"
	       "\n"
	       "Examples:\n"
	       "  %s -l 0-1 --no-huge -m 256 --vdev net_null0 -- --rx none --duration 5\n"
	       "  %s -l 0-2 --vdev net_ring0 --vdev net_ring1,peer=net_ring0 -- --tx 0 --rx 1 \\\n"
	       "      --count 1000000 --expect-no-loss --json out.json\n"
	       "  %s -l 0-1 --vdev net_af_packet0,iface=veth0 -- --rate 20kpps --duration 10 \\\n"
	       "      --src-ip 10.0.0.1-10.0.0.100 --size 60-1514/random\n",
	       prog, PG_MAX_TXQ, PG_MAX_RXQ, PG_MAX_BURST, prog, prog, prog);
}

static void stream_defaults(struct pg_stream_opts *s)
{
	memset(s, 0, sizeof(*s));
	s->port = -1;
	memset(s->dst_mac, 0xff, sizeof(s->dst_mac));
	s->ttl = 64;
	s->flow.src_ip = (struct pg_range){ 0xC6120001, 0xC6120001 };	/* 198.18.0.1 (RFC 2544) */
	s->flow.dst_ip = (struct pg_range){ 0xC6130001, 0xC6130001 };	/* 198.19.0.1 */
	s->flow.src_port = (struct pg_range){ 1024, 1024 };
	s->flow.dst_port = (struct pg_range){ 1024, 1024 };
	s->flow.mode = PG_FLOW_INC;
	s->size.mode = PG_SIZE_FIXED;
	s->size.min = s->size.max = PG_MIN_FRAME;
	s->size.step = 1;
	s->rate.kind = PG_RATE_UNLIMITED;
	s->loop = 1;
}

/* name is "--size" on the command line, "size" in a config line; err
 * gets the reason. */
static int apply_stream_opt(struct pg_stream_opts *s, int id, const char *name, const char *v,
			    char *err, size_t errlen)
{
	uint64_t u;
	int ret = 0;

	switch (id) {
	case OPT_PORT:
		ret = parse_uint_opt(name, v, 0, PG_MAX_PORTS - 1, &u, err, errlen);
		if (ret == 0)
			s->port = (int)u;
		return ret;
	case OPT_SIZE:
		return pg_parse_size(v, &s->size, err, errlen);
	case OPT_IMIX:
		return pg_parse_imix(v, &s->size, err, errlen);
	case OPT_SRC_MAC:
		if (parse_mac(v, s->src_mac) < 0)
			return fail(err, errlen, "%s '%s': expected xx:xx:xx:xx:xx:xx", name, v);
		s->src_mac_set = true;
		return 0;
	case OPT_DST_MAC:
		if (parse_mac(v, s->dst_mac) < 0)
			return fail(err, errlen, "%s '%s': expected xx:xx:xx:xx:xx:xx", name, v);
		return 0;
	case OPT_SRC_IP:
		ret = pg_parse_ip_range(v, &s->flow.src_ip, err, errlen);
		break;
	case OPT_DST_IP:
		ret = pg_parse_ip_range(v, &s->flow.dst_ip, err, errlen);
		break;
	case OPT_SPORT:
		ret = pg_parse_port_range(v, &s->flow.src_port, err, errlen);
		break;
	case OPT_DPORT:
		ret = pg_parse_port_range(v, &s->flow.dst_port, err, errlen);
		break;
	case OPT_FLOW_MODE:
		if (!strcmp(v, "inc"))
			s->flow.mode = PG_FLOW_INC;
		else if (!strcmp(v, "random"))
			s->flow.mode = PG_FLOW_RANDOM;
		else
			return fail(err, errlen, "%s '%s': inc or random", name, v);
		return 0;
	case OPT_VLAN: {
		char buf[32], *colon;
		uint64_t vid, pcp = 0;

		if (strlen(v) >= sizeof(buf))
			return fail(err, errlen, "%s '%s': expected VID[:PCP]", name, v);
		strcpy(buf, v);
		colon = strchr(buf, ':');
		if (colon)
			*colon++ = '\0';
		if (parse_uint_opt(name, buf, 0, 4095, &vid, err, errlen) < 0)
			return -EINVAL;
		if (colon && parse_uint_opt("VLAN priority", colon, 0, 7, &pcp, err, errlen) < 0)
			return -EINVAL;
		s->vlan = true;
		s->vlan_tci = (uint16_t)(pcp << 13 | vid);
		return 0;
	}
	case OPT_TTL:
		ret = parse_uint_opt(name, v, 1, 255, &u, err, errlen);
		if (ret == 0)
			s->ttl = (uint8_t)u;
		return ret;
	case OPT_TOS:
		ret = parse_uint_opt(name, v, 0, 255, &u, err, errlen);
		if (ret == 0)
			s->tos = (uint8_t)u;
		return ret;
	case OPT_RATE:
		return pg_parse_rate(v, &s->rate, err, errlen);
	case OPT_COUNT:
		return parse_uint_opt(name, v, 1, UINT64_MAX, &s->count, err, errlen);
	case OPT_PCAP:
		free(s->pcap);
		s->cap = NULL;	/* loaded once parsing is done */
		s->pcap = strdup(v);
		return s->pcap ? 0 : fail(err, errlen, "out of memory");
	case OPT_LOOP:
		return parse_uint_opt(name, v, 0, UINT64_MAX, &s->loop, err, errlen);
	case OPT_PCAP_SPEED:
		ret = parse_double_opt(name, v, 0, 1e6, &s->pcap_speed, err, errlen);
		if (ret == 0 && s->pcap_speed <= 0)
			return fail(err, errlen, "%s %s: must be above 0 (1 = the capture's own timing)", name, v);
		return ret;
	default:
		return fail(err, errlen, "%s: not a stream option", name);
	}
	/* The range parsers do not know which option they parse for. */
	if (ret < 0) {
		char why[ERR_LEN];

		snprintf(why, sizeof(why), "%s", err);
		return fail(err, errlen, "%s: %s", name, why);
	}
	return 0;
}

static int stream_copy(struct pg_stream_opts *dst, const struct pg_stream_opts *src)
{
	*dst = *src;	/* a loaded capture is shared, freed once */
	if (src->pcap && (dst->pcap = strdup(src->pcap)) == NULL)
		return -ENOMEM;
	return 0;
}

static int find_key(const char *key)
{
	for (const struct option *o = long_opts; o->name; o++)
		if (!strcmp(o->name, key))
			return o->val;
	return -1;
}

static int parse_config(struct pg_opts *o, const char *path)
{
	char err[ERR_LEN];
	char line[4096];
	unsigned lineno = 0;
	FILE *f = fopen(path, "r");

	if (f == NULL) {
		SL_LOG(ERR, PKTGEN, "--config %s: %s", path, strerror(errno));
		return -EINVAL;
	}
	while (fgets(line, sizeof(line), f)) {
		struct pg_stream_opts *s;
		char *tok, *save, *hash;

		lineno++;
		if ((hash = strchr(line, '#')) != NULL)
			*hash = '\0';
		tok = strtok_r(line, " \t\r\n", &save);
		if (tok == NULL)
			continue;
		if (!strcmp(tok, "stream"))
			tok = strtok_r(NULL, " \t\r\n", &save);
		if (o->nb_streams == PG_MAX_STREAMS) {
			SL_LOG(ERR, PKTGEN, "%s:%u: more than %d streams", path, lineno, PG_MAX_STREAMS);
			goto bad;
		}
		s = &o->streams[o->nb_streams];
		if (stream_copy(s, &o->defaults) < 0) {
			SL_LOG(ERR, PKTGEN, "out of memory");
			goto bad;
		}
		o->nb_streams++;
		s->id = o->nb_streams - 1;
		s->line = lineno;
		for (; tok; tok = strtok_r(NULL, " \t\r\n", &save)) {
			char *eq = strchr(tok, '=');
			int id;

			if (eq == NULL) {
				SL_LOG(ERR, PKTGEN, "%s:%u: '%s' is not key=value (e.g. port=0 size=60 rate=10kpps)",
				       path, lineno, tok);
				goto bad;
			}
			*eq++ = '\0';
			id = find_key(tok);
			if (id < OPT_PORT || id >= OPT_STREAM_LAST_) {
				SL_LOG(ERR, PKTGEN, "%s:%u: '%s' is not a stream option (port, size, imix, src-mac, dst-mac, src-ip, dst-ip, sport, dport, flow-mode, vlan, ttl, tos, rate, count, pcap, loop, pcap-speed)",
				       path, lineno, tok);
				goto bad;
			}
			if (apply_stream_opt(s, id, tok, eq, err, sizeof(err)) < 0) {
				SL_LOG(ERR, PKTGEN, "%s:%u: %s", path, lineno, err);
				goto bad;
			}
		}
		if (s->port < 0) {
			SL_LOG(ERR, PKTGEN, "%s:%u: a stream needs port=N (its TX port)", path, lineno);
			goto bad;
		}
	}
	fclose(f);
	if (o->nb_streams == 0) {
		SL_LOG(ERR, PKTGEN, "--config %s: no stream lines (e.g. 'stream port=0 size=60 rate=10kpps')", path);
		return -EINVAL;
	}
	return 0;
bad:
	fclose(f);
	return -EINVAL;
}

static int load_captures(struct pg_opts *o)
{
	char err[ERR_LEN + 256];

	if (o->defaults.pcap && o->defaults.cap == NULL &&
	    pg_capture_load(o->defaults.pcap, &o->defaults.cap, err, sizeof(err)) < 0) {
		SL_LOG(ERR, PKTGEN, "--pcap: %s", err);
		return -EINVAL;
	}
	for (unsigned i = 0; i < o->nb_streams; i++) {
		struct pg_stream_opts *s = &o->streams[i];

		if (s->pcap == NULL)
			continue;
		/* Streams naming the same file share one copy. */
		for (unsigned j = 0; j < i && s->cap == NULL; j++)
			if (o->streams[j].cap && !strcmp(o->streams[j].pcap, s->pcap))
				s->cap = o->streams[j].cap;
		if (s->cap == NULL && pg_capture_load(s->pcap, &s->cap, err, sizeof(err)) < 0) {
			SL_LOG(ERR, PKTGEN, "--pcap: %s", err);
			return -EINVAL;
		}
	}
	return 0;
}

int pg_opts_parse(struct pg_opts *o, int argc, char **argv)
{
	char err[ERR_LEN];
	uint64_t u;
	int opt, idx = 0;

	memset(o, 0, sizeof(*o));
	o->tx_all = o->rx_all = true;
	o->tx_queues = 1;
	o->rx_queues = 1;
	o->burst = 32;
	o->drain_ms = 1000;
	o->rx_pcap_count = 10000;
	o->rx_pcap_snaplen = 2048;
	o->seed = 1;
	stream_defaults(&o->defaults);

	/* 0, not 1: glibc then also forgets the rest of a cluster an earlier
	 * scan stopped in ("-hz" returns at 'h'), which it would otherwise
	 * go on reading from that scan's argv (found by test/fuzz). */
	optind = 0;
	opterr = 0;
	while ((opt = getopt_long(argc, argv, ":h", long_opts, &idx)) != -1) {
		char name[48];
		int ret = 0;

		if (opt == '?' || opt == ':') {
			const char *what = argv[optind - 1];

			if (opt == ':')
				SL_LOG(ERR, PKTGEN, "option %s needs a value (see -h)", what);
			else
				SL_LOG(ERR, PKTGEN, "unknown option %s (see -h)", what);
			return -EINVAL;
		}
		if (opt == 'h' || opt == OPT_HELP) {
			pg_opts_usage(argv[0]);
			return 1;
		}
		snprintf(name, sizeof(name), "--%s", long_opts[idx].name);
		if (opt < OPT_STREAM_LAST_) {
			if (opt == OPT_PORT) {
				SL_LOG(ERR, PKTGEN, "--port is a --config key; on the command line use --tx PORTS");
				return -EINVAL;
			}
			ret = apply_stream_opt(&o->defaults, opt, name, optarg, err, sizeof(err));
		} else {
			switch (opt) {
			case OPT_TX:
				ret = pg_parse_ports(optarg, &o->tx_mask, &o->tx_all, err, sizeof(err));
				o->tx_given = true;
				break;
			case OPT_RX:
				ret = pg_parse_ports(optarg, &o->rx_mask, &o->rx_all, err, sizeof(err));
				break;
			case OPT_TX_QUEUES:
				ret = parse_uint_opt(name, optarg, 1, PG_MAX_TXQ, &u, err, sizeof(err));
				o->tx_queues = (unsigned)u;
				break;
			case OPT_RX_QUEUES:
				ret = parse_uint_opt(name, optarg, 1, PG_MAX_RXQ, &u, err, sizeof(err));
				o->rx_queues = (unsigned)u;
				break;
			case OPT_BURST:
				ret = parse_uint_opt(name, optarg, 1, PG_MAX_BURST, &u, err, sizeof(err));
				o->burst = (unsigned)u;
				break;
			case OPT_DURATION:
				ret = parse_double_opt(name, optarg, 0, 1e9, &o->duration, err, sizeof(err));
				if (ret == 0 && o->duration == 0)
					ret = fail(err, sizeof(err), "--duration 0: must be above 0 (leave it out to run until --count or SIGINT)");
				break;
			case OPT_DRAIN_MS:
				ret = parse_uint_opt(name, optarg, 0, 3600000, &u, err, sizeof(err));
				o->drain_ms = (unsigned)u;
				break;
			case OPT_START_DELAY_MS:
				ret = parse_uint_opt(name, optarg, 0, 60000, &u, err, sizeof(err));
				o->start_delay_ms = (unsigned)u;
				break;
			case OPT_QUIET:
				o->quiet = true;
				break;
			case OPT_JSON:
				o->json = optarg;
				break;
			case OPT_RX_PCAP:
				o->rx_pcap = optarg;
				break;
			case OPT_RX_PCAP_COUNT:
				ret = parse_uint_opt(name, optarg, 1, UINT64_C(1) << 32, &o->rx_pcap_count, err, sizeof(err));
				break;
			case OPT_RX_PCAP_SNAPLEN:
				ret = parse_uint_opt(name, optarg, 14, 65535, &u, err, sizeof(err));
				o->rx_pcap_snaplen = (unsigned)u;
				break;
			case OPT_EXPECT_NO_LOSS:
				o->expect_no_loss = true;
				break;
			case OPT_CONFIG:
				o->config = optarg;
				break;
			case OPT_MTU:
				ret = parse_uint_opt(name, optarg, 68, 16000, &u, err, sizeof(err));
				o->mtu = (unsigned)u;
				break;
			case OPT_MBUFS:
				ret = parse_uint_opt(name, optarg, 64, 1u << 24, &u, err, sizeof(err));
				o->mbufs = (unsigned)u;
				break;
			case OPT_SEED:
				ret = parse_uint_opt(name, optarg, 0, UINT64_MAX, &o->seed, err, sizeof(err));
				break;
			case OPT_TEST_FAULTS:
				ret = pg_parse_faults(optarg, &o->faults, err, sizeof(err));
				o->faults_on = true;
				break;
			default:
				ret = fail(err, sizeof(err), "option %s not handled", name);
				break;
			}
		}
		if (ret < 0) {
			SL_LOG(ERR, PKTGEN, "%s", err);
			return -EINVAL;
		}
	}
	if (optind < argc) {
		SL_LOG(ERR, PKTGEN, "unexpected argument '%s' (options are --name value; see -h)", argv[optind]);
		return -EINVAL;
	}
	if (o->defaults.pcap_speed > 0 && o->defaults.rate.kind != PG_RATE_UNLIMITED) {
		SL_LOG(ERR, PKTGEN, "--pcap-speed and --rate both set the replay pace; give one");
		return -EINVAL;
	}
	if (load_captures(o) < 0)
		return -EINVAL;
	if (o->config) {
		if (o->tx_given) {
			SL_LOG(ERR, PKTGEN, "--tx and --config both choose the TX ports; the stream lines' port= keys do, drop --tx");
			return -EINVAL;
		}
		if (parse_config(o, o->config) < 0)
			return -EINVAL;
		o->streams_from_config = true;
		o->tx_all = false;
		o->tx_mask = 0;
		for (unsigned i = 0; i < o->nb_streams; i++) {
			const struct pg_stream_opts *s = &o->streams[i];

			o->tx_mask |= 1u << s->port;
			if (s->pcap_speed > 0 && s->rate.kind != PG_RATE_UNLIMITED) {
				SL_LOG(ERR, PKTGEN, "%s:%u: pcap-speed and rate both set the replay pace; give one",
				       o->config, s->line);
				return -EINVAL;
			}
		}
	}
	return load_captures(o);
}

int pg_opts_streams_from_ports(struct pg_opts *o, uint32_t tx_mask)
{
	for (unsigned p = 0; p < PG_MAX_PORTS; p++) {
		struct pg_stream_opts *s;

		if (!(tx_mask & (1u << p)))
			continue;
		if (o->nb_streams == PG_MAX_STREAMS)
			return -ENOSPC;
		s = &o->streams[o->nb_streams];
		if (stream_copy(s, &o->defaults) < 0)
			return -ENOMEM;
		s->port = (int)p;
		s->id = o->nb_streams++;
	}
	return 0;
}

void pg_opts_free(struct pg_opts *o)
{
	struct pg_capture *freed[PG_MAX_STREAMS + 1];
	unsigned nb_freed = 0;

	for (unsigned i = 0; i < o->nb_streams; i++) {
		struct pg_stream_opts *s = &o->streams[i];
		bool seen = false;

		for (unsigned j = 0; j < nb_freed; j++)
			seen |= freed[j] == s->cap;
		if (s->cap && !seen) {
			freed[nb_freed++] = s->cap;
			pg_capture_free(s->cap);
		}
		free(s->pcap);
	}
	if (o->defaults.cap) {
		bool seen = false;

		for (unsigned j = 0; j < nb_freed; j++)
			seen |= freed[j] == o->defaults.cap;
		if (!seen)
			pg_capture_free(o->defaults.cap);
	}
	free(o->defaults.pcap);
	memset(o, 0, sizeof(*o));
}
