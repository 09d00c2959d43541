#!/usr/bin/env python3
"""The e1000 driver in a QEMU guest behind the virtual Intel IOMMU (39-bit
default address width, so IOVAs must come from the IOMMU's ranges), in one
boot. Three 82540EMs: NIC0 and NIC1 on vfio-pci and cabled to this host over
UDP, NIC2 left on the kernel's e1000 driver; NIC3 (82545EM) and NIC4
(82544GC) on vfio-pci and cabled to the host.

  A  fwd_min -a NIC2 fails with the documented message (guest checks it);
  A2 without CAP_IPC_LOCK and with a 1 MB memlock limit, the DMA mapping
     fails with the RLIMIT_MEMLOCK remedy (guest checks it);
  A3 as an unprivileged user, opening the group's /dev/vfio/N is refused
     with the remedy (guest checks it);
  B  fwd_min forwards NIC0 <-> NIC1 (hugepages): frames the host sends into
     NIC0 come out of NIC1 byte for byte and the other way round; the port
     counters (from the device's registers) match what was sent;
  C  the same with --no-huge (4 KiB locked pages);
  D  the same with a 65536-mbuf pool given to the RX rings from its end;
  F  the same between NIC3 and NIC4 (the other two device ids);
  G  sl-skeleton forwards NIC0 <-> NIC1 byte for byte;
  H  sl-l2fwd forwards NIC0 <-> NIC1, rewriting the MACs as DPDK's l2fwd:
     10000 frames one way (every size 60..1514, numbered) and 2000 back,
     each once, in order, byte-identical but for the MACs; l2fwd's own
     counters and the ports' driver counters equal those counts; sl-dumpcap,
     attached meanwhile, writes the 10000 frames port 0 received to pcapng
     byte for byte (live capture on a NIC, issue 18);
  M  NIC2 on uio_pci_generic beside NIC0 on vfio-pci in one process: refused
     with the remedy while NIC2's IOMMU group translates DMA (guest checks
     it); once the group is an identity domain, sl-l2fwd forwards NIC0 <->
     NIC2 in IOVA mode pa, 2000 frames each way intact, counters match;
  E  after fwd_min exits, the kernel's e1000 driver takes NIC1 back and
     transmits: the device was left quiet and reusable.

Guest half: guest_e1000.sh; the test's own forwarder: fwd_min.c.
"""

import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))
import sluicevm  # noqa: E402
from sluicevm import Guest, Nic, assert_frames, make_frames  # noqa: E402

PPS = int(os.environ.get('SLUICE_VM_PPS', '3000'))
PHASES = [          # name, NICs, frames host -> first NIC, frames host -> second NIC
    ('B', (0, 1), 1455, 300),
    ('C', (0, 1), 500, 100),
    ('D', (0, 1), 1455, 100),
    ('F', (3, 4), 500, 100),
]


def forward_phase(g, phase, pair, count, rev, base_seq):
    nic0, nic1 = g.nics[pair[0]], g.nics[pair[1]]
    g.wait_for_file('ready_' + phase, timeout=300)
    nic0.port.drain()
    nic1.port.drain()

    frames = make_frames(count, first_seq=base_seq)
    nic0.port.send_frames(frames, pps=PPS)
    got = nic1.port.recv_frames(count, timeout=120, idle=20)
    assert_frames(frames, got, '%s: host -> NIC0 -> fwd_min -> NIC1 -> host' % phase)

    back = make_frames(rev, first_seq=base_seq + 500000, src='02:00:00:00:00:02')
    nic1.port.send_frames(back, pps=PPS)
    got_back = nic0.port.recv_frames(rev, timeout=120, idle=20)
    assert_frames(back, got_back, '%s: host -> NIC1 -> fwd_min -> NIC0 -> host' % phase)

    g.touch('stop_' + phase)
    stats = g.read_json('stats_%s.json' % phase, timeout=120)
    p0, p1 = stats['ports']
    assert p0['name'] == nic0.pci and p1['name'] == nic1.pci, stats
    assert p0['mac'] == nic0.mac and p1['mac'] == nic1.mac, \
        'MACs from the EEPROM %s %s, QEMU has %s %s' % (p0['mac'], p1['mac'], nic0.mac, nic1.mac)
    fwd_bytes = sum(len(f) for f in frames)
    back_bytes = sum(len(f) for f in back)
    quiet = {'imissed': 0, 'ierrors': 0, 'oerrors': 0, 'rx_nombuf': 0, 'link': 1, 'speed': 1000}
    sluicevm.check_counters(phase, p0, dict(quiet, ipackets=count, ibytes=fwd_bytes, q_ipackets=count,
                               opackets=rev, obytes=back_bytes, q_opackets=rev))
    sluicevm.check_counters(phase, p1, dict(quiet, ipackets=rev, ibytes=back_bytes, q_ipackets=rev,
                               opackets=count, obytes=fwd_bytes, q_opackets=count))
    assert stats['forwarded'] == count + rev and stats['tx_dropped'] == 0, stats
    sluicevm.log('%s: %d + %d frames forwarded intact, counters match; %d memory segments, '
                 '%d MB reserved' % (phase, count, rev, stats['memsegs'],
                                     stats['reserved_bytes'] >> 20))
    return stats


