# SPDX-License-Identifier: BSD-3-Clause
# Copyright (c) 2026 The srv6d authors
"""Parameter Problem for a malformed routing header at an End SID:
- SL > Last Entry + 1, and Last Entry > max_LE = Hdr Ext Len / 2 - 1: RFC 8754
  4.3.1.1 and RFC 8986 4.1 S09-S12 say code 0 with the pointer on the Segments
  Left field for both: 40 + 3 = 43;
- routing type 0 (any type other than 4, RFC 5095) with SL > 0 at our SID and at
  our interface address: RFC 8200 4.4, code 0 pointing to the Routing Type
  field: 40 + 2 = 42.
The quote is the packet as received; errors from 2001:db8:0:12::1."""
from harness import *  # noqa: F401,F403

A = sid(1)


def bad_packets():
    inner = IPv6(src="2001:db8:20::5", dst=CE_IP6) / UDP(dport=53)
    base = lambda dst: to_port("wan0", P1_MAC) / IPv6(src=REMOTE_PE, dst=dst, hlim=64)  # noqa: E731
    return [
        ("sl_exceeds", base(A) / srh([A, B2], sl=3, nh=41) / inner, 43, "srh_sl_exceeds_list"),
        ("bad_length", base(A) / IPv6ExtHdrSegmentRouting(nh=41, addresses=[B2, A], segleft=1,
                                                           lastentry=2) / inner, 43,
         "srh_bad_length"),
        ("rh0_sid", base(A) / IPv6ExtHdrRouting(nh=41, type=0, segleft=1, addresses=[B2]) / inner,
         42, "routing_type_unknown"),
        ("rh0_addr", base(WAN0_IP6) / IPv6ExtHdrRouting(nh=41, type=0, segleft=1,
                                                         addresses=[B2]) / inner,
         42, "routing_type_unknown"),
    ]


def scenarios():
    ins, exp, drops = [], [], {}
    for name, fr, ptr, reason in bad_packets():
        ins.append(fr)
        exp.append(icmp6_error("wan0", P1_MAC, WAN0_IP6, REMOTE_PE,
                               ICMPv6ParamProblem(code=0, ptr=ptr), fr,
                               desc=f"param problem ptr {ptr} for {name}"))
        drops[reason] = drops.get(reason, 0) + 1
    cfg = config(("wan0",), routes=[ROUTE_REMOTE_PE], sids=[{"sid": A, "behavior": "End"}])
    return [Scenario("pp", cfg, {"wan0": ins}, exp, drops=drops)]
