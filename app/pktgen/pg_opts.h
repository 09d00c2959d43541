/* SPDX-License-Identifier: BSD-3-Clause
 * sl-pktgen options: the command line after "--" and the --config file.
 *
 * Parsing checks everything that does not need a port (numbers, ranges,
 * units, a readable pcap); pg_main.c checks the rest against the ports
 * (ids, MTU, queues) before any port is configured. Every bad value gives
 * one error line naming the option, the value and what would be valid.
 */
#ifndef PG_OPTS_H
#define PG_OPTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "pg_flow.h"
#include "pg_frame.h"
#include "pg_rate.h"
#include "pg_search.h"
#include "pg_size.h"

#define PG_MAX_STREAMS 64
#define PG_MAX_PORTS 32		/* SL_MAX_ETHPORTS */
#define PG_MAX_TXQ 16
#define PG_MAX_RXQ 16
#define PG_MAX_BURST 256
#define PG_MAX_FAULTS 64

struct pg_capture;

/* What one stream sends (one per TX port from the command line, or one
 * per "stream" line of --config). */
struct pg_stream_opts {
	int port;			/* TX port, -1 until known */
	unsigned id;			/* stream id in the signature: its index */
	unsigned line;			/* config line, 0 for the command line */
	uint8_t src_mac[6];
	uint8_t dst_mac[6];
	bool src_mac_set;		/* else the port's own address */
	bool vlan;
	uint16_t vlan_tci;
	uint8_t ttl;
	uint8_t tos;
	struct pg_flow_spec flow;
	struct pg_size_spec size;
	struct pg_rate_spec rate;
	uint64_t count;			/* frames to send, 0: no limit */
	char *pcap;			/* replay this capture instead of building frames */
	struct pg_capture *cap;		/* loaded at parse time */
	uint64_t loop;			/* replays of the capture, 0: forever */
	double pcap_speed;		/* > 0: capture timing divided by this; 0: untimed */
};

/* The test-only fault stage (--test-faults): sequence numbers (of every
 * flow) to drop, send twice, or send after their successor. */
struct pg_faults {
	unsigned nb_drop, nb_dup, nb_reorder;
	uint64_t drop[PG_MAX_FAULTS];
	uint64_t dup[PG_MAX_FAULTS];
	uint64_t reorder[PG_MAX_FAULTS];
};

struct pg_opts {
	uint32_t tx_mask;		/* ports with the TX role */
	uint32_t rx_mask;
	bool tx_all, rx_all;		/* "all": resolved once ports are known */
	bool tx_given;
	unsigned tx_queues;
	unsigned rx_queues;
	unsigned burst;
	double duration;		/* s, 0: no limit */
	unsigned drain_ms;
	unsigned start_delay_ms;	/* ports started -> first frame sent */
	bool quiet;
	char *json;
	char *rx_pcap;
	uint64_t rx_pcap_count;
	unsigned rx_pcap_snaplen;
	bool expect_no_loss;
	char *config;
	unsigned mtu;			/* 0: port default */
	unsigned mbufs;			/* per pool, 0: sized from the rings */
	uint64_t seed;
	bool faults_on;
	struct pg_faults faults;
	struct pg_search_opts search;	/* --search and its companions */
	bool size_given;		/* --size or --imix */
	struct pg_stream_opts defaults;	/* stream options of the command line */
	unsigned nb_streams;
	struct pg_stream_opts streams[PG_MAX_STREAMS];
	bool streams_from_config;
};

/* Fills o from argv (argv[0] is the program name). 0, 1 when -h/--help was
 * printed, or -EINVAL after one error line. */
int pg_opts_parse(struct pg_opts *o, int argc, char **argv);
void pg_opts_usage(const char *prog);
/* Without --config: the command line's stream, once per TX port. */
int pg_opts_streams_from_ports(struct pg_opts *o, uint32_t tx_mask);
void pg_opts_free(struct pg_opts *o);

/* Value parsers (shared with the unit test): 0, or -EINVAL with the
 * reason in err (what was wrong and what would be valid). */
int pg_parse_rate(const char *s, struct pg_rate_spec *r, char *err, size_t errlen);
int pg_parse_size(const char *s, struct pg_size_spec *sz, char *err, size_t errlen);
int pg_parse_imix(const char *s, struct pg_size_spec *sz, char *err, size_t errlen);
int pg_parse_ip_range(const char *s, struct pg_range *r, char *err, size_t errlen);
int pg_parse_port_range(const char *s, struct pg_range *r, char *err, size_t errlen);
int pg_parse_ports(const char *s, uint32_t *mask, bool *all, char *err, size_t errlen);
int pg_parse_faults(const char *s, struct pg_faults *f, char *err, size_t errlen);

#endif /* PG_OPTS_H */
