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
#   T  sl-pktgen on NIC0 alone, --rx none (no RX queue) and two TX queues;
#   VI, VA  sl-l2fwd NIC0 <-> NIC1, --rx-mode interrupt, then adaptive
#      (run_app: ready_X, stop_X, done_X);
#   E  NIC1 back to the kernel's vmxnet3 driver, which transmits 100 frames.
# Exit status: the number of failed checks.
set -u
. "$SLUICE_SOURCE_DIR/test/vm/guest_lib.sh"
nic0=$1 nic1=$2 nic2=$3

pktgen=$B/app/pktgen/sl-pktgen
l2fwd=$B/examples/l2fwd/sl-l2fwd

check_built "$FWD" "$pktgen" "$l2fwd"
check_on vfio-pci "$nic0" "$nic1" "$nic2"
exit_if_failed

fwd_run B "$nic0" "$nic1"
fwd_run C "$nic0" "$nic2"
fwd_run J "$nic0" "$nic1" --mtu 9000 --scatter

fwd_kill_phase "$nic0" "$nic1"

# T: a TX-only port on two TX queues; the host starts it once it listens
mkdir -p "$R/T"
wait_file "$R/T/go" 300
echo "== T: sl-pktgen --rx none --tx-queues 2 on $nic0"
"$pktgen" -l 0 -a "$nic0" -- --tx 0 --rx none --tx-queues 2 --count 2000 --rate 1000pps \
	--size 60-1514/13 --start-delay-ms 500 --quiet --json "$R/pktgen_T.json" \
	> "$R/pktgen_T.log" 2>&1
rc=$?
cat "$R/pktgen_T.log"
check "T: sl-pktgen exit status $rc" test $rc -eq 0
check "T: JSON written" test -s "$R/pktgen_T.json"

# VI: /proc/interrupts whenever the host asks (irq_snapshots)
mkdir -p "$R/VI"
irq_snapshots "$R/VI" "$R/done_VI" &
for phase in VI/interrupt VA/adaptive; do
	name=${phase%/*} mode=${phase#*/}
	run_app "$name" "lcore 0: RX port" 2 "$l2fwd" -l 0 -a "$nic0" -a "$nic1" -- -p 0x3 -q 2 \
		-T 0 --rx-mode "$mode" || exit $fails
done
kernel_back_phase "$nic1" vmxnet3
exit $fails
