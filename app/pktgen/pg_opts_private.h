/* SPDX-License-Identifier: BSD-3-Clause
 * Shared by the files of sl-pktgen's option parser (not by the rest of the
 * app): pg_values.c (value parsers), pg_stream_opts.c (stream options and
 * --config) and pg_opts.c (the command line).
 */
#ifndef PG_OPTS_PRIVATE_H
#define PG_OPTS_PRIVATE_H

#include <getopt.h>

#include "pg_opts.h"

#define PG_ERR_LEN 256

/* The stream options: on the command line (--size 60) and as keys of
 * --config stream lines (size=60), as X(id, name). Every option takes a
 * value but those PG_OPT_HAS_ARG names. */
#define PG_STREAM_OPTS(X)           \
	X(PORT, "port")              \
	X(SIZE, "size")              \
	X(IMIX, "imix")              \
	X(SRC_MAC, "src-mac")        \
	X(DST_MAC, "dst-mac")        \
	X(SRC_IP, "src-ip")          \
	X(DST_IP, "dst-ip")          \
	X(SPORT, "sport")            \
	X(DPORT, "dport")            \
	X(FLOW_MODE, "flow-mode")    \
	X(VLAN, "vlan")              \
	X(TTL, "ttl")                \
	X(TOS, "tos")                \
	X(RATE, "rate")              \
	X(COUNT, "count")            \
	X(PCAP, "pcap")              \
	X(LOOP, "loop")              \
	X(PCAP_SPEED, "pcap-speed")

/* The options that are not a stream's. */
#define PG_GLOBAL_OPTS(X)                   \
	X(TX, "tx")                          \
	X(RX, "rx")                          \
	X(TX_QUEUES, "tx-queues")            \
	X(RX_QUEUES, "rx-queues")            \
	X(BURST, "burst")                    \
	X(DURATION, "duration")              \
	X(DRAIN_MS, "drain-ms")              \
	X(START_DELAY_MS, "start-delay-ms")  \
	X(QUIET, "quiet")                    \
	X(JSON, "json")                      \
	X(RX_PCAP, "rx-pcap")                \
	X(RX_PCAP_COUNT, "rx-pcap-count")    \
	X(RX_PCAP_SNAPLEN, "rx-pcap-snaplen") \
	X(EXPECT_NO_LOSS, "expect-no-loss")  \
	X(CONFIG, "config")                  \
	X(MTU, "mtu")                        \
	X(MBUFS, "mbufs")                    \
	X(SEED, "seed")                      \
	X(TEST_FAULTS, "test-faults")        \
	X(SEARCH, "search")                  \
	X(SEARCH_SIZES, "search-sizes")      \
	X(SEARCH_MIN, "search-min")          \
	X(SEARCH_MAX, "search-max")          \
	X(SEARCH_PRECISION, "search-precision") \
	X(SEARCH_TRIAL, "search-trial")      \
	X(SEARCH_REPS, "search-reps")        \
	X(SEARCH_LATENCY, "search-latency")  \
	X(REPORT, "report")                  \
	X(HELP, "help")

#define PG_OPT_ID(id, name) OPT_##id,

enum pg_opt_id {
	OPT_BELOW_LONG_ = 255,	/* the ids follow every short option's character */
	PG_STREAM_OPTS(PG_OPT_ID)
	OPT_STREAM_LAST_,	/* stream options are below */
	PG_GLOBAL_OPTS(PG_OPT_ID)
};

/* getopt_long's has_arg of option id: --imix=LIST may leave its list out,
 * the switches take none. */
#define PG_OPT_HAS_ARG(id)                                                                \
	((id) == OPT_IMIX ? optional_argument :                                            \
	 (id) == OPT_QUIET || (id) == OPT_EXPECT_NO_LOSS || (id) == OPT_HELP ? no_argument : \
									       required_argument)

/* pg_values.c: err gets the message; -EINVAL. */
int pg_opts_fail(char *err, size_t len, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* A whole number by the rule of sl_parse.h, any size. */
int pg_opts_parse_u64(const char *s, uint64_t *out);
/* Option name's value s in [min, max]: 0, or -EINVAL with the reason. */
int pg_opts_parse_uint(const char *name, const char *s, uint64_t min, uint64_t max, uint64_t *out,
		       char *err, size_t len);
int pg_opts_parse_real(const char *name, const char *s, double min, double max, double *out,
		       char *err, size_t len);

/* pg_stream_opts.c */
void pg_stream_defaults(struct pg_stream_opts *s);
/* Option id with value v into s; name is "--size" on the command line,
 * "size" in a config line. 0, or -EINVAL with the reason in err. */
int pg_stream_apply(struct pg_stream_opts *s, int id, const char *name, const char *v, char *err,
		    size_t errlen);
/* A copy of src owning its own pcap path (a loaded capture is shared). */
int pg_stream_copy(struct pg_stream_opts *dst, const struct pg_stream_opts *src);
/* The streams of --config path, each from o->defaults: 0, or -EINVAL after
 * one error line. */
int pg_opts_parse_config(struct pg_opts *o, const char *path);
/* Loads the captures --pcap names, once per file: 0, or -EINVAL after one
 * error line. */
int pg_opts_load_captures(struct pg_opts *o);

#endif /* PG_OPTS_PRIVATE_H */
