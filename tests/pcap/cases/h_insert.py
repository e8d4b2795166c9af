# SPDX-License-Identifier: BSD-3-Clause
# Copyright (c) 2026 The srv6d authors
"""H.Insert (draft-filsfils-spring-srv6-net-pgm-insertion; seed 003's traffic
that keeps its own IPv6 header): route "encap": "h.insert" with segments
[B1, B3] in VRF L3VPN-1.

A customer IPv6 packet keeps its source, payload and checksums; an SRH goes
in after its header with Segment List [orig DA, B3, B1] (the packet's own
destination last), SL 2, Last Entry 2, next header the packet's own (UDP,
ICMPv6); the DA becomes B1 and the hop limit drops by one (we forward it).
The UDP and ICMPv6 checksums stay right because they are over the final
destination (RFC 8200 8.1), which the harness recomputes independently.
Refused: a packet with a Hop-by-Hop header (the SRH cannot go before it:
insert_refused). Too big: a packet that fits the MTU but not with our 56
bytes gets Packet Too Big with MTU 1500 - 56 = 1444, quoting the packet as
the host sent it (no SRH, its own DA), so the host's PMTU discovery works.
"""
from harness import *  # noqa: F401,F403
from scapy.layers.inet6 import IPv6ExtHdrHopByHop, ICMPv6EchoRequest

DST = "2001:db8:70::5"
SEGS = [B1, B3]


def inserted(pkt):
    """The packet as srv6d sends it: hop limit - 1, DA B1, the SRH after the
    header with the original DA as Segment List[0]."""
    p = IPv6(bytes(pkt))
    nh = p.nh
    rest = bytes(p.payload)
    return IPv6(src=p.src, dst=SEGS[0], hlim=p.hlim - 1, tc=p.tc, fl=p.fl, nh=43) / \
        IPv6ExtHdrSegmentRouting(nh=nh, addresses=[p.dst, B3, B1], segleft=2, lastentry=2) / \
        Raw(rest)


def scenarios():
    ins, exp = [], []
    for i, l4 in enumerate([UDP(sport=3000, dport=4000) / Raw(b"insert udp"),
                            ICMPv6EchoRequest(id=7, seq=1, data=b"insert echo")]):
        p = IPv6(src=CE_IP6, dst=DST, hlim=64, fl=0x12345) / l4
        ins.append(to_port("ce0", CE_MAC) / p)
        exp.append(Exp(from_port("wan0", P1_MAC) / inserted(p), "wan0",
                       desc=f"H.Insert {l4.summary()}"))
    # a Hop-by-Hop header must stay first (RFC 8200 4.1): refused
    hbh = to_port("ce0", CE_MAC) / IPv6(src=CE_IP6, dst=DST, hlim=64) / IPv6ExtHdrHopByHop() / \
        UDP(sport=3001, dport=4000) / Raw(b"hbh")
    ins.append(hbh)
    # 1480 bytes fit ce0 and wan0's 1500, not with 56 more
    big = to_port("ce0", CE_MAC) / IPv6(src=CE_IP6, dst=DST, hlim=64) / \
        UDP(sport=3002, dport=4000) / Raw(b"x" * (1480 - 48))
    ins.append(big)
    exp.append(icmp6_error("ce0", CE_MAC, CE0_IP6, CE_IP6, ICMPv6PacketTooBig(mtu=1444), big,
                           desc="too big with the SRH: MTU 1444, the packet as sent quoted"))
    route = {"vrf": VRF1, "prefix": "2001:db8:70::/48",
             "nexthops": [{"type": "srv6", "segments": SEGS, "encap": "h.insert"}]}
    cfg = config(("wan0", "ce0"), routes=[ROUTE_REMOTE_PE, route])
    return [Scenario("insert", cfg, {"ce0": ins}, exp,
                     drops={"insert_refused": 1, "mtu_exceeded": 1},
                     csum_dst={B1: DST})]
