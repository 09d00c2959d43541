#!/bin/sh
# Guest half of test_offload_vm.py. Usage:
#   guest_offload.sh NIC DIR COUNT_TX COUNT_RX COUNT_TSO [NIC DIR ...]
# Each NIC (on vfio-pci) runs offload_app once per mode whose count is not
# 0, in the order the host follows: tx, rx, tso; the NICs one after the
# other. Each run writes MODE.json and app_MODE.log in DIR (under the
# results dir; "." for the results dir itself) and talks to the host
# through DIR/ready_MODE, DIR/go_MODE, DIR/stop_rx (see offload_app.c).
# Exit status: the number of failed checks.
set -u
. "$SLUICE_SOURCE_DIR/test/vm/guest_lib.sh"
app=$B/test/vm/offload/offload_app

check_built "$app"
args="$*"
while [ $# -ge 5 ]; do
	check_on vfio-pci "$1"
	shift 5
done
exit_if_failed

run_mode() {	# NIC DIR MODE COUNT
	[ "$4" -eq 0 ] && return
	echo "== $1: offload_app --mode $3 --count $4"
	"$app" -l 0 -a "$1" --log-level info -- --mode "$3" --count "$4" --ctl "$R/$2" \
		--out "$R/$2/$3.json" --timeout 120 > "$R/$2/app_$3.log" 2>&1
	rc=$?
	cat "$R/$2/app_$3.log"
	check "$1 $3: offload_app exit status $rc" test $rc -eq 0
}
set -- $args
while [ $# -ge 5 ]; do
	mkdir -p "$R/$2"
	run_mode "$1" "$2" tx "$3"
	run_mode "$1" "$2" rx "$4"
	run_mode "$1" "$2" tso "$5"
	shift 5
done
exit $fails
