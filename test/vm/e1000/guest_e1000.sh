#!/bin/sh
# Guest half of test_e1000_vm.py (inside the guest, chrooted into the host
# root, cwd = results dir). Usage: guest_e1000.sh NIC0 NIC1 NIC2
#   NIC0, NIC1: e1000s bound to vfio-pci (by init), cabled to the host;
#   NIC2: an e1000 left on the kernel's e1000 driver.
# Steps, in the order the host follows them:
#   A  fwd_min -a NIC2: refused with the documented one-line error;
#   B  fwd_min on NIC0+NIC1 with hugepages (host sends, checks, stops it);
#   C  the same with --no-huge;
#   D  the same with a 65536-mbuf pool filled from its last segment;
#   E  NIC1 back to the kernel's e1000 driver, which transmits 100 frames.
# Each fwd_min run writes ready_X when forwarding and stats_X.json when the
# host has created stop_X. Exit status: the number of failed checks.
set -u
nic0=$1 nic1=$2 nic2=$3
here=$(dirname "$0")
R=$SLUICE_RESULTS
fwd=$SLUICE_BUILD_DIR/test/vm/e1000/fwd_min
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
[ $fails -ne 0 ] && exit $fails
# Locked DMA memory: root has CAP_IPC_LOCK, but say so if a limit bites.
ulimit -l unlimited 2>/dev/null

# A: a device the kernel driver holds, asked for with -a
"$fwd" -l 0 -a "$nic2" -- --timeout 5 > "$R/fwd_A.log" 2>&1
rc=$?
cat "$R/fwd_A.log"
check "A: fwd_min -a $nic2 fails (exit $rc)" test $rc -ne 0
want="$nic2 is bound to e1000 (kernel driver), not vfio-pci: run usertools/sl-devbind --bind vfio-pci $nic2"
check "A: the error says what to do" grep -qF "$want" "$R/fwd_A.log"
check "A: one line says it" test "$(grep -cF "$want" "$R/fwd_A.log")" = 1

run_fwd() {	# name, EAL options...
	name=$1; shift
	echo "== fwd_min $name: $*"
	"$fwd" -l 0 -a "$nic0" -a "$nic1" "$@" -- --ready "$R/ready_$name" --stop "$R/stop_$name" \
		--stats "$R/stats_$name.json" --timeout 600 $FWD_APP_ARGS > "$R/fwd_$name.log" 2>&1
	rc=$?
	cat "$R/fwd_$name.log"
	check "$name: fwd_min exit status $rc" test $rc -eq 0
	check "$name: stats written" test -s "$R/stats_$name.json"
	# the devices went back to a state VFIO can hand out again
	check "$name: $nic0 still on vfio-pci" test "$(driver_of "$nic0")" = vfio-pci
}

FWD_APP_ARGS=
run_fwd B
run_fwd C --no-huge -m 256
FWD_APP_ARGS="--pool 65536 --cache 0 --reverse-fill --ring 512"
run_fwd D
FWD_APP_ARGS=

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
