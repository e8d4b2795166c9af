# SPDX-License-Identifier: BSD-3-Clause
# Copyright (c) 2026 The srv6d authors
"""End with USP (RFC 8986 4.16.2): at SL 0 the SRH is removed and the next
header is processed (here: the upper layer). Observable on the wire:
- an ICMPv6 echo request with an SRH at SL 0 is answered (from the SID, RFC 4443
  2.2(a)), without SRH;
- a UDP packet with an SRH at SL 0 gets the RFC 8986 4.1.1 Parameter Problem
  (code 4) whose pointer designates the UDP header in the quoted packet: 40 if
  the quote is the packet after the SRH removal, 64 if it is the packet as
  received (both readings of "the offset of the Upper-Layer header" accepted,
  but pointer and quote must agree);
- with SL 1 the SID behaves as End (USP only acts at SL 0): SRH kept, SL 0."""
from harness import *  # noqa: F401,F403

A = sid(10)


def scenarios():
    inputs, expect = [], []
    echo = to_port("wan0", P1_MAC) / IPv6(src=REMOTE_PE, dst=A, hlim=64) / \
        srh([B1, A], sl=0, nh=58) / ICMPv6EchoRequest(id=0x77, seq=3, data=b"usp-echo")
    inputs.append(echo)
    expect.append(Exp(from_port("wan0", P1_MAC) / IPv6(src=A, dst=REMOTE_PE, hlim=64) /
                      ICMPv6EchoReply(id=0x77, seq=3, data=b"usp-echo"), "wan0",
                      ignore=ICMP6_GEN_IGNORE, desc="echo reply from the USP SID"))

    udp = to_port("wan0", P1_MAC) / IPv6(src=REMOTE_PE, dst=A, hlim=64) / \
        srh([B1, A], sl=0, nh=17) / UDP(sport=9, dport=9) / Raw(b"usp-udp")
    inputs.append(udp)
    orig = bytes(udp)[14:]
    srh_len = len(bytes(srh([B1, A], sl=0, nh=17)))
    popped = bytes(IPv6(src=REMOTE_PE, dst=A, hlim=64, nh=17) /
                   UDP(sport=9, dport=9) / Raw(b"usp-udp"))
    q_orig, q_pop = quote_v6(orig), quote_v6(popped)

    def either(q):
        a, b = q_orig(q), q_pop(q)
        return [] if not a or not b else [f"neither the received packet ({'; '.join(a)}) nor "
                                          f"the popped one ({'; '.join(b)})"]
    e = icmp6_error("wan0", P1_MAC, WAN0_IP6, REMOTE_PE, ICMPv6ParamProblem(code=4, ptr=40 + srh_len),
                    udp, desc="param problem code 4 for UDP at the USP SID")
    e.payload_check = either
    e.ignore += ["IPv6[0].plen"]
    e.checks = {"ICMPv6ParamProblem.ptr": (lambda v: v in (40, 40 + srh_len),
                                           f"40 or {40 + srh_len}")}
    e.tag = "pp"
    expect.append(e)

    def pointer_matches_quote(res):
        items = res.by_tag.get("pp", [])
        errs = []
        for _, g in items:
            pl = g[ICMPv6ParamProblem].payload
            q = bytes(getattr(pl, "original", None) or pl)
            ptr = g[ICMPv6ParamProblem].ptr
            if q[6] == 17 and ptr != 40:
                errs.append(f"quote has no SRH but pointer is {ptr}, not 40")
            if q[6] == 43 and ptr != 40 + srh_len:
                errs.append(f"quote has the SRH but pointer is {ptr}, not {40 + srh_len}")
        return errs

    inner = IPv6(src="2001:db8:20::5", dst=CE_IP6, hlim=60) / UDP(sport=7900, dport=53)
    fr = to_port("wan0", P1_MAC) / IPv6(src=REMOTE_PE, dst=A, hlim=64) / \
        srh([A, B2], sl=1, nh=41) / inner
    inputs.append(fr)
    expect.append(Exp(from_port("wan0", P1_MAC) / IPv6(src=REMOTE_PE, dst=B2, hlim=63) /
                      srh([A, B2], sl=0, nh=41) / inner, "wan0",
                      desc="USP SID with SL 1: End, SRH kept"))
    cfg = config(("wan0",), routes=[ROUTE_REMOTE_PE],
                 sids=[{"sid": A, "behavior": "End", "flavors": ["usp"]}])
    return [Scenario("usp", cfg, {"wan0": inputs}, expect, drops={"sid_upper_layer": 1},
                     post_checks=[pointer_matches_quote])]
