# SPDX-License-Identifier: BSD-3-Clause
"""Helpers for Sluice's end-to-end network tests (Python 3 stdlib only).

- skip(): exit 77, the code meson counts as "skipped", with the reason
- Netns: network namespaces joined by veth pairs, always removed again
- netns_enter(): run this thread inside a namespace (setns), so one process
  can hold sockets in several namespaces
- test frames: recognisable Ethernet frames (EtherType 0x88b5, IEEE local
  experimental) carrying a run id and a sequence number
- pcap files: read and write classic microsecond pcap
- packet sockets in a namespace, Receiver: collect what a veth delivers
  (VLAN tags put back) in a thread, send paced by what arrived
- App / L2fwd: start a Sluice program (sl-l2fwd) and collect its output
"""
import contextlib
import ctypes
import os
import random
import shutil
import signal
import socket
import struct
import subprocess
import sys
import threading
import time

SKIP = 77
ETHERTYPE = 0x88B5
MAGIC = b"SLUICE"
CLONE_NEWNET = 0x40000000


def log(*args):
    print(*args, flush=True)


def skip(reason):
    print("SKIP: " + reason, flush=True)
    sys.exit(SKIP)


def program_path(env, name):
    """The program meson names in environment variable env, or skip."""
    path = os.environ.get(env)
    if not path or not os.access(path, os.X_OK):
        skip("%s does not name the %s binary (run through meson test)" % (env, name))
    return path


def l2fwd_path():
    return program_path("SL_L2FWD", "sl-l2fwd")


def verdict(app, problems, passed):
    """A test's end: 0 after a PASS line, or 1 after the app's output and
    one FAIL line per problem."""
    if problems:
        app.dump()
        for p in problems:
            log("FAIL: " + p)
        return 1
    log("PASS: " + passed)
    return 0


def require_root(why):
    if os.geteuid() != 0:
        skip("needs root (%s)" % why)


# ---- namespaces ---------------------------------------------------------------


def sh(*cmd, check=True):
    res = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    if check and res.returncode != 0:
        raise RuntimeError("%s failed (%d): %s" % (" ".join(cmd), res.returncode,
                                                   res.stderr.strip()))
    return res


_libc = ctypes.CDLL(None, use_errno=True)


@contextlib.contextmanager
def netns_enter(name):
    """The calling thread in namespace name for the with-block; sockets
    created inside stay in that namespace afterwards."""
    home = os.open("/proc/self/ns/net", os.O_RDONLY)
    target = os.open("/run/netns/" + name, os.O_RDONLY)
    try:
        if _libc.setns(target, CLONE_NEWNET) != 0:
            err = ctypes.get_errno()
            raise OSError(err, "setns into %s: %s" % (name, os.strerror(err)))
        yield
    finally:
        _libc.setns(home, CLONE_NEWNET)
        os.close(home)
        os.close(target)


class Netns:
    """Namespaces named <prefix><pid><suffix>, removed (with their veths)
    by close(), at exit and on SIGTERM (meson's timeout)."""

    def __init__(self, prefix):
        require_root("network namespaces and veth pairs")
        if shutil.which("ip") is None:
            skip("the ip command (iproute2) is missing")
        res = sh("ip", "netns", "list", check=False)
        if res.returncode != 0:
            skip("'ip netns' does not work here: " + res.stderr.strip())
        self.prefix = "%s%d" % (prefix, os.getpid())
        self.names = []
        signal.signal(signal.SIGTERM, self._on_term)

    def _on_term(self, signum, frame):
        self.close()
        sys.exit("terminated (timeout?)")

    def add(self, suffix):
        name = self.prefix + suffix
        res = sh("ip", "netns", "add", name, check=False)
        if res.returncode != 0:
            self.close()
            skip("cannot create a network namespace: " + res.stderr.strip())
        self.names.append(name)
        # no IPv6 autoconfiguration chatter (router/neighbour solicitations)
        sh("ip", "netns", "exec", name, "sysctl", "-qw",
           "net.ipv6.conf.all.disable_ipv6=1", "net.ipv6.conf.default.disable_ipv6=1",
           check=False)
        return name

    def veth(self, ns_a, if_a, mac_a, ns_b, if_b, mac_b, mtu=1500):
        sh("ip", "link", "add", if_a, "netns", ns_a, "address", mac_a, "mtu", str(mtu),
           "type", "veth", "peer", "name", if_b, "netns", ns_b, "address", mac_b,
           "mtu", str(mtu))
        for ns, ifname in ((ns_a, if_a), (ns_b, if_b)):
            sh("ip", "-n", ns, "link", "set", ifname, "up")

    def exec_prefix(self, ns):
        return ["ip", "netns", "exec", ns]

    def close(self):
        while self.names:
            sh("ip", "netns", "del", self.names.pop(), check=False)


