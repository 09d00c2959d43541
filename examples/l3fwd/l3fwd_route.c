/* SPDX-License-Identifier: BSD-3-Clause
 * sl-l3fwd's routes: the route files (format in l3fwd_usage), or DPDK
 * l3fwd's default table without one, into the LPM tables (--mode lpm) or
 * the exact-match hashes (--mode em). A route to a port outside -p is left
 * out, as DPDK's l3fwd does: its frames count as no_route. */
#include <arpa/inet.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "sl_parse.h"

#include "l3fwd.h"

#define LPM4_MAX_RULES 65536
#define LPM4_TBL8S 1024
#define LPM6_MAX_RULES 65536
#define LPM6_TBL8S 8192
#define EM_ENTRIES 65536
#define MAX_TOKENS 8

struct route_tables routes;

/* Where a line came from, for its error. */
struct route_src {
	const char *file;
	unsigned line;
	unsigned added;		/* routes of this file in the tables */
};

#define ROUTE_ERROR(src, ...)                                                          \
	do {                                                                           \
		char msg_[256];                                                        \
		snprintf(msg_, sizeof(msg_), __VA_ARGS__);                             \
		SL_LOG(ERR, L3FWD, "route file '%s' line %u: %s", (src)->file, (src)->line, \
		       msg_);                                                          \
		return -EINVAL;                                                        \
	} while (0)

static bool port_enabled(uint64_t port)
{
	return port < SL_MAX_ETHPORTS && (opts.portmask & (1u << port));
}

static int add_lpm4(uint32_t ip, uint8_t depth, uint16_t port)
{
	if (!port_enabled(port))
		return 0;
	return sl_lpm_add(routes.lpm4, ip, depth, port);
}

static int add_lpm6(const uint8_t ip[16], uint8_t depth, uint16_t port)
{
	if (!port_enabled(port))
		return 0;
	return sl_lpm6_add(routes.lpm6, ip, depth, port);
}

static int add_em(struct sl_hash *h, const void *key, uint16_t port)
{
	if (!port_enabled(port))
		return 0;
	return sl_hash_add_key_data(h, key, (void *)(uintptr_t)port);
}

/* ---- DPDK l3fwd's default table ------------------------------------------ */

/* 198.18.N.H, host order (SL_IPV4 would shift 198 into an int's sign bit) */
static uint32_t default_v4(unsigned n, unsigned h)
{
	return (uint32_t)198 << 24 | (uint32_t)18 << 16 | (uint32_t)n << 8 | h;
}

/* 2001:200:0:N:: as 16 bytes */
static void default_v6(uint8_t ip[16], unsigned n, uint8_t last)
{
	static const uint8_t base[16] = { 0x20, 0x01, 0x02, 0x00 };

	memcpy(ip, base, 16);
	ip[7] = (uint8_t)n;
	ip[15] = last;
}

static int load_defaults(void)
{
	for (unsigned n = 0; n < DEFAULT_ROUTES; n++) {
		struct em_key4 k4 = { 0 };
		struct em_key6 k6 = { 0 };
		uint8_t ip6[16];
		int ret;

		if (opts.mode == LOOKUP_LPM) {
			default_v6(ip6, n, 0);
			ret = add_lpm4(default_v4(n, 0), 24, (uint16_t)n);
			if (ret == 0)
				ret = add_lpm6(ip6, 64, (uint16_t)n);
		} else {
			/* 198.18.N.1 -> 198.18.N.0, UDP 9 -> 9 (DPDK's ipv4_l3fwd_em_route_array) */
			k4.ip_src = sl_be32(default_v4(n, 1));
			k4.ip_dst = sl_be32(default_v4(n, 0));
			k4.port_src = k4.port_dst = sl_be16(9);
			k4.proto = SL_IPPROTO_UDP;
			default_v6(k6.ip_src, n, 1);
			default_v6(k6.ip_dst, n, 0);
			k6.port_src = k6.port_dst = sl_be16(9);
			k6.proto = SL_IPPROTO_UDP;
			ret = add_em(routes.em4, &k4, (uint16_t)n);
			if (ret == 0)
				ret = add_em(routes.em6, &k6, (uint16_t)n);
		}
		if (ret < 0) {
			SL_LOG(ERR, L3FWD, "cannot add the default routes: %s", strerror(-ret));
			return ret;
		}
	}
	return 0;
}

/* ---- route files ---------------------------------------------------------- */

/* An IPv4 or IPv6 address: 4 or 16 (bytes in out, network order), or -1. */
static int parse_addr(const char *s, uint8_t out[16])
{
	if (strchr(s, ':') != NULL)
		return inet_pton(AF_INET6, s, out) == 1 ? 16 : -1;
	return inet_pton(AF_INET, s, out) == 1 ? 4 : -1;
}

