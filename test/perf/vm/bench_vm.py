#!/usr/bin/env python3
"""Sluice next to DPDK 22.11 on the same emulated NICs, in one QEMU guest.

    python3 test/perf/vm/bench_vm.py [--build-dir build] [--model e1000|virtio|e1000e|vmxnet3]
                                     [--rounds 3] [--window 5] [--settle 2]
                                     [--no-iommu]

Three NICs of --model, all on vfio-pci: NIC0 and NIC1 are the device under
test's ports 0 and 1; NIC2, cabled to NIC0 (a crossover), belongs to the
generator, sl-pktgen sending 60-byte frames (64 on the wire) as fast as it
can; NIC1 is cabled to this host, which counts every frame that leaves it
over --window seconds: that count / window is the rate.

  fwd-l2fwd  forwarding NIC0 -> NIC1, MAC rewrite as DPDK's l2fwd:
             sl-l2fwd                       vs  dpdk-l2fwd (DPDK's example)
  fwd-io     forwarding NIC0 -> NIC1, frames untouched:
             sl-l2fwd --no-mac-updating     vs  dpdk-testpmd --forward-mode=io
  txonly     60-byte frames out of NIC1, nothing received:
             sl-pktgen --rx none --size 60  vs  dpdk-testpmd --forward-mode=txonly --txpkts=60
  fwd-io-2q  (--kinds fwd-io-2q; the guest gets a third vCPU) as fwd-io with two queue
             pairs per port and two lcores (vCPUs 1 and 2), the generator's frames
             from 64 source addresses so that RSS spreads them: sl-l2fwd --queues 2 -q 2.
             Sluice only (DPDK's em driver runs one queue); the ratio printed is
             against fwd-io's single queue when both ran.

--no-iommu: the guest has no virtual IOMMU and the three NICs are on
uio_pci_generic; both sides DMA to physical addresses (Sluice's auto IOVA
mode picks pa, DPDK gets --iova-mode=pa), BENCH names gain _uio.

The device under test runs on lcore 1 (vCPU 1; testpmd's main lcore 0 only
sleeps), the generator on lcore 0. Runs alternate Sluice / DPDK, --rounds
of each; the result is the median. Output: one `BENCH vm_<model>_<kind>_<impl>
<kpps> kpps` line per case (medians) and a ratio table. Needs QEMU and a kernel
image as test/vm does; DPDK needs the Debian dpdk package (dpdk-testpmd)
and, for dpdk-l2fwd, a build dir configured where libdpdk-dev and dpdk-doc
are installed (test/perf/dpdk). Not run by CI: a TCG guest is slow and the
numbers are noisy on a shared machine. See README.md here.
"""

import argparse
import os
import socket
import statistics
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
SOURCE = os.path.dirname(os.path.dirname(os.path.dirname(HERE)))
sys.path.insert(0, os.path.join(SOURCE, 'test', 'vm'))
import sluicevm  # noqa: E402
from sluicevm import Guest, Nic  # noqa: E402

KINDS = {   # kind: (Sluice program, DPDK program or None), as the table shows them
    'fwd-l2fwd': ('sl-l2fwd', 'dpdk-l2fwd'),
    'fwd-io': ('sl-l2fwd --no-mac-updating', 'testpmd io'),
    'txonly': ('sl-pktgen', 'testpmd txonly'),
    # DPDK 22.11's em driver runs the 82574L with one queue: nothing to compare.
    'fwd-io-2q': ('sl-l2fwd --queues 2, 2 lcores', None),
}
DEFAULT_KINDS = ('fwd-l2fwd', 'fwd-io', 'txonly')
SMP_2Q = 3      # vCPU 0 the generator, vCPUs 1 and 2 a queue each
MODELS = ('e1000', 'virtio', 'e1000e', 'vmxnet3')


