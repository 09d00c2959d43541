/* SPDX-License-Identifier: BSD-3-Clause
 * The command table and one request's dispatch: "/cmd,params" to
 * {"/cmd": value}, as DPDK's telemetry answers. */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sl_eal.h"
#include "telemetry_private.h"

#define MAX_CMDS 96

struct tel_cmd {
	char name[SL_TELEMETRY_MAX_CMD_LEN + 1];
	const char *help;
	sl_telemetry_cb fn;
	telemetry_conn_cb conn_fn;
};

static struct tel_cmd cmds[MAX_CMDS];
static unsigned nb_cmds;
static pthread_mutex_t cmds_lock = PTHREAD_MUTEX_INITIALIZER;

static int valid_name(const char *name)
{
	size_t n = strlen(name);

	if (name[0] != '/' || n > SL_TELEMETRY_MAX_CMD_LEN)
		return 0;
	return strspn(name, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_/") == n;
}

static int add_cmd(const char *name, sl_telemetry_cb fn, telemetry_conn_cb conn_fn,
		   const char *help)
{
	if (name == NULL || (fn == NULL && conn_fn == NULL) || !valid_name(name)) {
		SL_LOG(ERR, TELEMETRY, "command '%s': a name is '/' then up to %d of [A-Za-z0-9_/]",
		       name != NULL ? name : "(null)", SL_TELEMETRY_MAX_CMD_LEN - 1);
		return -EINVAL;
	}
	pthread_mutex_lock(&cmds_lock);
	for (unsigned i = 0; i < nb_cmds; i++)
		if (strcmp(cmds[i].name, name) == 0) {
			pthread_mutex_unlock(&cmds_lock);
			return -EEXIST;
		}
	if (nb_cmds == MAX_CMDS) {
		pthread_mutex_unlock(&cmds_lock);
		SL_LOG(ERR, TELEMETRY, "command %s: more than %d commands", name, MAX_CMDS);
		return -ENOSPC;
	}
	snprintf(cmds[nb_cmds].name, sizeof(cmds[nb_cmds].name), "%s", name);
	cmds[nb_cmds].help = help != NULL ? help : "";
	cmds[nb_cmds].fn = fn;
	cmds[nb_cmds].conn_fn = conn_fn;
	nb_cmds++;
	pthread_mutex_unlock(&cmds_lock);
	return 0;
}

int sl_telemetry_register_cmd(const char *name, sl_telemetry_cb fn, const char *help)
{
	return add_cmd(name, fn, NULL, help);
}

int telemetry_register_conn_cmd(const char *name, telemetry_conn_cb fn, const char *help)
{
	return add_cmd(name, NULL, fn, help);
}

void telemetry_list_cmds(struct sl_tel_json *j)
{
	pthread_mutex_lock(&cmds_lock);
	sl_tel_arr_begin(j, NULL);
	for (unsigned i = 0; i < nb_cmds; i++)
		sl_tel_str(j, NULL, cmds[i].name);
	sl_tel_arr_end(j);
	pthread_mutex_unlock(&cmds_lock);
}

const char *telemetry_cmd_help(const char *name)
{
	const char *help = NULL;

	pthread_mutex_lock(&cmds_lock);
	for (unsigned i = 0; i < nb_cmds; i++)
		if (strcmp(cmds[i].name, name) == 0)
			help = cmds[i].help;
	pthread_mutex_unlock(&cmds_lock);
	return help;
}

static struct tel_cmd *find_cmd(const char *name)
{
	struct tel_cmd *c = NULL;

	pthread_mutex_lock(&cmds_lock);
	for (unsigned i = 0; i < nb_cmds; i++)
		if (strcmp(cmds[i].name, name) == 0)
			c = &cmds[i];
	pthread_mutex_unlock(&cmds_lock);
	return c;
}

/* Writes {"<cmd>":<value>} into out (NUL-terminated); returns its length. */
int telemetry_dispatch(const char *request, struct telemetry_req *req, char *out, size_t cap)
{
	char cmd[SL_TELEMETRY_MAX_CMD_LEN + 1];
	struct sl_tel_json j = { .buf = out, .cap = cap };
	const char *comma = strchr(request, ',');
	size_t cmd_len = comma != NULL ? (size_t)(comma - request) : strlen(request);
	const char *params = comma != NULL ? comma + 1 : "";
	struct tel_cmd *c = NULL;
	size_t value_at;
	int ret = -ENOENT;

	/* DPDK cuts an over-long command too; such a name is never found */
	snprintf(cmd, sizeof(cmd), "%.*s", (int)cmd_len, request);
	if (cmd_len <= SL_TELEMETRY_MAX_CMD_LEN)
		c = find_cmd(cmd);
	sl_tel_obj_begin(&j, NULL);
	telemetry_json_key(&j, cmd);
	value_at = j.len;
	if (c != NULL)
		ret = c->fn != NULL ? c->fn(cmd, params, &j) : c->conn_fn(cmd, params, req, &j);
	if (ret < 0 || j.overflow || j.len == value_at || j.depth != 1) {
		j.overflow = 0;
		j.len = value_at;
		j.depth = 1;
		j.has_item = 1u;
		if (ret >= 0)
			SL_LOG(WARNING, TELEMETRY, "%s: the reply does not fit %zu bytes; sent null",
			       cmd, cap);
		snprintf(out + j.len, cap - j.len, "null");
		j.len += 4;
	}
	sl_tel_obj_end(&j);
	return (int)j.len;
}

int telemetry_parse_u16(const char *s, uint16_t *v)
{
	char *end;
	unsigned long n;

	if (s == NULL || *s < '0' || *s > '9')
		return -EINVAL;
	errno = 0;
	n = strtoul(s, &end, 10);
	if (errno != 0 || *end != '\0' || n > UINT16_MAX)
		return -EINVAL;
	*v = (uint16_t)n;
	return 0;
}
