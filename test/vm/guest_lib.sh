# Functions every guest script shares (test/vm/*/guest_*.sh, guest_harness.sh,
# test/perf/vm/guest_bench.sh), sourced first thing:
#
#   . "$SLUICE_SOURCE_DIR/test/vm/guest_lib.sh"
#
# init.sh runs a guest script chrooted into the host's root with the
# environment sluicevm.Guest.start() wrote (SLUICE_RESULTS, SLUICE_BUILD_DIR,
# SLUICE_SOURCE_DIR), so host paths work unchanged in the guest. /bin/sh there
# is the host's (dash on Debian): POSIX sh only, and the functions' own
# variables start with "_" because sh has no locals (a script's $i or $rc
# survives a call). Sets:
#   R B S       results dir (shared with the host), build dir, source dir
#   GUEST_PKT   test/vm/guest_pkt.py (frames sent and received by the kernel)
#   fails       failed checks so far: the script's exit status
R=$SLUICE_RESULTS
B=$SLUICE_BUILD_DIR
S=$SLUICE_SOURCE_DIR
GUEST_PKT=$S/test/vm/guest_pkt.py
fails=0
# VFIO pins every DMA page: root has CAP_IPC_LOCK, but a memlock limit would
# still bite a process that drops it (the e1000 test does so on purpose).
ulimit -l unlimited 2>/dev/null

# ---- checks -------------------------------------------------------------------
ok() { echo "ok: $*"; }
bad() { echo "FAIL: $*"; fails=$((fails + 1)); }
# check DESCRIPTION COMMAND...: ok or FAIL by COMMAND's exit status. COMMAND
# runs in this shell (it may be `wait $pid`); it must not call check itself.
check() {
	_desc=$1
	shift
	if "$@"; then ok "$_desc"; else bad "$_desc"; fi
}
# The checks before a script's real work: on any failure there is nothing
# to test, and the host sees the status at once instead of a timeout.
exit_if_failed() { [ $fails -eq 0 ] || exit $fails; }
check_built() {	# PATH...: each an executable in the build
	for _path in "$@"; do
		check "$(basename "$_path") built ($_path)" test -x "$_path"
	done
}

# ---- PCI devices ----------------------------------------------------------------
pci_dev() { echo "/sys/bus/pci/devices/$1"; }
driver_of() {	# BDF or sysfs device dir: the bound driver's name, or "none"
	case $1 in
	/*) _dev=$1 ;;
	*) _dev=/sys/bus/pci/devices/$1 ;;
	esac
	if [ -e "$_dev/driver" ]; then basename "$(readlink "$_dev/driver")"; else echo none; fi
}
is_on() { [ "$(driver_of "$1")" = "$2" ]; }	# BDF DRIVER
check_on() {	# DRIVER BDF...: one check per device, naming its vendor:device id
	_drv=$1
	shift
	for _bdf in "$@"; do
		check "$_bdf ($(pci_id "$_bdf")) on $_drv" is_on "$_bdf" "$_drv"
	done
}
# BDF: 0 when the command register's Bus Master Enable bit (bit 2) is set:
# the device can DMA.
bus_master_on() {
	_cmd=$(od -An -tu1 -j4 -N1 "/sys/bus/pci/devices/$1/config" | tr -d ' ')
	[ $((_cmd & 4)) -ne 0 ]
}
pci_id() { echo "$(cat "/sys/bus/pci/devices/$1/vendor"):$(cat "/sys/bus/pci/devices/$1/device")"; }
group_of() { basename "$(readlink "/sys/bus/pci/devices/$1/iommu_group")"; }
# BDF: its kernel network interface, "" when it has none. virtio_net's hangs
# below the virtio device (BDF/virtio<N>/net), other drivers' below BDF/net.
ifname_of() {
	for _net in "/sys/bus/pci/devices/$1/net" "/sys/bus/pci/devices/$1"/virtio*/net; do
		if [ -d "$_net" ]; then
			ls "$_net" | head -n 1
			return
		fi
	done
}
has_ifname() { [ -n "$(ifname_of "$1")" ]; }
to_vfio() {	# BDF: from whatever driver it has to vfio-pci (driver_override)
	[ -e "/sys/bus/pci/devices/$1/driver" ] && echo "$1" > "/sys/bus/pci/devices/$1/driver/unbind"
	echo vfio-pci > "/sys/bus/pci/devices/$1/driver_override"
	echo "$1" > /sys/bus/pci/drivers/vfio-pci/bind
}
to_kernel() {	# BDF DRIVER: from vfio-pci or uio_pci_generic back to a kernel driver
	echo > "/sys/bus/pci/devices/$1/driver_override"
	echo "$1" > "/sys/bus/pci/devices/$1/driver/unbind"
	echo "$1" > "/sys/bus/pci/drivers/$2/bind"
}

