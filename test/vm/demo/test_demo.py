#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""The quick-start demo, run the way a newcomer runs it: usertools/sl-quickstart
demo [--fast] --no-install (the packages are there in CI), short and at a
modest rate, then its output and summary are checked.

  test_demo.py fast   (net suite) veth pairs in a netns; needs root and ip netns
  test_demo.py vm     (vm suite, through run_vm_test.py) the QEMU guest

Checks: exit 0; every step announced in order; live statistics printed;
the summary's numbers agree with each other and with the rate asked for;
(vm) sl-devbind moved all four NICs to vfio-pci.
"""

import json
import os
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
SOURCE = os.path.dirname(os.path.dirname(os.path.dirname(HERE)))
QUICKSTART = os.path.join(SOURCE, 'usertools', 'sl-quickstart')

RUNS = {    # mode: (rate in frames/s, seconds, steps announced)
    'fast': (2000, 3, ['Network namespace', 'Starting sl-l2fwd', 'sl-pktgen on cpu',
                       'Stopping sl-l2fwd']),
    'vm': (2000, 8, ['Booting a QEMU guest', "The guest's NICs", 'Binding all four',
                     'Pre-flight check with sl-doctor', 'Starting sl-l2fwd', 'sl-pktgen on cpu',
                     'Stopping sl-l2fwd']),
}


def skip(why):
    print('SKIP: ' + why, flush=True)
    sys.exit(77)


def main():
    mode = sys.argv[1] if len(sys.argv) > 1 else 'fast'
    build = os.environ.get('SLUICE_BUILD_DIR') or os.path.join(SOURCE, 'build')
    if mode == 'fast':
        if os.geteuid() != 0:
            skip('the fast demo needs root (network namespaces, veth pairs)')
        if shutil.which('ip') is None or subprocess.run(
                ['ip', 'netns', 'list'], stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL).returncode != 0:
            skip("'ip netns' does not work here (apt-get install iproute2)")
    if not os.access(os.path.join(build, 'app', 'pktgen', 'sl-pktgen'), os.X_OK):
        skip('sl-pktgen is not built (libpcap-dev missing?)')
    rate, seconds, steps = RUNS[mode]
    failures = []

    def check(cond, what):
        print('%s: %s' % ('ok' if cond else 'FAIL', what), flush=True)
        if not cond:
            failures.append(what)

    with tempfile.TemporaryDirectory(prefix='sl-demo-test-') as tmp:
        summary_path = os.path.join(tmp, 'summary.json')
        argv = [QUICKSTART, 'demo'] + (['--fast'] if mode == 'fast' else []) + [
            '--no-install', '--build-dir', build, '--duration', str(seconds),
            '--rate', '%dpps' % rate, '--json', summary_path]
        print('$ ' + ' '.join(argv), flush=True)
        # From another directory: the script must find its tree by itself.
        proc = subprocess.run(argv, cwd=tmp, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                              universal_newlines=True, timeout=600)
        print(proc.stdout, flush=True)
        if proc.returncode == 77 or 'cannot run:' in proc.stdout:
            skip('the demo says it cannot run here (see above)')
        check(proc.returncode == 0, 'sl-quickstart exits 0 (got %d)' % proc.returncode)
        out = proc.stdout
        pos = 0
        for i, text in enumerate(steps, 1):
            at = out.find('] %d. %s' % (i, text), pos)
            check(at >= 0, 'step %d "%s" announced in order' % (i, text))
            pos = max(pos, at)
        live = [line for line in out.splitlines() if line.startswith('  live  [')]
        check(len(live) >= 2 * (seconds - 1), '%d live statistics lines' % len(live))
        check('Sluice demo (' in out and 'summary' in out, 'a summary is printed')
        if mode == 'vm':
            check(out.count(': bound to vfio-pci (was ') == 4,
                  'sl-devbind moved four NICs to vfio-pci')
            # With the NICs bound, a guest with a vIOMMU is a machine sl-doctor must pass.
            check(out.count('IOMMU group') >= 4 and 'sl-doctor: all checks passed' in out,
                  'sl-doctor passes the four bound NICs in the guest')
        if not os.path.exists(summary_path):
            check(False, 'summary JSON written')
        else:
            with open(summary_path) as f:
                s = json.load(f)
            want = rate * seconds
            # The rate is a ceiling: a loaded machine may starve the sender
            # (sl-pktgen then forgives the debt, see its README), never speed it up.
            check(0 < s['sent'] <= want * 1.05,
                  'sent %d frames, at most the %d asked for' % (s['sent'], want))
            check(s['received'] + s['lost'] == s['sent'],
                  'received %d + lost %d = sent %d' % (s['received'], s['lost'], s['sent']))
            check(s['received'] >= 0.9 * s['sent'],
                  'at least 90%% arrive at %d frames/s (%.2f%% lost)' % (rate, s['loss_pct']))
            check(s['duplicates'] == 0, 'no duplicates')
            fwd = s['l2fwd']
            check(fwd['received'] is not None and fwd['received'] >= s['received'],
                  'sl-l2fwd received %s, at least what came back' % fwd['received'])
            check(s['latency_ns'] is not None and s['latency_ns']['samples'] == s['received'],
                  'a latency sample per frame received')
    if failures:
        print('FAIL: %d check(s): %s' % (len(failures), '; '.join(failures)), flush=True)
        return 1
    print('PASS', flush=True)
    return 0


if __name__ == '__main__':
    sys.exit(main())
