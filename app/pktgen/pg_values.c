/* SPDX-License-Identifier: BSD-3-Clause
 * sl-pktgen's option values: numbers, rates, frame sizes and IMIX, IPv4
 * and UDP port ranges, port lists, --test-faults lists. Each parser gives
 * one line saying what was wrong and what would be valid. */
#include <arpa/inet.h>
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "sl_common.h"
#include "sl_parse.h"
#include "pg_opts_private.h"

int pg_opts_fail(char *err, size_t len, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, len, fmt, ap);
	va_end(ap);
	return -EINVAL;
}

/* ---- numbers ------------------------------------------------------------- */

int pg_opts_parse_u64(const char *s, uint64_t *out)
{
	return sl_parse_uint(s, 0, 0, UINT64_MAX, out);
}

int pg_opts_parse_uint(const char *name, const char *s, uint64_t min, uint64_t max, uint64_t *out,
		       char *err, size_t len)
{
	int ret = sl_parse_uint(s, 0, min, max, out);

	if (ret == 0)
		return 0;
	if (s != NULL && s[0] == '-')
		return pg_opts_fail(err, len, "%s %s: cannot be negative (%" PRIu64 "..%" PRIu64 ")", name,
				    s, min, max);
	sl_parse_uint_msg(err, len, name, s, ret, 0, min, max);
	return -EINVAL;
}

int pg_opts_parse_real(const char *name, const char *s, double min, double max, double *out,
		       char *err, size_t errlen)
{
	int ret;

	if (s == NULL || s[0] == '\0')
		return pg_opts_fail(err, errlen, "%s needs a value", name);
	if (s[0] == '-')
		return pg_opts_fail(err, errlen, "%s %s: cannot be negative", name, s);
	ret = sl_parse_real(s, min, max, out);
	if (ret == -ERANGE)
		return pg_opts_fail(err, errlen, "%s %s: out of range %g..%g", name, s, min, max);
	if (ret < 0)
		return pg_opts_fail(err, errlen, "%s '%s': not a number (digits, optionally with a fraction like 2.5)",
				    name, s);
	return 0;
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
		return pg_opts_fail(err, errlen, "--rate needs a value (%s)", hint);
	if (!strcasecmp(s, "max") || !strcasecmp(s, "unlimited")) {
		r->kind = PG_RATE_UNLIMITED;
		r->value = 0;
		return 0;
	}
	if (s[0] == '-')
		return pg_opts_fail(err, errlen, "--rate %s: a rate cannot be negative (%s)", s, hint);
	if (sl_parse_real_prefix(&end, &v) < 0)
		return pg_opts_fail(err, errlen, "--rate '%s': not a number with a unit (%s)", s, hint);
	if (v <= 0)
		return pg_opts_fail(err, errlen, "--rate %s: must be above 0 (leave --rate out, or say 'max', for no limit)", s);
	layer = strchr(end, '/');
	ulen = layer ? (size_t)(layer - end) : strlen(end);
	if (ulen == 0 || ulen >= sizeof(unit))
		return pg_opts_fail(err, errlen, "--rate %s: missing or unknown unit (%s)", s, hint);
	memcpy(unit, end, ulen);
	unit[ulen] = '\0';
	for (size_t i = 0; i < SL_DIM(units); i++) {
		if (strcasecmp(unit, units[i].unit) != 0)
			continue;
		r->kind = units[i].kind;
		r->value = v * units[i].mult;
		if (layer != NULL) {
			if (r->kind != PG_RATE_BPS_L2)
				return pg_opts_fail(err, errlen, "--rate %s: /l1 or /l2 only go with bit rates (bps, kbps, Mbps, Gbps)", s);
			if (!strcasecmp(layer, "/l1"))
				r->kind = PG_RATE_BPS_L1;
			else if (strcasecmp(layer, "/l2") != 0)
				return pg_opts_fail(err, errlen, "--rate %s: '%s' is neither /l1 (on the wire) nor /l2 (frame + FCS)", s, layer);
		}
		if (r->kind == PG_RATE_PERCENT && v > 100)
			return pg_opts_fail(err, errlen, "--rate %s: a share of the link speed is at most 100%%", s);
		return 0;
	}
	return pg_opts_fail(err, errlen, "--rate %s: unknown unit '%s' (%s)", s, unit, hint);
}