# ---- frames -------------------------------------------------------------------


def mac_bytes(text):
    return bytes(int(x, 16) for x in text.split(":"))


def frame_size(seq, low=60, high=1514):
    """Sizes walk the whole range low..high in a scattered order."""
    return low + (seq * 7919) % (high - low + 1)


def make_frame(seq, run_id, dst, src, size, vlan_tci=None):
    """size bytes; with vlan_tci an 802.1Q tag follows the MACs (4 more bytes)."""
    tag = b"" if vlan_tci is None else struct.pack("!HH", 0x8100, vlan_tci)
    head = dst + src + tag + struct.pack("!H", ETHERTYPE) + MAGIC + struct.pack("!II", run_id, seq)
    rnd = random.Random(run_id * 1000003 + seq)
    return head + rnd.randbytes(size + len(tag) - len(head))


def frame_seq(frame, run_id):
    """The sequence number of one of our frames, or None for anything else."""
    off = 16 if frame[12:14] == b"\x81\x00" else 12
    if len(frame) < off + 16 or frame[off:off + 2] != struct.pack("!H", ETHERTYPE) or \
            frame[off + 2:off + 8] != MAGIC:
        return None
    rid, seq = struct.unpack("!II", frame[off + 8:off + 16])
    return seq if rid == run_id else None


def inet_cksum(data):
    """The Internet checksum (RFC 1071) of data, as the 16-bit number to store."""
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return ~s & 0xFFFF


def ipv4_udp_frame(dst_mac, src_mac, src_ip, dst_ip, ttl, payload, options=b""):
    """Ethernet + IPv4 (with options, a multiple of 4 bytes) + UDP 9 -> 9,
    IPv4 checksum right, UDP checksum 0 (none). Addresses as 4 bytes."""
    udp = struct.pack("!HHHH", 9, 9, 8 + len(payload), 0) + payload
    ihl = 5 + len(options) // 4
    hdr = struct.pack("!BBHHHBBH4s4s", 0x40 | ihl, 0, ihl * 4 + len(udp), 1, 0, ttl, 17, 0,
                      src_ip, dst_ip) + options
    hdr = hdr[:10] + struct.pack("!H", inet_cksum(hdr)) + hdr[12:]
    return dst_mac + src_mac + b"\x08\x00" + hdr + udp


def ipv6_udp_frame(dst_mac, src_mac, src_ip, dst_ip, hop_limit, payload):
    """Ethernet + IPv6 + UDP 9 -> 9 (checksum not filled). Addresses as 16 bytes."""
    udp = struct.pack("!HHHH", 9, 9, 8 + len(payload), 0) + payload
    hdr = struct.pack("!IHBB16s16s", 6 << 28, len(udp), 17, hop_limit, src_ip, dst_ip)
    return dst_mac + src_mac + b"\x86\xdd" + hdr + udp


# ---- pcap ---------------------------------------------------------------------


def pcap_write(path, records, snaplen=65535, linktype=1):
    """records: (sec, usec, bytes) tuples."""
    with open(path, "wb") as f:
        f.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, snaplen, linktype))
        for sec, usec, data in records:
            f.write(struct.pack("<IIII", sec, usec, len(data), len(data)))
            f.write(data)


