#!/usr/bin/env python3
"""Interrupts against polling (issue 15), in one QEMU guest run.

    python3 test/perf/vm/bench_intr.py [--build-dir build] [--model e1000|e1000e|virtio|vmxnet3]
        [--modes poll,interrupt,adaptive] [--idle-window 30] [--wake-samples 200]
        [--wake-idle 5] [--sat-window 5] [--kinds idle,wake,sat,ping]

NIC0 and NIC1 (--model, vfio-pci) are sl-l2fwd's ports (lcore/vCPU 1,
--no-mac-updating), cabled to this host; NIC2 (an e1000 on the guest
kernel's driver) is cabled to NIC3 (an e1000 on vfio-pci) for sl-responder.
For each --rx-mode:

  idle  sl-l2fwd with nothing to forward for --idle-window seconds: the CPU
        it used (user + system, from the guest's /proc) and the CPU of the
        QEMU process on this host meanwhile, in % of one CPU;
  wake  --wake-samples times: --wake-idle seconds of silence, then one frame
        into NIC0; the time until it leaves NIC1, as this host sees it
        (QEMU's emulation included: compare modes, not absolute values);
  sat   this host sends 60-byte frames into NIC0 as fast as it can for
        --sat-window seconds; what leaves NIC1 per second;
  ping  the guest kernel pings an idle sl-responder (poll, interrupt) 50
        times, 0.2 s apart: the average round trip.

Output: BENCH lines vm_<model>_<what>_<mode> <value> <unit>, and the
adaptive/poll saturation ratio (goal >= 0.95). Not run by CI (TCG timing).
"""

import argparse
import os
import statistics
import sys
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
SOURCE = os.path.dirname(os.path.dirname(os.path.dirname(HERE)))
sys.path.insert(0, os.path.join(SOURCE, 'test', 'vm'))
import sluicevm  # noqa: E402
from sluicevm import Guest, Nic, make_frames  # noqa: E402
from bench_vm import count_frames, wait_any  # noqa: E402

MODES = ('poll', 'interrupt', 'adaptive')
KINDS = ('idle', 'wake', 'sat', 'ping')


