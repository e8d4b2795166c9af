# SPDX-License-Identifier: BSD-3-Clause
# Copyright (c) 2026 The srv6d authors
"""Routing headers other than type 4 where srv6d is not the one to process them
(mal_routing_type covers type 0 with segments left at our SID). RFC 8200 4:
extension headers are examined only by the node the destination address
names: a transit packet with a type 0 or type 2 routing header (segments
left 1, then No Next Header) is forwarded untouched but for the hop limit. RFC 8200 4.4: at the
destination, a routing header of an unknown type with segments left 0 is
ignored and the next header processed: an echo request to our own address
behind a type 3 (RPL) routing header with SL 0 is answered."""
from harness import *  # noqa: F401,F403
from scapy.all import IPv6ExtHdrRouting


def rh(rtype, sl, nh, addrs=1):
    """A routing header of any type: 8 fixed bytes then 16 per address (type 0's
    layout; RFC 8200 4.4 only fixes the first four bytes)."""
    return IPv6ExtHdrRouting(nh=nh, type=rtype, segleft=sl,
                             addresses=["2001:db8:ff::%d" % (i + 1) for i in range(addrs)])


def scenarios():
    wan = to_port("wan0", P1_MAC)
    t0 = wan / IPv6(src=REMOTE_PE, dst="2001:db8:b:99::1", hlim=30) / rh(0, 1, 59) / \
        Raw(b"type 0 in transit")
    t2 = wan / IPv6(src=REMOTE_PE, dst="2001:db8:b:99::2", hlim=30) / rh(2, 1, 59) / \
        Raw(b"type 2 in transit")
    echo = wan / IPv6(src=REMOTE_PE, dst=WAN0_IP6, hlim=61) / rh(3, 0, 58) / \
        ICMPv6EchoRequest(id=9, seq=3, data=b"behind RPL SL 0")
    exp = [Exp(from_port("wan0", P1_MAC) / forwarded(t0), "wan0", desc="type 0 in transit"),
           Exp(from_port("wan0", P1_MAC) / forwarded(t2), "wan0", desc="type 2 in transit"),
           Exp(from_port("wan0", P1_MAC) / IPv6(src=WAN0_IP6, dst=REMOTE_PE, hlim=64) /
               ICMPv6EchoReply(id=9, seq=3, data=b"behind RPL SL 0"), "wan0",
               ignore=ICMP6_GEN_IGNORE, desc="echo reply past a type 3 RH with SL 0")]
    cfg = config(("wan0", "ce0"), routes=[ROUTE_REMOTE_PE])
    return [Scenario("routing_elsewhere", cfg, {"wan0": [t0, t2, echo]}, exp)]
