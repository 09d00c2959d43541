"""Sluice QEMU guest harness (host side; Python 3 standard library only).

A Guest is a QEMU q35 machine with an Intel vIOMMU, booted from the host's
own kernel and a small initramfs (mkinitramfs.py + init.sh). The guest
mounts the host root read-only and runs one "guest script" from the host's
file system, chrooted, so build-tree binaries run unchanged. NICs sit at
fixed PCI slots: NIC i is 0000:00:0<3+i>.0 in the guest (see Nic.pci).

    with Guest([Nic('e1000'), Nic('virtio')], name='demo') as g:
        g.start('/path/guest_script.sh', ['arg'])
        g.wait_for_file('ready')
        g.nics[0].port.send_frames(make_frames(100))
        status = g.wait(300)

Frames cross between the host and a NIC as one Ethernet frame per UDP
datagram on 127.0.0.1 (QEMU's dgram netdev), see HostPort. make_frames()
builds numbered test frames and check_frames() compares what arrived.
"""

import base64
import ctypes
import errno
import fcntl
import json
import os
import re
import select
import shlex
import shutil
import signal
import socket
import struct
import subprocess
import sys
import tempfile
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import mkinitramfs  # noqa: E402  (lives next to this file)

APT_HINT = 'apt-get install qemu-system-x86 linux-image-amd64 busybox-static'
QEMU = 'qemu-system-x86_64'
FIRST_NIC_SLOT = 3          # NIC i -> 0000:00:(3+i).0; slots 1 and 2 stay free
SHARE_SLOTS = (0x1d, 0x1e)  # the two virtio-9p devices, out of the NICs' way
MAX_NICS = SHARE_SLOTS[0] - FIRST_NIC_SLOT
KERNEL_CMDLINE_MAX = 2047   # x86 COMMAND_LINE_SIZE is 2048 including the NUL
ETHERTYPE_TEST = 0x88b5     # IEEE 802 local experimental ethertype 1
FRAME_MAGIC = b'SLv1'
MIN_FRAME, MAX_FRAME = 60, 1514   # without FCS, as QEMU's netdevs carry them

# The guest kernel's NIC drivers (kernel_drivers=False leaves them unloaded).
KERNEL_NIC_MODULES = ('e1000', 'e1000e', 'vmxnet3', 'virtio_net')

# QEMU device and options for each NIC model the tests use.
NIC_MODELS = {
    'e1000': 'e1000',                    # 82540EM, 8086:100e
    'e1000-82545em': 'e1000-82545em',    # 8086:100f
    'e1000-82544gc': 'e1000-82544gc',    # 8086:100c
    # Modern-only: iommu_platform=on makes the device translate its DMA through
    # the vIOMMU like real hardware, and QEMU refuses it on transitional devices.
    'virtio': 'virtio-net-pci,disable-legacy=on,iommu_platform=on',
    'virtio-mq': 'virtio-net-pci,disable-legacy=on,iommu_platform=on,mq=on',
    # Without VIRTIO_F_ACCESS_PLATFORM (the device DMAs to guest-physical
    # addresses): what a guest without a vIOMMU, driven through UIO, sees.
    'virtio-noplat': 'virtio-net-pci,disable-legacy=on',
    # Transitional (0.9.5 legacy I/O BAR plus the modern capabilities), 1af4:1000.
    'virtio-transitional': 'virtio-net-pci,disable-legacy=off',
    # No MSI-X capability (vectors=0): the device interrupts through INTx.
    'virtio-intx': 'virtio-net-pci,disable-legacy=on,iommu_platform=on,vectors=0',
    'e1000e': 'e1000e',                  # 82574L, 8086:10d3
    'vmxnet3': 'vmxnet3',                # 15ad:07b0
}


class SkipTest(Exception):
    """The machine lacks something the test needs; run() exits 77."""


class GuestError(Exception):
    """QEMU or the guest failed outside the test's own logic."""


def log(msg):
    print('vm: ' + msg, flush=True)


# ---------------------------------------------------------------- prerequisites

def find_prerequisites(cache_dir):
    """(qemu binary, kernel image, initramfs), building the initramfs into
    cache_dir if needed; SkipTest with the install command when missing."""
    qemu = shutil.which(QEMU)
    if not qemu:
        raise SkipTest('%s not found (%s)' % (QEMU, APT_HINT))
    try:
        initrd, kernel, _ = mkinitramfs.build(cache_dir)
    except mkinitramfs.InitramfsError as e:
        raise SkipTest(str(e) if 'apt-get' in str(e) else '%s (%s)' % (e, APT_HINT))
    if not os.access(kernel, os.R_OK):
        raise SkipTest('%s is not readable (run as root, or chmod o+r it)' % kernel)
    return qemu, kernel, initrd


def build_dir():
    return os.environ.get('SLUICE_BUILD_DIR') or os.getcwd()


def source_dir():
    return os.environ.get('SLUICE_SOURCE_DIR') or os.path.dirname(os.path.dirname(HERE))


SOCKET_BUF_BYTES = 4 << 20
SO_SNDBUFFORCE, SO_RCVBUFFORCE = 32, 33


def udp_socket():
    """A UDP socket on 127.0.0.1 (ephemeral port) with 4 MB buffers.

    QEMU gets its end of every cable as such a socket, created here and
    passed by fd (dgram netdev local.type=fd): QEMU's own sockets would have
    the default ~200 KB receive buffer, which overflows in a few ms whenever
    the emulated NIC stops taking frames, and picking free ports for QEMU to
    bind would race with other processes."""
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    for force, opt in ((SO_RCVBUFFORCE, socket.SO_RCVBUF), (SO_SNDBUFFORCE, socket.SO_SNDBUF)):
        try:
            s.setsockopt(socket.SOL_SOCKET, force, SOCKET_BUF_BYTES)   # root: past rmem_max
        except OSError:
            s.setsockopt(socket.SOL_SOCKET, opt, SOCKET_BUF_BYTES)
    s.bind(('127.0.0.1', 0))
    return s


def socket_pair_udp():
    """Two UDP sockets connected to each other: a cable's two ends."""
    a, b = udp_socket(), udp_socket()
    a.connect(b.getsockname())
    b.connect(a.getsockname())
    return a, b


_isa_warned = False


def warn_if_build_uses_host_only_isa():
    """QEMU 7.2's TCG CPU ('-cpu max') has AVX2 but no AVX-512 (nor GFNI,
    SHA, VPCLMULQDQ, AVX-VNNI): a build configured with -Dmachine=native (or
    -march=native in c_args) on an AVX-512 host makes binaries that die with
    SIGILL in the guest. Warn once, naming the fix."""
    global _isa_warned
    if _isa_warned:
        return
    _isa_warned = True
    try:
        with open('/proc/cpuinfo') as f:
            if ' avx512f' not in f.read():
                return
        with open(os.path.join(build_dir(), 'meson-info', 'intro-buildoptions.json')) as f:
            opts = {o['name']: o['value'] for o in json.load(f)}
    except (OSError, ValueError, KeyError):
        return
    march = 'native' if opts.get('machine') == 'native' else None
    for a in opts.get('c_args', []):    # user c_args come after the project's -march
        if a.startswith('-march='):
            march = a[len('-march='):]
        elif a == '-mno-avx512f':
            march = None
    if march == 'native':
        log('warning: this host has AVX-512 and %s is built for -march=native: its binaries '
            'may die with SIGILL (Illegal instruction) in the TCG guest; VM tests need the '
            'default -Dmachine=x86-64-v2 (or x86-64-v3)' % build_dir())


