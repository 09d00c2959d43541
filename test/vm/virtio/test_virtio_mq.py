#!/usr/bin/env python3
"""Multi-queue virtio-net: two virtio-net-pci devices with mq=on and 2 queue
pairs (vectors=6), each cabled to a host tap opened with 2 queues, both on
vfio-pci in the guest. sl-l2fwd runs on 2 lcores with --queues 2: lcore q
polls queue q of both ports and transmits on queue q of the other, so no
queue is shared (the driver tells the device to use 2 pairs through the
control queue, MQ_VQ_PAIRS_SET).

The host sends IPv4/UDP frames of 32 flows into each tap; the tap picks a
queue per flow (its flow hash), which becomes the virtio RX queue. Checked:
every frame arrives once at the other tap, each flow in order, byte for
byte (l2fwd --no-mac-updating); both RX queues of each port carried
traffic; each port's queue q sent what its partner's queue q received;
the driver and l2fwd counters match.

MQI: the same with --rx-mode interrupt (MSI-X: vector 0 for the config,
1 + q for RX queue q), 1000 frames each way with 2 s idle half-way: as
above, and both RX queue vectors of each NIC fired (the guest's
/proc/interrupts), both lcores slept more than half of the run.

Needs root and /dev/net/tun for the taps (else skipped).
Guest half: guest_virtio_mq.sh.
"""

import os
import re
import struct
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))
import sluicevm  # noqa: E402
from sluicevm import Guest, Nic  # noqa: E402

PPS = int(os.environ.get('SLUICE_VM_PPS', '4000'))
FLOWS = 32
COUNT = 3000
COUNT_INTR = 1000
MAGIC = b'SLmq'


