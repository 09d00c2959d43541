/* SPDX-License-Identifier: BSD-3-Clause
 * Sluice logging: one line per message on stderr, "MODULE: text".
 *   SL_LOG(ERR, EAL, "need %u MB of hugepages", mb);
 * A trailing newline is added when the format lacks one. */
#ifndef SL_LOG_H
#define SL_LOG_H

#include <stdarg.h>

enum sl_log_level {
	SL_LOG_EMERG = 1,
	SL_LOG_ALERT,
	SL_LOG_CRIT,
	SL_LOG_ERR,
	SL_LOG_WARNING,
	SL_LOG_NOTICE,
	SL_LOG_INFO,
	SL_LOG_DEBUG,
};

/* Level used until sl_eal_init sees --log-level. */
#define SL_LOG_DEFAULT_LEVEL SL_LOG_NOTICE

void sl_log(unsigned level, const char *module, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
void sl_vlog(unsigned level, const char *module, const char *fmt, va_list ap);
void sl_log_set_level(unsigned level);
unsigned sl_log_get_level(void);
/* Accepts a number 1..8 or a name (emerg alert crit err warning notice info
 * debug); returns the level or -1. */
int sl_log_level_parse(const char *s);

#define SL_LOG(level, module, fmt, ...) \
	sl_log(SL_LOG_##level, #module, fmt, ##__VA_ARGS__)

#endif /* SL_LOG_H */
