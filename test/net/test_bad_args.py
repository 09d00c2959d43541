#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""Malformed command lines for sl-l2fwd, sl-pktgen and sl-skeleton.

    test_bad_args.py table      every case of the table below
    test_bad_args.py security   the security defaults (see security())

table: each case runs every app it names. A case passes when the app
  - exits with a status >= 1 (not a signal, not 0),
  - prints one error line on stderr that contains the expected text (the
    apps may add one "see above" line after an EAL failure, nothing else),
  - prints nothing on stdout (no port was started, no lcore launched),
  - triggers no sanitizer report (the net suite also runs under ASan+UBSan),
  - leaves HugePages_Free as it found it and no sluice-* file in a hugetlbfs.
With root and free hugepages the apps run on hugepages (so a leak would
show); otherwise on --no-huge and the hugepage checks are skipped. Before
the table, one good command line per app must work: an error table that
passes because nothing can run would prove nothing.

security: as root, checked with a child that drops to nobody (setpriv):
  - the default IOVA policy is VA (no physical addresses without
    --iova-mode pa, which warns), for root too;
  - without the capability a feature needs, a clear error naming it:
    CAP_IPC_LOCK (--no-huge beyond RLIMIT_MEMLOCK), CAP_SYS_ADMIN
    (--iova-mode pa), CAP_NET_RAW (net_af_packet, net_pcap iface=); and
    with exactly that capability granted the same command line works;
  - files the apps create are not world-writable even under umask 000
    (tx_pcap, sl-pktgen --json and --rx-pcap), and no file is left in a
    hugetlbfs mount.
