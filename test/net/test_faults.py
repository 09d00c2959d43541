#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""Faults a Sluice application must survive, without a guest (issue 8).

    test_faults.py txfull    net_ring cable, the receiver stops polling: the
                             sender's tx_burst returns fewer, the app counts
                             the drops, nothing else is lost, no mbuf leaks
    test_faults.py nombuf    net_af_packet on veth, the pool emptied under
                             traffic: RX stops taking frames, rx_nombuf and
                             imissed count them, forwarding resumes by itself
                             once the mbufs are back, no mbuf leaks
    test_faults.py sigint    sl-l2fwd on veth with hugepages, SIGINT (and
    test_faults.py sigterm   SIGTERM) mid-traffic: clean stop, summary, exit
                             0, every hugepage free again
    test_faults.py kill9     sl-l2fwd killed with SIGKILL mid-traffic: no
                             hugepage stays reserved, no hugetlbfs file is
                             left, and the next run on the same ports
                             forwards cleanly

Topology for the veth cases (as test_l2fwd_veth.py):

    ns a            ns d (app)                          ns b
    va0 ----veth---- va1 = port 0  <-forward->  port 1 = vb1 ----veth---- vb0
"""
import json
import os
import signal
import sys
import tempfile
import threading
import time

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import sltest  # noqa: E402

MAC_A0, MAC_A1 = "02:aa:00:00:00:01", "02:aa:00:00:00:02"
MAC_B0, MAC_B1 = "02:bb:00:00:00:01", "02:bb:00:00:00:02"
DST = sltest.mac_bytes("02:11:22:33:44:55")
HUGE_MB = 64


class Failure(Exception):
    pass


def expect(cond, what):
    if not cond:
        raise Failure(what)
    sltest.log("ok: " + what)


def faultfwd_path():
    return sltest.program_path("SL_FAULTFWD", "faultfwd")


# ---- the veth rig ---------------------------------------------------------------


class Rig:
    """Two veth pairs in three namespaces, a raw sender on va0 and a
    receiver on vb0; the app runs in ns d on va1/vb1."""

    def __init__(self):
        self.ns = sltest.Netns("slf")
        self.ns_a, self.ns_d, self.ns_b = self.ns.add("a"), self.ns.add("d"), self.ns.add("b")
        self.ns.veth(self.ns_a, "va0", MAC_A0, self.ns_d, "va1", MAC_A1)
        self.ns.veth(self.ns_b, "vb0", MAC_B0, self.ns_d, "vb1", MAC_B1)
        self.tx = sltest.tx_socket(self.ns_a, "va0")
        self.run_id = os.getpid()
        self.rx = sltest.Receiver(sltest.rx_socket(self.ns_b, "vb0"),
                                  lambda f: sltest.frame_seq(f, self.run_id))
        self.cpu = sorted(os.sched_getaffinity(0))[-1]
        self.apps, self.pumps = [], []

    def frame(self, seq):
        return sltest.make_frame(seq, self.run_id, DST, sltest.mac_bytes(MAC_A0),
                                 sltest.frame_size(seq))

    def send(self, first, count, window=None):
        """Frames first..first+count-1; with window, never more than that
        many ahead of the receiver (so nothing on the path overflows).
        Without, in bursts of 50 a millisecond apart, so that the kernel's
        backlog (1000 frames) does not drop what the app's ring should."""
        base = self.rx.count()
        for i in range(count):
            if window is None and i % 50 == 49:
                time.sleep(0.001)
            if window is not None and not self.rx.wait_room(base + i, window, 10):
                raise Failure("frames stopped arriving after %d of %d sent" % (i, count))
            self.tx.send(self.frame(first + i))

    def app_args(self, drv_extra=""):
        return ["-l", str(self.cpu), "--no-pci",
                "--vdev", "net_af_packet0,iface=va1" + drv_extra,
                "--vdev", "net_af_packet1,iface=vb1" + drv_extra]

    def app(self, cmd):
        """A Sluice program in ns d (stopped by close() if still running)."""
        app = sltest.App(cmd, prefix=self.ns.exec_prefix(self.ns_d))
        self.apps.append(app)
        return app

    def pump(self, first=0):
        """A Pump sending from seq first (stopped by close())."""
        pump = Pump(self, first)
        pump.start()
        self.pumps.append(pump)
        return pump

    def close(self):
        for pump in self.pumps:
            pump.stop = True
        for app in self.apps:
            app.kill()
        self.rx.close()
        self.ns.close()


