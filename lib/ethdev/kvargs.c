/* SPDX-License-Identifier: BSD-3-Clause
 * Sluice kvargs: "key=value,key,key=value" for vdev arguments. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "sl_log.h"
#include "sl_kvargs.h"
#include "sl_parse.h"

struct sl_kvpair {
	const char *key;
	const char *value;	/* NULL: bare key (a flag) */
};

struct sl_kvargs {
	char *devname;
	char *buf;		/* the copy of args the pairs point into */
	unsigned count;
	struct sl_kvpair pairs[];
};

static const char *devname_or(const char *devname)
{
	return devname != NULL && devname[0] != '\0' ? devname : "device";
}

/* "size, copy, no-rx" */
static void keys_list(char *buf, size_t len, const char *const valid_keys[])
{
	size_t off = 0;

	buf[0] = '\0';
	for (unsigned i = 0; valid_keys[i] != NULL; i++) {
		int n = snprintf(buf + off, len - off, "%s%s", i ? ", " : "", valid_keys[i]);

		if (n < 0 || (size_t)n >= len - off)
			break;
		off += (size_t)n;
	}
	if (off == 0)
		snprintf(buf, len, "none");
}

static int key_is_valid(const char *key, const char *const valid_keys[])
{
	if (valid_keys == NULL)
		return 1;
	for (unsigned i = 0; valid_keys[i] != NULL; i++)
		if (strcmp(key, valid_keys[i]) == 0)
			return 1;
	return 0;
}

int sl_kvargs_parse(struct sl_kvargs **out, const char *devname, const char *args,
		    const char *const valid_keys[])
{
	struct sl_kvargs *kv;
	unsigned max_pairs = 1;
	char *tok, *save = NULL;

	if (out == NULL)
		return -EINVAL;
	*out = NULL;
	if (args == NULL)
		args = "";
	for (const char *c = args; *c != '\0'; c++)
		max_pairs += *c == ',';
	kv = calloc(1, sizeof(*kv) + max_pairs * sizeof(kv->pairs[0]));
	if (kv == NULL)
		goto nomem;
	kv->devname = strdup(devname_or(devname));
	kv->buf = strdup(args);
	if (kv->devname == NULL || kv->buf == NULL)
		goto nomem;

	for (tok = strtok_r(kv->buf, ",", &save); tok != NULL; tok = strtok_r(NULL, ",", &save)) {
		char *eq = strchr(tok, '=');
		struct sl_kvpair *pair = &kv->pairs[kv->count];

		if (eq != NULL)
			*eq = '\0';
		if (tok[0] == '\0') {
			SL_LOG(ERR, VDEV, "%s: argument '=%s' has no key; write key=value",
			       kv->devname, eq ? eq + 1 : "");
			sl_kvargs_free(kv);
			return -EINVAL;
		}
		if (!key_is_valid(tok, valid_keys)) {
			char list[256];

			keys_list(list, sizeof(list), valid_keys);
			SL_LOG(ERR, VDEV, "%s: unknown key '%s' (valid keys: %s)", kv->devname, tok, list);
			sl_kvargs_free(kv);
			return -EINVAL;
		}
		pair->key = tok;
		pair->value = eq != NULL ? eq + 1 : NULL;
		kv->count++;
	}
	*out = kv;
	return 0;

nomem:
	SL_LOG(ERR, VDEV, "%s: out of memory parsing its arguments", devname_or(devname));
	sl_kvargs_free(kv);
	return -ENOMEM;
}

void sl_kvargs_free(struct sl_kvargs *kv)
{
	if (kv == NULL)
		return;
	free(kv->devname);
	free(kv->buf);
	free(kv);
}

unsigned sl_kvargs_count(const struct sl_kvargs *kv)
{
	return kv != NULL ? kv->count : 0;
}

unsigned sl_kvargs_count_key(const struct sl_kvargs *kv, const char *key)
{
	unsigned n = 0;

	if (kv == NULL || key == NULL)
		return 0;
	for (unsigned i = 0; i < kv->count; i++)
		n += strcmp(kv->pairs[i].key, key) == 0;
	return n;
}

