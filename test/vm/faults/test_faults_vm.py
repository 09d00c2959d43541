#!/usr/bin/env python3
"""Faults the e1000 driver and the apps survive, in one QEMU guest boot
(issue 8). Two 82540EMs on vfio-pci, both cabled to this host:

  U  a second process asking for NIC0 while faultfwd holds it is refused
     with "device in use" naming the holder (guest checks), and the first
     keeps forwarding (checked below, in L);
  L  NIC0's cable pulled (QEMU set_link off) and plugged back: faultfwd
     reports the link down and up, frames sent meanwhile are lost on the
     wire, forwarding resumes after link up, nothing duplicated;
  N  the pool emptied under traffic (faultfwd --hoard): RX uses up its ring
     and stops taking frames, rx_nombuf counts, QEMU holds the rest; once
     the mbufs are back forwarding resumes by itself, every frame arrives
     once and in order, no mbuf leaked;
  S  SIGINT to sl-l2fwd mid-traffic: exit 0, hugepages free again (guest),
     then the kernel's e1000 takes NIC0 and transmits (checked here);
  K  kill -9 of sl-l2fwd mid-traffic: hugepages free again, no hugetlbfs
     file left (guest); faultfwd starts on the same devices while frames
     keep arriving, and forwards frames byte for byte both ways; SIGTERM
     ends it cleanly (guest).

Guest half: guest_faults.sh; the forwarder with the fault switches:
faultfwd.c.
"""

import os
import re
import sys
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))
import sluicevm  # noqa: E402
from sluicevm import Guest, Nic, assert_frames, frame_seq, make_frames  # noqa: E402

PPS = int(os.environ.get('SLUICE_VM_PPS', '3000'))


def wait_log(g, name, pattern, timeout=30):
    """A line matching pattern in the guest-written results/<name>."""
    path = g.result_path(name)
    deadline = time.monotonic() + timeout
    while True:
        try:
            with open(path) as f:
                for line in f:
                    if re.search(pattern, line):
                        return line.strip()
        except OSError:
            pass
        if time.monotonic() > deadline:
            raise AssertionError('no line matching /%s/ in %s within %d s' % (pattern, name, timeout))
        time.sleep(0.1)


def check_partial(sent, got, what):
    """Frames of a stream cut short: whatever arrived must be sent frames,
    byte for byte, each once, in order (missing ones are allowed)."""
    by_seq = {frame_seq(f): f for f in sent}
    seqs = []
    for f in got:
        seq = frame_seq(f)
        assert seq in by_seq, '%s: a frame that was not sent (seq %s)' % (what, seq)
        assert f == by_seq[seq], '%s: frame %d changed on the way' % (what, seq)
        seqs.append(seq)
    assert len(seqs) == len(set(seqs)), '%s: duplicates' % what
    assert seqs == sorted(seqs), '%s: out of order' % what
    return seqs


class Pump(threading.Thread):
    """Sends frames from first_seq on into a port, paced, until stopped."""

    def __init__(self, port, first_seq, pps):
        super().__init__(daemon=True)
        self.port, self.seq, self.pps = port, first_seq, pps
        self.sent = []
        self.stop = False

    def run(self):
        while not self.stop:
            frames = make_frames(32, first_seq=self.seq)
            self.port.send_frames(frames, pps=self.pps)
            self.sent += frames
            self.seq += 32


def pump_until(g, pump, port, name, need, timeout=60):
    """Frames the pump sent that came out of port: at least need of them,
    then the guest is told to go on (results/<name>)."""
    got = []
    deadline = time.monotonic() + timeout
    while len(got) < need and time.monotonic() < deadline:
        got += port.recv_frames(need - len(got), timeout=1)
    assert len(got) >= need, '%s: only %d frames forwarded before the fault' % (name, len(got))
    g.touch(name)
    return got


