# SPDX-License-Identifier: BSD-3-Clause
# Copyright (c) 2026 The srv6d authors
"""End (RFC 8986 4.1): SL - 1, DA = Segment List[SL], hop limit - 1, FIB lookup
of the new DA in the default table; SRH otherwise unchanged (RFC 8754 4.3.1)."""
from harness import *  # noqa: F401,F403

A = sid(1)


def inner6(n):
    return IPv6(src="2001:db8:20::5", dst=CE_IP6, hlim=60) / UDP(sport=7000 + n, dport=53) / \
        Raw(b"end inner %d" % n)


def inner4(n):
    return IP(src="172.16.20.5", dst=CE_IP4, ttl=60) / UDP(sport=7000 + n, dport=53) / \
        Raw(b"end inner %d" % n)


def scenarios():
    cases = [
        # (visiting order, SL on arrival, inner, next DA)
        ([A, B2], 1, inner6(1), B2),
        ([A, B2], 1, inner4(2), B2),
        ([B1, A, B2, B3], 2, inner6(3), B2),   # A in the middle of a longer list
    ]
    inputs, expect = [], []
    for segs, sl, inner, nxt in cases:
        nh = 41 if isinstance(inner, IPv6) else 4
        fr = to_port("wan0", P1_MAC) / IPv6(src=REMOTE_PE, dst=A, hlim=64, fl=0x12345) / \
            srh(segs, sl=sl, nh=nh) / inner
        inputs.append(fr)
        out = from_port("wan0", P1_MAC) / IPv6(src=REMOTE_PE, dst=nxt, hlim=63, fl=0x12345) / \
            srh(segs, sl=sl - 1, nh=nh) / inner
        expect.append(Exp(out, "wan0", desc=f"End SL {sl}->{sl - 1} DA {nxt}"))
    return [Scenario("end", config(("wan0",), routes=[ROUTE_REMOTE_PE],
                                   sids=[{"sid": A, "behavior": "End"}]),
                     {"wan0": inputs}, expect, sid_packets={A: len(inputs)})]