"""
import os
import re
import shutil
import signal
import struct
import subprocess
import sys
import tempfile
import time

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import sltest  # noqa: E402

NOBODY = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"]
SANITIZER_MARKS = ("ERROR: AddressSanitizer", "ERROR: LeakSanitizer", "runtime error:",
                   "WARNING: ThreadSanitizer")


def apps():
    """name -> binary, for the apps meson told us about."""
    out = {}
    for name, var in (("l2fwd", "SL_L2FWD"), ("pktgen", "SL_PKTGEN"), ("skeleton", "SL_SKELETON")):
        path = os.environ.get(var)
        if path and os.access(path, os.X_OK):
            out[name] = path
    if not out:
        sltest.skip("none of SL_L2FWD, SL_PKTGEN, SL_SKELETON names a binary (run through meson test)")
    return out


def meminfo(key):
    with open("/proc/meminfo") as f:
        for line in f:
            if line.startswith(key + ":"):
                return int(line.split()[1])
    return -1


def hugetlbfs_mounts():
    out = []
    with open("/proc/mounts") as f:
        for line in f:
            fields = line.split()
            if len(fields) > 2 and fields[2] == "hugetlbfs":
                out.append(fields[1])
    return out


def sluice_files_in_hugetlbfs():
    found = []
    for mnt in hugetlbfs_mounts():
        try:
            found += [os.path.join(mnt, n) for n in os.listdir(mnt) if n.startswith("sluice-")]
        except OSError:
            pass
    return found


def use_hugepages():
    return os.geteuid() == 0 and meminfo("HugePages_Free") >= 64


def hugepages_settled(before, timeout=3.0):
    """HugePages_Free back at before. Other programs on the machine may be
    using hugepages at the same moment, so a difference is re-read for a
    while before it counts: a leak by the exited app would not go away."""
    deadline = time.monotonic() + timeout
    while True:
        now = meminfo("HugePages_Free")
        if now == before or time.monotonic() > deadline:
            return now
        time.sleep(0.1)


def cpus(n=1):
    return ",".join(str(c) for c in sorted(os.sched_getaffinity(0))[:n])


def cpu_not_ours():
    mine = os.sched_getaffinity(0)
    return next(c for c in range(1023, -1, -1) if c not in mine)


# ---- the table -----------------------------------------------------------------

NULLS = ["--vdev", "net_null0", "--vdev", "net_null1"]
# application options that would run a short, good forward/generate
GOOD_APP = {
    "l2fwd": ["-p", "0x3", "-q", "2", "--duration", "0.2", "-T", "0"],
    "pktgen": ["--tx", "0", "--rx", "none", "--count", "1000", "--quiet"],
    "skeleton": None,  # no application options at all
}
ALL = ("l2fwd", "pktgen", "skeleton")
# for an EAL option missing its value, which must come last: no "--" after
NO_DASHES = ()


def write_pcap(path, linktype=1, records=(), header=True, cut=0):
    blob = b""
    if header:
        blob += struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, linktype)
    for data in records:
        blob += struct.pack("<IIII", 0, 0, len(data), len(data)) + data
    with open(path, "wb") as f:
        f.write(blob[:len(blob) - cut] if cut else blob)


def table(tmp):
    """(name, apps, EAL args, app args (None: the good ones), text)."""
    wrong_link = os.path.join(tmp, "linktype.pcap")
    write_pcap(wrong_link, linktype=101)
    short_hdr = os.path.join(tmp, "short.pcap")
    write_pcap(short_hdr, cut=10)
    not_pcap = os.path.join(tmp, "text.pcap")
    with open(not_pcap, "w") as f:
        f.write("this is not a capture file\n" * 10)
    L = ["-l", cpus(1)]
    NP = ["--no-pci"]
    return [
        # lcores
        ("-l not a list", ALL, ["-l", "abc"] + NP + NULLS, None, "-l 'abc' is not a cpu list"),
        ("-l trailing comma", ALL, ["-l", "0,"] + NP + NULLS, None, "-l '0,' is not a cpu list"),
        ("-l empty", ALL, ["-l", ""] + NP + NULLS, None, "-l '' is not a cpu list"),
        ("-l reversed range", ALL, ["-l", "5-3"] + NP + NULLS, None, "-l '5-3' is not a cpu list"),
        ("-l huge number", ALL, ["-l", "0-99999999999999999999"] + NP + NULLS, None,
         "is not a cpu list"),
        ("-l cpu listed twice", ALL, ["-l", "0,0"] + NP + NULLS, None, "cpu 0 is listed twice"),
        ("-l cpu outside affinity", ALL, ["-l", str(cpu_not_ours())] + NP + NULLS, None,
         "cpu %d is not available to this process" % cpu_not_ours()),
        # memory
        ("-m not a number", ALL, L + ["-m", "abc"] + NP + NULLS, None, "-m 'abc' is not a memory size"),
        ("-m zero", ALL, L + ["-m", "0"] + NP + NULLS, None, "-m '0' is not a memory size"),
        ("-m negative", ALL, L + ["-m", "-5"] + NP + NULLS, None, "-m '-5' is not a memory size"),
        ("-m overflows", ALL, L + ["-m", "18446744073709551615"] + NP + NULLS, None,
         "is not a memory size"),
        ("-m missing value", ALL, L + NP + NULLS + ["-m"], NO_DASHES, "option -m needs an argument"),
        ("--no-huge -m beyond RAM", ALL, L + ["--no-huge", "-m", "100000000"] + NP + NULLS, None,
         "MB of RAM are available"),
        # modes and levels
        ("--iova-mode unknown", ALL, L + ["--iova-mode", "xx"] + NP + NULLS, None,
         "--iova-mode 'xx' is not a mode"),
        ("--iova-mode missing value", ALL, L + NP + NULLS + ["--iova-mode"], NO_DASHES,
         "option --iova-mode needs an argument"),
        ("--log-level unknown", ALL, L + ["--log-level", "loud"] + NP + NULLS, None,
         "--log-level 'loud' is not a level"),
        ("--log-level 0", ALL, L + ["--log-level", "0"] + NP + NULLS, None,
         "--log-level '0' is not a level"),
        ("--log-level 9", ALL, L + ["--log-level", "9"] + NP + NULLS, None,
         "--log-level '9' is not a level"),
        # options themselves
        ("unknown long option", ALL, L + ["--frobnicate"] + NP + NULLS, None,
         "unknown or ambiguous EAL option --frobnicate"),
        ("unknown short option", ALL, L + ["-x"] + NP + NULLS, None, "unknown EAL option -x"),
        ("flag given a value", ALL, L + ["--no-huge=1"] + NP + NULLS, None,
         "--no-huge=1 takes no argument"),
        ("--vdev missing value", ALL, L + NP + NULLS + ["--vdev"], NO_DASHES,
         "option --vdev needs an argument"),
        # virtual devices
        ("--vdev empty", ALL, L + NP + ["--vdev", ""], None, "--vdev needs a device name first"),
        ("--vdev only arguments", ALL, L + NP + ["--vdev", ",size=64"], None,
         "--vdev needs a device name first"),
        ("--vdev unknown driver", ALL, L + NP + ["--vdev", "net_nosuch0"], None,
         "no driver for vdev 'net_nosuch0'"),
        ("--vdev name twice", ALL, L + NP + ["--vdev", "net_null0", "--vdev", "net_null0"], None,
         "vdev 'net_null0' exists already"),
        ("--vdev unknown key", ALL, L + NP + ["--vdev", "net_null0,bogus=1", "--vdev", "net_null1"],
         None, "unknown key 'bogus'"),
        ("--vdev key without value", ALL, L + NP + ["--vdev", "net_null0,size=", "--vdev",
                                                    "net_null1"], None,
         "key 'size' needs a value"),
        ("--vdev value without key", ALL, L + NP + ["--vdev", "net_null0,=x", "--vdev", "net_null1"],
         None, "argument '=x' has no key"),
        ("net_pcap file missing", ALL, L + NP + ["--vdev", "net_pcap0,rx_pcap=/nonexistent/x.pcap",
                                                 "--vdev", "net_null1"], None,
         "/nonexistent/x.pcap"),
        ("net_pcap not a capture", ALL, L + NP + ["--vdev", "net_pcap0,rx_pcap=" + not_pcap,
                                                  "--vdev", "net_null1"], None,
         "cannot open rx_pcap '%s'" % not_pcap),
        ("net_pcap cut header", ALL, L + NP + ["--vdev", "net_pcap0,rx_pcap=" + short_hdr,
                                               "--vdev", "net_null1"], None,
         "cannot open rx_pcap '%s'" % short_hdr),
        ("net_pcap not Ethernet", ALL, L + NP + ["--vdev", "net_pcap0,rx_pcap=" + wrong_link,
                                                 "--vdev", "net_null1"], None, "not Ethernet"),
        ("net_pcap tx file in no dir", ALL, L + NP + ["--vdev",
                                                      "net_pcap0,tx_pcap=/nonexistent/o.pcap",
                                                      "--vdev", "net_null1"], None,
         "cannot create tx_pcap '/nonexistent/o.pcap'"),
        ("net_af_packet no interface", ALL, L + NP + ["--vdev", "net_af_packet0,iface=nosuchif9",
                                                      "--vdev", "net_null1"], None,
         "no interface 'nosuchif9'"),
        ("net_af_packet qpairs 0", ALL, L + NP + ["--vdev", "net_af_packet0,iface=lo,qpairs=0",
                                                  "--vdev", "net_null1"], None,
         "qpairs=0 out of range"),
        # PCI
        ("-a empty", ALL, L + ["-a", ""] + NULLS, None, "-a needs a PCI address"),
        ("-a not an address", ALL, L + ["-a", "garbage"] + NULLS, None,
         "-a 'garbage' is not a PCI address"),
        ("-a and --no-pci", ALL, L + ["-a", "0000:00:1f.7"] + NP + NULLS, None,
         "-a and --no-pci contradict each other"),
        ("-a no such device", ALL, L + ["-a", "0000:7f:1f.7"] + NULLS, None,
         "no such PCI device"),
        # application options (after the EAL's --)
        ("sl-skeleton extra argument", ("skeleton",), L + NP + NULLS, ["--extra"],
         "takes no application options"),
        ("sl-skeleton one port", ("skeleton",), L + NP + ["--vdev", "net_null0"], None,
         "needs exactly those two"),
        ("sl-l2fwd bad portmask", ("l2fwd",), L + NP + NULLS, ["-p", "xyz"], "bad portmask 'xyz'"),
        ("sl-l2fwd port missing", ("l2fwd",), L + NP + NULLS, ["-p", "0x7", "-q", "3"],
         "port 2 is in the portmask 0x7 but does not exist"),
        ("sl-l2fwd unknown option", ("l2fwd",), L + NP + NULLS, ["-p", "0x3", "--frob"],
         "unknown option --frob"),
        ("sl-l2fwd --mtu too small", ("l2fwd",), L + NP + NULLS, ["-p", "0x3", "--mtu", "10"],
         "bad --mtu '10'"),
        ("sl-pktgen bad rate", ("pktgen",), L + NP + NULLS, ["--tx", "0", "--rate", "5zz"],
         "--rate 5zz"),
        ("sl-pktgen port missing", ("pktgen",), L + NP + NULLS, ["--tx", "5"],
         "--tx names port 5, which does not exist"),
        ("sl-pktgen unknown option", ("pktgen",), L + NP + NULLS, ["--frob"], "--frob"),
    ]


def command(app, path, eal, app_args, huge):
    mem = [] if huge or "--no-huge" in eal else ["--no-huge"]
    level = [] if "--log-level" in eal else ["--log-level", "notice"]
    args = [path] + mem + level + eal
    if app_args is None:
        app_args = GOOD_APP[app]
    if app_args:        # NO_DASHES: nothing after the EAL options
        args += ["--"] + app_args
    return args


def run(cmd, env=None, timeout=60, prefix=()):
    return subprocess.run(list(prefix) + cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          text=True, timeout=timeout, env=env)


def sanitizer_report(text):
    return next((m for m in SANITIZER_MARKS if m in text), None)


def check_error_case(name, app, cmd, text, huge, env=None):
    """None when the case behaves, else what is wrong."""
    free0 = meminfo("HugePages_Free") if huge else None
    files0 = set(sluice_files_in_hugetlbfs())
    res = run(cmd, env=env)
    err_lines = [l for l in res.stderr.splitlines() if l.strip()]
    san = sanitizer_report(res.stderr)
    if san:
        return "sanitizer report (%s):\n%s" % (san, res.stderr)
    if res.returncode <= 0:
        return "exit status %d (want an error status >= 1); stderr: %s" % (res.returncode,
                                                                          res.stderr.strip())
    if not err_lines or text not in err_lines[0]:
        return "first stderr line lacks %r: %r" % (text, res.stderr.strip())
    extra = [l for l in err_lines[1:] if "see above" not in l]
    if extra or len(err_lines) > 2:
        return "more than one error line: %r" % res.stderr.strip()
    if res.stdout.strip():
        return "printed on stdout (something started?): %r" % res.stdout.strip()[:300]
    if huge:
        free1 = hugepages_settled(free0)
        if free1 != free0:
            return "HugePages_Free %d before, %d after" % (free0, free1)
    left = set(sluice_files_in_hugetlbfs()) - files0
    if left:
        return "files left in hugetlbfs: %s" % sorted(left)
    return None


def good_run(app, path, huge):
    """The app's good command line works (and ends by itself)."""
    cmd = command(app, path, ["-l", cpus(1), "--no-pci"] + NULLS, None, huge)
    if app == "skeleton":
        proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        time.sleep(0.5)
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=20)
        ok = proc.returncode == 0 and "Forwarded" in out
    else:
        res = run(cmd)
        out, err, ok = res.stdout, res.stderr, res.returncode == 0
    if not ok:
        return "good command line failed: %s\n%s\n%s" % (" ".join(cmd), out, err)
    if sanitizer_report(err):
        return "sanitizer report on a good run:\n" + err
    return None


