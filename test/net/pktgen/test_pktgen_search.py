# SPDX-License-Identifier: BSD-3-Clause
"""sl-pktgen --search against a device whose capacity the test sets.

    test_pktgen_search.py CASE       CASE: ndr pdr report

    sl-pktgen port 0 (pga) ---veth--- (dua) pg_dut (dub) ---veth--- (pgb) port 1

pg_dut forwards at most R frames/s (a token bucket on the sender's clock,
see pg_dut.c), all four interfaces in one namespace.

ndr     --search ndr finds R within the precision (plus what the bucket's
        depth lets through in one trial), twice in a row; every trial is in
        the JSON and the result is the highest rate that passed
pdr     pg_dut also drops 0.2 % at random: NDR finds (almost) nothing,
        --search pdr=0.5% finds R; PDR > NDR
report  --report: the page's numbers equal the JSON's; headless Chromium
        renders it (skips with 77 without chromium) with the charts' data
        elements present
Needs root and 'ip netns' (skips with 77 otherwise).
"""
import html.parser
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import pgcommon as pg  # noqa: E402
from pgcommon import expect, sltest  # noqa: E402

RATE = 20000            # pg_dut's capacity, frames/s
DEPTH_MS = 10           # its bucket: RATE * DEPTH_MS / 1000 frames
TRIAL_S = 0.5
PRECISION = 0.03        # --search-precision 3%
MACS = {"pga": "02:00:00:00:20:01", "dua": "02:00:00:00:20:02",
        "dub": "02:00:00:00:20:03", "pgb": "02:00:00:00:20:04"}


class Bench:
    """The namespace, the veths and a running pg_dut."""

    def __init__(self, tmp, rate=RATE, drop_ppm=0):
        self.ns = sltest.Netns("slsr")
        self.name = self.ns.add("n")
        self.ns.veth(self.name, "pga", MACS["pga"], self.name, "dua", MACS["dua"])
        self.ns.veth(self.name, "dub", MACS["dub"], self.name, "pgb", MACS["pgb"])
        ready = os.path.join(tmp, "dut.ready")
        dut = sltest.program_path("SL_PG_DUT", "pg_dut")
        cmd = self.ns.exec_prefix(self.name) + [
            dut, "-l", "1", "--no-huge", "-m", "256", "--no-pci", "--log-level", "notice",
            "--vdev", "net_af_packet0,iface=dua,framecnt=16384",
            "--vdev", "net_af_packet1,iface=dub", "--",
            "--rate", str(rate), "--depth-ms", str(DEPTH_MS), "--drop-ppm", str(drop_ppm),
            "--ready", ready, "--timeout", "250"]
        sltest.log("$ " + " ".join(cmd))
        self.dut = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                    text=True)
        for _ in range(200):
            if os.path.exists(ready) or self.dut.poll() is not None:
                break
            time.sleep(0.05)
        if not os.path.exists(ready):
            raise AssertionError("pg_dut did not start: %s" % self.dut_output())

    def dut_output(self):
        if self.dut.poll() is None:
            self.dut.terminate()
        out, _ = self.dut.communicate(timeout=30)
        return out

    def search(self, args, tmp, tag):
        js = os.path.join(tmp, tag + ".json")
        eal = pg.EAL + ["-l", "0",
                        "--vdev", "net_af_packet0,iface=pga",
                        "--vdev", "net_af_packet1,iface=pgb,framecnt=16384"]
        r = pg.run(eal, ["--tx", "0", "--rx", "1", "--search-trial", str(TRIAL_S),
                         "--drain-ms", "100", "--search-precision", "%g%%" % (100 * PRECISION),
                         "--json", js] + args, prefix=self.ns.exec_prefix(self.name),
                   timeout=240)
        expect(r.rc == 0, "sl-pktgen --search", r)
        with open(js) as f:
            doc = json.load(f)
        check_trials(doc, r)
        return doc, r

    def close(self):
        try:
            sltest.log(self.dut_output())
        finally:
            self.ns.close()


