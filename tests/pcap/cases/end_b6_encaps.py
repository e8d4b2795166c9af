# SPDX-License-Identifier: BSD-3-Clause
# Copyright (c) 2026 The srv6d authors
"""End.B6.Encaps (RFC 8986 4.13) and End.B6.Encaps.Red (4.14): a binding SID.

The packet arrives for our SID A with SRH [A, B2] SL 1: End processing first
(hop limit - 1, SL 0, DA = B2), then the SID's own policy is pushed in a new
outer IPv6 header from encap.source, next header 41 (the whole updated IPv6
packet is the payload):
  - End.B6.Encaps, policy [B1, B3]: SRH [B1, B3] (Last Entry 1, SL 1), DA B1;
  - End.B6.Encaps.Red, policy [B1, B3]: the first segment only in the DA:
    SRH [B3] (Last Entry 0, SL 1);
  - End.B6.Encaps.Red, policy [B1]: no SRH at all, DA B1, next header 41.
The outer hop limit is encap.hop_limit (64). B1 is routed through P1 on
wan0. Reaching a binding SID with SL 0 is a Parameter Problem pointing at
the SRH's Segments Left (RFC 8986 4.13 S01-S03: the SID must not be the
last one), counted as sid_sl_zero. Wire format checked again with tshark.
"""
from harness import *  # noqa: F401,F403

A_ENC, A_RED, A_RED1 = sid(0xb6), sid(0xb7), sid(0xb8)
# (SID, behaviour, its policy, reduced, the incoming packet's next segment:
# one per SID, so that tshark's frames tell the three apart)
POLICIES = [(A_ENC, "End.B6.Encaps", [B1, B3], False, B2),
            (A_RED, "End.B6.Encaps.Red", [B1, B3], True, "2001:db8:b:22::"),
            (A_RED1, "End.B6.Encaps.Red", [B1], True, "2001:db8:b:23::")]


def scenarios():
    ins, exp, want = [], [], {}
    for i, (a, beh, segs, red, nxt) in enumerate(POLICIES):
        for f in range(3):
            inner = IPv6(src="2001:db8:20::5", dst=CE_IP6, hlim=60) / \
                UDP(sport=7400 + 10 * i + f, dport=53) / Raw(b"b6 %d %d" % (i, f))
            fr = to_port("wan0", P1_MAC) / IPv6(src=REMOTE_PE, dst=a, hlim=64) / \
                srh([a, nxt], sl=1, nh=41) / inner
            ins.append(fr)
            # End processing (RFC 8986 4.1), then the policy around it
            updated = IPv6(src=REMOTE_PE, dst=nxt, hlim=63) / srh([a, nxt], sl=0, nh=41) / inner
            pkt = from_port("wan0", P1_MAC) / h_encaps(updated, segs, red=red)
            exp.append(Exp(pkt, "wan0", ignore=["IPv6[0].fl"],
                           desc=f"{beh} {len(segs)} segment(s), flow {f}"))
        n = len(segs)
        want[nxt] = None if red and n == 1 else {
            "nxt": 41, "len": 2 * (n - 1 if red else n), "segleft": n - 1,
            "last_entry": n - 2 if red else n - 1,
            "addrs": list(reversed(segs[1:] if red else segs))}
    # SL 0 at a binding SID: Parameter Problem at the SRH's Segments Left
    # (40 + 3 = 43), nothing forwarded
    bad = to_port("wan0", P1_MAC) / IPv6(src=REMOTE_PE, dst=A_RED, hlim=64) / \
        srh([A_RED], sl=0, nh=41) / IPv6(src="2001:db8:20::5", dst=CE_IP6) / UDP(dport=53)
    ins.append(bad)
    exp.append(icmp6_error("wan0", P1_MAC, WAN0_IP6, REMOTE_PE,
                           ICMPv6ParamProblem(code=0, ptr=43), bad,
                           desc="End.B6.Encaps.Red with SL 0: param problem ptr 43"))
    want[None] = None  # the error (tshark shows its quoted packet inside ICMPv6)
    sids = [{"sid": a, "behavior": beh, "segments": segs} for a, beh, segs, _, _ in POLICIES]
    cfg = config(("wan0",), routes=[ROUTE_REMOTE_PE], sids=sids)

    def outer_nh(res):
        errs = []
        for _, items in res.by_tag.items():
            for _e, g in items:
                if IPv6ExtHdrSegmentRouting not in g and ICMPv6ParamProblem not in g and \
                        g[IPv6].nh != 41:
                    errs.append(f"1-segment End.B6.Encaps.Red: outer nh {g[IPv6].nh}")
        return errs

    return [Scenario("b6", cfg, {"wan0": ins}, exp, drops={"sid_sl_zero": 1},
                     sid_packets={A_ENC: 3, A_RED: 4, A_RED1: 3},
                     post_checks=[tshark_srh_check("wan0", want), outer_nh])]
