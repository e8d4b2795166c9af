# SPDX-License-Identifier: BSD-3-Clause
# Copyright (c) 2026 The srv6d authors
"""Truncated IPv4 (RFC 1812 5.2.2: silently discard): a 12-byte IPv4 header, and a
datagram whose total length (200) runs past the end of the frame. Both to a
routed destination: ip4_truncated, nothing sent."""
from harness import *  # noqa: F401,F403


def scenarios():
    full = bytes(IP(src=CE_IP4, dst="172.16.20.5", ttl=64) / UDP(dport=53) / Raw(b"x" * 20))
    short_hdr = bytes(to_port("ce0", CE_MAC))[:12] + b"\x08\x00" + full[:12]
    long_len = to_port("ce0", CE_MAC) / IP(src=CE_IP4, dst="172.16.20.5", ttl=64, len=200) / \
        UDP(dport=53, len=28) / Raw(b"x" * 20)
    cfg = config(("wan0", "ce0"), routes=[ROUTE_REMOTE_PE,
                                         {"vrf": VRF1, "prefix": "172.16.20.0/24",
                                          "nexthops": [{"type": "srv6", "segments": [B1]}]}])
    return [Scenario("trunc", cfg, {"ce0": [short_hdr, long_len]}, [],
                     drops={"ip4_truncated": 2})]