def count_frames(port, seconds):
    """(frames, seconds): what arrives at a HostPort during about `seconds`,
    and the exact time it was counted over."""
    sock = port.sock
    buf = bytearray(65536)
    n = 0
    start = time.monotonic()
    end = start + seconds
    while True:
        now = time.monotonic()
        if now >= end:
            return n, now - start
        sock.settimeout(min(end - now, 0.2))
        try:
            while True:
                sock.recv_into(buf)
                n += 1
                if n & 255 == 0 and time.monotonic() >= end:
                    break
        except (socket.timeout, BlockingIOError, ConnectionRefusedError):
            pass


def plan(kinds, rounds):
    """Runs in order: every kind, rounds times, Sluice and DPDK alternating
    (which one goes first alternates too, so neither always follows a cold
    start or the other's leftovers)."""
    runs = []
    for r in range(rounds):
        for kind in kinds:
            impls = ('sluice', 'dpdk') if r % 2 == 0 else ('dpdk', 'sluice')
            runs += [(kind, impl) for impl in impls if impl == 'sluice' or KINDS[kind][1]]
    return runs


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--build-dir', default=os.environ.get('SLUICE_BUILD_DIR'),
                    help='Sluice build dir (default $SLUICE_BUILD_DIR or ./build)')
    ap.add_argument('--model', choices=MODELS, default='e1000',
                    help='NIC model of all three NICs (default e1000)')
    ap.add_argument('--gen-model', choices=MODELS,
                    help="the generator NIC's model (default: --model)")
    ap.add_argument('--rounds', type=int, default=3, help='runs of each case (default 3)')
    ap.add_argument('--window', type=float, default=5.0, help='seconds counted per run (default 5)')
    ap.add_argument('--settle', type=float, default=2.0,
                    help='seconds between "running" and counting (default 2)')
    ap.add_argument('--kinds', default=','.join(DEFAULT_KINDS),
                    help='comma-separated subset of %s (default %s)' % (
                        ', '.join(KINDS), ','.join(DEFAULT_KINDS)))
    ap.add_argument('--dpdk-eal', default='',
                    help="extra EAL options for the DPDK programs (e.g. '--iova-mode=pa')")
    ap.add_argument('--no-iommu', action='store_true',
                    help='no virtual IOMMU: the NICs on uio_pci_generic, physical addresses')
    ap.add_argument('--quiet', action='store_true', help="don't echo the guest console")
    args = ap.parse_args()
    kinds = [k for k in args.kinds.split(',') if k]
    bad = [k for k in kinds if k not in KINDS]
    if bad or not kinds or args.rounds < 1 or args.window <= 0:
        ap.error('--kinds from %s, --rounds >= 1, --window > 0' % ', '.join(KINDS))
    build = os.path.abspath(args.build_dir or os.path.join(SOURCE, 'build'))
    os.environ['SLUICE_BUILD_DIR'] = build
    os.environ.setdefault('SLUICE_SOURCE_DIR', SOURCE)
    for exe in ('examples/l2fwd/sl-l2fwd', 'app/pktgen/sl-pktgen'):
        if not os.access(os.path.join(build, exe), os.X_OK):
            sys.exit('bench_vm: %s/%s is not built (ninja -C %s)' % (build, exe, build))

    model, gen_model = args.model, args.gen_model or args.model
    runs = plan(kinds, args.rounds)
    specs = ['%d:%s:%s' % (i, kind, impl) for i, (kind, impl) in enumerate(runs)]
    nics = [Nic(model, cable=2), Nic(model), Nic(gen_model, cable=0)]
    rates = {(k, i): [] for k in kinds for i in ('sluice', 'dpdk')}
    failures = []
    dpdk_eal = args.dpdk_eal + (' --iova-mode=pa' if args.no_iommu else '')
    env = {'DPDK_EAL_ARGS': dpdk_eal.strip()} if dpdk_eal.strip() else {}
    setup = model + ('_uio' if args.no_iommu else '')
    bound = {'iommu': False, 'uio': [0, 1, 2]} if args.no_iommu else {'vfio': [0, 1, 2]}
    # 1 GB of hugepages: DPDK takes what it needs at start, the generator
    # and the Sluice programs theirs.
    smp = SMP_2Q if 'fwd-io-2q' in kinds else 2
    with Guest(nics, name='bench-vm-%s' % setup, hugepages=512, memory=3072, env=env,
               smp=smp, verbose=not args.quiet, **bound) as g:
        g.start(os.path.join(HERE, 'guest_bench.sh'),
                [n.pci for n in g.nics] + ['%g' % args.settle] + specs)
        far = g.nics[1].port
        for i, (kind, impl) in enumerate(runs):
            if wait_any(g, ('run_%d_ready' % i, 'run_%d_failed' % i), 600).endswith('failed'):
                failures.append(note_failure(g, i, kind, impl))
                continue
            far.drain()
            n, secs = count_frames(far, args.window)
            g.touch('run_%d_stop' % i)
            if wait_any(g, ('run_%d_done' % i, 'run_%d_failed' % i), 120).endswith('failed'):
                failures.append(note_failure(g, i, kind, impl))
                continue
            rate = n / secs / 1000.0
            rates[(kind, impl)].append(rate)
            sluicevm.log('run %d %s %s: %d frames in %.2f s = %.1f kpps'
                         % (i, kind, impl, n, secs, rate))
        g.wait(timeout=300)

    print()
    table = []
    for kind in kinds:
        med = {}
        for impl in ('sluice', 'dpdk'):
            v = rates[(kind, impl)]
            if v:
                med[impl] = statistics.median(v)
                name = 'vm_%s_%s_%s' % (setup, kind.replace('-', '_'), impl)
                print('BENCH %s %.1f kpps' % (name, med[impl]))
        table.append((kind, med))
    print()
    print('%-10s %-28s %10s   %-16s %10s   %s' % ('case', 'Sluice', 'kpps', 'DPDK 22.11', 'kpps',
                                               'Sluice/DPDK'))
    for kind, med in table:
        s, d = med.get('sluice'), med.get('dpdk')
        fmt = lambda v: '%10.1f' % v if v is not None else '%10s' % '-'  # noqa: E731
        print('%-10s %-28s %s   %-16s %s   %s' % (
            kind, KINDS[kind][0], fmt(s), KINDS[kind][1] or '(none)', fmt(d),
            '%.2f' % (s / d) if s and d else '-'))
        print('%-10s runs: Sluice %s | DPDK %s' % (
            '', ' '.join('%.1f' % v for v in rates[(kind, 'sluice')]) or '-',
            ' '.join('%.1f' % v for v in rates[(kind, 'dpdk')]) or '-'))
    one, two = table_rate(table, 'fwd-io'), table_rate(table, 'fwd-io-2q')
    if one and two:
        print('fwd-io-2q / fwd-io (two queues on two lcores against one): %.2f' % (two / one))
    print('(%s%s, %d round(s), %g s windows, 60-byte frames; rates counted by the host on NIC1)'
          % (model if gen_model == model else '%s, generator %s' % (model, gen_model),
             ', uio_pci_generic without an IOMMU' if args.no_iommu else '',
             args.rounds, args.window))
    if failures:
        print('\nfailed runs:')
        for f in failures:
            print('  ' + f)
        return 1
    return 0


def table_rate(table, kind):
    return next((med.get('sluice') for k, med in table if k == kind), None)


def wait_any(g, names, timeout):
    """The first of the result files `names` the guest creates."""
    deadline = time.monotonic() + timeout
    while True:
        for name in names:
            if os.path.exists(g.result_path(name)):
                return name
        if time.monotonic() > deadline or g.exit_status is not None:
            raise sluicevm.GuestError('%s: none of %s appeared (guest %s)' % (
                g.name, ', '.join(names),
                'exited' if g.exit_status is not None else 'still running after %d s' % timeout))
        time.sleep(0.1)


def note_failure(g, i, kind, impl):
    why = g.read_result('run_%d_failed' % i).strip()
    sluicevm.log('run %d %s %s failed: %s' % (i, kind, impl, why))
    return '%s %s: %s' % (kind, impl, why)


if __name__ == '__main__':
    try:
        sys.exit(main())
    except sluicevm.SkipTest as e:
        sys.exit('bench_vm: cannot run: %s' % e)
