# SPDX-License-Identifier: BSD-3-Clause
# Copyright (c) 2026 The srv6d authors
"""End.DX6 (RFC 8986 4.4): the outer IPv6 header and its extension headers are
removed and the inner IPv6 packet goes to the configured next hop without a
lookup (its destination has no route); inner hop limit - 1, flow label kept.
Arrival with a 1-segment SRH, without SRH (reduced), with a 3-segment SRH at SL 0."""
from harness import *  # noqa: F401,F403

A = sid(6)


def scenarios():
    inputs, expect = [], []
    for i in range(2):
        inner = IPv6(src="2001:db8:20::5", dst="2001:db8:77::7", hlim=50, fl=0xabcde) / \
            UDP(sport=7500 + i, dport=53) / Raw(b"dx6 %d" % i)
        for form, fr in arrival_forms(A, inner):
            inputs.append(fr)
            expect.append(Exp(from_port("ce0", CE_MAC) / dec(inner), "ce0",
                              desc=f"End.DX6 {form} #{i}"))
    cfg = config(("wan0", "ce0"), routes=[ROUTE_REMOTE_PE],
                 sids=[{"sid": A, "behavior": "End.DX6",
                        "nexthop": {"via": CE_IP6, "port": "ce0"}}])
    return [Scenario("dx6", cfg, {"wan0": inputs}, expect, sid_packets={A: len(inputs)})]