def check_order(seqs, what):
    dups = len(seqs) - len(set(seqs))
    expect(dups == 0, "%s: no duplicates (%d frames)" % (what, len(seqs)))
    bad = next((i for i in range(1, len(seqs)) if seqs[i] < seqs[i - 1]), None)
    expect(bad is None, "%s: in order%s" % (
        what, "" if bad is None else " (frame %d after %d)" % (seqs[bad], seqs[bad - 1])))


# ---- hugepages ------------------------------------------------------------------


def meminfo(key):
    with open("/proc/meminfo") as f:
        for line in f:
            if line.startswith(key + ":"):
                return int(line.split()[1])
    return 0


def hugetlbfs_files():
    """Every file in every mounted hugetlbfs (the EAL's fallback when
    memfd_create(MFD_HUGETLB) is missing leaves files there)."""
    found = set()
    with open("/proc/mounts") as f:
        for line in f:
            dev, mnt, fstype = line.split()[:3]
            if fstype != "hugetlbfs":
                continue
            for root, _, files in os.walk(mnt):
                found.update(os.path.join(root, x) for x in files)
    return found


def process_hugepages(pid):
    """2 MiB-equivalent hugepages mapped by pid (smaps Private/Shared_Hugetlb)."""
    kb = 0
    try:
        with open("/proc/%d/smaps" % pid) as f:
            for line in f:
                if line.startswith(("Private_Hugetlb:", "Shared_Hugetlb:")):
                    kb += int(line.split()[1])
    except OSError:
        return 0
    return kb // meminfo("Hugepagesize") if meminfo("Hugepagesize") else 0


def need_hugepages():
    free = meminfo("HugePages_Free")
    if free * meminfo("Hugepagesize") < HUGE_MB * 1024 + 8192:
        sltest.skip("needs %d MB of free hugepages, %d pages free "
                    "(echo 512 > /proc/sys/vm/nr_hugepages)" % (HUGE_MB + 8, free))


def wait_hugepages_back(before, held, what):
    """HugePages_Free back at 'before' (nothing else allocated meanwhile),
    or up by at least the 'held' pages the dead process had mapped (other
    programs on a shared machine allocate too)."""
    deadline = time.monotonic() + 10
    while True:
        now = meminfo("HugePages_Free")
        if now >= before:
            break
        if time.monotonic() > deadline:
            break
        time.sleep(0.1)
    expect(now >= before, "%s: HugePages_Free back to %d (now %d; the process held %d)"
           % (what, before, now, held))


# ---- cases ------------------------------------------------------------------------


def case_txfull():
    """The receiver of a net_ring cable stops polling: the cable (512
    slots) fills, the sender's tx_burst takes fewer, the app frees and
    counts the rest; after the pause everything taken arrives once and in
    order and the pool is whole again."""
    with tempfile.TemporaryDirectory() as tmp:
        stats = os.path.join(tmp, "stats.json")
        total, pause_at, pause_drops = 200000, 50000, 10000
        app = sltest.App([faultfwd_path(), "-l", "0", "--no-huge", "-m", "128", "--no-pci",
                          "--vdev", "net_ring0,size=512",
                          "--vdev", "net_ring1,peer=net_ring0,size=512",
                          "--", "--gen", str(total), "--rx-pause-at", str(pause_at),
                          "--rx-pause-drops", str(pause_drops), "--stats", stats,
                          "--timeout", "60"])
        rc = app.wait(90)
        if rc != 0 or not os.path.exists(stats):
            app.dump()
            if any("mlock" in l or "locked" in l for l in app.err_lines) and os.geteuid() != 0:
                sltest.skip("--no-huge needs locked memory (root or ulimit -l)")
        expect(rc == 0, "faultfwd exit status %d" % rc)
        with open(stats) as f:
            st = json.load(f)
    gen, pool, p0, p1 = st["gen"], st["pool"], st["ports"][0], st["ports"][1]
    sltest.log("gen %s, pool %s" % (gen, pool))
    expect(gen["offered"] == total, "all %d frames offered" % total)
    expect(gen["dropped"] >= pause_drops, "tx_burst refused %d frames while the receiver "
           "was stopped (>= %d)" % (gen["dropped"], pause_drops))
    expect(gen["taken"] + gen["dropped"] == total, "taken + dropped = offered")
    expect(gen["received"] == gen["taken"] and gen["bad"] == 0,
           "every frame taken arrived once, in order (%d received, %d bad)"
           % (gen["received"], gen["bad"]))
    expect(gen["received"] > pause_at + 512 + 1000, "traffic resumed after the pause")
    expect(p0["oerrors"] == gen["dropped"] and p0["opackets"] == gen["taken"],
           "port 0 counters: opackets %d oerrors %d" % (p0["opackets"], p0["oerrors"]))
    expect(p1["ipackets"] == gen["taken"], "port 1 ipackets %d" % p1["ipackets"])
    expect(pool["in_use_after_run"] == pool["in_use_started"] == pool["in_use_before_start"]
           and pool["in_use_after_stop"] == pool["in_use_before_start"],
           "pool in use back to its starting value %d (after run %d, after stop %d)"
           % (pool["in_use_before_start"], pool["in_use_after_run"], pool["in_use_after_stop"]))


