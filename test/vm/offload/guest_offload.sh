#!/bin/sh
# Guest half of test_offload_vm.py. Usage: guest_offload.sh NIC COUNT_TX COUNT_RX COUNT_TSO
# NIC (on vfio-pci, cabled to a host tap with a vnet header) runs offload_app
# once per mode, in the order the host follows: tx, rx, tso. Each run writes
# MODE.json and app_MODE.log in the results dir and talks to the host through
# ready_MODE / go_MODE / stop_rx (see offload_app.c).
# Exit status: the number of failed checks.
set -u
. "$SLUICE_SOURCE_DIR/test/vm/guest_lib.sh"
nic=$1 count_tx=$2 count_rx=$3 count_tso=$4
app=$B/test/vm/offload/offload_app

check_built "$app"
check_on vfio-pci "$nic"
exit_if_failed

run_mode() {	# MODE COUNT
	echo "== offload_app --mode $1 --count $2"
	"$app" -l 0 -a "$nic" --log-level info -- --mode "$1" --count "$2" --ctl "$R" \
		--out "$R/$1.json" --timeout 120 > "$R/app_$1.log" 2>&1
	rc=$?
	cat "$R/app_$1.log"
	check "$1: offload_app exit status $rc" test $rc -eq 0
}
run_mode tx "$count_tx"
run_mode rx "$count_rx"
run_mode tso "$count_tso"
exit $fails
