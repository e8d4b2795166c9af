# SPDX-License-Identifier: BSD-3-Clause
# Copyright (c) 2026 The srv6d authors
"""IPv4 header with IHL 4 (< 5, RFC 1812 5.2.2), checksum otherwise correct:
ip4_bad_header, nothing sent."""
from harness import *  # noqa: F401,F403


def scenarios():
    fr = to_port("ce0", CE_MAC) / IP(src=CE_IP4, dst="172.16.20.5", ttl=64, ihl=4) / \
        UDP(dport=53) / Raw(b"x" * 20)
    b = bytearray(bytes(fr))
    # checksum over the 20 bytes present, so only the IHL is wrong
    b[24:26] = b"\0\0"
    s = sum(int.from_bytes(b[14 + i:16 + i], "big") for i in range(0, 20, 2))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    b[24:26] = (0xFFFF - s).to_bytes(2, "big")
    cfg = config(("wan0", "ce0"), routes=[ROUTE_REMOTE_PE,
                                         {"vrf": VRF1, "prefix": "172.16.20.0/24",
                                          "nexthops": [{"type": "srv6", "segments": [B1]}]}])
    return [Scenario("ihl4", cfg, {"ce0": [bytes(b)]}, [], drops={"ip4_bad_header": 1})]
