#!/usr/bin/env python3
"""meson entry of the 'vm' suite: run_vm_test.py [--no-guest] SCRIPT [ARGS...]

Runs a VM test script (test_*.py here) as __main__ after making sure what a
guest needs is installed (else exit 77, meson's skip, with the apt-get line;
--no-guest for host-only scripts). SLUICE_BUILD_DIR and SLUICE_SOURCE_DIR
come from meson; run by hand they default to the current directory and this
checkout. Exit codes: 0 pass, 1 fail, 77 skip.
"""

import os
import runpy
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import sluicevm  # noqa: E402


def main():
    args = sys.argv[1:]
    need_guest = True
    if args and args[0] == '--no-guest':
        need_guest = False
        args = args[1:]
    if not args:
        print(__doc__.strip(), file=sys.stderr)
        return 2
    os.environ.setdefault('SLUICE_BUILD_DIR', os.getcwd())
    os.environ.setdefault('SLUICE_SOURCE_DIR', os.path.dirname(os.path.dirname(HERE)))
    os.environ.setdefault('PYTHONDONTWRITEBYTECODE', '1')
    if need_guest:
        try:
            qemu, kernel, initrd = sluicevm.find_prerequisites(
                os.path.join(sluicevm.build_dir(), 'test', 'vm', 'cache'))
        except sluicevm.SkipTest as e:
            print('SKIP: %s' % e, flush=True)
            return 77
        sluicevm.log('qemu %s, kernel %s, initramfs %s' % (qemu, kernel, initrd))
    script = os.path.abspath(args[0])
    sys.argv = [script] + args[1:]
    try:
        runpy.run_path(script, run_name='__main__')
    except sluicevm.SkipTest as e:
        print('SKIP: %s' % e, flush=True)
        return 77
    except (AssertionError, sluicevm.GuestError) as e:
        print('FAIL: %s' % e, flush=True)
        return 1
    return 0


if __name__ == '__main__':
    sys.exit(main())
