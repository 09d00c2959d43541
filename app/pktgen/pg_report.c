/* SPDX-License-Identifier: BSD-3-Clause */
#include "pg_app.h"
#include "pg_bench.h"
int pg_report_write(const struct pg_bench *b, const struct pg_app *a, const char *path)
{
	(void)b; (void)a; (void)path;
	return 0;
}