static int parse_port(const struct route_src *src, const char *s, uint16_t *port)
{
	uint64_t v;

	if (sl_parse_uint(s, 0, 0, SL_MAX_ETHPORTS - 1, &v) < 0)
		ROUTE_ERROR(src, "bad port '%s': give 0..%d", s, SL_MAX_ETHPORTS - 1);
	*port = (uint16_t)v;
	return 0;
}

/* "R PREFIX/DEPTH PORT" (also DPDK's "RPREFIX/DEPTH PORT") */
static int route_line_lpm(struct route_src *src, char **tok, unsigned n)
{
	uint8_t ip[16];
	char *slash = n == 2 ? strchr(tok[0], '/') : NULL;
	uint64_t depth;
	uint16_t port;
	int len, ret;

	if (slash == NULL)
		ROUTE_ERROR(src, "an R line is 'R PREFIX/DEPTH PORT', e.g. R 198.18.0.0/24 0");
	*slash = '\0';
	len = parse_addr(tok[0], ip);
	if (len < 0)
		ROUTE_ERROR(src, "bad address '%s': give an IPv4 or IPv6 address", tok[0]);
	if (sl_parse_uint(slash + 1, 0, 1, (uint64_t)len * 8, &depth) < 0)
		ROUTE_ERROR(src, "bad prefix length '%s': give 1..%d", slash + 1, len * 8);
	if (parse_port(src, tok[1], &port) < 0)
		return -EINVAL;
	if (len == 4) {
		uint32_t a;

		memcpy(&a, ip, 4);
		ret = add_lpm4(sl_be32(a), (uint8_t)depth, port);
	} else {
		ret = add_lpm6(ip, (uint8_t)depth, port);
	}
	if (ret < 0)
		ROUTE_ERROR(src, "cannot add the route: %s (at most %d per family)",
			    strerror(-ret), len == 4 ? LPM4_MAX_RULES : LPM6_MAX_RULES);
	src->added += port_enabled(port);
	return 0;
}

static int parse_l4_port(const struct route_src *src, const char *s, uint16_t *out)
{
	uint64_t v;

	if (sl_parse_uint(s, 0, 0, UINT16_MAX, &v) < 0)
		ROUTE_ERROR(src, "bad L4 port '%s': give 0..65535", s);
	*out = sl_be16((uint16_t)v);
	return 0;
}

/* "E SRC DST SPORT DPORT PROTO PORT" */
static int route_line_em(struct route_src *src, char **tok, unsigned n)
{
	uint8_t a[16], b[16];
	uint16_t sport, dport, port;
	uint64_t proto;
	int la, lb, ret;

	if (n != 6)
		ROUTE_ERROR(src, "an E line is 'E SRC DST SPORT DPORT PROTO PORT', e.g. E 10.0.0.1 198.18.0.1 9 9 17 0");
	la = parse_addr(tok[0], a);
	lb = parse_addr(tok[1], b);
	if (la < 0 || lb < 0 || la != lb)
		ROUTE_ERROR(src, "bad addresses '%s' '%s': give two IPv4 or two IPv6 addresses", tok[0],
			    tok[1]);
	if (parse_l4_port(src, tok[2], &sport) < 0 || parse_l4_port(src, tok[3], &dport) < 0)
		return -EINVAL;
	if (sl_parse_uint(tok[4], strncmp(tok[4], "0x", 2) == 0 ? SL_PARSE_MASK : 0, 0, 255, &proto) < 0)
		ROUTE_ERROR(src, "bad protocol '%s': give 0..255 (17 UDP, 6 TCP)", tok[4]);
	if (parse_port(src, tok[5], &port) < 0)
		return -EINVAL;
	if (proto != SL_IPPROTO_TCP && proto != SL_IPPROTO_UDP)
		sport = dport = 0;	/* what the lookup takes for other protocols */
	if (la == 4) {
		struct em_key4 k = { .port_src = sport, .port_dst = dport, .proto = (uint8_t)proto };

		memcpy(&k.ip_src, a, 4);
		memcpy(&k.ip_dst, b, 4);
		ret = add_em(routes.em4, &k, port);
	} else {
		struct em_key6 k = { .port_src = sport, .port_dst = dport, .proto = (uint8_t)proto };

		memcpy(k.ip_src, a, 16);
		memcpy(k.ip_dst, b, 16);
		ret = add_em(routes.em6, &k, port);
	}
	if (ret < 0)
		ROUTE_ERROR(src, "cannot add the flow: %s (at most %d per family)", strerror(-ret),
			    EM_ENTRIES);
	src->added += port_enabled(port);
	return 0;
}

