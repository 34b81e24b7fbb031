#!/usr/bin/env python3
"""vrrp_inject.py - send crafted VRRP packets (tests only; needs root).

Builds the whole IPv4 header itself (raw socket, IP_HDRINCL) so that every
field a receiver must check can be forged: TTL, version, type, count,
checksum, length.  Defaults give a valid VRRPv3 advertisement:

  vrrp_inject.py --iface eth0 --src 192.0.2.50 --vrid 51 --prio 200

Options:
  --src A          IP source (required: it is part of the v3 pseudo-header)
  --dst A          IP destination (default 224.0.0.18)
  --ttl N          IP TTL (default 255; RFC 5798 §7.1 requires 255)
  --tos N          IP TOS byte (default 0xc0, DSCP CS6)
  --version N      VRRP version nibble (default 3)
  --type N         VRRP type nibble (default 1, advertisement)
  --vrid N         (default 51)
  --prio N         (default 100)
  --interval-cs N  advert interval in centiseconds (default 100); v2 puts
                   N/100 seconds into its 8-bit field
  --addrs A [A..]  addresses (default 192.0.2.10)
  --count N        put N into the count field whatever --addrs holds
  --bad-checksum   corrupt the checksum
  --truncate N     send only the first N bytes of the VRRP message
  --repeat N       send N copies (default 1), --every-ms apart (default 10)
  --iface IF       send on IF (SO_BINDTODEVICE + multicast interface)
  --hexdump        print the VRRP bytes sent
The v3 checksum covers the IPv4 pseudo-header (RFC 5798 §5.2.8); v2 does
not (RFC 3768 §5.3.8); other versions get the v3 rule.
"""
import argparse
import socket
import struct
import sys
import time

PROTO_VRRP = 112


def csum(data):
    """RFC 1071 Internet checksum."""
    if len(data) % 2:
        data += b"\0"
    total = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while total >> 16:
        total = (total & 0xFFFF) + (total >> 16)
    return ~total & 0xFFFF


def vrrp_message(a):
    """The VRRP message (no IP header), checksum filled in as asked."""
    addrs = b"".join(socket.inet_aton(x) for x in a.addrs)
    count = len(a.addrs) if a.count is None else a.count
    first = ((a.version & 0xF) << 4) | (a.type & 0xF)
    if a.version == 2:
        # RFC 3768 §5.3: auth type 0, 8-bit seconds, 8 bytes auth data
        head = struct.pack("!BBBBBBH", first, a.vrid, a.prio, count, 0,
                           (a.interval_cs // 100) & 0xFF, 0)
        msg = head + addrs + b"\0" * 8
        pseudo = b""
    else:
        # RFC 5798 §5.2: 4 reserved bits + 12-bit Max Adver Int
        head = struct.pack("!BBBBHH", first, a.vrid, a.prio, count,
                           a.interval_cs & 0x0FFF, 0)
        msg = head + addrs
        pseudo = (socket.inet_aton(a.src) + socket.inet_aton(a.dst) +
                  struct.pack("!BBH", 0, PROTO_VRRP, len(msg)))
    c = csum(pseudo + msg)
    if a.bad_checksum:
        # Changes the value by less than 0xffff, so it can never turn into
        # the other ones'-complement zero and verify by accident.
        c ^= 0x00FF
    msg = msg[:6] + struct.pack("!H", c) + msg[8:]
    if a.truncate is not None:
        msg = msg[:a.truncate]
    return msg


def ip_packet(a, payload):
    """IPv4 header + payload.  The kernel fills the IP checksum and the
    total length (raw(7)); everything else is sent as built here."""
    ver_ihl = (4 << 4) | 5
    hdr = struct.pack("!BBHHHBBH4s4s", ver_ihl, a.tos, 20 + len(payload),
                      0, 0, a.ttl, PROTO_VRRP, 0,
                      socket.inet_aton(a.src), socket.inet_aton(a.dst))
    return hdr + payload


def open_socket(a):
    s = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_RAW)
    s.setsockopt(socket.IPPROTO_IP, socket.IP_HDRINCL, 1)
    if a.iface:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_BINDTODEVICE,
                     a.iface.encode())
        # struct ip_mreqn: multiaddr, address, ifindex
        mreqn = struct.pack("!4s4s", b"\0" * 4, b"\0" * 4) + \
            struct.pack("@i", socket.if_nametoindex(a.iface))
        s.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_IF, mreqn)
    return s


def parse(argv):
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--src", required=True)
    p.add_argument("--dst", default="224.0.0.18")
    p.add_argument("--ttl", type=int, default=255)
    p.add_argument("--tos", type=lambda x: int(x, 0), default=0xC0)
    p.add_argument("--version", type=int, default=3)
    p.add_argument("--type", type=int, default=1)
    p.add_argument("--vrid", type=int, default=51)
    p.add_argument("--prio", type=int, default=100)
    p.add_argument("--interval-cs", type=int, default=100)
    p.add_argument("--addrs", nargs="+", default=["192.0.2.10"])
    p.add_argument("--count", type=int)
    p.add_argument("--bad-checksum", action="store_true")
    p.add_argument("--truncate", type=int)
    p.add_argument("--repeat", type=int, default=1)
    p.add_argument("--every-ms", type=float, default=10.0)
    p.add_argument("--iface")
    p.add_argument("--hexdump", action="store_true")
    return p.parse_args(argv)


def main(argv):
    a = parse(argv)
    msg = vrrp_message(a)
    pkt = ip_packet(a, msg)
    if a.hexdump:
        print("vrrp: " + msg.hex(" "))
    s = open_socket(a)
    for i in range(a.repeat):
        if i:
            time.sleep(a.every_ms / 1000.0)
        s.sendto(pkt, (a.dst, 0))
    print("sent %d x %d-byte VRRP v%d vrid=%d prio=%d ttl=%d to %s"
          % (a.repeat, len(msg), a.version, a.vrid, a.prio, a.ttl, a.dst))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
