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
  T  sl-pktgen --rx none --tx-queues 2 on NIC0: a port without RX queues
     (the driver gives the device a ring of its own that holds no buffer)
     sends 2000 frames, 1000 on each TX queue, all reach the host with the
     device's counters equal to them; the 200 frames the host sends to it
     meanwhile are dropped by the device and counted as imissed;
  VI, VA  sl-l2fwd --rx-mode interrupt, then adaptive, NIC0 <-> NIC1 (RX on
     MSI-X vector 1, link changes on vector 0), as vm-intr's phases
     (test/vm/intr/test_intr_vm.py phase_run): frames across idle gaps
     intact, one frame after 2 s idle forwarded, link down/up seen by the
     link-change interrupt, counters right, the lcore asleep most of the run;
     in VI each port's RX vector fired and NIC0's event vector did (at least
     twice: link down and up), and no vector but those two was wired;
  E  the kernel's vmxnet3 takes NIC1 back and transmits 100 frames.

Guest half: guest_vmxnet3.sh.
"""

import os
import sys
import threading

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))
import sluicevm  # noqa: E402
from sluicevm import Guest, Nic, make_frames  # noqa: E402
sys.path.insert(0, os.path.join(os.path.dirname(HERE), 'intr'))
import test_intr_vm  # noqa: E402  (its interrupt phase)

PPS = int(os.environ.get('SLUICE_VM_PPS', '3000'))
TX_ONLY_FRAMES = 2000
TX_ONLY_DROPPED = 200


def tx_only_phase(g):
    nic = g.nics[0]
    nic.port.drain()
    os.makedirs(g.result_path('T'), exist_ok=True)
    g.touch('T/go')
    got = nic.port.recv_frames(1, timeout=300, ethertype=0x0800)
    assert got, 'T: no frame from sl-pktgen on %s' % nic.pci
    rest = {}

    def receive():
        rest['got'] = nic.port.recv_frames(TX_ONLY_FRAMES - 1, timeout=120, ethertype=0x0800,
                                           idle=20)

    receiver = threading.Thread(target=receive, daemon=True)
    receiver.start()
    # into the port while it sends: the device finds no RX buffer
    nic.port.send_frames(make_frames(TX_ONLY_DROPPED, first_seq=6000000), pps=500)
    receiver.join()
    got += rest.get('got', [])
    doc = g.read_json('pktgen_T.json', timeout=120)
    port = doc['ports'][0]
    es = port['eth_stats']
    want = {'tx_queues': 2, 'rx_role': False, 'tx frames': TX_ONLY_FRAMES,
            'opackets': TX_ONLY_FRAMES, 'obytes': port['tx']['bytes'], 'ipackets': 0,
            'imissed': TX_ONLY_DROPPED, 'oerrors': 0, 'host frames': TX_ONLY_FRAMES,
            'host bytes': port['tx']['bytes']}
    have = {'tx_queues': port['tx_queues'], 'rx_role': port['rx_role'],
            'tx frames': port['tx']['frames'], 'opackets': es['opackets'],
            'obytes': es['obytes'], 'ipackets': es['ipackets'], 'imissed': es['imissed'],
            'oerrors': es['oerrors'], 'host frames': len(got),
            'host bytes': sum(map(len, got))}
    bad = ['%s %s (expected %s)' % (k, have[k], v) for k, v in want.items() if have[k] != v]
    assert not bad, 'T: sl-pktgen --rx none --tx-queues 2 on %s: %s' % (nic.pci, ', '.join(bad))
    sluicevm.log('T: TX-only port, 2 TX queues: %d frames sent and counted, %d received '
                 'frames dropped as imissed' % (TX_ONLY_FRAMES, TX_ONLY_DROPPED))


def vectors_phase(g, phase, base):
    """phase_run with the MSI-X vectors counted from /proc/interrupts at the
    start and before sl-l2fwd stops."""
    snaps = {}

    def snap(name):
        snaps[name] = {n.index: sluicevm.vfio_msix_counts(g.interrupts(phase, name), n.pci)
                       for n in g.nics[:2]}

    g.wait_for_file('ready_' + phase, timeout=300)
    snap('start')
    test_intr_vm.phase_run(g, phase, 0, 1, base, before_stop=lambda g: snap('end'))
    start, end = snaps['start'], snaps['end']
    for i in (0, 1):
        assert sorted(end[i]) == [0, 1], '%s: NIC%d MSI-X vectors %s, expected 0 (events) ' \
            'and 1 (RX queue 0)' % (phase, i, end[i])
        assert end[i][1] > start[i][1], '%s: NIC%d RX vector never fired (%d -> %d)' % (
            phase, i, start[i][1], end[i][1])
    assert end[0][0] >= start[0][0] + 2, '%s: NIC0 event vector %d -> %d over a link down ' \
        'and up' % (phase, start[0][0], end[0][0])
    sluicevm.log('%s: RX vectors fired %d and %d times, NIC0 event vector %d times' % (
        phase, end[0][1] - start[0][1], end[1][1] - start[1][1], end[0][0] - start[0][0]))


def main():
    sluicevm.built('test', 'vm', 'virtio', 'virtio_fwd')
    sluicevm.built('app', 'pktgen', 'sl-pktgen')
    sluicevm.built('examples', 'l2fwd', 'sl-l2fwd')
    nics = [Nic('vmxnet3'), Nic('vmxnet3'), Nic('e1000')]
    with Guest(nics, name='vmxnet3', vfio=[0, 1, 2]) as g:
        g.start(os.path.join(HERE, 'guest_vmxnet3.sh'), [n.pci for n in g.nics])
        for phase, pair, base in (('B', (0, 1), 0), ('C', (0, 2), 1000000)):
            fb, bb = sluicevm.fwd_forward_phase(g, phase, pair, 10000, 10000, base, PPS)
            sluicevm.fwd_stop_and_check(g, phase, pair, 10000, 10000, fb, bb)
        sluicevm.fwd_jumbo_link_phase(g, 3000000, PPS)
        sluicevm.fwd_kill_phase(g, PPS)
        tx_only_phase(g)
        vectors_phase(g, 'VI', 7000000)
        test_intr_vm.phase_run(g, 'VA', 0, 1, 8000000)
        sluicevm.kernel_back_check(g, 1, 'vmxnet3')
        g.finish()


if __name__ == '__main__':
    sluicevm.run(main)
