#!/usr/bin/env python3
"""End-to-end test of the VM harness itself, with the guest kernel's own
drivers (no Sluice driver needed), in one boot:

  - vIOMMU, VFIO and one IOMMU group per NIC; e1000/virtio_net bound; each
    NIC model has the PCI ID the drivers will match;
  - the guest's e1000 sends COUNT test frames that the host receives intact,
    and QEMU's filter-dump records them;
  - the host sends COUNT test frames that the guest's virtio-net receives intact;
  - two NICs cabled to each other pass frames inside the guest;
  - set_link on the QEMU monitor takes the e1000's carrier down and up;
  - (root only) a 2-queue-pair virtio-net on a host tap gets 2 queues and
    passes frames both ways;
  - the e1000 moves to vfio-pci (driver_override), VFIO type1 works on it
    (container, device fd, config space, IOVA ranges, DMA map), and it moves
    back to e1000 and transmits again.

Prints BENCH lines for boot time and frame rates (informational).
Guest half: guest_harness.sh.
"""

import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import sluicevm  # noqa: E402
from sluicevm import Guest, Nic, assert_frames, make_frames  # noqa: E402

COUNT = 1455            # each frame size 60..1514 once
REBIND_FIRST_SEQ = 1000000
HOST_PPS = int(os.environ.get('SLUICE_VM_PPS', '3000'))


def can_tap():
    return os.geteuid() == 0 and os.path.exists('/dev/net/tun')


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    nics = [Nic('e1000', pcap='e1000.pcap'), Nic('virtio'),
            Nic('e1000-82545em', cable=3), Nic('e1000-82544gc', cable=2)]
    if can_tap():
        nics.append(Nic('virtio-mq', queues=2))
    else:
        sluicevm.log('not root or no /dev/net/tun: the multi-queue virtio part is left out')
    with Guest(nics, name='harness') as g:
        e1000, virtio, cross_a, cross_b = g.nics[:4]
        mq = g.nics[4] if len(g.nics) > 4 else None
        g.start(os.path.join(here, 'guest_harness.sh'),
                [e1000.pci, virtio.pci, cross_a.pci, cross_b.pci, mq.pci if mq else 'none', COUNT])

        # (2) guest e1000 -> host. The guest sends unpaced: the host socket's
        # 4 MB buffer holds what this loop has not read yet.
        got = e1000.port.recv_frames(COUNT, timeout=300, idle=60)
        tx_span = e1000.port.last_span
        sent = make_frames(COUNT, src=e1000.mac)
        assert_frames(sent, got, 'guest e1000 -> host')
        sluicevm.log('host received %d/%d frames from the e1000, %.0f fps'
                     % (len(got), COUNT, len(got) / max(tx_span, 1e-9)))

        # (3) host -> guest virtio-net, paced.
        g.wait_for_file('rx_ready', timeout=120)
        frames = make_frames(COUNT, dst=virtio.mac, src='02:00:00:00:00:01')
        secs = virtio.port.send_frames(frames, pps=HOST_PPS)
        sluicevm.log('host sent %d frames to the virtio NIC in %.2f s' % (COUNT, secs))
        rx_stats = g.read_json('rx_stats.json', timeout=180)   # written after rx.pcap
        assert_frames(frames, sluicevm.read_pcap(g.result_path('rx.pcap')), 'host -> guest virtio-net')

        # (5) link down and up from the monitor.
        g.wait_for_file('link_ready', timeout=120)
        g.set_link(0, False)
        g.wait_for_file('link_down_seen', timeout=60)
        g.set_link(0, True)
        g.wait_for_file('link_up_seen', timeout=60)

        # (6) multi-queue virtio-net through the host tap.
        if mq:
            g.wait_for_file('mq_ready', timeout=120)
            mq_in = make_frames(200, dst=mq.mac)
            mq.port.send_frames(mq_in, pps=HOST_PPS)
            mq_out = mq.port.recv_frames(200, timeout=120, idle=60)
            assert_frames(make_frames(200, 5000, src=mq.mac), mq_out, 'guest virtio-mq -> host tap')
            assert_frames(mq_in, sluicevm.read_pcap(g.result_path('mq.pcap')), 'host tap -> guest virtio-mq')

        # (8) after the vfio-pci round trip the e1000 transmits again.
        again = e1000.port.recv_frames(100, timeout=300, idle=120)
        rebind = make_frames(100, REBIND_FIRST_SEQ, src=e1000.mac)
        assert_frames(rebind, again, 'e1000 after vfio-pci round trip')

        status = g.wait(timeout=300)
        assert status == 0, 'guest script reported %d failed checks (see FAIL: lines above)' % status

        assert_frames(make_frames(300, 3000, src=cross_a.mac),
                      sluicevm.read_pcap(g.result_path('cross.pcap')), 'crossover cable')
        vfio = g.read_json('vfio.json')
        assert vfio['vendor_device'] == '8086:100e', vfio
        assert vfio['dma_map'] == 'ok', vfio
        sluicevm.log('VFIO in the guest: %s' % json.dumps(vfio))
        # filter-dump saw the e1000's wire: both batches, in order.
        dumped = [f for f in sluicevm.read_pcap(g.result_path('e1000.pcap'))
                  if sluicevm.frame_seq(f) is not None]
        assert_frames(sent + rebind, dumped, 'filter-dump of the e1000')
        tx_stats = g.read_json('tx_stats.json')

        print('BENCH vm_boot_to_script %.1f s' % g.boot_seconds)
        print('BENCH vm_e1000_kernel_tx_to_host %.0f fps' % (COUNT / max(tx_span, 1e-9)))
        print('BENCH vm_e1000_kernel_tx_guest_side %.0f fps'
              % (tx_stats['sent'] / max(tx_stats['seconds'], 1e-9)))
        print('BENCH vm_host_to_virtio_kernel_rx %.0f fps (paced at %d)'
              % (rx_stats['received'] / max(rx_stats['seconds'], 1e-9), HOST_PPS))


if __name__ == '__main__':
    sluicevm.run(main)