def check_trials(doc, r):
    """Every trial is recorded; each result is the highest rate that passed
    at its size, and no trial of a higher rate passed."""
    expect(doc["mode"] == "search" and doc["version"] == 1, "JSON header %r" % doc.get("mode"), r)
    expect(doc["trials"], "no trials in the JSON", r)
    loss_ok = doc["search"]["loss_pct"]
    for t in doc["trials"]:
        for k in ("trial", "frame_size", "phase", "offered_pps", "tx_pps", "rx_pps", "sent",
                  "received", "stale", "loss_pct", "pass", "sender_short", "start_s",
                  "duration_s"):
            expect(k in t, "trial key %s missing: %r" % (k, t), r)
        lost = max(0, t["sent"] - t["received"])
        expect(abs(t["loss_pct"] - (100.0 * lost / t["sent"] if t["sent"] else 0)) < 1e-4,
               "trial %d loss_pct" % t["trial"], r)
        expect(t["pass"] == (t["sent"] > 0 and (lost == 0 if loss_ok == 0 else
                                                 t["loss_pct"] <= loss_ok)),
               "trial %d pass flag %r" % (t["trial"], t), r)
    expect([t["trial"] for t in doc["trials"]] == list(range(1, len(doc["trials"]) + 1)),
           "trials numbered 1..n", r)
    for res in doc["results"]:
        size = res["frame_size"]
        search = [t for t in doc["trials"] if t["frame_size"] == size and t["phase"] == "search"]
        expect(res["trials"] == len(search), "%d B: %d trials counted, %d recorded" %
               (size, res["trials"], len(search)), r)
        if not res["found"]:
            continue
        # a trial whose sender fell short of its rate is run again, so its
        # verdict stands only when every try fell short
        rate = lambda t: t["offered_pps"] or t["tx_pps"]
        passed = [rate(t) for t in search if t["pass"]]
        firm = [rate(t) for t in search if t["pass"] and not t["sender_short"]]
        expect(any(abs(p - res["rate_pps"]) < 0.5 for p in passed) and
               all(p <= res["rate_pps"] + 0.5 for p in firm),
               "%d B: result %r is not the highest rate that passed %r" %
               (size, res["rate_pps"], passed), r)
        lo, hi = res["bracket_pps"]
        expect(hi - lo <= PRECISION * hi + 0.5, "%d B: bracket %r wider than %g" %
               (size, res["bracket_pps"], PRECISION), r)


def sender_short(doc, size):
    """Whether a verdict of the search at size stood although the sender
    fell short of the rate in every try (pg_bench.c retries such trials):
    on a machine that busy the answer says nothing about the device."""
    search = [t for t in doc["trials"] if t["frame_size"] == size and t["phase"] == "search"]
    return any(t["sender_short"] and (i + 1 == len(search) or
                                      search[i + 1]["offered_pps"] != t["offered_pps"])
               for i, t in enumerate(search))


def within(found, rate, what, r, doc=None, size=None):
    """The search's answer against the device's capacity: at most the
    precision below it, and above it at most the precision plus the frames
    the bucket's depth lets through in one trial. False (not judged) when
    the sender could not keep a rate (see sender_short)."""
    if doc is not None and sender_short(doc, size):
        sltest.log("NOTE: %s: the sender fell short of a rate in every try (machine busy); "
                   "found %.0f pps, accuracy not judged" % (what, found))
        return False
    low = rate * (1 - PRECISION)
    high = rate * (1 + PRECISION) + rate * DEPTH_MS / 1000.0 / TRIAL_S
    sltest.log("%s: found %.0f pps, device %d pps (accepted %.0f..%.0f)" %
               (what, found, rate, low, high))
    expect(low <= found <= high, "%s: found %.0f pps, the device forwards %d (want %.0f..%.0f)"
           % (what, found, rate, low, high), r)
    return True


