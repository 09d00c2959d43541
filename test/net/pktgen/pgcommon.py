# SPDX-License-Identifier: BSD-3-Clause
"""Helpers for the sl-pktgen tests: running it and checking its JSON
summary against the schema documented in app/pktgen/README.md."""
import json
import os
import signal
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import sltest  # noqa: E402

EAL = ["--no-huge", "-m", "512", "--no-pci", "--log-level", "notice"]
RING_PAIR = ["--vdev", "net_ring0", "--vdev", "net_ring1,peer=net_ring0"]


def pktgen_path():
    return sltest.program_path("SL_PKTGEN", "sl-pktgen")


class Run:
    def __init__(self, proc, out, err):
        self.rc = proc.returncode
        self.out = out
        self.err = err

    def dump(self):
        return "exit %s\n--- stdout\n%s\n--- stderr\n%s" % (self.rc, self.out, self.err)


def run(eal, args, timeout=120, prefix=(), sigint_after=None):
    cmd = list(prefix) + [pktgen_path()] + list(eal) + ["--"] + list(args)
    sltest.log("$ " + " ".join(cmd))
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        if sigint_after is not None:
            try:
                out, err = proc.communicate(timeout=sigint_after)
            except subprocess.TimeoutExpired:
                proc.send_signal(signal.SIGINT)
                out, err = proc.communicate(timeout=timeout)
        else:
            out, err = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        out, err = proc.communicate()
        raise AssertionError("sl-pktgen did not finish in %ss\n%s\n%s" % (timeout, out, err))
    return Run(proc, out, err)


def expect(cond, what, r=None):
    if not cond:
        raise AssertionError(what + ("\n" + r.dump() if r is not None else ""))


LAT_KEYS = {"samples": int, "min": int, "avg": float, "max": int, "p50": int, "p99": int,
            "p999": int, "jitter": float}
PORT_TX_KEYS = {"frames": int, "bytes": int, "pps": float, "mbps_l2": float, "mbps_l1": float}
PORT_RX_KEYS = dict(PORT_TX_KEYS, signed_frames=int, untracked_frames=int)
PORT_TX_KEYS = dict(PORT_TX_KEYS, rate_stalls=int)
ETH_KEYS = ["ipackets", "opackets", "ibytes", "obytes", "imissed", "ierrors", "oerrors",
            "rx_nombuf"]
STREAM_KEYS = {"stream": int, "port": int, "origin": str, "tx_frames": int, "tx_bytes": int,
               "rx_frames": int, "rx_bytes": int, "duplicates": int, "reordered": int}


def _typed(obj, keys, where):
    for k, t in keys.items():
        if k not in obj:
            raise AssertionError("JSON %s: key %r missing" % (where, k))
        v = obj[k]
        ok = isinstance(v, (int, float)) if t is float else isinstance(v, t)
        if not ok or isinstance(v, bool):
            raise AssertionError("JSON %s.%s: %r is not %s" % (where, k, v, t.__name__))


def validate_summary(doc):
    """Every key of the documented schema, with its type; returns doc."""
    _typed(doc, {"version": int, "tsc_hz": int, "duration_s": float, "tx_duration_s": float},
           "top")
    expect(doc["version"] == 1, "JSON version %r" % doc["version"])
    for k in ("interrupted", "expect_no_loss", "ok"):
        expect(isinstance(doc.get(k), bool), "JSON %s must be a boolean" % k)
    expect(isinstance(doc.get("ports"), list) and doc["ports"], "JSON ports must be a list")
    for p in doc["ports"]:
        _typed(p, {"port": int, "name": str, "driver": str, "tx_queues": int}, "ports[]")
        for k in ("tx_role", "rx_role"):
            expect(isinstance(p.get(k), bool), "JSON ports[].%s must be a boolean" % k)
        _typed(p["tx"], PORT_TX_KEYS, "ports[].tx")
        _typed(p["rx"], PORT_RX_KEYS, "ports[].rx")
        _typed(p["eth_stats"], {k: int for k in ETH_KEYS}, "ports[].eth_stats")
    expect(isinstance(doc.get("streams"), list), "JSON streams must be a list")
    for s in doc["streams"]:
        _typed(s, STREAM_KEYS, "streams[]")
        expect(s["origin"] in ("local", "replay", "remote"), "origin %r" % s["origin"])
        expect(s["lost"] is None or isinstance(s["lost"], int), "lost %r" % s["lost"])
        lat = s.get("latency_ns", "missing")
        expect(lat is None or isinstance(lat, dict), "latency_ns %r" % (lat,))
        if lat is not None:
            _typed(lat, LAT_KEYS, "streams[].latency_ns")
            expect(lat["min"] <= lat["p50"] <= lat["p99"] <= lat["p999"] <= lat["max"],
                   "latency percentiles out of order: %r" % lat)
    _typed(doc["totals"], {"tx_frames": int, "rx_frames": int, "duplicates": int,
                           "reordered": int}, "totals")
    expect("lost" in doc["totals"], "JSON totals.lost missing")
    return doc


def load_json(path):
    with open(path) as f:
        return validate_summary(json.load(f))


def stream(doc, port, sid, origin="local"):
    for s in doc["streams"]:
        if s["port"] == port and s["stream"] == sid and s["origin"] == origin:
            return s
    raise AssertionError("no stream %d of port %d (%s) in %r" % (sid, port, origin, doc["streams"]))


def port(doc, pid):
    for p in doc["ports"]:
        if p["port"] == pid:
            return p
    raise AssertionError("no port %d in the JSON" % pid)


def rate_check(attempt, want, tolerance, tries=3):
    """Runs attempt() -> (achieved, stalls, run) until the achieved rate is
    within tolerance of want. A run whose sender fell behind by more than
    the catch-up limit (rate_stalls > 0: preempted on a busy machine) is
    retried; if every try stalled, the accuracy check is reported as not
    judged rather than failed."""
    for i in range(tries):
        got, stalls, r = attempt()
        err = abs(got - want) / want
        sltest.log("try %d: %.3f (want %.3f, error %.3f%%, %d stalls)" % (i + 1, got, want,
                                                                        100 * err, stalls))
        if stalls == 0:
            expect(err < tolerance, "achieved %.3f, want %.3f within %.1f%%" %
                   (got, want, 100 * tolerance), r)
            return
    sltest.log("NOTE: the sender was preempted in every try (machine busy); rate accuracy "
               "not judged")