# ---- kernel interfaces ------------------------------------------------------------
carrier_is() { [ "$(cat "/sys/class/net/$1/carrier" 2>/dev/null)" = "$2" ]; }
wait_carrier() { wait_until 20 carrier_is "$1" "${2:-1}"; }	# IFNAME [1|0]
# kernel_send IFNAME COUNT FIRST_SEQ: the interface up without IPv6 (whose
# router solicitations would add frames to the wire), then COUNT numbered
# test frames (sluicevm.make_frames) out of it; 0 when all went out.
kernel_send() {
	echo 1 > "/proc/sys/net/ipv6/conf/$1/disable_ipv6"
	ip link set "$1" up
	wait_carrier "$1"
	python3 "$GUEST_PKT" send "$1" "$2" --first-seq "$3"
}

# ---- waiting ----------------------------------------------------------------------
# wait_until SECONDS COMMAND...: 0 once COMMAND succeeds (tried every 0.1 s),
# 1 when SECONDS have passed. COMMAND must not call wait_until itself.
wait_until() {
	_tenths=$(($1 * 10))
	shift
	while ! "$@"; do
		[ $_tenths -le 0 ] && return 1
		_tenths=$((_tenths - 1))
		sleep 0.1
	done
}
wait_file() { wait_until "$2" test -e "$1"; }	# PATH SECONDS: the host creates PATH
# wait_for FILE PATTERN SECONDS [PID]: 0 once FILE has a line matching PATTERN
# (grep); 1 when SECONDS pass or process PID exits without having written it.
wait_for() {
	_tenths=$(($3 * 10))
	while ! grep -q -e "$2" "$1" 2>/dev/null; do
		if [ -n "${4:-}" ] && ! kill -0 "$4" 2>/dev/null; then
			grep -q -e "$2" "$1" 2>/dev/null
			return
		fi
		[ $_tenths -le 0 ] && return 1
		_tenths=$((_tenths - 1))
		sleep 0.1
	done
}

