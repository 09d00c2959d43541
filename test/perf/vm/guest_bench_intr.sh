#!/bin/sh
# Guest half of bench_intr.py (chrooted into the host root, cwd = the
# results dir). Usage: guest_bench_intr.sh NIC0 NIC1 KNIC RNIC RUN...
#   NIC0, NIC1: sl-l2fwd's ports (vfio-pci), cabled to the host;
#   KNIC: on its kernel driver, cabled to RNIC (vfio-pci, sl-responder).
#   RUN: N:KIND:MODE, KIND idle | wake | sat (sl-l2fwd) | ping (sl-responder),
#        MODE poll | interrupt | adaptive.
# Per run: the program starts on lcore/vCPU 1, run_N_ready appears when it
# runs; for idle the guest then writes cpu_N (the program's user+system
# clock ticks, and the ticks per second) over the host's window, between
# run_N_ready and run_N_stop; for ping it pings and writes ping_N (busybox
# ping's summary). Then SIGINT and run_N_done.
set -u
. "$SLUICE_SOURCE_DIR/test/vm/guest_lib.sh"
nic0=$1 nic1=$2 knic=$3 rnic=$4
shift 4
l2fwd=$B/examples/l2fwd/sl-l2fwd
responder=$B/examples/responder/sl-responder

cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }

ifname=$(ifname_of "$knic")
ip addr add 10.0.0.1/24 dev "$ifname"
echo 1 > "/proc/sys/net/ipv6/conf/$ifname/disable_ipv6"
ip link set "$ifname" up

for spec in "$@"; do
	n=${spec%%:*} rest=${spec#*:}
	kind=${rest%%:*} mode=${rest#*:}
	log=$R/run_${n}_$kind-$mode.log
	if [ "$kind" = ping ]; then
		[ "$mode" = adaptive ] && mode=interrupt
		spawn "$log" "$responder" -l 1 -a "$rnic" -- --ip 10.0.0.2 --rx-mode "$mode"
		marker="^Answering"
	else
		spawn "$log" "$l2fwd" -l 1 -a "$nic0" -a "$nic1" -- -p 0x3 -q 2 -T 0 \
			--no-mac-updating --rx-mode "$mode"
		marker="lcore [0-9]*: RX port"
	fi
	if ! wait_for "$log" "$marker" 120 $pid; then
		cat "$log"
		echo "start failed" > "$R/run_${n}_failed"
		continue
	fi
	sleep 2
	t0=$(cpu_ticks $pid)
	touch "$R/run_${n}_ready"
	if [ "$kind" = ping ]; then
		busybox ping -c 3 -W 2 10.0.0.2 > /dev/null 2>&1	# ARP, and the first wake
		busybox ping -c 50 -i 0.2 10.0.0.2 > "$R/.ping_$n" 2>&1
		mv "$R/.ping_$n" "$R/ping_$n"
	fi
	wait_file "$R/run_${n}_stop" 3600
	echo "$(($(cpu_ticks $pid) - t0)) $(getconf CLK_TCK)" > "$R/.cpu_$n" && mv "$R/.cpu_$n" "$R/cpu_$n"
	stop_pid $pid
	tail -n 6 "$log"
	touch "$R/run_${n}_done"
done
exit 0
