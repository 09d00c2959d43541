#!/bin/sh
# SPDX-License-Identifier: BSD-3-Clause
# Runs each Sluice benchmark and its DPDK twin N times, alternating
# (sluice, dpdk, sluice, dpdk, ...) so that machine noise hits both sides
# alike, then prints the median of every BENCH line and the ratio.
#
#   test/perf/compare_dpdk.sh [-n N] [-C build-dir] [-L near-ns] [bench ...]
#
# bench: ring, mempool, ... (default: every bench_<x> that has a
# dpdk/bench_dpdk_<x> in the build dir). A Sluice result "foo" is paired
# with the DPDK result "dpdk_foo". Ratio = Sluice / DPDK for rates (Mops/s,
# Gbit/s, ...), DPDK / Sluice for times (units containing "ns", "us",
# "cycles"): above 1.00 means Sluice is faster either way.
# BENCH_RUNS and BENCH_SECONDS pass through to the benchmarks.
#
# Two-thread results depend on where the host puts the two CPUs (on a VM:
# one CCD or two). A run that reports <x>xcore_latency_2thr (the one-way
# latency of a cache line between CPU 0 and 1) has its other *_2thr results
# filed under "<name>@near" (latency below -L ns, default 100) or
# "<name>@far", so each line compares runs from like placements. Alternate
# run by run to collect both: BENCH_FILTER=2thr BENCH_RUNS=1 ... -n 31 ring
set -eu
export LC_ALL=C

n=5
build=
near_ns=100
while getopts n:C:L:h opt; do
	case $opt in
	n) n=$OPTARG ;;
	C) build=$OPTARG ;;
	L) near_ns=$OPTARG ;;
	*) sed -n '3,21p' "$0"; exit 2 ;;
	esac
done
shift $((OPTIND - 1))

if [ -z "$build" ]; then
	root=$(cd "$(dirname "$0")/../.." && pwd)
	for d in "$root/build" "$root"/build-*; do
		if [ -d "$d/test/perf/dpdk" ]; then build=$d; break; fi
	done
fi
if [ -z "$build" ] || [ ! -d "$build/test/perf" ]; then
	echo "compare_dpdk.sh: no build dir with test/perf found: pass -C <build-dir>" >&2
	exit 1
fi
perf=$build/test/perf

if [ $# -eq 0 ]; then
	for f in "$perf"/dpdk/bench_dpdk_*; do
		[ -f "$f" ] && [ -x "$f" ] || continue
		name=${f##*/bench_dpdk_}
		[ -x "$perf/bench_$name" ] && set -- "$@" "$name"
	done
fi
if [ $# -eq 0 ]; then
	echo "compare_dpdk.sh: no bench_<x> + dpdk/bench_dpdk_<x> pairs in $perf" \
	     "(is libdpdk-dev installed and the build dir up to date?)" >&2
	exit 1
fi

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM

run() {	# binary, output file
	if ! "$1" >"$tmp/out" 2>"$tmp/err"; then
		echo "compare_dpdk.sh: $1 failed:" >&2
		tail -5 "$tmp/err" >&2
		exit 1
	fi
	# File the two-thread results under the placement this run measured.
	awk -v near="$near_ns" '
	$1 == "BENCH" { line[++k] = $0; if ($2 ~ /xcore_latency_2thr$/) lat = $3 }
	END {
		for (i = 1; i <= k; i++) {
			split(line[i], f, " ")
			if (lat != "" && f[2] ~ /_2thr$/ && f[2] !~ /xcore_latency/)
				f[2] = f[2] " " (lat + 0 < near + 0 ? "near" : "far")
			print f[1], f[2], f[3], f[4]
		}
	}' "$tmp/out" >>"$2"
}

for b in "$@"; do
	for bin in "$perf/bench_$b" "$perf/dpdk/bench_dpdk_$b"; do
		[ -x "$bin" ] || { echo "compare_dpdk.sh: $bin not built" >&2; exit 1; }
	done
	i=1
	while [ "$i" -le "$n" ]; do
		printf 'round %d/%d: %s\n' "$i" "$n" "$b" >&2
		run "$perf/bench_$b" "$tmp/all"
		run "$perf/dpdk/bench_dpdk_$b" "$tmp/all"
		i=$((i + 1))
	done
done

# "BENCH name value unit" -> median per name -> paired table
sed 's/ \(near\|far\) /@\1 /' "$tmp/all" | sort -k2,2 -k3,3g | awk '
function flush() {
	if (cnt == 0) return
	med = (cnt % 2) ? v[(cnt + 1) / 2] : (v[cnt / 2] + v[cnt / 2 + 1]) / 2
	median[name] = med; units[name] = unit; order[++norder] = name
	cnt = 0
}
$2 != name { flush(); name = $2 }
{ v[++cnt] = $3; unit = $4 }
END {
	flush()
	printf "%-40s %12s %12s %-8s %7s\n", "case", "sluice", "dpdk", "unit", "ratio"
	worst = ""
	for (i = 1; i <= norder; i++) {
		s = order[i]
		if (s ~ /^dpdk_/) continue
		d = "dpdk_" s
		if (s ~ /xcore_latency/) {	# a placement probe, not a race
			printf "%-40s %12.2f %12.2f %-8s %7s\n", s, median[s],
			       (d in median) ? median[d] : 0, units[s], "-"
			continue
		}
		if (!(d in median)) {
			printf "%-40s %12.2f %12s %-8s %7s\n", s, median[s], "-", units[s], "-"
			continue
		}
		u = units[s]
		if (u ~ /ns|us|cycles/) r = (median[s] > 0) ? median[d] / median[s] : 0
		else r = (median[d] > 0) ? median[s] / median[d] : 0
		printf "%-40s %12.2f %12.2f %-8s %6.2fx\n", s, median[s], median[d], u, r
		if (worst == "" || r < worst) { worst = r; wname = s }
	}
	if (worst != "")
		printf "lowest ratio: %.2fx (%s)\n", worst, wname
}'
echo "(medians of $n alternating runs per side; each run reports its own median)"
