#!/bin/sh
# Guest half of test_virtio_mq.py. Usage: guest_virtio_mq.sh NIC0 NIC1
# (two virtio-net devices with 2 queue pairs each, on vfio-pci, cabled to
# multi-queue taps on the host). sl-l2fwd on 2 lcores, 2 queue pairs per
# port, each lcore polling its own queue q of both ports and sending on
# queue q of the other (run to completion, nothing shared): ready_MQ once
# it forwards, SIGINT at stop_MQ, done_MQ after its summary is in app_MQ.log.
# Then MQI, the same with --rx-mode interrupt, /proc/interrupts copied into
# MQI/ whenever the host asks (irq_snapshots).
# Exit status: the number of failed checks.
set -u
. "$SLUICE_SOURCE_DIR/test/vm/guest_lib.sh"
nic0=$1 nic1=$2
l2fwd=$B/examples/l2fwd/sl-l2fwd

check_built "$l2fwd"
check_on vfio-pci "$nic0" "$nic1"
exit_if_failed

run_app MQ "lcore 1: RX port" 0 "$l2fwd" -l 0-1 -a "$nic0" -a "$nic1" --log-level debug -- \
	-p 0x3 --queues 2 -q 2 -T 2 --no-mac-updating
mkdir -p "$R/MQI"
irq_snapshots "$R/MQI" "$R/done_MQI" &
snap_pid=$!
run_app MQI "lcore 1: RX port" 0 "$l2fwd" -l 0-1 -a "$nic0" -a "$nic1" -- \
	-p 0x3 --queues 2 -q 2 -T 0 --no-mac-updating --rx-mode interrupt
wait $snap_pid
exit $fails
