# SPDX-License-Identifier: BSD-3-Clause
# Copyright (c) 2026 The srv6d authors
"""An SRH whose Hdr Ext Len (6: 56 bytes, 3 segments) runs past the IPv6
payload (24 bytes: the fixed part and one segment), to our End SID:
srh_truncated, nothing sent."""
from harness import *  # noqa: F401,F403

A = sid(1)


def scenarios():
    full = bytes(IPv6ExtHdrSegmentRouting(nh=41, addresses=[B3, B2, A], segleft=2, lastentry=2))
    assert full[1] == 6
    fr = to_port("wan0", P1_MAC) / IPv6(src=REMOTE_PE, dst=A, nh=43, hlim=64) / Raw(full[:24])
    cfg = config(("wan0",), routes=[ROUTE_REMOTE_PE], sids=[{"sid": A, "behavior": "End"}])
    return [Scenario("srh_trunc", cfg, {"wan0": [fr]}, [], drops={"srh_truncated": 1})]
