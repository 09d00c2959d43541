#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""sl-l3fwd's command line: every mistake (options, --config, --eth-dest,
route files, ports the plan cannot have) exits 2 with one error line that
names it, before any port starts; -h prints the usage and exits 0; good
command lines, DPDK l3fwd's spellings among them, run. Ports are net_null:
no root or namespace needed beyond locked memory for --no-huge."""
import os
import shutil
import subprocess
import sys
import tempfile

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import sltest  # noqa: E402

# a prefix of its own: another Sluice or DPDK process on the default one
# would serve telemetry, and ours would say so in one more line
PREFIX = "sl3args%d" % os.getpid()
EAL = ["--no-huge", "--no-pci", "--log-level", "notice", "--file-prefix", PREFIX]
CPUS = sorted(os.sched_getaffinity(0))
NULLS = ["--vdev", "net_null0", "--vdev", "net_null1"]
ONE = ["-l", str(CPUS[0])] + NULLS


def route_file(text):
    f = tempfile.NamedTemporaryFile("w", suffix=".routes", delete=False)
    f.write(text)
    f.close()
    return f.name


BAD_ROUTE = route_file("# ok\nR 198.18.0.0/24 0\nR 198.18.1.0/33 1\n")
BAD_KIND = route_file("X 1 2 3\n")
BAD_E = route_file("E 10.0.0.1 fd00::1 9 9 17 0\n")
GOOD = route_file("R 198.18.0.0/24 0\nR 2001:200::/64 1\nE 10.0.0.1 198.18.0.1 9 9 0x11 1\n")

# name, EAL args, app args, expected text
ERRORS = [
    ("portmask missing", ONE, ["-P"], "-p PORTMASK is required"),
    ("portmask not hex", ONE, ["-p", "xyz"], "bad portmask 'xyz'"),
    ("portmask zero", ONE, ["-p", "0"], "bad portmask '0'"),
    ("unknown option", ONE, ["-p", "0x3", "--frobnicate"], "unknown option --frobnicate"),
    ("option without value", ONE, ["-p", "0x3", "--config"], "option --config needs a value"),
    ("operand left", ONE, ["-p", "0x3", "extra"], "unexpected argument 'extra'"),
    ("bad mode", ONE, ["-p", "0x3", "--mode", "acl"], "bad --mode 'acl': give lpm"),
    ("eventdev mode", ONE, ["-p", "0x3", "--mode", "eventdev"], "no eventdev mode"),
    ("bad lookup", ONE, ["-p", "0x3", "--lookup", "fib"], "bad --lookup 'fib'"),
    ("config not triples", ONE, ["-p", "0x3", "--config", "(0,0)"], "bad --config '(0,0)'"),
    ("config hex", ONE, ["-p", "0x3", "--config", "(0,0x0,%d)" % CPUS[0]], "bad --config"),
    ("config lcore not in -l", ONE, ["-p", "0x3", "--config", "(0,0,999)"],
     "lcore 999 is not one of the CPUs given to -l"),
    ("config twice", ONE, ["-p", "0x1", "--config", "(0,0,%d),(0,0,%d)" % (CPUS[0], CPUS[0])],
     "port 0 queue 0 is named twice"),
    ("config port outside -p", ONE, ["-p", "0x1", "--config", "(1,0,%d)" % CPUS[0]],
     "--config names port 1, which is not in the portmask 0x1"),
    ("config queue gap", ONE, ["-p", "0x1", "--config", "(0,1,%d)" % CPUS[0]],
     "port 0: --config must name its RX queues 0..N-1"),
    ("port without queue", ONE, ["-p", "0x3", "--config", "(0,0,%d)" % CPUS[0]],
     "port 1: --config must name its RX queues"),
    ("eth-dest bad MAC", ONE, ["-p", "0x3", "--eth-dest=0,02:00:00"], "bad --eth-dest '0,02:00:00'"),
    ("eth-dest bad port", ONE, ["-p", "0x3", "--eth-dest=99,02:00:00:00:00:01"],
     "bad --eth-dest '99,02:00:00:00:00:01'"),
    ("port that does not exist", ONE, ["-p", "0x5"],
     "port 2 is in the portmask 0x5 but does not exist"),
    ("no ports", ["-l", str(CPUS[0])], ["-p", "0x1"], "no ports"),
    ("route file missing", ONE, ["-p", "0x3", "--route-file", "/nonexistent/routes"],
     "cannot open route file '/nonexistent/routes'"),
    ("route depth", ONE, ["-p", "0x3", "--route-file", BAD_ROUTE],
     "route file '%s' line 3: bad prefix length '33'" % BAD_ROUTE),
    ("route kind", ONE, ["-p", "0x3", "--route-file", BAD_KIND],
     "line 1: 'X' starts neither an R (prefix) nor an E (flow) line"),
    ("route mixed families", ONE, ["-p", "0x3", "-E", "--route-file", BAD_E],
     "give two IPv4 or two IPv6 addresses"),
    ("-T too large", ONE, ["-p", "0x3", "-T", "86401"], "bad -T '86401'"),
]

GOOD_RUNS = [
    ("defaults", ONE, ["-p", "0x3"], "DPDK l3fwd's default routes"),
    ("DPDK spellings", ONE, ["-p", "0x3", "-L", "--rule_ipv4=" + GOOD, "--rx-queue-size", "512",
                             "--tx-queue-size", "512", "--mode", "poll"], "2 routes"),
    ("EM", ONE, ["-p", "0x3", "--lookup", "em", "--route-file", GOOD], "1 flows"),
    ("--config", ONE, ["-p", "0x3", "--config", "(0,0,%d),(1,0,%d)" % (CPUS[0], CPUS[0])],
     "RX port 1 queue 0"),
]


def run(eal, app):
    cmd = [sltest.program_path("SL_L3FWD", "sl-l3fwd")] + EAL + eal + ["--"] + app
    res = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                         timeout=60)
    return cmd, res


def main():
    failures = []
    cmd, res = run(ONE, ["-p", "0x3", "--duration", "0.2", "-T", "0"])
    if res.returncode != 0 and os.geteuid() != 0 and "EAL" in res.stderr:
        sltest.skip("sl-l3fwd cannot initialise the EAL as non-root: " + res.stderr.strip())
    for name, eal, app, text in ERRORS:
        cmd, res = run(eal, app)
        errs = [line for line in res.stderr.splitlines() if line.strip()]
        if res.returncode != 2:
            failures.append("%s: exit %d, want 2, for %s\n%s" % (name, res.returncode,
                                                                  " ".join(cmd), res.stderr))
        elif text not in res.stderr:
            failures.append("%s: stderr lacks \"%s\": %s" % (name, text, res.stderr.strip()))
        elif len(errs) != 1:
            failures.append("%s: %d error lines, want one: %s" % (name, len(errs), res.stderr))
        elif "Port 0 (" in res.stdout:
            failures.append("%s: a port was started before the error" % name)
        else:
            sltest.log("ok   %-28s %s" % (name, errs[0]))
    for name, eal, app, text in GOOD_RUNS:
        cmd, res = run(eal, app + ["--duration", "0.2", "-T", "0"])
        if res.returncode != 0 or text not in res.stdout or "Final statistics" not in res.stdout:
            failures.append("%s: exit %d, want 0 and \"%s\": %s\n%s\n%s"
                            % (name, res.returncode, text, " ".join(cmd), res.stdout, res.stderr))
        else:
            sltest.log("ok   %-28s runs" % name)
    cmd, res = run(ONE, ["-h"])
    if res.returncode != 0 or "Usage" not in res.stdout or "--route-file" not in res.stdout:
        failures.append("-h: exit %d, stdout %r" % (res.returncode, res.stdout[:300]))
    for path in (BAD_ROUTE, BAD_KIND, BAD_E, GOOD):
        os.unlink(path)
    shutil.rmtree("/var/run/dpdk/" + PREFIX, ignore_errors=True)
    for f in failures:
        sltest.log("FAIL: " + f)
    if failures:
        return 1
    sltest.log("PASS: %d bad command lines exit 2 with one line each, %d good ones run, -h works"
               % (len(ERRORS), len(GOOD_RUNS)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
