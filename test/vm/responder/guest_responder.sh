#!/bin/sh
# Guest half of test_responder_vm.py (inside the guest, chrooted into the
# host root, cwd = results dir). Usage: guest_responder.sh KERNEL_NIC SLUICE_NIC
#   KERNEL_NIC: an e1000 on the kernel's e1000 driver, given 10.0.0.1/24;
#   SLUICE_NIC: an e1000 on vfio-pci (bound by init), cabled to the first,
#               driven by sl-responder --ip 10.0.0.2.
# The kernel pings 10.0.0.2: ARP first, then 20 echo requests, all of which
# must come back (the kernel drops replies whose checksums are wrong); then 5
# of 1472 bytes; then a ping to 10.0.0.3, whose ARP requests the responder
# must count as not for it. Exit status: the number of failed checks.
set -u
. "$SLUICE_SOURCE_DIR/test/vm/guest_lib.sh"
kernel_nic=$1 sluice_nic=$2
responder=$B/examples/responder/sl-responder
ping="busybox ping"

received() {	# busybox: "20 packets transmitted, 20 packets received, 0% packet loss"
	sed -n 's/.* \([0-9]*\) packets received.*/\1/p' "$1"
}

check_built "$responder"
check_on e1000 "$kernel_nic"
check_on vfio-pci "$sluice_nic"
ifname=$(ifname_of "$kernel_nic")
check "$kernel_nic has an interface ($ifname)" test -n "$ifname"
exit_if_failed

ip addr add 10.0.0.1/24 dev "$ifname"
ip link set "$ifname" up

# cpu 1 for the poll loop: the kernel's ping and the e1000 interrupts keep cpu 0
spawn "$R/responder.log" "$responder" -l 1 -a "$sluice_nic" -- --ip 10.0.0.2 \
	--stats-json "$R/stats.json"
wait_for "$R/responder.log" '^Answering ARP and ICMP echo' 60 $pid
up=$?
cat "$R/responder.log"
check "sl-responder is answering" test $up = 0
[ $up = 0 ] || exit $fails

# QEMU's e1000 holds off receiving for about a second after each RCTL write,
# and the kernel's link comes up on its own schedule: wait for the first
# reply (ARP resolved) before the count that matters.
first=0
for _ in $(seq 1 30); do
	if $ping -c 1 -W 1 10.0.0.2 > "$R/ping_warmup.log" 2>&1; then first=1; break; fi
done
cat "$R/ping_warmup.log"
check "a first ping gets through" test $first = 1

$ping -c 20 -i 0.2 -W 5 10.0.0.2 > "$R/ping20.log" 2>&1
cat "$R/ping20.log"
check "ping -c 20: 20 replies ($(received "$R/ping20.log"))" test "$(received "$R/ping20.log")" = 20

$ping -c 5 -s 1472 -i 0.2 -W 5 10.0.0.2 > "$R/ping1472.log" 2>&1
cat "$R/ping1472.log"
check "ping -c 5 -s 1472 (1500-byte packets): 5 replies ($(received "$R/ping1472.log"))" \
	test "$(received "$R/ping1472.log")" = 5

# Nobody has 10.0.0.3: the kernel's ARP requests for it reach the responder.
$ping -c 1 -W 3 10.0.0.3 > "$R/ping_other.log" 2>&1
check "ping 10.0.0.3 gets no reply" test "$(received "$R/ping_other.log")" = 0

stop_pid $pid
rc=$?
cat "$R/responder.log" | sed -n '/statistics/,$p'
check "sl-responder exits 0 on SIGINT (got $rc)" test $rc = 0
check "stats.json written" test -s "$R/stats.json"
exit $fails
