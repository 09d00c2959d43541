#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""Unit tests for usertools/sl-hugepages and usertools/sl-doctor on fake
sysfs/procfs/dev trees.

The PCI part of the tree and its fake kernel (bind/unbind/driver_override)
come from test_devbind.FakeMachine; this file adds CPUs, NUMA nodes,
hugepage pools with a fake kernel behind nr_hugepages (it grants at most what
a node has room for, and keeps pages in use), mounts, the kernel command line,
/proc/self/limits and /proc/self/status. Every FAIL sl-doctor prints must
come with a fix line, and the fix lines for hugepages and IOMMU groups are run
against the fake kernel to show they really fix the failure.
"""

import contextlib
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

HERE = os.path.dirname(os.path.abspath(__file__))
SRCDIR = os.environ.get('SL_SRCDIR') or os.path.join(HERE, '..', '..')
USERTOOLS = os.path.join(SRCDIR, 'usertools')

sys.dont_write_bytecode = True     # no __pycache__ in the source tree
sys.path.insert(0, USERTOOLS)
sys.path.insert(0, HERE)
import sl_sysfs  # noqa: E402
import test_devbind  # noqa: E402  (FakeMachine: the PCI tree and its fake kernel)


def load_tool(name):
    loader = importlib.machinery.SourceFileLoader(name.replace('-', '_'),
                                                  os.path.join(USERTOOLS, name))
    spec = importlib.util.spec_from_loader(loader.name, loader)
    module = importlib.util.module_from_spec(spec)
    loader.exec_module(module)
    return module


hugepages = load_tool('sl-hugepages')
doctor = load_tool('sl-doctor')
devbind = test_devbind.devbind

KB_2M = 2048
KB_1G = 1048576
MB = 1 << 20

CPUINFO_FLAGS = ('fpu vme de pse tsc msr pae mce cx8 apic sep mtrr pge mca cmov pat pse36 '
                 'clflush mmx fxsr sse sse2 ht syscall nx lm constant_tsc pni pclmulqdq '
                 'ssse3 fma cx16 sse4_1 sse4_2 movbe popcnt aes xsave avx lahf_lm')


class FakeHost(test_devbind.FakeMachine):
    """FakeMachine plus memory, CPU, IOMMU and process state."""

    def __init__(self, tmp, nodes=(0, 1), cpus_per_node=2, sizes=(KB_2M, KB_1G),
                 room_mb=4096, per_node_sysfs=True):
        super().__init__(tmp)
        self.nodes = list(nodes)
        self.sizes = list(sizes)
        self.per_node_sysfs = per_node_sysfs
        # What each node can still turn into hugepages; 1G pages need
        # contiguous gigabytes, modelled by a separate, smaller budget.
        self.room = {(n, kb): (room_mb * 1024 // kb if kb < KB_1G else 2) for n in self.nodes
                     for kb in self.sizes}
        self.pages = {(n, kb): [0, 0] for n in self.nodes for kb in self.sizes}  # total, used
        self.mounts = []
        cpus = []
        for n in self.nodes:
            node_cpus = list(range(n * cpus_per_node, (n + 1) * cpus_per_node))
            cpus += node_cpus
            d = os.path.join(self.sys, 'devices/system/node/node%d' % n)
            os.makedirs(d)
            self._put(os.path.join(d, 'cpulist'), sl_sysfs.format_cpulist(node_cpus))
        self._put(os.path.join(self.sys, 'devices/system/node/online'),
                  sl_sysfs.format_cpulist(self.nodes))
        self._put(os.path.join(self.sys, 'devices/system/cpu/online'),
                  sl_sysfs.format_cpulist(cpus))
        self.set_cpu('GenuineIntel', 'Intel(R) Xeon(R) Fake CPU', CPUINFO_FLAGS)
        self.set_cmdline('BOOT_IMAGE=/vmlinuz root=/dev/sda1 ro quiet')
        self.set_limits(64 * 1024, 64 * 1024)
        self.set_caps(root=True)
        os.makedirs(os.path.join(self.sys, 'class/iommu'))
        self.sync()

    @staticmethod
    def _put(path, text):
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, 'w') as f:
            f.write(text + '\n')

    # ---- state setters -----------------------------------------------------

    def set_cpu(self, vendor, model, flags):
        with open(os.path.join(self.proc, 'cpuinfo'), 'w') as f:
            for cpu in range(2):
                f.write('processor\t: %d\nvendor_id\t: %s\nmodel name\t: %s\nflags\t\t: %s\n\n'
                        % (cpu, vendor, model, flags))

    def set_cmdline(self, text):
        self._put(os.path.join(self.proc, 'cmdline'), text)

    def set_limits(self, soft, hard):
        fmt = lambda v: 'unlimited' if v is None else str(v)  # noqa: E731
        self._put(os.path.join(self.proc, 'self/limits'),
                  'Limit                     Soft Limit           Hard Limit           Units\n'
                  'Max open files            1024                 1048576              files\n'
                  'Max locked memory         %-20s %-20s bytes' % (fmt(soft), fmt(hard)))

    def set_caps(self, root):
        caps = 0x1ffffffffff if root else 0
        self._put(os.path.join(self.proc, 'self/status'),
                  'Name:\tpython3\nCapInh:\t0000000000000000\nCapEff:\t%016x\n' % caps)

    def enable_iommu(self, units=('dmar0',)):
        for u in units:
            os.makedirs(os.path.join(self.sys, 'class/iommu', u))

    def load_vfio(self, devnode=True):
        if not os.path.isdir(os.path.join(self.sys, 'bus/pci/drivers/vfio-pci')):
            self.add_driver('vfio-pci')
        if devnode:
            open(os.path.join(self.dev, 'vfio', 'vfio'), 'w').close()

    def add_group_node(self, group):
        open(os.path.join(self.dev, 'vfio', str(group)), 'w').close()

    def reserve(self, node, kb, total, used=0):
        self.pages[(node, kb)] = [total, used]
        self.sync()

    def add_mount(self, point, pagesize):
        self.mounts.append('nodev %s hugetlbfs rw,relatime,pagesize=%s 0 0'
                           % (point.replace(' ', '\\040'), pagesize))
        self.sync()

    # ---- files from the state --------------------------------------------

    def sync(self):
        for kb in self.sizes:
            gdir = os.path.join(self.sys, 'kernel/mm/hugepages/hugepages-%dkB' % kb)
            total = sum(self.pages[(n, kb)][0] for n in self.nodes)
            used = sum(self.pages[(n, kb)][1] for n in self.nodes)
            for name, v in (('nr_hugepages', total), ('free_hugepages', total - used),
                            ('resv_hugepages', 0), ('surplus_hugepages', 0)):
                self._put(os.path.join(gdir, name), str(v))
            for n in self.nodes:
                ndir = os.path.join(self.sys, 'devices/system/node/node%d/hugepages/'
                                    'hugepages-%dkB' % (n, kb))
                if not self.per_node_sysfs:
                    continue
                total, used = self.pages[(n, kb)]
                for name, v in (('nr_hugepages', total), ('free_hugepages', total - used),
                                ('surplus_hugepages', 0)):
                    self._put(os.path.join(ndir, name), str(v))
        default_kb = self.sizes[0]
        total = sum(self.pages[(n, default_kb)][0] for n in self.nodes)
        free = total - sum(self.pages[(n, default_kb)][1] for n in self.nodes)
        self._put(os.path.join(self.proc, 'meminfo'),
                  'MemTotal:       16000000 kB\nHugePages_Total:   %5d\nHugePages_Free:    %5d\n'
                  'Hugepagesize:       %d kB' % (total, free, default_kb))
        self._put(os.path.join(self.proc, 'mounts'),
                  '\n'.join(['sysfs /sys sysfs rw 0 0', 'proc /proc proc rw 0 0'] + self.mounts))

    # ---- the fake kernel: nr_hugepages --------------------------------------

    def _set_node(self, node, kb, want):
        total, used = self.pages[(node, kb)]
        # Pages in use stay (they become surplus in a real kernel); growth
        # stops where the node has no more room.
        new = max(min(want, self.room[(node, kb)]), used)
        self.pages[(node, kb)] = [new, used]

    def write_attr(self, path, text):
        rel = os.path.relpath(path, self.sys)
        parts = rel.split(os.sep)
        if parts[-1] != 'nr_hugepages':
            return super().write_attr(path, text)
        self.writes.append((rel, text))
        want = int(text)
        kb = int(parts[-2][len('hugepages-'):-2])
        if parts[:3] == ['kernel', 'mm', 'hugepages']:
            # The kernel spreads a system-wide count over the nodes round robin.
            share = {n: 0 for n in self.nodes}
            for i in range(want):
                share[self.nodes[i % len(self.nodes)]] += 1
            for n in self.nodes:
                self._set_node(n, kb, share[n])
        else:
            self._set_node(int(parts[3][4:]), kb, want)
        self.sync()


class ToolTestCase(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix='sl-usertools-test-')
        self.addCleanup(shutil.rmtree, self.tmp)
        self.m = self.make_host()

    def make_host(self, **kw):
        return FakeHost(os.path.join(self.tmp, 'm%d' % len(os.listdir(self.tmp))), **kw)

    def run_tool(self, module, *argv, env=None, euid=0):
        out, err = io.StringIO(), io.StringIO()
        with mock.patch.dict(os.environ, env or self.m.env()), \
                mock.patch.object(sl_sysfs, 'write_attr', self.m.write_attr), \
                mock.patch.object(os, 'geteuid', return_value=euid), \
                contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            try:
                status = module.main(list(argv))
            except SystemExit as exit_:
                status = exit_.code
        return status, out.getvalue(), err.getvalue()

    def hp(self, *argv, **kw):
        return self.run_tool(hugepages, *argv, **kw)

    def fake_command(self, name):
        """A stand-in for mount/umount that logs its argv; returns (env value, log path)."""
        log = os.path.join(self.tmp, name + '.log')
        script = os.path.join(self.tmp, name + '.sh')
        with open(script, 'w') as f:
            f.write('echo "$@" >> %s\n' % shlex.quote(log))
        return 'sh ' + shlex.quote(script), log


# ---- sl-hugepages ---------------------------------------------------------------

class HugepagesShowTest(ToolTestCase):
    def rows(self, out):
        rows = {}
        for line in out.splitlines():
            f = line.split()
            if len(f) == 7 and f[0] != 'node':
                rows[(f[0], f[1].rstrip('*'))] = [int(x) for x in f[2:]]
        return rows

    def test_per_node_per_size_table(self):
        self.m.reserve(0, KB_2M, 300, used=100)
        self.m.reserve(1, KB_2M, 200)
        self.m.reserve(1, KB_1G, 2, used=1)
        status, out, err = self.hp()
        self.assertEqual(status, 0, err)
        rows = self.rows(out)
        self.assertEqual(rows[('0', '2M')], [300, 200, 100, 600, 400])
        self.assertEqual(rows[('1', '2M')], [200, 200, 0, 400, 400])
        self.assertEqual(rows[('0', '1G')], [0, 0, 0, 0, 0])
        self.assertEqual(rows[('1', '1G')], [2, 1, 1, 2048, 1024])
        self.assertIn('2M: 800 MB of 1000 MB free; 1G: 1024 MB of 2048 MB free', out)
        self.assertIn('2M*', out)          # the default size is marked
        self.assertNotIn('1G*', out)

    def test_show_is_the_default(self):
        self.assertEqual(self.hp()[1], self.hp('--show')[1])

    def test_mounts_listed(self):
        out = self.hp()[1]
        self.assertIn('<none>', out)
        self.m.add_mount('/dev/hugepages', '2M')
        self.m.add_mount('/mnt/huge 1G', '1024M')
        out = self.hp()[1]
        self.assertIn('/dev/hugepages pagesize=2M', out)
        self.assertIn('/mnt/huge 1G pagesize=1G', out)

    def test_system_wide_without_per_node_sysfs(self):
        self.m = self.make_host(per_node_sysfs=False)
        self.m.reserve(0, KB_2M, 10)
        self.m.reserve(1, KB_2M, 6)
        status, out, err = self.hp()
        self.assertEqual(status, 0, err)
        self.assertIn('system-wide', out)
        self.assertEqual(self.rows(out)[('-', '2M')], [16, 16, 0, 32, 32])

    def test_kernel_without_hugepages(self):
        shutil.rmtree(os.path.join(self.m.sys, 'kernel/mm/hugepages'))
        shutil.rmtree(os.path.join(self.m.sys, 'devices/system/node'))
        status, out, _ = self.hp()
        self.assertEqual(status, 0)
        self.assertIn('--no-huge', out)
        status, _, err = self.hp('--setup', '64M')
        self.assertEqual(status, 1)
        self.assertIn('no hugepage support', err)


class HugepagesChangeTest(ToolTestCase):
    def test_setup_system_wide_default_size(self):
        status, out, err = self.hp('--setup', '512M')
        self.assertEqual(status, 0, err)
        self.assertEqual(self.m.writes, [('kernel/mm/hugepages/hugepages-2048kB/nr_hugepages',
                                          '256')])
        self.assertEqual(self.m.pages[(0, KB_2M)][0] + self.m.pages[(1, KB_2M)][0], 256)
        self.assertIn('256 x 2M pages (512 MB) reserved system-wide', out)

    def test_setup_rounds_up_to_whole_pages_and_takes_units(self):
        for text, pages in (('3M', 2), ('1G', 512), ('2048k', 1), ('100', 50), ('1GiB', 512)):
            self.m.writes.clear()
            status, _, err = self.hp('--setup', text)
            self.assertEqual(status, 0, err)
            self.assertEqual(self.m.writes[-1][1], str(pages), text)

    def test_setup_node_and_1g_size(self):
        status, out, err = self.hp('--setup', '2G', '--size', '1G', '--node', '1')
        self.assertEqual(status, 0, err)
        self.assertEqual(self.m.writes, [(
            'devices/system/node/node1/hugepages/hugepages-1048576kB/nr_hugepages', '2')])
        self.assertEqual(self.m.pages[(1, KB_1G)], [2, 0])
        self.assertEqual(self.m.pages[(0, KB_1G)], [0, 0])
        self.assertIn('reserved on node 1', out)

    def test_setup_shrinks_too(self):
        self.m.reserve(0, KB_2M, 400)
        status, _, err = self.hp('--setup', '64M', '--node', '0')
        self.assertEqual(status, 0, err)
        self.assertEqual(self.m.pages[(0, KB_2M)][0], 32)

    def test_kernel_grants_fewer_pages(self):
        status, _, err = self.hp('--setup', '8G', '--size', '1G', '--node', '0')
        self.assertEqual(status, 1)
        self.assertIn('asked for 8 x 1G pages (8192 MB) on node 0, the kernel gave 2 (2048 MB)',
                      err)
        self.assertIn('hugepagesz=1G hugepages=8', err)
        status, _, err = self.hp('--setup', '16G')
        self.assertEqual(status, 1)
        self.assertIn('compact_memory', err)
        self.assertEqual(len(err.strip().splitlines()), 1, err)

    def test_bad_values(self):
        for argv, fragment in (
                (('--setup', 'lots'), "--setup 'lots' is not a size"),
                (('--setup', '1G', '--size', '4M'), '4M pages are not offered here '
                 '(this CPU and kernel have 2M, 1G); use --size 2M'),
                (('--setup', '1G', '--size', 'big'), "--size 'big' is not a page size"),
                (('--setup', '1G', '--node', '7'), 'NUMA node 7 does not exist here '
                 '(online nodes: 0-1)')):
            status, out, err = self.hp(*argv)
            self.assertEqual(status, 1, argv)
            self.assertEqual(err.count('sl-hugepages: error:'), 1, err)
            self.assertIn(fragment, err)
        self.assertEqual(self.m.writes, [])

    def test_usage_errors(self):
        for argv in (('--setup', '1G', '--clear'), ('--node', '1'), ('--mount', '--unmount'),
                     ('--bogus',)):
            status, _, err = self.hp(*argv)
            self.assertEqual(status, 2, argv)
            self.assertIn("see 'sl-hugepages --help'", err)

    def test_not_root(self):
        nr = os.path.join(self.m.sys, 'kernel/mm/hugepages/hugepages-2048kB/nr_hugepages')
        os.chmod(nr, 0o444)
        with mock.patch.object(os, 'access', return_value=False):
            status, _, err = self.hp('--setup', '512M', euid=1000)
        self.assertEqual(status, 1)
        self.assertIn('needs root', err)
        self.assertEqual(self.m.writes, [])

    def test_clear_everything_and_report_pages_in_use(self):
        self.m.reserve(0, KB_2M, 100)
        self.m.reserve(1, KB_2M, 100, used=10)
        self.m.reserve(1, KB_1G, 1)
        status, out, err = self.hp('--clear')
        self.assertEqual(status, 0, err)
        self.assertEqual(sorted(w[0] for w in self.m.writes), [
            'kernel/mm/hugepages/hugepages-1048576kB/nr_hugepages',
            'kernel/mm/hugepages/hugepages-2048kB/nr_hugepages'])
        self.assertEqual(self.m.pages[(0, KB_2M)][0], 0)
        self.assertEqual(self.m.pages[(1, KB_1G)][0], 0)
        self.assertIn('10 x 2M still in use', out)

    def test_clear_one_node_one_size(self):
        self.m.reserve(0, KB_2M, 100)
        self.m.reserve(1, KB_2M, 100)
        status, out, err = self.hp('--clear', '--node', '1', '--size', '2M')
        self.assertEqual(status, 0, err)
        self.assertEqual(self.m.pages[(0, KB_2M)][0], 100)
        self.assertEqual(self.m.pages[(1, KB_2M)][0], 0)
        self.assertIn('no hugepages reserved on node 1', out)

    def test_mount(self):
        mount, log = self.fake_command('mount')
        where = os.path.join(self.tmp, 'huge1g')
        status, out, err = self.hp('--mount', where, '--size', '1G', env=self.m.env(SL_MOUNT=mount))
        self.assertEqual(status, 0, err)
        with open(log) as f:
            self.assertEqual(f.read().split(), ['-t', 'hugetlbfs', '-o', 'pagesize=1G', 'nodev',
                                                where])
        self.assertTrue(os.path.isdir(where))

    def test_setup_and_mount_default_dir(self):
        mount, log = self.fake_command('mount')
        with mock.patch.object(os, 'makedirs'):
            status, out, err = self.hp('--setup', '256M', '--mount', env=self.m.env(SL_MOUNT=mount))
        self.assertEqual(status, 0, err)
        with open(log) as f:
            self.assertEqual(f.read().split()[-1], '/dev/hugepages')
        self.assertIn('mounted at /dev/hugepages', out)

    def test_mount_already_there_and_conflicting_size(self):
        mount, log = self.fake_command('mount')
        self.m.add_mount('/dev/hugepages', '2M')
        status, out, err = self.hp('--mount', env=self.m.env(SL_MOUNT=mount))
        self.assertEqual(status, 0, err)
        self.assertIn('already mounted', out)
        status, _, err = self.hp('--mount', '--size', '1G', env=self.m.env(SL_MOUNT=mount))
        self.assertEqual(status, 1)
        self.assertIn('already holds a hugetlbfs with 2M pages', err)
        self.assertFalse(os.path.exists(log))

    def test_mount_failure(self):
        env = self.m.env(SL_MOUNT='sh -c "echo mount: permission denied >&2; exit 32" mount')
        with mock.patch.object(os, 'makedirs'):
            status, _, err = self.hp('--mount', env=env)
        self.assertEqual(status, 1)
        self.assertIn('mount -t hugetlbfs -o pagesize=2M nodev /dev/hugepages failed '
                      '(mount: permission denied)', err)

    def test_unmount(self):
        umount, log = self.fake_command('umount')
        self.m.add_mount('/dev/hugepages', '2M')
        self.m.add_mount('/mnt/h1g', '1024M')
        status, out, err = self.hp('--unmount', env=self.m.env(SL_UMOUNT=umount))
        self.assertEqual(status, 0, err)
        with open(log) as f:
            self.assertEqual(f.read().split(), ['/mnt/h1g', '/dev/hugepages'])

    def test_help_has_examples(self):
        status, out, _ = self.hp('--help')
        self.assertEqual(status, 0)
        self.assertIn('examples:', out)
        self.assertIn('sl-hugepages --setup 512M', out)


# ---- sl-doctor ----------------------------------------------------------------------

class DoctorTestCase(ToolTestCase):
    def healthy(self):
        """Every check passes: IOMMU, vfio-pci, 1 GB of hugepages, a NIC ready."""
        self.m.enable_iommu()
        self.m.load_vfio()
        self.m.add_device('0000:00:03.0', test_devbind.E1000, test_devbind.CLASS_ETHERNET,
                          'vfio-pci', group=3, numa=0, supports=['e1000'], override='vfio-pci')
        self.m.add_group_node(3)
        self.m.add_device('0000:00:02.0', test_devbind.E1000, test_devbind.CLASS_ETHERNET,
                          'e1000', ['eth0'], group=2, supports=['e1000'])
        self.m.add_route('eth0')
        self.m.reserve(0, KB_2M, 256)
        self.m.reserve(1, KB_2M, 256)

    def doc(self, *argv, **kw):
        status, out, err = self.run_tool(doctor, *argv, **kw)
        lines = out.splitlines()
        for i, line in enumerate(lines):
            if line.startswith('[FAIL]'):
                self.assertTrue(i + 1 < len(lines) and lines[i + 1].startswith('       fix: '),
                                'FAIL without a fix line:\n' + out)
        self.assertEqual(status, 1 if any(x.startswith('[FAIL]') for x in lines) else 0, out)
        return status, out, err

    def fails(self, out):
        return [line for line in out.splitlines() if line.startswith('[FAIL]')]

    def uio_fix(self, bdfs='DEV...'):
        """The fix line for the way without an IOMMU (healthy(): no spare NIC to name)."""
        return ('or, without an IOMMU: %s --bind uio_pci_generic %s   (DMA is not confined: '
                'a wrong address from an app lands anywhere in memory; apps use physical '
                'addresses)' % (os.path.join(os.path.realpath(USERTOOLS), 'sl-devbind'), bdfs))

    def fix_after(self, out, fragment):
        lines = out.splitlines()
        for i, line in enumerate(lines):
            if line.startswith('[FAIL]') and fragment in line:
                fixes = []
                for nxt in lines[i + 1:]:
                    if not nxt.startswith('       fix: '):
                        break
                    fixes.append(nxt[len('       fix: '):])
                return fixes
        self.fail('no FAIL line with %r in:\n%s' % (fragment, out))


class DoctorTest(DoctorTestCase):
    def test_healthy_machine_passes(self):
        self.healthy()
        status, out, err = self.doc()
        self.assertEqual(status, 0, out)
        self.assertIn('all checks passed', out)
        self.assertIn('[info] NUMA node 1: cpus 2-3', out)
        self.assertIn('[ ok ] IOMMU enabled: dmar0', out)
        self.assertIn('[ ok ] 0000:00:03.0 8086:100e', out)
        self.assertIn('IOMMU group 3 viable', out)
        self.assertIn('(eth0)', out)
        self.assertIn('carries routes', out)

    def test_nic_without_a_sluice_driver(self):
        """An RTL8139 on vfio-pci gives no port: sl-doctor says so and does
        not count it as ready."""
        self.healthy()
        self.m.add_device('0000:00:07.0', ('10ec', '8139'), test_devbind.CLASS_ETHERNET,
                          'vfio-pci', group=7, supports=['8139too'], override='vfio-pci')
        self.m.add_group_node(7)
        status, out, _ = self.doc()
        self.assertEqual(status, 0, out)
        self.assertIn('no Sluice driver for 10ec:8139 yet (Sluice drives 8254x (e1000), 82574L '
                      '(e1000e), virtio-net and vmxnet3)', out)
        self.assertNotIn('[ ok ] 0000:00:07.0', out)

    def test_vmxnet3_is_ready(self):
        """A vmxnet3 on vfio-pci in a viable group is a port net_vmxnet3 drives."""
        self.healthy()
        self.m.add_device('0000:00:07.0', ('15ad', '07b0'), test_devbind.CLASS_ETHERNET,
                          'vfio-pci', group=7, supports=['vmxnet3'], override='vfio-pci')
        self.m.add_group_node(7)
        status, out, _ = self.doc()
        self.assertEqual(status, 0, out)
        self.assertIn('[ ok ] 0000:00:07.0 15ad:07b0', out)
        self.assertNotIn('no Sluice driver for 15ad:07b0', out)

    def test_nothing_set_up(self):
        self.m.add_device('0000:00:02.0', test_devbind.E1000, test_devbind.CLASS_ETHERNET,
                          'e1000', ['eth0'], group=2, supports=['e1000'])
        self.m.set_caps(root=False)
        status, out, _ = self.doc()
        self.assertEqual(status, 1)
        self.assertEqual(len(self.fails(out)), 5, out)
        self.assertIn('5 checks failed', out)
        self.assertEqual(self.fix_after(out, 'vfio-pci is not loaded'), ['modprobe vfio-pci'])
        self.assertTrue(self.fix_after(out, 'RLIMIT_MEMLOCK is 64 KiB')[0].startswith(
            'ulimit -l unlimited'))
        self.assertIn('--bind vfio-pci 0000:00:02.0', self.fix_after(out, 'no NIC is ready')[0])

    def test_intel_without_iommu_on_command_line(self):
        self.healthy()
        shutil.rmtree(os.path.join(self.m.sys, 'class/iommu/dmar0'))
        status, out, _ = self.doc()
        fix = self.fix_after(out, 'no IOMMU enabled')
        self.assertIn('intel_iommu=on iommu=pt', fix[0])
        self.assertIn('update-grub', fix[0])
        self.assertIn('VT-d', fix[1])

    def test_iommu_on_in_cmdline_but_off_in_firmware(self):
        self.healthy()
        shutil.rmtree(os.path.join(self.m.sys, 'class/iommu/dmar0'))
        self.m.set_cmdline('BOOT_IMAGE=/vmlinuz ro intel_iommu=on iommu=pt')
        status, out, _ = self.doc()
        self.assertIn('intel_iommu=on iommu=pt', self.fails(out)[0])
        self.assertEqual(self.fix_after(out, 'no IOMMU in /sys/class/iommu'),
                         ['enable VT-d in the BIOS/UEFI setup and reboot', self.uio_fix()])

    def test_amd_iommu_off(self):
        self.healthy()
        shutil.rmtree(os.path.join(self.m.sys, 'class/iommu/dmar0'))
        self.m.set_cpu('AuthenticAMD', 'AMD EPYC', CPUINFO_FLAGS)
        self.m.set_cmdline('ro amd_iommu=off quiet')
        status, out, _ = self.doc()
        self.assertIn('remove amd_iommu=off from GRUB_CMDLINE_LINUX',
                      self.fix_after(out, 'switched off')[0])
        self.m.set_cmdline('ro quiet')
        status, out, _ = self.doc()
        self.assertEqual(self.fix_after(out, 'no IOMMU in /sys/class/iommu'),
                         ['enable AMD-Vi (IOMMU) in the BIOS/UEFI setup and reboot',
                          self.uio_fix()])

    def test_cpu_without_x86_64_v2(self):
        self.healthy()
        self.m.set_cpu('GenuineIntel', 'Old Core 2', CPUINFO_FLAGS.replace(' sse4_2', '')
                       .replace(' popcnt', ''))
        status, out, _ = self.doc()
        self.assertIn('lacks popcnt sse4_2', self.fails(out)[0])
        self.assertIn('-Dmachine=x86-64', self.fix_after(out, 'lacks')[0])

    def test_single_cpu_warns(self):
        self.m = self.make_host(nodes=(0,), cpus_per_node=1)
        self.healthy()
        status, out, _ = self.doc()
        self.assertEqual(status, 0, out)
        self.assertIn('[warn] only one CPU', out)
        self.assertIn('(1 warning)', out)

    def test_hugepages_short_and_fix_works(self):
        self.healthy()
        self.m.reserve(0, KB_2M, 100, used=40)
        self.m.reserve(1, KB_2M, 0)
        status, out, _ = self.doc('--need', '1G')
        self.assertIn('hugepages: 120 MB of 2M pages free, the app needs 1024 MB',
                      self.fails(out)[0])
        fix = self.fix_after(out, 'hugepages:')
        # 80 MB in use plus 1024 MB to be free.
        self.assertEqual(len(fix), 1, fix)
        tool, *args = shlex.split(fix[0])
        self.assertEqual(args, ['--setup', '1104M'])
        # An absolute path: it works from any directory the line is pasted into.
        self.assertTrue(os.path.isabs(tool), tool)
        self.assertEqual(os.path.realpath(tool),
                         os.path.realpath(os.path.join(USERTOOLS, 'sl-hugepages')))
        status, _, err = self.hp(*args)
        self.assertEqual(status, 0, err)
        status, out, _ = self.doc('--need', '1G')
        self.assertEqual(status, 0, out)
        self.assertIn('[ ok ] hugepages: 1024 MB of 2M pages free, 1024 MB needed', out)

    def test_nic_node_short_of_hugepages_warns(self):
        self.healthy()
        self.m.reserve(0, KB_2M, 32)
        self.m.reserve(1, KB_2M, 512)
        status, out, _ = self.doc('0000:00:03.0', '--need', '256M')
        self.assertEqual(status, 0, out)
        self.assertIn('[warn] NUMA node 0 (where a NIC sits) has only 64 MB', out)
        self.assertIn('--setup 256M --node 0', out)

    def test_need_is_validated(self):
        status, _, err = self.run_tool(doctor, '--need', 'lots')
        self.assertEqual(status, 2)
        self.assertIn("--need 'lots' is not a size", err)

    def test_no_hugepage_support(self):
        self.healthy()
        shutil.rmtree(os.path.join(self.m.sys, 'kernel/mm/hugepages'))
        shutil.rmtree(os.path.join(self.m.sys, 'devices/system/node'))
        with open(os.path.join(self.m.proc, 'meminfo'), 'w') as f:
            f.write('MemTotal: 1000 kB\n')
        status, out, _ = self.doc()
        self.assertIn('--no-huge', self.fix_after(out, 'no hugepage support')[0])

    def test_memlock(self):
        self.healthy()
        self.m.set_caps(root=False)
        self.m.set_limits(None, None)
        self.assertIn('[ ok ] locked memory: RLIMIT_MEMLOCK unlimited', self.doc()[1])
        self.m.set_limits(2 << 30, 2 << 30)
        self.assertIn('RLIMIT_MEMLOCK 2048 MB covers 512 MB', self.doc()[1])
        self.m.set_limits(8 << 20, 8 << 20)
        status, out, _ = self.doc()
        self.assertIn('RLIMIT_MEMLOCK is 8192 KiB', self.fails(out)[-1])
        self.m.set_caps(root=True)
        self.assertIn('CAP_IPC_LOCK', self.doc()[1])

    def test_vfio_node_missing(self):
        self.healthy()
        os.unlink(os.path.join(self.m.dev, 'vfio', 'vfio'))
        status, out, _ = self.doc()
        self.assertIn('mknod', self.fix_after(out, 'vfio/vfio is missing')[0])

    def test_group_not_viable_and_fix_works(self):
        self.healthy()
        # An audio function shares the NIC's group and is still on its kernel driver.
        self.m.add_driver('snd_hda_intel')
        self.m.add_device('0000:00:03.1', ('8086', '2668'), test_devbind.CLASS_AUDIO,
                          'snd_hda_intel', group=3, supports=['snd_hda_intel'])
        status, out, _ = self.doc()
        fail = self.fails(out)
        self.assertEqual(len(fail), 2, out)     # the group, and so no NIC is ready
        self.assertIn('IOMMU group 3 is not viable: 0000:00:03.1 (snd_hda_intel) is still on',
                      fail[0])
        fix = self.fix_after(out, 'not viable')[0]
        self.assertIn('sl-devbind --bind vfio-pci 0000:00:03.1', fix)
        command = shlex.split(fix.split('   ')[0])
        status, _, err = self.run_tool(devbind, *(command[1:] + ['--force']))
        self.assertEqual(status, 0, err)
        status, out, _ = self.doc()
        self.assertEqual(status, 0, out)

    def test_named_nic_on_kernel_driver_and_fix_works(self):
        self.healthy()
        self.m.add_device('0000:00:04.0', test_devbind.E1000, test_devbind.CLASS_ETHERNET,
                          'e1000', ['eth1'], group=4, numa=1, supports=['e1000'])
        status, out, _ = self.doc('eth1')
        fix = self.fix_after(out, '0000:00:04.0 (eth1)')
        self.assertEqual(len(fix), 1)
        self.assertTrue(fix[0].endswith('sl-devbind --bind vfio-pci 0000:00:04.0'), fix)
        status, _, err = self.run_tool(devbind, *shlex.split(fix[0])[1:])
        self.assertEqual(status, 0, err)
        status, out, _ = self.doc('0000:00:04.0')
        self.assertIn('[FAIL] 0000:00:04.0', out)       # bound, but its /dev/vfio/4 is missing
        self.m.add_group_node(4)
        status, out, _ = self.doc('0000:00:04.0')
        self.assertEqual(status, 0, out)
        self.assertIn('node 1: on vfio-pci, IOMMU group 4 viable', out)

    def test_named_nic_with_routes_mentions_force(self):
        self.healthy()
        status, out, _ = self.doc('eth0')
        self.assertIn('--force', self.fix_after(out, 'is on e1000, not vfio-pci')[0])

    def test_unknown_nic(self):
        self.healthy()
        status, out, _ = self.doc('eth9')
        self.assertIn("--status", self.fix_after(out, "no PCI device or interface named 'eth9'")[0])

    def test_vdev_only_skips_device_checks(self):
        status, out, _ = self.doc('--vdev-only', '--need', '0')
        self.assertEqual(status, 0, out)
        self.assertNotIn('IOMMU', out)
        self.assertNotIn('vfio', out)

    def test_fix_lines_use_names_when_installed(self):
        self.healthy()
        os.unlink(os.path.join(self.m.dev, 'vfio', '3'))
        bindir = os.path.join(self.tmp, 'bin')
        os.makedirs(bindir)
        for name in ('sl-devbind', 'sl-hugepages'):
            os.symlink(os.path.join(USERTOOLS, name), os.path.join(bindir, name))
        env = self.m.env(PATH=bindir + os.pathsep + os.environ.get('PATH', ''))
        status, out, _ = self.doc('--need', '4G', env=env)
        self.assertIn('       fix: sl-hugepages --setup 4096M', out)
        self.assertIn(' sl-devbind --bind vfio-pci 0000:00:03.0', out)

    def test_help_has_examples(self):
        status, out, _ = self.run_tool(doctor, '--help')
        self.assertEqual(status, 0)
        self.assertIn('examples:', out)
        self.assertIn('sl-doctor --need 1G', out)


class DoctorNoIommuTest(DoctorTestCase):
    """A guest or a machine without an IOMMU, and NICs on uio_pci_generic."""

    def setUp(self):
        super().setUp()
        # No IOMMU: no group on any device; eth0 is the connection, eth1 spare.
        self.m.add_device('0000:00:02.0', test_devbind.E1000, test_devbind.CLASS_ETHERNET,
                          'e1000', ['eth0'], supports=['e1000'])
        self.m.add_route('eth0')
        self.m.add_device('0000:00:04.0', test_devbind.E1000, test_devbind.CLASS_ETHERNET,
                          'e1000', ['eth1'], supports=['e1000'])
        self.m.reserve(0, KB_2M, 256)
        self.m.reserve(1, KB_2M, 256)

    def qemu_guest(self):
        self.m.set_dmi('QEMU', 'Standard PC (Q35 + ICH9, 2009)')

    def assert_vm_advice(self, out, vm):
        fix = self.fix_after(out, 'this virtual machine (%s) has no virtual IOMMU' % vm)
        self.assertEqual(len(fix), 2, fix)
        for fragment in ('give the VM a virtual IOMMU', '-machine q35,kernel-irqchip=split',
                         '-device intel-iommu,intremap=on', "libvirt: <iommu model='intel'/>",
                         "intel_iommu=on on the guest's kernel command line"):
            self.assertIn(fragment, fix[0])
        self.assertEqual(fix[1], self.uio_fix('0000:00:04.0'))
        # A VM has no BIOS setting to change.
        self.assertNotIn('VT-d', out)
        self.assertNotIn('AMD-Vi', out)
        self.assertNotIn('BIOS', out)

    def test_vm_without_viommu_says_both_ways_and_uio_way_works(self):
        self.qemu_guest()
        self.m.set_cpu('AuthenticAMD', 'QEMU TCG CPU version 2.5+', CPUINFO_FLAGS)
        status, out, _ = self.doc()
        self.assertEqual(status, 1)
        self.assert_vm_advice(out, 'QEMU')
        self.assertIn('--bind uio_pci_generic 0000:00:04.0',
                      self.fix_after(out, 'no NIC is ready')[0])
        self.assertIn('0000:00:04.0 (eth1) 8086:100e', out)
        self.assertIn('to give it to Sluice: %s --bind uio_pci_generic 0000:00:04.0'
                      % os.path.join(os.path.realpath(USERTOOLS), 'sl-devbind'), out)
        # The second way, run as printed, makes a machine sl-doctor passes.
        self.m.add_driver('uio_pci_generic')
        command = shlex.split(self.fix_after(out, 'virtual IOMMU')[1].split('   ')[0][
            len('or, without an IOMMU: '):])
        status, _, err = self.run_tool(devbind, *command[1:])
        self.assertEqual(status, 0, err)
        status, out, _ = self.doc()
        self.assertEqual(status, 0, out)
        self.assertIn('[warn] no IOMMU: this virtual machine (QEMU)', out)
        self.assertIn('the NICs on uio_pci_generic work without it', out)
        self.assertIn('[info] vfio-pci: not needed without an IOMMU', out)
        self.assertNotIn('vfio-pci is not loaded', out)
        self.assertIn('[ ok ] 0000:00:04.0 (eth1) 8086:100e', out)
        self.assertIn(': on uio_pci_generic (%s)' % os.path.join(self.m.dev, 'uio0'), out)
        self.assertIn('all checks passed (2 warnings)', out)

    def test_uio_nic_counts_as_usable_with_its_warning(self):
        self.qemu_guest()
        self.m.add_driver('uio_pci_generic')
        self.m.add_device('0000:00:05.0', test_devbind.E1000, test_devbind.CLASS_ETHERNET,
                          'uio_pci_generic', supports=['e1000'], override='uio_pci_generic')
        status, out, _ = self.doc('0000:00:05.0')
        self.assertEqual(status, 0, out)
        warn = [line for line in out.splitlines() if line.startswith('[warn] 0000:00:05.0 on '
                                                                      'uio_pci_generic')]
        self.assertEqual(len(warn), 1, out)
        for fragment in ('DMA is not confined', 'physical addresses',
                         'they pick --iova-mode pa by themselves', 'hugepages', 'root'):
            self.assertIn(fragment, warn[0])
        self.assertNotIn('no NIC is ready', out)
        # Only root reads physical addresses.
        status, out, _ = self.doc('0000:00:05.0', euid=1000)
        self.assertEqual(self.fix_after(out, 'only root can read the physical addresses'),
                         ['run the app as root'])

    def test_vm_seen_from_cpu_flag(self):
        self.m.set_cpu('GenuineIntel', 'Intel Xeon Processor', CPUINFO_FLAGS + ' hypervisor')
        status, out, _ = self.doc()
        self.assert_vm_advice(out, "CPU flag 'hypervisor'")

    def test_vm_with_a_viommu_the_kernel_does_not_use(self):
        self.qemu_guest()
        self.m.add_acpi_table('DMAR')
        self.m.set_cmdline('console=ttyS0 intel_iommu=off')
        status, out, _ = self.doc()
        fix = self.fix_after(out, 'has a virtual IOMMU (ACPI DMAR) the kernel does not use')
        self.assertEqual(fix[0], "remove intel_iommu=off from the guest's kernel command line "
                         '(GRUB_CMDLINE_LINUX in /etc/default/grub, update-grub) and reboot')
        self.assertEqual(fix[1], self.uio_fix('0000:00:04.0'))
        self.m.set_cmdline('console=ttyS0')
        status, out, _ = self.doc()
        self.assertTrue(self.fix_after(out, 'the kernel does not use')[0].startswith(
            'add intel_iommu=on to'))

    def test_bare_metal_keeps_firmware_advice_and_adds_uio(self):
        status, out, _ = self.doc()
        fix = self.fix_after(out, 'no IOMMU enabled (/sys/class/iommu is empty)')
        self.assertIn('intel_iommu=on iommu=pt', fix[0])
        self.assertIn('VT-d', fix[1])
        self.assertEqual(fix[2], self.uio_fix('0000:00:04.0'))
        self.assertNotIn('virtual', out)

    def test_no_spare_nic_without_iommu_points_at_uio(self):
        self.qemu_guest()
        self.m.add_route('eth1')
        status, out, _ = self.doc()
        self.assertTrue(self.fix_after(out, 'no NIC is ready')[0].endswith(
            '--status, then --bind uio_pci_generic a NIC you can spare'), out)
        self.assertTrue(self.fix_after(out, 'has no virtual IOMMU')[1].startswith(
            'or, without an IOMMU: %s --bind uio_pci_generic DEV...'
            % os.path.join(os.path.realpath(USERTOOLS), 'sl-devbind')), out)

    def test_named_nic_without_group_is_pointed_at_uio(self):
        self.qemu_guest()
        status, out, _ = self.doc('eth1')
        fix = self.fix_after(out, 'is on e1000, not uio_pci_generic (no IOMMU group: vfio-pci '
                             'cannot take it)')
        self.assertTrue(fix[0].endswith('sl-devbind --bind uio_pci_generic 0000:00:04.0'), fix)

    def add_uio_nic_with_group(self, group_type):
        self.m.enable_iommu()
        self.m.add_driver('uio_pci_generic')
        self.m.add_device('0000:00:06.0', test_devbind.E1000, test_devbind.CLASS_ETHERNET,
                          'uio_pci_generic', group=6, group_type=group_type,
                          supports=['e1000'], override='uio_pci_generic')

    def test_uio_nic_beside_an_iommu_is_told_about_vfio(self):
        self.add_uio_nic_with_group('identity')
        self.m.load_vfio()
        status, out, _ = self.doc('0000:00:06.0')
        self.assertEqual(status, 0, out)
        self.assertIn('[ ok ] 0000:00:06.0 8086:100e', out)
        self.assertIn('fix: an IOMMU is there, so vfio-pci is the safe choice: %s --bind '
                      'vfio-pci 0000:00:06.0'
                      % os.path.join(os.path.realpath(USERTOOLS), 'sl-devbind'), out)

    def test_uio_nic_in_translating_group_fails(self):
        self.add_uio_nic_with_group('DMA-FQ')
        self.m.load_vfio()
        status, out, _ = self.doc('0000:00:06.0')
        fix = self.fix_after(out, 'IOMMU group 6 translates DMA (type DMA-FQ): the device '
                             'cannot reach the physical addresses')
        self.assertIn('--bind vfio-pci 0000:00:06.0', fix[0])
        self.assertIn('iommu=pt', fix[0])

    def test_uio_node_missing(self):
        self.m.add_driver('uio_pci_generic')
        self.m.uio_devnodes = False
        self.assertEqual(self.run_tool(devbind, '--bind', 'uio_pci_generic', 'eth1')[0], 0)
        status, out, _ = self.doc('0000:00:04.0')
        self.assertEqual(self.fix_after(out, '%s is missing' % os.path.join(self.m.dev, 'uio0')),
                         ['mknod %s c 243 0' % os.path.join(self.m.dev, 'uio0')])

    def test_fix_paths_absolute_when_run_from_root_dir(self):
        env = dict(self.m.env(PATH='/usr/bin:/bin'))
        proc = subprocess.run([sys.executable, os.path.join(USERTOOLS, 'sl-doctor'),
                               '--need', '4G'], cwd='/', env=env, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, universal_newlines=True, timeout=60)
        self.assertEqual(proc.returncode, 1, proc.stdout + proc.stderr)
        tools = [word for line in proc.stdout.splitlines()
                 if 'fix: ' in line and 'usertools/sl-' in line
                 for word in shlex.split(line) if 'usertools/sl-' in word]
        self.assertIn(os.path.join(os.path.realpath(USERTOOLS), 'sl-hugepages'), tools)
        self.assertIn(os.path.join(os.path.realpath(USERTOOLS), 'sl-devbind'), tools)
        for tool in tools:
            self.assertTrue(os.path.isabs(tool) and os.access(tool, os.X_OK), tool)


class VirtualMachineTest(unittest.TestCase):
    def setUp(self):
        tmp = tempfile.mkdtemp(prefix='sl-vm-test-')
        self.addCleanup(shutil.rmtree, tmp)
        self.m = FakeHost(tmp)

    def vm(self):
        return sl_sysfs.Host.from_env(self.m.env()).virtual_machine()

    def test_bare_metal(self):
        self.assertIsNone(self.vm())
        self.m.set_dmi('Dell Inc.', 'PowerEdge R650')
        self.assertIsNone(self.vm())
        self.m.set_dmi('Microsoft Corporation', 'Surface Laptop 5')
        self.assertIsNone(self.vm())
        # A bare-metal cloud host keeps its cloud's vendor string.
        self.m.set_dmi('Amazon EC2', 'c5.metal')
        self.assertIsNone(self.vm())

    def test_hypervisors_by_dmi(self):
        for vendor, product, name in (
                ('QEMU', 'Standard PC (Q35 + ICH9, 2009)', 'QEMU'),
                ('Red Hat', 'KVM', 'KVM'),
                ('VMware, Inc.', 'VMware Virtual Platform', 'VMware'),
                ('innotek GmbH', 'VirtualBox', 'VirtualBox'),
                ('Xen', 'HVM domU', 'Xen'),
                ('Microsoft Corporation', 'Virtual Machine', 'Microsoft Hyper-V'),
                ('Amazon EC2', 'm5.large', 'Amazon EC2'),
                ('Google', 'Google Compute Engine', 'Google Compute Engine')):
            self.m.set_dmi(vendor, product)
            self.assertEqual(self.vm(), name, (vendor, product))

    def test_hypervisor_type_and_cpu_flag(self):
        os.makedirs(os.path.join(self.m.sys, 'hypervisor'))
        with open(os.path.join(self.m.sys, 'hypervisor', 'type'), 'w') as f:
            f.write('xen\n')
        self.assertEqual(self.vm(), 'Xen')
        os.unlink(os.path.join(self.m.sys, 'hypervisor', 'type'))
        self.assertIsNone(self.vm())
        self.m.set_cpu('GenuineIntel', 'Intel Xeon Processor', CPUINFO_FLAGS + ' hypervisor')
        self.assertEqual(self.vm(), "CPU flag 'hypervisor'")


class SluicePmdTableTest(unittest.TestCase):
    def test_table_matches_the_drivers(self):
        """SLUICE_PMDS lists exactly the sl_pci_id entries of drivers/net."""
        import re
        src = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..', 'drivers',
                           'net')
        defines, want = {}, {}
        for root, _, files in os.walk(src):
            for f in files:
                if f.endswith(('.h', '.c')):
                    with open(os.path.join(root, f)) as fh:
                        text = fh.read()
                    defines.update(re.findall(r'#define (\w+) 0x([0-9a-fA-F]{4})\b', text))
        names = {'e1000_pci_ids': 'net_e1000', 'e1000e_pci_ids': 'net_e1000e',
                 'virtio_pci_ids': 'net_virtio', 'vmxnet3_pci_ids': 'net_vmxnet3'}
        for root, _, files in os.walk(src):
            for f in files:
                if not f.endswith('.c'):
                    continue
                with open(os.path.join(root, f)) as fh:
                    text = fh.read()
                for table, body in re.findall(
                        r'struct sl_pci_id (\w+)\[\] = \{(.*?)\n\};', text, re.S):
                    for ven, dev in re.findall(r'\{ (\w+), (\w+) \}', body):
                        if ven != '0':
                            want[(defines[ven].lower(), defines[dev].lower())] = names[table]
        self.assertTrue(want)
        self.assertEqual(sl_sysfs.SLUICE_PMDS, want)


class SysfsHelpersTest(unittest.TestCase):
    def test_sizes(self):
        self.assertEqual(sl_sysfs.parse_size('512M'), 512 * MB)
        self.assertEqual(sl_sysfs.parse_size('512'), 512 * MB)
        self.assertEqual(sl_sysfs.parse_size('2048', 'K'), 2 * MB)
        self.assertEqual(sl_sysfs.parse_size('1GiB'), 1 << 30)
        for bad in ('', 'M', '1.5G', '-1M', '12X'):
            self.assertRaises(ValueError, sl_sysfs.parse_size, bad)
        self.assertEqual(sl_sysfs.format_size(2 * MB), '2M')
        self.assertEqual(sl_sysfs.format_size(1 << 30), '1G')
        self.assertEqual(sl_sysfs.format_size(1536 * MB), '1536M')

    def test_cpulists(self):
        self.assertEqual(sl_sysfs.parse_cpulist('0-3,6,8-9\n'), [0, 1, 2, 3, 6, 8, 9])
        self.assertEqual(sl_sysfs.parse_cpulist(''), [])
        self.assertEqual(sl_sysfs.format_cpulist([9, 8, 0, 1, 2, 3, 6]), '0-3,6,8-9')
        self.assertEqual(sl_sysfs.format_cpulist([]), '')


if __name__ == '__main__':
    unittest.main(verbosity=2)