int sl_kvargs_pair(const struct sl_kvargs *kv, unsigned i, const char **key, const char **value)
{
	if (kv == NULL || i >= kv->count)
		return -ENOENT;
	if (key != NULL)
		*key = kv->pairs[i].key;
	if (value != NULL)
		*value = kv->pairs[i].value;
	return 0;
}

const char *sl_kvargs_devname(const struct sl_kvargs *kv)
{
	return kv != NULL ? kv->devname : NULL;
}

/* The one pair with this key: 1 and *pair, 0 if absent, -EINVAL if repeated. */
static int single_pair(const struct sl_kvargs *kv, const char *key, const struct sl_kvpair **pair)
{
	unsigned n = 0;

	if (kv == NULL || key == NULL)
		return 0;
	for (unsigned i = 0; i < kv->count; i++) {
		if (strcmp(kv->pairs[i].key, key) == 0) {
			*pair = &kv->pairs[i];
			n++;
		}
	}
	if (n > 1) {
		SL_LOG(ERR, VDEV, "%s: key '%s' given %u times; give it once", kv->devname, key, n);
		return -EINVAL;
	}
	return (int)n;
}

int sl_kvargs_get_uint(const struct sl_kvargs *kv, const char *key, uint64_t min, uint64_t max,
		       uint64_t *val)
{
	const struct sl_kvpair *pair = NULL;
	uint64_t v;
	const char *s;
	int ret = single_pair(kv, key, &pair);

	if (ret <= 0)
		return ret;
	s = pair->value;
	if (s == NULL || s[0] == '\0') {
		SL_LOG(ERR, VDEV, "%s: key '%s' needs a value: %s=<%" PRIu64 "..%" PRIu64 ">",
		       kv->devname, key, key, min, max);
		return -EINVAL;
	}
	ret = sl_parse_uint(s, 0, min, max, &v);
	if (ret == -EINVAL) {
		SL_LOG(ERR, VDEV, "%s: %s=%s is not a number; use %s=<%" PRIu64 "..%" PRIu64 ">",
		       kv->devname, key, s, key, min, max);
		return -EINVAL;
	}
	if (ret < 0) {
		SL_LOG(ERR, VDEV, "%s: %s=%s out of range; use %" PRIu64 "..%" PRIu64, kv->devname,
		       key, s, min, max);
		return -EINVAL;
	}
	*val = v;
	return 0;
}

int sl_kvargs_get_bool(const struct sl_kvargs *kv, const char *key, bool *val)
{
	static const char *const yes[] = { "1", "true", "yes", "on" };
	static const char *const no[] = { "0", "false", "no", "off" };
	const struct sl_kvpair *pair = NULL;
	int ret = single_pair(kv, key, &pair);

	if (ret <= 0)
		return ret;
	if (pair->value == NULL) {
		*val = true;
		return 0;
	}
	for (unsigned i = 0; i < 4; i++) {
		if (strcasecmp(pair->value, yes[i]) == 0) {
			*val = true;
			return 0;
		}
		if (strcasecmp(pair->value, no[i]) == 0) {
			*val = false;
			return 0;
		}
	}
	SL_LOG(ERR, VDEV, "%s: %s=%s is not a boolean; use %s=1 or %s=0", kv->devname, key,
	       pair->value, key, key);
	return -EINVAL;
}

int sl_kvargs_get_string(const struct sl_kvargs *kv, const char *key, const char **val)
{
	const struct sl_kvpair *pair = NULL;
	int ret = single_pair(kv, key, &pair);

	if (ret <= 0)
		return ret;
	if (pair->value == NULL || pair->value[0] == '\0') {
		SL_LOG(ERR, VDEV, "%s: key '%s' needs a value: %s=<text>", kv->devname, key, key);
		return -EINVAL;
	}
	*val = pair->value;
	return 0;
}

int sl_kvargs_process(const struct sl_kvargs *kv, const char *key,
		      int (*fn)(const char *key, const char *value, void *arg), void *arg)
{
	if (kv == NULL || fn == NULL)
		return 0;
	for (unsigned i = 0; i < kv->count; i++) {
		if (key != NULL && strcmp(kv->pairs[i].key, key) != 0)
			continue;
		int ret = fn(kv->pairs[i].key, kv->pairs[i].value, arg);

		if (ret != 0)
			return ret;
	}
	return 0;
}
