#!/usr/bin/env python3
"""Build the initramfs of the Sluice test guest (a gzip'd cpio "newc" archive).

Contents: static busybox, the kernel modules the guest needs (resolved through
the kernel's own modules.dep, decompressed here because busybox insmod reads
plain .ko only), and test/vm/init.sh as /init.

The archive is written by this script rather than by cpio(1) so that no tool
beyond Python is needed and device nodes (/dev/console) can be added without
root. It is deterministic (fixed mtimes and inode numbers), and it is rebuilt
only when its inputs change: a stamp file next to it records a digest of them.

Usage: mkinitramfs.py CACHE_DIR [--kernel-version VER]   (prints the archive path)
"""

import argparse
import gzip
import hashlib
import io
import lzma
import os
import stat
import struct
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
INIT_SCRIPT = os.path.join(HERE, 'init.sh')
BUSYBOX_CANDIDATES = ('/bin/busybox', '/usr/bin/busybox', '/sbin/busybox')

# What the guest loads, by module name; dependencies come from modules.dep.
# vfio_iommu_type1 is not a link-time dependency of vfio-pci (vfio looks for
# IOMMU backends at run time, and there is no modprobe in the guest), so it is
# named explicitly. 9p + 9pnet_virtio carry the host-root and results shares;
# virtio_pci is both their transport and the virtio-net NIC's.
GUEST_MODULES = (
    'vfio_iommu_type1', 'vfio-pci', 'uio_pci_generic',
    'virtio_pci', '9pnet_virtio', '9p',
    'e1000', 'e1000e', 'vmxnet3', 'virtio_net',
)

# Bump when the archive layout changes, so stale caches are rebuilt.
LAYOUT_VERSION = 3


class InitramfsError(Exception):
    """Something the user can fix is missing; the message says what."""


def pick_kernel():
    """Newest /boot/vmlinuz-<ver> whose /lib/modules/<ver> exists: the modules
    must match the kernel exactly or insmod refuses them."""
    def version_key(ver):
        parts = []
        for chunk in ver.replace('-', '.').split('.'):
            parts.append((0, int(chunk), '') if chunk.isdigit() else (1, 0, chunk))
        return parts
    try:
        names = os.listdir('/boot')
    except OSError:
        names = []
    versions = [n[len('vmlinuz-'):] for n in names if n.startswith('vmlinuz-')]
    usable = [v for v in versions if os.path.isfile(os.path.join('/lib/modules', v, 'modules.dep'))]
    if not usable:
        raise InitramfsError(
            'no guest kernel: need /boot/vmlinuz-<ver> with /lib/modules/<ver>/modules.dep '
            '(apt-get install linux-image-amd64)')
    ver = max(usable, key=version_key)
    return os.path.join('/boot', 'vmlinuz-' + ver), ver


def has_interpreter(path):
    """True when the ELF file asks for a dynamic loader (has PT_INTERP)."""
    with open(path, 'rb') as f:
        ehdr = f.read(64)
        if ehdr[:4] != b'\x7fELF' or ehdr[4] != 2:   # ELF64 only (x86-64 host)
            return True
        phoff, = struct.unpack_from('<Q', ehdr, 32)
        phentsize, phnum = struct.unpack_from('<HH', ehdr, 54)
        f.seek(phoff)
        table = f.read(phentsize * phnum)
    return any(struct.unpack_from('<I', table, i * phentsize)[0] == 3 for i in range(phnum))


def find_busybox():
    for path in BUSYBOX_CANDIDATES:
        # A dynamically linked busybox would need its libc inside the
        # initramfs; only the static build works there.
        if os.path.isfile(path) and os.access(path, os.X_OK) and not has_interpreter(path):
            return path
    raise InitramfsError('no static busybox found (apt-get install busybox-static)')


def module_name(path):
    base = os.path.basename(path)
    for ext in ('.ko.xz', '.ko.gz', '.ko.zst', '.ko'):
        if base.endswith(ext):
            base = base[:-len(ext)]
            break
    return base.replace('-', '_')


def read_modules_dep(moddir):
    deps = {}
    with open(os.path.join(moddir, 'modules.dep')) as f:
        for line in f:
            if ':' not in line:
                continue
            target, rest = line.split(':', 1)
            deps[module_name(target)] = (target, [module_name(d) for d in rest.split()])
    return deps


def load_order(moddir, wanted):
    """Modules in an order where each comes after everything it needs, as
    (name, relative path). Built-in modules (modules.builtin) are skipped."""
    deps = read_modules_dep(moddir)
    builtin = set()
    try:
        with open(os.path.join(moddir, 'modules.builtin')) as f:
            builtin = {module_name(l.strip()) for l in f if l.strip()}
    except OSError:
        pass
    order, seen = [], set()

    def visit(name, chain):
        if name in seen or name in builtin:
            return
        if name not in deps:
            raise InitramfsError('kernel module %s not found in %s/modules.dep (needed by %s)'
                                 % (name, moddir, ' <- '.join(chain) or 'the guest'))
        if name in chain:
            raise InitramfsError('module dependency cycle: ' + ' -> '.join(chain + [name]))
        for dep in deps[name][1]:
            visit(dep, chain + [name])
        seen.add(name)
        order.append((name, deps[name][0]))

    for w in wanted:
        visit(module_name(w), [])
    return order


