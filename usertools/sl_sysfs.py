# SPDX-License-Identifier: BSD-3-Clause
"""Read-mostly view of the PCI devices, drivers, IOMMU groups and routes of a host.

Shared by sl-devbind, sl-hugepages and sl-doctor. Python 3 standard library
only.

Every path is taken relative to configurable roots so the tools can be tested
on a fake tree: SL_SYSFS_ROOT (default /sys), SL_PROCFS_ROOT (/proc),
SL_DEV_ROOT (/dev), SL_PCI_IDS (/usr/share/misc/pci.ids) and SL_MODULES_DIR
(/lib/modules/<uname -r>).

Every write into sysfs goes through write_attr(), so a test can replace that
one function with a fake kernel that reacts to the writes.
"""

import errno
import fnmatch
import os
import re

BDF_RE = re.compile(r'^([0-9a-fA-F]{4}):([0-9a-fA-F]{2}):([0-9a-fA-F]{2})\.([0-7])$')
SHORT_BDF_RE = re.compile(r'^([0-9a-fA-F]{2}):([0-9a-fA-F]{2})\.([0-7])$')

PCI_BASE_CLASS_NETWORK = 0x02

# Drivers that match a device only through driver_override: they have no ID
# table, so the kernel would never pick them by itself.
USERSPACE_DRIVERS = ('vfio-pci', 'uio_pci_generic', 'igb_uio', 'pci-stub')

# A VFIO group is viable when every member is bound to a VFIO driver, to no
# driver, or to a driver that does not use DMA on the device's behalf; the
# kernel marks the last kind with driver_managed_dma (pci-stub, pcieport).
VFIO_GROUP_SAFE_DRIVERS = ('pci-stub', 'pcieport')

# The drivers through which Sluice apps reach a device: VFIO (IOMMU-confined
# DMA, any IOVA) and the generic UIO driver (no confinement, IOVA = physical).
VFIO_DRIVER = 'vfio-pci'
UIO_DRIVER = 'uio_pci_generic'
SLUICE_DRIVERS = (VFIO_DRIVER, UIO_DRIVER)

# The PCI devices a Sluice PMD claims: the sl_pci_id tables of drivers/net
# (test_usertools checks this against the C source).
SLUICE_PMDS = {
    ('8086', '100e'): 'net_e1000',      # 82540EM (QEMU e1000)
    ('8086', '100f'): 'net_e1000',      # 82545EM copper
    ('8086', '1008'): 'net_e1000',      # 82544EI copper
    ('8086', '100c'): 'net_e1000',      # 82544GC copper
    ('8086', '10d3'): 'net_e1000e',     # 82574L (QEMU e1000e, q35's default NIC)
    ('1af4', '1041'): 'net_virtio',     # virtio-net, modern
    ('1af4', '1000'): 'net_virtio',     # virtio-net, transitional
    ('15ad', '07b0'): 'net_vmxnet3',    # VMware vmxnet3
}


def sluice_pmd(dev):
    """The Sluice driver for a PCI device, None when there is none."""
    return SLUICE_PMDS.get((dev.vendor, dev.device))

# IOMMU group types (/sys/kernel/iommu_groups/N/type) whose default domain
# translates DMA: a device there reaches only what the kernel mapped for it,
# so a UIO device cannot DMA to the physical addresses Sluice gives it.
# 'identity' (iommu=pt) passes physical addresses through.
TRANSLATING_GROUP_TYPES = ('DMA', 'DMA-FQ')

# How to give a QEMU/KVM guest a virtual IOMMU, for the advice both
# sl-devbind and sl-doctor print when a VM has none. intremap needs the split
# irqchip; the guest kernel needs intel_iommu=on (Debian's does not enable
# VT-d by default).
VIOMMU_HOWTO = ("QEMU: -machine q35,kernel-irqchip=split -device intel-iommu,intremap=on; "
                "libvirt: <iommu model='intel'/> in <devices> of a q35 guest; then "
                "intel_iommu=on on the guest's kernel command line")

