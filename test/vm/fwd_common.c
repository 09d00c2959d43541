/* SPDX-License-Identifier: BSD-3-Clause
 * The test forwarders' shared part: see fwd_common.h. */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fwd_common.h"
#include "sl_parse.h"

#define FWD_MAX_OPTS 32

static void usage(const char *prog, const struct fwd_opt *opts, unsigned nb_opts)
{
	fprintf(stderr, "usage: %s EAL-OPTIONS --", prog);
	for (unsigned i = 0; i < nb_opts; i++) {
		if (opts[i].arg != NULL)
			fprintf(stderr, " [--%s %s]", opts[i].name, opts[i].arg);
		else
			fprintf(stderr, " [--%s]", opts[i].name);
	}
	fprintf(stderr, "\n");
}

static int parse_number(const char *prog, const struct fwd_opt *o, const char *s, uint64_t *out)
{
	char opt[64], msg[256];
	int ret = sl_parse_uint(s, 0, o->min, o->max, out);

	if (ret == 0)
		return 0;
	snprintf(opt, sizeof(opt), "--%s", o->name);
	fprintf(stderr, "%s: %s\n", prog,
		sl_parse_uint_msg(msg, sizeof(msg), opt, s, ret, 0, o->min, o->max));
	return -EINVAL;
}

static int parse_opts(const char *prog, int argc, char **argv, const struct fwd_opt *opts,
		      unsigned nb_opts)
{
	struct option longopts[FWD_MAX_OPTS + 1];
	int c;

	if (nb_opts > FWD_MAX_OPTS) {
		fprintf(stderr, "%s: %u options, fwd_common takes %d\n", prog, nb_opts,
			FWD_MAX_OPTS);
		return -EINVAL;
	}
	memset(longopts, 0, sizeof(longopts));
	for (unsigned i = 0; i < nb_opts; i++) {
		longopts[i].name = opts[i].name;
		longopts[i].has_arg = opts[i].type == FWD_OPT_FLAG ? no_argument : required_argument;
		longopts[i].val = 256 + (int)i;
	}
	optind = 1;
	while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		const struct fwd_opt *o;
		uint64_t v;

		if (c < 256 || c >= 256 + (int)nb_opts) {
			usage(prog, opts, nb_opts);
			return -EINVAL;
		}
		o = &opts[c - 256];
		switch (o->type) {
		case FWD_OPT_UINT:
			if (parse_number(prog, o, optarg, &v) < 0)
				return -EINVAL;
			*(unsigned *)o->value = (unsigned)v;
			break;
		case FWD_OPT_U64:
			if (parse_number(prog, o, optarg, &v) < 0)
				return -EINVAL;
			*(uint64_t *)o->value = v;
			break;
		case FWD_OPT_STRING:
			*(const char **)o->value = optarg;
			break;
		case FWD_OPT_FLAG:
			*(int *)o->value = 1;
			break;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "%s: unexpected argument '%s'\n", prog, argv[optind]);
		usage(prog, opts, nb_opts);
		return -EINVAL;
	}
	return 0;
}

int fwd_init(const char *prog, int argc, char **argv, const struct fwd_opt *opts,
	     unsigned nb_opts)
{
	int ret = sl_eal_init(argc, argv);

	if (ret < 0)
		return 1;
	/* like DPDK: argv[0] is the program name again, the app's options follow */
	if (parse_opts(prog, argc - ret, argv + ret, opts, nb_opts) < 0) {
		sl_eal_cleanup();
		return 2;
	}
	return 0;
}

uint16_t fwd_ports_available(const char *prog, uint16_t min, uint16_t max, bool pairs)
{
	uint16_t n = sl_eth_dev_count_avail();

	if (n >= min && n <= max && (!pairs || n % 2 == 0))
		return n;
	if (min == max)
		fprintf(stderr, "%s: needs exactly %u ports, found %u\n", prog, min, n);
	else if (pairs)
		fprintf(stderr, "%s: needs an even number of ports (%u..%u), found %u\n", prog, min,
			max, n);
	else
		fprintf(stderr, "%s: needs %u or %u ports, found %u\n", prog, min, max, n);
	return 0;
}