def phase_ln(g):
    nic0, nic1 = g.nics
    g.wait_for_file('ready_LN', timeout=300)
    nic0.port.drain()
    nic1.port.drain()
    seq = 0

    def through(count, what, timeout=60):
        nonlocal seq
        frames = make_frames(count, first_seq=seq)
        seq += count
        nic0.port.send_frames(frames, pps=PPS)
        got = nic1.port.recv_frames(count, timeout=timeout, idle=10)
        assert_frames(frames, got, what)
        return frames

    # U has happened (the guest checked it): the first process forwards
    through(300, 'U: faultfwd after a second process asked for its device')
    back = make_frames(100, first_seq=900000)
    nic1.port.send_frames(back, pps=PPS)
    assert_frames(back, nic0.port.recv_frames(100, timeout=60, idle=10), 'U: NIC1 -> NIC0')
    sluicevm.log('U: the first process forwards on, both ways')

    # L: cable out, cable in, forwarding resumes. QEMU holds what arrives
    # for a NIC without link (its receive is refused, the netdev queues),
    # so frames sent meanwhile may come late; none may come twice or out
    # of order, and none while the link is down.
    g.set_link(0, False)
    sluicevm.log('L: ' + wait_log(g, 'ff_LN.log', r'port 0 link down'))
    unplugged = make_frames(100, first_seq=seq)
    seq += 100
    nic0.port.send_frames(unplugged, pps=PPS)
    got = nic1.port.recv_frames(100, timeout=5, idle=3)
    assert not got, 'L: %d frames came through a NIC without link' % len(got)
    g.set_link(0, True)
    sluicevm.log('L: ' + wait_log(g, 'ff_LN.log', r'port 0 link up'))
    after = make_frames(300, first_seq=seq)
    seq += 300
    nic0.port.send_frames(after, pps=PPS)
    got = nic1.port.recv_frames(400, timeout=60, idle=10)
    seqs = check_partial(unplugged + after, got, 'L: frames around the unplugged cable')
    missing = sorted(set(frame_seq(f) for f in after) - set(seqs))
    assert not missing, 'L: %d frames sent after link up missing, first %d' % (
        len(missing), missing[0])
    sluicevm.log('L: link down and up reported, nothing while down, forwarding resumed: '
                 '300 frames after link up and %d of the 100 sent while unplugged (QEMU '
                 'held them)' % (len(seqs) - 300))

    # N: the pool emptied under traffic
    g.touch('hoard')
    sluicevm.log('N: ' + wait_log(g, 'ff_LN.log', r'hoard on'))
    during = make_frames(600, first_seq=seq)
    seq += 600
    nic0.port.send_frames(during, pps=PPS)
    got = nic1.port.recv_frames(600, timeout=10, idle=4)
    sluicevm.log('N: %d of 600 frames forwarded while the pool was empty' % len(got))
    assert len(got) <= 256, 'N: RX kept taking frames with an empty pool (%d came through; ' \
        'the ring holds 255)' % len(got)
    os.unlink(g.result_path('hoard'))
    sluicevm.log('N: ' + wait_log(g, 'ff_LN.log', r'hoard off'))
    got += nic1.port.recv_frames(600 - len(got), timeout=60, idle=10)
    assert_frames(during, got, 'N: frames sent while the pool was empty, after it refilled')
    through(300, 'N: forwarding after the pool refilled')
    sluicevm.log('N: RX stopped with the pool empty, resumed by itself, all 600 arrived')

    g.touch('stop_LN')
    st = g.read_json('stats_LN.json', timeout=60)
    p0, p1, pool = st['ports'][0], st['ports'][1], st['pool']
    sluicevm.log('LN: port 0 %s; pool %s' % (p0, pool))
    assert p0['link_changes'] >= 3 and p1['link_changes'] == 1, \
        'LN: link changes seen: port 0 %d (up, down, up), port 1 %d' % (
            p0['link_changes'], p1['link_changes'])
    assert p0['rx_nombuf'] > 0, 'LN: rx_nombuf did not count the empty pool'
    assert p0['ierrors'] == 0 and p1['ierrors'] == 0, 'LN: ierrors %s' % st
    assert p0['tx_dropped'] == 0 and p1['tx_dropped'] == 0, 'LN: TX drops %s' % st
    assert pool['in_use_after_stop'] == pool['in_use_before_start'] == 0, 'LN: pool %s' % pool