# DMI strings of hypervisors: (attribute, substring, name shown).
# Bare-metal cloud hosts keep their cloud's sys_vendor ('Amazon EC2' on
# c5.metal), so a product ending in '.metal' does not count.
_VM_DMI = (
    ('sys_vendor', 'QEMU', 'QEMU'),
    ('product_name', 'KVM', 'KVM'),
    ('sys_vendor', 'VMware', 'VMware'),
    ('product_name', 'VirtualBox', 'VirtualBox'),
    ('sys_vendor', 'innotek', 'VirtualBox'),
    ('sys_vendor', 'Xen', 'Xen'),
    ('product_name', 'HVM domU', 'Xen'),
    ('sys_vendor', 'Amazon EC2', 'Amazon EC2'),
    ('sys_vendor', 'Google', 'Google Compute Engine'),
)


def write_attr(path, text):
    """Write one sysfs attribute in a single write(2), as the kernel expects.

    Raises OSError with the errno the kernel's store handler returned. Tests
    replace this function (sl_sysfs.write_attr = fake) to emulate the kernel.
    """
    fd = os.open(path, os.O_WRONLY)
    try:
        os.write(fd, text.encode())
    finally:
        os.close(fd)


def _read(path, default=None):
    try:
        with open(path, 'r', encoding='utf-8', errors='replace') as f:
            return f.read().strip()
    except OSError:
        return default


def _link_name(path):
    try:
        return os.path.basename(os.readlink(path))
    except OSError:
        return None


def same_driver_name(a, b):
    """Module names use '_' where driver names often use '-' (virtio_pci/virtio-pci)."""
    if a is None or b is None:
        return False
    return a.replace('-', '_') == b.replace('-', '_')


def is_vfio_group_safe(driver):
    return (driver is None or driver.startswith('vfio') or
            driver in VFIO_GROUP_SAFE_DRIVERS)



# ---- sizes ------------------------------------------------------------------

_SIZE_RE = re.compile(r'^\s*(\d+)\s*([kKmMgGtT]?)(i?[bB])?\s*$')
_SIZE_UNITS = {'': None, 'K': 1 << 10, 'M': 1 << 20, 'G': 1 << 30, 'T': 1 << 40}


def parse_size(text, default_unit='M'):
    """Bytes in "512M", "1G", "2048k", "1GiB" or a bare number of default_unit.

    Raises ValueError for anything else (including zero-free garbage like "M").
    """
    m = _SIZE_RE.match(text or '')
    if not m:
        raise ValueError(text)
    unit = _SIZE_UNITS[m.group(2).upper()] or _SIZE_UNITS[default_unit.upper()]
    return int(m.group(1)) * unit