def case_ndr(tmp):
    b = Bench(tmp)
    try:
        found = []
        for i in (1, 2):
            doc, r = b.search(["--search", "ndr", "--search-sizes", "64,1518",
                               "--search-latency", "50,100"], tmp, "ndr%d" % i)
            expect(len(doc["results"]) == 2 and all(x["found"] for x in doc["results"]),
                   "both sizes found: %r" % doc["results"], r)
            for res in doc["results"]:
                judged = within(res["rate_pps"], RATE, "run %d, %d B" % (i, res["frame_size"]),
                                r, doc, res["frame_size"])
                if res["frame_size"] == 64 and judged:
                    found.append(res["rate_pps"])
                expect([p["load_pct"] for p in res["latency"]] == [50, 100],
                       "latency loads %r" % res["latency"], r)
                for p in res["latency"]:
                    expect(p["latency_ns"] and p["latency_ns"]["samples"] > 0,
                           "latency at %g%%: %r" % (p["load_pct"], p), r)
                hist = sum(c for _, _, c in res["histogram_ns"])
                expect(hist == res["latency"][-1]["latency_ns"]["samples"],
                       "histogram holds %d samples, latency %d" %
                       (hist, res["latency"][-1]["latency_ns"]["samples"]), r)
            expect("trial 1 " in r.err and "64 B: NDR" in r.err, "progress lines", r)
        # repeatable: the two runs' answers lie within the tolerance of each other
        expect(len(found) < 2 or abs(found[0] - found[1]) <= 2 * PRECISION * RATE + RATE * DEPTH_MS / 1000 / TRIAL_S,
               "two runs found %r" % found)
    finally:
        b.close()


def case_pdr(tmp):
    b = Bench(tmp, drop_ppm=2000)
    try:
        doc, r = b.search(["--search", "ndr", "--search-sizes", "64", "--search-latency", "none",
                           "--search-min", "2kpps"], tmp, "ndr")
        ndr = doc["results"][0]
        ndr_busy = sender_short(doc, 64)
        doc, r = b.search(["--search", "pdr=0.5%", "--search-sizes", "64",
                           "--search-latency", "none"], tmp, "pdr")
        pdr = doc["results"][0]
        expect(doc["search"]["kind"] == "pdr" and doc["search"]["loss_pct"] == 0.5,
               "search parameters %r" % doc["search"], r)
        expect(pdr["found"], "PDR found a rate: %r" % pdr, r)
        judged = within(pdr["rate_pps"], RATE, "PDR 0.5%", r, doc, 64)
        ndr_rate = ndr["rate_pps"] if ndr["found"] else 0
        sltest.log("NDR %.0f pps, PDR(0.5%%) %.0f pps" % (ndr_rate, pdr["rate_pps"]))
        if not judged or ndr_busy:
            sltest.log("NOTE: a search ran with its sender short of the rate (machine busy): "
                       "PDR against NDR not judged")
            return
        expect(pdr["rate_pps"] > ndr_rate, "PDR %.0f must be above NDR %.0f" %
               (pdr["rate_pps"], ndr_rate), r)
    finally:
        b.close()


class PageParser(html.parser.HTMLParser):
    """Collects the data-* attributes of every element and counts SVGs."""

    def __init__(self):
        super().__init__()
        self.svgs = 0
        self.items = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "svg":
            self.svgs += 1
        if "data-kind" in a:
            self.items.append((tag, a))


def parse_page(text):
    p = PageParser()
    p.feed(text)
    return p


def lat_field(point, key):
    """A latency point's field; a point without samples has latency_ns null
    in the JSON and 0 on the page."""
    return point["latency_ns"][key] if point["latency_ns"] else 0