def case_table():
    binaries = apps()
    huge = use_hugepages()
    sltest.log("apps: %s; memory: %s" % (", ".join(sorted(binaries)),
                                         "hugepages" if huge else "--no-huge (no root or no free "
                                         "hugepages: hugepage leak checks skipped)"))
    failures = []
    for app, path in sorted(binaries.items()):
        why = good_run(app, path, huge)
        if why:
            if os.geteuid() != 0 and "EAL" in why and not huge:
                sltest.skip("%s cannot run at all here (no root?): %s" % (app, why))
            failures.append("%s: %s" % (app, why))
    if failures:
        for f in failures:
            sltest.log("FAIL: " + f)
        return 1
    with tempfile.TemporaryDirectory(prefix="sl-badargs-") as tmp:
        cases = table(tmp)
        # The hugetlbfs file fallback too, where one is mounted: a file
        # left behind there would outlive the process.
        variants = [("", None)]
        if huge and any(os.access(m, os.W_OK) for m in hugetlbfs_mounts()):
            variants.append((" [hugetlbfs]", dict(os.environ, SL_EAL_HUGETLBFS_ONLY="1")))
        else:
            sltest.log("note: no writable hugetlbfs mount: the hugetlbfs-file variant is not run")
        n = 0
        for suffix, env in variants:
            for name, which, eal, app_args, text in cases:
                for app in which:
                    if app not in binaries:
                        continue
                    cmd = command(app, binaries[app], eal, app_args, huge)
                    why = check_error_case(name, app, cmd, text, huge, env)
                    n += 1
                    if why:
                        failures.append("%s%s (%s): %s\n    $ %s" % (name, suffix, app, why,
                                                                     " ".join(cmd)))
                    else:
                        sltest.log("ok   %-32s %-8s" % (name + suffix, app))
    for f in failures:
        sltest.log("FAIL: " + f)
    sltest.log("%d of %d cases behaved" % (n - len(failures), n))
    return 1 if failures else 0


