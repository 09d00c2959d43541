#!/bin/sh
# Guest half of test_faults_vm.py (inside the guest, chrooted into the host
# root, cwd = results dir). Usage: guest_faults.sh NIC0 NIC1
#   NIC0, NIC1: e1000s bound to vfio-pci by init, both cabled to the host.
# Phases, in the order the host drives them:
#   LN faultfwd forwards NIC0 <-> NIC1; meanwhile
#   U  a second process asks for NIC0: refused, "device in use" naming the
#      first one, which goes on forwarding (the host checks);
#      the host pulls NIC0's cable and plugs it back (L) and empties the
#      pool under traffic (N), then stops it: exit 0, no mbuf leaked;
#   S  sl-l2fwd forwards under traffic, SIGINT: exit 0, summary, every
#      hugepage free again; the kernel's e1000 takes NIC0 and transmits,
#      then NIC0 goes back to vfio-pci;
#   K  sl-l2fwd under traffic, kill -9: every hugepage free again, no
#      hugetlbfs file left; faultfwd starts on the same two devices while
#      traffic still arrives, and forwards cleanly (the host checks); it
#      ends with SIGTERM: exit 0, no mbuf leaked, hugepages free.
# Exit status: the number of failed checks.
set -u
. "$SLUICE_SOURCE_DIR/test/vm/guest_lib.sh"
nic0=$1 nic1=$2
ff=$B/test/vm/faults/faultfwd
l2fwd=$B/examples/l2fwd/sl-l2fwd

huge_free() { awk '/^HugePages_Free:/ { print $2 }' /proc/meminfo; }
huge_is_free0() { [ "$(huge_free)" = "$free0" ]; }
huge_back() {	# phase: HugePages_Free back at the start value
	wait_until 5 huge_is_free0
	check "$1: HugePages_Free back to $free0 (now $(huge_free))" huge_is_free0
}
hugetlbfs_files() {
	for m in $(awk '$3 == "hugetlbfs" { print $2 }' /proc/mounts); do
		find "$m" -type f 2>/dev/null
	done
}
# l2fwd_until_go PHASE: sl-l2fwd forwarding NIC0 <-> NIC1 under the host's
# traffic (pid in $pid), ready_PHASE once it does; returns when the host
# has created go_PHASE.
l2fwd_until_go() {
	spawn "$R/l2fwd_$1.log" "$l2fwd" -l 0 -m 64 -a "$nic0" -a "$nic1" -- -p 0x3 -q 2 -P -T 0 \
		--no-mac-updating
	wait_for "$R/l2fwd_$1.log" "lcore 0: RX port" 60 $pid || bad "$1: sl-l2fwd did not start"
	# QEMU's e1000 receives again about a second after the RCTL write
	sleep 1.5
	touch "$R/ready_$1"
	wait_file "$R/go_$1" 120 || bad "$1: the host did not say go"
}

check_built "$ff" "$l2fwd"
check_on vfio-pci "$nic0" "$nic1"
exit_if_failed
for n in "$nic0" "$nic1"; do
	echo "$n: reset methods VFIO can use: $(cat "/sys/bus/pci/devices/$n/reset_method" 2>/dev/null || echo none)"
done
free0=$(huge_free)
files0=$(hugetlbfs_files)
echo "HugePages_Free at the start: $free0"

# ---- LN + U ----------------------------------------------------------------
echo "== LN: faultfwd $nic0 $nic1"
spawn "$R/ff_LN.log" "$ff" -l 0 -m 64 -a "$nic0" -a "$nic1" -- --mbufs 2047 --settle-ms 1500 \
	--hoard "$R/hoard" --stop "$R/stop_LN" --stats "$R/stats_LN.json" --timeout 600
if ! wait_for "$R/ff_LN.log" "faultfwd: forwarding" 60 $pid; then
	cat "$R/ff_LN.log"
	bad "LN: faultfwd did not start forwarding"
	exit $fails
fi
echo "== U: a second faultfwd asks for $nic0"
"$ff" -l 1 -m 64 -a "$nic0" -- --timeout 5 > "$R/ff_U.log" 2>&1
rc=$?
cat "$R/ff_U.log"
check "U: the second process is refused (exit $rc)" test $rc -ne 0
check "U: 'device in use' names the holder, process $pid" \
	grep -q "$nic0: device in use: process $pid (faultfwd)" "$R/ff_U.log"
check "U: one line says it" test "$(grep -c 'device in use' "$R/ff_U.log")" = 1
check "U: the first process still runs" kill -0 $pid
touch "$R/ready_LN"
wait $pid
rc=$?
cat "$R/ff_LN.log"
check "LN: faultfwd exit status $rc" test $rc -eq 0
check "LN: no mbuf leaked" grep -q "pool in use: 0 before start, .* 0 after stop" "$R/ff_LN.log"
huge_back LN

# ---- S ---------------------------------------------------------------------------
echo "== S: sl-l2fwd $nic0 $nic1, SIGINT under traffic"
l2fwd_until_go S
stop_pid $pid
rc=$?
cat "$R/l2fwd_S.log"
check "S: sl-l2fwd exit status $rc after SIGINT" test $rc -eq 0
check "S: the signal reported" grep -q "Signal 2 received" "$R/l2fwd_S.log"
check "S: ports closed, summary" grep -q "Bye..." "$R/l2fwd_S.log"
huge_back S
echo "== S: the kernel's e1000 takes $nic0 back"
to_kernel "$nic0" e1000
check "S: $nic0 on e1000" is_on "$nic0" e1000
ifname=$(ifname_of "$nic0")
check "S: kernel interface '$ifname'" test -n "$ifname"
if [ -n "$ifname" ]; then
	check "S: kernel e1000 sent 100 frames" kernel_send "$ifname" 100 3000000
	ip link set "$ifname" down
fi
to_vfio "$nic0"
check "S: $nic0 back on vfio-pci" is_on "$nic0" vfio-pci
touch "$R/done_S"

# ---- K ----------------------------------------------------------------------------
echo "== K: sl-l2fwd $nic0 $nic1, kill -9 under traffic"
l2fwd_until_go K
echo "K: HugePages_Free while sl-l2fwd runs: $(huge_free)"
kill -KILL $pid
wait $pid
rc=$?
check "K: sl-l2fwd died of SIGKILL (status $rc)" test $rc -eq 137
huge_back K
check "K: no hugetlbfs file left behind" test "$(hugetlbfs_files)" = "$files0"
check "K: $nic0 still on vfio-pci" is_on "$nic0" vfio-pci
check "K: $nic1 still on vfio-pci" is_on "$nic1" vfio-pci
touch "$R/killed_K"
echo "== K2: faultfwd on the same devices, traffic still arriving; SIGTERM at the end"
spawn "$R/ff_K2.log" "$ff" -l 0 -m 64 -a "$nic0" -a "$nic1" -- --settle-ms 1500 \
	--ready "$R/ready_K2" --stats "$R/stats_K2.json" --timeout 600
wait_file "$R/stop_K2" 300 || bad "K2: the host did not say stop"
stop_pid $pid TERM
rc=$?
cat "$R/ff_K2.log"
check "K2: faultfwd exit status $rc after SIGTERM" test $rc -eq 0
check "K2: the signal reported" grep -q "signal 15, stopping" "$R/ff_K2.log"
check "K2: no mbuf leaked" grep -q "pool in use: 0 before start, .* 0 after stop" "$R/ff_K2.log"
huge_back K2
exit $fails
