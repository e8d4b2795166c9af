# SPDX-License-Identifier: BSD-3-Clause
# Copyright (c) 2026 The srv6d authors
"""An upper layer other than ICMPv6 echo at an End SID (RFC 8986 4.1.1 S04):
Parameter Problem code 4 (SR Upper-layer Header Error), pointer = offset of the
upper-layer header: 40 + 8 + 2 * 16 = 80 behind a two-segment SRH, 40 without SRH.
From the ingress port's address (doc choice, see the report), quote = packet."""
from harness import *  # noqa: F401,F403

A = sid(1)


def scenarios():
    ins, exp = [], []
    cases = [
        ("udp+srh", srh([B1, A], sl=0, nh=17), UDP(sport=1234, dport=4321) / Raw(b"u"), 80),
        ("udp", None, UDP(sport=1235, dport=4321) / Raw(b"u"), 40),
        ("tcp", None, TCP(sport=1236, dport=22, flags="S"), 40),
    ]
    for name, s, l4, ptr in cases:
        ip = IPv6(src=REMOTE_PE, dst=A, hlim=64)
        fr = to_port("wan0", P1_MAC) / (ip / s if s is not None else ip) / l4
        ins.append(fr)
        exp.append(icmp6_error("wan0", P1_MAC, WAN0_IP6, REMOTE_PE,
                               ICMPv6ParamProblem(code=4, ptr=ptr), fr,
                               desc=f"param problem 4 ptr {ptr} ({name})"))
    cfg = config(("wan0",), routes=[ROUTE_REMOTE_PE], sids=[{"sid": A, "behavior": "End"}])
    return [Scenario("upper", cfg, {"wan0": ins}, exp, drops={"sid_upper_layer": len(cases)})]
