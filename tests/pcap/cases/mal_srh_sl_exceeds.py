# SPDX-License-Identifier: BSD-3-Clause
# Copyright (c) 2026 The srv6d authors
"""Segments Left (3) > Last Entry + 1 (2): no forwarded packet,
srh_sl_exceeds_list, and RFC 8754 4.3.1.1 / RFC 8986 4.1 S10-S11: Parameter
Problem code 0 pointing to Segments Left (43)."""
from harness import *  # noqa: F401,F403

A = sid(1)


def scenarios():
    fr = to_port("wan0", P1_MAC) / IPv6(src=REMOTE_PE, dst=A, hlim=64) / \
        srh([A, B2], sl=3, nh=41) / IPv6(src="2001:db8:20::5", dst=CE_IP6) / UDP(dport=53)
    cfg = config(("wan0",), routes=[ROUTE_REMOTE_PE], sids=[{"sid": A, "behavior": "End"}])
    return [Scenario("sl3", cfg, {"wan0": [fr]},
                     [icmp6_error("wan0", P1_MAC, WAN0_IP6, REMOTE_PE,
                                  ICMPv6ParamProblem(code=0, ptr=43), fr)],
                     drops={"srh_sl_exceeds_list": 1})]
