#!/usr/bin/env python3
"""sl-responder in a QEMU guest: the kernel pings a NIC that Sluice drives.

Two e1000 NICs cabled to each other (crossover): NIC0 on the kernel's e1000
driver with 10.0.0.1/24, NIC1 on vfio-pci driven by sl-responder --ip
10.0.0.2. The kernel's ping -c 20 gets 20 replies (the kernel drops replies
with a wrong IPv4 or ICMP checksum), ping -s 1472 gets its 5, and a ping to
10.0.0.3 makes ARP requests the responder drops as not for it; its counters
(stats.json) must agree. Guest half: guest_responder.sh.
"""

import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))
import sluicevm  # noqa: E402
from sluicevm import Guest, Nic  # noqa: E402


def main():
    sluicevm.built('examples', 'responder', 'sl-responder')
    nics = [Nic('e1000', cable=1), Nic('e1000', cable=0)]
    with Guest(nics, name='responder', vfio=[1], hugepages=64) as g:
        g.start(os.path.join(HERE, 'guest_responder.sh'), [n.pci for n in g.nics])
        g.finish(timeout=400)
        stats = g.read_json('stats.json')
    port = stats['ports'][0]
    assert port['name'] == nics[1].pci and port['mac'] == nics[1].mac, port
    # 20 + 5 counted pings, plus the warm-up ones that got through.
    assert port['echo_replies'] >= 25, 'echo replies: %s' % port
    assert port['arp_replies'] >= 1, 'no ARP request was answered: %s' % port
    assert port['not_for_us'] >= 1, 'the ARP requests for 10.0.0.3 were not counted: %s' % port
    bad = {k: port[k] for k in ('bad_ip_cksum', 'bad_icmp_cksum', 'malformed', 'tx_failed')
           if port[k]}
    assert not bad, 'unexpected drops: %s' % bad
    assert port['opackets'] == port['echo_replies'] + port['arp_replies'], \
        'driver sent %d frames, responder made %d replies' % (
            port['opackets'], port['echo_replies'] + port['arp_replies'])
    sluicevm.log('responder: %d echo and %d ARP replies, %d frames not for it, %d unsupported'
                 % (port['echo_replies'], port['arp_replies'], port['not_for_us'],
                    port['unsupported']))


if __name__ == '__main__':
    sluicevm.run(main)
