# SPDX-License-Identifier: BSD-3-Clause
# Copyright (c) 2026 The srv6d authors
"""IPv4 with DF that would exceed the WAN MTU once encapsulated (RFC 1191,
RFC 792 type 3 code 4): ICMP fragmentation needed with next-hop MTU = 1500 -
encapsulation length (64 for one segment, 96 for three), from 172.16.10.1. A
packet of exactly that size is encapsulated into 1500 bytes."""
from harness import *  # noqa: F401,F403

ROUTES = [
    ("172.16.20.0/24", "172.16.20.5", [B1], 64),
    ("172.16.30.0/24", "172.16.30.5", [B1, B2, B3], 96),
]


def scenarios():
    ins, exp, n, drops = [], [], 0, 0
    for _, dst, segs, overhead in ROUTES:
        mtu = 1500 - overhead
        for size in (mtu, mtu + 1):
            n += 1
            fr = to_port("ce0", CE_MAC) / IP(src=CE_IP4, dst=dst, ttl=64, flags="DF", id=n) / \
                UDP(sport=51000 + n, dport=9) / Raw(bytes([n]) * (size - 28))
            ins.append(fr)
            if size <= mtu:
                out = from_port("wan0", P1_MAC) / h_encaps(forwarded(fr), segs)
                exp.append(Exp(out, "wan0", checks={"IPv6[0].fl": (lambda v: v != 0, "non-zero")},
                               desc=f"{size}-byte DF packet encapsulated"))
            else:
                drops += 1
                exp.append(icmp4_error("ce0", CE_MAC, CE0_IP4, CE_IP4,
                                       ICMP(type=3, code=4, nexthopmtu=mtu), fr,
                                       desc=f"frag needed mtu {mtu} for {size} bytes"))
    routes = [{"vrf": VRF1, "prefix": p, "nexthops": [{"type": "srv6", "segments": s}]}
              for p, _, s, _ in ROUTES] + [ROUTE_REMOTE_PE]
    cfg = config(("wan0", "ce0"), routes=routes, port_extra={"wan0": {"mtu": 1500}})
    return [Scenario("df", cfg, {"ce0": ins}, exp, drops={"mtu_exceeded": drops})]
