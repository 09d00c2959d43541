#!/bin/sh
# SPDX-License-Identifier: BSD-3-Clause
# The installed tree works on its own: libraries, headers, sluice.pc, apps
# and usertools.
#
#   test_install.sh --destdir BUILD_DIR    meson install --destdir into a temp
#                                          dir, pkg-config through a sysroot
#                                          (what packagers do; the meson test)
#   test_install.sh --prefix PREFIX        a tree already installed there
#                                          (.ci/run: a real --prefix install)
#
# Then: every installed header compiles on its own with -Wall -Wextra
# -Werror; install_prog.c (EAL, ring, mempool, net_null and net_ring ports
# moving packets) builds with `pkg-config --cflags --libs sluice` alone and
# runs against the installed shared libraries, and again linked with the
# static archives (drivers' constructors must survive both); the installed
# apps print their usage and sl-l2fwd forwards for a second; the installed
# usertools run from bin/ (symlinks into share/sluice/usertools).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
fails=0
ok() { echo "ok: $*"; }
bad() { echo "FAIL: $*"; fails=$((fails + 1)); }

for tool in cc pkg-config; do
	command -v $tool >/dev/null || { echo "SKIP: $tool not installed (apt-get install gcc pkg-config)"; exit 77; }
done

# The programs run on --no-huge memory (up to 128 MB locked): root has
# CAP_IPC_LOCK, anyone else needs the limit.
memlock=$(ulimit -l)
can_run=1
if [ "$(id -u)" != 0 ] && [ "$memlock" != unlimited ] && [ "$memlock" -lt 262144 ]; then
	can_run=0
	echo "note: not root and ulimit -l is $memlock KiB (< 262144): the programs are built, not run"
fi

tmp=$(mktemp -d /tmp/sluice-install-test.XXXXXX)
trap 'rm -rf "$tmp"' EXIT INT TERM

case ${1:-} in
--destdir)
	build=$(cd "$2" && pwd)
	dest=$tmp/root
	meson install -C "$build" --no-rebuild --quiet --destdir "$dest" > "$tmp/install.log" 2>&1 || {
		cat "$tmp/install.log"; echo "FAIL: meson install --destdir"; exit 1; }
	pc=$(find "$dest" -name sluice.pc | head -1)
	[ -n "$pc" ] || { echo "FAIL: no sluice.pc installed under $dest"; exit 1; }
	# pkg-config prepends the sysroot to -I and -L: the tree as if it were /
	export PKG_CONFIG_SYSROOT_DIR=$dest
	export PKG_CONFIG_PATH=$(dirname "$pc")
	root=$dest
	;;
--prefix)
	prefix=$2
	pc=$(find "$prefix" -name sluice.pc | head -1)
	[ -n "$pc" ] || { echo "FAIL: no sluice.pc under $prefix (meson install first)"; exit 1; }
	export PKG_CONFIG_PATH=$(dirname "$pc")
	root=
	;;
*)
	echo "usage: $0 --destdir BUILD_DIR | --prefix PREFIX" >&2
	exit 2
	;;
esac

