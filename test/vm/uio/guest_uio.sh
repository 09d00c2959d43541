#!/bin/sh
# Guest half of test_uio_vm.py (chrooted into the host root, cwd = the
# results dir), in a guest without a virtual IOMMU. Usage:
#   guest_uio.sh NIC0 NIC1 NIC2 NIC3 NIC4 NIC5 PKTGEN_FRAMES PKTGEN_RATE
#   NIC0 e1000, NIC1 virtio-net (modern, no ACCESS_PLATFORM), NIC2 virtio-net
#   (transitional), NIC3 virtio-net (modern, ACCESS_PLATFORM): on
#   uio_pci_generic, cabled to the host; NIC4 (e1000) and NIC5 (virtio,
#   no ACCESS_PLATFORM) on uio_pci_generic, cabled to each other.
# Steps, in the order the host follows them:
#   A1 sl-l2fwd --no-huge: refused (4 KiB pages move under a device's DMA);
#   A2 sl-l2fwd as nobody: refused (physical addresses need root);
#   A3 sl-l2fwd --iova-mode va: refused (no IOMMU to translate);
#   H  sl-l2fwd NIC0 <-> NIC1 (host-driven); one "IOVA mode pa" warning;
#      HugePages_Free back after SIGINT;
#   I  sl-l2fwd NIC2 <-> NIC3;
#   J  the same with --rx-mode interrupt (INTx through /dev/uioN); the two
#      NICs' IRQ lines in J/irqs, /proc/interrupts copied into J/ whenever
#      the host asks (irq_snapshots);
#   P  sl-pktgen TX NIC4 -> RX NIC5 through the crossover, --expect-no-loss;
#   R  sl-responder on NIC4 on INTx (/dev/uioN), pinged by the kernel's
#      virtio_net on NIC5;
#   K  sl-l2fwd NIC0 <-> NIC1 killed with SIGKILL while forwarding: bus
#      mastering off on both at once (K_killed), then a new sl-l2fwd (K2);
#   E  NIC0 back to the kernel's e1000, which transmits 100 frames.
# Exit status: the number of failed checks.
set -u
. "$SLUICE_SOURCE_DIR/test/vm/guest_lib.sh"
nic0=$1 nic1=$2 nic2=$3 nic3=$4 nic4=$5 nic5=$6 pg_frames=$7 pg_rate=$8
l2fwd=$B/examples/l2fwd/sl-l2fwd
pktgen=$B/app/pktgen/sl-pktgen
responder=$B/examples/responder/sl-responder

huge_free() { awk '/^HugePages_Free:/ { print $2 }' /proc/meminfo; }
huge_is_free0() { [ "$(huge_free)" = "$free0" ]; }

check_built "$l2fwd" "$pktgen" "$responder"
check_on uio_pci_generic "$nic0" "$nic1" "$nic2" "$nic3" "$nic4" "$nic5"
check "no IOMMU groups in this guest" test -z "$(ls /sys/kernel/iommu_groups 2>/dev/null)"
exit_if_failed
free0=$(huge_free)

refused() {	# name, expected message (fixed string), l2fwd EAL options...
	name=$1 want=$2; shift 2
	"$l2fwd" -l 0 -a "$nic0" -a "$nic1" "$@" -- -p 0x3 > "$R/app_$name.log" 2>&1
	rc=$?
	cat "$R/app_$name.log"
	check "$name: sl-l2fwd $* fails (exit $rc)" test $rc -ne 0 -a $rc -lt 128
	check "$name: one line says what to do" test "$(grep -cF -e "$want" "$R/app_$name.log")" = 1
	check "$name: $nic0 still on uio_pci_generic" is_on "$nic0" uio_pci_generic
	check "$name: $nic0 bus mastering off" not bus_master_on "$nic0"
}
not() { ! "$@"; }

refused A1 "--no-huge memory can be moved by the kernel under the device's DMA" --no-huge -m 64
# nobody, with the memlock limit raised (root's is inherited): what is
# missing is the right to read physical addresses and open /dev/uioN
(ulimit -l unlimited && exec setpriv --reuid=65534 --regid=65534 --clear-groups \
	"$l2fwd" -l 0 -a "$nic0" -a "$nic1" -- -p 0x3) > "$R/app_A2.log" 2>&1
rc=$?
cat "$R/app_A2.log"
check "A2: sl-l2fwd as nobody fails (exit $rc)" test $rc -ne 0 -a $rc -lt 128
check "A2: the error says physical addresses need root" \
	grep -q "needs physical addresses, from /proc/self/pagemap, which only root" "$R/app_A2.log"
refused A3 "--iova-mode va was given: drop it" --iova-mode va
check "A: HugePages_Free back to $free0 (now $(huge_free))" huge_is_free0

run_app H "lcore 0: RX port" 2 "$l2fwd" -l 0 -a "$nic0" -a "$nic1" -- -p 0x3 -q 2 -P -T 0 ||
	exit $fails
check "H: one warning that DMA is not confined" \
	test "$(grep -c "IOVA mode pa: $nic0 on uio_pci_generic has no IOMMU.*DMA is not confined" \
		"$R/app_H.log")" = 1
