# SPDX-License-Identifier: BSD-3-Clause
# Copyright (c) 2026 The srv6d authors
"""End.DX4 (RFC 8986 4.5): the outer IPv6 header and its extension headers are
removed and the inner IPv4 packet goes to the configured next hop without a
lookup (its destination here has no route anywhere); inner TTL - 1.
Arrival with a 1-segment SRH, without SRH (reduced), with a 3-segment SRH at SL 0."""
from harness import *  # noqa: F401,F403

A = sid(5)


def scenarios():
    inputs, expect = [], []
    for i in range(2):
        inner = IP(src="172.16.20.5", dst="198.51.100.7", ttl=50) / \
            UDP(sport=7400 + i, dport=53) / Raw(b"dx4 %d" % i)
        for form, fr in arrival_forms(A, inner):
            inputs.append(fr)
            expect.append(Exp(from_port("ce0", CE_MAC) / dec(inner), "ce0",
                              desc=f"End.DX4 {form} #{i}"))
    cfg = config(("wan0", "ce0"), routes=[ROUTE_REMOTE_PE],
                 sids=[{"sid": A, "behavior": "End.DX4",
                        "nexthop": {"via": CE_IP4, "port": "ce0"}}])
    return [Scenario("dx4", cfg, {"wan0": inputs}, expect, sid_packets={A: len(inputs)})]
