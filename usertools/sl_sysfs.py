# SPDX-License-Identifier: BSD-3-Clause
"""Read-mostly view of the PCI devices, drivers, IOMMU groups and routes of a host.

Shared by sl-devbind and sl-doctor. Python 3 standard library only.

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
        """Drivers (other than the current one) that could take the device."""
        out = [m for m in self.modules_for(dev.modalias)
               if not same_driver_name(m, dev.driver)]
        if not same_driver_name(dev.driver, 'vfio-pci') and \
                not any(same_driver_name(m, 'vfio-pci') for m in out):
            out.append('vfio-pci')
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

    def vfio_group_node(self, group):
        """/dev/vfio/<group> if it exists (the node appears once vfio-pci owns a member)."""
        if group is None:
            return None
        path = os.path.join(self.devfs, 'vfio', group)
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


def errno_text(err):
    code = getattr(err, 'errno', None)
    if code is None:
        return str(err)
    return '%s (%s)' % (os.strerror(code), errno.errorcode.get(code, code))
