# SPDX-License-Identifier: BSD-3-Clause
# Copyright (c) 2026 The srv6d authors
"""End with PSP (RFC 8986 4.16.1): when SL becomes 0 at this SID (penultimate
segment) the SRH is removed: the preceding next header takes the SRH's, the
payload length shrinks by 8 * (Hdr Ext Len + 1). With SL still > 0 after the
decrement the SRH stays (plain End)."""
from harness import *  # noqa: F401,F403

A = sid(2)


def scenarios():
    inputs, expect = [], []
    in6 = IPv6(src="2001:db8:20::5", dst=CE_IP6, hlim=60) / UDP(sport=7100, dport=53) / Raw(b"psp6")
    in4 = IP(src="172.16.20.5", dst=CE_IP4, ttl=60) / UDP(sport=7101, dport=53) / Raw(b"psp4")
    # penultimate: SL 1 -> 0, SRH popped
    for inner, nh in ((in6, 41), (in4, 4)):
        fr = to_port("wan0", P1_MAC) / IPv6(src=REMOTE_PE, dst=A, hlim=64) / \
            srh([A, B2], sl=1, nh=nh) / inner
        inputs.append(fr)
        out = from_port("wan0", P1_MAC) / IPv6(src=REMOTE_PE, dst=B2, hlim=63, nh=nh) / inner
        expect.append(Exp(out, "wan0", desc=f"PSP: SRH removed, nh {nh}"))
    # not penultimate: SL 2 -> 1, SRH kept
    fr = to_port("wan0", P1_MAC) / IPv6(src=REMOTE_PE, dst=A, hlim=64) / \
        srh([A, B2, B3], sl=2, nh=41) / in6
    inputs.append(fr)
    out = from_port("wan0", P1_MAC) / IPv6(src=REMOTE_PE, dst=B2, hlim=63) / \
        srh([A, B2, B3], sl=1, nh=41) / in6
    expect.append(Exp(out, "wan0", desc="PSP SID, SL 2->1: SRH kept"))

    def tshark_psp(res):
        # frames with SRH popped must show no routing header; the other has SL 1
        errs = []
        for n, layers in enumerate(tshark_frames(res.pcap("wan0"))):
            rt = ipv6_layers(layers)[0].get("ipv6.routing")
            if rt is not None and first(rt).get("ipv6.routing.segleft") != "1":
                errs.append(f"tshark wan0 frame {n + 1}: routing header with segleft "
                            f"{first(rt).get('ipv6.routing.segleft')}")
        return errs
    return [Scenario("psp", config(("wan0",), routes=[ROUTE_REMOTE_PE],
                                   sids=[{"sid": A, "behavior": "End", "flavors": ["psp"]}]),
                     {"wan0": inputs}, expect, sid_packets={A: 3}, post_checks=[tshark_psp])]
