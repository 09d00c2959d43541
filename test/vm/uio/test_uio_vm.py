#!/usr/bin/env python3
"""Sluice without an IOMMU: six NICs on uio_pci_generic in a QEMU guest that
has no virtual IOMMU (as most cloud and default libvirt guests), DMA to
physical addresses (--iova-mode auto picks pa), in one boot. NIC0 e1000,
NIC1 virtio-net modern without ACCESS_PLATFORM, NIC2 virtio-net
transitional, NIC3 virtio-net modern with ACCESS_PLATFORM, all cabled to
this host; NIC4 (e1000) and NIC5 (virtio) cabled to each other.

  A  the guest checks three refusals, each one line that says what to do:
     --no-huge (4 KiB pages move under DMA), a user other than root
     (physical addresses), --iova-mode va (nothing translates); the devices
     stay bound, bus mastering off, hugepages all free;
  H  sl-l2fwd NIC0 <-> NIC1: 10000 frames each way (every size 60..1514,
     numbered), each once, in order, byte-identical but for the MACs,
     which are DPDK l2fwd's; l2fwd's counters and the driver counters equal
     those counts; one warning line that DMA is not confined; after SIGINT
     every hugepage is free and bus mastering is off;
  I  the same between NIC2 and NIC3 (transitional, ACCESS_PLATFORM);
  J  NIC2 <-> NIC3 again with --rx-mode interrupt, virtio on INTx (the
     ISR status says why): 100 frames, 2 s idle, 100 more, each way,
     intact; both NICs' IRQ lines count interrupts meanwhile; QEMU's
     set_link off/on is printed by l2fwd's link callback; counters match
     and the lcore slept more than half of the run;
  P  sl-pktgen TX NIC4 -> RX NIC5 through the crossover, no loss,
     duplicates or reordering, device counters agree;
  R  sl-responder on NIC4 sleeps on INTx through /dev/uioN; the guest
     kernel's virtio_net takes NIC5 and pings it 20 times (guest checks);
  K  sl-l2fwd NIC0 <-> NIC1 is killed with SIGKILL while this host sends;
     at once bus mastering is off on both, and frames sent into either
     NIC afterwards come out of neither (the devices no longer DMA); a new
     sl-l2fwd then forwards 1000 frames each way intact;
  E  the kernel's e1000 takes NIC0 back and transmits 100 frames.

Guest half: guest_uio.sh.
"""

import os
import sys
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))
import sluicevm  # noqa: E402
from sluicevm import Guest, Nic, assert_frames, make_frames  # noqa: E402

PPS = int(os.environ.get('SLUICE_VM_PPS', '3000'))
PG_FRAMES, PG_RATE = 5000, '5kpps'


def l2fwd_phase(g, phase, pair, count, rev, base_seq):
    """sl-l2fwd between pair: count frames host -> first -> second -> host,
    rev the other way, then l2fwd's and the driver's counters."""
    a, b = g.nics[pair[0]], g.nics[pair[1]]
    g.wait_for_file('ready_' + phase, timeout=300)
    a.port.drain()
    b.port.drain()
    for src, dst, first, n in ((a, b, base_seq, count), (b, a, base_seq + 500000, rev)):
        frames = make_frames(n, first_seq=first)
        got = src.port.exchange(frames, dst.port, pps=PPS)
        what = '%s: host -> %s -> sl-l2fwd -> %s -> host' % (phase, src.pci, dst.pci)
        assert_frames(frames, got, what, ignore_macs=True)
        sluicevm.check_l2fwd_macs(got, pair.index(dst.index), dst.mac, what)
    g.touch('stop_' + phase)
    sluicevm.check_l2fwd_counters(g, phase, count, rev)


def intx_phase(g, phase, pair, base_seq):
    """sl-l2fwd --rx-mode interrupt between pair, on INTx."""
    a, b = g.nics[pair[0]], g.nics[pair[1]]
    g.wait_for_file('ready_' + phase, timeout=300)
    lines = g.read_result(phase + '/irqs').split()
    before = g.interrupts(phase, 'start')
    seq = base_seq
    for src, dst in ((a, b), (b, a)):
        src.port.drain()
        dst.port.drain()
        for part in range(2):
            if part:
                time.sleep(2)
            frames = make_frames(100, first_seq=seq)
            seq += 100
            got = src.port.exchange(frames, dst.port, pps=PPS)
            what = '%s: host -> %s -> sl-l2fwd --rx-mode interrupt -> %s -> host%s' % (
                phase, src.pci, dst.pci, ' after 2 s idle' if part else '')
            assert_frames(frames, got, what, ignore_macs=True)
            sluicevm.check_l2fwd_macs(got, pair.index(dst.index), dst.mac, what)
    after = g.interrupts(phase, 'end')
    fired = []
    for nic, irq in zip((a, b), lines):
        c0, c1 = before[irq][0], after[irq][0]
        assert 'uio_pci_generic' in after[irq][1] and c1 > c0, \
            '%s: IRQ %s of %s (%s): %d -> %d interrupts while frames came in' % (
                phase, irq, nic.pci, after[irq][1], c0, c1)
        fired.append('IRQ %s %d' % (irq, c1 - c0))
    g.set_link(a.index, False)
    g.wait_for_result_line('app_%s.log' % phase, r'^Port 0: Link down \(link change interrupt\)$')
    g.set_link(a.index, True)
    g.wait_for_result_line('app_%s.log' % phase, r'^Port 0: Link up .*\(link change interrupt\)$')
    g.touch('stop_' + phase)
    sluicevm.check_l2fwd_counters(g, phase, 200, 200)
    asleep = sluicevm.l2fwd_asleep(g.read_result('app_%s.log' % phase))
    assert 0 in asleep and asleep[0][0] > 50, '%s: lcore 0 asleep %s, expected more than 50%%' \
        % (phase, asleep)
    sluicevm.log('%s: INTx (%s interrupts): 200 frames each way across 2 s gaps, link down/up '
                 'from the ISR, lcore 0 asleep %.1f%%, %d wake-ups'
                 % (phase, ', '.join(fired), asleep[0][0], asleep[0][1]))


