/* SPDX-License-Identifier: BSD-3-Clause
 * Sluice: the one number parser of every option (EAL, vdev key=value, the
 * apps). The rule, the same for every option:
 *
 *   - decimal digits only: no blank before or after ("5 ", " 5"), no sign
 *     ("-1", "+1"), no exponent ("1e3"), no "0x" ("0x10"), no octal (a
 *     leading 0 is just a 0: "010" is ten);
 *   - an option that is a mask (SL_PARSE_MASK, e.g. -p PORTMASK) is
 *     hexadecimal instead, with or without a leading 0x/0X ("3" = "0x3");
 *   - an option that is a size (SL_PARSE_SIZE) may end in one of K, M, G
 *     (or k, m, g): times 2^10, 2^20, 2^30;
 *   - a value beyond 2^64 - 1 (also once multiplied by its suffix) or
 *     outside the option's [min, max] is refused, never wrapped or clamped.
 *
 * Fractions (durations in seconds, rates before their unit) follow the same
 * rule: digits, optionally a '.' and more digits ("2.5", "0.2"); no ".5",
 * "5.", exponent, sign, blank, "inf" or "nan".
 *
 * Nothing here logs: the functions return 0, -EINVAL (not a number of that
 * kind) or -ERANGE (a number, but too large or outside [min, max]), and
 * sl_parse_uint_msg / sl_parse_real_msg write the one line that names the
 * option, the value and the range to give. */
#ifndef SL_PARSE_H
#define SL_PARSE_H

#include <stddef.h>
#include <stdint.h>

#define SL_PARSE_MASK 0x1u	/* hexadecimal, "0x" optional */
#define SL_PARSE_SIZE 0x2u	/* K, M or G suffix allowed */

/* The whole of s is one number in [min, max]. */
int sl_parse_uint(const char *s, unsigned flags, uint64_t min, uint64_t max, uint64_t *out);

/* The number at *s, which ends at the first character that cannot
 * continue it (for lists such as "0-3,6"); *s is moved past it only on
 * success. No range besides 2^64 - 1. */
int sl_parse_uint_prefix(const char **s, unsigned flags, uint64_t *out);

/* The whole of s is a decimal fraction in [min, max]. */
int sl_parse_real(const char *s, double min, double max, double *out);

/* The fraction at *s (e.g. "1.5" of "1.5Mpps"), as sl_parse_uint_prefix. */
int sl_parse_real_prefix(const char **s, double *out);

/* One line for a failure ret of sl_parse_uint on option opt's value s:
 *   "-q 'x': not a number: give decimal digits in 1..16"
 *   "-q 99: out of range: give 1..16"
 * Returns buf. */
char *sl_parse_uint_msg(char *buf, size_t len, const char *opt, const char *s, int ret,
			unsigned flags, uint64_t min, uint64_t max);

/* The same for sl_parse_real ("give a number like 2.5 in 0..1e+09"). */
char *sl_parse_real_msg(char *buf, size_t len, const char *opt, const char *s, int ret,
			double min, double max);

#endif /* SL_PARSE_H */