def case_nombuf():
    """faultfwd on veth holds every free mbuf while a file exists."""
    sltest.require_root("network namespaces")
    rig = Rig()
    try:
        with tempfile.TemporaryDirectory() as tmp:
            hoard, stop = os.path.join(tmp, "hoard"), os.path.join(tmp, "stop")
            stats = os.path.join(tmp, "stats.json")
            # a small kernel ring (256 frames) so that it overflows while
            # the pool is empty: imissed counts what the kernel dropped
            args = [faultfwd_path()] + rig.app_args(",framecnt=256") + [
                "--no-huge", "-m", "128", "--", "--mbufs", "1023", "--hoard", hoard,
                "--stop", stop, "--stats", stats, "--timeout", "120"]
            app = rig.app(args)
            expect(app.wait_line("faultfwd: forwarding", 30), "faultfwd forwards")

            rig.send(0, 300, window=64)
            expect(rig.rx.wait_for(300, 10) == 300, "300 frames forwarded before the fault")

            open(hoard, "w").close()
            expect(app.wait_line("hoard on", 10), "pool emptied")
            before = rig.rx.count()
            rig.send(10000, 1000)
            time.sleep(1.0)
            during = rig.rx.count() - before
            sltest.log("%d of 1000 frames came through while the pool was empty" % during)
            expect(during <= 64, "RX stopped taking frames while the pool was empty "
                   "(%d came through: what was in flight)" % during)

            os.unlink(hoard)
            expect(app.wait_line("hoard off", 10), "mbufs given back")
            # what the kernel ring kept is delivered now; then new frames
            time.sleep(1.0)
            mid = rig.rx.count()
            rig.send(20000, 500, window=64)
            got = rig.rx.wait_for(mid + 500, 10) - mid
            expect(got == 500, "forwarding resumed by itself: %d of 500 new frames" % got)

            open(stop, "w").close()
            rc = app.wait(30)
            expect(rc == 0, "faultfwd exit status %d" % rc)
            with open(stats) as f:
                st = json.load(f)
        seqs = list(rig.rx.items)
        check_order(seqs, "frames through the fault")
        p0, pool = st["ports"][0], st["pool"]
        sltest.log("port 0: %s" % p0)
        expect(p0["rx_nombuf"] > 0, "rx_nombuf counted the empty pool (%d)" % p0["rx_nombuf"])
        expect(p0["imissed"] > 0, "imissed counted the frames the kernel ring dropped (%d)"
               % p0["imissed"])
        expect(p0["imissed"] + p0["ipackets"] >= 1800,
               "every frame accounted for: %d received + %d missed of 1800"
               % (p0["ipackets"], p0["imissed"]))
        expect(pool["in_use_after_stop"] == pool["in_use_before_start"] and
               pool["in_use_after_run"] == pool["in_use_started"],
               "pool in use back to its starting value (%s)" % pool)
    finally:
        rig.close()


def l2fwd_cmd(rig, extra_eal=()):
    return [sltest.l2fwd_path()] + rig.app_args() + ["-m", str(HUGE_MB)] + list(extra_eal) + [
        "--", "-p", "0x3", "-q", "2", "-P", "-T", "0", "--no-mac-updating"]