def pktgen_phase(g):
    doc = g.read_json('pktgen_P.json', timeout=600)
    ports = {p['port']: p for p in doc['ports']}
    tx, rx = ports[0], ports[1]
    assert (tx['name'], rx['name']) == (g.nics[4].pci, g.nics[5].pci), doc['ports']
    stream = doc['streams'][0]
    have = {'ok': doc['ok'], 'tx frames': tx['tx']['frames'], 'rx frames': rx['rx']['frames'],
            'rx signed_frames': rx['rx']['signed_frames'],
            'rx eth_stats.ipackets': rx['eth_stats']['ipackets'],
            'rx eth_stats.ibytes': rx['eth_stats']['ibytes'],
            'tx eth_stats.opackets': tx['eth_stats']['opackets'],
            'lost': stream['lost'], 'duplicates': stream['duplicates'],
            'reordered': stream['reordered']}
    want = {'ok': True, 'tx frames': PG_FRAMES, 'rx frames': PG_FRAMES,
            'rx signed_frames': PG_FRAMES, 'rx eth_stats.ipackets': PG_FRAMES,
            'rx eth_stats.ibytes': tx['tx']['bytes'], 'tx eth_stats.opackets': PG_FRAMES,
            'lost': 0, 'duplicates': 0, 'reordered': 0}
    bad = ['%s=%s (expected %s)' % (k, have[k], v) for k, v in want.items() if have[k] != v]
    assert not bad, 'P: pktgen_P.json: ' + ', '.join(bad)
    sluicevm.log('P: sl-pktgen %d frames at %s e1000 -> virtio on uio_pci_generic, no loss'
                 % (PG_FRAMES, PG_RATE))


def kill_phase(g, base_seq):
    """Frames flowing into NIC0 when sl-l2fwd is killed; afterwards frames
    into NIC0 and NIC1 must come out of neither."""
    a, b = g.nics[0], g.nics[1]
    g.wait_for_file('ready_K', timeout=300)
    a.port.drain()
    b.port.drain()
    sender = threading.Thread(target=a.port.send_frames,
                              args=(make_frames(3000, first_seq=base_seq),), kwargs={'pps': PPS})
    sender.start()
    time.sleep(0.3)
    g.touch('kill_K')
    sender.join()
    g.wait_for_file('killed_K', timeout=120)
    before = len(b.port.recv_frames(3000, timeout=2, idle=2))
    after_a = make_frames(200, first_seq=base_seq + 100000)
    after_b = make_frames(200, first_seq=base_seq + 200000)
    a.port.send_frames(after_a, pps=PPS)
    b.port.send_frames(after_b, pps=PPS)
    leaked = b.port.recv_frames(200, timeout=5, idle=5) + a.port.recv_frames(200, timeout=2, idle=2)
    assert not leaked, 'K: %d frames came out after sl-l2fwd was killed (first seq %s): ' \
        'the devices still DMA' % (len(leaked), sluicevm.frame_seq(leaked[0]))
    g.touch('restart_K')
    sluicevm.log('K: killed after %d frames forwarded; bus mastering off, nothing forwarded '
                 'after the kill' % before)
    # The frames sent after the kill wait in QEMU's cable until the new
    # sl-l2fwd enables RX, which forwards them before ready_K2; drained here.
    g.wait_for_file('ready_K2', timeout=300)
    time.sleep(1)
    a.port.drain()
    b.port.drain()
    for src, dst, first in ((a, b, base_seq + 300000), (b, a, base_seq + 400000)):
        frames = make_frames(1000, first_seq=first)
        got = src.port.exchange(frames, dst.port, pps=PPS)
        assert_frames(frames, got, 'K2: host -> %s -> new sl-l2fwd -> %s -> host'
                      % (src.pci, dst.pci), ignore_macs=True)
    g.touch('stop_K2')
    g.wait_for_file('done_K2', timeout=120)
    sluicevm.log('K2: a new sl-l2fwd took both devices over and forwarded 1000 + 1000 intact')


def main():
    nics = [Nic('e1000'), Nic('virtio-noplat'), Nic('virtio-transitional'), Nic('virtio'),
            Nic('e1000', cable=5), Nic('virtio-noplat', cable=4)]
    with Guest(nics, name='uio', iommu=False, uio=range(6)) as g:
        g.start(os.path.join(HERE, 'guest_uio.sh'),
                [n.pci for n in g.nics] + [str(PG_FRAMES), PG_RATE])
        l2fwd_phase(g, 'H', (0, 1), 10000, 10000, 0)
        l2fwd_phase(g, 'I', (2, 3), 10000, 10000, 1000000)
        intx_phase(g, 'J', (2, 3), 1100000)
        pktgen_phase(g)
        kill_phase(g, 3000000)
        again = g.nics[0].port.recv_frames(100, timeout=180, idle=60)
        assert_frames(make_frames(100, 2000000, src=g.nics[0].mac), again,
                      'E: kernel e1000 on NIC0 after uio_pci_generic')
        g.finish()


if __name__ == '__main__':
    sluicevm.run(main)
