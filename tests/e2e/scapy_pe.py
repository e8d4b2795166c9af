#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
# Copyright (c) 2026 The srv6d authors
"""A remote SRv6 PE written with scapy, for kernels without seg6 lwtunnel.

Runs in PE2's network namespace on two AF_PACKET sockets (the WAN port toward
srv6d and the CE port toward CE2); PE2's kernel keeps its addresses (it answers
ARP/ND) and, with forwarding off or blackhole routes, drops what this process
handles. Every header it sends is built with scapy's own classes (IPv6,
IPv6ExtHdrSegmentRouting, IP), never with srv6d's code, and every SRH it
receives is decoded with them.

  scapy_pe.py run --wan IF --wan-peer-mac MAC --ce IF --ce-peer-mac MAC
                  --src ADDR [--hlim 64] [--encap h.encaps|h.encaps.red]
                  [--route PREFIX=SID[,SID...]]... [--sid SID=dx4|dx6|dt6|dt46|end]...
                  [--locator PREFIX] [--end-out IF --end-out-peer-mac MAC] [--status FILE]

  CE -> WAN   a frame from the CE port to one of the --route prefixes is
              encapsulated (RFC 8986 H.Encaps / H.Encaps.Red: DA = first
              segment, SRH in reverse order, reduced without the first segment
              and omitted for one segment), inner TTL / hop limit - 1.
  WAN -> CE   a packet to a --sid: dx4/dx6/dt6/dt46 need Segments Left 0 (or no
              SRH: reduced one-segment encapsulation), Segment List[0] = the SID,
              a consistent Last Entry, and an inner IPv4 (dx4), IPv6 (dx6, dt6)
              or either (dt46): the inner packet goes to the CE, TTL - 1. "end"
              (RFC 8986 4.1, Segments Left <= Last Entry + 1, so a reduced SRH
              is fine) decrements SL, sets DA = Segment List[SL], hop limit - 1,
              and processes the packet again when the new DA is one of its SIDs,
              else sends it on --end-out.
  Counters (JSON on stdout at SIGTERM/SIGINT and in --status, rewritten at
  most 5 times a second): encapsulated / decapsulated / end per SID, dropped by
  reason (not_its_sid, sl_nonzero, sl_zero, bad_srh, unknown_inner, malformed,
  ttl_expired, internal_error), frames ignored (not ours: ARP, ND, traffic for
  PE2 itself, outgoing copies).

  scapy_pe.py inject --iface IF --dst-mac MAC --src ADDR --sid4 SID --sid6 SID
                     --stray ADDR --ce-v4 ADDR
  sends a fixed set of malformed frames (and one good one) toward a scapy_pe
  and prints the counters they must produce as JSON.
"""
import argparse, ipaddress, json, os, select, signal, socket, sys, time, traceback

from scapy.layers.inet import IP, ICMP, UDP
from scapy.layers.inet6 import IPv6, IPv6ExtHdrSegmentRouting, ICMPv6EchoRequest
from scapy.layers.l2 import Ether
from scapy.packet import Raw
from scapy.compat import raw

ETH_P_ALL = 0x0003
ETH_P_IP = 0x0800
ETH_P_IPV6 = 0x86DD
PACKET_HOST = 0
PACKET_OUTGOING = 4
NH_IPV4, NH_IPV6, NH_ROUTING = 4, 41, 43
REASONS = ("not_its_sid", "sl_nonzero", "sl_zero", "bad_srh", "unknown_inner", "malformed",
           "ttl_expired", "internal_error")


class Drop(Exception):
    """a packet dropped for a counted reason"""


def mac_of(ifname):
    with open("/sys/class/net/%s/address" % ifname) as f:
        return f.read().strip()


def open_port(ifname, rx=True):
    """an AF_PACKET socket on ifname; rx=False: send only (protocol 0 receives nothing)"""
    proto = socket.htons(ETH_P_ALL) if rx else 0
    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, proto)
    if rx:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4 << 20)
    s.bind((ifname, ETH_P_ALL if rx else 0))  # host order here, htons above
    return s


