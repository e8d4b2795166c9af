# SPDX-License-Identifier: BSD-3-Clause
# Copyright (c) 2026 The srv6d authors
"""End.DT6 (RFC 8986 4.6): decapsulate, look the inner IPv6 destination up in
the SID's VRF (L3VPN-1), forward with hop limit - 1. 2001:db8:1::2 is
connected on ce0, 2001:db8:40::/48 is a VRF route via 2001:db8:1::3."""
from harness import *  # noqa: F401,F403

A = sid(8)


def scenarios():
    inputs, expect = [], []
    for dst, mac in ((CE_IP6, CE_MAC), ("2001:db8:40::9", CE2_MAC)):
        inner = IPv6(src="2001:db8:20::5", dst=dst, hlim=50, fl=0x54321) / \
            UDP(sport=7700, dport=53) / Raw(b"dt6 " + dst.encode())
        for form, fr in arrival_forms(A, inner):
            inputs.append(fr)
            expect.append(Exp(from_port("ce0", mac) / dec(inner), "ce0",
                              desc=f"End.DT6 {form} to {dst}"))
    cfg = config(("wan0", "ce0"),
                 routes=[ROUTE_REMOTE_PE,
                         {"vrf": VRF1, "prefix": "2001:db8:40::/48",
                          "nexthops": [{"type": "ip", "via": CE2_IP6, "port": "ce0"}]}],
                 sids=[{"sid": A, "behavior": "End.DT6", "vrf": VRF1}])
    return [Scenario("dt6", cfg, {"wan0": inputs}, expect, sid_packets={A: len(inputs)})]
