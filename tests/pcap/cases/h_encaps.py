# SPDX-License-Identifier: BSD-3-Clause
# Copyright (c) 2026 The srv6d authors
"""H.Encaps (RFC 8986 5.1) of IPv4 and IPv6 customer packets, 1 and 3 segments.

Checked per packet: outer source = encap.source, outer DA = first segment,
hop limit = encap.hop_limit, next header 43; SRH type 4 with the Segment List
reversed (Segment List[0] = last segment), SL = Last Entry = n-1, flags and tag
0, next header 4 / 41; inner TTL / hop limit - 1 (the ingress PE forwards the
customer packet); every checksum. Flow label: compute (non-zero, stable per
flow, varies across flows), zero, inherit (= inner IPv6 flow label). The wire
format of the SRH is checked a second time with tshark.
"""
from harness import *  # noqa: F401,F403

V4_1, V4_3 = "172.16.20.0/24", "172.16.30.0/24"
V6_1, V6_3 = "2001:db8:20::/48", "2001:db8:30::/48"
SEGS1 = [B1]
SEGS3 = [B1, B2, B3]


def routes():
    return [
        {"vrf": VRF1, "prefix": V4_1, "nexthops": [{"type": "srv6", "segments": SEGS1}]},
        {"vrf": VRF1, "prefix": V4_3, "nexthops": [{"type": "srv6", "segments": SEGS3}]},
        {"vrf": VRF1, "prefix": V6_1, "nexthops": [{"type": "srv6", "segments": SEGS1}]},
        {"vrf": VRF1, "prefix": V6_3, "nexthops": [{"type": "srv6", "segments": SEGS3}]},
        ROUTE_REMOTE_PE,
    ]


DESTS = [
    # inner destination, IPv6?, segments
    ("172.16.20.5", False, SEGS1),
    ("172.16.30.5", False, SEGS3),
    ("2001:db8:20::5", True, SEGS1),
    ("2001:db8:30::5", True, SEGS3),
]


def customer(dst, v6, flow, k):
    data = Raw(f"flow {flow} packet {k}".encode().ljust(32, b"."))
    if v6:
        ip = IPv6(src=CE_IP6, dst=dst, hlim=64, fl=0x10000 + flow * 7919)
    else:
        ip = IP(src=CE_IP4, dst=dst, ttl=64)
    return to_port("ce0", CE_MAC) / ip / UDP(sport=20000 + flow, dport=9) / data


def build(name, encap, mode, dests, flows=6, packets=2):
    inputs, expect = [], []
    want = {}
    for k in range(packets):
        for di, (dst, v6, segs) in enumerate(dests):
            for f in range(flows):
                fr = customer(dst, v6, f, k)
                inputs.append(fr)
                inner = forwarded(fr)
                if mode == "zero":
                    fl, checks = 0, {}
                elif mode == "inherit":
                    fl, checks = fr[IPv6].fl, {}
                else:
                    fl, checks = 0, {"IPv6[0].fl": (lambda v: v != 0, "non-zero (compute)")}
                pkt = from_port("wan0", P1_MAC) / h_encaps(inner, segs, hlim=encap["hop_limit"],
                                                           fl=fl)
                expect.append(Exp(pkt, "wan0", checks=checks, tag=("fl", di, f),
                                  desc=f"H.Encaps {dst} flow {f} #{k}"))
                n = len(segs)
                want[dst] = {"nxt": 41 if v6 else 4, "len": 2 * n, "segleft": n - 1,
                             "last_entry": n - 1, "addrs": list(reversed(segs))}
    return Scenario(
        name,
        config(("wan0", "ce0"), routes=routes(), encap=encap),
        {"ce0": inputs},
        expect,
        post_checks=[flow_label_check(mode), tshark_srh_check("wan0", want)])


def scenarios():
    return [
        build("compute", {"source": ENCAP_SRC, "hop_limit": 64, "flowlabel": "compute"},
              "compute", DESTS),
        # hop limit from the configuration, not a constant
        build("zero_hl32", {"source": ENCAP_SRC, "hop_limit": 32, "flowlabel": "zero"},
              "zero", DESTS, flows=3),
        # inherit: IPv6 customer packets only (an IPv4 packet has no flow label)
        build("inherit", {"source": ENCAP_SRC, "hop_limit": 64, "flowlabel": "inherit"},
              "inherit", [d for d in DESTS if d[1]], flows=3),
    ]
