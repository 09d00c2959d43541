# SPDX-License-Identifier: BSD-3-Clause
"""sl-pktgen end to end over in-process net_ring cables (no root needed).

    test_pktgen_ring.py CASE     CASE: million faults args replay timed config
                                       sigint rate json

million  10^6 frames port 0 -> port 1: every one counted, zero loss
faults   the test fault stage drops/duplicates/reorders given sequence
         numbers: the summary reports exactly those, --expect-no-loss exits 2
args     bad option values: one error line each, exit 1, no port started
replay   a pcap replayed --loop 3 arrives byte-identical, in order
timed    --pcap-speed keeps the capture's timing (scaled)
config   several streams from --config, two TX queues: per-stream counts
sigint   SIGINT stops sending, drains, prints the summary, exit 0
rate     --rate 50kpps for 2 s: achieved rate within 1%
json     the JSON summary matches the documented schema and the table
"""
import json
import os
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import pgcommon as pg  # noqa: E402
from pgcommon import expect, sltest  # noqa: E402

EAL2 = pg.EAL + ["-l", "0-1"] + pg.RING_PAIR


def case_million(tmp):
    js = os.path.join(tmp, "m.json")
    r = pg.run(EAL2, ["--tx", "0", "--rx", "1", "--count", "1000000", "--expect-no-loss",
                      "--json", js, "--quiet"])
    expect(r.rc == 0, "exit status", r)
    doc = pg.load_json(js)
    s = pg.stream(doc, 0, 0)
    expect(s["tx_frames"] == 1000000, "tx_frames %d" % s["tx_frames"], r)
    expect(s["rx_frames"] == 1000000, "rx_frames %d" % s["rx_frames"], r)
    expect(s["lost"] == 0 and s["duplicates"] == 0 and s["reordered"] == 0, "accounting %r" % s, r)
    expect(s["latency_ns"]["samples"] == 1000000, "latency samples %r" % s["latency_ns"])
    p1 = pg.port(doc, 1)
    expect(p1["rx"]["frames"] == 1000000 and p1["rx"]["signed_frames"] == 1000000, "port 1 rx %r" % p1["rx"])
    expect(p1["rx"]["bytes"] == 60 * 1000000, "port 1 rx bytes %d" % p1["rx"]["bytes"])
    expect(pg.port(doc, 0)["eth_stats"]["opackets"] == 1000000, "port 0 opackets")
    expect(doc["totals"]["lost"] == 0 and doc["ok"] is True, "totals %r" % doc["totals"])


def case_faults(tmp):
    js = os.path.join(tmp, "f.json")
    # drops: 3 frames; dups: 2; reorders: 2 (each sent after its successor)
    faults = "drop=100,5000,99999;dup=2000,3000;reorder=4000,9000"
    r = pg.run(EAL2, ["--tx", "0", "--rx", "1", "--count", "100000", "--test-faults", faults,
                      "--expect-no-loss", "--drain-ms", "300", "--json", js, "--quiet"])
    expect(r.rc == 2, "--expect-no-loss with losses must exit 2", r)
    expect("3 frame(s) lost" in r.err, "loss message", r)
    doc = pg.load_json(js)
    s = pg.stream(doc, 0, 0)
    expect(s["lost"] == 3, "lost %r" % s["lost"], r)
    expect(s["duplicates"] == 2, "duplicates %r" % s["duplicates"], r)
    expect(s["reordered"] == 2, "reordered %r" % s["reordered"], r)
    expect(s["rx_frames"] == 100000 - 3, "unique rx %d" % s["rx_frames"], r)
    expect(s["tx_frames"] == 100000 - 3 + 2, "frames on the wire %d" % s["tx_frames"], r)
    expect(doc["ok"] is False, "ok must be false")
    # the same run without faults passes
    r = pg.run(EAL2, ["--tx", "0", "--rx", "1", "--count", "100000", "--expect-no-loss", "--quiet"])
    expect(r.rc == 0, "clean run", r)


