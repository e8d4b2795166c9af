# SPDX-License-Identifier: BSD-3-Clause
# Copyright (c) 2026 The srv6d authors
"""A host-inserted SRH (no encapsulation, RFC 8754 4.1 / 8986 4.1): the host's
own IPv6 packet carries an SRH whose last segment is the final destination
host. End processes it like any other: SL - 1, DA = next segment, hop limit - 1;
the UDP / ICMPv6 checksums stay valid (RFC 8200 8.1: computed with the final
destination, Segment List[0])."""
from harness import *  # noqa: F401,F403

A = sid(1)
HOST = "2001:db8:b::10"       # a host behind P1
FINAL = "2001:db8:c::5"       # the destination host, behind P2


def scenarios():
    inputs, expect = [], []
    payloads = [
        (UDP(sport=5555, dport=6666) / Raw(b"inline udp"), 17),
        (ICMPv6EchoRequest(id=9, seq=1, data=b"inline ping"), 58),
    ]
    for l4, nh in payloads:
        fr = to_port("wan0", P1_MAC) / IPv6(src=HOST, dst=A, hlim=64) / \
            srh([A, FINAL], sl=1, nh=nh) / l4
        inputs.append(fr)
        expect.append(Exp(from_port("wan0", P2_MAC) / IPv6(src=HOST, dst=FINAL, hlim=63) /
                          srh([A, FINAL], sl=0, nh=nh) / l4, "wan0",
                          desc=f"inline SRH nh {nh} -> {FINAL}"))
    # three segments: SL 2 -> 1, next segment B2 via P1
    l4 = UDP(sport=5556, dport=6666) / Raw(b"inline 3")
    fr = to_port("wan0", P1_MAC) / IPv6(src=HOST, dst=A, hlim=64) / \
        srh([A, B2, FINAL], sl=2, nh=17) / l4
    inputs.append(fr)
    expect.append(Exp(from_port("wan0", P1_MAC) / IPv6(src=HOST, dst=B2, hlim=63) /
                      srh([A, B2, FINAL], sl=1, nh=17) / l4, "wan0",
                      desc="inline SRH of 3, SL 2 -> 1"))
    cfg = config(("wan0",),
                 routes=[ROUTE_REMOTE_PE,
                         {"vrf": "default", "prefix": "2001:db8:c::/48",
                          "nexthops": [{"type": "ip", "via": P2_IP6, "port": "wan0"}]}],
                 sids=[{"sid": A, "behavior": "End"}])
    return [Scenario("inline", cfg, {"wan0": inputs}, expect, sid_packets={A: 3})]
