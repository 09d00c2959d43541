#!/usr/bin/env python3
"""sl-pktgen on the e1000 driver in a QEMU guest, in one boot. Three
82540EMs on vfio-pci: NIC0 and NIC1 cabled to each other (a crossover
cable: each one's frames arrive at the other), NIC2 cabled to this host.

  C  sl-pktgen --count N on NIC2 (TX only): this host receives exactly N
     frames, each a well-formed pktgen frame (IPv4 and UDP checksums, lengths,
     signature), sequence numbers 0..N-1 once each and in order, nothing
     more for seconds afterwards; the JSON summary and the port's own
     counters say N too;
  X  sl-pktgen TX on NIC0, RX on NIC1 through the crossover at a rate well
     below what the emulated NICs move: --expect-no-loss passes, the JSON
     says no loss, duplicates or reordering, and the latency statistics are
     there and sane (0 < min <= p50 <= p99 <= p99.9 <= max, one sample per
     frame).

Guest half: guest_pktgen.sh.
"""

import array
import os
import struct
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))
import sluicevm  # noqa: E402
from sluicevm import Guest, Nic  # noqa: E402

COUNT_FRAMES = 10000        # phase C, at COUNT_RATE
COUNT_RATE = '10kpps'
XOVER_FRAMES = 10000        # phase X, at XOVER_RATE
XOVER_RATE = '5kpps'        # a TCG guest's e1000 pair moves some tens of kpps
SIG_MAGIC = b'\xc5\x1e'


def ones_sum(data):
    """RFC 1071 one's complement sum of data (big-endian 16-bit words)."""
    if len(data) % 2:
        data += b'\0'
    words = array.array('H', data)
    if sys.byteorder == 'little':
        words.byteswap()
    s = sum(words)
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    return s


def check_pktgen_frame(f, want_seq):
    """Problems of one frame from sl-pktgen's stream 0, TX port 0, queue 0
    (README: Ethernet/IPv4/UDP, signature at the start of the UDP payload)."""
    if len(f) < 60:
        return 'frame of %d bytes (< 60)' % len(f)
    if f[12:14] != b'\x08\x00':
        return 'ethertype %s, expected IPv4' % f[12:14].hex()
    ip = f[14:34]
    if ip[0] != 0x45 or ip[9] != 17:
        return 'IPv4 version/IHL 0x%02x, protocol %d: expected 0x45, UDP' % (ip[0], ip[9])
    ip_len = struct.unpack('!H', ip[2:4])[0]
    if ip_len != len(f) - 14:
        return 'IPv4 total length %d in a %d-byte frame' % (ip_len, len(f))
    if ones_sum(ip) != 0xffff:
        return 'bad IPv4 header checksum %s' % ip[10:12].hex()
    udp = f[34:14 + ip_len]
    udp_len = struct.unpack('!H', udp[4:6])[0]
    if udp_len != ip_len - 20:
        return 'UDP length %d, IP payload %d' % (udp_len, ip_len - 20)
    if udp[6:8] != b'\0\0':
        pseudo = ip[12:20] + struct.pack('!BBH', 0, 17, udp_len)
        if ones_sum(pseudo + udp) != 0xffff:
            return 'bad UDP checksum %s' % udp[6:8].hex()
    sig = udp[8:22]
    if sig[0:2] != SIG_MAGIC or sig[2] != 0 or sig[3] != 0 or sig[4] != 0:
        return 'signature %s: expected magic c51e, port 0, stream 0, queue 0' % sig[:6].hex()
    seq = struct.unpack('!I', sig[6:10])[0]
    if seq != want_seq:
        return 'sequence number %d, expected %d' % (seq, want_seq)
    return None


