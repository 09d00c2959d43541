#!/bin/sh
# Guest half of test_intr_vm.py (chrooted into the host root, cwd = the
# results dir). Usage: guest_intr.sh NIC0 NIC1 NIC2 NIC3
#   NIC0, NIC1: 82540EMs (e1000, INTx), NIC2, NIC3: 82574Ls (e1000e, MSI-X),
#   all on vfio-pci and cabled to the host.
# One sl-l2fwd run per phase, driven by the host through run_app (ready_X,
# stop_X, done_X):
#   EI e1000 pair, --rx-mode interrupt;  EA the same, adaptive;
#   XI e1000e pair, --rx-mode interrupt; XA the same, adaptive;
#   XQ e1000e pair, two queue pairs on two lcores, interrupt.
# Each prints how the vector was wired (log level debug for PCI). Exit
# status: the number of failed checks.
set -u
. "$SLUICE_SOURCE_DIR/test/vm/guest_lib.sh"
nic0=$1 nic1=$2 nic2=$3 nic3=$4
l2fwd=$B/examples/l2fwd/sl-l2fwd

check_built "$l2fwd"
check_on vfio-pci "$nic0" "$nic1" "$nic2" "$nic3"
exit_if_failed

for phase in EI/interrupt/$nic0/$nic1 EA/adaptive/$nic0/$nic1 XI/interrupt/$nic2/$nic3 \
	XA/adaptive/$nic2/$nic3; do
	set -- $(echo "$phase" | tr / ' ')
	name=$1 mode=$2 a=$3 b=$4
	run_app "$name" "lcore 0: RX port" 2 "$l2fwd" -l 0 -a "$a" -a "$b" -- -p 0x3 -q 2 -T 0 \
		--rx-mode "$mode" || exit $fails
done
# XQ: two queue pairs per port on two lcores, each RX queue its own MSI-X
# vector and lcore
run_app XQ "lcore 1: RX port" 2 "$l2fwd" -l 0-1 -a "$nic2" -a "$nic3" -- -p 0x3 -q 2 -T 0 \
	--queues 2 --no-mac-updating --rx-mode interrupt || exit $fails
exit $fails