def phase_s(g):
    nic0, nic1 = g.nics
    g.wait_for_file('ready_S', timeout=300)
    nic1.port.drain()
    pump = Pump(nic0.port, 1000000, PPS)
    pump.start()
    try:
        got = pump_until(g, pump, nic1.port, 'go_S', 300)
        # SIGINT now; what still comes through must be intact
        got += nic1.port.recv_frames(100000, timeout=20, idle=4)
    finally:
        pump.stop = True
        pump.join(5)
    seqs = check_partial(pump.sent, got, 'S: frames forwarded until SIGINT')
    sluicevm.log('S: %d frames forwarded until SIGINT, intact and in order' % len(seqs))
    # the kernel's e1000 on NIC0 transmits
    sent = nic0.port.recv_frames(100, timeout=180, idle=60)
    assert_frames(make_frames(100, 3000000, src=nic0.mac), sent,
                  'S: the kernel e1000 on NIC0 after sl-l2fwd stopped')
    sluicevm.log('S: the kernel driver took NIC0 back and sent 100 frames')
    g.wait_for_file('done_S', timeout=120)


def phase_k(g):
    nic0, nic1 = g.nics
    g.wait_for_file('ready_K', timeout=300)
    nic0.port.drain()
    nic1.port.drain()
    pump = Pump(nic0.port, 2000000, PPS)
    pump.start()
    try:
        got = pump_until(g, pump, nic1.port, 'go_K', 300)
        g.wait_for_file('killed_K', timeout=60)
        # frames keep arriving at NIC0 while the next process opens it
        g.wait_for_file('ready_K2', timeout=120)
    finally:
        pump.stop = True
        pump.join(5)
    time.sleep(1)
    got += nic1.port.recv_frames(100000, timeout=5, idle=2)
    check_partial(pump.sent, got, 'K: frames of the killed run and the restart')
    sluicevm.log('K: %d frames around the kill and restart, intact and in order' % len(got))

    for src, dst, first, n in ((nic0, nic1, 3100000, 500), (nic1, nic0, 3200000, 200)):
        frames = make_frames(n, first_seq=first)
        src.port.send_frames(frames, pps=PPS)
        out = []
        deadline = time.monotonic() + 60
        while len(out) < n and time.monotonic() < deadline:
            # leftovers of the pump may still trickle in: only ours count
            out += [f for f in dst.port.recv_frames(n - len(out), timeout=2)
                    if frame_seq(f) is not None and frame_seq(f) >= first]
        assert_frames(frames, out, 'K2: %s -> %s after kill -9 and restart' % (src.pci, dst.pci))
    g.touch('stop_K2')
    st = g.read_json('stats_K2.json', timeout=60)
    for p in st['ports']:
        assert p['ierrors'] == 0 and p['rx_nombuf'] == 0 and p['tx_dropped'] == 0, \
            'K2: port %d counters %s' % (p['port'], p)
    sluicevm.log('K2: the next run on the same devices forwards 500 + 200 frames byte for byte')


def main():
    sluicevm.built('test', 'vm', 'faults', 'faultfwd')
    with Guest([Nic('e1000'), Nic('e1000')], name='faults', vfio=[0, 1]) as g:
        g.start(os.path.join(HERE, 'guest_faults.sh'), [n.pci for n in g.nics])
        phase_ln(g)
        phase_s(g)
        phase_k(g)
        g.finish()


if __name__ == '__main__':
    sluicevm.run(main)