def format_size(nbytes):
    """2097152 -> '2M', 1073741824 -> '1G', 1536 MiB -> '1536M' (exact units only)."""
    for suffix, unit in (('T', 1 << 40), ('G', 1 << 30), ('M', 1 << 20), ('K', 1 << 10)):
        if nbytes >= unit and nbytes % unit == 0:
            return '%d%s' % (nbytes // unit, suffix)
    return '%dB' % nbytes


def parse_cpulist(text):
    """Kernel cpu/node list syntax ("0-3,6,8-9") to a sorted list of ints."""
    out = set()
    for part in (text or '').strip().split(','):
        part = part.strip()
        if not part:
            continue
        lo, sep, hi = part.partition('-')
        if sep:
            out.update(range(int(lo), int(hi) + 1))
        else:
            out.add(int(lo))
    return sorted(out)


def format_cpulist(cpus):
    """[0, 1, 2, 5] -> '0-2,5'."""
    cpus = sorted(set(cpus))
    parts = []
    i = 0
    while i < len(cpus):
        j = i
        while j + 1 < len(cpus) and cpus[j + 1] == cpus[j] + 1:
            j += 1
        parts.append(str(cpus[i]) if i == j else '%d-%d' % (cpus[i], cpus[j]))
        i = j + 1
    return ','.join(parts)


class HugePool:
    """One hugepage pool: system-wide (node None) or one NUMA node's, one page size."""

    def __init__(self, node, size_kb, path):
        self.node = node
        self.size_kb = size_kb
        self.path = path            # directory holding nr_hugepages
        self.total = _read_int(os.path.join(path, 'nr_hugepages'), 0)
        self.free = _read_int(os.path.join(path, 'free_hugepages'), 0)
        self.surplus = _read_int(os.path.join(path, 'surplus_hugepages'), 0)
        # Reserved: promised to a mapping but not faulted in yet (system-wide only).
        self.resv = _read_int(os.path.join(path, 'resv_hugepages'), 0)

    @property
    def size_bytes(self):
        return self.size_kb * 1024

    @property
    def nr_path(self):
        return os.path.join(self.path, 'nr_hugepages')

    @property
    def available(self):
        """Pages a new mapping can still get (free minus promised to others)."""
        return max(self.free - self.resv, 0)


def _read_int(path, default=None):
    value = _read(path)
    try:
        return int(value)
    except (TypeError, ValueError):
        return default


def _hugepage_dirs(parent):
    """{size_kb: path} for the hugepages-<N>kB directories under parent."""
    out = {}
    try:
        entries = os.listdir(parent)
    except OSError:
        return out
    for entry in entries:
        m = re.match(r'^hugepages-(\d+)kB$', entry)
        if m:
            out[int(m.group(1))] = os.path.join(parent, entry)
    return out


class PciDevice:
    """Snapshot of one PCI device's sysfs attributes (re-read with Host.device())."""

    def __init__(self, host, bdf):
        self.bdf = bdf
        self.path = os.path.join(host.pci_devices_dir, bdf)
        self.vendor = self._hex_id('vendor')
        self.device = self._hex_id('device')
        cls = _read(os.path.join(self.path, 'class'), '0x000000')
        try:
            self.pci_class = int(cls, 16)
        except ValueError:
            self.pci_class = 0
        self.driver = _link_name(os.path.join(self.path, 'driver'))
        override = _read(os.path.join(self.path, 'driver_override'))
        # The kernel prints an unset override as "(null)".
        self.driver_override = None if override in (None, '', '(null)') else override
        self.has_driver_override = os.path.exists(os.path.join(self.path, 'driver_override'))
        self.iommu_group = _link_name(os.path.join(self.path, 'iommu_group'))
        numa = _read(os.path.join(self.path, 'numa_node'))
        try:
            self.numa_node = int(numa)
        except (TypeError, ValueError):
            self.numa_node = None
        self.modalias = _read(os.path.join(self.path, 'modalias'))
        self.interfaces = self._interfaces()
        # uio_pci_generic registers one UIO device per PCI device: <dev>/uio/uioN.
        try:
            self.uio = sorted(e for e in os.listdir(os.path.join(self.path, 'uio'))
                              if re.match(r'^uio\d+$', e))
        except OSError:
            self.uio = []

    def _hex_id(self, name):
        value = _read(os.path.join(self.path, name), '')
        return value[2:].lower() if value.startswith('0x') else value.lower()

    def _interfaces(self):
        # Most NICs put their netdev at <dev>/net/<ifname>; virtio puts it
        # one level down, under the virtio bus device: <dev>/virtioN/net/<ifname>.
        names = []
        candidates = [os.path.join(self.path, 'net')]
        try:
            for entry in sorted(os.listdir(self.path)):
                if entry.startswith('virtio'):
                    candidates.append(os.path.join(self.path, entry, 'net'))
        except OSError:
            pass
        for netdir in candidates:
            try:
                names.extend(sorted(os.listdir(netdir)))
            except OSError:
                pass
        return names

    @property
    def is_network(self):
        return (self.pci_class >> 16) == PCI_BASE_CLASS_NETWORK

    @property
    def ids(self):
        return '%s:%s' % (self.vendor, self.device)


class Host:
    """The roots of one (real or fake) machine and queries over them."""

    def __init__(self, sysfs='/sys', procfs='/proc', devfs='/dev',
                 pci_ids='/usr/share/misc/pci.ids', modules_dir=None):
        self.sysfs = sysfs
        self.procfs = procfs
        self.devfs = devfs
        self.pci_ids = pci_ids
        if modules_dir is None:
            modules_dir = os.path.join('/lib/modules', os.uname().release)
        self.modules_dir = modules_dir
        self.pci_devices_dir = os.path.join(sysfs, 'bus', 'pci', 'devices')
        self.pci_drivers_dir = os.path.join(sysfs, 'bus', 'pci', 'drivers')
        self._module_aliases = None
        self._pci_names = {}

    @classmethod
    def from_env(cls, env=None):
        env = os.environ if env is None else env
        return cls(sysfs=env.get('SL_SYSFS_ROOT', '/sys'),
                   procfs=env.get('SL_PROCFS_ROOT', '/proc'),
                   devfs=env.get('SL_DEV_ROOT', '/dev'),
                   pci_ids=env.get('SL_PCI_IDS', '/usr/share/misc/pci.ids'),
                   modules_dir=env.get('SL_MODULES_DIR'))

    # ---- devices -----------------------------------------------------------

    def pci_addresses(self):
        try:
            return sorted(e for e in os.listdir(self.pci_devices_dir) if BDF_RE.match(e))
        except OSError:
            return []

    def device(self, bdf):
        if not os.path.isdir(os.path.join(self.pci_devices_dir, bdf)):
            return None
        return PciDevice(self, bdf)

    def devices(self):
        return [PciDevice(self, bdf) for bdf in self.pci_addresses()]

    def resolve(self, name):
        """BDF for a full BDF, a short BDF (bus:dev.fn) or an interface name; None if unknown."""
        m = BDF_RE.match(name)
        if m:
            bdf = name.lower()
            return bdf if self.device(bdf) else None
        m = SHORT_BDF_RE.match(name)
        if m:
            suffix = ':' + name.lower()
            matches = [b for b in self.pci_addresses() if b.endswith(suffix)]
            # Domain 0 first: that is what lspci shows without -D.
            if ('0000' + suffix) in matches:
                return '0000' + suffix
            return matches[0] if len(matches) == 1 else None
        for dev in self.devices():
            if name in dev.interfaces:
                return dev.bdf
        return None

    # ---- drivers and modules -----------------------------------------------

    def driver_dir(self, driver):
        """Path of /sys/bus/pci/drivers/<driver>, accepting '-' for '_' and back."""
        path = os.path.join(self.pci_drivers_dir, driver)
        if os.path.isdir(path):
            return path
        try:
            for entry in os.listdir(self.pci_drivers_dir):
                if same_driver_name(entry, driver):
                    return os.path.join(self.pci_drivers_dir, entry)
        except OSError:
            pass
        return None

    def module_loaded(self, module):
        if self.driver_dir(module):
            return True
        return os.path.isdir(os.path.join(self.sysfs, 'module', module.replace('-', '_')))

    def vfio_noiommu_enabled(self):
        value = _read(os.path.join(self.sysfs, 'module', 'vfio', 'parameters',
                                   'enable_unsafe_noiommu_mode'))
        return value in ('Y', 'y', '1')

    def _load_module_aliases(self):
        # About 9000 "pci:" aliases in a distribution kernel; bucket them by
        # their literal vendor ID ("pci:v00008086...") so a lookup globs only
        # that vendor's patterns plus the few with a wildcard vendor.
        by_vendor = {}
        count = 0
        for name in ('modules.alias', 'modules.builtin.alias'):
            try:
                with open(os.path.join(self.modules_dir, name), encoding='utf-8',
                          errors='replace') as f:
                    for line in f:
                        if not line.startswith('alias pci:'):
                            continue
                        parts = line.split()
                        if len(parts) != 3:
                            continue
                        pattern = parts[1].upper().replace('PCI:', 'pci:', 1)
                        vendor = pattern[:13]
                        if len(vendor) < 13 or any(c in vendor for c in '*?['):
                            vendor = '*'
                        by_vendor.setdefault(vendor, []).append((count, pattern, parts[2]))
                        count += 1
            except OSError:
                pass
        self._module_aliases = by_vendor if count else {}

    def have_module_aliases(self):
        if self._module_aliases is None:
            self._load_module_aliases()
        return bool(self._module_aliases)

    def modules_for(self, modalias):
        """Kernel modules whose PCI ID table matches this modalias (modules.alias globs)."""
        if self._module_aliases is None:
            self._load_module_aliases()
        if not modalias or not modalias.startswith('pci:'):
            return []
        # Hex digits in modalias and aliases are upper case, the key letters
        # (v, d, sv, sd, bc, sc, i) lower case: compare both sides upper-cased.
        subject = 'pci:' + modalias[4:].upper()
        # Sorted back into file order, so the list reads like modules.alias.
        candidates = sorted(self._module_aliases.get(subject[:13], []) +
                            self._module_aliases.get('*', []))
        found = []
        for _, pattern, module in candidates:
            if module not in found and fnmatch.fnmatchcase(subject, pattern):
                found.append(module)
        return found

    def candidate_drivers(self, dev):
        """Drivers (other than the current one) that could take the device: kernel
        modules whose ID table matches, vfio-pci, and uio_pci_generic for a device
        without an IOMMU group."""
        out = [m for m in self.modules_for(dev.modalias)
               if not same_driver_name(m, dev.driver)]
        if not same_driver_name(dev.driver, 'vfio-pci') and \
                not any(same_driver_name(m, 'vfio-pci') for m in out):
            out.append('vfio-pci')
        # Without an IOMMU group vfio-pci cannot take it (outside no-IOMMU
        # mode); UIO can.
        if dev.iommu_group is None and not same_driver_name(dev.driver, UIO_DRIVER):
            out.append(UIO_DRIVER)
        return out

    # ---- IOMMU groups ------------------------------------------------------

    def iommu_group_members(self, group):
        """BDFs of every device in an IOMMU group (sorted)."""
        if group is None:
            return []
        gdir = os.path.join(self.sysfs, 'kernel', 'iommu_groups', group, 'devices')
        try:
            return sorted(e for e in os.listdir(gdir) if BDF_RE.match(e))
        except OSError:
            return [d.bdf for d in self.devices() if d.iommu_group == group]

    def iommu_group_type(self, group):
        """'DMA', 'DMA-FQ', 'identity', ... (None: no group, or a kernel before 5.11)."""
        if group is None:
            return None
        return _read(os.path.join(self.sysfs, 'kernel', 'iommu_groups', group, 'type'))

    def vfio_group_node(self, group):
        """/dev/vfio/<group> if it exists (the node appears once vfio-pci owns a member)."""
        if group is None:
            return None
        path = os.path.join(self.devfs, 'vfio', group)
        return path if os.path.exists(path) else None

    # ---- CPUs and NUMA -------------------------------------------------------

    def online_cpus(self):
        return parse_cpulist(_read(os.path.join(self.sysfs, 'devices', 'system', 'cpu',
                                                'online'), ''))

    def numa_nodes(self):
        """Online NUMA nodes; [] when the kernel has no NUMA sysfs (no CONFIG_NUMA)."""
        base = os.path.join(self.sysfs, 'devices', 'system', 'node')
        online = _read(os.path.join(base, 'online'))
        if online is not None:
            return parse_cpulist(online)
        try:
            return sorted(int(e[4:]) for e in os.listdir(base) if re.match(r'^node\d+$', e))
        except OSError:
            return []

    def node_cpus(self, node):
        return parse_cpulist(_read(os.path.join(self.sysfs, 'devices', 'system', 'node',
                                                'node%d' % node, 'cpulist'), ''))

    def cpuinfo(self):
        """(vendor_id, model name, set of flags) of the first CPU in /proc/cpuinfo."""
        vendor, model, flags = '', '', set()
        for line in _read(os.path.join(self.procfs, 'cpuinfo'), '').splitlines():
            key, sep, value = line.partition(':')
            if not sep:
                if vendor or model or flags:
                    break       # end of the first processor's block
                continue
            key, value = key.strip(), value.strip()
            if key == 'vendor_id' and not vendor:
                vendor = value
            elif key == 'model name' and not model:
                model = value
            elif key == 'flags' and not flags:
                flags = set(value.split())
        return vendor, model, flags

    # ---- memory --------------------------------------------------------------

    def meminfo(self):
        """/proc/meminfo as {key: int} (kB for the sized fields, counts for HugePages_*)."""
        out = {}
        for line in _read(os.path.join(self.procfs, 'meminfo'), '').splitlines():
            key, sep, value = line.partition(':')
            fields = value.split()
            if sep and fields:
                try:
                    out[key.strip()] = int(fields[0])
                except ValueError:
                    pass
        return out

    def default_hugepage_kb(self):
        """Hugepagesize from /proc/meminfo: the size Sluice's EAL allocates (None: no hugetlb)."""
        return self.meminfo().get('Hugepagesize')

    def hugepage_sizes_kb(self):
        return sorted(_hugepage_dirs(os.path.join(self.sysfs, 'kernel', 'mm', 'hugepages')))

    def hugepage_pools(self):
        """Per-node pools when the kernel has per-node hugepage sysfs, else the system-wide
        ones (node None); sorted by node then size."""
        pools = []
        base = os.path.join(self.sysfs, 'devices', 'system', 'node')
        for node in self.numa_nodes():
            dirs = _hugepage_dirs(os.path.join(base, 'node%d' % node, 'hugepages'))
            pools += [HugePool(node, kb, dirs[kb]) for kb in sorted(dirs)]
        if pools:
            return pools
        return self.system_hugepage_pools()

    def system_hugepage_pools(self):
        dirs = _hugepage_dirs(os.path.join(self.sysfs, 'kernel', 'mm', 'hugepages'))
        return [HugePool(None, kb, dirs[kb]) for kb in sorted(dirs)]

    def hugepage_pool(self, size_kb, node=None):
        """The pool for one page size, system-wide (node None) or one node's; None if absent."""
        if node is None:
            parent = os.path.join(self.sysfs, 'kernel', 'mm', 'hugepages')
        else:
            parent = os.path.join(self.sysfs, 'devices', 'system', 'node', 'node%d' % node,
                                  'hugepages')
        path = _hugepage_dirs(parent).get(size_kb)
        return HugePool(node, size_kb, path) if path else None

    def hugetlbfs_mounts(self):
        """[(mount point, page size in kB)] of the hugetlbfs mounts in /proc/mounts."""
        default_kb = self.default_hugepage_kb()
        out = []
        for line in _read(os.path.join(self.procfs, 'mounts'), '').splitlines():
            fields = line.split()
            if len(fields) < 4 or fields[2] != 'hugetlbfs':
                continue
            size_kb = default_kb
            for opt in fields[3].split(','):
                if opt.startswith('pagesize='):
                    try:
                        size_kb = parse_size(opt[9:], 'K') // 1024
                    except ValueError:
                        pass
            # /proc/mounts escapes blanks in paths as octal (\040).
            point = re.sub(r'\\([0-7]{3})', lambda m: chr(int(m.group(1), 8)), fields[1])
            out.append((point, size_kb))
        return out

    # ---- IOMMU, kernel, limits -----------------------------------------------

    def iommu_units(self):
        """Names under /sys/class/iommu (dmar0, ivhd0, ...): empty when no IOMMU is enabled."""
        try:
            return sorted(os.listdir(os.path.join(self.sysfs, 'class', 'iommu')))
        except OSError:
            return []

    def iommu_group_count(self):
        try:
            return len(os.listdir(os.path.join(self.sysfs, 'kernel', 'iommu_groups')))
        except OSError:
            return 0

    def kernel_cmdline(self):
        return _read(os.path.join(self.procfs, 'cmdline'), '')

    def memlock_limit(self):
        """(soft, hard) RLIMIT_MEMLOCK of this process in bytes, None meaning unlimited;
        (None, None) if /proc/self/limits cannot be read."""
        for line in _read(os.path.join(self.procfs, 'self', 'limits'), '').splitlines():
            if line.startswith('Max locked memory'):
                fields = line[len('Max locked memory'):].split()
                if len(fields) >= 2:
                    return tuple(None if f == 'unlimited' else int(f) for f in fields[:2])
        return (None, None)

    def effective_caps(self):
        """CapEff of this process as an int (0 if unknown)."""
        for line in _read(os.path.join(self.procfs, 'self', 'status'), '').splitlines():
            if line.startswith('CapEff:'):
                try:
                    return int(line.split()[1], 16)
                except (IndexError, ValueError):
                    return 0
        return 0

    def uio_node(self, dev):
        """(/dev/uioN path, 'major:minor') of a device on a UIO driver; (None, None) if none."""
        if not dev.uio:
            return None, None
        name = dev.uio[0]
        return (os.path.join(self.devfs, name),
                _read(os.path.join(dev.path, 'uio', name, 'dev')))

    def acpi_iommu_tables(self):
        """ACPI tables describing an IOMMU (DMAR: Intel VT-d, IVRS: AMD-Vi). The firmware
        publishes them when the hardware, or the VM's virtual hardware, has an IOMMU
        switched on, whether or not the kernel uses it."""
        base = os.path.join(self.sysfs, 'firmware', 'acpi', 'tables')
        return [t for t in ('DMAR', 'IVRS') if os.path.exists(os.path.join(base, t))]

    def virtual_machine(self):
        """Name of the hypervisor this kernel runs under (or what shows there is
        one), None on bare metal.

        DMI names the common ones; /sys/hypervisor/type (Xen) and the CPU's
        'hypervisor' flag (set by every x86 hypervisor that follows the CPUID
        convention) catch the rest.
        """
        dmi = os.path.join(self.sysfs, 'class', 'dmi', 'id')
        fields = {name: _read(os.path.join(dmi, name), '') for name in
                  ('sys_vendor', 'product_name')}
        if not fields['product_name'].endswith('.metal'):
            for attr, text, name in _VM_DMI:
                if text in fields[attr]:
                    return name
            if fields['sys_vendor'].startswith('Microsoft') and \
                    fields['product_name'] == 'Virtual Machine':
                return 'Microsoft Hyper-V'
        kind = _read(os.path.join(self.sysfs, 'hypervisor', 'type'))
        if kind:
            return kind.capitalize() if kind == 'xen' else kind
        if 'hypervisor' in self.cpuinfo()[2]:
            return "CPU flag 'hypervisor'"
        return None

    def vfio_container_node(self):
        path = os.path.join(self.devfs, 'vfio', 'vfio')
        return path if os.path.exists(path) else None

    # ---- names -------------------------------------------------------------

    def pci_name(self, vendor, device):
        """Device name from pci.ids ('' if the file or the entry is missing)."""
        key = (vendor, device)
        if key not in self._pci_names:
            self._pci_names[key] = self._lookup_pci_name(vendor, device)
        return self._pci_names[key]

    def _lookup_pci_name(self, vendor, device):
        # pci.ids: "vvvv  Vendor" at column 0, "\tdddd  Device" below it,
        # "\t\t" subsystem lines, and class lists after a "C " line.
        try:
            f = open(self.pci_ids, encoding='utf-8', errors='replace')
        except OSError:
            return ''
        vendor_name = ''
        in_vendor = False
        with f:
            for line in f:
                if not line or line[0] == '#':
                    continue
                if line[0] != '\t':
                    if in_vendor or line.startswith('C '):
                        break
                    if line[:4].lower() == vendor:
                        in_vendor = True
                        vendor_name = line[4:].strip()
                elif in_vendor and line[1] != '\t' and line[1:5].lower() == device:
                    return line[5:].strip()
        return vendor_name + ' device' if vendor_name else ''

    # ---- routes ------------------------------------------------------------

    def routed_interfaces(self):
        """Interfaces that carry at least one route: sluice's definition of 'active'.

        IPv6 link-local (fe80::/10) and multicast (ff00::/8) routes are left
        out: the kernel adds them to every interface that is merely up.
        """
        active = set()
        rtf_up = 0x0001
        lines = _read(os.path.join(self.procfs, 'net', 'route'), '').splitlines()
        for line in lines[1:]:
            fields = line.split()
            if len(fields) < 4:
                continue
            try:
                flags = int(fields[3], 16)
            except ValueError:
                continue
            if flags & rtf_up and fields[0] != 'lo':
                active.add(fields[0])
        for line in _read(os.path.join(self.procfs, 'net', 'ipv6_route'), '').splitlines():
            fields = line.split()
            if len(fields) < 10:
                continue
            dest, ifname = fields[0].lower(), fields[9]
            try:
                flags = int(fields[8], 16)
            except ValueError:
                continue
            if not flags & rtf_up or ifname == 'lo':
                continue
            if dest.startswith('ff') or dest[:3] in ('fe8', 'fe9', 'fea', 'feb'):
                continue
            active.add(ifname)
        return active


CAP_IPC_LOCK = 14       # linux/capability.h: lock memory beyond RLIMIT_MEMLOCK


def errno_text(err):
    code = getattr(err, 'errno', None)
    if code is None:
        return str(err)
    return '%s (%s)' % (os.strerror(code), errno.errorcode.get(code, code))
