# SPDX-License-Identifier: BSD-3-Clause
"""sl-pktgen over a veth pair through net_af_packet: rate accuracy.

    pg0 (port 0, TX) ----veth---- pg1 (port 1, RX)      both in one namespace

--rate 20kpps for 3 s: the achieved rate is within 2% of 20000 frames/s,
every frame arrives (the JSON summary says lost 0), and latency is
measured. A second run checks a bit rate (--rate 10Mbps, 128-byte frames).
Needs root and 'ip netns' (skips with 77 otherwise).
"""
import os
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import pgcommon as pg  # noqa: E402
from pgcommon import expect, sltest  # noqa: E402


def main():
    pg.pktgen_path()
    ns = sltest.Netns("slpg")
    try:
        name = ns.add("n")
        ns.veth(name, "pg0", "02:00:00:00:10:01", name, "pg1", "02:00:00:00:10:02")
        # a deep RX ring: the RX lcore may be preempted on a busy machine
        eal = pg.EAL + ["-l", "0-1",
                        "--vdev", "net_af_packet0,iface=pg0",
                        "--vdev", "net_af_packet1,iface=pg1,framecnt=16384"]
        with tempfile.TemporaryDirectory(prefix="sl-pktgen-veth-") as tmp:
            js = os.path.join(tmp, "v.json")

            def attempt(rate, extra, key):
                r = pg.run(eal, ["--tx", "0", "--rx", "1", "--rate", rate, "--duration", "3",
                                 "--dst-mac", "02:00:00:00:10:02", "--json", js, "--quiet"] + extra,
                           prefix=ns.exec_prefix(name), timeout=60)
                expect(r.rc == 0, "sl-pktgen on veth", r)
                doc = pg.load_json(js)
                tx = pg.port(doc, 0)["tx"]
                s = pg.stream(doc, 0, 0)
                expect(s["lost"] == 0 and s["rx_frames"] == s["tx_frames"] > 0,
                       "every frame crosses the veth: %r" % s, r)
                expect(s["latency_ns"] is not None and s["latency_ns"]["min"] > 0,
                       "latency measured", r)
                return tx[key], tx["rate_stalls"], r

            pg.rate_check(lambda: attempt("20kpps", [], "pps"), 20000, 0.02)
            pg.rate_check(lambda: attempt("10Mbps", ["--size", "124"], "mbps_l2"), 10.0, 0.02)
    finally:
        ns.close()
    sltest.log("ok")


if __name__ == "__main__":
    main()