class PE:
    def __init__(self, a):
        self.a = a
        self.wan = open_port(a.wan)
        self.ce = open_port(a.ce)
        self.end_out = open_port(a.end_out, rx=False) if a.end_out else None
        self.wan_mac, self.ce_mac = mac_of(a.wan), mac_of(a.ce)
        self.end_out_mac = mac_of(a.end_out) if a.end_out else None
        self.routes4, self.routes6 = [], []
        for r in a.route:
            pfx, segs = r.split("=", 1)
            net = ipaddress.ip_network(pfx)
            segs = [str(ipaddress.IPv6Address(s)) for s in segs.split(",")]
            (self.routes4 if net.version == 4 else self.routes6).append((net, segs))
        self.sids = {}
        for s in a.sid:
            sid, beh = s.split("=", 1)
            if beh not in ("dx4", "dx6", "dt6", "dt46", "end"):
                sys.exit("unknown behaviour %s" % beh)
            self.sids[ipaddress.IPv6Address(sid.split("/")[0]).packed] = (str(ipaddress.IPv6Address(sid.split("/")[0])), beh)
        self.locator = ipaddress.ip_network(a.locator) if a.locator else None
        self.c = {"encapsulated": {}, "decapsulated": {}, "end": {},
                  "dropped": {r: 0 for r in REASONS}, "ignored": 0, "first_error": None}
        self.dirty = True

    # ------------------------------------------------------------ counters
    def count(self, group, key):
        g = self.c[group]
        g[key] = g.get(key, 0) + 1
        self.dirty = True

    def write_status(self):
        if self.a.status:
            tmp = self.a.status + ".tmp"
            with open(tmp, "w") as f:
                json.dump(self.c, f)
            os.replace(tmp, self.a.status)
        self.dirty = False

    # ------------------------------------------------------------ CE -> WAN
    def route_of(self, net_list, dst):
        best = None
        for net, segs in net_list:
            if dst in net and (best is None or net.prefixlen > best[0].prefixlen):
                best = (net, segs)
        return best[1] if best else None

    def from_ce(self, frame):
        if len(frame) < 14:
            self.c["ignored"] += 1
            return
        et = int.from_bytes(frame[12:14], "big")
        if et == ETH_P_IP and len(frame) >= 34:
            segs = self.route_of(self.routes4, ipaddress.IPv4Address(frame[30:34]))
            nh = NH_IPV4
        elif et == ETH_P_IPV6 and len(frame) >= 54:
            segs = self.route_of(self.routes6, ipaddress.IPv6Address(frame[38:54]))
            nh = NH_IPV6
        else:
            segs = None
        if segs is None:  # ARP, ND, traffic for PE2 itself: the kernel's
            self.c["ignored"] += 1
            return
        inner = self.forwarded(frame[14:], nh)
        self.wan.send(self.encap(inner, nh, segs))
        self.count("encapsulated", segs[-1])

    def forwarded(self, pkt, nh):
        """the packet as a router forwards it: header parsed by scapy, TTL or
        hop limit - 1 (IPv4 checksum rebuilt), trailing Ethernet padding cut"""
        if nh == NH_IPV4:
            if len(pkt) < 20 or pkt[0] >> 4 != 4:
                raise Drop("malformed")
            ihl = (pkt[0] & 15) * 4
            h = IP(pkt[:ihl])
            if ihl < 20 or h.len < ihl or h.len > len(pkt):
                raise Drop("malformed")
            if h.ttl <= 1:
                raise Drop("ttl_expired")
            h.ttl -= 1
            del h.chksum
            return raw(h) + pkt[ihl:h.len]
        if len(pkt) < 40 or pkt[0] >> 4 != 6:
            raise Drop("malformed")
        h = IPv6(pkt[:40])
        if 40 + h.plen > len(pkt):
            raise Drop("malformed")
        if h.hlim <= 1:
            raise Drop("ttl_expired")
        h.hlim -= 1
        return raw(h) + pkt[40:40 + h.plen]

    def encap(self, inner, nh, segs):
        """RFC 8986 5.1 H.Encaps / 5.2 H.Encaps.Red of one inner packet"""
        n = len(segs)
        if self.a.encap == "h.encaps.red":
            lst = list(reversed(segs[1:]))
        else:
            lst = list(reversed(segs))
        hdr = IPv6(src=self.a.src, dst=segs[0], hlim=self.a.hlim)
        if lst:
            srh = IPv6ExtHdrSegmentRouting(addresses=lst, segleft=n - 1, lastentry=len(lst) - 1, nh=nh)
            srh_b = raw(srh)
            hdr.nh, hdr.plen = NH_ROUTING, len(srh_b) + len(inner)
            ip6 = raw(hdr) + srh_b
        else:
            hdr.nh, hdr.plen = nh, len(inner)
            ip6 = raw(hdr)
        return raw(Ether(src=self.wan_mac, dst=self.a.wan_peer_mac, type=ETH_P_IPV6)) + ip6 + inner

    # ------------------------------------------------------------ WAN -> CE
    def from_wan(self, frame):
        if len(frame) < 14 or int.from_bytes(frame[12:14], "big") != ETH_P_IPV6:
            self.c["ignored"] += 1
            return
        self.at_sid(frame[14:])

    def at_sid(self, pkt, depth=0):
        if len(pkt) < 40 or pkt[0] >> 4 != 6:
            raise Drop("malformed")
        da = pkt[24:40]
        sid = self.sids.get(da)
        if sid is None:
            if self.locator and ipaddress.IPv6Address(da) in self.locator:
                raise Drop("not_its_sid")
            self.c["ignored"] += 1  # ND, pings to PE2: the kernel's
            return
        name, beh = sid
        h = IPv6(pkt[:40])
        if 40 + h.plen > len(pkt):
            raise Drop("malformed")
        pkt = pkt[:40 + h.plen]
        if h.nh == NH_ROUTING:
            if len(pkt) < 48:
                raise Drop("bad_srh")
            srh_len = (pkt[41] + 1) * 8
            if pkt[42] != 4 or 40 + srh_len > len(pkt):
                raise Drop("bad_srh")
            srh = IPv6ExtHdrSegmentRouting(pkt[40:40 + srh_len])
            entries = (srh.len * 8) // 16  # room for segments (TLVs may follow)
            if srh.lastentry + 1 > entries or not srh.addresses:
                raise Drop("bad_srh")
            segs = [ipaddress.IPv6Address(x).packed for x in srh.addresses]
            if beh == "end":
                if srh.segleft == 0:
                    raise Drop("sl_zero")
                if srh.segleft > srh.lastentry + 1:
                    raise Drop("bad_srh")
                if depth > 4:
                    raise Drop("bad_srh")
                return self.end(h, srh, pkt, srh_len, name, depth)
            if srh.segleft != 0:
                raise Drop("sl_nonzero")
            if segs[0] != da:
                raise Drop("bad_srh")
            nh, inner = srh.nh, pkt[40 + srh_len:]
        elif beh == "end":
            raise Drop("unknown_inner")
        else:  # H.Encaps.Red with one segment: no SRH
            nh, inner = h.nh, pkt[40:]
        want = {"dx4": (NH_IPV4,), "dx6": (NH_IPV6,), "dt6": (NH_IPV6,), "dt46": (NH_IPV4, NH_IPV6)}[beh]
        if nh not in want:
            raise Drop("unknown_inner")
        out = self.forwarded(inner, nh)
        et = ETH_P_IP if nh == NH_IPV4 else ETH_P_IPV6
        self.ce.send(raw(Ether(src=self.ce_mac, dst=self.a.ce_peer_mac, type=et)) + out)
        self.count("decapsulated", name)

    def end(self, h, srh, pkt, srh_len, name, depth):
        """RFC 8986 4.1 End: SL - 1, DA = Segment List[SL], hop limit - 1"""
        if h.hlim <= 1:
            raise Drop("ttl_expired")
        sl = srh.segleft - 1
        srh.segleft = sl
        h.dst = srh.addresses[sl]
        h.hlim -= 1
        new = raw(h) + raw(srh) + pkt[40 + srh_len:]
        self.count("end", name)
        if ipaddress.IPv6Address(h.dst).packed in self.sids:
            return self.at_sid(new, depth + 1)  # the next SID is ours too
        if not self.end_out:
            raise Drop("not_its_sid")
        self.end_out.send(raw(Ether(src=self.end_out_mac, dst=self.a.end_out_peer_mac, type=ETH_P_IPV6)) + new)

    # ------------------------------------------------------------ loop
    def handle(self, sock, fn):
        try:
            frame, addr = sock.recvfrom(65535)
        except BlockingIOError:
            return
        if addr[2] == PACKET_OUTGOING:  # our own (and the kernel's) transmissions
            return
        if addr[2] != PACKET_HOST:  # promiscuous copies (dumpcap), broadcasts: not for us
            self.c["ignored"] += 1
            return
        try:
            fn(frame)
        except Drop as d:
            self.count("dropped", str(d))
        except Exception as e:  # counted, never fatal: the test checks it is 0
            self.count("dropped", "internal_error")
            if self.c["first_error"] is None:
                self.c["first_error"] = "%s: %s" % (type(e).__name__, e)
                traceback.print_exc()

    def run(self, stop):
        socks = {self.wan: self.from_wan, self.ce: self.from_ce}
        print("scapy_pe ready: wan %s ce %s, %d SIDs, %d routes, encap %s" %
              (self.a.wan, self.a.ce, len(self.sids), len(self.routes4) + len(self.routes6), self.a.encap),
              flush=True)
        self.write_status()
        last = time.monotonic()
        while not stop["now"]:
            r, _, _ = select.select(list(socks), [], [], 0.2)
            for s in r:
                self.handle(s, socks[s])
            if self.dirty and time.monotonic() - last >= 0.2:
                self.write_status()
                last = time.monotonic()
        self.write_status()
        print(json.dumps(self.c), flush=True)


