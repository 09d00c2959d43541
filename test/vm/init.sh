#!/bin/busybox sh
# /init of the Sluice test guest (packed by mkinitramfs.py, run by busybox sh).
#
# Mounts the host's root file system read-only over 9p at /host, makes it
# usable as a root (tmpfs /tmp and /run, bound /proc /sys /dev, hugetlbfs),
# mounts the writable "results" share at the same absolute path it has on the
# host, runs the test's guest script chrooted into /host so that build-tree
# binaries and Python scripts run unchanged, records its exit status and powers
# off. Kernel command line parameters (all written by sluicevm.py):
#   sluice.script=PATH    guest script (host path); none: a shell on the console
#   sluice.args64=B64     base64 of its arguments, already shell-quoted
#   sluice.env64=B64      base64 of `export NAME='value'` lines for the script
#   sluice.results=PATH   host path of the results share (tag "results")
#   sluice.hugepages=N    2 MiB hugepages to reserve (default 256)
#   sluice.keep=D1,D2     host dirs under /tmp or /run to keep visible (source, build)
#   sluice.vfio=BDF,...   PCI devices to bind to vfio-pci before the script
#   sluice.uio=BDF,...    PCI devices to bind to uio_pci_generic before the script
#   sluice.nomods=M,...   modules of /modules/order not to load (e.g. e1000)
# Console markers the host waits for: "SLUICE-GUEST-EXIT <status>" when the
# script has finished, "SLUICE-INIT-ERROR <reason>" when the guest could not
# be set up (then the script never ran).

/bin/busybox --install -s
export PATH=/usr/sbin:/usr/bin:/sbin:/bin

fatal() {
	echo "SLUICE-INIT-ERROR $*"
	sync
	poweroff -f
	exit 1
}

mount -t proc proc /proc || fatal "mount /proc failed"
mount -t sysfs sysfs /sys || fatal "mount /sys failed"
mount -t devtmpfs devtmpfs /dev || fatal "mount devtmpfs on /dev failed"

script= args64= env64= results= hugepages=256 vfio= uio= nomods= keep=
for word in $(cat /proc/cmdline); do
	case "$word" in
	sluice.script=*) script=${word#*=} ;;
	sluice.args64=*) args64=${word#*=} ;;
	sluice.env64=*) env64=${word#*=} ;;
	sluice.results=*) results=${word#*=} ;;
	sluice.hugepages=*) hugepages=${word#*=} ;;
	sluice.vfio=*) vfio=${word#*=} ;;
	sluice.uio=*) uio=${word#*=} ;;
	sluice.nomods=*) nomods=${word#*=} ;;
	sluice.keep=*) keep=${word#*=} ;;
	esac
done

for mod in $(cat /modules/order); do
	case ",$nomods," in *",$mod,"*) continue ;; esac
	insmod /modules/$mod.ko || fatal "insmod $mod failed (kernel/module version mismatch?)"
done
ip link set lo up

# 9p: msize bounds each request; 256 KiB instead of the 8 KiB default makes
# reading binaries and Python modules several times faster. cache=loose is safe
# for the read-only root (the host does not change the build tree during a test);
# the results share stays uncached so each side sees the other's writes at once.
mount -t 9p -o trans=virtio,version=9p2000.L,ro,msize=262144,cache=loose hostroot /host ||
	fatal "mount of the host root (9p tag hostroot) failed"
# Host directories under /tmp or /run that the test needs (a CI clone may
# live there) are set aside before the tmpfs covers them, then bound back.
i=0
for dir in $(echo "$keep" | tr ',' ' '); do
	mkdir -p /keep/$i && mount --bind "/host$dir" /keep/$i || fatal "cannot keep $dir visible"
	i=$((i + 1))