def _die_with_parent():
    """In QEMU's child before exec: SIGKILL it when the harness dies, even by
    SIGKILL, so no guest outlives its test. (The signal follows the thread
    that started QEMU: call Guest.start() from a thread that lives on.)"""
    PR_SET_PDEATHSIG = 1
    ctypes.CDLL(None).prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)


def _check_path(what, path):
    # QEMU's option parser treats ',' as a separator and the guest's /init
    # splits the kernel command line on white space and quotes with '.
    if not os.path.isabs(path) or re.search(r"[\s,'\"\\]", path):
        raise ValueError('%s %r must be an absolute path without spaces, commas or quotes'
                         % (what, path))


# ---------------------------------------------------------------- test frames

def frame_size(seq):
    """Sizes 60..1514, each exactly once per 1455 consecutive sequence numbers,
    stepping by 101 (prime to 1455) so even a short run mixes small and large."""
    return MIN_FRAME + (seq * 101) % (MAX_FRAME - MIN_FRAME + 1)


def _pattern(seq, length):
    start = (seq * 7) & 0xff
    base = bytes((start + i) & 0xff for i in range(256))
    return (base * (length // 256 + 1))[:length]


def mac_bytes(mac):
    if isinstance(mac, (bytes, bytearray)):
        return bytes(mac)
    return bytes(int(x, 16) for x in mac.split(':'))


def make_frame(seq, size=None, dst='ff:ff:ff:ff:ff:ff', src='02:00:00:00:00:01'):
    """Ethernet frame with ethertype 0x88b5: magic 'SLv1', 32-bit sequence
    number (big endian), 16-bit frame length, then a pattern derived from seq."""
    size = frame_size(seq) if size is None else size
    if not MIN_FRAME <= size <= 9014:
        raise ValueError('frame size %d outside 60..9014' % size)
    head = mac_bytes(dst) + mac_bytes(src) + struct.pack('!H', ETHERTYPE_TEST)
    head += FRAME_MAGIC + struct.pack('!IH', seq & 0xffffffff, size)
    return head + _pattern(seq, size - len(head))


def make_frames(count, first_seq=0, size=None, dst='ff:ff:ff:ff:ff:ff', src='02:00:00:00:00:01'):
    return [make_frame(first_seq + i, size, dst, src) for i in range(count)]


def frame_seq(frame):
    """Sequence number of a test frame, or None for anything else."""
    if len(frame) < 24 or frame[12:14] != b'\x88\xb5' or frame[14:18] != FRAME_MAGIC:
        return None
    return struct.unpack_from('!I', frame, 18)[0]


def _ranges(numbers):
    out, numbers = [], sorted(numbers)
    i = 0
    while i < len(numbers):
        j = i
        while j + 1 < len(numbers) and numbers[j + 1] == numbers[j] + 1:
            j += 1
        out.append(str(numbers[i]) if i == j else '%d-%d' % (numbers[i], numbers[j]))
        i = j + 1
    return ','.join(out[:8]) + (',...' if len(out) > 8 else '')


def check_frames(sent, received, ignore_macs=False, in_order=True):
    """Compare received frames with the sent ones. Returns a list of problem
    lines, empty when every sent frame arrived exactly once (in order, if
    in_order), byte-identical except the 12 MAC bytes when ignore_macs."""
    expected = {}
    for f in sent:
        seq = frame_seq(f)
        if seq is None:
            raise ValueError('check_frames: a sent frame is not a test frame')
        expected[seq] = f
    problems, counts, last_seq, order_reported = [], {}, None, False
    foreign = []
    first_diff = None
    for idx, f in enumerate(received):
        seq = frame_seq(f)
        if seq is None or seq not in expected:
            foreign.append((idx, f))
            continue
        counts[seq] = counts.get(seq, 0) + 1
        if in_order and last_seq is not None and seq < last_seq and not order_reported:
            problems.append('out of order: received[%d] is seq %d after seq %d' % (idx, seq, last_seq))
            order_reported = True
        last_seq = seq if last_seq is None else max(last_seq, seq)
        want = expected[seq]
        if first_diff is None:
            a, b = (want[12:], f[12:]) if ignore_macs else (want, f)
            off = 12 if ignore_macs else 0
            if a != b:
                if len(a) != len(b):
                    first_diff = 'seq %d: length %d, expected %d' % (seq, len(f), len(want))
                    # A frame padded or carrying a 4-byte FCS says a lot.
                    if b[:len(a)] == a:
                        first_diff += ' (expected bytes followed by %d extra: %s)' % (
                            len(b) - len(a), b[len(a):len(a) + 8].hex())
                else:
                    k = next(i for i in range(len(a)) if a[i] != b[i])
                    first_diff = 'seq %d: first differing byte at offset %d: got 0x%02x, expected 0x%02x' % (
                        seq, k + off, b[k], a[k])
    missing = [s for s in expected if s not in counts]
    dups = [s for s, c in counts.items() if c > 1]
    if missing:
        problems.insert(0, '%d of %d frames missing, first missing seq %d (missing: %s)'
                        % (len(missing), len(expected), min(missing), _ranges(missing)))
    if dups:
        problems.append('%d frames received more than once, first seq %d (dups: %s)'
                        % (len(dups), min(dups), _ranges(dups)))
    if first_diff:
        problems.append(first_diff)
    if foreign:
        idx, f = foreign[0]
        problems.append('%d unexpected frames, first is received[%d]: %d bytes %s...'
                        % (len(foreign), idx, len(f), f[:32].hex()))
    return problems


def assert_frames(sent, received, what='frames', **kw):
    problems = check_frames(sent, received, **kw)
    if problems:
        raise AssertionError('%s: sent %d, received %d:\n  %s'
                             % (what, len(sent), len(received), '\n  '.join(problems)))


def check_counters(what, port, want):
    """port: one entry of a forwarder's stats JSON "ports" list
    (test/vm/fwd_common.c); want: {counter: value}. All differences in one
    assertion."""
    bad = ['%s=%s (expected %s)' % (k, port.get(k), v) for k, v in want.items() if port.get(k) != v]
    assert not bad, '%s: port %s (%s): %s' % (what, port.get('port'), port.get('name'),
                                              ', '.join(bad))


def fwd_forward_phase(g, phase, pair, count, rev, base_seq, pps, size=None):
    """A virtio_fwd run of the guest's fwd_run (test/vm/guest_lib.sh)
    between the NICs of pair: count frames host -> first -> second -> host,
    rev the other way, pps frames/s; returns the bytes of each direction."""
    a, b = g.nics[pair[0]], g.nics[pair[1]]
    g.wait_for_file(phase + '/ready', timeout=300)
    a.port.drain()
    b.port.drain()
    for src, dst, first, n in ((a, b, base_seq, count), (b, a, base_seq + 500000, rev)):
        frames = make_frames(n, first_seq=first, size=size)
        got = src.port.exchange(frames, dst.port, pps=pps)
        assert_frames(frames, got, '%s: host -> %s -> virtio_fwd -> %s -> host' % (
            phase, src.pci, dst.pci))
    return sum(len(f) for f in make_frames(count, base_seq, size)), \
        sum(len(f) for f in make_frames(rev, base_seq + 500000, size))


def fwd_stop_and_check(g, phase, pair, count, rev, fwd_bytes, back_bytes, chained=None):
    """Stops the virtio_fwd run and checks its statistics: the ports are the
    pair's NICs with QEMU's MACs, their counters equal what the host sent
    and received, nothing dropped; chained: (chained frames, longest chain)."""
    g.touch(phase + '/stop')
    stats = g.read_json('stats_%s.json' % phase, timeout=120)
    p0, p1 = stats['ports']
    a, b = g.nics[pair[0]], g.nics[pair[1]]
    assert p0['name'] == a.pci and p1['name'] == b.pci, stats
    assert p0['mac'] == a.mac, 'MAC of the port %s, QEMU has %s' % (p0['mac'], a.mac)
    quiet = {'imissed': 0, 'ierrors': 0, 'oerrors': 0, 'rx_nombuf': 0, 'link': 1}
    check_counters(phase, p0, dict(quiet, ipackets=count, ibytes=fwd_bytes,
                                   opackets=rev, obytes=back_bytes))
    check_counters(phase, p1, dict(quiet, ipackets=rev, ibytes=back_bytes,
                                   opackets=count, obytes=fwd_bytes))
    assert stats['tx_dropped'] == 0, stats
    if chained is not None:
        assert (stats['chained'], stats['max_segs']) == chained, \
            '%s: (chained frames, longest chain) %s, expected %s' % (
                phase, (stats['chained'], stats['max_segs']), chained)
    log('%s: %d + %d frames intact, counters match' % (phase, count, rev))


def fwd_jumbo_link_phase(g, base, pps):
    """Phase J (virtio_fwd --mtu 9000 --scatter between NIC0 and NIC1): 300
    frames of 1515..9014 bytes each way as chains of 2048-byte buffers,
    then NIC0's link off and on and 200 frames at pps again."""
    a, b = g.nics[0], g.nics[1]
    sizes = [1515 + (i * 977) % (9014 - 1515 + 1) for i in range(300)]
    g.wait_for_file('J/ready', timeout=300)
    a.port.drain()
    b.port.drain()
    fwd_bytes = back_bytes = 0
    for src, dst, first in ((a, b, base), (b, a, base + 500000)):
        frames = [make_frame(first + i, sizes[i]) for i in range(len(sizes))]
        got = src.port.exchange(frames, dst.port, pps=1000)
        assert_frames(frames, got, 'J: %d-byte frames %s -> %s' % (max(sizes), src.pci, dst.pci))
        if src is a:
            fwd_bytes = sum(map(len, frames))
        else:
            back_bytes = sum(map(len, frames))
    g.set_link(0, False)
    g.wait_for_file('J/link0_down', timeout=60)
    g.set_link(0, True)
    g.wait_for_file('J/link0_up', timeout=60)
    frames = make_frames(200, first_seq=base + 900000)
    got = a.port.exchange(frames, b.port, pps=pps)
    assert_frames(frames, got, 'J: after link off/on')
    log('J: jumbo frames as chains, link down and up seen, forwarding resumed')
    fwd_stop_and_check(g, 'J', (0, 1), len(sizes) + 200, len(sizes),
                       fwd_bytes + sum(map(len, frames)), back_bytes,
                       # 2048-byte buffers: a frame of n bytes takes ceil(n / 2048)
                       chained=(2 * sum(s > 2048 for s in sizes), -(-max(sizes) // 2048)))


def fwd_kill_phase(g, pps):
    """Phase K (the guest's fwd_kill_phase on NIC0 and NIC1): traffic into
    the first forwarder, SIGKILL, then the new one forwards 1000 frames each
    way intact with its counters right."""
    g.wait_for_file('K0/ready', timeout=300)
    g.nics[0].port.send_frames(make_frames(500, first_seq=4000000), pps=pps)
    g.touch('K0/kill')
    fb, bb = fwd_forward_phase(g, 'K', (0, 1), 1000, 1000, 5000000, pps)
    fwd_stop_and_check(g, 'K', (0, 1), 1000, 1000, fb, bb)


def kernel_back_check(g, nic, driver):
    """Phase E (the guest's kernel_back_phase): the 100 frames the kernel's
    driver sent from NIC nic after the Sluice driver had it."""
    again = g.nics[nic].port.recv_frames(100, timeout=180, idle=60)
    assert_frames(make_frames(100, 2000000, src=g.nics[nic].mac), again,
                  'E: kernel %s on NIC%d after the Sluice driver' % (driver, nic))


def check_l2fwd_macs(got, tx_port, tx_mac, what):
    """sl-l2fwd rewrites MACs as DPDK's l2fwd: destination
    02:00:00:00:00:<TX port>, source the TX port's MAC."""
    want = mac_bytes('02:00:00:00:00:%02x' % tx_port) + mac_bytes(tx_mac)
    wrong = [i for i, f in enumerate(got) if f[:12] != want]
    assert not wrong, '%s: %d frames with other MACs, first %s' % (
        what, len(wrong), got[wrong[0]][:12].hex())


def check_l2fwd_counters(g, phase, count, rev):
    """sl-l2fwd's final statistics (its own per-port counters, DPDK l2fwd's
    layout) and the 'Port N driver counters' lines (the device's registers)
    against what the host sent and received: port 0 (NIC0) took count
    frames and sent rev, port 1 the other way round."""
    g.wait_for_file('done_' + phase, timeout=120)
    text = g.read_result('app_%s.log' % phase)
    final = text[text.rindex('Final statistics'):] if 'Final statistics' in text else ''
    app = {int(p): (int(tx), int(rx), int(drop)) for p, tx, rx, drop in re.findall(
        r'Statistics for port (\d+) -+\nPackets sent: +(\d+)\nPackets received: +(\d+)'
        r'\nPackets dropped: +(\d+)', final)}
    drv = {int(m[0]): dict(zip(('ipackets', 'opackets', 'imissed', 'ierrors', 'oerrors',
                                'rx_nombuf'), map(int, m[1:])))
           for m in re.findall(r'Port (\d+) driver counters: ipackets (\d+) opackets (\d+) '
                               r'imissed (\d+) ierrors (\d+) oerrors (\d+) rx_nombuf (\d+)', text)}
    assert set(app) == {0, 1} and set(drv) == {0, 1}, \
        '%s: no final statistics for ports 0 and 1 in app_%s.log:\n%s' % (phase, phase, text[-2000:])
    want_app = {0: (rev, count, 0), 1: (count, rev, 0)}
    assert app == want_app, '%s: sl-l2fwd counters (sent, received, dropped) %s, expected %s' % (
        phase, app, want_app)
    for port, (ipackets, opackets) in ((0, (count, rev)), (1, (rev, count))):
        want = dict(ipackets=ipackets, opackets=opackets, imissed=0, ierrors=0, oerrors=0,
                    rx_nombuf=0)
        assert drv[port] == want, '%s: port %d driver counters %s, expected %s' % (
            phase, port, drv[port], want)
    log('%s: sl-l2fwd and driver counters match (%d/%d, %d/%d)' % (
        phase, count, rev, rev, count))


def l2fwd_asleep(text):
    """sl-l2fwd's summary lines for --rx-mode interrupt/adaptive as
    {lcore: (percent asleep, wake-ups)}."""
    return {int(l): (float(pct), int(wakes)) for l, pct, wakes in re.findall(
        r'^lcore (\d+): asleep ([\d.]+)% of [\d.]+ s \(--rx-mode \w+\), (\d+) wake-ups$',
        text, re.M)}


def proc_interrupts(text):
    """A copy of the guest's /proc/interrupts as {irq: (count, names)}:
    count summed over the CPUs, names what follows the counts (chip, type
    and the handlers, e.g. 'IR-PCI-MSIX-0000:00:04.0 1-edge
    vfio-msix[1](0000:00:04.0)')."""
    lines = text.splitlines()
    ncpu = len(lines[0].split()) if lines else 0
    out = {}
    for line in lines[1:]:
        irq, _, rest = line.partition(':')
        fields = rest.split()
        if len(fields) < ncpu or not all(c.isdigit() for c in fields[:ncpu]):
            continue
        out[irq.strip()] = (sum(int(c) for c in fields[:ncpu]), ' '.join(fields[ncpu:]))
    return out


def vfio_msix_counts(irqs, bdf):
    """{vector: interrupts} of the device's MSI-X vectors under vfio-pci
    (proc_interrupts' result)."""
    out = {}
    for count, names in irqs.values():
        m = re.search(r'vfio-msix\[(\d+)\]\(%s\)' % re.escape(bdf), names)
        if m:
            out[int(m.group(1))] = count
    return out


def vfio_intx_count(irqs, bdf):
    """Interrupts of the IRQ line the device's INTx has under vfio-pci (a
    line may be shared: its count is everyone's), None when it has none."""
    for count, names in irqs.values():
        if 'vfio-intx(%s)' % bdf in names:
            return count
    return None


def built(*path):
    """The path of a program in the build tree (path relative to it), or
    SkipTest when it is not built."""
    full = os.path.join(build_dir(), *path)
    if not os.access(full, os.X_OK):
        raise SkipTest('%s not built (ninja -C %s)' % (full, build_dir()))
    return full


def write_pcap(path, frames):
    """Frames to a classic pcap file (microsecond, Ethernet link type)."""
    with open(path, 'wb') as f:
        f.write(struct.pack('<IHHiIII', 0xa1b2c3d4, 2, 4, 0, 0, 65535, 1))
        for i, frame in enumerate(frames):
            f.write(struct.pack('<IIII', i // 1000000, i % 1000000, len(frame), len(frame)))
            f.write(frame)


def read_pcap(path):
    """Frames of a classic pcap file (either byte order, us or ns stamps)."""
    with open(path, 'rb') as f:
        data = f.read()
    if len(data) < 24:
        raise ValueError('%s: not a pcap file (%d bytes)' % (path, len(data)))
    magic = data[:4]
    if magic in (b'\xd4\xc3\xb2\xa1', b'\x4d\x3c\xb2\xa1'):
        endian = '<'
    elif magic in (b'\xa1\xb2\xc3\xd4', b'\xa1\xb2\x3c\x4d'):
        endian = '>'
    else:
        raise ValueError('%s: not a pcap file (magic %s)' % (path, magic.hex()))
    frames, off = [], 24
    while off + 16 <= len(data):
        incl = struct.unpack_from(endian + 'I', data, off + 8)[0]
        frames.append(data[off + 16:off + 16 + incl])
        off += 16 + incl
    return frames


# ---------------------------------------------------------------- host ports

class _PortBase:
    """Common pacing and receive logic of HostPort and TapPort."""

    def __init__(self):
        self.foreign = 0        # frames recv_frames() dropped for their ethertype
        self.tx_frames = 0
        self.rx_frames = 0
        self.last_span = 0.0
        # Set by Guest: raises GuestError once the guest is gone, so a
        # receiver does not sit out its timeout after a failed guest script.
        self.guest_check = None

    def send_frames(self, frames, pps=10000, burst=32):
        """Send frames paced to pps (frames per second) in bursts: QEMU reads
        its socket only as fast as the emulated NIC takes frames and the
        kernel drops datagrams once QEMU's receive buffer (about 200 KB, not
        ours to raise) is full. Returns the seconds it took."""
        t0 = time.monotonic()
        interval = burst / float(pps) if pps else 0.0
        for i in range(0, len(frames), burst):
            for f in frames[i:i + burst]:
                self._send(f)
            self.tx_frames += len(frames[i:i + burst])
            if interval:
                delay = t0 + (i // burst + 1) * interval - time.monotonic()
                if delay > 0:
                    time.sleep(delay)
        return time.monotonic() - t0

    def recv_frames(self, count, timeout=10.0, ethertype=ETHERTYPE_TEST, idle=None):
        """Up to count frames of the given ethertype (None: any), waiting at
        most timeout seconds overall and, if idle is set, at most idle seconds
        without a frame (counted from the call until the first one arrives,
        so a caller waiting on a guest that is still booting leaves idle
        out). Others (e.g. the guest kernel's IPv6 noise) are counted in
        self.foreign."""
        out = []
        deadline = time.monotonic() + timeout
        last = time.monotonic()
        first = None
        while len(out) < count:
            now = time.monotonic()
            wait = deadline - now
            if idle is not None:
                wait = min(wait, last + idle - now)
            if wait <= 0:
                break
            f = self._recv(min(wait, 0.5))
            if f is None:
                if self.guest_check is not None:
                    self.guest_check(len(out), count)
                continue
            if ethertype is not None and f[12:14] != struct.pack('!H', ethertype):
                self.foreign += 1
                continue
            last = time.monotonic()
            first = first or last
            out.append(f)
        self.rx_frames += len(out)
        # Seconds from the first to the last frame: the rate the sender achieved.
        self.last_span = (last - first) if first else 0.0
        return out

    def exchange(self, frames, rx_port, pps=10000, idle=20, ethertype=ETHERTYPE_TEST):
        """Send frames into this port while a thread takes them from rx_port
        (which may be this port): a run longer than a few thousand frames
        overflows even a 4 MB host socket buffer if nobody reads it until
        the sending is done. Returns the frames received."""
        result = {}

        def receive():
            try:
                result['got'] = rx_port.recv_frames(len(frames), timeout=120 + len(frames) / pps,
                                                    ethertype=ethertype, idle=idle)
            except BaseException as e:      # re-raised in the caller's thread
                result['error'] = e

        receiver = threading.Thread(target=receive, daemon=True)
        receiver.start()
        try:
            self.send_frames(frames, pps=pps)
        finally:
            receiver.join()
        if 'error' in result:
            raise result['error']
        return result['got']

    def exchange_chunked(self, frames, rx_port, chunk=200, pps=10000, idle=20,
                         ethertype=ETHERTYPE_TEST, keep=None):
        """Send frames into this port and collect what comes out of rx_port,
        at most chunk frames in flight: under TCG on a loaded host QEMU's
        I/O thread can stall for 100 ms and more, and a forwarder whose
        256-entry TX ring fills meanwhile drops (as DPDK's l2fwd does),
        which would test the host's scheduler, not the driver. keep: a
        filter for received frames (others do not count). Stops at the
        first chunk that comes back short; returns the frames received."""
        got = []
        for i in range(0, len(frames), chunk):
            part = frames[i:i + chunk]
            self.send_frames(part, pps=pps)
            more = rx_port.recv_frames(len(part), timeout=120, ethertype=ethertype, idle=idle)
            if keep is not None:
                more = [f for f in more if keep(f)]
            got += more
            if len(more) < len(part):
                break
        return got

    def drain(self):
        """Discard whatever is queued; returns how many frames."""
        n = 0
        while self._recv(0) is not None:
            n += 1
        return n


class HostPort(_PortBase):
    """The host's end of a NIC cabled over UDP: frames sent here arrive on
    the guest NIC's wire, frames the NIC transmits arrive here. qemu_sock is
    the other end, handed to QEMU (or, in a self-test, used directly)."""

    def __init__(self):
        super().__init__()
        self.sock, self.qemu_sock = socket_pair_udp()
        self.port = self.sock.getsockname()[1]

    def _send(self, frame):
        while True:
            try:
                self.sock.send(frame)
                return
            except OSError as e:
                # ENOBUFS: our send buffer is momentarily full; ECONNREFUSED:
                # a datagram was refused while QEMU was gone (reported once).
                if e.errno not in (errno.ENOBUFS, errno.EAGAIN, errno.ECONNREFUSED):
                    raise
                time.sleep(0.001)

    def _recv(self, timeout):
        r, _, _ = select.select([self.sock], [], [], max(timeout, 0))
        if not r:
            return None
        try:
            return self.sock.recv(65536)
        except ConnectionRefusedError:
            return None

    def netdev(self, netdev_id):
        return 'dgram,id=%s,local.type=fd,local.str=%d' % (netdev_id, self.qemu_sock.fileno())

    def qemu_fds(self):
        return [self.qemu_sock.fileno()]

    def close(self):
        self.sock.close()
        self.qemu_sock.close()


class TapPort(_PortBase):
    """The host's end of a multi-queue NIC: QEMU's dgram netdev has a single
    queue, so a NIC with N queue pairs is cabled to a host tap device opened
    with N queues (needs root and /dev/net/tun). The host talks to it through
    an AF_PACKET socket on the tap; IPv6 is disabled on the tap so the host
    kernel stays silent on that wire. vnet_hdr: the tap is opened with
    IFF_VNET_HDR, so QEMU passes the virtio net header through (and only
    then offers virtio-net's CSUM/GUEST_CSUM/TSO features to the guest);
    Nic(cable='tap') makes one."""

    TUNSETIFF = 0x400454ca
    IFF_TAP, IFF_NO_PI, IFF_MULTI_QUEUE, IFF_VNET_HDR = 0x0002, 0x1000, 0x0100, 0x4000
    SIOCGIFFLAGS, SIOCSIFFLAGS, IFF_UP = 0x8913, 0x8914, 0x1
    _held = set()       # tap names this process has open

    def __init__(self, queues, vnet_hdr=False):
        super().__init__()
        self.vnet_hdr = vnet_hdr
        if os.geteuid() != 0:
            raise SkipTest('a multi-queue NIC needs a host tap device: run as root')
        if not os.path.exists('/dev/net/tun'):
            raise SkipTest('a multi-queue NIC needs /dev/net/tun (modprobe tun)')
        self.ifname = 'sltap%d' % (os.getpid() % 100000)
        self.fds = []
        n = 0
        while True:     # pick a name no other test run holds
            name = '%s%s' % (self.ifname, chr(ord('a') + n) if n else '')
            try:
                # TUNSETIFF on a multi-queue tap this process holds would
                # attach more queues to it rather than fail: two NICs of one
                # guest would share a tap. Names held here count as busy.
                if name in TapPort._held:
                    raise OSError(errno.EBUSY, 'tap %s is another NIC\'s' % name)
                self._open_queues(name, queues)
                self.ifname = name
                TapPort._held.add(name)
                break
            except OSError as e:
                self._close_fds()
                if e.errno != errno.EBUSY or n > 20:
                    raise GuestError('creating tap %s with %d queues failed: %s' % (name, queues, e))
                n += 1
        try:
            with open('/proc/sys/net/ipv6/conf/%s/disable_ipv6' % self.ifname, 'w') as f:
                f.write('1')
        except OSError:
            pass
        ctl = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        ifr = struct.pack('16sH22x', self.ifname.encode(), 0)
        flags = struct.unpack_from('16sH', fcntl.ioctl(ctl, self.SIOCGIFFLAGS, ifr))[1]
        fcntl.ioctl(ctl, self.SIOCSIFFLAGS, struct.pack('16sH22x', self.ifname.encode(), flags | self.IFF_UP))
        ctl.close()
        self.sock = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(0x0003))
        self.sock.setsockopt(socket.SOL_SOCKET, SO_RCVBUFFORCE, SOCKET_BUF_BYTES)
        self.sock.bind((self.ifname, 0))

    def _open_queues(self, name, queues):
        flags = self.IFF_TAP | self.IFF_NO_PI | self.IFF_MULTI_QUEUE
        if self.vnet_hdr:
            flags |= self.IFF_VNET_HDR
        ifr = struct.pack('16sH22x', name.encode(), flags)
        for _ in range(queues):
            fd = os.open('/dev/net/tun', os.O_RDWR)
            self.fds.append(fd)
            fcntl.ioctl(fd, self.TUNSETIFF, ifr)

    def _close_fds(self):
        for fd in self.fds:
            os.close(fd)
        self.fds = []

    def _send(self, frame):
        self.sock.send(frame)

    def _recv(self, timeout):
        while True:
            r, _, _ = select.select([self.sock], [], [], max(timeout, 0))
            if not r:
                return None
            data, addr = self.sock.recvfrom(65536)
            if addr[2] != socket.PACKET_OUTGOING:   # our own sends loop back
                return data
            timeout = 0

    def netdev(self, netdev_id):
        return 'tap,id=%s,fds=%s,vhost=off' % (netdev_id, ':'.join(str(fd) for fd in self.fds))

    def qemu_fds(self):
        return list(self.fds)

    def close(self):
        self.sock.close()
        self._close_fds()
        TapPort._held.discard(self.ifname)


# ---------------------------------------------------------------- the guest

# A guest gets one PCIe-to-PCI bridge when a NIC asks for it (Nic(bridge_slot=)):
# the devices behind such a bridge share one IOMMU group (the IOMMU cannot
# tell their requester IDs apart), which is how a test gets a group that is
# not viable. The firmware numbers the bridge's bus 1.
BRIDGE_ID = 'br0'
BRIDGE_SLOT = 0x1c          # on the root bus, below the 9p devices at 1d/1e
BRIDGE_BUS = 1


class Nic:
    """One guest NIC. cable: 'host' (a HostPort, or a TapPort for virtio-mq),
    'tap' (a TapPort with a vnet header: QEMU's offloads; root),
    or the index of another NIC of the same guest (a crossover cable: each
    one's transmissions arrive at the other), or None (no peer: frames the
    NIC sends are dropped). pcap: record the wire with QEMU's filter-dump
    (a file name, relative to the results dir). bridge_slot: put the NIC in
    that slot (1..31; 0 is the bridge's own SHPC) of the conventional PCI bus
    behind the guest's PCIe-to-PCI bridge instead of on the root bus."""

    def __init__(self, model, cable='host', pcap=None, mac=None, queues=2, bridge_slot=None):
        if model not in NIC_MODELS:
            raise ValueError('NIC model %r: use one of %s' % (model, ', '.join(NIC_MODELS)))
        self.model = model
        self.cable = cable
        self.pcap = pcap
        self.mac = mac
        self.queues = queues if model == 'virtio-mq' else 1
        if bridge_slot is not None and not 1 <= bridge_slot <= 31:
            raise ValueError('bridge_slot %r: use 1..31 (slot 0 is the bridge\'s SHPC)' % bridge_slot)
        self.bridge_slot = bridge_slot
        self.index = None
        self.port = None        # HostPort/TapPort when cable == 'host' or 'tap'

    @property
    def pci(self):
        """The NIC's PCI address in the guest."""
        if self.bridge_slot is not None:
            return '0000:%02x:%02x.0' % (BRIDGE_BUS, self.bridge_slot)
        return '0000:00:%02x.0' % (FIRST_NIC_SLOT + self.index)

    @property
    def placement(self):
        """QEMU's bus=,addr= for the NIC."""
        if self.bridge_slot is not None:
            return 'bus=%s,addr=0x%x' % (BRIDGE_ID, self.bridge_slot)
        return 'bus=pcie.0,addr=0x%x' % (FIRST_NIC_SLOT + self.index)

    @property
    def netdev_id(self):
        return 'n%d' % self.index

    @property
    def device_id(self):
        return 'nic%d' % self.index


class Guest:
    """A QEMU guest for one test; use as a context manager so QEMU always dies."""

    def __init__(self, nics, name='guest', memory=2048, smp=2, hugepages=256,
                 kernel_args=(), results_dir=None, vfio=(), kernel_drivers=True,
                 env=None, accel=None, verbose=True, iommu=True, uio=()):
        """vfio: indexes of NICs the guest binds to vfio-pci before the script
        runs. iommu=False: no virtual IOMMU (no IOMMU groups: vfio-pci cannot
        bind), as in most cloud and default libvirt guests. uio: indexes of
        NICs bound to uio_pci_generic before the script runs. kernel_drivers=False: e1000/virtio_net are not loaded, so NICs
        stay unbound. accel: 'tcg' (default) or 'kvm' (also SLUICE_VM_ACCEL),
        KVM does not boot on every host. results_dir: host directory shared
        writable with the guest (emptied first); default
        <build dir>/test/vm/results/<name>."""
        if len(nics) > MAX_NICS:
            raise ValueError('at most %d NICs' % MAX_NICS)
        self.nics = list(nics)
        for i, nic in enumerate(self.nics):
            nic.index = i
        self.name = name
        self.memory = memory
        self.smp = smp
        self.hugepages = hugepages
        self.kernel_args = list(kernel_args)
        self.vfio = list(vfio)
        self.iommu = iommu
        self.uio = list(uio)
        if self.vfio and not iommu:
            raise ValueError('vfio-pci needs the virtual IOMMU: use uio= with iommu=False')
        self.kernel_drivers = kernel_drivers
        self.env = dict(env or {})
        self.accel = accel or os.environ.get('SLUICE_VM_ACCEL', 'tcg')
        self.verbose = verbose
        self.results_dir = os.path.abspath(results_dir or os.path.join(
            build_dir(), 'test', 'vm', 'results', name))
        _check_path('results dir', self.results_dir)
        self.console_path = os.path.join(self.results_dir, 'console.log')
        self.proc = None
        self.lines = []
        self.exit_status = None
        self.init_error = None
        self.boot_seconds = None
        self.run_seconds = None
        self._cond = threading.Condition()
        self._reader = None
        self._mon = None
        self._mon_lock = threading.Lock()
        self._tmpdir = None
        self._t_start = None
        self._qemu_socks = []   # QEMU's ends of crossover and unconnected cables
        self._sinks = []        # where unconnected NICs' frames go

    # -- lifecycle

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.kill()
        return False

    def start(self, script, args=()):
        """Boot the guest and run script (a host path; executable, or .py/.sh)
        with args inside it. Returns once QEMU runs; the guest boots on."""
        script = os.path.abspath(script)
        _check_path('guest script', script)
        if not os.path.isfile(script):
            raise ValueError('guest script %s does not exist' % script)
        # The guest covers /tmp and /run with its own tmpfs; the source and
        # build dirs (a CI clone may live there) are bound back by /init.
        keep = sorted({d for d in (source_dir(), build_dir())
                       if d.startswith(('/tmp/', '/run/'))})
        if script.startswith(('/tmp/', '/run/')) and not any(
                script.startswith(d + '/') for d in keep):
            raise ValueError('guest script %s: the guest mounts its own tmpfs over /tmp and '
                             '/run; keep scripts in the source or build dir' % script)
        qemu, kernel, initrd = find_prerequisites(os.path.join(build_dir(), 'test', 'vm', 'cache'))
        if self.accel != 'kvm':
            warn_if_build_uses_host_only_isa()
        if os.path.isdir(self.results_dir):
            shutil.rmtree(self.results_dir)
        os.makedirs(self.results_dir)
        self._tmpdir = tempfile.mkdtemp(prefix='sluicevm-')
        mon_path = os.path.join(self._tmpdir, 'monitor.sock')

        env = {
            'SLUICE_RESULTS': self.results_dir,
            'SLUICE_BUILD_DIR': build_dir(),
            'SLUICE_SOURCE_DIR': source_dir(),
            'SLUICE_NICS': ' '.join('%s=%s' % (n.pci, n.model) for n in self.nics),
            'PYTHONDONTWRITEBYTECODE': '1',
            'HOME': '/tmp',
            'PATH': '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin',
        }
        env.update(self.env)
        env_sh = ''.join('export %s=%s\n' % (k, shlex.quote(str(v))) for k, v in env.items())
        cmdline = ['console=ttyS0', 'intel_iommu=on' if self.iommu else 'intel_iommu=off',
                   'panic=-1', 'loglevel=4',
                   'sluice.script=' + script,
                   'sluice.results=' + self.results_dir,
                   'sluice.hugepages=%d' % self.hugepages,
                   'sluice.env64=' + base64.b64encode(env_sh.encode()).decode()]
        if args:
            quoted = ' '.join(shlex.quote(str(a)) for a in args)
            cmdline.append('sluice.args64=' + base64.b64encode(quoted.encode()).decode())
        if keep:
            cmdline.append('sluice.keep=' + ','.join(keep))
        if self.vfio:
            cmdline.append('sluice.vfio=' + ','.join(self.nics[i].pci for i in self.vfio))
        if self.uio:
            cmdline.append('sluice.uio=' + ','.join(self.nics[i].pci for i in self.uio))
        if not self.kernel_drivers:
            cmdline.append('sluice.nomods=' + ','.join(KERNEL_NIC_MODULES))
        # Under TCG on a loaded host the kernel's check that the timer
        # interrupt comes through the remapped IO-APIC can time out and panic
        # the boot ("timer doesn't work through Interrupt-remapped IO-APIC");
        # it proves nothing about the NICs.
        cmdline.append('no_timer_check')
        cmdline += self.kernel_args
        cmdline = ' '.join(cmdline)
        if len(cmdline) > KERNEL_CMDLINE_MAX:
            raise ValueError('kernel command line is %d bytes, the limit is %d: shorten args/env'
                             % (len(cmdline), KERNEL_CMDLINE_MAX))

        if self.accel == 'kvm':
            accel = ['-accel', 'kvm', '-cpu', 'host']
        else:
            accel = ['-accel', 'tcg,thread=multi', '-cpu', 'max']
        argv = [qemu, '-nodefaults', '-display', 'none', '-no-reboot',
                '-machine', 'q35,kernel-irqchip=split', *accel,
                '-m', str(self.memory), '-smp', str(self.smp),
                # intremap needs the split irqchip; DMA remapping is what VFIO needs.
                *(['-device', 'intel-iommu,intremap=on'] if self.iommu else []),
                '-kernel', kernel, '-initrd', initrd, '-append', cmdline,
                '-serial', 'stdio',
                '-monitor', 'unix:%s,server=on,wait=off' % mon_path,
                '-fsdev', 'local,id=hostroot,path=/,security_model=none,readonly=on,multidevs=remap',
                '-device', 'virtio-9p-pci,fsdev=hostroot,mount_tag=hostroot,addr=0x%x' % SHARE_SLOTS[0],
                '-fsdev', 'local,id=results,path=%s,security_model=none' % self.results_dir,
                '-device', 'virtio-9p-pci,fsdev=results,mount_tag=results,addr=0x%x' % SHARE_SLOTS[1]]
        pass_fds = []
        argv += self._nic_args(pass_fds)

        with open(os.path.join(self.results_dir, 'qemu-cmdline.txt'), 'w') as f:
            f.write(' '.join(shlex.quote(a) for a in argv) + '\n')
        self._stderr = open(os.path.join(self.results_dir, 'qemu-stderr.log'), 'w+')
        log('%s: booting %s (%s), NICs: %s; results in %s' % (
            self.name, os.path.basename(kernel), self.accel,
            ', '.join('%s=%s' % (n.pci, n.model) for n in self.nics) or 'none', self.results_dir))
        self._t_start = time.monotonic()
        try:
            self.proc = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                         stderr=self._stderr, pass_fds=pass_fds,
                                         preexec_fn=_die_with_parent)
        finally:
            # QEMU holds its own copies now; ours would only keep taps and
            # sockets alive after QEMU is gone.
            for sock in self._qemu_socks:
                sock.close()
            for nic in self.nics:
                if isinstance(nic.port, HostPort):
                    nic.port.qemu_sock.close()
                elif isinstance(nic.port, TapPort):
                    nic.port._close_fds()
        self._reader = threading.Thread(target=self._read_console, daemon=True)
        self._reader.start()
        return self

    def _nic_args(self, pass_fds):
        out = []
        if any(nic.bridge_slot is not None for nic in self.nics):
            out += ['-device', 'pcie-pci-bridge,id=%s,bus=pcie.0,addr=0x%x' % (BRIDGE_ID, BRIDGE_SLOT)]
        crossover = {}
        for nic in self.nics:
            if nic.model == 'virtio-mq' and nic.cable not in ('host', 'tap'):
                raise ValueError('NIC %d: a virtio-mq NIC can only be cabled to the host '
                                 '(a multi-queue tap): QEMU\'s dgram netdev has one queue' % nic.index)
            if nic.cable in ('host', 'tap'):
                if nic.cable == 'tap':
                    nic.port = TapPort(nic.queues, vnet_hdr=True)
                else:
                    nic.port = TapPort(nic.queues) if nic.model == 'virtio-mq' else HostPort()
                nic.port.guest_check = self._check_receiving
                netdev = nic.port.netdev(nic.netdev_id)
                pass_fds += nic.port.qemu_fds()
                continue_fd = None
            elif nic.cable is None:
                # Cabled to a socket nobody reads: the NIC has link, its
                # frames go nowhere, and nothing ever arrives.
                continue_fd, sink = socket_pair_udp()
                self._sinks.append(sink)
            else:
                if not isinstance(nic.cable, int) or not 0 <= nic.cable < len(self.nics) \
                        or nic.cable == nic.index:
                    raise ValueError("NIC %d: cable must be 'host', 'tap', None or another NIC's index"
                                     % nic.index)
                peer = self.nics[nic.cable]
                if peer.cable != nic.index:
                    raise ValueError('NIC %d is cabled to NIC %d, so NIC %d must be cabled to NIC %d'
                                     % (nic.index, peer.index, peer.index, nic.index))
                if nic.index not in crossover:
                    crossover[nic.index], crossover[peer.index] = socket_pair_udp()
                continue_fd = crossover[nic.index]
            if continue_fd is not None:
                self._qemu_socks.append(continue_fd)
                pass_fds.append(continue_fd.fileno())
                netdev = 'dgram,id=%s,local.type=fd,local.str=%d' % (nic.netdev_id, continue_fd.fileno())
            nic.mac = nic.mac or '52:54:00:53:4c:%02x' % (nic.index + 1)
            dev = '%s,netdev=%s,id=%s,mac=%s,%s' % (
                NIC_MODELS[nic.model], nic.netdev_id, nic.device_id, nic.mac, nic.placement)
            if nic.model == 'virtio-mq':
                # MSI-X: one vector per RX and TX queue, plus config and control queue.
                dev += ',vectors=%d' % (2 * nic.queues + 2)
            out += ['-netdev', netdev, '-device', dev]
            if nic.pcap:
                path = os.path.join(self.results_dir, nic.pcap)
                _check_path('pcap', path)
                out += ['-object', 'filter-dump,id=dump%d,netdev=%s,file=%s'
                        % (nic.index, nic.netdev_id, path)]
        return out

    def _read_console(self):
        marker_exit = re.compile(r'SLUICE-GUEST-EXIT (\d+)')
        marker_err = re.compile(r'SLUICE-INIT-ERROR (.*)')
        buf = b''
        with open(self.console_path, 'wb') as con:
            while True:
                chunk = self.proc.stdout.read1(65536)
                if not chunk:
                    break
                con.write(chunk)
                con.flush()
                buf += chunk
                *done, buf = buf.split(b'\n')
                for raw in done:
                    line = raw.decode('utf-8', 'replace').rstrip('\r')
                    if self.verbose:
                        print('[%s] %s' % (self.name, line), flush=True)
                    with self._cond:
                        self.lines.append(line)
                        if self.boot_seconds is None and line.startswith('sluice-init: up'):
                            self.boot_seconds = time.monotonic() - self._t_start
                        m = marker_exit.search(line)
                        if m:
                            self.exit_status = int(m.group(1))
                            self.run_seconds = time.monotonic() - self._t_start
                        m = marker_err.search(line)
                        if m:
                            self.init_error = m.group(1)
                        self._cond.notify_all()
        with self._cond:
            if buf:
                self.lines.append(buf.decode('utf-8', 'replace'))
            self._cond.notify_all()

    def _tail(self, n=25):
        with self._cond:
            lines = self.lines[-n:]
        text = '\n'.join('    ' + l for l in lines)
        try:
            self._stderr.seek(0)
            err = self._stderr.read().strip()
        except (OSError, ValueError, AttributeError):
            err = ''
        if err:
            text += '\n  QEMU stderr:\n' + '\n'.join('    ' + l for l in err.splitlines()[-10:])
        return text

    def _failed(self, why):
        return GuestError('%s: %s (console: %s)\n  last console lines:\n%s'
                          % (self.name, why, self.console_path, self._tail()))

    def _check_alive(self):
        """Raise when the guest can no longer do what a waiter waits for."""
        if self.init_error is not None:
            raise self._failed('guest setup failed: ' + self.init_error)
        if self.proc is None:
            raise GuestError('%s: not started' % self.name)
        if self.proc.poll() is not None and not self._reader.is_alive():
            if self.exit_status is not None:
                return 'exited'
            raise self._failed('QEMU exited with %s before the guest script finished'
                               % self.proc.returncode)
        return None

    def _check_receiving(self, got, want):
        with self._cond:
            if self._check_alive() == 'exited':
                raise self._failed('guest script exited (status %s) while the host waited for '
                                   'frames: %d of %d arrived' % (self.exit_status, got, want))

    def wait(self, timeout=300):
        """Wait for the guest script to finish and QEMU to power off; returns
        the script's exit status. On timeout QEMU is killed and GuestError raised."""
        deadline = time.monotonic() + timeout
        with self._cond:
            while self._check_alive() != 'exited':
                left = deadline - time.monotonic()
                if left <= 0:
                    err = self._failed('timed out after %d s (guest script still running?)' % timeout)
                    break
                self._cond.wait(min(left, 0.5))
            else:
                err = None
        if err:
            self.kill()
            raise err
        log('%s: guest script exited with %d; boot %.1f s, total %.1f s'
            % (self.name, self.exit_status, self.boot_seconds or -1, self.run_seconds or -1))
        return self.exit_status

    def finish(self, timeout=300):
        """wait(), then fail unless the guest script exited 0 (its exit
        status is its count of failed checks), quoting its FAIL: lines."""
        status = self.wait(timeout=timeout)
        failed = [l for l in self.lines if re.search(r'\bFAIL: ', l)]
        assert status == 0, 'guest script reported %d failed checks:\n  %s' % (
            status, '\n  '.join(failed) or '(no FAIL: lines, see the console above)')

    def wait_for_line(self, regex, timeout=300):
        """Wait for a console line matching regex (searched in every line
        printed so far, too); returns the re.Match."""
        pattern = re.compile(regex)
        deadline = time.monotonic() + timeout
        seen = 0
        with self._cond:
            while True:
                for line in self.lines[seen:]:
                    m = pattern.search(line)
                    if m:
                        return m
                seen = len(self.lines)
                if self._check_alive() == 'exited' or self.exit_status is not None:
                    raise self._failed('guest script exited (status %s) without printing /%s/'
                                       % (self.exit_status, regex))
                left = deadline - time.monotonic()
                if left <= 0:
                    raise self._failed('no console line matching /%s/ within %d s' % (regex, timeout))
                self._cond.wait(min(left, 0.5))

    def wait_for_file(self, name, timeout=300):
        """Wait until results/<name> exists (the guest creates it to signal
        the host); returns its path."""
        path = os.path.join(self.results_dir, name)
        deadline = time.monotonic() + timeout
        while not os.path.exists(path):
            with self._cond:
                if self._check_alive() == 'exited' or self.exit_status is not None:
                    if os.path.exists(path):
                        break
                    raise self._failed('guest script exited (status %s) without creating %s'
                                       % (self.exit_status, name))
                if time.monotonic() > deadline:
                    raise self._failed('%s did not appear within %d s' % (name, timeout))
                self._cond.wait(0.05)
        return path

    def read_json(self, name, timeout=60):
        """Wait for results/<name> and parse it as JSON. A file is visible over
        9p while the guest still writes it, so a parse error is retried for a
        few seconds (guest scripts that write to a temporary name and rename
        never need that)."""
        path = self.wait_for_file(name, timeout)
        deadline = time.monotonic() + 10
        while True:
            try:
                with open(path) as f:
                    return json.load(f)
            except ValueError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.2)

    def result_path(self, name):
        return os.path.join(self.results_dir, name)

    def touch(self, name):
        """Create results/<name>: how the host signals the guest script."""
        open(self.result_path(name), 'w').close()

    def read_result(self, name):
        with open(self.result_path(name)) as f:
            return f.read()

    def wait_for_result_line(self, name, regex, timeout=30):
        """Wait until results/<name> (a log a guest program is still
        writing) has a line matching regex; returns the re.Match."""
        pattern = re.compile(regex, re.M)
        deadline = time.monotonic() + timeout
        while True:
            try:
                m = pattern.search(self.read_result(name))
            except FileNotFoundError:
                m = None
            if m:
                return m
            with self._cond:
                self._check_alive()
            if self.exit_status is not None or time.monotonic() > deadline:
                raise self._failed('%s has no line matching /%s/ within %d s'
                                   % (name, regex, timeout))
            time.sleep(0.1)

    def interrupts(self, ctl_dir, name, timeout=30):
        """The guest's /proc/interrupts now, as proc_interrupts(): asked of
        the guest script's irq_snapshots (guest_lib.sh) serving ctl_dir."""
        self.touch('%s/%s.want' % (ctl_dir, name))
        with open(self.wait_for_file('%s/%s.txt' % (ctl_dir, name), timeout)) as f:
            return proc_interrupts(f.read())

    # -- monitor

    def monitor(self, command, timeout=10):
        """Run an HMP command on QEMU's monitor; returns its output text."""
        with self._mon_lock:
            if self._mon is None:
                path = os.path.join(self._tmpdir, 'monitor.sock')
                deadline = time.monotonic() + timeout
                while True:
                    try:
                        self._mon = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
                        self._mon.connect(path)
                        break
                    except OSError:
                        self._mon.close()
                        self._mon = None
                        if time.monotonic() > deadline:
                            raise GuestError('%s: QEMU monitor %s did not open' % (self.name, path))
                        time.sleep(0.1)
                self._mon_read(timeout)     # greeting up to the first prompt
            self._mon.sendall(command.encode() + b'\n')
            out = self._mon_read(timeout)
        # HMP echoes the command line (with terminal escapes) before its output.
        lines = re.sub(r'\x1b\[[0-9;]*[A-Za-z]', '', out).replace('\r', '').split('\n')
        lines = [l for l in lines if l.strip() and command not in l]
        return '\n'.join(lines)

    def _mon_read(self, timeout):
        data = b''
        deadline = time.monotonic() + timeout
        while not data.endswith(b'(qemu) '):
            left = deadline - time.monotonic()
            r, _, _ = select.select([self._mon], [], [], max(left, 0))
            if not r:
                raise GuestError('%s: QEMU monitor did not answer within %d s' % (self.name, timeout))
            chunk = self._mon.recv(65536)
            if not chunk:
                raise GuestError('%s: QEMU monitor closed' % self.name)
            data += chunk
        return data[:-len(b'(qemu) ')].decode('utf-8', 'replace')

    def set_link(self, nic_index, up):
        """Cable plugged/unplugged: the guest NIC sees link up/down."""
        out = self.monitor('set_link %s %s' % (self.nics[nic_index].device_id, 'on' if up else 'off'))
        if out.strip():
            raise GuestError('set_link: ' + out.strip())

    # -- teardown

    def kill(self):
        """Stop QEMU (if running) and release host ports; safe to call twice."""
        if self._mon is not None:
            self._mon.close()
            self._mon = None
        if self.proc is not None and self.proc.poll() is None:
            try:
                self.proc.terminate()
                self.proc.wait(5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        if self._reader is not None:
            self._reader.join(5)
        if self.proc is not None and self.proc.stdout:
            self.proc.stdout.close()
        self._close_ports()
        if self._tmpdir:
            shutil.rmtree(self._tmpdir, ignore_errors=True)
            self._tmpdir = None

    def _close_ports(self):
        for nic in self.nics:
            if nic.port is not None:
                nic.port.close()
        for sock in self._sinks + self._qemu_socks:
            sock.close()
        self._sinks, self._qemu_socks = [], []


# ---------------------------------------------------------------- test entry

def run(main):
    """Run a test's main() with the harness's exit codes: 0 pass, 1 fail,
    77 skip (meson's convention). SIGTERM (meson's timeout) unwinds like
    an exception, so every Guest's context manager stops its QEMU."""
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    try:
        main()
    except SkipTest as e:
        print('SKIP: %s' % e, flush=True)
        sys.exit(77)
    except (AssertionError, GuestError) as e:
        print('FAIL: %s' % e, flush=True)
        sys.exit(1)
    print('PASS', flush=True)
    sys.exit(0)
