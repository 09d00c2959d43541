/* SPDX-License-Identifier: BSD-3-Clause
 * sl-dumpcap's side of the telemetry socket: connect by --file-prefix,
 * ask a command (optionally passing a descriptor), and pick values out of
 * the JSON replies of Sluice's server (compact, known shapes). */
#ifndef DC_TELEMETRY_H
#define DC_TELEMETRY_H

#include <stddef.h>
#include <stdint.h>

#define DC_REPLY_MAX 16384

/* The connected socket and the server's pid, or -1 after an error line. */
int dc_connect(const char *prefix, const char *sock_path, long *pid);
/* Sends cmd (with fd unless fd < 0) and reads the reply into buf: 0 or -1. */
int dc_ask(int sock, const char *cmd, int fd, char *buf, size_t cap);
/* The string value of "key" in a reply, into out: 0 or -1. */
int dc_json_str(const char *json, const char *key, char *out, size_t cap);
/* The integer value of "key": 0 or -1. */
int dc_json_int(const char *json, const char *key, long long *v);

#endif /* DC_TELEMETRY_H */
