# SPDX-License-Identifier: BSD-3-Clause
# Copyright (c) 2026 The srv6d authors
"""End with USD (RFC 8986 4.16.3): at SL 0 (or without SRH) an inner IPv6
packet is decapsulated and looked up in the SID's table (default): the inner
destination 2001:db8:c::5 is routed via P2; inner hop limit - 1. With SL 1 the
SID is a plain End (SRH kept, SL 0, to the next segment via P1)."""
from harness import *  # noqa: F401,F403

A = sid(11)


def scenarios():
    inputs, expect = [], []
    inner = IPv6(src="2001:db8:20::5", dst="2001:db8:c::5", hlim=50) / \
        UDP(sport=8000, dport=53) / Raw(b"usd")
    for form, fr in arrival_forms(A, inner):
        if form == "srh3":
            continue
        inputs.append(fr)
        expect.append(Exp(from_port("wan0", P2_MAC) / dec(inner), "wan0",
                          desc=f"USD decap ({form}) -> P2"))
    fr = to_port("wan0", P1_MAC) / IPv6(src=REMOTE_PE, dst=A, hlim=64) / \
        srh([A, B2], sl=1, nh=41) / inner
    inputs.append(fr)
    expect.append(Exp(from_port("wan0", P1_MAC) / IPv6(src=REMOTE_PE, dst=B2, hlim=63) /
                      srh([A, B2], sl=0, nh=41) / inner, "wan0",
                      desc="USD SID with SL 1: End"))
    cfg = config(("wan0",),
                 routes=[ROUTE_REMOTE_PE,
                         {"vrf": "default", "prefix": "2001:db8:c::/48",
                          "nexthops": [{"type": "ip", "via": P2_IP6, "port": "wan0"}]}],
                 sids=[{"sid": A, "behavior": "End", "flavors": ["usd"]}])
    return [Scenario("usd", cfg, {"wan0": inputs}, expect, sid_packets={A: len(inputs)})]
