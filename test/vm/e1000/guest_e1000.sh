#!/bin/sh
# Guest half of test_e1000_vm.py (inside the guest, chrooted into the host
# root, cwd = results dir). Usage: guest_e1000.sh NIC0 NIC1 NIC2 NIC3 NIC4
#   NIC0, NIC1: 82540EMs bound to vfio-pci (by init), cabled to the host;
#   NIC2: an 82540EM left on the kernel's e1000 driver;
#   NIC3, NIC4: an 82545EM and an 82544GC on vfio-pci, cabled to the host.
# Steps, in the order the host follows them:
#   A  fwd_min -a NIC2: refused with the documented one-line error;
#   A2 fwd_min without CAP_IPC_LOCK and a 1 MB locked-memory limit: the
#      DMA mapping fails with the RLIMIT_MEMLOCK remedy;
#   B  fwd_min on NIC0+NIC1 with hugepages (host sends, checks, stops it);
#   C  the same with --no-huge;
#   D  the same with a 65536-mbuf pool filled from its last segment;
#   F  fwd_min on NIC3+NIC4 (the other two device ids);
#   G  sl-skeleton on NIC0+NIC1, H  sl-l2fwd on NIC0+NIC1 (stopped by SIGINT
#      once the host has created stop_X; done_X once its log is complete);
#   E  NIC1 back to the kernel's e1000 driver, which transmits 100 frames.
# Each fwd_min run writes ready_X when forwarding and stats_X.json when the
# host has created stop_X. Exit status: the number of failed checks.
set -u
nic0=$1 nic1=$2 nic2=$3 nic3=$4 nic4=$5
here=$(dirname "$0")
R=$SLUICE_RESULTS
fwd=$SLUICE_BUILD_DIR/test/vm/e1000/fwd_min
skeleton=$SLUICE_BUILD_DIR/examples/skeleton/sl-skeleton
l2fwd=$SLUICE_BUILD_DIR/examples/l2fwd/sl-l2fwd
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

check "fwd_min built ($fwd)" test -x "$fwd"
check "$nic0 on vfio-pci" test "$(driver_of "$nic0")" = vfio-pci
check "$nic1 on vfio-pci" test "$(driver_of "$nic1")" = vfio-pci
check "$nic2 on e1000" test "$(driver_of "$nic2")" = e1000
check "$nic3 on vfio-pci ($(cat /sys/bus/pci/devices/$nic3/device))" test "$(driver_of "$nic3")" = vfio-pci
check "$nic4 on vfio-pci ($(cat /sys/bus/pci/devices/$nic4/device))" test "$(driver_of "$nic4")" = vfio-pci
[ $fails -ne 0 ] && exit $fails
# Locked DMA memory: root has CAP_IPC_LOCK, but say so if a limit bites.
ulimit -l unlimited 2>/dev/null

# A: a device the kernel driver holds, asked for with -a
"$fwd" -l 0 -a "$nic2" -- --timeout 5 > "$R/fwd_A.log" 2>&1
rc=$?
cat "$R/fwd_A.log"
if [ $rc -eq 132 ]; then
	bad "fwd_min died of SIGILL: the build uses instructions QEMU's TCG CPU lacks (-march=native on an AVX-512 host); build the vm suite for a portable -march such as x86-64-v3"
	exit $fails
fi
check "A: fwd_min -a $nic2 fails (exit $rc)" test $rc -ne 0
want="$nic2 is bound to e1000 (kernel driver), not vfio-pci: run usertools/sl-devbind --bind vfio-pci $nic2"
check "A: the error says what to do" grep -qF "$want" "$R/fwd_A.log"
check "A: one line says it" test "$(grep -cF "$want" "$R/fwd_A.log")" = 1

# A2: pinning DMA memory counts against RLIMIT_MEMLOCK once root's
# CAP_IPC_LOCK is gone (vfio_iommu_type1)
(ulimit -l 1024 && exec setpriv --inh-caps=-ipc_lock --bounding-set=-ipc_lock \
	"$fwd" -l 0 -a "$nic0" -a "$nic1" -- --timeout 5) > "$R/fwd_A2.log" 2>&1