def phase_count(g, nic):
    g.wait_for_file('started_C', timeout=600)
    # the first frame once sl-pktgen is up (EAL init takes seconds under TCG),
    # then the rest until the sender has been quiet for a while
    got = nic.port.recv_frames(1, timeout=120, ethertype=None)
    got += nic.port.recv_frames(COUNT_FRAMES + 100, timeout=60 + COUNT_FRAMES / 1000,
                                ethertype=None, idle=5)
    span = nic.port.last_span
    g.wait_for_file('done_C', timeout=120)
    # anything late would still be on its way through QEMU: give it time
    #     time.sleep(2)
    extra = nic.port.drain()
    g.touch('checked_C')
    assert extra == 0, 'C: %d more frames arrived after the first %d' % (extra, len(got))
    problems = []
    for i, f in enumerate(got):
        p = check_pktgen_frame(f, i)
        if p:
            problems.append('frame %d: %s (%s...)' % (i, p, f[:48].hex()))
            if len(problems) == 5:
                break
    assert len(got) == COUNT_FRAMES and not problems, \
        'C: sl-pktgen --count %d on %s: this host received %d frames%s' % (
            COUNT_FRAMES, nic.pci, len(got), ''.join('\n  ' + p for p in problems))
    doc = g.read_json('pktgen_C.json')
    port = doc['ports'][0]
    assert port['name'] == nic.pci, doc['ports']
    nbytes = sum(len(f) for f in got)
    want = {'tx.frames': COUNT_FRAMES, 'tx.bytes': nbytes, 'eth_stats.opackets': COUNT_FRAMES,
            'eth_stats.obytes': nbytes, 'eth_stats.oerrors': 0,
            'streams[0].tx_frames': COUNT_FRAMES, 'totals.tx_frames': COUNT_FRAMES}
    have = {'tx.frames': port['tx']['frames'], 'tx.bytes': port['tx']['bytes'],
            'eth_stats.opackets': port['eth_stats']['opackets'],
            'eth_stats.obytes': port['eth_stats']['obytes'],
            'eth_stats.oerrors': port['eth_stats']['oerrors'],
            'streams[0].tx_frames': doc['streams'][0]['tx_frames'],
            'totals.tx_frames': doc['totals']['tx_frames']}
    bad = ['%s=%s (expected %s)' % (k, have[k], v) for k, v in want.items() if have[k] != v]
    assert not bad, 'C: pktgen_C.json: ' + ', '.join(bad)
    sluicevm.log('C: exactly %d frames arrived (%d bytes, %.0f fps at this host), all '
                 'well-formed and in order; JSON and port counters agree'
                 % (COUNT_FRAMES, nbytes, COUNT_FRAMES / span if span else 0))


def phase_crossover(g, tx_nic, rx_nic):
    doc = g.read_json('pktgen_X.json', timeout=600)
    ports = {p['port']: p for p in doc['ports']}
    tx, rx = ports[0], ports[1]
    assert tx['name'] == tx_nic.pci and rx['name'] == rx_nic.pci, doc['ports']
    stream = doc['streams'][0]
    lat = stream['latency_ns']
    have = {'ok': doc['ok'], 'expect_no_loss': doc['expect_no_loss'],
            'tx frames': tx['tx']['frames'], 'rx frames': rx['rx']['frames'],
            'rx signed_frames': rx['rx']['signed_frames'],
            'rx eth_stats.ipackets': rx['eth_stats']['ipackets'],
            'rx eth_stats.ibytes': rx['eth_stats']['ibytes'],
            'rx eth_stats.imissed': rx['eth_stats']['imissed'],
            'rx eth_stats.ierrors': rx['eth_stats']['ierrors'],
            'stream rx_frames': stream['rx_frames'], 'lost': stream['lost'],
            'duplicates': stream['duplicates'], 'reordered': stream['reordered'],
            'totals.lost': doc['totals']['lost'],
            'latency samples': lat and lat['samples']}
    want = {'ok': True, 'expect_no_loss': True, 'tx frames': XOVER_FRAMES,
            'rx frames': XOVER_FRAMES, 'rx signed_frames': XOVER_FRAMES,
            'rx eth_stats.ipackets': XOVER_FRAMES, 'rx eth_stats.ibytes': tx['tx']['bytes'],
            'rx eth_stats.imissed': 0, 'rx eth_stats.ierrors': 0,
            'stream rx_frames': XOVER_FRAMES, 'lost': 0, 'duplicates': 0, 'reordered': 0,
            'totals.lost': 0, 'latency samples': XOVER_FRAMES}
    bad = ['%s=%s (expected %s)' % (k, have[k], v) for k, v in want.items() if have[k] != v]
    assert not bad, 'X: pktgen_X.json: ' + ', '.join(bad)
    order = ['min', 'p50', 'p99', 'p999', 'max']
    vals = [lat[k] for k in order]
    assert 0 < vals[0] and vals == sorted(vals) and lat['min'] <= lat['avg'] <= lat['max'], \
        'X: latency statistics not ordered 0 < %s: %s' % (' <= '.join(order), lat)
    # An emulated crossover cannot beat a microsecond, and anything near a
    # minute means the clock or the timestamps are wrong.
    assert 1000 <= lat['min'] and lat['max'] < 60e9, 'X: latency out of range: %s' % lat
    sluicevm.log('X: %d frames at %s %s -> %s, no loss; latency ns min %d p50 %d p99 %d max %d'
                 % (XOVER_FRAMES, XOVER_RATE, tx_nic.pci, rx_nic.pci, lat['min'], lat['p50'],
                    lat['p99'], lat['max']))


def main():
    sluicevm.built('app', 'pktgen', 'sl-pktgen')
    nics = [Nic('e1000', cable=1), Nic('e1000', cable=0), Nic('e1000')]
    with Guest(nics, name='pktgen', vfio=[0, 1, 2]) as g:
        g.start(os.path.join(HERE, 'guest_pktgen.sh'),
                [n.pci for n in g.nics] + [COUNT_FRAMES, COUNT_RATE, XOVER_FRAMES, XOVER_RATE])
        phase_count(g, g.nics[2])
        phase_crossover(g, g.nics[0], g.nics[1])
        g.finish()


if __name__ == '__main__':
    sluicevm.run(main)
