#!/bin/sh
# Guest half of test_longrun_vm.py. Usage:
#   guest_longrun.sh GEN_TX FWD_A FWD_B GEN_RX FRAMES RATE
# GEN_TX is cabled to FWD_A and FWD_B to GEN_RX (QEMU crossover cables).
# sl-l2fwd forwards FWD_A <-> FWD_B on lcore 0; sl-pktgen on lcore 1 sends
# FRAMES numbered frames out of GEN_TX at RATE and counts them on GEN_RX
# with --expect-no-loss. Then sl-l2fwd gets SIGINT. Writes pktgen.json
# and l2fwd.log; exit status: the number of failed checks.
set -u
. "$SLUICE_SOURCE_DIR/test/vm/guest_lib.sh"
gen_tx=$1 fwd_a=$2 fwd_b=$3 gen_rx=$4 frames=$5 rate=$6
l2fwd=$B/examples/l2fwd/sl-l2fwd
pktgen=$B/app/pktgen/sl-pktgen

check_built "$pktgen" "$l2fwd"
exit_if_failed

spawn "$R/l2fwd.log" "$l2fwd" -l 0 -m 128 -a "$fwd_a" -a "$fwd_b" -- -p 0x3 -q 2 -P -T 30 \
	--no-mac-updating
fwd=$pid
if ! wait_for "$R/l2fwd.log" "lcore 0: RX port" 60 $fwd; then
	cat "$R/l2fwd.log"
	bad "sl-l2fwd did not start forwarding"
	exit $fails
fi
echo "sl-l2fwd forwards $fwd_a <-> $fwd_b; sl-pktgen: $frames frames at $rate"
start=$(date +%s)
# QEMU's e1000 holds received frames back for about a second after start
"$pktgen" -l 1 -m 128 -a "$gen_tx" -a "$gen_rx" -- --tx 0 --rx 1 --count "$frames" \
	--rate "$rate" --size 60-1514/97 --start-delay-ms 1500 --drain-ms 10000 --quiet \
	--expect-no-loss --json "$R/pktgen.json.tmp" > "$R/pktgen.log" 2>&1
rc=$?
end=$(date +%s)
mv "$R/pktgen.json.tmp" "$R/pktgen.json" 2>/dev/null
cat "$R/pktgen.log"
echo "sl-pktgen ran $((end - start)) s"
check "sl-pktgen exit status $rc (0: every frame arrived)" test $rc -eq 0
stop_pid $fwd
rc=$?
cat "$R/l2fwd.log"
check "sl-l2fwd exit status $rc after SIGINT" test $rc -eq 0
check "sl-l2fwd dropped nothing (final statistics)" \
	sh -c "grep 'Total packets dropped' '$R/l2fwd.log' | tail -1 | grep -q ' 0$'"
check "sl-l2fwd's pool whole again" grep -q "Mbufs in use after closing the ports: 0 of" "$R/l2fwd.log"
exit $fails
