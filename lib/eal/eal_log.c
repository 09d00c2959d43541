/* SPDX-License-Identifier: BSD-3-Clause
 * Logging: one "MODULE: text" line per message on stderr. */
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "sl_log.h"
#include "sl_parse.h"

static unsigned log_level = SL_LOG_DEFAULT_LEVEL;

static const char *const level_names[] = {
	[SL_LOG_EMERG] = "emerg",     [SL_LOG_ALERT] = "alert",   [SL_LOG_CRIT] = "crit",
	[SL_LOG_ERR] = "err",	      [SL_LOG_WARNING] = "warning", [SL_LOG_NOTICE] = "notice",
	[SL_LOG_INFO] = "info",	      [SL_LOG_DEBUG] = "debug",
};

void sl_log_set_level(unsigned level)
{
	if (level < SL_LOG_EMERG)
		level = SL_LOG_EMERG;
	if (level > SL_LOG_DEBUG)
		level = SL_LOG_DEBUG;
	__atomic_store_n(&log_level, level, __ATOMIC_RELAXED);
}

unsigned sl_log_get_level(void)
{
	return __atomic_load_n(&log_level, __ATOMIC_RELAXED);
}

int sl_log_level_parse(const char *s)
{
	uint64_t v;
	int ret = sl_parse_uint(s, 0, SL_LOG_EMERG, SL_LOG_DEBUG, &v);

	if (ret == 0)
		return (int)v;
	if (ret == -ERANGE || s == NULL)
		return -1;
	for (unsigned i = SL_LOG_EMERG; i <= SL_LOG_DEBUG; i++)
		if (strcasecmp(s, level_names[i]) == 0)
			return (int)i;
	/* The spellings people type from syslog and other tools. */
	if (strcasecmp(s, "error") == 0)
		return SL_LOG_ERR;
	if (strcasecmp(s, "warn") == 0)
		return SL_LOG_WARNING;
	return -1;
}

void sl_vlog(unsigned level, const char *module, const char *fmt, va_list ap)
{
	char stack_buf[1024];
	char *buf = stack_buf;
	size_t cap = sizeof(stack_buf);
	int prefix, body;
	size_t len;
	va_list ap2;

	if (level > sl_log_get_level())
		return;
	if (module == NULL)
		module = "USER";
	va_copy(ap2, ap);
	prefix = snprintf(buf, cap, "%s: ", module);
	if (prefix < 0 || (size_t)prefix >= cap)
		prefix = 0;
	body = vsnprintf(buf + prefix, cap - prefix, fmt, ap);
	if (body < 0)
		body = 0;
	/* +2: the newline we may add and the NUL. */
	if ((size_t)prefix + (size_t)body + 2 > cap) {
		char *big = malloc((size_t)prefix + (size_t)body + 2);

		if (big != NULL) {
			memcpy(big, buf, (size_t)prefix);
			vsnprintf(big + prefix, (size_t)body + 1, fmt, ap2);
			buf = big;
		} else {
			body = (int)(cap - 2 - (size_t)prefix);
		}
	}
	va_end(ap2);
	len = (size_t)prefix + (size_t)body;
	if (len == 0 || buf[len - 1] != '\n')
		buf[len++] = '\n';
	/* One write(2) per line: lines from different lcores do not interleave
	 * (a pipe guarantees that up to PIPE_BUF) and nothing sits in a stdio
	 * buffer when the process dies. */
	for (size_t off = 0; off < len;) {
		ssize_t n = write(STDERR_FILENO, buf + off, len - off);

		if (n <= 0)
			break;
		off += (size_t)n;
	}
	if (buf != stack_buf)
		free(buf);
}

void sl_log(unsigned level, const char *module, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	sl_vlog(level, module, fmt, ap);
	va_end(ap);
}
