# SPDX-License-Identifier: BSD-3-Clause
# Copyright (c) 2026 The srv6d authors
"""Packet Too Big at the ingress PE (RFC 4443 3.2, RFC 8201): wan0 has MTU 1500;
an IPv6 customer packet that would exceed it once encapsulated is dropped and
the CE gets a PTB whose MTU is 1500 minus the encapsulation length:
  H.Encaps 1 segment: 40 + 8 + 16 = 64 -> 1436
  H.Encaps 3 segments: 40 + 8 + 48 = 96 -> 1404
  H.Encaps.Red 1 segment: 40 (no SRH) -> 1460
A packet of exactly that size is encapsulated into a 1500-byte packet. The
quote is as much of the customer packet as fits in 1280 bytes."""
from harness import *  # noqa: F401,F403

ROUTES = [
    ("2001:db8:20::/48", "2001:db8:20::5", [B1], "h.encaps", 64),
    ("2001:db8:30::/48", "2001:db8:30::5", [B1, B2, B3], "h.encaps", 96),
    ("2001:db8:21::/48", "2001:db8:21::5", [B1], "h.encaps.red", 40),
]


def pkt(dst, size, n):
    pl = size - 40 - 8
    return to_port("ce0", CE_MAC) / IPv6(src=CE_IP6, dst=dst, hlim=64) / \
        UDP(sport=50000 + n, dport=9) / Raw(bytes([n & 0xFF]) * pl)


def scenarios():
    ins, exp = [], []
    n = 0
    drops = 0
    for _, dst, segs, enc, overhead in ROUTES:
        mtu = 1500 - overhead
        for size in (mtu, mtu + 1, 1500):
            n += 1
            fr = pkt(dst, size, n)
            ins.append(fr)
            if size <= mtu:
                out = from_port("wan0", P1_MAC) / h_encaps(forwarded(fr), segs,
                                                           red=enc == "h.encaps.red")
                assert len(out) - 14 == 1500
                exp.append(Exp(out, "wan0", checks={"IPv6[0].fl": (lambda v: v != 0, "non-zero")},
                               desc=f"{size}-byte packet to {dst} encapsulated into 1500"))
            else:
                drops += 1
                exp.append(icmp6_error("ce0", CE_MAC, CE0_IP6, CE_IP6, ICMPv6PacketTooBig(mtu=mtu),
                                       fr, desc=f"PTB mtu {mtu} for {size} bytes to {dst}"))
    routes = [{"vrf": VRF1, "prefix": p, "nexthops": [{"type": "srv6", "segments": s,
                                                       "encap": e}]}
              for p, _, s, e, _ in ROUTES] + [ROUTE_REMOTE_PE]
    cfg = config(("wan0", "ce0"), routes=routes, port_extra={"wan0": {"mtu": 1500}})
    return [Scenario("ptb", cfg, {"ce0": ins}, exp, drops={"mtu_exceeded": drops})]