rc=$?
cat "$R/fwd_A2.log"
check "A2: fwd_min with a 1 MB memlock limit fails (exit $rc)" test $rc -ne 0
check "A2: the error gives the limit and the remedy" \
	grep -q "RLIMIT_MEMLOCK 1024 KiB.*ulimit -l unlimited" "$R/fwd_A2.log"
check "A2: $nic0 still on vfio-pci" test "$(driver_of "$nic0")" = vfio-pci

run_fwd() {	# name, first NIC, second NIC, EAL options...
	name=$1 a=$2 b=$3; shift 3
	echo "== fwd_min $name: $a $b $*"
	"$fwd" -l 0 -a "$a" -a "$b" "$@" -- --ready "$R/ready_$name" --stop "$R/stop_$name" \
		--stats "$R/stats_$name.json" --timeout 600 $FWD_APP_ARGS > "$R/fwd_$name.log" 2>&1
	rc=$?
	cat "$R/fwd_$name.log"
	check "$name: fwd_min exit status $rc" test $rc -eq 0
	check "$name: stats written" test -s "$R/stats_$name.json"
	# the devices went back to a state VFIO can hand out again
	check "$name: $a still on vfio-pci" test "$(driver_of "$a")" = vfio-pci
}

FWD_APP_ARGS=
run_fwd B "$nic0" "$nic1" --log-level info
# 39-bit intel-iommu: the ranges end below 2^39 = 0x8000000000
check "B: IOVA ranges from the vIOMMU logged" grep -q "IOMMU usable IOVA range 0x[0-9a-f]*-0x[0-7][0-9a-f]\{9\}$" "$R/fwd_B.log"
run_fwd C "$nic0" "$nic1" --no-huge -m 256
FWD_APP_ARGS="--pool 65536 --cache 0 --reverse-fill --ring 512"
run_fwd D "$nic0" "$nic1"
FWD_APP_ARGS=
run_fwd F "$nic3" "$nic4"

run_app() {	# name, line that says it forwards, command...
	name=$1 marker=$2; shift 2
	echo "== $name: $*"
	stdbuf -oL -eL "$@" > "$R/app_$name.log" 2>&1 &
	pid=$!
	i=0
	while ! grep -q "$marker" "$R/app_$name.log" && kill -0 $pid 2>/dev/null && [ $i -lt 600 ]; do
		sleep 0.2
		i=$((i + 1))
	done
	# QEMU's e1000 receives again about a second after an RCTL write
	sleep 2
	touch "$R/ready_$name"
	while [ ! -e "$R/stop_$name" ] && kill -0 $pid 2>/dev/null; do
		sleep 0.2
	done
	kill -INT $pid 2>/dev/null
	wait $pid
	rc=$?
	cat "$R/app_$name.log"
	check "$name: $(basename "$1") exit status $rc after SIGINT" test $rc -eq 0
	touch "$R/done_$name"	# the host reads the final counters from the log
}

run_app G "Forwarding 0 <-> 1" "$skeleton" -l 0 -a "$nic0" -a "$nic1"
run_app H "lcore 0: RX port" "$l2fwd" -l 0 -a "$nic0" -a "$nic1" -- -p 0x3 -q 2 -P -T 0

# E: the kernel takes NIC1 back (driver_override cleared) and sends with it.
echo > "/sys/bus/pci/devices/$nic1/driver_override"
echo "$nic1" > /sys/bus/pci/drivers/vfio-pci/unbind
echo "$nic1" > /sys/bus/pci/drivers/e1000/bind
check "E: $nic1 back on e1000" test "$(driver_of "$nic1")" = e1000
ifname=$(ls "/sys/bus/pci/devices/$nic1/net" 2>/dev/null)
check "E: kernel interface '$ifname'" test -n "$ifname"
if [ -n "$ifname" ]; then
	echo 1 > "/proc/sys/net/ipv6/conf/$ifname/disable_ipv6"
	ip link set "$ifname" up
	i=0
	while [ "$(cat "/sys/class/net/$ifname/carrier" 2>/dev/null)" != 1 ] && [ $i -lt 100 ]; do
		sleep 0.1
		i=$((i + 1))
	done
	check "E: kernel e1000 sent 100 frames" python3 "$here/../guest_pkt.py" send "$ifname" 100 \
		--first-seq 2000000
fi
exit $fails
