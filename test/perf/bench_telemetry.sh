#!/bin/sh
# SPDX-License-Identifier: BSD-3-Clause
# What telemetry and the capture hooks cost sl-l2fwd on two null ports, one
# lcore, --no-mac-updating:
#   - Mpps with telemetry served (capture off) and with --no-telemetry,
#     runs alternating, medians and their ratio (goal >= 0.99);
#   - with valgrind: callgrind instructions per packet inside the lcore's
#     loop for both (the repeatable figure on a shared machine), and for a
#     reference build without the hooks when one is given;
#   - live capture of every frame with sl-dumpcap to /dev/null: frames
#     written per second and the share the full ring dropped.
#
#   bench_telemetry.sh SL_L2FWD SL_DUMPCAP [REFERENCE_SL_L2FWD]
#
# Environment: TEL_SECONDS (one run, default 4), TEL_ROUNDS (default 3),
# TEL_CALLGRIND_PACKETS (default 2000000).
set -u

L2FWD=${1:-}
DUMPCAP=${2:-}
REF=${3:-}
SECS=${TEL_SECONDS:-4}
ROUNDS=${TEL_ROUNDS:-3}
CG_PKTS=${TEL_CALLGRIND_PACKETS:-2000000}
if [ ! -x "$L2FWD" ]; then
	echo "usage: $0 SL_L2FWD SL_DUMPCAP [REFERENCE_SL_L2FWD]" >&2
	exit 1
fi
tmp=$(mktemp -d /tmp/sl_bench_tel.XXXXXX) || exit 1
prefix="slbenchtel$$"
trap 'rm -rf "$tmp" "/var/run/dpdk/$prefix"' EXIT INT TERM
cpu=$(python3 -c 'import os; print(sorted(os.sched_getaffinity(0))[0])' 2>/dev/null || echo 0)

# l2fwd BINARY EAL-EXTRA APP-EXTRA: its "Forwarded N packets in T s (R Mpps" line
l2fwd() {
	"$1" -l "$cpu" --no-huge --no-pci --log-level warning --file-prefix "$prefix" $2 \
		--vdev net_null0 --vdev net_null1 -- -p 0x3 -q 2 -T 0 --no-mac-updating $3 \
		2>&1 | grep '^Forwarded'
}

mpps() {
	l2fwd "$1" "$2" "--duration $SECS" | sed -n 's/.*(\([0-9.]*\) Mpps received).*/\1/p'
}

median() {
	tr ' ' '\n' | grep -v '^$' | sort -g | awk '{ v[NR] = $1 }
		END { if (NR == 0) print "NA"; else if (NR % 2) print v[(NR + 1) / 2];
		      else printf "%.3f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

on= off=
i=0
while [ "$i" -lt "$ROUNDS" ]; do
	on="$on $(mpps "$L2FWD" "")"
	off="$off $(mpps "$L2FWD" --no-telemetry)"
	i=$((i + 1))
done
m_on=$(echo "$on" | median) m_off=$(echo "$off" | median)
echo "# Mpps, telemetry served:$on; --no-telemetry:$off"
echo "BENCH l2fwd_null_telemetry_on $m_on Mpps"
echo "BENCH l2fwd_null_telemetry_off $m_off Mpps"
awk -v a="$m_on" -v b="$m_off" 'BEGIN { if (b > 0) printf "BENCH l2fwd_null_telemetry_on_vs_off %.3f x\n", a / b }'

# callgrind BINARY EAL-EXTRA NAME: instructions per packet in lcore_main
callgrind() {
	out="$tmp/cg.$3"
	valgrind --tool=callgrind --toggle-collect=lcore_main --callgrind-out-file="$out" \
		"$1" -l "$cpu" --no-huge -m 64 --no-pci --log-level warning --file-prefix "$prefix" $2 \
		--vdev net_null0 --vdev net_null1 -- -p 0x3 -q 2 -T 0 --no-mac-updating \
		--max-packets "$CG_PKTS" >"$tmp/cg.$3.log" 2>&1
	ir=$(callgrind_annotate "$out" 2>/dev/null | awk '/PROGRAM TOTALS/ { gsub(",", "", $1); print $1 }')
	pk=$(sed -n 's/^Forwarded \([0-9]*\) packets.*/\1/p' "$tmp/cg.$3.log")
	if [ -n "$ir" ] && [ -n "$pk" ] && [ "$pk" -gt 0 ]; then
		awk -v i="$ir" -v p="$pk" -v n="$3" 'BEGIN { printf "BENCH l2fwd_null_%s_instr_per_pkt %.2f instr\n", n, i / p }'
	else
		echo "# callgrind run $3 gave no figure:"; tail -5 "$tmp/cg.$3.log"
	fi
}

if command -v valgrind >/dev/null 2>&1; then
	callgrind "$L2FWD" "" telemetry_on
	callgrind "$L2FWD" --no-telemetry telemetry_off
	[ -x "$REF" ] && callgrind "$REF" "" reference_no_hooks
else
	echo "# valgrind missing: no instruction counts"
fi

# Capture of every frame on port 0 RX while sl-l2fwd forwards.
if [ -x "$DUMPCAP" ]; then
	l2fwd "$L2FWD" "" "--duration $((SECS + 6))" >"$tmp/cap.l2fwd" &
	pid=$!
	n=0
	while [ ! -S "/var/run/dpdk/$prefix/dpdk_telemetry.v2" ] && [ $n -lt 100 ]; do
		sleep 0.1; n=$((n + 1))
	done
	sleep 1
	"$DUMPCAP" --file-prefix "$prefix" -i 0 --direction rx -s 64 -a "duration:$SECS" \
		-w /dev/null >/dev/null 2>"$tmp/cap.log"
	wait $pid
	got=$(sed -n 's/^Packets captured: \([0-9]*\)/\1/p' "$tmp/cap.log")
	drop=$(sed -n "s/.*interface.*: [0-9]*\/\([0-9]*\)$/\1/p" "$tmp/cap.log")
	echo "# capture: $(tr '\n' ' ' <"$tmp/cap.log"); l2fwd: $(cat "$tmp/cap.l2fwd")"
	awk -v g="${got:-0}" -v d="${drop:-0}" -v s="$SECS" 'BEGIN {
		printf "BENCH capture_all_rx_written %.3f Mpps\n", g / s / 1e6
		if (g + d > 0) printf "BENCH capture_all_rx_dropped_share %.3f x\n", d / (g + d) }'
fi
