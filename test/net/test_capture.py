#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""Telemetry and live capture (issue 18), one case per argument.

capture cases: sl-l2fwd between two net_af_packet ports over veth pairs, as
in test_l2fwd_veth.py (sender on va0 -> port 0, port 1 -> receiver on vb0):

    rxtx    two sl-dumpcap at once: RX of port 0 and TX of port 1, 1000
            frames each; both files match, byte for byte and in order, what
            the test sent and what it received; tcpdump reads them; the
            pcapng blocks say nanoseconds, the direction and zero drops;
            the hooks are gone when the tools exit
    filter  -f 'vlan': exactly the tagged frames are captured
    kill9   sl-dumpcap killed with SIGKILL mid-capture: the app removes
            the hooks and forwards every frame afterwards

telemetry case (net_null ports, no namespaces): DPDK's own
dpdk-telemetry.py and sl-telemetry read /ethdev/list, /ethdev/stats and
/l2fwd/stats; directory 0700 and socket 0600; user nobody is refused; a
second process of the same prefix is told the holder's pid; a socket left
by kill -9 is replaced; --no-telemetry serves nothing.
"""
import json
import os
import shutil
import signal
import socket
import stat
import struct
import subprocess
import sys
import tempfile
import time

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import sltest  # noqa: E402

FRAMES = 1000
WINDOW = 64
MAC_A0, MAC_A1 = "02:aa:00:00:00:01", "02:aa:00:00:00:02"
MAC_B0, MAC_B1 = "02:bb:00:00:00:01", "02:bb:00:00:00:02"
DST = sltest.mac_bytes("02:11:22:33:44:55")
SL_TELEMETRY = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..",
                            "usertools", "sl-telemetry")
DPDK_TELEMETRY = "/usr/bin/dpdk-telemetry.py"


def vlan_of(seq):
    return (1 + seq % 4094) if seq % 7 == 6 else None


def sock_path(prefix):
    return "/var/run/dpdk/%s/dpdk_telemetry.v2" % prefix


def ask(prefix, *cmds):
    """The values of cmds from the app's socket (None where it answers null)."""
    s = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
    s.connect(sock_path(prefix))
    greeting = json.loads(s.recv(1024))
    out = []
    for c in cmds:
        s.send(c.encode())
        out.append(json.loads(s.recv(greeting["max_output_len"]))[c.split(",")[0]])
    s.close()
    return out if len(out) > 1 else out[0]


def wait_until(fn, timeout, step=0.05):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        v = fn()
        if v:
            return v
        time.sleep(step)
    return fn()


# ---- pcapng ---------------------------------------------------------------------


def pcapng_read(path):
    """(interfaces, packets, stats): IDB options, EPBs as dicts, ISB drops."""
    data = open(path, "rb").read()
    ifaces, pkts, drops = [], [], {}
    off = 0
    while off + 12 <= len(data):
        btype, blen = struct.unpack_from("<II", data, off)
        body = data[off + 8:off + blen - 4]
        if btype == 1:
            ifaces.append(parse_opts(body[8:]))
        elif btype == 6:
            iface, hi, lo, cap, orig = struct.unpack_from("<IIIII", body)
            pad = (cap + 3) & ~3
            opts = parse_opts(body[20 + pad:])
            pkts.append({"iface": iface, "ts": (hi << 32) | lo, "data": body[20:20 + cap],
                         "orig": orig, "flags": struct.unpack("<I", opts[2])[0] if 2 in opts else 0})
        elif btype == 5:
            iface = struct.unpack_from("<I", body)[0]
            opts = parse_opts(body[12:])
            drops[iface] = struct.unpack("<Q", opts[5])[0] if 5 in opts else None
        off += blen
    return ifaces, pkts, drops


def parse_opts(b):
    opts, off = {}, 0
    while off + 4 <= len(b):
        code, ln = struct.unpack_from("<HH", b, off)
        if code == 0:
            break
        opts[code] = b[off + 4:off + 4 + ln]
        off += 4 + ((ln + 3) & ~3)
    return opts


