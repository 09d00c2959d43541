/* SPDX-License-Identifier: BSD-3-Clause
 * Fuzz target: the --vdev argument parser (sl_kvargs), which every virtual
 * driver runs on user text. Input: the first line is the device name, the
 * rest the arguments ("rx_pcap=a.pcap,infinite_rx=1"). The first byte's low
 * bit picks a key list or "any key" (NULL).
 *
 * A successful parse must give back pairs whose keys are valid and
 * non-empty and whose count matches count_key; every getter must answer
 * with 0 or a negative errno and never touch what it should not.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "sl_kvargs.h"
#include "fuzz_common.h"

static const char *const keys[] = {
	"rx_pcap", "tx_pcap", "iface", "size", "copy", "infinite_rx", "qpairs", NULL,
};

static int count_calls(const char *key, const char *value, void *arg)
{
	(void)key;
	(void)value;
	(*(unsigned *)arg)++;
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *const *valid;
	struct sl_kvargs *kv = NULL;
	char *buf, *args;
	int ret;

	if (size == 0 || size > FUZZ_MAX_INPUT || memchr(data, '\0', size) != NULL)
		return 0;
	valid = (data[0] & 1) ? NULL : keys;
	buf = malloc(size);
	if (buf == NULL)
		return 0;
	memcpy(buf, data + 1, size - 1);
	buf[size - 1] = '\0';
	args = strchr(buf, '\n');
	if (args != NULL)
		*args++ = '\0';
	else
		args = buf + strlen(buf);
	ret = sl_kvargs_parse(&kv, buf, args, valid);
	if (ret < 0) {
		if (kv != NULL || (ret != -EINVAL && ret != -ENOMEM))
			abort();
		free(buf);
		return 0;
	}
	if (kv == NULL || sl_kvargs_devname(kv) == NULL)
		abort();
	for (unsigned i = 0; i < sl_kvargs_count(kv); i++) {
		const char *key, *value;
		const char *s = NULL;
		uint64_t u;
		bool b;
		unsigned calls = 0;

		if (sl_kvargs_pair(kv, i, &key, &value) != 0 || key == NULL || key[0] == '\0')
			abort();
		if (valid != NULL) {
			bool known = false;

			for (unsigned k = 0; valid[k] != NULL; k++)
				known |= strcmp(valid[k], key) == 0;
			if (!known)
				abort();
		}
		if (sl_kvargs_count_key(kv, key) == 0)
			abort();
		(void)sl_kvargs_get_uint(kv, key, 1, 9000, &u);
		(void)sl_kvargs_get_bool(kv, key, &b);
		ret = sl_kvargs_get_string(kv, key, &s);
		if (ret == 0 && s == NULL)
			abort();
		if (sl_kvargs_process(kv, key, count_calls, &calls) < 0 ||
		    calls != sl_kvargs_count_key(kv, key))
			abort();
	}
	if (sl_kvargs_pair(kv, sl_kvargs_count(kv), NULL, NULL) == 0)
		abort();	/* one past the end is not a pair */
	sl_kvargs_free(kv);
	free(buf);
	return 0;
}