def ip_checksum(hdr):
    total = sum(struct.unpack('!%dH' % (len(hdr) // 2), hdr))
    while total >> 16:
        total = (total & 0xffff) + (total >> 16)
    return (~total) & 0xffff


def mq_frame(seq, flow, dst, src):
    """Ethernet/IPv4/UDP, 64..1400 bytes; the UDP source port names the
    flow (the tap hashes addresses and ports), the payload carries magic,
    sequence number and flow."""
    size = 64 + (seq * 97) % (1400 - 64 + 1)
    payload_len = size - 14 - 20 - 8
    body = MAGIC + struct.pack('!IH', seq, flow)
    body += bytes((seq + i) & 0xff for i in range(payload_len - len(body)))
    udp = struct.pack('!HHHH', 10000 + flow, 20000, 8 + len(body), 0) + body
    ip = struct.pack('!BBHHHBBH4s4s', 0x45, 0, 20 + len(udp), seq & 0xffff, 0, 64, 17, 0,
                     bytes([198, 51, 100, 1]), bytes([198, 51, 100, 2]))
    ip = ip[:10] + struct.pack('!H', ip_checksum(ip)) + ip[12:]
    return sluicevm.mac_bytes(dst) + sluicevm.mac_bytes(src) + b'\x08\x00' + ip + udp


def mq_seq(frame):
    if len(frame) < 48 or frame[12:14] != b'\x08\x00' or frame[42:46] != MAGIC:
        return None, None
    return struct.unpack_from('!IH', frame, 46)


def check_mq(sent, got, what):
    want = {mq_seq(f)[0]: f for f in sent}
    seen, last, problems, foreign, differ = {}, {}, [], 0, None
    for f in got:
        seq, flow = mq_seq(f)
        if seq not in want:
            foreign += 1
            continue
        seen[seq] = seen.get(seq, 0) + 1
        if flow in last and seq < last[flow] and len(problems) < 3:
            problems.append('flow %d out of order: seq %d after %d' % (flow, seq, last[flow]))
        last[flow] = max(seq, last.get(flow, seq))
        if differ is None and f != want[seq]:
            differ = 'seq %d differs (%d bytes, expected %d)' % (seq, len(f), len(want[seq]))
    missing = sorted(s for s in want if s not in seen)
    dups = sorted(s for s, n in seen.items() if n > 1)
    if missing:
        problems.insert(0, '%d of %d missing, first %d' % (len(missing), len(want), missing[0]))
    if dups:
        problems.append('%d duplicated, first %d' % (len(dups), dups[0]))
    if differ:
        problems.append(differ)
    if foreign:
        problems.append('%d unexpected frames' % foreign)
    assert not problems, '%s: sent %d, received %d:\n  %s' % (what, len(sent), len(got),
                                                               '\n  '.join(problems))


def mq_traffic(g, phase, count, first, gap=0):
    """count frames of FLOWS flows each way through the sl-l2fwd run
    phase, in two halves gap seconds apart when gap is set: every one once,
    each flow in order, intact."""
    g.wait_for_file('ready_' + phase, timeout=300)
    for src, dst, base in ((g.nics[0], g.nics[1], first), (g.nics[1], g.nics[0], first + 1000000)):
        frames = [mq_frame(base + i, i % FLOWS, src.mac, '02:00:00:00:00:01')
                  for i in range(count)]
        src.port.drain()
        dst.port.drain()
        got = []
        for part in ((frames[:count // 2], frames[count // 2:]) if gap else (frames,)):
            if got:
                time.sleep(gap)
            got += src.port.exchange_chunked(part, dst.port, pps=PPS, ethertype=0x0800,
                                             keep=lambda f: mq_seq(f)[0] is not None)
        try:
            check_mq(frames, got, '%s: tap -> %s -> sl-l2fwd (2 lcores) -> %s -> tap'
                     % (phase, src.pci, dst.pci))
        except AssertionError:
            for n in g.nics:
                st = {}
                for k in ('tx_packets', 'tx_dropped', 'rx_packets', 'rx_dropped'):
                    try:
                        with open('/sys/class/net/%s/statistics/%s' % (n.port.ifname, k)) as f:
                            st[k] = int(f.read())
                    except OSError:
                        pass
                sluicevm.log('host tap %s (%s): %s' % (n.port.ifname, n.pci, st))
            # l2fwd's summary (per queue) says where the frames stopped
            g.touch('stop_' + phase)
            try:
                g.wait_for_file('done_' + phase, timeout=60)
            except sluicevm.GuestError:
                pass
            raise
        sluicevm.log('%s: %d frames of %d flows %s -> %s%s: all once, flows in order, intact'
                     % (phase, count, FLOWS, src.pci, dst.pci,
                        ' (%g s idle half-way)' % gap if gap else ''))


def mq_finish(g, phase, count):
    """sl-l2fwd stopped; its per-queue and the driver counters. Returns its log."""
    g.touch('stop_' + phase)
    g.wait_for_file('done_' + phase, timeout=120)
    log = g.read_result('app_%s.log' % phase)
    q = {(int(p), int(qq)): (int(i), int(o)) for p, qq, i, o in re.findall(
        r'Port (\d+) queue (\d+): ipackets (\d+) opackets (\d+)', log)}
    assert len(q) == 4, '%s: per-queue counters missing from sl-l2fwd\'s summary: %s' % (phase, q)
    for p in (0, 1):
        rx = [q[(p, 0)][0], q[(p, 1)][0]]
        assert sum(rx) == count and min(rx) > 0, \
            '%s: port %d received %s on its 2 queues: expected %d frames over both' % (
                phase, p, rx, count)
        for qq in (0, 1):
            assert q[(1 - p, qq)][1] == q[(p, qq)][0], \
                '%s: port %d queue %d received %d but port %d queue %d sent %d' % (
                    phase, p, qq, q[(p, qq)][0], 1 - p, qq, q[(1 - p, qq)][1])
    drv = re.findall(r'Port (\d+) driver counters: ipackets (\d+) opackets (\d+) imissed (\d+) '
                     r'ierrors (\d+) oerrors (\d+) rx_nombuf (\d+)', log)
    assert len(drv) == 2 and all(d[1:] == (str(count), str(count), '0', '0', '0', '0')
                                 for d in drv), '%s: driver counters %s' % (phase, drv)
    sluicevm.log('%s: queues carried %s (port 0) and %s (port 1)' % (
        phase, [q[(0, 0)][0], q[(0, 1)][0]], [q[(1, 0)][0], q[(1, 1)][0]]))
    return log


def mq_vectors(g, before, after):
    """Each NIC has vector 0 (config) and one per RX queue (1, 2), and
    both queues' vectors fired."""
    for n in g.nics:
        c0, c1 = (sluicevm.vfio_msix_counts(i, n.pci) for i in (before, after))
        assert sorted(c1) == [0, 1, 2], 'MQI: %s MSI-X vectors %s, expected 0 (config), 1 and ' \
            '2 (RX queues)' % (n.pci, c1)
        fired = [c1[v] - c0[v] for v in (1, 2)]
        assert min(fired) > 0, 'MQI: %s RX vectors 1 and 2 fired %s times' % (n.pci, fired)
        sluicevm.log('MQI: %s RX queue vectors fired %d and %d times' % ((n.pci,) + tuple(fired)))


def main():
    l2fwd = os.path.join(sluicevm.build_dir(), 'examples', 'l2fwd', 'sl-l2fwd')
    if not os.access(l2fwd, os.X_OK):
        raise sluicevm.SkipTest('%s not built' % l2fwd)
    nics = [Nic('virtio-mq', queues=2), Nic('virtio-mq', queues=2)]
    with Guest(nics, name='virtio-mq', vfio=[0, 1]) as g:
        g.start(os.path.join(HERE, 'guest_virtio_mq.sh'), [n.pci for n in g.nics])
        mq_traffic(g, 'MQ', COUNT, 0)
        mq_finish(g, 'MQ', COUNT)

        g.wait_for_file('ready_MQI', timeout=300)
        before = g.interrupts('MQI', 'start')
        mq_traffic(g, 'MQI', COUNT_INTR, 2000000, gap=2)
        mq_vectors(g, before, g.interrupts('MQI', 'end'))
        asleep = sluicevm.l2fwd_asleep(mq_finish(g, 'MQI', COUNT_INTR))
        assert sorted(asleep) == [0, 1] and min(a[0] for a in asleep.values()) > 50, \
            'MQI: lcores asleep %s, expected both more than 50%%' % (asleep,)
        sluicevm.log('MQI: lcores asleep %.1f%% and %.1f%%' % (asleep[0][0], asleep[1][0]))
        g.finish()


if __name__ == '__main__':
    sluicevm.run(main)