def pcap_read(path):
    """(header dict, [(sec, usec, wire_len, bytes)]) of a microsecond pcap."""
    with open(path, "rb") as f:
        blob = f.read()
    magic, vmaj, vmin, zone, sigfigs, snaplen, linktype = struct.unpack_from("<IHHiIII", blob)
    if magic != 0xA1B2C3D4:
        raise ValueError("%s: not a little-endian microsecond pcap (magic %#x)" % (path, magic))
    out, off = [], 24
    while off < len(blob):
        sec, usec, incl, orig = struct.unpack_from("<IIII", blob, off)
        off += 16
        out.append((sec, usec, orig, blob[off:off + incl]))
        off += incl
    return {"snaplen": snaplen, "linktype": linktype}, out


# ---- packet sockets ----------------------------------------------------------

SO_RCVBUFFORCE = 33
ETH_P_ALL = 3
SOL_PACKET, PACKET_AUXDATA = 263, 8
# struct tpacket_auxdata: status, len, snaplen, mac, net, vlan_tci, vlan_tpid
AUXDATA = struct.Struct("=IIIHHHH")
TP_STATUS_VLAN_VALID, TP_STATUS_VLAN_TPID_VALID = 0x10, 0x40


def tx_socket(ns, ifname):
    """A raw packet socket in namespace ns that sends on ifname."""
    with netns_enter(ns):
        sock = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, 0)
        sock.bind((ifname, 0))
    return sock


def rx_socket(ns, ifname, auxdata=False):
    """A raw packet socket in namespace ns receiving everything on ifname,
    with a 64 MB buffer. ETH_P_ALL: a socket bound to one EtherType is
    served after the kernel has dropped the stripped VLAN tag of an untagged
    port, the catch-all taps before (__netif_receive_skb_core). auxdata:
    the tags come as PACKET_AUXDATA (for reinsert_vlan)."""
    with netns_enter(ns):
        sock = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(ETH_P_ALL))
        sock.setsockopt(socket.SOL_SOCKET, SO_RCVBUFFORCE, 64 << 20)
        if auxdata:
            sock.setsockopt(SOL_PACKET, PACKET_AUXDATA, 1)
        sock.bind((ifname, ETH_P_ALL))
    return sock


def reinsert_vlan(data, ancdata):
    """The kernel hands packet sockets VLAN frames with the tag moved out of
    the data into PACKET_AUXDATA; put it back to see the frame as sent."""
    for level, kind, blob in ancdata:
        if level == SOL_PACKET and kind == PACKET_AUXDATA and len(blob) >= AUXDATA.size:
            status, _, _, _, _, tci, tpid = AUXDATA.unpack_from(blob)
            if status & TP_STATUS_VLAN_VALID:
                if not status & TP_STATUS_VLAN_TPID_VALID:
                    tpid = 0x8100
                return data[:12] + struct.pack("!HH", tpid, tci) + data[12:]
    return data


class Receiver(threading.Thread):
    """Takes frames from a packet socket in the background: parse(frame)
    gives what to keep in self.items (arrival order), or None for a frame
    that is not the test's (counted in self.foreign). With auxdata (a socket
    from rx_socket(auxdata=True)) VLAN tags are put back first."""

    def __init__(self, sock, parse, auxdata=False):
        super().__init__(daemon=True)
        self.sock, self.parse, self.auxdata = sock, parse, auxdata
        self.items = []
        self.foreign = 0
        self.cond = threading.Condition()
        self.stop = False
        self.start()

    def run(self):
        self.sock.settimeout(0.2)
        while not self.stop:
            try:
                if self.auxdata:
                    data, anc, _, _ = self.sock.recvmsg(65536, socket.CMSG_SPACE(AUXDATA.size))
                    data = reinsert_vlan(data, anc)
                else:
                    data = self.sock.recv(65536)
            except socket.timeout:
                continue
            item = self.parse(data)
            with self.cond:
                if item is None:
                    self.foreign += 1
                else:
                    self.items.append(item)
                self.cond.notify_all()

    def count(self):
        with self.cond:
            return len(self.items)

    def wait_for(self, n, timeout):
        """Until n items have arrived or timeout seconds passed; the count."""
        deadline = time.monotonic() + timeout
        with self.cond:
            while len(self.items) < n and time.monotonic() < deadline:
                self.cond.wait(0.1)
            return len(self.items)

    def wait_room(self, sent, window, stall_s):
        """Until fewer than window of the sent frames are still on their
        way (whatever is on the path then has room: nothing overflows a
        ring); False when none arrived for stall_s seconds."""
        last, since = -1, time.monotonic()
        with self.cond:
            while sent - len(self.items) >= window:
                if len(self.items) != last:
                    last, since = len(self.items), time.monotonic()
                if time.monotonic() - since > stall_s:
                    return False
                self.cond.wait(0.1)
        return True

    def close(self):
        self.stop = True
        self.join(2)


