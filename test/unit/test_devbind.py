#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""Unit tests for usertools/sl-devbind on a fake sysfs tree.

The fake tree mirrors the real layout (devices under devices/pci0000:00,
bus/pci/devices/<bdf> symlinks, relative driver and iommu_group links), and a
small fake kernel stands in for sl_sysfs.write_attr so writes into bind,
unbind and driver_override move the driver symlink the way the kernel does
(and uio_pci_generic registers <dev>/uio/uioN and /dev/uioN, as the UIO core
and devtmpfs do). DMI strings, ACPI tables and IOMMU group types tell a
virtual machine from bare metal and an IOMMU's mode.
"""

import contextlib
import errno
import importlib.machinery
import importlib.util
import io
import os
import shlex
import shutil
import subprocess
import sys
import tempfile
import unittest
from unittest import mock

SRCDIR = os.environ.get('SL_SRCDIR') or os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                                     '..', '..')
USERTOOLS = os.path.join(SRCDIR, 'usertools')
SCRIPT = os.path.join(USERTOOLS, 'sl-devbind')

sys.dont_write_bytecode = True     # no __pycache__ in the source tree
sys.path.insert(0, USERTOOLS)
import sl_sysfs  # noqa: E402

_loader = importlib.machinery.SourceFileLoader('sl_devbind', SCRIPT)
_spec = importlib.util.spec_from_loader('sl_devbind', _loader)
devbind = importlib.util.module_from_spec(_spec)
_loader.exec_module(devbind)

E1000 = ('8086', '100e')
VIRTIO_NET = ('1af4', '1041')
CLASS_ETHERNET = 0x020000
CLASS_AUDIO = 0x040300
CLASS_HOST_BRIDGE = 0x060000

PCI_IDS = """\
# fake pci.ids
1af4  Red Hat, Inc.
\t1041  Virtio 1.0 network device
\t\t1af4 1100  QEMU Virtual Machine
8086  Intel Corporation
\t100e  82540EM Gigabit Ethernet Controller
\t2668  82801FB/FBM/FR/FW/FRW (ICH6 Family) High Definition Audio Controller
C 02  Network controller
\t00  Ethernet controller
"""

MODULES_ALIAS = """\
# Aliases extracted from modules themselves.
alias pci:v00008086d0000100Esv*sd*bc*sc*i* e1000
alias pci:v00001AF4d*sv*sd*bc*sc*i* virtio_pci
alias pci:v00008086d00002668sv*sd*bc04sc03i* snd_hda_intel
alias vfio_pci:v*d*sv*sd*bc*sc*i* vfio_pci
"""


class FakeMachine:
    """A sysfs/procfs/dev tree in a tempdir plus a fake kernel for writes."""

    def __init__(self, tmp):
        self.tmp = tmp
        self.sys = os.path.join(tmp, 'sys')
        self.proc = os.path.join(tmp, 'proc')
        self.dev = os.path.join(tmp, 'dev')
        for d in ('bus/pci/devices', 'bus/pci/drivers', 'devices/pci0000:00',
                  'kernel/iommu_groups', 'module'):
            os.makedirs(os.path.join(self.sys, d))
        os.makedirs(os.path.join(self.proc, 'net'))
        os.makedirs(os.path.join(self.dev, 'vfio'))
        self.routes = []
        self.routes6 = []
        self._write_routes()
        self.pci_ids = os.path.join(tmp, 'pci.ids')
        with open(self.pci_ids, 'w') as f:
            f.write(PCI_IDS)
        self.modules_dir = os.path.join(tmp, 'modules')
        os.makedirs(self.modules_dir)
        with open(os.path.join(self.modules_dir, 'modules.alias'), 'w') as f:
            f.write(MODULES_ALIAS)
        self.supports = {}      # bdf -> kernel drivers whose ID table matches it
        self.refuse = set()     # (bdf, driver) whose probe fails
        self.refuse_unbind = False
        self.writes = []        # (path relative to sysfs root, text)
        self.uio_devnodes = True    # devtmpfs creates /dev/uioN with the UIO device

    # ---- building the tree ---------------------------------------------------

    def env(self, **extra):
        env = {'SL_SYSFS_ROOT': self.sys, 'SL_PROCFS_ROOT': self.proc,
               'SL_DEV_ROOT': self.dev, 'SL_PCI_IDS': self.pci_ids,
               'SL_MODULES_DIR': self.modules_dir,
               'SL_MODPROBE': 'sh -c "echo modprobe must not run here >&2; exit 1" modprobe'}
        env.update(extra)
        return env

    def add_driver(self, name):
        path = os.path.join(self.sys, 'bus/pci/drivers', name)
        os.makedirs(path)
        for attr in ('bind', 'unbind', 'new_id'):
            open(os.path.join(path, attr), 'w').close()
        os.makedirs(os.path.join(self.sys, 'module', name.replace('-', '_')), exist_ok=True)

    def set_dmi(self, vendor, product):
        """What the firmware (or the hypervisor's) SMBIOS says the machine is."""
        dmi = os.path.join(self.sys, 'class/dmi/id')
        os.makedirs(dmi, exist_ok=True)
        for name, value in (('sys_vendor', vendor), ('product_name', product)):
            with open(os.path.join(dmi, name), 'w') as f:
                f.write(value + '\n')

    def add_acpi_table(self, name):
        tables = os.path.join(self.sys, 'firmware/acpi/tables')
        os.makedirs(tables, exist_ok=True)
        open(os.path.join(tables, name), 'w').close()

    def devpath(self, bdf):
        return os.path.join(self.sys, 'devices/pci0000:00', bdf)

    def add_device(self, bdf, ids, pci_class, driver=None, ifnames=(), group=None,
                   numa=0, supports=(), virtio_netdev=False, override=None, group_type=None):
        path = self.devpath(bdf)
        os.makedirs(path)
        vendor, device = ids
        files = {
            'vendor': '0x' + vendor, 'device': '0x' + device,
            'class': '0x%06x' % pci_class, 'numa_node': str(numa),
            'driver_override': override or '(null)',
            'modalias': 'pci:v0000%sd0000%ssv00001AF4sd00001100bc%02Xsc%02Xi%02X' % (
                vendor.upper(), device.upper(), pci_class >> 16,
                (pci_class >> 8) & 0xff, pci_class & 0xff),
        }
        for name, value in files.items():
            with open(os.path.join(path, name), 'w') as f:
                f.write(value + '\n')
        netroot = os.path.join(path, 'virtio0' if virtio_netdev else '', 'net')
        for ifname in ifnames:
            os.makedirs(os.path.join(netroot, ifname))
        os.symlink('../../../devices/pci0000:00/' + bdf,
                   os.path.join(self.sys, 'bus/pci/devices', bdf))
        if group is not None:
            gdir = os.path.join(self.sys, 'kernel/iommu_groups', str(group), 'devices')
            os.makedirs(gdir, exist_ok=True)
            os.symlink('../../../../devices/pci0000:00/' + bdf, os.path.join(gdir, bdf))
            os.symlink('../../../kernel/iommu_groups/%d' % group,
                       os.path.join(path, 'iommu_group'))
            if group_type is not None:
                with open(os.path.join(self.sys, 'kernel/iommu_groups', str(group), 'type'),
                          'w') as f:
                    f.write(group_type + '\n')
        self.supports[bdf] = set(supports)
        if driver:
            self._link_driver(bdf, driver)
            if driver == 'uio_pci_generic':
                self._register_uio(bdf)

    def add_route(self, ifname):
        self.routes.append('%s\t000200C0\t00000000\t0001\t0\t0\t0\t00FFFFFF\t0\t0\t0' % ifname)
        self._write_routes()

    def add_route6(self, ifname, dest):
        self.routes6.append('%s 40 %s 00 %s 00000100 00000001 00000000 00000001 %8s'
                            % (dest, '0' * 32, '0' * 32, ifname))
        self._write_routes()

    def _write_routes(self):
        with open(os.path.join(self.proc, 'net/route'), 'w') as f:
            f.write('Iface\tDestination\tGateway \tFlags\tRefCnt\tUse\tMetric\tMask\t\tMTU'
                    '\tWindow\tIRTT\n')
            for line in self.routes:
                f.write(line + '\n')
        with open(os.path.join(self.proc, 'net/ipv6_route'), 'w') as f:
            for line in self.routes6:
                f.write(line + '\n')

    # ---- reading it back -------------------------------------------------------

    def driver_of(self, bdf):
        try:
            return os.path.basename(os.readlink(os.path.join(self.devpath(bdf), 'driver')))
        except FileNotFoundError:
            return None

    def override_of(self, bdf):
        try:
            with open(os.path.join(self.devpath(bdf), 'driver_override')) as f:
                return f.read().strip()
        except FileNotFoundError:
            return '(null)'     # kernels before 3.15 have no driver_override

    # ---- the fake kernel ---------------------------------------------------------

    def _link_driver(self, bdf, driver):
        os.symlink('../../../bus/pci/drivers/' + driver,
                   os.path.join(self.devpath(bdf), 'driver'))

    def uio_of(self, bdf):
        try:
            return os.listdir(os.path.join(self.devpath(bdf), 'uio'))
        except FileNotFoundError:
            return []

    def _register_uio(self, bdf):
        # uio_register_device(): the lowest free minor, and its char device.
        taken = {name for b in self.supports for name in self.uio_of(b)}
        minor = next(n for n in range(256) if 'uio%d' % n not in taken)
        name = 'uio%d' % minor
        os.makedirs(os.path.join(self.devpath(bdf), 'uio', name))
        with open(os.path.join(self.devpath(bdf), 'uio', name, 'dev'), 'w') as f:
            f.write('243:%d\n' % minor)
        if self.uio_devnodes:
            open(os.path.join(self.dev, name), 'w').close()

    def _unregister_uio(self, bdf):
        for name in self.uio_of(bdf):
            with contextlib.suppress(FileNotFoundError):
                os.unlink(os.path.join(self.dev, name))
        shutil.rmtree(os.path.join(self.devpath(bdf), 'uio'), ignore_errors=True)

    def write_attr(self, path, text):
        rel = os.path.relpath(path, self.sys)
        self.writes.append((rel, text))
        parts = rel.split(os.sep)
        if parts[:3] == ['bus', 'pci', 'devices'] and parts[4:] == ['driver_override']:
            # driver_override_store(): a trailing newline is dropped; empty clears.
            value = text.rstrip('\n')
            with open(path, 'w') as f:
                f.write((value or '(null)') + '\n')
        elif parts[:3] == ['bus', 'pci', 'drivers'] and parts[4:] == ['unbind']:
            bdf = text.strip()
            if self.driver_of(bdf) != parts[3]:
                raise OSError(errno.ENODEV, os.strerror(errno.ENODEV))
            if self.refuse_unbind:
                raise OSError(errno.EBUSY, os.strerror(errno.EBUSY))
            os.unlink(os.path.join(self.devpath(bdf), 'driver'))
            self._unregister_uio(bdf)
        elif parts[:3] == ['bus', 'pci', 'drivers'] and parts[4:] == ['bind']:
            bdf, driver = text.strip(), parts[3]
            if not os.path.isdir(self.devpath(bdf)):
                raise OSError(errno.ENODEV, os.strerror(errno.ENODEV))
            override = self.override_of(bdf)
            matches = (override == driver) if override != '(null)' else \
                driver in self.supports[bdf]
            if not matches:
                raise OSError(errno.ENODEV, os.strerror(errno.ENODEV))
            if self.driver_of(bdf) is not None:
                raise OSError(errno.EBUSY, os.strerror(errno.EBUSY))
            if (bdf, driver) in self.refuse:
                raise OSError(errno.EINVAL, os.strerror(errno.EINVAL))
            self._link_driver(bdf, driver)
            if driver == 'uio_pci_generic':
                self._register_uio(bdf)
        else:
            raise AssertionError('sl-devbind wrote to an unexpected file: %s' % rel)


def standard_machine(tmp):
    """eth0 on e1000 with routes, sharing its IOMMU group with an audio device;
    eth1 on e1000 (idle); a virtio-net on vfio-pci; an e1000 without driver;
    a virtio-net with its netdev under virtio0/; a host bridge."""
    m = FakeMachine(tmp)
    for drv in ('e1000', 'virtio-pci', 'vfio-pci', 'snd_hda_intel'):
        m.add_driver(drv)
    m.add_device('0000:00:00.0', ('8086', '29c0'), CLASS_HOST_BRIDGE)
    m.add_device('0000:00:02.0', E1000, CLASS_ETHERNET, 'e1000', ['eth0'], group=2,
                 supports=['e1000'])
    m.add_device('0000:00:02.1', ('8086', '2668'), CLASS_AUDIO, 'snd_hda_intel', group=2,
                 supports=['snd_hda_intel'])
    m.add_device('0000:00:03.0', VIRTIO_NET, CLASS_ETHERNET, 'vfio-pci', group=3, numa=1,
                 supports=['virtio-pci'], override='vfio-pci')
    m.add_device('0000:00:04.0', E1000, CLASS_ETHERNET, None, group=4, numa=-1,
                 supports=['e1000'])
    m.add_device('0000:00:05.0', VIRTIO_NET, CLASS_ETHERNET, 'virtio-pci', ['eth2'], group=5,
                 supports=['virtio-pci'], virtio_netdev=True)
    m.add_device('0000:03:00.0', E1000, CLASS_ETHERNET, 'e1000', ['eth1'], group=6,
                 supports=['e1000'])
    m.add_route('eth0')
    return m


class DevbindTestCase(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix='sl-devbind-test-')
        self.addCleanup(shutil.rmtree, self.tmp)
        self.m = standard_machine(self.tmp)

    def run_devbind(self, *argv, env=None):
        """Run main() in-process against the fake kernel: (status, stdout, stderr)."""
        out, err = io.StringIO(), io.StringIO()
        with mock.patch.dict(os.environ, env or self.m.env()), \
                mock.patch.object(sl_sysfs, 'write_attr', self.m.write_attr), \
                contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            try:
                status = devbind.main(list(argv))
            except SystemExit as exit_:
                status = exit_.code
        return status, out.getvalue(), err.getvalue()

    def assert_one_error(self, stderr, *fragments):
        lines = [line for line in stderr.splitlines() if line.startswith('sl-devbind: error:')]
        self.assertEqual(len(lines), 1, 'expected one error line, got: %r' % stderr)
        for fragment in fragments:
            self.assertIn(fragment, lines[0])

    def modprobe_script(self, create_driver=True):
        log = os.path.join(self.tmp, 'modprobe.log')
        script = os.path.join(self.tmp, 'modprobe.sh')
        drivers = os.path.join(self.m.sys, 'bus/pci/drivers')
        with open(script, 'w') as f:
            f.write('echo "$@" >> %s\n' % shlex.quote(log))
            if create_driver:
                f.write('mkdir -p %s/"$1" && touch %s/"$1"/bind %s/"$1"/unbind\n'
                        % ((shlex.quote(drivers),) * 3))
            else:
                f.write('echo "modprobe: FATAL: Module $1 not found" >&2; exit 1\n')
        return 'sh ' + shlex.quote(script), log


USERSPACE_SECTION = 'Network devices bound to vfio-pci or uio_pci_generic'


class StatusTest(DevbindTestCase):
    def sections(self, stdout):
        sections, current = {}, None
        for line in stdout.splitlines():
            if line.startswith('Network devices'):
                current = line
                sections[current] = []
            elif current and line and not line.startswith('='):
                sections[current].append(line)
        return sections

    def line_for(self, stdout, bdf):
        found = [line for line in stdout.splitlines() if line.startswith(bdf + ' ')]
        self.assertEqual(len(found), 1, stdout)
        return found[0]

    def test_groups_devices_by_driver(self):
        status, out, err = self.run_devbind('--status')
        self.assertEqual(status, 0, err)
        sections = self.sections(out)
        self.assertEqual(list(sections), [USERSPACE_SECTION,
                                          'Network devices using a kernel driver',
                                          'Network devices without a driver'])
        bdfs = {title: [line.split()[0] for line in lines] for title, lines in sections.items()}
        self.assertEqual(bdfs[USERSPACE_SECTION], ['0000:00:03.0'])
        self.assertEqual(bdfs['Network devices using a kernel driver'],
                         ['0000:00:02.0', '0000:00:05.0', '0000:03:00.0'])
        self.assertEqual(bdfs['Network devices without a driver'], ['0000:00:04.0'])
        self.assertNotIn('0000:00:00.0', out)      # host bridge: not a network device

    def test_no_arguments_means_status(self):
        self.assertEqual(self.run_devbind()[1], self.run_devbind('-s')[1])

    def test_active_mark_only_on_routed_interface(self):
        out = self.run_devbind('--status')[1]
        self.assertTrue(self.line_for(out, '0000:00:02.0').endswith('*Active*'))
        for bdf in ('0000:00:03.0', '0000:00:04.0', '0000:00:05.0', '0000:03:00.0'):
            self.assertNotIn('Active', self.line_for(out, bdf))

    def test_line_fields(self):
        out = self.run_devbind('--status')[1]
        eth0 = self.line_for(out, '0000:00:02.0').split()
        self.assertIn("'82540EM", eth0)
        self.assertIn('8086:100e', eth0)
        self.assertIn('if=eth0', eth0)
        self.assertIn('drv=e1000', eth0)
        self.assertIn('unused=vfio-pci', eth0)
        self.assertIn('numa_node=0', eth0)
        self.assertIn('iommu_group=2', eth0)
        self.assertIn('group_members=0000:00:02.1(snd_hda_intel)', eth0)

        vfio = self.line_for(out, '0000:00:03.0').split()
        self.assertIn('drv=vfio-pci', vfio)
        self.assertIn('unused=virtio_pci', vfio)
        self.assertIn('numa_node=1', vfio)
        self.assertNotIn('group_members', ' '.join(vfio))

        nodrv = self.line_for(out, '0000:00:04.0')
        self.assertIn('unused=e1000,vfio-pci', nodrv)
        self.assertNotIn('drv=', nodrv)
        self.assertIn('numa_node=-1', nodrv)

        # virtio-net keeps its netdev under virtio0/net/
        self.assertIn('if=eth2', self.line_for(out, '0000:00:05.0'))

    def test_without_pci_ids_and_modules_alias(self):
        env = self.m.env(SL_PCI_IDS=os.path.join(self.tmp, 'none'),
                         SL_MODULES_DIR=os.path.join(self.tmp, 'none'))
        out = self.run_devbind('--status', env=env)[1]
        line = self.line_for(out, '0000:00:04.0')
        self.assertEqual(line.split()[1], '8086:100e')
        self.assertIn('unused=vfio-pci ', line)
        self.assertIn('no modules.alias', out)

    def test_vfio_group_node_shown_when_present(self):
        open(os.path.join(self.m.dev, 'vfio', '3'), 'w').close()
        out = self.run_devbind('--status')[1]
        self.assertIn('vfio=' + os.path.join(self.m.dev, 'vfio', '3'),
                      self.line_for(out, '0000:00:03.0'))

    def test_uio_device_listed_with_userspace_drivers_and_its_node(self):
        self.m.add_driver('uio_pci_generic')
        self.m.add_device('0000:00:06.0', E1000, CLASS_ETHERNET, 'uio_pci_generic',
                          supports=['e1000'], override='uio_pci_generic')
        self.m.add_device('0000:00:07.0', E1000, CLASS_ETHERNET, 'e1000', ['eth3'],
                          supports=['e1000'])
        status, out, err = self.run_devbind('--status')
        self.assertEqual(status, 0, err)
        sections = self.sections(out)
        self.assertEqual([line.split()[0] for line in sections[USERSPACE_SECTION]],
                         ['0000:00:03.0', '0000:00:06.0'])
        uio = self.line_for(out, '0000:00:06.0').split()
        self.assertIn('drv=uio_pci_generic', uio)
        self.assertIn('uio=' + os.path.join(self.m.dev, 'uio0'), uio)
        self.assertIn('iommu_group=none', uio)
        self.assertIn('unused=e1000,vfio-pci', uio)
        # Without a group, UIO is a way to give the device to Sluice.
        self.assertIn('unused=vfio-pci,uio_pci_generic ',
                      self.line_for(out, '0000:00:07.0'))
        self.assertNotIn('uio', self.line_for(out, '0000:03:00.0'))
        self.assertNotIn('uio=', self.line_for(out, '0000:00:03.0'))

    def test_script_runs_as_a_program(self):
        env = dict(os.environ)
        env.update(self.m.env())
        proc = subprocess.run([sys.executable, SCRIPT, '--status'], env=env,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              universal_newlines=True, timeout=60)
        self.assertEqual(proc.returncode, 0, proc.stderr)
        self.assertIn(USERSPACE_SECTION, proc.stdout)
        self.assertTrue(os.access(SCRIPT, os.X_OK), 'sl-devbind must be executable')

    def test_help_has_examples(self):
        status, out, _ = self.run_devbind('--help')
        self.assertEqual(status, 0)
        self.assertIn('examples:', out)
        self.assertIn('--bind vfio-pci', out)
        self.assertIn('-b uio_pci_generic', out)
        self.assertIn('routes', out)


class RoutesTest(DevbindTestCase):
    def routed(self):
        return sl_sysfs.Host.from_env(self.m.env()).routed_interfaces()

    def test_ipv4_route(self):
        self.assertEqual(self.routed(), {'eth0'})

    def test_ipv6_global_route_counts_link_local_does_not(self):
        self.m.add_route6('eth1', 'fe800000000000000000000000000000')
        self.m.add_route6('eth2', 'ff000000000000000000000000000000')
        self.m.add_route6('lo', '00000000000000000000000000000001')
        self.assertEqual(self.routed(), {'eth0'})
        self.m.add_route6('eth2', 'fd000000000000000000000000000000')
        self.assertEqual(self.routed(), {'eth0', 'eth2'})


class ModulesAliasTest(DevbindTestCase):
    def test_matching(self):
        with open(os.path.join(self.m.modules_dir, 'modules.builtin.alias'), 'w') as f:
            f.write('alias pci:v*d*sv*sd*bc02sc00i* generic_eth\n'
                    'alias pci:v00008086d0000100[0-F]sv*sd*bc*sc*i* e1000_range\n'
                    'alias pci:v00008086d00001010sv*sd*bc*sc*i* e1000_other\n')
        host = sl_sysfs.Host.from_env(self.m.env())
        e1000 = 'pci:v00008086d0000100Esv00001AF4sd00001100bc02sc00i00'
        self.assertEqual(host.modules_for(e1000), ['e1000', 'generic_eth', 'e1000_range'])
        self.assertEqual(host.modules_for(e1000.lower()),
                         ['e1000', 'generic_eth', 'e1000_range'])
        audio = 'pci:v00008086d00002668sv00001AF4sd00001100bc04sc03i00'
        self.assertEqual(host.modules_for(audio), ['snd_hda_intel'])
        self.assertEqual(host.modules_for('pci:v0000ABCDd00000001sv0sd0bc04sc00i00'), [])
        self.assertEqual(host.modules_for(None), [])


class BindTest(DevbindTestCase):
    def assert_bound_to_vfio(self, bdf):
        self.assertEqual(self.m.driver_of(bdf), 'vfio-pci')
        self.assertEqual(self.m.override_of(bdf), 'vfio-pci')

    def test_bind_by_full_bdf(self):
        status, out, err = self.run_devbind('--bind', 'vfio-pci', '0000:03:00.0')
        self.assertEqual(status, 0, err)
        self.assert_bound_to_vfio('0000:03:00.0')
        # override first, so nothing else can grab the device between unbind and bind
        self.assertEqual(self.m.writes, [
            ('bus/pci/devices/0000:03:00.0/driver_override', 'vfio-pci'),
            ('bus/pci/drivers/e1000/unbind', '0000:03:00.0'),
            ('bus/pci/drivers/vfio-pci/bind', '0000:03:00.0')])
        self.assertIn('bound to vfio-pci (was e1000)', out)
        self.assertEqual(err, '')

    def test_bind_by_short_bdf(self):
        status, _, err = self.run_devbind('-b', 'vfio-pci', '03:00.0')
        self.assertEqual(status, 0, err)
        self.assert_bound_to_vfio('0000:03:00.0')

    def test_bind_by_interface_name(self):
        status, _, err = self.run_devbind('--bind', 'vfio-pci', 'eth1')
        self.assertEqual(status, 0, err)
        self.assert_bound_to_vfio('0000:03:00.0')

    def test_bind_by_virtio_interface_name_and_module_spelling(self):
        status, _, err = self.run_devbind('--bind', 'vfio_pci', 'eth2')
        self.assertEqual(status, 0, err)
        self.assert_bound_to_vfio('0000:00:05.0')

    def test_bind_several_devices(self):
        status, _, err = self.run_devbind('--bind', 'vfio-pci', 'eth1', '00:04.0', '03:00.0')
        self.assertEqual(status, 0, err)
        self.assert_bound_to_vfio('0000:03:00.0')
        self.assert_bound_to_vfio('0000:00:04.0')

    def test_refuses_active_interface(self):
        status, _, err = self.run_devbind('--bind', 'vfio-pci', 'eth1', '0000:00:02.0')
        self.assertEqual(status, 1)
        self.assert_one_error(err, 'interface eth0 (0000:00:02.0) is active (has routes); '
                              'use --force to take it anyway')
        self.assertEqual(self.m.writes, [], 'nothing may change when one device is refused')
        self.assertEqual(self.m.driver_of('0000:00:02.0'), 'e1000')
        self.assertEqual(self.m.driver_of('0000:03:00.0'), 'e1000')

    def test_force_takes_active_interface_and_warns_about_group(self):
        status, _, err = self.run_devbind('--force', '--bind', 'vfio-pci', 'eth0')
        self.assertEqual(status, 0, err)
        self.assert_bound_to_vfio('0000:00:02.0')
        warnings = [line for line in err.splitlines() if line.startswith('sl-devbind: warning:')]
        self.assertEqual(len(warnings), 1, err)
        self.assertIn('IOMMU group 2', warnings[0])
        self.assertIn('0000:00:02.1 (snd_hda_intel)', warnings[0])
        self.assertIn('bound to vfio-pci too or unbound', warnings[0])

    def test_no_group_warning_when_rest_of_group_is_safe(self):
        self.assertEqual(self.run_devbind('--force', '--unbind', '0000:00:02.1')[0], 0)
        status, _, err = self.run_devbind('--force', '--bind', 'vfio-pci', 'eth0')
        self.assertEqual(status, 0, err)
        self.assertNotIn('warning', err)

    def test_restores_previous_driver_when_bind_fails(self):
        self.m.refuse.add(('0000:03:00.0', 'vfio-pci'))
        status, _, err = self.run_devbind('--bind', 'vfio-pci', 'eth1')
        self.assertEqual(status, 1)
        self.assert_one_error(err, 'could not bind 0000:03:00.0 (eth1) to vfio-pci',
                              'back on e1000')
        self.assertEqual(self.m.driver_of('0000:03:00.0'), 'e1000')
        self.assertEqual(self.m.override_of('0000:03:00.0'), '(null)')

    def test_unbind_failure_leaves_device_where_it_was(self):
        self.m.refuse_unbind = True
        status, _, err = self.run_devbind('--bind', 'vfio-pci', 'eth1')
        self.assertEqual(status, 1)
        self.assert_one_error(err, 'unbinding from e1000', 'back on e1000')
        self.assertEqual(self.m.driver_of('0000:03:00.0'), 'e1000')
        self.assertEqual(self.m.override_of('0000:03:00.0'), '(null)')

    def test_kernel_without_driver_override(self):
        os.unlink(os.path.join(self.m.devpath('0000:03:00.0'), 'driver_override'))
        status, _, err = self.run_devbind('--bind', 'vfio-pci', 'eth1')
        self.assertEqual(status, 1)
        self.assert_one_error(err, '0000:03:00.0 has no driver_override', 'older than 3.15')
        self.assertEqual(self.m.driver_of('0000:03:00.0'), 'e1000')
        self.assertEqual(self.m.writes, [])

    def test_restore_failure_says_what_to_run(self):
        self.m.refuse.add(('0000:03:00.0', 'vfio-pci'))
        self.m.refuse.add(('0000:03:00.0', 'e1000'))
        status, _, err = self.run_devbind('--bind', 'vfio-pci', 'eth1')
        self.assertEqual(status, 1)
        self.assert_one_error(err, 'has no driver now',
                              "'sl-devbind --bind e1000 0000:03:00.0'")
        self.assertIsNone(self.m.driver_of('0000:03:00.0'))

    def test_failure_on_one_device_still_binds_the_others(self):
        self.m.refuse.add(('0000:03:00.0', 'vfio-pci'))
        status, _, err = self.run_devbind('--bind', 'vfio-pci', 'eth1', '00:04.0')
        self.assertEqual(status, 1)
        self.assert_bound_to_vfio('0000:00:04.0')
        self.assertEqual(self.m.driver_of('0000:03:00.0'), 'e1000')

    def test_bind_back_to_kernel_driver_clears_override(self):
        status, out, err = self.run_devbind('--bind', 'virtio-pci', '00:03.0')
        self.assertEqual(status, 0, err)
        self.assertEqual(self.m.driver_of('0000:00:03.0'), 'virtio-pci')
        self.assertEqual(self.m.override_of('0000:00:03.0'), '(null)')
        self.assertEqual(self.m.writes[0],
                         ('bus/pci/devices/0000:00:03.0/driver_override', '\n'))
        self.assertIn('bound to virtio-pci (was vfio-pci)', out)

    def test_wrong_kernel_driver_is_explained_and_undone(self):
        status, _, err = self.run_devbind('--bind', 'virtio-pci', 'eth1')
        self.assertEqual(status, 1)
        self.assert_one_error(err, 'virtio-pci does not claim 8086:100e devices',
                              'unused=', 'back on e1000')
        self.assertEqual(self.m.driver_of('0000:03:00.0'), 'e1000')

    def test_wrong_kernel_driver_from_vfio_restores_override(self):
        status, _, err = self.run_devbind('--bind', 'e1000', '00:03.0')
        self.assertEqual(status, 1)
        self.assert_one_error(err, 'back on vfio-pci')
        self.assertEqual(self.m.driver_of('0000:00:03.0'), 'vfio-pci')
        self.assertEqual(self.m.override_of('0000:00:03.0'), 'vfio-pci')

    def test_kernel_driver_by_module_name(self):
        status, _, err = self.run_devbind('--bind', 'virtio_pci', '00:03.0')
        self.assertEqual(status, 0, err)
        self.assertEqual(self.m.driver_of('0000:00:03.0'), 'virtio-pci')

    def test_already_bound(self):
        status, out, err = self.run_devbind('--bind', 'vfio-pci', '00:03.0')
        self.assertEqual(status, 0, err)
        self.assertIn('0000:00:03.0 is already bound to vfio-pci', out)
        self.assertEqual(self.m.writes, [])

    def test_already_bound_active_interface_needs_no_force(self):
        status, out, err = self.run_devbind('--bind', 'e1000', 'eth0')
        self.assertEqual(status, 0, err)
        self.assertIn('already bound to e1000', out)

    def test_unknown_device(self):
        for name in ('0000:09:00.0', '09:00.0', 'eth9'):
            status, _, err = self.run_devbind('--bind', 'vfio-pci', 'eth1', name)
            self.assertEqual(status, 1, name)
            self.assert_one_error(err, "no PCI device or network interface named '%s'" % name)
        self.assertIn('use the PCI address', err)      # eth9: names vanish on unbind
        self.assertEqual(self.m.writes, [])

    def test_non_network_device_needs_force(self):
        status, _, err = self.run_devbind('--bind', 'vfio-pci', '0000:00:02.1')
        self.assertEqual(status, 1)
        self.assert_one_error(err, '0000:00:02.1 is not a network device (class 0x040300)',
                              '--force')
        self.assertEqual(self.m.driver_of('0000:00:02.1'), 'snd_hda_intel')
        status, _, err = self.run_devbind('--force', '--bind', 'vfio-pci', '0000:00:02.1')
        self.assertEqual(status, 0, err)
        self.assert_bound_to_vfio('0000:00:02.1')

    def test_device_without_iommu_group(self):
        self.m.add_device('0000:00:06.0', E1000, CLASS_ETHERNET, 'e1000', ['eth3'],
                          supports=['e1000'])
        status, _, err = self.run_devbind('--bind', 'vfio-pci', 'eth3')
        self.assertEqual(status, 1)
        # Bare metal: the firmware and the kernel command line, or UIO.
        self.assert_one_error(err, '0000:00:06.0 has no IOMMU group', 'intel_iommu=on',
                              'VT-d/AMD-Vi in firmware',
                              "'sl-devbind --bind uio_pci_generic 0000:00:06.0'",
                              'DMA is not confined')
        self.assertNotIn('virtual', err)
        self.assertEqual(self.m.writes, [])

    def no_group_error_in_vm(self):
        self.m.set_dmi('QEMU', 'Standard PC (Q35 + ICH9, 2009)')
        self.m.add_device('0000:00:06.0', E1000, CLASS_ETHERNET, 'e1000', ['eth3'],
                          supports=['e1000'])
        status, _, err = self.run_devbind('--bind', 'vfio-pci', 'eth3')
        self.assertEqual(status, 1)
        self.assertEqual(self.m.writes, [])
        self.assertNotIn('VT-d', err)
        self.assertNotIn('firmware', err)
        return err

    def test_device_without_iommu_group_in_vm_says_both_ways(self):
        err = self.no_group_error_in_vm()
        self.assert_one_error(err, '0000:00:06.0 has no IOMMU group',
                              'this virtual machine (QEMU) has no virtual IOMMU',
                              '-machine q35,kernel-irqchip=split',
                              '-device intel-iommu,intremap=on',
                              "libvirt: <iommu model='intel'/>",
                              "intel_iommu=on on the guest's kernel command line",
                              "'sl-devbind --bind uio_pci_generic 0000:00:06.0'",
                              'DMA is not confined', 'physical addresses')
        # The second way works as printed.
        command = err.split("'sl-devbind ")[1].split("'")[0]
        self.m.add_driver('uio_pci_generic')
        status, _, err = self.run_devbind(*shlex.split(command))
        self.assertEqual(status, 0, err)
        self.assertEqual(self.m.driver_of('0000:00:06.0'), 'uio_pci_generic')

    def test_device_without_iommu_group_in_vm_with_unused_viommu(self):
        self.m.add_acpi_table('DMAR')
        err = self.no_group_error_in_vm()
        self.assert_one_error(err, 'this virtual machine (QEMU) has a virtual IOMMU the kernel '
                              'does not use', 'intel_iommu=on', 'uio_pci_generic')
        self.assertNotIn('-device intel-iommu', err)

    def test_modprobe_when_vfio_missing(self):
        shutil.rmtree(os.path.join(self.m.sys, 'bus/pci/drivers/vfio-pci'))
        shutil.rmtree(os.path.join(self.m.sys, 'module/vfio_pci'))
        self.m.add_device('0000:00:07.0', E1000, CLASS_ETHERNET, 'e1000', ['eth4'], group=7,
                          supports=['e1000'])
        command, log = self.modprobe_script()
        status, _, err = self.run_devbind('--bind', 'vfio-pci', 'eth4',
                                          env=self.m.env(SL_MODPROBE=command))
        self.assertEqual(status, 0, err)
        with open(log) as f:
            self.assertEqual(f.read().split(), ['vfio-pci'])
        self.assert_bound_to_vfio('0000:00:07.0')

    def test_no_modprobe_when_vfio_loaded(self):
        command, log = self.modprobe_script()
        status, _, err = self.run_devbind('--bind', 'vfio-pci', 'eth1',
                                          env=self.m.env(SL_MODPROBE=command))
        self.assertEqual(status, 0, err)
        self.assertFalse(os.path.exists(log))

    def test_modprobe_failure(self):
        shutil.rmtree(os.path.join(self.m.sys, 'bus/pci/drivers/vfio-pci'))
        shutil.rmtree(os.path.join(self.m.sys, 'module/vfio_pci'))
        command, _ = self.modprobe_script(create_driver=False)
        status, _, err = self.run_devbind('--bind', 'vfio-pci', 'eth1',
                                          env=self.m.env(SL_MODPROBE=command))
        self.assertEqual(status, 1)
        self.assert_one_error(err, "'modprobe vfio-pci' failed",
                              'Module vfio-pci not found')
        self.assertEqual(self.m.writes, [])
        self.assertEqual(self.m.driver_of('0000:03:00.0'), 'e1000')

    def test_not_root(self):
        with mock.patch.object(devbind.os, 'geteuid', return_value=1000), \
                mock.patch.object(devbind.os, 'access', return_value=False):
            status, _, err = self.run_devbind('--bind', 'vfio-pci', 'eth1')
        self.assertEqual(status, 1)
        self.assert_one_error(err, 'needs root', 'sudo')
        self.assertEqual(self.m.writes, [])

    def test_permission_denied_during_write(self):
        def denied(path, text):
            raise PermissionError(errno.EACCES, 'Permission denied')
        self.m.write_attr = denied
        status, _, err = self.run_devbind('--bind', 'vfio-pci', 'eth1')
        self.assertEqual(status, 1)
        self.assert_one_error(err, 'permission denied', 'run as root')


class UioBindTest(DevbindTestCase):
    def setUp(self):
        super().setUp()
        # As in a VM without a virtual IOMMU: no group.
        self.m.add_device('0000:00:06.0', E1000, CLASS_ETHERNET, 'e1000', ['eth3'],
                          supports=['e1000'])

    def notices(self, out):
        return [line for line in out.splitlines() if 'does not confine DMA' in line]

    def test_bind_with_module_loaded(self):
        self.m.add_driver('uio_pci_generic')
        command, log = self.modprobe_script()
        status, out, err = self.run_devbind('--bind', 'uio_pci_generic', 'eth3',
                                            env=self.m.env(SL_MODPROBE=command))
        self.assertEqual(status, 0, err)
        self.assertEqual(err, '')
        self.assertFalse(os.path.exists(log), 'uio_pci_generic was loaded: no modprobe')
        self.assertEqual(self.m.writes, [
            ('bus/pci/devices/0000:00:06.0/driver_override', 'uio_pci_generic'),
            ('bus/pci/drivers/e1000/unbind', '0000:00:06.0'),
            ('bus/pci/drivers/uio_pci_generic/bind', '0000:00:06.0')])
        self.assertEqual(self.m.driver_of('0000:00:06.0'), 'uio_pci_generic')
        self.assertEqual(self.m.override_of('0000:00:06.0'), 'uio_pci_generic')
        self.assertIn('bound to uio_pci_generic (was e1000)', out)
        self.assertEqual(len(self.notices(out)), 1, out)
        self.assertIn('physical addresses (--iova-mode pa', self.notices(out)[0])
        self.assertIn('root and hugepages', self.notices(out)[0])
        line = [x for x in self.run_devbind('--status')[1].splitlines()
                if x.startswith('0000:00:06.0 ')][0]
        self.assertIn('uio=' + os.path.join(self.m.dev, 'uio0'), line)

    def test_bind_loads_module_and_accepts_dashes(self):
        command, log = self.modprobe_script()
        status, out, err = self.run_devbind('--bind', 'uio-pci-generic', '00:06.0',
                                            env=self.m.env(SL_MODPROBE=command))
        self.assertEqual(status, 0, err)
        with open(log) as f:
            self.assertEqual(f.read().split(), ['uio_pci_generic'])
        self.assertEqual(self.m.driver_of('0000:00:06.0'), 'uio_pci_generic')
        self.assertEqual(self.m.override_of('0000:00:06.0'), 'uio_pci_generic')

    def test_modprobe_failure_says_which_package(self):
        command, _ = self.modprobe_script(create_driver=False)
        status, _, err = self.run_devbind('--bind', 'uio_pci_generic', 'eth3',
                                          env=self.m.env(SL_MODPROBE=command))
        self.assertEqual(status, 1)
        self.assert_one_error(err, "'modprobe uio_pci_generic' failed",
                              'Module uio_pci_generic not found',
                              "kernel's modules", 'linux-image-amd64', 'linux-modules-extra',
                              "then run 'modprobe uio_pci_generic'")
        self.assertEqual(self.m.writes, [])
        self.assertEqual(self.m.driver_of('0000:00:06.0'), 'e1000')

    def test_modprobe_missing(self):
        status, _, err = self.run_devbind(
            '--bind', 'uio_pci_generic', 'eth3',
            env=self.m.env(SL_MODPROBE=os.path.join(self.tmp, 'no-such-modprobe')))
        self.assertEqual(status, 1)
        self.assert_one_error(err, "'modprobe uio_pci_generic' failed", 'no-such-modprobe',
                              'linux-image-amd64')
        self.assertEqual(self.m.writes, [])

    def test_unbind_and_back_to_kernel_driver(self):
        self.m.add_driver('uio_pci_generic')
        self.assertEqual(self.run_devbind('--bind', 'uio_pci_generic', 'eth3')[0], 0)
        self.assertEqual(self.m.uio_of('0000:00:06.0'), ['uio0'])
        status, out, err = self.run_devbind('--bind', 'e1000', '00:06.0')
        self.assertEqual(status, 0, err)
        self.assertIn('bound to e1000 (was uio_pci_generic)', out)
        self.assertEqual(self.m.override_of('0000:00:06.0'), '(null)')
        self.assertEqual(self.m.uio_of('0000:00:06.0'), [])
        self.assertEqual(self.notices(out), [])

    def test_uio_refusing_the_device_is_explained_and_undone(self):
        self.m.add_driver('uio_pci_generic')

        def no_intx(path, text):
            if path.endswith('uio_pci_generic/bind'):
                self.m.writes.append((os.path.relpath(path, self.m.sys), text))
                raise OSError(errno.ENODEV, os.strerror(errno.ENODEV))
            return type(self.m).write_attr(self.m, path, text)
        self.m.write_attr = no_intx
        status, _, err = self.run_devbind('--bind', 'uio_pci_generic', 'eth3')
        self.assertEqual(status, 1)
        self.assert_one_error(err, 'uio_pci_generic refused it (ENODEV)', 'INTx',
                              'back on e1000')
        self.assertEqual(self.m.driver_of('0000:00:06.0'), 'e1000')

    def warnings(self, err):
        return [line for line in err.splitlines() if line.startswith('sl-devbind: warning:')]

    def test_warns_when_an_iommu_is_active(self):
        self.m.add_driver('uio_pci_generic')
        status, out, err = self.run_devbind('--bind', 'uio_pci_generic', 'eth1')
        self.assertEqual(status, 0, err)
        self.assertEqual(self.m.driver_of('0000:03:00.0'), 'uio_pci_generic')
        warnings = self.warnings(err)
        self.assertEqual(len(warnings), 1, err)
        self.assertIn('an IOMMU is active (0000:03:00.0 has an IOMMU group)', warnings[0])
        self.assertIn('not confined', warnings[0])
        self.assertIn("vfio-pci is the safe choice here ('sl-devbind --bind vfio-pci "
                      "0000:03:00.0')", warnings[0])
        self.assertEqual(self.notices(out), [])

    def test_warns_that_a_translating_iommu_blocks_physical_addresses(self):
        self.m.add_driver('uio_pci_generic')
        self.m.add_device('0000:00:07.0', E1000, CLASS_ETHERNET, 'e1000', ['eth4'], group=7,
                          group_type='DMA-FQ', supports=['e1000'])
        status, _, err = self.run_devbind('--bind', 'uio_pci_generic', 'eth4')
        self.assertEqual(status, 0, err)
        warnings = self.warnings(err)
        self.assertEqual(len(warnings), 1, err)
        self.assertIn('an IOMMU translates DMA for 0000:00:07.0 (IOMMU group type DMA-FQ)',
                      warnings[0])
        self.assertIn('cannot reach the physical addresses', warnings[0])
        self.assertIn("'sl-devbind --bind vfio-pci 0000:00:07.0'", warnings[0])
        self.assertIn('iommu=pt', warnings[0])

    def test_identity_group_gets_the_unconfined_warning(self):
        self.m.add_driver('uio_pci_generic')
        self.m.add_device('0000:00:07.0', E1000, CLASS_ETHERNET, 'e1000', ['eth4'], group=7,
                          group_type='identity', supports=['e1000'])
        status, _, err = self.run_devbind('--bind', 'uio_pci_generic', 'eth4')
        self.assertEqual(status, 0, err)
        self.assertIn('an IOMMU is active', self.warnings(err)[0])


class UnbindTest(DevbindTestCase):
    def test_unbind_clears_driver_and_override(self):
        status, out, err = self.run_devbind('--unbind', '00:03.0')
        self.assertEqual(status, 0, err)
        self.assertIsNone(self.m.driver_of('0000:00:03.0'))
        self.assertEqual(self.m.override_of('0000:00:03.0'), '(null)')
        self.assertIn('unbound from vfio-pci', out)

    def test_unbind_by_interface(self):
        status, _, err = self.run_devbind('-u', 'eth1')
        self.assertEqual(status, 0, err)
        self.assertIsNone(self.m.driver_of('0000:03:00.0'))
        self.assertEqual(self.m.writes, [('bus/pci/drivers/e1000/unbind', '0000:03:00.0')])

    def test_unbind_device_without_driver(self):
        status, out, err = self.run_devbind('--unbind', '00:04.0')
        self.assertEqual(status, 0, err)
        self.assertIn('was not bound to any driver', out)
        self.assertEqual(self.m.writes, [])

    def test_unbind_refuses_active_unless_forced(self):
        status, _, err = self.run_devbind('--unbind', 'eth0')
        self.assertEqual(status, 1)
        self.assert_one_error(err, 'interface eth0 (0000:00:02.0) is active')
        self.assertEqual(self.m.driver_of('0000:00:02.0'), 'e1000')
        status, _, err = self.run_devbind('--unbind', '--force', 'eth0')
        self.assertEqual(status, 0, err)
        self.assertIsNone(self.m.driver_of('0000:00:02.0'))


class UsageTest(DevbindTestCase):
    def assert_usage_error(self, *argv):
        status, _, err = self.run_devbind(*argv)
        self.assertEqual(status, 2, argv)
        self.assert_one_error(err)
        self.assertEqual(self.m.writes, [])

    def test_bind_without_devices(self):
        self.assert_usage_error('--bind', 'vfio-pci')

    def test_unbind_without_devices(self):
        self.assert_usage_error('--unbind')

    def test_devices_without_action(self):
        self.assert_usage_error('eth1')

    def test_forgot_driver_name(self):
        status, _, err = self.run_devbind('--bind', '03:00.0', 'eth1')
        self.assertEqual(status, 2)
        self.assert_one_error(err, "'03:00.0' is a device, not a driver")

    def test_bind_and_unbind_together(self):
        self.assert_usage_error('--bind', 'vfio-pci', '--unbind', 'eth1')


if __name__ == '__main__':
    unittest.main(verbosity=2)