def check_pcapng(path, want, direction, problems, what):
    """want: the frames the file must hold, in order."""
    try:
        ifaces, pkts, drops = pcapng_read(path)
    except (OSError, struct.error, KeyError) as e:
        problems.append("%s: cannot read %s: %s" % (what, path, e))
        return
    if not ifaces or ifaces[0].get(9) != b"\x09":
        problems.append("%s: no IDB with if_tsresol 9 (nanoseconds): %s" % (what, ifaces))
    got = [p["data"] for p in pkts]
    if len(got) != len(want):
        problems.append("%s: %d frames captured, %d expected" % (what, len(got), len(want)))
    bad = [i for i, (g, w) in enumerate(zip(got, want)) if g != w]
    if bad:
        i = bad[0]
        problems.append("%s: %d frames differ from the wire, first #%d: %s... vs %s..."
                        % (what, len(bad), i, got[i][:20].hex(), want[i][:20].hex()))
    wrong_dir = [p for p in pkts if p["flags"] & 3 != direction]
    if wrong_dir:
        problems.append("%s: %d EPBs without direction %d in epb_flags" % (what, len(wrong_dir), direction))
    now = time.time_ns()
    if pkts and not (now - 600e9 < pkts[0]["ts"] <= now):
        problems.append("%s: timestamp %d is not nanoseconds of today" % (what, pkts[0]["ts"]))
    if drops.get(0) != 0:
        problems.append("%s: ISB drop count %s, 0 expected" % (what, drops.get(0)))
    if shutil.which("tcpdump"):
        res = subprocess.run(["tcpdump", "-r", path, "-n"], capture_output=True, text=True)
        # one line per frame; unknown EtherTypes add indented hex lines
        lines = [l for l in res.stdout.splitlines() if l and not l[0].isspace()]
        if res.returncode != 0 or len(lines) != len(want):
            problems.append("%s: tcpdump -r read %d frames (exit %d): %s"
                            % (what, len(lines), res.returncode, res.stderr.strip()[-200:]))


# ---- the veth setup -------------------------------------------------------------


class Rig:
    """Namespaces, veths, sl-l2fwd in ns d with its own --file-prefix."""

    def __init__(self):
        self.dumpcap = sltest.program_path("SL_DUMPCAP", "sl-dumpcap")
        self.ns = sltest.Netns("slcap")
        self.prefix = "sltestcap%d" % os.getpid()
        self.tmp = tempfile.mkdtemp(prefix="sl-capture-")
        self.l2fwd = None
        self.run_id = os.getpid()
        ns_a, ns_d, ns_b = self.ns.add("a"), self.ns.add("d"), self.ns.add("b")
        self.ns.veth(ns_a, "va0", MAC_A0, ns_d, "va1", MAC_A1)
        self.ns.veth(ns_b, "vb0", MAC_B0, ns_d, "vb1", MAC_B1)
        self.tx = sltest.tx_socket(ns_a, "va0")
        self.rx_sock = sltest.rx_socket(ns_b, "vb0", auxdata=True)
        cpu = sorted(os.sched_getaffinity(0))[-1]
        self.l2fwd = sltest.L2fwd(
            ["-l", str(cpu), "--no-huge", "--no-pci", "--file-prefix", self.prefix,
             "--vdev", "net_af_packet0,iface=va1", "--vdev", "net_af_packet1,iface=vb1",
             "--", "-p", "0x3", "-q", "2", "-P", "-T", "0", "--duration", "200"],
            prefix=self.ns.exec_prefix(ns_d))

    def frames(self, base):
        return [sltest.make_frame(base + i, self.run_id, DST, sltest.mac_bytes(MAC_A0),
                                  sltest.frame_size(i), vlan_of(i)) for i in range(FRAMES)]

    def send(self, frames):
        """Sends paced; the frames received (in arrival order)."""
        rx = sltest.Receiver(self.rx_sock, lambda f: f if sltest.frame_seq(f, self.run_id)
                             is not None else None, auxdata=True)
        for i, f in enumerate(frames):
            if not rx.wait_room(i, WINDOW, 10.0):
                break
            self.tx.send(f)
        rx.wait_for(len(frames), 10.0)
        time.sleep(0.2)
        rx.close()
        return rx.items

    def start_dumpcap(self, *args):
        return sltest.App([self.dumpcap, "--file-prefix", self.prefix] + list(args))

    def sessions(self):
        return ask(self.prefix, "/capture/list")

    def hooks_left(self):
        return [(p, d) for p in (0, 1) for d in ("rx_hook", "tx_hook")
                if ask(self.prefix, "/ethdev/info,%d" % p)[d]]

    def close(self):
        if self.l2fwd is not None:
            self.l2fwd.kill()
        self.ns.close()
        shutil.rmtree(self.tmp, ignore_errors=True)
        shutil.rmtree(os.path.dirname(sock_path(self.prefix)), ignore_errors=True)


