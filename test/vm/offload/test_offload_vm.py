#!/usr/bin/env python3
"""Checksum offloads and TSO in a guest (vm-offload), one boot: a virtio-net
NIC on vfio-pci (and an e1000 and an e1000e, see below), cabled to a host
tap with a vnet header (QEMU offers virtio's CSUM, GUEST_CSUM and
HOST_TSO4/6 only then; the UDP-socket HostPort has none). The guest runs offload_app (offload_app.c) in three
modes, one after the other.

The host side. QEMU writes what the guest sends to the tap as the guest
left it: checksums unfinished (NEEDS_CSUM) and TSO packets whole (GSO). The
tap sits in a bridge with one end of a veth pair whose transmit side has
checksumming, TSO and GSO off (ethtool), so the host kernel finishes the
checksums and cuts the segments there (skb_checksum_help, skb_gso_segment);
an AF_PACKET socket on the other end sees the frames a real wire would.

TX: 10000 frames, IPv4/IPv6 x UDP/TCP, 1..1400 payload bytes, their L4
checksum offloaded (virtio has no IPv4 header checksum offload: the app
fills that one in software). Every frame arrives, byte for byte the frame
this script builds with checksums computed here.

RX: what QEMU 7.2 reports over a tap is the header the host kernel's tun
driver wrote, passed through: NEEDS_CSUM for partial-checksum skbs (once
the guest negotiated GUEST_CSUM, so the tap may pass them), DATA_VALID for
skbs the host already validated (CHECKSUM_UNNECESSARY), nothing otherwise;
never a bad checksum. The host sends five groups of 600 frames (all four
kinds in each): good and bad-L4 frames written to the tap with AF_PACKET
(CHECKSUM_NONE: no flag), good and bad-L4 frames sent from veth end b,
whose checksums end a's GRO validates before the bridge hands them to the
tap (good ones: DATA_VALID; bad ones: no flag), and frames written to the
tap with a vnet header that marks their checksum partial (NEEDS_CSUM, the
pseudo-header sum in the field, as the host's own stack hands a tap its
packets). The guest's per-kind counts must be exactly that: L4_CKSUM_GOOD
for the validated good frames, L4_CKSUM_NONE for the partial ones, no flag
for the rest (the app's software check finds the bad ones), never BAD,
and every flag agreeing with the software check.

TSO: one IPv4 and one IPv6 TCP packet of 65495 payload bytes each, as mbuf
chains with SL_MBUF_F_TX_TCP_SEG and tso_segsz 1400, arrive as 47 frames
each of at most 1400 payload bytes, IPv4 header and TCP checksums right,
sequence numbers contiguous, the payload byte for byte.

PLAIN: a second virtio NIC, on the UDP-socket HostPort: QEMU offers it no
offload feature, so dev_info advertises none, offload_app fills every
checksum in software, and 200 frames still arrive byte for byte.

In the same boot an e1000 (82540EM) and an e1000e (82574L) NIC, each on a
HostPort (QEMU's UDP datagram netdev: no vnet header, so the models
finish every checksum themselves), run offload_app tx and rx:

TX: the same 10000 frames with the IPv4 header, UDP and TCP checksums
offloaded (context descriptors and POPTS). QEMU's e1000 computes them
where the context descriptor says (hw/net/e1000.c putsum), so a wrong
offset shows; its e1000e parses the frame itself and only follows POPTS.
Every frame arrives byte for byte as built here, a checksum of 0 also
accepted as 0xffff (the models store net_checksum_finish_nozero's).

RX: 1200 good and 1200 bad-L4 frames from the host. QEMU's e1000 checks
no checksum (IXSM on every descriptor): no flag at all. Its e1000e checks
them in software: L4 GOOD and BAD as sent, IP GOOD on IPv4.

TSO, e1000 only (net_e1000e offers none: QEMU 7.2's 82574 sends a TSO
packet to such a backend as IPv4 fragments, TCP checksum unfinished):
the IPv4 packet of 65495 payload bytes arrives as 47 segments of at most
1400, checksums right, sequence numbers contiguous, payload byte for byte.

Needs root, /dev/net/tun, iproute2 and ethtool (else skipped).
"""

