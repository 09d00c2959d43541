/* SPDX-License-Identifier: BSD-3-Clause
 * The commands every process answers apart from ethdev's: /, /help,
 * /info, the lcores (/eal/lcore/...), memory (/eal/memory), rings and
 * mempools, with DPDK's names and shapes where DPDK has the command. */
#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "sl_eal.h"
#include "sl_mempool.h"
#include "sl_ring.h"
#include "telemetry_private.h"

static int cmd_list(const char *cmd, const char *params, struct sl_tel_json *j)
{
	(void)cmd;
	(void)params;
	telemetry_list_cmds(j);
	return 0;
}

static int cmd_help(const char *cmd, const char *params, struct sl_tel_json *j)
{
	const char *help = telemetry_cmd_help(params[0] != '\0' ? params : cmd);

	if (help == NULL)
		return -EINVAL;
	sl_tel_obj_begin(j, NULL);
	sl_tel_str(j, params[0] != '\0' ? params : cmd, help);
	sl_tel_obj_end(j);
	return 0;
}

static int cmd_info(const char *cmd, const char *params, struct sl_tel_json *j)
{
	(void)cmd;
	(void)params;
	sl_tel_obj_begin(j, NULL);
	sl_tel_str(j, "version", "Sluice " SL_VERSION);
	sl_tel_i64(j, "pid", getpid());
	sl_tel_u64(j, "max_output_len", SL_TELEMETRY_MAX_OUTPUT);
	sl_tel_obj_end(j);
	return 0;
}

static int cmd_lcore_list(const char *cmd, const char *params, struct sl_tel_json *j)
{
	(void)cmd;
	(void)params;
	sl_tel_arr_begin(j, NULL);
	for (unsigned i = 0; i < sl_lcore_count(); i++)
		sl_tel_u64(j, NULL, i);
	sl_tel_arr_end(j);
	return 0;
}

static int cmd_lcore_info(const char *cmd, const char *params, struct sl_tel_json *j)
{
	struct sl_lcore_usage u;
	uint16_t id;

	(void)cmd;
	if (telemetry_parse_u16(params, &id) < 0 || id >= sl_lcore_count())
		return -EINVAL;
	sl_tel_obj_begin(j, NULL);
	sl_tel_u64(j, "lcore_id", id);
	sl_tel_i64(j, "socket", sl_lcore_to_socket(id));
	sl_tel_str(j, "role", "EAL");
	sl_tel_arr_begin(j, "cpuset");
	sl_tel_i64(j, NULL, sl_lcore_to_cpu(id));
	sl_tel_arr_end(j);
	if (sl_lcore_usage_get(id, &u) == 0) {
		sl_tel_u64(j, "total_cycles", u.total_cycles);
		sl_tel_u64(j, "busy_cycles", u.busy_cycles);
		sl_tel_u64(j, "idle_cycles", u.total_cycles - u.busy_cycles);
	}
	sl_tel_u64(j, "tsc_hz", sl_tsc_hz());
	sl_tel_obj_end(j);
	return 0;
}

static int cmd_memory(const char *cmd, const char *params, struct sl_tel_json *j)
{
	(void)cmd;
	(void)params;
	sl_tel_obj_begin(j, NULL);
	sl_tel_u64(j, "reserved_bytes", sl_mem_reserved_bytes());
	sl_tel_u64(j, "used_bytes", sl_mem_used_bytes());
	sl_tel_bool(j, "hugepages", !sl_eal_no_huge());
	sl_tel_str(j, "iova_mode", sl_eal_iova_mode() == SL_IOVA_MODE_PA ? "pa" : "va");
	sl_tel_str(j, "file_prefix", sl_eal_file_prefix());
	sl_tel_obj_end(j);
	return 0;
}

static void ring_name(struct sl_ring *r, void *arg)
{
	sl_tel_str(arg, NULL, r->name);
}

static void pool_name(struct sl_mempool *mp, void *arg)
{
	sl_tel_str(arg, NULL, mp->name);
}

static int cmd_ring_list(const char *cmd, const char *params, struct sl_tel_json *j)
{
	(void)cmd;
	(void)params;
	sl_tel_arr_begin(j, NULL);
	sl_ring_walk(ring_name, j);
	sl_tel_arr_end(j);
	return 0;
}