def case_rxtx(rig, problems):
    rx_file, tx_file = os.path.join(rig.tmp, "rx.pcapng"), os.path.join(rig.tmp, "tx.pcapng")
    caps = [rig.start_dumpcap("-i", "0", "--direction", "rx", "-w", rx_file, "-c", str(FRAMES)),
            rig.start_dumpcap("-i", "net_af_packet1", "--direction", "tx", "-w", tx_file,
                              "-c", str(FRAMES))]
    if len(wait_until(lambda: len(rig.sessions()) == 2 and rig.sessions(), 20) or []) != 2:
        problems.append("two captures did not start: /capture/list %s" % rig.sessions())
        return caps
    sent = rig.frames(0)
    received = rig.send(sent)
    if len(received) != FRAMES:
        problems.append("%d of %d frames forwarded during the capture" % (len(received), FRAMES))
    for c, what in zip(caps, ("RX capture", "TX capture")):
        rc = c.wait(30)
        if rc != 0:
            problems.append("%s: sl-dumpcap exited %d" % (what, rc))
    check_pcapng(rx_file, sent, 1, problems, "RX of port 0")
    check_pcapng(tx_file, received, 2, problems, "TX of port 1")
    if not wait_until(lambda: not rig.sessions() and not rig.hooks_left(), 5):
        problems.append("hooks left after both tools exited: %s, sessions %s"
                        % (rig.hooks_left(), rig.sessions()))
    return caps


def case_filter(rig, problems):
    path = os.path.join(rig.tmp, "vlan.pcapng")
    sent = rig.frames(0)
    want = [f for i, f in enumerate(sent) if vlan_of(i) is not None]
    cap = rig.start_dumpcap("-i", "0", "--direction", "rx", "-f", "vlan", "-w", path,
                            "-c", str(len(want)), "-q")
    if not wait_until(rig.sessions, 20):
        problems.append("the filtered capture did not start")
        return [cap]
    if not [s for s in rig.sessions() if s["filter"]]:
        problems.append("/capture/list does not show the filter: %s" % rig.sessions())
    rig.send(sent)
    rc = cap.wait(30)
    if rc != 0:
        problems.append("sl-dumpcap -f vlan exited %d" % rc)
    check_pcapng(path, want, 1, problems, "-f vlan")
    return [cap]


def case_kill9(rig, problems):
    cap = rig.start_dumpcap("-i", "0", "-i", "1", "-w", os.path.join(rig.tmp, "k.pcapng"), "-q")
    if not wait_until(rig.sessions, 20):
        problems.append("the capture did not start")
        return [cap]
    first = rig.send(rig.frames(0)[:100])
    if len(first) != 100:
        problems.append("%d of 100 frames forwarded while capturing" % len(first))
    cap.proc.send_signal(signal.SIGKILL)
    cap.wait(5)
    if not wait_until(lambda: not rig.sessions() and not rig.hooks_left(), 5):
        problems.append("after kill -9 of sl-dumpcap: sessions %s, hooks %s"
                        % (rig.sessions(), rig.hooks_left()))
    after = rig.send(rig.frames(FRAMES))
    if len(after) != FRAMES:
        problems.append("after kill -9 of sl-dumpcap, %d of %d frames forwarded"
                        % (len(after), FRAMES))
    return [cap]


