# SPDX-License-Identifier: BSD-3-Clause
# Copyright (c) 2026 The srv6d authors
"""Ethertypes other than IPv4, IPv6 and ARP (0x88b5 local experimental, 0x8847
MPLS) to the port's MAC: eth_unsupported, nothing sent."""
from harness import *  # noqa: F401,F403


def scenarios():
    frames = [to_port("wan0", P1_MAC) / Raw(b"\x00" * 46),
              to_port("wan0", P1_MAC) / Raw(b"\x00\x01\x01\x40" + b"\x45" + b"\x00" * 41)]
    frames[0].type = 0x88B5
    frames[1].type = 0x8847
    return [Scenario("ethertype", config(("wan0",), routes=[ROUTE_REMOTE_PE]),
                     {"wan0": frames}, [], drops={"eth_unsupported": 2})]
