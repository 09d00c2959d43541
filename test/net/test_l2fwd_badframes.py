#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""Runts, oversize frames, frames split across mbufs and VLAN-tagged frames
through sl-l2fwd: each one forwarded whole or dropped and counted, never
delivered truncated.

    test_l2fwd_badframes.py af_packet|pcap   over veth pairs (root, netns)
    test_l2fwd_badframes.py file             net_pcap capture files

af_packet / pcap (net_af_packet or net_pcap iface= ports):

    ns a                  ns d (sl-l2fwd --no-mac-updating)          ns b
    va0 --veth MTU 9000-- va1 = port 0 --> port 1 = vb1 --veth MTU 4000-- vb0
    sender                                                           receiver

  The sender injects, in a fixed order: runts of 14..59 bytes (untagged
  and 802.1Q-tagged), ordinary frames, frames of 2049..4014 bytes (4018
  tagged: chained mbufs on port 0, one ring frame or send on port 1) and
  frames above vb1's MTU (4015+ untagged, 4019+ tagged, up to 9018).
  Expected at the receiver: every frame up to the MTU, once, in order,
  byte-identical, runts zero-padded to 60 bytes (what a NIC puts on the
  wire; the drivers pad on TX); none of the oversize ones, and exactly
  their number in port 1's oerrors, with nothing in port 0's ierrors.

file (rx_pcap -> tx_pcap): a capture with runts of 1..59 bytes, an empty
  record, tagged frames, frames of up to 64 KiB (long chains) and records
  cut by the capture's snaplen. Expected in the output: every complete
  non-empty record, in order, byte-identical with its timestamp (a capture
  has no wire: nothing is padded); none of the cut or empty ones, and
  exactly their number in port 0's ierrors.
"""
import os
import struct
import sys
import tempfile
import time

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import sltest  # noqa: E402

ETHERTYPE = 0x88B5
MIN_FRAME = 60
MTU_IN, MTU_OUT = 9000, 4000
MAC_A0, MAC_A1 = "02:aa:00:00:00:01", "02:aa:00:00:00:02"
MAC_B0, MAC_B1 = "02:bb:00:00:00:01", "02:bb:00:00:00:02"
SRC = sltest.mac_bytes(MAC_A0)
WINDOW = 32
STALL_S = 10.0


def frame(seq, size, vlan=None):
    """size bytes (tag included) that carry seq in the destination MAC
    (02:11:<seq, 4 bytes>), so even a 14-byte runt is recognisable:
    sl-l2fwd runs with --no-mac-updating."""
    dst = b"\x02\x11" + struct.pack("!I", seq)
    tag = b"" if vlan is None else struct.pack("!HH", 0x8100, vlan)
    head = dst + SRC + tag + struct.pack("!H", ETHERTYPE)
    if size < len(head):
        raise ValueError("a %s frame needs at least %d bytes" % ("tagged" if tag else "", len(head)))
    body = bytes((seq * 31 + i * 7) & 0xFF for i in range(size - len(head)))
    return head + body


def seq_of(data):
    if len(data) < 14 or data[0:2] != b"\x02\x11" or data[6:12] != SRC:
        return None
    off = 16 if data[12:14] == b"\x81\x00" else 12
    if len(data) < off + 2 or struct.unpack("!H", data[off:off + 2])[0] != ETHERTYPE:
        return None
    return struct.unpack("!I", data[2:6])[0]


def padded(data):
    return data + bytes(MIN_FRAME - len(data)) if len(data) < MIN_FRAME else data


def wire_plan():
    """[(frame, expected at the receiver or None when it must be dropped)]."""
    plan = []

    def add(size, vlan=None):
        f = frame(len(plan), size, vlan)
        limit = MTU_OUT + 14 + (4 if vlan is not None else 0)
        plan.append((f, padded(f) if size <= limit else None))

    for size in range(14, 60):                       # runts
        add(size)
    for size in range(20, 60, 3):                    # tagged runts
        add(size, vlan=(5 << 13) | (size % 4094 + 1))
    for size in (60, 61, 64, 100, 128, 512, 1000, 1513, 1514, 1515, 1518, 1519):
        add(size)
    for size in (64, 1517, 1518, 1522):
        add(size, vlan=100)
    for size in (2048, 2049, 3000, 4013, 4014):      # chains on port 0
        add(size)
    for size in (2100, 4017, 4018):
        add(size, vlan=4094)
    for size in (4015, 4016, 5000, 8000, 9014):      # above vb1's MTU
        add(size)
    for size in (4019, 6000, 9018):
        add(size, vlan=7)
    # ordinary traffic after the oversize ones: nothing got stuck
    for i in range(40):
        add(60 + (i * 97) % 1455, vlan=None if i % 5 else 200)
    return plan


def driver_counters(l2fwd, port):
    """{'ipackets': n, ...} from sl-l2fwd's 'Port N driver counters' line."""
    for line in l2fwd.lines:
        if line.startswith("Port %d driver counters:" % port):
            words = line.split(":", 1)[1].split()
            return {words[i]: int(words[i + 1]) for i in range(0, len(words) - 1, 2)}
    raise AssertionError("sl-l2fwd printed no driver counters for port %d" % port)


