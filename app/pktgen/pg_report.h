/* SPDX-License-Identifier: BSD-3-Clause
 * sl-pktgen --report: what the page (pg_report.c) and its charts
 * (pg_report_svg.c) share. */
#ifndef PG_REPORT_H
#define PG_REPORT_H

#include <stdio.h>

#include "pg_bench.h"

/* s as HTML text (or attribute value): & < > " escaped. */
void pg_report_text(FILE *f, const char *s);

/* The charts: one <svg> each. */
void pg_report_svg_throughput(FILE *f, const struct pg_bench *b);
/* r's histogram at its last latency load (r->nb_loads > 0). */
void pg_report_svg_latency(FILE *f, const struct pg_result *r);
/* b->nb_trials > 0 */
void pg_report_svg_trials(FILE *f, const struct pg_bench *b);

#endif /* PG_REPORT_H */
