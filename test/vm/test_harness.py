#!/usr/bin/env python3
"""End-to-end test of the VM harness itself, with the guest kernel's own
drivers (no Sluice driver needed), in one boot:

  - vIOMMU, VFIO and per-NIC IOMMU groups are there, e1000 and virtio_net bound;
  - the guest's e1000 sends COUNT test frames that the host receives intact;
  - the host sends COUNT test frames that the guest's virtio-net receives intact;
  - the e1000 moves to vfio-pci (driver_override), VFIO type1 works on it,
    and it moves back to e1000 and transmits again.

Prints BENCH lines for boot time and frame rates (informational).
Guest half: guest_harness.sh.
"""

import json
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import sluicevm  # noqa: E402
from sluicevm import Guest, Nic, assert_frames, make_frames  # noqa: E402

COUNT = 1455            # each frame size 60..1514 once
REBIND_FIRST_SEQ = 1000000
HOST_PPS = int(os.environ.get('SLUICE_VM_PPS', '3000'))


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    nics = [Nic('e1000', pcap='e1000.pcap'), Nic('virtio')]
    with Guest(nics, name='harness') as g:
        e1000, virtio = g.nics
        g.start(os.path.join(here, 'guest_harness.sh'), [e1000.pci, virtio.pci, COUNT])

        # (2) guest e1000 -> host. The guest sends unpaced: the host socket's
        # 4 MB buffer holds what this loop has not read yet.
        got = e1000.port.recv_frames(COUNT, timeout=300, idle=30)
        tx_span = e1000.port.last_span
        sent = make_frames(COUNT, src=e1000.mac)
        assert_frames(sent, got, 'guest e1000 -> host')
        sluicevm.log('host received %d/%d frames from the e1000, %.0f fps'
                     % (len(got), COUNT, len(got) / max(tx_span, 1e-9)))

        # (3) host -> guest virtio-net, paced (QEMU's socket buffer is small).
        g.wait_for_file('rx_ready', timeout=120)
        frames = make_frames(COUNT, dst=virtio.mac, src='02:00:00:00:00:01')
        secs = virtio.port.send_frames(frames, pps=HOST_PPS)
        sluicevm.log('host sent %d frames to the virtio NIC in %.2f s' % (COUNT, secs))
        g.wait_for_file('rx_stats.json', timeout=180)   # written after rx.pcap
        rx = sluicevm.read_pcap(g.result_path('rx.pcap'))
        assert_frames(frames, rx, 'host -> guest virtio-net')

        # (5) after the vfio-pci round trip the e1000 transmits again.
        again = e1000.port.recv_frames(100, timeout=300, idle=60)
        assert_frames(make_frames(100, REBIND_FIRST_SEQ, src=e1000.mac), again,
                      'e1000 after vfio-pci round trip')

        status = g.wait(timeout=300)
        assert status == 0, 'guest script reported %d failed checks (see FAIL: lines above)' % status

        rx_stats = json.loads(g.read_result('rx_stats.json'))
        tx_stats = json.loads(g.read_result('tx_stats.json'))
        vfio = json.loads(g.read_result('vfio.json'))
        assert vfio['vendor_device'] == '8086:100e', vfio
        sluicevm.log('VFIO in the guest: %s' % json.dumps(vfio))

        # filter-dump saw the e1000's wire: both batches, in order.
        dumped = [f for f in sluicevm.read_pcap(g.result_path('e1000.pcap'))
                  if sluicevm.frame_seq(f) is not None]
        assert_frames(sent + make_frames(100, REBIND_FIRST_SEQ, src=e1000.mac), dumped,
                      'filter-dump of the e1000')

        print('BENCH vm_boot_to_script %.1f s' % g.boot_seconds)
        print('BENCH vm_e1000_kernel_tx_to_host %.0f fps' % (COUNT / max(tx_span, 1e-9)))
        print('BENCH vm_e1000_kernel_tx_guest_side %.0f fps'
              % (tx_stats['sent'] / max(tx_stats['seconds'], 1e-9)))
        print('BENCH vm_host_to_virtio_kernel_rx %.0f fps (paced at %d)'
              % (rx_stats['received'] / max(rx_stats['seconds'], 1e-9), HOST_PPS))


if __name__ == '__main__':
    sluicevm.run(main)
