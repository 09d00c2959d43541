/* SPDX-License-Identifier: BSD-3-Clause
 * Sluice kvargs: the "key=value,key=value" argument strings of --vdev.
 *
 *   static const char *const keys[] = { "size", "copy", NULL };
 *   struct sl_kvargs *kv;
 *   uint64_t size = 64;
 *   int ret = sl_kvargs_parse(&kv, "net_null0", args, keys);
 *   if (ret == 0)
 *           ret = sl_kvargs_get_uint(kv, "size", 1, 9000, &size);
 *   sl_kvargs_free(kv);
 *
 * Every error logs one line naming the device, the key and what would have
 * been accepted ("net_null0: unknown key 'sise' (valid: size, copy)").
 * A key written without '=' ("no-rx") has the value NULL: a flag.
 */
#ifndef SL_KVARGS_H
#define SL_KVARGS_H

#include <stdbool.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

struct sl_kvargs;

/* Parses args (NULL or "" is an empty list) for device devname (used in
 * messages). valid_keys is NULL-terminated; NULL accepts any key. 0 and
 * *out (free with sl_kvargs_free), or -EINVAL (unknown key, empty key,
 * "=value") / -ENOMEM with *out NULL. */
int sl_kvargs_parse(struct sl_kvargs **out, const char *devname, const char *args,
		    const char *const valid_keys[]);
void sl_kvargs_free(struct sl_kvargs *kv);

/* Number of key=value pairs, and how many have this key. */
unsigned sl_kvargs_count(const struct sl_kvargs *kv);
unsigned sl_kvargs_count_key(const struct sl_kvargs *kv, const char *key);
/* Pair i (0 .. count-1): 0, or -ENOENT. *value may be NULL (a flag). */
int sl_kvargs_pair(const struct sl_kvargs *kv, unsigned i, const char **key, const char **value);

/* The single-value getters leave *val alone when the key is absent (so it
 * keeps the caller's default) and return 0; they return -EINVAL after a
 * log line when the key is given twice or its value is not acceptable. */

/* Decimal digits within [min, max], by the rule of sl_parse.h (no 0x, no
 * sign, no blanks). */
int sl_kvargs_get_uint(const struct sl_kvargs *kv, const char *key, uint64_t min, uint64_t max,
		       uint64_t *val);
/* 1/0, true/false, yes/no, on/off; a bare flag ("key" without '=') is true. */
int sl_kvargs_get_bool(const struct sl_kvargs *kv, const char *key, bool *val);
/* A non-empty string. *val points into kv (valid until sl_kvargs_free). */
int sl_kvargs_get_string(const struct sl_kvargs *kv, const char *key, const char **val);

/* Calls fn for every pair with this key (for repeatable keys), in order,
 * stopping at the first non-zero return, which it passes on. */
int sl_kvargs_process(const struct sl_kvargs *kv, const char *key,
		      int (*fn)(const char *key, const char *value, void *arg), void *arg);

/* The device name given to sl_kvargs_parse (for messages). */
const char *sl_kvargs_devname(const struct sl_kvargs *kv);

#ifdef __cplusplus
}
#endif
#endif /* SL_KVARGS_H */
