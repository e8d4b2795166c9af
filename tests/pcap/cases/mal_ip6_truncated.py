# SPDX-License-Identifier: BSD-3-Clause
# Copyright (c) 2026 The srv6d authors
"""IPv6 header cut at 20 bytes: ip6_truncated, nothing sent."""
from harness import *  # noqa: F401,F403


def scenarios():
    full = bytes(to_port("wan0", P1_MAC) / IPv6(src=REMOTE_PE, dst=B2) / UDP(dport=53))
    return [Scenario("short", config(("wan0",), routes=[ROUTE_REMOTE_PE]),
                     {"wan0": [full[:14 + 20]]}, [], drops={"ip6_truncated": 1})]