# irq_snapshots DIR STOPFILE, in the background: until STOPFILE exists, each
# DIR/NAME.want the host creates becomes DIR/NAME.txt, a copy of
# /proc/interrupts taken then (sluicevm.Guest.interrupts).
irq_snapshots() {
	while [ ! -e "$2" ]; do
		for _want in "$1"/*.want; do
			[ -e "$_want" ] || continue
			cp /proc/interrupts "${_want%.want}.tmp"
			mv "${_want%.want}.tmp" "${_want%.want}.txt"
			rm -f "$_want"
		done
		sleep 0.1
	done
}

# ---- programs in the background ----------------------------------------------------
# spawn LOG COMMAND...: COMMAND in the background, stdout and stderr
# line-buffered into LOG (so wait_for sees each line as it is printed); its
# process id in $pid.
spawn() {
	_log=$1
	shift
	stdbuf -oL -eL "$@" < /dev/null > "$_log" 2>&1 &
	pid=$!
}
is_gone() { ! kill -0 "$1" 2>/dev/null; }
# stop_pid PID [SIGNAL]: SIGNAL (default INT), SIGKILL after 20 s if it has
# not exited by then; returns its exit status (137 after SIGKILL).
stop_pid() {
	kill -"${2:-INT}" "$1" 2>/dev/null
	wait_until 20 is_gone "$1"
	kill -KILL "$1" 2>/dev/null
	wait "$1"
}
# run_app NAME MARKER SETTLE COMMAND...: the host-driven run of a program
# that forwards until told to stop. COMMAND's output goes to app_NAME.log;
# once a line matches MARKER and SETTLE more seconds have passed (QEMU's
# e1000 receives again about a second after each RCTL write) ready_NAME
# appears; when the host creates stop_NAME (or COMMAND exits) it gets
# SIGINT, must exit 0, and done_NAME follows its complete log. 1 (after a
# FAIL) when COMMAND never printed MARKER: the caller decides whether the
# script can go on. RUN_APP_CAPTURE (sl-dumpcap options but -w): a live
# capture of the run, attached before ready_NAME, into cap_NAME.pcapng.
run_app() {
	_name=$1 _marker=$2 _settle=$3
	shift 3
	echo "== $_name: $*"
	spawn "$R/app_$_name.log" "$@"
	if ! wait_for "$R/app_$_name.log" "$_marker" 120 $pid; then
		stop_pid $pid
		cat "$R/app_$_name.log"
		bad "$_name: $(basename "$1") did not start (no '$_marker' in its output)"
		return 1
	fi
	_app=$pid _cap=
	if [ -n "${RUN_APP_CAPTURE:-}" ]; then
		# sl-dumpcap attached to the running app through its telemetry
		# socket; "Capturing on" follows the app's acceptance of the hooks.
		# It writes to the guest's tmpfs (9p writes are slow enough under
		# TCG to fill the capture ring), copied to cap_NAME.pcapng after.
		spawn "$R/dumpcap_$_name.log" "$B/app/dumpcap/sl-dumpcap" $RUN_APP_CAPTURE \
			-w "/tmp/cap_$_name.pcapng"
		_cap=$pid
		wait_for "$R/dumpcap_$_name.log" "Capturing on" 60 $_cap ||
			bad "$_name: sl-dumpcap did not attach: $(tail -n 3 "$R/dumpcap_$_name.log")"
	fi
	sleep "$_settle"
	touch "$R/ready_$_name"
	while [ ! -e "$R/stop_$_name" ] && kill -0 $_app 2>/dev/null; do
		sleep 0.2
	done
	if [ -n "$_cap" ]; then
		stop_pid $_cap		# it drains the ring and writes the drop count
		_rc=$?
		cat "$R/dumpcap_$_name.log"
		check "$_name: sl-dumpcap exit status $_rc after SIGINT" test $_rc -eq 0
		cp "/tmp/cap_$_name.pcapng" "$R/cap_$_name.pcapng"
	fi
	stop_pid $_app
	_rc=$?
	cat "$R/app_$_name.log"
	check "$_name: $(basename "$1") exit status $_rc after SIGINT" test $_rc -eq 0
	touch "$R/done_$_name"
}

# ---- virtio_fwd phases (guest_e1000e.sh, guest_vmxnet3.sh) ----------------------------
# The host drives each run through $R/<NAME>/ (test/vm/virtio/virtio_fwd.c).
FWD=$B/test/vm/virtio/virtio_fwd
# fwd_run NAME NIC_A NIC_B [virtio_fwd options]: forwards until the host
# creates NAME/stop; its statistics in stats_NAME.json.
fwd_run() {
	_name=$1 _a=$2 _b=$3
	shift 3
	mkdir -p "$R/$_name"
	echo "== virtio_fwd $_name: $_a $_b $*"
	"$FWD" -l 0 -a "$_a" -a "$_b" -- --ctl "$R/$_name" --stats "$R/stats_$_name.json" \
		--pool 40000 --timeout 600 "$@" > "$R/fwd_$_name.log" 2>&1
	_rc=$?
	cat "$R/fwd_$_name.log"
	check "$_name: virtio_fwd exit status $_rc" test $_rc -eq 0
	check "$_name: stats written" test -s "$R/stats_$_name.json"
	check "$_name: $_a still on vfio-pci" is_on "$_a" vfio-pci
}
# fwd_kill_phase NIC_A NIC_B: phase K. A forwarder killed with SIGKILL in
# the middle of forwarding leaves the devices programmed (and active); the
# next one must quiesce them, take them over and forward (fwd_run K).
fwd_kill_phase() {
	mkdir -p "$R/K0"
	spawn "$R/fwd_K0.log" "$FWD" -l 0 -a "$1" -a "$2" -- --ctl "$R/K0" --pool 40000 \
		--timeout 600
	check "K: first virtio_fwd forwarding" wait_file "$R/K0/ready" 120
	wait_file "$R/K0/kill" 300
	kill -KILL $pid
	wait $pid
	check "K: first virtio_fwd killed (status $?)" true
	cat "$R/fwd_K0.log"
	fwd_run K "$1" "$2"
}
# kernel_back_phase NIC DRIVER: phase E. The kernel's DRIVER takes NIC back
# (driver_override cleared) and sends 100 frames (sequence 2000000 on).
kernel_back_phase() {
	to_kernel "$1" "$2"
	check "E: $1 back on $2" is_on "$1" "$2"
	_if=$(ifname_of "$1")
	check "E: kernel interface '$_if'" test -n "$_if"
	[ -n "$_if" ] && check "E: kernel $2 sent 100 frames" kernel_send "$_if" 100 2000000
}
