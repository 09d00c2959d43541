#!/usr/bin/env python3
"""Guest side of the harness tests: send or receive test frames on a kernel
network interface through an AF_PACKET socket (runs inside the guest, from
the host's file system, with the host's python3).

  guest_pkt.py send IFNAME COUNT [--first-seq S] [--dst MAC] [--stats FILE]
  guest_pkt.py recv IFNAME COUNT --out FILE.pcap [--ready FILE] [--timeout S] [--stats FILE]

Frames are sluicevm.make_frame() test frames (ethertype 0x88b5); recv keeps
only that ethertype and writes what it got as a pcap file.
"""

import argparse
import errno
import json
import os
import socket
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import sluicevm  # noqa: E402

SO_SNDBUFFORCE, SO_RCVBUFFORCE = 32, 33
SOL_PACKET, PACKET_QDISC_BYPASS = 263, 20


def iface_mac(ifname):
    with open('/sys/class/net/%s/address' % ifname) as f:
        return f.read().strip()


def cmd_send(opts):
    src = iface_mac(opts.ifname)
    frames = sluicevm.make_frames(opts.count, opts.first_seq, dst=opts.dst, src=src)
    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, 0)
    s.setsockopt(socket.SOL_SOCKET, SO_SNDBUFFORCE, 4 << 20)
    # The guest's default qdisc is fq_codel, which drops under a burst and
    # still reports success (NET_XMIT_CN). Bypassing the qdisc makes a busy
    # NIC ring an ENOBUFS we retry, so every frame goes out.
    s.setsockopt(SOL_PACKET, PACKET_QDISC_BYPASS, 1)
    s.bind((opts.ifname, 0))
    retries = 0
    t0 = time.monotonic()
    for f in frames:
        while True:
            try:
                s.send(f)
                break
            except OSError as e:
                # The qdisc is full: the NIC has not caught up yet.
                if e.errno not in (errno.ENOBUFS, errno.EAGAIN):
                    raise
                retries += 1
                time.sleep(0.0005)
    elapsed = time.monotonic() - t0
    stats = {'sent': len(frames), 'seconds': elapsed, 'enobufs_retries': retries}
    print('guest_pkt: sent %d frames on %s in %.3f s (%.0f fps)'
          % (len(frames), opts.ifname, elapsed, len(frames) / max(elapsed, 1e-9)), flush=True)
    if opts.stats:
        with open(opts.stats, 'w') as f:
            json.dump(stats, f)
    return 0


def cmd_recv(opts):
    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(sluicevm.ETHERTYPE_TEST))
    s.setsockopt(socket.SOL_SOCKET, SO_RCVBUFFORCE, 8 << 20)
    s.bind((opts.ifname, sluicevm.ETHERTYPE_TEST))   # Python byte-swaps this one itself
    if opts.ready:
        open(opts.ready, 'w').close()
    frames = []
    first = last = None
    deadline = time.monotonic() + opts.timeout
    while len(frames) < opts.count:
        left = deadline - time.monotonic()
        if left <= 0:
            break
        s.settimeout(left)
        try:
            data, addr = s.recvfrom(65536)
        except socket.timeout:
            break
        if addr[2] == socket.PACKET_OUTGOING:
            continue
        last = time.monotonic()
        first = first or last
        frames.append(data)
    sluicevm.write_pcap(opts.out, frames)
    span = (last - first) if frames else 0.0
    print('guest_pkt: received %d of %d frames on %s (%.3f s first to last)'
          % (len(frames), opts.count, opts.ifname, span), flush=True)
    if opts.stats:
        with open(opts.stats, 'w') as f:
            json.dump({'received': len(frames), 'seconds': span}, f)
    return 0


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    sub = ap.add_subparsers(dest='cmd', required=True)
    p = sub.add_parser('send')
    p.add_argument('ifname')
    p.add_argument('count', type=int)
    p.add_argument('--first-seq', type=int, default=0)
    p.add_argument('--dst', default='ff:ff:ff:ff:ff:ff')
    p.add_argument('--stats')
    p = sub.add_parser('recv')
    p.add_argument('ifname')
    p.add_argument('count', type=int)
    p.add_argument('--out', required=True)
    p.add_argument('--ready')
    p.add_argument('--timeout', type=float, default=60)
    p.add_argument('--stats')
    opts = ap.parse_args()
    return cmd_send(opts) if opts.cmd == 'send' else cmd_recv(opts)


if __name__ == '__main__':
    sys.exit(main())
