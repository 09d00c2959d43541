/* SPDX-License-Identifier: BSD-3-Clause
 * The telemetry replies the forwarding applications shape alike. A file
 * of its own: a program that links app_common without the telemetry
 * library (the fuzzers) never pulls it in. */
#include <stdio.h>

#include "sl_ethdev.h"
#include "sl_telemetry.h"

#include "app_common.h"

void app_tel_ports(struct sl_tel_json *j, uint32_t portmask,
		   void (*fields)(struct sl_tel_json *j, uint16_t port, void *arg), void *arg)
{
	char key[16];

	sl_tel_obj_begin(j, NULL);
	for (uint16_t p = 0; p < SL_MAX_ETHPORTS; p++) {
		if ((portmask & (1u << p)) == 0 || !sl_eth_dev_is_valid_port(p))
			continue;
		snprintf(key, sizeof(key), "%u", p);
		sl_tel_obj_begin(j, key);
		fields(j, p, arg);
		sl_tel_obj_end(j);
	}
	sl_tel_obj_end(j);
}
