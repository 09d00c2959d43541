#!/usr/bin/env python3
"""Guest side: prove a PCI device bound to vfio-pci is usable through VFIO
type1, the way Sluice's lib/pci will use it (runs inside the guest).

  guest_vfio.py BDF [--out FILE.json]

Opens the device's group, attaches it to a container with the type1 IOMMU,
gets the device fd, reads the vendor ID from config space, reports the
IOVA ranges the vIOMMU allows, and maps/unmaps one DMA buffer. Exits 1 with
the failing step on error.
"""

import argparse
import ctypes
import json
import mmap
import os
import struct
import sys

VFIO = ord(';') << 8 | 100     # _IO(VFIO_TYPE, VFIO_BASE + n) == VFIO + n
GET_API_VERSION, CHECK_EXTENSION, SET_IOMMU = VFIO + 0, VFIO + 1, VFIO + 2
GROUP_GET_STATUS, GROUP_SET_CONTAINER, GROUP_GET_DEVICE_FD = VFIO + 3, VFIO + 4, VFIO + 6
DEVICE_GET_INFO, DEVICE_GET_REGION_INFO = VFIO + 7, VFIO + 8
IOMMU_GET_INFO, IOMMU_MAP_DMA, IOMMU_UNMAP_DMA = VFIO + 12, VFIO + 13, VFIO + 14
TYPE1_IOMMU, TYPE1V2_IOMMU = 1, 3
GROUP_FLAGS_VIABLE = 1
PCI_CONFIG_REGION_INDEX = 7
IOMMU_INFO_CAPS = 1 << 1
CAP_IOVA_RANGE = 1

libc = ctypes.CDLL(None, use_errno=True)
libc.ioctl.argtypes = (ctypes.c_int, ctypes.c_ulong, ctypes.c_void_p)


def ioctl(fd, req, arg=None, what=''):
    """ioctl with a mutable buffer (bytearray), an int, or nothing."""
    if isinstance(arg, bytearray):
        buf = (ctypes.c_char * len(arg)).from_buffer(arg)
        ret = libc.ioctl(fd, req, ctypes.addressof(buf))
    else:
        ret = libc.ioctl(fd, req, arg)
    if ret < 0:
        e = ctypes.get_errno()
        raise OSError(e, '%s: %s' % (what or hex(req), os.strerror(e)))
    return ret


def probe(bdf):
    out = {'bdf': bdf}
    group = os.path.basename(os.readlink('/sys/bus/pci/devices/%s/iommu_group' % bdf))
    out['group'] = int(group)
    container = os.open('/dev/vfio/vfio', os.O_RDWR)
    out['api_version'] = ioctl(container, GET_API_VERSION, None, 'VFIO_GET_API_VERSION')
    if not ioctl(container, CHECK_EXTENSION, TYPE1V2_IOMMU, 'VFIO_CHECK_EXTENSION'):
        raise OSError(0, 'VFIO type1v2 IOMMU not supported')
    gfd = os.open('/dev/vfio/%s' % group, os.O_RDWR)
    status = bytearray(struct.pack('II', 8, 0))
    ioctl(gfd, GROUP_GET_STATUS, status, 'VFIO_GROUP_GET_STATUS')
    if not struct.unpack('II', status)[1] & GROUP_FLAGS_VIABLE:
        raise OSError(0, 'group %s not viable (another device of it is bound to a host driver)' % group)
    ioctl(gfd, GROUP_SET_CONTAINER, bytearray(struct.pack('i', container)), 'VFIO_GROUP_SET_CONTAINER')
    ioctl(container, SET_IOMMU, TYPE1V2_IOMMU, 'VFIO_SET_IOMMU')

    # IOMMU info: first call learns the size including capabilities.
    info = bytearray(struct.pack('IIQII', 24, 0, 0, 0, 0))
    ioctl(container, IOMMU_GET_INFO, info, 'VFIO_IOMMU_GET_INFO')
    need = struct.unpack_from('I', info)[0]
    info = bytearray(struct.pack('I', need) + bytes(need - 4))
    ioctl(container, IOMMU_GET_INFO, info, 'VFIO_IOMMU_GET_INFO')
    _, flags, pgsizes, cap_off = struct.unpack_from('IIQI', info)
    out['iova_pgsizes'] = hex(pgsizes)
    ranges = []
    while flags & IOMMU_INFO_CAPS and cap_off:
        cap_id, _, nxt = struct.unpack_from('HHI', info, cap_off)
        if cap_id == CAP_IOVA_RANGE:
            n = struct.unpack_from('I', info, cap_off + 8)[0]
            for i in range(n):
                start, end = struct.unpack_from('QQ', info, cap_off + 16 + 16 * i)
                ranges.append([hex(start), hex(end)])
        cap_off = nxt
    out['iova_ranges'] = ranges

    dev = ioctl(gfd, GROUP_GET_DEVICE_FD, bytearray(bdf.encode() + b'\0'), 'VFIO_GROUP_GET_DEVICE_FD')
    dinfo = bytearray(struct.pack('IIII', 16, 0, 0, 0))
    ioctl(dev, DEVICE_GET_INFO, dinfo, 'VFIO_DEVICE_GET_INFO')
    out['num_regions'], out['num_irqs'] = struct.unpack_from('II', dinfo, 8)
    rinfo = bytearray(struct.pack('IIIIQQ', 32, 0, PCI_CONFIG_REGION_INDEX, 0, 0, 0))
    ioctl(dev, DEVICE_GET_REGION_INFO, rinfo, 'VFIO_DEVICE_GET_REGION_INFO')
    cfg_offset = struct.unpack_from('Q', rinfo, 24)[0]
    vendor, device = struct.unpack('<HH', os.pread(dev, 4, cfg_offset))
    out['vendor_device'] = '%04x:%04x' % (vendor, device)

    # One 2 MiB buffer mapped at a low IOVA, inside every range the vIOMMU allows.
    size = 2 << 20
    buf = mmap.mmap(-1, size)
    vaddr = ctypes.addressof(ctypes.c_char.from_buffer(buf))
    iova = 1 << 20
    ioctl(container, IOMMU_MAP_DMA,
          bytearray(struct.pack('IIQQQ', 32, 3, vaddr, iova, size)), 'VFIO_IOMMU_MAP_DMA')
    ioctl(container, IOMMU_UNMAP_DMA,
          bytearray(struct.pack('IIQQ', 24, 0, iova, size)), 'VFIO_IOMMU_UNMAP_DMA')
    out['dma_map'] = 'ok'
    for fd in (dev, gfd, container):
        os.close(fd)
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('bdf')
    ap.add_argument('--out')
    opts = ap.parse_args()
    try:
        out = probe(opts.bdf)
    except OSError as e:
        print('guest_vfio: %s: %s' % (opts.bdf, e), flush=True)
        return 1
    print('guest_vfio: ' + json.dumps(out), flush=True)
    if opts.out:
        with open(opts.out, 'w') as f:
            json.dump(out, f)
    return 0


if __name__ == '__main__':
    sys.exit(main())
