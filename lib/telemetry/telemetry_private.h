/* SPDX-License-Identifier: BSD-3-Clause
 * Between the files of lib/telemetry. Not installed. */
#ifndef TELEMETRY_PRIVATE_H
#define TELEMETRY_PRIVATE_H

#include "sl_telemetry.h"

/* Descriptors one request may carry (SCM_RIGHTS). */
#define TELEMETRY_MAX_FDS 2

/* What a command that belongs to a connection sees: the descriptors that
 * came with the request (a callback that keeps one sets it to -1; the
 * rest are closed after it returns) and the connection's id, which the
 * close callback is given when the client goes away. */
struct telemetry_req {
	int conn_id;
	int fds[TELEMETRY_MAX_FDS];
	unsigned nb_fds;
};
typedef int (*telemetry_conn_cb)(const char *cmd, const char *params, struct telemetry_req *req,
				 struct sl_tel_json *out);
int telemetry_register_conn_cmd(const char *name, telemetry_conn_cb fn, const char *help);
/* Called on the server thread when connection conn_id closes (the
 * client exited or was killed) and, with conn_id -1, when the server
 * stops. */
void telemetry_set_close_cb(void (*fn)(int conn_id));

/* telemetry_json.c: "key": with the value to follow (one call's worth). */
void telemetry_json_key(struct sl_tel_json *j, const char *key);

/* telemetry_cmds_table.c: the commands. */
int telemetry_dispatch(const char *request, struct telemetry_req *req, char *out, size_t cap);
void telemetry_list_cmds(struct sl_tel_json *j);
const char *telemetry_cmd_help(const char *name);

/* telemetry_cmds.c, telemetry_ethdev.c, capture.c: register the built-in
 * commands (from the library's constructor). */
void telemetry_register_eal_cmds(void);
void telemetry_register_ethdev_cmds(void);
void telemetry_register_capture_cmds(void);
/* capture.c: stops every session (the server stops). */
void capture_stop_all(void);

/* "0" .. "65535" -> 0 and *v, else -EINVAL. */
int telemetry_parse_u16(const char *s, uint16_t *v);

#endif /* TELEMETRY_PRIVATE_H */