# ---- security defaults ---------------------------------------------------------------


def debug_segments(stderr):
    """(va, iova) of every 'segment' debug line of the EAL."""
    out = []
    for m in re.finditer(r"segment (0x[0-9a-f]+): .* IOVA (0x[0-9a-f]+)", stderr):
        out.append((int(m.group(1), 16), int(m.group(2), 16)))
    return out


class Checks:
    def __init__(self):
        self.failures = []

    def expect(self, cond, what, res=None):
        if cond:
            sltest.log("ok   " + what)
            return
        detail = ""
        if res is not None:
            detail = "\n    exit %s\n    stdout: %s\n    stderr: %s" % (
                res.returncode, res.stdout.strip()[:500], res.stderr.strip()[:1500])
        self.failures.append(what + detail)
        sltest.log("FAIL " + what + detail)


def can_setpriv():
    if shutil.which("setpriv") is None:
        return False
    res = subprocess.run(NOBODY + ["true"], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    return res.returncode == 0


def as_nobody_with(cap):
    """setpriv prefix: uid/gid nobody, with cap (e.g. 'ipc_lock') ambient so
    it survives the exec, or with nothing."""
    if cap is None:
        return NOBODY
    return NOBODY + ["--inh-caps=+" + cap, "--ambient-caps=+" + cap]


def skeleton_briefly(skel, eal, prefix=(), env=None, seconds=1.5):
    """Runs sl-skeleton for a moment, then SIGINT; a CompletedProcess. The
    moment is long enough for the EAL (hugepages or 72 MB mlocked, the
    telemetry thread) to be up on a loaded machine: a SIGINT before its
    handler is installed kills it with no output."""
    cmd = list(prefix) + [skel] + eal
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env=env)
    try:
        out, err = proc.communicate(timeout=seconds)
    except subprocess.TimeoutExpired:
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=20)
    return subprocess.CompletedProcess(cmd, proc.returncode, out, err)


