# SPDX-License-Identifier: BSD-3-Clause
# Copyright (c) 2026 The srv6d authors
"""Blackhole routes in the VRF (IPv4 and IPv6): silently discarded, counted as
blackhole, no ICMP."""
from harness import *  # noqa: F401,F403


def scenarios():
    a = to_port("ce0", CE_MAC) / IP(src=CE_IP4, dst="203.0.113.9") / UDP(dport=53)
    b = to_port("ce0", CE_MAC) / IPv6(src=CE_IP6, dst="2001:db8:66::9") / UDP(dport=53)
    cfg = config(("wan0", "ce0"),
                 routes=[ROUTE_REMOTE_PE,
                         {"vrf": VRF1, "prefix": "203.0.113.0/24",
                          "nexthops": [{"type": "blackhole"}]},
                         {"vrf": VRF1, "prefix": "2001:db8:66::/48",
                          "nexthops": [{"type": "blackhole"}]}])
    return [Scenario("bh", cfg, {"ce0": [a, b]}, [], drops={"blackhole": 2})]
