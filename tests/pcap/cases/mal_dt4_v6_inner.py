# SPDX-License-Identifier: BSD-3-Clause
# Copyright (c) 2026 The srv6d authors
"""End.DT4 receiving an inner IPv6 packet (with a one-segment SRH and without):
no forwarded packet, decap_bad_inner; RFC 8986 4.7 S05 ("Else: process as per
4.1.1") -> Parameter Problem code 4 pointing to the inner header (64 / 40)."""
from harness import *  # noqa: F401,F403

A = sid(7)


def scenarios():
    ins, exp = [], []
    inner = IPv6(src="2001:db8:20::5", dst=CE_IP6) / UDP(dport=53) / Raw(b"v6 into dt4")
    for form, fr in arrival_forms(A, inner):
        if form == "srh3":
            continue
        ptr = 40 if form == "red" else 64
        ins.append(fr)
        exp.append(icmp6_error("wan0", P1_MAC, WAN0_IP6, REMOTE_PE,
                               ICMPv6ParamProblem(code=4, ptr=ptr), fr,
                               desc=f"param problem 4 ptr {ptr} ({form})"))
    cfg = config(("wan0", "ce0"), routes=[ROUTE_REMOTE_PE],
                 sids=[{"sid": A, "behavior": "End.DT4", "vrf": VRF1}])
    return [Scenario("dt4v6", cfg, {"wan0": ins}, exp, drops={"decap_bad_inner": 2})]
