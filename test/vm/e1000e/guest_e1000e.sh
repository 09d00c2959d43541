#!/bin/sh
# Guest half of test_e1000e_vm.py (inside the guest, chrooted into the host
# root, cwd = results dir). Usage: guest_e1000e.sh NIC0 NIC1 NIC2 KEY
#   NIC0, NIC1: 82574Ls (QEMU e1000e) on vfio-pci, cabled to the host;
#   NIC2: a virtio-net on vfio-pci, cabled to the host;
#   KEY: the RSS key for phase R (80 hex digits).
# Phases, in the order the host follows them (each forwarder run is
# driven through files in $R/<phase>/: ready, stop, link<P>_up|down):
#   B  virtio_fwd NIC0 <-> NIC1 (e1000e <-> e1000e);
#   C  virtio_fwd NIC0 <-> NIC2 (e1000e <-> virtio);
#   R  e1000e_rss on NIC0: two queues, RSS with KEY, every frame recorded;
#   Q  sl-l2fwd on 2 lcores, --queues 2, NIC0 <-> NIC1;
#   J  virtio_fwd NIC0 <-> NIC1 with MTU 9000 (chained mbufs); the host
#      also takes NIC0's link down and up again while it runs;
#   K  virtio_fwd killed with SIGKILL while forwarding, then run again;
#   E  NIC1 back to the kernel's e1000e driver, which transmits 100 frames.
# Exit status: the number of failed checks.
set -u
. "$SLUICE_SOURCE_DIR/test/vm/guest_lib.sh"
nic0=$1 nic1=$2 nic2=$3 key=$4
rss=$B/test/vm/e1000e/e1000e_rss
l2fwd=$B/examples/l2fwd/sl-l2fwd

check_built "$FWD" "$rss" "$l2fwd"
check_on vfio-pci "$nic0" "$nic1" "$nic2"
exit_if_failed

fwd_run B "$nic0" "$nic1"
fwd_run C "$nic0" "$nic2"

mkdir -p "$R/R"
echo "== e1000e_rss on $nic0"
"$rss" -l 0 -a "$nic0" -- --key "$key" --ready "$R/R/ready" --stop "$R/R/stop" \
	--log "$R/rss_R.log" > "$R/app_R.log" 2>&1
rc=$?
cat "$R/app_R.log"
check "R: e1000e_rss exit status $rc" test $rc -eq 0

run_app Q "lcore 1: RX port" 0 "$l2fwd" -l 0-1 -a "$nic0" -a "$nic1" -- \
	-p 0x3 --queues 2 -q 2 -T 2 --no-mac-updating

fwd_run J "$nic0" "$nic1" --mtu 9000 --scatter

fwd_kill_phase "$nic0" "$nic1"
kernel_back_phase "$nic1" e1000e
exit $fails
