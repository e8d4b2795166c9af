# SPDX-License-Identifier: BSD-3-Clause
# Copyright (c) 2026 The srv6d authors
"""Hdr Ext Len too small for Last Entry (Hdr Ext Len 4 = 2 segments, Last Entry
2): no forwarded packet, srh_bad_length, and RFC 8754 4.3.1.1 / RFC 8986 4.1
S10-S11: Parameter Problem code 0 pointing to Segments Left (43)."""
from harness import *  # noqa: F401,F403

A = sid(1)


def scenarios():
    fr = to_port("wan0", P1_MAC) / IPv6(src=REMOTE_PE, dst=A, hlim=64) / \
        IPv6ExtHdrSegmentRouting(nh=41, addresses=[B2, A], segleft=1, lastentry=2) / \
        IPv6(src="2001:db8:20::5", dst=CE_IP6) / UDP(dport=53)
    assert bytes(fr)[14 + 41] == 4
    cfg = config(("wan0",), routes=[ROUTE_REMOTE_PE], sids=[{"sid": A, "behavior": "End"}])
    return [Scenario("bad_len", cfg, {"wan0": [fr]},
                     [icmp6_error("wan0", P1_MAC, WAN0_IP6, REMOTE_PE,
                                  ICMPv6ParamProblem(code=0, ptr=43), fr)],
                     drops={"srh_bad_length": 1})]