int fwd_port_setup(const char *prog, uint16_t port, struct sl_mempool *mp,
		   const struct fwd_port_conf *c)
{
	int ret = sl_eth_dev_configure(port, c->nb_queues, c->nb_queues, c->conf);

	for (uint16_t q = 0; ret == 0 && q < c->nb_queues; q++) {
		ret = sl_eth_rx_queue_setup(port, q, c->nb_rxd, SL_SOCKET_ID_ANY, NULL, mp);
		if (ret == 0)
			ret = sl_eth_tx_queue_setup(port, q, c->nb_txd, SL_SOCKET_ID_ANY, NULL);
	}
	if (ret == 0 && c->promisc)
		ret = sl_eth_promiscuous_enable(port);
	if (ret == 0)
		ret = sl_eth_dev_start(port);
	if (ret < 0)
		fprintf(stderr, "%s: port %u setup failed: %s\n", prog, port, strerror(-ret));
	return ret;
}

void fwd_ports_close(uint16_t nb_ports)
{
	for (uint16_t p = 0; p < nb_ports; p++) {
		sl_eth_dev_stop(p);
		sl_eth_dev_close(p);
	}
}

void fwd_clock_start(struct fwd_clock *c, unsigned period_ms, unsigned timeout_s)
{
	uint64_t now = sl_tsc(), hz = sl_tsc_hz();

	c->period = hz / 1000 * period_ms;
	c->next = now + c->period;
	c->deadline = now + (uint64_t)timeout_s * hz;
}

bool fwd_file_exists(const char *path)
{
	return path != NULL && access(path, F_OK) == 0;
}

void fwd_touch(const char *path)
{
	FILE *f = path != NULL ? fopen(path, "w") : NULL;

	if (f != NULL)
		fclose(f);
}

void fwd_port_state_get(uint16_t port, struct fwd_port_state *s)
{
	struct sl_ether_addr mac;

	memset(s, 0, sizeof(*s));
	s->port = port;
	snprintf(s->name, sizeof(s->name), "%s", sl_eth_dev_name(port));
	if (sl_eth_macaddr_get(port, &mac) == 0)
		sl_ether_format_addr(s->mac, sizeof(s->mac), &mac);
	sl_eth_link_get_nowait(port, &s->link);
	sl_eth_dev_get_mtu(port, &s->mtu);
	s->promisc = sl_eth_promiscuous_get(port);
	sl_eth_stats_get(port, &s->st);
}

void fwd_json_port(FILE *f, const struct fwd_port_state *s)
{
	const struct sl_eth_stats *st = &s->st;

	fprintf(f,
		"\"port\": %u, \"name\": \"%s\", \"mac\": \"%s\", \"link\": %u, \"speed\": %u, "
		"\"mtu\": %u, \"promisc\": %d, \"ipackets\": %" PRIu64 ", \"opackets\": %" PRIu64
		", \"ibytes\": %" PRIu64 ", \"obytes\": %" PRIu64 ", \"imissed\": %" PRIu64
		", \"ierrors\": %" PRIu64 ", \"oerrors\": %" PRIu64 ", \"rx_nombuf\": %" PRIu64
		", \"q_ipackets\": %" PRIu64 ", \"q_opackets\": %" PRIu64,
		s->port, s->name, s->mac, s->link.link_status, s->link.link_speed, s->mtu,
		s->promisc, st->ipackets, st->opackets, st->ibytes, st->obytes, st->imissed,
		st->ierrors, st->oerrors, st->rx_nombuf, st->q_ipackets[0], st->q_opackets[0]);
}

void fwd_json_ports(FILE *f, uint16_t nb_ports)
{
	fprintf(f, "\"ports\": [");
	for (uint16_t p = 0; p < nb_ports; p++) {
		struct fwd_port_state s;

		fwd_port_state_get(p, &s);
		fprintf(f, "%s{", p ? ", " : "");
		fwd_json_port(f, &s);
		fprintf(f, "}");
	}
	fprintf(f, "]");
}

static void tmp_name(char *buf, size_t size, const char *path)
{
	snprintf(buf, size, "%s.tmp", path);
}

FILE *fwd_json_open(const char *prog, const char *path)
{
	char tmp[4096];
	FILE *f;

	if (path == NULL)
		return stdout;
	tmp_name(tmp, sizeof(tmp), path);
	f = fopen(tmp, "w");
	if (f == NULL)
		fprintf(stderr, "%s: cannot write %s: %s\n", prog, tmp, strerror(errno));
	return f;
}

void fwd_json_close(const char *prog, FILE *f, const char *path)
{
	char tmp[4096];

	if (f == stdout) {
		fflush(f);
		return;
	}
	fclose(f);
	tmp_name(tmp, sizeof(tmp), path);
	if (rename(tmp, path) < 0)
		fprintf(stderr, "%s: cannot rename %s to %s: %s\n", prog, tmp, path,
			strerror(errno));
}
