/* SPDX-License-Identifier: BSD-3-Clause
 * sl-dumpcap's options (dc_opts.c) and counters (dc_main.c). */
#ifndef DC_MAIN_H
#define DC_MAIN_H

#include <stdint.h>

#include "sl_capture_ring.h"

struct dc_opts {
	const char *iface[SL_CAPTURE_MAX_IFACES];	/* -i as given */
	uint16_t port[SL_CAPTURE_MAX_IFACES];		/* resolved ids */
	char name[SL_CAPTURE_MAX_IFACES][64];		/* the ports' names */
	unsigned nb_ifaces;
	const char *out_path;	/* -w; NULL: a file in /tmp */
	char tmp_path[64];
	uint64_t count;		/* -c, 0: no limit */
	double duration_s;	/* -a duration:S, 0: no limit */
	uint32_t snaplen;	/* -s */
	const char *filter;	/* -f */
	unsigned dirs;		/* SL_CAPTURE_DIR_* */
	unsigned buffer_mb;	/* -B */
	int quiet;
	int list;		/* -D */
	const char *file_prefix;
	const char *sock_path;
};

struct dc_stats {
	uint64_t start_ns;
	uint64_t written;
	uint64_t per_iface[SL_CAPTURE_MAX_IFACES];
	uint64_t drops[SL_CAPTURE_MAX_IFACES];
	int app_gone;
};

/* 0 to run, 1 after -h, -1 after an error line. */
int dc_parse_opts(struct dc_opts *o, int argc, char **argv);

#endif /* DC_MAIN_H */