# ---- Sluice programs -------------------------------------------------------------


class App:
    """A Sluice program running in the background (cmd, in the namespace
    that prefix enters), its stdout and stderr collected line by line."""

    def __init__(self, cmd, prefix=()):
        self.cmd = list(prefix) + list(cmd)
        self.name = os.path.basename(cmd[0])
        log("running: " + " ".join(self.cmd))
        self.proc = subprocess.Popen(self.cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                     text=True)
        self.lines = []
        self.err_lines = []
        self.cond = threading.Condition()
        self.readers = [threading.Thread(target=self._read, args=(self.proc.stdout, self.lines),
                                         daemon=True),
                        threading.Thread(target=self._read, args=(self.proc.stderr,
                                                                  self.err_lines),
                                         daemon=True)]
        for t in self.readers:
            t.start()

    def _read(self, stream, sink):
        for line in stream:
            with self.cond:
                sink.append(line.rstrip("\n"))
                self.cond.notify_all()

    def wait_line(self, needle, timeout):
        """True once a stdout line contains needle; False on timeout or exit."""
        deadline = time.monotonic() + timeout
        with self.cond:
            while True:
                if any(needle in l for l in self.lines):
                    return True
                left = deadline - time.monotonic()
                if left <= 0 or self.proc.poll() is not None:
                    return any(needle in l for l in self.lines)
                self.cond.wait(min(left, 0.1))

    def wait(self, timeout):
        """Exit code; SIGTERM then SIGKILL if it does not stop in time."""
        try:
            rc = self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            log("%s still running after %.0f s: SIGTERM" % (self.name, timeout))
            self.proc.send_signal(signal.SIGTERM)
            try:
                rc = self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                rc = self.proc.wait()
        for t in self.readers:
            t.join(5)
        return rc

    def kill(self):
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()

    def stdout(self):
        return "\n".join(self.lines)

    def stderr(self):
        return "\n".join(self.err_lines)

    def dump(self):
        log("---- %s stdout ----\n%s" % (self.name, self.stdout()))
        log("---- %s stderr ----\n%s" % (self.name, self.stderr()))

    def final_counter(self, label):
        """A number from the final statistics block ("Total packets dropped")."""
        text = self.stdout()
        tail = text[text.rfind("Final statistics"):]
        for line in tail.splitlines():
            if line.startswith(label + ":"):
                return int(line.split(":")[1])
        raise AssertionError("no '%s' in sl-l2fwd's final statistics" % label)

    def port_mac(self, port):
        for line in self.lines:
            if line.startswith("Port %d (" % port) and " MAC " in line:
                return line.split(" MAC ")[1].split(",")[0]
        raise AssertionError("sl-l2fwd did not print port %d's MAC" % port)


class L2fwd(App):
    """sl-l2fwd running in the background, its stdout collected line by line."""

    def __init__(self, args, prefix=()):
        super().__init__([l2fwd_path()] + list(args), prefix)

    def forwarding(self, timeout=30):
        """True once it says it forwards; otherwise it is killed, its output
        dumped and a FAIL line logged."""
        if self.wait_line("-> TX port 0", timeout):
            return True
        self.kill()
        self.dump()
        log("FAIL: sl-l2fwd did not start forwarding")
        return False