def case_args(tmp):
    bad_pcap = os.path.join(tmp, "notapcap.pcap")
    with open(bad_pcap, "w") as f:
        f.write("this is not a capture\n")
    cfg = os.path.join(tmp, "bad.cfg")
    with open(cfg, "w") as f:
        f.write("stream port=0 size=60\nstream size=64\n")
    cases = [
        (["--rate", "-5kpps"], "cannot be negative"),
        (["--rate", "10"], "unit"),
        (["--size", "59"], "below 60"),
        (["--size", "1000-100"], "reversed"),
        (["--size", "2000"], "MTU"),
        (["--size", "1515"], "MTU"),
        (["--size", "1519", "--vlan", "5"], "MTU"),
        (["--src-ip", "10.0.0.9-10.0.0.1"], "reversed"),
        (["--dport", "9-3"], "reversed"),
        (["--pcap", os.path.join(tmp, "missing.pcap")], "missing.pcap"),
        (["--pcap", bad_pcap], "notapcap.pcap"),
        (["--tx", "7"], "port 7"),
        (["--tx-queues", "0"], "--tx-queues"),
        (["--count", "-1"], "negative"),
        (["--duration", "0"], "--duration"),
        (["--bogus"], "unknown option"),
        (["--config", cfg], "port=N"),
        (["--rx", "none", "--expect-no-loss"], "--expect-no-loss"),
        (["--tx", "none", "--rx", "none"], "nothing to do"),
        (["--search", "fast"], "--search"),
        (["--search", "ndr", "--rate", "1kpps"], "--rate"),
        (["--search", "ndr", "--search-sizes", "9018"], "MTU"),
        (["--search", "ndr", "--search-precision", "1Gbps"], "--search-precision"),
        (["--report", os.path.join(tmp, "r.html")], "--search"),
    ]
    for args, needle in cases:
        r = pg.run(EAL2, args, timeout=60)
        expect(r.rc == 1, "%s: exit status must be 1" % args, r)
        errs = [ln for ln in r.err.splitlines() if "PKTGEN" in ln or "ERR" in ln.upper()]
        expect(len(errs) == 1, "%s: exactly one error line, got %r" % (args, errs), r)
        expect(needle in errs[0], "%s: error should mention %r" % (args, needle), r)
        expect("summary" not in r.out, "%s: nothing may run" % args, r)
        # nothing started: no status line, no port summary
        expect("[" not in r.err.replace(errs[0], ""), "%s: no status lines" % args, r)
    r = pg.run(EAL2, ["-h"], timeout=60)
    expect(r.rc == 0 and "--rate" in r.out, "-h prints usage and exits 0", r)


