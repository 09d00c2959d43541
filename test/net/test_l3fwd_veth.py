#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""A kernel pings another through sl-l3fwd, IPv4 and IPv6, over two veth pairs.

    ns a                     ns d (sl-l3fwd)                       ns b
    va0 10.1.0.1 ---veth--- va1 = port 0 <--route--> port 1 = vb1 ---veth--- vb0 10.2.0.1
        fd01::1                                                             fd02::1

Each end routes the other's network via a gateway address (10.1.0.254,
fd01::fe; 10.2.0.254, fd02::fe) whose neighbour entry is static and names
sl-l3fwd's port, so sl-l3fwd never has to answer ARP or neighbour
solicitations. sl-l3fwd's routes come from a route file; --eth-dest gives
each port the MAC of the kernel interface behind it. The echo replies must
arrive with TTL/hop limit 63 (64 less one: sl-l3fwd decremented it and, for
IPv4, left a checksum the kernel accepts), and sl-l3fwd's counters must
show the requests and replies routed and no frame dropped as malformed
or for a full TX ring.
"""
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import sltest  # noqa: E402

MAC_A0, MAC_A1 = "02:aa:00:00:00:01", "02:aa:00:00:00:02"
MAC_B0, MAC_B1 = "02:bb:00:00:00:01", "02:bb:00:00:00:02"
PINGS = 5

ROUTES = """# sl-l3fwd routes for test_l3fwd_veth.py
R 10.1.0.0/24 0
R 10.2.0.0/24 1
R fd01::/64 0
R fd02::/64 1
"""


def setup_end(ns, ifname, v4, v6, gw4, gw6, gw_mac, other4, other6):
    """One end: addresses, IPv6 on, the route to the far network via a
    gateway whose MAC is static."""
    sh = sltest.sh
    sh("ip", "netns", "exec", ns, "sysctl", "-qw", "net.ipv6.conf.all.disable_ipv6=0",
       "net.ipv6.conf.%s.disable_ipv6=0" % ifname)
    sh("ip", "-n", ns, "addr", "add", v4 + "/24", "dev", ifname)
    sh("ip", "-n", ns, "addr", "add", v6 + "/64", "dev", ifname, "nodad")
    sh("ip", "-n", ns, "neigh", "replace", gw4, "lladdr", gw_mac, "dev", ifname, "nud", "permanent")
    sh("ip", "-n", ns, "-6", "neigh", "replace", gw6, "lladdr", gw_mac, "dev", ifname,
       "nud", "permanent")
    sh("ip", "-n", ns, "route", "add", other4, "via", gw4, "dev", ifname)
    sh("ip", "-n", ns, "-6", "route", "add", other6, "via", gw6, "dev", ifname)


def ping(ns, family, dst):
    cmd = ["ip", "netns", "exec", ns, "ping", "-" + family, "-c", str(PINGS), "-i", "0.2",
           "-W", "2", dst]
    res = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                         timeout=60)
    sltest.log("$ %s\n%s" % (" ".join(cmd), res.stdout.strip()))
    got = len(re.findall(r"bytes from .*(?:ttl|hlim)=63\b", res.stdout))
    return res.returncode, got


def counter(app, label):
    text = app.stdout()
    tail = text[text.rfind("Final statistics"):]
    m = re.search(r"^\s*%s:?\s+(\d+)" % re.escape(label), tail, re.M)
    return int(m.group(1)) if m else None


def main():
    # --queues 2: two queue pairs per port (PACKET_FANOUT), one lcore each
    queues = int(sys.argv[2]) if len(sys.argv) > 2 and sys.argv[1] == "--queues" else 1
    path = sltest.program_path("SL_L3FWD", "sl-l3fwd")
    if shutil.which("ping") is None:
        sltest.skip("ping (iputils-ping) is missing")
    ns = sltest.Netns("sl3")
    app = None
    tmp = tempfile.NamedTemporaryFile("w", suffix=".routes", delete=False)
    try:
        tmp.write(ROUTES)
        tmp.close()
        ns_a, ns_d, ns_b = ns.add("a"), ns.add("d"), ns.add("b")
        ns.veth(ns_a, "va0", MAC_A0, ns_d, "va1", MAC_A1)
        ns.veth(ns_b, "vb0", MAC_B0, ns_d, "vb1", MAC_B1)
        setup_end(ns_a, "va0", "10.1.0.1", "fd01::1", "10.1.0.254", "fd01::fe", MAC_A1,
                  "10.2.0.0/24", "fd02::/64")
        setup_end(ns_b, "vb0", "10.2.0.1", "fd02::1", "10.2.0.254", "fd02::fe", MAC_B1,
                  "10.1.0.0/24", "fd01::/64")
        cpus = sorted(os.sched_getaffinity(0))[-queues:]
        # queue q of both ports on the q-th lcore: each lcore its own TX queues
        config = ",".join("(%d,%d,%d)" % (p, q, cpus[q % len(cpus)])
                          for p in (0, 1) for q in range(queues))
        qp = ",qpairs=%d" % queues if queues > 1 else ""
        args = [path, "-l", ",".join(map(str, sorted(set(cpus)))), "--no-huge", "--no-pci",
                "--vdev", "net_af_packet0,iface=va1" + qp, "--vdev", "net_af_packet1,iface=vb1" + qp,
                "--", "-p", "0x3", "--config", config,
                "--route-file", tmp.name, "--eth-dest=0," + MAC_A0, "--eth-dest=1," + MAC_B0,
                "-T", "0", "--duration", "120"]
        app = sltest.App(args, prefix=ns.exec_prefix(ns_d))
        if not app.wait_line("RX port 1 queue %d" % (queues - 1), 30):
            app.kill()
            return sltest.verdict(app, ["sl-l3fwd did not start forwarding"], "")
        problems = []
        results = {}
        for family, dst in (("4", "10.2.0.1"), ("6", "fd02::1")):
            rc, got = ping(ns_a, family, dst)
            results[family] = got
            if rc != 0 or got != PINGS:
                problems.append("ping -%s %s: exit %d, %d of %d replies with TTL 63"
                                % (family, dst, rc, got, PINGS))
        app.proc.send_signal(signal.SIGINT)
        rc = app.wait(20)
        if rc != 0:
            problems.append("sl-l3fwd exited with %d after SIGINT" % rc)
        else:
            sent = counter(app, "Total packets sent")
            # requests one way, replies the other, both families
            if sent is None or sent < 4 * PINGS:
                problems.append("sl-l3fwd routed %s frames, at least %d expected"
                                % (sent, 4 * PINGS))
            # the kernels' own chatter (MLD with hop limit 1, multicast
            # without a route) may be dropped; nothing the pings sent may be
            for why in ("bad_header", "bad_checksum", "tx_full"):
                n = counter(app, "dropped " + why)
                if n != 0:
                    problems.append("sl-l3fwd dropped %s frames as %s" % (n, why))
        return sltest.verdict(app, problems,
                              "ping and ping -6 through sl-l3fwd (%d queue pair(s) per port): "
                              "%d + %d replies, TTL 63"
                              % (queues, results.get("4", 0), results.get("6", 0)))
    finally:
        if app is not None:
            app.kill()
        ns.close()
        os.unlink(tmp.name)


if __name__ == "__main__":
    sys.exit(main())
