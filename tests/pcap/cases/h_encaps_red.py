# SPDX-License-Identifier: BSD-3-Clause
# Copyright (c) 2026 The srv6d authors
"""H.Encaps.Red (RFC 8986 5.2): the first segment is not written into the SRH.

1 segment: no SRH at all, outer next header 4 / 41, DA = the segment.
3 segments [S1,S2,S3]: SRH Segment List = [S3, S2] (S1 omitted), Last Entry =
n-2 = 1, SL = n-1 = 2, DA = S1. Inner TTL / hop limit - 1. Flow label compute.
Wire format checked again with tshark.
"""
from harness import *  # noqa: F401,F403

SEGS1 = [B1]
SEGS3 = [B1, B2, B3]
DESTS = [
    ("172.16.20.5", False, SEGS1, "172.16.20.0/24"),
    ("172.16.30.5", False, SEGS3, "172.16.30.0/24"),
    ("2001:db8:20::5", True, SEGS1, "2001:db8:20::/48"),
    ("2001:db8:30::5", True, SEGS3, "2001:db8:30::/48"),
]


def scenarios():
    routes = [{"vrf": VRF1, "prefix": pfx,
               "nexthops": [{"type": "srv6", "segments": segs, "encap": "h.encaps.red"}]}
              for _, _, segs, pfx in DESTS] + [ROUTE_REMOTE_PE]
    inputs, expect, want = [], [], {}
    for k in range(2):
        for di, (dst, v6, segs, _) in enumerate(DESTS):
            for f in range(4):
                ip = IPv6(src=CE_IP6, dst=dst, hlim=64) if v6 else \
                    IP(src=CE_IP4, dst=dst, ttl=64)
                fr = to_port("ce0", CE_MAC) / ip / UDP(sport=30000 + f, dport=53) / \
                    Raw(b"red %d %d" % (f, k))
                inputs.append(fr)
                pkt = from_port("wan0", P1_MAC) / h_encaps(forwarded(fr), segs, red=True)
                expect.append(Exp(pkt, "wan0", tag=("fl", di, f),
                                  checks={"IPv6[0].fl": (lambda v: v != 0, "non-zero")},
                                  desc=f"H.Encaps.Red {dst} flow {f} #{k}"))
                n = len(segs)
                want[dst] = None if n == 1 else {
                    "nxt": 41 if v6 else 4, "len": 2 * (n - 1), "segleft": n - 1,
                    "last_entry": n - 2, "addrs": list(reversed(segs[1:]))}
    # the outer next header of the 1-segment form is the inner family itself
    def outer_nh(res):
        errs = []
        for _, items in res.by_tag.items():
            for e, g in items:
                if IPv6ExtHdrSegmentRouting not in g:
                    inner_v6 = g[IPv6].payload.__class__ is IPv6
                    if g[IPv6].nh != (41 if inner_v6 else 4):
                        errs.append(f"1-segment H.Encaps.Red: outer nh {g[IPv6].nh}")
        return errs
    return [Scenario("red", config(("wan0", "ce0"), routes=routes), {"ce0": inputs}, expect,
                     post_checks=[flow_label_check("compute"), tshark_srh_check("wan0", want),
                                  outer_nh])]
