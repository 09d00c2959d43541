#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""sl-l3fwd between net_pcap ports: every frame checked byte for byte.

    in.pcap -> port 0 (net_pcap0) --sl-l3fwd--> port 1 (net_pcap1) -> out1.pcap
                                             \\-> port 0             -> out0.pcap

The input mixes frames that must be routed (IPv4 with and without
options, IPv6, TTLs and hop limits 2..255, sizes 60..1514, to prefixes of
ports 0 and 1) with frames that must be dropped for each reason: TTL 1 and
0, hop limit 1, a wrong IPv4 checksum, a bad header (version 5, IHL 4,
total length beyond the frame; IPv6 cut short or with a payload
length beyond the frame), no route, not IP (ARP). The test computes
what each routed frame must look like (destination MAC from --eth-dest,
source MAC the port's, TTL one less, IPv4 checksum recomputed from scratch,
not incrementally) and compares the output files byte for byte, in order;
the drop counters of the final statistics must equal what was sent of each
kind. Argument: lpm (R lines) or em (E lines: one flow per routed frame).
"""
import ipaddress
import os
import random
import shutil
import struct
import sys
import tempfile

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import sltest  # noqa: E402

SRC_MAC = sltest.mac_bytes("02:aa:00:00:00:01")
IN_MAC = sltest.mac_bytes("02:bb:00:00:00:00")
DEST1 = "02:cc:00:00:00:01"          # --eth-dest for port 1; port 0 keeps the default
SRC4 = bytes([10, 0, 0, 1])
SRC6 = bytes.fromhex("fd000000000000000000000000000001")


def v4(net_port, host):
    return bytes([198, 18, net_port, host])


def v6(net_port, host):
    return bytes.fromhex("20010200000000%02x" % net_port) + bytes(7) + bytes([host])


def build(rnd):
    """[(frame, out_port or None, drop reason or None, flow)]"""
    cases = []
    for i in range(400):
        port = 1 if i % 4 else 0
        size = 60 + (i * 7919) % (1514 - 60 + 1)
        ttl = 2 + i % 254
        if i % 3 == 2:      # IPv6: 62 bytes of headers
            f = sltest.ipv6_udp_frame(IN_MAC, SRC_MAC, SRC6, v6(port, i % 250 + 1), ttl,
                                      rnd.randbytes(max(size - 62, 0)))
            cases.append((f, port, None, ("6", SRC6, v6(port, i % 250 + 1))))
        else:
            opt = b"\x01\x01\x01\x00" if i % 10 == 0 else b""    # NOP NOP NOP EOL
            f = sltest.ipv4_udp_frame(IN_MAC, SRC_MAC, SRC4, v4(port, i % 250 + 1), ttl,
                                      rnd.randbytes(max(size - 42 - len(opt), 18)), opt)
            cases.append((f, port, None, ("4", SRC4, v4(port, i % 250 + 1))))
    good4 = sltest.ipv4_udp_frame(IN_MAC, SRC_MAC, SRC4, v4(1, 7), 64, bytes(30))
    bad = []
    for ttl in (1, 0):
        bad.append((sltest.ipv4_udp_frame(IN_MAC, SRC_MAC, SRC4, v4(1, 7), ttl, bytes(30)),
                    "ttl_exceeded"))
    bad.append((sltest.ipv6_udp_frame(IN_MAC, SRC_MAC, SRC6, v6(1, 7), 1, bytes(30)),
                "ttl_exceeded"))
    wrong = bytearray(good4)
    wrong[24] ^= 0x5a                 # the checksum's first byte
    bad.append((bytes(wrong), "bad_checksum"))
    flipped = bytearray(good4)
    flipped[22] -= 1                  # TTL changed, checksum left as it was
    bad.append((bytes(flipped), "bad_checksum"))
    for off, val in ((14, 0x55), (14, 0x44)):   # version 5; IHL 4
        f = bytearray(good4)
        f[off] = val
        bad.append((bytes(f), "bad_header"))
    f = bytearray(good4)
    f[16:18] = struct.pack("!H", 1500)          # longer than the frame
    f[24:26] = b"\0\0"
    f[24:26] = struct.pack("!H", sltest.inet_cksum(bytes(f[14:34])))
    bad.append((bytes(f), "bad_header"))
    bad.append((sltest.ipv4_udp_frame(IN_MAC, SRC_MAC, SRC4, bytes([203, 0, 113, 9]), 64,
                                      bytes(30)), "no_route"))
    bad.append((sltest.ipv6_udp_frame(IN_MAC, SRC_MAC, SRC6, bytes.fromhex("20010db8" + "00" * 12),
                                      64, bytes(30)), "no_route"))
    bad.append((IN_MAC + SRC_MAC + b"\x08\x06" + bytes(46), "not_ip"))
    # IPv6 cut inside its header, IPv6 with a payload length beyond the frame
    bad.append((IN_MAC + SRC_MAC + b"\x86\xdd" + bytes([0x60]) + bytes(18), "bad_header"))
    f = bytearray(sltest.ipv6_udp_frame(IN_MAC, SRC_MAC, SRC6, v6(1, 7), 64, bytes(30)))
    f[18:20] = struct.pack("!H", 1000)
    bad.append((bytes(f), "bad_header"))
    # the drops spread among the routed frames, several copies of each
    for k in range(3):
        for frame, why in bad:
            cases.insert(rnd.randrange(len(cases) + 1), (frame, None, why, None))
    return cases


def expected(frame, port, port_macs):
    dst = sltest.mac_bytes(DEST1) if port == 1 else bytes([2, 0, 0, 0, 0, 0])
    out = bytearray(dst + port_macs[port] + frame[12:])
    if frame[12:14] == b"\x08\x00":
        ihl = (out[14] & 15) * 4
        out[22] -= 1
        out[24:26] = b"\0\0"
        out[24:26] = struct.pack("!H", sltest.inet_cksum(bytes(out[14:14 + ihl])))
    else:
        out[21] -= 1
    return bytes(out)


def route_file(path, mode, cases):
    with open(path, "w") as f:
        f.write("# sl-l3fwd routes for test_l3fwd_pcap.py\n")
        if mode == "lpm":
            f.write("R 198.18.0.0/24 0\nR198.18.1.0/24 1   # DPDK's spelling\n"
                    "R 2001:200:0:0::/64 0\nR 2001:200:0:1::/64 1\n"
                    "R 198.18.9.0/24 9   # a port outside -p: left out\n")
            return
        seen = set()
        for _, port, _, flow in cases:
            if flow is None or flow in seen:
                continue
            seen.add(flow)
            fam, src, dst = flow
            f.write("E %s %s 9 9 0x11 %d\n" % (ip_text(src), ip_text(dst), port))


def ip_text(b):
    return str(ipaddress.IPv4Address(b) if len(b) == 4 else ipaddress.IPv6Address(b))


def compare(port, fam, got, want):
    name = "IPv4" if fam == b"\x08\x00" else "IPv6"
    if len(got) != len(want):
        return ["port %d sent %d %s frames, %d expected" % (port, len(got), name, len(want))]
    for i, (g, w) in enumerate(zip(got, want)):
        if g != w:
            at = next((k for k in range(min(len(g), len(w))) if g[k] != w[k]), min(len(g), len(w)))
            return ["port %d %s frame %d (%d bytes, %d expected) differs from byte %d: got %s, want %s"
                    % (port, name, i, len(g), len(w), at, g[at:at + 8].hex(), w[at:at + 8].hex())]
    return []


def final_drops(app):
    text = app.stdout()
    tail = text[text.rfind("Final statistics"):]
    drops = {}
    for line in tail.splitlines():
        parts = line.split()
        if len(parts) == 3 and parts[0] == "dropped":
            drops[parts[1]] = int(parts[2])
    return drops


def main():
    mode = sys.argv[1] if len(sys.argv) > 1 else "lpm"
    path = sltest.program_path("SL_L3FWD", "sl-l3fwd")
    cases = build(random.Random(19))
    tmp = tempfile.mkdtemp(prefix="sl_l3fwd_pcap")
    inp, out0, out1, routes = (os.path.join(tmp, n) for n in
                               ("in.pcap", "out0.pcap", "out1.pcap", "routes.txt"))
    sltest.pcap_write(inp, [(0, i, c[0]) for i, c in enumerate(cases)])
    route_file(routes, mode, cases)
    args = [path, "-l", str(sorted(os.sched_getaffinity(0))[0]), "--no-huge", "--no-pci",
            "--log-level", "notice", "--file-prefix", "sl3pcap%d" % os.getpid(),
            "--vdev", "net_pcap0,rx_pcap=%s,tx_pcap=%s" % (inp, out0),
            "--vdev", "net_pcap1,tx_pcap=%s" % out1,
            "--", "-p", "0x3", "--mode", mode, "--route-file", routes,
            "--eth-dest=1," + DEST1, "-T", "0", "--max-packets", str(len(cases)),
            "--duration", "60"]
    app = sltest.App(args)
    rc = app.wait(90)
    problems = []
    if rc != 0:
        problems.append("sl-l3fwd exited with %d" % rc)
        return sltest.verdict(app, problems, "")
    macs = {p: sltest.mac_bytes(app.port_mac(p)) for p in (0, 1)}
    for port, path_out in ((0, out0), (1, out1)):
        sent = [data for _, _, _, data in sltest.pcap_read(path_out)[1]]
        # a burst's IPv4 frames leave before its IPv6 ones: order per family
        for fam in (b"\x08\x00", b"\x86\xdd"):
            want = [expected(f, p, macs) for f, p, _, _ in cases if p == port and f[12:14] == fam]
            got = [f for f in sent if f[12:14] == fam]
            problems += compare(port, fam, got, want)
        if len(sent) != sum(1 for c in cases if c[1] == port):
            problems.append("port %d sent %d frames in all" % (port, len(sent)))
    shutil.rmtree(tmp, ignore_errors=True)
    shutil.rmtree("/var/run/dpdk/sl3pcap%d" % os.getpid(), ignore_errors=True)
    want_drops = {}
    for _, _, why, _ in cases:
        if why:
            want_drops[why] = want_drops.get(why, 0) + 1
    got_drops = final_drops(app)
    for why in ("not_ip", "bad_header", "bad_checksum", "ttl_exceeded", "no_route", "tx_full"):
        if got_drops.get(why) != want_drops.get(why, 0):
            problems.append("dropped %s: sl-l3fwd counted %s, %d were sent"
                            % (why, got_drops.get(why), want_drops.get(why, 0)))
    routed = sum(1 for c in cases if c[1] is not None)
    return sltest.verdict(app, problems, "%s: %d frames routed byte-exact (TTL -1, checksum "
                          "right), drops counted by reason: %s"
                          % (mode, routed, ", ".join("%s %d" % kv
                                                     for kv in sorted(want_drops.items()))))


if __name__ == "__main__":
    sys.exit(main())
