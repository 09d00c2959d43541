/* SPDX-License-Identifier: BSD-3-Clause
 * Fuzz target: sl-l2fwd's application options (l2fwd_parse_args of
 * examples/l2fwd/l2fwd_args.c, linked as the app links it).
 *
 * A parse that succeeds must leave options l2fwd's later code can rely
 * on: every value inside the range its message promises, --portmap pairs
 * naming real port ids.
 */
#include <errno.h>
#include <stdlib.h>

#include "l2fwd.h"
#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_argv a, again;
	int ret;

	if (fuzz_argv_make(&a, "fuzz_l2fwd", data, size) < 0)
		return 0;
	ret = l2fwd_parse_args(a.argc, a.argv);
	/* the same answer from a fresh copy, whatever state the first left */
	if (fuzz_argv_make(&again, "fuzz_l2fwd", data, size) < 0 ||
	    l2fwd_parse_args(again.argc, again.argv) != ret)
		abort();
	fuzz_argv_free(&again);
	if (ret == 0) {
		if (opts.portmask == 0 || opts.slots_per_lcore < 1 ||
		    opts.slots_per_lcore > MAX_SLOTS_PER_LCORE || opts.nb_queues < 1 ||
		    opts.nb_queues > MAX_QUEUES_PER_PORT || opts.timer_period > APP_MAX_TIMER_PERIOD ||
		    opts.burst < 1 || opts.burst > MAX_BURST || opts.nb_rxd == 0 || opts.nb_txd == 0 ||
		    (opts.duration != 0 && !(opts.duration > 0)) ||
		    (opts.mtu != 0 && opts.mtu < SL_ETHER_MIN_MTU) || opts.nb_pairs > SL_DIM(opts.pairs))
			abort();
		for (unsigned i = 0; i < opts.nb_pairs; i++)
			if (opts.pairs[i].a >= SL_MAX_ETHPORTS || opts.pairs[i].b >= SL_MAX_ETHPORTS)
				abort();
	} else if (ret != 1 && ret != -EINVAL) {
		abort();
	}
	fuzz_argv_free(&a);
	return 0;
}