def write_capture(path, n, gap_us=1000):
    recs = []
    for i in range(n):
        size = 60 + (i * 37) % 1400
        body = bytes([0x02, 0, 0, 0, 0, 2, 0x02, 0, 0, 0, 0, 1, 0x88, 0xb5])
        body += bytes((i + k) & 0xff for k in range(size - len(body)))
        t = i * gap_us
        recs.append((1000 + t // 1000000, t % 1000000, body))
    sltest.pcap_write(path, recs)
    return [r[2] for r in recs]


def case_replay(tmp):
    cap = os.path.join(tmp, "in.pcap")
    out = os.path.join(tmp, "out.pcap")
    js = os.path.join(tmp, "r.json")
    frames = write_capture(cap, 50)
    r = pg.run(EAL2, ["--tx", "0", "--rx", "1", "--pcap", cap, "--loop", "3", "--rx-pcap", out,
                      "--rx-pcap-count", "1000", "--drain-ms", "300", "--json", js, "--quiet"])
    expect(r.rc == 0, "replay run", r)
    _, got = sltest.pcap_read(out)
    expect(len(got) == 150, "150 frames captured, got %d" % len(got), r)
    for i, (_, _, wire, data) in enumerate(got):
        expect(data == frames[i % 50] and wire == len(frames[i % 50]),
               "frame %d differs from capture frame %d" % (i, i % 50))
    doc = pg.load_json(js)
    s = pg.stream(doc, 0, 0, "replay")
    expect(s["tx_frames"] == 150 and s["lost"] is None, "replay stream %r" % s)
    expect(pg.port(doc, 1)["rx"]["frames"] == 150, "port 1 rx")


def case_timed(tmp):
    cap = os.path.join(tmp, "t.pcap")
    js = os.path.join(tmp, "t.json")
    write_capture(cap, 21, gap_us=20000)      # 400 ms as captured
    r = pg.run(EAL2, ["--tx", "0", "--rx", "1", "--pcap", cap, "--pcap-speed", "2",
                      "--json", js, "--quiet"])
    expect(r.rc == 0, "timed replay", r)
    doc = pg.load_json(js)
    d = doc["tx_duration_s"]
    # 200 ms at twice the speed, plus the 1 ms control tick
    expect(0.19 <= d <= 0.35, "timed replay took %.3f s, want ~0.2" % d, r)
    expect(pg.port(doc, 1)["rx"]["frames"] == 21, "all frames arrive")


def case_config(tmp):
    cfg = os.path.join(tmp, "streams.cfg")
    js = os.path.join(tmp, "c.json")
    with open(cfg, "w") as f:
        f.write("# three streams\n"
                "stream port=0 count=1000 size=60\n"
                "stream port=0 count=2001 size=64-256/random src-ip=10.0.0.0/24 dport=1-50\n"
                "port=1 count=500 size=imix vlan=7:1   # tagged\n")
    # two queues per port: TX queue q of one lands on RX queue q of the other
    ring2 = ["--vdev", "net_ring0,nb_queues=2", "--vdev", "net_ring1,peer=net_ring0,nb_queues=2"]
    r = pg.run(pg.EAL + ["-l", "0-1"] + ring2,
               ["--config", cfg, "--tx-queues", "2", "--rx-queues", "2", "--expect-no-loss",
                "--json", js, "--quiet"])
    expect(r.rc == 0, "config run", r)
    doc = pg.load_json(js)
    for port_id, sid, n in ((0, 0, 1000), (0, 1, 2001), (1, 2, 500)):
        s = pg.stream(doc, port_id, sid)
        expect(s["tx_frames"] == n and s["rx_frames"] == n and s["lost"] == 0,
               "stream %d: %r" % (sid, s), r)
    expect(pg.port(doc, 0)["tx_queues"] == 2, "two TX queues")
    expect(pg.port(doc, 0)["rx"]["frames"] == 500 and pg.port(doc, 1)["rx"]["frames"] == 3001,
           "each port receives the other's streams")


def case_sigint(tmp):
    js = os.path.join(tmp, "s.json")
    r = pg.run(EAL2, ["--tx", "0", "--rx", "1", "--rate", "100kpps", "--expect-no-loss",
                      "--json", js], sigint_after=1.5, timeout=30)
    expect(r.rc == 0, "SIGINT ends the run cleanly", r)
    expect("sl-pktgen summary" in r.out and "(interrupted)" in r.out, "summary after SIGINT", r)
    expect("Mbit/s" in r.err and "port 1" in r.err, "status lines on stderr", r)
    doc = pg.load_json(js)
    s = pg.stream(doc, 0, 0)
    expect(doc["interrupted"] is True, "interrupted flag")
    # Interrupted mid-traffic (not before the first frame): a loaded machine
    # can spend most of the 1.5 s in start-up, so only a floor is asked.
    expect(s["tx_frames"] > 1000 and s["rx_frames"] == s["tx_frames"] and s["lost"] == 0,
           "drained after SIGINT: %r" % s, r)


def case_rate(tmp):
    js = os.path.join(tmp, "rate.json")
    # deep rings: an RX lcore preempted on a busy machine must not push back
    eal = pg.EAL + ["-l", "0-1", "--vdev", "net_ring0,size=65536",
                    "--vdev", "net_ring1,peer=net_ring0,size=65536"]

    def attempt(rate, extra, key):
        r = pg.run(eal, ["--tx", "0", "--rx", "1", "--rate", rate, "--duration", "2",
                         "--json", js, "--quiet"] + extra)
        expect(r.rc == 0, "rate run", r)
        doc = pg.load_json(js)
        tx = pg.port(doc, 0)["tx"]
        expect(pg.stream(doc, 0, 0)["lost"] == 0, "no loss at a modest rate", r)
        return tx[key], tx["rate_stalls"], r

    pg.rate_check(lambda: attempt("50kpps", [], "pps"), 50000, 0.01)
    # bit rate, L2: 8 Mbit/s of 124-byte frames (128 with FCS) = 7812.5 fps
    pg.rate_check(lambda: attempt("8Mbps", ["--size", "124"], "mbps_l2"), 8.0, 0.01)
    # on the wire: 10 Mbit/s of 60-byte frames is 84 bytes each, 14881 fps
    pg.rate_check(lambda: attempt("10Mbps/l1", [], "mbps_l1"), 10.0, 0.01)


def case_json(tmp):
    js = os.path.join(tmp, "j.json")
    r = pg.run(EAL2, ["--tx", "0", "--rx", "1", "--count", "20000", "--size", "60-1514/random",
                      "--json", js, "--quiet"])
    expect(r.rc == 0, "json run", r)
    with open(js) as f:
        doc = json.load(f)
    pg.validate_summary(doc)
    s = pg.stream(doc, 0, 0)
    p0, p1 = pg.port(doc, 0), pg.port(doc, 1)
    expect(p0["tx"]["bytes"] == s["tx_bytes"] == p1["rx"]["bytes"] == s["rx_bytes"], "bytes agree")
    expect(60 * 20000 < s["tx_bytes"] < 1514 * 20000, "random sizes")
    expect(abs(p0["tx"]["mbps_l2"] - (p0["tx"]["bytes"] + 4 * 20000) * 8 / doc["tx_duration_s"] / 1e6)
           < 0.01 * p0["tx"]["mbps_l2"] + 0.01, "mbps_l2 is frame + FCS over tx_duration_s")
    expect(p0["tx_role"] and not p0["rx_role"] and p1["rx_role"] and not p1["tx_role"], "roles")
    # the table on stdout carries the same numbers
    expect(" 20000 " in r.out, "stdout table has the frame count", r)
    # a JSON path that cannot be written is an error (after the run)
    r = pg.run(EAL2, ["--tx", "0", "--rx", "1", "--count", "10", "--json",
                      os.path.join(tmp, "nodir", "x.json"), "--quiet"])
    expect(r.rc == 1 and "--json" in r.err, "unwritable --json fails", r)


CASES = {name[5:]: fn for name, fn in globals().items() if name.startswith("case_")}


def main():
    names = sys.argv[1:] or sorted(CASES)
    for n in names:
        if n not in CASES:
            sys.exit("unknown case %s (%s)" % (n, " ".join(sorted(CASES))))
    with tempfile.TemporaryDirectory(prefix="sl-pktgen-") as tmp:
        for n in names:
            sltest.log("== " + n)
            CASES[n](tmp)
            sltest.log("ok " + n)


if __name__ == "__main__":
    main()
