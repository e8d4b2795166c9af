# SPDX-License-Identifier: BSD-3-Clause
# Copyright (c) 2026 The srv6d authors
"""End.DT4 (RFC 8986 4.7): decapsulate, look the inner IPv4 destination up in the
SID's VRF (L3VPN-1), forward with TTL - 1. 172.16.10.2 is connected on ce0,
192.0.2.0/24 is a VRF route via 172.16.10.3 (another MAC: proves the lookup)."""
from harness import *  # noqa: F401,F403

A = sid(7)


def scenarios():
    inputs, expect = [], []
    for dst, mac in ((CE_IP4, CE_MAC), ("192.0.2.9", CE2_MAC)):
        inner = IP(src="172.16.20.5", dst=dst, ttl=50) / UDP(sport=7600, dport=53) / \
            Raw(b"dt4 " + dst.encode())
        for form, fr in arrival_forms(A, inner):
            inputs.append(fr)
            expect.append(Exp(from_port("ce0", mac) / dec(inner), "ce0",
                              desc=f"End.DT4 {form} to {dst}"))
    cfg = config(("wan0", "ce0"),
                 routes=[ROUTE_REMOTE_PE,
                         {"vrf": VRF1, "prefix": "192.0.2.0/24",
                          "nexthops": [{"type": "ip", "via": CE2_IP4, "port": "ce0"}]}],
                 sids=[{"sid": A, "behavior": "End.DT4", "vrf": VRF1}])
    return [Scenario("dt4", cfg, {"wan0": inputs}, expect, sid_packets={A: len(inputs)})]
