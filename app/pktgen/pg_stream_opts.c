/* SPDX-License-Identifier: BSD-3-Clause
 * sl-pktgen's stream options (what one stream sends: frames, addresses,
 * rate, count, replay): their defaults, one option applied, the --config
 * file of stream lines, and the captures --pcap names. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sl_common.h"
#include "sl_log.h"
#include "pg_opts_private.h"
#include "pg_pcap.h"

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

void pg_stream_defaults(struct pg_stream_opts *s)
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

/* --vlan VID[:PCP] */
static int parse_vlan(struct pg_stream_opts *s, const char *name, const char *v, char *err,
		      size_t errlen)
{
	char buf[32], *colon;
	uint64_t vid, pcp = 0;

	if (strlen(v) >= sizeof(buf))
		return pg_opts_fail(err, errlen, "%s '%s': expected VID[:PCP]", name, v);
	strcpy(buf, v);
	colon = strchr(buf, ':');
	if (colon)
		*colon++ = '\0';
	if (pg_opts_parse_uint(name, buf, 0, 4095, &vid, err, errlen) < 0)
		return -EINVAL;
	if (colon && pg_opts_parse_uint("VLAN priority", colon, 0, 7, &pcp, err, errlen) < 0)
		return -EINVAL;
	s->vlan = true;
	s->vlan_tci = (uint16_t)(pcp << 13 | vid);
	return 0;
}

typedef int range_parser(const char *s, struct pg_range *r, char *err, size_t errlen);

/* An address or UDP port range; those parsers do not know which option
 * they parse for, so the option's name goes in front of their reason. */
static int parse_range(range_parser *parse, const char *name, const char *v, struct pg_range *r,
		       char *err, size_t errlen)
{
	char why[PG_ERR_LEN];

	if (parse(v, r, err, errlen) == 0)
		return 0;
	snprintf(why, sizeof(why), "%s", err);
	return pg_opts_fail(err, errlen, "%s: %s", name, why);
}

int pg_stream_apply(struct pg_stream_opts *s, int id, const char *name, const char *v, char *err,
		    size_t errlen)
{
	uint64_t u;
	int ret;

	switch (id) {
	case OPT_PORT:
		ret = pg_opts_parse_uint(name, v, 0, PG_MAX_PORTS - 1, &u, err, errlen);
		if (ret == 0)
			s->port = (int)u;
		return ret;
	case OPT_SIZE:
		return pg_parse_size(v, &s->size, err, errlen);
	case OPT_IMIX:
		return pg_parse_imix(v, &s->size, err, errlen);
	case OPT_SRC_MAC:
		if (parse_mac(v, s->src_mac) < 0)
			return pg_opts_fail(err, errlen, "%s '%s': expected xx:xx:xx:xx:xx:xx", name, v);
		s->src_mac_set = true;
		return 0;
	case OPT_DST_MAC:
		if (parse_mac(v, s->dst_mac) < 0)
			return pg_opts_fail(err, errlen, "%s '%s': expected xx:xx:xx:xx:xx:xx", name, v);
		return 0;
	case OPT_SRC_IP:
		return parse_range(pg_parse_ip_range, name, v, &s->flow.src_ip, err, errlen);
	case OPT_DST_IP:
		return parse_range(pg_parse_ip_range, name, v, &s->flow.dst_ip, err, errlen);
	case OPT_SPORT:
		return parse_range(pg_parse_port_range, name, v, &s->flow.src_port, err, errlen);
	case OPT_DPORT:
		return parse_range(pg_parse_port_range, name, v, &s->flow.dst_port, err, errlen);
	case OPT_FLOW_MODE:
		if (!strcmp(v, "inc"))
			s->flow.mode = PG_FLOW_INC;
		else if (!strcmp(v, "random"))
			s->flow.mode = PG_FLOW_RANDOM;
		else
			return pg_opts_fail(err, errlen, "%s '%s': inc or random", name, v);
		return 0;
	case OPT_VLAN:
		return parse_vlan(s, name, v, err, errlen);
	case OPT_TTL:
		ret = pg_opts_parse_uint(name, v, 1, 255, &u, err, errlen);
		if (ret == 0)
			s->ttl = (uint8_t)u;
		return ret;
	case OPT_TOS:
		ret = pg_opts_parse_uint(name, v, 0, 255, &u, err, errlen);
		if (ret == 0)
			s->tos = (uint8_t)u;
		return ret;
	case OPT_RATE:
		return pg_parse_rate(v, &s->rate, err, errlen);
	case OPT_COUNT:
		return pg_opts_parse_uint(name, v, 1, UINT64_MAX, &s->count, err, errlen);
	case OPT_PCAP:
		free(s->pcap);
		s->cap = NULL;	/* loaded once parsing is done */
		s->pcap = strdup(v);
		return s->pcap ? 0 : pg_opts_fail(err, errlen, "out of memory");
	case OPT_LOOP:
		return pg_opts_parse_uint(name, v, 0, UINT64_MAX, &s->loop, err, errlen);
	case OPT_PCAP_SPEED:
		ret = pg_opts_parse_real(name, v, 0, 1e6, &s->pcap_speed, err, errlen);
		if (ret == 0 && s->pcap_speed <= 0)
			return pg_opts_fail(err, errlen, "%s %s: must be above 0 (1 = the capture's own timing)",
					    name, v);
		return ret;
	default:
		return pg_opts_fail(err, errlen, "%s: not a stream option", name);
	}
}

int pg_stream_copy(struct pg_stream_opts *dst, const struct pg_stream_opts *src)
{
	*dst = *src;	/* a loaded capture is shared, freed once */
	if (src->pcap && (dst->pcap = strdup(src->pcap)) == NULL)
		return -ENOMEM;
	return 0;
}

static const char *const stream_keys[] = {
#define PG_OPT_NAME(id, name) name,
	PG_STREAM_OPTS(PG_OPT_NAME)
#undef PG_OPT_NAME
};

/* The option id of a --config key; -1 for what is no stream option. */
static int stream_key_id(const char *key)
{
	for (unsigned i = 0; i < SL_DIM(stream_keys); i++)
		if (!strcmp(stream_keys[i], key))
			return OPT_PORT + (int)i;
	return -1;
}

int pg_opts_parse_config(struct pg_opts *o, const char *path)
{
	char err[PG_ERR_LEN];
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
		if (pg_stream_copy(s, &o->defaults) < 0) {
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
			id = stream_key_id(tok);
			if (id < 0) {
				SL_LOG(ERR, PKTGEN, "%s:%u: '%s' is not a stream option (port, size, imix, src-mac, dst-mac, src-ip, dst-ip, sport, dport, flow-mode, vlan, ttl, tos, rate, count, pcap, loop, pcap-speed)",
				       path, lineno, tok);
				goto bad;
			}
			if (pg_stream_apply(s, id, tok, eq, err, sizeof(err)) < 0) {
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

int pg_opts_load_captures(struct pg_opts *o)
{
	char err[PG_ERR_LEN + 256];

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

