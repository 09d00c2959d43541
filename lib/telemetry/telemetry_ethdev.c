/* SPDX-License-Identifier: BSD-3-Clause
 * The /ethdev/ commands: DPDK's ethdev telemetry commands and their shapes (list,
 * stats, xstats, link_status, info) over sl_eth_*. The parameter is a
 * port id. */
#include <errno.h>
#include <stdio.h>

#include "sl_ethdev.h"
#include "telemetry_private.h"

static int port_param(const char *params, uint16_t *port)
{
	if (telemetry_parse_u16(params, port) < 0 || !sl_eth_dev_is_valid_port(*port))
		return -EINVAL;
	return 0;
}

static int cmd_list(const char *cmd, const char *params, struct sl_tel_json *j)
{
	uint16_t p;

	(void)cmd;
	(void)params;
	sl_tel_arr_begin(j, NULL);
	SL_ETH_FOREACH_DEV(p)
		sl_tel_u64(j, NULL, p);
	sl_tel_arr_end(j);
	return 0;
}

static void queue_array(struct sl_tel_json *j, const char *key, const uint64_t *v)
{
	sl_tel_arr_begin(j, key);
	for (unsigned q = 0; q < SL_ETHDEV_QUEUE_STAT_CNTRS; q++)
		sl_tel_u64(j, NULL, v[q]);
	sl_tel_arr_end(j);
}

static int cmd_stats(const char *cmd, const char *params, struct sl_tel_json *j)
{
	struct sl_eth_stats st;
	uint16_t port;

	(void)cmd;
	if (port_param(params, &port) < 0 || sl_eth_stats_get(port, &st) < 0)
		return -EINVAL;
	sl_tel_obj_begin(j, NULL);
	sl_tel_u64(j, "ipackets", st.ipackets);
	sl_tel_u64(j, "opackets", st.opackets);
	sl_tel_u64(j, "ibytes", st.ibytes);
	sl_tel_u64(j, "obytes", st.obytes);
	sl_tel_u64(j, "imissed", st.imissed);
	sl_tel_u64(j, "ierrors", st.ierrors);
	sl_tel_u64(j, "oerrors", st.oerrors);
	sl_tel_u64(j, "rx_nombuf", st.rx_nombuf);
	queue_array(j, "q_ipackets", st.q_ipackets);
	queue_array(j, "q_opackets", st.q_opackets);
	queue_array(j, "q_ibytes", st.q_ibytes);
	queue_array(j, "q_obytes", st.q_obytes);
	queue_array(j, "q_errors", st.q_errors);
	sl_tel_obj_end(j);
	return 0;
}

/* The basic counters under the names DPDK's xstats give them. */
static int cmd_xstats(const char *cmd, const char *params, struct sl_tel_json *j)
{
	struct sl_eth_dev_info info;
	struct sl_eth_stats st;
	char name[48];
	uint16_t port;

	(void)cmd;
	if (port_param(params, &port) < 0 || sl_eth_stats_get(port, &st) < 0 ||
	    sl_eth_dev_info_get(port, &info) < 0)
		return -EINVAL;
	sl_tel_obj_begin(j, NULL);
	sl_tel_u64(j, "rx_good_packets", st.ipackets);
	sl_tel_u64(j, "tx_good_packets", st.opackets);
	sl_tel_u64(j, "rx_good_bytes", st.ibytes);
	sl_tel_u64(j, "tx_good_bytes", st.obytes);
	sl_tel_u64(j, "rx_missed_errors", st.imissed);
	sl_tel_u64(j, "rx_errors", st.ierrors);
	sl_tel_u64(j, "tx_errors", st.oerrors);
	sl_tel_u64(j, "rx_mbuf_allocation_errors", st.rx_nombuf);
	for (unsigned q = 0; q < info.nb_rx_queues && q < SL_ETHDEV_QUEUE_STAT_CNTRS; q++) {
		snprintf(name, sizeof(name), "rx_q%u_packets", q);
		sl_tel_u64(j, name, st.q_ipackets[q]);
		snprintf(name, sizeof(name), "rx_q%u_bytes", q);
		sl_tel_u64(j, name, st.q_ibytes[q]);
		snprintf(name, sizeof(name), "rx_q%u_errors", q);
		sl_tel_u64(j, name, st.q_errors[q]);
	}
	for (unsigned q = 0; q < info.nb_tx_queues && q < SL_ETHDEV_QUEUE_STAT_CNTRS; q++) {
		snprintf(name, sizeof(name), "tx_q%u_packets", q);
		sl_tel_u64(j, name, st.q_opackets[q]);
		snprintf(name, sizeof(name), "tx_q%u_bytes", q);
		sl_tel_u64(j, name, st.q_obytes[q]);
	}
	sl_tel_obj_end(j);
	return 0;
}

