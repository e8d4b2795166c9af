# SPDX-License-Identifier: BSD-3-Clause
# Copyright (c) 2026 The srv6d authors
"""Frames shorter than an Ethernet header (10 and 13 bytes): dropped as
eth_truncated, nothing sent."""
from harness import *  # noqa: F401,F403


def scenarios():
    dst = bytes.fromhex(MAC["wan0"].replace(":", ""))
    src = bytes.fromhex(P1_MAC.replace(":", ""))
    frames = [dst + src[:4], dst + src + b"\x86"]
    return [Scenario("short", config(("wan0",), routes=[ROUTE_REMOTE_PE]), {"wan0": frames},
                     [], drops={"eth_truncated": 2})]