wait_until 5 huge_is_free0
check "H: HugePages_Free back to $free0 after SIGINT (now $(huge_free))" huge_is_free0
check "H: $nic0 bus mastering off after exit" not bus_master_on "$nic0"
check "H: $nic1 bus mastering off after exit" not bus_master_on "$nic1"

run_app I "lcore 0: RX port" 2 "$l2fwd" -l 0 -a "$nic2" -a "$nic3" -- -p 0x3 -q 2 -P -T 0 ||
	exit $fails

mkdir -p "$R/J"
cat "$(pci_dev "$nic2")/irq" "$(pci_dev "$nic3")/irq" > "$R/J/irqs"
irq_snapshots "$R/J" "$R/done_J" &
snap_pid=$!
run_app J "lcore 0: RX port" 2 "$l2fwd" -l 0 -a "$nic2" -a "$nic3" -- -p 0x3 -q 2 -P -T 0 \
	--rx-mode interrupt
wait $snap_pid

echo "== P: sl-pktgen TX $nic4 -> RX $nic5"
"$pktgen" -l 0-1 -a "$nic4" -a "$nic5" -- --tx 0 --rx 1 --count "$pg_frames" --rate "$pg_rate" \
	--size 60-1514/13 --expect-no-loss --start-delay-ms 1500 --quiet --json "$R/pktgen_P.json" \
	> "$R/pktgen_P.log" 2>&1
rc=$?
cat "$R/pktgen_P.log"
check "P: sl-pktgen --expect-no-loss exit status $rc" test $rc -eq 0
check "P: JSON written" test -s "$R/pktgen_P.json"

# R: sl-responder on NIC4 (e1000 on uio_pci_generic) sleeping on INTx
# through /dev/uio (its default with a port that interrupts); the kernel's
# virtio_net takes NIC5, the other end of the crossover, and pings it
to_kernel "$nic5" virtio-pci
ifname=$(ifname_of "$nic5")
check "R: kernel interface on $nic5 ($ifname)" test -n "$ifname"
if [ -n "$ifname" ]; then
	echo 1 > "/proc/sys/net/ipv6/conf/$ifname/disable_ipv6"
	ip addr add 10.0.0.1/24 dev "$ifname"
	ip link set "$ifname" up
	spawn "$R/responder_R.log" "$responder" -l 1 -a "$nic4" -- --ip 10.0.0.2
	check "R: sl-responder answering" wait_for "$R/responder_R.log" '^Answering' 60 $pid
	check "R: sl-responder sleeps on RX interrupts" \
		grep -q "RX on interrupts: asleep while no frame comes" "$R/responder_R.log"
	# QEMU's e1000 holds off receiving for about a second after RCTL writes
	sleep 2
	busybox ping -c 3 -W 2 10.0.0.2 > /dev/null 2>&1
	busybox ping -c 20 -i 0.2 -W 2 10.0.0.2 > "$R/ping_R.log" 2>&1
	cat "$R/ping_R.log"
	check "R: 20 pings answered over INTx on uio_pci_generic" \
		grep -q " 20 packets received" "$R/ping_R.log"
	stop_pid $pid
	rc=$?
	check "R: sl-responder exit status $rc after SIGINT" test $rc -eq 0
	cat "$R/responder_R.log"
fi

# K: SIGKILL while frames flow; uio_pci_generic's release clears bus
# mastering when the last /dev/uioN descriptor closes, so nothing the
# device does afterwards reaches memory the kernel has taken back
spawn "$R/app_K.log" "$l2fwd" -l 0 -a "$nic0" -a "$nic1" -- -p 0x3 -q 2 -T 0
check "K: sl-l2fwd forwarding" wait_for "$R/app_K.log" "lcore 0: RX port" 120 $pid
sleep 2
touch "$R/ready_K"
wait_file "$R/kill_K" 300
kill -KILL $pid
wait $pid
rc=$?
cat "$R/app_K.log"
check "K: sl-l2fwd killed by SIGKILL (status $rc)" test $rc -eq 137
check "K: $nic0 bus mastering off after the kill" not bus_master_on "$nic0"
check "K: $nic1 bus mastering off after the kill" not bus_master_on "$nic1"
wait_until 5 huge_is_free0
check "K: HugePages_Free back to $free0 (now $(huge_free))" huge_is_free0
touch "$R/killed_K"
wait_file "$R/restart_K" 300
run_app K2 "lcore 0: RX port" 2 "$l2fwd" -l 0 -a "$nic0" -a "$nic1" -- -p 0x3 -q 2 -P -T 0

# E: the kernel takes NIC0 back from uio_pci_generic and sends with it
to_kernel "$nic0" e1000
check "E: $nic0 back on e1000" is_on "$nic0" e1000
ifname=$(ifname_of "$nic0")
check "E: kernel interface '$ifname'" test -n "$ifname"
[ -n "$ifname" ] && check "E: kernel e1000 sent 100 frames" kernel_send "$ifname" 100 2000000
exit $fails
