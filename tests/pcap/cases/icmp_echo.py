# SPDX-License-Identifier: BSD-3-Clause
# Copyright (c) 2026 The srv6d authors
"""Echo replies for the router's own addresses (RFC 792, RFC 1122 3.2.2.6, RFC
4443 4.2): source = the address pinged, destination = the requester, same
identifier, sequence and data; TTL / hop limit 64. IPv4 and IPv6 on ce0 (VRF),
IPv6 on wan0 (default), a large IPv4 echo too."""
from harness import *  # noqa: F401,F403


def scenarios():
    ins = {"ce0": [], "wan0": []}
    exp = []
    for n, data in enumerate((b"ping v4", bytes(range(256)) * 4)):
        a = to_port("ce0", CE_MAC) / IP(src=CE_IP4, dst=CE0_IP4, ttl=64) / \
            ICMP(type=8, id=0x1234, seq=n + 1) / Raw(data)
        ins["ce0"].append(a)
        exp.append(Exp(from_port("ce0", CE_MAC) / IP(src=CE0_IP4, dst=CE_IP4, ttl=64) /
                       ICMP(type=0, id=0x1234, seq=n + 1) / Raw(data), "ce0",
                       ignore=ICMP4_GEN_IGNORE, desc=f"IPv4 echo reply {n + 1}"))
    b = to_port("ce0", CE_MAC) / IPv6(src=CE_IP6, dst=CE0_IP6, hlim=64) / \
        ICMPv6EchoRequest(id=0x4321, seq=7, data=b"ping v6 vrf")
    ins["ce0"].append(b)
    exp.append(Exp(from_port("ce0", CE_MAC) / IPv6(src=CE0_IP6, dst=CE_IP6, hlim=64) /
                   ICMPv6EchoReply(id=0x4321, seq=7, data=b"ping v6 vrf"), "ce0",
                   ignore=ICMP6_GEN_IGNORE, desc="IPv6 echo reply on ce0"))
    c = to_port("wan0", P1_MAC) / IPv6(src=REMOTE_PE, dst=WAN0_IP6, hlim=50) / \
        ICMPv6EchoRequest(id=0x99, seq=1, data=b"ping v6 core")
    ins["wan0"].append(c)
    exp.append(Exp(from_port("wan0", P1_MAC) / IPv6(src=WAN0_IP6, dst=REMOTE_PE, hlim=64) /
                   ICMPv6EchoReply(id=0x99, seq=1, data=b"ping v6 core"), "wan0",
                   ignore=ICMP6_GEN_IGNORE, desc="IPv6 echo reply on wan0"))
    cfg = config(("wan0", "ce0"), routes=[ROUTE_REMOTE_PE])
    return [Scenario("echo", cfg, ins, exp)]
