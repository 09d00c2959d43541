#!/bin/sh
# Guest half of test_devbind_vm.py (chrooted into the host root, cwd = the
# results dir). Usage: guest_devbind.sh BRIDGE NIC0 NIC1 NIC2 NIC3
#   NIC0, NIC1: 82540EMs on the root bus; NIC2, NIC3: 82540EMs behind the
#   PCIe-to-PCI bridge BRIDGE (one IOMMU group). All start on e1000.
# Runs the real usertools/sl-devbind; phases S B I R V as in the host test.
# The host waits for 50 frames from NIC0 (B) and for ready_V (V), then
# creates stop_V. Exit status: the number of failed checks.
set -u
. "$SLUICE_SOURCE_DIR/test/vm/guest_lib.sh"
bridge=$1 nic0=$2 nic1=$3 nic2=$4 nic3=$5
devbind="python3 $S/usertools/sl-devbind"
fwd=$B/test/vm/e1000/fwd_min
KERNEL_SECTION="Network devices using a kernel driver"
VFIO_SECTION="Network devices bound to vfio-pci or uio_pci_generic"
NONE_SECTION="Network devices without a driver"
step=0

override_of() { cat "$(pci_dev "$1")/driver_override"; }
has() { grep -qF -- "$2" "$1"; }		# FILE TEXT
hasnt() { ! grep -qF -- "$2" "$1"; }
count() { grep -cF -- "$2" "$1"; }		# lines of FILE with TEXT

# sl-devbind ARGS...: output in $out.stdout/$out.stderr, status in $rc; both
# echoed to the console so a failure shows what the tool said.
run_devbind() {
	step=$((step + 1))
	out=$R/devbind_$step
	echo "\$ sl-devbind $*"
	$devbind "$@" > "$out.stdout" 2> "$out.stderr"
	rc=$?
	sed 's/^/  | /' "$out.stdout" "$out.stderr"
	echo "  (exit $rc)"
}
# The --status section a device's line is in ("" when it is not listed).
section_of() {	# BDF FILE
	awk -v bdf="$1" '/^=+$/ { title = prev } index($0, bdf " ") == 1 { print title } { prev = $0 }' "$2"
}
line_of() { grep "^$1 " "$2"; }	# BDF FILE
status_shows() {	# BDF SECTION TEXT...: the device's --status line is in SECTION and has each TEXT
	run_devbind --status
	check "--status exits 0" test $rc -eq 0
	status_has "$@"
}
status_has() {	# the same on the last --status output
	bdf=$1 want=$2; shift 2
	check "--status lists $bdf under '$want'" test "$(section_of "$bdf" "$out.stdout")" = "$want"
	for text in "$@"; do
		check "--status line of $bdf has '$text'" sh -c 'grep "^$1 " "$2" | grep -qF -- "$3"' \
			sh "$bdf" "$out.stdout" "$text"
	done
}

for n in "$nic0" "$nic1" "$nic2" "$nic3"; do
	check "$n on e1000 at boot" is_on "$n" e1000
done
check "$nic2 and $nic3 sit behind the bridge $bridge" \
	test -e "$(pci_dev "$bridge")/$nic2" -a -e "$(pci_dev "$bridge")/$nic3"
g0=$(group_of "$nic0") g1=$(group_of "$nic1") g2=$(group_of "$nic2")
check "$nic2 and $nic3 share IOMMU group $g2 (behind a PCIe-to-PCI bridge)" \
	test "$(group_of "$nic3")" = "$g2"
check "$nic0 ($g0), $nic1 ($g1), $nic2 ($g2): groups of their own" \
	test "$g0" != "$g1" -a "$g0" != "$g2" -a "$g1" != "$g2"
echo "IOMMU group $g2: $(ls /sys/kernel/iommu_groups/$g2/devices | tr '\n' ' ')"
echo "bridge $bridge driver: $(driver_of "$bridge")"
exit_if_failed
if0=$(ifname_of "$nic0") if1=$(ifname_of "$nic1")

echo "== S: --status"
run_devbind --status
check "--status exits 0" test $rc -eq 0
for n in "$nic0" "$nic1" "$nic2" "$nic3"; do
	status_has "$n" "$KERNEL_SECTION" drv=e1000 "if=$(ifname_of "$n")" \
		"iommu_group=$(group_of "$n")" 8086:100e
	check "--status line of $n offers vfio-pci" sh -c \
		'grep "^$1 " "$2" | grep -q " unused=\([^ ]*,\)\?vfio-pci[, ]"' sh "$n" "$out.stdout"
done
check "S: $nic2's line names $nic3 in its group" sh -c \
	'grep "^$1 " "$2" | grep -qF "group_members=" && grep "^$1 " "$2" | grep -qF "$3(e1000)"' \
	sh "$nic2" "$out.stdout" "$nic3"
check "S: $nic0's group has no other members" sh -c '! grep "^$1 " "$2" | grep -q group_members=' \
	sh "$nic0" "$out.stdout"
