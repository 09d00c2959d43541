#!/bin/sh
# Guest half of test_virtio_mq.py. Usage: guest_virtio_mq.sh NIC0 NIC1
# (two virtio-net devices with 2 queue pairs each, on vfio-pci, cabled to
# multi-queue taps on the host). sl-l2fwd on 2 lcores, 2 queue pairs per
# port, each lcore polling its own queue q of both ports and sending on
# queue q of the other (run to completion, nothing shared): ready_MQ once
# it forwards, SIGINT at stop_MQ, done_MQ after its summary is in app_MQ.log.
# Exit status: the number of failed checks.
set -u
nic0=$1 nic1=$2
R=$SLUICE_RESULTS
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

check "sl-l2fwd built ($l2fwd)" test -x "$l2fwd"
check "$nic0 on vfio-pci" test "$(driver_of "$nic0")" = vfio-pci
check "$nic1 on vfio-pci" test "$(driver_of "$nic1")" = vfio-pci
[ $fails -ne 0 ] && exit $fails
ulimit -l unlimited 2>/dev/null

echo "== MQ: sl-l2fwd -l 0-1 $nic0 <-> $nic1, 2 queue pairs each"
stdbuf -oL -eL "$l2fwd" -l 0-1 -a "$nic0" -a "$nic1" --log-level debug -- -p 0x3 --queues 2 -q 2 -T 2 \
	--no-mac-updating > "$R/app_MQ.log" 2>&1 &
pid=$!
i=0
while ! grep -q "lcore 1: RX port" "$R/app_MQ.log" && kill -0 $pid 2>/dev/null && [ $i -lt 600 ]; do
	sleep 0.2
	i=$((i + 1))
done
if ! kill -0 $pid 2>/dev/null; then
	cat "$R/app_MQ.log"
	bad "MQ: sl-l2fwd did not start"
	exit $fails
fi
touch "$R/ready_MQ"
while [ ! -e "$R/stop_MQ" ] && kill -0 $pid 2>/dev/null; do
	sleep 0.2
done
kill -INT $pid 2>/dev/null
wait $pid
rc=$?
cat "$R/app_MQ.log"
check "MQ: sl-l2fwd exit status $rc after SIGINT" test $rc -eq 0
touch "$R/done_MQ"
exit $fails
