/* SPDX-License-Identifier: BSD-3-Clause
 * The JSON writer command callbacks reply with (sl_tel_*): appends to a
 * fixed buffer, puts the commas and escapes strings; a reply that does
 * not fit is marked and sent as null. */
#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>

#include "telemetry_private.h"

static void put(struct sl_tel_json *j, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void put(struct sl_tel_json *j, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (j->overflow)
		return;
	va_start(ap, fmt);
	n = vsnprintf(j->buf + j->len, j->cap - j->len, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= j->cap - j->len) {
		j->overflow = 1;
		return;
	}
	j->len += (size_t)n;
}

static void put_string(struct sl_tel_json *j, const char *s)
{
	put(j, "\"");
	for (; *s != '\0' && !j->overflow; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\')
			put(j, "\\%c", c);
		else if (c < 0x20)
			put(j, "\\u%04x", c);
		else
			put(j, "%c", c);
	}
	put(j, "\"");
}

/* The comma and key before a value at the current depth. */
static void item(struct sl_tel_json *j, const char *key)
{
	uint32_t bit = 1u << j->depth;

	if (j->has_item & bit)
		put(j, ",");
	j->has_item |= bit;
	if (key != NULL) {
		put_string(j, key);
		put(j, ":");
	}
}

void telemetry_json_key(struct sl_tel_json *j, const char *key)
{
	item(j, key);
	/* the value that follows is the first item after the key */
	j->has_item &= ~(1u << j->depth);
}

static void open_container(struct sl_tel_json *j, const char *key, char c)
{
	item(j, key);
	if (j->depth + 1 >= SL_TEL_MAX_DEPTH) {
		j->overflow = 1;
		return;
	}
	put(j, "%c", c);
	j->depth++;
	j->has_item &= ~(1u << j->depth);
}

static void close_container(struct sl_tel_json *j, char c)
{
	if (j->depth == 0) {
		j->overflow = 1;
		return;
	}
	j->depth--;
	put(j, "%c", c);
}

void sl_tel_obj_begin(struct sl_tel_json *j, const char *key)
{
	open_container(j, key, '{');
}

void sl_tel_obj_end(struct sl_tel_json *j)
{
	close_container(j, '}');
}

void sl_tel_arr_begin(struct sl_tel_json *j, const char *key)
{
	open_container(j, key, '[');
}

void sl_tel_arr_end(struct sl_tel_json *j)
{
	close_container(j, ']');
}

void sl_tel_str(struct sl_tel_json *j, const char *key, const char *value)
{
	item(j, key);
	if (value == NULL)
		put(j, "null");
	else
		put_string(j, value);
}

void sl_tel_u64(struct sl_tel_json *j, const char *key, uint64_t value)
{
	item(j, key);
	put(j, "%" PRIu64, value);
}

void sl_tel_i64(struct sl_tel_json *j, const char *key, int64_t value)
{
	item(j, key);
	put(j, "%" PRId64, value);
}

void sl_tel_f64(struct sl_tel_json *j, const char *key, double value)
{
	item(j, key);
	if (isfinite(value))
		put(j, "%.6g", value);
	else
		put(j, "null");
}

void sl_tel_bool(struct sl_tel_json *j, const char *key, int value)
{
	item(j, key);
	put(j, "%s", value ? "true" : "false");
}
