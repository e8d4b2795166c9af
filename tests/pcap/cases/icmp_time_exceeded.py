# SPDX-License-Identifier: BSD-3-Clause
# Copyright (c) 2026 The srv6d authors
"""Time exceeded (RFC 792 / RFC 1812 5.3.1, RFC 4443 3.3, RFC 8986 4.1 S05-S07):
- IPv4 TTL 1 from the CE to a remote VPN prefix (the PE forwards the customer
  packet before encapsulating it) -> ICMP 11/0 from 172.16.10.1;
- IPv6 hop limit 1 from the CE to a remote VPN prefix -> ICMPv6 3/0 from 2001:db8:1::1;
- IPv6 hop limit 1 at an End SID with SL 1 -> ICMPv6 3/0 from 2001:db8:0:12::1
  (the check comes before the SL decrement: the quote is the packet as received);
- IPv6 hop limit 1 in transit through the default table -> ICMPv6 3/0.
Errors come from the ingress port's address, hop limit / TTL 64."""
from harness import *  # noqa: F401,F403

A = sid(1)


def scenarios():
    ins = {"ce0": [], "wan0": []}
    exp = []
    a = to_port("ce0", CE_MAC) / IP(src=CE_IP4, dst="172.16.20.5", ttl=1) / \
        UDP(sport=33434, dport=33434) / Raw(b"traceroute v4 " * 3)
    ins["ce0"].append(a)
    exp.append(icmp4_error("ce0", CE_MAC, CE0_IP4, CE_IP4, ICMP(type=11, code=0), a))
    b = to_port("ce0", CE_MAC) / IPv6(src=CE_IP6, dst="2001:db8:20::5", hlim=1) / \
        UDP(sport=33435, dport=33434) / Raw(b"traceroute v6")
    ins["ce0"].append(b)
    exp.append(icmp6_error("ce0", CE_MAC, CE0_IP6, CE_IP6, ICMPv6TimeExceeded(code=0), b))
    c = to_port("wan0", P1_MAC) / IPv6(src=REMOTE_PE, dst=A, hlim=1) / \
        srh([A, B2], sl=1, nh=41) / IPv6(src="2001:db8:20::5", dst=CE_IP6) / UDP(dport=53)
    ins["wan0"].append(c)
    exp.append(icmp6_error("wan0", P1_MAC, WAN0_IP6, REMOTE_PE, ICMPv6TimeExceeded(code=0), c,
                           desc="time exceeded at End"))
    # transit through the default table (B3 is routed via P1)
    d = to_port("wan0", P1_MAC) / IPv6(src=REMOTE_PE, dst=B3, hlim=1) / UDP(dport=53) / \
        Raw(b"transit")
    ins["wan0"].append(d)
    exp.append(icmp6_error("wan0", P1_MAC, WAN0_IP6, REMOTE_PE, ICMPv6TimeExceeded(code=0), d,
                           desc="time exceeded in transit"))
    cfg = config(("wan0", "ce0"),
                 routes=[ROUTE_REMOTE_PE,
                         {"vrf": VRF1, "prefix": "172.16.20.0/24",
                          "nexthops": [{"type": "srv6", "segments": [B1]}]},
                         {"vrf": VRF1, "prefix": "2001:db8:20::/48",
                          "nexthops": [{"type": "srv6", "segments": [B1]}]}],
                 sids=[{"sid": A, "behavior": "End"}])
    return [Scenario("ttl1", cfg, ins, exp,
                     drops={"ip4_ttl_exceeded": 1, "ip6_hop_limit_exceeded": 3})]
