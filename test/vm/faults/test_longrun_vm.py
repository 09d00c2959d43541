#!/usr/bin/env python3
"""The long run (issue 8): numbered frames through sl-l2fwd in a QEMU
guest at a rate below what the emulation moves, with sl-pktgen
--expect-no-loss on two more NICs of the same guest:

    sl-pktgen NIC0 ==cable== NIC1  sl-l2fwd  NIC2 ==cable== NIC3 sl-pktgen
      (TX)                    port 0 <-> port 1                   (RX)

Zero loss, no duplicates, no reordering (sl-pktgen's per-flow accounting),
nothing dropped by sl-l2fwd, and its pool whole again once the ports are
closed (it prints the mbufs in use). sl-l2fwd's two NICs are parameters
(--models A,B, any of sluicevm's models); sl-pktgen's are e1000s. The
default is virtio -> e1000: sl-l2fwd receives on virtio-net and sends on
an e1000. (e1000 -> virtio loses frames on a loaded host: QEMU completes
virtio TX in its main loop, and a stall of a second there fills the
256-entry TX ring, where sl-l2fwd drops rather than stall its RX; an
e1000 transmits in the vCPU's own MMIO write.)

    test_longrun_vm.py [--frames N] [--rate R] [--models A,B]

Defaults: SLUICE_LONGRUN_FRAMES, SLUICE_LONGRUN_RATE, SLUICE_LONGRUN_MODELS
or 1000000 frames at 8kpps, virtio,e1000.

The cables are UDP sockets on this host, read by QEMU's main loop. On a
busy machine (two cores shared with compiles and other guests) that loop
or a vCPU can stall for a second or two (sl-pktgen's latency maximum shows
it): the cables get 64 MB receive buffers instead of the harness's 4 MB so
such a stall is absorbed as queueing, not loss. A loss is reported with
where it happened: on a cable (frames one NIC sent that its partner never
received), or inside the guest.
"""

import argparse
import os
import re
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))
import sluicevm  # noqa: E402
from sluicevm import Guest, Nic  # noqa: E402


def where_lost(g, stats):
    """Frames counted by each device along the path (sl-pktgen's JSON and
    sl-l2fwd's summary of the device counters)."""
    fwd = {}
    try:
        for line in g.read_result('l2fwd.log').splitlines():
            m = re.match(r'Port (\d) driver counters: ipackets (\d+) opackets (\d+)', line)
            if m:
                fwd[int(m.group(1))] = (int(m.group(2)), int(m.group(3)))
    except OSError:
        pass
    gen_tx = stats['ports'][0]['eth_stats']['opackets']
    gen_rx = stats['ports'][1]['eth_stats']['ipackets']
    if len(fwd) != 2:
        return 'sl-pktgen NIC0 sent %d, NIC3 received %d (no sl-l2fwd counters)' % (gen_tx, gen_rx)
    return ('NIC0 sent %d, NIC1 received %d (cable: %d lost); sl-l2fwd forwarded %d of them; '
            'NIC2 sent %d, NIC3 received %d (cable: %d lost)'
            % (gen_tx, fwd[0][0], gen_tx - fwd[0][0], fwd[1][1], fwd[1][1], gen_rx,
               fwd[1][1] - gen_rx))


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('--frames', type=int,
                    default=int(os.environ.get('SLUICE_LONGRUN_FRAMES', '1000000')))
    ap.add_argument('--rate', default=os.environ.get('SLUICE_LONGRUN_RATE', '8kpps'))
    ap.add_argument('--models', default=os.environ.get('SLUICE_LONGRUN_MODELS', 'virtio,e1000'))
    opt = ap.parse_args()
    models = opt.models.split(',')
    if len(models) != 2 or any(m not in sluicevm.NIC_MODELS for m in models):
        ap.error('--models: two of %s' % ', '.join(sluicevm.NIC_MODELS))
    sluicevm.built('app', 'pktgen', 'sl-pktgen')
    sluicevm.built('examples', 'l2fwd', 'sl-l2fwd')

    sluicevm.SOCKET_BUF_BYTES = max(sluicevm.SOCKET_BUF_BYTES, 64 << 20)
    nics = [Nic('e1000', cable=1), Nic(models[0], cable=0),
            Nic(models[1], cable=3), Nic('e1000', cable=2)]
    with Guest(nics, name='longrun-%s' % '-'.join(models), vfio=[0, 1, 2, 3]) as g:
        t0 = time.monotonic()
        g.start(os.path.join(HERE, 'guest_longrun.sh'),
                [n.pci for n in g.nics] + [str(opt.frames), opt.rate])
        status = g.wait(timeout=3600)
        took = time.monotonic() - t0
        stats = g.read_json('pktgen.json', timeout=10) if os.path.exists(
            g.result_path('pktgen.json')) else None
        assert stats is not None, 'sl-pktgen wrote no JSON (see the guest log above)'
        tot = stats['totals']
        tx = stats['ports'][0]['tx']
        sluicevm.log('%d frames sent at %.0f pps over %.1f s, %d received: lost %s, '
                     'duplicates %d, reordered %d; guest run %.0f s in all'
                     % (tot['tx_frames'], tx['pps'], stats['tx_duration_s'], tot['rx_frames'],
                        tot['lost'], tot['duplicates'], tot['reordered'], took))
        lat = stats['streams'][0]['latency_ns'] or {}
        sluicevm.log('latency p50 %.1f ms, p99 %.1f ms, max %.1f ms' % (
            lat.get('p50', 0) / 1e6, lat.get('p99', 0) / 1e6, lat.get('max', 0) / 1e6))
        assert tot['tx_frames'] == opt.frames, 'sent %d of %d frames' % (tot['tx_frames'], opt.frames)
        assert tot['rx_frames'] == opt.frames and tot['lost'] == 0, \
            'lost %s of %d frames: %s' % (tot['lost'], opt.frames, where_lost(g, stats))
        assert tot['duplicates'] == 0 and tot['reordered'] == 0, \
            '%d duplicates, %d reordered' % (tot['duplicates'], tot['reordered'])
        assert status == 0, 'guest script reported %d failed checks (see FAIL: lines above)' % status


if __name__ == '__main__':
    sluicevm.run(main)