def case_security():
    if os.geteuid() != 0:
        sltest.skip("the security checks drop from root to nobody: run as root")
    binaries = apps()
    for need in ("skeleton", "l2fwd"):
        if need not in binaries:
            sltest.skip("needs sl-%s" % need)
    skel, l2fwd = binaries["skeleton"], binaries["l2fwd"]
    c = Checks()
    base = ["-l", cpus(1), "--no-pci"] + NULLS
    huge = use_hugepages()

    # 1. IOVA policy: VA by default even for root; pa only when asked, warned.
    if huge:
        res = skeleton_briefly(skel, base + ["--log-level", "debug"])
        segs = debug_segments(res.stderr)
        c.expect(res.returncode == 0 and segs and all(va == iova for va, iova in segs),
                 "default IOVA mode as root on hugepages is VA (IOVA = VA, no physical "
                 "addresses): %d segment(s)" % len(segs), res)
        c.expect("--iova-mode pa" not in res.stderr, "no pa warning by default", res)
        res = skeleton_briefly(skel, base + ["--log-level", "debug", "--iova-mode", "pa"])
        segs = debug_segments(res.stderr)
        c.expect(res.returncode == 0 and segs and all(va != iova for va, iova in segs),
                 "--iova-mode pa as root: physical IOVAs", res)
        warn = [l for l in res.stderr.splitlines() if "--iova-mode pa:" in l]
        c.expect(len(warn) == 1 and "physical" in warn[0],
                 "--iova-mode pa warns once: %s" % (warn[0] if warn else None), res)
    else:
        sltest.log("note: no free hugepages: IOVA policy checks on hugepages not run")

    if not can_setpriv():
        c.expect(False, "setpriv (util-linux) can drop to uid 65534")
        return 1 if c.failures else 0

    # 2. Missing capabilities: named, non-zero exit, no crash; and the named
    # capability is what fixes it.
    res = run(["sh", "-c", "ulimit -l"], prefix=NOBODY)
    limit = res.stdout.strip()
    if limit != "unlimited" and limit.isdigit():
        want_mb = int(limit) // 1024 + 64
        eal = ["-l", cpus(1), "--no-pci", "--no-huge", "-m", str(want_mb)] + NULLS
        res = skeleton_briefly(skel, eal, prefix=NOBODY)
        c.expect(res.returncode not in (0, None) and res.returncode > 0 and
                 "CAP_IPC_LOCK" in res.stderr and "RLIMIT_MEMLOCK" in res.stderr and
                 "Forwarding" not in res.stdout,
                 "nobody, --no-huge -m %d above RLIMIT_MEMLOCK %s kB: refused, names "
                 "CAP_IPC_LOCK" % (want_mb, limit), res)
        res = skeleton_briefly(skel, eal, prefix=as_nobody_with("ipc_lock"))
        c.expect(res.returncode == 0 and "Forwarded" in res.stdout,
                 "nobody with CAP_IPC_LOCK: the same --no-huge -m %d runs" % want_mb, res)
    else:
        sltest.log("note: RLIMIT_MEMLOCK is %s for nobody: CAP_IPC_LOCK check not run" % limit)

    if huge:
        res = skeleton_briefly(skel, base + ["--iova-mode", "pa"], prefix=NOBODY)
        c.expect(res.returncode > 0 and "CAP_SYS_ADMIN" in res.stderr and
                 "Forwarding" not in res.stdout,
                 "nobody, --iova-mode pa: refused, names CAP_SYS_ADMIN", res)
        res = skeleton_briefly(skel, base, prefix=NOBODY)
        c.expect(res.returncode == 0 and "Forwarded" in res.stdout,
                 "nobody on hugepages with the default IOVA mode runs (memfd hugepages need "
                 "no capability)", res)

    # AF_PACKET and libpcap live capture need CAP_NET_RAW: a veth pair in a
    # namespace of our own gives them an Ethernet interface.
    ns = sltest.Netns("slsec")
    try:
        name = ns.add("a")
        ns.veth(name, "slsec0", "02:00:00:00:aa:01", name, "slsec1", "02:00:00:00:aa:02")
        inns = ns.exec_prefix(name)
        # on hugepages if we can, else --no-huge, whose mbuf pool needs more
        # locked memory than nobody may lock: CAP_IPC_LOCK then as well
        mem, caps = ([], "net_raw") if huge else (["--no-huge"], "net_raw,+ipc_lock")
        for vdev, what in (("net_af_packet0,iface=slsec0", "net_af_packet"),
                           ("net_pcap0,iface=slsec0", "net_pcap iface=")):
            eal = ["-l", cpus(1), "--no-pci"] + mem + ["--vdev", vdev, "--vdev", "net_null1"]
            res = skeleton_briefly(skel, eal, prefix=inns + NOBODY)
            c.expect(res.returncode > 0 and "CAP_NET_RAW" in res.stderr and
                     "Forwarding" not in res.stdout,
                     "nobody, %s: refused, names CAP_NET_RAW" % what, res)
            res = skeleton_briefly(skel, eal, prefix=inns + as_nobody_with(caps))
            c.expect(res.returncode == 0 and "Forwarded" in res.stdout,
                     "nobody with CAP_NET_RAW: %s runs" % what, res)
    finally:
        ns.close()

    # 3. Files: not world-writable whatever the umask; nothing left in
    # hugetlbfs.
    with tempfile.TemporaryDirectory(prefix="sl-sec-") as tmp:
        os.chmod(tmp, 0o755)
        out_pcap = os.path.join(tmp, "out.pcap")
        old = os.umask(0)
        try:
            res = run([l2fwd, "-l", cpus(1), "--no-pci", "--no-huge", "--vdev", "net_null0",
                       "--vdev", "net_pcap1,tx_pcap=" + out_pcap, "--", "-p", "0x3",
                       "-q", "2", "--max-packets", "100", "-T", "0"])
            made = [(out_pcap, "tx_pcap of net_pcap")]
            pktgen = binaries.get("pktgen")
            if pktgen:
                js, rxp = os.path.join(tmp, "s.json"), os.path.join(tmp, "rx.pcap")
                res2 = run([pktgen, "-l", cpus(1), "--no-pci", "--no-huge", "--vdev", "net_ring0",
                            "--vdev", "net_ring1,peer=net_ring0", "--", "--tx", "0", "--rx", "1",
                            "--count", "100", "--quiet", "--json", js, "--rx-pcap", rxp])
                c.expect(res2.returncode == 0, "sl-pktgen --json --rx-pcap run", res2)
                made += [(js, "sl-pktgen --json"), (rxp, "sl-pktgen --rx-pcap")]
        finally:
            os.umask(old)
        c.expect(res.returncode == 0, "sl-l2fwd to a tx_pcap file", res)
        for path, what in made:
            if not os.path.exists(path):
                c.expect(False, "%s: %s was not created" % (what, path))
                continue
            mode = os.stat(path).st_mode & 0o777
            c.expect(not mode & 0o002, "%s under umask 000: mode %o, not world-writable" %
                     (what, mode))
    left = sluice_files_in_hugetlbfs()
    c.expect(not left, "no sluice-* files in hugetlbfs mounts (%s)" % (left or "none"))
    return 1 if c.failures else 0


def main():
    which = sys.argv[1] if len(sys.argv) > 1 else "table"
    if which == "table":
        return case_table()
    if which == "security":
        return case_security()
    sys.exit("usage: test_bad_args.py table|security")


if __name__ == "__main__":
    sys.exit(main())
