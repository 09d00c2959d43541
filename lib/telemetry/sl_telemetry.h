/* SPDX-License-Identifier: BSD-3-Clause
 * Sluice telemetry: every process serves DPDK's telemetry v2 protocol on
 * a SOCK_SEQPACKET unix socket, <runtime dir>/dpdk_telemetry.v2, so that
 * DPDK's clients (usertools/dpdk-telemetry.py, monitoring agents) and
 * usertools/sl-telemetry read it unchanged. A client gets a greeting
 * {"version": ..., "pid": ..., "max_output_len": 16384}, sends
 * "/command,parameters" and gets {"/command": value} back (value null for
 * an unknown command or a failed one).
 *
 * The server is an EAL control thread started by sl_eal_init (unless
 * --no-telemetry); commands run on it, never on an lcore. Libraries and
 * applications add commands with sl_telemetry_register_cmd; the callback
 * writes one JSON value with the sl_tel_* writer below. */
#ifndef SL_TELEMETRY_H
#define SL_TELEMETRY_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define SL_TELEMETRY_SOCKET_NAME "dpdk_telemetry.v2"
#define SL_TELEMETRY_MAX_OUTPUT 16384	/* the greeting's max_output_len */
#define SL_TELEMETRY_MAX_CMD_LEN 56	/* as DPDK: longer names are refused */

/* The reply being written: a JSON value nested at most
 * SL_TEL_MAX_DEPTH containers deep. Each call takes the key the value
 * has in the enclosing object, or NULL inside an array (or for the
 * reply itself). A reply that outgrows SL_TELEMETRY_MAX_OUTPUT is sent
 * as null. */
#define SL_TEL_MAX_DEPTH 8
struct sl_tel_json {
	char *buf;
	size_t len;
	size_t cap;
	unsigned depth;
	uint32_t has_item;	/* bit d: the container at depth d has an item */
	int overflow;
};

void sl_tel_obj_begin(struct sl_tel_json *j, const char *key);
void sl_tel_obj_end(struct sl_tel_json *j);
void sl_tel_arr_begin(struct sl_tel_json *j, const char *key);
void sl_tel_arr_end(struct sl_tel_json *j);
void sl_tel_str(struct sl_tel_json *j, const char *key, const char *value);
void sl_tel_u64(struct sl_tel_json *j, const char *key, uint64_t value);
void sl_tel_i64(struct sl_tel_json *j, const char *key, int64_t value);
void sl_tel_f64(struct sl_tel_json *j, const char *key, double value);
void sl_tel_bool(struct sl_tel_json *j, const char *key, int value);

/* cmd is the command as sent, params what followed the first ',' (""
 * when nothing did). Return 0, or < 0 to answer null (e.g. -EINVAL for a
 * bad parameter). */
typedef int (*sl_telemetry_cb)(const char *cmd, const char *params, struct sl_tel_json *out);

/* name starts with '/', is at most SL_TELEMETRY_MAX_CMD_LEN characters of
 * [A-Za-z0-9_/]; help is one line for "/help,<name>". Allowed before and
 * after sl_eal_init. 0, -EINVAL, -EEXIST, -ENOSPC. */
int sl_telemetry_register_cmd(const char *name, sl_telemetry_cb fn, const char *help);

/* The socket this process serves, or NULL (--no-telemetry, or another
 * process of the same --file-prefix holds it). */
const char *sl_telemetry_socket_path(void);

#ifdef __cplusplus
}
#endif
#endif /* SL_TELEMETRY_H */