def cmd_run(a):
    stop = {"now": False}

    def on_signal(signum, frame):
        stop["now"] = True
    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    PE(a).run(stop)
    return 0


def cmd_inject(a):
    """malformed input (and one good packet) for a scapy_pe; prints the
    counter increments they must cause"""
    s = open_port(a.iface, rx=False)
    eth = Ether(src=mac_of(a.iface), dst=a.dst_mac, type=ETH_P_IPV6)
    v4 = IP(src="192.0.2.99", dst=a.ce_v4) / ICMP(id=4242) / (b"m" * 16)
    v6 = IPv6(src="2001:db8::99", dst="2001:db8::98") / ICMPv6EchoRequest(id=4242)
    srh = lambda segs, sl, nh, le=None: IPv6ExtHdrSegmentRouting(
        addresses=segs, segleft=sl, lastentry=len(segs) - 1 if le is None else le, nh=nh)
    o = lambda dst, nh=NH_ROUTING: IPv6(src=a.src, dst=dst, hlim=64, nh=nh)
    cases = [
        ("not_its_sid", o(a.stray) / srh([a.stray], 0, NH_IPV4) / v4),
        ("sl_nonzero", o(a.sid4) / srh(["2001:db8::77", a.sid4], 1, NH_IPV4) / v4),
        ("bad_srh", o(a.sid4) / srh(["2001:db8::77"], 0, NH_IPV4) / v4),        # Segment List[0] != DA
        ("bad_srh", o(a.sid4) / srh([a.sid4], 0, NH_IPV4, le=3) / v4),          # Last Entry past the list
        ("bad_srh", "truncated_srh"),                                           # built below
        ("unknown_inner", o(a.sid4) / srh([a.sid4], 0, 17) / UDP(sport=1, dport=2) / b"x"),
        ("unknown_inner", o(a.sid4) / srh([a.sid4], 0, NH_IPV6) / v6),          # IPv6 at an End.DX4
        ("unknown_inner", o(a.sid6) / srh([a.sid6], 0, NH_IPV4) / v4),          # IPv4 at an End.DX6
        ("malformed", "short_ipv6"),                                            # built below
        ("malformed", o(a.sid4) / srh([a.sid4], 0, NH_IPV4) / Raw(raw(v4)[:12])),  # inner IPv4 cut short
    ]
    want = {"dropped": {}, "decapsulated": {}}
    for reason, p in cases:
        if p == "truncated_srh":
            # Hdr Ext Len 4 (two segments) but the payload ends after one
            b = bytearray(raw(srh([a.sid4], 0, NH_IPV4)))
            b[1] = 4
            hdr = raw(IPv6(src=a.src, dst=a.sid4, hlim=64, nh=NH_ROUTING, plen=len(b)))
            frame = raw(eth) + hdr + bytes(b)
        elif p == "short_ipv6":
            frame = raw(eth) + raw(IPv6(src=a.src, dst=a.sid4))[:20]
        else:
            frame = raw(eth / p)
        s.send(frame)
        want["dropped"][reason] = want["dropped"].get(reason, 0) + 1
        time.sleep(0.02)
    s.send(raw(eth / o(a.sid4) / srh([a.sid4], 0, NH_IPV4) / v4))  # a good one after them
    want["decapsulated"][str(ipaddress.IPv6Address(a.sid4))] = 1
    print(json.dumps(want))
    return 0


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    sub = ap.add_subparsers(dest="cmd", required=True)
    r = sub.add_parser("run")
    r.add_argument("--wan", required=True)
    r.add_argument("--wan-peer-mac", required=True)
    r.add_argument("--ce", required=True)
    r.add_argument("--ce-peer-mac", required=True)
    r.add_argument("--src", required=True, help="outer source of the encapsulation")
    r.add_argument("--hlim", type=int, default=64, help="outer hop limit")
    r.add_argument("--encap", choices=("h.encaps", "h.encaps.red"), default="h.encaps")
    r.add_argument("--route", action="append", default=[], help="PREFIX=SID[,SID...] (encapsulate toward)")
    r.add_argument("--sid", action="append", default=[], help="SID=dx4|dx6|dt6|dt46|end")
    r.add_argument("--locator", help="packets to it that are no SID count as not_its_sid")
    r.add_argument("--end-out", help="port for packets whose next SID (after End) is not ours")
    r.add_argument("--end-out-peer-mac")
    r.add_argument("--status", help="JSON counters, rewritten while running")
    i = sub.add_parser("inject")
    i.add_argument("--iface", required=True)
    i.add_argument("--dst-mac", required=True)
    i.add_argument("--src", required=True)
    i.add_argument("--sid4", required=True, help="an End.DX4 SID of the PE")
    i.add_argument("--sid6", required=True, help="an End.DX6 SID of the PE")
    i.add_argument("--stray", required=True, help="an address in the PE's locator that is no SID")
    i.add_argument("--ce-v4", required=True)
    a = ap.parse_args()
    return cmd_run(a) if a.cmd == "run" else cmd_inject(a)


if __name__ == "__main__":
    sys.exit(main())