static int route_line(struct route_src *src, char *line)
{
	char *tok[MAX_TOKENS], *save = NULL, *t, *hash = strchr(line, '#');
	unsigned n = 0;
	char kind;

	if (hash != NULL)
		*hash = '\0';
	for (t = strtok_r(line, " \t\r\n", &save); t != NULL; t = strtok_r(NULL, " \t\r\n", &save)) {
		if (n == MAX_TOKENS)
			ROUTE_ERROR(src, "too many fields");
		tok[n++] = t;
	}
	if (n == 0)
		return 0;
	kind = tok[0][0];
	if ((kind != 'R' && kind != 'E') || (tok[0][1] != '\0' && kind == 'E'))
		ROUTE_ERROR(src, "'%s' starts neither an R (prefix) nor an E (flow) line", tok[0]);
	/* "R198.18.0.0/24 0" as DPDK writes it, or "R 198.18.0.0/24 0" */
	if (tok[0][1] != '\0')
		tok[0]++;
	else
		memmove(tok, tok + 1, --n * sizeof(tok[0]));
	if ((kind == 'R') != (opts.mode == LOOKUP_LPM))
		return 0;	/* the other mode's line */
	return kind == 'R' ? route_line_lpm(src, tok, n) : route_line_em(src, tok, n);
}

static int load_file(const char *path)
{
	struct route_src src = { .file = path };
	char line[512];
	FILE *f = fopen(path, "r");
	int ret = 0;

	if (f == NULL) {
		SL_LOG(ERR, L3FWD, "cannot open route file '%s': %s", path, strerror(errno));
		return -errno;
	}
	while (ret == 0 && fgets(line, sizeof(line), f) != NULL) {
		src.line++;
		if (strchr(line, '\n') == NULL && !feof(f)) {
			SL_LOG(ERR, L3FWD, "route file '%s' line %u: longer than %zu bytes", path,
			       src.line, sizeof(line) - 2);
			ret = -EINVAL;
			break;
		}
		ret = route_line(&src, line);
	}
	fclose(f);
	if (ret == 0)
		printf("Route file %s: %u %s to enabled ports\n", path, src.added,
		       opts.mode == LOOKUP_LPM ? "routes" : "flows");
	return ret;
}

/* ---- the tables ------------------------------------------------------------ */

static int create_tables(void)
{
	if (opts.mode == LOOKUP_LPM) {
		struct sl_lpm_config c4 = { .max_rules = LPM4_MAX_RULES, .number_tbl8s = LPM4_TBL8S };
		struct sl_lpm6_config c6 = { .max_rules = LPM6_MAX_RULES, .number_tbl8s = LPM6_TBL8S };

		routes.lpm4 = sl_lpm_create("l3fwd_lpm4", sl_socket_id(), &c4);
		routes.lpm6 = sl_lpm6_create("l3fwd_lpm6", sl_socket_id(), &c6);
		if (routes.lpm4 == NULL || routes.lpm6 == NULL)
			return -ENOMEM;
	} else {
		struct sl_hash_parameters p4 = { .name = "l3fwd_em4", .entries = EM_ENTRIES,
						 .key_len = sizeof(struct em_key4) };
		struct sl_hash_parameters p6 = { .name = "l3fwd_em6", .entries = EM_ENTRIES,
						 .key_len = sizeof(struct em_key6) };

		routes.em4 = sl_hash_create(&p4);
		routes.em6 = sl_hash_create(&p6);
		if (routes.em4 == NULL || routes.em6 == NULL)
			return -ENOMEM;
	}
	return 0;
}

int routes_load(void)
{
	int ret = create_tables();

	if (ret < 0) {
		SL_LOG(ERR, L3FWD, "cannot create the routing tables: out of memory");
		return ret;
	}
	if (opts.nb_route_files == 0) {
		printf("No --route-file: DPDK l3fwd's default %s (198.18.N.0/24, 2001:200:0:N::/64 to port N)\n",
		       opts.mode == LOOKUP_LPM ? "routes" : "flows");
		return load_defaults();
	}
	for (unsigned i = 0; i < opts.nb_route_files; i++) {
		ret = load_file(opts.route_files[i]);
		if (ret < 0)
			return ret;
	}
	return 0;
}

void routes_free(void)
{
	sl_lpm_free(routes.lpm4);
	sl_lpm6_free(routes.lpm6);
	sl_hash_free(routes.em4);
	sl_hash_free(routes.em6);
	memset(&routes, 0, sizeof(routes));
}