def compare(got, want):
    """Problems between the frames received and those expected, in order."""
    problems = []
    want_seqs = [seq_of(w) for w in want]
    got_seqs = [seq_of(g) for g in got]
    missing = [s for s in want_seqs if s not in got_seqs]
    extra = [s for s in got_seqs if s not in want_seqs]
    if missing:
        problems.append("%d expected frames missing (seq %s)" % (len(missing), missing[:10]))
    if extra:
        problems.append("%d frames arrived that must have been dropped (seq %s)"
                        % (len(extra), extra[:10]))
    if not missing and not extra and got_seqs != want_seqs:
        problems.append("frames out of order or duplicated: %s" % got_seqs[:20])
    bad = 0
    by_seq = {seq_of(w): w for w in want}
    for g in got:
        w = by_seq.get(seq_of(g))
        if w is not None and g != w:
            if bad < 5:
                diff = next((i for i in range(min(len(g), len(w))) if g[i] != w[i]),
                            min(len(g), len(w)))
                problems.append("seq %d: %d bytes, %d expected, first difference at byte %d"
                                % (seq_of(g), len(g), len(w), diff))
            bad += 1
    return problems


def run_wire(driver):
    sltest.l2fwd_path()
    plan = wire_plan()
    want = [w for _, w in plan if w is not None]
    n_oversize = sum(1 for _, w in plan if w is None)
    ns = sltest.Netns("slbf")
    l2fwd = None
    try:
        ns_a, ns_d, ns_b = ns.add("a"), ns.add("d"), ns.add("b")
        ns.veth(ns_a, "va0", MAC_A0, ns_d, "va1", MAC_A1, MTU_IN)
        ns.veth(ns_b, "vb0", MAC_B0, ns_d, "vb1", MAC_B1, MTU_OUT)
        tx = sltest.tx_socket(ns_a, "va0")
        rx_sock = sltest.rx_socket(ns_b, "vb0", auxdata=True)
        cpu = sorted(os.sched_getaffinity(0))[-1]
        if driver == "af_packet":
            # ring frames that hold a tagged 9018-byte frame
            ring = ",framesz=10240,blocksz=20480,framecnt=256"
            vdevs = ["--vdev", "net_af_packet0,iface=va1" + ring,
                     "--vdev", "net_af_packet1,iface=vb1" + ring]
        else:
            vdevs = ["--vdev", "net_pcap0,iface=va1", "--vdev", "net_pcap1,iface=vb1"]
        args = ["-l", str(cpu), "--no-huge", "--no-pci"] + vdevs + [
            "--", "-p", "0x3", "-q", "2", "-P", "-T", "0", "--no-mac-updating",
            "--max-packets", str(len(plan)), "--duration", "90"]
        l2fwd = sltest.L2fwd(args, prefix=ns.exec_prefix(ns_d))
        if not l2fwd.forwarding():
            return 1
        rx = sltest.Receiver(rx_sock, lambda f: None if seq_of(f) is None else f, auxdata=True)
        # at most WINDOW expected frames in flight, so no ring overflows;
        # after a stall the rest goes out unpaced (compare() tells)
        expected_sent, stalled = 0, False
        for f, w in plan:
            if not stalled:
                stalled = not rx.wait_room(expected_sent, WINDOW, STALL_S)
            tx.send(f)
            expected_sent += w is not None
        rx.wait_for(len(want), STALL_S)
        rc = l2fwd.wait(30)
        time.sleep(0.3)
        rx.close()
        sltest.log("sent %d frames (%d above vb1's MTU), received %d (+%d foreign), "
                   "sl-l2fwd exit %d" % (len(plan), n_oversize, rx.count(), rx.foreign, rc))
        problems = compare(rx.items, want)
        if rc != 0:
            problems.append("sl-l2fwd exited with %d" % rc)
        else:
            c0, c1 = driver_counters(l2fwd, 0), driver_counters(l2fwd, 1)
            sltest.log("port 0: %s\nport 1: %s" % (c0, c1))
            if c0.get("ipackets") != len(plan):
                problems.append("port 0 received %s frames, %d were sent" % (c0.get("ipackets"),
                                                                            len(plan)))
            if c0.get("ierrors") != 0:
                problems.append("port 0 ierrors %s, expected 0" % c0.get("ierrors"))
            if c1.get("oerrors") != n_oversize:
                problems.append("port 1 oerrors %s, expected %d (the frames above its MTU)"
                                % (c1.get("oerrors"), n_oversize))
            if c1.get("opackets") != len(want):
                problems.append("port 1 opackets %s, expected %d" % (c1.get("opackets"),
                                                                     len(want)))
        return sltest.verdict(l2fwd, problems, "%d frames forwarded whole (runts padded to 60, "
                              "chains and VLAN tags intact), %d oversize dropped and counted "
                              "in oerrors" % (len(want), n_oversize))
    finally:
        if l2fwd is not None:
            l2fwd.kill()
        ns.close()


