# SPDX-License-Identifier: BSD-3-Clause
# Copyright (c) 2026 The srv6d authors
"""ICMPv6 echo to an End SID at its upper layer (RFC 8986 4.1.1: ICMPv6 is
allowed by local configuration; doc/api.md: echo is answered): with an SRH at
SL 0 and without SRH. The reply comes from the SID (RFC 4443 2.2(a): the
address the request was sent to) and carries no SRH."""
from harness import *  # noqa: F401,F403

A = sid(1)


def scenarios():
    ins, exp = [], []
    reqs = [
        ("srh", srh([B1, A], sl=0, nh=58)),
        ("nosrh", None),
    ]
    for n, (name, s) in enumerate(reqs):
        data = b"sid ping " + name.encode()
        ip = IPv6(src=REMOTE_PE, dst=A, hlim=60)
        fr = to_port("wan0", P1_MAC) / (ip / s if s is not None else ip) / \
            ICMPv6EchoRequest(id=0x500 + n, seq=n, data=data)
        ins.append(fr)
        exp.append(Exp(from_port("wan0", P1_MAC) / IPv6(src=A, dst=REMOTE_PE, hlim=64) /
                       ICMPv6EchoReply(id=0x500 + n, seq=n, data=data), "wan0",
                       ignore=ICMP6_GEN_IGNORE, desc=f"echo reply from the SID ({name})"))
    cfg = config(("wan0",), routes=[ROUTE_REMOTE_PE], sids=[{"sid": A, "behavior": "End"}])
    return [Scenario("echo_sid", cfg, {"wan0": ins}, exp)]
