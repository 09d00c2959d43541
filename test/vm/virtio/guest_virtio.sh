#!/bin/sh
# Guest half of test_virtio_vm.py (inside the guest, chrooted into the host
# root, cwd = results dir). Usage: guest_virtio.sh NIC0 NIC1 NIC2 NIC3 NIC4 NIC5
#   NIC0: an e1000 on vfio-pci; NIC1, NIC2: virtio-net on vfio-pci;
#   NIC3: virtio-net left on the kernel's virtio-pci/virtio_net;
#   NIC4: a transitional virtio-net (1af4:1000) without iommu_platform, on
#   vfio-pci; NIC5: a virtio-net without MSI-X on vfio-pci; all cabled to
#   the host.
# Steps, in the order the host follows them (each signals through files in
# the results dir; the host creates the stop/command files):
#   A  sl-l2fwd NIC0 (e1000) <-> NIC1 (virtio), stopped by SIGINT at stop_A;
#   G  sl-l2fwd --rx-mode interrupt NIC1 <-> NIC2 (MSI-X), stopped at stop_G;
#      /proc/interrupts copied into G/ whenever the host asks (irq_snapshots);
#   H  the same NIC2 <-> NIC5 (INTx) in --rx-mode adaptive, files in H/;
#   B  virtio_fwd NIC1 <-> NIC2 with MTU 9000 on 2 KiB mbufs (jumbo frames
#      as chains), then, in the same run, promiscuous on/off through the
#      control queue and the link going down and up (files in B/);
#   D  virtio_fwd killed with SIGKILL while frames flow (D1/kill), then a
#      new run (D2/) that must start cleanly and forward;
#   E  NIC3 from virtio-pci to vfio-pci with sl-devbind, virtio_fwd
#      reflects frames on it (E/), then back to virtio-pci with sl-devbind,
#      and the kernel's interface sends 100 frames;
#   F  NIC4, whose DMA bypasses the IOMMU: refused with the documented
#      message under IOMMU addresses, reflecting frames (F/) with
#      --iova-mode pa (IOVA = guest physical, what the device uses).
# Exit status: the number of failed checks.
set -u
. "$SLUICE_SOURCE_DIR/test/vm/guest_lib.sh"
nic0=$1 nic1=$2 nic2=$3 nic3=$4 nic4=$5 nic5=$6
fwd=$B/test/vm/virtio/virtio_fwd
l2fwd=$B/examples/l2fwd/sl-l2fwd
devbind=$S/usertools/sl-devbind

check_built "$fwd" "$l2fwd"
check_on vfio-pci "$nic0" "$nic1" "$nic2" "$nic4" "$nic5"
check_on virtio-pci "$nic3"
exit_if_failed

# ---- A: sl-l2fwd e1000 <-> virtio
run_app A "lcore 0: RX port" 2 "$l2fwd" -l 0 -a "$nic0" -a "$nic1" -- -p 0x3 -q 2 -T 2 || exit $fails

# ---- G, H: sl-l2fwd sleeping on interrupts, MSI-X both (G), MSI-X and INTx (H)
run_intr() {	# phase, NIC, NIC, --rx-mode
	mkdir -p "$R/$1"
	irq_snapshots "$R/$1" "$R/done_$1" &
	snap_pid=$!
	run_app "$1" "lcore 0: RX port" 2 "$l2fwd" -l 0 -a "$2" -a "$3" -- -p 0x3 -q 2 -T 0 \
		--rx-mode "$4"
	wait $snap_pid
}
run_intr G "$nic1" "$nic2" interrupt
run_intr H "$nic2" "$nic5" adaptive

run_fwd() {	# name (= ctl dir), EAL options, --, app options
	name=$1; shift
	mkdir -p "$R/$name"
	echo "== virtio_fwd $name: $*"
	"$fwd" "$@" --ctl "$R/$name" --stats "$R/$name/stats.json" --timeout 600 \
		> "$R/fwd_$name.log" 2>&1
	rc=$?
	cat "$R/fwd_$name.log"
	check "$name: virtio_fwd exit status $rc" test $rc -eq 0
	check "$name: stats written" test -s "$R/$name/stats.json"
}

# ---- B: jumbo frames as chains, promiscuous mode, link status
run_fwd B -l 0 -a "$nic1" -a "$nic2" --log-level info -- --mtu 9000 --scatter
check "B: $nic1 still on vfio-pci" is_on "$nic1" vfio-pci

# ---- D: SIGKILL mid-traffic, then a clean start
mkdir -p "$R/D1"
echo "== virtio_fwd D1 (to be killed)"
"$fwd" -l 0 -a "$nic1" -a "$nic2" -- --ctl "$R/D1" --timeout 300 > "$R/fwd_D1.log" 2>&1 &
pid=$!
if wait_file "$R/D1/kill" 300; then
	kill -KILL $pid
	wait $pid
	rc=$?
	check "D1: virtio_fwd killed by SIGKILL (status $rc)" test $rc -eq 137
else
	bad "D1: the host never asked for the kill"
	kill -KILL $pid
fi
cat "$R/fwd_D1.log"
run_fwd D2 -l 0 -a "$nic1" -a "$nic2" --

# ---- E: sl-devbind round trip of a virtio NIC the kernel had
ifname=$(ifname_of "$nic3")
check "E: kernel interface '$ifname' on $nic3 before" test -n "$ifname"
"$devbind" --bind vfio-pci "$nic3"
check "E: sl-devbind moved $nic3 to vfio-pci" is_on "$nic3" vfio-pci
check "E: the kernel interface is gone" test -z "$(ifname_of "$nic3")"
run_fwd E -l 0 -a "$nic3" --
"$devbind" --bind virtio-pci "$nic3"
check "E: sl-devbind moved $nic3 back to virtio-pci" is_on "$nic3" virtio-pci
wait_until 10 has_ifname "$nic3"
ifname=$(ifname_of "$nic3")
check "E: kernel interface '$ifname' back" test -n "$ifname"
[ -n "$ifname" ] && check "E: kernel virtio_net sent 100 frames" kernel_send "$ifname" 100 3000000

# ---- F: a device that bypasses the IOMMU
"$fwd" -l 0 -a "$nic4" -- --timeout 5 > "$R/fwd_F0.log" 2>&1
rc=$?
cat "$R/fwd_F0.log"
check "F: virtio_fwd on $nic4 without ACCESS_PLATFORM refused (exit $rc)" test $rc -ne 0
want="$nic4: the device does not offer VIRTIO_F_ACCESS_PLATFORM"
check "F: the error names the feature" grep -qF "$want" "$R/fwd_F0.log"
check "F: and says what to do" grep -q "iommu_platform=on (QEMU), or run with --iova-mode pa" \
	"$R/fwd_F0.log"
check "F: in one line" test "$(grep -cF "$want" "$R/fwd_F0.log")" = 1
run_fwd F -l 0 -a "$nic4" --iova-mode pa --log-level info --
check "F: probed as the transitional device" grep -q "virtio-net (transitional)" "$R/fwd_F.log"
exit $fails