check "S: vfio-pci section is empty" sh -c \
	'awk "/^$1\$/ { getline; getline; print; exit }" "$2" | grep -qx "<none>"' sh "$VFIO_SECTION" "$out.stdout"

echo "== B: $nic0 to vfio-pci and back to e1000"
run_devbind --bind vfio-pci "$nic0"
check "B: --bind vfio-pci $nic0 exits 0" test $rc -eq 0
check "B: it says what it did" has "$out.stdout" "$nic0 ($if0): bound to vfio-pci (was e1000)"
check "B: $nic0 is on vfio-pci" is_on "$nic0" vfio-pci
check "B: driver_override is vfio-pci" test "$(override_of "$nic0")" = vfio-pci
check "B: interface $if0 is gone" test -z "$(ifname_of "$nic0")" -a ! -e "/sys/class/net/$if0"
check "B: /dev/vfio/$g0 exists" test -c "/dev/vfio/$g0"
status_shows "$nic0" "$VFIO_SECTION" drv=vfio-pci "vfio=/dev/vfio/$g0" "iommu_group=$g0"
check "B: no if= for a device without interface" sh -c '! grep "^$1 " "$2" | grep -q " if="' \
	sh "$nic0" "$out.stdout"
run_devbind -b vfio-pci "$nic0"
check "B: binding again exits 0" test $rc -eq 0
check "B: ... and says it already is" has "$out.stdout" "$nic0 is already bound to vfio-pci"
short0=${nic0#0000:}
run_devbind --bind e1000 "$short0"
check "B: --bind e1000 $short0 (short address) exits 0" test $rc -eq 0
check "B: it says what it did" has "$out.stdout" "$nic0: bound to e1000 (was vfio-pci)"
check "B: $nic0 is on e1000 again" is_on "$nic0" e1000
check "B: driver_override cleared" test "$(override_of "$nic0")" = "(null)"
new0=$(ifname_of "$nic0")
check "B: the kernel interface reappeared ('$new0')" test -n "$new0" -a -e "/sys/class/net/$new0"
status_shows "$nic0" "$KERNEL_SECTION" drv=e1000 "if=$new0"
if [ -n "$new0" ]; then
	check "B: $new0 sends 50 frames to the host" kernel_send "$new0" 50 100
fi

echo "== I: $nic1 by interface name, --unbind"
run_devbind --bind vfio-pci nosuchnic0 "$if1"
check "I: an unknown name among several: exit 1, nothing done" \
	test $rc -eq 1 -a "$(driver_of "$nic1")" = e1000
check "I: ... one error line naming it" test "$(count "$out.stderr" "named 'nosuchnic0'")" = 1
run_devbind --bind vfio-pci "$if1"
check "I: --bind vfio-pci $if1 (interface name) exits 0" test $rc -eq 0
check "I: it names device and interface" has "$out.stdout" "$nic1 ($if1): bound to vfio-pci (was e1000)"
check "I: $nic1 is on vfio-pci" is_on "$nic1" vfio-pci
run_devbind --bind vfio-pci "$if1"
check "I: $if1 is now an unknown name: exit 1" test $rc -eq 1
check "I: ... with one error line that says to use the PCI address" test "$(count "$out.stderr" \
	"sl-devbind: error: no PCI device or network interface named '$if1' (an interface name disappears once its device leaves the kernel driver: use the PCI address)")" = 1
run_devbind --unbind "$nic1"
check "I: --unbind $nic1 exits 0" test $rc -eq 0
check "I: it says what it did" has "$out.stdout" "$nic1: unbound from vfio-pci"
check "I: $nic1 has no driver" is_on "$nic1" none
check "I: driver_override cleared" test "$(override_of "$nic1")" = "(null)"
status_shows "$nic1" "$NONE_SECTION" "iommu_group=$g1"
run_devbind --unbind "$nic1"
check "I: --unbind again exits 0 and says so" sh -c '[ $1 -eq 0 ] && grep -qF "$2 was not bound to any driver" "$3"' \
	sh $rc "$nic1" "$out.stdout"
run_devbind --bind e1000 "$nic1"
check "I: --bind e1000 $nic1 exits 0" test $rc -eq 0
check "I: $nic1 back on e1000" is_on "$nic1" e1000
if1=$(ifname_of "$nic1")
check "I: its interface reappeared ('$if1')" test -n "$if1"

echo "== R: an interface with a route is refused"
ip addr add 10.99.0.1/24 dev "$if1"
ip link set "$if1" up
wait_carrier "$if1"
grep -q "^$if1[[:space:]]" /proc/net/route || bad "R: no route through $if1 in /proc/net/route"
status_shows "$nic1" "$KERNEL_SECTION" "if=$if1" "*Active*"
run_devbind --bind vfio-pci "$nic1"
check "R: --bind vfio-pci of an active interface exits 1" test $rc -eq 1
check "R: one error line says why and what to do" test "$(count "$out.stderr" \
	"sl-devbind: error: interface $if1 ($nic1) is active (has routes); use --force to take it anyway")" = 1
check "R: $nic1 stays on e1000 with its address" sh -c \
	'[ "$1" = e1000 ] && ip addr show dev "$2" | grep -qF 10.99.0.1/24' sh "$(driver_of "$nic1")" "$if1"
run_devbind --unbind "$if1"
check "R: --unbind is refused too (exit 1)" test $rc -eq 1 -a "$(driver_of "$nic1")" = e1000
run_devbind --force --bind vfio-pci "$if1"
check "R: --force takes it (exit $rc)" test $rc -eq 0 -a "$(driver_of "$nic1")" = vfio-pci
run_devbind --bind e1000 "$nic1"
check "R: and --bind e1000 gives it back" test $rc -eq 0 -a "$(driver_of "$nic1")" = e1000

echo "== V: IOMMU group $g2 shared by $nic2 and $nic3"
run_devbind --bind vfio-pci "$nic2"
check "V: --bind vfio-pci $nic2 exits 0" test $rc -eq 0 -a "$(driver_of "$nic2")" = vfio-pci
check "V: it warns that the group also holds $nic3 (e1000)" sh -c \
	'grep -F "sl-devbind: warning: IOMMU group $1 also holds " "$2" | grep -qF "$3 (e1000)"' \
	sh "$g2" "$out.stderr" "$nic3"
check "V: ... and says how to fix it" sh -c \
	'grep -F "sl-devbind: warning: IOMMU group $1" "$2" | grep -qF "sl-devbind --bind vfio-pci $3"' \
	sh "$g2" "$out.stderr" "$nic3"
status_shows "$nic2" "$VFIO_SECTION" "$nic3(e1000)" "vfio=/dev/vfio/$g2"

echo "\$ fwd_min -l 0 -a $nic2 -- --timeout 5"
"$fwd" -l 0 -a "$nic2" -- --timeout 5 > "$R/fwd_V1.log" 2>&1
rc=$?
sed 's/^/  | /' "$R/fwd_V1.log"
check "V: fwd_min on $nic2 with $nic3 on e1000 fails (exit $rc)" test $rc -ne 0
want="$nic2: IOMMU group $g2 is not viable: every device in it must be bound to vfio-pci or to no driver ("
check "V: one error line says the group is not viable" test "$(count "$R/fwd_V1.log" "$want")" = 1
check "V: ... naming $nic3 and its driver" sh -c 'grep -F "$1" "$2" | grep -qF "$3 is on e1000"' \
	sh "$want" "$R/fwd_V1.log" "$nic3"
check "V: ... and what to do" sh -c 'grep -F "$1" "$2" | grep -qF "sl-devbind --bind vfio-pci"' \
	sh "$want" "$R/fwd_V1.log"
check "V: ... and not the bridge (VFIO accepts bridges on any driver)" sh -c \
	'! grep -F "$1" "$2" | grep -qF "$3 is on"' sh "$want" "$R/fwd_V1.log" "$bridge"
check "V: $nic2 still on vfio-pci" is_on "$nic2" vfio-pci

run_devbind --unbind "$nic3"
check "V: --unbind $nic3 exits 0" test $rc -eq 0 -a "$(driver_of "$nic3")" = none
"$fwd" -l 0 -a "$nic2" -- --timeout 1 > "$R/fwd_V2.log" 2>&1
sed 's/^/  | /' "$R/fwd_V2.log"
check "V: with $nic3 unbound the group is viable (no such error)" hasnt "$R/fwd_V2.log" "not viable"
check "V: ... and fwd_min got its one port" has "$R/fwd_V2.log" "needs exactly 2 ports, found 1"
run_devbind --bind vfio-pci "$nic3"
check "V: --bind vfio-pci $nic3 exits 0" test $rc -eq 0 -a "$(driver_of "$nic3")" = vfio-pci
check "V: no warning once the whole group is on vfio-pci" test ! -s "$out.stderr"

echo "\$ fwd_min -l 0 -a $nic2 -a $nic3"
"$fwd" -l 0 -a "$nic2" -a "$nic3" -- --ready "$R/ready_V" --stop "$R/stop_V" \
	--stats "$R/stats_V.json" --timeout 600 > "$R/fwd_V3.log" 2>&1
rc=$?
sed 's/^/  | /' "$R/fwd_V3.log"
check "V: fwd_min on $nic2 + $nic3 (one group) exit status $rc" test $rc -eq 0
check "V: stats written" test -s "$R/stats_V.json"

run_devbind --bind e1000 "$nic2" "${nic3#0000:}"
check "V: --bind e1000 of both exits 0" test $rc -eq 0
for n in "$nic2" "$nic3"; do
	check "V: $n back on e1000 with an interface" test "$(driver_of "$n")" = e1000 -a -n "$(ifname_of "$n")"
done
run_devbind --status
for n in "$nic0" "$nic1" "$nic2" "$nic3"; do
	check "end: --status lists $n on a kernel driver" test "$(section_of "$n" "$out.stdout")" = "$KERNEL_SECTION"
done
exit $fails