def app_phase(g, phase, count, rev, base_seq, l2fwd_macs=False, pair=(0, 1)):
    """sl-skeleton / sl-l2fwd between the NICs of pair (NIC0 and NIC1):
    frames only (the apps print their counters to the guest log)."""
    nic0, nic1 = g.nics[pair[0]], g.nics[pair[1]]
    g.wait_for_file('ready_' + phase, timeout=300)
    nic0.port.drain()
    nic1.port.drain()
    for src, dst, first, n in ((nic0, nic1, base_seq, count), (nic1, nic0, base_seq + 500000, rev)):
        frames = make_frames(n, first_seq=first)
        got = src.port.exchange(frames, dst.port, pps=PPS)
        what = '%s: host -> %s -> %s -> host' % (phase, src.pci, dst.pci)
        assert_frames(frames, got, what, ignore_macs=l2fwd_macs)
        if l2fwd_macs:
            sluicevm.check_l2fwd_macs(got, pair.index(dst.index), dst.mac, what)
    g.touch('stop_' + phase)
    sluicevm.log('%s: %d + %d frames forwarded intact' % (phase, count, rev))
    if l2fwd_macs:
        sluicevm.check_l2fwd_counters(g, phase, count, rev)


def check_capture(g, phase, sent):
    """sl-dumpcap ran beside sl-l2fwd in the guest (RUN_APP_CAPTURE in
    guest_e1000.sh): the pcapng it wrote holds what port 0 received, every
    frame byte for byte and in order, no drops."""
    sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(HERE)), 'net'))
    import test_capture  # noqa: E402  (the net suite's pcapng checks)
    g.wait_for_file('done_' + phase, timeout=120)
    problems = []
    test_capture.check_pcapng(g.result_path('cap_%s.pcapng' % phase), sent, 1, problems,
                              '%s: sl-dumpcap -i 0 of sl-l2fwd' % phase)
    assert not problems, '; '.join(problems)
    sluicevm.log('%s: sl-dumpcap captured the %d frames port 0 received, byte for byte'
                 % (phase, len(sent)))


def main():
    sluicevm.built('test', 'vm', 'e1000', 'fwd_min')
    nics = [Nic('e1000'), Nic('e1000'), Nic('e1000'), Nic('e1000-82545em'), Nic('e1000-82544gc')]
    with Guest(nics, name='e1000', vfio=[0, 1, 3, 4]) as g:
        n1 = g.nics[1]
        g.start(os.path.join(HERE, 'guest_e1000.sh'), [n.pci for n in g.nics])
        base = 0
        for phase, pair, count, rev in PHASES:
            stats = forward_phase(g, phase, pair, count, rev, base)
            base += 1000000
            if phase == 'D':
                assert stats['memsegs'] > 1, \
                    'D: the 65536-mbuf pool should span several memory segments: %s' % stats

        app_phase(g, 'G', 500, 100, base)
        app_phase(g, 'H', 10000, 2000, base + 1000000, l2fwd_macs=True)
        check_capture(g, 'H', make_frames(10000, first_seq=base + 1000000))
        # M: NIC2 on uio_pci_generic (the guest checks M1's refusal)
        app_phase(g, 'M2', 2000, 2000, base + 2000000, l2fwd_macs=True, pair=(0, 2))

        # E: the kernel driver has NIC1 again and transmits with it.
        again = n1.port.recv_frames(100, timeout=180, idle=60)
        assert_frames(make_frames(100, 2000000, src=n1.mac), again,
                      'E: kernel e1000 on NIC1 after fwd_min')

        g.finish()


if __name__ == '__main__':
    sluicevm.run(main)
