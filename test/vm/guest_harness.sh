#!/bin/sh
# Guest half of test_harness.py (runs inside the guest, chrooted into the
# host root, cwd = results dir).
# Usage: guest_harness.sh E1000 VIRTIO CROSS_A CROSS_B MQ|none COUNT  (PCI addresses)
# Order matters, the host follows it: (1) environment checks, (2) COUNT frames
# sent by the e1000's kernel driver, (3) COUNT frames received on virtio-net
# (after creating rx_ready), (4) 300 frames CROSS_A -> CROSS_B over the
# crossover cable (guest only), (5) link down/up of the e1000 driven from the
# host's QEMU monitor (files link_ready, link_down_seen, link_up_seen),
# (6) the multi-queue virtio NIC (if any): 2 queue pairs, 200 frames in after
# mq_ready, 200 out with seq 5000.., (7) e1000 to vfio-pci, VFIO probe, back
# to e1000, (8) 100 frames with seq 1000000.. sent on the rebound e1000.
# Exit status: the number of failed checks.
set -u
. "$SLUICE_SOURCE_DIR/test/vm/guest_lib.sh"
e1000=$1 virtio=$2 cross_a=$3 cross_b=$4 mq=$5 count=$6
# the time of each step: this test is also where boot and 9p speed show
ok() { echo "ok: $* [$(cut -d" " -f1 /proc/uptime) s]"; }

# (1) environment
check "IOMMU registered: $(ls /sys/class/iommu | tr '\n' ' ')" test -n "$(ls /sys/class/iommu)"
check "/dev/vfio/vfio exists" test -c /dev/vfio/vfio
check "vfio-pci driver registered" test -d /sys/bus/pci/drivers/vfio-pci
ge=$(group_of "$e1000")
gv=$(group_of "$virtio")
check "NICs in distinct IOMMU groups (e1000: $ge, virtio: $gv)" test -n "$ge" -a -n "$gv" -a "$ge" != "$gv"
check "e1000 alone in its group" test "$(ls "/sys/kernel/iommu_groups/$ge/devices")" = "$e1000"
check "virtio alone in its group" test "$(ls "/sys/kernel/iommu_groups/$gv/devices")" = "$virtio"
check "e1000 bound to e1000 driver" is_on "$e1000" e1000
check "virtio NIC bound to virtio-pci" is_on "$virtio" virtio-pci
vdev=$(ls -d /sys/bus/pci/devices/$virtio/virtio* 2>/dev/null | head -1)
check "virtio NIC's virtio device bound to virtio_net" test "$(driver_of "$vdev")" = virtio_net
e_if=$(ifname_of "$e1000")
v_if=$(ifname_of "$virtio")
check "interfaces: e1000 '$e_if', virtio '$v_if'" test -n "$e_if" -a -n "$v_if"
check "e1000-82545em model is 8086:100f" test "$(pci_id "$cross_a")" = 0x8086:0x100f
check "e1000-82544gc model is 8086:100c" test "$(pci_id "$cross_b")" = 0x8086:0x100c
check "virtio model is modern-only 1af4:1041" test "$(pci_id "$virtio")" = 0x1af4:0x1041
a_if=$(ifname_of "$cross_a")
b_if=$(ifname_of "$cross_b")
check "crossover interfaces: '$a_if', '$b_if'" test -n "$a_if" -a -n "$b_if"
[ $fails -eq 0 ] || echo "environment checks failed, not testing traffic"
exit_if_failed

# The kernel's own IPv6 (router solicitations, MLD) would add frames to the wire.
echo 1 > /proc/sys/net/ipv6/conf/all/disable_ipv6
echo 1 > /proc/sys/net/ipv6/conf/default/disable_ipv6
ip link set "$e_if" up
ip link set "$v_if" up
check "e1000 link up" wait_carrier "$e_if"
check "virtio link up" wait_carrier "$v_if"

# (2) guest -> host through e1000
check "e1000 sent $count frames" python3 "$GUEST_PKT" send "$e_if" "$count" --stats "$R/tx_stats.json"

# (3) host -> guest through virtio-net
check "virtio receive ran" python3 "$GUEST_PKT" recv "$v_if" "$count" --out "$R/rx.pcap" \
	--ready "$R/rx_ready" --timeout 120 --stats "$R/rx_stats.json"

# (4) crossover cable between two NICs of this guest
ip link set "$a_if" up
ip link set "$b_if" up
check "crossover link A up" wait_carrier "$a_if"
check "crossover link B up" wait_carrier "$b_if"
python3 "$GUEST_PKT" recv "$b_if" 300 --out "$R/cross.pcap" --ready "$R/cross_ready" --timeout 60 &
rx_pid=$!
while [ ! -e "$R/cross_ready" ]; do sleep 0.1; done
check "crossover: 300 frames sent" python3 "$GUEST_PKT" send "$a_if" 300 --first-seq 3000
check "crossover: receiver ran" wait $rx_pid

# (5) link state from the host's monitor (set_link)
touch "$R/link_ready"
check "e1000 carrier lost after set_link off" wait_carrier "$e_if" 0; touch "$R/link_down_seen"
check "e1000 carrier back after set_link on" wait_carrier "$e_if" 1; touch "$R/link_up_seen"

# (6) multi-queue virtio-net on a host tap
if [ "$mq" != none ]; then
	m_if=$(ifname_of "$mq")
	check "virtio-mq interface '$m_if' has 2 RX and 2 TX queues" \
		test "$(ls "/sys/class/net/$m_if/queues" 2>/dev/null | tr '\n' ' ')" = "rx-0 rx-1 tx-0 tx-1 "
	ip link set "$m_if" up
	check "virtio-mq link up" wait_carrier "$m_if"
	check "virtio-mq receive ran" python3 "$GUEST_PKT" recv "$m_if" 200 --out "$R/mq.pcap" \
		--ready "$R/mq_ready" --timeout 60
	check "virtio-mq sent 200 frames" python3 "$GUEST_PKT" send "$m_if" 200 --first-seq 5000
fi

# (7) e1000 to vfio-pci and back, through sysfs driver_override
ip link set "$e_if" down
dev=/sys/bus/pci/devices/$e1000
echo "$e1000" > "$dev/driver/unbind"
check "e1000 unbound from kernel driver" test "$(driver_of "$dev")" = none
echo vfio-pci > "$dev/driver_override"
echo "$e1000" > /sys/bus/pci/drivers/vfio-pci/bind
check "e1000 bound to vfio-pci" test "$(driver_of "$dev")" = vfio-pci
check "/dev/vfio/$ge appeared" test -c "/dev/vfio/$ge"
check "VFIO type1 probe of e1000" python3 "$S/test/vm/guest_vfio.py" "$e1000" --out "$R/vfio.json"
echo "$e1000" > /sys/bus/pci/drivers/vfio-pci/unbind
check "/dev/vfio/$ge gone after unbind" test ! -e "/dev/vfio/$ge"
echo > "$dev/driver_override"
echo "$e1000" > /sys/bus/pci/drivers/e1000/bind
check "e1000 bound back to e1000 driver" test "$(driver_of "$dev")" = e1000
e_if=$(ifname_of "$e1000")
check "e1000 interface back: '$e_if'" test -n "$e_if"

# (8) the rebound interface works
if [ -n "$e_if" ]; then
	ip link set "$e_if" up
	check "e1000 link up after rebind" wait_carrier "$e_if"
	check "rebound e1000 sent 100 frames" python3 "$GUEST_PKT" send "$e_if" 100 --first-seq 1000000
fi

echo "guest checks failed: $fails"
exit $fails
