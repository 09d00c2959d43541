#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""sl-l2fwd between two net_pcap ports: a capture file in, a capture file out.

Port 0 reads in.pcap, port 1 writes out.pcap. With --no-mac-updating the
output file must equal the input byte for byte (the pcap port carries each
frame's timestamp through, and frames larger than an mbuf travel as chains);
with MAC updating every record must be the input record with the MACs
rewritten (dst 02:00:00:00:00:01, src port 1's MAC). tcpdump must read the
output and see every frame.
"""
import os
import shutil
import subprocess
import sys
import tempfile

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import sltest  # noqa: E402

N = 1000
JUMBO_EVERY = 250     # a 9000-byte frame now and then: chained mbufs


def make_input(path):
    records = []
    src = sltest.mac_bytes("02:aa:00:00:00:01")
    dst = sltest.mac_bytes("02:11:22:33:44:55")
    for i in range(N):
        size = 9000 if i % JUMBO_EVERY == JUMBO_EVERY - 1 else sltest.frame_size(i)
        records.append((1700000000 + i // 7, (i * 104729) % 1000000,
                        sltest.make_frame(i, 1, dst, src, size)))
    sltest.pcap_write(path, records)
    return records


def run(tmp, out_name, extra):
    l2fwd = sltest.L2fwd(["-l", str(sorted(os.sched_getaffinity(0))[0]), "--no-huge", "--no-pci",
                          "--vdev", "net_pcap0,rx_pcap=%s" % os.path.join(tmp, "in.pcap"),
                          "--vdev", "net_pcap1,tx_pcap=%s" % os.path.join(tmp, out_name),
                          "--", "-p", "0x3", "-q", "2", "-T", "0",
                          "--max-packets", str(N), "--duration", "60"] + extra)
    rc = l2fwd.wait(90)
    if rc != 0:
        l2fwd.dump()
        if os.geteuid() != 0 and "EAL" in l2fwd.stderr():
            sltest.skip("sl-l2fwd could not initialise the EAL as non-root (locked memory)")
        raise AssertionError("sl-l2fwd exited with %d" % rc)
    received = l2fwd.final_counter("Total packets received")
    if received != N:
        l2fwd.dump()
        raise AssertionError("sl-l2fwd received %d packets, the file has %d" % (received, N))
    return l2fwd


def tcpdump_count(path):
    if shutil.which("tcpdump") is None:
        sltest.log("tcpdump not installed: skipping the tcpdump -r check")
        return None
    res = subprocess.run(["tcpdump", "-r", path, "-nn", "-q"], stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE, text=True)
    if res.returncode != 0:
        raise AssertionError("tcpdump -r %s failed (%d): %s" % (path, res.returncode,
                                                                  res.stderr.strip()))
    return len(res.stdout.splitlines())


def main():
    sltest.l2fwd_path()
    with tempfile.TemporaryDirectory(prefix="sl_l2fwd_pcap.") as tmp:
        in_path = os.path.join(tmp, "in.pcap")
        records = make_input(in_path)

        # unchanged: the whole file, byte for byte
        run(tmp, "same.pcap", ["--no-mac-updating"])
        with open(in_path, "rb") as f:
            want = f.read()
        with open(os.path.join(tmp, "same.pcap"), "rb") as f:
            got = f.read()
        if got != want:
            diff = next((i for i in range(min(len(got), len(want))) if got[i] != want[i]),
                        min(len(got), len(want)))
            raise AssertionError("same.pcap (%d bytes) differs from in.pcap (%d bytes) at byte %d"
                                 % (len(got), len(want), diff))
        count = tcpdump_count(os.path.join(tmp, "same.pcap"))
        if count is not None and count != N:
            raise AssertionError("tcpdump sees %d frames in same.pcap, expected %d" % (count, N))
        sltest.log("PASS: --no-mac-updating output equals the input byte for byte (%d frames)" % N)

        # MACs rewritten, everything else kept
        l2fwd = run(tmp, "mac.pcap", [])
        port1_mac = l2fwd.port_mac(1)
        new_hdr = sltest.mac_bytes("02:00:00:00:00:01") + sltest.mac_bytes(port1_mac)
        hdr, out = sltest.pcap_read(os.path.join(tmp, "mac.pcap"))
        if hdr["linktype"] != 1:
            raise AssertionError("mac.pcap has link type %d, not Ethernet" % hdr["linktype"])
        if len(out) != N:
            raise AssertionError("mac.pcap holds %d frames, expected %d" % (len(out), N))
        for i, ((sec, usec, data), (osec, ousec, olen, odata)) in enumerate(zip(records, out)):
            if (osec, ousec) != (sec, usec):
                raise AssertionError("frame %d: timestamp %d.%06d, expected %d.%06d"
                                     % (i, osec, ousec, sec, usec))
            if olen != len(data) or odata != new_hdr + data[12:]:
                raise AssertionError("frame %d: got %s..., want %s..." % (
                    i, odata[:16].hex(), (new_hdr + data[12:16]).hex()))
        count = tcpdump_count(os.path.join(tmp, "mac.pcap"))
        if count is not None and count != N:
            raise AssertionError("tcpdump sees %d frames in mac.pcap, expected %d" % (count, N))
        sltest.log("PASS: MAC-updated output: dst 02:00:00:00:00:01, src %s, rest unchanged"
                   % port1_mac)
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except AssertionError as e:
        sltest.log("FAIL: %s" % e)
        sys.exit(1)
