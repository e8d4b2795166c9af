#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
# Copyright (c) 2026 The srv6d authors
"""An SRv6 end host built on the kernel's socket API only (seed 004), for the
e2e tests on kernels without seg6 lwtunnel: the SRH is inserted by the kernel
from a sticky IPV6_RTHDR socket option (a type-4 routing header), and received
SRHs are processed by the kernel's built-in SRH code (seg6_enabled).

Two ways to carry a probe through an End SID (--via):

  inline  a UDP socket with IPV6_RTHDR [final = the peer's address, via]: the
          datagram leaves with DA = via, SL 1; after the End it reaches the
          peer with SL 0 and the kernel delivers it to UDP. The receiver
          checks the SRH it got (IPV6_RECVRTHDR).
  encap   a raw IPv6 socket (protocol 41 for an inner IPv6 packet, 4 for
          IPv4) with IPV6_RTHDR [final = the peer's decapsulation SID, a local
          address of the peer, via]: its payload is a whole inner IPv6/UDP or
          IPv4/UDP packet built here from the service addresses. The peer's
          kernel decapsulates at SL 0 and delivers the inner packet to UDP.

  srh_host.py server --mode inline --listen ADDR [--listen ADDR] --port P --via SID
  srh_host.py server --mode encap  --listen ADDR ... --port P --via SID --outer-src ADDR
                     --return-sid6 SID --return-sid4 SID
      UDP echo on the service addresses; every answer goes back through an
      SRH the same way. Runs until SIGTERM/SIGINT, then prints a summary line
      and exits 0 (1 if any datagram was refused: wrong SRH, socket error).
  srh_host.py client --mode inline|encap --src ADDR --dst ADDR --port P --via SID
                     [--sid SID --outer-src ADDR] [--count N] [--interval S]
                     [--timeout S] [--warm S]
      --warm: first one answered probe within S seconds (ND settles), then N
      probes, each of which must be answered within --timeout. Prints a
      summary; exit status 1 when any probe is lost or an answer is wrong.
  srh_host.py malformed --via SID --dst ADDR
      tries to make the kernel send an SRH whose Segments Left is beyond its
      list (sticky option and ancillary data). Exit 0: sent; 3: the kernel
      refused both (seg6_validate_srh), nothing sent.

The inner headers are packed here with struct (checksums computed per RFC
8200 section 8.1 / RFC 768 / RFC 791); the kernels at both ends and tshark
judge them.
"""
import argparse, ipaddress, os, select, signal, socket, struct, sys, time

IPV6_RTHDR = 57          # linux/in6.h (Python's socket module lacks it)
IPV6_RECVRTHDR = 56
IPPROTO_IPIP = 4
IPPROTO_IPV6 = 41
SRH_TYPE = 4


def fam(a):
    return socket.AF_INET6 if ipaddress.ip_address(a).version == 6 else socket.AF_INET


def srh(segs, sl, last_entry=None, nh=0):
    """A type-4 routing header; segs in wire order (Segment List[0] first).
    The kernel fills the next header and puts the sendto() destination in
    Segment List[0]."""
    le = len(segs) - 1 if last_entry is None else last_entry
    hdr = struct.pack("!BBBBBBH", nh, 2 * len(segs), SRH_TYPE, sl, le, 0, 0)
    return hdr + b"".join(socket.inet_pton(socket.AF_INET6, s) for s in segs)


def parse_srh(data):
    """(SL, last entry, [segments]) of a type-4 routing header, or None"""
    if len(data) < 8 or data[2] != SRH_TYPE:
        return None
    n = data[1] // 2
    segs = [str(ipaddress.ip_address(data[8 + 16 * i:24 + 16 * i])) for i in range(n)
            if 24 + 16 * i <= len(data)]
    return data[3], data[4], segs


def csum(data):
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    return ~s & 0xffff


def inner_udp(src, dst, sport, dport, payload, hlim=64):
    """an IPv6/UDP or IPv4/UDP packet (bytes) with good checksums"""
    ulen = 8 + len(payload)
    if fam(src) == socket.AF_INET6:
        s, d = socket.inet_pton(socket.AF_INET6, src), socket.inet_pton(socket.AF_INET6, dst)
        pseudo = s + d + struct.pack("!IxxxB", ulen, 17)
    else:
        s, d = socket.inet_pton(socket.AF_INET, src), socket.inet_pton(socket.AF_INET, dst)
        pseudo = s + d + struct.pack("!xBH", 17, ulen)
    udp = struct.pack("!HHHH", sport, dport, ulen, 0) + payload
    c = csum(pseudo + udp) or 0xffff
    udp = udp[:6] + struct.pack("!H", c) + udp[8:]
    if fam(src) == socket.AF_INET6:
        return struct.pack("!IHBB", 6 << 28, ulen, 17, hlim) + s + d + udp
    ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + ulen, os.getpid() & 0xffff, 0x4000, hlim, 17, 0, s, d)
    ip = ip[:10] + struct.pack("!H", csum(ip)) + ip[12:]
    return ip + udp


