#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""sl-responder over a net_pcap port: a capture file of crafted requests in,
the replies out, compared byte for byte with replies this test builds on its
own (its own RFC 1071 checksum), and every dropped frame counted under the
right reason. Then the argument errors. No root needed.

Environment: SL_RESPONDER (the binary; meson sets it).
"""

import json
import os
import resource
import struct
import subprocess
import sys
import tempfile

RESPONDER = os.environ.get('SL_RESPONDER', 'build/examples/responder/sl-responder')
# net_pcap gives a file port a fixed address: 02:53:4c:50:00:<port id>.
OUR_MAC = bytes.fromhex('02534c500000')
OUR_IP = bytes([192, 0, 2, 1])
PEER_MAC = bytes.fromhex('020000000099')
PEER_IP = bytes([192, 0, 2, 99])
BCAST = b'\xff' * 6

failures = []


def check(cond, what):
    print('%s: %s' % ('ok' if cond else 'FAIL', what), flush=True)
    if not cond:
        failures.append(what)


def csum(data):
    """RFC 1071: one's complement of the one's complement sum of 16-bit words."""
    if len(data) % 2:
        data += b'\0'
    total = sum(struct.unpack('!%dH' % (len(data) // 2), data))
    while total >> 16:
        total = (total & 0xffff) + (total >> 16)
    return (~total) & 0xffff


def pad60(frame, fill=b'\0'):
    return frame + fill * (60 - len(frame)) if len(frame) < 60 else frame


def eth(dst, src, ethertype, payload):
    return dst + src + struct.pack('!H', ethertype) + payload


def arp(op, sha, spa, tha, tpa, hrd=1, pro=0x0800):
    return struct.pack('!HHBBH', hrd, pro, 6, 4, op) + sha + spa + tha + tpa


def ipv4(src, dst, payload, proto=1, ttl=55, ident=0x1234, frag=0x4000, options=b'',
         bad_csum=False, total=None):
    ihl = 5 + len(options) // 4
    total = 20 + len(options) + len(payload) if total is None else total
    hdr = struct.pack('!BBHHHBBH4s4s', 0x40 | ihl, 0, total, ident, frag, ttl, proto, 0,
                      src, dst) + options
    c = csum(hdr) ^ (0x5555 if bad_csum else 0)
    return hdr[:10] + struct.pack('!H', c) + hdr[12:] + payload


def icmp(type_, ident, seq, data, bad_csum=False, code=0):
    body = struct.pack('!BBHHH', type_, code, 0, ident, seq) + data
    c = csum(body) ^ (0x00ff if bad_csum else 0)
    return body[:2] + struct.pack('!H', c) + body[4:]


def echo_frame(data, ident=0x4242, seq=1, dst_mac=OUR_MAC, dst_ip=OUR_IP, src_ip=PEER_IP, **ip_kw):
    return eth(dst_mac, PEER_MAC, 0x0800, ipv4(src_ip, dst_ip, icmp(8, ident, seq, data), **ip_kw))


def echo_reply(data, ident=0x4242, seq=1, options=b''):
    """What the responder must send back: built here independently."""
    return pad60(eth(PEER_MAC, OUR_MAC, 0x0800,
                     ipv4(OUR_IP, PEER_IP, icmp(0, ident, seq, data), ttl=64, options=options)))


def arp_request(dst_mac=BCAST, tpa=OUR_IP, op=1, **kw):
    return pad60(eth(dst_mac, PEER_MAC, 0x0806, arp(op, PEER_MAC, PEER_IP, b'\0' * 6, tpa, **kw)),
                 fill=b'\xa5')


ARP_REPLY = pad60(eth(PEER_MAC, OUR_MAC, 0x0806, arp(2, OUR_MAC, OUR_IP, PEER_MAC, PEER_IP)))
PAYLOAD = bytes(range(56))
OPTIONS = bytes([1, 1, 1, 0])            # NOP NOP NOP EOL: 4 bytes, ihl 6

# (name, frame in, reply expected or the verdict it must be counted under)
CASES = [
    ('ARP request, broadcast', arp_request(), ARP_REPLY),
    ('ARP request, unicast to our MAC (Linux neighbour probe)', arp_request(dst_mac=OUR_MAC),
     ARP_REPLY),
    ('ARP request for another address', arp_request(tpa=bytes([192, 0, 2, 7])), 'not_for_us'),
    ('ARP reply', arp_request(op=2), 'unsupported'),
    ('ARP for another protocol', arp_request(pro=0x86dd), 'unsupported'),
    ('echo request, 56 bytes', echo_frame(PAYLOAD, seq=1), echo_reply(PAYLOAD, seq=1)),
    ('echo request, odd length 57', echo_frame(PAYLOAD + b'\x99', seq=2),
     echo_reply(PAYLOAD + b'\x99', seq=2)),
    ('echo request, no data, Ethernet padding', pad60(echo_frame(b'', seq=3), fill=b'\xee'),
     echo_reply(b'', seq=3)),
    ('echo request with IP options', echo_frame(PAYLOAD, seq=4, options=OPTIONS),
     echo_reply(PAYLOAD, seq=4, options=OPTIONS)),
    ('echo request, 1472 bytes (full 1500 MTU)', echo_frame(bytes(range(256)) * 5 + bytes(192),
                                                            seq=5),
     echo_reply(bytes(range(256)) * 5 + bytes(192), seq=5)),
    ('echo request, bad ICMP checksum', echo_frame(PAYLOAD, seq=6, bad_csum=False)[:-1] + b'\x01',
     'bad_icmp_cksum'),
    ('echo request, bad IP checksum', echo_frame(PAYLOAD, seq=7, bad_csum=True), 'bad_ip_cksum'),
    ('echo request to another IP', echo_frame(PAYLOAD, dst_ip=bytes([192, 0, 2, 2])),
     'not_for_us'),
    ('echo request to another MAC', echo_frame(PAYLOAD, dst_mac=bytes.fromhex('020000000001')),
     'not_for_us'),
    ('echo request to the broadcast MAC', echo_frame(PAYLOAD, dst_mac=BCAST), 'not_for_us'),
    ('UDP to us', eth(OUR_MAC, PEER_MAC, 0x0800, ipv4(PEER_IP, OUR_IP, bytes(16), proto=17)),
     'unsupported'),
    ('IPv6', eth(OUR_MAC, PEER_MAC, 0x86dd, bytes(60)), 'unsupported'),
    ('echo request fragment (MF)', echo_frame(PAYLOAD, frag=0x2000), 'unsupported'),
    ('ICMP timestamp request', eth(OUR_MAC, PEER_MAC, 0x0800,
                                   ipv4(PEER_IP, OUR_IP, icmp(13, 1, 1, bytes(12)))),
     'unsupported'),
    ('VLAN-tagged echo request', OUR_MAC + PEER_MAC + b'\x81\x00\x00\x05' +
     echo_frame(PAYLOAD)[12:], 'unsupported'),
    ('IPv4 total length beyond the frame', echo_frame(PAYLOAD, total=200), 'malformed'),
    ('IPv4 header length below 20', eth(OUR_MAC, PEER_MAC, 0x0800,
                                       b'\x44' + ipv4(PEER_IP, OUR_IP, icmp(8, 1, 1, b''))[1:]),
     'malformed'),
    ('echo request from a multicast source', echo_frame(PAYLOAD, src_ip=bytes([224, 0, 0, 1])),
     'malformed'),
    ('runt: 12 bytes', OUR_MAC + PEER_MAC, 'malformed'),
    ('echo request, last one', echo_frame(PAYLOAD, seq=9), echo_reply(PAYLOAD, seq=9)),
]


def write_pcap(path, frames):
    with open(path, 'wb') as f:
        f.write(struct.pack('<IHHiIII', 0xa1b2c3d4, 2, 4, 0, 0, 65535, 1))
        for i, frame in enumerate(frames):
            f.write(struct.pack('<IIII', 1700000000, i, len(frame), len(frame)) + frame)


def read_pcap(path):
    with open(path, 'rb') as f:
        data = f.read()
    magic = struct.unpack('<I', data[:4])[0]
    assert magic in (0xa1b2c3d4, 0xa1b23c4d), 'not a little-endian pcap: %x' % magic
    frames, off = [], 24
    while off + 16 <= len(data):
        incl = struct.unpack('<IIII', data[off:off + 16])[2]
        frames.append(data[off + 16:off + 16 + incl])
        off += 16 + incl
    return frames


def run(args, timeout=60):
    proc = subprocess.run([RESPONDER] + args, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          universal_newlines=True, timeout=timeout)
    return proc.returncode, proc.stdout, proc.stderr


def test_frames(tmp):
    inp, out, js = (os.path.join(tmp, n) for n in ('in.pcap', 'out.pcap', 'stats.json'))
    write_pcap(inp, [c[1] for c in CASES])
    rc, stdout, stderr = run(['-l', '0', '--no-huge', '-m', '64', '--no-pci', '--vdev',
                              'net_pcap0,rx_pcap=%s,tx_pcap=%s' % (inp, out), '--',
                              '--ip', '192.0.2.1', '--duration', '2', '-v', '--stats-json', js])
    sys.stdout.write(stdout + stderr)
    check(rc == 0, 'sl-responder exits 0 (got %d)' % rc)
    if rc != 0:
        return
    got = read_pcap(out)
    want = [c[2] for c in CASES if isinstance(c[2], bytes)]
    names = [c[0] for c in CASES if isinstance(c[2], bytes)]
    check(len(got) == len(want), '%d replies written, %d expected' % (len(got), len(want)))
    for name, w, g in zip(names, want, got):
        same = w == g
        detail = ''
        if not same:
            diff = next((i for i in range(min(len(w), len(g))) if w[i] != g[i]), min(len(w), len(g)))
            detail = ' (first difference at byte %d: want %s, got %s; lengths %d/%d)' % (
                diff, w[diff:diff + 8].hex(), g[diff:diff + 8].hex(), len(w), len(g))
        check(same, 'reply to "%s" is exact%s' % (name, detail))
    for g in got:
        # Independent of the expected frames: every reply's checksums verify.
        if g[12:14] == b'\x08\x00':
            ihl = (g[14] & 0xf) * 4
            total = struct.unpack('!H', g[16:18])[0]
            check(csum(g[14:14 + ihl]) == 0 and csum(g[14 + ihl:14 + total]) == 0,
                  'reply seq %d: IPv4 and ICMP checksums verify' % struct.unpack(
                      '!H', g[14 + ihl + 6:14 + ihl + 8])[0])

    with open(js) as f:
        stats = json.load(f)
    port = stats['ports'][0]
    check(port['mac'] == ':'.join('%02x' % b for b in OUR_MAC),
          'port MAC is %s as the test assumes (net_pcap file ports)' % port['mac'])
    expect = {'arp_replies': 0, 'echo_replies': 0, 'not_for_us': 0, 'unsupported': 0,
              'malformed': 0, 'bad_ip_cksum': 0, 'bad_icmp_cksum': 0}
    for _, _, result in CASES:
        if isinstance(result, bytes):
            expect['arp_replies' if result[12:14] == b'\x08\x06' else 'echo_replies'] += 1
        else:
            expect[result] += 1
    for key, value in expect.items():
        check(port[key] == value, '%s = %d (expected %d)' % (key, port[key], value))
    check(port['rx'] == len(CASES), 'rx = %d (expected %d)' % (port['rx'], len(CASES)))
    check(port['tx_failed'] == 0, 'no reply lost')
    check('echo reply to 192.0.2.99 id 16962 seq 5, 1500 bytes' in stdout, '-v logs each reply')
    check('ARP reply to 192.0.2.99 (02:00:00:00:00:99)' in stdout, '-v logs ARP replies')
    check('answered 2 ARP + 6 echo' in stdout and 'dropped 17' in stdout,
          'the exit summary gives replies and drops')


def test_args(tmp):
    vdev = ['-l', '0', '--no-huge', '-m', '64', '--no-pci', '--vdev',
            'net_pcap0,rx_pcap=%s,tx_pcap=%s' % (os.path.join(tmp, 'in.pcap'),
                                                  os.path.join(tmp, 'o2.pcap'))]
    for args, fragment in (
            ([], 'no address to answer for: give one with --ip'),
            (['--ip', '300.1.1.1'], "--ip '300.1.1.1' is not an IPv4 address"),
            (['--ip', '10.0.0.1', '-p', '0x2'], '-p 0x2 names port 1, which does not exist'),
            (['--ip', '10.0.0.1', '-p', 'zz'], "-p 'zz' is not a port mask"),
            (['--ip', '10.0.0.1', '--duration', '-1'], "--duration '-1' is not a number"),
            (['--ip', '10.0.0.1', '--bogus'], 'unknown option --bogus'),
            (['--ip', '10.0.0.1', 'extra'], "unexpected argument 'extra'")):
        rc, out, err = run(vdev + ['--'] + args)
        lines = [line for line in err.splitlines() if fragment in line]
        check(rc == 1 and len(lines) == 1, '%s: exit 1 (got %d) and one line with "%s"%s'
              % (' '.join(args) or 'no options', rc, fragment, '' if lines else ': ' + err))
    rc, out, err = run(['--no-huge', '--no-pci', '--', '--ip', '10.0.0.1'])
    check(rc == 1 and 'no port to answer on' in err, 'no port: says how to give one')
    rc, out, err = run(['-h'])
    check(rc == 0 and 'Usage: ' in out and '--ip ADDR' in out and 'Examples:' in out,
          '-h prints the EAL and the responder usage with examples')
    rc, out, err = run(vdev + ['--', '-h'])
    check(rc == 0 and '--max-replies N' in out, 'app -h after -- prints the usage')


def main():
    if not os.access(RESPONDER, os.X_OK):
        print('FAIL: %s is not built' % RESPONDER)
        return 1
    soft = resource.getrlimit(resource.RLIMIT_MEMLOCK)[0]
    if os.geteuid() != 0 and soft != resource.RLIM_INFINITY and soft < (64 << 20):
        # --no-huge -m 64 locks its memory; root has CAP_IPC_LOCK.
        print('SKIP: needs root or ulimit -l of at least 65536 (KiB); it is %d' % (soft >> 10))
        return 77
    with tempfile.TemporaryDirectory(prefix='sl-responder-test-') as tmp:
        test_frames(tmp)
        test_args(tmp)
    if failures:
        print('%d check(s) failed: %s' % (len(failures), '; '.join(failures)))
        return 1
    print('all checks passed')
    return 0


if __name__ == '__main__':
    sys.exit(main())
