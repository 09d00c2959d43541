#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""sl-l2fwd over two net_af_packet (or net_pcap) ports, end to end through veth pairs.

    ns a            ns d (sl-l2fwd)                      ns b
    va0 ----veth---- va1 = port 0  --forward-->  port 1 = vb1 ----veth---- vb0
    sender                                                              receiver

The sender injects N frames (60..1514 bytes, each carrying a sequence
number) with a raw AF_PACKET socket on va0; the receiver captures on vb0.
Every frame must arrive exactly once, in order, byte-identical to what was
sent except for the MAC addresses, which must be dst 02:00:00:00:00:01 and
src = port 1's MAC (vb1's), or fully identical with --no-mac-updating.
Every seventh frame carries an 802.1Q tag, which the kernel strips on
receive: the port must hand the frame over with its tag back in place.

The sender keeps at most WINDOW frames in flight (sent but not yet
received), so no ring or socket buffer on the path can overflow however the
machine schedules sl-l2fwd; a loss therefore is a bug, and the kernel's own
drop counters are printed next to it.
"""
import argparse
import os
import sys
import time

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import sltest  # noqa: E402

WINDOW = 128
STALL_S = 10.0
MAC_A0, MAC_A1 = "02:aa:00:00:00:01", "02:aa:00:00:00:02"
MAC_B0, MAC_B1 = "02:bb:00:00:00:01", "02:bb:00:00:00:02"
DST = sltest.mac_bytes("02:11:22:33:44:55")
VLAN_EVERY = 7


def vlan_of(seq):
    """Every VLAN_EVERY-th frame carries an 802.1Q tag: the kernel strips
    it on receive and net_af_packet must put it back."""
    return (3 << 13) | (1 + seq % 4094) if seq % VLAN_EVERY == VLAN_EVERY - 1 else None


def seq_and_frame(seq, frame):
    return None if seq is None else (seq, frame)


def send_paced(tx, frames, rx):
    """Sends every frame, never more than WINDOW ahead of the receiver.
    Returns False if the receiver stopped making progress."""
    for i, frame in enumerate(frames):
        if not rx.wait_room(i, WINDOW, STALL_S):
            sltest.log("no frame arrived for %.0f s after %d sent, %d received"
                       % (STALL_S, i, rx.count()))
            return False
        tx.send(frame)
    rx.wait_for(len(frames), STALL_S)
    return True


def check(received, frames, mac_updating, port1_mac):
    """A list of problems (empty: all good)."""
    problems = []
    seqs = [s for s, _ in received]
    n = len(frames)
    missing = sorted(set(range(n)) - set(seqs))
    dups = len(seqs) - len(set(seqs))
    if missing:
        problems.append("%d of %d frames missing (first: %s)" % (len(missing), n, missing[:10]))
    if dups:
        problems.append("%d duplicate frames" % dups)
    disorder = next((i for i in range(1, len(seqs)) if seqs[i] < seqs[i - 1]), None)
    if disorder is not None:
        problems.append("out of order: frame %d arrived after frame %d"
                        % (seqs[disorder], seqs[disorder - 1]))
    new_hdr = sltest.mac_bytes("02:00:00:00:00:01") + sltest.mac_bytes(port1_mac)
    bad = 0
    for seq, data in received:
        want = frames[seq]
        if mac_updating:
            want = new_hdr + want[12:]
        if data != want:
            if bad < 5:
                diff = next((i for i in range(min(len(data), len(want)))
                             if data[i] != want[i]), min(len(data), len(want)))
                problems.append("frame %d (%d bytes, %d expected) differs from byte %d: got %s, want %s"
                                % (seq, len(data), len(want), diff,
                                   data[diff:diff + 12].hex(), want[diff:diff + 12].hex()))
            bad += 1
    if bad > 5:
        problems.append("... %d frames differ in all" % bad)
    return problems


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--no-mac-updating", action="store_true")
    ap.add_argument("--queues", type=int, default=1,
                    help="queue pairs per port (net_af_packet qpairs, PACKET_FANOUT)")
    ap.add_argument("--frames", type=int, default=10000)
    ap.add_argument("--jumbo", action="store_true",
                    help="MTU 9000 and frames up to 9014 bytes: chained mbufs on RX")
    ap.add_argument("--driver", choices=["af_packet", "pcap"], default="af_packet",
                    help="net_af_packet (default) or net_pcap live capture (iface=)")
    opt = ap.parse_args()
    if opt.driver == "pcap" and opt.queues != 1:
        ap.error("net_pcap has one queue pair per iface=")
    sltest.l2fwd_path()
    mac_updating = not opt.no_mac_updating
    run_id = os.getpid()

    ns = sltest.Netns("sl")
    l2fwd = None
    try:
        ns_a, ns_d, ns_b = ns.add("a"), ns.add("d"), ns.add("b")
        mtu = 9000 if opt.jumbo else 1500
        ns.veth(ns_a, "va0", MAC_A0, ns_d, "va1", MAC_A1, mtu)
        ns.veth(ns_b, "vb0", MAC_B0, ns_d, "vb1", MAC_B1, mtu)
        tx = sltest.tx_socket(ns_a, "va0")
        rx_sock = sltest.rx_socket(ns_b, "vb0", auxdata=True)

        frames = [sltest.make_frame(i, run_id, DST, sltest.mac_bytes(MAC_A0),
                                    sltest.frame_size(i, high=mtu + 14), vlan_of(i))
                  for i in range(opt.frames)]
        # one busy-polling lcore, on the last CPU we may use: the sender,
        # the receiver and the kernel's softirqs get the rest
        cpu = sorted(os.sched_getaffinity(0))[-1]
        qp = ",qpairs=%d" % opt.queues if opt.queues > 1 else ""
        drv = "net_" + opt.driver
        if opt.jumbo and opt.driver == "af_packet":
            # ring frames that hold a tagged 9018-byte frame, two per block
            qp += ",framesz=10240,blocksz=20480,framecnt=512"
        args = ["-l", str(cpu), "--no-huge", "--no-pci",
                "--vdev", drv + "0,iface=va1" + qp,
                "--vdev", drv + "1,iface=vb1" + qp,
                "--", "-p", "0x3", "-q", str(2 * opt.queues), "-P", "-T", "0",
                "--max-packets", str(opt.frames), "--duration", "120"]
        if opt.queues > 1:
            args += ["--queues", str(opt.queues)]
        if not mac_updating:
            args.append("--no-mac-updating")
        l2fwd = sltest.L2fwd(args, prefix=ns.exec_prefix(ns_d))
        if not l2fwd.forwarding():
            return 1

        # (seq, bytes) of our frames, in arrival order
        rx = sltest.Receiver(rx_sock, lambda f: seq_and_frame(sltest.frame_seq(f, run_id), f),
                             auxdata=True)
        t0 = time.monotonic()
        completed = send_paced(tx, frames, rx)
        elapsed = time.monotonic() - t0
        rc = l2fwd.wait(30 if completed else 5)
        time.sleep(0.2)           # anything still in flight would show as a duplicate
        rx.close()
        sltest.log("sent %d frames in %.2f s, received %d (+%d foreign), sl-l2fwd exit %d"
                   % (len(frames), elapsed, rx.count(), rx.foreign, rc))

        problems = []
        port1_mac = l2fwd.port_mac(1)
        if port1_mac != MAC_B1:
            problems.append("port 1 reports MAC %s, interface vb1 has %s" % (port1_mac, MAC_B1))
        problems += check(rx.items, frames, mac_updating, MAC_B1)
        if rc != 0:
            problems.append("sl-l2fwd exited with %d" % rc)
        else:
            dropped = l2fwd.final_counter("Total packets dropped")
            if dropped:
                problems.append("sl-l2fwd dropped %d packets (TX ring full)" % dropped)
        if problems:
            l2fwd.dump()
            for ns_name, ifs in ((ns_a, ["va0"]), (ns_d, ["va1", "vb1"]), (ns_b, ["vb0"])):
                for ifname in ifs:
                    res = sltest.sh("ip", "-n", ns_name, "-s", "link", "show", ifname, check=False)
                    sltest.log("kernel counters, %s in %s:\n%s" % (ifname, ns_name, res.stdout))
            for p in problems:
                sltest.log("FAIL: " + p)
            return 1
        for line in l2fwd.lines:
            if "driver counters" in line:
                sltest.log(line)
        sltest.log("PASS: %d frames forwarded once, in order, %s"
                   % (len(frames), "MACs rewritten" if mac_updating else "unchanged"))
        return 0
    finally:
        if l2fwd is not None:
            l2fwd.kill()
        ns.close()


if __name__ == "__main__":
    sys.exit(main())
