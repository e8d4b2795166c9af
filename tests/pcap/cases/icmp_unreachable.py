# SPDX-License-Identifier: BSD-3-Clause
# Copyright (c) 2026 The srv6d authors
"""Destination unreachable, no route (RFC 1812 5.2.7.1: code 0 network
unreachable; RFC 4443 3.1: code 0 no route to destination):
- IPv4 from the CE to 203.0.113.9 (no route in L3VPN-1) -> ICMP 3/0 from 172.16.10.1;
- IPv6 from the CE to 2001:db8:99::1 -> ICMPv6 1/0 from 2001:db8:1::1;
- IPv6 from the core to 2001:db8:99::1 (no route in default) -> ICMPv6 1/0 from
  2001:db8:0:12::1."""
from harness import *  # noqa: F401,F403


def scenarios():
    ins = {"ce0": [], "wan0": []}
    exp = []
    a = to_port("ce0", CE_MAC) / IP(src=CE_IP4, dst="203.0.113.9", ttl=64) / \
        TCP(sport=40000, dport=443, flags="S")
    ins["ce0"].append(a)
    exp.append(icmp4_error("ce0", CE_MAC, CE0_IP4, CE_IP4, ICMP(type=3, code=0), a))
    b = to_port("ce0", CE_MAC) / IPv6(src=CE_IP6, dst="2001:db8:99::1", hlim=64) / \
        TCP(sport=40001, dport=443, flags="S")
    ins["ce0"].append(b)
    exp.append(icmp6_error("ce0", CE_MAC, CE0_IP6, CE_IP6, ICMPv6DestUnreach(code=0), b))
    c = to_port("wan0", P1_MAC) / IPv6(src=REMOTE_PE, dst="2001:db8:99::1", hlim=64) / \
        UDP(sport=40002, dport=53) / Raw(b"nowhere")
    ins["wan0"].append(c)
    exp.append(icmp6_error("wan0", P1_MAC, WAN0_IP6, REMOTE_PE, ICMPv6DestUnreach(code=0), c))
    cfg = config(("wan0", "ce0"), routes=[ROUTE_REMOTE_PE])
    return [Scenario("noroute", cfg, ins, exp, drops={"ip4_no_route": 1, "ip6_no_route": 2})]
