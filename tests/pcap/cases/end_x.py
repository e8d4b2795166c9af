# SPDX-License-Identifier: BSD-3-Clause
# Copyright (c) 2026 The srv6d authors
"""End.X (RFC 8986 4.2): End processing, then forwarded to the configured L3
adjacency without a FIB lookup. The FIB would send the next segment out of
wan0 (to P1); End.X says wan1 / P3. A next segment with no route at all is
forwarded all the same."""
from harness import *  # noqa: F401,F403

A = sid(3)
UNROUTED = "2001:db8:dead::1"


def scenarios():
    inputs, expect = [], []
    for n, nxt in enumerate((B2, UNROUTED)):
        inner = IPv6(src="2001:db8:20::5", dst=CE_IP6, hlim=60) / UDP(sport=7200 + n, dport=53)
        fr = to_port("wan0", P1_MAC) / IPv6(src=REMOTE_PE, dst=A, hlim=64) / \
            srh([A, nxt], sl=1, nh=41) / inner
        inputs.append(fr)
        out = from_port("wan1", P3_MAC) / IPv6(src=REMOTE_PE, dst=nxt, hlim=63) / \
            srh([A, nxt], sl=0, nh=41) / inner
        expect.append(Exp(out, "wan1", desc=f"End.X to P3 on wan1, DA {nxt}"))
    cfg = config(("wan0", "wan1"), routes=[ROUTE_REMOTE_PE],
                 sids=[{"sid": A, "behavior": "End.X",
                        "nexthop": {"via": P3_IP6, "port": "wan1"}}])
    return [Scenario("end_x", cfg, {"wan0": inputs}, expect, sid_packets={A: 2})]