import os
import shutil
import socket
import struct
import subprocess
import sys
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))
import sluicevm  # noqa: E402
from sluicevm import Guest, Nic, SkipTest  # noqa: E402

COUNT_TX = 10000
RX_EACH = 600     # frames per RX group (rx_frames)
TSO_PACKETS = 2
COUNT_PLAIN = 200
# SL_ETH_{TX,RX}_OFFLOAD_* bits (lib/ethdev/sl_ethdev.h)
TX_UDP_CKSUM, TX_TCP_CKSUM, TX_TCP_TSO = 1 << 2, 1 << 3, 1 << 5
RX_UDP_CKSUM, RX_TCP_CKSUM = 1 << 2, 1 << 3
TSO_PAYLOAD = 65495
MSS = 1400
PPS = int(os.environ.get('SLUICE_VM_PPS', '4000'))

DST_MAC = bytes.fromhex('020000000002')     # offload_app's destination
HOST_MAC = bytes.fromhex('020000000001')    # the host's frames into the guest
IP4_SRC, IP4_DST = bytes([198, 18, 0, 1]), bytes([198, 18, 0, 2])
IP6_SRC = bytes([0xfd] + [0] * 14 + [1])
IP6_DST = bytes([0xfd] + [0] * 14 + [2])
SOL_PACKET, PACKET_VNET_HDR = 263, 15
VNET_HDR_F_NEEDS_CSUM = 1


# ---- checksums and frames, independent of lib/net -----------------------------

