#!/bin/sh
# Guest half of test_pktgen_vm.py (chrooted into the host root, cwd = the
# results dir).
# Usage: guest_pktgen.sh NIC0 NIC1 NIC2 COUNT_FRAMES COUNT_RATE XOVER_FRAMES XOVER_RATE
#   NIC0 <-> NIC1 crossover, NIC2 cabled to the host; all on vfio-pci.
#   C  sl-pktgen on NIC2, TX only, --count COUNT_FRAMES (started_C before,
#      done_C after; the host counts the frames, then creates checked_C);
#   X  sl-pktgen TX NIC0 -> RX NIC1, --expect-no-loss (pktgen_X.json).
# Exit status: the number of failed checks.
set -u
. "$SLUICE_SOURCE_DIR/test/vm/guest_lib.sh"
nic0=$1 nic1=$2 nic2=$3 count_frames=$4 count_rate=$5 xover_frames=$6 xover_rate=$7
pktgen=$B/app/pktgen/sl-pktgen

# The JSON goes to a temporary name first: the host may read it over 9p
# the moment it appears.
run_pktgen() {	# phase, EAL and app options...
	name=$1; shift
	echo "\$ sl-pktgen $*"
	"$pktgen" "$@" --json "$R/.pktgen_$name.json" > "$R/pktgen_$name.log" 2>&1
	rc=$?
	cat "$R/pktgen_$name.log"
	[ -s "$R/.pktgen_$name.json" ] && mv "$R/.pktgen_$name.json" "$R/pktgen_$name.json"
}

check_on vfio-pci "$nic0" "$nic1" "$nic2"
check_built "$pktgen"
exit_if_failed

touch "$R/started_C"
run_pktgen C -l 0-1 -a "$nic2" -- --tx 0 --rx none --count "$count_frames" --rate "$count_rate" \
	--size 60-1514/7 --quiet
check "C: sl-pktgen --count $count_frames exit status $rc" test $rc -eq 0
check "C: JSON written" test -s "$R/pktgen_C.json"
touch "$R/done_C"
# the host counts until the NIC has been quiet for seconds: stay until then
wait_file "$R/checked_C" 120

# The receiving e1000 holds frames back for about a second after its RCTL
# write (QEMU's model): sending into that second costs a second of latency
# and overflows the cable's socket, hence --start-delay-ms.
run_pktgen X -l 0-1 -a "$nic0" -a "$nic1" -- --tx 0 --rx 1 --count "$xover_frames" \
	--rate "$xover_rate" --size 60-1514/13 --expect-no-loss --start-delay-ms 1500 --quiet
check "X: sl-pktgen --expect-no-loss exit status $rc" test $rc -eq 0
check "X: JSON written" test -s "$R/pktgen_X.json"
exit $fails
