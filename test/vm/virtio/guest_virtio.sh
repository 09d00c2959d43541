#!/bin/sh
# Guest half of test_virtio_vm.py (inside the guest, chrooted into the host
# root, cwd = results dir). Usage: guest_virtio.sh NIC0 NIC1 NIC2 NIC3 NIC4
#   NIC0: an e1000 on vfio-pci; NIC1, NIC2: virtio-net on vfio-pci;
#   NIC3: virtio-net left on the kernel's virtio-pci/virtio_net;
#   NIC4: a transitional virtio-net (1af4:1000) without iommu_platform, on
#   vfio-pci; all cabled to the host.
# Steps, in the order the host follows them (each signals through files in
# the results dir; the host creates the stop/command files):
#   A  sl-l2fwd NIC0 (e1000) <-> NIC1 (virtio), stopped by SIGINT at stop_A;
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
nic0=$1 nic1=$2 nic2=$3 nic3=$4 nic4=$5
here=$(dirname "$0")
R=$SLUICE_RESULTS
fwd=$SLUICE_BUILD_DIR/test/vm/virtio/virtio_fwd
l2fwd=$SLUICE_BUILD_DIR/examples/l2fwd/sl-l2fwd
devbind=$SLUICE_SOURCE_DIR/usertools/sl-devbind
fails=0

ok() { echo "ok: $*"; }
bad() { echo "FAIL: $*"; fails=$((fails + 1)); }
check() {
	desc=$1; shift
	if "$@"; then ok "$desc"; else bad "$desc"; fi
}
driver_of() {
	if [ -e "/sys/bus/pci/devices/$1/driver" ]; then
		basename "$(readlink "/sys/bus/pci/devices/$1/driver")"
	else
		echo none
	fi
}
# virtio_net's interface hangs below the virtio device, not the PCI one
ifname_of() {
	ls /sys/bus/pci/devices/$1/virtio*/net 2>/dev/null | head -1
}
wait_file() {	# path, tenths of a second
	i=0
	while [ ! -e "$1" ] && [ $i -lt "$2" ]; do
		sleep 0.1
		i=$((i + 1))
	done
	test -e "$1"
}

check "virtio_fwd built ($fwd)" test -x "$fwd"
check "sl-l2fwd built ($l2fwd)" test -x "$l2fwd"
check "$nic0 on vfio-pci" test "$(driver_of "$nic0")" = vfio-pci
check "$nic1 on vfio-pci" test "$(driver_of "$nic1")" = vfio-pci
check "$nic2 on vfio-pci" test "$(driver_of "$nic2")" = vfio-pci
check "$nic3 on virtio-pci" test "$(driver_of "$nic3")" = virtio-pci
check "$nic4 on vfio-pci ($(cat /sys/bus/pci/devices/$nic4/device))" \
	test "$(driver_of "$nic4")" = vfio-pci
[ $fails -ne 0 ] && exit $fails
ulimit -l unlimited 2>/dev/null

# ---- A: sl-l2fwd e1000 <-> virtio
echo "== A: sl-l2fwd $nic0 (e1000) <-> $nic1 (virtio)"
stdbuf -oL -eL "$l2fwd" -l 0 -a "$nic0" -a "$nic1" -- -p 0x3 -q 2 -T 2 > "$R/app_A.log" 2>&1 &
pid=$!
i=0
while ! grep -q "lcore 0: RX port" "$R/app_A.log" && kill -0 $pid 2>/dev/null && [ $i -lt 600 ]; do
	sleep 0.2
	i=$((i + 1))
done
if ! kill -0 $pid 2>/dev/null; then
	cat "$R/app_A.log"
	bad "A: sl-l2fwd did not start"
	exit $fails
fi
# QEMU's e1000 receives again about a second after an RCTL write
sleep 2
touch "$R/ready_A"
while [ ! -e "$R/stop_A" ] && kill -0 $pid 2>/dev/null; do
	sleep 0.2
done
kill -INT $pid 2>/dev/null
wait $pid
rc=$?
cat "$R/app_A.log"
check "A: sl-l2fwd exit status $rc after SIGINT" test $rc -eq 0
touch "$R/done_A"

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
check "B: $nic1 still on vfio-pci" test "$(driver_of "$nic1")" = vfio-pci

# ---- D: SIGKILL mid-traffic, then a clean start
mkdir -p "$R/D1"
echo "== virtio_fwd D1 (to be killed)"
"$fwd" -l 0 -a "$nic1" -a "$nic2" -- --ctl "$R/D1" --timeout 300 > "$R/fwd_D1.log" 2>&1 &
pid=$!
if wait_file "$R/D1/kill" 3000; then
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
check "E: sl-devbind moved $nic3 to vfio-pci" test "$(driver_of "$nic3")" = vfio-pci
check "E: the kernel interface is gone" test -z "$(ifname_of "$nic3")"
run_fwd E -l 0 -a "$nic3" --
"$devbind" --bind virtio-pci "$nic3"
check "E: sl-devbind moved $nic3 back to virtio-pci" test "$(driver_of "$nic3")" = virtio-pci
i=0
while [ -z "$(ifname_of "$nic3")" ] && [ $i -lt 100 ]; do
	sleep 0.1
	i=$((i + 1))
done
ifname=$(ifname_of "$nic3")
check "E: kernel interface '$ifname' back" test -n "$ifname"
if [ -n "$ifname" ]; then
	echo 1 > "/proc/sys/net/ipv6/conf/$ifname/disable_ipv6"
	ip link set "$ifname" up
	i=0
	while [ "$(cat "/sys/class/net/$ifname/carrier" 2>/dev/null)" != 1 ] && [ $i -lt 100 ]; do
		sleep 0.1
		i=$((i + 1))
	done
	check "E: kernel virtio_net sent 100 frames" python3 "$here/../guest_pkt.py" send \
		"$ifname" 100 --first-seq 3000000
fi

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