def run_capture(case):
    sltest.require_root("network namespaces")
    rig = Rig()
    problems, caps = [], []
    try:
        if not rig.l2fwd.forwarding():
            return 1
        if not wait_until(lambda: os.path.exists(sock_path(rig.prefix)), 10):
            problems.append("no telemetry socket at %s" % sock_path(rig.prefix))
        else:
            caps = {"rxtx": case_rxtx, "filter": case_filter, "kill9": case_kill9}[case](rig, problems)
        if rig.l2fwd.proc.poll() is not None:
            problems.append("sl-l2fwd exited (%d) during the test" % rig.l2fwd.proc.returncode)
        if problems:
            for c in caps:
                c.kill()
                c.dump()
        return sltest.verdict(rig.l2fwd, problems, "capture case %s" % case)
    finally:
        for c in caps:
            c.kill()
        rig.close()


# ---- telemetry -------------------------------------------------------------------


def null_l2fwd(prefix, *extra, duration="60"):
    cpu = sorted(os.sched_getaffinity(0))[-1]
    return sltest.L2fwd(["-l", str(cpu), "--no-huge", "--no-pci", "--file-prefix", prefix]
                        + list(extra) + ["--vdev", "net_null0", "--vdev", "net_null1", "--",
                                         "-p", "0x3", "-q", "2", "-T", "0",
                                         "--duration", duration])


def check_clients(prefix, problems):
    """dpdk-telemetry.py and sl-telemetry read the same counters."""
    if os.access(DPDK_TELEMETRY, os.X_OK):
        res = subprocess.run([DPDK_TELEMETRY, "-f", prefix], capture_output=True, text=True,
                             input="/ethdev/list\n/ethdev/stats,0\n/l2fwd/stats\n", timeout=30)
        replies = [json.loads(l) for l in res.stdout.splitlines() if l.startswith("{")]
        keys = [list(r)[0] for r in replies]
        if keys != ["/ethdev/list", "/ethdev/stats", "/l2fwd/stats"] or \
                replies[0]["/ethdev/list"] != [0, 1] or replies[1]["/ethdev/stats"]["ipackets"] <= 0 \
                or replies[2]["/l2fwd/stats"]["0"]["rx"] <= 0:
            problems.append("dpdk-telemetry.py: unexpected replies %s (stderr %s)"
                            % (res.stdout[-300:], res.stderr[-200:]))
    else:
        sltest.log("note: %s missing (Debian package dpdk-dev): DPDK's client not tried"
                   % DPDK_TELEMETRY)
    res = subprocess.run([SL_TELEMETRY, "-f", prefix, "/ethdev/info,1", "/eal/lcore/info,0"],
                         capture_output=True, text=True, timeout=30)
    lines = [json.loads(l) for l in res.stdout.splitlines()]
    if res.returncode != 0 or len(lines) != 2 or lines[0]["/ethdev/info"]["name"] != "net_null1" \
            or lines[1]["/eal/lcore/info"].get("busy_cycles", 0) <= 0:
        problems.append("sl-telemetry: %s %s" % (res.stdout[-300:], res.stderr[-200:]))
    res = subprocess.run([SL_TELEMETRY, "-f", prefix, "--watch", "--count", "1", "-n", "0.5"],
                         capture_output=True, text=True, timeout=30)
    if res.returncode != 0 or "net_null0" not in res.stdout or "busy" not in res.stdout:
        problems.append("sl-telemetry --watch: %s %s" % (res.stdout[-300:], res.stderr[-200:]))


