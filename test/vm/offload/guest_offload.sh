#!/bin/sh
# Guest half of test_offload_vm.py.
# Usage: guest_offload.sh NIC COUNT_TX COUNT_RX COUNT_TSO NIC_PLAIN COUNT_PLAIN
# NIC (on vfio-pci, cabled to a host tap with a vnet header) runs offload_app
# once per mode, in the order the host follows: tx, rx, tso; then NIC_PLAIN
# (vfio-pci, cabled to a UDP socket: QEMU offers no offloads) runs tx. Each
# run writes MODE.json and app_MODE.log in its control dir (the results dir,
# plain/ for NIC_PLAIN) and talks to the host through ready_MODE / go_MODE /
# stop_rx there (see offload_app.c).
# Exit status: the number of failed checks.
set -u
. "$SLUICE_SOURCE_DIR/test/vm/guest_lib.sh"
nic=$1 count_tx=$2 count_rx=$3 count_tso=$4 nic_plain=$5 count_plain=$6
app=$B/test/vm/offload/offload_app

check_built "$app"
check_on vfio-pci "$nic" "$nic_plain"
exit_if_failed

run_mode() {	# NIC CTL-DIR MODE COUNT
	mkdir -p "$2"
	echo "== offload_app on $1: --mode $3 --count $4"
	"$app" -l 0 -a "$1" --log-level info -- --mode "$3" --count "$4" --ctl "$2" \
		--out "$2/$3.json" --timeout 120 > "$2/app_$3.log" 2>&1
	rc=$?
	cat "$2/app_$3.log"
	check "$3 on $1: offload_app exit status $rc" test $rc -eq 0
}
run_mode "$nic" "$R" tx "$count_tx"
run_mode "$nic" "$R" rx "$count_rx"
run_mode "$nic" "$R" tso "$count_tso"
run_mode "$nic_plain" "$R/plain" tx "$count_plain"
exit $fails