def check_report_numbers(page, doc):
    """The page's results, trials and histogram against the JSON's."""
    results = [a for t, a in page.items if a["data-kind"] == "result"]
    expect(len(results) == len(doc["results"]), "%d result bars, %d results" %
           (len(results), len(doc["results"])))
    for a, res in zip(results, doc["results"]):
        expect(int(a["data-size"]) == res["frame_size"], "bar size %r" % a)
        expect(float(a["data-pps"]) == res["rate_pps"], "bar rate %s, JSON %r" %
               (a["data-pps"], res["rate_pps"]))
        expect(a.get("data-gbps") == "%.6f" % res["gbps_l1"], "bar Gbit/s %r" % a)
    rows = [a for t, a in page.items if a["data-kind"] == "result-row"]
    expect([(int(a["data-size"]), float(a["data-pps"])) for a in rows] ==
           [(x["frame_size"], x["rate_pps"]) for x in doc["results"]], "results table rows")
    trials = [a for t, a in page.items if a["data-kind"] == "trial"]
    expect(len(trials) == len(doc["trials"]), "%d trial points, %d trials" %
           (len(trials), len(doc["trials"])))
    for a, t in zip(trials, doc["trials"]):
        expect(int(a["data-trial"]) == t["trial"] and int(a["data-sent"]) == t["sent"] and
               int(a["data-received"]) == t["received"] and
               a["data-loss"] == "%.6f" % t["loss_pct"], "trial point %r vs %r" % (a, t))
    bins = [a for t, a in page.items if a["data-kind"] == "histogram-bin"]
    for res in doc["results"]:
        mine = [int(a["data-count"]) for a in bins if int(a["data-size"]) == res["frame_size"]]
        samples = lat_field(res["latency"][-1], "samples")
        expect(sum(mine) == samples and (mine or not samples),
               "%d B: histogram bars add up to %d, JSON %d" %
               (res["frame_size"], sum(mine), samples))
    pcts = [a for t, a in page.items if a["data-kind"] == "latency-row"]
    want = [(r["frame_size"], p["load_pct"], lat_field(p, "p99"))
            for r in doc["results"] for p in r["latency"]]
    expect([(int(a["data-size"]), float(a["data-load"]), int(a["data-p99"])) for a in pcts] ==
           want, "latency table %r vs JSON %r" % (pcts, want))
    return len(results), len(trials), len(bins)


def chromium():
    for name in ("chromium", "chromium-browser", "google-chrome"):
        path = shutil.which(name)
        if path:
            return path
    return None


def render(browser, page, tmp):
    """The page through headless Chromium: its DOM and a screenshot."""
    base = [browser, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
            "--disable-dev-shm-usage", "--user-data-dir=" + os.path.join(tmp, "chrome")]
    url = "file://" + page
    dom = subprocess.run(base + ["--dump-dom", url], stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE, text=True, timeout=120)
    expect(dom.returncode == 0 and "<svg" in dom.stdout, "chromium --dump-dom failed: %s" %
           dom.stderr[-2000:])
    png = os.path.join(tmp, "report.png")
    shot = subprocess.run(base + ["--screenshot=" + png, "--window-size=1200,2400", url],
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, timeout=120)
    expect(shot.returncode == 0 and os.path.getsize(png) > 10000,
           "chromium --screenshot failed: %s" % shot.stderr[-2000:])
    return dom.stdout


def case_report(tmp):
    browser = chromium()
    if browser is None:
        sltest.skip("no chromium (apt-get install chromium) to render the report")
    page = os.path.join(tmp, "report.html")
    b = Bench(tmp)
    try:
        doc, r = b.search(["--search", "ndr", "--search-sizes", "64,512", "--search-latency",
                           "10,100", "--report", page], tmp, "rep")
    finally:
        b.close()
    for res in doc["results"]:
        for p in res["latency"]:
            if not p["latency_ns"]:
                sltest.log("NOTE: %d B at %g%%: no latency samples (machine busy?)" %
                           (res["frame_size"], p["load_pct"]))
    with open(page) as f:
        text = f.read()
    for bad in ("<script", "http://", "https://", "src=", "@import", "url("):
        expect(bad not in text, "the page must stand alone, found %r" % bad)
    counts = check_report_numbers(parse_page(text), doc)
    dom = parse_page(render(browser, page, tmp))
    expect(dom.svgs >= 3, "rendered DOM has %d svg elements" % dom.svgs)
    expect(check_report_numbers(dom, doc) == counts, "rendered DOM lost chart elements")
    sltest.log("rendered: %d svg, %d result bars, %d trial points, %d histogram bins" %
               ((dom.svgs,) + counts))


def main():
    cases = {"ndr": case_ndr, "pdr": case_pdr, "report": case_report}
    if len(sys.argv) != 2 or sys.argv[1] not in cases:
        sys.exit("usage: test_pktgen_search.py " + "|".join(cases))
    pg.pktgen_path()
    sltest.require_root("veth pairs in a network namespace")
    if shutil.which("ip") is None:
        sltest.skip("no 'ip' (iproute2)")
    with tempfile.TemporaryDirectory(prefix="sl-pktgen-search-") as tmp:
        cases[sys.argv[1]](tmp)
    sltest.log("PASS: " + sys.argv[1])


if __name__ == "__main__":
    main()