static int cmd_link_status(const char *cmd, const char *params, struct sl_tel_json *j)
{
	struct sl_eth_link link;
	uint16_t port;

	(void)cmd;
	if (port_param(params, &port) < 0 || sl_eth_link_get_nowait(port, &link) < 0)
		return -EINVAL;
	sl_tel_obj_begin(j, NULL);
	sl_tel_str(j, "status", link.link_status ? "UP" : "DOWN");
	if (link.link_status) {
		sl_tel_u64(j, "speed", link.link_speed);
		sl_tel_str(j, "duplex", link.link_duplex ? "full-duplex" : "half-duplex");
	}
	sl_tel_obj_end(j);
	return 0;
}

static int cmd_info(const char *cmd, const char *params, struct sl_tel_json *j)
{
	struct sl_eth_dev_info info;
	struct sl_ether_addr mac;
	char macs[SL_ETHER_ADDR_FMT_SIZE] = "";
	uint16_t port, mtu = 0;

	(void)cmd;
	if (port_param(params, &port) < 0 || sl_eth_dev_info_get(port, &info) < 0)
		return -EINVAL;
	if (sl_eth_macaddr_get(port, &mac) == 0)
		sl_ether_format_addr(macs, sizeof(macs), &mac);
	sl_eth_dev_get_mtu(port, &mtu);
	sl_tel_obj_begin(j, NULL);
	sl_tel_u64(j, "port_id", port);
	sl_tel_str(j, "name", sl_eth_dev_name(port));
	sl_tel_str(j, "driver_name", info.driver_name);
	sl_tel_str(j, "state", sl_eth_dev_is_started(port) == 1 ? "started" : "stopped");
	sl_tel_i64(j, "numa_node", sl_eth_dev_socket_id(port));
	sl_tel_str(j, "mac_addr", macs);
	sl_tel_u64(j, "mtu", mtu);
	sl_tel_u64(j, "if_index", info.if_index);
	sl_tel_u64(j, "nb_rx_queues", info.nb_rx_queues);
	sl_tel_u64(j, "nb_tx_queues", info.nb_tx_queues);
	sl_tel_u64(j, "max_rx_queues", info.max_rx_queues);
	sl_tel_u64(j, "max_tx_queues", info.max_tx_queues);
	sl_tel_u64(j, "max_rx_pktlen", info.max_rx_pktlen);
	sl_tel_i64(j, "promiscuous", sl_eth_promiscuous_get(port));
	sl_tel_u64(j, "rx_offload_capa", info.rx_offload_capa);
	sl_tel_u64(j, "tx_offload_capa", info.tx_offload_capa);
	sl_tel_bool(j, "rx_hook", sl_eth_burst_hook_get(port, SL_ETH_BURST_RX) != NULL);
	sl_tel_bool(j, "tx_hook", sl_eth_burst_hook_get(port, SL_ETH_BURST_TX) != NULL);
	sl_tel_obj_end(j);
	return 0;
}

void telemetry_register_ethdev_cmds(void)
{
	sl_telemetry_register_cmd("/ethdev/list", cmd_list,
				  "Returns list of available ethdev ports. Takes no parameters");
	sl_telemetry_register_cmd("/ethdev/stats", cmd_stats,
				  "Returns the common stats for a port. Parameters: int port_id");
	sl_telemetry_register_cmd("/ethdev/xstats", cmd_xstats,
				  "Returns the extended stats for a port. Parameters: int port_id");
	sl_telemetry_register_cmd("/ethdev/link_status", cmd_link_status,
				  "Returns the link status for a port. Parameters: int port_id");
	sl_telemetry_register_cmd("/ethdev/info", cmd_info,
				  "Returns the device info for a port. Parameters: int port_id");
}
