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
#   A3 fwd_min as an unprivileged user: the group's /dev/vfio/N is not
#      theirs, and the error says how to give it to them;
#   B  fwd_min on NIC0+NIC1 with hugepages (host sends, checks, stops it);
#   C  the same with --no-huge;
#   D  the same with a 65536-mbuf pool filled from its last segment;
#   F  fwd_min on NIC3+NIC4 (the other two device ids);
#   G  sl-skeleton on NIC0+NIC1, H  sl-l2fwd on NIC0+NIC1 (stopped by SIGINT
#      once the host has created stop_X; done_X once its log is complete);
#   M  NIC2 to uio_pci_generic: sl-l2fwd NIC0 (vfio-pci) + NIC2 refused while
#      NIC2's group translates DMA (M1), forwarding once it is identity (M2);
#   E  NIC1 back to the kernel's e1000 driver, which transmits 100 frames.
# Each fwd_min run writes ready_X when forwarding and stats_X.json when the
# host has created stop_X. Exit status: the number of failed checks.
set -u
. "$SLUICE_SOURCE_DIR/test/vm/guest_lib.sh"
nic0=$1 nic1=$2 nic2=$3 nic3=$4 nic4=$5
fwd=$B/test/vm/e1000/fwd_min
skeleton=$B/examples/skeleton/sl-skeleton
l2fwd=$B/examples/l2fwd/sl-l2fwd

check_built "$fwd" "$skeleton" "$l2fwd"
check_on vfio-pci "$nic0" "$nic1" "$nic3" "$nic4"
check_on e1000 "$nic2"
exit_if_failed

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
check "A2: $nic0 still on vfio-pci" is_on "$nic0" vfio-pci

# A3: nobody, with the memlock limit raised beforehand (root's ulimit is
# inherited), so the only thing missing is access to the group's
# /dev/vfio/N (0600 root; the container /dev/vfio/vfio is 0666)
(ulimit -l unlimited && exec setpriv --reuid=65534 --regid=65534 --clear-groups \
	"$fwd" -l 0 --no-huge -m 16 -a "$nic0" -a "$nic1" -- --timeout 5) > "$R/fwd_A3.log" 2>&1
rc=$?
cat "$R/fwd_A3.log"
check "A3: fwd_min as nobody fails (exit $rc)" test $rc -ne 0
check "A3: the error names /dev/vfio/N and the remedy" \
	grep -q "cannot open /dev/vfio/[0-9]*: Permission denied: run as root or give your user the group" "$R/fwd_A3.log"
check "A3: $nic0 still on vfio-pci" is_on "$nic0" vfio-pci

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
	check "$name: $a still on vfio-pci" is_on "$a" vfio-pci
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

run_app G "Forwarding 0 <-> 1" 2 "$skeleton" -l 0 -a "$nic0" -a "$nic1" || exit $fails
# H also captures live (issue 18): what port 0 receives, into cap_H.pcapng
RUN_APP_CAPTURE="-i 0 --direction rx -s 1600 -B 64" \
run_app H "lcore 0: RX port" 2 "$l2fwd" -l 0 -a "$nic0" -a "$nic1" -- -p 0x3 -q 2 -P -T 0 ||
	exit $fails

# M: NIC2 on uio_pci_generic beside NIC0 on vfio-pci in one process. Its
# group's default domain translates (the kernel's DMA API owns it), so
# physical addresses would fault: refused (M1). With the group switched to
# an identity domain (what iommu=pt does for all) the two forward (M2),
# both DMAing to physical addresses (VFIO maps IOVA = PA).
modprobe uio_pci_generic
to_uio() {	# BDF
	echo "$1" > "/sys/bus/pci/devices/$1/driver/unbind"
	echo uio_pci_generic > "/sys/bus/pci/devices/$1/driver_override"
	echo "$1" > /sys/bus/pci/drivers/uio_pci_generic/bind
}
to_uio "$nic2"
check "M: $nic2 on uio_pci_generic" is_on "$nic2" uio_pci_generic
gtype=/sys/kernel/iommu_groups/$(group_of "$nic2")/type
echo "M: $nic2's group type: $(cat "$gtype")"
"$l2fwd" -l 0 -a "$nic0" -a "$nic2" -- -p 0x3 > "$R/app_M1.log" 2>&1
rc=$?
cat "$R/app_M1.log"
check "M1: sl-l2fwd with $nic2 on uio_pci_generic behind the vIOMMU fails (exit $rc)" \
	test $rc -ne 0 -a $rc -lt 128
check "M1: one line says to bind it to vfio-pci or pass DMA through" test "$(grep -c \
	"$nic2 is on uio_pci_generic but its IOMMU group [0-9]* translates DMA.*--bind vfio-pci $nic2.*iommu=pt" \
	"$R/app_M1.log")" = 1
check "M1: $nic0 still on vfio-pci" is_on "$nic0" vfio-pci
echo "$nic2" > "/sys/bus/pci/devices/$nic2/driver/unbind"
echo identity > "$gtype"
echo "$nic2" > /sys/bus/pci/drivers/uio_pci_generic/bind
check "M2: $nic2's group type is identity" test "$(cat "$gtype")" = identity
run_app M2 "lcore 0: RX port" 2 "$l2fwd" -l 0 -a "$nic0" -a "$nic2" -- -p 0x3 -q 2 -P -T 0
check "M2: IOVA mode pa chosen for $nic2" grep -q "IOVA mode pa: $nic2 on uio_pci_generic" "$R/app_M2.log"

# E: the kernel takes NIC1 back (driver_override cleared) and sends with it.
to_kernel "$nic1" e1000
check "E: $nic1 back on e1000" is_on "$nic1" e1000
ifname=$(ifname_of "$nic1")
check "E: kernel interface '$ifname'" test -n "$ifname"
[ -n "$ifname" ] && check "E: kernel e1000 sent 100 frames" kernel_send "$ifname" 100 2000000
exit $fails
