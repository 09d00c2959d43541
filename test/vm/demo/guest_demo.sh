#!/bin/sh
# Guest half of the demo (sl_demo.py vm; inside the guest, chrooted into the
# host root, cwd = results dir).
# Usage: guest_demo.sh GEN0 FWD0 FWD1 GEN1 RATE DURATION SIZE
#   GEN0 -- FWD0   crossover cable (GEN0: sl-pktgen port 0, FWD0: sl-l2fwd port 0)
#   FWD1 -- GEN1   crossover cable (FWD1: sl-l2fwd port 1, GEN1: sl-pktgen port 1)
# Lines for the user start with "@step " (a new step), "@out " (output to
# show) or "@live " (live statistics); the rest stays in the console log.
# Files for the host: pktgen.json, l2fwd.log, pktgen.log, devbind_*.txt, doctor.txt.
# Exit status: 0, or the number of the step that failed.
set -u
. "$SLUICE_SOURCE_DIR/test/vm/guest_lib.sh"
gen0=$1 fwd0=$2 fwd1=$3 gen1=$4 rate=$5 duration=$6 size=$7
devbind=$S/usertools/sl-devbind
l2fwd=$B/examples/l2fwd/sl-l2fwd
pktgen=$B/app/pktgen/sl-pktgen

step() { echo "@step $*"; }
show() { sed 's/^/@out /' "$@"; }
die() { echo "@out ERROR: $2"; exit "$1"; }

step "The guest's NICs, on the kernel's drivers: $devbind --status"
"$devbind" --status > "$R/devbind_before.txt" 2>&1
show "$R/devbind_before.txt"

step "Binding all four to vfio-pci: sl-devbind --bind vfio-pci $gen0 $fwd0 $fwd1 $gen1"
"$devbind" --bind vfio-pci "$gen0" "$fwd0" "$fwd1" "$gen1" > "$R/devbind_bind.txt" 2>&1 ||
	{ show "$R/devbind_bind.txt"; die 2 "sl-devbind --bind failed"; }
show "$R/devbind_bind.txt"
"$devbind" --status > "$R/devbind_after.txt" 2>&1
sed -n '/bound to vfio-pci/,/^$/p' "$R/devbind_after.txt" | show

step "Pre-flight check with sl-doctor: IOMMU, vfio-pci, hugepages, memlock, the four NICs"
echo "@out $S/usertools/sl-doctor --need 256M $gen0 $fwd0 $fwd1 $gen1"
"$S/usertools/sl-doctor" --need 256M "$gen0" "$fwd0" "$fwd1" "$gen1" > "$R/doctor.txt" 2>&1
show "$R/doctor.txt"

step "Starting sl-l2fwd on cpu 1: $fwd0 <-> $fwd1"
echo "@out $l2fwd -l 1 -a $fwd0 -a $fwd1 -- -p 0x3 -q 2 -P -T 0"
spawn "$R/l2fwd.log" "$l2fwd" -l 1 -a "$fwd0" -a "$fwd1" -- -p 0x3 -q 2 -P -T 0
l2fwd_pid=$pid
wait_for "$R/l2fwd.log" '^lcore .*RX port' 60 $l2fwd_pid
ready=$?
grep -E '^(Port|lcore|MAC)' "$R/l2fwd.log" | show
[ $ready = 0 ] || { show "$R/l2fwd.log"; die 3 "sl-l2fwd did not start"; }
# QEMU's e1000 model ignores received frames for about a second after the
# driver enables the receiver.
sleep 1.5

step "sl-pktgen on cpu 0: $rate of $size-byte frames for $duration s into $gen0, counted back on $gen1"
# --start-delay-ms: an e1000 on the receiving side holds frames back for about
# a second after its receiver is enabled.
echo "@out $pktgen -l 0 -a $gen0 -a $gen1 -- --tx 0 --rx 1 --rate $rate --duration $duration --size $size --start-delay-ms 1500"
"$pktgen" -l 0 -a "$gen0" -a "$gen1" -- --tx 0 --rx 1 --rate "$rate" --duration "$duration" \
	--size "$size" --start-delay-ms 1500 --drain-ms 2000 --json "$R/pktgen.json.tmp" 2>&1 > "$R/pktgen.log" |
	sed -u -e 's/^\(\[ *[0-9.]*s\] port\)/@live \1/;t' -e 's/^/@out /'
grep -q 'sl-pktgen summary' "$R/pktgen.log" || { show "$R/pktgen.log"; die 4 "sl-pktgen failed"; }
mv "$R/pktgen.json.tmp" "$R/pktgen.json"

step "Stopping sl-l2fwd (SIGINT)"
stop_pid $l2fwd_pid
rc=$?
grep -E '^(Total packets|Forwarded|Port [0-9] driver counters)' "$R/l2fwd.log" | show
[ $rc = 0 ] || die 5 "sl-l2fwd exited with $rc"
touch "$R/done"
exit 0