def check_modes_and_nobody(prefix, problems):
    path = sock_path(prefix)
    dmode = stat.S_IMODE(os.stat(os.path.dirname(path)).st_mode)
    smode = stat.S_IMODE(os.stat(path).st_mode)
    if dmode != 0o700 or smode != 0o600:
        problems.append("runtime dir mode %o, socket mode %o: want 700 and 600" % (dmode, smode))
    runuser = shutil.which("runuser") or shutil.which("setpriv")
    if runuser is None:
        sltest.log("note: neither runuser nor setpriv: the other-user check is not run")
        return
    cmd = [runuser, "-u", "nobody", "--"] if runuser.endswith("runuser") else \
        [runuser, "--reuid=nobody", "--regid=nogroup", "--clear-groups"]
    # the system's python: nobody may not read a per-user installation
    python = "/usr/bin/python3" if os.access("/usr/bin/python3", os.X_OK) else sys.executable
    res = subprocess.run(cmd + [python, SL_TELEMETRY, "-s", path, "/info"],
                         capture_output=True, text=True, timeout=30)
    if res.returncode == 0 or "permission denied" not in res.stderr:
        problems.append("user nobody was not refused: exit %d, %s %s"
                        % (res.returncode, res.stdout, res.stderr))


def check_second_and_stale(prefix, holder, problems):
    second = null_l2fwd(prefix, duration="0.5")
    rc = second.wait(60)
    if rc != 0 or "served by process %d" % holder.proc.pid not in second.stderr():
        problems.append("a second process of prefix %s: exit %d, was not told pid %d: %s"
                        % (prefix, rc, holder.proc.pid, second.stderr()[-300:]))
    if ask(prefix, "/info")["pid"] != holder.proc.pid:
        problems.append("the second process took the socket over")
    holder.proc.send_signal(signal.SIGKILL)
    holder.wait(10)
    if not os.path.exists(sock_path(prefix)):
        problems.append("kill -9 left no socket behind: the stale case is not exercised")
    third = null_l2fwd(prefix, duration="30")
    try:
        pid = wait_until(lambda: third.wait_line("-> TX port 0", 0.1) and
                         os.path.exists(sock_path(prefix)) and ask(prefix, "/info")["pid"], 30)
        if pid != third.proc.pid:
            problems.append("the stale socket was not replaced: /info pid %s, new process %d"
                            % (pid, third.proc.pid))
    except OSError as e:
        problems.append("after kill -9 the new process does not answer: %s" % e)
    finally:
        third.kill()


def run_telemetry():
    sltest.require_root("/var/run/dpdk and another user")
    prefix = "sltesttel%d" % os.getpid()
    problems = []
    app = null_l2fwd(prefix)
    off = None
    try:
        if not app.forwarding():
            return 1
        if not wait_until(lambda: os.path.exists(sock_path(prefix)), 10):
            problems.append("no socket at %s" % sock_path(prefix))
        else:
            check_clients(prefix, problems)
            check_modes_and_nobody(prefix, problems)
            check_second_and_stale(prefix, app, problems)
        off = null_l2fwd(prefix + "off", "--no-telemetry", duration="0.3")
        off.wait(60)
        if os.path.exists(sock_path(prefix + "off")):
            problems.append("--no-telemetry served a socket")
        return sltest.verdict(app, problems, "telemetry: DPDK's and Sluice's clients, "
                              "modes, other user refused, second process, stale socket, "
                              "--no-telemetry")
    finally:
        app.kill()
        if off is not None:
            off.kill()
        for p in (prefix, prefix + "off"):
            shutil.rmtree(os.path.dirname(sock_path(p)), ignore_errors=True)


def main():
    case = sys.argv[1] if len(sys.argv) > 1 else ""
    sltest.l2fwd_path()
    if case == "telemetry":
        return run_telemetry()
    if case in ("rxtx", "filter", "kill9"):
        return run_capture(case)
    sys.exit("usage: test_capture.py rxtx|filter|kill9|telemetry")


if __name__ == "__main__":
    sys.exit(main())