done
mount -t tmpfs -o mode=1777 tmpfs /host/tmp || fatal "tmpfs on /host/tmp failed"
mount -t tmpfs -o mode=755 tmpfs /host/run || fatal "tmpfs on /host/run failed"
i=0
for dir in $(echo "$keep" | tr ',' ' '); do
	mkdir -p "/host$dir" && mount --bind /keep/$i "/host$dir" || fatal "cannot bind $dir back"
	i=$((i + 1))
done
mount --bind /proc /host/proc || fatal "bind /proc failed"
mount --bind /sys /host/sys || fatal "bind /sys failed"
mount --bind /dev /host/dev || fatal "bind /dev failed"
mkdir -p /host/dev/pts /host/dev/shm /host/dev/hugepages
mount -t devpts -o newinstance,ptmxmode=0666 devpts /host/dev/pts
mount -t tmpfs -o mode=1777 tmpfs /host/dev/shm
mount -t hugetlbfs -o pagesize=2M hugetlbfs /host/dev/hugepages || fatal "mount hugetlbfs failed"
echo "$hugepages" > /proc/sys/vm/nr_hugepages
got=$(cat /proc/sys/vm/nr_hugepages)
[ "$got" -ge "$hugepages" ] ||
	echo "sluice-init: warning: reserved $got of $hugepages hugepages (give the guest more memory)"

if [ -n "$results" ]; then
	# The path exists in the read-only host root view unless it lies under
	# /tmp or /run, which are tmpfs here: mkdir covers that case.
	mkdir -p "/host$results" 2>/dev/null
	mount -t 9p -o trans=virtio,version=9p2000.L,rw,msize=262144,cache=none results "/host$results" ||
		fatal "mount of the results share at $results failed"
	mkdir -p /host/run/sluice
	ln -s "$results" /host/run/sluice/results
fi

# Binding here rather than in each guest script keeps driver tests short.
# driver_override makes vfio-pci accept a device it has no ID table entry for.
bind_to() {	# driver, BDF list
	for bdf in $(echo "$2" | tr , ' '); do
		dev=/sys/bus/pci/devices/$bdf
		[ -d "$dev" ] || fatal "binding to $1: no PCI device $bdf in the guest"
		[ -e "$dev/driver" ] && echo "$bdf" > "$dev/driver/unbind"
		echo "$1" > "$dev/driver_override"
		echo "$bdf" > "/sys/bus/pci/drivers/$1/bind" ||
			fatal "binding $bdf to $1 failed"
	done
}
[ -n "$vfio" ] && bind_to vfio-pci "$vfio"
[ -n "$uio" ] && bind_to uio_pci_generic "$uio"

if [ -z "$script" ]; then
	echo "sluice-init: no sluice.script: shell on the console, host root in /host (exit powers off)"
	setsid cttyhack sh
	poweroff -f
fi

[ -e "/host$script" ] || fatal "guest script $script does not exist in the guest's view of the host root"
args=
[ -n "$args64" ] && args=$(echo "$args64" | base64 -d)
if [ -n "$env64" ]; then
	echo "$env64" | base64 -d > /tmp/env.sh && . /tmp/env.sh || fatal "bad sluice.env64"
fi
if [ -x "/host$script" ]; then
	run="exec '$script'"
else
	case "$script" in
	*.py) run="exec /usr/bin/python3 '$script'" ;;
	*) run="exec /bin/sh '$script'" ;;
	esac
fi
log=/dev/null
[ -n "$results" ] && log="/host$results/guest.log"
echo "sluice-init: up $(cut -d' ' -f1 /proc/uptime) s; running $script $args"

# The status goes through a file because the script's output is piped to tee.
(
	cd /host
	chroot /host /bin/sh -c "cd '${results:-/}' && $run $args" < /dev/null
	echo $? > /tmp/exit_status
) 2>&1 | tee "$log"
status=$(cat /tmp/exit_status 2>/dev/null || echo 255)
[ -n "$results" ] && echo "$status" > "/host$results/exit_status"
sync
[ -n "$results" ] && umount "/host$results"
echo "SLUICE-GUEST-EXIT $status"
poweroff -f
