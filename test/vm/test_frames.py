#!/usr/bin/env python3
"""Host-only tests of sluicevm's frame helpers (no guest): test frames, the
checker's failure reports, pcap round trip, and HostPort send/receive over a
loopback cable (the QEMU end of the cable played by this test)."""

import os
import socket
import sys
import tempfile
import time
import threading

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import sluicevm  # noqa: E402
from sluicevm import check_frames, make_frame, make_frames  # noqa: E402


def expect(cond, what):
    if not cond:
        raise AssertionError(what)


def expect_problem(problems, fragment):
    expect(any(fragment in p for p in problems),
           'expected a report containing %r, got %r' % (fragment, problems))


def test_frames():
    sizes = {sluicevm.frame_size(s) for s in range(1455)}
    expect(sizes == set(range(60, 1515)), 'sizes 60..1514 each once per 1455 frames')
    f = make_frame(7, dst='52:54:00:53:4c:01', src='02:00:00:00:00:09')
    expect(len(f) == sluicevm.frame_size(7), 'length follows frame_size')
    expect(f[:6] == bytes.fromhex('525400534c01') and f[6:12] == bytes.fromhex('020000000009'), 'MACs')
    expect(f[12:14] == b'\x88\xb5' and sluicevm.frame_seq(f) == 7, 'ethertype and seq')
    expect(make_frame(7) != make_frame(8, size=len(make_frame(7))), 'payload depends on seq')
    expect(make_frame(3, size=60) == make_frame(3, size=60), 'deterministic')
    expect(sluicevm.frame_seq(b'\xff' * 12 + b'\x08\x00' + bytes(46)) is None, 'IPv4 is not a test frame')
    for bad in (59, 9015):
        try:
            make_frame(0, size=bad)
        except ValueError:
            continue
        raise AssertionError('size %d accepted' % bad)


def test_checker():
    sent = make_frames(100)
    expect(check_frames(sent, list(sent)) == [], 'identical lists pass')
    p = check_frames(sent, sent[:40] + sent[41:90])
    expect_problem(p, '11 of 100 frames missing, first missing seq 40')
    expect_problem(p, 'missing: 40,90-99')
    p = check_frames(sent, sent + [sent[5], sent[5], sent[6]])
    expect_problem(p, '2 frames received more than once, first seq 5')
    expect_problem(p, 'out of order: received[100] is seq 5 after seq 99')
    swapped = sent[:10] + [sent[11], sent[10]] + sent[12:]
    expect_problem(check_frames(sent, swapped), 'out of order: received[11] is seq 10 after seq 11')
    expect(check_frames(sent, swapped, in_order=False) == [], 'in_order=False accepts reordering')
    corrupt = bytearray(sent[3])
    corrupt[40] ^= 0x10
    p = check_frames(sent, sent[:3] + [bytes(corrupt)] + sent[4:])
    expect_problem(p, 'seq 3: first differing byte at offset 40: got 0x%02x, expected 0x%02x'
                   % (corrupt[40], sent[3][40]))
    fcs = [f + b'\xde\xad\xbe\xef' for f in sent]
    expect_problem(check_frames(sent, fcs), 'expected bytes followed by 4 extra: deadbeef')
    remac = [b'\x00' * 12 + f[12:] for f in sent]
    expect_problem(check_frames(sent, remac), 'first differing byte at offset 0')
    expect(check_frames(sent, remac, ignore_macs=True) == [], 'ignore_macs ignores the 12 MAC bytes')
    p = check_frames(sent, sent + [make_frame(500), b'\x01' * 60])
    expect_problem(p, '2 unexpected frames, first is received[100]')
    try:
        sluicevm.assert_frames(sent, sent[1:], 'demo')
    except AssertionError as e:
        expect('demo: sent 100, received 99' in str(e) and 'first missing seq 0' in str(e), str(e))
    else:
        raise AssertionError('assert_frames passed with a frame missing')


def test_pcap():
    frames = make_frames(50)
    with tempfile.TemporaryDirectory() as d:
        path = os.path.join(d, 'x.pcap')
        sluicevm.write_pcap(path, frames)
        expect(sluicevm.read_pcap(path) == frames, 'pcap round trip')


def test_hostport():
    """The test plays QEMU on the other end of the cable, echoing frames
    back (QEMU's dgram netdev: one frame per datagram)."""
    port = sluicevm.HostPort()
    peer = port.qemu_sock
    frames = make_frames(2000)
    stop = threading.Event()

    def echo():
        peer.settimeout(0.1)
        while not stop.is_set():
            try:
                peer.send(peer.recv(65536))
            except socket.timeout:
                continue
    t = threading.Thread(target=echo, daemon=True)
    t.start()
    try:
        t0 = time.monotonic()
        secs = port.send_frames(frames[:400], pps=4000, burst=40)
        expect(0.09 <= secs <= 2.0 and time.monotonic() - t0 >= 0.09,
               'pacing: 400 frames at 4000 fps took %.3f s, expected about 0.1 s' % secs)
        got = port.recv_frames(400, timeout=10)
        sluicevm.assert_frames(frames[:400], got, 'paced echo')
        port.send_frames(frames[400:], pps=0)     # unpaced: the 4 MB buffers hold them
        got = port.recv_frames(1600, timeout=10)
        sluicevm.assert_frames(frames[400:], got, 'unpaced echo')
        expect(port.last_span > 0, 'last_span measured')
        # Frames of another ethertype are counted, not returned.
        noise = b'\xff' * 12 + b'\x86\xdd' + bytes(46)
        port.send_frames([noise, frames[0]], pps=0)
        got = port.recv_frames(1, timeout=5)
        expect(got == [frames[0]] and port.foreign == 1, 'ethertype filter')
        t0 = time.monotonic()
        expect(port.recv_frames(1, timeout=5, idle=0.2) == [], 'nothing more')
        expect(time.monotonic() - t0 < 1.0, 'idle timeout honoured')
    finally:
        stop.set()
        t.join()
        port.close()


def main():
    for test in (test_frames, test_checker, test_pcap, test_hostport):
        test()
        print('ok: ' + test.__name__, flush=True)


if __name__ == '__main__':
    sluicevm.run(main)
