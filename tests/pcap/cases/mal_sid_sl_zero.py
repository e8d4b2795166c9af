# SPDX-License-Identifier: BSD-3-Clause
# Copyright (c) 2026 The srv6d authors
"""An End SID (no USD) reached with SL 0 and an inner IPv6 / IPv4 packet: nothing
to decapsulate into, so no forwarded packet and sid_sl_zero. RFC 8986 4.1 S02-S03
then 4.1.1 S04: the inner packet is an upper-layer header not allowed by local
configuration -> Parameter Problem code 4, pointer = its offset (40 + 24 = 64)."""
from harness import *  # noqa: F401,F403

A = sid(1)


def scenarios():
    ins, exp = [], []
    for inner in (IPv6(src="2001:db8:20::5", dst=CE_IP6) / UDP(dport=53),
                  IP(src="172.16.20.5", dst=CE_IP4) / UDP(dport=53)):
        nh = 4 if isinstance(inner, IP) else 41
        fr = to_port("wan0", P1_MAC) / IPv6(src=REMOTE_PE, dst=A, hlim=64) / \
            srh([A], sl=0, nh=nh) / inner
        ins.append(fr)
        exp.append(icmp6_error("wan0", P1_MAC, WAN0_IP6, REMOTE_PE,
                               ICMPv6ParamProblem(code=4, ptr=64), fr,
                               desc=f"param problem 4 ptr 64 (inner nh {nh})"))
    cfg = config(("wan0",), routes=[ROUTE_REMOTE_PE], sids=[{"sid": A, "behavior": "End"}])
    return [Scenario("sl0", cfg, {"wan0": ins}, exp, drops={"sid_sl_zero": 2})]