version=$(pkg-config --modversion sluice)
ok "pkg-config finds sluice $version ($pc)"
cflags=$(pkg-config --cflags sluice)
libs=$(pkg-config --libs sluice)
echo "   cflags: $cflags"
echo "   libs:   $libs"
# ${libdir} and ${prefix} as recorded in the .pc, seen through the sysroot
# (pkgconf prepends it to variables, the older pkg-config does not)
pcvar() {
	v=$(pkg-config --variable="$1" sluice)
	case $v in
	"$root"/*) echo "$v" ;;
	*) echo "$root$v" ;;
	esac
}
libdir=$(pcvar libdir)
prefix_dir=$(pcvar prefix)
incdir=$(pcvar includedir)/sluice
bindir=$prefix_dir/bin
[ -d "$libdir" ] && ok "libdir $libdir" || bad "libdir $libdir missing"

# ---- headers -----------------------------------------------------------------
nh=0
for h in "$incdir"/*.h; do
	name=$(basename "$h")
	if printf '#include <%s>\nint sluice_header_check;\n' "$name" |
		cc -fsyntax-only -Wall -Wextra -Werror $cflags -x c - 2> "$tmp/h.log"; then
		nh=$((nh + 1))
	else
		bad "$name does not compile on its own: $(head -3 "$tmp/h.log")"
	fi
done
[ $nh -gt 0 ] && ok "$nh installed headers compile on their own"
for h in sl_eal.h sl_ring.h sl_mempool.h sl_mbuf.h sl_ethdev.h sl_pci.h sl_log.h; do
	[ -f "$incdir/$h" ] || bad "$h not installed"
done

# ---- the out-of-tree program, shared ---------------------------------------------
if cc -O2 -Wall -Wextra -Werror -o "$tmp/prog" "$here/install_prog.c" $cflags $libs 2> "$tmp/cc.log"; then
	ok "install_prog builds with pkg-config --cflags --libs sluice"
	if [ $can_run = 0 ]; then
		:
	elif LD_LIBRARY_PATH=$libdir "$tmp/prog" > "$tmp/run.log" 2>&1; then
		ok "$(cat "$tmp/run.log")"
	else
		bad "install_prog (shared) failed: $(cat "$tmp/run.log")"
	fi
	eal_so=$(LD_LIBRARY_PATH=$libdir ldd "$tmp/prog" | sed -n 's/.*libsl_eal.so.* => \([^ ]*\).*/\1/p')
	case $eal_so in
	"$libdir"/*) ok "it runs on the installed libsl_eal.so ($eal_so)" ;;
	*) bad "install_prog resolved libsl_eal.so to '$eal_so', not under $libdir" ;;
	esac
else
	bad "install_prog does not build with pkg-config alone: $(cat "$tmp/cc.log")"
fi

# ---- static: the same program on the .a archives ----------------------------------
# -l:libsl_X.a picks the archive over the .so; the group resolves the
# libraries' references to each other in any order.
static_libs=$(pkg-config --libs --static sluice |
	sed -e 's/-lsl_\([a-z_]*\)/-l:libsl_\1.a/g' \
	    -e 's/-Wl,--no-whole-archive/-Wl,--no-whole-archive -Wl,--start-group/')
if cc -O2 -o "$tmp/prog_static" "$here/install_prog.c" $cflags $static_libs -Wl,--end-group \
	2> "$tmp/cc_static.log"; then
	if ldd "$tmp/prog_static" | grep -q 'libsl_'; then
		bad "the static build still needs a libsl_*.so: $(ldd "$tmp/prog_static" | grep libsl_)"
	elif [ $can_run = 0 ]; then
		:
	elif "$tmp/prog_static" > "$tmp/run_static.log" 2>&1; then
		ok "static archives: $(cat "$tmp/run_static.log")"
	else
		bad "install_prog (static) failed: $(cat "$tmp/run_static.log")"
	fi
else
	bad "install_prog does not build on the static archives: $(cat "$tmp/cc_static.log")"
fi

# ---- apps ---------------------------------------------------------------------
for app in sl-l2fwd sl-l3fwd sl-skeleton sl-pktgen sl-responder; do
	if [ ! -x "$bindir/$app" ]; then
		bad "$app not installed in $bindir"
		continue
	fi
	if LD_LIBRARY_PATH=$libdir "$bindir/$app" -h > "$tmp/app.log" 2>&1 &&
		grep -q 'Usage' "$tmp/app.log"; then
		ok "installed $app -h prints its usage"
	else
		bad "installed $app -h: $(head -5 "$tmp/app.log")"
	fi
done
if [ $can_run = 0 ]; then
	:
elif LD_LIBRARY_PATH=$libdir "$bindir/sl-l2fwd" -l 0 --no-huge -m 128 --no-pci --vdev net_null0 \
	--vdev net_null1 -- -p 0x3 -q 2 -T 0 --duration 1 > "$tmp/l2fwd.log" 2>&1 &&
	grep -q '^Forwarded [1-9]' "$tmp/l2fwd.log"; then
	ok "installed sl-l2fwd: $(grep '^Forwarded' "$tmp/l2fwd.log")"
else
	bad "installed sl-l2fwd did not forward: $(tail -5 "$tmp/l2fwd.log")"
fi

# ---- usertools ------------------------------------------------------------------
for tool in sl-devbind sl-hugepages sl-doctor; do
	if [ ! -x "$bindir/$tool" ]; then
		bad "$tool not installed in $bindir"
	elif "$bindir/$tool" --help > "$tmp/tool.log" 2>&1 && grep -q '^examples:' "$tmp/tool.log"; then
		ok "installed $tool --help (from $(readlink -f "$bindir/$tool"))"
	else
		bad "installed $tool --help: $(head -5 "$tmp/tool.log")"
	fi
done
if "$bindir/sl-hugepages" > "$tmp/hp.log" 2>&1; then
	ok "installed sl-hugepages shows: $(grep -m1 -E '^All nodes|^No hugepage' "$tmp/hp.log")"
else
	bad "installed sl-hugepages: $(cat "$tmp/hp.log")"
fi
# sl-doctor's verdict depends on the machine; it must run and name its fixes by
# path-independent command names once bin/ is on PATH.
PATH=$bindir:$PATH "$bindir/sl-doctor" --need 1M > "$tmp/doctor.log" 2>&1 || true
if grep -q 'checks\? \(passed\|failed\)' "$tmp/doctor.log" &&
	! grep 'fix:' "$tmp/doctor.log" | grep -q '/usertools/'; then
	ok "installed sl-doctor runs, its fix lines name the installed tools"
else
	bad "installed sl-doctor: $(cat "$tmp/doctor.log")"
fi

if [ $fails -ne 0 ]; then
	echo "$fails install check(s) failed"
	exit 1
fi
if [ $can_run = 0 ]; then
	echo "SKIP: the build and install checks passed; running the programs needs root or ulimit -l >= 262144"
	exit 77
fi
echo "install: all checks passed"