# ---- capture files ---------------------------------------------------------------


def write_records(path, records, snaplen=65535):
    """records: (sec, usec, caplen, len, data[:caplen])."""
    with open(path, "wb") as f:
        f.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, snaplen, 1))
        for sec, usec, caplen, wire_len, data in records:
            f.write(struct.pack("<IIII", sec, usec, caplen, wire_len) + data[:caplen])


def file_plan():
    """[(record, kept)]: kept records must come out unchanged."""
    plan = []

    def add(data, caplen=None, wire_len=None):
        i = len(plan)
        caplen = len(data) if caplen is None else caplen
        wire_len = len(data) if wire_len is None else wire_len
        rec = (1700000000 + i, (i * 7919) % 1000000, caplen, wire_len, data)
        plan.append((rec, caplen == wire_len and caplen > 0))

    body = bytes(range(256)) * 300
    for size in range(1, 60):                         # runts, even below a header
        add(body[:size])
    add(b"")                                          # an empty record
    add(frame(1, 60), caplen=40, wire_len=60)         # cut by a snaplen
    for size in (60, 1514, 2048, 2049, 9000, 20000, 65535):   # up to long chains
        add(frame(len(plan), size))
    for size in (20, 64, 1518, 9018):
        add(frame(len(plan), size, vlan=300))
    add(frame(len(plan), 9000), caplen=96, wire_len=9000)     # tcpdump's old -s 96
    add(frame(len(plan), 2000), caplen=1999, wire_len=2000)
    for i in range(20):
        add(frame(len(plan), 60 + i * 71))
    return plan


def run_file():
    sltest.l2fwd_path()
    plan = file_plan()
    records = [r for r, _ in plan]
    kept = [r for r, k in plan if k]
    n_bad = len(plan) - len(kept)
    with tempfile.TemporaryDirectory(prefix="sl_badframes.") as tmp:
        in_path, out_path = os.path.join(tmp, "in.pcap"), os.path.join(tmp, "out.pcap")
        write_records(in_path, records)
        l2fwd = sltest.L2fwd(["-l", str(sorted(os.sched_getaffinity(0))[0]), "--no-huge",
                              "--no-pci", "--vdev", "net_pcap0,rx_pcap=" + in_path,
                              "--vdev", "net_pcap1,tx_pcap=" + out_path,
                              "--", "-p", "0x3", "-q", "2", "-T", "0", "--no-mac-updating",
                              "--max-packets", str(len(kept)), "--duration", "60"])
        rc = l2fwd.wait(90)
        if rc != 0:
            l2fwd.dump()
            if os.geteuid() != 0 and "EAL" in l2fwd.stderr():
                sltest.skip("sl-l2fwd could not initialise the EAL as non-root (locked memory)")
            sltest.log("FAIL: sl-l2fwd exited with %d" % rc)
            return 1
        problems = []
        hdr, out = sltest.pcap_read(out_path)
        got = [(sec, usec, wire_len, data) for sec, usec, wire_len, data in out]
        want = [(sec, usec, wire_len, data[:caplen]) for sec, usec, caplen, wire_len, data in kept]
        if len(got) != len(want):
            problems.append("out.pcap holds %d frames, expected %d" % (len(got), len(want)))
        for i, (g, w) in enumerate(zip(got, want)):
            if g != w:
                problems.append("output frame %d: %d bytes at %d.%06d, expected %d bytes at "
                                "%d.%06d%s" % (i, len(g[3]), g[0], g[1], len(w[3]), w[0], w[1],
                                               " (bytes differ)" if len(g[3]) == len(w[3]) else ""))
                break
        c0 = driver_counters(l2fwd, 0)
        sltest.log("port 0: %s" % c0)
        if c0.get("ierrors") != n_bad:
            problems.append("port 0 ierrors %s, expected %d (the cut and empty records)"
                            % (c0.get("ierrors"), n_bad))
        if c0.get("ipackets") != len(kept):
            problems.append("port 0 ipackets %s, expected %d" % (c0.get("ipackets"), len(kept)))
        if not any("tcpdump -s 0" in line for line in l2fwd.err_lines):
            problems.append("no warning about the cut records on stderr")
        return sltest.verdict(l2fwd, problems, "%d complete records (runts of 1..59 bytes "
                              "unpadded, chains up to 64 KiB, VLAN) out unchanged; %d cut/empty "
                              "records dropped and counted in ierrors" % (len(kept), n_bad))


def main():
    which = sys.argv[1] if len(sys.argv) > 1 else "af_packet"
    if which == "file":
        return run_file()
    if which in ("af_packet", "pcap"):
        return run_wire(which)
    sys.exit("usage: test_l2fwd_badframes.py af_packet|pcap|file")


if __name__ == "__main__":
    sys.exit(main())
