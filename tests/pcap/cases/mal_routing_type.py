# SPDX-License-Identifier: BSD-3-Clause
# Copyright (c) 2026 The srv6d authors
"""Routing header type 0 (RFC 5095: handled as an unrecognised type) with
Segments Left 1 at our End SID: no forwarded packet, routing_type_unknown, and
RFC 8200 4.4: Parameter Problem code 0 pointing to the Routing Type (42)."""
from harness import *  # noqa: F401,F403

A = sid(1)


def scenarios():
    fr = to_port("wan0", P1_MAC) / IPv6(src=REMOTE_PE, dst=A, hlim=64) / \
        IPv6ExtHdrRouting(nh=41, type=0, segleft=1, addresses=[B2]) / \
        IPv6(src="2001:db8:20::5", dst=CE_IP6) / UDP(dport=53)
    cfg = config(("wan0",), routes=[ROUTE_REMOTE_PE], sids=[{"sid": A, "behavior": "End"}])
    return [Scenario("rh0", cfg, {"wan0": [fr]},
                     [icmp6_error("wan0", P1_MAC, WAN0_IP6, REMOTE_PE,
                                  ICMPv6ParamProblem(code=0, ptr=42), fr)],
                     drops={"routing_type_unknown": 1})]