def ones_sum(data):
    if len(data) % 2:
        data += b'\0'
    total = sum(struct.unpack('!%dH' % (len(data) // 2), data))
    while total >> 16:
        total = (total & 0xffff) + (total >> 16)
    return total


def pseudo_header(ipv6, proto, length):
    if ipv6:
        return IP6_SRC + IP6_DST + struct.pack('!IxxxB', length, proto)
    return IP4_SRC + IP4_DST + struct.pack('!xBH', proto, length)


def l4_checksum(ipv6, proto, l4):
    """The checksum to store for l4 (its checksum field zero)."""
    c = (~ones_sum(pseudo_header(ipv6, proto, len(l4)) + l4)) & 0xffff
    return 0xffff if c == 0 and proto == 17 else c


def build(ipv6, tcp, sport, dport, seq, ip_id, payload, dst, src, l4_fix=None):
    """Ethernet/IP/L4 with correct checksums; l4_fix(l4 bytes, offset of the
    checksum field, correct value) may replace the L4 checksum."""
    proto = 6 if tcp else 17
    if tcp:
        l4 = struct.pack('!HHIIBBHHH', sport, dport, seq, 0, 0x50, 0x18, 65535, 0, 0) + payload
        off = 16
    else:
        l4 = struct.pack('!HHHH', sport, dport, 8 + len(payload), 0) + payload
        off = 6
    c = l4_checksum(ipv6, proto, l4)
    if l4_fix is not None:
        c = l4_fix(l4, off, c)
    l4 = l4[:off] + struct.pack('!H', c) + l4[off + 2:]
    if ipv6:
        ip = struct.pack('!IHBB', 0x60000000, len(l4), proto, 64) + IP6_SRC + IP6_DST
        etype = b'\x86\xdd'
    else:
        ip = struct.pack('!BBHHHBBH', 0x45, 0, 20 + len(l4), ip_id, 0x4000, 64, proto, 0)
        ip += IP4_SRC + IP4_DST
        ip = ip[:10] + struct.pack('!H', (~ones_sum(ip)) & 0xffff) + ip[12:]
        etype = b'\x08\x00'
    return dst + src + etype + ip + l4


def tx_frame(k, src):
    """offload_app's tx frame k, as a wire should carry it."""
    n = 1 + (k * 37) % 1400
    tcp = k % 2
    return build((k % 4) >= 2, tcp, (1024 + k) & 0xffff, 9001 if tcp else 9000,
                 (k * 1000) & 0xffffffff, k & 0xffff,
                 bytes((k * 7 + i) & 0xff for i in range(n)), DST_MAC, src)


def tso_payload(j):
    return bytes((i * 7 + (i >> 8) + j) & 0xff for i in range(TSO_PAYLOAD))


# ---- the host's wire: bridge(tap, veth-a), capture on veth-b --------------------

def sh(*argv):
    r = subprocess.run(argv, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    if r.returncode != 0:
        raise sluicevm.GuestError('%s failed: %s' % (' '.join(argv), r.stdout.strip()))


class Wire:
    """A bridge holding the guest's tap and veth end a (checksum, TSO, GSO
    off); frames leaving a are captured at end b."""

    def __init__(self):
        for tool in ('ip', 'ethtool'):
            if shutil.which(tool) is None:
                raise SkipTest('vm-offload needs %s: apt-get install %s' %
                               (tool, 'iproute2' if tool == 'ip' else tool))
        tag = os.getpid() % 100000
        self.br, self.a, self.b = 'slobr%d' % tag, 'sloa%d' % tag, 'slob%d' % tag
        self.frames, self.stop = [], threading.Event()
        # no netfilter on this bridge (br_netfilter may be loaded for
        # containers); the host-wide bridge-nf-call-iptables still wins,
        # and then bridged IPv4 with a bad header checksum is dropped
        sh('ip', 'link', 'add', self.br, 'type', 'bridge', 'nf_call_iptables', '0',
           'nf_call_ip6tables', '0', 'nf_call_arptables', '0')
        sh('ip', 'link', 'add', self.a, 'type', 'veth', 'peer', 'name', self.b)
        for dev in (self.br, self.a, self.b):
            self._quiet(dev)
        sh('ethtool', '-K', self.a, 'tx', 'off', 'tso', 'off', 'gso', 'off', 'gro', 'on')
        # b -> a: a's GRO (NAPI, taken only for frames from a peer without
        # TSO) validates checksums, so good frames reach the tap marked
        # CHECKSUM_UNNECESSARY and the tap reports DATA_VALID
        sh('ethtool', '-K', self.b, 'gro', 'off', 'tso', 'off')
        sh('ip', 'link', 'set', self.a, 'master', self.br)
        for dev in (self.br, self.a, self.b):
            sh('ip', 'link', 'set', dev, 'up')
        self.sock = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(3))
        self.sock.setsockopt(socket.SOL_SOCKET, sluicevm.SO_RCVBUFFORCE, 32 << 20)
        self.sock.bind((self.b, 0))
        self.sock.settimeout(0.2)
        self.thread = threading.Thread(target=self._capture, daemon=True)
        self.thread.start()

    @staticmethod
    def _quiet(dev):
        try:
            with open('/proc/sys/net/ipv6/conf/%s/disable_ipv6' % dev, 'w') as f:
                f.write('1')
        except OSError:
            pass

    def add_tap(self, tap):
        sh('ip', 'link', 'set', tap, 'master', self.br)

    def _capture(self):
        while not self.stop.is_set():
            try:
                f = self.sock.recv(65536)
            except socket.timeout:
                continue
            except OSError:
                return
            if f[:6] == DST_MAC:
                self.frames.append(f)

    def take(self, want, timeout, idle=5.0):
        """The frames captured until want arrived, or no frame for idle s."""
        deadline, last_n, last_t = time.monotonic() + timeout, -1, time.monotonic()
        while len(self.frames) < want and time.monotonic() < deadline:
            if len(self.frames) != last_n:
                last_n, last_t = len(self.frames), time.monotonic()
            elif last_n > 0 and time.monotonic() - last_t > idle:
                break
            time.sleep(0.1)
        time.sleep(0.3)     # stragglers, and duplicates if any
        got, self.frames = self.frames, []
        return got

    def close(self):
        self.stop.set()
        self.thread.join(2)
        self.sock.close()
        for dev in (self.a, self.br):
            subprocess.run(['ip', 'link', 'del', dev], stdout=subprocess.DEVNULL,
                           stderr=subprocess.DEVNULL)


# ---- phases ---------------------------------------------------------------------

def same_frame(got, want):
    """got == want, except that a TCP checksum of 0 may arrive as 0xffff:
    the host kernel's skb_checksum_help stores a folded 0 as 0xffff for
    every protocol (the same number in ones' complement)."""
    if want is None or got == want:
        return want is not None
    at = (34 if want[12:14] == b'\x08\x00' else 54) + 16
    tcp = want[23] == 6 if want[12:14] == b'\x08\x00' else want[20] == 6
    return tcp and len(got) == len(want) and want[at:at + 2] == b'\0\0' and \
        got[at:at + 2] == b'\xff\xff' and got[:at] == want[:at] and got[at + 2:] == want[at + 2:]


def check_tx_frames(got, src, same, what):
    """Every one of the COUNT_TX frames arrived once, each as same() judges
    it against the frame expected for its sequence number."""
    seen, wrong = set(), []
    for f in got:
        k = struct.unpack_from('!H', f, 34 if f[12:14] == b'\x08\x00' else 54)[0] - 1024
        want = tx_frame(k, src) if 0 <= k < COUNT_TX else None
        if not same(f, want) or k in seen:
            wrong.append((k, f))
        seen.add(k)
    if wrong:
        k, f = wrong[0]
        want = tx_frame(k, src) if 0 <= k < COUNT_TX else b''
        at = next((i for i in range(min(len(f), len(want))) if f[i] != want[i]),
                  min(len(f), len(want)))
        raise AssertionError('%s: %d frames differ from the expected ones (or repeat); '
                             'first: frame %d, byte %d (got %s, want %s)' % (
                                 what, len(wrong), k, at, f[at:at + 4].hex(), want[at:at + 4].hex()))
    missing = sorted(set(range(COUNT_TX)) - seen)
    assert not missing, '%s: %d frames missing, first %d' % (what, len(missing), missing[0])


def check_tx(g, wire, src):
    g.wait_for_file('ready_tx', 300)
    g.touch('go_tx')
    got = wire.take(COUNT_TX, timeout=120)
    res = g.read_json('tx.json', 120)
    print('tx: guest %s; host received %d frames' % (
        {k: res[k] for k in ('sent', 'l4_offloaded', 'ip_offloaded', 'prepare_failed')},
        len(got)), flush=True)
    assert res['sent'] == COUNT_TX and res['prepare_failed'] == 0, 'tx: the guest sent %s' % res
    assert res['l4_offloaded'] == COUNT_TX, \
        'tx: only %d of %d L4 checksums offloaded (capa %s)' % (
            res['l4_offloaded'], COUNT_TX, res['port']['tx_offload_capa'])
    check_tx_frames(got, src, same_frame, 'tx')
    print('tx: all %d frames byte for byte, checksums as computed here' % COUNT_TX, flush=True)


def rx_frames(guest_mac):
    """The RX phase's frames by the way they go in, and the counts the guest
    must report per kind. 'tap': AF_PACKET on the tap, good and bad-L4;
    'wire': AF_PACKET on veth end b, validated by GRO at end a, then bridged
    to the tap, good and bad-L4; 'vnet': on the tap with a vnet header
    marking the checksum partial."""
    dst = sluicevm.mac_bytes(guest_mac)
    kinds = ('ipv4_udp', 'ipv4_tcp', 'ipv6_udp', 'ipv6_tcp')
    want = {k: {'frames': 0, 'bad': 0, 'good_flag': 0, 'partial': 0} for k in kinds}
    groups = {'tap': [], 'wire': [], 'vnet': []}

    def bad(l4, off, c):
        return c ^ 0x5a5a       # never 0: would mean "no checksum" for UDP/IPv4

    def phdr(l4, off, c):
        v6, proto = l4_ctx
        return ones_sum(pseudo_header(v6, proto, len(l4)))

    k = 0
    for path, is_bad, n in (('tap', 0, RX_EACH), ('tap', 1, RX_EACH), ('wire', 0, RX_EACH),
                            ('wire', 1, RX_EACH), ('vnet', 0, RX_EACH)):
        for _ in range(n):
            tcp, v6 = k % 2, (k % 4) >= 2
            l4_ctx = (v6, 6 if tcp else 17)
            fix = phdr if path == 'vnet' else bad if is_bad else None
            f = build(v6, tcp, 2000 + k % 1000, 7000 + tcp, k, k & 0xffff,
                      bytes((k * 3 + i) & 0xff for i in range(1 + (k * 53) % 1400)), dst,
                      HOST_MAC, fix)
            w = want[kinds[k % 4]]
            w['frames'] += 1
            w['bad'] += is_bad
            w['good_flag'] += path == 'wire' and not is_bad
            if path == 'vnet':
                w['partial'] += 1
                f = struct.pack('<BBHHHH', VNET_HDR_F_NEEDS_CSUM, 0, 0, 0,
                                14 + (40 if v6 else 20), 16 if tcp else 6) + f
            groups[path].append(f)
            k += 1
    return groups, want


def send_paced(sock, frames):
    for i, f in enumerate(frames):
        sock.send(f)
        if i % 32 == 31:
            time.sleep(32.0 / PPS)


def check_rx(g, port, wire):
    groups, want = rx_frames(g.nics[0].mac)
    g.wait_for_file('ready_rx', 300)
    time.sleep(0.5)
    port.send_frames(groups['tap'], pps=PPS)
    send_paced(wire.sock, groups['wire'])
    vsock = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(3))
    vsock.setsockopt(SOL_PACKET, PACKET_VNET_HDR, 1)
    vsock.bind((port.ifname, 0))
    send_paced(vsock, groups['vnet'])
    vsock.close()
    try:
        res = g.read_json('rx.json', 60)
    except sluicevm.GuestError:
        g.touch('stop_rx')
        res = g.read_json('rx.json', 60)
    print('rx: guest counts %s' % res['kinds'], flush=True)
    problems = []
    for kind, w in want.items():
        c = res['kinds'][kind]
        expect = {'frames': w['frames'], 'l4_good': w['good_flag'], 'l4_bad': 0,
                  'l4_none': w['partial'],
                  'l4_unknown': w['frames'] - w['partial'] - w['good_flag'],
                  'sw_l4_bad': w['bad'], 'sw_ip_bad': 0, 'ip_good': 0, 'ip_bad': 0,
                  'mismatches': 0}
        for name, v in expect.items():
            if c[name] != v:
                problems.append('%s %s %d (sent: %d)' % (kind, name, c[name], v))
    assert res['mismatches'] == 0 and not problems, 'rx: %s' % '; '.join(problems)
    print('rx: %d frames each of tap good/bad, GRO-validated good/bad and partial counted as '
          'sent (GOOD only for the validated good ones, NONE for the partial ones)' % RX_EACH,
          flush=True)


def tcp_segment_ok(f):
    """(ipv6, sport, seq, payload) of a captured TCP frame whose checksums
    verify, or raises."""
    v6 = f[12:14] == b'\x86\xdd'
    if v6:
        l4 = f[54:54 + struct.unpack_from('!H', f, 18)[0]]
    else:
        ip = f[14:34]
        assert ones_sum(ip) == 0xffff, 'tso: bad IPv4 header checksum'
        l4 = f[34:14 + struct.unpack_from('!H', f, 16)[0]]
    assert ones_sum(pseudo_header(v6, 6, len(l4)) + l4) == 0xffff, 'tso: bad TCP checksum'
    sport, _, seq = struct.unpack_from('!HHI', l4)
    return v6, sport, seq, l4[(l4[12] >> 4) * 4:]


def check_tso(g, wire):
    g.wait_for_file('ready_tso', 300)
    g.touch('go_tso')
    per = -(-TSO_PAYLOAD // MSS)
    got = wire.take(per * TSO_PACKETS, timeout=120)
    res = g.read_json('tso.json', 120)
    assert res['sent'] == TSO_PACKETS and res['prepare_failed'] == 0, 'tso: the guest sent %s' % res
    for j in range(TSO_PACKETS):
        segs = []
        for f in got:
            v6, sport, seq, data = tcp_segment_ok(f)
            if sport == 4000 + j:
                assert v6 == bool(j & 1), 'tso: packet %d in the wrong IP version' % j
                segs.append((seq - 1000000 * (j + 1), data))
        sizes = [len(d) for _, d in segs]
        assert len(segs) == per, 'tso: packet %d arrived as %d frames, want %d (%s)' % (
            j, len(segs), per, sizes[:5])
        assert max(sizes) <= MSS, 'tso: a segment of %d payload bytes (MSS %d)' % (max(sizes), MSS)
        segs.sort()
        off = 0
        for o, d in segs:
            assert o == off, 'tso: packet %d: segment at %d, want %d' % (j, o, off)
            off += len(d)
        assert b''.join(d for _, d in segs) == tso_payload(j), 'tso: packet %d payload differs' % j
        print('tso: packet %d (IPv%d): %d frames of <= %d bytes, checksums right, %d payload '
              'bytes byte for byte' % (j, 6 if j & 1 else 4, per, MSS, TSO_PAYLOAD), flush=True)


def check_plain(g):
    """A virtio NIC on the UDP-socket HostPort: QEMU offers no offload
    feature, so dev_info advertises none and offload_app fills every
    checksum in software; the frames are still right."""
    g.wait_for_file('plain/ready_tx', 300)
    g.touch('plain/go_tx')
    got = [f for f in g.nics[1].port.recv_frames(COUNT_PLAIN, timeout=60, ethertype=None, idle=10)
           if f[:6] == DST_MAC]
    res = g.read_json('plain/tx.json', 60)
    capa = int(res['port']['tx_offload_capa'], 16)
    print('plain: tx_offload_capa %#x, rx_offload_capa %s, %d L4 checksums offloaded, %d frames '
          'received' % (capa, res['port']['rx_offload_capa'], res['l4_offloaded'], len(got)),
          flush=True)
    assert capa & (TX_UDP_CKSUM | TX_TCP_CKSUM | TX_TCP_TSO) == 0 and \
        int(res['port']['rx_offload_capa'], 16) & (RX_UDP_CKSUM | RX_TCP_CKSUM) == 0, \
        'plain: a virtio NIC on a socket netdev advertises offloads: %s' % res['port']
    assert res['sent'] == COUNT_PLAIN and res['l4_offloaded'] == 0, 'plain: %s' % res
    log = g.read_result('plain/app_tx.log')
    assert 'no checksum offloads (the device offers neither VIRTIO_NET_F_CSUM' in log, \
        'plain: the probe does not say why there are no offloads:\n%s' % log
    src = sluicevm.mac_bytes(g.nics[1].mac)
    wrong = [k for k, f in enumerate(got) if not same_frame(f, tx_frame(k, src))]
    assert len(got) == COUNT_PLAIN and not wrong, \
        'plain: %d of %d frames, %d differ (first %s)' % (len(got), COUNT_PLAIN, len(wrong),
                                                       wrong[:1])
    print('plain: no offloads offered on a socket netdev; %d software-checksummed frames '
          'byte for byte' % COUNT_PLAIN, flush=True)

# ---- e1000 and e1000e: QEMU's own checksums, over a HostPort ----------------------

def same_frame_csum(got, want):
    """got == want, except that a checksum (IPv4 header, TCP) of 0 may
    arrive as 0xffff, the same number in ones' complement: QEMU's models
    store what they compute with net_checksum_finish_nozero (hw/net/e1000.c
    putsum). UDP's 0 is 0xffff on both sides already."""
    if want is None or len(got) != len(want):
        return False
    v4 = want[12:14] == b'\x08\x00'
    fields = [24] if v4 else []
    if (want[23] if v4 else want[20]) == 6:
        fields.append((34 if v4 else 54) + 16)
    g = bytearray(got)
    for at in fields:
        if want[at:at + 2] == b'\0\0' and g[at:at + 2] == b'\xff\xff':
            g[at:at + 2] = b'\0\0'
    return bytes(g) == want


def check_tx_host(g, nic, d):
    """TX of NIC nic (results under d/), cabled to a HostPort: QEMU's
    e1000 and e1000e compute the offloaded checksums themselves, so the
    frames arrive finished; every one must equal the frame built here."""
    port, src = g.nics[nic].port, sluicevm.mac_bytes(g.nics[nic].mac)
    g.wait_for_file(d + '/ready_tx', 300)
    port.drain()
    g.touch(d + '/go_tx')
    got = [f for f in port.recv_frames(COUNT_TX, timeout=300, ethertype=None, idle=30)
           if f[:6] == DST_MAC]
    res = g.read_json(d + '/tx.json', 120)
    print('%s tx: guest %s; host received %d frames' % (d, {k: res[k] for k in (
        'sent', 'l4_offloaded', 'ip_offloaded', 'prepare_failed')}, len(got)), flush=True)
    assert res['sent'] == COUNT_TX and res['prepare_failed'] == 0, \
        '%s tx: the guest sent %s' % (d, res)
    # every L4 checksum offloaded, the IPv4 header's too (frames k % 4 < 2)
    assert res['l4_offloaded'] == COUNT_TX and res['ip_offloaded'] == COUNT_TX // 2, \
        '%s tx: offloaded %d L4, %d IP checksums of %d frames (capa %s)' % (
            d, res['l4_offloaded'], res['ip_offloaded'], COUNT_TX,
            res['port']['tx_offload_capa'])
    check_tx_frames(got, src, same_frame_csum, d + ' tx')
    print('%s tx: all %d frames byte for byte, checksums as computed here' % (d, COUNT_TX),
          flush=True)


RX_HOST = 1200      # good and as many bad-L4 frames into each HostPort NIC


def host_rx_frames(guest_mac):
    """RX_HOST good then RX_HOST bad-L4 frames of the four kinds in turn,
    and per kind how many and how many bad."""
    dst = sluicevm.mac_bytes(guest_mac)
    kinds = ('ipv4_udp', 'ipv4_tcp', 'ipv6_udp', 'ipv6_tcp')
    want = {k: {'frames': 0, 'bad': 0} for k in kinds}
    frames = []
    for k in range(2 * RX_HOST):
        tcp, v6, is_bad = k % 2, (k % 4) >= 2, k >= RX_HOST
        frames.append(build(v6, tcp, 2000 + k % 1000, 7000 + tcp, k, k & 0xffff,
                            bytes((k * 3 + i) & 0xff for i in range(1 + (k * 53) % 1400)),
                            dst, HOST_MAC, (lambda l4, off, c: c ^ 0x5a5a) if is_bad else None))
        want[kinds[k % 4]]['frames'] += 1
        want[kinds[k % 4]]['bad'] += is_bad
    return frames, want


def check_rx_host(g, nic, d, checks):
    """RX of NIC nic: good and bad-L4 frames from the HostPort (no vnet
    header there, so no partial ones). checks: whether the model checks
    checksums (QEMU's e1000e: in software, flags GOOD/BAD as they are;
    its e1000: never, every descriptor says IXSM, no flag at all)."""
    plain, want = host_rx_frames(g.nics[nic].mac)
    g.wait_for_file(d + '/ready_rx', 300)
    time.sleep(0.5)
    g.nics[nic].port.send_frames(plain, pps=PPS)
    try:
        res = g.read_json(d + '/rx.json', 60)
    except sluicevm.GuestError:
        g.touch(d + '/stop_rx')
        res = g.read_json(d + '/rx.json', 60)
    print('%s rx: guest counts %s' % (d, res['kinds']), flush=True)
    problems = []
    for kind, w in want.items():
        c, n, bad = res['kinds'][kind], w['frames'], w['bad']
        v4 = kind.startswith('ipv4')
        expect = {'frames': n, 'l4_none': 0, 'sw_l4_bad': bad, 'sw_ip_bad': 0, 'ip_bad': 0,
                  'mismatches': 0}
        if checks:
            expect.update(l4_good=n - bad, l4_bad=bad, l4_unknown=0,
                          ip_good=n if v4 else 0, ip_unknown=0 if v4 else n)
        else:
            expect.update(l4_good=0, l4_bad=0, l4_unknown=n, ip_good=0, ip_unknown=n)
        for name, v in expect.items():
            if c[name] != v:
                problems.append('%s %s %d (want %d)' % (kind, name, c[name], v))
    assert res['mismatches'] == 0 and not problems, '%s rx: %s' % (d, '; '.join(problems))
    print('%s rx: %d good and %d bad-L4 frames counted as sent%s' % (
        d, RX_HOST, RX_HOST, '' if checks else ' (no checksum status: IXSM)'), flush=True)


def check_tso_host(g, nic, d):
    """TSO of NIC nic: offload_app's packet 0 (IPv4; the e1000 family cuts
    no IPv6) arrives at the HostPort as MSS-sized segments, each checksum
    right, sequence numbers contiguous, the payload byte for byte."""
    port, per = g.nics[nic].port, -(-TSO_PAYLOAD // MSS)
    g.wait_for_file(d + '/ready_tso', 300)
    port.drain()
    g.touch(d + '/go_tso')
    got = [f for f in port.recv_frames(per, timeout=120, ethertype=None, idle=30)
           if f[:6] == DST_MAC]
    res = g.read_json(d + '/tso.json', 120)
    assert res['sent'] == 1 and res['prepare_failed'] == 0, '%s tso: the guest sent %s' % (d, res)
    segs = []
    for f in got:
        v6, sport, seq, data = tcp_segment_ok(f)
        assert not v6 and sport == 4000, '%s tso: a frame of another packet' % d
        segs.append((seq - 1000000, data))
    sizes = [len(x) for _, x in segs]
    assert len(segs) == per, '%s tso: %d frames, want %d (%s)' % (d, len(segs), per, sizes[:5])
    assert max(sizes) <= MSS, '%s tso: a segment of %d payload bytes' % (d, max(sizes))
    off = 0
    for o, x in sorted(segs):
        assert o == off, '%s tso: segment at %d, want %d' % (d, o, off)
        off += len(x)
    assert b''.join(x for _, x in sorted(segs)) == tso_payload(0), '%s tso: payload differs' % d
    print('%s tso: IPv4 packet: %d frames of <= %d bytes, checksums right, %d payload bytes '
          'byte for byte' % (d, per, MSS, TSO_PAYLOAD), flush=True)


def main():
    sluicevm.built('test', 'vm', 'offload', 'offload_app')
    if os.geteuid() != 0:
        raise SkipTest('vm-offload needs root (a host tap, a bridge and a veth pair)')
    wire = Wire()
    try:
        nics = [Nic('virtio', cable='tap'), Nic('virtio'), Nic('e1000'), Nic('e1000e')]
        with Guest(nics, name='vm-offload', vfio=[0, 1, 2, 3]) as g:
            rx_host = str(2 * RX_HOST)
            g.start(os.path.join(HERE, 'guest_offload.sh'),
                    [g.nics[0].pci, '.', str(COUNT_TX), str(5 * RX_EACH), str(TSO_PACKETS),
                     g.nics[1].pci, 'plain', str(COUNT_PLAIN), '0', '0',
                     g.nics[2].pci, 'e1000', str(COUNT_TX), rx_host, '1',
                     g.nics[3].pci, 'e1000e', str(COUNT_TX), rx_host, '0'])
            wire.add_tap(g.nics[0].port.ifname)
            src = sluicevm.mac_bytes(g.nics[0].mac)
            check_tx(g, wire, src)
            check_rx(g, g.nics[0].port, wire)
            check_tso(g, wire)
            check_plain(g)
            check_tx_host(g, 2, 'e1000')
            check_rx_host(g, 2, 'e1000', checks=False)
            check_tso_host(g, 2, 'e1000')
            check_tx_host(g, 3, 'e1000e')
            check_rx_host(g, 3, 'e1000e', checks=True)
            g.finish(120)
    finally:
        wire.close()


if __name__ == '__main__':
    sluicevm.run(main)