class Sender:
    """sends UDP payloads from (src, sport) to (dst, dport) through the End SID"""

    def __init__(self, mode, via, outer_src=None, udp_sock=None):
        self.mode, self.via, self.udp = mode, via, udp_sock
        self.raw = {}
        if mode == "inline":
            # sticky: [placeholder for the final destination, via], SL 1
            self.udp.setsockopt(socket.IPPROTO_IPV6, IPV6_RTHDR, srh(["::", via], 1))
        else:
            for proto in (IPPROTO_IPV6, IPPROTO_IPIP):
                r = socket.socket(socket.AF_INET6, socket.SOCK_RAW, proto)
                r.setsockopt(socket.IPPROTO_IPV6, IPV6_RTHDR, srh(["::", via], 1))
                if outer_src:
                    r.bind((outer_src, 0))
                # never read: keep what the kernel may queue on it small
                r.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1)
                self.raw[proto] = r

    def send(self, src, sport, dst, dport, payload, decap_sid=None):
        if self.mode == "inline":
            self.udp.sendto(payload, (dst, dport))
        else:
            proto = IPPROTO_IPV6 if fam(src) == socket.AF_INET6 else IPPROTO_IPIP
            self.raw[proto].sendto(inner_udp(src, dst, sport, dport, payload), (decap_sid, 0))


