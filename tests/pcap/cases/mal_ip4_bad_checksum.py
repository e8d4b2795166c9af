# SPDX-License-Identifier: BSD-3-Clause
# Copyright (c) 2026 The srv6d authors
"""IPv4 header checksum wrong (RFC 1812 5.2.2): ip4_bad_checksum, nothing sent."""
from harness import *  # noqa: F401,F403


def scenarios():
    good = IP(bytes(IP(src=CE_IP4, dst="172.16.20.5", ttl=64) / UDP(dport=53) / Raw(b"x" * 20)))
    fr = to_port("ce0", CE_MAC) / IP(src=CE_IP4, dst="172.16.20.5", ttl=64,
                                     chksum=good.chksum ^ 0x0101) / UDP(dport=53) / Raw(b"x" * 20)
    cfg = config(("wan0", "ce0"), routes=[ROUTE_REMOTE_PE,
                                         {"vrf": VRF1, "prefix": "172.16.20.0/24",
                                          "nexthops": [{"type": "srv6", "segments": [B1]}]}])
    return [Scenario("csum", cfg, {"ce0": [fr]}, [], drops={"ip4_bad_checksum": 1})]
