#!/usr/bin/env python3
"""usertools/sl-devbind on real sysfs, and VFIO's group rules, in one guest boot.

Four 82540EMs, all on the kernel's e1000 driver at boot: NIC0 and NIC1 on
the root bus (an IOMMU group each), NIC2 and NIC3 behind a PCIe-to-PCI
bridge. A conventional PCI bus cannot tell its devices' DMA apart (they all
use the bridge's requester ID), so the kernel puts the bridge and both NICs
in one IOMMU group: the only way to get a multi-device group out of QEMU's
intel-iommu. Every NIC is cabled to this host.

  S  sl-devbind --status lists all four under "using a kernel driver" with
     drv=e1000, their interface, IOMMU group and unused=vfio-pci; NIC2's line
     names NIC3 as a member of its group;
  B  --bind vfio-pci NIC0 (full PCI address): the interface goes, /dev/vfio/<group>
     appears, --status moves it; --bind e1000 00:03.0 (short address) gives it
     back: driver_override cleared, the interface reappears, and it transmits
     (this host receives 50 frames from it);
  I  --bind vfio-pci <NIC1's interface name>, then --unbind (no driver, listed
     under "without a driver"), then --bind e1000; an unknown name is refused;
  R  NIC1's interface with an address (a route): --bind is refused as *Active*
     (exit 1, the device stays), --force takes it, --bind e1000 gives it back;
  V  group not viable: --bind vfio-pci NIC2 warns that NIC3 (e1000) is in its
     group; fwd_min -a NIC2 then fails with lib/pci's one-line error naming
     NIC3 and its driver; with NIC3 unbound (no driver) and then on vfio-pci
     too, fwd_min forwards NIC2 <-> NIC3 (two devices, one group): this host
     checks the frames and the port counters; both go back to e1000.

Guest half: guest_devbind.sh. NIC2 and NIC3 sit behind the harness's
PCIe-to-PCI bridge (Nic(bridge_slot=)), which gives them one IOMMU group.
"""

import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))
import sluicevm  # noqa: E402
from sluicevm import Guest, Nic, assert_frames, make_frames  # noqa: E402

PPS = int(os.environ.get('SLUICE_VM_PPS', '3000'))


def shared_group_forwarding(g, a, b, count):
    """fwd_min on two NICs of one IOMMU group: frames both ways, counters."""
    g.wait_for_file('ready_V', timeout=600)
    a.port.drain()
    b.port.drain()
    sent = {}
    for src, dst, first in ((a, b, 7000000), (b, a, 7500000)):
        frames = make_frames(count, first_seq=first)
        got = src.port.exchange(frames, dst.port, pps=PPS)
        assert_frames(frames, got, 'V: host -> %s -> fwd_min -> %s -> host' % (src.pci, dst.pci))
        sent[src.pci] = (count, sum(len(f) for f in frames))
    g.touch('stop_V')
    stats = g.read_json('stats_V.json', timeout=120)
    ports = {p['name']: p for p in stats['ports']}
    assert set(ports) == {a.pci, b.pci}, 'V: fwd_min ports %s, expected %s and %s' % (
        sorted(ports), a.pci, b.pci)
    for me, peer in ((a, b), (b, a)):
        p = ports[me.pci]
        want = {'ipackets': sent[me.pci][0], 'ibytes': sent[me.pci][1],
                'opackets': sent[peer.pci][0], 'obytes': sent[peer.pci][1],
                'imissed': 0, 'ierrors': 0, 'oerrors': 0, 'rx_nombuf': 0, 'mac': me.mac}
        sluicevm.check_counters('V', p, want)
    sluicevm.log('V: %d + %d frames through two NICs sharing an IOMMU group, counters match'
                 % (count, count))


def main():
    sluicevm.built('test', 'vm', 'e1000', 'fwd_min')
    nics = [Nic('e1000'), Nic('e1000'), Nic('e1000', bridge_slot=1), Nic('e1000', bridge_slot=2)]
    with Guest(nics, name='devbind') as g:
        g.start(os.path.join(HERE, 'guest_devbind.sh'),
                ['0000:00:%02x.0' % sluicevm.BRIDGE_SLOT] + [n.pci for n in g.nics])
        # B: NIC0 back on the kernel driver sends 50 frames
        # No idle limit: part B runs after minutes of checks on a loaded
        # TCG host; a guest that dies is noticed by the port's guest check.
        got = g.nics[0].port.recv_frames(50, timeout=600)
        assert_frames(make_frames(50, 100, src=g.nics[0].mac), got,
                      'B: kernel e1000 on %s after sl-devbind gave it back' % g.nics[0].pci)
        sluicevm.log('B: %s transmits again after vfio-pci -> e1000' % g.nics[0].pci)
        shared_group_forwarding(g, g.nics[2], g.nics[3], 300)
        g.finish(timeout=600)


if __name__ == '__main__':
    sluicevm.run(main)