static int cmd_mempool_list(const char *cmd, const char *params, struct sl_tel_json *j)
{
	(void)cmd;
	(void)params;
	sl_tel_arr_begin(j, NULL);
	sl_mempool_walk(pool_name, j);
	sl_tel_arr_end(j);
	return 0;
}

struct find_arg {
	const char *name;
	struct sl_tel_json *j;
	int found;
};

/* Under the walk's lock, so the ring cannot be freed meanwhile. */
static void ring_info(struct sl_ring *r, void *arg)
{
	struct find_arg *f = arg;

	if (f->found || strcmp(r->name, f->name) != 0)
		return;
	f->found = 1;
	sl_tel_obj_begin(f->j, NULL);
	sl_tel_str(f->j, "name", r->name);
	sl_tel_u64(f->j, "size", r->size);
	sl_tel_u64(f->j, "capacity", sl_ring_get_capacity(r));
	sl_tel_u64(f->j, "count", sl_ring_count(r));
	sl_tel_u64(f->j, "free_count", sl_ring_free_count(r));
	sl_tel_u64(f->j, "flags", r->flags);
	sl_tel_i64(f->j, "socket", r->socket);
	sl_tel_obj_end(f->j);
}

static void pool_info(struct sl_mempool *mp, void *arg)
{
	struct find_arg *f = arg;

	if (f->found || strcmp(mp->name, f->name) != 0)
		return;
	f->found = 1;
	sl_tel_obj_begin(f->j, NULL);
	sl_tel_str(f->j, "name", mp->name);
	sl_tel_u64(f->j, "size", mp->size);
	sl_tel_u64(f->j, "elt_size", mp->elt_size);
	sl_tel_u64(f->j, "cache_size", mp->cache_size);
	sl_tel_u64(f->j, "flags", mp->flags);
	sl_tel_i64(f->j, "socket_id", mp->socket);
	sl_tel_u64(f->j, "avail_count", sl_mempool_avail_count(mp));
	sl_tel_u64(f->j, "in_use_count", sl_mempool_in_use_count(mp));
	sl_tel_obj_end(f->j);
}

static int cmd_ring_info(const char *cmd, const char *params, struct sl_tel_json *j)
{
	struct find_arg f = { .name = params, .j = j };

	(void)cmd;
	sl_ring_walk(ring_info, &f);
	return f.found ? 0 : -ENOENT;
}

static int cmd_mempool_info(const char *cmd, const char *params, struct sl_tel_json *j)
{
	struct find_arg f = { .name = params, .j = j };

	(void)cmd;
	sl_mempool_walk(pool_info, &f);
	return f.found ? 0 : -ENOENT;
}

void telemetry_register_eal_cmds(void)
{
	sl_telemetry_register_cmd("/", cmd_list, "Returns the list of commands. Takes no parameters");
	sl_telemetry_register_cmd("/help", cmd_help,
				  "Returns help text for a command. Parameters: string command");
	sl_telemetry_register_cmd("/info", cmd_info,
				  "Returns version, pid and max_output_len. Takes no parameters");
	sl_telemetry_register_cmd("/eal/lcore/list", cmd_lcore_list,
				  "List of lcore ids. Takes no parameters");
	sl_telemetry_register_cmd("/eal/lcore/info", cmd_lcore_info,
				  "Returns lcore info (cpu, busy and idle cycles). Parameters: int lcore_id");
	sl_telemetry_register_cmd("/eal/memory", cmd_memory,
				  "DMA memory reserved and in use. Takes no parameters");
	sl_telemetry_register_cmd("/ring/list", cmd_ring_list,
				  "Returns list of available rings. Takes no parameters");
	sl_telemetry_register_cmd("/ring/info", cmd_ring_info,
				  "Returns ring info. Parameters: ring name");
	sl_telemetry_register_cmd("/mempool/list", cmd_mempool_list,
				  "Returns list of available mempools. Takes no parameters");
	sl_telemetry_register_cmd("/mempool/info", cmd_mempool_info,
				  "Returns mempool info. Parameters: pool_name");
}
