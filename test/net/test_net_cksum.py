#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""lib/net's checksums against the kernel's on real frames.

Two namespaces joined by a veth pair, TX checksum offload off on both ends
(SIOCETHTOOL) so the kernel computes every checksum in software. The kernel
of namespace a sends UDP (odd and even lengths), TCP (handshake with
options, data, teardown) and ICMP echo over IPv4 and IPv6; namespace b's
kernel answers (echo replies, SYN-ACKs, port unreachables). A packet
socket on b's end captures both directions; net_cksum_check recomputes
every checksum with lib/net and compares. Then the same frames with one
payload byte flipped must all be reported as mismatches: the check can
fail.
"""
import ctypes
import fcntl
import os
import socket
import struct
import subprocess
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import sltest  # noqa: E402

SIOCETHTOOL = 0x8946
ETHTOOL_STXCSUM = 0x17
V4 = ("10.199.0.1", "10.199.0.2")
V6 = ("fd00:5c::1", "fd00:5c::2")
CLASSES = ("ipv4-udp", "ipv4-tcp", "ipv4-icmp", "ipv6-udp", "ipv6-tcp", "ipv6-icmp")


def tx_csum_off(ns, ifname):
    value = ctypes.create_string_buffer(struct.pack("=II", ETHTOOL_STXCSUM, 0))
    ifreq = struct.pack("16sP", ifname.encode(), ctypes.addressof(value))
    with sltest.netns_enter(ns):
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
            fcntl.ioctl(s.fileno(), SIOCETHTOOL, ifreq)


def in_ns(ns, fn):
    """fn() with the thread inside ns (its sockets stay there)."""
    with sltest.netns_enter(ns):
        return fn()


def udp_traffic(ns, fam, dst):
    s = in_ns(ns, lambda: socket.socket(fam, socket.SOCK_DGRAM))
    for size in (0, 1, 7, 64, 333, 1200):
        s.sendto(bytes((i * 13 + size) & 0xff for i in range(size)), (dst, 9))
        time.sleep(0.01)	# port unreachable replies are rate limited
    s.close()


def tcp_traffic(ns_a, ns_b, fam, dst):
    srv = in_ns(ns_b, lambda: socket.socket(fam, socket.SOCK_STREAM))
    srv.bind((dst, 5001))
    srv.listen(1)
    got = []

    def serve():
        conn, _ = srv.accept()
        while True:
            data = conn.recv(65536)
            if not data:
                break
            got.append(len(data))
        conn.close()
    t = threading.Thread(target=serve)
    t.start()
    cli = in_ns(ns_a, lambda: socket.socket(fam, socket.SOCK_STREAM))
    cli.connect((dst, 5001))
    cli.sendall(bytes(range(256)) * 40 + b"x")	# several segments, odd total
    cli.close()
    t.join(10)
    srv.close()


def icmp_traffic(ns, fam, dst):
    proto = socket.IPPROTO_ICMP if fam == socket.AF_INET else socket.IPPROTO_ICMPV6
    req = 8 if fam == socket.AF_INET else 128
    s = in_ns(ns, lambda: socket.socket(fam, socket.SOCK_DGRAM, proto))
    s.settimeout(2)
    for size in (0, 3, 56, 1001):
        # a ping socket: the kernel fills in id and checksum
        s.sendto(struct.pack("!BBHHH", req, 0, 0, 0, size) + b"p" * size, (dst, 0))
        s.recv(2048)
    s.close()


def run_check(tool, frames):
    res = subprocess.run([tool], input="".join(f.hex() + "\n" for f in frames), text=True,
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    counts = {}
    for line in res.stdout.splitlines():
        if line.startswith("COUNT "):
            _, name, n = line.split()
            counts[name] = int(n)
    mismatches = [ln for ln in res.stdout.splitlines() if ln.startswith("MISMATCH")]
    return res.returncode, counts, mismatches, res.stdout + res.stderr


def corrupt(frame):
    """The frame with the second byte of its L4 header flipped (a port or
    the ICMP code): inside the L4 checksum's cover whatever the protocol."""
    b = bytearray(frame)
    etype = struct.unpack_from("!H", b, 12)[0]
    l4 = 14 + ((b[14] & 0x0f) * 4 if etype == 0x0800 else 40)
    if etype in (0x0800, 0x86DD) and l4 + 1 < len(b):
        b[l4 + 1] ^= 0x5a
    return bytes(b)


def main():
    tool = sltest.program_path("SL_NET_CKSUM_CHECK", "net_cksum_check")
    nets = sltest.Netns("slck")
    try:
        a, b = nets.add("a"), nets.add("b")
        nets.veth(a, "ck0", "02:00:00:00:5c:01", b, "ck1", "02:00:00:00:5c:02")
        for ns, ifname, v4, v6 in ((a, "ck0", V4[0], V6[0]), (b, "ck1", V4[1], V6[1])):
            sltest.sh("ip", "netns", "exec", ns, "sysctl", "-qw",
                      "net.ipv6.conf.all.disable_ipv6=0", "net.ipv6.conf.ck0.disable_ipv6=0"
                      if ifname == "ck0" else "net.ipv6.conf.ck1.disable_ipv6=0",
                      "net.ipv4.ping_group_range=0 2147483647")
            sltest.sh("ip", "-n", ns, "addr", "add", v4 + "/24", "dev", ifname)
            sltest.sh("ip", "-n", ns, "addr", "add", v6 + "/64", "dev", ifname, "nodad")
            tx_csum_off(ns, ifname)
        sock = sltest.rx_socket(b, "ck1")
        sock.settimeout(0.5)
        udp_traffic(a, socket.AF_INET, V4[1])
        udp_traffic(a, socket.AF_INET6, V6[1])
        tcp_traffic(a, b, socket.AF_INET, V4[1])
        tcp_traffic(a, b, socket.AF_INET6, V6[1])
        icmp_traffic(a, socket.AF_INET, V4[1])
        icmp_traffic(a, socket.AF_INET6, V6[1])
        frames = []
        while True:
            try:
                frames.append(sock.recv(65536))
            except socket.timeout:
                break
        sock.close()
    finally:
        nets.close()

    problems = []
    rc, counts, mismatches, out = run_check(tool, frames)
    sltest.log("%d frames captured; %s" % (len(frames), " ".join(
        "%s=%d" % kv for kv in sorted(counts.items()))))
    if rc != 0 or mismatches:
        problems.append("lib/net disagrees with the kernel:\n" + out)
    for c in CLASSES:
        if counts.get(c, 0) == 0:
            problems.append("no %s frame captured: nothing compared" % c)
    n_checked = sum(counts.get(c, 0) for c in CLASSES)
    rc, counts_bad, mismatches, out = run_check(tool, [corrupt(f) for f in frames])
    if len(mismatches) < n_checked:
        problems.append("corrupted frames: %d of %d mismatches reported\n%s"
                        % (len(mismatches), n_checked, out))
    if problems:
        for p in problems:
            sltest.log("FAIL: " + p)
        return 1
    sltest.log("PASS: lib/net's IPv4 header, UDP, TCP, ICMP and ICMPv6 checksums equal the "
               "kernel's on %d frames; %d corrupted copies all caught" % (n_checked, len(mismatches)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