def udp_socket(addr, port):
    s = socket.socket(fam(addr), socket.SOCK_DGRAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    if fam(addr) == socket.AF_INET6:
        s.setsockopt(socket.IPPROTO_IPV6, IPV6_RECVRTHDR, 1)
    s.bind((addr, port))
    return s


def recv(sock):
    """(payload, (addr, port), srh or None)"""
    data, anc, _flags, peer = sock.recvmsg(65535, socket.CMSG_SPACE(512))
    got = None
    for level, typ, cdata in anc:
        if level == socket.IPPROTO_IPV6 and typ == IPV6_RTHDR:
            got = parse_srh(cdata)
    return data, (peer[0], peer[1]), got


def srh_problem(mode, got, me, via):
    """why a received datagram's SRH is not the one expected (None: fine).
    Inline: [me, via], SL 0 must have come along. Encap: the kernel
    decapsulated, so the inner datagram carries none."""
    if mode == "encap":
        return None if got is None else "unexpected SRH %s on an inner datagram" % (got,)
    want = (0, 1, [str(ipaddress.ip_address(me)), str(ipaddress.ip_address(via))])
    if got != want:
        return "SRH %s, want SL 0, LE 1, %s" % (got, want[2])
    return None


stop = False


def on_signal(signum, frame):
    global stop
    stop = True


def server(a):
    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    if a.mode == "inline" and any(fam(x) != socket.AF_INET6 for x in a.listen):
        sys.exit("inline mode is IPv6 only")
    socks = [udp_socket(x, a.port) for x in a.listen]
    if a.mode == "inline":  # the answer leaves on the socket it came in on
        senders = {s: Sender("inline", a.via, udp_sock=s) for s in socks}
    else:                   # one pair of raw sockets for every service address
        enc = Sender("encap", a.via, a.outer_src)
        senders = {s: enc for s in socks}
    print("listening on %s port %d (%s via %s)" % (",".join(a.listen), a.port, a.mode, a.via), flush=True)
    answered = refused = 0
    while not stop:
        try:
            ready, _, _ = select.select(socks, [], [], 0.5)
        except InterruptedError:
            continue
        for s in ready:
            me = s.getsockname()[0]
            data, (peer, pport), got = recv(s)
            why = srh_problem(a.mode, got, me, a.via)
            if why:
                refused += 1
                print("refused from %s: %s" % (peer, why), flush=True)
                continue
            sid = a.return_sid6 if fam(me) == socket.AF_INET6 else a.return_sid4
            try:
                senders[s].send(me, a.port, peer, pport, data, sid)
                answered += 1
            except OSError as e:
                refused += 1
                print("answer to %s failed: %s" % (peer, e), flush=True)
    print("server %s: answered %d, refused %d" % (a.mode, answered, refused), flush=True)
    return 1 if refused else 0


def client(a):
    if a.mode == "encap" and not a.sid:
        sys.exit("--sid (the peer's decapsulation SID) is needed in encap mode")
    s = udp_socket(a.src, 0)
    sport = s.getsockname()[1]
    tx = Sender(a.mode, a.via, a.outer_src, s)
    nonce = "%d-%d" % (os.getpid(), time.monotonic_ns() % 1000000)
    what = "%s %s -> %s port %d via %s%s" % (a.mode, a.src, a.dst, a.port, a.via,
                                          " decap SID " + a.sid if a.sid else "")

    def probe(tag, timeout):
        """one probe; (rtt_ms or None, error or None)"""
        payload = ("srh_host %s %s" % (nonce, tag)).encode()
        t0 = time.monotonic()
        tx.send(a.src, sport, a.dst, a.port, payload, a.sid)
        while True:
            left = t0 + timeout - time.monotonic()
            if left <= 0:
                return None, None
            if not select.select([s], [], [], left)[0]:
                continue
            data, (peer, pport), got = recv(s)
            if data != payload:
                continue  # a late answer to an earlier probe
            if ipaddress.ip_address(peer) != ipaddress.ip_address(a.dst) or pport != a.port:
                return None, "answer from %s port %d" % (peer, pport)
            why = srh_problem(a.mode, got, a.src, a.via)
            if why:
                return None, why
            return (time.monotonic() - t0) * 1000, None

    tries = 0
    if a.warm:
        end = time.monotonic() + a.warm
        while True:
            tries += 1
            rtt, err = probe("warm%d" % tries, 1.0)
            if err:
                print("client %s: warm-up answer wrong: %s" % (what, err))
                return 1
            if rtt is not None:
                break
            if time.monotonic() >= end:
                print("client %s: no answer within %gs (%d warm-up probes)" % (what, a.warm, tries))
                return 1
    rtts, errors = [], []
    for i in range(a.count):
        if i:
            time.sleep(a.interval)
        rtt, err = probe("seq%d" % i, a.timeout)
        if err:
            errors.append("probe %d: %s" % (i, err))
        elif rtt is None:
            errors.append("probe %d: no answer within %gs" % (i, a.timeout))
        else:
            rtts.append(rtt)
    line = "client %s: %d sent, %d answered" % (what, a.count, len(rtts))
    if tries:
        line += " (after %d warm-up probe(s))" % tries
    if rtts:
        line += ", rtt min/avg/max %.2f/%.2f/%.2f ms" % (min(rtts), sum(rtts) / len(rtts), max(rtts))
    print(line)
    for e in errors:
        print("  " + e)
    return 0 if len(rtts) == a.count and not errors else 1


def malformed(a):
    """SL 2 over a list of two (last entry 1): beyond the list"""
    bad = srh(["::", a.via], 2)
    s = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
    refused = []
    try:
        s.setsockopt(socket.IPPROTO_IPV6, IPV6_RTHDR, bad)
        s.sendto(b"srh_host malformed sticky", (a.dst, a.port))
        print("malformed SRH (SL 2, last entry 1) sent as a sticky option")
        return 0
    except OSError as e:
        refused.append("setsockopt(IPV6_RTHDR): %s" % e.strerror)
    try:
        s2 = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
        s2.sendmsg([b"srh_host malformed cmsg"], [(socket.IPPROTO_IPV6, IPV6_RTHDR, bad)], 0,
                   (a.dst, a.port))
        print("malformed SRH (SL 2, last entry 1) sent as ancillary data")
        return 0
    except OSError as e:
        refused.append("sendmsg(IPV6_RTHDR cmsg): %s" % e.strerror)
    print("kernel refused an SRH with SL 2 over a 2-entry list: " + "; ".join(refused))
    return 3


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="cmd", required=True)
    sv = sub.add_parser("server")
    sv.add_argument("--mode", choices=["inline", "encap"], required=True)
    sv.add_argument("--listen", action="append", required=True)
    sv.add_argument("--port", type=int, default=7007)
    sv.add_argument("--via", required=True, help="the End SID every packet crosses")
    sv.add_argument("--outer-src", help="encap: outer IPv6 source")
    sv.add_argument("--return-sid6", help="encap: the client's SID that decapsulates IPv6")
    sv.add_argument("--return-sid4", help="encap: the client's SID that decapsulates IPv4")
    cl = sub.add_parser("client")
    cl.add_argument("--mode", choices=["inline", "encap"], required=True)
    cl.add_argument("--src", required=True)
    cl.add_argument("--dst", required=True)
    cl.add_argument("--port", type=int, default=7007)
    cl.add_argument("--via", required=True)
    cl.add_argument("--sid", help="encap: the server's decapsulation SID")
    cl.add_argument("--outer-src")
    cl.add_argument("--count", type=int, default=5)
    cl.add_argument("--interval", type=float, default=0.2)
    cl.add_argument("--timeout", type=float, default=2.0)
    cl.add_argument("--warm", type=float, default=0, help="seconds to get a first answer")
    mf = sub.add_parser("malformed")
    mf.add_argument("--via", required=True)
    mf.add_argument("--dst", required=True)
    mf.add_argument("--port", type=int, default=7007)
    a = ap.parse_args()
    return {"server": server, "client": client, "malformed": malformed}[a.cmd](a)


if __name__ == "__main__":
    sys.exit(main())
