#!/bin/sh
# SPDX-License-Identifier: BSD-3-Clause
# sl-l2fwd against DPDK's own l2fwd example, side by side, on two null ports
# (a source that makes 64-byte packets up and a sink that frees them), with
# --no-mac-updating, on one lcore (-q 2: it polls both ports) and on two
# (-q 1: one port each). Runs alternate (Sluice, DPDK, Sluice, ...) so that
# both see the same machine; each prints its port statistics every second
# and the rate is the growth of "Total packets sent" between the second and
# the last print, read the same way from both programs.
#
#   bench_l2fwd.sh [SL_L2FWD [DPDK_L2FWD]]     (or set them in the environment)
#
# Environment: L2FWD_SECONDS (length of one run, default 5), L2FWD_ROUNDS
# (runs per program and configuration, the median is reported, default 3).
# Output: BENCH l2fwd_null_<n>lcore_sluice <Mpps> Mpps, ..._dpdk, and
# ..._vs_dpdk <ratio> x; DPDK's lines are missing when its l2fwd is not built.
set -u
. "$(dirname "$0")/bench_lib.sh"

SL_L2FWD=${1:-${SL_L2FWD:-}}
DPDK_L2FWD=${2:-${DPDK_L2FWD:-}}
SECONDS_PER_RUN=${L2FWD_SECONDS:-5}
ROUNDS=${L2FWD_ROUNDS:-3}

if [ -z "$SL_L2FWD" ] || [ ! -x "$SL_L2FWD" ]; then
	echo "usage: $0 SL_L2FWD [DPDK_L2FWD] (sl-l2fwd not found: '$SL_L2FWD')" >&2
	exit 1
fi
if [ -n "$DPDK_L2FWD" ] && [ ! -x "$DPDK_L2FWD" ]; then
	echo "DPDK l2fwd '$DPDK_L2FWD' is not executable: measuring Sluice only" >&2
	DPDK_L2FWD=
fi

tmp=$(mktemp -d /tmp/sl_bench_l2fwd.XXXXXX) || exit 1
# DPDK keeps a runtime directory per --file-prefix even with --no-shconf
trap 'rm -rf "$tmp" "/var/run/dpdk/slbench$$"' EXIT INT TERM

# CPUs this process may use, in order
cpus=$(python3 -c 'import os; print(" ".join(map(str, sorted(os.sched_getaffinity(0)))))' 2>/dev/null ||
	echo 0)
cpu0=$(echo "$cpus" | cut -d' ' -f1)
cpu1=$(echo "$cpus" | cut -s -d' ' -f2)

# Rate in Mpps from a log of periodic statistics printed every second:
# (last "Total packets sent" - second one) / (prints between them).
rate_from_log() {
	tr -d '\033' <"$1" | awk '
		/Total packets sent:/ { n++; v[n] = $NF }
		END {
			if (n < 3) { print "NA"; exit }
			printf "%.3f\n", (v[n] - v[2]) / (n - 2) / 1e6
		}'
}

# run_one sluice|dpdk NLCORES -> prints Mpps (or NA)
run_one() {
	app=$1 nl=$2 log="$tmp/$1.$2.log"
	if [ "$nl" = 1 ]; then
		lcores=$cpu0 q=2
	else
		lcores="$cpu0,$cpu1" q=1
	fi
	if [ "$app" = sluice ]; then
		"$SL_L2FWD" -l "$lcores" --no-huge --no-pci --log-level warning \
			--vdev net_null0 --vdev net_null1 -- \
			-p 0x3 -q "$q" -T 1 --no-mac-updating --duration "$SECONDS_PER_RUN" \
			>"$log" 2>&1
	else
		# DPDK's l2fwd runs until a signal; SIGINT gives its clean exit
		timeout -s INT "$SECONDS_PER_RUN" "$DPDK_L2FWD" -l "$lcores" --no-huge -m 256 \
			--no-shconf --file-prefix "slbench$$" --no-pci --log-level 4 \
			--vdev net_null0 --vdev net_null1 -- \
			-p 0x3 -q "$q" -T 1 --no-mac-updating >"$log" 2>&1
	fi
	r=$(rate_from_log "$log")
	if [ "$r" = NA ]; then
		echo "bench_l2fwd: $app on $nl lcore(s) gave no rate; its output:" >&2
		tail -n 20 "$log" >&2
	fi
	echo "$r"
}

configs=1
[ -n "$cpu1" ] && configs="1 2"
status=0
for nl in $configs; do
	sl_rates= dpdk_rates=
	i=0
	while [ "$i" -lt "$ROUNDS" ]; do
		sl_rates="$sl_rates $(run_one sluice "$nl")"
		[ -n "$DPDK_L2FWD" ] && dpdk_rates="$dpdk_rates $(run_one dpdk "$nl")"
		i=$((i + 1))
	done
	sl=$(echo "$sl_rates" | median)
	echo "# ${nl} lcore(s): sluice runs:$sl_rates${DPDK_L2FWD:+; dpdk runs:$dpdk_rates}"
	if [ "$sl" = NA ]; then
		status=1
		continue
	fi
	echo "BENCH l2fwd_null_${nl}lcore_sluice $sl Mpps"
	if [ -n "$DPDK_L2FWD" ]; then
		dp=$(echo "$dpdk_rates" | median)
		if [ "$dp" != NA ]; then
			echo "BENCH l2fwd_null_${nl}lcore_dpdk $dp Mpps"
			awk -v a="$sl" -v b="$dp" 'BEGIN { if (b > 0) printf "BENCH l2fwd_null_'"$nl"'lcore_vs_dpdk %.2f x\n", a / b }'
		fi
	fi
done
exit $status
