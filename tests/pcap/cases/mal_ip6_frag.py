# SPDX-License-Identifier: BSD-3-Clause
# Copyright (c) 2026 The srv6d authors
"""IPv6 Fragment headers (RFC 8200 4.5). What follows a Fragment header is
readable only after reassembly, which srv6d does not do: a fragment addressed
to one of our SIDs (Fragment header before the SRH, or after an SRH with SL
0) or to our own address is dropped as ip6_fragment, with no ICMP (no
Parameter Problem: the packet is not malformed). Fragments merely passing
through are forwarded untouched but for the hop limit (RFC 8200 4: only the
destination reads them): plain transit, and an End SID with SL 1 whose SRH
comes before the Fragment header (the SRH is processed, the fragment rides
on to the next segment). A decapsulated fragment (inner IPv4 fragment at
End.DT4) is forwarded whole too."""
from harness import *  # noqa: F401,F403
from scapy.all import IPv6ExtHdrFragment

END, DT4 = sid(1), sid(7)


def scenarios():
    wan = to_port("wan0", P1_MAC)
    inner = IP(src="172.16.20.5", dst=CE_IP4, ttl=50) / UDP(sport=7000, dport=53) / \
        Raw(b"inner")
    frag = IPv6ExtHdrFragment(id=0x1234, offset=0, m=1)
    drops = [
        # Fragment header, then the SRH, to End.DT4
        wan / IPv6(src=REMOTE_PE, dst=DT4, hlim=61) / frag /
        srh([DT4], sl=0, nh=4) / inner,
        # SRH (SL 0), then a Fragment header, to End.DT4
        wan / IPv6(src=REMOTE_PE, dst=DT4, hlim=61) / srh([DT4], sl=0, nh=44) /
        IPv6ExtHdrFragment(id=0x1235, offset=0, m=1, nh=4) / inner,
        # a non-first fragment to End.DT4 (no SRH in it)
        wan / IPv6(src=REMOTE_PE, dst=DT4, hlim=61) /
        IPv6ExtHdrFragment(id=0x1236, offset=8, m=0, nh=43) / Raw(b"z" * 24),
        # the first fragment of an echo request to our wan0 address
        wan / IPv6(src=REMOTE_PE, dst=WAN0_IP6, hlim=61) /
        IPv6ExtHdrFragment(id=0x1237, offset=0, m=1) / ICMPv6EchoRequest(id=1, seq=1) /
        Raw(b"y" * 48),
    ]
    transit = wan / IPv6(src=REMOTE_PE, dst="2001:db8:b:99::9", hlim=30) / \
        IPv6ExtHdrFragment(id=0x2000, offset=0, m=1) / UDP(sport=1, dport=2) / Raw(b"t" * 40)
    end_sl1 = wan / IPv6(src=REMOTE_PE, dst=END, hlim=40) / \
        srh([END, B2], sl=1, nh=44) / IPv6ExtHdrFragment(id=0x2001, offset=0, m=1, nh=4) / \
        inner
    after_end = l3(end_sl1)
    after_end.dst = B2
    after_end.hlim -= 1
    after_end[IPv6ExtHdrSegmentRouting].segleft = 0
    dt4_frag_inner = IP(src="172.16.20.5", dst=CE_IP4, ttl=50, id=77, flags="MF") / \
        UDP(sport=7001, dport=53) / Raw(b"inner fragment")
    dt4_frag = wan / IPv6(src=REMOTE_PE, dst=DT4, hlim=61) / srh([DT4], sl=0, nh=4) / \
        dt4_frag_inner
    ins = drops + [transit, end_sl1, dt4_frag]
    exp = [Exp(from_port("wan0", P1_MAC) / forwarded(transit), "wan0",
               desc="transit fragment forwarded untouched"),
           Exp(from_port("wan0", P1_MAC) / after_end, "wan0",
               desc="End with SL 1, Fragment header after the SRH: to the next segment"),
           Exp(from_port("ce0", CE_MAC) / dec(dt4_frag_inner), "ce0",
               desc="End.DT4 with an inner IPv4 fragment: forwarded")]
    cfg = config(("wan0", "ce0"), routes=[ROUTE_REMOTE_PE],
                 sids=[{"sid": END, "behavior": "End"},
                       {"sid": DT4, "behavior": "End.DT4", "vrf": VRF1}])
    return [Scenario("fragments", cfg, {"wan0": ins}, exp, drops={"ip6_fragment": 4})]
