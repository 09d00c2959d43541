/* SPDX-License-Identifier: BSD-3-Clause
 * Sluice: the number parser of every option; the rule is in sl_parse.h. */
#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>

#include "sl_parse.h"

static int digit_value(char c, bool hex)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (!hex)
		return -1;
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

static unsigned suffix_shift(char c)
{
	switch (c) {
	case 'k': case 'K': return 10;
	case 'm': case 'M': return 20;
	case 'g': case 'G': return 30;
	default: return 0;
	}
}

int sl_parse_uint_prefix(const char **sp, unsigned flags, uint64_t *out)
{
	bool hex = flags & SL_PARSE_MASK;
	unsigned base = hex ? 16 : 10;
	const char *p = *sp;
	bool overflow = false;
	uint64_t v = 0;
	unsigned shift;
	int d;

	if (p == NULL)
		return -EINVAL;
	if (hex && p[0] == '0' && (p[1] == 'x' || p[1] == 'X') && digit_value(p[2], true) >= 0)
		p += 2;
	if (digit_value(*p, hex) < 0)
		return -EINVAL;
	/* Read every digit even past an overflow, so that "99999999999999999999"
	 * is one number that is too large rather than a number and garbage. */
	for (; (d = digit_value(*p, hex)) >= 0; p++) {
		if (v > (UINT64_MAX - (unsigned)d) / base)
			overflow = true;
		v = v * base + (unsigned)d;
	}
	if ((flags & SL_PARSE_SIZE) && (shift = suffix_shift(*p)) != 0) {
		if (v > (UINT64_MAX >> shift))
			overflow = true;
		v <<= shift;
		p++;
	}
	if (overflow)
		return -ERANGE;
	*sp = p;
	*out = v;
	return 0;
}

int sl_parse_uint(const char *s, unsigned flags, uint64_t min, uint64_t max, uint64_t *out)
{
	const char *p = s;
	uint64_t v;
	int ret = sl_parse_uint_prefix(&p, flags, &v);

	if (ret < 0)
		return ret;
	if (*p != '\0')
		return -EINVAL;
	if (v < min || v > max)
		return -ERANGE;
	*out = v;
	return 0;
}

int sl_parse_real_prefix(const char **sp, double *out)
{
	const char *p = *sp;
	double v = 0, scale = 1;

	if (p == NULL || digit_value(*p, false) < 0)
		return -EINVAL;
	for (; digit_value(*p, false) >= 0; p++)
		v = v * 10 + (*p - '0');
	if (*p == '.') {
		p++;
		if (digit_value(*p, false) < 0)
			return -EINVAL;
		/* Each digit's weight is a power of ten held exactly up to 1e22,
		 * so "0.2" is the double nearest 0.2 as strtod would give it. */
		for (; digit_value(*p, false) >= 0; p++) {
			if (scale < 1e22) {
				scale *= 10;
				v = v * 10 + (*p - '0');
			}
		}
		v /= scale;
	}
	if (v > 1e300)	/* 300 digits: not a value any option takes */
		return -ERANGE;
	*sp = p;
	*out = v;
	return 0;
}

int sl_parse_real(const char *s, double min, double max, double *out)
{
	const char *p = s;
	double v;
	int ret = sl_parse_real_prefix(&p, &v);

	if (ret < 0)
		return ret;
	if (*p != '\0')
		return -EINVAL;
	if (!(v >= min && v <= max))
		return -ERANGE;
	*out = v;
	return 0;
}

static const char *uint_kind(unsigned flags)
{
	if (flags & SL_PARSE_MASK)
		return "a hexadecimal mask (0x optional)";
	if (flags & SL_PARSE_SIZE)
		return "decimal digits, optionally ending in K, M or G,";
	return "decimal digits";
}

char *sl_parse_uint_msg(char *buf, size_t len, const char *opt, const char *s, int ret,
			unsigned flags, uint64_t min, uint64_t max)
{
	if (ret == -ERANGE)
		snprintf(buf, len, "%s %s: out of range: give %" PRIu64 "..%" PRIu64, opt, s, min,
			 max);
	else
		snprintf(buf, len, "%s '%s': not a number: give %s in %" PRIu64 "..%" PRIu64, opt,
			 s ? s : "", uint_kind(flags), min, max);
	return buf;
}

char *sl_parse_real_msg(char *buf, size_t len, const char *opt, const char *s, int ret,
			double min, double max)
{
	if (ret == -ERANGE)
		snprintf(buf, len, "%s %s: out of range: give %g..%g", opt, s, min, max);
	else
		snprintf(buf, len, "%s '%s': not a number: give digits with an optional fraction "
			 "like 2.5, in %g..%g", opt, s ? s : "", min, max);
	return buf;
}
