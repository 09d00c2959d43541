#!/usr/bin/env python3
"""Interrupt-driven forwarding (issue 15) in a QEMU guest behind the virtual
IOMMU, one boot: NIC0 and NIC1 82540EMs (e1000: INTx only), NIC2 and NIC3
82574Ls (e1000e: MSI-X, a vector per RX queue and one for link), all on
vfio-pci and cabled to this host. For each
pair, sl-l2fwd --rx-mode interrupt, then --rx-mode adaptive:

  - 500 frames each way, 3 s of silence, 500 more each way: every frame
    once, in order, byte-identical but for l2fwd's MACs (no frame is left
    waiting in a ring while the lcore sleeps);
  - after 2 s of silence exactly one frame into the first NIC: it comes out
    of the second (the time it took is logged);
  - the first NIC's cable pulled and plugged in again from QEMU's monitor:
    l2fwd prints both changes from its link-change callback (the interrupt
    thread, nothing polls the link);
  - l2fwd's and the driver counters equal what was sent, and the lcore
    slept most of the run (the summary's "asleep" share above 50 %).

Then XQ: the 82574L pair with two queue pairs each on two lcores, every RX
queue on its own MSI-X vector: 32 TCP/UDP flows (RSS spreads them) across an
idle gap arrive intact and in order per flow, and both RX queues of NIC2
took frames.

Guest half: guest_intr.sh.
"""

import os
import re
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))
import sluicevm  # noqa: E402
from sluicevm import Guest, Nic, assert_frames, make_frames  # noqa: E402

PPS = int(os.environ.get('SLUICE_VM_PPS', '3000'))
PHASES = (('EI', 0, 1), ('EA', 0, 1), ('XI', 2, 3), ('XA', 2, 3))


def wait_log(g, phase, pattern, timeout):
    """The app log's first match of pattern once it is there."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        m = re.search(pattern, g.read_result('app_%s.log' % phase))
        if m:
            return m
        time.sleep(0.2)
    raise AssertionError('%s: no "%s" in app_%s.log after %d s:\n%s' % (
        phase, pattern, phase, timeout, g.read_result('app_%s.log' % phase)[-1500:]))


def phase_run(g, phase, i0, i1, base, before_stop=None):
    """before_stop(g): called once the traffic and link changes are done,
    while sl-l2fwd still runs."""
    a, b = g.nics[i0], g.nics[i1]
    g.wait_for_file('ready_' + phase, timeout=300)
    a.port.drain()
    b.port.drain()
    count = [0, 0]
    for k, gap in ((0, 3), (1, 0)):
        for d, (src, dst) in enumerate(((a, b), (b, a))):
            frames = make_frames(500, first_seq=base + 100000 * (2 * k + d),
                                 src='02:00:00:00:00:0%d' % (d + 1))
            got = src.port.exchange(frames, dst.port, pps=PPS)
            what = '%s: host -> %s -> sl-l2fwd -> %s -> host' % (phase, src.pci, dst.pci)
            assert_frames(frames, got, what, ignore_macs=True)
            sluicevm.check_l2fwd_macs(got, (i0, i1).index(dst.index) , dst.mac, what)
            count[d] += len(frames)
        time.sleep(gap)
    time.sleep(2)
    one = make_frames(1, first_seq=base + 900000)
    t0 = time.monotonic()
    a.port.send_frames(one)
    got = b.port.recv_frames(1, timeout=20)
    took = time.monotonic() - t0
    assert_frames(one, got, '%s: one frame after 2 s idle' % phase, ignore_macs=True)
    count[0] += 1
    g.set_link(i0, False)
    wait_log(g, phase, r'Port 0: Link down \(link change interrupt\)', 30)
    g.set_link(i0, True)
    wait_log(g, phase, r'Port 0: Link up[^\n]*\(link change interrupt\)', 30)
    time.sleep(1)
    if before_stop is not None:
        before_stop(g)
    g.touch('stop_' + phase)
    sluicevm.check_l2fwd_counters(g, phase, count[0], count[1])
    text = g.read_result('app_%s.log' % phase)
    m = re.search(r'lcore 0: asleep ([0-9.]+)% of ([0-9.]+) s \(--rx-mode (\w+)\), (\d+) wake-ups',
                  text)
    assert m, '%s: no sleep summary in app_%s.log' % (phase, phase)
    assert float(m.group(1)) > 50, '%s: lcore 0 asleep only %s%% of %s s' % (
        phase, m.group(1), m.group(2))
    sluicevm.log('%s: %s: %d + %d frames across idle gaps intact; one frame after 2 s idle '
                 'forwarded in %.1f ms; link down/up events; asleep %s%% of %s s, %s wake-ups'
                 % (phase, m.group(3), count[0], count[1], took * 1000, m.group(1), m.group(2),
                    m.group(4)))


def two_queue_phase(g):
    sys.path.insert(0, os.path.join(os.path.dirname(HERE), 'e1000e'))
    import test_e1000e_vm as e  # the flows and their checks
    a, b = g.nics[2], g.nics[3]
    g.wait_for_file('ready_XQ', timeout=300)
    a.port.drain()
    b.port.drain()
    frames = e.flow_frames(1600, a.mac)
    got = []
    for half in (frames[:800], frames[800:]):
        got += a.port.exchange_chunked(half, b.port, pps=PPS, ethertype=0x0800,
                                       keep=lambda f: e.frame_flow_seq(f) is not None)
        time.sleep(3)
    e.check_flows(frames, got, 'XQ: host -> NIC2 -> sl-l2fwd (2 queues, 2 lcores) -> NIC3')
    g.touch('stop_XQ')
    g.wait_for_file('done_XQ', timeout=120)
    text = g.read_result('app_XQ.log')
    q = {int(qq): int(i) for qq, i in re.findall(
        r'Port 0 queue (\d+): ipackets (\d+) opackets', text)}
    assert q.get(0, 0) > 0 and q.get(1, 0) > 0, 'XQ: NIC2 queues received %s' % q
    sleeps = re.findall(r'lcore (\d+): asleep ([0-9.]+)%', text)
    assert len(sleeps) == 2, 'XQ: sleep summary for %s lcores' % len(sleeps)
    sluicevm.log('XQ: %d frames of 32 flows across an idle gap intact, NIC2 queues %s, '
                 'lcores asleep %s' % (len(frames), q, ', '.join('%s%%' % s for _, s in sleeps)))


def main():
    nics = [Nic('e1000'), Nic('e1000'), Nic('e1000e'), Nic('e1000e')]
    with Guest(nics, name='intr', vfio=[0, 1, 2, 3]) as g:
        g.start(os.path.join(HERE, 'guest_intr.sh'), [n.pci for n in g.nics])
        for k, (phase, i0, i1) in enumerate(PHASES):
            phase_run(g, phase, i0, i1, 1000000 * (k + 1))
        two_queue_phase(g)
        g.finish()


if __name__ == '__main__':
    sluicevm.run(main)
