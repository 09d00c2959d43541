#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""The Sluice demo engine (usertools/sl-quickstart runs it; so does the
vm-demo test): sl-pktgen traffic through sl-l2fwd, live statistics, and a
summary of frames sent and received, loss, rate and latency.

  sl_demo.py vm    a QEMU guest with a virtual IOMMU and four NICs on two
                   crossover cables: sl-devbind hands them to vfio-pci,
                   sl-l2fwd forwards e1000 <-> virtio-net, sl-pktgen sends
                   into the e1000 side and counts what comes out of the
                   virtio side
  sl_demo.py fast  the same apps on net_af_packet ports over two veth pairs
                   in a network namespace: no VM, a few seconds

Options: --build-dir (default: <source>/build), --rate, --duration, --size,
--json FILE (the summary, for tests), --nic2 e1000|virtio (vm). Exit status:
0 when the run completed (loss is reported, not judged), 1 when a step
failed, 77 when something needed is missing (with what to install).
"""

import argparse
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
SOURCE = os.path.dirname(os.path.dirname(os.path.dirname(HERE)))
sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(HERE))
import sluicevm  # noqa: E402

NETNS = 'sluice-demo'


class Missing(Exception):
    """Something to install or enable first: exit 77 with the message."""


class StepFailed(Exception):
    pass


class Narrator:
    """Numbered steps with elapsed time; says how long the slow ones took."""

    def __init__(self):
        self.t0 = time.monotonic()
        self.n = 0
        self.current = None
        self.t_step = None

    def clock(self):
        s = int(time.monotonic() - self.t0)
        return '%2d:%02d' % (s // 60, s % 60)

    def finish(self):
        if self.current is not None:
            took = time.monotonic() - self.t_step
            if took >= 3:
                print('        (%s took %.0f s)' % (self.current, took), flush=True)
        self.current = None

    def step(self, text, slow=None):
        self.finish()
        self.n += 1
        self.current = 'step %d' % self.n
        self.t_step = time.monotonic()
        print('\n[%s] %d. %s' % (self.clock(), self.n, text), flush=True)
        if slow:
            print('        (%s)' % slow, flush=True)

    def out(self, line):
        print('        ' + line, flush=True)

    def live(self, line):
        print('  live  ' + line, flush=True)


# ---- summary -------------------------------------------------------------------------

def fmt_ns(ns):
    if ns is None:
        return '-'
    if ns >= 1e6:
        return '%.2f ms' % (ns / 1e6)
    if ns >= 1e3:
        return '%.1f us' % (ns / 1e3)
    return '%.0f ns' % ns


def fmt_pps(pps):
    if pps >= 1e6:
        return '%.3f Mpps' % (pps / 1e6)
    if pps >= 1e3:
        return '%.2f kpps' % (pps / 1e3)
    return '%.0f pps' % pps


def summarize(mode, pg, l2fwd_log, path, size):
    """The numbers that matter, from sl-pktgen's JSON and sl-l2fwd's output."""
    tx_port = next(p for p in pg['ports'] if p['tx_role'])
    rx_port = next(p for p in pg['ports'] if p['rx_role'])
    totals = pg['totals']
    lat = pg['streams'][0]['latency_ns'] if pg['streams'] else None
    l2fwd = {}
    for key in ('sent', 'received', 'dropped'):
        m = re.search(r'^Total packets %s: *(\d+)' % key, l2fwd_log, re.M)
        l2fwd[key] = int(m.group(1)) if m else None
    sent, got = totals['tx_frames'], totals['rx_frames']
    lost = totals['lost'] if totals['lost'] is not None else sent - got
    return {
        'mode': mode, 'path': path, 'frame_size': size,
        'sent': sent, 'received': got, 'lost': lost,
        'loss_pct': 100.0 * lost / sent if sent else 0.0,
        'duplicates': totals['duplicates'], 'reordered': totals['reordered'],
        'tx_pps': tx_port['tx']['pps'], 'rx_pps': rx_port['rx']['pps'],
        'seconds': pg['tx_duration_s'],
        'latency_ns': lat, 'l2fwd': l2fwd,
    }


def print_summary(s):
    lat = s['latency_ns'] or {}
    rows = [
        ('path', s['path']),
        ('sent', '%d frames of %s bytes in %.1f s: %s' % (s['sent'], s['frame_size'],
                                                          s['seconds'], fmt_pps(s['tx_pps']))),
        ('received', '%d frames: %s' % (s['received'], fmt_pps(s['rx_pps']))),
        ('lost', '%d (%.3f %%), %d duplicated, %d reordered'
         % (s['lost'], s['loss_pct'], s['duplicates'], s['reordered'])),
        ('latency', 'min %s  avg %s  p50 %s  p99 %s  max %s' % tuple(
            fmt_ns(lat.get(k)) for k in ('min', 'avg', 'p50', 'p99', 'max'))
         if lat else 'no samples'),
        ('sl-l2fwd', 'received %s, sent %s, dropped %s' % tuple(
            '?' if s['l2fwd'][k] is None else s['l2fwd'][k]
            for k in ('received', 'sent', 'dropped')) +
         (' (its TX ring was full)' if s['l2fwd']['dropped'] else '')),
    ]
    width = 74
    print('\n' + '=' * width)
    print(' Sluice demo (%s): summary' % s['mode'])
    print('-' * width)
    for key, value in rows:
        print(' %-9s %s' % (key, value))
    print('=' * width, flush=True)


# ---- the VM demo ---------------------------------------------------------------------

def virtio_built(build):
    return os.path.exists(os.path.join(build, 'drivers', 'net', 'virtio', 'libsl_net_virtio.a'))


def run_vm(args, say):
    build = args.build_dir
    for rel in ('examples/l2fwd/sl-l2fwd', 'app/pktgen/sl-pktgen'):
        if not os.access(os.path.join(build, rel), os.X_OK):
            raise Missing('%s is not built: ninja -C %s' % (rel, build))
    os.environ['SLUICE_BUILD_DIR'] = build
    os.environ['SLUICE_SOURCE_DIR'] = SOURCE
    try:
        sluicevm.find_prerequisites(os.path.join(build, 'test', 'vm', 'cache'))
    except sluicevm.SkipTest as e:
        raise Missing(str(e)) from None
    nic2 = args.nic2 or ('virtio' if virtio_built(build) else 'e1000')
    # GEN0 -- FWD0 (e1000 pair), FWD1 -- GEN1 (second model pair)
    nics = [sluicevm.Nic('e1000', cable=1), sluicevm.Nic('e1000', cable=0),
            sluicevm.Nic(nic2, cable=3), sluicevm.Nic(nic2, cable=2)]
    say.step('Booting a QEMU guest: q35 with a virtual Intel IOMMU, 2 vCPUs, 2 GB, four NICs '
             'on two crossover cables (e1000 + e1000, %s + %s)' % (nic2, nic2),
             slow='about 10-30 s: the CPU is emulated (TCG), so everything in the guest runs '
                  'some 20x slower than on the host')
    if nic2 == 'e1000' and not args.nic2:
        say.out('(this build has no virtio-net driver yet: the second pair is e1000 too)')
    with sluicevm.Guest(nics, name='demo', hugepages=256, verbose=False) as g:
        g.start(os.path.join(HERE, 'guest_demo.sh'),
                [n.pci for n in g.nics] + [args.rate, args.duration, args.size])
        seen = 0
        booted = False
        while True:
            lines = g.lines
            for line in lines[seen:len(lines)]:
                if not booted and line.startswith('sluice-init: up'):
                    booted = True
                if line.startswith('@step '):
                    say.step(line[6:], slow=('about %s s plus a few to drain' % args.duration)
                             if line.startswith('@step sl-pktgen') else None)
                elif line.startswith('@out '):
                    say.out(line[5:])
                elif line.startswith('@live '):
                    say.live(line[6:])
            seen = len(lines)
            if g.exit_status is not None or (g.proc and g.proc.poll() is not None):
                break
            time.sleep(0.1)
        status = g.wait(timeout=60)
        for line in g.lines[seen:]:
            if line.startswith('@out '):
                say.out(line[5:])
        if status != 0:
            raise StepFailed('the guest script stopped at step %d (console: %s)'
                             % (status, g.console_path))
        pg = g.read_json('pktgen.json')
        l2fwd_log = g.read_result('l2fwd.log')
    say.finish()
    path = ('sl-pktgen %s (e1000) -> sl-l2fwd %s (e1000) => %s (%s) -> sl-pktgen %s (%s)'
            % (nics[0].pci, nics[1].pci, nics[2].pci, nic2, nics[3].pci, nic2))
    return summarize('QEMU guest, VFIO', pg, l2fwd_log, path, args.size)


# ---- the fast demo (veth, no VM) --------------------------------------------------------

def sh(say, *argv, check=True, show=True):
    if show:
        say.out('$ ' + ' '.join(argv))
    proc = subprocess.run(argv, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                          universal_newlines=True)
    if check and proc.returncode != 0:
        raise StepFailed('%s failed (%d): %s' % (' '.join(argv), proc.returncode,
                                                 proc.stdout.strip()))
    return proc


def netns_cleanup():
    subprocess.run(['ip', 'netns', 'del', NETNS], stdout=subprocess.DEVNULL,
                   stderr=subprocess.DEVNULL)


def run_fast(args, say):
    build = args.build_dir
    l2fwd = os.path.join(build, 'examples', 'l2fwd', 'sl-l2fwd')
    pktgen = os.path.join(build, 'app', 'pktgen', 'sl-pktgen')
    for exe in (l2fwd, pktgen):
        if not os.access(exe, os.X_OK):
            raise Missing('%s is not built: ninja -C %s' % (exe, build))
    if os.geteuid() != 0:
        raise Missing('the fast demo needs root (network namespaces, veth pairs, AF_PACKET)')
    if shutil.which('ip') is None:
        raise Missing("'ip' is missing: apt-get install iproute2")
    cpus = sorted(os.sched_getaffinity(0))
    fwd_cpu, gen_cpu = (cpus[0], cpus[1]) if len(cpus) > 1 else (cpus[0], cpus[0])
    netns_cleanup()
    say.step('Network namespace %s with two veth pairs: gen0 -- fwd0 and fwd1 -- gen1' % NETNS)
    l2fwd_proc = None
    try:
        sh(say, 'ip', 'netns', 'add', NETNS)
        nse = ['ip', 'netns', 'exec', NETNS]
        # No IPv6 router solicitations or DAD on the demo's wires.
        sh(say, *nse, 'sysctl', '-qw', 'net.ipv6.conf.all.disable_ipv6=1',
           'net.ipv6.conf.default.disable_ipv6=1', show=False)
        for a, b in (('gen0', 'fwd0'), ('fwd1', 'gen1')):
            sh(say, *nse, 'ip', 'link', 'add', a, 'type', 'veth', 'peer', 'name', b)
        for dev in ('gen0', 'fwd0', 'fwd1', 'gen1', 'lo'):
            sh(say, *nse, 'ip', 'link', 'set', dev, 'up', show=False)

        say.step('Starting sl-l2fwd on cpu %d: net_af_packet ports on fwd0 and fwd1' % fwd_cpu)
        log_path = os.path.join(args.work_dir, 'l2fwd.log')
        l2fwd_argv = [l2fwd, '-l', str(fwd_cpu), '--no-huge', '-m', '256', '--no-pci',
                      '--vdev', 'net_af_packet0,iface=fwd0', '--vdev', 'net_af_packet1,iface=fwd1',
                      '--', '-p', '0x3', '-q', '2', '-P', '-T', '0']
        say.out('$ ' + ' '.join(l2fwd_argv))
        with open(log_path, 'w') as log:
            l2fwd_proc = subprocess.Popen(nse + l2fwd_argv, stdout=log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 30
        while True:
            with open(log_path) as f:
                text = f.read()
            if re.search(r'^lcore .*RX port', text, re.M):
                break
            if l2fwd_proc.poll() is not None or time.monotonic() > deadline:
                for line in text.splitlines()[-10:]:
                    say.out(line)
                raise StepFailed('sl-l2fwd did not start')
            time.sleep(0.1)
        for line in text.splitlines():
            if re.match(r'^(Port|lcore|MAC)', line):
                say.out(line)

        say.step('sl-pktgen on cpu %d: %s of %s-byte frames for %s s into gen0, counted back on '
                 'gen1' % (gen_cpu, args.rate, args.size, args.duration))
        pg_json = os.path.join(args.work_dir, 'pktgen.json')
        pg_argv = [pktgen, '-l', str(gen_cpu), '--no-huge', '-m', '256', '--no-pci',
                   '--vdev', 'net_af_packet0,iface=gen0', '--vdev', 'net_af_packet1,iface=gen1',
                   '--', '--tx', '0', '--rx', '1', '--rate', args.rate, '--duration',
                   str(args.duration), '--size', str(args.size), '--json', pg_json]
        say.out('$ ' + ' '.join(pg_argv))
        pg = subprocess.Popen(nse + pg_argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              universal_newlines=True)
        for line in pg.stderr:
            line = line.rstrip('\n')
            if re.match(r'^\[ *[0-9.]+s\] port', line):
                say.live(line)
            else:
                say.out(line)
        pg_out = pg.stdout.read()
        if pg.wait() not in (0, 2) or not os.path.exists(pg_json):
            for line in pg_out.splitlines()[-10:]:
                say.out(line)
            raise StepFailed('sl-pktgen failed (exit %d)' % pg.returncode)

        say.step('Stopping sl-l2fwd (SIGINT)')
        l2fwd_proc.send_signal(signal.SIGINT)
        rc = l2fwd_proc.wait(30)
        l2fwd_proc = None
        with open(log_path) as f:
            l2fwd_log = f.read()
        for line in l2fwd_log.splitlines():
            if re.match(r'^(Total packets|Forwarded|Port \d driver counters)', line):
                say.out(line)
        if rc != 0:
            raise StepFailed('sl-l2fwd exited with %d' % rc)
        with open(pg_json) as f:
            pgj = json.load(f)
    finally:
        if l2fwd_proc is not None and l2fwd_proc.poll() is None:
            l2fwd_proc.kill()
            l2fwd_proc.wait()
        netns_cleanup()
    say.finish()
    path = ('sl-pktgen gen0 -> veth -> sl-l2fwd fwd0 => fwd1 -> veth -> sl-pktgen gen1 '
            '(net_af_packet ports, netns %s)' % NETNS)
    return summarize('veth pairs, no VM', pgj, l2fwd_log, path, args.size)


# ---- command line -----------------------------------------------------------------------

def main(argv=None):
    parser = argparse.ArgumentParser(prog='sl_demo.py', description=__doc__.split('\n\n')[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('mode', choices=['vm', 'fast'])
    parser.add_argument('--build-dir', default=os.path.join(SOURCE, 'build'))
    parser.add_argument('--rate', help='sl-pktgen --rate (default: 5kpps vm, 20kpps fast)')
    parser.add_argument('--duration', type=int, help='seconds of traffic (default: 20 vm, 10 fast)')
    parser.add_argument('--size', default='60', help='frame size without FCS (default 60)')
    parser.add_argument('--nic2', choices=['e1000', 'virtio'],
                        help='model of the second NIC pair (default: virtio when built)')
    parser.add_argument('--json', help='write the summary here as JSON')
    args = parser.parse_args(argv)
    args.build_dir = os.path.abspath(args.build_dir)
    args.rate = args.rate or ('5kpps' if args.mode == 'vm' else '20kpps')
    args.duration = args.duration or (20 if args.mode == 'vm' else 10)
    say = Narrator()
    try:
        if args.mode == 'vm':
            summary = run_vm(args, say)
        else:
            os.makedirs(os.path.join(args.build_dir, 'demo-fast'), exist_ok=True)
            args.work_dir = os.path.join(args.build_dir, 'demo-fast')
            summary = run_fast(args, say)
    except Missing as e:
        print('\nsl-demo: cannot run: %s' % e, flush=True)
        return 77
    except (StepFailed, sluicevm.GuestError, subprocess.TimeoutExpired) as e:
        say.finish()
        print('\nsl-demo: FAILED: %s' % e, flush=True)
        return 1
    print_summary(summary)
    print('Total time %s.' % say.clock().strip(), flush=True)
    if args.json:
        with open(args.json, 'w') as f:
            json.dump(summary, f, indent=1)
    return 0


if __name__ == '__main__':
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    sys.exit(main())
