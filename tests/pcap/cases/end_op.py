# SPDX-License-Identifier: BSD-3-Clause
# Copyright (c) 2026 The srv6d authors
"""End.OP, the OAM Endpoint with Punt (draft-ietf-6man-spring-srv6-oam; doc/api.md
"End.OP"): whatever Segments Left, the packet stops at the SID and goes to the
node's OAM processing. An ICMPv6 echo request there is answered from the SID
(RFC 4443 4.2: the address it was sent to), without the SRH:

- at SL 0, at SL 2 (the request's checksum is over Segment List[0], the final
  destination, RFC 8200 8.1; the reply's is computed anew, checked by scapy
  and by our independent sum), with the O-flag, and with no SRH at all;
- nothing is forwarded toward the remaining segments.

Malformed or not for OAM: UDP at the SID, an echo request with a wrong
checksum (over the DA instead of the final destination), an echo reply, and an
SRH whose SL exceeds its list: counted drops (oam_op_unhandled) or Parameter
Problem, never a forward. The SID counts every packet it took."""
from harness import *  # noqa: F401,F403

OP = sid(7)
FINAL = "2001:db8:b:9::"  # beyond the SID: never reached


def echo(name, s, n, hlim=60):
    data = b"end.op " + name.encode()
    ip = IPv6(src=REMOTE_PE, dst=OP, hlim=hlim)
    req = ICMPv6EchoRequest(id=0x600 + n, seq=n, data=data)
    fr = to_port("wan0", P1_MAC) / (ip / s / req if s is not None else ip / req)
    rep = Exp(from_port("wan0", P1_MAC) / IPv6(src=OP, dst=REMOTE_PE, hlim=64) /
              ICMPv6EchoReply(id=0x600 + n, seq=n, data=data), "wan0",
              ignore=ICMP6_GEN_IGNORE, desc=f"echo reply from End.OP ({name})")
    return fr, rep


def scenarios():
    ins, exp = [], []
    # Segment List[0] is the final destination: the sender's checksum is
    # summed over it (scapy does, for an IPv6ExtHdrSegmentRouting).
    # scapy's "oam" field is the O-flag, 0x20 (RFC 9259 2).
    cases = [
        ("sl0", srh([OP], sl=0, nh=58)),
        ("sl2", srh([OP, B1, FINAL], sl=2, nh=58)),
        ("sl1_oflag", srh([OP, FINAL], sl=1, nh=58, oam=1)),
        ("nosrh", None),
    ]
    for n, (name, s) in enumerate(cases):
        fr, rep = echo(name, s, n)
        ins.append(fr)
        exp.append(rep)
    ok = len(ins)

    # Not echo requests, or not valid ones: taken by OAM processing, dropped.
    udp = to_port("wan0", P1_MAC) / IPv6(src=REMOTE_PE, dst=OP) / \
        srh([OP, FINAL], sl=1, nh=17) / UDP(sport=4000, dport=33434) / b"probe"
    reply = to_port("wan0", P1_MAC) / IPv6(src=REMOTE_PE, dst=OP) / \
        srh([OP], sl=0, nh=58) / ICMPv6EchoReply(id=1, seq=1)
    # Checksum summed over the DA (the SID) though SL is 1: wrong by RFC 8200 8.1.
    bad = IPv6(src=REMOTE_PE, dst=OP) / ICMPv6EchoRequest(id=2, seq=2, data=b"bad sum")
    bad_ck = IPv6(bytes(bad))[ICMPv6EchoRequest].cksum
    badfr = to_port("wan0", P1_MAC) / IPv6(src=REMOTE_PE, dst=OP) / \
        srh([OP, FINAL], sl=1, nh=58) / ICMPv6EchoRequest(id=2, seq=2, data=b"bad sum",
                                                        cksum=bad_ck)
    ins += [udp, reply, badfr]
    # SL 5 beyond a 2-entry list: Parameter Problem at Segments Left (40 + 3).
    sl_bad = to_port("wan0", P1_MAC) / IPv6(src=REMOTE_PE, dst=OP, hlim=64) / \
        srh([OP, FINAL], sl=5, nh=58) / ICMPv6EchoRequest(id=3, seq=3)
    ins.append(sl_bad)
    exp.append(icmp6_error("wan0", P1_MAC, WAN0_IP6, REMOTE_PE,
                           ICMPv6ParamProblem(code=0, ptr=43), sl_bad,
                           desc="param problem: SL beyond the list"))
    cfg = config(("wan0",), routes=[ROUTE_REMOTE_PE],
                 sids=[{"sid": OP, "behavior": "End.OP"}])
    return [Scenario("end_op", cfg, {"wan0": ins}, exp,
                     drops={"oam_op_unhandled": 3, "srh_sl_exceeds_list": 1},
                     drops_total=4, sid_packets={OP: ok + 4}, post_checks=[o_flag_counted])]


def o_flag_counted(res):
    """RFC 9259 2.1.1: the one request with the O-flag is counted at the SID."""
    got = [s.get("o_flag_packets") for s in (res.stats or {}).get("sids", [])]
    return [] if got == [1] else [f"sids[].o_flag_packets: expected [1], got {got}"]
