#!/bin/sh
# Guest half of test_harness.py (runs inside the guest, chrooted into the
# host root, cwd = results dir). Usage: guest_harness.sh E1000_BDF VIRTIO_BDF COUNT
# Order matters, the host follows it: (1) environment checks, (2) COUNT frames
# sent by the e1000's kernel driver, (3) COUNT frames received on virtio-net
# (after creating rx_ready), (4) e1000 to vfio-pci, VFIO probe, back to e1000,
# (5) 100 frames with seq 1000000.. sent on the rebound e1000.
# Exit status: the number of failed checks.
set -u
e1000=$1 virtio=$2 count=$3
here=$(dirname "$0")
R=$SLUICE_RESULTS
fails=0

ok() { echo "ok: $*"; }
bad() { echo "FAIL: $*"; fails=$((fails + 1)); }
check() {
	desc=$1; shift
	if "$@"; then ok "$desc"; else bad "$desc"; fi
}
driver_of() {	# PCI (or virtio) device dir -> bound driver name, or "none"
	if [ -e "$1/driver" ]; then basename "$(readlink "$1/driver")"; else echo none; fi
}
group_of() { basename "$(readlink "/sys/bus/pci/devices/$1/iommu_group")"; }
wait_carrier() {
	i=0
	while [ "$(cat "/sys/class/net/$1/carrier" 2>/dev/null)" != 1 ]; do
		i=$((i + 1))
		[ $i -gt 200 ] && return 1
		sleep 0.1
	done
}

# (1) environment
check "IOMMU registered: $(ls /sys/class/iommu | tr '\n' ' ')" test -n "$(ls /sys/class/iommu)"
check "/dev/vfio/vfio exists" test -c /dev/vfio/vfio
check "vfio-pci driver registered" test -d /sys/bus/pci/drivers/vfio-pci
ge=$(group_of "$e1000")
gv=$(group_of "$virtio")
check "NICs in distinct IOMMU groups (e1000: $ge, virtio: $gv)" test -n "$ge" -a -n "$gv" -a "$ge" != "$gv"
check "e1000 alone in its group" test "$(ls "/sys/kernel/iommu_groups/$ge/devices")" = "$e1000"
check "virtio alone in its group" test "$(ls "/sys/kernel/iommu_groups/$gv/devices")" = "$virtio"
check "e1000 bound to e1000 driver" test "$(driver_of "/sys/bus/pci/devices/$e1000")" = e1000
check "virtio NIC bound to virtio-pci" test "$(driver_of "/sys/bus/pci/devices/$virtio")" = virtio-pci
vdev=$(ls -d /sys/bus/pci/devices/$virtio/virtio* 2>/dev/null | head -1)
check "virtio NIC's virtio device bound to virtio_net" test "$(driver_of "$vdev")" = virtio_net
e_if=$(ls "/sys/bus/pci/devices/$e1000/net" 2>/dev/null)
v_if=$(ls "$vdev/net" 2>/dev/null)
check "interfaces: e1000 '$e_if', virtio '$v_if'" test -n "$e_if" -a -n "$v_if"
if [ $fails -ne 0 ]; then
	echo "environment checks failed, not testing traffic"
	exit $fails
fi

# The kernel's own IPv6 (router solicitations, MLD) would add frames to the wire.
echo 1 > /proc/sys/net/ipv6/conf/all/disable_ipv6
echo 1 > /proc/sys/net/ipv6/conf/default/disable_ipv6
ip link set "$e_if" up
ip link set "$v_if" up
check "e1000 link up" wait_carrier "$e_if"
check "virtio link up" wait_carrier "$v_if"

# (2) guest -> host through e1000
check "e1000 sent $count frames" python3 "$here/guest_pkt.py" send "$e_if" "$count" --stats "$R/tx_stats.json"

# (3) host -> guest through virtio-net
check "virtio receive ran" python3 "$here/guest_pkt.py" recv "$v_if" "$count" --out "$R/rx.pcap" \
	--ready "$R/rx_ready" --timeout 120 --stats "$R/rx_stats.json"

# (4) e1000 to vfio-pci and back, through sysfs driver_override
ip link set "$e_if" down
dev=/sys/bus/pci/devices/$e1000
echo "$e1000" > "$dev/driver/unbind"
check "e1000 unbound from kernel driver" test "$(driver_of "$dev")" = none
echo vfio-pci > "$dev/driver_override"
echo "$e1000" > /sys/bus/pci/drivers/vfio-pci/bind
check "e1000 bound to vfio-pci" test "$(driver_of "$dev")" = vfio-pci
check "/dev/vfio/$ge appeared" test -c "/dev/vfio/$ge"
check "VFIO type1 probe of e1000" python3 "$here/guest_vfio.py" "$e1000" --out "$R/vfio.json"
echo "$e1000" > /sys/bus/pci/drivers/vfio-pci/unbind
check "/dev/vfio/$ge gone after unbind" test ! -e "/dev/vfio/$ge"
echo > "$dev/driver_override"
echo "$e1000" > /sys/bus/pci/drivers/e1000/bind
check "e1000 bound back to e1000 driver" test "$(driver_of "$dev")" = e1000
e_if=$(ls "$dev/net" 2>/dev/null)
check "e1000 interface back: '$e_if'" test -n "$e_if"

# (5) the rebound interface works
if [ -n "$e_if" ]; then
	ip link set "$e_if" up
	check "e1000 link up after rebind" wait_carrier "$e_if"
	check "rebound e1000 sent 100 frames" python3 "$here/guest_pkt.py" send "$e_if" 100 --first-seq 1000000
fi

echo "guest checks failed: $fails"
exit $fails
