# SPDX-License-Identifier: BSD-3-Clause
# Copyright (c) 2026 The srv6d authors
"""An SRH TLV that overruns the SRH (RFC 8754 2.1: TLVs fill the SRH after the
Segment List): Hdr Ext Len 5 = 2 segments + 8 bytes of TLV space, holding a
PadN TLV of length 10 (12 bytes). No forwarded packet, srh_bad_tlv. RFC 8754
mandates no ICMP for it: a Parameter Problem code 0 pointing into the SRH is
tolerated, not required."""
from harness import *  # noqa: F401,F403

A = sid(1)


def scenarios():
    segs = b"".join(__import__("socket").inet_pton(10, a) for a in (B2, A))
    srh_raw = bytes([41, 5, 4, 1, 1, 0, 0, 0]) + segs + bytes([4, 10, 0, 0, 0, 0, 0, 0])
    assert len(srh_raw) == 48
    inner = bytes(IPv6(src="2001:db8:20::5", dst=CE_IP6) / UDP(dport=53))
    fr = to_port("wan0", P1_MAC) / IPv6(src=REMOTE_PE, dst=A, nh=43, hlim=64) / \
        Raw(srh_raw + inner)
    icmp = icmp6_error("wan0", P1_MAC, WAN0_IP6, REMOTE_PE, ICMPv6ParamProblem(code=0, ptr=0),
                       fr, desc="(optional) param problem into the SRH")
    icmp.checks = {"ICMPv6ParamProblem.ptr": (lambda v: 40 <= v < 88, "a pointer into the SRH")}
    icmp.optional = True
    cfg = config(("wan0",), routes=[ROUTE_REMOTE_PE], sids=[{"sid": A, "behavior": "End"}])
    return [Scenario("tlv", cfg, {"wan0": [fr]}, [icmp], drops={"srh_bad_tlv": 1})]