def read_module(path):
    with open(path, 'rb') as f:
        data = f.read()
    if path.endswith('.xz'):
        return lzma.decompress(data)
    if path.endswith('.gz'):
        return gzip.decompress(data)
    if path.endswith('.zst'):
        raise InitramfsError('%s is zstd-compressed; Python\'s standard library cannot '
                             'decompress it' % path)
    return data


class CpioWriter:
    """SVR4 "newc" cpio, the format the kernel unpacks into its rootfs."""

    def __init__(self):
        self.out = io.BytesIO()
        self.ino = 1

    def _entry(self, name, mode, data=b'', rdev=(0, 0), nlink=1):
        name_b = name.encode() + b'\0'
        fields = (self.ino, mode, 0, 0, nlink, 0, len(data), 0, 0,
                  rdev[0], rdev[1], len(name_b), 0)
        self.ino += 1
        self.out.write(b'070701' + b''.join(b'%08X' % v for v in fields))
        self.out.write(name_b)
        self.out.write(b'\0' * (-(110 + len(name_b)) % 4))
        self.out.write(data)
        self.out.write(b'\0' * (-len(data) % 4))

    def dir(self, name, perm=0o755):
        self._entry(name, stat.S_IFDIR | perm, nlink=2)

    def file(self, name, data, perm=0o644):
        self._entry(name, stat.S_IFREG | perm, data)

    def symlink(self, name, target):
        self._entry(name, stat.S_IFLNK | 0o777, target.encode())

    def chardev(self, name, major, minor, perm=0o600):
        self._entry(name, stat.S_IFCHR | perm, rdev=(major, minor))

    def finish(self):
        self._entry('TRAILER!!!', 0, nlink=1)
        return self.out.getvalue()


def build(cache_dir, kernel_version=None):
    """Return (initramfs path, kernel image path, kernel version), building
    the archive if its inputs changed since the last build."""
    if kernel_version:
        kernel = os.path.join('/boot', 'vmlinuz-' + kernel_version)
        if not os.path.isfile(kernel):
            raise InitramfsError('%s does not exist' % kernel)
    else:
        kernel, kernel_version = pick_kernel()
    moddir = os.path.join('/lib/modules', kernel_version)
    busybox = find_busybox()
    if not os.path.isfile(INIT_SCRIPT):
        raise InitramfsError('%s is missing' % INIT_SCRIPT)
    order = load_order(moddir, GUEST_MODULES)

    inputs = [busybox, INIT_SCRIPT, os.path.abspath(__file__)]
    inputs += [os.path.join(moddir, rel) for _, rel in order]
    digest = hashlib.sha256(('%d %s\n' % (LAYOUT_VERSION, kernel_version)).encode())
    for path in inputs:
        st = os.stat(path)
        digest.update(('%s %d %d\n' % (path, st.st_size, st.st_mtime_ns)).encode())
    digest = digest.hexdigest()

    os.makedirs(cache_dir, exist_ok=True)
    target = os.path.join(cache_dir, 'sluice-initramfs-%s.cpio.gz' % kernel_version)
    stamp = target + '.inputs'
    try:
        with open(stamp) as f:
            if f.read().strip() == digest and os.path.isfile(target):
                return target, kernel, kernel_version
    except OSError:
        pass

    cpio = CpioWriter()
    for d in ('bin', 'sbin', 'usr', 'usr/bin', 'usr/sbin', 'dev', 'proc', 'sys',
              'host', 'tmp', 'run', 'modules', 'etc'):
        cpio.dir(d)
    # The kernel opens /dev/console for init's stdio before devtmpfs exists.
    cpio.chardev('dev/console', 5, 1)
    cpio.chardev('dev/null', 1, 3, 0o666)
    with open(busybox, 'rb') as f:
        cpio.file('bin/busybox', f.read(), 0o755)
    cpio.symlink('bin/sh', 'busybox')
    with open(INIT_SCRIPT, 'rb') as f:
        cpio.file('init', f.read(), 0o755)
    for name, rel in order:
        cpio.file('modules/%s.ko' % name, read_module(os.path.join(moddir, rel)))
    cpio.file('modules/order', ''.join(n + '\n' for n, _ in order).encode())
    cpio.file('etc/sluice-kernel-version', (kernel_version + '\n').encode())

    # mtime=0 keeps the gzip stream byte-identical for identical inputs.
    blob = gzip.compress(cpio.finish(), compresslevel=6, mtime=0)
    tmp = target + '.tmp%d' % os.getpid()
    with open(tmp, 'wb') as f:
        f.write(blob)
    os.replace(tmp, target)
    with open(stamp, 'w') as f:
        f.write(digest + '\n')
    return target, kernel, kernel_version


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('cache_dir')
    ap.add_argument('--kernel-version')
    opts = ap.parse_args()
    try:
        path, kernel, ver = build(opts.cache_dir, opts.kernel_version)
    except InitramfsError as e:
        print('mkinitramfs: ' + str(e), file=sys.stderr)
        return 77
    print(path)
    print('kernel: %s' % kernel, file=sys.stderr)
    return 0


if __name__ == '__main__':
    sys.exit(main())
