#!/usr/bin/env python3
"""The vmxnet3 driver (net_vmxnet3) in a QEMU guest (device vmxnet3,
15ad:07b0) behind the virtual Intel IOMMU, every phase in one boot. NIC0
and NIC1 are vmxnet3, NIC2 an e1000, all on vfio-pci and cabled to this
host over UDP.

  B  virtio_fwd NIC0 <-> NIC1: 10000 frames each way (every size 60..1514),
     each once, in order, byte for byte; the ports' device counters
     (GET_STATS) equal what was sent and received, no errors or misses;
  C  the same between NIC0 (vmxnet3) and NIC2 (e1000);
  J  virtio_fwd with MTU 9000 and chained mbufs: 300 frames of 1515..9014
     bytes each way intact, received as chains (head buffer from ring 0,
     the rest from ring 1); then NIC0's link is set off (the port reports
     link down) and on again (link up) and 200 frames pass again;
  K  a virtio_fwd killed with SIGKILL while forwarding, then a new one
     forwards 1000 frames each way intact;
  E  the kernel's vmxnet3 takes NIC1 back and transmits 100 frames.

Guest half: guest_vmxnet3.sh.
"""

import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))
import sluicevm  # noqa: E402
from sluicevm import Guest, Nic, assert_frames, make_frame, make_frames  # noqa: E402

PPS = int(os.environ.get('SLUICE_VM_PPS', '3000'))


def forward_phase(g, phase, pair, count, rev, base_seq):
    """virtio_fwd between pair: count frames host -> first -> second ->
    host, rev the other way; returns the bytes of each direction."""
    a, b = g.nics[pair[0]], g.nics[pair[1]]
    g.wait_for_file(phase + '/ready', timeout=300)
    a.port.drain()
    b.port.drain()
    for src, dst, first, n in ((a, b, base_seq, count), (b, a, base_seq + 500000, rev)):
        frames = make_frames(n, first_seq=first)
        got = src.port.exchange(frames, dst.port, pps=PPS)
        assert_frames(frames, got, '%s: host -> %s -> virtio_fwd -> %s -> host' % (
            phase, src.pci, dst.pci))
    return sum(len(f) for f in make_frames(count, base_seq)), \
        sum(len(f) for f in make_frames(rev, base_seq + 500000))


def stop_and_check(g, phase, pair, count, rev, fwd_bytes, back_bytes, chained=None):
    g.touch(phase + '/stop')
    stats = g.read_json('stats_%s.json' % phase, timeout=120)
    p0, p1 = stats['ports']
    a, b = g.nics[pair[0]], g.nics[pair[1]]
    assert p0['name'] == a.pci and p1['name'] == b.pci, stats
    assert p0['mac'] == a.mac, 'MAC of the port %s, QEMU has %s' % (p0['mac'], a.mac)
    quiet = {'imissed': 0, 'ierrors': 0, 'oerrors': 0, 'rx_nombuf': 0, 'link': 1}
    sluicevm.check_counters(phase, p0, dict(quiet, ipackets=count, ibytes=fwd_bytes,
                                            opackets=rev, obytes=back_bytes))
    sluicevm.check_counters(phase, p1, dict(quiet, ipackets=rev, ibytes=back_bytes,
                                            opackets=count, obytes=fwd_bytes))
    assert stats['tx_dropped'] == 0, stats
    if chained is not None:
        assert (stats['chained'], stats['max_segs']) == chained, \
            '%s: (chained frames, longest chain) %s, expected %s' % (
                phase, (stats['chained'], stats['max_segs']), chained)
    sluicevm.log('%s: %d + %d frames intact, counters match' % (phase, count, rev))


def jumbo_link_phase(g, base):
    a, b = g.nics[0], g.nics[1]
    sizes = [1515 + (i * 977) % (9014 - 1515 + 1) for i in range(300)]
    g.wait_for_file('J/ready', timeout=300)
    a.port.drain()
    b.port.drain()
    fwd_bytes = back_bytes = 0
    for src, dst, first in ((a, b, base), (b, a, base + 500000)):
        frames = [make_frame(first + i, sizes[i]) for i in range(len(sizes))]
        got = src.port.exchange(frames, dst.port, pps=1000)
        assert_frames(frames, got, 'J: %d-byte frames %s -> %s' % (max(sizes), src.pci, dst.pci))
        if src is a:
            fwd_bytes = sum(map(len, frames))
        else:
            back_bytes = sum(map(len, frames))
    g.set_link(0, False)
    g.wait_for_file('J/link0_down', timeout=60)
    g.set_link(0, True)
    g.wait_for_file('J/link0_up', timeout=60)
    frames = make_frames(200, first_seq=base + 900000)
    got = a.port.exchange(frames, b.port, pps=PPS)
    assert_frames(frames, got, 'J: after link off/on')
    sluicevm.log('J: jumbo frames as chains, link down and up seen, forwarding resumed')
    stop_and_check(g, 'J', (0, 1), len(sizes) + 200, len(sizes),
                   fwd_bytes + sum(map(len, frames)), back_bytes,
                   # 2048-byte buffers: a frame of n bytes takes ceil(n / 2048)
                   chained=(2 * sum(s > 2048 for s in sizes), -(-max(sizes) // 2048)))


def main():
    sluicevm.built('test', 'vm', 'virtio', 'virtio_fwd')
    nics = [Nic('vmxnet3'), Nic('vmxnet3'), Nic('e1000')]
    with Guest(nics, name='vmxnet3', vfio=[0, 1, 2]) as g:
        g.start(os.path.join(HERE, 'guest_vmxnet3.sh'), [n.pci for n in g.nics])
        fb, bb = forward_phase(g, 'B', (0, 1), 10000, 10000, 0)
        stop_and_check(g, 'B', (0, 1), 10000, 10000, fb, bb)
        fb, bb = forward_phase(g, 'C', (0, 2), 10000, 10000, 1000000)
        stop_and_check(g, 'C', (0, 2), 10000, 10000, fb, bb)
        jumbo_link_phase(g, 3000000)

        g.wait_for_file('K0/ready', timeout=300)
        g.nics[0].port.send_frames(make_frames(500, first_seq=4000000), pps=PPS)
        g.touch('K0/kill')
        fb, bb = forward_phase(g, 'K', (0, 1), 1000, 1000, 5000000)
        stop_and_check(g, 'K', (0, 1), 1000, 1000, fb, bb)

        again = g.nics[1].port.recv_frames(100, timeout=180, idle=60)
        assert_frames(make_frames(100, 2000000, src=g.nics[1].mac), again,
                      'E: kernel vmxnet3 on NIC1 after the Sluice driver')
        g.finish()


if __name__ == '__main__':
    sluicevm.run(main)