class Pump(threading.Thread):
    """Sends frames paced (about 5000/s) until stopped."""

    def __init__(self, rig, first):
        super().__init__(daemon=True)
        self.rig, self.seq, self.stop = rig, first, False

    def run(self):
        while not self.stop:
            for _ in range(50):
                self.rig.tx.send(self.rig.frame(self.seq))
                self.seq += 1
            time.sleep(0.01)


def l2fwd_under_traffic(rig):
    """sl-l2fwd forwarding while a Pump sends: (app, pump, hugepages it
    holds). ip netns exec execs the app: its pid is sl-l2fwd's."""
    app = rig.app(l2fwd_cmd(rig))
    expect(app.wait_line("-> TX port 0", 30), "sl-l2fwd forwards")
    held = process_hugepages(app.proc.pid)
    expect(held > 0, "sl-l2fwd (pid %d) holds %d hugepages" % (app.proc.pid, held))
    pump = rig.pump()
    expect(rig.rx.wait_for(500, 15) >= 500, "traffic flows (%d frames)" % rig.rx.count())
    return app, pump, held


def case_signal(signum):
    sltest.require_root("network namespaces")
    need_hugepages()
    rig = Rig()
    try:
        free0 = meminfo("HugePages_Free")
        app, pump, held = l2fwd_under_traffic(rig)
        app.proc.send_signal(signum)
        t0 = time.monotonic()
        rc = app.wait(20)
        took = time.monotonic() - t0
        pump.stop = True
        pump.join(2)
        if rc != 0:
            app.dump()
        expect(rc == 0, "sl-l2fwd exit status %d after signal %d (%.2f s)" % (rc, signum, took))
        out = app.stdout()
        expect("Signal %d received" % signum in out, "the signal was reported")
        expect("Final statistics" in out and "Bye..." in out, "summary printed, ports closed")
        expect(out.count("Closing port") == 2, "both ports closed")
        expect("Mbufs in use after closing the ports: 0 of" in out, "no mbuf leaked")
        wait_hugepages_back(free0, held, "after signal %d" % signum)
        check_order(list(rig.rx.items), "frames until the signal")
    finally:
        rig.close()


def case_kill9():
    sltest.require_root("network namespaces")
    need_hugepages()
    rig = Rig()
    try:
        free0 = meminfo("HugePages_Free")
        files0 = hugetlbfs_files()
        app, pump, held = l2fwd_under_traffic(rig)
        os.kill(app.proc.pid, signal.SIGKILL)
        rc = app.wait(10)
        pump.stop = True
        pump.join(2)
        expect(rc == -signal.SIGKILL, "sl-l2fwd died of SIGKILL (%d)" % rc)
        wait_hugepages_back(free0, held, "after kill -9")
        left = hugetlbfs_files() - files0
        expect(not left, "no hugetlbfs files left behind%s" % (": %s" % sorted(left) if left else ""))

        # the same ports again: a clean start and lossless forwarding
        time.sleep(0.5)
        app = rig.app(l2fwd_cmd(rig) + ["--max-packets", "1000"])
        expect(app.wait_line("-> TX port 0", 30), "sl-l2fwd starts again on the same ports")
        base = rig.rx.count()
        rig.send(1000000, 1000, window=64)
        got = rig.rx.wait_for(base + 1000, 10) - base
        rc = app.wait(20)
        if got != 1000 or rc != 0:
            app.dump()
        expect(got == 1000, "the new run forwarded %d of 1000 frames" % got)
        expect(rc == 0, "the new run ended with exit status %d" % rc)
        check_order(rig.rx.items[base:], "frames of the new run")
        wait_hugepages_back(free0, 0, "after the new run")
    finally:
        rig.close()


CASES = {
    "txfull": case_txfull,
    "nombuf": case_nombuf,
    "sigint": lambda: case_signal(signal.SIGINT),
    "sigterm": lambda: case_signal(signal.SIGTERM),
    "kill9": case_kill9,
}


def main():
    if len(sys.argv) != 2 or sys.argv[1] not in CASES:
        sys.exit("usage: test_faults.py %s" % "|".join(CASES))
    try:
        CASES[sys.argv[1]]()
    except Failure as e:
        sltest.log("FAIL: %s" % e)
        return 1
    sltest.log("PASS: %s" % sys.argv[1])
    return 0


if __name__ == "__main__":
    sys.exit(main())