static int check_frame_size(const char *what, uint64_t v, char *err, size_t errlen)
{
	if (v < PG_MIN_FRAME)
		return pg_opts_fail(err, errlen, "%s %" PRIu64 ": below %d bytes, the shortest Ethernet frame without FCS",
				    what, v, PG_MIN_FRAME);
	if (v > PG_MAX_FRAME)
		return pg_opts_fail(err, errlen, "%s %" PRIu64 ": above %d bytes, the longest frame sl-pktgen builds",
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
			return pg_opts_fail(err, errlen, "--imix %s: at most %d sizes", s, PG_IMIX_MAX_SIZES);
		if (*p == '-')
			return pg_opts_fail(err, errlen, "--imix %s: sizes and weights cannot be negative", s);
		if (sl_parse_uint_prefix(&p, 0, &size) < 0)
			return pg_opts_fail(err, errlen, "--imix '%s': expected SIZE[:WEIGHT],... e.g. 60:7,590:4,1514:1", s);
		if (check_frame_size("--imix size", size, err, errlen))
			return -EINVAL;
		if (*p == ':') {
			p++;
			if (*p == '-')
				return pg_opts_fail(err, errlen, "--imix %s: sizes and weights cannot be negative", s);
			if (sl_parse_uint_prefix(&p, 0, &weight) < 0)
				return pg_opts_fail(err, errlen, "--imix '%s': expected SIZE[:WEIGHT],... e.g. 60:7,590:4,1514:1", s);
		}
		if (*p == ',')
			p++;
		else if (*p != '\0')
			return pg_opts_fail(err, errlen, "--imix '%s': expected SIZE[:WEIGHT],... e.g. 60:7,590:4,1514:1", s);
		if (weight > PG_IMIX_MAX_TABLE)
			return pg_opts_fail(err, errlen, "--imix %s: weights add up to at most %d", s, PG_IMIX_MAX_TABLE);
		sz->imix_size[sz->nb_imix] = (uint32_t)size;
		sz->imix_weight[sz->nb_imix] = (uint32_t)weight;
		sz->nb_imix++;
		total += (unsigned)weight;
	}
	if (total == 0)
		return pg_opts_fail(err, errlen, "--imix '%s': weights add up to 0, nothing would be sent", s);
	if (total > PG_IMIX_MAX_TABLE)
		return pg_opts_fail(err, errlen, "--imix %s: weights add up to %u, at most %d", s, total, PG_IMIX_MAX_TABLE);
	return 0;
}

