#!/bin/sh
# SPDX-License-Identifier: BSD-3-Clause
# sl-l3fwd against DPDK's own l3fwd example (built from Debian's dpdk-doc
# copy, test/perf/dpdk), side by side: both read the same IPv4 capture
# through their pcap PMD with infinite_rx=1 (the frames replayed over and
# over, each copied into a fresh mbuf) on one port, route it by LPM with
# DPDK l3fwd's default table back out of that port, whose TX drops
# (DPDK's pcap PMD: tx_drop when no tx_pcap is given; Sluice's: a sink),
# on one lcore. The capture: 1024 64-byte UDP frames to 198.18.0.1..254,
# TTL 64, right checksums. Runs alternate (Sluice, DPDK, Sluice, ...); the
# rate of each is read the same way from both, over their DPDK-protocol
# telemetry socket: the growth of /ethdev/stats,0 opackets over the
# measured seconds, after one second of warm-up.
#
#   bench_l3fwd.sh SL_L3FWD [DPDK_L3FWD]     (or set them in the environment)
#
# Environment: L3FWD_SECONDS (measured part of one run, default 4),
# L3FWD_ROUNDS (runs per program, the median is reported, default 5).
# Output: BENCH l3fwd_pcap_lpm_1lcore_sluice <Mpps> Mpps, ..._dpdk and
# ..._vs_dpdk <ratio> x; DPDK's lines are missing when its l3fwd is not built.
set -u
. "$(dirname "$0")/bench_lib.sh"

SL_L3FWD=${1:-${SL_L3FWD:-}}
DPDK_L3FWD=${2:-${DPDK_L3FWD:-}}
SECS=${L3FWD_SECONDS:-4}
ROUNDS=${L3FWD_ROUNDS:-5}
here=$(cd "$(dirname "$0")" && pwd)
dpdk_cfg=/usr/share/dpdk/examples/l3fwd

if [ -z "$SL_L3FWD" ] || [ ! -x "$SL_L3FWD" ]; then
	echo "usage: $0 SL_L3FWD [DPDK_L3FWD] (sl-l3fwd not found: '$SL_L3FWD')" >&2
	exit 1
fi
if [ -n "$DPDK_L3FWD" ] && [ ! -x "$DPDK_L3FWD" ]; then
	echo "DPDK l3fwd '$DPDK_L3FWD' is not executable: measuring Sluice only" >&2
	DPDK_L3FWD=
fi

tmp=$(mktemp -d /tmp/sl_bench_l3fwd.XXXXXX) || exit 1
prefix="slbenchl3$$"
trap 'rm -rf "$tmp" "/var/run/dpdk/$prefix"' EXIT INT TERM
cpu=$(python3 -c 'import os; print(sorted(os.sched_getaffinity(0))[0])' 2>/dev/null || echo 0)
cap="$tmp/ipv4.pcap"

python3 - "$here/../net" "$cap" <<'PY' || exit 1
import sys
sys.path.insert(0, sys.argv[1])
import sltest
frames = [sltest.ipv4_udp_frame(bytes.fromhex("020000000009"), bytes.fromhex("020000000008"),
                                bytes([10, 0, 0, 1]), bytes([198, 18, 0, 1 + i % 254]), 64,
                                bytes(18)) for i in range(1024)]
sltest.pcap_write(sys.argv[2], [(0, i, f) for i, f in enumerate(frames)])
PY

# Mpps from the telemetry socket $1 over $2 seconds after 1 s of warm-up
# (waits up to 20 s for the socket); NA when it cannot be read.
measure() {
	python3 - "$1" "$2" <<'PY'
import json, os, socket, sys, time
path, secs = sys.argv[1], float(sys.argv[2])

def opackets():
    s = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
    s.connect(path)
    s.recv(4096)
    s.send(b"/ethdev/stats,0")
    reply = json.loads(s.recv(1 << 16))
    s.close()
    return list(reply.values())[0]["opackets"], time.monotonic()

deadline = time.monotonic() + 20
while not os.path.exists(path):
    if time.monotonic() > deadline:
        print("NA")
        sys.exit(0)
    time.sleep(0.1)
try:
    time.sleep(1)
    n0, t0 = opackets()
    time.sleep(secs)
    n1, t1 = opackets()
    print("%.3f" % ((n1 - n0) / (t1 - t0) / 1e6) if n1 > n0 else "NA")
except (OSError, ValueError, KeyError, IndexError):
    print("NA")
PY
}

# run_one sluice|dpdk -> Mpps (or NA)
run_one() {
	log="$tmp/$1.log"
	vdev="net_pcap0,rx_pcap=$cap,infinite_rx=1"
	if [ "$1" = sluice ]; then
		"$SL_L3FWD" -l "$cpu" --no-huge --no-pci --log-level warning --file-prefix "$prefix" \
			--vdev "$vdev" -- -p 0x1 --config "(0,0,$cpu)" -L -T 0 >"$log" 2>&1 &
	else
		"$DPDK_L3FWD" -l "$cpu" --no-huge -m 512 --file-prefix "$prefix" --no-pci \
			--log-level 4 --vdev "$vdev" -- -p 0x1 --config "(0,0,$cpu)" -L --parse-ptype \
			--rule_ipv4="$dpdk_cfg/lpm_default_v4.cfg" \
			--rule_ipv6="$dpdk_cfg/lpm_default_v6.cfg" >"$log" 2>&1 &
	fi
	pid=$!
	r=$(measure "/var/run/dpdk/$prefix/dpdk_telemetry.v2" "$SECS")
	kill -INT "$pid" 2>/dev/null
	wait "$pid"
	rm -rf "/var/run/dpdk/$prefix"
	if [ "$r" = NA ]; then
		echo "bench_l3fwd: $1 gave no rate; its output:" >&2
		tail -n 20 "$log" >&2
	fi
	echo "$r"
}

sl_rates= dpdk_rates=
i=0
while [ "$i" -lt "$ROUNDS" ]; do
	sl_rates="$sl_rates $(run_one sluice)"
	[ -n "$DPDK_L3FWD" ] && dpdk_rates="$dpdk_rates $(run_one dpdk)"
	i=$((i + 1))
done
sl=$(echo "$sl_rates" | median)
echo "# sluice runs:$sl_rates${DPDK_L3FWD:+; dpdk runs:$dpdk_rates}"
[ "$sl" = NA ] && exit 1
echo "BENCH l3fwd_pcap_lpm_1lcore_sluice $sl Mpps"
if [ -n "$DPDK_L3FWD" ]; then
	dp=$(echo "$dpdk_rates" | median)
	if [ "$dp" != NA ]; then
		echo "BENCH l3fwd_pcap_lpm_1lcore_dpdk $dp Mpps"
		awk -v a="$sl" -v b="$dp" 'BEGIN { if (b > 0) printf "BENCH l3fwd_pcap_lpm_1lcore_vs_dpdk %.2f x\n", a / b }'
	fi
fi
