# SPDX-License-Identifier: BSD-3-Clause
# Copyright (c) 2026 The srv6d authors
"""IPv6 payload length (200) beyond the frame (28 bytes of payload present), to
a routed destination: ip6_truncated, nothing sent."""
from harness import *  # noqa: F401,F403


def scenarios():
    fr = to_port("wan0", P1_MAC) / IPv6(src=REMOTE_PE, dst=B2, plen=200) / \
        UDP(dport=53, len=28) / Raw(b"y" * 20)
    return [Scenario("plen", config(("wan0",), routes=[ROUTE_REMOTE_PE]),
                     {"wan0": [fr]}, [], drops={"ip6_truncated": 1})]
