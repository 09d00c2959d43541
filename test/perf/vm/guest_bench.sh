#!/bin/sh
# Guest half of bench_vm.py (chrooted into the host root, cwd = the results
# dir). Usage: guest_bench.sh NIC0 NIC1 NIC2 SETTLE_S RUN...
#   NIC0: DUT port 0, crossover to NIC2 (the generator's NIC)
#   NIC1: DUT port 1, cabled to the host, which counts what leaves it
#   RUN:  N:KIND:IMPL, KIND fwd-l2fwd | fwd-io | txonly | fwd-io-2q, IMPL sluice | dpdk
# Per run: start the DUT (on lcore/vCPU 1), for fwd-* also the generator
# (sl-pktgen on NIC2, lcore/vCPU 0, 60-byte frames as fast as it can),
# wait until both say they run, SETTLE_S more seconds, then create
# run_N_ready; the host counts, creates run_N_stop; everything gets SIGINT,
# run_N_done (or run_N_failed with the reason) follows. DPDK_EAL_ARGS (env)
# adds EAL options to the DPDK commands.
set -u
. "$SLUICE_SOURCE_DIR/test/vm/guest_lib.sh"
nic0=$1 nic1=$2 nic2=$3 settle=$4
shift 4
sl_l2fwd=$B/examples/l2fwd/sl-l2fwd
sl_pktgen=$B/app/pktgen/sl-pktgen
dpdk_l2fwd=$B/test/perf/dpdk/dpdk-l2fwd
testpmd=$(command -v dpdk-testpmd || echo /usr/bin/dpdk-testpmd)
dpdk_eal="-n 1 ${DPDK_EAL_ARGS:-}"

failed() {	# N reason
	echo "run $1 FAILED: $2"
	echo "$2" > "$R/.run_$1_failed" && mv "$R/.run_$1_failed" "$R/run_$1_failed"
}

for spec in "$@"; do
	n=${spec%%:*} rest=${spec#*:}
	kind=${rest%%:*} impl=${rest#*:}
	log=$R/run_${n}_$kind-$impl.log
	case $kind-$impl in
	fwd-l2fwd-sluice)
		set -- "$sl_l2fwd" -l 1 -a "$nic0" -a "$nic1" -- -p 0x3 -q 2 -T 0
		marker="lcore [0-9]*: RX port" ;;
	fwd-io-sluice)
		set -- "$sl_l2fwd" -l 1 -a "$nic0" -a "$nic1" -- -p 0x3 -q 2 -T 0 --no-mac-updating
		marker="lcore [0-9]*: RX port" ;;
	fwd-io-2q-sluice)
		# a queue pair per lcore: 2 ports x 2 RX queues over 2 lcores, 2 slots each
		set -- "$sl_l2fwd" -l 1-2 -a "$nic0" -a "$nic1" -- -p 0x3 --queues 2 -q 2 -T 0 \
			--no-mac-updating
		marker="RX port 1 queue 1" ;;
	txonly-sluice)
		set -- "$sl_pktgen" -l 1 -a "$nic1" -- --tx 0 --rx none --size 60
		marker="] port 0 " ;;
	fwd-l2fwd-dpdk)
		set -- "$dpdk_l2fwd" -l 1 $dpdk_eal -a "$nic0" -a "$nic1" -- -p 0x3 -q 2 -T 0
		marker="entering main loop" ;;
	fwd-io-dpdk)
		# main lcore 0 sleeps in the stats loop; the forwarding lcore is 1
		set -- "$testpmd" -l 0-1 $dpdk_eal -a "$nic0" -a "$nic1" -- --forward-mode=io \
			--nb-cores=1 --rxq=1 --txq=1 --burst=32 --stats-period=1000
		marker="packet forwarding - ports=" ;;
	txonly-dpdk)
		set -- "$testpmd" -l 0-1 $dpdk_eal -a "$nic1" -- --forward-mode=txonly --txpkts=60 \
			--nb-cores=1 --rxq=1 --txq=1 --burst=32 --stats-period=1000
		marker="packet forwarding - ports=" ;;
	*)
		failed "$n" "unknown run $kind-$impl"
		continue ;;
	esac
	echo "== run $n: $kind $impl: $*"
	if [ ! -x "$1" ]; then
		failed "$n" "$1 is not built"
		continue
	fi
	spawn "$log" "$@"
	app=$pid
	gen=
	if ! wait_for "$log" "$marker" 120 $app; then
		tail -n 15 "$log"
		stop_pid $app
		failed "$n" "$(basename "$1") did not start (no '$marker' in its log): $(tail -n 3 "$log" | tr '\n' ' ')"
		continue
	fi
	if [ "$kind" != txonly ]; then
		flows=
		# the 82574L's RSS hashes IPv4 addresses (not UDP ports): vary the source
		[ "$kind" = fwd-io-2q ] && flows="--src-ip 198.18.0.1-198.18.0.64"
		spawn "$R/run_${n}_gen.log" "$sl_pktgen" -l 0 -a "$nic2" -- --tx 0 --rx none --size 60 $flows
		gen=$pid
		if ! wait_for "$R/run_${n}_gen.log" "] port 0 " 120 $gen; then
			tail -n 15 "$R/run_${n}_gen.log"
			stop_pid $gen
			stop_pid $app
			failed "$n" "the generator did not start: $(tail -n 3 "$R/run_${n}_gen.log" | tr '\n' ' ')"
			continue
		fi
	fi
	sleep "$settle"
	touch "$R/run_${n}_ready"
	while [ ! -e "$R/run_${n}_stop" ] && kill -0 $app 2>/dev/null; do
		sleep 0.2
	done
	alive=yes
	kill -0 $app 2>/dev/null || alive=no
	[ -n "$gen" ] && stop_pid $gen
	stop_pid $app
	rc=$?
	tail -n 25 "$log"
	if [ $alive = no ]; then
		failed "$n" "$(basename "$1") exited (status $rc) during the measurement"
	else
		touch "$R/run_${n}_done"
	fi
done
exit 0