int pg_parse_size(const char *s, struct pg_size_spec *sz, char *err, size_t errlen)
{
	uint64_t a, b = 0, step = 1;
	char buf[64];
	char *dash, *slash;

	if (s == NULL || s[0] == '\0')
		return pg_opts_fail(err, errlen, "--size needs a value: N, MIN-MAX, MIN-MAX/STEP, MIN-MAX/random or imix");
	if (!strcasecmp(s, "imix"))
		return pg_parse_imix(NULL, sz, err, errlen);
	if (s[0] == '-')
		return pg_opts_fail(err, errlen, "--size %s: cannot be negative", s);
	if (strlen(s) >= sizeof(buf))
		return pg_opts_fail(err, errlen, "--size '%s': too long", s);
	strcpy(buf, s);
	memset(sz, 0, sizeof(*sz));
	slash = strchr(buf, '/');
	if (slash)
		*slash++ = '\0';
	dash = strchr(buf, '-');
	if (dash)
		*dash++ = '\0';
	if (pg_opts_parse_u64(buf, &a) < 0 || (dash && pg_opts_parse_u64(dash, &b) < 0))
		return pg_opts_fail(err, errlen, "--size '%s': expected N, MIN-MAX, MIN-MAX/STEP, MIN-MAX/random or imix", s);
	if (check_frame_size("--size", a, err, errlen) ||
	    (dash && check_frame_size("--size", b, err, errlen)))
		return -EINVAL;
	if (!dash) {
		if (slash)
			return pg_opts_fail(err, errlen, "--size %s: a step or 'random' needs a range MIN-MAX", s);
		sz->mode = PG_SIZE_FIXED;
		sz->min = sz->max = (uint32_t)a;
		return 0;
	}
	if (a > b)
		return pg_opts_fail(err, errlen, "--size %s: range reversed (write %" PRIu64 "-%" PRIu64 ")", s, b, a);
	sz->min = (uint32_t)a;
	sz->max = (uint32_t)b;
	sz->mode = PG_SIZE_STEP;
	if (slash && !strcasecmp(slash, "random")) {
		sz->mode = PG_SIZE_RANDOM;
	} else if (slash) {
		if (pg_opts_parse_u64(slash, &step) < 0 || step == 0)
			return pg_opts_fail(err, errlen, "--size %s: step '%s' must be a whole number >= 1 (or 'random')", s, slash);
		if (step > b - a && a != b)
			return pg_opts_fail(err, errlen, "--size %s: step %" PRIu64 " is larger than the range", s, step);
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
		return pg_opts_fail(err, errlen, "IPv4 address '%s': expected A.B.C.D, A.B.C.D-E.F.G.H or A.B.C.D/LEN", s ? s : "");
	strcpy(buf, s);
	if ((sep = strchr(buf, '/')) != NULL) {
		uint64_t len;
		uint32_t mask;

		*sep++ = '\0';
		if (parse_ipv4(buf, &a) < 0 || pg_opts_parse_u64(sep, &len) < 0 || len > 32)
			return pg_opts_fail(err, errlen, "IPv4 prefix '%s': expected A.B.C.D/LEN with LEN 0..32", s);
		mask = len == 0 ? 0 : ~(uint32_t)0 << (32 - len);
		r->min = a & mask;
		r->max = r->min | ~mask;
		return 0;
	}
	if ((sep = strchr(buf, '-')) != NULL)
		*sep++ = '\0';
	if (parse_ipv4(buf, &a) < 0 || (sep && parse_ipv4(sep, &b) < 0))
		return pg_opts_fail(err, errlen, "IPv4 address '%s': expected A.B.C.D, A.B.C.D-E.F.G.H or A.B.C.D/LEN", s);
	if (!sep)
		b = a;
	if (a > b)
		return pg_opts_fail(err, errlen, "IPv4 range %s: reversed (the first address must be the lower)", s);
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
		return pg_opts_fail(err, errlen, "UDP port '%s': expected N or MIN-MAX within 0..65535", s ? s : "");
	strcpy(buf, s);
	if ((sep = strchr(buf, '-')) != NULL)
		*sep++ = '\0';
	if (pg_opts_parse_u64(buf, &a) < 0 || (sep && pg_opts_parse_u64(sep, &b) < 0))
		return pg_opts_fail(err, errlen, "UDP port '%s': expected N or MIN-MAX within 0..65535", s);
	if (!sep)
		b = a;
	if (a > 65535 || b > 65535)
		return pg_opts_fail(err, errlen, "UDP port %s: beyond 65535", s);
	if (a > b)
		return pg_opts_fail(err, errlen, "UDP port range %s: reversed (write %" PRIu64 "-%" PRIu64 ")", s, b, a);
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
		return pg_opts_fail(err, errlen, "port list '%s': expected all, none or e.g. 0,2-3", s ? s : "");
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
			return pg_opts_fail(err, errlen, "port list '%s': port ids cannot be negative", s);
		if (dash)
			*dash++ = '\0';
		if (pg_opts_parse_u64(tok, &a) < 0 || (dash && pg_opts_parse_u64(dash, &b) < 0))
			return pg_opts_fail(err, errlen, "port list '%s': expected all, none or e.g. 0,2-3", s);
		if (!dash)
			b = a;
		if (a > b)
			return pg_opts_fail(err, errlen, "port list '%s': range %" PRIu64 "-%" PRIu64 " reversed", s, a, b);
		if (b >= PG_MAX_PORTS)
			return pg_opts_fail(err, errlen, "port list '%s': port %" PRIu64 " beyond the last possible port %d", s, b, PG_MAX_PORTS - 1);
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
		return pg_opts_fail(err, errlen, "--test-faults %s: list too long", what);
	strcpy(buf, s);
	for (tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		if (*n == PG_MAX_FAULTS)
			return pg_opts_fail(err, errlen, "--test-faults %s: at most %d numbers", what, PG_MAX_FAULTS);
		if (pg_opts_parse_u64(tok, &arr[*n]) < 0)
			return pg_opts_fail(err, errlen, "--test-faults %s: '%s' is not a sequence number", what, tok);
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
		return pg_opts_fail(err, errlen, "--test-faults: expected drop=N,...;dup=N,...;reorder=N,...");
	strcpy(buf, s);
	for (tok = strtok_r(buf, ";", &save); tok; tok = strtok_r(NULL, ";", &save)) {
		char *eq = strchr(tok, '=');
		int ret;

		if (eq == NULL)
			return pg_opts_fail(err, errlen, "--test-faults '%s': expected drop=N,...;dup=N,...;reorder=N,...", tok);
		*eq++ = '\0';
		if (!strcmp(tok, "drop"))
			ret = parse_seq_list("drop", eq, f->drop, &f->nb_drop, err, errlen);
		else if (!strcmp(tok, "dup"))
			ret = parse_seq_list("dup", eq, f->dup, &f->nb_dup, err, errlen);
		else if (!strcmp(tok, "reorder"))
			ret = parse_seq_list("reorder", eq, f->reorder, &f->nb_reorder, err, errlen);
		else
			return pg_opts_fail(err, errlen, "--test-faults: unknown fault '%s' (drop, dup, reorder)", tok);
		if (ret < 0)
			return ret;
	}
	return 0;
}
