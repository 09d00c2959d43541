#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""sl-l2fwd's command line: every mistake exits non-zero with a message that
names it, before any port starts; -h prints usage; good command lines run;
SIGINT/SIGTERM end a run with a summary and closed ports. Also sl-skeleton.

Ports are net_null (and net_ring, net_pcap, net_af_packet where the case
needs them), so nothing here needs a network namespace.
"""
import os
import signal
import subprocess
import sys
import time

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import sltest  # noqa: E402

EAL = ["--no-huge", "--no-pci", "--log-level", "notice"]


def nulls(n):
    out = []
    for i in range(n):
        out += ["--vdev", "net_null%d" % i]
    return out


def cpus(n):
    return ",".join(str(c) for c in sorted(os.sched_getaffinity(0))[:n])


# name, EAL args, app args, expected text (in stdout+stderr)
ERRORS = [
    ("odd number of ports", ["-l", cpus(1)] + nulls(3), ["-p", "0x7", "-q", "3"],
     "an odd number"),
    ("port that does not exist", ["-l", cpus(1)] + nulls(2), ["-p", "0x5", "-q", "2"],
     "port 2 is in the portmask 0x5 but does not exist"),
    ("no ports at all", ["-l", cpus(1)], ["-p", "0x3"], "no ports"),
    ("portmask not hex", ["-l", cpus(1)] + nulls(2), ["-p", "xyz"], "bad portmask 'xyz'"),
    ("portmask zero", ["-l", cpus(1)] + nulls(2), ["-p", "0"], "bad portmask '0'"),
    ("portmask missing", ["-l", cpus(1)] + nulls(2), ["-q", "2"], "-p PORTMASK is required"),
    ("-q zero", ["-l", cpus(1)] + nulls(2), ["-p", "0x3", "-q", "0"], "bad -q '0'"),
    ("-q too large", ["-l", cpus(1)] + nulls(2), ["-p", "0x3", "-q", "17"], "bad -q '17'"),
    ("-q not a number", ["-l", cpus(1)] + nulls(2), ["-p", "0x3", "-q", "two"], "bad -q 'two'"),
    # the number rule of sl_parse.h (sl-l2fwd used to take " 5" and "5 ")
    ("-q leading blank", ["-l", cpus(1)] + nulls(2), ["-p", "0x3", "-q", " 2"], "bad -q ' 2'"),
    ("-q trailing blank", ["-l", cpus(1)] + nulls(2), ["-p", "0x3", "-q", "2 "], "bad -q '2 '"),
    ("-q hex", ["-l", cpus(1)] + nulls(2), ["-p", "0x3", "-q", "0x2"], "bad -q '0x2'"),
    ("-q negative", ["-l", cpus(1)] + nulls(2), ["-p", "0x3", "-q", "-1"], "bad -q '-1'"),
    ("-q exponent", ["-l", cpus(1)] + nulls(2), ["-p", "0x3", "-q", "1e1"], "bad -q '1e1'"),
    ("--mbufs overflow", ["-l", cpus(1)] + nulls(2),
     ["-p", "0x3", "-q", "2", "--mbufs", "18446744073709551616"],
     "bad --mbufs '18446744073709551616': the number of mbufs is 1..4294967295"),
    ("portmask with blank", ["-l", cpus(1)] + nulls(2), ["-p", " 0x3"], "bad portmask ' 0x3'"),
    ("portmap hex port", ["-l", cpus(1)] + nulls(2), ["-p", "0x3", "-q", "2", "--portmap",
                                                      "(0x0,1)"], "bad --portmap '(0x0,1)'"),
    ("--duration exponent", ["-l", cpus(1)] + nulls(2),
     ["-p", "0x3", "-q", "2", "--duration", "1e1"], "bad --duration '1e1'"),
    ("no lcore for a port", ["-l", cpus(1)] + nulls(2), ["-p", "0x3", "-q", "1"],
     "no lcore left for port 1 queue 0"),
    ("no lcore for a queue", ["-l", cpus(1)] + nulls(2), ["-p", "0x3", "-q", "2", "--queues", "2"],
     "no lcore left for port 0 queue 1"),
    ("-T too large", ["-l", cpus(1)] + nulls(2), ["-p", "0x3", "-q", "2", "-T", "86401"],
     "bad -T '86401'"),
    ("portmap not pairs", ["-l", cpus(1)] + nulls(2), ["-p", "0x3", "-q", "2", "--portmap", "0,1"],
     "bad --portmap '0,1'"),
    ("portmap port outside mask", ["-l", cpus(1)] + nulls(4),
     ["-p", "0x3", "-q", "2", "--portmap", "(0,2)"], "port 2, which is not in the portmask"),
    ("portmap pairs a port with itself", ["-l", cpus(1)] + nulls(2),
     ["-p", "0x3", "-q", "2", "--portmap", "(1,1)"], "with itself"),
    ("portmap port in two pairs", ["-l", cpus(1)] + nulls(4),
     ["-p", "0xf", "-q", "4", "--portmap", "(0,1),(1,2)"], "port 1 in two pairs"),
    ("portmap leaves a port out", ["-l", cpus(1)] + nulls(4),
     ["-p", "0xf", "-q", "4", "--portmap", "(0,1)"], "in no --portmap pair"),
    ("unknown option", ["-l", cpus(1)] + nulls(2), ["-p", "0x3", "--frobnicate"],
     "unknown option --frobnicate"),
    ("option without value", ["-l", cpus(1)] + nulls(2), ["-p"], "needs a value"),
    ("stray argument", ["-l", cpus(1)] + nulls(2), ["-p", "0x3", "-q", "2", "extra"],
     "unexpected argument 'extra'"),
    ("--burst out of range", ["-l", cpus(1)] + nulls(2), ["-p", "0x3", "-q", "2", "--burst", "0"],
     "bad --burst '0'"),
    ("--duration not a number", ["-l", cpus(1)] + nulls(2),
     ["-p", "0x3", "-q", "2", "--duration", "soon"], "bad --duration 'soon'"),
    ("more queues than the port has", ["-l", cpus(1), "--vdev", "net_ring0", "--vdev",
                                       "net_ring1,peer=net_ring0"],
     ["-p", "0x3", "-q", "4", "--queues", "2"], "--queues asks for 2"),
    ("af_packet without iface", ["-l", cpus(1), "--vdev", "net_af_packet0"], ["-p", "0x1"],
     "iface=IFNAME is required"),
    ("af_packet on a missing interface", ["-l", cpus(1), "--vdev",
                                          "net_af_packet0,iface=nosuchif9"], ["-p", "0x1"],
     "no interface 'nosuchif9'"),
    ("pcap file missing", ["-l", cpus(1), "--vdev", "net_pcap0,rx_pcap=/nonexistent/x.pcap"],
     ["-p", "0x1"], "/nonexistent/x.pcap"),
]


def run(eal, app, timeout=30):
    cmd = [sltest.l2fwd_path()] + EAL + eal + ["--"] + app
    res = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                         timeout=timeout)
    return cmd, res


def main():
    sltest.l2fwd_path()
    failures = []
    # Can we run at all (locked memory for --no-huge)?
    cmd, res = run(["-l", cpus(1)] + nulls(2), ["-p", "0x3", "-q", "2", "--duration", "0.2",
                                                "-T", "0"])
    if res.returncode != 0 and os.geteuid() != 0 and "EAL" in res.stderr:
        sltest.skip("sl-l2fwd cannot initialise the EAL as non-root: " + res.stderr.strip())
    if res.returncode != 0 or "Final statistics" not in res.stdout:
        failures.append("good command line %s failed (%d): %s" % (" ".join(cmd), res.returncode,
                                                                 res.stderr.strip()))

    for name, eal, app, text in ERRORS:
        cmd, res = run(eal, app)
        out = res.stdout + res.stderr
        if res.returncode == 0:
            failures.append("%s: exit 0 for %s" % (name, " ".join(cmd)))
        elif text not in out:
            failures.append("%s: message lacks \"%s\": %s" % (name, text, out.strip()))
        elif "Port 0 (" in res.stdout:
            failures.append("%s: a port was started before the error" % name)
        else:
            sltest.log("ok   %-35s %s" % (name, res.stderr.strip().splitlines()[-1]))

    # -h: usage with examples, exit 0 (after the EAL's -- and before it)
    for where, (eal, app) in (("app", (["-l", cpus(1)], ["-h"])), ("EAL", (["-h"], []))):
        cmd, res = run(eal, app)
        if res.returncode != 0 or "Usage" not in res.stdout or "Examples" not in res.stdout:
            failures.append("-h given to the %s: exit %d, stdout %r" % (where, res.returncode,
                                                                        res.stdout[:200]))
        else:
            sltest.log("ok   -h (%s) prints usage with examples" % where)

    # multi-queue plan: 2 ports x 2 queues on 2 lcores, each lcore its own
    # queue index on both ports
    if len(os.sched_getaffinity(0)) >= 2:
        cmd, res = run(["-l", cpus(2)] + nulls(2),
                       ["-p", "0x3", "-q", "2", "--queues", "2", "--duration", "0.3", "-T", "0"])
        want = ["lcore 0: RX port 0 queue 0 -> TX port 1 queue 0",
                "lcore 0: RX port 1 queue 0 -> TX port 0 queue 0",
                "lcore 1: RX port 0 queue 1 -> TX port 1 queue 1",
                "lcore 1: RX port 1 queue 1 -> TX port 0 queue 1"]
        missing = [w for w in want if w not in res.stdout]
        if res.returncode != 0 or missing:
            failures.append("--queues 2 plan: exit %d, missing %s\n%s" % (res.returncode, missing,
                                                                         res.stdout))
        else:
            sltest.log("ok   --queues 2 -q 2 on 2 lcores: one queue index per lcore")

    # --portmap: (0,3),(1,2) forwards 0->3 and 1->2
    cmd, res = run(["-l", cpus(1)] + nulls(4),
                   ["-p", "0xf", "-q", "4", "--portmap", "(0,3),(1,2)", "--duration", "0.2",
                    "-T", "0"])
    if res.returncode != 0 or "RX port 0 queue 0 -> TX port 3" not in res.stdout or \
            "RX port 1 queue 0 -> TX port 2" not in res.stdout:
        failures.append("--portmap (0,3),(1,2): exit %d\n%s\n%s" % (res.returncode, res.stdout,
                                                                   res.stderr))
    else:
        sltest.log("ok   --portmap (0,3),(1,2)")

    # SIGTERM (and SIGINT): summary, ports closed, exit 0
    for sig in (signal.SIGTERM, signal.SIGINT):
        l2fwd = sltest.L2fwd(EAL + ["-l", cpus(1)] + nulls(2) + ["--", "-p", "0x3", "-q", "2",
                                                                  "-T", "1"])
        started = l2fwd.wait_line("-> TX port 0", 20)
        time.sleep(1.5)       # one periodic statistics print
        l2fwd.proc.send_signal(sig)
        rc = l2fwd.wait(20)
        out = l2fwd.stdout()
        want = ["Port statistics", "Rate over", "Signal %d received" % sig, "Final statistics",
                "Closing port 1... done", "Bye..."]
        missing = [w for w in want if w not in out]
        if not started or rc != 0 or missing:
            l2fwd.dump()
            failures.append("%s: exit %d, output lacks %s" % (sig.name, rc, missing))
        else:
            sltest.log("ok   %s: statistics, summary, ports closed, exit 0" % sig.name)

    # sl-skeleton: forwards between two null ports until Ctrl-C
    skeleton = os.environ.get("SL_SKELETON")
    if skeleton:
        proc = subprocess.Popen([skeleton] + EAL + ["-l", cpus(1)] + nulls(2),
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        time.sleep(1.0)
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=20)
        if proc.returncode != 0 or "Forwarded" not in out or " 0 packets" in out:
            failures.append("sl-skeleton: exit %d\n%s\n%s" % (proc.returncode, out, err))
        else:
            sltest.log("ok   sl-skeleton forwards and stops on SIGINT: " + out.strip().splitlines()[-1])
        proc = subprocess.run([skeleton] + EAL + ["-l", cpus(1)] + nulls(1),
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, timeout=20)
        if proc.returncode == 0 or "ports 0 and 1" not in proc.stderr:
            failures.append("sl-skeleton with one port: exit %d, %s" % (proc.returncode,
                                                                        proc.stderr))
        else:
            sltest.log("ok   sl-skeleton with one port: " + proc.stderr.strip())
        proc = subprocess.run([skeleton, "-h"], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              text=True, timeout=20)
        if proc.returncode != 0 or "--vdev" not in proc.stdout or "Examples:" not in proc.stdout:
            failures.append("sl-skeleton -h: exit %d, no EAL options or no examples:\n%s"
                            % (proc.returncode, proc.stdout))
        else:
            sltest.log("ok   sl-skeleton -h prints the EAL options and examples")

    for f in failures:
        sltest.log("FAIL: " + f)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
