#!/bin/sh
# SPDX-License-Identifier: BSD-3-Clause
# Maximum TX rate of sl-pktgen on a net_null port (a sink that frees what
# it is given) with one sending lcore and 64-byte frames, next to DPDK
# 22.11's dpdk-testpmd --forward-mode=txonly on DPDK's net_null, also one
# forwarding lcore, 64-byte frames, bursts of 32.
#
# Both build every frame: sl-pktgen copies its 64-byte template and writes
# the per-frame fields (flow, lengths, signature with sequence number and
# TSC, both checksums); testpmd's txonly copies its Ethernet/IPv4/UDP
# headers into each mbuf (fixed checksums). Runs alternate (Sluice, DPDK,
# Sluice, ...) so both see the same machine.
#
#   bench_pktgen.sh [SL_PKTGEN [DPDK_TESTPMD]]   (or set them in the environment)
#
# Environment: PKTGEN_SECONDS (length of one run, default 4), PKTGEN_ROUNDS
# (runs per program, the median is reported, default 3).
# Output: BENCH pktgen_tx_null_64B_1lcore_sluice <Mpps> Mpps, ..._dpdk_testpmd,
# and ..._vs_dpdk <ratio> x; DPDK's lines are missing without dpdk-testpmd
# (Debian package dpdk-dev).
set -u

SL_PKTGEN=${1:-${SL_PKTGEN:-}}
TESTPMD=${2:-${DPDK_TESTPMD:-$(command -v dpdk-testpmd 2>/dev/null || true)}}
SECONDS_PER_RUN=${PKTGEN_SECONDS:-4}
ROUNDS=${PKTGEN_ROUNDS:-3}
NAME=pktgen_tx_null_64B_1lcore

if [ -z "$SL_PKTGEN" ] || [ ! -x "$SL_PKTGEN" ]; then
	echo "usage: $0 SL_PKTGEN [DPDK_TESTPMD] (sl-pktgen not found: '$SL_PKTGEN')" >&2
	exit 1
fi
if [ -n "$TESTPMD" ] && [ ! -x "$TESTPMD" ]; then
	echo "dpdk-testpmd '$TESTPMD' is not executable: measuring Sluice only" >&2
	TESTPMD=
fi
[ -z "$TESTPMD" ] && echo "dpdk-testpmd not found (apt-get install dpdk-dev): measuring Sluice only" >&2

tmp=$(mktemp -d /tmp/sl_bench_pktgen.XXXXXX) || exit 1
trap 'rm -rf "$tmp" "/var/run/dpdk/slpg$$"' EXIT INT TERM

# Two CPUs this process may use: the main lcore (control) and the sender.
cpus=$(python3 -c 'import os; print(" ".join(map(str, sorted(os.sched_getaffinity(0)))))' 2>/dev/null ||
	echo 0)
cpu0=$(echo "$cpus" | cut -d' ' -f1)
cpu1=$(echo "$cpus" | cut -s -d' ' -f2)
lcores=$cpu0${cpu1:+,$cpu1}

# sl-pktgen: the JSON summary's TX rate (frames / sending time).
run_sluice() {
	json="$tmp/sl.json"
	rm -f "$json"
	"$SL_PKTGEN" -l "$lcores" --no-huge -m 512 --no-pci --log-level warning \
		--vdev net_null0 -- --tx 0 --rx none --size 64 --burst 32 \
		--duration "$SECONDS_PER_RUN" --quiet --json "$json" >"$tmp/sl.log" 2>&1
	python3 - "$json" <<'EOF' 2>/dev/null || echo NA
import json, sys
d = json.load(open(sys.argv[1]))
print("%.3f" % (d["ports"][0]["tx"]["pps"] / 1e6))
EOF
}

# dpdk-testpmd: the median of its per-second "Tx-pps" prints, the first
# one (start-up) left out.
run_dpdk() {
	log="$tmp/dpdk.log"
	timeout -s INT $((SECONDS_PER_RUN + 3)) "$TESTPMD" -l "$lcores" --no-huge -m 1024 \
		--no-pci --file-prefix "slpg$$" --log-level warning --vdev net_null0 -- \
		--forward-mode=txonly --txpkts=64 --burst=32 --nb-cores=1 \
		--port-topology=loop --total-num-mbufs=65536 --no-flush-rx --auto-start --stats-period 1 \
		</dev/null >"$log" 2>&1
	tr -d '\033' <"$log" | awk '
		/Tx-pps:/ { for (i = 1; i < NF; i++) if ($i == "Tx-pps:") v[++n] = $(i + 1) }
		END {
			if (n < 3) { print "NA"; exit }
			m = 0
			for (i = 2; i <= n; i++) w[++m] = v[i]
			for (i = 1; i <= m; i++) for (j = i + 1; j <= m; j++)
				if (w[j] < w[i]) { t = w[i]; w[i] = w[j]; w[j] = t }
			printf "%.3f\n", w[int((m + 1) / 2)] / 1e6
		}'
}

median() {
	printf '%s\n' "$@" | grep -v -x -e NA -e 0.000 | sort -n | awk '
		{ v[++n] = $1 }
		END { if (n == 0) print "NA"; else print v[int((n + 1) / 2)] }'
}

sl_runs="" dpdk_runs=""
i=0
while [ "$i" -lt "$ROUNDS" ]; do
	sl_runs="$sl_runs $(run_sluice)"
	[ -n "$TESTPMD" ] && dpdk_runs="$dpdk_runs $(run_dpdk)"
	i=$((i + 1))
done
# shellcheck disable=SC2086
sl=$(median $sl_runs)
echo "sluice runs (Mpps):$sl_runs" >&2
if [ "$sl" = NA ]; then
	echo "sl-pktgen produced no result; its log:" >&2
	cat "$tmp/sl.log" >&2
	exit 1
fi
echo "BENCH ${NAME}_sluice $sl Mpps"
if [ -n "$TESTPMD" ]; then
	# shellcheck disable=SC2086
	dpdk=$(median $dpdk_runs)
	echo "dpdk-testpmd runs (Mpps):$dpdk_runs" >&2
	if [ "$dpdk" = NA ] || [ "$dpdk" = 0.000 ]; then
		echo "dpdk-testpmd produced no result; its log:" >&2
		tail -20 "$tmp/dpdk.log" >&2
	else
		echo "BENCH ${NAME}_dpdk_testpmd $dpdk Mpps"
		awk -v a="$sl" -v b="$dpdk" 'BEGIN { printf "BENCH '"$NAME"'_vs_dpdk %.2f x\n", a / b }'
	fi
fi
