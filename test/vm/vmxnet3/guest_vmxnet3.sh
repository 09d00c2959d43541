#!/bin/sh
# Guest half of test_vmxnet3_vm.py (inside the guest, chrooted into the
# host root, cwd = results dir). Usage: guest_vmxnet3.sh NIC0 NIC1 NIC2
#   NIC0, NIC1: vmxnet3s on vfio-pci; NIC2: an e1000 on vfio-pci; all
#   cabled to the host.
# Phases, in the order the host follows them:
#   B  virtio_fwd NIC0 <-> NIC1 (vmxnet3 <-> vmxnet3);
#   C  virtio_fwd NIC0 <-> NIC2 (vmxnet3 <-> e1000);
#   J  virtio_fwd NIC0 <-> NIC1 with MTU 9000 (chained mbufs); the host
#      also takes NIC0's link down and up again while it runs;
#   K  virtio_fwd killed with SIGKILL while forwarding, then run again;
#   E  NIC1 back to the kernel's vmxnet3 driver, which transmits 100 frames.
# Exit status: the number of failed checks.
set -u
. "$SLUICE_SOURCE_DIR/test/vm/guest_lib.sh"
nic0=$1 nic1=$2 nic2=$3
fwd=$B/test/vm/virtio/virtio_fwd

check_built "$fwd"
check_on vfio-pci "$nic0" "$nic1" "$nic2"
exit_if_failed

run_fwd() {	# name, first NIC, second NIC, virtio_fwd options...
	name=$1 a=$2 b=$3; shift 3
	mkdir -p "$R/$name"
	echo "== virtio_fwd $name: $a $b $*"
	"$fwd" -l 0 -a "$a" -a "$b" -- --ctl "$R/$name" --stats "$R/stats_$name.json" \
		--pool 40000 --timeout 600 "$@" > "$R/fwd_$name.log" 2>&1
	rc=$?
	cat "$R/fwd_$name.log"
	check "$name: virtio_fwd exit status $rc" test $rc -eq 0
	check "$name: stats written" test -s "$R/stats_$name.json"
	check "$name: $a still on vfio-pci" is_on "$a" vfio-pci
}

run_fwd B "$nic0" "$nic1"
run_fwd C "$nic0" "$nic2"
run_fwd J "$nic0" "$nic1" --mtu 9000 --scatter

# K: a forwarder killed in the middle of forwarding leaves the device
# active; the next one must quiesce it and take it over
mkdir -p "$R/K0"
spawn "$R/fwd_K0.log" "$fwd" -l 0 -a "$nic0" -a "$nic1" -- --ctl "$R/K0" --pool 40000 --timeout 600
check "K: first virtio_fwd forwarding" wait_file "$R/K0/ready" 120
wait_file "$R/K0/kill" 300
kill -KILL $pid
wait $pid
check "K: first virtio_fwd killed (status $?)" true
cat "$R/fwd_K0.log"
run_fwd K "$nic0" "$nic1"

# E: the kernel takes NIC1 back (driver_override cleared) and sends with it
to_kernel "$nic1" vmxnet3
check "E: $nic1 back on vmxnet3" is_on "$nic1" vmxnet3
ifname=$(ifname_of "$nic1")
check "E: kernel interface '$ifname'" test -n "$ifname"
[ -n "$ifname" ] && check "E: kernel vmxnet3 sent 100 frames" kernel_send "$ifname" 100 2000000
exit $fails
