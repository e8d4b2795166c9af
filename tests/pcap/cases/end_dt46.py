# SPDX-License-Identifier: BSD-3-Clause
# Copyright (c) 2026 The srv6d authors
"""End.DT46 (RFC 8986 4.8): decapsulate IPv4 or IPv6 and look the inner
destination up in the SID's VRF; TTL / hop limit - 1. Each family arrives
with a 1-segment SRH (SL 0), without SRH (Linux's encap.red form) and with a
3-segment SRH at SL 0."""
from harness import *  # noqa: F401,F403

A = sid(9)


def scenarios():
    inputs, expect = [], []
    dests = ((CE_IP4, CE_MAC), ("192.0.2.9", CE2_MAC), (CE_IP6, CE_MAC),
             ("2001:db8:40::9", CE2_MAC))
    for dst, mac in dests:
        if ":" in dst:
            inner = IPv6(src="2001:db8:20::5", dst=dst, hlim=50)
        else:
            inner = IP(src="172.16.20.5", dst=dst, ttl=50)
        inner = inner / UDP(sport=7800, dport=53) / Raw(b"dt46 " + dst.encode())
        for form, fr in arrival_forms(A, inner):
            inputs.append(fr)
            expect.append(Exp(from_port("ce0", mac) / dec(inner), "ce0",
                              desc=f"End.DT46 {form} to {dst}"))
    cfg = config(("wan0", "ce0"),
                 routes=[ROUTE_REMOTE_PE,
                         {"vrf": VRF1, "prefix": "192.0.2.0/24",
                          "nexthops": [{"type": "ip", "via": CE2_IP4, "port": "ce0"}]},
                         {"vrf": VRF1, "prefix": "2001:db8:40::/48",
                          "nexthops": [{"type": "ip", "via": CE2_IP6, "port": "ce0"}]}],
                 sids=[{"sid": A, "behavior": "End.DT46", "vrf": VRF1}])
    return [Scenario("dt46", cfg, {"wan0": inputs}, expect, sid_packets={A: len(inputs)})]
