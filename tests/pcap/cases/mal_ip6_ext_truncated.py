# SPDX-License-Identifier: BSD-3-Clause
# Copyright (c) 2026 The srv6d authors
"""An extension header that runs past the IPv6 payload: a Destination Options
header (before the SRH, to our End SID) whose Hdr Ext Len says 48 bytes while
only 8 are there (payload length consistent with the frame): ip6_ext_bad,
nothing sent."""
from harness import *  # noqa: F401,F403

A = sid(1)


def scenarios():
    # next header 43, hdr ext len 5 (48 bytes), PadN covering the 6 bytes present
    dopt = bytes([43, 5, 1, 4, 0, 0, 0, 0])
    fr = to_port("wan0", P1_MAC) / IPv6(src=REMOTE_PE, dst=A, nh=60, hlim=64) / Raw(dopt)
    cfg = config(("wan0",), routes=[ROUTE_REMOTE_PE], sids=[{"sid": A, "behavior": "End"}])
    return [Scenario("ext", cfg, {"wan0": [fr]}, [], drops={"ip6_ext_bad": 1})]