def proc_cpu_seconds(pid):
    with open('/proc/%d/stat' % pid) as f:
        fields = f.read().rsplit(')', 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf('SC_CLK_TCK')


def result_text(g, name, timeout):
    g.wait_for_file(name, timeout=timeout)
    return g.read_result(name)


def idle_run(g, i, window, out, mode):
    q0, t0 = proc_cpu_seconds(g.proc.pid), time.monotonic()
    time.sleep(window)
    q1, t1 = proc_cpu_seconds(g.proc.pid), time.monotonic()
    g.touch('run_%d_stop' % i)
    ticks, hz = map(int, result_text(g, 'cpu_%d' % i, 60).split())
    out['l2fwd_idle_cpu'][mode] = 100.0 * ticks / hz / (t1 - t0)
    out['qemu_idle_cpu'][mode] = 100.0 * (q1 - q0) / (t1 - t0)


def wake_run(g, i, samples, idle, out, mode):
    a, b = g.nics[0].port, g.nics[1].port
    lat = []
    for k in range(samples):
        time.sleep(idle)
        b.drain()
        t0 = time.monotonic()
        a.send_frames(make_frames(1, first_seq=k), pps=0)
        got = b.recv_frames(1, timeout=5)
        if got:
            lat.append((time.monotonic() - t0) * 1e6)
    g.touch('run_%d_stop' % i)
    lat.sort()
    if lat:
        out['wake_latency_p50'][mode] = lat[len(lat) // 2]
        out['wake_latency_p99'][mode] = lat[min(len(lat) - 1, int(len(lat) * 0.99))]
    sluicevm.log('wake %s: %d of %d frames, us p50 %.0f p99 %.0f max %.0f' % (
        mode, len(lat), samples, lat[len(lat) // 2] if lat else -1,
        lat[int(len(lat) * 0.99)] if lat else -1, lat[-1] if lat else -1))


def sat_run(g, i, window, out, mode):
    a, b = g.nics[0].port, g.nics[1].port
    frames = make_frames(1024, size=60)
    stop = threading.Event()

    def blast():
        while not stop.is_set():
            a.send_frames(frames, pps=0)

    b.drain()
    t = threading.Thread(target=blast)
    t.start()
    time.sleep(1)
    n, secs = count_frames(b, window)
    stop.set()
    t.join()
    g.touch('run_%d_stop' % i)
    out['sat'][mode] = n / secs / 1000.0


def ping_run(g, i, out, mode):
    text = result_text(g, 'ping_%d' % i, 120)
    g.touch('run_%d_stop' % i)
    for line in text.splitlines():
        if 'min/avg/max' in line:
            out['ping_rtt_avg'][mode] = float(line.split('=')[1].split('/')[1])


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--build-dir', default=os.environ.get('SLUICE_BUILD_DIR'))
    ap.add_argument('--model', choices=('e1000', 'e1000e', 'virtio', 'vmxnet3'), default='e1000')
    ap.add_argument('--modes', default=','.join(MODES))
    ap.add_argument('--kinds', default=','.join(KINDS))
    ap.add_argument('--idle-window', type=float, default=30.0)
    ap.add_argument('--wake-samples', type=int, default=200)
    ap.add_argument('--wake-idle', type=float, default=5.0)
    ap.add_argument('--sat-window', type=float, default=5.0)
    ap.add_argument('--quiet', action='store_true')
    args = ap.parse_args()
    modes = [m for m in args.modes.split(',') if m]
    kinds = [k for k in args.kinds.split(',') if k]
    if not set(modes) <= set(MODES) or not set(kinds) <= set(KINDS) or not modes or not kinds:
        ap.error('--modes from %s, --kinds from %s' % (', '.join(MODES), ', '.join(KINDS)))
    build = os.path.abspath(args.build_dir or os.path.join(SOURCE, 'build'))
    os.environ['SLUICE_BUILD_DIR'] = build
    os.environ.setdefault('SLUICE_SOURCE_DIR', SOURCE)
    runs = [(k, m) for k in kinds for m in modes if not (k == 'ping' and m == 'adaptive')]
    specs = ['%d:%s:%s' % (i, k, m) for i, (k, m) in enumerate(runs)]
    out = {w: {} for w in ('l2fwd_idle_cpu', 'qemu_idle_cpu', 'wake_latency_p50',
                           'wake_latency_p99', 'sat', 'ping_rtt_avg')}
    nics = [Nic(args.model), Nic(args.model), Nic('e1000', cable=3), Nic('e1000', cable=2)]
    with Guest(nics, name='bench-intr-%s' % args.model, vfio=[0, 1, 3],
               verbose=not args.quiet) as g:
        g.start(os.path.join(HERE, 'guest_bench_intr.sh'),
                [n.pci for n in g.nics] + specs)
        for i, (kind, mode) in enumerate(runs):
            if wait_any(g, ('run_%d_ready' % i, 'run_%d_failed' % i), 600).endswith('failed'):
                sluicevm.log('run %d %s %s failed to start' % (i, kind, mode))
                continue
            if kind == 'idle':
                idle_run(g, i, args.idle_window, out, mode)
            elif kind == 'wake':
                wake_run(g, i, args.wake_samples, args.wake_idle, out, mode)
            elif kind == 'sat':
                sat_run(g, i, args.sat_window, out, mode)
            else:
                ping_run(g, i, out, mode)
            wait_any(g, ('run_%d_done' % i,), 120)
        g.wait(timeout=300)
    units = {'l2fwd_idle_cpu': '%', 'qemu_idle_cpu': '%', 'wake_latency_p50': 'us',
             'wake_latency_p99': 'us', 'sat': 'kpps', 'ping_rtt_avg': 'ms'}
    print()
    for what, per_mode in out.items():
        for mode, v in per_mode.items():
            print('BENCH vm_%s_%s_%s %.2f %s' % (args.model, what, mode, v, units[what]))
    sat = out['sat']
    if 'poll' in sat and 'adaptive' in sat and sat['poll']:
        print('saturation adaptive / poll: %.2f (goal >= 0.95)' % (sat['adaptive'] / sat['poll']))
    return 0


if __name__ == '__main__':
    try:
        sys.exit(main())
    except sluicevm.SkipTest as e:
        sys.exit('bench_intr: cannot run: %s' % e)
